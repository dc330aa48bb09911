//! The registry: every manifest of the experts folder, with its prompt template and JSON Schema,
//! loaded and checked once at start-up (ids, kinds, tools, media, exactly one default route).
//! After that, nothing is read from disk and nothing is looked up by a literal id.

use std::path::Path;

use crate::error::{Error, Result};
use crate::request::AskInput;

use super::Manifest;
use super::prompt::Templates;
use super::schemas::Schemas;

/// Every expert the server knows, loaded and checked once at start-up.
pub struct Registry {
    experts: Vec<Manifest>,
    templates: Templates,
    schemas: Schemas,
    schema_retries: u32,
    /// Index of the default route in `experts`.
    default_route: usize,
}

impl Registry {
    /// Loads every `*.toml` in `experts_dir`; their prompts come from `prompts_dir`.
    pub fn load(experts_dir: &Path, prompts_dir: &Path) -> Result<Registry> {
        let read_dir = std::fs::read_dir(experts_dir)
            .map_err(|e| Error::Config(format!("experts folder {}: {e}", experts_dir.display())))?;
        let mut paths: Vec<_> = read_dir
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        let mut experts = Vec::new();
        let mut schemas = Schemas::default();
        let mut templates = Templates::new();
        for path in paths {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| Error::Config(format!("{}: {e}", path.display())))?;
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            let m = Manifest::parse(&text, stem)
                .map_err(|e| Error::Config(format!("{}: {e}", path.display())))?;
            if !templates.has(&m.prompt) {
                let p = prompts_dir.join(&m.prompt);
                let source = std::fs::read_to_string(&p).map_err(|e| {
                    Error::Config(format!("{}: prompt {}: {e}", path.display(), p.display()))
                })?;
                templates
                    .add(m.prompt.clone(), source)
                    .map_err(|e| Error::Config(format!("{}: {e}", p.display())))?;
            }
            schemas.load(experts_dir, &path, &m)?;
            experts.push(m);
        }
        let defaults: Vec<&str> = experts
            .iter()
            .filter(|m| m.default)
            .map(|m| m.id.as_str())
            .collect();
        let default_route = experts.iter().position(|m| m.default);
        let (Some(default_route), 1) = (default_route, defaults.len()) else {
            return Err(Error::Config(format!(
                "{}: exactly one manifest sets default = true (the route for whatever no stage \
                 claims); found {}",
                experts_dir.display(),
                if defaults.is_empty() {
                    "none".to_string()
                } else {
                    defaults.join(", ")
                }
            )));
        };
        for m in &experts {
            let named = m.needs.iter().chain(&m.needs_with_more_images);
            for need in named.chain(&m.compose.after) {
                if need == &m.id || !experts.iter().any(|x| &x.id == need) {
                    return Err(Error::Config(format!(
                        "{}: needs or compose.after names {need:?}: {}",
                        experts_dir.join(format!("{}.toml", m.id)).display(),
                        if need == &m.id {
                            "an expert cannot need itself".to_string()
                        } else {
                            "no expert has that id".to_string()
                        }
                    )));
                }
            }
        }
        Ok(Registry {
            default_route,
            experts,
            templates,
            schemas,
            schema_retries: 1,
        })
    }

    /// How many times a step asks again when an answer does not match its expert's schema.
    pub fn set_schema_retries(&mut self, n: u32) {
        self.schema_retries = n;
    }

    pub fn schema_retries(&self) -> u32 {
        self.schema_retries
    }

    /// What is wrong with an answer by its expert's schema: the JSON its parser reads must
    /// match (empty when it does, or when the expert has no schema).
    pub fn answer_errors(&self, m: &Manifest, text: &str) -> Vec<String> {
        let mut errors = self.schemas.errors(m, text);
        // A diagram may come as XML, which no JSON Schema checks.
        if m.kind == super::Kind::Diagram {
            errors.extend(super::parse::diagram::answer_errors(text));
        }
        errors
    }

    pub fn all(&self) -> &[Manifest] {
        &self.experts
    }

    pub fn get(&self, id: &str) -> Option<&Manifest> {
        self.experts.iter().find(|m| m.id == id)
    }

    pub fn ids(&self) -> Vec<&str> {
        self.experts.iter().map(|m| m.id.as_str()).collect()
    }

    /// The route for whatever no stage claims (the one manifest with `default = true`).
    pub fn default_route(&self) -> &Manifest {
        &self.experts[self.default_route]
    }

    /// Renders an expert's prompt for a request.
    pub fn render(&self, m: &Manifest, input: &AskInput) -> Result<String> {
        self.render_with(m, input, None)
    }

    /// Renders a prompt that may quote the OCR tool's reading of the images.
    pub fn render_with(
        &self,
        m: &Manifest,
        input: &AskInput,
        ocr_text: Option<&str>,
    ) -> Result<String> {
        self.templates.render(m, input, ocr_text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry() -> Registry {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        Registry::load(&root.join("experts"), &root.join("prompts")).unwrap()
    }

    fn errors(expert: &str, text: &str) -> Vec<String> {
        let r = registry();
        let m = r.get(expert).unwrap();
        r.answer_errors(m, text)
    }

    #[test]
    fn usual_gui_and_video_answers_match_their_schemas() {
        for text in [
            "I'll click the login button.\n<tool_call>\n{\"name\": \"computer_use\", \"arguments\": {\"action\": \"left_click\", \"coordinate\": [500, 250]}}\n</tool_call>",
            "```json\n[\n  {\"bbox_2d\": [100, 200, 300, 260], \"label\": \"Login button\", \"type\": \"button\"},\n  {\"point_2d\": [900, 40], \"label\": \"close\"}\n]\n```",
            "思考：需要先点击“设置”图标。\n[{\"bbox_2d\": [860, 20, 940, 80], \"label\": \"设置\", \"type\": \"icon\"}]\n<tool_call>\n{\"name\": \"computer_use\", \"arguments\": {\"action\": \"key\", \"keys\": [\"ctrl\", \"enter\"]}}\n</tool_call>",
            "{'action': 'scroll', 'direction': 'down', 'pixels': 400,}",
            "Sorry, I can't find that button on this screen.",
        ] {
            assert_eq!(errors("gui", text), Vec::<String>::new(), "{text}");
        }
        for text in [
            "0.0 - 3.5 seconds: a car enters. [00:04 - 00:09] it parks.",
            "```json\n[{\"start\": 0, \"end\": 3.5, \"description\": \"a car enters\"}, {\"timestamp\": \"00:04-00:09\", \"event\": \"it parks\"}]\n```",
            "{\"events\": [{\"start_time\": \"00:00\", \"end_time\": \"00:04\", \"caption\": \"x\"}], \"summary\": \"s\"}",
        ] {
            assert_eq!(errors("video", text), Vec::<String>::new(), "{text}");
        }
        // Experts without a schema take any answer.
        assert!(errors("math", "[1, 2").is_empty());
    }

    #[test]
    fn schema_errors_say_which_value_and_what_is_wrong() {
        let text = "[{\"bbox_2d\": [100, 200, 300], \"label\": \"OK\"}]\n<tool_call>\n{\"name\": \"computer_use\", \"arguments\": {\"action\": \"triple_click\", \"coordinate\": [1200, 50]}}\n</tool_call>";
        let mut e = errors("gui", text);
        e.sort();
        assert_eq!(e.len(), 3, "{e:?}");
        assert_eq!(
            e[0],
            "JSON value 1: $[0].bbox_2d: needs at least 4 items, has 3"
        );
        assert!(
            e[1].starts_with("JSON value 2: $.arguments.action: \"triple_click\" is not one of"),
            "{e:?}"
        );
        assert_eq!(
            e[2],
            "JSON value 2: $.arguments.coordinate[0]: 1200 is above the maximum 1000"
        );
        assert_eq!(
            errors(
                "video",
                "[{\"start\": -2, \"end\": 3, \"description\": \"x\"}]"
            ),
            ["$[0].start: -2 is below the minimum 0"]
        );
        assert_eq!(
            errors("video", "{\"events\": \"none\"}"),
            ["$.events: expected array, got string"]
        );
    }

    #[test]
    fn a_bad_schema_file_stops_start_up() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = tempfile::tempdir().unwrap();
        let general = std::fs::read_to_string(root.join("experts/general.toml")).unwrap();
        let write = |extra: &str| {
            std::fs::write(
                dir.path().join("general.toml"),
                format!("{extra}\n{general}"),
            )
            .unwrap()
        };
        let load = || match Registry::load(dir.path(), &root.join("prompts")) {
            Err(Error::Config(e)) => e,
            Err(e) => panic!("{e}"),
            Ok(_) => panic!("loaded"),
        };
        write("schema = \"missing.json\"");
        assert!(load().contains("schema"), "{}", load());
        std::fs::write(dir.path().join("s.json"), "[1]").unwrap();
        write("schema = \"s.json\"");
        assert!(load().contains("a JSON Schema is an object"), "{}", load());
        std::fs::write(dir.path().join("s.json"), "{\"type\": ").unwrap();
        assert!(load().contains("s.json"), "{}", load());
        write("require_json = true");
        assert!(load().contains("require_json needs a schema"), "{}", load());
    }

    #[test]
    fn exactly_one_default_route() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        assert_eq!(registry().default_route().id, "general");
        let dir = tempfile::tempdir().unwrap();
        let general = std::fs::read_to_string(root.join("experts/general.toml")).unwrap();
        let load = || match Registry::load(dir.path(), &root.join("prompts")) {
            Err(Error::Config(e)) => e,
            Err(e) => panic!("{e}"),
            Ok(_) => panic!("loaded"),
        };
        std::fs::write(
            dir.path().join("general.toml"),
            general.replace("default = true", ""),
        )
        .unwrap();
        assert!(load().contains("exactly one manifest sets default = true"));
        std::fs::write(dir.path().join("general.toml"), &general).unwrap();
        std::fs::write(
            dir.path().join("other.toml"),
            general.replace("id = \"general\"", "id = \"other\""),
        )
        .unwrap();
        assert!(load().contains("found general, other"), "{}", load());
        // A bad value names the file and the key.
        std::fs::write(
            dir.path().join("other.toml"),
            general
                .replace("id = \"general\"", "id = \"other\"")
                .replace("default = true", "tools = [\"ocr\", \"abacus\"]"),
        )
        .unwrap();
        let e = load();
        assert!(
            e.contains("other.toml: tools: unknown variant `abacus`"),
            "{e}"
        );
    }
}
