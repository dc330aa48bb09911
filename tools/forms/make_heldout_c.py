#!/usr/bin/env python3
"""Held-out blank-form corpus C (v2 JSON format).

    python3 tools/forms/make_heldout_c.py --out /tmp/forms_heldout_c --seed 303 --count 44
    python3 tools/forms/make_scans.py --in /tmp/forms_heldout_c --seed 59

Writes <prefix>_NN.html (the source), <prefix>_NN.png (headless Chromium through
tools/cdp_render.py, device scale factor 1, page height = document height) and <prefix>_NN.json
in the v2 format of tests/fixtures/forms_tune/README.md. Odd numbers are English, even numbers
Simplified Chinese. Every box is read from the DOM after layout (getBoundingClientRect, or a
Range over a label's / option text's contents; x1/y1 floored, x2/y2 ceiled); a glyph option's
box (a ☐ □ ○ character in the text) is the ink box of the character: canvas measureText with the
element's computed font, placed at the character's DOM position and baseline (a zero-size
inline-block probe right after the character gives the baseline), and is checked against the
rendered pixels.

This corpus was written from the format description alone, independently of the other corpus
generators and of the form-filling rules: its own themes (22 English, 22 Chinese), layouts
(labels left / above / 1-4 column grids / labels in table cells / label|input rows / inline
lines / numbered questions), input styles (boxes, solid / dotted / dashed underlines, shaded,
rounded, native inputs), date styles and option styles.

Self-checks (the script stops with an error): boxes of different fields never overlap; inside a
field the label, input, parts and options do not overlap (except a label inside its own cell);
a label is at least 8 px from any other field's input / part / option; no field box lies on a
photo box, stamp or office-use panel; every box lies inside the page and the content is not wider
than the page; glyph ink boxes agree with the pixels. Content wider than its cell or column makes
the script widen the page (up to 1400 px) or shrink the text and draw the form again. At the end
it prints the number of fields per kind and language, the date styles and option styles.

Deterministic for a given seed, Chromium build and font set.
"""

import argparse
import collections
import datetime
import html as htmlmod
import io
import json
import math
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from cdp_render import Browser, CDPError, save_png  # noqa: E402

esc = htmlmod.escape

# ----------------------------------------------------------------------------------------------
# people
# ----------------------------------------------------------------------------------------------

EN_FIRST_M = ["James", "Oliver", "Daniel", "Samuel", "Thomas", "Lucas", "Nathan", "Henry", "Owen",
              "Michael", "Patrick", "Aaron", "Callum", "Ethan", "Gabriel", "Isaac", "Marcus", "Rory"]
EN_FIRST_F = ["Emily", "Charlotte", "Hannah", "Grace", "Sophie", "Olivia", "Amelia", "Lucy", "Chloe",
              "Isabel", "Megan", "Rachel", "Zoe", "Abigail", "Freya", "Naomi", "Harriet", "Tessa"]
EN_LAST = ["Carter", "Wilson", "Hughes", "Bennett", "Foster", "Morgan", "Palmer", "Reid", "Sullivan",
           "Whitaker", "Donovan", "Ellis", "Fletcher", "Gallagher", "Hartley", "Kendall", "Lawson",
           "Mercer", "Novak", "O'Brien", "Prescott", "Quinn", "Russo", "Sinclair", "Thornton", "Vance"]

EN_REGIONS = {
    "uk": dict(cities=[("London", ["N1 9GU", "SE1 7PB", "E2 8DY"]), ("Manchester", ["M1 4BT", "M14 5RS"]),
                       ("Leeds", ["LS6 2AB"]), ("Bristol", ["BS8 1TH"]), ("Glasgow", ["G12 8QQ"])],
               nat="British", phone=lambda r: "+44 7700 9%05d" % r.randint(0, 99999),
               streets=["Elm Grove", "Harbour Road", "Kingfisher Way", "Station Street", "Abbey Lane",
                        "Victoria Terrace"],
               idn=lambda r: "%s%s %02d %02d %02d %s" % (r.choice("ABCEGHJKLMNPRSTWXYZ"), r.choice("ABCEGHJKLMNPRSTWXYZ"),
                                                       r.randint(0, 99), r.randint(0, 99), r.randint(0, 99), r.choice("ABCD"))),
    "us": dict(cities=[("Portland", ["97205", "97214"]), ("Austin", ["78704", "78751"]), ("Boston", ["02116"]),
                       ("Denver", ["80203"]), ("Columbus", ["43215"])],
               nat="American", phone=lambda r: "(%03d) 555-01%02d" % (r.choice([503, 512, 617, 303, 614]), r.randint(0, 99)),
               streets=["Maple Avenue", "Oak Street", "Lincoln Boulevard", "Cedar Lane", "Pine Street"],
               idn=lambda r: "D%07d" % r.randint(0, 9999999)),
    "au": dict(cities=[("Melbourne", ["3000", "3056"]), ("Brisbane", ["4000", "4101"]), ("Perth", ["6000"])],
               nat="Australian", phone=lambda r: "+61 4%02d %03d %03d" % (r.randint(0, 99), r.randint(0, 999), r.randint(0, 999)),
               streets=["Wattle Street", "Banksia Road", "Collins Street", "Ocean Parade"],
               idn=lambda r: "%d %d %d" % (r.randint(100, 999), r.randint(100, 999), r.randint(100, 999))),
    "ca": dict(cities=[("Toronto", ["M5V 2T6", "M4C 1B5"]), ("Vancouver", ["V6B 1A1"]), ("Ottawa", ["K1P 5G4"])],
               nat="Canadian", phone=lambda r: "+1 416 555 01%02d" % r.randint(0, 99),
               streets=["Queen Street West", "Bloor Street", "Granville Street", "Bank Street"],
               idn=lambda r: "%03d %03d %03d" % (r.randint(100, 999), r.randint(0, 999), r.randint(0, 999))),
    "ie": dict(cities=[("Dublin", ["D02 X285", "D08 T6K4"]), ("Cork", ["T12 W8DE"])],
               nat="Irish", phone=lambda r: "+353 87 %03d %04d" % (r.randint(0, 999), r.randint(0, 9999)),
               streets=["Merrion Square", "Grafton Street", "Patrick Street", "Baggot Lane"],
               idn=lambda r: "%07d%s" % (r.randint(0, 9999999), r.choice("ABCDEFTW"))),
    "nz": dict(cities=[("Wellington", ["6011"]), ("Auckland", ["1010", "1024"])],
               nat="New Zealander", phone=lambda r: "+64 21 %03d %04d" % (r.randint(0, 999), r.randint(0, 9999)),
               streets=["Cuba Street", "Ponsonby Road", "Lambton Quay", "Karaka Crescent"],
               idn=lambda r: "%s%s%06d" % (r.choice("ABCDEFGH"), r.choice("ABCDEFGH"), r.randint(0, 999999))),
}

EN_OCC = [("Nurse", "Northgate Health Trust"), ("Software developer", "Brightwave Software Ltd"),
          ("Teacher", "Riverside Primary School"), ("Accountant", "Harlow & Finch LLP"),
          ("Electrician", "Sparks Electrical Services"), ("Graphic designer", "Blue Fern Studio"),
          ("Pharmacist", "Greenleaf Pharmacy"), ("Civil engineer", "Meridian Infrastructure"),
          ("Chef", "The Copper Kettle"), ("Paramedic", "Metro Ambulance Service"),
          ("Librarian", "City Central Library"), ("Logistics coordinator", "Meridian Logistics"),
          ("Physiotherapist", "Active Motion Clinic"), ("Sales manager", "Orchard Retail Group")]

ZH_SURNAMES = [("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"),
               ("赵", "Zhao"), ("黄", "Huang"), ("周", "Zhou"), ("吴", "Wu"), ("徐", "Xu"), ("孙", "Sun"),
               ("胡", "Hu"), ("朱", "Zhu"), ("高", "Gao"), ("林", "Lin"), ("何", "He"), ("郭", "Guo"), ("罗", "Luo")]
ZH_GIVEN_M = [("伟", "Wei"), ("磊", "Lei"), ("洋", "Yang"), ("勇", "Yong"), ("杰", "Jie"), ("涛", "Tao"),
              ("晓明", "Xiaoming"), ("浩然", "Haoran"), ("宇轩", "Yuxuan"), ("思远", "Siyuan"), ("一鸣", "Yiming"),
              ("志强", "Zhiqiang"), ("建国", "Jianguo"), ("子豪", "Zihao")]
ZH_GIVEN_F = [("芳", "Fang"), ("娜", "Na"), ("敏", "Min"), ("静", "Jing"), ("丽", "Li"), ("婷", "Ting"),
              ("子涵", "Zihan"), ("雨桐", "Yutong"), ("欣怡", "Xinyi"), ("梓萱", "Zixuan"), ("嘉怡", "Jiayi"),
              ("婉清", "Wanqing"), ("秀英", "Xiuying"), ("晓燕", "Xiaoyan")]
ZH_PLACES = [("北京市", "朝阳区", "110105", "100020", "Beijing", "Chaoyang District", ["建国路", "朝阳北路", "望京西路"]),
             ("上海市", "浦东新区", "310115", "200120", "Shanghai", "Pudong New Area", ["世纪大道", "张杨路", "东方路"]),
             ("广州市", "天河区", "440106", "510620", "Guangzhou", "Tianhe District", ["天河路", "体育西路", "林和西路"]),
             ("深圳市", "南山区", "440305", "518057", "Shenzhen", "Nanshan District", ["科技园南路", "南海大道", "深南大道"]),
             ("杭州市", "西湖区", "330106", "310012", "Hangzhou", "Xihu District", ["文三路", "天目山路", "教工路"]),
             ("成都市", "武侯区", "510107", "610041", "Chengdu", "Wuhou District", ["人民南路", "科华北路", "武侯祠大街"]),
             ("武汉市", "洪山区", "420111", "430074", "Wuhan", "Hongshan District", ["珞喻路", "鲁磨路", "雄楚大道"]),
             ("南京市", "鼓楼区", "320106", "210008", "Nanjing", "Gulou District", ["中山北路", "北京西路", "湖南路"]),
             ("西安市", "雁塔区", "610113", "710061", "Xi'an", "Yanta District", ["小寨东路", "长安南路", "雁塔西路"])]
ZH_STREET_PY = {"建国路": "Jianguo Road", "朝阳北路": "Chaoyang North Road", "望京西路": "Wangjing West Road",
                "世纪大道": "Century Avenue", "张杨路": "Zhangyang Road", "东方路": "Dongfang Road",
                "天河路": "Tianhe Road", "体育西路": "Tiyu West Road", "林和西路": "Linhe West Road",
                "科技园南路": "Keji Yuan South Road", "南海大道": "Nanhai Avenue", "深南大道": "Shennan Avenue",
                "文三路": "Wensan Road", "天目山路": "Tianmushan Road", "教工路": "Jiaogong Road",
                "人民南路": "Renmin South Road", "科华北路": "Kehua North Road", "武侯祠大街": "Wuhouci Street",
                "珞喻路": "Luoyu Road", "鲁磨路": "Lumo Road", "雄楚大道": "Xiongchu Avenue",
                "中山北路": "Zhongshan North Road", "北京西路": "Beijing West Road", "湖南路": "Hunan Road",
                "小寨东路": "Xiaozhai East Road", "长安南路": "Chang'an South Road", "雁塔西路": "Yanta West Road"}
ZH_OCC = [("教师", "杭州市西湖区实验学校"), ("软件工程师", "深圳华信科技有限公司"), ("会计", "上海申达会计师事务所"),
          ("护士", "武汉市第三人民医院"), ("医生", "成都市第一人民医院"), ("销售经理", "广州恒瑞贸易有限公司"),
          ("设计师", "北京青禾文化传媒有限公司"), ("公务员", "南京市鼓楼区人民政府"), ("律师", "北京正衡律师事务所"),
          ("程序员", "杭州云启网络科技有限公司"), ("工程师", "西安中航动力设备有限公司"), ("研究员", "中国科学院武汉分院")]
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"]


def cn_id(region, dob, male, rng):
    seq = rng.randint(0, 99) * 10 + (rng.choice([1, 3, 5, 7, 9]) if male else rng.choice([0, 2, 4, 6, 8]))
    body = "%s%s%03d" % (region, dob.strftime("%Y%m%d"), seq)
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * k for c, k in zip(body, w)) % 11]


def rand_date(rng, y0, y1):
    d0 = datetime.date(y0, 1, 1).toordinal()
    d1 = datetime.date(y1, 12, 31).toordinal()
    return datetime.date.fromordinal(rng.randint(d0, d1))


def make_person(rng, kind):
    """kind: 'en' (a Western person), 'zh' (Chinese, Chinese values), 'zh_rom' (Chinese, romanised)."""
    male = rng.random() < 0.5
    dob = rand_date(rng, 1962, 2005)
    p = {"male": male, "dob": dob}
    if kind == "en":
        region = rng.choice(list(EN_REGIONS))
        R = EN_REGIONS[region]
        first = rng.choice(EN_FIRST_M if male else EN_FIRST_F)
        last = rng.choice(EN_LAST)
        city, pcs = rng.choice(R["cities"])
        num = rng.randint(2, 240)
        street = "%d %s" % (num, rng.choice(R["streets"]))
        if rng.random() < 0.3:
            street = ("Flat %d, " % rng.randint(1, 12) if region in ("uk", "ie") else "Apt %d%s, " % (rng.randint(1, 9), rng.choice("ABCD"))) + street
        occ, emp = rng.choice(EN_OCC)
        kin_first = rng.choice(EN_FIRST_F if male else EN_FIRST_M)
        p.update(first=first, last=last, name="%s %s" % (first, last), region=region, city=city,
                 postcode=rng.choice(pcs), address=street, phone=R["phone"](rng),
                 email="%s.%s%s@%s" % (first.lower(), last.lower().replace("'", ""), rng.choice(["", str(rng.randint(1, 99))]),
                                       rng.choice(["gmail.com", "outlook.com", "mail.com", "proton.me", "yahoo.com"])),
                 nationality=R["nat"], occupation=occ, employer=emp, id_number=R["idn"](rng),
                 passport=("%09d" % rng.randint(0, 999999999)) if region in ("uk", "us", "ie") else
                 "%s%07d" % (rng.choice("PNEL"), rng.randint(0, 9999999)),
                 emergency="%s %s, %s" % (kin_first, last if rng.random() < 0.6 else rng.choice(EN_LAST), R["phone"](rng)))
    else:
        sn, snp = rng.choice(ZH_SURNAMES)
        gv, gvp = rng.choice(ZH_GIVEN_M if male else ZH_GIVEN_F)
        prov, dist, region, pc, cpy, dpy, streets = rng.choice(ZH_PLACES)
        st = rng.choice(streets)
        n, b, u, rm = rng.randint(1, 300), rng.randint(1, 20), rng.randint(1, 4), rng.randint(1, 30) * 100 + rng.randint(1, 6)
        occ, emp = rng.choice(ZH_OCC)
        mob = "1%d%d%04d%04d" % (rng.choice([3, 5, 8, 9]), rng.randint(0, 9), rng.randint(0, 9999), rng.randint(0, 9999))
        kin_s, _ = rng.choice(ZH_SURNAMES)
        kin_g, _ = rng.choice(ZH_GIVEN_F if male else ZH_GIVEN_M)
        kin_m = "1%d%d%04d%04d" % (rng.choice([3, 5, 8, 9]), rng.randint(0, 9), rng.randint(0, 9999), rng.randint(0, 9999))
        p.update(region=region, id_number=cn_id(region, dob, male, rng),
                 passport="E%08d" % rng.randint(0, 99999999), postcode=pc)
        email = "%s%s%d@%s" % (snp.lower(), gvp.lower()[:rng.choice([1, 3, 20])], rng.randint(1, 99),
                               rng.choice(["163.com", "qq.com", "126.com", "sina.com", "foxmail.com"]))
        if kind == "zh":
            phone = rng.choice([mob, "%s %s %s" % (mob[:3], mob[3:7], mob[7:]), "%s-%s-%s" % (mob[:3], mob[3:7], mob[7:])])
            p.update(name=sn + gv, first=gvp, last=snp, city=prov, address="%s%s%s%d号%d栋%d单元%d室" % (prov, dist, st, n, b, u, rm),
                     phone=phone, email=email, nationality=rng.choice(["中国", "中国", "中华人民共和国"]),
                     occupation=occ, employer=emp,
                     emergency=rng.choice(["%s%s %s" % (kin_s, kin_g, kin_m), "%s%s（%s）%s" % (kin_s, kin_g, rng.choice(["配偶", "父亲", "母亲", "姐姐", "哥哥"]), kin_m)]))
        else:
            en_occ, en_emp = rng.choice(EN_OCC)
            p.update(name="%s %s" % (snp, gvp), first=gvp, last=snp, city=cpy,
                     address="Room %d, Building %d, %d %s, %s" % (rm, b, n, ZH_STREET_PY[st], dpy),
                     phone="+86 %s %s %s" % (mob[:3], mob[3:7], mob[7:]), email=email, nationality="Chinese",
                     occupation=en_occ, employer=en_emp,
                     emergency="%s %s, +86 %s" % (snp if rng.random() < 0.5 else rng.choice(ZH_SURNAMES)[1],
                                                 rng.choice(ZH_GIVEN_F + ZH_GIVEN_M)[1], kin_m))
    return p


def spell_date(d, style):
    if style == "iso":
        return d.isoformat()
    if style == "cn":
        return "%d年%d月%d日" % (d.year, d.month, d.day)
    if style == "dot":
        return "%04d.%02d.%02d" % (d.year, d.month, d.day)
    if style == "dmy_long":
        return "%d %s %d" % (d.day, EN_MONTHS[d.month - 1], d.year)
    if style == "mdy_long":
        return "%s %d, %d" % (EN_MONTHS[d.month - 1], d.day, d.year)
    if style == "slash":
        assert d.day > 12
        return "%02d/%02d/%04d" % (d.day, d.month, d.year)
    raise ValueError(style)


# ----------------------------------------------------------------------------------------------
# field specs and themes
# ----------------------------------------------------------------------------------------------

KEYED_KIND = {"date_of_birth": "date", "date": "date", "gender": "checkbox"}


def K(key, label=None, **kw):
    return dict(key=key, kind=KEYED_KIND.get(key, "text"), label=label, **kw)


def N(label, **kw):
    return dict(key=None, kind="text", label=label, **kw)


def D(label, **kw):
    return dict(key=None, kind="date", label=label, **kw)


def C(label, options, **kw):
    return dict(key=None, kind="checkbox", label=label, options=options, **kw)


def Q(label, options=None, **kw):  # a yes/no question
    return dict(key=None, kind="checkbox", label=label, options=options, long=True, question=True, **kw)


EN_LABELS = {
    "name": ["Full name", "Name", "Full legal name", "Applicant name", "Name in full", "Your name"],
    "first_name": ["First name", "Given name(s)", "Forename(s)", "First / given name"],
    "last_name": ["Last name", "Surname", "Family name"],
    "id_number": ["National ID number", "ID number", "Identity card no.", "Personal ID number"],
    "passport_number": ["Passport number", "Passport No.", "Travel document number"],
    "phone": ["Phone", "Telephone", "Mobile number", "Contact number", "Phone number", "Daytime telephone"],
    "email": ["Email", "Email address", "E-mail"],
    "address": ["Address", "Home address", "Residential address", "Street address", "Postal address"],
    "city": ["City", "Town / City", "City/Town"],
    "postcode": ["Postcode", "Postal code", "Post code"],
    "date_of_birth": ["Date of birth", "Birth date", "DOB"],
    "gender": ["Gender", "Sex"],
    "nationality": ["Nationality", "Citizenship"],
    "occupation": ["Occupation", "Job title", "Profession"],
    "employer": ["Employer", "Employer name", "Name of employer", "Current employer"],
    "emergency_contact": ["Emergency contact", "Emergency contact (name and phone)", "In an emergency, contact"],
    "date": ["Date", "Today's date", "Date signed"],
    "signature": ["Signature", "Applicant's signature", "Signature of applicant", "Signed"],
}
ZH_LABELS = {
    "name": ["姓名"],
    "first_name": ["名（拼音）", "名"],
    "last_name": ["姓（拼音）", "姓"],
    "id_number": ["身份证号码", "身份证号", "公民身份号码"],
    "passport_number": ["护照号码", "护照号"],
    "phone": ["手机号码", "联系电话", "手机", "移动电话"],
    "email": ["电子邮箱", "邮箱", "电子邮件"],
    "address": ["家庭住址", "通讯地址", "现住址", "联系地址"],
    "city": ["所在城市", "城市"],
    "postcode": ["邮政编码", "邮编"],
    "date_of_birth": ["出生日期", "出生年月日"],
    "gender": ["性别"],
    "nationality": ["国籍"],
    "occupation": ["职业"],
    "employer": ["工作单位", "单位名称"],
    "emergency_contact": ["紧急联系人", "紧急联系人及电话"],
    "date": ["日期", "填表日期", "申请日期"],
    "signature": ["签名", "申请人签名", "本人签字"],
}
ZH_EN_GLOSS = {"name": "Name", "first_name": "Given name", "last_name": "Surname", "id_number": "ID No.",
               "passport_number": "Passport No.", "phone": "Tel.", "email": "E-mail", "address": "Address",
               "city": "City", "postcode": "Postcode", "date_of_birth": "Date of birth", "gender": "Sex",
               "nationality": "Nationality", "occupation": "Occupation", "employer": "Employer",
               "emergency_contact": "Emergency contact", "date": "Date", "signature": "Signature"}

ZH_NULL_GLOSS = {"民族": "Ethnicity", "学号": "Student No.", "院系": "Faculty", "专业": "Major", "备注": "Remarks",
                 "房号": "Room No.", "体重": "Weight", "身高": "Height", "血型": "Blood type", "籍贯": "Native place",
                 "出生地": "Place of birth", "所属部门": "Department", "所在部门": "Department", "入职日期": "Start date",
                 "入住日期": "Arrival date", "离店日期": "Departure date", "付款方式": "Payment", "职称": "Title",
                 "婚姻状况": "Marital status", "最高学历": "Education", "推荐人": "Referrer", "会员类型": "Membership",
                 "申请类别": "Application type", "入境日期": "Date of entry", "航班（车次）号": "Flight / train No.",
                 "入住人数": "Guests", "读者类型": "Reader type", "押金": "Deposit"}

YES_NO = {"en": ["Yes", "No"], "zh": ["是", "否"]}

DECL_EN = ["I declare that the information given on this form is true and complete to the best of my knowledge.",
           "I confirm that the details above are correct and I agree to the terms and conditions overleaf.",
           "By signing below I certify that the information provided is accurate."]
DECL_ZH = ["本人承诺以上所填信息真实、准确、完整，如有虚假，愿承担相应责任。",
           "申请人声明：以上信息均属实，本人同意遵守相关规定。",
           "本人已阅读并同意上述条款，所填内容真实有效。"]

THEMES_EN = [
    dict(id="taxres", title="Individual Tax Residency Self-Certification", org="Harbourside Bank plc", code="CRS-I",
         region="uk", intro="Please complete every part in BLOCK CAPITALS. If you are resident for tax purposes in more than one country, attach a separate sheet.",
         sections=[("Identification of account holder", [K("name", ["Name of account holder", "Full name"]), K("date_of_birth"),
                                                           N("Town or city of birth"), N("Country of birth"),
                                                           K("address", ["Current residence address"], wide=True, hint="Do not use a P.O. box"),
                                                           K("city"), K("postcode", short=True), K("nationality")]),
                   ("Country of residence for tax purposes", [N("Country of tax residence", wide=True),
                                                              Q("Are you a US citizen or resident for tax purposes?")]),
                   ("Declaration and signature", [K("signature", wide2=True), K("date")])]),
    dict(id="customs", title="Customs Declaration — Accompanied Baggage", org="Border & Customs Service", code="C-27",
         region="any", intro="One declaration per family travelling together. Tick the boxes that apply.",
         sections=[("Traveller", [K("last_name"), K("first_name"), K("date_of_birth"), K("nationality"), K("passport_number"),
                                  K("occupation"), N("Flight or vessel number"), D("Arrival date"),
                                  N("Number of family members travelling with you", short=True),
                                  K("address", ["Address in this country"], wide=True)]),
                   ("Goods", [Q("Are you carrying more than 10,000 EUR in cash or equivalent?"),
                              Q("Are you bringing food, plants or animal products?"),
                              Q("Are you bringing commercial goods or samples?")]),
                   ("", [K("signature", wide2=True), K("date")])]),
    dict(id="unireg", title="Student Registration Form 2025/26", org="Northfield University", code="REG-1",
         region="any", intro="New and continuing students must register before the start of teaching.",
         sections=[("Personal details", [K("last_name"), K("first_name"), K("date_of_birth"), K("gender"), K("nationality"),
                                         N("Student number"), K("email"), K("phone")]),
                   ("Contact address", [K("address", ["Term-time address", "Home address"], wide=True), K("postcode", short=True)]),
                   ("Programme", [N("Programme of study", wide=True), N("Year of entry", short=True),
                                  C("Mode of study", ["Full-time", "Part-time", "Distance learning"])]),
                   ("Emergency contact", [K("emergency_contact", wide=True)]),
                   ("", [K("signature", ["Student signature"], wide2=True), K("date")])]),
    dict(id="utility", title="Application for a New Electricity Connection", org="Greenline Power Networks", code="NC-4",
         region="any", intro="Allow up to 20 working days for a quote. Fields marked * must be completed.",
         sections=[("Applicant", [K("name"), K("id_number"), K("phone"), K("email"),
                                  K("address", ["Postal address"], wide=True), K("postcode", short=True)]),
                   ("Connection", [N("Site address", wide=True), C("Property type", ["House", "Flat", "Commercial unit", "Farm"]),
                                   N("Estimated load", unit="kW", short=True), D("Requested connection date"), N("Existing meter number")]),
                   ("", [K("signature", wide2=True), K("date")])]),
    dict(id="visa", title="Visitor Visa Application", org="Consulate General — Visa Section", code="VV-10",
         region="any", intro="Answer all questions. Incomplete applications will be returned.",
         sections=[("Part 1: About you", [K("last_name", ["Surname (as in passport)", "Family name"]), K("first_name", ["Given names (as in passport)", "Given name(s)"]),
                                          K("date_of_birth"), N("Place of birth"), K("gender"), K("nationality")]),
                   ("Part 2: Passport", [K("passport_number"), D("Passport issue date"), D("Passport expiry date"), N("Issuing authority")]),
                   ("Part 3: Contact and work", [K("address", ["Home address"], wide=True), K("phone"), K("email"), K("occupation"), K("employer")]),
                   ("Part 4: Your visit", [C("Purpose of visit", ["Tourism", "Business", "Visiting family", "Transit"]),
                                           D("Intended date of arrival"), N("Length of stay", unit="days", short=True)]),
                   ("", [K("signature", wide2=True), K("date")])]),
    dict(id="motorclaim", title="Motor Insurance Claim Form", org="Crestway Insurance", code="MC-2",
         region="any", intro="Please report the incident within 7 days. Use a separate sheet if necessary.",
         sections=[("Policyholder", [N("Policy number"), K("name", ["Policyholder name", "Full name"]), K("date_of_birth"),
                                     K("phone"), K("email"), K("address", wide=True), K("postcode", short=True), K("occupation")]),
                   ("Incident details", [D("Date of incident"), N("Time of incident", short=True), N("Location of incident", wide=True),
                                         N("Vehicle registration"), Q("Was anyone injured?"), Q("Were the police informed?"),
                                         N("Police reference number")]),
                   ("", [K("signature", wide2=True), K("date")])]),
    dict(id="jobapp", title="Application for Employment", org="Orchard Retail Group", code="HR-07",
         region="any", intro="Please complete this form even if you have attached a CV.",
         sections=[("Personal information", [K("first_name"), K("last_name"), K("address", wide=True), K("city"), K("postcode", short=True),
                                             K("phone"), K("email")]),
                   ("Position", [N("Position applied for", wide=True), D("Date available to start"),
                                 Q("Do you have the right to work in this country?"), N("Expected salary", unit="per year", short=True)]),
                   ("Current employment", [K("employer"), K("occupation", ["Current job title"]), N("Notice period", short=True)]),
                   ("", [K("signature", wide2=True), K("date")])]),
    dict(id="library", title="Library Card Application", org="Westbrook Public Libraries", code="LIB-1",
         region="any", intro="Bring proof of address when you collect your card.",
         sections=[("Your details", [K("name"), K("date_of_birth"), K("address", wide=True), K("city"), K("postcode", short=True),
                                     K("phone"), K("email")]),
                   ("Membership", [C("Card type", ["Adult", "Junior", "Senior", "Student"]), N("Preferred branch"),
                                   C("Send notices by", ["Email", "Text message", "Post"])]),
                   ("", [K("signature", wide2=True), K("date")])]),
    dict(id="dental", title="New Patient Registration", org="Parkside Dental Practice", code="",
         region="any", intro="All information is confidential and kept in your clinical record.",
         sections=[("Patient details", [K("name", ["Patient name", "Full name"]), K("date_of_birth"), K("gender"),
                                        K("address", wide=True), K("postcode", short=True), K("phone"), K("email"), K("occupation")]),
                   ("Medical history", [N("Name of previous dentist"), Q("Are you currently taking any medication?"),
                                        Q("Do you have any allergies?"), N("Please list any allergies", wide=True)]),
                   ("Emergency contact", [K("emergency_contact", wide=True)]),
                   ("", [K("signature", ["Patient signature"], wide2=True), K("date")])]),
    dict(id="waybill", title="Domestic Express Waybill", org="SwiftLine Couriers", code="WB",
         region="any", intro="Print clearly. One waybill per parcel.",
         sections=[("Sender", [K("name", ["Sender name"]), K("phone", ["Sender phone"]), K("address", ["Sender address"], wide=True),
                               K("city"), K("postcode", short=True)]),
                   ("Recipient", [N("Recipient name"), N("Recipient phone"), N("Recipient address", wide=True), N("Recipient postcode", short=True)]),
                   ("Shipment", [N("Description of contents", wide=True), N("Weight", unit="kg", short=True), N("Declared value", short=True),
                                 C("Service", ["Standard", "Express", "Same day"])]),
                   ("", [K("signature", ["Sender's signature"], wide2=True), K("date")])]),
    dict(id="dogreg", title="Dog Registration Application", org="Lakeside District Council", code="AC-12",
         region="any", intro="A registration fee applies. Dogs must be microchipped.",
         sections=[("Owner", [K("name", ["Owner's full name"]), K("address", wide=True), K("city"), K("postcode", short=True),
                              K("phone"), K("email")]),
                   ("Dog", [N("Dog's name"), N("Breed"), N("Colour and markings"), D("Dog's date of birth"),
                            C("Dog's sex", ["Male", "Female"]), N("Microchip number"), Q("Is the dog neutered?")]),
                   ("", [K("signature", wide2=True), K("date")])]),
    dict(id="gym", title="Membership Application", org="PeakForm Fitness Club", code="",
         region="any", intro="Welcome! Please fill in this form and hand it to reception.",
         sections=[("About you", [K("name"), K("date_of_birth"), K("gender"), K("address", wide=True), K("postcode", short=True),
                                  K("phone"), K("email"), K("emergency_contact", wide=True)]),
                   ("Membership", [C("Membership type", ["Monthly", "Annual", "Off-peak", "Student"]),
                                   C("Payment method", ["Direct debit", "Card", "Cash"]),
                                   Q("Do you have any medical condition that affects exercise?")]),
                   ("", [K("signature", ["Member signature"], wide2=True), K("date")])]),
    dict(id="volunteer", title="Volunteer Sign-up Form", org="Riverside Food Bank", code="",
         region="any", intro="Thank you for offering your time. We will contact you within two weeks.",
         sections=[("Your details", [K("first_name"), K("last_name"), K("email"), K("phone"), K("address", wide=True), K("occupation")]),
                   ("Availability", [C("When are you available?", ["Weekdays", "Weekends", "Evenings"]),
                                     C("Areas of interest", ["Sorting donations", "Fundraising", "Admin", "Deliveries"]),
                                     Q("Do you hold a full driving licence?")]),
                   ("In case of emergency", [K("emergency_contact", wide=True)]),
                   ("", [K("signature", wide2=True), K("date")])]),
    dict(id="carrental", title="Vehicle Rental Agreement — Driver Details", org="Roadway Car Hire", code="RA-3",
         region="any", intro="The main driver must present a valid licence and a credit card.",
         sections=[("Main driver", [K("name"), K("date_of_birth"), K("address", wide=True), K("city"), K("postcode", short=True),
                                    K("phone"), K("email")]),
                   ("Licence", [N("Driving licence number"), D("Licence expiry date")]),
                   ("Rental", [D("Pick-up date"), D("Return date"), C("Vehicle class", ["Economy", "Compact", "SUV", "Van"]),
                               Q("Will there be an additional driver?")]),
                   ("", [K("signature", ["Driver's signature"], wide2=True), K("date")])]),
    dict(id="conf", title="Conference Registration", org="European Symposium on Applied Data Science", code="",
         region="any", intro="Early-bird rates apply until 31 March. One form per delegate.",
         sections=[("Delegate", [K("first_name"), K("last_name"), K("occupation", ["Job title"]), K("employer", ["Organisation"]),
                                 K("email"), K("phone"), K("city"), N("Country")]),
                   ("Registration", [C("Registration type", ["Full conference", "One day", "Student"]),
                                     C("Dietary requirements", ["None", "Vegetarian", "Vegan", "Gluten-free"]),
                                     N("Name on badge")]),
                   ("", [K("date")])]),
    dict(id="scholar", title="Scholarship Application Form", org="Alder Foundation Trust", code="SF-1",
         region="any", intro="Attach your most recent transcript and one reference letter.",
         sections=[("Applicant", [K("name"), K("date_of_birth"), K("gender"), K("nationality"), K("email"), K("phone"),
                                  K("address", wide=True)]),
                   ("Studies", [N("Student ID"), N("Course"), N("Current grade average", short=True),
                                N("Household annual income", unit="EUR", short=True), Q("Have you received any other scholarship this year?")]),
                   ("", [K("signature", wide2=True), K("date")])]),
    dict(id="tenancy", title="Tenancy Application", org="Keystone Lettings", code="TA-5",
         region="any", intro="Each adult occupant must complete a separate application.",
         sections=[("Applicant", [K("name"), K("date_of_birth"), K("phone"), K("email"), K("address", ["Current address"], wide=True),
                                  K("id_number")]),
                   ("Employment", [K("employer"), K("occupation"), N("Annual income", short=True)]),
                   ("Tenancy", [N("Property applied for", wide=True), D("Desired move-in date"), N("Number of occupants", short=True),
                                Q("Do you keep any pets?")]),
                   ("", [K("signature", wide2=True), K("date")])]),
    dict(id="donor", title="Blood Donor Registration", org="National Blood Service", code="BD-1",
         region="any", intro="You must be 17-65 years old and weigh over 50 kg to donate.",
         sections=[("Donor details", [K("name"), K("date_of_birth"), K("gender"), K("address", wide=True), K("postcode", short=True),
                                      K("phone"), K("email")]),
                   ("Health", [C("Blood group (if known)", ["A", "B", "AB", "O", "Don't know"]), Q("Have you given blood before?"),
                               N("Weight", unit="kg", short=True)]),
                   ("", [K("signature", ["Donor signature"], wide2=True), K("date")])]),
    dict(id="parking", title="Residents' Parking Permit Application", org="Eastgate City Council", code="PP-2",
         region="any", intro="Permits are valid for 12 months from the start date.",
         sections=[("Applicant", [K("name"), K("address", wide=True), K("postcode", short=True), K("phone"), K("email")]),
                   ("Vehicle", [N("Vehicle registration"), N("Make and model"), C("Permit type", ["Resident", "Visitor", "Business"]),
                                D("Permit start date")]),
                   ("", [K("signature", wide2=True), K("date")])]),
    dict(id="hotel", title="Guest Registration Card", org="The Harbour View Hotel", code="",
         region="any", intro="Guests are required by law to complete this card on arrival.",
         sections=[("Guest", [K("last_name"), K("first_name"), K("nationality"), K("passport_number"), K("date_of_birth"),
                              K("address", ["Home address"], wide=True), K("phone"), K("email")]),
                   ("Stay", [D("Arrival date"), D("Departure date"), N("Room number", short=True), N("Number of guests", short=True),
                             C("Payment method", ["Credit card", "Cash", "Company account"])]),
                   ("", [K("signature", ["Guest signature"], wide2=True)])]),
    dict(id="bank", title="Personal Account Opening Form", org="Crown & Anchor Building Society", code="AO-9",
         region="any", intro="We are required to verify your identity before opening an account.",
         sections=[("Personal details", [K("name"), K("date_of_birth"), K("id_number"), K("nationality"),
                                         K("address", wide=True), K("city"), K("postcode", short=True), K("phone"), K("email")]),
                   ("Employment", [K("occupation"), K("employer")]),
                   ("Account", [C("Account type", ["Current", "Savings", "Joint"]),
                                C("Source of funds", ["Salary", "Savings", "Pension", "Other"])]),
                   ("", [K("signature", wide2=True), K("date")])]),
    dict(id="vaccine", title="Vaccination Consent Form", org="Hillcrest Community Clinic", code="VC-3",
         region="any", intro="Please read the information leaflet before completing this form.",
         sections=[("Patient", [K("name"), K("date_of_birth"), K("gender"), K("phone"), K("address", wide=True)]),
                   ("Screening", [N("Vaccine to be given"), Q("Have you had a reaction to a vaccine before?"),
                                  Q("Are you feeling unwell today?", ["Yes", "No", "Not sure"]), Q("Are you pregnant?", ["Yes", "No", "Not applicable"])]),
                   ("Next of kin / emergency contact", [K("emergency_contact", wide=True)]),
                   ("Consent", [K("signature", wide2=True), K("date")])]),
]

THEMES_ZH = [
    dict(id="ruxue", title="新生入学登记表", org="江城职业技术学院", code="",
         intro="请用黑色签字笔填写，字迹清楚。带*号为必填项。",
         sections=[("基本信息", [K("name", ["学生姓名", "姓名"]), K("gender"), K("date_of_birth"), K("id_number"), N("民族"),
                              C("政治面貌", ["群众", "共青团员", "中共党员"]), N("籍贯")]),
                   ("联系方式", [K("address", wide=True), K("postcode", short=True), K("phone"), K("email")]),
                   ("学籍信息", [N("学号"), N("院系"), N("专业"), D("入学日期")]),
                   ("", [K("emergency_contact", wide=True), K("signature", ["本人签名"], wide2=True), K("date")])]),
    dict(id="baoxiao", title="费用报销单", org="华信科技有限公司", code="CW-03",
         intro="报销单据须粘贴整齐，金额大小写一致。",
         sections=[("", [K("name", ["报销人"]), N("所在部门"), K("date", ["报销日期", "填报日期"]), K("phone", ["联系电话"]),
                         C("费用类别", ["差旅费", "办公费", "招待费", "交通费", "其他"]), N("报销金额（小写）", unit="元", short=True),
                         N("报销金额（大写）", wide=True), N("附单据", unit="张", short=True), N("报销事由", wide=True, tall=True)]),
                   ("", [K("signature", ["报销人签字"], wide2=True), N("部门负责人审批")])]),
    dict(id="shebao", title="社会保险参保登记表", org="市人力资源和社会保障局", code="",
         intro="请在相应的□内打√。",
         sections=[("个人基本信息", [K("name"), K("gender"), K("date_of_birth"), K("id_number", ["公民身份号码"]), N("民族"),
                                  C("户口性质", ["城镇", "农村"]), K("phone"), K("address", ["现居住地址"], wide=True)]),
                   ("参保信息", [K("employer", ["参保单位名称", "工作单位"], wide=True), D("参保日期"),
                              C("参保险种", ["养老保险", "医疗保险", "失业保险", "工伤保险"])]),
                   ("", [K("signature", ["本人签字"], wide2=True), K("date")])]),
    dict(id="kuaidi", title="快递寄件单", org="顺达快递", code="",
         intro="请如实填写寄件物品，违禁品不予收寄。",
         sections=[("寄件人信息", [K("name", ["寄件人姓名", "寄件人"]), K("phone", ["寄件人电话", "联系电话"]),
                                 K("address", ["寄件地址", "详细地址"], wide=True), K("postcode", short=True)]),
                   ("收件人信息", [N("收件人姓名"), N("收件人电话"), N("收件地址", wide=True), N("收件人邮编", short=True)]),
                   ("物品信息", [N("物品名称"), N("重量", unit="kg", short=True), N("保价金额", unit="元", short=True),
                              C("付款方式", ["寄付", "到付", "月结"])]),
                   ("", [K("signature", ["寄件人签名"], wide2=True), K("date", ["寄件日期"])])]),
    dict(id="menzhen", title="门诊就诊登记表", org="市第二人民医院", code="",
         intro="初诊患者请完整填写以下信息。",
         sections=[("患者信息", [K("name", ["患者姓名"]), K("gender"), K("date_of_birth"), N("年龄", unit="岁", short=True),
                              K("id_number"), K("phone"), K("address", wide=True), K("occupation")]),
                   ("病史", [Q("有无药物过敏史", ["有", "无"]), N("既往病史", wide=True),
                           C("就诊科室", ["内科", "外科", "儿科", "妇科", "其他"])]),
                   ("", [K("emergency_contact", wide=True), K("signature", ["患者签名"], wide2=True), K("date", ["就诊日期"])])]),
    dict(id="zufang", title="租房信息登记表", org="安居房屋租赁服务中心", code="",
         intro="承租人应如实登记个人信息，并出示有效身份证件。",
         sections=[("承租人信息", [K("name", ["承租人姓名"]), K("gender"), K("id_number"), K("phone"), K("employer"), K("occupation")]),
                   ("租赁信息", [N("租赁房屋地址", wide=True), N("房号", short=True), D("租期起始日期"), D("租期截止日期"),
                              N("月租金", unit="元", short=True), Q("是否签订书面合同")]),
                   ("", [K("emergency_contact", wide=True), K("signature", ["承租人签字"], wide2=True), K("date")])]),
    dict(id="zhiyuan", title="志愿者报名表", org="社区志愿服务中心", code="",
         intro="欢迎加入志愿服务！",
         sections=[("个人信息", [K("name"), K("gender"), K("date_of_birth"), K("phone"), K("email"), K("occupation"),
                              K("employer", ["工作单位（学校）", "工作单位"])]),
                   ("服务意向", [C("可服务时间", ["工作日", "周末", "节假日"]),
                              C("服务意向", ["社区服务", "大型活动", "助老助残", "环境保护"]), Q("是否有志愿服务经历")]),
                   ("", [K("signature", wide2=True), K("date")])]),
    dict(id="churujing", title="出入境证件申请表", org="出入境管理局", code="",
         intro="请按身份证填写，中文姓名须与户口簿一致。",
         sections=[("申请人信息", [K("name", ["中文姓名"]), K("last_name", ["姓（拼音）"]), K("first_name", ["名（拼音）"]), K("gender"),
                                K("date_of_birth"), K("id_number", ["公民身份号码"]), N("出生地"), N("民族")]),
                   ("联系信息", [K("address", ["现住址"], wide=True), K("phone")]),
                   ("申请事项", [C("申请类别", ["首次申请", "换发", "补发"]), N("前往国家（地区）"), D("预计出境日期")]),
                   ("", [K("signature", ["申请人签名"], wide2=True), K("date")])]),
    dict(id="huiyuan", title="会员入会申请表", org="悦动健身俱乐部", code="",
         intro="填写完毕请交前台办理。",
         sections=[("会员资料", [K("name"), K("gender"), K("date_of_birth"), K("phone"), K("email"), K("address", wide=True), K("occupation")]),
                   ("入会信息", [C("会员类型", ["普通会员", "银卡会员", "金卡会员"]), D("入会日期"), N("推荐人")]),
                   ("", [K("signature", ["会员签名"], wide2=True), K("date")])]),
    dict(id="jiangxuejin", title="奖学金申请表", org="明德教育基金会", code="",
         intro="申请材料须于每年10月31日前提交。",
         sections=[("申请人信息", [K("name"), K("gender"), K("date_of_birth"), K("id_number"), N("学号"), N("院系"),
                                N("专业"), K("phone"), K("email"), K("address", ["家庭住址"], wide=True)]),
                   ("家庭及获奖情况", [N("家庭年收入", unit="万元", short=True), Q("是否曾获其他奖学金"), N("申请理由", wide=True, tall=True)]),
                   ("", [K("signature", ["申请人签名"], wide2=True), K("date")])]),
    dict(id="ruzhi", title="员工入职登记表", org="恒瑞贸易有限公司", code="HR-01",
         intro="请如实填写，信息将存入员工档案。",
         sections=[("个人信息", [K("name"), K("gender"), K("date_of_birth"), K("id_number"), C("婚姻状况", ["未婚", "已婚", "离异"]),
                              C("最高学历", ["高中", "大专", "本科", "硕士及以上"]), K("phone"), K("email"),
                              K("address", wide=True), K("postcode", short=True)]),
                   ("入职信息", [N("所属部门"), D("入职日期")]),
                   ("", [K("emergency_contact", wide=True), K("signature", ["员工签字"], wide2=True), K("date")])]),
    dict(id="cheliang", title="机动车登记申请表", org="车辆管理所", code="",
         intro="请在相应的□内打√，并提交相关证明材料。",
         sections=[("机动车所有人", [K("name", ["所有人姓名"]), K("id_number", ["身份证明号码"]), K("phone"),
                                 K("address", ["住所地址"], wide=True), K("postcode", short=True)]),
                   ("车辆信息", [N("车辆品牌型号"), N("车辆识别代号"), C("号牌种类", ["小型汽车", "大型汽车", "摩托车"]),
                              N("车身颜色"), D("购车日期")]),
                   ("", [K("signature", ["申请人签字"], wide2=True), K("date")])]),
    dict(id="jiankang", title="健康申报卡", org="海关旅客健康申报", code="",
         intro="请如实申报，隐瞒或虚假申报将依法追究责任。",
         sections=[("", [K("name"), K("gender"), K("date_of_birth"), K("nationality"), K("passport_number"), K("phone"),
                         N("航班（车次）号"), D("入境日期"), K("address", ["境内住址"], wide=True),
                         Q("过去14天内是否出现发热、咳嗽等症状"), Q("是否接触过确诊病例")]),
                   ("", [K("signature", ["申报人签名"], wide2=True), K("date")])]),
    dict(id="tushuguan", title="图书馆借阅证申请表", org="市图书馆", code="",
         intro="办证需押金，凭本人有效证件办理。",
         sections=[("读者信息", [K("name"), K("gender"), K("date_of_birth"), K("id_number"), K("phone"), K("email"),
                              K("address", ["通讯地址"], wide=True), K("postcode", short=True), K("employer")]),
                   ("借阅证", [C("读者类型", ["普通读者", "学生读者", "少儿读者"]), N("押金", unit="元", short=True)]),
                   ("", [K("signature", wide2=True), K("date")])]),
    dict(id="jiudian", title="酒店住宿登记表", org="湖滨大酒店", code="",
         intro="根据相关规定，入住旅客须登记有效证件。",
         sections=[("旅客信息", [K("name"), K("gender"), K("nationality"), K("id_number", ["证件号码", "身份证号码"]), K("date_of_birth"),
                              K("phone"), K("address", wide=True)]),
                   ("入住信息", [N("房号", short=True), D("入住日期"), D("离店日期"), N("入住人数", short=True),
                              C("付款方式", ["现金", "银行卡", "微信/支付宝"])]),
                   ("", [K("signature", ["宾客签名"], wide2=True)])]),
    dict(id="tijian", title="健康体检登记表", org="康宁体检中心", code="",
         intro="体检前一天晚十点后请禁食。",
         sections=[("受检者信息", [K("name"), K("gender"), K("date_of_birth"), K("id_number"), K("employer"), K("phone")]),
                   ("体检信息", [C("体检套餐", ["基础套餐", "标准套餐", "高级套餐"]), D("体检日期"), N("身高", unit="cm", short=True),
                              N("体重", unit="kg", short=True), Q("是否空腹")]),
                   ("", [K("signature", ["受检者签名"], wide2=True), K("date")])]),
    dict(id="quanzhi", title="犬只登记申请表", org="区犬只管理办公室", code="",
         intro="犬只须完成狂犬病免疫后方可登记。",
         sections=[("犬主信息", [K("name", ["犬主姓名"]), K("id_number"), K("phone"), K("address", ["住址"], wide=True)]),
                   ("犬只信息", [N("犬名"), N("品种"), N("毛色"), C("犬只性别", ["公", "母"]), D("犬只出生日期"), N("免疫证号")]),
                   ("", [K("signature", ["犬主签名"], wide2=True), K("date")])]),
    dict(id="jiapei", title="机动车驾驶培训报名表", org="通达驾驶员培训学校", code="",
         intro="报名须提交身份证复印件及一寸照片。",
         sections=[("学员信息", [K("name"), K("gender"), K("date_of_birth"), K("id_number"), K("phone"), K("email"),
                              K("address", wide=True)]),
                   ("报名信息", [C("申请准驾车型", ["C1", "C2", "B2", "A2"]), C("班型", ["普通班", "周末班", "VIP班"]),
                              K("date", ["报名日期"])]),
                   ("", [K("signature", ["学员签名"], wide2=True)])]),
    dict(id="xianxue", title="无偿献血登记表", org="市中心血站", code="",
         intro="献血者须年满18周岁，身体健康。",
         sections=[("献血者信息", [K("name"), K("gender"), K("date_of_birth"), K("id_number", ["证件号码"]), K("occupation"),
                                K("employer"), K("phone"), K("address", wide=True)]),
                   ("健康征询", [C("血型", ["A型", "B型", "AB型", "O型", "不详"]), Q("是否首次献血"), N("体重", unit="kg", short=True)]),
                   ("", [K("signature", ["献血者签名"], wide2=True), K("date")])]),
    dict(id="kuandai", title="宽带业务安装申请表", org="城市通信有限公司", code="",
         intro="工作人员将在受理后两个工作日内联系您。",
         sections=[("客户信息", [K("name", ["客户姓名"]), K("id_number"), K("phone"), K("email"), K("address", ["通讯地址"], wide=True)]),
                   ("业务信息", [C("宽带套餐", ["100M", "300M", "500M", "1000M"]), D("预约安装日期"), N("备注", wide=True)]),
                   ("", [K("signature", ["客户签名"], wide2=True), K("date")])]),
    dict(id="kaihu", title="个人银行账户开户申请表", org="长江商业银行", code="",
         intro="请在相应的□内打√，带*号为必填项。",
         sections=[("客户信息", [K("name"), K("gender"), K("nationality"), C("证件类型", ["居民身份证", "护照", "其他"]),
                              K("id_number", ["证件号码"]), K("date_of_birth"), K("occupation"), K("employer"), K("phone"),
                              K("address", wide=True), K("postcode", short=True)]),
                   ("账户信息", [C("账户类型", ["Ⅰ类账户", "Ⅱ类账户", "Ⅲ类账户"])]),
                   ("", [K("signature", ["客户签名"], wide2=True), K("date")])]),
    dict(id="huiyi", title="学术会议报名回执", org="全国应用数学学术年会组委会", code="",
         intro="请于5月20日前将回执发送至会务组邮箱。",
         sections=[("参会人信息", [K("name"), K("gender"), K("employer", ["单位"]), N("职称"), K("phone"), K("email"),
                                K("address", ["通讯地址"], wide=True), K("postcode", short=True)]),
                   ("参会安排", [Q("是否提交论文"), C("住宿要求", ["单间", "标间合住", "自行安排"]), D("到会日期")]),
                   ("", [K("date")])]),
]

# ----------------------------------------------------------------------------------------------
# styles
# ----------------------------------------------------------------------------------------------

EN_FONTS = [("Liberation Sans", "'Liberation Sans', sans-serif"), ("Liberation Serif", "'Liberation Serif', serif"),
            ("Liberation Sans Narrow", "'Liberation Sans Narrow', sans-serif"), ("DejaVu Sans", "'DejaVu Sans', sans-serif"),
            ("DejaVu Serif", "'DejaVu Serif', serif"), ("Noto Sans", "'Noto Sans', sans-serif"), ("Noto Serif", "'Noto Serif', serif")]
ZH_FONTS = [("Noto Sans CJK SC", "'Noto Sans CJK SC', sans-serif"), ("Noto Serif CJK SC", "'Noto Serif CJK SC', serif"),
            ("WenQuanYi Zen Hei", "'WenQuanYi Zen Hei', sans-serif"),
            ("Liberation Serif + Noto Serif CJK SC", "'Liberation Serif', 'Noto Serif CJK SC', serif"),
            ("DejaVu Sans + WenQuanYi Zen Hei", "'DejaVu Sans', 'WenQuanYi Zen Hei', sans-serif"),
            ("Noto Sans + Noto Sans CJK SC", "'Noto Sans', 'Noto Sans CJK SC', sans-serif")]

LAYOUTS = ["left1", "left2", "above1", "above2", "grid3", "grid4", "cells3", "cells4", "rows2", "rows4", "inline", "numbered"]
INPUT_STYLES = ["box", "underline", "dotted", "dashed", "shaded", "rounded", "native"]
OPT_STYLES = ["css-square", "native-checkbox", "css-circle", "native-radio", "glyph"]
OPT_STYLE_KIND = {"css-square": "square", "native-checkbox": "square", "css-circle": "radio", "native-radio": "radio", "glyph": "glyph"}
DATE_EN = ["box-placeholder", "box-hint-label", "box-hint-under", "box-hint-right", "box-none", "three-box-slash",
           "three-box-dash", "underline-slash", "captioned-below", "captioned-above", "digit-boxes", "selects", "captions-before"]
DATE_ZH = ["box-placeholder", "box-hint-label", "box-hint-under", "box-hint-right", "box-none", "three-box-slash",
           "nyr-underline", "nyr-boxes", "captioned-below", "captioned-above", "digit-boxes", "nyr-blank"]
ONE_BOX = {"box-placeholder", "box-hint-label", "box-hint-under", "box-hint-right", "box-none"}
DATE_DESC = {
    "box-placeholder": "one box, grey placeholder format", "box-hint-label": "one box, format after the label",
    "box-hint-under": "one box, format under it", "box-hint-right": "one box, format right of it",
    "box-none": "one box, no format", "three-box-slash": "three boxes with placeholders and slashes",
    "three-box-dash": "three boxes with placeholders, dashes or dots between", "underline-slash": "three underline segments with slashes, format after the label",
    "captioned-below": "three boxes captioned below", "captioned-above": "three boxes captioned above",
    "digit-boxes": "digit boxes grouped DD|MM|YYYY (or YYYY|MM|DD)", "selects": "three drop-down selects (Day / Month / Year)",
    "captions-before": "Day __ Month __ Year ____ (caption before each box)",
    "nyr-underline": "____年__月__日 underlines", "nyr-boxes": "boxes followed by 年/月/日",
    "nyr-blank": "blank spaces before 年/月/日 (no lines)",
}


def norm_fmt(s):
    return s.upper() if s else None


# ----------------------------------------------------------------------------------------------
# the form builder
# ----------------------------------------------------------------------------------------------

class Form:
    def __init__(self, idx, fid, lang, theme, rng, plan):
        self.idx, self.id, self.lang, self.theme, self.rng, self.plan = idx, fid, lang, theme, rng, plan
        self.fields = []      # dicts, in document order
        self.notes = []       # layout description bits

    @property
    def zh(self):
        return self.lang == "zh"


def est_w(text, fs, narrow=False):
    w = 0.0
    for ch in text:
        o = ord(ch)
        if o >= 0x2E80:
            w += fs * 1.0
        elif ch == " ":
            w += fs * 0.3
        elif ch.isupper() or ch in "mwMW":
            w += fs * 0.72
        else:
            w += fs * 0.56
    return w * (0.84 if narrow else 1.0)


class Builder:
    """Turns a theme + a plan into HTML with data-* hooks for the box extraction."""

    def __init__(self, form):
        self.f = form
        self.p = form.plan
        self.rng = form.rng
        self.fs = self.p["fs"]
        self.lh = self.p["lh"]
        self.H = self.p["H"]
        self.used_date_styles = []
        self.used_opt = []
        self.qn = 0

    # ---- labels ------------------------------------------------------------------------------
    def label_html(self, fld, in_cell=False, block=False):
        p = self.p
        i = fld["i"]
        text = fld["label"]
        inner = esc(text)
        if fld.get("bi"):
            cn, en = fld["bi"]
            if p["bi_mode"] == "stack":
                inner = '%s<br><span class="bien">%s</span>' % (esc(cn), esc(en))
            else:
                inner = '%s <span class="bien">%s</span>' % (esc(cn), esc(en))
        num = ""
        if p["numbered"]:
            self.qn += 1
            num = '<span class="qn">%d.</span> ' % self.qn
        colon = "" if fld.get("no_colon") or text.endswith(("?", "？")) else self.p["colon"]
        star = ""
        if fld.get("req"):
            star = '<span class="req">*</span>'
        if star and p["star_before"]:
            body = star + num + inner + colon
        else:
            body = num + inner + colon + star
        cls = "lab"
        if self.f.zh and p.get("justify") and not fld.get("bi") and len(text) <= 4 and not num and not star and not block:
            cls += " jl"
        return '<span class="%s" data-lab="%d">%s</span>' % (cls, i, body)

    @staticmethod
    def label_suffix(fld):
        return fld.get("suffix", "")

    # ---- text inputs -------------------------------------------------------------------------
    def text_input(self, fld, width=None, style=None, height=None, extra_cls=""):
        st = style or self.p["istyle"]
        h = height or (self.H * 2 + 4 if fld.get("tall") else (self.H + 10 if fld.get("key") == "signature" and st not in ("underline", "dotted", "dashed") else self.H))
        w = "width:%s;" % width if width else ""
        if st == "native":
            if fld.get("tall"):
                return '<textarea class="nat" data-in="%d" style="%sheight:%dpx"></textarea>' % (fld["i"], w, h)
            ph = ' placeholder="%s"' % esc(fld["placeholder"]) if fld.get("placeholder") else ""
            return '<input type="text" class="nat" data-in="%d" style="%sheight:%dpx"%s>' % (fld["i"], w, h, ph)
        inner = '<span class="ph">%s</span>' % esc(fld["placeholder"]) if fld.get("placeholder") else ""
        return '<span class="ib st-%s %s" data-in="%d" style="%sheight:%dpx">%s</span>' % (st, extra_cls, fld["i"], w, h, inner)

    # ---- dates -------------------------------------------------------------------------------
    def date_parts_html(self, fld, style, in_cell=False):
        """HTML for a date in parts; sets fld['order'], fld['pad']."""
        rng, zh, fs = self.rng, self.f.zh, self.fs
        i = fld["i"]
        st = self.p["istyle"] if self.p["istyle"] not in ("native",) else "box"
        if st in ("underline", "dotted", "dashed") and style in ("three-box-slash", "three-box-dash", "captioned-below", "captioned-above", "captions-before", "nyr-boxes"):
            st = "box" if rng.random() < 0.5 else "shaded"
        bh = self.H
        wd = max(30, int(fs * 2.6))
        wy = max(44, int(fs * 4.0))
        cap_en = {"day": "Day", "month": "Month", "year": "Year"}
        cap_zh = {"day": "日", "month": "月", "year": "年"}

        def box(part, w, inner="", stl=None, h=None):
            return '<span class="ib st-%s dp" data-part="%d:%s" style="width:%dpx;height:%dpx">%s</span>' % (
                stl or st, i, part, w, h or bh, inner)

        def wfor(part):
            return wy if part == "year" else wd

        if style in ("three-box-slash", "three-box-dash"):
            if zh:
                order = ["year", "month", "day"]
            else:
                order = rng.choice([["day", "month", "year"], ["day", "month", "year"], ["month", "day", "year"], ["year", "month", "day"]])
            sep = "/" if style == "three-box-slash" else rng.choice(["-", "."])
            phs = {"day": "DD", "month": "MM", "year": "YYYY"}
            if rng.random() < 0.3 and not zh:
                phs = {"day": "dd", "month": "mm", "year": "yyyy"}
            if zh and rng.random() < 0.4:
                phs = {"day": "日", "month": "月", "year": "年"}
                fld["pad"] = False
            else:
                fld["pad"] = True
            pieces = []
            for k, part in enumerate(order):
                if k:
                    pieces.append('<span class="sep">%s</span>' % sep)
                pieces.append(box(part, wfor(part), '<span class="ph">%s</span>' % phs[part]))
            fld["order"] = order
            return '<span class="dline">%s</span>' % "".join(pieces)
        if style == "underline-slash":
            order = rng.choice([["day", "month", "year"], ["month", "day", "year"], ["year", "month", "day"]])
            fmt = "/".join({"day": "DD", "month": "MM", "year": "YYYY"}[p] for p in order)
            if rng.random() < 0.5:
                fmt = fmt.lower()
            fld["suffix"] = '<span class="hint fh">(%s)</span>' % fmt
            fld["suffix_text"] = "(%s)" % fmt
            us = rng.choice(["underline", "dotted", "dashed"]) if self.p["istyle"] not in ("underline", "dotted", "dashed") else self.p["istyle"]
            pieces = []
            for k, part in enumerate(order):
                if k:
                    pieces.append('<span class="sep">/</span>')
                pieces.append(box(part, wfor(part), stl=us, h=bh - 4))
            fld["order"], fld["pad"] = order, True
            return '<span class="dline">%s</span>' % "".join(pieces)
        if style in ("captioned-below", "captioned-above", "captions-before"):
            if zh:
                order = ["year", "month", "day"]
                caps = cap_zh
                if rng.random() < 0.35:
                    caps = {"day": "日 Day", "month": "月 Month", "year": "年 Year"}
            else:
                order = rng.choice([["day", "month", "year"], ["day", "month", "year"], ["month", "day", "year"]])
                caps = cap_en if rng.random() < 0.7 else {"day": "DD", "month": "MM", "year": "YYYY"}
            fld["order"] = order
            fld["pad"] = not zh or caps.get("day", "").startswith("DD")
            pieces = []
            for part in order:
                w = max(wfor(part), int(est_w(caps[part], fs * 0.8)) + 8)
                if style == "captions-before":
                    pieces.append('<span class="capb">%s</span>%s' % (esc(caps[part]), box(part, w)))
                elif style == "captioned-below":
                    pieces.append('<span class="capcol">%s<span class="cap">%s</span></span>' % (box(part, w), esc(caps[part])))
                else:
                    pieces.append('<span class="capcol"><span class="cap">%s</span>%s</span>' % (esc(caps[part]), box(part, w)))
            return '<span class="dline dgap">%s</span>' % "".join(pieces)
        if style == "digit-boxes":
            order = ["year", "month", "day"] if zh else rng.choice([["day", "month", "year"], ["day", "month", "year"], ["month", "day", "year"]])
            fld["order"], fld["pad"] = order, True
            letters = {"day": "D", "month": "M", "year": "Y"}
            n = {"day": 2, "month": 2, "year": 4}
            mode = rng.choice(["letters", "captions", "sep"])
            dw = max(18, int(fs * 1.35))
            groups = []
            for part in order:
                digs = "".join('<span class="dig" data-digit style="width:%dpx;height:%dpx">%s</span>' % (
                    dw, bh, '<span class="ph">%s</span>' % letters[part] if mode == "letters" else "") for _ in range(n[part]))
                g = '<span class="dgrp" data-part="%d:%s">%s</span>' % (i, part, digs)
                if mode == "captions":
                    cap = (cap_zh if zh else cap_en)[part]
                    g = '<span class="capcol"><span class="cap">%s</span>%s</span>' % (cap, g)
                groups.append(g)
            sepc = '<span class="sep">%s</span>' % ("-" if zh else "/") if mode != "captions" else '<span class="gsp"></span>'
            if mode == "captions" and zh:
                fld["pad"] = True
            return '<span class="dline">%s</span>' % sepc.join(groups)
        if style == "selects":
            order = rng.choice([["day", "month", "year"], ["month", "day", "year"]])
            fld["order"], fld["pad"] = order, True
            pieces = []
            for part in order:
                w = int(fs * (5.2 if part != "month" else 6.4))
                pieces.append('<select class="sel" data-part="%d:%s" style="width:%dpx;height:%dpx"><option>%s</option></select>' % (
                    i, part, w, bh, cap_en[part]))
            return '<span class="dline dgap">%s</span>' % "".join(pieces)
        if style in ("nyr-underline", "nyr-boxes", "nyr-blank"):
            order = ["year", "month", "day"]
            fld["order"], fld["pad"] = order, False
            stl = {"nyr-underline": rng.choice(["underline", "dotted"]) if self.p["istyle"] not in ("underline", "dotted", "dashed") else self.p["istyle"],
                   "nyr-boxes": st if st not in ("underline", "dotted", "dashed") else "box",
                   "nyr-blank": "blank"}[style]
            wy2, wd2 = int(fs * 3.4), int(fs * 2.0)
            unit = cap_zh
            pieces = []
            for part in order:
                w = wy2 if part == "year" else wd2
                h = bh - 4 if stl != "blank" else self.lh
                pieces.append('%s<span class="unit0">%s</span>' % (box(part, w, stl=stl, h=h), unit[part]))
            return '<span class="dline">%s</span>' % "".join(pieces)
        raise ValueError(style)

    def date_widget(self, fld, style, ctx):
        """ctx: 'block' (in a layout with its own box), 'cell' (the cell is the input)."""
        rng, zh = self.rng, self.f.zh
        fld["date_style"] = style
        self.used_date_styles.append(style)
        if style in ONE_BOX:
            if zh:
                fmt = rng.choice(["YYYY-MM-DD", "YYYY年MM月DD日", "YYYY/MM/DD", "YYYY.MM.DD", "yyyy-mm-dd"])
            else:
                us = self.p["region"] == "us"
                fmt = rng.choice(["MM/DD/YYYY", "mm/dd/yyyy"] if us and rng.random() < 0.7 else
                                 ["DD/MM/YYYY", "dd/mm/yyyy", "YYYY-MM-DD", "DD.MM.YYYY", "DD-MM-YYYY", "DD MMM YYYY", "dd/mm/yyyy"])
            fld["format"] = norm_fmt(fmt) if style != "box-none" else None
            if style == "box-placeholder":
                fld["placeholder"] = fmt
            elif style == "box-hint-label":
                fld["suffix_text"] = ("（%s）" if zh else "(%s)") % fmt
                fld["suffix"] = '<span class="hint fh">%s</span>' % fld["suffix_text"]
            elif style == "box-hint-under":
                fld["hint_under"] = (("格式：%s" if zh else "Format: %s") % fmt) if rng.random() < 0.7 else (
                    ("（%s）" if zh else "(%s)") % fmt)
            elif style == "box-hint-right":
                fld["hint_right"] = ("（%s）" if zh else rng.choice(["(%s)", "%s"])) % fmt
            if ctx == "cell":
                return None  # the caller uses the cell
            w = "%dpx" % max(int(self.fs * 9), int(est_w(fmt, self.fs)) + 24)
            return self.text_input(fld, width=w)
        return self.date_parts_html(fld, style)

    # ---- options -----------------------------------------------------------------------------
    def options_html(self, fld, ostyle, arrangement):
        i = fld["i"]
        rng = self.rng
        opts = fld["options"]
        glyph = rng.choice(["☐", "□"] if not self.f.zh else ["□", "□", "☐"]) if ostyle == "glyph" else None
        if ostyle == "glyph" and fld.get("single") is not False and rng.random() < 0.3 and not self.f.zh:
            glyph = "○"
        after = ostyle == "glyph" and self.f.zh and rng.random() < 0.35
        if ostyle == "css-square" and not self.f.zh and rng.random() < 0.15:
            after = True
        fld["glyph_char"] = glyph
        cb = self.p["cb"]
        items = []
        for k, t in enumerate(opts):
            tx = '<span class="ot" data-optt="%d:%d">%s</span>' % (i, k, esc(t))
            if ostyle == "glyph":
                mark = '<span class="gl" data-glyph="%d:%d">%s</span><span class="blp" data-bl></span>' % (i, k, glyph)
            elif ostyle == "css-square":
                mark = '<span class="cbx" data-opt="%d:%d" style="width:%dpx;height:%dpx"></span>' % (i, k, cb, cb)
            elif ostyle == "css-circle":
                mark = '<span class="cbx rnd" data-opt="%d:%d" style="width:%dpx;height:%dpx"></span>' % (i, k, cb, cb)
            elif ostyle == "native-checkbox":
                mark = '<input type="checkbox" class="ncb" data-opt="%d:%d" style="width:%dpx;height:%dpx">' % (i, k, cb, cb)
            else:
                mark = '<input type="radio" name="g%d" class="ncb" data-opt="%d:%d" style="width:%dpx;height:%dpx">' % (i, i, k, cb, cb)
            if after:
                items.append('<span class="opt oa">%s%s</span>' % (tx, mark))
            else:
                items.append('<span class="opt">%s%s</span>' % (mark, tx))
        cls = {"row": "orow", "stack": "ostack", "grid2": "ogrid"}[arrangement]
        fld["opt_desc"] = "%s%s, %s" % (ostyle, " (text first)" if after else "", arrangement)
        self.used_opt.append((ostyle, arrangement))
        return '<span class="%s">%s</span>' % (cls, "".join(items))

    def option_arrangement(self, fld, allow_grid=True, allow_stack=True):
        n = len(fld["options"])
        r = self.rng.random()
        if n >= 4 and allow_grid and r < 0.3:
            return "grid2"
        if allow_stack and n >= 2 and r > 0.78:
            return "stack"
        return "row"

    # ---- generic widget (non-table layouts) --------------------------------------------------
    def widget(self, fld, fill=True):
        """Returns (first_line_html, under_html). first line is a flex line of height >= H."""
        kind = fld["kind"]
        if kind == "checkbox":
            arr = fld.get("arr") or self.option_arrangement(fld)
            return self.options_html(fld, fld["ostyle"], arr), ""
        if kind == "date":
            w = self.date_widget(fld, fld["dstyle"], "block")
            right = '<span class="hint hr">%s</span>' % esc(fld["hint_right"]) if fld.get("hint_right") else ""
            under = '<div class="hint hu">%s</div>' % esc(fld["hint_under"]) if fld.get("hint_under") else ""
            return w + right, under
        # text
        if fld.get("unit"):
            w = "%dpx" % int(self.fs * (5 if self.f.zh else 6))
            inp = self.text_input(fld, width=w) + '<span class="unit">%s</span>' % esc(fld["unit"])
        elif fld.get("short") and fill:
            inp = self.text_input(fld, width="%dpx" % int(self.fs * 9))
        else:
            inp = self.text_input(fld, width="100%" if fill else None)
        under = '<div class="hint hu">%s</div>' % esc(fld["hint"]) if fld.get("hint") else ""
        return inp, under


# ----------------------------------------------------------------------------------------------
# layouts
# ----------------------------------------------------------------------------------------------

def section_head(bd, title, ncols=None, in_table=False):
    p = bd.p
    if not title:
        return ""
    if in_table:
        return '<tr><td class="tsec" colspan="%d">%s</td></tr>' % (ncols, esc(title))
    return '<div class="sec sec-%s">%s</div>' % (p["sec"], esc(title))


def line_div(bd, fld, first, under, valign=None):
    va = valign or ("end" if bd.p["istyle"] in ("underline", "dotted", "dashed") and fld["kind"] == "text" else "center")
    return '<div class="fl fl-%s">%s</div>%s' % (va, first, under)


def lab_pad(bd, fld):
    """Top padding that puts a label line level with the first line of its input."""
    H, lh = bd.H, bd.lh
    if fld["kind"] == "text" and bd.p["istyle"] in ("underline", "dotted", "dashed"):
        return max(0, H - lh - 1)
    return max(0, (H - lh) // 2)


def layout_left(bd, sections, ncols):
    p = bd.p
    fs = p["fs"]
    cw = p["cw"]
    out = []
    colgap = 36
    # widgets first (a date style may add a format hint after the label), then the label column
    widgets = {f["i"]: bd.widget(f) for s in sections for f in s[1]}
    # one label column for the whole form (the signature block is laid out separately)
    maxlab = max([lab_w(bd, f) for s in bd.f.sections for f in s[1] if not f.get("long")] or [fs * 4]) * 1.06
    if ncols == 1:
        lw = int(min(maxlab + 20, cw * 0.42))
    else:
        lw = int(min(maxlab + 20, (cw - colgap) / 2 * 0.55))
    lw = max(lw, int(fs * (6.4 if bd.f.zh and p["justify"] else 4.5)))
    align = p["lab_align"]
    for title, flds in sections:
        out.append(section_head(bd, title))
        rows = []
        cur = []
        for f in flds:
            full = ncols == 1 or f.get("wide") or f.get("long") or f.get("wide2") or (f["kind"] == "checkbox" and len(f["options"]) > 3) \
                or (f["kind"] == "date" and f["dstyle"] in ("digit-boxes", "captions-before", "selects"))
            if f.get("wide2") and ncols > 1:
                full = False
            if full:
                if cur:
                    rows.append(cur)
                    cur = []
                rows.append([f])
            else:
                cur.append(f)
                if len(cur) == ncols:
                    rows.append(cur)
                    cur = []
        if cur:
            rows.append(cur)
        for row in rows:
            cells = []
            for f in row:
                if f.get("long"):
                    first, under = widgets[f["i"]]
                    cells.append('<div class="lq"><div class="lqt" style="padding-top:%dpx">%s</div><div class="lqo">%s</div></div>' % (
                        lab_pad(bd, f), bd.label_html(f) + bd.label_suffix(f), line_div(bd, f, first, under)))
                    continue
                first, under = widgets[f["i"]]
                cells.append('<div class="lr"><div class="lc" style="width:%dpx;text-align:%s;padding-top:%dpx">%s%s</div>'
                             '<div class="ic">%s</div></div>' % (lw, align, lab_pad(bd, f), bd.label_html(f), bd.label_suffix(f),
                                                                 line_div(bd, f, first, under)))
            half = ncols > 1 and not any(f.get("wide") or f.get("long") or
                                         (f["kind"] == "checkbox" and len(f["options"]) > 3) or
                                         (f["kind"] == "date" and f["dstyle"] in ("digit-boxes", "captions-before", "selects"))
                                         for f in row)
            if half:
                if len(cells) == 1:
                    cells.append("<div></div>")
                out.append('<div class="lrow2" style="column-gap:%dpx">%s</div>' % (colgap, "".join(cells)))
            else:
                out.append('<div class="lrow1">%s</div>' % "".join(cells))
    bd.f.notes.append("labels left of inputs, %d column%s, %s-aligned label column" % (ncols, "s" if ncols > 1 else "", align))
    return "".join(out)


def lab_w(bd, f):
    """Estimated width of a label with its colon, asterisk, number and format hint."""
    p, fs = bd.p, bd.fs
    w = est_w(f["label"] + ("：" if p["colon"] else ""), fs, p["narrow"])
    if f.get("bi") and p["bi_mode"] == "stack":
        w = max(est_w(f["bi"][0] + "：", fs), est_w(f["bi"][1], fs * 0.78))
    if bd.f.zh and p["justify"] and len(f["label"]) <= 4:
        w = max(w, fs * 5.8)
    if f.get("req"):
        w += fs * 0.9
    if p["numbered"]:
        w += fs * 2
    if f.get("suffix_text"):
        w += est_w(f["suffix_text"], fs * 0.82) + 10
    elif f["kind"] == "date" and f["dstyle"] in ("box-hint-label", "underline-slash"):
        w += est_w("(YYYY-MM-DD)", fs * 0.82) + 10
    return w


def date_need(bd, f):
    """A generous estimate of a date widget's width."""
    fs, st = bd.fs, f["dstyle"]
    wd, wy = max(30, int(fs * 2.6)), max(44, int(fs * 4.0))
    sep = fs * 0.6 + 12
    cap = est_w("Month", fs * 0.82) + 8
    if st in ONE_BOX:
        w = max(fs * 9, est_w("YYYY年MM月DD日", fs) + 24)
        if st == "box-hint-right":
            w += est_w("(DD/MM/YYYY)", fs * 0.82) + 10
    elif st in ("three-box-slash", "three-box-dash", "underline-slash"):
        w = 2 * wd + wy + 2 * sep
    elif st in ("captioned-below", "captioned-above"):
        w = 2 * max(wd, cap) + max(wy, cap) + 20
    elif st == "captions-before":
        w = 2 * wd + wy + est_w("Day Month Year", fs * 0.82) + 48
    elif st == "digit-boxes":
        w = 8 * max(18, int(fs * 1.35)) + 2 * sep + cap
    elif st == "selects":
        w = fs * (5.2 * 2 + 6.4) + 20
    else:  # 年 / 月 / 日 styles
        w = fs * 3.4 + 2 * fs * 2.0 + 3 * (fs + 10)
    return w * 1.1


def widget_span(bd, f, ncols, colw):
    if f.get("wide"):
        return ncols if ncols <= 2 else max(2, ncols - 1) if f["kind"] == "text" and not f.get("tall") and bd.rng.random() < 0.3 else ncols
    need = 0
    if f["kind"] == "checkbox":
        need = sum(est_w(t, bd.fs) + bd.fs * 2.6 for t in f["options"])
        if f.get("long"):
            need = max(need, est_w(f["label"], bd.fs))
    elif f["kind"] == "date":
        need = date_need(bd, f) + 2 * bd.p["cpad"] + 8
    elif f.get("wide2"):
        need = colw * 1.5
    else:
        need = est_w(f["label"], bd.fs) + 10
    return max(1, min(ncols, int(math.ceil(need / colw))))


def pack_rows(fields, ncols, spans):
    rows, cur, used = [], [], 0
    for f in fields:
        s = spans[f["i"]]
        if used + s > ncols:
            rows.append(cur)
            cur, used = [], 0
        cur.append(f)
        used += s
    if cur:
        rows.append(cur)
    return rows


def layout_above(bd, sections, ncols, numbered=False):
    p = bd.p
    cw = p["cw"]
    gap = p["colgap"]
    colw = (cw - gap * (ncols - 1)) / ncols
    out = []
    for title, flds in sections:
        out.append(section_head(bd, title))
        spans = {f["i"]: widget_span(bd, f, ncols, colw) for f in flds}
        for row in pack_rows(flds, ncols, spans):
            # stretch the last field so that a row is full when that looks natural
            used = sum(spans[f["i"]] for f in row)
            if used < ncols and row[-1]["kind"] == "text" and not row[-1].get("short") and not row[-1].get("unit"):
                spans[row[-1]["i"]] += ncols - used
            cells = []
            for f in row:
                first, under = bd.widget(f)
                cells.append('<div class="ac" style="grid-column:span %d">%s%s%s</div>' % (
                    spans[f["i"]], '<div class="al">%s%s</div>' % (bd.label_html(f, block=True), bd.label_suffix(f)),
                    line_div(bd, f, first, under, valign="start" if f["kind"] != "text" else None), ""))
            out.append('<div class="arow" style="grid-template-columns:repeat(%d,1fr);column-gap:%dpx">%s</div>' % (ncols, gap, "".join(cells)))
    if ncols == 1:
        bd.f.notes.append("labels above inputs, one column" + (", numbered questions" if numbered else ""))
    else:
        bd.f.notes.append("labels above inputs, %d-column grid%s" % (ncols, ", numbered questions" if numbered else ""))
    return "".join(out)


def layout_inline(bd, sections):
    p = bd.p
    out = []
    for title, flds in sections:
        out.append(section_head(bd, title))
        line = []
        lines = []
        budget = 0
        for f in flds:
            wneed = est_w(f["label"], bd.fs) + (bd.fs * 9 if f["kind"] == "text" else bd.fs * 14)
            if f["kind"] == "checkbox":
                wneed = est_w(f["label"], bd.fs) + sum(est_w(t, bd.fs) + bd.fs * 2.8 for t in f["options"])
            if f.get("wide") or f.get("long") or (line and budget + wneed > p["cw"] * 0.95) or len(line) >= 3:
                if line:
                    lines.append(line)
                line, budget = [], 0
            line.append(f)
            budget += wneed + 30
            if f.get("wide") or f.get("long"):
                lines.append(line)
                line, budget = [], 0
        if line:
            lines.append(line)
        for ln in lines:
            items = []
            for f in ln:
                first, under = bd.widget(f, fill=True)
                grow = 0 if f["kind"] != "text" else (3 if f.get("wide") else 1)
                if f["kind"] == "text" and (f.get("short") or f.get("unit")):
                    grow = 0
                items.append('<div class="ii" style="flex:%d 0 auto">%s%s<div class="iw">%s</div></div>' % (
                    grow, bd.label_html(f), bd.label_suffix(f), line_div(bd, f, first, under)))
            out.append('<div class="irow">%s</div>' % "".join(items))
    bd.f.notes.append("inline lines of label + input")
    return "".join(out)


def cell_content(bd, f, label_in_cell):
    """Inside a table cell. Returns (td attributes, inner html, cell_is_input)."""
    kind = f["kind"]
    if kind == "text":
        if f.get("unit"):  # the unit is printed inside the cell, at its right
            return True, '<div class="cunit">%s</div>' % esc(f["unit"])
        return True, ""
    if kind == "date":
        if f["dstyle"] in ONE_BOX:
            bd.date_widget(f, f["dstyle"], "cell")
            ph = ""
            if f.get("placeholder"):
                ph = '<div class="cph"><span class="ph">%s</span></div>' % esc(f["placeholder"])
            return True, ph
        return False, '<div class="cin">%s</div>' % bd.date_widget(f, f["dstyle"], "cell")
    arr = f.get("arr") or bd.option_arrangement(f, allow_grid=True, allow_stack=False)
    return False, '<div class="cin">%s</div>' % bd.options_html(f, f["ostyle"], arr)


def layout_cells(bd, sections, ncols):
    """Labels at the top-left of bordered cells; the cell is the input. Drawn as a CSS grid with
    integer px tracks (a fixed table layout leaves 1/64 px slivers between cells)."""
    p = bd.p
    cw = p["cw"]
    colw = (cw - 1) // ncols
    photo = p.get("photo") and p["photo_in_table"] and ncols >= 3
    first_rows = 3 if photo else 0
    cells = []
    row_no = 0
    if photo:
        cells.append('<div class="td photo-td" style="grid-column:%d;grid-row:1 / span %d"><div class="phototxt">%s</div></div>' % (
            ncols, first_rows, p["photo_text"]))

    def avail():
        return ncols - 1 if photo and row_no < first_rows else ncols

    for title, flds in sections:
        if title:
            cells.append('<div class="td tsec" style="grid-column:span %d">%s</div>' % (avail(), esc(title)))
            row_no += 1
        spans = {f["i"]: widget_span(bd, f, ncols, colw) for f in flds}
        pending, cur, used = [], [], 0
        for f in flds:
            s = min(spans[f["i"]], avail())
            if used + s > avail():
                pending.append((cur, avail()))
                row_no += 1
                cur, used = [], 0
                s = min(spans[f["i"]], avail())
            spans[f["i"]] = s
            cur.append(f)
            used += s
        if cur:
            pending.append((cur, avail()))
            row_no += 1
        for row, av in pending:
            used = sum(spans[f["i"]] for f in row)
            if used < av:
                spans[row[-1]["i"]] += av - used
            for f in row:
                is_input, extra = cell_content(bd, f, True)
                attrs = ' data-in="%d"' % f["i"] if is_input else ""
                if is_input:
                    f["label_in_cell"] = True
                mh = bd.H * 2 + 8 if f.get("tall") else 0
                style = "grid-column:span %d%s" % (spans[f["i"]], ";min-height:%dpx" % (p["cellh"] + mh) if mh else "")
                cells.append('<div class="td lc2"%s style="%s"><div class="cl">%s%s</div>%s</div>' % (
                    attrs, style, bd.label_html(f, block=True), bd.label_suffix(f), extra))
    bd.f.notes.append("labels inside bordered table cells (top-left), %d columns, the cell is the input%s" % (
        ncols, ", photo cell" if photo else ""))
    return '<div class="ct" style="width:%dpx;grid-template-columns:repeat(%d,%dpx)">%s</div>' % (
        colw * ncols + 1, ncols, colw, "".join(cells))


def layout_rows(bd, sections, pairs):
    """label | input rows of a ruled table (a CSS grid with integer px tracks), 1 or 2 pairs per row."""
    p = bd.p
    cw = p["cw"] - 1
    ncols = pairs * 2
    need = max([lab_w(bd, f) for s in bd.f.sections for f in s[1] if not f.get("long")] or [bd.fs * 4]) * 1.05 + 2 * p["cpad"] + 4
    if pairs == 1:
        lw = int(min(max(need, cw * 0.2), cw * 0.4))
        widths = [lw, cw - lw]
    else:
        lw = int(min(max(need, cw * 0.15), cw * 0.24))
        iw = (cw - 2 * lw) // 2
        widths = [lw, iw, lw, cw - 2 * lw - iw]
    cells = []
    for title, flds in sections:
        if title:
            cells.append('<div class="td tsec" style="grid-column:span %d">%s</div>' % (ncols, esc(title)))
        cur = []
        groups = []
        for f in flds:
            full = pairs == 1 or f.get("wide") or f.get("long") or (f["kind"] == "checkbox" and len(f["options"]) > 3) or (
                f["kind"] == "date" and f["dstyle"] in ("digit-boxes", "captions-before", "captioned-below", "captioned-above"))
            if full:
                if cur:
                    groups.append(cur)
                    cur = []
                groups.append([f])
            else:
                cur.append(f)
                if len(cur) == pairs:
                    groups.append(cur)
                    cur = []
        if cur:
            groups.append(cur)
        for g in groups:
            for k, f in enumerate(g):
                last = k == len(g) - 1
                span = ncols - 1 - 2 * k if last else 1
                is_input, extra = cell_content(bd, f, False)
                attrs = ' data-in="%d"' % f["i"] if is_input else ""
                h = bd.H * 2 + 20 if f.get("tall") else bd.H + 20
                lspan = 1
                if f.get("long") and pairs == 2:  # a question: the label takes two columns
                    lspan, span = 2, 2
                cells.append('<div class="td rl" style="grid-column:span %d"><span>%s%s</span></div><div class="td ri"%s style="grid-column:span %d;min-height:%dpx">%s</div>' % (
                    lspan, bd.label_html(f), bd.label_suffix(f), attrs, span, h, extra))
    bd.f.notes.append("label|input table rows, %d columns" % ncols)
    return '<div class="rt" style="width:%dpx;grid-template-columns:%s">%s</div>' % (
        sum(widths) + 1, " ".join("%dpx" % w for w in widths), "".join(cells))


# ----------------------------------------------------------------------------------------------
# CSS
# ----------------------------------------------------------------------------------------------

def css(p):
    fs, lh, H = p["fs"], p["lh"], p["H"]
    ink = "#1a1a1a"
    acc = p["accent"]
    grey_bg = "#ececec"
    sec = {
        "bar-dark": "background:%s;color:#fff;font-weight:bold;padding:4px 10px;margin:22px 0 14px" % acc,
        "bar-light": "background:#e4e4e4;color:#111;font-weight:bold;padding:4px 10px;margin:22px 0 14px;border-left:5px solid %s" % acc,
        "underline": "font-weight:bold;border-bottom:2px solid %s;padding-bottom:3px;margin:22px 0 14px" % acc,
        "plain": "font-weight:bold;text-transform:uppercase;letter-spacing:0.04em;margin:22px 0 12px",
    }
    return """
html,body{margin:0;background:#fff}
body{font-family:%(font)s;font-size:%(fs)dpx;line-height:%(lh)dpx;color:%(ink)s}
.page{padding:%(mt)dpx %(mx)dpx %(mb)dpx %(mx)dpx}
.hdr{display:flex;justify-content:space-between;align-items:flex-end;font-size:%(small)dpx;color:#333;margin-bottom:6px}
.org{font-weight:bold;font-size:%(orgfs)dpx;line-height:%(orglh)dpx;color:%(acc)s}
h1{font-size:%(tfs)dpx;line-height:%(tlh)dpx;margin:8px 0 10px;text-align:%(talign)s;font-weight:bold}
.intro{font-size:%(small)dpx;line-height:%(slh)dpx;color:#333;margin:0 0 12px}
.intro.boxed{border:1px solid #999;background:#f6f6f6;padding:8px 12px}
.sec{%(secstyle)s}
.lab{white-space:normal}
.jl{display:inline-block;width:4.6em;text-align:justify;text-align-last:justify;white-space:nowrap}
.bien{font-size:0.78em;color:#444}
.req{color:%(req)s;margin:0 2px}
.qn{font-weight:bold}
.hint{font-size:%(small)dpx;line-height:%(slh)dpx;color:#666}
.fh{margin-left:6px}
.hu{margin-top:3px}
.hr{margin-left:10px;white-space:nowrap}
.ph{color:#9b9b9b;font-size:0.92em}
.ib{display:inline-block;box-sizing:border-box;vertical-align:bottom;padding:0 6px;line-height:%(ibl)dpx;overflow:hidden;white-space:nowrap}
.st-box{border:1px solid #333}
.st-underline{border-bottom:1px solid #222}
.st-dotted{border-bottom:2px dotted #333}
.st-dashed{border-bottom:1px dashed #333}
.st-shaded{background:%(grey)s;border:1px solid #cfcfcf}
.st-rounded{border:1px solid #555;border-radius:7px}
.st-blank{padding:0}
.nat{box-sizing:border-box;font:inherit;border:1px solid #8a8a8a;border-radius:3px;padding:0 6px;margin:0;vertical-align:bottom;background:#fff}
textarea.nat{resize:none;display:block}
.unit{margin-left:8px;white-space:nowrap}
.unit0{margin:0 6px 0 4px}
.sep{margin:0 6px;color:#444}
.dline{display:inline-flex;align-items:center;flex-wrap:nowrap;white-space:nowrap}
.dgap{column-gap:10px}
.dp{text-align:center;padding:0}
.capcol{display:inline-flex;flex-direction:column;align-items:center}
.cap{font-size:%(small)dpx;line-height:%(slh)dpx;color:#555}
.capb{font-size:%(small)dpx;color:#444;margin:0 6px 0 10px}
.capb:first-child{margin-left:0}
.dgrp{display:inline-flex;column-gap:0}
.dig{display:inline-block;box-sizing:border-box;border:1px solid #333;margin-left:-1px;text-align:center;line-height:%(ibl)dpx}
.dig:first-child{margin-left:0}
.gsp{display:inline-block;width:12px}
.sel{font:inherit;font-size:0.9em;box-sizing:border-box;margin:0}
.orow{display:inline-flex;flex-wrap:wrap;column-gap:%(ogap)dpx;row-gap:4px;align-items:center}
.ostack{display:inline-flex;flex-direction:column;row-gap:4px}
.ogrid{display:inline-grid;grid-template-columns:auto auto;column-gap:%(ogap)dpx;row-gap:4px}
.opt{display:inline-block;white-space:nowrap}
.cbx{display:inline-block;box-sizing:border-box;border:1.5px solid #222;vertical-align:middle;margin-right:7px;position:relative;top:-1px}
.oa .cbx{margin-right:0;margin-left:7px}
.rnd{border-radius:50%%}
.ncb{vertical-align:middle;margin:0 7px 0 0;position:relative;top:-1px}
.oa .ncb{margin:0 0 0 7px}
.gl{}
.blp{display:inline-block;width:0;height:0}
.ot{margin-left:2px}
.oa .ot{margin-left:0;margin-right:3px}
.fl{display:flex;min-height:%(H)dpx}
.fl-center{align-items:center}
.fl-end{align-items:flex-end}
.fl-start{align-items:flex-start}
.lrow1{margin-bottom:%(rg)dpx}
.lrow2{display:grid;grid-template-columns:1fr 1fr;margin-bottom:%(rg)dpx}
.lr{display:flex;align-items:flex-start}
.lc{flex:none;box-sizing:border-box;padding-right:14px}
.ic{flex:1;min-width:0}
.lq{display:flex;align-items:flex-start;column-gap:24px}
.lqt{flex:1}
.lqo{flex:none}
.arow{display:grid;margin-bottom:%(rg)dpx}
.al{margin-bottom:4px}
.irow{display:flex;flex-wrap:wrap;column-gap:34px;row-gap:%(rg)dpx;align-items:flex-start;margin-bottom:%(rg)dpx}
.ii{display:flex;align-items:flex-start;column-gap:8px}
.ii > .lab, .ii > .hint{padding-top:%(ipad)dpx;white-space:nowrap}
.iw{flex:1 1 auto;min-width:5em}
.ct,.rt{display:grid;box-sizing:border-box;border-top:1px solid #222;border-left:1px solid #222}
.td{border-right:1px solid #222;border-bottom:1px solid #222;box-sizing:border-box;min-width:0}
.ct .td{padding:%(cpad)dpx %(cpad)dpx 8px %(cpad)dpx;min-height:%(cellh)dpx}
.cl{font-size:%(cfs)dpx;line-height:%(clh)dpx}
.cin{margin-top:6px}
.cph{margin-top:4px;text-align:right}
.cunit{margin-top:4px;text-align:right;color:#333}
.rt .cunit{margin:0 0 0 auto}
.ct .tsec,.rt .tsec{background:%(tsecbg)s;color:%(tsecfg)s;font-weight:bold;padding:3px %(cpad)dpx;min-height:0}
.rt .td{display:flex;align-items:center;padding:10px %(cpad)dpx}
.rt .rl{background:%(rlbg)s}
.ct .photo-td{display:flex;align-items:center;justify-content:center;text-align:center}
.phototxt,.photo{font-size:%(small)dpx;line-height:%(slh)dpx;color:#777}
.photo{border:1px dashed #777;display:flex;align-items:center;justify-content:center;text-align:center;box-sizing:border-box;padding:6px}
.office{border:%(offb)s;margin-top:22px;padding:8px 12px;font-size:%(small)dpx;line-height:%(slh)dpx;color:#444;background:%(offbg)s}
.office .ot2{font-weight:bold;letter-spacing:0.06em;margin-bottom:6px}
.office .area{height:%(offh)dpx}
.stamp{width:150px;height:150px;border:1px dashed #888;border-radius:50%%;display:flex;align-items:center;justify-content:center;color:#888;font-size:%(small)dpx}
.decl{font-size:%(small)dpx;line-height:%(slh)dpx;margin:18px 0 12px;color:#222}
.foot{font-size:%(tiny)dpx;line-height:%(tlh2)dpx;color:#555;border-top:1px solid #999;margin-top:26px;padding-top:6px;display:flex;justify-content:space-between;column-gap:20px}
.topflex{display:flex;column-gap:28px;align-items:flex-start}
.topflex > .main{flex:1;min-width:0}
""" % dict(font=p["font_css"], fs=fs, lh=lh, ink=ink, mt=p["mt"], mx=p["mx"], mb=p["mb"], small=max(11, int(fs * 0.82)),
           slh=max(14, int(fs * 0.82 * 1.4)), tiny=max(10, int(fs * 0.72)), tlh2=max(13, int(fs * 0.72 * 1.4)),
           orgfs=int(fs * 1.05), orglh=int(fs * 1.05 * 1.35), tfs=p["tfs"], tlh=int(p["tfs"] * 1.3), talign=p["talign"],
           acc=acc, secstyle=sec[p["sec"]], req=p["req_color"], ibl=H - 2, grey=grey_bg, ogap=max(14, int(fs * 1.3)), H=H,
           rg=p["rg"], ipad=max(0, H - lh - 1) if p["istyle"] in ("underline", "dotted", "dashed") else max(0, (H - lh) // 2),
           cpad=p["cpad"], cellh=p["cellh"], cfs=p["cfs"], clh=p["clh"],
           tsecbg=acc if p["sec"] == "bar-dark" else "#e2e2e2", tsecfg="#fff" if p["sec"] == "bar-dark" else "#111",
           rlbg=p["rlbg"], offb=p["office_border"], offbg=p["office_bg"], offh=p["office_h"])


# ----------------------------------------------------------------------------------------------
# extraction
# ----------------------------------------------------------------------------------------------

JS_EXTRACT = r"""
(() => {
  const rr = r => [r.left, r.top, r.right, r.bottom];
  const B = e => rr(e.getBoundingClientRect());
  const T = e => { const g = document.createRange(); g.selectNodeContents(e); return rr(g.getBoundingClientRect()); };
  const U = a => [Math.min(...a.map(b => b[0])), Math.min(...a.map(b => b[1])), Math.max(...a.map(b => b[2])), Math.max(...a.map(b => b[3]))];
  const o = {lab: {}, inp: {}, parts: [], opt: {}, optt: {}, glyph: {},
             sw: document.documentElement.scrollWidth, sh: document.documentElement.scrollHeight};
  for (const e of document.querySelectorAll('[data-lab]')) o.lab[e.dataset.lab] = T(e);
  for (const e of document.querySelectorAll('[data-in]')) o.inp[e.dataset.in] = B(e);
  for (const e of document.querySelectorAll('[data-part]')) {
    const ds = e.querySelectorAll('[data-digit]');
    o.parts.push([e.dataset.part, ds.length ? U([...ds].map(B)) : B(e), ds.length]);
  }
  for (const e of document.querySelectorAll('[data-opt]')) o.opt[e.dataset.opt] = B(e);
  for (const e of document.querySelectorAll('[data-optt]')) o.optt[e.dataset.optt] = T(e);
  const cv = document.createElement('canvas').getContext('2d');
  for (const e of document.querySelectorAll('[data-glyph]')) {
    const t = T(e);
    const pr = e.nextElementSibling;
    if (!pr || !pr.hasAttribute('data-bl')) throw new Error('glyph without baseline probe');
    const bl = pr.getBoundingClientRect().top;
    const cs = getComputedStyle(e);
    const font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
    cv.font = font;
    const m = cv.measureText(e.textContent);
    o.glyph[e.dataset.glyph] = {box: [t[0] - m.actualBoundingBoxLeft, bl - m.actualBoundingBoxAscent,
                                      t[0] + m.actualBoundingBoxRight, bl + m.actualBoundingBoxDescent],
                                adv: t, bl: bl, font: cv.font, want: font};
  }
  o.decor = [...document.querySelectorAll('.photo, .photo-td, .stamp, .office')].map(e => [e.className, B(e)]);
  o.overflow = [];
  for (const e of document.querySelectorAll('.page, .main, .td, .lc, .ic, .lqt, .lqo, .ac, .al, .ii, .iw, .irow, .arow, .lrow1, .lrow2, .cl, .cin')) {
    if (e.scrollWidth > e.clientWidth + 1)
      o.overflow.push(e.className + ' ' + e.scrollWidth + '>' + e.clientWidth + ' ' + (e.textContent || '').slice(0, 30));
  }
  o.html = document.documentElement.outerHTML;
  return o;
})()
"""


# Before extraction: put every ruled grid (labels in cells, label|input rows) on whole pixels: its
# top at an integer y (a margin makes up the fraction) and every row track an integer height, so that
# cells that share a border line touch exactly instead of overlapping by a pixel after flooring and
# ceiling. The adjusted DOM is what is saved as the .html.
JS_PREPARE = r"""
(() => {
  for (const g of document.querySelectorAll('.ct, .rt')) {
    const top = g.getBoundingClientRect().top;
    const fr = Math.ceil(top - 1e-6) - top;
    if (fr > 1e-6) g.style.marginTop = (parseFloat(getComputedStyle(g).marginTop) + fr) + 'px';
    const rows = getComputedStyle(g).gridTemplateRows.split(' ').map(v => Math.ceil(parseFloat(v) - 1e-6) + 'px');
    g.style.gridTemplateRows = rows.join(' ');
  }
  return true;
})()
"""


def fbox(b):
    return [int(math.floor(b[0] + 1e-6)), int(math.floor(b[1] + 1e-6)), int(math.ceil(b[2] - 1e-6)), int(math.ceil(b[3] - 1e-6))]


# ----------------------------------------------------------------------------------------------
# plans
# ----------------------------------------------------------------------------------------------

def make_plan(rng, lang, layout, istyle, ostyle, dstyles, theme):
    zh = lang == "zh"
    font_name, font_css = rng.choice(ZH_FONTS if zh else EN_FONTS)
    narrow = "Narrow" in font_name
    cols = {"left1": 1, "left2": 2, "above1": 1, "above2": 2, "grid3": 3, "grid4": 4, "cells3": 3, "cells4": 4,
            "rows2": 1, "rows4": 2, "inline": 2, "numbered": rng.choice([1, 2])}[layout]
    if cols == 1:
        fs = rng.randint(14, 22)
        width = rng.choice(range(700, 1001, 50))
    elif cols == 2:
        fs = rng.randint(13, 19)
        width = rng.choice(range(850, 1251, 50))
    else:
        fs = rng.randint(12, 16)
        width = rng.choice(range(1000, 1401, 50))
    if layout in ("rows2",):
        width = rng.choice(range(750, 1101, 50))
    lh = int(round(fs * (rng.uniform(1.45, 1.6) if zh else rng.uniform(1.3, 1.5))))
    H = lh + rng.choice([6, 8, 10, 12])
    mx = rng.choice([28, 36, 44, 56, 64])
    accent = rng.choice(["#1f3a5f", "#254d32", "#6b1f2a", "#333333", "#222222", "#4a2f6b", "#0b4f6c"])
    gray = rng.random() < 0.5
    if gray:
        accent = rng.choice(["#222222", "#333333", "#444444"])
    p = dict(lang=lang, layout=layout, istyle=istyle, ostyle=ostyle, dstyles=dstyles, font_name=font_name,
             font_css=font_css, narrow=narrow, fs=fs, lh=lh, H=H, width=width, mx=mx, mt=rng.choice([24, 32, 40]),
             mb=rng.choice([24, 32, 40]), cw=width - 2 * mx, accent=accent, gray=gray,
             req_color="#222" if gray else "#c00000", tfs=int(fs * rng.uniform(1.45, 1.9)), talign=rng.choice(["center", "center", "left"]),
             sec=rng.choice(["bar-dark", "bar-light", "underline", "plain"]), colgap=rng.choice([24, 28, 32, 40]),
             rg=rng.choice([12, 14, 16, 18, 20]), cpad=rng.choice([9, 10, 12]), cfs=max(12, fs - rng.choice([0, 1, 2])),
             cb=rng.choice([12, 13, 14, 15, 16, 18]), colon=(rng.choice(["：", "：", ""]) if zh else rng.choice([":", ":", ""])),
             star_before=rng.random() < 0.25, stars=rng.random() < 0.45, lab_align=rng.choice(["left", "right", "left"]),
             bi=zh and rng.random() < 0.35, bi_mode=rng.choice(["inline", "stack"]), justify=zh and rng.random() < 0.5,
             numbered=layout == "numbered" or (layout in ("above1", "above2") and rng.random() < 0.2),
             region=theme.get("region", "any"), rlbg=rng.choice(["#ffffff", "#f0f0f0", "#e8e8e8"]),
             photo=rng.random() < 0.3, office=rng.random() < 0.4, office_fields=rng.random() < 0.3,
             stamp=zh and rng.random() < 0.3, hints=rng.random() < 0.5)
    p["clh"] = int(round(p["cfs"] * 1.45))
    p["cellh"] = p["clh"] + p["cpad"] + 8 + H + 2
    p["photo_in_table"] = layout.startswith("cells") and cols >= 3
    p["photo_text"] = "贴照片处<br>（一寸免冠）" if zh else "Affix recent<br>passport photo<br>35 × 45 mm"
    p["office_border"] = rng.choice(["1px solid #444", "1px dashed #555", "2px solid #999"])
    p["office_bg"] = rng.choice(["#ffffff", "#f3f3f3"])
    p["office_h"] = rng.choice([40, 56, 70])
    if layout == "rows2":
        p["cw"] = min(p["cw"], 900)
    return p


# ----------------------------------------------------------------------------------------------
# building one form
# ----------------------------------------------------------------------------------------------

def label_for(rng, key, lang, override):
    if override:
        return rng.choice(override)
    return rng.choice((ZH_LABELS if lang == "zh" else EN_LABELS)[key])


def build_fields(form):
    """Instantiate the theme's field specs: labels, options, styles."""
    rng, lang, p = form.rng, form.lang, form.plan
    zh = lang == "zh"
    sections = []
    i = 0
    dcycle = list(p["dstyles"])
    dk = 0
    for title, specs in form.theme["sections"]:
        flds = []
        for s in specs:
            f = dict(s)
            f["i"] = i
            i += 1
            f["label"] = label_for(rng, f["key"], lang, s.get("label")) if f["key"] else s["label"]
            if zh and p["bi"] and not f.get("long"):
                gloss = ZH_EN_GLOSS.get(f["key"]) if f["key"] else ZH_NULL_GLOSS.get(f["label"])
                if gloss:
                    f["bi"] = (f["label"], gloss)
                    f["label"] = "%s %s" % f["bi"]
            if f["kind"] == "checkbox":
                if f["key"] == "gender":
                    if zh:
                        f["options"] = rng.choice([["男", "女"], ["男", "女"], ["男 Male", "女 Female"]]) if not p["bi"] else ["男 Male", "女 Female"]
                    else:
                        f["options"] = rng.choice([["Male", "Female"], ["M", "F"], ["Male", "Female", "Other"],
                                                   ["Male", "Female", "Prefer not to say"], ["Female", "Male"]])
                elif not f.get("options"):
                    f["options"] = list(YES_NO[lang])
                f["ostyle"] = p["ostyle"]
            if f["kind"] == "date":
                f["dstyle"] = dcycle[dk % len(dcycle)]
                dk += 1
            f["req"] = p["stars"] and f["key"] in ("name", "first_name", "last_name", "phone", "date_of_birth", "id_number", "email", "signature") and rng.random() < 0.8
            if p["hints"] and f["kind"] == "text" and not f.get("hint") and rng.random() < 0.2:
                h = {"name": ("请与身份证一致" if zh else "As shown on your passport"),
                     "email": ("用于接收通知" if zh else "We will send your confirmation here"),
                     "phone": ("请填写11位手机号" if zh else "Include the country code"),
                     "first_name": "As shown on your passport", "last_name": "As shown on your passport"}.get(f["key"])
                if h and not (zh and f["key"] in ("first_name", "last_name")):
                    f["hint"] = h
            flds.append(f)
        sections.append((title, flds))
    return sections


def fix_styles_for_layout(form, sections):
    """Date / option styles that a layout cannot hold are swapped for ones it can."""
    p = form.plan
    lay = p["layout"]
    for _, flds in sections:
        for f in flds:
            if f["kind"] == "date":
                ds = f["dstyle"]
                if ds == "selects" and (form.zh or lay.startswith(("cells", "rows"))):
                    f["dstyle"] = form.rng.choice(["digit-boxes", "three-box-slash", "captioned-below"])
                if ds == "box-hint-right" and lay.startswith(("cells", "rows")):
                    f["dstyle"] = "box-hint-label"
                if ds == "box-hint-under" and lay.startswith(("cells", "rows")):
                    f["dstyle"] = "box-placeholder"


def render_html(form):
    p = form.plan
    rng = form.rng
    bd = Builder(form)
    sections = build_fields(form)
    fix_styles_for_layout(form, sections)
    form.sections = sections
    zh = form.zh
    th = form.theme
    lay = p["layout"]
    # header
    parts = []
    code = th.get("code") or ""
    right = ("表号：%s" % code if zh else "Form %s" % code) if code else ("编号：________" if zh and rng.random() < 0.3 else "")
    parts.append('<div class="hdr"><span class="org">%s</span><span>%s</span></div>' % (esc(th["org"]), esc(right)))
    head_start = len(parts)
    parts.append("<h1>%s</h1>" % esc(th["title"]))
    intro = th.get("intro", "")
    extra = []
    if p["stars"] and not ("*" in intro):
        extra.append("带 * 号的为必填项。" if zh else "Fields marked * are required.")
    if p["ostyle"] == "glyph" and zh and "□" not in intro:
        extra.append("请在相应的□内打√。")
    if not zh and rng.random() < 0.4:
        extra.append(rng.choice(["Please write in black ink.", "Tick one box for each question.", "Use capital letters."]))
    parts.append('<div class="intro%s">%s</div>' % (" boxed" if rng.random() < 0.35 else "", esc(" ".join([intro] + extra).strip())))

    # decide the body
    secs = sections
    final = None
    # the last section (signature / date) gets a declaration before it
    if not secs[-1][0]:
        final = secs[-1]
        secs = secs[:-1]
    body_html = {
        "left1": lambda s: layout_left(bd, s, 1), "left2": lambda s: layout_left(bd, s, 2),
        "above1": lambda s: layout_above(bd, s, 1, p["numbered"]), "above2": lambda s: layout_above(bd, s, 2, p["numbered"]),
        "grid3": lambda s: layout_above(bd, s, 3), "grid4": lambda s: layout_above(bd, s, 4),
        "cells3": lambda s: layout_cells(bd, s, 3), "cells4": lambda s: layout_cells(bd, s, 4),
        "rows2": lambda s: layout_rows(bd, s, 1), "rows4": lambda s: layout_rows(bd, s, 2),
        "inline": lambda s: layout_inline(bd, s), "numbered": lambda s: layout_above(bd, s, 1 if p["cw"] < 800 else 2, True),
    }[lay]
    main = body_html(secs)
    photo_html = ""
    if p["photo"] and not p["photo_in_table"]:
        pw = 120 if p["fs"] < 17 else 140
        photo_html = '<div class="photo" style="width:%dpx;height:%dpx">%s</div>' % (pw, int(pw * 1.3), p["photo_text"])
        form.notes.append("photo box")
    if photo_html and lay.startswith(("cells", "rows")):
        # a ruled table has a fixed width: the photo goes beside the title and the instructions
        head = "".join(parts[head_start:])
        del parts[head_start:]
        parts.append('<div class="topflex" style="margin-bottom:14px"><div class="main">%s</div>%s</div>' % (head, photo_html))
        parts.append(main)
    elif photo_html:
        parts.append('<div class="topflex"><div class="main">%s</div>%s</div>' % (main, photo_html))
    else:
        parts.append(main)
    if final:
        decl = rng.choice(DECL_ZH if zh else DECL_EN)
        parts.append('<div class="decl">%s</div>' % esc(decl))
        # the signature block: same layout family, its own lines
        nnotes = len(form.notes)
        if lay.startswith("cells"):
            parts.append(layout_cells(bd, [("", final[1])], 2 if len(final[1]) > 1 else 1))
        elif lay.startswith("rows"):
            parts.append(layout_rows(bd, [("", final[1])], 2 if len(final[1]) > 1 and lay == "rows4" else 1))
        elif lay in ("left1", "left2"):
            parts.append(layout_left(bd, [("", final[1])], 2 if len(final[1]) > 1 else 1))
        elif lay == "inline":
            parts.append(layout_inline(bd, [("", final[1])]))
        else:
            parts.append(layout_above(bd, [("", final[1])], 2 if len(final[1]) > 1 else 1, False))
        del form.notes[nnotes:]  # the signature block repeats the body's description
    if p["stamp"]:
        parts.append('<div style="display:flex;justify-content:flex-end;margin-top:16px"><div class="stamp">%s</div></div>' % "（单位盖章）")
        form.notes.append("stamp area")
    if p["office"]:
        if p["office_fields"]:
            inner = ('<div style="display:flex;column-gap:40px"><span>%s</span><span>%s</span><span>%s</span></div>' % (
                ("受理编号：", "受理人：", "受理日期：") if zh else ("Ref. no.:", "Checked by:", "Date received:")))
        else:
            inner = '<div class="area"></div>'
        parts.append('<div class="office"><div class="ot2">%s</div>%s</div>' % ("以下由工作人员填写" if zh else "FOR OFFICE USE ONLY", inner))
        form.notes.append("office-use panel" + (" with printed captions" if p["office_fields"] else ""))
    foot_l = rng.choice(["注：本表一式两份，申请单位与经办机构各存一份。", "本表由申请人如实填写，复印有效。", "咨询电话：400-800-1234"]) if zh else \
        rng.choice(["Return this form to the address overleaf.", "Personal data is processed in line with our privacy notice.",
                    "Keep a copy for your records."])
    foot_r = ("第1页 共1页" if zh else "Page 1 of 1") if rng.random() < 0.6 else ("%s %s" % (th.get("code") or form.id.upper(), "（2025版）" if zh else "(rev. 03/2025)"))
    parts.append('<div class="foot"><span>%s</span><span>%s</span></div>' % (esc(foot_l), esc(foot_r)))
    html = ('<!DOCTYPE html><html lang="%s"><head><meta charset="utf-8"><title>%s</title><style>%s</style></head>'
            '<body><div class="page">%s</div></body></html>' % ("zh-CN" if zh else "en", esc(th["title"]), css(p), "".join(parts)))
    form.builder = bd
    return html


# ----------------------------------------------------------------------------------------------
# profiles and values
# ----------------------------------------------------------------------------------------------

SPELL_EN = {"name": ["name", "full_name", "Name", "Full Name"], "first_name": ["first_name", "firstName", "given_name", "First name"],
            "last_name": ["last_name", "surname", "family_name", "Last name"], "id_number": ["id_number", "ID", "national_id", "id_no"],
            "passport_number": ["passport_number", "passport", "Passport No"], "phone": ["phone", "Mobile", "mobile", "tel", "telephone"],
            "email": ["email", "E-mail", "Email", "e_mail"], "address": ["address", "home_address", "Address", "street_address"],
            "city": ["city", "City", "town"], "postcode": ["postcode", "zip", "ZIP", "postal_code"],
            "date_of_birth": ["date_of_birth", "dob", "DOB", "birthday", "birth_date"], "gender": ["gender", "sex", "Sex", "Gender"],
            "nationality": ["nationality", "Nationality", "citizenship"], "occupation": ["occupation", "job_title", "profession"],
            "employer": ["employer", "company", "Employer"], "emergency_contact": ["emergency_contact", "Emergency contact", "emergency"],
            "date": ["date", "Date", "today"]}
SPELL_ZH = {"name": ["姓名"], "id_number": ["身份证号码", "身份证号"], "phone": ["手机", "手机号", "电话"], "email": ["邮箱", "电子邮箱"],
            "address": ["地址", "住址"], "date_of_birth": ["出生日期"], "gender": ["性别"], "postcode": ["邮编"], "city": ["城市"],
            "nationality": ["国籍"], "occupation": ["职业"], "employer": ["工作单位"], "emergency_contact": ["紧急联系人"],
            "passport_number": ["护照号码"], "date": ["日期"], "first_name": ["名"], "last_name": ["姓"]}

GENDER_SPELL_M = ["M", "male", "Male", "m", "男"]
GENDER_SPELL_F = ["F", "female", "Female", "f", "女"]


def gender_option(options, male):
    for t in options:
        low = t.lower()
        if male and (low in ("male", "m", "男", "公") or low.startswith("男")):
            return t
        if not male and (low in ("female", "f", "女", "母") or low.startswith("女")):
            return t
    return None


def make_profile(form, person, date_today):
    rng, zh = form.rng, form.zh
    flds = [f for _, fl in form.sections for f in fl]
    keyed = [f["key"] for f in flds if f["key"] and f["key"] != "signature"]
    keys = list(dict.fromkeys(keyed))
    # spelling style
    if zh:
        style = rng.choice(["zh", "zh", "canon", "mixed"])
    elif person["kind"] == "zh_rom":
        style = rng.choice(["zh", "canon", "mixed"])
    else:
        style = rng.choice(["canon", "canon", "variant", "mixed"])

    def spell(k):
        if style == "canon":
            return k
        if style == "zh":
            return rng.choice(SPELL_ZH.get(k, [k]))
        if style == "variant":
            return rng.choice(SPELL_EN.get(k, [k]))
        r = rng.random()
        if r < 0.35 and k in SPELL_ZH and (zh or person["kind"] == "zh_rom"):
            return rng.choice(SPELL_ZH[k])
        if r < 0.7:
            return rng.choice(SPELL_EN.get(k, [k]))
        return k

    hard_split = ("first_name" in keys and "last_name" in keys and "name" not in keys and person["kind"] == "en"
                  and rng.random() < 0.55)
    # omissions
    can_omit = [k for k in keys if not (hard_split and k in ("first_name", "last_name"))]
    r = rng.random()
    n_omit = 0 if r < 0.15 else 1 if r < 0.55 else 2 if r < 0.85 else 3
    omit = set(rng.sample(can_omit, min(n_omit, max(0, len(can_omit) - 3))))
    dob_style = rng.choice(["iso", "iso", "iso", "cn", "cn", "dot", "dot", "dmy_long", "mdy_long", "slash"] if zh or person["kind"] != "en"
                           else ["iso", "iso", "iso", "dot", "dmy_long", "dmy_long", "mdy_long", "mdy_long", "slash", "cn"])
    if dob_style == "slash" and person["dob"].day <= 12:
        dob_style = "iso"
    today_style = rng.choice(["iso", "iso", "cn", "cn", "dot", "slash"] if zh else ["iso", "iso", "dot", "dmy_long", "mdy_long", "slash"])
    if today_style == "slash" and date_today.day <= 12:
        today_style = "dot"
    raw = {"name": person["name"], "first_name": person["first"], "last_name": person["last"], "id_number": person["id_number"],
           "passport_number": person["passport"], "phone": person["phone"], "email": person["email"], "address": person["address"],
           "city": person["city"], "postcode": person["postcode"], "nationality": person["nationality"],
           "occupation": person["occupation"], "employer": person["employer"], "emergency_contact": person["emergency"]}
    gspell = rng.choice((GENDER_SPELL_M if person["male"] else GENDER_SPELL_F)[:4 if person["kind"] == "en" else 5])
    if zh and rng.random() < 0.6:
        gspell = "男" if person["male"] else "女"
    values = {}
    prof = {}
    present = []
    for k in keys:
        if k in omit:
            continue
        if hard_split and k in ("first_name", "last_name"):
            continue
        present.append(k)
    if hard_split:
        present.insert(0, "name")
    for k in present:
        if k == "date_of_birth":
            v = spell_date(person["dob"], dob_style)
        elif k == "date":
            v = spell_date(date_today, today_style)
        elif k == "gender":
            v = gspell
        else:
            v = raw[k]
        prof[spell(k)] = v
    # extras
    if rng.random() < 0.45:
        pool = [k for k in ("passport_number", "occupation", "employer", "nationality", "city", "postcode", "id_number", "email")
                if k not in keys]
        extra_keys = rng.sample(pool, min(len(pool), rng.randint(1, 2)))
        for k in extra_keys:
            prof[spell(k)] = raw[k]
        if rng.random() < 0.5:
            if zh:
                prof[rng.choice(["微信", "爱好"])] = rng.choice(["wx_%d" % rng.randint(1000, 9999), "摄影"])
            else:
                prof[rng.choice(["linkedin", "preferred_language"])] = rng.choice(["English", "linkedin.com/in/%s" % person["last"].lower()])
    # shuffle key order a little (clients do not send in form order)
    items = list(prof.items())
    rng.shuffle(items)
    prof = dict(items)
    have = set(present)
    for k in keys:
        if k not in have and not (hard_split and k in ("first_name", "last_name")):
            values[k] = None
        elif k == "date_of_birth":
            values[k] = person["dob"].isoformat()
        elif k == "date":
            values[k] = date_today.isoformat()
        elif k == "gender":
            values[k] = "__gender__"
        else:
            values[k] = raw[k]
    values["signature"] = None
    return prof, values, hard_split


# ----------------------------------------------------------------------------------------------
# checks
# ----------------------------------------------------------------------------------------------

def inter(a, b):
    return min(a[2], b[2]) - max(a[0], b[0]) > 0 and min(a[3], b[3]) - max(a[1], b[1]) > 0


def gap(a, b):
    dx = max(0, b[0] - a[2], a[0] - b[2])
    dy = max(0, b[1] - a[3], a[1] - b[3])
    return max(dx, dy)


def inside(a, b):
    return a[0] >= b[0] and a[1] >= b[1] and a[2] <= b[2] and a[3] <= b[3]


def check_form(gt, fields_meta):
    W, H = gt["width"], gt["height"]
    errs = []
    allb = []  # (field index, kind, box)
    for k, f in enumerate(gt["fields"]):
        bs = [("label", f["label_box"])]
        if f.get("input_box"):
            bs.append(("input", f["input_box"]))
        for pt in f.get("parts", []):
            bs.append(("part", pt["box"]))
        for o in f.get("options", []):
            bs.append(("opt", o["box"]))
            bs.append(("optt", o["text_box"]))
        for kind, b in bs:
            if not (0 <= b[0] < b[2] <= W and 0 <= b[1] < b[3] <= H):
                errs.append("%s: %s box %s outside page %dx%d or empty" % (f["label"], kind, b, W, H))
            allb.append((k, kind, b))
        # inside one field
        for x in range(len(bs)):
            for y in range(x + 1, len(bs)):
                (ka, a), (kb, b) = bs[x], bs[y]
                if inter(a, b):
                    if ka == "label" and kb == "input" and fields_meta[k].get("label_in_cell") and inside(a, b):
                        continue
                    errs.append("%s: %s %s overlaps %s %s" % (f["label"], ka, a, kb, b))
    for x in range(len(allb)):
        for y in range(x + 1, len(allb)):
            fa, ka, a = allb[x]
            fb, kb, b = allb[y]
            if fa == fb:
                continue
            if inter(a, b):
                errs.append("fields %r %s %s and %r %s %s overlap" % (gt["fields"][fa]["label"], ka, a, gt["fields"][fb]["label"], kb, b))
            if ka == "label" and kb != "label" and gap(a, b) < 8:
                errs.append("label %r %s is %d px from %r %s %s" % (gt["fields"][fa]["label"], a, gap(a, b), gt["fields"][fb]["label"], kb, b))
            if kb == "label" and ka != "label" and gap(a, b) < 8:
                errs.append("label %r %s is %d px from %r %s %s" % (gt["fields"][fb]["label"], b, gap(a, b), gt["fields"][fa]["label"], ka, a))
    return errs


def check_glyphs(png_bytes, glyphs):
    from PIL import Image
    import numpy as np
    im = np.asarray(Image.open(io.BytesIO(png_bytes)).convert("L"))
    errs = []
    for key, g in glyphs.items():
        adv = g["adv"]
        box = fbox(g["box"])
        x1, x2 = int(math.floor(adv[0])), int(math.ceil(adv[2]))
        y1, y2 = int(math.floor(adv[1])) - 2, int(math.ceil(adv[3])) + 2
        sub = im[max(0, y1):y2, max(0, x1):x2] < 150
        ys, xs = sub.nonzero()
        if not len(xs):
            errs.append("glyph %s: no ink" % key)
            continue
        ink = [max(0, x1) + xs.min(), max(0, y1) + ys.min(), max(0, x1) + xs.max() + 1, max(0, y1) + ys.max() + 1]
        if not (ink[0] >= box[0] - 1 and ink[1] >= box[1] - 1 and ink[2] <= box[2] + 1 and ink[3] <= box[3] + 1):
            errs.append("glyph %s: ink %s outside measured box %s (font %s)" % (key, ink, box, g["font"]))
        if max(ink[0] - box[0], ink[1] - box[1], box[2] - ink[2], box[3] - ink[3]) > 3:
            errs.append("glyph %s: measured box %s much larger than ink %s (font %s, wanted %s)" % (key, box, ink, g["font"], g["want"]))
    return errs


# ----------------------------------------------------------------------------------------------
# assemble the JSON
# ----------------------------------------------------------------------------------------------

def assemble(form, data, W, H, profile, values, hard_split):
    gt_fields = []
    meta = []
    parts_by_f = collections.defaultdict(list)
    for pid, box, ndig in data["parts"]:
        fi, part = pid.split(":")
        parts_by_f[int(fi)].append((part, fbox(box)))
    for _, flds in form.sections:
        for f in flds:
            i = str(f["i"])
            if i not in data["lab"]:
                raise SystemExit("%s: field %r has no label in the DOM" % (form.id, f["label"]))
            lab = fbox(data["lab"][i])
            key = f["key"]
            val = values.get(key) if key else None
            if f["kind"] == "text":
                gf = {"label": f["label"], "label_box": lab, "kind": "text", "input_box": fbox(data["inp"][i]),
                      "key": key, "value": val}
            elif f["kind"] == "date":
                one = f["dstyle"] in ONE_BOX
                iso = val
                parts = []
                if not one:
                    got = parts_by_f[f["i"]]
                    if [pp for pp, _ in got] != f["order"]:
                        raise SystemExit("%s: %r parts %s != order %s" % (form.id, f["label"], got, f["order"]))
                    for part, box in got:
                        pv = ""
                        if iso:
                            y, m, d = iso.split("-")
                            pv = {"year": y, "month": m if f["pad"] else str(int(m)), "day": d if f["pad"] else str(int(d))}[part]
                        parts.append({"part": part, "box": box, "value": pv})
                gf = {"label": f["label"], "label_box": lab, "kind": "date", "key": key, "value": iso,
                      "input_box": fbox(data["inp"][i]) if one else None, "format": f.get("format") if one else None, "parts": parts}
            else:
                opts = []
                for k, t in enumerate(f["options"]):
                    ok = "%s:%d" % (i, k)
                    if f["ostyle"] == "glyph":
                        box = fbox(data["glyph"][ok]["box"])
                    else:
                        box = fbox(data["opt"][ok])
                    opts.append({"text": t, "text_box": fbox(data["optt"][ok]), "box": box})
                v = None
                if key == "gender" and val == "__gender__":
                    v = gender_option(f["options"], form.person["male"])
                    if v is None:
                        raise SystemExit("%s: no gender option for %s" % (form.id, f["options"]))
                gf = {"label": f["label"], "label_box": lab, "kind": "checkbox", "style": OPT_STYLE_KIND[f["ostyle"]],
                      "input_box": None, "key": key, "value": v, "options": opts}
            gt_fields.append(gf)
            meta.append(f)
    gt = {"id": form.id, "lang": form.lang, "width": W, "height": H, "image": form.id + ".png",
          "layout": form.layout_desc, "profile": profile, "fields": gt_fields}
    if hard_split:
        gt["hard_case"] = "first and last name asked separately; the profile has only a full name (given name first)"
    return gt, meta


def layout_description(form):
    p = form.plan
    bd = form.builder
    ist = {"box": "bordered boxes", "underline": "solid underlines", "dotted": "dotted underlines", "dashed": "dashed underlines",
           "shaded": "shaded grey boxes", "rounded": "rounded boxes", "native": "native inputs"}[p["istyle"]]
    bits = list(dict.fromkeys(form.notes))
    if not p["layout"].startswith(("cells", "rows")):
        bits.append(ist)
    if p.get("bi") and form.zh:
        bits.append("bilingual labels (%s)" % ("stacked" if p["bi_mode"] == "stack" else "inline"))
    if p["stars"]:
        bits.append("asterisks on required labels")
    opt = sorted(set("%s %s" % (s, a) for s, a in bd.used_opt))
    ds = sorted(set(DATE_DESC[d] for d in bd.used_date_styles))
    return "%s; options: %s; dates: %s; header: %s section headings; %s %dpx" % (
        ", ".join(bits), ", ".join(opt) or "none", "; ".join(ds) or "none", p["sec"], p["font_name"], p["fs"])


# ----------------------------------------------------------------------------------------------
# main
# ----------------------------------------------------------------------------------------------

def assign(rng, items, n):
    out = []
    while len(out) < n:
        b = list(items)
        rng.shuffle(b)
        out += b
    return out[:n]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=303)
    ap.add_argument("--count", type=int, default=44)
    ap.add_argument("--prefix", default="c")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    t0 = time.time()
    master = random.Random(args.seed)
    n_en = (args.count + 1) // 2
    n_zh = args.count // 2
    plans = {}
    for lang, n, themes, dlist in (("en", n_en, THEMES_EN, DATE_EN), ("zh", n_zh, THEMES_ZH, DATE_ZH)):
        th = assign(master, range(len(themes)), n)
        la = assign(master, LAYOUTS, n)
        ist = assign(master, INPUT_STYLES, n)
        ost = assign(master, OPT_STYLES, n)
        ds1 = assign(master, dlist, n)
        ds2 = assign(master, dlist, n)
        plans[lang] = [(themes[th[k]], la[k], ist[k], ost[k], [ds1[k], ds2[k]] if ds1[k] != ds2[k] else [ds1[k]]) for k in range(n)]
    stats = collections.Counter()
    date_styles = collections.Counter()
    opt_styles = collections.Counter()
    en_k = zh_k = 0
    with Browser() as br:
        for idx in range(1, args.count + 1):
            lang = "en" if idx % 2 == 1 else "zh"
            if lang == "en":
                theme, lay, ist, ost, dss = plans["en"][en_k]
                en_k += 1
            else:
                theme, lay, ist, ost, dss = plans["zh"][zh_k]
                zh_k += 1
            fid = "%s_%02d" % (args.prefix, idx)
            rng = random.Random("%d/%s" % (args.seed, fid))
            plan = make_plan(rng, lang, lay, ist, ost, dss, theme)
            if lang == "en":
                pk = "zh_rom" if rng.random() < 0.18 else "en"
            else:
                pk = "zh"
            person = make_person(rng, pk)
            person["kind"] = pk
            plan["region"] = person.get("region") if pk == "en" else "cn"
            today = datetime.date(2025, rng.randint(1, 12), rng.randint(1, 28))
            last_err = None
            for attempt in range(8):
                form = Form(idx, fid, lang, theme, random.Random("%d/%s/%d" % (args.seed, fid, attempt)), plan)
                form.person = person
                html = render_html(form)
                try:
                    png, data, (W, H) = br.render(html, plan["width"], JS_EXTRACT, min_height=200, js_prepare=JS_PREPARE)
                except CDPError as e:
                    if "wider" not in str(e):
                        raise
                    last_err = str(e)
                    if plan["width"] < 1400:
                        plan["width"] = min(1400, plan["width"] + 100)
                        plan["cw"] = plan["width"] - 2 * plan["mx"]
                    else:
                        plan["fs"] -= 1
                        plan["lh"] = int(round(plan["fs"] * 1.45))
                        plan["H"] = plan["lh"] + 8
                    continue
                if data["sw"] > W:
                    raise SystemExit("%s: content wider than page" % fid)
                if data["overflow"]:  # something sticks out of its cell / column: a wider page, or a smaller font
                    last_err = "overflow: " + "; ".join(data["overflow"][:3])
                    if plan["width"] < 1400:
                        plan["width"] = min(1400, plan["width"] + 100)
                        plan["cw"] = plan["width"] - 2 * plan["mx"]
                    else:
                        plan["fs"] -= 1
                        plan["lh"] = int(round(plan["fs"] * 1.45))
                        plan["H"] = plan["lh"] + 8
                    print("%s: %s; retrying at %dpx / %dpx text" % (fid, last_err, plan["width"], plan["fs"]), file=sys.stderr)
                    continue
                html = "<!DOCTYPE html>" + data.pop("html")  # with the whole-pixel adjustments
                form.layout_desc = layout_description(form)
                profile, values, hard = make_profile(form, person, today)
                gt, meta = assemble(form, data, W, H, profile, values, hard)
                errs = check_form(gt, meta) + check_glyphs(png, data["glyph"])
                for cls, db in data["decor"]:  # photo boxes, stamps and office panels are not fields
                    db = fbox(db)
                    for gf in gt["fields"]:
                        for b in [gf["label_box"], gf.get("input_box")] + [pp["box"] for pp in gf.get("parts", [])] + \
                                [o[k] for o in gf.get("options", []) for k in ("box", "text_box")]:
                            if b and inter(b, db):
                                errs.append("%r box %s overlaps the %s %s" % (gf["label"], b, cls, db))
                if errs:
                    with open(os.path.join(args.out, fid + ".html"), "w", encoding="utf-8") as fh:
                        fh.write(html)
                    raise SystemExit("%s (%s): self-check failed:\n  %s" % (fid, lay, "\n  ".join(errs[:30])))
                break
            else:
                raise SystemExit("%s: could not fit the page (%s)" % (fid, last_err))
            with open(os.path.join(args.out, fid + ".html"), "w", encoding="utf-8") as fh:
                fh.write(html)
            save_png(png, os.path.join(args.out, fid + ".png"), grayscale=plan["gray"])
            with open(os.path.join(args.out, fid + ".json"), "w", encoding="utf-8") as fh:
                json.dump(gt, fh, ensure_ascii=False, indent=1)
                fh.write("\n")
            for f, m in zip(gt["fields"], meta):
                stats[(f["kind"], lang)] += 1
                if f["key"]:
                    stats[("keyed", lang)] += 1
                    if f["value"] is None:
                        stats[("unfillable", lang)] += 1
                if f["kind"] == "date":
                    date_styles[(m["dstyle"], lang)] += 1
                    stats[("date_keyed" if f["key"] else "date_null", lang)] += 1
                if f["kind"] == "checkbox":
                    opt_styles[(m["ostyle"], lang)] += 1
            if hard:
                stats[("hard_split", lang)] += 1
            print("%s %-8s %-9s %4dx%-5d %2d fields  %s" % (fid, lang, lay, W, H, len(gt["fields"]), theme["id"]), flush=True)
    print()
    tot = collections.Counter()
    for (k, lang), v in stats.items():
        tot[k] += v
    print("forms: %d (%d en, %d zh)" % (args.count, n_en, n_zh))
    nf = sum(stats[(k, l)] for k in ("text", "date", "checkbox") for l in ("en", "zh"))
    print("fields: %d" % nf)
    for k in ("text", "date", "checkbox"):
        print("  %-9s %4d  (en %d / zh %d)" % (k, tot[k], stats[(k, "en")], stats[(k, "zh")]))
    print("  keyed %d (en %d / zh %d), unfillable keyed (value null) %d (en %d / zh %d)" % (
        tot["keyed"], stats[("keyed", "en")], stats[("keyed", "zh")], tot["unfillable"], stats[("unfillable", "en")], stats[("unfillable", "zh")]))
    print("  dates keyed %d / key null %d; forms with a first/last split from a full name: %d" % (
        tot["date_keyed"], tot["date_null"], tot["hard_split"]))
    print("date styles (en / zh):")
    for s in sorted(set(k for k, _ in date_styles)):
        print("  %-20s %3d / %3d   %s" % (s, date_styles[(s, "en")], date_styles[(s, "zh")], DATE_DESC[s]))
    print("option styles (groups, en / zh):")
    for s in OPT_STYLES:
        print("  %-16s %3d / %3d   (%s)" % (s, opt_styles[(s, "en")], opt_styles[(s, "zh")], OPT_STYLE_KIND[s]))
    print("took %.1f s" % (time.time() - t0))


if __name__ == "__main__":
    main()
