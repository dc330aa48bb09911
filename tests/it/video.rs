//! Video files over gRPC, decoded by Debian's ffmpeg: clips made here from ffmpeg's test
//! sources in several codecs and containers, each frame painted with its own number, so that a
//! frame's time can be read back from its pixels and checked against the time it was sent with,
//! to one frame. Also the in-process engine on a video file, the OCR expert on one, and the
//! failures: corrupt files, limits, a tool that hangs, a tool that is missing.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use crate::common::tools::{self, assert_invalid, hanging_tool};

use crate::common::fake_openai::{FakeOpenAi, Script};
use crate::common::*;
use base64::Engine as _;
use switchboard::config::Config;
use switchboard::proto::{AskRequest, Media, expert_result};
use tonic::Code;

/// The clips' rate; each frame's number is painted into its colour.
const FPS: f64 = 10.0;

/// ffmpeg's null source at 64x48 and `fps` for `secs`, each frame N painted a solid colour
/// that encodes N (red steps with N mod 8, green with N div 8 mod 8, blue with N div 64):
/// lossy codecs keep solid colours to a few levels, far below the 32 between two numbers.
fn numbered(fps: f64, secs: f64) -> String {
    format!(
        "nullsrc=s=64x48:r={fps}:d={secs},geq=r='mod(N,8)*32+16':g='mod(trunc(N/8),8)*32+16':\
         b='trunc(N/64)*32+16'"
    )
}

fn source(secs: f64) -> String {
    numbered(FPS, secs)
}

/// The frame number a decoded frame shows.
fn number_of(img: &image::RgbImage) -> usize {
    let (w, h) = img.dimensions();
    let p = img.get_pixel(w / 2, h / 2).0;
    let level = |v: u8| ((f64::from(v) - 16.0) / 32.0).round().clamp(0.0, 7.0) as usize;
    level(p[0]) + 8 * level(p[1]) + 64 * level(p[2])
}

fn ffmpeg(args: &[&str]) {
    let out = std::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-nostdin", "-v", "error", "-y"])
        .args(args)
        .output()
        .expect("ffmpeg is needed by the video tests: apt-get install ffmpeg (tools/test.sh does)");
    assert!(
        out.status.success(),
        "ffmpeg {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// H.264 in 4:2:0, what most tests' clips are.
const H264: &[&str] = &["-c:v", "libx264", "-pix_fmt", "yuv420p"];

/// A clip of the numbered source (`before` are input options, `after` output options), made
/// once per test binary: tests that ask for the same clip share it.
fn clip(name: &str, secs: f64, before: &[&str], after: &[&str]) -> Vec<u8> {
    static CLIPS: Mutex<BTreeMap<String, Vec<u8>>> = Mutex::new(BTreeMap::new());
    let key = format!("{name} {secs} {before:?} {after:?}");
    // Held while ffmpeg runs: two tests wanting one clip make it once.
    let mut clips = CLIPS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(data) = clips.get(&key) {
        return data.clone();
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join(name);
    let src = source(secs);
    let mut args: Vec<&str> = before.to_vec();
    args.extend(["-f", "lavfi", "-i", &src]);
    args.extend(after);
    let out_s = out.to_string_lossy().into_owned();
    args.push(&out_s);
    ffmpeg(&args);
    let data = std::fs::read(&out).unwrap();
    clips.insert(key, data.clone());
    data
}

/// An H.264 MP4 of the numbered source.
fn h264(secs: f64) -> Vec<u8> {
    clip("a.mp4", secs, &[], H264)
}

fn video(data: Vec<u8>) -> Media {
    Media {
        data,
        ..Default::default()
    }
}

fn ask_video(data: Vec<u8>, expert: &str) -> AskRequest {
    AskRequest {
        text: "What happens in this video, with timestamps?".into(),
        expert: expert.into(),
        media: vec![video(data)],
        ..Default::default()
    }
}

/// The frames the model was sent in its last request: (the time it was told, the frame).
fn frames_sent(fake: &FakeOpenAi) -> Vec<(f64, image::RgbImage)> {
    let requests = fake.requests();
    let last = requests.last().expect("a model request");
    let user = last["messages"]
        .as_array()
        .unwrap()
        .iter()
        .rfind(|m| m["role"] == "user")
        .unwrap();
    let mut out = Vec::new();
    let mut time = None;
    for part in user["content"].as_array().expect("parts") {
        if let Some(t) = part["text"].as_str()
            && let Some(s) = t
                .strip_prefix('<')
                .and_then(|t| t.strip_suffix(" seconds>"))
        {
            time = s.parse::<f64>().ok();
        }
        if let Some(url) = part["image_url"]["url"].as_str() {
            let b64 = url.strip_prefix("data:image/jpeg;base64,").expect("JPEG");
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .unwrap();
            let img = image::load_from_memory(&bytes).unwrap().to_rgb8();
            out.push((time.take().expect("a time before each frame"), img));
        }
    }
    out
}

const TIMELINE: &str = "0.0 - 1.1 seconds: the colour warms.\n1.1 - 2.8 seconds: it turns green.\n\
                        2.8 - 3.9 seconds: it settles.\nSummary: colours change.";

/// Every codec and container the issue names, each with the times sent matching the frames'
/// own numbers to one frame, the reference's sampling (4 s at 2 fps: 8 frames spread by
/// linspace over the 40), and a timeline that ends with the video.
#[tokio::test]
async fn video_files_reach_the_model_as_frames_at_their_true_times() {
    let _machine = machine::shared().await;
    let yuv = ["-pix_fmt", "yuv420p"];
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("h264.mp4", vec!["-c:v", "libx264"]),
        ("h264.mov", vec!["-c:v", "libx264"]),
        (
            "hevc.mp4",
            vec!["-c:v", "libx265", "-x265-params", "log-level=error"],
        ),
        ("vp8.webm", vec!["-c:v", "libvpx"]),
        ("vp9.webm", vec!["-c:v", "libvpx-vp9"]),
        ("av1.webm", vec!["-c:v", "libaom-av1", "-cpu-used", "8"]),
        ("h264.mkv", vec!["-c:v", "libx264"]),
        ("mpeg4.avi", vec!["-c:v", "mpeg4", "-bf", "2", "-q:v", "2"]),
    ];
    let fake = FakeOpenAi::start(Script {
        chunks: vec![TIMELINE.into()],
        ..Script::default()
    })
    .await;
    let data = tempfile::tempdir().unwrap();
    let running = start(test_config(data.path(), Some(fake.url()))).await;
    let mut c = client(&running).await;
    let want_numbers = [0, 6, 11, 17, 22, 28, 33, 39];
    for (name, codec) in cases {
        let mut after = codec.clone();
        after.extend(yuv);
        let file = clip(name, 4.0, &[], &after);
        let r = c
            .ask(ask_video(file, "video"))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .into_inner();
        let sent = frames_sent(&fake);
        let numbers: Vec<usize> = sent.iter().map(|(_, img)| number_of(img)).collect();
        assert_eq!(numbers, want_numbers, "{name}: the frames sent");
        for (t, img) in &sent {
            let truth = number_of(img) as f64 / FPS;
            assert!(
                (t - truth).abs() <= 1.0 / FPS + 1e-9,
                "{name}: frame {} sent as {t} s",
                number_of(img)
            );
        }
        let Some(expert_result::Kind::Video(v)) = r.result.unwrap().kind else {
            panic!("{name}: no video result")
        };
        assert_eq!(v.duration_seconds, 4.0, "{name}");
        // Each event starts at a frame the model was sent, to one frame.
        for e in &v.events {
            assert!(
                sent.iter()
                    .any(|(t, _)| (t - e.start_seconds).abs() <= 1.0 / FPS + 1e-9),
                "{name}: an event at {} s, between the frames sent",
                e.start_seconds
            );
        }
        assert_eq!(v.events.len(), 3, "{name}");
    }
    running.shutdown().await.unwrap();
}

/// A clip of 64 s at 4 fps: 128 of its 256 frames sampled (past the 100 terms ffmpeg's
/// expression parser takes in a flat sum), each sent at its true time.
#[tokio::test]
async fn a_long_clip_sends_every_sampled_frame() {
    let _machine = machine::shared().await;
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeOpenAi::start(Script::default()).await;
    let data = tempfile::tempdir().unwrap();
    let running = start(test_config(data.path(), Some(fake.url()))).await;
    let mut c = client(&running).await;
    let path = dir.path().join("long.mp4");
    let src = numbered(4.0, 64.0);
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        &src,
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        &path.to_string_lossy(),
    ]);
    c.ask(ask_video(std::fs::read(&path).unwrap(), "video"))
        .await
        .unwrap();
    let sent = frames_sent(&fake);
    // int(256 frames / 4 fps * 2) = 128, spread by linspace over 0..=255.
    assert_eq!(sent.len(), 128);
    for (k, (t, img)) in sent.iter().enumerate() {
        let n = number_of(img);
        assert_eq!(n as f64, (k as f64 * 255.0 / 127.0).round(), "sample {k}");
        assert!(
            (t - n as f64 / 4.0).abs() <= 0.25 + 1e-9,
            "frame {n} sent as {t} s"
        );
    }
    running.shutdown().await.unwrap();
}

/// True times where the frame rate varies (a one-second gap after frame 20), where the video
/// starts 1.5 s into the file (an audio track starts at 0), and the shown size of a video
/// whose metadata turns it a quarter (decoded upright, 48x64).
#[tokio::test]
async fn variable_rates_start_offsets_and_rotation_are_honoured() {
    let _machine = machine::shared().await;
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeOpenAi::start(Script::default()).await;
    let data = tempfile::tempdir().unwrap();
    let running = start(test_config(data.path(), Some(fake.url()))).await;
    let mut c = client(&running).await;

    // Variable rate: frames 0..19 at N/10 s, 20..39 one second later.
    let mut after = vec!["-vf", "setpts='(N/10+gte(N,20))/TB'", "-fps_mode", "vfr"];
    after.extend(H264);
    let vfr = clip("vfr.mkv", 4.0, &[], &after);
    let r = c.ask(ask_video(vfr, "video")).await.unwrap().into_inner();
    let sent = frames_sent(&fake);
    assert!(sent.len() >= 8, "{}", sent.len());
    for (t, img) in &sent {
        let n = number_of(img);
        let truth = n as f64 / FPS + if n >= 20 { 1.0 } else { 0.0 };
        assert!(
            (t - truth).abs() <= 1.0 / FPS + 1e-9,
            "frame {n} sent as {t} s"
        );
    }
    let Some(expert_result::Kind::General(_) | expert_result::Kind::Video(_)) =
        r.result.unwrap().kind
    else {
        panic!("no result")
    };

    // The video starts 1.5 s after the file's start.
    let path = dir.path().join("offset.mkv");
    let src = source(4.0);
    ffmpeg(&[
        "-itsoffset",
        "1.5",
        "-f",
        "lavfi",
        "-i",
        &src,
        "-f",
        "lavfi",
        "-i",
        "anullsrc=r=8000:cl=mono",
        "-t",
        "5.5",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "pcm_s16le",
        &path.to_string_lossy(),
    ]);
    let offset = std::fs::read(&path).unwrap();
    c.ask(ask_video(offset, "video")).await.unwrap();
    let sent = frames_sent(&fake);
    assert!(!sent.is_empty());
    for (t, img) in &sent {
        let truth = number_of(img) as f64 / FPS + 1.5;
        assert!(
            (t - truth).abs() <= 1.0 / FPS + 1e-9,
            "sent as {t} s, shown at {truth} s"
        );
    }

    // A quarter turn: 128x96 stored, 96x128 shown (sizes the model's 32-pixel grid keeps).
    let mut after = vec!["-s", "128x96"];
    after.extend(H264);
    let plain = clip("plain.mp4", 2.0, &[], &after);
    std::fs::write(dir.path().join("plain-in.mp4"), &plain).unwrap();
    let rotated_path = dir.path().join("rotated.mp4");
    ffmpeg(&[
        "-i",
        &dir.path().join("plain-in.mp4").to_string_lossy(),
        "-c",
        "copy",
        "-metadata:s:v:0",
        "rotate=90",
        &rotated_path.to_string_lossy(),
    ]);
    let rotated = std::fs::read(&rotated_path).unwrap();
    c.ask(ask_video(rotated, "video")).await.unwrap();
    let sent = frames_sent(&fake);
    assert!(!sent.is_empty());
    for (_, img) in &sent {
        assert_eq!(img.dimensions(), (96, 128));
    }
    running.shutdown().await.unwrap();
}

/// The file itself, for servers that decode video (`openai.video = "file"`).
#[tokio::test]
async fn servers_that_decode_video_get_the_file() {
    let _machine = machine::shared().await;
    let file = clip(
        "a.webm",
        2.0,
        &[],
        &["-c:v", "libvpx-vp9", "-pix_fmt", "yuv420p"],
    );
    let fake = FakeOpenAi::start(Script::default()).await;
    let data = tempfile::tempdir().unwrap();
    let mut config = test_config(data.path(), Some(fake.url()));
    config.openai.video = switchboard::config::OpenAiVideo::File;
    let running = start(config).await;
    let mut c = client(&running).await;
    c.ask(ask_video(file.clone(), "video")).await.unwrap();
    let requests = fake.requests();
    let body = requests.last().unwrap().to_string();
    let url = format!(
        "data:video/webm;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&file)
    );
    assert!(body.contains(&url), "the file was not sent as a video_url");
    assert!(!body.contains("image_url"));
    running.shutdown().await.unwrap();
}

/// The in-process engine answers an MP4 on the random-weight test model.
#[tokio::test]
async fn the_in_process_engine_answers_a_video_file() {
    let _machine = machine::shared().await;
    let file = h264(2.0);
    let data = tempfile::tempdir().unwrap();
    let mut config = ort_config(data.path());
    config.engine.max_batch = 1;
    let running = start(config).await;
    let mut c = client(&running).await;
    let mut req = ask_video(file, "video");
    req.options = Some(switchboard::proto::GenerationOptions {
        max_new_tokens: Some(4),
        ..Default::default()
    });
    let r = c.ask(req).await.unwrap().into_inner();
    assert_eq!(r.expert, "video");
    let usage = r.usage.unwrap();
    assert!(usage.prompt_tokens > 20, "{usage:?}");
    running.shutdown().await.unwrap();
}

/// With no model, the OCR expert reads a video file's frames with the OCR tool.
#[tokio::test]
async fn the_ocr_expert_reads_a_video_files_frames() {
    let _machine = machine::shared().await;
    let file = h264(2.0);
    let data = tempfile::tempdir().unwrap();
    let mut config = test_config(data.path(), None);
    config.ocr.models_dir = assets().join("ocr");
    let running = start(config).await;
    let mut c = client(&running).await;
    let r = c.ask(ask_video(file, "ocr")).await.unwrap().into_inner();
    let result = r.result.unwrap();
    assert!(
        matches!(result.kind, Some(expert_result::Kind::Ocr(_))),
        "{:?}",
        result.kind
    );
    // 2 s at 2 fps: 4 frames, each read.
    assert!(
        result
            .warnings
            .iter()
            .any(|w| w.starts_with("4 frames read")),
        "{:?}",
        result.warnings
    );
    running.shutdown().await.unwrap();
}

async fn invalid(config: Config, data: Vec<u8>) -> tonic::Status {
    tools::refused(config, ask_video(data, "video")).await
}

/// A corrupt, a truncated and an audio-only file, and files past the length and decoded-size
/// limits: INVALID_ARGUMENT on `media[0].data` saying what is wrong.
#[tokio::test]
async fn bad_video_files_are_invalid_arguments_naming_the_problem() {
    let _machine = machine::shared().await;
    let dir = tempfile::tempdir().unwrap();
    let good = h264(4.0);
    let fake = FakeOpenAi::start(Script::default()).await;
    let config = || test_config(dir.path(), Some(fake.url()));

    // The index at the end is cut off.
    let e = invalid(config(), good[..good.len() / 2].to_vec()).await;
    assert_invalid(&e, "cannot be decoded");
    // The header survives, the rest is noise.
    let mut noise = good.clone();
    let mut x: u32 = 7;
    for b in noise.iter_mut().skip(40) {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        *b = (x >> 16) as u8;
    }
    let e = invalid(config(), noise).await;
    assert_eq!(e.code(), Code::InvalidArgument, "{e:?}");
    assert!(e.message().starts_with("media[0].data: "), "{e:?}");
    // Sound only.
    let path = dir.path().join("sound.mp4");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "sine=d=1",
        "-c:a",
        "aac",
        &path.to_string_lossy(),
    ]);
    let e = invalid(config(), std::fs::read(&path).unwrap()).await;
    assert_invalid(&e, "no video stream");
    // Longer than the limit.
    let mut c = config();
    c.limits.max_video_seconds = 2.0;
    let e = invalid(c, good.clone()).await;
    assert_invalid(&e, "limits.max_video_seconds");
    // More decoded bytes than the limit.
    let mut c = config();
    c.limits.max_video_decoded_bytes = 10_000;
    let e = invalid(c, good.clone()).await;
    assert_invalid(&e, "limits.max_video_decoded_bytes");
}

/// A tool that never finishes is stopped at `video.timeout_secs` (INVALID_ARGUMENT, not a
/// hang); one that cannot load under `video.memory_bytes` (the cap is applied) and a missing
/// one are FAILED_PRECONDITION saying what to do.
#[tokio::test]
async fn a_hanging_tool_times_out_and_a_missing_one_says_how_to_install_it() {
    let _machine = machine::shared().await;
    let dir = tempfile::tempdir().unwrap();
    let good = h264(1.0);
    let fake = FakeOpenAi::start(Script::default()).await;
    let hang = hanging_tool(dir.path(), None);

    let mut c = test_config(dir.path(), Some(fake.url()));
    c.video.ffprobe = hang.clone();
    c.video.timeout_secs = 1.0;
    let e = invalid(c, good.clone()).await;
    assert_invalid(&e, "did not finish the video within 1.0 s");

    let mut c = test_config(dir.path(), Some(fake.url()));
    c.video.ffmpeg = hang;
    c.video.timeout_secs = 1.0;
    let e = invalid(c, good.clone()).await;
    assert_invalid(&e, "ffmpeg did not finish");

    // An address-space cap too small for ffprobe to load is the operator's to fix.
    let mut c = test_config(dir.path(), Some(fake.url()));
    c.video.memory_bytes = 16 << 20;
    let e = invalid(c, good.clone()).await;
    assert_eq!(e.code(), Code::FailedPrecondition, "{e:?}");
    assert!(e.message().contains("video.memory_bytes"), "{e:?}");

    let mut c = test_config(dir.path(), Some(fake.url()));
    c.video.ffprobe = dir.path().join("no-such-ffprobe");
    let e = invalid(c, good).await;
    assert_eq!(e.code(), Code::FailedPrecondition, "{e:?}");
    assert!(e.message().contains("apt-get install ffmpeg"), "{e:?}");
}

/// Classify checks a video file by its probe alone: ffmpeg never runs (here it would hang), and
/// a corrupt file is refused as in Ask.
#[tokio::test]
async fn classify_probes_a_video_file_without_decoding_it() {
    let _machine = machine::shared().await;
    let dir = tempfile::tempdir().unwrap();
    let good = h264(2.0);
    let hang = hanging_tool(dir.path(), None);
    let data = tempfile::tempdir().unwrap();
    let mut config = test_config(data.path(), None);
    config.video.ffmpeg = hang;
    config.video.timeout_secs = 1.0;
    let running = start(config).await;
    let mut c = client(&running).await;
    let r = c
        .classify(ask_video(good.clone(), ""))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.expert, "video");
    let e = c
        .classify(ask_video(good[..good.len() / 2].to_vec(), ""))
        .await
        .unwrap_err();
    assert_invalid(&e, "cannot be decoded");
    running.shutdown().await.unwrap();
}

/// A client whose deadline passes while ffmpeg runs gets DEADLINE_EXCEEDED, and the child is
/// killed, not left running.
#[tokio::test]
async fn a_passed_deadline_kills_the_decoder() {
    let _machine = machine::shared().await;
    let dir = tempfile::tempdir().unwrap();
    let good = h264(1.0);
    let pid_file = dir.path().join("pid");
    let hang = hanging_tool(dir.path(), Some(&pid_file));
    let fake = FakeOpenAi::start(Script::default()).await;
    let data = tempfile::tempdir().unwrap();
    let mut config = test_config(data.path(), Some(fake.url()));
    config.video.ffmpeg = hang;
    let running = start(config).await;
    let mut c = client(&running).await;
    let mut req = tonic::Request::new(ask_video(good, "video"));
    req.set_timeout(std::time::Duration::from_secs(2));
    let e = c.ask(req).await.unwrap_err();
    assert!(
        matches!(e.code(), Code::DeadlineExceeded | Code::Cancelled),
        "{e:?}"
    );
    let pid = std::fs::read_to_string(&pid_file).expect("ffmpeg started");
    let stat = format!("/proc/{}/stat", pid.trim());
    // Gone, or a zombie about to be reaped: not sleeping on.
    let alive = || {
        std::fs::read_to_string(&stat)
            .map(|s| !s.contains(") Z "))
            .unwrap_or(false)
    };
    for _ in 0..200 {
        if !alive() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(!alive(), "ffmpeg ({}) still runs", pid.trim());
    running.shutdown().await.unwrap();
}

/// OCR reads a video file's frames decoded again at the video's own size: a page of text in a
/// video long enough that the model's frames are a few dozen pixels tall is read, with boxes in
/// the video's pixels.
#[tokio::test]
async fn ocr_reads_frames_at_the_videos_own_size() {
    let _machine = machine::shared().await;
    let dir = tempfile::tempdir().unwrap();
    let page = repo().join("tests/fixtures/ocr_text/en_article_grey.png");
    let path = dir.path().join("page.mp4");
    ffmpeg(&[
        "-loop",
        "1",
        "-framerate",
        "2",
        "-i",
        &page.to_string_lossy(),
        "-t",
        "32",
        "-c:v",
        "libx264",
        "-tune",
        "stillimage",
        "-pix_fmt",
        "yuv420p",
        &path.to_string_lossy(),
    ]);
    let data = tempfile::tempdir().unwrap();
    let mut config = test_config(data.path(), None);
    config.ocr.models_dir = assets().join("ocr");
    // 64 frames in a small budget: the model's frames are 96x32, too small to read.
    config.video.max_pixels = 200_000;
    config.plans.ocr_frames = 1;
    let running = start(config).await;
    let mut c = client(&running).await;
    let mut req = ask_video(std::fs::read(&path).unwrap(), "ocr");
    req.text = "Read the text in this video".into();
    let r = c.ask(req).await.unwrap().into_inner();
    let Some(expert_result::Kind::Ocr(o)) = r.result.unwrap().kind else {
        panic!("no OCR result")
    };
    assert!(o.text.contains("cycle lanes"), "{}", o.text);
    assert_eq!((o.image_width, o.image_height), (960, 220));
    let line = o
        .blocks
        .iter()
        .flat_map(|b| &b.lines)
        .find(|l| l.text.contains("cycle lanes"))
        .expect("the title line");
    let b = line.r#box.as_ref().unwrap();
    // The fixture's own box for it: [28, 21, 409, 48].
    assert!(
        (b.x1 - 28.0).abs() <= 12.0 && (b.y1 - 21.0).abs() <= 12.0 && (b.x2 - 409.0).abs() <= 12.0,
        "{b:?}"
    );
    running.shutdown().await.unwrap();
}

/// Pictures held still, one after another, at 2 frames a second in near-lossless H.264 (4:4:4
/// at qp 0: the decoded pixels are within 2 levels of the images'), so that OCR sees the images.
fn slideshow(dir: &Path, name: &str, pictures: &[(&Path, f64)]) -> Vec<u8> {
    let mut args: Vec<String> = Vec::new();
    for (path, secs) in pictures {
        args.extend(["-loop", "1", "-framerate", "2", "-t"].map(String::from));
        args.push(secs.to_string());
        args.extend(["-i".into(), path.to_string_lossy().into_owned()]);
    }
    let inputs: String = (0..pictures.len()).map(|i| format!("[{i}:v]")).collect();
    args.extend([
        "-filter_complex".into(),
        format!("{inputs}concat=n={}:v=1:a=0", pictures.len()),
    ]);
    args.extend(["-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuv444p"].map(String::from));
    let out = dir.join(name);
    args.push(out.to_string_lossy().into_owned());
    ffmpeg(&args.iter().map(String::as_str).collect::<Vec<_>>());
    std::fs::read(&out).unwrap()
}

/// Form filling on a video file: a form held still for three seconds (six sampled frames) is
/// filled once, as its image is, from the frame at its middle; a clip of two forms gets each
/// filled on its own, each with the time of the frame it came from, and one script that fills
/// both, waiting for the operator to show the second.
#[tokio::test]
async fn form_filling_on_a_video_fills_each_distinct_form_once() {
    let _machine = machine::shared().await;
    let forms = repo().join("tests/fixtures/forms");
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(forms.join("form_12.json")).unwrap()).unwrap();
    let profile: std::collections::HashMap<String, String> =
        serde_json::from_value(truth["profile"].clone()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // form_12 (1200x465) on white at form_20's size (1200x719), so that both fit one video.
    let small = image::open(forms.join("form_12.png")).unwrap().to_rgb8();
    let mut padded = image::RgbImage::from_pixel(1200, 719, image::Rgb([255; 3]));
    image::imageops::replace(&mut padded, &small, 0, 0);
    let padded_path = dir.path().join("form_12_padded.png");
    padded.save(&padded_path).unwrap();
    let second = forms.join("form_20.png");

    let data = tempfile::tempdir().unwrap();
    let mut config = test_config(data.path(), None);
    config.ocr.models_dir = assets().join("ocr");
    let running = start(config).await;
    let mut c = client(&running).await;
    let mut fill = async |data: Vec<u8>| {
        let r = c
            .ask(AskRequest {
                text: "Fill this form".into(),
                expert: "form_fill".into(),
                media: vec![video(data)],
                profile: profile.clone(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        match r.result.unwrap().kind {
            Some(expert_result::Kind::FormFill(f)) => f,
            other => panic!("no form-fill result: {other:?}"),
        }
    };

    let image = fill(std::fs::read(forms.join("form_12.png")).unwrap()).await;
    assert!(!image.actions.is_empty());
    let held = fill(slideshow(
        dir.path(),
        "held.mp4",
        &[(&forms.join("form_12.png"), 3.0)],
    ))
    .await;
    assert!(held.others.is_empty(), "{:?}", held.others);
    assert_eq!((held.image_width, held.image_height), (1200, 465));
    // Frames at 0, 0.5, ... 2.5 s: the run's middle is the third.
    assert_eq!(held.frame_seconds, Some(1.0));
    assert_eq!(held.page_index, None);
    tools::assert_same_actions(&image, &held, 2.0);

    let first = fill(std::fs::read(&padded_path).unwrap()).await;
    let other = fill(std::fs::read(&second).unwrap()).await;
    assert!(!other.actions.is_empty());
    let clip = slideshow(
        dir.path(),
        "two.mp4",
        &[(&padded_path, 2.0), (&second, 2.0)],
    );
    let two = fill(clip).await;
    assert_eq!(two.others.len(), 1, "{:?}", two.others);
    let later = &two.others[0];
    // Frames at 0 .. 1.5 s show the first form, 2 .. 3.5 s the second.
    let (t0, t1) = (two.frame_seconds.unwrap(), later.frame_seconds.unwrap());
    assert!(
        (0.0..2.0).contains(&t0) && (2.0..4.0).contains(&t1),
        "{t0} {t1}"
    );
    assert_eq!(later.media_index, 0);
    tools::assert_same_actions(&first, &two, 2.0);
    tools::assert_same_actions(&other, later, 2.0);
    assert!(
        two.script
            .contains(&format!("# Frame at {t1:.1} s\nnext_frame({t1:.1})\n")),
        "{}",
        two.script
    );
    let typed = |s: &str| s.matches("type_text(").count();
    assert_eq!(
        typed(&two.script),
        typed(&first.script) + typed(&other.script) - 1
    );
    running.shutdown().await.unwrap();
}

/// With a model, refinement of a form in a video is shown the frame it was filled from (there is
/// no image file to show), at the video's size.
#[tokio::test]
async fn refining_a_form_in_a_video_shows_the_model_its_frame() {
    let _machine = machine::shared().await;
    let forms = repo().join("tests/fixtures/forms");
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(forms.join("form_12.json")).unwrap()).unwrap();
    let profile: std::collections::HashMap<String, String> =
        serde_json::from_value(truth["profile"].clone()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let clip = slideshow(dir.path(), "held.mp4", &[(&forms.join("form_12.png"), 2.0)]);
    let fake = FakeOpenAi::start(Script::default()).await;
    let mut config = test_config(dir.path(), Some(fake.url()));
    config.ocr.models_dir = assets().join("ocr");
    let running = start(config).await;
    let mut c = client(&running).await;
    let r = c
        .ask(AskRequest {
            text: "Fill this form".into(),
            expert: "form_fill".into(),
            media: vec![video(clip)],
            profile,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let Some(expert_result::Kind::FormFill(f)) = r.result.unwrap().kind else {
        panic!("no form-fill result")
    };
    assert!(f.frame_seconds.is_some());
    // The form's open fields (marital status, remarks, signature) and the unused `city` make a
    // question; the model is asked it once, with the frame.
    let requests = fake.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    let user = requests[0]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .rfind(|m| m["role"] == "user")
        .unwrap();
    let url = user["content"]
        .as_array()
        .expect("parts")
        .iter()
        .find_map(|p| p["image_url"]["url"].as_str())
        .expect("the frame, as an image");
    let b64 = url.strip_prefix("data:image/png;base64,").expect("a PNG");
    let png = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    let img = image::load_from_memory(&png).unwrap();
    assert_eq!((img.width(), img.height()), (1200, 465));
    running.shutdown().await.unwrap();
}
