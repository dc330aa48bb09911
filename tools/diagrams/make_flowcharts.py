#!/usr/bin/env python3
"""Rendered flowcharts with ground truth, for the diagram expert's model-free path.

Draws each chart with Pillow at twice its size and scales it down (anti-aliased edges), and
writes `<id>.png` and `<id>.json`:

    {"id", "lang", "layout": "td"|"lr", "template", "font", "width", "height",
     "nodes": [{"id", "label", "shape": process|decision|start_end|data, "box": [x1, y1, x2, y2]}],
     "edges": [{"from", "to", "label", "route": straight|elbow|loop}]}

Boxes are the outer bounds of a shape's stroke, in pixels of the PNG. Templates: a decision
branch, a loop back, two decisions, data in/out, two columns merging, a lateral chain; each
top-down or left-right, English or Simplified Chinese, in several fonts.

    python3 tools/diagrams/make_flowcharts.py --out tests/fixtures/flowcharts            # tuning set
    python3 tools/diagrams/make_flowcharts.py --out /tmp/fc_fresh --seed 99 --style fresh

`--style fresh` draws with other layout parameters (spacing, strokes, sizes, arrowheads,
fills), `--style fresh2` with others again (the held-out set, scored once after tuning).
Deterministic for a seed and font set.

    python3 tools/diagrams/make_flowcharts.py --out /tmp/fc_fresh2 --seed 4242 --style fresh2
"""

import argparse
import json
import os
import random

from PIL import Image, ImageDraw, ImageFont

EN_FONTS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
]
ZH_FONTS = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
]

WORDS = {
    "en": {
        "start": ["Start", "Begin"],
        "end": ["End", "Done", "Stop"],
        "process": ["Read input", "Validate data", "Save record", "Send email", "Log error",
                    "Process order", "Check stock", "Load config", "Notify user", "Update cache",
                    "Parse file", "Retry request", "Compute total", "Ship item", "Close ticket"],
        "decision": ["Is valid?", "In stock?", "Retry?", "Found?", "Approved?", "Done?", "OK?"],
        "data": ["Read order", "Print report", "Get input", "Write output", "Show result"],
        "yes": "Yes", "no": "No",
    },
    "zh": {
        "start": ["开始"],
        "end": ["结束", "完成"],
        "process": ["读取输入", "校验数据", "保存记录", "发送邮件", "记录错误", "处理订单",
                    "检查库存", "加载配置", "通知用户", "更新缓存", "解析文件", "重新请求",
                    "计算总价", "发货", "关闭工单"],
        "decision": ["是否有效？", "有库存吗？", "重试？", "找到了吗？", "已批准？", "完成了吗？"],
        "data": ["读取订单", "打印报表", "获取输入", "写入结果", "显示结果"],
        "yes": "是", "no": "否",
    },
}

# Templates: nodes (name, kind, main index, lateral index) and edges
# (from, to, label: yes/no/"", route, sides). Routes: straight; elbow "ml" (main axis first,
# then lateral into the target's side) or "lm" (lateral first, then main into its near end);
# loop "+" or "-" (out of the source's side, along a lane beside the chart, into the target's
# same side).
TEMPLATES = {
    "branch": (
        [("s", "start", 0, 0), ("a", "process", 1, 0), ("d", "decision", 2, 0),
         ("b", "process", 3, 0), ("c", "process", 2, 1), ("e", "end", 4, 0)],
        [("s", "a", "", "straight"), ("a", "d", "", "straight"), ("d", "b", "yes", "straight"),
         ("d", "c", "no", "straight"), ("c", "e", "", "ml"), ("b", "e", "", "straight")],
    ),
    "loop": (
        [("s", "start", 0, 0), ("a", "process", 1, 0), ("b", "process", 2, 0),
         ("d", "decision", 3, 0), ("e", "end", 4, 0)],
        [("s", "a", "", "straight"), ("a", "b", "", "straight"), ("b", "d", "", "straight"),
         ("d", "e", "yes", "straight"), ("d", "a", "no", "loop+")],
    ),
    "two_decisions": (
        [("s", "start", 0, 0), ("a", "process", 1, 0), ("d1", "decision", 2, 0),
         ("b", "process", 3, 0), ("d2", "decision", 4, 0), ("e", "end", 5, 0),
         ("c", "process", 3, 1)],
        [("s", "a", "", "straight"), ("a", "d1", "", "straight"), ("d1", "b", "yes", "straight"),
         ("d1", "c", "no", "lm"), ("c", "d2", "", "ml"), ("b", "d2", "", "straight"),
         ("d2", "e", "yes", "straight"), ("d2", "a", "no", "loop-")],
    ),
    "data_io": (
        [("s", "start", 0, 0), ("i", "data", 1, 0), ("a", "process", 2, 0),
         ("d", "decision", 3, 0), ("o", "data", 4, 0), ("e", "end", 5, 0)],
        [("s", "i", "", "straight"), ("i", "a", "", "straight"), ("a", "d", "", "straight"),
         ("d", "o", "yes", "straight"), ("d", "a", "no", "loop+"), ("o", "e", "", "straight")],
    ),
    "merge": (
        [("s", "start", 0, 0), ("d", "decision", 1, 0), ("a", "process", 2, 0),
         ("b", "process", 2, 1), ("m", "process", 3, 0), ("e", "end", 4, 0)],
        [("s", "d", "", "straight"), ("d", "a", "yes", "straight"), ("d", "b", "no", "lm"),
         ("a", "m", "", "straight"), ("b", "m", "", "ml"), ("m", "e", "", "straight")],
    ),
    "chain": (
        [("s", "start", 0, 0), ("a", "process", 1, 0), ("b", "process", 1, 1),
         ("c", "data", 1, 2), ("d", "decision", 2, 2), ("e", "end", 3, 2), ("f", "process", 2, 0)],
        [("s", "a", "", "straight"), ("a", "b", "", "straight"), ("b", "c", "", "straight"),
         ("c", "d", "", "straight"), ("d", "e", "yes", "straight"), ("d", "f", "no", "straight"),
         ("f", "a", "", "straight")],
    ),
}

STYLES = {
    # The tuning set's parameters.
    "tune": dict(gap=(40, 70), lateral_gap=(50, 90), stroke=(1.5, 2.5), font=(14, 18),
                 pad=(14, 22), head=(9, 12), open_head=0.0, fill=["#ffffff"], margin=(30, 50),
                 lane=(30, 45), stadium=0.6),
    # The fresh set's: other spacing, strokes, sizes, open arrowheads, pastel fills.
    "fresh": dict(gap=(34, 90), lateral_gap=(44, 110), stroke=(1.0, 3.0), font=(13, 21),
                  pad=(10, 28), head=(8, 14), open_head=0.35,
                  fill=["#ffffff", "#dae8fc", "#fff2cc", "#d5e8d4", "#f8cecc"], margin=(20, 60),
                  lane=(24, 60), stadium=0.4),
    # The held-out set's, chosen after tuning: tighter and looser spacing, strokes up to 3.5 px,
    # open arrowheads in half the charts, other fills and a dark blue ink.
    "fresh2": dict(gap=(30, 80), lateral_gap=(40, 100), stroke=(1.2, 3.5), font=(12, 22),
                   pad=(8, 26), head=(7, 15), open_head=0.5,
                   fill=["#ffffff", "#f5f5f5", "#e1d5e7", "#ffe6cc", "#dae8fc"], margin=(15, 50),
                   lane=(20, 50), stadium=0.5, ink=["#000000", "#23445d", "#333333"]),
}

S = 2  # drawn at twice the size, then scaled down


def text_size(font, text):
    l, t, r, b = font.getbbox(text)
    return r - l, b - t, l, t


def make_chart(rng, idx, lang, layout, template, font_path, style, prefix):
    st = STYLES[style]
    words = WORDS[lang]
    fsize = rng.randint(*st["font"])
    font = ImageFont.truetype(font_path, fsize * S)
    stroke = rng.uniform(*st["stroke"])
    sw = max(2, round(stroke * S))
    pad = rng.randint(*st["pad"])
    gap = rng.randint(*st["gap"])
    lgap = rng.randint(*st["lateral_gap"])
    margin = rng.randint(*st["margin"])
    lane = rng.randint(*st["lane"])
    head = rng.randint(*st["head"])
    open_head = rng.random() < st["open_head"]
    fill = rng.choice(st["fill"])
    ink = rng.choice(st.get("ink", ["#000000", "#1f1f1f", "#333333"]))
    nodes_t, edges_t = TEMPLATES[template]

    used = set()

    def pick(kind):
        pool = [w for w in words[kind] if w not in used] or words[kind]
        w = rng.choice(pool)
        used.add(w)
        return w

    nodes = {}
    for name, kind, main, lat in nodes_t:
        label = pick(kind)
        tw, th, _, _ = text_size(font, label)
        tw, th = tw / S, th / S
        if kind == "process":
            w, h = tw + 2 * pad, max(th + 2 * pad * 0.7, 34)
            shape = "process"
        elif kind == "decision":
            w, h = tw * 1.6 + 2 * pad + 10, max(th * 2.6 + pad, 56)
            shape = "decision"
        elif kind == "data":
            skew = rng.randint(10, 18)
            w, h = tw + 2 * pad + 2 * skew, max(th + 2 * pad * 0.7, 34)
            shape = "data"
        else:
            w, h = tw + 2 * pad + 16, max(th + 2 * pad * 0.6, 32)
            shape = "start_end"
        nodes[name] = dict(id=name, label=label, shape=shape, w=round(w), h=round(h), main=main,
                           lat=lat, kind=kind,
                           oval=(kind in ("start", "end") and rng.random() > st["stadium"]),
                           skew=(skew if kind == "data" else 0))

    # Abstract extents: u along the main axis, v across it.
    def ext(n):
        return (n["h"], n["w"]) if layout == "td" else (n["w"], n["h"])

    mains = sorted({n["main"] for n in nodes.values()})
    lats = sorted({n["lat"] for n in nodes.values()})
    u_size = {m: max(ext(n)[0] for n in nodes.values() if n["main"] == m) for m in mains}
    v_size = {c: max(ext(n)[1] for n in nodes.values() if n["lat"] == c) for c in lats}
    loops = [e for e in edges_t if e[3].startswith("loop")]
    v0 = margin + (lane + 10 if any(e[3] == "loop-" for e in loops) else 0)
    u_at, pos = {}, margin
    for m in mains:
        u_at[m] = pos + u_size[m] / 2
        pos += u_size[m] + gap
    u_total = pos - gap + margin
    v_at, pos = {}, v0
    for c in lats:
        v_at[c] = pos + v_size[c] / 2
        pos += v_size[c] + lgap
    v_total = pos - lgap + margin + (lane + 10 if any(e[3] == "loop+" for e in loops) else 0)

    def xy(u, v):
        return (v, u) if layout == "td" else (u, v)

    for n in nodes.values():
        cx, cy = xy(u_at[n["main"]], v_at[n["lat"]])
        n["cx"], n["cy"] = cx, cy
        n["box"] = [cx - n["w"] / 2, cy - n["h"] / 2, cx + n["w"] / 2, cy + n["h"] / 2]
    W, H = (round(v_total), round(u_total)) if layout == "td" else (round(u_total), round(v_total))

    img = Image.new("RGB", (W * S, H * S), "white")
    d = ImageDraw.Draw(img)

    def sc(p):
        return (p[0] * S, p[1] * S)

    for n in nodes.values():
        x1, y1, x2, y2 = n["box"]
        box = [x1 * S, y1 * S, x2 * S, y2 * S]
        if n["shape"] == "process":
            d.rectangle(box, fill=fill, outline=ink, width=sw)
        elif n["shape"] == "decision":
            pts = [(n["cx"], y1), (x2, n["cy"]), (n["cx"], y2), (x1, n["cy"])]
            d.polygon([sc(p) for p in pts], fill=fill, outline=ink, width=sw)
        elif n["shape"] == "data":
            k = n["skew"]
            pts = [(x1 + k, y1), (x2, y1), (x2 - k, y2), (x1, y2)]
            d.polygon([sc(p) for p in pts], fill=fill, outline=ink, width=sw)
        elif n["oval"]:
            d.ellipse(box, fill=fill, outline=ink, width=sw)
        else:
            d.rounded_rectangle(box, radius=(y2 - y1) / 2 * S, fill=fill, outline=ink, width=sw)
        tw, th, ox, oy = text_size(font, n["label"])
        d.text((n["cx"] * S - tw / 2 - ox, n["cy"] * S - th / 2 - oy), n["label"], font=font,
               fill=ink)

    # Ports: where a side of the shape meets its middle line.
    def port(n, side):
        x1, y1, x2, y2 = n["box"]
        inset = n["skew"] / 2 if n["shape"] == "data" else 0
        return {"top": (n["cx"], y1), "bottom": (n["cx"], y2),
                "left": (x1 + inset, n["cy"]), "right": (x2 - inset, n["cy"])}[side]

    fwd, back = ("bottom", "top") if layout == "td" else ("right", "left")
    latp, latm = ("right", "left") if layout == "td" else ("bottom", "top")
    small = ImageFont.truetype(font_path, max(11, fsize - 2) * S)

    out_edges = []
    for a, b, lab, route in edges_t:
        na, nb = nodes[a], nodes[b]
        if route == "straight":
            if na["main"] == nb["main"]:
                sa, sb = (latp, latm) if nb["lat"] > na["lat"] else (latm, latp)
            else:
                sa, sb = (fwd, back) if nb["main"] > na["main"] else (back, fwd)
            path = [port(na, sa), port(nb, sb)]
            kind = "straight"
        elif route == "ml":
            p1 = port(na, fwd)
            sb = latp if na["lat"] > nb["lat"] else latm
            p2 = port(nb, sb)
            corner = (p1[0], p2[1]) if layout == "td" else (p2[0], p1[1])
            path = [p1, corner, p2]
            kind = "elbow"
        elif route == "lm":
            sa = latp if nb["lat"] > na["lat"] else latm
            p1 = port(na, sa)
            p2 = port(nb, back)
            corner = (p2[0], p1[1]) if layout == "td" else (p1[0], p2[1])
            path = [p1, corner, p2]
            kind = "elbow"
        else:
            side = latp if route == "loop+" else latm
            p1, p2 = port(na, side), port(nb, side)
            if layout == "td":
                lx = (max(n["box"][2] for n in nodes.values()) + lane if route == "loop+"
                      else min(n["box"][0] for n in nodes.values()) - lane)
                path = [p1, (lx, p1[1]), (lx, p2[1]), p2]
            else:
                ly = (max(n["box"][3] for n in nodes.values()) + lane if route == "loop+"
                      else min(n["box"][1] for n in nodes.values()) - lane)
                path = [p1, (p1[0], ly), (p2[0], ly), p2]
            kind = "loop"
        # The arrowhead: its tip on the target's outline, the line ending at its base.
        (px, py), (tx, ty) = path[-2], path[-1]
        dx, dy = tx - px, ty - py
        ln = max(1e-6, (dx * dx + dy * dy) ** 0.5)
        ux, uy = dx / ln, dy / ln
        hw = head * 0.45
        base = (tx - ux * head, ty - uy * head)
        tri = [(tx, ty), (base[0] - uy * hw, base[1] + ux * hw), (base[0] + uy * hw, base[1] - ux * hw)]
        line = path[:-1] + [base if not open_head else (tx - ux * sw / S, ty - uy * sw / S)]
        d.line([sc(p) for p in line], fill=ink, width=sw, joint="curve")
        if open_head:
            d.line([sc(tri[1]), sc(tri[0]), sc(tri[2])], fill=ink, width=sw, joint="curve")
        else:
            d.polygon([sc(p) for p in tri], fill=ink)
        label = ""
        if lab:
            label = words[lab]
            (x0, y0), (x1, y1) = path[0], path[1]
            tw, th, ox, oy = text_size(small, label)
            if abs(x1 - x0) < 1:  # vertical first segment: the label right of it
                sy = 1 if y1 > y0 else -1
                lx, ly = x0 * S + 6 * S, (y0 + sy * 8) * S - (th if sy < 0 else 0)
            else:  # horizontal: the label above it
                sx = 1 if x1 > x0 else -1
                lx, ly = (x0 + sx * 8) * S - (tw if sx < 0 else 0), y0 * S - th - 5 * S
            d.text((lx - ox, ly - oy), label, font=small, fill=ink)
        out_edges.append({"from": a, "to": b, "label": label, "route": kind})

    img = img.resize((W, H), Image.LANCZOS)
    cid = f"{prefix}_{idx:02d}"
    truth = {
        "id": cid, "lang": lang, "layout": layout, "template": template,
        "font": os.path.basename(font_path), "style": style, "width": W, "height": H,
        "nodes": [{"id": n["id"], "label": n["label"], "shape": n["shape"],
                   "box": [round(v, 1) for v in n["box"]]} for n in nodes.values()],
        "edges": out_edges,
    }
    return cid, img, truth


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=2323)
    ap.add_argument("--count", type=int, default=24)
    ap.add_argument("--style", choices=sorted(STYLES), default="tune")
    ap.add_argument("--prefix", default=None)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    prefix = args.prefix or {"tune": "fc", "fresh": "fx", "fresh2": "fy"}[args.style]
    os.makedirs(args.out, exist_ok=True)
    names = sorted(TEMPLATES)
    for i in range(args.count):
        lang = "en" if i % 2 == 0 else "zh"
        layout = "td" if (i // 2) % 2 == 0 else "lr"
        template = names[(i // 4 + i) % len(names)]
        font = rng.choice(EN_FONTS if lang == "en" else ZH_FONTS)
        cid, img, truth = make_chart(rng, i + 1, lang, layout, template, font, args.style, prefix)
        img.save(os.path.join(args.out, cid + ".png"), optimize=True)
        with open(os.path.join(args.out, cid + ".json"), "w", encoding="utf-8") as f:
            json.dump(truth, f, ensure_ascii=False, indent=1)
            f.write("\n")
    print(f"wrote {args.count} charts to {args.out}")


if __name__ == "__main__":
    main()
