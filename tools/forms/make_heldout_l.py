#!/usr/bin/env python3
"""Held-out form corpus L: ordinary printed forms (government, clinic, bank, school, employer).

    python3 tools/forms/make_heldout_l.py --out /tmp/forms_heldout_l --seed 1212 --count 44
    python3 tools/forms/make_scans.py --in /tmp/forms_heldout_l --seed 171

Writes l_01 ... l_NN (odd numbers English, even numbers Simplified Chinese): <id>.html (the DOM
after layout), <id>.png (headless Chromium via tools/cdp_render.py, device scale factor 1) and
<id>.json (v2 ground truth, every box read from the DOM after layout: getBoundingClientRect,
x1/y1 floored, x2/y2 ceiled; text boxes from a Range over the text; glyph option boxes from canvas
measureText at the glyph's DOM position and baseline).

Eleven layout families (each on 2 English and 2 Chinese forms): tearoff, govframe, fieldnum,
dengji, sixcol, routing, twopage, diagram, acrofill, court, consent (see tools/forms/README.md).

Self-checks: a form whose checks fail is drawn again with other cosmetic draws (font, size, page
width, spacing) up to 8 times, then the script stops.  Deterministic for a seed.
HELDOUT_L_DEBUG=1 prints rejected attempts and keeps their HTML / PNG in /tmp/heldout_l_debug/.
"""

import argparse
import html as _html
import io
import json
import os
import random
import sys
import time

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from cdp_render import Browser, CDPError, save_png  # noqa: E402

DEBUG = os.environ.get("HELDOUT_L_DEBUG") == "1"
MAX_TRIES = 8
MAX_PNG = 150 * 1024


def esc(s):
    return _html.escape(s, quote=True)


def is_cjk(ch):
    return ord(ch) >= 0x2E80


def tw(text, size, bold=False):
    """Rough text width estimate (px) used only for sizing columns."""
    w = 0.0
    for ch in text:
        if is_cjk(ch):
            w += 1.0
        elif ch in "il.,:;|!'()[]/ ":
            w += 0.34
        elif ch.isupper() or ch in "mwMW":
            w += 0.74
        elif ch.isdigit():
            w += 0.6
        else:
            w += 0.58
    return w * size * (1.1 if bold else 1.0)


# ---------------------------------------------------------------------------------------------
# people
# ---------------------------------------------------------------------------------------------

EN_FIRST_M = ["James", "Oliver", "Daniel", "Thomas", "Michael", "Samuel", "Liam", "Noah", "Ethan",
              "Lucas", "Ryan", "Henry", "Isaac", "Nathan", "Owen", "Patrick", "Callum", "Aidan"]
EN_FIRST_F = ["Emily", "Sophie", "Olivia", "Grace", "Chloe", "Hannah", "Amelia", "Charlotte", "Isla",
              "Lucy", "Zoe", "Megan", "Ruby", "Ella", "Maya", "Freya", "Niamh", "Aisha"]
EN_LAST = ["Carter", "Wilson", "Brown", "Taylor", "Morgan", "Hughes", "Bennett", "Fletcher", "Harris",
           "Murphy", "Kelly", "Walsh", "Sullivan", "Reid", "Foster", "Hayes", "Porter", "Doyle",
           "Lawson", "Price", "Okafor", "Novak", "Campbell", "Gallagher"]

COUNTRIES = {
    "UK": dict(nat="British", cities=[("Manchester", "M14 6HY"), ("Leeds", "LS6 2AB"), ("Bristol", "BS7 8PL"),
                                      ("Norwich", "NR2 4QT"), ("Cardiff", "CF24 3DE"), ("York", "YO10 5DD")],
               streets=["42 Elm Grove", "17 Station Road", "8 Willow Close", "115 High Street",
                        "Flat 2, 3 Abbey Lane", "61 Victoria Terrace"]),
    "US": dict(nat="American", cities=[("Sacramento", "95814"), ("Portland", "97205"), ("Austin", "78701"),
                                       ("Columbus", "43215"), ("Denver", "80203"), ("Madison", "53703")],
               streets=["1870 Pine Street, Apt 5B", "402 Oak Avenue", "77 Maple Drive", "2290 Lincoln Blvd",
                        "15 Harbor View Road", "930 Cedar Lane, Unit 4"]),
    "AU": dict(nat="Australian", cities=[("Brisbane", "4000"), ("Adelaide", "5000"), ("Hobart", "7000"),
                                         ("Geelong", "3220"), ("Newcastle", "2300")],
               streets=["7 Harbour Street", "24 Wattle Avenue", "3/18 Beach Road", "52 Kingfisher Crescent"]),
    "IE": dict(nat="Irish", cities=[("Dublin", "D02 X285"), ("Cork", "T12 K8AF"), ("Galway", "H91 E2K3")],
               streets=["12 Merrion Square", "4 Castle Street", "27 Sandymount Road"]),
    "CA": dict(nat="Canadian", cities=[("Vancouver", "V6K 1M2"), ("Ottawa", "K1P 5J2"), ("Halifax", "B3H 1Y6")],
               streets=["2250 West 4th Avenue", "88 Elgin Street", "1460 Barrington Street"]),
    "NZ": dict(nat="New Zealander", cities=[("Wellington", "6011"), ("Christchurch", "8011"), ("Dunedin", "9016")],
               streets=["19 Cuba Street", "6 Riccarton Road", "140 George Street"]),
    "CNR": dict(nat="Chinese", cities=[("Shanghai", "200031"), ("Beijing", "100022"), ("Shenzhen", "518057"),
                                       ("Hangzhou", "310012")],
                streets=["Room 1202, 88 Jianguo Road", "15 Keyuan South Road", "Flat 501, 188 Wensan Road",
                         "398 Caoxi North Road"]),
}

EN_OCC = [("Pharmacist", "Boots UK Ltd"), ("Teacher", "Northfield Primary School"),
          ("Accountant", "Harlow & Finch LLP"), ("Registered nurse", "St Vincent's Hospital"),
          ("Software developer", "Brightwave Software"), ("Electrician", "Volt Electrical Services"),
          ("Graphic designer", "Studio Meridian"), ("Civil engineer", "Arcadis Partners"),
          ("Retail manager", "Greenleaf Grocers"), ("Paramedic", "County Ambulance Service"),
          ("Chef", "The Olive Table"), ("Librarian", "Central City Library"),
          ("Bus driver", "City Transit Authority"), ("Dental nurse", "Smile Dental Practice")]

ZH_SUR = [("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
          ("赵", "zhao"), ("黄", "huang"), ("周", "zhou"), ("吴", "wu"), ("徐", "xu"), ("孙", "sun"),
          ("胡", "hu"), ("朱", "zhu"), ("高", "gao"), ("林", "lin"), ("何", "he"), ("郭", "guo"),
          ("马", "ma"), ("罗", "luo"), ("梁", "liang"), ("宋", "song"), ("郑", "zheng"), ("谢", "xie")]
ZH_GIVEN_M = [("伟", "wei"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"), ("勇", "yong"),
              ("杰", "jie"), ("涛", "tao"), ("明辉", "minghui"), ("建华", "jianhua"), ("志强", "zhiqiang"),
              ("宇航", "yuhang"), ("浩然", "haoran"), ("子轩", "zixuan"), ("文博", "wenbo"), ("国栋", "guodong")]
ZH_GIVEN_F = [("芳", "fang"), ("静", "jing"), ("丽", "li"), ("敏", "min"), ("燕", "yan"), ("娜", "na"),
              ("秀英", "xiuying"), ("婷婷", "tingting"), ("雪梅", "xuemei"), ("欣怡", "xinyi"),
              ("晓琳", "xiaolin"), ("佳慧", "jiahui"), ("梦瑶", "mengyao"), ("海燕", "haiyan")]
ZH_CITIES = [
    ("北京", "北京市朝阳区", ["建国路", "朝阳北路", "望京街"], "100022", "110105"),
    ("上海", "上海市徐汇区", ["漕溪北路", "天钥桥路", "宜山路"], "200030", "310104"),
    ("广州", "广州市天河区", ["体育西路", "天河路", "黄埔大道西"], "510620", "440106"),
    ("深圳", "深圳市南山区", ["科技园南路", "南海大道", "桃园路"], "518057", "440305"),
    ("杭州", "杭州市西湖区", ["文三路", "天目山路", "古墩路"], "310012", "330106"),
    ("成都", "成都市武侯区", ["人民南路四段", "科华北路", "武侯祠大街"], "610041", "510107"),
    ("武汉", "武汉市武昌区", ["中南路", "中北路", "武珞路"], "430071", "420106"),
    ("南京", "南京市玄武区", ["中山路", "北京东路", "珠江路"], "210008", "320102"),
    ("西安", "西安市雁塔区", ["小寨东路", "长安南路", "科技路"], "710061", "610113"),
    ("青岛", "青岛市市南区", ["香港中路", "东海西路", "闽江路"], "266071", "370202"),
    ("长沙", "长沙市岳麓区", ["麓山南路", "枫林一路", "桐梓坡路"], "410083", "430104"),
    ("郑州", "郑州市金水区", ["花园路", "经三路", "农业路"], "450003", "410105"),
]
ZH_OCC = [("软件工程师", "云启科技有限公司"), ("中学教师", "第二中学"), ("会计", "恒信会计师事务所"),
          ("护士", "市第一人民医院"), ("销售经理", "华联商贸有限公司"), ("公务员", "区市场监督管理局"),
          ("建筑设计师", "宏图建筑设计院"), ("个体经营者", "鑫源便利店"), ("医生", "市中心医院"),
          ("快递员", "顺达速运有限公司"), ("厨师", "福满楼餐饮有限公司"), ("行政专员", "德邦物流股份有限公司"),
          ("电气工程师", "国网供电公司"), ("银行柜员", "农商银行营业部")]


def cn_id(area, y, m, d, male, rng):
    body = f"{area}{y:04d}{m:02d}{d:02d}{rng.randint(0, 99):02d}"
    g = rng.choice([1, 3, 5, 7, 9]) if male else rng.choice([0, 2, 4, 6, 8])
    body += str(g)
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(c) * k for c, k in zip(body, w))
    return body + "10X98765432"[s % 11]


def rand_date(rng, y0, y1):
    y = rng.randint(y0, y1)
    m = rng.randint(1, 12)
    d = rng.randint(1, 28)
    return y, m, d


def make_person(lang, rng, country=None):
    p = {}
    male = rng.random() < 0.5
    p["gender"] = "M" if male else "F"
    y, m, d = rand_date(rng, 1956, 2004)
    p["dob"] = (y, m, d)
    sy, sm, sd = 2025, rng.randint(1, 11), rng.randint(1, 28)
    p["date"] = (sy, sm, sd)
    if lang == "zh" or country == "CNR":
        sur, sp = rng.choice(ZH_SUR)
        giv, gp = rng.choice(ZH_GIVEN_M if male else ZH_GIVEN_F)
        city, dist, roads, pc, area = rng.choice(ZH_CITIES)
        ph = f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"
        phs = rng.choice([ph, f"{ph[:3]} {ph[3:7]} {ph[7:]}", f"+86 {ph[:3]} {ph[3:7]} {ph[7:]}"])
        occ, emp = rng.choice(ZH_OCC)
        emg_sur, _ = rng.choice(ZH_SUR)
        emg_giv, _ = rng.choice(ZH_GIVEN_M + ZH_GIVEN_F)
        eph = f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"
        p["idnum"] = cn_id(area, y, m, d, male, rng)
        p["passport"] = f"E{rng.choice('ABCDGH')}{rng.randint(1000000, 9999999)}"
        if lang == "zh":
            p["name"] = sur + giv
            p["last"], p["first"] = sur, giv
            p["nat"] = "中国"
            p["city"] = city
            p["address"] = f"{dist}{rng.choice(roads)}{rng.randint(2, 399)}号" + rng.choice(
                ["", f"{rng.randint(1, 12)}栋{rng.randint(1, 30)}0{rng.randint(1, 6)}室",
                 f"{rng.randint(1, 9)}单元{rng.randint(1, 20)}0{rng.randint(1, 4)}"])
            p["postcode"] = pc
            p["occ"] = occ
            p["emp"] = (city + rng.choice(["", "市"]) if not emp.startswith(("市", "区")) else city + "市") + emp
            p["emp"] = p["emp"].replace("市市", "市")
            p["emg"] = f"{emg_sur}{emg_giv} {eph}"
            p["email"] = f"{sp}{gp}{rng.randint(1, 99)}@example.cn"
            p["phone"] = phs
        else:  # romanised Chinese applicant on an English form
            first, last = gp.capitalize(), sp.capitalize()
            p["first"], p["last"] = first, last
            p["name"] = rng.choice([f"{first} {last}", f"{first} {last}"])
            c = COUNTRIES["CNR"]
            cty, pcc = rng.choice(c["cities"])
            p["nat"], p["city"], p["postcode"] = "Chinese", cty, pcc
            p["address"] = rng.choice(c["streets"])
            oc, em = rng.choice(EN_OCC)
            p["occ"], p["emp"] = oc, em
            p["emg"] = f"{rng.choice(EN_FIRST_M + EN_FIRST_F)} {last}, +86 {eph[:3]} {eph[3:7]} {eph[7:]}"
            p["email"] = f"{gp}.{sp}{rng.randint(1, 99)}@example.com"
            p["phone"] = f"+86 {ph[:3]} {ph[3:7]} {ph[7:]}"
        return p
    country = country or "UK"
    c = COUNTRIES[country]
    first = rng.choice(EN_FIRST_M if male else EN_FIRST_F)
    last = rng.choice(EN_LAST)
    p["first"], p["last"] = first, last
    p["name"] = f"{first} {last}"
    cty, pc = rng.choice(c["cities"])
    p["city"], p["postcode"], p["nat"] = cty, pc, c["nat"]
    p["address"] = rng.choice(c["streets"])
    n = rng.randint(100, 999)
    if country == "UK":
        ph = rng.choice([f"+44 7700 900{n}", f"07700 900{n}", f"0161 496 0{n}"])
        idn = f"{rng.choice(['QQ', 'AB', 'JT', 'NH'])} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.choice('ABCD')}"
    elif country == "US":
        ph = rng.choice([f"(916) 555-0{n % 100:02d}1", f"+1 503 555 0{n % 100:02d}2", f"512-555-0{n % 100:02d}3"])
        idn = f"{rng.randint(100, 665)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}"
    elif country == "AU":
        ph = f"+61 4{rng.randint(10, 99)} {n} {rng.randint(100, 999)}"
        idn = f"{rng.randint(2000, 6999)} {rng.randint(10000, 99999)} {rng.randint(1, 9)}"
    elif country == "IE":
        ph = f"+353 87 {n} {rng.randint(1000, 9999)}"
        idn = f"{rng.randint(1000000, 9999999)}{rng.choice('ABCTW')}A"
    elif country == "CA":
        ph = f"+1 604 555 0{n % 100:02d}9"
        idn = f"{rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
    else:
        ph = f"+64 21 555 0{n % 1000:03d}"
        idn = f"{rng.choice('ABCDEFG')}{rng.choice('ABCDEFG')}{rng.randint(100000, 999999)}"
    p["phone"], p["idnum"] = ph, idn
    p["passport"] = f"{rng.choice('ACEKLPZ')}{rng.randint(10000000, 99999999)}"
    oc, em = rng.choice(EN_OCC)
    p["occ"], p["emp"] = oc, em
    ef = rng.choice(EN_FIRST_M + EN_FIRST_F)
    p["emg"] = f"{ef} {last}, {ph[:-3]}{rng.randint(100, 999)}"
    p["email"] = f"{first.lower()}.{last.lower()}{rng.randint(1, 99)}@example.{rng.choice(['com', 'net', 'org'])}"
    return p


PERSON_ATTR = {"name": "name", "first_name": "first", "last_name": "last", "id_number": "idnum",
               "passport_number": "passport", "phone": "phone", "email": "email", "address": "address",
               "city": "city", "postcode": "postcode", "nationality": "nat", "occupation": "occ",
               "employer": "emp", "emergency_contact": "emg"}

KEY_SPELL = {
    "name": (["name"], ["full_name", "Full Name", "applicant_name", "Name", "fullName", "full name"], ["姓名"]),
    "first_name": (["first_name"], ["First name", "given_name", "forename", "firstName"], ["名"]),
    "last_name": (["last_name"], ["Last name", "surname", "family_name", "lastName"], ["姓"]),
    "id_number": (["id_number"], ["ID", "id_no", "national_id", "ID number"], ["身份证号码", "身份证号"]),
    "passport_number": (["passport_number"], ["passport_no", "Passport"], ["护照号码"]),
    "phone": (["phone"], ["Mobile", "mobile", "tel", "telephone", "mobile_phone", "cell"], ["手机", "联系电话"]),
    "email": (["email"], ["E-mail", "Email", "mail", "e_mail"], ["邮箱", "电子邮箱"]),
    "address": (["address"], ["home_address", "Address", "street_address", "residential_address"], ["地址", "住址"]),
    "city": (["city"], ["town", "City"], ["城市"]),
    "postcode": (["postcode"], ["zip", "ZIP", "post_code", "postal_code"], ["邮编", "邮政编码"]),
    "date_of_birth": (["date_of_birth"], ["dob", "DOB", "birth_date", "birthday"], ["出生日期", "生日"]),
    "gender": (["gender"], ["sex", "Sex", "Gender"], ["性别"]),
    "nationality": (["nationality"], ["Nationality", "country", "citizenship"], ["国籍"]),
    "occupation": (["occupation"], ["job", "profession", "job_title", "Occupation"], ["职业"]),
    "employer": (["employer"], ["company", "employer_name", "work_place"], ["工作单位"]),
    "emergency_contact": (["emergency_contact"], ["ICE", "emergency", "ice_contact", "emergency_phone"], ["紧急联系人"]),
    "date": (["date"], ["today", "date_signed", "signing_date", "Date"], ["日期"]),
}

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def spell_date(ymd, how):
    y, m, d = ymd
    if how == "iso":
        return f"{y:04d}-{m:02d}-{d:02d}"
    if how == "zh":
        return f"{y}年{m}月{d}日"
    if how == "dot":
        return f"{y:04d}.{m:02d}.{d:02d}"
    if how == "dmy":
        return f"{d} {MONTHS[m - 1]} {y}"
    if how == "mdy":
        return f"{MONTHS[m - 1]} {d}, {y}"
    if how == "slash":
        return f"{d:02d}/{m:02d}/{y:04d}"
    raise ValueError(how)


def iso(ymd):
    return f"{ymd[0]:04d}-{ymd[1]:02d}-{ymd[2]:02d}"


# ---------------------------------------------------------------------------------------------
# field model
# ---------------------------------------------------------------------------------------------

OSTYLE_JSON = {"css_sq": "square", "native_cb": "square", "css_rd": "radio", "native_rd": "radio", "glyph": "glyph"}


class F:
    def __init__(self, kind, key, label, size="m", opts=None, tall=False, role=None):
        self.kind, self.key, self.label = kind, key, label
        self.size, self.opts, self.tall, self.role = size, opts, tall, role
        self.i = None
        self.value = None
        self.ostyle = None
        self.glyph = None
        self.dstyle = None     # date style name
        self.fmt = None        # printed format (one-box dates), as printed
        self.order = None      # 'DMY' / 'MDY' / 'YMD'
        self.pad = True        # zero-padded part values
        self.after = None      # hint printed after the label (html text)
        self.req = False
        self.colon = ""
        self.num = None        # field number (not part of the label)
        self.parts = []        # part names in reading order
        self.one = False       # one-box date
        self.itype = None      # input style (for stats)
        self.gen = None        # generic slot name (for stats)


def lab(f, cls="", tag="span"):
    req = '<span class="req">*</span>' if f.req else ""
    h = f'<{tag} class="lab {cls}" data-lab="{f.i}">{esc(f.label)}{req}{esc(f.colon)}</{tag}>'
    if f.after:
        h += f' <span class="hint">{esc(f.after)}</span>'
    return h


def tin(f, st, style="", extra=""):
    f.itype = f.itype or st
    if st == "native":
        return f'<input class="inp nat" data-inp="{f.i}" style="{style}" tabindex="-1">'
    return f'<span class="inp {st}" data-inp="{f.i}" style="{style}">{extra}</span>'


def obox(f, k):
    s = f.ostyle
    a = f'data-ob="{f.i}:{k}"'
    if s == "css_sq":
        return f'<span class="ob sq" {a}></span>'
    if s == "css_rd":
        return f'<span class="ob rd" {a}></span>'
    if s == "native_cb":
        return f'<input type="checkbox" class="nb" {a} tabindex="-1">'
    if s == "native_rd":
        return f'<input type="radio" name="g{f.i}" class="nb" {a} tabindex="-1">'
    return f'<span class="og" data-og="{f.i}:{k}">{f.glyph}<i class="bl"></i></span>'


def opts_w(f, layout="row", text_first=False, codes=False, routes=None, cls=""):
    items = []
    for k, t in enumerate(f.opts):
        b = obox(f, k)
        tx = f'<span class="ot" data-ot="{f.i}:{k}">{esc(t)}</span>'
        inner = (tx + b) if text_first else (b + tx)
        if codes:
            inner = f'<span class="code">{k + 1}</span>' + inner
        if routes and routes.get(k):
            inner += f'<span class="route">{esc(routes[k])}</span>'
        items.append(f'<span class="opt{" tf" if text_first else ""}">{inner}</span>')
    lay = "orow" if layout == "row" else layout
    return f'<span class="opts {lay} {cls}">{"".join(items)}</span>'


# date formats as printed ------------------------------------------------------------------------

def fmt_for(order, sep, lang, lower=False):
    if order == "YMD" and sep == "zh":
        return "YYYY年MM月DD日"
    parts = {"D": "DD", "M": "MM", "Y": "YYYY"}
    s = sep.join(parts[c] for c in order)
    return s.lower() if lower else s


PART_NAME = {"D": "day", "M": "month", "Y": "year"}
PH = {"D": "DD", "M": "MM", "Y": "YYYY"}
CAP_EN = {"D": "Day", "M": "Month", "Y": "Year"}
CAP_ZH = {"D": "日", "M": "月", "Y": "年"}


def date_w(f, lang, st="box"):
    """Date widget (everything right of / under the label).  st: input look of boxes."""
    ds = f.dstyle
    f.parts = []
    f.one = ds.startswith("one")
    f.itype = st
    sep = getattr(f, "sep", "/")
    if st == "native" and ds.startswith("one"):
        ph = f' placeholder="{esc(f.fmt)}"' if ds == "one_ph" else ""
        box = f'<input class="inp nat dbox" data-inp="{f.i}" style="width:{f.w1}px" tabindex="-1"{ph}>'
        if ds == "one_under":
            hint = ("Format: " if lang == "en" else "格式：") + f.fmt
            return f'<span class="dcol lft">{box}<span class="hint small">{esc(hint)}</span></span>'
        return box
    if ds == "one_ph":
        return (f'<span class="inp {st} dbox" data-inp="{f.i}" style="width:{f.w1}px">'
                f'<span class="ph">{esc(f.fmt)}</span></span>')
    if ds in ("one_after", "one_none"):
        return f'<span class="inp {st} dbox" data-inp="{f.i}" style="width:{f.w1}px"></span>'
    if ds == "one_under":
        hint = ("Format: " if lang == "en" else "格式：") + f.fmt
        return (f'<span class="dcol lft"><span class="inp {st} dbox" data-inp="{f.i}" style="width:{f.w1}px"></span>'
                f'<span class="hint small">{esc(hint)}</span></span>')
    order = f.order
    f.parts = [PART_NAME[c] for c in order]
    pw = {"D": f.wd, "M": f.wd, "Y": f.wy}
    out = []
    for j, c in enumerate(order):
        a = f'data-part="{f.i}:{PART_NAME[c]}"'
        if ds in ("boxes", "ulsegs"):
            ph = f'<span class="ph">{PH[c]}</span>' if ds == "boxes" and f.phs else ""
            stt = st if ds == "boxes" else "ul"
            out.append(f'<span class="pb {stt}" {a} style="width:{pw[c]}px">{ph}</span>')
            if j < 2:
                out.append(f'<span class="dsep">{esc(sep)}</span>')
        elif ds in ("capbelow", "capabove"):
            cap = (CAP_EN if lang == "en" else CAP_ZH)[c] if not getattr(f, "capph", False) else PH[c]
            box = f'<span class="pb {st}" {a} style="width:{pw[c]}px"></span>'
            capx = f'<span class="cap">{esc(cap)}</span>'
            out.append(f'<span class="dcol">{capx + box if ds == "capabove" else box + capx}</span>')
        elif ds == "dmyinline":
            out.append(f'<span class="dunit pre">{CAP_EN[c]}</span><span class="pb {st}" {a} style="width:{pw[c]}px"></span>')
        elif ds in ("comb", "zh_comb"):
            n = 4 if c == "Y" else 2
            cells = "".join(f'<span class="cc">{"<span class=ph>" + c + "</span>" if ds == "comb" else ""}</span>' for _ in range(n))
            out.append(f'<span class="comb" {a}>{cells}</span>')
            if ds == "comb" and j < 2:
                out.append(f'<span class="dsep">{esc(sep)}</span>')
            if ds == "zh_comb":
                out.append(f'<span class="dunit">{CAP_ZH[c]}</span>')
        elif ds in ("zh_ul", "zh_box", "zh_blank"):
            stt = {"zh_ul": "ul", "zh_box": st, "zh_blank": "blank"}[ds]
            out.append(f'<span class="pb {stt}" {a} style="width:{pw[c]}px"></span><span class="dunit">{CAP_ZH[c]}</span>')
        else:
            raise ValueError(ds)
    cls = "dw cols" if ds in ("capbelow", "capabove") else "dw"
    return f'<span class="{cls}">{"".join(out)}</span>'


def setup_date(f, lang, rng, styles, order=None, fmts=None, wscale=1.0, size=14):
    """Choose the date style and its attributes (structure, not cosmetics)."""
    ds = rng.choice(styles)
    f.dstyle = ds
    if lang == "zh":
        order = "YMD"
    f.order = order or "DMY"
    f.sep = rng.choice(["/", "/", "-", "."]) if lang == "en" else rng.choice(["-", "/", "."])
    f.phs = True
    if ds.startswith("one"):
        if ds == "one_none":
            f.fmt = None
        else:
            if fmts:
                fm = rng.choice(fmts)
            elif lang == "zh":
                fm = rng.choice(["YYYY-MM-DD", "YYYY年MM月DD日", "YYYY/MM/DD", "YYYY.MM.DD"])
            else:
                fm = fmt_for(f.order, f.sep, lang)
            if lang == "en" and rng.random() < 0.3 and ds in ("one_ph", "one_after"):
                fm = fm.lower()
            f.fmt = fm
            if ds == "one_after":
                f.after = f"({fm})" if lang == "en" else f"（{fm}）"
    else:
        f.fmt = None
        if ds in ("zh_ul", "zh_box", "zh_blank", "zh_comb") or (lang == "zh" and ds in ("capbelow", "capabove")):
            f.pad = False
        if ds == "ulsegs":
            o = fmt_for(f.order, f.sep, lang, lower=rng.random() < 0.5)
            f.after = f"({o})" if lang == "en" else f"（{o}）"
        if lang == "zh" and ds in ("capbelow", "capabove") and rng.random() < 0.3:
            f.capph = True
            f.pad = True
        if ds == "boxes" and lang == "zh":
            f.pad = True
    f.wscale = wscale
    return f


def size_date(f, fs):
    """Cosmetic widths of the date widget for font size fs."""
    f.wd = int(round(fs * 2.6))
    f.wy = int(round(fs * 4.0))
    if f.dstyle == "zh_blank":
        f.wd, f.wy = int(fs * 2.4), int(fs * 3.6)
    if f.fmt:
        f.w1 = int(max(tw(f.fmt, fs) + 24, fs * 9) * f.wscale)
    else:
        f.w1 = int(fs * 10 * f.wscale)


def part_vals(f):
    if f.value is None:
        return {p: "" for p in ("day", "month", "year")}
    y, m, d = f.value.split("-")
    if f.pad:
        return {"year": y, "month": m, "day": d}
    return {"year": y, "month": str(int(m)), "day": str(int(d))}


# ---------------------------------------------------------------------------------------------
# CSS shared by all families
# ---------------------------------------------------------------------------------------------

def base_css(c):
    return f"""
html, body {{ margin: 0; padding: 0; background: {c.get('bg', '#fff')}; }}
body {{ font-family: {c['font']}; font-size: {c['fs']}px; line-height: {c['lh']}px; color: #141414; }}
.page {{ box-sizing: border-box; width: {c['W']}px; padding: {c['padt']}px {c['pad']}px {c['padb']}px; }}
.lab {{ }}
.req {{ color: #c00000; }}
.hint {{ color: #555; font-size: {c['fs'] - 2}px; white-space: nowrap; }}
.hint.small {{ font-size: {max(11, c['fs'] - 3)}px; line-height: {max(11, c['fs'] - 3) + 4}px; margin-top: 3px; }}
.ph {{ color: #9b9b9b; white-space: nowrap; font-size: {c['fs'] - 1}px; }}
.inp {{ box-sizing: border-box; display: inline-block; vertical-align: bottom; height: {c['ih']}px; }}
span.inp {{ display: inline-flex; align-items: center; padding: 0 6px; }}
.inp.box {{ border: 1px solid #333; background: #fff; }}
.inp.heavy {{ border: 2px solid #111; background: #fff; }}
.inp.ul {{ border-bottom: 1px solid #222; }}
.inp.dot {{ border-bottom: 2px dotted #333; }}
.inp.ubox {{ border: 1px solid #333; border-top: 0; }}
.inp.shade {{ background: #e8ecf1; border-bottom: 1px solid #445; }}
.inp.acro {{ background: {c.get('acro', '#dde4ff')}; }}
input.inp.nat {{ font: inherit; margin: 0; padding: 0 6px; border: 1px solid #767676; border-radius: 2px; background: #fff; }}
input.inp.nat::placeholder {{ color: #9b9b9b; }}
.opts {{ display: inline-flex; flex-wrap: wrap; align-items: center; column-gap: {c['ogap']}px; row-gap: 6px; vertical-align: middle; }}
.opts.stack {{ flex-direction: column; align-items: flex-start; row-gap: {c['sgap']}px; }}
.opt {{ display: inline-flex; align-items: center; white-space: nowrap; }}
.ob {{ box-sizing: border-box; display: inline-block; flex: none; width: {c['cb']}px; height: {c['cb']}px; border: 1.5px solid #222; background: #fff; margin-right: 6px; }}
.ob.rd {{ border-radius: 50%; }}
input.nb {{ flex: none; width: {c['cb']}px; height: {c['cb']}px; margin: 0 6px 0 0; }}
.og {{ margin-right: 0.4em; }}
.opt.tf .ob, .opt.tf input.nb {{ margin: 0 0 0 6px; }}
.opt.tf .og {{ margin: 0 0 0 0.4em; }}
.bl {{ display: inline-block; width: 0; height: 0; vertical-align: baseline; }}
.code {{ font-size: {max(11, c['fs'] - 3)}px; color: #444; margin-right: 6px; }}
.route {{ margin-left: 14px; font-size: {max(11, c['fs'] - 2)}px; color: #333; font-style: italic; }}
.dw {{ display: inline-flex; align-items: center; white-space: nowrap; vertical-align: bottom; }}
.dw.cols {{ align-items: flex-start; }}
.dcol {{ display: inline-flex; flex-direction: column; align-items: center; margin-right: 12px; }}
.dcol.lft {{ align-items: flex-start; margin-right: 0; }}
.cap {{ font-size: {max(11, c['fs'] - 3)}px; line-height: {max(11, c['fs'] - 3) + 3}px; color: #444; margin: 2px 0; }}
.pb {{ box-sizing: border-box; display: inline-flex; align-items: center; justify-content: center; height: {c['ih']}px; flex: none; }}
.pb.box {{ border: 1px solid #333; background: #fff; }}
.pb.heavy {{ border: 2px solid #111; background: #fff; }}
.pb.ul {{ border-bottom: 1px solid #222; }}
.pb.dot {{ border-bottom: 2px dotted #333; }}
.pb.ubox {{ border: 1px solid #333; border-top: 0; }}
.pb.shade {{ background: #e8ecf1; border-bottom: 1px solid #445; }}
.pb.acro {{ background: {c.get('acro', '#dde4ff')}; }}
.pb.blank {{ }}
.pb.native {{ border: 1px solid #767676; border-radius: 2px; }}
.dsep {{ margin: 0 6px; color: #333; }}
.dunit {{ margin: 0 10px 0 5px; }}
.dunit.pre {{ margin: 0 6px 0 0; color: #333; font-size: {c['fs'] - 1}px; }}
.pb + .dunit.pre {{ margin-left: 14px; }}
.comb {{ display: inline-flex; border: 1px solid #333; background: #fff; flex: none; }}
.comb .cc {{ box-sizing: border-box; width: {int(c['fs'] * 1.25)}px; height: {c['ih']}px; display: inline-flex; align-items: center; justify-content: center; }}
.comb .cc + .cc {{ border-left: 1px solid #888; }}
.comb .ph {{ font-size: {max(10, c['fs'] - 4)}px; }}
.rg {{ display: grid; gap: 1px; background: #111; padding: {c.get('rgpad', 1)}px; }}
.rg > div {{ background: #fff; box-sizing: border-box; min-width: 0; }}
"""


# ---------------------------------------------------------------------------------------------
# extraction
# ---------------------------------------------------------------------------------------------

JS_PREP = r"""
(() => {
  for (const g of document.querySelectorAll('.rg')) {
    const cs = getComputedStyle(g);
    const rows = cs.gridTemplateRows.split(' ').map(parseFloat);
    g.style.gridTemplateRows = rows.map(v => Math.ceil(v - 0.001) + 'px').join(' ');
    const r = g.getBoundingClientRect();
    const dy = Math.ceil(r.top - 0.001) - r.top;
    if (dy > 0.001) g.style.marginTop = (parseFloat(cs.marginTop) + dy) + 'px';
    const r2 = g.getBoundingClientRect();
    const dy2 = Math.ceil(r2.top - 0.001) - r2.top;
    if (dy2 > 0.001) g.style.marginTop = (parseFloat(getComputedStyle(g).marginTop) + dy2) + 'px';
  }
  return true;
})()
"""

JS_EXTRACT = r"""
(() => {
  const fl = Math.floor, ce = Math.ceil;
  const bx = r => [fl(r.left + 1e-4), fl(r.top + 1e-4), ce(r.right - 1e-4), ce(r.bottom - 1e-4)];
  function rbox(el) {
    const rg = document.createRange(); rg.selectNodeContents(el);
    let x1 = 1e9, y1 = 1e9, x2 = -1e9, y2 = -1e9, n = 0;
    for (const r of rg.getClientRects()) {
      if (r.width <= 0 || r.height <= 0) continue;
      n++; x1 = Math.min(x1, r.left); y1 = Math.min(y1, r.top); x2 = Math.max(x2, r.right); y2 = Math.max(y2, r.bottom);
    }
    return n ? [fl(x1 + 1e-4), fl(y1 + 1e-4), ce(x2 - 1e-4), ce(y2 - 1e-4)] : null;
  }
  const out = {lab: {}, labt: {}, inp: {}, part: {}, ob: {}, ot: {}, ott: {}, og: {}, decoy: [], frac: [], html: ''};
  for (const el of document.querySelectorAll('[data-lab]')) { out.lab[el.dataset.lab] = rbox(el); out.labt[el.dataset.lab] = el.textContent; }
  for (const el of document.querySelectorAll('[data-inp]')) out.inp[el.dataset.inp] = bx(el.getBoundingClientRect());
  for (const el of document.querySelectorAll('[data-part]')) out.part[el.dataset.part] = bx(el.getBoundingClientRect());
  for (const el of document.querySelectorAll('[data-ob]')) out.ob[el.dataset.ob] = bx(el.getBoundingClientRect());
  for (const el of document.querySelectorAll('[data-ot]')) { out.ot[el.dataset.ot] = rbox(el); out.ott[el.dataset.ot] = el.textContent; }
  const ctx = document.createElement('canvas').getContext('2d');
  for (const el of document.querySelectorAll('[data-og]')) {
    const cs = getComputedStyle(el);
    ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
    const t = el.firstChild;
    const rg = document.createRange(); rg.setStart(t, 0); rg.setEnd(t, 1);
    const r = rg.getBoundingClientRect();
    const base = el.querySelector('.bl').getBoundingClientRect().top;
    const m = ctx.measureText(t.data[0]);
    out.og[el.dataset.og] = [fl(r.left - m.actualBoundingBoxLeft), fl(base - m.actualBoundingBoxAscent),
                             ce(r.left + m.actualBoundingBoxRight), ce(base + m.actualBoundingBoxDescent)];
  }
  for (const el of document.querySelectorAll('[data-decoy]')) out.decoy.push(bx(el.getBoundingClientRect()));
  for (const el of document.querySelectorAll('.rg > div')) {
    const r = el.getBoundingClientRect();
    if ([r.left, r.top, r.right, r.bottom].some(v => Math.abs(v - Math.round(v)) > 0.01)) out.frac.push([r.left, r.top, r.right, r.bottom]);
  }
  out.html = '<!DOCTYPE html>\n' + document.documentElement.outerHTML;
  return out;
})()
"""


# ---------------------------------------------------------------------------------------------
# checks
# ---------------------------------------------------------------------------------------------

def inter(a, b):
    return min(a[2], b[2]) - max(a[0], b[0]) > 0 and min(a[3], b[3]) - max(a[1], b[1]) > 0


def contains(outer, inner):
    return outer[0] <= inner[0] and outer[1] <= inner[1] and outer[2] >= inner[2] and outer[3] >= inner[3]


def gap(a, b):
    dx = max(0, b[0] - a[2], a[0] - b[2])
    dy = max(0, b[1] - a[3], a[1] - b[3])
    return max(dx, dy)


def strip_label(t):
    t = t.strip()
    while t and t[-1] in ":：*＊ \u00a0":
        t = t[:-1].rstrip()
    return t


def ink_box(gray, box, pad=2, thr=110):
    x1, y1, x2, y2 = box
    H, W = gray.shape
    xa, ya, xb, yb = max(0, x1 - pad), max(0, y1 - pad), min(W, x2 + pad), min(H, y2 + pad)
    sub = gray[ya:yb, xa:xb]
    ys, xs = np.nonzero(sub < thr)
    if len(xs) == 0:
        return None
    return [xa + int(xs.min()), ya + int(ys.min()), xa + int(xs.max()) + 1, ya + int(ys.max()) + 1]


def run_checks(fields, js, W, H, gray, png_size):
    errs = []
    want = {str(f.i) for f in fields}
    for kind in ("lab", "inp"):
        extra = set(js[kind]) - want
        if extra:
            errs.append(f"DOM {kind} elements of no field: {sorted(extra)}")
    for kind in ("part", "ob", "ot", "og"):
        extra = {k.split(":")[0] for k in js[kind]} - want
        if extra:
            errs.append(f"DOM {kind} elements of no field: {sorted(extra)}")
    fb = {}  # field index -> list of (kind, box)
    for f in fields:
        i = str(f.i)
        lst = []
        lb = js["lab"].get(i)
        if lb is None:
            errs.append(f"f{i} {f.label!r}: no label box")
            continue
        if strip_label(js["labt"][i]) != f.label:
            errs.append(f"f{i}: DOM label {js['labt'][i]!r} != {f.label!r}")
        lst.append(("label", lb))
        if f.kind == "text" or (f.kind == "date" and f.one):
            ib = js["inp"].get(i)
            if ib is None:
                errs.append(f"f{i} {f.label!r}: no input box")
                continue
            lst.append(("input", ib))
        if f.kind == "date" and not f.one:
            xs = []
            for p in f.parts:
                pb = js["part"].get(f"{i}:{p}")
                if pb is None:
                    errs.append(f"f{i}: no part {p}")
                    continue
                lst.append(("part", pb))
                xs.append(pb[0])
            if xs != sorted(xs):
                errs.append(f"f{i}: parts not left to right")
        if f.kind == "checkbox":
            for k, t in enumerate(f.opts):
                key = f"{i}:{k}"
                b = js["og"].get(key) if f.ostyle == "glyph" else js["ob"].get(key)
                tb = js["ot"].get(key)
                if b is None or tb is None:
                    errs.append(f"f{i}: option {k} missing")
                    continue
                if js["ott"][key] != t:
                    errs.append(f"f{i}: option text {js['ott'][key]!r} != {t!r}")
                lst.append(("obox", b))
                lst.append(("otext", tb))
        fb[f.i] = lst
        for kind, b in lst:
            if not (b[2] > b[0] and b[3] > b[1]):
                errs.append(f"f{i} {f.label!r}: empty {kind} box {b}")
            if b[0] < 0 or b[1] < 0 or b[2] > W or b[3] > H:
                errs.append(f"f{i} {f.label!r}: {kind} box {b} outside page {W}x{H}")
        # own label vs own boxes: inside its own input (a cell) or apart
        for kind, b in lst[1:]:
            if inter(lb, b) and not (kind == "input" and contains(b, lb)):
                errs.append(f"f{i} {f.label!r}: label overlaps own {kind}")
        # option boxes of one group apart
        ob = [b for k, b in lst if k in ("obox", "otext")]
        for a in range(len(ob)):
            for c in range(a + 1, len(ob)):
                if inter(ob[a], ob[c]):
                    errs.append(f"f{i} {f.label!r}: option boxes overlap")
    idx = sorted(fb)
    for a in range(len(idx)):
        for c in range(a + 1, len(idx)):
            A, C = fb[idx[a]], fb[idx[c]]
            for ka, ba in A:
                for kc, bc in C:
                    if inter(ba, bc):
                        errs.append(f"f{idx[a]} {ka} {ba} overlaps f{idx[c]} {kc} {bc}")
    for a in idx:
        la = fb[a][0][1]
        for c in idx:
            if c == a:
                continue
            for kc, bc in fb[c]:
                if kc == "label":
                    continue
                if gap(la, bc) < 8:
                    errs.append(f"f{a} label {la} only {gap(la, bc)} px from f{c} {kc} {bc}")
    for d in js["decoy"]:
        for a in idx:
            for ka, ba in fb[a]:
                if inter(ba, d):
                    errs.append(f"f{a} {ka} {ba} on a decoy {d}")
    if js["frac"]:
        errs.append(f"ruled cells off whole pixels: {js['frac'][:2]}")
    # pixels
    for f in fields:
        if f.i not in fb:
            continue
        for kind, b in fb[f.i]:
            if kind in ("label", "otext"):
                x1, y1, x2, y2 = b
                sub = gray[max(0, y1):y2, max(0, x1):x2]
                if sub.size == 0 or int(sub.max()) - int(sub.min()) < 90:
                    errs.append(f"f{f.i} {f.label!r}: no ink in {kind} {b}")
        if f.kind == "checkbox" and f.ostyle == "glyph":
            for k in range(len(f.opts)):
                g = js["og"].get(f"{f.i}:{k}")
                if g is None:
                    continue
                ink = ink_box(gray, g, pad=3, thr=170)
                if ink is None or max(abs(ink[j] - g[j]) for j in range(4)) > 2:
                    errs.append(f"f{f.i}: glyph box {g} vs ink {ink}")
    if png_size > MAX_PNG:
        errs.append(f"PNG {png_size} bytes > {MAX_PNG}")
    return errs


# ---------------------------------------------------------------------------------------------
# layout helpers shared by the families
# ---------------------------------------------------------------------------------------------

UNITS = {"s": 1, "m": 2, "l": 4}


def pack(fields, cap=4):
    rows, cur, used = [], [], 0
    for f in fields:
        u = min(cap, UNITS[f.size])
        if cur and used + u > cap:
            rows.append(cur)
            cur, used = [], 0
        cur.append((f, u))
        used += u
    if cur:
        rows.append(cur)
    return rows


def widget(f, c, st, lang, layout="row", text_first=False, codes=False, routes=None, grow=True):
    """The writable part of a field in a flow layout (text input, date widget or options)."""
    if f.kind == "text":
        if f.tall:
            return tin(f, st, f"height:{c['ih'] * 2 + 8}px;" + ("flex:1 1 0; min-width:60px" if grow else "width:100%"))
        return tin(f, st, "flex:1 1 0; min-width:60px" if grow else "width:100%")
    if f.kind == "date":
        size_date(f, c["fs"])
        return date_w(f, lang, st if st not in ("ul", "dot") else ("ul" if f.dstyle.startswith("one") else "box"))
    return f'<span class="ow">{opts_w(f, layout, text_first=text_first, codes=codes, routes=routes)}</span>'


def item_left(f, c, st, lang, u=1, layout="row"):
    return (f'<div class="it" style="flex:{u} 1 0">{lab(f)}'
            f'{widget(f, c, st, lang, layout)}</div>')


def item_above(f, c, st, lang, span=1, hint=None, layout="row"):
    h = f'<div class="ia" style="grid-column: span {span}"><div class="la">{lab(f)}</div>'
    if hint:
        h += f'<div class="qh">{esc(hint)}</div>'
    w = widget(f, c, st, lang, layout, grow=False)
    return h + f'<div class="wa">{w}</div></div>'


FLOW_CSS = """
.row {{ display: flex; align-items: flex-end; column-gap: {rg}px; margin: {rm}px 0; }}
.it {{ display: flex; align-items: flex-end; column-gap: 8px; }}
.it > .lab {{ white-space: nowrap; padding-bottom: 3px; flex: none; }}
.it > .hint {{ padding-bottom: 4px; flex: none; }}
.ow {{ display: inline-flex; align-items: center; min-height: {ih}px; flex: none; }}
.ow > .opts.orow {{ flex-wrap: nowrap; }}
.ia {{ display: flex; flex-direction: column; min-width: 0; }}
.ia .la {{ margin-bottom: 5px; }}
.ia .wa {{ display: flex; align-items: flex-end; }}
.ia .wa > .inp {{ width: 100%; }}
.qh {{ color: #555; font-size: {hs}px; line-height: {hl}px; margin: -2px 0 5px; }}
"""


def flow_css(c):
    return FLOW_CSS.format(rg=c.get("rowgap", 26), rm=c.get("rowm", 12), ih=c["ih"],
                           hs=max(11, c["fs"] - 2), hl=max(11, c["fs"] - 2) + 5)


def sec_fields(form, *roles):
    out = []
    for s in form.sections:
        if s["role"] in roles:
            out += s["fields"]
    return out


class Grid:
    """A ruled table as a CSS grid (1 px rules = the gaps).  Cells are placed explicitly."""

    def __init__(self, cols):
        self.cols = cols
        self.cells = []
        self.nrows = 0

    def add(self, r, col, rs, cs, inner, cls="", attrs="", style=""):
        self.cells.append((r, col, rs, cs, inner, cls, attrs, style))
        self.nrows = max(self.nrows, r + rs)

    def html(self, extra_cls="", style=""):
        occ = {}
        for r, col, rs, cs, *_ in self.cells:
            for a in range(r, r + rs):
                for b in range(col, col + cs):
                    if (a, b) in occ:
                        raise ValueError(f"grid cell clash at {(a, b)}")
                    occ[(a, b)] = 1
        for a in range(self.nrows):
            for b in range(len(self.cols)):
                if (a, b) not in occ:
                    raise ValueError(f"grid hole at {(a, b)}")
        cols = " ".join(f"{w}px" for w in self.cols)
        out = [f'<div class="rg {extra_cls}" style="grid-template-columns:{cols}; '
               f'grid-template-rows: repeat({self.nrows}, auto); {style}">']
        for r, col, rs, cs, inner, cls, attrs, st in self.cells:
            out.append(f'<div class="{cls}" {attrs} style="grid-area:{r + 1}/{col + 1}/span {rs}/span {cs};{st}">{inner}</div>')
        out.append("</div>")
        return "".join(out)


def split_cols(total, weights):
    s = sum(weights)
    ws = [int(total * w / s) for w in weights]
    ws[-1] += total - sum(ws)
    return ws


def header_block(form, c, align="center"):
    t = form.theme
    h = '<div class="hdr" style="text-align:%s">' % align
    if t.get("issuer"):
        h += f'<div class="iss">{esc(t["issuer"])}</div>'
    h += f'<div class="ttl">{esc(t["title"])}</div>'
    if t.get("intro"):
        h += f'<div class="intro">{esc(t["intro"])}</div>'
    return h + "</div>"


HDR_CSS = """
.hdr .iss {{ font-size: {s1}px; line-height: {l1}px; color: #333; letter-spacing: .02em; }}
.hdr .ttl {{ font-size: {s2}px; line-height: {l2}px; font-weight: bold; margin: 4px 0 6px; }}
.hdr .intro {{ font-size: {s3}px; line-height: {l3}px; color: #333; margin-bottom: 10px; }}
.sech {{ font-weight: bold; margin: 16px 0 4px; }}
.decl {{ font-size: {s3}px; line-height: {l3}px; color: #222; margin: 8px 0; }}
.foot {{ font-size: {s4}px; line-height: {l4}px; color: #555; margin-top: 18px; }}
"""


def hdr_css(c):
    fs = c["fs"]
    return HDR_CSS.format(s1=fs, l1=c["lh"], s2=int(fs * 1.55), l2=int(fs * 1.55 * 1.35) + 1,
                          s3=fs - 1, l3=c["lh"] - 1, s4=max(11, fs - 3), l4=max(11, fs - 3) + 5)


def decl_text(form):
    return form.theme.get("decl") or ("I declare that the information I have given on this form is correct and complete."
                                      if form.lang == "en" else "本人承诺以上所填信息真实、准确、完整，如有虚假，愿承担相应责任。")


# ---------------------------------------------------------------------------------------------
# family 1: tearoff -- application with a detachable receipt / appointment card below a cut line
# ---------------------------------------------------------------------------------------------

def fam_tearoff(form, c, rng):
    lang = form.lang
    st = form.look["inp"]
    css = base_css(c) + flow_css(c) + hdr_css(c) + f"""
.sech {{ border-bottom: 1.5px solid #222; padding-bottom: 2px; }}
.cut {{ margin: 26px -{c['pad'] - 8}px 18px; border-top: 2px dashed #555; position: relative; height: 0; }}
.cut span {{ position: absolute; top: -{c['lh'] // 2 + 1}px; left: 24px; background: #fff; padding: 0 8px; font-size: {c['fs'] - 1}px; color: #333; }}
.rcpt {{ border: 1.5px solid #222; padding: 10px 16px 12px; display: flex; column-gap: 24px; }}
.rcpt .rb {{ flex: 1 1 0; }}
.rcpt .rt {{ font-weight: bold; letter-spacing: .04em; margin-bottom: 4px; }}
.stamp {{ flex: none; width: {int(c['fs'] * 7)}px; height: {int(c['fs'] * 7)}px; border: 1.5px dashed #777; border-radius: 50%;
          display: flex; align-items: center; justify-content: center; color: #777; font-size: {c['fs'] - 2}px; text-align: center; align-self: center; }}
.code {{ }}
"""
    h = [header_block(form, c, align=form.look["align"])]
    for s in form.sections:
        if s["role"] == "receipt":
            cut = "✂  Detach here and keep this part" if lang == "en" else "✂  请沿此线剪开，下联由申请人保存"
            h.append(f'<div class="cut"><span>{esc(cut)}</span></div>')
            h.append('<div class="rcpt"><div class="rb">')
            h.append(f'<div class="rt">{esc(s["title"])}</div>')
            for row in pack(s["fields"], cap=4):
                h.append('<div class="row">' + "".join(item_left(f, c, st, lang, u) for f, u in row) + "</div>")
            h.append("</div>")
            stamp = "Office stamp" if lang == "en" else "受理专用章"
            h.append(f'<div class="stamp" data-decoy="1">{esc(stamp)}</div></div>')
            continue
        if s["title"]:
            h.append(f'<div class="sech">{esc(s["title"])}</div>')
        if s["role"] == "sign":
            h.append(f'<div class="decl">{esc(decl_text(form))}</div>')
        for row in pack(s["fields"], cap=4):
            h.append('<div class="row">' + "".join(item_left(f, c, st, lang, u) for f, u in row) + "</div>")
    return css, f'<div class="page">{"".join(h)}</div>'


# ---------------------------------------------------------------------------------------------
# family 2: govframe -- thick black outer frame, numbered boxed sections, labels above boxes
# ---------------------------------------------------------------------------------------------

def fam_govframe(form, c, rng):
    lang = form.lang
    st = form.look["inp"]
    tint = form.look["tint"]
    fr = form.look["frame"]
    css = base_css(c) + flow_css(c) + hdr_css(c) + f"""
.frame {{ border: {fr}px solid #000; padding: 14px 18px 18px; }}
.top {{ display: flex; justify-content: space-between; align-items: flex-start; }}
.fcode {{ border: 1.5px solid #000; padding: 2px 8px; font-weight: bold; font-size: {c['fs'] - 1}px; }}
.gsec {{ border: 1.5px solid #000; margin-top: 16px; background: {tint}; }}
.gsh {{ display: flex; align-items: center; column-gap: 10px; border-bottom: 1.5px solid #000; background: #fff; }}
.gsh .num {{ background: #000; color: #fff; font-weight: bold; width: {c['lh'] + 10}px; text-align: center; padding: 4px 0; font-size: {c['fs'] + 2}px; }}
.gsh .tt {{ font-weight: bold; font-size: {c['fs'] + 2}px; }}
.gbody {{ padding: 10px 16px 14px; display: grid; grid-template-columns: 1fr 1fr; column-gap: 32px; row-gap: 14px; }}
.gbody .la {{ font-weight: bold; }}
.office {{ margin-top: 14px; border: 1px solid #555; padding: 8px 12px; height: {c['lh'] * 3}px;
           background: repeating-linear-gradient(45deg, #eee, #eee 6px, #fafafa 6px, #fafafa 12px); color: #444; font-size: {c['fs'] - 2}px; }}
"""
    h = ['<div class="frame"><div class="top">']
    h.append(f'<div>{header_block(form, c, align="left")}</div>')
    h.append(f'<div class="fcode">{esc(form.theme["code"])}</div></div>')
    h.append(f'<div class="decl">{esc(form.theme["instr"])}</div>')
    n = 0
    for s in form.sections:
        n += 1
        h.append(f'<div class="gsec"><div class="gsh"><span class="num">{n}</span><span class="tt">{esc(s["title"])}</span></div>')
        h.append('<div class="gbody">')
        if s["role"] == "sign":
            h.append(f'<div class="decl" style="grid-column: span 2; margin:0">{esc(decl_text(form))}</div>')
        for f in s["fields"]:
            span = 2 if f.size == "l" else 1
            h.append(item_above(f, c, st, lang, span=span, hint=getattr(f, "qhint", None),
                                layout=form.look.get("olayout", "row")))
        h.append("</div></div>")
    off = "For office use only" if lang == "en" else "以下由经办机构填写（申请人不填）"
    h.append(f'<div class="office" data-decoy="1">{esc(off)}</div>')
    h.append("</div>")
    return css, f'<div class="page">{"".join(h)}</div>'


# ---------------------------------------------------------------------------------------------
# family 3: fieldnum -- US-style ruled cells with field numbers "1a" and tiny labels, Step column
# ---------------------------------------------------------------------------------------------

def date_est(f, fs):
    """Rough width of a date widget in parts inside a cell (cell sizes of size_date_cell)."""
    n_units = 3 if f.dstyle.startswith("zh") or f.dstyle in ("capbelow", "capabove") else 2
    return fs * (3.4 + 2 * 2.2) + n_units * (fs + 16) + (24 if f.dstyle == "boxes" else 0)


def cell_date_inner(f, c, lang, st="box"):
    """Inside a ruled cell: the date's widget (parts) or its printed format (one box = the cell)."""
    size_date(f, c["fs"])
    f.wd, f.wy = int(c["fs"] * 2.2), int(c["fs"] * 3.4)
    if f.dstyle == "one_ph":
        f.one, f.parts, f.itype = True, [], "cell"
        return f'<div class="cph"><span class="ph">{esc(f.fmt)}</span></div>'
    if f.dstyle in ("one_after", "one_none"):
        f.one, f.parts, f.itype = True, [], "cell"
        return ""
    return f'<div class="cw">{date_w(f, lang, st)}</div>'


def fam_fieldnum(form, c, rng):
    lang = form.lang
    ls = c["small"]
    css = base_css(c) + hdr_css(c) + f"""
.fhead {{ display: flex; border-bottom: 3px solid #000; padding-bottom: 6px; align-items: stretch; }}
.fhead .fl {{ width: 22%; border-right: 1.5px solid #000; padding-right: 8px; font-size: {ls}px; line-height: {ls + 4}px; }}
.fhead .fl b {{ display: block; font-size: {int(c['fs'] * 1.5)}px; line-height: {int(c['fs'] * 1.9)}px; }}
.fhead .fm {{ flex: 1; text-align: center; padding: 0 10px; }}
.fhead .fr {{ width: 16%; border-left: 1.5px solid #000; padding-left: 8px; font-size: {ls}px; line-height: {ls + 4}px; }}
.part {{ margin-top: 0; }}
.rg {{ background: #000; }}
.step {{ padding: 8px 8px; font-weight: bold; font-size: {c['fs']}px; }}
.step small {{ display: block; font-weight: normal; font-size: {ls}px; line-height: {ls + 4}px; margin-top: 4px; }}
.fc {{ padding: 7px 9px 8px 9px; min-height: {int(c['lh'] * 2.3)}px; }}
.fc .lab {{ font-size: {ls}px; line-height: {ls + 5}px; }}
.fc .hint {{ font-size: {ls}px; }}
.nt {{ display: inline-block; border: 1px solid #000; font-size: {ls - 1}px; line-height: {ls + 1}px; padding: 0 3px; margin-right: 6px; font-weight: bold; }}
.fc .cw {{ margin-top: 6px; }}
.fc .cph {{ margin-top: 6px; }}
.fc .opts {{ margin-top: 6px; }}
.emp {{ background: #d9d9d9 !important; font-size: {ls}px; line-height: {ls + 5}px; padding: 7px 9px; color: #222; }}
.rg.sp {{ margin-top: -1px; }}
"""
    h = ['<div class="fhead">']
    h.append(f'<div class="fl">{esc(form.theme["dept_small"])}<b>{esc(form.theme["code"])}</b></div>')
    h.append(f'<div class="fm">{header_block(form, c)}</div>')
    h.append(f'<div class="fr">{esc(form.theme["omb"])}</div></div>')
    W = c["W"] - 2 * c["pad"]
    stepw = int(W * 0.15)
    pad = 1
    datw = W - stepw - 2 * pad - 12  # 12 gaps between 13 columns
    unit = [datw // 12] * 12
    unit[-1] += datw - sum(unit)
    cols = [stepw] + unit
    num = 0
    for si, s in enumerate(form.sections):
        g = Grid(cols)
        rows, cur, used = [], [], 0
        span = {"s": 3, "m": 4, "l": 8}
        fl = list(s["fields"])
        for f in fl:
            u = span[f.size]
            if f.kind == "checkbox" and len(f.opts) > 3:
                u = 12
            if cur and used + u > 12:
                rows.append(cur)
                cur, used = [], 0
            cur.append([f, u])
            used += u
        if cur:
            rows.append(cur)
        letters = "abcdefghij"
        decoy_row = form.look.get("decoy_sec") == si
        r = 0
        for ri, row in enumerate(rows):
            tot = sum(u for _, u in row)
            keep = decoy_row and ri == len(rows) - 1 and tot <= 8
            if not keep:
                row[-1][1] += 12 - tot
            col = 1
            num += 1
            for k, (f, u) in enumerate(row):
                tag = f"{num}{letters[k]}" if len(row) > 1 else f"{num}"
                if form.look["numstyle"] == "plain":
                    tag = str(f.i + 1)
                inner = f'<span class="nt">{tag}</span>{lab(f)}'
                attrs = ""
                if f.kind == "text":
                    attrs = f'data-inp="{f.i}"'
                    f.itype = "cell"
                elif f.kind == "date":
                    inner += cell_date_inner(f, c, lang)
                    if f.one:
                        attrs = f'data-inp="{f.i}"'
                else:
                    inner += "<div>" + opts_w(f, "row") + "</div>"
                g.add(r, col, 1, u, inner, "fc", attrs)
                col += u
            if col < 13:
                g.add(r, col, 1, 13 - col, esc(form.theme["emp_only"]), "emp", 'data-decoy="1"')
            r += 1
        g.add(0, 0, r, 1, f'{esc(s["title"])}<small>{esc(s.get("sub", ""))}</small>', "step")
        h.append(g.html("sp" if si else ""))
    h.append(f'<div class="foot">{esc(form.theme["foot"])}</div>')
    return css, f'<div class="page">{"".join(h)}</div>'


# ---------------------------------------------------------------------------------------------
# families 4, 5 (and the Chinese court form): label | input ruled tables
# ---------------------------------------------------------------------------------------------

def pair_table(form, c, secs, cfg):
    """Ruled label|input table.  cfg: npairs, lw, photo_rows, vgroup, lalign, header_rows, decoys
    (rows of office-use cells after a section), tall2 fields (label spanning two rows), grp fields
    (a group label over two sub-labels)."""
    lang = form.lang
    W = c["W"] - 2 * c["pad"]
    npairs = cfg["npairs"]
    rgpad = c.get("rgpad", 1)
    lw = cfg["lw"]
    iw_est = (W - (30 + c["fs"] if cfg.get("vgroup") else 0) - (c["fs"] * 8.2 if cfg.get("photo_rows") else 0)
              - lw * npairs) / npairs - 24 - npairs * 2
    packed = []
    for s in secs:
        rows, cur, used = [], [], 0
        for f in s["fields"]:
            if getattr(f, "grp_member", False):
                continue
            if getattr(f, "tall2", False) or getattr(f, "grp", None):
                if cur:
                    rows.append(cur)
                rows.append([[f, npairs]])
                cur, used = [], 0
                continue
            u = 2 if f.size == "l" else 1
            if f.size == "l" and npairs >= 3 and (f.key in ("address", "emergency_contact") or f.tall):
                u = npairs
            if f.kind == "checkbox" and (len(f.opts) > 3 or sum(len(o) for o in f.opts) > 10):
                u = max(u, 2)
            if f.kind == "date" and not f.dstyle.startswith("one") and date_est(f, c["fs"]) > iw_est:
                u = max(u, 2)
            u = min(u, npairs)
            if cur and used + u > npairs:
                rows.append(cur)
                cur, used = [], 0
            cur.append([f, u])
            used += u
        if cur:
            rows.append(cur)
        packed.append((s, rows))
    photo_rows = 0
    if cfg.get("photo_rows"):
        n = 0
        for row in packed[0][1]:
            f0 = row[0][0]
            if getattr(f0, "grp", None) or getattr(f0, "tall2", False):
                break
            n += 1
        photo_rows = min(cfg["photo_rows"], n) if n >= 2 else 0
    vg = 30 + c["fs"] if cfg.get("vgroup") else 0
    pw = int(c["fs"] * 8.2) if photo_rows else 0
    ncols = (1 if vg else 0) + 2 * npairs + (1 if pw else 0)
    avail = W - 2 * rgpad - (ncols - 1) - vg - pw - lw * npairs
    iw = [avail // npairs] * npairs
    iw[-1] += avail - sum(iw)
    cols = ([vg] if vg else []) + sum(([lw, w] for w in iw), []) + ([pw] if pw else [])
    c0 = 1 if vg else 0
    last = len(cols) - 1
    g = Grid(cols)
    r = 0
    lcls = "gl " + cfg.get("lalign", "lc")
    for s, rows in packed:
        r0 = r
        if cfg.get("header_rows") and s["title"]:
            g.add(r, c0, 1, len(cols) - c0, esc(s["title"]), "gh")
            r += 1
        for row in rows:
            f0 = row[0][0]
            endcol = last if (pw and r < photo_rows) else len(cols)
            if getattr(f0, "grp", None):
                f1 = f0.grp
                g.add(r, c0, 2, 1, f'<span class="gt">{esc(f0.grp_title)}</span>', lcls)
                for j, ff in enumerate((f0, f1)):
                    g.add(r + j, c0 + 1, 1, 1, lab(ff), lcls)
                    g.add(r + j, c0 + 2, 1, endcol - c0 - 2, "", "gi", f'data-inp="{ff.i}"')
                    ff.itype = "cell"
                r += 2
                continue
            tot = sum(u for _, u in row)
            row[-1][1] += npairs - tot
            col = c0
            rs = 2 if getattr(f0, "tall2", False) else 1
            for j, (f, u) in enumerate(row):
                g.add(r, col, rs, 1, lab(f), lcls)
                span = 2 * u - 1
                if j == len(row) - 1:
                    span = endcol - col - 1
                attrs, inner = "", ""
                if f.kind == "text":
                    attrs = f'data-inp="{f.i}"'
                    f.itype = "cell"
                elif f.kind == "date":
                    inner = cell_date_inner(f, c, lang, st=cfg.get("dst", "box"))
                    if f.one:
                        attrs = f'data-inp="{f.i}"'
                else:
                    inner = opts_w(f, "row")
                tall = f"min-height:{2 * (c['lh'] + 14) + 1}px;" if rs == 2 else ""
                g.add(r, col + 1, rs, span, inner, "gi", attrs, tall)
                col += 1 + span
            r += rs
        if cfg.get("vgroup") and r > r0:
            vt = s.get("vtitle") or s["title"]
            room = sum((2 if getattr(row[0][0], "tall2", False) or getattr(row[0][0], "grp", None) else 1)
                       for row in rows) * (c["lh"] + 18)
            if tw(vt, c["fs"], True) * 1.25 + 10 > room:
                vt = ""
            g.add(r0, 0, r - r0, 1, f'<span class="vg">{esc(vt)}</span>', "gv")
        for dl, dt in cfg.get("decoys", {}).get(s["id"], []):
            g.add(r, 0, 1, c0 + 1, esc(dl), lcls + " dec", 'data-decoy="1"')
            g.add(r, c0 + 1, 1, len(cols) - c0 - 1, f'<span class="dtx">{esc(dt)}</span>', "gd", 'data-decoy="1"')
            r += 1
    if pw:
        photo = "照片" if lang == "zh" else "Photo"
        sub = "（一寸免冠）" if lang == "zh" else "(passport size)"
        g.add(0, last, photo_rows, 1, f'<div>{esc(photo)}<br><small>{esc(sub)}</small></div>', "gp", 'data-decoy="1"')
    return g


PAIR_CSS = """
.gl {{ padding: 9px 10px; display: flex; flex-direction: column; justify-content: center; background: {lbg}; }}
.gl.lc {{ align-items: center; text-align: center; }}
.gl.ll {{ align-items: flex-start; }}
.gl .lab {{ {lweight} }}
.gl .hint {{ display: block; }}
.gi {{ padding: 6px 10px; display: flex; align-items: center; min-height: {rowh}px; }}
.gi .cw, .gi .cph {{ }}
.gh {{ background: {hbg} !important; color: {hfg}; font-weight: bold; padding: 4px 10px; }}
.gv {{ display: flex; align-items: center; justify-content: center; background: {lbg} !important; }}
.gv .vg {{ writing-mode: vertical-rl; letter-spacing: .2em; font-weight: bold; }}
.gp {{ display: flex; align-items: center; justify-content: center; text-align: center; color: #666; }}
.gp small {{ font-size: {sm}px; }}
.gd {{ background: repeating-linear-gradient(135deg, #e4e4e4, #e4e4e4 5px, #f6f6f6 5px, #f6f6f6 10px) !important; padding: 6px 10px; display: flex; align-items: flex-end; justify-content: flex-end; min-height: {rowh}px; }}
.gd .dtx {{ color: #444; font-size: {sm}px; }}
.gl.dec {{ color: #444; }}
.gt {{ font-weight: bold; }}
"""


def pair_css(c, lbg="#f2f2f2", hbg="#222", hfg="#fff", bold=False):
    return PAIR_CSS.format(lbg=lbg, hbg=hbg, hfg=hfg, lweight="font-weight:bold;" if bold else "",
                           rowh=c["lh"] + 14, sm=max(11, c["fs"] - 2))


def fam_dengji(form, c, rng):
    lang = form.lang
    css = base_css(c) + hdr_css(c) + pair_css(c, lbg=form.look["lbg"]) + """
.meta { display: flex; justify-content: space-between; margin: 4px 0 8px; }
"""
    h = [header_block(form, c)]
    meta = form.theme["meta"]
    h.append(f'<div class="meta decl"><span>{esc(meta[0])}</span><span>{esc(meta[1])}</span></div>')
    secs = [s for s in form.sections]
    npairs = 3 if (lang == "zh" and c["W"] >= 1000) else 2
    cfg = dict(npairs=npairs, lw=form.look["lw"], photo_rows=form.look["photo_rows"], vgroup=lang == "zh" or form.look["vg"],
               lalign="lc", decoys=form.look.get("decoys", {}), dst="box")
    g = pair_table(form, c, secs, cfg)
    h.append(g.html())
    h.append(f'<div class="foot">{esc(form.theme["foot"])}</div>')
    return css, f'<div class="page">{"".join(h)}</div>'


def fam_sixcol(form, c, rng):
    lang = form.lang
    css = base_css(c) + hdr_css(c) + pair_css(c, lbg=form.look["lbg"], hbg=form.look["hbg"], bold=form.look["bold"]) + """
.bankhead { display: flex; justify-content: space-between; align-items: flex-end; border-bottom: 3px solid %s; padding-bottom: 6px; margin-bottom: 8px; }
.logo { font-weight: bold; font-size: %dpx; color: %s; }
.rg + .rg { margin-top: 12px; }
""" % (form.look["hbg"], int(c["fs"] * 1.4), form.look["hbg"])
    h = ['<div class="bankhead">']
    h.append(f'<div class="logo">{esc(form.theme["issuer"])}</div>')
    h.append(f'<div class="hint">{esc(form.theme["code"])}</div></div>')
    h.append(f'<div class="hdr"><div class="ttl" style="text-align:center">{esc(form.theme["title"])}</div>'
             f'<div class="intro">{esc(form.theme["intro"])}</div></div>')
    cfg = dict(npairs=3, lw=form.look["lw"], header_rows=True, lalign=form.look["lalign"],
               decoys=form.look.get("decoys", {}), dst="box")
    for s in form.sections:
        g = pair_table(form, c, [s], cfg)
        h.append(g.html())
    h.append(f'<div class="foot">{esc(form.theme["foot"])}</div>')
    return css, f'<div class="page">{"".join(h)}</div>'


# ---------------------------------------------------------------------------------------------
# family 6: routing -- numbered survey questions, answers on the right, "Go to" routing notes,
# office coding boxes at the right edge
# ---------------------------------------------------------------------------------------------

def fam_routing(form, c, rng):
    lang = form.lang
    st = form.look["inp"]
    W = c["W"] - 2 * c["pad"]
    nw = int(c["fs"] * 2.6)
    qw = int(W * form.look["qfrac"])
    cw = 40
    css = base_css(c) + hdr_css(c) + f"""
.sbar {{ background: {form.look['bar']}; color: #fff; font-weight: bold; padding: 4px 10px; margin-top: 16px; }}
.q {{ display: grid; grid-template-columns: {nw}px {qw}px 1fr {cw}px; column-gap: 16px; border-top: 1px solid #9a9a9a; padding: 11px 0 11px; }}
.q:first-of-type {{ border-top: 0; }}
.qn {{ font-weight: bold; }}
.qt .lab {{ font-weight: {'bold' if form.look['qbold'] else 'normal'}; }}
.qt .qh {{ color: #555; font-size: {max(11, c['fs'] - 2)}px; line-height: {max(11, c['fs'] - 2) + 5}px; margin-top: 3px; }}
.qa {{ display: flex; align-items: flex-start; min-width: 0; }}
.qa .inp {{ flex: none; }}
.qc {{ display: flex; column-gap: 2px; justify-content: flex-end; align-self: start; }}
.qc span {{ width: 14px; height: 18px; background: #e6e6e6; border: 1px solid #aaa; box-sizing: border-box; }}
.offn {{ font-size: {max(11, c['fs'] - 4)}px; color: #666; text-align: right; margin-top: 6px; }}
"""
    h = [header_block(form, c, align="left")]
    h.append(f'<div class="decl">{esc(form.theme["instr"])}</div>')
    h.append(f'<div class="offn">{esc("Office use" if lang == "en" else "编码（调查员填写）")}</div>')
    qn = 0
    all_q = [f for s in form.sections for f in s["fields"]]
    qnum = {f.i: n + 1 for n, f in enumerate(all_q)}
    for s in form.sections:
        h.append(f'<div class="sbar">{esc(s["title"])}</div>')
        for f in s["fields"]:
            qn += 1
            tag = form.look["qfmt"].format(qnum[f.i])
            routes = None
            if f.kind == "checkbox" and getattr(f, "skip", None):
                routes = {}
                for k, sk in f.skip.items():
                    tgt = qnum[f.i] + sk + 1
                    routes[k] = (f"→ Go to Q{tgt}" if lang == "en" else f"→ 跳至第{tgt}题")
            if f.kind == "text":
                wfrac = {"s": 0.45, "m": 0.8, "l": 1.0}[f.size]
                aw = int((W - nw - qw - cw - 48) * wfrac)
                hgt = f"height:{c['ih'] * 2 + 6}px;" if f.tall else ""
                w = tin(f, st, f"width:{aw}px;{hgt}")
            elif f.kind == "date":
                w = widget(f, c, st, lang)
            else:
                lay = "stack" if (len(f.opts) > 2 or routes or form.look["stack"]) else "row"
                w = opts_w(f, lay, codes=form.look["codes"], routes=routes)
            code = '<div class="qc" data-decoy="1"><span></span><span></span></div>' if (qn % 3 != 2) else "<div></div>"
            h.append(f'<div class="q"><div class="qn">{esc(tag)}</div><div class="qt">{lab(f)}')
            if getattr(f, "qhint", None):
                h.append(f'<div class="qh">{esc(f.qhint)}</div>')
            h.append(f'</div><div class="qa">{w}</div>{code}</div>')
    h.append(f'<div class="foot">{esc(form.theme["foot"])}</div>')
    return css, f'<div class="page">{"".join(h)}</div>'


# ---------------------------------------------------------------------------------------------
# family 7: twopage -- a two-page PDF form on a viewer background, name repeated on page 2
# ---------------------------------------------------------------------------------------------

def fam_twopage(form, c, rng):
    lang = form.lang
    st = form.look["inp"]
    css = base_css(c) + flow_css(c) + hdr_css(c) + f"""
body {{ background: #8c8c8c; }}
.viewer {{ padding: 18px; }}
.sheet {{ background: #fff; box-shadow: 0 1px 5px rgba(0,0,0,.55); padding: 22px {c['pad'] - 18}px 26px; }}
.sheet + .sheet {{ margin-top: 20px; }}
.phead, .pfoot {{ display: flex; justify-content: space-between; font-size: {max(11, c['fs'] - 3)}px; line-height: {max(11, c['fs'] - 3) + 5}px; color: #444; }}
.phead {{ border-bottom: 1px solid #888; padding-bottom: 4px; margin-bottom: 10px; }}
.pfoot {{ border-top: 1px solid #888; padding-top: 4px; margin-top: 18px; }}
.sh2 {{ background: {form.look['bar']}; font-weight: bold; padding: 4px 10px; margin: 16px 0 10px; }}
.g2 {{ display: grid; grid-template-columns: 1fr 1fr; column-gap: 30px; row-gap: 14px; }}
.cont {{ border: 1px solid #777; background: #f1f1f1; padding: 8px 12px; }}
.cont .row {{ margin: 4px 0; }}
.cont .inp {{ background: #fff; }}
"""
    code = form.theme["code"]
    pages = [[], []]
    for s in form.sections:
        pages[1 if s.get("page2") else 0].append(s)
    h = ['<div class="viewer">']
    for pn, secs in enumerate(pages):
        h.append('<div class="sheet">')
        h.append(f'<div class="phead"><span>{esc(code)}</span><span>{esc(form.theme["issuer"])}</span></div>')
        if pn == 0:
            h.append(header_block(form, c, align="left"))
        for s in secs:
            if s["role"] == "cont":
                t = "Your name and reference (please complete on every page)" if lang == "en" else "申请人信息（每页均需填写）"
                h.append(f'<div class="cont"><div class="decl" style="margin:0 0 4px">{esc(t)}</div>')
                for row in pack(s["fields"], cap=4):
                    h.append('<div class="row">' + "".join(item_left(f, c, "box", lang, u) for f, u in row) + "</div>")
                h.append("</div>")
                continue
            h.append(f'<div class="sh2">{esc(s["title"])}</div>')
            if s["role"] == "sign":
                h.append(f'<div class="decl">{esc(decl_text(form))}</div>')
            h.append('<div class="g2">')
            for f in s["fields"]:
                h.append(item_above(f, c, st, lang, span=2 if f.size == "l" else 1,
                                    layout=form.look.get("olayout", "row")))
            h.append("</div>")
        pg = (f"Page {pn + 1} of 2" if lang == "en" else f"第 {pn + 1} 页 共 2 页")
        h.append(f'<div class="pfoot"><span>{esc(form.theme["foot"])}</span><span>{esc(pg)}</span></div>')
        h.append("</div>")
    h.append("</div>")
    return css, "".join(h)


# ---------------------------------------------------------------------------------------------
# family 8: diagram -- clinic letterhead, patient details, screening questions beside a body /
# tooth diagram (not a field)
# ---------------------------------------------------------------------------------------------

def body_svg(w, col):
    h = int(w * 1.05)

    def fig(cx):
        s = w / 220.0
        return (f'<circle cx="{cx}" cy="{22 * s}" r="{13 * s}" fill="none" stroke="{col}" stroke-width="1.5"/>'
                f'<path d="M{cx - 22 * s},{42 * s} L{cx + 22 * s},{42 * s} L{cx + 20 * s},{120 * s} L{cx - 20 * s},{120 * s} Z" fill="none" stroke="{col}" stroke-width="1.5"/>'
                f'<path d="M{cx - 22 * s},{44 * s} L{cx - 38 * s},{118 * s} M{cx + 22 * s},{44 * s} L{cx + 38 * s},{118 * s}" stroke="{col}" stroke-width="1.5"/>'
                f'<path d="M{cx - 12 * s},{120 * s} L{cx - 15 * s},{218 * s} M{cx + 12 * s},{120 * s} L{cx + 15 * s},{218 * s}" stroke="{col}" stroke-width="1.5"/>')
    return (f'<svg width="{w}" height="{h}" viewBox="0 0 {w} {h}" xmlns="http://www.w3.org/2000/svg">'
            f'{fig(w * 0.27)}{fig(w * 0.73)}</svg>')


def tooth_chart(c):
    cells = []
    for r, nums in enumerate([list(range(8, 0, -1)) + list(range(1, 9))] * 2):
        for k, n in enumerate(nums):
            bl = "border-left:2px solid #333;" if k == 8 else ""
            bt = "border-top:2px solid #333;" if r == 1 else ""
            cells.append(f'<span style="{bl}{bt}">{n}</span>')
    return f'<div class="teeth">{"".join(cells)}</div>'


def fam_diagram(form, c, rng):
    lang = form.lang
    st = form.look["inp"]
    acc = form.look["acc"]
    W = c["W"] - 2 * c["pad"]
    dw = int(W * 0.3)
    css = base_css(c) + flow_css(c) + hdr_css(c) + f"""
.lh {{ display: flex; justify-content: space-between; align-items: center; border-bottom: 3px solid {acc}; padding-bottom: 8px; }}
.lh .lg {{ display: flex; align-items: center; column-gap: 12px; }}
.lh .logo {{ width: {c['lh'] * 2}px; height: {c['lh'] * 2}px; border-radius: 50%; background: {acc}; color: #fff; display: flex; align-items: center; justify-content: center; font-weight: bold; }}
.lh .cn {{ font-size: {int(c['fs'] * 1.35)}px; font-weight: bold; color: {acc}; }}
.lh .ad {{ text-align: right; font-size: {max(11, c['fs'] - 2)}px; line-height: {max(11, c['fs'] - 2) + 5}px; color: #444; }}
.ttl2 {{ text-align: center; font-size: {int(c['fs'] * 1.4)}px; font-weight: bold; margin: 12px 0 4px; }}
.sech {{ color: {acc}; border-bottom: 1px solid {acc}; }}
.med {{ display: flex; column-gap: 28px; align-items: flex-start; }}
.med .qs {{ flex: 1 1 0; min-width: 0; }}
.yn {{ display: flex; justify-content: space-between; align-items: center; column-gap: 20px; border-bottom: 1px dotted #999; padding: 7px 0; }}
.yn .lab {{ min-width: 0; }}
.dg {{ flex: none; width: {dw}px; border: 1px solid #999; padding: 8px; text-align: center; font-size: {max(11, c['fs'] - 2)}px; line-height: {max(11, c['fs'] - 2) + 5}px; color: #333; }}
.teeth {{ display: grid; grid-template-columns: repeat(16, 1fr); margin: 8px 0; }}
.teeth span {{ font-size: {max(10, c['fs'] - 4)}px; line-height: {max(10, c['fs'] - 4) + 8}px; text-align: center; }}
"""
    h = ['<div class="lh"><div class="lg">']
    h.append(f'<div class="logo">{esc(form.theme["logo"])}</div><div class="cn">{esc(form.theme["issuer"])}</div></div>')
    h.append(f'<div class="ad">{"<br>".join(esc(x) for x in form.theme["addr"])}</div></div>')
    h.append(f'<div class="ttl2">{esc(form.theme["title"])}</div>')
    h.append(f'<div class="decl" style="text-align:center">{esc(form.theme["intro"])}</div>')
    for s in form.sections:
        h.append(f'<div class="sech">{esc(s["title"])}</div>')
        if s["role"] == "med":
            h.append('<div class="med"><div class="qs">')
            for f in s["fields"]:
                if f.kind == "checkbox":
                    h.append(f'<div class="yn">{lab(f)}{opts_w(f, "row")}</div>')
                else:
                    h.append('<div class="row">' + item_left(f, c, st, lang, 1) + "</div>")
            cap = form.theme["dcap"]
            pic = tooth_chart(c) if form.theme.get("teeth") else body_svg(dw - 18, "#555")
            h.append(f'</div><div class="dg" data-decoy="1">{pic}<div>{esc(cap)}</div></div></div>')
            continue
        if s["role"] == "sign":
            h.append(f'<div class="decl">{esc(decl_text(form))}</div>')
        for row in pack(s["fields"], cap=4):
            h.append('<div class="row">' + "".join(item_left(f, c, st, lang, u) for f, u in row) + "</div>")
    return css, f'<div class="page">{"".join(h)}</div>'


# ---------------------------------------------------------------------------------------------
# family 9: acrofill -- a fillable PDF in a viewer: pale blue field highlights, Word-style table
# ---------------------------------------------------------------------------------------------

def fam_acrofill(form, c, rng):
    lang = form.lang
    acro = form.look["acro"]
    css = base_css(dict(c, acro=acro)) + hdr_css(c) + f"""
body {{ background: #e6e6e6; }}
.tb {{ background: #323639; color: #f1f1f1; height: 38px; display: flex; align-items: center; justify-content: space-between; padding: 0 16px; font-family: 'DejaVu Sans', sans-serif; font-size: 13px; }}
.nb2 {{ background: #e4e4f6; border-bottom: 1px solid #b9b9d9; display: flex; justify-content: space-between; align-items: center; padding: 6px 16px; font-family: 'DejaVu Sans', sans-serif; font-size: 12px; line-height: 18px; color: #222; }}
.nb2 .btn {{ border: 1px solid #8a8ab0; background: #fff; padding: 2px 10px; border-radius: 3px; }}
.sheet {{ background: #fff; margin: 18px 24px 24px; padding: 30px {c['pad'] - 24}px 34px; box-shadow: 0 1px 4px rgba(0,0,0,.35); }}
.wsec {{ font-weight: bold; font-size: {c['fs'] + 1}px; border-bottom: 1.5px solid #222; margin: 18px 0 10px; padding-bottom: 2px; }}
.wt {{ display: grid; grid-template-columns: max-content 1fr max-content 1fr; column-gap: 14px; row-gap: 10px; align-items: center; }}
.wt .lab {{ font-weight: {'bold' if form.look['bold'] else 'normal'}; white-space: nowrap; }}
.wt .lw {{ white-space: nowrap; }}
.wt .fw {{ display: flex; align-items: center; min-width: 0; }}
.wt .fw > .inp {{ width: 100%; }}
.ob.acr {{ background: {acro}; border: 1px solid #8a93b8; }}
.inp.acro, .pb.acro {{ border: 0; }}
"""
    fname = form.theme["file"]
    h = [f'<div class="tb"><span>{esc(fname)}</span><span>1 / 1</span><span>100%</span></div>']
    h.append('<div class="nb2"><span>Please fill out the following form. You can save data typed into this form.</span>'
             '<span class="btn">Highlight Existing Fields</span></div>')
    h.append('<div class="sheet">')
    h.append(header_block(form, c, align="left"))
    for s in form.sections:
        h.append(f'<div class="wsec">{esc(s["title"])}</div>')
        if s["role"] == "sign":
            h.append(f'<div class="decl">{esc(decl_text(form))}</div>')
        h.append('<div class="wt">')
        used = 0
        for f in s["fields"]:
            span = 3 if (f.size == "l" or (f.kind == "checkbox" and len(f.opts) > 2)) else 1
            if used and (used + 1 + span > 4):
                h.append('<span></span><span></span>' if used == 2 else "")
                used = 0
            w = widget(f, c, "acro", lang, grow=False)
            if f.kind == "checkbox":
                w = w.replace('class="ob sq"', 'class="ob sq acr"').replace('class="ob rd"', 'class="ob rd acr"')
            h.append(f'<div class="lw">{lab(f)}</div><div class="fw" style="grid-column: span {span}">{w}</div>')
            used += 1 + span
            if used >= 4:
                used = 0
        h.append("</div>")
    h.append(f'<div class="foot">{esc(form.theme["foot"])}</div></div>')
    return css, "".join(h)


# ---------------------------------------------------------------------------------------------
# family 10: court -- court form caption grid (party block, court-use box, case number), numbered
# paragraphs, name / signature lines with captions under them; Chinese: ruled table with groups
# ---------------------------------------------------------------------------------------------

def fam_court(form, c, rng):
    lang = form.lang
    if lang == "zh":
        return fam_court_zh(form, c, rng)
    W = c["W"] - 2 * c["pad"]
    ls = c["small"]
    lw = int((W - 3) * 0.62)
    cols = [lw, W - 3 - lw]
    css = base_css(c) + flow_css(c) + hdr_css(c) + f"""
.cc1 {{ padding: 6px 10px 10px; }}
.cc1 .ttt {{ font-size: {ls}px; line-height: {ls + 5}px; font-weight: bold; }}
.cc1 .row {{ margin: 9px 0 0; }}
.cc1 .lab {{ font-size: {ls}px; }}
.cuse {{ font-size: {ls}px; line-height: {ls + 5}px; font-weight: bold; text-align: center; padding-top: 6px; }}
.ctext {{ padding: 6px 10px; font-size: {ls}px; line-height: {ls + 6}px; font-weight: bold; }}
.cnum {{ padding: 8px 10px; min-height: {c['lh'] * 2}px; }}
.cnum .lab {{ font-size: {ls}px; font-weight: bold; }}
.ctitle {{ padding: 8px 10px; text-align: center; font-weight: bold; font-size: {c['fs'] + 1}px; }}
.para {{ margin: 14px 0 0; }}
.para .pn {{ font-weight: bold; margin-right: 6px; }}
.para .row {{ margin: 8px 0 0 {c['fs'] * 2}px; }}
.sl {{ display: flex; column-gap: 40px; margin-top: 22px; }}
.cu {{ flex: 1 1 0; display: flex; flex-direction: column; }}
.cu .capl {{ text-align: center; font-size: {ls}px; line-height: {ls + 5}px; margin-top: 3px; }}
.foot2 {{ display: flex; justify-content: space-between; border-top: 2px solid #000; margin-top: 18px; padding-top: 4px; font-size: {ls}px; line-height: {ls + 5}px; }}
"""
    secs = {s["id"]: s for s in form.sections}
    g = Grid(cols)
    party = secs["party"]
    inner = f'<div class="ttt">{esc(form.theme["party_title"])}</div>'
    for row in pack(party["fields"], cap=4):
        inner += '<div class="row">' + "".join(item_left(f, c, "ul", lang, u) for f, u in row) + "</div>"
    g.add(0, 0, 1, 1, inner, "cc1")
    g.add(0, 1, 1, 1, "FOR COURT USE ONLY", "cuse", 'data-decoy="1"')
    g.add(1, 0, 1, 1, "<br>".join(esc(x) for x in form.theme["court"]), "ctext")
    cn = secs["case"]["fields"][0]
    cn.itype = "cell"
    g.add(1, 1, 1, 1, lab(cn), "cnum", f'data-inp="{cn.i}"')
    g.add(2, 0, 1, 2, esc(form.theme["title"]), "ctitle")
    h = [g.html()]
    pn = 0
    for s in form.sections:
        if s["id"] in ("party", "case"):
            continue
        if s["role"] == "sign":
            dt = [f for f in s["fields"] if f.key == "date" or (f.kind == "date")]
            others = [f for f in s["fields"] if f not in dt]
            h.append(f'<div class="decl" style="margin-top:16px">{esc(decl_text(form))}</div>')
            if dt:
                h.append('<div class="row" style="width:45%">' + item_left(dt[0], c, "ul", lang, 1) + "</div>")
            h.append('<div class="sl">')
            for f in others:
                f.itype = "ul"
                h.append(f'<div class="cu">{tin(f, "ul", "width:100%")}<div class="capl">({lab(f)})</div></div>')
            h.append("</div>")
            continue
        pn += 1
        h.append(f'<div class="para"><span class="pn">{pn}.</span>{esc(s["title"])}')
        letters = "abcdefgh"
        k = 0
        for row in pack(s["fields"], cap=4):
            parts = []
            for f, u in row:
                parts.append(f'<div class="it" style="flex:{u} 1 0"><span class="pn" style="padding-bottom:3px">{letters[k]}.</span>'
                             f'{lab(f)}{widget(f, c, "ul", lang)}</div>')
                k += 1
            h.append('<div class="row">' + "".join(parts) + "</div>")
        h.append("</div>")
    h.append(f'<div class="foot2"><span>{esc(form.theme["code"])}</span><b>{esc(form.theme["short"])}</b><span>Page 1 of 1</span></div>')
    return css, f'<div class="page">{"".join(h)}</div>'


def fam_court_zh(form, c, rng):
    css = base_css(c) + hdr_css(c) + flow_css(c) + pair_css(c, lbg="#fff", bold=False) + """
.para2 { padding: 8px 12px; font-size: %dpx; line-height: %dpx; }
.sgl { display: flex; justify-content: flex-end; column-gap: 30px; margin-top: 16px; }
.sgl .it { flex: none; }
.casebar { display: flex; justify-content: space-between; margin: 4px 0 8px; }
""" % (c["fs"] - 1, c["lh"])
    h = [header_block(form, c)]
    h.append(f'<div class="casebar decl"><span>{esc(form.theme["meta"][0])}</span><span>{esc(form.theme["meta"][1])}</span></div>')
    secs = [s for s in form.sections if s["role"] != "sign_out"]
    cfg = dict(npairs=2, lw=form.look["lw"], vgroup=True, lalign="lc", decoys=form.look.get("decoys", {}), dst="box")
    g = pair_table(form, c, secs, cfg)
    h.append(g.html())
    for s in form.sections:
        if s["role"] == "sign_out":
            h.append(f'<div class="decl">{esc(decl_text(form))}</div>')
            h.append('<div class="sgl">')
            for f in s["fields"]:
                wst = "ul"
                h.append(f'<div class="it">{lab(f)}{widget(f, c, wst, "zh") if f.kind != "text" else tin(f, "ul", "width:%dpx" % (c["fs"] * 9))}</div>')
            h.append("</div>")
    return css, f'<div class="page">{"".join(h)}</div>'


# ---------------------------------------------------------------------------------------------
# family 11: consent -- patient details panel, screening questions, consent paragraphs with
# initials boxes, patient and witness / clinician signature blocks
# ---------------------------------------------------------------------------------------------

def fam_consent(form, c, rng):
    lang = form.lang
    st = form.look["inp"]
    acc = form.look["acc"]
    css = base_css(c) + flow_css(c) + hdr_css(c) + f"""
.hsp {{ display: flex; justify-content: space-between; align-items: flex-end; border-bottom: 2px solid {acc}; padding-bottom: 6px; }}
.hsp .hn {{ font-weight: bold; color: {acc}; font-size: {int(c['fs'] * 1.25)}px; }}
.ttl3 {{ font-size: {int(c['fs'] * 1.45)}px; font-weight: bold; text-align: center; margin: 12px 0 6px; }}
.pbox {{ border: 1.5px solid #333; padding: 4px 14px 10px; margin-top: 8px; }}
.pbox .pt {{ font-weight: bold; margin-top: 4px; }}
.yn {{ display: flex; justify-content: space-between; align-items: center; column-gap: 24px; border-bottom: 1px solid #bbb; padding: 7px 0; }}
.cpara {{ display: flex; column-gap: 22px; align-items: flex-end; margin: 10px 0; }}
.cpara .tx {{ flex: 1 1 0; font-size: {c['fs'] - 1}px; line-height: {c['lh'] - 1}px; }}
.cpara .it {{ flex: none; }}
.sbs {{ display: flex; column-gap: 30px; margin-top: 14px; }}
.sbs .sb {{ flex: 1 1 0; border-top: 2px solid #333; padding-top: 4px; min-width: 0; }}
.sbs .sb .pt {{ font-weight: bold; }}
"""
    h = ['<div class="hsp">']
    h.append(f'<span class="hn">{esc(form.theme["issuer"])}</span><span class="hint">{esc(form.theme["code"])}</span></div>')
    h.append(f'<div class="ttl3">{esc(form.theme["title"])}</div>')
    h.append(f'<div class="decl">{esc(form.theme["intro"])}</div>')
    sbs_open = False
    for s in form.sections:
        role = s["role"]
        if role in ("sign", "witness"):
            if not sbs_open:
                h.append('<div class="sbs">')
                sbs_open = True
            h.append(f'<div class="sb"><div class="pt">{esc(s["title"])}</div>')
            for f in s["fields"]:
                h.append('<div class="row">' + item_left(f, c, "ul", lang, 1) + "</div>")
            h.append("</div>")
            continue
        if sbs_open:
            h.append("</div>")
            sbs_open = False
        if role in ("applicant", "contact"):
            h.append(f'<div class="pbox"><div class="pt">{esc(s["title"])}</div>')
            for row in pack(s["fields"], cap=4):
                h.append('<div class="row">' + "".join(item_left(f, c, st, lang, u) for f, u in row) + "</div>")
            h.append("</div>")
        elif role == "screen":
            h.append(f'<div class="sech">{esc(s["title"])}</div>')
            run = []
            for f in s["fields"] + [None]:
                if f is not None and f.kind != "checkbox":
                    run.append(f)
                    continue
                for row in pack(run, cap=4):
                    h.append('<div class="row">' + "".join(item_left(x, c, st, lang, u) for x, u in row) + "</div>")
                run = []
                if f is not None:
                    h.append(f'<div class="yn">{lab(f)}{opts_w(f, "row")}</div>')
        elif role == "consent":
            h.append(f'<div class="sech">{esc(s["title"])}</div>')
            paras = form.theme["paras"]
            ini = [f for f in s["fields"] if f.label == "Initials"]
            if ini:
                for k, f in enumerate(ini):
                    f.itype = "box"
                    h.append(f'<div class="cpara"><div class="tx">{k + 1}. {esc(paras[k % len(paras)])}</div>'
                             f'<div class="it">{lab(f)}{tin(f, "box", "width:%dpx" % int(c["fs"] * 4.5))}</div></div>')
            else:
                for k, p in enumerate(paras):
                    h.append(f'<div class="cpara"><div class="tx">{k + 1}. {esc(p)}</div></div>')
                for f in s["fields"]:
                    if f.kind == "checkbox":
                        h.append(f'<div class="yn">{lab(f)}{opts_w(f, "row")}</div>')
                    else:
                        h.append('<div class="row">' + item_left(f, c, st, lang, 1) + "</div>")
        else:
            h.append(f'<div class="sech">{esc(s["title"])}</div>')
            for row in pack(s["fields"], cap=4):
                h.append('<div class="row">' + "".join(item_left(f, c, "ul", lang, u) for f, u in row) + "</div>")
    if sbs_open:
        h.append("</div>")
    h.append(f'<div class="foot">{esc(form.theme["foot"])}</div>')
    return css, f'<div class="page">{"".join(h)}</div>'


FAMILIES = ["tearoff", "govframe", "fieldnum", "dengji", "sixcol", "routing", "twopage", "diagram",
            "acrofill", "court", "consent"]
RENDER = {"tearoff": fam_tearoff, "govframe": fam_govframe, "fieldnum": fam_fieldnum, "dengji": fam_dengji,
          "sixcol": fam_sixcol, "routing": fam_routing, "twopage": fam_twopage, "diagram": fam_diagram,
          "acrofill": fam_acrofill, "court": fam_court, "consent": fam_consent}


# ---------------------------------------------------------------------------------------------
# themes (two English and two Chinese per family)
# ---------------------------------------------------------------------------------------------

THEMES = {
    "tearoff": {
        "en": [
            dict(title="Community Eye Test — Appointment Request", issuer="Riverside Community Opticians",
                 intro="Complete the upper part and hand it in at reception. Keep the appointment card below.",
                 secs=[("Your eye health", ["ts:GP surgery", "c:Do you wear glasses or contact lenses?|Glasses|Contact lenses|Neither",
                                            "yn:Do you have diabetes?", "d:Date of your last eye test",
                                            "c:Preferred time|Morning|Afternoon|Evening"])],
                 receipt=("APPOINTMENT CARD — please keep this part", ["k:name:Patient name", "d:Appointment date", "ts:Time", "ts:Room"])),
            dict(title="Bulky Waste Collection Request", issuer="Northfield Borough Council — Waste Services",
                 intro="One form per collection. Items must be left outside your property by 7am on the collection day.",
                 secs=[("Collection details", ["tl:Description of items", "ts:Number of items", "t:Where will the items be left?",
                                               "d:Preferred collection date", "c:Property type|House|Flat|Bungalow",
                                               "c:Payment method|Card|Cheque|Cash"])],
                 receipt=("RECEIPT — keep for your records", ["k:name:Name", "ts:Booking reference", "d:Collection date", "ts:Amount paid"])),
        ],
        "zh": [
            dict(title="社区老年大学报名表", issuer="XX街道社区老年大学", intro="请填写上联交至报名处，下联回执由学员保存。",
                 secs=[("报名信息", ["c:报名班级|书法班|声乐班|太极拳班|摄影班", "c:上课时段|上午|下午", "yn:是否参加过本校课程",
                                     "ts:原学员证号", "tl:兴趣特长"])],
                 receipt=("报名回执（学员保存）", ["k:name:学员姓名", "k:phone:联系电话", "ts:报名编号", "d:开课日期"])),
            dict(title="有线电视业务报停申请表", issuer="XX广电网络有限公司营业厅", intro="办理报停业务请携带户主身份证原件。下联为受理回执。",
                 secs=[("业务信息", ["t:用户编号", "t:智能卡号", "d:报停起始日期", "c:报停期限|3个月|6个月|12个月",
                                     "c:报停原因|搬家|长期外出|其他"])],
                 receipt=("受理回执", ["k:name:户主姓名", "ts:受理单号", "d:受理日期"])),
        ],
    },
    "govframe": {
        "en": [
            dict(title="Carer's Allowance Claim", issuer="Department for Community Support", code="CA1 04/25",
                 instr="Please use black ink and write in CAPITAL LETTERS. Answer every question in parts 1 to 4.",
                 secs=[("The person you look after", ["t:Their full name", "d:Their date of birth", "t:Their relationship to you",
                                                      "yn:Do you care for them for 35 hours a week or more?",
                                                      "d:Date you started caring for them"])], title_group=True),
            dict(title="Seniors Card Application", issuer="Office for Seniors", code="SC-2 (rev. 03/2025)",
                 instr="Please print clearly inside the white boxes and tick the boxes that apply.",
                 secs=[("Employment and your card", ["yn:Are you currently in paid employment?", "ts:Hours worked per week",
                                                     "c:How would you like to receive your card?|By post|Collect in person",
                                                     "t:Concession card number (if any)"])], title_group=True),
        ],
        "zh": [
            dict(title="城乡居民基本养老保险参保登记表", issuer="XX市社会保险事业管理中心", code="表 SB-01",
                 instr="请用黑色钢笔或签字笔填写，字迹清楚，不得涂改。",
                 secs=[("参保信息", ["c:户籍性质|农业户口|非农业户口", "c:缴费档次|300元|500元|1000元|2000元", "t:户口所在地",
                                     "d:参保日期", "t:特殊参保群体类别"])]),
            dict(title="独生子女父母奖励扶助申请表", issuer="XX区卫生健康局", code="JK-07",
                 instr="请申请人如实填写，带*号项目为必填项。",
                 secs=[("子女信息", ["t:子女姓名", "d:子女出生日期", "t:独生子女父母光荣证编号", "c:婚姻状况|已婚|离异|丧偶"])]),
        ],
    },
    "fieldnum": {
        "en": [
            dict(title="Employee's Withholding Allowance Certificate", code="Form WH-4", dept_small="State Department of Revenue",
                 omb="OMB No. 1545-0074 · 2025", emp_only="Employers only", issuer="",
                 intro="Complete Form WH-4 so that your employer can withhold the correct income tax from your pay.",
                 foot="For Privacy Act and Paperwork Reduction Act Notice, see page 3.   Cat. No. 10220Q",
                 steps=[("Step 1:", "Enter personal information"), ("Step 2:", "Multiple jobs"),
                        ("Step 3:", "Claim dependents"), ("Sign here", "Under penalties of perjury, I declare that this certificate is correct.")],
                 secs=[("Step 2:", ["yn:Do you hold more than one job at a time?", "c:Filing status|Single|Married filing jointly|Head of household"]),
                       ("Step 3:", ["ts:Number of qualifying children", "ts:Other dependents", "ts:Extra withholding per pay period"])]),
            dict(title="Employment Eligibility Verification", code="Form EV-9", dept_small="Department of Labor Services",
                 omb="Expires 07/31/2027", emp_only="Employer completes", issuer="",
                 intro="Employees must complete and sign Section 1 no later than the first day of employment.",
                 foot="Form EV-9  Edition 01/20/25   Page 1 of 4",
                 steps=[("Section 1.", "Employee information"), ("Attestation", "I attest, under penalty of perjury, that I am (check one):"),
                        ("Sign here", "")],
                 secs=[("Attestation", ["c:I am (check one)|A citizen of the United States|A noncitizen national|A lawful permanent resident|A noncitizen authorized to work",
                                        "t:USCIS A-Number", "d:Work authorization expiration date"])]),
        ],
        "zh": [
            dict(title="个人所得税自行纳税申报表（A表）", code="A表", dept_small="国家税务总局监制", issuer="",
                 omb="金额单位：人民币元", emp_only="税务机关填写", intro="税款所属期：2025年1月1日至2025年12月31日",
                 foot="谨声明：本表是根据国家税收法律法规及相关规定填报的，是真实的、可靠的、完整的。",
                 steps=[("第一部分", "纳税人信息"), ("第二部分", "收入及减除"), ("第三部分", "签章")],
                 secs=[("第二部分", ["c:所得项目|工资薪金|劳务报酬|稿酬所得|特许权使用费", "ts:收入额", "ts:减除费用", "d:所得期间起始日"])]),
            dict(title="社会保险个人缴费基数申报表", code="SB-03", dept_small="XX市社会保险经办机构", issuer="",
                 omb="申报年度：2025", emp_only="经办机构填写", intro="参保人应如实申报上年度月平均工资。",
                 foot="本表一式两份，参保人与经办机构各留存一份。",
                 steps=[("一、", "参保人信息"), ("二、", "缴费基数申报"), ("三、", "签字确认")],
                 secs=[("二、", ["c:参保类别|企业职工|灵活就业人员", "ts:个人编号", "ts:上年度月平均工资", "ts:申报缴费基数", "d:申报月份"])]),
        ],
    },
    "dengji": {
        "en": [
            dict(title="Staff Personnel Record", issuer="Greenvale District Council — Human Resources",
                 meta=("Form HR-12", "Confidential when completed"),
                 foot="Return this form to Human Resources within five working days of your start date.",
                 secs=[("Employment", ["ts:Staff number", "t:Department", "t:Position", "d:Start date",
                                       "c:Marital status|Single|Married|Divorced|Widowed", "t:Highest qualification", "tt2:Work history"])],
                 office=("Approved by", "Human Resources use only — signature and stamp")),
            dict(title="Postgraduate Research Student Record", issuer="Graduate School of Sciences",
                 meta=("Form PG-R1", "Academic year 2025/26"),
                 foot="The information on this record is held under the University's data protection policy.",
                 secs=[("Programme", ["ts:Student ID", "t:Programme", "t:Supervisor", "c:Mode of study|Full-time|Part-time",
                                      "d:Start date", "tt2:Thesis title"])],
                 office=("School approval", "Graduate School use only")),
        ],
        "zh": [
            dict(title="流动人口居住登记表", issuer="XX市公安局XX派出所", meta=("编号：LD-2025", "（此表由登记人如实填写）"),
                 foot="注：登记人应自居住之日起三十日内办理居住登记。",
                 secs=[("居住信息", ["ts:民族", "t:户籍地址", "c:居住事由|务工|经商|就学|投靠亲友|其他", "d:来本地日期",
                                     "t:房东姓名", "c:婚姻状况|未婚|已婚", "tt2:备注"])],
                 office=("审核意见", "（盖章）        年    月    日")),
            dict(title="人才引进登记表", issuer="XX市人力资源和社会保障局", meta=("表号：RC-01", "（请用黑色签字笔填写）"),
                 foot="注：本表一式两份，请附学历学位证书复印件。",
                 secs=[("教育及工作情况", ["ts:民族", "ts:政治面貌", "c:最高学历|本科|硕士研究生|博士研究生", "t:毕业院校",
                                           "t:所学专业", "d:毕业时间", "tt2:工作经历"])],
                 office=("用人单位意见", "（单位盖章）        年    月    日")),
        ],
    },
    "sixcol": {
        "en": [
            dict(title="Business Account Signatory Form", issuer="Harbour Commercial Bank", code="Form BS-7 (05/2025)",
                 intro="Complete one form for each authorised signatory. Please use BLOCK CAPITALS.",
                 foot="Harbour Commercial Bank plc. Registered office: 1 Quay Street, Bristol BS1 4DJ.",
                 secs=[("Business details", ["t:Business name", "ts:Account number",
                                             "c:Signing authority|Sole signatory|Any two to sign|All to sign", "t:Position in the business"])],
                 office=("Branch code", "Bank use only")),
            dict(title="Credit Card Application", issuer="Meridian Savings Bank", code="CC-APP 2025",
                 intro="Please complete all sections. Incomplete applications may be delayed.",
                 foot="Credit is subject to status and affordability. Meridian Savings Bank, PO Box 270, Leeds LS1 4HR.",
                 secs=[("Financial details", ["c:Residential status|Own|Rent|With parents", "ts:Years at address", "ts:Annual income",
                                              "ts:Requested credit limit", "c:Card type|Classic|Gold|Platinum", "t:Mother's maiden name"])],
                 office=("Application no.", "Bank use only")),
        ],
        "zh": [
            dict(title="信用卡申请表", issuer="XX银行信用卡中心", code="XYK-01（2025版）",
                 intro="请用黑色签字笔正楷填写，并在相应的□内打“√”。", foot="客服热线：95XXX  本行保留最终审批权。",
                 secs=[("财务信息", ["c:住宅状况|自有|租赁|与父母同住", "ts:年收入（万元）", "ts:现单位工作年限",
                                     "c:申请卡种|普卡|金卡|白金卡", "c:账单寄送方式|电子邮件|纸质账单"])],
                 office=("推广编号", "银行填写")),
            dict(title="个人住房贷款申请表", issuer="XX银行个人贷款中心", code="GR-DK-02",
                 intro="申请人应保证所填内容真实有效。", foot="本表由贷款经办行留存。",
                 secs=[("贷款信息", ["t:房屋坐落", "ts:购房总价（万元）", "ts:申请贷款金额（万元）", "ts:贷款期限（年）",
                                     "c:还款方式|等额本息|等额本金", "c:婚姻状况|未婚|已婚|离异"])],
                 office=("经办网点", "银行填写")),
        ],
    },
    "routing": {
        "en": [
            dict(title="Labour Force Survey — Individual Questionnaire", issuer="National Statistics Office",
                 instr="Answer each question by ticking one box or writing in the space provided. Follow the arrows where shown.",
                 foot="Thank you for taking part. Your answers are confidential and used for statistical purposes only.",
                 secs=[("Section C: Work", [("c", "Did you do any paid work last week?", ["Yes", "No"], {1: 2}),
                                            "k:occupation:What is your job title?", "k:employer:What is the name of your employer?",
                                            "ts:How many hours do you usually work a week?",
                                            "yn:Are you looking for paid work?"])]),
            dict(title="Housing Needs Register — Questionnaire", issuer="Westbrook City Council Housing Options",
                 instr="Please answer all questions that apply to you. Tick one box for each question unless told otherwise.",
                 foot="Return this questionnaire to Housing Options, Civic Centre, Westbrook WB1 2AA.",
                 secs=[("Section C: Your current home", [("c", "Do you currently rent your home?", ["Yes", "No"], {1: 1}),
                                                         "ts:How much rent do you pay each month?",
                                                         "ts:How many bedrooms does your home have?",
                                                         "yn:Does anyone in your household have a medical condition made worse by your housing?",
                                                         "d:When did you move to your current address?"])]),
        ],
        "zh": [
            dict(title="城镇居民家庭消费支出调查问卷", issuer="XX市统计局",
                 instr="请在符合您情况的选项前的□内打“√”，或在横线上填写。", foot="本调查数据仅用于统计分析，我们将严格保密。",
                 secs=[("二、家庭住房与消费", ["ts:您家庭常住人口数（人）", ("c", "您家是否拥有自有住房", ["是", "否"], {1: 1}),
                                             "ts:自有住房建筑面积（平方米）", "ts:您家上月消费支出总额（元）",
                                             "c:您家主要的购物方式|实体店|网购|两者差不多"])]),
            dict(title="人口抽样调查个人登记表", issuer="XX市人口抽样调查领导小组办公室",
                 instr="请按实际情况填写，选择题在相应选项的□内打“√”。", foot="依法保密  统计调查对象应如实提供资料。",
                 secs=[("二、户籍与教育", ["c:户口登记地|本村（居）委会|本乡镇其他村|其他乡镇",
                                         "c:受教育程度|未上过学|小学|初中|高中|大学专科|大学本科|研究生",
                                         ("c", "是否识字", ["是", "否"], {0: 1}), "ts:不识字的原因",
                                         "c:婚姻状况|未婚|有配偶|离婚|丧偶"])]),
        ],
    },
    "twopage": {
        "en": [
            dict(title="Childcare Subsidy Application", issuer="Family Assistance Office", code="Form FA-21", foot="FA-21 (2025)",
                 intro="Read the notes before you fill in this form. Use a black pen.",
                 secs=[("Part C — About your child", ["t:Child's full name", "d:Child's date of birth", "t:Name of childcare provider",
                                                      "ts:Hours of care per week",
                                                      "c:Your relationship to the child|Parent|Grandparent|Guardian"]),
                       ("Part D — Income", ["c:Combined family income|Under $50,000|$50,000 to $100,000|Over $100,000",
                                            "ts:Number of children in your care"])]),
            dict(title="Student Hardship Fund Application", issuer="Northbridge University Student Support", code="HF-1",
                 foot="HF-1  Student Support Office", intro="Applications are assessed within 15 working days.",
                 secs=[("Section 3 — Your studies", ["ts:Student number", "t:Course title", "c:Year of study|1|2|3|4 or later",
                                                     "c:Mode of study|Full-time|Part-time"]),
                       ("Section 4 — Your request", ["ts:Amount requested", "tt:Reason for your application"])]),
        ],
        "zh": [
            dict(title="城市居民最低生活保障申请表", issuer="XX区民政局", code="MZ-DB-01", foot="XX区民政局制",
                 intro="申请人应如实填写家庭收入和财产情况。",
                 secs=[("三、家庭情况", ["ts:家庭人口（人）", "ts:家庭月总收入（元）", "c:住房情况|自有住房|租住|借住",
                                         "c:残疾情况|无|有", "t:户籍所在地"]),
                       ("四、申请理由", ["tt:申请理由"])]),
            dict(title="生源地信用助学贷款申请表", issuer="XX县学生资助管理中心", code="ZX-2025", foot="XX县学生资助管理中心制",
                 intro="本表由借款学生本人填写。",
                 secs=[("三、就读信息", ["t:就读学校", "t:院系及专业", "ts:学号", "ts:入学年份"]),
                       ("四、贷款信息", ["ts:申请贷款金额（元）", "c:家庭经济情况|低保家庭|脱贫家庭|其他困难家庭"])]),
        ],
    },
    "diagram": {
        "en": [
            dict(title="Tattoo & Piercing Client Record", issuer="Ink & Needle Studio", logo="IN",
                 addr=["14 Market Lane, Brighton BN1 1HB", "Tel 01273 555 019"],
                 intro="All clients must be 18 or over. Photo ID is required.",
                 med=("Health and placement", ["yn:Do you have any skin conditions?", "yn:Are you taking blood-thinning medication?",
                                               "yn:Are you pregnant or breastfeeding?", "t:Design description", "t:Artist",
                                               "d:Appointment date"]),
                 dcap="Mark the placement on the figure"),
            dict(title="Chiropractic New Patient Intake", issuer="Lakeside Spine & Wellness", logo="LS",
                 addr=["220 Lakeshore Drive, Suite 4", "Madison WI 53703 · (608) 555-0148"],
                 intro="Please arrive 10 minutes early for your first visit.",
                 med=("Your complaint", ["t:Main complaint", "d:When did it start?", "c:Pain level|Mild|Moderate|Severe",
                                         "yn:Have you had X-rays for this?", "t:Referred by"]),
                 dcap="Shade the areas where you feel pain"),
        ],
        "zh": [
            dict(title="口腔科初诊患者登记表", issuer="XX口腔医院", logo="口腔",
                 addr=["地址：XX市XX区健康路56号", "预约电话：0571-8888 6120"], intro="请患者本人或家属如实填写。",
                 med=("口腔情况", ["t:主诉", "c:既往牙科治疗|有|无", "c:是否有药物过敏|有|无", "t:过敏药物", "d:就诊日期"]),
                 dcap="牙位图（医生填写）", teeth=True),
            dict(title="中医推拿理疗登记表", issuer="XX国医堂中医馆", logo="医",
                 addr=["地址：XX市XX路128号", "电话：0531-6688 2019"], intro="初次就诊请填写本表。",
                 med=("症状情况", ["t:主要症状", "d:发病时间", "c:疼痛程度|轻度|中度|重度", "c:是否有高血压|是|否"]),
                 dcap="请在图中标出不适部位"),
        ],
    },
    "acrofill": {
        "en": [
            dict(title="Pension Payments — Change of Bank Details", issuer="Civil Service Pension Scheme",
                 file="change-of-bank-details.pdf", intro="Use this form to tell us about a new account for your pension payments.",
                 foot="CSPS/BANK/3  Return to: Pension Administration, PO Box 555, Darlington DL1 9XX",
                 secs=[("Your pension", ["ts:Pension reference number"]),
                       ("New bank details", ["t:Name of bank", "t:Account holder name", "ts:Sort code", "ts:Account number",
                                             "d:Date the change takes effect", "c:Payment frequency|Monthly|Quarterly"])]),
            dict(title="Application for a Replacement Certificate", issuer="General Register Office",
                 file="GRO-replacement-certificate.pdf", intro="Complete a separate application for each certificate.",
                 foot="GRO/RC1  Fees are not refundable.",
                 secs=[("Certificate details", ["c:Certificate type|Birth|Marriage|Death", "t:Name on the certificate",
                                                "d:Date of the event", "t:Place of the event", "ts:Number of copies",
                                                "c:Delivery|Standard post|Priority post|Collect"])]),
        ],
        "zh": [
            dict(title="代发工资账户变更申请表", issuer="XX科技有限公司 人力资源部", file="工资账户变更申请表.pdf",
                 intro="员工变更工资卡须本人填写并附新银行卡复印件。", foot="人力资源部 2025年版",
                 secs=[("员工信息", ["ts:员工工号", "t:所属部门"]),
                       ("账户信息", ["t:原开户银行", "t:原银行账号", "t:新开户银行", "t:新银行账号",
                                     "c:账户类型|借记卡|存折", "d:变更生效日期"])]),
            dict(title="电子证照补领申请表", issuer="XX市政务服务中心", file="电子证照补领申请表.pdf",
                 intro="请如实填写以下信息，带*项为必填项。", foot="XX市政务服务中心 咨询电话：12345",
                 secs=[("证照信息", ["t:证照名称", "t:证照编号", "d:原发证日期", "c:补领原因|遗失|损坏|信息变更",
                                     "c:领取方式|窗口领取|邮寄送达"])]),
        ],
    },
    "court": {
        "en": [
            dict(title="PLAINTIFF'S CLAIM AND ORDER TO GO TO SMALL CLAIMS COURT", code="SC-101 [Rev. January 1, 2025]",
                 short="Plaintiff's Claim (Small Claims)", issuer="",
                 court=["SUPERIOR COURT OF THE STATE, COUNTY OF MARLOW", "STREET ADDRESS: 400 CIVIC CENTER PLAZA"],
                 party_title="PLAINTIFF (PARTY WITHOUT ATTORNEY):",
                 decl="I declare under penalty of perjury under the laws of the State that the information above is true and correct.",
                 secs=[("The defendant", ["t:Defendant's name", "tl:Defendant's address"]),
                       ("Your claim", ["ts:Amount claimed ($)", "d:Date the problem happened", "yn:Have you asked the defendant to pay?",
                                       "tl:Why does the defendant owe you money?"])]),
            dict(title="REQUEST TO WAIVE COURT FEES", code="FW-101 [Rev. January 1, 2025]", short="Request to Waive Court Fees",
                 issuer="", court=["SUPERIOR COURT OF THE STATE, COUNTY OF ALDEN", "MAILING ADDRESS: 1100 JUSTICE WAY"],
                 party_title="PERSON ASKING THE COURT TO WAIVE THE FEES:",
                 decl="I declare under penalty of perjury that the information I have provided on this form is true and correct.",
                 secs=[("Why you need a fee waiver", ["c:I receive|Food assistance|SSI|Medicaid|None of these",
                                                      "ts:Gross monthly household income ($)", "ts:Number of people in your household"])]),
        ],
        "zh": [
            dict(title="当事人送达地址确认书", issuer="XX市XX区人民法院", meta=("案号：（2025）X0105民初____号", "案由：________"),
                 secs=[("送达方式", ["c:是否同意电子送达|同意|不同意", "t:指定代收人", "t:代收人电话"])],
                 notice="告知事项：1. 当事人应如实提供确切的送达地址；2. 确认的送达地址适用于一审、二审和执行程序；3. 送达地址变更的，应及时书面告知人民法院。",
                 office=("送达人", "（法院工作人员填写）")),
            dict(title="人民调解申请书", issuer="XX街道人民调解委员会", meta=("编号：TJ-2025", "（当事人填写）"),
                 secs=[("被申请人", ["t:姓名", "c:性别|男|女", "t:联系电话", "tl:住址"]),
                       ("纠纷情况", ["tt2:纠纷简要情况", "tt2:申请事项"])]),
        ],
    },
    "consent": {
        "en": [
            dict(title="MRI Safety Screening and Consent", issuer="St Aldric Imaging Centre", code="RAD-MRI-03",
                 intro="Please complete this form before your scan. The radiographer will go through it with you.",
                 foot="RAD-MRI-03  Keep with the patient's imaging record.",
                 screen=("Safety questions", ["ts:Hospital number", "ts:Weight (kg)", "yn:Do you have a pacemaker or implanted defibrillator?",
                                              "yn:Have you ever had metal fragments in your eyes?",
                                              "c:Could you be pregnant?|Yes|No|Not applicable", "d:Scan date"]),
                 paras=["I have read the information leaflet about MRI scanning and have had the chance to ask questions.",
                        "I understand that I may be given a contrast injection and I agree to this.",
                        "I understand that I can stop the scan at any time by pressing the call button."],
                 witness="Radiographer"),
            dict(title="Consent for Laser Skin Treatment", issuer="Clearview Dermatology Clinic", code="CDC-LSR-2",
                 intro="Please read each statement carefully and initial it if you agree.",
                 foot="Clearview Dermatology Clinic · 9 Park Row, Leeds LS1 5HD",
                 screen=("Before your treatment", ["t:Treatment area", "c:Skin type|I–II|III–IV|V–VI",
                                                   "yn:Are you using retinoid creams?", "yn:Have you had a tan in the last four weeks?"]),
                 paras=["The nature of the treatment, the expected results and the alternatives have been explained to me.",
                        "I understand the possible side effects, including redness, swelling, blistering and changes in skin colour.",
                        "I agree to follow the aftercare instructions and to avoid sun exposure for four weeks."],
                 witness="Practitioner"),
        ],
        "zh": [
            dict(title="手术知情同意书", issuer="XX市第一人民医院", code="YW-SS-01",
                 intro="医师已向患者及家属告知手术的必要性、风险及替代方案，请仔细阅读后签字。", foot="本同意书一式两份，医院留存一份。",
                 screen=("患者情况", ["ts:住院号", "ts:科室", "ts:床号", "t:术前诊断", "t:拟行手术名称",
                                      "c:麻醉方式|全身麻醉|椎管内麻醉|局部麻醉"]),
                 paras=["手术中可能出现出血、感染、麻醉意外等风险，医师将尽力采取措施预防和处理。",
                        "术中如发现新的情况需改变手术方式，医师将及时告知家属。",
                        "本人已充分理解上述内容，自愿接受手术治疗。"],
                 consent_opt="c:患者意见|同意手术|不同意手术", witness="谈话医师"),
            dict(title="无痛胃肠镜检查知情同意书", issuer="XX医院消化内镜中心", code="NJ-2025-03",
                 intro="无痛检查需在静脉麻醉下进行，检查前请如实告知病史。", foot="检查前8小时禁食，4小时禁水。",
                 screen=("检查前评估", ["ts:门诊号", "c:检查项目|无痛胃镜|无痛肠镜|胃肠镜联合检查", "c:是否有心脏病史|是|否",
                                        "c:是否服用抗凝药物|是|否", "d:预约检查日期"]),
                 paras=["检查过程中可能出现呼吸抑制、心律失常、出血、穿孔等并发症。",
                        "检查后24小时内不得驾驶车辆、高空作业或操作机械。"],
                 consent_opt="c:检查意见|同意检查|不同意检查", witness="医师"),
        ],
    },
}


# ---------------------------------------------------------------------------------------------
# labels of the keyed fields
# ---------------------------------------------------------------------------------------------

LBL_EN = {
    "name": ["Full name", "Name", "Name in full", "Applicant's full name"],
    "first_name": ["First name", "Given name(s)", "Forename(s)"],
    "last_name": ["Last name", "Surname", "Family name"],
    "gender": ["Sex", "Gender"],
    "date_of_birth": ["Date of birth", "Birth date"],
    "nationality": ["Nationality", "Citizenship"],
    "passport_number": ["Passport number", "Passport no."],
    "phone": ["Phone", "Telephone number", "Mobile number", "Contact phone", "Daytime telephone"],
    "email": ["Email", "Email address", "E-mail address"],
    "address": ["Address", "Home address", "Street address", "Residential address"],
    "city": ["City", "Town / City", "Town or city"],
    "occupation": ["Occupation", "Job title", "Profession"],
    "employer": ["Employer", "Employer's name", "Name of employer"],
    "emergency_contact": ["Emergency contact", "Emergency contact (name and phone)", "Next of kin (name and phone)"],
    "date": ["Date", "Date signed", "Today's date"],
    "signature": ["Signature", "Applicant's signature", "Signature of applicant", "Your signature"],
}
ID_EN = {"UK": "National Insurance number", "US": "Social Security number", "AU": "ID number", "IE": "PPS number",
         "CA": "Social Insurance number", "NZ": "ID number", "CNR": "ID card number"}
PC_EN = {"UK": "Postcode", "US": "ZIP code", "AU": "Postcode", "IE": "Eircode", "CA": "Postal code", "NZ": "Postcode", "CNR": "Postcode"}
LBL_ZH = {
    "name": ["姓名", "姓　名", "申请人姓名"],
    "first_name": ["名"], "last_name": ["姓"],
    "gender": ["性别", "性　别"],
    "date_of_birth": ["出生日期", "出生年月日"],
    "nationality": ["国籍"],
    "id_number": ["身份证号码", "公民身份号码", "身份证号"],
    "passport_number": ["护照号码"],
    "phone": ["联系电话", "手机号码", "手机"],
    "email": ["电子邮箱", "邮箱", "E-mail"],
    "address": ["家庭住址", "现住址", "通讯地址", "居住地址"],
    "city": ["所在城市", "城市"],
    "postcode": ["邮政编码", "邮编"],
    "occupation": ["职业", "职务"],
    "employer": ["工作单位", "单位名称", "现工作单位"],
    "emergency_contact": ["紧急联系人", "紧急联系人及电话"],
    "date": ["日期", "签字日期", "填表日期"],
    "signature": ["申请人签字", "签名", "本人签字", "申请人签名"],
}
Q_EN = {"name": "What is your full name?", "gender": "What is your sex?", "date_of_birth": "What is your date of birth?",
        "nationality": "What is your nationality?", "phone": "What is your telephone number?",
        "email": "What is your email address?", "address": "What is your address?", "city": "Town or city",
        "postcode": "Postcode", "occupation": "What is your job title?", "employer": "What is the name of your employer?",
        "emergency_contact": "Who should we contact in an emergency?", "id_number": "What is your National Insurance number?",
        "passport_number": "What is your passport number?", "first_name": "What is your first name?",
        "last_name": "What is your surname?"}
Q_ZH = {"name": "您的姓名", "gender": "您的性别", "date_of_birth": "您的出生日期", "nationality": "您的国籍",
        "phone": "您的联系电话", "email": "您的电子邮箱", "address": "您的现住址", "city": "所在城市", "postcode": "邮政编码",
        "occupation": "您的职业", "employer": "您的工作单位", "emergency_contact": "紧急联系人及电话",
        "id_number": "您的公民身份号码", "passport_number": "护照号码"}
COURT_EN = {"name": "NAME", "address": "STREET ADDRESS", "city": "CITY", "postcode": "ZIP CODE", "phone": "TELEPHONE NO.",
            "email": "EMAIL ADDRESS"}
FIELDNUM_EN = {"first_name": "First name and middle initial", "last_name": "Last name",
               "address": "Address (number and street)", "city": "City or town", "postcode": "ZIP code",
               "id_number": "Social security number", "phone": "Telephone number", "email": "Email address"}
FIELDNUM_ZH = {"name": "纳税人姓名", "id_number": "纳税人识别号", "employer": "任职受雇单位名称", "address": "联系地址"}

GENDER_OPTS_EN = [["Male", "Female"], ["M", "F"], ["Female", "Male"], ["Male", "Female", "Other"],
                  ["Male", "Female", "Prefer not to say"]]
GENDER_OPTS_ZH = [["男", "女"], ["男", "女"], ["男性", "女性"]]

SIZE = {"name": "m", "first_name": "m", "last_name": "m", "gender": "m", "date_of_birth": "m", "nationality": "s",
        "id_number": "m", "passport_number": "m", "phone": "m", "email": "m", "address": "l", "city": "s",
        "postcode": "s", "occupation": "m", "employer": "m", "emergency_contact": "l", "date": "m", "signature": "m"}

DATE_STYLES = {
    "tearoff": {"en": ["one_ph", "one_after", "ulsegs", "boxes", "dmyinline", "one_none"], "zh": ["zh_ul", "zh_box", "one_ph", "one_after"]},
    "govframe": {"en": ["capabove", "comb", "boxes", "one_under", "capbelow"], "zh": ["zh_box", "zh_comb", "capbelow", "one_ph", "one_under"]},
    "fieldnum": {"en": ["one_after", "one_ph", "boxes", "capbelow"], "zh": ["zh_blank", "one_ph", "zh_box", "one_after"]},
    "dengji": {"en": ["one_ph", "one_after", "boxes", "one_none"], "zh": ["zh_blank", "zh_ul", "one_ph", "zh_box"]},
    "sixcol": {"en": ["one_ph", "one_after", "boxes", "capbelow"], "zh": ["zh_blank", "zh_ul", "one_ph", "zh_box", "one_after"]},
    "routing": {"en": ["comb", "boxes", "capbelow", "one_ph", "dmyinline"], "zh": ["zh_box", "zh_comb", "one_ph", "capbelow"]},
    "twopage": {"en": ["one_ph", "one_under", "capbelow", "boxes", "dmyinline"], "zh": ["zh_ul", "zh_box", "one_ph", "capbelow", "one_under"]},
    "diagram": {"en": ["one_ph", "one_after", "boxes", "one_none", "ulsegs"], "zh": ["zh_box", "zh_ul", "one_ph", "one_after"]},
    "acrofill": {"en": ["one_after", "one_none", "boxes", "one_under"], "zh": ["one_after", "zh_box", "one_none", "one_under"]},
    "court": {"en": ["ulsegs", "one_after", "one_ph"], "zh": ["zh_blank", "zh_ul", "one_ph"]},
    "consent": {"en": ["one_ph", "ulsegs", "one_none", "one_after", "boxes"], "zh": ["zh_ul", "zh_blank", "one_ph", "zh_box"]},
}
OPT_STYLES = {
    "tearoff": ["glyph", "css_sq", "native_cb", "css_rd"], "govframe": ["css_sq", "native_rd", "css_rd", "glyph"],
    "fieldnum": ["css_sq", "native_cb", "glyph"], "dengji": ["glyph", "css_sq", "native_cb", "css_rd"],
    "sixcol": ["css_sq", "glyph", "native_cb", "css_rd"], "routing": ["css_sq", "native_cb", "css_rd", "glyph", "native_rd"],
    "twopage": ["css_sq", "css_rd", "native_rd", "glyph"], "diagram": ["css_sq", "css_rd", "glyph", "native_cb"],
    "acrofill": ["css_sq", "css_rd"], "court": ["css_sq", "glyph"], "consent": ["css_sq", "glyph", "native_rd", "css_rd"],
}
INP_STYLES = {"tearoff": ["ul", "dot", "box"], "govframe": ["box", "heavy", "ubox"], "routing": ["box", "heavy", "shade"],
              "twopage": ["box", "shade", "native"], "diagram": ["box", "ul", "shade"], "consent": ["ul", "box", "dot"]}

EN_FONTS = ["'Liberation Sans', sans-serif", "'Liberation Serif', serif", "'DejaVu Sans', sans-serif",
            "'DejaVu Serif', serif", "'Noto Sans', sans-serif", "'Noto Serif', serif",
            "'Liberation Sans Narrow', 'Liberation Sans', sans-serif"]
ZH_FONTS = ["'Noto Sans CJK SC', sans-serif", "'Noto Serif CJK SC', serif", "'WenQuanYi Zen Hei', sans-serif",
            "'Liberation Serif', 'Noto Serif CJK SC', serif", "'DejaVu Sans', 'WenQuanYi Zen Hei', sans-serif",
            "'Noto Sans', 'Noto Sans CJK SC', sans-serif"]

WIDTHS = {"tearoff": (760, 980), "govframe": (800, 1020), "fieldnum": (940, 1240), "dengji": (900, 1200),
          "sixcol": (1000, 1240), "routing": (820, 1100), "twopage": (800, 1020), "diagram": (880, 1160),
          "acrofill": (880, 1120), "court": (880, 1120), "consent": (800, 1060)}


# ---------------------------------------------------------------------------------------------
# building a form: fields, sections, styles, values, profile
# ---------------------------------------------------------------------------------------------

class Form:
    pass


def opt_size(f):
    n = len(f.opts)
    chars = sum(len(o) for o in f.opts)
    if n >= 4 or chars > 22 or len(f.label) > 34:
        return "l"
    return "m"


def parse_item(it, lang):
    yn = ["Yes", "No"] if lang == "en" else ["是", "否"]
    if isinstance(it, tuple):
        f = F("checkbox", None, it[1], opts=list(it[2]))
        f.skip = it[3]
        f.size = opt_size(f)
        return f
    kind, rest = it.split(":", 1)
    if kind == "k":
        key, label = rest.split(":", 1)
        return keyed_field(key, label, lang)
    if kind in ("t", "ts", "tl", "tt", "tt2"):
        f = F("text", None, rest, size={"t": "m", "ts": "s", "tl": "l", "tt": "l", "tt2": "l"}[kind])
        f.tall = kind == "tt"
        f.tall2 = kind == "tt2"
        return f
    if kind == "d":
        return F("date", None, rest)
    if kind in ("c", "yn"):
        if kind == "c":
            label, *opts = rest.split("|")
        else:
            label, opts = rest, list(yn)
        f = F("checkbox", None, label, opts=opts)
        f.size = opt_size(f)
        return f
    raise ValueError(it)


def keyed_field(key, label, lang):
    if key in ("date_of_birth", "date"):
        return F("date", key, label, size="m")
    if key == "gender":
        return F("checkbox", key, label, opts=None, size="m", role="gender")
    return F("text", key, label, size=SIZE.get(key, "m"))


def key_label(key, lang, fam, country, rng):
    if lang == "en":
        if fam == "routing" and key in Q_EN:
            return Q_EN[key]
        if fam == "fieldnum" and key in FIELDNUM_EN:
            return FIELDNUM_EN[key]
        if key == "id_number":
            return ID_EN[country]
        if key == "postcode":
            return PC_EN[country]
        return rng.choice(LBL_EN[key])
    if fam == "routing" and key in Q_ZH:
        return Q_ZH[key]
    if fam == "fieldnum" and key in FIELDNUM_ZH:
        return FIELDNUM_ZH[key]
    return rng.choice(LBL_ZH[key])


APPL_POOL = ["nationality", "id_number", "phone", "email", "address", "city", "postcode", "occupation", "employer",
             "emergency_contact"]


def build_form(idx, lang, fam, theme, seed, country, font, fs, split, hard):
    rng = random.Random(f"{seed}/l_{idx:02d}/struct")
    form = Form()
    form.id = f"l_{idx:02d}"
    form.lang, form.fam, form.theme, form.country = lang, fam, theme, country
    form.font, form.fs, form.seed = font, fs, seed
    form.split, form.hard = split, hard
    form.person = p = make_person(lang, rng, country if lang == "en" else None)
    form.gender = rng.random() < 0.93 or fam == "court"
    # which applicant keys
    pool = list(APPL_POOL)
    if lang == "en" and (rng.random() < 0.2 or country in ("CNR",) and rng.random() < 0.5):
        pool[pool.index("id_number")] = "passport_number"
    n = rng.randint(5, 8)
    chosen = sorted(rng.sample(pool, n), key=pool.index)
    must = {"fieldnum": ["id_number", "address", "city", "postcode"] if lang == "en" else ["id_number", "phone", "address"],
            "court": ["address", "phone", "city", "postcode"] if lang == "en" else ["phone", "address", "id_number"],
            "routing": ["occupation", "employer"] if lang == "en" else ["occupation"],
            "dengji": ["phone", "email", "address"], "acrofill": ["phone", "email"]}.get(fam, ["phone"])
    for k in must:
        if k == "id_number" and "passport_number" in chosen:
            continue
        if k not in chosen:
            chosen.append(k)
    chosen = [k for k in APPL_POOL + ["passport_number"] if k in chosen]
    if fam == "routing" and lang == "en" and theme["title"].startswith("Labour"):
        chosen = [k for k in chosen if k not in ("occupation", "employer")]  # asked in the work section

    def K(key, label=None):
        return keyed_field(key, label or key_label(key, lang, fam, country, rng), lang)

    basic = []
    if split:
        fl = [K("first_name"), K("last_name")]
        if lang == "zh" or rng.random() < 0.45:
            fl = fl[::-1]
        if fam == "fieldnum" and lang == "en":
            fl = [K("first_name"), K("last_name")]
        basic += fl
    else:
        basic.append(K("name"))
    if form.gender:
        basic.append(K("gender"))
    basic.append(K("date_of_birth"))
    contact_keys = ["phone", "email", "address", "city", "postcode", "emergency_contact"]
    basic += [K(k) for k in chosen if k not in contact_keys]
    contact = [K(k) for k in chosen if k in contact_keys]
    # section titles
    if lang == "en":
        t_app = rng.choice(["About you", "Your details", "Personal details", "Applicant details"])
        t_con = rng.choice(["Contact details", "How we can contact you", "Your contact details"])
        t_sig = rng.choice(["Declaration", "Signature", "Declaration and signature"])
    else:
        t_app = rng.choice(["基本信息", "申请人基本情况", "个人信息"])
        t_con = rng.choice(["联系方式", "联系信息"])
        t_sig = rng.choice(["申请人声明", "签字确认", "本人承诺"])
    sign = [K("signature")]
    if rng.random() < 0.92 or fam in ("consent",):
        sign.append(K("date"))
    theme_secs = [(t, [parse_item(it, lang) for it in items]) for t, items in theme.get("secs", [])]
    S = []

    def sec(sid, title, fields, role, **kw):
        d = dict(id=sid, title=title, fields=fields, role=role)
        d.update(kw)
        S.append(d)

    if fam == "govframe" and theme.get("title_group"):
        basic.insert(0, F("checkbox", None, "Title", opts=["Mr", "Mrs", "Miss", "Ms"], size="m"))
    if fam in ("tearoff", "govframe", "sixcol", "acrofill", "diagram", "routing"):
        if fam == "tearoff" and len(basic) + len(contact) < 10:
            sec("app", t_app, basic + contact, "applicant")
        else:
            sec("app", t_app, basic, "applicant")
            sec("con", t_con, contact, "contact")
        if fam == "diagram":
            mt, mitems = theme["med"]
            sec("med", mt, [parse_item(it, lang) for it in mitems], "med")
        for k, (t, fl) in enumerate(theme_secs):
            sec(f"th{k}", t, fl, "theme")
        sec("sig", t_sig, sign, "sign")
        if fam == "tearoff":
            rt, ritems = theme["receipt"]
            rf = []
            for it in ritems:
                if it.startswith("k:"):
                    _, key, label = it.split(":", 2)
                    rf.append(keyed_field(key, label, lang))
                else:
                    rf.append(parse_item(it, lang))
            sec("rcpt", rt, rf, "receipt")
        if fam == "sixcol":
            form.look_decoys = {"app": [theme["office"]]}
    elif fam == "fieldnum":
        steps = theme["steps"]
        sec("s1", steps[0][0], basic + contact, "applicant", sub=steps[0][1])
        for k, (t, fl) in enumerate(theme_secs):
            sub = dict(steps).get(t, "")
            sec(f"th{k}", t, fl, "theme", sub=sub)
        sec("sig", steps[-1][0], sign, "sign", sub=steps[-1][1])
    elif fam == "dengji":
        sec("app", t_app, basic, "applicant", vtitle="基本情况" if lang == "zh" else "Personal")
        grp = None
        ph = [f for f in contact if f.key == "phone"]
        em = [f for f in contact if f.key == "email"]
        if ph and em and rng.random() < 0.75:
            ph, em = ph[0], em[0]
            ph.grp = em
            ph.grp_title = "联系方式" if lang == "zh" else "Contact"
            em.grp_member = True
            contact = [f for f in contact if f is not em]
            contact.insert(contact.index(ph) + 1, em)
            grp = True
        sec("con", t_con, contact, "contact", vtitle="联系方式" if lang == "zh" else "Contact")
        for k, (t, fl) in enumerate(theme_secs):
            sec(f"th{k}", t, fl, "theme", vtitle=t)
        sec("sig", t_sig, sign, "sign", vtitle="签字" if lang == "zh" else "Sign")
        form.look_decoys = {"sig": [theme["office"]]}
        form.grp = grp
    elif fam == "twopage":
        sec("app", t_app, basic, "applicant")
        sec("con", t_con, contact, "contact")
        cl = "Your full name" if lang == "en" else "申请人姓名"
        cont = [keyed_field("name", cl, lang),
                F("text", None, "Customer reference number" if lang == "en" else "受理编号", size="m")]
        sec("cont", "", cont, "cont", page2=True)
        for k, (t, fl) in enumerate(theme_secs):
            sec(f"th{k}", t, fl, "theme", page2=True)
        sec("sig", t_sig, sign, "sign", page2=True)
    elif fam == "court" and lang == "en":
        party_keys = ("name", "address", "city", "postcode", "phone", "email")
        allf = basic + contact
        party = [f for f in allf if f.key in party_keys]
        for f in party:
            f.label = COURT_EN[f.key]
        sec("party", "", party, "party")
        sec("case", "", [F("text", None, "CASE NUMBER", size="m")], "case")
        rest = [f for f in allf if f.key not in party_keys]
        sec("p1", "Your information", rest, "theme")
        for k, (t, fl) in enumerate(theme_secs):
            sec(f"th{k}", t, fl, "theme")
        sgn = []
        if len(sign) > 1:
            sgn.append(sign[1])
            sign[1].label = "Date"
        sgn.append(keyed_field("name", "TYPE OR PRINT NAME", lang))
        sign[0].label = "SIGNATURE OF " + ("PLAINTIFF" if "PLAINTIFF" in theme["title"] else "PERSON ASKING")
        sgn.append(sign[0])
        sec("sig", "", sgn, "sign")
    elif fam == "court":
        v1 = "受送达人" if "送达" in theme["title"] else "申请人"
        sec("app", "", basic + contact, "applicant", vtitle=v1)
        for k, (t, fl) in enumerate(theme_secs):
            sec(f"th{k}", t, fl, "theme", vtitle=t)
        if "送达" in theme["title"]:
            sign[0].label = "受送达人签字"
            sec("sig", "", sign, "sign", vtitle="确认")
            form.look_decoys = {"sig": [theme["office"]]}
        else:
            sec("sig", "", sign, "sign_out")
            form.look_decoys = {}
    elif fam == "consent":
        if lang == "en":
            sec("app", "Patient details", basic + contact, "applicant")
        else:
            sec("app", "患者基本信息", basic + contact, "applicant")
        st_, sitems = theme["screen"]
        sec("scr", st_, [parse_item(it, lang) for it in sitems], "screen")
        if lang == "en":
            sec("cns", "Consent", [F("text", None, "Initials", size="s") for _ in theme["paras"]], "consent")
        else:
            sec("cns", "告知内容", [parse_item(theme["consent_opt"], lang)], "consent")
        pname = keyed_field("name", "Print name" if lang == "en" else "患者姓名", lang)
        sig = sign[0]
        sig.label = "Signature" if lang == "en" else "患者签名"
        blk = [pname, sig] + sign[1:]
        if len(sign) > 1:
            sign[1].label = "Date" if lang == "en" else "签名日期"
        sec("sig", "Patient" if lang == "en" else "患者（或授权委托人）", blk, "sign")
        wt = theme["witness"]
        wl = [F("text", None, "Print name" if lang == "en" else f"{wt}姓名", size="m"),
              F("text", None, "Signature" if lang == "en" else f"{wt}签名", size="m"),
              F("date", None, "Date" if lang == "en" else "日期")]
        sec("wit", wt, wl, "witness")
    form.sections = [s for s in S if s["fields"]]
    form.fields = [f for s in form.sections for f in s["fields"]]
    for n, f in enumerate(form.fields):
        f.i = n
    style_form(form, rng)
    assign_values(form, rng)
    return form


def style_form(form, rng):
    lang, fam = form.lang, form.fam
    # colons and asterisks
    if fam in ("fieldnum", "govframe", "routing") or (fam == "court" and lang == "en"):
        colon = ""
    elif lang == "en":
        colon = rng.choice([":", ":", ""])
    else:
        colon = rng.choice(["：", "：", "：", ":", ""])
    reqs = rng.random() < 0.25
    for f in form.fields:
        f.colon = colon if not f.label.endswith("?") else ""
        if reqs and f.key in ("name", "first_name", "last_name", "date_of_birth", "phone", "id_number"):
            f.req = True
    # option styles
    ol = OPT_STYLES[fam]
    main = rng.choice(ol)
    glyph_main = rng.choice(["☐", "☐", "☐", "□"]) if lang == "en" else rng.choice(["□", "□", "☐"])
    for f in form.fields:
        if f.kind != "checkbox":
            continue
        if f.role == "gender":
            f.opts = list(rng.choice(GENDER_OPTS_EN if lang == "en" else GENDER_OPTS_ZH))
            f.size = opt_size(f)
        s = main if rng.random() < 0.7 else rng.choice(ol)
        f.ostyle = s
        if s == "glyph":
            f.glyph = glyph_main if rng.random() < 0.8 else "○"
    # date styles
    order = {"US": "MDY", "CA": rng.choice(["YMD", "DMY"]), "CNR": rng.choice(["DMY", "YMD"])}.get(form.country, "DMY")
    if lang == "en" and fam not in ("fieldnum", "court") and form.country != "US" and rng.random() < 0.12:
        order = "YMD"
    styles = DATE_STYLES[fam][lang]
    deck = []
    for f in form.fields:
        if f.kind != "date":
            continue
        if not deck:
            deck = list(styles)
            rng.shuffle(deck)
        ds = deck.pop()
        setup_date(f, lang, random.Random(f"{form.seed}/{form.id}/d{f.i}"), [ds], order=order)
    # looks (structural)
    lk = {}
    lk["inp"] = rng.choice(INP_STYLES.get(fam, ["box"]))
    if fam == "tearoff" and lang == "zh":
        lk["inp"] = rng.choice(["ul", "dot"])
    lk["align"] = rng.choice(["center", "left"])
    lk["tint"] = rng.choice(["#fff", "#fdf1f5", "#eef6ef", "#f1f4fa"])
    lk["frame"] = rng.choice([4, 5, 6])
    lk["numstyle"] = rng.choice(["step", "step", "plain"])
    lk["decoy_sec"] = rng.choice([0, 1])
    lk["photo_rows"] = rng.choice([3, 4])
    lk["vg"] = rng.random() < 0.4
    lk["lbg"] = rng.choice(["#fff", "#f2f2f2", "#eaeff5"]) if fam == "dengji" else rng.choice(["#eeeeee", "#e6edf5", "#f3efe4"])
    lk["hbg"] = rng.choice(["#1f3b63", "#7a1f2b", "#2d5a3d", "#333333"])
    lk["bold"] = rng.random() < 0.5
    lk["lalign"] = rng.choice(["ll", "lc"])
    lk["qfrac"] = rng.choice([0.36, 0.4, 0.44])
    lk["bar"] = rng.choice(["#333", "#1d4e89", "#5b2a6e", "#2e6b5b"])
    lk["qbold"] = rng.random() < 0.5
    lk["qfmt"] = rng.choice(["Q{}", "{}", "{}."]) if lang == "en" else rng.choice(["{}.", "{}、", "Q{}"])
    lk["codes"] = rng.random() < 0.5
    lk["stack"] = rng.random() < 0.5
    lk["acc"] = rng.choice(["#1b5e8c", "#8c1b4a", "#2f6f4f", "#5a4a9c", "#444"])
    lk["acro"] = rng.choice(["#dde4ff", "#d7e1fb", "#e2e8ff"])
    lk["olayout"] = rng.choice(["row", "row", "stack"])
    lk["decoys"] = getattr(form, "look_decoys", {})
    if fam == "twopage":
        lk["bar"] = rng.choice(["#e3e3e3", "#d9e4ef", "#ece3d3"])
    if fam == "govframe":
        for f in form.fields:
            if f.kind == "text" and rng.random() < 0.25:
                f.qhint = ("As shown on your passport or birth certificate" if f.key == "name" else
                           "Include the area code" if f.key == "phone" else None) if lang == "en" else \
                          ("请与身份证上的一致" if f.key == "name" else "请填写11位手机号码" if f.key == "phone" else None)
    form.look = lk


def gender_value(form, f):
    g = form.person["gender"]
    o = f.opts
    male = [t for t in o if t in ("Male", "M", "男", "男性")][0]
    female = [t for t in o if t in ("Female", "F", "女", "女性")][0]
    return male if g == "M" else female


def assign_values(form, rng):
    p = form.person
    lang = form.lang
    keyed = [f for f in form.fields if f.key and f.key != "signature"]
    keys = []
    for f in keyed:
        if f.key not in keys:
            keys.append(f.key)
    cand = [k for k in keys if k not in ("gender", "first_name", "last_name") or (k in ("first_name", "last_name") and not form.hard)]
    n_omit = rng.choice([1, 1, 2, 2, 2, 3, 3, 4])
    n_omit = min(n_omit, max(1, len(cand) - 3))
    weights = [0.35 if k in ("date_of_birth", "name") else 1.0 for k in cand]
    omit = []
    pool = list(zip(cand, weights))
    for _ in range(n_omit):
        tot = sum(w for _, w in pool)
        x = rng.random() * tot
        for j, (k, w) in enumerate(pool):
            x -= w
            if x <= 0:
                omit.append(k)
                pool.pop(j)
                break
    if "gender" in keys and rng.random() < 0.12:
        omit.append("gender")
    form.omit = omit
    for f in form.fields:
        f.value = None
        if not f.key or f.key == "signature" or f.key in omit:
            continue
        if f.key == "date_of_birth":
            f.value = iso(p["dob"])
        elif f.key == "date":
            f.value = iso(p["date"])
        elif f.key == "gender":
            f.value = gender_value(form, f)
        else:
            f.value = p[PERSON_ATTR[f.key]]
    # profile
    if lang == "en":
        style = rng.choice(["zh", "mixed"]) if form.country == "CNR" else rng.choice(["canon", "canon", "variant", "variant", "mixed"])
    else:
        style = rng.choice(["zh", "zh", "zh", "canon", "variant", "mixed"])

    def spell_key(k):
        canon, var, zh = KEY_SPELL[k]
        s = style
        if s == "mixed":
            s = rng.choice(["canon", "variant", "zh"] if (lang == "zh" or form.country == "CNR") else ["canon", "variant"])
        return {"canon": canon, "variant": var, "zh": zh}[s][0] if s == "canon" else rng.choice({"variant": var, "zh": zh}[s])

    def spell_val(k):
        if k in ("date_of_birth", "date"):
            ymd = p["dob"] if k == "date_of_birth" else p["date"]
            opts = ["iso", "dmy", "mdy", "dot"] if lang == "en" else ["zh", "zh", "iso", "dot", "dmy"]
            if ymd[2] > 12:
                opts.append("slash")
            return spell_date(ymd, rng.choice(opts))
        if k == "gender":
            m = p["gender"] == "M"
            if lang == "en" and form.country != "CNR":
                return rng.choice(["male", "Male", "M", "m"] if m else ["female", "Female", "F", "f"])
            return rng.choice(["男", "男", "male", "M"] if m else ["女", "女", "female", "F"])
        return p[PERSON_ATTR[k]]

    prof = {}
    used = set()
    order = [k for k in keys if k not in omit]
    if form.hard:
        order = [k for k in order if k not in ("first_name", "last_name")]
        order.insert(0, "name")
    for k in order:
        sk = spell_key(k)
        n = 0
        while sk in used and n < 10:
            sk = spell_key(k)
            n += 1
        if sk in used:
            sk = KEY_SPELL[k][0][0]
        used.add(sk)
        prof[sk] = spell_val(k)
    extras = [k for k in ("nationality", "occupation", "email", "city", "employer", "passport_number", "phone")
              if k not in keys and not (k == "passport_number" and lang == "zh")]
    for k in rng.sample(extras, min(len(extras), rng.choice([0, 1, 1, 2]))):
        sk = spell_key(k)
        if sk not in used:
            used.add(sk)
            prof[sk] = spell_val(k)
    items = list(prof.items())
    if rng.random() < 0.5:
        a = rng.randint(0, len(items) - 1)
        b = rng.randint(0, len(items) - 1)
        items[a], items[b] = items[b], items[a]
    form.profile = dict(items)
    if form.hard:
        first, last = p["name"].split(" ", 1)
        for f in form.fields:
            if f.key == "first_name":
                f.value = first
            elif f.key == "last_name":
                f.value = last


# ---------------------------------------------------------------------------------------------
# rendering with retries
# ---------------------------------------------------------------------------------------------

def make_cos(form, attempt):
    rng = random.Random(f"{form.seed}/{form.id}/cos/{attempt}")
    zh = form.lang == "zh"
    if attempt == 0:
        font, fs = form.font, form.fs
    else:
        font = rng.choice(ZH_FONTS if zh else EN_FONTS)
        fs = max(12, min(17, form.fs - (attempt + 1) // 2))
    lo, hi = WIDTHS[form.fam]
    W = rng.randint(lo, hi) // 10 * 10
    if attempt:
        W = min(1240, W + 60 * attempt)
    lh = int(fs * (1.55 if zh else 1.42) + 0.999)
    c = dict(font=font, fs=fs, lh=lh, W=W, ih=lh + rng.choice([6, 8, 10]), pad=rng.randint(34, 56),
             padt=rng.randint(26, 40), padb=rng.randint(28, 40), cb=max(12, min(17, int(fs * 0.95 + 0.5))),
             ogap=rng.randint(16, 26), sgap=rng.randint(5, 8), small=max(11, fs - 3),
             rowgap=rng.randint(26, 36), rowm=rng.randint(11, 15))
    if form.fam in ("dengji", "sixcol", "court"):
        labels = []
        for s in form.sections:
            for f in s["fields"]:
                labels.append(f.label + f.colon + ("*" if f.req else ""))
        bold = form.look.get("bold") and form.fam == "sixcol"
        ws = sorted(tw(t, fs, bold) for t in labels)
        p70 = ws[int(len(ws) * 0.8)]
        cap = (W - 2 * c["pad"]) * (0.16 if form.fam != "court" else 0.2)
        form.look["lw"] = int(max(fs * 4.6, min(p70 + 26, cap)))
    return c


def page_html(form, css, body):
    lang = "zh-CN" if form.lang == "zh" else "en"
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{esc(form.theme["title"])}</title>'
            f"<style>{css}</style></head><body>{body}</body></html>\n")


def field_json(f, js):
    i = str(f.i)
    d = {"label": f.label, "label_box": js["lab"][i], "kind": f.kind}
    if f.kind == "text":
        d.update(input_box=js["inp"][i], key=f.key, value=f.value)
    elif f.kind == "date":
        pv = part_vals(f)
        d.update(key=f.key, value=f.value, input_box=js["inp"][i] if f.one else None,
                 format=(f.fmt.upper() if (f.one and f.fmt) else None),
                 parts=[{"part": p, "box": js["part"][f"{i}:{p}"], "value": pv[p]} for p in f.parts] if not f.one else [])
    else:
        opts = []
        for k, t in enumerate(f.opts):
            kk = f"{i}:{k}"
            opts.append({"text": t, "text_box": js["ot"][kk], "box": js["og"][kk] if f.ostyle == "glyph" else js["ob"][kk]})
        d.update(style=OSTYLE_JSON[f.ostyle], input_box=None, key=f.key, value=f.value, options=opts)
    return d


FAM_DESC = {
    "tearoff": "application with a detachable receipt below a cut line, labels left of lines",
    "govframe": "thick black outer frame, numbered boxed sections, labels above boxes",
    "fieldnum": "ruled cells with field-number tags and small labels at the top, step column",
    "dengji": "dense ruled label|input registration table with photo cell and row-spanning labels",
    "sixcol": "6-column ruled label|input tables with shaded label cells and bank-use cells",
    "routing": "numbered survey questions, answers right, go-to routing notes, office coding boxes",
    "twopage": "two-page PDF on a viewer background, labels above inputs, name repeated on page 2",
    "diagram": "clinic letterhead, labels left of inputs, screening questions beside a body/tooth diagram",
    "acrofill": "fillable PDF in a viewer: pale blue field highlights in a borderless Word-style table",
    "court": "court form: caption grid with party block and court-use box, numbered paragraphs, captioned lines"
             " (Chinese: ruled table with vertical group cells)",
    "consent": "consent form: patient panel, screening questions, paragraphs with initials, patient/witness blocks",
}


def layout_string(form, c):
    ost = sorted({f.ostyle + ("(" + f.glyph + ")" if f.glyph else "") for f in form.fields if f.kind == "checkbox"})
    ds = [f.dstyle for f in form.fields if f.kind == "date"]
    fname = c["font"].split(",")[0].strip("'")
    return f"{form.fam}: {FAM_DESC[form.fam]}, options: {' / '.join(ost)}, dates: {' | '.join(ds)}, {fname} {c['fs']}px"


def render_form(b, form, out):
    last = None
    for attempt in range(MAX_TRIES):
        c = make_cos(form, attempt)
        for f in form.fields:
            f.itype = None
        rng = random.Random(f"{form.seed}/{form.id}/r/{attempt}")
        css, body = RENDER[form.fam](form, c, rng)
        html = page_html(form, css, body)
        try:
            png, js, (w, h) = b.render(html, c["W"], JS_EXTRACT, js_prepare=JS_PREP)
        except CDPError as e:
            last = [str(e)]
            if DEBUG:
                print(f"  {form.id} attempt {attempt}: {e}", file=sys.stderr)
            continue
        buf = io.BytesIO(png)
        im = Image.open(buf).convert("RGB")
        tmp = os.path.join(out, f".{form.id}.tmp.png")
        save_png(png, tmp)
        size = os.path.getsize(tmp)
        gray = np.asarray(im.convert("L"))
        errs = run_checks(form.fields, js, w, h, gray, size)
        if errs:
            last = errs
            if DEBUG:
                print(f"  {form.id} attempt {attempt}: {len(errs)} problems, e.g. {errs[:4]}", file=sys.stderr)
                d = "/tmp/heldout_l_debug"
                os.makedirs(d, exist_ok=True)
                with open(os.path.join(d, f"{form.id}_{attempt}.html"), "w", encoding="utf-8") as fh:
                    fh.write(js["html"])
                os.replace(tmp, os.path.join(d, f"{form.id}_{attempt}.png"))
            else:
                os.remove(tmp)
            continue
        os.replace(tmp, os.path.join(out, form.id + ".png"))
        with open(os.path.join(out, form.id + ".html"), "w", encoding="utf-8") as fh:
            fh.write(js["html"] + "\n")
        gt = {"id": form.id, "lang": form.lang, "width": w, "height": h, "image": form.id + ".png",
              "layout": layout_string(form, c), "profile": form.profile,
              "fields": [field_json(f, js) for f in form.fields]}
        if form.hard:
            gt["hard_case"] = "profile gives only a full name; first/last name fields must be split from it"
        with open(os.path.join(out, form.id + ".json"), "w", encoding="utf-8") as fh:
            json.dump(gt, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
        form.cos, form.attempts, form.png_size = c, attempt + 1, size
        return gt
    raise SystemExit(f"{form.id} ({form.fam}, {form.lang}): failed after {MAX_TRIES} draws: {last[:8]}")


# ---------------------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------------------

def plan_forms(seed, count):
    rng = random.Random(f"{seed}/plan")
    en = [i for i in range(1, count + 1) if i % 2 == 1]
    zh = [i for i in range(1, count + 1) if i % 2 == 0]
    plans = {}
    for lang, slots in (("en", en), ("zh", zh)):
        fams = []
        while len(fams) < len(slots):
            blk = FAMILIES * 2
            rng.shuffle(blk)
            fams += blk
        fonts, sizes = [], []
        while len(fonts) < len(slots):
            x = list(EN_FONTS if lang == "en" else ZH_FONTS)
            rng.shuffle(x)
            fonts += x
        while len(sizes) < len(slots):
            x = [12, 13, 14, 14, 15, 15, 16, 16, 17, 18]
            rng.shuffle(x)
            sizes += x
        seen = {}
        for n, i in enumerate(slots):
            fam = fams[n]
            k = seen.get(fam, 0)
            seen[fam] = k + 1
            theme = THEMES[fam][lang][k % 2]
            country = None
            if lang == "en":
                if fam in ("fieldnum", "court"):
                    country = "US"
                elif fam == "govframe":
                    country = rng.choice(["UK", "AU", "IE", "NZ"])
                else:
                    country = rng.choice(["UK", "US", "AU", "IE", "CA", "NZ", "UK", "CNR"])
            plans[i] = dict(lang=lang, fam=fam, theme=theme, country=country, font=fonts[n], fs=sizes[n])
    # first / last name splits: English fieldnum forms always; a few others; two hard cases
    for i, pl in plans.items():
        pl["split"] = pl["fam"] == "fieldnum" and pl["lang"] == "en"
        pl["hard"] = False
    cands = [i for i, pl in sorted(plans.items())
             if pl["lang"] == "en" and pl["fam"] in ("govframe", "twopage", "acrofill", "tearoff") and pl["country"] != "CNR"]
    rng.shuffle(cands)
    for j, i in enumerate(cands[:4]):
        plans[i]["split"] = True
        plans[i]["hard"] = j < 2
    zc = [i for i, pl in sorted(plans.items()) if pl["lang"] == "zh" and pl["fam"] in ("acrofill", "twopage", "govframe")]
    rng.shuffle(zc)
    for i in zc[:2]:
        plans[i]["split"] = True
    return plans


def stats(forms, gts):
    from collections import Counter
    kinds = Counter()
    keyed = unf = 0
    dst, ost, inp, gen = Counter(), Counter(), Counter(), Counter()
    due = Counter()
    for form, gt in zip(forms, gts):
        L = form.lang
        for f in form.fields:
            kinds[(f.kind, L)] += 1
            if f.key:
                keyed += 1
                if f.value is None:
                    unf += 1
                else:
                    due[f.kind] += 1
            if f.kind == "date":
                dst[(f.dstyle, L)] += 1
            elif f.kind == "checkbox":
                ost[(f.ostyle + (f.glyph or ""), L)] += 1
                if f.key == "gender":
                    gen["groups"] += 1
                    if f.value is not None:
                        gen["due"] += 1
            else:
                inp[(f.itype, L)] += 1
    n = sum(kinds.values())

    def per(kind):
        return f"{kinds[(kind, 'en')] + kinds[(kind, 'zh')]} ({kinds[(kind, 'en')]} en / {kinds[(kind, 'zh')]} zh)"
    print(f"{len(forms)} forms, {n} fields: text {per('text')}, date {per('date')}, checkbox {per('checkbox')}")
    print(f"keyed {keyed}, unfillable {unf}; values due: text {due['text']}, date {due['date']}, checkbox {due['checkbox']}")
    print(f"gender groups {gen['groups']}, gender due {gen['due']}; hard cases {sum(1 for f in forms if f.hard)}")

    def show(title, cnt):
        names = sorted({k for k, _ in cnt})
        print(title + ": " + ", ".join(f"{k} {cnt[(k, 'en')]}/{cnt[(k, 'zh')]}" for k in names))
    show("date styles (en/zh)", dst)
    show("option styles (en/zh)", ost)
    show("text inputs (en/zh)", inp)
    fams = {}
    for f in forms:
        fams.setdefault(f.fam, []).append(f.id)
    print("families: " + ", ".join(f"{k} {' '.join(v)}" for k, v in fams.items()))
    print(f"max PNG {max(f.png_size for f in forms)} bytes; redraws: "
          + (", ".join(f"{f.id}:{f.attempts}" for f in forms if f.attempts > 1) or "none"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="/tmp/forms_heldout_l")
    ap.add_argument("--seed", type=int, default=1212)
    ap.add_argument("--count", type=int, default=44)
    ap.add_argument("--only", default="", help="comma-separated form numbers (debugging)")
    args = ap.parse_args()
    t0 = time.time()
    os.makedirs(args.out, exist_ok=True)
    only = {int(x) for x in args.only.split(",") if x}
    if not only:
        for fn in os.listdir(args.out):
            if fn.startswith("l_") and fn.split(".")[-1] in ("html", "png", "json", "jpg"):
                os.remove(os.path.join(args.out, fn))
    plans = plan_forms(args.seed, args.count)
    forms, gts = [], []
    with Browser() as b:
        for i in range(1, args.count + 1):
            if only and i not in only:
                continue
            pl = plans[i]
            form = build_form(i, pl["lang"], pl["fam"], pl["theme"], args.seed, pl["country"], pl["font"], pl["fs"],
                              pl["split"], pl["hard"])
            gt = render_form(b, form, args.out)
            forms.append(form)
            gts.append(gt)
            if DEBUG:
                print(f"{form.id} {form.fam} {form.lang} ok ({form.attempts})", file=sys.stderr)
    stats(forms, gts)
    print(f"wrote {len(forms)} forms to {args.out} in {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
