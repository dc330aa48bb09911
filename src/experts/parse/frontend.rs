//! The frontend expert's answer as files: fenced code blocks with their languages and file
//! names, HTML checked for tags that do not balance, and one preview page with the CSS and JS
//! files inlined, so a caller can open a single file and see the result.

use regex::Regex;
use std::sync::LazyLock;

use crate::proto::{FrontendFile, FrontendResult};

/// A fenced block as the model wrote it.
struct Block {
    info: String,
    body: String,
    /// The text between the previous block and this one (where a file name is often given).
    before: String,
    closed: bool,
}

fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut before = String::new();
    while let Some(open) = find_fence(rest) {
        before.push_str(&rest[..open]);
        let after = &rest[open..];
        let fence_len = after.chars().take_while(|&c| c == '`' || c == '~').count();
        let fence = &after[..fence_len];
        let line_end = after.find('\n').unwrap_or(after.len());
        let info = after[fence_len..line_end].trim().to_string();
        let body_start = (line_end + 1).min(after.len());
        let body = &after[body_start..];
        // The closing fence is the same run of backticks at the start of a line.
        let mut close = None;
        let mut pos = 0;
        for line in body.split_inclusive('\n') {
            if line.trim_start().starts_with(fence)
                && line.trim().chars().all(|c| c == '`' || c == '~')
            {
                close = Some((pos, pos + line.len()));
                break;
            }
            pos += line.len();
        }
        let (content, next, closed) = match close {
            Some((a, b)) => (&body[..a], &body[b..], true),
            None => (body, "", false),
        };
        out.push(Block {
            info,
            body: content.trim_end_matches(['\n', '\r']).to_string(),
            before: std::mem::take(&mut before),
            closed,
        });
        rest = next;
    }
    out
}

/// The byte offset of the next fence (three or more backticks or tildes at a line start).
fn find_fence(text: &str) -> Option<usize> {
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            return Some(pos + (line.len() - t.len()));
        }
        pos += line.len();
    }
    None
}

/// Canonical language and default file name for a fence tag or file extension.
fn language(tag: &str) -> Option<(&'static str, &'static str)> {
    Some(match tag.to_ascii_lowercase().as_str() {
        "html" | "htm" | "xhtml" => ("html", "index.html"),
        "css" => ("css", "styles.css"),
        "scss" | "sass" => ("scss", "styles.scss"),
        "less" => ("less", "styles.less"),
        "js" | "javascript" | "mjs" | "node" => ("javascript", "script.js"),
        "ts" | "typescript" => ("typescript", "script.ts"),
        "jsx" => ("jsx", "App.jsx"),
        "tsx" => ("tsx", "App.tsx"),
        "vue" => ("vue", "App.vue"),
        "svelte" => ("svelte", "App.svelte"),
        "json" => ("json", "data.json"),
        "svg" => ("svg", "image.svg"),
        "sh" | "bash" | "shell" | "console" => ("shell", "commands.sh"),
        _ => return None,
    })
}

static FILE_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)([A-Za-z0-9_./-]+\.(html?|css|scss|sass|less|m?js|ts|jsx|tsx|vue|svelte|json|svg))\b",
    )
    .expect("file-name pattern")
});

/// A file name from the fence's info string (```html title="index.html"``` or
/// ```css styles/main.css```), the last line before the block ("**index.html**",
/// "文件：style.css"), or the block's first-line comment ("// App.jsx", "<!-- index.html -->").
fn named(block: &Block) -> Option<String> {
    let pick = |s: &str| {
        FILE_NAME
            .captures(s)
            .map(|c| c[1].trim_start_matches("./").to_string())
    };
    let info_rest = block.info.split_once(char::is_whitespace).map(|x| x.1);
    if let Some(n) = info_rest.and_then(pick) {
        return Some(n);
    }
    if let Some(n) = block
        .info
        .contains('.')
        .then(|| pick(&block.info))
        .flatten()
    {
        return Some(n);
    }
    let last = block.before.trim_end().lines().last().unwrap_or_default();
    if last.len() < 120
        && let Some(n) = pick(last)
    {
        return Some(n);
    }
    let first = block.body.lines().next().unwrap_or_default().trim();
    if (first.starts_with("//") || first.starts_with("<!--") || first.starts_with("/*"))
        && first.len() < 120
    {
        return pick(first);
    }
    None
}

fn sniff(body: &str) -> Option<&'static str> {
    let t = body.trim_start().to_ascii_lowercase();
    if t.starts_with("<!doctype html") || t.starts_with("<html") || t.starts_with("<head") {
        Some("html")
    } else if t.starts_with("<template") {
        Some("vue")
    } else if t.starts_with("<") && t.contains("</") {
        Some("html")
    } else if t.starts_with("import react") || t.contains("return (") && t.contains("</") {
        Some("jsx")
    } else {
        None
    }
}

/// Parses the answer. Warnings say what was guessed or wrong: a block with no closing fence
/// (the answer was cut off), HTML whose tags do not balance, a language inferred from the code.
pub fn parse(text: &str) -> (FrontendResult, Vec<String>) {
    let mut warnings = Vec::new();
    let mut files: Vec<FrontendFile> = Vec::new();
    let mut found = blocks(text);
    if found.is_empty() && sniff(text).is_some() {
        // Bare markup with no fences.
        found.push(Block {
            info: sniff(text).unwrap_or_default().to_string(),
            body: text.trim().to_string(),
            before: String::new(),
            closed: true,
        });
    }
    for block in found {
        if block.body.trim().is_empty() {
            continue;
        }
        let tag = block.info.split_whitespace().next().unwrap_or_default();
        let tag = tag.trim_start_matches('{').trim_start_matches('.');
        let name = named(&block);
        let by_ext = name
            .as_deref()
            .and_then(|n| n.rsplit('.').next())
            .and_then(language);
        let (lang, default_name) = match language(tag).or(by_ext) {
            Some(l) => l,
            None => match sniff(&block.body).and_then(language) {
                Some(l) => {
                    warnings.push(format!(
                        "a block with no language tag was taken for {}",
                        l.0
                    ));
                    l
                }
                None => {
                    if !tag.is_empty() {
                        warnings.push(format!("a ```{tag} block is not frontend code: skipped"));
                    }
                    continue;
                }
            },
        };
        if lang == "shell" {
            continue; // install commands, not part of the page
        }
        let mut path = name.unwrap_or_else(|| default_name.to_string());
        if files.iter().any(|f| f.path == path) {
            let (stem, ext) = path.rsplit_once('.').unwrap_or((&path, ""));
            let n = files.iter().filter(|f| f.language == lang).count() + 1;
            path = format!("{stem}{n}.{ext}");
        }
        if !block.closed {
            warnings.push(format!("{path}: the answer was cut off inside this file"));
        }
        if lang == "html" {
            for problem in check_html(&block.body) {
                warnings.push(format!("{path}: {problem}"));
            }
        }
        files.push(FrontendFile {
            path,
            language: lang.to_string(),
            content: block.body,
        });
    }
    if files.is_empty() {
        warnings.push("no code in the answer".into());
    }
    let preview_html = preview(&files);
    (
        FrontendResult {
            files,
            preview_html,
        },
        warnings,
    )
}

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "!doctype",
];
/// Elements whose end tag HTML lets the author leave out.
const OPTIONAL_END: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "optgroup",
    "colgroup", "caption", "html", "head", "body", "rt", "rp",
];
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title"];

static TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"<(/?)([A-Za-z!][A-Za-z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(/?)>"#)
        .expect("tag pattern")
});

static COMMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)<!--.*?(-->|$)").expect("comment pattern"));

/// Tags that do not balance: an end tag with no open element, elements left open (other than
/// those whose end tag is optional), a tag cut off at the end. An HTML parser accepts anything;
/// these are the defects that change what a browser builds.
pub fn check_html(html: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    // Comments hide their tags.
    let cleaned = COMMENT.replace_all(html, "");
    let mut pos = 0;
    while let Some(m) = TAG.captures_at(&cleaned, pos) {
        let all = m.get(0).map_or(0..0, |g| g.range());
        pos = all.end;
        let closing = &m[1] == "/";
        let name = m[2].to_ascii_lowercase();
        if VOID.contains(&name.as_str()) || &m[4] == "/" {
            continue;
        }
        if !closing {
            if RAW_TEXT.contains(&name.as_str()) {
                let end = format!("</{name}");
                match cleaned[pos..].to_ascii_lowercase().find(&end) {
                    Some(i) => pos += i,
                    None => {
                        problems.push(format!("<{name}> is never closed"));
                        return problems;
                    }
                }
            }
            stack.push(name);
            continue;
        }
        match stack.iter().rposition(|t| *t == name) {
            Some(i) => {
                for t in stack.drain(i + 1..) {
                    if !OPTIONAL_END.contains(&t.as_str()) {
                        problems.push(format!("<{t}> is not closed before </{name}>"));
                    }
                }
                stack.pop();
            }
            None => problems.push(format!("</{name}> closes nothing")),
        }
    }
    let tail = &cleaned[pos..];
    if let Some(i) = tail.rfind('<')
        && !tail[i..].contains('>')
        && tail[i + 1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/')
    {
        problems.push("the markup ends inside a tag".into());
    }
    for t in stack {
        if !OPTIONAL_END.contains(&t.as_str()) {
            problems.push(format!("<{t}> is never closed"));
        }
    }
    problems
}

/// One HTML page with the CSS and JS files inlined: stylesheet links and script tags that name
/// a file of the answer are replaced by its contents, and files the page does not reference are
/// appended (CSS in the head, JS at the end of the body). Empty when there is no HTML page.
pub fn preview(files: &[FrontendFile]) -> String {
    let Some(page) = files.iter().find(|f| f.language == "html") else {
        return String::new();
    };
    let mut html = page.content.clone();
    let mut extra_css = String::new();
    let mut extra_js = String::new();
    for f in files {
        let (is_css, is_js) = (f.language == "css", f.language == "javascript");
        if !is_css && !is_js {
            continue;
        }
        let base = f.path.rsplit('/').next().unwrap_or(&f.path);
        let esc = regex::escape(base);
        let re = if is_css {
            Regex::new(&format!(
                r#"(?i)<link\b[^>]*href=["']?(?:\./)?[^"'>]*{esc}["']?[^>]*>"#
            ))
        } else {
            Regex::new(&format!(
                r#"(?is)<script\b[^>]*src=["']?(?:\./)?[^"'>]*{esc}["']?[^>]*>\s*</script>"#
            ))
        };
        let inline = if is_css {
            format!("<style>\n{}\n</style>", f.content)
        } else {
            // A literal "</script>" inside the code would end the element early.
            format!(
                "<script>\n{}\n</script>",
                f.content.replace("</script", "<\\/script")
            )
        };
        match re {
            Ok(re) if re.is_match(&html) => {
                html = re.replace(&html, regex::NoExpand(&inline)).into_owned();
            }
            _ if is_css => extra_css.push_str(&inline),
            _ => extra_js.push_str(&inline),
        }
    }
    if !extra_css.is_empty() {
        html = insert_before(&html, "</head>", &extra_css, true);
    }
    if !extra_js.is_empty() {
        html = insert_before(&html, "</body>", &extra_js, false);
    }
    html
}

fn insert_before(html: &str, tag: &str, what: &str, at_start: bool) -> String {
    match html.to_ascii_lowercase().rfind(tag) {
        Some(i) => format!("{}{what}\n{}", &html[..i], &html[i..]),
        None if at_start => format!("{what}\n{html}"),
        None => format!("{html}\n{what}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(r: &FrontendResult) -> Vec<(&str, &str)> {
        r.files
            .iter()
            .map(|f| (f.path.as_str(), f.language.as_str()))
            .collect()
    }

    #[test]
    fn three_files_named_before_their_blocks_are_inlined_into_the_preview() {
        let text = "Here is the page.\n\n**index.html**\n```html\n<!DOCTYPE html>\n<html>\n<head>\n  <link rel=\"stylesheet\" href=\"style.css\">\n</head>\n<body>\n  <button id=\"go\">Go</button>\n  <script src=\"app.js\"></script>\n</body>\n</html>\n```\n\n**style.css**\n```css\nbutton { color: red; }\n```\n\n**app.js**\n```javascript\ndocument.getElementById('go').onclick = () => alert('hi');\n```\n";
        let (r, w) = parse(text);
        assert_eq!(
            paths(&r),
            [
                ("index.html", "html"),
                ("style.css", "css"),
                ("app.js", "javascript")
            ]
        );
        assert!(w.is_empty(), "{w:?}");
        assert!(
            r.preview_html
                .contains("<style>\nbutton { color: red; }\n</style>")
        );
        assert!(r.preview_html.contains("alert('hi')"));
        assert!(!r.preview_html.contains("href=\"style.css\""));
        assert!(!r.preview_html.contains("src=\"app.js\""));
    }

    #[test]
    fn a_single_html_file_with_inline_style_needs_nothing_inlined() {
        let html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Login</title><style>body{margin:0}</style></head>\n<body><form><input type=\"email\"><br><button>Sign in</button></form></body>\n</html>";
        let (r, w) = parse(&format!("```html\n{html}\n```"));
        assert_eq!(paths(&r), [("index.html", "html")]);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(r.preview_html, html);
    }

    #[test]
    fn unreferenced_css_and_js_are_appended_to_head_and_body() {
        let text = "```html\n<html><head><title>x</title></head><body><p>Hi</body></html>\n```\n```css\np{font-size:2em}\n```\n```js\nconsole.log(1)\n```";
        let (r, w) = parse(text);
        assert_eq!(
            paths(&r),
            [
                ("index.html", "html"),
                ("styles.css", "css"),
                ("script.js", "javascript")
            ]
        );
        assert!(w.is_empty(), "{w:?}");
        let p = &r.preview_html;
        let (style, head_end) = (p.find("<style>").unwrap(), p.find("</head>").unwrap());
        assert!(style < head_end);
        let (script, body_end) = (p.find("<script>").unwrap(), p.find("</body>").unwrap());
        assert!(script < body_end && script > head_end);
    }

    #[test]
    fn a_truncated_answer_is_kept_and_flagged() {
        let text = "```html\n<!DOCTYPE html>\n<html>\n<body>\n<div class=\"card\">\n<h2>Plan</h2>\n<ul>\n<li>One";
        let (r, w) = parse(text);
        assert_eq!(r.files.len(), 1);
        assert!(r.files[0].content.ends_with("<li>One"));
        assert!(w.iter().any(|w| w.contains("cut off")), "{w:?}");
        assert!(
            w.iter().any(|w| w.contains("<div> is never closed")),
            "{w:?}"
        );
        assert!(
            w.iter().any(|w| w.contains("<ul> is never closed")),
            "{w:?}"
        );
    }

    #[test]
    fn mismatched_tags_are_reported() {
        let problems = check_html("<div><span>a</div></span><section></section></p>");
        assert_eq!(
            problems,
            [
                "<span> is not closed before </div>",
                "</span> closes nothing",
                "</p> closes nothing"
            ]
        );
        assert!(check_html("<ul><li>a<li>b</ul><table><tr><td>1<td>2</table>").is_empty());
        assert!(
            check_html("<script>if (a < b && c > d) { x = '</div>'; }</script><p>ok</p>")
                .is_empty()
        );
        assert!(
            check_html("<!-- <div> --><img src=x><br/><svg><path d=\"M0 0\"/></svg>").is_empty()
        );
        assert_eq!(
            check_html("<div>text</div><a href=\"x"),
            ["the markup ends inside a tag"]
        );
    }

    #[test]
    fn vue_single_file_component_with_a_name_in_the_fence() {
        let text = "```vue title=\"Sidebar.vue\"\n<template>\n  <aside class=\"sidebar\"><slot /></aside>\n</template>\n<script setup>\nconst open = ref(true)\n</script>\n<style scoped>\n.sidebar { width: 240px }\n</style>\n```";
        let (r, w) = parse(text);
        assert_eq!(paths(&r), [("Sidebar.vue", "vue")]);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(r.preview_html, "", "no HTML page to preview");
    }

    #[test]
    fn react_with_install_commands_and_a_comment_file_name() {
        let text = "First install:\n```bash\nnpm install react react-dom\n```\n```jsx\n// src/App.jsx\nexport default function App() {\n  return (<main><h1>Hello</h1></main>);\n}\n```\n```css\n/* src/App.css */\nmain { display: grid; }\n```";
        let (r, _) = parse(text);
        assert_eq!(paths(&r), [("src/App.jsx", "jsx"), ("src/App.css", "css")]);
    }

    #[test]
    fn chinese_answer_with_file_names_in_prose() {
        let text = "下面是完整代码。\n\n文件：index.html\n```html\n<html><head><link rel=\"stylesheet\" href=\"./css/main.css\"></head><body><h1>欢迎</h1></body></html>\n```\n样式文件 css/main.css：\n```css\nh1 { color: #c00; }\n```";
        let (r, w) = parse(text);
        assert_eq!(paths(&r), [("index.html", "html"), ("css/main.css", "css")]);
        assert!(w.is_empty(), "{w:?}");
        assert!(
            r.preview_html
                .contains("<style>\nh1 { color: #c00; }\n</style>")
        );
        assert!(r.preview_html.contains("<h1>欢迎</h1>"));
    }

    #[test]
    fn bare_html_without_fences_and_untagged_blocks() {
        let (r, w) = parse("<!DOCTYPE html><html><body><p>Hi</p></body></html>");
        assert_eq!(paths(&r), [("index.html", "html")]);
        assert!(w.is_empty(), "{w:?}");
        let (r, w) = parse("```\n<div class=\"hero\"><h1>Title</h1></div>\n```");
        assert_eq!(paths(&r), [("index.html", "html")]);
        assert!(w.iter().any(|w| w.contains("no language tag")), "{w:?}");
    }

    #[test]
    fn two_html_pages_keep_distinct_names_and_prose_only_is_an_error_warning() {
        let text =
            "```html\n<html><body>a</body></html>\n```\n```html\n<html><body>b</body></html>\n```";
        let (r, _) = parse(text);
        assert_eq!(paths(&r), [("index.html", "html"), ("index2.html", "html")]);
        let (r, w) = parse("I cannot see the screenshot clearly, could you send it again?");
        assert!(r.files.is_empty());
        assert_eq!(w, ["no code in the answer"]);
    }

    #[test]
    fn a_script_closing_tag_inside_inlined_js_is_escaped() {
        let text = "```html\n<html><body><script src=\"main.js\"></script></body></html>\n```\nmain.js:\n```javascript\ndocument.body.innerHTML += '<script></script>';\n```";
        let (r, _) = parse(text);
        assert!(r.preview_html.contains("'<script><\\/script>'"));
        assert_eq!(r.preview_html.matches("</script>").count(), 1);
    }
}
