#!/usr/bin/env python3
"""Held-out form corpus F (v2 ground truth), written blind.

    python3 tools/forms/make_heldout_f.py --out /tmp/forms_heldout_f --seed 606 --count 44
    python3 tools/forms/make_scans.py --in /tmp/forms_heldout_f --seed 97

Writes f_01 ... f_NN (odd numbers English, even numbers Simplified Chinese): f_NN.html (the
source), f_NN.png (headless Chromium via tools/cdp_render.py, device scale factor 1) and
f_NN.json (v2 format, tests/fixtures/forms_tune/README.md). Every box is read from the DOM after
layout (getBoundingClientRect / Range rects, x1/y1 floored, x2/y2 ceiled; glyph options by canvas
measureText at the glyph's DOM position and baseline).

Eleven layout families, each on 2 English + 2 Chinese forms (see tools/forms/README.md,
"Corpus F"). Each form is checked after layout (no overlapping field boxes, labels >= 8 px from
other fields' boxes, boxes inside the page and inside their own container, ink in every label
and option text, glyph ink boxes within 2 px of the pixels, no field on a decoy panel, PNG <=
150 KB); a failing form is drawn again with other cosmetic draws (up to 10 times), then the
script stops. Deterministic for a seed. HELDOUT_F_DEBUG=1 prints the rejected attempts.
"""

import argparse
import html
import io
import json
import os
import random
import sys
import time
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from cdp_render import Browser, CDPError, save_png  # noqa: E402

DEBUG = bool(os.environ.get("HELDOUT_F_DEBUG"))
MAX_PNG = 150 * 1024
MIN_GAP = 8          # a label's distance from any other field's box
MIN_GAP_CELL = 5     # ... from another field's ruled cell (labels sit inside their own cells)


def esc(s):
    return html.escape(s, quote=False)


def tw(s, fs):
    """Rough rendered width of a string (px)."""
    return sum(fs * (1.0 if ord(c) > 0x2E7F else 0.6) for c in s)


# ----------------------------------------------------------------------------------------------
# people
# ----------------------------------------------------------------------------------------------
EN_F = ["Emily", "Olivia", "Grace", "Hannah", "Chloe", "Sophie", "Megan", "Laura", "Rachel", "Fiona",
        "Priya", "Aisha", "Maria", "Claire", "Natalie", "Isabel"]
EN_M = ["James", "Thomas", "Daniel", "Oliver", "Samuel", "Liam", "Connor", "Andrew", "Matthew",
        "David", "Rahul", "Tomas", "Marcus", "Peter", "Ethan", "Gareth"]
EN_LAST = ["Carter", "Whitfield", "Thompson", "O'Brien", "Nguyen", "Patel", "Morrison", "Fletcher",
           "Harper", "Kowalski", "Brennan", "Ellis", "Hughes", "Lawson", "McKenzie", "Sinclair",
           "Walsh", "Bennett", "Doyle", "Ashworth"]
EN_STREETS = ["Mill Lane", "Orchard Road", "Harbour View", "Maple Avenue", "Queen Street",
              "Station Road", "Elm Grove", "Kingfisher Close", "Church Street", "Beacon Hill Road",
              "Wattle Street", "Birch Crescent", "Larkspur Way", "Ferry Road"]
EN_OCC = ["Nurse", "Civil engineer", "Teacher", "Accountant", "Electrician", "Pharmacist",
          "Graphic designer", "Retail manager", "Paramedic", "Software developer", "Chef",
          "Librarian", "Plumber", "Physiotherapist"]
EN_EMP = ["Northgate Logistics Ltd", "Harbourside Medical Centre", "Riverside Primary School",
          "Kestrel Software Pty Ltd", "Greenfield Dairy Co-op", "Bramley & Lowe Accountants",
          "Coastline Energy", "St Brigid's Hospital", "Pinecrest Hotel Group", "Moorland Council"]


def _digits(r, n):
    return "".join(str(r.randint(0, 9)) for _ in range(n))


EN_LOC = {
    "UK": dict(cities=[("Leeds", "LS6 3QW"), ("Bristol", "BS8 1TH"), ("Norwich", "NR2 4PD"),
                       ("York", "YO10 5DD"), ("Exeter", "EX4 4QJ"), ("Cardiff", "CF10 3AT")],
               nat="British",
               phone=lambda r: f"07{r.randint(700, 999)} {r.randint(100000, 999999)}",
               pp=lambda r: _digits(r, 9),
               idn=lambda r: "%s%s %s %s %s %s" % (r.choice("ABCEHJKLMNPRSTWXYZ"), r.choice("ABCEHJKLMNPRSTWXYZ"),
                                                  _digits(r, 2), _digits(r, 2), _digits(r, 2), r.choice("ABCD"))),
    "US": dict(cities=[("Portland", "97205"), ("Madison", "53703"), ("Albany", "12207"),
                       ("Tucson", "85701"), ("Boise", "83702")],
               nat="American",
               phone=lambda r: f"({r.randint(201, 989)}) 555-{r.randint(100, 199):04d}",
               pp=lambda r: _digits(r, 9),
               idn=lambda r: f"{r.randint(100, 665)}-{r.randint(10, 99)}-{r.randint(1000, 9999)}"),
    "AU": dict(cities=[("Geelong", "3220"), ("Hobart", "7000"), ("Townsville", "4810"), ("Ballarat", "3350")],
               nat="Australian",
               phone=lambda r: f"04{_digits(r, 2)} {_digits(r, 3)} {_digits(r, 3)}",
               pp=lambda r: "P" + r.choice("ABNR") + _digits(r, 7),
               idn=lambda r: _digits(r, 4) + " " + _digits(r, 5) + " " + _digits(r, 1)),
    "IE": dict(cities=[("Galway", "H91 E2K3"), ("Cork", "T12 X70A"), ("Limerick", "V94 T9PX")],
               nat="Irish",
               phone=lambda r: f"08{r.randint(3, 9)} {_digits(r, 3)} {_digits(r, 4)}",
               pp=lambda r: "P" + r.choice("ABCD") + _digits(r, 7),
               idn=lambda r: _digits(r, 7) + r.choice("ABCDEFGHKLMTW") + "A"),
    "CA": dict(cities=[("Halifax", "B3H 4R2"), ("Victoria", "V8W 1P6"), ("Kingston", "K7L 3N6")],
               nat="Canadian",
               phone=lambda r: f"({r.randint(204, 905)}) 555-{r.randint(100, 199):04d}",
               pp=lambda r: r.choice("ABGH") + r.choice("ABKM") + _digits(r, 6),
               idn=lambda r: f"{_digits(r, 3)} {_digits(r, 3)} {_digits(r, 3)}"),
    "NZ": dict(cities=[("Dunedin", "9016"), ("Nelson", "7010"), ("Napier", "4110")],
               nat="New Zealander",
               phone=lambda r: f"02{r.randint(1, 9)} {_digits(r, 3)} {_digits(r, 4)}",
               pp=lambda r: "L" + r.choice("ABCDEFGH") + _digits(r, 6),
               idn=lambda r: _digits(r, 3) + "-" + _digits(r, 3) + "-" + _digits(r, 3)),
}

ZH_SURN = [("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"),
           ("黄", "Huang"), ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"), ("徐", "Xu"), ("孙", "Sun"),
           ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"), ("郭", "Guo"), ("林", "Lin"), ("何", "He"),
           ("高", "Gao"), ("罗", "Luo")]
ZH_GIVEN_M = [("伟", "Wei"), ("强", "Qiang"), ("磊", "Lei"), ("建国", "Jianguo"), ("志明", "Zhiming"),
              ("浩然", "Haoran"), ("子轩", "Zixuan"), ("俊杰", "Junjie"), ("文博", "Wenbo"), ("国栋", "Guodong")]
ZH_GIVEN_F = [("芳", "Fang"), ("静", "Jing"), ("丽娟", "Lijuan"), ("秀英", "Xiuying"), ("晓燕", "Xiaoyan"),
              ("雨婷", "Yuting"), ("欣怡", "Xinyi"), ("佳慧", "Jiahui"), ("梦琪", "Mengqi"), ("淑华", "Shuhua")]
ZH_CITY = [("北京市", "朝阳区", "110105", "100020"), ("上海市", "徐汇区", "310104", "200030"),
           ("广州市", "天河区", "440106", "510630"), ("成都市", "武侯区", "510107", "610041"),
           ("杭州市", "西湖区", "330106", "310013"), ("南京市", "鼓楼区", "320106", "210008"),
           ("武汉市", "洪山区", "420111", "430070"), ("西安市", "雁塔区", "610113", "710061"),
           ("济南市", "历下区", "370102", "250011"), ("长沙市", "岳麓区", "430104", "410006")]
ZH_ROADS = ["建设路", "人民路", "中山路", "解放大道", "文化路", "朝阳路", "和平街", "长江路", "青年路", "光明街"]
ZH_OCC = ["教师", "工程师", "会计", "护士", "个体经营者", "公务员", "销售经理", "软件工程师", "医生", "厨师", "律师", "设计师"]
ZH_EMP = ["宏远建设工程有限公司", "新星电子科技有限公司", "市第三中学", "蓝天物流有限公司", "和平区人民医院",
          "江南纺织集团", "华信会计师事务所", "青禾食品有限公司", "东方通信服务公司", "市自来水公司"]
ZH_REL = ["配偶", "父亲", "母亲", "哥哥", "姐姐", "儿子", "女儿"]
FOREIGN = [("Michael", "Brown", "美国", "M"), ("Anna", "Schmidt", "德国", "F"), ("Kenji", "Sato", "日本", "M"),
           ("Sophie", "Martin", "法国", "F"), ("Lucas", "Silva", "巴西", "M")]

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def id_check(s17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(c) * k for c, k in zip(s17, w)) % 11]


def rand_date(r, y0, y1):
    y = r.randint(y0, y1)
    m = r.randint(1, 12)
    d = r.randint(1, 28 if m == 2 else 30)
    return f"{y:04d}-{m:02d}-{d:02d}"


def make_person(r, kind):
    """kind: en | cn_roman (Chinese person on an English form) | zh | foreign (on a Chinese form)."""
    p = {}
    sex = r.choice("MF")
    p["_sex"] = sex
    dob = rand_date(r, 1952, 2004)
    p["date_of_birth"] = dob
    p["date"] = rand_date(r, 2024, 2025)
    if kind in ("en", "cn_roman"):
        country = r.choice(sorted(EN_LOC))
        loc = EN_LOC[country]
        city, pc = r.choice(loc["cities"])
        if kind == "en":
            first = r.choice(EN_F if sex == "F" else EN_M)
            last = r.choice(EN_LAST)
            p["name"] = f"{first} {last}"
            p["nationality"] = loc["nat"]
            p["passport_number"] = loc["pp"](r)
            p["id_number"] = loc["idn"](r)
            em_first = r.choice(EN_F + EN_M)
            p["emergency_contact"] = f"{em_first} {r.choice([last] + EN_LAST)}, {loc['phone'](r)}"
        else:
            s, sp = r.choice(ZH_SURN)
            g, gp = r.choice(ZH_GIVEN_F if sex == "F" else ZH_GIVEN_M)
            first, last = gp, sp
            p["name"] = f"{sp} {gp}" if r.random() < 0.5 else f"{gp} {sp}"
            p["nationality"] = "Chinese"
            p["passport_number"] = "E" + _digits(r, 8)
            area = r.choice(ZH_CITY)[2]
            s17 = area + dob.replace("-", "") + _digits(r, 2) + str(r.choice([1, 3, 5, 7, 9] if sex == "M" else [0, 2, 4, 6, 8]))
            p["id_number"] = s17 + id_check(s17)
            p["emergency_contact"] = f"{r.choice(ZH_SURN)[1]} {r.choice(ZH_GIVEN_F + ZH_GIVEN_M)[1]}, +86 13{_digits(r, 9)}"
        p["first_name"], p["last_name"] = first, last
        p["_country"] = country
        p["address"] = f"{r.randint(2, 240)} {r.choice(EN_STREETS)}"
        if r.random() < 0.25:
            p["address"] = f"Flat {r.randint(1, 12)}, " + p["address"]
        p["city"], p["postcode"] = city, pc
        p["phone"] = loc["phone"](r)
        dom = r.choice(["mail.com", "example.org", "outlook.com", "inbox.net"])
        p["email"] = f"{first.lower()}.{last.lower().replace(chr(39), '')}{r.randint(1, 99)}@{dom}"
        p["occupation"] = r.choice(EN_OCC)
        p["employer"] = r.choice(EN_EMP)
    else:
        city, dist, area, pc = r.choice(ZH_CITY)
        if kind == "zh":
            s, sp = r.choice(ZH_SURN)
            g, gp = r.choice(ZH_GIVEN_F if sex == "F" else ZH_GIVEN_M)
            p["name"] = s + g
            p["first_name"], p["last_name"] = g, s
            p["nationality"] = "中国"
            p["passport_number"] = "E" + _digits(r, 8)
            s17 = area + dob.replace("-", "") + _digits(r, 2) + str(r.choice([1, 3, 5, 7, 9] if sex == "M" else [0, 2, 4, 6, 8]))
            p["id_number"] = s17 + id_check(s17)
            p["email"] = f"{sp.lower()}{gp.lower()}{r.randint(10, 99)}@{r.choice(['163.com', 'qq.com', '126.com'])}"
        else:
            fn, ln, nat, sx = r.choice(FOREIGN)
            sex = p["_sex"] = sx
            p["name"] = f"{fn} {ln}"
            p["first_name"], p["last_name"] = fn, ln
            p["nationality"] = nat
            p["passport_number"] = r.choice("CKNP") + _digits(r, 8)
            p["id_number"] = p["passport_number"]
            p["email"] = f"{fn.lower()}.{ln.lower()}@{r.choice(['gmail.com', 'outlook.com'])}"
        p["address"] = f"{dist}{r.choice(ZH_ROADS)}{r.randint(1, 300)}号{r.randint(1, 20)}栋{r.randint(1, 4)}单元{r.randint(1, 24)}0{r.randint(1, 4)}室"
        p["city"], p["postcode"] = city, pc
        p["phone"] = "1" + r.choice(["38", "39", "58", "86", "36", "77", "50"]) + _digits(r, 8)
        if r.random() < 0.3:
            p["phone"] = p["phone"][:3] + " " + p["phone"][3:7] + " " + p["phone"][7:]
        p["occupation"] = r.choice(ZH_OCC)
        p["employer"] = r.choice(ZH_EMP)
        p["emergency_contact"] = f"{r.choice(ZH_SURN)[0]}{r.choice(ZH_GIVEN_F + ZH_GIVEN_M)[0]}（{r.choice(ZH_REL)}）1{r.choice(['39', '35', '89'])}{_digits(r, 8)}"
    return p


def spell_date(r, iso, zh):
    y, m, d = int(iso[:4]), int(iso[5:7]), int(iso[8:])
    if zh:
        return r.choice([f"{y}年{m}月{d}日", iso, f"{y}.{m:02d}.{d:02d}", f"{y}年{m}月{d}日", f"{y}/{m:02d}/{d:02d}"])
    c = [iso, f"{d} {MONTHS[m - 1]} {y}", f"{MONTHS[m - 1]} {d}, {y}", f"{y}.{m:02d}.{d:02d}"]
    if d > 12:
        c.append(f"{d:02d}/{m:02d}/{y}")
    return r.choice(c)


KEY_SPELL = {
    "name": ["name", "full_name", "Name", "Full Name", "applicant_name"],
    "first_name": ["first_name", "given_name", "First name", "firstName"],
    "last_name": ["last_name", "surname", "family_name", "Last name"],
    "date_of_birth": ["date_of_birth", "dob", "DOB", "birth_date", "Date of Birth"],
    "gender": ["gender", "sex", "Gender", "Sex"],
    "id_number": ["id_number", "ID", "id_no", "national_id"],
    "passport_number": ["passport_number", "passport", "Passport No", "passport_no"],
    "phone": ["phone", "Mobile", "mobile", "tel", "phone_number", "Telephone"],
    "email": ["email", "E-mail", "Email", "email_address"],
    "address": ["address", "home_address", "Address", "street_address"],
    "city": ["city", "town", "City"],
    "postcode": ["postcode", "zip", "postal_code", "ZIP", "Postcode"],
    "nationality": ["nationality", "citizenship", "Nationality"],
    "occupation": ["occupation", "job", "job_title", "Occupation"],
    "employer": ["employer", "company", "Employer", "workplace"],
    "emergency_contact": ["emergency_contact", "emergency", "Emergency contact", "ice_contact"],
    "date": ["date", "today", "date_signed", "Date"],
}
ZH_KEY = {"name": "姓名", "first_name": "名", "last_name": "姓", "date_of_birth": "出生日期", "gender": "性别",
          "id_number": "身份证号码", "passport_number": "护照号码", "phone": "手机", "email": "邮箱",
          "address": "地址", "city": "城市", "postcode": "邮编", "nationality": "国籍", "occupation": "职业",
          "employer": "工作单位", "emergency_contact": "紧急联系人", "date": "填表日期"}
EXTRAS_EN = [("blood_type", ["O+", "A-", "B+", "AB+"]), ("vehicle_registration", ["KX19 PLM", "7ABC123", "YHT-442"]),
             ("membership_no", ["M-20931", "M-55102"]), ("preferred_language", ["English", "Welsh", "French"]),
             ("middle_name", ["Anne", "Joseph", "Louise"]), ("website", ["www.example.org"])]
EXTRAS_ZH = [("微信号", ["wx_lin2024", "chenjing_88"]), ("民族", ["汉族", "回族", "满族"]), ("血型", ["A型", "O型", "B型"]),
             ("学历", ["本科", "硕士研究生", "大专"]), ("政治面貌", ["群众", "中共党员", "共青团员"])]


# ----------------------------------------------------------------------------------------------
# labels
# ----------------------------------------------------------------------------------------------
LAB_EN = {
    "name": ["Full name", "Name", "Applicant's full name", "Full legal name", "Name of applicant"],
    "first_name": ["First name", "Given name(s)", "Forename(s)"],
    "last_name": ["Surname", "Last name", "Family name"],
    "date_of_birth": ["Date of birth", "Birth date", "DOB"],
    "gender": ["Sex", "Gender"],
    "id_number": ["National ID number", "ID card number", "Identity number", "Personal ID no."],
    "passport_number": ["Passport number", "Passport No.", "Passport no"],
    "phone": ["Telephone", "Phone number", "Mobile", "Contact number", "Daytime phone"],
    "email": ["Email", "Email address", "E-mail"],
    "address": ["Address", "Home address", "Residential address", "Postal address", "Street address"],
    "city": ["City", "Town / city", "Town"],
    "postcode": ["Postcode", "Postal code", "Post code"],
    "nationality": ["Nationality", "Citizenship"],
    "occupation": ["Occupation", "Job title", "Profession"],
    "employer": ["Employer", "Name of employer", "Company / organisation"],
    "emergency_contact": ["Emergency contact", "Emergency contact name and phone", "Contact in an emergency"],
    "signature": ["Signature", "Signature of applicant", "Signed", "Applicant's signature"],
    "date": ["Date", "Date signed", "Today's date"],
}
LAB_ZH = {
    "name": ["姓名", "申请人姓名"],
    "first_name": ["名"], "last_name": ["姓"],
    "date_of_birth": ["出生日期"],
    "gender": ["性别"],
    "id_number": ["身份证号码", "公民身份号码", "身份证号"],
    "passport_number": ["护照号码", "护照号"],
    "phone": ["联系电话", "手机号码", "电话"],
    "email": ["电子邮箱", "邮箱"],
    "address": ["家庭住址", "现居住地址", "通讯地址", "住址"],
    "city": ["所在城市", "城市"],
    "postcode": ["邮政编码", "邮编"],
    "nationality": ["国籍"],
    "occupation": ["职业"],
    "employer": ["工作单位", "单位名称"],
    "emergency_contact": ["紧急联系人", "紧急联系人及电话"],
    "signature": ["申请人签名", "签名", "申请人（签字）"],
    "date": ["日期", "填表日期", "申请日期"],
}
QUESTION_EN = {
    "name": "What is your full name?", "date_of_birth": "What is your date of birth?",
    "gender": "What is your sex?", "phone": "What is the best telephone number to reach you on?",
    "email": "What is your email address?", "occupation": "What is your occupation?",
    "address": "What is your home address?", "employer": "Who is your employer?",
    "postcode": "What is your postcode?", "city": "In which town or city do you live?",
}
QUESTION_ZH = {
    "name": "您的姓名", "date_of_birth": "您的出生日期", "gender": "您的性别", "phone": "您的联系电话",
    "email": "您的电子邮箱", "occupation": "您的职业", "address": "您的家庭住址", "employer": "您的工作单位",
}
GENDER_OPTS_EN = [["Male", "Female"], ["M", "F"], ["Male", "Female", "Other"], ["Female", "Male", "Prefer not to say"]]
YES_NO = {"en": [["Yes", "No"]], "zh": [["是", "否"], ["是", "否"], ["有", "无"]]}

# ----------------------------------------------------------------------------------------------
# themes: person keys (optionally "key:label"), then (section title, field specs).
# field specs: ("t", label[, key]) text | ("a", label) multi-line text | ("c", label, n) comb text
#              ("d", label[, key]) date | ("o", label, options) option group | ("y", label) yes/no
#              ("q", item, price) a quantity cell labelled by an item line (invoice family)
# ----------------------------------------------------------------------------------------------
FAMILIES = ["smallcaps_cells", "boxed_questionnaire", "dotted_column", "tinted_page", "invoice",
            "report_textareas", "sentence", "colon_rule", "landscape_watermark", "dense_grid", "checklist"]

EN_THEMES = [
    dict(title="Medical Records Access Request", org="Whitmore General Hospital", dept="Health Records Department",
         code="HR-SAR 2", person=["name", "date_of_birth", "gender", "address", "postcode", "phone", "email"],
         sections=[("Records requested", [("t", "Hospital number"), ("d", "Approximate date of treatment"),
                                          ("t", "Department or ward"),
                                          ("o", "Type of records", ["Inpatient", "Outpatient", "X-ray / imaging", "Maternity"]),
                                          ("o", "Preferred format", ["Paper copy", "Secure email"]),
                                          ("y", "Applying on behalf of the patient?")])]),
    dict(title="Hearing Health Questionnaire", org="Ashby Audiology Clinic", dept="New patient questionnaire",
         code="AUD-Q1", person=["name", "date_of_birth", "gender", "phone", "email", "occupation"],
         sections=[("Your hearing", [("y", "Do you find it hard to follow conversations in noisy places?"),
                                     ("y", "Do you hear ringing or buzzing in your ears?"),
                                     ("o", "Which ear is affected most?", ["Left", "Right", "Both"]),
                                     ("d", "When was your last hearing test?"),
                                     ("a", "Describe any exposure to loud noise at work or in your spare time"),
                                     ("t", "What is the name of your GP practice?")])]),
    dict(title="Safe Deposit Box Rental Application", org="Harbour & Crane Bank", dept="Vault Services",
         code="SDB-04", person=["name", "date_of_birth", "id_number", "address", "city", "postcode", "phone", "occupation"],
         sections=[("Box rental", [("o", "Box size", ["Small", "Medium", "Large"]), ("t", "Account number for rental fees"),
                                   ("d", "Rental start date"), ("o", "Rental period", ["1 year", "2 years", "3 years"]),
                                   ("t", "Second keyholder"), ("y", "Joint rental"),
                                   ("d", "Date the current account was opened")])]),
    dict(title="Junior Player Registration 2025/26", org="Westbrook Wanderers Youth FC", dept="Club Welfare Office",
         code="JPR-25", person=["name:Parent / guardian name", "phone", "email", "address", "postcode", "emergency_contact"],
         sections=[("Player", [("t", "Player's full name"), ("d", "Player's date of birth"),
                               ("o", "Age group", ["U8", "U10", "U12", "U14"]), ("t", "School attended"),
                               ("o", "Preferred position", ["Goalkeeper", "Defender", "Midfield", "Forward"]),
                               ("y", "Does the player have a medical condition?")])]),
    dict(title="Office Supplies Order Form", org="Kestrel Stationers", dept="Trade counter & delivery",
         code="ORD-7", person=["name:Ordered by", "employer:Company", "phone", "email", "address:Delivery address", "city", "postcode"],
         items=[("A4 copy paper, box of 5 reams", "£24.50"), ("Ballpoint pens, blue, pack of 50", "£8.90"),
                ("Lever arch files, pack of 10", "£15.00"), ("Desk organiser, black mesh", "£12.75")],
         meta=[("t", "Customer account no."), ("d", "Required by")],
         sections=[("Payment and delivery", [("o", "Payment method", ["On account", "Card", "Bank transfer"]),
                                             ("y", "Deliver to a different address?"), ("t", "Total amount")])]),
    dict(title="Workplace Incident Report", org="Northgate Logistics Ltd", dept="Health & Safety",
         code="HS-IR3", person=["name:Name of person involved", "occupation", "phone", "date_of_birth", "gender"],
         sections=[("The incident", [("d", "Date of incident"), ("t", "Time of incident"), ("t", "Exact location"),
                                     ("o", "Type of incident", ["Injury", "Near miss", "Property damage", "Dangerous occurrence"]),
                                     ("a", "Describe what happened"), ("a", "Describe any injuries and first aid given"),
                                     ("y", "Reported to a supervisor?"), ("t", "Witness name")])]),
    dict(title="Beneficiary Nomination", org="Meridian Life Assurance", dept="Policy Services",
         code="BN-11", person=["email"],
         sentence=[[("I, the undersigned", ("k", "name")), ", ", ("born on", ("k", "date_of_birth")), ", ",
                    ("holder of policy number", ("t", "Policy number")), ", ", ("residing at", ("k", "address")),
                    ", hereby revoke any earlier nomination and nominate the person named below as beneficiary."],
                   [("I am", ("o", ["the policy owner", "the life insured"])), " and ",
                    ("my daytime telephone number is", ("k", "phone")), "."]],
         sections=[("Beneficiary", [("t", "Beneficiary's full name"), ("t", "Relationship to you"),
                                    ("d", "Beneficiary's date of birth"), ("t", "Share of benefit (%)"),
                                    ("o", "Type of nomination", ["Binding", "Non-binding"])])]),
    dict(title="Request for an Academic Transcript", org="University of Eastmoor", dept="Academic Registry",
         code="REG-TR", person=["name", "date_of_birth", "email", "phone", "address", "postcode"],
         sections=[("Your studies", [("t", "Student ID number"), ("t", "Course or programme of study"),
                                     ("d", "Date of graduation"), ("o", "Type of transcript", ["Official sealed", "Electronic PDF"]),
                                     ("t", "Number of copies"), ("t", "Send the transcript to (name and address of recipient)"),
                                     ("y", "Have you changed your name since graduating?")])]),
    dict(title="Temporary Event Liquor Licence Application", org="Fenwick District Council", dept="Licensing Services",
         code="TEN-1", person=["name", "date_of_birth", "address", "postcode", "phone", "email"],
         sections=[("The event", [("t", "Event name"), ("t", "Premises address"), ("d", "Event start date"), ("d", "Event end date"),
                                  ("t", "Maximum number of people"),
                                  ("o", "Licensable activities", ["Sale of alcohol", "Regulated entertainment", "Late-night refreshment"]),
                                  ("o", "Alcohol consumed", ["On premises", "Off premises", "Both"]),
                                  ("y", "Do you hold a personal licence?")])]),
    dict(title="Physiotherapy Referral", org="Riverside Physiotherapy Service", dept="Referral centre",
         code="PT-R2", person=["name", "date_of_birth", "gender", "address", "postcode", "phone", "occupation"],
         sections=[("Referral", [("t", "Referring clinician"), ("t", "Practice code"), ("d", "Date of onset"),
                                 ("o", "Body area", ["Neck", "Back", "Shoulder", "Knee", "Other"]),
                                 ("o", "Urgency", ["Routine", "Soon", "Urgent"]), ("t", "Diagnosis"),
                                 ("y", "Previous physiotherapy?"), ("d", "Date of referral")])]),
    dict(title="Membership Application", org="Tideway Rowing Club", dept="Membership Secretary",
         code="TRC-M", person=["name", "date_of_birth", "gender", "email", "phone", "address", "postcode", "emergency_contact"],
         sections=[("Membership", [("o", "Membership category", ["Full", "Student", "Junior", "Social", "Family", "Country"]),
                                   ("o", "Rowing experience", ["Novice", "Intermediate", "Experienced"]),
                                   ("y", "Can you swim 50 metres in light clothing?"),
                                   ("y", "Do you have a medical condition we should know about?"),
                                   ("t", "Previous club"), ("d", "Preferred start date")])]),
    # second set (families 0..10 again)
    dict(title="Naturalisation Interview Booking", org="Immigration and Citizenship Service", dept="Citizenship Unit",
         code="NIB-3", kind="en", person=["last_name", "first_name", "date_of_birth", "gender", "nationality", "passport_number", "address", "phone", "email"],
         sections=[("Your application", [("t", "Application reference number"), ("d", "Date of arrival in the country"),
                                         ("o", "Preferred interview centre", ["North", "Central", "South"]),
                                         ("d", "Preferred interview date"), ("y", "Do you need an interpreter?"),
                                         ("t", "Language")])]),
    dict(title="Employee Grievance Form", org="Castlegate Foods plc", dept="Human Resources",
         code="HR-G1", person=["name", "occupation", "phone", "email"],
         sections=[("Your grievance", [("t", "Which department do you work in?"), ("t", "Who is your line manager?"),
                                       ("d", "When did the matter occur?"), ("a", "Describe your grievance"),
                                       ("y", "Have you tried to resolve this informally?"),
                                       ("o", "What outcome are you seeking?", ["Apology", "Change of practice", "Mediation", "Other"]),
                                       ("t", "Name of your companion (if any)")])]),
    dict(title="Security Licence Application", org="Private Security Authority", dept="Licensing Division",
         code="PSA-L2", kind="en", person=["last_name", "first_name", "date_of_birth", "gender", "nationality", "id_number", "address", "city", "postcode", "phone"],
         sections=[("Licence", [("o", "Licence type", ["Door supervisor", "Security guard", "CCTV operator", "Close protection"]),
                                ("t", "Training provider"), ("d", "Date training completed"), ("t", "Certificate number"),
                                ("d", "Expiry date of current licence (if any)"),
                                ("y", "Any criminal convictions?")])]),
    dict(title="After-School Club Enrolment", org="Oakfield Primary School", dept="Wraparound Care",
         code="ASC-25", person=["name:Parent / carer name", "phone", "email", "address", "postcode", "employer"],
         sections=[("Child", [("t", "Child's full name"), ("d", "Child's date of birth"), ("t", "Class"),
                              ("o", "Days required", ["Mon", "Tue", "Wed", "Thu", "Fri"]),
                              ("o", "Collection time", ["4:30 pm", "5:30 pm", "6:00 pm"]), ("y", "Any allergies?"),
                              ("d", "Start date")])]),
    dict(title="Catering Order", org="Sage & Thyme Catering", dept="Events kitchen",
         code="CAT-09", person=["name:Contact name", "employer:Organisation", "phone", "email", "address:Venue address", "postcode"],
         items=[("Sandwich platter (serves 10)", "£35.00"), ("Hot buffet, per head", "£12.50"),
                ("Seasonal fruit platter", "£22.00"), ("Tea and coffee, per head", "£2.80")],
         meta=[("t", "Customer ref."), ("d", "Event date")],
         sections=[("Service", [("t", "Number of guests"), ("o", "Service style", ["Delivery only", "Delivery and set-up", "Full service"]),
                                ("o", "Dietary needs", ["Vegetarian", "Vegan", "Gluten-free", "Halal"]), ("t", "Total amount")])]),
    dict(title="Freedom of Information Request", org="Hallam County Council", dept="Information Governance Team",
         code="FOI-1", person=["name", "address", "postcode", "email", "phone"],
         sections=[("Your request", [("a", "Describe the information you are requesting"),
                                     ("t", "Time period the request covers"),
                                     ("o", "Preferred format", ["Email", "Paper copy", "Inspection in person"]),
                                     ("y", "Is the request about yourself?"), ("d", "Date of any previous request"),
                                     ("t", "Previous reference number")])]),
    dict(title="Instruction to your Bank to pay by Direct Debit", org="Severn Valley Water", dept="Customer Accounts",
         code="DDI-6", person=["email"],
         sentence=[["Please pay Severn Valley Water Direct Debits ", ("from the account of", ("k", "name")), ", ",
                    ("sort code", ("t", "Sort code")), ", ", ("account number", ("t", "Account number")),
                    ", ", ("starting on", ("d", "First payment date")), ", for the supply at ",
                    ("address", ("k", "address")), ", ", ("postcode", ("k", "postcode")), "."],
                   [("I can be contacted on", ("k", "phone")), " and ",
                    ("I choose to pay", ("o", ["monthly", "quarterly", "half-yearly"])), "."]],
         sections=[("Bank details", [("t", "Customer reference number"), ("t", "Name of your bank or building society"),
                                     ("t", "Branch address"), ("o", "Preferred collection day", ["1st", "15th", "28th"])])]),
    dict(title="Property Tax Hardship Deferral Application", org="City of Larchmont", dept="Revenue Office",
         code="PT-HD", person=["name", "date_of_birth", "address", "city", "postcode", "phone", "email"],
         sections=[("Property and household", [("t", "Property account number"), ("t", "Total household income last year"),
                                               ("o", "Reason for deferral", ["Loss of employment", "Illness", "Aged 65 or over", "Other"]),
                                               ("t", "Number of people living in the household"),
                                               ("d", "Date property was purchased"),
                                               ("y", "Is the property your principal residence?")])]),
    dict(title="Street Party Road Closure Application", org="Greyfield Borough Council", dept="Highways Department",
         code="RC-SP", person=["name", "address", "postcode", "phone", "email"],
         sections=[("Closure", [("t", "Street(s) to be closed"), ("d", "Date of event"), ("t", "Closure start time"),
                                ("t", "Closure end time"), ("t", "Expected number of residents"),
                                ("o", "Activities planned", ["Music", "Bouncy castle", "Barbecue", "Stalls"]),
                                ("y", "Will the road be fully closed?"), ("y", "Have all residents been consulted?")])]),
    dict(title="International Payment Request", org="Alder Mutual Bank", dept="International Payments",
         code="IPR-20", person=["name", "date_of_birth", "nationality", "address", "city", "postcode", "phone"],
         sections=[("Payment", [("t", "Account number to debit"), ("t", "Beneficiary name"),
                                ("t", "Beneficiary IBAN / account number"), ("t", "SWIFT / BIC code"), ("t", "Amount"),
                                ("o", "Currency", ["USD", "EUR", "GBP", "AUD"]), ("o", "Charges", ["OUR", "SHA", "BEN"]),
                                ("d", "Value date"), ("t", "Purpose of payment")])]),
    dict(title="Inter-Library Loan Request", org="Bexley Central Library", dept="Interlending Service",
         code="ILL-2", person=["name", "phone", "email", "address", "postcode"],
         sections=[("Item requested", [("t", "Library card number"), ("t", "Title of item"), ("t", "Author / editor"),
                                       ("o", "Item type", ["Book", "Journal article", "Thesis", "DVD", "Music score", "Microfilm"]),
                                       ("o", "Notify me by", ["Email", "Text message", "Phone call"]),
                                       ("d", "Not needed after"), ("y", "Will you accept a photocopy?")])]),
]

ZH_THEMES = [
    dict(title="住院病案复印申请表", org="市第二人民医院", dept="病案管理科", code="BA-03",
         person=["name", "gender", "date_of_birth", "id_number", "phone", "address"],
         sections=[("复印信息", [("t", "住院号"), ("t", "科室"), ("d", "入院日期"), ("d", "出院日期"),
                                 ("o", "复印内容", ["病案首页", "出院小结", "检查报告", "手术记录"]),
                                 ("o", "申请人身份", ["患者本人", "代理人"]), ("y", "是否需要邮寄")])]),
    dict(title="社区居民健康状况调查问卷", org="东湖街道社区卫生服务中心", dept="居民健康档案", code="JK-2025",
         person=["name", "gender", "date_of_birth", "phone", "address", "occupation"],
         sections=[("健康状况", [("y", "您是否吸烟？"), ("o", "您平时锻炼的频率是？", ["每天", "每周3-5次", "偶尔", "从不"]),
                                 ("y", "近一年内是否做过体检？"), ("d", "最近一次体检日期"),
                                 ("a", "请描述您目前的主要健康问题"), ("t", "您的身高（厘米）")])]),
    dict(title="保管箱租用申请书", org="华夏城市商业银行", dept="保管箱业务", code="BGX-01",
         person=["name", "gender", "id_number", "phone", "address", "postcode", "occupation"],
         sections=[("租用信息", [("o", "保管箱型号", ["小型", "中型", "大型"]), ("t", "结算账号"), ("d", "起租日期"),
                                 ("o", "租期", ["一年", "两年", "三年"]), ("t", "授权开箱人"), ("y", "是否联名租用"), ("d", "到期日期")])]),
    dict(title="青少年足球俱乐部报名表", org="星火青少年足球俱乐部", dept="2025年秋季招生", code="ZQ-25",
         person=["name:家长姓名", "phone", "address", "employer"],
         sections=[("学员信息", [("t", "学员姓名"), ("d", "学员出生日期"), ("o", "学员性别", ["男", "女"]),
                                 ("t", "就读学校"), ("o", "报名组别", ["U8", "U10", "U12"]),
                                 ("o", "训练时段", ["周六上午", "周六下午", "周日上午"]), ("y", "是否有既往病史")])]),
    dict(title="校服征订单", org="育才中学", dept="总务处", code="XF-2025",
         person=["name:家长姓名", "phone"],
         meta=[("t", "学生姓名"), ("t", "班级")],
         items=[("夏季短袖套装", "¥120.00"), ("秋季运动外套", "¥160.00"), ("冬季棉服", "¥260.00"), ("运动长裤", "¥85.00")],
         sections=[("尺码与付款", [("o", "尺码", ["150", "160", "170", "180"]), ("o", "付款方式", ["微信", "支付宝", "现金"]),
                                   ("t", "合计金额"), ("t", "学号")])]),
    dict(title="生产安全事故信息报告表", org="应急管理局", dept="安全生产监督管理科", code="AQ-SG1",
         person=["name:报告人", "phone", "employer:事故单位名称", "occupation:报告人职务"],
         sections=[("事故情况", [("d", "事故发生日期"), ("t", "事故发生地点"),
                                 ("o", "事故类别", ["物体打击", "机械伤害", "触电", "高处坠落", "其他"]),
                                 ("t", "死亡人数"), ("t", "受伤人数"), ("a", "事故简要经过"), ("a", "已采取的措施"),
                                 ("y", "是否已报告主管部门")])]),
    dict(title="人寿保险受益人变更申请书", org="安泰人寿保险股份有限公司", dept="客户服务部", code="SY-07",
         person=["email"],
         sentence=[[("本人", ("k", "name")), "，", ("身份证号码", ("k", "id_number")), "，系",
                    ("保险合同号", ("t", "保险合同号")), "的投保人，", ("现居住于", ("k", "address")), "，",
                    ("联系电话", ("k", "phone")), "，现申请变更该合同的身故保险金受益人如下。"],
                   [("本人是该合同的", ("o", ["投保人", "被保险人"])), "，", ("出生于", ("k", "date_of_birth")), "。"]],
         sections=[("新受益人", [("t", "新受益人姓名"), ("t", "与被保险人关系"), ("d", "受益人出生日期"),
                                 ("t", "受益份额（%）"), ("o", "受益顺序", ["第一顺序", "第二顺序"])])]),
    dict(title="学历证明补办申请表", org="江城大学", dept="教务处", code="XL-BB",
         person=["name", "gender", "date_of_birth", "id_number", "phone", "address", "postcode"],
         sections=[("学籍信息", [("t", "学号"), ("t", "所学专业"), ("d", "入学时间"), ("d", "毕业时间"),
                                 ("o", "证明类型", ["毕业证明书", "学位证明书"]), ("t", "原证书编号"),
                                 ("t", "遗失原因及经过（请简要说明）"), ("y", "是否已登报声明")])]),
    dict(title="烟草专卖零售许可证申请表", org="市烟草专卖局", dept="许可证管理科", code="YC-LS",
         person=["name", "gender", "id_number", "phone", "address"],
         sections=[("经营信息", [("t", "企业（字号）名称"), ("t", "经营场所地址"), ("t", "经营面积（平方米）"),
                                 ("o", "经营方式", ["零售", "批零兼营"]), ("o", "经营业态", ["便利店", "超市", "食杂店", "其他"]),
                                 ("d", "营业执照发证日期"), ("d", "拟开业日期"), ("y", "是否为连锁经营")])]),
    dict(title="个人跨境汇款申请书", org="中原商业银行", dept="国际业务部", code="HK-08",
         person=["name", "id_number", "phone", "address", "nationality", "occupation"],
         sections=[("汇款信息", [("t", "汇款账号"), ("t", "收款人名称"), ("t", "收款人账号"), ("t", "收款银行SWIFT代码"),
                                 ("t", "汇款金额"), ("o", "币种", ["美元", "欧元", "英镑", "日元"]),
                                 ("o", "费用承担", ["汇款人", "收款人", "共同承担"]),
                                 ("o", "汇款用途", ["留学", "旅游", "探亲", "其他"]), ("d", "汇款日期")])]),
    dict(title="羽毛球俱乐部会员登记表", org="飞羽羽毛球俱乐部", dept="会员服务中心", code="YM-01",
         person=["name", "gender", "date_of_birth", "phone", "email", "employer", "emergency_contact"],
         sections=[("会员信息", [("o", "会员类型", ["年卡", "半年卡", "季卡", "次卡", "学生卡", "家庭卡"]),
                                 ("o", "技术水平", ["初学", "一般", "熟练"]), ("y", "是否参加过正式比赛"),
                                 ("y", "是否有运动禁忌"), ("d", "入会日期"), ("t", "推荐人")])]),
    # second set
    dict(title="外国人来华工作许可申请表", org="外国人来华工作管理服务", dept="申请人信息", code="WGR-A",
         kind="foreign", person=["name", "gender", "date_of_birth", "nationality", "passport_number", "phone", "email", "employer:聘用单位"],
         sections=[("工作信息", [("t", "拟任职务"), ("d", "拟入境日期"), ("o", "申请类别", ["A类", "B类", "C类"]),
                                 ("t", "最高学历"), ("d", "护照有效期至"), ("y", "是否首次申请")])]),
    dict(title="员工离职面谈问卷", org="恒通制造有限公司", dept="人力资源部", code="HR-LZ",
         person=["name", "phone"],
         sections=[("面谈内容", [("t", "您所在的部门"), ("t", "您的岗位"), ("d", "您的入职日期"), ("d", "预计离职日期"),
                                 ("o", "您离职的主要原因是？", ["薪酬福利", "职业发展", "工作环境", "个人原因"]),
                                 ("y", "您是否愿意推荐朋友来公司工作？"), ("a", "您对公司有哪些意见或建议？")])]),
    dict(title="保安员证申请表", org="市公安局", dept="治安管理支队", code="BA-Z1",
         person=["name", "gender", "date_of_birth", "id_number", "address", "phone", "postcode"],
         sections=[("培训与考试", [("t", "文化程度"), ("t", "培训单位"), ("d", "培训结业日期"), ("t", "准考证号"), ("d", "考试日期"),
                                   ("o", "申领方式", ["首次申领", "补领", "换领"]), ("y", "是否有违法犯罪记录")])]),
    dict(title="课后托管服务报名表", org="实验小学", dept="课后服务办公室", code="TG-25",
         person=["name:家长姓名", "phone", "employer", "address"],
         sections=[("学生信息", [("t", "学生姓名"), ("t", "年级班级"), ("d", "学生出生日期"),
                                 ("o", "托管时段", ["16:30-17:30", "16:30-18:30"]),
                                 ("o", "托管日", ["周一", "周二", "周三", "周四", "周五"]), ("y", "是否需要晚餐"),
                                 ("d", "开始日期")])]),
    dict(title="办公用品申购单", org="滨江区行政服务中心", dept="办公室", code="BG-SG",
         person=["name:申请人", "phone"],
         meta=[("t", "申请部门"), ("d", "需要日期")],
         items=[("A4复印纸（箱）", "¥165.00"), ("中性笔（盒）", "¥24.00"), ("档案盒（个）", "¥6.50"), ("订书机（台）", "¥32.00")],
         sections=[("审批信息", [("t", "合计金额"), ("o", "采购方式", ["统一采购", "自行采购"]), ("y", "是否急需"),
                                 ("t", "申购事由")])]),
    dict(title="政府信息公开申请表", org="市人民政府办公室", dept="政务公开科", code="XG-01",
         person=["name", "id_number", "phone", "email", "address", "postcode", "employer"],
         sections=[("申请内容", [("a", "所需信息的内容描述"), ("t", "所需信息的用途"),
                                 ("o", "获取信息的方式", ["邮寄", "电子邮件", "当面领取"]), ("o", "信息载体", ["纸质", "电子文档"]),
                                 ("y", "是否申请减免费用"), ("d", "信息形成的大致时间")])]),
    dict(title="委托银行代扣电费授权书", org="国网城东供电服务中心", dept="营业厅", code="DK-03",
         person=["email"],
         sentence=[[("本人", ("k", "name")), "（", ("身份证号码", ("k", "id_number")), "），现委托",
                    ("开户银行", ("t", "开户银行")), "从本人", ("银行账号", ("t", "银行账号")), "中代扣",
                    ("用电户号", ("t", "用电户号")), "的电费，", ("自", ("d", "代扣起始日期")), "起生效。"],
                   [("用电地址", ("k", "address")), "，", ("联系电话", ("k", "phone")), "，",
                    ("扣款方式为", ("o", ["全额代扣", "定额代扣"])), "。"]],
         sections=[("其他", [("t", "定额代扣金额（元）"), ("y", "是否开通短信提醒"), ("t", "原代扣银行")])]),
    dict(title="车船税减免申请表", org="国家税务总局某区税务局", dept="第一税务所", code="CCS-J",
         person=["name", "id_number", "phone", "address", "postcode"],
         sections=[("车辆信息", [("t", "车牌号码"), ("t", "车辆识别代号（VIN）"),
                                 ("o", "减免类型", ["新能源车辆", "残疾人专用车", "其他"]), ("d", "车辆登记日期"),
                                 ("t", "减免税额（元）"), ("t", "申请减免的理由（请简要说明）"), ("y", "是否首次申请")])]),
    dict(title="道路占用挖掘许可申请表", org="市城市管理局", dept="市政设施管理处", code="ZY-WJ",
         person=["name", "id_number", "phone", "address", "employer:施工单位"],
         sections=[("占用挖掘", [("t", "占用道路名称"), ("t", "占用面积（平方米）"), ("d", "占用开始日期"),
                                 ("d", "占用结束日期"), ("o", "占用类型", ["挖掘", "临时占用", "搭建"]),
                                 ("o", "施工时段", ["白天", "夜间"]), ("y", "是否需要交通疏导")])]),
    dict(title="康复理疗预约单", org="市中医院", dept="康复医学科", code="KF-YY",
         person=["name", "gender", "date_of_birth", "phone", "id_number", "address"],
         sections=[("预约信息", [("t", "就诊卡号"), ("t", "转诊医生"), ("o", "理疗项目", ["针灸", "推拿", "电疗", "康复训练"]),
                                 ("d", "预约日期"), ("o", "预约时段", ["上午", "下午"]), ("t", "诊断"), ("y", "是否初次理疗")])]),
    dict(title="馆际互借申请单", org="市图书馆", dept="文献传递服务部", code="GJ-HJ",
         person=["name", "phone", "email", "employer"],
         sections=[("文献信息", [("t", "读者证号"), ("t", "题名"), ("t", "著者"),
                                 ("o", "文献类型", ["图书", "期刊论文", "学位论文", "会议论文", "标准", "专利"]),
                                 ("o", "通知方式", ["短信", "电子邮件", "电话"]), ("d", "截止日期"), ("y", "是否接受复印件")])]),
]


# ----------------------------------------------------------------------------------------------
# content: fields, person, profile
# ----------------------------------------------------------------------------------------------
class Fld:
    def __init__(self, kind, label, key=None, opts=None, multi=False, item=None, price=None, yn=False):
        self.kind = kind          # text | date | opt
        self.label = label        # JSON label (no colon / asterisk)
        self.disp = None          # displayed label when it differs only by a line break
        self.key = key
        self.opts = opts
        self.multi = multi
        self.item, self.price = item, price
        self.yn = yn
        self.id = None
        self.value = None
        self.m = {}               # render meta

    def short(self):
        return self.kind == "date" or (self.kind == "text" and not self.multi and self.key not in ("address", "email", "emergency_contact"))


class Section:
    def __init__(self, title, fields, role="theme"):
        self.title, self.fields, self.role = title, fields, role


class Content:
    pass


def spec_field(spec, zh, r):
    t = spec[0]
    if t == "t":
        return Fld("text", spec[1], spec[2] if len(spec) > 2 else None)
    if t == "a":
        return Fld("text", spec[1], None, multi=True)
    if t == "d":
        return Fld("date", spec[1], spec[2] if len(spec) > 2 else None)
    if t == "o":
        return Fld("opt", spec[1], None, opts=list(spec[2]))
    if t == "y":
        return Fld("opt", spec[1], None, opts=list(r.choice(YES_NO["zh" if zh else "en"])), yn=True)
    raise ValueError(spec)


def person_field(key, label, zh, r):
    if key == "date_of_birth":
        return Fld("date", label, key)
    if key == "gender":
        return Fld("opt", label, key, opts=(["男", "女"] if zh else list(r.choice(GENDER_OPTS_EN))))
    return Fld("text", label, key)


def build_content(theme, lang, fam, r):
    zh = lang == "zh"
    c = Content()
    c.theme, c.lang, c.fam = theme, lang, fam
    kind = theme.get("kind") or ("zh" if zh else ("cn_roman" if r.random() < 0.18 else "en"))
    c.kind = kind
    c.person = make_person(r, kind)
    labs = LAB_ZH if zh else LAB_EN
    # person section: drop up to 2 optional keys so forms differ in length
    pkeys = list(theme["person"])
    optional = [k for k in pkeys if k.split(":")[0] not in ("name", "first_name", "last_name", "date_of_birth", "email", "gender")]
    ndrop = r.choice([1, 1, 2, 2]) if len(pkeys) >= 7 else r.choice([0, 1, 1]) if len(pkeys) >= 5 else 0
    for k in r.sample(optional, min(ndrop, len(optional))):
        pkeys.remove(k)
    pf = []
    for spec in pkeys:
        key, _, lab = spec.partition(":")
        if not lab:
            lab = r.choice(labs[key])
            if key == "postcode" and not zh and c.person.get("_country") == "US":
                lab = "ZIP code"
        if fam == "boxed_questionnaire" and key in (QUESTION_ZH if zh else QUESTION_EN) and r.random() < 0.8:
            lab = (QUESTION_ZH if zh else QUESTION_EN)[key]
        pf.append(person_field(key, lab, zh, r))
    c.sentences = []
    if "sentence" in theme:
        for para in theme["sentence"]:
            out = []
            for seg in para:
                if isinstance(seg, str):
                    out.append(seg)
                    continue
                lab, sp = seg
                if sp[0] == "k":
                    f = person_field(sp[1], lab, zh, r)
                elif sp[0] == "o":
                    f = Fld("opt", lab, None, opts=list(sp[1]))
                else:
                    f = spec_field((sp[0], sp[1]), zh, r)
                    f.label = lab
                out.append(f)
            c.sentences.append(out)
    ptitle = r.choice(["申请人信息", "基本信息", "个人信息", "基本情况", "填表人信息"] if zh else
                      ["Applicant details", "Your details", "Personal details", "About you", "Contact details"])
    c.sections = []
    if pf:
        c.sections.append(Section(ptitle, pf, "person"))
    for title, specs in theme["sections"]:
        c.sections.append(Section(title, [spec_field(s, zh, r) for s in specs]))
    c.meta = [spec_field(s, zh, r) for s in theme.get("meta", [])]
    c.items = [Fld("text", it, None, item=it, price=pr) for it, pr in theme.get("items", [])]
    sig = Fld("text", r.choice(labs["signature"]), "signature")
    dat = Fld("date", r.choice(labs["date"]), "date")
    c.closing = Section(r.choice(["声明", "申请人声明", "签名确认", "承诺"] if zh else
                                 ["Declaration", "Signature", "Declaration and signature", "Sign here"]), [sig, dat], "closing")
    return c


def all_fields(c):
    fs = []
    for para in c.sentences:
        fs += [s for s in para if isinstance(s, Fld)]
    fs += c.meta
    for s in c.sections:
        fs += s.fields
    fs += c.items
    fs += c.closing.fields
    return fs


def gender_option(opts, sex):
    for o in opts:
        if o in (("Male", "M", "男") if sex == "M" else ("Female", "F", "女")):
            return o
    return None


def build_profile(c, r):
    """Fills c.profile, every field's value and c.hard_case."""
    zh = c.lang == "zh"
    p = c.person
    fields = all_fields(c)
    keys = []
    for f in fields:
        if f.key and f.key != "signature" and f.key not in keys:
            keys.append(f.key)
    hard = (not zh and c.kind == "en" and "first_name" in keys and "last_name" in keys)
    cand = [k for k in keys if k not in ("name", "first_name", "last_name")]
    nomit = min(max(1, len(cand) // 3), r.choice([1, 1, 2, 2, 3])) if len(cand) > 1 else 0
    omit = r.sample(cand, max(0, nomit))
    if c.kind in ("zh", "cn_roman", "foreign"):
        style = r.choice(["zh", "zh", "canon", "mixed"] if zh else ["zh", "mixed", "canon"])
    else:
        style = r.choice(["canon", "variant", "variant", "mixed"])

    def spell(k):
        s = style if style != "mixed" else r.choice(["zh", "canon", "variant"] if c.kind != "en" else ["canon", "variant"])
        if s == "zh" and k in ZH_KEY:
            return ZH_KEY[k]
        if s == "variant":
            return r.choice(KEY_SPELL[k])
        return k

    prof = []
    used = set()

    def put(k, v):
        name = spell(k)
        while name in used:
            name = k if name != k else k + "_1"
        used.add(name)
        prof.append((name, v))

    for k in keys:
        if k in omit:
            continue
        if k in ("first_name", "last_name") and hard:
            if k == "first_name":
                put("name", f"{p['first_name']} {p['last_name']}")
            continue
        if k in ("date_of_birth", "date"):
            put(k, spell_date(r, p[k], zh or c.kind == "foreign"))
        elif k == "gender":
            sx = p["_sex"]
            if zh or c.kind in ("cn_roman",) and style == "zh":
                v = "男" if sx == "M" else "女"
            else:
                v = r.choice(["male", "M", "m", "Male"] if sx == "M" else ["female", "F", "f", "Female"])
            put(k, v)
        else:
            put(k, p[k])
    # extras the form does not ask for
    spare = [k for k in ("nationality", "occupation", "email", "city", "employer") if k not in keys]
    if spare and r.random() < 0.6:
        k = r.choice(spare)
        put(k, p[k])
    if r.random() < 0.5:
        k, vals = r.choice(EXTRAS_ZH if zh else EXTRAS_EN)
        if k not in used:
            used.add(k)
            prof.append((k, r.choice(vals)))
    c.profile = dict(prof)
    c.hard_case = ("the form asks for first and last name separately but the profile has only a full name"
                   if hard and "first_name" not in omit else None)
    for f in fields:
        k = f.key
        if not k or k == "signature" or k in omit:
            f.value = None
        elif f.kind == "opt":
            f.value = gender_option(f.opts, p["_sex"])
        else:
            f.value = p[k]


# ----------------------------------------------------------------------------------------------
# rendering context and widgets
# ----------------------------------------------------------------------------------------------
FONTS_EN = [("Liberation Sans", "'Liberation Sans', sans-serif"), ("Liberation Serif", "'Liberation Serif', serif"),
            ("Liberation Sans Narrow", "'Liberation Sans Narrow', 'Liberation Sans', sans-serif"),
            ("DejaVu Sans", "'DejaVu Sans', sans-serif"), ("DejaVu Serif", "'DejaVu Serif', serif"),
            ("Noto Sans", "'Noto Sans', sans-serif"), ("Noto Serif", "'Noto Serif', serif")]
FONTS_ZH = [("Noto Sans CJK SC", "'Noto Sans CJK SC', sans-serif"), ("Noto Serif CJK SC", "'Noto Serif CJK SC', serif"),
            ("WenQuanYi Zen Hei", "'WenQuanYi Zen Hei', sans-serif"),
            ("Liberation Serif + Noto Serif CJK SC", "'Liberation Serif', 'Noto Serif CJK SC', serif"),
            ("DejaVu Sans + WenQuanYi Zen Hei", "'DejaVu Sans', 'WenQuanYi Zen Hei', sans-serif"),
            ("Noto Sans + Noto Sans CJK SC", "'Noto Sans', 'Noto Sans CJK SC', sans-serif")]
ORD = {"DMY": ["day", "month", "year"], "MDY": ["month", "day", "year"], "YMD": ["year", "month", "day"]}
PH = {"day": "DD", "month": "MM", "year": "YYYY"}
CAP_EN = {"day": "Day", "month": "Month", "year": "Year"}
CAP_ZH = {"day": "日", "month": "月", "year": "年"}
ONE_BOX = ("ph", "hint_label", "hint_under", "plain", "cell_ph", "cell_plain", "nat_ph", "ul_hint")
OPT_STYLE = {"css_sq": "square", "nat_cb": "square", "css_circ": "radio", "nat_radio": "radio",
             "glyph_sq": "glyph", "glyph_box": "glyph", "glyph_circ": "glyph"}
GLYPH = {"glyph_sq": "☐", "glyph_box": "□", "glyph_circ": "○"}
DATE_TAG = {
    "ph": "one box, grey placeholder inside", "nat_ph": "native input, placeholder",
    "hint_label": "one box/line, format after the label", "hint_under": "one box, format under it",
    "plain": "one box, no format", "cell_ph": "ruled cell, format printed in the cell",
    "cell_plain": "ruled cell, no format", "ul_hint": "underline, format after the label",
    "slash_boxes": "three boxes with separators", "under_segs": "underline segments __/__/____",
    "caption_below": "boxes captioned Day/Month/Year below", "caption_above": "boxes captioned above",
    "comb": "digit combs D D / M M / Y Y Y Y", "select": "drop-down selects",
    "unit_under": "____年__月__日 underlines", "unit_boxes": "boxes followed by 年/月/日",
    "comb_units": "digit combs followed by 年/月/日", "select_units": "selects followed by 年/月/日",
}


class Ctx:
    def __init__(self, c, r, fam):
        self.c, self.r, self.fam = c, r, fam
        self.zh = c.lang == "zh"
        self.next_id = 0
        self.order = "YMD" if self.zh else r.choice(
            ["MDY", "YMD"] if c.person.get("_country") in ("US",) and r.random() < 0.8 else ["DMY", "DMY", "MDY", "YMD"])
        self.sep = {"DMY": r.choice(["/", "/", "-", "."]), "MDY": "/", "YMD": "-"}[self.order]
        self.colon = r.random() < (0.8 if self.zh else 0.65)
        self.req_marks = r.random() < 0.35
        self.lower_ph = r.random() < 0.35
        self.fields = []

    def reg(self, f):
        if f.id is None:
            f.id = self.next_id
            self.next_id += 1
            self.fields.append(f)
        return f.id

    # -- labels -----------------------------------------------------------------------------
    def lab(self, f, cls="lb", style="", colon=None, text=None):
        self.reg(f)
        colon = self.colon if colon is None else colon
        disp = text if text is not None else (f.disp or f.label)
        t = "<br>".join(esc(x) for x in disp.split("\n"))
        col = ("：" if self.zh else ":") if colon and disp[-1:] not in "?？" else ""
        rq = ""
        if self.req_marks and f.key in ("name", "first_name", "last_name", "date_of_birth", "phone", "id_number", "signature"):
            rq = '<span class="rq">*</span>'
        if self.zh and rq:
            inner = rq + t + col
        else:
            inner = t + col + rq
        st = f' style="{style}"' if style else ""
        s = f'<span class="{cls}" data-f="{f.id}" data-r="lb"{st}>{inner}</span>'
        if f.kind == "date" and f.m.get("dstyle") in ("hint_label", "ul_hint"):
            s += f'<span class="hint" style="margin-left:6px">({esc(f.m["printed"])})</span>'
        return s

    # -- text inputs ------------------------------------------------------------------------
    def tin(self, f, st, css="", h=None):
        self.reg(f)
        f.m["in"] = st
        a = f'data-f="{f.id}" data-r="in"'
        hh = f"height:{h}px;" if h else ""
        if st == "box":
            return f'<span class="ib" {a} style="{hh}{css}"></span>'
        if st == "heavy":
            return f'<span class="ib" {a} style="border-width:2px;{hh}{css}"></span>'
        if st == "shaded":
            return f'<span class="ib" {a} style="background:#eeeeee;border-color:#999;{hh}{css}"></span>'
        if st == "white":
            return f'<span class="ib iw" {a} style="{hh}{css}"></span>'
        if st == "under":
            return f'<span class="iu" {a} style="{hh}{css}"></span>'
        if st == "dotted":
            return f'<span class="iu" {a} style="border-bottom-style:dotted;border-bottom-width:2px;{hh}{css}"></span>'
        if st == "native":
            return f'<input type="text" class="nat" {a} style="{hh}{css}">'
        if st == "textarea":
            return f'<textarea class="nta" {a} style="{hh}{css}"></textarea>'
        if st == "ruled":
            lh = self.ruled_lh
            return (f'<span class="iu" {a} style="height:{h}px;background-image:repeating-linear-gradient(to bottom,'
                    f'transparent 0,transparent {lh - 1}px,#444 {lh - 1}px,#444 {lh}px);border-bottom:none;{css}"></span>')
        if st == "areabox":
            return f'<span class="ib" {a} style="height:{h}px;{css}"></span>'
        raise ValueError(st)

    def comb(self, f, n, cw, groups=None, css=""):
        self.reg(f)
        f.m["in"] = "comb"
        a = f'data-f="{f.id}" data-r="in"'
        cells = []
        for i in range(n):
            bl = "border-left:1px solid #333;" if i else ""
            if groups and i in groups:
                bl = "border-left:2px solid #222;"
            cells.append(f'<span class="cc" style="width:{cw}px;{bl}"></span>')
        return f'<span class="cmb" {a} style="{css}">{"".join(cells)}</span>'

    # -- dates ------------------------------------------------------------------------------
    def pick_date(self, f, pool):
        r = self.r
        self.reg(f)
        st = r.choice(pool)
        f.m["dstyle"] = st
        if st in ONE_BOX:
            if self.zh:
                fmt = r.choice(["YYYY-MM-DD", "YYYY/MM/DD", "YYYY年MM月DD日", "YYYY.MM.DD"])
            else:
                fmt = self.sep.join(PH[p] for p in ORD[self.order])
            printed = fmt.lower() if (self.lower_ph and not self.zh and st != "hint_label") else fmt
            if self.zh and self.lower_ph and "年" not in fmt:
                printed = fmt.lower()
            f.m["printed"] = printed
            f.m["format"] = None if st in ("plain", "cell_plain") else fmt
            f.m["parts"] = []
        else:
            f.m["format"] = None
            f.m["parts"] = ORD["YMD" if self.zh else self.order]
            f.m["pad"] = not (self.zh and st in ("unit_under", "unit_boxes", "select_units"))
            f.m["psep"] = self.sep if self.sep != "." or st != "under_segs" else "/"
        return st

    def date_in(self, f, w=None, h=None, css="", inline=False):
        """The date widget (call pick_date first)."""
        st = f.m["dstyle"]
        fs = self.fs
        h = h or self.ih
        a = f'data-f="{f.id}" data-r="in"'
        if st in ("ph", "hint_label", "hint_under", "plain", "nat_ph", "ul_hint"):
            w = w or int(tw(f.m["printed"], fs - 1) + 34)
            if st == "nat_ph":
                box = f'<input type="text" class="nat" {a} placeholder="{esc(f.m["printed"])}" style="width:{w}px;height:{h}px;{css}">'
                f.m["in"] = "native"
            elif st == "ul_hint":
                box = f'<span class="iu" {a} style="width:{w}px;height:{h}px;{css}"></span>'
                f.m["in"] = "under"
            else:
                inner = f'<span class="ph">{esc(f.m["printed"])}</span>' if st == "ph" else ""
                cls = "ib iw" if self.fam == "tinted_page" else "ib"
                box = f'<span class="{cls} dbx" {a} style="width:{w}px;height:{h}px;{css}">{inner}</span>'
                f.m["in"] = "box"
            if st == "hint_under":
                hint = ("格式：" if self.zh else "Format: ") + f.m["printed"]
                return f'<span class="dcol">{box}<span class="hint" style="margin-top:2px">{esc(hint)}</span></span>'
            return box
        parts = f.m["parts"]
        sep = f.m["psep"]
        dw = max(30, int(fs * 1.4 + 12))
        yw = max(48, int(fs * 2.6 + 14))
        out = []
        pa = lambda p: f'data-f="{f.id}" data-r="pt" data-part="{p}"'  # noqa: E731
        capd = CAP_ZH if self.zh else CAP_EN
        for i, p in enumerate(parts):
            pw = yw if p == "year" else dw
            if st in ("slash_boxes", "caption_below", "caption_above", "unit_boxes"):
                ph = ""
                if st == "slash_boxes" and f.m.setdefault("inner_ph", self.r.random() < 0.7):
                    ph = f'<span class="ph">{PH[p].lower() if self.lower_ph else PH[p]}</span>'
                box = f'<span class="pb" {pa(p)} style="width:{pw}px;height:{h}px">{ph}</span>'
                if st == "caption_below":
                    box = f'<span class="cap2">{box}<span class="cap">{capd[p]}</span></span>'
                elif st == "caption_above":
                    box = f'<span class="cap2"><span class="cap">{capd[p]}</span>{box}</span>'
            elif st in ("under_segs", "unit_under"):
                uw = pw + (6 if st == "unit_under" else 0)
                hh = min(h, fs + 8)
                box = f'<span class="pu" {pa(p)} style="width:{uw}px;height:{hh}px"></span>'
            elif st in ("comb", "comb_units"):
                n = 4 if p == "year" else 2
                cw = max(14, int(fs * 1.1 + 4))
                cells = []
                for k in range(n):
                    bl = "border-left:1px solid #333;" if k else ""
                    g = PH[p][k] if st == "comb" else ""
                    g = g.lower() if (self.lower_ph and g) else g
                    cells.append(f'<span class="cc" style="width:{cw}px;{bl}"><span class="ph">{g}</span></span>')
                box = f'<span class="cmb" {pa(p)} style="height:{h}px">{"".join(cells)}</span>'
            elif st in ("select", "select_units"):
                t = capd[p] if st == "select" else "--"
                if st == "select" and f.m.setdefault("sel_ph", self.r.random() < 0.4):
                    t = PH[p]
                box = f'<select class="ps" {pa(p)} style="height:{h}px"><option>{esc(t)}</option></select>'
            else:
                raise ValueError(st)
            out.append(box)
            if st in ("unit_under", "unit_boxes", "comb_units", "select_units"):
                out.append(f'<span class="un">{CAP_ZH[p]}</span>')
            elif i < 2:
                if st in ("caption_below", "caption_above", "select"):
                    out.append('<span class="sp0"></span>')
                else:
                    out.append(f'<span class="sep">{esc(sep)}</span>')
        al = "flex-start" if st == "caption_below" else ("flex-end" if st == "caption_above" else "center")
        disp = "inline-flex"
        return f'<span class="dw" style="display:{disp};align-items:{al};{css}">{"".join(out)}</span>'

    def date_width(self, f):
        """Rough width of a date widget."""
        st = f.m["dstyle"]
        fs = self.fs
        if st in ONE_BOX:
            w = tw(f.m["printed"], fs - 1) + 34
            if st == "hint_under":
                w = max(w, tw("Format: " + f.m["printed"], fs - 2))
            return w
        dw = max(30, int(fs * 1.4 + 12))
        yw = max(48, int(fs * 2.6 + 14))
        if st in ("comb", "comb_units"):
            cw = max(14, int(fs * 1.1 + 4))
            dw, yw = 2 * cw + 2, 4 * cw + 2
        if st in ("select", "select_units"):
            dw, yw = dw + 34, yw + 26
        if st in ("unit_under", "unit_boxes", "comb_units", "select_units"):
            return 2 * dw + yw + 3 * (fs + 16) + (18 if st == "unit_under" else 0)
        return 2 * dw + yw + 2 * (fs + 14)

    # -- options ----------------------------------------------------------------------------
    def pick_opt(self, f, pool):
        self.reg(f)
        st = self.r.choice(pool)
        if st == "glyph_sq" and self.zh and self.r.random() < 0.6:
            st = "glyph_box"
        f.m["ostyle"] = st
        return st

    def opts(self, f, arr="row", text_first=False, css="", gap=None):
        st = f.m["ostyle"]
        f.m["arr"] = arr
        bsz = self.bsz
        items = []
        gap = gap if gap is not None else self.ogap
        for k, t in enumerate(f.opts):
            b = f'data-f="{f.id}" data-r="ob" data-o="{k}"'
            if st == "css_sq":
                box = f'<span class="ob" {b} style="width:{bsz}px;height:{bsz}px"></span>'
            elif st == "css_circ":
                box = f'<span class="ob" {b} style="width:{bsz + 1}px;height:{bsz + 1}px;border-radius:50%"></span>'
            elif st == "nat_cb":
                box = f'<input type="checkbox" class="nb" {b} style="width:{bsz}px;height:{bsz}px">'
            elif st == "nat_radio":
                box = f'<input type="radio" class="nb" name="r{f.id}" {b} style="width:{bsz}px;height:{bsz}px">'
            else:
                box = f'<span class="gl" data-f="{f.id}" data-r="og" data-o="{k}">{GLYPH[st]}<i class="bl"></i></span>'
            txt = f'<span class="ot" data-f="{f.id}" data-r="ot" data-o="{k}">{esc(t)}</span>'
            if text_first:
                item = f'<span class="oi">{txt}<span style="width:6px"></span>{box}</span>'
            else:
                item = f'<span class="oi">{box}<span style="width:{5 if st.startswith("glyph") else 6}px"></span>{txt}</span>'
            items.append(item)
        if arr == "row":
            return f'<span class="og" style="display:inline-flex;column-gap:{gap}px;{css}">{"".join(items)}</span>'
        if arr == "stack":
            return f'<span class="og" style="display:inline-flex;flex-direction:column;row-gap:{self.orow}px;{css}">{"".join(items)}</span>'
        if arr.startswith("grid"):
            n = int(arr[4:])
            return (f'<span class="og" style="display:inline-grid;grid-template-columns:repeat({n},max-content);'
                    f'column-gap:{max(gap, 28)}px;row-gap:{self.orow}px;{css}">{"".join(items)}</span>')
        raise ValueError(arr)

    def opts_width(self, f, arr="row", gap=None):
        gap = gap if gap is not None else self.ogap
        ws = [tw(t, self.fs) + self.bsz + 10 for t in f.opts]
        if arr == "row":
            return sum(ws) + gap * (len(ws) - 1)
        if arr.startswith("grid"):
            n = int(arr[4:])
            cols = [max(ws[i::n]) for i in range(n)]
            return sum(cols) + max(gap, 28) * (n - 1)
        return max(ws)


# ----------------------------------------------------------------------------------------------
# page chrome (not fields)
# ----------------------------------------------------------------------------------------------
def base_css(C):
    fs = C.fs
    return f"""*{{box-sizing:border-box}}
html,body{{margin:0;padding:0;background:{C.bg}}}
body{{font-family:{C.font};font-size:{fs}px;line-height:{C.lh}px;color:#161616}}
.page{{width:{C.W}px;padding:{C.pt}px {C.px}px {C.pb}px;position:relative;overflow:hidden;background:{C.bg}}}
.rq{{color:#c00000;margin:0 2px}}
.ph{{color:#9b9b9b;font-size:{fs - 2}px;white-space:nowrap}}
.hint{{color:#555;font-size:{fs - 2}px;white-space:nowrap}}
.ib{{display:block;border:1px solid #333;height:{C.ih}px;background:#fff}}
.ib.dbx{{display:inline-flex;align-items:center;padding:0 8px;vertical-align:middle}}
.iw{{border:1px solid {C.wborder};background:#fff}}
.iu{{display:block;border-bottom:1px solid #222;height:{C.ih}px}}
.nat{{display:block;width:100%;height:{C.ih}px;font:inherit;font-size:{fs - 1}px;margin:0;padding:0 6px;border:1px solid #767676;border-radius:2px;background:#fff}}
.nta{{display:block;font:inherit;margin:0;padding:4px;border:1px solid #767676;border-radius:2px;resize:none;background:#fff}}
.cmb{{display:inline-flex;border:1px solid #333;height:{C.ih}px;background:#fff;vertical-align:middle}}
.cc{{display:inline-flex;align-items:center;justify-content:center;height:100%}}
.dw{{white-space:nowrap;vertical-align:middle}}
.pb{{display:inline-flex;align-items:center;justify-content:center;border:1px solid #333;background:#fff}}
.pu{{display:inline-block;border-bottom:1px solid #222}}
.ps{{font:inherit;font-size:{fs - 1}px;margin:0;padding:0 2px;background:#fff;border:1px solid #767676;border-radius:2px;color:#222}}
.sep{{margin:0 6px;color:#333}}
.sp0{{width:10px;display:inline-block}}
.un{{margin:0 9px 0 5px}}
.cap2{{display:inline-flex;flex-direction:column;align-items:center}}
.cap{{font-size:{max(11, fs - 3)}px;line-height:{max(11, fs - 3) + 3}px;color:#444;margin:2px 0}}
.dcol{{display:inline-flex;flex-direction:column;align-items:flex-start;vertical-align:middle}}
.oi{{display:inline-flex;align-items:center;white-space:nowrap}}
.ob{{display:inline-block;border:1px solid #222;background:#fff;flex:none}}
.nb{{margin:0;flex:none}}
.gl{{white-space:nowrap}}
.bl{{display:inline-block;width:0;height:0;vertical-align:baseline}}
"""


def initials(org, zh):
    if zh:
        return org[:2]
    ws = [w for w in org.replace("&", " ").split() if w[0].isupper()]
    return "".join(w[0] for w in ws[:3])


INSTR_EN = ["Please complete this form in BLOCK CAPITALS using black ink.", "Tick (✓) the boxes that apply.",
            "Fields marked * must be completed.", "Incomplete forms will be returned to you.",
            "Read the notes before you start."]
INSTR_ZH = ["请用黑色签字笔填写，字迹工整清楚。", "请在相应的□内打“√”。", "带*号的为必填项。", "本表不得涂改，复印有效。",
            "填写前请仔细阅读填表说明。"]


def header(C, variant=None, band_color="#222"):
    r, th, zh, fs = C.r, C.c.theme, C.zh, C.fs
    v = r.randrange(3) if variant is None else variant
    L = r.randint(44, 58)
    shape = r.choice(["50%", "0", "8px"])
    ini = initials(th["org"], zh)
    logo = (f'<div data-decoy="1" style="width:{L}px;height:{L}px;border:{r.choice([2, 3])}px {r.choice(["solid", "double"])} #222;'
            f'border-radius:{shape};display:flex;align-items:center;justify-content:center;font-weight:bold;'
            f'font-size:{L // (3 if len(ini) < 3 else 4)}px;line-height:{L // 3 + 2}px;flex:none;letter-spacing:1px">{esc(ini)}</div>')
    code = ("表号：" if zh else "Form ") + th["code"]
    tfs = fs + r.randint(6, 10)
    title = f'<div style="font-size:{tfs}px;line-height:{tfs + 6}px;font-weight:bold">{esc(th["title"])}</div>'
    if v == 0:
        h = (f'<div style="display:flex;align-items:center;gap:16px;margin-bottom:10px">{logo}<div style="flex:1">'
             f'<div style="font-size:{fs - 1}px;letter-spacing:.04em">{esc(th["org"])} · {esc(th["dept"])}</div>{title}</div>'
             f'<div style="font-size:{fs - 2}px;border:1px solid #444;padding:1px 6px;white-space:nowrap">{esc(code)}</div></div>')
    elif v == 1:
        h = (f'<div style="display:flex;justify-content:space-between;font-size:{fs - 2}px;color:#333"><span>{esc(th["org"])}</span>'
             f'<span>{esc(code)}</span></div><div style="text-align:center;margin:6px 0 2px">{title}</div>'
             f'<div style="text-align:center;font-size:{fs - 1}px;margin-bottom:10px">{esc(th["dept"])}</div>')
    else:
        h = (f'<div style="background:{band_color};color:#fff;padding:8px 14px;display:flex;justify-content:space-between;align-items:center">'
             f'<span style="font-size:{tfs}px;line-height:{tfs + 6}px;font-weight:bold">{esc(th["title"])}</span>'
             f'<span style="font-size:{fs - 2}px;white-space:nowrap;margin-left:12px">{esc(code)}</span></div>'
             f'<div style="font-size:{fs - 1}px;margin:4px 0 10px">{esc(th["org"])} — {esc(th["dept"])}</div>')
    if r.random() < 0.7:
        ins = r.sample(INSTR_ZH if zh else INSTR_EN, r.choice([1, 2]))
        h += f'<div style="font-size:{fs - 1}px;color:#333;margin:0 0 10px">{esc(" ".join(ins))}</div>'
    return h


def footer(C, office=None):
    r, zh, fs, th = C.r, C.zh, C.fs, C.c.theme
    out = ""
    if office if office is not None else r.random() < 0.5:
        t = "以下由工作人员填写" if zh else "FOR OFFICE USE ONLY"
        cells = ["受理人", "受理日期", "编号"] if zh else ["Received by", "Date received", "Ref. no."]
        ln = "".join(f'<span style="margin-right:26px">{esc(x)}{"：" if zh else ":"} ____________</span>' for x in cells)
        out += (f'<div data-decoy="1" style="margin-top:18px;border:1px dashed #555;padding:6px 10px;font-size:{fs - 2}px;'
                f'line-height:{fs + 4}px;color:#333"><b>{t}</b><div style="margin-top:6px;white-space:nowrap">{ln}</div></div>')
    pg = "第 1 页 共 1 页" if zh else "Page 1 of 1"
    out += (f'<div style="display:flex;justify-content:space-between;font-size:{max(11, fs - 3)}px;color:#555;margin-top:14px;'
            f'border-top:1px solid #999;padding-top:4px"><span>{esc(th["code"])} (rev. {r.randint(1, 12):02d}/20{r.randint(21, 25)})</span>'
            f'<span>{pg}</span></div>')
    return out


def declaration(C):
    if C.zh:
        t = "本人承诺以上所填信息真实、准确、完整，如有虚假，愿承担相应法律责任。"
    else:
        t = "I declare that the information I have given on this form is correct and complete to the best of my knowledge."
    return f'<div style="font-size:{C.fs - 1}px;margin:6px 0 10px;color:#222">{esc(t)}</div>'


def pack(fields, ncol, need):
    rows, cur, used = [], [], 0
    for f in fields:
        s = max(1, min(ncol, need(f)))
        if cur and used + s > ncol:
            cur[-1][1] += ncol - used
            rows.append(cur)
            cur, used = [], 0
        cur.append([f, s])
        used += s
    if cur:
        cur[-1][1] += ncol - used
        rows.append(cur)
    return rows


def span_for(w, colw, gap):
    s = 1
    while s * colw + (s - 1) * gap < w:
        s += 1
    return s


def comb_len(C, f):
    """Digit comb size for a text field, or 0."""
    if C.zh:
        return {"id_number": 18, "postcode": 6, "phone": 11}.get(f.key, 0) if f.key != "phone" or " " not in str(f.value or "") else 0
    lab = f.label.lower()
    if f.key is None and ("account number" in lab or "sort code" in lab or "practice code" in lab):
        return 6 if "sort" in lab or "practice" in lab else 8
    return 0


def pre_pick(C, fields, dpool, opool):
    for f in fields:
        C.reg(f)
        if f.kind == "date" and "dstyle" not in f.m:
            C.pick_date(f, dpool)
        elif f.kind == "opt" and "ostyle" not in f.m:
            C.pick_opt(f, opool)


def widget(C, f, tstyle, text_css="", h=None, arr="row", comb_ok=False, cw=None):
    """The input part of a field (text / date / options)."""
    if f.kind == "text":
        n = comb_len(C, f) if comb_ok else 0
        if n:
            cw = cw or max(14, C.fs + 3)
            groups = {6, 14} if n == 18 else ({3, 7} if n == 11 else None)
            return C.comb(f, n, cw, groups)
        return C.tin(f, tstyle, css=text_css, h=h)
    if f.kind == "date":
        return C.date_in(f)
    return C.opts(f, arr)


def widget_w(C, f, arr="row", cw=None):
    if f.kind == "date":
        return C.date_width(f)
    if f.kind == "opt":
        return C.opts_width(f, arr)
    n = comb_len(C, f)
    if n:
        return n * ((cw or max(14, C.fs + 3)) + 1) + 4
    return 0


# ----------------------------------------------------------------------------------------------
# layout families
# ----------------------------------------------------------------------------------------------
def fam_smallcaps_cells(C):
    """Cells under a thin top rule (and left rule on ruled grids); the label in small caps at the
    cell's top; the cell is the input."""
    r, c, zh = C.r, C.c, C.zh
    N = r.choice([3, 4]) if C.W >= 960 else 3
    ruled = r.random() < 0.6
    gapx = 0 if ruled else 22
    inner = C.W - 2 * C.px
    colw = (inner - gapx * (N - 1)) // N
    lfs = r.choice([12, 13]) if not zh else 13
    padx = 9 if ruled else 2
    ch = C.ih + lfs + 24
    sc = ("font-variant:small-caps;letter-spacing:.05em;" if not zh else "letter-spacing:.08em;") + \
        f"font-size:{lfs}px;line-height:{lfs + 4}px;color:#303030"
    dpool = ["cell_ph", "cell_ph", "under_segs", "slash_boxes", "cell_plain"] if not zh else ["cell_ph", "unit_under", "unit_boxes", "cell_plain"]
    opool = ["glyph_sq", "css_sq", "css_circ"]
    lw = lambda f: tw(f.label, lfs + 1) + 2 * padx + 4  # noqa: E731

    def need(f):
        w = max(lw(f), widget_w(C, f) + 2 * padx + 4)
        s = span_for(w, colw, gapx)
        if f.kind == "text" and (f.multi or f.key in ("address", "email", "emergency_contact")):
            s = max(s, 2)
        return s

    def cell(f, s, col):
        bl = "border-left:1px solid #333;" if ruled and col > 0 else ""
        st = f"grid-column:span {s};border-top:1px solid #333;{bl}padding:7px {padx}px 6px;min-height:{ch * (2 if f.multi else 1)}px;min-width:0"
        lab = f'<div>{C.lab(f, colon=False, style=sc)}</div>'
        if f.kind == "text" or (f.kind == "date" and f.m["dstyle"] in ("cell_ph", "cell_plain")):
            f.m["in"] = "cell"
            extra = ""
            if f.kind == "date" and f.m["dstyle"] == "cell_ph":
                extra = f'<div style="text-align:right;margin-top:{C.ih - 14}px"><span class="ph">{esc(f.m["printed"])}</span></div>'
            return f'<div data-c="{f.id}" data-f="{f.id}" data-r="in" style="{st}">{lab}{extra}</div>'
        return f'<div data-c="{f.id}" style="{st}">{lab}<div style="margin-top:6px">{widget(C, f, "under")}</div></div>'

    out = header(C)
    for sec in c.sections + [c.closing]:
        pre_pick(C, sec.fields, dpool, opool)
        if sec.role == "closing":
            out += declaration(C)
        hs = r.choice(["border-bottom:2px solid #222", "background:#e4e4e4;padding-left:6px", "border-bottom:1px solid #222"])
        out += (f'<div style="font-weight:bold;{"text-transform:uppercase;" if not zh else ""}letter-spacing:.06em;font-size:{C.fs}px;'
                f'margin:14px 0 0;padding-top:2px;padding-bottom:3px;{hs}">{esc(sec.title)}</div>')
        rows = pack(sec.fields, N, need)
        cells = []
        for row in rows:
            col = 0
            for f, s in row:
                cells.append(cell(f, s, col))
                col += s
        bb = "border-bottom:1px solid #333;" if ruled else ""
        out += (f'<div class="snap snapc" style="display:grid;grid-template-columns:repeat({N},{colw}px);column-gap:{gapx}px;{bb}'
                f'margin-top:{6 if ruled else 2}px">{"".join(cells)}</div>')
    out += footer(C)
    return out


def fam_boxed_questionnaire(C):
    """Numbered questions in bordered boxes; the question is the label, the answer below it (or
    yes/no on the question's line)."""
    r, c, zh, fs = C.r, C.c, C.zh, C.fs
    badge = r.choice(["circle", "square", "plain"])
    bst = r.choice(["1px solid #444", "2px solid #222", "1px solid #666"])
    rad = r.choice([0, 0, 6])
    dpool = ["under_segs", "caption_below", "slash_boxes", "comb"] if not zh else ["unit_under", "unit_boxes", "comb_units"]
    opool = ["css_sq", "css_circ", "glyph_sq", "nat_radio"]
    tst = r.choice(["under", "under", "box"])
    num = [0]

    def qbox(f, half):
        num[0] += 1
        n = num[0]
        if badge == "circle":
            b = (f'<span style="flex:none;width:26px;height:26px;border-radius:50%;background:#222;color:#fff;display:inline-flex;'
                 f'align-items:center;justify-content:center;font-weight:bold;font-size:{fs - 2}px">{n}</span>')
        elif badge == "square":
            b = (f'<span style="flex:none;width:26px;height:26px;border:1px solid #222;display:inline-flex;align-items:center;'
                 f'justify-content:center;font-weight:bold;font-size:{fs - 2}px">{n}</span>')
        else:
            b = f'<span style="flex:none;width:34px;font-weight:bold">{"Q" if not zh else ""}{n}{"." if not zh else "、"}</span>'
        lab = C.lab(f, colon=False, style="font-weight:600" if r.random() < 0.3 else "")
        if f.kind == "opt" and (f.yn or (not half and C.opts_width(f) < 300 and tw(f.label, fs) < 380)):
            body = (f'<div style="display:flex;justify-content:space-between;align-items:center;gap:18px">'
                    f'<div style="flex:1;min-width:0">{lab}</div>{C.opts(f, "row", css="flex:none")}</div>')
        elif f.kind == "opt":
            arr = "stack" if len(f.opts) >= 4 and r.random() < 0.5 else "row"
            body = f'<div>{lab}</div><div style="margin-top:8px">{C.opts(f, arr)}</div>'
        elif f.kind == "text" and f.multi:
            nl = r.choice([2, 3])
            body = f'<div>{lab}</div><div style="margin-top:6px">{C.tin(f, "ruled", h=nl * C.ruled_lh)}</div>'
        else:
            body = f'<div>{lab}</div><div style="margin-top:8px">{widget(C, f, tst)}</div>'
        return (f'<div data-c="{f.id}" style="flex:1;min-width:0;border:{bst};border-radius:{rad}px;padding:9px 12px 10px;'
                f'display:flex;gap:12px;align-items:flex-start">{b}<div style="flex:1;min-width:0">{body}</div></div>')

    out = header(C)
    secs = c.sections + [c.closing]
    for i, sec in enumerate(secs):
        pre_pick(C, sec.fields, dpool, opool)
        if sec.role == "closing":
            out += declaration(C)
        head = (f"第{'一二三四五'[i]}部分　{sec.title}" if zh else f"Part {'ABCDE'[i]}: {sec.title}")
        out += f'<div style="font-weight:bold;font-size:{fs + 1}px;margin:14px 0 8px">{esc(head)}</div>'
        fl = sec.fields
        k = 0
        while k < len(fl):
            f = fl[k]
            if (k + 1 < len(fl) and f.short() and fl[k + 1].short() and f.kind != "opt" and fl[k + 1].kind != "opt"
                    and r.random() < 0.7 and max(tw(f.label, fs), tw(fl[k + 1].label, fs)) < (C.W - 2 * C.px) / 2 - 80):
                out += f'<div style="display:flex;gap:12px;margin-bottom:10px">{qbox(f, True)}{qbox(fl[k + 1], True)}</div>'
                k += 2
            else:
                out += f'<div style="display:flex;margin-bottom:10px">{qbox(f, False)}</div>'
                k += 1
    out += footer(C)
    return out


def fam_dotted_column(C):
    """Labels in a left column separated from the inputs by a dotted rule (variant A, underline
    inputs) or rows separated by dotted rules (variant B, boxed inputs)."""
    r, c, zh, fs = C.r, C.c, C.zh, C.fs
    varA = r.random() < 0.5
    allf = [f for s in c.sections for f in s.fields] + c.closing.fields
    LW = int(min(250, max(140, max(tw(f.label, fs) for f in allf) * 0.75 + 24)))
    al = r.choice(["right", "left"])
    pv = r.randint(6, 9)
    dpool = ["select", "slash_boxes", "ph", "hint_label"] if not zh else ["select_units", "ph", "unit_boxes", "hint_label"]
    opool = ["nat_cb", "nat_radio", "css_sq", "glyph_box"]
    tst = "under" if varA else r.choice(["box", "shaded"])

    def row(f):
        lab = C.lab(f)
        short = f.key in ("postcode", "phone") or (f.kind == "text" and len(f.label) < 8 and r.random() < 0.3
                                                  and f.key not in ("address", "email", "emergency_contact", "employer"))
        css = f"width:{r.randint(180, 260)}px" if short else ""
        if f.kind == "opt":
            inp = C.opts(f, "stack" if len(f.opts) >= 4 else "row")
        else:
            inp = widget(C, f, tst, text_css=css, h=(3 * C.ih if f.multi else None))
        lc = (f'<div style="width:{LW}px;flex:none;padding:{pv}px 14px {pv}px 0;text-align:{al};'
              f'{"border-right:2px dotted #666;" if varA else ""}display:flex;align-items:center;'
              f'justify-content:{"flex-end" if al == "right" else "flex-start"}"><div>{lab}</div></div>')
        rc = f'<div style="flex:1;min-width:0;padding:{pv}px 0 {pv}px 16px;display:flex;align-items:center"><div style="flex:1;min-width:0">{inp}</div></div>'
        sepb = "border-bottom:1px dotted #777;" if not varA else ""
        return f'<div data-c="{f.id}" style="display:flex;{sepb}">{lc}{rc}</div>'

    out = header(C)
    for i, sec in enumerate(c.sections + [c.closing]):
        pre_pick(C, sec.fields, dpool, opool)
        if sec.role == "closing":
            out += declaration(C)
        t = f"{i + 1}. {sec.title}" if not zh else f"{'一二三四五'[i]}、{sec.title}"
        out += (f'<div style="font-weight:bold;font-size:{fs + 1}px;margin:14px 0 2px;padding-bottom:3px;'
                f'border-bottom:{"2px solid #333" if varA else "1px dotted #555"}">{esc(t)}</div>')
        out += "".join(row(f) for f in sec.fields)
    out += footer(C)
    return out


TINTS = [("#e7f1e4", "#2f6b3a", "#9cbf98"), ("#e5edf8", "#274b7a", "#9bb3d6"), ("#f8eddf", "#8a4b16", "#d9b48c"),
         ("#efe6f4", "#5b3470", "#c2a6d1"), ("#e2f1f1", "#1f6363", "#8fc4c4")]


def grid_section(C, fields, ncol, colw, gapx, gapy, item, need):
    rows = pack(fields, ncol, need)
    cells = []
    for row in rows:
        for f, s in row:
            cells.append(item(f, s))
    return (f'<div style="display:grid;grid-template-columns:repeat({ncol},{colw}px);column-gap:{gapx}px;row-gap:{gapy}px">'
            f'{"".join(cells)}</div>')


def fam_tinted_page(C):
    """A coloured page with white inputs, labels above, two or three columns."""
    r, c, zh, fs = C.r, C.c, C.zh, C.fs
    tint, acc, light = C.tint
    N = 3 if C.W >= 920 and r.random() < 0.5 else 2
    gapx, gapy = r.randint(20, 28), r.randint(12, 16)
    inner = C.W - 2 * C.px
    colw = (inner - gapx * (N - 1)) // N
    dpool = ["ph", "caption_below", "caption_above", "nat_ph"] if not zh else ["ph", "unit_boxes", "caption_below", "nat_ph"]
    opool = ["css_sq", "css_circ", "nat_cb", "nat_radio"]
    tst = r.choice(["white", "white", "native"])
    lst = f"color:{r.choice(['#1b1b1b', acc])};font-weight:{r.choice(['600', 'normal'])}"

    def need(f):
        arr = "grid2" if f.kind == "opt" and len(f.opts) >= 4 else "row"
        s = span_for(max(tw(f.label, fs) + 10, widget_w(C, f, arr) + 4), colw, gapx)
        if f.kind == "text" and (f.multi or f.key in ("address", "emergency_contact")):
            s = max(s, 2)
        return s

    def item(f, s):
        if f.kind == "opt" and len(f.opts) >= 4:
            inp = C.opts(f, "grid2")
        else:
            inp = widget(C, f, tst, h=(3 * C.ih if f.multi else None))
        return (f'<div data-c="{f.id}" style="grid-column:span {s};min-width:0"><div style="margin-bottom:5px">{C.lab(f, style=lst)}</div>'
                f'<div>{inp}</div></div>')

    out = header(C, band_color=acc)
    if r.random() < 0.6:
        note = ("请如实填写，提交后工作人员将在3个工作日内与您联系。" if zh else
                "Please note: we will contact you within five working days of receiving this form.")
        out += (f'<div data-decoy="1" style="background:rgba(255,255,255,.55);border-left:4px solid {acc};padding:6px 10px;'
                f'font-size:{fs - 1}px;margin-bottom:6px">{esc(note)}</div>')
    band = r.random() < 0.6
    for sec in c.sections + [c.closing]:
        pre_pick(C, sec.fields, dpool, opool)
        if sec.role == "closing":
            out += declaration(C)
        if band:
            out += (f'<div style="background:{acc};color:#fff;font-weight:bold;padding:4px 10px;margin:16px 0 10px;'
                    f'border-radius:3px">{esc(sec.title)}</div>')
        else:
            out += (f'<div style="color:{acc};font-weight:bold;font-size:{fs + 2}px;border-bottom:2px solid {acc};'
                    f'padding-bottom:2px;margin:16px 0 10px">{esc(sec.title)}</div>')
        out += grid_section(C, sec.fields, N, colw, gapx, gapy, item, need)
    out += footer(C)
    return out


def fam_invoice(C):
    """Order / invoice style: header meta table (label | cell), customer block, an item table whose
    quantity cells are fields labelled by the printed item, totals, payment options."""
    r, c, zh, fs = C.r, C.c, C.zh, C.fs
    th = c.theme
    dpool = ["ph", "hint_label", "slash_boxes", "plain"] if not zh else ["ph", "hint_label", "unit_under", "plain"]
    opool = ["css_sq", "glyph_sq", "nat_cb"]
    bd = "1px solid #333"
    rh = C.ih + 8
    # top: organisation left, title + meta table right
    L = r.randint(46, 56)
    logo = (f'<div data-decoy="1" style="width:{L}px;height:{L}px;background:#333;color:#fff;display:flex;align-items:center;'
            f'justify-content:center;font-weight:bold;font-size:{L // 3}px;flex:none;border-radius:{r.choice(["0", "50%"])}">'
            f'{esc(initials(th["org"], zh))}</div>')
    addr = ("服务热线：400-820-" + str(r.randint(1000, 9999))) if zh else f"Unit {r.randint(2, 40)}, Riverside Trading Estate · Tel 0{r.randint(1100, 1999)} {r.randint(100000, 999999)}"
    pre_pick(C, c.meta, dpool, opool)
    mfs = fs - 1
    lw = int(max(tw(f.label, mfs) + (tw("(" + f.m["printed"] + ")", mfs - 2) + 8 if f.m.get("dstyle") == "hint_label" else 0)
                 for f in c.meta)) + 34
    vw = max([200 if not zh else 190] + [int(C.date_width(f)) + 24 for f in c.meta if f.kind == "date" and f.m["parts"]])
    cb = "border-right:1px solid #333;border-bottom:1px solid #333;"
    mrows = ""
    for f in c.meta:
        lab = C.lab(f, colon=False)
        if f.kind == "date" and f.m["dstyle"] in ("ph", "plain", "hint_label"):
            f.m["in"] = "cell"
            inner = f'<span class="ph" style="margin-left:8px">{esc(f.m["printed"])}</span>' if f.m["dstyle"] == "ph" else ""
            cellv = f'<td data-f="{f.id}" data-r="in" style="{cb}height:{rh}px;padding:0;text-align:left">{inner}</td>'
        elif f.kind == "date":
            cellv = f'<td style="{cb}padding:2px 8px;height:{rh}px;text-align:left">{C.date_in(f, h=C.ih - 4)}</td>'
        else:
            f.m["in"] = "cell"
            cellv = f'<td data-f="{f.id}" data-r="in" style="{cb}height:{rh}px;padding:0"></td>'
        mrows += (f'<tr data-c="{f.id}"><td style="{cb}background:#eee;padding:0 10px;white-space:nowrap;text-align:left">{lab}</td>'
                  f'{cellv}</tr>')
    tbl = ("border-collapse:separate;border-spacing:0;table-layout:fixed;border-top:1px solid #333;border-left:1px solid #333;")
    tfs = fs + r.randint(8, 12)
    out = (f'<div style="display:flex;justify-content:space-between;align-items:flex-start;gap:20px;margin-bottom:14px">'
           f'<div style="display:flex;gap:12px;align-items:center">{logo}<div><div style="font-weight:bold;font-size:{fs + 2}px">{esc(th["org"])}</div>'
           f'<div style="font-size:{fs - 2}px;color:#333">{esc(th["dept"])}</div><div style="font-size:{fs - 2}px;color:#333">{esc(addr)}</div></div></div>'
           f'<div style="text-align:right;flex:none"><div style="font-size:{tfs}px;line-height:{tfs + 6}px;font-weight:bold;letter-spacing:.04em;margin-bottom:6px">{esc(th["title"])}</div>'
           f'<table class="snap snapc" style="{tbl}width:{lw + vw + 1}px;margin-left:auto;font-size:{mfs}px">'
           f'<colgroup><col style="width:{lw}px"><col style="width:{vw}px"></colgroup>{mrows}</table></div></div>')
    # customer block
    ps = c.sections[0]
    pre_pick(C, ps.fields, dpool, opool)
    ust = r.choice(["under", "dotted"])
    half = (C.W - 2 * C.px - 2 * 12 - 30) // 2
    rowsh = ""
    for f in ps.fields:
        lab = C.lab(f)
        wide = f.key in ("address", "email") and tw(f.label, fs) > 0
        inp = widget(C, f, ust)
        rowsh += (f'<div data-c="{f.id}" style="display:flex;align-items:flex-end;gap:10px;{"grid-column:span 2;" if wide else ""}min-width:0">'
                  f'<div style="flex:none">{lab}</div><div style="flex:1;min-width:0">{inp}</div></div>')
    out += (f'<div style="border:{bd};margin-bottom:14px"><div style="background:#333;color:#fff;font-weight:bold;padding:3px 10px">{esc(ps.title)}</div>'
            f'<div style="display:grid;grid-template-columns:repeat(2,{half}px);column-gap:30px;row-gap:12px;padding:10px 12px 12px">{rowsh}</div></div>')
    # item table
    hd = ["货号", "品名", "单价", "数量"] if zh else ["Code", "Item", "Unit price", "Quantity"]
    qw = 110
    inner = C.W - 2 * C.px
    trs = ""
    for k, f in enumerate(c.items):
        C.reg(f)
        f.m["in"] = "cell"
        lab = C.lab(f, colon=False)
        code = f"{'ABCDEFGH'[k]}{r.randint(100, 999)}"
        trs += (f'<tr data-c="{f.id}" style="height:{rh}px"><td style="{cb}padding:0 8px;color:#333">{code}</td>'
                f'<td style="{cb}padding:0 8px">{lab}</td><td style="{cb}padding:0 8px;text-align:right">{esc(f.price)}</td>'
                f'<td data-f="{f.id}" data-r="in" style="{cb}"></td></tr>')
    ths = "".join(f'<th style="{cb}background:#e6e6e6;padding:3px 8px;text-align:left;font-weight:bold">{esc(x)}</th>' for x in hd)
    out += (f'<table class="snap snapc" style="{tbl}width:{inner}px;margin-bottom:12px"><colgroup><col style="width:80px">'
            f'<col style="width:{inner - 1 - 80 - 120 - qw}px"><col style="width:120px"><col style="width:{qw}px"></colgroup>'
            f'<tr>{ths}</tr>{trs}</table>')
    # other sections
    for sec in c.sections[1:]:
        pre_pick(C, sec.fields, dpool, opool)
        out += f'<div style="font-weight:bold;margin:12px 0 8px;border-bottom:2px solid #333;padding-bottom:2px">{esc(sec.title)}</div>'
        for f in sec.fields:
            lab = C.lab(f)
            if f.kind == "text" and ("total" in f.label.lower() or "合计" in f.label):
                f.m["in"] = "cell"
                tl = int(tw(f.label, fs) * 1.1) + 40
                out += (f'<table class="snap snapc" data-c="{f.id}" style="{tbl}width:{tl + qw + 41}px;margin:0 0 10px auto">'
                        f'<colgroup><col style="width:{tl}px"><col style="width:{qw + 40}px"></colgroup><tr style="height:{rh}px">'
                        f'<td style="{cb}background:#eee;padding:0 12px;font-weight:bold;white-space:nowrap">{lab}</td>'
                        f'<td data-f="{f.id}" data-r="in" style="{cb}"></td></tr></table>')
                continue
            inp = widget(C, f, ust, text_css="width:100%")
            out += (f'<div data-c="{f.id}" style="display:flex;align-items:{"center" if f.kind == "opt" else "flex-end"};gap:12px;margin-bottom:12px">'
                    f'<div style="flex:none">{lab}</div><div style="flex:1;min-width:0">{inp}</div></div>')
    # closing
    pre_pick(C, c.closing.fields, dpool, opool)
    out += declaration(C)
    cl = ""
    for f in c.closing.fields:
        cl += (f'<div data-c="{f.id}" style="display:flex;align-items:flex-end;gap:10px;flex:1;min-width:0">'
               f'<div style="flex:none">{C.lab(f)}</div><div style="flex:1;min-width:0">{widget(C, f, ust)}</div></div>')
    out += f'<div style="display:flex;gap:40px">{cl}</div>'
    out += footer(C)
    return out


def fam_report_textareas(C):
    """Report: header fields in a 3-column grid (labels above boxes), tall 'Describe ...' areas
    across the page, stacked options."""
    r, c, zh, fs = C.r, C.c, C.zh, C.fs
    N = 3
    gapx, gapy = r.randint(18, 26), r.randint(12, 16)
    inner = C.W - 2 * C.px
    colw = (inner - gapx * (N - 1)) // N
    dpool = ["ph", "hint_under", "select", "nat_ph"] if not zh else ["ph", "hint_under", "select_units", "nat_ph"]
    opool = ["css_circ", "css_sq", "nat_radio"]
    tst = r.choice(["box", "native", "box"])
    ast = r.choice(["textarea", "areabox", "ruled"])

    def need(f):
        if f.multi:
            return N
        arr = "stack" if f.kind == "opt" and len(f.opts) >= 4 else "row"
        s = span_for(max(tw(f.label, fs) + 10, widget_w(C, f, arr) + 4), colw, gapx)
        if f.kind == "text" and f.key in ("address", "emergency_contact", "email"):
            s = max(s, 2)
        return s

    def item(f, s):
        if f.multi:
            h = r.choice([4, 5]) * C.ruled_lh
            inp = C.tin(f, ast, h=h)
        elif f.kind == "opt":
            inp = C.opts(f, "stack" if len(f.opts) >= 4 else "row")
        else:
            inp = widget(C, f, tst)
        return (f'<div data-c="{f.id}" style="grid-column:span {s};min-width:0"><div style="margin-bottom:5px">{C.lab(f, colon=False, style="font-weight:bold" if C.boldlab else "")}</div>'
                f'<div>{inp}</div></div>')

    out = header(C)
    for sec in c.sections + [c.closing]:
        pre_pick(C, sec.fields, dpool, opool)
        if sec.role == "closing":
            out += declaration(C)
        out += (f'<div style="font-weight:bold;font-size:{fs + 1}px;margin:16px 0 8px;padding:3px 8px;border:1px solid #333;'
                f'background:#ececec">{esc(sec.title)}</div>')
        out += grid_section(C, sec.fields, N, colw, gapx, gapy, item, need)
    out += footer(C)
    return out


def fam_sentence(C):
    """Declarations written as sentences with inline blanks (the phrase before a blank is its
    label), then particulars as 'label: ____' lines two to a row."""
    r, c, zh, fs = C.r, C.c, C.zh, C.fs
    dpool_in = ["under_segs", "slash_boxes"] if not zh else ["unit_under"]
    dpool = ["under_segs", "ul_hint"] if not zh else ["unit_under", "ul_hint"]
    opool_in = ["glyph_sq", "glyph_box", "css_sq"]
    opool = ["glyph_sq", "glyph_circ", "css_sq"]
    plh = int(fs * 2.3)
    out = header(C)
    intro = ("授权声明" if zh else "Authority / declaration")
    out += f'<div style="font-weight:bold;font-size:{fs + 1}px;margin:12px 0 6px">{esc(intro)}</div>'
    bw = {"name": 210, "address": 330, "phone": 170, "id_number": 250, "postcode": 110, "date_of_birth": 0}
    for para in c.sentences:
        segs = []
        for s in para:
            if isinstance(s, str):
                segs.append(esc(s))
                continue
            f = s
            C.reg(f)
            if f.kind == "date":
                C.pick_date(f, dpool_in)
                blank = C.date_in(f, h=fs + 6, css="vertical-align:-6px")
            elif f.kind == "opt":
                C.pick_opt(f, opool_in)
                blank = C.opts(f, "row", css="vertical-align:baseline", gap=14)
            else:
                w = bw.get(f.key, 0) or r.randint(150, 220)
                f.m["in"] = "under"
                blank = (f'<span class="iu" data-f="{f.id}" data-r="in" style="display:inline-block;width:{w}px;height:{fs + 8}px;'
                         f'vertical-align:-5px;margin-right:3px"></span>')
            segs.append(f'<span style="white-space:nowrap">{C.lab(f, colon=False)}<span style="display:inline-block;width:7px"></span>{blank}</span>')
        out += f'<p style="margin:0 0 10px;line-height:{plh}px;text-align:left">{"".join(segs)}</p>'
    ust = r.choice(["under", "dotted"])
    half = (C.W - 2 * C.px - 36) // 2
    for sec in c.sections:
        pre_pick(C, sec.fields, dpool, opool)
        out += f'<div style="font-weight:bold;font-size:{fs + 1}px;margin:14px 0 8px;border-bottom:1px solid #444">{esc(sec.title)}</div>'
        items = ""
        for f in sec.fields:
            wide = (f.kind == "opt" and C.opts_width(f) + tw(f.label, fs) + 20 > half or f.key in ("address", "emergency_contact")
                    or f.kind == "date" and widget_w(C, f) + tw(f.label, fs) + tw(f.m.get("printed", ""), fs) + 30 > half
                    or f.kind == "text" and tw(f.label, fs) > half * 0.5)
            inp = widget(C, f, ust)
            items += (f'<div data-c="{f.id}" style="display:flex;align-items:{"center" if f.kind == "opt" else "flex-end"};gap:10px;min-width:0;'
                      f'{"grid-column:span 2;" if wide else ""}"><div style="flex:none">{C.lab(f)}</div><div style="flex:1;min-width:0">{inp}</div></div>')
        out += f'<div style="display:grid;grid-template-columns:repeat(2,{half}px);column-gap:36px;row-gap:14px">{items}</div>'
    pre_pick(C, c.closing.fields, dpool, opool)
    out += declaration(C)
    cl = ""
    for f in c.closing.fields:
        inp = widget(C, f, "under")
        cl += (f'<div data-c="{f.id}" style="display:flex;align-items:flex-end;gap:10px;flex:1;min-width:0">'
               f'<div style="flex:none">{C.lab(f)}</div><div style="flex:1;min-width:0">{inp}</div></div>')
    out += f'<div style="display:flex;gap:48px;margin-top:14px">{cl}</div>'
    out += footer(C)
    return out


def fam_colon_rule(C):
    """'Label: ________' with the rule running to a right margin; fixed label column where long
    labels take two lines (variant A) or labels at their natural width (variant B)."""
    r, c, zh, fs = C.r, C.c, C.zh, C.fs
    varA = r.random() < 0.6
    LW = r.randint(170, 220) if not zh else r.randint(150, 190)
    mr = r.choice([0, 30, 60])
    dpool = ["under_segs", "ul_hint", "caption_below"] if not zh else ["unit_under", "ul_hint", "unit_under"]
    opool = ["glyph_sq", "glyph_box", "glyph_circ", "css_sq"]
    ust = r.choice(["under", "under", "dotted"])
    rg = r.randint(10, 14)

    def two_line(f):
        lim = 22 if not zh else 8
        if varA and tw(f.label, fs) + 14 > LW and len(f.label) > lim and "\n" not in (f.disp or ""):
            words = f.label.split(" ") if not zh else None
            if words and len(words) > 1:
                best = None
                for k in range(1, len(words)):
                    a, b = " ".join(words[:k]), " ".join(words[k:])
                    if tw(a, fs) + 14 <= LW and tw(b, fs) + 14 <= LW:
                        best = (a, b)
                if best:
                    f.disp = best[0] + "\n" + best[1]
            elif zh:
                h = (len(f.label) + 1) // 2
                f.disp = f.label[:h] + "\n" + f.label[h:]

    def line(f, flex=1):
        two_line(f)
        lab = C.lab(f)
        if f.kind == "opt":
            inp = C.opts(f, "row")
        elif f.kind == "date":
            inp = C.date_in(f)
        else:
            inp = C.tin(f, ust)
        lw = f"width:{LW}px;" if varA else ""
        al = "center" if f.kind == "opt" else "flex-end"
        return (f'<div data-c="{f.id}" style="display:flex;align-items:{al};flex:{flex};min-width:0">'
                f'<div style="{lw}flex:none;padding-right:10px">{lab}</div><div style="flex:1;min-width:0">{inp}</div></div>')

    out = header(C)
    for sec in c.sections + [c.closing]:
        pre_pick(C, sec.fields, dpool, opool)
        if sec.role == "closing":
            out += declaration(C)
        out += (f'<div style="font-weight:bold;margin:14px {mr}px 8px 0;{"text-decoration:underline;" if r.random() < 0.5 else ""}">'
                f'{esc(sec.title)}</div>')
        fl = sec.fields
        k = 0
        while k < len(fl):
            f = fl[k]
            if (not varA and k + 1 < len(fl) and f.short() and fl[k + 1].short() and r.random() < 0.4
                    and f.kind == "text" and fl[k + 1].kind == "text"):
                out += f'<div style="display:flex;gap:28px;margin:0 {mr}px {rg}px 0">{line(f)}{line(fl[k + 1])}</div>'
                k += 2
            else:
                out += f'<div style="display:flex;margin:0 {mr}px {rg}px 0">{line(f)}</div>'
                k += 1
    out += footer(C)
    return out


WATERMARKS_EN = ["SPECIMEN", "SAMPLE", "COPY", "NOT VALID"]
WATERMARKS_ZH = ["样 本", "样 表", "仅供填写", "副 本"]


def fam_landscape_watermark(C):
    """Landscape page: three columns of label-left boxes, a large pale watermark behind the form,
    an office-use stub on the right."""
    r, c, zh, fs = C.r, C.c, C.zh, C.fs
    stub = r.randint(180, 210)
    sgap = 24
    main = C.W - 2 * C.px - stub - sgap
    N = 3
    gapx, gapy = r.randint(18, 26), r.randint(12, 16)
    colw = (main - gapx * (N - 1)) // N
    LW = r.randint(96, 120) if not zh else r.randint(84, 104)
    above = r.random() < 0.4
    dpool = ["hint_label", "comb", "slash_boxes", "ph"] if not zh else ["hint_label", "comb_units", "ph", "unit_boxes"]
    opool = ["css_sq", "nat_cb", "css_circ", "glyph_box"]
    tst = r.choice(["box", "shaded", "heavy"])

    def need(f):
        lw = tw(f.label, fs) + 12
        hint = tw(f.m.get("printed", ""), fs - 2) + 18 if f.m.get("dstyle") == "hint_label" else 0
        if above:
            w = max(lw + hint, widget_w(C, f, cw=15) + 4)
        else:
            w = max(LW, min(lw, LW)) + 10 + max(widget_w(C, f, cw=15) + 4, 60)
            if hint:
                w = max(w, lw + hint + 60)
        s = span_for(w, colw, gapx)
        if f.kind == "text" and (f.multi or f.key in ("address", "email", "emergency_contact")):
            s = max(s, 2)
        return s

    def item(f, s):
        inp = widget(C, f, tst, comb_ok=True, cw=15, h=(2 * C.ih if f.multi else None))
        lab = C.lab(f)
        if above or f.m.get("dstyle") == "hint_label":
            return (f'<div data-c="{f.id}" style="grid-column:span {s};min-width:0"><div style="margin-bottom:4px">{lab}</div>'
                    f'<div>{inp}</div></div>')
        return (f'<div data-c="{f.id}" style="grid-column:span {s};min-width:0;display:flex;align-items:center;gap:10px">'
                f'<div style="width:{LW}px;flex:none">{lab}</div><div style="flex:1;min-width:0">{inp}</div></div>')

    wm = r.choice(WATERMARKS_ZH if zh else WATERMARKS_EN)
    wfs = r.randint(130, 170)
    body = header(C)
    for sec in c.sections + [c.closing]:
        pre_pick(C, sec.fields, dpool, opool)
        if sec.role == "closing":
            body += declaration(C)
        body += (f'<div style="font-weight:bold;font-size:{fs + 1}px;margin:14px 0 8px;padding-left:8px;'
                 f'border-left:5px solid #333">{esc(sec.title)}</div>')
        body += grid_section(C, sec.fields, N, colw, gapx, gapy, item, need)
    t = "以下由受理机关填写" if zh else "For office use only"
    lines = ["收件日期", "受理编号", "审核意见", "经办人", "盖章"] if zh else ["Date received", "Receipt no.", "Fee paid", "Checked by", "Decision", "Stamp"]
    stub_html = "".join(f'<div style="margin-top:12px">{esc(x)}</div><div style="border-bottom:1px solid #777;height:18px"></div>' for x in lines)
    stub_html = (f'<div data-decoy="1" style="width:{stub}px;flex:none;border:1px solid #555;background:#f4f4f4;padding:10px 12px;'
                 f'font-size:{fs - 2}px;line-height:{fs + 2}px;align-self:flex-start"><b>{esc(t)}</b>{stub_html}'
                 f'<div style="margin-top:16px;width:90px;height:90px;border:1px dashed #777;border-radius:50%"></div></div>')
    out = (f'<div style="position:absolute;left:{C.W // 2}px;top:{r.randint(300, 420)}px;transform:translate(-50%,-50%) rotate(-{r.randint(18, 28)}deg);'
           f'font-size:{wfs}px;line-height:{wfs}px;font-weight:bold;color:#ebebeb;white-space:nowrap;z-index:0;letter-spacing:.08em">{esc(wm)}</div>')
    out += (f'<div style="position:relative;z-index:1;display:flex;gap:{sgap}px"><div style="width:{main}px;flex:none">{body}'
            f'{footer(C, office=False)}</div>{stub_html}</div>')
    return out


def fam_dense_grid(C):
    """Compact form at a small font: four columns of labels above small boxes, digit combs, thin
    section bars."""
    r, c, zh, fs = C.r, C.c, C.zh, C.fs
    N = 4
    gapx, gapy = r.randint(12, 16), r.randint(9, 11)
    inner = C.W - 2 * C.px
    colw = (inner - gapx * (N - 1)) // N
    dpool = ["comb", "select", "slash_boxes", "ph"] if not zh else ["comb_units", "select_units", "ph", "unit_boxes"]
    opool = ["css_sq", "nat_cb", "nat_radio", "css_circ"]
    tst = r.choice(["box", "box", "native"])
    cw = 14

    def need(f):
        s = span_for(max(tw(f.label, fs) + 8, widget_w(C, f, cw=cw) + 4), colw, gapx)
        if f.kind == "text" and (f.multi or f.key in ("address", "email", "emergency_contact")):
            s = max(s, 2)
        return s

    def item(f, s):
        inp = widget(C, f, tst, comb_ok=True, cw=cw, h=(2 * C.ih if f.multi else None))
        return (f'<div data-c="{f.id}" style="grid-column:span {s};min-width:0"><div style="margin-bottom:3px">{C.lab(f, colon=False)}</div>'
                f'<div>{inp}</div></div>')

    out = header(C, variant=r.choice([0, 2]))
    for i, sec in enumerate(c.sections + [c.closing]):
        pre_pick(C, sec.fields, dpool, opool)
        if sec.role == "closing":
            out += declaration(C)
        out += (f'<div style="background:#3a3a3a;color:#fff;font-weight:bold;font-size:{fs}px;padding:2px 8px;margin:12px 0 7px">'
                f'{esc(("ABCDE"[i] + ". ") if not zh else "")}{esc(sec.title)}</div>')
        out += grid_section(C, sec.fields, N, colw, gapx, gapy, item, need)
    out += footer(C, office=True)
    return out


def fam_checklist(C):
    """Details as labels above underlines in two columns; option groups as two-column checklists
    (boxes left of their text); yes/no questions as rows with the pair at the right."""
    r, c, zh, fs = C.r, C.c, C.zh, C.fs
    gapx, gapy = r.randint(28, 40), r.randint(12, 16)
    inner = C.W - 2 * C.px
    colw = (inner - gapx) // 2
    dpool = ["caption_below", "slash_boxes", "ph", "under_segs"] if not zh else ["unit_boxes", "ph", "caption_below", "unit_under"]
    opool = ["css_sq", "nat_cb", "glyph_sq", "glyph_box"]
    ust = r.choice(["under", "dotted"])
    tfirst = r.random() < 0.5

    def item(f, s):
        inp = widget(C, f, ust)
        return (f'<div data-c="{f.id}" style="grid-column:span {s};min-width:0"><div style="margin-bottom:4px">{C.lab(f)}</div>'
                f'<div>{inp}</div></div>')

    def need(f):
        s = span_for(max(tw(f.label, fs) + 10, widget_w(C, f) + 4), colw, gapx)
        if f.kind == "text" and f.key in ("address",):
            s = 2
        return s

    out = header(C)
    for sec in c.sections + [c.closing]:
        pre_pick(C, sec.fields, dpool, opool)
        if sec.role == "closing":
            out += declaration(C)
        out += (f'<div style="font-weight:bold;font-size:{fs + 1}px;margin:16px 0 8px;padding-bottom:2px;'
                f'border-bottom:1px solid #222">{esc(sec.title)}</div>')
        plain = [f for f in sec.fields if f.kind != "opt"]
        opts = [f for f in sec.fields if f.kind == "opt"]
        if plain:
            out += grid_section(C, plain, 2, colw, gapx, gapy, item, need)
            out += '<div style="height:6px"></div>'
        for f in opts:
            if f.yn:
                out += (f'<div data-c="{f.id}" style="display:flex;justify-content:space-between;align-items:center;gap:20px;'
                        f'padding:7px 0;border-bottom:1px solid #bbb"><div style="flex:1;min-width:0">{C.lab(f, colon=False)}</div>'
                        f'{C.opts(f, "row", text_first=tfirst, css="flex:none", gap=22)}</div>')
            elif len(f.opts) >= 4:
                hint = "（可多选）" if zh else " (tick all that apply)"
                out += (f'<div data-c="{f.id}" style="margin:12px 0 8px"><div style="margin-bottom:8px">{C.lab(f, colon=False, style="font-weight:bold")}'
                        f'<span style="color:#555;font-size:{fs - 1}px">{esc(hint)}</span></div>'
                        f'<div style="padding-left:16px">{C.opts(f, "grid2", gap=60)}</div></div>')
            else:
                out += (f'<div data-c="{f.id}" style="display:flex;align-items:center;gap:20px;padding:7px 0;border-bottom:1px solid #bbb">'
                        f'<div style="flex:none">{C.lab(f)}</div>{C.opts(f, "row")}</div>')
    out += footer(C)
    return out


FAM_FN = {"smallcaps_cells": fam_smallcaps_cells, "boxed_questionnaire": fam_boxed_questionnaire,
          "dotted_column": fam_dotted_column, "tinted_page": fam_tinted_page, "invoice": fam_invoice,
          "report_textareas": fam_report_textareas, "sentence": fam_sentence, "colon_rule": fam_colon_rule,
          "landscape_watermark": fam_landscape_watermark, "dense_grid": fam_dense_grid, "checklist": fam_checklist}
FAM_DESC = {
    "smallcaps_cells": "cells under thin top rules, small-caps label inside the cell (the cell is the input)",
    "boxed_questionnaire": "boxed numbered questions, answer lines under the question",
    "dotted_column": "left label column with dotted separators",
    "tinted_page": "coloured page, white inputs, labels above",
    "invoice": "order form: meta table, customer block, item table with quantity cells",
    "report_textareas": "report grid with tall describe areas",
    "sentence": "inline sentence blanks plus label: line particulars",
    "colon_rule": "label: rule to the right margin, two-line labels",
    "landscape_watermark": "landscape, watermark, office stub, 3 columns",
    "dense_grid": "compact 4-column grid at a small font, combs",
    "checklist": "two-column checklists and yes/no rows",
}


# ----------------------------------------------------------------------------------------------
# cosmetics, rendering, extraction
# ----------------------------------------------------------------------------------------------
FAM_W = {"smallcaps_cells": (900, 1080), "boxed_questionnaire": (760, 900), "dotted_column": (760, 920),
         "tinted_page": (780, 980), "invoice": (860, 990), "report_textareas": (840, 1000), "sentence": (780, 920),
         "colon_rule": (760, 960), "landscape_watermark": (1160, 1240), "dense_grid": (940, 1100), "checklist": (800, 960)}


def font_schedule(seed, lang, n):
    """Fonts dealt in shuffled rounds so that every font is used about equally often."""
    fonts = FONTS_EN if lang == "en" else FONTS_ZH
    rr = random.Random(f"{seed}/fonts/{lang}")
    out = []
    while len(out) < n:
        blk = list(range(len(fonts)))
        rr.shuffle(blk)
        out += blk
    return [fonts[k] for k in out]


def setup(C, font):
    r, fam = C.r, C.fam
    C.font_name, C.font = font
    lo, hi = {"dense_grid": (12, 13), "landscape_watermark": (13, 15), "sentence": (14, 17)}.get(fam, (13, 17))
    C.fs = r.randint(lo, hi)
    C.lh = int(round(C.fs * 1.4))
    C.ih = C.fs + (r.randint(7, 9) if fam == "dense_grid" else r.randint(12, 16))
    lo, hi = FAM_W[fam]
    C.W = r.randint(lo // 10, hi // 10) * 10
    C.px = r.randint(24, 34) if fam in ("dense_grid", "landscape_watermark") else r.randint(30, 48)
    C.pt, C.pb = r.randint(22, 36), r.randint(18, 30)
    C.bsz = r.choice([11, 12]) if fam == "dense_grid" else r.choice([12, 13, 14])
    C.ogap = r.randint(12, 16) if fam == "dense_grid" else r.randint(16, 26)
    C.orow = r.randint(5, 8)
    C.ruled_lh = C.fs + r.randint(12, 16)
    C.boldlab = r.random() < 0.4
    C.bg, C.wborder, C.gray = "#ffffff", "#333", True
    if fam == "tinted_page":
        C.tint = r.choice(TINTS)
        C.bg = C.tint[0]
        C.wborder = r.choice([C.tint[2], C.tint[0]])
        C.gray = False


def page_html(C, body):
    return (f'<!DOCTYPE html><html lang="{"zh-CN" if C.zh else "en"}"><head><meta charset="utf-8"><style>{base_css(C)}</style>'
            f'</head><body><div class="page">{body}</div></body></html>\n')


JS_PREPARE = r"""(() => {
  // ruled grids / tables onto whole pixels: every row a whole number of px, then the block's top
  for (const g of document.querySelectorAll('.snapc')) {
    const rows = g.tagName === 'TABLE' ? Array.from(g.rows) : Array.from(g.children);
    for (const el of rows) {
      const h = el.getBoundingClientRect().height;
      if (Math.abs(h - Math.round(h)) > 0.001) el.style.height = Math.ceil(h) + 'px';
    }
  }
  for (const g of document.querySelectorAll('.snap')) {
    const t = g.getBoundingClientRect().top, d = Math.ceil(t - 1e-6) - t;
    if (d > 0.001) g.style.marginTop = (parseFloat(getComputedStyle(g).marginTop) + d) + 'px';
  }
  return true;
})()"""

JS_EXTRACT = r"""(() => {
  const fl = v => Math.floor(v + 1e-6), ce = v => Math.ceil(v - 1e-6);
  const B = q => [fl(q.left), fl(q.top), ce(q.right), ce(q.bottom)];
  const T = el => {
    const rg = document.createRange(); rg.selectNodeContents(el);
    let x1 = 1e9, y1 = 1e9, x2 = -1e9, y2 = -1e9, n = 0;
    for (const q of rg.getClientRects()) {
      if (q.width < 0.5 || q.height < 0.5) continue;
      n++; x1 = Math.min(x1, q.left); y1 = Math.min(y1, q.top); x2 = Math.max(x2, q.right); y2 = Math.max(y2, q.bottom);
    }
    return n ? [fl(x1), fl(y1), ce(x2), ce(y2)] : null;
  };
  const cv = document.createElement('canvas').getContext('2d');
  const G = el => {
    const t = el.firstChild, rg = document.createRange();
    rg.setStart(t, 0); rg.setEnd(t, 1);
    const q = rg.getBoundingClientRect();
    const base = el.querySelector('.bl').getBoundingClientRect().bottom;
    const cs = getComputedStyle(el);
    cv.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
    const m = cv.measureText(t.data[0]);
    return [fl(q.left - m.actualBoundingBoxLeft), fl(base - m.actualBoundingBoxAscent),
            ce(q.left + m.actualBoundingBoxRight), ce(base + m.actualBoundingBoxDescent)];
  };
  const out = {order: [], fields: {}, decoys: [],
               W: document.documentElement.scrollWidth, H: document.documentElement.scrollHeight};
  const F = id => {
    if (!out.fields[id]) { out.fields[id] = {lb: null, inp: null, parts: [], ob: {}, ot: {}, c: null}; out.order.push(id); }
    return out.fields[id];
  };
  for (const el of document.querySelectorAll('[data-f]')) {
    const f = F(el.dataset.f), r = el.dataset.r;
    if (r === 'lb') f.lb = T(el);
    else if (r === 'in') f.inp = B(el.getBoundingClientRect());
    else if (r === 'pt') f.parts.push([el.dataset.part, B(el.getBoundingClientRect())]);
    else if (r === 'ob') f.ob[el.dataset.o] = B(el.getBoundingClientRect());
    else if (r === 'og') f.ob[el.dataset.o] = G(el);
    else if (r === 'ot') f.ot[el.dataset.o] = T(el);
  }
  for (const el of document.querySelectorAll('[data-c]')) F(el.dataset.c).c = B(el.getBoundingClientRect());
  for (const el of document.querySelectorAll('[data-decoy]')) out.decoys.push(B(el.getBoundingClientRect()));
  out.html = '<!DOCTYPE html>\n' + document.documentElement.outerHTML + '\n';
  return out;
})()"""


def part_value(iso, p, pad):
    if not iso:
        return ""
    y, m, d = iso[:4], iso[5:7], iso[8:]
    if p == "year":
        return y
    v = d if p == "day" else m
    return v if pad else str(int(v))


def assemble(C, data):
    byid = {f.id: f for f in C.fields}
    out = []
    for sid in data["order"]:
        f = byid.get(int(sid))
        if f is None:
            continue
        e = data["fields"][sid]
        d = {"label": f.label, "label_box": e["lb"]}
        if f.kind == "text":
            d.update(kind="text", input_box=e["inp"], key=f.key, value=f.value)
        elif f.kind == "date":
            d.update(kind="date", key=f.key, value=f.value, input_box=e["inp"] if not f.m["parts"] else None,
                     format=f.m["format"])
            d["parts"] = [{"part": p, "box": b, "value": part_value(f.value, p, f.m.get("pad", True))} for p, b in e["parts"]]
        else:
            d.update(kind="checkbox", style=OPT_STYLE[f.m["ostyle"]], input_box=None, key=f.key, value=f.value)
            d["options"] = [{"text": t, "text_box": e["ot"].get(str(k)), "box": e["ob"].get(str(k))} for k, t in enumerate(f.opts)]
        out.append(d)
    return out


def inter(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def inside(a, b, tol=1):
    return a[0] >= b[0] - tol and a[1] >= b[1] - tol and a[2] <= b[2] + tol and a[3] <= b[3] + tol


def gap(a, b):
    dx = max(0, b[0] - a[2], a[0] - b[2])
    dy = max(0, b[1] - a[3], a[1] - b[3])
    return max(dx, dy)


def check(C, data, fields, gray, W, H):
    import numpy as np
    errs = []
    byid = {f.id: f for f in C.fields}
    boxes = []  # (fid, role, box)
    for sid in data["order"]:
        f = byid[int(sid)]
        e = data["fields"][sid]
        if not e["lb"]:
            errs.append(f"{f.label}: no label box")
            continue
        boxes.append((f.id, "lb", e["lb"]))
        if f.kind == "text":
            if not e["inp"]:
                errs.append(f"{f.label}: no input")
            else:
                boxes.append((f.id, "in", e["inp"]))
        elif f.kind == "date":
            if f.m["parts"]:
                if [p for p, _ in e["parts"]] != f.m["parts"]:
                    errs.append(f"{f.label}: parts {e['parts']}")
                boxes += [(f.id, "pt" + p, b) for p, b in e["parts"]]
            elif not e["inp"]:
                errs.append(f"{f.label}: no date input")
            else:
                boxes.append((f.id, "in", e["inp"]))
        else:
            for k in range(len(f.opts)):
                ob, ot = e["ob"].get(str(k)), e["ot"].get(str(k))
                if not ob or not ot:
                    errs.append(f"{f.label}: option {k} missing")
                    continue
                boxes += [(f.id, f"ob{k}", ob), (f.id, f"ot{k}", ot)]
    for fid, role, b in boxes:
        if not (0 <= b[0] < b[2] <= W and 0 <= b[1] < b[3] <= H):
            errs.append(f"{byid[fid].label}/{role}: box {b} outside page {W}x{H}")
        if role in ("in",) or role.startswith("pt"):
            if b[2] - b[0] < 12 or b[3] - b[1] < 8:
                errs.append(f"{byid[fid].label}/{role}: tiny {b}")
    # overlaps
    for i in range(len(boxes)):
        fa, ra, a = boxes[i]
        for j in range(i + 1, len(boxes)):
            fb, rb, b = boxes[j]
            if not inter(a, b):
                continue
            if fa == fb and {ra, rb} == {"lb", "in"} and byid[fa].m.get("in") == "cell":
                lb, cell = (a, b) if ra == "lb" else (b, a)
                if inside(lb, cell, 0):
                    continue
            errs.append(f"overlap {byid[fa].label}/{ra} {a} ~ {byid[fb].label}/{rb} {b}")
    # label distance from other fields' boxes
    for fa, ra, a in boxes:
        if ra != "lb":
            continue
        for fb, rb, b in boxes:
            if fb == fa or rb == "lb":
                continue
            lim = MIN_GAP_CELL if (rb == "in" and byid[fb].m.get("in") == "cell") else MIN_GAP
            if gap(a, b) < lim:
                errs.append(f"label {byid[fa].label} {a} {gap(a, b)} px from {byid[fb].label}/{rb} {b}")
    # containers and decoys
    for sid in data["order"]:
        f = byid[int(sid)]
        cb = data["fields"][sid]["c"]
        for fid, role, b in boxes:
            if fid != f.id:
                continue
            if cb and not inside(b, cb, 1):
                errs.append(f"{f.label}/{role} {b} outside its container {cb}")
            for dcy in data["decoys"]:
                if inter(b, dcy):
                    errs.append(f"{f.label}/{role} {b} on a decoy {dcy}")
    # ink
    g = np.asarray(gray, dtype=np.int16)
    for fid, role, b in boxes:
        if role == "lb" or role.startswith("ot"):
            reg = g[b[1]:b[3], b[0]:b[2]]
            if reg.size == 0 or int((reg < 140).sum()) < 5:
                errs.append(f"{byid[fid].label}/{role}: no ink in {b}")
        if role.startswith("ob") and byid[fid].m.get("ostyle", "").startswith("glyph"):
            x1, y1 = max(0, b[0] - 3), max(0, b[1] - 3)
            reg = g[y1:b[3] + 3, x1:b[2] + 3]
            ys, xs = np.nonzero(reg < 170)
            if len(xs) == 0:
                errs.append(f"{byid[fid].label}/{role}: glyph without ink {b}")
                continue
            ink = [x1 + xs.min(), y1 + ys.min(), x1 + xs.max() + 1, y1 + ys.max() + 1]
            if max(abs(int(p) - q) for p, q in zip(ink, b)) > 2:
                errs.append(f"{byid[fid].label}/{role}: glyph box {b} vs ink {ink}")
    if data["W"] > W:
        errs.append(f"content wider than the page ({data['W']} > {W})")
    return errs


def layout_desc(C, fields):
    os_ = sorted({f.m["ostyle"] for f in C.fields if f.kind == "opt"})
    ds = sorted({f.m["dstyle"] for f in C.fields if f.kind == "date"})
    return (f"{C.fam} ({FAM_DESC[C.fam]}); options {', '.join(os_) or '-'}; dates {', '.join(ds) or '-'}; "
            f"{C.font_name} {C.fs}px")


def make_form(br, seed, i, out_dir):
    from PIL import Image
    lang = "en" if i % 2 else "zh"
    k = ((i - 1) // 2) % 22
    fam = FAMILIES[k % 11]
    theme = (EN_THEMES if lang == "en" else ZH_THEMES)[k]
    fid = f"f_{i:02d}"
    last = None
    for attempt in range(10):
        rc = random.Random(f"{seed}/{fid}/content")
        c = build_content(theme, lang, fam, rc)
        build_profile(c, rc)
        r = random.Random(f"{seed}/{fid}/draw/{attempt}")
        C = Ctx(c, r, fam)
        setup(C, font_schedule(seed, lang, (i + 1) // 2)[(i - 1) // 2])
        body = FAM_FN[fam](C)
        page = page_html(C, body)
        try:
            png, data, (W, H) = br.render(page, C.W, JS_EXTRACT, min_height=200, js_prepare=JS_PREPARE)
        except CDPError as e:
            last = [str(e)]
            if DEBUG:
                print(f"  {fid} attempt {attempt}: {e}", file=sys.stderr)
            continue
        im = Image.open(io.BytesIO(png)).convert("RGB")
        errs = check(C, data, None, im.convert("L"), W, H)
        path_png = os.path.join(out_dir, fid + ".png")
        if not errs:
            save_png(png, path_png, grayscale=C.gray)
            if os.path.getsize(path_png) > MAX_PNG:
                errs.append(f"PNG {os.path.getsize(path_png)} bytes")
                os.remove(path_png)
        if errs:
            last = errs
            if DEBUG:
                print(f"  {fid} attempt {attempt}: {len(errs)} problems: " + " | ".join(errs[:6]), file=sys.stderr)
                with open(f"/tmp/heldout_f_debug_{fid}_{attempt}.html", "w", encoding="utf-8") as fh:
                    fh.write(page)
            continue
        fields = assemble(C, data)
        gt = {"id": fid, "lang": lang, "width": W, "height": H, "image": fid + ".png",
              "layout": layout_desc(C, fields), "profile": c.profile, "fields": fields}
        if c.hard_case:
            gt["hard_case"] = c.hard_case
        with open(os.path.join(out_dir, fid + ".json"), "w", encoding="utf-8") as fh:
            json.dump(gt, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
        with open(os.path.join(out_dir, fid + ".html"), "w", encoding="utf-8") as fh:
            fh.write(data["html"])
        return C, gt, attempt
    raise SystemExit(f"{fid}: no valid draw after 10 attempts; last problems:\n  " + "\n  ".join(last[:20]))


def summarize(results, out_dir):
    tot = Counter()
    dst, ost, ist, arr = Counter(), Counter(), Counter(), Counter()
    fams = Counter()
    keyed = unfill = yn = hard = gray = 0
    dkeyed = dnull = onebox = inparts = 0
    maxpng = 0
    for C, gt, att in results:
        L = gt["lang"]
        fams[C.fam] += 1
        if gt.get("hard_case"):
            hard += 1
        with Image_open(os.path.join(out_dir, gt["image"])) as im:
            gray += im.mode == "L"
        maxpng = max(maxpng, os.path.getsize(os.path.join(out_dir, gt["image"])))
        byid = {f.id: f for f in C.fields}
        for f in byid.values():
            kind = {"text": "text", "date": "date", "opt": "checkbox"}[f.kind]
            tot[kind, L] += 1
            if f.key:
                keyed += 1
                unfill += f.value is None
            if f.kind == "date":
                dst[DATE_TAG[f.m["dstyle"]], L] += 1
                if f.key:
                    dkeyed += 1
                else:
                    dnull += 1
                if f.m["parts"]:
                    inparts += 1
                else:
                    onebox += 1
            elif f.kind == "opt":
                ost[f.m["ostyle"], L] += 1
                arr[f.m.get("arr", "row")] += 1
                yn += bool(f.yn)
            else:
                ist[f.m.get("in", "?"), L] += 1
    n = sum(tot.values())
    print(f"{len(results)} forms, {n} fields")
    for kind in ("text", "date", "checkbox"):
        print(f"  {kind}: {tot[kind, 'en'] + tot[kind, 'zh']} ({tot[kind, 'en']} en / {tot[kind, 'zh']} zh)")
    print(f"  keyed {keyed}, unfillable {unfill}; hard cases {hard}; dates keyed {dkeyed}, key null {dnull}; "
          f"one-box {onebox}, in parts {inparts}; yes/no groups {yn}")
    for name, cnt in (("date styles", dst), ("option styles", ost), ("text inputs", ist)):
        print(f"  {name} (en / zh):")
        for s in sorted({k[0] for k in cnt}):
            print(f"    {s}: {cnt[s, 'en']} / {cnt[s, 'zh']}")
    print(f"  option arrangements: {dict(sorted(arr.items()))}")
    print(f"  families: {dict(fams)}")
    print(f"  PNG max {maxpng // 1024} KB, {gray} of {len(results)} grayscale")


def Image_open(p):
    from PIL import Image
    return Image.open(p)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="/tmp/forms_heldout_f")
    ap.add_argument("--seed", type=int, default=606)
    ap.add_argument("--count", type=int, default=44)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    t0 = time.time()
    results = []
    with Browser() as br:
        for i in range(1, args.count + 1):
            C, gt, att = make_form(br, args.seed, i, args.out)
            results.append((C, gt, att))
            print(f"{gt['id']} {gt['lang']} {C.fam:20s} {gt['width']}x{gt['height']} {len(gt['fields'])} fields"
                  f"{'' if not att else f' (draw {att + 1})'}")
    summarize(results, args.out)
    print(f"done in {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
