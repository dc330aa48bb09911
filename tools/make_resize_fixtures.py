"""Writes tests/fixtures/resize/: small images and what Pillow's bicubic resize and
alpha-over-white make of them, so the Rust preprocessing can be checked bit for bit.

Run by hand: python -m venv /tmp/pil && /tmp/pil/bin/pip install pillow==11.3.0 &&
/tmp/pil/bin/python tools/make_resize_fixtures.py
"""
import json
import math
import pathlib

from PIL import Image

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

rgba = pattern(20, 12, alpha=True)
rgba.save(OUT / "rgba_20x12.png")
bg = Image.new("RGBA", rgba.size, (255, 255, 255))
Image.alpha_composite(bg, rgba).convert("RGB").save(OUT / "rgba_20x12_over_white.png")

(OUT / "cases.json").write_text(json.dumps({"pillow": Image.__version__, "bicubic": cases,
                                            "over_white": {"src": "rgba_20x12.png", "out": "rgba_20x12_over_white.png"}}, indent=1))
print("wrote", OUT)
