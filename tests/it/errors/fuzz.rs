//! The fuzz targets (fuzz/targets.rs) on stable Rust, time-boxed: each runs its committed
//! corpus (`fuzz/corpus/<target>/`, grown by libFuzzer runs) and seeds made here, then random
//! mutations of them until its time is up (`SWITCHBOARD_FUZZ_SECS`, default 2 per target;
//! `SWITCHBOARD_FUZZ_SEED` repeats a run). A panicking input is written to
//! `target/fuzz-failures/` and named in the failure.

use crate::common::{machine, repo};
use std::io::Cursor;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use prost::Message as _;
use switchboard::proto::{AskRequest, GenerationOptions, Media};

#[path = "../../../fuzz/targets.rs"]
mod targets;

/// xorshift64*: small, fast and repeatable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Numbers that break code which trusts them: huge, tiny, negative, not a number.
const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1e20",
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "4294967296",
    "18446744073709551616",
    "0.0000001",
];

/// One to four edits: bit flips, interesting bytes, inserts, deletes, copies within the input,
/// splices from another input, integers in binary and extreme numbers in text.
fn mutate(input: &[u8], other: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut d = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = d.len();
        match rng.below(9) {
            0 if len > 0 => {
                let i = rng.below(len);
                d[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                d[i] = [0, 0xFF, 0x7F, 0x80, b'"', b'{', b'}', b'\n'][rng.below(8)];
            }
            2 => {
                let i = rng.below(len + 1);
                let n = 1 + rng.below(16);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                d.splice(i..i, bytes);
            }
            3 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(64));
                d.drain(i..i + n);
            }
            4 if len > 1 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(64));
                let chunk = d[i..i + n].to_vec();
                let at = rng.below(len + 1);
                d.splice(at..at, chunk);
            }
            5 if !other.is_empty() => {
                let i = rng.below(other.len());
                let n = 1 + rng.below((other.len() - i).min(256));
                let at = rng.below(len + 1);
                d.splice(at..at, other[i..i + n].iter().copied());
            }
            6 if len > 0 => d.truncate(rng.below(len)),
            7 if d.iter().any(u8::is_ascii_digit) => {
                // A number in text (config values, JSON) becomes an extreme one.
                let digits: Vec<usize> = (0..len).filter(|&i| d[i].is_ascii_digit()).collect();
                let start = digits[rng.below(digits.len())];
                let end = (start..len)
                    .find(|&i| !d[i].is_ascii_digit())
                    .unwrap_or(len);
                let n = NUMBERS[rng.below(NUMBERS.len())];
                d.splice(start..end, n.bytes());
            }
            _ => {
                // A 4-byte little-endian integer at a random place: sizes and counts.
                if len >= 4 {
                    let i = rng.below(len - 3);
                    let v = [0u32, 1, 0xFFFF, 0x7FFF_FFFF, u32::MAX][rng.below(5)];
                    d[i..i + 4].copy_from_slice(&v.to_le_bytes());
                }
            }
        }
    }
    d
}

fn encoded(img: image::DynamicImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), format)
        .expect("encoding a seed image");
    out
}

/// Seeds made here, so that a run without the committed corpus still starts somewhere useful.
fn seeds(target: &str) -> Vec<Vec<u8>> {
    let rgba = image::RgbaImage::from_fn(24, 16, |x, y| {
        image::Rgba([(x * 10) as u8, (y * 15) as u8, 90, (x * y) as u8])
    });
    let images = || {
        vec![
            encoded(rgba.clone().into(), image::ImageFormat::Png),
            encoded(
                image::DynamicImage::ImageRgba8(rgba.clone())
                    .to_rgb8()
                    .into(),
                image::ImageFormat::Jpeg,
            ),
            encoded(rgba.clone().into(), image::ImageFormat::Gif),
            encoded(rgba.clone().into(), image::ImageFormat::WebP),
        ]
    };
    let text_files = |dir: &str, ext: &str| -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        if let Ok(entries) = std::fs::read_dir(repo().join(dir)) {
            for e in entries.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == ext) {
                    let stem = p
                        .file_stem()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned();
                    let body = std::fs::read(&p).unwrap_or_default();
                    out.push(if ext == "toml" && dir == "experts" {
                        [stem.as_bytes(), b"\n", &body].concat()
                    } else {
                        body
                    });
                }
            }
        }
        out
    };
    match target {
        "image" => images(),
        "ask_request" => {
            let media = images()
                .into_iter()
                .map(|data| Media {
                    data,
                    ..Default::default()
                })
                .collect::<Vec<_>>();
            vec![
                AskRequest {
                    text: "What is in this picture? 这是什么".into(),
                    media: media.clone(),
                    profile: [("name".to_string(), "Zhang San".to_string())].into(),
                    options: Some(GenerationOptions {
                        max_new_tokens: Some(64),
                        stop: vec!["END".into()],
                        ..Default::default()
                    }),
                    request_id: "r-1".into(),
                    ..Default::default()
                }
                .encode_to_vec(),
                AskRequest {
                    text: "frames".into(),
                    media: vec![Media {
                        frames: media.iter().map(|m| m.data.clone()).collect(),
                        fps: 2.0,
                        ..Default::default()
                    }],
                    ..Default::default()
                }
                .encode_to_vec(),
            ]
        }
        "json" | "expert_parsers" => vec![
            br#"<think>look</think>```json
{"elements": [{"type": "button", "text": "Log in", "bbox": [100, 200, 300, 260]}],
 "actions": [{"action": "click", "target": "Log in", "point": [200, 230]}]}
```"#
                .to_vec(),
            br#"{"events": [{"start": "00:01", "end": "00:04.5", "description": "a cat jumps"}], 'summary': 'cat',}"#.to_vec(),
            b"Step 1: 3x + 5 = 20\nStep 2: 3x = 15\n\\boxed{x = 5}".to_vec(),
            b"```html index.html\n<!DOCTYPE html><html><body><div>Hi</div></body></html>\n```\n```css style.css\nbody{}\n```".to_vec(),
            br#"{"Name": "Zhang San", "tables": [{"rows": [["a", "b"], ["1", "2"]]}]}"#.to_vec(),
        ],
        "config" => vec![
            b"listen = \"127.0.0.1:1\"\nrequest_timeout_secs = 30.0\n[limits]\nmax_media = 3\n[memory]\nhistory_turns = 2\n".to_vec(),
            b"api_keys = [\"a:k1\", \"b:k2\"]\n[routing]\nrules_threshold = 0.4\n".to_vec(),
            b"request_timeout_secs = 1e3\nshutdown_grace_secs = 2e1\n[routing]\nmodel_timeout_secs = 5e0\n".to_vec(),
        ],
        "manifest" => text_files("experts", "toml"),
        "video" => video_seeds(),
        "pdf" => pdf_seeds(),
        _ => Vec::new(),
    }
}

/// Small PDFs written here: text pages, a JPEG page, a stamped scan, an encrypted file.
fn pdf_seeds() -> Vec<Vec<u8>> {
    use switchboard_testkit::pdf::{Content, PageSpec, Text, write, write_encrypted};
    let text = |s: &str| Text {
        x: 10.0,
        y: 20.0,
        size: 9.0,
        text: s.into(),
    };
    let page = PageSpec {
        width: 100.0,
        height: 80.0,
        content: Content::Text(vec![text("Hello (PDF)"), text("second \\ line")]),
    };
    let mut jpeg = Vec::new();
    image::RgbImage::from_pixel(8, 6, image::Rgb([200, 30, 30]))
        .write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
        .unwrap();
    let scan = PageSpec {
        width: 40.0,
        height: 30.0,
        content: Content::Stamped {
            jpeg: jpeg.clone(),
            width: 8,
            height: 6,
            text: vec![text("stamp")],
        },
    };
    vec![
        write(&[page.clone(), page.clone()]),
        write(std::slice::from_ref(&scan)),
        write(&[PageSpec {
            content: Content::Jpeg {
                data: jpeg,
                width: 8,
                height: 6,
            },
            ..scan
        }]),
        write_encrypted(&[page]),
    ]
}

/// Tiny clips made by ffmpeg from its test source, one per container (H.264 in MP4 and MKV,
/// VP9 in WebM, MPEG-4 in AVI), the last with a quarter-turn tag.
fn video_seeds() -> Vec<Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let clips: [(&str, &[&str]); 4] = [
        ("a.mp4", &["-c:v", "libx264"]),
        ("b.webm", &["-c:v", "libvpx-vp9"]),
        ("c.avi", &["-c:v", "mpeg4"]),
        (
            "d.mkv",
            &["-c:v", "libx264", "-metadata:s:v:0", "rotate=90"],
        ),
    ];
    clips
        .iter()
        .map(|(name, codec)| {
            let out = dir.path().join(name);
            let status = std::process::Command::new("ffmpeg")
                .args([
                    "-hide_banner",
                    "-nostdin",
                    "-v",
                    "error",
                    "-y",
                    "-f",
                    "lavfi",
                ])
                .args(["-i", "testsrc2=s=32x32:r=5:d=1"])
                .args(*codec)
                .args(["-pix_fmt", "yuv420p"])
                .arg(&out)
                .status()
                .expect("ffmpeg makes the video seeds: apt-get install ffmpeg");
            assert!(status.success(), "ffmpeg could not make {name}");
            std::fs::read(&out).unwrap()
        })
        .collect()
}

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = repo().join("fuzz/corpus").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

fn run_one(target: &str, f: targets::Target, input: &[u8]) {
    if std::panic::catch_unwind(AssertUnwindSafe(|| f(input))).is_err() {
        let dir = repo().join("target/fuzz-failures");
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join(format!(
            "{target}-{}",
            switchboard::media::sha256_hex([input])
        ));
        let _ = std::fs::write(&path, input);
        panic!(
            "fuzz target {target} panicked on the input saved at {} (run it again with \
             `cargo +nightly fuzz run {target} {}`)",
            path.display(),
            path.display()
        );
    }
}

#[test]
fn fuzz_targets_survive_their_corpus_and_mutations() {
    let _machine = machine::shared_blocking();
    let secs: f64 = std::env::var("SWITCHBOARD_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2.0);
    let seed: u64 = std::env::var("SWITCHBOARD_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED_F00D);
    for &(name, f) in targets::TARGETS {
        let mut inputs = corpus(name);
        let from_corpus = inputs.len();
        inputs.extend(seeds(name));
        assert!(!inputs.is_empty(), "{name} has no corpus and no seeds");
        for input in &inputs {
            run_one(name, f, input);
        }
        let mut rng = Rng(seed ^ name.len() as u64 ^ 0x9E37_79B9_7F4A_7C15);
        let until = Instant::now() + Duration::from_secs_f64(secs);
        let mut runs = 0u64;
        while Instant::now() < until {
            let a = &inputs[rng.below(inputs.len())];
            let b = &inputs[rng.below(inputs.len())];
            let m = mutate(a, b, &mut rng);
            run_one(name, f, &m);
            runs += 1;
        }
        println!(
            "fuzz {name}: {from_corpus} corpus files, {} seeds, {runs} mutations in {secs} s (seed {seed})",
            inputs.len() - from_corpus
        );
    }
}
