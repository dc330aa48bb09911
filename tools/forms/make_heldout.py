#!/usr/bin/env python3
"""Held-out blank-form corpus (EN + ZH) for evaluating the form filler.

Written independently of the filler and of the tuning corpora: its own templates,
people, label wordings and CSS.  Every form is HTML rendered by headless Chromium
(tools/cdp_render.py, device scale factor 1, page height = document height); every
box in the ground truth is read from the DOM after layout with
getBoundingClientRect (x1/y1 floored, x2/y2 ceiled).  Output per form:
<id>.html, <id>.png, <id>.json (format: forms v2), plus README.md with statistics.

    python3 tools/forms/make_heldout.py [--out tests/fixtures/forms_heldout] [--seed 7] [--count 44]

Deterministic for a given seed/count.  Exits non-zero when a layout breaks the
rules (text over a box, two boxes overlapping, anything outside the page, a box
escaping its cell) or a JSON fails validation.
"""

import argparse
import datetime as dt
import html as _html
import json
import os
import random
import re
import sys
from collections import Counter

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from cdp_render import Browser, CDPError, save_png  # noqa: E402

CANONICAL = {
    "name", "first_name", "last_name", "id_number", "passport_number", "phone", "email",
    "address", "city", "postcode", "date_of_birth", "gender", "nationality", "occupation",
    "employer", "emergency_contact", "date", "signature",
}


def esc(s):
    return _html.escape(s, quote=True)


class FormError(RuntimeError):
    pass


# ----------------------------------------------------------------------------------
# people
# ----------------------------------------------------------------------------------
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]

EN_FIRST_M = ["James", "Daniel", "Oliver", "Michael", "Samuel", "Arjun", "Mateo", "Kwame", "Lucas",
              "Thomas", "Ethan", "Omar", "Liam", "Noah", "Rafael", "Connor", "Tomasz", "Kenji"]
EN_FIRST_F = ["Emily", "Sophie", "Olivia", "Priya", "Amara", "Chloe", "Hannah", "Grace", "Isabella",
              "Fatima", "Mia", "Zoe", "Charlotte", "Ana", "Aisha", "Niamh", "Leila", "Ingrid"]
EN_LAST = ["Carter", "Thompson", "Nguyen", "Patel", "Okafor", "Fernandez", "Kowalski", "Murphy",
           "Bennett", "Harris", "Walsh", "Robinson", "Singh", "Mensah", "Hughes", "Fraser",
           "Lindqvist", "Sato", "Morales", "Abernathy", "Delaney", "Osei", "Brennan", "Castillo"]
EN_REL = ["wife", "husband", "mother", "father", "sister", "brother", "partner", "friend", "son", "daughter"]
EN_OCC = ["Software developer", "Registered nurse", "Primary school teacher", "Accountant",
          "Electrician", "Graphic designer", "Civil engineer", "Pharmacist", "Sales manager",
          "Chef", "Paramedic", "Data analyst", "Architect", "Dental hygienist", "Student"]
EN_EMP = ["Harbourview Logistics Ltd", "Northwind Analytics", "St Mary's Hospital", "Greenfield Primary School",
          "Bluewater Engineering", "Crescent Pharmacy", "Atlas Construction Group", "Pinecrest Bank",
          "Meridian Software Inc.", "City Council", "Lakeside Veterinary Clinic", "Orion Retail Ltd"]
EN_NAT_OTHER = ["Indian", "Nigerian", "Filipino", "Brazilian", "Polish", "German", "Kenyan",
                "Spanish", "Japanese", "Mexican", "South African", "Italian"]


def _ukni(r):
    L = "ABCEGHJKLMNPRSTWXYZ"
    return f"{r.choice(L)}{r.choice(L)} {r.randint(10, 99)} {r.randint(10, 99)} {r.randint(10, 99)} {r.choice('ABCD')}"


EN_LOCALES = {
    "UK": dict(
        cities=[("Manchester", "M14 5TP", "Wilmslow Road"), ("Leeds", "LS6 2QT", "Kirkstall Lane"),
                ("Bristol", "BS7 8AX", "Gloucester Road"), ("Glasgow", "G12 8QQ", "Byres Road"),
                ("Cardiff", "CF24 4HQ", "Albany Road"), ("London", "N16 7RB", "Church Street"),
                ("Norwich", "NR2 3DD", "Unthank Road")],
        phone=lambda r: f"07700 900{r.randint(100, 999)}", nat="British", dfmt="DD/MM/YYYY",
        idn=_ukni, passport=lambda r: str(r.randint(100000000, 999999999)), flat="Flat"),
    "US": dict(
        cities=[("Portland", "97214", "SE Hawthorne Blvd"), ("Austin", "78704", "South Congress Ave"),
                ("Columbus", "43215", "N High St"), ("Madison", "53703", "Williamson St"),
                ("Sacramento", "95816", "J St"), ("Denver", "80218", "E 13th Ave")],
        phone=lambda r: f"({r.choice(['503', '512', '614', '608', '916', '303'])}) 555-01{r.randint(10, 99)}",
        nat="American", dfmt="MM/DD/YYYY",
        idn=lambda r: f"{r.randint(100, 665)}-{r.randint(10, 99)}-{r.randint(1000, 9999)}",
        passport=lambda r: str(r.randint(500000000, 599999999)), flat="Apt"),
    "AU": dict(
        cities=[("Melbourne", "3056", "Sydney Road"), ("Brisbane", "4101", "Boundary Street"),
                ("Perth", "6008", "Rokeby Road"), ("Adelaide", "5000", "Hutt Street")],
        phone=lambda r: f"04{r.randint(10, 99)} {r.randint(100, 999)} {r.randint(100, 999)}",
        nat="Australian", dfmt="DD/MM/YYYY",
        idn=lambda r: f"{r.randint(100, 999)} {r.randint(100, 999)} {r.randint(100, 999)}",
        passport=lambda r: f"PA{r.randint(1000000, 9999999)}", flat="Unit"),
    "CA": dict(
        cities=[("Toronto", "M6J 1E6", "Ossington Ave"), ("Vancouver", "V6K 1N3", "W 4th Ave"),
                ("Ottawa", "K1S 5B6", "Bank St"), ("Halifax", "B3H 1Y6", "Spring Garden Rd")],
        phone=lambda r: f"({r.choice(['416', '604', '613', '902'])}) 555-01{r.randint(10, 99)}",
        nat="Canadian", dfmt="YYYY-MM-DD",
        idn=lambda r: f"{r.randint(100, 999)} {r.randint(100, 999)} {r.randint(100, 999)}",
        passport=lambda r: f"{r.choice(['AB', 'GK', 'HP'])}{r.randint(100000, 999999)}", flat="Apt"),
    "IE": dict(
        cities=[("Dublin", "D08 VF8H", "Thomas Street"), ("Cork", "T12 X70A", "Douglas Road"),
                ("Galway", "H91 E2K4", "Newcastle Road")],
        phone=lambda r: f"08{r.choice('3567')} {r.randint(100, 999)} {r.randint(1000, 9999)}",
        nat="Irish", dfmt="DD/MM/YYYY",
        idn=lambda r: f"{r.randint(1000000, 9999999)}{r.choice('ABCDEFGHW')}{r.choice(['', 'A'])}",
        passport=lambda r: f"P{r.choice('ABCDX')}{r.randint(1000000, 9999999)}", flat="Apt"),
}

ZH_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
ZH_GIVEN_M = ["伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "建国", "志强", "浩然", "子轩", "宇航",
              "俊杰", "文博", "晓东", "海峰", "立新", "振华", "一鸣", "家豪", "思远"]
ZH_GIVEN_F = ["芳", "娜", "敏", "静", "丽", "艳", "婷", "雪", "慧", "玲", "秀英", "丽娟", "雨涵", "欣怡", "梓萱",
              "晓燕", "佳琪", "思雨", "雅婷", "海燕", "春梅", "诗涵", "一诺", "美玲"]
ZH_CITIES = [
    ("北京", "北京市", "110105", "100022", ["朝阳区建国路", "海淀区中关村大街", "东城区和平里东街"]),
    ("上海", "上海市", "310104", "200030", ["徐汇区漕溪北路", "浦东新区张杨路", "静安区延安中路"]),
    ("广州", "广东省广州市", "440106", "510630", ["天河区天河北路", "越秀区中山五路", "海珠区江南大道中"]),
    ("深圳", "广东省深圳市", "440305", "518057", ["南山区科技园南路", "福田区深南中路", "宝安区新安六路"]),
    ("成都", "四川省成都市", "510107", "610041", ["武侯区人民南路四段", "锦江区春熙路", "青羊区光华大道"]),
    ("杭州", "浙江省杭州市", "330106", "310012", ["西湖区文三路", "拱墅区湖墅南路", "滨江区江南大道"]),
    ("南京", "江苏省南京市", "320102", "210018", ["玄武区珠江路", "鼓楼区中山北路", "秦淮区太平南路"]),
    ("武汉", "湖北省武汉市", "420106", "430071", ["武昌区中南路", "洪山区珞喻路", "江汉区解放大道"]),
    ("西安", "陕西省西安市", "610113", "710065", ["雁塔区科技路", "碑林区南大街", "未央区凤城八路"]),
    ("重庆", "重庆市", "500103", "400010", ["渝中区解放碑民族路", "江北区观音桥步行街", "南岸区南坪正街"]),
]
ZH_OCC = ["软件工程师", "教师", "会计", "销售经理", "护士", "医生", "公务员", "设计师", "律师", "工人",
          "个体经营", "行政专员", "财务主管", "研究员", "学生", "厨师"]
ZH_EMP = ["北京华信科技有限公司", "上海浦华医疗器械有限公司", "广州市第一人民医院", "深圳市南山区实验学校",
          "成都天府软件园有限公司", "杭州西子电气股份有限公司", "南京金陵饭店", "武汉光谷生物技术有限公司",
          "中国工商银行西安分行", "重庆长江物流集团", "中铁建设集团有限公司", "国家电网四川省电力公司"]
ZH_REL = ["父亲", "母亲", "配偶", "丈夫", "妻子", "哥哥", "姐姐", "弟弟", "妹妹", "朋友"]


def cn_id(area, dob, male, r):
    seq = r.randint(0, 99)
    g = r.choice([1, 3, 5, 7, 9] if male else [0, 2, 4, 6, 8])
    s17 = f"{area}{dob:%Y%m%d}{seq:02d}{g}"
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return s17 + "10X98765432"[sum(int(c) * k for c, k in zip(s17, w)) % 11]


def cn_id_ok(s):
    if len(s) != 18 or not s[:17].isdigit():
        return False
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(c) * k for c, k in zip(s[:17], w)) % 11] == s[17]


def rand_date(r, y0, y1):
    d0 = dt.date(y0, 1, 1).toordinal()
    d1 = dt.date(y1, 12, 31).toordinal()
    return dt.date.fromordinal(r.randint(d0, d1))


def en_person(r, loc_name):
    loc = EN_LOCALES[loc_name]
    male = r.random() < 0.5
    first = r.choice(EN_FIRST_M if male else EN_FIRST_F)
    last = r.choice(EN_LAST)
    city, pc, street = r.choice(loc["cities"])
    num = r.randint(2, 480)
    addr = f"{num} {street}"
    if r.random() < 0.3:
        addr = f"{loc['flat']} {r.randint(1, 24)}, {addr}"
    ec_first = r.choice(EN_FIRST_M + EN_FIRST_F)
    ec = f"{ec_first} {r.choice([last, r.choice(EN_LAST)])}"
    ec = r.choice([f"{ec} ({r.choice(EN_REL)}) {loc['phone'](r)}", f"{ec}, {loc['phone'](r)}", f"{ec} - {loc['phone'](r)}"])
    handle = f"{first.lower()}.{last.lower()}" if r.random() < 0.6 else f"{first[0].lower()}{last.lower()}{r.randint(1, 99)}"
    nat = loc["nat"] if r.random() < 0.75 else r.choice(EN_NAT_OTHER)
    return dict(
        lang="en", male=male, first_name=first, last_name=last, name=f"{first} {last}",
        date_of_birth=rand_date(r, 1952, 2005), phone=loc["phone"](r),
        email=f"{handle}@{r.choice(['gmail.com', 'outlook.com', 'yahoo.com', 'proton.me', 'icloud.com', 'hotmail.co.uk'])}",
        address=addr, city=city, postcode=pc, nationality=nat, occupation=r.choice(EN_OCC),
        employer=r.choice(EN_EMP), emergency_contact=ec, id_number=loc["idn"](r),
        passport_number=loc["passport"](r), date=rand_date(r, 2024, 2025))


def zh_person(r):
    male = r.random() < 0.5
    name = r.choice(ZH_SURNAMES) + r.choice(ZH_GIVEN_M if male else ZH_GIVEN_F)
    city, prov, area, pc, roads = r.choice(ZH_CITIES)
    dob = rand_date(r, 1955, 2005)
    addr = f"{prov}{r.choice(roads)}{r.randint(1, 399)}号"
    if r.random() < 0.7:
        addr += f"{r.randint(1, 20)}栋{r.randint(1, 30)}{r.randint(1, 4):02d}室"
    ph = "1" + r.choice(["38", "39", "58", "86", "35", "77", "59", "88"]) + f"{r.randint(0, 99999999):08d}"
    ph_disp = r.choice([ph, f"{ph[:3]} {ph[3:7]} {ph[7:]}", f"{ph[:3]}-{ph[3:7]}-{ph[7:]}"])
    ec_name = r.choice(ZH_SURNAMES) + r.choice(ZH_GIVEN_M + ZH_GIVEN_F)
    ec_ph = "13" + f"{r.randint(0, 999999999):09d}"
    ec = r.choice([f"{ec_name} {ec_ph}", f"{ec_name}（{r.choice(ZH_REL)}）{ec_ph}", f"{ec_name}，{ec_ph}"])
    handle = r.choice(["xm", "lily", "chen", "zhang", "wei", "jun", "sky", "yy", "hao", "lin"]) + str(r.randint(10, 9999))
    return dict(
        lang="zh", male=male, name=name, date_of_birth=dob, phone=ph_disp,
        email=f"{handle}@{r.choice(['163.com', 'qq.com', '126.com', 'sina.com', 'foxmail.com'])}",
        address=addr, city=city, postcode=pc, nationality=r.choice(["中国", "中国", "中华人民共和国"]),
        occupation=r.choice(ZH_OCC), employer=r.choice(ZH_EMP), emergency_contact=ec,
        id_number=cn_id(area, dob, male, r), passport_number=f"E{r.randint(10000000, 99999999)}",
        date=rand_date(r, 2024, 2025))


def profile_date(d, r, lang):
    opts = ["iso", "long_dmy", "long_mdy", "dot", "slash"] if lang == "en" else ["iso", "zh", "zh", "dot", "slash", "long_mdy"]
    style = r.choice(opts)
    if style == "slash" and not (d.day > 12 or d.day == d.month):
        style = "iso"
    if style == "iso":
        return d.isoformat()
    if style == "long_dmy":
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    if style == "long_mdy":
        return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
    if style == "dot":
        return f"{d.year}.{d.month:02d}.{d.day:02d}"
    if style == "slash":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    return f"{d.year}年{d.month}月{d.day}日"


KEYV = {
    "name": (["name", "full_name", "fullName", "Full Name", "applicant_name"], ["姓名", "name", "full_name", "名字"]),
    "first_name": (["first_name", "firstName", "given_name", "First name", "forename"], ["first_name"]),
    "last_name": (["last_name", "lastName", "surname", "family_name", "Last Name"], ["last_name"]),
    "id_number": (["id_number", "idNumber", "national_id", "ID No.", "id"], ["身份证号", "身份证号码", "id_number", "idNumber", "证件号码"]),
    "passport_number": (["passport_number", "passportNo", "passport", "Passport Number"], ["护照号码", "passport_number", "护照号"]),
    "phone": (["phone", "mobile", "phoneNumber", "tel", "Phone number", "cell"], ["手机", "电话", "联系电话", "phone", "mobile", "手机号"]),
    "email": (["email", "e-mail", "emailAddress", "Email"], ["邮箱", "电子邮箱", "email", "E-mail"]),
    "address": (["address", "home_address", "street_address", "Address", "addr"], ["地址", "住址", "address", "家庭住址", "联系地址"]),
    "city": (["city", "town", "City", "cityName"], ["城市", "city", "所在城市"]),
    "postcode": (["postcode", "zip", "postal_code", "zipCode", "Post code"], ["邮编", "邮政编码", "postcode", "zip"]),
    "date_of_birth": (["date_of_birth", "dob", "birthDate", "birthday", "Date of Birth", "born"], ["出生日期", "生日", "date_of_birth", "dob", "birthday"]),
    "gender": (["gender", "sex", "Gender"], ["性别", "gender", "sex"]),
    "nationality": (["nationality", "citizenship", "Nationality", "country_of_citizenship"], ["国籍", "nationality"]),
    "occupation": (["occupation", "job", "jobTitle", "profession", "Occupation"], ["职业", "occupation", "job", "工作"]),
    "employer": (["employer", "company", "workplace", "employerName", "Employer"], ["工作单位", "单位", "employer", "company", "公司"]),
    "emergency_contact": (["emergency_contact", "emergencyContact", "emergency contact", "ice_contact", "next_of_kin"],
                          ["紧急联系人", "emergency_contact", "紧急联系方式"]),
    "date": (["date", "today", "signing_date", "Date", "todays_date"], ["日期", "填表日期", "date", "today", "今天"]),
    "signature": (["signature", "Signature", "sign"], ["签名", "signature", "本人签名"]),
}
EXTRAS_EN = [("blood_type", ["O+", "A-", "B+", "AB+"]), ("preferred_language", ["English", "Spanish", "Polish"]),
             ("loyalty_id", ["LX-{n}", "MB{n}"]), ("vehicle_plate", ["KX19 ABD", "7ABC123"]),
             ("middle_name", ["Rose", "James", "Marie", "Alexander"]), ("twitter", ["@user{n}"]),
             ("height_cm", ["172", "165", "181"]), ("favourite_colour", ["green", "blue"]),
             ("student_id", ["S{n}"]), ("pronouns", ["she/her", "he/him", "they/them"])]
EXTRAS_ZH = [("血型", ["O型", "A型", "B型", "AB型"]), ("微信号", ["wx_{n}", "user{n}"]), ("QQ", ["{n}"]),
             ("学历", ["本科", "硕士", "大专"]), ("政治面貌", ["群众", "团员"]), ("身高", ["172cm", "160cm"]),
             ("车牌号", ["京A·{n}", "沪B·{n}"]), ("英文名", ["Lily", "Jack", "Kevin"]), ("籍贯", ["湖南长沙", "山东济南", "河南郑州"])]


# ----------------------------------------------------------------------------------
# templates
# ----------------------------------------------------------------------------------
def T(key, labels, size="m", opt=False):
    return dict(kind="text", key=key, labels=labels.split("|"), size=size, opt=opt)


def N(labels, size="m", opt=True):
    return T(None, labels, size, opt)


def D(key, labels, opt=False):
    return dict(kind="date", key=key, labels=labels.split("|"), size="d", opt=opt)


def C(key, labels, options, opt=False):
    return dict(kind="checkbox", key=key, labels=labels.split("|"), options=options, opt=opt, size="c")


def NAME(opt=False, full="Full name|Name|Applicant's name|Name in full", first="First name|Given name(s)|Forename(s)",
         last="Last name|Surname|Family name"):
    return dict(kind="name", full=full.split("|"), first=first.split("|"), last=last.split("|"), opt=opt)


GENDER_EN = C("gender", "Gender|Sex", [["Male", "Female"], ["Male", "Female", "Other"], ["M", "F"]])
GENDER_ZH = C("gender", "性别", [["男", "女"]])
YN = [["Yes", "No"]]
SF = [["是", "否"]]
MARITAL_EN = C(None, "Marital status", [["Single", "Married", "Divorced", "Widowed"], ["Single", "Married", "Separated", "Civil partnership"]], opt=True)
MARITAL_ZH = C(None, "婚姻状况", [["未婚", "已婚", "离异", "丧偶"], ["未婚", "已婚", "其他"]], opt=True)

EN_TEMPLATES = [
    dict(kind="clinic", titles=["Patient Registration Form", "New Patient Intake Form", "Patient Information Sheet"],
         orgs=["Riverside Family Medical Centre", "Northgate Health Clinic", "Maple Street Surgery", "Harbour View Medical Practice"],
         sections=[
             (["Patient Details", "About You", "Personal Information"],
              [NAME(), D("date_of_birth", "Date of birth|Birth date|DOB"), GENDER_EN,
               T("address", "Home address|Address|Street address", "l"), T("city", "Town / City|City|Suburb", "s", True),
               T("postcode", "Postcode|ZIP code|Postal code", "s", True), T("phone", "Phone|Mobile number|Contact number", "s"),
               T("email", "Email|E-mail address", "m", True), T("occupation", "Occupation", "m", True)]),
             (["Emergency Contact", "Next of Kin"],
              [T("emergency_contact", "Emergency contact|Next of kin (name and phone)|Person to contact in an emergency", "l"),
               N("Relationship to patient", "s"), N("Emergency contact phone", "s")]),
             (["Visit Information", "Medical History"],
              [C(None, "Reason for visit|Visit type", [["New patient", "Follow-up", "Urgent"], ["Check-up", "Illness", "Injury", "Other"]], True),
               C(None, "Do you have any allergies?|Any known allergies?", YN, True),
               N("Current medications", "l"), N("Medicare / insurance number", "m")]),
         ],
         office=[N("Patient ID", "s"), D(None, "Date entered"), N("Entered by", "s")]),
    dict(kind="bank", titles=["Personal Account Application", "Account Opening Form", "Application to Open a Savings Account"],
         orgs=["Pinecrest Bank", "Northern Cooperative Bank", "Harbour Savings & Loan", "First Meridian Credit Union"],
         sections=[
             (["Applicant Details", "Section A - Personal Details", "Your Details"],
              [C(None, "Title", [["Mr", "Mrs", "Ms", "Dr"], ["Mr", "Ms", "Mx", "Dr"]], True), NAME(),
               D("date_of_birth", "Date of birth|Birth date"), T("nationality", "Nationality|Citizenship", "s"),
               T("id_number", "National ID number|Identity number|Tax identification number", "m"),
               T("passport_number", "Passport number", "m", True), MARITAL_EN]),
             (["Contact Details", "Section B - Address and Contact"],
              [T("address", "Residential address|Address|Home address", "l"), T("city", "City|Town", "s", True),
               T("postcode", "Postcode|ZIP|Postal code", "s", True), T("phone", "Mobile|Telephone|Phone number", "s"),
               T("email", "Email address|E-mail", "m", True)]),
             (["Employment and Account", "Section C - Account"],
              [T("occupation", "Occupation|Job title", "m", True), T("employer", "Employer|Name of employer", "m", True),
               C(None, "Account type", [["Current", "Savings", "Joint"], ["Everyday", "Savings", "Fixed term"]])]),
         ],
         office=[N("Branch code", "s"), N("Account number", "m"), N("Verified by", "s")]),
    dict(kind="visa", titles=["Application for a Visitor Visa", "Visa Application Form", "Entry Visa Application"],
         orgs=["Department of Immigration and Border Services", "Consulate General - Visa Section", "Ministry of Foreign Affairs"],
         sections=[
             (["Part 1: Personal Particulars", "Applicant Information", "Personal Details"],
              [NAME(full="Full name (as in passport)|Name as shown in passport", first="Given names|First name(s)",
                    last="Surname (as in passport)|Family name|Surname"), GENDER_EN,
               D("date_of_birth", "Date of birth"), T("nationality", "Nationality|Current nationality|Citizenship", "s"),
               N("Place of birth", "m"), MARITAL_EN]),
             (["Part 2: Travel Document", "Passport Details"],
              [T("passport_number", "Passport number|Passport No.|Travel document number", "m"),
               D(None, "Passport expiry date|Date of expiry"), N("Issuing authority", "m")]),
             (["Part 3: Contact and Employment", "Contact Information"],
              [T("address", "Home address|Permanent address", "l"), T("phone", "Telephone|Phone", "s"),
               T("email", "Email", "m", True), T("occupation", "Occupation|Profession", "m", True),
               T("employer", "Employer|Employer name and address", "l", True)]),
             (["Part 4: Travel Plans", "About Your Visit"],
              [D(None, "Intended date of arrival|Arrival date"),
               C(None, "Purpose of visit", [["Tourism", "Business", "Study", "Family visit"], ["Holiday", "Business", "Transit", "Other"]]),
               C(None, "Have you ever been refused a visa?|Have you previously been refused entry?", YN, True)]),
         ],
         office=[N("File number", "s"), N("Decision", "s"), D(None, "Date of decision")]),
    dict(kind="school", titles=["Course Enrolment Form", "Student Enrolment Form", "Adult Learning Enrolment"],
         orgs=["Westbrook Community College", "Lakeside Institute of Further Education", "City Adult Learning Centre"],
         sections=[
             (["Student Details", "About the Learner", "1. Your Details"],
              [NAME(), D("date_of_birth", "Date of birth"), GENDER_EN, T("nationality", "Nationality", "s", True),
               T("address", "Home address|Address", "l"), T("city", "Town / City|City", "s", True),
               T("postcode", "Postcode|ZIP code", "s"), T("phone", "Mobile|Phone", "s"), T("email", "Email", "m")]),
             (["Course Details", "2. Your Course"],
              [N("Course title", "l", False), N("Course code", "s"), D(None, "Start date|Course start date", True),
               C(None, "Mode of study|Study mode", [["Full-time", "Part-time"], ["Full-time", "Part-time", "Online"]]),
               C(None, "Do you consider yourself to have a disability?|Do you need learning support?", YN, True)]),
             (["Emergency Contact"], [T("emergency_contact", "Emergency contact|Emergency contact name and number", "l", True)]),
         ],
         office=[N("Student ID", "s"), N("Fee paid", "s")]),
    dict(kind="rental", titles=["Rental Application", "Tenancy Application Form", "Application to Rent"],
         orgs=["Oakridge Property Management", "Cityside Lettings", "Brightwater Realty", "Homefinders Letting Agents"],
         sections=[
             (["Property", "Property Applied For"],
              [N("Property address", "l", False), D(None, "Desired move-in date|Preferred start date"), N("Monthly rent", "s")]),
             (["Applicant", "Applicant Information", "Personal Details"],
              [NAME(), D("date_of_birth", "Date of birth", True), T("phone", "Phone|Mobile", "s"),
               T("email", "Email", "m"), T("address", "Current address|Present address", "l"),
               T("city", "City|Town", "s", True), T("postcode", "Postcode|ZIP", "s", True),
               T("id_number", "Driver's licence or ID no.|Photo ID number", "m", True)]),
             (["Employment", "Employment and Income"],
              [T("employer", "Current employer|Employer", "m"), T("occupation", "Position / occupation|Occupation", "m", True),
               N("Gross monthly income", "s"), C(None, "Do you have pets?", YN, True),
               C(None, "Do you smoke?|Smoker?", YN, True)]),
             (["Emergency Contact"], [T("emergency_contact", "Emergency contact|Emergency contact (name, phone)", "l", True)]),
         ],
         office=[N("Application no.", "s"), N("Approved by", "s")]),
    dict(kind="job", titles=["Employment Application", "Application for Employment", "Job Application Form"],
         orgs=["Atlas Construction Group", "Meridian Software Inc.", "Greenleaf Supermarkets", "Sunrise Care Homes"],
         sections=[
             (["Position", "Position Details"],
              [N("Position applied for|Job title applied for", "m", False), N("Vacancy reference", "s"),
               D(None, "Available start date|Date available to start"),
               C(None, "Employment type sought", [["Full-time", "Part-time", "Contract"], ["Permanent", "Temporary", "Casual"]], True)]),
             (["Personal Information", "Applicant Details", "About You"],
              [NAME(), T("address", "Address|Home address", "l"), T("city", "City", "s", True),
               T("postcode", "Postcode|ZIP code", "s", True), T("phone", "Phone|Mobile", "s"), T("email", "Email address|Email", "m"),
               C(None, "Are you legally entitled to work in this country?|Do you have the right to work here?", YN)]),
             (["Current Employment", "Employment History"],
              [T("employer", "Current employer|Most recent employer", "m"), T("occupation", "Current job title|Job title", "m", True),
               N("Expected salary", "s"), N("Notice period", "s")]),
         ],
         office=[N("Interview date", "s"), N("Candidate no.", "s")]),
    dict(kind="hotel", titles=["Guest Registration Card", "Hotel Registration Form", "Guest Registration"],
         orgs=["The Grand Harbour Hotel", "Alpine Lodge & Spa", "Riverside Inn", "Hotel Belvedere"],
         sections=[
             (["Guest Information", "Guest Details"],
              [NAME(first="First name|Given name", last="Last name|Surname"), T("nationality", "Nationality", "s"),
               T("passport_number", "Passport number|Passport / travel document no.", "m"),
               D("date_of_birth", "Date of birth", True), T("address", "Home address|Address", "l"),
               T("city", "City", "s", True), T("phone", "Phone|Mobile", "s"), T("email", "Email", "m", True)]),
             (["Stay Details", "Reservation"],
              [N("Room no.|Room number", "s", False), D(None, "Arrival date|Check-in date"), D(None, "Departure date|Check-out date", True),
               N("Number of guests", "s"), C(None, "Payment method", [["Cash", "Credit card", "Company account"], ["Card", "Cash", "Voucher"]]),
               N("Car registration", "s")]),
         ],
         office=[N("Receptionist", "s"), N("Deposit", "s")]),
    dict(kind="insurance", titles=["Motor Insurance Claim Form", "Travel Insurance Claim Form", "Home Insurance Claim"],
         orgs=["Sentinel Insurance plc", "Beacon Mutual Assurance", "Keystone General Insurance"],
         sections=[
             (["Policyholder Details", "Section 1 - Policyholder", "Your Details"],
              [N("Policy number", "m", False), NAME(), D("date_of_birth", "Date of birth", True),
               T("address", "Address|Postal address", "l"), T("postcode", "Postcode|ZIP", "s", True),
               T("phone", "Daytime telephone|Phone", "s"), T("email", "Email", "m", True), T("occupation", "Occupation", "m", True)]),
             (["Details of the Incident", "Section 2 - The Claim", "Incident Details"],
              [D(None, "Date of incident|Date of loss"), N("Place of incident|Where did it happen?", "l"),
               C(None, "Type of claim|Claim type", [["Theft", "Accident", "Damage", "Medical"], ["Fire", "Flood", "Theft", "Other"]]),
               C(None, "Were the police informed?|Was the incident reported to the police?", YN, True),
               N("Police reference", "s"), N("Amount claimed", "s")]),
         ],
         office=[N("Claim no.", "s"), N("Handler", "s"), D(None, "Date received")]),
    dict(kind="gym", titles=["Membership Application", "Gym Membership Form", "New Member Registration"],
         orgs=["PulseFit Gym", "Northside Leisure Centre", "Ironworks Fitness Club", "Aqua & Active Health Club"],
         sections=[
             (["Member Details", "Your Details", "Personal Details"],
              [NAME(), D("date_of_birth", "Date of birth|Birth date"), GENDER_EN, T("address", "Address", "l"),
               T("postcode", "Postcode|ZIP", "s", True), T("phone", "Mobile|Phone", "s"), T("email", "Email", "m"),
               T("emergency_contact", "Emergency contact|In case of emergency contact", "l")]),
             (["Membership", "Membership Options"],
              [C(None, "Membership type", [["Monthly", "Annual", "Off-peak"], ["Standard", "Premium", "Student"]]),
               C(None, "Payment method|How will you pay?", [["Direct debit", "Card", "Cash"], ["Monthly debit", "Annual upfront"]], True),
               D(None, "Start date|Membership start date", True),
               C(None, "Do you have any medical conditions?|Any injuries or medical conditions?", YN, True)]),
         ],
         office=[N("Member no.", "s"), N("Staff initials", "s")]),
    dict(kind="library", titles=["Library Card Application", "Library Membership Application", "Join the Library"],
         orgs=["Eastfield Public Library", "County Library Service", "Central City Libraries"],
         sections=[
             (["Your Details", "Applicant", "Personal Details"],
              [NAME(), D("date_of_birth", "Date of birth"), T("address", "Address|Home address", "l"),
               T("city", "Town|City", "s"), T("postcode", "Postcode|ZIP code", "s"), T("phone", "Phone|Telephone", "s"),
               T("email", "Email", "m", True), GENDER_EN | dict(opt=True)]),
             (["Card and Notices", "Preferences"],
              [C(None, "Card type", [["Adult", "Student", "Senior"], ["Adult", "Concession", "Visitor"]]),
               C(None, "Send notices by|Preferred contact method", [["Email", "SMS", "Post"], ["Email", "Phone", "Letter"]]),
               C(None, "Would you like to receive our newsletter?", YN, True)]),
         ],
         office=[N("Card number|Barcode no.", "m"), N("Issued by", "s"), D(None, "Issue date")]),
    dict(kind="benefit", titles=["Application for Housing Benefit", "Council Tax Reduction Claim Form", "Application for Income Support"],
         orgs=["Department for Social Services", "Borough Council - Revenues and Benefits", "Community Support Office"],
         sections=[
             (["About You", "Part 1 - Claimant Details", "Your Details"],
              [N("Claim reference", "s"), NAME(), D("date_of_birth", "Date of birth"),
               T("id_number", "National Insurance number|Social security number|Personal public service number", "m"),
               MARITAL_EN, T("nationality", "Nationality", "s", True)]),
             (["Where You Live", "Part 2 - Address"],
              [T("address", "Address|Address you are claiming for", "l"), T("postcode", "Postcode", "s"),
               T("phone", "Phone|Contact telephone", "s"), T("email", "Email", "m", True)]),
             (["Income", "Part 3 - Work and Income"],
              [C(None, "Are you currently working?|Are you employed?", YN), T("employer", "Employer's name|Employer", "m", True),
               T("occupation", "Job title|Occupation", "m", True), D(None, "Date you want your claim to start from|Claim start date", True)]),
         ],
         office=[N("Date stamp", "s"), N("Officer", "s")]),
]

ZH_TEMPLATES = [
    dict(kind="clinic", titles=["就诊登记表", "门诊患者信息登记表", "初诊病人登记表"],
         orgs=["市第一人民医院", "康宁社区卫生服务中心", "仁和中医门诊部", "华美口腔诊所"],
         sections=[
             (["患者基本信息", "基本信息", "一、患者信息"],
              [T("name", "姓名|患者姓名", "s"), GENDER_ZH, D("date_of_birth", "出生日期"),
               T("id_number", "身份证号|身份证号码|证件号码", "m"), T("phone", "联系电话|手机号码", "s"),
               T("address", "现住址|家庭住址|联系地址", "l"), T("occupation", "职业", "s", True)]),
             (["紧急联系人", "联系人信息"],
              [T("emergency_contact", "紧急联系人|紧急联系人及电话", "m", True), N("与患者关系", "s"), N("紧急联系人电话", "s")]),
             (["就诊信息", "二、就诊情况"],
              [C(None, "就诊类型", [["初诊", "复诊"], ["初诊", "复诊", "急诊"]]), C(None, "是否有药物过敏史|有无过敏史", SF, True),
               C(None, "费用类别|付费方式", [["医保", "自费"], ["职工医保", "居民医保", "自费"]], True), N("病历号", "s"), N("备注", "l")]),
         ],
         office=[N("接诊医生", "s"), N("科室", "s")]),
    dict(kind="onboard", titles=["员工入职登记表", "入职登记表", "新员工信息登记表"],
         orgs=["北京华信科技有限公司", "上海浦华医疗器械有限公司", "杭州西子电气股份有限公司", "成都天府软件园有限公司"],
         sections=[
             (["个人信息", "基本资料", "一、个人基本情况"],
              [T("name", "姓名", "s"), GENDER_ZH, D("date_of_birth", "出生日期"), N("民族", "s"),
               T("id_number", "身份证号码|公民身份号码", "m"), MARITAL_ZH, T("phone", "手机号码|联系电话", "s"),
               T("email", "电子邮箱|邮箱", "m", True), T("address", "现居住地址|现住址|通讯地址", "l")]),
             (["入职信息", "二、岗位信息"],
              [N("入职部门|所属部门", "s", False), N("职位|岗位", "s"), D(None, "入职日期|报到日期"), N("试用期", "s")]),
             (["紧急联系人", "三、紧急联系人"],
              [T("emergency_contact", "紧急联系人", "m"), N("紧急联系人电话|联系人电话", "s", True)]),
         ],
         office=[N("员工编号|工号", "s"), N("人事专员", "s")]),
    dict(kind="bank", titles=["个人账户开户申请表", "开户申请书", "个人银行结算账户开户申请表"],
         orgs=["中国建设银行", "招商银行", "浦东发展银行", "华夏银行"],
         sections=[
             (["客户基本信息", "申请人信息", "一、个人资料"],
              [T("name", "姓名|客户姓名|户名", "s"), GENDER_ZH, T("nationality", "国籍", "s"), D("date_of_birth", "出生日期", True),
               C(None, "证件类型", [["身份证", "护照", "其他"], ["居民身份证", "港澳通行证", "护照"]], True),
               T("id_number", "证件号码|身份证号码", "m"), D(None, "证件有效期至|证件到期日", True),
               T("occupation", "职业", "s", True), T("employer", "工作单位|单位名称", "m", True)]),
             (["联系方式", "二、联系信息"],
              [T("phone", "手机号码|联系电话", "s"), T("email", "电子邮箱", "m", True), T("address", "通讯地址|联系地址|居住地址", "l"),
               T("postcode", "邮政编码|邮编", "s", True)]),
             (["账户信息", "三、开户业务"],
              [C(None, "账户类型", [["储蓄账户", "结算账户"], ["Ⅰ类账户", "Ⅱ类账户", "Ⅲ类账户"]]),
               C(None, "是否开通网上银行|开通手机银行", SF, True)]),
         ],
         office=[N("经办柜员|经办人", "s"), N("复核", "s"), N("账号", "m")]),
    dict(kind="school", titles=["学生报名表", "培训课程报名表", "招生报名登记表"],
         orgs=["新东方职业培训学校", "城市继续教育学院", "启明星艺术培训中心", "华南职业技术学院"],
         sections=[
             (["学生信息", "报名人信息", "一、基本信息"],
              [T("name", "姓名|学生姓名", "s"), GENDER_ZH, D("date_of_birth", "出生日期"),
               T("id_number", "身份证号|身份证号码", "m"), T("phone", "联系电话|手机", "s"), T("email", "电子邮箱|邮箱", "m", True),
               T("address", "家庭住址|通讯地址", "l"), N("毕业院校", "m", True)]),
             (["报名信息", "二、报考信息"],
              [N("报名课程|报考专业", "m", False), C(None, "学习方式|上课方式", [["全日制", "业余"], ["周末班", "晚班", "全日制"]]),
               C(None, "是否住宿|是否需要住宿", SF, True), D(None, "开课日期|入学日期", True), N("备注", "l")]),
             (["紧急联系人", "家长/紧急联系人"], [T("emergency_contact", "紧急联系人|紧急联系人及电话", "m", True)]),
         ],
         office=[N("学号", "s"), N("收费金额", "s")]),
    dict(kind="rental", titles=["房屋租赁登记表", "租房登记表", "出租房屋承租人登记表"],
         orgs=["链家房屋租赁服务中心", "安居房产经纪有限公司", "街道流动人口服务站"],
         sections=[
             (["承租人信息", "一、承租人基本情况"],
              [T("name", "承租人姓名|姓名", "s"), GENDER_ZH, T("id_number", "身份证号码|证件号码", "m"),
               D("date_of_birth", "出生日期", True), T("phone", "联系电话|手机", "s"),
               T("employer", "工作单位|服务处所", "m", True), T("address", "户籍地址|原住址", "l", True)]),
             (["租赁信息", "二、房屋及租期"],
              [N("房屋地址|出租房屋地址", "l", False), D(None, "租期起始日期|起租日期"), D(None, "租期截止日期|到期日期", True),
               N("月租金（元）|月租金", "s"), C(None, "付款方式", [["月付", "季付", "半年付", "年付"], ["押一付一", "押一付三"]])]),
             (["紧急联系人"], [T("emergency_contact", "紧急联系人", "m", True)]),
         ],
         office=[N("登记编号", "s"), N("登记人", "s")]),
    dict(kind="visa", titles=["签证申请表", "出入境签证申请表", "因私出国签证申请表"],
         orgs=["签证申请服务中心", "出入境管理局", "国际旅行服务有限公司"],
         sections=[
             (["申请人信息", "一、个人资料"],
              [T("name", "姓名|中文姓名", "s"), N("姓名拼音|英文姓名", "m"), GENDER_ZH, D("date_of_birth", "出生日期"),
               T("nationality", "国籍|现国籍", "s", True), MARITAL_ZH]),
             (["护照信息", "二、证件资料"],
              [T("passport_number", "护照号码|护照号", "m"), D(None, "护照有效期至|护照到期日期"),
               T("id_number", "身份证号码", "m", True)]),
             (["联系与工作信息", "三、职业及联系方式"],
              [T("occupation", "职业", "s"), T("employer", "工作单位|单位名称", "m", True), T("phone", "联系电话|手机", "s"),
               T("email", "电子邮箱", "m", True), T("address", "家庭住址|现住址", "l")]),
             (["行程信息", "四、旅行计划"],
              [D(None, "预计入境日期|计划出发日期"), C(None, "入境次数|申请次数", [["一次", "两次", "多次"]]),
               C(None, "是否曾被拒签|以前是否被拒签过", SF, True)]),
         ],
         office=[N("受理编号", "s"), N("审核意见", "l")]),
    dict(kind="insurance", titles=["保险理赔申请书", "理赔申请表", "意外险理赔申请表"],
         orgs=["平安人寿保险", "太平洋财产保险", "泰康人寿保险股份有限公司", "中国人民财产保险"],
         sections=[
             (["被保险人信息", "一、申请人资料"],
              [N("保单号|保险单号", "m", False), T("name", "被保险人姓名|申请人姓名|姓名", "s"), GENDER_ZH,
               T("id_number", "身份证号码|证件号码", "m"), D("date_of_birth", "出生日期", True),
               T("phone", "联系电话|手机号码", "s"), T("address", "联系地址|通讯地址", "l"), T("postcode", "邮编|邮政编码", "s", True)]),
             (["出险信息", "二、事故经过"],
              [D(None, "出险日期|事故发生日期"), N("出险地点|事故地点", "l"),
               C(None, "理赔类型|申请类别", [["医疗", "意外", "财产损失"], ["门诊", "住院", "身故", "伤残"]]),
               N("申请金额（元）|索赔金额", "s"), C(None, "领款方式", [["银行转账", "现金"], ["转账", "支票"]], True),
               C(None, "是否报案|是否已向公安机关报案", SF, True)]),
         ],
         office=[N("理赔编号|案件号", "s"), N("审核人", "s"), D(None, "受理日期")]),
    dict(kind="member", titles=["会员登记表", "会员入会申请表", "VIP会员信息登记"],
         orgs=["万象城购物中心", "悦动健身俱乐部", "书香阁连锁书店", "美心西饼"],
         sections=[
             (["会员信息", "基本资料", "个人信息"],
              [T("name", "姓名|会员姓名", "s"), GENDER_ZH, D("date_of_birth", "出生日期|生日"), T("phone", "手机号码|手机", "s"),
               T("email", "电子邮箱|E-mail", "m", True), T("city", "所在城市|城市", "s", True), T("address", "通讯地址|联系地址", "l"),
               T("postcode", "邮编", "s", True), T("occupation", "职业", "s", True)]),
             (["会员选项", "入会信息"],
              [C(None, "会员类型|会员等级", [["普通会员", "银卡会员", "金卡会员"], ["年卡", "季卡", "月卡"]]),
               C(None, "是否愿意接收促销信息|是否接收短信通知", SF, True), N("推荐人", "s", True)]),
         ],
         office=[N("会员卡号|卡号", "m"), N("办理人", "s")]),
    dict(kind="hotel", titles=["旅客住宿登记表", "住宿登记单", "宾客入住登记表"],
         orgs=["锦江之星酒店", "如家快捷酒店", "西湖国宾馆", "金陵饭店"],
         sections=[
             (["宾客信息", "住客资料"],
              [T("name", "姓名|宾客姓名", "s"), GENDER_ZH, T("nationality", "国籍", "s", True),
               C(None, "证件类型", [["身份证", "护照", "其他"]], True), T("id_number", "证件号码|身份证号", "m"),
               D("date_of_birth", "出生日期", True), T("phone", "联系电话|手机", "s"), T("address", "地址|常住地址", "l", True)]),
             (["入住信息", "住宿信息"],
              [N("房号|房间号", "s", False), D(None, "入住日期|抵店日期"), D(None, "离店日期|退房日期", True),
               N("人数|入住人数", "s"), C(None, "支付方式|付款方式", [["现金", "微信", "支付宝", "银行卡"], ["现金", "刷卡", "挂账"]])]),
         ],
         office=[N("接待员", "s"), N("押金", "s")]),
    dict(kind="social", titles=["社会保险参保登记表", "社保申报表", "城镇职工社会保险个人参保登记表"],
         orgs=["市人力资源和社会保障局", "社会保险事业管理中心", "区社会保险经办机构"],
         sections=[
             (["参保人信息", "一、个人基本信息"],
              [T("name", "姓名", "s"), GENDER_ZH, T("id_number", "公民身份号码|身份证号码", "m"), D("date_of_birth", "出生日期"),
               N("民族", "s"), N("户籍所在地|户口所在地", "m", True), T("phone", "联系电话|手机号码", "s"),
               T("address", "现居住地址|居住地址", "l"), T("postcode", "邮政编码", "s", True)]),
             (["参保信息", "二、参保情况"],
              [T("employer", "工作单位|用人单位名称", "m"), D(None, "参保日期|参加工作日期"),
               C(None, "参保类型|参保身份", [["城镇职工", "灵活就业", "城乡居民"], ["在职职工", "个体工商户", "其他"]]),
               C(None, "是否首次参保", SF, True), N("个人编号", "s")]),
         ],
         office=[N("经办人", "s"), N("审核人", "s"), D(None, "经办日期")]),
]

EN_INSTR = ["Please complete this form in BLOCK CAPITALS using black or blue ink.",
            "Fields marked with an asterisk (*) are mandatory.",
            "Please print clearly and tick the boxes that apply.",
            "Incomplete applications may be delayed. Please answer every question.",
            "Please read the notes before completing this form. Use one letter or number per box where boxes are provided."]
EN_DECL = ["I declare that the information given on this form is true and complete to the best of my knowledge. "
           "I understand that giving false information may result in my application being refused.",
           "I confirm that the details above are correct and I agree to the terms and conditions.",
           "By signing below I consent to my personal data being processed for the purposes described in the privacy notice."]
ZH_INSTR = ["请用黑色签字笔填写，字迹清楚，不得涂改。", "带*号的为必填项，请如实填写。", "请在相应的□内打“√”。",
            "本表一式两份，请认真阅读填表说明后填写。", "填写前请仔细阅读背面的注意事项，所填内容须真实有效。"]
ZH_DECL = ["本人承诺以上所填信息真实、准确、完整，如有虚假，愿承担相应责任。",
           "本人已阅读并同意相关条款，保证所提供的资料真实有效。",
           "申请人声明：以上内容均由本人如实填写，如因信息不实造成的后果由本人承担。"]
EN_FOOT = ["Form {c}-{n} (rev. {y})", "Please return this form to reception.", "Page 1 of 1",
           "Your information is handled in accordance with our privacy policy.", "{o} · Registered office: 1 High Street"]
ZH_FOOT = ["第 1 页 共 1 页", "表单编号：{c}-{n}", "本表由本单位留存备查", "{o} 制表", "咨询电话：400-{n}-{n2}"]

FONTS_EN = ["Liberation Sans", "Liberation Serif", "DejaVu Sans", "DejaVu Serif", "Noto Sans", "Noto Serif"]
FONTS_ZH = ["Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei"]
BAR_COLORS = [("#1f3a5f", "#fff"), ("#2e5e4e", "#fff"), ("#7a1f2b", "#fff"), ("#333", "#fff"), ("#0b6e99", "#fff"),
              ("#5b3f8c", "#fff"), ("#d9e2ef", "#111"), ("#e6e6e6", "#000"), ("#f2dcb3", "#222"), ("#cfe8d5", "#111")]
LAYOUTS = ["left_box", "above", "left_ul", "grid", "cell_table", "kv_table"]
DSTYLES = {"en": ["fmt", "plain", "dmy3", "cap"], "zh": ["fmt", "plain", "zh_ul", "zh_box", "dmy3"]}
OSTYLES = ["css_sq", "native_cb", "css_radio", "native_radio", "glyph"]
OSTYLE_KIND = {"css_sq": "square", "native_cb": "square", "css_radio": "radio", "native_radio": "radio", "glyph": "glyph"}


class Rot:
    """Shuffled round-robin: every item appears once per cycle."""

    def __init__(self, r, items):
        self.r, self.items, self.q = r, list(items), []

    def next(self):
        if not self.q:
            self.q = self.items[:]
            self.r.shuffle(self.q)
        return self.q.pop()


def est_w(text, fs, bold=False):
    w = 0.0
    for ch in text:
        if ord(ch) >= 0x2E80:
            w += 1.02
        elif ch in "il.,:;|!'()/ ":
            w += 0.34
        elif ch.isupper() or ch in "mwMW":
            w += 0.74
        else:
            w += 0.58
    return w * fs * (1.1 if bold else 1.0)


# ----------------------------------------------------------------------------------
# form building
# ----------------------------------------------------------------------------------
class Field:
    def __init__(self, fid, spec, label, r, lang):
        self.fid = fid
        self.k = f"f{fid}"
        self.kind = spec["kind"]
        self.key = spec["key"]
        self.size = spec.get("size", "m")
        self.label = label
        self.options = None
        self.value = None
        self.lang = lang
        if self.kind == "checkbox":
            self.options = list(r.choice(spec["options"]))
        self.dstyle = self.fmt = self.order = self.hint = None
        self.ostyle = self.stack = None

    @property
    def question(self):
        return self.kind == "checkbox" and (len(self.label) > (11 if self.lang == "zh" else 24))


class Ctx:
    """Per-form style parameters (all integers, so that laid-out boxes land on whole pixels)."""

    def __init__(self, r, lang, rots):
        self.r, self.lang = r, lang
        self.font = rots["font_" + lang].next()
        self.fs = r.randint(12, 22)
        lo = max(760, int(self.fs * (44 if lang == "en" else 40)))
        self.W = r.randint(min(lo, 1400), 1400) if lo < 1400 else 1400
        self.scale = r.uniform(0.85, 1.35)
        s = self.scale
        self.lh = int(round(self.fs * r.uniform(1.45, 1.7)))
        self.padx = int(round(r.randint(28, 64) * s))
        self.CW = self.W - 2 * self.padx
        self.bw = r.choice([1, 1, 1, 2])
        self.bc = r.choice(["#000", "#222", "#444", "#555", "#6b7b8c", "#2b4a6f"])
        self.bh = max(self.lh + 4, int(round(self.fs * r.uniform(1.8, 2.3) * min(s, 1.15))))
        self.rad = r.choice([0, 0, 0, 2, 4])
        self.gap = int(round(r.randint(8, 16) * s))
        self.cgap = int(round(r.randint(16, 32) * s))
        self.bar = r.choice(BAR_COLORS)
        self.bar_style = r.choice(["bar", "bar", "bar", "rule", "leftline"])
        self.bg = r.choice(["#ffffff", "#ffffff", "#ffffff", "#fcfcf8", "#f8fafc"])
        self.label_bold = r.random() < 0.3
        self.colon = r.choice(["", ":", ":"]) if lang == "en" else r.choice(["", "：", "："])
        self.req = r.random() < 0.35
        self.sfs = max(12, int(round(self.fs * 0.78)))
        self.slh = int(round(self.sfs * 1.45))
        self.cb = max(12, int(round(self.fs * r.uniform(0.8, 1.0))))
        self.glyph = r.choice(["☐", "□"])
        self.ul_w = r.choice([1, 1, 2])
        self.title_align = r.choice(["center", "center", "left"])
        self.dfmt = None
        self.rots = rots


def lbl_html(f, ctx, hint_html=""):
    req = ""
    if ctx.req and f.key in ("name", "first_name", "last_name", "date_of_birth", "phone", "id_number", "passport_number", "address"):
        req = '<span class="req">*</span>'
    colon = f'<span class="colon">{esc(ctx.colon)}</span>' if ctx.colon and not f.label.endswith("?") else ""
    return f'<span class="lb" data-k="{f.k}-label">{esc(f.label)}</span>{req}{colon}{hint_html}'


def fmt_hint_text(fmt, lang, r):
    if lang == "zh":
        return r.choice([f"（{fmt}）", f"格式：{fmt}", f"({fmt})"])
    return r.choice([f"({fmt})", fmt.lower(), f"({fmt.lower()})", f"format {fmt}"])


def full_label_w(f, ctx, fs=None):
    fs = fs or ctx.fs
    w = est_w(f.label, fs, ctx.label_bold) + est_w(ctx.colon + "*", fs) + 4
    if f.kind == "date" and f.dstyle == "fmt" and f.hint == "label":
        w += est_w(f.ph_text, fs) + 12
    return w


def text_width(f, ctx):
    fs = ctx.fs
    return {"s": 9, "m": 14, "l": 24}.get(f.size, 12) * fs


def date_natural_w(f, ctx):
    fs = ctx.fs
    w = {"fmt": 10, "plain": 9, "dmy3": 13, "cap": 21 if f.hint == "beside" else 13, "zh_ul": 12.5, "zh_box": 13.5}[f.dstyle] * fs
    return w + (40 if f.dstyle not in ("fmt", "plain") else 0)


def opts_natural_w(f, ctx):
    if f.stack:
        return max(est_w(t, ctx.fs) for t in f.options) + ctx.cb + 12
    return sum(est_w(t, ctx.fs) + ctx.cb + ctx.fs * 1.4 + 8 for t in f.options)


def widget_natural_w(f, ctx):
    if f.kind == "text":
        return text_width(f, ctx)
    if f.kind == "date":
        return date_natural_w(f, ctx)
    return opts_natural_w(f, ctx)


def part_w(part, ctx):
    return int(round(ctx.fs * (4.2 if part == "year" else 2.7)))


PH = {"day": "DD", "month": "MM", "year": "YYYY"}
CAP = {"day": "Day", "month": "Month", "year": "Year"}
ZHU = {"day": "日", "month": "月", "year": "年"}


def date_parts_html(f, ctx):
    """Date in parts; returns the inline group (no single input box)."""
    k = f.k
    h = []
    if f.dstyle == "dmy3":
        sep = f.sep
        for i, p in enumerate(f.order):
            if i:
                h.append(f'<span class="sep">{sep}</span>')
            h.append(f'<div class="bx pb" data-k="{k}-p-{p}" style="width:{part_w(p, ctx)}px"><span class="ph">{PH[p]}</span></div>')
        return f'<div class="dparts">{"".join(h)}</div>'
    if f.dstyle == "cap":
        if f.hint == "above":
            for p in f.order:
                h.append(f'<div class="capcol"><div class="cap">{CAP[p]}</div>'
                         f'<div class="bx pb" data-k="{k}-p-{p}" style="width:{part_w(p, ctx)}px"></div></div>')
            return f'<div class="dparts capabove">{"".join(h)}</div>'
        for p in f.order:
            h.append(f'<span class="capb">{CAP[p]}</span><div class="bx pb" data-k="{k}-p-{p}" style="width:{part_w(p, ctx)}px"></div>')
        return f'<div class="dparts">{"".join(h)}</div>'
    if f.dstyle in ("zh_ul", "zh_box"):
        cls = "seg" if f.dstyle == "zh_ul" else "bx pb zb"
        for p in ("year", "month", "day"):
            w = int(round(ctx.fs * (3.6 if p == "year" else 2.2)))
            h.append(f'<div class="{cls}" data-k="{k}-p-{p}" style="width:{w}px"></div><span class="zu">{ZHU[p]}</span>')
        return f'<div class="dparts zhd">{"".join(h)}</div>'
    raise AssertionError(f.dstyle)


def opts_html(f, ctx):
    k = f.k
    items = []
    for i, t in enumerate(f.options):
        if f.ostyle == "glyph":
            items.append(f'<span class="gopt"><span class="gl" data-k="{k}-ob{i}">{ctx.glyph}</span>'
                         f'<span class="gt" data-k="{k}-ot{i}">{esc(t)}</span></span>')
            continue
        if f.ostyle == "css_sq":
            b = f'<span class="sq" data-k="{k}-ob{i}"></span>'
        elif f.ostyle == "css_radio":
            b = f'<span class="sq rd" data-k="{k}-ob{i}"></span>'
        elif f.ostyle == "native_cb":
            b = f'<input type="checkbox" class="nat" data-k="{k}-ob{i}">'
        else:
            b = f'<input type="radio" name="{k}" class="nat" data-k="{k}-ob{i}">'
        items.append(f'<span class="opt">{b}<span class="ot" data-k="{k}-ot{i}">{esc(t)}</span></span>')
    cls = "opts" + (" glyph" if f.ostyle == "glyph" else "") + (" stack" if f.stack else "")
    return f'<div class="{cls}">{"".join(items)}</div>'


def widget_html(f, ctx, mode="box", fill=True):
    """The writable part of a field (outside table cells). mode: box | ul."""
    k = f.k
    cls = "bx" if mode == "box" else "ul"
    if f.kind == "text":
        st = "" if fill else f' style="width:{int(text_width(f, ctx))}px"'
        return f'<div class="{cls} grow" data-k="{k}-in"{st}></div>' if fill else f'<div class="{cls}" data-k="{k}-in"{st}></div>'
    if f.kind == "checkbox":
        return opts_html(f, ctx)
    # date
    if f.dstyle in ("fmt", "plain"):
        w = int(round(ctx.fs * (9.5 if f.dstyle == "fmt" else 8.5)))
        if f.dstyle == "fmt" and f.hint == "inside":
            return f'<div class="{cls} phb" data-k="{k}-in" style="width:{w}px"><span class="ph">{esc(f.ph_text)}</span></div>'
        box = f'<div class="{cls}" data-k="{k}-in" style="width:{w}px"></div>'
        if f.dstyle == "fmt" and f.hint == "after":
            return f'<div class="dwrap">{box}<span class="hint">{esc(f.ph_text)}</span></div>'
        return box
    return date_parts_html(f, ctx)


def label_hint(f):
    if f.kind == "date" and f.dstyle == "fmt" and f.hint == "label":
        return f' <span class="hint">{esc(f.ph_text)}</span>'
    return ""


# ---------------- packing ------------------------------------------------------------
def pack(fields, slots, span_of):
    rows, cur, used = [], [], 0
    for f in fields:
        s = min(slots, max(1, span_of(f)))
        if used + s > slots:
            rows.append(cur)
            cur, used = [], 0
        cur.append([f, s])
        used += s
    if cur:
        rows.append(cur)
    for row in rows:  # last item of each row fills the row
        tot = sum(s for _, s in row)
        row[-1][1] += slots - tot
    return rows


# ---------------- section layouts ------------------------------------------------------
def sec_left(fields, ctx, mode, pairs):
    """Labels left of boxes / underlines, label column sized by the browser (max-content)."""
    cols = " ".join(["max-content minmax(0,1fr)"] * pairs)
    slot_w = ctx.CW / pairs

    def span_of(f):
        if f.question or (f.kind == "checkbox" and pairs > 1 and opts_natural_w(f, ctx) > slot_w * 0.55):
            return pairs
        if f.size == "l" or widget_natural_w(f, ctx) + est_w(f.label, ctx.fs) > slot_w * 0.9:
            return pairs
        return 1

    out = []
    for row in pack(fields, pairs, span_of):
        for f, s in row:
            if f.question:
                out.append(f'<div class="qrow" data-k="{f.k}-wrap" style="grid-column:1/-1">'
                           f'<div class="ql">{lbl_html(f, ctx)}</div>{opts_html(f, ctx)}</div>')
                continue
            fill = f.kind == "text" and (f.size != "s" or ctx.r.random() < 0.5)
            out.append(f'<div class="lc" data-k="{f.k}-lc">{lbl_html(f, ctx, label_hint(f))}</div>')
            out.append(f'<div class="vc" data-k="{f.k}-vc" style="grid-column:span {2 * s - 1}">{widget_html(f, ctx, mode, fill)}</div>')
    return (f'<div class="gleft{" ulmode" if mode == "ul" else ""}" style="grid-template-columns:{cols}">' + "".join(out) + "</div>")


def sec_above(fields, ctx, ncol, mode="box", inline=False):
    """Labels above inputs (or inline inside each grid cell), ncol columns."""
    colw = (ctx.CW - (ncol - 1) * ctx.cgap) / ncol

    def span_of(f):
        need = widget_natural_w(f, ctx)
        if inline:
            need += est_w(f.label, ctx.fs) + 16
        if f.question:
            need = max(need, est_w(f.label, ctx.fs) + 10)
        if f.size == "l" and ncol > 1:
            need = max(need, colw * 1.6)
        return int(-(-need // colw))

    out = []
    for row in pack(fields, ncol, span_of):
        for f, s in row:
            fill = f.kind == "text" and (ncol > 1 or inline or f.size == "l" or ctx.r.random() < 0.4)
            w = widget_html(f, ctx, mode, fill)
            if inline and not f.question:
                out.append(f'<div class="fi" data-k="{f.k}-wrap" style="grid-column:span {s}">'
                           f'<div class="la">{lbl_html(f, ctx, label_hint(f))}</div>{w}</div>')
            else:
                out.append(f'<div class="fa" data-k="{f.k}-wrap" style="grid-column:span {s}">'
                           f'<div class="la">{lbl_html(f, ctx, label_hint(f))}</div>{w}</div>')
    return f'<div class="gabove" style="grid-template-columns:repeat({ncol},minmax(0,1fr))">' + "".join(out) + "</div>"


def cell_inner(f, ctx):
    """Content of a value area inside a table cell (parts / options), or '' for whole-cell inputs."""
    if f.kind == "checkbox":
        return opts_html(f, ctx)
    if f.kind == "date" and f.dstyle not in ("fmt", "plain"):
        return date_parts_html(f, ctx)
    if f.kind == "date" and f.dstyle == "fmt" and f.hint in ("inside", "after"):
        return f'<span class="ph">{esc(f.ph_text)}</span>'
    return ""


def whole_cell(f):
    return f.kind == "text" or (f.kind == "date" and f.dstyle in ("fmt", "plain"))


def table_bar(title, ctx, width):
    bg, fg = ctx.bar
    return (f'<div class="tbar" style="width:{width}px;background:{bg};color:{fg}">'
            f'<span>{esc(title)}</span></div>')


def sec_cells(fields, ctx, ncol, title):
    """Bordered grid; label = small text top-left inside the cell; input = the whole cell."""
    colw = (ctx.CW - ctx.bw) // ncol
    tw = colw * ncol + ctx.bw

    def span_of(f):
        need = max(widget_natural_w(f, ctx) + 16, est_w(f.label, ctx.sfs) + 16)
        if f.kind == "text":
            need = {"s": 8, "m": 12, "l": 22}[f.size] * ctx.fs
        return int(-(-need // colw))

    rh = ctx.slh + ctx.bh + 8
    out = []
    for row in pack(fields, ncol, span_of):
        for f, s in row:
            lab = f'<div class="cl">{lbl_html(f, ctx, label_hint(f))}</div>'
            if whole_cell(f):
                out.append(f'<div class="cell" data-k="{f.k}-in" style="grid-column:span {s}">{lab}'
                           f'<div class="cv">{cell_inner(f, ctx)}</div></div>')
            else:
                out.append(f'<div class="cell" data-k="{f.k}-cell" style="grid-column:span {s}">{lab}'
                           f'<div class="cv">{cell_inner(f, ctx)}</div></div>')
    return ((table_bar(title, ctx, tw) if title else "") + f'<div class="gcell" style="width:{tw}px;grid-template-columns:repeat({ncol},{colw}px);'
            f'grid-auto-rows:minmax({rh}px,auto)">' + "".join(out) + "</div>")


def sec_kv(fields, ctx, pairs, title):
    """Classic label | input table rows (label cell shaded)."""
    inner = ctx.CW - ctx.bw
    lws = [full_label_w(f, ctx) for f in fields if not f.question]
    need = max(lws + [40]) + 2 * 8 + 6
    if pairs == 2 and need > inner / 2 * 0.45:
        pairs = 1  # a long label: one pair per row, wider label column
    lw = int(min(need, inner / pairs * (0.45 if pairs == 2 else 0.6)))
    vw = (inner - pairs * lw) // pairs
    tw = pairs * (lw + vw) + ctx.bw
    cols = " ".join([f"{lw}px {vw}px"] * pairs)

    def span_of(f):
        if f.question:
            return pairs
        if f.size == "l" or widget_natural_w(f, ctx) + 16 > vw:
            return pairs
        return 1

    rh = ctx.bh + 10
    out = []
    for row in pack(fields, pairs, span_of):
        for f, s in row:
            if f.question:
                out.append(f'<div class="kq" data-k="{f.k}-wrap" style="grid-column:1/-1">'
                           f'<div class="ql">{lbl_html(f, ctx)}</div>{opts_html(f, ctx)}</div>')
                continue
            out.append(f'<div class="kl" data-k="{f.k}-lc">{lbl_html(f, ctx, label_hint(f))}</div>')
            if whole_cell(f):
                out.append(f'<div class="kv" data-k="{f.k}-in" style="grid-column:span {2 * s - 1}">{cell_inner(f, ctx)}</div>')
            else:
                out.append(f'<div class="kv" data-k="{f.k}-vc" style="grid-column:span {2 * s - 1}">{cell_inner(f, ctx)}</div>')
    ctx.kv_pairs = pairs
    return ((table_bar(title, ctx, tw) if title else "") + f'<div class="gkv" style="width:{tw}px;grid-template-columns:{cols};grid-auto-rows:minmax({rh}px,auto)">'
            + "".join(out) + "</div>")


def section_header(title, ctx):
    bg, fg = ctx.bar
    if ctx.bar_style == "bar":
        return f'<div class="bar" style="background:{bg};color:{fg}"><span>{esc(title)}</span></div>'
    if ctx.bar_style == "rule":
        return f'<div class="hrule"><span>{esc(title)}</span></div>'
    return f'<div class="hleft" style="border-left-color:{bg if bg.startswith("#") and fg == "#fff" else "#444"}"><span>{esc(title)}</span></div>'


def css(ctx):
    fs, lh, s = ctx.fs, ctx.lh, ctx.scale
    ff = f"'{ctx.font}', " + ("'DejaVu Sans', sans-serif" if ctx.lang == "en" else "'Noto Sans CJK SC', sans-serif")
    tfs = min(32, int(round(fs * ctx.r.uniform(1.4, 1.8))))
    tlh = int(round(tfs * 1.35))
    pcb = ctx.cb
    return f"""
*{{box-sizing:border-box}}
html,body{{margin:0;padding:0;background:{ctx.bg}}}
body{{font-family:{ff};font-size:{fs}px;line-height:{lh}px;color:#161616}}
.page{{width:{ctx.W}px;padding:{int(28 * s)}px {ctx.padx}px {int(24 * s)}px}}
.org{{font-size:{max(12, int(fs * 0.95))}px;line-height:{int(fs * 1.5)}px;letter-spacing:.5px;color:#333}}
.title{{font-size:{tfs}px;line-height:{tlh}px;font-weight:bold;margin:4px 0 {int(8 * s)}px}}
.hdr{{text-align:{ctx.title_align};margin-bottom:{int(10 * s)}px}}
.hdrflex{{display:flex;justify-content:space-between;align-items:flex-end;gap:20px;margin-bottom:{int(10 * s)}px}}
.banner{{padding:{int(10 * s)}px {int(14 * s)}px;margin-bottom:{int(12 * s)}px}}
.banner .org{{color:inherit}}
.logo{{display:inline-block;width:{int(fs * 2.6)}px;height:{int(fs * 2.6)}px;border-radius:50%;border:2px solid #888;
  text-align:center;line-height:{int(fs * 2.6) - 4}px;font-weight:bold;color:#666;vertical-align:middle;margin-right:10px}}
.note{{margin:0 0 {int(10 * s)}px;color:#333}}
.decl{{margin:{int(14 * s)}px 0 {int(10 * s)}px;color:#222}}
.bar{{margin:{int(16 * s)}px 0 {int(10 * s)}px;padding:{int(3 * s) + 2}px {int(10 * s)}px;font-weight:bold}}
.hrule{{margin:{int(18 * s)}px 0 {int(10 * s)}px;padding-bottom:4px;border-bottom:2px solid #333;font-weight:bold}}
.hleft{{margin:{int(18 * s)}px 0 {int(10 * s)}px;padding-left:10px;border-left:6px solid #444;font-weight:bold}}
.bx{{border:{ctx.bw}px solid {ctx.bc};height:{ctx.bh}px;background:#fff;border-radius:{ctx.rad}px;flex:none}}
.ul{{border-bottom:{ctx.ul_w}px solid {ctx.bc};height:{ctx.bh}px;flex:none}}
.bx,.ul{{max-width:100%}}
.dwrap{{display:flex;align-items:center}}
.pair{{display:flex;align-items:center;column-gap:{int(10 * s)}px}}
.grow{{flex:1 1 auto;min-width:{3 * fs}px}}
.phb{{display:flex;align-items:center;padding:0 {int(fs * 0.4)}px}}
.ul.phb{{align-items:flex-end;padding-bottom:3px}}
.ph{{color:#9b9b9b;white-space:nowrap}}
.hint{{color:#777;font-size:{max(12, int(fs * 0.85))}px;margin-left:8px;white-space:nowrap}}
.lb{{white-space:nowrap;{'font-weight:bold;' if ctx.label_bold else ''}}}
.req{{color:#c00;margin-left:3px}}
.colon{{margin-left:1px}}
.gleft{{display:grid;column-gap:{int(12 * s)}px;row-gap:{ctx.gap}px;align-items:center}}
.lc{{white-space:nowrap}}
.gleft.ulmode{{align-items:end}}
.gleft.ulmode .lc{{padding-bottom:2px}}
.vc{{display:flex;align-items:center;min-width:0}}
.qrow{{display:flex;align-items:center;flex-wrap:wrap;column-gap:{int(18 * s)}px;row-gap:6px}}
.ql{{white-space:nowrap}}
.gabove{{display:grid;column-gap:{ctx.cgap}px;row-gap:{ctx.gap + 2}px}}
.fa{{display:flex;flex-direction:column;align-items:flex-start;min-width:0}}
.fa .la{{margin-bottom:{max(4, int(5 * s))}px;white-space:nowrap}}
.fa .grow{{align-self:stretch}}
.fi{{display:flex;align-items:center;column-gap:{int(10 * s)}px;min-width:0}}
.fi .la{{white-space:nowrap}}
.gcell{{display:grid;border-top:{ctx.bw}px solid {ctx.bc};border-left:{ctx.bw}px solid {ctx.bc}}}
.cell{{border-right:{ctx.bw}px solid {ctx.bc};border-bottom:{ctx.bw}px solid {ctx.bc};padding:3px 6px 4px;
  display:flex;flex-direction:column;min-width:0}}
.cl{{font-size:{ctx.sfs}px;line-height:{ctx.slh}px;white-space:nowrap;color:#333}}
.cl .hint{{font-size:{ctx.sfs}px}}
.cv{{flex:1;display:flex;align-items:center;padding-top:3px}}
.cv > .ph{{margin-left:auto;margin-right:4px}}
.tbar{{border:{ctx.bw}px solid {ctx.bc};border-bottom:none;padding:{int(3 * s) + 1}px 8px;font-weight:bold;line-height:{lh}px}}
.gkv{{display:grid;border-top:{ctx.bw}px solid {ctx.bc};border-left:{ctx.bw}px solid {ctx.bc}}}
.kl,.kv,.kq{{border-right:{ctx.bw}px solid {ctx.bc};border-bottom:{ctx.bw}px solid {ctx.bc};display:flex;align-items:center;min-width:0}}
.kl{{background:#eef1f5;padding:0 8px;white-space:nowrap}}
.kv{{padding:4px 8px}}
.kv > .ph{{margin-left:4px}}
.kq{{padding:5px 8px;flex-wrap:wrap;column-gap:{int(18 * s)}px;row-gap:4px;background:#fafafa}}
.opts{{display:flex;flex-wrap:wrap;align-items:center;column-gap:{int(fs * 1.2)}px;row-gap:6px}}
.opts.stack{{flex-direction:column;align-items:flex-start;row-gap:{max(4, int(fs * 0.3))}px}}
.opt{{display:inline-flex;align-items:center;white-space:nowrap}}
.sq{{display:inline-block;width:{pcb}px;height:{pcb}px;border:{ctx.bw}px solid {ctx.bc};background:#fff;flex:none}}
.rd{{border-radius:50%}}
.nat{{margin:0;width:{pcb}px;height:{pcb}px;flex:none}}
.ot{{margin-left:{max(4, int(fs * 0.35))}px}}
.opts.glyph{{display:block}}
.gopt{{white-space:nowrap;margin-right:{int(fs * 1.1)}px}}
.opts.glyph.stack .gopt{{display:block;margin:0 0 2px}}
.gt{{margin-left:3px}}
.dparts{{display:flex;align-items:center;column-gap:6px}}
.pb{{display:flex;align-items:center;justify-content:center}}
.sep{{color:#555}}
.capabove{{align-items:flex-end;column-gap:{int(fs * 0.8)}px}}
.capcol{{display:flex;flex-direction:column;align-items:flex-start}}
.cap{{font-size:{max(12, int(fs * 0.75))}px;line-height:{max(14, int(fs * 0.95))}px;color:#666;margin-bottom:3px}}
.capb{{color:#555;margin-left:6px}}
.capb:first-child{{margin-left:0}}
.zhd{{align-items:flex-end;column-gap:4px}}
.seg{{border-bottom:{ctx.ul_w}px solid {ctx.bc};height:{int(fs * 1.5)}px;flex:none}}
.zb{{height:{max(ctx.lh, int(fs * 1.6))}px}}
.zu{{margin-right:4px}}
.signrow{{display:flex;flex-wrap:wrap;align-items:center;column-gap:{int(14 * s)}px;row-gap:{ctx.gap}px;margin-top:{int(10 * s)}px}}
.signrow .sp{{width:{int(fs * 2)}px}}
.office{{margin-top:{int(18 * s)}px;border:1px dashed #777;background:#f3f3f3;padding:{int(8 * s)}px {int(12 * s)}px {int(12 * s)}px}}
.office .oh{{font-weight:bold;color:#444;margin-bottom:6px;font-size:{max(12, int(fs * 0.9))}px}}
.office .orow{{display:flex;flex-wrap:wrap;align-items:center;column-gap:{int(fs * 2)}px;row-gap:{ctx.gap}px}}
.refbox{{display:flex;align-items:center;column-gap:8px;white-space:nowrap}}
.footer{{margin-top:{int(20 * s)}px;padding-top:6px;border-top:1px solid #bbb;color:#666;font-size:{max(12, int(fs * 0.8))}px;
  line-height:{max(16, int(fs * 1.2))}px;display:flex;justify-content:space-between;gap:16px}}
"""


# ----------------------------------------------------------------------------------
class FormBuilder:
    def __init__(self, idx, lang, tpl, r, rots):
        self.idx, self.lang, self.tpl, self.r, self.rots = idx, lang, tpl, r, rots
        self.ctx = Ctx(r, lang, rots)
        self.fields = []
        self.layout = rots["layout"].next()
        self.locale = r.choice(list(EN_LOCALES)) if lang == "en" else None

    def new_field(self, spec, label=None):
        f = Field(len(self.fields) + 1, spec, label or self.r.choice(spec["labels"]), self.r, self.lang)
        self.fields.append(f)
        if f.kind == "date":
            self.setup_date(f)
        if f.kind == "checkbox":
            self.setup_opts(f)
        return f

    def setup_date(self, f):
        r, lang = self.r, self.lang
        f.dstyle = self.rots["date_" + lang].next()
        if f.dstyle == "fmt":
            if lang == "zh":
                f.fmt = "YYYY-MM-DD"
            else:
                loc_fmt = EN_LOCALES[self.locale]["dfmt"]
                f.fmt = loc_fmt if r.random() < 0.7 else r.choice(["DD/MM/YYYY", "MM/DD/YYYY", "YYYY-MM-DD"])
            f.hint = r.choice(["inside", "inside", "inside", "after", "label"])
            f.ph_text = f.fmt if f.hint == "inside" else fmt_hint_text(f.fmt, lang, r)
            if f.hint == "inside" and lang == "en" and r.random() < 0.3:
                f.ph_text = f.fmt.lower()
        elif f.dstyle == "dmy3":
            if lang == "zh":
                f.order, f.sep = ["year", "month", "day"], r.choice(["-", "/"])
            else:
                loc_fmt = EN_LOCALES[self.locale]["dfmt"]
                f.order = {"DD/MM/YYYY": ["day", "month", "year"], "MM/DD/YYYY": ["month", "day", "year"],
                           "YYYY-MM-DD": ["year", "month", "day"]}[loc_fmt]
                if r.random() < 0.25:
                    f.order = r.choice([["day", "month", "year"], ["month", "day", "year"], ["year", "month", "day"]])
                f.sep = "-" if f.order[0] == "year" else r.choice(["/", "/", "-"])
        elif f.dstyle == "cap":
            loc_fmt = EN_LOCALES[self.locale]["dfmt"]
            f.order = ["month", "day", "year"] if loc_fmt == "MM/DD/YYYY" else ["day", "month", "year"]
            f.hint = r.choice(["above", "beside"])

    def setup_opts(self, f):
        if not hasattr(self, "ostyle_main"):
            self.ostyle_main = self.rots["ostyle"].next()
        f.ostyle = self.ostyle_main if self.r.random() < 0.7 else self.rots["ostyle"].next()
        f.stack = len(f.options) >= 3 and self.r.random() < 0.3

    # --- field selection -----------------------------------------------------------
    def select(self):
        r = self.r
        sections = []
        n_target = r.randint(6, 10)
        entries = []
        for si, (titles, specs) in enumerate(self.tpl["sections"]):
            for sp in specs:
                entries.append((si, sp))
        req = [e for e in entries if not e[1].get("opt")]
        optl = [e for e in entries if e[1].get("opt")]
        r.shuffle(optl)
        n_req = sum(2 if (e[1]["kind"] == "name") else 1 for e in req)
        keep = set(id(e) for e in req)
        for e in optl:
            if n_req >= n_target:
                break
            keep.add(id(e))
            n_req += 1
        for si, (titles, specs) in enumerate(self.tpl["sections"]):
            chosen = [e[1] for e in entries if e[0] == si and id(e) in keep]
            if chosen:
                sections.append((r.choice(titles), chosen))
        return sections

    def expand(self, spec):
        if spec["kind"] != "name":
            return [self.new_field(spec)]
        if self.r.random() < 0.45:
            return [self.new_field(dict(kind="text", key="name", size="m"), self.r.choice(spec["full"]))]
        a = dict(kind="text", key="last_name", size="m")
        b = dict(kind="text", key="first_name", size="m")
        la, lb_ = self.r.choice(spec["last"]), self.r.choice(spec["first"])
        if self.r.random() < 0.5:
            return [self.new_field(a, la), self.new_field(b, lb_)]
        return [self.new_field(b, lb_), self.new_field(a, la)]

    # --- html ------------------------------------------------------------------------
    def build(self):
        r, ctx, lang = self.r, self.ctx, self.lang
        body = []
        org = r.choice(self.tpl["orgs"])
        title = r.choice(self.tpl["titles"])
        body.append(self.header(org, title))
        if r.random() < 0.85:
            instr = r.sample(EN_INSTR if lang == "en" else ZH_INSTR, r.choice([1, 1, 2]))
            body.append(f'<p class="note">{esc(" ".join(instr))}</p>')
        layout = self.layout
        for si, (stitle, specs) in enumerate(self.select()):
            fields = []
            for sp in specs:
                fields.extend(self.expand(sp))
            lay = layout if r.random() < 0.8 else r.choice(LAYOUTS)
            if lay in ("cell_table", "kv_table"):
                body.append(self.render_section(fields, lay, stitle))
            else:
                body.append(section_header(stitle, ctx))
                body.append(self.render_section(fields, lay, None))
        body.append(self.sign_block())
        if r.random() < 0.6:
            body.append(self.office_block())
        body.append(self.footer(org))
        self.sections_layouts = layout
        return ('<!doctype html><html><head><meta charset="utf-8"><style>' + css(ctx) + "</style></head><body>"
                f'<div class="page">{"".join(body)}</div></body></html>')

    def render_section(self, fields, lay, title):
        ctx, r = self.ctx, self.r
        max_cols = max(1, min(4, int(ctx.CW // (ctx.fs * 13))))
        if lay == "left_box":
            pairs = 2 if (max_cols >= 3 and r.random() < 0.5) else 1
            self.used_layouts.add(f"labels left of bordered boxes ({pairs} pair/row)")
            return sec_left(fields, ctx, "box", pairs)
        if lay == "left_ul":
            pairs = 2 if (max_cols >= 3 and r.random() < 0.6) else 1
            self.used_layouts.add(f"labels left of underlines ({pairs} pair/row)")
            return sec_left(fields, ctx, "ul", pairs)
        if lay == "above":
            ncol = 1 if max_cols < 2 or r.random() < 0.5 else 2
            mode = "box" if r.random() < 0.75 else "ul"
            self.used_layouts.add(f"labels above inputs ({ncol} col, {mode})")
            return sec_above(fields, ctx, ncol, mode)
        if lay == "grid":
            ncol = r.randint(2, max(2, max_cols))
            inline = r.random() < 0.45
            self.used_layouts.add(f"{ncol}-column grid ({'inline labels' if inline else 'labels above'})")
            return sec_above(fields, ctx, ncol, "box", inline)
        if lay == "cell_table":
            ncol = r.randint(2, max(2, max_cols))
            self.used_layouts.add(f"{ncol}-column table, label top-left inside cell")
            return '<div class="tblwrap" style="margin-top:14px">' + sec_cells(fields, ctx, ncol, title) + "</div>"
        if lay == "kv_table":
            pairs = 2 if (max_cols >= 3 and r.random() < 0.55) else 1
            out = '<div class="tblwrap" style="margin-top:14px">' + sec_kv(fields, ctx, pairs, title) + "</div>"
            self.used_layouts.add(f"label|input table rows ({ctx.kv_pairs} pair/row)")
            return out
        raise AssertionError(lay)

    def header(self, org, title):
        r, ctx = self.r, self.ctx
        variant = r.choice(["center", "flexref", "banner", "logo"])
        ref = ""
        if variant in ("flexref", "banner") or r.random() < 0.25:
            spec = N("Ref. No.|Reference no.|Application no." if self.lang == "en" else "编号|登记号|申请编号", "s")
            f = self.new_field(spec)
            mode = r.choice(["box", "ul"])
            ref = (f'<div class="refbox" data-k="{f.k}-wrap"><div>{lbl_html(f, ctx)}</div>'
                   f'<div class="{"bx" if mode == "box" else "ul"}" data-k="{f.k}-in" style="width:{int(ctx.fs * 8)}px"></div></div>')
        if variant == "banner":
            bg, fg = ctx.bar if ctx.bar[1] == "#fff" else ("#1f3a5f", "#fff")
            return (f'<div class="banner" style="background:{bg};color:{fg}"><div class="org">{esc(org)}</div>'
                    f'<div class="title" style="margin-bottom:0">{esc(title)}</div></div>'
                    + (f'<div class="hdrflex" style="justify-content:flex-end">{ref}</div>' if ref else ""))
        if variant == "flexref":
            return (f'<div class="hdrflex"><div><div class="org">{esc(org)}</div><div class="title" style="margin-bottom:0">{esc(title)}</div></div>'
                    f'{ref}</div>')
        logo = ""
        if variant == "logo":
            init = "".join(w[0] for w in org.split() if w[0].isupper())[:3] if self.lang == "en" else org[:1]
            logo = f'<span class="logo">{esc(init)}</span>'
        out = f'<div class="hdr"><div class="org">{logo}{esc(org)}</div><div class="title">{esc(title)}</div></div>'
        if ref:
            out += f'<div class="hdrflex" style="justify-content:flex-end">{ref}</div>'
        return out

    def sign_block(self):
        r, ctx, lang = self.r, self.ctx, self.lang
        decl = r.choice(EN_DECL if lang == "en" else ZH_DECL)
        out = []
        if r.random() < 0.5:
            out.append(section_header("Declaration" if lang == "en" else r.choice(["申请人声明", "声明", "本人承诺"]), ctx))
            out.append(f'<p class="note">{esc(decl)}</p>')
        else:
            out.append(f'<p class="decl">{esc(decl)}</p>')
        sig = self.new_field(T("signature", "Signature|Signature of applicant|Applicant's signature|Signed" if lang == "en"
                               else "签名|申请人签名|本人签字|申请人（签字）", "m"))
        fd = self.new_field(D("date", "Date|Today's date|Date signed" if lang == "en" else "日期|填表日期|申请日期|签字日期"))
        mode = r.choice(["ul", "ul", "box"])
        sw = int(ctx.fs * r.uniform(12, 17))
        date_mode = "ul" if (mode == "ul" and fd.dstyle in ("fmt", "plain")) else "box"
        out.append(f'<div class="signrow"><div class="pair"><div class="lc" data-k="{sig.k}-lc">{lbl_html(sig, ctx)}</div>'
                   f'<div class="vc" data-k="{sig.k}-vc"><div class="{"ul" if mode == "ul" else "bx"}" data-k="{sig.k}-in" style="width:{sw}px"></div></div></div>'
                   f'<div class="sp"></div>'
                   f'<div class="pair"><div class="lc" data-k="{fd.k}-lc">{lbl_html(fd, ctx, label_hint(fd))}</div>'
                   f'<div class="vc" data-k="{fd.k}-vc">{widget_html(fd, ctx, date_mode, False)}</div></div></div>')
        return "".join(out)

    def office_block(self):
        r, ctx, lang = self.r, self.ctx, self.lang
        specs = list(self.tpl["office"])
        r.shuffle(specs)
        specs = specs[: r.choice([1, 2, 2, 3])]
        head = r.choice(["FOR OFFICE USE ONLY", "Office use only", "For official use"]) if lang == "en" else \
            r.choice(["以下由工作人员填写", "办公室专用", "以下由受理单位填写"])
        items = []
        for sp in specs:
            f = self.new_field(sp)
            if f.kind == "date" and f.dstyle == "fmt" and f.hint == "label":
                f.hint = "inside"
                f.ph_text = f.fmt
            w = widget_html(f, ctx, "ul", False) if f.kind != "text" else \
                f'<div class="ul" data-k="{f.k}-in" style="width:{int(ctx.fs * (7 if f.size == "s" else 11))}px"></div>'
            items.append(f'<div class="pair"><div class="lc" data-k="{f.k}-lc">{lbl_html(f, ctx, label_hint(f))}</div>'
                         f'<div class="vc" data-k="{f.k}-vc">{w}</div></div>')
        return f'<div class="office"><div class="oh">{esc(head)}</div><div class="orow">{"".join(items)}</div></div>'

    def footer(self, org):
        r = self.r
        pool = EN_FOOT if self.lang == "en" else ZH_FOOT
        a, b = r.sample(pool, 2)
        kw = dict(c=self.tpl["kind"][:3].upper(), n=r.randint(100, 999), n2=r.randint(100, 999), y=r.randint(2019, 2025), o=org)
        return f'<div class="footer"><span>{esc(a.format(**kw))}</span><span>{esc(b.format(**kw))}</span></div>'


# ----------------------------------------------------------------------------------
# profile and values
# ----------------------------------------------------------------------------------
def gender_spelling(male, lang, r):
    if lang == "en":
        return r.choice(["M", "m", "male", "Male"] if male else ["F", "f", "female", "Female"])
    return r.choice(["男", "男", "男", "M", "male"] if male else ["女", "女", "女", "F", "female"])


def build_profile(fb, person, r):
    lang = fb.lang
    fields = fb.fields
    keys = []
    for f in fields:
        if f.key and f.key not in keys:
            keys.append(f.key)
    split = "first_name" in keys
    full_only = split and r.random() < 0.4
    units = []  # omission units
    for k in keys:
        if k in ("first_name", "last_name"):
            if "NAME" not in units:
                units.append("NAME")
        elif k != "signature":
            units.append(k)
    n_omit = r.choices([0, 1, 2, 3], [0.15, 0.4, 0.3, 0.15])[0]
    omit = set(r.sample(units, min(n_omit, max(0, len(units) - 3))))
    prof = {}
    used_names = set()

    def put(canon, value):
        names = KEYV[canon][0 if lang == "en" else 1]
        if lang == "zh" and r.random() < 0.3:
            names = KEYV[canon][0]
        for _ in range(10):
            n = r.choice(names)
            if n not in used_names:
                break
        used_names.add(n)
        prof[n] = value

    values = {}
    for k in keys:
        if k in ("first_name", "last_name"):
            if "NAME" in omit or k == "last_name" and "first_name" in keys:
                continue
            if full_only:
                put("name", person["name"])
            else:
                put("first_name", person["first_name"])
                put("last_name", person["last_name"])
            values["first_name"] = person["first_name"]
            values["last_name"] = person["last_name"]
            continue
        if k == "last_name":
            continue
        if k == "signature":
            if r.random() < 0.2:
                put("signature", person["name"])
                values["signature"] = person["name"]
            continue
        if k in omit:
            continue
        v = person[k] if k != "gender" else None
        if k in ("date_of_birth", "date"):
            put(k, profile_date(person[k], r, lang))
            values[k] = person[k].isoformat()
        elif k == "gender":
            put("gender", gender_spelling(person["male"], lang, r))
            values[k] = "male" if person["male"] else "female"
        else:
            put(k, v)
            values[k] = v
    if "last_name" in keys and "first_name" not in keys and "NAME" not in omit:  # defensive
        put("last_name", person["last_name"])
        values["last_name"] = person["last_name"]
    # extras: canonical keys the form does not ask for, plus a few non-canonical ones
    extra_pool = [k for k in ("email", "phone", "nationality", "occupation", "employer", "postcode", "city",
                              "passport_number", "id_number", "address", "date_of_birth")
                  if k not in keys and not (k == "name" and split)]
    n_extra = r.choice([0, 1, 1, 2, 3])
    labels = " ".join(f.label for f in fields)
    for _ in range(n_extra):
        if extra_pool and r.random() < 0.5:
            k = extra_pool.pop(r.randrange(len(extra_pool)))
            v = person[k]
            put(k, profile_date(v, r, lang) if isinstance(v, dt.date) else v)
        else:
            name, vals = r.choice(EXTRAS_EN if lang == "en" else EXTRAS_ZH)
            if name in prof or name in labels:
                continue
            prof[name] = r.choice(vals).format(n=r.randint(10000, 99999))
    # shuffle profile key order
    items = list(prof.items())
    r.shuffle(items)
    prof = dict(items)
    # field values
    for f in fields:
        if f.key is None:
            f.value = None
        elif f.kind == "checkbox":
            if f.key == "gender" and "gender" in values:
                f.value = f.options[0] if values["gender"] == "male" else f.options[1]
            else:
                f.value = None
        else:
            f.value = values.get(f.key)
    return prof


# ----------------------------------------------------------------------------------
# extraction, validation, JSON
# ----------------------------------------------------------------------------------
JS = r"""
(() => {
  const R = r => [Math.floor(r.left), Math.floor(r.top), Math.ceil(r.right), Math.ceil(r.bottom)];
  const boxes = {};
  document.querySelectorAll('[data-k]').forEach(e => { boxes[e.dataset.k] = R(e.getBoundingClientRect()); });
  const texts = [];
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n;
  while ((n = w.nextNode())) {
    const s = n.textContent;
    const a = s.search(/\S/);
    if (a < 0) continue;
    const b = s.length - s.match(/\s*$/)[0].length;
    const rg = document.createRange(); rg.setStart(n, a); rg.setEnd(n, b);
    const owners = [];
    for (let p = n.parentElement; p; p = p.parentElement) if (p.dataset && p.dataset.k) owners.push(p.dataset.k);
    for (const r of rg.getClientRects()) {
      if (r.width < 0.5 || r.height < 0.5) continue;
      texts.push({t: s.trim().slice(0, 30), box: R(r), owners});
    }
  }
  return {boxes, texts, sw: document.documentElement.scrollWidth};
})()
"""


def overlap(a, b):
    return min(a[2], b[2]) - max(a[0], b[0]) > 0 and min(a[3], b[3]) - max(a[1], b[1]) > 0


def inside(a, b):
    return a[0] >= b[0] and a[1] >= b[1] and a[2] <= b[2] and a[3] <= b[3]


def assemble(fb, data, W, H):
    bx = data["boxes"]
    errs = []

    def get(k):
        if k not in bx:
            raise FormError(f"{fb.idx}: missing element {k}")
        return bx[k]

    out = []
    jboxes = []  # (name, field k, box, kind)
    for f in fb.fields:
        k = f.k
        lb = get(f"{k}-label")
        d = {"label": f.label, "label_box": lb, "kind": f.kind}
        jboxes.append((f"{k}-label", k, lb, "label"))
        if f.kind == "text":
            d["input_box"] = get(f"{k}-in")
            d["key"], d["value"] = f.key, f.value
            jboxes.append((f"{k}-in", k, d["input_box"], "input"))
        elif f.kind == "date":
            d["key"], d["value"] = f.key, f.value
            parts = []
            if f"{k}-in" in bx:
                d["input_box"] = bx[f"{k}-in"]
                jboxes.append((f"{k}-in", k, d["input_box"], "input"))
                d["format"] = f.fmt if f.dstyle == "fmt" else None
            else:
                d["input_box"] = None
                d["format"] = None
                names = [kk for kk in bx if kk.startswith(f"{k}-p-")]  # document order = reading order
                for kk in names:
                    p = kk.rsplit("-", 1)[1]
                    pv = None
                    if f.value:
                        y, m, dd = f.value.split("-")
                        pad = f.dstyle == "dmy3"
                        pv = {"year": y, "month": m if pad else str(int(m)), "day": dd if pad else str(int(dd))}[p]
                    parts.append({"part": p, "box": bx[kk], "value": pv})
                    jboxes.append((kk, k, bx[kk], "part"))
                if sorted(p["part"] for p in parts) != ["day", "month", "year"]:
                    errs.append(f"{k}: date parts {parts}")
            d["parts"] = parts
        else:
            d["style"] = OSTYLE_KIND[f.ostyle]
            d["input_box"] = None
            d["key"], d["value"] = f.key, f.value
            opts = []
            for i, t in enumerate(f.options):
                ob, ot = get(f"{k}-ob{i}"), get(f"{k}-ot{i}")
                opts.append({"text": t, "text_box": ot, "box": ob})
                jboxes.append((f"{k}-ob{i}", k, ob, "obox"))
                jboxes.append((f"{k}-ot{i}", k, ot, "otext"))
            d["options"] = opts
        out.append(d)

    # --- geometry checks -------------------------------------------------------------
    for name, fk, b, kind in jboxes:
        if not (0 <= b[0] < b[2] <= W and 0 <= b[1] < b[3] <= H):
            errs.append(f"{name} {b} outside page {W}x{H} or empty")
    for i in range(len(jboxes)):
        n1, f1, b1, k1 = jboxes[i]
        for j in range(i + 1, len(jboxes)):
            n2, f2, b2, k2 = jboxes[j]
            if not overlap(b1, b2):
                continue
            if f1 == f2 and {k1, k2} == {"label", "input"} and inside(b1 if k1 == "label" else b2, b2 if k1 == "label" else b1):
                continue  # label printed inside its own cell (cell is the input)
            errs.append(f"boxes overlap: {n1} {b1} / {n2} {b2}")
    writable = [(n, b) for n, fk, b, kind in jboxes]
    for t in data["texts"]:
        tb = t["box"]
        if not (0 <= tb[0] and 0 <= tb[1] and tb[2] <= W and tb[3] <= H):
            errs.append(f"text {t['t']!r} {tb} outside page")
        for n, b in writable:
            if n in t["owners"]:
                continue
            if overlap(tb, b):
                errs.append(f"text {t['t']!r} {tb} overlaps {n} {b}")
    # containment in cells / wrappers
    for f in fb.fields:
        k = f.k
        mine = [(n, b) for n, fk, b, kind in jboxes if fk == k]
        for cont, which in (("cell", None), ("wrap", None), ("lc", ("label",)), ("vc", ("in", "p", "ob", "ot"))):
            ck = f"{k}-{cont}"
            if ck not in bx:
                continue
            for n, b in mine:
                suffix = n[len(k) + 1:]
                if which and not any(suffix == w or suffix.startswith(w + "-") or (w in ("ob", "ot") and suffix.startswith(w)) for w in which):
                    continue
                if not inside(b, bx[ck]):
                    errs.append(f"{n} {b} escapes its {cont} {bx[ck]}")
        if f"{k}-in" in bx and f.kind != "checkbox":
            cell = bx[f"{k}-in"]
            if not inside(lb := bx[f"{k}-label"], cell) and overlap(lb, cell):
                errs.append(f"{k} label partly inside its box")
    if data["sw"] > W:
        errs.append(f"content wider than page: {data['sw']}")
    return out, errs


def validate_json(doc):
    errs = []
    for key in ("id", "lang", "width", "height", "image", "layout", "profile", "fields"):
        if key not in doc:
            errs.append(f"missing {key}")
    for p, v in doc["profile"].items():
        if not isinstance(v, str):
            errs.append(f"profile {p} not a string")
    for f in doc["fields"]:
        need = {"text": ["label", "label_box", "kind", "input_box", "key", "value"],
                "date": ["label", "label_box", "kind", "key", "value", "input_box", "format", "parts"],
                "checkbox": ["label", "label_box", "kind", "style", "input_box", "key", "value", "options"]}[f["kind"]]
        for key in need:
            if key not in f:
                errs.append(f"{f.get('label')}: missing {key}")
        if f["key"] is not None and f["key"] not in CANONICAL:
            errs.append(f"{f['label']}: key {f['key']} not canonical")
        if f["key"] is None and f["value"] is not None:
            errs.append(f"{f['label']}: value without key")
        if not f["label"] or f["label"].endswith((":", "：", "*")):
            errs.append(f"bad label {f['label']!r}")
        if f["kind"] == "date":
            if (f["input_box"] is None) == (not f["parts"]):
                errs.append(f"{f['label']}: need exactly one of input_box / parts")
            if f["parts"] and f["format"] is not None:
                errs.append(f"{f['label']}: parts with format")
            if f["value"] is not None:
                d = dt.date.fromisoformat(f["value"])
                for p in f["parts"]:
                    v = p["value"]
                    want = {"day": d.day, "month": d.month, "year": d.year}[p["part"]]
                    if v is None or not v.isdigit() or int(v) != want or (p["part"] == "year" and len(v) != 4):
                        errs.append(f"{f['label']}: part {p} inconsistent with {f['value']}")
            else:
                for p in f["parts"]:
                    if p["value"] is not None:
                        errs.append(f"{f['label']}: part value without date value")
        if f["kind"] == "checkbox":
            texts = [o["text"] for o in f["options"]]
            if f["value"] is not None and f["value"] not in texts:
                errs.append(f"{f['label']}: value {f['value']} not an option")
            if f["style"] not in ("square", "radio", "glyph") or f["input_box"] is not None:
                errs.append(f"{f['label']}: bad checkbox entry")
        if f["kind"] == "text" and f["input_box"] is None:
            errs.append(f"{f['label']}: text without input_box")
    # profile consistency for keyed fields: ID numbers, dates
    for f in doc["fields"]:
        if f["key"] == "id_number" and doc["lang"] == "zh" and f["value"]:
            if not cn_id_ok(f["value"]):
                errs.append(f"bad Chinese ID {f['value']}")
            dob = [g["value"] for g in doc["fields"] if g["key"] == "date_of_birth" and g["value"]]
            for v in dob:
                if v.replace("-", "") != f["value"][6:14]:
                    errs.append("ID birth date does not match date_of_birth")
    return errs


def dump_json(doc):
    """Indented JSON with every [x1, y1, x2, y2] box on one line."""
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    text = re.sub(r"\[\s+(-?\d+),\s+(-?\d+),\s+(-?\d+),\s+(-?\d+)\s+\]", r"[\1, \2, \3, \4]", text)
    return text + "\n"


def layout_line(fb):
    c = fb.ctx
    return (f"{'; '.join(sorted(fb.used_layouts))}; font {c.font} {c.fs}px (line {c.lh}px); width {c.W}px; "
            f"boxes {c.bh}px high, border {c.bw}px {c.bc}; section headers: {c.bar_style} {c.bar[0]}/{c.bar[1]}; "
            f"options: {', '.join(sorted(set(f.ostyle for f in fb.fields if f.kind == 'checkbox'))) or 'none'}; "
            f"dates: {', '.join(f.dstyle + ('(' + f.hint + ')' if f.hint else '') for f in fb.fields if f.kind == 'date')}")


# ----------------------------------------------------------------------------------
def generate(out_dir, seed, count):
    os.makedirs(out_dir, exist_ok=True)
    rot_r = random.Random(seed * 7919 + 1)
    rots = {"layout": Rot(rot_r, LAYOUTS), "date_en": Rot(rot_r, DSTYLES["en"]), "date_zh": Rot(rot_r, DSTYLES["zh"]),
            "ostyle": Rot(rot_r, OSTYLES),
            "font_en": Rot(rot_r, FONTS_EN), "font_zh": Rot(rot_r, FONTS_ZH)}
    docs = []
    failures = []
    n_en = n_zh = 0
    with Browser() as browser:
        for i in range(count):
            fid = f"h_{i + 1:02d}"
            lang = "en" if i % 2 == 0 else "zh"
            r = random.Random(f"{seed}-{fid}")
            if lang == "en":
                tpl = EN_TEMPLATES[n_en % len(EN_TEMPLATES)]
                n_en += 1
            else:
                tpl = ZH_TEMPLATES[n_zh % len(ZH_TEMPLATES)]
                n_zh += 1
            fb = FormBuilder(fid, lang, tpl, r, rots)
            fb.used_layouts = set()
            html_text = fb.build()
            person = en_person(r, fb.locale) if lang == "en" else zh_person(r)
            profile = build_profile(fb, person, r)
            if lang == "zh" and not (cn_id_ok(person["id_number"])
                                     and person["id_number"][6:14] == person["date_of_birth"].strftime("%Y%m%d")):
                failures.append(f"{fid}: bad Chinese ID number {person['id_number']}")
            try:
                png, data, (W, H) = browser.render(html_text, fb.ctx.W, JS, min_height=200)
            except CDPError as e:
                failures.append(f"{fid}: render failed: {e}")
                continue
            fields, errs = assemble(fb, data, W, H)
            doc = {"id": fid, "lang": lang, "width": W, "height": H, "image": f"{fid}.png",
                   "layout": layout_line(fb), "profile": profile, "fields": fields}
            errs += validate_json(doc)
            with open(os.path.join(out_dir, f"{fid}.html"), "w", encoding="utf-8") as fh:
                fh.write(html_text)
            size = save_png(png, os.path.join(out_dir, f"{fid}.png"))
            if tuple(size) != (W, H):
                errs.append(f"png size {size} != {(W, H)}")
            with open(os.path.join(out_dir, f"{fid}.json"), "w", encoding="utf-8") as fh:
                fh.write(dump_json(doc))
            kb = os.path.getsize(os.path.join(out_dir, f"{fid}.png")) / 1024
            if errs:
                failures.extend(f"{fid}: {e}" for e in errs)
            print(f"{fid} {lang} {tpl['kind']:9s} {fb.layout:10s} {W}x{H} {len(fields):2d} fields  png {kb:.0f} KB"
                  + (f"  {len(errs)} ERRORS" if errs else ""), flush=True)
            doc["_meta"] = dict(tpl=tpl["kind"], layouts=sorted(fb.used_layouts), font=fb.ctx.font, fs=fb.ctx.fs,
                                dstyles=[f.dstyle + ("/" + f.hint if f.hint else "") for f in fb.fields if f.kind == "date"],
                                ostyles=[f.ostyle for f in fb.fields if f.kind == "checkbox"],
                                stack=[f.stack for f in fb.fields if f.kind == "checkbox"], png_kb=kb)
            docs.append(doc)
    if not failures:
        write_readme(out_dir, docs, seed, count)
    return failures


def write_readme(out_dir, docs, seed, count):
    kinds = Counter(f["kind"] for d in docs for f in d["fields"])
    by_lang = {lg: Counter(f["kind"] for d in docs if d["lang"] == lg for f in d["fields"]) for lg in ("en", "zh")}
    keyed = sum(1 for d in docs for f in d["fields"] if f["key"])
    nullkey = sum(1 for d in docs for f in d["fields"] if not f["key"])
    withval = sum(1 for d in docs for f in d["fields"] if f["value"] is not None)
    keyed_null = sum(1 for d in docs for f in d["fields"] if f["key"] and f["value"] is None)
    dstyles = Counter(s.split("/")[0] for d in docs for s in d["_meta"]["dstyles"])
    fmts = Counter(f["format"] for d in docs for f in d["fields"] if f["kind"] == "date" and f["input_box"] is not None)
    ostyles = Counter(s for d in docs for s in d["_meta"]["ostyles"])
    ojson = Counter(f["style"] for d in docs for f in d["fields"] if f["kind"] == "checkbox")
    lays = Counter(l.split(" (")[0] if "grid" not in l and "table" not in l else l for d in docs for l in d["_meta"]["layouts"])
    fonts = Counter(d["_meta"]["font"] for d in docs)
    tpls = Counter((d["lang"], d["_meta"]["tpl"]) for d in docs)
    nf = [len(d["fields"]) for d in docs]
    dsname = {"fmt": "one box, format printed (placeholder inside, hint after box, or hint after label)",
              "plain": "one box, no format", "dmy3": "three boxes with grey DD / MM / YYYY placeholders",
              "cap": "three boxes captioned Day / Month / Year (above or beside)",
              "zh_ul": "____年__月__日 underline segments", "zh_box": "three small bordered boxes + 年 / 月 / 日"}
    osname = {"css_sq": "CSS bordered squares", "native_cb": "native <input type=checkbox>",
              "css_radio": "CSS circles (border-radius 50%)", "native_radio": "native <input type=radio>",
              "glyph": "☐ / □ glyphs in the text"}
    L = []
    L.append("# Held-out form corpus (forms v2)\n")
    L.append("Blank forms for evaluating the form filler. **Held out: never used for tuning.** The templates, people, "
             "label wordings and CSS were written from scratch without looking at the filler or at the tuning corpora "
             "(`tests/fixtures/forms/`, `tests/fixtures/forms_tune/`), so scores on this set estimate what a new user's "
             "forms would get. Do not tune rules against these files; if you do, they stop being held out.\n")
    L.append("## How it was made\n")
    L.append("`tools/forms/make_heldout.py` writes each form as HTML (own templates for EN and ZH form types), renders it "
             "with headless Chromium through `tools/cdp_render.py` (device scale factor 1, page height = document height) "
             "and reads every box from the DOM after layout with `getBoundingClientRect` (x1/y1 floored, x2/y2 ceiled). "
             "The generator fails (exit 1) if any text overlaps a box, two boxes overlap (a label printed inside its own "
             "cell excepted), anything leaves the page or its table cell, or a JSON misses a field the format requires "
             "or has date parts inconsistent with the ISO value. Chinese ID numbers carry a valid ISO 7064 MOD 11-2 check "
             "digit and the birth date of `date_of_birth`.\n")
    L.append("```\npython3 tools/forms/make_heldout.py --out tests/fixtures/forms_heldout --seed %d --count %d\n```\n" % (seed, count))
    L.append("Deterministic for a given seed and count. Per form: `<id>.html`, `<id>.png`, `<id>.json` "
             "(format: forms v2 — `label`, `label_box`, `kind`, `input_box`, `key`, `value`; dates add `format` and "
             "`parts`; option groups add `style` and `options`).\n")
    L.append("## Contents\n")
    L.append(f"- {len(docs)} forms: {sum(d['lang'] == 'en' for d in docs)} English, {sum(d['lang'] == 'zh' for d in docs)} Chinese; "
             f"{sum(nf)} fields ({min(nf)}–{max(nf)} per form, mean {sum(nf) / len(nf):.1f}).")
    L.append(f"- Fields per kind: text {kinds['text']}, date {kinds['date']}, checkbox {kinds['checkbox']} "
             f"(EN: {by_lang['en']['text']}/{by_lang['en']['date']}/{by_lang['en']['checkbox']}, "
             f"ZH: {by_lang['zh']['text']}/{by_lang['zh']['date']}/{by_lang['zh']['checkbox']}).")
    L.append(f"- Keys: {keyed} fields with a canonical key ({keyed_null} of them with value null because the profile "
             f"omits the key), {nullkey} fields with key null (reference no., 备注, office use, marital status, visit type, …); "
             f"{withval} fields carry a value.")
    L.append("- Form types (EN): " + ", ".join(f"{k} ×{v}" for (lg, k), v in sorted(tpls.items()) if lg == "en") + ".")
    L.append("- Form types (ZH): " + ", ".join(f"{k} ×{v}" for (lg, k), v in sorted(tpls.items()) if lg == "zh") + ".")
    L.append("- Fonts: " + ", ".join(f"{k} ×{v}" for k, v in sorted(fonts.items())) +
             f"; body text {min(d['_meta']['fs'] for d in docs)}–{max(d['_meta']['fs'] for d in docs)} px "
             f"(small print ≥ 12 px); page widths {min(d['width'] for d in docs)}–{max(d['width'] for d in docs)} px "
             "(drawn from 760–1400); per-form scale of spacing and box sizes.")
    L.append("- PNG size: max %.0f KB, total %.1f MB." % (max(d["_meta"]["png_kb"] for d in docs),
                                                          sum(d["_meta"]["png_kb"] for d in docs) / 1024))
    L.append("\n### Layouts (sections; a form mixes several)\n")
    for k, v in sorted(lays.items()):
        L.append(f"- {k}: {v}")
    L.append("\nEvery form also has a title block (some with a coloured banner, a logo circle or a reference-number box), "
             "instruction lines or paragraphs, section headers (dark or coloured bars with white or black text, ruled "
             "headings, or a coloured left line) that are not fields, a declaration paragraph with signature and date, "
             "a footer, and often an office-use-only block whose fields have key null.\n")
    L.append("### Date fields\n")
    for k, v in sorted(dstyles.items()):
        L.append(f"- {dsname[k]}: {v}")
    dk = Counter((f["key"] or "null", f["value"] is not None) for d in docs for f in d["fields"] if f["kind"] == "date")
    L.append("- by key: " + ", ".join(f"{k} ×{dk[(k, True)] + dk[(k, False)]} ({dk[(k, True)]} with a value)"
                                      for k in ("date_of_birth", "date", "null")))
    L.append("- formats recorded for one-box dates: " + ", ".join(f"{k or 'null'} ×{v}" for k, v in sorted(fmts.items(), key=lambda x: str(x[0]))))
    L.append("\n### Option groups (kind checkbox)\n")
    for k, v in sorted(ostyles.items()):
        L.append(f"- {osname[k]}: {v}")
    ck = Counter(("gender" if f["key"] == "gender" else "null", f["value"] is not None) for d in docs for f in d["fields"]
                 if f["kind"] == "checkbox")
    L.append(f"- gender groups: {ck[('gender', True)] + ck[('gender', False)]} ({ck[('gender', True)]} with a value, "
             f"{ck[('gender', False)]} where the profile lacks gender); key-null groups: {ck[('null', False)]}; "
             f"stacked groups: {sum(1 for d in docs for s in d['_meta']['stack'] if s)}.")
    L.append("- JSON style: " + ", ".join(f"{k} ×{v}" for k, v in sorted(ojson.items())) +
             ". Options on one row or stacked. Gender groups take the profile's gender (spelled M/m/male/Male/F/female/男/女); "
             "other groups (yes/no, marital status, visit type, payment method, …) have key null.")
    L.append("\n### Profiles\n")
    L.append("Key spellings vary (canonical, camelCase, other words, Chinese keys); dates appear as 1990-03-07, 07/03/1990 "
             "(day first, only when unambiguous), 7 March 1990, March 7, 1990, 1990年3月7日 or 1990.03.07. Most profiles "
             "omit one to three of the form's keyed fields (value null) and many carry extras the form does not ask for. "
             "On EN forms with first/last name fields the profile sometimes has only a full name (value split: given "
             "name first). Date part values are zero-padded where the boxes show DD/MM placeholders, otherwise unpadded.\n")
    with open(os.path.join(out_dir, "README.md"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(L) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="tests/fixtures/forms_heldout")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--count", type=int, default=44)
    a = ap.parse_args()
    failures = generate(a.out, a.seed, a.count)
    if failures:
        print(f"\n{len(failures)} problems:", file=sys.stderr)
        for f in failures[:200]:
            print("  " + f, file=sys.stderr)
        sys.exit(1)
    print(f"ok: {a.count} forms in {a.out}")


if __name__ == "__main__":
    main()
