//! Video preprocessing: which frames to keep (2 per second by default), the shared frame size,
//! and the timestamp of each frame pair, following the reference video processor.

use crate::preprocess::{PreprocessError, VisionConfig, round_half_even};

/// Indices of the frames to keep out of `total` frames shot at `source_fps`.
pub fn sample_indices(
    total: usize,
    source_fps: f64,
    target_fps: f64,
    min_frames: usize,
    max_frames: usize,
) -> Vec<usize> {
    if total == 0 {
        return vec![];
    }
    let n = ((total as f64 / source_fps) * target_fps) as usize;
    let n = n.max(min_frames).min(max_frames).min(total).max(1);
    if n == 1 {
        return vec![0];
    }
    // numpy.linspace(0, total - 1, n).round(): halves to even.
    (0..n)
        .map(|i| round_half_even(i as f64 * (total - 1) as f64 / (n - 1) as f64) as usize)
        .collect()
}

/// Timestamp in seconds of each frame group (pairs of kept frames; the last is repeated when
/// the count is odd): the mean of the pair's times.
pub fn group_timestamps(indices: &[usize], source_fps: f64, temporal_patch: usize) -> Vec<f64> {
    let mut idx = indices.to_vec();
    while !idx.len().is_multiple_of(temporal_patch) {
        idx.push(*idx.last().unwrap_or(&0));
    }
    idx.chunks(temporal_patch)
        .map(|c| c.iter().map(|&i| i as f64 / source_fps).sum::<f64>() / c.len() as f64)
        .collect()
}

/// `group_timestamps` for frames whose times are known: the mean time of each group (the last
/// frame repeated to fill the last group).
pub fn group_times(seconds: &[f64], temporal_patch: usize) -> Vec<f64> {
    let mut t = seconds.to_vec();
    while !t.is_empty() && !t.len().is_multiple_of(temporal_patch.max(1)) {
        t.push(*t.last().unwrap_or(&0.0));
    }
    t.chunks(temporal_patch.max(1))
        .map(|c| c.iter().sum::<f64>() / c.len() as f64)
        .collect()
}

/// The frame size for a video of `frames` frames of `h x w`: the reference video smart_resize,
/// whose pixel budget covers all frames (frames rounded to the temporal patch).
pub fn video_resize(
    frames: usize,
    h: usize,
    w: usize,
    c: &VisionConfig,
) -> Result<(usize, usize), PreprocessError> {
    let factor = (c.patch_size * c.merge_size) as f64;
    let tf = c.temporal_patch_size as f64;
    let (hf, wf, nf) = (h as f64, w as f64, frames as f64);
    if h == 0 || w == 0 {
        return Err(PreprocessError::Empty);
    }
    if hf.max(wf) / hf.min(wf) > 200.0 {
        return Err(PreprocessError::AspectRatio { h, w });
    }
    let mut hb = (round_half_even(hf / factor) * factor).max(factor);
    let mut wb = (round_half_even(wf / factor) * factor).max(factor);
    let tb = (round_half_even(nf / tf) * tf).max(tf);
    let (min, max) = (c.min_pixels as f64, c.max_pixels as f64);
    if tb * hb * wb > max {
        let beta = ((nf * hf * wf) / max).sqrt();
        hb = factor.max((hf / beta / factor).floor() * factor);
        wb = factor.max((wf / beta / factor).floor() * factor);
    } else if tb * hb * wb < min {
        let beta = (min / (nf * hf * wf)).sqrt();
        hb = (hf * beta / factor).ceil() * factor;
        wb = (wf * beta / factor).ceil() * factor;
    }
    Ok((hb as usize, wb as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference's note: 8 frames at 4 fps, sampled at 2 fps, keep [0, 2, 5, 7].
    #[test]
    fn samples_like_the_reference() {
        assert_eq!(sample_indices(8, 4.0, 2.0, 4, 768), [0, 2, 5, 7]);
        assert_eq!(sample_indices(3, 30.0, 2.0, 4, 768), [0, 1, 2]);
        assert_eq!(sample_indices(100, 10.0, 2.0, 4, 768).len(), 20);
    }

    #[test]
    fn timestamps_average_each_pair() {
        assert_eq!(group_timestamps(&[0, 2, 5, 7], 4.0, 2), [0.25, 1.5]);
        assert_eq!(group_timestamps(&[0, 2, 4], 2.0, 2), [0.5, 2.0]);
        assert_eq!(group_times(&[0.0, 1.0, 2.5], 2), [0.5, 2.5]);
    }
}
