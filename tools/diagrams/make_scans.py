#!/usr/bin/env python3
"""Scan-like variants of rendered flowcharts (tools/diagrams/make_flowcharts.py output).

For every `<id>.json` in --in it writes `<id>.png` and `<id>.json` to --out: Gaussian blur
0.4-1.0, a warm paper tone, Gaussian noise sigma 3-8, JPEG quality 55-75 (stored back as PNG
so the evaluation reads it under the same name). With --rotate, the scan is then turned about
its centre by 0.5-2.0 degrees either way (canvas kept, corners filled with paper) and every
node box becomes the axis-aligned box of its turned corners (`"angle"` is added, counter-
clockwise on screen). Deterministic for a seed.

    python3 tools/diagrams/make_scans.py --in /tmp/fc_fresh2 --out /tmp/fc_scan --seed 5
    python3 tools/diagrams/make_scans.py --in /tmp/fc_scan --out /tmp/fc_rot --seed 9 --rotate
"""

import argparse
import glob
import io
import json
import math
import os
import random

import numpy as np
from PIL import Image, ImageFilter


def scan(im, rng):
    im = im.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.0)))
    a = np.asarray(im).astype(np.float32)
    a *= np.array([1.0, 0.97, 0.9])
    a += np.random.default_rng(rng.randint(0, 10**6)).normal(0, rng.uniform(3, 8), a.shape)
    im = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    im.save(buf, format="JPEG", quality=rng.randint(55, 75))
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def turn(im, d, rng):
    ang = rng.choice([-1, 1]) * rng.uniform(0.5, 2.0)
    W, H = im.size
    im = im.rotate(ang, resample=Image.BICUBIC, expand=False, fillcolor=(250, 245, 228))
    cx, cy, t = W / 2, H / 2, math.radians(ang)

    def rot(x, y):
        dx, dy = x - cx, y - cy
        return cx + dx * math.cos(t) + dy * math.sin(t), cy - dx * math.sin(t) + dy * math.cos(t)

    for n in d["nodes"]:
        x1, y1, x2, y2 = n["box"]
        pts = [rot(x, y) for x, y in ((x1, y1), (x2, y1), (x2, y2), (x1, y2))]
        n["box"] = [min(p[0] for p in pts), min(p[1] for p in pts),
                    max(p[0] for p in pts), max(p[1] for p in pts)]
    d["angle"] = ang
    return im


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--in", dest="src", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--rotate", action="store_true")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    for j in sorted(glob.glob(os.path.join(args.src, "*.json"))):
        d = json.load(open(j, encoding="utf-8"))
        im = Image.open(j[:-5] + ".png").convert("RGB")
        im = turn(im, d, rng) if args.rotate else scan(im, rng)
        im.save(os.path.join(args.out, d["id"] + ".png"))
        with open(os.path.join(args.out, d["id"] + ".json"), "w", encoding="utf-8") as f:
            json.dump(d, f, ensure_ascii=False)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
