"""Writes tests/fixtures/resize/: small images and what Pillow's bicubic resize, torchvision's
antialiased bicubic resize (what transformers 5's default image and video processors do) and
alpha-over-white make of them, so the Rust preprocessing can be checked bit for bit.

Run by hand in the export venv (tools/qwen3vl/requirements.txt pins Pillow, torch and
torchvision): /tmp/qvenv/bin/python tools/make_resize_fixtures.py
"""
import json
import math
import pathlib

import numpy as np
import torch
import torchvision
from PIL import Image
from torchvision.transforms.v2 import functional as tvF

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "resize"
OUT.mkdir(parents=True, exist_ok=True)


def pattern(w, h, alpha=False):
    img = Image.new("RGBA" if alpha else "RGB", (w, h))
    px = img.load()
    for y in range(h):
        for x in range(w):
            r = int(127 + 127 * math.sin(x * 0.7) * math.cos(y * 0.3))
            g = (x * 37 + y * 11) % 256
            b = 255 if (x // 5 + y // 7) % 2 else 0
            if alpha:
                px[x, y] = (r, g, b, (x * 255 // max(w - 1, 1)))
            else:
                px[x, y] = (r, g, b)
    return img


cases = []
src = pattern(75, 50)
src.save(OUT / "src_75x50.png")
for w, h in [(64, 32), (32, 32), (96, 64), (160, 96), (75, 96), (40, 50)]:
    out = src.resize((w, h), resample=Image.BICUBIC)
    name = f"bicubic_{w}x{h}.png"
    out.save(OUT / name)
    cases.append({"src": "src_75x50.png", "out": name, "width": w, "height": h})

# torchvision on uint8 tensors, as transformers' torchvision backend calls it. Noise stresses
# the rounding; the sizes go up and down, odd, and to extreme aspect ratios.
tv_cases = []
rng = np.random.default_rng(7)
sources = {
    "src_75x50.png": src,
    "noise_97x61.png": Image.fromarray(rng.integers(0, 256, (61, 97, 3), dtype=np.uint8)),
    "noise_13x150.png": Image.fromarray(rng.integers(0, 256, (150, 13, 3), dtype=np.uint8)),
    "noise_240x9.png": Image.fromarray(rng.integers(0, 256, (9, 240, 3), dtype=np.uint8)),
}
sizes = {
    "src_75x50.png": [(64, 32), (32, 32), (96, 64), (160, 96), (75, 96), (40, 50), (224, 160)],
    "noise_97x61.png": [(32, 32), (96, 64), (33, 17), (190, 122), (97, 30), (15, 61)],
    "noise_13x150.png": [(32, 320), (8, 64), (26, 150), (13, 33)],
    "noise_240x9.png": [(480, 32), (64, 4), (240, 20), (100, 9)],
}
for name, img in sources.items():
    if name != "src_75x50.png":
        img.save(OUT / name)
    t = torch.from_numpy(np.array(img)).permute(2, 0, 1).contiguous()
    for w, h in sizes[name]:
        out = tvF.resize(t, [h, w], interpolation=tvF.InterpolationMode.BICUBIC, antialias=True)
        out_name = f"tv_{pathlib.Path(name).stem}_{w}x{h}.png"
        Image.fromarray(out.permute(1, 2, 0).numpy()).save(OUT / out_name)
        tv_cases.append({"src": name, "out": out_name, "width": w, "height": h})

rgba = pattern(20, 12, alpha=True)
rgba.save(OUT / "rgba_20x12.png")
bg = Image.new("RGBA", rgba.size, (255, 255, 255))
Image.alpha_composite(bg, rgba).convert("RGB").save(OUT / "rgba_20x12_over_white.png")

(OUT / "cases.json").write_text(json.dumps({"pillow": Image.__version__, "bicubic": cases,
                                            "torch": torch.__version__, "torchvision": torchvision.__version__,
                                            "cpu_capability": torch.backends.cpu.get_cpu_capability(),
                                            "torchvision_bicubic": tv_cases,
                                            "over_white": {"src": "rgba_20x12.png", "out": "rgba_20x12_over_white.png"}}, indent=1))
print("wrote", OUT)
