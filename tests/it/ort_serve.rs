//! `serve` with the in-process engine: the tiny Qwen3-VL fixture answers over real gRPC, and its
//! answer is exactly what the engine generates for the same chat.

use crate::common::{self, machine};

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use futures::StreamExt;
use switchboard::engine::qwen3vl::engine::{ChatMessage, ChatPart, Engine, GenerateParams, Media};
use switchboard::engine::qwen3vl::sampler::SamplerConfig;
use switchboard::proto::{AskRequest, GenerationOptions, Media as PbMedia, ask_event};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_with_the_in_process_engine() {
    let _machine = machine::shared().await;
    let dir = tempfile::tempdir().unwrap();
    let config = common::ort_config(dir.path());
    let running = common::start(config.clone()).await;
    let mut c = common::client(&running).await;
    let image = common::png(90, 60);
    let options = GenerationOptions {
        temperature: Some(0.0),
        max_new_tokens: Some(8),
        ..Default::default()
    };
    let request = AskRequest {
        text: "What is in this picture?".into(),
        media: vec![PbMedia {
            data: image.clone(),
            ..Default::default()
        }],
        options: Some(options),
        ..Default::default()
    };
    let r = c.ask(request.clone()).await.unwrap().into_inner();
    assert_eq!(r.expert, "general");
    let usage = r.usage.unwrap();
    assert_eq!(usage.completion_tokens, 8);
    assert!(usage.prompt_tokens > 20, "{usage:?}");
    assert_eq!(usage.vision_features_reused, 0);
    assert_eq!(usage.prompt_tokens_cached, 0);
    // The same image again in the session: its vision features are reused, not recomputed, and
    // the prompt, which starts with the first turn, takes that turn's keys and values from the
    // prefix cache.
    let follow_up = AskRequest {
        session_id: r.session_id.clone(),
        ..request.clone()
    };
    let again = c.ask(follow_up).await.unwrap().into_inner();
    let again_usage = again.usage.unwrap();
    assert_eq!(again_usage.vision_features_reused, 1);
    assert!(
        again_usage.prompt_tokens_cached >= 16
            && again_usage.prompt_tokens_cached < again_usage.prompt_tokens,
        "{again_usage:?}"
    );

    // The same chat straight through the engine.
    let mut engine =
        Engine::load(switchboard::engine::qwen3vl::backend::options_from(&config).unwrap())
            .unwrap();
    let system = "You are a helpful assistant that answers questions about images, videos and text accurately and concisely.";
    let messages = vec![
        ChatMessage {
            role: "system",
            parts: vec![ChatPart::Text(system.into())],
        },
        ChatMessage {
            role: "user",
            parts: vec![
                ChatPart::Media(0),
                ChatPart::Text("What is in this picture?".into()),
            ],
        },
    ];
    let media = vec![Media::Image(
        switchboard::engine::qwen3vl::preprocess::decode(&image).unwrap(),
    )];
    let p = engine.prepare(&messages, &media).unwrap();
    assert_eq!(p.ids.len() as u32, usage.prompt_tokens);
    let mut text = String::new();
    let params = GenerateParams {
        sampler: SamplerConfig::default(),
        max_new_tokens: 8,
        stop: vec![],
    };
    engine
        .generate(&p, &params, &Arc::new(AtomicBool::new(false)), |t| {
            text.push_str(t)
        })
        .unwrap();
    assert_eq!(r.text, text.trim());

    // Streaming gives the same text in pieces.
    let mut s = c.ask_stream(request).await.unwrap().into_inner();
    let (mut deltas, mut final_text) = (String::new(), None);
    while let Some(ev) = s.next().await {
        match ev.unwrap().event {
            Some(ask_event::Event::TextDelta(d)) => deltas.push_str(&d.text),
            Some(ask_event::Event::Final(f)) => final_text = Some(f.text),
            _ => {}
        }
    }
    assert_eq!(deltas, text);
    assert_eq!(final_text.unwrap(), text.trim());
    running.shutdown().await.unwrap();
}

/// Cancelling a generation stops the engine between decode steps, long before max_new_tokens.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_stops_decoding() {
    use switchboard::engine::{Backend, GenEvent, GenerateRequest, Message, Role, Sampling};
    use tokio_util::sync::CancellationToken;
    let _machine = machine::shared().await;

    let dir = tempfile::tempdir().unwrap();
    let backend = switchboard::engine::qwen3vl::backend::OrtBackend::start(
        &common::ort_config(dir.path()),
        &switchboard::cpu::CpuPool::new(1),
    )
    .unwrap();
    let request = GenerateRequest {
        messages: vec![Message::text(Role::User, "Count to a million.")],
        sampling: Sampling {
            max_new_tokens: 5000,
            temperature: 0.0,
            ..Sampling::default()
        },
        expert: "general".into(),
        cache_scope: None,
    };
    let cancel = CancellationToken::new();
    let mut stream = backend.generate(request, cancel.clone());
    let mut texts = 0;
    let mut ended = None;
    while let Some(ev) = stream.next().await {
        match ev {
            Ok(GenEvent::Text(_)) => {
                texts += 1;
                if texts == 1 {
                    cancel.cancel();
                }
            }
            Ok(GenEvent::Done(f)) => panic!("finished instead of stopping: {f:?}"),
            Err(e) => {
                ended = Some(e);
                break;
            }
        }
    }
    assert!(
        matches!(ended, Some(switchboard::Error::Cancelled)),
        "{ended:?}"
    );
    assert!(texts < 1000, "{texts} pieces after cancelling");
}

/// Four generations at once share the engine's batch: each streams text before any of them
/// finishes (one at a time, the second would start only after the first ended), and each gets
/// exactly the text it gets alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_generations_decode_together_and_each_gets_its_own_answer() {
    use switchboard::engine::{Backend, GenEvent, GenerateRequest, Message, Role, Sampling};
    use tokio_util::sync::CancellationToken;
    let _machine = machine::shared().await;

    let dir = tempfile::tempdir().unwrap();
    let backend = Arc::new(
        switchboard::engine::qwen3vl::backend::OrtBackend::start(
            &common::ort_config(dir.path()),
            &switchboard::cpu::CpuPool::new(2),
        )
        .unwrap(),
    );
    let request = |i: usize| GenerateRequest {
        messages: vec![Message::text(
            Role::User,
            format!("Count to a million, starting at {}.", i * 1000),
        )],
        sampling: Sampling {
            max_new_tokens: 200 + 20 * i as u32,
            temperature: 0.0,
            ..Sampling::default()
        },
        expert: "general".into(),
        cache_scope: None,
    };
    // What happened, in order: (stream, "text" or "done").
    let log = Arc::new(std::sync::Mutex::new(Vec::<(usize, &'static str)>::new()));
    let run = |i: usize| {
        let (backend, log) = (backend.clone(), log.clone());
        async move {
            let mut s = backend.generate(request(i), CancellationToken::new());
            let mut text = String::new();
            while let Some(ev) = s.next().await {
                match ev.unwrap() {
                    GenEvent::Text(t) => {
                        if text.is_empty() {
                            log.lock().unwrap().push((i, "text"));
                        }
                        text.push_str(&t);
                    }
                    GenEvent::Done(f) => {
                        log.lock().unwrap().push((i, "done"));
                        return (text, f.completion_tokens);
                    }
                }
            }
            panic!("stream {i} ended without Done");
        }
    };
    let together = futures::future::join_all((0..4).map(run)).await;
    let events = log.lock().unwrap().clone();
    let first_done = events.iter().position(|e| e.1 == "done").unwrap();
    let started: Vec<usize> = events[..first_done].iter().map(|e| e.0).collect();
    assert_eq!(
        started.len(),
        4,
        "every stream should have text before the first ends: {events:?}"
    );
    for (i, got) in together.iter().enumerate() {
        let alone = run(i).await;
        assert_eq!(got, &alone, "stream {i}");
        assert_eq!(got.1, 200 + 20 * i as u32, "stream {i} ran to its limit");
    }
}
