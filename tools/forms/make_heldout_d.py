#!/usr/bin/env python3
"""Held-out form corpus D: real-world form types in v2 JSON (tests/fixtures/forms_tune/README.md).

    python3 tools/forms/make_heldout_d.py --out DIR [--seed 404] [--count 44]
    python3 tools/forms/make_scans.py --in DIR --seed 71

Writes d_01 ... d_NN (odd = English, even = Simplified Chinese) as .html (source), .png (headless
Chromium via tools/cdp_render.py, device scale factor 1) and .json (v2 ground truth).  Every box is
read from the DOM after layout (getBoundingClientRect, x1/y1 floored, x2/y2 ceiled); glyph options
(☐ □ ○ ◯) get the ink box of the character from canvas measureText with the element's computed
font, placed at the character's DOM position and baseline, and are checked against the PNG pixels.

Self-checks (the script stops with an error if a form cannot be drawn cleanly in a few
deterministic attempts): no overlapping boxes of different fields (a label may lie inside its own
cell), every label >= 8 px from any other field's input / part / option, no field box on a decoy
(logo, photo box, stamp, office panel, barcode, instruction table), all boxes inside the page and
inside their own cell / grid item, label and option text boxes contain ink, glyph ink boxes match
the pixels, PNGs < 120 KB.  Deterministic for a seed (given the same Chromium and fonts).
"""

import argparse
import html
import io
import json
import math
import os
import random
import sys
import time
from collections import Counter, defaultdict

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from cdp_render import Browser, CDPError  # noqa: E402

from PIL import Image  # noqa: E402

E = html.escape
MAX_PNG = 120 * 1024


class CheckError(RuntimeError):
    pass


# --------------------------------------------------------------------------------------------
# people and profiles
# --------------------------------------------------------------------------------------------

EN_FIRST_M = ["James", "Oliver", "Daniel", "Michael", "Thomas", "Samuel", "Ethan", "Lucas", "Henry",
              "Adrian", "Patrick", "Marcus", "Owen", "Callum", "Isaac"]
EN_FIRST_F = ["Emily", "Sophie", "Hannah", "Grace", "Olivia", "Chloe", "Amelia", "Rachel", "Laura",
              "Megan", "Isabel", "Naomi", "Freya", "Leah", "Zara"]
EN_LAST = ["Carter", "Wilson", "Thompson", "Bennett", "Hughes", "Walsh", "Fletcher", "Morgan", "Reid",
           "Patel", "O'Neill", "Sullivan", "Harrington", "Kowalski", "Nguyen", "Brooks", "Delaney",
           "Okafor", "Lindqvist", "Moreau"]
EN_PLACES = [  # street pool, city, postcode, phone style, nationality
    (["Maple Avenue", "Station Road", "Church Lane", "Victoria Street"], "Leeds", "LS6 2QT", "uk", "British"),
    (["Whiteladies Road", "Cotham Hill", "Gloucester Road"], "Bristol", "BS8 1TH", "uk", "British"),
    (["Unthank Road", "Magdalen Street", "Earlham Road"], "Norwich", "NR2 4PD", "uk", "British"),
    (["Elm Street", "Oak Ridge Drive", "Lakeview Terrace"], "Springfield", "62704", "us", "American"),
    (["Pine Hollow Road", "Main Street", "Cedar Lane"], "Portland", "97205", "us", "American"),
    (["Bank Street", "Elgin Street", "Somerset Street West"], "Ottawa", "K1P 5G4", "ca", "Canadian"),
    (["Boundary Street", "Brunswick Street", "Given Terrace"], "Brisbane", "4000", "au", "Australian"),
    (["Douglas Road", "Magazine Road", "Western Road"], "Cork", "T12 X70A", "ie", "Irish"),
    (["Ponsonby Road", "Dominion Road"], "Auckland", "1011", "nz", "New Zealander"),
]
EN_OCC = ["Nurse", "Electrician", "Accountant", "Teacher", "Software developer", "Chef", "Civil engineer",
          "Pharmacist", "Graphic designer", "Paramedic", "Retail manager", "Architect"]
EN_EMP = ["Northwind Logistics Ltd", "St Mary's Hospital", "Greenfield Academy", "Harbour Bank plc",
          "Brightside Energy", "Cobalt Software Inc.", "City Council", "Redwood Builders"]

ZH_PEOPLE = [("张伟", "M", "zhang wei"), ("王芳", "F", "wang fang"), ("李娜", "F", "li na"), ("刘洋", "M", "liu yang"),
             ("陈静", "F", "chen jing"), ("杨磊", "M", "yang lei"), ("赵敏", "F", "zhao min"), ("黄勇", "M", "huang yong"),
             ("周婷", "F", "zhou ting"), ("吴刚", "M", "wu gang"), ("徐丽", "F", "xu li"), ("孙强", "M", "sun qiang"),
             ("马超", "M", "ma chao"), ("朱红", "F", "zhu hong"), ("胡军", "M", "hu jun"), ("郭燕", "F", "guo yan"),
             ("林峰", "M", "lin feng"), ("何静", "F", "he jing"), ("高翔", "M", "gao xiang"), ("罗雪", "F", "luo xue")]
ZH_PLACES = [("北京市朝阳区建国路88号3号楼1502室", "北京", "100022", "110105"),
             ("上海市浦东新区张杨路1200弄5号602室", "上海", "200122", "310115"),
             ("广州市天河区天河北路233号1806房", "广州", "510630", "440106"),
             ("杭州市西湖区文三路478号2幢301室", "杭州", "310012", "330106"),
             ("成都市武侯区科华北路65号7栋2单元1201", "成都", "610041", "510107"),
             ("南京市鼓楼区中山北路105号4单元502", "南京", "210009", "320106"),
             ("武汉市洪山区珞喻路1037号12栋", "武汉", "430074", "420111"),
             ("西安市雁塔区小寨东路126号3-2-701", "西安", "710061", "610113")]
ZH_OCC = ["教师", "会计", "软件工程师", "护士", "销售经理", "公务员", "个体经营者", "设计师", "司机", "厨师"]
ZH_EMP = ["杭州云帆科技有限公司", "上海浦江建设集团", "成都市第三人民医院", "南京鼓楼实验中学",
          "广州粤通物流有限公司", "北京华信会计师事务所", "武汉长江电气股份有限公司"]

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]

KEY_SPELL = {
    "name": (["name", "full_name", "Name", "Full Name"], ["姓名", "name"]),
    "first_name": (["first_name", "given_name", "First name"], ["名", "first_name"]),
    "last_name": (["last_name", "surname", "family_name"], ["姓", "last_name"]),
    "id_number": (["id_number", "ID", "id_no"], ["身份证号码", "身份证号", "id_number", "ID"]),
    "passport_number": (["passport_number", "passport", "passport_no"], ["护照号码", "passport_number"]),
    "phone": (["phone", "Mobile", "tel", "phone_number"], ["手机", "电话", "联系电话", "phone", "Mobile"]),
    "email": (["email", "E-mail", "Email"], ["邮箱", "电子邮箱", "email", "E-mail"]),
    "address": (["address", "home_address", "Address"], ["地址", "住址", "address", "home_address"]),
    "city": (["city", "town", "City"], ["城市", "city"]),
    "postcode": (["postcode", "zip", "postal_code"], ["邮编", "postcode", "zip"]),
    "date_of_birth": (["date_of_birth", "dob", "birth_date", "DOB"], ["出生日期", "dob", "date_of_birth"]),
    "gender": (["gender", "sex", "Gender"], ["性别", "gender", "sex"]),
    "nationality": (["nationality", "citizenship"], ["国籍", "nationality"]),
    "occupation": (["occupation", "job", "Occupation"], ["职业", "occupation"]),
    "employer": (["employer", "company", "Employer"], ["工作单位", "单位", "employer"]),
    "emergency_contact": (["emergency_contact", "emergency contact"], ["紧急联系人", "emergency_contact"]),
    "date": (["date", "today", "Date"], ["日期", "date", "填表日期"]),
}


def id_check(body17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(c) * k for c, k in zip(body17, w)) % 11]


def spell_date(rng, y, m, d, lang):
    opts = ["iso", "cn", "dot", "dmy_words", "mdy_words"]
    if d > 12:
        opts.append("slash")
    if lang == "zh":
        opts += ["cn", "iso"]
    s = rng.choice(opts)
    if s == "iso":
        return f"{y:04d}-{m:02d}-{d:02d}"
    if s == "cn":
        return f"{y}年{m}月{d}日"
    if s == "dot":
        return f"{y:04d}.{m:02d}.{d:02d}"
    if s == "dmy_words":
        return f"{d} {MONTHS[m - 1]} {y}"
    if s == "mdy_words":
        return f"{MONTHS[m - 1]} {d}, {y}"
    return f"{d:02d}/{m:02d}/{y:04d}"


def make_person(rng, lang, romanised=False):
    p = {}
    y, m, d = rng.randint(1952, 2004), rng.randint(1, 12), rng.randint(1, 28)
    p["dob"] = (y, m, d)
    p["today"] = (rng.choice([2024, 2025]), rng.randint(1, 12), rng.randint(1, 28))
    if lang == "zh" or romanised:
        nm, g, py = rng.choice(ZH_PEOPLE)
        addr, city, post, region = rng.choice(ZH_PLACES)
        seq = rng.randint(10, 99) * 10 + (rng.choice([1, 3, 5, 7, 9]) if g == "M" else rng.choice([0, 2, 4, 6, 8]))
        body = f"{region}{y:04d}{m:02d}{d:02d}{seq:03d}"
        p["id_number"] = body + id_check(body)
        p["gender"] = g
        p["phone"] = rng.choice(["138", "139", "186", "159", "177", "135"]) + "".join(str(rng.randint(0, 9)) for _ in range(8))
        p["email"] = f"{py.replace(' ', '')}{rng.randint(10, 99)}@{rng.choice(['163.com', 'qq.com', '126.com', 'sina.com'])}"
        p["passport_number"] = "E" + "".join(str(rng.randint(0, 9)) for _ in range(8))
        if romanised:
            fam, given = py.split()
            p["first_name"], p["last_name"] = given.capitalize(), fam.capitalize()
            p["name"] = f"{p['first_name']} {p['last_name']}"
            p["address"] = rng.choice(["Flat 4, 22 Harbour View Road", "Room 1502, 88 Jianguo Road", "7 Linden Close"])
            p["city"], p["postcode"] = rng.choice([("London", "E14 9GE"), ("Beijing", "100022"), ("Manchester", "M1 5QA")])
            p["nationality"] = "Chinese"
            p["occupation"] = rng.choice(EN_OCC)
            p["employer"] = rng.choice(EN_EMP)
            p["emergency_contact"] = f"{rng.choice(['Li Na', 'Wang Fang', 'Chen Jing'])} {p['phone'][:3]} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
        else:
            p["name"] = nm
            p["last_name"], p["first_name"] = nm[0], nm[1:]
            p["address"], p["city"], p["postcode"] = addr, city, post
            p["nationality"] = rng.choice(["中国", "中国", "中华人民共和国"])
            p["occupation"] = rng.choice(ZH_OCC)
            p["employer"] = rng.choice(ZH_EMP)
            other = rng.choice([x for x in ZH_PEOPLE if x[0] != nm])[0]
            p["emergency_contact"] = f"{other} " + rng.choice(["137", "158", "189"]) + "".join(str(rng.randint(0, 9)) for _ in range(8))
        return p
    g = rng.choice("MF")
    first = rng.choice(EN_FIRST_M if g == "M" else EN_FIRST_F)
    last = rng.choice(EN_LAST)
    streets, city, post, ph, nat = rng.choice(EN_PLACES)
    p["gender"] = g
    p["first_name"], p["last_name"], p["name"] = first, last, f"{first} {last}"
    p["address"] = f"{rng.randint(2, 240)} {rng.choice(streets)}"
    if rng.random() < 0.3:
        p["address"] = f"Apt {rng.randint(1, 30)}, " + p["address"]
    p["city"], p["postcode"], p["nationality"] = city, post, nat
    n = [rng.randint(0, 9) for _ in range(10)]
    p["phone"] = {"uk": f"07{n[0]}{n[1]}{n[2]} {n[3]}{n[4]}{n[5]}{n[6]}{n[7]}{n[8]}",
                  "us": f"({n[0] + 2}{n[1]}{n[2]}) 555-01{n[3]}{n[4]}",
                  "ca": f"613-555-01{n[3]}{n[4]}",
                  "au": f"04{n[0]}{n[1]} {n[2]}{n[3]}{n[4]} {n[5]}{n[6]}{n[7]}",
                  "ie": f"08{n[0] % 9 + 1} {n[1]}{n[2]}{n[3]} {n[4]}{n[5]}{n[6]}{n[7]}",
                  "nz": f"021 {n[1]}{n[2]}{n[3]} {n[4]}{n[5]}{n[6]}"}[ph]
    p["email"] = f"{first.lower()}.{last.lower().replace(chr(39), '')}{rng.choice(['', str(rng.randint(1, 99))])}@" + \
        rng.choice(["gmail.com", "outlook.com", "yahoo.co.uk", "mail.com", "icloud.com"])
    p["id_number"] = rng.choice([f"Q{rng.choice('ABCEHJKLMNPRSTWXYZ')} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.choice('ABCD')}",
                                 f"{rng.randint(100, 899)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}",
                                 f"{rng.choice('ABCDEFGH')}{rng.randint(1000000, 9999999)}"])
    p["passport_number"] = rng.choice([str(rng.randint(100000000, 999999999)), f"P{rng.choice('ABCDE')}{rng.randint(1000000, 9999999)}"])
    p["occupation"] = rng.choice(EN_OCC)
    p["employer"] = rng.choice(EN_EMP)
    p["emergency_contact"] = f"{rng.choice(EN_FIRST_M + EN_FIRST_F)} {last} {p['phone'][:-3]}{rng.randint(100, 999)}"
    return p


GENDER_SPELL = {"M": ["M", "male", "Male", "m", "男"], "F": ["F", "female", "Female", "f", "女"]}


# --------------------------------------------------------------------------------------------
# field specs and themes
# --------------------------------------------------------------------------------------------

def T(label, key=None, **o):
    return dict(kind="text", label=label, key=key, **o)


def D(label, key=None, **o):
    return dict(kind="date", label=label, key=key, **o)


def O(label, opts, key=None, **o):
    return dict(kind="checkbox", label=label, key=key, opts=opts, **o)


COMMON = {  # shorthand: (key, kind, en labels, zh labels, extra)
    "NAME": ("name", "text", ["Full name", "Name", "Applicant name", "Name in full", "Full legal name"], ["姓名", "申请人姓名", "本人姓名"], {}),
    "FIRST": ("first_name", "text", ["First name", "Given name(s)", "Forename"], ["名"], {}),
    "LAST": ("last_name", "text", ["Last name", "Surname", "Family name"], ["姓"], {}),
    "DOB": ("date_of_birth", "date", ["Date of birth", "Birth date", "Date of Birth", "DOB"], ["出生日期", "出生年月日", "出生日期"], {}),
    "GENDER": ("gender", "checkbox", ["Gender", "Sex"], ["性别"], {"opts": "GENDER"}),
    "PHONE": ("phone", "text", ["Phone", "Telephone", "Mobile number", "Contact number", "Daytime phone"], ["联系电话", "手机号码", "电话", "移动电话"], {"w": "m"}),
    "EMAIL": ("email", "text", ["Email", "E-mail address", "Email address"], ["电子邮箱", "邮箱", "E-mail"], {"w": "m"}),
    "ADDR": ("address", "text", ["Address", "Home address", "Residential address", "Postal address", "Street address"], ["家庭住址", "现住址", "通讯地址", "联系地址", "居住地址"], {"w": "l"}),
    "CITY": ("city", "text", ["City", "Town / City", "Town"], ["所在城市", "城市"], {"w": "s"}),
    "POST": ("postcode", "text", ["Postcode", "ZIP code", "Postal code", "Post code"], ["邮政编码", "邮编"], {"w": "s"}),
    "ID": ("id_number", "text", ["ID number", "National ID number", "Identity card no."], ["身份证号码", "公民身份号码", "证件号码"], {"w": "m"}),
    "PASS": ("passport_number", "text", ["Passport number", "Passport No."], ["护照号码"], {"w": "m"}),
    "NAT": ("nationality", "text", ["Nationality", "Citizenship"], ["国籍"], {"w": "s"}),
    "OCC": ("occupation", "text", ["Occupation", "Job title", "Profession"], ["职业"], {"w": "m"}),
    "EMP": ("employer", "text", ["Employer", "Employer name", "Company"], ["工作单位", "单位名称"], {"w": "m"}),
    "EMER": ("emergency_contact", "text", ["Emergency contact", "Emergency contact (name and phone)", "Next of kin / emergency contact"], ["紧急联系人", "紧急联系人及电话"], {"w": "l"}),
    "SIG": ("signature", "text", ["Signature", "Signature of applicant", "Applicant's signature", "Signed"], ["申请人签名", "签名", "本人签字", "申请人（签字）"], {"sig": True}),
    "DATE": ("date", "date", ["Date", "Date signed", "Today's date", "Date of application"], ["日期", "填表日期", "申请日期"], {}),
}
BILINGUAL = {"name": "Name", "gender": "Sex", "date_of_birth": "Date of Birth", "phone": "Tel.", "email": "E-mail",
             "address": "Address", "id_number": "ID No.", "nationality": "Nationality", "occupation": "Occupation",
             "employer": "Employer", "signature": "Signature", "date": "Date", "postcode": "Postcode",
             "emergency_contact": "Emergency Contact", "city": "City", "passport_number": "Passport No."}

YN = ("YN",)

EN_THEMES = [
    ("Prescription Refill Request", "Riverside Community Pharmacy", [
        ("Patient details", ["NAME", "DOB", "PHONE", "ADDR", T("Health service number", w="m"),
                             O("Preferred contact method", ["Phone call", "Email", "Text message"])]),
        ("Medication", [T("Medication name", w="l"), T("Strength / dose", w="s"), T("Prescribing doctor", w="m"),
                        D("Date of last refill"), O("Collection", ["Collect in store", "Home delivery"]),
                        T("Known allergies", tall=2, w="l")]),
        ("", ["SIG", "DATE"])]),
    ("Recreational Boat Licence Application", "Maritime Safety Authority", [
        ("Section A: Owner", ["LAST", "FIRST", "DOB", "GENDER", "ADDR", "POST", "PHONE", "EMAIL"]),
        ("Section B: Vessel", [T("Vessel name", w="m"), T("Hull identification number", comb=12),
                               T("Length overall (m)", w="s"), T("Engine power (kW)", w="s"),
                               O("Hull material", ["Fibreglass", "Wood", "Aluminium", "Steel"]),
                               O("Propulsion", ["Sail", "Outboard", "Inboard"])]),
        ("Declaration", ["SIG", "DATE"])]),
    ("School Trip Permission Slip", "Hillcrest Primary School", [
        ("Trip", [T("Student name", w="m"), T("Class / Grade", w="s"), T("Destination", w="l"), D("Date of trip")]),
        ("Parent or guardian", ["NAME:Parent / guardian name", "PHONE", "EMER",
                                O("May staff give basic first aid?", YN),
                                O("Dietary requirements", ["None", "Vegetarian", "Halal", "Gluten-free"]),
                                T("Medical conditions or medication", tall=2, w="l")]),
        ("", ["SIG:Parent / guardian signature", "DATE"])]),
    ("Adult Passport Renewal / Renouvellement de passeport", "Passport Program", [
        ("1. Applicant / Demandeur", ["LAST:Surname / Nom", "FIRST:Given names / Prénoms", "DOB:Date of birth / Date de naissance",
                                      O("Sex / Sexe", "SEXMFX", key="gender"), T("Place of birth / Lieu de naissance", w="m"),
                                      T("Height / Taille (cm)", w="s"), T("Eye colour / Couleur des yeux", w="s")]),
        ("2. Current passport / Passeport actuel", ["PASS:Passport number / Numéro de passeport", D("Expiry date / Date d'expiration")]),
        ("3. Contact", ["ADDR:Address / Adresse", "CITY:City / Ville", "POST:Postal code / Code postal", "PHONE:Telephone / Téléphone", "EMAIL:Email / Courriel"]),
        ("", ["SIG:Signature", "DATE:Date"])]),
    ("Pet Insurance Enrolment Form", "PawSure Insurance", [
        ("Policyholder", ["NAME", "DOB", "ADDR", "POST", "PHONE", "EMAIL"]),
        ("Your pet", [T("Pet's name", w="m"), O("Species", ["Dog", "Cat", "Rabbit"]), T("Breed", w="m"),
                      D("Pet's date of birth"), O("Is your pet neutered?", YN), T("Microchip number", comb=15),
                      O("Cover level", ["Accident only", "Time-limited", "Lifetime"])]),
        ("", ["SIG", "DATE"])]),
    ("Notice of Intended Marriage", "Register Office", [
        ("Your details", ["NAME", "DOB", "GENDER", "OCC", "NAT", "ADDR",
                          O("Current marital status", ["Never married", "Divorced", "Widowed", "Civil partnership dissolved"]),
                          T("Father's full name", w="l")]),
        ("The marriage", [T("Full name of partner", w="l"), T("Proposed venue", w="l"), D("Intended date of marriage")]),
        ("", ["SIG", "DATE"])]),
    ("Change of Account Holder - Utilities", "Brightside Energy & Water", [
        ("Property", [T("Account number", comb=10), T("Supply address", w="l"), D("Move-in date"),
                      T("Meter reading (kWh)", w="s"), O("Services to transfer", ["Electricity", "Gas", "Water"])]),
        ("New account holder", ["NAME", "ID", "PHONE", "EMAIL", O("Billing preference", ["Paper bill", "E-bill"]),
                                T("Previous occupant's name", w="m"), T("Forwarding address of previous occupant", tall=2, w="l")]),
        ("", ["SIG", "DATE"])]),
    ("Personal Loan Application", "Harbour Bank plc", [
        ("Applicant", [O("Title", ["Mr", "Mrs", "Ms", "Dr"]), "FIRST", "LAST", "DOB",
                       O("Marital status", ["Single", "Married", "Divorced", "Widowed"]), "ADDR", "CITY", "POST", "PHONE", "EMAIL"]),
        ("Employment and loan", ["OCC", "EMP", T("Gross annual income", w="s"), T("Loan amount requested", w="s"),
                                 O("Purpose of loan", ["Car", "Home improvement", "Debt consolidation", "Other"]),
                                 O("Repayment term", ["12 months", "24 months", "36 months", "60 months"])]),
        ("", ["SIG", "DATE"])]),
    ("Employee Leave Request", "Human Resources", [
        ("", ["NAME:Employee name", T("Employee number", w="s"), T("Department", w="m"), "OCC:Job title",
              O("Type of leave", ["Annual", "Sick", "Parental", "Unpaid", "Compassionate"]),
              D("First day of leave"), D("Last day of leave"), T("Number of working days", w="s"),
              T("Reason / comments", tall=3, w="l"), T("Cover arranged with", w="m")]),
        ("Approval", [T("Line manager name", w="m"), O("Approved", YN)]),
        ("", ["SIG:Employee signature", "DATE"])]),
    ("Product Warranty Registration", "Kestrel Home Appliances", [
        ("Product", [T("Model number", w="m"), T("Serial number", comb=12), D("Date of purchase"),
                     T("Retailer", w="m"), T("Price paid", w="s")]),
        ("Owner", ["NAME", "EMAIL", "PHONE", "ADDR", "CITY", "POST",
                   O("Where did you hear about us?", ["In store", "Online", "Friend", "Advert"]),
                   O("Send me product news", YN)]),
        ("", ["DATE"])]),
    ("Fishing Licence Application", "Department of Fisheries", [
        ("Angler", ["NAME", "DOB", "GENDER", "ADDR", "POST", "PHONE", "EMAIL"]),
        ("Licence", [O("Licence type", ["1-day", "8-day", "12-month"]), D("Licence start date"),
                     O("Concession", ["None", "Senior (65+)", "Junior", "Disabled"]), O("Water type", ["Freshwater", "Sea"])]),
        ("", ["SIG", "DATE"])]),
    ("Animal Adoption Application", "Second Chance Animal Rescue", [
        ("About you", ["NAME", "DOB", "ADDR", "PHONE", "EMAIL", "OCC"]),
        ("Your home", [T("Animal reference no.", w="s"), T("Name of animal", w="m"),
                       O("Home type", ["House", "Flat", "Farm"]), O("Do you have a secure garden?", YN),
                       T("Adults in household", w="s"), T("Other pets", tall=2, w="l"), D("Preferred home-visit date")]),
        ("", ["SIG", "DATE"])]),
    ("Application to Extend Visa", "Immigration Service", [
        ("Personal particulars", ["LAST:Family name", "FIRST:Given names", "DOB", "GENDER", "NAT", "PASS",
                                  D("Passport expiry date")]),
        ("Stay", [T("Current visa type", w="m"), T("Address in country", w="l"), "PHONE", "EMAIL",
                  O("Reason for extension", ["Tourism", "Business", "Medical", "Family visit"]),
                  T("Extension requested (days)", w="s")]),
        ("", ["SIG", "DATE"])]),
    ("Jury Summons Reply Form", "Crown Court - Jury Central Office", [
        ("Part 1", [T("Juror number", comb=9), "NAME", "DOB", "ADDR", "POST", "PHONE", "EMAIL"]),
        ("Part 2", [O("Can you serve on the date shown?", YN),
                    O("If not, why?", ["Illness", "Work", "Travel booked", "Care duties", "Other"]),
                    D("Available from"), D("Available until"), T("Details", tall=3, w="l")]),
        ("", ["SIG", "DATE"])]),
    ("SIM Card Registration", "Lumen Mobile", [
        ("Subscriber", ["NAME", O("ID document type", ["National ID", "Passport", "Driving licence"]), "ID:Document number",
                        "DOB", "GENDER", "NAT", "ADDR", "PHONE:Alternative contact number", "EMAIL"]),
        ("SIM", [T("SIM serial (ICCID)", comb=19), O("Plan", ["Prepaid", "Postpaid"]), D("Activation date")]),
        ("", ["SIG", "DATE"])]),
    ("Firearm Certificate Renewal", "Police Licensing Unit", [
        ("Applicant", [T("Certificate number", w="m"), "NAME", "DOB", T("Place of birth", w="m"), "ADDR", "POST",
                       "PHONE", "OCC", "EMP"]),
        ("Certificate", [O("Certificate type", ["Firearm", "Shotgun", "Both"]), D("Expiry of current certificate"),
                         O("Any convictions since last grant?", YN), T("GP name and surgery", w="l")]),
        ("", ["SIG", "DATE"])]),
    ("Mail Redirection Application", "National Post", [
        ("Who is moving", ["NAME", "PHONE", "EMAIL", T("Number of people moving", w="s")]),
        ("Addresses", [T("Old address", tall=2, w="l"), "ADDR:New address", "POST:New postcode",
                       D("Redirect mail from"), O("Redirect for", ["3 months", "6 months", "12 months"]),
                       O("Payment method", ["Card", "Cheque", "Cash"])]),
        ("", ["SIG", "DATE"])]),
    ("Lost Property Enquiry", "Metro Transit", [
        ("Item", [T("Description of item", tall=2, w="l"), T("Colour", w="s"), T("Brand / make", w="s"),
                  D("Date lost"), T("Approximate time", w="s"), T("Route or line", w="s"),
                  O("Where was it lost?", ["Bus", "Train", "Station", "Tram"])]),
        ("Your details", ["NAME", "PHONE", "EMAIL", "ADDR", O("Contact me by", ["Phone", "Email", "Post"])]),
        ("", ["DATE"])]),
    ("City Marathon Entry Form", "Harbourside Running Club", [
        ("Runner", ["FIRST", "LAST", "DOB", "GENDER", "NAT", "EMAIL", "PHONE", "ADDR"]),
        ("Race", [O("Race", ["Marathon", "Half marathon", "10K"]), T("Club name", w="m"),
                  T("Predicted finish time", w="s"), O("T-shirt size", ["XS", "S", "M", "L", "XL"]), "EMER"]),
        ("", ["SIG", "DATE"])]),
    ("Practical Driving Test Booking", "Driver and Vehicle Agency", [
        ("Candidate", [T("Driving licence number", comb=16), "NAME", "DOB", "PHONE", "EMAIL", "ADDR", "POST"]),
        ("Test", [O("Vehicle category", ["Car", "Motorcycle", "Van"]), O("Transmission", ["Manual", "Automatic"]),
                  T("Theory test certificate no.", w="m"), T("Preferred test centre", w="m"),
                  D("Earliest date you can attend"), O("Any special requirements?", YN)]),
        ("", ["DATE"])]),
    ("Card Transaction Dispute Form", "Meridian Card Services", [
        ("Cardholder", ["NAME:Cardholder name", T("Card number (last 4 digits)", comb=4), "PHONE", "EMAIL", "ADDR"]),
        ("Transaction", [D("Transaction date"), T("Merchant name", w="m"), T("Transaction amount", w="s"),
                         T("Amount disputed", w="s"),
                         O("Reason for dispute", ["Not authorised", "Goods not received", "Duplicate charge", "Wrong amount"]),
                         O("Do you still have the card?", YN), T("Description", tall=3, w="l")]),
        ("", ["SIG", "DATE"])]),
    ("Allotment Plot Application", "Borough Parks Department", [
        ("", ["NAME", "DOB", "ADDR", "POST", "PHONE", "EMAIL", "EMER"]),
        ("Plot preferences", [O("Plot size", ["Full plot", "Half plot", "Raised bed"]), T("Preferred site", w="m"),
                              O("Gardening experience", ["None", "Some", "Experienced"]), D("Available from"),
                              O("Are you a council tenant?", YN)]),
        ("", ["SIG", "DATE"])]),
]

ZH_THEMES = [
    ("户口迁移申请表", "公安局户政管理科", [
        ("迁移人信息", ["NAME", "GENDER", "DOB", T("民族", w="s"), "ID", T("原户籍地址", w="l"), T("迁入地址", tall=2, w="l"),
                   T("与户主关系", w="s"), "PHONE"]),
        ("迁移事项", [O("迁移原因", ["投靠亲属", "购房落户", "工作调动", "升学"]), D("拟迁出日期")]),
        ("", ["SIG", "DATE"])]),
    ("个体工商户营业执照申请表", "市场监督管理局", [
        ("经营者", ["NAME:经营者姓名", "ID", "GENDER", "PHONE", "EMAIL"]),
        ("登记事项", [T("个体工商户名称", w="l"), T("经营场所", w="l"), T("经营范围", tall=2, w="l"), T("资金数额（万元）", w="s"),
                  O("组成形式", ["个人经营", "家庭经营"]), O("是否申请名称", YN), D("拟开业日期")]),
        ("", ["SIG", "DATE"])]),
    ("住房公积金提取申请表", "住房公积金管理中心", [
        ("", ["NAME:职工姓名", "ID", T("个人公积金账号", comb=12), "EMP", "PHONE",
              O("提取原因", ["购买自住住房", "租赁住房", "退休", "离职"]), T("提取金额（元）", w="s"),
              T("收款银行", w="m"), T("银行卡号", w="l"), D("购房合同签订日期")]),
        ("", ["SIG", "DATE"])]),
    ("医疗保险费用报销申请表", "医疗保障局", [
        ("参保人信息", ["NAME:参保人姓名", "GENDER", "DOB", "ID", "PHONE", T("医保卡号", w="m"),
                   O("参保类型", ["职工医保", "居民医保"])]),
        ("就医信息", [T("就诊医院", w="l"), O("就医类别", ["门诊", "住院", "门诊特殊病"]), D("入院日期"),
                  T("医疗费用总额（元）", w="s"), "ADDR"]),
        ("", ["SIG", "DATE"])]),
    ("家庭经济困难学生资助申请表", "学生资助管理中心", [
        ("学生基本情况", ["NAME:学生姓名", "GENDER", "DOB", "ID", T("学校", w="m"), T("院系 / 专业", w="m"), T("学号", w="s"),
                    "PHONE"]),
        ("家庭情况", ["ADDR", T("家庭人口数", w="s"), T("家庭年收入（元）", w="s"),
                  O("困难程度", ["特别困难", "困难", "一般困难"]), O("是否建档立卡", YN), T("申请理由", tall=3, w="l")]),
        ("", ["SIG:学生签字", "DATE"])]),
    ("商品退货申请单", "售后服务部", [
        ("订单信息", [T("订单编号", comb=14), T("商品名称", w="l"), T("数量", w="s"), D("购买日期")]),
        ("退货信息", [O("退货原因", ["质量问题", "尺码不符", "七天无理由", "发错货"]), O("退款方式", ["原路退回", "账户余额"]),
                  T("问题描述", tall=2, w="l")]),
        ("联系人", ["NAME:收货人姓名", "PHONE", "ADDR:收货地址", "DATE"])]),
    ("机动车驾驶证换证申请表", "公安交通管理局车辆管理所", [
        ("申请人信息", ["NAME", "GENDER", "DOB", "ID:身份证明号码", "NAT", "PHONE", "ADDR:邮寄地址", "POST", "EMAIL",
                   T("档案编号", comb=12)]),
        ("申请事项", [O("准驾车型", ["C1", "C2", "B2", "A1"]), D("驾驶证有效期至"),
                  O("申请原因", ["有效期满换证", "信息变化", "损毁换证"])]),
        ("", ["SIG", "DATE"])]),
    ("学术会议报名回执", "第十二届全国材料科学学术会议", [
        ("", ["NAME", "GENDER", "EMP", "OCC:职务 / 职称", "PHONE", "EMAIL", "ADDR", "POST",
              O("是否提交论文", YN), T("论文题目", w="l"), O("住宿要求", ["单间", "标准间合住", "不需要"]),
              D("抵达日期"), T("发票抬头", w="l")]),
        ("", ["DATE"])]),
    ("物业报修单", "锦绣花园物业服务中心", [
        ("", ["NAME:业主姓名", T("房号", w="s"), "PHONE", O("报修类别", ["水电", "门窗", "管道", "电梯", "其他"]),
              T("故障描述", tall=3, w="l"), D("预约上门日期"), T("预约时间段", w="s"), O("是否紧急", YN),
              "DATE:报修日期", "SIG:业主签字"]),
        ("维修记录（物业填写）", [T("维修人员", w="m"), O("维修结果", ["已修复", "需再次上门", "需更换配件"])])]),
    ("工伤认定申请表", "人力资源和社会保障局", [
        ("职工基本情况", ["NAME", "GENDER", "DOB", "ID", "EMP", "OCC:职业 / 工种", "PHONE", "ADDR"]),
        ("事故情况", [D("事故发生日期"), T("事故发生地点", w="l"), T("受伤害部位", w="m"),
                  O("伤害程度", ["轻伤", "重伤", "死亡"]), O("是否已就医", YN)]),
        ("", ["SIG", "DATE"])]),
    ("无偿献血登记表", "中心血站", [
        ("", ["NAME", "GENDER", "DOB", "ID:证件号码", O("血型", ["A型", "B型", "O型", "AB型"]), T("体重（kg）", w="s"),
              "OCC", "EMP", "PHONE", "ADDR", O("是否首次献血", YN), D("上次献血日期")]),
        ("", ["SIG:献血者签名", "DATE"])]),
    ("申请结婚登记声明书", "民政局婚姻登记处", [
        ("", ["NAME", "DOB", "ID:身份证件号码", "NAT", "OCC", T("文化程度", w="s"), T("民族", w="s"),
              O("婚姻状况", ["未婚", "离婚", "丧偶"]), T("户籍所在地", w="l"), "PHONE", T("对方姓名", w="m"),
              D("预约登记日期")]),
        ("", ["SIG:声明人签名", "DATE"])]),
    ("居住证申领登记表", "公安局人口管理处", [
        ("基本信息", ["NAME", T("曾用名", w="s"), "GENDER", T("民族", w="s"), "DOB", "ID", T("户籍地址", w="l"), "ADDR:居住地址",
                  "PHONE"]),
        ("居住情况", [D("来本市日期"), O("居住事由", ["务工", "经商", "就学", "投靠亲属"]), "EMP",
                  O("居住处所", ["自购房", "租赁房屋", "单位宿舍"])]),
        ("", ["SIG", "DATE"])]),
    ("手机号码实名登记表", "营业厅", [
        ("机主信息", ["NAME:机主姓名", O("证件类型", ["居民身份证", "护照", "港澳通行证"]), "ID", "GENDER", "DOB",
                  T("证件地址", w="l"), "ADDR", "PHONE:其他联系电话", "EMAIL", D("证件有效期至")]),
        ("业务信息", [T("新办号码", comb=11), T("SIM卡号", w="l"), O("套餐", ["月租19元", "月租39元", "月租59元"])]),
        ("", ["SIG:机主签名", "DATE"])]),
    ("失业登记申请表", "公共就业服务中心", [
        ("", ["NAME", "GENDER", "DOB", "ID", O("文化程度", ["初中及以下", "高中", "大专", "本科及以上"]),
              "EMP:原工作单位", "PHONE", "ADDR", D("失业日期"),
              O("失业原因", ["合同期满", "单位裁员", "个人辞职", "其他"]), T("求职意向", w="m"),
              O("是否需要职业培训", YN)]),
        ("", ["SIG", "DATE"])]),
    ("宽带安装申请表", "城市光网营业部", [
        ("用户信息", ["NAME:户主姓名", "ID:证件号码", "PHONE", "EMAIL", T("安装地址", tall=2, w="l")]),
        ("业务选择", [O("带宽", ["100M", "300M", "500M", "1000M"]), O("缴费方式", ["包年", "包月"]),
                  D("期望安装日期"), T("期望时段", w="s"), T("推荐人", w="s")]),
        ("", ["SIG", "DATE"])]),
    ("老年人优待证申请表", "老龄工作委员会办公室", [
        ("", ["NAME", "GENDER", "DOB", "ID", T("民族", w="s"), T("户籍地址", w="l"), "ADDR", "PHONE", "EMER",
              O("是否享受低保", YN), O("领取方式", ["本人领取", "邮寄", "社区代领"])]),
        ("", ["SIG", "DATE"])]),
    ("法律援助申请表", "法律援助中心", [
        ("申请人", ["NAME", "GENDER", "DOB", "ID", "EMP", "ADDR:住所地址", "POST", "PHONE"]),
        ("案件", [O("案件类型", ["劳动争议", "婚姻家庭", "人身损害", "其他"]), T("对方当事人", w="m"),
                D("纠纷发生日期"), T("案情简述", tall=3, w="l"), O("经济困难情况", ["低保", "特困", "其他困难"])]),
        ("", ["SIG", "DATE"])]),
    ("公共租赁住房申请表", "住房保障中心", [
        ("申请人", ["NAME", "GENDER", "DOB", "ID", O("婚姻状况", ["未婚", "已婚", "离异", "丧偶"]), "EMP",
                 D("入职日期"), T("户籍所在地", w="m"), "ADDR:现居住地址", "PHONE"]),
        ("家庭", [T("家庭成员人数", w="s"), T("月收入（元）", w="s"), O("申请房型", ["一居室", "两居室", "三居室"])]),
        ("", ["SIG", "DATE"])]),
    ("幼儿园入园报名表", "实验幼儿园", [
        ("幼儿信息", [T("幼儿姓名", w="m"), O("幼儿性别", ["男", "女"]), D("幼儿出生日期"),
                  O("是否已接种疫苗", YN), O("报名班级", ["小班", "中班", "大班"])]),
        ("监护人信息", ["NAME:监护人姓名", T("与幼儿关系", w="s"), "ID:监护人身份证号", "PHONE", "ADDR", "EMP"]),
        ("", ["SIG:监护人签字", "DATE:报名日期"])]),
    ("银行卡挂失申请书", "城市商业银行", [
        ("", ["NAME:户名", O("证件类型", ["居民身份证", "护照", "军官证"]), "ID:证件号码", T("卡号", comb=19), "PHONE",
              "ADDR", O("挂失类型", ["口头挂失", "书面挂失"]), O("是否补办新卡", YN), D("丢失日期"), T("开户网点", w="m")]),
        ("", ["SIG:客户签名", "DATE"])]),
    ("健康体检预约登记表", "健康管理中心", [
        ("个人信息", ["NAME", "GENDER", "DOB", "ID", "PHONE", "EMAIL", "EMP",
                  O("婚姻状况", ["未婚", "已婚"])]),
        ("体检信息", [O("体检套餐", ["基础套餐", "标准套餐", "深度套餐"]), D("预约体检日期"),
                  T("既往病史", tall=2, w="l"), T("过敏史", w="m")]),
        ("", ["SIG", "DATE"])]),
]


# --------------------------------------------------------------------------------------------
# style vocabulary
# --------------------------------------------------------------------------------------------

LAYOUTS = ["left1", "left2", "above", "cells", "rows", "numbered", "below", "cards", "leader", "inline", "mixed"]
LAYOUT_DESC = {
    "left1": "labels left of inputs, one column",
    "left2": "labels left of inputs, two columns",
    "above": "labels above inputs, grid with spans",
    "cells": "labels at the top-left inside ruled table cells",
    "rows": "label | input table rows",
    "numbered": "numbered items",
    "below": "captions under the lines (labels below inputs)",
    "cards": "web form: fieldsets, labels above, helper text",
    "leader": "labels with dotted leaders to right-hand inputs",
    "inline": "inline lines of label + input",
    "mixed": "mixed per section",
}
DATE_EN = ["ph", "lab", "pre", "right", "under", "none", "sep3", "ul3", "sel3", "comb", "capa", "capb", "capi", "words"]
DATE_ZH = ["ph", "lab", "under", "none", "right", "zul", "zbox", "zblank", "zcomb", "zsel", "capa", "capb", "sep3"]
DATE_DESC = {
    "ph": "one box, grey placeholder format inside", "lab": "one box, format after the label",
    "pre": "one box, format hint before the box", "right": "one box, format right of the box",
    "under": "one box, format under it", "none": "one box, no format",
    "sep3": "three boxes with placeholders and separators", "ul3": "three underline segments, captions under",
    "sel3": "three drop-down selects", "comb": "digit boxes grouped DD|MM|YYYY (one part per group)",
    "capa": "three boxes captioned above", "capb": "three boxes captioned below",
    "capi": "three boxes with captions inside (top-left)", "words": "Day [ ] Month [ ] Year [ ] words before boxes",
    "zul": "____年__月__日 underlines", "zbox": "boxes followed by 年/月/日", "zblank": "blank spaces before 年/月/日",
    "zcomb": "digit boxes followed by 年/月/日", "zsel": "selects followed by 年/月/日",
}
OPT_STYLES = ["css_sq", "native_cb", "css_circ", "native_radio", "glyph"]
OPT_JSON = {"css_sq": "square", "native_cb": "square", "css_circ": "radio", "native_radio": "radio", "glyph": "glyph"}
OPT_DESC = {"css_sq": "CSS squares", "native_cb": "native checkboxes", "css_circ": "CSS circles",
            "native_radio": "native radios", "glyph": "glyphs"}

EN_FONTS = ['"Liberation Sans"', '"Liberation Serif"', '"Liberation Sans Narrow"', '"DejaVu Sans"', '"DejaVu Serif"',
            '"Noto Sans"', '"Noto Serif"', '"Liberation Mono"', '"DejaVu Sans Condensed"']
ZH_FONTS = ['"Noto Sans CJK SC"', '"Noto Serif CJK SC"', '"WenQuanYi Zen Hei"', '"Liberation Serif", "Noto Serif CJK SC"',
            '"DejaVu Sans", "WenQuanYi Zen Hei"', '"Liberation Sans", "Noto Sans CJK SC"']
ACCENTS = ["#1f4e79", "#2e6b3a", "#7a1f2b", "#5a3d8a", "#9a5b00", "#00606b"]
SIZES = [11, 12, 13, 14, 14, 15, 15, 16, 16, 17, 18, 19, 20, 22]


def est_w(text, fs):
    w = 0.0
    for ch in text:
        w += fs * (1.0 if ord(ch) > 0x2e80 else 0.58)
    return w


class Ctx:
    def __init__(self, rng, lang, st):
        self.rng, self.lang, self.st = rng, lang, st


# --------------------------------------------------------------------------------------------
# controls
# --------------------------------------------------------------------------------------------

def box_css(st, style, lc=None):
    lc = lc or st["line"]
    if style == "box":
        return f"border:1px solid {lc};background:#fff"
    if style == "box2":
        return f"border:2px solid {lc};background:#fff"
    if style == "under":
        return f"border-bottom:1px solid {lc}"
    if style == "under_dot":
        return f"border-bottom:2px dotted {lc}"
    if style == "under_dash":
        return f"border-bottom:1px dashed {lc}"
    if style == "shade":
        return f"background:{st['shade']};border-bottom:1px solid {st['shade_line']}"
    if style == "round":
        return "border:1px solid #8a8a8a;border-radius:6px;background:#fff"
    return f"border:1px solid {lc}"


def plain_box(cx, i, attr, width_css, h, style=None, inner="", extra=""):
    st = cx.st
    style = style or st["tstyle"]
    if style == "native":
        ph = f' placeholder="{E(inner)}"' if inner else ""
        return (f'<input type="text" {attr}="{i}"{ph} style="box-sizing:border-box;width:{width_css};height:{h}px;'
                f'font:inherit;font-size:{max(11, st["fs"] - 1)}px;margin:0;vertical-align:middle;{extra}">')
    inner_html = f'<span class="ph">{E(inner)}</span>' if inner else ""
    return (f'<div class="ib" {attr}="{i}" style="box-sizing:border-box;width:{width_css};height:{h}px;{box_css(st, style)};'
            f'display:flex;align-items:center;padding:0 6px;{extra}">{inner_html}</div>')


def comb_html(cx, i, n, attr="data-in", letters=None, cw=None, ch=None, groups=None):
    st, rng = cx.st, cx.rng
    cw = cw or st["comb_w"]
    ch = ch or st["comb_h"]
    joined = st["comb_joined"]
    cells = []
    for k in range(n):
        ml = "margin-left:-1px;" if joined and k else ""
        if groups and k in groups:
            ml = f"margin-left:{st['comb_gap'] + 5}px;"
        lt = f'<span class="ph" style="font-size:{max(9, int(cw * 0.45))}px">{letters[k]}</span>' if letters else ""
        cells.append(f'<span style="box-sizing:border-box;width:{cw}px;height:{ch}px;border:1px solid {st["line"]};{ml}'
                     f'display:inline-flex;align-items:center;justify-content:center;background:#fff">{lt}</span>')
    gap = 0 if joined else st["comb_gap"]
    return (f'<span class="comb" {attr}="{i}" style="display:inline-flex;gap:{gap}px;vertical-align:middle">'
            + "".join(cells) + "</span>")


def text_width(cx, f, mode):
    rng = cx.rng
    w = f.get("w", "m")
    if mode in ("inline", "leader"):
        fs = cx.st["fs"]
        return {"s": f"{int(fs * rng.uniform(7, 9))}px", "m": f"{int(fs * rng.uniform(11, 14))}px",
                "l": f"{int(fs * rng.uniform(17, 22))}px"}[w]
    if w == "s" and mode == "left" and rng.random() < 0.6:
        return f"{rng.choice([35, 40, 45, 50])}%"
    if w == "m" and mode == "left" and rng.random() < 0.5:
        return f"{rng.choice([60, 70, 80])}%"
    return "100%"


def text_ctrl(cx, f, mode):
    st, i = cx.st, f["i"]
    h = st["ih"]
    if f.get("comb"):
        n = f["comb"]
        groups = None
        if n == 11 and cx.rng.random() < 0.5:
            groups = {3, 7}
        elif n == 16 and cx.rng.random() < 0.5:
            groups = {4, 8, 12}
        elif n == 19 and cx.rng.random() < 0.5:
            groups = {6, 12}
        return comb_html(cx, i, n, groups=groups)
    width = text_width(cx, f, mode)
    style = f.get("tstyle") or st["tstyle"]
    if f.get("sig"):
        style = "under" if style not in ("box", "box2") or cx.rng.random() < 0.7 else style
        if mode in ("inline", "leader"):
            width = f"{int(st['fs'] * 13)}px"
        return plain_box(cx, i, "data-in", width, int(h * 1.3))
    if f.get("tall"):
        n = f["tall"]
        if style.startswith("under") and cx.rng.random() < 0.7:
            lines = "".join(f'<div style="height:{h}px;{box_css(st, style)};box-sizing:border-box"></div>' for _ in range(n))
            return f'<div class="ib" data-in="{i}" style="width:{width}">{lines}</div>'
        return plain_box(cx, i, "data-in", width, int(h * (0.85 * n + 0.3)), style="box" if style == "native" else style)
    return plain_box(cx, i, "data-in", width, h, style=style)


def fmt_for(cx, order, kind="any"):
    rng = cx.rng
    if cx.lang == "zh":
        if kind == "slash":
            return "YYYY/MM/DD"
        return rng.choice(["YYYY-MM-DD", "YYYY年MM月DD日", "YYYY/MM/DD", "YYYY.MM.DD", "YYYY-MM-DD"])
    sep = rng.choice(["/", "/", "-", "."])
    tok = {"day": "DD", "month": "MM", "year": "YYYY"}
    s = sep.join(tok[p] for p in order)
    return s


def en_order(rng):
    r = rng.random()
    return ["day", "month", "year"] if r < 0.55 else (["month", "day", "year"] if r < 0.85 else ["year", "month", "day"])


def part_box(i, part, w, h, css, inner="", extra=""):
    return (f'<span class="pb" data-part="{i}:{part}" style="display:inline-flex;align-items:center;justify-content:center;'
            f'box-sizing:border-box;width:{w}px;height:{h}px;{css};vertical-align:middle;{extra}">{inner}</span>')


def date_ctrl(cx, f, cell_input=False):
    """-> dict(hint_lab, ctrl, fmt, order, pad, one_box, desc, cell_text)."""
    st, rng, i, lang = cx.st, cx.rng, f["i"], cx.lang
    s = f["dstyle"]
    fs, h = st["fs"], st["ih"]
    dw, yw = max(32, int(fs * 2.5)), max(50, int(fs * 3.8))
    if lang == "zh":
        order = ["year", "month", "day"]
    else:
        order = en_order(rng)
    tok = {"day": "DD", "month": "MM", "year": "YYYY"}
    res = dict(hint_lab="", ctrl="", fmt=None, order=order, pad=True, one_box=False, cell_text="")
    hint_css = f'color:{st["hint"]};font-size:{max(10, int(fs * 0.82))}px'
    if s in ("ph", "lab", "pre", "right", "under", "none"):
        res["one_box"] = True
        res["order"] = []
        fmt = fmt_for(cx, order) if s != "none" else None
        printed = fmt
        if fmt and lang == "en" and rng.random() < 0.35:
            printed = fmt.lower()
        res["fmt"] = fmt
        bw = f"{int(max(fs * 9, 130))}px" if rng.random() < 0.7 else f"{int(max(fs * 11, 160))}px"
        if s == "ph":
            if cell_input:
                res["cell_text"] = printed
            else:
                res["ctrl"] = plain_box(cx, i, "data-in", bw, h, inner=printed)
            return res
        if s == "lab":
            p = printed if rng.random() < 0.6 else (f"格式：{printed}" if lang == "zh" else f"format {printed}")
            res["hint_lab"] = f'<span class="hint" style="{hint_css};margin-left:5px">{"（" + p + "）" if lang == "zh" else "(" + p + ")"}</span>'
            if not cell_input:
                res["ctrl"] = plain_box(cx, i, "data-in", bw, h)
            return res
        if s == "none":
            if not cell_input:
                res["ctrl"] = plain_box(cx, i, "data-in", bw, h)
            return res
        box = plain_box(cx, i, "data-in", bw, h)
        if s == "pre":
            res["ctrl"] = (f'<span style="display:inline-flex;align-items:center;gap:8px"><span class="hint" style="{hint_css}">{printed}</span>{box}</span>')
        elif s == "right":
            res["ctrl"] = (f'<span style="display:inline-flex;align-items:center;gap:8px">{box}<span class="hint" style="{hint_css}">{printed}</span></span>')
        else:
            word = rng.choice(["Format: ", "", "e.g. format "]) if lang == "en" else rng.choice(["格式：", "（", ""])
            tail = "）" if word == "（" else ""
            res["ctrl"] = (f'<span style="display:inline-flex;flex-direction:column;gap:2px">{box}'
                           f'<span class="hint" style="{hint_css}">{word}{printed}{tail}</span></span>')
        return res

    line = st["line"]
    bcss = f"border:1px solid {line};background:#fff"
    ucss = f"border-bottom:1px solid {line}"
    sep = rng.choice(["/", "/", "-", "."]) if lang == "en" else rng.choice(["/", "-", "."])
    sep_html = f'<span style="margin:0 5px">{sep}</span>'
    W = {"day": dw, "month": dw, "year": yw}
    if s == "sep3":
        zh_ph = lang == "zh" and rng.random() < 0.5
        phs = {"day": "日", "month": "月", "year": "年"} if zh_ph else tok
        res["pad"] = not zh_ph
        res["ctrl"] = '<span style="display:inline-flex;align-items:center">' + sep_html.join(
            part_box(i, p, W[p], h, bcss, f'<span class="ph">{phs[p]}</span>') for p in order) + "</span>"
        res["desc"] = "sep"
    elif s == "ul3":
        caps = tok if rng.random() < 0.6 else {"day": "day", "month": "month", "year": "year"}
        items = []
        for p in order:
            items.append(f'<span style="display:inline-flex;flex-direction:column;align-items:center">'
                         f'{part_box(i, p, W[p] + 6, h, ucss)}<span class="hint" style="{hint_css}">{caps[p]}</span></span>')
        res["ctrl"] = '<span style="display:inline-flex;align-items:flex-start">' + \
            f'<span style="margin:0 5px;line-height:{h}px">{sep}</span>'.join(items) + "</span>"
    elif s in ("sel3", "zsel"):
        first = {"day": "Day", "month": "Month", "year": "Year"} if rng.random() < 0.6 else tok
        if lang == "zh":
            first = {"day": "--", "month": "--", "year": "----"}
            res["pad"] = False
        items = []
        for p in order:
            sel = (f'<select data-part="{i}:{p}" style="font:inherit;font-size:{max(11, fs - 1)}px;height:{h}px;'
                   f'width:{W[p] + 22}px;vertical-align:middle"><option>{first[p]}</option></select>')
            if lang == "zh":
                sel += f'<span style="margin:0 8px 0 4px">{ {"day": "日", "month": "月", "year": "年"}[p] }</span>'
            items.append(sel)
        res["ctrl"] = '<span style="display:inline-flex;align-items:center;gap:6px">' + "".join(items) + "</span>"
    elif s in ("comb", "zcomb"):
        letters = {"day": "DD", "month": "MM", "year": "YYYY"} if lang == "en" else {"day": "DD", "month": "MM", "year": "YYYY"}
        show = rng.random() < 0.6
        items = []
        for p in order:
            n = 4 if p == "year" else 2
            items.append(comb_html(cx, f"{i}:{p}", n, attr="data-part", letters=letters[p] if show else None,
                                   cw=max(18, int(fs * 1.3)), ch=h))
            if lang == "zh":
                items[-1] += f'<span style="margin:0 8px 0 4px">{ {"day": "日", "month": "月", "year": "年"}[p] }</span>'
        if lang == "zh":
            res["ctrl"] = '<span style="display:inline-flex;align-items:center">' + "".join(items) + "</span>"
        else:
            if not show:  # order from captions under the groups
                caps = {"day": "Day", "month": "Month", "year": "Year"}
                items = [f'<span style="display:inline-flex;flex-direction:column;align-items:center">{it}'
                         f'<span class="hint" style="{hint_css}">{caps[p]}</span></span>' for it, p in zip(items, order)]
            sp = rng.choice(["gap", "/"])
            if sp == "gap":
                res["ctrl"] = '<span style="display:inline-flex;align-items:flex-start;gap:12px">' + "".join(items) + "</span>"
            else:
                res["ctrl"] = '<span style="display:inline-flex;align-items:flex-start">' + \
                    f'<span style="margin:0 6px;line-height:{h}px">/</span>'.join(items) + "</span>"
    elif s in ("capa", "capb", "capi"):
        if lang == "zh":
            caps = {"day": "日", "month": "月", "year": "年"}
            res["pad"] = False
        else:
            caps = rng.choice([{"day": "Day", "month": "Month", "year": "Year"}, tok, {"day": "dd", "month": "mm", "year": "yyyy"}])
        items = []
        for p in order:
            if s == "capi":
                cap = (f'<span class="ph" style="position:absolute;left:3px;top:1px;font-size:{max(9, int(fs * 0.6))}px;'
                       f'line-height:1">{caps[p]}</span>')
                items.append(part_box(i, p, W[p] + 10, int(h * 1.25), bcss, cap, "position:relative"))
            else:
                cap = f'<span class="hint" style="{hint_css}">{caps[p]}</span>'
                pb = part_box(i, p, W[p], h, bcss)
                inner = cap + pb if s == "capa" else pb + cap
                items.append(f'<span style="display:inline-flex;flex-direction:column;align-items:center;gap:2px">{inner}</span>')
        res["ctrl"] = f'<span style="display:inline-flex;align-items:flex-end;gap:{rng.choice([6, 10, 14])}px">' + "".join(items) + "</span>"
    elif s == "words":
        words = {"day": "Day", "month": "Month", "year": "Year"}
        items = [f'<span class="hint" style="margin-right:5px">{words[p]}</span>{part_box(i, p, W[p], h, bcss)}' for p in order]
        res["ctrl"] = '<span style="display:inline-flex;align-items:center;column-gap:0">' + \
            '<span style="width:12px"></span>'.join(items) + "</span>"
    elif s in ("zul", "zbox", "zblank"):
        res["pad"] = False
        css = {"zul": ucss, "zbox": bcss, "zblank": ""}[s]
        zh = {"day": "日", "month": "月", "year": "年"}
        ww = {"day": int(fs * 2.4), "month": int(fs * 2.4), "year": int(fs * 3.8)}
        if s == "zblank":
            ww = {k: v + 8 for k, v in ww.items()}
        hh = h if s == "zbox" else int(fs * 1.5)
        items = [part_box(i, p, ww[p], hh, css) + f'<span style="margin:0 6px 0 4px">{zh[p]}</span>' for p in order]
        res["ctrl"] = '<span style="display:inline-flex;align-items:flex-end">' + "".join(items) + "</span>"
    else:
        raise ValueError(s)
    return res


def gender_opts(cx):
    if cx.lang == "zh":
        return [("男", "M"), ("女", "F")] if cx.rng.random() < 0.85 else [("男性", "M"), ("女性", "F")]
    return cx.rng.choice([[("Male", "M"), ("Female", "F")], [("M", "M"), ("F", "F")],
                          [("Male", "M"), ("Female", "F"), ("Other", None)], [("Female", "F"), ("Male", "M")]])


def opt_ctrl(cx, f):
    st, rng, i = cx.st, cx.rng, f["i"]
    s = f["ostyle"]
    fs = st["fs"]
    sz = f["osize"]
    items = []
    for j, (t, _tag) in enumerate(f["opts"]):
        txt = f'<span class="ot" data-ot="{i}:{j}">{E(t)}</span>'
        if s == "glyph":
            g = f'<span class="gl" data-og="{i}:{j}" style="font-size:{f["gfs"]}px">{f["glyph"]}<span class="bl"></span></span>'
            spacer = f'<span style="display:inline-block;width:{f["gsp"]}px"></span>'
            inner = (txt + spacer + g) if f["tbefore"] else (g + spacer + txt)
            items.append(f'<span class="oi" style="display:inline-block;white-space:nowrap">{inner}</span>')
            continue
        if s == "css_sq":
            box = (f'<span data-ob="{i}:{j}" style="display:inline-block;box-sizing:border-box;width:{sz}px;height:{sz}px;'
                   f'border:{f["obw"]}px solid {st["line"]};background:#fff;flex:none"></span>')
        elif s == "css_circ":
            box = (f'<span data-ob="{i}:{j}" style="display:inline-block;box-sizing:border-box;width:{sz}px;height:{sz}px;'
                   f'border:{f["obw"]}px solid {st["line"]};border-radius:50%;background:#fff;flex:none"></span>')
        elif s == "native_cb":
            box = f'<input type="checkbox" data-ob="{i}:{j}" style="width:{sz}px;height:{sz}px;margin:0;flex:none">'
        else:
            box = f'<input type="radio" name="r{i}" data-ob="{i}:{j}" style="width:{sz}px;height:{sz}px;margin:0;flex:none">'
        inner = (txt + box) if f["tbefore"] else (box + txt)
        items.append(f'<span class="oi" style="display:inline-flex;align-items:center;gap:{f["gsp"] + 3}px;white-space:nowrap">{inner}</span>')
    arr = f["arr"]
    if arr == "row":
        return (f'<span class="og" style="display:inline-flex;flex-wrap:wrap;align-items:center;column-gap:{f["ogap"]}px;'
                f'row-gap:6px;vertical-align:middle">' + "".join(items) + "</span>")
    if arr == "stack":
        return (f'<span class="og" style="display:inline-flex;flex-direction:column;align-items:flex-start;row-gap:{rng.choice([3, 5, 8])}px">'
                + "".join(items) + "</span>")
    k = 2 if len(items) <= 4 else 3
    return (f'<span class="og" style="display:inline-grid;grid-template-columns:repeat({k},auto);column-gap:{f["ogap"] + 8}px;'
            f'row-gap:5px;justify-content:start">' + "".join(items) + "</span>")


def est_ctrl_w(cx, f):
    fs = cx.st["fs"]
    if f["kind"] == "checkbox":
        ws = [est_w(t, fs) + 30 for t, _ in f["opts"]]
        if f["arr"] == "row":
            return sum(ws) + f["ogap"] * (len(ws) - 1)
        if f["arr"] == "stack":
            return max(ws)
        k = 2 if len(ws) <= 4 else 3
        return max(ws) * k + (f["ogap"] + 8) * (k - 1)
    if f["kind"] == "date":
        s = f["dstyle"]
        if s in ("ph", "lab", "none"):
            return max(fs * 11, 160)
        if s in ("pre", "right"):
            return max(fs * 11, 160) + fs * 8
        if s in ("sel3", "zsel", "words"):
            return fs * 19 + 80
        return fs * 14 + 60
    if f.get("comb"):
        n = f["comb"]
        return n * cx.st["comb_w"] + (0 if cx.st["comb_joined"] else n * cx.st["comb_gap"]) + 24
    return {"s": 110, "m": 200, "l": 380}[f.get("w", "m")]


# --------------------------------------------------------------------------------------------
# field blocks
# --------------------------------------------------------------------------------------------

def label_html(cx, f, num=""):
    st = cx.st
    if f.get("bi"):
        zh, en = f["bi"]
        if f.get("bi_stack"):
            inner = f'{E(zh)}<br><span style="font-size:.72em;font-weight:normal">{E(en)}</span>'
        else:
            inner = f'{E(zh)} <span style="font-size:.85em;font-weight:normal">{E(en)}</span>'
    elif f.get("justify"):
        inner = (f'<span style="display:inline-block;width:{f["justify"]}em;text-align:justify;text-align-last:justify">'
                 f'{E(f["label"])}</span>')
    else:
        inner = E(f["label"])
    star = '<span style="color:#c00">*</span>' if f.get("req") else ""
    colon = "" if f.get("nocolon") or f["label"][-1] in "?？" else st["colon"]
    numh = f'<span class="num" style="margin-right:6px">{E(num)}</span>' if num else ""
    return f'{numh}<span class="lb" data-lab="{f["i"]}" style="{st["lab_css"]}">{inner}{star}{colon}</span>'


def control_for(cx, f, mode, cell_input=False):
    """-> (hint_after_label_html, control_html, cell_text)"""
    if f["kind"] == "text":
        if cell_input:
            return "", "", ""
        return "", text_ctrl(cx, f, mode), ""
    if f["kind"] == "date":
        r = date_ctrl(cx, f, cell_input=cell_input)
        f["dmeta"] = r
        return r["hint_lab"], r["ctrl"], r["cell_text"]
    return "", opt_ctrl(cx, f), ""


def row_align(f):
    if f["kind"] == "checkbox" and f["arr"] != "row":
        return "flex-start"
    if f["kind"] == "text" and (f.get("tall") or (f.get("tstyle") or "").startswith("under")):
        return "flex-start" if f.get("tall") else "flex-end"
    if f["kind"] == "date" and f["dstyle"] in ("ul3", "capa", "capb", "comb", "under"):
        return "flex-start"
    return "center"


def blk_left(cx, f, grp, num="", cap=9999, mb=0, extra=""):
    st = cx.st
    hint, ctrl, _ = control_for(cx, f, "left")
    if f["kind"] == "text" and not f.get("tstyle"):
        f["tstyle"] = st["tstyle"]
    al = row_align(f)
    return (f'<div class="fr" data-cell="{f["i"]}" style="display:flex;align-items:{al};margin-bottom:{mb}px;{extra}">'
            f'<div class="lc" data-lg="{grp}" data-cap="{cap}" style="flex:none;text-align:{st["lalign"]};padding-right:{st["lpad"]}px">'
            f'<span class="lw">{label_html(cx, f, num)}{hint}</span></div>'
            f'<div class="cc" style="flex:1;min-width:0">{ctrl}</div></div>')


def blk_leader(cx, f, mb):
    st = cx.st
    hint, ctrl, _ = control_for(cx, f, "leader")
    return (f'<div class="fr" data-cell="{f["i"]}" style="display:flex;align-items:center;margin-bottom:{mb}px">'
            f'<div style="flex:none">{label_html(cx, f)}{hint}</div>'
            f'<span style="flex:1;min-width:24px;margin:0 12px;border-bottom:2px dotted #b0b0b0;align-self:center;height:0"></span>'
            f'<div style="flex:none">{ctrl}</div></div>')


def blk_above(cx, f, gridpos="", num="", helper=""):
    st, rng = cx.st, cx.rng
    hint, ctrl, _ = control_for(cx, f, "above")
    if f["kind"] == "checkbox" and f.get("same_line"):
        return (f'<div class="fb" data-cell="{f["i"]}" style="{gridpos};display:flex;flex-wrap:wrap;align-items:center;'
                f'column-gap:16px;row-gap:4px"><div>{label_html(cx, f, num)}{hint}</div>{ctrl}</div>')
    hlp = f'<div class="hint" style="color:{st["hint"]};font-size:{max(10, int(st["fs"] * 0.8))}px;margin-top:3px">{E(helper)}</div>' if helper else ""
    return (f'<div class="fb" data-cell="{f["i"]}" style="{gridpos}"><div style="margin-bottom:{st["lgap"]}px">'
            f'{label_html(cx, f, num)}{hint}</div><div>{ctrl}</div>{hlp}</div>')


def blk_below(cx, f, gridpos=""):
    st = cx.st
    if f["kind"] != "text" or f.get("comb") or f.get("tall"):
        return blk_above(cx, f, gridpos)
    f["tstyle"] = "under"
    _, ctrl, _ = control_for(cx, f, "below")
    fs = max(10, int(st["fs"] * 0.8))
    return (f'<div class="fb" data-cell="{f["i"]}" style="{gridpos}">{ctrl}'
            f'<div style="margin-top:3px;font-size:{fs}px">{label_html(cx, f)}</div></div>')


def blk_inline(cx, f):
    hint, ctrl, _ = control_for(cx, f, "inline")
    al = "flex-end" if f["kind"] == "text" and not f.get("comb") and not f.get("tall") else "center"
    if f["kind"] == "checkbox" and f["arr"] != "row":
        al = "flex-start"
    return (f'<span data-cell="{f["i"]}" style="display:inline-flex;align-items:{al};gap:10px">'
            f'<span>{label_html(cx, f)}{hint}</span>{ctrl}</span>')


def blk_cell(cx, f, pos, pad, minh):
    st, rng = cx.st, cx.rng
    cell_input = f["kind"] == "text" and not f.get("comb") or (f["kind"] == "date" and f["dstyle"] in ("ph", "lab", "none"))
    hint, ctrl, ctext = control_for(cx, f, "cell", cell_input=cell_input)
    if f["kind"] == "text" and f.get("comb"):
        ctrl = f'<div style="margin-top:8px">{ctrl}</div>'
    lfs = st["cell_lfs"]
    attr = f'data-in="{f["i"]}" ' if cell_input else ""
    mh = minh * (f.get("tall", 1) if f["kind"] == "text" else 1)
    body = ""
    if ctext:
        body = f'<div class="ph" style="margin-top:6px;text-align:{rng.choice(["left", "right", "center"])}">{E(ctext)}</div>'
    elif ctrl and f["kind"] == "checkbox" and f.get("same_line"):
        return (f'<div class="cell" {attr}data-cell="{f["i"]}" style="{pos};padding:{pad}px;min-height:{mh}px;display:flex;'
                f'flex-wrap:wrap;align-items:center;column-gap:16px;row-gap:4px"><div style="font-size:{lfs}px">'
                f'{label_html(cx, f)}{hint}</div>{ctrl}</div>')
    elif ctrl:
        body = f'<div style="margin-top:7px">{ctrl}</div>'
    return (f'<div class="cell" {attr}data-cell="{f["i"]}" style="{pos};padding:{pad}px;min-height:{mh}px">'
            f'<div style="font-size:{lfs}px">{label_html(cx, f)}{hint}</div>{body}</div>')


def pack(items, n, cap_rows=None):
    """items: [(f, span)] -> [(f, row, col, span)] with full rows (the last item of a row is stretched)."""
    out, row, col = [], 0, 0
    cur = []

    def cap(r):
        return cap_rows[r] if cap_rows and r < len(cap_rows) else n

    for f, s in items:
        c = cap(row)
        s = min(s, c)
        if col + s > c:
            if cur:
                lf, lr, lc, ls = cur[-1]
                cur[-1] = (lf, lr, lc, c - lc)
            out += cur
            cur, row, col = [], row + 1, 0
            c = cap(row)
            s = min(s, c)
        cur.append((f, row, col, s))
        col += s
    if cur:
        lf, lr, lc, ls = cur[-1]
        cur[-1] = (lf, lr, lc, cap(row) - lc)
        out += cur
    return out


# --------------------------------------------------------------------------------------------
# sections and page
# --------------------------------------------------------------------------------------------

def sec_head(cx, title, idx):
    st = cx.st
    if not title:
        return ""
    k = st["head"]
    fs = st["fs"]
    if k == "bar":
        return (f'<div class="sh" style="background:{st["acc"]};color:#fff;font-weight:bold;padding:4px 10px;'
                f'margin:{st["sgap"]}px 0 12px">{E(title)}</div>')
    if k == "grey":
        return (f'<div class="sh" style="background:{st["shade"]};color:#222;font-weight:bold;padding:4px 10px;'
                f'border-left:5px solid {st["acc"]};margin:{st["sgap"]}px 0 12px">{E(title)}</div>')
    if k == "rule":
        return (f'<div class="sh" style="font-weight:bold;font-size:{int(fs * 1.1)}px;border-bottom:2px solid {st["acc"]};'
                f'padding-bottom:3px;margin:{st["sgap"]}px 0 12px;color:{st["acc"]}">{E(title)}</div>')
    if k == "part":
        letter = "ABCDEFG"[idx] if cx.lang == "en" else "一二三四五六"[idx]
        tag = f"PART {letter}" if cx.lang == "en" else f"第{letter}部分"
        return (f'<div class="sh" style="display:flex;align-items:center;gap:10px;margin:{st["sgap"]}px 0 12px">'
                f'<span style="border:2px solid {st["acc"]};padding:1px 8px;font-weight:bold">{tag}</span>'
                f'<span style="font-weight:bold">{E(title)}</span></div>')
    return f'<div class="sh" style="font-weight:bold;font-size:{int(fs * 1.15)}px;margin:{st["sgap"]}px 0 10px">{E(title)}</div>'


def table_head(cx, title, width):
    st = cx.st
    h = int(st["fs"] * 1.9)
    bg, col = (st["acc"], "#fff") if st["head"] == "bar" else (st["shade"], "#222")
    return (f'<div class="sh" style="box-sizing:border-box;width:{width}px;height:{h}px;line-height:{h - 2}px;'
            f'border:1px solid {st["line"]};border-bottom:none;background:{bg};color:{col};font-weight:bold;padding:0 10px">'
            f'{E(title)}</div>')


def sec_cells(cx, sec, si, inner, photo):
    st, rng = cx.st, cx.rng
    n = st["ncols"]
    vh = st["vhead"] and sec["title"]
    vhw = int(st["fs"] * 2.2) if vh else 0
    avail = inner - vhw - 1
    colw = avail // n
    gw = colw * n + 1
    pad = st["cell_pad"]
    items = []
    for f in sec["fields"]:
        need = max(est_w(f["label"], st["cell_lfs"]) + 10, est_ctrl_w(cx, f)) + 2 * pad + 6
        s = max(1, math.ceil(need / colw))
        if f["kind"] == "text" and (f.get("w") == "l" or f.get("tall")):
            s = max(s, math.ceil(n / 2) if rng.random() < 0.5 else n)
        items.append((f, min(s, n)))
    cap_rows = None
    if photo:
        cap_rows = [n - 1] * 3
    placed = pack(items, n, cap_rows)
    nrows = max(r for _, r, _, _ in placed) + 1
    cells = []
    if photo:
        pr = min(3, nrows)
        if pr < 2 or n < 3:
            photo = False
            placed = pack(items, n)
        else:
            txt = "Photo<br>35 x 45 mm" if cx.lang == "en" else "照片<br>（一寸免冠）"
            cells.append(f'<div class="cell" data-decoy="photo" style="grid-row:1 / span {pr};grid-column:{n};display:flex;'
                         f'align-items:center;justify-content:center;text-align:center;color:#777;font-size:{max(10, int(st["fs"] * 0.8))}px">{txt}</div>')
    minh = int(st["cell_lfs"] * 1.4 + st["ih"] * 0.9 + 2 * pad)
    for f, r, c, s in placed:
        pos = f"grid-row:{r + 1};grid-column:{c + 1} / span {s}"
        cells.append(blk_cell(cx, f, pos, pad, minh))
    grid = (f'<div class="snap tbl" style="display:grid;grid-template-columns:repeat({n},{colw}px);width:{gw}px;box-sizing:border-box;'
            f'border-top:1px solid {st["line"]};border-left:1px solid {st["line"]}">' + "".join(cells) + "</div>")
    if vh:
        vhead = (f'<div style="box-sizing:border-box;width:{vhw}px;border:1px solid {st["line"]};border-right:none;'
                 f'background:{st["shade"]};display:flex;align-items:center;justify-content:center;font-weight:bold">'
                 f'<span style="writing-mode:vertical-rl;letter-spacing:4px">{E(sec["title"])}</span></div>')
        return f'<div class="snapbox" style="display:flex;margin-top:{st["tgap"]}px">{vhead}{grid}</div>'
    head = table_head(cx, sec["title"], gw) if sec["title"] else ""
    return f'<div class="snapbox" style="margin-top:{st["tgap"]}px">{head}{grid}</div>'


def sec_rows(cx, sec, si, inner):
    st, rng = cx.st, cx.rng
    k = st["pairs"]
    pad = st["cell_pad"]
    lws = [est_w(f["label"], st["fs"]) + 2 * pad + 8 for f in sec["fields"]]
    pairw = (inner - 1) // k
    lw = int(min(max(max(lws), 90), pairw * 0.42))
    iw = pairw - lw
    rows = []
    pend = None
    for f in sec["fields"]:
        wide = k == 2 and (f.get("w") == "l" or f.get("tall") or f.get("comb") or est_ctrl_w(cx, f) + 2 * pad > iw)
        if wide:
            if pend:
                rows.append([pend])
                pend = None
            rows.append([f])
        elif k == 1:
            rows.append([f])
        elif pend:
            rows.append([pend, f])
            pend = None
        else:
            pend = f
    if pend:
        rows.append([pend])
    cells = []
    lb = f'background:{st["lcell_bg"]};'
    for r, row in enumerate(rows):
        for j, f in enumerate(row):
            c0 = 1 + 2 * j
            span = 1 if len(row) == k else 2 * k - 1 - 2 * j
            cell_input = f["kind"] == "text" and not f.get("comb") or (f["kind"] == "date" and f["dstyle"] in ("ph", "lab", "none"))
            hint, ctrl, ctext = control_for(cx, f, "row", cell_input=cell_input)
            attr = f'data-in="{f["i"]}" ' if cell_input else ""
            if ctext:
                ctrl = f'<span class="ph">{E(ctext)}</span>'
            mh = int(st["ih"] * (0.9 * f.get("tall", 1) if f["kind"] == "text" else 1) + 2 * pad - 4)
            cells.append(f'<div class="cell" style="grid-row:{r + 1};grid-column:{c0};{lb}padding:{pad}px;display:flex;'
                         f'align-items:center;justify-content:{st["rjust"]};text-align:{st["lalign"]}">'
                         f'<div>{label_html(cx, f)}{hint}</div></div>')
            cells.append(f'<div class="cell" {attr}data-cc="{f["i"]}" style="grid-row:{r + 1};grid-column:{c0 + 1} / span {span};'
                         f'padding:{pad}px;min-height:{mh}px;display:flex;align-items:center">{ctrl}</div>')
    tmpl = " ".join([f"{lw}px {iw}px"] * k)
    gw = pairw * k + 1
    grid = (f'<div class="snap tbl" style="display:grid;grid-template-columns:{tmpl};width:{gw}px;box-sizing:border-box;'
            f'border-top:1px solid {st["line"]};border-left:1px solid {st["line"]}">' + "".join(cells) + "</div>")
    if st["vhead"] and sec["title"]:
        vhw = int(st["fs"] * 2.2)
        tmpl = " ".join([f"{lw - vhw // k}px {iw}px"] * k)
        grid = grid.replace(f"grid-template-columns:{' '.join([f'{lw}px {iw}px'] * k)};width:{gw}px",
                            f"grid-template-columns:{tmpl};width:{gw - (vhw // k) * k}px")
        vhead = (f'<div style="box-sizing:border-box;width:{vhw}px;border:1px solid {st["line"]};border-right:none;'
                 f'background:{st["shade"]};display:flex;align-items:center;justify-content:center;font-weight:bold">'
                 f'<span style="writing-mode:vertical-rl;letter-spacing:4px">{E(sec["title"])}</span></div>')
        return f'<div class="snapbox" style="display:flex;margin-top:{st["tgap"]}px">{vhead}{grid}</div>'
    head = table_head(cx, sec["title"], gw) if sec["title"] else ""
    return f'<div class="snapbox" style="margin-top:{st["tgap"]}px">{head}{grid}</div>'


def grid_spans(cx, fields, n, colw, cgap, wide_all=False):
    items = []
    for f in fields:
        need = max(est_w(f["label"], cx.st["fs"]) + 10, est_ctrl_w(cx, f)) + 8
        s = max(1, math.ceil((need + cgap) / (colw + cgap)))
        if f["kind"] == "text" and (f.get("w") == "l" or f.get("tall")) and n > 1:
            s = max(s, 2 if n < 4 else cx.rng.choice([2, n]))
        items.append((f, min(s, n)))
    return items


def sec_grid(cx, sec, inner, n, mode, numctr=None):
    st, rng = cx.st, cx.rng
    cgap = st["cgap"]
    colw = (inner - cgap * (n - 1)) / n
    placed = pack(grid_spans(cx, sec["fields"], n, colw, cgap), n) if n > 1 else [(f, r, 0, 1) for r, f in enumerate(sec["fields"])]
    out = []
    for f, r, c, s in placed:
        pos = f"grid-row:{r + 1};grid-column:{c + 1} / span {s}"
        num = numctr.next() if numctr else ""
        if mode == "below":
            out.append(blk_below(cx, f, pos))
        else:
            helper = ""
            if mode == "cards" and f["kind"] == "text" and rng.random() < 0.3:
                helper = rng.choice(["As shown on your ID", "We will only use this to contact you", "Include the area code",
                                     "Use block capitals"] if cx.lang == "en" else ["与证件一致", "仅用于联系您", "请填写完整"])
            out.append(blk_above(cx, f, pos, num=num, helper=helper))
    return (f'<div style="display:grid;grid-template-columns:repeat({n},minmax(0,1fr));column-gap:{cgap}px;row-gap:{st["rgap"]}px">'
            + "".join(out) + "</div>")


class Num:
    def __init__(self, fmt):
        self.n, self.fmt = 0, fmt

    def next(self):
        self.n += 1
        return self.fmt.format(self.n)


def sec_left(cx, sec, si, inner, cols, numctr=None):
    st = cx.st
    cap = int(inner * (0.38 if cols == 1 else 0.22))
    if cols == 1:
        return "".join(blk_left(cx, f, "g0" if st["align_all"] else f"s{si}", num=numctr.next() if numctr else "",
                                cap=cap, mb=st["rgap"]) for f in sec["fields"])
    cgap = st["cgap"] + 12
    out = []
    col = 0
    r = 0
    fields = sec["fields"]
    for f in fields:
        wide = f.get("w") == "l" or f.get("tall") or f.get("comb") or (f["kind"] == "checkbox" and est_ctrl_w(cx, f) > inner / 2 - 150) \
            or (f["kind"] == "date" and est_ctrl_w(cx, f) > inner / 2 - 150)
        if wide and col == 1:
            r += 1
            col = 0
        span = 2 if wide else 1
        pos = f"grid-row:{r + 1};grid-column:{col + 1} / span {span}"
        out.append(blk_left(cx, f, f"s{si}c{col}", cap=cap if not wide else int(inner * 0.3), extra=pos))
        col += span
        if col >= 2:
            col = 0
            r += 1
    return (f'<div style="display:grid;grid-template-columns:1fr 1fr;column-gap:{cgap}px;row-gap:{st["rgap"]}px">'
            + "".join(out) + "</div>")


def sec_inline(cx, sec):
    st = cx.st
    return (f'<div style="display:flex;flex-wrap:wrap;align-items:flex-end;column-gap:{st["cgap"] + 12}px;row-gap:{st["rgap"] + 4}px">'
            + "".join(blk_inline(cx, f) for f in sec["fields"]) + "</div>")


def section_html(cx, sec, si, inner, layout, numctr, photo):
    st, rng = cx.st, cx.rng
    if layout == "cells":
        return sec_cells(cx, sec, si, inner, photo)
    if layout == "rows":
        return sec_rows(cx, sec, si, inner)
    head = sec_head(cx, sec["title"], si)
    if layout == "left1":
        body = sec_left(cx, sec, si, inner, 1)
    elif layout == "left2":
        body = sec_left(cx, sec, si, inner, 2)
    elif layout == "numbered":
        body = sec_left(cx, sec, si, inner, 1, numctr=numctr) if st["num_left"] else \
            sec_grid(cx, sec, inner, st["ncols"], "above", numctr=numctr)
    elif layout in ("above", "below"):
        body = sec_grid(cx, sec, inner, st["ncols"], layout)
    elif layout == "cards":
        body = sec_grid(cx, sec, inner - 2 * 18 - 2, st["ncols"], "cards")
        legend = f'<legend style="font-weight:bold;padding:0 6px;color:{st["acc"]}">{E(sec["title"])}</legend>' if sec["title"] else ""
        return (f'<fieldset style="border:1px solid #bbb;border-radius:8px;padding:12px 18px 18px;margin:{st["sgap"]}px 0 0">'
                f'{legend}{body}</fieldset>')
    elif layout == "leader":
        body = "".join(blk_leader(cx, f, st["rgap"]) for f in sec["fields"])
    elif layout == "inline":
        body = sec_inline(cx, sec)
    else:
        raise ValueError(layout)
    return f'<div style="margin-top:{0 if head else st["rgap"]}px">{head}{body}</div>'


def sign_row(cx, sec):
    st = cx.st
    items = []
    for f in sec["fields"]:
        items.append(blk_inline(cx, f))
    return (f'<div style="display:flex;flex-wrap:wrap;align-items:flex-end;column-gap:48px;row-gap:16px;margin-top:{st["sgap"] + 10}px">'
            + "".join(items) + "</div>")


INTRO_EN = ["Please complete this form in BLOCK CAPITALS using black ink.", "Fields marked * are mandatory.",
            "Tick the boxes that apply.", "Incomplete applications will be returned to you without being processed.",
            "Read the guidance notes before you fill in this form. Do not send original documents unless we ask for them.",
            "Your information will be handled in accordance with our privacy notice.",
            "Return the completed form together with a copy of your photo identification.",
            "Allow up to 15 working days for processing. We may contact you if anything is unclear."]
INTRO_ZH = ["请用黑色签字笔填写，字迹工整，不得涂改。", "带*号为必填项。", "请在相应的□内打“√”。", "本表一式两份，申请人与受理机构各执一份。",
            "申请人应对所填内容的真实性负责，如有虚假，后果自负。", "请附身份证复印件一份。", "受理后十个工作日内办结，请保持电话畅通。"]


def header_html(cx, form):
    st, rng, lang = cx.st, cx.rng, cx.lang
    fs = st["fs"]
    title, org = form["title"], form["org"]
    tfs = int(fs * rng.uniform(1.4, 1.9))
    code = rng.choice([f"Form {rng.choice('ABCDFGHKLMPRSTW')}{rng.choice('ABCDEFHLMPRST')}-{rng.randint(1, 99)} (rev. {rng.randint(1, 12):02d}/{rng.randint(2019, 2024)})",
                       f"Ref. {rng.randint(100, 999)}/{rng.randint(10, 99)}"]) if lang == "en" else \
        rng.choice([f"表号：{rng.choice(['GA', 'SC', 'RS', 'YB', 'ZF'])}-{rng.randint(1, 40):02d}", f"（{rng.randint(2019, 2024)}年版）"])
    k = st["header"]
    decoys = []
    if k == "logo":
        init = "".join(w[0] for w in org.split()[:3]).upper() if lang == "en" else org[:2]
        logo = (f'<div data-decoy="logo" style="flex:none;width:{int(fs * 3.6)}px;height:{int(fs * 3.6)}px;border-radius:50%;'
                f'background:{st["acc"]};color:#fff;display:flex;align-items:center;justify-content:center;font-weight:bold;'
                f'font-size:{int(fs * 1.1)}px">{E(init)}</div>')
        h = (f'<div style="display:flex;align-items:center;gap:16px">{logo}<div style="flex:1"><div style="font-size:{int(fs * 0.95)}px;color:#555">{E(org)}</div>'
             f'<div style="font-size:{tfs}px;font-weight:bold">{E(title)}</div></div>'
             f'<div style="font-size:{int(fs * 0.8)}px;color:#666;align-self:flex-start">{E(code)}</div></div>')
    elif k == "photo":
        ph = (f'<div data-decoy="photo" style="flex:none;width:{int(fs * 6.5)}px;height:{int(fs * 8.5)}px;border:1px dashed #666;'
              f'display:flex;align-items:center;justify-content:center;text-align:center;color:#777;font-size:{max(10, int(fs * 0.75))}px">'
              f'{"Affix a recent<br>passport photo" if lang == "en" else "粘贴<br>近期免冠<br>照片"}</div>')
        h = (f'<div style="display:flex;align-items:flex-start;gap:20px"><div style="flex:1;text-align:center">'
             f'<div style="font-size:{tfs}px;font-weight:bold;margin-top:8px">{E(title)}</div>'
             f'<div style="color:#555;margin-top:4px">{E(org)}</div><div style="font-size:{int(fs * 0.8)}px;color:#777;margin-top:4px">{E(code)}</div></div>{ph}</div>')
    elif k == "barcode":
        bc = (f'<div data-decoy="barcode" style="flex:none;text-align:center;font-size:{max(10, int(fs * 0.7))}px;font-family:monospace">'
              f'<div style="width:170px;height:38px;background:repeating-linear-gradient(90deg,#000 0 2px,#fff 2px 3px,#000 3px 4px,#fff 4px 7px,#000 7px 10px,#fff 10px 12px)"></div>'
              f'{rng.randint(10 ** 9, 10 ** 10 - 1)}</div>')
        h = (f'<div style="display:flex;align-items:flex-start;gap:20px"><div style="flex:1"><div style="font-size:{tfs}px;font-weight:bold">{E(title)}</div>'
             f'<div style="color:#555">{E(org)} &middot; {E(code)}</div></div>{bc}</div>')
    elif k == "band":
        h = (f'<div style="background:{st["acc"]};color:#fff;padding:10px 16px"><div style="font-size:{tfs}px;font-weight:bold">{E(title)}</div>'
             f'<div style="font-size:{int(fs * 0.9)}px">{E(org)}</div></div><div style="text-align:right;font-size:{int(fs * 0.8)}px;color:#666;margin-top:4px">{E(code)}</div>')
    else:  # centred, with an office serial number line as a decoy
        serial = (f'<div data-decoy="serial" style="text-align:right;font-size:{int(fs * 0.85)}px;color:#444">'
                  f'{"Application no." if lang == "en" else "编号："}<span style="display:inline-block;width:120px;border-bottom:1px solid #888;height:1em"></span></div>')
        h = (f'{serial}<div style="text-align:center"><div style="font-size:{tfs}px;font-weight:bold;letter-spacing:{2 if lang == "zh" else 0}px">{E(title)}</div>'
             f'<div style="color:#555">{E(org)}</div></div>')
    intro = form["intro"]
    ih = ""
    if intro:
        ih = f'<div style="margin:14px 0 4px;font-size:{max(11, int(fs * 0.88))}px;color:#333;line-height:1.45">{E(" ".join(intro))}</div>'
    if st["instr_table"]:
        rows = (["Section", "What to include"], ["A", "Your personal details exactly as on your ID"], ["B", "Details of the request"]) \
            if lang == "en" else (["栏目", "填写说明"], ["一", "按身份证件如实填写"], ["二", "填写申请事项"])
        tr = "".join("<tr>" + "".join(f'<td style="padding:3px 8px;border:1px solid #999">{E(c)}</td>' for c in r) + "</tr>" for r in rows)
        ih += (f'<table data-decoy="instructions" style="border-collapse:collapse;margin:8px 0 4px;font-size:{max(10, int(fs * 0.8))}px;color:#444">{tr}</table>')
    return h + ih


def footer_html(cx):
    st, rng, lang = cx.st, cx.rng, cx.lang
    fs = st["fs"]
    parts = []
    if st["office"]:
        lines = (["Received by", "Date received", "Reference"] if lang == "en" else ["受理人", "受理日期", "审核意见"])
        ln = "".join(f'<span style="margin-right:18px">{E(t)}{":" if lang == "en" else "："}<span style="display:inline-block;'
                     f'width:{rng.randint(90, 140)}px;border-bottom:1px solid #777;height:1em"></span></span>' for t in lines)
        parts.append(f'<div data-decoy="office" style="flex:1;border:1px dashed #777;background:#f4f4f4;padding:8px 12px;'
                     f'font-size:{max(10, int(fs * 0.85))}px;color:#444"><div style="font-weight:bold;margin-bottom:8px">'
                     f'{"FOR OFFICE USE ONLY" if lang == "en" else "以下由受理机构填写"}</div>{ln}</div>')
    if st["stamp"]:
        col = "#b22" if st["colour"] else "#666"
        parts.append(f'<div data-decoy="stamp" style="flex:none;width:96px;height:96px;border:2px solid {col};border-radius:50%;'
                     f'display:flex;align-items:center;justify-content:center;text-align:center;color:{col};font-size:12px">'
                     f'{"OFFICIAL<br>STAMP" if lang == "en" else "（盖章）"}</div>')
    out = ""
    if parts:
        out += f'<div style="display:flex;align-items:center;gap:24px;margin-top:{st["sgap"] + 16}px">{"".join(parts)}</div>'
    note = rng.choice(["Keep a copy of this form for your records.", "Page 1 of 1", "Thank you."] if lang == "en"
                      else ["第1页 共1页", "本表由申请人如实填写。", "咨询电话：12345"])
    out += f'<div style="margin-top:14px;font-size:{max(10, int(fs * 0.75))}px;color:#888">{E(note)}</div>'
    return out


PREPARE_JS = r"""(() => {
  const groups = {};
  document.querySelectorAll('[data-lg]').forEach(e => { (groups[e.dataset.lg] = groups[e.dataset.lg] || []).push(e); });
  for (const k in groups) {
    const es = groups[k];
    let mx = 0;
    es.forEach(e => { const w = e.querySelector('.lw').getBoundingClientRect().width; if (w > mx) mx = w; });
    const cap = parseFloat(es[0].dataset.cap || '1e9');
    const w = Math.ceil(Math.min(mx, cap)) + 1;
    es.forEach(e => { e.style.width = w + 'px'; });
  }
  document.querySelectorAll('.snapbox').forEach(g => {
    const r = g.getBoundingClientRect();
    const fr = r.top - Math.floor(r.top);
    if (fr > 0.001) g.style.marginTop = (parseFloat(getComputedStyle(g).marginTop) + 1 - fr) + 'px';
    g.querySelectorAll('.snap').forEach(t => {
      const rows = getComputedStyle(t).gridTemplateRows.split(' ').map(parseFloat);
      t.style.gridTemplateRows = rows.map(v => Math.ceil(v - 0.01) + 'px').join(' ');
    });
  });
  return true;
})()"""

EXTRACT_JS = r"""(() => {
  const R = b => [Math.floor(b.left), Math.floor(b.top), Math.ceil(b.right), Math.ceil(b.bottom)];
  const F = b => [b.left, b.top, b.right, b.bottom];
  const rangeBox = el => { const r = document.createRange(); r.selectNodeContents(el); return R(r.getBoundingClientRect()); };
  const out = {lab: {}, inp: {}, part: {}, ob: {}, ot: {}, og: {}, ogadv: {}, ograw: {}, cell: {}, decoy: [], snap: []};
  document.querySelectorAll('[data-lab]').forEach(e => { out.lab[e.dataset.lab] = rangeBox(e); });
  document.querySelectorAll('[data-in]').forEach(e => { out.inp[e.dataset.in] = R(e.getBoundingClientRect()); });
  document.querySelectorAll('[data-part]').forEach(e => { out.part[e.dataset.part] = R(e.getBoundingClientRect()); });
  document.querySelectorAll('[data-ob]').forEach(e => { out.ob[e.dataset.ob] = R(e.getBoundingClientRect()); });
  document.querySelectorAll('[data-ot]').forEach(e => { out.ot[e.dataset.ot] = rangeBox(e); });
  document.querySelectorAll('[data-cell]').forEach(e => { out.cell[e.dataset.cell] = R(e.getBoundingClientRect()); });
  out.cc = {};
  document.querySelectorAll('[data-cc]').forEach(e => { out.cc[e.dataset.cc] = R(e.getBoundingClientRect()); });
  document.querySelectorAll('[data-decoy]').forEach(e => { out.decoy.push([e.dataset.decoy, R(e.getBoundingClientRect())]); });
  const cv = document.createElement('canvas').getContext('2d');
  document.querySelectorAll('[data-og]').forEach(e => {
    const t = e.firstChild;
    const r = document.createRange(); r.setStart(t, 0); r.setEnd(t, 1);
    const rr = r.getBoundingClientRect();
    const cs = getComputedStyle(e);
    cv.font = cs.fontStyle + ' ' + cs.fontWeight + ' ' + cs.fontSize + ' ' + cs.fontFamily;
    const m = cv.measureText(t.data[0]);
    const base = e.querySelector('.bl').getBoundingClientRect().bottom;
    const x0 = rr.left;
    const b = {left: x0 - m.actualBoundingBoxLeft, top: base - m.actualBoundingBoxAscent,
               right: x0 + m.actualBoundingBoxRight, bottom: base + m.actualBoundingBoxDescent};
    out.og[e.dataset.og] = R(b);
    out.ograw[e.dataset.og] = F(b);
    out.ogadv[e.dataset.og] = R(rr);
  });
  out.html = '<!DOCTYPE html>\n' + document.documentElement.outerHTML;
  return out;
})()"""


# --------------------------------------------------------------------------------------------
# planning
# --------------------------------------------------------------------------------------------

def expand_theme(theme, lang, rng):
    title, org, secs = theme
    sections, fields = [], []
    for stitle, specs in secs:
        sf = []
        for sp in specs:
            if isinstance(sp, str):
                code, _, override = sp.partition(":")
                key, kind, en, zh, extra = COMMON[code]
                f = dict(kind=kind, key=key, label=override or rng.choice(en if lang == "en" else zh), **extra)
                f["code"] = code
            else:
                f = dict(sp)
            if f["kind"] == "checkbox":
                o = f["opts"]
                if o == "GENDER":
                    f["opts"] = None  # resolved with the form's rng (gender_opts)
                elif o == "SEXMFX":
                    f["opts"] = [("M", "M"), ("F", "F"), ("X", None)]
                elif o == YN:
                    f["opts"] = [("Yes", None), ("No", None)] if lang == "en" else [("是", None), ("否", None)]
                    if lang == "en" and rng.random() < 0.3:
                        f["opts"] = [("No", None), ("Yes", None)]
                else:
                    f["opts"] = [(t, None) for t in o]
            f["i"] = len(fields)
            fields.append(f)
            sf.append(f)
        sections.append(dict(title=stitle, fields=sf))
    return dict(title=title, org=org, sections=sections, fields=fields)


def make_style(rng, lang, layout, colour):
    fs = rng.choice(SIZES)
    font = rng.choice(EN_FONTS if lang == "en" else ZH_FONTS)
    acc = rng.choice(ACCENTS) if colour else rng.choice(["#222", "#444", "#555", "#333"])
    st = dict(
        fs=fs, font=font, colour=colour, acc=acc,
        colon=rng.choice([":", ":", ""]) if lang == "en" else rng.choice(["：", "：", ""]),
        lab_css=rng.choice(["", "", "font-weight:bold", "color:#555", "color:#444;font-weight:600", ""]),
        ih=int(fs * rng.uniform(1.75, 2.3)),
        line=rng.choice(["#222", "#333", "#555", "#777"]),
        tstyle=rng.choice(["box", "box", "under", "under_dot", "under_dash", "shade", "native", "round", "box2"]),
        shade=rng.choice(["#eeeeee", "#e6e6e6", "#f0f0f0"]) if not colour else rng.choice(["#e8f0fa", "#eaf4ea", "#f7eee6", "#efe9f7"]),
        hint=rng.choice(["#777", "#888", "#666"]), shade_line=rng.choice(["#999", "#bbb", "#777"]),
        lalign=rng.choice(["left", "left", "right"]),
        lpad=rng.choice([12, 14, 18, 24]),
        rgap=rng.choice([12, 14, 16, 20, 24]),
        cgap=rng.choice([20, 24, 28, 36]),
        lgap=rng.choice([3, 4, 6, 8]),
        sgap=rng.choice([14, 18, 24, 30]),
        tgap=rng.choice([10, 14, 18]),
        head=rng.choice(["bar", "grey", "rule", "plain", "part"]),
        ncols=1, pairs=rng.choice([1, 2, 2]),
        cell_pad=rng.choice([10, 11, 12]),
        cell_lfs=max(11, int(fs * rng.uniform(0.78, 0.95))),
        vhead=lang == "zh" and rng.random() < 0.45,
        lcell_bg=rng.choice(["#fff", "#f2f2f2", "#e9e9e9"]) if not colour else rng.choice(["#fff", "#eef3f9", "#f3efe6"]),
        rjust=rng.choice(["flex-start", "center", "flex-end"]),
        align_all=rng.random() < 0.5,
        num_left=rng.random() < 0.5,
        comb_w=max(18, int(fs * rng.uniform(1.2, 1.6))), comb_h=int(fs * rng.uniform(1.6, 2.1)),
        comb_joined=rng.random() < 0.6, comb_gap=rng.choice([2, 3, 4]),
        header=rng.choice(["logo", "photo", "barcode", "band", "centre"]),
        instr_table=rng.random() < 0.18,
        office=rng.random() < 0.45, stamp=rng.random() < 0.35,
    )
    if st["head"] == "bar" and not colour:
        st["acc"] = rng.choice(["#333", "#4a4a4a", "#222"])
    if layout in ("cells", "rows") and rng.random() < 0.6:
        st["colon"] = ""
    if layout == "cards":
        st["tstyle"] = rng.choice(["native", "round"])
    if layout == "below":
        st["tstyle"] = "under"
    if layout == "cells":
        st["ncols"] = rng.choice([2, 3, 3, 4])
    elif layout in ("above", "below"):
        st["ncols"] = rng.choice([1, 2, 3, 3, 4]) if layout == "above" else rng.choice([2, 3])
    elif layout == "cards":
        st["ncols"] = rng.choice([1, 2, 2])
    elif layout == "numbered":
        st["ncols"] = rng.choice([1, 2])
    return st


def page_width(rng, layout, st):
    lo, hi = {"left1": (700, 1000), "left2": (1000, 1400), "above": (800, 1300), "cells": (900, 1300),
              "rows": (800, 1300), "numbered": (700, 1050), "below": (850, 1250), "cards": (850, 1300),
              "leader": (760, 1050), "inline": (950, 1400), "mixed": (950, 1300)}[layout]
    w = rng.randrange(lo, hi + 1, 10)
    if st["fs"] >= 19:
        w = max(w, min(1400, lo + 300))
    if layout == "above" and st["ncols"] >= 3:
        w = max(w, 1000)
    if layout == "rows" and st["pairs"] == 2:
        w = max(w, 1050)
    return w


def decorate_fields(cx, form, layout):
    st, rng, lang = cx.st, cx.rng, cx.lang
    req = rng.random() < 0.3
    bil = lang == "zh" and rng.random() < 0.25
    just = lang == "zh" and layout in ("left1", "left2", "rows", "leader") and rng.random() < 0.6 and not bil
    for f in form["fields"]:
        for k in ("bi", "bi_stack", "justify", "req", "tstyle", "dmeta"):
            f.pop(k, None)
        f["label_json"] = f["label"]
        if bil and f.get("key") in BILINGUAL:
            f["bi"] = (f["label"], BILINGUAL[f["key"]])
            f["bi_stack"] = layout in ("cells", "rows", "left1") and rng.random() < 0.5
            f["label_json"] = f"{f['label']} {BILINGUAL[f['key']]}"
        if just and len(f["label"]) <= 4 and f["kind"] != "checkbox" or (just and len(f["label"]) <= 3):
            f["justify"] = 4 if len(f["label"]) <= 4 else len(f["label"])
        if req and not f.get("sig") and rng.random() < 0.45:
            f["req"] = True
        if f["kind"] == "checkbox":
            if f.get("opts") is None or f.get("code") == "GENDER":
                f["opts"] = gender_opts(cx)
            f["arr"] = rng.choice(["row", "row", "row", "stack", "grid"]) if len(f["opts"]) >= 4 else rng.choice(["row", "row", "row", "stack"])
            f["tbefore"] = rng.random() < (0.45 if f["ostyle"] == "glyph" else 0.12)
            f["glyph"] = f.get("glyph_ch") or rng.choice(["☐", "□", "○", "◯", "☐", "□"])
            f["gfs"] = int(st["fs"] * rng.choice([1.0, 1.1, 1.25]))
            f["gsp"] = rng.choice([2, 4, 6])
            f["ogap"] = rng.choice([14, 18, 24, 32])
            f["osize"] = rng.choice([12, 13, 14, 16, 18])
            f["obw"] = rng.choice([1, 1.5, 2])
            f["same_line"] = rng.random() < 0.5
        if f["kind"] == "text" and not f.get("comb") and not f.get("sig") and rng.random() < 0.12:
            f["tstyle"] = rng.choice(["box", "shade", "under"])


def build_html(cx, form, layout, width):
    st, rng = cx.st, cx.rng
    pad = rng.choice([24, 30, 36, 44, 56])
    inner = width - 2 * pad
    photo = layout == "cells" and st["header"] != "photo" and rng.random() < 0.5
    numfmt = rng.choice(["{}.", "{})", "Q{}."] if cx.lang == "en" else ["{}.", "{}、", "（{}）"])
    numctr = Num(numfmt)
    body = []
    secs = form["sections"]
    for si, sec in enumerate(secs):
        lay = layout
        if layout == "mixed":
            lay = sec["layout"]
        last = si == len(secs) - 1 and all(f.get("key") in ("signature", "date") for f in sec["fields"])
        if last and lay not in ("cells", "rows") and rng.random() < 0.7:
            body.append(sign_row(cx, sec))
            continue
        body.append(section_html(cx, sec, si, inner, lay, numctr, photo and si == 0))
    fam = st["font"]
    colour = "#111" if not st["colour"] else "#1a1a1a"
    css = (f"html,body{{margin:0;padding:0;background:#fff}}"
           f"body{{font-family:{fam};font-size:{st['fs']}px;color:{colour}}}"
           f".page{{width:{width}px;box-sizing:border-box;padding:{pad}px}}"
           f".lb{{white-space:normal}} .ph{{color:#9a9a9a}} .cell{{box-sizing:border-box;border-right:1px solid {st['line']};"
           f"border-bottom:1px solid {st['line']}}} .bl{{display:inline-block;width:0;height:0}}"
           f".oi .ot{{white-space:nowrap}} input,select{{color:#222}}")
    head = header_html(cx, form)
    foot = footer_html(cx)
    return (f'<!DOCTYPE html><html lang="{"en" if cx.lang == "en" else "zh-CN"}"><head><meta charset="utf-8">'
            f'<title>{E(form["title"])}</title><style>{css}</style></head><body><div class="page">{head}'
            + "".join(body) + foot + "</div></body></html>")


# --------------------------------------------------------------------------------------------
# profile and values
# --------------------------------------------------------------------------------------------

def build_profile(rng, lang, form, person, romanised):
    fields = form["fields"]
    keys = []
    for f in fields:
        k = f.get("key")
        if k and k != "signature" and k not in keys:
            keys.append(k)
    has = set(keys)
    split = "first_name" in has and "last_name" in has and "name" not in has and lang == "en" and rng.random() < 0.35
    nomit = min(len(keys) - 1, rng.choice([1, 1, 2, 2, 3]))
    cand = [k for k in keys if not (split and k in ("first_name", "last_name"))]
    omitted = set(rng.sample(cand, nomit))
    zh_keys = lang == "zh" or romanised
    mode = rng.choice(["native", "native", "canon", "mixed"])
    prof = {}

    def spell(k):
        en, zh = KEY_SPELL[k]
        if mode == "canon":
            return k
        if mode == "mixed":
            return rng.choice(en + zh)
        return rng.choice(zh if zh_keys else en)

    addr = person["address"]
    if lang == "en" and not romanised and "city" not in has:
        addr = f"{addr}, {person['city']}" + (f" {person['postcode']}" if "postcode" not in has else "")
    vals = {}
    order = list(keys)
    if split:
        order = [k for k in order if k not in ("first_name", "last_name")] + ["name"]
    extras = [k for k in ("occupation", "nationality", "email", "phone", "employer") if k not in has]
    rng.shuffle(extras)
    order += extras[:rng.choice([0, 0, 1, 2])]
    for k in order:
        if k in omitted:
            continue
        if k == "date_of_birth":
            v = spell_date(rng, *person["dob"], lang)
        elif k == "date":
            v = spell_date(rng, *person["today"], lang)
        elif k == "gender":
            v = rng.choice(GENDER_SPELL[person["gender"]])
        elif k == "address":
            v = addr
        else:
            v = person[k]
        name = spell(k)
        while name in prof:
            name = k
            if name in prof:
                break
        prof[name] = v
        vals[k] = v
    # field values
    for f in fields:
        k = f.get("key")
        f["value"] = None
        if not k or k == "signature":
            continue
        if f["kind"] == "date":
            if k in vals:
                y, m, d = person["dob"] if k == "date_of_birth" else person["today"]
                f["value"] = f"{y:04d}-{m:02d}-{d:02d}"
        elif f["kind"] == "checkbox":
            if k == "gender" and k in vals:
                for t, tag in f["opts"]:
                    if tag == person["gender"]:
                        f["value"] = t
        elif k in ("first_name", "last_name") and split:
            if "name" in vals:
                f["value"] = person[k]
        elif k in vals:
            f["value"] = vals[k]
    return prof, split, sorted(omitted)


# --------------------------------------------------------------------------------------------
# checks
# --------------------------------------------------------------------------------------------

def overlap(a, b):
    return max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))


def dist(a, b):
    dx = max(0, b[0] - a[2], a[0] - b[2])
    dy = max(0, b[1] - a[3], a[1] - b[3])
    return math.hypot(dx, dy)


def inside(a, b):
    return a[0] >= b[0] and a[1] >= b[1] and a[2] <= b[2] and a[3] <= b[3]


def field_boxes(jf):
    out = [("label", jf["label_box"])]
    if jf.get("input_box"):
        out.append(("input", jf["input_box"]))
    for p in jf.get("parts", []):
        out.append(("part", p["box"]))
    for o in jf.get("options", []):
        out.append(("obox", o["box"]))
        out.append(("otext", o["text_box"]))
    return out


def ink_bbox(a, box, thr=None):
    x1, y1, x2, y2 = box
    sub = a[max(0, y1):y2, max(0, x1):x2]
    if sub.size == 0:
        return None, sub
    t = thr if thr is not None else (int(sub.max()) + int(sub.min())) / 2
    ys, xs = (sub < t).nonzero()
    if len(xs) == 0:
        return None, sub
    return [max(0, x1) + int(xs.min()), max(0, y1) + int(ys.min()), max(0, x1) + int(xs.max()) + 1, max(0, y1) + int(ys.max()) + 1], sub


def check_form(jfields, W, H, ex, gray, cells, ccells):
    import numpy as np
    a = np.asarray(gray, dtype=np.int16)
    errs = []
    allb = []
    for n, jf in enumerate(jfields):
        for role, b in field_boxes(jf):
            if not (0 <= b[0] < b[2] <= W and 0 <= b[1] < b[3] <= H):
                errs.append(f"{jf['label']}: {role} {b} outside the page {W}x{H}")
            allb.append((n, role, b))
    for x in range(len(allb)):
        n1, r1, b1 = allb[x]
        for y in range(x + 1, len(allb)):
            n2, r2, b2 = allb[y]
            if n1 == n2 and {r1, r2} == {"label", "input"}:
                lab, inp = (b1, b2) if r1 == "label" else (b2, b1)
                if overlap(lab, inp) and not inside(lab, inp):
                    errs.append(f"{jfields[n1]['label']}: label {lab} partly inside its input {inp}")
                continue
            if overlap(b1, b2):
                errs.append(f"overlap: {jfields[n1]['label']}/{r1} {b1} x {jfields[n2]['label']}/{r2} {b2}")
            if n1 != n2 and ("label" in (r1, r2)) and r1 != r2:
                other = r2 if r1 == "label" else r1
                if other in ("input", "part", "obox", "otext") and dist(b1, b2) < 8:
                    errs.append(f"label too close ({dist(b1, b2):.1f} px): {jfields[n1]['label']}/{r1} {b1} x {jfields[n2]['label']}/{r2} {b2}")
    for kind, db in ex["decoy"]:
        for n, role, b in allb:
            if overlap(b, db):
                errs.append(f"{jfields[n]['label']}/{role} {b} on decoy {kind} {db}")
    for n, jf in enumerate(jfields):
        c = cells.get(n)
        if c:
            for role, b in field_boxes(jf):
                if not inside(b, c):
                    errs.append(f"{jf['label']}/{role} {b} not inside its cell {c}")
        c = ccells.get(n)
        if c:
            for role, b in field_boxes(jf):
                if role != "label" and not inside(b, c):
                    errs.append(f"{jf['label']}/{role} {b} not inside its cell {c}")
                if role == "label" and overlap(b, c):
                    errs.append(f"{jf['label']}/label {b} on its input cell {c}")
        # ink in label and option texts
        for role, b in field_boxes(jf):
            if role in ("label", "otext"):
                sub = a[b[1]:b[3], b[0]:b[2]]
                if sub.size == 0 or sub.min() > 170 or (sub < 200).sum() < 4:
                    errs.append(f"{jf['label']}: {role} {b} has no ink")
    return errs


def check_glyphs(jfields, ex, gray, glyph_ids):
    import numpy as np
    a = np.asarray(gray, dtype=np.int16)
    errs = []
    for gid, (n, j) in glyph_ids.items():
        box = ex["og"][gid]
        adv = ex["ogadv"][gid]
        region = [max(adv[0] - 1, box[0] - 3), min(adv[1], box[1]) - 3, min(adv[2] + 1, box[2] + 3), max(adv[3], box[3]) + 3]
        bb, sub = ink_bbox(a, region)
        if bb is None:
            errs.append(f"glyph {gid}: no ink in {region}")
            continue
        if sub.max() - sub.min() < 80:
            errs.append(f"glyph {gid}: too faint")
        if max(abs(p - q) for p, q in zip(bb, box)) > 2:
            errs.append(f"glyph {gid} ({jfields[n]['label']}): ink {bb} vs measured {box}")
    return errs


# --------------------------------------------------------------------------------------------
# one form
# --------------------------------------------------------------------------------------------

def cycler(rng, items):
    while True:
        xs = list(items)
        rng.shuffle(xs)
        yield from xs


def render_one(browser, out, fid, lang, theme, layout, seed, date_cyc, opt_cyc, mixed_cyc):
    crng = random.Random(f"{seed}/{fid}/content")
    form = expand_theme(theme, lang, crng)
    romanised = lang == "en" and crng.random() < 0.12
    person = make_person(crng, lang, romanised)
    # styles drawn from the corpus-wide cycles (fixed across attempts)
    for f in form["fields"]:
        if f["kind"] == "date":
            f["dstyle"] = next(date_cyc)
    groups = [f for f in form["fields"] if f["kind"] == "checkbox"]
    if groups:
        main_style = next(opt_cyc)
        second = next(opt_cyc) if len(groups) >= 3 else main_style
        for n, f in enumerate(groups):
            f["ostyle"] = second if (n == len(groups) - 1 and len(groups) >= 3) else main_style
    if layout == "mixed":
        for sec in form["sections"]:
            sec["layout"] = next(mixed_cyc)
    errors = []
    for attempt in range(8):
        rng = random.Random(f"{seed}/{fid}/look/{attempt}")
        colour = rng.random() < 0.28
        st = make_style(rng, lang, layout, colour)
        cx = Ctx(rng, lang, st)
        decorate_fields(cx, form, layout)
        width = min(1400, page_width(rng, layout, st) + 100 * attempt)
        intro = rng.sample(INTRO_EN if lang == "en" else INTRO_ZH, rng.choice([0, 1, 2, 3, 4]))
        form["intro"] = intro
        html_s = build_html(cx, form, layout, width)
        try:
            png, ex, (W, H) = browser.render(html_s, width, EXTRACT_JS, js_prepare=PREPARE_JS)
        except CDPError as e:
            if "wider" in str(e):
                errors.append(f"attempt {attempt}: {e}")
                continue
            raise
        im = Image.open(io.BytesIO(png)).convert("RGB")
        if not colour:
            im = im.convert("L")
        buf = io.BytesIO()
        im.save(buf, format="PNG", optimize=True)
        if buf.tell() > MAX_PNG and im.mode == "RGB":
            im = im.quantize(colors=48, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
            buf = io.BytesIO()
            im.save(buf, format="PNG", optimize=True)
        if buf.tell() > MAX_PNG:
            errors.append(f"attempt {attempt}: PNG {buf.tell()} bytes")
            continue
        gray = im.convert("L")
        jfields, glyph_ids = build_json_fields(form, ex)
        cells = {n: ex["cell"][str(f["i"])] for n, f in enumerate(form["fields"]) if str(f["i"]) in ex["cell"]}
        ccells = {n: ex["cc"][str(f["i"])] for n, f in enumerate(form["fields"]) if str(f["i"]) in ex["cc"]}
        errs = check_form(jfields, W, H, ex, gray, cells, ccells) + check_glyphs(jfields, ex, gray, glyph_ids)
        if errs:
            errors.append(f"attempt {attempt}: " + "; ".join(errs[:4]) + (f" (+{len(errs) - 4})" if len(errs) > 4 else ""))
            if os.environ.get("HELDOUT_DEBUG"):
                with open(f"/tmp/heldout_debug_{fid}_{attempt}.html", "w", encoding="utf-8") as fh:
                    fh.write(html_s)
                with open(f"/tmp/heldout_debug_{fid}_{attempt}.png", "wb") as fh:
                    fh.write(buf.getvalue())
                print(f"{fid} {errors[-1]}", file=sys.stderr)
            continue
        profile, split, omitted = build_profile(crng if attempt == 0 else random.Random(f"{seed}/{fid}/profile"), lang, form, person, romanised)
        for jf, f in zip(jfields, form["fields"]):
            jf["value"] = f["value"]
            if f["kind"] == "date":
                for p in jf["parts"]:
                    p["value"] = part_value(f, p["part"])
        jfields = [order_keys(jf) for jf in jfields]
        desc = layout_string(form, layout, st)
        gt = {"id": fid, "lang": lang, "width": W, "height": H, "image": f"{fid}.png", "layout": desc,
              "profile": profile, "fields": jfields}
        if split:
            gt["hard_case"] = "the profile has only a full name; the form asks for first and last name separately"
        with open(os.path.join(out, f"{fid}.png"), "wb") as fh:
            fh.write(buf.getvalue())
        with open(os.path.join(out, f"{fid}.html"), "w", encoding="utf-8") as fh:
            fh.write(finalise_html(html_s, ex))
        with open(os.path.join(out, f"{fid}.json"), "w", encoding="utf-8") as fh:
            json.dump(gt, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
        return gt, form, st, attempt, errors, buf.tell(), im.mode
    raise SystemExit(f"{fid}: could not draw a clean form:\n  " + "\n  ".join(errors))


def finalise_html(html_s, ex):
    """The page as laid out (label columns and ruled-table rows put on whole pixels by PREPARE_JS)."""
    return ex.get("html") or html_s


def part_value(f, part):
    v = f["value"]
    if not v:
        return ""
    y, m, d = v.split("-")
    if part == "year":
        return y
    x = m if part == "month" else d
    return x if f["dmeta"]["pad"] else str(int(x))


def build_json_fields(form, ex):
    out, glyph_ids = [], {}
    for n, f in enumerate(form["fields"]):
        i = str(f["i"])
        kind = "checkbox" if f["kind"] == "checkbox" else f["kind"]
        jf = {"label": f["label_json"], "label_box": ex["lab"][i], "kind": kind}
        if kind == "text":
            jf["input_box"] = ex["inp"][i]
        elif kind == "date":
            dm = f["dmeta"]
            if dm["one_box"]:
                jf["input_box"] = ex["inp"][i]
                jf["format"] = dm["fmt"]
                jf["parts"] = []
            else:
                jf["input_box"] = None
                jf["format"] = None
                jf["parts"] = [{"part": p, "box": ex["part"][f"{i}:{p}"], "value": ""} for p in dm["order"]]
        else:
            jf["style"] = OPT_JSON[f["ostyle"]]
            jf["input_box"] = None
            opts = []
            for j, (t, _tag) in enumerate(f["opts"]):
                k = f"{i}:{j}"
                if f["ostyle"] == "glyph":
                    box = ex["og"][k]
                    glyph_ids[k] = (n, j)
                else:
                    box = ex["ob"][k]
                opts.append({"text": t, "text_box": ex["ot"][k], "box": box})
            jf["options"] = opts
        jf["key"] = f.get("key")
        out.append(jf)
    return out, glyph_ids


def order_keys(jf):
    order = ["label", "label_box", "kind", "style", "input_box", "key", "value", "format", "parts", "options"]
    return {k: jf[k] for k in order if k in jf}


def layout_string(form, layout, st):
    lay = LAYOUT_DESC[layout]
    if layout == "mixed":
        lay += " (" + " / ".join(LAYOUT_DESC[s["layout"]] for s in form["sections"]) + ")"
    if layout in ("above", "below", "cells", "cards"):
        lay += f", {st['ncols']} columns"
    if layout == "rows":
        lay += f", {st['pairs'] * 2} columns"
    opts = []
    for f in form["fields"]:
        if f["kind"] == "checkbox":
            d = OPT_DESC[f["ostyle"]] + (f" {f['glyph']}" if f["ostyle"] == "glyph" else "") + \
                (" (text first)" if f["tbefore"] else "") + f" {f['arr']}"
            if d not in opts:
                opts.append(d)
    dates = []
    for f in form["fields"]:
        if f["kind"] == "date" and DATE_DESC[f["dstyle"]] not in dates:
            dates.append(DATE_DESC[f["dstyle"]])
    inputs = {"box": "boxes", "box2": "heavy boxes", "under": "underlines", "under_dot": "dotted underlines",
              "under_dash": "dashed underlines", "shade": "shaded boxes", "native": "native inputs", "round": "rounded boxes"}[st["tstyle"]]
    font = st["font"].replace('"', "")
    return f"{lay}, {inputs}; options: {', '.join(opts) or 'none'}; dates: {', '.join(dates) or 'none'}; {font} {st['fs']}px"


# --------------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=404)
    ap.add_argument("--count", type=int, default=44)
    ap.add_argument("--prefix", default="d")
    args = ap.parse_args()
    t0 = time.time()
    os.makedirs(args.out, exist_ok=True)
    for n in os.listdir(args.out):
        if n.startswith(args.prefix + "_") and n.rsplit(".", 1)[-1] in ("html", "png", "json", "jpg"):
            os.remove(os.path.join(args.out, n))
    seed = args.seed
    crng = random.Random(f"{seed}/cycles")
    lay_cyc = {"en": cycler(crng, LAYOUTS), "zh": cycler(crng, LAYOUTS)}
    date_cyc = {"en": cycler(crng, DATE_EN), "zh": cycler(crng, DATE_ZH)}
    opt_cyc = {"en": cycler(crng, OPT_STYLES), "zh": cycler(crng, OPT_STYLES)}
    mixed_cyc = cycler(crng, ["left1", "above", "cells", "rows", "inline", "left2"])
    themes = {"en": cycler(crng, EN_THEMES), "zh": cycler(crng, ZH_THEMES)}
    stats = defaultdict(Counter)
    results = []
    with Browser() as b:
        for k in range(1, args.count + 1):
            lang = "en" if k % 2 else "zh"
            fid = f"{args.prefix}_{k:02d}"
            layout = next(lay_cyc[lang])
            theme = next(themes[lang])
            gt, form, st, attempt, errors, size, mode = render_one(b, args.out, fid, lang, theme, layout, seed,
                                                                   date_cyc[lang], opt_cyc[lang], mixed_cyc)
            results.append((fid, lang, gt, form, layout, attempt, size, mode))
            print(f"{fid} {lang} {layout:8s} {gt['width']}x{gt['height']} {len(gt['fields'])} fields, {size // 1024} KB {mode}"
                  + (f" (attempt {attempt})" if attempt else ""), flush=True)
    # summary
    tot = Counter()
    for fid, lang, gt, form, layout, attempt, size, mode in results:
        for jf, f in zip(gt["fields"], form["fields"]):
            tot[(jf["kind"], lang)] += 1
            if jf["key"]:
                tot["keyed"] += 1
                if jf["value"] is None:
                    tot["unfillable"] += 1
            if jf["kind"] == "date":
                stats["date"][(f["dstyle"], lang)] += 1
                tot["date_keyed" if jf["key"] else "date_null"] += 1
            if jf["kind"] == "checkbox":
                stats["opt"][(f["ostyle"], lang)] += 1
                stats["arr"][(f["arr"], lang)] += 1
        stats["layout"][(layout, lang)] += 1
        tot["split"] += 1 if gt.get("hard_case") else 0
        tot["gray"] += mode == "L"
    nf = sum(v for k, v in tot.items() if isinstance(k, tuple))
    print(f"\n{len(results)} forms, {nf} fields: " + ", ".join(
        f"{kd} {tot[(kd, 'en')] + tot[(kd, 'zh')]} ({tot[(kd, 'en')]} en / {tot[(kd, 'zh')]} zh)" for kd in ("text", "date", "checkbox")))
    print(f"keyed {tot['keyed']}, unfillable {tot['unfillable']}; dates keyed {tot['date_keyed']}, key null {tot['date_null']}; "
          f"split names {tot['split']}; grayscale PNGs {tot['gray']}; max PNG {max(r[6] for r in results) // 1024} KB")
    for name, keys in (("date", DATE_EN + [d for d in DATE_ZH if d not in DATE_EN]), ("opt", OPT_STYLES),
                       ("arr", ["row", "stack", "grid"]), ("layout", LAYOUTS)):
        desc = DATE_DESC if name == "date" else OPT_DESC if name == "opt" else {}
        print(f"{name}: " + "; ".join(f"{desc.get(k, k)} {stats[name][(k, 'en')]}/{stats[name][(k, 'zh')]}" for k in keys))
    print(f"time {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
