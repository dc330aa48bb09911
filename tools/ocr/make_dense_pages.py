"""Renders dense A4 pages for the OCR line tests: 48 lines of 22 px text at a 33 px pitch
(1.5x the text height), each line a different sentence ending in a distinct number, in two
fonts per language. Writes tests/fixtures/ocr_dense/<lang>_<font>.png and .json in the format of
tests/fixtures/ocr_text (lines in reading order, each with its text and box).

    apt-get install -y fonts-dejavu-core fonts-noto-cjk fonts-wqy-zenhei
    pip install pillow
    python3 tools/ocr/make_dense_pages.py

Deterministic for a given Pillow and font set (seeded).
"""
import json
import os
import random

from PIL import Image, ImageDraw, ImageFont

OUT = os.path.join(os.path.dirname(__file__), "../../tests/fixtures/ocr_dense")
W, H = 1240, 1754  # A4 at 150 dpi
SIZE, PITCH, LINES, TOP, LEFT = 22, 33, 48, 70, 90

FONTS = {
    ("en", "sans"): "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    ("en", "serif"): "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    ("zh", "sans"): "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    ("zh", "serif"): "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
}

EN_WORDS = (
    "the shipment left northern depot at dawn and reached harbour before noon while crews "
    "checked every crate against manifest records kept by regional office staff who "
    "reported delays caused by weather storms heavy traffic on coastal roads new schedules "
    "were agreed with suppliers customers received updated notices about delivery windows"
).split()
ZH_PHRASES = [
    "社区服务中心", "本季度", "完成了", "居民走访", "共计", "安排志愿者", "参与活动",
    "办理业务", "接待来访", "维修道路", "更新设施", "发放物资", "组织培训", "开展宣传",
    "落实政策", "收集意见", "改善环境", "提升服务", "检查安全", "登记信息",
]


def line_text(lang, rng, i):
    number = 10000 + i * 739 + rng.randrange(100)
    if lang == "en":
        n = rng.randrange(7, 11)
        words = [rng.choice(EN_WORDS) for _ in range(n)]
        words[0] = words[0].capitalize()
        return f"{' '.join(words)} {number}"
    n = rng.randrange(3, 5)
    return "".join(rng.choice(ZH_PHRASES) for _ in range(n)) + f"，编号{number}"


def render(lang, face, path):
    rng = random.Random(f"{lang}-{face}")
    font = ImageFont.truetype(path, SIZE)
    ascent, descent = font.getmetrics()
    img = Image.new("RGB", (W, H), "white")
    draw = ImageDraw.Draw(img)
    lines = []
    for i in range(LINES):
        text = line_text(lang, rng, i)
        y = TOP + i * PITCH
        draw.text((LEFT, y), text, font=font, fill="black")
        x0, _, x1, _ = draw.textbbox((LEFT, y), text, font=font)
        # The font's line box (ascender to descender), as the other OCR fixtures give it.
        lines.append({"text": text, "box": [x0, y, x1, y + ascent + descent]})
    name = f"{lang}_{face}"
    img.convert("L").save(os.path.join(OUT, f"{name}.png"), optimize=True)
    with open(os.path.join(OUT, f"{name}.json"), "w", encoding="utf-8") as f:
        json.dump(
            {
                "image": f"{name}.png",
                "lang": lang,
                "width": W,
                "height": H,
                "font": os.path.basename(path),
                "text_px": SIZE,
                "pitch_px": PITCH,
                "lines": lines,
            },
            f,
            ensure_ascii=False,
            indent=1,
        )


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for (lang, face), path in FONTS.items():
        render(lang, face, path)
        print(lang, face, path)
