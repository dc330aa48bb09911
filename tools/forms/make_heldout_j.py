#!/usr/bin/env python3
"""Held-out form corpus J (v2 JSON format), written blind: from the v2 format description, the key
list and profile conventions, tools/forms/README.md, tools/cdp_render.py and make_scans.py only.

    python3 tools/forms/make_heldout_j.py --out /tmp/forms_heldout_j --seed 1010 --count 44
    python3 tools/forms/make_scans.py --in /tmp/forms_heldout_j --seed 131

Writes j_01 ... j_NN (odd English, even Simplified Chinese) as <id>.html, <id>.png, <id>.json.
Eleven layout families, each on 2 English and 2 Chinese forms (for --count 44): cheque (bank
slips), tiered (outline numbering with indented sub-fields), roundframe (thick coloured border,
pill inputs, icon badges), examples (labels with bracketed examples), addon (input groups: the
label is a prefix segment joined to its input), penmanship (handwriting guide lines / 田字格
cells), dialog (a retro desktop dialog window), receipt (narrow till-receipt strips with
right-aligned entries), sidepanels (landscape, instructions panel and office-use panel around the
form), boarding (boarding-pass cards with a barcode stub), indexcards (ruled index cards on a
board).  Every box is read from the DOM after layout (x1/y1 floored, x2/y2 ceiled); glyph option
boxes from the glyph's ink (canvas measureText at the glyph's DOM position and baseline).
Self-checks stop the script after a few cosmetic redraws.  Deterministic for a seed.
HELDOUT_J_DEBUG=1 prints the rejected attempts.
"""

import argparse
import html as htmllib
import io
import json
import math
import os
import random
import sys
import time
from collections import Counter

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from cdp_render import Browser, CDPError, save_png  # noqa: E402

DEBUG = os.environ.get("HELDOUT_J_DEBUG") == "1"
MAX_PNG = 200 * 1024
ATTEMPTS = 6

FAMILIES = ["cheque", "tiered", "roundframe", "examples", "addon", "penmanship", "dialog",
            "receipt", "sidepanels", "boarding", "indexcards"]

EN_FONTS = ["Liberation Sans", "Liberation Serif", "Liberation Sans Narrow", "DejaVu Sans",
            "DejaVu Serif", "Noto Sans", "Noto Serif"]
ZH_FONTS = ["Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei",
            "Liberation Serif, Noto Serif CJK SC", "DejaVu Sans, WenQuanYi Zen Hei",
            "Noto Sans, Noto Sans CJK SC"]

# ----------------------------------------------------------------------------------------------
# themes: (title, [key-null texts], [key-null dates], [(group label, [options])])
THEMES = {
    ("cheque", "en"): [
        ("Cheque Book Request Slip", ["Account number", "Sort code", "Branch name"], [],
         [("Book size", ["Standard (30 leaves)", "Large (50 leaves)"]), ("Delivery", ["Post to home", "Collect at branch"])]),
        ("Foreign Currency Order Slip", ["Currency required", "Amount in pounds", "Account to debit"], ["Collection date"],
         [("Payment method", ["Debit card", "Cash", "Account transfer"])]),
    ],
    ("cheque", "zh"): [
        ("支票簿申领单", ["账号", "开户网点", "申领数量"], [], [("支票类型", ["转账支票", "现金支票"])]),
        ("外币兑换预约单", ["兑换币种", "兑换金额", "收款账号"], ["预约取款日期"], [("取款方式", ["网点领取", "存入账户"]), ("用途", ["旅游", "留学", "其他"])]),
    ],
    ("tiered", "en"): [
        ("Planning Objection Submission", ["Application reference", "Address of the development site", "Grounds of objection"],
         ["Date of the notice"], [("Do you wish to speak at the committee meeting?", ["Yes", "No"])]),
        ("Research Ethics Review Application", ["Project title", "Principal investigator", "Funding body"],
         ["Proposed start date", "Proposed end date"], [("Participants include", ["Adults", "Children", "Patients"])]),
    ],
    ("tiered", "zh"): [
        ("建设项目公众意见表", ["项目名称", "意见内容", "与项目关系"], [], [("是否同意建设", ["同意", "不同意", "无所谓"])]),
        ("科研项目伦理审查申请表", ["项目名称", "项目负责人", "资助来源"], ["计划开始日期", "计划结束日期"], [("研究对象", ["成人", "儿童", "患者"])]),
    ],
    ("roundframe", "en"): [
        ("Summer Festival Volunteer Sign-up", ["Preferred role", "T-shirt size", "Dietary requirements"], [],
         [("Availability", ["Friday", "Saturday", "Sunday"])]),
        ("Pottery Studio Membership", ["Membership number", "How did you hear about us?"], ["Start date"],
         [("Membership plan", ["Monthly", "Annual"]), ("Experience", ["Beginner", "Intermediate", "Advanced"])]),
    ],
    ("roundframe", "zh"): [
        ("亲子运动会报名表", ["孩子姓名", "孩子年龄", "参赛项目"], [], [("服装尺码", ["S", "M", "L", "XL"])]),
        ("陶艺工作室会员登记表", ["会员卡号", "了解渠道"], ["入会日期"], [("会员类型", ["月卡", "年卡"]), ("陶艺基础", ["零基础", "有基础"])]),
    ],
    ("examples", "en"): [
        ("Online Banking Registration", ["Customer number", "Preferred username"], [],
         [("Statement delivery", ["Paper", "Online"])]),
        ("Vehicle Tax Refund Claim", ["Vehicle registration number", "Make and model", "Mileage"], ["Date vehicle sold"],
         [("Refund by", ["Cheque", "Bank transfer"])]),
    ],
    ("examples", "zh"): [
        ("网上银行开通申请表", ["客户号", "登录用户名"], [], [("对账单寄送方式", ["纸质", "电子"])]),
        ("车辆购置税退税申请表", ["车牌号码", "车辆型号", "行驶里程"], ["车辆转让日期"], [("退税方式", ["银行转账", "现金"])]),
    ],
    ("addon", "en"): [
        ("Freelancer Onboarding", ["Hourly rate", "Portfolio URL", "Tax reference"], ["Available from"],
         [("Payment schedule", ["Weekly", "Monthly"])]),
        ("Equipment Loan Agreement", ["Asset tag", "Item description", "Deposit paid"], ["Loan start date", "Return date"],
         [("Condition on issue", ["New", "Good", "Fair"])]),
    ],
    ("addon", "zh"): [
        ("自由职业者入驻登记表", ["时薪", "作品集网址", "纳税人识别号"], ["可开始日期"], [("结算周期", ["每周", "每月"])]),
        ("设备借用协议", ["资产编号", "设备名称", "押金"], ["借用开始日期", "归还日期"], [("借出时状况", ["全新", "良好", "一般"])]),
    ],
    ("penmanship", "en"): [
        ("Adult Handwriting Course Enrolment", ["Course code", "Class group"], [],
         [("Writing hand", ["Left", "Right"]), ("Session", ["Morning", "Evening"])]),
        ("Calligraphy Workshop Booking", ["Workshop title", "Number of seats"], ["Workshop date"],
         [("Ink preference", ["Black", "Colour"])]),
    ],
    ("penmanship", "zh"): [
        ("成人书法培训班报名表", ["班级编号", "学习基础"], [], [("书写习惯", ["左手", "右手"]), ("上课时段", ["上午", "晚上"])]),
        ("硬笔书法比赛报名表", ["参赛组别", "作品名称"], ["比赛日期"], [("书体", ["楷书", "行书", "隶书"])]),
    ],
    ("dialog", "en"): [
        ("Network Account Request", ["Requested username", "Department code", "Manager's name"], ["Account expiry date"],
         [("Access level", ["Standard", "Administrator"])]),
        ("Remote Access Registration", ["Device name", "Asset number"], ["Start date"],
         [("Operating system", ["Windows", "macOS", "Linux"])]),
    ],
    ("dialog", "zh"): [
        ("网络账号申请", ["申请用户名", "部门代码", "直属主管"], ["账号到期日期"], [("权限级别", ["普通用户", "管理员"])]),
        ("远程办公接入登记", ["设备名称", "资产编号"], ["启用日期"], [("操作系统", ["Windows", "macOS", "Linux"])]),
    ],
    ("receipt", "en"): [
        ("Dry Cleaning Docket", ["Ticket no.", "Number of items", "Special instructions"], ["Collection date"],
         [("Service", ["Standard", "Express"])]),
        ("Bicycle Repair Job Card", ["Frame number", "Bike make", "Work requested"], [],
         [("Contact me by", ["Phone", "Email", "SMS"])]),
    ],
    ("receipt", "zh"): [
        ("干洗收衣单", ["取衣单号", "衣物件数", "特殊要求"], ["取衣日期"], [("服务类型", ["普通", "加急"])]),
        ("自行车维修登记单", ["车架号", "车辆品牌", "维修项目"], [], [("联系方式", ["电话", "短信", "微信"])]),
    ],
    ("sidepanels", "en"): [
        ("Library Makerspace Induction", ["Equipment you want to use", "Previous experience"], ["Preferred induction date"],
         [("Session", ["Weekday", "Weekend"])]),
        ("Bereavement Support Payment Claim", ["Name of the person who died", "Your relationship to them", "Their National Insurance number"],
         ["Date of death"], [("Were you living together?", ["Yes", "No"])]),
    ],
    ("sidepanels", "zh"): [
        ("图书馆创客空间使用申请表", ["拟使用设备", "相关经验"], ["希望培训日期"], [("使用时段", ["工作日", "周末"])]),
        ("丧葬补助金申领表", ["逝者姓名", "与逝者关系", "逝者身份证号码"], ["死亡日期"], [("是否共同居住", ["是", "否"])]),
    ],
    ("boarding", "en"): [
        ("Charter Flight Passenger Card", ["Flight number", "Seat number", "Checked bags"], ["Departure date"],
         [("Meal", ["Standard", "Vegetarian", "Halal"]), ("Seat preference", ["Window", "Aisle"])]),
        ("Ferry Vehicle Booking Card", ["Vehicle registration", "Vehicle length (m)", "Cabin number"], ["Sailing date"],
         [("Ticket", ["Single", "Return"])]),
    ],
    ("boarding", "zh"): [
        ("包机旅客登记卡", ["航班号", "座位号", "托运行李件数"], ["出发日期"], [("餐食", ["普通餐", "素食", "清真餐"])]),
        ("客滚船车辆登记卡", ["车牌号码", "车长（米）", "舱位号"], ["开航日期"], [("票种", ["单程", "往返"])]),
    ],
    ("indexcards", "en"): [
        ("Seed Library Borrower Card", ["Seeds borrowed", "Garden location"], [],
         [("Growing experience", ["New", "Some", "Lots"])]),
        ("Tool Library Membership Card", ["Membership number", "Tools of interest"], ["Renewal date"],
         [("Deposit paid", ["Yes", "No"])]),
    ],
    ("indexcards", "zh"): [
        ("种子图书馆借阅卡", ["借阅品种", "种植地点"], [], [("种植经验", ["新手", "一般", "丰富"])]),
        ("工具图书馆会员卡", ["会员编号", "感兴趣的工具"], ["会员续期日期"], [("押金", ["已交", "未交"])]),
    ],
}

EXAMPLES_EN = {"name": "Emily Carter", "first_name": "Emily", "last_name": "Carter", "id_number": "AB123456C",
               "passport_number": "533380006", "phone": "07700 900123", "email": "name@example.com",
               "address": "14 Orchard Lane", "city": "Bristol", "postcode": "BS8 1TH", "occupation": "Nurse",
               "employer": "Acme Ltd", "emergency_contact": "Mark Carter, 07700 900456", "nationality": "British",
               "Customer number": "12345678", "Preferred username": "ecarter90", "Vehicle registration number": "AB12 CDE",
               "Make and model": "Ford Focus", "Mileage": "42000"}
EXAMPLES_ZH = {"name": "张伟", "first_name": "伟", "last_name": "张", "id_number": "110105199003071234",
               "passport_number": "E12345678", "phone": "13800138000", "email": "zhangwei@163.com",
               "address": "朝阳区建国路88号", "city": "北京市", "postcode": "100022", "occupation": "教师",
               "employer": "某某有限公司", "emergency_contact": "李娜 13912345678", "nationality": "中国",
               "客户号": "12345678", "登录用户名": "zhangwei88", "车牌号码": "京A12345", "车辆型号": "大众朗逸",
               "行驶里程": "30000公里"}

LABELS = {
    "name": (["Full name", "Name", "Applicant's name", "Name in full"], ["姓名", "申请人姓名"]),
    "last_name": (["Surname", "Last name", "Family name"], ["姓"]),
    "first_name": (["Given name(s)", "First name", "Forename(s)"], ["名"]),
    "gender": (["Gender", "Sex"], ["性别"]),
    "date_of_birth": (["Date of birth", "Birth date"], ["出生日期", "出生年月日"]),
    "nationality": (["Nationality", "Citizenship"], ["国籍"]),
    "id_number": (["ID number", "Identity card no.", "National ID number"], ["身份证号码", "公民身份号码", "证件号码"]),
    "passport_number": (["Passport number", "Passport no."], ["护照号码"]),
    "phone": (["Phone", "Mobile number", "Telephone", "Contact number"], ["手机号码", "联系电话", "电话"]),
    "email": (["Email", "Email address", "E-mail"], ["电子邮箱", "邮箱", "E-mail"]),
    "address": (["Home address", "Address", "Residential address"], ["家庭住址", "通讯地址", "现住址"]),
    "city": (["City", "Town / city"], ["城市", "所在城市"]),
    "postcode": (["Postcode", "Postal code", "ZIP code"], ["邮政编码", "邮编"]),
    "occupation": (["Occupation", "Job title"], ["职业"]),
    "employer": (["Employer", "Name of employer", "Company"], ["工作单位", "所在单位"]),
    "emergency_contact": (["Emergency contact", "Emergency contact person"], ["紧急联系人", "紧急联系人及电话"]),
    "signature": (["Signature", "Signature of applicant", "Applicant's signature"], ["签名", "申请人签名", "本人签字"]),
    "date": (["Date", "Date signed"], ["日期", "签署日期", "填表日期"]),
}

PROFILE_KEYS = {
    "name": ("name", ["full_name", "Name", "full name"], "姓名"),
    "first_name": ("first_name", ["given_name", "First name", "firstName"], "名"),
    "last_name": ("last_name", ["surname", "family_name", "Last name"], "姓"),
    "id_number": ("id_number", ["ID", "id", "id_no"], "身份证号码"),
    "passport_number": ("passport_number", ["passport", "Passport No", "passport_no"], "护照号码"),
    "phone": ("phone", ["Mobile", "tel", "mobile_phone"], "手机"),
    "email": ("email", ["E-mail", "Email", "email_address"], "邮箱"),
    "address": ("address", ["home_address", "Address", "street_address"], "地址"),
    "city": ("city", ["town", "City"], "城市"),
    "postcode": ("postcode", ["zip", "postal_code", "post_code"], "邮编"),
    "date_of_birth": ("date_of_birth", ["dob", "DOB", "birth_date"], "出生日期"),
    "gender": ("gender", ["sex", "Sex", "Gender"], "性别"),
    "nationality": ("nationality", ["Nationality", "citizenship"], "国籍"),
    "occupation": ("occupation", ["job", "Occupation", "profession"], "职业"),
    "employer": ("employer", ["company", "Employer", "work_place"], "工作单位"),
    "emergency_contact": ("emergency_contact", ["ice_contact", "emergency", "Emergency contact"], "紧急联系人"),
    "date": ("date", ["today", "date_signed", "signing_date"], "日期"),
}

EN_FIRST = {"M": ["James", "Oliver", "Thomas", "Daniel", "Samuel", "Owen", "Liam", "Patrick", "George", "Henry"],
            "F": ["Emily", "Sophie", "Hannah", "Grace", "Chloe", "Megan", "Aoife", "Lucy", "Isla", "Rachel"]}
EN_LAST = ["Carter", "Hughes", "Bennett", "O'Brien", "Fletcher", "Walsh", "Morgan", "Doyle", "Pearson", "Gallagher",
           "Reid", "Turner", "Whitfield", "Kendall"]
EN_PLACES = [("Bristol", "BS8 1TH", "14 Orchard Lane"), ("Leeds", "LS6 2QB", "7 Ash Grove"),
             ("Cardiff", "CF10 3AT", "22 Windsor Place"), ("Norwich", "NR2 4PD", "3 Unthank Road"),
             ("York", "YO31 7EP", "58 Huntington Road"), ("Exeter", "EX4 4QJ", "9 Pennsylvania Road"),
             ("Brighton", "BN1 6AB", "41 Ditchling Rise"), ("Glasgow", "G12 8QQ", "120 Byres Road")]
EN_NATS = ["British", "Irish", "Australian", "Canadian", "New Zealander"]
EN_JOBS = [("Nurse", "North Bristol NHS Trust"), ("Software developer", "Brightwave Digital Ltd"),
           ("Teacher", "St Mary's Primary School"), ("Accountant", "Hale & Moss LLP"),
           ("Electrician", "Sparkline Services"), ("Pharmacist", "Boots UK"), ("Architect", "Fenwick Studio"),
           ("Chef", "The Old Mill Kitchen")]
ZH_SUR = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙"]
ZH_GIVEN = {"M": ["伟", "强", "建国", "志明", "浩然", "子轩", "国栋", "明辉"],
            "F": ["芳", "静", "秀英", "丽娟", "雨婷", "欣怡", "晓燕", "佳慧"]}
PINYIN = {"王": "Wang", "李": "Li", "张": "Zhang", "刘": "Liu", "陈": "Chen", "杨": "Yang", "黄": "Huang",
          "赵": "Zhao", "吴": "Wu", "周": "Zhou", "徐": "Xu", "孙": "Sun", "伟": "Wei", "强": "Qiang",
          "建国": "Jianguo", "志明": "Zhiming", "浩然": "Haoran", "子轩": "Zixuan", "国栋": "Guodong",
          "明辉": "Minghui", "芳": "Fang", "静": "Jing", "秀英": "Xiuying", "丽娟": "Lijuan", "雨婷": "Yuting",
          "欣怡": "Xinyi", "晓燕": "Xiaoyan", "佳慧": "Jiahui"}
ZH_PLACES = [("北京市", "110105", "100020", "朝阳区建国路88号3栋502室"), ("上海市", "310115", "200120", "浦东新区世纪大道1200弄6号1101室"),
             ("广州市", "440106", "510630", "天河区天河北路233号18楼"), ("成都市", "510107", "610041", "武侯区人民南路四段27号"),
             ("杭州市", "330106", "310012", "西湖区文三路90号2幢301室"), ("武汉市", "420111", "430070", "洪山区珞喻路152号"),
             ("南京市", "320106", "210008", "鼓楼区中山北路30号7楼"), ("西安市", "610113", "710061", "雁塔区小寨西路26号")]
ZH_JOBS = [("教师", "北京市第八中学"), ("工程师", "华信科技有限公司"), ("会计", "中信会计师事务所"), ("医生", "市第一人民医院"),
           ("设计师", "青禾设计工作室"), ("销售经理", "远航贸易有限公司"), ("公务员", "区市场监督管理局"), ("护士", "省人民医院")]
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]


def id_check(d17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(a) * b for a, b in zip(d17, w)) % 11]


def spell_date(iso, rng, zh):
    y, m, d = (int(x) for x in iso.split("-"))
    opts = ["iso", "dot", "long", "us"] + (["cn", "cn"] if zh else ["cn"])
    if d > 12:
        opts.append("slash")
    s = rng.choice(opts)
    return {"iso": iso, "cn": f"{y}年{m}月{d}日", "dot": f"{y}.{m:02d}.{d:02d}", "long": f"{d} {EN_MONTHS[m - 1]} {y}",
            "us": f"{EN_MONTHS[m - 1]} {d}, {y}", "slash": f"{d:02d}/{m:02d}/{y}"}[s]


def make_person(lang, rng):
    sex = rng.choice("MF")
    chinese = lang == "zh" or rng.random() < 0.25
    y = rng.randint(1955, 2004)
    mo = rng.randint(1, 12)
    d = rng.randint(1, 28)
    dob = f"{y}-{mo:02d}-{d:02d}"
    p = {"sex": sex, "dob": dob}
    if chinese:
        sur = rng.choice(ZH_SUR)
        giv = rng.choice(ZH_GIVEN[sex])
        city, region, pc, addr = rng.choice(ZH_PLACES)
        seq = rng.randint(10, 99) * 10 + (rng.choice([1, 3, 5, 7, 9]) if sex == "M" else rng.choice([0, 2, 4, 6, 8]))
        d17 = f"{region}{y}{mo:02d}{d:02d}{seq:03d}"
        idn = d17 + id_check(d17)
        ph = "1" + rng.choice(["38", "39", "58", "86", "51", "77"]) + "".join(str(rng.randint(0, 9)) for _ in range(8))
        job = rng.choice(ZH_JOBS)
        ec_sur = rng.choice(ZH_SUR)
        ec_ph = "13" + "".join(str(rng.randint(0, 9)) for _ in range(9))
        if lang == "zh":
            p.update(name=sur + giv, first_name=giv, last_name=sur, nationality="中国", id_number=idn, phone=ph,
                     email=f"{PINYIN[sur].lower()}{PINYIN[giv].lower()}{rng.randint(1, 99)}@{rng.choice(['163.com', 'qq.com', '126.com'])}",
                     address=addr, city=city, postcode=pc, occupation=job[0], employer=job[1],
                     emergency_contact=f"{ec_sur}{rng.choice(ZH_GIVEN['M'] + ZH_GIVEN['F'])} {ec_ph}",
                     passport_number="E" + "".join(str(rng.randint(0, 9)) for _ in range(8)))
        else:
            en_job = rng.choice(EN_JOBS)
            ecity, epc, eaddr = rng.choice(EN_PLACES)
            p.update(name=f"{PINYIN[sur]} {PINYIN[giv]}", first_name=PINYIN[giv], last_name=PINYIN[sur],
                     nationality="Chinese", id_number=idn, phone="07" + "".join(str(rng.randint(0, 9)) for _ in range(3)) + " " + "".join(str(rng.randint(0, 9)) for _ in range(6)),
                     email=f"{PINYIN[giv].lower()}.{PINYIN[sur].lower()}@example.com", address=eaddr, city=ecity,
                     postcode=epc, occupation=en_job[0], employer=en_job[1],
                     emergency_contact=f"{PINYIN[ec_sur]} Min, 07700 9{rng.randint(10000, 99999)}",
                     passport_number="E" + "".join(str(rng.randint(0, 9)) for _ in range(8)))
    else:
        fn = rng.choice(EN_FIRST[sex])
        ln = rng.choice(EN_LAST)
        city, pc, addr = rng.choice(EN_PLACES)
        job = rng.choice(EN_JOBS)
        p.update(name=f"{fn} {ln}", first_name=fn, last_name=ln, nationality=rng.choice(EN_NATS),
                 id_number=rng.choice("ABCEGHJKLMNPRSTWXYZ") + rng.choice("ABCEGHJKLMNPRSTWXYZ") + "".join(str(rng.randint(0, 9)) for _ in range(6)) + rng.choice("ABCD"),
                 phone=rng.choice(["07700 9", "07911 1", "07456 3"]) + "".join(str(rng.randint(0, 9)) for _ in range(5)),
                 email=f"{fn.lower()}.{ln.lower().replace(chr(39), '')}@{rng.choice(['example.com', 'mail.co.uk', 'example.org'])}",
                 address=addr, city=city, postcode=pc, occupation=job[0], employer=job[1],
                 emergency_contact=f"{rng.choice(EN_FIRST['M'] + EN_FIRST['F'])} {ln}, 07700 9{rng.randint(10000, 99999)}",
                 passport_number="".join(str(rng.randint(0, 9)) for _ in range(9)))
    p["chinese"] = chinese
    return p


# ----------------------------------------------------------------------------------------------
# content: sections of fields (independent of the cosmetic draw)

def make_content(fid, lang, family, theme, rng):
    zh = lang == "zh"
    L = lambda k: rng.choice(LABELS[k][1 if zh else 0])  # noqa: E731
    person = make_person(lang, rng)
    fields = []
    n = [0]

    def F(kind, key, label, sec, **kw):
        f = dict(fid=f"f{n[0]}", kind=kind, key=key, label=label, sec=sec, **kw)
        n[0] += 1
        fields.append(f)
        return f

    split = rng.random() < 0.16
    if split:
        F("text", "last_name", L("last_name"), 0)
        F("text", "first_name", L("first_name"), 0)
    else:
        F("text", "name", L("name"), 0)
    if zh:
        gopts = rng.choice([["男", "女"], ["男", "女"], ["男性", "女性"]])
    else:
        gopts = rng.choice([["Male", "Female"], ["M", "F"], ["Female", "Male"], ["Male", "Female", "Other"],
                            ["Male", "Female", "Prefer not to say"]])
    F("checkbox", "gender", L("gender"), 0, options=gopts)
    F("date", "date_of_birth", L("date_of_birth"), 0)
    if rng.random() < 0.3:
        nat = person["nationality"]
        F("checkbox", "nationality", L("nationality"), 0, options=[nat, "其他" if zh else "Other"])
    else:
        F("text", "nationality", L("nationality"), 0)
    pool = ["id_number", "passport_number", "phone", "email", "address", "city", "postcode", "occupation",
            "employer", "emergency_contact"]
    if zh or person["chinese"]:
        pool.remove("passport_number" if rng.random() < 0.7 else "id_number")
    k = rng.randint(4, 6)
    first = ["phone"] if rng.random() < 0.8 else []
    rest = [x for x in pool if x not in first]
    rng.shuffle(rest)
    chosen = first + rest[:k - len(first)]
    chosen.sort(key=pool.index)
    for key in chosen:
        F("text", key, L(key), 1)
    title, texts, dates, groups = theme
    for t in texts:
        F("text", None, t, 2)
    for d in dates:
        F("date", None, d, 2)
    for g, opts in groups:
        F("checkbox", None, g, 2, options=list(opts))
    F("text", "signature", L("signature"), 3)
    if rng.random() < 0.88:
        F("date", "date", L("date"), 3)

    # profile
    keyed = [f for f in fields if f["key"] and f["key"] != "signature"]
    nun = rng.choice([1, 2, 2, 3, 3, 4])
    omit = set(f["key"] for f in rng.sample(keyed, min(nun, len(keyed))))
    style = rng.choice(["canon", "variant", "mix"] + (["zh", "zh", "canon"] if zh else (["zh"] if person["chinese"] else [])))
    today = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    vals = dict(person)
    vals["date"] = today
    profile = {}
    used = set()

    def pkey(key):
        c, var, z = PROFILE_KEYS[key]
        s = style if style != "mix" else rng.choice(["canon", "variant", "zh"] if (zh or person["chinese"]) else ["canon", "variant"])
        cand = c if s == "canon" else (rng.choice(var) if s == "variant" else z)
        if cand in used:
            cand = c
        used.add(cand)
        return cand

    def pval(key):
        if key in ("date_of_birth", "date"):
            return spell_date(vals["dob"] if key == "date_of_birth" else today, rng, zh)
        if key == "gender":
            sx = person["sex"]
            if zh or style == "zh":
                return rng.choice(["男", "男", "M"] if sx == "M" else ["女", "女", "F"])
            return rng.choice(["M", "male", "Male", "m"] if sx == "M" else ["F", "female", "Female", "f"])
        return vals[key]

    for f in fields:
        key = f["key"]
        if key is None or key == "signature" or key in omit:
            f["value"] = None
            continue
        profile[pkey(key)] = pval(key)
        if key == "gender":
            sx = person["sex"]
            f["value"] = next(o for o in f["options"] if o in (("男", "男性", "Male", "M") if sx == "M" else ("女", "女性", "Female", "F")))
        elif key == "nationality" and f["kind"] == "checkbox":
            f["value"] = f["options"][0]
        elif key == "date_of_birth":
            f["value"] = person["dob"]
        elif key == "date":
            f["value"] = today
        else:
            f["value"] = vals[key]
    asked = set(f["key"] for f in fields if f["key"])
    extras = [k for k in ["passport_number", "id_number", "occupation", "employer", "email", "city", "postcode",
                          "emergency_contact", "address"] if k not in asked]
    rng.shuffle(extras)
    nex = rng.choice([0, 1, 1, 2])
    for k2 in extras[:nex]:
        profile[pkey(k2)] = vals[k2]
    if split and rng.random() < 0.4 and "name" not in asked:
        profile[pkey("name")] = vals["name"]
        nex += 1
    secnames = (["申请人信息", "联系方式", title.replace("表", "").replace("单", "") + "信息", "声明"] if zh else
                ["Applicant", "Contact details", "Details", "Declaration"])
    if zh:
        secnames[2] = rng.choice(["办理事项", "申请内容", "详细信息", "其他信息"])
    else:
        secnames[0] = rng.choice(["Applicant", "About you", "Personal details", "Your details"])
        secnames[2] = rng.choice(["Request details", "Details of the request", "About this application", "Further details"])
    return dict(fields=fields, profile=profile, person=person, title=title, secnames=secnames,
                omitted=len(omit), extras=nex, split=split)


# ----------------------------------------------------------------------------------------------
# widgets

def esc(s):
    return htmllib.escape(s, quote=False)


DATE_FORMATS_EN = [("DD/MM/YYYY", "dmy", "/"), ("MM/DD/YYYY", "mdy", "/"), ("YYYY-MM-DD", "ymd", "-"),
                   ("DD.MM.YYYY", "dmy", "."), ("DD-MM-YYYY", "dmy", "-"), ("DD MMM YYYY", "dmy", " ")]
DATE_FORMATS_ZH = [("YYYY年MM月DD日", "ymd", ""), ("YYYY-MM-DD", "ymd", "-"), ("YYYY/MM/DD", "ymd", "/"),
                   ("YYYY.MM.DD", "ymd", ".")]
PN = {"d": "day", "m": "month", "y": "year"}


class W:
    """Widget builder for one form: holds the cosmetic draw (rng, font size, colours)."""

    def __init__(self, lang, crng, fs, ink="#222"):
        self.lang = lang
        self.zh = lang == "zh"
        self.r = crng
        self.fs = fs
        self.ink = ink
        self.ih = max(24, int(fs * 1.9))

    def lab(self, f, colon=True, star=False, extra_style=""):
        t = esc(f["label"])
        if f.get("akey"):
            t = f["akey"]
        s = ""
        if star:
            s += '<span style="color:#c0392b">*</span>'
        if colon:
            s += "：" if self.zh else ":"
        return f'<span class="lab" data-lab="{f["fid"]}" style="{extra_style}">{t}{s}</span>'

    # ---- text input
    def tin(self, f, css, w=None, h=None, inner=""):
        h = h or self.ih
        wcss = f"width:{w}px;flex:none;" if w else "flex:1 1 auto;min-width:60px;"
        return f'<div data-in="{f["fid"]}" style="{wcss}height:{h}px;{css}">{inner}</div>'

    # ---- option group
    def ogroup(self, f, st, arr="row", textpos="after", size=None, chip=None, gap=None):
        size = size or max(12, min(20, int(self.fs * 0.95)))
        gap = gap if gap is not None else self.r.choice([14, 18, 24])
        items = []
        for i, t in enumerate(f["options"]):
            fid = f["fid"]
            side = "margin-left:6px;" if textpos == "before" else "margin-right:6px;"
            if st == "csq":
                box = f'<span data-ob="{fid}" data-oi="{i}" style="display:inline-block;flex:none;width:{size}px;height:{size}px;border:{1 if size < 16 else 2}px solid {self.ink};background:#fff;{side}"></span>'
            elif st == "cci":
                box = f'<span data-ob="{fid}" data-oi="{i}" style="display:inline-block;flex:none;width:{size}px;height:{size}px;border:{1 if size < 16 else 2}px solid {self.ink};border-radius:50%;background:#fff;{side}"></span>'
            elif st in ("nchk", "nrad"):
                typ = "checkbox" if st == "nchk" else "radio"
                box = f'<input type="{typ}" data-ob="{fid}" data-oi="{i}" style="flex:none;width:{size}px;height:{size}px;margin:0;{side}">'
            else:
                g = {"g1": "☐", "g2": "□", "g3": "○"}[st]
                sd = "margin-left:5px;" if textpos == "before" else "margin-right:5px;"
                box = f'<span data-og="{fid}" data-oi="{i}" style="{sd}">{g}</span>'
            txt = f'<span data-ot="{fid}" data-oi="{i}">{esc(t)}</span>'
            inner = (txt + box) if textpos == "before" else (box + txt)
            ch = chip or ""
            items.append(f'<span class="opt" style="display:inline-flex;align-items:center;white-space:nowrap;{ch}">{inner}</span>')
        if arr == "row":
            return f'<div class="og" style="display:flex;flex-wrap:wrap;align-items:center;column-gap:{gap}px;row-gap:8px">{"".join(items)}</div>'
        if arr == "stack":
            return f'<div class="og" style="display:flex;flex-direction:column;align-items:flex-start;row-gap:8px">{"".join(items)}</div>'
        return f'<div class="og" style="display:grid;grid-template-columns:repeat(2,max-content);column-gap:{gap + 16}px;row-gap:8px">{"".join(items)}</div>'

    # ---- dates
    def date_meta(self, f, order):
        f["order"] = order

    def part(self, f, pk, w, css, ph="", h=None, tag_extra=""):
        h = h or self.ih
        inner = f'<span class="ph" style="color:#a0a0a0">{ph}</span>' if ph else ""
        return (f'<div data-part="{f["fid"]}" data-pk="{pk}" style="flex:none;width:{w}px;height:{h}px;{css};'
                f'display:flex;align-items:center;justify-content:center;{tag_extra}">{inner}</div>')

    def pw(self, pk):
        fs = self.fs
        return int(fs * (4.6 if pk == "y" else 3.0)) + self.r.choice([0, 4, 8])

    def sep(self, s):
        return f'<span style="margin:0 6px;flex:none">{esc(s)}</span>' if s.strip() else '<span style="width:10px;flex:none"></span>'

    def date_onebox(self, f, css, mode, w=None, h=None):
        """mode: ph (grey placeholder), after (format after label), under (format under), eg (example),
        none, sfx (format in a suffix segment, handled by the family). Returns (suffix, body)."""
        fmts = DATE_FORMATS_ZH if self.zh else DATE_FORMATS_EN
        fmt, order, sp = self.r.choice(fmts)
        if mode == "none":
            fmt = None
        f["format"] = fmt
        f["order"] = None
        shown = fmt
        if fmt and mode == "ph" and not self.zh and self.r.random() < 0.3:
            shown = fmt.lower()
        w = w or int(self.fs * 10.5)
        suffix = ""
        inner = ""
        if mode == "ph":
            inner = f'<span class="ph" style="color:#9a9a9a;padding-left:8px">{esc(shown)}</span>'
        elif mode == "after":
            suffix = f'<span class="hint" style="color:#555;margin-left:6px;font-size:{max(11, self.fs - 2)}px">({esc(shown)})</span>'
        elif mode == "eg":
            ex = self.example_date(fmt)
            suffix = f'<span class="hint" style="color:#777;font-style:italic;margin-left:6px;font-weight:normal">{"（例：" + ex + "）" if self.zh else "(e.g. " + ex + ")"}</span>'
        body = f'<div data-in="{f["fid"]}" style="width:{w}px;flex:none;height:{h or self.ih}px;{css};display:flex;align-items:center">{inner}</div>'
        if mode == "under":
            hint = ("格式：" if self.zh else "Format: ") + shown
            body = f'<div style="display:inline-flex;flex-direction:column;align-items:flex-start">{body}<span style="color:#666;font-size:{max(11, self.fs - 3)}px;margin-top:3px">{esc(hint)}</span></div>'
        f["dstyle"] = {"ph": "one box, grey placeholder", "after": "one box, format after the label",
                       "under": "one box, format under it", "eg": "one box, example date after the label",
                       "none": "one box, no format", "sfx": "one box, format in a suffix segment"}[mode]
        return suffix, body

    def example_date(self, fmt):
        y, m, d = 1988, 4, 23
        return (fmt.replace("YYYY", str(y)).replace("MMM", "Apr").replace("MM", f"{m:02d}").replace("DD", f"{d:02d}"))

    def date_parts(self, f, mode, css, order=None, h=None, ul=False):
        """Parts styles: ph (grey placeholders + separators), capabove, capbelow, units (年月日 after),
        inline (Day [ ] Month [ ] Year [ ]), egbelow (boxes + an example under them)."""
        zh = self.zh
        if order is None:
            order = "ymd" if zh else self.r.choice(["dmy", "dmy", "dmy", "mdy", "ymd"])
        f["order"] = order
        f["format"] = None
        f["input_box_none"] = True
        units = {"y": "年", "m": "月", "d": "日"}
        caps_en = {"d": "Day", "m": "Month", "y": "Year"}
        phs = {"d": "DD", "m": "MM", "y": "YYYY"}
        sepc = self.r.choice(["/", "/", "-", "."]) if not zh else self.r.choice(["/", "-", "."])
        f["pad"] = not (zh and mode in ("units", "capabove", "capbelow", "inline"))
        out = []
        csz = max(11, self.fs - 3)
        capword = self.r.random() < 0.6
        for i, pk in enumerate(order):
            w = self.pw(pk)
            if mode == "ph":
                p = self.part(f, PN[pk], w, css, phs[pk], h)
                out.append(p)
                if i < 2:
                    out.append(self.sep(sepc))
            elif mode in ("capabove", "capbelow"):
                cap = units[pk] if zh else (caps_en[pk] if capword else phs[pk])
                capel = f'<span style="font-size:{csz}px;color:#444;line-height:1.2">{cap}</span>'
                p = self.part(f, PN[pk], w, css, "", h)
                col = capel + p if mode == "capabove" else p + capel
                out.append(f'<div style="display:flex;flex-direction:column;align-items:center;row-gap:2px;flex:none">{col}</div>')
                if i < 2:
                    out.append(f'<span style="width:12px;flex:none"></span>')
            elif mode == "units":
                out.append(self.part(f, PN[pk], w, css, "", h))
                out.append(f'<span style="margin:0 8px 0 5px;flex:none">{units[pk]}</span>')
            elif mode == "inline":
                cap = units[pk] if zh else caps_en[pk]
                out.append(f'<span style="margin:0 6px 0 {0 if i == 0 else 12}px;flex:none">{cap}</span>')
                out.append(self.part(f, PN[pk], w, css, "", h))
            elif mode == "egbelow":
                out.append(self.part(f, PN[pk], w, css, "", h))
                if i < 2:
                    out.append(self.sep(sepc))
        body = f'<div style="display:inline-flex;align-items:{"flex-end" if mode == "capabove" else ("flex-start" if mode == "capbelow" else "center")}">{"".join(out)}</div>'
        if mode == "egbelow":
            ex = {"d": "23", "m": "04", "y": "1988"}
            exs = sepc.join(ex[k] for k in order)
            body = f'<div style="display:inline-flex;flex-direction:column;align-items:flex-start">{body}<span style="color:#777;font-style:italic;font-size:{csz}px;margin-top:3px">{"例：" if zh else "e.g. "}{exs}</span></div>'
        word = "underline segments" if ul else "boxes"
        f["dstyle"] = {"ph": f"three {word}, grey DD / MM / YYYY placeholders, separators",
                       "capabove": f"three {word}, captions above", "capbelow": f"three {word}, captions below",
                       "units": f"three {word} followed by 年 / 月 / 日",
                       "inline": "Day [ ] Month [ ] Year [ ]" if not zh else "年 [ ] 月 [ ] 日 [ ] (unit before)",
                       "egbelow": f"three {word}, an example date under them"}[mode]
        return body


# ----------------------------------------------------------------------------------------------
# families: each returns (html, width, layout description)

def base_css(font, fs, extra=""):
    return (f"<style>*{{box-sizing:border-box}} html,body{{margin:0}} body{{font-family:{font};font-size:{fs}px;"
            f"color:#1a1a1a;background:#fff;line-height:1.3}} .lab{{}} input{{accent-color:#333}} {extra}</style>")


def page(font, fs, width, body, extra_css=""):
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8">{base_css(font, fs, extra_css)}</head>'
            f'<body style="width:{width}px">{body}</body></html>')


def body_of(w, f, ctx):
    """The input widget of a field, per the family's ctx. Returns (label suffix, body html)."""
    if f["kind"] == "text":
        return "", ctx["text"](f)
    if f["kind"] == "checkbox":
        return "", w.ogroup(f, f["ostyle"], f.get("arr", "row"), f.get("textpos", "after"), chip=ctx.get("chip"))
    return ctx["date"](f)


def assign_options(forms_fields, w, styles, arrs=("row",), textpos_p=0.0):
    main = w.r.choice(styles)
    for f in forms_fields:
        if f["kind"] != "checkbox":
            continue
        f["ostyle"] = main if w.r.random() < 0.7 else w.r.choice(styles)
        f["arr"] = w.r.choice(arrs) if (len(f["options"]) > 2 or w.r.random() < 0.4) else "row"
        f["textpos"] = "before" if (f["ostyle"].startswith("g") and w.r.random() < textpos_p) else "after"


def secs(content):
    out = [[], [], [], []]
    for f in content["fields"]:
        out[f["sec"]].append(f)
    return out


def pack(fields, cols):
    rows, cur = [], []
    for f in fields:
        wide = f.get("wide") or (f["kind"] == "checkbox" and len(f["options"]) > 3)
        if wide:
            if cur:
                rows.append(cur)
                cur = []
            rows.append([f])
            continue
        cur.append(f)
        if len(cur) == cols:
            rows.append(cur)
            cur = []
    if cur:
        rows.append(cur)
    return rows


def mark_wide(content, extra_keys=()):
    for f in content["fields"]:
        f["wide"] = (f["key"] in ("address", "emergency_contact") + tuple(extra_keys)) or (
            f["key"] is None and f["kind"] == "text" and len(f["label"]) > (9 if any(ord(c) > 0x3000 for c in f["label"]) else 22))


def cell_left(w, f, ctx, labw=None, align="left", colon=True, valign="center", prefix=""):
    suf, body = body_of(w, f, ctx)
    lw = f"width:{labw}px;flex:none;" if labw else "flex:none;"
    va = "flex-start" if f["kind"] == "checkbox" and f.get("arr") in ("stack", "grid") else valign
    return (f'<div class="cell" style="display:flex;align-items:{va};column-gap:12px;min-width:0">'
            f'<div style="{lw}text-align:{align}">{prefix}{w.lab(f, colon, f.get("star", False), ctx.get("labcss", ""))}{suf}</div>'
            f'<div style="flex:1 1 auto;display:flex;align-items:center;min-width:0">{body}</div></div>')


def cell_above(w, f, ctx, colon=False, gap=5):
    suf, body = body_of(w, f, ctx)
    return (f'<div class="cell" style="display:flex;flex-direction:column;align-items:stretch;min-width:0">'
            f'<div style="margin-bottom:{gap}px">{w.lab(f, colon, f.get("star", False), ctx.get("labcss", ""))}{suf}</div>'
            f'<div style="display:flex;align-items:center">{body}</div></div>')


def grid_rows(rows, cols, cellfn, cgap=28, rgap=14):
    out = []
    for row in rows:
        if len(row) == 1 and (row[0].get("wide") or row[0]["kind"] == "checkbox" and len(row[0]["options"]) > 3):
            out.append(f'<div style="display:grid;grid-template-columns:1fr;margin-bottom:{rgap}px">{cellfn(row[0])}</div>')
        else:
            out.append(f'<div style="display:grid;grid-template-columns:repeat({cols},minmax(0,1fr));column-gap:{cgap}px;margin-bottom:{rgap}px">'
                       + "".join(cellfn(f) for f in row) + "</div>")
    return "".join(out)


def header_block(content, lang, r, color="#222", sub=True):
    zh = lang == "zh"
    t = esc(content["title"])
    code = (f"表号 J-{r.randint(100, 999)}" if zh else f"Form J{r.randint(10, 99)}-{r.randint(100, 999)}")
    inst = ("请用黑色墨水笔填写，字迹清楚。" if zh else "Please write clearly in black ink, using block capitals.")
    return (f'<div style="font-size:1.55em;font-weight:bold;color:{color}">{t}</div>'
            + (f'<div style="color:#555;font-size:0.9em;margin:4px 0 10px">{inst} <span style="float:right">{code}</span></div>' if sub else ""))


def declaration_text(lang):
    return ("本人声明以上所填内容真实、准确、完整。" if lang == "zh" else
            "I declare that the information I have given on this form is correct and complete.")


# ---- 1 cheque ---------------------------------------------------------------------------------
def fam_cheque(content, lang, r, font, fs):
    w = W(lang, r, fs)
    width = r.randrange(980, 1181, 10)
    col = r.choice(["#1f5c8b", "#2e6b3a", "#5b3a7a", "#7a4b1f"])
    pat = r.choice(["repeating-linear-gradient(0deg,#f3f6f9 0 2px,#fff 2px 6px)",
                    "repeating-linear-gradient(90deg,#f5f3ee 0 1px,#fff 1px 5px)",
                    "#f7faf7"])
    ulc = r.choice(["#222", "#333", "#444"])
    ul = f"border-bottom:1px solid {ulc}"
    boxcss = f"border:1px solid {ulc};background:#fff;border-radius:3px"
    assign_options(content["fields"], w, ["csq", "nchk", "cci"])
    mark_wide(content)

    def text(f):
        if f["key"] in ("postcode", "phone", "id_number", "passport_number") or (f["key"] is None and r.random() < 0.35):
            return w.tin(f, boxcss, w=int(fs * (14 if f["key"] in ("id_number",) else 11)))
        return w.tin(f, ul, h=int(fs * 1.7))

    def date(f):
        zh = lang == "zh"
        if r.random() < 0.3:
            return w.date_onebox(f, boxcss, r.choice(["ph", "after"]))
        # digit comb groups with a letter over each cell (D D M M Y Y Y Y) or 年/月/日 after each group
        order = "ymd" if zh else r.choice(["dmy", "dmy", "mdy"])
        f["order"] = order
        f["format"] = None
        f["pad"] = not zh or True
        cw = max(18, int(fs * 1.5))
        out = []
        for i, pk in enumerate(order):
            nc = 4 if pk == "y" else 2
            cells = "".join(f'<span style="display:inline-block;width:{cw}px;height:{cw + 6}px;border:1px solid {ulc};'
                            f'{"border-left:none;" if j else ""}background:#fff"></span>' for j in range(nc))
            part = f'<div data-part="{f["fid"]}" data-pk="{PN[pk]}" style="display:flex;flex:none">{cells}</div>'
            if zh:
                out.append(part + f'<span style="margin:0 8px 0 5px">{"年月日"["ymd".index(pk)]}</span>')
            else:
                letters = "".join(f'<span style="display:inline-block;width:{cw}px;text-align:center">{pk.upper()}</span>' for _ in range(nc))
                out.append(f'<div style="display:flex;flex-direction:column;align-items:flex-start;flex:none;margin-right:{10 if i < 2 else 0}px">'
                           f'<div style="display:flex;font-size:{max(11, fs - 3)}px;color:#666">{letters}</div>{part}</div>')
        f["dstyle"] = "digit combs followed by 年 / 月 / 日" if zh else "digit combs, a letter over each cell (D D M M Y Y Y Y)"
        f["pad"] = True if not zh else False
        return "", f'<div style="display:flex;align-items:{"center" if zh else "flex-end"}">{"".join(out)}</div>'

    ctx = dict(text=text, date=date, labcss=f"font-size:{max(11, fs - 2)}px;color:{col};font-weight:bold")
    S = secs(content)
    bank = r.choice(["Northgate Bank", "Harbour Savings", "Albion & County Bank"]) if lang == "en" else r.choice(["华信银行", "长江商业银行", "恒通银行"])
    slips = []
    for si, fl in enumerate(S):
        rows = pack(fl, 2)
        inner = ""
        for row in rows:
            inner += (f'<div style="display:grid;grid-template-columns:repeat({len(row)},minmax(0,1fr));column-gap:30px;margin:12px 0">'
                      + "".join(cell_left(w, f, ctx, valign="flex-end") for f in row) + "</div>")
        if si == 3:
            inner = f'<div style="font-size:0.9em;margin:4px 0 6px">{declaration_text(lang)}</div>' + inner
        no = f"{r.randint(100000, 999999)}"
        slips.append(
            f'<div style="border:2px solid {col};border-radius:10px;background:{pat};padding:10px 18px 8px;margin:0 0 18px">'
            f'<div style="display:flex;justify-content:space-between;align-items:baseline;border-bottom:1px solid {col};padding-bottom:5px;color:{col}">'
            f'<b>{esc(bank)}</b><span>{esc(content["secnames"][si])}</span><span style="font-family:Liberation Mono,monospace;font-size:0.85em">No. {no}</span></div>'
            f'{inner}</div>')
    micr = f'<div style="font-family:Liberation Mono,monospace;letter-spacing:3px;color:#333;margin-top:-6px">⑈{r.randint(100000, 999999)}⑈ {r.randint(10, 99)}-{r.randint(10, 99)}-{r.randint(10, 99)}⑆ {r.randint(10000000, 99999999)}⑈</div>' if r.random() < 0.5 else ""
    body = (f'<div style="padding:22px 28px">{header_block(content, lang, r, col)}{"".join(slips)}{micr}</div>')
    return page(font, fs, width, body), width, f"cheque: bank slips on a {pat.split('(')[0]} ground, small bold labels left of underlines / boxes, digit-comb dates"


# ---- 2 tiered ---------------------------------------------------------------------------------
def fam_tiered(content, lang, r, font, fs):
    w = W(lang, r, fs)
    width = r.randrange(820, 1101, 10)
    zh = lang == "zh"
    ul = r.choice(["border-bottom:1px solid #333", "border-bottom:1px dotted #222", "border-bottom:2px dotted #444"])
    bx = "border:1px solid #555"
    assign_options(content["fields"], w, ["nrad", "nchk", "cci", "g2" if zh else "g1"], arrs=("row", "stack"))
    ind = r.choice([22, 28, 34])
    tree = r.choice(["1px solid #999", "1px dashed #888", "2px solid #ccc"])

    def text(f):
        return w.tin(f, ul, h=int(fs * 1.6))

    def date(f):
        m = r.choice(["ph", "units", "after", "capbelow"] if zh else ["ph", "ph", "after", "inline", "capbelow"])
        if m == "after":
            return w.date_onebox(f, ul, "after", h=int(fs * 1.6))
        if zh and m == "ph":
            m = "units"
        return "", w.date_parts(f, m, bx if r.random() < 0.6 else ul, ul=False)

    ctx = dict(text=text, date=date)
    S = secs(content)
    parts = []
    numsty = r.choice(["dec", "paren"])
    for si, fl in enumerate(S):
        head = f'<div style="font-weight:bold;font-size:1.12em;margin:16px 0 6px"><span style="display:inline-block;min-width:1.6em">{si + 1}.</span>{esc(content["secnames"][si])}</div>'
        cut = len(fl) if len(fl) < 4 else r.randint(2, len(fl) - 2)
        lvl2, lvl3 = fl[:cut], fl[cut:]
        items = []
        for j, f in enumerate(lvl2):
            no = f"{si + 1}.{j + 1}"
            items.append(f'<div style="display:flex;align-items:flex-end;column-gap:8px;margin:9px 0">'
                         f'<span style="flex:none;color:#444;min-width:2.4em">{no}</span>'
                         f'<div style="flex:1;min-width:0">{cell_left(w, f, ctx, valign="flex-end")}</div></div>')
        if lvl3:
            sub = (["联系方式及其他", "补充事项", "其他信息"] if zh else ["Further particulars", "Other details", "Additional information"])
            items.append(f'<div style="margin:10px 0 4px;font-style:italic"><span style="display:inline-block;min-width:2.8em">{si + 1}.{len(lvl2) + 1}</span>{r.choice(sub)}</div>')
            sub_items = []
            for k, f in enumerate(lvl3):
                no = ("（" + "一二三四五六七八"[k] + "）") if zh else (f"({'abcdefgh'[k]})" if numsty == "paren" else f"{'abcdefgh'[k]}.")
                sub_items.append(f'<div style="display:flex;align-items:flex-end;column-gap:8px;margin:9px 0">'
                                 f'<span style="flex:none;color:#444;min-width:2.4em">{no}</span>'
                                 f'<div style="flex:1;min-width:0">{cell_left(w, f, ctx, valign="flex-end")}</div></div>')
            items.append(f'<div style="margin-left:{ind}px;border-left:{tree};padding-left:{ind - 8}px">{"".join(sub_items)}</div>')
        block = f'<div style="margin-left:{ind // 2}px;border-left:{tree};padding-left:{ind}px">{"".join(items)}</div>'
        if si == 3:
            block = f'<div style="margin:0 0 4px {ind}px;font-size:0.92em">{declaration_text(lang)}</div>' + block
        parts.append(head + block)
    body = f'<div style="padding:26px 36px 30px">{header_block(content, lang, r)}{"".join(parts)}</div>'
    return page(font, fs, width, body), width, "tiered: outline numbering (1, 1.1, (a)) with indented sub-fields on tree rules, labels left of underlines"


# ---- 3 roundframe -----------------------------------------------------------------------------
ICONS = {"name": "☺", "last_name": "☺", "first_name": "☺", "phone": "☎", "email": "✉", "address": "⌂", "city": "⌂",
         "postcode": "⌂", "emergency_contact": "✚", "signature": "✎", "date": "✎", "occupation": "★", "employer": "★",
         "passport_number": "✈", "id_number": "♦", "nationality": "⚑", "date_of_birth": "✿", "gender": "●"}


def fam_roundframe(content, lang, r, font, fs):
    w = W(lang, r, fs)
    zh = lang == "zh"
    width = r.randrange(860, 1181, 10)
    col, light = r.choice([("#d35400", "#f5cba7"), ("#1e8449", "#a9dfbf"), ("#2874a6", "#aed6f1"), ("#884ea0", "#d7bde2")])
    bw = r.choice([10, 12, 14, 16])
    pill = f"border:2px solid {light};border-radius:999px;background:#fff"
    rnd = f"border:2px solid {light};border-radius:10px;background:#fff"
    icss = pill if r.random() < 0.6 else rnd
    assign_options(content["fields"], w, ["cci", "csq", "nrad"], arrs=("row",))
    mark_wide(content)
    chip = f"border:1px solid {light};border-radius:999px;padding:3px 12px 3px 8px;"
    labw = int(fs * (6.5 if zh else 9.5))

    def text(f):
        return w.tin(f, icss, h=int(fs * 2.1))

    def date(f):
        m = r.choice(["ph", "ph", "capbelow", "units"] if zh else ["ph", "capbelow", "under"])
        if m in ("ph", "under"):
            return w.date_onebox(f, icss, m, h=int(fs * 2.1))
        return "", w.date_parts(f, m, rnd, h=int(fs * 2.0))

    ctx = dict(text=text, date=date, chip=chip, labcss=f"font-weight:bold;color:{col}")
    use_icons = r.random() < 0.75

    def cell(f):
        ic = ICONS.get(f["key"] or "", "•")
        pre = (f'<span style="display:inline-flex;width:{fs + 8}px;height:{fs + 8}px;border-radius:50%;background:{col};color:#fff;'
               f'align-items:center;justify-content:center;font-size:{fs - 2}px;margin-right:8px;vertical-align:middle;font-family:DejaVu Sans">{ic}</span>') if use_icons else ""
        return cell_left(w, f, ctx, labw=labw + (fs + 16 if use_icons else 0), prefix=pre, colon=r.random() < 0.5)

    S = secs(content)
    cols = 2 if width >= 1000 else 1
    inner = ""
    for si, fl in enumerate(S):
        inner += (f'<div style="display:inline-block;background:{light};color:#222;border-radius:999px;padding:3px 18px;font-weight:bold;margin:16px 0 10px">'
                  f'{esc(content["secnames"][si])}</div>')
        if si == 3:
            inner += f'<div style="margin-bottom:8px">{declaration_text(lang)}</div>'
        inner += grid_rows(pack(fl, cols), cols, cell, cgap=36, rgap=14)
    title = (f'<div style="text-align:center"><span style="display:inline-block;background:{col};color:#fff;border-radius:999px;'
             f'padding:6px 28px;font-size:1.4em;font-weight:bold">{esc(content["title"])}</span></div>')
    body = (f'<div style="padding:16px"><div style="border:{bw}px solid {col};border-radius:28px;padding:22px 30px 26px">'
            f'{title}{inner}</div></div>')
    return page(font, fs, width, body), width, f"roundframe: {bw}px coloured rounded border, {'pill' if icss == pill else 'rounded'} inputs, {'icon badges before labels, ' if use_icons else ''}option chips"


# ---- 4 examples -------------------------------------------------------------------------------
def fam_examples(content, lang, r, font, fs):
    w = W(lang, r, fs)
    zh = lang == "zh"
    width = r.randrange(800, 1121, 10)
    icss = r.choice(["border:1px solid #777;background:#fff", "border:1px solid #999;background:#f4f4f4",
                     "border:none;border-bottom:2px solid #333;background:#fafafa"])
    assign_options(content["fields"], w, ["nchk", "nrad", "csq"], arrs=("row", "stack", "grid"))
    mark_wide(content)
    ex = EXAMPLES_ZH if zh else EXAMPLES_EN

    def text(f):
        return w.tin(f, icss, h=int(fs * 2.0))

    def date(f):
        m = r.choice(["eg", "eg", "egbelow", "units"] if zh else ["eg", "eg", "egbelow", "ph"])
        if m == "eg":
            return w.date_onebox(f, icss, "eg", h=int(fs * 2.0))
        if m == "ph":
            return "", w.date_parts(f, "ph", icss, h=int(fs * 2.0))
        return "", w.date_parts(f, m, icss, h=int(fs * 2.0))

    def cell(f):
        suf, body = body_of(w, f, ctx)
        e = ex.get(f["key"]) if f["key"] else ex.get(f["label"])
        hint = ""
        if e and f["kind"] == "text" and f["key"] != "signature" and r.random() < 0.85:
            hint = (f'<span style="color:#777;font-style:italic;margin-left:6px">{"（例：" + esc(e) + "）" if zh else "(e.g. " + esc(e) + ")"}</span>')
        return (f'<div class="cell" style="display:flex;flex-direction:column;min-width:0">'
                f'<div style="margin-bottom:6px">{w.lab(f, False, f.get("star", False), "font-weight:bold")}{hint}{suf}</div>'
                f'<div style="display:flex">{body}</div></div>')

    ctx = dict(text=text, date=date)
    S = secs(content)
    cols = 2 if width >= 900 else 1
    inner = ""
    for si, fl in enumerate(S):
        inner += f'<div style="font-weight:bold;font-size:1.15em;border-bottom:2px solid #333;padding-bottom:3px;margin:18px 0 12px">{si + 1}. {esc(content["secnames"][si])}</div>'
        if si == 3:
            inner += f'<div style="margin-bottom:8px">{declaration_text(lang)}</div>'
        inner += grid_rows(pack(fl, cols), cols, cell, cgap=32, rgap=16)
    note = ("括号内为填写示例。" if zh else "Examples in brackets show how to write each answer.")
    body = f'<div style="padding:26px 34px">{header_block(content, lang, r)}<div style="color:#444">{note}</div>{inner}</div>'
    return page(font, fs, width, body), width, "examples: bold labels above inputs with bracketed examples after the label, example dates"


# ---- 5 addon ----------------------------------------------------------------------------------
def fam_addon(content, lang, r, font, fs):
    w = W(lang, r, fs)
    zh = lang == "zh"
    width = r.randrange(900, 1221, 10)
    dark = r.random() < 0.4
    bc = "#9aa3ab"
    adcss = (f"background:#343a40;color:#fff;border:1px solid #343a40" if dark else f"background:#e9ecef;color:#212529;border:1px solid {bc}")
    rad = r.choice([4, 6, 8])
    h = int(fs * 2.2)
    minw = int(fs * (5.5 if zh else 8.5))
    assign_options(content["fields"], w, ["nrad", "nchk", "csq", "cci"], arrs=("row",))
    mark_wide(content)

    def addon(f, first=True):
        return (f'<div style="{adcss};flex:none;min-width:{minw}px;height:{h}px;display:flex;align-items:center;padding:0 12px;'
                f'white-space:nowrap;border-radius:{rad}px 0 0 {rad}px;border-right:none">{w.lab(f, False)}</div>')

    def seg(s):
        return (f'<div style="{adcss};flex:none;height:{h}px;display:flex;align-items:center;padding:0 8px;border-left:none;border-right:none">{esc(s)}</div>')

    incss = f"border:1px solid {bc};background:#fff"

    def group(f):
        zh_ = zh
        if f["kind"] == "text":
            inp = f'<div data-in="{f["fid"]}" style="flex:1 1 auto;min-width:80px;height:{h}px;{incss};border-radius:0 {rad}px {rad}px 0"></div>'
            return f'<div style="display:flex;align-items:center">{addon(f)}{inp}</div>'
        if f["kind"] == "checkbox":
            og = w.ogroup(f, f["ostyle"], "row")
            return (f'<div style="display:flex;align-items:stretch">{addon(f)}<div style="flex:1 1 auto;{incss};border-radius:0 {rad}px {rad}px 0;'
                    f'display:flex;align-items:center;padding:4px 12px;min-height:{h}px">{og}</div></div>')
        m = r.choice(["sfx", "seg", "ph"] if not zh_ else ["sfx", "segu", "seg"])
        if m in ("sfx", "ph"):
            w.date_onebox(f, "", "ph" if m == "ph" else "none")
            if m == "sfx":
                fmts = DATE_FORMATS_ZH if zh_ else DATE_FORMATS_EN
                fmt = r.choice(fmts)[0]
                f["format"] = fmt
                f["dstyle"] = "one box, format in a suffix segment"
                inp = f'<div data-in="{f["fid"]}" style="flex:1 1 auto;min-width:80px;height:{h}px;{incss};border-right:none"></div>'
                sfx = f'<div style="{adcss};flex:none;height:{h}px;display:flex;align-items:center;padding:0 10px;border-left:none;border-radius:0 {rad}px {rad}px 0;font-size:{max(11, fs - 2)}px">{esc(fmt)}</div>'
                return f'<div style="display:flex;align-items:center">{addon(f)}{inp}{sfx}</div>'
            ph = f["format"]
            inp = (f'<div data-in="{f["fid"]}" style="flex:1 1 auto;min-width:80px;height:{h}px;{incss};border-radius:0 {rad}px {rad}px 0;'
                   f'display:flex;align-items:center"><span style="color:#9a9a9a;padding-left:10px">{esc(ph)}</span></div>')
            return f'<div style="display:flex;align-items:center">{addon(f)}{inp}</div>'
        order = "ymd" if zh_ else r.choice(["dmy", "mdy", "ymd"])
        f["order"] = order
        f["format"] = None
        f["pad"] = m == "seg"
        sepc = r.choice(["/", "-", "."])
        out = [addon(f)]
        phs = {"d": "DD", "m": "MM", "y": "YYYY"}
        for i, pk in enumerate(order):
            last = i == 2 and m == "seg"
            radius = f"border-radius:0 {rad}px {rad}px 0;" if last else ""
            out.append(f'<div data-part="{f["fid"]}" data-pk="{PN[pk]}" style="flex:none;width:{w.pw(pk) + 6}px;height:{h}px;{incss};{radius}'
                       f'display:flex;align-items:center;justify-content:center;{"border-right:none;" if not last else ""}">'
                       f'{"<span style=color:#9a9a9a>" + phs[pk] + "</span>" if m == "seg" else ""}</div>')
            if m == "segu":
                u = "年月日"["ymd".index(pk)]
                rr = f"border-radius:0 {rad}px {rad}px 0;" if i == 2 else ""
                out.append(f'<div style="{adcss};flex:none;height:{h}px;display:flex;align-items:center;padding:0 8px;border-left:none;{"border-right:none;" if i < 2 else ""}{rr}">{u}</div>')
            elif i < 2:
                out.append(seg(sepc))
        f["dstyle"] = ("segments with grey DD / MM / YYYY and separator segments" if m == "seg" else "segments followed by 年 / 月 / 日 segments")
        return f'<div style="display:flex;align-items:center">{"".join(out)}</div>'

    S = secs(content)
    cols = 2 if width >= 1000 else 1
    inner = ""
    for si, fl in enumerate(S):
        inner += f'<div style="font-size:1.2em;margin:18px 0 10px;color:#333">{esc(content["secnames"][si])}</div>'
        if si == 3:
            inner += f'<div style="margin-bottom:8px;color:#555">{declaration_text(lang)}</div>'
        inner += grid_rows(pack(fl, cols), cols, group, cgap=24, rgap=12)
    body = f'<div style="padding:28px 36px">{header_block(content, lang, r)}{inner}</div>'
    return page(font, fs, width, body), width, f"addon: input groups, the label a {'dark' if dark else 'grey'} prefix segment joined to its input; dates as segments"


# ---- 6 penmanship -----------------------------------------------------------------------------
def fam_penmanship(content, lang, r, font, fs):
    w = W(lang, r, fs)
    zh = lang == "zh"
    width = r.randrange(820, 1081, 10)
    gh = r.choice([40, 44, 48])
    red = r.choice(["#d9534f", "#c0392b", "#e67e22"])
    guide = (f"border-top:1px solid #777;border-bottom:1px solid #777;background:"
             f"linear-gradient(#fff 0,#fff {gh // 3 - 1}px,#b7c9e2 {gh // 3 - 1}px,#b7c9e2 {gh // 3}px,#fff {gh // 3}px,#fff {2 * gh // 3 - 1}px,"
             f"{red} {2 * gh // 3 - 1}px,{red} {2 * gh // 3}px,#fff {2 * gh // 3}px)")
    cs = r.choice([30, 32, 34])
    tzcell = (f"display:inline-block;width:{cs}px;height:{cs}px;border:1px solid {red};background:"
              f"linear-gradient(transparent 0,transparent {cs // 2 - 2}px,#f2c4c0 {cs // 2 - 2}px,#f2c4c0 {cs // 2 - 1}px,transparent {cs // 2 - 1}px) ,"
              f"linear-gradient(90deg,transparent 0,transparent {cs // 2 - 2}px,#f2c4c0 {cs // 2 - 2}px,#f2c4c0 {cs // 2 - 1}px,transparent {cs // 2 - 1}px),#fff")
    tzcell = tzcell.replace(") ,", "),")
    labw = int(fs * (6 if zh else 10))
    assign_options(content["fields"], w, ["g3", "cci", "g2", "csq"], arrs=("row", "grid"), textpos_p=0.2)
    avail = width - 80 - labw - 16

    def tz(f, n, fid_attr="data-in", pk=None):
        n = max(2, min(n, avail // cs))
        cells = "".join(f'<span style="{tzcell};{"border-left:none;" if j else ""}"></span>' for j in range(n))
        attr = f'data-in="{f["fid"]}"' if pk is None else f'data-part="{f["fid"]}" data-pk="{pk}"'
        return f'<div {attr} style="display:flex;flex:none">{cells}</div>'

    def text(f):
        if zh:
            n = {"name": 6, "last_name": 3, "first_name": 4, "id_number": 18, "phone": 11, "postcode": 6,
                 "signature": 6, "city": 6, "nationality": 4}.get(f["key"], 999)
            if f["key"] is None:
                n = r.choice([8, 12, 999])
            return tz(f, n)
        return w.tin(f, guide, h=gh)

    def date(f):
        if zh:
            f["order"] = "ymd"
            f["format"] = None
            f["pad"] = False
            out = []
            for pk in "ymd":
                out.append(tz(f, 4 if pk == "y" else 2, pk=PN[pk]))
                out.append(f'<span style="margin:0 8px 0 6px">{"年月日"["ymd".index(pk)]}</span>')
            f["dstyle"] = "田字格 cells followed by 年 / 月 / 日"
            return "", f'<div style="display:flex;align-items:center">{"".join(out)}</div>'
        m = r.choice(["capbelow", "capbelow", "ph"])
        if m == "ph":
            return w.date_onebox(f, guide, "ph", h=gh, w=int(fs * 11))
        body = w.date_parts(f, "capbelow", guide, h=gh, ul=True)
        f["dstyle"] = "three handwriting-guide segments, captions below"
        return "", body

    ctx = dict(text=text, date=date, labcss=f"font-weight:bold")
    S = secs(content)
    inner = ""
    for si, fl in enumerate(S):
        inner += (f'<div style="font-weight:bold;font-size:1.15em;color:{red};margin:18px 0 8px">'
                  f'{"★" if r.random() < 0.5 else "✎"} {esc(content["secnames"][si])}</div>')
        if si == 3:
            inner += f'<div style="margin-bottom:8px">{declaration_text(lang)}</div>'
        for f in fl:
            inner += f'<div style="margin:0 0 14px">{cell_left(w, f, ctx, labw=labw, valign="center", colon=r.random() < 0.6)}</div>'
    tip = ("请在田字格内逐字书写，一格一字。" if zh else "Write one word at a time between the guide lines; letters sit on the red line.")
    body = f'<div style="padding:26px 40px">{header_block(content, lang, r, red, sub=False)}<div style="color:#555;margin:6px 0 4px">{tip}</div>{inner}</div>'
    return page(font, fs, width, body), width, ("penmanship: 田字格 character cells" if zh else "penmanship: four-line handwriting guides") + ", labels left"


# ---- 7 dialog ---------------------------------------------------------------------------------
def fam_dialog(content, lang, r, font, fs):
    w = W(lang, r, fs)
    zh = lang == "zh"
    width = r.randrange(800, 1021, 10)
    face = r.choice(["#c0c0c0", "#d4d0c8", "#ece9d8"])
    desk = r.choice(["#008080", "#3a6ea5", "#5a7d9a"])
    inset = "border:2px inset #e8e8e8;background:#fff"
    labw = int(fs * (7.5 if zh else 10))
    assign_options(content["fields"], w, ["nchk", "nrad", "csq"], arrs=("row", "stack"))
    mark_wide(content)
    akeys = r.random() < 0.7
    usedk = set()
    for f in content["fields"]:
        if not akeys:
            break
        lab = f["label"]
        if zh:
            ks = [c for c in "NABCDEGHIJKLMOPRSTUVWXYZ" if c not in usedk]
            k = ks[0]
            usedk.add(k)
            f["label"] = f"{lab}({k})"
            f["akey"] = f"{esc(lab)}(<u>{k}</u>)"
        else:
            for i, c in enumerate(lab):
                if c.isalpha() and c.upper() not in usedk:
                    usedk.add(c.upper())
                    f["akey"] = f"{esc(lab[:i])}<u>{esc(c)}</u>{esc(lab[i + 1:])}"
                    break

    def text(f):
        return w.tin(f, inset, h=int(fs * 1.8))

    def date(f):
        m = r.choice(["ph", "ph", "spin", "units"] if zh else ["ph", "spin", "after"])
        if m == "units":
            return "", w.date_parts(f, "units", inset, h=int(fs * 1.8))
        if m == "spin":
            body = w.date_parts(f, "ph", inset, h=int(fs * 1.8))
            f["dstyle"] = "three sunken boxes, grey placeholders, separators, spin arrows"
            spin = (f'<span style="display:inline-flex;flex-direction:column;margin-left:3px;font-size:8px;line-height:9px;'
                    f'border:2px outset #fff;background:{face};padding:0 2px">▲<br>▼</span>')
            return "", f'<div style="display:flex;align-items:center">{body}{spin}</div>'
        suf, body = w.date_onebox(f, inset, m, h=int(fs * 1.8))
        btn = f'<span style="margin-left:3px;border:2px outset #fff;background:{face};padding:0 5px;font-size:10px;height:{int(fs * 1.8)}px;display:inline-flex;align-items:center">▼</span>'
        return suf, f'<div style="display:flex;align-items:center">{body}{btn}</div>'

    ctx = dict(text=text, date=date)
    S = secs(content)
    cols = 2 if width >= 900 else 1
    groups = ""
    for si, fl in enumerate(S):
        inner = ""
        if si == 3:
            inner += f'<div style="margin:2px 0 8px">{declaration_text(lang)}</div>'
        inner += grid_rows(pack(fl, cols), cols, lambda f: cell_left(w, f, ctx, labw=labw), cgap=24, rgap=10)
        groups += (f'<fieldset style="border:2px groove #f4f4f4;margin:12px 0;padding:8px 14px 4px">'
                   f'<legend style="padding:0 4px">{esc(content["secnames"][si])}</legend>{inner}</fieldset>')
    menu = ("文件(F)  编辑(E)  查看(V)  帮助(H)" if zh else "File   Edit   View   Help")
    tabs = (["常规", "高级", "安全"] if zh else ["General", "Advanced", "Security"])
    tabh = "".join(f'<span style="border:2px outset #fff;border-bottom:{"none" if i == 0 else "2px outset #fff"};padding:2px 12px;margin-right:2px;'
                   f'background:{face}">{t}</span>' for i, t in enumerate(tabs))
    btns = "".join(f'<span style="display:inline-block;border:2px outset #fff;background:{face};padding:4px 22px;margin-left:8px">{b}</span>'
                   for b in (["确定", "取消", "应用"] if zh else ["OK", "Cancel", "Apply"]))
    win = (f'<div style="background:{face};border:2px outset #fff;box-shadow:1px 1px 0 #000">'
           f'<div style="background:linear-gradient(90deg,#0a246a,#a6caf0);color:#fff;font-weight:bold;padding:4px 6px;display:flex;justify-content:space-between">'
           f'<span>{esc(content["title"])}</span><span style="font-family:DejaVu Sans">'
           + "".join(f'<span style="display:inline-block;width:18px;height:16px;background:{face};color:#000;border:1px outset #fff;margin-left:2px;'
                     f'text-align:center;font-size:11px;line-height:14px">{c}</span>' for c in ("_", "×")) + '</span></div>'
           f'<div style="padding:3px 8px;border-bottom:1px solid #888">{menu}</div>'
           f'<div style="padding:10px 14px 12px"><div style="margin-bottom:-2px">{tabh}</div>'
           f'<div style="border:2px outset #fff;padding:4px 12px 8px">{groups}</div>'
           f'<div style="text-align:right;margin-top:10px">{btns}</div></div></div>')
    body = f'<div style="background:{desk};padding:30px">{win}</div>'
    return page(font, fs, width, body), width, f"dialog: retro desktop dialog window, group boxes, sunken inputs, labels left{' with access keys' if akeys else ''}"


# ---- 8 receipt --------------------------------------------------------------------------------
def fam_receipt(content, lang, r, font, fs):
    w = W(lang, r, fs)
    zh = lang == "zh"
    two = r.random() < 0.6
    width = r.randrange(1000, 1181, 10) if two else r.randrange(760, 901, 10)
    sw = r.randrange(440, 521, 10) if two else r.randrange(480, 561, 10)
    iw = r.choice([200, 220, 240])
    icss = r.choice(["border:1px solid #444", "border-bottom:1px solid #222", "border:1px dashed #555"])
    assign_options(content["fields"], w, ["g1" if not zh else "g2", "g3", "nchk", "csq"], arrs=("row",), textpos_p=0.6)
    up = (not zh) and r.random() < 0.5
    if up:
        for f in content["fields"]:
            f["label"] = f["label"].upper()

    def text(f):
        ww = iw + (60 if f["key"] in ("address", "emergency_contact", "email") else 0)
        return w.tin(f, icss, w=ww, h=int(fs * 1.8))

    def date(f):
        m = r.choice(["ph", "after", "capabove"] if not zh else ["units", "after", "ph"])
        if m == "after":
            return w.date_onebox(f, icss, "after", w=iw, h=int(fs * 1.8))
        if zh and m == "ph":
            return w.date_onebox(f, icss, "ph", w=iw, h=int(fs * 1.8))
        return "", w.date_parts(f, m, icss, h=int(fs * 1.8))

    ctx = dict(text=text, date=date)

    def row(f):
        suf, body = body_of(w, f, ctx)
        return (f'<div style="display:flex;justify-content:space-between;align-items:center;column-gap:14px;margin:9px 0">'
                f'<div style="min-width:0">{w.lab(f, r.random() < 0.5)}{suf}</div><div style="flex:none;display:flex;justify-content:flex-end">{body}</div></div>')

    zig = ("height:12px;background:linear-gradient(-45deg,#fff 6px,transparent 0),linear-gradient(45deg,#fff 6px,transparent 0);"
           "background-size:12px 12px;background-repeat:repeat-x")
    S = secs(content)
    shop = r.choice(["SPARKLE DRY CLEANERS", "WHEELS & CO.", "CITY SERVICE DESK"]) if not zh else r.choice(["洁净干洗店", "骑行维修站", "便民服务点"])

    def strip(secidx, head):
        inner = ""
        for si in secidx:
            inner += f'<div style="border-top:1px dashed #777;margin-top:10px;padding-top:6px;font-weight:bold;font-size:0.95em">{esc(content["secnames"][si])}</div>'
            if si == 3:
                inner += f'<div style="font-size:0.88em;margin:4px 0">{declaration_text(lang)}</div>'
            inner += "".join(row(f) for f in S[si])
        return (f'<div style="width:{sw}px;flex:none"><div style="{zig};background-position:left bottom"></div>'
                f'<div style="background:#fff;padding:10px 20px 14px">{head}{inner}</div>'
                f'<div style="{zig};background-position:left top;transform:rotate(180deg)"></div></div>')

    head = (f'<div style="text-align:center;font-weight:bold;letter-spacing:1px">{esc(shop)}</div>'
            f'<div style="text-align:center;font-size:1.05em">{esc(content["title"])}</div>'
            f'<div style="text-align:center;color:#666;font-size:0.85em">{"No." if not zh else "编号"} {r.randint(10000, 99999)}</div>')
    if two:
        strips = strip([0, 1], head) + strip([2, 3], f'<div style="text-align:center;font-weight:bold">{"第二联" if zh else "PART 2"}</div>')
    else:
        strips = strip([0, 1, 2, 3], head)
    body = f'<div style="background:#e4e4e4;padding:24px;display:flex;justify-content:center;column-gap:40px;align-items:flex-start">{strips}</div>'
    return page(font, fs, width, body), width, f"receipt: {'two' if two else 'one'} narrow receipt strip(s), labels left, right-aligned entries{', labels in capitals' if up else ''}"


# ---- 9 sidepanels -----------------------------------------------------------------------------
def fam_sidepanels(content, lang, r, font, fs):
    w = W(lang, r, fs)
    zh = lang == "zh"
    width = r.randrange(1180, 1281, 10)
    lw, rw = r.randrange(210, 251, 10), r.randrange(190, 231, 10)
    tint = r.choice(["#eef4fb", "#f3f0e6", "#eef7ee", "#f6eef4"])
    icss = r.choice(["border:1px solid #555", "border:2px solid #333", "border:1px solid #888;background:#fafafa"])
    assign_options(content["fields"], w, ["csq", "cci", "nchk", "g1" if not zh else "g2"], arrs=("row", "stack", "grid"))
    mark_wide(content)

    def text(f):
        return w.tin(f, icss, h=int(fs * 2.0))

    def date(f):
        m = r.choice(["under", "capabove", "ph"] if not zh else ["ph", "capabove", "units"])
        if m in ("under", "ph") and not (zh and m == "units"):
            if m == "ph" and not zh:
                return "", w.date_parts(f, "ph", icss, h=int(fs * 2.0))
            return w.date_onebox(f, icss, m, h=int(fs * 2.0))
        return "", w.date_parts(f, m, icss, h=int(fs * 2.0))

    ctx = dict(text=text, date=date, labcss="font-weight:bold")
    S = secs(content)
    inner = ""
    for si, fl in enumerate(S):
        inner += f'<div style="background:#333;color:#fff;padding:3px 10px;margin:14px 0 10px;font-weight:bold">{si + 1}  {esc(content["secnames"][si])}</div>'
        if si == 3:
            inner += f'<div style="margin-bottom:8px">{declaration_text(lang)}</div>'
        inner += grid_rows(pack(fl, 2), 2, lambda f: cell_above(w, f, ctx), cgap=26, rgap=14)
    steps = (["用黑色墨水笔填写", "带 * 的项目为必填项", "附上身份证复印件", "签名并注明日期"] if zh else
             ["Use black ink and capital letters", "Answer every question marked *", "Enclose a copy of your ID", "Sign and date the form"])
    docs = (["身份证复印件", "近期照片一张", "相关证明材料"] if zh else ["Copy of passport or ID card", "One recent photo", "Proof of address"])
    left = (f'<div style="width:{lw}px;flex:none;background:{tint};padding:18px 16px;font-size:0.88em">'
            f'<div style="font-weight:bold;font-size:1.1em;margin-bottom:8px">{"填表须知" if zh else "How to fill in this form"}</div>'
            + "".join(f'<div style="margin:6px 0"><b>{i + 1}</b>&nbsp; {s}</div>' for i, s in enumerate(steps))
            + f'<div style="font-weight:bold;margin:16px 0 6px">{"所需材料" if zh else "What to send"}</div>'
            + "".join(f'<div style="margin:5px 0">✓ {d}</div>' for d in docs) + '</div>')
    offl = (["收件人", "受理编号", "日期"] if zh else ["Received by", "Reference", "Date stamp"])
    right = (f'<div style="width:{rw}px;flex:none;border-left:2px solid #999;padding:18px 14px;background:#f2f2f2;font-size:0.85em;color:#555">'
             f'<div style="font-weight:bold;margin-bottom:10px">{"仅供办公使用" if zh else "For official use only"}</div>'
             + "".join(f'<div style="margin:10px 0 2px">{o}</div><div style="border:1px solid #aaa;height:28px;background:#fff"></div>' for o in offl)
             + '<div style="margin:22px auto 0;width:90px;height:90px;border:2px dashed #bbb;border-radius:50%"></div></div>')
    main = f'<div style="flex:1;min-width:0;padding:20px 26px">{header_block(content, lang, r)}{inner}</div>'
    body = f'<div style="display:flex;align-items:stretch;min-height:600px">{left}{main}{right}</div>'
    return page(font, fs, width, body), width, "sidepanels: landscape, instructions panel left, office-use panel right, labels above boxes in two columns"


# ---- 10 boarding ------------------------------------------------------------------------------
def fam_boarding(content, lang, r, font, fs):
    w = W(lang, r, fs)
    zh = lang == "zh"
    width = r.randrange(920, 1201, 10)
    col = r.choice(["#0b3d91", "#b22222", "#006d6f", "#3c2f80"])
    bg = r.choice(["#e9eef5", "#eef0f2", "#f1ece4"])
    icss = r.choice(["border:1px solid #b8c2cc;background:#f5f8fb;border-radius:4px", "border:none;border-bottom:2px solid #333;background:#f4f4f4"])
    up = not zh
    if up:
        for f in content["fields"]:
            f["label"] = f["label"].upper()
    assign_options(content["fields"], w, ["cci", "nrad", "csq", "g3"], arrs=("row",))
    mark_wide(content)
    stub = r.randrange(150, 191, 10)

    def text(f):
        return w.tin(f, icss, h=int(fs * 2.0))

    def date(f):
        m = r.choice(["ph", "capabove", "ph"] if not zh else ["ph", "capabove", "units"])
        if m == "ph":
            return w.date_onebox(f, icss, "ph", h=int(fs * 2.0))
        return "", w.date_parts(f, m, icss, h=int(fs * 2.0))

    ctx = dict(text=text, date=date, labcss=f"font-size:{max(11, fs - 3)}px;color:#667;letter-spacing:0.5px")
    S = secs(content)
    cols = 3 if width >= 1050 else 2
    cards = ""
    airline = (r.choice(["海天航空", "东方快线"]) if zh else r.choice(["SKYLARK AIR", "NORTHSEA FERRIES", "AURORA CHARTER"]))
    for si, fl in enumerate(S):
        inner = ""
        if si == 3:
            inner += f'<div style="margin-bottom:8px;font-size:0.92em">{declaration_text(lang)}</div>'
        inner += grid_rows(pack(fl, cols), cols, lambda f: cell_above(w, f, ctx, gap=3), cgap=20, rgap=12)
        bars = "repeating-linear-gradient(90deg,#111 0 2px,#fff 2px 4px,#111 4px 7px,#fff 7px 9px,#111 9px 10px,#fff 10px 13px)"
        cards += (f'<div style="display:flex;background:#fff;border-radius:14px;margin:0 0 22px;overflow:hidden;box-shadow:0 1px 3px rgba(0,0,0,.25)">'
                  f'<div style="flex:1;min-width:0"><div style="background:{col};color:#fff;padding:6px 16px;display:flex;justify-content:space-between">'
                  f'<b>✈ {esc(airline)}</b><span>{esc(content["secnames"][si])}</span></div>'
                  f'<div style="padding:12px 16px 4px">{inner}</div></div>'
                  f'<div style="width:{stub}px;flex:none;border-left:2px dashed #aaa;padding:14px 12px;color:#555;font-size:0.8em">'
                  f'<div>{"登机牌" if zh else "BOARDING PASS"}</div><div style="margin:6px 0">{si + 1} / 4</div>'
                  f'<div style="height:60px;background:{bars};margin-top:10px"></div></div></div>')
    body = f'<div style="background:{bg};padding:26px 30px">{header_block(content, lang, r, col)}{cards}</div>'
    return page(font, fs, width, body), width, f"boarding: boarding-pass cards with a barcode stub, small {'capital ' if up else ''}labels above inputs in {cols} columns"


# ---- 11 indexcards ----------------------------------------------------------------------------
def fam_indexcards(content, lang, r, font, fs):
    w = W(lang, r, fs)
    zh = lang == "zh"
    width = r.randrange(960, 1201, 10)
    L = r.choice([36, 38, 40, 42])
    board = r.choice(["#c8ad86", "#b9c4cc", "#d6d0c4"])
    card = r.choice(["#fffdf0", "#fffef8", "#fbfbf2"])
    ul = "border-bottom:1px solid #333"
    assign_options(content["fields"], w, ["g1", "g2", "g3", "csq"], arrs=("row",), textpos_p=0.2)
    mark_wide(content)

    def text(f):
        return w.tin(f, ul, h=L - 8)

    def date(f):
        m = r.choice(["ph", "after"] if not zh else ["units", "units", "after"])
        if m == "after":
            return w.date_onebox(f, ul, "after", h=L - 8)
        return "", w.date_parts(f, m, ul, h=L - 8, ul=True)

    ctx = dict(text=text, date=date)

    def row(f):
        return (f'<div style="height:{L}px;display:flex;align-items:flex-end;padding-bottom:0">'
                f'<div style="flex:1;min-width:0;margin-bottom:{0 if f["kind"] != "checkbox" else 4}px">{cell_left(w, f, ctx, valign="flex-end", colon=r.random() < 0.7)}</div></div>')

    S = secs(content)
    cards = []
    for si, fl in enumerate(S):
        dec = f'<div style="min-height:{L}px;font-size:0.9em;display:flex;align-items:flex-end">{declaration_text(lang)}</div>' if si == 3 else ""
        lines = f"repeating-linear-gradient(#0000 0 {L - 1}px,#b9d3ee {L - 1}px {L}px)"
        cards.append(f'<div style="background:{card};box-shadow:2px 3px 4px rgba(0,0,0,.3);padding:8px 18px 14px">'
                     f'<div style="border-bottom:2px solid #e06666;padding:4px 0 4px;font-weight:bold">{esc(content["secnames"][si])}</div>'
                     f'<div style="background:{lines}">{dec}{"".join(row(f) for f in fl)}</div></div>')
    grid = f'<div style="display:grid;grid-template-columns:1fr 1fr;column-gap:26px;row-gap:26px;align-items:start">{"".join(cards)}</div>'
    title = f'<div style="background:{card};display:inline-block;padding:8px 20px;margin-bottom:18px;box-shadow:2px 3px 4px rgba(0,0,0,.3);font-size:1.4em;font-weight:bold">{esc(content["title"])}</div>'
    body = f'<div style="background:{board};padding:26px 30px">{title}{grid}</div>'
    return page(font, fs, width, body), width, "indexcards: ruled index cards on a board, two cards per row, labels left of underlines on the rules"


FAMFN = {"cheque": fam_cheque, "tiered": fam_tiered, "roundframe": fam_roundframe, "examples": fam_examples,
         "addon": fam_addon, "penmanship": fam_penmanship, "dialog": fam_dialog, "receipt": fam_receipt,
         "sidepanels": fam_sidepanels, "boarding": fam_boarding, "indexcards": fam_indexcards}

# ----------------------------------------------------------------------------------------------
# extraction

JS_EXTRACT = r"""
(() => {
  const R = e => { const r = e.getBoundingClientRect(); return [r.left + scrollX, r.top + scrollY, r.right + scrollX, r.bottom + scrollY]; };
  const T = e => { const g = document.createRange(); g.selectNodeContents(e); const r = g.getBoundingClientRect();
                   return [r.left + scrollX, r.top + scrollY, r.right + scrollX, r.bottom + scrollY]; };
  const out = {labels: {}, inputs: {}, parts: [], obox: [], otext: [], glyphs: []};
  document.querySelectorAll('[data-lab]').forEach(e => { out.labels[e.dataset.lab] = {text: e.textContent, box: T(e)}; });
  document.querySelectorAll('[data-in]').forEach(e => { out.inputs[e.dataset.in] = R(e); });
  document.querySelectorAll('[data-part]').forEach(e => { out.parts.push({fid: e.dataset.part, pk: e.dataset.pk, box: R(e)}); });
  document.querySelectorAll('[data-ob]').forEach(e => { out.obox.push({fid: e.dataset.ob, oi: +e.dataset.oi, box: R(e)}); });
  document.querySelectorAll('[data-ot]').forEach(e => { out.otext.push({fid: e.dataset.ot, oi: +e.dataset.oi, text: e.textContent, box: T(e)}); });
  const cv = document.createElement('canvas').getContext('2d');
  document.querySelectorAll('[data-og]').forEach(e => {
    const cs = getComputedStyle(e);
    const tn = e.firstChild;
    const g = document.createRange(); g.setStart(tn, 0); g.setEnd(tn, 1);
    const rr = g.getBoundingClientRect();
    const mk = document.createElement('span');
    mk.style.cssText = 'display:inline-block;width:0;height:0;vertical-align:baseline';
    e.appendChild(mk);
    const base = mk.getBoundingClientRect().bottom + scrollY;
    e.removeChild(mk);
    cv.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
    const m = cv.measureText(tn.data[0]);
    const x0 = rr.left + scrollX;
    out.glyphs.push({fid: e.dataset.og, oi: +e.dataset.oi,
      box: [x0 - m.actualBoundingBoxLeft, base - m.actualBoundingBoxAscent, x0 + m.actualBoundingBoxRight, base + m.actualBoundingBoxDescent]});
  });
  return out;
})()
"""


def fc(b):
    return [int(math.floor(b[0] + 1e-6)), int(math.floor(b[1] + 1e-6)), int(math.ceil(b[2] - 1e-6)), int(math.ceil(b[3] - 1e-6))]


class Reject(Exception):
    pass


def strip_label(t):
    t = " ".join(t.split())
    while t and t[-1] in ":：*":
        t = t[:-1].rstrip()
    return t


def build_json(fid_form, lang, content, data, W_, H_, layout):
    fields = []
    for f in content["fields"]:
        fid = f["fid"]
        lab = data["labels"].get(fid)
        if not lab:
            raise Reject(f"no label for {f['label']}")
        if strip_label(lab["text"]) != f["label"]:
            raise Reject(f"DOM label {lab['text']!r} != {f['label']!r}")
        j = {"label": f["label"], "label_box": fc(lab["box"]), "kind": f["kind"]}
        if f["kind"] == "text":
            if fid not in data["inputs"]:
                raise Reject("no input " + f["label"])
            j["input_box"] = fc(data["inputs"][fid])
            j["key"] = f["key"]
            j["value"] = f["value"]
        elif f["kind"] == "date":
            j["key"] = f["key"]
            j["value"] = f["value"]
            parts = [p for p in data["parts"] if p["fid"] == fid]
            if parts:
                j["input_box"] = None
                j["format"] = None
                jp = []
                y = m = d = None
                if f["value"]:
                    y, m, d = f["value"].split("-")
                for p in parts:
                    if f["value"]:
                        v = {"year": y, "month": m, "day": d}[p["pk"]]
                        if p["pk"] != "year" and not f.get("pad", True):
                            v = str(int(v))
                    else:
                        v = ""
                    jp.append({"part": p["pk"], "box": fc(p["box"]), "value": v})
                exp = [PN[c] for c in f["order"]]
                if [p["part"] for p in jp] != exp:
                    raise Reject("part order")
                for a, b in zip(jp, jp[1:]):
                    if b["box"][0] < a["box"][2] - 1:
                        raise Reject("parts not left to right")
                j["parts"] = jp
            else:
                j["input_box"] = fc(data["inputs"][fid])
                j["format"] = f.get("format")
                j["parts"] = []
        else:
            st = f["ostyle"]
            j["style"] = "square" if st in ("csq", "nchk") else ("radio" if st in ("cci", "nrad") else "glyph")
            j["input_box"] = None
            j["key"] = f["key"]
            j["value"] = f["value"]
            opts = []
            for i, t in enumerate(f["options"]):
                tb = next(o for o in data["otext"] if o["fid"] == fid and o["oi"] == i)
                if st.startswith("g"):
                    bb = next(o for o in data["glyphs"] if o["fid"] == fid and o["oi"] == i)
                else:
                    bb = next(o for o in data["obox"] if o["fid"] == fid and o["oi"] == i)
                if tb["text"] != t:
                    raise Reject("option text")
                opts.append({"text": t, "text_box": fc(tb["box"]), "box": fc(bb["box"])})
            j["options"] = opts
        fields.append(j)
    return {"id": fid_form, "lang": lang, "width": W_, "height": H_, "image": f"{fid_form}.png", "layout": layout,
            "profile": content["profile"], "fields": fields}


def boxes_of(j):
    out = []  # (field index, role, box)
    for i, f in enumerate(j["fields"]):
        out.append((i, "label", f["label_box"]))
        if f.get("input_box"):
            out.append((i, "input", f["input_box"]))
        for p in f.get("parts") or []:
            out.append((i, "part", p["box"]))
        for o in f.get("options") or []:
            out.append((i, "obox", o["box"]))
            out.append((i, "otext", o["text_box"]))
    return out


def inter(a, b):
    return min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])


def gap(a, b):
    return max(a[0] - b[2], b[0] - a[2], a[1] - b[3], b[1] - a[3])


def check(j, img):
    W_, H_ = j["width"], j["height"]
    bx = boxes_of(j)
    for i, role, b in bx:
        if not (0 <= b[0] < b[2] <= W_ and 0 <= b[1] < b[3] <= H_):
            raise Reject(f"box outside page / empty: {j['fields'][i]['label']} {role} {b}")
    for a in range(len(bx)):
        ia, ra, ba = bx[a]
        for b in range(a + 1, len(bx)):
            ib, rb, bb = bx[b]
            if ia == ib:
                if "label" in (ra, rb) and ra != rb:
                    ix, iy = inter(ba, bb)
                    if ix > 1 and iy > 1:
                        raise Reject(f"label overlaps its own field: {j['fields'][ia]['label']}")
                continue
            ix, iy = inter(ba, bb)
            if ix > 1 and iy > 1:
                raise Reject(f"overlap: {j['fields'][ia]['label']} {ra} / {j['fields'][ib]['label']} {rb}")
            if (ra == "label" or rb == "label") and gap(ba, bb) < 4:
                raise Reject(f"label too close: {j['fields'][ia]['label']} {ra} / {j['fields'][ib]['label']} {rb}")
    g = np.asarray(img.convert("L"), dtype=np.int16)

    def ink(b):
        reg = g[b[1]:b[3], b[0]:b[2]]
        return reg.size and (int(reg.max()) - int(reg.min())) > 60

    for f in j["fields"]:
        if not ink(f["label_box"]):
            raise Reject("no ink in label " + f["label"])
        for o in f.get("options") or []:
            if not ink(o["text_box"]):
                raise Reject("no ink in option " + o["text"])
            if f.get("style") == "glyph":
                b = o["box"]
                x1, y1, x2, y2 = max(0, b[0] - 2), max(0, b[1] - 2), min(W_, b[2] + 2), min(H_, b[3] + 2)
                reg = g[y1:y2, x1:x2]
                bgv = np.median(np.concatenate([reg[0], reg[-1]]))
                mask = np.abs(reg - bgv) > 60
                if not mask.any():
                    raise Reject("no glyph ink")
                ys, xs = np.nonzero(mask)
                ib = [x1 + xs.min(), y1 + ys.min(), x1 + xs.max() + 1, y1 + ys.max() + 1]
                if max(abs(ib[k] - b[k]) for k in range(4)) > 2:
                    raise Reject(f"glyph ink box {ib} vs {b}")


# ----------------------------------------------------------------------------------------------

def render_form(browser, fid, lang, family, theme, seed):
    crng0 = random.Random(f"{seed}:{fid}:content")
    content0 = make_content(fid, lang, family, theme, crng0)
    last = None
    for att in range(ATTEMPTS):
        content = json.loads(json.dumps(content0))  # fresh copy: the family annotates fields
        r = random.Random(f"{seed}:{fid}:look:{att}")
        font = r.choice(ZH_FONTS if lang == "zh" else EN_FONTS)
        fs = r.choice([13, 14, 14, 15, 15, 16, 17]) if family != "penmanship" else r.choice([16, 17, 18, 19, 20])
        if family == "receipt":
            fs = min(fs, 15)
        for f in content["fields"]:
            f["star"] = f["key"] in ("name", "last_name", "first_name", "date_of_birth") and r.random() < 0.3
        html, width, desc = FAMFN[family](content, lang, r, font, fs)
        try:
            png, data, (W_, H_) = browser.render(html, width, JS_EXTRACT)
            j = build_json(fid, lang, content, data, W_, H_, f"{desc}; {font} {fs}px")
            img = Image.open(io.BytesIO(png)).convert("RGB")
            check(j, img)
            buf = io.BytesIO()
            gray = not _has_colour(img)
            (img.convert("L") if gray else img).save(buf, format="PNG", optimize=True)
            if buf.tell() >= MAX_PNG:
                raise Reject(f"PNG {buf.tell()} bytes")
            return j, html, buf.getvalue(), content, att
        except (Reject, CDPError) as e:
            last = e
            if DEBUG:
                print(f"  {fid} attempt {att}: {e}", file=sys.stderr)
                with open(f"/tmp/heldout_j_debug_{fid}_{att}.html", "w") as fh:
                    fh.write(html)
    raise SystemExit(f"{fid}: failed after {ATTEMPTS} draws: {last}")


def _has_colour(img):
    a = np.asarray(img, dtype=np.int16)
    return bool((np.abs(a[..., 0] - a[..., 1]) > 2).any() or (np.abs(a[..., 1] - a[..., 2]) > 2).any())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1010)
    ap.add_argument("--count", type=int, default=44)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    t0 = time.time()
    plan_rng = random.Random(f"{a.seed}:plan")
    slots = {}
    for lang in ("en", "zh"):
        fams = [fm for fm in FAMILIES for _ in range(2)]
        plan_rng.shuffle(fams)
        slots[lang] = fams
    themes_used = Counter()
    stats = Counter()
    fam_ids = {fm: [] for fm in FAMILIES}
    browser = Browser().__enter__()
    for n in range(1, a.count + 1):
        lang = "en" if n % 2 else "zh"
        idx = (n - 1) // 2
        fams = slots[lang]
        family = fams[idx % len(fams)]
        k = themes_used[(family, lang)]
        themes_used[(family, lang)] += 1
        theme = THEMES[(family, lang)][k % 2]
        fid = f"j_{n:02d}"
        j, html, png, content, att = render_form(browser, fid, lang, family, theme, a.seed)
        with open(os.path.join(a.out, fid + ".html"), "w", encoding="utf-8") as fh:
            fh.write(html)
        with open(os.path.join(a.out, fid + ".png"), "wb") as fh:
            fh.write(png)
        with open(os.path.join(a.out, fid + ".json"), "w", encoding="utf-8") as fh:
            json.dump(j, fh, ensure_ascii=False, indent=1)
        fam_ids[family].append(fid)
        stats["attempts>1"] += att > 0
        stats["png_max"] = max(stats["png_max"], len(png))
        stats["split"] += content["split"]
        stats[f"unfilled_{content['omitted']}"] += 1
        stats["extras_profiles"] += content["extras"] > 0
        for f, jf in zip(content["fields"], j["fields"]):
            kd = jf["kind"]
            stats[f"{kd}_{lang}"] += 1
            if jf["key"]:
                stats["keyed"] += 1
                if jf["value"] is None:
                    stats["unfillable"] += 1
                else:
                    stats[f"due_{kd}"] += 1
            if kd == "date":
                stats[f"dstyle|{f['dstyle']}|{lang}"] += 1
                stats["date_parts" if jf["parts"] else "date_onebox"] += 1
                if jf["key"]:
                    stats["date_keyed"] += 1
            if kd == "checkbox":
                stats[f"ostyle|{f['ostyle']}|{lang}"] += 1
                stats[f"oarr|{f.get('arr', 'row')}"] += 1
                stats[f"ojson|{jf['style']}"] += 1
                if jf["key"] == "gender":
                    stats["gender_groups"] += 1
                    stats["gender_due"] += jf["value"] is not None
                if jf["key"] == "nationality":
                    stats["nat_groups"] += 1
                    stats["nat_due"] += jf["value"] is not None
        print(f"{fid} {lang} {family:11s} {len(j['fields']):3d} fields  {j['width']}x{j['height']}  {len(png) // 1024} KB"
              + (f"  (draw {att + 1})" if att else ""), flush=True)
    browser.__exit__(None, None, None)
    tot = sum(stats[f"{k}_{l}"] for k in ("text", "date", "checkbox") for l in ("en", "zh"))
    print(f"\n{a.count} forms, {tot} fields: " + ", ".join(
        f"{k} {stats[k + '_en'] + stats[k + '_zh']} ({stats[k + '_en']} en / {stats[k + '_zh']} zh)" for k in ("text", "date", "checkbox")))
    print(f"keyed {stats['keyed']}, unfillable {stats['unfillable']}; values due: text {stats['due_text']}, "
          f"date {stats['due_date']}, checkbox {stats['due_checkbox']}")
    print(f"dates: {stats['date_onebox']} one-box, {stats['date_parts']} in parts, {stats['date_keyed']} keyed; "
          f"gender groups {stats['gender_groups']} (due {stats['gender_due']}), nationality choices {stats['nat_groups']} (due {stats['nat_due']}); "
          f"split names {stats['split']}")
    print("unfilled keyed fields per form: " + ", ".join(f"{i}: {stats[f'unfilled_{i}']}" for i in range(1, 5))
          + f"; profiles with extras {stats['extras_profiles']}")
    print("date styles (en / zh):")
    for ds in sorted(set(k.split("|")[1] for k in stats if k.startswith("dstyle|"))):
        print(f"  {ds}: {stats[f'dstyle|{ds}|en']} / {stats[f'dstyle|{ds}|zh']}")
    names = {"csq": "CSS squares", "cci": "CSS circles", "nchk": "native checkboxes", "nrad": "native radios",
             "g1": "☐ glyphs", "g2": "□ glyphs", "g3": "○ glyphs"}
    print("option styles (en / zh): " + ", ".join(f"{names[s]} {stats[f'ostyle|{s}|en']} / {stats[f'ostyle|{s}|zh']}" for s in names))
    print("JSON styles: " + ", ".join(f"{s} {stats['ojson|' + s]}" for s in ("square", "radio", "glyph"))
          + "; arrangements: " + ", ".join(f"{s} {stats['oarr|' + s]}" for s in ("row", "stack", "grid")))
    print("families: " + "; ".join(f"{fm} {' '.join(ids)}" for fm, ids in fam_ids.items()))
    print(f"redrawn forms {stats['attempts>1']}, largest PNG {stats['png_max'] // 1024} KB, {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
