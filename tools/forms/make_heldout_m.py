#!/usr/bin/env python3
"""Held-out blank-form corpus M (v2 JSON ground truth).

    python3 tools/forms/make_heldout_m.py --out /tmp/forms_heldout_m --seed 1313 --count 44
    python3 tools/forms/make_scans.py --in /tmp/forms_heldout_m --seed 191

Writes m_01 ... m_NN (odd numbers English, even numbers Simplified Chinese): <id>.html (the laid-out
DOM), <id>.png (headless Chromium through tools/cdp_render.py, device scale factor 1, page height =
document height) and <id>.json in the v2 format of tests/fixtures/forms_tune/README.md. Every box is
read from the DOM after layout (getBoundingClientRect / Range rects, x1/y1 floored, x2/y2 ceiled;
glyph option boxes from canvas measureText at the glyph's DOM position and baseline).

Written blind: from the v2 format description, the key list / profile conventions of
tests/fixtures/forms/README.md, tools/forms/README.md, cdp_render.py, make_scans.py and a few
forms_tune fixtures only.

Ordinary forms (job applications, library cards, tenancy, clinic intake, bank accounts, ...) in
eleven layout families (see FAMILIES). Each form is checked (boxes inside the page and inside their
own containers, no overlaps between fields, labels off every input but their own cell, DOM label
text == JSON label, ink in labels and option texts, glyph boxes on their pixels, date parts in
order) and drawn again with other cosmetic draws when a check fails. Deterministic for a seed.
Self-contained: stdlib, Pillow, tools/cdp_render.py.
"""

import argparse
import collections
import datetime as dt
import html
import io
import json
import os
import random
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from cdp_render import Browser, CDPError, save_png  # noqa: E402

from PIL import Image  # noqa: E402

DEBUG = bool(os.environ.get("HELDOUT_M_DEBUG"))
MAX_TRIES = 8

# ---------------------------------------------------------------------------------------------
# people
# ---------------------------------------------------------------------------------------------

EN_COUNTRIES = {
    "UK": dict(nat="British", first_m=["James", "Oliver", "Thomas", "Daniel", "Harry", "George", "Samuel"],
               first_f=["Emily", "Charlotte", "Sophie", "Hannah", "Grace", "Lucy", "Amelia"],
               last=["Carter", "Wright", "Hughes", "Walker", "Bennett", "Turner", "Morgan", "Price"],
               cities=[("Leeds", "LS6 2AB"), ("Bristol", "BS8 1TH"), ("Manchester", "M14 6HY"),
                       ("Norwich", "NR2 4PD"), ("Cardiff", "CF10 3AT"), ("York", "YO10 5DD")],
               streets=["Elm Grove", "Victoria Road", "Mill Lane", "Church Street", "Park Avenue", "Queen's Road"],
               phone=lambda r: "+44 7700 900%03d" % r.randint(100, 999),
               idn=lambda r, p: "QQ %02d %02d %02d %s" % (r.randint(10, 99), r.randint(10, 99), r.randint(10, 99), r.choice("ABCD")),
               order="DMY"),
    "US": dict(nat="American", first_m=["Michael", "Ethan", "Jacob", "Ryan", "Tyler", "Brandon"],
               first_f=["Madison", "Ashley", "Jessica", "Olivia", "Hailey", "Megan"],
               last=["Johnson", "Miller", "Davis", "Anderson", "Martinez", "Thompson", "Garcia"],
               cities=[("Portland", "97205"), ("Denver", "80203"), ("Austin", "78701"), ("Columbus", "43215"),
                       ("Madison", "53703"), ("Raleigh", "27601")],
               streets=["Maple Street", "Oak Avenue", "Cedar Lane", "Pine Street", "Lake Drive", "Sunset Blvd"],
               phone=lambda r: "(%03d) 555-%04d" % (r.choice([503, 303, 512, 614, 608, 919]), r.randint(100, 199)),
               idn=lambda r, p: "D%07d" % r.randint(1000000, 9999999),
               order="MDY"),
    "AU": dict(nat="Australian", first_m=["Jack", "Liam", "Noah", "Cooper", "Lachlan", "Mitchell"],
               first_f=["Chloe", "Isla", "Zoe", "Matilda", "Ruby", "Sienna"],
               last=["Nguyen", "Smith", "Kelly", "Ryan", "Campbell", "Mitchell", "Clarke"],
               cities=[("Melbourne", "3000"), ("Brisbane", "4000"), ("Adelaide", "5000"), ("Hobart", "7000"),
                       ("Perth", "6000"), ("Geelong", "3220")],
               streets=["Fitzroy Street", "Beach Road", "Wattle Avenue", "George Street", "Hill Crescent"],
               phone=lambda r: "0412 %03d %03d" % (r.randint(100, 999), r.randint(100, 999)),
               idn=lambda r, p: "%d %05d %d" % (r.randint(2000, 6999), r.randint(10000, 99999), r.randint(1, 9)),
               order="DMY"),
    "IE": dict(nat="Irish", first_m=["Sean", "Cian", "Conor", "Darragh", "Eoin"],
               first_f=["Aoife", "Niamh", "Saoirse", "Ciara", "Roisin"],
               last=["Murphy", "Byrne", "O'Brien", "Walsh", "Doyle", "Gallagher"],
               cities=[("Dublin", "D02 X285"), ("Cork", "T12 R2NC"), ("Galway", "H91 E2K3"), ("Limerick", "V94 T9PX")],
               streets=["Harcourt Street", "Main Street", "Strand Road", "Abbey Lane"],
               phone=lambda r: "+353 87 %03d %04d" % (r.randint(100, 999), r.randint(1000, 9999)),
               idn=lambda r, p: "%07d%s" % (r.randint(1000000, 9999999), r.choice(["TA", "WA", "FA"])),
               order="DMY"),
    "CA": dict(nat="Canadian", first_m=["Logan", "Owen", "Nathan", "Evan", "Mason"],
               first_f=["Emma", "Avery", "Brooke", "Claire", "Leah"],
               last=["Tremblay", "Roy", "MacDonald", "Wilson", "Fraser", "Gagnon"],
               cities=[("Toronto", "M5V 2T6"), ("Ottawa", "K1P 5J2"), ("Halifax", "B3H 1A1"), ("Calgary", "T2P 1J9")],
               streets=["King Street West", "Bank Street", "Spring Garden Road", "Elbow Drive"],
               phone=lambda r: "+1 416 555 0%03d" % r.randint(100, 199),
               idn=lambda r, p: "%03d %03d %03d" % (r.randint(100, 999), r.randint(100, 999), r.randint(100, 999)),
               order="YMD"),
    "IN": dict(nat="Indian", first_m=["Arjun", "Rahul", "Vikram", "Rohan", "Aditya"],
               first_f=["Priya", "Ananya", "Kavya", "Neha", "Divya"],
               last=["Sharma", "Patel", "Iyer", "Reddy", "Nair", "Gupta"],
               cities=[("Bengaluru", "560001"), ("Pune", "411001"), ("Chennai", "600004"), ("Jaipur", "302001")],
               streets=["MG Road", "Residency Road", "Anna Salai", "Park Street"],
               phone=lambda r: "+91 98%03d %05d" % (r.randint(100, 999), r.randint(10000, 99999)),
               idn=lambda r, p: "%04d %04d %04d" % (r.randint(2000, 9999), r.randint(1000, 9999), r.randint(1000, 9999)),
               order="DMY"),
}

ZH_SURNAMES = [("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"),
               ("赵", "Zhao"), ("黄", "Huang"), ("周", "Zhou"), ("吴", "Wu"), ("徐", "Xu"), ("孙", "Sun"),
               ("胡", "Hu"), ("朱", "Zhu"), ("高", "Gao"), ("林", "Lin"), ("何", "He"), ("郭", "Guo"),
               ("马", "Ma"), ("罗", "Luo"), ("宋", "Song"), ("郑", "Zheng")]
ZH_GIVEN_M = [("伟", "Wei"), ("强", "Qiang"), ("磊", "Lei"), ("军", "Jun"), ("浩然", "Haoran"), ("子轩", "Zixuan"),
              ("建华", "Jianhua"), ("志明", "Zhiming"), ("俊杰", "Junjie"), ("宇航", "Yuhang"), ("文博", "Wenbo")]
ZH_GIVEN_F = [("芳", "Fang"), ("娜", "Na"), ("静", "Jing"), ("丽", "Li"), ("敏", "Min"), ("雨涵", "Yuhan"),
              ("欣怡", "Xinyi"), ("晓燕", "Xiaoyan"), ("婷", "Ting"), ("梓涵", "Zihan"), ("佳怡", "Jiayi")]
ZH_CITIES = [  # city, city with 市, postcode, region code, district + street, English city
    ("北京", "北京市", "100022", "110105", "朝阳区建国路", "Beijing"),
    ("上海", "上海市", "200030", "310104", "徐汇区漕溪北路", "Shanghai"),
    ("广州", "广州市", "510620", "440106", "天河区体育西路", "Guangzhou"),
    ("深圳", "深圳市", "518057", "440305", "南山区科技园南路", "Shenzhen"),
    ("杭州", "杭州市", "310012", "330106", "西湖区文三路", "Hangzhou"),
    ("成都", "成都市", "610041", "510107", "武侯区人民南路四段", "Chengdu"),
    ("武汉", "武汉市", "430071", "420106", "武昌区中南路", "Wuhan"),
    ("南京", "南京市", "210008", "320106", "鼓楼区中山北路", "Nanjing"),
    ("西安", "西安市", "710061", "610113", "雁塔区小寨东路", "Xi'an"),
    ("青岛", "青岛市", "266071", "370202", "市南区香港中路", "Qingdao"),
    ("苏州", "苏州市", "215004", "320508", "姑苏区人民路", "Suzhou"),
]
ZH_EN_STREETS = ["Zhongshan Road", "Renmin Road", "Jianguo Road", "Wensan Road", "Huaihai Road"]
ZH_OCC = [("软件工程师", "Software engineer"), ("会计", "Accountant"), ("教师", "Teacher"), ("护士", "Nurse"),
          ("销售经理", "Sales manager"), ("设计师", "Designer"), ("医生", "Doctor"), ("行政专员", "Administrator"),
          ("市场专员", "Marketing officer"), ("研究员", "Researcher")]
ZH_EMP = [("北京云启科技有限公司", "Yunqi Technology Co., Ltd."), ("上海浦发商贸有限公司", "Pufa Trading Co., Ltd."),
          ("广州恒信会计师事务所", "Hengxin Accounting Firm"), ("杭州市第一人民医院", "Hangzhou First People's Hospital"),
          ("成都蓝天教育集团", "Lantian Education Group"), ("武汉中南设计院", "Zhongnan Design Institute"),
          ("南京金陵建设集团", "Jinling Construction Group"), ("深圳华星电子有限公司", "Huaxing Electronics Ltd.")]
EN_OCC = ["Pharmacist", "Teacher", "Civil engineer", "Nurse", "Accountant", "Graphic designer", "Chef",
          "Electrician", "Software developer", "Paramedic", "Librarian", "Project manager", "Physiotherapist"]
EN_EMP = ["Northgate Health Trust", "Riverside Primary School", "Atlas Engineering Ltd", "Brightwater Bank",
          "Greenleaf Foods", "Summit Software Inc.", "City Council", "Harbour Hotel Group", "Meridian Logistics",
          "Oakfield University"]

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def cn_id(region, dob, male, r):
    seq = r.randint(10, 99) * 10 + (r.choice([1, 3, 5, 7, 9]) if male else r.choice([0, 2, 4, 6, 8]))
    body = "%s%s%03d" % (region, dob.strftime("%Y%m%d"), seq)
    s = sum(int(c) * w for c, w in zip(body, ID_WEIGHTS))
    return body + "10X98765432"[s % 11]


def rand_date(r, y0, y1):
    d0 = dt.date(y0, 1, 1).toordinal()
    d1 = dt.date(y1, 12, 28).toordinal()
    return dt.date.fromordinal(r.randint(d0, d1))


def make_person(r, kind):
    """kind: a country code of EN_COUNTRIES, 'CNR' (Chinese, romanised, for English forms) or 'ZH'."""
    male = r.random() < 0.5
    dob = rand_date(r, 1958, 2004)
    p = {"male": male, "dob": dob, "kind": kind}
    if kind in EN_COUNTRIES:
        c = EN_COUNTRIES[kind]
        first = r.choice(c["first_m"] if male else c["first_f"])
        last = r.choice(c["last"])
        city, pc = r.choice(c["cities"])
        p.update(first=first, last=last, name=f"{first} {last}", nationality=c["nat"], city=city, postcode=pc,
                 address=f"{r.randint(2, 240)} {r.choice(c['streets'])}" + (f", Flat {r.randint(1, 12)}" if r.random() < 0.3 else ""),
                 phone=c["phone"](r), id_number=c["idn"](r, p),
                 passport_number=r.choice("ABCEGHKLMNPRSTUW") + "%08d" % r.randint(10000000, 99999999),
                 occupation=r.choice(EN_OCC), employer=r.choice(EN_EMP), order=c["order"])
        p["email"] = f"{first.lower()}.{last.lower().replace(chr(39), '')}{r.randint(1, 99)}@example.{r.choice(['com', 'net', 'org', 'co.uk'])}"
        ef = r.choice(c["first_f"] if male else c["first_m"])
        p["emergency_contact"] = f"{ef} {last}, {c['phone'](r)}"
    else:
        sn, snp = r.choice(ZH_SURNAMES)
        gn, gnp = r.choice(ZH_GIVEN_M if male else ZH_GIVEN_F)
        cc = r.choice(ZH_CITIES)
        occ = r.choice(ZH_OCC)
        emp = r.choice(ZH_EMP)
        mob = "1%d%d%08d" % (r.choice([3, 5, 8]), r.randint(0, 9), r.randint(0, 99999999))
        p["id_number"] = cn_id(cc[3], dob, male, r)
        p["passport_number"] = "E%08d" % r.randint(10000000, 99999999)
        if kind == "ZH":
            en, en2 = r.choice(ZH_GIVEN_F if male else ZH_GIVEN_M)
            p.update(first=gn, last=sn, name=sn + gn, nationality="中国", city=r.choice([cc[0], cc[1]]),
                     postcode=cc[2],
                     address=f"{cc[1]}{cc[4]}{r.randint(1, 300)}号" + (f"{r.randint(1, 20)}号楼{r.randint(1, 30)}{r.randint(1, 4):02d}室" if r.random() < 0.7 else ""),
                     phone=r.choice([mob, mob[:3] + " " + mob[3:7] + " " + mob[7:]]),
                     occupation=occ[0], employer=emp[0],
                     emergency_contact=f"{r.choice(ZH_SURNAMES)[0]}{en} 1{r.choice([3, 5, 8])}{r.randint(0, 9)}{r.randint(0, 99999999):08d}",
                     order="YMD")
            p["email"] = f"{snp.lower()}{gnp.lower()}{r.randint(1, 99)}@example.{r.choice(['cn', 'com', 'com.cn'])}"
        else:
            p.update(first=gnp, last=snp, name=f"{gnp} {snp}", nationality="Chinese", city=cc[5], postcode=cc[2],
                     address=f"No. {r.randint(1, 300)} {r.choice(ZH_EN_STREETS)}, Room {r.randint(1, 30)}{r.randint(1, 4):02d}",
                     phone="+86 " + mob[:3] + " " + mob[3:7] + " " + mob[7:], occupation=occ[1], employer=emp[1],
                     order="YMD")
            ep = r.choice(ZH_GIVEN_F if male else ZH_GIVEN_M)[1]
            p["emergency_contact"] = f"{ep} {snp}, +86 139 {r.randint(1000, 9999)} {r.randint(1000, 9999)}"
            p["email"] = f"{gnp.lower()}.{snp.lower()}{r.randint(1, 99)}@example.cn"
    p["first_name"] = p["first"]
    p["last_name"] = p["last"]
    return p


# ---------------------------------------------------------------------------------------------
# labels, keys, spellings
# ---------------------------------------------------------------------------------------------

EN_LABELS = {
    "name": ["Full name", "Name", "Applicant name", "Name in full", "Full legal name", "Name of applicant", "Your name"],
    "first_name": ["First name", "Given name(s)", "Forename", "First name(s)"],
    "last_name": ["Surname", "Last name", "Family name"],
    "date_of_birth": ["Date of birth", "Birth date", "Date of Birth", "DOB"],
    "gender": ["Gender", "Sex"],
    "nationality": ["Nationality", "Citizenship", "Country of citizenship"],
    "id_number": ["ID number", "National ID number", "Identity card no.", "ID card number"],
    "passport_number": ["Passport number", "Passport No.", "Passport no."],
    "phone": ["Phone", "Mobile", "Telephone", "Phone number", "Mobile number", "Contact number", "Daytime phone"],
    "email": ["Email", "E-mail", "Email address", "E-mail address"],
    "address": ["Address", "Home address", "Residential address", "Street address", "Current address", "Postal address"],
    "city": ["City", "Town/City", "Town", "City / Town"],
    "postcode": ["Postcode", "Post code", "Postal code", "ZIP code", "ZIP"],
    "occupation": ["Occupation", "Job title", "Profession", "Current position"],
    "employer": ["Employer", "Name of employer", "Company", "Current employer", "Employer name"],
    "emergency_contact": ["Emergency contact", "Emergency contact name and phone", "In an emergency, contact",
                          "Person to notify in an emergency"],
    "signature": ["Signature", "Applicant's signature", "Signature of applicant", "Signed"],
    "date": ["Date", "Date signed", "Today's date", "Signing date"],
}
ZH_LABELS = {
    "name": ["姓名", "申请人姓名", "姓　　名"],
    "first_name": ["名", "名字"],
    "last_name": ["姓", "姓氏"],
    "date_of_birth": ["出生日期", "出生年月日", "生日"],
    "gender": ["性别"],
    "nationality": ["国籍"],
    "id_number": ["身份证号码", "公民身份号码", "身份证号", "证件号码"],
    "passport_number": ["护照号码", "护照号"],
    "phone": ["手机号码", "联系电话", "手机", "移动电话"],
    "email": ["电子邮箱", "邮箱", "电子邮件"],
    "address": ["家庭住址", "现住址", "通讯地址", "联系地址", "居住地址"],
    "city": ["所在城市", "城市"],
    "postcode": ["邮政编码", "邮编"],
    "occupation": ["职业", "职务"],
    "employer": ["工作单位", "单位名称", "就职单位"],
    "emergency_contact": ["紧急联系人", "紧急联系人及电话"],
    "signature": ["申请人签名", "本人签字", "签名", "申请人签字"],
    "date": ["日期", "填表日期", "申请日期", "签署日期"],
}

KEY_SPELL = {  # canonical, variants, Chinese
    "name": (["full_name", "Name", "Full name", "applicant_name"], ["姓名"]),
    "first_name": (["given_name", "First name", "forename", "firstName"], ["名"]),
    "last_name": (["surname", "Last name", "family_name", "lastName"], ["姓"]),
    "id_number": (["ID", "id_no", "ID number"], ["身份证号码", "身份证号"]),
    "passport_number": (["passport_no", "Passport No.", "passport"], ["护照号码"]),
    "phone": (["Mobile", "mobile", "tel", "cell", "mobile_phone"], ["手机", "联系电话"]),
    "email": (["E-mail", "mail", "Email"], ["邮箱", "电子邮箱"]),
    "address": (["home_address", "residential_address", "Address"], ["地址", "住址"]),
    "city": (["town", "City"], ["城市"]),
    "postcode": (["zip", "postal_code", "post_code"], ["邮编", "邮政编码"]),
    "date_of_birth": (["dob", "DOB", "birth_date"], ["出生日期", "生日"]),
    "gender": (["sex", "Sex", "Gender"], ["性别"]),
    "nationality": (["Nationality", "citizenship"], ["国籍"]),
    "occupation": (["job", "job_title", "profession"], ["职业"]),
    "employer": (["company", "employer_name", "work_place"], ["工作单位"]),
    "emergency_contact": (["ice_contact", "emergency", "ICE"], ["紧急联系人"]),
    "date": (["today", "signing_date", "date_signed"], ["日期"]),
}

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def spell_date(d, style):
    if style == "iso":
        return d.isoformat()
    if style == "zh":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "dot":
        return f"{d.year}.{d.month:02d}.{d.day:02d}"
    if style == "dmy_long":
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    if style == "mdy_long":
        return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
    if style == "slash":
        assert d.day > 12
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    raise ValueError(style)


def gender_spell(male, r, zh):
    if zh and r.random() < 0.55:
        return "男" if male else "女"
    return r.choice(["M", "male", "Male", "m"] if male else ["F", "female", "Female", "f"])


# ---------------------------------------------------------------------------------------------
# themes
# ---------------------------------------------------------------------------------------------

YN = ["Yes", "No"]
ZYN = ["是", "否"]


def T(id, title, issuer, code, sec, texts, dates, choices, **kw):
    d = dict(id=id, title=title, issuer=issuer, code=code, sec=sec, texts=texts, dates=dates, choices=choices)
    d.update(kw)
    return d


EN_THEMES = [
    T("job", "Job Application Form", "Harbourside Logistics Ltd · Human Resources", "HR-07",
      "Position applied for", [("Position title", 0), ("Vacancy reference no.", 0), ("Highest qualification", 0),
                               ("Expected salary", 0), ("Notice period", 0)],
      ["Available start date"], [("Employment type", ["Full-time", "Part-time", "Casual"]),
                                 ("Do you hold a current work permit?", YN)], work=True, people=["UK", "AU", "IN", "CNR"]),
    T("library", "Library Card Application", "Westbrook Public Libraries", "LIB-2",
      "Library membership", [("Preferred branch", 0), ("School or college (students)", 0)],
      [], [("Membership category", ["Adult", "Student", "Senior"]), ("Send me the events newsletter", YN)],
      people=["UK", "IE", "CNR"]),
    T("gym", "Gym Membership Application", "PulseFit Health Clubs", "PF-MEM-3",
      "Membership", [("Home club", 0), ("Health conditions we should know about", 1), ("Fitness goals", 0)],
      ["Membership start date"], [("Plan", ["Monthly", "Annual", "Off-peak"]), ("Payment method", ["Direct debit", "Card", "Cash"])],
      people=["AU", "UK", "CA"]),
    T("landing", "Incoming Passenger Card", "Department of Home Affairs", "IPC-1",
      "Travel details", [("Flight or ship number", 0), ("Port of embarkation", 0), ("Address while in the country", 0),
                         ("Intended length of stay (days)", 0)],
      ["Date of arrival"], [("Main purpose of visit", ["Holiday", "Business", "Study", "Transit"]),
                            ("Are you carrying more than AUD 10,000?", YN)], idkind="passport", people=["UK", "US", "IN", "CNR", "IE"]),
    T("school", "School Enrolment Form", "Hillcrest Primary School", "ENR-24",
      "Student details", [("Student's full name", 0), ("Year level applying for", 0), ("Previous school", 0),
                          ("Medical conditions or allergies", 1)],
      ["Student's date of birth"], [("Student's gender", ["Male", "Female"]), ("Will the student use the school bus?", YN)],
      people=["AU", "UK", "CA"], parent=True),
    T("pharmacy", "Pharmacy Patient Intake", "Greenway Community Pharmacy", "RX-11",
      "Prescription details", [("GP / prescriber name", 0), ("Health insurance number", 0), ("Current medicines", 1),
                               ("Known allergies", 0)],
      ["Date of prescription"], [("Are you pregnant or breastfeeding?", YN), ("Collection", ["Collect in store", "Home delivery"])],
      people=["UK", "IE", "AU"]),
    T("carrental", "Vehicle Rental Agreement – Driver Details", "Roadstar Car Rental", "RSR-04",
      "Rental details", [("Driving licence number", 0), ("Licence issuing country", 0), ("Pick-up branch", 0),
                         ("Vehicle class", 0)],
      ["Pick-up date", "Return date"], [("Additional driver", YN), ("Insurance cover", ["Basic", "Premium", "Full"])],
      people=["US", "UK", "CA", "CNR"]),
    T("warranty", "Product Warranty Registration", "Kelvin Home Appliances", "WR-300",
      "Product details", [("Model number", 0), ("Serial number", 0), ("Retailer", 0), ("Purchase price", 0)],
      ["Date of purchase"], [("How did you hear about us?", ["In store", "Online", "Friend", "Advert"]),
                             ("Keep me informed about offers", YN)], people=["US", "UK", "CA"]),
    T("utility", "New Electricity & Gas Connection", "Brightline Energy", "BE-CON-5",
      "Connection details", [("Meter number (MPAN)", 0), ("Previous occupant's name", 0), ("Meter reading", 0)],
      ["Move-in date"], [("Service required", ["Electricity", "Gas", "Both"]), ("Billing preference", ["Paper", "Email"])],
      people=["UK", "IE", "AU"]),
    T("loan", "Personal Loan Pre-Qualification", "Summit Credit Union", "SCU-PQ",
      "Loan details", [("Loan amount requested", 0), ("Loan term (months)", 0), ("Purpose of the loan", 0),
                       ("Gross annual income", 0)],
      ["Employment start date"], [("Employment status", ["Employed", "Self-employed", "Retired"]),
                                  ("Residential status", ["Own", "Rent", "Living with parents"])],
      work=True, people=["US", "CA", "UK"]),
    T("tenancy", "Tenancy Application", "Parkside Lettings", "TA-19",
      "The property", [("Property reference", 0), ("Weekly rent offered", 0), ("Current landlord / agent", 0),
                       ("Number of occupants", 0)],
      ["Preferred move-in date"], [("Do you have pets?", YN), ("Does anyone smoke?", YN)], work=True,
      people=["AU", "UK", "IN", "CNR"]),
    T("volunteer", "Volunteer Sign-Up Form", "Riverbank Food Bank", "VOL-1",
      "Volunteering", [("Skills and experience", 1), ("Hours available per week", 0), ("Languages spoken", 0)],
      ["Available from"], [("Area of interest", ["Warehouse", "Drivers", "Events", "Office"]),
                           ("Do you hold a police check?", YN)], people=["CA", "AU", "US"]),
    T("passport", "Adult Passport Renewal", "Passport Office", "PR-AD",
      "Your current passport", [("Place of birth", 0), ("Height (cm)", 0), ("Issuing authority", 0)],
      ["Date of issue", "Date of expiry"], [("Passport size", ["32 pages", "48 pages"]),
                                            ("Service", ["Standard", "Fast Track"])], idkind="passport",
      people=["UK", "IE", "IN"]),
    T("conference", "Conference Registration", "Pacific Data Summit 2025", "PDS-REG",
      "Registration", [("Organisation", 0), ("Dietary requirements", 0), ("Workshop choice", 0)],
      ["Arrival date"], [("Ticket type", ["Full pass", "One day", "Student"]), ("T-shirt size", ["S", "M", "L", "XL"])],
      work=True, people=["US", "CA", "CNR", "IN"]),
    T("dental", "New Patient Registration", "Bright Smile Dental Practice", "DP-NP",
      "Dental history", [("Previous dentist", 0), ("Reason for today's visit", 1), ("Medicines you take", 0)],
      ["Date of last dental visit"], [("Do you smoke?", YN), ("Preferred appointment time", ["Morning", "Afternoon", "Evening"])],
      people=["UK", "AU", "IE"]),
    T("mobile", "Mobile Phone Contract Application", "Orbit Mobile", "OM-C24",
      "Plan", [("Handset model", 0), ("Number to transfer", 0), ("Current network", 0)],
      ["Preferred connection date"], [("Contract length", ["12 months", "24 months"]), ("Bill format", ["Paper", "Online"])],
      work=True, people=["UK", "AU", "US"]),
    T("petboard", "Pet Boarding Booking Form", "Happy Tails Kennels & Cattery", "HT-9",
      "Your pet", [("Pet's name", 0), ("Breed", 0), ("Veterinary practice", 0), ("Feeding instructions", 1)],
      ["Drop-off date", "Collection date"], [("Species", ["Dog", "Cat", "Other"]), ("Neutered", YN)],
      people=["UK", "CA", "AU"]),
    T("course", "Evening Course Enrolment", "Northside Adult Education Centre", "AE-16",
      "Course", [("Course title", 0), ("Course code", 0), ("How did you hear about the course?", 0)],
      ["Course start date"], [("Level", ["Beginner", "Intermediate", "Advanced"]), ("Fee payment", ["Card", "Cash", "Employer invoice"])],
      people=["IE", "UK", "CNR"]),
    T("buspass", "Student Travel Pass Application", "Metro Transit Authority", "MTA-SP",
      "School and route", [("School or college", 0), ("Student ID number", 0), ("Route number", 0)],
      ["Pass valid from"], [("Pass type", ["Term", "Annual"]), ("Photo supplied", YN)], people=["US", "CA", "AU"]),
    T("homeins", "Home Insurance Quote Request", "Shieldwell Insurance", "SW-HQ",
      "About the property", [("Property type", 0), ("Year built", 0), ("Number of bedrooms", 0), ("Contents value", 0)],
      ["Cover start date"], [("Cover required", ["Buildings", "Contents", "Both"]), ("Any claims in the last 5 years?", YN)],
      people=["UK", "IE", "CA"]),
    T("museum", "Museum Membership Application", "City Museum of Art & History", "CM-M",
      "Membership", [("Gift recipient (if a gift)", 0), ("Membership number (renewals)", 0)],
      ["Membership start date"], [("Membership level", ["Individual", "Joint", "Family"]), ("Gift Aid declaration", YN)],
      people=["UK", "US", "AU"]),
    T("sportsclub", "Club Player Registration", "Eastside Netball Club", "ENC-25",
      "Player details", [("Team", 0), ("Preferred position", 0), ("Medical conditions", 1)],
      ["Season start date"], [("Playing level", ["Social", "Competitive"]), ("Photo consent", YN)],
      people=["AU", "UK", "IE"]),
]

ZH_THEMES = [
    T("ruzhi", "员工入职登记表", "华星电子有限公司 人力资源部", "HR-01", "岗位信息",
      [("入职部门", 0), ("岗位名称", 0), ("最高学历", 0), ("毕业院校", 0), ("工资卡号", 0)],
      ["入职日期"], [("婚姻状况", ["未婚", "已婚", "离异"]), ("政治面貌", ["群众", "团员", "党员"])], work=True),
    T("baoming", "学生报名表", "阳光职业技术学校 招生办", "ZS-2025", "报名信息",
      [("报考专业", 0), ("毕业学校", 0), ("家长姓名", 0), ("家长电话", 0)],
      ["毕业时间"], [("是否住校", ZYN), ("学历层次", ["初中", "高中", "中专"])]),
    T("huiyuan", "会员申请表", "悦享生活购物中心 会员服务中心", "VIP-03", "会员信息",
      [("会员卡号", 0), ("推荐人", 0), ("兴趣爱好", 0)],
      ["入会日期"], [("会员类型", ["普通会员", "银卡会员", "金卡会员"]), ("是否接收短信通知", ZYN)]),
    T("zufang", "租房登记表", "安居房屋租赁服务中心", "ZF-08", "租赁信息",
      [("房屋编号", 0), ("月租金（元）", 0), ("租期（月）", 0), ("同住人数", 0)],
      ["起租日期", "到期日期"], [("租赁方式", ["整租", "合租"]), ("是否饲养宠物", ZYN)], work=True),
    T("jiuzhen", "门诊就诊登记表", "市第二人民医院", "MZ-01", "就诊信息",
      [("就诊科室", 0), ("过敏史", 0), ("既往病史", 1), ("医保卡号", 0)],
      ["发病日期"], [("就诊类型", ["初诊", "复诊"]), ("费用类别", ["职工医保", "居民医保", "自费"])]),
    T("kaihu", "个人银行开户申请表", "华夏城市商业银行", "KH-P01", "开户信息",
      [("开户网点", 0), ("账户用途", 0), ("个人年收入（万元）", 0)],
      ["证件有效期至"], [("账户类型", ["储蓄账户", "活期账户"]), ("开通网上银行", ZYN)], work=True),
    T("qianzheng", "签证申请表", "签证申请服务中心", "VS-A", "行程信息",
      [("护照签发地", 0), ("拟前往国家", 0), ("停留天数", 0), ("境外联系人", 0)],
      ["计划入境日期", "护照有效期至"], [("签证种类", ["旅游", "商务", "探亲", "留学"]), ("入境次数", ["一次", "两次", "多次"])],
      idkind="passport_also"),
    T("zhiyuanzhe", "志愿者报名表", "青年志愿者协会", "ZYZ-6", "服务意向",
      [("服务意向", 0), ("个人特长", 1), ("每周可服务时长（小时）", 0)],
      ["可开始服务日期"], [("是否有志愿服务经历", ["有", "无"]), ("服务时段", ["工作日", "周末", "均可"])]),
    T("jianshen", "健身会员登记表", "动力健身俱乐部", "JS-12", "会籍信息",
      [("会籍编号", 0), ("健康状况说明", 1), ("健身目标", 0)],
      ["开卡日期"], [("卡种", ["月卡", "季卡", "年卡"]), ("是否需要私人教练", ZYN)]),
    T("tushu", "借书证申请表", "市图书馆", "TSG-03", "读者信息",
      [("读者证号", 0), ("学校或单位", 0)],
      [], [("证件类型", ["普通证", "少儿证", "学生证"]), ("押金", ["已交", "未交"])]),
    T("zuche", "汽车租赁登记表", "畅行汽车租赁有限公司", "ZC-05", "租车信息",
      [("驾驶证号", 0), ("准驾车型", 0), ("取车门店", 0), ("预订车型", 0)],
      ["取车日期", "还车日期"], [("保险方案", ["基础保障", "全面保障"]), ("是否异地还车", ZYN)]),
    T("baoxiu", "产品保修登记卡", "美家电器有限公司 售后服务部", "BX-300", "产品信息",
      [("产品型号", 0), ("产品序列号", 0), ("购买商场", 0), ("发票号码", 0)],
      ["购买日期"], [("获知渠道", ["门店", "网络", "朋友推荐", "广告"])]),
    T("yongdian", "居民用电开户申请表", "国网城区供电服务中心", "YD-K1", "用电信息",
      [("户号", 0), ("电表编号", 0), ("申请容量（千瓦）", 0)],
      ["申请接电日期"], [("用电类别", ["居民生活", "商业"]), ("账单方式", ["纸质账单", "电子账单"])]),
    T("daikuan", "个人贷款预审申请表", "华夏城市商业银行 个人信贷部", "DK-Y2", "贷款信息",
      [("月收入（元）", 0), ("申请金额（万元）", 0), ("贷款期限（月）", 0), ("贷款用途", 0)],
      ["参加工作时间"], [("婚姻状况", ["未婚", "已婚", "离异"]), ("住房情况", ["自有住房", "租房", "其他"])], work=True),
    T("huzhao", "普通护照换发申请表", "出入境管理服务大厅", "HZ-2", "证件信息",
      [("出生地", 0), ("户口所在地", 0), ("原护照签发机关", 0)],
      ["原护照签发日期", "原护照有效期至"], [("申请类别", ["换发", "补发"]), ("领取方式", ["自取", "邮寄"])],
      idkind="passport_also"),
    T("huiyi", "学术会议报名表", "全国信息技术学术会议 组委会", "HY-25", "参会信息",
      [("论文题目", 0), ("饮食要求", 0), ("发票抬头", 0)],
      ["到会日期", "离会日期"], [("参会类型", ["正式代表", "学生代表", "陪同人员"]), ("是否需要住宿", ZYN)], work=True),
    T("jiaxiao", "驾校报名表", "通达机动车驾驶员培训学校", "JX-7", "报名信息",
      [("培训班别", 0), ("学员编号", 0), ("原驾驶证号（增驾填写）", 0)],
      [], [("报考车型", ["C1", "C2", "A2", "D"]), ("班型", ["普通班", "周末班", "VIP班"])]),
    T("yaofang", "处方药购药登记表", "仁和大药房", "YF-02", "处方信息",
      [("处方医院", 0), ("处方医师", 0), ("药品名称及数量", 1), ("过敏史", 0)],
      ["处方日期"], [("是否孕期或哺乳期", ZYN), ("取药方式", ["到店自取", "送药上门"])]),
    T("youeryuan", "幼儿园入园报名表", "阳光幼儿园", "YEY-1", "幼儿信息",
      [("幼儿姓名", 0), ("幼儿身份证号", 0), ("过敏或特殊疾病", 1)],
      ["幼儿出生日期"], [("幼儿性别", ["男", "女"]), ("报读班级", ["小班", "中班", "大班"])], parent=True),
    T("peixun", "培训班报名表", "博学教育培训中心", "PX-19", "课程信息",
      [("课程名称", 0), ("学员编号", 0), ("学习基础", 0)],
      ["开课日期"], [("上课时间", ["工作日晚上", "周末"]), ("付款方式", ["现金", "微信", "支付宝"])]),
    T("chongwu", "宠物寄养登记表", "萌宠之家寄养中心", "CW-4", "宠物信息",
      [("宠物名字", 0), ("品种", 0), ("年龄", 0), ("饮食注意事项", 1)],
      ["寄养开始日期", "接回日期"], [("宠物类别", ["猫", "狗", "其他"]), ("是否已绝育", ZYN)]),
    T("jiazheng", "家政服务预约登记表", "好帮手家政服务有限公司", "JZ-10", "服务需求",
      [("服务项目", 0), ("房屋面积（平方米）", 0), ("特殊要求", 1)],
      ["首次服务日期"], [("服务类型", ["日常保洁", "深度保洁", "育儿嫂"]), ("服务频次", ["单次", "每周", "每月"])]),
]

EN_INSTR = ["Please complete this form in BLOCK CAPITALS using black or blue ink.",
            "Tick ☐ the boxes that apply. Fields marked * are required.",
            "Please print clearly. Incomplete applications may be returned.",
            "Read the notes before you start. Answer every question that applies to you.",
            "Use black ink and write one letter per space where spaces are given."]
ZH_INSTR = ["请用黑色或蓝色钢笔、签字笔填写，字迹清楚、工整。", "请在相应的□内打“√”。带*号的为必填项。",
            "本表一式两份，请如实填写，不得涂改。", "填写前请仔细阅读填表说明。"]
EN_DECL = ["I declare that the information I have given on this form is true and complete.",
           "I confirm that the details above are correct and I agree to the terms and conditions.",
           "I understand that giving false information may lead to my application being refused."]
ZH_DECL = ["本人承诺以上所填信息真实、准确、完整，如有虚假，愿承担相应责任。",
           "本人已阅读并同意相关条款，所填内容均属实。", "以上信息如有变更，本人将及时告知。"]

SEC_EN = {"applicant": ["Personal details", "About you", "Applicant details", "Your details"],
          "contact": ["Contact details", "Contact information", "How we can reach you"],
          "decl": ["Declaration", "Signature", "Declaration and signature"],
          "office": ["For office use only", "Office use only", "Official use"]}
SEC_ZH = {"applicant": ["基本信息", "个人信息", "申请人信息"],
          "contact": ["联系方式", "联系信息"],
          "decl": ["声明", "本人声明", "承诺与签名"],
          "office": ["以下由工作人员填写", "办理记录（工作人员填写）", "受理信息"]}
OFFICE_EN = [("Reference no.", "text"), ("Received by", "text"), ("Date received", "date"),
             ("Checked", "choice", ["ID seen", "Proof of address"]), ("Receipt no.", "text"), ("Staff initials", "text")]
OFFICE_ZH = [("受理编号", "text"), ("经办人", "text"), ("受理日期", "date"), ("审核结果", "choice", ["通过", "不通过"]),
             ("复核人", "text"), ("业务流水号", "text")]

# ---------------------------------------------------------------------------------------------
# layout families
# ---------------------------------------------------------------------------------------------

FAMILIES = ["boxed2", "stack1", "ulines", "cells", "ltable", "grid3", "sidebox", "zebra", "card", "compact", "mixed"]
FAMILY_DESC = {
    "boxed2": "labels left of bordered boxes, two pairs per row (measured label columns), dark section bars",
    "stack1": "narrow single column, bold labels above boxes / shaded boxes / native inputs, numbered headings",
    "ulines": "labels left of solid or dotted underlines, two or three pairs per line, ruled headings",
    "cells": "ruled grid (3-4 columns), label at the top-left of each cell, section rows inside the grid",
    "ltable": "ruled label | input table, two pairs per row, shaded label cells, dark section rows",
    "grid3": "three-column grid of labels above underlines or boxes, spans, grey or dark bars",
    "sidebox": "labels left of boxes in one column, an office-use side panel with its own fields",
    "zebra": "zebra rows (alternate shading), labels left of white boxes, one or two pairs per row",
    "card": "tinted page, sections as rounded white cards, labels above rounded native inputs in two columns",
    "compact": "dense four-column grid of small labels above small boxes, dark bars",
    "mixed": "mixed per section: label-in-cell grid, labels left, labels above, inline underlines",
}

EN_FONTS = ["'Liberation Sans', sans-serif", "'Liberation Serif', serif", "'Liberation Sans Narrow', sans-serif",
            "'DejaVu Sans', sans-serif", "'DejaVu Serif', serif", "'Noto Sans', sans-serif", "'Noto Serif', serif"]
ZH_FONTS = ["'Noto Sans CJK SC', sans-serif", "'Noto Serif CJK SC', serif", "'WenQuanYi Zen Hei', sans-serif",
            "'Liberation Serif', 'Noto Serif CJK SC', serif", "'DejaVu Sans', 'WenQuanYi Zen Hei', sans-serif",
            "'Noto Sans', 'Noto Sans CJK SC', sans-serif"]


def esc(s):
    return html.escape(s, quote=True)


def is_cjk(s):
    return any("\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in s)


def text_w(s, fs):
    w = 0.0
    for ch in s:
        if "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" or ch in "☐□○":
            w += 1.02
        elif ch in "il.,:;'|!":
            w += 0.3
        elif ch.isupper() or ch in "mwMW":
            w += 0.72
        else:
            w += 0.56
    return w * fs


class Deck:
    """Cycles through a shuffled list; pick(allowed) takes the first allowed item and rotates it to the end."""

    def __init__(self, items, r):
        self.items = list(items)
        r.shuffle(self.items)

    def pick(self, allowed=None):
        for k, it in enumerate(self.items):
            if allowed is None or it in allowed:
                self.items.append(self.items.pop(k))
                return it
        raise ValueError(f"no allowed item in {self.items} for {allowed}")


# date styles: (name, mode); the context decides which are allowed
EN_DATE_ONE = ["ph", "ph_lower", "label", "under", "right", "none", "native"]
EN_DATE_PARTS = ["phbox", "capbelow", "capabove", "ulseg", "words", "comb"]
ZH_DATE_ONE = ["ph", "label", "under", "right", "none", "native"]
ZH_DATE_PARTS = ["zhbox", "zhul", "zhcap", "zhcomb", "zhph", "zhblank"]
OPT_STYLES = ["sq", "circ", "ncb", "nrd", "g_box", "g_sq", "g_circ"]
JSON_STYLE = {"sq": "square", "ncb": "square", "circ": "radio", "nrd": "radio", "g_box": "glyph", "g_sq": "glyph",
              "g_circ": "glyph"}
GLYPH = {"g_box": "☐", "g_sq": "□", "g_circ": "○"}


def allowed_dates(lang, ctx, istyle):
    """ctx: free / inline / cell (cell = label-in-cell or label|input table cell)."""
    if lang == "en":
        if ctx == "cell":
            one = ["cellph", "label", "none"]
            parts = ["phbox", "capbelow", "words", "comb"]
        elif ctx == "inline":
            one = ["ph", "label", "ph_lower"]
            parts = ["ulseg", "phbox", "words", "comb"]
        else:
            one = [s for s in EN_DATE_ONE if s != "native" or istyle == "nat"]
            parts = list(EN_DATE_PARTS)
    else:
        if ctx == "cell":
            one = ["cellph", "label", "none"]
            parts = ["zhbox", "zhul", "zhblank", "zhcomb", "zhcap"]
        elif ctx == "inline":
            one = ["ph", "label"]
            parts = ["zhul", "zhbox", "zhcomb"]
        else:
            one = [s for s in ZH_DATE_ONE if s != "native" or istyle == "nat"]
            parts = ["zhbox", "zhul", "zhcap", "zhcomb", "zhph"]
    return one, parts


# ---------------------------------------------------------------------------------------------
# form content
# ---------------------------------------------------------------------------------------------

class F(dict):
    __getattr__ = dict.get


def build_content(idx, lang, theme, family, seed, decks):
    r = random.Random(f"{seed}/content/{idx}")
    zh = lang == "zh"
    LBL = ZH_LABELS if zh else EN_LABELS
    if zh:
        pkind = "ZH"
    else:
        pkind = r.choice(theme["people"])
    person = make_person(r, pkind)
    fields = []

    def add(sec, kind, label, key, **kw):
        f = F(sec=sec, kind=kind, label=label, key=key, **kw)
        fields.append(f)
        return f

    def lab(key):
        return r.choice(LBL[key])

    # applicant -------------------------------------------------------------------------------
    split = r.random() < (0.22 if not zh else 0.1)
    if split:
        if zh:
            add("applicant", "text", lab("last_name"), "last_name", size=1)
            add("applicant", "text", lab("first_name"), "first_name", size=1)
        else:
            if r.random() < 0.5:
                add("applicant", "text", lab("last_name"), "last_name", size=1)
                add("applicant", "text", lab("first_name"), "first_name", size=1)
            else:
                add("applicant", "text", lab("first_name"), "first_name", size=1)
                add("applicant", "text", lab("last_name"), "last_name", size=1)
    else:
        nl = lab("name")
        if theme.get("parent"):
            nl = "Parent / guardian name" if not zh else "监护人姓名"
        add("applicant", "text", nl, "name", size=2 if r.random() < 0.4 else 1)
    has_gender = r.random() < 0.93
    gopts = None
    if has_gender:
        if zh:
            gopts = r.choice([["男", "女"], ["男", "女"], ["男性", "女性"]])
        else:
            gopts = r.choice([["Male", "Female"], ["Male", "Female"], ["M", "F"], ["Female", "Male"],
                              ["Male", "Female", "Other"], ["Female", "Male", "Prefer not to say"]])
        add("applicant", "choice", lab("gender"), "gender", options=gopts)
    add("applicant", "date", lab("date_of_birth"), "date_of_birth")
    natc = r.random() < 0.2
    if natc:
        nopts = ["中国", "其他"] if zh else [person["nationality"], "Other"]
        add("applicant", "choice", lab("nationality"), "nationality", options=nopts)
    elif r.random() < 0.6:
        add("applicant", "text", lab("nationality"), "nationality", size=1)
    idk = theme.get("idkind")
    if zh:
        add("applicant", "text", lab("id_number"), "id_number", size=2)
        if idk == "passport_also":
            add("applicant", "text", lab("passport_number"), "passport_number", size=1)
    else:
        if idk == "passport" or (idk is None and r.random() < 0.45):
            add("applicant", "text", lab("passport_number"), "passport_number", size=1)
        elif r.random() < 0.7:
            add("applicant", "text", lab("id_number"), "id_number", size=1)

    # contact ---------------------------------------------------------------------------------
    add("contact", "text", lab("phone"), "phone", size=1)
    add("contact", "text", lab("email"), "email", size=2)
    add("contact", "text", lab("address"), "address", size=3)
    if r.random() < 0.75:
        add("contact", "text", lab("city"), "city", size=1)
    if r.random() < 0.75:
        add("contact", "text", lab("postcode"), "postcode", size=1)
    if r.random() < 0.55:
        add("contact", "text", lab("emergency_contact"), "emergency_contact", size=3)

    # theme -----------------------------------------------------------------------------------
    if theme.get("work") or r.random() < 0.3:
        add("theme", "text", lab("occupation"), "occupation", size=1)
        if r.random() < 0.8:
            add("theme", "text", lab("employer"), "employer", size=2)
    texts = list(theme["texts"])
    r.shuffle(texts)
    ntx = min(len(texts), r.randint(2, 4))
    # keep the child's name first on parent forms
    if theme.get("parent"):
        texts.sort(key=lambda t: 0 if ("Student's" in t[0] or "幼儿姓名" in t[0]) else 1)
    for lbl, tall in texts[:ntx]:
        add("theme", "text", lbl, None, size=3 if tall else r.choice([1, 1, 2]), tall=bool(tall))
    for dl in theme["dates"]:
        add("theme", "date", dl, None)
    tch = list(theme["choices"])
    if len(tch) > 1 and r.random() < 0.4:
        tch = [r.choice(tch)]
    for cl, opts in tch:
        add("theme", "choice", cl, None, options=list(opts))

    # declaration -----------------------------------------------------------------------------
    add("decl", "text", lab("signature"), "signature", size=2)
    if r.random() < 0.9:
        add("decl", "date", lab("date"), "date")

    # office ----------------------------------------------------------------------------------
    if family == "sidebox" or r.random() < 0.45:
        pool = list(OFFICE_ZH if zh else OFFICE_EN)
        r.shuffle(pool)
        n = r.randint(2, 3)
        for it in pool[:n]:
            if it[1] == "text":
                add("office", "text", it[0], None, size=1)
            elif it[1] == "date":
                add("office", "date", it[0], None)
            else:
                add("office", "choice", it[0], None, options=list(it[2]))

    # date order / profile --------------------------------------------------------------------
    order = "YMD" if zh else person["order"]
    if not zh and pkind in ("CA", "CNR"):
        order = r.choice(["DMY", "MDY", "YMD"])
    elif not zh and r.random() < 0.08:
        order = "YMD"
    sign_date = dt.date(2025, r.randint(1, 12), r.randint(1, 28))
    # profile spellings
    mode = r.choice(["canon", "canon", "variant", "mixed", "zh"] if zh else
                    ["canon", "canon", "variant", "variant", "mixed"] + (["zh", "zh"] if pkind == "CNR" else []))

    def spell_key(k):
        v, z = KEY_SPELL.get(k, ([k], [k]))
        m = mode if mode != "mixed" else r.choice(["canon", "variant", "zh" if (zh or pkind == "CNR") else "variant"])
        if m == "canon":
            return k
        if m == "variant":
            return r.choice(v)
        return r.choice(z)

    keyed = [f for f in fields if f.key and f.key != "signature"]
    keys = []
    for f in keyed:
        if f.key not in keys:
            keys.append(f.key)
    omit_n = r.choice([1, 1, 2, 2, 2, 3, 3, 4])
    omit_n = min(omit_n, len(keys) - 3)
    cand = [k for k in keys if k not in ("name",)]
    omit = set(r.sample(cand, omit_n))
    hard = None
    if split and not zh and pkind != "CNR" and decks["hard"] > 0 and r.random() < 0.6:
        hard = True
        decks["hard"] -= 1
        omit -= {"first_name", "last_name"}
    if zh:
        date_styles = ["iso", "iso", "dot", "zh", "zh", "zh", "dmy_long"]
    else:
        date_styles = ["iso", "iso", "dot", "dmy_long", "mdy_long"] + (["zh", "zh"] if pkind == "CNR" else [])
    profile = {}
    vals = {}
    used_pkeys = set()

    def put(k, v):
        pk = spell_key(k)
        if pk in used_pkeys:
            pk = k
        used_pkeys.add(pk)
        profile[pk] = v

    for k in keys:
        if k in omit:
            continue
        if k in ("first_name", "last_name") and hard:
            continue
        if k == "date_of_birth":
            st = r.choice(date_styles + (["slash"] if person["dob"].day > 12 else []))
            put(k, spell_date(person["dob"], st))
            vals[k] = person["dob"].isoformat()
        elif k == "date":
            st = r.choice(date_styles + (["slash"] if sign_date.day > 12 else []))
            put(k, spell_date(sign_date, st))
            vals[k] = sign_date.isoformat()
        elif k == "gender":
            put(k, gender_spell(person["male"], r, zh or pkind == "CNR"))
            want = 0 if person["male"] else 1
            gtxt = {0: ["Male", "M", "男", "男性"], 1: ["Female", "F", "女", "女性"]}[want]
            vals[k] = next(o for o in gopts if o in gtxt)
        elif k == "nationality":
            put(k, person["nationality"])
            vals[k] = person["nationality"]
        else:
            put(k, person[k])
            vals[k] = person[k]
    if hard:
        pk = r.choice(["name", "full_name", "Name"])
        profile[pk] = person["name"]
        vals["first_name"] = person["first"]
        vals["last_name"] = person["last"]
    # extras the form does not ask for
    extra_pool = [k for k in ("occupation", "employer", "city", "postcode", "email", "emergency_contact",
                              "passport_number", "nationality") if k not in keys]
    r.shuffle(extra_pool)
    for k in extra_pool[:r.choice([0, 0, 1, 1, 2])]:
        if k not in person:
            continue
        pk = spell_key(k)
        if pk not in profile:
            profile[pk] = person[k]
    has_marital = any("婚姻" in f.label or "arital" in f.label for f in fields)
    if r.random() < 0.2 and not has_marital:  # an extra no field is keyed for (never on a form asking it)
        profile["marital_status" if not zh else "婚姻状况"] = r.choice(["single", "married"]) if not zh else r.choice(["未婚", "已婚"])
    # shuffle profile order a little
    items = list(profile.items())
    if r.random() < 0.5:
        r.shuffle(items)
    profile = dict(items)

    for f in fields:
        if f.key == "signature" or not f.key:
            f["value"] = None
        else:
            f["value"] = vals.get(f.key)

    # date and option styles from the corpus decks ----------------------------------------------
    for f in fields:
        if f.kind == "choice":
            f["ostyle"] = decks["opt_" + lang].pick()
    return dict(person=person, fields=fields, profile=profile, order=order, hard=hard, pkind=pkind)


# ---------------------------------------------------------------------------------------------
# cosmetics and HTML
# ---------------------------------------------------------------------------------------------

def section_plan(family, r):
    """renderer per section: (name, options)."""
    if family == "boxed2":
        return {s: ("left", dict(cols=2)) for s in ("applicant", "contact", "theme", "decl", "office")}
    if family == "stack1":
        return {s: ("above", dict(cols=1)) for s in ("applicant", "contact", "theme", "decl", "office")}
    if family == "ulines":
        return {s: ("inline", {}) for s in ("applicant", "contact", "theme", "decl", "office")}
    if family == "cells":
        n = r.choice([3, 4])
        d = {s: ("cells", dict(cols=n)) for s in ("applicant", "contact", "theme", "decl")}
        d["office"] = ("inline", {})
        return d
    if family == "ltable":
        d = {s: ("table", dict(pairs=2)) for s in ("applicant", "contact", "theme", "decl")}
        d["office"] = ("table", dict(pairs=2))
        return d
    if family == "grid3":
        return {s: ("above", dict(cols=3)) for s in ("applicant", "contact", "theme", "decl", "office")}
    if family == "sidebox":
        d = {s: ("left", dict(cols=1)) for s in ("applicant", "contact", "theme", "decl")}
        d["office"] = ("above", dict(cols=1))
        return d
    if family == "zebra":
        c = r.choice([1, 2])
        return {s: ("left", dict(cols=c, zebra=True)) for s in ("applicant", "contact", "theme", "decl", "office")}
    if family == "card":
        return {s: ("above", dict(cols=2)) for s in ("applicant", "contact", "theme", "decl", "office")}
    if family == "compact":
        return {s: ("above", dict(cols=4)) for s in ("applicant", "contact", "theme", "decl", "office")}
    if family == "mixed":
        return {"applicant": ("cells", dict(cols=3)), "contact": ("left", dict(cols=2)),
                "theme": ("above", dict(cols=r.choice([2, 3]))), "decl": ("inline", {}), "office": ("inline", {})}
    raise ValueError(family)


def ctx_of(renderer):
    return {"cells": "cell", "table": "cell", "inline": "inline"}.get(renderer, "free")


def assign_styles(content, family, lang, decks, plan, istyles):
    """date styles, text input styles per field (content-level: deterministic across retries)."""
    r = random.Random(f"dates/{content['person']['name']}/{family}")
    for f in content["fields"]:
        rend = plan[f.sec][0]
        ctx = ctx_of(rend)
        ist = istyles.get(f.sec, "box")
        if f.kind == "date":
            one, parts = allowed_dates(lang, ctx, ist)
            if family == "sidebox" and f.sec == "office":
                one = [s for s in one if s in ("ph", "none", "under")]
                parts = [s for s in parts if s in ("phbox", "capbelow", "zhbox", "zhph")]
            if r.random() < 0.45:
                f["dstyle"] = decks[lang + "_one"].pick(one)
            else:
                f["dstyle"] = decks[lang + "_parts"].pick(parts)


def fmt_for(order, lang, r, style):
    if lang == "zh":
        if style in ("ph", "cellph", "native") and r.random() < 0.35:
            return "YYYY年MM月DD日"
        return r.choice(["YYYY-MM-DD", "YYYY-MM-DD", "YYYY/MM/DD", "YYYY.MM.DD", "YYYY年MM月DD日"])
    if order == "DMY":
        return r.choice(["DD/MM/YYYY", "DD/MM/YYYY", "DD-MM-YYYY", "DD.MM.YYYY"])
    if order == "MDY":
        return r.choice(["MM/DD/YYYY", "MM/DD/YYYY", "MM-DD-YYYY"])
    return r.choice(["YYYY-MM-DD", "YYYY/MM/DD"])


class Cos(dict):
    __getattr__ = dict.get


def draw_cosmetics(family, lang, r, font):
    zh = lang == "zh"
    c = Cos()
    c.font = font
    lo, hi = {"compact": (12, 13), "stack1": (16, 20), "card": (14, 18), "ulines": (13, 18), "zebra": (13, 18),
              "sidebox": (13, 17)}.get(family, (13, 16))
    c.fs = r.randint(lo, hi)
    c.lh = int(round(c.fs * 1.45))
    c.ih = int(round(c.fs * 1.95)) + (4 if family == "stack1" else 0)
    if family == "compact":
        c.ih = c.fs + 12
    c.cap = max(11, c.fs - 3)
    c.caplh = c.cap + 4
    c.hint = max(11, c.fs - 2)
    wlo, whi = {"boxed2": (980, 1160), "stack1": (680, 800), "ulines": (880, 1100), "cells": (920, 1160),
                "ltable": (940, 1160), "grid3": (980, 1180), "sidebox": (1040, 1200), "zebra": (880, 1120),
                "card": (880, 1060), "compact": (1040, 1200), "mixed": (960, 1160)}[family]
    c.W = r.randrange(wlo, whi + 1, 10)
    c.padx = r.choice([28, 32, 36, 40, 48])
    c.pady = r.choice([24, 28, 32, 36])
    c.accent = r.choice(["#1f3a5f", "#203040", "#5a1e1e", "#1d4d3a", "#333333", "#3b2d5c", "#0f4c5c"])
    c.rule = r.choice(["#222", "#333", "#444"])
    c.colon = r.choice(["：", "：", ""]) if zh else r.choice([":", ":", ""])
    c.bold = r.random() < 0.35
    c.labelcol = r.choice(["#111", "#222", "#333"])
    c.req = r.random() < 0.5
    c.lalign = r.choice(["left", "right"])
    c.cb = max(12, min(18, c.fs - r.choice([0, 1, 2])))
    c.gap = r.choice([14, 18, 22, 26])
    c.rowgap = r.choice([8, 10, 12, 14])
    c.head = {"boxed2": r.choice(["bar", "bar", "grey"]), "stack1": r.choice(["num", "rule"]),
              "ulines": r.choice(["rule", "caps", "plain"]), "cells": "cellsec", "ltable": "cellsec",
              "grid3": r.choice(["grey", "bar"]), "sidebox": r.choice(["rule", "num", "grey"]),
              "zebra": r.choice(["bar", "rule"]), "card": "card", "compact": "bar",
              "mixed": r.choice(["bar", "grey", "rule"])}[family]
    c.hdr = r.choice(["centre", "logo", "rule"])
    c.glyph_size = c.fs + r.choice([0, 0, 1, 2])
    c.opt_gap = r.choice([14, 18, 24, 30])
    c.pagebg = "#ffffff"
    c.bg = "#ffffff"
    if family == "card":
        c.bg = r.choice(["#eef1f5", "#f1f3ef", "#f4f1ec", "#edf2f7"])
    c.shade = r.choice(["#eef0f3", "#f0efe9", "#e9eef0", "#efefef"])
    c.zebra = r.choice(["#f0f3f7", "#f3f3f0", "#eef4f0", "#f2f2f2"])
    return c


def istyle_for(family, r):
    if family == "boxed2":
        return r.choice(["box", "box", "hbox", "shade"])
    if family == "stack1":
        return r.choice(["box", "nat", "shade", "hbox"])
    if family == "ulines":
        return r.choice(["ul", "ul", "dot"])
    if family == "grid3":
        return r.choice(["ul", "box", "ul"])
    if family in ("sidebox", "zebra"):
        return r.choice(["box", "box", "ul"] if family == "sidebox" else ["box"])
    if family == "card":
        return "nat"
    if family == "compact":
        return r.choice(["box", "shade"])
    if family == "mixed":
        return r.choice(["box", "ul", "nat"])
    return "box"


CSS = """
html, body { margin: 0; padding: 0; background: %(bg)s; }
body { font-family: %(font)s; font-size: %(fs)dpx; line-height: %(lh)dpx; color: #1b1b1b; }
.page { box-sizing: border-box; width: %(W)dpx; padding: %(pady)dpx %(padx)dpx; }
.hd { margin-bottom: 10px; }
.hd h1 { font-size: %(h1)dpx; line-height: %(h1lh)dpx; margin: 0; font-weight: bold; }
.hd.centre { text-align: center; }
.hd .iss { font-size: %(small)dpx; line-height: %(smalllh)dpx; color: #444; }
.hd .fno { font-size: %(small)dpx; line-height: %(smalllh)dpx; color: #333; }
.hd.centre .fno { text-align: right; }
.hd.logo { display: flex; align-items: center; gap: 14px; }
.hd.logo .lg { width: 46px; height: 46px; border-radius: 50%%; background: %(accent)s; color: #fff;
  display: flex; align-items: center; justify-content: center; font-weight: bold; font-size: 15px; flex: none; }
.hd.logo .tt { flex: 1; }
.hd.logo .fno { border: 1px solid #444; padding: 2px 8px; }
.hd.rule { border-bottom: 3px solid %(accent)s; padding-bottom: 6px; display: flex; align-items: flex-end; justify-content: space-between; }
.instr { font-size: %(small)dpx; line-height: %(smalllh)dpx; color: #444; margin: 6px 0 10px 0; }
.sh { margin: 16px 0 10px 0; font-weight: bold; }
.sh.bar { background: %(accent)s; color: #fff; padding: 3px 10px; }
.sh.grey { background: #dcdfe4; color: #1b1b1b; padding: 3px 10px; }
.sh.rule { border-bottom: 2px solid %(accent)s; color: %(accent)s; padding-bottom: 2px; }
.sh.caps { text-transform: uppercase; letter-spacing: 2px; font-size: %(small)dpx; border-top: 1px solid #333; padding-top: 3px; }
.sh.plain { }
.sh.num { display: flex; align-items: center; gap: 10px; }
.sh.num .nb { background: %(accent)s; color: #fff; width: %(lh)dpx; height: %(lh)dpx; display: inline-flex;
  align-items: center; justify-content: center; flex: none; }
.sh.cardh { color: %(accent)s; margin: 0 0 10px 0; }
.card { background: #fff; border-radius: 10px; box-shadow: 0 1px 4px rgba(0,0,0,0.18); padding: 14px 18px 16px 18px; margin: 0 0 14px 0; }
.lbl { white-space: nowrap; color: %(labelcol)s; }
.lbl.b { font-weight: bold; }
.req { color: #c00000; }
.hint { color: #666; font-size: %(hint)dpx; white-space: nowrap; }
.lbl + .hint { margin-left: 6px; }
.ph { color: #9a9a9a; white-space: nowrap; }
.inp { box-sizing: border-box; height: %(ih)dpx; min-width: 40px; }
div.inp { display: flex; align-items: center; padding: 0 6px; background: #fff; }
.inp.box { border: 1px solid #555; }
.inp.hbox { border: 2px solid #222; }
.inp.ul { border-bottom: 1px solid #222; background: transparent; }
.inp.dot { border-bottom: 2px dotted #333; background: transparent; }
.inp.shade { background: %(shade)s; border-bottom: 1px solid #444; }
.inp.tall { height: %(tallh)dpx; align-items: flex-start; }
input.inp { font: inherit; border: 1px solid #8a8a8a; border-radius: 4px; padding: 0 6px; margin: 0; width: 100%%;
  background: #fff; display: block; }
input.inp::placeholder { color: #9a9a9a; }
.w100 { width: 100%%; }
.opts { display: inline-flex; align-items: center; column-gap: %(ogap)dpx; row-gap: 4px; white-space: nowrap; }
.opts.stack { flex-direction: column; align-items: flex-start; }
.opts.grid { display: inline-grid; grid-template-columns: repeat(2, max-content); align-items: center; }
.opt { display: inline-flex; align-items: center; }
.cb { box-sizing: border-box; flex: none; width: %(cb)dpx; height: %(cb)dpx; margin: 0 6px 0 0; background: #fff; }
.cb.sq { display: inline-block; border: 1px solid #222; }
.cb.sq2 { border-width: 2px; }
.cb.circ { display: inline-block; border: 1px solid #222; border-radius: 50%%; }
input.cb { margin: 0 6px 0 0; }
.tf .cb { margin: 0 0 0 6px; }
.gl { font-size: %(gs)dpx; margin-right: 5px; }
.tf .gl { margin: 0 0 0 5px; }
.bl { display: inline-block; width: 0; height: 0; vertical-align: baseline; }
.dparts { display: inline-flex; align-items: center; white-space: nowrap; }
.dparts.end { align-items: flex-end; }
.dp { box-sizing: border-box; display: inline-flex; align-items: center; justify-content: center; height: %(ih)dpx; flex: none; background: #fff; }
.dp.box { border: 1px solid #555; }
.dp.ul { border-bottom: 1px solid #222; background: transparent; height: %(dulh)dpx; }
.dp.blank { background: transparent; }
.dp.d2 { width: %(d2)dpx; }
.dp.d4 { width: %(d4)dpx; }
.dsep { margin: 0 5px; color: #444; }
.dunit { margin: 0 10px 0 4px; }
.dword { margin: 0 5px 0 0; color: #333; }
.dword.n { margin-left: 12px; }
.dcol { display: inline-flex; flex-direction: column; align-items: center; }
.dcol + .dcol { margin-left: 10px; }
.dcap { font-size: %(cap)dpx; line-height: %(caplh)dpx; color: #555; }
.dcol .dcap.top { margin-bottom: 2px; }
.dcol .dcap.bot { margin-top: 2px; }
.comb { display: inline-flex; box-sizing: border-box; border: 1px solid #444; height: %(ih)dpx; background: #fff; flex: none; }
.comb .cc { box-sizing: border-box; width: %(cc)dpx; height: 100%%; display: inline-flex; align-items: center;
  justify-content: center; color: #b0b0b0; font-size: %(cap)dpx; }
.comb .cc + .cc { border-left: 1px solid #999; }
.dw { display: flex; flex-direction: column; align-items: flex-start; }
.dw .hint { margin-top: 2px; }
.dr { display: flex; align-items: center; }
.dr .hint { margin-left: 8px; }
/* labels left */
.lgd { display: grid; column-gap: 12px; row-gap: %(rowgap)dpx; align-items: center; }
.lrow { display: grid; grid-template-columns: subgrid; grid-column: 1 / -1; align-items: center; }
.lrow.z { padding: 5px 8px; row-gap: 0; }
.lrow.z:nth-child(odd) { background: %(zebra)s; }
.lc { text-align: %(lalign)s; }
.lc.p2 { padding-left: %(p2)dpx; }
.ic { min-width: 0; }
/* labels above */
.agd { display: grid; column-gap: %(gap)dpx; row-gap: %(rowgap)dpx; align-items: start; }
.it { min-width: 0; }
.la { margin-bottom: 4px; }
/* inline */
.iln { display: flex; column-gap: %(gap)dpx; align-items: flex-end; margin-bottom: %(rowgap)dpx; }
.ip { display: flex; align-items: flex-end; min-width: 0; }
.ip > .lbl { margin-right: 8px; flex: none; }
.ip > .hint { margin: 0 8px 0 -2px; flex: none; }
.ip > div.inp, .ip > input.inp { flex: 1 1 0px; }
.ip > .opts, .ip > .dparts, .ip > .dr { flex: none; margin-bottom: 2px; }
/* ruled grids */
.rg { box-sizing: border-box; display: grid; gap: 1px; padding: 1px; background: %(rule)s; }
.rg > .gnote { padding: 4px 8px; font-size: %(small)dpx; line-height: %(smalllh)dpx; }
.rg > div { background: #fff; box-sizing: border-box; min-width: 0; }
.rg > .cell { padding: 4px 8px 6px 8px; min-height: %(cellh)dpx; }
.rg > .sec { background: %(secbg)s; color: %(seccol)s; font-weight: bold; padding: 3px 8px; }
.clbl { font-size: %(clbl)dpx; line-height: %(clbllh)dpx; }
.cbody { margin-top: 5px; }
.cph { margin-top: 6px; }
.rg > .tl { background: %(shade)s; padding: 6px 10px; display: flex; flex-direction: column; justify-content: center; }
.rg > .ti { padding: 5px 8px; min-height: %(tih)dpx; display: flex; align-items: center; }
.decl { margin: 4px 0 10px 0; font-size: %(small)dpx; line-height: %(smalllh)dpx; }
.office { margin-top: 18px; border: 1px dashed #666; background: #f5f5f5; padding: 8px 12px 4px 12px; }
.office .offt { font-weight: bold; font-size: %(small)dpx; margin-bottom: 6px; color: #333; }
.side { display: flex; gap: 24px; align-items: flex-start; }
.side .main { flex: 1; min-width: 0; }
.side .aside { width: %(asidew)dpx; flex: none; }
.side .aside .office { margin-top: 10px; }
.ft { margin-top: 18px; border-top: 1px solid #999; padding-top: 4px; font-size: %(small)dpx; line-height: %(smalllh)dpx;
  color: #555; display: flex; justify-content: space-between; }
"""


class Builder:
    def __init__(self, lang, content, family, c, r, plan, istyles):
        self.lang = lang
        self.zh = lang == "zh"
        self.ct = content
        self.family = family
        self.c = c
        self.r = r
        self.plan = plan
        self.istyles = istyles
        self.meta = {}  # field index -> extra info for JSON (format, part order, in_cell, ...)

    # --- pieces ---------------------------------------------------------------------------------
    def label(self, i, f, cls=""):
        c = self.c
        txt = esc(f.label)
        req = '<span class="req">*</span>' if (c.req and f.key in ("name", "first_name", "last_name", "date_of_birth",
                                                                    "phone", "address", "id_number")
                                               and self.r.random() < 0.7) else ""
        b = " b" if c.bold else ""
        colon = "" if f.label.endswith(("?", "？")) else c.colon
        return f'<span class="lbl{b} {cls}" data-f="{i}" data-r="l">{txt}{req}{colon}</span>'

    def hint_after_label(self, i, f):
        m = self.meta.get(i, {})
        if m.get("hintpos") == "label":
            return f'<span class="hint">{esc(m["hinttext"])}</span>'
        return ""

    def text_ctl(self, i, f, ist, width=None, extra_cls=""):
        st = f' style="width:{width}px"' if width else ""
        if ist == "nat":
            return f'<input type="text" class="inp nat {extra_cls}" data-f="{i}" data-r="i"{st}>'
        tall = " tall" if f.tall and ist in ("box", "hbox", "shade") else ""
        return f'<div class="inp {ist}{tall} {extra_cls}" data-f="{i}" data-r="i"{st}></div>'

    def prep_date(self, i, f, ctx):
        """Decide format / hint / part order for a date; stored in self.meta[i]."""
        r = self.r
        st = f.dstyle
        m = {"style": st}
        order = self.ct["order"]
        if st in ("ph", "ph_lower", "label", "under", "right", "native", "cellph"):
            fmt = fmt_for(order, self.lang, r, st)
            printed = fmt.lower() if (st == "ph_lower" or (st in ("ph", "native", "cellph") and not self.zh and r.random() < 0.25)) else fmt
            m.update(mode="one", format=fmt, printed=printed)
            if st == "label":
                m["hintpos"] = "label"
                m["hinttext"] = r.choice(["(%s)", "（%s）" if self.zh else "(%s)", "格式：%s" if self.zh else "[%s]"]) % printed
            elif st == "under":
                m["hinttext"] = (r.choice(["格式：%s", "（%s）", "填写格式：%s"]) if self.zh else
                                 r.choice(["Format: %s", "(%s)", "Use the format %s"])) % printed
            elif st == "right":
                m["hinttext"] = r.choice(["(%s)", "%s"]) % printed if not self.zh else r.choice(["（%s）", "%s"]) % printed
        elif st == "none":
            m.update(mode="one", format=None)
        else:
            m["mode"] = "parts"
            if self.zh:
                m["order"] = "YMD"
            elif st == "ulseg" or st == "words" or st == "comb" or st == "phbox" or st in ("capbelow", "capabove"):
                m["order"] = order
            if st == "ulseg" or (st == "comb" and r.random() < 0.4):
                o = m["order"]
                fm = {"DMY": "dd/mm/yyyy", "MDY": "mm/dd/yyyy", "YMD": "yyyy/mm/dd"}[o]
                m["hintpos"] = "label"
                m["hinttext"] = "(" + (fm if r.random() < 0.5 else fm.upper()) + ")"
        self.meta[i] = m
        return m

    def date_ctl(self, i, f, ctx, ist):
        m = self.meta[i]
        st = m["style"]
        c = self.c
        r = self.r
        if m["mode"] == "one":
            if ctx == "cell":
                return None  # the cell itself is the input (handled by the renderer)
            dw = r.choice([None, max(150, int(c.fs * 10.5))]) if st not in ("right",) else max(140, int(c.fs * 9.5))
            if ctx == "inline":
                dw = max(150, int(c.fs * 10.5))
            if st == "native" or (ist == "nat" and st in ("ph", "ph_lower")):
                ph = f' placeholder="{esc(m["printed"])}"'
                stl = f' style="width:{dw}px"' if dw else ""
                box = f'<input type="text" class="inp nat" data-f="{i}" data-r="i"{ph}{stl}>'
            else:
                est = ist if ist != "nat" else "box"
                inner = f'<span class="ph">{esc(m["printed"])}</span>' if st in ("ph", "ph_lower") else ""
                stl = f' style="width:{dw}px"' if dw else ""
                box = f'<div class="inp {est}" data-f="{i}" data-r="i"{stl}>{inner}</div>'
            if st == "under":
                stretch = ' style="align-items:stretch"' if not dw else ""
                return f'<div class="dw"{stretch}>{box}<span class="hint">{esc(m["hinttext"])}</span></div>'
            if st == "right":
                return f'<div class="dr">{box}<span class="hint">{esc(m["hinttext"])}</span></div>'
            return box
        return self.parts_html(i, f, m, ctx, ist)

    def parts_html(self, i, f, m, ctx, ist):
        st = m["style"]
        c = self.c
        r = self.r
        zh = self.zh
        order = m.get("order", "YMD")
        seq = {"DMY": ["day", "month", "year"], "MDY": ["month", "day", "year"], "YMD": ["year", "month", "day"]}[order]
        m["parts"] = seq
        pstyle = "box"
        if ist in ("ul", "dot") or ctx == "inline":
            pstyle = "ul"

        def part(k, name, inner="", cls=None):
            w = "d4" if name == "year" else "d2"
            return f'<span class="dp {cls or pstyle} {w}" data-f="{i}" data-r="p" data-p="{k}">{inner}</span>'

        phs = {"day": "DD", "month": "MM", "year": "YYYY"}
        if st == "phbox" or st == "zhph":
            lower = (not zh) and r.random() < 0.3
            sep = r.choice(["/", "/", "-", "."]) if not zh else r.choice(["/", "-"])
            out = []
            for k, nm in enumerate(seq):
                if k:
                    out.append(f'<span class="dsep">{sep}</span>')
                p = phs[nm].lower() if lower else phs[nm]
                out.append(part(k, nm, f'<span class="ph">{p}</span>', "box" if st == "zhph" else None))
            m["padded"] = True
            return '<span class="dparts">' + "".join(out) + "</span>"
        if st == "ulseg":
            sep = "/"
            out = []
            for k, nm in enumerate(seq):
                if k:
                    out.append(f'<span class="dsep">{sep}</span>')
                out.append(part(k, nm, "", "ul"))
            m["padded"] = True
            return '<span class="dparts end">' + "".join(out) + "</span>"
        if st in ("capbelow", "capabove", "zhcap"):
            if zh:
                caps = {"year": "年", "month": "月", "day": "日"}
            else:
                caps = r.choice([{"day": "Day", "month": "Month", "year": "Year"},
                                 {"day": "DD", "month": "MM", "year": "YYYY"}])
            top = st == "capabove"
            out = []
            for k, nm in enumerate(seq):
                cap = f'<span class="dcap {"top" if top else "bot"}">{caps[nm]}</span>'
                pp = part(k, nm, "", "box")
                out.append(f'<span class="dcol">{cap + pp if top else pp + cap}</span>')
            m["padded"] = not zh
            return '<span class="dparts">' + "".join(out) + "</span>"
        if st == "words":
            words = {"day": "Day", "month": "Month", "year": "Year"}
            out = []
            for k, nm in enumerate(seq):
                out.append(f'<span class="dword{" n" if k else ""}">{words[nm]}</span>')
                out.append(part(k, nm, "", "box" if pstyle == "box" else "ul"))
            m["padded"] = True
            return '<span class="dparts">' + "".join(out) + "</span>"
        if st in ("comb", "zhcomb"):
            letters = {"day": "D", "month": "M", "year": "Y"}
            grey = r.random() < 0.6 or st == "comb"
            out = []
            for k, nm in enumerate(seq):
                n = 4 if nm == "year" else 2
                cells = "".join(f'<span class="cc">{letters[nm] if grey and not zh else ""}</span>' for _ in range(n))
                if k and not zh:
                    out.append('<span class="dsep">/</span>')
                out.append(f'<span class="comb" data-f="{i}" data-r="p" data-p="{k}">{cells}</span>')
                if zh:
                    out.append(f'<span class="dunit">{"年月日"[["year", "month", "day"].index(nm)]}</span>')
            m["padded"] = not zh
            return '<span class="dparts">' + "".join(out) + "</span>"
        if st in ("zhbox", "zhul", "zhblank"):
            cls = {"zhbox": "box", "zhul": "ul", "zhblank": "blank"}[st]
            if st == "zhbox" and pstyle == "ul":
                cls = "ul"
            out = []
            for k, nm in enumerate(seq):
                out.append(part(k, nm, "", cls))
                out.append(f'<span class="dunit">{"年月日"[["year", "month", "day"].index(nm)]}</span>')
            m["padded"] = False
            return f'<span class="dparts{" end" if cls == "ul" else ""}">' + "".join(out) + "</span>"
        raise ValueError(st)

    def choice_ctl(self, i, f, arr=None):
        r = self.r
        c = self.c
        ost = f.ostyle
        opts = f.options
        if arr is None:
            arr = "row"
            if len(opts) >= 4 and r.random() < 0.5:
                arr = "grid"
            elif len(opts) == 3 and r.random() < 0.2:
                arr = "grid"
            elif r.random() < 0.15:
                arr = "stack"
        self.meta.setdefault(i, {})["arr"] = arr
        tf = (ost.startswith("g_") or ost in ("sq", "circ")) and r.random() < 0.12 and arr == "row"
        self.meta[i]["tf"] = tf
        out = []
        for k, o in enumerate(opts):
            t = f'<span class="ot" data-f="{i}" data-r="t" data-o="{k}">{esc(o)}</span>'
            if ost == "sq":
                b = f'<span class="cb sq{" sq2" if c.cb >= 15 and r.random() < 0.3 else ""}" data-f="{i}" data-r="o" data-o="{k}"></span>'
            elif ost == "circ":
                b = f'<span class="cb circ" data-f="{i}" data-r="o" data-o="{k}"></span>'
            elif ost == "ncb":
                b = f'<input type="checkbox" class="cb" data-f="{i}" data-r="o" data-o="{k}">'
            elif ost == "nrd":
                b = f'<input type="radio" name="r{i}" class="cb" data-f="{i}" data-r="o" data-o="{k}">'
            else:
                b = f'<span class="gl" data-f="{i}" data-r="g" data-o="{k}">{GLYPH[ost]}<i class="bl"></i></span>'
            out.append(f'<span class="opt{" tf" if tf else ""}">{t + b if tf else b + t}</span>')
        return f'<span class="opts {arr}">' + "".join(out) + "</span>"

    def est_ctl_w(self, i, f):
        """rough width of a control (px) used to choose spans."""
        c = self.c
        if f.kind == "choice":
            return sum(c.cb + 8 + text_w(o, c.fs) for o in f.options) + c.opt_gap * (len(f.options) - 1) + 10
        if f.kind == "date":
            m = self.meta.get(i, {})
            if m.get("mode") == "one":
                return max(150, c.fs * 10.5) + (text_w(m.get("hinttext", ""), c.hint) + 10 if m.get("style") == "right" else 0)
            d2 = c.d2
            d4 = c.d4
            st = m.get("style")
            base = 2 * d2 + d4 + 40
            if st == "words":
                base += text_w("Day Month Year", c.fs) + 40
            if st in ("zhbox", "zhul", "zhblank", "zhcomb"):
                base += 3 * c.fs + 45
            if st in ("comb", "zhcomb"):
                base = 8 * c.cc + 40 + (3 * c.fs + 45 if st == "zhcomb" else 0)
            return base
        return 120

    def heading(self, sec, text, num):
        c = self.c
        h = c.head
        if h == "num":
            return f'<div class="sh num"><span class="nb">{num}</span><span>{esc(text)}</span></div>'
        if h == "card":
            return f'<div class="sh cardh">{esc(text)}</div>'
        if h in ("cellsec",):
            return ""
        if h == "caps":
            return f'<div class="sh caps">{esc(text)}</div>'
        return f'<div class="sh {h}">{esc(text)}</div>'

    # --- renderers --------------------------------------------------------------------------------
    def r_left(self, items, opts, content_w):
        c = self.c
        r = self.r
        cols = opts.get("cols", 1)
        zebra = opts.get("zebra")
        rows = []
        cur = []
        for i, f in items:
            wide = cols == 2 and (f.size == 3 or (f.kind == "choice" and self.est_ctl_w(i, f) > content_w / 2 - 160)
                                  or (f.kind == "date" and self.est_ctl_w(i, f) > content_w / 2 - 170))
            if cols == 1:
                rows.append([(i, f)])
                continue
            if wide:
                if cur:
                    rows.append(cur)
                    cur = []
                rows.append([(i, f)])
            else:
                cur.append((i, f))
                if len(cur) == 2:
                    rows.append(cur)
                    cur = []
        if cur:
            rows.append(cur)
        tmpl = "max-content minmax(0,1fr)" + (" max-content minmax(0,1fr)" if cols == 2 else "")
        out = [f'<div class="lgd" style="grid-template-columns:{tmpl}">']
        ist = self.istyles
        for row in rows:
            out.append(f'<div class="lrow{" z" if zebra else ""}">')
            for k, (i, f) in enumerate(row):
                span = ' style="grid-column: 2 / -1"' if (cols == 2 and len(row) == 1) else ""
                lc = f'<div class="lc{" p2" if k else ""}" data-c="{i}">{self.label(i, f)}{self.hint_after_label(i, f)}</div>'
                out.append(lc)
                out.append(f'<div class="ic"{span} data-c="{i}">{self.control(i, f, "free", ist[f.sec], content_w)}</div>')
            out.append("</div>")
        out.append("</div>")
        return "".join(out)

    def control(self, i, f, ctx, ist, content_w):
        r = self.r
        c = self.c
        if f.kind == "text":
            width = None
            if self.plan[f.sec][0] == "left" and self.plan[f.sec][1].get("cols", 1) == 1 and f.size == 1 and r.random() < 0.5:
                width = int(min(content_w * 0.5, max(160, c.fs * r.choice([12, 16, 20]))))
            return self.text_ctl(i, f, ist, width)
        if f.kind == "date":
            return self.date_ctl(i, f, ctx, ist)
        arr = None
        if self.family in ("stack1", "sidebox") and self.r.random() < 0.35:
            arr = "stack"
        if self.family == "sidebox" and f.sec == "office":
            arr = "stack"
        return self.choice_ctl(i, f, arr)

    def r_above(self, items, opts, content_w):
        c = self.c
        cols = opts.get("cols", 1)
        colw = (content_w - (cols - 1) * c.gap) / cols
        rows = []  # pack to keep rows tidy
        cur, used = [], 0
        for i, f in items:
            need = self.est_ctl_w(i, f) if f.kind != "text" else 0
            lw = text_w(f.label + self.meta.get(i, {}).get("hinttext", ""), c.fs) + 30
            span = 1
            if f.kind == "text":
                span = {1: 1, 2: 1 if cols < 3 else 2, 3: cols if cols <= 2 else max(2, cols - 1)}[f.size or 1]
            else:
                w = max(need, lw)
                span = 1
                while span < cols and w > colw * span + c.gap * (span - 1) - 8:
                    span += 1
            lwspan = 1
            while lwspan < cols and lw > colw * lwspan + c.gap * (lwspan - 1) - 4:
                lwspan += 1
            span = min(cols, max(span, lwspan))
            if used + span > cols:
                rows.append(cur)
                cur, used = [], 0
            cur.append([i, f, span])
            used += span
        if cur:
            rows.append(cur)
        out = [f'<div class="agd" style="grid-template-columns:repeat({cols}, minmax(0,1fr))">']
        for row in rows:
            tot = sum(s for _, _, s in row)
            if tot < cols and row[-1][1].kind == "text":
                row[-1][2] += cols - tot
            for i, f, s in row:
                out.append(f'<div class="it" style="grid-column: span {s}" data-c="{i}"><div class="la">'
                           f'{self.label(i, f)}{self.hint_after_label(i, f)}</div><div class="ctl">'
                           f'{self.control(i, f, "free", self.istyles[f.sec], content_w)}</div></div>')
            if tot < cols and row[-1][1].kind != "text":
                out.append(f'<div style="grid-column: span {cols - tot}"></div>')
        out.append("</div>")
        return "".join(out)

    def r_inline(self, items, opts, content_w):
        c = self.c
        r = self.r
        lines = []
        cur, used = [], 0.0
        for i, f in items:
            lw = text_w(f.label, c.fs) + 14 + (text_w(self.meta.get(i, {}).get("hinttext", ""), c.hint) + 8
                                               if self.meta.get(i, {}).get("hintpos") == "label" else 0)
            if f.kind == "text":
                need = lw + {1: 140, 2: 240, 3: 420}[f.size or 1]
            else:
                need = lw + self.est_ctl_w(i, f) + 10
            if cur and (used + need + c.gap > content_w or len(cur) >= 3 or (f.size == 3 and f.kind == "text")):
                lines.append(cur)
                cur, used = [], 0.0
            cur.append((i, f, need))
            used += need + c.gap
        if cur:
            lines.append(cur)
        out = []
        ist = self.istyles
        for ln in lines:
            out.append('<div class="iln">')
            for k, (i, f, need) in enumerate(ln):
                grow = 1 if f.kind == "text" else 0
                st = f"flex: {grow} 1 {int(need)}px" if grow else "flex: none"
                lastgrow = ""
                out.append(f'<div class="ip" style="{st}" data-c="{i}">{self.label(i, f)}{self.hint_after_label(i, f)}'
                           f'{self.control(i, f, "inline", ist[f.sec] if ist[f.sec] in ("ul", "dot") else "ul", content_w)}</div>')
            # a line of only fixed-width items: nothing grows, fine
            out.append("</div>")
        return "".join(out)

    def r_cells(self, items, opts, content_w, heading, note=None):
        c = self.c
        r = self.r
        n = opts.get("cols", 3)
        colw = (content_w - 2 - (n - 1)) // n
        total = colw * n + (n - 1) + 2
        rows, cur, used = [], [], 0
        for i, f in items:
            lw = text_w(f.label + self.meta.get(i, {}).get("hinttext", ""), c.clbl) + 24
            if f.kind == "text":
                span = {1: 1, 2: 1 if n == 4 and r.random() < 0.5 else 2, 3: max(2, n - 1)}[f.size or 1]
                span = min(span, n)
            else:
                w = max(self.est_ctl_w(i, f) + 18, lw)
                span = 1
                while span < n and w > colw * span + (span - 1):
                    span += 1
            while span < n and lw > colw * span:
                span += 1
            if used + span > n:
                cur[-1][2] += n - used
                rows.append(cur)
                cur, used = [], 0
            cur.append([i, f, span])
            used += span
        if cur:
            cur[-1][2] += n - used
            rows.append(cur)
        out = [f'<div class="rg" style="grid-template-columns:repeat({n}, {colw}px); width:{total}px">']
        if heading:
            out.append(f'<div class="sec" style="grid-column: 1 / -1">{esc(heading)}</div>')
        if note:
            out.append(f'<div class="gnote" style="grid-column: 1 / -1">{esc(note)}</div>')
        for row in rows:
            for i, f, s in row:
                out.append(self.cell(i, f, s))
        out.append("</div>")
        return "".join(out)

    def cell(self, i, f, span):
        lab = self.label(i, f, "clbl") + self.hint_after_label(i, f)
        st = f' style="grid-column: span {span}"'
        m = self.meta.get(i, {})
        if f.kind == "text":
            self.meta.setdefault(i, {})["in_cell"] = True
            return f'<div class="cell" data-f="{i}" data-r="i" data-c="{i}"{st}><div>{lab}</div></div>'
        if f.kind == "date" and m.get("mode") == "one":
            m["in_cell"] = True
            inner = f'<div class="cph"><span class="ph">{esc(m["printed"])}</span></div>' if m["style"] == "cellph" else ""
            return f'<div class="cell" data-f="{i}" data-r="i" data-c="{i}"{st}><div>{lab}</div>{inner}</div>'
        if f.kind == "date":
            body = self.parts_html(i, f, m, "cell", "box")
        else:
            body = self.choice_ctl(i, f)
        return f'<div class="cell" data-c="{i}"{st}><div>{lab}</div><div class="cbody">{body}</div></div>'

    def r_table(self, items, opts, content_w, heading, note=None):
        c = self.c
        pairs = opts.get("pairs", 2)
        rows, cur = [], []
        half = content_w / 2
        for i, f in items:
            wide = pairs == 1 or f.size == 3 or (f.kind != "text" and self.est_ctl_w(i, f) > half - 200)
            if wide:
                if cur:
                    rows.append(cur)
                    cur = []
                rows.append([(i, f)])
            else:
                cur.append((i, f))
                if len(cur) == 2:
                    rows.append(cur)
                    cur = []
        if cur:
            rows.append(cur)
        tmpl = "max-content minmax(0,1fr) max-content minmax(0,1fr)" if pairs == 2 else "max-content minmax(0,1fr)"
        out = [f'<div class="rg" style="grid-template-columns:{tmpl}; width:{content_w}px">']
        if heading:
            out.append(f'<div class="sec" style="grid-column: 1 / -1">{esc(heading)}</div>')
        if note:
            out.append(f'<div class="gnote" style="grid-column: 1 / -1">{esc(note)}</div>')
        for row in rows:
            for k, (i, f) in enumerate(row):
                span = ' style="grid-column: span 3"' if (pairs == 2 and len(row) == 1) else ""
                out.append(f'<div class="tl" data-c="{i}"><div>{self.label(i, f)}</div>'
                           + (f'<div>{self.hint_after_label(i, f)}</div>' if self.hint_after_label(i, f) else "") + "</div>")
                m = self.meta.get(i, {})
                if f.kind == "text" or (f.kind == "date" and m.get("mode") == "one"):
                    inner = ""
                    if f.kind == "date" and m["style"] == "cellph":
                        inner = f'<span class="ph">{esc(m["printed"])}</span>'
                    out.append(f'<div class="ti" data-f="{i}" data-r="i" data-c="{i}"{span}>{inner}</div>')
                else:
                    body = self.parts_html(i, f, m, "cell", "box") if f.kind == "date" else self.choice_ctl(i, f)
                    out.append(f'<div class="ti" data-c="{i}"{span}>{body}</div>')
        out.append("</div>")
        return "".join(out)

    # --- page -----------------------------------------------------------------------------------
    def build(self, theme):
        c = self.c
        r = self.r
        zh = self.zh
        fields = self.ct["fields"]
        content_w = c.W - 2 * c.padx
        aside = self.family == "sidebox"
        asidew = 0
        if aside:
            asidew = r.choice([250, 270, 290])
        main_w = content_w - (asidew + 24 if aside else 0)
        # date prep
        for i, f in enumerate(fields):
            if f.kind == "date":
                self.prep_date(i, f, ctx_of(self.plan[f.sec][0]))
        secs = collections.OrderedDict()
        for i, f in enumerate(fields):
            secs.setdefault(f.sec, []).append((i, f))
        S = SEC_ZH if zh else SEC_EN
        titles = {"applicant": r.choice(S["applicant"]), "contact": r.choice(S["contact"]),
                  "theme": theme["sec"], "decl": r.choice(S["decl"]), "office": r.choice(S["office"])}
        # header
        code = theme["code"]
        rev = f"{r.choice(['Rev.', 'Version', 'Ed.'])} {r.randint(1, 12):02d}/{r.choice([2022, 2023, 2024, 2025])}"
        fno = (f"表号：{code}" if zh else f"Form {code}") + ("" if r.random() < 0.5 else f" · {rev}" if not zh else f"（{r.choice([2023, 2024, 2025])}版）")
        out = [f'<div class="page">']
        if c.hdr == "centre":
            out.append(f'<div class="hd centre"><div class="fno">{esc(fno)}</div><h1>{esc(theme["title"])}</h1>'
                       f'<div class="iss">{esc(theme["issuer"])}</div></div>')
        elif c.hdr == "logo":
            ini = "".join(w[0] for w in re.findall(r"[A-Z][a-z]+", theme["issuer"])[:2]) if not zh else theme["issuer"][:2]
            out.append(f'<div class="hd logo"><div class="lg">{esc(ini)}</div><div class="tt"><div class="iss">{esc(theme["issuer"])}</div>'
                       f'<h1>{esc(theme["title"])}</h1></div><div class="fno">{esc(fno)}</div></div>')
        else:
            out.append(f'<div class="hd rule"><div><div class="iss">{esc(theme["issuer"])}</div><h1>{esc(theme["title"])}</h1></div>'
                       f'<div class="fno">{esc(fno)}</div></div>')
        instr = r.choice(ZH_INSTR if zh else EN_INSTR)
        out.append(f'<div class="instr">{esc(instr)}</div>')
        main = []
        side = []
        num = 0
        for sec, items in secs.items():
            rend, opts = self.plan[sec]
            tgt = side if (aside and sec == "office") else main
            w = asidew - 26 if (aside and sec == "office") else main_w
            title = titles[sec]
            if sec == "office":
                w = w - 26 if not aside else w
                body = self.render(rend, opts, items, w, None)
                tgt.append(f'<div class="office"><div class="offt">{esc(title)}</div>{body}</div>')
                continue
            num += 1
            numtxt = str(num) if not zh else "一二三四五六"[num - 1]
            block = []
            if c.head != "cellsec":
                block.append(self.heading(sec, title, numtxt))
            note = None
            if sec == "decl":
                dtext = r.choice(ZH_DECL if zh else EN_DECL)
                if rend in ("cells", "table") and c.head == "cellsec":
                    note = dtext
                else:
                    block.append(f'<p class="decl">{esc(dtext)}</p>')
            cw = w - 36 if c.head == "card" else w
            hd = title if (c.head == "cellsec" or (rend in ("cells", "table") and c.head not in ("cellsec",) and False)) else None
            if rend in ("cells", "table") and c.head != "cellsec":
                hd = None
            if rend in ("cells", "table") and c.head == "cellsec":
                hd = title
            body = self.render(rend, opts, items, cw, hd, note)
            block.append(body)
            if c.head == "card":
                tgt.append('<div class="card">' + "".join(block) + "</div>")
            else:
                tgt.append('<div class="sect">' + "".join(block) + "</div>")
            if rend in ("cells", "table"):
                tgt.append('<div style="height:12px"></div>')
        if aside:
            out.append(f'<div class="side"><div class="main">{"".join(main)}</div><div class="aside">{"".join(side)}</div></div>')
        else:
            out.extend(main)
        foot_l = (f"{code}" + (f" · {rev}" if not zh else "")) if r.random() < 0.7 else theme["issuer"]
        foot_r = "第 1 页 共 1 页" if zh else "Page 1 of 1"
        out.append(f'<div class="ft"><span>{esc(foot_l)}</span><span>{esc(foot_r)}</span></div>')
        out.append("</div>")
        vals = dict(bg=c.bg, font=c.font, fs=c.fs, lh=c.lh, W=c.W, pady=c.pady, padx=c.padx,
                    h1=int(c.fs * 1.55), h1lh=int(c.fs * 1.55 * 1.3), small=max(11, c.fs - 2), smalllh=max(11, c.fs - 2) + 5,
                    accent=c.accent, labelcol=c.labelcol, hint=c.hint, ih=c.ih, tallh=c.ih * 2 + 8, shade=c.shade,
                    ogap=c.opt_gap, cb=c.cb, gs=c.glyph_size, dulh=c.ih - 4, d2=c.d2, d4=c.d4, cap=c.cap,
                    caplh=c.caplh, cc=c.cc, rowgap=c.rowgap, zebra=c.zebra, lalign=c.lalign, p2=c.gap,
                    gap=c.gap, rule=c.rule, cellh=c.lh + c.ih, secbg=c.secbg, seccol=c.seccol,
                    clbl=c.clbl, clbllh=c.clbl + 5, tih=c.ih + 10, asidew=asidew)
        css = CSS % vals
        lang_attr = "zh-CN" if zh else "en"
        return (f'<!DOCTYPE html>\n<html lang="{lang_attr}"><head><meta charset="utf-8"><title>{esc(theme["title"])}</title>'
                f"<style>{css}</style></head><body>{''.join(out)}</body></html>")

    def render(self, rend, opts, items, w, heading, note=None):
        if rend == "left":
            return self.r_left(items, opts, w)
        if rend == "above":
            return self.r_above(items, opts, w)
        if rend == "inline":
            return self.r_inline(items, opts, w)
        if rend == "cells":
            return self.r_cells(items, opts, w, heading, note)
        if rend == "table":
            return self.r_table(items, opts, w, heading, note)
        raise ValueError(rend)


JS_PREPARE = r"""
(() => {
  document.querySelectorAll('.rg').forEach(g => {
    const cs = getComputedStyle(g);
    const cols = cs.gridTemplateColumns.split(' ').map(parseFloat);
    const total = cols.reduce((a, b) => a + b, 0);
    let big = 0;
    cols.forEach((v, k) => { if (v > cols[big]) big = k; });
    const ints = cols.map(v => Math.ceil(v - 0.01));
    ints[big] = 0;
    ints[big] = Math.round(total) - ints.reduce((a, b) => a + b, 0);
    g.style.gridTemplateColumns = ints.map(v => v + 'px').join(' ');
  });
  document.querySelectorAll('.rg').forEach(g => {
    const rows = getComputedStyle(g).gridTemplateRows.split(' ').map(parseFloat);
    g.style.gridTemplateRows = rows.map(v => Math.ceil(v - 0.01) + 'px').join(' ');
  });
  // move every ruled grid onto a whole pixel
  document.querySelectorAll('.rg').forEach(g => {
    const y = g.getBoundingClientRect().top + window.scrollY;
    const fr = y - Math.floor(y);
    if (fr > 0.001) g.style.marginTop = (1 - fr) + 'px';
  });
  return true;
})()
"""

JS_EXTRACT = r"""
(() => {
  const R = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const T = e => { const rg = document.createRange(); rg.selectNodeContents(e); const r = rg.getBoundingClientRect();
                   return [r.left, r.top, r.right, r.bottom]; };
  const cv = document.createElement('canvas').getContext('2d');
  const G = e => {
    const tn = e.firstChild;
    const rg = document.createRange(); rg.setStart(tn, 0); rg.setEnd(tn, 1);
    const rr = rg.getBoundingClientRect();
    const base = e.querySelector('.bl').getBoundingClientRect().top;
    const cs = getComputedStyle(e);
    cv.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
    const m = cv.measureText(tn.data[0]);
    return [rr.left - m.actualBoundingBoxLeft, base - m.actualBoundingBoxAscent,
            rr.left + m.actualBoundingBoxRight, base + m.actualBoundingBoxDescent];
  };
  const out = {};
  const get = f => out[f] || (out[f] = {p: {}, o: {}, t: {}, g: {}, tt: {}, c: []});
  document.querySelectorAll('[data-r]').forEach(e => {
    const o = get(e.dataset.f), r = e.dataset.r;
    if (r === 'l') { o.l = T(e); o.lt = e.textContent; }
    else if (r === 'i') o.i = R(e);
    else if (r === 'p') o.p[e.dataset.p] = R(e);
    else if (r === 'o') o.o[e.dataset.o] = R(e);
    else if (r === 't') { o.t[e.dataset.o] = T(e); o.tt[e.dataset.o] = e.textContent; }
    else if (r === 'g') o.g[e.dataset.o] = G(e);
  });
  document.querySelectorAll('[data-c]').forEach(e => { get(e.dataset.c).c.push(R(e)); });
  const pg = document.querySelector('.page').getBoundingClientRect();
  return {fields: out, page: [pg.left, pg.top, pg.right, pg.bottom],
          html: '<!DOCTYPE html>\n' + document.documentElement.outerHTML};
})()
"""


def fbox(b):
    import math
    return [int(math.floor(b[0] + 1e-6)), int(math.floor(b[1] + 1e-6)), int(math.ceil(b[2] - 1e-6)), int(math.ceil(b[3] - 1e-6))]


def inter(a, b):
    return min(a[2], b[2]) - max(a[0], b[0]) > 0 and min(a[3], b[3]) - max(a[1], b[1]) > 0


def gap(a, b):
    gx = max(0, b[0] - a[2], a[0] - b[2])
    gy = max(0, b[1] - a[3], a[1] - b[3])
    return max(gx, gy)


def inside(a, b, tol=1):
    return a[0] >= b[0] - tol and a[1] >= b[1] - tol and a[2] <= b[2] + tol and a[3] <= b[3] + tol


def assemble(idx, fid, lang, content, builder, ext, size, theme, family, c):
    W, H = size
    fields = content["fields"]
    out = []
    for i, f in enumerate(fields):
        e = ext["fields"].get(str(i))
        if e is None or "l" not in e:
            raise RuntimeError(f"field {i} ({f.label}) not found in the DOM")
        m = builder.meta.get(i, {})
        rec = {"label": f.label, "label_box": fbox(e["l"])}
        if f.kind == "text":
            rec.update(kind="text", input_box=fbox(e["i"]), key=f.key, value=f.value)
        elif f.kind == "date":
            rec.update(kind="date", key=f.key, value=f.value)
            if m["mode"] == "one":
                rec.update(input_box=fbox(e["i"]), format=m.get("format"), parts=[])
            else:
                d = dt.date.fromisoformat(f.value) if f.value else None
                parts = []
                for k, nm in enumerate(m["parts"]):
                    if d is None:
                        v = ""
                    elif nm == "year":
                        v = str(d.year)
                    else:
                        n = d.day if nm == "day" else d.month
                        v = f"{n:02d}" if m.get("padded") else str(n)
                    parts.append({"part": nm, "box": fbox(e["p"][str(k)]), "value": v})
                rec.update(input_box=None, format=None, parts=parts)
        else:
            ost = f.ostyle
            opts = []
            for k, o in enumerate(f.options):
                b = e["g"][str(k)] if ost.startswith("g_") else e["o"][str(k)]
                opts.append({"text": o, "text_box": fbox(e["t"][str(k)]), "box": fbox(b)})
            rec.update(kind="checkbox", style=JSON_STYLE[ost], input_box=None, key=f.key, value=f.value, options=opts)
        out.append(rec)
    return out


def check(fid, fields_json, content, builder, ext, size, png_bytes, c):
    """Returns a list of problems (empty when the form is fine)."""
    W, H = size
    probs = []
    spec = content["fields"]
    im = Image.open(io.BytesIO(png_bytes)).convert("L")
    px = im.load()

    def dark_in(b, thr=170):
        x1, y1, x2, y2 = b
        for y in range(max(0, y1), min(H, y2)):
            for x in range(max(0, x1), min(W, x2)):
                if px[x, y] < thr:
                    return True
        return False

    def ink_bbox(b, pad=2, thr=200):
        x1, y1, x2, y2 = b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad
        xs, ys = [], []
        for y in range(max(0, y1), min(H, y2)):
            for x in range(max(0, x1), min(W, x2)):
                if px[x, y] < thr:
                    xs.append(x)
                    ys.append(y)
        if not xs:
            return None
        return [min(xs), min(ys), max(xs) + 1, max(ys) + 1]

    boxes = []  # (field, role, box)
    for i, f in enumerate(fields_json):
        own = []
        if f["input_box"]:
            own.append(("input", f["input_box"]))
        for p in f.get("parts") or []:
            own.append(("part", p["box"]))
        for o in f.get("options") or []:
            own.append(("opt", o["box"]))
            own.append(("otext", o["text_box"]))
        boxes.append((f["label_box"], own))
        for role, b in [("label", f["label_box"])] + own:
            if not (b[0] < b[2] and b[1] < b[3]):
                probs.append(f"{i} {role} empty {b}")
            if b[0] < 0 or b[1] < 0 or b[2] > W or b[3] > H:
                probs.append(f"{i} {role} off page {b}")
            if b[0] < c.padx - 30 or b[2] > W - c.padx + 30:
                probs.append(f"{i} {role} outside content {b}")
        # DOM label text
        lt = re.sub(r"[\s:：*]+$", "", ext["fields"][str(i)]["lt"]).strip()
        if lt != f["label"]:
            probs.append(f"{i} label text {lt!r} != {f['label']!r}")
        for k, o in enumerate(f.get("options") or []):
            if ext["fields"][str(i)]["tt"][str(k)] != o["text"]:
                probs.append(f"{i} option text mismatch")
        # own label vs own inputs
        m = builder.meta.get(i, {})
        for role, b in own:
            if inter(f["label_box"], b):
                if role == "input" and m.get("in_cell") and inside(f["label_box"], b, 0):
                    continue
                probs.append(f"{i} label overlaps own {role}")
        # containment
        cont = [fbox(x) for x in ext["fields"][str(i)]["c"]]
        for role, b in [("label", f["label_box"])] + own:
            if cont and not any(inside(b, cb, 1) for cb in cont):
                probs.append(f"{i} {role} {b} outside its container")
        # ink
        if not dark_in(f["label_box"]):
            probs.append(f"{i} no ink in label")
        for o in f.get("options") or []:
            if not dark_in(o["text_box"]):
                probs.append(f"{i} no ink in option text")
        if f["kind"] == "checkbox" and f["style"] == "glyph":
            for o in f["options"]:
                ib = ink_bbox(o["box"])
                if ib is None or any(abs(a - b) > 2 for a, b in zip(ib, o["box"])):
                    probs.append(f"{i} glyph box {o['box']} vs ink {ib}")
        # parts in order left to right
        ps = f.get("parts") or []
        for a, b in zip(ps, ps[1:]):
            if not a["box"][2] <= b["box"][0]:
                probs.append(f"{i} parts not left to right")
    # cross-field
    for i in range(len(boxes)):
        li, own_i = boxes[i]
        all_i = [("label", li)] + own_i
        for j in range(i + 1, len(boxes)):
            lj, own_j = boxes[j]
            all_j = [("label", lj)] + own_j
            for ri, bi in all_i:
                for rj, bj in all_j:
                    if inter(bi, bj):
                        probs.append(f"{i} {ri} overlaps {j} {rj}")
            for rj, bj in own_j:
                if rj in ("input", "part", "opt") and gap(li, bj) < 4:
                    probs.append(f"{i} label too close to {j} {rj}")
            for ri, bi in own_i:
                if ri in ("input", "part", "opt") and gap(lj, bi) < 4:
                    probs.append(f"{j} label too close to {i} {ri}")
    if len(png_bytes) > 200 * 1024:
        probs.append("png too big")
    return probs


def layout_string(family, content, builder, c, istyles):
    f = content["fields"]
    ost = sorted(set(x.ostyle for x in f if x.kind == "choice"))
    names = {"sq": "CSS squares", "circ": "CSS circles", "ncb": "native checkboxes", "nrd": "native radios",
             "g_box": "☐ glyphs", "g_sq": "□ glyphs", "g_circ": "○ glyphs"}
    ds = []
    for i, x in enumerate(f):
        if x.kind == "date":
            m = builder.meta[i]
            s = m["style"]
            if m["mode"] == "one" and m.get("format"):
                s += ":" + m["format"]
            elif m["mode"] == "parts":
                s += ":" + "".join(p[0].upper() for p in m["parts"])
            ds.append(s)
    ist = sorted(set(istyles.values()))
    fam = family
    font = c.font.split(",")[0].strip("'")
    if "," in c.font and c.font.count("'") >= 4:
        font = c.font.rsplit(",", 1)[0].replace("'", "")
    return (f"{fam}: {FAMILY_DESC[fam]}; inputs {'/'.join(ist)}; options: {', '.join(names[o] for o in ost)}; "
            f"dates: {' | '.join(ds)}; {font} {c.fs}px")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1313)
    ap.add_argument("--count", type=int, default=44)
    ap.add_argument("--prefix", default="m")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    t0 = time.time()
    seed = args.seed
    R = random.Random(seed)
    n_en = (args.count + 1) // 2
    n_zh = args.count // 2

    def dealt(items, n, rr):
        out = []
        while len(out) < n:
            d = list(items)
            rr.shuffle(d)
            out.extend(d)
        return out[:n]

    fam_en = dealt(FAMILIES, n_en, R)
    fam_zh = dealt(FAMILIES, n_zh, R)
    th_en = dealt(EN_THEMES, n_en, R)
    th_zh = dealt(ZH_THEMES, n_zh, R)
    font_en = dealt(EN_FONTS, n_en, R)
    font_zh = dealt(ZH_FONTS, n_zh, R)
    decks = {"opt_en": Deck(OPT_STYLES, R), "opt_zh": Deck(OPT_STYLES, R), "en_one": Deck(["ph", "ph_lower", "label", "under", "right", "none", "native", "cellph"], R),
             "en_parts": Deck(EN_DATE_PARTS, R), "zh_one": Deck(["ph", "label", "under", "right", "none", "native", "cellph"], R),
             "zh_parts": Deck(ZH_DATE_PARTS, R), "hard": 2}
    stats = collections.Counter()
    sizes = []
    assign = collections.defaultdict(list)
    retries = 0
    with Browser() as br:
        for idx in range(1, args.count + 1):
            lang = "en" if idx % 2 else "zh"
            k = (idx - 1) // 2
            family = fam_en[k] if lang == "en" else fam_zh[k]
            theme = th_en[k] if lang == "en" else th_zh[k]
            font = font_en[k] if lang == "en" else font_zh[k]
            fid = f"{args.prefix}_{idx:02d}"
            assign[family].append(fid)
            content = build_content(idx, lang, theme, family, seed, decks)
            pr = random.Random(f"{seed}/plan/{idx}")
            plan = section_plan(family, pr)
            istyles = {}
            base_ist = istyle_for(family, pr)
            for s in ("applicant", "contact", "theme", "decl", "office"):
                ist = base_ist
                if plan[s][0] == "inline":
                    ist = base_ist if base_ist in ("ul", "dot") else pr.choice(["ul", "dot"])
                if family == "mixed" and plan[s][0] == "above":
                    ist = pr.choice(["box", "ul", "nat"])
                istyles[s] = ist
            assign_styles(content, family, lang, decks, plan, istyles)
            ok = False
            for attempt in range(MAX_TRIES):
                r = random.Random(f"{seed}/cos/{idx}/{attempt}")
                c = draw_cosmetics(family, lang, r, font)
                if attempt >= 3:
                    c.fs = max(12, c.fs - (attempt - 2))
                    c.lh = int(round(c.fs * 1.45))
                    c.ih = int(round(c.fs * 1.95)) + (4 if family == "stack1" else 0)
                    if family == "compact":
                        c.ih = c.fs + 12
                c.d2 = int(c.fs * 2.6) + 6
                c.d4 = int(c.fs * 4.0) + 8
                c.cc = max(14, int(c.fs * 1.3))
                c.clbl = max(11, c.fs - 2)
                c.secbg = c.accent if r.random() < 0.5 else "#d9dde3"
                c.seccol = "#fff" if c.secbg == c.accent else "#1b1b1b"
                # cell families: the field label is small, at the cell's top-left
                b = Builder(lang, content, family, c, r, plan, istyles)
                page = b.build(theme)
                try:
                    png, ext, size = br.render(page, c.W, JS_EXTRACT, min_height=200, js_prepare=JS_PREPARE)
                except CDPError as e:
                    if DEBUG:
                        print(f"{fid} attempt {attempt}: {e}", file=sys.stderr)
                    retries += 1
                    continue
                fj = assemble(idx, fid, lang, content, b, ext, size, theme, family, c)
                probs = check(fid, fj, content, b, ext, size, png, c)
                if probs:
                    retries += 1
                    if DEBUG:
                        print(f"{fid} attempt {attempt} ({family}): {len(probs)} problems: {probs[:6]}", file=sys.stderr)
                        dd = f"/tmp/heldout_m_debug"
                        os.makedirs(dd, exist_ok=True)
                        with open(f"{dd}/{fid}_{attempt}.html", "w", encoding="utf-8") as fh:
                            fh.write(ext["html"])
                        with open(f"{dd}/{fid}_{attempt}.png", "wb") as fh:
                            fh.write(png)
                    continue
                ok = True
                break
            if not ok:
                sys.exit(f"{fid}: no draw passed the checks in {MAX_TRIES} attempts (HELDOUT_M_DEBUG=1 shows why)")
            W, H = save_png(png, os.path.join(args.out, fid + ".png"))
            assert (W, H) == tuple(size)
            with open(os.path.join(args.out, fid + ".html"), "w", encoding="utf-8") as fh:
                fh.write(ext["html"])
            doc = {"id": fid, "lang": lang, "width": W, "height": H, "image": fid + ".png",
                   "layout": layout_string(family, content, b, c, istyles), "profile": content["profile"], "fields": fj}
            if content["hard"]:
                doc["hard_case"] = ("the form asks for first and last name separately but the profile only has a "
                                    "full name; split it (given name first)")
            with open(os.path.join(args.out, fid + ".json"), "w", encoding="utf-8") as fh:
                json.dump(doc, fh, ensure_ascii=False, indent=1)
                fh.write("\n")
            psize = os.path.getsize(os.path.join(args.out, fid + ".png"))
            sizes.append(psize)
            # stats
            for i, f in enumerate(fj):
                stats[("kind", f["kind"], lang)] += 1
                if f["key"]:
                    stats[("keyed", lang)] += 1
                    if f["value"] is None:
                        stats[("unfillable", lang)] += 1
                    else:
                        stats[("due", f["kind"])] += 1
                sp = content["fields"][i]
                if f["kind"] == "date":
                    m = b.meta[i]
                    stats[("dstyle", m["style"], lang)] += 1
                    stats[("dmode", m["mode"])] += 1
                    if m["mode"] == "one":
                        stats[("dfmt", m.get("format"))] += 1
                    else:
                        stats[("dorder", lang, "-".join(p[0].upper() for p in m["parts"]))] += 1
                    stats[("dkey", f["key"] or "null")] += 1
                elif f["kind"] == "checkbox":
                    stats[("ostyle", sp.ostyle, lang)] += 1
                    stats[("oarr", b.meta[i].get("arr"))] += 1
                    stats[("okey", f["key"] or "null")] += 1
                    if f["key"] and f["value"] is not None:
                        stats[("odue", f["key"])] += 1
                else:
                    if b.meta.get(i, {}).get("in_cell") or b.plan[sp.sec][0] == "table":
                        st = "cell"
                    else:
                        st = b.istyles[sp.sec]
                    stats[("istyle", st, lang)] += 1
            stats[("fields_per_form", len(fj))] += 1
            print(f"{fid} {lang} {family:8s} {theme['id']:11s} {W}x{H} {len(fj)} fields {psize // 1024} KB"
                  f"{' hard_case' if content['hard'] else ''}")
    el = time.time() - t0
    # summary
    tot = {l: sum(v for k, v in stats.items() if k[0] == "kind" and k[2] == l) for l in ("en", "zh")}
    print()
    print(f"{args.count} forms in {el:.1f} s ({retries} rejected draws); families: " +
          "; ".join(f"{fam} {' '.join(ids)}" for fam, ids in assign.items()))
    allf = tot["en"] + tot["zh"]
    kinds = {k: (stats[("kind", k, "en")], stats[("kind", k, "zh")]) for k in ("text", "date", "checkbox")}
    print(f"{allf} fields: " + ", ".join(f"{sum(v)} {k} ({v[0]} en / {v[1]} zh)" for k, v in kinds.items()))
    keyed = stats[("keyed", "en")] + stats[("keyed", "zh")]
    unf = stats[("unfillable", "en")] + stats[("unfillable", "zh")]
    print(f"{keyed} keyed, {unf} unfillable; values due: {stats[('due', 'text')]} text, {stats[('due', 'date')]} dates, "
          f"{stats[('due', 'checkbox')]} choices")
    print("date styles (en / zh): " + ", ".join(
        f"{s} {stats[('dstyle', s, 'en')]} / {stats[('dstyle', s, 'zh')]}" for s in
        ["ph", "ph_lower", "native", "label", "under", "right", "none", "cellph", "phbox", "capbelow", "capabove",
         "ulseg", "words", "comb", "zhph", "zhbox", "zhul", "zhcap", "zhcomb", "zhblank"]))
    print("date modes: " + ", ".join(f"{k[1]} {v}" for k, v in sorted(stats.items(), key=str) if k[0] == "dmode") +
          "; formats: " + ", ".join(f"{k[1]} {v}" for k, v in sorted(stats.items(), key=lambda kv: -kv[1]) if k[0] == "dfmt") +
          "; part orders: " + ", ".join(f"{k[1]} {k[2]} {v}" for k, v in sorted(stats.items(), key=str) if k[0] == "dorder") +
          "; keys: " + ", ".join(f"{k[1]} {v}" for k, v in sorted(stats.items(), key=str) if k[0] == "dkey"))
    print("option styles (en / zh): " + ", ".join(
        f"{s} {stats[('ostyle', s, 'en')]} / {stats[('ostyle', s, 'zh')]}" for s in OPT_STYLES) +
        "; arrangements: " + ", ".join(f"{k[1]} {v}" for k, v in sorted(stats.items(), key=str) if k[0] == "oarr") +
        "; keys: " + ", ".join(f"{k[1]} {v}" for k, v in sorted(stats.items(), key=str) if k[0] == "okey") +
        "; due: " + ", ".join(f"{k[1]} {v}" for k, v in sorted(stats.items(), key=str) if k[0] == "odue"))
    print("text inputs (en / zh): " + ", ".join(
        f"{s} {stats[('istyle', s, 'en')]} / {stats[('istyle', s, 'zh')]}" for s in
        ["box", "hbox", "shade", "nat", "ul", "dot", "cell"]))
    fpf = sorted(k[1] for k, v in stats.items() if k[0] == "fields_per_form" for _ in range(v))
    print(f"fields per form {fpf[0]}-{fpf[-1]}; PNGs at most {max(sizes) // 1024} KB")


if __name__ == "__main__":
    main()
