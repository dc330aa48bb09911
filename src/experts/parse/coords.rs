//! Qwen3-VL speaks coordinates on a 0–1000 grid relative to the image it saw; everything that
//! leaves Switchboard is in pixels of the original image, origin top-left. This is the one
//! conversion between the two. (The grid is relative, so resizing before the model does not
//! change the mapping; only the original size matters.)

/// Model grid size.
pub const GRID: f64 = 1000.0;

/// A point on the 0–1000 grid to pixels of a `width x height` image, clamped inside it.
pub fn point_to_pixels(x: f64, y: f64, width: u32, height: u32) -> (f64, f64) {
    let px = (x / GRID * width as f64).clamp(0.0, width.saturating_sub(1) as f64);
    let py = (y / GRID * height as f64).clamp(0.0, height.saturating_sub(1) as f64);
    (px.round(), py.round())
}

/// A box `[x1, y1, x2, y2]` on the grid to pixels; corners are ordered and clamped to the image.
/// None when the box lies entirely outside the grid or is empty after clamping.
pub fn box_to_pixels(b: [f64; 4], width: u32, height: u32) -> Option<[f64; 4]> {
    let [mut x1, mut y1, mut x2, mut y2] = b;
    if x1 > x2 {
        std::mem::swap(&mut x1, &mut x2);
    }
    if y1 > y2 {
        std::mem::swap(&mut y1, &mut y2);
    }
    if x2 < 0.0 || y2 < 0.0 || x1 > GRID || y1 > GRID {
        return None;
    }
    let sx = width as f64 / GRID;
    let sy = height as f64 / GRID;
    let clamp_x = |v: f64| (v * sx).clamp(0.0, width as f64).round();
    let clamp_y = |v: f64| (v * sy).clamp(0.0, height as f64).round();
    let out = [clamp_x(x1), clamp_y(y1), clamp_x(x2), clamp_y(y2)];
    (out[2] > out[0] && out[3] > out[1]).then_some(out)
}

/// Whether a grid point is inside the image at all (actions outside are flagged or dropped).
pub fn inside_grid(x: f64, y: f64) -> bool {
    (0.0..=GRID).contains(&x) && (0.0..=GRID).contains(&y)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Draw a known pixel box, express it on the grid, and convert back: within 1 px on square,
    /// wide, tall and odd-sized images (the original size is all that matters, whatever size the
    /// model saw).
    #[test]
    fn round_trips_within_a_pixel_on_many_shapes() {
        for (w, h) in [
            (1000, 1000),
            (1920, 1080),
            (1080, 2400),
            (75, 50),
            (333, 777),
            (4096, 256),
        ] {
            for &(x1, y1, x2, y2) in &[
                (0.1, 0.2, 0.4, 0.5),
                (0.0, 0.0, 1.0, 1.0),
                (0.33, 0.66, 0.34, 0.67),
            ] {
                let px =
                    [x1 * w as f64, y1 * h as f64, x2 * w as f64, y2 * h as f64].map(f64::round);
                let grid = [
                    px[0] / w as f64 * GRID,
                    px[1] / h as f64 * GRID,
                    px[2] / w as f64 * GRID,
                    px[3] / h as f64 * GRID,
                ];
                let Some(back) = box_to_pixels(grid, w, h) else {
                    panic!("{w}x{h} {px:?}")
                };
                for k in 0..4 {
                    assert!(
                        (back[k] - px[k]).abs() <= 1.0,
                        "{w}x{h}: {back:?} vs {px:?}"
                    );
                }
                let (cx, cy) = point_to_pixels(grid[0], grid[1], w, h);
                assert!(
                    (cx - px[0].min(w as f64 - 1.0)).abs() <= 1.0
                        && (cy - px[1].min(h as f64 - 1.0)).abs() <= 1.0
                );
            }
        }
    }

    #[test]
    fn exact_on_grid_multiples() {
        assert_eq!(
            box_to_pixels([100.0, 250.0, 500.0, 750.0], 1920, 1080),
            Some([192.0, 270.0, 960.0, 810.0])
        );
        assert_eq!(point_to_pixels(500.0, 500.0, 75, 50), (38.0, 25.0));
    }

    #[test]
    fn orders_clamps_and_rejects() {
        assert_eq!(
            box_to_pixels([500.0, 500.0, 100.0, 100.0], 1000, 1000),
            Some([100.0, 100.0, 500.0, 500.0])
        );
        assert_eq!(
            box_to_pixels([900.0, 900.0, 1200.0, 1100.0], 1000, 500),
            Some([900.0, 450.0, 1000.0, 500.0])
        );
        assert_eq!(
            box_to_pixels([1100.0, 10.0, 1200.0, 20.0], 1000, 1000),
            None
        );
        assert_eq!(box_to_pixels([10.0, 10.0, 10.0, 50.0], 1000, 1000), None);
        assert_eq!(point_to_pixels(1500.0, -3.0, 640, 480), (639.0, 0.0));
        assert!(!inside_grid(1001.0, 5.0));
    }
}
