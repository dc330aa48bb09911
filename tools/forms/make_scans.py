#!/usr/bin/env python3
"""Scan-like variants of rendered form fixtures.

    python3 tools/forms/make_scans.py --in DIR [--out DIR] --seed S

For every <id>.json in --in that is not itself a scan (v2 format, or the old format; the image is
json["image"] or <id>.png) this writes <id>_scan.jpg and <id>_scan.json into --out (default: the
same directory):

  * rotation about the image centre by an angle drawn uniformly from +-[0.3, 2.0] degrees
    (positive = counter-clockwise on screen, as PIL's Image.rotate), canvas expanded to hold the
    whole page (like rotate(expand=True)), the corners filled with the paper;
  * paper tone: the page multiplied by a warm off-white (R 240-250, G 232-245, B 215-235) and a
    gentle low-frequency brightness gradient (a linear ramp in a random direction plus a broad
    bump, within about +-4 %);
  * Gaussian blur, radius 0.4-1.0;  Gaussian noise, sigma 3-8 (the same on the three channels);
  * JPEG, quality 55-75 (4:2:0).  If the file would exceed 200 KB the quality is lowered in
    steps of 5 (down to 40) and the quality used is recorded.

Every box in the JSON (label_box, input_box, options[].box / text_box, parts[].box: any key
"box" or "*_box" holding [x1, y1, x2, y2]) is mapped through the same rotation: the axis-aligned
box of its four rotated corners, x1/y1 floored, x2/y2 ceiled, clamped to the image.  id, width,
height and image are updated and a "scan" entry is added:
    "scan": {"angle_deg": a, "jpeg_quality": q, "blur": r, "noise": s, "tone": [r, g, b]}

Deterministic for a given seed (each form draws from its own generator seeded by the seed and
its id).  Needs Pillow and numpy (tools/forms/requirements.txt).
"""

import argparse
import io
import json
import math
import os
import random
import sys
import zlib

import numpy as np
from PIL import Image, ImageFilter

MAX_JPEG = 200 * 1024
PAPER = (255, 255, 255)  # the rendered page's background: the corners get the same paper, then the tone


def rotation(w, h, angle_deg):
    """Output size and the forward map (input x, y) -> (output x, y) of a rotation about the
    centre with an expanded canvas (as PIL's rotate(expand=True)); positive = counter-clockwise."""
    t = math.radians(angle_deg)
    c, s = math.cos(t), math.sin(t)
    cx, cy = w / 2.0, h / 2.0

    def rot(x, y):  # about the input centre; y points down, so counter-clockwise on screen
        dx, dy = x - cx, y - cy
        return c * dx + s * dy, -s * dx + c * dy

    # the canvas size exactly as PIL's rotate(expand=True) computes it (corners in the input frame)
    xs, ys = zip(*((rx + cx, ry + cy) for rx, ry in (rot(x, y) for x, y in ((0, 0), (w, 0), (w, h), (0, h)))))
    nw = math.ceil(max(xs) - 1e-9) - math.floor(min(xs) + 1e-9)
    nh = math.ceil(max(ys) - 1e-9) - math.floor(min(ys) + 1e-9)
    ox, oy = nw / 2.0, nh / 2.0

    def fwd(x, y):
        rx, ry = rot(x, y)
        return rx + ox, ry + oy

    # inverse (output -> input) as PIL's AFFINE data: x_in = a X + b Y + c0, y_in = d X + e Y + f0
    a, b, d, e = c, -s, s, c
    c0 = cx - a * ox - b * oy
    f0 = cy - d * ox - e * oy
    return (nw, nh), fwd, (a, b, c0, d, e, f0)


def map_box(box, fwd, nw, nh):
    x1, y1, x2, y2 = box
    pts = [fwd(x, y) for x, y in ((x1, y1), (x2, y1), (x2, y2), (x1, y2))]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    eps = 1e-6  # an exact integer stays put despite float rounding
    return [max(0, math.floor(min(xs) + eps)), max(0, math.floor(min(ys) + eps)),
            min(nw, math.ceil(max(xs) - eps)), min(nh, math.ceil(max(ys) - eps))]


def map_boxes(obj, fwd, nw, nh):
    """Map every [x1, y1, x2, y2] under a key 'box' or '*_box', in place."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if (k == "box" or k.endswith("_box")) and isinstance(v, list) and len(v) == 4 \
                    and all(isinstance(n, (int, float)) for n in v):
                obj[k] = map_box(v, fwd, nw, nh)
            else:
                map_boxes(v, fwd, nw, nh)
    elif isinstance(obj, list):
        for v in obj:
            map_boxes(v, fwd, nw, nh)


def paper_field(nw, nh, rng):
    """Low-frequency brightness multiplier around 1 (about +-4 %)."""
    yy, xx = np.mgrid[0:nh, 0:nw].astype(np.float32)
    u, v = xx / max(1, nw - 1) - 0.5, yy / max(1, nh - 1) - 0.5
    phi = rng.uniform(0, 2 * math.pi)
    ramp = (math.cos(phi) * u + math.sin(phi) * v) * rng.uniform(0.03, 0.07)
    bx, by, sig = rng.uniform(-0.4, 0.4), rng.uniform(-0.4, 0.4), rng.uniform(0.35, 0.7)
    bump = rng.uniform(-0.03, 0.03) * np.exp(-((u - bx) ** 2 + (v - by) ** 2) / (2 * sig * sig))
    return np.clip(1.0 + ramp + bump, 0.9, 1.05)


def scan_one(src_json, out_dir, seed):
    with open(src_json, encoding="utf-8") as fh:
        gt = json.load(fh)
    fid = gt.get("id") or os.path.basename(src_json)[:-5]
    img_path = os.path.join(os.path.dirname(src_json), gt.get("image") or fid + ".png")
    im = Image.open(img_path).convert("RGB")
    w, h = im.size
    if (gt.get("width"), gt.get("height")) not in ((w, h), (None, None)):
        raise SystemExit(f"{src_json}: JSON size {gt.get('width')}x{gt.get('height')} != image {w}x{h}")

    rng = random.Random(f"{seed}/{fid}")
    nrng = np.random.default_rng([seed & 0xFFFFFFFF, zlib.crc32(fid.encode())])
    angle = round(rng.choice([-1, 1]) * rng.uniform(0.3, 2.0), 3)
    tone = [rng.randint(240, 250), rng.randint(232, 245), rng.randint(215, 235)]
    blur = round(rng.uniform(0.4, 1.0), 2)
    noise = round(rng.uniform(3.0, 8.0), 2)
    quality = rng.randint(55, 75)

    (nw, nh), fwd, inv = rotation(w, h, angle)
    rot = im.transform((nw, nh), Image.Transform.AFFINE, inv, resample=Image.Resampling.BICUBIC, fillcolor=PAPER)
    a = np.asarray(rot, dtype=np.float32)
    a = a * (np.array(tone, dtype=np.float32) / 255.0) * paper_field(nw, nh, rng)[..., None]
    toned = Image.fromarray(np.clip(np.rint(a), 0, 255).astype(np.uint8), "RGB")
    blurred = np.asarray(toned.filter(ImageFilter.GaussianBlur(blur)), dtype=np.float32)
    blurred += nrng.normal(0.0, noise, size=(nh, nw, 1)).astype(np.float32)
    out = Image.fromarray(np.clip(np.rint(blurred), 0, 255).astype(np.uint8), "RGB")
    while True:
        buf = io.BytesIO()
        out.save(buf, format="JPEG", quality=quality, subsampling=2)
        if buf.tell() <= MAX_JPEG or quality <= 40:
            break
        quality -= 5

    sid = fid + "_scan"
    new = {}
    for k, v in gt.items():
        if k in ("image", "scan"):
            continue
        new[k] = v
        if k == "height":
            new["image"] = sid + ".jpg"
            new["scan"] = {"angle_deg": angle, "jpeg_quality": quality, "blur": blur, "noise": noise, "tone": tone}
    new.update(id=sid, width=nw, height=nh)
    if "image" not in new:  # a JSON without width/height
        new["image"] = sid + ".jpg"
        new["scan"] = {"angle_deg": angle, "jpeg_quality": quality, "blur": blur, "noise": noise, "tone": tone}
    map_boxes(new.get("fields", []), fwd, nw, nh)
    with open(os.path.join(out_dir, sid + ".jpg"), "wb") as fh:
        fh.write(buf.getvalue())
    with open(os.path.join(out_dir, sid + ".json"), "w", encoding="utf-8") as fh:
        json.dump(new, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    return sid, nw, nh, angle, quality, buf.tell()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--in", dest="inp", required=True, help="directory with <id>.json (+ image)")
    ap.add_argument("--out", default=None, help="output directory (default: the input directory)")
    ap.add_argument("--seed", type=int, required=True)
    args = ap.parse_args()
    out = args.out or args.inp
    os.makedirs(out, exist_ok=True)
    names = sorted(n for n in os.listdir(args.inp) if n.endswith(".json") and not n[:-5].endswith("_scan"))
    done = 0
    for n in names:
        p = os.path.join(args.inp, n)
        with open(p, encoding="utf-8") as fh:
            gt = json.load(fh)
        if not isinstance(gt, dict) or "scan" in gt or "fields" not in gt:
            continue  # a scan already, or not a form's ground truth
        sid, nw, nh, angle, q, size = scan_one(p, out, args.seed)
        print(f"{sid}.jpg {nw}x{nh} angle {angle:+.3f} q{q} {size // 1024} KB")
        done += 1
    if not done:
        sys.exit(f"no form JSON found in {args.inp}")


if __name__ == "__main__":
    main()
