//! Fuzz targets over everything a client or an operator's file controls: image decoding and
//! validation, video files through ffprobe and ffmpeg (which must refuse or time out, never
//! hang), PDF files through hayro (and pdftoppm), request conversion (arbitrary protobuf bytes), the forgiving JSON parser and the
//! expert parsers, and the config and manifest loaders. Each takes arbitrary bytes and must not
//! panic; where something must hold (an image validation accepts decodes again; a config that
//! loads has durations that convert), it is asserted. Shared by the libFuzzer harness
//! (`fuzz/fuzz_targets/`, `cargo +nightly fuzz run <name>`) and the time-boxed stable run in
//! the test suite (tests/it/errors/fuzz.rs, over the committed corpus in `fuzz/corpus/`).

use std::collections::BTreeMap;
use std::time::Duration;

use prost::Message as _;
use switchboard::api::convert;
use switchboard::config::{Config, Limits, Overrides};
use switchboard::cpu::Stop;
use switchboard::dispatch::RuleStage;
use switchboard::engine::qwen3vl::preprocess;
use switchboard::experts::Manifest;
use switchboard::experts::parse;
use switchboard::media;
use switchboard::ocr::det;
use switchboard::proto::{AskRequest, Box as PxBox, OcrBlock, OcrLine, OcrResult};
use switchboard::request::AskInput;

/// A target: arbitrary bytes in, a panic when something is wrong.
pub type Target = fn(&[u8]);

/// Every target, by the name of its corpus folder and libFuzzer binary.
pub const TARGETS: &[(&str, Target)] = &[
    ("image", image),
    ("ask_request", ask_request),
    ("json", json),
    ("expert_parsers", expert_parsers),
    ("config", config),
    ("manifest", manifest),
    ("video", video),
    ("pdf", pdf),
];

/// Small limits, so that a crafted header cannot make one input take seconds.
fn limits() -> Limits {
    Limits {
        max_image_pixels: 1 << 20,
        max_request_pixels: 4 << 20,
        max_video_frames: 16,
        ..Limits::default()
    }
}

/// Validation, then what the engine and the OCR tool do with an image validation accepted.
pub fn image(data: &[u8]) {
    let Ok((w, h)) = media::verify_image(data, limits().max_image_pixels) else {
        return;
    };
    let img = preprocess::decode(data).expect("an image validation accepted decodes");
    let (dw, dh) = (img.width(), img.height());
    // EXIF orientation may swap the sides, never change them.
    assert!(
        (dw, dh) == (w, h) || (dw, dh) == (h, w),
        "{w}x{h} decoded as {dw}x{dh}"
    );
    let p = det::DetParams::default();
    let input = det::det_input(&img, &p);
    let bound = p.max_side as usize + 32;
    assert!(input.width <= bound && input.height <= bound);
}

/// A video file through the probe, the sampling and the decoding by Debian's ffprobe and
/// ffmpeg (subprocesses): refused as INVALID_ARGUMENT on its field, or decoded into frames that
/// keep the limits, each with a time; never a panic, and never a hang: a run is killed at
/// its time limit. Needs ffmpeg installed (tools/ensure-debian.sh).
pub fn video(data: &[u8]) {
    use switchboard::error::Error;
    use switchboard::media::video::{Settings, decode_blocking};
    let Some(mime) = media::sniff(data).filter(|m| m.starts_with("video/")) else {
        return;
    };
    let mut settings = Settings::from_config(&switchboard::config::VideoConfig::default());
    settings.timeout = Duration::from_secs(5);
    settings.memory_bytes = 1 << 30;
    let limits = Limits {
        max_video_seconds: 30.0,
        max_video_decoded_bytes: 8 << 20,
        ..limits()
    };
    match decode_blocking("media[0].data", data, mime, &settings, &limits) {
        Ok(v) => {
            assert!(!v.frames.is_empty() && v.frames.len() == v.seconds.len());
            assert!(v.frames.len() <= limits.max_video_frames);
            let bytes: usize = v.frames.iter().map(|f| f.as_raw().len()).sum();
            assert!(bytes as u64 <= limits.max_video_decoded_bytes);
            let size = v.frames[0].dimensions();
            assert!(v.frames.iter().all(|f| f.dimensions() == size));
            assert!(v.seconds.iter().all(|t| t.is_finite() && *t >= 0.0));
        }
        Err(Error::InvalidArgument { field, .. }) => assert_eq!(field, "media[0].data"),
        Err(e) => panic!("a video file gave {e:?}"),
    }
}

/// A PDF through the checks and the drawing (hayro; pdftoppm, killed at 5 s, for a page hayro
/// cannot draw): refused as INVALID_ARGUMENT on its field, or drawn into pages that keep the
/// limits; never a panic. Needs poppler-utils installed (tools/ensure-debian.sh).
pub fn pdf(data: &[u8]) {
    use switchboard::error::Error;
    use switchboard::media::pdf::{Limits as PdfLimits, Range, Settings, check, render};
    if media::sniff(data) != Some(media::PDF_TYPE) {
        return;
    }
    let settings = Settings {
        dpi: 36.0,
        timeout: Duration::from_secs(5),
        ..Settings::default()
    };
    let limits = PdfLimits {
        max_pages: 4,
        max_page_pixels: 1 << 20,
    };
    let field = "media[0].data";
    let drawn = check(field, data, Range::default(), &settings, &limits)
        .and_then(|c| render(field, 0, data, c, &settings, &Stop::never()));
    match drawn {
        Ok(pages) => {
            assert!(!pages.is_empty() && pages.len() <= limits.max_pages);
            for p in pages {
                // pdftoppm may round a side up by a pixel or two.
                let (w, h) = (u64::from(p.width), u64::from(p.height));
                assert!(w * h <= (1 << 20) + 2 * (w + h) + 4, "{w}x{h}");
            }
        }
        Err(Error::InvalidArgument { field, .. }) => assert_eq!(field, "media[0].data"),
        Err(e) => panic!("a PDF gave {e:?}"),
    }
}

/// Arbitrary protobuf bytes as an AskRequest, through conversion and the limits.
pub fn ask_request(data: &[u8]) {
    if let Ok(req) = AskRequest::decode(data) {
        let _ = convert::ask_input(req, &limits(), &Stop::never());
    }
}

/// The forgiving JSON parser and the reasoning split, on any text.
pub fn json(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Some(p) = parse::json::extract(&text) {
        // What it returns is JSON that serialises.
        serde_json::to_string(&p.value).expect("parsed JSON serialises");
    }
    parse::json::all(&text);
    let split = parse::reasoning::split(&text);
    assert!(split.answer.len() <= text.len());
}

/// Every expert's parser on any model answer.
pub fn expert_parsers(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    parse::gui::parse(&text, 1920, 1080);
    parse::gui::parse(&text, 1, 1);
    parse::math::parse(&text, "solve 3x + 5 = 20");
    parse::math::evaluate(&text);
    parse::math::latex_to_plain(&text);
    parse::video::parse(&text, Some(60.0));
    parse::video::parse(&text, None);
    parse::video::seconds(&text);
    let (files, _) = parse::frontend::parse(&text);
    parse::frontend::preview(&files.files);
    parse::frontend::check_html(&text);
    parse::general::parse(&text);
    let line = |t: &str, y: f32| OcrLine {
        text: t.into(),
        r#box: Some(PxBox {
            x1: 10.0,
            y1: y,
            x2: 300.0,
            y2: y + 20.0,
        }),
        confidence: 0.9,
    };
    let mut ocr = OcrResult {
        blocks: vec![OcrBlock {
            lines: vec![
                line("Name: Zhang San", 10.0),
                line("电话 13800138000", 40.0),
            ],
            ..Default::default()
        }],
        image_width: 400,
        image_height: 100,
        ..Default::default()
    };
    parse::ocr::structure(&text, &mut ocr);
    static SCHEMAS: std::sync::OnceLock<Vec<parse::schema::Schema>> = std::sync::OnceLock::new();
    let schemas = SCHEMAS.get_or_init(|| {
        [
            include_str!("../experts/schemas/gui.json"),
            include_str!("../experts/schemas/video.json"),
        ]
        .iter()
        .map(|s| parse::schema::Schema::compile(&serde_json::from_str(s).expect("schema")))
        .map(|s| s.expect("schema"))
        .collect()
    });
    for p in parse::json::all(&text) {
        for schema in schemas {
            parse::schema::validate(schema, &p.value);
        }
    }
}

/// A config file's text; one that loads must have durations a Duration can hold.
pub fn config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(c) = Config::from_layers(
        Some(("fuzz.toml", &text)),
        &BTreeMap::new(),
        &Overrides::default(),
    ) else {
        return;
    };
    for secs in [
        c.server.request_timeout_secs,
        c.server.shutdown_grace_secs,
        c.server.connection_idle_timeout_secs,
        c.server.http2_keepalive_interval_secs,
        c.server.http2_keepalive_timeout_secs,
        c.server.tcp_keepalive_secs,
        c.openai.connect_timeout_secs,
        c.openai.idle_timeout_secs,
        c.routing.model.timeout_secs,
    ] {
        assert!(
            Duration::try_from_secs_f64(secs).is_ok(),
            "a loaded config has a duration of {secs} s"
        );
    }
    let _ = c.tenants_by_key();
}

/// A manifest's text (its first line is the file's stem), then its rules compiled and run.
pub fn manifest(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (stem, body) = text.split_once('\n').unwrap_or(("general", &text));
    let Ok(m) = Manifest::parse(body, stem) else {
        return;
    };
    if let Ok(rules) = RuleStage::from_manifests(std::slice::from_ref(&m)) {
        rules.score(body, &AskInput::default());
    }
}
