//! Qwen3-VL's 3-D rope index: position ids on the temporal, height and width axes for a prompt
//! with vision blocks, and the rope delta that continues positions while decoding. Follows the
//! reference `get_rope_index`; a video's grid (T, h, w) counts as T blocks of (1, h, w), one per
//! frame group, matching the per-group timestamp prompt.

/// (t, h, w) in 16-px patches, as in `image_grid_thw`.
pub type Grid = [usize; 3];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RopeIndex {
    /// `[3][n]`: temporal, height, width.
    pub positions: [Vec<i64>; 3],
    /// Added to the cache length to get a decode step's position on all three axes.
    pub delta: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RopeError {
    #[error("the prompt has more vision blocks than grids ({0})")]
    MissingGrid(&'static str),
    #[error("a vision block of {need} pad tokens runs past the end of the prompt")]
    Truncated { need: usize },
    #[error("{0} grids were given but not used by the prompt")]
    UnusedGrids(usize),
}

pub fn rope_index(
    ids: &[u32],
    image_pad: u32,
    video_pad: u32,
    image_grids: &[Grid],
    video_grids: &[Grid],
    merge: usize,
) -> Result<RopeIndex, RopeError> {
    let n = ids.len();
    let video_blocks: Vec<Grid> = video_grids
        .iter()
        .flat_map(|&[t, h, w]| std::iter::repeat_n([1, h, w], t))
        .collect();
    let mut pos: [Vec<i64>; 3] = [vec![0; n], vec![0; n], vec![0; n]];
    let (mut next, mut cur, mut ii, mut vi) = (0i64, 0usize, 0usize, 0usize);
    let text_run = |pos: &mut [Vec<i64>; 3], from: usize, to: usize, start: i64| {
        for row in pos.iter_mut() {
            for (off, slot) in row[from..to].iter_mut().enumerate() {
                *slot = start + off as i64;
            }
        }
    };
    while let Some(k) = (cur..n).find(|&k| ids[k] == image_pad || ids[k] == video_pad) {
        text_run(&mut pos, cur, k, next);
        let base = next + (k - cur) as i64;
        let [t, h, w] = if ids[k] == image_pad {
            let g = image_grids.get(ii).ok_or(RopeError::MissingGrid("image"))?;
            ii += 1;
            *g
        } else {
            let g = video_blocks
                .get(vi)
                .ok_or(RopeError::MissingGrid("video"))?;
            vi += 1;
            *g
        };
        let (gh, gw) = (h / merge, w / merge);
        let cnt = t * gh * gw;
        if k + cnt > n {
            return Err(RopeError::Truncated { need: cnt });
        }
        for q in 0..cnt {
            let (ti, hi, wi) = (q / (gh * gw), (q / gw) % gh, q % gw);
            pos[0][k + q] = base + ti as i64;
            pos[1][k + q] = base + hi as i64;
            pos[2][k + q] = base + wi as i64;
        }
        next = base + t.max(gh).max(gw) as i64;
        cur = k + cnt;
    }
    text_run(&mut pos, cur, n, next);
    let unused = (image_grids.len() - ii) + (video_blocks.len() - vi);
    if unused > 0 {
        return Err(RopeError::UnusedGrids(unused));
    }
    let max = pos
        .iter()
        .flat_map(|r| r.iter().copied())
        .max()
        .unwrap_or(-1);
    Ok(RopeIndex {
        positions: pos,
        delta: max + 1 - n as i64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    const IMG: u32 = 151655;
    const VID: u32 = 151656;

    #[test]
    fn text_only_is_plain_positions() {
        let r = rope_index(&[1, 2, 3], IMG, VID, &[], &[], 2).unwrap();
        assert_eq!(r.positions[0], [0, 1, 2]);
        assert_eq!(r.positions[2], [0, 1, 2]);
        assert_eq!(r.delta, 0);
    }

    /// The reference's worked example: 4 text tokens, an image of grid (1, 86, 128), then text.
    #[test]
    fn image_block_matches_reference_example() {
        let mut ids = vec![1, 2, 3, 151652];
        ids.extend(std::iter::repeat_n(IMG, 43 * 64));
        ids.push(151653);
        let r = rope_index(&ids, IMG, VID, &[[1, 86, 128]], &[], 2).unwrap();
        assert_eq!(r.positions[0][4], 4);
        assert_eq!(r.positions[1][4 + 42 * 64], 46);
        assert_eq!(r.positions[2][4 + 63], 67);
        assert_eq!(r.positions[0][4 + 2752], 68);
        assert_eq!(r.delta, 68 - (4 + 2752));
    }

    #[test]
    fn video_groups_are_separate_blocks() {
        // Two frame groups of 2x2 merged tokens each, with a timestamp token between them.
        let mut ids = vec![7];
        ids.extend([VID; 4]);
        ids.push(8);
        ids.extend([VID; 4]);
        let r = rope_index(&ids, IMG, VID, &[], &[[2, 4, 4]], 2).unwrap();
        assert_eq!(r.positions[0][1..5], [1, 1, 1, 1]);
        assert_eq!(r.positions[1][1..5], [1, 1, 2, 2]);
        assert_eq!(r.positions[2][1..5], [1, 2, 1, 2]);
        assert_eq!(r.positions[0][5], 3);
        assert_eq!(r.positions[0][6], 4);
        assert_eq!(r.delta, 6 - 10);
    }

    #[test]
    fn mismatches_are_errors() {
        assert!(rope_index(&[IMG], IMG, VID, &[], &[], 2).is_err());
        assert!(rope_index(&[IMG], IMG, VID, &[[1, 4, 4]], &[], 2).is_err());
        assert!(rope_index(&[1], IMG, VID, &[[1, 2, 2]], &[], 2).is_err());
    }
}
