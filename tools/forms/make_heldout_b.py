#!/usr/bin/env python3
"""Held-out blank-form corpus "b" (v2 JSON format), written without looking at the system.

    python3 tools/forms/make_heldout_b.py --out /tmp/forms_heldout_b --seed 101 --count 44

Writes <id>.html, <id>.png and <id>.json for ids b_01 .. b_NN (half English, half Simplified
Chinese) plus README.md with statistics.  Pages are rendered by headless Chromium
(tools/cdp_render.py, device scale factor 1); every box in the JSON is read from the DOM after
layout (getBoundingClientRect, x1/y1 floored, x2/y2 ceiled).  The script checks the truth
(every field has a label box; text/date fields have an input box or parts; boxes inside the
page; no two writable boxes overlap; no label or option text overlaps a writable box, except a
label inside its own table cell) and exits non-zero on a violation.

Deterministic for a given seed, Chromium build and font set.
"""

import argparse
import datetime
import html
import json
import math
import os
import random
import sys
from collections import Counter

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from cdp_render import Browser, save_png  # noqa: E402

esc = html.escape

# ----------------------------------------------------------------------------------------------
# people
# ----------------------------------------------------------------------------------------------
EN_FIRST_M = ["Oliver", "James", "Daniel", "Samuel", "Thomas", "Aidan", "Marcus", "Rahul", "Kwame",
              "Patrick", "Lewis", "Hamish", "Ethan", "Callum", "Victor", "Joseph"]
EN_FIRST_F = ["Emily", "Grace", "Sophie", "Hannah", "Charlotte", "Priya", "Amara", "Niamh",
              "Isla", "Megan", "Rosa", "Chloe", "Leah", "Fiona", "Abigail", "Zara"]
EN_LAST = ["Whitfield", "Okafor", "Brennan", "Hughes", "MacLeod", "Patel", "Harrington", "Osei",
           "Lindqvist", "Moreau", "Fletcher", "Kowalski", "Sullivan", "Ashworth", "Nakamura",
           "Donnelly", "Reyes", "Thornton"]
EN_STREETS = ["Hawthorn Road", "Mill Lane", "Castle Street", "Beech Avenue", "Victoria Terrace",
              "Kingsway", "Orchard Close", "Station Road", "Elm Grove", "Harbour View",
              "Queen's Drive", "Maple Crescent"]
EN_PLACES = [("Leeds", "LS6 2QT"), ("Bristol", "BS8 4RE"), ("Glasgow", "G12 8QQ"),
             ("Cardiff", "CF10 3AT"), ("Norwich", "NR2 1HN"), ("York", "YO10 5DD"),
             ("Portland", "97205"), ("Denver", "80203"), ("Toronto", "M5V 2T6"),
             ("Dublin", "D02 X285"), ("Brighton", "BN1 3FL"), ("Austin", "78701")]
EN_NATIONALITY = ["British", "Irish", "Canadian", "Australian", "American", "New Zealander",
                  "Indian", "Nigerian", "Ghanaian", "Polish"]
EN_OCCUPATION = ["Civil engineer", "Primary school teacher", "Staff nurse", "Accountant",
                 "Graphic designer", "Electrician", "Pharmacist", "Software developer",
                 "Sales manager", "Chef", "Paramedic", "Architect"]
EN_EMPLOYER = ["Northgate Logistics Ltd", "St Aidan's Hospital", "Brightwater Council",
               "Kestrel Software", "Harbourside Foods plc", "Ashdown Academy", "Pennine Energy",
               "Clearview Opticians", "Meridian Bank", "Fenwick & Lowe LLP"]

ZH_SURNAME = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡",
              "朱", "高", "林", "何", "郭", "马", "罗", "宋", "郑"]
ZH_GIVEN_M = ["晓明", "建国", "浩然", "俊杰", "志强", "子轩", "宇航", "文博", "国栋", "嘉豪", "鹏", "磊"]
ZH_GIVEN_F = ["婷婷", "秀英", "子涵", "雨桐", "佳怡", "欣然", "梦琪", "丽华", "静", "诗涵", "晓燕", "思彤"]
ZH_PLACES = [("北京市", "朝阳区建国路88号院3号楼502室", "100022", "110105"),
             ("上海市", "浦东新区张杨路1500弄12号901室", "200122", "310115"),
             ("广州市", "天河区体育西路57号1803房", "510620", "440106"),
             ("杭州市", "西湖区文三路259号2幢1单元601室", "310012", "330106"),
             ("成都市", "武侯区人民南路四段27号", "610041", "510107"),
             ("南京市", "鼓楼区中山北路105号6楼", "210009", "320106"),
             ("武汉市", "洪山区珞喻路1037号", "430074", "420111"),
             ("西安市", "雁塔区小寨东路126号", "710061", "610113"),
             ("苏州市", "工业园区星湖街328号", "215123", "320571"),
             ("长沙市", "岳麓区麓山南路932号", "410083", "430104")]
ZH_OCCUPATION = ["教师", "工程师", "会计", "护士", "销售经理", "软件开发工程师", "公务员",
                 "个体经营", "医生", "行政专员", "设计师", "律师"]
ZH_EMPLOYER = ["杭州云帆科技有限公司", "上海浦江建设集团", "成都市第三人民医院", "南京金陵会计师事务所",
               "广州华南物流有限公司", "北京新视界文化传媒有限公司", "武汉光谷实验小学",
               "苏州恒信精密制造有限公司"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def cn_id_number(rng, region, dob, male):
    seq = "%02d%d" % (rng.randint(0, 99), rng.choice([1, 3, 5, 7, 9] if male else [0, 2, 4, 6, 8]))
    body = region + dob.strftime("%Y%m%d") + seq
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(c) * k for c, k in zip(body, w)) % 11
    return body + "10X98765432"[s]


def make_person(rng, lang):
    male = rng.random() < 0.5
    dob = datetime.date(rng.randint(1958, 2005), rng.randint(1, 12), rng.randint(1, 28))
    p = {"male": male, "dob": dob}
    if lang == "en" or rng.random() < 0.0:
        first = rng.choice(EN_FIRST_M if male else EN_FIRST_F)
        last = rng.choice(EN_LAST)
        city, pc = rng.choice(EN_PLACES)
        p.update(first_name=first, last_name=last, name=f"{first} {last}",
                 address=f"{rng.randint(2, 180)} {rng.choice(EN_STREETS)}"
                 + (f", Flat {rng.randint(1, 24)}" if rng.random() < 0.25 else ""),
                 city=city, postcode=pc,
                 phone=rng.choice(["07700 9%05d" % rng.randint(0, 99999),
                                   "+44 7700 9%05d" % rng.randint(0, 99999),
                                   "(555) %03d-%04d" % (rng.randint(200, 999), rng.randint(0, 9999)),
                                   "+1 555 %03d %04d" % (rng.randint(200, 999), rng.randint(0, 9999))]),
                 email=rng.choice([f"{first}.{last}", f"{first[0]}{last}", f"{first}{rng.randint(1, 99)}"]).lower()
                 + "@" + rng.choice(["example.com", "mail.example.org", "example.net"]),
                 id_number=rng.choice(["QQ %02d %02d %02d %s" % (rng.randint(10, 99), rng.randint(10, 99),
                                                                  rng.randint(10, 99), rng.choice("ABCD")),
                                       "D%07d" % rng.randint(0, 9999999),
                                       "%03d-%02d-%04d" % (rng.randint(100, 899), rng.randint(10, 99),
                                                           rng.randint(1000, 9999))]),
                 passport_number=rng.choice(["%09d" % rng.randint(100000000, 999999999),
                                             "P%07d" % rng.randint(0, 9999999),
                                             "GB%07d" % rng.randint(0, 9999999)]),
                 nationality=rng.choice(EN_NATIONALITY),
                 occupation=rng.choice(EN_OCCUPATION), employer=rng.choice(EN_EMPLOYER))
        rel = rng.choice(["sister", "brother", "wife", "husband", "mother", "father", "partner"])
        ec = f"{rng.choice(EN_FIRST_F + EN_FIRST_M)} {last}"
        p["emergency_contact"] = rng.choice([f"{ec} ({rel}), 07700 9%05d" % rng.randint(0, 99999),
                                             f"{ec}, {rel}", ec])
    else:
        sur = rng.choice(ZH_SURNAME)
        given = rng.choice(ZH_GIVEN_M if male else ZH_GIVEN_F)
        city, street, pc, region = rng.choice(ZH_PLACES)
        p.update(first_name=given, last_name=sur, name=sur + given,
                 address=city + street, city=city, postcode=pc,
                 phone=rng.choice(["13", "15", "18", "17", "19"]) + "%09d" % rng.randint(0, 999999999),
                 email=rng.choice(["zhang", "wang", "li", "chen", "liu", "yang", "zhao"]) +
                 rng.choice(["xm", "tt", "jg", "yh"]) + str(rng.randint(10, 9999)) + "@" +
                 rng.choice(["example.com", "example.cn", "mail.example.com"]),
                 id_number=cn_id_number(rng, region, dob, male),
                 passport_number="E%08d" % rng.randint(0, 99999999),
                 nationality=rng.choice(["中国", "中华人民共和国", "中国"]),
                 occupation=rng.choice(ZH_OCCUPATION), employer=rng.choice(ZH_EMPLOYER))
        p["emergency_contact"] = rng.choice([
            f"{rng.choice(ZH_SURNAME)}{rng.choice(ZH_GIVEN_F + ZH_GIVEN_M)} 13{rng.randint(0, 999999999):09d}",
            f"{rng.choice(ZH_SURNAME)}{rng.choice(ZH_GIVEN_F + ZH_GIVEN_M)}（{rng.choice(['配偶', '父亲', '母亲', '姐姐'])}）"
            f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}"])
    p["date"] = datetime.date(2025, rng.randint(1, 12), rng.randint(1, 28))
    return p


# ----------------------------------------------------------------------------------------------
# profiles
# ----------------------------------------------------------------------------------------------
KEY_SPELL_EN = {
    "name": ["name", "full_name", "fullName", "Name", "applicant_name", "Full Name"],
    "first_name": ["first_name", "firstName", "given_name", "First name", "forename"],
    "last_name": ["last_name", "lastName", "surname", "family_name", "Surname"],
    "id_number": ["id_number", "idNumber", "national_id", "ID No.", "id_no"],
    "passport_number": ["passport_number", "passportNo", "passport", "Passport Number"],
    "phone": ["phone", "mobile", "telephone", "phoneNumber", "tel", "Mobile phone"],
    "email": ["email", "e-mail", "emailAddress", "mail", "Email"],
    "address": ["address", "home_address", "street_address", "homeAddress", "Address line 1"],
    "city": ["city", "town", "City", "town_city"],
    "postcode": ["postcode", "zip", "postal_code", "zipCode", "post_code"],
    "date_of_birth": ["date_of_birth", "dob", "birthDate", "birthday", "Date of Birth", "DOB"],
    "gender": ["gender", "sex", "Gender"],
    "nationality": ["nationality", "citizenship", "Nationality"],
    "occupation": ["occupation", "job", "profession", "jobTitle"],
    "employer": ["employer", "company", "employerName", "workplace"],
    "emergency_contact": ["emergency_contact", "emergencyContact", "Emergency contact", "ice_contact"],
    "date": ["date", "today", "signing_date", "applicationDate"],
    "signature": ["signature", "sign_as"],
}
KEY_SPELL_ZH = {
    "name": ["姓名", "名字", "申请人姓名"], "first_name": ["名"], "last_name": ["姓"],
    "id_number": ["身份证号", "身份证号码", "证件号码"], "passport_number": ["护照号", "护照号码"],
    "phone": ["电话", "手机", "手机号", "联系电话"], "email": ["邮箱", "电子邮箱"],
    "address": ["地址", "住址", "家庭住址", "现住址"], "city": ["城市", "所在城市"],
    "postcode": ["邮编", "邮政编码"], "date_of_birth": ["出生日期", "生日"], "gender": ["性别"],
    "nationality": ["国籍"], "occupation": ["职业"], "employer": ["工作单位", "单位"],
    "emergency_contact": ["紧急联系人"], "date": ["日期", "填表日期"], "signature": ["签名"],
}
EXTRAS_EN = [("middle_name", "Jane"), ("preferred_language", "English"), ("blood_type", "O+"),
             ("licence_class", "B"), ("website", "https://example.com/~me"), ("hobby", "cycling"),
             ("marketing_opt_in", "no"), ("customer_ref", "CR-20931")]
EXTRAS_ZH = [("民族", "汉族"), ("籍贯", "浙江宁波"), ("血型", "A型"), ("备注", "无"),
             ("政治面貌", "群众"), ("宗教信仰", "无"), ("QQ", "8231907")]


def fmt_profile_date(rng, d, lang):
    styles = ["iso", "long", "us_long", "dot"]
    if d.day > 12 or d.day == d.month:
        styles.append("slash")
        styles.append("slash")
    if lang == "zh":
        styles += ["cn", "cn", "iso"]
    s = rng.choice(styles)
    if s == "iso":
        return d.isoformat()
    if s == "slash":
        return "%02d/%02d/%d" % (d.day, d.month, d.year)
    if s == "long":
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    if s == "us_long":
        return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
    if s == "dot":
        return "%d.%02d.%02d" % (d.year, d.month, d.day)
    return f"{d.year}年{d.month}月{d.day}日"


def gender_word(rng, male, lang):
    if lang == "zh" and rng.random() < 0.7:
        return "男" if male else "女"
    return rng.choice(["M", "m", "male", "Male", "男"] if male else ["F", "female", "Female", "女", "F"])


def make_profile(rng, person, keys, lang):
    """keys: canonical keys the form asks for.  Returns (profile dict, canonical -> present)."""
    keys = [k for k in dict.fromkeys(keys) if k]
    omit = set()
    if len(keys) > 3 and rng.random() < 0.85:
        omittable = [k for k in keys if k not in ("name", "first_name", "last_name")]
        omit = set(rng.sample(omittable, min(len(omittable), rng.randint(1, 3))))
    zh_keys = lang == "zh" and rng.random() < 0.75
    prof, present = {}, {}
    for k in keys:
        if k in omit:
            continue
        if k == "signature" and rng.random() < 0.6:
            continue
        spell = rng.choice(KEY_SPELL_ZH[k] if (zh_keys and rng.random() < 0.85) else KEY_SPELL_EN[k])
        if spell in prof:
            spell = KEY_SPELL_EN[k][0]
        if k == "date_of_birth":
            v = fmt_profile_date(rng, person["dob"], lang)
        elif k == "date":
            v = fmt_profile_date(rng, person["date"], lang)
        elif k == "gender":
            v = gender_word(rng, person["male"], lang)
        elif k == "signature":
            v = person["name"]
        else:
            v = person[k]
        prof[spell] = v
        present[k] = True
    n_extra = rng.choice([0, 0, 1, 1, 2])
    extras = [e for e in (EXTRAS_ZH if zh_keys else EXTRAS_EN)]
    canon_extra = [k for k in ("email", "phone", "nationality", "occupation", "postcode")
                   if k not in keys]
    for _ in range(n_extra):
        if canon_extra and rng.random() < 0.5:
            k = canon_extra.pop(rng.randrange(len(canon_extra)))
            prof[rng.choice(KEY_SPELL_ZH[k] if zh_keys else KEY_SPELL_EN[k])] = person[k]
        else:
            k, v = extras.pop(rng.randrange(len(extras)))
            prof[k] = v
    return prof, present


# ----------------------------------------------------------------------------------------------
# templates: sections of fields.  ("t", label, key) text, ("d", label, key) date,
# ("c", label, key, [(text, meaning), ...]) options, ("sig", label) signature.
# A "!" suffix on a text label marks a wide field.
# ----------------------------------------------------------------------------------------------
G_EN = [("Male", "M"), ("Female", "F")]
G_EN3 = [("Male", "M"), ("Female", "F"), ("Prefer not to say", None)]
G_EN_MF = [("M", "M"), ("F", "F")]
G_ZH = [("男", "M"), ("女", "F")]
YN = [("Yes", None), ("No", None)]
YN_ZH = [("是", None), ("否", None)]
MARITAL = [("Single", None), ("Married", None), ("Divorced", None), ("Widowed", None)]
MARITAL_ZH = [("未婚", None), ("已婚", None), ("离异", None), ("丧偶", None)]


def opts(*names):
    return [(n, None) for n in names]


EN_TEMPLATES = [
    {"title": ["Motor Insurance Claim Form", "Claim Notification Form – Home & Contents"],
     "org": ["Harbourline Insurance", "Crestmoor Mutual"],
     "sections": [
         ("Policyholder details", [("t", "Policyholder name", "name"), ("t", "Policy number", None),
                                   ("d", "Date of birth", "date_of_birth"), ("t", "Telephone", "phone"),
                                   ("t", "Email address", "email"), ("t", "Address!", "address"),
                                   ("t", "Postcode", "postcode")]),
         ("About the incident", [("d", "Date of incident", None), ("t", "Time of incident", None),
                                 ("c", "Type of claim", None, opts("Theft", "Accident", "Fire", "Storm", "Other")),
                                 ("c", "Was the police informed?", None, YN),
                                 ("t", "Police reference", None)]),
         ("Payment", [("c", "Preferred settlement", None, opts("Bank transfer", "Cheque")),
                      ("t", "Account holder", None)]),
     ], "decl": "I declare that the information given on this form is true and complete to the best of my knowledge."},
    {"title": ["Undergraduate Enrolment Form", "Student Registration Form 2025/26"],
     "org": ["University of Northbridge", "Kingsmere College"],
     "sections": [
         ("Personal details", [("t", "First name", "first_name"), ("t", "Last name", "last_name"),
                               ("d", "Date of birth", "date_of_birth"), ("c", "Gender", "gender", G_EN3),
                               ("t", "Nationality", "nationality"), ("t", "Passport number", "passport_number")]),
         ("Contact details", [("t", "Email", "email"), ("t", "Mobile", "phone"), ("t", "Term-time address!", "address"),
                              ("t", "City", "city"), ("t", "Postcode", "postcode")]),
         ("Programme", [("t", "Programme of study!", None), ("d", "Course start date", None),
                        ("c", "Mode of study", None, opts("Full-time", "Part-time", "Distance")),
                        ("t", "Emergency contact!", "emergency_contact")]),
     ], "decl": "I agree to abide by the regulations of the University and confirm the above details are correct."},
    {"title": ["Application for a Residence Permit", "Visa Application Form (Short Stay)"],
     "org": ["Immigration Service", "Consulate General – Visa Section"],
     "sections": [
         ("Applicant", [("t", "Surname", "last_name"), ("t", "Given names", "first_name"),
                        ("d", "Date of birth", "date_of_birth"), ("t", "Place of birth", None),
                        ("c", "Sex", "gender", G_EN_MF),
                        ("c", "Marital status", None, MARITAL), ("t", "Current nationality", "nationality")]),
         ("Travel document", [("t", "Passport number", "passport_number"), ("d", "Date of issue", None),
                              ("d", "Valid until", None), ("t", "Issued by", None)]),
         ("Occupation and stay", [("t", "Current occupation", "occupation"), ("t", "Employer", "employer"),
                                  ("t", "Home address!", "address"), ("d", "Intended date of arrival", None),
                                  ("d", "Intended date of departure", None)]),
     ], "decl": "I am aware that any false statement will lead to my application being rejected."},
    {"title": ["Guest Registration Card", "Hotel Registration Form"],
     "org": ["The Larkspur Hotel", "Seaview Lodge"],
     "sections": [
         ("Guest", [("t", "Guest name", "name"), ("t", "Nationality", "nationality"),
                    ("t", "Passport / ID no.", "passport_number"), ("d", "Date of birth", "date_of_birth"),
                    ("t", "Telephone", "phone"), ("t", "Email", "email"), ("t", "Home address!", "address")]),
         ("Stay", [("d", "Arrival date", None), ("d", "Departure date", None), ("t", "Room no.", None),
                   ("c", "Room type", None, opts("Single", "Double", "Twin", "Suite")),
                   ("t", "No. of guests", None),
                   ("c", "Payment", None, opts("Cash", "Credit card", "Voucher"))]),
     ], "decl": "The hotel is not responsible for valuables not deposited at reception."},
    {"title": ["Personal Account Opening Form", "Application to Open a Savings Account"],
     "org": ["Meridian Bank", "Northfield Building Society"],
     "sections": [
         ("Your details", [("c", "Title", None, opts("Mr", "Mrs", "Ms", "Dr")), ("t", "Full name", "name"),
                           ("d", "Date of birth", "date_of_birth"), ("t", "Nationality", "nationality"),
                           ("t", "National ID number", "id_number")]),
         ("Address and contact", [("t", "Residential address!", "address"), ("t", "Town / City", "city"),
                                  ("t", "Postcode", "postcode"), ("t", "Mobile number", "phone"),
                                  ("t", "Email address", "email"), ("d", "Living at this address since", None)]),
         ("Employment", [("t", "Occupation", "occupation"), ("t", "Employer", "employer"),
                         ("c", "Account type", None, opts("Current", "Savings", "Joint")),
                         ("t", "Annual income", None)]),
     ], "decl": "By signing I confirm that I have read and accept the account terms and conditions."},
    {"title": ["New Patient Registration", "Patient Intake Questionnaire"],
     "org": ["Riverside Medical Centre", "Oakfield Family Practice"],
     "sections": [
         ("Patient", [("t", "Patient name", "name"), ("d", "Date of birth", "date_of_birth"),
                      ("c", "Sex", "gender", G_EN), ("t", "Phone", "phone"), ("t", "Address!", "address"),
                      ("t", "Postcode", "postcode"), ("t", "Emergency contact!", "emergency_contact")]),
         ("Medical history", [("t", "Previous GP", None), ("d", "Date of last check-up", None),
                              ("c", "Do you smoke?", None, YN), ("c", "Any known allergies?", None, YN),
                              ("t", "Current medication!", None)]),
     ], "decl": "I consent to my medical records being transferred to this practice."},
    {"title": ["New Starter Form", "Employee Onboarding Details"],
     "org": ["Pennine Energy Ltd", "Kestrel Software – People Team"],
     "sections": [
         ("Personal information", [("t", "First name", "first_name"), ("t", "Surname", "last_name"),
                                   ("d", "Date of birth", "date_of_birth"), ("c", "Gender", "gender", G_EN),
                                   ("t", "NI / ID number", "id_number"), ("t", "Personal email", "email"),
                                   ("t", "Mobile", "phone"), ("t", "Home address!", "address"),
                                   ("t", "City", "city"), ("t", "Postcode", "postcode")]),
         ("Employment", [("t", "Job title", "occupation"), ("t", "Department", None),
                         ("d", "Start date", None), ("d", "Probation end date", None),
                         ("t", "Emergency contact!", "emergency_contact")]),
     ], "decl": "I confirm the information above is accurate and I will notify HR of any changes."},
    {"title": ["Application to Register a Vehicle", "Vehicle Registration & Licensing Form"],
     "org": ["Vehicle Licensing Office", "Department of Motor Vehicles"],
     "sections": [
         ("Keeper", [("t", "Registered keeper", "name"), ("d", "Date of birth", "date_of_birth"),
                     ("t", "Driving licence no.", "id_number"), ("t", "Address!", "address"),
                     ("t", "City", "city"), ("t", "Postcode", "postcode"), ("t", "Daytime phone", "phone")]),
         ("Vehicle", [("t", "Make", None), ("t", "Model", None), ("t", "Registration mark", None),
                      ("d", "Date of first registration", None), ("d", "Date of purchase", None),
                      ("c", "Fuel type", None, opts("Petrol", "Diesel", "Electric", "Hybrid"))]),
     ], "decl": "It is an offence to give false information. Keep a copy of this form for your records."},
    {"title": ["Membership Application", "Library Card Application"],
     "org": ["Fitzroy Leisure Centre", "Brightwater Public Library"],
     "sections": [
         ("Member details", [("t", "Name", "name"), ("d", "Date of birth", "date_of_birth"),
                             ("c", "Gender", "gender", G_EN), ("t", "Address!", "address"),
                             ("t", "Postcode", "postcode"), ("t", "Phone", "phone"), ("t", "Email", "email")]),
         ("Membership", [("c", "Membership type", None, opts("Monthly", "Annual", "Student", "Off-peak")),
                         ("d", "Start date", None), ("c", "Any medical conditions?", None, YN),
                         ("t", "Emergency contact!", "emergency_contact")]),
     ], "decl": "I agree to follow the centre rules and understand that membership is non-transferable."},
    {"title": ["Claim for Housing Benefit", "Income Tax Registration Form"],
     "org": ["Brightwater Council – Revenues & Benefits", "Revenue Office"],
     "sections": [
         ("About you", [("t", "Full name", "name"), ("t", "Tax / NI number", "id_number"),
                        ("d", "Date of birth", "date_of_birth"), ("c", "Marital status", None, MARITAL),
                        ("t", "Address!", "address"), ("t", "City", "city"), ("t", "Postcode", "postcode"),
                        ("t", "Phone", "phone"), ("t", "Email", "email")]),
         ("Work and income", [("t", "Employer", "employer"), ("t", "Occupation", "occupation"),
                              ("d", "Date employment started", None),
                              ("c", "Do you receive any other benefits?", None, YN),
                              ("d", "Date of claim", None)]),
     ], "decl": "I understand that I must report any change in my circumstances without delay."},
    {"title": ["Tenancy Application Form", "Rental Application"],
     "org": ["Ashdown Lettings", "Greenway Property Management"],
     "sections": [
         ("Applicant", [("t", "Applicant name", "name"), ("d", "Date of birth", "date_of_birth"),
                        ("t", "Current address!", "address"), ("t", "Postcode", "postcode"),
                        ("t", "Phone", "phone"), ("t", "Email", "email")]),
         ("Employment and tenancy", [("t", "Employer", "employer"), ("t", "Occupation", "occupation"),
                                     ("t", "Monthly income", None), ("d", "Current tenancy began", None),
                                     ("d", "Preferred move-in date", None),
                                     ("c", "Do you have pets?", None, YN),
                                     ("t", "Emergency contact!", "emergency_contact")]),
     ], "decl": "I authorise the agent to obtain references and carry out a credit check."},
]

ZH_TEMPLATES = [
    {"title": ["社区居民信息登记表", "流动人口居住登记表"], "org": ["城南街道办事处", "和平社区居民委员会"],
     "sections": [
         ("基本信息", [("t", "姓名", "name"), ("c", "性别", "gender", G_ZH), ("d", "出生日期", "date_of_birth"),
                    ("t", "民族", None), ("t", "身份证号码", "id_number"), ("t", "联系电话", "phone"),
                    ("c", "婚姻状况", None, MARITAL_ZH)]),
         ("居住信息", [("t", "现居住地址!", "address"), ("t", "户籍地址!", None), ("d", "来本地日期", None),
                    ("t", "工作单位", "employer"), ("t", "紧急联系人", "emergency_contact")]),
     ], "decl": "本人承诺以上信息真实有效，如有变动将及时向社区报告。"},
    {"title": ["员工入职登记表", "新员工信息登记表"], "org": ["杭州云帆科技有限公司", "苏州恒信精密制造有限公司"],
     "sections": [
         ("个人信息", [("t", "姓名", "name"), ("c", "性别", "gender", G_ZH), ("d", "出生日期", "date_of_birth"),
                    ("t", "身份证号", "id_number"), ("c", "学历", None, opts("高中", "大专", "本科", "硕士", "博士")),
                    ("c", "婚姻状况", None, opts("未婚", "已婚")), ("t", "手机号码", "phone"),
                    ("t", "电子邮箱", "email"), ("t", "家庭住址!", "address")]),
         ("岗位信息", [("t", "部门", None), ("t", "职位", "occupation"), ("d", "入职日期", None),
                    ("d", "试用期截止", None), ("t", "紧急联系人", "emergency_contact")]),
     ], "decl": "本人保证所填信息真实，如有虚假，公司有权解除劳动合同。"},
    {"title": ["门诊就诊登记表", "患者信息登记表"], "org": ["成都市第三人民医院", "社区卫生服务中心"],
     "sections": [
         ("患者信息", [("t", "患者姓名", "name"), ("c", "性别", "gender", G_ZH), ("d", "出生日期", "date_of_birth"),
                    ("t", "身份证号", "id_number"), ("t", "联系电话", "phone"), ("t", "职业", "occupation"),
                    ("t", "住址!", "address")]),
         ("就诊信息", [("d", "就诊日期", None), ("c", "过敏史", None, opts("无", "有")),
                    ("c", "医保类型", None, opts("职工医保", "居民医保", "自费")),
                    ("d", "发病日期", None), ("t", "紧急联系人", "emergency_contact")]),
     ], "decl": "以上信息由本人（或家属）如实填写。"},
    {"title": ["个人银行结算账户开户申请表", "个人客户开户申请书"], "org": ["某某银行股份有限公司", "城市商业银行"],
     "sections": [
         ("客户信息", [("t", "户名", "name"), ("c", "证件类型", None, opts("居民身份证", "护照", "其他")),
                    ("t", "证件号码", "id_number"), ("d", "证件有效期至", None), ("d", "出生日期", "date_of_birth"),
                    ("c", "性别", "gender", G_ZH), ("t", "国籍", "nationality"), ("t", "职业", "occupation"),
                    ("t", "工作单位", "employer")]),
         ("联系方式", [("t", "联系地址!", "address"), ("t", "邮政编码", "postcode"), ("t", "手机号码", "phone"),
                    ("t", "电子邮箱", "email"), ("c", "账户类型", None, opts("Ⅰ类户", "Ⅱ类户", "Ⅲ类户"))]),
     ], "decl": "本人已阅读并同意遵守账户管理相关规定，保证所提供资料真实、完整、有效。"},
    {"title": ["旅客入住登记表", "宾客住宿登记单"], "org": ["西湖畔酒店", "锦江之星（人民路店）"],
     "sections": [
         ("宾客信息", [("t", "姓名", "name"), ("c", "性别", "gender", G_ZH), ("t", "证件号码", "id_number"),
                    ("t", "国籍", "nationality"), ("d", "出生日期", "date_of_birth"), ("t", "联系电话", "phone"),
                    ("t", "住址!", "address")]),
         ("入住信息", [("d", "入住日期", None), ("d", "离店日期", None), ("t", "房号", None),
                    ("c", "房型", None, opts("标准间", "大床房", "套房")),
                    ("c", "付款方式", None, opts("现金", "银行卡", "微信", "支付宝"))]),
     ], "decl": "贵重物品请寄存前台，否则遗失本店概不负责。"},
    {"title": ["新生入学登记表", "学生学籍信息登记表"], "org": ["华东理工职业学院", "武汉光谷实验中学"],
     "sections": [
         ("学生信息", [("t", "姓名", "name"), ("c", "性别", "gender", G_ZH), ("d", "出生日期", "date_of_birth"),
                    ("t", "身份证号", "id_number"), ("c", "政治面貌", None, opts("群众", "共青团员", "中共党员")),
                    ("t", "毕业学校", None), ("d", "入学日期", None)]),
         ("家庭信息", [("t", "家庭住址!", "address"), ("t", "邮政编码", "postcode"), ("t", "联系电话", "phone"),
                    ("t", "紧急联系人", "emergency_contact"), ("c", "是否住校", None, YN_ZH)]),
     ], "decl": "本人确认以上信息准确无误。"},
    {"title": ["外国人居留许可申请表", "签证延期申请表"], "org": ["出入境管理局", "公安局出入境接待大厅"],
     "sections": [
         ("申请人信息", [("t", "姓", "last_name"), ("t", "名", "first_name"), ("c", "性别", "gender", G_ZH),
                     ("d", "出生日期", "date_of_birth"), ("t", "国籍", "nationality"),
                     ("t", "护照号码", "passport_number"), ("d", "护照有效期至", None)]),
         ("在华信息", [("d", "入境日期", None), ("t", "在华住址!", "address"), ("t", "工作单位", "employer"),
                    ("t", "职业", "occupation"), ("t", "联系电话", "phone"),
                    ("c", "申请事由", None, opts("工作", "学习", "团聚", "其他"))]),
     ], "decl": "我保证所填内容真实准确，如有不实，愿承担法律责任。"},
    {"title": ["机动车注册登记申请表", "机动车转移登记申请表"], "org": ["车辆管理所", "交通警察支队车管所"],
     "sections": [
         ("机动车所有人", [("t", "所有人姓名", "name"), ("t", "身份证明号码", "id_number"),
                      ("t", "住所地址!", "address"), ("t", "邮政编码", "postcode"), ("t", "联系电话", "phone")]),
         ("车辆信息", [("t", "车辆品牌", None), ("t", "车辆识别代号", None), ("d", "购车日期", None),
                    ("d", "出厂日期", None), ("c", "使用性质", None, opts("非营运", "营运", "租赁")),
                    ("c", "获得方式", None, opts("购买", "赠予", "继承"))]),
     ], "decl": "申请人对申请材料的真实有效性负责。"},
    {"title": ["健身会员入会申请表", "图书馆读者证申请表"], "org": ["力美健身俱乐部", "市图书馆"],
     "sections": [
         ("会员信息", [("t", "姓名", "name"), ("c", "性别", "gender", G_ZH), ("d", "出生日期", "date_of_birth"),
                    ("t", "证件号码", "id_number"), ("t", "手机", "phone"), ("t", "邮箱", "email"),
                    ("t", "地址!", "address")]),
         ("办理信息", [("c", "会员类型", None, opts("月卡", "季卡", "年卡")), ("d", "开卡日期", None),
                    ("c", "是否有心脏病等病史", None, YN_ZH), ("t", "紧急联系人", "emergency_contact")]),
     ], "decl": "本人已知悉并遵守本俱乐部各项规章制度。"},
    {"title": ["最低生活保障申请表", "个人所得税专项附加扣除信息表"], "org": ["民政局", "税务局"],
     "sections": [
         ("申请人", [("t", "申请人姓名", "name"), ("t", "身份证号", "id_number"), ("d", "出生日期", "date_of_birth"),
                  ("c", "性别", "gender", G_ZH), ("t", "户籍所在地!", None), ("t", "现住址!", "address"),
                  ("t", "联系电话", "phone")]),
         ("就业及家庭", [("t", "工作单位", "employer"), ("c", "就业状况", None, opts("在职", "失业", "退休", "灵活就业")),
                     ("t", "家庭人口", None), ("d", "申请日期", None)]),
     ], "decl": "本人承诺所填报信息真实，并授权有关部门核查家庭经济状况。"},
    {"title": ["房屋租赁申请表", "公租房承租申请表"], "org": ["安居房屋租赁有限公司", "住房保障中心"],
     "sections": [
         ("承租人信息", [("t", "承租人姓名", "name"), ("c", "性别", "gender", G_ZH), ("t", "身份证号", "id_number"),
                     ("d", "出生日期", "date_of_birth"), ("t", "联系电话", "phone"), ("t", "工作单位", "employer"),
                     ("t", "职业", "occupation"), ("t", "现住址!", "address")]),
         ("租赁意向", [("t", "月收入", None), ("d", "拟入住日期", None),
                    ("c", "租期", None, opts("半年", "一年", "两年")), ("c", "是否养宠物", None, YN_ZH),
                    ("t", "紧急联系人", "emergency_contact")]),
     ], "decl": "本人承诺遵守租赁合同约定，按时缴纳租金。"},
]

EN_FONTS = ["Liberation Sans", "Liberation Serif", "DejaVu Sans", "DejaVu Serif", "Noto Sans",
            "Noto Serif", "Liberation Sans Narrow", "DejaVu Sans Condensed"]
ZH_FONTS = ["Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei", "Noto Sans CJK SC"]
THEMES = [  # border, accent (bars), label-cell background, title colour
    ("#333333", "#1f4e79", "#eef3f9", "#1f4e79"),
    ("#7a8ca5", "#2b5797", "#eaf1fb", "#1b365d"),
    ("#888888", "#555555", "#f2f2f2", "#222222"),
    ("#4a6fa5", "#dfe8f3", "#f5f8fc", "#203a5c"),
    ("#666666", "#8b1a1a", "#fbf3ea", "#8b1a1a"),
    ("#2f5d50", "#2f5d50", "#eef5f2", "#2f5d50"),
    ("#999999", "#e6e6e6", "#fafafa", "#333333"),
]
LAYOUTS = ["left", "above", "underline", "cell", "lvtable"]

EN_DATE_FORMATS = ["DD/MM/YYYY", "MM/DD/YYYY", "YYYY-MM-DD", "DD.MM.YYYY", "YYYY/MM/DD", "DD-MM-YYYY"]
ZH_DATE_FORMATS = ["YYYY-MM-DD", "YYYY年MM月DD日", "YYYY/MM/DD", "YYYY.MM.DD"]

DATE_STYLES = {
    # style: (contexts, langs)
    "box_hint_before": ("box", "en zh"), "box_hint_after": ("box", "en zh"),
    "box_hint_below": ("box", "en zh"), "box_placeholder": ("box", "en zh"),
    "box_plain": ("box", "en zh"), "boxes_placeholder": ("box cell lv", "en zh"),
    "boxes_caption_above": ("box cell", "en zh"), "boxes_caption_below": ("box cell lv", "en zh"),
    "boxes_units": ("box lv cell", "zh"), "underline_units": ("box ul cell lv", "zh"),
    "blank_units": ("lv ul", "zh"), "underline_slash": ("ul lv cell", "en"),
    "digit_boxes": ("box cell lv ul", "en zh"), "ul_hint": ("ul", "en zh"), "ul_plain": ("ul", "en zh"),
    "cell_hint": ("cell lv", "en zh"), "cell_plain": ("cell lv", "en zh"),
}
OPT_STYLES = {"css_square": "square", "native_checkbox": "square", "native_radio": "radio",
              "css_circle": "radio", "glyph_☐": "glyph", "glyph_□": "glyph", "glyph_○": "glyph"}


def text_w(s, size):
    return sum(size if ord(c) > 0x2e80 else size * 0.6 for c in s)


class Form:
    def __init__(self, rng, fid, lang, tpl, variant, layout, stats):
        self.rng, self.fid, self.lang, self.tpl, self.variant = rng, fid, lang, tpl, variant
        self.layout, self.stats = layout, stats
        self.fields = []
        self.zh = lang == "zh"
        r = rng
        self.font = r.choice(ZH_FONTS if self.zh else EN_FONTS)
        self.size = r.randint(12, 18)
        self.lh = round(self.size * 1.5)
        self.bh = self.lh + r.choice([6, 8, 10, 12])
        self.W = r.randrange(800, 1301, 10)
        self.P = r.choice([24, 32, 40, 48])
        self.bc, self.ac, self.lbg, self.tc = r.choice(THEMES)
        self.cw = self.W - 2 * self.P  # content width
        self.colon = r.choice(["：", "："] if self.zh else [":", ":", ""])
        self.order = "YMD" if self.zh else r.choice(["DMY", "DMY", "MDY", "YMD"])
        if self.zh:
            self.date_fmts = ZH_DATE_FORMATS
        else:
            self.date_fmts = {"DMY": ["DD/MM/YYYY", "DD/MM/YYYY", "DD.MM.YYYY", "DD-MM-YYYY"], "MDY": ["MM/DD/YYYY"],
                              "YMD": ["YYYY-MM-DD", "YYYY/MM/DD"]}[self.order]
        self.main_fmt = r.choice(self.date_fmts)
        self.label_col = r.random() < 0.5
        self.ncol = 1
        self.bar = r.choice(["bar", "rule", "plain"])
        self.native_boxes = r.random() < 0.4

    # -- truth helpers -----------------------------------------------------------------------
    def new_field(self, kind, label, key, **kw):
        f = {"label": label, "label_box": None, "kind": kind}
        f.update(kw)
        f["key"] = key
        self.fields.append(f)
        return len(self.fields) - 1

    def lab(self, i, text, req=False, cls="lab"):
        s = f'<span class="{cls}" data-f="{i}" data-r="lab">{esc(text)}</span>'
        if req:
            s += '<span class="req">*</span>'
        return s

    def value_for(self, key):
        if key and self.present.get(key):
            return self.person[key] if key not in ("date_of_birth", "date") else None
        return None

    # -- widgets ------------------------------------------------------------------------------
    def pick(self, table, counter, allowed):
        best = min(counter[s] for s in allowed)
        cands = [s for s in allowed if counter[s] <= best + 1]
        return self.rng.choice(cands)

    def date_style(self, ctx):
        allowed = [s for s, (c, l) in DATE_STYLES.items() if ctx in c.split() and self.lang in l.split()]
        return self.pick(DATE_STYLES, self.stats["date_styles_" + self.lang], allowed)

    def fmt(self):
        return self.main_fmt if self.rng.random() < 0.8 else self.rng.choice(self.date_fmts)

    def date_parts_order(self):
        return {"DMY": ["day", "month", "year"], "MDY": ["month", "day", "year"],
                "YMD": ["year", "month", "day"]}[self.order]

    def part_values(self, iso, pad=True):
        if iso is None:
            return {"day": None, "month": None, "year": None}
        y, m, d = iso.split("-")
        if not pad:
            m, d = str(int(m)), str(int(d))
        return {"year": y, "month": m, "day": d}

    def date_truth(self, key):
        if key and self.present.get(key):
            return self.person["dob" if key == "date_of_birth" else "date"].isoformat()
        return None

    def part_span(self, i, p, inner="", cls="bx", style=""):
        return f'<span class="{cls}" data-f="{i}" data-r="part" data-p="{p}" style="{style}">{inner}</span>'

    def date_widget(self, i, style, iso):
        """Inline HTML of a date widget (not for cell_*); sets format / parts in the truth."""
        f = self.fields[i]
        r = self.rng
        zh = self.zh
        order = self.date_parts_order()
        ph = {"day": "DD", "month": "MM", "year": "YYYY"}
        if not zh and r.random() < 0.35:
            ph = {k: v.lower() for k, v in ph.items()}
        if zh and r.random() < 0.5:
            ph = {"day": "日", "month": "月", "year": "年"}
        wpart = {"day": 2.8 * self.size + 8, "month": 2.8 * self.size + 8, "year": 4.2 * self.size + 8}
        pad = True
        one_box = style in ("box_hint_before", "box_hint_after", "box_hint_below", "box_placeholder",
                            "box_plain", "ul_hint", "ul_plain")
        if one_box:
            f["input_box"] = "in"
            f["parts"] = []
            fmt = None
            if style not in ("box_plain", "ul_plain"):
                fmt = self.fmt()
            f["format"] = fmt
            shown = fmt.lower() if (fmt and not zh and r.random() < 0.3) else fmt
            hint_txt = None
            if fmt:
                hint_txt = (r.choice([f"({shown})", f"Format: {shown}", shown]) if not zh else
                            r.choice([f"（{shown}）", f"格式：{shown}", shown]))
            w = int(max(text_w(fmt or "YYYY-MM-DD", self.size) + 24, 130))
            if style.startswith("ul"):
                box = f'<span class="ul" data-f="{i}" data-r="in" style="width:{w}px"></span>'
                if fmt:
                    if r.random() < 0.5:
                        return f'<span class="hint">{esc(hint_txt)}</span>{box}'
                    return f'{box}<span class="hint">{esc(hint_txt)}</span>'
                return box
            if style == "box_placeholder":
                if self.native_boxes or r.random() < 0.5:
                    return (f'<input class="bx" type="text" data-f="{i}" data-r="in" '
                            f'placeholder="{esc(shown)}" style="width:{w}px">')
                return (f'<span class="bx ph" data-f="{i}" data-r="in" style="width:{w}px">'
                        f'{esc(shown)}</span>')
            box = f'<span class="bx" data-f="{i}" data-r="in" style="width:{w}px"></span>'
            if style == "box_hint_before":
                return f'<span class="hint">{esc(hint_txt)}</span>{box}'
            if style == "box_hint_after":
                return f'{box}<span class="hint">{esc(hint_txt)}</span>'
            if style == "box_hint_below":
                return f'<span class="col">{box}<span class="hint">{esc(hint_txt)}</span></span>'
            return box
        # ---- parts
        f["input_box"] = None
        f["format"] = None
        parts = []
        f["parts"] = parts
        if style in ("boxes_units", "underline_units", "blank_units"):
            order = ["year", "month", "day"]
            pad = r.random() < 0.4
        vals = self.part_values(iso, pad)
        for p in order:
            parts.append({"part": p, "box": None, "value": vals[p]})
        units = {"year": "年", "month": "月", "day": "日"}
        sep = r.choice(["/", "/", "-", "."]) if not zh else r.choice(["/", "-", "年月日"])
        out = []
        if style == "boxes_placeholder":
            for k, p in enumerate(order):
                if k:
                    out.append(f'<span class="sep">{units[order[k - 1]] if sep == "年月日" else sep}</span>')
                if self.native_boxes:
                    out.append(f'<input class="bx" type="text" data-f="{i}" data-r="part" data-p="{p}" '
                               f'placeholder="{ph[p]}" style="width:{int(wpart[p])}px">')
                else:
                    out.append(self.part_span(i, p, esc(ph[p]), "bx ph", f"width:{int(wpart[p])}px"))
            if sep == "年月日":
                out.append('<span class="sep">日</span>')
            return '<span class="dgrp">' + "".join(out) + "</span>"
        if style in ("boxes_caption_above", "boxes_caption_below"):
            cap = ({"day": "日", "month": "月", "year": "年"} if zh else
                   r.choice([{"day": "Day", "month": "Month", "year": "Year"},
                             {"day": "DD", "month": "MM", "year": "YYYY"},
                             {"day": "day", "month": "month", "year": "year"}]))
            for p in order:
                c = f'<span class="cap">{cap[p]}</span>'
                b = self.part_span(i, p, "", "bx", f"width:{int(wpart[p])}px")
                out.append(f'<span class="col">{c}{b}</span>' if style.endswith("above")
                           else f'<span class="col">{b}{c}</span>')
            return '<span class="dgrp">' + "".join(out) + "</span>"
        if style == "boxes_units":
            for p in order:
                out.append(self.part_span(i, p, "", "bx", f"width:{int(wpart[p] * 0.9)}px"))
                out.append(f'<span class="sep">{units[p]}</span>')
            return '<span class="dgrp">' + "".join(out) + "</span>"
        if style == "underline_units":
            for p in order:
                w = int(wpart[p] * r.choice([0.9, 1.0, 1.2]))
                out.append(self.part_span(i, p, "", "ul", f"width:{w}px"))
                out.append(f'<span class="sep">{units[p]}</span>')
            return '<span class="dgrp">' + "".join(out) + "</span>"
        if style == "blank_units":
            for p in order:
                w = int(self.size * (3.2 if p == "year" else 2.2))
                out.append(self.part_span(i, p, "", "blank", f"width:{w}px"))
                out.append(f'<span class="sep">{units[p]}</span>')
            return '<span class="dgrp">' + "".join(out) + "</span>"
        if style == "underline_slash":
            s = r.choice(["/", "/", "-"])
            for k, p in enumerate(order):
                if k:
                    out.append(f'<span class="sep">{s}</span>')
                out.append(self.part_span(i, p, "", "ul", f"width:{int(wpart[p])}px"))
            hint = s.join({"day": "DD", "month": "MM", "year": "YYYY"}[p] for p in order)
            return f'<span class="dgrp">{"".join(out)}<span class="hint">({hint})</span></span>'
        if style == "digit_boxes":
            dw = int(self.size * 1.3 + 4)
            capt = r.random() < 0.5
            for k, p in enumerate(order):
                n = 4 if p == "year" else 2
                cells = "".join(f'<span class="dg" style="width:{dw}px"></span>' for _ in range(n))
                grp = self.part_span(i, p, cells, "dgg", "")
                if capt:
                    c = (units[p] if zh else {"day": "DD", "month": "MM", "year": "YYYY"}[p])
                    grp = f'<span class="col">{grp}<span class="cap">{c}</span></span>'
                if k and not capt:
                    out.append(f'<span class="sep">{"/" if not zh else "-"}</span>')
                out.append(grp)
            return '<span class="dgrp">' + "".join(out) + "</span>"
        raise ValueError(style)

    def opt_widget(self, i, options, ctx):
        r = self.rng
        allowed = list(OPT_STYLES)
        if ctx == "ul":
            allowed = ["glyph_☐", "glyph_□", "glyph_○", "css_square", "native_checkbox"]
        st = self.pick(OPT_STYLES, self.stats["opt_styles"], allowed)
        self.stats["opt_styles"][st] += 1
        n = len(options)
        arr = "row"
        if ctx in ("box", "cell") and n >= 3 and r.random() < 0.35:
            arr = r.choice(["stack", "grid"]) if n >= 4 else "stack"
        elif ctx in ("box", "lv") and r.random() < 0.15:
            arr = "stack"
        self.stats["opt_arrangement"][arr] += 1
        f = self.fields[i]
        f["style"] = OPT_STYLES[st]
        f["input_box"] = None
        f["options"] = []
        out = []
        for k, (text, meaning) in enumerate(options):
            f["options"].append({"text": text, "text_box": None, "box": None})
            a = f'data-f="{i}" data-r="ob" data-o="{k}"'
            if st == "css_square":
                b = f'<span class="sq" {a}></span>'
            elif st == "css_circle":
                b = f'<span class="sq ci" {a}></span>'
            elif st == "native_checkbox":
                b = f'<input type="checkbox" {a}>'
            elif st == "native_radio":
                b = f'<input type="radio" name="r{i}" {a}>'
            else:
                b = f'<span class="gl" {a}>{st[-1]}</span>'
            t = f'<span data-f="{i}" data-r="ot" data-o="{k}">{esc(text)}</span>'
            out.append(f'<span class="opt">{b}{t}</span>')
        cls = {"row": "opts", "stack": "opts stack", "grid": "opts ogrid"}[arr]
        return f'<span class="{cls}">' + "".join(out) + "</span>"

    # -- field creation -----------------------------------------------------------------------
    def make_field(self, spec):
        kind = spec[0]
        label = spec[1].rstrip("!")
        key = spec[2]
        if kind == "t":
            return self.new_field("text", label, key, input_box="in", value=self.value_for(key))
        if kind == "sig":
            v = self.person["name"] if self.present.get("signature") else None
            return self.new_field("text", label, "signature", input_box="in", value=v)
        if kind == "d":
            return self.new_field("date", label, key, value=self.date_truth(key), input_box=None,
                                  format=None, parts=[])
        if kind == "c":
            v = None
            if key == "gender" and self.present.get("gender"):
                want = "M" if self.person["male"] else "F"
                v = next(t for t, m in spec[3] if m == want)
            return self.new_field("checkbox", label, key, style=None, input_box=None, value=v, options=[])
        raise ValueError(kind)

    def req(self, spec):
        return spec[2] in ("name", "first_name", "last_name", "date_of_birth") and self.req_marks

    def est_field_width(self, spec, i):
        """rough width (px) needed by label + widget, for packing."""
        f = self.fields[i]
        lw = text_w(f["label"], self.size) + 16
        if f["kind"] == "checkbox":
            return lw + sum(text_w(t, self.size) + self.size + 26 for t, _ in spec[3])
        if f["kind"] == "date":
            return lw + 16 * self.size
        if spec[1].endswith("!"):
            return lw + 420
        return lw + 180

    # -- layouts ------------------------------------------------------------------------------
    def build_section_grid(self, specs, above):
        ncol = self.ncol
        self.lcw = int(min(max(text_w(s[1].rstrip("!"), self.size) for s in specs if s[0] != "c") + 14,
                           (self.cw / ncol) * 0.4))
        gap = 28
        colw = (self.cw - gap * (ncol - 1)) / ncol
        items = []
        for spec in specs:
            i = self.make_field(spec)
            f = self.fields[i]
            ctx = "box"
            if f["kind"] == "text":
                if self.native_boxes:
                    w = f'<input class="bx grow" type="text" data-f="{i}" data-r="in">'
                else:
                    w = f'<span class="bx grow" data-f="{i}" data-r="in"></span>'
            elif f["kind"] == "date":
                st = self.date_style(ctx)
                self.stats["date_styles_" + self.lang][st] += 1
                w = self.date_widget(i, st, f["value"])
            else:
                w = self.opt_widget(i, spec[3], ctx)
            need = self.est_field_width(spec, i)
            if above:
                need = max(text_w(f["label"], self.size), need - text_w(f["label"], self.size))
            span = min(ncol, max(1, math.ceil(need / colw)))
            if spec[1].endswith("!") and ncol > 1:
                span = max(span, min(ncol, 2 if ncol >= 3 else ncol))
            lab = self.lab(i, f["label"], self.req(spec)) + (self.colon if not above else "")
            cls = "fa" if above else "fl"
            if above and f["kind"] != "text":
                w = f'<span class="wrow">{w}</span>'
            lwst = f' style="min-width:{self.lcw}px"' if (not above and self.label_col) else ""
            items.append(f'<div class="{cls}" style="grid-column:span {span}">'
                         f'<span class="lw"{lwst}>{lab}</span>{w}</div>')
        return (f'<div class="grid" style="grid-template-columns:repeat({ncol},minmax(0,1fr))">'
                + "".join(items) + "</div>")

    def build_section_ul(self, specs):
        lines, cur, curw = [], [], 0
        for spec in specs:
            i = self.make_field(spec)
            f = self.fields[i]
            if f["kind"] == "text":
                w = f'<span class="ul grow" data-f="{i}" data-r="in"></span>'
                grow = 2 if spec[1].endswith("!") else 1
            elif f["kind"] == "date":
                st = self.date_style("ul")
                self.stats["date_styles_" + self.lang][st] += 1
                w = self.date_widget(i, st, f["value"])
                grow = 0
            else:
                w = self.opt_widget(i, spec[3], "ul")
                grow = 0
            need = self.est_field_width(spec, i) + 24
            lab = self.lab(i, f["label"], self.req(spec)) + self.colon
            item = (f'<div class="uf" style="flex:{grow} 1 auto">'
                    f'<span class="lw">{lab}</span>{w}</div>')
            if cur and curw + need > self.cw:
                lines.append(cur)
                cur, curw = [], 0
            cur.append(item)
            curw += need
            if spec[1].endswith("!") and self.rng.random() < 0.6:
                lines.append(cur)
                cur, curw = [], 0
        if cur:
            lines.append(cur)
        return "".join(f'<div class="uline">{"".join(l)}</div>' for l in lines)

    def table_cols(self, units):
        tw = self.cw
        base = tw // units
        ws = [base] * units
        ws[-1] += tw - base * units
        return ws

    def build_section_cell(self, specs, title):
        units = self.ncol
        ws = self.table_cols(units)
        colw = self.cw / units
        rows, cur, used = [], [], 0
        ch = self.lh * 2 + 14
        for spec in specs:
            i = self.make_field(spec)
            f = self.fields[i]
            lab = self.lab(i, f["label"], self.req(spec), "lab clab")
            need = self.est_field_width(spec, i) * 0.75
            if f["kind"] == "date":
                st = self.date_style("cell")
                self.stats["date_styles_" + self.lang][st] += 1
                if st in ("cell_hint", "cell_plain"):
                    f["input_box"] = "in"
                    f["parts"] = []
                    fmt = r_fmt = None
                    if st == "cell_hint":
                        fmt = self.fmt()
                        r_fmt = fmt.lower() if (not self.zh and self.rng.random() < 0.3) else fmt
                    f["format"] = fmt
                    inner = lab + (f'<div class="chint">{esc(r_fmt)}</div>' if fmt else "")
                    td = f'<td data-f="{i}" data-r="in" COLSPAN><div class="cin">{inner}</div></td>'
                else:
                    td = f'<td COLSPAN><div class="cin">{lab}<div class="cw">{self.date_widget(i, st, f["value"])}</div></div></td>'
            elif f["kind"] == "checkbox":
                td = f'<td COLSPAN><div class="cin">{lab}<div class="cw">{self.opt_widget(i, spec[3], "cell")}</div></div></td>'
            else:
                td = f'<td data-f="{i}" data-r="in" COLSPAN><div class="cin">{lab}</div></td>'
            span = min(units, max(1, math.ceil(need / colw)))
            if spec[1].endswith("!"):
                span = max(span, min(units, 2 if units >= 3 else units))
            if used + span > units:
                cur[-1][1] += units - used
                rows.append(cur)
                cur, used = [], 0
            cur.append([td, span])
            used += span
        if cur:
            cur[-1][1] += units - used
            rows.append(cur)
        head = ""
        if title and self.bar == "bar":
            head = f'<tr><th class="tbar" colspan="{units}">{esc(title)}</th></tr>'
        body = "".join("<tr>" + "".join(td.replace("COLSPAN", f'colspan="{s}"' if s > 1 else "")
                                        for td, s in row) + "</tr>" for row in rows)
        cols = "".join(f'<col style="width:{w}px">' for w in ws)
        return (f'<table class="ft" style="width:{self.cw}px"><colgroup>{cols}</colgroup>{head}{body}</table>',
                bool(head))

    def build_section_lv(self, specs, title):
        pairs = self.ncol
        lwid = int(max(text_w(s[1].rstrip("!"), self.size) * 1.08 for s in specs) + 26)
        if pairs > 1 and lwid > self.cw / pairs * 0.42:
            pairs = 1
        self.used_cols.add(pairs)
        lwid = min(lwid, int(self.cw / pairs * 0.42))
        vw = (self.cw - lwid * pairs) // pairs
        ws = []
        for _ in range(pairs):
            ws += [lwid, vw]
        ws[-1] += self.cw - sum(ws)
        rows, cur, used = [], [], 0
        for spec in specs:
            i = self.make_field(spec)
            f = self.fields[i]
            lab = self.lab(i, f["label"], self.req(spec))
            need = self.est_field_width(spec, i) - text_w(f["label"], self.size)
            if f["kind"] == "date":
                st = self.date_style("lv")
                self.stats["date_styles_" + self.lang][st] += 1
                if st in ("cell_hint", "cell_plain"):
                    f["input_box"] = "in"
                    f["parts"] = []
                    fmt = self.fmt() if st == "cell_hint" else None
                    f["format"] = fmt
                    inner = f'<span class="chint">{esc(fmt)}</span>' if fmt else ""
                    vtd = f'<td class="v" data-f="{i}" data-r="in" COLSPAN>{inner}</td>'
                else:
                    vtd = f'<td class="v" COLSPAN>{self.date_widget(i, st, f["value"])}</td>'
            elif f["kind"] == "checkbox":
                vtd = f'<td class="v" COLSPAN>{self.opt_widget(i, spec[3], "lv")}</td>'
            else:
                vtd = f'<td class="v" data-f="{i}" data-r="in" COLSPAN></td>'
            ltd = f'<td class="l">{lab}</td>'
            span = min(pairs, max(1, math.ceil(need / (vw + lwid))))
            if spec[1].endswith("!"):
                span = pairs
            if used + span > pairs:
                cur[-1][2] += pairs - used
                rows.append(cur)
                cur, used = [], 0
            cur.append([ltd, vtd, span])
            used += span
        if cur:
            cur[-1][2] += pairs - used
            rows.append(cur)
        head = ""
        if title and self.bar == "bar":
            head = f'<tr><th class="tbar" colspan="{2 * pairs}">{esc(title)}</th></tr>'
        body = ""
        for row in rows:
            body += "<tr>"
            for ltd, vtd, s in row:
                cs = 2 * s - 1
                body += ltd + vtd.replace("COLSPAN", f'colspan="{cs}"' if cs > 1 else "")
            body += "</tr>"
        cols = "".join(f'<col style="width:{w}px">' for w in ws)
        return (f'<table class="ft" style="width:{self.cw}px"><colgroup>{cols}</colgroup>{head}{body}</table>',
                bool(head))

    # -- page ---------------------------------------------------------------------------------
    def build(self, person):
        r = self.rng
        self.person = person
        tpl = self.tpl
        zh = self.zh
        self.req_marks = r.random() < 0.4
        sections = [(t, [s for s in fs]) for t, fs in tpl["sections"]]
        # variation: drop a few key-null fields, shuffle order inside a section a little
        for t, fs in sections:
            for s in list(fs):
                if s[2] is None and s[0] != "d" and len(fs) > 3 and r.random() < 0.15:
                    fs.remove(s)
        keys = [s[2] for _, fs in sections for s in fs]
        keys += ["signature", "date"]
        self.profile, self.present = make_profile(r, person, keys, self.lang)

        L = self.layout
        if L in ("left", "above"):
            self.ncol = 1 if self.W < 900 and L == "left" and r.random() < 0.3 else \
                (2 if self.W < 1050 else r.choice([2, 3, 3]))
            if L == "above" and self.W >= 1150:
                self.ncol = r.choice([3, 4])
        elif L == "cell":
            self.ncol = r.choice([2, 3]) if self.W < 1000 else r.choice([3, 4])
        elif L == "lvtable":
            self.ncol = 1 if self.W < 900 and r.random() < 0.5 else 2
        else:
            self.ncol = 1

        title = tpl["title"][self.variant]
        org = tpl["org"][self.variant]
        parts = []
        align = r.choice(["center", "left"])
        form_no = (r.choice(["Form HR-12 (rev. 03/2024)", "Ref. CL-7/2023", "Form V5-A  04.24",
                             "Version 2.1 – issued 01/09/2024"]) if not zh else
                   r.choice(["编号：DJ-2024-017", "表单号：KH-03（2023年版）", "（2024年修订）", "No. 000{0}".format(r.randint(100, 999))]))
        parts.append(f'<div class="hdr" style="text-align:{align}"><div class="org">{esc(org)}</div>'
                     f'<div class="title">{esc(title)}</div><div class="fno">{esc(form_no)}</div></div>')
        if r.random() < 0.75:
            instr = (r.choice(["Please complete this form in BLOCK CAPITALS using black ink. Fields marked * are mandatory.",
                               "Please read the guidance notes before completing this form. Write dates as shown. Incomplete applications will be returned.",
                               "Complete all sections. If a question does not apply to you, write N/A."])
                     if not zh else
                     r.choice(["请用黑色签字笔正楷填写，字迹清楚，带*号为必填项。",
                               "填表说明：请如实填写以下内容，日期请按格式填写，不适用的项目请填“无”。",
                               "请仔细阅读背面须知后填写本表，涂改无效。"]))
            parts.append(f'<div class="instr">{esc(instr)}</div>')
        photo = zh and L in ("lvtable", "left") and r.random() < 0.5
        body_parts = []
        self.used_cols = set()
        cw0 = self.cw
        for si, (t, fs) in enumerate(sections):
            if photo and si == 0:
                self.cw = cw0 - 140
            sec = []
            if L in ("cell", "lvtable"):
                html_t, has_head = (self.build_section_cell(fs, t) if L == "cell" else self.build_section_lv(fs, t))
                if not has_head:
                    sec.append(self.sec_title(t))
                sec.append(html_t)
            else:
                sec.append(self.sec_title(t))
                if L == "underline":
                    sec.append(self.build_section_ul(fs))
                else:
                    sec.append(self.build_section_grid(fs, L == "above"))
            if photo and si == 0:
                self.cw = cw0
                sec = [f'<div class="prow"><div style="width:{cw0 - 140}px">{"".join(sec)}</div>'
                       '<div class="photo">贴照片处<br>（一寸免冠）</div></div>']
            body_parts.append("".join(sec))
        parts += body_parts
        if L == "lvtable":
            self.ncol = max(self.used_cols)
        self.stats["layouts"][f"{L}/{self.ncol}col" if L != "underline" else L] += 1
        # declaration + signature + date
        decl = tpl["decl"]
        parts.append(self.sec_title("Declaration" if not zh else "声明") if r.random() < 0.5 else "")
        parts.append(f'<div class="decl">{esc(decl)}</div>')
        parts.append(self.signature_block())
        if r.random() < 0.6:
            parts.append(self.office_block())
        footer = (r.choice([f"{org} · Page 1 of 1", f"{org} – please keep a copy for your records",
                            "Data protection: your information will be processed in accordance with our privacy notice."])
                  if not zh else r.choice([f"{org}制　第1页 共1页", "本表一式两份，申请人与受理单位各执一份。",
                                           f"{org} 监制"]))
        parts.append(f'<div class="foot">{esc(footer)}</div>')
        self.html = self.page_html("".join(parts))

    def sec_title(self, t):
        if self.bar == "bar":
            return f'<div class="sbar">{esc(t)}</div>'
        if self.bar == "rule":
            return f'<div class="srule">{esc(t)}</div>'
        return f'<div class="splain">{esc(t)}</div>'

    def signature_block(self):
        r = self.rng
        zh = self.zh
        sl = r.choice(["Signature", "Signature of applicant", "Signed"]) if not zh else r.choice(["申请人签名", "本人签字", "签名"])
        dl = r.choice(["Date", "Date signed", "Today's date"]) if not zh else r.choice(["日期", "填表日期", "签字日期"])
        si = self.make_field(("sig", sl, "signature"))
        di = self.make_field(("d", dl, "date"))
        ctx = "ul" if self.layout in ("underline", "lvtable", "cell") or r.random() < 0.5 else "box"
        st = self.date_style(ctx)
        self.stats["date_styles_" + self.lang][st] += 1
        dw = self.date_widget(di, st, self.fields[di]["value"])
        if ctx == "ul":
            sw = f'<span class="ul" data-f="{si}" data-r="in" style="width:{r.randint(220, 300)}px"></span>'
        else:
            sw = f'<span class="bx" data-f="{si}" data-r="in" style="width:{r.randint(220, 300)}px;height:{self.bh + 16}px"></span>'
        return (f'<div class="sig"><div class="uf">{self.lab(si, sl)}{self.colon}{sw}</div>'
                f'<div class="uf">{self.lab(di, dl)}{self.colon}{dw}</div></div>')

    def office_block(self):
        r = self.rng
        zh = self.zh
        head = "For office use only" if not zh else r.choice(["以下由工作人员填写", "受理单位填写"])
        labels = (["Reference no.", "Received by", "Date received"] if not zh else
                  ["受理编号", "经办人", "受理日期"])
        items = []
        for k, l in enumerate(labels):
            if k == 2:
                i = self.make_field(("d", l, None))
                st = self.date_style("box")
                self.stats["date_styles_" + self.lang][st] += 1
                w = self.date_widget(i, st, None)
            else:
                i = self.make_field(("t", l, None))
                w = f'<span class="bx" data-f="{i}" data-r="in" style="width:{r.randint(130, 180)}px"></span>'
            items.append(f'<div class="uf">{self.lab(i, l)}{self.colon}{w}</div>')
        return (f'<div class="office"><div class="ohead">{esc(head)}</div>'
                f'<div class="orow">{"".join(items)}</div></div>')

    def page_html(self, body):
        s, lh, bh, bc, ac, lbg = self.size, self.lh, self.bh, self.bc, self.ac, self.lbg
        light_bar = ac in ("#dfe8f3", "#e6e6e6")
        bar_fg = "#1a1a1a" if light_bar else "#ffffff"
        cellh = lh * 2 + 16
        css = f"""
*{{box-sizing:border-box}}
body{{margin:0;background:#fff;color:#1a1a1a;font-family:'{self.font}',sans-serif;font-size:{s}px;line-height:{lh}px}}
.page{{width:{self.W}px;padding:{self.P}px}}
.hdr{{margin-bottom:12px}} .org{{font-size:{max(12, s - 2)}px;color:#555;letter-spacing:1px}}
.title{{font-size:{s + 8}px;line-height:{s + 14}px;font-weight:bold;color:{self.tc};margin:4px 0}}
.fno{{font-size:{max(11, s - 4)}px;color:#777}}
.instr{{font-size:{max(12, s - 2)}px;color:#333;background:#f7f7f2;border-left:3px solid {ac};padding:6px 10px;margin:8px 0 12px}}
.sbar{{background:{ac};color:{bar_fg};font-weight:bold;padding:3px 10px;margin:16px 0 10px}}
.srule{{font-weight:bold;border-bottom:2px solid {ac};padding-bottom:2px;margin:16px 0 10px;color:{self.tc}}}
.splain{{font-weight:bold;margin:16px 0 8px;text-transform:{'uppercase' if not self.zh else 'none'};font-size:{s + 1}px}}
.grid{{display:grid;column-gap:28px;row-gap:12px}}
.fl{{display:flex;align-items:center;gap:8px;min-width:0}}
.fa{{display:flex;flex-direction:column;align-items:flex-start;gap:3px;min-width:0}}
.fa > .bx.grow{{width:100%}}
.wrow{{display:inline-flex;align-items:center;gap:4px}}
.lw{{white-space:nowrap;flex:0 0 auto}}
.lab{{white-space:nowrap}}
.req{{color:#c00;margin-left:2px}}
.bx{{display:inline-block;height:{bh}px;border:1px solid {bc};background:#fff;vertical-align:middle;
    font:inherit;padding:0 6px;line-height:{bh - 2}px;border-radius:{self.rng.choice([0, 0, 2, 3])}px;flex:0 0 auto}}
.bx.grow{{flex:1 1 auto;min-width:60px}}
.ph,input.bx::placeholder{{color:#a3a3a3}}
.ul{{display:inline-block;height:{lh}px;border-bottom:1px solid #333;vertical-align:bottom;flex:0 0 auto}}
.ul.grow{{flex:1 1 auto;min-width:60px}}
.blank{{display:inline-block;height:{lh}px;vertical-align:bottom}}
.hint{{color:#777;font-size:{max(11, s - 3)}px;margin:0 6px;white-space:nowrap}}
.col{{display:inline-flex;flex-direction:column;align-items:center;gap:1px}}
.col .hint{{margin:0}}
.cap{{font-size:{max(11, s - 4)}px;color:#666;line-height:{max(11, s - 4) + 3}px}}
.dgrp{{display:inline-flex;align-items:center;gap:4px;white-space:nowrap;flex:0 0 auto}}
.sep{{color:#444;margin:0 1px}}
.dgg{{display:inline-flex}} .dg{{display:inline-block;height:{bh}px;border:1px solid {bc};margin-left:-1px}}
.dgg .dg:first-child{{margin-left:0}}
.opts{{display:inline-flex;flex-wrap:wrap;column-gap:18px;row-gap:4px;align-items:center}}
.opts.stack{{flex-direction:column;align-items:flex-start}}
.opts.ogrid{{display:inline-grid;grid-template-columns:auto auto;column-gap:22px}}
.opt{{display:inline-flex;align-items:center;gap:5px;white-space:nowrap}}
.opt input{{margin:0}}
.sq{{display:inline-block;width:{max(12, s - 2)}px;height:{max(12, s - 2)}px;border:1px solid #333;background:#fff}}
.ci{{border-radius:50%}}
.gl{{font-size:{s + 2}px}}
.uline{{display:flex;align-items:flex-end;gap:26px;margin:{max(12, s)}px 0}}
.uf{{display:inline-flex;align-items:flex-end;gap:4px;white-space:nowrap}}
.ft{{border-collapse:separate;border-spacing:0;table-layout:fixed;border-top:1px solid {bc};border-left:1px solid {bc};margin:0 0 6px}}
.ft td,.ft th{{border-right:1px solid {bc};border-bottom:1px solid {bc};padding:0;vertical-align:top;overflow:hidden}}
.ft td{{height:{cellh}px}}
.tbar{{background:{ac};color:{bar_fg};text-align:left;padding:3px 8px !important;font-weight:bold;height:{lh + 6}px}}
.cin{{padding:3px 6px 6px}}
.clab{{font-size:{max(11, s - 4)}px;color:#555;line-height:{max(11, s - 4) + 4}px}}
.chint{{color:#9a9a9a;font-size:{max(11, s - 3)}px;text-align:right;margin-top:{lh // 2}px}}
.cw{{margin-top:4px}}
.ft td.l{{background:{lbg};padding:6px 8px;vertical-align:middle}}
.ft td.l .lab{{white-space:normal}}
.ft td.v{{padding:6px 8px;vertical-align:middle}}
.ft td.v .chint{{margin:0}}
.decl{{margin:14px 0 10px;font-size:{max(12, s - 1)}px}}
.sig{{display:flex;justify-content:space-between;align-items:flex-end;margin:16px 0 8px;gap:30px;flex-wrap:wrap}}
.office{{border:1px dashed #888;background:#f6f6f6;padding:8px 12px;margin-top:18px}}
.ohead{{font-size:{max(11, s - 3)}px;color:#666;font-weight:bold;margin-bottom:6px}}
.orow{{display:flex;gap:26px;flex-wrap:wrap;align-items:flex-end}}
.office .uf{{align-items:center}}
.foot{{margin-top:18px;border-top:1px solid #ccc;padding-top:6px;font-size:{max(11, s - 4)}px;color:#888}}
.prow{{display:flex;justify-content:space-between;align-items:flex-start}} .prow .photo{{margin-top:40px}}
.photo{{width:110px;height:140px;border:1px solid {bc};color:#999;font-size:12px;line-height:18px;
        display:flex;align-items:center;justify-content:center;text-align:center}}
"""
        return (f'<!DOCTYPE html><html lang="{"zh-CN" if self.zh else "en"}"><head><meta charset="utf-8">'
                f"<style>{css}</style></head><body><div class=\"page\">{body}</div></body></html>")

    def layout_desc(self):
        L = self.layout
        d = {"left": "labels left of boxes", "above": "labels above boxes", "underline": "labels on underlines",
             "cell": "labels inside bordered table cells", "lvtable": "label cell | value cell table"}[L]
        cols = f", {self.ncol}-column" if L != "underline" else ""
        return (f"{d}{cols}; section headers {self.bar}; font {self.font} {self.size}px, line {self.lh}px; "
                f"page {self.W}px; border {self.bc}; {'native inputs' if self.native_boxes else 'CSS boxes'}")


# Table cells share edges: make every table row an integer number of pixels high and every
# table start on a whole pixel, so that floored/ceiled cell boxes of neighbours do not overlap.
JS_SNAP = r"""(() => {
  for (const t of document.querySelectorAll('table.ft')) {
    for (const tr of t.rows) {
      const h = tr.getBoundingClientRect().height;
      tr.style.height = Math.ceil(h - 1e-3) + 'px';
    }
  }
  for (const t of document.querySelectorAll('table.ft')) {
    const top = t.getBoundingClientRect().top;
    const fr = Math.ceil(top - 1e-3) - top;
    if (fr > 1e-3) t.style.marginTop = fr + 'px';
  }
  return true;
})()"""

JS_EXTRACT = r"""(() => {
  const out = [];
  document.querySelectorAll('[data-f]').forEach(e => {
    const r = e.getBoundingClientRect();
    out.push({f: +e.dataset.f, r: e.dataset.r, p: e.dataset.p || null,
              o: e.dataset.o != null ? +e.dataset.o : null,
              b: [r.left + window.scrollX, r.top + window.scrollY, r.right + window.scrollX, r.bottom + window.scrollY]});
  });
  return out;
})()"""


def ibox(b):
    return [math.floor(b[0] + 1e-6), math.floor(b[1] + 1e-6), math.ceil(b[2] - 1e-6), math.ceil(b[3] - 1e-6)]


def attach_boxes(form, data):
    for d in data:
        f = form.fields[d["f"]]
        b = ibox(d["b"])
        if d["r"] == "lab":
            f["label_box"] = b
        elif d["r"] == "in":
            f["input_box"] = b
        elif d["r"] == "part":
            for p in f["parts"]:
                if p["part"] == d["p"]:
                    p["box"] = b
        elif d["r"] == "ob":
            f["options"][d["o"]]["box"] = b
        elif d["r"] == "ot":
            f["options"][d["o"]]["text_box"] = b


def overlap(a, b):
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def validate(form, W, H):
    errs = []
    writ = []  # (field index, box)
    for i, f in enumerate(form.fields):
        lb = f["label_box"]
        if not (isinstance(lb, list) and lb[2] > lb[0] and lb[3] > lb[1]):
            errs.append(f"field {i} {f['label']!r}: no label box")
            continue
        boxes = [lb]
        if f["kind"] in ("text", "date"):
            if f["kind"] == "text" or not f["parts"]:
                if not isinstance(f["input_box"], list):
                    errs.append(f"field {i} {f['label']!r}: no input box")
                    continue
                writ.append((i, f["input_box"]))
            else:
                if f["input_box"] is not None or f["format"] is not None:
                    errs.append(f"field {i}: parts with input_box/format")
                for p in f["parts"]:
                    if not isinstance(p["box"], list):
                        errs.append(f"field {i}: part {p['part']} without box")
                        continue
                    writ.append((i, p["box"]))
        else:
            if not f["options"]:
                errs.append(f"field {i}: no options")
            for o in f["options"]:
                if not (isinstance(o["box"], list) and isinstance(o["text_box"], list)):
                    errs.append(f"field {i}: option {o['text']!r} without boxes")
                    continue
                writ.append((i, o["box"]))
                boxes.append(o["text_box"])
            if f["value"] is not None and f["value"] not in [o["text"] for o in f["options"]]:
                errs.append(f"field {i}: value not an option")
        for b in boxes + [w for j, w in writ if j == i]:
            if not (0 <= b[0] < b[2] <= W and 0 <= b[1] < b[3] <= H):
                errs.append(f"field {i} {f['label']!r}: box {b} outside page {W}x{H}")
    for a in range(len(writ)):
        for c in range(a + 1, len(writ)):
            if overlap(writ[a][1], writ[c][1]):
                errs.append(f"writable boxes overlap: field {writ[a][0]} {writ[a][1]} / field {writ[c][0]} {writ[c][1]}")
    in_cell = form.layout == "cell"
    for i, f in enumerate(form.fields):
        texts = [("label", f["label_box"])] + [("option text", o["text_box"]) for o in f.get("options") or []]
        for what, tb in texts:
            if not isinstance(tb, list):
                continue
            for j, w in writ:
                if j == i and in_cell and what == "label" and f["kind"] != "checkbox" and w == f["input_box"]:
                    continue  # the label sits inside its own cell, which is the input box
                if overlap(tb, w):
                    errs.append(f"field {i} {what} {tb} overlaps writable box {w} of field {j}")
    return errs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=101)
    ap.add_argument("--count", type=int, default=44)
    ap.add_argument("--only", default=None, help="comma-separated ids to render (debugging)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    master = random.Random(args.seed)
    n_en = (args.count + 1) // 2
    plan = []
    layout_deck = {}
    for lang, n, tpls in (("en", n_en, EN_TEMPLATES), ("zh", args.count - n_en, ZH_TEMPLATES)):
        order = list(range(len(tpls)))
        master.shuffle(order)
        deck = []
        while len(deck) < n:
            ls = LAYOUTS[:]
            master.shuffle(ls)
            deck += ls
        for k in range(n):
            t = order[k % len(tpls)]
            plan.append((lang, t, (k // len(tpls)) % 2, deck[k]))
    stats = {"layouts": Counter(), "date_styles_en": Counter(), "date_styles_zh": Counter(),
             "opt_styles": Counter(), "opt_arrangement": Counter()}
    all_errs = []
    summary = {"forms": Counter(), "kinds": Counter(), "check_style": Counter(), "keyed": Counter(),
               "date_null": Counter(), "fmt": Counter()}
    only = set(args.only.split(",")) if args.only else None
    with Browser() as br:
        for k, (lang, t, variant, layout) in enumerate(plan):
            fid = f"b_{k + 1:02d}"
            rng = random.Random(f"{args.seed}:{fid}")
            tpl = (EN_TEMPLATES if lang == "en" else ZH_TEMPLATES)[t]
            form = Form(rng, fid, lang, tpl, variant, layout, stats)
            person = make_person(rng, lang)
            form.build(person)
            if only and fid not in only:
                continue
            W = form.W
            png, data, (w, h) = br.render(form.html, W, JS_EXTRACT, min_height=400, js_prepare=JS_SNAP)
            attach_boxes(form, data)
            errs = validate(form, w, h)
            for e in errs:
                all_errs.append(f"{fid}: {e}")
            with open(os.path.join(args.out, fid + ".html"), "w", encoding="utf-8") as fh:
                fh.write(form.html)
            save_png(png, os.path.join(args.out, fid + ".png"))
            doc = {"id": fid, "lang": lang, "width": w, "height": h, "image": fid + ".png",
                   "layout": form.layout_desc(), "profile": form.profile, "fields": form.fields}
            with open(os.path.join(args.out, fid + ".json"), "w", encoding="utf-8") as fh:
                json.dump(doc, fh, ensure_ascii=False, indent=1)
                fh.write("\n")
            summary["forms"][lang] += 1
            for f in form.fields:
                summary["kinds"][f["kind"]] += 1
                if f["key"]:
                    summary["keyed"][f["kind"]] += 1
                if f["kind"] == "checkbox":
                    summary["check_style"][f["style"]] += 1
                if f["kind"] == "date":
                    summary["date_null"]["null" if f["value"] is None else "valued"] += 1
                    summary["fmt"][f["format"] or ("(parts)" if f["parts"] else "(none)")] += 1
            print(f"{fid} {lang} {layout:9s} {w}x{h} fields={len(form.fields)} errs={len(errs)}", flush=True)
    if not only:
        write_readme(args, summary, stats)
    if all_errs:
        print("\n".join(all_errs), file=sys.stderr)
        print(f"{len(all_errs)} violation(s)", file=sys.stderr)
        sys.exit(1)


def write_readme(args, s, st):
    def tab(c):
        return "\n".join(f"| {k} | {v} |" for k, v in sorted(c.items(), key=lambda kv: (-kv[1], str(kv[0]))))
    txt = f"""# Held-out form corpus "b"

Generated by `tools/forms/make_heldout_b.py --out DIR --seed {args.seed} --count {args.count}`
(v2 JSON format: one `<id>.json` next to `<id>.png`; `<id>.html` is the page source).
Boxes are read from the DOM after layout (headless Chromium, device scale factor 1).

## Forms per language

| lang | forms |
|---|---|
{tab(s['forms'])}

## Fields per kind (keyed = key not null)

| kind | fields |
|---|---|
{tab(s['kinds'])}

| kind (keyed only) | fields |
|---|---|
{tab(s['keyed'])}

Dates with a value / null: {dict(s['date_null'])}

## Date styles

English forms:

| style | dates |
|---|---|
{tab(st['date_styles_en'])}

Chinese forms:

| style | dates |
|---|---|
{tab(st['date_styles_zh'])}

`format` of one-box dates (`(parts)`: date in separate parts, `(none)`: one box, no printed format):

| format | dates |
|---|---|
{tab(s['fmt'])}

## Option (checkbox) styles

| rendering | fields |
|---|---|
{tab(st['opt_styles'])}

| JSON style | fields |
|---|---|
{tab(s['check_style'])}

| arrangement | fields |
|---|---|
{tab(st['opt_arrangement'])}

## Layouts

| layout / columns | forms |
|---|---|
{tab(st['layouts'])}
"""
    with open(os.path.join(args.out, "README.md"), "w", encoding="utf-8") as fh:
        fh.write(txt)


if __name__ == "__main__":
    main()
