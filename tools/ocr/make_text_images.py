#!/usr/bin/env python3
"""Render OCR test images (English + Simplified Chinese) with headless Chromium.

Outputs tests/fixtures/ocr_text/<name>.png + <name>.json:
    {"image": "<name>.png", "lang": "en"|"zh", "width": W, "height": H,
     "lines": [{"text": "...", "box": [x1, y1, x2, y2]}, ...]}
Every text line is its own block element with `white-space: pre`, so the
per-line ground truth is exact.  Boxes come from Range.getBoundingClientRect()
over each line's text after layout (x1/y1 floored, x2/y2 ceiled), in reading order.

Usage:  python3 tools/ocr/make_text_images.py [--out DIR]
Needs /usr/bin/chromium, Pillow, and Debian fonts: fonts-noto-cjk fonts-dejavu-core
fonts-liberation fonts-noto-core.
"""

import argparse
import html
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from cdp_render import Browser, save_png  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_OUT = os.path.join(ROOT, "tests", "fixtures", "ocr_text")

EXTRACT_JS = r"""
(() => {
  const out = [];
  for (const el of document.querySelectorAll('.ln')) {
    const r = document.createRange();
    r.selectNodeContents(el);
    const b = r.getBoundingClientRect();
    out.push({text: el.textContent,
              box: [Math.floor(b.left), Math.floor(b.top), Math.ceil(b.right), Math.ceil(b.bottom)]});
  }
  const d = document.documentElement;
  return {lines: out, scrollH: d.scrollHeight, scrollW: d.scrollWidth};
})()
"""

# Greedy line breaking measured in the browser with the final fonts: each
# <div class="p" data-wrap="en|zh"> is replaced by one .ln block per line.
# en breaks at spaces; zh breaks between characters but keeps runs of
# Latin letters/digits (amounts, dates, e-mail addresses) together and never
# starts a line with closing punctuation.
WRAP_JS = r"""
(() => {
  const noStart = '，。、；：？！）》」』”’%';
  for (const p of Array.from(document.querySelectorAll('.p[data-wrap]'))) {
    const text = p.textContent.trim();
    const zh = p.dataset.wrap === 'zh';
    let toks = [];
    if (zh) {
      const re = /[A-Za-z0-9.,:@\-\/%+]+|\s+|./gu;
      for (const m of text.matchAll(re)) {
        const t = m[0];
        if (toks.length && (noStart.includes(t) || /^\s+$/.test(t))) toks[toks.length - 1] += t;
        else toks.push(t);
      }
    } else {
      toks = text.split(/\s+/).map((t, i) => (i ? ' ' : '') + t);
    }
    p.textContent = '';
    const maxW = p.clientWidth;
    const probe = document.createElement('span');
    probe.style.whiteSpace = 'pre';
    p.appendChild(probe);
    const lines = [];
    let cur = '';
    for (const t of toks) {
      probe.textContent = (cur + t).trimEnd();
      if (cur && probe.getBoundingClientRect().width > maxW) {
        lines.push(cur.trim());
        cur = t.trimStart();
      } else cur += t;
    }
    if (cur.trim()) lines.push(cur.trim());
    p.textContent = '';
    for (const l of lines) {
      const d = document.createElement('div');
      d.className = 'ln';
      d.textContent = l;
      p.appendChild(d);
    }
  }
  return true;
})()
"""

def ln(text, cls="", style=""):
    c = "ln" + (" " + cls if cls else "")
    s = f' style="{style}"' if style else ""
    return f'<div class="{c}"{s}>{html.escape(text)}</div>'


def para(text, lang):
    return f'<div class="p" data-wrap="{lang}">{html.escape(text)}</div>'


def page(body, css, bg="#ffffff"):
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><style>
html, body {{ margin: 0; padding: 0; background: {bg}; }}
.ln {{ white-space: pre; }}
{css}
</style></head><body>{body}</body></html>"""


# ---------------------------------------------------------------- A4 pages
A4_W, A4_H = 1240, 1754

A4_CSS = """
.page { box-sizing: border-box; width: 1240px; height: 1754px; padding: 92px 110px 0 110px; color: #111; }
.title { font-size: 40px; font-weight: bold; margin-bottom: 6px; }
.sub { font-size: 20px; color: #444; margin-bottom: 22px; }
h2 { font-size: 28px; font-weight: bold; margin: 22px 0 8px 0; }
.p { margin-bottom: 12px; }
.p .ln { line-height: 33px; }
table { border-collapse: collapse; margin: 10px 0 14px 0; }
td, th { border: 1.5px solid #222; padding: 5px 14px; text-align: left; }
th { background: #ececec; }
.foot { margin-top: 18px; font-size: 19px; color: #333; }
"""


def a4_en():
    paras = {
        "intro": [
            "This report summarises the operating results of Northfield Logistics Ltd for the third quarter "
            "ended 30 September 2024. Revenue grew by 8.4% compared with the same period last year, driven "
            "mainly by higher volumes on the Manchester to Rotterdam freight corridor and by the opening of "
            "the new cold-storage warehouse in Leeds in July.",
            "Operating costs rose more slowly than revenue. Fuel prices were broadly stable, while staff costs "
            "increased after the annual pay review of 3.5% took effect on 1 August. The board considers the "
            "results satisfactory and confirms that the full-year guidance published in April remains unchanged.",
        ],
        "ops": [
            "The fleet completed 41,280 deliveries during the quarter, of which 97.2% arrived within the agreed "
            "time window. Average vehicle utilisation reached 86%, up from 81% a year earlier. Two older trucks "
            "were retired and replaced with electric vans serving the city centre routes in Leeds and York.",
            "Customer complaints fell to 0.6 per thousand deliveries. Most of the remaining complaints concerned "
            "missed collection slots on Friday afternoons, and a revised scheduling rule will be introduced "
            "from 4 November to spread the Friday workload more evenly across the depots.",
        ],
        "people": [
            "At the end of September the company employed 412 people, including 236 drivers and 98 warehouse "
            "staff. Staff turnover for the quarter was 2.9%, the lowest figure since 2019. A total of 1,870 hours "
            "of training were delivered, mostly on safe loading, defensive driving and first aid.",
            "There were three reportable safety incidents, none of which caused serious injury. Each incident "
            "was investigated within 48 hours and the findings were shared with all depot managers. The target "
            "for the full year is to reduce the number of lost-time injuries by at least 20% against 2023.",
        ],
        "outlook": [
            "For the fourth quarter the company expects seasonal demand to peak in late November. Additional "
            "drivers have been recruited on temporary contracts, and the Leeds warehouse will extend its opening "
            "hours to 22:00 on weekdays. Questions about this report may be sent to investor.relations@northfield"
            "-logistics.co.uk or by telephone to +44 113 496 0275.",
            "Capital expenditure for the year is expected to total about GBP 2.4 million, mainly for six further "
            "electric vans, new racking in the Leeds warehouse and an upgrade of the route planning software. "
            "The next quarterly report will be published on or before 15 January 2025.",
        ],
    }
    body = [ln("Northfield Logistics Ltd - Quarterly Report", "title"),
            ln("Q3 2024  |  Prepared by the Finance Department  |  Issued 15 October 2024", "sub")]
    body.append('<h2>' + ln("1. Summary") + '</h2>')
    for p in paras["intro"]:
        body.append(para(p, "en"))
    body.append('<h2>' + ln("2. Financial results") + '</h2>')
    rows = [("Item", "Q3 2023", "Q3 2024", "Change"),
            ("Revenue", "GBP 12,480,000", "GBP 13,529,000", "+8.4%"),
            ("Operating costs", "GBP 10,950,000", "GBP 11,610,000", "+6.0%"),
            ("Operating profit", "GBP 1,530,000", "GBP 1,919,000", "+25.4%"),
            ("Deliveries", "38,905", "41,280", "+6.1%")]
    t = ["<table>"]
    for i, r in enumerate(rows):
        tag = "th" if i == 0 else "td"
        t.append("<tr>" + "".join(f"<{tag}>{ln(c)}</{tag}>" for c in r) + "</tr>")
    t.append("</table>")
    body.append("".join(t))
    body.append('<h2>' + ln("3. Operations") + '</h2>')
    for p in paras["ops"]:
        body.append(para(p, "en"))
    body.append('<h2>' + ln("4. People and safety") + '</h2>')
    for p in paras["people"]:
        body.append(para(p, "en"))
    body.append('<h2>' + ln("5. Outlook") + '</h2>')
    for p in paras["outlook"]:
        body.append(para(p, "en"))
    body.append('<div class="foot">' + ln("Northfield Logistics Ltd, 27 Wellington Street, Leeds LS1 4DL  -  Page 1 of 1") + "</div>")
    css = A4_CSS + ".page { font-family: 'Liberation Serif', serif; font-size: 24px; }\n"
    return page('<div class="page">' + "".join(body) + "</div>", css)


def a4_zh():
    paras = {
        "intro": [
            "为进一步做好2024年度居民社区服务工作，根据市民政局《关于加强社区综合服务设施建设的通知》要求，"
            "现将第三季度工作情况报告如下。本季度共接待居民来访2,346人次，办理各类证明材料1,128件，"
            "比去年同期增长12.5%。",
            "社区服务中心于7月1日起实行延时服务，工作日开放时间调整为8:30至20:00，周六上午照常办公。"
            "居民可通过电话、微信公众号或现场窗口预约办理业务，平均等候时间由25分钟缩短至9分钟。",
        ],
        "work": [
            "一是完成老旧小区改造项目3个，涉及住户486户，新增停车位120个，加装电梯8部。"
            "二是开展防诈骗宣传活动15场，发放宣传资料3,000余份，覆盖居民约6,500人。"
            "三是组织志愿者服务队开展助老服务，全年累计服务时长超过4,200小时。",
            "在财务管理方面，本季度社区公共服务经费支出共计人民币386,450.00元，"
            "其中设施维护占41.2%，活动经费占27.6%，人员培训占18.3%，其他支出占12.9%。",
        ],
        "people": [
            "本季度社区新招募志愿者86名，现有注册志愿者共计1,215人。组织业务培训6次，参训人员342人次，"
            "内容包括应急救护、消防安全、心理疏导和政策解读等。社区工作人员满意度测评得分为96.3分，"
            "较上季度提高2.1分。",
            "在安全管理方面，共开展消防安全检查24次，排查整改隐患37处，更换灭火器156具，"
            "清理楼道堆放杂物约12吨。全季度未发生较大安全事故，居民安全感调查满意率达到98.7%。",
        ],
        "plan": [
            "第四季度将重点做好冬季安全检查、困难家庭走访慰问和年度总结工作。"
            "如有意见或建议，请于2024年11月30日前拨打服务热线0571-8765 4321，"
            "或发送电子邮件至 service@hzsq.gov.cn，我们将认真研究并及时答复。",
            "同时，社区将继续推进“15分钟便民生活圈”建设，计划在12月底前新增便民服务点5个，"
            "完善养老助餐、家政维修和快递代收等服务，力争居民综合满意度保持在95%以上。",
        ],
    }
    body = [ln("阳光社区服务中心2024年第三季度工作报告", "title"),
            ln("编号：YG-2024-Q3-017    发布日期：2024年10月15日    发布单位：社区办公室", "sub")]
    body.append('<h2>' + ln("一、总体情况") + '</h2>')
    for p in paras["intro"]:
        body.append(para(p, "zh"))
    body.append('<h2>' + ln("二、经费使用情况") + '</h2>')
    rows = [("项目", "预算（元）", "实际支出（元）", "执行率"),
            ("设施维护", "160,000.00", "159,217.40", "99.5%"),
            ("社区活动", "110,000.00", "106,660.20", "97.0%"),
            ("人员培训", "75,000.00", "70,720.35", "94.3%"),
            ("其他", "52,000.00", "49,852.05", "95.9%")]
    t = ["<table>"]
    for i, r in enumerate(rows):
        tag = "th" if i == 0 else "td"
        t.append("<tr>" + "".join(f"<{tag}>{ln(c)}</{tag}>" for c in r) + "</tr>")
    t.append("</table>")
    body.append("".join(t))
    body.append('<h2>' + ln("三、主要工作") + '</h2>')
    for p in paras["work"]:
        body.append(para(p, "zh"))
    body.append('<h2>' + ln("四、队伍建设与安全管理") + '</h2>')
    for p in paras["people"]:
        body.append(para(p, "zh"))
    body.append('<h2>' + ln("五、下一步计划") + '</h2>')
    for p in paras["plan"]:
        body.append(para(p, "zh"))
    body.append('<div class="foot">' + ln("地址：浙江省杭州市西湖区文三路188号    邮编：310012    第1页 共1页") + "</div>")
    css = A4_CSS + ".page { font-family: 'Noto Serif CJK SC', serif; font-size: 24px; }\n" \
                   ".title, h2 { font-family: 'Noto Sans CJK SC', sans-serif; }\n"
    return page('<div class="page">' + "".join(body) + "</div>", css)


# ---------------------------------------------------------------- small images
SANS = "'Liberation Sans', sans-serif"
SERIF = "'Liberation Serif', serif"
MONO = "'Liberation Mono', monospace"
DSANS = "'DejaVu Sans', sans-serif"
DSERIF = "'DejaVu Serif', serif"
DMONO = "'DejaVu Sans Mono', monospace"
NSANS = "'Noto Sans', sans-serif"
NSERIF = "'Noto Serif', serif"
CJK_SANS = "'Noto Sans CJK SC', sans-serif"
CJK_SERIF = "'Noto Serif CJK SC', serif"
WQY = "'WenQuanYi Zen Hei', sans-serif"

# (name, lang, width, font, size, fg, bg, lines)
SMALL = [
    ("en_invoice", "en", 820, SANS, 22, "#111111", "#ffffff", [
        "INVOICE No. INV-2024-00871",
        "Date: 12 March 2024        Due: 11 April 2024",
        "Bill to: Harbour View Dental Clinic",
        "14 Quayside Road, Bristol BS1 5TY",
        "2 x Ultrasonic scaler tips        GBP 86.00",
        "1 x Autoclave service visit       GBP 145.50",
        "Subtotal GBP 231.50   VAT 20% GBP 46.30",
        "Total due: GBP 277.80",
    ]),
    ("en_letter_serif", "en", 900, SERIF, 28, "#1a1a1a", "#ffffff", [
        "Dear Mr Thompson,",
        "Thank you for your letter of 3 June regarding the",
        "renewal of your home insurance policy HX-449201.",
        "Your new premium of $612.40 will be collected on",
        "1 July 2024 by direct debit from your account.",
        "Yours sincerely,",
        "Margaret Ellis, Customer Services",
    ]),
    ("en_mono_receipt", "en", 620, MONO, 18, "#000000", "#f4f1e8", [
        "CORNER CAFE & BAKERY",
        "221 Baker Street, London NW1 6XE",
        "Tel 020 7946 0183",
        "2024-05-18  09:42   Till 3",
        "Flat white            3.40",
        "Almond croissant      2.95",
        "Orange juice          2.60",
        "TOTAL                 8.95",
        "Card payment ****4417",
    ]),
    ("en_notice_large", "en", 1000, DSANS, 40, "#ffffff", "#1f4e79", [
        "NOTICE TO RESIDENTS",
        "Water supply will be interrupted",
        "on Tuesday 9 April, 08:00 - 14:00.",
    ]),
    ("en_article_grey", "en", 960, NSERIF, 20, "#222222", "#e8e8e8", [
        "City council approves new cycle lanes",
        "By Daniel Hughes, 21 February 2024",
        "The city council voted on Wednesday to build 14 km of",
        "protected cycle lanes along the ring road, at a cost of",
        "about 9.2 million dollars. Work is expected to start in",
        "September and to finish before the end of next year.",
    ]),
    ("en_contacts_small", "en", 700, DSERIF, 16, "#333333", "#ffffff", [
        "Contact details",
        "Sarah Johnson, Head of Admissions",
        "Email: s.johnson@riverside-college.ac.uk",
        "Phone: +44 161 555 0192  (Mon-Fri 9am-5pm)",
        "Postal address: Riverside College, Oxford Road,",
        "Manchester M13 9PL, United Kingdom",
        "Website: www.riverside-college.ac.uk/apply",
    ]),
    ("en_colored_text", "en", 880, NSANS, 30, "#8b1a1a", "#fffbea", [
        "Order confirmation #A-58213",
        "Shipped 2024-09-03 via UPS Ground",
        "Tracking: 1Z 999 AA1 01 2345 6784",
        "Estimated delivery: Friday, 6 September",
    ]),
    ("en_code_mono", "en", 760, DMONO, 17, "#0b3d0b", "#ffffff", [
        "Server: api-eu-west-2.example.net",
        "Port: 8443   Protocol: HTTPS",
        "Username: j.martinez",
        "Last login: 2024-11-02 18:07:55 UTC",
        "Account ID: 7731-0492-8856",
    ]),
    ("zh_notice_sans", "zh", 900, CJK_SANS, 26, "#111111", "#ffffff", [
        "关于春节期间停车场管理的通知",
        "各位业主：",
        "春节期间（2024年2月9日至2月17日），",
        "小区地下停车场实行临时管理措施，",
        "外来车辆请在东门登记后入场。",
        "咨询电话：010-6254 8899",
        "物业服务中心  2024年2月1日",
    ]),
    ("zh_invoice_serif", "zh", 860, CJK_SERIF, 22, "#1a1a1a", "#ffffff", [
        "增值税普通发票",
        "发票号码：04418862    开票日期：2024年03月15日",
        "购买方：上海明德科技有限公司",
        "货物名称：办公用打印纸  数量：50箱",
        "单价：¥128.00  金额：¥6,400.00",
        "税率：13%  税额：¥832.00",
        "价税合计（大写）：柒仟贰佰叁拾贰元整",
    ]),
    ("zh_address_large", "zh", 1000, CJK_SANS, 38, "#ffffff", "#2e6b3a", [
        "收件人：李华  13812345678",
        "广东省深圳市南山区科技园南路15号",
        "邮编：518057",
    ]),
    ("zh_article_grey", "zh", 960, CJK_SERIF, 20, "#222222", "#ececec", [
        "本市新增三条地铁线路正式开通运营",
        "记者 王晓明  2024年12月28日",
        "今天上午9时，地铁6号线二期、8号线和12号线",
        "同时开通运营，全市轨道交通运营里程达到",
        "516公里。新线路共设车站48座，其中换乘站",
        "11座，预计日均客流量约为85万人次。",
    ]),
    ("zh_small_contacts", "zh", 720, WQY, 16, "#333333", "#ffffff", [
        "联系方式",
        "联系人：陈静（人事部）",
        "电话：021-5888 3210  手机：139 1766 2045",
        "邮箱：hr@shmingde.com.cn",
        "地址：上海市浦东新区张江路368号5楼",
        "工作时间：周一至周五 9:00-17:30",
    ]),
    ("zh_colored_text", "zh", 860, CJK_SANS, 30, "#0d3b8c", "#fff4e6", [
        "订单号：DD20240906153021",
        "下单时间：2024-09-06 15:30",
        "商品：无线蓝牙耳机 x 1",
        "实付金额：¥299.00",
    ]),
    ("zh_mixed_receipt", "zh", 640, CJK_SANS, 18, "#000000", "#f6f3ea", [
        "好又多超市购物小票",
        "门店：北京朝阳路店  收银员：008",
        "2024-05-18  19:42",
        "牛奶 250ml x 6       ¥21.00",
        "苹果 1.25kg          ¥14.88",
        "面包                 ¥8.50",
        "合计                 ¥44.38",
        "谢谢惠顾，欢迎再次光临",
    ]),
    ("zh_school_serif_large", "zh", 980, CJK_SERIF, 34, "#1a1a1a", "#ffffff", [
        "2025年秋季学期新生报到须知",
        "报到时间：8月30日 8:00-17:00",
        "报到地点：学校体育馆一楼大厅",
        "请携带录取通知书、身份证及一寸照片4张。",
    ]),
]

SMALL_CSS = """
.box {{ box-sizing: border-box; width: {w}px; padding: {pad}px {padx}px; font-family: {font};
        font-size: {size}px; color: {fg}; background: {bg}; }}
.box .ln {{ line-height: {lh}px; }}
.box .ln.head {{ font-weight: bold; }}
"""


def small_html(w, font, size, fg, bg, lines):
    lh = round(size * 1.5)
    pad = max(16, size)
    css = SMALL_CSS.format(w=w, pad=pad, padx=pad + 8, font=font, size=size, fg=fg, bg=bg, lh=lh)
    body = "".join(ln(t, "head" if i == 0 else "") for i, t in enumerate(lines))
    return page(f'<div class="box">{body}</div>', css, bg=bg)


def write(out, name, lang, png, data, size):
    w, h = save_png(png, os.path.join(out, name + ".png"))
    assert (w, h) == size, (name, w, h, size)
    lines = data["lines"]
    for l in lines:
        x1, y1, x2, y2 = l["box"]
        assert 0 <= x1 < x2 <= w and 0 <= y1 < y2 <= h, (name, l)
    doc = {"image": name + ".png", "lang": lang, "width": w, "height": h, "lines": lines}
    with open(os.path.join(out, name + ".json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{name}: {w}x{h}, {len(lines)} lines")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args()
    out = args.out
    if os.path.isdir(out):
        for f in os.listdir(out):
            if f.endswith((".png", ".json")):
                os.remove(os.path.join(out, f))
    os.makedirs(out, exist_ok=True)
    with Browser() as b:
        for name, lang, fn in (("a4_en", "en", a4_en), ("a4_zh", "zh", a4_zh)):
            png, data, size = b.render(fn(), A4_W, EXTRACT_JS, fixed_height=A4_H, js_prepare=WRAP_JS)
            if data["scrollH"] > A4_H or data["scrollW"] > A4_W:
                raise SystemExit(f"{name}: content overflows A4 ({data['scrollW']}x{data['scrollH']})")
            last = max(l["box"][3] for l in data["lines"])
            if last > A4_H - 40:
                raise SystemExit(f"{name}: text too close to the bottom edge ({last})")
            write(out, name, lang, png, data, size)
        for name, lang, w, font, sz, fg, bg, lines in SMALL:
            png, data, size = b.render(small_html(w, font, sz, fg, bg, lines), w, EXTRACT_JS)
            if data["scrollW"] > w:
                raise SystemExit(f"{name}: too wide")
            for l in data["lines"]:
                if l["box"][2] > w - 8:
                    raise SystemExit(f"{name}: line runs into the right edge: {l}")
            write(out, name, lang, png, data, size)


if __name__ == "__main__":
    main()
