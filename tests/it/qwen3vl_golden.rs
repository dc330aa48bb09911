//! The in-process Qwen3-VL engine against golden outputs computed by transformers on tiny
//! random-weight models (made by tools/qwen3vl/make_fixture.py): pixel values, input ids, 3-D
//! positions, prefill logits and 16 greedy tokens for text only, one image, two images of
//! different shapes, images resized up, down, at odd sizes and an extreme aspect ratio, a
//! video as it comes and one whose frames are resized, and a multi-turn chat; plus KV-cache
//! consistency and graphs without DeepStack. `qwen3vl-tiny` is our fixture;
//! `qwen3vl-tiny-ckpt` is a second checkpoint, of other dimensions and processor settings,
//! exported with `--checkpoint` as a user exports a real one.

use crate::common::{self, machine};

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use serde_json::Value;
use switchboard::engine::qwen3vl::engine::{
    ChatMessage, ChatPart, Engine, EngineOptions, GenerateParams, Media,
};
use switchboard::engine::qwen3vl::preprocess::{self, ImageResize};
use switchboard::engine::qwen3vl::prompt::VideoLayout;
use switchboard::engine::qwen3vl::sampler::SamplerConfig;
use switchboard::engine::qwen3vl::session::Provider;

fn fixture() -> PathBuf {
    common::repo().join("tests/fixtures/qwen3vl-tiny")
}

/// The second checkpoint, exported with `--checkpoint` (its settings copied unchanged).
fn checkpoint() -> PathBuf {
    common::repo().join("tests/fixtures/qwen3vl-tiny-ckpt")
}

/// The provider these tests run on: CPU, or CUDA where `SWITCHBOARD_TEST_PROVIDER=cuda` (with
/// `SWITCHBOARD_TEST_ORT_LIBRARY` naming the onnxruntime-gpu library; `tools/gpu-check.sh` sets
/// both).
pub(crate) fn provider() -> Provider {
    match std::env::var("SWITCHBOARD_TEST_PROVIDER").as_deref() {
        Ok("cuda") => Provider::Cuda { device: 0 },
        _ => Provider::Cpu,
    }
}

fn library() -> std::path::PathBuf {
    std::env::var("SWITCHBOARD_TEST_ORT_LIBRARY")
        .map(Into::into)
        .unwrap_or_else(|_| common::assets().join("onnxruntime/libonnxruntime.so.1.31.1"))
}

pub(crate) fn options(variant: &str, prefill_chunk: usize, provider: Provider) -> EngineOptions {
    options_at(&fixture(), variant, prefill_chunk, provider)
}

fn options_at(
    dir: &std::path::Path,
    variant: &str,
    prefill_chunk: usize,
    provider: Provider,
) -> EngineOptions {
    let assets = common::assets();
    EngineOptions {
        model_dir: dir.to_path_buf(),
        library: library(),
        tokenizer: Some(assets.join("qwen/tokenizer.json")),
        provider,
        threads: 1,
        variant: variant.into(),
        prefill_chunk,
        image_resize: ImageResize::Torchvision,
        vision_cache_bytes: 64 << 20,
        prefix_cache_bytes: 64 << 20,
        // The goldens come from transformers 5.23, which keeps the outer vision markers.
        video_layout: VideoLayout::KeepOuter,
    }
}

pub(crate) fn engine(variant: &str) -> Engine {
    Engine::load(options(variant, 512, provider())).expect("engine")
}

pub(crate) fn case(name: &str) -> Value {
    case_at(&fixture(), name)
}

fn case_at(dir: &std::path::Path, name: &str) -> Value {
    let text = std::fs::read_to_string(dir.join(format!("golden/{name}.json"))).unwrap();
    let mut c: Value = serde_json::from_str(&text).unwrap();
    // Where its files are.
    c["dir"] = Value::String(dir.display().to_string());
    c
}

fn golden(c: &Value) -> PathBuf {
    PathBuf::from(c["dir"].as_str().unwrap()).join("golden")
}

/// What the export wrote about a fixture: versions, checks, its cases.
fn report(dir: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("golden/report.json")).unwrap()).unwrap()
}

/// The golden cases a fixture lists (its report.json).
fn cases_of(dir: &std::path::Path) -> Vec<String> {
    report(dir)["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect()
}

fn floats(c: &Value, file: &str) -> Vec<f32> {
    let bytes = std::fs::read(golden(c).join(file)).unwrap();
    bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

pub(crate) fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len(), "lengths differ");
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

/// A video part's frame files, in order.
fn frame_files(c: &Value, part: &Value) -> Vec<PathBuf> {
    let dir = golden(c).join(part["frames"].as_str().unwrap());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// The case's chat, with its media decoded from the same files the reference read.
pub(crate) fn inputs(c: &Value) -> (Vec<ChatMessage>, Vec<Media>) {
    let mut media = Vec::new();
    let mut messages = Vec::new();
    for m in c["messages"].as_array().unwrap() {
        let mut parts = Vec::new();
        for p in m["content"].as_array().unwrap() {
            match p["type"].as_str().unwrap() {
                "text" => parts.push(ChatPart::Text(p["text"].as_str().unwrap().into())),
                "image" => {
                    let bytes = std::fs::read(golden(c).join(p["file"].as_str().unwrap())).unwrap();
                    parts.push(ChatPart::Media(media.len()));
                    media.push(Media::Image(preprocess::decode(&bytes).unwrap()));
                }
                _ => {
                    let frames = frame_files(c, p)
                        .iter()
                        .map(|f| preprocess::decode(&std::fs::read(f).unwrap()).unwrap())
                        .collect();
                    parts.push(ChatPart::Media(media.len()));
                    media.push(Media::Frames {
                        frames,
                        fps: p["fps"].as_f64().unwrap(),
                    });
                }
            }
        }
        let role = match m["role"].as_str().unwrap() {
            "system" => "system",
            "assistant" => "assistant",
            _ => "user",
        };
        messages.push(ChatMessage { role, parts });
    }
    (messages, media)
}

/// The case's chat as a backend request: the media as encoded files, as a client sends them.
fn request(c: &Value) -> switchboard::engine::GenerateRequest {
    use switchboard::engine::{GenerateRequest, Message, Part, Role, Sampling};
    let read = |p: PathBuf| bytes::Bytes::from(std::fs::read(p).unwrap());
    let mut messages = Vec::new();
    for m in c["messages"].as_array().unwrap() {
        let mut parts = Vec::new();
        for p in m["content"].as_array().unwrap() {
            match p["type"].as_str().unwrap() {
                "text" => parts.push(Part::Text(p["text"].as_str().unwrap().into())),
                "image" => parts.push(Part::Image {
                    mime_type: "image/png".into(),
                    data: read(golden(c).join(p["file"].as_str().unwrap())),
                }),
                _ => {
                    parts.push(Part::VideoFrames {
                        frames: frame_files(c, p)
                            .into_iter()
                            .map(|f| ("image/png".to_string(), read(f)))
                            .collect(),
                        fps: p["fps"].as_f64().unwrap() as f32,
                    });
                }
            }
        }
        let role = match m["role"].as_str().unwrap() {
            "system" => Role::System,
            "assistant" => Role::Assistant,
            _ => Role::User,
        };
        messages.push(Message { role, parts });
    }
    GenerateRequest {
        messages,
        sampling: Sampling::default(),
        expert: "general".into(),
        cache_scope: None,
    }
}

/// What the server's backend gives the engine (images shrunk as soon as they are decoded,
/// only the sampled frames decoded) prepares exactly what decoding everything does; and a
/// budget under the case's visual tokens is refused before anything is decoded.
#[test]
fn the_backends_bounded_decoding_prepares_the_same_inputs() {
    use switchboard::cpu::Stop;
    use switchboard::engine::qwen3vl::backend;
    let _machine = machine::shared_blocking();
    let e = engine("");
    for name in cases_of(&fixture()) {
        let name = name.as_str();
        let c = case(name);
        let (messages, media) = inputs(&c);
        let want = e.prepare(&messages, &media).unwrap();
        let (messages, media) =
            backend::convert(&request(&c), &e.config, usize::MAX, &Stop::never()).unwrap();
        let got = e.prepare(&messages, &media).unwrap();
        assert_eq!(got.ids, want.ids, "{name}");
        assert_eq!(got.rope.positions, want.rope.positions, "{name}");
        let values = |p: &switchboard::engine::qwen3vl::engine::Prepared| -> Vec<f32> {
            p.image_patches
                .iter()
                .chain(p.video_patches.iter().map(|(v, _)| v))
                .flat_map(|x| x.values.iter().copied())
                .collect()
        };
        assert_eq!(values(&got), values(&want), "{name}: patches");
        let visual = want
            .ids
            .iter()
            .filter(|&&id| id == e.config.image_token_id || id == e.config.video_token_id);
        let tokens = visual.count();
        if tokens > 0 {
            let err = backend::convert(&request(&c), &e.config, tokens - 1, &Stop::never())
                .unwrap_err()
                .to_string();
            assert!(
                err.contains(&format!("{tokens} visual tokens")),
                "{name}: {err}"
            );
        }
    }
}

/// The 16 tokens transformers generated greedily for a case.
fn greedy_tokens(c: &Value) -> Vec<u32> {
    c["greedy_tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as u32)
        .collect()
}

pub(crate) fn greedy(n: usize) -> GenerateParams {
    GenerateParams {
        sampler: SamplerConfig::default(),
        max_new_tokens: n,
        stop: vec![],
    }
}

fn check_case(e: &mut Engine, name: &str) {
    check_case_at(e, &fixture(), name)
}

fn check_case_at(e: &mut Engine, dir: &std::path::Path, name: &str) {
    let c = case_at(dir, name);
    let (messages, media) = inputs(&c);
    let p = e.prepare(&messages, &media).unwrap();

    let want_ids: Vec<u32> = c["input_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as u32)
        .collect();
    assert_eq!(p.ids, want_ids, "{name}: input ids");
    for axis in 0..3 {
        let want: Vec<i64> = c["position_ids"][axis]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64().unwrap())
            .collect();
        assert_eq!(
            p.rope.positions[axis], want,
            "{name}: position ids, axis {axis}"
        );
    }
    assert_eq!(
        p.rope.delta,
        c["rope_delta"].as_i64().unwrap(),
        "{name}: rope delta"
    );

    if c.get("image_grid_thw").is_some() {
        let got: Vec<f32> = p
            .image_patches
            .iter()
            .flat_map(|x| x.values.iter().copied())
            .collect();
        let d = max_diff(&got, &floats(&c, &format!("{name}_pixel_values.bin")));
        assert!(d <= 1e-4, "{name}: pixel values differ by {d}");
        let grids: Vec<Vec<u64>> = p
            .image_patches
            .iter()
            .map(|x| x.grid.iter().map(|&g| g as u64).collect())
            .collect();
        assert_eq!(
            serde_json::to_value(grids).unwrap(),
            c["image_grid_thw"],
            "{name}: grids"
        );
    }
    if c.get("video_grid_thw").is_some() {
        let got: Vec<f32> = p
            .video_patches
            .iter()
            .flat_map(|(x, _)| x.values.iter().copied())
            .collect();
        let d = max_diff(
            &got,
            &floats(&c, &format!("{name}_pixel_values_videos.bin")),
        );
        assert!(d <= 1e-4, "{name}: video pixel values differ by {d}");
    }

    let (logits, _) = e.prefill(&p).unwrap();
    let d = max_diff(&logits, &floats(&c, &format!("{name}_prefill_logits.bin")));
    assert!(d <= 1e-3, "{name}: prefill logits differ by {d}");

    let want = greedy_tokens(&c);
    let out = e
        .generate(&p, &greedy(16), &Arc::new(AtomicBool::new(false)), |_| {})
        .unwrap();
    assert_eq!(out.tokens, want, "{name}: greedy tokens");
    println!(
        "{name}: {} prompt tokens, prefill max diff {d:e}, tokens identical",
        p.ids.len()
    );
}

#[test]
fn text_only_matches_the_reference() {
    let _machine = machine::shared_blocking();
    check_case(&mut engine(""), "text");
}

#[test]
fn one_image_matches_the_reference() {
    let _machine = machine::shared_blocking();
    check_case(&mut engine(""), "image");
}

#[test]
fn two_images_of_different_shapes_match_the_reference() {
    let _machine = machine::shared_blocking();
    check_case(&mut engine(""), "two_images");
}

#[test]
fn video_matches_the_reference() {
    let _machine = machine::shared_blocking();
    check_case(&mut engine(""), "video");
}

/// Images resized up, down, at odd sizes and to an extreme aspect ratio (torchvision's
/// resampling, transformers' default), a video whose frames are resized, and a multi-turn chat
/// with an answer between two images.
#[test]
fn resized_images_resized_video_and_multi_turn_match_the_reference() {
    let _machine = machine::shared_blocking();
    let mut e = engine("");
    for name in [
        "image_down",
        "image_odd_and_strip",
        "video_resized",
        "multi_turn",
    ] {
        check_case(&mut e, name);
    }
}

/// A second checkpoint, unlike the fixture in its dimensions (vision depth 5, DeepStack after
/// vision layers 1-3, head_dim 16, 4 text layers) and its processor settings (pixel budgets,
/// CLIP's mean and std, 1 frame per second), exported with `--checkpoint`: the export copied
/// its settings unchanged, the engine reads them, and every golden case matches.
#[test]
fn a_checkpoint_exported_with_its_own_settings_matches_its_goldens() {
    let _machine = machine::shared_blocking();
    let dir = checkpoint();
    let report = report(&dir);
    // Every settings file came through byte for byte: the export recorded the checkpoint's
    // sha256 of each, and the committed copies still have it. (tokenizer.json, 11 MB, is not
    // committed: it is the fetched Qwen tokenizer, which the engine is given instead.)
    use sha2::Digest as _;
    let copied = report["checks"]["copied_unchanged"].as_object().unwrap();
    let sha = |path: PathBuf| {
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        format!("{:x}", sha2::Sha256::digest(bytes))
    };
    for name in [
        "config.json",
        "generation_config.json",
        "processor_config.json",
        "chat_template.jinja",
        "tokenizer.json",
        "tokenizer_config.json",
    ] {
        let want = copied
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("{name} was not copied: {copied:?}"));
        let file = if name == "tokenizer.json" {
            common::assets().join("qwen/tokenizer.json")
        } else {
            dir.join(name)
        };
        assert_eq!(sha(file), want, "{name} is not the checkpoint's");
    }
    let mut e = Engine::load(options_at(&dir, "", 512, provider())).expect("engine");
    // The checkpoint's own settings, not the fixture's.
    let image = &e.config.image;
    assert_eq!((image.min_pixels, image.max_pixels), (96 * 96, 160 * 160));
    assert!(
        (image.mean[0] - 0.481_454_66).abs() < 1e-7,
        "{:?}",
        image.mean
    );
    assert!((image.std[2] - 0.275_777_1).abs() < 1e-7, "{:?}", image.std);
    let video = &e.config.video;
    assert_eq!(
        (video.fps, video.min_frames, video.max_frames),
        (1.0, 2, 64)
    );
    let cases = cases_of(&dir);
    assert!(cases.len() >= 8, "{cases:?}");
    for name in &cases {
        check_case_at(&mut e, &dir, name);
    }
}

/// Logits from decoding step by step with the KV cache equal one full pass without it, and a
/// prompt prefilled in small chunks equals one prefilled at once.
#[test]
fn kv_cache_and_chunked_prefill_agree_with_full_passes() {
    let _machine = machine::shared_blocking();
    let mut e = engine("");
    for name in ["image", "video"] {
        let c = case(name);
        let (messages, media) = inputs(&c);
        let p = e.prepare(&messages, &media).unwrap();
        let (mut logits, mut cache) = e.prefill(&p).unwrap();
        let mut tokens = Vec::new();
        for _ in 0..4 {
            let t = switchboard::engine::qwen3vl::sampler::argmax(&logits);
            tokens.push(t);
            logits = e.step(t, p.rope.delta, &mut cache).unwrap();
        }
        let full = e.full_forward(&p, &tokens).unwrap();
        let d = max_diff(&logits, &full);
        assert!(
            d <= 1e-4,
            "{name}: cached decode differs from a full pass by {d}"
        );
    }
    let c = case("two_images");
    let (messages, media) = inputs(&c);
    let p = e.prepare(&messages, &media).unwrap();
    let (whole, _) = e.prefill(&p).unwrap();
    let mut chunked = Engine::load(options("", 5, provider())).unwrap();
    let (pieces, _) = chunked.prefill(&p).unwrap();
    let d = max_diff(&whole, &pieces);
    assert!(d <= 1e-4, "chunked prefill differs by {d}");
}

/// Published graphs have no DeepStack inputs: they load and run, text is unaffected, and images
/// give different logits (the DeepStack rows are missing).
#[test]
fn graphs_without_deepstack_run() {
    let _machine = machine::shared_blocking();
    let mut with = engine("");
    let mut without = engine("nods");
    assert!(with.has_deepstack());
    assert!(!without.has_deepstack());
    for (name, same) in [("text", true), ("image", false)] {
        let c = case(name);
        let (messages, media) = inputs(&c);
        let p = with.prepare(&messages, &media).unwrap();
        let (a, _) = with.prefill(&p).unwrap();
        let (b, _) = without.prefill(&p).unwrap();
        let d = max_diff(&a, &b);
        if same {
            assert!(d <= 1e-5, "{name}: {d}");
        } else {
            assert!(d > 1e-3, "{name}: DeepStack made no difference ({d})");
        }
    }
}

/// Asking for CUDA with the CPU-only library is a clear error at load, not a silent CPU fallback.
/// (With the onnxruntime-gpu library, CUDA must load instead.)
#[test]
fn unavailable_cuda_provider_is_a_clear_error() {
    let _machine = machine::shared_blocking();
    let r = Engine::load(options("", 512, Provider::Cuda { device: 0 }));
    if provider() != Provider::Cpu {
        r.expect("CUDA with the onnxruntime-gpu library");
        return;
    }
    let message = match r {
        Ok(_) => panic!("CUDA provider accepted by a CPU-only ONNX Runtime"),
        Err(e) => e.to_string(),
    };
    assert!(
        message.contains("CUDA") && message.contains("onnxruntime-gpu"),
        "{message}"
    );
}

/// A decoder with float16 inputs, outputs and KV cache (as the published fp16 / q4f16 graphs
/// have) runs through the same code; float16 arithmetic bounds how close it gets.
#[test]
fn float16_io_decoder_runs_close_to_the_reference() {
    let _machine = machine::shared_blocking();
    let mut e = engine("fp16");
    for name in ["text", "image", "video"] {
        let c = case(name);
        let (messages, media) = inputs(&c);
        let p = e.prepare(&messages, &media).unwrap();
        let (logits, mut cache) = e.prefill(&p).unwrap();
        let d = max_diff(&logits, &floats(&c, &format!("{name}_prefill_logits.bin")));
        println!("{name}: float16 decoder prefill max diff {d}");
        assert!(d <= 0.05, "{name}: float16 prefill logits differ by {d}");
        let first = switchboard::engine::qwen3vl::sampler::argmax(&logits);
        assert_eq!(
            first as u64,
            c["greedy_tokens"][0].as_u64().unwrap(),
            "{name}: first greedy token"
        );
        let step = e.step(first, p.rope.delta, &mut cache).unwrap();
        assert_eq!(step.len(), logits.len());
    }
}

/// int4 weights (MatMulNBits, 4-bit symmetric blocks of 16, from ONNX Runtime's quantizer:
/// `make_fixture.py --quantize int4 --int4-vision`: the decoder's and the vision tower's
/// linear layers; the head stays float16) load through the same code as
/// `engine.variant = "q4"`, and every golden case runs. How close they come to float32 is
/// printed for the notes. On this random model, whose blocks span whole rows of 16 to 64,
/// int4 moves the logits by up to ~9 (their spread is ~4) yet keeps their direction (cosine
/// 0.91-0.97). The bounds, set after that measurement, are ones a broken graph (cosine near 0)
/// or the float32 files given by mistake (logits equal to 1e-4) would fail.
#[test]
fn int4_weights_load_and_stay_near_float32() {
    let _machine = machine::shared_blocking();
    let mut e = engine("q4");
    let cases = cases_of(&fixture());
    let (mut first_same, mut tokens_same, mut tokens_all) = (0, 0, 0);
    let (mut worst, mut least_cosine) = (0f32, 1f64);
    for name in &cases {
        let c = case(name);
        let (messages, media) = inputs(&c);
        let p = e.prepare(&messages, &media).unwrap();
        let (logits, _) = e.prefill(&p).unwrap();
        let want_logits = floats(&c, &format!("{name}_prefill_logits.bin"));
        let d = max_diff(&logits, &want_logits);
        worst = worst.max(d);
        let dot = |a: &[f32], b: &[f32]| -> f64 {
            a.iter()
                .zip(b)
                .map(|(x, y)| f64::from(*x) * f64::from(*y))
                .sum()
        };
        let cosine = dot(&logits, &want_logits)
            / (dot(&logits, &logits).sqrt() * dot(&want_logits, &want_logits).sqrt());
        least_cosine = least_cosine.min(cosine);
        let want = greedy_tokens(&c);
        let out = e
            .generate(&p, &greedy(16), &Arc::new(AtomicBool::new(false)), |_| {})
            .unwrap();
        assert_eq!(out.tokens.len(), 16, "{name}");
        let same = out.tokens.iter().zip(&want).filter(|(a, b)| a == b).count();
        first_same += usize::from(out.tokens[0] == want[0]);
        tokens_same += same;
        tokens_all += want.len();
        println!(
            "int4 {name}: prefill max diff {d:.4}, cosine {cosine:.4}, greedy tokens equal to \
             float32 {same}/16"
        );
    }
    println!(
        "int4: first token same on {first_same}/{} cases, {tokens_same}/{tokens_all} greedy tokens \
         same, worst prefill max diff {worst:.4}, least cosine {least_cosine:.4}",
        cases.len()
    );
    assert!(
        worst > 1e-4,
        "int4 logits equal float32's: not the quantized graph"
    );
    assert!(
        least_cosine >= 0.85,
        "int4 logits point elsewhere: cosine {least_cosine}"
    );
    assert!(
        2 * first_same >= cases.len(),
        "first token same on {first_same}"
    );
}

/// An image shown twice in one request goes through the vision encoder once; with a scope (the
/// server gives the session), a later request of the same scope reuses its features, and one of
/// another scope does not. Reused features give the same logits as computed ones.
#[test]
fn vision_features_are_computed_once_and_reused_within_a_scope() {
    let _machine = machine::shared_blocking();
    let mut e = engine("");
    let c = case("image");
    let (messages, media) = inputs(&c);
    let twice = vec![ChatMessage {
        role: "user",
        parts: vec![
            ChatPart::Media(0),
            ChatPart::Text("and again:".into()),
            ChatPart::Media(1),
        ],
    }];
    let same_twice = vec![media[0].clone(), media[0].clone()];
    let before = e.vision_stats();
    let p = e.prepare(&twice, &same_twice).unwrap();
    let (fresh, _) = e.prefill(&p).unwrap();
    let after = e.vision_stats();
    assert_eq!(
        (after.runs - before.runs, after.reused - before.reused),
        (1, 1),
        "one image twice in a request"
    );

    let run = |e: &mut Engine, scope: &str| {
        let mut p = e.prepare(&messages, &media).unwrap();
        p.cache_scope = Some(scope.to_string());
        let before = e.vision_stats();
        let (logits, _) = e.prefill(&p).unwrap();
        let after = e.vision_stats();
        (
            logits,
            after.runs - before.runs,
            after.reused - before.reused,
        )
    };
    let (first, runs, reused) = run(&mut e, "session:a");
    assert_eq!((runs, reused), (1, 0));
    let (again, runs, reused) = run(&mut e, "session:a");
    assert_eq!((runs, reused), (0, 1), "the same session's next request");
    assert_eq!(first, again, "reused features change the logits");
    let (_, runs, reused) = run(&mut e, "session:b");
    assert_eq!((runs, reused), (1, 0), "another session shares nothing");
    // Without a scope nothing is kept across requests.
    let p = e.prepare(&messages, &media).unwrap();
    let before = e.vision_stats();
    e.prefill(&p).unwrap();
    assert_eq!(e.vision_stats().runs - before.runs, 1);
    let d = max_diff(&first, &floats(&c, "image_prefill_logits.bin"));
    assert!(d <= 1e-3, "{d}");
    assert!(!fresh.is_empty());
}
