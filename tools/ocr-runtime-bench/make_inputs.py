"""Render deterministic test images for the bench (needs Pillow).

- a4_synth_en.png: 1240x1754 (A4 @150 dpi) page of English text, used only if
  tests/fixtures/ocr_text/a4_en.png does not exist.
- lines/line{0..5}.png: single text lines for rec (3x48x320) and cls (3x48x192).
- lines/long.png: one long text line for rec 3x48x960.
"""
import sys, os
from PIL import Image, ImageDraw, ImageFont

out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/ocr-bench"
os.makedirs(f"{out}/lines", exist_ok=True)
font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
if not os.path.exists(font_path):
    font_path = "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"
words = ("the quick brown fox jumps over lazy dog invoice total amount due payment "
         "reference number date customer address shipping order quantity price tax "
         "summary section report page document table figure results analysis").split()

def sentence(i, n):
    return " ".join(words[(i * 7 + k * 3) % len(words)] for k in range(n)).capitalize()

page = Image.new("RGB", (1240, 1754), "white")
d = ImageDraw.Draw(page)
f = ImageFont.truetype(font_path, 22)
ft = ImageFont.truetype(font_path, 40)
d.text((100, 90), "Quarterly Report 2024", fill="black", font=ft)
y = 180
for i in range(52):
    d.text((100, y), sentence(i, 9 + i % 4), fill="black", font=f)
    y += 29
    if i % 10 == 9:
        y += 20
page.save(f"{out}/a4_synth_en.png")

lf = ImageFont.truetype(font_path, 32)
for i in range(6):
    t = sentence(i + 3, 2 + i)  # lines of different widths
    w = int(d.textlength(t, font=lf)) + 16
    im = Image.new("RGB", (w, 48), "white")
    ImageDraw.Draw(im).text((8, 6), t, fill="black", font=lf)
    im.save(f"{out}/lines/line{i}.png")
t = sentence(11, 16)
w = int(d.textlength(t, font=lf)) + 16
im = Image.new("RGB", (w, 48), "white")
ImageDraw.Draw(im).text((8, 6), t, fill="black", font=lf)
im.save(f"{out}/lines/long.png")
print("ok", out)

# Real line crops from the fixture page, if the fixture (and its box json) exist.
import json
fx = "/work/main/tests/fixtures/ocr_text/a4_en"
if os.path.exists(fx + ".png") and os.path.exists(fx + ".json"):
    pg = Image.open(fx + ".png").convert("RGB")
    ls = json.load(open(fx + ".json"))["lines"]
    d2 = f"{out}/lines_a4en"
    os.makedirs(d2, exist_ok=True)
    def crop(b, m=4):
        return pg.crop((max(b[0] - m, 0), max(b[1] - m, 0), min(b[2] + m, pg.width), min(b[3] + m, pg.height)))
    for i, l in enumerate(ls[:6]):
        crop(l["box"]).save(f"{d2}/line{i}.png")
    longest = max(ls, key=lambda l: l["box"][2] - l["box"][0])
    crop(longest["box"]).save(f"{d2}/long.png")
    print("fixture crops:", [l["text"][:30] for l in ls[:6]], "| long:", longest["text"])
