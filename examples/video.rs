//! Decodes video files as the service does (ffprobe, Qwen3-VL's sampling, ffmpeg to RGB at the
//! budget's size) and prints what was found and how long it took:
//! `cargo run --example video -- clip.mp4 [more files]`. The time is ffprobe's and ffmpeg's
//! (subprocesses), so a debug build measures the same.

use std::time::Instant;

use switchboard::config::{Limits, VideoConfig};
use switchboard::cpu::Stop;
use switchboard::media::video::{Settings, decode};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = Settings::from_config(&VideoConfig::default());
    let limits = Limits::default();
    for path in std::env::args().skip(1) {
        let data = bytes::Bytes::from(std::fs::read(&path)?);
        let mime = switchboard::media::sniff(&data).unwrap_or("video/mp4");
        let t = Instant::now();
        let v = decode("file", data, mime, &settings, &limits, &Stop::never()).await?;
        let took = t.elapsed().as_secs_f64();
        let (w, h) = v.frames.first().map(|f| f.dimensions()).unwrap_or((0, 0));
        println!(
            "{path}: {} {}x{}, {} frames over {:.2} s; {} sampled at {w}x{h}; decoded in {took:.2} s \
             ({:.2} s per minute of video)",
            v.codec,
            v.width,
            v.height,
            v.source_frames,
            v.duration,
            v.frames.len(),
            took * 60.0 / v.duration.max(1e-9),
        );
    }
    Ok(())
}
