#!/usr/bin/env python3
"""Held-out form corpus H (v2 JSON format, see tests/fixtures/forms_tune/README.md).

    python3 tools/forms/make_heldout_h.py --out /tmp/forms_heldout_h --seed 808 --count 44

Writes h_01 ... h_NN (odd numbers English, even numbers Simplified Chinese): <id>.html (the source
that was laid out), <id>.png (headless Chromium, device scale factor 1) and <id>.json (every box read
from the DOM after layout: getBoundingClientRect / Range rects, x1/y1 floored, x2/y2 ceiled; glyph
options by canvas measureText at the glyph's DOM position and baseline).

Eleven layout families, each on 2 English and 2 Chinese forms (see tools/forms/README.md, Corpus H):
landing (character-cell combs), ledger (ruled rows, tiny label at the top right of each cell),
slip (letter with a tear-off reply slip, dotted lines), typewriter (monospace text with typed
underscores and [ ] / ( ) marks), blank (no lines at all: label, then white space), newspaper
(masthead, column text and a coupon set in CSS columns), minimal (letter-spaced capital labels
over borderless grey fills), strips (tables whose header row holds the labels and one blank row
the inputs), sidebar (coloured sidebar of section names, a Yes / No matrix), corners (drop-out
ink, inputs marked only by corner ticks) and ticket (landscape ticket with a perforated stub).

Self-checks (a form is drawn again with other cosmetic draws up to 8 times, then the script stops):
boxes non-empty and inside the page, no overlapping boxes of different fields (a label may lie
in its own input; the Yes / No matrix shares its column heads), a label >= 8 px from any other
field's input / part / option box / option text, the DOM label text equals the JSON label, ink
in every label and option text, glyph ink boxes within 2 px of the pixels, date parts left to
right (or top to bottom) in the intended order. Deterministic for a seed.
"""

import argparse
import datetime as dt
import html as H
import io
import json
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from cdp_render import Browser, save_png  # noqa: E402

from PIL import Image  # noqa: E402

FAMILIES = ["landing", "ledger", "slip", "typewriter", "blank", "newspaper",
            "minimal", "strips", "sidebar", "corners", "ticket"]

# ---------------------------------------------------------------------------------------------
# people and profiles

EN_FIRST_F = ["Emily", "Sophie", "Grace", "Hannah", "Olivia", "Chloe", "Laura", "Megan", "Rachel", "Nadia"]
EN_FIRST_M = ["James", "Oliver", "Daniel", "Thomas", "Samuel", "Liam", "Marcus", "Peter", "Owen", "Aaron"]
EN_LAST = ["Carter", "Hughes", "Patel", "O'Neill", "Fletcher", "Morgan", "Baker", "Whitfield", "Kowalski",
           "Reid", "Dunn", "Ashworth", "Lindqvist", "Osei"]
ZH_LAST = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱"]
ZH_GIVEN_F = ["秀英", "丽娟", "婷", "雪梅", "晓燕", "佳怡", "敏", "静"]
ZH_GIVEN_M = ["伟", "建国", "强", "志明", "浩然", "俊杰", "磊", "子轩"]
PINYIN = {"王": "Wang", "李": "Li", "张": "Zhang", "刘": "Liu", "陈": "Chen", "杨": "Yang", "赵": "Zhao",
          "黄": "Huang", "周": "Zhou", "吴": "Wu", "徐": "Xu", "孙": "Sun", "马": "Ma", "朱": "Zhu",
          "秀英": "Xiuying", "丽娟": "Lijuan", "婷": "Ting", "雪梅": "Xuemei", "晓燕": "Xiaoyan", "佳怡": "Jiayi",
          "敏": "Min", "静": "Jing", "伟": "Wei", "建国": "Jianguo", "强": "Qiang", "志明": "Zhiming",
          "浩然": "Haoran", "俊杰": "Junjie", "磊": "Lei", "子轩": "Zixuan"}
EN_PLACES = [("14 Harbour Road", "Bristol", "BS1 5TR", "British"), ("7 Kingsway, Apt 12", "Leeds", "LS2 8JP", "British"),
             ("221 Maple Avenue", "Toronto", "M4C 1B5", "Canadian"), ("9 Wattle Street", "Adelaide", "5000", "Australian"),
             ("52 Queen Street", "Auckland", "1010", "New Zealander"), ("18 Grafton Lane", "Dublin", "D02 X285", "Irish"),
             ("400 Pine Street", "Seattle", "98101", "American"), ("3 Rue Dupont, Flat 2", "Cardiff", "CF10 1AA", "British")]
ZH_PLACES = [("朝阳区建国路88号3单元502", "北京", "100022"), ("浦东新区世纪大道100号", "上海", "200120"),
             ("天河区体育西路191号", "广州", "510620"), ("南山区科技园南路18号", "深圳", "518057"),
             ("武侯区人民南路四段27号", "成都", "610041"), ("西湖区文三路259号", "杭州", "310012"),
             ("鼓楼区中山路321号", "南京", "210008"), ("江汉区解放大道688号", "武汉", "430022")]
EN_JOBS = [("Nurse", "St Mary's Hospital"), ("Software developer", "Northwind Ltd"), ("Teacher", "Hillside Academy"),
           ("Accountant", "Grant & Webb LLP"), ("Electrician", "Brightline Services"), ("Pharmacist", "Boots UK Ltd"),
           ("Architect", "Studio Forma"), ("Chef", "The Old Mill Kitchen")]
ZH_JOBS = [("教师", "实验中学"), ("护士", "人民医院"), ("工程师", "华东建设集团"), ("会计", "明达会计师事务所"),
           ("销售经理", "恒信贸易有限公司"), ("程序员", "星云科技有限公司"), ("医生", "市第一人民医院"), ("设计师", "青禾文化传媒")]
ID_AREAS = ["110105", "310115", "440106", "440305", "510107", "330106", "320106", "420103"]


def zh_id(rng, dob, area, female):
    seq = rng.randint(10, 99)
    sex = rng.choice([0, 2, 4, 6, 8] if female else [1, 3, 5, 7, 9])
    body = area + dob.strftime("%Y%m%d") + "%02d%d" % (seq, sex)
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(c) * k for c, k in zip(body, w))
    return body + "10X98765432"[s % 11]


def make_person(rng, lang, romanised=False):
    female = rng.random() < 0.5
    dob = dt.date(rng.randint(1958, 2004), rng.randint(1, 12), rng.randint(1, 28))
    today = dt.date(2026, rng.randint(1, 11), rng.randint(1, 28))
    p = {"gender": "F" if female else "M", "date_of_birth": dob, "date": today, "_female": female}
    if lang == "zh" or romanised:
        last = rng.choice(ZH_LAST)
        given = rng.choice(ZH_GIVEN_F if female else ZH_GIVEN_M)
        k = rng.randrange(len(ZH_PLACES))
        addr, city, pc = ZH_PLACES[k]
        job, emp = rng.choice(ZH_JOBS)
        p["id_number"] = zh_id(rng, dob, ID_AREAS[k], female)
        p["passport_number"] = "E%08d" % rng.randint(10000000, 99999999)
        p["phone"] = "1%d%d %04d %04d" % (rng.choice([3, 5, 8]), rng.randint(0, 9), rng.randint(0, 9999), rng.randint(0, 9999))
        p["phone"] = p["phone"].replace(" ", "") if rng.random() < 0.6 else p["phone"]
        ec_last = rng.choice(ZH_LAST)
        if lang == "zh":
            p.update(name=last + given, first_name=given, last_name=last, address=addr, city=city, postcode=pc,
                     occupation=job, employer=emp, nationality="中国",
                     emergency_contact="%s%s 139%08d" % (ec_last, rng.choice(ZH_GIVEN_F + ZH_GIVEN_M), rng.randint(0, 10 ** 8 - 1)))
        else:
            fn, ln = PINYIN[given], PINYIN[last]
            p.update(name="%s %s" % (fn, ln) if rng.random() < 0.5 else "%s %s" % (ln.upper(), fn), first_name=fn, last_name=ln,
                     address=rng.choice(["Flat 5, 12 Garden Court", "88 Jianguo Road, Unit 502", "31 Riverside Walk"]),
                     city=rng.choice(["Manchester", "Beijing", "Shanghai", "London"]), postcode=rng.choice(["M13 9PL", "100022", "E14 5AB"]),
                     occupation=rng.choice(["Student", "Engineer", "Researcher"]), employer=rng.choice(["University of Manchester", "Huawei UK"]),
                     nationality="Chinese", email="%s.%s%d@example.com" % (fn.lower(), ln.lower(), rng.randint(1, 99)),
                     emergency_contact="%s %s +86 139 %04d %04d" % (rng.choice(list(PINYIN.values())[:14]), rng.choice(["Mei", "Jun", "Hua"]), rng.randint(0, 9999), rng.randint(0, 9999)))
        if lang == "zh":
            p["email"] = "%s%s%d@%s" % (PINYIN[last].lower(), PINYIN[given].lower(), rng.randint(1, 999), rng.choice(["163.com", "qq.com", "example.cn"]))
    else:
        fn = rng.choice(EN_FIRST_F if female else EN_FIRST_M)
        ln = rng.choice(EN_LAST)
        addr, city, pc, nat = rng.choice(EN_PLACES)
        job, emp = rng.choice(EN_JOBS)
        p.update(name="%s %s" % (fn, ln), first_name=fn, last_name=ln, address=addr, city=city, postcode=pc, nationality=nat,
                 occupation=job, employer=emp, email="%s.%s@example.com" % (fn.lower(), ln.lower().replace("'", "")),
                 phone=rng.choice(["+44 7700 9%05d" % rng.randint(0, 99999), "07700 9%05d" % rng.randint(0, 99999),
                                   "(555) 01%d-%04d" % (rng.randint(0, 9), rng.randint(0, 9999)), "+61 4%02d %03d %03d" % (rng.randint(0, 99), rng.randint(0, 999), rng.randint(0, 999))]),
                 id_number=rng.choice(["QQ %02d %02d %02d C" % (rng.randint(10, 99), rng.randint(10, 99), rng.randint(10, 99)),
                                       "X%07d" % rng.randint(0, 9999999), "%03d-%02d-%04d" % (rng.randint(100, 899), rng.randint(10, 99), rng.randint(1000, 9999))]),
                 passport_number="%d" % rng.randint(100000000, 999999999),
                 emergency_contact="%s %s, %s" % (rng.choice(EN_FIRST_F + EN_FIRST_M), ln, "07700 9%05d" % rng.randint(0, 99999)))
    return p


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def spell_date(rng, d, lang):
    style = rng.choice(["iso", "zh", "dot", "dmy_words", "mdy_words", "slash"] if lang == "zh" or rng.random() < 0.3
                       else ["iso", "dot", "dmy_words", "mdy_words", "slash", "iso"])
    if style == "slash" and d.day <= 12:
        style = "iso"
    return {"iso": d.isoformat(), "zh": "%d年%d月%d日" % (d.year, d.month, d.day), "dot": "%d.%02d.%02d" % (d.year, d.month, d.day),
            "dmy_words": "%d %s %d" % (d.day, MONTHS[d.month - 1], d.year), "mdy_words": "%s %d, %d" % (MONTHS[d.month - 1], d.day, d.year),
            "slash": "%02d/%02d/%d" % (d.day, d.month, d.year)}[style]


KEY_SPELL = {
    "name": ["name", "full_name", "Name", "姓名"], "first_name": ["first_name", "given_name", "First name"],
    "last_name": ["last_name", "surname", "Last name"], "id_number": ["id_number", "ID", "身份证号码", "id_no"],
    "passport_number": ["passport_number", "passport", "Passport No"], "phone": ["phone", "Mobile", "tel", "手机", "mobile_phone"],
    "email": ["email", "E-mail", "邮箱", "email_address"], "address": ["address", "home_address", "地址"],
    "city": ["city", "town", "City"], "postcode": ["postcode", "zip", "postal_code"],
    "date_of_birth": ["date_of_birth", "dob", "DOB", "birth_date", "出生日期"], "gender": ["gender", "sex", "Sex", "性别"],
    "nationality": ["nationality", "Nationality", "国籍"], "occupation": ["occupation", "job", "职业"],
    "employer": ["employer", "company", "工作单位"], "emergency_contact": ["emergency_contact", "ice_contact", "紧急联系人"],
    "date": ["date", "today", "Date"],
}
ZH_ONLY = {"姓名", "身份证号码", "手机", "邮箱", "地址", "出生日期", "性别", "国籍", "职业", "工作单位", "紧急联系人"}


def spell_gender(rng, female, lang):
    if lang == "zh":
        return rng.choice(["女", "女", "F", "female"]) if female else rng.choice(["男", "男", "M", "male"])
    return rng.choice(["F", "female", "Female", "f"]) if female else rng.choice(["M", "male", "Male", "m"])


# ---------------------------------------------------------------------------------------------
# field specs

EN_LAB = {
    "name": ["Full name", "Name", "Name of applicant", "Full name (as in passport)", "Surname and given names"],
    "first_name": ["First name", "Given name(s)", "Forename"], "last_name": ["Surname", "Last name", "Family name"],
    "id_number": ["ID number", "National ID no.", "Identity card number"],
    "passport_number": ["Passport number", "Passport No.", "Travel document no."],
    "phone": ["Telephone", "Phone", "Mobile", "Contact number", "Tel."],
    "email": ["Email", "E-mail address", "Email address"], "address": ["Home address", "Address", "Residential address", "Street address"],
    "city": ["City", "Town/City", "Town"], "postcode": ["Postcode", "Postal code", "ZIP code"],
    "date_of_birth": ["Date of birth", "Birth date", "Date of birth"], "gender": ["Sex", "Gender"],
    "nationality": ["Nationality", "Citizenship"], "occupation": ["Occupation", "Job title", "Profession"],
    "employer": ["Employer", "Name of employer", "Company"],
    "emergency_contact": ["Emergency contact", "Next of kin (name and phone)", "Emergency contact name and phone"],
    "date": ["Date", "Date signed", "Today's date"], "signature": ["Signature", "Signature of applicant", "Applicant's signature"],
}
ZH_LAB = {
    "name": ["姓名", "申请人姓名", "姓名"], "first_name": ["名"], "last_name": ["姓"],
    "id_number": ["身份证号码", "公民身份号码", "证件号码"], "passport_number": ["护照号码", "护照号"],
    "phone": ["联系电话", "手机号码", "电话"], "email": ["电子邮箱", "邮箱", "E-mail"],
    "address": ["家庭住址", "通讯地址", "现住址"], "city": ["城市", "所在城市"], "postcode": ["邮政编码", "邮编"],
    "date_of_birth": ["出生日期", "出生年月日"], "gender": ["性别"], "nationality": ["国籍"],
    "occupation": ["职业", "工作岗位"], "employer": ["工作单位", "单位名称"],
    "emergency_contact": ["紧急联系人", "紧急联系人及电话"], "date": ["日期", "填表日期", "申请日期"],
    "signature": ["签名", "申请人签名", "本人签字"],
}
EN_MATRIX_Q = ["Do you have a heart condition?", "Have you been in hospital in the last 2 years?", "Do you take regular medication?",
               "Do you smoke?", "Are you pregnant?", "Do you have any allergies?", "Have you had surgery in the last 5 years?"]
ZH_MATRIX_Q = ["是否患有心脏疾病", "近两年是否住院治疗", "是否长期服用药物", "是否吸烟", "是否患有高血压", "是否有药物过敏史", "近五年是否做过手术"]


# theme fields (key null) per family: (texts, dates, option groups) for English, then Chinese
THEME_NULL = {
    "landing": ((["Flight / vessel no.", "Length of stay (days)", "Address in this country", "Port of departure"], ["Date of arrival", "Date of departure"],
                 [("Purpose of visit", ["Business", "Holiday", "Study", "Other"]), ("Are you carrying more than 10,000 in cash?", ["Yes", "No"])]),
                (["航班号", "停留天数", "在华住址", "出发港口"], ["入境日期", "离境日期"],
                 [("来访事由", ["商务", "旅游", "学习", "其他"]), ("是否携带超过等值一万美元的现金", ["是", "否"])])),
    "ledger": ((["Account name", "Sort code", "Initial deposit", "Tax reference no."], ["Date of issue of ID"],
                [("Account type", ["Current", "Savings", "Joint"]), ("Marital status", ["Single", "Married", "Divorced", "Widowed"])]),
               (["账户名称", "开户网点", "初始存入金额", "纳税人识别号"], ["证件签发日期"],
                [("账户类型", ["活期", "定期", "联名"]), ("婚姻状况", ["未婚", "已婚", "离异", "丧偶"])])),
    "slip": ((["Child's name", "Class", "Amount enclosed", "Dietary requirements"], ["Date collected"],
              [("My child will attend", ["Yes", "No"]), ("Payment method", ["Cash", "Cheque", "Online"])]),
             (["学生姓名", "班级", "缴费金额", "饮食禁忌"], ["领取日期"],
              [("是否参加", ["参加", "不参加"]), ("付款方式", ["现金", "转账", "微信"])])),
    "typewriter": ((["Membership no.", "Branch", "Referee", "Previous library"], ["Date of expiry"],
                    [("Membership type", ["Adult", "Junior", "Senior"]), ("Have you been a member before?", ["Yes", "No"])]),
                   (["读者证号", "借阅网点", "推荐人", "原读者证号"], ["有效期至"],
                    [("读者类型", ["成人", "少儿", "老年"]), ("是否曾办理读者证", ["是", "否"])])),
    "blank": ((["Membership no.", "Boat class", "Club of previous membership", "Swimming ability (metres)"], ["Start date"],
               [("Membership type", ["Full", "Junior", "Family", "Social"]), ("Can you swim 50 metres?", ["Yes", "No"])]),
              (["会员编号", "特长项目", "原所属俱乐部", "游泳距离（米）"], ["入会日期"],
               [("会员类型", ["普通会员", "青少年", "家庭", "荣誉会员"]), ("能否游泳50米", ["能", "否"])])),
    "newspaper": ((["Subscriber no.", "Delivery instructions", "Newsagent"], ["Start date", "Holiday stop from"],
                   [("Subscription", ["Daily", "Weekend", "Digital"]), ("Payment", ["Direct Debit", "Card", "Cheque"])]),
                  (["订户编号", "投递要求", "代订网点"], ["起订日期", "停投开始日期"],
                   [("订阅类型", ["全年", "半年", "季度"]), ("付款方式", ["现金", "转账", "邮局汇款"])])),
    "minimal": ((["Desk preference", "Company website", "Referral code"], ["Start date"],
                 [("Plan", ["Hot desk", "Fixed desk", "Private office"]), ("Do you need a locker?", ["Yes", "No"])]),
                (["工位偏好", "公司网址", "推荐码"], ["入驻日期"],
                 [("套餐类型", ["流动工位", "固定工位", "独立办公室"]), ("是否需要储物柜", ["是", "否"])])),
    "strips": ((["Room no.", "Number of guests", "Vehicle registration", "Coming from"], ["Check-in date", "Check-out date"],
                [("Room type", ["Single", "Double", "Twin", "Suite"]), ("Purpose of stay", ["Business", "Leisure"])]),
               (["房间号", "入住人数", "车牌号码", "来自何地"], ["入住日期", "离店日期"],
                [("房型", ["单人间", "大床房", "双床房", "套房"]), ("入住事由", ["商务", "旅游"])])),
    "sidebar": ((["Policy no.", "GP practice", "Height (cm)", "Weight (kg)"], ["Cover start date"],
                 [("Level of cover", ["Basic", "Standard", "Comprehensive"]), ("Marital status", ["Single", "Married", "Civil partnership", "Widowed"])]),
                (["保单号", "签约医院", "身高（cm）", "体重（kg）"], ["保险起期"],
                 [("保障计划", ["基础型", "标准型", "全面型"]), ("婚姻状况", ["未婚", "已婚", "离异", "丧偶"])])),
    "corners": ((["Candidate no.", "Centre no.", "Subject code", "School"], ["Exam date"],
                 [("Paper", ["Foundation", "Higher"]), ("Access arrangements needed?", ["Yes", "No"])]),
                (["考生号", "考点代码", "报考科目代码", "毕业学校"], ["考试日期"],
                 [("考试类别", ["笔试", "机考"]), ("是否需要特殊考场安排", ["是", "否"])])),
    "ticket": ((["Club", "Expected finish time", "T-shirt size", "Bib no."], ["Date of previous race"],
                [("Race", ["Half marathon", "10 km", "5 km"]), ("First half marathon?", ["Yes", "No"])]),
               (["所属跑团", "预计完赛时间", "T恤尺码", "号码布"], ["上次参赛日期"],
                [("参赛项目", ["半程马拉松", "十公里", "五公里"]), ("是否首次参赛", ["是", "否"])])),
}


def gender_opts(rng, lang):
    if lang == "zh":
        return rng.choice([["男", "女"], ["男", "女"], ["男性", "女性"]])
    return rng.choice([["Male", "Female"], ["M", "F"], ["Male", "Female", "Other"], ["Female", "Male"], ["Male", "Female", "Prefer not to say"]])


def nat_opts(lang, nat):
    if lang == "zh":
        return ["中国", "其他"]
    return [nat, "Other"]


def T(key, lab, **kw):
    return dict(kind="text", key=key, label=lab, **kw)


def D(key, lab, **kw):
    return dict(kind="date", key=key, label=lab, **kw)


def C(key, lab, opts, **kw):
    return dict(kind="checkbox", key=key, label=lab, options=opts, **kw)


def plan_fields(rng, lang, fam, person):
    lab = (lambda k: rng.choice(EN_LAB[k])) if lang == "en" else (lambda k: rng.choice(ZH_LAB[k]))
    en = lang == "en"
    sec1 = []
    if rng.random() < 0.22:
        sec1 += [T("last_name", lab("last_name")), T("first_name", lab("first_name"))]
    else:
        sec1.append(T("name", lab("name"), wide=True))
    sec1.append(C("gender", lab("gender"), gender_opts(rng, lang)))
    sec1.append(D("date_of_birth", lab("date_of_birth")))
    if rng.random() < 0.2:
        sec1.append(C("nationality", lab("nationality"), nat_opts(lang, person["nationality"])))
    else:
        sec1.append(T("nationality", lab("nationality")))
    pool = ["id_number", "passport_number", "phone", "email", "address", "city", "postcode", "occupation", "employer", "emergency_contact"]
    if fam in ("landing", "ticket"):
        pool = ["passport_number", "phone", "address", "city", "occupation", "email", "emergency_contact"]
    n = rng.randint(4, 6) if fam not in ("ticket",) else 4
    picked = [k for k in pool if k in rng.sample(pool, min(n, len(pool)))]
    sec2 = [T(k, lab(k), wide=k in ("address", "emergency_contact", "email")) for k in picked]
    # theme fields, key null
    nt, nd, no = THEME_NULL[fam][0 if en else 1]
    sec3 = [T(None, x) for x in rng.sample(nt, rng.randint(1, 2))]
    sec3 += [D(None, x) for x in rng.sample(nd, rng.randint(0, len(nd)) if fam != "landing" else 2)]
    sec3 += [C(None, a, b) for a, b in rng.sample(no, rng.randint(1, 2))]
    rng.shuffle(sec3)
    sec4 = [T("signature", lab("signature"), wide=True)]
    if rng.random() < 0.93:
        sec4.append(D("date", lab("date")))
    return sec1, sec2, sec3, sec4


SEC_TITLES = {
    "en": ["Personal details", "Contact details", "About your application", "Declaration"],
    "zh": ["个人信息", "联系方式", "申请事项", "声明"],
}

THEMES = {
    "landing": ("Arrival Card", "入境登记卡", "Immigration and Border Service", "出入境边防检查站"),
    "ledger": ("Personal Account Opening Form", "个人账户开户申请书", "Harbour & Crown Bank plc", "城市商业银行"),
    "slip": ("Reply slip", "回执", "Westbrook Primary School", "第三实验小学"),
    "typewriter": ("Application for Membership", "会员登记表", "The Riverside Lending Library", "市图书馆读者服务部"),
    "blank": ("Club Registration", "俱乐部会员登记", "Northfield Rowing and Sailing Club", "滨江户外运动俱乐部"),
    "newspaper": ("Subscription Order Form", "报刊订阅单", "The Morning Courier", "晨报发行中心"),
    "minimal": ("Studio Membership", "工作室会员申请", "Kiln & Co. Creative Studio", "青木共享工作空间"),
    "strips": ("Guest Registration", "旅客住宿登记表", "Seaview Hotel", "锦江宾馆"),
    "sidebar": ("Health Cover Enrolment", "健康保险投保单", "Meridian Health Insurance", "康安人寿保险股份有限公司"),
    "corners": ("Examination Entry Form", "考试报名信息卡", "National Assessment Board", "教育考试院"),
    "ticket": ("Event Entry Ticket", "参赛报名券", "City Half Marathon 2026", "城市半程马拉松"),
}


# ---------------------------------------------------------------------------------------------
# HTML pieces.  Every field element carries data-f (field index) and data-r (role).

class Form:
    def __init__(self, rng, lang, fam):
        self.rng, self.lang, self.fam = rng, lang, fam
        self.fields = []  # specs with "id"
        self.notes = set()

    def add(self, spec):
        spec = dict(spec)
        spec["id"] = len(self.fields)
        self.fields.append(spec)
        return spec

    # label: the text is the JSON label, colon / star are inside the element
    def label(self, f, cls="lab", colon=True, star=False, style="", text=None):
        t = text if text is not None else f["label"]
        c = ("：" if self.lang == "zh" else ":") if colon and t[-1:] not in "?？" else ""
        s = '<span class="req">*</span>' if star else ""
        return '<span class="%s" data-f="%d" data-r="label" style="%s">%s%s%s</span>' % (cls, f["id"], style, H.escape(t), s, c)

    def inp(self, f, cls, style="", inner="", tag="div"):
        return '<%s class="%s" data-f="%d" data-r="input" style="%s">%s</%s>' % (tag, cls, f["id"], style, inner, tag)

    def part(self, f, name, cls, style="", inner="", tag="div"):
        return '<%s class="%s" data-f="%d" data-r="part" data-part="%s" style="%s">%s</%s>' % (tag, cls, f["id"], name, style, inner, tag)


def ph(text):
    return '<span class="ph">%s</span>' % H.escape(text)


OPT_STYLE_JSON = {"css_sq": "square", "css_circ": "radio", "native_cb": "square", "native_radio": "radio",
                  "glyph_sq": "glyph", "glyph_sq2": "glyph", "glyph_circ": "glyph", "bracket": "glyph", "paren": "glyph"}
GLYPH = {"glyph_sq": "☐", "glyph_sq2": "□", "glyph_circ": "○", "bracket": "[ ]", "paren": "( )"}


def opt_box(fm, f, j, ostyle, size=13, color="#222"):
    fid = f["id"]
    if ostyle in ("css_sq", "css_circ"):
        rad = "50%" if ostyle == "css_circ" else "0"
        return ('<span class="ob" data-f="%d" data-r="opt" data-o="%d" style="display:inline-block;width:%dpx;height:%dpx;'
                'border:1px solid %s;border-radius:%s;vertical-align:middle;box-sizing:border-box"></span>' % (fid, j, size, size, color, rad))
    if ostyle in ("native_cb", "native_radio"):
        t = "checkbox" if ostyle == "native_cb" else "radio"
        return ('<input type="%s" name="g%d" data-f="%d" data-r="opt" data-o="%d" style="width:%dpx;height:%dpx;margin:0;'
                'vertical-align:middle">' % (t, fid, fid, j, size, size))
    g = GLYPH[ostyle]
    return ('<span class="gl" data-f="%d" data-r="opt" data-o="%d" data-glyph="%s">%s<i class="bl"></i></span>' % (fid, j, g, g))


def opt_text(f, j, text, style=""):
    return '<span class="ot" data-f="%d" data-r="otext" data-o="%d" style="%s">%s</span>' % (f["id"], j, style, H.escape(text))


def options_html(fm, f, ostyle, arrange="row", gap=18, size=13, after=False, color="#222"):
    """after: the box follows its text."""
    items = []
    for j, t in enumerate(f["options"]):
        b, x = opt_box(fm, f, j, ostyle, size, color), opt_text(f, j, t)
        if after:
            items.append('<span class="oi" style="white-space:nowrap">%s<span style="display:inline-block;width:6px"></span>%s</span>' % (x, b))
        else:
            items.append('<span class="oi" style="white-space:nowrap">%s<span style="display:inline-block;width:6px"></span>%s</span>' % (b, x))
    f["style"] = OPT_STYLE_JSON[ostyle]
    f["_ostyle"] = ostyle
    f["_arrange"] = arrange
    if arrange == "row":
        return '<span class="opts" style="display:inline-flex;flex-wrap:wrap;column-gap:%dpx;row-gap:6px;align-items:center">%s</span>' % (gap, "".join(items))
    if arrange == "stack":
        return '<span class="opts" style="display:inline-flex;flex-direction:column;row-gap:7px">%s</span>' % "".join(items)
    # two columns
    return ('<span class="opts" style="display:inline-grid;grid-template-columns:auto auto;column-gap:%dpx;row-gap:7px">%s</span>'
            % (gap + 10, "".join(items)))


def pick_ostyle(rng, lang, allowed=None):
    allowed = allowed or ["css_sq", "css_circ", "native_cb", "native_radio", "glyph_sq", "glyph_sq2", "glyph_circ"]
    return rng.choice(allowed)


# ---------------------------------------------------------------------------------------------
# dates: a family passes a look function that returns the html of one box (input or part)

def date_variant(rng, lang, allowed):
    return rng.choice(allowed)


def order_of(v, lang):
    return {"DMY": ["day", "month", "year"], "MDY": ["month", "day", "year"], "YMD": ["year", "month", "day"]}[v]


PH_EN = {"day": "DD", "month": "MM", "year": "YYYY"}
CAP_EN = {"day": "Day", "month": "Month", "year": "Year"}
CAP_ZH = {"day": "日", "month": "月", "year": "年"}
UNIT_ZH = {"day": "日", "month": "月", "year": "年"}


def date_html(fm, f, var, box, wpart=None, one_w="100%"):
    """var: dict(mode=one|parts, fmt, hint, order, sep, ph, cap, units).  box(f, role, part, style, inner) -> html.
    Returns (html_after_label_hint, html_of_inputs)."""
    lang = fm.lang
    f["_var"] = var
    wpart = wpart or {"day": 40, "month": 40, "year": 64}
    if var["mode"] == "one":
        fmt = var.get("fmt")
        f["format"] = fmt.upper() if fmt else None
        hint_lab, inner, under = "", "", ""
        if fmt and var["hint"] == "ph":
            inner = ph(fmt)
        elif fmt and var["hint"] == "label":
            hint_lab = '<span class="hint">(%s)</span>' % H.escape(fmt)
        elif fmt and var["hint"] == "under":
            under = '<div class="hint" style="margin-top:3px">%s</div>' % H.escape(("Format: " if lang == "en" else "格式：") + fmt)
        f["_parts"] = []
        return hint_lab, box(f, "input", None, "width:%s" % one_w, inner) + under
    f["format"] = None
    order = var["order"]
    f["_parts"] = order
    out = []
    for i, p in enumerate(order):
        inner = ph(PH_EN[p] if lang == "en" or var.get("ph") == "en" else {"day": "日", "month": "月", "year": "年"}[p]) if var.get("ph") else ""
        b = box(f, "part", p, "width:%dpx" % wpart[p], inner)
        if var.get("cap"):
            cap = (CAP_EN if lang == "en" else CAP_ZH)[p]
            cap = '<span class="cap">%s</span>' % cap
            b = ('<span style="display:inline-flex;flex-direction:column;align-items:flex-start;vertical-align:%s;row-gap:2px">%s%s</span>'
                 % ("bottom" if var["cap"] == "above" else "top", cap + b if var["cap"] == "above" else b, "" if var["cap"] == "above" else cap))
        out.append(b)
        if var.get("units"):
            out.append('<span class="unit">%s</span>' % UNIT_ZH[p])
        elif i < 2 and var.get("sep"):
            out.append('<span class="sep">%s</span>' % var["sep"])
    pad = lang == "en" or var.get("ph") or (var.get("sep") and not var.get("units"))
    f["_pad"] = bool(pad)
    return "", '<span class="dparts" style="display:inline-flex;align-items:flex-end;column-gap:5px">%s</span>' % "".join(out)


def en_date_vars(rng, extra=()):
    base = [dict(mode="one", fmt=rng.choice(["DD/MM/YYYY", "dd/mm/yyyy", "MM/DD/YYYY", "YYYY-MM-DD", "DD.MM.YYYY", "DD-MMM-YYYY", "YYYYMMDD", "D MMM YYYY"]), hint="ph"),
            dict(mode="one", fmt=rng.choice(["DD/MM/YYYY", "MM-DD-YYYY", "DD MMM YYYY", "YYYY/MM/DD"]), hint="label"),
            dict(mode="one", fmt=rng.choice(["DD/MM/YYYY", "MM/DD/YYYY", "DD-MON-YYYY"]), hint="under"),
            dict(mode="one", fmt=None, hint=None),
            dict(mode="parts", order=order_of(rng.choice(["DMY", "DMY", "MDY", "YMD"]), "en"), sep=rng.choice(["/", "-", ".", "/"]), ph=True),
            dict(mode="parts", order=order_of(rng.choice(["DMY", "MDY"]), "en"), sep="", cap=rng.choice(["above", "below"]))]
    return base + list(extra)


def zh_date_vars(rng, extra=()):
    return [dict(mode="one", fmt=rng.choice(["YYYY-MM-DD", "YYYY年MM月DD日", "YYYY/MM/DD", "YYYYMMDD", "YYYY.MM.DD", "YYYY年M月D日"]), hint="ph"),
            dict(mode="one", fmt=rng.choice(["YYYY-MM-DD", "YYYYMMDD", "YYYY.M.D"]), hint="label"),
            dict(mode="one", fmt=rng.choice(["YYYY年MM月DD日", "YYYY-MM-DD"]), hint="under"),
            dict(mode="one", fmt=None, hint=None),
            dict(mode="parts", order=order_of("YMD", "zh"), units=True),
            dict(mode="parts", order=order_of("YMD", "zh"), sep=rng.choice(["-", "/", "."]), ph="en"),
            dict(mode="parts", order=order_of("YMD", "zh"), cap=rng.choice(["above", "below"]), sep="")] + list(extra)


def describe_var(v):
    if v["mode"] == "one":
        return "one:%s:%s" % (v.get("hint"), v.get("fmt"))
    o = "".join(p[0].upper() for p in v["order"])
    return "parts:%s:%s%s%s%s" % (o, "units" if v.get("units") else repr(v.get("sep", "")), ":ph" if v.get("ph") else "",
                                  ":cap-" + v["cap"] if v.get("cap") else "", ":" + v["look"] if v.get("look") else "")


# ---------------------------------------------------------------------------------------------
# fonts

EN_FONTS = ["'Liberation Sans'", "'Liberation Serif'", "'DejaVu Sans'", "'DejaVu Serif'", "'Noto Sans'", "'Noto Serif'",
            "'Liberation Sans Narrow'"]
ZH_FONTS = ["'Noto Sans CJK SC'", "'Noto Serif CJK SC'", "'WenQuanYi Zen Hei'", "'Liberation Serif', 'Noto Serif CJK SC'",
            "'DejaVu Sans', 'WenQuanYi Zen Hei'", "'Noto Sans', 'Noto Sans CJK SC'"]
MONO_EN = ["'Liberation Mono'", "'DejaVu Sans Mono'"]
MONO_ZH = ["'Noto Sans Mono CJK SC'", "'WenQuanYi Zen Hei Mono'"]


BASE_CSS = """
*{box-sizing:border-box}
html,body{margin:0;padding:0;background:#fff}
body{color:#161616}
.req{color:#c00;margin-left:1px}
.ph{color:#9a9a9a;font-size:0.86em;white-space:nowrap}
.hint{color:#555;font-size:0.85em;white-space:nowrap}
.cap{color:#444;font-size:0.78em;white-space:nowrap}
.sep,.unit{white-space:nowrap;padding:0 1px}
.gl{white-space:pre}
.bl{display:inline-block;width:0;height:0;vertical-align:baseline}
.lab{white-space:nowrap}
h1,h2,h3,p{margin:0}
"""


def looker(fm, cls, extra=""):
    def box(f, role, part, style, inner):
        if role == "input":
            return fm.inp(f, cls, style + ";" + extra, inner)
        return fm.part(f, part, cls, style + ";" + extra, inner)
    return box


def all_fields(secs):
    return [f for s in secs for f in s]


def header_html(fm, title_en, title_zh, issuer_en, issuer_zh, align="left", extra=""):
    t = title_en if fm.lang == "en" else title_zh
    i = issuer_en if fm.lang == "en" else issuer_zh
    code = ("Form %s-%d (rev. %02d/%d)" if fm.lang == "en" else "表号 %s-%d（%02d/%d 版）") % (
        fm.fam[:2].upper(), fm.rng.randint(10, 99), fm.rng.randint(1, 12), fm.rng.randint(2019, 2025))
    return ('<div style="text-align:%s;margin-bottom:14px">%s<div style="font-size:0.9em;color:#444">%s</div>'
            '<div style="font-size:1.55em;font-weight:bold;margin:4px 0">%s</div><div style="font-size:0.75em;color:#666">%s</div></div>'
            % (align, extra, H.escape(i), H.escape(t), H.escape(code)))


def instr(fm):
    return H.escape(fm.rng.choice([
        "Please write clearly in BLOCK CAPITALS using black ink.", "Complete all sections. Tick one box where options are given.",
        "Fill in this form in black or blue ink and return it with the documents requested."] if fm.lang == "en" else [
        "请用黑色或蓝色钢笔、签字笔填写，字迹清楚。", "请如实填写以下各项，在相应的□内打√。", "本表一式两份，请勿涂改。"]))


def declaration(fm):
    return H.escape("I declare that the information I have given on this form is correct and complete." if fm.lang == "en"
                    else "本人承诺以上所填信息真实、准确、完整，如有虚假，愿承担相应责任。")


# ---------------------------------------------------------------------------------------------
# families. Each returns (width, css, body_html, layout_words)

def fam_landing(fm, secs, person):
    rng, lang = fm.rng, fm.lang
    W = rng.choice([860, 900, 940])
    cw = rng.choice([18, 20, 22])
    ch = cw + rng.choice([4, 6, 8])
    col = rng.choice(["#1d3f7a", "#7a1d3f", "#1d5f3a", "#333"])
    tint = rng.choice(["#eef3fb", "#fbf1f4", "#eff8f1", "#f6f6f0"])
    fs = rng.choice([13, 14])
    font = rng.choice(EN_FONTS[:6] if lang == "en" else ZH_FONTS)
    inner_w = W - 80
    maxcells = inner_w // cw - 1
    ncell = {"name": 24, "first_name": 16, "last_name": 16, "passport_number": 10, "nationality": 14, "phone": 14, "email": 26,
             "address": 30, "city": 14, "occupation": 16, "emergency_contact": 26, "id_number": 18, "employer": 20, "postcode": 8}
    css = (".lab{font-size:%dpx;font-weight:bold;letter-spacing:0.04em;color:%s}"
           ".comb{display:inline-flex;border:1px solid %s;background:#fff;height:%dpx}"
           ".comb>span{display:block;width:%dpx;height:100%%;border-right:1px solid %s;text-align:center;line-height:%dpx}"
           ".comb>span:last-child{border-right:0}.comb .ph{font-size:10px}"
           ".it{display:flex;flex-direction:column;row-gap:5px}"
           ".row{display:flex;flex-wrap:wrap;column-gap:30px;row-gap:16px;margin-bottom:16px;align-items:flex-end}"
           ".sig{border:1px solid %s;background:#fff;height:44px}"
           ) % (fs - 2 if lang == "en" else fs - 1, col, col, ch, cw, col, ch - 2, col)
    ostyle = rng.choice(["css_sq", "glyph_sq", "native_cb", "css_sq"])

    def comb(n, lett=None):
        cells = "".join("<span>%s</span>" % (ph(lett[i]) if lett else "") for i in range(n))
        return cells

    def box(f, role, part, style, inner):
        n = {"day": 2, "month": 2, "year": 4}.get(part, 8)
        lett = None
        if inner:  # placeholder letters per cell
            lett = ({"day": "DD", "month": "MM", "year": "YYYY"}[part]) if part else None
        wpx = n * cw + 2
        c = comb(n, lett)
        if role == "input":
            return fm.inp(f, "comb", "width:%dpx" % wpx, c)
        return fm.part(f, part, "comb", "width:%dpx" % wpx, c)

    dvars_en = [dict(mode="parts", order=order_of("DMY", "en"), sep="", cap="below", look="comb"),
                dict(mode="parts", order=order_of("DMY", "en"), sep="/", ph=True, look="comb"),
                dict(mode="parts", order=order_of("YMD", "en"), sep="-", ph=True, look="comb"),
                dict(mode="one", fmt="DDMMYYYY", hint="under", look="comb8"),
                dict(mode="one", fmt="YYYYMMDD", hint="label", look="comb8")]
    dvars_zh = [dict(mode="parts", order=order_of("YMD", "zh"), units=True, look="comb"),
                dict(mode="parts", order=order_of("YMD", "zh"), sep="", cap="below", look="comb"),
                dict(mode="one", fmt="YYYYMMDD", hint="under", look="comb8"),
                dict(mode="parts", order=order_of("YMD", "zh"), sep="-", ph="en", look="comb")]
    body = [header_html(fm, *THEMES["landing"], align="center"),
            '<div style="font-size:12px;margin-bottom:16px;text-align:center;color:#333">%s</div>' % instr(fm)]
    upper = lang == "en" and rng.random() < 0.75
    for si, sec in enumerate(secs):
        items = []
        for f in sec:
            f = fm.add(f)
            if upper:
                f["label"] = f["label"].upper()
            if f["kind"] == "text":
                if f["key"] == "signature":
                    items.append('<div class="it" style="flex:1 1 320px">%s%s</div>' % (fm.label(f, colon=False), fm.inp(f, "sig", "width:100%")))
                    continue
                n = min(ncell.get(f["key"], rng.randint(8, 12)), maxcells)
                items.append('<div class="it">%s%s</div>' % (fm.label(f, colon=False), fm.inp(f, "comb", "width:%dpx" % (n * cw + 2), comb(n))))
            elif f["kind"] == "date":
                var = dict(rng.choice(dvars_en if lang == "en" else dvars_zh))
                hl, hb = date_html(fm, f, var, box, one_w="%dpx" % (8 * cw + 2))
                items.append('<div class="it"><span>%s %s</span>%s</div>' % (fm.label(f, colon=False), hl, hb))
            else:
                oh = options_html(fm, f, ostyle, rng.choice(["row", "row", "grid2"]) if len(f["options"]) > 2 else "row", gap=22)
                items.append('<div class="it">%s%s</div>' % (fm.label(f, colon=False), oh))
        body.append('<div style="background:%s;color:#fff;font-weight:bold;padding:4px 10px;margin:6px 0 12px;font-size:%dpx">%s</div>'
                    % (col, fs, H.escape(SEC_TITLES[lang][si])))
        if si == 3:
            body.append('<div style="font-size:12px;margin-bottom:10px">%s</div>' % declaration(fm))
        body.append('<div class="row">%s</div>' % "".join(items))
    html = ('<div style="width:%dpx;padding:28px 40px;background:%s;font-family:%s;font-size:%dpx;border:3px double %s">%s</div>'
            % (W, tint, font, fs, col, "".join(body)))
    return W, css, html, "landing card: labels %sabove character-cell combs, %s, %s %dpx, cell %dpx" % (
        "in capitals " if upper else "", ostyle, font, fs, cw)


def fam_ledger(fm, secs, person):
    rng, lang = fm.rng, fm.lang
    W = rng.choice([900, 960, 1000])
    lfs = rng.choice([10, 11])
    fs = rng.choice([12, 13])
    rowh = rng.choice([40, 44, 48])
    font = rng.choice(EN_FONTS if lang == "en" else ZH_FONTS)
    if lang == "zh":
        lfs = max(lfs, 11)
    rule = rng.choice(["#222", "#2d4f7c"])
    css = (".lab{font-size:%dpx;color:#333;position:absolute;right:10px;bottom:4px;line-height:1}"
           ".cell{position:relative;height:%dpx;border-bottom:1px solid %s;border-left:1px solid #999;min-width:0}"
           ".cell.first{border-left:0}.cell .ph{position:absolute;left:8px;bottom:6px}"
           ".lrow{display:flex;margin-top:10px}"
           ".pb{display:inline-block;height:20px;border:1px solid #555;position:relative}.pb .ph{position:static;font-size:10px;padding-left:3px}"
           ".pu{display:inline-block;height:20px;border-bottom:1px solid #555}"
           ".sec{background:#e4e4e4;font-weight:bold;padding:5px 8px;margin-top:18px;font-size:%dpx}"
           ) % (lfs, rowh, rule, fs)
    ostyle = rng.choice(["css_sq", "native_cb", "glyph_sq2", "css_circ", "native_radio"])
    body = [header_html(fm, *THEMES["ledger"]), '<div style="font-size:%dpx;color:#333">%s</div>' % (lfs + 1, instr(fm))]
    part_look = rng.choice(["pb", "pu"])
    dv = (en_date_vars(rng) if lang == "en" else zh_date_vars(rng))
    dv = [v for v in dv if v.get("hint") != "under" and not v.get("cap")]

    for si, sec in enumerate(secs):
        body.append('<div class="sec">%d&nbsp;&nbsp;%s</div>' % (si + 1, H.escape(SEC_TITLES[lang][si].upper() if lang == "en" else SEC_TITLES[lang][si])))
        if si == 3:
            body.append('<div style="font-size:%dpx;margin-top:6px">%s</div>' % (lfs + 1, declaration(fm)))
        row, roww = [], 0
        rows = []
        for f in sec:
            w = 3 if f.get("wide") or f["kind"] == "checkbox" and len(f["options"]) > 2 else 2
            if roww + w > 6:
                rows.append(row)
                row, roww = [], 0
            row.append((f, w))
            roww += w
        if row:
            rows.append(row)
        for row in rows:
            tot = sum(w for _, w in row)
            cells = []
            for k, (f, w) in enumerate(row):
                f = fm.add(f)
                cls = "cell" + (" first" if k == 0 else "")
                st = "flex:%d 1 0" % w if k < len(row) - 1 or tot == 6 else "flex:%d 1 0" % (w + 6 - tot)
                if f["kind"] == "text":
                    cells.append(fm.inp(f, cls, st, fm.label(f, colon=False)))
                elif f["kind"] == "date":
                    var = dict(rng.choice(dv))
                    if var["mode"] == "one":
                        if var.get("hint") == "label":
                            var["hint"] = "ph"
                        inner = ph(var["fmt"]) if var.get("fmt") else ""
                        var["hint"] = "ph" if var.get("fmt") else None
                        f["_var"] = var
                        f["format"] = var["fmt"].upper() if var.get("fmt") else None
                        f["_parts"] = []
                        cells.append(fm.inp(f, cls, st, inner + fm.label(f, colon=False)))
                    else:
                        var["look"] = part_look
                        hl, hb = date_html(fm, f, var, looker(fm, part_look), wpart={"day": 30, "month": 30, "year": 52})
                        cells.append('<div class="%s" style="%s"><span style="position:absolute;left:8px;bottom:6px">%s</span>%s</div>'
                                     % (cls, st, hb, fm.label(f, colon=False)))
                else:
                    oh = options_html(fm, f, ostyle, "row", gap=14, size=12)
                    cells.append('<div class="%s" style="%s;font-size:%dpx"><span style="position:absolute;left:8px;bottom:7px">%s</span>%s</div>'
                                 % (cls, st, fs, oh, fm.label(f, colon=False)))
            body.append('<div class="lrow">%s</div>' % "".join(cells))
    html = '<div style="width:%dpx;padding:30px 36px;font-family:%s;font-size:%dpx">%s</div>' % (W, font, fs, "".join(body))
    return W, css, html, "bank ledger: ruled rows of cells, tiny %dpx labels at the bottom right above the rule, %s, %s %dpx" % (lfs, ostyle, font, fs)


LETTER_EN = [
    "Dear Parent / Guardian,",
    "We are pleased to let you know that the annual summer programme will run again this year. The programme includes "
    "a visit to the Science Museum, a day of outdoor activities at Brockwell Park and a closing concert in the school hall.",
    "Places are limited. If you would like your child to take part, please complete the reply slip below and return it to "
    "the school office together with the contribution towards transport costs. Children must bring a packed lunch and "
    "suitable clothing on each day.",
    "Yours sincerely,",
]
LETTER_ZH = [
    "尊敬的家长：",
    "您好！为丰富学生的暑期生活，我校将于七月组织夏令营活动，内容包括参观科技馆、户外拓展训练及闭营汇报演出。",
    "本次活动名额有限，请有意参加的家长认真填写下方回执，并于规定日期前交回学校办公室。活动期间请为孩子准备午餐及适合户外活动的服装。",
    "特此通知。",
]


def fam_slip(fm, secs, person):
    rng, lang = fm.rng, fm.lang
    W = rng.choice([780, 820, 860])
    fs = rng.choice([14, 15, 16])
    font = rng.choice(EN_FONTS if lang == "en" else ZH_FONTS)
    dots = rng.choice(["dotted", "dotted", "dashed"])
    css = (".it{display:flex;align-items:flex-end;min-width:0}.it .lab{margin-right:8px}"
           ".dl{border-bottom:1.5px %s #333;height:1.7em;flex:1 1 auto;min-width:40px}"
           ".dp{display:inline-block;border-bottom:1.5px %s #333;height:1.7em}.dp .ph,.dl .ph{font-size:0.75em}"
           ".srow{display:flex;column-gap:30px;margin:14px 0;align-items:flex-end}"
           ) % (dots, dots)
    ostyle = rng.choice(["glyph_sq", "glyph_sq2", "css_sq", "css_circ", "glyph_circ"])
    dv = (en_date_vars(rng) if lang == "en" else zh_date_vars(rng))
    dv = [v for v in dv if not v.get("cap")]
    L = LETTER_EN if lang == "en" else LETTER_ZH
    body = ['<div style="display:flex;justify-content:space-between;border-bottom:2px solid #333;padding-bottom:8px">'
            '<div style="font-weight:bold;font-size:1.3em">%s</div><div style="font-size:0.8em;color:#444;text-align:right">%s</div></div>'
            % (H.escape(THEMES["slip"][2 if lang == "en" else 3]), "12 Church Lane<br>Tel. 020 7946 0321" if lang == "en" else "和平路12号<br>电话 020-87654321")]
    body.append('<div style="margin:14px 0 8px;line-height:1.55">%s</div>' % "".join('<p style="margin:0 0 8px">%s</p>' % H.escape(p) for p in L))
    body.append('<div style="margin-bottom:10px">%s</div>' % ("Mrs A. Holloway, Headteacher" if lang == "en" else "校长办公室"))
    body.append('<div style="border-top:1.5px dashed #555;margin:22px 0 6px;position:relative;height:10px">'
                '<span style="position:absolute;left:20px;top:-13px;background:#fff;padding:0 4px;font-size:18px">✂</span>'
                '<span style="position:absolute;right:20px;top:-9px;background:#fff;padding:0 4px;font-size:11px;color:#555">%s</span></div>'
                % ("cut along the dotted line" if lang == "en" else "请沿虚线剪下"))
    body.append('<div style="text-align:center;font-weight:bold;font-size:1.2em;margin:6px 0 2px">%s</div>' % H.escape(THEMES["slip"][0 if lang == "en" else 1].upper() if lang == "en" else THEMES["slip"][1]))
    body.append('<div style="text-align:center;font-size:0.85em;color:#444;margin-bottom:10px">%s</div>' % (
        "Please return to the school office by Friday 12 June" if lang == "en" else "请于6月12日（星期五）前交回"))
    for si, sec in enumerate(secs):
        if si == 3:
            body.append('<div style="font-size:0.9em;margin-top:10px">%s</div>' % declaration(fm))
        row = []
        for f in sec:
            f = fm.add(f)
            if f["kind"] == "text":
                it = '<div class="it" style="flex:%d 1 0">%s%s</div>' % (2 if f.get("wide") else 1, fm.label(f), fm.inp(f, "dl"))
                pair = not f.get("wide") and rng.random() < 0.7
            elif f["kind"] == "date":
                var = dict(rng.choice(dv))
                var["look"] = "dotted"
                hl, hb = date_html(fm, f, var, looker(fm, "dp" if var["mode"] == "parts" else "dl"), wpart={"day": 44, "month": 44, "year": 70})
                if var["mode"] == "one":
                    hb = hb.replace('style="width:100%', 'style="flex:1 1 auto')
                    it = '<div class="it" style="flex:1 1 0">%s%s%s</div>' % (fm.label(f), hl and hl + '<span style="width:8px"></span>', hb)
                    it = '<div class="it" style="flex:1 1 0;flex-wrap:wrap">%s%s%s</div>' % (fm.label(f), (hl + "&nbsp;&nbsp;") if hl else "", hb) if var.get("hint") == "under" else it
                else:
                    it = '<div class="it" style="flex:1 1 0">%s%s</div>' % (fm.label(f), hb)
                pair = rng.random() < 0.5
            else:
                it = '<div class="it" style="flex:1 1 0;align-items:center">%s%s</div>' % (fm.label(f), options_html(fm, f, ostyle, "row", gap=20))
                pair = len(f["options"]) <= 2 and rng.random() < 0.5
            row.append(it)
            if not pair or len(row) == 2:
                body.append('<div class="srow">%s</div>' % "".join(row))
                row = []
        if row:
            body.append('<div class="srow">%s</div>' % "".join(row))
    html = '<div style="width:%dpx;padding:36px 48px;font-family:%s;font-size:%dpx">%s</div>' % (W, font, fs, "".join(body))
    return W, css, html, "letter with a tear-off reply slip, %s lines, %s, %s %dpx" % (dots, ostyle, font, fs)


def fam_typewriter(fm, secs, person):
    rng, lang = fm.rng, fm.lang
    fs = rng.choice([14, 15, 16])
    if lang == "en":
        font = rng.choice(MONO_EN)
        cwl, cwc = 0.602, 1.0
    else:
        font = rng.choice(MONO_ZH)
        cwl, cwc = 0.5, 1.0
    W = rng.choice([800, 840, 880])
    pad = 48
    ncols = int((W - 2 * pad) / (cwl * fs)) - 3
    css = ".ln{white-space:pre;line-height:2.3;margin:0}.u{white-space:pre}.lab{white-space:pre}"
    ostyle = rng.choice(["bracket", "paren"]) if lang == "en" or rng.random() < 0.6 else rng.choice(["glyph_sq2", "bracket"])

    def w(s):
        return sum(int(round(cwc / cwl)) if ord(c) > 0x2e7f else 1 for c in s)

    def und(n):
        return "_" * max(n, 4)

    upper = lang == "en" and rng.random() < 0.5
    body = ['<div style="text-align:center;white-space:pre;line-height:1.6">%s\n%s\n%s</div>' % (
        H.escape(THEMES["typewriter"][2 if lang == "en" else 3].upper() if lang == "en" else THEMES["typewriter"][3]),
        H.escape(THEMES["typewriter"][0 if lang == "en" else 1].upper() if lang == "en" else THEMES["typewriter"][1]), "=" * min(40, ncols))]
    body.append('<div class="ln" style="line-height:1.8;margin:10px 0">%s</div>' % instr(fm))
    dv = [dict(mode="parts", order=order_of("DMY", "en"), sep="/", look="typed"), dict(mode="parts", order=order_of("MDY", "en"), sep="/", look="typed"),
          dict(mode="parts", order=order_of("YMD", "en"), sep="-", look="typed"), dict(mode="one", fmt=rng.choice(["DD/MM/YYYY", "DD-MMM-YYYY", "MM/DD/YYYY"]), hint="label", look="typed"),
          dict(mode="parts", order=order_of("DMY", "en"), sep=".", look="typed")] if lang == "en" else [
        dict(mode="parts", order=order_of("YMD", "zh"), units=True, look="typed"), dict(mode="parts", order=order_of("YMD", "zh"), sep="-", look="typed"),
        dict(mode="one", fmt=rng.choice(["YYYY-MM-DD", "YYYYMMDD", "YYYY.MM.DD"]), hint="label", look="typed"), dict(mode="parts", order=order_of("YMD", "zh"), units=True, look="typed")]
    for si, sec in enumerate(secs):
        t = SEC_TITLES[lang][si]
        body.append('<div class="ln" style="margin-top:8px">%s</div>' % H.escape(("%d. %s" % (si + 1, t.upper())) if lang == "en" else "%s、%s" % ("一二三四"[si], t)))
        if si == 3:
            body.append('<div class="ln" style="line-height:1.6;white-space:normal">%s</div>' % declaration(fm))
        line, used = [], 0
        for f in sec:
            f = fm.add(f)
            if upper:
                f["label"] = f["label"].upper()
            colon = "：" if lang == "zh" else ":"
            lw = w(f["label"] + colon) + 1
            if f["kind"] == "text":
                want = ncols if f.get("wide") else rng.choice([(ncols - 4) // 2, (ncols - 4) // 2, ncols])
                n = want - lw
                piece = (fm.label(f) + " " + fm.inp(f, "u", "", und(n), tag="span"), lw + max(n, 4))
            elif f["kind"] == "date":
                var = dict(rng.choice(dv))
                f["_var"] = var
                if var["mode"] == "one":
                    f["format"] = var["fmt"].upper()
                    f["_parts"] = []
                    hint = "(%s) " % var["fmt"]
                    piece = (fm.label(f) + ' <span class="hint" style="font-size:1em;color:#222">%s</span>' % H.escape(hint) + fm.inp(f, "u", "", und(12), tag="span"),
                             lw + len(hint) + 12)
                else:
                    f["format"] = None
                    f["_parts"] = var["order"]
                    f["_pad"] = lang == "en" or not var.get("units")
                    nn = {"day": 3 if var.get("units") else 2, "month": 3 if var.get("units") else 2, "year": 4 if not var.get("units") else 5}
                    bits, tw = [], 0
                    for i, p in enumerate(var["order"]):
                        bits.append(fm.part(f, p, "u", "", "_" * nn[p], tag="span"))
                        tw += nn[p]
                        if var.get("units"):
                            bits.append(UNIT_ZH[p])
                            tw += 2
                        elif i < 2:
                            bits.append(var["sep"])
                            tw += 1
                    if not var.get("units"):  # the order is printed before the blanks
                        cue = var["sep"].join({"day": "dd", "month": "mm", "year": "yyyy"}[p] for p in var["order"])
                        if rng.random() < 0.5:
                            cue = cue.upper()
                        bits.insert(0, '<span class="hint" style="font-size:1em;color:#222">(%s)</span> ' % cue)
                        tw += len(cue) + 3
                        var["cue"] = cue
                    piece = (fm.label(f) + " " + "".join(bits), lw + tw)
            else:
                bits = []
                for j, o in enumerate(f["options"]):
                    bits.append(opt_box(fm, f, j, ostyle) + " " + opt_text(f, j, o))
                f["style"], f["_ostyle"], f["_arrange"] = OPT_STYLE_JSON[ostyle], ostyle, "row"
                piece = (fm.label(f) + " " + "   ".join(bits), lw + sum(w(o) + 5 for o in f["options"]))
            if line and used + 4 + piece[1] > ncols:
                body.append('<div class="ln">%s</div>' % "    ".join(line))
                line, used = [], 0
            used += piece[1] + (4 if line else 0)
            line.append(piece[0])
        if line:
            body.append('<div class="ln">%s</div>' % "    ".join(line))
    html = '<div style="width:%dpx;padding:40px %dpx;font-family:%s;font-size:%dpx;color:#1c1c1c">%s</div>' % (W, pad, font, fs, "".join(body))
    return W, css, html, "typewriter: monospace, typed underscores, %s marks, %s %dpx" % (ostyle, font, fs)


def fam_blank(fm, secs, person):
    rng, lang = fm.rng, fm.lang
    W = rng.choice([820, 880, 940])
    fs = rng.choice([14, 15, 16, 17])
    font = rng.choice(EN_FONTS if lang == "en" else ZH_FONTS)
    two = rng.random() < 0.6
    css = (".it{display:flex;align-items:center;min-width:0}.lab{font-weight:bold;margin-right:12px}"
           ".bk{height:2.1em;flex:1 1 auto;min-width:60px}.bp{display:inline-block;height:2.1em}"
           ".grid{display:grid;grid-template-columns:%s;column-gap:48px;row-gap:14px}"
           ".bp .ph{visibility:hidden}") % ("1fr 1fr" if two else "1fr")
    ostyle = rng.choice(["glyph_sq", "glyph_sq2", "glyph_circ", "css_sq"])
    dv = ([dict(mode="one", fmt=rng.choice(["DD/MM/YYYY", "DD.MM.YYYY", "MM/DD/YYYY", "D MMM YYYY"]), hint="label"),
           dict(mode="parts", order=order_of(rng.choice(["DMY", "MDY"]), "en"), cap="left", look="blank"),
           dict(mode="one", fmt=None, hint=None)] if lang == "en" else
          [dict(mode="parts", order=order_of("YMD", "zh"), units=True, look="blank"), dict(mode="one", fmt=rng.choice(["YYYY年MM月DD日", "YYYY-MM-DD"]), hint="label"),
           dict(mode="parts", order=order_of("YMD", "zh"), units=True, look="blank")])
    body = [header_html(fm, *THEMES["blank"]), '<div style="margin-bottom:14px;color:#333">%s</div>' % instr(fm)]
    for si, sec in enumerate(secs):
        body.append('<div style="font-size:1.1em;font-weight:bold;margin:22px 0 10px;color:#333">%s</div>' % H.escape(SEC_TITLES[lang][si]))
        if si == 3:
            body.append('<div style="margin-bottom:10px">%s</div>' % declaration(fm))
        items = []
        for f in sec:
            f = fm.add(f)
            span = "grid-column:1 / -1;" if f.get("wide") and two else ""
            if f["kind"] == "text":
                items.append('<div class="it" style="%s">%s%s</div>' % (span, fm.label(f), fm.inp(f, "bk")))
            elif f["kind"] == "date":
                var = dict(rng.choice(dv))
                if var["mode"] == "parts" and var.get("cap") == "left":
                    f["_var"], f["format"], f["_parts"], f["_pad"] = var, None, var["order"], True
                    bits = []
                    for p in var["order"]:
                        bits.append('<span class="cap" style="font-size:0.85em;margin-right:4px">%s</span>%s' % (CAP_EN[p], fm.part(f, p, "bp", "width:%dpx;margin-right:14px" % (44 if p != "year" else 64))))
                    items.append('<div class="it" style="%s">%s%s</div>' % (span, fm.label(f), "".join(bits)))
                else:
                    hl, hb = date_html(fm, f, var, looker(fm, "bk" if var["mode"] == "one" else "bp"), wpart={"day": 40, "month": 40, "year": 64})
                    if var["mode"] == "one":
                        hb = hb.replace('style="width:100%', 'style="')
                    items.append('<div class="it" style="%s">%s%s%s</div>' % (span, fm.label(f), (hl + '<span style="width:10px;flex:none"></span>') if hl else "", hb))
            else:
                arr = "grid2" if len(f["options"]) == 4 and rng.random() < 0.5 else "row"
                items.append('<div class="it" style="%s">%s%s</div>' % (span, fm.label(f), options_html(fm, f, ostyle, arr, gap=22)))
        body.append('<div class="grid">%s</div>' % "".join(items))
    html = '<div style="width:%dpx;padding:40px 50px;font-family:%s;font-size:%dpx">%s</div>' % (W, font, fs, "".join(body))
    return W, css, html, "no lines: bold label, then blank space, %s, %s, %s %dpx" % ("two columns" if two else "one column", ostyle, font, fs)


NEWS_EN = ("Readers who subscribe before the end of the month will receive the weekend magazine free for the first three months. "
           "The Courier has served the region for more than ninety years, and our reporters cover local councils, courts, schools and sport "
           "every day of the week. Home delivery is available in most postcodes; where a carrier is not available we post the paper first class. "
           "Subscribers may pause delivery while on holiday and receive a credit for every issue missed. The digital edition, including the "
           "archive back to 1998, is included with every print subscription at no extra cost. ")
NEWS_ZH = ("即日起至本月底订阅全年报纸的读者，可获赠三个月周末版杂志。本报创刊九十余年，始终坚持报道本地新闻，内容涵盖政务、法治、教育、体育等各个方面。"
           "市区大部分地区可送报上门，暂不能投递的地区将通过邮局寄送。订户外出期间可申请暂停投递，停投期间的报费将予以顺延。"
           "订阅纸质报纸的读者可免费使用电子版及一九九八年以来的全部往期资料。")


def fam_newspaper(fm, secs, person):
    rng, lang = fm.rng, fm.lang
    W = rng.choice([1000, 1060, 1100])
    fs = rng.choice([13, 14])
    font = rng.choice(["'Liberation Serif'", "'DejaVu Serif'", "'Noto Serif'"] if lang == "en" else ["'Noto Serif CJK SC'", "'Liberation Serif', 'Noto Serif CJK SC'", "'Noto Sans CJK SC'"])
    cols = rng.choice([2, 3])
    css = (".cp{column-count:%d;column-gap:34px;column-rule:1px solid #999}"
           ".it{break-inside:avoid;display:flex;align-items:flex-end;margin:0 0 14px;min-width:0}.it .lab{margin-right:8px}"
           ".ul{border-bottom:1px solid #222;height:1.7em;flex:1 1 auto;min-width:30px}"
           ".up{display:inline-block;border-bottom:1px solid #222;height:1.7em}.ul .ph,.up .ph{font-size:0.8em}"
           ".blk{break-inside:avoid;margin:0 0 14px}") % cols
    ostyle = rng.choice(["css_sq", "glyph_sq", "css_circ", "native_cb", "glyph_sq2"])
    dv = (en_date_vars(rng) if lang == "en" else zh_date_vars(rng))
    dv = [v for v in dv if v.get("hint") != "under"]
    name = THEMES["newspaper"][2 if lang == "en" else 3]
    body = ['<div style="text-align:center;border-bottom:3px double #222;padding-bottom:6px">'
            '<div style="font-size:40px;font-weight:bold;letter-spacing:1px">%s</div>'
            '<div style="display:flex;justify-content:space-between;font-size:12px;border-top:1px solid #222;margin-top:6px;padding-top:3px">'
            '<span>%s</span><span>%s</span><span>%s</span></div></div>' % (
                H.escape(name), "No. 31,207" if lang == "en" else "第31207期", "Thursday 4 June 2026" if lang == "en" else "2026年6月4日 星期四",
                "Price £1.80" if lang == "en" else "定价 1.50元")]
    body.append('<div style="font-size:26px;font-weight:bold;margin:14px 0 8px">%s</div>' % (
        "Never miss an issue: subscribe and save a third" if lang == "en" else "订阅全年报纸 享受七折优惠"))
    body.append('<div style="column-count:3;column-gap:26px;column-rule:1px solid #bbb;text-align:justify;font-size:%dpx;line-height:1.45">%s</div>'
                % (fs - 1, H.escape((NEWS_EN if lang == "en" else NEWS_ZH) * 2)))
    cp = []
    for si, sec in enumerate(secs):
        for f in sec:
            f = fm.add(f)
            if f["kind"] == "text":
                cp.append('<div class="it">%s%s</div>' % (fm.label(f), fm.inp(f, "ul")))
            elif f["kind"] == "date":
                var = dict(rng.choice(dv))
                var["look"] = "uline"
                if var.get("cap"):
                    hl, hb = date_html(fm, f, var, looker(fm, "up"), wpart={"day": 38, "month": 38, "year": 58})
                    cp.append('<div class="blk">%s<div style="margin-top:4px">%s</div></div>' % (fm.label(f), hb))
                    continue
                hl, hb = date_html(fm, f, var, looker(fm, "ul" if var["mode"] == "one" else "up"), wpart={"day": 38, "month": 38, "year": 58})
                if var["mode"] == "one":
                    hb = hb.replace('style="width:100%', 'style="')
                cp.append('<div class="it">%s%s%s</div>' % (fm.label(f), (hl + '<span style="width:8px;flex:none"></span>') if hl else "", hb))
            else:
                arr = "stack" if len(f["options"]) > 3 and rng.random() < 0.5 else "row"
                cp.append('<div class="blk">%s<div style="margin-top:6px">%s</div></div>' % (fm.label(f), options_html(fm, f, ostyle, arr, gap=16)))
    body.append('<div style="border:2px dashed #333;margin-top:18px;padding:14px 18px 4px;position:relative">'
                '<span style="position:absolute;left:-2px;top:-14px;background:#fff;font-size:20px">✂</span>'
                '<div style="font-weight:bold;font-size:1.25em;margin-bottom:4px">%s</div><div style="font-size:0.85em;margin-bottom:12px">%s</div>'
                '<div class="cp">%s</div><div style="font-size:0.8em;color:#333;margin:4px 0 8px">%s</div></div>' % (
                    H.escape(THEMES["newspaper"][0 if lang == "en" else 1]),
                    "Return this coupon to: Subscriptions, FREEPOST RTKB-4411, Norwich NR1 1AA" if lang == "en" else "请将本订阅单寄至：晨报发行中心订阅部（邮编 100010）",
                    "".join(cp), declaration(fm)))
    html = '<div style="width:%dpx;padding:28px 36px;font-family:%s;font-size:%dpx">%s</div>' % (W, font, fs, "".join(body))
    return W, css, html, "newspaper page with a coupon set in %d CSS columns, underlines, %s, %s %dpx" % (cols, ostyle, font, fs)


def fam_minimal(fm, secs, person):
    rng, lang = fm.rng, fm.lang
    W = rng.choice([860, 920, 980])
    fs = rng.choice([14, 15])
    lfs = rng.choice([10, 11]) if lang == "en" else 12
    font = rng.choice(["'Liberation Sans'", "'DejaVu Sans'", "'Noto Sans'"] if lang == "en" else ["'Noto Sans CJK SC'", "'WenQuanYi Zen Hei'", "'Noto Sans', 'Noto Sans CJK SC'"])
    fill = rng.choice(["#eceef1", "#eef0ea", "#f0ecea", "#e9edf3"])
    acc = rng.choice(["#0f766e", "#7c3aed", "#c2410c", "#1d4ed8"])
    h = rng.choice([34, 38])
    css = (".lab{font-size:%dpx;letter-spacing:%s;color:#555;font-weight:bold}"
           ".g{background:%s;height:%dpx;border-radius:%dpx;display:flex;align-items:center;padding-left:10px}"
           ".it{display:flex;flex-direction:column;row-gap:7px;min-width:0}"
           ".grid{display:grid;grid-template-columns:1fr 1fr;column-gap:36px;row-gap:20px}"
           ".cap{letter-spacing:0.1em;font-size:9px}") % (lfs, "0.14em" if lang == "en" else "0.3em", fill, h, rng.choice([0, 3, 6]))
    ostyle = rng.choice(["css_circ", "css_sq", "native_radio", "css_circ"])
    dv = ([dict(mode="one", fmt=rng.choice(["DD / MM / YYYY", "YYYY-MM-DD", "MM/DD/YYYY", "DD MMM YYYY"]), hint="ph"),
           dict(mode="parts", order=order_of(rng.choice(["DMY", "MDY"]), "en"), cap="above", sep=""),
           dict(mode="parts", order=order_of("DMY", "en"), ph=True, sep="")] if lang == "en" else
          [dict(mode="one", fmt=rng.choice(["YYYY-MM-DD", "YYYY/MM/DD", "YYYY年MM月DD日"]), hint="ph"),
           dict(mode="parts", order=order_of("YMD", "zh"), units=True), dict(mode="parts", order=order_of("YMD", "zh"), cap="above", sep="")])
    body = ['<div style="border-left:6px solid %s;padding-left:14px;margin-bottom:30px"><div style="font-size:12px;letter-spacing:0.2em;color:%s">%s</div>'
            '<div style="font-size:26px;font-weight:300;margin-top:4px">%s</div><div style="color:#666;font-size:13px;margin-top:6px">%s</div></div>' % (
                acc, acc, H.escape(THEMES["minimal"][2 if lang == "en" else 3].upper()), H.escape(THEMES["minimal"][0 if lang == "en" else 1]), instr(fm))]
    for si, sec in enumerate(secs):
        body.append('<div style="font-size:13px;color:%s;letter-spacing:0.15em;margin:30px 0 14px;border-bottom:1px solid #ddd;padding-bottom:6px">%02d — %s</div>'
                    % (acc, si + 1, H.escape(SEC_TITLES[lang][si].upper())))
        if si == 3:
            body.append('<div style="font-size:13px;color:#444;margin-bottom:14px">%s</div>' % declaration(fm))
        items = []
        for f in sec:
            f = fm.add(f)
            if lang == "en":
                f["label"] = f["label"].upper()
            span = "grid-column:1 / -1" if f.get("wide") else ""
            if f["kind"] == "text":
                items.append('<div class="it" style="%s">%s%s</div>' % (span, fm.label(f, colon=False), fm.inp(f, "g", "height:%dpx" % (h * 2 if f["key"] == "signature" else h))))
            elif f["kind"] == "date":
                var = dict(rng.choice(dv))
                hl, hb = date_html(fm, f, var, looker(fm, "g"), wpart={"day": 56, "month": 56, "year": 84})
                items.append('<div class="it">%s%s</div>' % (fm.label(f, colon=False), hb))
            else:
                items.append('<div class="it">%s<div style="min-height:%dpx;display:flex;align-items:center">%s</div></div>' % (
                    fm.label(f, colon=False), h, options_html(fm, f, ostyle, "row", gap=22, size=15, color="#666")))
        body.append('<div class="grid">%s</div>' % "".join(items))
    html = '<div style="width:%dpx;padding:44px 56px;font-family:%s;font-size:%dpx">%s</div>' % (W, font, fs, "".join(body))
    return W, css, html, "minimal: letter-spaced %s labels above borderless grey fills, %s, %s %dpx" % ("capital" if lang == "en" else "small", ostyle, font, fs)


def fam_strips(fm, secs, person):
    rng, lang = fm.rng, fm.lang
    W = rng.choice([940, 1000, 1060])
    fs = rng.choice([13, 14])
    font = rng.choice(EN_FONTS if lang == "en" else ZH_FONTS)
    shade = rng.choice(["#e8e8e8", "#dde6f0", "#efe9dc"])
    rh = rng.choice([36, 40])
    css = ("table.s{border-collapse:separate;border-spacing:0;width:100%%;border-top:1px solid #222;border-left:1px solid #222;margin-bottom:14px;table-layout:fixed}"
           "table.s th,table.s td{border-right:1px solid #222;border-bottom:1px solid #222;padding:0}"
           "table.s th{background:%s;font-weight:normal;text-align:left;padding:9px 10px;vertical-align:middle;font-size:%dpx}"
           "table.s th.sub{padding:3px 0;text-align:center;font-size:11px;color:#333}"
           "table.s td{height:%dpx}table.s td.oc{padding:0 10px}td .ph{padding-left:8px}"
           ".lab{white-space:normal}") % (shade, fs - 1, rh)
    ostyle = rng.choice(["glyph_sq2", "css_sq", "glyph_sq", "native_cb", "css_circ"])
    body = [header_html(fm, *THEMES["strips"]), '<div style="margin-bottom:10px;font-size:%dpx">%s</div>' % (fs - 1, instr(fm))]
    for si, sec in enumerate(secs):
        body.append('<div style="font-weight:bold;margin:12px 0 6px">%s</div>' % H.escape(SEC_TITLES[lang][si]))
        if si == 3:
            body.append('<div style="font-size:%dpx;margin-bottom:8px">%s</div>' % (fs - 1, declaration(fm)))
        rows, row, rw = [], [], 0
        for f in sec:
            w = 3 if f.get("wide") else 2
            if f["kind"] == "date":
                w = 3
            if f["kind"] == "checkbox":
                w = 2 + (len(f["options"]) > 2) + (len(f["options"]) > 3)
            if rw + w > 10:
                rows.append(row)
                row, rw = [], 0
            row.append((f, w))
            rw += w
        if row:
            rows.append(row)
        for row in rows:
            tot = sum(w for _, w in row)
            h1, h2, r = [], [], []
            cg = []
            sub = False
            for f, w in row:
                f = fm.add(f)
                pct = 100.0 * w / tot
                if f["kind"] == "date":
                    var = dict(rng.choice([dict(mode="parts", order=order_of(rng.choice(["DMY", "DMY", "MDY", "YMD"]), "en")),
                                           dict(mode="one", fmt=rng.choice(["DD/MM/YYYY", "YYYY-MM-DD", "DD-MMM-YYYY"]), hint="label"),
                                           dict(mode="one", fmt=rng.choice(["DD/MM/YYYY", "YYYY-MM-DD"]), hint="ph")] if lang == "en" else
                                          [dict(mode="parts", order=order_of("YMD", "zh")), dict(mode="one", fmt=rng.choice(["YYYY-MM-DD", "YYYY年MM月DD日", "YYYYMMDD"]), hint="label"),
                                           dict(mode="one", fmt="YYYY.MM.DD", hint="ph")]))
                    var["look"] = "cell"
                    if var["mode"] == "parts":
                        sub = True
                        f["_var"], f["format"], f["_parts"], f["_pad"] = var, None, var["order"], lang == "en"
                        ws = {"day": 0.28, "month": 0.28, "year": 0.44}
                        for p in var["order"]:
                            cg.append(pct * ws[p])
                        h1.append('<th colspan="3">%s</th>' % fm.label(f, colon=False))
                        h2.append("".join('<th class="sub">%s</th>' % ({"day": "DD", "month": "MM", "year": "YYYY"}[p] if lang == "en" else CAP_ZH[p]) for p in var["order"]))
                        r.append("".join(fm.part(f, p, "", "", tag="td") for p in var["order"]))
                        continue
                    f["_var"], f["format"], f["_parts"] = var, var["fmt"].upper(), []
                    hint = ' <span class="hint">(%s)</span>' % H.escape(var["fmt"]) if var["hint"] == "label" else ""
                    h1.append('<th rowspan="{RS}">%s%s</th>' % (fm.label(f, colon=False), hint))
                    r.append(fm.inp(f, "", "", ph(var["fmt"]) if var["hint"] == "ph" else "", tag="td"))
                    cg.append(pct)
                elif f["kind"] == "text":
                    h1.append('<th rowspan="{RS}">%s</th>' % fm.label(f, colon=False))
                    r.append(fm.inp(f, "", "", tag="td"))
                    cg.append(pct)
                else:
                    h1.append('<th rowspan="{RS}">%s</th>' % fm.label(f, colon=False))
                    r.append('<td class="oc">%s</td>' % options_html(fm, f, ostyle, "row", gap=14))
                    cg.append(pct)
            rs = "2" if sub else "1"
            t = '<table class="s"><colgroup>%s</colgroup><tr>%s</tr>%s<tr>%s</tr></table>' % (
                "".join('<col style="width:%.3f%%">' % c for c in cg), "".join(h1).replace("{RS}", rs),
                ("<tr>%s</tr>" % "".join(h2)) if sub else "", "".join(r))
            body.append(t)
    html = '<div style="width:%dpx;padding:32px 40px;font-family:%s;font-size:%dpx">%s</div>' % (W, font, fs, "".join(body))
    return W, css, html, "column strips: tables with the labels in a shaded header row and one blank input row, %s, %s %dpx" % (ostyle, font, fs)


def fam_sidebar(fm, secs, person):
    rng, lang = fm.rng, fm.lang
    W = rng.choice([960, 1000, 1040])
    fs = rng.choice([13, 14, 15])
    font = rng.choice(EN_FONTS if lang == "en" else ZH_FONTS)
    sbw = rng.choice([190, 210, 230])
    sbc, sbt = rng.choice([("#1f4e79", "#fff"), ("#0e6251", "#fff"), ("#f3e3c3", "#3b2f1a"), ("#dfe7f2", "#1b2a41"), ("#7b2d43", "#fff")])
    lw = rng.choice([150, 170, 190]) if lang == "en" else rng.choice([110, 130])
    css = (".sec{display:flex}.sb{width:%dpx;flex:none;background:%s;color:%s;padding:16px 14px}"
           ".mn{flex:1 1 auto;padding:14px 0 10px 26px;min-width:0}"
           ".it{display:flex;align-items:center;margin-bottom:12px;min-width:0}.it .lab{width:%dpx;flex:none;white-space:normal;padding-right:10px}"
           ".bx{border:1px solid #666;height:30px;flex:1 1 auto;display:flex;align-items:center;padding-left:8px}"
           ".pb{border:1px solid #666;height:30px;display:flex;align-items:center;justify-content:center}"
           "table.mx{border-collapse:separate;border-spacing:0;margin:4px 0 14px;min-width:70%%}table.mx td,table.mx th{padding:0 10px;height:36px;border-bottom:1px solid #ccc}"
           "table.mx th{font-weight:bold;height:26px;text-align:center}") % (sbw, sbc, sbt, lw)
    ostyle = rng.choice(["css_sq", "css_circ", "native_radio", "native_cb", "glyph_sq"])
    mstyle = rng.choice(["css_sq", "native_cb", "glyph_sq2", "css_circ"])
    dv = en_date_vars(rng) if lang == "en" else zh_date_vars(rng)
    dv = [v for v in dv if not v.get("cap")]
    body = ['<div style="display:flex;align-items:center;border-bottom:4px solid %s;padding:20px 0 12px;margin-bottom:0">'
            '<div style="width:%dpx;font-weight:bold;font-size:1.1em;color:%s">%s</div><div style="font-size:1.5em;font-weight:bold;padding-left:26px">%s</div></div>' % (
                sbc, sbw, "#333" if sbt == "#fff" else sbt, H.escape(THEMES["sidebar"][2 if lang == "en" else 3]), H.escape(THEMES["sidebar"][0 if lang == "en" else 1]))]
    body.append('<div style="padding:8px 0 8px %dpx;font-size:0.9em;color:#444">%s</div>' % (sbw + 26, instr(fm)))
    # matrix questions (key null) join the third section
    mq = rng.sample(EN_MATRIX_Q if lang == "en" else ZH_MATRIX_Q, rng.randint(3, 4))
    yes_no = ["Yes", "No"] if lang == "en" else rng.choice([["是", "否"], ["有", "无"]])
    for si, sec in enumerate(secs):
        items = []
        if si == 3:
            items.append('<div style="margin-bottom:12px;font-size:0.9em">%s</div>' % declaration(fm))
        for f in sec:
            f = fm.add(f)
            if f["kind"] == "text":
                items.append('<div class="it">%s%s</div>' % (fm.label(f), fm.inp(f, "bx", "height:%dpx" % (46 if f["key"] == "signature" else 30))))
            elif f["kind"] == "date":
                var = dict(rng.choice(dv))
                hl, hb = date_html(fm, f, var, looker(fm, "bx" if var["mode"] == "one" else "pb"), wpart={"day": 46, "month": 46, "year": 70})
                if var["mode"] == "one":
                    hb = hb.replace('style="width:100%', 'style="')
                lab = fm.label(f)
                if hl:
                    lab = '<span style="width:%dpx;flex:none;padding-right:10px">%s<br>%s</span>' % (lw, lab.replace('class="lab"', 'class="lab" style="width:auto"'), hl)
                if var.get("hint") == "under":
                    items.append('<div class="it">%s<div style="flex:1 1 auto;display:flex;flex-direction:column">%s</div></div>' % (lab, hb.replace('style="width:100%', 'style="') ))
                else:
                    items.append('<div class="it">%s%s</div>' % (lab, hb))
            else:
                arr = "grid2" if len(f["options"]) == 4 else rng.choice(["row", "row", "stack"])
                items.append('<div class="it" style="align-items:%s">%s%s</div>' % ("flex-start" if arr != "row" else "center", fm.label(f), options_html(fm, f, ostyle, arr, gap=20)))
        if si == 2:
            rows = []
            for q in mq:
                f = fm.add(C(None, q, yes_no))
                f["style"], f["_ostyle"], f["_arrange"], f["_matrix"] = OPT_STYLE_JSON[mstyle], mstyle, "matrix", True
                rows.append('<tr><td style="padding-left:0">%s</td>%s</tr>' % (fm.label(f, colon=False), "".join(
                    '<td style="text-align:center">%s</td>' % opt_box(fm, f, j, mstyle, 14) for j in range(2))))
            items.append('<table class="mx"><tr><th></th>%s</tr>%s</table>' % ("".join(
                '<th><span data-mt="%d">%s</span></th>' % (j, H.escape(t)) for j, t in enumerate(yes_no)), "".join(rows)))
        body.append('<div class="sec"><div class="sb"><div style="font-size:2em;font-weight:bold;line-height:1">%d</div><div style="font-weight:bold;margin-top:6px">%s</div></div>'
                    '<div class="mn">%s</div></div>' % (si + 1, H.escape(SEC_TITLES[lang][si]), "".join(items)))
    html = '<div style="width:%dpx;padding:10px 40px 30px 28px;font-family:%s;font-size:%dpx">%s</div>' % (W, font, fs, "".join(body))
    return W, css, html, "coloured sidebar of section names, labels left of boxes, Yes / No matrix (%s), %s, %s %dpx" % (mstyle, ostyle, font, fs)


def corner_css(c, n=9, t=2):
    g = "linear-gradient(%s,%s)" % (c, c)
    return ("background:%s top left/%dpx %dpx no-repeat,%s top left/%dpx %dpx no-repeat,%s top right/%dpx %dpx no-repeat,%s top right/%dpx %dpx no-repeat,"
            "%s bottom left/%dpx %dpx no-repeat,%s bottom left/%dpx %dpx no-repeat,%s bottom right/%dpx %dpx no-repeat,%s bottom right/%dpx %dpx no-repeat"
            % (g, n, t, g, t, n, g, n, t, g, t, n, g, n, t, g, t, n, g, n, t, g, t, n))


def fam_corners(fm, secs, person):
    rng, lang = fm.rng, fm.lang
    W = rng.choice([880, 940, 1000])
    fs = rng.choice([13, 14, 15])
    font = rng.choice(EN_FONTS if lang == "en" else ZH_FONTS)
    ink = rng.choice(["#c0392b", "#1f5fbf", "#b03060", "#2e7d32"])
    ncol = rng.choice([2, 3])
    h = rng.choice([34, 38, 42])
    css = (".lab{color:%s;font-weight:bold;font-size:%dpx}"
           ".cm{height:%dpx;display:flex;align-items:center;padding-left:10px;%s}"
           ".cmp{height:%dpx;display:inline-flex;align-items:center;justify-content:center;%s}"
           ".it{display:flex;flex-direction:column;row-gap:6px;min-width:0}"
           ".grid{display:grid;grid-template-columns:repeat(%d,1fr);column-gap:30px;row-gap:18px}") % (
        ink, fs - 1, h, corner_css(ink), h, corner_css(ink, 7, 2), ncol)
    ostyle = "css_sq" if rng.random() < 0.6 else "css_circ"
    dv = ([dict(mode="parts", order=order_of(rng.choice(["DMY", "MDY", "YMD"]), "en"), sep=rng.choice(["/", "", "-"]), ph=True),
           dict(mode="one", fmt=rng.choice(["DD/MM/YYYY", "MM/DD/YYYY", "YYYY-MM-DD"]), hint="under"),
           dict(mode="parts", order=order_of("DMY", "en"), cap="below", sep="")] if lang == "en" else
          [dict(mode="parts", order=order_of("YMD", "zh"), units=True), dict(mode="parts", order=order_of("YMD", "zh"), ph="en", sep="-"),
           dict(mode="one", fmt=rng.choice(["YYYY-MM-DD", "YYYYMMDD"]), hint="under")])
    body = ['<div style="display:flex;justify-content:space-between;align-items:flex-start;border-bottom:2px solid %s;padding-bottom:8px;margin-bottom:10px">'
            '<div><div style="color:%s;font-size:0.9em">%s</div><div style="font-size:1.5em;font-weight:bold">%s</div></div>'
            '<div style="width:30px;height:30px;background:#111"></div></div>' % (
                ink, ink, H.escape(THEMES["corners"][2 if lang == "en" else 3]), H.escape(THEMES["corners"][0 if lang == "en" else 1]))]
    body.append('<div style="color:%s;font-size:0.85em;margin-bottom:14px">%s</div>' % (ink, instr(fm)))
    for si, sec in enumerate(secs):
        body.append('<div style="color:%s;font-weight:bold;border-bottom:1px solid %s;margin:18px 0 12px;padding-bottom:3px">%s</div>' % (ink, ink, H.escape(SEC_TITLES[lang][si])))
        if si == 3:
            body.append('<div style="font-size:0.85em;margin-bottom:10px;color:%s">%s</div>' % (ink, declaration(fm)))
        items = []
        for f in sec:
            f = fm.add(f)
            span = "grid-column:span %d" % min(ncol, 2) if f.get("wide") else ""
            if f["kind"] == "text":
                items.append('<div class="it" style="%s">%s%s</div>' % (span, fm.label(f, colon=False), fm.inp(f, "cm", "height:%dpx" % (h + 14 if f["key"] == "signature" else h))))
            elif f["kind"] == "date":
                var = dict(rng.choice(dv))
                var["look"] = "corners"
                hl, hb = date_html(fm, f, var, looker(fm, "cm" if var["mode"] == "one" else "cmp"), wpart={"day": 46, "month": 46, "year": 72})
                items.append('<div class="it" style="%s">%s%s</div>' % (span if var["mode"] == "parts" and ncol == 3 else "", fm.label(f, colon=False), hb))
            else:
                items.append('<div class="it" style="%s">%s<div style="min-height:%dpx;display:flex;align-items:center">%s</div></div>' % (
                    span if len(f["options"]) > 3 and ncol == 3 else "", fm.label(f, colon=False), h, options_html(fm, f, ostyle, "row", gap=18, size=14, color=ink)))
        body.append('<div class="grid">%s</div>' % "".join(items))
    html = '<div style="width:%dpx;padding:34px 44px;font-family:%s;font-size:%dpx">%s</div>' % (W, font, fs, "".join(body))
    return W, css, html, "drop-out ink form, inputs marked only by corner ticks, %d columns, %s, %s %dpx" % (ncol, ostyle, font, fs)


def fam_ticket(fm, secs, person):
    rng, lang = fm.rng, fm.lang
    W = rng.choice([1120, 1180, 1240])
    fs = rng.choice([13, 14])
    font = rng.choice(EN_FONTS if lang == "en" else ZH_FONTS)
    stw = rng.choice([300, 320, 340])
    bg = rng.choice(["#fff8e6", "#eef7ff", "#f4f4f4", "#fdeef0"])
    acc = rng.choice(["#b45309", "#1e40af", "#166534", "#9f1239"])
    look = rng.choice(["ul", "bx"])
    css = (".ul{border-bottom:1px solid #222;height:1.9em;flex:1 1 auto;min-width:30px}"
           ".bx{border:1px solid #555;background:#fff;height:30px;flex:1 1 auto;min-width:30px;display:flex;align-items:center;padding-left:6px}"
           ".up{display:inline-flex;align-items:flex-end;justify-content:center;border-bottom:1px solid #222;height:1.9em}.pbx{display:inline-flex;align-items:center;justify-content:center;border:1px solid #555;background:#fff;height:28px}"
           ".it{display:flex;align-items:flex-end;min-width:0}.it .lab{margin-right:8px}"
           ".st{display:flex;flex-direction:column;row-gap:4px;margin-bottom:14px}"
           ".grid{display:grid;grid-template-columns:1fr 1fr;column-gap:30px;row-gap:14px}")
    ostyle = rng.choice(["css_sq", "glyph_sq", "css_circ", "native_radio", "glyph_circ"])
    dv = en_date_vars(rng) if lang == "en" else zh_date_vars(rng)
    dv = [v for v in dv if not v.get("cap") and v.get("hint") != "under"]
    stub = [fm.add(T("name", rng.choice(EN_LAB["name"][:3]) if lang == "en" else "姓名")), fm.add(T(None, "Entry no." if lang == "en" else "报名序号")),
            fm.add(T("phone", rng.choice(EN_LAB["phone"]) if lang == "en" else "联系电话"))]
    sh = ['<div style="font-weight:bold;color:%s;margin-bottom:12px">%s</div>' % (acc, "COUNTERFOIL — keep this part" if lang == "en" else "存根联（请自行保留）")]
    for f in stub:
        sh.append('<div class="st">%s%s</div>' % (fm.label(f, colon=False), '<div style="display:flex">%s</div>' % fm.inp(f, "ul" if look == "ul" else "bx")))
    main = ['<div style="display:flex;justify-content:space-between;align-items:baseline"><div style="font-size:1.5em;font-weight:bold;color:%s">%s</div>'
            '<div style="font-size:0.85em">%s</div></div><div style="font-size:0.85em;color:#444;margin:4px 0 10px">%s</div>' % (
                acc, H.escape(THEMES["ticket"][2 if lang == "en" else 3]), H.escape(THEMES["ticket"][0 if lang == "en" else 1]), instr(fm))]
    for si, sec in enumerate(secs):
        main.append('<div style="font-weight:bold;border-bottom:1px solid %s;margin:12px 0 10px;color:%s">%s</div>' % (acc, acc, H.escape(SEC_TITLES[lang][si])))
        items = []
        for f in sec:
            f = fm.add(f)
            span = "grid-column:1 / -1" if f.get("wide") else ""
            if f["kind"] == "text":
                items.append('<div class="it" style="%s">%s%s</div>' % (span, fm.label(f), fm.inp(f, look)))
            elif f["kind"] == "date":
                var = dict(rng.choice(dv))
                hl, hb = date_html(fm, f, var, looker(fm, look if var["mode"] == "one" else ("up" if look == "ul" else "pbx")), wpart={"day": 40, "month": 40, "year": 62})
                if var["mode"] == "one":
                    hb = hb.replace('style="width:100%', 'style="')
                items.append('<div class="it">%s%s%s</div>' % (fm.label(f), (hl + '<span style="width:8px;flex:none"></span>') if hl else "", hb))
            else:
                items.append('<div class="it" style="align-items:center;%s">%s%s</div>' % ("grid-column:1 / -1" if len(f["options"]) > 3 else "", fm.label(f), options_html(fm, f, ostyle, "row", gap=18)))
        main.append('<div class="grid">%s</div>' % "".join(items))
    html = ('<div style="width:%dpx;padding:30px;font-family:%s;font-size:%dpx"><div style="display:flex;background:%s;border:2px solid %s;border-radius:10px">'
            '<div style="width:%dpx;flex:none;padding:22px 20px;border-right:2px dashed %s">%s</div><div style="flex:1 1 auto;padding:22px 26px;min-width:0">%s</div></div></div>' % (
                W, font, fs, bg, acc, stw, acc, "".join(sh), "".join(main)))
    return W, css, html, "landscape ticket with a perforated counterfoil stub (name / ticket no. / phone repeated), %s inputs, %s, %s %dpx" % (look, ostyle, font, fs)


FAM_FN = {"landing": fam_landing, "ledger": fam_ledger, "slip": fam_slip, "typewriter": fam_typewriter, "blank": fam_blank,
          "newspaper": fam_newspaper, "minimal": fam_minimal, "strips": fam_strips, "sidebar": fam_sidebar, "corners": fam_corners,
          "ticket": fam_ticket}


# ---------------------------------------------------------------------------------------------
# extraction, ground truth, checks

JS_EXTRACT = r"""(() => {
  const fl = Math.floor, ce = Math.ceil;
  const R = r => [fl(r.left), fl(r.top), ce(r.right), ce(r.bottom)];
  const tr = el => { const g = document.createRange(); g.selectNodeContents(el); return g.getBoundingClientRect(); };
  const cv = document.createElement('canvas').getContext('2d');
  const out = [];
  for (const el of document.querySelectorAll('[data-f]')) {
    const d = el.dataset;
    const o = {f: +d.f, r: d.r, part: d.part || null, o: d.o !== undefined ? +d.o : null};
    if (d.r === 'label' || d.r === 'otext') {
      o.box = R(tr(el)); o.text = el.textContent;
    } else if (d.glyph) {
      const cs = getComputedStyle(el);
      cv.font = cs.fontStyle + ' ' + cs.fontWeight + ' ' + cs.fontSize + ' ' + cs.fontFamily;
      const tn = el.firstChild, g = document.createRange();
      g.setStart(tn, 0); g.setEnd(tn, d.glyph.length);
      const x = g.getBoundingClientRect().left;
      const base = el.querySelector('.bl').getBoundingClientRect().top;
      const m = cv.measureText(d.glyph);
      o.box = [fl(x - m.actualBoundingBoxLeft), fl(base - m.actualBoundingBoxAscent), ce(x + m.actualBoundingBoxRight), ce(base + m.actualBoundingBoxDescent)];
    } else {
      o.box = R(el.getBoundingClientRect());
    }
    out.push(o);
  }
  const mt = [...document.querySelectorAll('[data-mt]')].map(e => ({j: +e.dataset.mt, box: R(tr(e)), text: e.textContent}));
  return {items: out, mt: mt};
})()"""


class CheckError(Exception):
    pass


def gender_value(opts, female):
    want = {"Female", "F", "女", "女性"} if female else {"Male", "M", "男", "男性"}
    for o in opts:
        if o in want:
            return o
    raise CheckError("no gender option in %r" % opts)


def build_profile(rng, fm, person, lang, romanised):
    asked = []
    for f in fm.fields:
        if f["key"] and f["key"] != "signature" and f["key"] not in asked:
            asked.append(f["key"])
    omit = set()
    n_omit = rng.choice([1, 1, 2, 2, 3])
    cands = [k for k in asked if k not in ("date_of_birth", "date", "gender")]
    omit.update(rng.sample(cands, min(n_omit, len(cands))))
    if "date_of_birth" in asked and rng.random() < 0.08:
        omit.add("date_of_birth")
    if "date" in asked and rng.random() < 0.25:
        omit.add("date")
    if "gender" in asked and rng.random() < 0.08:
        omit.add("gender")
    keys = [k for k in asked if k not in omit]
    extras = [k for k in ("occupation", "employer", "email", "phone", "nationality", "postcode", "passport_number", "id_number")
              if k not in asked and person.get(k)]
    keys += rng.sample(extras, min(len(extras), rng.choice([0, 1, 1, 2])))
    used, prof = set(), {}
    zh_ok = lang == "zh" or romanised
    for k in keys:
        sp = [s for s in KEY_SPELL[k] if (zh_ok or s not in ZH_ONLY) and s not in used]
        if lang == "zh" and rng.random() < 0.5:
            sp = [s for s in sp if s in ZH_ONLY] or sp
        s = sp[0] if rng.random() < 0.45 else rng.choice(sp)
        used.add(s)
        v = person[k]
        if k in ("date_of_birth", "date"):
            v = spell_date(rng, v, lang)
        elif k == "gender":
            v = spell_gender(rng, person["_female"], lang)
        prof[s] = v
    return prof, set(keys)


def field_json(f, boxes, have, person):
    lab = boxes[f["id"]]["label"]
    out = {"label": f["label"], "label_box": lab["box"], "kind": f["kind"]}
    due = f["key"] in have
    if f["kind"] == "text":
        out["input_box"] = boxes[f["id"]]["input"]
        out["key"] = f["key"]
        out["value"] = person[f["key"]] if due and f["key"] != "signature" else None
    elif f["kind"] == "date":
        d = person.get(f["key"]) if due else None
        out["key"] = f["key"]
        out["value"] = d.isoformat() if d else None
        out["input_box"] = boxes[f["id"]].get("input") if not f["_parts"] else None
        out["format"] = f.get("format")
        parts = []
        for p in f["_parts"]:
            if d is None:
                v = ""
            elif p == "year":
                v = "%04d" % d.year
            else:
                n = d.day if p == "day" else d.month
                v = "%02d" % n if f.get("_pad") else str(n)
            parts.append({"part": p, "box": boxes[f["id"]]["parts"][p], "value": v})
        out["parts"] = parts
    else:
        out["style"] = f["style"]
        out["input_box"] = None
        out["key"] = f["key"]
        val = None
        if due and f["key"] == "gender":
            val = gender_value(f["options"], person["_female"])
        elif due and f["key"] == "nationality":
            val = person["nationality"] if person["nationality"] in f["options"] else None
            if val is None:
                raise CheckError("nationality not an option")
        out["value"] = val
        out["options"] = [{"text": t, "text_box": boxes[f["id"]]["otext"][j], "box": boxes[f["id"]]["opt"][j]} for j, t in enumerate(f["options"])]
    return out


def gap(a, b):
    dx = max(b[0] - a[2], a[0] - b[2])
    dy = max(b[1] - a[3], a[1] - b[3])
    return max(dx, dy)


def inter(a, b):
    return min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])


def inside(a, b, tol=0):
    return a[0] >= b[0] - tol and a[1] >= b[1] - tol and a[2] <= b[2] + tol and a[3] <= b[3] + tol


def check_form(js, W, Hh, img):
    import numpy as np
    arr = np.asarray(img.convert("L"), dtype=np.int16)
    allb = []  # (field, role, box)
    for f in js["fields"]:
        fid = f["_i"]
        allb.append((fid, "label", f["label_box"]))
        if f.get("input_box"):
            allb.append((fid, "input", f["input_box"]))
        for p in f.get("parts") or []:
            allb.append((fid, "part", p["box"]))
        for o in f.get("options") or []:
            allb.append((fid, "opt", o["box"]))
            if not f.get("_matrix"):
                allb.append((fid, "otext", o["text_box"]))
    for fid, role, b in allb:
        if not (0 <= b[0] < b[2] <= W and 0 <= b[1] < b[3] <= Hh):
            raise CheckError("box off page or empty: field %d %s %r" % (fid, role, b))
    for i in range(len(allb)):
        fa, ra, a = allb[i]
        for j in range(i + 1, len(allb)):
            fb, rb, b = allb[j]
            iw, ih = inter(a, b)
            if fa == fb:
                if {ra, rb} == {"label", "input"}:
                    continue
                if ra in ("input", "part") and rb in ("input", "part"):
                    continue
                if iw > 0 and ih > 0 and ("label" in (ra, rb)):
                    raise CheckError("label overlaps its own %s: field %d" % (rb if ra == "label" else ra, fa))
                continue
            if iw > 1 and ih > 1:
                raise CheckError("overlap: field %d %s %r / field %d %s %r" % (fa, ra, a, fb, rb, b))
            if (ra == "label") != (rb == "label"):
                g = gap(a, b)
                if g < 8:
                    raise CheckError("label too close (%d px): field %d %s / field %d %s" % (g, fa, ra, fb, rb))
    for f in js["fields"]:
        for b in [f["label_box"]] + [o["text_box"] for o in f.get("options") or []]:
            if arr[b[1]:b[3], b[0]:b[2]].min() > 150:
                raise CheckError("no ink in text box %r of %r" % (b, f["label"]))
        if f["kind"] == "checkbox" and f["style"] == "glyph":
            for o in f["options"]:
                b = o["box"]
                x1, y1, x2, y2 = max(0, b[0] - 4), max(0, b[1] - 4), min(W, b[2] + 4), min(Hh, b[3] + 4)
                ys, xs = np.nonzero(arr[y1:y2, x1:x2] < 170)
                if len(xs) == 0:
                    raise CheckError("glyph without ink %r" % b)
                ink = [x1 + xs.min(), y1 + ys.min(), x1 + xs.max() + 1, y1 + ys.max() + 1]
                if max(abs(ink[k] - b[k]) for k in range(4)) > 2:
                    raise CheckError("glyph box %r vs ink %r (%s)" % (b, ink, f["label"]))
        if f["kind"] == "date" and f["parts"]:
            xs = [p["box"][0] for p in f["parts"]]
            if xs != sorted(xs):
                raise CheckError("date parts out of order")


def assemble(fm, data, W, Hh, person, profile, have, form_id, layout):
    boxes = {}
    for it in data["items"]:
        b = boxes.setdefault(it["f"], {"parts": {}, "opt": {}, "otext": {}})
        if it["r"] == "label":
            b["label"] = it
        elif it["r"] == "input":
            b["input"] = it["box"]
        elif it["r"] == "part":
            b["parts"][it["part"]] = it["box"]
        elif it["r"] == "opt":
            b["opt"][it["o"]] = it["box"]
        elif it["r"] == "otext":
            b["otext"][it["o"]] = it["box"]
    mt = {m["j"]: m for m in data["mt"]}
    fields = []
    for f in fm.fields:
        b = boxes[f["id"]]
        t = b["label"]["text"].rstrip(":：").rstrip("*").strip()
        if t != f["label"]:
            raise CheckError("label text %r != %r" % (t, f["label"]))
        if f.get("_matrix"):
            for j, t in enumerate(f["options"]):
                b["otext"][j] = mt[j]["box"]
        if f["kind"] == "checkbox" and len(b["opt"]) != len(f["options"]):
            raise CheckError("missing option boxes")
        fj = field_json(f, boxes, have, person)
        fj["_i"] = f["id"]
        if f.get("_matrix"):
            fj["_matrix"] = True
        fields.append(fj)
    return {"id": form_id, "lang": fm.lang, "width": W, "height": Hh, "image": form_id + ".png", "layout": layout,
            "profile": profile, "fields": fields}


def strip_private(js):
    for f in js["fields"]:
        for k in [k for k in f if k.startswith("_")]:
            del f[k]
    return js


def make_form(browser, seed, idx, fam, lang, attempt):
    rng = random.Random("%d-%d-%d" % (seed, idx, attempt))
    romanised = lang == "en" and rng.random() < 0.2
    person = make_person(rng, lang, romanised)
    fm = Form(rng, lang, fam)
    secs = plan_fields(rng, lang, fam, person)
    W, css, body, words = FAM_FN[fam](fm, secs, person)
    dstyles = sorted(set(describe_var(f["_var"]) for f in fm.fields if f["kind"] == "date"))
    ostyles = sorted(set("%s/%s" % (f["_ostyle"], f["_arrange"]) for f in fm.fields if f["kind"] == "checkbox"))
    layout = "%s; options %s; dates %s" % (words, ", ".join(ostyles), " | ".join(dstyles))
    html = ('<!DOCTYPE html><html lang="%s"><head><meta charset="utf-8"><style>%s%s</style></head><body>%s</body></html>'
            % ("zh-CN" if lang == "zh" else "en", BASE_CSS, css, body))
    profile, have = build_profile(rng, fm, person, lang, romanised)
    png, data, (w, h) = browser.render(html, W, JS_EXTRACT)
    img = Image.open(io.BytesIO(png)).convert("RGB")
    form_id = "h_%02d" % idx
    js = assemble(fm, data, w, h, person, profile, have, form_id, layout)
    check_form(js, w, h, img)
    return html, png, js, fm


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=808)
    ap.add_argument("--count", type=int, default=44)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    en_f = FAMILIES * 2
    zh_f = FAMILIES * 2
    rng.shuffle(en_f)
    rng.shuffle(zh_f)
    t0 = time.time()
    stats = []
    debug = os.environ.get("HELDOUT_H_DEBUG")
    from collections import Counter
    dstyles, ostyles = Counter(), Counter()
    with Browser() as br:
        for idx in range(1, args.count + 1):
            lang = "en" if idx % 2 else "zh"
            fam = (en_f if lang == "en" else zh_f)[(idx - 1) // 2 % 22]
            for attempt in range(8):
                try:
                    html, png, js, fm = make_form(br, args.seed, idx, fam, lang, attempt)
                    break
                except CheckError as e:
                    if debug:
                        print("h_%02d attempt %d (%s): %s" % (idx, attempt, fam, e), file=sys.stderr)
                    last = e
            else:
                sys.exit("h_%02d (%s): no clean draw: %s" % (idx, fam, last))
            fid = js["id"]
            with open(os.path.join(args.out, fid + ".html"), "w", encoding="utf-8") as f:
                f.write(html)
            save_png(png, os.path.join(args.out, fid + ".png"))
            stats.append((fam, attempt, json.loads(json.dumps(js))))
            for f in fm.fields:
                if f["kind"] == "date":
                    dstyles[(lang, date_kind(f["_var"]))] += 1
                elif f["kind"] == "checkbox":
                    ostyles[(lang, f["_ostyle"], f["_arrange"])] += 1
            with open(os.path.join(args.out, fid + ".json"), "w", encoding="utf-8") as f:
                json.dump(strip_private(js), f, ensure_ascii=False, indent=1)
    report(stats, args.out, time.time() - t0)
    print("  date styles (en / zh):")
    for k in sorted(set(k for _, k in dstyles)):
        print("    %-44s %2d / %2d" % (k, dstyles[("en", k)], dstyles[("zh", k)]))
    print("  option styles (en / zh):")
    for k in sorted(set(k[1:] for k in ostyles)):
        print("    %-24s %2d / %2d" % ("%s %s" % k, ostyles[("en",) + k], ostyles[("zh",) + k]))


def date_kind(v):
    """A short name of a date variant for the summary."""
    if v["mode"] == "one":
        look = v.get("look", "")
        return "one box%s, format %s" % (" (%s)" % look if look else "", {"ph": "as placeholder", "label": "after the label",
                                                                      "under": "under the box", None: "none"}[v.get("hint") if v.get("fmt") else None])
    o = "-".join(p[0].upper() for p in v["order"])
    if v.get("units"):
        how = "followed by 年/月/日"
    elif v.get("cap") == "left":
        how = "captions before each part"
    elif v.get("cap"):
        how = "captions %s" % v["cap"]
    elif v.get("cue"):
        how = "order printed before, sep %r" % v["sep"]
    elif v.get("ph"):
        how = "placeholders, sep %r" % v.get("sep", "")
    else:
        how = "column sub-headers" if v.get("look") == "cell" else "sep %r" % v.get("sep", "")
    return "parts %s%s, %s" % (o, " (%s)" % v["look"] if v.get("look") else "", how)


def report(stats, out, secs):
    from collections import Counter
    kinds = Counter()
    due = Counter()
    keyed = unf = 0
    fams = Counter()
    ost = Counter()
    maxpng = 0
    for fam, attempt, js in stats:
        fams[fam] += 1
        for f in js["fields"]:
            kinds[(f["kind"], js["lang"])] += 1
            if f["key"]:
                keyed += 1
                if f["value"] is None:
                    unf += 1
                else:
                    due[f["kind"]] += 1
            if f["kind"] == "checkbox":
                ost[f["style"]] += 1
        maxpng = max(maxpng, os.path.getsize(os.path.join(out, js["id"] + ".png")))
    n = sum(kinds.values())
    print("%d forms, %d fields in %.1f s" % (len(stats), n, secs))
    for k in ("text", "date", "checkbox"):
        print("  %-8s %d (en %d / zh %d)" % (k, kinds[(k, "en")] + kinds[(k, "zh")], kinds[(k, "en")], kinds[(k, "zh")]))
    print("  keyed %d, unfillable %d" % (keyed, unf))
    print("  values due: %d (text %d, dates %d, choices %d)" % (sum(due.values()), due["text"], due["date"], due["checkbox"]))
    print("  option styles: %s" % dict(ost))
    print("  families: %s" % ", ".join("%s %d" % kv for kv in sorted(fams.items())))
    print("  redraws: %s" % ", ".join("%s:%d" % (js["id"], a) for _, a, js in stats if a))
    print("  largest PNG %d KB" % (maxpng // 1024))


if __name__ == "__main__":
    main()
