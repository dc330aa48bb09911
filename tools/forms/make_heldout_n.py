#!/usr/bin/env python3
"""Held-out form corpus N: ordinary blank forms (English + Simplified Chinese) in the v2 format.

    python3 tools/forms/make_heldout_n.py --out /tmp/forms_heldout_n --seed 1414 --count 44
    python3 tools/forms/make_scans.py --in /tmp/forms_heldout_n --seed 211

Writes n_01 ... n_NN (odd numbers English, even numbers Simplified Chinese): <id>.html (the
source that was laid out), <id>.png (headless Chromium, device scale factor 1, page height =
document height) and <id>.json (v2 ground truth, tests/fixtures/forms_tune/README.md). Every box
is read from the DOM after layout (getBoundingClientRect / Range rects; x1/y1 floored, x2/y2
ceiled; glyph options: canvas measureText with the element's computed font at the glyph's DOM
position and baseline).

Eleven layout families (each on 2 English and 2 Chinese forms of a 44-form run): ruledlist,
segrow, aside, govuk, panels2, flowbox, framedgrid, gform, worddoc, claim, refbox (see
tools/forms/README.md, "Corpus N"). Each form is checked after rendering (boxes inside the page,
no overlapping boxes of different fields, labels away from other fields, DOM label text equal
to the JSON label, ink in labels / option texts, glyph boxes on their ink, date parts left to
right, nothing overflowing its cell, PNG size, v2 schema); a form that fails is drawn again with
other cosmetic choices (up to 8 times), then the script stops. Deterministic for a seed.
HELDOUT_N_DEBUG=1 prints rejected attempts and keeps their HTML / PNG in /tmp/heldout_n_debug/.
"""

import argparse
import html
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

DEBUG = os.environ.get("HELDOUT_N_DEBUG") == "1"
DEBUG_DIR = "/tmp/heldout_n_debug"
MAX_PNG = 200 * 1024
ATTEMPTS = 8

FAMILIES = ["ruledlist", "segrow", "aside", "govuk", "panels2", "flowbox",
            "framedgrid", "gform", "worddoc", "claim", "refbox"]

EN_FONTS = ["'Liberation Sans'", "'Liberation Serif'", "'Liberation Sans Narrow'", "'DejaVu Sans'",
            "'DejaVu Serif'", "'Noto Sans'", "'Noto Serif'"]
ZH_FONTS = ["'Noto Sans CJK SC'", "'Noto Serif CJK SC'", "'WenQuanYi Zen Hei'",
            "'Liberation Serif', 'Noto Serif CJK SC'", "'DejaVu Sans', 'WenQuanYi Zen Hei'",
            "'Noto Sans', 'Noto Sans CJK SC'"]

# ----------------------------------------------------------------------------------------------
# people
# ----------------------------------------------------------------------------------------------

EN_FIRST_M = ["James", "Thomas", "Daniel", "Oliver", "Samuel", "Henry", "George", "Matthew",
              "Ryan", "Adam", "Owen", "Luke", "Nathan", "Callum", "Peter", "Michael"]
EN_FIRST_F = ["Emily", "Sophie", "Hannah", "Chloe", "Olivia", "Grace", "Lucy", "Charlotte",
              "Rachel", "Megan", "Amelia", "Laura", "Rebecca", "Jessica", "Isabel", "Naomi"]
EN_LAST = ["Carter", "Wilson", "Hughes", "Bennett", "Patel", "Shaw", "Morgan", "Turner",
           "Fletcher", "Walsh", "Reid", "Doyle", "Harrison", "Lawson", "Porter", "Gallagher",
           "Kaur", "Mitchell", "Holloway", "Barnes", "O'Neill", "Sutton", "Kelly", "Ward"]

UK_PLACES = [("Leeds", "LS6 2AB"), ("Bristol", "BS7 8QT"), ("Norwich", "NR2 3HJ"),
             ("Cardiff", "CF24 4RT"), ("York", "YO10 5DD"), ("Exeter", "EX4 6PX"),
             ("Sheffield", "S10 2TN"), ("Brighton", "BN2 1RE"), ("Nottingham", "NG7 1FB"),
             ("Leicester", "LE2 7QA"), ("Reading", "RG1 5AN"), ("Bath", "BA2 4LN"),
             ("Preston", "PR1 8JS"), ("Derby", "DE22 3HH"), ("Glasgow", "G12 8QQ")]
US_PLACES = [("Portland", "97205"), ("Austin", "78704"), ("Denver", "80203"),
             ("Columbus", "43215"), ("Madison", "53703"), ("Raleigh", "27601"),
             ("Tucson", "85719"), ("Richmond", "23220")]
AU_PLACES = [("Brisbane", "4000"), ("Adelaide", "5006"), ("Hobart", "7000"),
             ("Geelong", "3220"), ("Newcastle", "2300"), ("Perth", "6000")]
UK_STREETS = ["Mill Lane", "Kingsway", "Church Road", "Victoria Street", "Park Avenue",
              "Station Road", "Elm Grove", "Queen's Drive", "Highfield Road", "Meadow Close",
              "Oak Crescent", "Windsor Terrace"]
US_STREETS = ["Maple Avenue", "Oak Street", "Lincoln Boulevard", "Cedar Lane", "Pine Street",
              "Washington Avenue", "Hillcrest Drive", "Lake Road"]
EN_JOBS = ["Pharmacist", "Primary school teacher", "Software developer", "Staff nurse",
           "Accountant", "Electrician", "Graphic designer", "Civil engineer", "Sales manager",
           "Paramedic", "Librarian", "Dental hygienist", "Chef", "Logistics coordinator",
           "Physiotherapist", "Marketing executive"]
EN_EMPLOYERS = ["Boots UK Ltd", "Leeds City Council", "Northern Care NHS Trust",
                "Greenfield Primary School", "Atlas Engineering Ltd", "Brightwave Media Ltd",
                "Harbour Logistics plc", "Kestrel Software Ltd", "St Anne's Hospital",
                "Redline Electrical Services", "Meridian Hotels Group", "Cobalt Design Studio"]
US_EMPLOYERS = ["Cascade Health Partners", "Lone Star Credit Union", "Summit Outdoor Co.",
                "Riverbend School District", "Pioneer Freight Inc.", "Blue Mesa Software"]
AU_EMPLOYERS = ["Queensland Health", "Coastline Builders Pty Ltd", "Harbourview Medical Centre",
                "Southern Cross Freight", "Wattle Creek Primary School"]

CN_SURNAMES = [("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"),
               ("杨", "Yang"), ("赵", "Zhao"), ("黄", "Huang"), ("周", "Zhou"), ("吴", "Wu"),
               ("徐", "Xu"), ("孙", "Sun"), ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"),
               ("郭", "Guo"), ("何", "He"), ("林", "Lin"), ("罗", "Luo"), ("高", "Gao")]
CN_GIVEN_M = [("伟", "Wei"), ("强", "Qiang"), ("磊", "Lei"), ("军", "Jun"), ("洋", "Yang"),
              ("杰", "Jie"), ("涛", "Tao"), ("明", "Ming"), ("浩然", "Haoran"), ("子轩", "Zixuan"),
              ("宇航", "Yuhang"), ("建华", "Jianhua"), ("志强", "Zhiqiang"), ("俊杰", "Junjie")]
CN_GIVEN_F = [("芳", "Fang"), ("娜", "Na"), ("敏", "Min"), ("静", "Jing"), ("丽", "Li"),
              ("婷", "Ting"), ("雪", "Xue"), ("欣怡", "Xinyi"), ("梓涵", "Zihan"), ("雨桐", "Yutong"),
              ("晓燕", "Xiaoyan"), ("佳琪", "Jiaqi"), ("慧敏", "Huimin"), ("思雨", "Siyu")]
CN_PLACES = [  # city, district, region code, postcode, streets
    ("北京市", "朝阳区", "110105", "100020", ["建国路88号院3号楼1单元502室", "望京西园二区212号楼1103室"]),
    ("上海市", "徐汇区", "310104", "200030", ["漕溪北路595号12楼", "天钥桥路380弄6号402室"]),
    ("广州市", "天河区", "440106", "510630", ["天河路385号太古汇1座", "体育东路118号1506房"]),
    ("深圳市", "南山区", "440305", "518057", ["科技园南路15号", "南海大道2163号来福士广场"]),
    ("杭州市", "西湖区", "330106", "310012", ["文三路478号华星时代广场A座", "古墩路701号紫金广场B座903室"]),
    ("南京市", "玄武区", "320102", "210018", ["中山路18号德基广场二期", "珠江路688号1栋2201室"]),
    ("成都市", "武侯区", "510107", "610041", ["人民南路四段19号", "科华北路62号力宝大厦南楼8层"]),
    ("武汉市", "武昌区", "420106", "430061", ["中南路99号保利广场1208室", "中北路109号1818中心2号楼"]),
    ("西安市", "雁塔区", "610113", "710061", ["小寨东路126号百隆广场", "长安南路563号2单元1602室"]),
    ("青岛市", "市南区", "370202", "266071", ["香港中路76号颐中皇冠假日", "东海西路17号3号楼1201户"]),
    ("天津市", "和平区", "120101", "300041", ["南京路189号津汇广场2座", "营口道29号7门301"]),
    ("长沙市", "岳麓区", "430104", "410006", ["麓山南路932号", "枫林三路98号1栋1105"]),
    ("厦门市", "思明区", "350203", "361001", ["湖滨南路90号立信广场", "莲前西路2号莲富大厦17楼"]),
    ("重庆市", "渝中区", "500103", "400010", ["民族路188号环球金融中心", "解放碑邹容路68号大都会东方广场"]),
]
CN_JOBS = ["软件工程师", "会计", "中学教师", "护士", "销售经理", "公务员", "平面设计师", "医生",
           "律师", "行政专员", "电气工程师", "人力资源专员", "药剂师", "项目经理", "快递员"]
CN_EMPLOYERS = ["华为技术有限公司", "中国银行股份有限公司北京分行", "杭州市第二中学", "上海瑞金医院",
                "腾讯科技（深圳）有限公司", "成都市武侯区人民政府", "万科物业服务有限公司",
                "南京医科大学第一附属医院", "中建三局集团有限公司", "顺丰速运有限公司",
                "青岛啤酒股份有限公司", "长沙市岳麓区教育局", "厦门航空有限公司"]
CN_REL = ["父亲", "母亲", "配偶", "哥哥", "姐姐", "朋友"]

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def cn_id(region, iso, male, rng):
    body = region + iso.replace("-", "") + "%02d" % rng.randint(0, 99)
    body += str(rng.choice([1, 3, 5, 7, 9]) if male else rng.choice([0, 2, 4, 6, 8]))
    s = sum(int(c) * w for c, w in zip(body, ID_WEIGHTS)) % 11
    return body + "10X98765432"[s]


def cn_id_ok(v, iso, male):
    if len(v) != 18 or not v[:17].isdigit():
        return False
    s = sum(int(c) * w for c, w in zip(v[:17], ID_WEIGHTS)) % 11
    return v[17] == "10X98765432"[s] and v[6:14] == iso.replace("-", "") and (int(v[16]) % 2 == 1) == male


def rand_date(rng, y0, y1):
    y = rng.randint(y0, y1)
    m = rng.randint(1, 12)
    d = rng.randint(1, [31, 29 if y % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1])
    return "%04d-%02d-%02d" % (y, m, d)


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def spell_date(iso, style):
    y, m, d = (int(x) for x in iso.split("-"))
    if style == "iso":
        return iso
    if style == "zh":
        return "%d年%d月%d日" % (y, m, d)
    if style == "dot":
        return "%04d.%02d.%02d" % (y, m, d)
    if style == "dmy":
        return "%d %s %d" % (d, MONTHS[m - 1], y)
    if style == "mdy":
        return "%s %d, %d" % (MONTHS[m - 1], d, y)
    if style == "slash":
        return "%02d/%02d/%04d" % (d, m, y)
    raise ValueError(style)


def person_en(rng, loc):
    male = rng.random() < 0.5
    dob = rand_date(rng, 1952, 2004)
    p = {"male": male, "date_of_birth": dob}
    if loc == "cn":
        s, sp = rng.choice(CN_SURNAMES)
        g, gp = rng.choice(CN_GIVEN_M if male else CN_GIVEN_F)
        p.update(first_name=gp, last_name=sp, name=f"{gp} {sp}" if rng.random() < 0.3 else f"{sp} {gp}",
                 nationality="Chinese", passport_number="E%08d" % rng.randint(10000000, 99999999),
                 id_number=cn_id(rng.choice(CN_PLACES)[2], dob, male, rng))
        city, pc = rng.choice(UK_PLACES)
        p.update(city=city, postcode=pc, address=f"{rng.randint(2, 98)} {rng.choice(UK_STREETS)}",
                 phone="07%03d %06d" % (rng.randint(700, 999), rng.randint(100000, 999999)),
                 email=f"{sp.lower()}.{gp.lower()}{rng.randint(1, 99)}@{rng.choice(['gmail.com', 'outlook.com', '163.com'])}",
                 occupation=rng.choice(EN_JOBS), employer=rng.choice(EN_EMPLOYERS),
                 emergency_contact=f"{rng.choice(CN_SURNAMES)[1]} {rng.choice(CN_GIVEN_F + CN_GIVEN_M)[1]} "
                                   f"07{rng.randint(700, 999)} {rng.randint(100000, 999999)}")
        return p
    first = rng.choice(EN_FIRST_M if male else EN_FIRST_F)
    last = rng.choice(EN_LAST)
    p.update(first_name=first, last_name=last, name=f"{first} {last}")
    ec_first = rng.choice(EN_FIRST_F + EN_FIRST_M)
    mail_dom = {"uk": ["gmail.com", "outlook.com", "btinternet.com", "yahoo.co.uk"],
                "us": ["gmail.com", "yahoo.com", "outlook.com"],
                "au": ["gmail.com", "bigpond.com", "outlook.com"]}[loc]
    p["email"] = rng.choice([f"{first.lower()}.{last.lower()}", f"{first[0].lower()}{last.lower()}{rng.randint(1, 99)}",
                             f"{first.lower()}{rng.randint(70, 99)}"]).replace("'", "") + "@" + rng.choice(mail_dom)
    p["passport_number"] = "%09d" % rng.randint(100000000, 999999999) if loc != "au" else "P%07d" % rng.randint(1000000, 9999999)
    if loc == "uk":
        city, pc = rng.choice(UK_PLACES)
        L = "ABCEGHJKLMNPRSTWXYZ"
        p.update(city=city, postcode=pc, nationality=rng.choice(["British", "British", "Irish"]),
                 address=rng.choice([f"{rng.randint(2, 140)} {rng.choice(UK_STREETS)}",
                                     f"Flat {rng.randint(1, 12)}, {rng.randint(2, 90)} {rng.choice(UK_STREETS)}"]),
                 phone=rng.choice(["07700 900%03d", "+44 7700 900%03d", "0113 496 0%03d"]) % rng.randint(0, 999),
                 id_number="%s%s %02d %02d %02d %s" % (rng.choice(L), rng.choice(L), rng.randint(10, 99),
                                                        rng.randint(10, 99), rng.randint(10, 99), rng.choice("ABCD")),
                 occupation=rng.choice(EN_JOBS), employer=rng.choice(EN_EMPLOYERS),
                 emergency_contact=f"{ec_first} {last} 07700 900{rng.randint(100, 999)}")
    elif loc == "us":
        city, pc = rng.choice(US_PLACES)
        p.update(city=city, postcode=pc, nationality="American",
                 address=f"{rng.randint(100, 9800)} {rng.choice(US_STREETS)}" + rng.choice(["", f", Apt {rng.randint(1, 40)}"]),
                 phone="(%03d) 555-01%02d" % (rng.choice([503, 512, 303, 614, 608, 919]), rng.randint(0, 99)),
                 id_number="%03d-%02d-%04d" % (rng.randint(100, 665), rng.randint(10, 99), rng.randint(1000, 9999)),
                 occupation=rng.choice(EN_JOBS), employer=rng.choice(US_EMPLOYERS),
                 emergency_contact=f"{ec_first} {last} (555) 01{rng.randint(10, 99)}")
    else:
        city, pc = rng.choice(AU_PLACES)
        p.update(city=city, postcode=pc, nationality="Australian",
                 address=f"{rng.randint(2, 200)} {rng.choice(UK_STREETS)}",
                 phone="04%02d %03d %03d" % (rng.randint(10, 99), rng.randint(100, 999), rng.randint(100, 999)),
                 id_number="%d %d" % (rng.randint(1000, 9999), rng.randint(10000, 99999)),
                 occupation=rng.choice(EN_JOBS), employer=rng.choice(AU_EMPLOYERS),
                 emergency_contact=f"{ec_first} {last} 04{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}")
    return p


def person_zh(rng):
    male = rng.random() < 0.5
    dob = rand_date(rng, 1952, 2004)
    s, sp = rng.choice(CN_SURNAMES)
    g, gp = rng.choice(CN_GIVEN_M if male else CN_GIVEN_F)
    city, dist, region, pc, streets = rng.choice(CN_PLACES)
    phone = rng.choice(["138", "139", "135", "150", "186", "177", "159", "131"]) + "%08d" % rng.randint(0, 99999999)
    es, _ = rng.choice(CN_SURNAMES)
    eg, _ = rng.choice(CN_GIVEN_F + CN_GIVEN_M)
    ephone = rng.choice(["137", "136", "158", "189"]) + "%08d" % rng.randint(0, 99999999)
    return {"male": male, "date_of_birth": dob, "name": s + g, "last_name": s, "first_name": g,
            "nationality": "中国", "id_number": cn_id(region, dob, male, rng),
            "passport_number": "E%08d" % rng.randint(10000000, 99999999),
            "phone": phone, "email": f"{sp.lower()}{gp.lower()}{rng.randint(1, 999)}@{rng.choice(['163.com', 'qq.com', '126.com', 'sina.com'])}",
            "address": city + dist + rng.choice(streets), "city": city, "postcode": pc,
            "occupation": rng.choice(CN_JOBS), "employer": rng.choice(CN_EMPLOYERS),
            "emergency_contact": rng.choice([f"{es}{eg} {ephone}", f"{es}{eg}（{rng.choice(CN_REL)}）{ephone}"])}


# profile key spellings (canonical first)
KEY_EN = {
    "name": ["name", "full_name", "Full name", "Name", "applicant_name"],
    "first_name": ["first_name", "firstName", "given_name", "forename", "First name"],
    "last_name": ["last_name", "surname", "lastName", "family_name", "Last name"],
    "id_number": ["id_number", "ID", "ID number", "id_no"],
    "passport_number": ["passport_number", "passport_no", "Passport No.", "passport"],
    "phone": ["phone", "Mobile", "mobile", "tel", "cell", "mobile_phone"],
    "email": ["email", "E-mail", "Email", "mail"],
    "address": ["address", "home_address", "Address", "residential_address"],
    "city": ["city", "town", "City"],
    "postcode": ["postcode", "zip", "postal_code", "post_code"],
    "date_of_birth": ["date_of_birth", "dob", "DOB", "birth_date"],
    "gender": ["gender", "sex", "Sex", "Gender"],
    "nationality": ["nationality", "citizenship"],
    "occupation": ["occupation", "job", "job_title", "profession"],
    "employer": ["employer", "company", "employer_name", "work_place"],
    "emergency_contact": ["emergency_contact", "ice_contact", "ICE", "emergency"],
    "date": ["date", "today", "date_signed", "signing_date"],
}
KEY_ZH = {
    "name": ["姓名"], "first_name": ["名"], "last_name": ["姓"],
    "id_number": ["身份证号码", "身份证号"], "passport_number": ["护照号码"],
    "phone": ["手机", "联系电话"], "email": ["邮箱", "电子邮箱"], "address": ["地址", "住址"],
    "city": ["城市"], "postcode": ["邮编", "邮政编码"], "date_of_birth": ["出生日期", "生日"],
    "gender": ["性别"], "nationality": ["国籍"], "occupation": ["职业"], "employer": ["工作单位"],
    "emergency_contact": ["紧急联系人"], "date": ["日期"],
}
EXTRAS_EN = [("marital_status", ["Married", "Single"]), ("blood_type", ["A+", "O-", "B+"]),
             ("middle_name", ["Anne", "John", "Marie"]), ("car_registration", ["LK19 XFT", "BD68 KRV"]),
             ("preferred_language", ["English", "Welsh"]), ("loyalty_number", ["LC-448120", "LC-903317"])]
EXTRAS_ZH = [("婚姻状况", ["已婚", "未婚"]), ("民族", ["汉族", "回族", "满族"]), ("学历", ["本科", "硕士研究生", "大专"]),
             ("政治面貌", ["群众", "中共党员"]), ("车牌号", ["粤B·7K2M9", "京N·3H881"]), ("微信号", ["lucky_2024", "sunny_day88"])]

# ----------------------------------------------------------------------------------------------
# themes: title, issuer, theme section, key-null texts (label, size), dates, option groups
# ----------------------------------------------------------------------------------------------

def T(key, title, issuer, sec, texts, dates, groups, work=False, loc="uk", code=None):
    return dict(key=key, title=title, issuer=issuer, sec=sec, texts=texts, dates=dates,
                groups=groups, work=work, loc=loc, code=code)


YN = ["Yes", "No"]
SF = ["是", "否"]
EN_THEMES = [
    T("gp", "New Patient Registration", "Riverside Medical Practice", "Health details",
      [("NHS number", "s"), ("Previous GP surgery", "l"), ("Previous address (last 2 years)", "xl"), ("Current medication", "xl")],
      ["Date you moved to this area", "Date of last health check"],
      [("Do you smoke?", ["Yes", "No", "Ex-smoker"]), ("Do you need an interpreter?", YN), ("Blood group (if known)", ["A", "B", "AB", "O"])], code="GMS1"),
    T("badge", "Blue Badge Application", "Northfield County Council", "About your condition",
      [("Vehicle registration number", "s"), ("Name of your GP", "m"), ("Medical condition", "xl"), ("Current badge number", "s")],
      ["Date of diagnosis", "Expiry date of current badge"],
      [("Do you have a Blue Badge now?", YN), ("How far can you walk?", ["Under 50 m", "50-100 m", "Over 100 m"]), ("Do you get the higher rate mobility component?", YN)], code="BB-01"),
    T("garden", "Garden Waste Collection Subscription", "Westbrook Borough Council", "Your subscription",
      [("Council tax account number", "m"), ("Number of bins required", "xs"), ("Where will the bin be left?", "l")],
      ["Preferred start date"],
      [("Bin size", ["140 litre", "240 litre"]), ("Payment method", ["Direct Debit", "Card", "Cheque"])], code="GW/24"),
    T("standing", "Standing Order Mandate", "Harbour Building Society", "Payment instructions",
      [("Payee name", "m"), ("Payee sort code", "s"), ("Payee account number", "s"), ("Payment reference", "m"), ("Amount (£)", "xs")],
      ["Date of first payment", "Date of final payment"],
      [("Frequency", ["Weekly", "Monthly", "Quarterly", "Annually"]), ("Account type", ["Current", "Savings"])], code="SO-3"),
    T("joint", "Add a Joint Account Holder", "Northgate Bank", "About the account",
      [("Existing account number", "s"), ("Sort code", "s"), ("Name of existing account holder", "m"), ("Relationship to account holder", "m")],
      ["At current address since"],
      [("Marital status", ["Single", "Married", "Civil partner", "Other"]), ("Residential status", ["Homeowner", "Tenant", "Living with parents"])], code="JAH 07"),
    T("phoneclaim", "Mobile Phone Insurance Claim", "Shieldwise Gadget Cover", "About the incident",
      [("Policy number", "s"), ("Make and model", "m"), ("IMEI number", "m"), ("Where did it happen?", "xl"), ("Police crime reference (if stolen)", "m")],
      ["Date of incident", "Date reported"],
      [("Type of claim", ["Accidental damage", "Theft", "Loss", "Breakdown"]), ("Is the phone insured elsewhere?", YN)], code="CLM-M2"),
    T("season", "Season Ticket Application", "Midland Rail", "Ticket details",
      [("From station", "m"), ("To station", "m"), ("Photocard number", "s"), ("Route (if any)", "m")],
      ["Start date"],
      [("Ticket type", ["Weekly", "Monthly", "Annual"]), ("Class", ["Standard", "First"])], code="ST10"),
    T("baggage", "Delayed Baggage Report", "Skyline Airways", "Flight and baggage",
      [("Flight number", "xs"), ("Baggage tag number", "s"), ("Bag colour and type", "m"), ("Temporary delivery address", "xl"), ("File reference", "s")],
      ["Date of travel"],
      [("Bag type", ["Suitcase", "Backpack", "Holdall", "Other"]), ("Was the bag locked?", YN)], loc="any", code="PIR"),
    T("meals", "Free School Meals Application", "Eastvale City Council - Education", "About your child",
      [("Child's full name", "m"), ("School name", "l"), ("Year group", "xs"), ("Benefit reference number", "s")],
      ["Child's date of birth"],
      [("Benefit you receive", ["Universal Credit", "Income Support", "Jobseeker's Allowance", "Other"]), ("Relationship to child", ["Parent", "Guardian", "Carer"])], code="FSM1"),
    T("remark", "Exam Re-mark Request", "Oakridge Sixth Form College", "About the exam",
      [("Candidate number", "s"), ("Centre number", "s"), ("Subject and paper code", "m"), ("Reason for request", "xl")],
      ["Date of exam"],
      [("Service required", ["Clerical re-check", "Review of marking", "Copy of script"]), ("Priority", ["Standard", "Priority"])], code="EX-RM"),
    T("flex", "Flexible Working Request", "Corran Industries Ltd - People Team", "Your request",
      [("Employee number", "s"), ("Department", "m"), ("Line manager", "m"), ("Current working pattern", "xl"), ("Requested working pattern", "xl")],
      ["Proposed start date", "Date of previous request"],
      [("Have you made a request in the last 12 months?", YN), ("Type of change", ["Hours", "Times", "Location"])], work=True, code="HR-FW"),
    T("bankdet", "Change of Bank Details", "Corran Industries Ltd - Payroll", "New bank details",
      [("Employee number", "s"), ("Bank name", "m"), ("Account name", "m"), ("Sort code", "s"), ("Account number", "s")],
      ["Effective date"],
      [("Pay frequency", ["Weekly", "Monthly"]), ("Is this a building society account?", YN)], work=True, code="PAY-4"),
    T("meter", "Water Meter Installation Request", "Clearwater Water Services", "Your property",
      [("Customer reference", "s"), ("Number of occupants", "xs"), ("Location of stop tap", "l")],
      ["Date you moved in", "Preferred survey date"],
      [("Property type", ["House", "Flat", "Bungalow", "Other"]), ("Do you share a water supply?", ["Yes", "No", "Not sure"])], code="WM-22"),
    T("gascheck", "Gas Safety Check Booking", "HomeHeat Energy", "Appliances and access",
      [("Account number", "s"), ("Number of gas appliances", "xs"), ("Boiler make and model", "m"), ("Access instructions", "xl")],
      ["Preferred date", "Date of last safety check"],
      [("Preferred time", ["Morning", "Afternoon"]), ("Are you the landlord?", YN)], code="GSC"),
    T("storecard", "Store Card Application", "Hartwell & Co. Department Stores", "Your finances",
      [("Annual income ($)", "s"), ("Monthly rent or mortgage ($)", "s"), ("Years at this address", "xs")],
      ["Date you joined your employer"],
      [("Residential status", ["Owner", "Renting", "Living with family"]), ("Employment status", ["Full-time", "Part-time", "Self-employed", "Retired"])], work=True, loc="us", code="HC-200"),
    T("delivery", "Delivery Booking Form", "Oakline Furniture", "Delivery details",
      [("Order number", "s"), ("Items to be delivered", "xl"), ("Floor and elevator access", "m"), ("Parking restrictions", "l")],
      ["Preferred delivery date"],
      [("Time slot", ["8am-12pm", "12pm-4pm", "4pm-8pm"]), ("Assembly required?", YN)], loc="us", code="DLV-5"),
    T("lens", "Contact Lens Registration", "Clearview Optometrists", "Your eyes",
      [("Optometrist's name", "m"), ("Current lens brand", "m"), ("Prescription (R / L)", "m")],
      ["Date of last eye test"],
      [("Lens type", ["Daily", "Monthly", "Extended wear"]), ("Do you also wear glasses?", YN)], loc="au", code="CL-1"),
    T("travelhealth", "Pre-travel Health Assessment", "Harbourside Travel Clinic", "Your trip",
      [("Countries to be visited", "xl"), ("Purpose of trip", "m"), ("Known allergies", "l"), ("Current medication", "l")],
      ["Departure date", "Return date"],
      [("Type of travel", ["Business", "Holiday", "Visiting family", "Volunteering"]), ("Are you pregnant?", ["Yes", "No", "Not applicable"])], loc="au", code="TH-7"),
    T("coach", "Coach Tour Booking Form", "Heritage Coach Holidays", "Tour details",
      [("Tour name", "l"), ("Tour code", "xs"), ("Pick-up point", "m"), ("Dietary requirements", "l"), ("Sharing a room with", "m")],
      ["Departure date"],
      [("Room type", ["Single", "Twin", "Double"]), ("Do you need travel insurance?", YN)], code="HCH-B"),
    T("training", "Training Course Nomination", "Corran Industries Ltd - Learning & Development", "Course details",
      [("Employee number", "s"), ("Department", "m"), ("Course title", "l"), ("Course provider", "m"), ("Cost (£)", "xs")],
      ["Course start date"],
      [("Course type", ["Internal", "External", "Online"]), ("Approved by line manager?", YN)], work=True, code="LD-02"),
    T("homeclaim", "Home Insurance Claim Form", "Keystone Home Insurance", "About the damage",
      [("Policy number", "s"), ("Cause of damage", "l"), ("Rooms affected", "l"), ("Estimated cost (£)", "xs")],
      ["Date of loss", "Date damage was noticed"],
      [("Type of cover", ["Buildings", "Contents", "Both"]), ("Is the property occupied?", YN)], code="HIC-9"),
    T("taxrefund", "Tax Refund Claim", "Revenue Services Office", "About your claim",
      [("Unique Taxpayer Reference", "s"), ("Employer PAYE reference", "s"), ("Amount claimed (£)", "xs"), ("Reason for claim", "xl")],
      ["Date employment ended"],
      [("Tax year", ["2022-23", "2023-24", "2024-25"]), ("Payment by", ["Bank transfer", "Cheque"])], work=True, code="R40N"),
]

ZH_THEMES = [
    T("family_doc", "家庭医生签约服务登记表", "滨江街道社区卫生服务中心", "健康信息",
      [("医保卡号", "s"), ("签约医生", "s"), ("既往病史", "xl"), ("过敏史", "l")],
      ["建档日期"],
      [("签约服务包", ["基础包", "慢病包", "老年包"]), ("是否患有慢性病", SF)]),
    T("disab_park", "残疾人专用停车证申请表", "市公安局交通警察支队", "车辆及证件信息",
      [("机动车号牌号码", "s"), ("残疾人证号", "l"), ("车辆品牌型号", "m")],
      ["驾驶证有效期至", "残疾人证发证日期"],
      [("残疾类别", ["肢体", "视力", "听力", "其他"]), ("申请类型", ["新办", "换证", "补办"])]),
    T("recycle", "再生资源上门回收预约单", "绿源再生资源回收服务站", "回收信息",
      [("小区名称", "m"), ("楼栋门牌号", "s"), ("回收物品", "l"), ("预计重量（公斤）", "xs")],
      ["预约日期"],
      [("回收时段", ["上午", "下午", "晚上"]), ("物品类别", ["纸类", "塑料", "金属", "家电"])]),
    T("transfer", "定期转账授权书", "东海商业银行", "转账信息",
      [("付款账号", "m"), ("收款人户名", "m"), ("收款账号", "m"), ("收款银行", "m"), ("每期金额（元）", "s")],
      ["首次扣款日期", "授权截止日期"],
      [("转账周期", ["每周", "每月", "每季度"]), ("账户类型", ["借记卡", "存折"])]),
    T("acct_change", "个人客户信息变更申请表", "东海商业银行", "变更信息",
      [("账号", "m"), ("原预留手机号", "s"), ("变更事项说明", "xl")],
      ["开户日期"],
      [("变更类型", ["手机号", "地址", "证件信息", "其他"]), ("证件类型", ["居民身份证", "护照", "其他"])]),
    T("screen_claim", "手机碎屏险理赔申请表", "安诚财产保险股份有限公司", "出险信息",
      [("保单号", "m"), ("手机品牌型号", "m"), ("IMEI号", "m"), ("出险地点", "l"), ("损坏情况描述", "xl")],
      ["出险日期", "购机日期"],
      [("出险原因", ["意外摔落", "进水", "挤压", "其他"]), ("是否已维修", SF)]),
    T("metro_pass", "城市轨道交通月票办理申请表", "市轨道交通运营有限公司", "办理信息",
      [("常用起始站", "s"), ("常用到达站", "s"), ("原卡号", "m")],
      ["启用日期"],
      [("月票类型", ["普通", "学生", "老年"]), ("办理方式", ["新办", "续办", "补办"])]),
    T("luggage", "行李延误登记表", "东方航空服务有限公司", "航班及行李信息",
      [("航班号", "xs"), ("行李牌号", "s"), ("行李颜色及外观", "m"), ("临时送达地址", "xl")],
      ["乘机日期"],
      [("行李类型", ["拉杆箱", "背包", "旅行袋", "其他"]), ("是否上锁", SF)]),
    T("nutrition", "学生营养餐补助申请表", "区教育局学生资助管理中心", "学生信息",
      [("学生姓名", "s"), ("就读学校", "l"), ("年级班级", "s"), ("家庭人口数", "xs")],
      ["学生出生日期"],
      [("家庭类型", ["低保家庭", "特困供养", "残疾家庭", "其他"]), ("与学生关系", ["父亲", "母亲", "其他监护人"])]),
    T("score_review", "考试成绩复核申请表", "市教育考试院", "考试信息",
      [("准考证号", "m"), ("考试科目", "s"), ("原始成绩", "xs"), ("复核理由", "xl")],
      ["考试日期"],
      [("考试类型", ["中考", "高考", "自学考试", "职业资格"]), ("复核内容", ["漏评", "错评", "合分错误"])]),
    T("flex_hr", "员工弹性工作制申请表", "恒信科技股份有限公司人力资源部", "申请内容",
      [("工号", "xs"), ("所在部门", "s"), ("直属上级", "s"), ("现工作时间", "m"), ("申请工作时间", "m")],
      ["拟开始日期", "拟结束日期"],
      [("申请类型", ["弹性上下班", "远程办公", "压缩工时"]), ("是否首次申请", SF)], work=True),
    T("overtime", "员工加班申请单", "恒信科技股份有限公司", "加班信息",
      [("工号", "xs"), ("所在部门", "s"), ("加班事由", "xl"), ("加班时长（小时）", "xs")],
      ["加班日期"],
      [("加班类型", ["工作日", "休息日", "法定节假日"]), ("补偿方式", ["调休", "加班费"])], work=True),
    T("water_meter", "自来水水表安装申请表", "市自来水有限公司营业所", "用水信息",
      [("用水地址门牌", "l"), ("户号", "s"), ("用水人数", "xs")],
      ["入住日期", "希望安装日期"],
      [("用水性质", ["居民生活", "商业", "其他"]), ("房屋类型", ["住宅", "商铺", "其他"])]),
    T("gas_check", "燃气安全入户检查预约单", "市燃气集团客户服务中心", "燃气设施信息",
      [("燃气用户号", "s"), ("燃气表编号", "s"), ("燃气具品牌型号", "m")],
      ["预约检查日期", "上次检查日期"],
      [("预约时段", ["上午", "下午"]), ("燃气具类型", ["灶具", "热水器", "壁挂炉"])]),
    T("installment", "分期付款购物申请表", "百汇商城消费金融服务部", "分期信息",
      [("商品名称", "l"), ("商品总价（元）", "s"), ("首付金额（元）", "s"), ("月收入（元）", "s")],
      ["入职日期"],
      [("分期期数", ["6期", "12期", "24期"]), ("居住情况", ["自有住房", "租房", "与父母同住"])], work=True),
    T("furniture", "家具送货安装预约单", "林居家具旗舰店", "送货信息",
      [("订单编号", "m"), ("商品名称及数量", "xl"), ("楼层及电梯情况", "m")],
      ["预约送货日期"],
      [("送货时段", ["上午", "下午", "晚上"]), ("是否需要安装", SF)]),
    T("optical", "验光配镜登记表", "明视眼镜连锁", "配镜信息",
      [("验光师", "s"), ("原眼镜度数", "m"), ("主要用途", "m")],
      ["上次验光日期"],
      [("镜片类型", ["单光", "渐进多焦点", "防蓝光"]), ("是否佩戴隐形眼镜", SF)]),
    T("travel_health", "国际旅行健康咨询登记表", "国际旅行卫生保健中心", "出行信息",
      [("前往国家或地区", "l"), ("出行目的", "m"), ("过敏史", "m"), ("正在使用的药物", "l")],
      ["出发日期", "回国日期"],
      [("旅行类型", ["商务", "旅游", "留学", "探亲"]), ("是否接种过黄热病疫苗", ["是", "否", "不清楚"])]),
    T("tour", "旅行社跟团游报名表", "四海国际旅行社", "线路信息",
      [("线路名称", "l"), ("团号", "s"), ("同住人姓名", "s"), ("饮食要求", "m")],
      ["出团日期"],
      [("房型", ["标准间", "大床房", "单人间"]), ("是否购买旅游意外险", SF)]),
    T("training_zh", "员工培训报名审批表", "恒信科技股份有限公司培训中心", "培训信息",
      [("工号", "xs"), ("所在部门", "s"), ("培训名称", "l"), ("培训机构", "m"), ("培训费用（元）", "s")],
      ["培训开始日期"],
      [("培训方式", ["内部", "外部", "线上"]), ("是否签订培训协议", SF)], work=True),
    T("home_claim", "家庭财产保险理赔申请书", "安诚财产保险股份有限公司", "出险及损失情况",
      [("保单号", "m"), ("出险地点", "l"), ("受损财产", "l"), ("估损金额（元）", "s")],
      ["出险日期", "报案日期"],
      [("出险原因", ["火灾", "水渍", "盗抢", "自然灾害"]), ("是否报警", SF)]),
    T("remote_med", "异地就医备案登记表", "市医疗保障局", "备案信息",
      [("医保编号", "m"), ("参保地", "s"), ("就医地", "s"), ("就医医院", "l")],
      ["备案开始日期", "备案结束日期"],
      [("备案类型", ["异地长期居住", "异地工作", "转诊转院", "临时外出"]), ("参保类型", ["职工医保", "居民医保"])]),
]

# ----------------------------------------------------------------------------------------------
# form content: fields, sections, profile
# ----------------------------------------------------------------------------------------------

STD_EN = {
    "name": ["Full name", "Name", "Applicant's full name", "Full name of applicant"],
    "first_name": ["First name", "Given name(s)", "Forename(s)"],
    "last_name": ["Surname", "Last name", "Family name"],
    "gender": ["Gender", "Sex"],
    "date_of_birth": ["Date of birth", "Birth date"],
    "nationality": ["Nationality", "Citizenship"],
    "phone": ["Phone number", "Mobile number", "Telephone", "Contact number", "Mobile"],
    "email": ["Email address", "Email", "E-mail"],
    "address": ["Home address", "Address", "Residential address", "Street address"],
    "emergency_contact": ["Emergency contact", "Emergency contact (name and phone)", "Next of kin"],
    "occupation": ["Occupation", "Job title", "Position"],
    "employer": ["Employer", "Employer's name", "Company name", "Name of employer"],
    "signature": ["Signature", "Applicant's signature", "Signature of applicant", "Signed"],
    "date": ["Date", "Date signed", "Today's date"],
    "passport_number": ["Passport number", "Passport no."],
}
STD_EN_LOC = {
    "id_number": {"uk": ["National Insurance number", "NI number"], "us": ["Social Security number", "SSN"],
                  "au": ["Medicare number", "Medicare card number"], "cn": ["Chinese ID card number"]},
    "city": {"uk": ["Town/City", "Town", "City"], "us": ["City"], "au": ["Suburb", "City"], "cn": ["Town/City", "City"]},
    "postcode": {"uk": ["Postcode", "Post code"], "us": ["ZIP code", "ZIP"], "au": ["Postcode"], "cn": ["Postcode"]},
}
STD_ZH = {
    "name": ["姓名", "申请人姓名", "客户姓名"], "first_name": ["名"], "last_name": ["姓"],
    "gender": ["性别"], "date_of_birth": ["出生日期", "出生年月日"], "nationality": ["国籍"],
    "id_number": ["身份证号码", "公民身份号码", "身份证件号码"], "passport_number": ["护照号码"],
    "phone": ["手机号码", "联系电话", "手机", "移动电话"], "email": ["电子邮箱", "邮箱", "E-mail"],
    "address": ["家庭住址", "通讯地址", "现住址", "联系地址"], "city": ["所在城市", "城市"],
    "postcode": ["邮政编码", "邮编"], "emergency_contact": ["紧急联系人", "紧急联系人及电话"],
    "occupation": ["职业", "职务"], "employer": ["工作单位", "单位名称"],
    "signature": ["申请人签名", "签名", "本人签字", "客户签名"], "date": ["日期", "签署日期", "申请日期"],
}
SIZE = {"name": "m", "first_name": "m", "last_name": "m", "nationality": "s", "id_number": "m",
        "passport_number": "s", "phone": "s", "email": "l", "address": "xl", "city": "s",
        "postcode": "xs", "emergency_contact": "l", "occupation": "m", "employer": "l", "signature": "m"}
SEC_TITLES = {
    "en": {"applicant": ["Personal details", "About you", "Applicant details", "Your details"],
           "contact": ["Contact details", "Address and contact details", "How we can contact you"],
           "work": ["Employment", "Employment details", "Your job"],
           "decl": ["Declaration", "Declaration and signature", "Signature"],
           "office": ["For office use only", "Official use only"]},
    "zh": {"applicant": ["基本信息", "申请人基本信息", "个人信息", "申请人情况"],
           "contact": ["联系方式", "联系信息", "通讯信息"],
           "work": ["工作信息", "工作单位信息", "就业情况"],
           "decl": ["申请人声明", "声明与签名", "承诺"],
           "office": ["以下由工作人员填写", "受理信息（工作人员填写）"]},
}
DECL = {
    "en": ["I declare that the information I have given on this form is correct and complete to the best of my knowledge.",
           "I confirm that the details above are true. I understand that giving false information may lead to my application being refused.",
           "By signing below I agree that the information provided may be used to process this request and may be checked with other organisations."],
    "zh": ["本人承诺以上所填信息真实、准确、完整，如有虚假，愿承担相应责任。",
           "本人已阅读并理解上述内容，同意按相关规定办理，所提供材料均真实有效。",
           "本人确认以上信息无误，并授权贵单位在办理本业务时核实相关信息。"],
}
INSTR = {
    "en": ["Please complete this form in BLOCK CAPITALS using black ink. Tick the boxes that apply.",
           "Fill in all sections. Fields marked * are required. Please write clearly.",
           "Please read the notes before you fill in this form. Put a tick in the relevant box \u2610.",
           "Use black ink and capital letters. Attach copies of any supporting documents."],
    "zh": ["请用黑色签字笔填写，字迹清楚，在相应的□内打√。", "带*号的项目为必填项，请如实填写。",
           "请认真阅读填表说明后填写本表，不得涂改。", "本表一式两份，请用正楷填写，并附相关证明材料复印件。"],
}
GENDER_OPTS = {"en": [["Male", "Female"], ["M", "F"], ["Female", "Male"], ["Male", "Female", "Other"],
                      ["Male", "Female", "Prefer not to say"]],
               "zh": [["男", "女"], ["男", "女"], ["男性", "女性"]]}
OFFICE = {"en": dict(ref=["Reference no.", "Application no.", "Case reference"], by=["Received by", "Officer"],
                     date=["Date received", "Date processed"],
                     chk=[("Documents seen", ["ID", "Proof of address"]), ("Outcome", ["Approved", "Rejected"])]),
          "zh": dict(ref=["受理编号", "业务流水号"], by=["经办人", "受理人"], date=["受理日期", "办理日期"],
                     chk=[("审核结果", ["通过", "不通过"]), ("材料是否齐全", ["齐全", "不齐全"])])}


class Form:
    pass


def new_field(F, kind, label, key, sec, **kw):
    f = dict(n=len(F), kind=kind, label=label, key=key, sec=sec, size=kw.pop("size", "m"),
             tall=kw.pop("tall", False), opts=kw.pop("opts", None), order=kw.pop("order", None))
    f.update(kw)
    F.append(f)
    return f


def build_content(fid, idx, lang, theme, family, font, seed, hard):
    rng = random.Random(f"{seed}/{fid}/content")
    fm = Form()
    fm.id, fm.idx, fm.lang, fm.theme, fm.family, fm.font, fm.hard = fid, idx, lang, theme, family, font, hard
    if lang == "en":
        loc = theme["loc"]
        if loc == "any":
            loc = rng.choice(["uk", "us", "au", "cn"])
        elif loc == "uk" and not hard and rng.random() < 0.18:
            loc = "cn"  # a Chinese applicant's romanised data on an English form
        person = person_en(rng, loc)
    else:
        loc = "zh"
        person = person_zh(rng)
    person["date"] = rand_date(rng, 2025, 2025)
    fm.loc, fm.person = loc, person

    def lab(key):
        if lang == "zh":
            return rng.choice(STD_ZH[key])
        if key in STD_EN_LOC:
            return rng.choice(STD_EN_LOC[key][loc])
        return rng.choice(STD_EN[key])

    F = []
    tgt = rng.randint(18, 20)
    # --- applicant
    split = hard or rng.random() < 0.2
    if split:
        if lang == "en" and rng.random() < 0.5:
            new_field(F, "text", lab("first_name"), "first_name", "applicant", size="m")
            new_field(F, "text", lab("last_name"), "last_name", "applicant", size="m")
        else:
            new_field(F, "text", lab("last_name"), "last_name", "applicant", size="m" if lang == "en" else "s")
            new_field(F, "text", lab("first_name"), "first_name", "applicant", size="m" if lang == "en" else "s")
    else:
        new_field(F, "text", lab("name"), "name", "applicant", size="m")
    gopts = list(rng.choice(GENDER_OPTS[lang]))
    new_field(F, "choice", lab("gender"), "gender", "applicant", opts=gopts)
    new_field(F, "date", lab("date_of_birth"), "date_of_birth", "applicant")
    opt_pool = []  # (priority, builder)
    nat_choice = rng.random() < 0.3

    def f_nat():
        if nat_choice:
            if lang == "zh":
                o = ["中国", "其他"]
            else:
                o = [person["nationality"], "Other"]
            return new_field(F, "choice", lab("nationality"), "nationality", "applicant", opts=o)
        return new_field(F, "text", lab("nationality"), "nationality", "applicant", size="s")

    use_pass = (loc == "cn") or (lang == "en" and rng.random() < 0.25) or (lang == "zh" and rng.random() < 0.1)

    def f_id():
        k = "passport_number" if use_pass else "id_number"
        return new_field(F, "text", lab(k), k, "applicant", size="l" if (lang == "zh" and k == "id_number") else SIZE[k])

    # --- contact
    def f_c(k):
        return lambda: new_field(F, "text", lab(k), k, "contact", size=SIZE[k])

    # --- work
    def f_w(k):
        return lambda: new_field(F, "text", lab(k), k, "work", size=SIZE[k])

    texts = list(theme["texts"])
    dates = list(theme["dates"])
    groups = list(theme["groups"])
    rng.shuffle(groups)

    def f_tt(i):
        return lambda: new_field(F, "text", texts[i][0], None, "theme", size=texts[i][1],
                                 tall=(texts[i][1] == "xl" and rng.random() < 0.3))

    def f_td(i):
        return lambda: new_field(F, "date", dates[i], None, "theme")

    def f_tg(i):
        return lambda: new_field(F, "choice", groups[i][0], None, "theme", opts=list(groups[i][1]))

    # plan: which optional builders are used (decided here, emitted later in section order)
    plan = {"nat": rng.random() < 0.55, "id": rng.random() < 0.8, "email": rng.random() < 0.85,
            "city": rng.random() < 0.65, "postcode": rng.random() < 0.55, "emergency": rng.random() < 0.45,
            "occupation": theme["work"] or rng.random() < 0.35, "date": rng.random() < 0.92,
            "office": family == "refbox" or rng.random() < 0.33}
    plan["employer"] = theme["work"] or (plan["occupation"] and rng.random() < 0.7)
    nt = {"texts": 2, "dates": 1, "groups": 1}

    def count():
        c = len(F) + 3  # name/gender/dob (already), phone, address, signature
        c += sum(1 for k in ("nat", "id", "email", "city", "postcode", "emergency", "occupation", "employer", "date") if plan[k])
        c += nt["texts"] + nt["dates"] + nt["groups"] + (3 if plan["office"] else 0)
        return c

    growth = ["texts", "groups", "dates", "texts", "texts", "email", "city", "nat", "id", "postcode",
              "emergency", "groups", "texts"]
    shrink = ["emergency", "postcode", "texts", "city", "nat", "texts", "groups", "occupation", "employer", "email"]
    lim = {"texts": len(texts), "dates": len(dates), "groups": len(groups)}
    guard = 0
    while count() < tgt and guard < 40:
        guard += 1
        k = rng.choice(growth)
        if k in nt:
            if nt[k] < lim[k]:
                nt[k] += 1
        elif not plan[k]:
            plan[k] = True
    guard = 0
    while count() > tgt + 1 and guard < 40:
        guard += 1
        k = rng.choice(shrink)
        if k in nt:
            if nt[k] > 2 if k == "texts" else nt[k] > 1:
                nt[k] -= 1
        elif plan[k] and not (theme["work"] and k in ("occupation", "employer")):
            plan[k] = False
    if plan["nat"]:
        f_nat()
    if plan["id"]:
        f_id()
    f_c("phone")()
    if plan["email"]:
        f_c("email")()
    f_c("address")()
    if plan["city"]:
        f_c("city")()
    if plan["postcode"]:
        f_c("postcode")()
    if plan["emergency"]:
        f_c("emergency_contact")()
    if plan["occupation"]:
        f_w("occupation")()
    if plan["employer"]:
        f_w("employer")()
    tt = sorted(rng.sample(range(len(texts)), nt["texts"]))
    items = [("t", i) for i in tt] + [("d", i) for i in range(nt["dates"])] + [("g", i) for i in range(nt["groups"])]
    # theme section: texts and dates interleaved as the theme lists them, groups after them or between
    rng.shuffle(items)
    items.sort(key=lambda x: {"t": 0, "d": 1, "g": 2}[x[0]] + rng.random() * 1.6)
    dpos = [k for k, it in enumerate(items) if it[0] == "d"]  # theme dates keep their order (start before end)
    for k, i in zip(dpos, sorted(items[k][1] for k in dpos)):
        items[k] = ("d", i)
    for typ, i in items:
        {"t": f_tt, "d": f_td, "g": f_tg}[typ](i)()
    if plan["office"]:
        o = OFFICE[lang]
        new_field(F, "text", rng.choice(o["ref"]), None, "office", size="s")
        new_field(F, "date", rng.choice(o["date"]), None, "office")
        if family == "refbox" or rng.random() < 0.5:
            new_field(F, "text", rng.choice(o["by"]), None, "office", size="s")
        else:
            g = rng.choice(o["chk"])
            new_field(F, "choice", g[0], None, "office", opts=list(g[1]))
    new_field(F, "text", lab("signature"), "signature", "decl", size="m", tall=rng.random() < 0.25)
    if plan["date"]:
        new_field(F, "date", lab("date"), "date", "decl")
    # section order: applicant, contact, work, theme, decl, office (office before decl on some)
    order = ["applicant", "contact", "work", "theme", "decl", "office"]
    if rng.random() < 0.4:
        order = ["applicant", "contact", "work", "theme", "office", "decl"]
    if family == "refbox":
        order = ["office", "applicant", "contact", "work", "theme", "decl"]
    F.sort(key=lambda f: (order.index(f["sec"]), f["n"]))
    for i, f in enumerate(F):
        f["n"] = i
    fm.fields = F
    fm.sections = []
    for s in order:
        fs = [f for f in F if f["sec"] == s]
        if fs:
            fm.sections.append(dict(kind=s, title=rng.choice(SEC_TITLES[lang][s]) if s != "theme" else theme["sec"],
                                    fields=fs))
    fm.decl = rng.choice(DECL[lang])
    fm.instr = rng.choice(INSTR[lang])
    if family == "gform":
        fm.instr = "* Indicates required question" if lang == "en" else "* 表示必填问题"
    fm.title, fm.issuer = theme["title"], theme["issuer"]
    code = theme.get("code") or "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2))
    fm.code = (f"Form {code}" if lang == "en" else f"表号：{code}-{rng.randint(1, 40):02d}") + \
        (f" ({rng.choice(['03', '06', '09', '11'])}/{rng.choice(['23', '24', '25'])})" if lang == "en" else "")
    build_profile(fm, rng)
    return fm


def date_pad_ok(iso):
    return int(iso[8:10]) > 12


def build_profile(fm, rng):
    lang, loc, p, F = fm.lang, fm.loc, fm.person, fm.fields
    keys = []
    for f in F:
        if f["key"] and f["key"] != "signature" and f["key"] not in keys:
            keys.append(f["key"])
    protect = {"first_name", "last_name"} if fm.hard else set()
    n_omit = rng.choice([1, 1, 2, 2, 2, 3, 3, 4])
    cand = [k for k in keys if k not in protect]
    omit = set(rng.sample(cand, min(n_omit, len(cand) - 1)))
    # key spelling style
    if lang == "zh":
        kstyle = rng.choices(["zh", "mixed", "canon"], [0.6, 0.25, 0.15])[0]
    elif loc == "cn":
        kstyle = rng.choice(["zh", "mixed"])
    else:
        kstyle = rng.choices(["canon", "variant"], [0.35, 0.65])[0]
    # date spelling
    dates_in = [p["date_of_birth"], p["date"]]
    if lang == "zh":
        dstyle = rng.choices(["zh", "iso", "dot"], [0.45, 0.35, 0.2])[0]
    elif loc == "us":
        dstyle = rng.choice(["iso", "mdy", "mdy", "dmy"])
    else:
        dstyle = rng.choice(["iso", "dmy", "dmy", "mdy", "dot", "slash", "zh" if loc == "cn" else "iso"])
    if dstyle == "slash" and not all(date_pad_ok(d) for d in dates_in):
        dstyle = "dmy"

    def spell_key(k):
        if kstyle == "zh" or (kstyle == "mixed" and rng.random() < 0.5):
            return rng.choice(KEY_ZH[k])
        if kstyle == "canon":
            return k
        return rng.choice(KEY_EN[k])

    male = p["male"]
    if lang == "zh" or kstyle == "zh":
        gsp = "男" if male else "女"
        if lang == "zh" and rng.random() < 0.2:
            gsp = rng.choice(["male", "M"] if male else ["female", "F"])
    else:
        gsp = rng.choice(["M", "m", "male", "Male"] if male else ["F", "f", "female", "Female"])
    prof = {}
    values = {}
    for k in keys:
        if k in omit or k in ("first_name", "last_name") and fm.hard:
            continue
        if k in ("date_of_birth", "date"):
            v = spell_date(p[k], dstyle)
        elif k == "gender":
            v = gsp
        else:
            v = p[k]
        sk = spell_key(k)
        while sk in prof:
            sk = rng.choice(KEY_EN[k])
        prof[sk] = v
        values[k] = True
    if fm.hard:
        prof[spell_key("name")] = p["name"]
        values["first_name"] = values["last_name"] = True
    # extras the form does not ask for
    n_extra = rng.choice([0, 1, 1, 2])
    pool = list(EXTRAS_ZH if (lang == "zh" or kstyle == "zh") else EXTRAS_EN)
    for k in ("nationality", "occupation", "employer", "passport_number", "email"):
        if k not in keys and k in p:
            pool.append((k, [p[k]]))
    for k, vs in rng.sample(pool, n_extra):
        kk = spell_key(k) if k in KEY_EN else k
        if kk not in prof:
            prof[kk] = rng.choice(vs)
    # values per field
    for f in F:
        k = f["key"]
        f["value"] = None
        if not k or k == "signature" or not values.get(k):
            continue
        if f["kind"] == "date":
            f["value"] = p[k]
        elif f["kind"] == "choice":
            if k == "gender":
                want = ("Male", "M", "男", "男性") if male else ("Female", "F", "女", "女性")
                f["value"] = next(o for o in f["opts"] if o in want)
            else:
                f["value"] = p[k] if p[k] in f["opts"] else None
        else:
            f["value"] = p[k]
    fm.profile = prof

# ----------------------------------------------------------------------------------------------
# cosmetics
# ----------------------------------------------------------------------------------------------

ONE_STYLES = {
    "ruledlist": ["ph", "after", "right", "none"], "segrow": ["ph", "ph", "none"],
    "aside": ["ph", "after", "under", "native"], "govuk": ["hintlabel", "hintlabel", "ph"],
    "panels2": ["ph", "after", "right"], "flowbox": ["ph", "after", "right"],
    "framedgrid": ["ph", "after", "under", "none"], "gform": ["ph"], "worddoc": ["after", "ph"],
    "claim": ["ph", "after", "under"], "refbox": ["ph", "after", "right", "none"],
}
PART_STYLES = {
    "en": {"ruledlist": ["sep", "words", "capbelow"], "segrow": ["sep", "words"],
           "aside": ["capabove", "capbelow", "sep"], "govuk": ["capabove"], "panels2": ["ulseg", "words"],
           "flowbox": ["sep", "words"], "framedgrid": ["sep", "capbelow", "capabove"],
           "gform": ["sep", "capbelow"], "worddoc": ["ulseg", "words"], "claim": ["sep", "capbelow", "ulseg"],
           "refbox": ["sep", "capabove", "words"]},
    "zh": {"ruledlist": ["zhbox", "sep", "capbelow"], "segrow": ["zhul", "zhbox"],
           "aside": ["zhbox", "capbelow", "sep"], "govuk": ["capabove", "zhbox"], "panels2": ["zhul", "zhbox"],
           "flowbox": ["zhbox", "zhul", "sep"], "framedgrid": ["zhbox", "capbelow", "sep"],
           "gform": ["sep", "zhbox"], "worddoc": ["zhul"], "claim": ["zhbox", "zhul", "capbelow"],
           "refbox": ["zhbox", "zhul", "sep"]},
}
OPT_STYLES = {
    "ruledlist": ["sqcss", "rdcss", "sqnat", "g1"], "segrow": ["g1", "g1", "sqcss", "sqnat"],
    "aside": ["rdnat", "sqnat", "rdcss", "sqcss"], "govuk": ["rdbig", "sqbig"],
    "panels2": ["g1", "g1", "g3", "sqcss"], "flowbox": ["sqcss", "rdcss", "g1", "rdnat"],
    "framedgrid": ["sqcss", "sqnat", "rdnat", "g1"], "gform": ["rdg", "sqg"],
    "worddoc": ["g1", "g1", "g3"], "claim": ["sqcss", "rdcss", "g1", "sqnat"],
    "refbox": ["sqnat", "rdnat", "sqcss", "g1"],
}
ONE_SET = ("ph", "none", "after", "under", "right", "native", "hintlabel")
JSON_STYLE = {"sqcss": "square", "sqnat": "square", "sqbig": "square", "sqg": "square",
              "rdcss": "radio", "rdnat": "radio", "rdbig": "radio", "rdg": "radio",
              "g\u2610": "glyph", "g\u25a1": "glyph", "g\u25cb": "glyph"}
FS_RANGE = {"ruledlist": (13, 17), "segrow": (12, 15), "aside": (13, 16), "govuk": (15, 18),
            "panels2": (13, 16), "flowbox": (13, 16), "framedgrid": (13, 16), "gform": (14, 17),
            "worddoc": (14, 17), "claim": (12, 15), "refbox": (13, 16)}
W_RANGE = {"ruledlist": (860, 1250), "segrow": (960, 1300), "aside": (980, 1260), "govuk": (760, 900),
           "panels2": (1000, 1300), "flowbox": (800, 1100), "framedgrid": (860, 1200), "gform": (760, 880),
           "worddoc": (794, 900), "claim": (900, 1200), "refbox": (820, 1100)}
ACCENTS = ["#1d4f91", "#0b6e4f", "#7a1f3d", "#333333", "#5b3f8c", "#1f6f8b", "#8a4b08", "#2f2f2f", "#00524c"]
FMTS = {"uk": ["DD/MM/YYYY", "DD/MM/YYYY", "DD-MM-YYYY", "DD.MM.YYYY", "YYYY-MM-DD"],
        "au": ["DD/MM/YYYY", "DD/MM/YYYY", "YYYY-MM-DD"], "us": ["MM/DD/YYYY", "MM/DD/YYYY", "MM-DD-YYYY"],
        "zh": ["YYYY-MM-DD", "YYYY年MM月DD日", "YYYY/MM/DD", "YYYY.MM.DD", "YYYY-MM-DD"]}


def draw_cos(fm, rng):
    fam, lang = fm.family, fm.lang
    st = {}
    lo, hi = FS_RANGE[fam]
    st["fs"] = fs = rng.randint(lo, hi)
    st["lh"] = lh = int(round(fs * rng.uniform(1.35, 1.5)))
    st["hs"] = hs = max(12, fs - rng.choice([2, 3]))
    st["hlh"] = int(round(hs * 1.35))
    st["ih"] = ih = int(round(fs * rng.uniform(1.85, 2.2)))
    if fam == "govuk":
        st["ih"] = ih = int(round(fs * 2.3))
    st["tall"] = ih * 2 + 10
    st["W"] = W = rng.randrange(W_RANGE[fam][0], W_RANGE[fam][1] + 1, 2)
    st["px"] = rng.choice([28, 32, 36, 40, 48])
    st["pt"] = rng.choice([24, 28, 32])
    st["acc"] = rng.choice(ACCENTS)
    st["gray"] = rng.random() < 0.35 and fam not in ("gform",)
    if st["gray"]:
        st["acc"] = rng.choice(["#222222", "#3a3a3a", "#444444"])
    st["colon"] = rng.choice([":", ":", ""]) if lang == "en" else rng.choice(["：", "：", ""])
    st["hdr"] = rng.choice(["center", "logo", "rule"])
    st["inp"] = {"ruledlist": rng.choice(["fill", "box"]), "segrow": "seg", "aside": rng.choice(["box", "ul", "round", "native"]),
                 "govuk": "thick", "panels2": rng.choice(["ul", "ul", "dot"]), "flowbox": rng.choice(["box", "fill", "round"]),
                 "framedgrid": rng.choice(["box", "box", "fill"]), "gform": "gfu", "worddoc": "ul",
                 "claim": rng.choice(["box", "box", "fill"]), "refbox": rng.choice(["box", "round"])}[fam]
    st["pcls"] = {"ul": "ul", "dot": "ul", "native": "box", "seg": "box", "gfu": "ul", "thick": "thick"}.get(st["inp"], st["inp"])
    st["cb"] = max(12, int(round(fs * rng.uniform(0.85, 1.0))))
    st["og"] = rng.choice([14, 18, 22, 26])
    st["dw"] = int(round(fs * (2.6 if lang == "en" else 2.4))) + 6
    st["yw"] = int(round(fs * 3.8)) + 8
    keyed = [f["n"] for f in fm.fields if f["key"] and f["key"] not in ("signature",)]
    st["req"] = set(rng.sample(keyed, rng.randint(0, min(4, len(keyed))))) if rng.random() < 0.5 else set()
    st["sepch"] = rng.choice(["/", "/", "-", "."]) if lang == "en" else rng.choice(["/", "-"])
    st["caps"] = rng.choice(["word", "letters"])
    st["lower"] = lang == "en" and rng.random() < 0.35
    ostyles = list(OPT_STYLES[fam])
    rng.shuffle(ostyles)
    st["ostyles"] = ostyles[:rng.choice([1, 2, 2])]
    st["glyph"] = rng.choice(["\u2610", "\u25a1"] if lang == "en" else ["\u25a1", "\u25a1", "\u2610"])
    st["glyph3"] = "\u25cb"
    # date order
    if lang == "zh":
        order = ["year", "month", "day"]
    elif fm.loc == "us":
        order = ["month", "day", "year"]
    else:
        order = ["day", "month", "year"] if rng.random() < 0.8 else ["year", "month", "day"]
    st["order"] = order
    fmts = FMTS["zh" if lang == "zh" else ("us" if fm.loc == "us" else ("au" if fm.loc == "au" else "uk"))]
    if lang == "en" and order[0] == "year":
        fmts = ["YYYY-MM-DD"]
    fmt_main = rng.choice(fmts)
    C = {}
    dates = [f for f in fm.fields if f["kind"] == "date"]
    forced = [fam == "refbox" and f["sec"] == "office" for f in dates]  # one box in the office table
    kinds = [(not fo) and rng.random() < 0.5 for fo in forced]  # True = parts
    free = [i for i, fo in enumerate(forced) if not fo]
    if free and not any(kinds):
        kinds[rng.choice(free)] = True
    if all(kinds):
        kinds[rng.choice(free)] = False
    nfmt = 0
    for f, parts in zip(dates, kinds):
        c = {"order": order}
        if parts:
            c["dstyle"] = rng.choice(PART_STYLES[lang][fam])
            c["fmt"] = None
            if c["dstyle"] == "ulseg":
                c["suffix"] = "(" + "/".join({"day": "dd", "month": "mm", "year": "yyyy"}[p] for p in order) + ")"
        else:
            ds = rng.choice(ONE_STYLES[fam])
            if fam == "refbox" and f["sec"] == "office":
                ds = rng.choice(["ph", "none"])
            if ds == "none" and nfmt == 0 and not any(not k for k in kinds[dates.index(f) + 1:]):
                ds = "ph"  # every form prints at least one date format
            c["dstyle"] = ds
            nfmt += ds != "none"
            fmt = fmt_main if rng.random() < 0.8 else rng.choice(fmts)
            c["fmt"] = None if ds == "none" else fmt
            pr = fmt.lower() if (st["lower"] and "年" not in fmt) else fmt
            c["fmt_print"] = pr
            if ds == "after":
                c["suffix"] = "(" + pr + ")"
            if ds == "under":
                c["under_txt"] = ("Format: " if lang == "en" else "格式：") + pr
            if ds == "hintlabel":
                c["hint"] = ("Use the format " if lang == "en" else "格式：") + pr
        C[f["n"]] = c
    for f in fm.fields:
        if f["kind"] != "choice":
            continue
        s = rng.choice(st["ostyles"])
        if s == "g1":
            s = "g" + st["glyph"]
        elif s == "g3":
            s = "g" + st["glyph3"]
        arr = "row"
        nopt = len(f["opts"])
        if fam in ("gform",) or (fam == "govuk" and nopt > 2):
            arr = "stack"
        elif nopt >= 4 and fam in ("framedgrid", "aside", "ruledlist") and rng.random() < 0.5:
            arr = "g2"
        tfirst = s.startswith("g") and fam in ("claim", "worddoc", "panels2") and rng.random() < 0.3
        C[f["n"]] = {"ostyle": s, "arr": arr, "tfirst": tfirst}
    for f in fm.fields:
        C.setdefault(f["n"], {})
    st["C"] = C
    return st


# ----------------------------------------------------------------------------------------------
# HTML components (every field element carries data-lab / data-inp / data-part / data-opt / data-otx)
# ----------------------------------------------------------------------------------------------

def E(s):
    return html.escape(s, quote=True)


def tw(s, fs, bold=False):
    w = 0.0
    for ch in s:
        o = ord(ch)
        if o >= 0x2E80:
            w += fs * 1.02
        elif ch in "il.,:;'|!()":
            w += fs * 0.33
        elif ch == " ":
            w += fs * 0.3
        elif ch.isupper() or ch in "mw@%":
            w += fs * 0.72
        else:
            w += fs * 0.58
    return w * (1.1 if bold else 1.0)


def lab_html(f, st, colon=None, cls="lab"):
    col = st["colon"] if colon is None else colon
    star = '<span class="req">*</span>' if f["n"] in st["req"] else ""
    return f'<span class="{cls}" data-lab="{f["n"]}">{E(f["label"])}{star}{col}</span>'


def labw(f, st, colon=None, cls="lab"):
    s = lab_html(f, st, colon, cls)
    c = st["C"][f["n"]]
    if c.get("suffix"):
        s = f'<span class="lw">{s}<span class="hint">{E(c["suffix"])}</span></span>'
    return s


def text_ctl(f, st, cls=None, width=None, fill=None, ph=None):
    cls = cls or st["inp"]
    n = f["n"]
    sty = f' style="width:{width}px;flex:none"' if width else ""
    extra = (" tall" if f.get("tall") and f["kind"] == "text" else "") + (" " + fill if fill and not width else "")
    if cls == "native":
        p = f' placeholder="{E(ph)}"' if ph else ""
        return f'<input type="text" class="inp nat{extra}" data-inp="{n}"{sty}{p}>'
    inner = f'<span class="ph">{E(ph)}</span>' if ph else ""
    return f'<div class="inp {cls}{extra}" data-inp="{n}"{sty}>{inner}</div>'


def date1_ctl(f, st, cls=None, width=None, fill=None):
    c = st["C"][f["n"]]
    ds = c["dstyle"]
    ph = c["fmt_print"] if ds in ("ph", "native") else None
    if ds == "native":
        cls = "native"
    if ds == "under":
        box = text_ctl(f, st, cls, width, None if width else "full", ph)
        return f'<div class="dcolw{" " + fill if fill else ""}">{box}<div class="hint">{E(c["under_txt"])}</div></div>'
    if ds == "right":
        box = text_ctl(f, st, cls, width, None if width else "grow", ph)
        return f'<div class="drow{" " + fill if fill else ""}">{box}<span class="hint">{E(c["fmt_print"])}</span></div>'
    return text_ctl(f, st, cls, width, fill, ph)


CAPS = {"en": {"word": {"day": "Day", "month": "Month", "year": "Year"},
               "letters": {"day": "DD", "month": "MM", "year": "YYYY"}},
        "zh": {"word": {"day": "日", "month": "月", "year": "年"}, "letters": {"day": "日", "month": "月", "year": "年"}}}


def dparts_ctl(f, st, lang, cls=None):
    n = f["n"]
    c = st["C"][n]
    ds, order = c["dstyle"], c["order"]
    pcls = {"ulseg": "ul", "zhul": "ul", "zhbox": "box"}.get(ds, cls or st["pcls"])
    segs = []
    for i, p in enumerate(order):
        w = st["yw"] if p == "year" else st["dw"]
        inner = ""
        if ds == "sep":
            t = {"day": "DD", "month": "MM", "year": "YYYY"}[p]
            if st["lower"]:
                t = t.lower()
            inner = f'<span class="ph">{t}</span>'
        box = f'<span class="dp {pcls}" style="width:{w}px" data-part="{n}:{p}">{inner}</span>'
        if ds in ("capabove", "capbelow"):
            cap = f'<span class="dcap">{E(CAPS[lang][st["caps"]][p])}</span>'
            segs.append(f'<span class="dcol">{cap + box if ds == "capabove" else box + cap}</span>')
        elif ds == "words":
            segs.append(f'<span class="dword">{CAPS["en"]["word"][p]}</span>{box}')
        elif ds in ("zhul", "zhbox"):
            segs.append(box + f'<span class="dunit">{ {"year": "年", "month": "月", "day": "日"}[p]}</span>')
        else:
            segs.append(box)
        if ds in ("sep", "ulseg") and i < 2:
            segs.append(f'<span class="dsep">{"/" if ds == "ulseg" else st["sepch"]}</span>')
    al = " base" if ds == "capabove" else (" top" if ds == "capbelow" else "")
    return f'<span class="dps{al}">{"".join(segs)}</span>'


def parts_padded(lang, ds):
    return lang == "en" or ds == "sep"


def opt_box(f, st, i, s):
    a = f'data-opt="{f["n"]}:{i}"'
    if s == "sqcss":
        return f'<span class="cb sq" {a}></span>'
    if s == "rdcss":
        return f'<span class="cb rd" {a}></span>'
    if s == "sqbig":
        return f'<span class="cb sq big" {a}></span>'
    if s == "rdbig":
        return f'<span class="cb rd big" {a}></span>'
    if s == "sqg":
        return f'<span class="cb sq gg" {a}></span>'
    if s == "rdg":
        return f'<span class="cb rd gg" {a}></span>'
    if s == "sqnat":
        return f'<input type="checkbox" class="ncb" {a}>'
    if s == "rdnat":
        return f'<input type="radio" name="r{f["n"]}" class="ncb" {a}>'
    return f'<span class="gl" {a} data-glyph="1">{s[1]}</span>'


def opts_ctl(f, st, arr=None):
    c = st["C"][f["n"]]
    s = c["ostyle"]
    arr = arr or c["arr"]
    items = []
    for i, o in enumerate(f["opts"]):
        b = opt_box(f, st, i, s)
        t = f'<span class="otx" data-otx="{f["n"]}:{i}">{E(o)}</span>'
        items.append(f'<span class="op">{t + b if c["tfirst"] else b + t}</span>')
    return f'<span class="ops {arr}">{"".join(items)}</span>'


def ctl_est(f, st, lang, text_w=None):
    """rough width of a field's control (for packing; the checks catch what does not fit)"""
    fs = st["fs"]
    c = st["C"][f["n"]]
    if f["kind"] == "choice":
        gap = st["og"]
        bw = st["cb"] + 8 if not c["ostyle"].startswith("g") else fs + 6
        ws = [tw(o, fs) + bw for o in f["opts"]]
        if c["arr"] == "stack":
            return max(ws)
        if c["arr"] == "g2":
            return 2 * max(ws) + 24
        return sum(ws) + gap * (len(ws) - 1)
    if f["kind"] == "date":
        if c["dstyle"] in ONE_SET:
            extra = tw(c.get("fmt_print") or "", st["hs"]) + 12 if c["dstyle"] == "right" else 0
            return max(150, tw(c.get("fmt_print") or "DD/MM/YYYY", fs) + 30) + extra
        w = 2 * st["dw"] + st["yw"]
        ds = c["dstyle"]
        if ds in ("sep", "ulseg"):
            w += 2 * (fs * 0.6 + 12)
        elif ds in ("zhul", "zhbox"):
            w += 3 * (fs + 15)
        elif ds == "words":
            w += tw("Day Month Year", fs) + 3 * 14
        else:
            w += 20
        return w
    return text_w or {"xs": 70, "s": 130, "m": 190, "l": 250, "xl": 340}[f["size"]]


def ctl(fm, f, st, fill=None, width=None, cls=None, arr=None, d1w=None):
    if f["kind"] == "text":
        return text_ctl(f, st, cls, width, fill)
    if f["kind"] == "date":
        c = st["C"][f["n"]]
        if c["dstyle"] in ONE_SET:
            return date1_ctl(f, st, cls, d1w or width, fill)
        return dparts_ctl(f, st, fm.lang, None if cls in (None, "native", "seg") else cls)
    return opts_ctl(f, st, arr)


def is_one(st, f):
    return f["kind"] == "date" and st["C"][f["n"]]["dstyle"] in ONE_SET


def base_css(fm, st):
    fs, lh, hs, hlh, ih = st["fs"], st["lh"], st["hs"], st["hlh"], st["ih"]
    acc = st["acc"]
    lg = int(round(fs * 3.4))
    h1 = int(round(fs * 1.55))
    return f"""
html,body{{margin:0;padding:0;background:{st.get('bg', '#ffffff')}}}
body{{font-family:{fm.font}, sans-serif;font-size:{fs}px;line-height:{lh}px;color:#1b1b1b}}
.page{{box-sizing:border-box;width:{st['W']}px;padding:{st['pt']}px {st['px']}px {st['pt']}px}}
h1{{font-size:{h1}px;line-height:{int(round(h1 * 1.3))}px;margin:0;font-weight:bold}}
.iss{{font-size:{hs}px;line-height:{hlh}px;color:#444;letter-spacing:.04em}}
.code{{font-size:{hs}px;line-height:{hlh}px;color:#444;white-space:nowrap}}
.code.box{{border:1px solid #777;padding:3px 8px}}
.hd.c{{text-align:center}}
.hd.c .code{{margin-top:4px}}
.hd.l{{display:flex;align-items:center;gap:14px}}
.hd.l .hdt{{flex:1}}
.logo{{width:{lg}px;height:{lg}px;border-radius:50%;background:{acc};color:#fff;display:flex;align-items:center;justify-content:center;font-weight:bold;font-size:{int(round(lg * 0.34))}px;flex:none;letter-spacing:.02em}}
.hd.r{{display:flex;justify-content:space-between;align-items:flex-end;border-bottom:3px solid {acc};padding-bottom:8px}}
.instr{{margin:12px 0 4px;color:#444;font-size:{hs}px;line-height:{hlh}px}}
.decl{{margin:6px 0 12px}}
.ft{{display:flex;justify-content:space-between;margin-top:26px;padding-top:6px;border-top:1px solid #bbb;font-size:{hs}px;line-height:{hlh}px;color:#555}}
.lab{{white-space:nowrap}}
.req{{color:#c00000}}
.lw{{display:inline-flex;align-items:baseline;gap:6px;white-space:nowrap}}
.hint{{color:#666;font-size:{hs}px;line-height:{hlh}px;white-space:nowrap}}
.ph{{color:#a2a2a2;white-space:nowrap}}
.inp{{box-sizing:border-box;height:{ih}px;display:flex;align-items:center;padding:0 8px;min-width:0}}
.inp.box{{border:1px solid #555;background:#fff}}
.inp.fill{{background:#eceff3;border-bottom:1px solid #b9c0c9}}
.inp.round{{border:1px solid #8d96a0;border-radius:6px;background:#fff}}
.inp.thick{{border:2px solid #0b0c0c;background:#fff}}
.inp.ul{{border-bottom:1px solid #222;padding:0 4px}}
.inp.dot{{border-bottom:2px dotted #333;padding:0 4px}}
.inp.gfu{{border-bottom:1px solid #9aa0a6;padding:0 2px}}
input.inp.nat{{font:inherit;margin:0;border:1px solid #767676;border-radius:3px;background:#fff;padding:0 8px;height:{ih}px;color:#1b1b1b}}
input.inp.nat::placeholder{{color:#9a9a9a}}
.inp.tall{{height:{st['tall']}px;align-items:flex-start;padding-top:6px}}
.grow{{flex:1 1 auto}}
.full{{width:100%}}
.dcolw{{display:flex;flex-direction:column;gap:3px;min-width:0}}
.drow{{display:flex;align-items:center;gap:10px;min-width:0}}
.dps{{display:inline-flex;align-items:center;white-space:nowrap;flex:none}}
.dps.base{{align-items:flex-end}}
.dps.top{{align-items:flex-start}}
.dp{{box-sizing:border-box;display:inline-flex;align-items:center;justify-content:center;height:{ih}px;flex:none}}
.dp.box{{border:1px solid #555;background:#fff}}
.dp.fill{{background:#eceff3;border-bottom:1px solid #b9c0c9}}
.dp.round{{border:1px solid #8d96a0;border-radius:5px;background:#fff}}
.dp.thick{{border:2px solid #0b0c0c;background:#fff}}
.dp.ul{{border-bottom:1px solid #222}}
.dsep{{margin:0 6px;color:#444}}
.dunit{{margin:0 12px 0 5px}}
.dword{{margin:0 6px 0 0}}
.dp + .dword{{margin-left:14px}}
.dcol{{display:inline-flex;flex-direction:column;align-items:flex-start;gap:2px;margin-right:12px}}
.dcap{{font-size:{hs}px;line-height:{hlh}px;color:#555}}
.ops{{display:inline-flex;align-items:center;column-gap:{st['og']}px;white-space:nowrap;flex:none}}
.ops.stack{{flex-direction:column;align-items:flex-start;row-gap:8px}}
.ops.g2{{display:inline-grid;grid-template-columns:max-content max-content;column-gap:28px;row-gap:8px}}
.op{{display:inline-flex;align-items:center;gap:{max(5, int(round(fs * 0.35)))}px}}
.cb{{box-sizing:border-box;width:{st['cb']}px;height:{st['cb']}px;flex:none;display:inline-block;border:1.5px solid #222;background:#fff}}
.cb.rd{{border-radius:50%}}
.cb.big{{width:{int(round(fs * 1.7))}px;height:{int(round(fs * 1.7))}px;border-width:2px;border-color:#0b0c0c}}
.cb.gg{{width:20px;height:20px;border:2px solid #5f6368}}
.cb.sq.gg{{border-radius:3px}}
input.ncb{{margin:0;width:{st['cb']}px;height:{st['cb']}px;flex:none}}
"""


def initials(fm):
    if fm.lang == "zh":
        return E(fm.issuer[:2])
    ws = [w for w in fm.issuer.replace("-", " ").split() if w[:1].isupper() and w not in ("Ltd", "Co.", "The")]
    return E("".join(w[0] for w in ws[:3]))


def header_html(fm, st):
    v = st["hdr"]
    iss, title, code = E(fm.issuer), E(fm.title), E(fm.code)
    if v == "center":
        h = f'<div class="hd c"><div class="iss">{iss}</div><h1>{title}</h1><div class="code">{code}</div></div>'
    elif v == "logo":
        h = (f'<div class="hd l"><div class="logo">{initials(fm)}</div><div class="hdt"><div class="iss">{iss}</div>'
             f'<h1>{title}</h1></div><div class="code box">{code}</div></div>')
    else:
        h = f'<div class="hd r"><div><div class="iss">{iss}</div><h1>{title}</h1></div><div class="code">{code}</div></div>'
    return h + f'<div class="instr">{E(fm.instr)}</div>'


def footer_html(fm, st):
    pg = "Page 1 of 1" if fm.lang == "en" else "第 1 页 共 1 页"
    return f'<div class="ft"><span>{E(fm.code)} · {E(fm.issuer)}</span><span>{pg}</span></div>'


def pack(fields, wide, maxn):
    rows, cur = [], []
    for f in fields:
        if wide(f) or maxn == 1:
            if cur:
                rows.append(cur)
                cur = []
            rows.append([f])
            continue
        cur.append(f)
        if len(cur) == maxn:
            rows.append(cur)
            cur = []
    if cur:
        rows.append(cur)
    return rows


def wide_fn(fm, st, avail):
    def w(f):
        if f["kind"] == "text":
            return f["size"] in ("l", "xl") or bool(f.get("tall"))
        return ctl_est(f, st, fm.lang) + tw(f["label"], st["fs"]) + 40 > avail
    return w


# ----------------------------------------------------------------------------------------------
# layout families
# ----------------------------------------------------------------------------------------------

def fam_ruledlist(fm, st, rng):
    fs, lh, acc = st["fs"], st["lh"], st["acc"]
    CW = st["W"] - 2 * st["px"]
    two = CW >= 880 and rng.random() < 0.8
    py = rng.choice([6, 7, 8, 10])
    right = rng.random() < 0.5
    d1w = rng.choice([None, 200, 230])
    cols = "max-content minmax(0,1fr) max-content minmax(0,1fr)" if two else "max-content minmax(0,1fr)"
    css = f"""
.sec{{font-size:{fs + 3}px;line-height:{lh + 4}px;font-weight:bold;color:{acc};border-bottom:2px solid {acc};padding-bottom:4px;margin:24px 0 2px}}
.rl{{display:grid;grid-template-columns:{cols}}}
.rc{{display:flex;align-items:center;border-bottom:1px solid #d3d8de;padding:{py}px 0;min-width:0}}
.rc.l{{padding-right:18px;{'justify-content:flex-end;' if right else ''}}}
.rc.l2{{padding-left:30px}}
.rc.span{{grid-column:2 / -1}}
.rc.i{{gap:10px}}
"""
    body = header_html(fm, st)
    wide = wide_fn(fm, st, CW / 2 - 60)
    for sec in fm.sections:
        body += f'<div class="sec">{E(sec["title"])}</div>'
        if sec["kind"] == "decl":
            body += f'<p class="decl">{E(fm.decl)}</p>'
        rows = pack(sec["fields"], wide, 2 if two else 1)
        cells = []
        for row in rows:
            for j, f in enumerate(row):
                cells.append(f'<div class="rc l{" l2" if j == 1 else ""}">{labw(f, st)}</div>')
                sp = " span" if (two and len(row) == 1) else ""
                cells.append(f'<div class="rc i{sp}">{ctl(fm, f, st, fill="grow", d1w=d1w)}</div>')
        body += f'<div class="rl">{"".join(cells)}</div>'
    return css, body + footer_html(fm, st)


def fam_segrow(fm, st, rng):
    fs = st["fs"]
    CW = st["W"] - 2 * st["px"]
    inner = CW - 1
    rh = st["ih"] + rng.choice([10, 14, 18])
    rule = rng.choice(["#222", "#333", "#555"])
    band = rng.choice([("#e3e3e3", "#111"), ("#d9e2ec", "#102a43"), (st["acc"], "#fff"), ("#f0f0f0", "#111")])
    bold = rng.random() < 0.4
    css = f"""
.stab{{border-left:1px solid {rule};border-top:1px solid {rule};margin-top:16px;width:{CW}px;box-sizing:border-box}}
.srow{{display:grid}}
.sband{{box-sizing:border-box;border-right:1px solid {rule};border-bottom:1px solid {rule};background:{band[0]};color:{band[1]};font-weight:bold;padding:4px 8px}}
.sband.p{{font-weight:normal;background:#fff;color:#222;padding:8px 8px}}
.seg{{box-sizing:border-box;display:flex;align-items:center;gap:12px;padding:0 8px;border-right:1px solid {rule};border-bottom:1px solid {rule};height:{rh}px;white-space:nowrap;overflow:hidden;min-width:0}}
.seg .lab{{{'font-weight:bold;' if bold else ''}}}
.sfmt{{margin-left:auto}}
.srow.tall .seg{{height:{2 * rh + 12}px;align-items:flex-start;padding-top:8px}}
"""
    body = header_html(fm, st)
    tbl = []
    sizes = {"xs": 70, "s": 120, "m": 180, "l": 260, "xl": 380}
    for sec in fm.sections:
        tbl.append(f'<div class="sband">{E(sec["title"])}</div>')
        if sec["kind"] == "decl":
            tbl.append(f'<div class="sband p">{E(fm.decl)}</div>')
        rows, cur, curw = [], [], 0
        for f in sec["fields"]:
            lw = tw(f["label"], fs, bold) + 30
            need = lw + (sizes[f["size"]] if f["kind"] == "text" else ctl_est(f, st, fm.lang) + 6)
            if f["kind"] == "date" and is_one(st, f):
                need = lw + tw(st["C"][f["n"]].get("fmt_print") or "", fs) + 60
            alone = f["kind"] == "text" and (f["size"] == "xl" or f.get("tall"))
            if cur and (curw + need > inner or len(cur) == 3 or alone):
                rows.append(cur)
                cur, curw = [], 0
            cur.append((f, need))
            curw += need
            if alone:
                rows.append(cur)
                cur, curw = [], 0
        if cur:
            rows.append(cur)
        for row in rows:
            tot = sum(n for _, n in row)
            extra = inner - tot
            ws = [int(n + extra * n / tot) for _, n in row]
            ws[-1] = inner - sum(ws[:-1])
            segs = []
            for (f, _), w in zip(row, ws):
                lab = lab_html(f, st)
                if f["kind"] == "text":
                    segs.append(f'<div class="seg fit" data-inp="{f["n"]}">{lab}</div>')
                elif is_one(st, f):
                    c = st["C"][f["n"]]
                    fmt = f'<span class="ph sfmt">{E(c["fmt_print"])}</span>' if c["dstyle"] == "ph" else ""
                    segs.append(f'<div class="seg fit" data-inp="{f["n"]}">{lab}{fmt}</div>')
                else:
                    segs.append(f'<div class="seg fit">{lab}{ctl(fm, f, st)}</div>')
            tall = any(f.get("tall") for f, _ in row)
            cols = " ".join(f"{w}px" for w in ws)
            tbl.append(f'<div class="srow{" tall" if tall else ""}" style="grid-template-columns:{cols}">{"".join(segs)}</div>')
    body += f'<div class="stab">{"".join(tbl)}</div>'
    return css, body + footer_html(fm, st)


ASIDE_TXT = {
    "en": {"applicant": "Tell us who you are. Use the name on your official documents.",
           "contact": "We will only use these details to contact you about this form.",
           "work": "Give details of your current job.",
           "theme": "Give as much detail as you can.",
           "decl": "Read the declaration carefully before you sign.",
           "office": "Staff only. Leave this section blank."},
    "zh": {"applicant": "请按有效身份证件如实填写。", "contact": "仅用于联系您办理本业务。", "work": "请填写目前的工作情况。",
           "theme": "请尽量详细填写。", "decl": "请仔细阅读后签名。", "office": "申请人无需填写本栏。"},
}


def fam_aside(fm, st, rng):
    fs, hs, hlh = st["fs"], st["hs"], st["hlh"]
    CW = st["W"] - 2 * st["px"]
    aw = rng.choice([180, 200, 220, 240])
    ncol = 2 if CW - aw - 32 < 820 else rng.choice([2, 3])
    inpc = st["inp"]
    css = f"""
.as{{display:grid;grid-template-columns:{aw}px minmax(0,1fr);column-gap:32px;border-top:1px solid #c9c9c9;padding:20px 0}}
.as:first-of-type{{margin-top:16px}}
.ast{{font-weight:bold;font-size:{fs + 2}px;line-height:{st['lh'] + 2}px;color:{st['acc']}}}
.asd{{color:#666;font-size:{hs}px;line-height:{hlh}px;margin-top:6px}}
.ag{{display:grid;grid-template-columns:repeat({ncol},minmax(0,1fr));column-gap:22px;row-gap:16px}}
.af{{display:flex;flex-direction:column;align-items:flex-start;gap:5px;min-width:0}}
.af > .inp, .af > .dcolw, .af > .drow{{align-self:stretch}}
.af.w{{grid-column:1 / -1}}
.af.w2{{grid-column:span 2}}
"""
    body = header_html(fm, st)
    colw = (CW - aw - 32 - 22 * (ncol - 1)) / ncol
    for sec in fm.sections:
        body += f'<div class="as"><div><div class="ast">{E(sec["title"])}</div><div class="asd">{E(ASIDE_TXT[fm.lang][sec["kind"]])}</div></div><div>'
        if sec["kind"] == "decl":
            body += f'<p class="decl" style="margin-top:0">{E(fm.decl)}</p>'
        items = []
        for f in sec["fields"]:
            span = ""
            if f["kind"] == "text":
                if f["size"] == "xl" or f.get("tall"):
                    span = " w"
                elif f["size"] == "l" and ncol == 3:
                    span = " w2"
            else:
                e = max(ctl_est(f, st, fm.lang), tw(f["label"], fs) + 40)
                if e > colw - 10:
                    span = " w2" if (ncol == 3 and e < 2 * colw) else " w"
            cls = "native" if inpc == "native" else None
            items.append(f'<div class="af{span}">{labw(f, st, colon="")}{ctl(fm, f, st, fill="full", cls=cls)}</div>')
        body += f'<div class="ag">{"".join(items)}</div></div></div>'
    return css, body + footer_html(fm, st)


GOV_W = {"xs": 8, "s": 14, "m": 22, "l": 30}


def fam_govuk(fm, st, rng):
    fs, hs = st["fs"], st["hs"]
    CW = st["W"] - 2 * st["px"]
    css = f"""
.gh{{font-size:{fs + 8}px;line-height:{int((fs + 8) * 1.25)}px;font-weight:bold;margin:30px 0 14px}}
.gf{{margin-bottom:22px}}
.glw{{font-weight:bold;font-size:{fs + 2}px;line-height:{int((fs + 2) * 1.3)}px;margin-bottom:6px}}
.ghint{{color:#505a5f;margin-bottom:8px}}
.gf .ops.row{{column-gap:30px}}
.gf .ops.stack{{row-gap:12px}}
.gf .dcol{{margin-right:18px}}
"""
    body = header_html(fm, st)
    for sec in fm.sections:
        body += f'<h2 class="gh">{E(sec["title"])}</h2>'
        if sec["kind"] == "decl":
            body += f'<p class="decl">{E(fm.decl)}</p>'
        for f in sec["fields"]:
            c = st["C"][f["n"]]
            hint = ""
            if f["kind"] == "date" and not is_one(st, f):
                hint = "For example, 27 3 2007" if fm.lang == "en" else "例如：2007 3 27"
                if c["order"][0] == "month":
                    hint = "For example, 3 27 2007"
                elif c["order"][0] == "year" and fm.lang == "en":
                    hint = "For example, 2007 3 27"
            elif f["kind"] == "date" and c.get("hint"):
                hint = c["hint"]
            elif f["kind"] == "choice" and len(f["opts"]) > 2 and rng.random() < 0.4:
                hint = "Select one option." if fm.lang == "en" else "请选择一项。"
            g = f'<div class="gf"><div class="glw">{labw(f, st, colon="")}</div>'
            if hint:
                g += f'<div class="ghint">{E(hint)}</div>'
            if f["kind"] == "text":
                w = None if (f["size"] == "xl" or f.get("tall")) else int(GOV_W[f["size"]] * fs * 0.62 + 20)
                g += text_ctl(f, st, None, w, None if w else "full")
            elif is_one(st, f):
                g += date1_ctl(f, st, None, int(fs * 9.5))
            elif f["kind"] == "date":
                g += dparts_ctl(f, st, fm.lang, "thick")
            else:
                g += opts_ctl(f, st)
            body += g + "</div>"
    return css, body + footer_html(fm, st)


def fam_panels2(fm, st, rng):
    fs, lh = st["fs"], st["lh"]
    CW = st["W"] - 2 * st["px"]
    tbg = rng.choice([("#e4e7eb", "#111"), (st["acc"], "#fff"), ("#f2f2f2", "#111")])
    bd = rng.choice(["#444", "#666", "#222"])
    css = f"""
.pg{{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);column-gap:18px;align-items:start;margin-top:16px}}
.pn{{border:1px solid {bd};margin-top:16px;min-width:0}}
.pg .pn{{margin-top:0}}
.pt{{background:{tbg[0]};color:{tbg[1]};font-weight:bold;padding:5px 10px;border-bottom:1px solid {bd}}}
.pb{{padding:4px 14px 14px}}
.pr{{display:flex;align-items:flex-end;gap:8px;margin-top:14px;min-width:0}}
.pr.c{{align-items:center}}
.pr2{{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);column-gap:30px}}
"""

    def row(f):
        al = " c" if f["kind"] == "choice" or (f["kind"] == "date" and not is_one(st, f)) else ""
        return f'<div class="pr fit{al}">{labw(f, st)}{ctl(fm, f, st, fill="grow")}</div>'

    def panel(sec, pairs):
        inner = ""
        if sec["kind"] == "decl":
            inner += f'<p class="decl" style="margin-top:10px">{E(fm.decl)}</p>'
        if pairs:
            rows = pack(sec["fields"], wide_fn(fm, st, (CW - 60) / 2 - 40), 2)
            for r in rows:
                if len(r) == 2:
                    inner += f'<div class="pr2">{row(r[0])}{row(r[1])}</div>'
                else:
                    inner += row(r[0])
        else:
            inner += "".join(row(f) for f in sec["fields"])
        return f'<div class="pn"><div class="pt">{E(sec["title"])}</div><div class="pb">{inner}</div></div>'

    body = header_html(fm, st)
    secs = list(fm.sections)
    i = 0
    while i < len(secs):
        s = secs[i]
        if (i + 1 < len(secs) and s["kind"] in ("applicant", "contact", "work") and secs[i + 1]["kind"] in ("contact", "work", "office")
                and len(s["fields"]) <= 7 and len(secs[i + 1]["fields"]) <= 7 and rng.random() < 0.85):
            body += f'<div class="pg">{panel(s, False)}{panel(secs[i + 1], False)}</div>'
            i += 2
            continue
        body += panel(s, s["kind"] in ("theme", "decl", "office", "applicant") and CW >= 900)
        i += 1
    return css, body + footer_html(fm, st)


FLOW_W = {"xs": 80, "s": 150, "m": 220, "l": 300}


def fam_flowbox(fm, st, rng):
    fs = st["fs"]
    css = f"""
.fh{{font-weight:bold;font-size:{fs + 2}px;line-height:{st['lh'] + 2}px;border-bottom:1px solid #333;margin:22px 0 12px;padding-bottom:3px}}
.fl{{display:flex;flex-wrap:wrap;column-gap:{rng.choice([26, 30, 36])}px;row-gap:{rng.choice([12, 14, 16])}px;align-items:center}}
.it{{display:inline-flex;align-items:center;gap:8px;max-width:100%;min-width:0}}
.it.full{{flex:1 1 100%}}
"""
    body = header_html(fm, st)
    for sec in fm.sections:
        body += f'<div class="fh">{E(sec["title"])}</div>'
        if sec["kind"] == "decl":
            body += f'<p class="decl">{E(fm.decl)}</p>'
        items = []
        for f in sec["fields"]:
            if f["kind"] == "text":
                if f["size"] == "xl" or f.get("tall"):
                    items.append(f'<div class="it full fit">{labw(f, st)}{text_ctl(f, st, None, None, "grow")}</div>')
                else:
                    items.append(f'<div class="it fit">{labw(f, st)}{text_ctl(f, st, None, FLOW_W[f["size"]])}</div>')
            elif is_one(st, f):
                items.append(f'<div class="it fit">{labw(f, st)}{date1_ctl(f, st, None, int(fs * 9) + 10)}</div>')
            else:
                items.append(f'<div class="it fit">{labw(f, st)}{ctl(fm, f, st)}</div>')
        body += f'<div class="fl">{"".join(items)}</div>'
    return css, body + footer_html(fm, st)


def fam_framedgrid(fm, st, rng):
    fs = st["fs"]
    CW = st["W"] - 2 * st["px"]
    ncol = 3 if CW >= 900 and rng.random() < 0.7 else 2
    bw = rng.choice(["1px", "1.5px", "2px"])
    css = f"""
fieldset.fs{{border:{bw} solid #555;margin:18px 0 0;padding:8px 16px 16px;min-width:0}}
fieldset.fs legend{{font-weight:bold;padding:0 6px;font-size:{fs + 1}px;color:{st['acc']}}}
.fg{{display:grid;grid-template-columns:repeat({ncol},minmax(0,1fr));column-gap:20px;row-gap:14px}}
.ff{{display:flex;flex-direction:column;align-items:flex-start;gap:4px;min-width:0}}
.ff > .inp, .ff > .dcolw, .ff > .drow{{align-self:stretch}}
.ff.s2{{grid-column:span 2}}
.ff.sa{{grid-column:1 / -1}}
"""
    colw = (CW - 36 - 20 * (ncol - 1)) / ncol
    body = header_html(fm, st)
    for sec in fm.sections:
        inner = ""
        if sec["kind"] == "decl":
            inner += f'<p class="decl">{E(fm.decl)}</p>'
        items = []
        for f in sec["fields"]:
            span = ""
            if f["kind"] == "text":
                if f["size"] == "xl" or f.get("tall"):
                    span = " sa"
                elif f["size"] == "l":
                    span = " s2" if ncol == 3 else " sa"
            else:
                e = max(ctl_est(f, st, fm.lang), tw(f["label"], fs) + 30)
                if e > colw - 10:
                    span = " s2" if (ncol == 3 and e < 2 * colw - 20) else " sa"
            items.append(f'<div class="ff{span}">{labw(f, st, colon="")}{ctl(fm, f, st, fill="full")}</div>')
        inner += f'<div class="fg">{"".join(items)}</div>'
        body += f'<fieldset class="fs"><legend>{E(sec["title"])}</legend>{inner}</fieldset>'
    return css, body + footer_html(fm, st)


def fam_gform(fm, st, rng):
    fs = st["fs"]
    bg = rng.choice(["#f0ebf8", "#e8f0fe", "#f1f3f4", "#e6f4ea", "#fef7e0"])
    acc = rng.choice(["#673ab7", "#1a73e8", "#3f51b5", "#0b8043", "#d93025", "#455a64"])
    st["bg"] = bg
    gw = min(st["W"] - 60, rng.choice([640, 680, 720]))
    css = f"""
.page{{padding-left:0;padding-right:0}}
.gw{{width:{gw}px;margin:0 auto}}
.gc{{background:#fff;border:1px solid #dadce0;border-radius:8px;padding:14px 22px 16px;margin-bottom:10px}}
.gc.top{{border-top:10px solid {acc};padding-top:18px}}
.gc.sh{{background:{acc};color:#fff;border-color:{acc};padding:10px 24px;font-weight:bold}}
.gq{{font-size:{fs + 1}px;line-height:{int((fs + 1) * 1.4)}px;margin-bottom:10px}}
.gc .ops.stack{{row-gap:10px}}
.gc .op{{gap:12px}}
.gc .instr{{margin-top:8px}}
.gc .hd.c{{text-align:left}}
.gc .req{{color:#d93025}}
.ft{{border-top:none}}
"""
    st["hdr"] = "center"
    body = f'<div class="gw"><div class="gc top">{header_html(fm, st)}</div>'
    for sec in fm.sections:
        body += f'<div class="gc sh">{E(sec["title"])}</div>'
        if sec["kind"] == "decl":
            body += f'<div class="gc">{E(fm.decl)}</div>'
        for f in sec["fields"]:
            ph = "Your answer" if fm.lang == "en" else "您的回答"
            if f["kind"] == "text":
                full = f["size"] in ("l", "xl") or f.get("tall")
                c = text_ctl(f, st, None, None if full else int(gw * 0.5), "full" if full else None, ph)
            elif is_one(st, f):
                c = date1_ctl(f, st, None, int(fs * 9) + 20)
            elif f["kind"] == "date":
                c = dparts_ctl(f, st, fm.lang, "ul")
            else:
                c = opts_ctl(f, st)
            body += f'<div class="gc"><div class="gq">{labw(f, st, colon="")}</div>{c}</div>'
    body += footer_html(fm, st) + "</div>"
    return css, body


NUM_ZH = "一二三四五六七八九十"


def fam_worddoc(fm, st, rng):
    fs = st["fs"]
    CW = st["W"] - 2 * st["px"]
    two = CW >= 700 and rng.random() < 0.75
    rg = rng.choice([12, 14, 16])
    cols = "max-content minmax(0,1fr) max-content minmax(0,1fr)" if two else "max-content minmax(0,1fr)"
    css = f"""
.wh{{font-size:{fs + 1}px;font-weight:bold;margin:20px 0 10px}}
.wg{{display:grid;grid-template-columns:{cols};row-gap:{rg}px;align-items:end}}
.wl{{padding-right:6px;min-width:0}}
.wl2{{padding-left:26px}}
.wi{{min-width:0;display:flex;align-items:flex-end}}
.wi.c, .wl.c{{align-self:center}}
.wi.span{{grid-column:2 / -1}}
.wsig{{display:flex;justify-content:flex-end;align-items:flex-end;gap:8px;margin-top:22px}}
.wsig .gap{{width:30px}}
h1{{text-align:center}}
"""
    st["hdr"] = rng.choice(["center", "rule"])
    body = header_html(fm, st)
    wide = wide_fn(fm, st, CW / 2 - 50)
    k = 0
    for sec in fm.sections:
        num = f"{k + 1}." if fm.lang == "en" else NUM_ZH[k] + "、"
        k += 1
        body += f'<div class="wh">{num} {E(sec["title"])}</div>'
        fields = sec["fields"]
        sig = []
        if sec["kind"] == "decl":
            body += f'<p class="decl">{E(fm.decl)}</p>'
            sig = [f for f in fields if f["key"] in ("signature", "date") and not f.get("tall")]
            fields = [f for f in fields if f not in sig]
        if fields:
            cells = []
            for row in pack(fields, wide, 2 if two else 1):
                for j, f in enumerate(row):
                    cc = " c" if f["kind"] == "choice" or (f["kind"] == "date" and not is_one(st, f) and st["C"][f["n"]]["dstyle"] == "words") else ""
                    cells.append(f'<div class="wl{" wl2" if j == 1 else ""}{cc}">{labw(f, st)}</div>')
                    sp = " span" if (two and len(row) == 1) else ""
                    cells.append(f'<div class="wi{sp}{cc}">{ctl(fm, f, st, fill="grow")}</div>')
            body += f'<div class="wg">{"".join(cells)}</div>'
        if sig:
            parts = []
            for f in sig:
                if f["kind"] == "text":
                    parts.append(labw(f, st) + text_ctl(f, st, None, int(fs * 12)))
                elif is_one(st, f):
                    parts.append(labw(f, st) + date1_ctl(f, st, None, int(fs * 9)))
                else:
                    parts.append(labw(f, st) + dparts_ctl(f, st, fm.lang))
            body += '<div class="wsig">' + '<span class="gap"></span>'.join(parts) + "</div>"
    return css, body + footer_html(fm, st)


def fam_claim(fm, st, rng):
    fs, hs = st["fs"], st["hs"]
    CW = st["W"] - 2 * st["px"]
    ncol = 3 if CW >= 860 else 2
    sh = st["ih"] * 2 + 18
    css = f"""
.cbar{{background:{st['acc']};color:#fff;font-weight:bold;padding:6px 10px;margin:20px 0 12px}}
.cg{{display:grid;grid-template-columns:repeat({ncol},minmax(0,1fr));column-gap:16px;row-gap:12px}}
.cf{{display:flex;flex-direction:column;align-items:flex-start;gap:4px;min-width:0}}
.cf > .inp, .cf > .dcolw, .cf > .drow{{align-self:stretch}}
.cf.w{{grid-column:1 / -1}}
.cf.w2{{grid-column:span 2}}
.cf .lab{{font-size:{max(12, fs - 1)}px}}
.qs{{margin-top:10px;border-top:1px solid #c8c8c8}}
.qr{{display:grid;grid-template-columns:minmax(0,1fr) max-content;column-gap:28px;align-items:center;border-bottom:1px solid #c8c8c8;padding:9px 0}}
.qr .lab{{white-space:normal}}
.sgc{{display:grid;border-left:1px solid #333;border-top:1px solid #333;margin-top:8px}}
.sc{{box-sizing:border-box;border-right:1px solid #333;border-bottom:1px solid #333;height:{sh}px;padding:5px 8px;display:flex;flex-direction:column;justify-content:space-between;align-items:flex-start;min-width:0;overflow:hidden}}
.sc .lab{{font-size:{max(12, fs - 1)}px}}
.sc .ph{{align-self:flex-end}}
"""
    colw = (CW - 16 * (ncol - 1)) / ncol
    body = header_html(fm, st)
    letters = "ABCDEFGH"
    for k, sec in enumerate(fm.sections):
        t = (f"Section {letters[k]}: " if fm.lang == "en" else f"第{NUM_ZH[k]}部分  ") + sec["title"]
        body += f'<div class="cbar">{E(t)}</div>'
        fields = sec["fields"]
        if sec["kind"] == "decl":
            body += f'<p class="decl">{E(fm.decl)}</p>'
            sig = [f for f in fields if f["key"] in ("signature", "date")]
            rest = [f for f in fields if f not in sig]
            cells = []
            inner = CW - 1
            ws = [int(inner * 0.6), inner - int(inner * 0.6)] if len(sig) == 2 else [inner]
            for f in sig:
                lab = lab_html(f, st)
                if f["kind"] == "text":
                    cells.append(f'<div class="sc" data-inp="{f["n"]}">{lab}</div>')
                elif is_one(st, f):
                    c = st["C"][f["n"]]
                    fmt = f'<span class="ph">{E(c["fmt_print"])}</span>' if c.get("fmt") else ""
                    cells.append(f'<div class="sc" data-inp="{f["n"]}">{lab}{fmt}</div>')
                else:
                    cells.append(f'<div class="sc fit">{lab}{dparts_ctl(f, st, fm.lang)}</div>')
            cols = " ".join(f"{w}px" for w in ws)
            body += f'<div class="sgc" style="grid-template-columns:{cols}">{"".join(cells)}</div>'
            fields = rest
            if not fields:
                continue
        q = [f for f in fields if f["kind"] == "choice" and sec["kind"] == "theme"]
        g = [f for f in fields if f not in q]
        items = []
        for f in g:
            span = ""
            if f["kind"] == "text":
                if f["size"] == "xl" or f.get("tall"):
                    span = " w"
                elif f["size"] == "l" and ncol == 3:
                    span = " w2"
            else:
                e = max(ctl_est(f, st, fm.lang), tw(f["label"], fs) + 30)
                if e > colw - 10:
                    span = " w2" if (ncol == 3 and e < 2 * colw - 20) else " w"
            items.append(f'<div class="cf{span}">{labw(f, st, colon="")}{ctl(fm, f, st, fill="full")}</div>')
        if items:
            body += f'<div class="cg">{"".join(items)}</div>'
        if q:
            body += '<div class="qs">' + "".join(
                f'<div class="qr">{labw(f, st, colon="")}{opts_ctl(f, st, "row")}</div>' for f in q) + "</div>"
    return css, body + footer_html(fm, st)


def fam_refbox(fm, st, rng):
    fs, hs, hlh = st["fs"], st["hs"], st["hlh"]
    CW = st["W"] - 2 * st["px"]
    two = CW >= 860 and rng.random() < 0.6
    oh = max(hlh + 12, 28)
    office = [s for s in fm.sections if s["kind"] == "office"]
    ofields = office[0]["fields"] if office else []
    lw = int(max([tw(f["label"], hs) for f in ofields] + [60]) + 18)
    iw = rng.choice([150, 170, 190])
    logo = int(round(fs * 3.2))
    cols = "max-content minmax(0,1fr) max-content minmax(0,1fr)" if two else "max-content minmax(0,1fr)"
    css = f"""
.lh{{display:flex;justify-content:space-between;align-items:flex-start;gap:24px}}
.lhl{{display:flex;gap:12px;align-items:center}}
.lhl .logo{{width:{logo}px;height:{logo}px}}
.addr{{font-size:{hs}px;line-height:{hlh}px;color:#555}}
.org{{font-weight:bold;font-size:{fs + 2}px;line-height:{st['lh'] + 2}px;color:{st['acc']}}}
.otc{{font-size:{hs}px;line-height:{hlh}px;color:#555;margin-bottom:3px}}
.ot{{display:grid;grid-template-columns:{lw}px {iw}px;border-left:1px solid #444;border-top:1px solid #444}}
.oc{{box-sizing:border-box;border-right:1px solid #444;border-bottom:1px solid #444;height:{oh}px;padding:0 6px;display:flex;align-items:center;white-space:nowrap;overflow:hidden;font-size:{hs}px}}
.oc.l{{background:#ececec}}
.oc .ph{{font-size:{hs}px}}
.ttl{{margin-top:20px}}
.ttl h1{{font-size:{int(round(fs * 1.45))}px}}
.rh{{font-weight:bold;border-bottom:1px solid #999;margin:22px 0 10px;padding-bottom:3px}}
.rg{{display:grid;grid-template-columns:{cols};column-gap:10px;row-gap:10px;align-items:center}}
.rg .l{{justify-self:end;min-width:0}}
.rg .l2{{padding-left:22px}}
.rg .i{{min-width:0;display:flex;align-items:center}}
.rg .span{{grid-column:2 / -1}}
.db{{border:1.5px solid #333;padding:12px 16px;margin-top:20px}}
.dbr{{display:flex;align-items:center;gap:10px;flex-wrap:wrap;row-gap:12px}}
.dbr .gap{{width:26px}}
"""
    addr = {"en": ["Customer Services, PO Box 1180", "Tel 0300 555 0142 · www.example.org"],
            "zh": ["服务热线：400-800-1234", "地址：市民服务中心二楼"]}[fm.lang]
    otitle = office[0]["title"] if office else ""
    orows = ""
    for f in ofields:
        lab = lab_html(f, st, colon="")
        if f["kind"] == "text":
            orows += f'<div class="oc l">{lab}</div><div class="oc" data-inp="{f["n"]}"></div>'
        else:
            c = st["C"][f["n"]]
            ph = f'<span class="ph">{E(c["fmt_print"])}</span>' if c["dstyle"] == "ph" else ""
            orows += f'<div class="oc l">{lab}</div><div class="oc" data-inp="{f["n"]}">{ph}</div>'
    ot = f'<div><div class="otc">{E(otitle)}</div><div class="ot">{orows}</div></div>' if ofields else ""
    body = (f'<div class="lh"><div class="lhl"><div class="logo">{initials(fm)}</div><div><div class="org">{E(fm.issuer)}</div>'
            f'<div class="addr">{E(addr[0])}<br>{E(addr[1])}</div></div></div>{ot}</div>')
    body += f'<div class="ttl"><h1>{E(fm.title)}</h1><div class="code">{E(fm.code)}</div></div><div class="instr">{E(fm.instr)}</div>'
    wide = wide_fn(fm, st, CW / 2 - 60)
    for sec in fm.sections:
        if sec["kind"] == "office":
            continue
        if sec["kind"] == "decl":
            parts = []
            for f in sec["fields"]:
                if f["kind"] == "text":
                    parts.append(labw(f, st) + text_ctl(f, st, None, int(fs * 13)))
                elif is_one(st, f):
                    parts.append(labw(f, st) + date1_ctl(f, st, None, int(fs * 9)))
                else:
                    parts.append(labw(f, st) + dparts_ctl(f, st, fm.lang))
            body += (f'<div class="db"><div style="font-weight:bold">{E(sec["title"])}</div><p class="decl">{E(fm.decl)}</p>'
                     f'<div class="dbr">{"<span class=gap></span>".join(parts)}</div></div>')
            continue
        body += f'<div class="rh">{E(sec["title"])}</div>'
        cells = []
        for row in pack(sec["fields"], wide, 2 if two else 1):
            for j, f in enumerate(row):
                cells.append(f'<div class="l{" l2" if j == 1 else ""}">{labw(f, st)}</div>')
                sp = " span" if (two and len(row) == 1) else ""
                cells.append(f'<div class="i{sp}">{ctl(fm, f, st, fill="grow", d1w=int(fs * 10))}</div>')
        body += f'<div class="rg">{"".join(cells)}</div>'
    return css, body + footer_html(fm, st)


FAMILY_FN = {"ruledlist": fam_ruledlist, "segrow": fam_segrow, "aside": fam_aside, "govuk": fam_govuk,
             "panels2": fam_panels2, "flowbox": fam_flowbox, "framedgrid": fam_framedgrid, "gform": fam_gform,
             "worddoc": fam_worddoc, "claim": fam_claim, "refbox": fam_refbox}


def build_html(fm, st, rng):
    css, body = FAMILY_FN[fm.family](fm, st, rng)
    lang = "en" if fm.lang == "en" else "zh-CN"
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{E(fm.title)}</title>'
            f'<style>{base_css(fm, st)}{css}</style></head><body><div class="page">{body}</div></body></html>\n')

# ----------------------------------------------------------------------------------------------
# extraction (in the page, after layout), JSON, checks
# ----------------------------------------------------------------------------------------------

JS_EXTRACT = r"""
(() => {
  const F = r => [r.left, r.top, r.right, r.bottom];
  const rr = el => { const g = document.createRange(); g.selectNodeContents(el); return F(g.getBoundingClientRect()); };
  const out = {lab: {}, labt: {}, incell: {}, inp: {}, part: {}, opt: {}, otx: {}, otxt: {}, fit: [], n: {}};
  const inps = {};
  for (const e of document.querySelectorAll('[data-inp]')) { out.inp[e.dataset.inp] = F(e.getBoundingClientRect()); inps[e.dataset.inp] = e; }
  for (const e of document.querySelectorAll('[data-lab]')) {
    const k = e.dataset.lab;
    if (k in out.lab) out.n['duplicate label ' + k] = 1;
    out.lab[k] = rr(e); out.labt[k] = e.textContent;
    out.incell[k] = !!(inps[k] && inps[k].contains(e));
  }
  for (const e of document.querySelectorAll('[data-part]')) out.part[e.dataset.part] = F(e.getBoundingClientRect());
  for (const e of document.querySelectorAll('[data-otx]')) { out.otx[e.dataset.otx] = rr(e); out.otxt[e.dataset.otx] = e.textContent; }
  const cv = document.createElement('canvas').getContext('2d');
  for (const e of document.querySelectorAll('[data-opt]')) {
    if (e.dataset.glyph) {
      const cs = getComputedStyle(e);
      cv.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      const t = e.firstChild;
      const g = document.createRange(); g.setStart(t, 0); g.setEnd(t, 1);
      const r = g.getBoundingClientRect();
      const m = document.createElement('span');
      m.style.cssText = 'display:inline-block;width:0;height:0;vertical-align:baseline';
      e.insertBefore(m, t);
      const base = m.getBoundingClientRect().top;
      m.remove();
      const mt = cv.measureText(t.data[0]);
      out.opt[e.dataset.opt] = [r.left - mt.actualBoundingBoxLeft, base - mt.actualBoundingBoxAscent,
                                r.left + mt.actualBoundingBoxRight, base + mt.actualBoundingBoxDescent];
    } else out.opt[e.dataset.opt] = F(e.getBoundingClientRect());
  }
  for (const e of document.querySelectorAll('.fit'))
    if (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)
      out.fit.push(e.className + ': ' + (e.textContent || '').slice(0, 40));
  for (const e of document.querySelectorAll('.lab, .otx, .ph, .hint, .dcap, .dunit, .dword'))
    if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).display !== 'inline')
      out.fit.push('text ' + e.className + ': ' + (e.textContent || '').slice(0, 40));
  return out;
})()
"""


def fl(v):
    return int(np.floor(v + 1e-3))


def ce(v):
    return int(np.ceil(v - 1e-3))


def bx(r):
    return [fl(r[0]), fl(r[1]), ce(r[2]), ce(r[3])]


def part_value(iso, p, padded):
    if iso is None:
        return ""
    y, m, d = iso.split("-")
    if p == "year":
        return y
    v = m if p == "month" else d
    return v if padded else str(int(v))


def assemble(fm, st, data, W, H):
    fields = []
    for f in fm.fields:
        n = str(f["n"])
        base = {"label": f["label"], "label_box": bx(data["lab"][n])}
        if f["kind"] == "text":
            base.update(kind="text", input_box=bx(data["inp"][n]), key=f["key"], value=f["value"])
        elif f["kind"] == "date":
            c = st["C"][f["n"]]
            base.update(kind="date", key=f["key"], value=f["value"])
            if c["dstyle"] in ONE_SET:
                base.update(input_box=bx(data["inp"][n]), format=c["fmt"], parts=[])
            else:
                pad = parts_padded(fm.lang, c["dstyle"])
                base.update(input_box=None, format=None,
                            parts=[{"part": p, "box": bx(data["part"][f"{n}:{p}"]), "value": part_value(f["value"], p, pad)}
                                   for p in c["order"]])
        else:
            c = st["C"][f["n"]]
            base.update(kind="checkbox", style=JSON_STYLE[c["ostyle"]], input_box=None, key=f["key"], value=f["value"],
                        options=[{"text": o, "text_box": bx(data["otx"][f"{n}:{i}"]), "box": bx(data["opt"][f"{n}:{i}"])}
                                 for i, o in enumerate(f["opts"])])
        fields.append(base)
    ds = sorted({st["C"][f["n"]]["dstyle"] for f in fm.fields if f["kind"] == "date"})
    os_ = sorted({st["C"][f["n"]]["ostyle"] for f in fm.fields if f["kind"] == "choice"})
    font = fm.font.replace("'", "")
    layout = (f"{fm.family}: {FAMILY_DESC[fm.family]}; inputs {st['inp']}; options {', '.join(os_)}; "
              f"dates {', '.join(ds)}; {font} {st['fs']}px")
    J = {"id": fm.id, "lang": fm.lang, "width": W, "height": H, "image": fm.id + ".png", "layout": layout,
         "profile": fm.profile, "fields": fields}
    if fm.hard:
        J["hard_case"] = ("the form asks for first and last name separately but the profile only has a full "
                          "name (given name first), so a mapper must split it")
    return J


FAMILY_DESC = {
    "ruledlist": "labels in a column left of inputs, rows separated by hairlines, one or two pairs per row",
    "segrow": "ruled strips cut into segments, label at the left inside each segment (the segment is the input)",
    "aside": "section title and note in a left column, labels above inputs in a grid on the right",
    "govuk": "one column, bold labels above tailored-width heavy boxes, hints under labels",
    "panels2": "bordered panels with title strips, side by side where they fit, labels left of lines",
    "flowbox": "label + box pairs flowing along the line, boxes sized to their content",
    "framedgrid": "sections as framed fieldsets with legends, labels above boxes in a 2-3 column grid",
    "gform": "online survey printout: one question per card, answer lines with a grey placeholder",
    "worddoc": "word-processor document: numbered headings, borderless label | line table, signature line at the end",
    "claim": "claim form: dark section bars, labels above boxes in a grid, yes/no question rows, signature cells",
    "refbox": "letterhead with an office-use reference table, right-aligned labels left of boxes, framed declaration",
}

SCHEMA_TOP = ["id", "lang", "width", "height", "image", "layout", "profile", "fields"]


def v2_errors(J):
    """the v2 format as tests/fixtures/forms_tune/README.md describes it"""
    e = []
    for k in SCHEMA_TOP:
        if k not in J:
            e.append("missing " + k)
    W, H = J["width"], J["height"]

    def okbox(b, what):
        if not (isinstance(b, list) and len(b) == 4 and all(isinstance(v, int) for v in b)):
            e.append(f"{what}: bad box {b}")
            return
        if not (0 <= b[0] < b[2] <= W and 0 <= b[1] < b[3] <= H):
            e.append(f"{what}: box {b} outside the page or empty")

    for f in J["fields"]:
        w = f.get("label")
        if not isinstance(w, str) or not w:
            e.append("empty label")
        okbox(f["label_box"], w)
        kind = f["kind"]
        if kind == "text":
            if list(f) != ["label", "label_box", "kind", "input_box", "key", "value"]:
                e.append(f"{w}: text keys {list(f)}")
            okbox(f["input_box"], w)
        elif kind == "date":
            if list(f) != ["label", "label_box", "kind", "key", "value", "input_box", "format", "parts"]:
                e.append(f"{w}: date keys {list(f)}")
            if f["value"] is not None:
                y, m, d = f["value"].split("-")
                if len(y) != 4 or len(m) != 2 or len(d) != 2:
                    e.append(f"{w}: value {f['value']}")
            if f["input_box"] is not None:
                okbox(f["input_box"], w)
                if f["parts"]:
                    e.append(f"{w}: one box with parts")
                if f["format"] is not None and f["format"] != f["format"].upper():
                    e.append(f"{w}: format case")
            else:
                if f["format"] is not None or len(f["parts"]) != 3:
                    e.append(f"{w}: parts")
                if sorted(p["part"] for p in f["parts"]) != ["day", "month", "year"]:
                    e.append(f"{w}: part names")
                for p in f["parts"]:
                    okbox(p["box"], w + "/" + p["part"])
                    if f["value"] is None:
                        if p["value"] != "":
                            e.append(f"{w}: part value for null")
                    else:
                        y, m, d = (int(x) for x in f["value"].split("-"))
                        want = {"year": y, "month": m, "day": d}[p["part"]]
                        if int(p["value"]) != want or (p["part"] == "year" and len(p["value"]) != 4):
                            e.append(f"{w}: part {p}")
        elif kind == "checkbox":
            if list(f) != ["label", "label_box", "kind", "style", "input_box", "key", "value", "options"]:
                e.append(f"{w}: checkbox keys {list(f)}")
            if f["style"] not in ("square", "radio", "glyph") or f["input_box"] is not None:
                e.append(f"{w}: style / input_box")
            texts = [o["text"] for o in f["options"]]
            if f["value"] is not None and f["value"] not in texts:
                e.append(f"{w}: value not an option")
            for o in f["options"]:
                okbox(o["box"], w + "/" + o["text"])
                okbox(o["text_box"], w + "/" + o["text"] + " text")
        else:
            e.append(f"{w}: kind {kind}")
        if f["key"] == "signature" and f["value"] is not None:
            e.append("signature with a value")
    return e


def inter(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def dist(a, b):
    dx = max(0, b[0] - a[2], a[0] - b[2])
    dy = max(0, b[1] - a[3], a[1] - b[3])
    return max(dx, dy)


def strip_label(t):
    t = t.strip()
    while t and t[-1] in ":：* \u00a0":
        t = t[:-1]
    return t.strip()


def check(fm, st, data, J, gray):
    errs = list(v2_errors(J))
    if data["fit"]:
        errs.append("overflow: " + "; ".join(data["fit"][:3]))
    if data["n"]:
        errs.append("dup: " + ", ".join(data["n"]))
    H, W = gray.shape
    items = []
    for f, jf in zip(fm.fields, J["fields"]):
        n = f["n"]
        t = strip_label(data["labt"][str(n)])
        if t != f["label"]:
            errs.append(f"label text {t!r} != {f['label']!r}")
        items.append((n, "lab", jf["label_box"]))
        if f["key"] == "id_number" and fm.loc in ("zh", "cn") and f["value"] is not None:
            if not cn_id_ok(f["value"], fm.person["date_of_birth"], fm.person["male"]):
                errs.append(f"ID number {f['value']}")
        if jf.get("input_box"):
            items.append((n, "inp", jf["input_box"]))
        for p in jf.get("parts") or []:
            items.append((n, "part", p["box"]))
        if jf["kind"] == "date" and jf["parts"]:
            xs = [p["box"][0] for p in jf["parts"]]
            if xs != sorted(xs) or len(set(xs)) != 3:
                errs.append(f"{f['label']}: parts not left to right")
        for i, o in enumerate(jf.get("options") or []):
            if strip_label(data["otxt"][f"{n}:{i}"]) != o["text"]:
                errs.append(f"option text {o['text']}")
            items.append((n, "opt", o["box"]))
            items.append((n, "otx", o["text_box"]))
    incell = data["incell"]
    for i in range(len(items)):
        a = items[i]
        for j in range(i + 1, len(items)):
            b = items[j]
            if a[0] != b[0]:
                if inter(a[2], b[2]):
                    errs.append(f"overlap {a} {b}")
                elif (a[1] == "lab" or b[1] == "lab") and dist(a[2], b[2]) < 4:
                    errs.append(f"label too close {a} {b}")
            else:
                k = {a[1], b[1]}
                if k == {"lab", "inp"}:
                    if inter(a[2], b[2]) and not incell[str(a[0])]:
                        errs.append(f"label on its own input {a}")
                elif "lab" in k and inter(a[2], b[2]):
                    errs.append(f"label on its own control {a} {b}")
                elif a[1] in ("opt", "otx") and b[1] in ("opt", "otx") and inter(a[2], b[2]):
                    # a box and its own text may not overlap either; different options never
                    errs.append(f"options overlap {a} {b}")
                elif a[1] == "part" and b[1] == "part" and inter(a[2], b[2]):
                    errs.append(f"parts overlap {a} {b}")
    for n, kind, b in items:
        if kind in ("lab", "otx"):
            reg = gray[b[1]:b[3], b[0]:b[2]]
            if reg.size == 0 or reg.min() > 150:
                errs.append(f"no ink in {kind} {b}")
    for f, jf in zip(fm.fields, J["fields"]):
        if jf["kind"] == "checkbox" and jf["style"] == "glyph":
            for o in jf["options"]:
                b = o["box"]
                x0, y0, x1, y1 = max(0, b[0] - 2), max(0, b[1] - 3), min(W, b[2] + 2), min(H, b[3] + 3)
                reg = gray[y0:y1, x0:x1] < 200  # glyph strokes are thin and often grey
                if not reg.any():
                    errs.append(f"glyph without ink {b}")
                    continue
                ys, xs = np.nonzero(reg)
                ink = [x0 + xs.min(), y0 + ys.min(), x0 + xs.max() + 1, y0 + ys.max() + 1]
                if max(abs(u - v) for u, v in zip(ink, b)) > 2:
                    errs.append(f"glyph box {b} vs ink {ink}")
    return errs


# ----------------------------------------------------------------------------------------------
# main
# ----------------------------------------------------------------------------------------------

def plan_corpus(seed, count):
    rng = random.Random(f"{seed}/plan")
    n_en = (count + 1) // 2
    n_zh = count // 2

    def deal(items, n):
        out = []
        while len(out) < n:
            batch = list(items)
            rng.shuffle(batch)
            out += batch
        return out[:n]

    fams_en = deal(FAMILIES * 2, n_en) if n_en <= 22 else deal(FAMILIES, n_en)
    fams_zh = deal(FAMILIES * 2, n_zh) if n_zh <= 22 else deal(FAMILIES, n_zh)
    th_en = deal(EN_THEMES, n_en)
    th_zh = deal(ZH_THEMES, n_zh)
    fo_en = deal(EN_FONTS, n_en)
    fo_zh = deal(ZH_FONTS, n_zh)
    cand = [i for i in range(n_en) if th_en[i]["loc"] in ("uk", "us", "au") and fams_en[i] not in ("segrow",)]
    hard = set(rng.sample(cand, min(2, len(cand))))
    plan = []
    for i in range(1, count + 1):
        if i % 2:
            k = (i - 1) // 2
            plan.append(("en", fams_en[k], th_en[k], fo_en[k], k in hard))
        else:
            k = i // 2 - 1
            plan.append(("zh", fams_zh[k], th_zh[k], fo_zh[k], False))
    return plan


def render_form(b, fm, seed, out_dir):
    last = None
    for attempt in range(ATTEMPTS):
        srng = random.Random(f"{seed}/{fm.id}/style/{attempt}")
        st = draw_cos(fm, srng)
        if fm.family == "claim":  # a date written in the signature cell shows its format inside the cell
            for f in fm.fields:
                if f["sec"] == "decl" and f["kind"] == "date" and st["C"][f["n"]]["dstyle"] in ONE_SET:
                    c = st["C"][f["n"]]
                    c["dstyle"] = "ph"
                    c.pop("suffix", None)
                    c["fmt"] = c["fmt"] or c["fmt_print"].upper()
        src = build_html(fm, st, srng)
        try:
            png, data, (W, H) = b.render(src, st["W"], JS_EXTRACT)
        except Exception as ex:  # content wider than the page, ...
            last = [f"render: {ex}"]
            if DEBUG:
                print(f"  {fm.id} attempt {attempt}: {last}")
            continue
        im = Image.open(io.BytesIO(png)).convert("RGB")
        gray = np.asarray(im.convert("L"))
        try:
            J = assemble(fm, st, data, W, H)
            errs = check(fm, st, data, J, gray)
        except KeyError as ex:
            J, errs = None, [f"missing element {ex}"]
        tmp = os.path.join(out_dir, fm.id + ".png.tmp")
        save_png(png, tmp)
        size = os.path.getsize(tmp)
        if size > MAX_PNG:
            errs.append(f"png {size} bytes")
        if not errs:
            os.replace(tmp, os.path.join(out_dir, fm.id + ".png"))
            with open(os.path.join(out_dir, fm.id + ".html"), "w", encoding="utf-8") as fh:
                fh.write(src)
            with open(os.path.join(out_dir, fm.id + ".json"), "w", encoding="utf-8") as fh:
                json.dump(J, fh, ensure_ascii=False, indent=1)
                fh.write("\n")
            return J, st, attempt, size
        os.remove(tmp)
        last = errs
        if DEBUG:
            os.makedirs(DEBUG_DIR, exist_ok=True)
            print(f"  {fm.id} attempt {attempt}: {len(errs)} problems: {errs[:6]}")
            with open(os.path.join(DEBUG_DIR, f"{fm.id}_{attempt}.html"), "w", encoding="utf-8") as fh:
                fh.write(src)
            im.save(os.path.join(DEBUG_DIR, f"{fm.id}_{attempt}.png"))
    raise SystemExit(f"{fm.id}: no acceptable draw after {ATTEMPTS} attempts; last problems: {last[:8]}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1414)
    ap.add_argument("--count", type=int, default=44)
    ap.add_argument("--only", default=None, help="comma-separated form numbers (debugging)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    only = {int(x) for x in args.only.split(",")} if args.only else None
    if not only:
        for nme in os.listdir(args.out):
            if nme.startswith("n_") and nme.split(".")[-1] in ("html", "png", "json", "jpg"):
                os.remove(os.path.join(args.out, nme))
    t0 = time.time()
    plan = plan_corpus(args.seed, args.count)
    stats = {"fields": {"en": {}, "zh": {}}, "due": {}, "dstyle": {"en": {}, "zh": {}}, "ostyle": {"en": {}, "zh": {}},
             "fam": {}, "png": 0, "inp": {}, "redraws": 0, "height": [], "width": [], "nf": [], "fmt": {},
             "order": {}, "keyed": 0, "unfill": 0, "arr": {}}

    def inc(d, k, v=1):
        d[k] = d.get(k, 0) + v

    with Browser() as b:
        for i, (lang, fam, theme, font, hard) in enumerate(plan, 1):
            if only and i not in only:
                continue
            fid = f"n_{i:02d}"
            fm = build_content(fid, i, lang, theme, fam, font, args.seed, hard)
            J, st, att, size = render_form(b, fm, args.seed, args.out)
            stats["redraws"] += att
            stats["png"] = max(stats["png"], size)
            stats["height"].append(J["height"])
            stats["width"].append(J["width"])
            stats["nf"].append(len(J["fields"]))
            stats["fam"].setdefault(fam, []).append(fid)
            for f, jf in zip(fm.fields, J["fields"]):
                kind = jf["kind"]
                sub = kind
                if kind == "date":
                    sub = "date_one" if jf["input_box"] else "date_parts"
                    c = st["C"][f["n"]]
                    inc(stats["dstyle"][lang], c["dstyle"])
                    if jf["input_box"]:
                        inc(stats["fmt"], jf["format"] or "none")
                    else:
                        inc(stats["order"], lang + " " + "-".join(p["part"][0].upper() for p in jf["parts"]))
                if kind == "checkbox":
                    c = st["C"][f["n"]]
                    inc(stats["ostyle"][lang], c["ostyle"])
                    inc(stats["arr"], c["arr"])
                if kind == "text":
                    inc(stats["inp"], lang + " " + st["inp"])
                inc(stats["fields"][lang], sub)
                if jf["key"]:
                    stats["keyed"] += 1
                    if jf["value"] is None:
                        stats["unfill"] += 1
                    else:
                        inc(stats["due"], sub)
            print(f"{fid} {lang} {fam:10s} {J['width']}x{J['height']} {len(J['fields'])} fields, "
                  f"{sum(1 for f in J['fields'] if f['value'] is not None)} due, draw {att + 1}, {size // 1024} KB  {theme['title']}")
    dt = time.time() - t0
    tot = {k: stats["fields"]["en"].get(k, 0) + stats["fields"]["zh"].get(k, 0) for k in ("text", "date_one", "date_parts", "checkbox")}
    print(f"\n{sum(stats['nf'])} fields: " + ", ".join(f"{k} {v} (en {stats['fields']['en'].get(k, 0)} / zh {stats['fields']['zh'].get(k, 0)})" for k, v in tot.items()))
    print(f"keyed {stats['keyed']}, unfillable {stats['unfill']}; due {sum(stats['due'].values())}: {stats['due']}")
    print(f"fields per form {min(stats['nf'])}-{max(stats['nf'])}; widths {min(stats['width'])}-{max(stats['width'])}; "
          f"heights {min(stats['height'])}-{max(stats['height'])}; largest PNG {stats['png'] // 1024} KB; redraws {stats['redraws']}")
    print("date styles en:", stats["dstyle"]["en"])
    print("date styles zh:", stats["dstyle"]["zh"])
    print("formats:", stats["fmt"])
    print("orders:", stats["order"])
    print("option styles en:", stats["ostyle"]["en"])
    print("option styles zh:", stats["ostyle"]["zh"])
    print("arrangements:", stats["arr"])
    print("text inputs:", stats["inp"])
    print("families:", stats["fam"])
    print(f"time {dt:.1f} s")


if __name__ == "__main__":
    main()
