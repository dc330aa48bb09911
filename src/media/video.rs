//! Video files: probed and decoded by Debian's ffprobe and ffmpeg, run as subprocesses so that
//! codecs stay out of this process, a time limit and an address-space cap apply, and a crash is
//! the child's. Owns the probe (frame count, true timestamps, rotated size), the choice of
//! frames (Qwen3-VL's video processor: 2 per second, 4 to 768, its pixel budget), the decoding
//! of those frames straight to RGB at that size (or again at the video's own), and which of them
//! show the same picture (`still_runs`). Knows nothing of requests or of the model;
//! every problem of the client's file is INVALID_ARGUMENT on the field the caller names.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use bytes::Bytes;
use image::RgbImage;
use serde_json::Value;
use switchboard_qwen3vl::preprocess::VisionConfig;
use tokio::io::{AsyncRead, AsyncReadExt};

use crate::config::{Limits, VideoConfig};
use crate::cpu::Stop;
use crate::error::{Error, Result};

/// What decoding needs: the tools and their limits, and how to sample.
#[derive(Debug, Clone)]
pub struct Settings {
    pub ffmpeg: PathBuf,
    pub ffprobe: PathBuf,
    pub timeout: Duration,
    /// RLIMIT_AS of each run; 0: none.
    pub memory_bytes: u64,
    pub sampling: switchboard_qwen3vl::config::VideoConfig,
}

impl Settings {
    /// From `[video]`, sampling with Qwen3-VL's defaults for what the section does not set.
    pub fn from_config(c: &VideoConfig) -> Settings {
        let vision = VisionConfig {
            min_pixels: c.min_pixels,
            max_pixels: c.max_pixels,
            ..VisionConfig::default()
        };
        Settings {
            ffmpeg: c.ffmpeg.clone(),
            ffprobe: c.ffprobe.clone(),
            timeout: Duration::from_secs_f64(c.timeout_secs),
            memory_bytes: c.memory_bytes,
            sampling: switchboard_qwen3vl::config::VideoConfig {
                vision,
                fps: c.fps,
                min_frames: c.min_frames,
                max_frames: c.max_frames,
            },
        }
    }
}

/// A video file after decoding: the sampled frames, upright, at one size, with their times.
#[derive(Debug)]
pub struct DecodedVideo {
    /// The file as sent (servers that decode video themselves get it).
    pub file: Bytes,
    pub mime_type: String,
    /// The codec ffprobe named (h264, hevc, vp9, av1, ...).
    pub codec: String,
    /// Size of the video as shown (rotation applied), before resizing.
    pub width: u32,
    pub height: u32,
    /// Frames in the file.
    pub source_frames: usize,
    /// Length in seconds, from the file's start.
    pub duration: f64,
    pub frames: Vec<RgbImage>,
    /// Each frame's presentation time in seconds from the file's start.
    pub seconds: Vec<f64>,
    /// Each frame's number in the file (for decoding it again, larger: `frames_at`).
    pub numbers: Vec<usize>,
    probe: Probe,
}

impl DecodedVideo {
    /// Sampled frames per second of video (for prompts that state a rate).
    pub fn sampled_fps(&self) -> f32 {
        if self.duration > 0.0 {
            (self.frames.len() as f64 / self.duration) as f32
        } else {
            0.0
        }
    }
}

/// What the probe found.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    pub codec: String,
    /// Shown size (rotation applied).
    pub width: u32,
    pub height: u32,
    /// Presentation times of every frame, sorted, in the file's own clock.
    pub times: Vec<f64>,
    /// Where the file's clock starts (its start offset).
    pub start: f64,
    pub duration: f64,
}

/// Frames a second a video may have before the probe's listing is cut short.
const MAX_SOURCE_FPS: f64 = 240.0;
/// Bytes of ffprobe's stream and format description.
const MAX_INFO_BYTES: usize = 1 << 20;
/// Bytes of one frame's line in ffprobe's packet listing ("12345.678000,12345.678000,K_\n").
const PACKET_LINE_BYTES: usize = 48;
/// Bytes of a run's diagnostics kept for the message.
const STDERR_TAIL_BYTES: usize = 4096;
/// The longest diagnostics line read whole (showinfo lines are ~300 bytes; SEI dumps longer).
const MAX_LINE_BYTES: usize = 64 << 10;

/// Probes `data`, samples its frames and decodes them. `field` names the file in errors.
pub async fn decode(
    field: &str,
    data: Bytes,
    mime_type: &str,
    settings: &Settings,
    limits: &Limits,
    stop: &Stop,
) -> Result<DecodedVideo> {
    let file = spill(data.clone()).await?;
    let path = file.path();
    let probe = probe(field, path, settings, limits, stop).await?;
    let plan = plan(field, &probe, settings, limits)?;
    let (frames, seconds) = decode_frames(field, path, &probe, &plan, settings, stop).await?;
    let numbers = plan.indices[..frames.len().min(plan.indices.len())].to_vec();
    Ok(DecodedVideo {
        file: data,
        mime_type: mime_type.to_string(),
        codec: probe.codec.clone(),
        width: probe.width,
        height: probe.height,
        source_frames: probe.times.len(),
        duration: probe.duration,
        frames,
        seconds,
        numbers,
        probe,
    })
}

/// Frames `picks` (positions in `video.frames`) decoded again at the video's shown size, or
/// smaller so that together they stay within `max_bytes`: for reading text, which the model's
/// size (a few hundred pixels wide for a long video) loses.
pub async fn frames_at(
    field: &str,
    video: &DecodedVideo,
    picks: &[usize],
    max_bytes: u64,
    settings: &Settings,
    stop: &Stop,
) -> Result<Vec<RgbImage>> {
    // ffmpeg gives frames in the file's order: `picks` must be in it too.
    debug_assert!(picks.windows(2).all(|w| w[0] < w[1]));
    let indices: Vec<usize> = picks
        .iter()
        .filter_map(|&p| video.numbers.get(p).copied())
        .collect();
    if indices.is_empty() {
        return Ok(Vec::new());
    }
    let (w, h) = (video.width as f64, video.height as f64);
    let bytes = indices.len() as f64 * w * h * 3.0;
    let scale = (max_bytes as f64 / bytes).sqrt().min(1.0);
    // At the video's own size nothing is scaled (an odd side stays: a form's pixels as they
    // were); smaller, even sides, what every pixel format ffmpeg scales through takes.
    let side = |v: f64| {
        if scale >= 1.0 {
            v as u32
        } else {
            (((v * scale) as u32) & !1).max(2)
        }
    };
    let plan = Plan {
        indices,
        width: side(w),
        height: side(h),
    };
    let file = spill(video.file.clone()).await?;
    let (frames, _) =
        decode_frames(field, file.path(), &video.probe, &plan, settings, stop).await?;
    Ok(frames)
}

/// Side of the thumbnails frames are compared by.
const THUMB: u32 = 64;
/// A thumbnail cell differs when one of its colours moves by more than this.
const CELL_LEVELS: i16 = 24;
/// Frames show the same picture when at most this many of the 64x64 cells differ. On the
/// project's forms corpus two different forms differ in at least 46 cells, one form shifted by
/// 4 px in at most 24 (thumbnails by a triangle filter; a box filter is far more sensitive to
/// shifts). Colour counts: slides of one brightness in two colours are two pictures.
const STILL_CELLS: usize = 32;

/// Runs of near-identical frames, as (first, last) indices in order: a form held still for ten
/// seconds is one picture, not twenty. Each frame is compared with its run's first frame (not
/// the previous one), so a slow pan still starts new runs.
pub fn still_runs(frames: &[RgbImage], stop: &Stop) -> Result<Vec<(usize, usize)>> {
    let thumb =
        |img: &RgbImage| image::imageops::resize(img, THUMB, THUMB, image::imageops::Triangle);
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut first = None;
    for (i, frame) in frames.iter().enumerate() {
        stop.check()?;
        let t = thumb(frame);
        let same = first.as_ref().is_some_and(|f: &RgbImage| {
            let moved = f
                .pixels()
                .zip(t.pixels())
                .filter(|(a, b)| {
                    a.0.iter()
                        .zip(b.0)
                        .any(|(x, y)| (i16::from(*x) - i16::from(y)).abs() > CELL_LEVELS)
                })
                .count();
            moved <= STILL_CELLS
        });
        match runs.last_mut() {
            Some(run) if same => run.1 = i,
            _ => {
                runs.push((i, i));
                first = Some(t);
            }
        }
    }
    Ok(runs)
}

/// What `decode` checks before decoding (the probe, the limits, the sampling plan), without
/// decoding: the shown width and height.
pub async fn check(
    field: &str,
    data: Bytes,
    settings: &Settings,
    limits: &Limits,
    stop: &Stop,
) -> Result<(u32, u32)> {
    let file = spill(data).await?;
    let probe = probe(field, file.path(), settings, limits, stop).await?;
    plan(field, &probe, settings, limits)?;
    Ok((probe.width, probe.height))
}

/// `decode` on a runtime of its own, for callers outside one (the fuzz targets, tools). Must
/// not be called from inside a tokio runtime.
pub fn decode_blocking(
    field: &str,
    data: &[u8],
    mime_type: &str,
    settings: &Settings,
    limits: &Limits,
) -> Result<DecodedVideo> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(format!("a runtime for video decoding: {e}")))?;
    let data = Bytes::copy_from_slice(data);
    runtime.block_on(decode(
        field,
        data,
        mime_type,
        settings,
        limits,
        &Stop::never(),
    ))
}

/// The file on disk for the tools: MP4 and MOV keep their index at the end, which a pipe
/// cannot seek to. Deleted when dropped.
async fn spill(data: Bytes) -> Result<tempfile::NamedTempFile> {
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut f = tempfile::Builder::new()
            .prefix("switchboard-video-")
            .tempfile()?;
        f.write_all(&data)?;
        f.flush()?;
        Ok::<_, std::io::Error>(f)
    })
    .await
    .map_err(|e| Error::Internal(format!("writing a video for ffmpeg: {e}")))?
    .map_err(|e| Error::Internal(format!("writing a video for ffmpeg: {e}")))
}

/// Reads the stream's codec, size, rotation and start, then every frame's time from the packet
/// index (no decoding). Refuses a file with no video, or longer than the limits.
pub async fn probe(
    field: &str,
    path: &Path,
    settings: &Settings,
    limits: &Limits,
    stop: &Stop,
) -> Result<Probe> {
    let info_args = [
        "-v",
        "error",
        "-select_streams",
        "v:0",
        "-show_entries",
        "stream=codec_name,width,height:stream_side_data=rotation:stream_tags=rotate:\
         format=start_time,duration",
        "-of",
        "json",
    ];
    let mut args: Vec<OsString> = info_args.iter().map(OsString::from).collect();
    args.push(path.into());
    let out = run(
        &settings.ffprobe,
        args,
        settings,
        MAX_INFO_BYTES,
        None,
        stop,
        |_| {},
    )
    .await;
    let out = out.map_err(|e| e.hiding(path));
    let out = out.map_err(|e| e.into_error(field, "ffprobe", &settings.ffprobe))?;
    let out = out.concat();
    let info: Value = serde_json::from_slice(&out)
        .map_err(|_| Error::invalid(field, "the video cannot be read (ffprobe gave no report)"))?;
    let stream = info
        .get("streams")
        .and_then(|s| s.get(0))
        .ok_or_else(|| Error::invalid(field, "the file has no video stream"))?;
    let codec = stream
        .get("codec_name")
        .and_then(Value::as_str)
        .unwrap_or("unknown")
        .to_string();
    let dim = |k: &str| stream.get(k).and_then(Value::as_u64).unwrap_or(0);
    let (w, h) = (dim("width"), dim("height"));
    if w == 0 || h == 0 || w > u32::MAX as u64 || h > u32::MAX as u64 {
        return Err(Error::invalid(
            field,
            format!(
                "the {codec} video stream has no usable size ({w}x{h}): corrupt or unsupported"
            ),
        ));
    }
    let (w, h) = if quarter_turn(stream) { (h, w) } else { (w, h) };
    // A frame is an image: the OCR tool reads it at this size.
    if w * h > limits.max_image_pixels {
        return Err(Error::invalid(
            field,
            format!(
                "the video's frames are {w}x{h} = {} pixels; the limit is {} \
                 (limits.max_image_pixels)",
                w * h,
                limits.max_image_pixels
            ),
        ));
    }
    let number = |v: Option<&Value>| -> Option<f64> {
        v.and_then(|v| {
            v.as_str()
                .and_then(|s| s.parse().ok())
                .or_else(|| v.as_f64())
        })
        .filter(|x: &f64| x.is_finite())
    };
    let format = info.get("format");
    let declared = number(format.and_then(|f| f.get("duration")));
    if let Some(d) = declared.filter(|&d| d > limits.max_video_seconds) {
        return Err(too_long(field, d, limits));
    }
    // The packet index: one line a frame. Its size is bounded by the length limit.
    let cap = (limits.max_video_seconds * MAX_SOURCE_FPS) as usize * PACKET_LINE_BYTES;
    let mut args: Vec<OsString> = [
        "-v",
        "error",
        "-select_streams",
        "v:0",
        "-show_entries",
        "packet=pts_time,dts_time,flags",
        "-of",
        "csv=p=0",
    ]
    .iter()
    .map(OsString::from)
    .collect();
    args.push(path.into());
    let out = run(&settings.ffprobe, args, settings, cap, None, stop, |_| {}).await;
    let out = out.map_err(|e| match e.hiding(path) {
        RunError::TooMuch => Error::invalid(
            field,
            format!(
                "the video has more than {MAX_SOURCE_FPS} frames a second over \
                 limits.max_video_seconds = {} s",
                limits.max_video_seconds
            ),
        ),
        e => e.into_error(field, "ffprobe", &settings.ffprobe),
    })?;
    let times = packet_times(&out.concat());
    let Some((&first, &last)) = times.first().zip(times.last()) else {
        return Err(Error::invalid(
            field,
            format!("the {codec} video stream has no frames: corrupt or truncated file"),
        ));
    };
    let start = number(format.and_then(|f| f.get("start_time")))
        .unwrap_or(first)
        .min(first);
    // The last frame lasts as long as the average one.
    let step = if times.len() > 1 {
        (last - first) / (times.len() - 1) as f64
    } else {
        0.0
    };
    let duration = ((last - start + step) * 1e6).round() / 1e6;
    if duration > limits.max_video_seconds {
        return Err(too_long(field, duration, limits));
    }
    Ok(Probe {
        codec,
        width: w as u32,
        height: h as u32,
        times,
        start,
        duration,
    })
}

fn too_long(field: &str, seconds: f64, limits: &Limits) -> Error {
    Error::invalid(
        field,
        format!(
            "the video lasts {seconds:.1} s; the limit is {} s (limits.max_video_seconds)",
            limits.max_video_seconds
        ),
    )
}

/// Whether the stream is shown turned by a quarter (a phone's portrait video): ffmpeg turns it
/// upright when decoding, so its shown size swaps width and height.
fn quarter_turn(stream: &Value) -> bool {
    let side = stream
        .get("side_data_list")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|d| d.get("rotation"))
        .filter_map(|r| r.as_f64().or_else(|| r.as_str()?.parse().ok()));
    let tag = stream
        .get("tags")
        .and_then(|t| t.get("rotate"))
        .and_then(Value::as_str)
        .and_then(|r| r.parse::<f64>().ok());
    side.chain(tag)
        .next()
        .is_some_and(|r| (r.round() as i64).rem_euclid(180) == 90)
}

/// Frame times from ffprobe's packet listing (`pts,dts,flags` lines): the presentation time,
/// else the decoding time; packets flagged for discard are not shown, so not counted.
fn packet_times(listing: &[u8]) -> Vec<f64> {
    let text = String::from_utf8_lossy(listing);
    let mut times: Vec<f64> = text
        .lines()
        .filter_map(|line| {
            let mut cols = line.split(',');
            let (pts, dts, flags) = (cols.next()?, cols.next()?, cols.next().unwrap_or(""));
            if flags.contains('D') {
                return None;
            }
            pts.trim()
                .parse::<f64>()
                .ok()
                .or_else(|| dts.trim().parse().ok())
                .filter(|t| t.is_finite())
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times
}

/// Which frames to decode and at what size.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Indices into the probe's frames, in order.
    pub indices: Vec<usize>,
    pub width: u32,
    pub height: u32,
}

/// Qwen3-VL's video processor: `int(frames / fps * 2)` frames, clamped to 4..768 (and to the
/// frames there are), evenly spread over the frame indices (numpy's linspace, rounded half to
/// even), at the size its pixel budget gives all of them together. The decoded bytes are
/// checked against the limit here, before anything is decoded.
pub fn plan(field: &str, probe: &Probe, settings: &Settings, limits: &Limits) -> Result<Plan> {
    let s = &settings.sampling;
    let total = probe.times.len();
    // int(frames / average fps * fps): the length times the rate, to the microsecond the
    // probe reports.
    let n = (probe.duration * s.fps + 1e-6).floor() as usize;
    let max = s.max_frames.min(limits.max_video_frames);
    let n = n.max(s.min_frames).min(max).min(total).max(1);
    let indices = spread(total, n);
    let (h, w) = switchboard_qwen3vl::video::video_resize(
        indices.len(),
        probe.height as usize,
        probe.width as usize,
        &s.vision,
    )
    .map_err(|e| Error::invalid(field, format!("the video cannot be sampled: {e}")))?;
    let bytes = (indices.len() as u64)
        .saturating_mul(w as u64)
        .saturating_mul(h as u64)
        .saturating_mul(3);
    if bytes > limits.max_video_decoded_bytes {
        return Err(Error::invalid(
            field,
            format!(
                "{} frames at {w}x{h} decode to {bytes} bytes; the limit is {} \
                 (limits.max_video_decoded_bytes)",
                indices.len(),
                limits.max_video_decoded_bytes
            ),
        ));
    }
    Ok(Plan {
        indices,
        width: w as u32,
        height: h as u32,
    })
}

/// `n` of `total` indices, evenly: numpy's `linspace(0, total - 1, n).round()`.
fn spread(total: usize, n: usize) -> Vec<usize> {
    if n <= 1 || total <= 1 {
        return vec![0];
    }
    let last = (total - 1) as f64;
    (0..n)
        .map(|i| {
            switchboard_qwen3vl::preprocess::round_half_even(i as f64 * last / (n - 1) as f64)
                as usize
        })
        .collect()
}

/// Decodes the planned frames to RGB at the planned size, in one ffmpeg run: `select` keeps
/// them, `showinfo` reports the time of each kept frame, `scale` sizes them after ffmpeg has
/// turned them upright. Nothing is written to disk. Returns the frames and their times from
/// the file's start.
async fn decode_frames(
    field: &str,
    path: &Path,
    probe: &Probe,
    plan: &Plan,
    settings: &Settings,
    stop: &Stop,
) -> Result<(Vec<RgbImage>, Vec<f64>)> {
    let frame_bytes = plan.width as usize * plan.height as usize * 3;
    let expected = frame_bytes * plan.indices.len();
    let select = any_of(&plan.indices);
    let filter = format!(
        "select='{select}',showinfo,scale={}:{}:flags=bicubic",
        plan.width, plan.height
    );
    let mut args: Vec<OsString> = [
        "-hide_banner",
        "-nostdin",
        "-nostats",
        "-loglevel",
        "level+info",
        // The file's own clock, so that showinfo's times and the probe's agree.
        "-copyts",
        "-i",
    ]
    .iter()
    .map(OsString::from)
    .collect();
    args.push(path.into());
    for a in [
        "-map",
        "0:v:0",
        "-an",
        "-sn",
        "-dn",
        "-vf",
        &filter,
        // Each kept frame once: no duplicates to fill a constant rate.
        "-fps_mode",
        "passthrough",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "pipe:1",
    ] {
        args.push(a.into());
    }
    let mut shown: Vec<f64> = Vec::new();
    // Read a frame at a time into its own buffer: the pixels are never copied.
    let piece = Some(frame_bytes);
    let out = run(
        &settings.ffmpeg,
        args,
        settings,
        expected,
        piece,
        stop,
        |line| {
            if let Some(t) = showinfo_time(line) {
                shown.push(t);
            }
        },
    )
    .await
    .map_err(|e| e.hiding(path).into_error(field, "ffmpeg", &settings.ffmpeg))?;
    let frames: Vec<RgbImage> = out
        .into_iter()
        .filter_map(|f| RgbImage::from_raw(plan.width, plan.height, f))
        .collect();
    let got = frames.len();
    if got == 0 {
        return Err(Error::invalid(
            field,
            format!(
                "no frame of the {} video decodes: corrupt or unsupported",
                probe.codec
            ),
        ));
    }
    // showinfo's times are the decoded frames' own; the probe's stand in should a line be
    // missing.
    let seconds: Vec<f64> = (0..got)
        .map(|k| {
            let t = match shown.get(k) {
                Some(&t) if shown.len() == got => t,
                _ => probe.times[plan.indices[k.min(plan.indices.len() - 1)]],
            };
            (t - probe.start).max(0.0)
        })
        .collect();
    Ok((frames, seconds))
}

/// An ffmpeg expression true for frame numbers `n` in `indices`, as a balanced sum: ffmpeg's
/// expression parser refuses a flat sum of more than about 100 terms.
fn any_of(indices: &[usize]) -> String {
    match indices {
        [] => "0".into(),
        [i] => format!("eq(n,{i})"),
        _ => {
            let (a, b) = indices.split_at(indices.len() / 2);
            format!("({}+{})", any_of(a), any_of(b))
        }
    }
}

/// The `pts_time` of a showinfo frame line.
fn showinfo_time(line: &str) -> Option<f64> {
    if !line.contains("showinfo") {
        return None;
    }
    let rest = &line[line.find(" pts_time:")? + " pts_time:".len()..];
    rest.split_whitespace().next()?.parse().ok()
}

/// How a run went wrong, before the caller names the file.
#[derive(Debug)]
enum RunError {
    /// The tool is not installed where the configuration says.
    Missing(std::io::Error),
    TimedOut(Duration),
    /// It wrote more than it may.
    TooMuch,
    /// It could not even load (its libraries did not fit under `video.memory_bytes`).
    CannotStart(String),
    /// It failed; the tail of its diagnostics.
    Failed(String),
    Stopped(Error),
    Io(std::io::Error),
}

impl RunError {
    /// The diagnostics without the temporary file's path (clients need not see our disk).
    fn hiding(self, path: &Path) -> RunError {
        match self {
            RunError::Failed(why) => {
                RunError::Failed(why.replace(&*path.to_string_lossy(), "the file"))
            }
            other => other,
        }
    }

    fn into_error(self, field: &str, tool: &str, path: &Path) -> Error {
        match self {
            RunError::Missing(e) => Error::FailedPrecondition(format!(
                "video files need {tool} ({}: {e}): install Debian's ffmpeg package \
                 (apt-get install ffmpeg) or set video.{tool} (SWITCHBOARD_VIDEO__{})",
                path.display(),
                tool.to_ascii_uppercase()
            )),
            RunError::TimedOut(limit) => Error::invalid(
                field,
                format!(
                    "{tool} did not finish the video within {:.1} s (video.timeout_secs): \
                     the file is too long or damaged",
                    limit.as_secs_f64()
                ),
            ),
            RunError::CannotStart(why) => Error::FailedPrecondition(format!(
                "{tool} could not start ({}): raise video.memory_bytes \
                 (SWITCHBOARD_VIDEO__MEMORY_BYTES; ffmpeg maps about 400 MB to decode 720p) or \
                 reinstall Debian's ffmpeg",
                crate::media::clip(&why, 200)
            )),
            RunError::TooMuch => Error::invalid(
                field,
                format!("{tool} gave more output than the video's limits allow"),
            ),
            RunError::Failed(why) => Error::invalid(
                field,
                format!(
                    "the video cannot be decoded (corrupt, truncated or an unsupported codec): \
                     {}",
                    crate::media::clip(&why, 300)
                ),
            ),
            RunError::Stopped(e) => e,
            RunError::Io(e) => Error::Internal(format!("running {tool}: {e}")),
        }
    }
}

/// Runs a tool under the time limit and address-space cap, with its output read up to `cap`
/// bytes (in pieces of `piece` bytes, else in one), each diagnostics line handed to `on_line`
/// and the tail kept for errors. The child is killed when this is dropped (the request was
/// cancelled), times out or writes too much.
async fn run(
    tool: &Path,
    args: Vec<OsString>,
    settings: &Settings,
    cap: usize,
    piece: Option<usize>,
    stop: &Stop,
    mut on_line: impl FnMut(&str),
) -> Result<Vec<Vec<u8>>, RunError> {
    let mut cmd = tokio::process::Command::new(tool);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // glibc reserves 64 MiB of address space per thread's arena: with a decoder thread
        // per core that alone would fill the cap on a large machine.
        .env("MALLOC_ARENA_MAX", "2")
        .kill_on_drop(true);
    let memory = settings.memory_bytes;
    if memory > 0 {
        // SAFETY: between fork and exec only async-signal-safe calls: setrlimit is one.
        unsafe {
            cmd.pre_exec(crate::media::address_space_cap(memory));
        }
    }
    let mut child = cmd.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied => RunError::Missing(e),
        _ => RunError::Io(e),
    })?;
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(RunError::Io(std::io::Error::other("no pipes")));
    };
    let mut tail = Tail::default();
    let work = async {
        let (out, diag) = tokio::join!(
            read_capped(stdout, cap, piece),
            read_lines(stderr, |line| {
                on_line(line);
                tail.push(line);
            })
        );
        let status = child.wait().await.map_err(RunError::Io)?;
        diag.map_err(RunError::Io)?;
        let out = out?;
        Ok::<_, RunError>((status, out))
    };
    let limit = settings.timeout;
    let outcome = tokio::select! {
        r = tokio::time::timeout(limit, work) => r,
        e = stop.stopped() => return Err(RunError::Stopped(e)),
    };
    let (status, out) = match outcome {
        Ok(r) => r?,
        Err(_) => return Err(RunError::TimedOut(limit)),
    };
    if !status.success() {
        // The dynamic loader's own failure: the tool never looked at the file.
        if let Some(line) = tail
            .0
            .iter()
            .find(|l| l.contains("error while loading shared libraries"))
        {
            return Err(RunError::CannotStart(line.clone()));
        }
        let why = match (status.code(), tail.text()) {
            (_, t) if !t.is_empty() => t,
            (Some(c), _) => format!("exit status {c}"),
            (None, _) => "killed by a signal (out of memory under video.memory_bytes?)".into(),
        };
        return Err(RunError::Failed(why));
    }
    Ok(out)
}

/// Reads a stream to its end, failing once it passes `cap` bytes (so nothing past it is held):
/// in pieces of exactly `piece` bytes each allocated once (the last may be short), or in one
/// growing buffer.
async fn read_capped(
    mut r: impl AsyncRead + Unpin,
    cap: usize,
    piece: Option<usize>,
) -> Result<Vec<Vec<u8>>, RunError> {
    // A frame's buffer is allocated whole; one growing buffer starts small.
    let (piece, initial) = match piece {
        Some(p) => (p.max(1), p.max(1)),
        None => (cap.max(1), 64 << 10),
    };
    let mut pieces = Vec::new();
    let mut cur: Vec<u8> = Vec::new();
    let mut total = 0usize;
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = r.read(&mut buf).await.map_err(RunError::Io)?;
        if n == 0 {
            if !cur.is_empty() {
                pieces.push(cur);
            }
            return Ok(pieces);
        }
        total += n;
        if total > cap {
            return Err(RunError::TooMuch);
        }
        let mut data = &buf[..n];
        while !data.is_empty() {
            if cur.capacity() == 0 {
                cur = Vec::with_capacity(initial.min(piece));
            }
            let take = (piece - cur.len()).min(data.len());
            cur.extend_from_slice(&data[..take]);
            data = &data[take..];
            if cur.len() == piece {
                pieces.push(std::mem::take(&mut cur));
            }
        }
    }
}

/// Hands each line of a stream to `f`; a line longer than `MAX_LINE_BYTES` is cut there.
async fn read_lines(mut r: impl AsyncRead + Unpin, mut f: impl FnMut(&str)) -> std::io::Result<()> {
    let mut buf = vec![0u8; 16 << 10];
    let mut line: Vec<u8> = Vec::new();
    let mut cut = false;
    loop {
        let n = r.read(&mut buf).await?;
        if n == 0 {
            if !line.is_empty() {
                f(&String::from_utf8_lossy(&line));
            }
            return Ok(());
        }
        for &b in &buf[..n] {
            if b == b'\n' {
                f(&String::from_utf8_lossy(&line));
                line.clear();
                cut = false;
            } else if line.len() < MAX_LINE_BYTES {
                line.push(b);
            } else if !cut {
                cut = true;
            }
        }
    }
}

/// `[h264 @ 0x55d0c0a1b2c0] msg` as `[h264] msg`: the addresses say nothing to a client.
fn without_addresses(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find(" @ 0x") {
        out.push_str(&rest[..at]);
        let hex = &rest[at + 5..];
        let end = hex
            .find(|c: char| !c.is_ascii_hexdigit())
            .unwrap_or(hex.len());
        rest = &hex[end..];
    }
    out.push_str(rest);
    out
}

/// The last diagnostics lines worth showing: errors and warnings, not showinfo's reports.
#[derive(Default)]
struct Tail(std::collections::VecDeque<String>, usize);

impl Tail {
    fn push(&mut self, line: &str) {
        let line = line.trim();
        let chatter = line.starts_with("[info]") || line.contains("] [info]");
        if line.is_empty() || line.contains("showinfo") || chatter {
            return;
        }
        let line = crate::media::clip(&without_addresses(line), 200);
        self.1 += line.len();
        self.0.push_back(line);
        while self.1 > STDERR_TAIL_BYTES {
            match self.0.pop_front() {
                Some(l) => self.1 -= l.len(),
                None => break,
            }
        }
    }

    fn text(&self) -> String {
        self.0.iter().cloned().collect::<Vec<_>>().join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A form held still (with codec noise and a small shift) is one run; another form of the
    /// same size, and a blank frame, start new ones.
    #[test]
    fn still_runs_join_a_held_form_and_split_different_ones() {
        let form = |n: &str| {
            let path = format!("{}/tests/fixtures/forms/{n}", env!("CARGO_MANIFEST_DIR"));
            image::open(path).unwrap().to_rgb8()
        };
        let a = form("form_12.png");
        let b = form("form_20.png");
        // Both at form_20's size, form_12 on white below.
        let mut padded = RgbImage::from_pixel(b.width(), b.height(), image::Rgb([255; 3]));
        image::imageops::replace(&mut padded, &a, 0, 0);
        let mut shifted = RgbImage::from_pixel(b.width(), b.height(), image::Rgb([255; 3]));
        image::imageops::replace(&mut shifted, &a, 3, 2);
        let mut noisy = padded.clone();
        for (i, p) in noisy.pixels_mut().enumerate() {
            let d = (i % 7) as u8;
            p.0 = p.0.map(|v| v.saturating_sub(d));
        }
        let blank = RgbImage::from_pixel(b.width(), b.height(), image::Rgb([255; 3]));
        let frames = [padded.clone(), noisy, shifted, b.clone(), b, blank, padded];
        let runs = still_runs(&frames, &Stop::never()).unwrap();
        assert_eq!(runs, [(0, 2), (3, 4), (5, 5), (6, 6)]);
    }

    #[test]
    fn packet_times_skip_discarded_and_use_dts_when_pts_is_missing() {
        let listing = b"0.000000,-0.200000,K_\n0.300000,-0.100000,__\nN/A,0.100000,__\n\
                        0.200000,0.100000,_D\nN/A,N/A,__\n";
        assert_eq!(packet_times(listing), [0.0, 0.1, 0.3]);
    }

    #[test]
    fn frame_choices_are_balanced_sums() {
        assert_eq!(any_of(&[3]), "eq(n,3)");
        assert_eq!(any_of(&[1, 2, 3]), "(eq(n,1)+(eq(n,2)+eq(n,3)))");
        // 768 frames nest 10 deep, not 768.
        let e = any_of(&(0..768).collect::<Vec<_>>());
        let mut depth = 0usize;
        let deepest = e
            .chars()
            .map(|c| {
                depth = match c {
                    '(' => depth + 1,
                    ')' => depth - 1,
                    _ => depth,
                };
                depth
            })
            .max();
        assert_eq!(deepest, Some(11));
    }

    #[tokio::test]
    async fn output_is_read_in_whole_frames_up_to_the_cap() {
        let data: Vec<u8> = (0..10u8).collect();
        let frames = read_capped(&data[..], 10, Some(4)).await.unwrap();
        assert_eq!(frames, [vec![0, 1, 2, 3], vec![4, 5, 6, 7], vec![8, 9]]);
        let whole = read_capped(&data[..], 10, None).await.unwrap();
        assert_eq!(whole, std::slice::from_ref(&data));
        assert!(matches!(
            read_capped(&data[..], 9, None).await,
            Err(RunError::TooMuch)
        ));
    }

    #[test]
    fn diagnostics_lose_their_addresses() {
        assert_eq!(
            without_addresses("[h264 @ 0x55d0c0a1b2c0] [error] no frame!"),
            "[h264] [error] no frame!"
        );
        assert_eq!(without_addresses("plain"), "plain");
    }

    #[test]
    fn showinfo_lines_give_times() {
        let l = "[Parsed_showinfo_1 @ 0x55] [info] n:   1 pts:   5120 pts_time:0.5     pos: 859";
        assert_eq!(showinfo_time(l), Some(0.5));
        assert_eq!(showinfo_time("[info] frame=    1 fps=0.0"), None);
    }

    #[test]
    fn a_quarter_turn_swaps_the_shown_size() {
        let s: Value = serde_json::json!({"side_data_list": [{"rotation": -90}]});
        assert!(quarter_turn(&s));
        let s: Value = serde_json::json!({"tags": {"rotate": "180"}});
        assert!(!quarter_turn(&s));
        assert!(quarter_turn(
            &serde_json::json!({"tags": {"rotate": "270"}})
        ));
    }

    fn probe_of(frames: usize, fps: f64, w: u32, h: u32) -> Probe {
        Probe {
            codec: "h264".into(),
            width: w,
            height: h,
            times: (0..frames).map(|i| i as f64 / fps).collect(),
            start: 0.0,
            duration: frames as f64 / fps,
        }
    }

    /// As the reference: a 10 s clip at 30 fps keeps 20 frames, spread by linspace.
    #[test]
    fn sampling_follows_the_reference() {
        let s = Settings::from_config(&VideoConfig::default());
        let l = Limits::default();
        let p = plan("f", &probe_of(300, 30.0, 1280, 720), &s, &l).unwrap();
        assert_eq!(p.indices.len(), 20);
        assert_eq!((p.indices[0], p.indices[19]), (0, 299));
        assert_eq!(p.indices[1], 16); // 299 / 19 = 15.7
        // Short clips keep at least 4 frames.
        let p = plan("f", &probe_of(10, 10.0, 64, 48), &s, &l).unwrap();
        assert_eq!(p.indices, [0, 3, 6, 9]);
        // The size is a multiple of 32 within the budget.
        assert_eq!((p.width % 32, p.height % 32), (0, 0));
    }

    #[test]
    fn decoded_bytes_are_bounded_before_decoding() {
        let s = Settings::from_config(&VideoConfig::default());
        let l = Limits {
            max_video_decoded_bytes: 1000,
            ..Limits::default()
        };
        let e = plan("media[0].data", &probe_of(300, 30.0, 1280, 720), &s, &l).unwrap_err();
        assert!(
            e.to_string().starts_with("media[0].data: 20 frames at"),
            "{e}"
        );
    }
}
