//! The video expert's answer as a timeline: events with start and end seconds read from the
//! timestamp forms Qwen3-VL writes ("0.0 - 3.5 seconds", "00:01:05-00:01:12", "<2.5 seconds>",
//! "[12s]", JSON with start/end or a "timestamp" string), sorted and clamped to the video's
//! length, plus a summary and chapters (the model's own, else one per event).

use regex::Regex;
use serde_json::Value;
use std::sync::LazyLock;

use super::json;
use crate::proto::{VideoChapter, VideoEvent, VideoResult};

/// One time: "75", "75.5", "1:15", "01:15.5", "0:01:15", with an optional unit.
const TIME: &str = r"(?:\d{1,2}:)?\d{1,3}:\d{2}(?:\.\d+)?|\d+(?:\.\d+)?";

static RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?ix)
        ^[\s\-*•>\#\d.)]*?                  # bullets, list numbers
        [\[(<（【]?\s*
        (?:from\s+|从\s*|第\s*)?
        (?P<a>{TIME})\s*(?:seconds?|secs|sec|s|秒)?\s*
        (?:-|–|—|~|～|to|until|至|到)\s*
        (?:第\s*)?(?P<b>{TIME})\s*(?:seconds?|secs|sec|s|秒)?
        \s*[\])>）】]?\s*[:：,，.\-–—]?\s*
        (?P<d>.*)$"
    ))
    .expect("range pattern")
});

static POINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?ix)
        ^[\s\-*•>\#]*?
        [\[(<（【]?\s*(?:at\s+|在\s*|第\s*)?
        (?P<a>{TIME})\s*(?:seconds?|secs|sec|s|秒)?
        \s*[\])>）】]\s*[:：,，.\-–—]?\s*(?P<d>.*)$"
    ))
    .expect("point pattern")
});

static POINT_COLON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?ix)^[\s\-*•>\#]*?(?:at\s+)?(?P<a>{TIME})\s*(?:seconds?|secs|sec|s|秒)?\s*[:：\-–—]\s*(?P<d>[^\d\s].*)$"
    ))
    .expect("point pattern")
});

/// A chapter line: "0:00 Intro", "- 01:12 — Interview", "[1:40] Outro".
static CHAPTER_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?ix)^[\s\-*•>\#]*?(?:\d+[.)]\s+)?[\[(]?(?P<a>{TIME})\s*(?:seconds?|secs|sec|s|秒)?[\])]?\s*(?:[:：\-–—]\s*)?(?P<d>[^\d\s].*)$"
    ))
    .expect("chapter pattern")
});

static SUMMARY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[\s#*>]*(summary|overall|in summary|总结|概述|总体|摘要)\s*[*]*\s*[:：]?\s*[*]*\s*(?P<d>.*)$")
        .expect("summary pattern")
});

static CHAPTERS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[\s#*>]*(chapters?|章节|分段)\s*[*]*\s*[:：]?\s*[*]*\s*$")
        .expect("chapters pattern")
});

static EVENTS_HEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[\s#*>]*(events?|timeline|事件|时间线|时间轴)\s*[*]*\s*[:：]?\s*[*]*\s*$")
        .expect("events pattern")
});

/// Seconds from one of the `TIME` forms.
pub fn seconds(s: &str) -> Option<f64> {
    let s = s
        .trim()
        .trim_end_matches(|c: char| c.is_alphabetic() || c == '秒')
        .trim();
    let mut total = 0.0;
    for part in s.split(':') {
        let v: f64 = part.trim().parse().ok()?;
        total = total * 60.0 + v;
    }
    total.is_finite().then_some(total)
}

fn value_seconds(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => seconds(s),
        _ => None,
    }
}

fn clean(d: &str) -> String {
    d.trim()
        .trim_matches(|c: char| c == '*' || c == '"')
        .trim()
        .to_string()
}

struct Raw {
    start: f64,
    end: Option<f64>,
    text: String,
}

fn from_json(v: &Value, events: &mut Vec<Raw>, chapters: &mut Vec<Raw>, summary: &mut String) {
    let get_str = |o: &serde_json::Map<String, Value>, keys: &[&str]| {
        keys.iter()
            .find_map(|k| o.get(*k).and_then(Value::as_str))
            .map(str::to_string)
    };
    match v {
        Value::Array(items) => {
            for it in items {
                let Some(o) = it.as_object() else { continue };
                let text = get_str(
                    o,
                    &["description", "event", "caption", "text", "title", "action"],
                );
                let start = [
                    "start",
                    "start_time",
                    "start_seconds",
                    "begin",
                    "from",
                    "time",
                ]
                .iter()
                .find_map(|k| o.get(*k).and_then(value_seconds));
                let end = ["end", "end_time", "end_seconds", "to", "until"]
                    .iter()
                    .find_map(|k| o.get(*k).and_then(value_seconds));
                let (start, end) = match (start, o.get("timestamp").and_then(Value::as_str)) {
                    (Some(s), _) => (Some(s), end),
                    (None, Some(ts)) => match RANGE.captures(&format!("{ts}: x")) {
                        Some(c) => (seconds(&c["a"]), seconds(&c["b"])),
                        None => (seconds(ts), end),
                    },
                    (None, None) => match o.get("timestamp").and_then(Value::as_array) {
                        Some(a) if a.len() == 2 => (value_seconds(&a[0]), value_seconds(&a[1])),
                        _ => (None, end),
                    },
                };
                if let (Some(start), Some(text)) = (start, text) {
                    events.push(Raw { start, end, text });
                }
            }
        }
        Value::Object(o) => {
            if let Some(s) = get_str(o, &["summary", "总结"]) {
                *summary = s;
            }
            if let Some(e) = o.get("events").or(o.get("timeline")) {
                from_json(e, events, chapters, summary);
            }
            if let Some(c) = o.get("chapters") {
                let mut ignored = String::new();
                from_json(c, chapters, &mut Vec::new(), &mut ignored);
            }
        }
        _ => {}
    }
}

/// The JSON of an answer given as JSON (it starts with one, or has a json fence). Prose
/// answers are not searched: their "[00:10 - 00:25]" ranges are not JSON.
pub fn json_part(text: &str) -> Option<json::Parsed> {
    let looks_json = text.trim_start().starts_with(['{', '[']) || text.contains("```json");
    looks_json.then(|| json::extract(text)).flatten()
}

/// Parses the answer. `duration` is the video's length in seconds when known (frames / fps);
/// events past it are dropped and ends are clamped to it.
pub fn parse(text: &str, duration: Option<f64>) -> (VideoResult, Vec<String>) {
    let mut warnings = Vec::new();
    let mut events: Vec<Raw> = Vec::new();
    let mut chapters: Vec<Raw> = Vec::new();
    let mut summary = String::new();
    let mut prose: Vec<String> = Vec::new();
    if let Some(p) = json_part(text) {
        if !p.repairs.is_empty() {
            warnings.push(format!("JSON repaired: {}", p.repairs.join(", ")));
        }
        from_json(&p.value, &mut events, &mut chapters, &mut summary);
    }
    if events.is_empty() {
        let mut in_chapters = false;
        let mut summary_next = false;
        for line in text.lines() {
            let t = line.trim();
            if t.is_empty() || t.starts_with("```") {
                continue;
            }
            if CHAPTERS.is_match(t) {
                in_chapters = true;
                continue;
            }
            if EVENTS_HEAD.is_match(t) {
                in_chapters = false;
                continue;
            }
            if let Some(c) = SUMMARY.captures(t) {
                let d = clean(&c["d"]);
                if d.is_empty() {
                    summary_next = true;
                } else {
                    summary = d;
                }
                in_chapters = false;
                continue;
            }
            if summary_next {
                summary = clean(t);
                summary_next = false;
                continue;
            }
            let chapter = in_chapters
                .then(|| CHAPTER_LINE.captures(t))
                .flatten()
                .and_then(|c| Some((seconds(&c["a"])?, None, clean(&c["d"]))));
            let hit = chapter.or_else(|| {
                RANGE
                    .captures(t)
                    .and_then(|c| Some((seconds(&c["a"])?, seconds(&c["b"]), clean(&c["d"]))))
                    .or_else(|| {
                        POINT
                            .captures(t)
                            .or_else(|| POINT_COLON.captures(t))
                            .and_then(|c| Some((seconds(&c["a"])?, None, clean(&c["d"]))))
                    })
            });
            match hit {
                Some((start, end, d)) if !d.is_empty() => {
                    let raw = Raw {
                        start,
                        end,
                        text: d,
                    };
                    if in_chapters {
                        chapters.push(raw);
                    } else {
                        events.push(raw);
                    }
                }
                _ => prose.push(clean(t)),
            }
        }
    }
    if summary.is_empty() && !prose.is_empty() {
        // The closing sentence the prompt asks for, when it has no "Summary:" label.
        summary = prose.last().cloned().unwrap_or_default();
    }
    let limit = duration.filter(|d| *d > 0.0);
    let mut out = shape(events, limit, &mut warnings, "event");
    // Ends missing: the next event's start, else the video's end, else the start itself.
    for i in 0..out.len() {
        if out[i].end_seconds.is_nan() {
            let next = out.get(i + 1).map(|e| e.start_seconds);
            out[i].end_seconds = next
                .or(limit)
                .unwrap_or(out[i].start_seconds)
                .max(out[i].start_seconds);
        }
    }
    let mut chap: Vec<VideoChapter> = shape(chapters, limit, &mut warnings, "chapter")
        .into_iter()
        .map(|e| VideoChapter {
            start_seconds: e.start_seconds,
            title: e.description,
        })
        .collect();
    if chap.is_empty() {
        chap = out
            .iter()
            .map(|e| VideoChapter {
                start_seconds: e.start_seconds,
                title: title(&e.description),
            })
            .collect();
        chap.dedup_by(|b, a| a.start_seconds == b.start_seconds);
    }
    if out.is_empty() {
        warnings.push("no timestamped events in the answer".into());
    }
    (
        VideoResult {
            events: out,
            summary,
            chapters: chap,
            duration_seconds: limit.unwrap_or(0.0),
        },
        warnings,
    )
}

/// Sorted, swapped where end < start, clamped to the video (a NaN end means "not given").
fn shape(
    raw: Vec<Raw>,
    limit: Option<f64>,
    warnings: &mut Vec<String>,
    what: &str,
) -> Vec<VideoEvent> {
    let mut out = Vec::new();
    let (mut dropped, mut clamped) = (0, 0);
    for r in raw {
        let (mut s, mut e) = (r.start, r.end.unwrap_or(f64::NAN));
        if e < s {
            std::mem::swap(&mut s, &mut e);
            warnings.push(format!(
                "{what} \"{}\": end before start, swapped",
                title(&r.text)
            ));
        }
        if let Some(l) = limit {
            if s > l {
                dropped += 1;
                continue;
            }
            if e > l {
                e = l;
                clamped += 1;
            }
        }
        out.push(VideoEvent {
            start_seconds: s,
            end_seconds: e,
            description: r.text,
        });
    }
    if dropped > 0 {
        warnings.push(format!(
            "{dropped} {what}(s) after the end of the video dropped"
        ));
    }
    if clamped > 0 {
        warnings.push(format!("{clamped} {what}(s) clamped to the video's end"));
    }
    out.sort_by(|a, b| a.start_seconds.total_cmp(&b.start_seconds));
    out
}

/// A short chapter title from an event description: its first clause, at most eight words.
fn title(d: &str) -> String {
    let clause = d
        .split(['.', ',', ';', '。', '，', '；'])
        .next()
        .unwrap_or(d)
        .trim();
    let words: Vec<&str> = clause.split_whitespace().collect();
    if words.len() > 8 {
        words[..8].join(" ")
    } else if clause.chars().count() > 24 && words.len() <= 1 {
        clause.chars().take(24).collect()
    } else {
        clause.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn times(r: &VideoResult) -> Vec<(f64, f64)> {
        r.events
            .iter()
            .map(|e| (e.start_seconds, e.end_seconds))
            .collect()
    }

    #[test]
    fn time_forms() {
        assert_eq!(seconds("75"), Some(75.0));
        assert_eq!(seconds("7.5s"), Some(7.5));
        assert_eq!(seconds("1:15"), Some(75.0));
        assert_eq!(seconds("01:15.5"), Some(75.5));
        assert_eq!(seconds("0:01:15"), Some(75.0));
        assert_eq!(seconds("12秒"), Some(12.0));
        assert_eq!(seconds("abc"), None);
    }

    #[test]
    fn seconds_ranges_as_the_prompt_asks_with_a_closing_summary() {
        let text = "0.0 - 3.5 seconds: A man walks into the kitchen.\n3.5 - 8.0 seconds: He opens the fridge and takes out milk.\n8.0 - 12.2 seconds: He pours the milk into a glass.\n\nA man gets a glass of milk in his kitchen.";
        let (r, w) = parse(text, Some(12.5));
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(times(&r), [(0.0, 3.5), (3.5, 8.0), (8.0, 12.2)]);
        assert_eq!(
            r.events[1].description,
            "He opens the fridge and takes out milk."
        );
        assert_eq!(r.summary, "A man gets a glass of milk in his kitchen.");
        assert_eq!(r.chapters.len(), 3);
        assert_eq!(r.chapters[0].title, "A man walks into the kitchen");
        assert_eq!(r.duration_seconds, 12.5);
    }

    #[test]
    fn clock_ranges_in_brackets_unsorted_and_past_the_end() {
        let text = "- [00:10 - 00:25] The crowd cheers as the goal is scored.\n- [00:00 - 00:10] Players line up for kick-off.\n- [01:05 - 01:30] The referee blows the final whistle.\n- [00:25-01:10] Replay of the goal from two angles.\n**Summary:** A football match clip with a goal and its replay.";
        let (r, w) = parse(text, Some(60.0));
        assert_eq!(times(&r), [(0.0, 10.0), (10.0, 25.0), (25.0, 60.0)]);
        assert_eq!(
            r.summary,
            "A football match clip with a goal and its replay."
        );
        assert!(
            w.iter().any(|w| w.contains("1 event(s) after the end")),
            "{w:?}"
        );
        assert!(w.iter().any(|w| w.contains("1 event(s) clamped")), "{w:?}");
    }

    #[test]
    fn qwen_json_with_timestamps_strings() {
        let text = "```json\n[\n  {\"timestamp\": \"00:00-00:04\", \"description\": \"A cat sleeps on a sofa.\"},\n  {\"timestamp\": \"00:04-00:09\", \"description\": \"The cat wakes up and stretches.\"},\n  {\"timestamp\": \"00:09-00:15\", \"description\": \"It jumps down and leaves the room.\"}\n]\n```";
        let (r, w) = parse(text, Some(15.0));
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(times(&r), [(0.0, 4.0), (4.0, 9.0), (9.0, 15.0)]);
    }

    #[test]
    fn json_object_with_numbers_summary_and_chapters_repaired() {
        let text = "{'events': [{'start': 0, 'end': 5.5, 'event': 'Title card'}, {'start_time': 5.5, 'end_time': 20, 'event': 'Presenter explains the recipe',},], 'summary': 'A cooking intro.', 'chapters': [{'start': 0, 'title': 'Intro'}, {'start': 5.5, 'title': 'Recipe'}]}";
        let (r, w) = parse(text, None);
        assert_eq!(times(&r), [(0.0, 5.5), (5.5, 20.0)]);
        assert_eq!(r.summary, "A cooking intro.");
        assert_eq!(
            r.chapters
                .iter()
                .map(|c| c.title.as_str())
                .collect::<Vec<_>>(),
            ["Intro", "Recipe"]
        );
        assert!(w.iter().any(|w| w.starts_with("JSON repaired")), "{w:?}");
        assert_eq!(r.duration_seconds, 0.0);
    }

    #[test]
    fn truncated_json_keeps_the_complete_events() {
        let text = "[{\"start_time\": \"0.0\", \"end_time\": \"2.0\", \"caption\": \"A dog runs\"}, {\"start_time\": \"2.0\", \"end_time\": \"6.0\", \"caption\": \"It catches a frisbee\"}, {\"start_time\": \"6.0\", \"end_ti";
        let (r, w) = parse(text, Some(10.0));
        assert_eq!(times(&r), [(0.0, 2.0), (2.0, 6.0)]);
        assert!(w.iter().any(|w| w.starts_with("JSON repaired")), "{w:?}");
    }

    #[test]
    fn chinese_ranges_with_seconds_and_a_summary_label() {
        let text = "0秒 - 4秒：一名女子走进咖啡店。\n4秒 - 9秒：她在柜台点了一杯咖啡。\n9秒到15秒：她坐在窗边看书。\n总结：一名女子在咖啡店买咖啡并看书。";
        let (r, w) = parse(text, Some(15.0));
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(times(&r), [(0.0, 4.0), (4.0, 9.0), (9.0, 15.0)]);
        assert_eq!(r.events[2].description, "她坐在窗边看书。");
        assert_eq!(r.summary, "一名女子在咖啡店买咖啡并看书。");
        assert_eq!(r.chapters[0].title, "一名女子走进咖啡店");
    }

    #[test]
    fn point_timestamps_take_the_next_start_as_their_end() {
        let text = "<0.5 seconds> The car appears on the left.\n<3.0 seconds> It stops at the light.\n<7.5 seconds> The light turns green and it drives off.";
        let (r, _) = parse(text, Some(10.0));
        assert_eq!(times(&r), [(0.5, 3.0), (3.0, 7.5), (7.5, 10.0)]);
        assert_eq!(r.events[0].description, "The car appears on the left.");
    }

    #[test]
    fn markdown_list_with_explicit_chapters_section() {
        let text = "### Events\n1. 0:00–0:12 — Host introduces the episode\n2. 0:12–1:40 — Interview with the guest\n3. 1:40–2:05 — Closing remarks\n\n### Chapters\n- 0:00 Intro\n- 0:12 Interview\n- 1:40 Outro\n\n### Summary\nA short interview show.";
        let (r, w) = parse(text, Some(125.0));
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(times(&r), [(0.0, 12.0), (12.0, 100.0), (100.0, 125.0)]);
        assert_eq!(
            r.chapters
                .iter()
                .map(|c| (c.start_seconds, c.title.as_str()))
                .collect::<Vec<_>>(),
            [(0.0, "Intro"), (12.0, "Interview"), (100.0, "Outro")]
        );
        assert_eq!(r.summary, "A short interview show.");
    }

    #[test]
    fn reversed_range_is_swapped_and_said() {
        let (r, w) = parse("From 9 to 4 seconds: the ball bounces twice.", Some(10.0));
        assert_eq!(times(&r), [(4.0, 9.0)]);
        assert!(w.iter().any(|w| w.contains("swapped")), "{w:?}");
    }

    #[test]
    fn prose_without_timestamps_is_a_summary_and_a_warning() {
        let (r, w) = parse(
            "The video shows a sunset over the sea, with waves rolling in.",
            Some(8.0),
        );
        assert!(r.events.is_empty() && r.chapters.is_empty());
        assert_eq!(
            r.summary,
            "The video shows a sunset over the sea, with waves rolling in."
        );
        assert_eq!(w, ["no timestamped events in the answer"]);
    }

    #[test]
    fn hour_clock_and_seconds_suffix_forms() {
        let text = "00:00:00.0-00:00:03.2, a title appears\n3.2s-7s: the logo animates\n[12s] the screen fades to black";
        let (r, _) = parse(text, Some(14.0));
        assert_eq!(times(&r), [(0.0, 3.2), (3.2, 7.0), (12.0, 14.0)]);
        assert_eq!(r.events[0].description, "a title appears");
        assert_eq!(r.events[2].description, "the screen fades to black");
    }
}
