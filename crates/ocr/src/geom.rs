//! Plane geometry the OCR tool needs: convex hull, minimum-area rectangle, quads and boxes.
//! Pure functions on f32 points; no image or model code here.

pub type Pt = [f32; 2];

/// An axis-aligned box `[x1, y1, x2, y2]` in pixels.
pub type BBox = [f32; 4];

/// Andrew's monotone chain; returns the hull counter-clockwise without repeating the first point.
pub fn convex_hull(points: &mut [Pt]) -> Vec<Pt> {
    points.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    if points.len() < 3 {
        return points.to_vec();
    }
    let cross = |o: Pt, a: Pt, b: Pt| (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
    let mut hull: Vec<Pt> = Vec::with_capacity(points.len() * 2);
    for &p in points.iter() {
        while hull.len() >= 2 && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0.0 {
            hull.pop();
        }
        hull.push(p);
    }
    let lower = hull.len() + 1;
    for &p in points.iter().rev().skip(1) {
        while hull.len() >= lower && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0.0 {
            hull.pop();
        }
        hull.push(p);
    }
    hull.pop();
    hull
}

/// A rotated rectangle: centre, the two side lengths, and the unit direction of the first side.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RotRect {
    pub center: Pt,
    /// Length along `dir`.
    pub w: f32,
    /// Length along the perpendicular of `dir`.
    pub h: f32,
    pub dir: Pt,
}

impl RotRect {
    pub fn min_side(&self) -> f32 {
        self.w.min(self.h)
    }

    /// The same rectangle grown by `d` on every side.
    pub fn grown(&self, d: f32) -> RotRect {
        RotRect {
            w: self.w + 2.0 * d,
            h: self.h + 2.0 * d,
            ..*self
        }
    }

    /// Corners ordered top-left, top-right, bottom-right, bottom-left (image axes, y down),
    /// the order the crop and the recognizer expect.
    pub fn quad(&self) -> [Pt; 4] {
        let [cx, cy] = self.center;
        let u = [self.dir[0] * self.w / 2.0, self.dir[1] * self.w / 2.0];
        let v = [-self.dir[1] * self.h / 2.0, self.dir[0] * self.h / 2.0];
        let pts = [
            [cx - u[0] - v[0], cy - u[1] - v[1]],
            [cx + u[0] - v[0], cy + u[1] - v[1]],
            [cx + u[0] + v[0], cy + u[1] + v[1]],
            [cx - u[0] + v[0], cy - u[1] + v[1]],
        ];
        order_quad(pts)
    }
}

/// Orders four corners as top-left, top-right, bottom-right, bottom-left: the two left-most
/// points are the left side (upper one first), the others the right side.
pub fn order_quad(mut pts: [Pt; 4]) -> [Pt; 4] {
    pts.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    let (tl, bl) = if pts[0][1] <= pts[1][1] {
        (pts[0], pts[1])
    } else {
        (pts[1], pts[0])
    };
    let (tr, br) = if pts[2][1] <= pts[3][1] {
        (pts[2], pts[3])
    } else {
        (pts[3], pts[2])
    };
    [tl, tr, br, bl]
}

/// The minimum-area enclosing rectangle of a convex hull (rotating calipers over its edges).
pub fn min_area_rect(hull: &[Pt]) -> RotRect {
    match hull.len() {
        0 => {
            return RotRect {
                center: [0.0, 0.0],
                w: 0.0,
                h: 0.0,
                dir: [1.0, 0.0],
            };
        }
        1 => {
            return RotRect {
                center: hull[0],
                w: 0.0,
                h: 0.0,
                dir: [1.0, 0.0],
            };
        }
        _ => {}
    }
    let mut best: Option<(f32, RotRect)> = None;
    for i in 0..hull.len() {
        let a = hull[i];
        let b = hull[(i + 1) % hull.len()];
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len = (dx * dx + dy * dy).sqrt();
        if len < 1e-6 {
            continue;
        }
        let u = [dx / len, dy / len];
        let (mut umin, mut umax, mut vmin, mut vmax) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
        for p in hull {
            let pu = p[0] * u[0] + p[1] * u[1];
            let pv = -p[0] * u[1] + p[1] * u[0];
            umin = umin.min(pu);
            umax = umax.max(pu);
            vmin = vmin.min(pv);
            vmax = vmax.max(pv);
        }
        let area = (umax - umin) * (vmax - vmin);
        if best.as_ref().is_none_or(|(a, _)| area < *a - 1e-3) {
            let cu = (umin + umax) / 2.0;
            let cv = (vmin + vmax) / 2.0;
            // Back from (u, v) to (x, y): x = cu*u0 - cv*u1, y = cu*u1 + cv*u0.
            let center = [cu * u[0] - cv * u[1], cu * u[1] + cv * u[0]];
            // Prefer the direction closest to the x axis as the rectangle's "width".
            let (w, h, dir) = if u[0].abs() >= u[1].abs() {
                let d = if u[0] < 0.0 { [-u[0], -u[1]] } else { u };
                (umax - umin, vmax - vmin, d)
            } else {
                let d = [u[1], -u[0]];
                let d = if d[0] < 0.0 { [-d[0], -d[1]] } else { d };
                (vmax - vmin, umax - umin, d)
            };
            best = Some((area, RotRect { center, w, h, dir }));
        }
    }
    best.map(|(_, r)| r).unwrap_or(RotRect {
        center: hull[0],
        w: 0.0,
        h: 0.0,
        dir: [1.0, 0.0],
    })
}

pub fn quad_bbox(q: &[Pt; 4]) -> BBox {
    let mut b = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
    for p in q {
        b[0] = b[0].min(p[0]);
        b[1] = b[1].min(p[1]);
        b[2] = b[2].max(p[0]);
        b[3] = b[3].max(p[1]);
    }
    b
}

pub fn dist(a: Pt, b: Pt) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

pub fn area(b: &BBox) -> f32 {
    (b[2] - b[0]).max(0.0) * (b[3] - b[1]).max(0.0)
}

pub fn intersection(a: &BBox, b: &BBox) -> f32 {
    let w = a[2].min(b[2]) - a[0].max(b[0]);
    let h = a[3].min(b[3]) - a[1].max(b[1]);
    if w <= 0.0 || h <= 0.0 { 0.0 } else { w * h }
}

pub fn iou(a: &BBox, b: &BBox) -> f32 {
    let i = intersection(a, b);
    let u = area(a) + area(b) - i;
    if u <= 0.0 { 0.0 } else { i / u }
}

pub fn union(a: &BBox, b: &BBox) -> BBox {
    [
        a[0].min(b[0]),
        a[1].min(b[1]),
        a[2].max(b[2]),
        a[3].max(b[3]),
    ]
}

/// How much of the shorter vertical extent the two boxes share (0–1).
pub fn v_overlap(a: &BBox, b: &BBox) -> f32 {
    let o = a[3].min(b[3]) - a[1].max(b[1]);
    let m = (a[3] - a[1]).min(b[3] - b[1]);
    if m <= 0.0 { 0.0 } else { (o / m).max(0.0) }
}

/// How much of the narrower horizontal extent the two boxes share (0–1).
pub fn h_overlap(a: &BBox, b: &BBox) -> f32 {
    let o = a[2].min(b[2]) - a[0].max(b[0]);
    let m = (a[2] - a[0]).min(b[2] - b[0]);
    if m <= 0.0 { 0.0 } else { (o / m).max(0.0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_rect_of_axis_aligned_points() {
        let mut pts = vec![[0.0, 0.0], [10.0, 0.0], [10.0, 4.0], [0.0, 4.0], [5.0, 2.0]];
        let hull = convex_hull(&mut pts);
        assert_eq!(hull.len(), 4);
        let r = min_area_rect(&hull);
        assert!(
            (r.w - 10.0).abs() < 1e-4 && (r.h - 4.0).abs() < 1e-4,
            "{r:?}"
        );
        let q = r.quad();
        assert_eq!(q[0], [0.0, 0.0]);
        assert_eq!(q[2], [10.0, 4.0]);
    }

    #[test]
    fn min_rect_of_a_rotated_bar() {
        // A 20 x 2 bar turned by 30 degrees.
        let (s, c) = (30f32.to_radians().sin(), 30f32.to_radians().cos());
        let mut pts: Vec<Pt> = [[0.0, 0.0], [20.0, 0.0], [20.0, 2.0], [0.0, 2.0]]
            .iter()
            .map(|p: &[f32; 2]| [p[0] * c - p[1] * s + 50.0, p[0] * s + p[1] * c + 50.0])
            .collect();
        let r = min_area_rect(&convex_hull(&mut pts));
        assert!(
            (r.w - 20.0).abs() < 1e-3 && (r.h - 2.0).abs() < 1e-3,
            "{r:?}"
        );
        assert!((r.dir[1] / r.dir[0] - 30f32.to_radians().tan()).abs() < 1e-3);
    }

    #[test]
    fn box_overlaps() {
        let a = [0.0, 0.0, 10.0, 10.0];
        let b = [5.0, 0.0, 15.0, 10.0];
        assert!((iou(&a, &b) - 1.0 / 3.0).abs() < 1e-6);
        assert_eq!(v_overlap(&a, &b), 1.0);
        assert_eq!(h_overlap(&a, &b), 0.5);
    }
}
