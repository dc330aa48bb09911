#!/usr/bin/env python3
"""Held-out blank-form corpus K (v2 JSON format), written blind.

    python3 tools/forms/make_heldout_k.py --out /tmp/forms_heldout_k --seed 1111 --count 44
    python3 tools/forms/make_scans.py --in /tmp/forms_heldout_k --seed 151

Writes k_01 ... k_NN (odd numbers English, even numbers Simplified Chinese): k_NN.html (the
source that was laid out), k_NN.png (headless Chromium via tools/cdp_render.py, device scale
factor 1) and k_NN.json (v2 ground truth: every box read from the DOM after layout,
getBoundingClientRect / Range rects, x1/y1 floored, x2/y2 ceiled).

Eleven layout families, each on 2 English and 2 Chinese forms (with --count 44): mobile, darkmode,
sheet, chat, vlabel, postal, labslip, postcard, graphpaper, omr, secpaper (see tools/forms/README.md,
"Corpus K").  The script checks its own output (boxes inside the page, no overlaps between fields, a
label >= 4 px from other fields, DOM label text == JSON label, ink in labels / option texts, glyph
ink boxes against the pixels, date parts in order, PNG size) and draws a form again with other
cosmetic draws (up to 6 times) before it stops.  Deterministic for a seed.
HELDOUT_K_DEBUG=1 prints rejected attempts and keeps their HTML in /tmp/heldout_k_debug_*.
"""

import argparse
import datetime as dt
import html as htmlmod
import io
import json
import os
import random
import sys
import time

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from cdp_render import Browser, save_png  # noqa: E402

DEBUG = bool(os.environ.get("HELDOUT_K_DEBUG"))
FAMILIES = ["mobile", "darkmode", "sheet", "chat", "vlabel", "postal", "labslip", "postcard",
            "graphpaper", "omr", "secpaper"]
MAX_PNG = 200 * 1024


def esc(s):
    return htmlmod.escape(s, quote=True)


# ----------------------------------------------------------------------------------------------
# people and profiles
# ----------------------------------------------------------------------------------------------

EN_MALE = ["James", "Oliver", "Daniel", "Samuel", "Thomas", "Michael", "Ethan", "Lucas", "Henry",
           "Noah", "Robert", "Adam", "Joseph", "Owen", "Patrick", "Leo"]
EN_FEMALE = ["Emily", "Sophie", "Charlotte", "Grace", "Hannah", "Olivia", "Amelia", "Chloe", "Lucy",
             "Isla", "Megan", "Rachel", "Laura", "Abigail", "Zoe", "Ruby"]
EN_SURNAMES = ["Carter", "Walsh", "Bennett", "Hughes", "Morgan", "Fletcher", "Reid", "Harper",
               "Dawson", "Ellis", "Foster", "Gibson", "Holland", "Jennings", "Lawson", "Murray",
               "Palmer", "Quinn", "Sutton", "Turner", "Webb", "Young", "Barrett", "Coleman"]
ZH_SURNAMES = [("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"),
               ("杨", "Yang"), ("黄", "Huang"), ("赵", "Zhao"), ("周", "Zhou"), ("吴", "Wu"),
               ("徐", "Xu"), ("孙", "Sun"), ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"), ("郭", "Guo"),
               ("何", "He"), ("林", "Lin"), ("罗", "Luo"), ("高", "Gao")]
ZH_GIVEN_M = [("伟", "Wei"), ("强", "Qiang"), ("磊", "Lei"), ("军", "Jun"), ("建华", "Jianhua"),
              ("志明", "Zhiming"), ("浩然", "Haoran"), ("子轩", "Zixuan"), ("宇航", "Yuhang"),
              ("俊杰", "Junjie"), ("文博", "Wenbo"), ("国庆", "Guoqing")]
ZH_GIVEN_F = [("芳", "Fang"), ("娜", "Na"), ("静", "Jing"), ("丽", "Li"), ("秀英", "Xiuying"),
              ("婷婷", "Tingting"), ("雨萱", "Yuxuan"), ("欣怡", "Xinyi"), ("晓燕", "Xiaoyan"),
              ("慧敏", "Huimin"), ("思雨", "Siyu"), ("佳怡", "Jiayi")]

EN_PLACES = [  # (street addresses, city, postcodes, phone style, nationality)
    (["14 Elm Grove", "27 Station Road", "3 Kingfisher Close", "81 Victoria Street", "Flat 2, 9 Mill Lane"],
     ["Leeds", "Bristol", "Norwich", "York", "Cardiff", "Brighton"],
     ["LS6 2AB", "BS3 4QT", "NR2 1HJ", "YO1 7EP", "CF10 3NQ", "BN1 4GH"], "uk", "British"),
    (["2218 Maple Avenue", "415 Cedar Street, Apt 3B", "907 Lakeview Drive", "66 Orchard Lane"],
     ["Springfield", "Madison", "Portland", "Columbus", "Austin"],
     ["62704", "53703", "97205", "43215", "78701"], "us", "American"),
    (["12 Wattle Street", "5/40 Beach Road", "77 Gordon Terrace"],
     ["Geelong", "Hobart", "Newcastle", "Cairns"],
     ["3220", "7000", "2300", "4870"], "au", "Australian"),
    (["18 Birch Crescent", "302 King Street West"],
     ["Halifax", "Guelph", "Victoria"], ["B3H 1Y4", "N1H 3T5", "V8W 1N6"], "ca", "Canadian"),
]
ZH_PLACES = [
    ("北京", "100022", "朝阳区建国路88号3号楼1202室", "Beijing", "Room 1202, Building 3, 88 Jianguo Road, Chaoyang District"),
    ("上海", "200120", "浦东新区世纪大道100号15楼", "Shanghai", "15F, 100 Century Avenue, Pudong"),
    ("广州", "510620", "天河区体育西路189号2栋601", "Guangzhou", "Unit 601, Block 2, 189 Tiyu West Road, Tianhe"),
    ("成都", "610041", "武侯区人民南路四段12号", "Chengdu", "12 Renmin South Road Section 4, Wuhou"),
    ("杭州", "310012", "西湖区文三路478号华星大厦9层", "Hangzhou", "9F Huaxing Building, 478 Wensan Road, Xihu"),
    ("南京", "210008", "鼓楼区中山路321号", "Nanjing", "321 Zhongshan Road, Gulou District"),
    ("武汉", "430071", "武昌区中北路166号", "Wuhan", "166 Zhongbei Road, Wuchang"),
    ("西安", "710061", "雁塔区长安南路58号", "Xi'an", "58 Chang'an South Road, Yanta"),
    ("深圳", "518048", "福田区深南大道6008号", "Shenzhen", "6008 Shennan Avenue, Futian"),
    ("青岛", "266071", "市南区香港中路36号", "Qingdao", "36 Hong Kong Middle Road, Shinan"),
]
ZH_AREA = {"北京": "110105", "上海": "310115", "广州": "440106", "成都": "510107", "杭州": "330106",
           "南京": "320106", "武汉": "420106", "西安": "610113", "深圳": "440304", "青岛": "370202"}
EN_JOBS = [("Nurse", "St Mary's Hospital"), ("Software developer", "Brightline Systems Ltd"),
           ("Accountant", "Hale & Partners LLP"), ("Teacher", "Riverside Primary School"),
           ("Electrician", "Sparks Electrical Services"), ("Graphic designer", "Studio North"),
           ("Pharmacist", "CarePlus Pharmacy"), ("Civil engineer", "Arup Associates"),
           ("Chef", "The Olive Tree"), ("Librarian", "City Central Library")]
ZH_JOBS = [("软件工程师", "北京云启科技有限公司"), ("教师", "第一实验小学"), ("护士", "市人民医院"),
           ("会计", "华信会计师事务所"), ("销售经理", "上海恒达贸易有限公司"), ("设计师", "青禾设计工作室"),
           ("医生", "省中医院"), ("公务员", "区市场监督管理局"), ("工程师", "中建三局第一建设公司"),
           ("厨师", "老字号餐饮有限公司")]
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"]

# profile key spellings (canonical first)
KEY_VARIANTS = {
    "name": ["name", "full_name", "Name", "full name", "applicant_name"],
    "first_name": ["first_name", "given_name", "First name", "forename"],
    "last_name": ["last_name", "surname", "family_name", "Last name"],
    "id_number": ["id_number", "ID", "id_no", "national_id"],
    "passport_number": ["passport_number", "passport_no", "Passport"],
    "phone": ["phone", "Mobile", "tel", "mobile_phone", "telephone"],
    "email": ["email", "E-mail", "email_address"],
    "address": ["address", "home_address", "street_address"],
    "city": ["city", "town"],
    "postcode": ["postcode", "zip", "postal_code", "post_code"],
    "date_of_birth": ["date_of_birth", "dob", "DOB", "birth_date"],
    "gender": ["gender", "sex", "Sex"],
    "nationality": ["nationality", "citizenship"],
    "occupation": ["occupation", "job", "profession"],
    "employer": ["employer", "company", "work_place"],
    "emergency_contact": ["emergency_contact", "ice_contact", "emergency"],
    "date": ["date", "today", "date_signed", "signing_date"],
}
ZH_KEYS = {"name": "姓名", "first_name": "名", "last_name": "姓", "id_number": "身份证号码",
           "passport_number": "护照号码", "phone": "手机", "email": "邮箱", "address": "地址",
           "city": "城市", "postcode": "邮编", "date_of_birth": "出生日期", "gender": "性别",
           "nationality": "国籍", "occupation": "职业", "employer": "工作单位",
           "emergency_contact": "紧急联系人", "date": "日期"}


def id_check_digit(body17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(c) * k for c, k in zip(body17, w))
    return "10X98765432"[s % 11]


def cn_id(rng, area, dob, male):
    seq = rng.randint(10, 99) * 10 + (rng.choice([1, 3, 5, 7, 9]) if male else rng.choice([0, 2, 4, 6, 8]))
    body = f"{area}{dob:%Y%m%d}{seq:03d}"
    return body + id_check_digit(body)


def rand_date(rng, y0, y1):
    start = dt.date(y0, 1, 1).toordinal()
    end = dt.date(y1, 12, 31).toordinal()
    return dt.date.fromordinal(rng.randint(start, end))


def spell_date(rng, d, lang):
    """One of six spellings (21/06/2001 only when the day is > 12)."""
    opts = ["iso", "zh", "dot", "dmy", "mdy"]
    if d.day > 12:
        opts.append("slash")
    w = {"iso": 3, "zh": 3 if lang == "zh" else 1, "dot": 2, "dmy": 2 if lang == "en" else 1,
         "mdy": 2 if lang == "en" else 1, "slash": 2}
    kind = rng.choices(opts, [w[o] for o in opts])[0]
    if kind == "iso":
        return d.isoformat()
    if kind == "zh":
        return f"{d.year}年{d.month}月{d.day}日"
    if kind == "dot":
        return f"{d.year}.{d.month:02d}.{d.day:02d}"
    if kind == "dmy":
        return f"{d.day} {EN_MONTHS[d.month - 1]} {d.year}"
    if kind == "mdy":
        return f"{EN_MONTHS[d.month - 1]} {d.day}, {d.year}"
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def make_person(rng, lang):
    male = rng.random() < 0.5
    chinese = lang == "zh" or rng.random() < 0.3
    p = {"male": male, "chinese": chinese}
    dob = rand_date(rng, 1952, 2005)
    p["dob"] = dob
    p["sign"] = rand_date(rng, 2025, 2025)
    if chinese:
        sz, sp = rng.choice(ZH_SURNAMES)
        gz, gp = rng.choice(ZH_GIVEN_M if male else ZH_GIVEN_F)
        city, pc, addr, city_en, addr_en = rng.choice(ZH_PLACES)
        job, emp = rng.choice(ZH_JOBS)
        ph = "1" + rng.choice("3589") + "".join(str(rng.randint(0, 9)) for _ in range(9))
        if lang == "zh":
            p.update(name=sz + gz, last_name=sz, first_name=gz, city=city, postcode=pc,
                     address=(city + "市" + addr) if rng.random() < 0.6 else addr, occupation=job,
                     employer=emp, nationality="中国")
            p["phone"] = rng.choice([ph, f"{ph[:3]} {ph[3:7]} {ph[7:]}", f"+86 {ph[:3]} {ph[3:7]} {ph[7:]}"])
            ez = rng.choice(ZH_SURNAMES)[0] + rng.choice(ZH_GIVEN_M + ZH_GIVEN_F)[0]
            eph = "13" + "".join(str(rng.randint(0, 9)) for _ in range(9))
            p["emergency_contact"] = rng.choice([f"{ez} {eph}", f"{ez}（{rng.choice(['配偶', '父亲', '母亲', '姐姐'])}）{eph}"])
        else:
            p.update(name=f"{sp} {gp}", last_name=sp, first_name=gp, city=city_en, postcode=pc,
                     address=addr_en, nationality=rng.choice(["Chinese", "China"]),
                     occupation=rng.choice(EN_JOBS)[0], employer=rng.choice(EN_JOBS)[1])
            p["phone"] = f"+86 {ph[:3]} {ph[3:7]} {ph[7:]}"
            p["emergency_contact"] = f"{rng.choice(ZH_SURNAMES)[1]} {rng.choice(ZH_GIVEN_M + ZH_GIVEN_F)[1]} +86 139 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
        p["id_number"] = cn_id(rng, ZH_AREA[city if lang == "zh" else [c for c, _, _, ce, _ in ZH_PLACES if ce == city_en][0]], dob, male)
        p["passport_number"] = "E" + "".join(str(rng.randint(0, 9)) for _ in range(8))
        p["email"] = rng.choice([f"{sp.lower()}{gp.lower()}{rng.randint(1, 99)}@163.com",
                                 f"{gp.lower()}.{sp.lower()}@qq.com", f"{sp.lower()}_{gp.lower()}@126.com"])
    else:
        first = rng.choice(EN_MALE if male else EN_FEMALE)
        last = rng.choice(EN_SURNAMES)
        streets, cities, pcs, style, nat = rng.choice(EN_PLACES)
        k = rng.randrange(len(cities))
        job, emp = rng.choice(EN_JOBS)
        p.update(name=f"{first} {last}", first_name=first, last_name=last, city=cities[k],
                 postcode=pcs[k % len(pcs)], address=rng.choice(streets), occupation=job, employer=emp,
                 nationality=nat)
        n = [rng.randint(0, 9) for _ in range(10)]
        if style == "uk":
            p["phone"] = rng.choice([f"07{n[0]}{n[1]}{n[2]} {n[3]}{n[4]}{n[5]}{n[6]}{n[7]}{n[8]}",
                                     f"+44 7{n[0]}{n[1]}{n[2]} {n[3]}{n[4]}{n[5]}{n[6]}{n[7]}{n[8]}"])
            p["id_number"] = f"{rng.choice(['QQ', 'AB', 'JT', 'NE'])}{rng.randint(10, 99)}{rng.randint(10, 99)}{rng.randint(10, 99)}{rng.choice('ABCD')}"
        elif style == "us":
            p["phone"] = rng.choice([f"({n[0] + 2}{n[1]}{n[2]}) {n[3]}{n[4]}{n[5]}-{n[6]}{n[7]}{n[8]}{n[9]}",
                                     f"{n[0] + 2}{n[1]}{n[2]}-{n[3]}{n[4]}{n[5]}-{n[6]}{n[7]}{n[8]}{n[9]}"])
            p["id_number"] = f"D{rng.randint(100, 999)}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
        elif style == "au":
            p["phone"] = f"04{n[0]}{n[1]} {n[2]}{n[3]}{n[4]} {n[5]}{n[6]}{n[7]}"
            p["id_number"] = f"{rng.randint(1000, 9999)} {rng.randint(10000, 99999)} {rng.randint(1, 9)}"
        else:
            p["phone"] = f"({n[0] + 2}{n[1]}{n[2]}) {n[3]}{n[4]}{n[5]}-{n[6]}{n[7]}{n[8]}{n[9]}"
            p["id_number"] = f"{rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
        p["passport_number"] = rng.choice(["", "C"]) + "".join(str(rng.randint(0, 9)) for _ in range(9))
        p["email"] = rng.choice([f"{first.lower()}.{last.lower()}@example.com",
                                 f"{first[0].lower()}{last.lower()}{rng.randint(1, 99)}@mail.com",
                                 f"{last.lower()}.{first.lower()}@outlook.com"])
        ef = rng.choice(EN_MALE + EN_FEMALE)
        p["emergency_contact"] = rng.choice([f"{ef} {last} {p['phone'][:-3]}{rng.randint(100, 999)}",
                                             f"{ef} {rng.choice(EN_SURNAMES)} ({rng.choice(['wife', 'husband', 'mother', 'father', 'partner', 'sister'])}) {p['phone'][:-3]}{rng.randint(100, 999)}"])
    return p


def gender_spelling(rng, male, lang, chinese_keys):
    if lang == "zh" or chinese_keys:
        pool = ["男" if male else "女"] * 3 + (["M", "male"] if male else ["F", "female"])
    else:
        pool = ["M", "m", "male", "Male"] if male else ["F", "f", "female", "Female"]
    return rng.choice(pool)


# ----------------------------------------------------------------------------------------------
# fields
# ----------------------------------------------------------------------------------------------

class Fld:
    """One field of a form.  kind: text | date | choice."""

    def __init__(self, kind, key, label, **kw):
        self.kind = kind
        self.key = key
        self.label = label
        self.options = kw.pop("options", None)
        self.wide = kw.pop("wide", False)
        self.tall = kw.pop("tall", False)
        self.comb = kw.pop("comb", 0)
        self.role = kw.pop("role", "")
        self.multi = kw.pop("multi", False)
        self.extra = kw
        self.i = None
        self.value = None
        self.date = None        # ISO date value
        self.style = None       # option style in the JSON
        self.fmt = None         # one-box date format
        self.parts = None       # [(part, value)] for dates in parts
        self.dlook = None       # description of the date look (for the counts)
        self.olook = None       # description of the option look
        self.label_inside = False   # the label lies inside its own input (placeholder labels)
        self.text_in_box = False    # option text inside its own box (circled text)

    def __repr__(self):
        return f"Fld({self.kind},{self.key},{self.label})"


EN_LABELS = {
    "name": ["Full name", "Name", "Name in full", "Applicant name", "Full legal name"],
    "last_name": ["Surname", "Last name", "Family name"],
    "first_name": ["First name", "Given name(s)", "Forename(s)", "Given names"],
    "gender": ["Sex", "Gender"],
    "date_of_birth": ["Date of birth", "Birth date", "Date of birth"],
    "nationality": ["Nationality", "Citizenship"],
    "id_number": ["ID number", "National ID no.", "Identity card number"],
    "passport_number": ["Passport number", "Passport no."],
    "phone": ["Phone", "Mobile number", "Telephone", "Contact number"],
    "email": ["Email", "Email address", "E-mail"],
    "address": ["Address", "Home address", "Street address", "Residential address"],
    "city": ["City", "Town / City", "Town"],
    "postcode": ["Postcode", "ZIP code", "Postal code"],
    "occupation": ["Occupation", "Profession", "Job title"],
    "employer": ["Employer", "Company", "Name of employer"],
    "emergency_contact": ["Emergency contact", "Emergency contact (name & phone)"],
    "signature": ["Signature", "Applicant's signature", "Signed"],
    "date": ["Date", "Date signed", "Today's date"],
}
ZH_LABELS = {
    "name": ["姓名", "申请人姓名"],
    "last_name": ["姓", "姓氏"],
    "first_name": ["名", "名字"],
    "gender": ["性别"],
    "date_of_birth": ["出生日期", "出生年月日"],
    "nationality": ["国籍"],
    "id_number": ["身份证号码", "公民身份号码", "身份证号"],
    "passport_number": ["护照号码"],
    "phone": ["手机号码", "联系电话", "手机"],
    "email": ["电子邮箱", "邮箱", "E-mail"],
    "address": ["家庭住址", "通讯地址", "现住址", "联系地址"],
    "city": ["城市", "所在城市"],
    "postcode": ["邮政编码", "邮编"],
    "occupation": ["职业"],
    "employer": ["工作单位", "单位名称"],
    "emergency_contact": ["紧急联系人", "紧急联系人及电话"],
    "signature": ["申请人签名", "签名", "本人签字"],
    "date": ["日期", "填表日期", "申请日期"],
}
EN_QUESTIONS = {  # chat forms ask questions
    "name": ["What is your full name?", "May I have your full name?"],
    "last_name": ["What is your surname?"],
    "first_name": ["And your first name?"],
    "gender": ["What is your sex?", "Your gender?"],
    "date_of_birth": ["What is your date of birth?", "When were you born?"],
    "nationality": ["What is your nationality?"],
    "id_number": ["Your ID number, please."],
    "passport_number": ["What is your passport number?"],
    "phone": ["What's the best phone number to reach you?", "Your mobile number?"],
    "email": ["What is your email address?", "Which email should we use?"],
    "address": ["What is your home address?"],
    "city": ["Which city do you live in?"],
    "postcode": ["And the postcode?"],
    "occupation": ["What do you do for a living?", "What is your occupation?"],
    "employer": ["Who is your employer?"],
    "emergency_contact": ["Who should we contact in an emergency?"],
    "signature": ["Please sign below to confirm."],
    "date": ["Today's date?"],
}
ZH_QUESTIONS = {
    "name": ["请问您的姓名是？", "您好，请告诉我您的姓名"],
    "last_name": ["您的姓氏是？"],
    "first_name": ["您的名字是？"],
    "gender": ["您的性别是？"],
    "date_of_birth": ["您的出生日期是？", "请问您是哪天出生的？"],
    "nationality": ["您的国籍是？"],
    "id_number": ["请输入您的身份证号码"],
    "passport_number": ["请提供护照号码"],
    "phone": ["您的手机号码是多少？", "请留下联系电话"],
    "email": ["您的电子邮箱是？"],
    "address": ["您的联系地址是？"],
    "city": ["您所在的城市是？"],
    "postcode": ["邮政编码是？"],
    "occupation": ["您的职业是？"],
    "employer": ["您在哪个单位工作？"],
    "emergency_contact": ["紧急联系人姓名及电话？"],
    "signature": ["请在下方签名确认"],
    "date": ["今天的日期？"],
}

GENDER_OPTS = {"en": [("Male", "Female"), ("M", "F"), ("Female", "Male"), ("Male", "Female", "Other"),
                      ("Male", "Female", "Prefer not to say")],
               "zh": [("男", "女"), ("男", "女"), ("男性", "女性")]}
MARITAL = {"en": [("Single", "Married", "Divorced", "Widowed"), ("Single", "Married", "Other")],
           "zh": [("未婚", "已婚", "离异", "丧偶"), ("未婚", "已婚", "其他")]}

# theme content per family: (title, issuer, key-null texts, key-null dates, key-null option groups)
THEMES = {
    "mobile": {
        "en": [("Join FitLife", "FitLife Gyms", ["Membership number", "Referral code", "Preferred club"],
                ["Start date"], [("Membership plan", ("Monthly", "Annual", "Off-peak")),
                                 ("Any injuries we should know about?", ("Yes", "No"))]),
               ("Drive with Zoomr", "Zoomr Rides", ["Vehicle registration", "Vehicle make and model", "Driver licence number"],
                ["Licence expiry date"], [("Vehicle type", ("Car", "Van", "Motorbike")),
                                         ("Driven for another app before?", ("Yes", "No"))])],
        "zh": [("健身会员注册", "力行健身", ["会员卡号", "推荐码", "意向门店"], ["开卡日期"],
                [("会员类型", ("月卡", "季卡", "年卡")), ("是否有运动损伤", ("是", "否"))]),
               ("网约车司机注册", "快行出行", ["车牌号码", "车辆品牌型号", "驾驶证档案编号"], ["驾驶证有效期至"],
                [("车辆类型", ("轿车", "SUV", "MPV")), ("是否有其他平台经验", ("有", "无"))])],
    },
    "darkmode": {
        "en": [("Billing profile", "Nebula Cloud Console", ["Company VAT number", "Project name", "Billing reference"],
                ["Trial end date"], [("Plan", ("Free", "Pro", "Team")), ("Receive product updates?", ("Yes", "No"))]),
               ("Account verification", "Gridline Developer Hub", ["Organisation ID", "Workspace name", "Tax ID"],
                ["Contract start date"], [("Account type", ("Personal", "Business")),
                                          ("Enable two-factor authentication?", ("Yes", "No"))])],
        "zh": [("开发者账号实名认证", "星云开发者平台", ["统一社会信用代码", "项目名称", "发票抬头"], ["试用截止日期"],
                [("套餐", ("免费版", "专业版", "团队版")), ("是否接收产品通知", ("是", "否"))]),
               ("网站备案信息登记", "云栈控制台", ["备案号", "网站域名", "服务器IP地址"], ["合同开始日期"],
                [("主体类型", ("个人", "企业")), ("是否需要代备案", ("是", "否"))])],
    },
    "sheet": {
        "en": [("Employee onboarding data sheet", "People Ops", ["Employee ID", "Department", "Cost centre", "Bank sort code"],
                ["Start date"], [("Contract type", ("Full-time", "Part-time", "Temporary")), ("Marital status", None)]),
               ("Volunteer roster intake", "Harbour Food Bank", ["Team", "Volunteer no.", "Shift preference"],
                ["Available from"], [("Driving licence held?", ("Yes", "No")), ("T-shirt size", ("S", "M", "L", "XL"))])],
        "zh": [("新员工入职信息表", "人力资源部", ["工号", "所属部门", "岗位", "银行卡号"], ["入职日期"],
                [("用工形式", ("全职", "兼职", "实习")), ("婚姻状况", None)]),
               ("社区志愿者登记表", "街道志愿服务中心", ["服务队", "志愿者编号", "服务时段"], ["可服务起始日期"],
                [("政治面貌", ("群众", "团员", "党员")), ("是否有驾照", ("是", "否"))])],
    },
    "chat": {
        "en": [("TravelSafe assistant", "TravelSafe Insurance", ["Destination", "Number of travellers", "Trip reference"],
                ["Departure date", "Return date"], [("Cover type", ("Single trip", "Annual multi-trip")),
                                                    ("Any pre-existing medical conditions?", ("Yes", "No"))]),
               ("PawCare booking", "PawCare Vets", ["Pet's name", "Breed", "Microchip number"],
                ["Preferred appointment date"], [("Species", ("Dog", "Cat", "Other")), ("First visit?", ("Yes", "No"))])],
        "zh": [("旅游保险智能客服", "安途保险", ["目的地", "出行人数", "订单号"], ["出发日期", "返回日期"],
                [("保障类型", ("单次行程", "年度多次")), ("是否有既往病史", ("是", "否"))]),
               ("宠物医院预约助手", "萌宠动物医院", ["宠物名字", "品种", "芯片编号"], ["预约日期"],
                [("宠物类别", ("狗", "猫", "其他")), ("是否首次就诊", ("是", "否"))])],
    },
    "vlabel": {
        "en": [("Student exchange questionnaire", "Office of Global Programs", ["Home university", "Student number", "Course"],
                ["Intended arrival"], [("Accommodation needed?", ("Yes", "No")), ("Level", ("Undergraduate", "Postgraduate"))]),
               ("Allotment tenancy questionnaire", "Parks & Gardens", ["Plot number", "Years of experience", "Site"],
                [], [("Plot size", ("Half", "Full")), ("Organic growing?", ("Yes", "No")), ("Marital status", None)])],
        "zh": [("交换生项目调查表", "国际交流处", ["原就读学校", "学号", "专业"], ["预计到达日期"],
                [("是否需要住宿", ("是", "否")), ("学历层次", ("本科", "研究生"))]),
               ("社区居民信息采集表", "幸福里社区居委会", ["楼栋号", "房号", "户籍地"], ["入住日期"],
                [("居住类型", ("自有", "租住")), ("婚姻状况", None)])],
    },
    "postal": {
        "en": [("CUSTOMS DECLARATION", "Royal Parcel Post", [], [], []),
               ("DISPATCH NOTE / CUSTOMS DECLARATION", "Global Post", [], [], [])],
        "zh": [("报关签条", "中国邮政 CHINA POST", [], [], []),
               ("国际邮件详情单", "环球邮政", [], [], [])],
    },
    "labslip": {
        "en": [("Pathology request", "Westbrook Diagnostics", ["Requesting doctor", "Provider no.", "Clinical notes"],
                ["Collection date"], []),
               ("Laboratory test request", "Meadow Lane Medical Centre", ["Referring clinician", "Ward / clinic", "Clinical details"],
                ["Collection date"], [])],
        "zh": [("临床检验申请单", "市第一人民医院检验科", ["申请医生", "科室", "临床诊断"], ["采样日期"], []),
               ("门诊检验申请单", "和平社区卫生服务中心", ["开单医生", "床号", "临床诊断"], ["采样日期"], [])],
    },
    "postcard": {
        "en": [("Warranty registration card", "Kelvin Home Appliances", ["Model number", "Serial number", "Store name"],
                ["Date of purchase"], [("Where did you buy it?", ("Online", "In store", "Gift")),
                                       ("Age group", ("18-24", "25-34", "35-49", "50+")),
                                       ("May we contact you about offers?", ("Yes", "No"))]),
               ("Product registration", "Sonora Audio", ["Product model", "Serial no.", "Retailer"],
                ["Purchase date"], [("How did you hear about us?", ("TV", "Web", "Friend", "Store")),
                                    ("Send me the newsletter", ("Yes", "No"))])],
        "zh": [("产品保修登记卡", "科威家电", ["产品型号", "机身序列号", "购买商场"], ["购买日期"],
                [("购买渠道", ("网店", "实体店", "赠送")), ("年龄段", ("18-24", "25-34", "35-49", "50以上")),
                 ("是否愿意接受回访", ("是", "否"))]),
               ("会员回执卡", "声悦音响", ["产品型号", "序列号", "经销商"], ["购买日期"],
                [("了解渠道", ("电视", "网络", "朋友", "门店")), ("是否订阅资讯", ("是", "否"))])],
    },
    "graphpaper": {
        "en": [("Makerspace membership", "Foundry Makerspace", ["Member no.", "Locker number", "Induction level"],
                ["Induction date"], [("Experience", ("Beginner", "Intermediate", "Advanced")), ("Own tools?", ("Yes", "No"))]),
               ("Field crew registration", "Contour Surveys", ["Crew ID", "Vehicle registration", "Base office"],
                ["Site start date"], [("Licence class", ("B", "C", "None")), ("First aid certificate?", ("Yes", "No"))])],
        "zh": [("创客空间会员登记表", "铸造创客空间", ["会员编号", "储物柜号", "工种"], ["培训日期"],
                [("技能等级", ("初级", "中级", "高级")), ("是否自带工具", ("是", "否"))]),
               ("测绘外业人员登记表", "等高线测绘公司", ["外业编号", "车牌号码", "所属分队"], ["进场日期"],
                [("驾照类型", ("A", "B", "C", "无")), ("是否持有急救证", ("是", "否"))])],
    },
    "omr": {
        "en": [("Candidate registration sheet", "National Assessment Board", ["Candidate number", "Centre number", "Exam code"],
                ["Exam date"], [("Paper", ("Foundation", "Higher")), ("Special arrangements?", ("Yes", "No"))]),
               ("Household census form", "Office for Population Statistics", ["Household number", "Enumeration area", "Rooms in dwelling"],
                [], [("Marital status", None), ("Tenure", ("Owned", "Rented", "Other")), ("Disability?", ("Yes", "No"))])],
        "zh": [("考生报名信息卡", "教育考试院", ["准考证号", "考点代码", "科目代码"], ["考试日期"],
                [("报考级别", ("初级", "中级", "高级")), ("是否申请特殊安排", ("是", "否"))]),
               ("人口普查登记表", "人口普查办公室", ["户编号", "普查小区", "住房间数"], [],
                [("婚姻状况", None), ("住房来源", ("自建", "购买", "租赁")), ("是否残疾", ("是", "否"))])],
    },
    "secpaper": {
        "en": [("Visa application form", "Consulate General of Aurelia", ["Intended port of entry", "Name of host or hotel", "Duration of stay (days)"],
                ["Intended date of arrival", "Passport expiry date"],
                [("Purpose of journey", ("Tourism", "Business", "Visiting family", "Study")), ("Number of entries", ("Single", "Multiple")),
                 ("Marital status", None)]),
               ("Application for a residence card", "Directorate of Immigration", ["Address abroad", "Previous visa number", "Sponsor's name"],
                ["Date of entry"], [("Basis of stay", ("Work", "Study", "Family")), ("Marital status", None)])],
        "zh": [("签证申请表", "驻华总领事馆", ["入境口岸", "邀请人或酒店名称", "停留天数"], ["预计入境日期", "护照有效期至"],
                [("访问事由", ("旅游", "商务", "探亲", "学习")), ("入境次数", ("一次", "多次")), ("婚姻状况", None)]),
               ("居留许可申请表", "出入境管理局", ["境外住址", "原签证号码", "担保人姓名"], ["入境日期"],
                [("居留事由", ("工作", "学习", "团聚")), ("婚姻状况", None)])],
    },
}

CONTACT_KEYS = ["id_number", "passport_number", "phone", "email", "address", "city", "postcode",
                "occupation", "employer", "emergency_contact"]


def std_fields(rng, lang, fam, theme, opts):
    """The standard field list: applicant, contact, theme, declaration sections.
    Returns [(section_key, [Fld, ...]), ...]."""
    L = EN_LABELS if lang == "en" else ZH_LABELS
    pick = lambda k: rng.choice(L[k])  # noqa: E731
    app = []
    if opts.get("split_name"):
        app.append(Fld("text", "last_name", pick("last_name")))
        app.append(Fld("text", "first_name", pick("first_name")))
    else:
        app.append(Fld("text", "name", pick("name")))
    app.append(Fld("choice", "gender", pick("gender"), options=list(rng.choice(GENDER_OPTS[lang]))))
    app.append(Fld("date", "date_of_birth", pick("date_of_birth")))
    if opts.get("nat_choice"):
        app.append(Fld("choice", "nationality", pick("nationality"), options=None))  # options set later
    else:
        app.append(Fld("text", "nationality", pick("nationality")))
    contact_pool = list(CONTACT_KEYS)
    rng.shuffle(contact_pool)
    n = opts.get("n_contact", rng.randint(4, 6))
    chosen = [k for k in CONTACT_KEYS if k in contact_pool[:n]]
    if "address" not in chosen and rng.random() < 0.7:
        chosen = ["address"] + chosen[:-1]
        chosen = [k for k in CONTACT_KEYS if k in chosen]
    con = [Fld("text", k, pick(k), wide=k in ("address", "emergency_contact")) for k in chosen]
    title, issuer, ttexts, tdates, topts = theme
    th = []
    nt = min(len(ttexts), rng.randint(2, 3))
    for lab in ttexts[:nt]:
        th.append(Fld("text", None, lab, wide=lab in ("Clinical notes", "Clinical details", "临床诊断", "Address abroad", "境外住址")))
    for lab in tdates[:rng.randint(max(0, min(1, len(tdates))), len(tdates))]:
        th.append(Fld("date", None, lab))
    no = rng.randint(1, max(1, len(topts))) if topts else 0
    for lab, os_ in topts[:no]:
        if os_ is None:
            os_ = rng.choice(MARITAL[lang])
        th.append(Fld("choice", None, lab, options=list(os_)))
    dec = [Fld("text", "signature", pick("signature"))]
    if rng.random() < 0.88:
        dec.append(Fld("date", "date", pick("date")))
    return [("applicant", app), ("contact", con), ("theme", th), ("declaration", dec)]


SECTION_TITLES = {
    "en": {"applicant": ["Personal details", "About you", "Applicant", "Your details", "Personal information"],
           "contact": ["Contact details", "Contact information", "How to reach you", "Address and contact"],
           "theme": ["Details", "Further information", "Additional details"],
           "declaration": ["Declaration", "Sign and date", "Confirmation"]},
    "zh": {"applicant": ["个人信息", "申请人信息", "基本信息", "本人情况"],
           "contact": ["联系方式", "通讯信息", "联系信息"],
           "theme": ["其他信息", "补充信息", "业务信息"],
           "declaration": ["声明与签名", "本人承诺", "签字确认"]},
}


def assign_profile(rng, lang, person, sections, hard_case=False):
    """Build the profile (what a client would send) and every field's value."""
    fields = [f for _, fs in sections for f in fs]
    keyed = []
    for f in fields:
        if f.key and f.key != "signature" and f.key not in keyed:
            keyed.append(f.key)
    chinese_keys = lang == "zh" or (person["chinese"] and rng.random() < 0.5)
    n_omit = rng.choices([1, 2, 3, 4], [3, 4, 3, 1])[0]
    cand = [k for k in keyed if k not in ("first_name", "last_name")] if hard_case else list(keyed)
    omit = set(rng.sample(cand, min(n_omit, len(cand) - 1)))
    if hard_case:
        omit.discard("name")
    present = [k for k in keyed if k not in omit]
    extras_pool = [k for k in ["phone", "email", "occupation", "city", "postcode", "employer", "nationality",
                               "passport_number", "id_number"] if k not in keyed]
    extras = rng.sample(extras_pool, min(len(extras_pool), rng.choice([0, 0, 1, 1, 2])))
    if hard_case:
        present = [k for k in present if k not in ("first_name", "last_name")]
        extras = [e for e in extras if e != "name"]
    order = ["name", "last_name", "first_name", "gender", "date_of_birth", "nationality", "id_number",
             "passport_number", "phone", "email", "address", "city", "postcode", "occupation", "employer",
             "emergency_contact", "date"]
    keys = [k for k in order if k in present or k in extras or (hard_case and k == "name")]
    used = set()
    profile = {}
    for k in keys:
        if chinese_keys and k in ZH_KEYS and rng.random() < (0.8 if lang == "zh" else 0.6):
            name = ZH_KEYS[k]
        else:
            v = KEY_VARIANTS[k]
            name = v[0] if rng.random() < 0.45 else rng.choice(v)
        if name in used:
            name = KEY_VARIANTS[k][0]
        used.add(name)
        if k == "gender":
            val = gender_spelling(rng, person["male"], lang, chinese_keys)
        elif k == "date_of_birth":
            val = spell_date(rng, person["dob"], lang)
        elif k == "date":
            val = spell_date(rng, person["sign"], lang)
        else:
            val = person[k]
        profile[name] = val
    given = set(k for k in keys)
    for f in fields:
        if f.key is None or f.key == "signature":
            f.value = None
            continue
        if f.kind == "text":
            if f.key in given:
                f.value = person[f.key]
            elif hard_case and f.key in ("first_name", "last_name"):
                f.value = person[f.key]
            else:
                f.value = None
        elif f.kind == "date":
            d = person["dob"] if f.key == "date_of_birth" else person["sign"]
            f.date = d if f.key in given else None
            f.value = d.isoformat() if f.key in given else None
        elif f.kind == "choice":
            if f.key not in given:
                f.value = None
            elif f.key == "gender":
                f.value = f.options[gender_index(f.options, person["male"])]
            elif f.key == "nationality":
                f.value = f.options[0] if f.options[0] == person["nationality"] else None
                for o in f.options:
                    if o == person["nationality"]:
                        f.value = o
    return profile


def gender_index(opts, male):
    for j, o in enumerate(opts):
        if male and o in ("Male", "M", "男", "男性"):
            return j
        if not male and o in ("Female", "F", "女", "女性"):
            return j
    raise ValueError(opts)


def nationality_options(rng, lang, person):
    if lang == "zh":
        return ["中国", "其他"] if rng.random() < 0.7 else ["中国", "港澳台", "外国"]
    nat = person["nationality"]
    others = [n for n in ["British", "American", "Australian", "Canadian", "Irish"] if n != nat]
    if rng.random() < 0.5:
        return [nat, "Other"]
    o = [nat] + rng.sample(others, 2)
    rng.shuffle(o)
    return o + ["Other"]


# ----------------------------------------------------------------------------------------------
# HTML building blocks
# ----------------------------------------------------------------------------------------------

class Ctx:
    """Per-attempt build context: registers fields in reading order."""

    def __init__(self, lang, rng, measure):
        self.lang = lang
        self.rng = rng
        self.fields = []
        self.measure = measure
        self.notes = {}

    def reg(self, f):
        f.i = len(self.fields)
        self.fields.append(f)
        return f.i


def lab(f, cls="lbl", colon="", req=False, text=None, tag="span"):
    r = '<span class="req">*</span>' if req else ""
    if (text or f.label)[-1] in "?？":
        colon = ""
    return f'<{tag} class="{cls}" data-l="{f.i}">{esc(text or f.label)}{r}{colon}</{tag}>'


def colon_for(rng, lang):
    if lang == "en":
        return rng.choice(["", ":", ":"])
    return rng.choice(["", "：", "：", ":"])


OPT_STYLE = {"sq": "square", "ncb": "square", "cell": "square", "ci": "radio", "nra": "radio",
             "ov": "radio", "ct": "radio", "seg": "radio", "gl": "glyph"}
OPT_LOOK = {"sq": "CSS squares", "ncb": "native checkboxes", "cell": "square table cells",
            "ci": "CSS circles", "nra": "native radios", "ov": "OMR ovals", "ct": "circled text",
            "seg": "segmented control", "gl": "glyphs"}


def opt_items(f, variant, glyph="☐", text_first=False, box_cls="", text_cls="ot", name=None):
    """A list of per-option HTML snippets (box + text) for the usual variants."""
    f.style = OPT_STYLE[variant]
    f.olook = OPT_LOOK[variant] + (f" {glyph}" if variant == "gl" else "") + (" text first" if text_first else "")
    items = []
    for j, o in enumerate(f.options):
        a = f"{f.i}.{j}"
        t = f'<span class="{text_cls}" data-ot="{a}">{esc(o)}</span>'
        if variant == "sq":
            b = f'<span class="osq {box_cls}" data-ob="{a}"></span>'
        elif variant == "ci":
            b = f'<span class="oci {box_cls}" data-ob="{a}"></span>'
        elif variant == "ov":
            b = f'<span class="oov {box_cls}" data-ob="{a}"></span>'
        elif variant == "ncb":
            b = f'<input type="checkbox" class="nat {box_cls}" data-ob="{a}">'
        elif variant == "nra":
            b = f'<input type="radio" class="nat {box_cls}" name="{name or "g" + str(f.i)}" data-ob="{a}">'
        elif variant == "gl":
            st = ' style="font-family:\'DejaVu Sans\', sans-serif"' if glyph == "○" else ""
            b = f'<span class="ogl {box_cls}" data-og="{a}"{st}>{glyph}<i class="bl"></i></span>'
        elif variant == "ct":
            f.text_in_box = True
            items.append(f'<span class="oct {box_cls}" data-ob="{a}">{t}</span>')
            continue
        else:
            raise ValueError(variant)
        items.append(f'<span class="opt">{t}{b}</span>' if text_first else f'<span class="opt">{b}{t}</span>')
    return items


def opt_row(f, variant, cls="opts", sep="", **kw):
    items = opt_items(f, variant, **kw)
    return f'<span class="{cls}">' + sep.join(items) + "</span>"


DATE_TOK = {"day": "DD", "month": "MM", "year": "YYYY"}
CAPS = {"en": {"day": "Day", "month": "Month", "year": "Year"},
        "zh": {"day": "日", "month": "月", "year": "年"}}


def date_order(rng, lang, us_ok=True):
    if lang == "zh":
        return ("year", "month", "day")
    return rng.choices([("day", "month", "year"), ("month", "day", "year"), ("year", "month", "day")],
                       [5, 3 if us_ok else 0, 2])[0]


def set_parts(f, order, padded):
    d = f.date
    out = []
    for p in order:
        if d is None:
            v = ""
        elif p == "year":
            v = str(d.year)
        else:
            n = d.day if p == "day" else d.month
            v = f"{n:02d}" if padded else str(n)
        out.append((p, v))
    f.parts = out
    f.fmt = None


def one_box_format(rng, lang):
    if lang == "zh":
        return rng.choice(["YYYY-MM-DD", "YYYY年MM月DD日", "YYYY/MM/DD", "YYYY.MM.DD"])
    return rng.choice(["DD/MM/YYYY", "MM/DD/YYYY", "YYYY-MM-DD", "DD.MM.YYYY", "DD-MM-YYYY", "DD/MM/YYYY"])


def show_fmt(rng, fmt):
    """How a format is printed: sometimes lower case."""
    if "年" in fmt or rng.random() < 0.6:
        return fmt
    return fmt.lower()


def parts_html(f, order, look, lang, part_cls, rng, sep="/", widths=(None, None, None), cap_cls="dcap",
               sep_cls="dsep", unit_cls="dunit", ph=True):
    """Three date parts.  look: ph (grey placeholders, separators), cap_above, cap_below, units
    (zh: box followed by 年 / 月 / 日), sel (drop-down boxes with ▾)."""
    padded = not (lang == "zh" and look in ("units", "cap_above", "cap_below", "sel"))
    set_parts(f, order, padded)
    out = []
    words = lang == "zh" or rng.random() < 0.6   # captions / drop-down words: Day Month Year, else DD MM YYYY
    lower = rng.random() < 0.35
    for k, p in enumerate(order):
        a = f"{f.i}.{k}"
        w = widths[["day", "month", "year"].index(p)]
        st = f' style="width:{w}px"' if w else ""
        tok = DATE_TOK[p]
        if look == "ph":
            inner = f'<span class="ph">{(tok.lower() if lower else tok) if ph else ""}</span>'
            out.append(f'<span class="{part_cls}" data-pt="{a}"{st}>{inner}</span>')
            if k < 2:
                out.append(f'<span class="{sep_cls}">{sep}</span>')
        elif look in ("cap_above", "cap_below"):
            cap = CAPS[lang][p] if words else tok
            box = f'<span class="{part_cls}" data-pt="{a}"{st}></span>'
            capx = f'<span class="{cap_cls}">{cap}</span>'
            col = capx + box if look == "cap_above" else box + capx
            out.append(f'<span class="dcol">{col}</span>')
        elif look == "units":
            out.append(f'<span class="{part_cls}" data-pt="{a}"{st}></span><span class="{unit_cls}">{CAPS["zh"][p]}</span>')
        elif look == "sel":
            word = CAPS[lang][p] if words else tok
            out.append(f'<span class="{part_cls} sel" data-pt="{a}"{st}><span class="ph">{word}</span><span class="caret">▾</span></span>')
        else:
            raise ValueError(look)
    f.dlook = {"ph": f"boxes with placeholders ({sep})", "cap_above": "captions above", "cap_below": "captions below",
               "units": "boxes followed by 年/月/日", "sel": "drop-down boxes"}[look]
    return "".join(out)


BASE_CSS = """
html, body { margin: 0; padding: 0; }
.bl { display: inline-block; width: 0; height: 0; vertical-align: baseline; }
.ph { white-space: nowrap; }
.lbl, .ot { white-space: nowrap; }
input.nat { margin: 0; padding: 0; vertical-align: middle; }
.osq, .oci, .oov { display: inline-block; box-sizing: border-box; vertical-align: middle; flex: none; }
.oci { border-radius: 50%; }
.oov { border-radius: 50%; }
.opt { display: inline-flex; align-items: center; white-space: nowrap; }
.dcol { display: inline-flex; flex-direction: column; align-items: center; }
"""

EXTRACT_JS = r"""
(() => {
  const F = r => [Math.floor(r.left), Math.floor(r.top), Math.ceil(r.right), Math.ceil(r.bottom)];
  const rr = el => { const g = document.createRange(); g.selectNodeContents(el); return g.getBoundingClientRect(); };
  const out = {lab: {}, ltext: {}, inp: {}, pt: {}, ob: {}, ot: {}, ottext: {}, og: {}, dec: []};
  document.querySelectorAll('[data-l]').forEach(e => { out.lab[e.dataset.l] = F(rr(e)); out.ltext[e.dataset.l] = e.textContent; });
  document.querySelectorAll('[data-in]').forEach(e => { out.inp[e.dataset.in] = F(e.getBoundingClientRect()); });
  document.querySelectorAll('[data-pt]').forEach(e => { out.pt[e.dataset.pt] = F(e.getBoundingClientRect()); });
  document.querySelectorAll('[data-ob]').forEach(e => { out.ob[e.dataset.ob] = F(e.getBoundingClientRect()); });
  document.querySelectorAll('[data-ot]').forEach(e => { out.ot[e.dataset.ot] = F(rr(e)); out.ottext[e.dataset.ot] = e.textContent; });
  const cv = document.createElement('canvas').getContext('2d');
  document.querySelectorAll('[data-og]').forEach(e => {
    const cs = getComputedStyle(e);
    cv.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
    const t = e.firstChild;
    const g = document.createRange(); g.setStart(t, 0); g.setEnd(t, t.data.length);
    const r = g.getBoundingClientRect();
    const bl = e.querySelector('.bl').getBoundingClientRect().bottom;
    const m = cv.measureText(t.data);
    out.og[e.dataset.og] = [Math.floor(r.left - m.actualBoundingBoxLeft), Math.floor(bl - m.actualBoundingBoxAscent),
                            Math.ceil(r.left + m.actualBoundingBoxRight), Math.ceil(bl + m.actualBoundingBoxDescent)];
  });
  document.querySelectorAll('[data-dec]').forEach(e => out.dec.push(F(e.getBoundingClientRect())));
  return out;
})()
"""


def page_html(lang, title, css, body):
    return ("<!DOCTYPE html>\n<html lang=\"" + ("en" if lang == "en" else "zh-CN") + "\"><head><meta charset=\"utf-8\">\n"
            f"<title>{esc(title)}</title><style>{BASE_CSS}{css}</style></head>\n<body>\n{body}\n</body></html>\n")


# ----------------------------------------------------------------------------------------------
# JSON assembly and checks
# ----------------------------------------------------------------------------------------------

class Reject(Exception):
    pass


def strip_label(s):
    s = s.strip()
    while s and s[-1] in ":：*＊ \u00a0":
        s = s[:-1]
    return s.strip()


def assemble(fields, data):
    out = []
    for f in fields:
        i = str(f.i)
        if i not in data["lab"]:
            raise Reject(f"field {f.i} {f.label!r}: no label element")
        d = {"label": f.label, "label_box": data["lab"][i]}
        if f.kind == "text":
            d.update(kind="text", input_box=data["inp"][i], key=f.key, value=f.value)
        elif f.kind == "date":
            d.update(kind="date", key=f.key, value=f.value)
            if f.parts:
                d.update(input_box=None, format=None,
                         parts=[{"part": p, "box": data["pt"][f"{i}.{k}"], "value": v} for k, (p, v) in enumerate(f.parts)])
            else:
                d.update(input_box=data["inp"][i], format=f.fmt, parts=[])
        else:
            opts = []
            for j, o in enumerate(f.options):
                a = f"{i}.{j}"
                box = data["og"].get(a) if f.style == "glyph" else data["ob"].get(a)
                if box is None or a not in data["ot"]:
                    raise Reject(f"field {f.i} option {j}: missing element")
                opts.append({"text": o, "text_box": data["ot"][a], "box": box})
            d.update(kind="checkbox", style=f.style, input_box=None, key=f.key, value=f.value, options=opts)
        out.append(d)
    return out


def field_boxes(d):
    bs = [("label", d["label_box"])]
    if d.get("input_box"):
        bs.append(("input", d["input_box"]))
    for p in d.get("parts") or []:
        bs.append(("part", p["box"]))
    for o in d.get("options") or []:
        bs.append(("obox", o["box"]))
        bs.append(("otext", o["text_box"]))
    return bs


def overlap(a, b, tol=1):
    return min(a[2], b[2]) - max(a[0], b[0]) > tol and min(a[3], b[3]) - max(a[1], b[1]) > tol


def gap(a, b):
    dx = max(0, b[0] - a[2], a[0] - b[2])
    dy = max(0, b[1] - a[3], a[1] - b[3])
    return max(dx, dy)


def lum_of(png_bytes):
    im = Image.open(io.BytesIO(png_bytes)).convert("RGB")
    a = np.asarray(im, dtype=np.float32)
    return 0.299 * a[..., 0] + 0.587 * a[..., 1] + 0.114 * a[..., 2]


def ink_count(lum, box, thr=45):
    x1, y1, x2, y2 = box
    r = lum[y1:y2, x1:x2]
    if r.size == 0:
        return 0
    med = float(np.median(r))
    return int((np.abs(r - med) > thr).sum())


def check_form(js, fields, data, W, H, lum, png_size):
    errs = []
    flds = js
    for k, d in enumerate(flds):
        f = fields[k]
        for nm, b in field_boxes(d):
            if not (b[2] > b[0] and b[3] > b[1]):
                errs.append(f"{d['label']}: empty {nm} box {b}")
            if b[0] < 0 or b[1] < 0 or b[2] > W or b[3] > H:
                errs.append(f"{d['label']}: {nm} box {b} off the page {W}x{H}")
        # label vs own boxes
        for nm, b in field_boxes(d)[1:]:
            if overlap(d["label_box"], b, 0) and not (f.label_inside and nm == "input"):
                errs.append(f"{d['label']}: label overlaps own {nm}")
        # options / parts among themselves
        own = [(nm, b, j) for j, o in enumerate(d.get("options") or []) for nm, b in (("obox", o["box"]), ("otext", o["text_box"]))]
        for x in range(len(own)):
            for y in range(x + 1, len(own)):
                n1, b1, j1 = own[x]
                n2, b2, j2 = own[y]
                if j1 == j2 and f.text_in_box:
                    continue
                if overlap(b1, b2):
                    errs.append(f"{d['label']}: option boxes overlap {own[x]} {own[y]}")
        ps = [p["box"] for p in d.get("parts") or []]
        for x in range(len(ps)):
            for y in range(x + 1, len(ps)):
                if overlap(ps[x], ps[y]):
                    errs.append(f"{d['label']}: parts overlap")
        for x in range(len(ps) - 1):
            if not ps[x][2] <= ps[x + 1][0] + 1:
                errs.append(f"{d['label']}: parts not left to right")
        # DOM text
        if strip_label(data["ltext"][str(f.i)]) != d["label"]:
            errs.append(f"label text {data['ltext'][str(f.i)]!r} != {d['label']!r}")
        for j, o in enumerate(d.get("options") or []):
            t = data["ottext"][f"{f.i}.{j}"].strip()
            if t != o["text"]:
                errs.append(f"option text {t!r} != {o['text']!r}")
        # ink
        if ink_count(lum, d["label_box"]) < 6:
            errs.append(f"{d['label']}: no ink in label box")
        for o in d.get("options") or []:
            if ink_count(lum, o["text_box"]) < 3:
                errs.append(f"{d['label']}: no ink in option text {o['text']}")
            if d.get("style") == "glyph":
                e = glyph_error(lum, o["box"])
                if e:
                    errs.append(f"{d['label']}: glyph {o['text']}: {e}")
    # between fields
    for a in range(len(flds)):
        ba = field_boxes(flds[a])
        for b in range(len(flds)):
            if a == b:
                continue
            bb = field_boxes(flds[b])
            if b > a:
                for n1, x in ba:
                    for n2, y in bb:
                        if overlap(x, y):
                            errs.append(f"{flds[a]['label']} {n1} overlaps {flds[b]['label']} {n2}")
            for n2, y in bb:
                g = gap(flds[a]["label_box"], y)
                if g < 4:
                    errs.append(f"label {flds[a]['label']!r} {g}px from {flds[b]['label']!r} {n2}")
    for dec in data["dec"]:
        for d in flds:
            for nm, b in field_boxes(d):
                if overlap(b, dec):
                    errs.append(f"{d['label']} {nm} on a decoy {dec}")
    if png_size > MAX_PNG:
        errs.append(f"PNG {png_size} bytes")
    return errs


def glyph_error(lum, box):
    x1, y1, x2, y2 = box
    H, W = lum.shape
    wx1, wy1, wx2, wy2 = max(0, x1 - 2), max(0, y1 - 2), min(W, x2 + 2), min(H, y2 + 2)
    r = lum[wy1:wy2, wx1:wx2]
    if r.size == 0:
        return "empty window"
    med = float(np.median(r))
    ys, xs = np.nonzero(np.abs(r - med) > 80)
    if len(xs) == 0:
        return "no ink"
    ib = [wx1 + xs.min(), wy1 + ys.min(), wx1 + xs.max() + 1, wy1 + ys.max() + 1]
    if max(abs(ib[k] - box[k]) for k in range(4)) > 2:
        return f"ink {ib} vs box {box}"
    return None


# ----------------------------------------------------------------------------------------------
# content per form
# ----------------------------------------------------------------------------------------------

POSTAL_TO = {"en": ["Name", "Address", "City", "Postcode", "Country", "Telephone"],
             "zh": ["姓名", "地址", "城市", "邮编", "国家", "电话"]}
POSTAL_ITEMS = {"en": ["Detailed description of contents", "Quantity", "Net weight (kg)", "Value (USD)",
                       "HS tariff number", "Country of origin"],
                "zh": ["内件详细名称", "数量", "净重（千克）", "价值（美元）", "税则号列", "原产国"]}
POSTAL_CAT = {"en": ("Gift", "Documents", "Commercial sample", "Returned goods", "Other"),
              "zh": ("礼品", "文件", "商品货样", "退回物品", "其他")}
POSTAL_UNDEL = {"en": ("Return to sender", "Treat as abandoned"), "zh": ("退回寄件人", "按放弃处理")}
LAB_PANELS = {"en": [("Haematology", ("FBC", "ESR", "Coagulation", "Blood group", "Ferritin", "B12 / folate")),
                     ("Biochemistry", ("LFT", "U&E", "Lipids", "HbA1c", "TSH", "Glucose", "CRP", "Vitamin D")),
                     ("Microbiology", ("Urine MC&S", "Throat swab", "Stool culture", "Wound swab"))],
              "zh": [("血液学检查", ("血常规", "血沉", "凝血功能", "血型", "铁蛋白", "网织红细胞")),
                     ("生化检查", ("肝功能", "肾功能", "血脂", "糖化血红蛋白", "甲状腺功能", "血糖", "C反应蛋白", "电解质")),
                     ("微生物检查", ("尿培养", "咽拭子", "粪便培养", "伤口分泌物"))]}
LAB_OTHER = {"en": [("Fasting?", ("Yes", "No")), ("Specimen", ("Blood", "Urine", "Swab")), ("Priority", ("Routine", "Urgent"))],
             "zh": [("是否空腹", ("是", "否")), ("标本类型", ("血液", "尿液", "其他")), ("优先级", ("常规", "急诊"))]}


def family_content(rng, lang, fam, sections):
    """Family-specific additions to the standard sections."""
    secs = dict(sections)
    if fam == "postal":
        to = [Fld("text", None, t, role="to", wide=t in ("Address", "地址")) for t in POSTAL_TO[lang]]
        k = rng.randint(3, 5)
        items = [Fld("text", None, t, role="item") for t in POSTAL_ITEMS[lang][:k]]
        th = [Fld("choice", None, "Category of item" if lang == "en" else "邮件类别", options=list(POSTAL_CAT[lang]), role="cat")]
        th += items
        if rng.random() < 0.6:
            th.append(Fld("choice", None, "If undeliverable" if lang == "en" else "无法投递时", options=list(POSTAL_UNDEL[lang])))
        out = [("applicant", secs["applicant"] + secs["contact"]), ("to", to), ("theme", th), ("declaration", secs["declaration"])]
        return out
    if fam == "labslip":
        th = list(secs["theme"])
        panels = rng.sample(LAB_PANELS[lang], 2)
        for name, tests in panels:
            th.append(Fld("choice", None, name, options=list(tests), multi=True, role="panel"))
        for lab_, o in rng.sample(LAB_OTHER[lang], 2):
            th.append(Fld("choice", None, lab_, options=list(o)))
        return [("applicant", secs["applicant"]), ("contact", secs["contact"]), ("theme", th),
                ("declaration", secs["declaration"])]
    return sections


def make_content(seed, fid, lang, fam, variant):
    rng = random.Random(f"{seed}/{fid}/content")
    person = make_person(rng, lang)
    theme = THEMES[fam][lang][variant]
    split = rng.random() < (0.22 if fam not in ("chat",) else 0.1)
    hard = split and lang == "en" and not person["chinese"] and rng.random() < 0.5
    opts = {"split_name": split, "nat_choice": rng.random() < 0.28}
    if fam in ("postal", "labslip"):
        opts["n_contact"] = rng.randint(4, 5)
    sections = std_fields(rng, lang, fam, theme, opts)
    sections = family_content(rng, lang, fam, sections)
    for _, fs in sections:
        for f in fs:
            if f.kind == "choice" and f.key == "nationality":
                f.options = nationality_options(rng, lang, person)
    profile = assign_profile(rng, lang, person, sections, hard_case=hard)
    return {"person": person, "theme": theme, "sections": sections, "profile": profile, "hard": hard,
            "title": theme[0], "issuer": theme[1]}


def sec_title(rng, lang, key, fam=None):
    if key == "to":
        return "TO / Addressee" if lang == "en" else "收件人"
    return rng.choice(SECTION_TITLES[lang][key])


def fresh_sections(content):
    """Clear per-attempt render state of the fields (content stays)."""
    for _, fs in content["sections"]:
        for f in fs:
            f.i = None
            f.style = f.fmt = f.parts = f.dlook = f.olook = None
            f.label_inside = f.text_in_box = False
    return content["sections"]


# ----------------------------------------------------------------------------------------------
# driver
# ----------------------------------------------------------------------------------------------

BUILDERS = {}


def builder(name):
    def deco(fn):
        BUILDERS[name] = fn
        return fn
    return deco


class Measurer:
    """Text widths measured by Chromium (for layouts that place things on a grid)."""

    def __init__(self, browser):
        self.b = browser
        self.cache = {}

    def __call__(self, items):
        """items: [(text, css_font)] -> [width px]"""
        need = [it for it in items if it not in self.cache]
        if need:
            spans = "".join(f'<div><span style="font:{esc(fnt)};white-space:nowrap">{esc(t)}</span></div>' for t, fnt in need)
            js = "Array.from(document.querySelectorAll('span')).map(s => s.getBoundingClientRect().width)"
            _, ws, _ = self.b.render(f"<!DOCTYPE html><html><head><meta charset=utf-8></head><body style='margin:0'>{spans}</body></html>", 1600, js)
            for it, w in zip(need, ws):
                self.cache[it] = w
        return [self.cache[it] for it in items]


def build_one(browser, measure, seed, fid, lang, fam, variant, attempt):
    content = make_content(seed, fid, lang, fam, variant)
    fresh_sections(content)
    rng = random.Random(f"{seed}/{fid}/look/{attempt}")
    ctx = Ctx(lang, rng, measure)
    ctx.notes["person"] = content["person"]
    html, width, layout = BUILDERS[fam](ctx, content)
    png, data, (w, h) = browser.render(html, width, EXTRACT_JS)
    js_fields = assemble(ctx.fields, data)
    lum = lum_of(png)
    buf = io.BytesIO()
    im = Image.open(io.BytesIO(png)).convert("RGB")
    gray = _is_gray(im)
    if gray:
        im = im.convert("L")
    im.save(buf, format="PNG", optimize=True)
    errs = check_form(js_fields, ctx.fields, data, w, h, lum, buf.tell())
    return content, ctx, html, js_fields, (w, h), buf.getvalue(), layout, errs


def _is_gray(im):
    a = np.asarray(im)
    return bool((a[..., 0] == a[..., 1]).all() and (a[..., 1] == a[..., 2]).all())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1111)
    ap.add_argument("--count", type=int, default=44)
    ap.add_argument("--only", default="", help="comma-separated ids to build (debugging)")
    ap.add_argument("--family", default="", help="force every form to this family (debugging)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    t0 = time.time()
    arng = random.Random(f"{args.seed}/families")
    slots = {"en": FAMILIES * 2, "zh": FAMILIES * 2}
    for lang in ("en", "zh"):
        arng.shuffle(slots[lang])
    plan = []
    seen = {}
    for n in range(1, args.count + 1):
        lang = "en" if n % 2 else "zh"
        k = (n - 1) // 2
        fam = args.family or slots[lang][k % len(slots[lang])]
        v = seen.get((lang, fam), 0)
        seen[(lang, fam)] = v + 1
        plan.append((f"k_{n:02d}", lang, fam, v % 2))
    only = set(x for x in args.only.split(",") if x)
    stats = []
    with Browser() as browser:
        measure = Measurer(browser)
        for fid, lang, fam, variant in plan:
            if only and fid not in only:
                continue
            for attempt in range(6):
                content, ctx, html, fields, (w, h), png, layout, errs = build_one(
                    browser, measure, args.seed, fid, lang, fam, variant, attempt)
                if not errs:
                    break
                if DEBUG:
                    d = f"/tmp/heldout_k_debug_{fid}_{attempt}"
                    os.makedirs(d, exist_ok=True)
                    with open(os.path.join(d, fid + ".html"), "w", encoding="utf-8") as fh:
                        fh.write(html)
                    with open(os.path.join(d, fid + ".png"), "wb") as fh:
                        fh.write(png)
                    print(f"{fid} ({fam}) attempt {attempt} rejected:", *errs[:12], sep="\n  ", file=sys.stderr)
            else:
                raise SystemExit(f"{fid} ({fam}): no acceptable draw after 6 attempts:\n  " + "\n  ".join(errs[:30]))
            doc = {"id": fid, "lang": lang, "width": w, "height": h, "image": fid + ".png", "layout": layout,
                   "profile": content["profile"], "fields": fields}
            if content["hard"]:
                doc["hard_case"] = ("the form asks for first and last name separately but the profile only has a "
                                    "full name (given name first), so a mapper must split it")
            with open(os.path.join(args.out, fid + ".html"), "w", encoding="utf-8") as fh:
                fh.write(html)
            with open(os.path.join(args.out, fid + ".png"), "wb") as fh:
                fh.write(png)
            with open(os.path.join(args.out, fid + ".json"), "w", encoding="utf-8") as fh:
                json.dump(doc, fh, ensure_ascii=False, indent=1)
                fh.write("\n")
            stats.append((fid, lang, fam, ctx.fields, fields, attempt, len(png)))
            print(f"{fid} {lang} {fam:10s} {w}x{h} fields {len(fields):2d} attempt {attempt} png {len(png) // 1024} KB")
    report(stats, time.time() - t0)


def report(stats, secs):
    from collections import Counter
    c = Counter()
    dl = Counter()
    ol = Counter()
    fams = {}
    for fid, lang, fam, flds, js, attempt, size in stats:
        fams.setdefault(fam, []).append(fid)
        for f, d in zip(flds, js):
            kind = {"text": "text", "date": "date", "choice": "checkbox"}[f.kind]
            c[(kind, lang)] += 1
            if f.key:
                c["keyed"] += 1
                if d["value"] is None:
                    c["unfillable"] += 1
                else:
                    c[("due", kind)] += 1
            if f.kind == "date":
                dl[(("one box, " + ("format " + f.fmt if f.fmt else "no format")) if not f.parts else f.dlook, lang)] += 1
                c[("date keyed" if f.key else "date null")] += 1
            if f.kind == "choice":
                ol[(f.olook, lang)] += 1
                c[("style", f.style)] += 1
                if f.key:
                    c[("group key", f.key)] += 1
                    if d["value"] is not None:
                        c[("group due", f.key)] += 1
    tot = sum(v for k, v in c.items() if isinstance(k, tuple) and k[0] in ("text", "date", "checkbox"))
    g = lambda k, l: c[(k, l)]  # noqa: E731
    print(f"\n{len(stats)} forms in {secs:.1f} s; {tot} fields: "
          f"{g('text', 'en') + g('text', 'zh')} text ({g('text', 'en')} en / {g('text', 'zh')} zh), "
          f"{g('date', 'en') + g('date', 'zh')} date ({g('date', 'en')} / {g('date', 'zh')}), "
          f"{g('checkbox', 'en') + g('checkbox', 'zh')} checkbox groups ({g('checkbox', 'en')} / {g('checkbox', 'zh')})")
    print(f"keyed {c['keyed']}, unfillable {c['unfillable']}; values due {c[('due', 'text')] + c[('due', 'date')] + c[('due', 'checkbox')]}"
          f" ({c[('due', 'text')]} text, {c[('due', 'date')]} dates, {c[('due', 'checkbox')]} choices); "
          f"dates keyed {c['date keyed']}, key null {c['date null']}")
    print("option styles (JSON):", ", ".join(f"{k[1]} {v}" for k, v in sorted(c.items(), key=str) if isinstance(k, tuple) and k[0] == "style"))
    print("keyed groups:", ", ".join(f"{k[1]} {v} (due {c[('group due', k[1])]})" for k, v in sorted(c.items(), key=str) if isinstance(k, tuple) and k[0] == "group key"))
    print("date styles (en / zh):")
    for s in sorted(set(k for k, _ in dl)):
        print(f"  {s}: {dl[(s, 'en')]} / {dl[(s, 'zh')]}")
    print("option looks (en / zh):")
    for s in sorted(set(k for k, _ in ol)):
        print(f"  {s}: {ol[(s, 'en')]} / {ol[(s, 'zh')]}")
    print("families:", ", ".join(f"{k} {' '.join(v)}" for k, v in fams.items()))
    print("retries:", sum(1 for s in stats if s[5] > 0), "forms needed a second draw; largest PNG",
          max(s[6] for s in stats) // 1024 if stats else 0, "KB")


# ----------------------------------------------------------------------------------------------
# families
# ----------------------------------------------------------------------------------------------

EN_FONTS = [("Liberation Sans", "'Liberation Sans', sans-serif"), ("Liberation Serif", "'Liberation Serif', serif"),
            ("DejaVu Sans", "'DejaVu Sans', sans-serif"), ("DejaVu Serif", "'DejaVu Serif', serif"),
            ("Noto Sans", "'Noto Sans', sans-serif"), ("Noto Serif", "'Noto Serif', serif"),
            ("Liberation Sans Narrow", "'Liberation Sans Narrow', sans-serif")]
ZH_FONTS = [("Noto Sans CJK SC", "'Noto Sans CJK SC', sans-serif"), ("Noto Serif CJK SC", "'Noto Serif CJK SC', serif"),
            ("WenQuanYi Zen Hei", "'WenQuanYi Zen Hei', sans-serif"),
            ("Liberation Serif + Noto Serif CJK SC", "'Liberation Serif', 'Noto Serif CJK SC', serif"),
            ("DejaVu Sans + WenQuanYi Zen Hei", "'DejaVu Sans', 'WenQuanYi Zen Hei', sans-serif"),
            ("Noto Sans + Noto Sans CJK SC", "'Noto Sans', 'Noto Sans CJK SC', sans-serif")]
MONO_FONTS = {"en": [("Liberation Mono", "'Liberation Mono', monospace"), ("DejaVu Sans Mono", "'DejaVu Sans Mono', monospace")],
              "zh": [("Noto Sans Mono CJK SC", "'Noto Sans Mono CJK SC', monospace"),
                     ("WenQuanYi Zen Hei Mono", "'WenQuanYi Zen Hei Mono', monospace")]}


def pick_font(rng, lang, sans_only=False, serif_only=False):
    pool = EN_FONTS if lang == "en" else ZH_FONTS
    if sans_only:
        pool = [p for p in pool if "Serif" not in p[0]]
    if serif_only:
        pool = [p for p in pool if "Serif" in p[0]]
    return rng.choice(pool)


def declaration_text(lang):
    return ("I declare that the information given is true and complete." if lang == "en"
            else "本人承诺以上所填信息真实、准确、完整。")


@builder("mobile")
def build_mobile(ctx, content):
    rng, lang = ctx.rng, ctx.lang
    W = rng.choice([360, 375, 390, 393, 412])
    fname, font = pick_font(rng, lang, sans_only=True)
    fs = rng.choice([15, 16, 17])
    H = rng.choice([44, 48, 52, 56])
    acc = rng.choice(["#0a84ff", "#34a853", "#5856d6", "#ff6b35", "#00897b", "#d81b60"])
    look = rng.choice(["outline", "filled", "underline"])
    rad = rng.choice([8, 10, 12])
    ph_share = rng.choice([0.35, 0.5, 0.65])
    inp = {"outline": f"border:1px solid #c7c7cc; border-radius:{rad}px; background:#fff;",
           "filled": f"border:none; border-radius:{rad}px; background:#eef0f4;",
           "underline": "border:none; border-bottom:2px solid #b8b8be; background:#fafafa; border-radius:4px 4px 0 0;"}[look]
    css = f"""
body {{ background:#fff; }}
.scr {{ width:{W}px; font-family:{font}; font-size:{fs}px; color:#1c1c1e; line-height:1.3; }}
.sb {{ height:44px; display:flex; justify-content:space-between; align-items:center; padding:0 24px; font-weight:600; font-size:15px; }}
.sig {{ display:inline-block; width:4px; height:10px; background:#1c1c1e; margin-left:2px; vertical-align:middle; }}
.bat {{ display:inline-block; width:24px; height:12px; border:1.5px solid #1c1c1e; border-radius:3px; margin-left:6px; vertical-align:middle; box-sizing:border-box; padding:1px; }}
.bat i {{ display:block; width:70%; height:100%; background:#1c1c1e; border-radius:1px; }}
.ab {{ height:50px; display:flex; align-items:center; padding:0 14px; border-bottom:1px solid #e5e5ea; }}
.bk {{ font-size:32px; color:{acc}; width:30px; line-height:32px; }}
.at {{ font-weight:600; font-size:17px; flex:1; text-align:center; margin-right:30px; white-space:nowrap; }}
.pg {{ height:4px; background:#e5e5ea; margin:0; }} .pg i {{ display:block; height:4px; width:{rng.choice([33, 50, 66])}%; background:{acc}; }}
.ct {{ padding:6px 20px 10px; }}
.sh {{ font-size:13px; color:#6e6e73; {"text-transform:uppercase; letter-spacing:.05em;" if lang == "en" else ""} margin:20px 0 10px; font-weight:600; }}
.fb {{ margin:0 0 {rng.choice([14, 16, 18])}px; }}
.fl {{ font-size:{rng.choice([13, 14])}px; color:#3a3a3c; margin:0 0 6px; line-height:18px; }}
.in {{ box-sizing:border-box; height:{H}px; display:flex; align-items:center; padding:0 14px; {inp} }}
.in.tall {{ height:{H * 2}px; align-items:flex-start; padding-top:{(H - 20) // 2}px; }}
.in.sig2 {{ height:120px; border:1.5px dashed #a0a0a8; background:#fff; }}
.pl {{ color:#8e8e93; }}
.ph {{ color:#a1a1a6; }}
.hint {{ font-size:12px; color:#8e8e93; margin-top:5px; }}
.cal {{ margin-left:auto; width:18px; height:17px; border:1.5px solid #8e8e93; border-top-width:4px; border-radius:3px; box-sizing:border-box; flex:none; }}
.dp {{ display:flex; gap:10px; }}
.dp .pt {{ box-sizing:border-box; height:{H}px; display:flex; align-items:center; justify-content:space-between; padding:0 12px; {inp} flex:1 1 0; }}
.dp .pt.y {{ flex:1.5 1 0; }}
.caret {{ color:#8e8e93; font-size:12px; }}
.seg {{ display:flex; border:1px solid #c7c7cc; border-radius:{rad}px; height:{H}px; }}
.seg .opt {{ flex:1 1 0; justify-content:center; gap:8px; border-left:1px solid #c7c7cc; }}
.seg .opt:first-child {{ border-left:none; }}
.oci {{ width:20px; height:20px; border:2px solid #8e8e93; }}
.osq {{ width:22px; height:22px; border:2px solid #8e8e93; border-radius:6px; }}
.list .opt {{ display:flex; align-items:center; height:46px; border-bottom:1px solid #e5e5ea; gap:14px; }}
.list.r .opt {{ justify-content:space-between; }}
.decl {{ font-size:13px; color:#6e6e73; margin:4px 0 12px; }}
.btn {{ margin:8px 20px 0; height:50px; border-radius:12px; background:{acc}; color:#fff; display:flex; align-items:center; justify-content:center; font-weight:600; }}
.hm {{ width:134px; height:5px; border-radius:3px; background:#1c1c1e; margin:22px auto 8px; }}
"""
    out = [f'<div class="scr"><div class="sb"><span>9:41</span><span><i class="sig"></i><i class="sig"></i><i class="sig"></i><i class="bat"><i></i></i></span></div>',
           f'<div class="ab"><span class="bk">‹</span><span class="at">{esc(content["title"])}</span></div><div class="pg"><i></i></div><div class="ct">']
    looks = set()
    for skey, fs_ in content["sections"]:
        if not fs_:
            continue
        out.append(f'<div class="sh">{esc(sec_title(rng, lang, skey))}</div>')
        if skey == "declaration":
            out.append(f'<div class="decl">{declaration_text(lang)}</div>')
        for f in fs_:
            ctx.reg(f)
            if f.kind == "text":
                cls = "in" + (" tall" if f.wide and rng.random() < 0.4 else "") + (" sig2" if f.key == "signature" else "")
                if f.key != "signature" and rng.random() < ph_share and "tall" not in cls:
                    f.label_inside = True
                    out.append(f'<div class="fb"><div class="{cls}" data-in="{f.i}">{lab(f, "pl")}</div></div>')
                else:
                    out.append(f'<div class="fb"><div class="fl">{lab(f)}</div><div class="{cls}" data-in="{f.i}"></div></div>')
            elif f.kind == "date":
                r = rng.random()
                if r < 0.45:
                    fmt = one_box_format(rng, lang)
                    f.fmt = fmt
                    out.append(f'<div class="fb"><div class="fl">{lab(f)}</div><div class="in" data-in="{f.i}"><span class="ph">{show_fmt(rng, fmt)}</span><span class="cal"></span></div></div>')
                elif r < 0.6:
                    fmt = one_box_format(rng, lang)
                    f.fmt = fmt
                    f.label_inside = True
                    f.dlook = None
                    out.append(f'<div class="fb"><div class="in" data-in="{f.i}">{lab(f, "pl")}<span class="cal"></span></div><div class="hint">{show_fmt(rng, fmt)}</div></div>')
                else:
                    order = date_order(rng, lang)
                    inner = parts_html(f, order, "sel", lang, "pt", rng)
                    inner = inner.replace('class="pt sel" data-pt="%d.%d"' % (f.i, order.index("year")),
                                          'class="pt sel y" data-pt="%d.%d"' % (f.i, order.index("year")))
                    out.append(f'<div class="fb"><div class="fl">{lab(f)}</div><div class="dp">{inner}</div></div>')
            else:
                long_ = len(f.options) > 3 or max(len(o) for o in f.options) > (9 if lang == "en" else 5) or f.multi
                v = "list" if long_ else rng.choice(["seg", "seg", "list", "listr"])
                if v == "seg":
                    body = '<div class="seg">' + "".join(opt_items(f, "ci")) + "</div>"
                    f.olook = "segmented control, circles"
                elif v == "list":
                    body = '<div class="list">' + "".join(opt_items(f, rng.choice(["sq", "ci"]))) + "</div>"
                    f.olook += ", list"
                else:
                    body = '<div class="list r">' + "".join(opt_items(f, "ci", text_first=True)) + "</div>"
                    f.olook += ", list"
                looks.add(v)
                out.append(f'<div class="fb"><div class="fl">{lab(f)}</div>{body}</div>')
    out.append(f'</div><div class="btn">{"Continue" if lang == "en" else "提交"}</div><div class="hm"></div></div>')
    layout = f"mobile app screen {W}px, {look} inputs {H}px, placeholder labels on some, options {'/'.join(sorted(looks))}, {fname} {fs}px"
    return page_html(lang, content["title"], css, "\n".join(out)), W, layout


ONE_BOX = ("ph", "after", "under", "none")


def ctrl(ctx, f, kit):
    """The default control of a field for a family's kit.  Returns (label suffix html, control html)."""
    rng, lang = ctx.rng, ctx.lang
    if f.kind == "text":
        tall = f.tall or (f.wide and rng.random() < kit.get("tall_wide", 0))
        cls = kit["in"] + (" tall" if tall else "") + (" sig" if f.key == "signature" else "")
        return "", f'<div class="{cls}" data-in="{f.i}"></div>'
    if f.kind == "date":
        styles = [s for s in kit["dates"] if lang == "zh" or s != "p_units"]
        st = rng.choice(styles)
        if st in ONE_BOX:
            fmt = one_box_format(rng, lang) if st != "none" else None
            f.fmt = fmt
            shown = show_fmt(rng, fmt) if fmt else ""
            inner = f'<span class="ph">{shown}</span>' if st == "ph" else ""
            icon = kit.get("icon", "") if st == "ph" else ""
            box = f'<div class="{kit["in"]} dbox" data-in="{f.i}">{inner}{icon}</div>'
            suf = f' <span class="{kit.get("hint", "hint")}">({shown})</span>' if st == "after" else ""
            if st == "under":
                box = (f'<div class="dwrap">{box}<div class="{kit.get("hint", "hint")} under">'
                       f'{"Format: " if lang == "en" else "格式："}{shown}</div></div>')
            return suf, box
        order = date_order(rng, lang)
        sep = rng.choice(kit.get("seps", ["/", "-", "."]))
        if order[0] == "month" and sep == ".":
            sep = "/"
        inner = parts_html(f, order, st[2:], lang, kit["pt"], rng, sep=sep, widths=kit["pw"])
        return "", f'<div class="{kit.get("dp", "dp")}">{inner}</div>'
    v = rng.choice(kit["opts"])
    if f.multi and v in ("ci", "nra"):
        v = "sq"
    glyph = rng.choice(kit.get("glyphs", ["☐"]))
    tf = v in ("gl", "sq", "ncb") and rng.random() < kit.get("text_first", 0)
    return "", opt_row(f, v, cls=kit.get("opts_cls", "opts"), glyph=glyph, text_first=tf)


@builder("darkmode")
def build_darkmode(ctx, content):
    rng, lang = ctx.rng, ctx.lang
    W = rng.choice([980, 1040, 1100, 1160])
    fname, font = pick_font(rng, lang, sans_only=rng.random() < 0.8)
    fs = rng.choice([13, 14, 15])
    acc = rng.choice(["#4f8cff", "#22c55e", "#a78bfa", "#f59e0b", "#2dd4bf", "#f472b6"])
    bg, card = rng.choice([("#0f1115", "#181b21"), ("#121212", "#1e1e1e"), ("#0d1117", "#161b22"), ("#1a1b26", "#222436")])
    inbg, inbd = rng.choice([("#0b0d10", "#3a4150"), ("#2a2f3a", "#2a2f3a"), ("#252830", "#454b58"), (card, "#5a6170")])
    ih = rng.choice([34, 36, 40])
    mode = rng.choice(["left", "left", "above"])
    align = rng.choice(["right", "left"])
    nav = rng.choice([190, 210, 230])
    lw = rng.choice([150, 170, 190]) if lang == "en" else rng.choice([120, 140, 160])
    txt = rng.choice(["#e6e8ee", "#d7dae0", "#f0f0f0"])
    labc = rng.choice(["#c9ced8", "#aeb4c0", "#e6e8ee"])
    css = f"""
:root {{ color-scheme: dark; }}
body {{ background:{bg}; }}
.app {{ width:{W}px; font-family:{font}; font-size:{fs}px; color:{txt}; line-height:1.35; background:{bg}; }}
.top {{ height:52px; display:flex; align-items:center; gap:16px; padding:0 20px; background:#16181d; border-bottom:1px solid #2a2e36; }}
.logo {{ font-weight:700; color:{acc}; white-space:nowrap; }}
.search {{ margin-left:auto; width:240px; height:30px; border-radius:6px; background:#22262e; color:#7b8190; display:flex; align-items:center; padding:0 10px; font-size:13px; box-sizing:border-box; }}
.av {{ width:30px; height:30px; border-radius:50%; background:{acc}; color:#111; display:flex; align-items:center; justify-content:center; font-size:12px; font-weight:700; }}
.main {{ display:flex; }}
.nav {{ width:{nav}px; flex:none; padding:18px 0; background:#16181d; border-right:1px solid #2a2e36; }}
.nav div {{ padding:8px 20px; color:#9aa1ad; font-size:14px; white-space:nowrap; }}
.nav .on {{ color:#fff; background:#23272f; border-left:3px solid {acc}; }}
.content {{ flex:1; padding:22px 32px 30px; min-width:0; }}
.crumb {{ color:#7b8190; font-size:12px; margin-bottom:6px; }}
h1 {{ font-size:22px; margin:0 0 4px; font-weight:600; }}
.sub {{ color:#8b92a0; margin:0 0 18px; font-size:13px; }}
.card {{ background:{card}; border:1px solid #2c313b; border-radius:10px; padding:18px 22px; margin:0 0 18px; }}
.card h2 {{ font-size:15px; margin:0 0 16px; font-weight:600; color:#f2f3f5; }}
.grid {{ display:grid; grid-template-columns:minmax({lw}px, max-content) 1fr; column-gap:22px; row-gap:14px; align-items:center; }}
.grid .l {{ text-align:{align}; }}
.g2 {{ display:grid; grid-template-columns:1fr 1fr; column-gap:26px; row-gap:16px; }}
.g2 .fb.w {{ grid-column:1 / 3; }}
.g2 .l {{ margin-bottom:7px; }}
.lbl {{ color:{labc}; }}
.req {{ color:#f87171; }}
.hint {{ color:#7b8190; font-size:12px; }}
.under {{ margin-top:4px; }}
.in {{ box-sizing:border-box; height:{ih}px; background:{inbg}; border:1px solid {inbd}; border-radius:6px; display:flex; align-items:center; padding:0 10px; }}
.in.tall {{ height:{ih * 2 + 8}px; }}
.in.sig {{ height:{ih + 20}px; }}
.ph {{ color:#6b7280; }}
.ico {{ margin-left:auto; width:14px; height:13px; border:1.5px solid #7b8190; border-top-width:3px; border-radius:2px; flex:none; }}
.dp {{ display:flex; align-items:flex-end; gap:8px; }}
.pt {{ box-sizing:border-box; height:{ih}px; background:{inbg}; border:1px solid {inbd}; border-radius:6px; display:inline-flex; align-items:center; justify-content:center; }}
.dsep {{ color:#8b92a0; line-height:{ih}px; }}
.dcap {{ color:#8b92a0; font-size:11px; margin-bottom:3px; }}
.dunit {{ color:{labc}; line-height:{ih}px; }}
.opts {{ display:flex; flex-wrap:wrap; column-gap:22px; row-gap:8px; min-height:{ih}px; align-items:center; }}
.opt {{ gap:8px; }}
.osq {{ width:16px; height:16px; border:1.5px solid #9aa3b2; border-radius:3px; }}
.oci {{ width:16px; height:16px; border:1.5px solid #9aa3b2; }}
input.nat {{ width:16px; height:16px; accent-color:{acc}; }}
.ogl {{ color:#d0d4dc; font-size:{fs + 3}px; margin-right:2px; }}
.opt .ot + .ogl {{ margin-left:4px; }}
.decl {{ color:#8b92a0; font-size:13px; margin:0 0 14px; }}
.btns {{ display:flex; gap:12px; justify-content:flex-end; }}
.btns span {{ padding:8px 18px; border-radius:6px; border:1px solid #3a4150; }}
.btns .pri {{ background:{acc}; color:#0b0d10; border-color:{acc}; font-weight:600; }}
"""
    kit = {"in": "in", "pt": "pt", "pw": (48, 48, 72), "dates": ["ph", "ph", "after", "under", "none", "p_ph", "p_cap_above", "p_units"],
           "opts": ["sq", "ci", "ncb", "nra", "gl"], "glyphs": ["☐", "□", "○"], "icon": '<span class="ico"></span>',
           "text_first": 0.15, "tall_wide": 0.25}
    navs = (["Dashboard", "Projects", "Billing", "Members", "Settings", "Support"] if lang == "en"
            else ["概览", "项目", "费用中心", "成员管理", "设置", "工单"])
    on = rng.randrange(len(navs))
    out = [f'<div class="app"><div class="top"><span class="logo">◆ {esc(content["issuer"])}</span>'
           f'<span class="search">{"Search…" if lang == "en" else "搜索…"}</span><span class="av">{"JD" if lang == "en" else "用户"[:1]}</span></div>',
           '<div class="main"><div class="nav">' + "".join(f'<div class="{"on" if k == on else ""}">{esc(n)}</div>' for k, n in enumerate(navs)) + "</div>",
           f'<div class="content"><div class="crumb">{esc(navs[on])} / {esc(content["title"])}</div><h1>{esc(content["title"])}</h1>'
           f'<p class="sub">{"Fields marked * are required." if lang == "en" else "带 * 的为必填项。"}</p>']
    colon = colon_for(rng, lang) if mode == "left" else ""
    for skey, fs_ in content["sections"]:
        if not fs_:
            continue
        out.append(f'<div class="card"><h2>{esc(sec_title(rng, lang, skey))}</h2>')
        if skey == "declaration":
            out.append(f'<div class="decl">{declaration_text(lang)}</div>')
        out.append(f'<div class="{"grid" if mode == "left" else "g2"}">')
        for f in fs_:
            ctx.reg(f)
            req = f.key in ("name", "email", "last_name") and rng.random() < 0.7
            suf, c = ctrl(ctx, f, kit)
            if mode == "left":
                out.append(f'<div class="l">{lab(f, colon=colon, req=req)}{suf}</div><div class="c">{c}</div>')
            else:
                w = " w" if f.wide or (f.kind == "choice" and len(f.options) > 3) else ""
                out.append(f'<div class="fb{w}"><div class="l">{lab(f, req=req)}{suf}</div>{c}</div>')
        out.append("</div></div>")
    out.append(f'<div class="btns"><span>{"Cancel" if lang == "en" else "取消"}</span><span class="pri">{"Save changes" if lang == "en" else "保存"}</span></div></div></div></div>')
    layout = f"darkmode web app, labels {'left (' + align + '-aligned)' if mode == 'left' else 'above, two columns'}, dark inputs {ih}px, {fname} {fs}px"
    return page_html(lang, content["title"], css, "\n".join(out)), W, layout


def colname(k):
    return "ABCDEFGHIJKLMNOP"[k]


@builder("sheet")
def build_sheet(ctx, content):
    rng, lang = ctx.rng, ctx.lang
    if lang == "en":
        fname, font = rng.choice([("Liberation Sans", "'Liberation Sans', sans-serif"), ("DejaVu Sans", "'DejaVu Sans', sans-serif"),
                                  ("Noto Sans", "'Noto Sans', sans-serif"), ("Liberation Serif", "'Liberation Serif', serif")])
    else:
        fname, font = rng.choice([("Noto Sans CJK SC", "'Noto Sans CJK SC', sans-serif"), ("WenQuanYi Zen Hei", "'WenQuanYi Zen Hei', sans-serif"),
                                  ("DejaVu Sans + WenQuanYi Zen Hei", "'DejaVu Sans', 'WenQuanYi Zen Hei', sans-serif"),
                                  ("Noto Serif CJK SC", "'Noto Serif CJK SC', serif")])
    fs = rng.choice([12, 13, 14])
    rh = max(rng.choice([22, 24, 26]) + (2 if fs == 14 else 0), int(fs * 1.45 + 0.999) + (9 if lang == "en" else 11))
    fill, fbd = rng.choice([("#fff2cc", "#bf9000"), ("#e8f0fe", "#7baaf7"), ("#ffffff", "#6f6f6f"), ("#e2efda", "#70ad47"), ("#fce4d6", "#c65911")])
    hbg, hfg = rng.choice([("#1f4e79", "#ffffff"), ("#d9d9d9", "#000000"), ("#c6e0b4", "#1e3d14"), ("#44546a", "#ffffff"), ("#f8cbad", "#3b1a00")])
    colon = colon_for(rng, lang)
    FONT = f"{fs}px {font}"
    fields = [f for _, fs_ in content["sections"] for f in fs_]
    datest = {}
    for f in fields:
        if f.kind == "date":
            datest[id(f)] = rng.choice(["ph", "ph", "after", "right", "none", "p_ph", "p_ph"] + (["p_units", "p_units"] if lang == "zh" else []))
    fmts = {id(f): one_box_format(rng, lang) for f in fields if f.kind == "date"}
    shown = {k: show_fmt(rng, v) for k, v in fmts.items()}
    texts = []
    for f in fields:
        t = f.label + colon
        if f.kind == "date" and datest[id(f)] == "after":
            t += f" ({shown[id(f)]})"
        texts.append((t, FONT))
    lws = ctx.measure(texts)
    Lw = int(max(lws)) + 16
    Iw = rng.choice([200, 220, 240, 260])
    gapc = rng.choice([22, 30, 38])
    mode2 = rng.random() < 0.65 and 41 + 2 * (Lw + Iw) + gapc + 140 <= 1400
    if mode2:
        widths = [Lw, Iw, gapc, Lw, Iw, rng.choice([64, 72]), rng.choice([64, 72])]
        full = (1, 5)
    else:
        widths = [Lw, 150, 150, 150, rng.choice([110, 130]), 80, 80]
        full = (1, 4)
    xs = [40]
    for w in widths:
        xs.append(xs[-1] + w)
    W = xs[-1] + 1
    slots = [(0, 1, 2)] + ([(3, 4, 5)] if mode2 else [])  # (label col, input col start, input col end)
    gl = rng.choice(["☐", "□"])
    optv = rng.choice(["gl", "gsq"])
    # pack fields into rows
    rows = []   # ("title"|"hdr"|"note"|"blank"|"fields", payload)
    rows.append(("title", content["title"]))
    rows.append(("note", "Please complete the yellow cells. Do not edit grey cells." if lang == "en" and fill == "#fff2cc" else
                 ("Please complete all highlighted cells." if lang == "en" else "请在带底色的单元格内填写。")))
    rows.append(("blank", None))

    def opt_w(f):
        ws = ctx.measure([(o, FONT) for o in f.options])
        return sum(ws) + len(f.options) * (14 + 6 + 18) + 10

    def is_full(f):
        if f.wide or f.tall:
            return True
        if f.kind == "choice" and opt_w(f) > Iw - 4:
            return True
        if f.kind == "date" and datest[id(f)] in ("right",) and mode2:
            return True
        return False

    for skey, fs_ in content["sections"]:
        if not fs_:
            continue
        rows.append(("hdr", sec_title(rng, lang, skey)))
        if skey == "declaration":
            rows.append(("note", declaration_text(lang)))
        pend = []
        for f in fs_:
            if not mode2 or is_full(f):
                if pend:
                    rows.append(("fields", pend))
                    pend = []
                rows.append(("fields", [f]))
                if f.tall or (f.key == "signature" and rng.random() < 0.5):
                    rows.append(("cont", None))
            else:
                pend.append(f)
                if len(pend) == 2:
                    rows.append(("fields", pend))
                    pend = []
        if pend:
            rows.append(("fields", pend))
        rows.append(("blank", None))
    rows.append(("blank", None))
    top = 34 + 26 + 32 + 30   # title bar, menu, toolbar, formula bar
    hdr_h = 20
    y = top + hdr_h
    ys = []
    for kind, _ in rows:
        h = rh * 2 if kind == "title" else rh
        ys.append((y, h))
        y += h
    y_end = y
    H = y_end + 1 + 30
    els = []
    sel_cell = None
    text_cells = []
    for r, (kind, pay) in enumerate(rows):
        y0, h = ys[r]
        if kind == "title":
            els.append(f'<div class="cell ttl" style="left:{xs[0] + 4}px;top:{y0}px;height:{h}px;line-height:{h}px">{esc(pay)}</div>')
        elif kind == "note":
            els.append(f'<div class="cell note" style="left:{xs[0] + 4}px;top:{y0}px;height:{h}px;line-height:{h}px">{esc(pay)}</div>')
        elif kind == "hdr":
            x1 = xs[full[1]]
            els.append(f'<div class="cell sh" style="left:{xs[0]}px;top:{y0}px;width:{x1 - xs[0] + 1}px;height:{h + 1}px;line-height:{h + 1}px">{esc(pay)}</div>')
        elif kind == "fields":
            for k, f in enumerate(pay):
                ctx.reg(f)
                lc, c0, c1 = slots[k]
                if len(pay) == 1:
                    c1 = full[1]
                    if f.kind == "date" and datest[id(f)] == "right":
                        c1 = full[1] - 1
                    elif f.kind == "text" and not (f.wide or f.tall or f.key == "signature") and rng.random() < 0.5:
                        c1 = slots[0][2]
                lx = xs[lc] + 4
                tall = r + 1 < len(rows) and rows[r + 1][0] == "cont"
                hh = h * 2 if tall else h
                suf = ""
                if f.kind == "date" and datest[id(f)] == "after":
                    suf = f' <span class="hint">({shown[id(f)]})</span>'
                els.append(f'<div class="cell lc" style="left:{lx}px;top:{y0}px;height:{h}px;line-height:{h}px">{lab(f, colon=colon)}{suf}</div>')
                x0, x1 = xs[c0], xs[c1]
                box = f"left:{x0}px;top:{y0}px;width:{x1 - x0 + 1}px;height:{hh + 1}px"
                if f.kind == "text":
                    els.append(f'<div class="ic" data-in="{f.i}" style="{box}"></div>')
                    if f.key != "signature":
                        text_cells.append((colname(c0 - 0) + str(r + 1), x0, y0, x1, y0 + hh))
                elif f.kind == "date":
                    st = datest[id(f)]
                    if st in ("ph", "after", "right", "none"):
                        f.fmt = fmts[id(f)] if st != "none" else None
                        inner = f'<span class="ph">{shown[id(f)]}</span>' if st == "ph" else ""
                        els.append(f'<div class="ic dc" data-in="{f.i}" style="{box}">{inner}</div>')
                        if st == "right":
                            els.append(f'<div class="cell hint" style="left:{x1 + 4}px;top:{y0}px;height:{h}px;line-height:{h}px">{shown[id(f)]}</div>')
                    else:
                        order = date_order(rng, lang)
                        look = st[2:]
                        padded = look == "ph" or lang == "en"
                        set_parts(f, order, padded)
                        f.dlook = "cells with placeholders (/)" if look == "ph" else "cells followed by 年/月/日"
                        pw = {"day": 46, "month": 46, "year": 70}
                        xx = x0
                        lower = rng.random() < 0.3
                        for q, pn in enumerate(order):
                            w = pw[pn]
                            inner = f'<span class="ph">{DATE_TOK[pn].lower() if lower else DATE_TOK[pn]}</span>' if look == "ph" else ""
                            els.append(f'<div class="ic pc" data-pt="{f.i}.{q}" style="left:{xx}px;top:{y0}px;width:{w + 1}px;height:{h + 1}px">{inner}</div>')
                            xx += w
                            sepw = 20
                            if look == "ph" and q < 2:
                                els.append(f'<div class="cell sep" style="left:{xx + 1}px;top:{y0}px;width:{sepw - 1}px;height:{h}px;line-height:{h}px">/</div>')
                            elif look == "units":
                                els.append(f'<div class="cell sep" style="left:{xx + 1}px;top:{y0}px;width:{sepw - 1}px;height:{h}px;line-height:{h}px">{CAPS["zh"][pn]}</div>')
                            xx += sepw
                else:
                    if optv == "gl":
                        items = opt_items(f, "gl", glyph=gl)
                    else:
                        items = opt_items(f, "sq", box_cls="gsq")
                        f.olook = "sheet checkboxes"
                    els.append(f'<div class="cell oc" style="left:{x0 + 6}px;top:{y0}px;height:{h}px">{"".join(items)}</div>')
    # selection decoration on one text cell
    if text_cells:
        ref, x0, y0, x1, y1 = rng.choice(text_cells)
        sel_cell = ref
        els.append(f'<div class="selx" style="left:{x0 - 1}px;top:{y0 - 1}px;width:{x1 - x0 + 1}px;height:{y1 - y0 + 1}px"></div>')
    grid = []
    for x in xs:
        grid.append(f'<div class="gv" style="left:{x}px;top:{top}px;height:{y_end - top + 1}px"></div>')
    grid.append(f'<div class="gv" style="left:0px;top:{top}px;height:{y_end - top + 1}px;background:#c0c0c0"></div>')
    grid.append(f'<div class="gh" style="left:0px;top:{top}px;width:{W}px"></div>')
    for r in range(len(rows)):
        grid.append(f'<div class="gh" style="left:0px;top:{ys[r][0]}px;width:{W}px"></div>')
        grid.append(f'<div class="rn" style="top:{ys[r][0] + 1}px;height:{ys[r][1] - 1}px;line-height:{ys[r][1] - 1}px">{r + 1}</div>')
    grid.append(f'<div class="gh" style="left:0px;top:{y_end}px;width:{W}px"></div>')
    for k in range(len(widths)):
        grid.append(f'<div class="cn" style="left:{xs[k] + 1}px;top:{top + 1}px;width:{widths[k] - 1}px">{colname(k)}</div>')
    fnm = {"en": ["form_template.xlsx", "intake_sheet.xlsx", "data_entry.ods"], "zh": ["登记表.xlsx", "信息采集表.xlsx"]}[lang]
    menus = (["File", "Edit", "View", "Insert", "Format", "Data", "Tools", "Help"] if lang == "en"
             else ["文件", "编辑", "查看", "插入", "格式", "数据", "工具", "帮助"])
    chrome = (f'<div class="tb"><span class="ic0"></span><b>{rng.choice(fnm)}</b><span class="star">☆</span></div>'
              f'<div class="mn">{"".join(f"<span>{m}</span>" for m in menus)}</div>'
              f'<div class="tl"><span>↶</span><span>↷</span><span>100% ▾</span><span>|</span><span><b>B</b></span><span><i>I</i></span><span><u>U</u></span><span>|</span><span>{fname.split(" +")[0]} ▾</span><span>{fs} ▾</span></div>'
              f'<div class="fx"><span class="nb">{sel_cell or "A1"}</span><span class="fxl">fx</span><span class="fxb"></span></div>')
    tabs = [("Sheet1", "Form", "Lists") if lang == "en" else ("Sheet1", "登记表", "下拉选项")][0]
    on = 1
    tabbar = f'<div class="tabs" style="top:{y_end + 1}px">' + "".join(f'<span class="{"on" if k == on else ""}">{t}</span>' for k, t in enumerate(tabs)) + "</div>"
    css = f"""
body {{ background:#fff; }}
.sheet {{ position:relative; width:{W}px; height:{H}px; font-family:{font}; font-size:{fs}px; color:#000; overflow:hidden; }}
.tb {{ position:absolute; left:0; top:0; width:{W}px; height:34px; display:flex; align-items:center; gap:8px; padding-left:12px; box-sizing:border-box; font-size:15px; }}
.ic0 {{ width:18px; height:22px; background:#188038; border-radius:2px; display:inline-block; }}
.star {{ color:#5f6368; }}
.mn {{ position:absolute; left:0; top:34px; height:26px; display:flex; gap:16px; padding-left:40px; font-size:13px; align-items:center; color:#202124; }}
.tl {{ position:absolute; left:0; top:60px; width:{W}px; height:32px; background:#f1f3f4; display:flex; gap:14px; align-items:center; padding-left:14px; box-sizing:border-box; font-size:13px; color:#444; }}
.fx {{ position:absolute; left:0; top:92px; width:{W}px; height:30px; display:flex; align-items:center; border-bottom:1px solid #c0c0c0; box-sizing:border-box; }}
.nb {{ width:70px; height:22px; line-height:22px; border:1px solid #c0c0c0; margin-left:6px; font-size:12px; padding-left:6px; box-sizing:border-box; }}
.fxl {{ color:#777; font-style:italic; margin:0 10px; font-family:'DejaVu Serif', serif; }}
.fxb {{ flex:1; height:22px; border-left:1px solid #c0c0c0; }}
.gv {{ position:absolute; width:1px; background:#e2e2e2; }}
.gh {{ position:absolute; height:1px; background:#e2e2e2; }}
.rn {{ position:absolute; left:0; width:39px; background:#f8f9fa; color:#5f6368; font-size:11px; text-align:center; font-family:'Liberation Sans', sans-serif; }}
.cn {{ position:absolute; height:19px; line-height:19px; background:#f8f9fa; color:#5f6368; font-size:11px; text-align:center; font-family:'Liberation Sans', sans-serif; }}
.cell {{ position:absolute; white-space:nowrap; }}
.ttl {{ font-size:{fs + 6}px; font-weight:bold; }}
.note {{ color:#595959; font-style:italic; }}
.sh {{ background:{hbg}; color:{hfg}; font-weight:bold; padding-left:4px; box-sizing:border-box; }}
.ic {{ position:absolute; box-sizing:border-box; background:{fill}; border:1px solid {fbd}; display:flex; align-items:center; padding-left:4px; }}
.pc {{ justify-content:center; padding-left:0; }}
.ph {{ color:#9a9a9a; }}
.hint {{ color:#7f7f7f; }}
.sep {{ text-align:center; color:#404040; }}
.oc {{ display:flex; align-items:center; gap:18px; }}
.opt {{ gap:6px; }}
.gsq {{ width:14px; height:14px; border:2px solid #5f6368; border-radius:2px; }}
.ogl {{ font-size:{fs + 2}px; margin-right:2px; }}
.selx {{ position:absolute; border:2px solid #1a73e8; box-sizing:border-box; pointer-events:none; }}
.tabs {{ position:absolute; left:0; width:{W}px; height:30px; background:#f1f3f4; display:flex; gap:2px; padding-left:60px; box-sizing:border-box; font-size:13px; font-family:'Liberation Sans', 'Noto Sans CJK SC', sans-serif; }}
.tabs span {{ padding:6px 16px; color:#444; }}
.tabs .on {{ background:#fff; color:#188038; font-weight:bold; border-bottom:3px solid #188038; }}
"""
    body = f'<div class="sheet">{chrome}{"".join(grid)}{"".join(els)}{tabbar}</div>'
    layout = f"sheet: spreadsheet screenshot, labels in cells left of filled input cells ({'two pairs per row' if mode2 else 'one per row'}), rows {rh}px, {fname} {fs}px"
    return page_html(lang, content["title"], css, body), W, layout


@builder("chat")
def build_chat(ctx, content):
    rng, lang = ctx.rng, ctx.lang
    W = rng.choice([400, 430, 480, 640, 720])
    fname, font = pick_font(rng, lang, sans_only=rng.random() < 0.75)
    fs = rng.choice([14, 15, 16])
    acc = rng.choice(["#128c7e", "#0084ff", "#6d28d9", "#e11d48", "#0f766e", "#ea580c"])
    bg, botbg, botfg = rng.choice([("#e5ddd5", "#ffffff", "#111"), ("#f0f2f5", "#ffffff", "#111"), ("#ffffff", "#eef0f3", "#111"),
                                   ("#eef3f8", "#dfe9f5", "#0b2540")])
    slot = rng.choice(["dashed", "solid", "filled"])
    slotcss = {"dashed": f"border:1.5px dashed {acc}; background:#fff;", "solid": "border:1px solid #9aa4b2; background:#fff;",
               "filled": f"border:none; background:{acc}22;"}[slot]
    rh = rng.choice([38, 42, 46])
    qshare = rng.choice([0.5, 0.7, 0.9])
    Q = EN_QUESTIONS if lang == "en" else ZH_QUESTIONS
    colon = colon_for(rng, lang)
    css = f"""
body {{ background:{bg}; }}
.chat {{ width:{W}px; font-family:{font}; font-size:{fs}px; line-height:1.35; color:#111; background:{bg}; }}
.hd {{ height:60px; display:flex; align-items:center; gap:12px; padding:0 16px; background:{acc}; color:#fff; }}
.av {{ width:38px; height:38px; border-radius:50%; background:#fff; color:{acc}; display:flex; align-items:center; justify-content:center; font-weight:700; font-size:14px; flex:none; }}
.st {{ font-size:12px; opacity:.85; }}
.msgs {{ padding:12px 14px 18px; }}
.day {{ text-align:center; margin:4px 0 12px; }} .day span {{ background:#ffffffcc; color:#667; font-size:12px; padding:3px 10px; border-radius:8px; }}
.m {{ display:flex; margin:0 0 8px; }}
.m.me {{ justify-content:flex-end; margin-bottom:16px; }}
.b {{ max-width:78%; background:{botbg}; color:{botfg}; padding:8px 12px; border-radius:4px 14px 14px 14px; box-shadow:0 1px 1px rgba(0,0,0,.12); }}
.b .lbl {{ white-space:normal; }}
.tm {{ font-size:11px; color:#8a8f98; margin:-4px 0 8px 4px; }}
.rep {{ box-sizing:border-box; width:{rng.choice([58, 64, 70])}%; height:{rh}px; border-radius:14px 4px 14px 14px; {slotcss} display:flex; align-items:center; padding:0 14px; }}
.rep.sig {{ height:{rh * 2 + 10}px; }}
.rb {{ box-sizing:border-box; border-radius:14px 4px 14px 14px; background:{acc}14; padding:8px 12px; display:flex; align-items:flex-end; gap:6px; }}
.pt {{ box-sizing:border-box; height:{rh - 6}px; background:#fff; border:1px solid #9aa4b2; border-radius:8px; display:inline-flex; align-items:center; justify-content:center; }}
.dsep {{ color:#667; line-height:{rh - 6}px; }}
.dcap {{ font-size:11px; color:#667; margin-top:2px; }}
.dunit {{ line-height:{rh - 6}px; }}
.ph {{ color:#9aa0a8; }}
.chips {{ display:flex; flex-wrap:wrap; gap:8px; justify-content:flex-end; margin:0 0 16px; }}
.chips .opt {{ border:1px solid {acc}; border-radius:18px; padding:6px 14px; gap:8px; background:#fff; color:{acc}; }}
.osq {{ width:15px; height:15px; border:1.5px solid {acc}; border-radius:3px; }}
.oci {{ width:15px; height:15px; border:1.5px solid {acc}; }}
.ogl {{ color:#222; font-size:{fs + 2}px; }}
.comp {{ display:flex; gap:10px; align-items:center; padding:10px 12px; background:#f6f6f6; border-top:1px solid #ddd; }}
.comp .ti {{ flex:1; height:38px; border-radius:19px; background:#fff; border:1px solid #ddd; color:#999; display:flex; align-items:center; padding:0 14px; }}
.comp .sd {{ width:38px; height:38px; border-radius:50%; background:{acc}; color:#fff; display:flex; align-items:center; justify-content:center; }}
"""
    hi = ((f"Hi! I'm the {content['issuer']} assistant. I'll ask a few questions for your {content['title'].lower()}.")
          if lang == "en" else f"您好！我是{content['issuer']}智能助手，接下来请回答几个问题。")
    out = [f'<div class="chat"><div class="hd"><span class="av">{esc(content["issuer"][:2].upper() if lang == "en" else content["issuer"][:1])}</span>'
           f'<div><b>{esc(content["title"])}</b><div class="st">{"online" if lang == "en" else "在线"}</div></div></div>',
           f'<div class="msgs"><div class="day"><span>{"Today" if lang == "en" else "今天"}</span></div>',
           f'<div class="m"><div class="b">{esc(hi)}</div></div>']
    t = rng.randint(600, 700)
    for skey, fs_ in content["sections"]:
        if skey == "declaration" and fs_:
            out.append(f'<div class="m"><div class="b">{declaration_text(lang)}</div></div>')
        for f in fs_:
            if f.key and f.key in Q and rng.random() < qshare:
                f.label = rng.choice(Q[f.key])
                c = ""
            else:
                c = colon
            ctx.reg(f)
            out.append(f'<div class="m"><div class="b">{lab(f, colon=c)}</div></div>')
            if rng.random() < 0.3:
                t += rng.randint(1, 3)
                out.append(f'<div class="tm">{t // 60}:{t % 60:02d}</div>')
            if f.kind == "text":
                out.append(f'<div class="m me"><div class="rep{" sig" if f.key == "signature" else ""}" data-in="{f.i}"></div></div>')
            elif f.kind == "date":
                r = rng.random()
                if r < 0.5:
                    fmt = one_box_format(rng, lang)
                    f.fmt = fmt
                    out.append(f'<div class="m me"><div class="rep" data-in="{f.i}"><span class="ph">{show_fmt(rng, fmt)}</span></div></div>')
                else:
                    order = date_order(rng, lang)
                    look = rng.choice(["ph", "cap_below"] + (["units"] if lang == "zh" else []))
                    inner = parts_html(f, order, look, lang, "pt", rng, sep=rng.choice(["/", "-", "."]), widths=(44, 44, 66))
                    out.append(f'<div class="m me"><div class="rb">{inner}</div></div>')
            else:
                v = rng.choice(["ci", "sq", "gl"] if not f.multi else ["sq"])
                out.append('<div class="chips">' + "".join(opt_items(f, v, glyph=rng.choice(["☐", "○"]))) + "</div>")
                f.olook += " in chips"
    out.append(f'</div><div class="comp"><span class="ti">{"Type a message…" if lang == "en" else "输入消息…"}</span><span class="sd">➤</span></div></div>')
    layout = f"chat: conversational form, questions in bot bubbles, {slot} reply slots {rh}px, quick-reply chips, {fname} {fs}px, {W}px"
    return page_html(lang, content["title"], css, "\n".join(out)), W, layout


@builder("vlabel")
def build_vlabel(ctx, content):
    rng, lang = ctx.rng, ctx.lang
    W = rng.choice([780, 840, 900, 960])
    fname, font = pick_font(rng, lang)
    fs = rng.choice([13, 14, 15, 16])
    lfs = fs + rng.choice([0, 1, 2])
    LF = f"{'bold ' if rng.random() < 0.4 else ''}{lfs}px {font}"
    bold = LF.startswith("bold")
    Lc = rng.choice([34, 38, 42]) + (4 if lfs >= 16 else 0)
    pad = 30
    inner_w = W - 2 * pad
    cw = (inner_w - 2 * Lc) // 2
    inner_w = 2 * (Lc + cw)
    mode = rng.choice(["cell", "box", "line"])
    shade = rng.choice(["#f0f0f0", "#eaf1f8", "#f6efe3", "#ffffff"])
    rule = rng.choice(["#222", "#444", "#2b4a6f"])
    colon = "" if rng.random() < 0.7 else ("：" if lang == "zh" else ":")
    fields = [f for _, fs_ in content["sections"] for f in fs_]
    lens = dict(zip([id(f) for f in fields], ctx.measure([(f.label + colon, LF) for f in fields])))
    ih = rng.choice([30, 34])
    css = f"""
body {{ background:#fff; }}
.pg {{ width:{W}px; box-sizing:border-box; padding:26px {pad}px 30px; font-family:{font}; font-size:{fs}px; color:#1a1a1a; line-height:1.3; }}
h1 {{ text-align:center; font-size:{fs + 9}px; margin:0 0 6px; letter-spacing:{".3em" if lang == "zh" else ".02em"}; }}
.sub {{ text-align:center; color:#555; font-size:{fs - 1}px; margin:0 0 14px; }}
.tbl {{ display:grid; grid-template-columns:{Lc}px {cw}px {Lc}px {cw}px; border-top:1.5px solid {rule}; border-left:1.5px solid {rule}; width:{inner_w}px; }}
.tbl > div {{ border-right:1px solid {rule}; border-bottom:1px solid {rule}; box-sizing:border-box; }}
.lc {{ background:{shade}; display:flex; align-items:center; justify-content:center; }}
.vl {{ writing-mode:{"vertical-rl" if lang == "zh" else "sideways-lr"}; text-orientation:mixed; white-space:nowrap; font:{LF}; }}
.cc {{ display:flex; align-items:center; padding:0 12px; }}
.cc.stk {{ align-items:flex-start; flex-direction:column; justify-content:center; gap:8px; }}
.sec {{ grid-column:1 / 5; background:{rule}; color:#fff; font-weight:bold; padding:4px 10px; }}
.bx {{ box-sizing:border-box; height:{ih}px; border:1px solid #777; flex:1; display:flex; align-items:center; padding:0 8px; }}
.ln {{ box-sizing:border-box; height:{ih}px; border-bottom:1px solid #333; flex:1; display:flex; align-items:flex-end; padding:0 4px 2px; }}
.bx.tall, .ln.tall {{ height:{ih * 2}px; }}
.ph {{ color:#9a9a9a; }}
.dp {{ display:flex; align-items:flex-end; gap:6px; }}
.pt {{ box-sizing:border-box; height:{ih}px; border:1px solid #777; display:inline-flex; align-items:center; justify-content:center; }}
.dsep, .dunit {{ line-height:{ih}px; }}
.dcap {{ font-size:11px; color:#555; margin-top:2px; }}
.opts {{ display:flex; flex-wrap:wrap; column-gap:20px; row-gap:6px; }}
.stk .opts {{ flex-direction:column; }}
.opt {{ gap:6px; }}
.osq {{ width:14px; height:14px; border:1.5px solid #333; }}
.oci {{ width:14px; height:14px; border:1.5px solid #333; }}
input.nat {{ width:14px; height:14px; }}
.ogl {{ font-size:{fs + 2}px; }}
.hint {{ color:#666; font-size:{fs - 2}px; }}
.foot {{ margin-top:12px; color:#555; font-size:{fs - 2}px; }}
"""
    kit = {"in": "bx", "pt": "pt", "pw": (42, 42, 64), "dates": ["ph", "p_ph", "p_cap_below", "p_units", "under", "none"],
           "opts": ["sq", "ci", "gl", "ncb", "nra"], "glyphs": ["☐", "□"], "text_first": 0.1}
    out = [f'<div class="pg"><h1>{esc(content["title"])}</h1><div class="sub">{esc(content["issuer"])}</div><div class="tbl">']
    rows = []
    for skey, fs_ in content["sections"]:
        if not fs_:
            continue
        rows.append(("sec", sec_title(rng, lang, skey)))
        pend = []
        for f in fs_:
            full = f.wide or f.tall or f.key == "signature" or (f.kind == "choice" and len(f.options) > 3) or rng.random() < 0.15
            if full:
                if pend:
                    rows.append(("pair", pend))
                    pend = []
                rows.append(("full", [f]))
            else:
                pend.append(f)
                if len(pend) == 2:
                    rows.append(("pair", pend))
                    pend = []
        if pend:
            rows.append(("pair", pend))
    for kind, pay in rows:
        if kind == "sec":
            out.append(f'<div class="sec">{esc(pay)}</div>')
            continue
        need = []
        cells = []
        for k, f in enumerate(pay):
            ctx.reg(f)
            stack = f.kind == "choice" and (len(f.options) > 2 and kind == "pair")
            h = max(lens[id(f)] + 18, 50)
            if f.kind == "choice" and stack:
                h = max(h, len(f.options) * 24 + 16)
            if f.kind == "date":
                h = max(h, ih + 34)
            if f.key == "signature" or f.tall:
                h = max(h, 2 * ih + 20)
            need.append(int(h + 0.999))
            cells.append((f, stack))
        hrow = max(need)
        for k, (f, stack) in enumerate(cells):
            span = ' style="grid-column:2 / 5"' if kind == "full" else ""
            out.append(f'<div class="lc" style="height:{hrow}px">{lab(f, "vl", colon=colon)}</div>')
            if f.kind == "text" and mode == "cell":
                out.append(f'<div class="cc" data-in="{f.i}"{span}></div>')
                continue
            if f.kind == "text":
                tall = f.tall or f.key == "signature"
                out.append(f'<div class="cc"{span}><div class="{"bx" if mode == "box" else "ln"}{" tall" if tall else ""}" data-in="{f.i}"></div></div>')
                continue
            suf, c = ctrl(ctx, f, kit)
            if suf:
                c = f'<div style="display:flex;flex-direction:column;gap:4px;flex:1">{c}<span class="hint">{suf.strip()}</span></div>'
            out.append(f'<div class="cc{" stk" if stack else ""}"{span}>{c}</div>')
        if kind == "pair" and len(pay) == 1:
            out.append(f'<div class="lc" style="height:{hrow}px"></div><div class="cc"></div>')
    out.append(f'</div><div class="foot">{declaration_text(lang)}</div></div>')
    layout = f"vlabel: vertical labels in shaded cells of a two-pair ruled table, inputs as {mode}, {fname} {fs}px, labels {lfs}px{' bold' if bold else ''}"
    return page_html(lang, content["title"], css, "\n".join(out)), W, layout


@builder("postal")
def build_postal(ctx, content):
    rng, lang = ctx.rng, ctx.lang
    W = rng.choice([860, 920, 980])
    fname, font = pick_font(rng, lang, sans_only=rng.random() < 0.7)
    fs = rng.choice([12, 13, 14])
    ink = rng.choice(["#000", "#1b1b1b", "#0b3d91", "#7a1f1f"])
    brand = rng.choice(["#d4a017", "#c8102e", "#00529b", "#006f3c"])
    line = rng.choice(["dotted", "solid", "dashed"])
    colon = colon_for(rng, lang)
    ih = fs + 12
    cn = "CN 22" if "DECLARATION" in content["title"] and "DISPATCH" not in content["title"] else "CN 23"
    if lang == "zh":
        cn = "CN 22" if content["title"] == "报关签条" else "CN 23"
    css = f"""
body {{ background:#fff; }}
.pg {{ width:{W}px; box-sizing:border-box; padding:22px 26px 26px; font-family:{font}; font-size:{fs}px; color:{ink}; line-height:1.3; }}
.frm {{ border:2px solid {ink}; }}
.hd {{ display:flex; align-items:center; gap:14px; padding:8px 12px; border-bottom:2px solid {ink}; }}
.logo {{ width:44px; height:44px; border-radius:50%; background:{brand}; color:#fff; font-weight:bold; display:flex; align-items:center; justify-content:center; font-size:13px; flex:none; }}
.ti {{ font-weight:bold; font-size:{fs + 5}px; }}
.ti small {{ display:block; font-weight:normal; font-size:{fs - 1}px; }}
.cn {{ margin-left:auto; font-size:{fs + 16}px; font-weight:bold; border:2px solid {ink}; padding:0 10px; }}
.two {{ display:grid; grid-template-columns:1fr 1fr; border-bottom:1.5px solid {ink}; }}
.blk {{ padding:8px 12px 12px; }}
.blk + .blk {{ border-left:1.5px solid {ink}; }}
.bh {{ font-weight:bold; font-size:{fs + 1}px; margin:0 0 8px; background:{brand}22; padding:2px 6px; }}
.r {{ display:flex; align-items:flex-end; gap:8px; margin:0 0 9px; min-height:{ih}px; }}
.r > .lbl {{ flex:none; }}
.u {{ flex:1; box-sizing:border-box; height:{ih}px; border-bottom:1px {line} {ink}; display:flex; align-items:flex-end; padding:0 4px 2px; }}
.u.box {{ border:1px solid {ink}; align-items:center; padding:0 6px; }}
.ph {{ color:#999; }}
.hint {{ color:#666; font-size:{fs - 2}px; white-space:nowrap; }}
.sec {{ padding:8px 12px; border-bottom:1.5px solid {ink}; }}
.opts {{ display:flex; flex-wrap:wrap; column-gap:20px; row-gap:6px; }}
.grid3 {{ display:grid; grid-template-columns:repeat(3, max-content); column-gap:28px; row-gap:6px; margin-top:6px; }}
.opt {{ gap:6px; }}
.osq {{ width:13px; height:13px; border:1.5px solid {ink}; }}
.oci {{ width:13px; height:13px; border:1.5px solid {ink}; }}
input.nat {{ width:13px; height:13px; }}
.ogl {{ font-size:{fs + 2}px; }}
.it {{ display:grid; border-top:1px solid {ink}; border-left:1px solid {ink}; margin-top:6px; }}
.it > div {{ border-right:1px solid {ink}; border-bottom:1px solid {ink}; box-sizing:border-box; }}
.th {{ background:{brand}1a; padding:4px 6px; font-size:{fs - 1}px; font-weight:bold; }}
.th .lbl {{ white-space:normal; }}
.td {{ height:{ih + 10}px; }}
.dp {{ display:flex; align-items:flex-end; gap:5px; }}
.pt {{ box-sizing:border-box; height:{ih}px; border:1px solid {ink}; display:inline-flex; align-items:center; justify-content:center; }}
.dsep, .dunit {{ line-height:{ih}px; }}
.dcap {{ font-size:10px; color:#555; }}
.decl {{ font-size:{fs - 1}px; margin:0 0 10px; }}
.stamp {{ width:96px; height:96px; border-radius:50%; border:1.5px dashed #888; color:#888; font-size:10px; display:flex; align-items:center; justify-content:center; text-align:center; flex:none; }}
.foot {{ display:flex; gap:18px; align-items:flex-start; }}
.foot .fl {{ flex:1; }}
.small {{ font-size:{fs - 2}px; color:#555; margin-top:6px; }}
"""
    kit = {"in": "u box", "pt": "pt", "pw": (30, 30, 48), "dates": ["ph", "after", "p_ph", "p_cap_below", "p_units", "none"],
           "opts": ["sq", "gl", "ncb", "ci"], "glyphs": ["☐", "□"], "text_first": 0.2}

    def row(f, inp_cls="u"):
        ctx.reg(f)
        if f.kind == "text":
            return f'<div class="r">{lab(f, colon=colon)}<div class="{inp_cls}" data-in="{f.i}"></div></div>'
        suf, c = ctrl(ctx, f, kit)
        if f.kind == "date" and f.parts is None:  # one box: a line like the others
            c = c.replace('class="u box dbox"', f'class="{inp_cls} dbox"')
        return f'<div class="r" style="align-items:center">{lab(f, colon=colon)}{suf}{c}</div>'

    secs = dict(content["sections"])
    sender_t = "FROM / Sender" if lang == "en" else "寄件人"
    out = [f'<div class="pg"><div class="frm"><div class="hd"><span class="logo" data-dec="1">{"POST" if lang == "en" else "邮政"}</span>'
           f'<div class="ti">{esc(content["issuer"])}<small>{esc(content["title"])} — {"May be opened officially" if lang == "en" else "可径行开拆"}</small></div>'
           f'<span class="cn">{cn}</span></div><div class="two"><div class="blk"><div class="bh">{sender_t}</div>']
    for f in secs["applicant"]:
        out.append(row(f, "u" if line != "box" else "u box"))
    out.append(f'</div><div class="blk"><div class="bh">{"TO / Addressee" if lang == "en" else "收件人"}</div>')
    for f in secs["to"]:
        out.append(row(f))
    out.append(f'<div class="small">{"Customs reference (if any)" if lang == "en" else "海关编号（如有）"}: ____________</div></div></div>')
    items = [f for f in secs["theme"] if f.role == "item"]
    for f in secs["theme"]:
        if f.role == "item":
            continue
        ctx.reg(f)
        if f.role == "cat":
            v = rng.choice(["sq", "gl", "ncb"])
            inner = "".join(opt_items(f, v, glyph=rng.choice(["☐", "□"])))
            out.append(f'<div class="sec">{lab(f, colon=colon)}<div class="grid3">{inner}</div></div>')
            if items:
                widths = ctx.measure([(it.label, f"bold {fs - 1}px {font}") for it in items])
                cols = []
                for it, w in zip(items, widths):
                    cols.append(f"{int(min(max(w + 14, 80), 190))}px")
                cols[0] = "minmax(160px, 1fr)"
                cells = []
                for it in items:
                    ctx.reg(it)
                    cells.append(f'<div class="th">{lab(it)}</div>')
                for it in items:
                    cells.append(f'<div class="td" data-in="{it.i}"></div>')
                out.append(f'<div class="sec"><div class="it" style="grid-template-columns:{" ".join(cols)}">{"".join(cells)}</div>'
                           f'<div class="small">{"Total gross weight and total value are calculated by the office of origin." if lang == "en" else "总重量与总价值由原寄局填写。"}</div></div>')
        else:
            v = rng.choice(["sq", "gl", "ci"])
            out.append(f'<div class="sec"><div class="r" style="align-items:center">{lab(f, colon=colon)}{opt_row(f, v, glyph="☐")}</div></div>')
    out.append(f'<div class="sec foot"><div class="fl"><div class="decl">{"I certify that the particulars given in this customs declaration are correct and that this item does not contain any dangerous article prohibited by postal regulations." if lang == "en" else "本人保证所填内容真实无误，邮件内未装寄任何危险品或禁寄物品。"}</div>')
    for f in secs["declaration"]:
        out.append(row(f))
    out.append(f'</div><div class="stamp" data-dec="1">{"Office of origin<br>date stamp" if lang == "en" else "收寄局<br>日戳"}</div></div></div></div>')
    layout = f"postal: customs declaration ({cn}), sender / addressee blocks side by side with label-left {line} lines, category grid, item table with header labels, {fname} {fs}px"
    return page_html(lang, content["title"], css, "\n".join(out)), W, layout


@builder("labslip")
def build_labslip(ctx, content):
    rng, lang = ctx.rng, ctx.lang
    W = rng.choice([800, 860, 920, 960])
    fname, font = pick_font(rng, lang)
    fs = rng.choice([12, 13, 14])
    paper, ink = rng.choice([("#fde8ef", "#8b1d44"), ("#fff7d6", "#6b4e00"), ("#e6f4ea", "#1e5631"), ("#e7f0fb", "#1d3f73"), ("#ffffff", "#222222")])
    colon = colon_for(rng, lang)
    ih = fs + 12
    bw = rng.choice([18, 20, 22])
    inp = rng.choice(["line", "box"])
    css = f"""
body {{ background:{paper}; }}
.pg {{ width:{W}px; box-sizing:border-box; padding:20px 28px 24px; font-family:{font}; font-size:{fs}px; color:#111; background:{paper}; line-height:1.3; }}
.hd {{ display:flex; justify-content:space-between; align-items:flex-start; border-bottom:2px solid {ink}; padding-bottom:8px; margin-bottom:10px; }}
.cl {{ color:{ink}; }} .cl b {{ font-size:{fs + 4}px; display:block; }}
.tt {{ text-align:right; color:{ink}; }} .tt b {{ font-size:{fs + 8}px; display:block; letter-spacing:.04em; }}
.copy {{ display:inline-block; background:{ink}; color:{paper}; font-size:11px; padding:1px 8px; margin-top:4px; }}
.lbl {{ color:{ink}; }}
.lbl.pan {{ font-weight:bold; }}
.box {{ border:1.5px solid {ink}; padding:8px 12px 10px; margin:0 0 10px; }}
.bt {{ font-weight:bold; color:{ink}; margin:0 0 8px; }}
.g2 {{ display:grid; grid-template-columns:1fr 1fr; column-gap:26px; row-gap:9px; }}
.r {{ display:flex; align-items:flex-end; gap:8px; min-height:{ih}px; }}
.r.w {{ grid-column:1 / 3; }}
.r.c {{ align-items:center; }}
.u {{ flex:1; box-sizing:border-box; height:{ih}px; {"border-bottom:1px solid " + ink if inp == "line" else "border:1px solid " + ink + "; background:#fff"}; }}
.u.tall {{ height:{ih * 2 + 6}px; }}
.ph {{ color:#999; }}
.hint {{ color:#666; font-size:{fs - 2}px; white-space:nowrap; }}
.dbox {{ display:flex; align-items:center; padding:0 6px; }}
.dp {{ display:flex; align-items:flex-end; gap:5px; }}
.pt {{ box-sizing:border-box; height:{ih}px; border:1px solid {ink}; background:#fff; display:inline-flex; align-items:center; justify-content:center; }}
.dsep, .dunit {{ line-height:{ih}px; }}
.dcap {{ font-size:10px; color:#555; }}
.opts {{ display:flex; flex-wrap:wrap; column-gap:18px; row-gap:4px; }}
.opt {{ gap:6px; }}
.osq {{ width:13px; height:13px; border:1.5px solid {ink}; background:#fff; }}
.oci {{ width:13px; height:13px; border:1.5px solid {ink}; background:#fff; }}
.ogl {{ font-size:{fs + 2}px; }}
.oct {{ display:inline-block; padding:1px 5px; }}
.csep {{ color:#555; margin:0 2px; }}
.tg {{ display:grid; border-top:1px solid {ink}; border-left:1px solid {ink}; margin:4px 0 10px; }}
.tg > span {{ border-right:1px solid {ink}; border-bottom:1px solid {ink}; box-sizing:border-box; height:{bw + 1}px; }}
.tg .bc {{ background:#fff; }}
.tg .tc {{ padding-left:6px; line-height:{bw}px; white-space:nowrap; }}
.spec {{ position:relative; border:1.5px dashed {ink}; width:220px; height:64px; color:{ink}; font-size:11px; display:flex; align-items:center; justify-content:center; }}
.decl {{ font-size:{fs - 1}px; margin:0 0 8px; }}
"""
    kit = {"in": "u", "pt": "pt", "pw": (30, 30, 48), "dates": ["ph", "after", "p_ph", "p_cap_below", "p_units", "under"],
           "opts": ["sq", "gl", "ci"], "glyphs": ["☐", "□"], "text_first": 0.1}
    secs = dict(content["sections"])

    def row(f, wide=False):
        ctx.reg(f)
        w = " w" if wide else ""
        if f.kind == "text":
            return f'<div class="r{w}">{lab(f, colon=colon)}<div class="u{" tall" if f.tall or f.label in ("Clinical notes", "Clinical details", "临床诊断") else ""}" data-in="{f.i}"></div></div>'
        if f.kind == "choice" and rng.random() < 0.45 and not f.multi:
            items = opt_items(f, "ct")
            return f'<div class="r c{w}">{lab(f, colon=colon)}<span class="opts" style="column-gap:0">{"<span class=csep>/</span>".join(items)}</span>' \
                   f'<span class="hint">({"circle one" if lang == "en" else "圈选"})</span></div>'
        suf, c = ctrl(ctx, f, kit)
        if f.kind == "date" and f.parts is None:
            c = c.replace('class="u dbox"', 'class="u dbox" style="flex:1"')
            if c.startswith('<div class="dwrap">'):
                c = c.replace('<div class="dwrap">', '<div class="dwrap" style="flex:1">', 1)
        return f'<div class="r c{w}">{lab(f, colon=colon)}{suf}{c}</div>'

    copy = rng.choice(["COPY 2 — LABORATORY", "PATIENT COPY", "COPY 1 — REQUESTER"]) if lang == "en" else rng.choice(["第二联 检验科", "第一联 存根", "第三联 患者"])
    out = [f'<div class="pg"><div class="hd"><div class="cl"><b>{esc(content["issuer"])}</b>{"Tel 01632 960 318 · Fax 01632 960 319" if lang == "en" else "电话 0571-8888 6666"}</div>'
           f'<div class="spec" data-dec="1">{"AFFIX SPECIMEN LABEL HERE" if lang == "en" else "此处粘贴标本条码"}</div>'
           f'<div class="tt"><b>{esc(content["title"])}</b><span class="copy">{copy}</span></div></div>']
    out.append(f'<div class="box"><div class="bt">{"PATIENT DETAILS" if lang == "en" else "患者信息"}</div><div class="g2">')
    for f in secs["applicant"] + secs["contact"]:
        out.append(row(f, wide=f.wide))
    out.append('</div></div>')
    out.append(f'<div class="box"><div class="bt">{"REQUEST" if lang == "en" else "申请信息"}</div><div class="g2">')
    panels = [f for f in secs["theme"] if f.multi]
    others = [f for f in secs["theme"] if not f.multi]
    for f in others:
        out.append(row(f, wide=f.wide or f.kind == "choice" and len(f.options) > 3))
    out.append('</div>')
    for f in panels:
        ctx.reg(f)
        f.style = "square"
        f.olook = "ruled table cells"
        ncol = 3 if W < 900 else 4
        ws = ctx.measure([(o, f"{fs}px {font}") for o in f.options])
        tw = int(max(ws)) + 18
        cols = " ".join([f"{bw + 1}px {tw}px"] * ncol)
        cells = []
        for j, o in enumerate(f.options):
            cells.append(f'<span class="bc" data-ob="{f.i}.{j}"></span><span class="tc"><span class="ot" data-ot="{f.i}.{j}">{esc(o)}</span></span>')
        for _ in range((-len(f.options)) % ncol):
            cells.append('<span class="bc"></span><span class="tc"></span>')
        out.append(f'<div style="margin-top:10px">{lab(f, "lbl pan", colon=colon)}</div><div class="tg" style="grid-template-columns:{cols};width:max-content">{"".join(cells)}</div>')
    out.append('</div>')
    out.append(f'<div class="box"><div class="decl">{"I consent to the collection and testing of the specimen(s) requested above." if lang == "en" else "本人同意采集并检验上述标本。"}</div><div class="g2">')
    for f in secs["declaration"]:
        out.append(row(f))
    out.append('</div></div></div>')
    layout = f"labslip: tinted lab request slip, label-left {inp} inputs two per row, test panels as ruled grids with square cells, circled options on some, {fname} {fs}px"
    return page_html(lang, content["title"], css, "\n".join(out)), W, layout


def comb_html(f, n, cls="comb"):
    return f'<div class="{cls}" data-in="{f.i}">' + '<span class="cc"></span>' * n + "</div>"


@builder("postcard")
def build_postcard(ctx, content):
    rng, lang = ctx.rng, ctx.lang
    W = rng.choice([1000, 1060, 1120])
    fname, font = pick_font(rng, lang)
    fs = rng.choice([12, 13, 14])
    lfs = fs - rng.choice([0, 1])
    card = rng.choice(["#fffdf6", "#ffffff", "#fdf8ec", "#f7fbff"])
    acc = rng.choice(["#b91c1c", "#1d4ed8", "#047857", "#7c3aed", "#c2410c"])
    colon = colon_for(rng, lang)
    mode = rng.choice(["above", "left"])
    ih = fs + 12
    stubw = rng.choice([110, 124])
    addrw = rng.choice([290, 310])
    caps = lang == "en" and mode == "above" and rng.random() < 0.5
    css = f"""
body {{ background:#e4e4e4; }}
.pg {{ width:{W}px; box-sizing:border-box; padding:28px 30px; font-family:{font}; font-size:{fs}px; color:#1f1f1f; line-height:1.3; }}
.card {{ display:flex; background:{card}; border:1px solid #b9b9b9; border-radius:10px; }}
.stub {{ width:{stubw}px; flex:none; border-right:3px dotted #8d8d8d; padding:16px 10px; box-sizing:border-box; color:#666; font-size:11px; }}
.stub b {{ display:block; color:{acc}; font-size:13px; margin:10px 0 8px; }}
.main {{ flex:1; padding:16px 22px 18px; min-width:0; }}
.addr {{ width:{addrw}px; flex:none; border-left:1px solid #cfcfcf; padding:16px 18px; box-sizing:border-box; position:relative; font-family:'Liberation Sans', 'Noto Sans CJK SC', sans-serif; }}
.stamp {{ position:absolute; right:16px; top:16px; width:70px; height:84px; border:1.5px dashed #777; color:#777; font-size:10px; display:flex; align-items:center; justify-content:center; text-align:center; }}
.fim {{ display:flex; gap:4px; margin:0 0 14px 20px; height:40px; }} .fim i {{ width:4px; background:#222; }}
.brm {{ font-weight:bold; font-size:15px; margin:8px 0 2px; }}
.pm {{ font-size:10px; color:#333; margin-bottom:20px; }}
.al {{ border-bottom:1px solid #999; height:22px; font-size:13px; margin:0 0 4px; }}
.bars {{ display:flex; gap:2px; align-items:flex-end; height:16px; margin-top:16px; }} .bars i {{ width:2px; background:#222; }}
.hd {{ display:flex; align-items:baseline; gap:12px; border-bottom:2px solid {acc}; padding-bottom:6px; margin-bottom:10px; }}
.hd b {{ color:{acc}; font-size:{fs + 7}px; }}
.hd span {{ color:#555; }}
.note {{ color:#555; font-size:{fs - 1}px; margin:0 0 10px; }}
.sh {{ color:{acc}; font-weight:bold; font-size:{fs}px; margin:10px 0 6px; {"text-transform:uppercase; letter-spacing:.05em;" if lang == "en" else ""} }}
.g2 {{ display:grid; grid-template-columns:minmax(0, 1fr) minmax(0, 1fr); column-gap:22px; row-gap:8px; }}
.fb.w {{ grid-column:1 / 3; }}
.fb .lbl {{ font-size:{lfs}px; }}
.ab .lbl {{ display:inline-block; margin-bottom:3px; }}
.lf {{ display:flex; align-items:flex-end; gap:8px; }}
.u {{ box-sizing:border-box; height:{ih}px; border-bottom:1px solid #333; flex:1; }}
.ab .u {{ display:block; }}
.comb {{ display:flex; height:{ih}px; border:1px solid #333; border-right:none; box-sizing:border-box; width:max-content; }}
.cc {{ width:{fs + 7}px; border-right:1px solid #333; }}
.ph {{ color:#9a9a9a; }}
.hint {{ color:#666; font-size:{fs - 2}px; white-space:nowrap; }}
.dbox {{ display:flex; align-items:flex-end; padding:0 4px 2px; }}
.dp {{ display:flex; align-items:flex-end; gap:5px; }}
.pt {{ box-sizing:border-box; height:{ih}px; border-bottom:1px solid #333; display:inline-flex; align-items:flex-end; justify-content:center; padding-bottom:2px; }}
.dsep, .dunit {{ line-height:{ih}px; }}
.dcap {{ font-size:10px; color:#555; }}
.opts {{ display:flex; flex-wrap:wrap; column-gap:16px; row-gap:4px; }}
.opt {{ gap:5px; }}
.osq {{ width:12px; height:12px; border:1.5px solid #333; }}
.oci {{ width:12px; height:12px; border:1.5px solid #333; }}
.ogl {{ font-size:{fs + 2}px; }}
.oct {{ display:inline-block; padding:1px 5px; }}
.csep {{ color:#555; }}
"""
    kit = {"in": "u", "pt": "pt", "pw": (30, 30, 48), "dates": ["ph", "after", "p_ph", "p_cap_below", "p_units", "none"],
           "opts": ["sq", "gl", "ci", "gl"], "glyphs": ["☐", "□", "○"], "text_first": 0.15}
    secs = dict(content["sections"])

    def block(f, wide=False):
        ctx.reg(f)
        if caps:
            f.label = f.label.upper()
        w = " w" if wide else ""
        cls = "fb ab" if mode == "above" else "fb lf"
        lb = lab(f, colon=colon if mode == "left" else "")
        if f.kind == "text":
            if f.key is None and f.label.lower().startswith(("model", "serial", "product model")) or f.label in ("产品型号", "机身序列号", "序列号"):
                n = 12 if "erial" in f.label or "序列" in f.label else 10
                f.comb = n
                c = comb_html(f, n)
            else:
                c = f'<div class="u" data-in="{f.i}"></div>'
            return f'<div class="{cls}{w}">{lb}{c}</div>'
        if f.kind == "choice" and rng.random() < 0.3:
            items = opt_items(f, "ct")
            c = f'<span class="opts" style="column-gap:0">{"<span class=csep>/</span>".join(items)}</span>'
        else:
            suf, c = ctrl(ctx, f, kit)
            lb += suf
        if mode == "above":
            return f'<div class="{cls}{w}"><div>{lb}</div>{c}</div>'
        return f'<div class="{cls}{w}" style="align-items:center">{lb}{c}</div>'

    out = [f'<div class="pg"><div class="card"><div class="stub" data-dec="1">✂ {"Detach along the perforation" if lang == "en" else "沿虚线撕下"}'
           f'<b>{esc(content["issuer"])}</b>{"Keep this part for your records. Customer care 0800 555 0199." if lang == "en" else "此联由用户保存。客服热线 400-800-1234"}</div><div class="main">',
           f'<div class="hd"><b>{esc(content["title"])}</b><span>{esc(content["issuer"])}</span></div>',
           f'<div class="note">{"Please complete and return this card within 30 days of purchase. No postage needed if mailed in the UK." if lang == "en" else "请于购买后30天内填写并寄回本卡，免贴邮票。"}</div>']
    order = [("theme", [f for f in secs["theme"] if f.kind != "choice"]), ("applicant", secs["applicant"]), ("contact", secs["contact"]),
             ("q", [f for f in secs["theme"] if f.kind == "choice"]), ("declaration", secs["declaration"])]
    titles = {"theme": "Product" if lang == "en" else "产品信息", "q": "A few questions" if lang == "en" else "问卷",
              "applicant": sec_title(rng, lang, "applicant"), "contact": sec_title(rng, lang, "contact"),
              "declaration": sec_title(rng, lang, "declaration")}
    for key, fs_ in order:
        if not fs_:
            continue
        out.append(f'<div class="sh">{esc(titles[key])}</div><div class="g2">')
        for f in fs_:
            comb = f.kind == "text" and f.key is None and (f.label.lower().startswith(("model", "serial", "product model")) or f.label in ("产品型号", "机身序列号", "序列号"))
            wide = comb or f.wide or (f.kind == "choice" and (len(f.options) > 2 or len(f.label) > 14)) or (f.kind == "date" and mode == "left")
            out.append(block(f, wide))
        out.append("</div>")
    bars = "".join(f'<i style="height:{rng.choice([7, 16])}px"></i>' for _ in range(52))
    addr = (["ATTN: WARRANTY DEPARTMENT", content["issuer"].upper(), "PO BOX 4471", "READING RG1 9ZZ"] if lang == "en"
            else ["保修登记中心 收", content["issuer"], "上海市闵行区虹梅路 1888 号", "邮政编码 201103"])
    out.append(f'</div><div class="addr" data-dec="1"><div class="stamp">{"PLACE<br>STAMP<br>HERE" if lang == "en" else "请贴<br>邮票"}</div>'
               f'<div class="fim">{"".join("<i></i>" if k % 2 == 0 else "<i style=background:transparent></i>" for k in range(9))}</div>'
               f'<div class="brm">{"BUSINESS REPLY MAIL" if lang == "en" else "商业回函"}</div><div class="pm">{"FIRST-CLASS MAIL · PERMIT NO. 2291" if lang == "en" else "国内邮资已付 · 许可证号 2291"}</div>'
               + "".join(f'<div class="al">{esc(a)}</div>' for a in addr) + f'<div class="bars">{bars}</div></div></div></div>')
    layout = f"postcard: warranty reply card with a perforated stub and a business-reply address side, labels {mode} underlines{' (capitals)' if caps else ''}, {fname} {fs}px"
    return page_html(lang, content["title"], css, "\n".join(out)), W, layout


@builder("graphpaper")
def build_graphpaper(ctx, content):
    rng, lang = ctx.rng, ctx.lang
    g = rng.choice([16, 18, 20])
    ncols = rng.choice([46, 50, 54]) if g == 16 else rng.choice([44, 48, 50])
    W = g * ncols + 1
    fname, font = pick_font(rng, lang)
    fs = {16: 13, 18: 14, 20: 15}[g] + rng.choice([0, 1])
    FONT = f"{fs}px {font}"
    ink = rng.choice(["#222", "#1a2a6c", "#333"])
    minor, major = rng.choice([("#d4e4f4", "#a9c6e6"), ("#d8ecd8", "#a8d0a8"), ("#e6e6e6", "#c4c4c4"), ("#f0dcc8", "#e0b896")])
    bw = rng.choice([2, 1.5])
    colon = colon_for(rng, lang)
    fields = [f for _, fs_ in content["sections"] for f in fs_]
    lw = dict(zip([id(f) for f in fields], ctx.measure([(f.label + colon, FONT) for f in fields])))
    def fullwidth(f):
        return f.wide or f.tall or f.key == "signature" or f.kind == "choice" and len(f.options) > 2 or f.kind == "date"

    Lc = max(int((lw[id(f)] + 10) // g) + 1 for f in fields)
    Lp = max([int((lw[id(f)] + 10) // g) + 1 for f in fields if not fullwidth(f)] or [Lc])
    left = 2
    right = ncols - 2
    two = rng.random() < 0.7 and (right - left) >= 2 * (Lp + 9) + 2
    if not two:
        Lp = Lc
    half = (left + right) // 2
    els = []
    y = 2  # grid row
    ttl_w = min(right - left, int(ctx.measure([(content["title"], f"bold {fs + 8}px {font}")])[0] // g) + 3)
    els.append(f'<div class="rect t" style="left:{left * g}px;top:{y * g}px;width:{ttl_w * g + 1}px;height:{3 * g + 1}px;line-height:{3 * g}px">{esc(content["title"])}</div>')
    els.append(f'<div class="tx sm" style="left:{(left + ttl_w + 1) * g}px;top:{y * g}px;height:{3 * g}px;line-height:{3 * g}px">{esc(content["issuer"])}</div>')
    y += 5
    DW = {"day": 2, "month": 2, "year": 4}

    def place(f, c0, c1, y, Lc):
        """Place field f with its label at column c0 and input up to column c1 on rows y, y+1.  Returns rows used."""
        ctx.reg(f)
        band = 2 * g
        top = y * g
        if f.kind == "choice":
            els.append(f'<div class="tx" style="left:{c0 * g + 2}px;top:{top}px;height:{g}px;line-height:{g}px">{lab(f, colon=colon)}</div>')
        else:
            els.append(f'<div class="tx" style="left:{c0 * g + 2}px;top:{top}px;height:{band}px;line-height:{band}px">{lab(f, colon=colon)}</div>')
        x0 = c0 + Lc
        if f.kind == "text":
            rows = 4 if (f.key == "signature" or f.tall) else 2
            els.append(f'<div class="rect" data-in="{f.i}" style="left:{x0 * g}px;top:{top}px;width:{(c1 - x0) * g + 1}px;height:{rows * g + 1}px"></div>')
            return rows
        if f.kind == "date":
            st = rng.choice(["ph", "ph", "none", "p_ph", "p_cap", "p_ph"] + (["p_units", "p_units"] if lang == "zh" else []))
            if st in ("ph", "none"):
                f.fmt = one_box_format(rng, lang) if st == "ph" else None
                inner = f'<span class="ph">{show_fmt(rng, f.fmt)}</span>' if f.fmt else ""
                wcells = min(c1 - x0, rng.choice([9, 10, 12]))
                els.append(f'<div class="rect dbox" data-in="{f.i}" style="left:{x0 * g}px;top:{top}px;width:{wcells * g + 1}px;height:{band + 1}px;line-height:{band}px">{inner}</div>')
                return 2
            order = date_order(rng, lang)
            look = st[2:]
            padded = look == "ph" or lang == "en"
            set_parts(f, order, padded)
            f.dlook = {"ph": "grid boxes with placeholders (/)", "cap": "grid boxes captioned below", "units": "grid boxes followed by 年/月/日"}[look]
            xx = x0
            lower = rng.random() < 0.3
            for q, pn in enumerate(order):
                w = DW[pn]
                inner = f'<span class="ph">{DATE_TOK[pn].lower() if lower else DATE_TOK[pn]}</span>' if look == "ph" else ""
                els.append(f'<div class="rect pc" data-pt="{f.i}.{q}" style="left:{xx * g}px;top:{top}px;width:{w * g + 1}px;height:{band + 1}px;line-height:{band}px">{inner}</div>')
                if look == "cap":
                    els.append(f'<div class="tx cap" style="left:{xx * g}px;top:{top + band + 1}px;width:{w * g}px;height:{g - 2}px;line-height:{g - 2}px">{CAPS[lang][pn] if lang == "zh" or rng.random() < 2 else DATE_TOK[pn]}</div>')
                xx += w
                if q < 2 or look == "units":
                    sym = "/" if look != "units" else CAPS["zh"][pn]
                    els.append(f'<div class="tx sep" style="left:{xx * g}px;top:{top}px;width:{g}px;height:{band}px;line-height:{band}px">{sym}</div>')
                    xx += 1
            return 3 if look == "cap" else 2
        # options, on one grid row
        v = rng.choice(["sq", "ci", "gl"] if not f.multi else ["sq"])
        f.style = OPT_STYLE[v]
        f.olook = OPT_LOOK[v] + " on the grid"
        ws = ctx.measure([(o, FONT) for o in f.options])
        xx = x0
        rows = 1
        yy = y
        for j, (o, w) in enumerate(zip(f.options, ws)):
            need = 1 + int((w + 8) // g) + 2
            if xx + need > c1 and xx > x0:
                yy += 2
                rows += 2
                xx = x0
            a = f"{f.i}.{j}"
            if v == "gl":
                els.append(f'<div class="tx" style="left:{xx * g}px;top:{yy * g}px;height:{g}px;line-height:{g}px"><span class="ogl" data-og="{a}">☐<i class="bl"></i></span></div>')
            else:
                els.append(f'<div class="{"rect sqb" if v == "sq" else "cib"}" data-ob="{a}" style="left:{xx * g}px;top:{yy * g}px;width:{g + 1}px;height:{g + 1}px"></div>')
            els.append(f'<div class="tx" style="left:{(xx + 1) * g + 5}px;top:{yy * g}px;height:{g}px;line-height:{g}px"><span class="ot" data-ot="{a}">{esc(o)}</span></div>')
            xx += need
        return rows

    for skey, fs_ in content["sections"]:
        if not fs_:
            continue
        els.append(f'<div class="tx sh" style="left:{left * g}px;top:{y * g}px;height:{g}px;line-height:{g}px;width:{(right - left) * g}px">{esc(sec_title(rng, lang, skey))}</div>')
        y += 2
        pend = None
        for f in fs_:
            full = not two or fullwidth(f)
            if full:
                if pend is not None:
                    y += place(pend, left, half - 1, y, Lp) + 1
                    pend = None
                y += place(f, left, right, y, Lc) + 1
            elif pend is None:
                pend = f
            else:
                r1 = place(pend, left, half - 1, y, Lp)
                r2 = place(f, half + 1, right, y, Lp)
                y += max(r1, r2) + 1
                pend = None
        if pend is not None:
            y += place(pend, left, half - 1, y, Lp) + 1
        y += 1
    els.append(f'<div class="tx sm" style="left:{left * g}px;top:{y * g}px;height:{g}px;line-height:{g}px">{declaration_text(lang)}</div>')
    y += 3
    H = y * g + 1
    css = f"""
body {{ background:#fff; }}
.pg {{ position:relative; width:{W}px; height:{H}px; font-family:{font}; font-size:{fs}px; color:{ink};
  background-color:#fcfdff;
  background-image: linear-gradient(to right, {major} 1px, transparent 1px), linear-gradient(to bottom, {major} 1px, transparent 1px),
    linear-gradient(to right, {minor} 1px, transparent 1px), linear-gradient(to bottom, {minor} 1px, transparent 1px);
  background-size: {5 * g}px {5 * g}px, {5 * g}px {5 * g}px, {g}px {g}px, {g}px {g}px; }}
.rect {{ position:absolute; box-sizing:border-box; border:{bw}px solid {ink}; }}
.rect.t {{ font-weight:bold; font-size:{fs + 8}px; padding-left:{g // 2}px; }}
.tx {{ position:absolute; white-space:nowrap; }}
.sm {{ color:#555; font-size:{fs - 1}px; }}
.sh {{ font-weight:bold; border-bottom:{bw}px solid {ink}; box-sizing:border-box; }}
.dbox, .pc {{ padding-left:6px; }}
.pc {{ text-align:center; padding-left:0; }}
.ph {{ color:#9a9a9a; }}
.cap {{ text-align:center; font-size:11px; color:#555; }}
.sep {{ text-align:center; }}
.cib {{ position:absolute; box-sizing:border-box; border:{bw}px solid {ink}; border-radius:50%; }}
.ogl {{ font-size:{g}px; }}
"""
    body = f'<div class="pg">{"".join(els)}</div>'
    layout = f"graphpaper: form on squared paper ({g}px grid), labels left of grid-aligned boxes ({'two columns' if two else 'one column'}), grid-cell option boxes, {fname} {fs}px"
    return page_html(lang, content["title"], css, body), W, layout


COMB_N = {"id_number": (18, 10), "phone": (11, 11), "postcode": (6, 8), "passport_number": (9, 10)}


@builder("omr")
def build_omr(ctx, content):
    rng, lang = ctx.rng, ctx.lang
    W = rng.choice([860, 920, 980])
    fname, font = pick_font(rng, lang, sans_only=rng.random() < 0.8)
    fs = rng.choice([12, 13, 14])
    ink = rng.choice(["#d6336c", "#e03131", "#2b8a3e", "#1c7ed6", "#c2255c"])
    caps = lang == "en" and rng.random() < 0.6
    cw = rng.choice([20, 22])
    ih = cw + 6
    inner = W - 54 - 28 - 24 - 3
    colw = (inner - 22) // 2
    bubbles = rng.random() < 0.6
    css = f"""
body {{ background:#fff; }}
.pg {{ position:relative; width:{W}px; box-sizing:border-box; padding:24px 28px 28px 54px; font-family:{font}; font-size:{fs}px; color:{ink}; line-height:1.3; }}
.marks {{ position:absolute; left:14px; top:24px; bottom:24px; width:16px; background:repeating-linear-gradient(to bottom, #111 0 7px, transparent 7px 26px); }}
.reg {{ position:absolute; width:14px; height:14px; background:#111; right:12px; }}
.hd {{ display:flex; justify-content:space-between; align-items:flex-end; margin-bottom:10px; }}
.hd b {{ font-size:{fs + 8}px; display:block; }}
.ins {{ border:1px solid {ink}; padding:6px 10px; margin:0 0 12px; display:flex; gap:18px; align-items:center; font-size:{fs - 1}px; }}
.ex {{ display:inline-block; width:22px; height:12px; border-radius:50%; background:#111; vertical-align:middle; margin-left:4px; }}
.exo {{ display:inline-block; width:22px; height:12px; border-radius:50%; border:1.5px solid {ink}; vertical-align:middle; margin-left:4px; box-sizing:border-box; position:relative; }}
.sec {{ border:1.5px solid {ink}; margin:0 0 12px; }}
.st {{ background:{ink}; color:#fff; font-weight:bold; padding:3px 10px; {"letter-spacing:.06em;" if lang == "en" else ""} }}
.sb {{ padding:10px 12px 12px; display:grid; grid-template-columns:{colw}px {colw}px; column-gap:22px; row-gap:10px; }}
.fb.w {{ grid-column:1 / 3; }}
.l {{ margin-bottom:5px; font-weight:bold; font-size:{fs - 1}px; }}
.bx {{ box-sizing:border-box; height:{ih}px; border:1.5px solid {ink}; }}
.bx.sig {{ height:{ih * 2}px; }}
.comb {{ display:flex; box-sizing:border-box; height:{ih}px; border:1.5px solid {ink}; border-right:none; width:max-content; }}
.cc {{ width:{cw}px; border-right:1px solid {ink}; }}
.comb .cc:last-child {{ border-right:1.5px solid {ink}; }}
.dgs {{ display:flex; gap:10px; align-items:flex-start; }}
.dg {{ display:flex; flex-direction:column; align-items:flex-start; }}
.dcap {{ font-size:10px; font-weight:bold; margin-bottom:2px; }}
.bub {{ display:flex; margin-top:3px; }}
.bub span {{ display:flex; flex-direction:column; width:{cw}px; align-items:center; gap:2px; }}
.bub i {{ display:block; width:{cw - 6}px; height:10px; border:1px solid {ink}; border-radius:50%; font-size:8px; line-height:10px; text-align:center; font-style:normal; }}
.ph {{ color:#b0b0b0; }}
.dbox {{ display:flex; align-items:center; padding:0 8px; }}
.opts {{ display:flex; flex-wrap:wrap; column-gap:20px; row-gap:6px; }}
.opt {{ gap:7px; }}
.opt.col {{ flex-direction:column; gap:3px; }}
.oov {{ width:24px; height:13px; border:1.5px solid {ink}; }}
.decl {{ font-size:{fs - 1}px; padding:8px 12px 0; }}
"""
    out = [f'<div class="pg"><div class="marks" data-dec="1"></div><div class="reg" style="top:14px"></div>',
           f'<div class="hd"><div><b>{esc(content["title"].upper() if caps else content["title"])}</b>{esc(content["issuer"])}</div>'
           f'<div>{"Form" if lang == "en" else "表号"} {rng.randint(100, 999)}-{rng.choice("ABCK")}</div></div>',
           f'<div class="ins">{"Use a black pen. Write one character per box." if lang == "en" else "请用黑色签字笔填写，每格填写一个字符。"}'
           f'<span>{"Mark like this:" if lang == "en" else "正确填涂："}<span class="ex"></span></span><span>{"Not like this:" if lang == "en" else "错误填涂："}<span class="exo">✓</span></span></div>']
    avail = colw
    for skey, fs_ in content["sections"]:
        if not fs_:
            continue
        t = sec_title(rng, lang, skey)
        out.append(f'<div class="sec"><div class="st">{esc(t.upper() if caps else t)}</div>')
        if skey == "declaration":
            out.append(f'<div class="decl">{declaration_text(lang)}</div>')
        out.append('<div class="sb">')
        for f in fs_:
            ctx.reg(f)
            if caps:
                f.label = f.label.upper()
            wide = f.wide or f.key == "signature"
            if f.kind == "text":
                n = 0
                if f.key in COMB_N and f.key != "phone":
                    n = COMB_N[f.key][0 if lang == "zh" else 1]
                elif f.key in ("name", "first_name", "last_name") and rng.random() < 0.8:
                    n = (8 if lang == "zh" else 20) if f.key == "name" else (5 if lang == "zh" else 14)
                elif f.key is None and rng.random() < 0.5 and f.label[:1].isascii() is False or (f.key is None and "number" in f.label.lower()):
                    n = 8
                if n:
                    if f.key:
                        n = max(n, len(ctx.notes["person"].get(f.key) or ""))
                    f.comb = n
                    if n * cw + 3 > avail:
                        wide = True
                    c = comb_html(f, n)
                else:
                    c = f'<div class="bx{" sig" if f.key == "signature" else ""}" data-in="{f.i}"></div>'
            elif f.kind == "date":
                if rng.random() < 0.7:
                    order = date_order(rng, lang, us_ok=True)
                    set_parts(f, order, True)
                    f.dlook = "digit combs captioned above" + (" with bubble columns" if bubbles and f.key == "date_of_birth" else "")
                    grp = []
                    for q, pn in enumerate(order):
                        nn = 4 if pn == "year" else 2
                        cap = CAPS[lang][pn].upper() if lang == "en" else CAPS[lang][pn]
                        comb = f'<div class="comb" data-pt="{f.i}.{q}">' + '<span class="cc"></span>' * nn + "</div>"
                        bub = ""
                        if bubbles and f.key == "date_of_birth":
                            cols = "".join("<span>" + "".join(f"<i>{d}</i>" for d in range(10)) + "</span>" for _ in range(nn))
                            bub = f'<div class="bub" data-dec="1">{cols}</div>'
                        grp.append(f'<div class="dg"><span class="dcap">{cap}</span>{comb}{bub}</div>')
                    c = f'<div class="dgs">{"".join(grp)}</div>'
                else:
                    f.fmt = one_box_format(rng, lang)
                    c = f'<div class="bx dbox" data-in="{f.i}"><span class="ph">{show_fmt(rng, f.fmt)}</span></div>'
            else:
                col = rng.random() < 0.4 and len(f.options) <= 4
                items = opt_items(f, "ov", text_first=col)
                if col:
                    items = [it.replace('class="opt"', 'class="opt col"') for it in items]
                    f.olook += ", text above"
                c = f'<span class="opts"{" style=padding-top:4px" if col else ""}>{"".join(items)}</span>'
                if len(f.options) > 3:
                    wide = True
            out.append(f'<div class="fb{" w" if wide else ""}"><div class="l">{lab(f)}</div>{c}</div>')
        out.append("</div></div>")
    out.append('<div class="reg" style="bottom:14px"></div></div>')
    layout = f"omr: machine-read sheet in drop-out ink {ink}, timing marks, labels above boxes and character combs{' (capitals)' if caps else ''}, oval options, {fname} {fs}px"
    return page_html(lang, content["title"], css, "\n".join(out)), W, layout


@builder("secpaper")
def build_secpaper(ctx, content):
    rng, lang = ctx.rng, ctx.lang
    W = rng.choice([860, 920, 980])
    fname, font = pick_font(rng, lang, serif_only=rng.random() < 0.6)
    fs = rng.choice([12, 13, 14])
    base, ring, ink = rng.choice([("#eef6ee", "rgba(80,150,90,.22)", "#1f4d2b"), ("#eef2fa", "rgba(70,100,170,.22)", "#1d2f5e"),
                                  ("#fbf0f0", "rgba(170,70,70,.2)", "#5e1d1d"), ("#f7f3e6", "rgba(150,120,40,.22)", "#4d3b10")])
    inp = rng.choice(["white", "white", "line"])
    ncol = rng.choice([2, 3])
    ih = fs + 14
    photo = rng.choice([(110, 140), (120, 150)])
    colon = "" if rng.random() < 0.6 else (":" if lang == "en" else "：")
    r1 = rng.choice([11, 13, 15])
    cx, cy = rng.choice([(0, 0), (50, 30), (100, 0), (20, 50)])
    css = f"""
body {{ background:#fff; }}
.pg {{ width:{W}px; box-sizing:border-box; padding:26px 28px; font-family:{font}; font-size:{fs}px; color:#1a1a1a; line-height:1.3;
  background-color:{base};
  background-image: repeating-radial-gradient(circle at {cx}% {cy}%, transparent 0 {r1}px, {ring} {r1}px {r1 + 1}px); }}
.frame {{ border:4px double {ink}; padding:18px 22px 20px; position:relative; }}
.hd {{ display:flex; gap:16px; align-items:center; margin-bottom:6px; padding-right:{photo[0] + 16}px; }}
.emb {{ width:58px; height:58px; border-radius:50%; border:2px solid {ink}; color:{ink}; display:flex; align-items:center; justify-content:center; font-size:28px; flex:none; }}
.iss {{ font-variant:small-caps; letter-spacing:.08em; color:{ink}; }}
h1 {{ font-size:{fs + 10}px; margin:2px 0 0; color:{ink}; }}
.code {{ font-size:{fs - 2}px; color:#444; }}
.photo {{ position:absolute; right:22px; top:18px; width:{photo[0]}px; height:{photo[1]}px; border:1.5px dashed {ink}; background:#ffffffb0; color:#555; font-size:11px; display:flex; align-items:center; justify-content:center; text-align:center; }}
.intro {{ font-size:{fs - 1}px; color:#333; margin:4px 0 10px; padding-right:{photo[0] + 16}px; }}
.part {{ font-weight:bold; color:{ink}; border-bottom:1.5px solid {ink}; margin:14px 0 10px; padding-bottom:2px; }}
.grid {{ display:grid; grid-template-columns:repeat({ncol}, minmax(0, 1fr)); column-gap:20px; row-gap:10px; }}
.grid.ph1 {{ margin-right:{photo[0] + 16}px; grid-template-columns:repeat(2, minmax(0, 1fr)); }}
.part.ph1 {{ margin-right:{photo[0] + 16}px; }}
.fb.w {{ grid-column:1 / -1; }}
.fb.w2 {{ grid-column:span 2; }}
.l {{ margin-bottom:3px; }}
.no {{ color:{ink}; font-weight:bold; margin-right:4px; }}
.lbl {{ font-size:{fs - 1}px; font-weight:bold; {"text-transform:none;" if lang == "zh" else ""} }}
.in {{ box-sizing:border-box; height:{ih}px; {"background:#fff; border:1px solid #666;" if inp == "white" else "border-bottom:1px solid #222;"} }}
.in.sig {{ height:{ih * 2}px; }}
.ph {{ color:#999; }}
.dbox {{ display:flex; align-items:center; padding:0 8px; }}
.hint {{ color:#555; font-size:{fs - 2}px; font-weight:normal; }}
.under {{ margin-top:2px; }}
.dp {{ display:flex; align-items:flex-end; gap:6px; }}
.pt {{ box-sizing:border-box; height:{ih}px; {"background:#fff; border:1px solid #666;" if inp == "white" else "border-bottom:1px solid #222;"} display:inline-flex; align-items:center; justify-content:center; }}
.dsep, .dunit {{ line-height:{ih}px; }}
.dcap {{ font-size:10px; color:#444; }}
.opts {{ display:flex; flex-wrap:wrap; column-gap:18px; row-gap:6px; min-height:{ih}px; align-items:center; }}
.opt {{ gap:6px; }}
.osq {{ width:14px; height:14px; border:1.5px solid #333; background:#fff; }}
.oci {{ width:14px; height:14px; border:1.5px solid #333; background:#fff; }}
input.nat {{ width:14px; height:14px; }}
.ogl {{ font-size:{fs + 3}px; color:#111; }}
.decl {{ font-size:{fs - 1}px; margin:0 0 10px; }}
.office {{ margin-top:16px; background:repeating-linear-gradient(45deg, #d8d8d8 0 2px, #e8e8e8 2px 8px); border:1px solid #888; padding:8px 12px; display:flex; gap:24px; align-items:center; font-size:{fs - 1}px; color:#333; }}
.office .ul {{ display:inline-block; width:120px; border-bottom:1px solid #555; height:14px; }}
.office .stp {{ width:70px; height:70px; border-radius:50%; border:1.5px dashed #666; margin-left:auto; }}
"""
    kit = {"in": "in", "pt": "pt", "pw": (40, 40, 62), "dates": ["ph", "after", "under", "p_cap_above", "p_cap_above", "p_ph", "p_units"],
           "opts": ["sq", "gl", "ncb", "sq"], "glyphs": ["☐", "□"], "text_first": 0.15}
    out = [f'<div class="pg"><div class="frame"><div class="photo" data-dec="1">{"Affix photo<br>35 × 45 mm" if lang == "en" else "照片<br>33 × 48 mm"}</div>',
           f'<div class="hd"><div class="emb" data-dec="1">★</div><div><div class="iss">{esc(content["issuer"])}</div><h1>{esc(content["title"])}</h1>'
           f'<div class="code">{"Form" if lang == "en" else "表格编号"} {rng.choice(["V", "R", "C"])}-{rng.randint(10, 99)} · {"free of charge" if lang == "en" else "免费发放"}</div></div></div>',
           f'<div class="intro">{"Complete in BLOCK CAPITALS with black ink. Answer every question." if lang == "en" else "请用黑色墨水正楷填写，各项均须填写。"}</div>']
    num = 0
    letters = "ABCDE" if lang == "en" else "一二三四五"
    for si, (skey, fs_) in enumerate(content["sections"]):
        if not fs_:
            continue
        t = sec_title(rng, lang, skey)
        out.append(f'<div class="part{" ph1" if si == 0 else ""}">{"Part " + letters[si] + " — " if lang == "en" else "第" + letters[si] + "部分 "}{esc(t)}</div>')
        if skey == "declaration":
            out.append(f'<div class="decl">{declaration_text(lang)}</div>')
        first = si == 0
        out.append(f'<div class="grid{" ph1" if first else ""}">')
        nc = 2 if first else ncol
        for f in fs_:
            ctx.reg(f)
            num += 1
            suf, c = ctrl(ctx, f, kit)
            wide = f.wide or f.key == "signature" or (f.kind == "choice" and len(f.options) > 3) or (f.kind == "date" and f.parts and nc == 3 and False)
            w = " w" if wide else ""
            out.append(f'<div class="fb{w}"><div class="l"><span class="no">{num}.</span>{lab(f, colon=colon)}{suf}</div>{c}</div>')
        out.append("</div>")
    out.append(f'<div class="office" data-dec="1"><b>{"FOR OFFICIAL USE ONLY" if lang == "en" else "以下由受理机关填写"}</b>'
               f'<span>{"Application no." if lang == "en" else "受理编号"} <span class="ul"></span></span><span>{"Received" if lang == "en" else "受理日期"} <span class="ul"></span></span><span class="stp"></span></div>')
    out.append("</div></div>")
    layout = f"secpaper: application on a security-pattern ground, double frame, photo box, numbered labels above {inp} inputs in {ncol} columns, {fname} {fs}px"
    return page_html(lang, content["title"], css, "\n".join(out)), W, layout


if __name__ == "__main__":
    main()
