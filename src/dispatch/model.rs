//! Routing stage three: when the rules and the examples leave the choice uncertain and a model
//! is configured, a short constrained question to the model: "which of these experts?", answered
//! with one id. Only Ask uses it (Classify never calls a model); any failure keeps the earlier
//! choice. The call goes through the instrumented backend like every other model call.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::engine::instrumented::InstrumentedBackend;
use crate::engine::{GenerateRequest, Message, Role, Sampling};
use crate::experts::Registry;
use crate::request::AskInput;

/// Who the routing call is counted under in spans and metrics (the `expert` attribute); not an
/// expert.
const CALLER: &str = "router";

/// The model stage, set up once: the backend, the time it may take, and the expert list.
pub struct ModelStage {
    backend: Arc<InstrumentedBackend>,
    limit: Duration,
    /// Every expert with its description, as the system prompt.
    system: String,
    ids: Vec<String>,
}

impl ModelStage {
    pub fn new(registry: &Registry, backend: Arc<InstrumentedBackend>, limit: Duration) -> Self {
        ModelStage {
            backend,
            limit,
            system: system_prompt(registry),
            ids: registry.ids().into_iter().map(str::to_string).collect(),
        }
    }

    /// Asks the model; None when it fails, times out, or names no known expert.
    pub async fn choose(&self, input: &AskInput) -> Option<String> {
        let request = GenerateRequest {
            messages: vec![
                Message::text(Role::System, self.system.clone()),
                Message::text(Role::User, user_prompt(input)),
            ],
            sampling: Sampling {
                max_new_tokens: 8,
                temperature: 0.0,
                top_p: 1.0,
                top_k: None,
                seed: Some(0),
                stop: vec!["\n".into()],
            },
            expert: CALLER.into(),
            cache_scope: None,
        };
        // The same call-and-collect as an expert step: a stream that ends without finishing is
        // a failure here too.
        let cancel = CancellationToken::new();
        let work = crate::experts::steps::generate(&request, &self.backend, &cancel, None, 0);
        let text = match tokio::time::timeout(self.limit, work).await {
            Ok(Ok((text, _, _))) => text,
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "model routing failed; keeping the earlier route");
                return None;
            }
            Err(_) => {
                cancel.cancel();
                tracing::warn!(limit = ?self.limit, "model routing timed out; keeping the earlier route");
                return None;
            }
        };
        let ids: Vec<&str> = self.ids.iter().map(String::as_str).collect();
        let chosen = parse(&text, &ids);
        if chosen.is_none() {
            tracing::warn!(answer = %text.chars().take(80).collect::<String>(), "model routing named no expert");
        }
        chosen
    }
}

/// The system prompt: every expert with its description.
fn system_prompt(registry: &Registry) -> String {
    let mut system = String::from(
        "You route requests to experts. Reply with exactly one expert id from the list and nothing else.\n",
    );
    for m in registry.all() {
        system.push_str(&format!("- {}: {}\n", m.id, m.description.trim()));
    }
    system
}

/// The request as the model sees it: its media counts and text.
fn user_prompt(input: &AskInput) -> String {
    let images = input
        .media
        .iter()
        .filter(|m| m.kind == crate::media::MediaKind::Image)
        .count();
    let videos = input.media.len() - images;
    format!(
        "Request (with {images} image(s), {videos} video(s)): {}\nExpert id:",
        input.text.trim()
    )
}

/// The first known id in the model's answer.
pub fn parse(answer: &str, ids: &[&str]) -> Option<String> {
    answer
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map(|w| w.to_ascii_lowercase())
        .find(|w| ids.contains(&w.as_str()))
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;
    use std::time::Duration;

    use futures::future::BoxFuture;
    use tokio_util::sync::CancellationToken;

    use super::{ModelStage, parse};
    use crate::engine::instrumented::InstrumentedBackend;
    use crate::engine::{Backend, Finish, GenEvent, GenStream, GenerateRequest};
    use crate::error::Result;
    use crate::experts::Registry;
    use crate::request::AskInput;

    /// A model that sends `text`, then finishes or (`finish: false`) just stops.
    struct Scripted {
        text: &'static str,
        finish: bool,
    }

    impl Backend for Scripted {
        fn name(&self) -> &'static str {
            "scripted"
        }

        fn generate(&self, _: GenerateRequest, _: CancellationToken) -> GenStream {
            let mut events: Vec<Result<GenEvent>> = vec![Ok(GenEvent::Text(self.text.into()))];
            if self.finish {
                events.push(Ok(GenEvent::Done(Finish {
                    reason: "stop".into(),
                    prompt_tokens: 40,
                    completion_tokens: 1,
                    vision_reused: 0,
                    cached_tokens: 0,
                })));
            }
            Box::pin(futures::stream::iter(events))
        }

        fn health(&self) -> BoxFuture<'_, Result<()>> {
            Box::pin(async { Ok(()) })
        }
    }

    async fn choose(text: &'static str, finish: bool) -> Option<String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let registry = Registry::load(&root.join("experts"), &root.join("prompts")).unwrap();
        let backend = Arc::new(InstrumentedBackend::new(Arc::new(Scripted {
            text,
            finish,
        })));
        let stage = ModelStage::new(&registry, backend, Duration::from_secs(5));
        let input = AskInput {
            text: "something odd".into(),
            ..AskInput::default()
        };
        stage.choose(&input).await
    }

    #[tokio::test]
    async fn a_finished_answer_names_the_expert_and_a_broken_one_keeps_the_route() {
        assert_eq!(choose("math", true).await.as_deref(), Some("math"));
        // The stream ended without finishing: a failure, as it is for an expert step.
        assert_eq!(choose("math", false).await, None);
        assert_eq!(choose("none of them", true).await, None);
    }

    #[test]
    fn parses_the_first_known_id() {
        let ids = ["ocr", "math", "form_fill"];
        assert_eq!(parse("math", &ids).as_deref(), Some("math"));
        assert_eq!(parse(" `form_fill`.", &ids).as_deref(), Some("form_fill"));
        assert_eq!(parse("Expert: OCR", &ids).as_deref(), Some("ocr"));
        assert_eq!(parse("I think mathematics", &ids), None);
        assert_eq!(parse("", &ids), None);
    }
}
