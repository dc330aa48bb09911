#!/usr/bin/env python3
"""Held-out blank-form corpus I (v2 JSON format), written blind from the format description.

    python3 tools/forms/make_heldout_i.py --out /tmp/forms_heldout_i [--seed 909] [--count 44]

Writes <id>.html / <id>.png / <id>.json for ids i_01 ... i_NN (odd numbers English, even numbers
Simplified Chinese). Eleven layout families (each on 2 English + 2 Chinese forms at 44 forms):
taxlines, twoapp, photoenrol, intake, hotel, material, margin, jobapp, triptych, inbox, tabbed
(see tools/forms/README.md, "Corpus I"). Every box is read from the DOM after layout by headless
Chromium (tools/cdp_render.py; x1/y1 floored, x2/y2 ceiled). Each form is checked (boxes non-empty
and inside the page, no overlapping boxes of different fields, a label overlapping nothing of its own
field but its input, labels >= 4 px from other fields' boxes, DOM label text == JSON label, ink in
every label / option text, glyph ink boxes within 2 px of the pixels, date parts in the intended
order) and drawn again with other cosmetic draws (up to 8 times) if a check fails.
Deterministic for a seed. HELDOUT_I_DEBUG=1 prints the rejected attempts.
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

from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from cdp_render import Browser, save_png  # noqa: E402

DEBUG = os.environ.get("HELDOUT_I_DEBUG") == "1"
FAMILIES = ["taxlines", "twoapp", "photoenrol", "intake", "hotel", "material",
            "margin", "jobapp", "triptych", "inbox", "tabbed"]
LANDSCAPE = {"hotel", "triptych"}


def esc(s):
    return htmlmod.escape(str(s), quote=True)


# ----------------------------------------------------------------------------------------------
# people and profiles

EN_FIRST_M = ["James", "Oliver", "Daniel", "Thomas", "Samuel", "Henry", "Lucas", "Nathan", "Owen", "Adrian"]
EN_FIRST_F = ["Emily", "Charlotte", "Hannah", "Sophie", "Grace", "Chloe", "Amelia", "Isla", "Megan", "Ruth"]
EN_LAST = ["Carter", "Bennett", "Hughes", "Foster", "Walsh", "Murray", "Fletcher", "Lawson", "Harper",
           "Doyle", "Griffin", "Palmer", "Reid", "Sutton"]
PY_FIRST_M = ["Wei", "Hao", "Jun", "Lei", "Yang", "Tao", "Qiang"]
PY_FIRST_F = ["Fang", "Li", "Jing", "Min", "Xue", "Yan", "Ting"]
PY_LAST = ["Wang", "Li", "Zhang", "Liu", "Chen", "Zhao", "Huang", "Zhou"]
ZH_LAST = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "欧阳"]
ZH_GIVEN_M = ["伟", "强", "磊", "志明", "建国", "浩然", "子轩", "俊杰"]
ZH_GIVEN_F = ["芳", "静", "敏", "丽娟", "秀英", "欣怡", "雨桐", "婷"]
EN_CITIES = [("Leeds", "LS6 2QT", "14 Mill Lane"), ("Bristol", "BS8 4RD", "7 Clifton Rise"),
             ("Manchester", "M14 5JT", "221 Wilmslow Road"), ("Cardiff", "CF10 3AT", "3 Castle Mews"),
             ("Portland", "97205", "1180 SW Oak Street"), ("Austin", "78704", "409 Elm Avenue"),
             ("Melbourne", "3056", "22 Sydney Road"), ("Auckland", "1010", "5 Queen Street"),
             ("Dublin", "D02 X285", "18 Baggot Street"), ("Toronto", "M5V 2T6", "90 King Street West")]
ZH_CITIES = [("上海市", "200031", "上海市徐汇区天平路88弄3号"), ("北京市", "100083", "北京市海淀区学院路37号"),
             ("广州市", "510110", "广州市越秀区中山五路21号"), ("成都市", "610041", "成都市武侯区人民南路四段12号"),
             ("杭州市", "310012", "杭州市西湖区文三路199号"), ("南京市", "210008", "南京市鼓楼区中山路55号"),
             ("武汉市", "430071", "武汉市武昌区珞珈山路16号"), ("西安市", "710061", "西安市雁塔区小寨东路126号")]
EN_NATS = ["British", "American", "Irish", "Australian", "Canadian", "New Zealander"]
EN_JOBS = [("Nurse", "St Mary's Hospital"), ("Software engineer", "Northwind Ltd"), ("Teacher", "Hillside Academy"),
           ("Accountant", "Baker & Lowe LLP"), ("Electrician", "Brightline Services"), ("Pharmacist", "Boots"),
           ("Architect", "Studio Nine"), ("Chef", "The Old Granary")]
PY_JOBS = [("Engineer", "Huawei Technologies"), ("Researcher", "Fudan University"), ("Designer", "Lenovo"),
           ("Analyst", "Bank of China")]
ZH_JOBS = [("教师", "上海市第一中学"), ("工程师", "华为技术有限公司"), ("会计", "中国银行"), ("医生", "人民医院"),
           ("设计师", "联想集团"), ("程序员", "腾讯科技"), ("护士", "第一人民医院"), ("销售经理", "苏宁易购")]
REGIONS = ["310104", "110108", "440104", "510107", "330106", "320106", "420106", "610113"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def cn_id(rng, dob, male):
    body = rng.choice(REGIONS) + dob.strftime("%Y%m%d") + "%02d" % rng.randint(0, 99)
    seq = rng.choice([1, 3, 5, 7, 9]) if male else rng.choice([0, 2, 4, 6, 8])
    body += str(seq)
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * x for c, x in zip(body, w)) % 11]


def spell_date(d, how):
    if how == "iso":
        return d.isoformat()
    if how == "cn":
        return f"{d.year}年{d.month}月{d.day}日"
    if how == "dot":
        return d.strftime("%Y.%m.%d")
    if how == "dmy_words":
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    if how == "mdy_words":
        return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
    if how == "slash":
        return d.strftime("%d/%m/%Y")
    raise ValueError(how)


def make_person(rng, lang):
    male = rng.random() < 0.5
    dob = dt.date(rng.randint(1958, 2004), rng.randint(1, 12), rng.randint(1, 28))
    p = {"male": male, "dob": dob}
    chinese = lang == "zh" or rng.random() < 0.3
    p["chinese"] = chinese
    if lang == "zh":
        last = rng.choice(ZH_LAST)
        given = rng.choice(ZH_GIVEN_M if male else ZH_GIVEN_F)
        p.update(first=given, last=last, full=last + given, nationality=rng.choice(["中国", "中国", "中华人民共和国"]))
        city, pc, addr = rng.choice(ZH_CITIES)
        job, emp = rng.choice(ZH_JOBS)
        p.update(city=city, postcode=pc, address=addr, occupation=job, employer=emp)
        p["phone"] = rng.choice(["138", "139", "186", "150", "177"]) + "%08d" % rng.randint(0, 10 ** 8 - 1)
        p["email"] = rng.choice(["zhang.wei", "liufang88", "chen_jing", "wanglei2024", "zhaomin"]) + "@" + \
            rng.choice(["163.com", "qq.com", "126.com", "sina.com"])
        ec_name = rng.choice(ZH_LAST) + rng.choice(ZH_GIVEN_M + ZH_GIVEN_F)
        p["emergency_contact"] = ec_name + " " + rng.choice(["139", "135"]) + "%08d" % rng.randint(0, 10 ** 8 - 1)
        p["id_number"] = cn_id(rng, dob, male)
        p["passport_number"] = "E" + "%08d" % rng.randint(0, 10 ** 8 - 1)
    else:
        if chinese:
            first = rng.choice(PY_FIRST_M if male else PY_FIRST_F)
            last = rng.choice(PY_LAST)
            p.update(nationality=rng.choice(["Chinese", "China"]))
            job, emp = rng.choice(PY_JOBS)
            p["id_number"] = cn_id(rng, dob, male)
            p["passport_number"] = "E" + "%08d" % rng.randint(0, 10 ** 8 - 1)
        else:
            first = rng.choice(EN_FIRST_M if male else EN_FIRST_F)
            last = rng.choice(EN_LAST)
            p.update(nationality=rng.choice(EN_NATS))
            job, emp = rng.choice(EN_JOBS)
            p["id_number"] = rng.choice(["QQ 12 34 56 C", "AB123456D", "123-45-6789", "P7751023"]) \
                if rng.random() < 0.5 else "%s%06d" % (rng.choice(["XK", "LP", "TM"]), rng.randint(0, 999999))
            p["passport_number"] = "%d" % rng.randint(100000000, 999999999)
        p.update(first=first, last=last, full=f"{first} {last}")
        city, pc, addr = rng.choice(EN_CITIES)
        p.update(city=city, postcode=pc, address=f"{addr}, {city}", occupation=job, employer=emp)
        p["phone"] = rng.choice(["+44 7700 900", "07700 900", "+1 503 555 0", "+61 412 555 "]) + \
            "%03d" % rng.randint(0, 999)
        p["email"] = f"{first.lower()}.{last.lower()}@" + rng.choice(["example.com", "mail.net", "post.org"])
        ec = rng.choice(EN_FIRST_M + EN_FIRST_F) + " " + rng.choice(EN_LAST)
        p["emergency_contact"] = ec + ", " + rng.choice(["+44 7700 900", "07700 900"]) + "%03d" % rng.randint(0, 999)
    p["today"] = dt.date(2026, rng.choice([10, 11, 12]), rng.randint(1, 28))
    return p


KEY_SPELL = {
    "name": (["name"], ["full_name", "Name", "fullName"], ["姓名"]),
    "first_name": (["first_name"], ["given_name", "firstName", "First name"], ["名"]),
    "last_name": (["last_name"], ["surname", "family_name", "Last name"], ["姓"]),
    "id_number": (["id_number"], ["ID", "id_no", "national_id"], ["身份证号码", "身份证号"]),
    "passport_number": (["passport_number"], ["passport", "passport_no", "Passport No."], ["护照号码"]),
    "phone": (["phone"], ["Mobile", "tel", "mobile_phone", "telephone"], ["手机", "电话", "手机号"]),
    "email": (["email"], ["E-mail", "email_address", "Email"], ["邮箱", "电子邮箱"]),
    "address": (["address"], ["home_address", "street_address", "Address"], ["地址", "住址"]),
    "city": (["city"], ["town", "City"], ["城市"]),
    "postcode": (["postcode"], ["zip", "postal_code", "post_code"], ["邮编", "邮政编码"]),
    "date_of_birth": (["date_of_birth"], ["dob", "DOB", "birth_date", "birthday"], ["出生日期"]),
    "gender": (["gender"], ["sex", "Sex", "Gender"], ["性别"]),
    "nationality": (["nationality"], ["citizenship", "Nationality"], ["国籍"]),
    "occupation": (["occupation"], ["job", "job_title", "profession"], ["职业"]),
    "employer": (["employer"], ["company", "employer_name", "workplace"], ["工作单位", "单位"]),
    "emergency_contact": (["emergency_contact"], ["ice_contact", "emergency", "Emergency contact"], ["紧急联系人"]),
    "date": (["date"], ["today", "date_signed", "Date"], ["日期", "填表日期"]),
}
DATE_SPELLS = ["iso", "cn", "dot", "dmy_words", "mdy_words", "slash"]


# ----------------------------------------------------------------------------------------------
# themes: titles, issuers, key-null theme fields (text labels, date labels, option groups), declarations

def T(titles, issuer, texts, dates, opts, decl):
    return dict(titles=titles, issuer=issuer, texts=texts, dates=dates, opts=opts, decl=decl)


THEMES = {
    "taxlines": {
        "en": T(["Individual Income Tax Return 2026", "Self Assessment Tax Return (short)"],
                ["Revenue & Customs Service", "Department of Taxation"],
                ["Unique taxpayer reference", "Tax office reference", "Total pay from employment",
                 "Tax taken off pay", "Bank sort code", "Bank account number"],
                ["Date self-employment started", "Date of arrival in the country"],
                [("Filing status", ["Single", "Married filing jointly", "Married filing separately"]),
                 ("Claiming Marriage Allowance?", ["Yes", "No"]),
                 ("Refund to your bank account?", ["Yes", "No"])],
                "I declare that the information I have given on this return is correct and complete to the best of my knowledge and belief."),
        "zh": T(["个人所得税年度自行纳税申报表", "综合所得个人所得税年度汇算申报表"],
                ["国家税务总局", "税务局第一税务分局"],
                ["纳税人识别号", "税款所属期", "收入合计（元）", "已缴税额（元）", "开户银行", "银行账号"],
                ["首次入境时间", "预计离境时间"],
                [("纳税地点", ["任职受雇单位所在地", "户籍所在地", "经常居住地"]),
                 ("是否申请退税", ["是", "否"]),
                 ("汇算类型", ["申请退税", "补缴税款", "无需补退"])],
                "谨声明：本表是根据国家税收法律法规及相关规定填报的，本人对填报内容的真实性、可靠性、完整性负责。"),
    },
    "twoapp": {
        "en": T(["Residential Tenancy Application", "Rental Application - Joint Applicants"],
                ["Harbourside Property Management", "Greenway Lettings"],
                ["Property address applied for", "Weekly rent offered", "Number of occupants",
                 "Current landlord or agent", "Vehicle registration"],
                ["Preferred move-in date", "Current lease ends"],
                [("Lease term", ["6 months", "12 months", "24 months"]), ("Any pets?", ["Yes", "No"]),
                 ("Smoker?", ["Yes", "No"])],
                "We declare that the information in this application is true and authorise the agent to verify it."),
        "zh": T(["房屋租赁申请表（共同承租）", "住房租赁登记申请表"],
                ["安居房屋租赁服务中心", "链城物业管理有限公司"],
                ["意向房源地址", "月租金（元）", "入住人数", "现房东姓名", "车牌号码"],
                ["期望入住日期", "现租约到期日"],
                [("租期", ["半年", "一年", "两年"]), ("是否饲养宠物", ["是", "否"]),
                 ("付款方式", ["押一付一", "押一付三", "半年付"])],
                "申请人承诺以上所填信息真实有效，并同意出租方对上述信息进行核实。"),
    },
    "photoenrol": {
        "en": T(["Student Enrolment Form", "New Pupil Admission Form"],
                ["Hillcrest Community School", "St Aidan's Secondary School"],
                ["Previous school", "Student ID (if known)", "Home language", "Medical conditions or allergies",
                 "Family doctor"],
                ["Intended start date", "Date left previous school"],
                [("Year group", ["Year 7", "Year 8", "Year 9", "Year 10"]),
                 ("School meals", ["School lunch", "Packed lunch"]),
                 ("Travel to school", ["Walk", "Bus", "Car", "Bicycle"])],
                "I confirm that the details given are correct and that I will inform the school of any changes."),
        "zh": T(["新生入学登记表", "学生转学入学申请表"],
                ["市第一实验学校", "阳光外国语学校"],
                ["原就读学校", "学籍号", "兴趣特长", "过敏史", "家庭医生"],
                ["入学日期", "原校离校日期"],
                [("就读年级", ["一年级", "二年级", "三年级", "四年级"]), ("是否住校", ["是", "否"]),
                 ("午餐安排", ["学校用餐", "自带午餐"])],
                "本人保证所填信息真实准确，如有变动将及时告知学校。"),
    },
    "intake": {
        "en": T(["New Patient Health Questionnaire", "Patient Intake Form"],
                ["Parkside Medical Practice", "Riverbend Family Clinic"],
                ["Family doctor (GP)", "Health insurance number", "Current medications", "Known allergies",
                 "Reason for today's visit"],
                ["Date of last check-up", "Date symptoms started"],
                [("Little interest or pleasure in doing things", None),
                 ("Feeling down, depressed or hopeless", None),
                 ("Trouble falling or staying asleep", None),
                 ("Feeling tired or having little energy", None)],
                "I confirm that the information I have given is accurate to the best of my knowledge."),
        "zh": T(["初诊患者健康问卷", "门诊新患者登记问卷"],
                ["仁和社区卫生服务中心", "第三人民医院门诊部"],
                ["医保卡号", "主诉", "既往病史", "药物过敏史", "目前用药"],
                ["末次体检日期", "症状开始日期"],
                [("做事时提不起劲或没有兴趣", None), ("感到心情低落、沮丧或绝望", None),
                 ("入睡困难或睡眠不安", None), ("感觉疲倦或没有活力", None)],
                "本人确认以上填写内容真实无误。"),
    },
    "hotel": {
        "en": T(["Guest Registration Card", "Hotel Registration Card"],
                ["The Grand Harbour Hotel", "Lakeview Lodge & Spa"],
                ["Room no.", "No. of guests", "Vehicle reg. no.", "Loyalty member no.", "Arriving from"],
                ["Arrival date", "Departure date"],
                [("Payment", ["Cash", "Credit card", "Company account"]), ("Purpose of stay", ["Business", "Leisure"]),
                 ("Room type", ["Single", "Double", "Twin", "Suite"])],
                "I agree to settle all charges incurred during my stay and accept the hotel's terms and conditions."),
        "zh": T(["旅客住宿登记表", "宾客入住登记卡"],
                ["海景大酒店", "湖畔度假山庄"],
                ["房号", "入住人数", "车牌号", "会员卡号", "来自何地"],
                ["入住日期", "离店日期"],
                [("付款方式", ["现金", "信用卡", "挂账"]), ("入住目的", ["商务", "旅游", "探亲"]),
                 ("房型", ["单人间", "双床房", "大床房", "套房"])],
                "本人同意遵守酒店入住规定，并承担住宿期间产生的全部费用。"),
    },
    "material": {
        "en": T(["Online Membership Application", "Online Booking Request"],
                ["City Leisure Services", "Northside Community Centre"],
                ["Membership number (if renewing)", "Referral code", "Preferred centre", "How did you hear about us?"],
                ["Preferred start date"],
                [("Membership type", ["Adult", "Student", "Senior", "Family"]),
                 ("Payment frequency", ["Monthly", "Annually"]), ("Receive our newsletter?", ["Yes", "No"])],
                "By submitting this form I confirm the details above are correct and accept the terms of membership."),
        "zh": T(["会员在线注册申请", "在线预约申请单"],
                ["市民文体服务中心", "网上办事大厅"],
                ["会员编号（续费填写）", "推荐码", "首选门店", "预约事项"],
                ["期望开始日期"],
                [("会员类型", ["成人", "学生", "长者", "家庭"]), ("缴费方式", ["按月", "按年"]),
                 ("是否接收推送", ["是", "否"])],
                "提交即表示本人确认以上信息准确无误，并同意会员服务条款。"),
    },
    "margin": {
        "en": T(["Claim for Council Tax Reduction", "Application for a Garden Waste Permit"],
                ["Borough Council Revenues", "District Council Environmental Services"],
                ["Council tax account number", "Property reference", "Number of adults in household",
                 "Weekly household income"],
                ["Date you moved in", "Date your circumstances changed"],
                [("Do you live alone?", ["Yes", "No"]), ("Tenure", ["Owner", "Private tenant", "Council tenant"]),
                 ("Are you receiving Pension Credit?", ["Yes", "No"])],
                "I declare that the information I have given is correct and complete. I understand that giving false information may lead to prosecution."),
        "zh": T(["城乡居民最低生活保障申请书", "临时救助申请审批表"],
                ["街道社会事务办公室", "区民政局"],
                ["户籍所在地", "家庭人口数", "家庭月收入（元）", "申请理由"],
                ["迁入现住址日期", "家庭情况变化日期"],
                [("是否独居", ["是", "否"]), ("住房性质", ["自有住房", "租赁住房", "公租房"]),
                 ("是否享受其他救助", ["是", "否"])],
                "本人承诺所提供的信息真实、完整，如有虚报、隐瞒，愿承担相应法律责任。"),
    },
    "jobapp": {
        "en": T(["Application for Employment", "Job Application Form"],
                ["Meridian Logistics plc", "Oakfield Health Trust"],
                ["Position applied for", "Job reference no.", "Current salary", "Notice period"],
                ["Date available to start"],
                [("Do you need a work permit?", ["Yes", "No"]),
                 ("Employment type sought", ["Full-time", "Part-time", "Contract"]),
                 ("Full driving licence?", ["Yes", "No"])],
                "I confirm that the information in this application is true and complete. I understand that false information may lead to dismissal."),
        "zh": T(["应聘人员登记表", "求职申请表"],
                ["华信物流股份有限公司", "城市发展集团人力资源部"],
                ["应聘岗位", "期望薪资（元/月）", "岗位编号", "离职通知期"],
                ["可到岗日期"],
                [("是否服从调剂", ["是", "否"]), ("工作性质", ["全职", "兼职", "实习"]),
                 ("是否持有驾照", ["是", "否"])],
                "本人保证以上所填信息真实有效，如有虚假，愿承担由此产生的一切后果。"),
    },
    "triptych": {
        "en": T(["Summer Arts Festival - Workshop Registration", "Riverside Running Club - Join Us"],
                ["Riverside Arts Trust", "Riverside Running Club"],
                ["Session code", "Dietary requirements", "Membership number", "Preferred session"],
                ["Workshop date"],
                [("T-shirt size", ["S", "M", "L", "XL"]), ("Experience", ["Beginner", "Intermediate", "Advanced"]),
                 ("Photo consent", ["Yes", "No"])],
                "I agree to the festival's code of conduct and understand that places are not refundable."),
        "zh": T(["社区艺术节工作坊报名", "跑步俱乐部入会登记"],
                ["滨江社区文化中心", "滨江跑步俱乐部"],
                ["场次编号", "饮食禁忌", "会员编号", "意向场次"],
                ["活动日期"],
                [("T恤尺码", ["S", "M", "L", "XL"]), ("经验水平", ["初级", "中级", "高级"]),
                 ("同意拍照", ["同意", "不同意"])],
                "本人自愿参加活动，遵守活动规则，并对自身安全负责。"),
    },
    "inbox": {
        "en": T(["Library Membership Application", "Museum Friends Membership Form"],
                ["Central Public Library", "City Museum & Art Gallery"],
                ["Library card number", "Home branch", "Membership number", "Reading interests"],
                ["Membership start date"],
                [("Membership category", ["Adult", "Junior", "Concession"]),
                 ("Notify me by", ["Email", "SMS", "Post"]), ("Gift Aid", ["Yes", "No"])],
                "I agree to abide by the library's rules and to pay for items lost or damaged while on loan to me."),
        "zh": T(["图书馆读者证办理申请表", "博物馆之友会员申请表"],
                ["市图书馆", "市博物馆"],
                ["读者证号", "常用分馆", "会员编号", "阅读偏好"],
                ["办证日期"],
                [("读者类别", ["成人", "少儿", "优待"]), ("通知方式", ["邮件", "短信", "邮寄"]),
                 ("是否自愿捐赠", ["是", "否"])],
                "本人同意遵守图书馆借阅规定，如有遗失或损坏照价赔偿。"),
    },
    "tabbed": {
        "en": T(["Customs Declaration", "Passenger Arrival Declaration"],
                ["Border Force", "Customs and Border Protection"],
                ["Flight / vessel no.", "Country of departure", "Family members travelling with you",
                 "Value of goods acquired abroad"],
                ["Date of arrival", "Date you left home"],
                [("Purpose of visit", ["Business", "Tourism", "Study", "Transit"]),
                 ("Carrying more than 10,000 in cash?", ["Yes", "No"]),
                 ("Bringing food, plants or animals?", ["Yes", "No"])],
                "I have read the notice on the reverse and have made a truthful declaration."),
        "zh": T(["入境旅客行李物品申报单", "出入境旅客申报卡"],
                ["海关总署", "出入境边防检查站"],
                ["航班号/车次/船名", "启运地", "同行人数", "境外购物金额"],
                ["入境日期", "出境日期"],
                [("入境事由", ["公务", "旅游", "留学", "过境"]), ("是否携带超额现金", ["是", "否"]),
                 ("是否携带动植物及其产品", ["是", "否"])],
                "我已阅读本申报单背面的须知，并如实申报。"),
    },
}
SCALE_COLS = {"en": ["Not at all", "Several days", "More than half the days", "Nearly every day"],
              "zh": ["完全不会", "好几天", "一半以上天数", "几乎每天"]}

APP_LABELS = {
    "en": {"name": ["Full name", "Name", "Name in full", "Applicant's name"],
           "last_name": ["Surname", "Family name", "Last name"],
           "first_name": ["Given name(s)", "First name", "Forename(s)"],
           "gender": ["Gender", "Sex"], "date_of_birth": ["Date of birth", "Birth date", "DOB"],
           "nationality": ["Nationality", "Citizenship"],
           "id_number": ["ID number", "National ID no.", "Identity card number"],
           "passport_number": ["Passport number", "Passport no."],
           "phone": ["Phone", "Mobile", "Telephone", "Mobile number"],
           "email": ["Email", "E-mail address", "Email address"],
           "address": ["Address", "Home address", "Residential address"],
           "city": ["City", "Town / city", "Town"], "postcode": ["Postcode", "ZIP code", "Postal code"],
           "occupation": ["Occupation", "Profession"], "employer": ["Employer", "Employer name", "Company"],
           "emergency_contact": ["Emergency contact", "Emergency contact (name, phone)", "Next of kin"],
           "signature": ["Signature", "Signature of applicant", "Signed"], "date": ["Date", "Date signed"]},
    "zh": {"name": ["姓名", "申请人姓名", "本人姓名"], "last_name": ["姓", "姓氏"], "first_name": ["名", "名字"],
           "gender": ["性别"], "date_of_birth": ["出生日期", "出生年月日"], "nationality": ["国籍"],
           "id_number": ["身份证号码", "公民身份号码", "身份证号"], "passport_number": ["护照号码"],
           "phone": ["手机", "联系电话", "手机号码"], "email": ["电子邮箱", "邮箱"],
           "address": ["住址", "家庭住址", "通讯地址"], "city": ["城市", "所在城市"],
           "postcode": ["邮政编码", "邮编"], "occupation": ["职业"], "employer": ["工作单位", "单位名称"],
           "emergency_contact": ["紧急联系人", "紧急联系人及电话"],
           "signature": ["签名", "申请人签名", "本人签字"], "date": ["日期", "填表日期", "签字日期"]},
}
GENDER_OPTS = {"en": [["Male", "Female"], ["M", "F"], ["Female", "Male"], ["Male", "Female", "Other"],
                      ["Male", "Female", "Prefer not to say"]],
               "zh": [["男", "女"], ["男性", "女性"], ["男", "女"]]}


# ----------------------------------------------------------------------------------------------
# content: the fields (labels, keys, values, options) and the profile; fixed for a form id

class Fld(dict):
    __getattr__ = dict.get

    def __setattr__(self, k, v):
        self[k] = v


def build_content(seed, num, lang, family):
    rng = random.Random(f"{seed}/content/{num}")
    fid_n = [0]
    fields = []

    def add(sec, kind, label, key, **kw):
        fid_n[0] += 1
        f = Fld(fid=f"f{fid_n[0]}", sec=sec, kind=kind, label=label, key=key, **kw)
        fields.append(f)
        return f

    person = make_person(rng, lang)
    th = THEMES[family][lang]
    tix = rng.randrange(2)
    title, issuer = th["titles"][tix], th["issuer"][tix]
    AL = APP_LABELS[lang]
    pick = lambda k: rng.choice(AL[k])  # noqa: E731

    # applicant
    split = rng.random() < (0.4 if lang == "en" else 0.3)
    if split:
        if rng.random() < 0.6:
            add("app", "text", pick("last_name"), "last_name")
            add("app", "text", pick("first_name"), "first_name")
        else:
            add("app", "text", pick("first_name"), "first_name")
            add("app", "text", pick("last_name"), "last_name")
    else:
        add("app", "text", pick("name"), "name")
    gopts = list(rng.choice(GENDER_OPTS[lang]))
    g = add("app", "checkbox", pick("gender"), "gender", options=gopts)
    add("app", "date", pick("date_of_birth"), "date_of_birth")
    if rng.random() < 0.5:
        g_first = rng.random() < 0.5
        if not g_first:  # date of birth before gender on some forms
            fields.remove(g)
            fields.insert(len(fields), g)
    nat_mode = rng.choice(["text", "text", "choice", "none"])
    if nat_mode == "text":
        add("app", "text", pick("nationality"), "nationality")
    elif nat_mode == "choice":
        if lang == "zh":
            opts = ["中国", "其他"]
        elif person["chinese"]:
            opts = ["Chinese", "Other"]
        else:
            opts = [person["nationality"], "Other"]
        add("app", "checkbox", pick("nationality"), "nationality", options=opts)

    # contact: 4-6 of the pool
    pool = ["phone", "email", "address", "city", "postcode", "occupation", "employer", "emergency_contact"]
    idk = "id_number" if (lang == "zh" or rng.random() < 0.5) else "passport_number"
    if lang == "zh" and rng.random() < 0.15:
        idk = "passport_number"
    n = rng.randint(4, 6)
    chosen = [idk] + rng.sample(pool, n - 1) if rng.random() < 0.8 else rng.sample(pool, n)
    if family == "jobapp":
        chosen = [k for k in chosen if k != "employer"]
    order = ["id_number", "passport_number", "phone", "email", "address", "city", "postcode", "occupation",
             "employer", "emergency_contact"]
    for k in sorted(chosen, key=order.index):
        add("con", "text", pick(k), k)

    # theme (key null)
    if family == "jobapp":
        blk = "Current or most recent employer" if lang == "en" else "现（最近）工作单位"
        add("emp1", "text", "Employer name" if lang == "en" else "单位名称", "employer", block=blk)
        add("emp1", "text", "Department" if lang == "en" else "所在部门", None, block=blk)
        add("emp1", "date", "Start date" if lang == "en" else "入职日期", None, block=blk)
        blk2 = "Previous employer" if lang == "en" else "曾任职单位"
        add("emp2", "text", "Employer name" if lang == "en" else "单位名称", None, block=blk2)
        add("emp2", "text", "Position held" if lang == "en" else "担任职务", None, block=blk2)
        add("emp2", "text", "Reason for leaving" if lang == "en" else "离职原因", None, block=blk2)
    nt = rng.randint(2, 3) if family != "jobapp" else rng.randint(1, 2)
    for lab in rng.sample(th["texts"], nt):
        add("theme", "text", lab, None)
    nd_max = min(len(th["dates"]), 1 if family == "jobapp" else 2)
    nd = rng.choice([0, 1, 1, 2][: nd_max + 2]) if nd_max >= 1 else 0
    nd = min(nd, nd_max)
    for lab in rng.sample(th["dates"], nd):
        add("theme", "date", lab, None)
    no = rng.choice([1, 2, 2])
    for lab, opts in rng.sample(th["opts"], no):
        if opts is None:
            opts = ["0", "1", "2", "3"]
        add("theme", "checkbox", lab, None, options=list(opts), scale=(family == "intake"))
    # declaration
    add("decl", "text", pick("signature"), "signature")
    if rng.random() < 0.9:
        add("decl", "date", pick("date"), "date")

    # twoapp: the second applicant's column (same labels, key null)
    if family == "twoapp":
        extra = []
        for f in [f for f in fields if f.sec in ("app", "con")]:
            fid_n[0] += 1
            f2 = Fld(f)
            f2.update(fid=f"f{fid_n[0]}", key=None, pair=f.fid, sec=f.sec + "2")
            f.pair = f2.fid
            extra.append(f2)
        fields.extend(extra)

    profile, hard = build_profile(rng, lang, person, fields)
    for f in fields:
        f.value = None
        k = f.key
        if k is None or k == "signature":
            continue
        if f.kind == "date":
            if k in profile["_have"]:
                f.value = (person["dob"] if k == "date_of_birth" else person["today"]).isoformat()
        elif f.kind == "checkbox":
            if k in profile["_have"]:
                if k == "gender":
                    want = {"Male", "M", "男", "男性"} if person["male"] else {"Female", "F", "女", "女性"}
                    f.value = [o for o in f.options if o in want][0]
                else:
                    f.value = f.options[0]
        else:
            if k in profile["_have"]:
                f.value = profile["_vals"][k]
    prof = {k: v for k, v in profile.items() if not k.startswith("_")}
    return dict(title=title, issuer=issuer, decl=th["decl"], fields=fields, profile=prof, hard_case=hard,
                person=person, lang=lang, family=family)


def build_profile(rng, lang, person, fields):
    keys = []
    for f in fields:
        if f.key and f.key != "signature" and f.key not in keys:
            keys.append(f.key)
    hard = None
    if lang == "en" and "first_name" in keys and rng.random() < 0.35:
        hard = ("the form asks for the surname and given name separately; the profile has only the full name ("
                f"{person['full']} -> first_name {person['first']}, last_name {person['last']})")
    nomit = rng.choices([1, 2, 3, 4], weights=[30, 40, 22, 8])[0]
    omittable = [k for k in keys if not (hard and k in ("first_name", "last_name"))]
    omit = set(rng.sample(omittable, min(nomit, len(omittable) - 1)))
    have = [k for k in keys if k not in omit]
    mode = rng.choices(["canon", "variant", "chinese", "mixed"],
                       weights=[30, 30, 25, 15] if (lang == "zh" or person["chinese"]) else [45, 40, 0, 15])[0]

    def spell(k):
        c, v, z = KEY_SPELL[k]
        if mode == "canon":
            return c[0]
        if mode == "variant":
            return rng.choice(v + c)
        if mode == "chinese":
            return rng.choice(z)
        return rng.choice(rng.choice([c, v, z] if (lang == "zh" or person["chinese"]) else [c, v]))

    if lang == "zh":
        dspells = ["cn", "cn", "iso", "dot"]
    else:
        dspells = ["iso", "dot", "dmy_words", "mdy_words", "slash"] + (["cn"] if person["chinese"] else [])

    def dspell(d):
        h = rng.choice(dspells)
        if h == "slash" and d.day <= 12:
            h = "iso"
        return spell_date(d, h)

    vals = {}
    for k in keys + ["name"]:
        if k == "name":
            vals[k] = person["full"]
        elif k == "first_name":
            vals[k] = person["first"]
        elif k == "last_name":
            vals[k] = person["last"]
        elif k == "date_of_birth":
            vals[k] = dspell(person["dob"])
        elif k == "date":
            vals[k] = dspell(person["today"])
        elif k == "gender":
            if lang == "zh" or (mode == "chinese" and rng.random() < 0.6):
                vals[k] = "男" if person["male"] else "女"
            else:
                vals[k] = rng.choice(["M", "m", "male", "Male"] if person["male"] else ["F", "f", "female", "Female"])
        else:
            vals[k] = person[k]
    prof = {}
    for k in have:
        if hard and k in ("first_name", "last_name"):
            continue
        prof[spell(k)] = vals[k]
    if hard:
        prof[spell("name")] = person["full"]
    # extra entries the form does not ask for
    notasked = [k for k in KEY_SPELL if k not in keys and k not in ("date",) and not
                (k == "name" and ("first_name" in keys)) and not (k in ("first_name", "last_name") and "name" in keys)]
    for k in rng.sample(notasked, rng.choice([0, 1, 1, 2, 2])):
        sp = spell(k)
        if sp in prof:
            continue
        v = vals.get(k) or (dspell(person["dob"]) if k == "date_of_birth" else
                            ("男" if person["male"] else "女") if k == "gender" else person.get(k))
        if v is None:
            continue
        prof[sp] = v
    # shuffle the order deterministically
    items = list(prof.items())
    rng.shuffle(items)
    prof = dict(items)
    prof["_have"] = set(have)
    prof["_vals"] = vals
    return prof, hard


# ----------------------------------------------------------------------------------------------
# cosmetics (drawn again on a redraw) and widgets

EN_FONTS = ["'Liberation Sans'", "'Liberation Serif'", "'Liberation Sans Narrow'", "'DejaVu Sans'",
            "'DejaVu Serif'", "'Noto Sans'", "'Noto Serif'"]
ZH_FONTS = ["'Noto Sans CJK SC'", "'Noto Serif CJK SC'", "'WenQuanYi Zen Hei'",
            "'Liberation Serif', 'Noto Serif CJK SC'", "'DejaVu Sans', 'WenQuanYi Zen Hei'",
            "'Noto Sans', 'Noto Sans CJK SC'"]
EN_DATE_ONE = ["DD/MM/YYYY", "MM/DD/YYYY", "YYYY-MM-DD", "DD.MM.YYYY", "DD-MM-YYYY", "DD-MMM-YYYY"]
ZH_DATE_ONE = ["YYYY-MM-DD", "YYYY年MM月DD日", "YYYY/MM/DD", "YYYY.MM.DD"]
EN_DSTYLES = ["one_ph", "one_after", "one_under", "one_none", "p_ph", "p_cap_below", "p_cap_above", "p_words",
              "p_comb", "p_hint"]
ZH_DSTYLES = ["one_ph", "one_after", "one_under", "one_none", "z_ul_units", "z_box_units", "z_ph", "z_cap_below",
              "z_comb_units"]
OSTYLES = ["css_sq", "css_ci", "nat_cb", "nat_ra", "g_ballot", "g_white", "g_circle", "typed_sq", "typed_ro"]
JSON_OSTYLE = {"css_sq": "square", "nat_cb": "square", "css_ci": "radio", "nat_ra": "radio"}
GLYPH = {"g_ballot": "☐", "g_white": "□", "g_circle": "○", "typed_sq": "[ ]", "typed_ro": "( )"}
CAPS = {"en": {"day": "Day", "month": "Month", "year": "Year"}, "zh": {"day": "日", "month": "月", "year": "年"}}
PH = {"day": "DD", "month": "MM", "year": "YYYY"}


class Cos(dict):
    __getattr__ = dict.get


def make_cos(rng, lang, family):
    c = Cos()
    c["lang"] = lang
    c["font"] = rng.choice(EN_FONTS if lang == "en" else ZH_FONTS)
    c["fs"] = rng.randint(13, 16)
    c["lfs"] = max(11, c["fs"] - rng.choice([0, 0, 1, 2]))
    c["ink"] = rng.choice(["#111", "#1b1b1b", "#222a35", "#2b2118", "#0f1f33"])
    c["line"] = rng.choice(["#222", "#333", "#444", "#1f3b64", "#3a2f28", "#555"])
    c["acc"] = rng.choice(["#1f4e79", "#7a1f2b", "#245c3a", "#4b2c6f", "#8a5a00", "#0d5c63", "#333333"])
    c["tint"] = rng.choice(["#eef2f7", "#f3efe6", "#edf5ee", "#f4eef6", "#f0f0f0", "#e9f3f5"])
    c["lw"] = rng.choice([1, 1, 1, 2])
    c["ul"] = rng.choice(["solid", "solid", "dotted", "dashed"])
    c["ih"] = rng.randint(26, 34)
    c["colon"] = (rng.choice([":", ":", ""]) if lang == "en" else rng.choice(["：", "：", ""]))
    c["req"] = rng.random() < 0.3
    c["bold_lab"] = rng.random() < 0.35
    c["bw"] = rng.choice([14, 15, 16, 13])  # option box size
    c["ogap"] = rng.randint(14, 26)
    c["W"] = rng.randint(1100, 1240) if family in LANDSCAPE else rng.randint(780, 1000)
    c["pad"] = rng.randint(28, 48)
    c["rowgap"] = rng.randint(10, 18)
    pool = ["css_sq", "css_ci", "nat_cb", "nat_ra"] * 2 + ["g_ballot", "g_white", "g_circle"]
    k = rng.choice([1, 2, 2, 3])
    c["ostyles"] = []
    while len(c["ostyles"]) < k:
        o = rng.choice(pool)
        if o not in c["ostyles"]:
            c["ostyles"].append(o)
    if rng.random() < 0.2:
        c["ostyles"].append(rng.choice(["typed_sq", "typed_ro"]))
    c["olayout"] = rng.choice(["row", "row", "row", "stack", "grid"])
    return c


def draw_field_styles(rng, c, fields, family):
    """Per-field date / option styles."""
    lang = c.lang
    for f in fields:
        if f.pair and f.sec.endswith("2"):
            continue
        if f.kind == "date":
            st = rng.choice(EN_DSTYLES if lang == "en" else ZH_DSTYLES)
            f.dstyle = st
            if lang == "en":
                f.order = rng.choices(["DMY", "MDY", "YMD"], weights=[55, 25, 20])[0]
                f.fmt = rng.choice(EN_DATE_ONE)
                f.sep = rng.choice(["/", "/", "-", "."])
            else:
                f.order = "YMD"
                f.fmt = rng.choice(ZH_DATE_ONE)
                f.sep = rng.choice(["-", "/", "."])
            f.lower = rng.random() < 0.3 and "年" not in f.fmt
        elif f.kind == "checkbox":
            f.ostyle = rng.choice(c.ostyles)
            f.olayout = c.olayout if len(f.options) > 2 or c.olayout != "grid" else "row"
            if sum(len(o) for o in f.options) > 40 and f.olayout == "row":
                f.olayout = rng.choice(["stack", "grid"])
            f.textpos = "before" if rng.random() < 0.12 else "after"
    for f in fields:  # the second applicant's fields mirror the first's styles
        if f.pair and f.sec.endswith("2"):
            src = [g for g in fields if g.fid == f.pair][0]
            for k in ("dstyle", "order", "fmt", "sep", "lower", "ostyle", "olayout", "textpos"):
                f[k] = src.get(k)


def lab(f, c, cls="lab", ref=None, style=""):
    req = '<span class="req">*</span>' if (c.req and f.key in ("name", "last_name", "date_of_birth", "signature")) else ""
    ref = ref or (f.fid if not f.shared else f.shared)
    st = f' style="{style}"' if style else ""
    colon = "" if f.label.endswith(("?", "？")) else c.colon
    return f'<span class="{cls}" data-lab="{ref}"{st}>{esc(f.label)}{req}{colon}</span>'


def text_in(f, c, style, w=None, h=None, extra_style="", tag="div", inner=""):
    h = h or c.ih
    ws = f"width:{w}px;" if isinstance(w, int) else ("flex:1 1 0;min-width:40px;" if w == "flex" else
                                                     "width:100%;" if w == "full" else "")
    if style == "nat":
        return f'<input type="text" class="ti nat" data-inp="{f.fid}" style="{ws}height:{h}px;{extra_style}">'
    return f'<{tag} class="ti {style}" data-inp="{f.fid}" style="{ws}height:{h}px;{extra_style}">{inner}</{tag}>'


def fmt_text(fmt, lower):
    return fmt.lower() if lower else fmt


def part_box(f, c, pk, style, w, ph=None, h=None):
    h = h or c.ih
    inner = f'<span class="ph">{esc(ph)}</span>' if ph else ""
    return (f'<div class="ti {style} dp" data-part="{f.fid}" data-pk="{pk}" '
            f'style="width:{w}px;height:{h}px;">{inner}</div>')


def comb_part(f, c, pk, letters, style):
    cw = max(18, c.fs + 5)
    cells = "".join(f'<span class="cc" style="width:{cw}px;height:{c.ih}px">'
                    f'{f"<span class=ph>{ch}</span>" if letters else ""}</span>' for ch in
                    ({"day": "DD", "month": "MM", "year": "YYYY"}[pk]))
    return f'<div class="comb dp" data-part="{f.fid}" data-pk="{pk}">{cells}</div>'


def date_widget(f, c, style="box", full=False):
    """Returns (hint_after_label_html, widget_html) for a date field. style: the text input style."""
    lang = c.lang
    st = f.dstyle
    order = {"DMY": ["day", "month", "year"], "MDY": ["month", "day", "year"], "YMD": ["year", "month", "day"]}[f.order]
    fs = c.fs
    dw, yw = int(fs * 2.6) + 10, int(fs * 3.6) + 14
    pw = lambda pk: yw if pk == "year" else dw  # noqa: E731
    pst = style if style in ("box", "ul", "shade", "tick", "box2", "nat", "cellbox", "dotted") else "box"
    if pst in ("nat", "tick"):
        pst = "box"
    if st.startswith("one"):
        f.dmode = "one"
        fmt = f.fmt
        ow = int(fs * 9.5) if not full else "flex"
        if st == "one_ph":
            f.format = fmt
            if style == "nat":
                w = f'<input type="text" class="ti nat" data-inp="{f.fid}" placeholder="{esc(fmt_text(fmt, f.lower))}" ' \
                    f'style="width:{ow if isinstance(ow, int) else 200}px;height:{c.ih}px">'
            else:
                w = text_in(f, c, style, ow, inner=f'<span class="ph">{esc(fmt_text(fmt, f.lower))}</span>')
            return "", w
        if st == "one_after":
            f.format = fmt
            return f'<span class="hint">({esc(fmt_text(fmt, f.lower))})</span>' if lang == "en" else \
                f'<span class="hint">（{esc(fmt)}）</span>', text_in(f, c, style, ow)
        if st == "one_under":
            f.format = fmt
            wid = ow if isinstance(ow, int) else None
            return "", (f'<div class="dstack" style="{"width:%dpx" % wid if wid else "flex:1 1 0"}">'
                        f'{text_in(f, c, style, "full")}'
                        f'<div class="hint small">{"Format: " if lang == "en" else "格式："}{esc(fmt_text(fmt, f.lower))}</div></div>')
        f.format = None
        return "", text_in(f, c, style, ow)
    f.dmode = "parts"
    f.format = None
    pad_zh = st in ("z_ph", "z_comb_units")
    f.padded = lang == "en" or pad_zh
    sep = f.sep
    items = []
    if st in ("p_ph", "z_ph"):
        for i, pk in enumerate(order):
            if i:
                items.append(f'<span class="sep">{esc(sep)}</span>')
            ph = PH[pk].lower() if f.lower else PH[pk]
            items.append(part_box(f, c, pk, pst, pw(pk), ph))
        return "", f'<div class="dparts">{"".join(items)}</div>'
    if st in ("p_cap_below", "p_cap_above", "z_cap_below"):
        for pk in order:
            cap = f'<span class="cap">{CAPS[lang][pk] if lang == "zh" or st != "p_cap_above" else PH[pk]}</span>'
            box = part_box(f, c, pk, pst, pw(pk))
            items.append(f'<div class="dcol">{cap + box if st == "p_cap_above" else box + cap}</div>')
        return "", f'<div class="dparts top">{"".join(items)}</div>'
    if st == "p_words":
        for pk in order:
            items.append(f'<span class="cap2">{CAPS[lang][pk]}</span>{part_box(f, c, pk, pst, pw(pk))}')
        return "", f'<div class="dparts">{"".join(items)}</div>'
    if st == "p_comb":
        for i, pk in enumerate(order):
            if i:
                items.append(f'<span class="sep">{esc(sep)}</span>')
            items.append(comb_part(f, c, pk, True, pst))
        return "", f'<div class="dparts">{"".join(items)}</div>'
    if st == "p_hint":
        hint = f.sep.join(PH[pk] for pk in order).lower()
        for i, pk in enumerate(order):
            if i:
                items.append(f'<span class="sep">{esc(sep)}</span>')
            items.append(part_box(f, c, pk, "ul", pw(pk) - 8))
        return (f'<span class="hint">({esc(hint)})</span>',
                f'<div class="dparts">{"".join(items)}</div>')
    if st == "z_ul_units":
        for pk in order:
            items.append(part_box(f, c, pk, "ul", pw(pk) - 6) + f'<span class="unit">{CAPS["zh"][pk]}</span>')
        return "", f'<div class="dparts">{"".join(items)}</div>'
    if st == "z_box_units":
        for pk in order:
            items.append(part_box(f, c, pk, pst, pw(pk) - 6) + f'<span class="unit">{CAPS["zh"][pk]}</span>')
        return "", f'<div class="dparts">{"".join(items)}</div>'
    if st == "z_comb_units":
        for pk in order:
            items.append(comb_part(f, c, pk, False, pst) + f'<span class="unit">{CAPS["zh"][pk]}</span>')
        return "", f'<div class="dparts">{"".join(items)}</div>'
    raise ValueError(st)


def opt_box(f, c, i, ostyle):
    bw = c.bw
    if ostyle == "css_sq":
        return f'<span class="cb" data-opt="{f.fid}" data-oi="{i}" style="width:{bw}px;height:{bw}px"></span>'
    if ostyle == "css_ci":
        return f'<span class="cb ci" data-opt="{f.fid}" data-oi="{i}" style="width:{bw}px;height:{bw}px"></span>'
    if ostyle == "nat_cb":
        return f'<input type="checkbox" class="nc" data-opt="{f.fid}" data-oi="{i}" style="width:{bw}px;height:{bw}px">'
    if ostyle == "nat_ra":
        return (f'<input type="radio" class="nc" name="{f.fid}" data-opt="{f.fid}" data-oi="{i}" '
                f'style="width:{bw}px;height:{bw}px">')
    g = GLYPH[ostyle]
    return f'<span class="gl" data-opt="{f.fid}" data-oi="{i}" data-glyph="1"><i class="bl"></i>{esc(g)}</span>'


def options_widget(f, c, layout=None, textpos=None, cls=""):
    layout = layout or f.olayout
    textpos = textpos or f.textpos
    f.used_layout = layout + (" text above" if textpos == "above" else "")
    items = []
    for i, o in enumerate(f.options):
        box = opt_box(f, c, i, f.ostyle)
        txt = f'<span class="ot" data-ot="{f.fid}" data-oi="{i}">{esc(o)}</span>'
        if textpos == "above":
            items.append(f'<span class="opt above">{txt}{box}</span>')
        elif textpos == "before":
            items.append(f'<span class="opt">{txt}{box}</span>')
        else:
            items.append(f'<span class="opt">{box}{txt}</span>')
    return f'<span class="og og-{layout} {cls}">{"".join(items)}</span>'


def base_css(c):
    return f"""
* {{ box-sizing: border-box; }}
html, body {{ margin: 0; padding: 0; background: #fff; }}
body {{ font-family: {c.font}; font-size: {c.fs}px; color: {c.ink}; line-height: 1.3; }}
.page {{ width: {c.W}px; padding: {c.pad}px; position: relative; }}
.lab {{ font-size: {c.lfs}px; white-space: nowrap; {"font-weight: bold;" if c.bold_lab else ""} }}
.req {{ color: #c00; margin-left: 1px; }}
.hint {{ color: #666; font-size: {max(11, c.fs - 2)}px; margin-left: 6px; white-space: nowrap; }}
.hint.small {{ margin-left: 0; margin-top: 3px; display: block; }}
.ph {{ color: #9a9a9a; font-size: {max(11, c.fs - 2)}px; padding-left: 6px; white-space: nowrap; line-height: 1; }}
.ti {{ display: inline-flex; align-items: center; flex: none; background: transparent; }}
.ti.box {{ border: {c.lw}px solid {c.line}; background: #fff; }}
.ti.box2 {{ border: 2px solid {c.line}; background: #fff; }}
.ti.ul {{ border-bottom: {c.lw}px {c.ul} {c.line}; }}
.ti.dotted {{ border-bottom: 1px dotted {c.line}; }}
.ti.shade {{ background: {c.tint}; border-bottom: 2px solid {c.line}; }}
.ti.tick {{ border-bottom: 1px solid {c.line}; background-image: repeating-linear-gradient(90deg, {c.line} 0 1px,
    transparent 1px {c.fs + 6}px); background-size: 100% 6px; background-position: left bottom;
    background-repeat: no-repeat; }}
.ti.nat {{ border: 1px solid #8a8a8a; border-radius: 2px; padding: 0 6px; font: inherit; background: #fff; }}
.ti.cellbox {{ border: 1px solid {c.line}; background: #fff; }}
.dparts {{ display: inline-flex; align-items: center; flex-wrap: nowrap; gap: 4px; }}
.dparts.top {{ align-items: flex-start; }}
.dcol {{ display: inline-flex; flex-direction: column; align-items: center; gap: 2px; }}
.cap {{ font-size: {max(11, c.fs - 3)}px; color: #555; white-space: nowrap; }}
.cap2 {{ font-size: {max(11, c.fs - 2)}px; color: #444; margin: 0 4px 0 8px; white-space: nowrap; }}
.cap2:first-child {{ margin-left: 0; }}
.sep {{ color: #555; padding: 0 2px; }}
.unit {{ margin: 0 8px 0 4px; white-space: nowrap; }}
.comb {{ display: inline-flex; }}
.comb .cc {{ display: inline-flex; align-items: center; justify-content: center; border: 1px solid {c.line};
    margin-left: -1px; background: #fff; }}
.comb .cc:first-child {{ margin-left: 0; }}
.comb .cc .ph {{ padding: 0; }}
.dstack {{ display: inline-flex; flex-direction: column; }}
.og {{ display: inline-flex; }}
.og-row {{ flex-direction: row; flex-wrap: wrap; column-gap: {c.ogap}px; row-gap: 6px; align-items: center; }}
.og-stack {{ flex-direction: column; row-gap: 7px; }}
.og-grid {{ display: inline-grid; grid-template-columns: auto auto; column-gap: {c.ogap + 6}px; row-gap: 7px; }}
.opt {{ display: inline-flex; align-items: center; gap: 5px; white-space: nowrap; }}
.opt.above {{ flex-direction: column; gap: 3px; }}
.cb {{ display: inline-block; border: 1.5px solid {c.line}; background: #fff; flex: none; }}
.cb.ci {{ border-radius: 50%; }}
.nc {{ margin: 0; flex: none; }}
.gl {{ white-space: pre; }}
.bl {{ display: inline-block; width: 0; height: 0; vertical-align: baseline; }}
.title {{ font-size: {c.fs + 6}px; font-weight: bold; }}
.issuer {{ font-size: {c.fs}px; }}
.decl {{ font-size: {max(11, c.fs - 1)}px; line-height: 1.45; }}
"""


# ----------------------------------------------------------------------------------------------
# layout families

SECT = {"app": ("Personal details", "个人信息"), "con": ("Contact details", "联系方式"),
        "decl": ("Declaration", "声明")}
THEME_SECT = {"taxlines": ("Income and tax", "收入及纳税信息"), "twoapp": ("Tenancy details", "租赁信息"),
              "photoenrol": ("School details", "入学信息"), "intake": ("Health questions", "健康问卷"),
              "hotel": ("Stay details", "入住信息"), "material": ("Options", "会员选项"),
              "margin": ("Your household", "家庭情况"), "jobapp": ("The position", "应聘信息"),
              "triptych": ("Your booking", "报名信息"), "inbox": ("Membership", "会员信息"),
              "tabbed": ("Travel and goods", "行程及物品")}
GUIDE = {
    "en": {"name": "Write your name as it appears on your passport or official documents.",
           "last_name": "Your family name as it appears on official documents.",
           "first_name": "Include any middle names.",
           "date_of_birth": "You must be 18 or over to apply.",
           "gender": "Tick one box.", "address": "Include the flat or house number.",
           "phone": "We will only call you about this application.",
           "email": "We will send a confirmation to this address.",
           "postcode": "If you do not know your postcode, leave this blank.",
           "emergency_contact": "Someone we can contact if you are unavailable.",
           "signature": "Sign in black ink.", "theme": "See the guidance notes for what counts."},
    "zh": {"name": "请填写与身份证件一致的姓名。", "last_name": "与身份证件一致。", "first_name": "与身份证件一致。",
           "date_of_birth": "按公历填写。", "gender": "请在相应选项内打√。", "address": "请写明门牌号。",
           "phone": "用于办理进度通知。", "email": "用于接收电子回执。", "postcode": "不清楚可不填。",
           "emergency_contact": "申请人无法联系时使用。", "signature": "请用黑色墨水笔签名。",
           "theme": "详见填表说明。"},
}


def secs(ct):
    out = {}
    for f in ct["fields"]:
        out.setdefault(f.sec, []).append(f)
    return out


def sect_title(ct, key):
    lang = ct["lang"]
    if key == "theme":
        return THEME_SECT[ct["family"]][0 if lang == "en" else 1]
    return SECT[key][0 if lang == "en" else 1]


def widget(f, c, style, full=True, olayout=None, textpos=None):
    if f.kind == "text":
        return "", text_in(f, c, style, "flex" if full else int(c.fs * 12))
    if f.kind == "date":
        return date_widget(f, c, style, full=False)
    return "", options_widget(f, c, olayout, textpos)


def header(ct, c, rng, variant=None):
    lang = ct["lang"]
    code = rng.choice(["Form", "Ref.", "Form No."]) if lang == "en" else rng.choice(["表号", "编号"])
    code = f"{code} {rng.choice(['A', 'B', 'R', 'T', 'C'])}{rng.randint(10, 99)}-{rng.randint(1, 9)}"
    v = variant or rng.choice(["left", "center", "bar"])
    if v == "center":
        return (f'<div class="hdr" style="text-align:center;margin-bottom:18px"><div class="issuer">{esc(ct["issuer"])}</div>'
                f'<div class="title" style="margin-top:4px">{esc(ct["title"])}</div>'
                f'<div class="hint" style="margin:4px 0 0 0">{esc(code)}</div></div>')
    if v == "bar":
        return (f'<div class="hdr" style="background:{c.acc};color:#fff;padding:10px 14px;margin-bottom:18px;'
                f'display:flex;justify-content:space-between;align-items:flex-end"><div><div class="issuer">'
                f'{esc(ct["issuer"])}</div><div class="title">{esc(ct["title"])}</div></div>'
                f'<div style="font-size:12px">{esc(code)}</div></div>')
    return (f'<div class="hdr" style="display:flex;align-items:center;gap:14px;margin-bottom:18px;'
            f'border-bottom:2px solid {c.acc};padding-bottom:10px"><div style="width:46px;height:46px;'
            f'border-radius:50%;background:{c.acc};color:#fff;display:flex;align-items:center;justify-content:center;'
            f'font-weight:bold;font-size:16px">{esc(ct["issuer"][:1])}</div><div style="flex:1"><div class="issuer">'
            f'{esc(ct["issuer"])}</div><div class="title">{esc(ct["title"])}</div></div>'
            f'<div class="hint">{esc(code)}</div></div>')


def decl_text(ct):
    return f'<div class="decl" style="margin:6px 0 12px 0">{esc(ct["decl"])}</div>'


# -- (1) taxlines -------------------------------------------------------------------------------
def fam_taxlines(ct, c, rng):
    S = secs(ct)
    lang = ct["lang"]
    inner = c.W - 2 * c.pad
    E = int(inner * rng.uniform(0.40, 0.46))
    tstyle = rng.choice(["shade", "box", "tick", "shade"])
    bnbg = rng.choice(["#d9d9d9", "#cfd8e3", "#e4d9c6", "#dcdcdc"])
    css = f"""
.phead {{ display:flex; align-items:center; gap:10px; border-top:3px solid {c.ink}; margin-top:16px; padding:6px 0; }}
.ptag {{ background:{c.ink}; color:#fff; padding:2px 10px; font-weight:bold; font-size:{c.fs}px; }}
.ptitle {{ font-weight:bold; font-size:{c.fs + 1}px; }}
.trow {{ display:flex; align-items:center; padding:{rng.randint(6, 9)}px 0; border-bottom:1px solid #c8c8c8; }}
.ln {{ width:30px; font-weight:bold; flex:none; }}
.tl {{ flex:1 1 0; display:flex; align-items:baseline; min-width:0; }}
.tl .lab {{ white-space:normal; }}
.lead {{ flex:1 1 0; border-bottom:1px dotted #777; margin:0 8px; min-width:16px; }}
.bn {{ width:36px; flex:none; background:{bnbg}; font-size:11px; font-weight:bold; text-align:center; padding:4px 0;
      margin-right:8px; color:#333; }}
.entry {{ width:{E}px; flex:none; display:flex; align-items:center; }}
"""
    body = [header(ct, c, rng, rng.choice(["left", "bar"]))]
    n = 0
    for pi, key in enumerate(["app", "con", "theme", "decl"]):
        if key not in S:
            continue
        tag = f"Part {['I', 'II', 'III', 'IV'][pi]}" if lang == "en" else f"第{'一二三四'[pi]}部分"
        body.append(f'<div class="phead"><span class="ptag">{tag}</span><span class="ptitle">'
                    f'{esc(sect_title(ct, key))}</span></div>')
        if key == "decl":
            body.append(decl_text(ct))
        for f in S[key]:
            n += 1
            hint, w = widget(f, c, tstyle, full=True,
                             olayout="stack" if sum(len(o) for o in (f.options or [])) > 26 else "row")
            body.append(f'<div class="trow"><span class="ln">{n}</span><span class="tl">{lab(f, c)}{hint}'
                        f'<span class="lead"></span></span><span class="bn">{n}{rng.choice(["", "", "a"])}</span>'
                        f'<div class="entry">{w}</div></div>')
    return css, "".join(body)


# -- (2) twoapp ---------------------------------------------------------------------------------
def fam_twoapp(ct, c, rng):
    S = secs(ct)
    lang = ct["lang"]
    byid = {f.fid: f for f in ct["fields"]}
    inner = c.W - 2 * c.pad
    Lw = int(inner * rng.uniform(0.24, 0.3))
    Cw = (inner - Lw) // 2
    cellmode = rng.choice(["cell", "boxin", "cell"])
    lh = c.fs + 6
    pad = rng.randint(7, 10)
    rowh = c.ih + 2 * pad
    shade = rng.choice(["#eeeeee", c.tint, "#f4f4f4"])
    css = f"""
.ta {{ border-collapse:separate; border-spacing:0; border-top:1px solid {c.line}; border-left:1px solid {c.line};
       table-layout:fixed; width:{Lw + 2 * Cw}px; line-height:{lh}px; }}
.ta td, .ta th {{ border-right:1px solid {c.line}; border-bottom:1px solid {c.line}; padding:{pad}px {pad + 2}px;
       vertical-align:middle; text-align:left; }}
.ta th {{ background:{c.acc}; color:#fff; font-weight:bold; }}
.ta td.lc {{ background:{shade}; }}
.ta td.lc .lab {{ white-space:normal; }}
.ta tr {{ height:{rowh}px; }}
.sh {{ font-weight:bold; font-size:{c.fs + 2}px; margin:18px 0 8px; color:{c.acc}; }}
.lrow {{ display:flex; align-items:center; gap:12px; margin:{c.rowgap}px 0; }}
.lrow > .lab {{ width:{Lw - 12}px; flex:none; white-space:normal; }}
"""
    body = [header(ct, c, rng)]
    heads = ["Applicant 1", "Applicant 2"] if lang == "en" else ["申请人一", "申请人二"]
    if rng.random() < 0.4:
        heads = ["Applicant", "Co-applicant"] if lang == "en" else ["主申请人", "共同申请人"]
    rows = [f'<tr><th style="width:{Lw}px">{"" if rng.random() < 0.5 else ("Details" if lang == "en" else "项目")}'
            f'</th><th style="width:{Cw}px">{heads[0]}</th><th style="width:{Cw}px">{heads[1]}</th></tr>']
    for key in ("app", "con"):
        for f in S.get(key, []):
            f2 = byid[f.pair]
            f.shared = f2.shared = f"{f.fid} {f2.fid}"
            cells = []
            for g in (f, f2):
                if g.kind == "text":
                    if cellmode == "cell":
                        cells.append(f'<td data-inp="{g.fid}"></td>')
                    else:
                        cells.append(f'<td>{text_in(g, c, "box", "full")}</td>')
                elif g.kind == "date":
                    hint, w = date_widget(g, c, "box")
                    if g.dmode == "one" and cellmode == "cell" and g.dstyle in ("one_none", "one_ph"):
                        ph = f'<span class="ph">{esc(fmt_text(g.fmt, g.lower))}</span>' if g.dstyle == "one_ph" else ""
                        cells.append(f'<td data-inp="{g.fid}">{ph}</td>')
                    else:
                        cells.append(f'<td>{w}{hint}</td>')
                else:
                    cells.append(f'<td>{options_widget(g, c, "row")}</td>')
            rows.append(f'<tr><td class="lc">{lab(f, c)}</td>{"".join(cells)}</tr>')
    body.append(f'<div class="sh">{esc(sect_title(ct, "app"))}</div><table class="ta">{"".join(rows)}</table>')
    tstyle = rng.choice(["box", "ul", "box2"])
    for key in ("theme", "decl"):
        if key not in S:
            continue
        body.append(f'<div class="sh">{esc(sect_title(ct, key))}</div>')
        if key == "decl":
            body.append(decl_text(ct))
        for f in S[key]:
            hint, w = widget(f, c, tstyle)
            body.append(f'<div class="lrow">{lab(f, c)}{w}{hint}</div>')
    return css, "".join(body)


# -- (3) photoenrol -----------------------------------------------------------------------------
def fam_photoenrol(ct, c, rng):
    S = secs(ct)
    lang = ct["lang"]
    style = rng.choice(["shade", "shade", "tick", "ul"])
    pw, ph = rng.randint(118, 140), rng.randint(150, 172)
    ncol = rng.choice([2, 3]) if c.W >= 900 else 2
    css = f"""
.sh {{ font-size:{c.fs + 2}px; font-weight:bold; margin:18px 0 10px; padding-bottom:4px;
      border-bottom:{rng.choice([1, 2])}px {rng.choice(["solid", "dashed"])} {c.acc}; color:{c.acc}; }}
.pg {{ display:grid; grid-template-columns:repeat(COLS, minmax(0, 1fr)); column-gap:{rng.randint(20, 30)}px;
      row-gap:{c.rowgap + 4}px; }}
.u {{ display:flex; flex-direction:column; gap:5px; min-width:0; }}
.u .lr {{ display:flex; align-items:baseline; }}
.u .w {{ display:flex; }}
.span2 {{ grid-column: span 2; }}
.photo {{ width:{pw}px; height:{ph}px; border:1px dashed #777; display:flex; align-items:center; justify-content:center;
         text-align:center; color:#777; font-size:12px; flex:none; padding:6px; }}
.top {{ display:flex; gap:{rng.randint(20, 34)}px; align-items:flex-start; }}
"""
    def unit(f, span=False, textpos=None):
        hint, w = widget(f, c, style, olayout="row" if textpos else None, textpos=textpos)
        return (f'<div class="u{" span2" if span else ""}"><div class="lr">{lab(f, c)}{hint}</div>'
                f'<div class="w">{w}</div></div>')

    body = [header(ct, c, rng, rng.choice(["left", "center"]))]
    body.append(f'<div class="sh">{esc(sect_title(ct, "app"))}</div>')
    app = "".join(unit(f, f.kind == "date" and not f.dstyle.startswith("one") or f.kind == "checkbox" and
                       sum(len(o) for o in f.options) > 18) for f in S["app"])
    photo_t = "Affix a recent passport-size photo here<br>35 mm × 45 mm" if lang == "en" else "贴一寸近期<br>免冠照片"
    body.append(f'<div class="top"><div class="pg" style="flex:1;grid-template-columns:repeat(2, minmax(0, 1fr))">{app}'
                f'</div><div class="photo">{photo_t}</div></div>')
    first_opt = True
    for key in ("con", "theme", "decl"):
        if key not in S:
            continue
        body.append(f'<div class="sh">{esc(sect_title(ct, key))}</div>')
        if key == "decl":
            body.append(decl_text(ct))
        us = []
        for f in S[key]:
            tp = None
            if f.kind == "checkbox" and key == "theme" and first_opt:
                tp = "above"
                first_opt = False
            span = f.key in ("address", "emergency_contact") or f.kind == "checkbox" and \
                sum(len(o) for o in f.options) > 18 or f.kind == "date" and not f.dstyle.startswith("one")
            us.append(unit(f, span and ncol > 1, tp))
        body.append(f'<div class="pg">{"".join(us)}</div>'.replace("COLS", str(ncol)))
    return css.replace("COLS", str(ncol)), "".join(body)


# -- (4) intake ---------------------------------------------------------------------------------
def fam_intake(ct, c, rng):
    S = secs(ct)
    lang = ct["lang"]
    style = rng.choice(["ul", "ul", "dotted", "box"])
    zebra = rng.choice(["#f2f2f2", c.tint, "#ffffff"])
    css = f"""
.panel {{ border:{rng.choice([1, 2])}px solid {c.acc}; margin-bottom:18px; }}
.ptl {{ background:{c.acc}; color:#fff; font-weight:bold; padding:5px 12px; }}
.pin {{ padding:8px 14px 12px; }}
.prow {{ display:flex; gap:{rng.randint(26, 40)}px; margin:{c.rowgap}px 0; align-items:center; }}
.half {{ flex:1 1 0; display:flex; align-items:center; gap:10px; min-width:0; }}
.full {{ flex:1 1 0; display:flex; align-items:center; gap:10px; }}
.scale {{ border-collapse:collapse; width:100%; table-layout:fixed; margin:6px 0 14px; }}
.scale th {{ font-size:12px; font-weight:normal; color:#333; padding:6px 4px; vertical-align:bottom;
            border-bottom:2px solid {c.acc}; text-align:center; line-height:1.2; }}
.scale th.q {{ text-align:left; font-style:italic; }}
.scale td {{ padding:9px 6px; border-bottom:1px solid #bbb; text-align:center; }}
.scale td.q {{ text-align:left; }}
.scale td.q .lab {{ white-space:normal; }}
.scale tr:nth-child(odd) td {{ background:{zebra}; }}
.scale .opt {{ justify-content:center; }}
"""
    body = [header(ct, c, rng)]
    for key in ("app", "con", "theme", "decl"):
        if key not in S:
            continue
        fl = S[key]
        scale = [f for f in fl if f.scale]
        for f in scale:  # one option style for the whole grid
            f.ostyle = scale[0].ostyle
        rest = [f for f in fl if not f.scale]
        rows = []
        pairs = key in ("app", "con") and rng.random() < 0.8
        i = 0
        while i < len(rest):
            f = rest[i]
            wide = f.kind == "date" and not f.dstyle.startswith("one") or f.kind == "checkbox" or \
                f.key in ("address", "emergency_contact", "signature") or not pairs
            if wide or i + 1 >= len(rest):
                hint, w = widget(f, c, style)
                rows.append(f'<div class="prow"><div class="full">{lab(f, c)}{hint}{w}</div></div>')
                i += 1
                continue
            g = rest[i + 1]
            gw = g.kind == "date" and not g.dstyle.startswith("one") or g.kind == "checkbox" or \
                g.key in ("address", "emergency_contact", "signature")
            if gw:
                hint, w = widget(f, c, style)
                rows.append(f'<div class="prow"><div class="full">{lab(f, c)}{hint}{w}</div></div>')
                i += 1
                continue
            hs = [widget(x, c, style) for x in (f, g)]
            rows.append('<div class="prow">' + "".join(
                f'<div class="half">{lab(x, c)}{h[0]}{h[1]}</div>' for x, h in zip((f, g), hs)) + '</div>')
            i += 2
        if scale:
            intro = "Over the last 2 weeks, how often have you been bothered by the following?" if lang == "en" \
                else "过去两周内，以下问题困扰您的频率："
            qp = rng.randint(36, 44)
            trs = [f'<tr><th class="q" style="width:{qp}%">{intro}</th>' +
                   "".join(f'<th style="width:{(100 - qp) / 4:.2f}%">{esc(h)}</th>' for h in SCALE_COLS[lang]) + '</tr>']
            for f in scale:
                tds = []
                for oi, o in enumerate(f.options):
                    tds.append(f'<td><span class="opt">{opt_box(f, c, oi, f.ostyle)}'
                               f'<span class="ot" data-ot="{f.fid}" data-oi="{oi}">{esc(o)}</span></span></td>')
                trs.append(f'<tr><td class="q">{lab(f, c)}</td>{"".join(tds)}</tr>')
            rows.append(f'<table class="scale">{"".join(trs)}</table>')
        if key == "decl":
            rows.insert(0, decl_text(ct))
        body.append(f'<div class="panel"><div class="ptl">{esc(sect_title(ct, key))}</div>'
                    f'<div class="pin">{"".join(rows)}</div></div>')
    return css, "".join(body)


# -- (5) hotel ----------------------------------------------------------------------------------
def fam_hotel(ct, c, rng):
    S = secs(ct)
    lang = ct["lang"]
    per = rng.choice([2, 3])
    lc = c.line
    css = f"""
.card {{ border:{rng.choice([3, 4])}px double {c.acc}; border-radius:{rng.choice([0, 6, 12])}px; padding:18px 24px; }}
.brand {{ text-align:center; margin-bottom:10px; }}
.brand .nm {{ font-size:{c.fs + 8}px; letter-spacing:2px; font-weight:bold; color:{c.acc}; }}
.brand .st {{ color:#a07a00; letter-spacing:4px; font-size:14px; }}
.brand .ad {{ font-size:12px; color:#555; }}
.ctitle {{ text-align:center; font-weight:bold; font-size:{c.fs + 3}px; margin:4px 0 8px; letter-spacing:1px; }}
.band {{ background:{c.tint}; padding:4px 12px 10px; margin:8px 0; }}
.hsec {{ font-size:12px; font-weight:bold; color:{c.acc}; margin-top:20px; text-transform:uppercase; letter-spacing:1px; }}
.hl {{ display:flex; align-items:flex-end; gap:{rng.randint(26, 40)}px; margin:{c.rowgap + 4}px 0 0; }}
.hi {{ display:flex; align-items:flex-end; flex:1 1 0; min-width:0; }}
.hi.auto {{ flex:none; }}
.hi > .lab.ull {{ border-bottom:1px {c.ul} {lc}; padding:0 8px 3px 0; }}
.hi > .ti.ul {{ border-bottom:1px {c.ul} {lc}; }}
.hi > .lab.nol {{ padding:0 10px 3px 0; }}
.hi .og, .hi .dparts {{ padding-bottom:2px; }}
"""
    body = [f'<div class="card"><div class="brand"><div class="nm">{esc(ct["issuer"])}</div>'
            f'<div class="st">★ ★ ★ ★</div><div class="ad">'
            f'{esc(rng.choice(["1 Harbour Parade", "88 Lakeshore Drive"] if lang == "en" else ["滨海大道188号", "湖滨路66号"]))}'
            f'</div></div>'
            f'<div class="ctitle">{esc(ct["title"])}</div>']

    def item(f):
        if f.kind == "text":
            return f'<div class="hi">{lab(f, c, "lab ull")}{text_in(f, c, "ul", "flex")}</div>', False
        if f.kind == "date":
            hint, w = date_widget(f, c, "ul")
            return f'<div class="hi auto">{lab(f, c, "lab nol")}{hint}<span style="width:8px"></span>{w}</div>', True
        return f'<div class="hi auto">{lab(f, c, "lab nol")}{options_widget(f, c, "row", "after")}</div>', True

    order = ["theme", "app", "con", "decl"] if rng.random() < 0.5 else ["app", "con", "theme", "decl"]
    for key in order:
        if key not in S:
            continue
        lines, cur, n = [], [], 0
        for f in S[key]:
            h, auto = item(f)
            wgt = 2 if (f.key in ("address", "signature", "emergency_contact") or auto) else 1
            if n + wgt > per and cur:
                lines.append(cur)
                cur, n = [], 0
            cur.append(h)
            n += wgt
        if cur:
            lines.append(cur)
        inner = "".join(f'<div class="hl">{"".join(x)}</div>' for x in lines)
        title = f'<div class="hsec">{esc(sect_title(ct, key))}</div>'
        if key == "decl":
            inner = f'<div class="decl" style="margin-top:10px">{esc(ct["decl"])}</div>' + inner
        if key == "theme":
            body.append(f'<div class="band">{title}{inner}</div>')
        else:
            body.append(title + inner)
    body.append('</div>')
    return css, "".join(body)


# -- (6) material -------------------------------------------------------------------------------
def fam_material(ct, c, rng):
    S = secs(ct)
    lang = ct["lang"]
    oc = rng.choice(["#79747e", "#8a8f98", "#6b6b6b", "#5f7a99"])
    rad = rng.choice([4, 6, 8, 10])
    oh = rng.randint(42, 52)
    accent = rng.choice(["#6750a4", "#1a73e8", "#00796b", "#b3261e", "#3c4043"])
    for f in ct["fields"]:  # restrict the date styles to what a web form prints
        if f.kind == "date":
            if f.dstyle not in ("one_ph", "one_under", "one_none", "p_ph", "z_ph", "p_notch", "z_box_units"):
                f.dstyle = rng.choice(["one_ph", "p_notch"] if lang == "en" else ["one_ph", "z_ph", "z_box_units"])
        if f.kind == "checkbox":
            f.ostyle = rng.choice(["css_ci", "css_sq", "nat_ra", "nat_cb"])
    css = f"""
.bh {{ display:flex; justify-content:space-between; font-size:11px; color:#444; margin-bottom:14px; }}
.bf {{ display:flex; justify-content:space-between; font-size:11px; color:#444; margin-top:22px; }}
.mt {{ font-size:{c.fs + 7}px; margin:6px 0 4px; }}
.ms {{ color:#555; margin-bottom:8px; }}
.msec {{ display:flex; align-items:center; gap:10px; font-size:{c.fs + 2}px; font-weight:bold; margin:26px 0 18px; }}
.chip {{ width:26px; height:26px; border-radius:50%; background:{accent}; color:#fff; display:flex; align-items:center;
        justify-content:center; font-size:13px; }}
.mg {{ display:grid; grid-template-columns:repeat(2, minmax(0, 1fr)); column-gap:{rng.randint(18, 28)}px;
      row-gap:{rng.randint(26, 32)}px; }}
.mf {{ position:relative; min-width:0; }}
.mf.wide {{ grid-column: span 2; }}
.ti.outl {{ border:1px solid {oc}; border-radius:{rad}px; background:#fff; width:100%; }}
.ti.outl.dp {{ width:auto; }}
.mf > .lab.nl, .dw > .cap.nl {{ position:absolute; top:-{int(c.lfs * 0.7)}px; left:{rad + 6}px; background:#fff;
      padding:0 4px; font-size:{max(11, c.lfs - 1)}px; color:#49454f; font-weight:normal; line-height:1.2; }}
.mf > .lab.gl2 {{ display:block; margin-bottom:8px; color:#333; }}
.help {{ font-size:11px; color:#666; margin:4px 0 0 {rad + 6}px; }}
.dw {{ position:relative; display:inline-flex; }}
.cb {{ border-color:{accent}; border-width:2px; }}
.cb:not(.ci) {{ border-radius:3px; }}
.btn {{ display:inline-block; background:{accent}; color:#fff; border-radius:18px; padding:8px 22px; margin-top:20px; }}
"""
    body = [f'<div class="bh"><span>{rng.randint(1, 28)}/{rng.randint(1, 12)}/2026, {rng.randint(8, 18)}:'
            f'{rng.randint(10, 59)}</span><span>{esc(ct["title"])}</span></div>',
            f'<div class="issuer" style="color:{accent};font-weight:bold">{esc(ct["issuer"])}</div>'
            f'<div class="mt">{esc(ct["title"])}</div>'
            f'<div class="ms">{"Fields marked * are required." if lang == "en" else "带 * 为必填项。"}</div>']
    helps = {"en": ["As shown on your ID", "We never share this", "Include the area code", "Optional"],
             "zh": ["与证件一致", "仅用于通知", "选填", "请填写完整"]}[lang]

    def unit(f):
        help_ = f'<div class="help">{esc(rng.choice(helps))}</div>' if rng.random() < 0.25 and f.kind == "text" else ""
        if f.kind == "text":
            return f'<div class="mf">{text_in(f, c, "outl", "full", oh)}{lab(f, c, "lab nl")}{help_}</div>'
        if f.kind == "date" and f.dstyle in ("one_ph", "one_none", "one_under"):
            inner = f'<span class="ph">{esc(fmt_text(f.fmt, f.lower))}</span>' if f.dstyle == "one_ph" else ""
            f.dmode, f.format = "one", (f.fmt if f.dstyle != "one_none" else None)
            h2 = f'<div class="help">{"Format: " if lang == "en" else "格式："}{esc(fmt_text(f.fmt, f.lower))}</div>' \
                if f.dstyle == "one_under" else ""
            return f'<div class="mf">{text_in(f, c, "outl", "full", oh, inner=inner)}{lab(f, c, "lab nl")}{h2}</div>'
        if f.kind == "date" and f.dstyle == "p_notch":
            f.dmode, f.format, f.padded = "parts", None, True
            order = {"DMY": ["day", "month", "year"], "MDY": ["month", "day", "year"],
                     "YMD": ["year", "month", "day"]}[f.order]
            ps = []
            for pk in order:
                w = int(c.fs * (4.6 if pk == "year" else 3.4))
                ps.append(f'<span class="dw">{part_box(f, c, pk, "outl", w, None, oh)}'
                          f'<span class="cap nl">{CAPS["en"][pk]}</span></span>')
            return (f'<div class="mf wide">{lab(f, c, "lab gl2")}<div class="dparts" style="gap:14px">'
                    f'{"".join(ps)}</div></div>')
        if f.kind == "date":
            hint, w = date_widget(f, c, "outl")
            return f'<div class="mf wide">{lab(f, c, "lab gl2")}{hint}<div>{w}</div></div>'
        return (f'<div class="mf wide">{lab(f, c, "lab gl2")}'
                f'{options_widget(f, c, "row" if len(f.options) < 5 else "grid", "after")}</div>')

    step = 0
    for key in ("app", "con", "theme", "decl"):
        if key not in S:
            continue
        step += 1
        units = []
        for f in S[key]:
            u = unit(f)
            if f.key in ("address", "signature", "emergency_contact") and "wide" not in u[:30]:
                u = u.replace('<div class="mf">', '<div class="mf wide">', 1)
            units.append(u)
        body.append(f'<div class="msec"><span class="chip">{step}</span>{esc(sect_title(ct, key))}</div>')
        if key == "decl":
            body.append(decl_text(ct))
        body.append(f'<div class="mg">{"".join(units)}</div>')
    body.append(f'<div class="btn">{"Submit application" if lang == "en" else "提交申请"}</div>')
    body.append(f'<div class="bf"><span>https://{rng.choice(["apply.example.gov", "services.example.org", "www.example.cn"])}'
                f'/form/{rng.randint(1000, 9999)}</span><span>1/1</span></div>')
    return css, "".join(body)


# -- (7) margin ---------------------------------------------------------------------------------
def fam_margin(ct, c, rng):
    S = secs(ct)
    lang = ct["lang"]
    inner = c.W - 2 * c.pad
    nw = int(inner * rng.uniform(0.28, 0.34))
    style = rng.choice(["box2", "box", "box"])
    for f in ct["fields"]:
        if f.kind == "date" and lang == "en" and rng.random() < 0.5:
            f.dstyle = "p_cap_above"
        if f.kind == "checkbox" and rng.random() < 0.5:
            f.olayout, f.textpos = "stack", "before"
    css = f"""
.mrow {{ display:grid; grid-template-columns:minmax(0, 1fr) {nw}px; column-gap:{rng.randint(22, 34)}px;
        margin:{c.rowgap + 6}px 0; align-items:start; }}
.mu {{ display:flex; flex-direction:column; gap:6px; min-width:0; }}
.mu .lab {{ font-weight:bold; white-space:normal; }}
.mu .w {{ display:flex; }}
.note {{ font-size:{max(11, c.fs - 2)}px; color:#555; border-left:3px solid {rng.choice(["#b1b4b6", c.acc])};
        padding:2px 0 2px 10px; line-height:1.35; }}
.msh {{ display:flex; align-items:baseline; gap:12px; font-size:{c.fs + 5}px; font-weight:bold; margin:26px 0 6px;
       border-top:{rng.choice([1, 3])}px solid {c.ink}; padding-top:8px; }}
.msh .no {{ color:{c.acc}; }}
.og-stack .opt {{ justify-content:space-between; width:{rng.randint(190, 240)}px; }}
"""
    G = GUIDE[lang]
    body = [header(ct, c, rng, rng.choice(["left", "center"]))]
    no = 0
    for key in ("app", "con", "theme", "decl"):
        if key not in S:
            continue
        no += 1
        body.append(f'<div class="msh"><span class="no">{no}</span><span>{esc(sect_title(ct, key))}</span></div>')
        if key == "decl":
            body.append(decl_text(ct))
        for f in S[key]:
            hint, w = widget(f, c, style, full=True)
            if f.kind == "text" and f.key not in ("address", "emergency_contact", "signature", "email"):
                w = text_in(f, c, style, rng.choice([int(c.fs * 14), int(c.fs * 18), "flex"]))
            g = G.get(f.key or "theme") if rng.random() < 0.6 else None
            note = f'<div class="note">{esc(g)}</div>' if g else "<div></div>"
            body.append(f'<div class="mrow"><div class="mu"><div>{lab(f, c)}{hint}</div><div class="w">{w}</div>'
                        f'</div>{note}</div>')
    return css, "".join(body)


# -- (8) jobapp ---------------------------------------------------------------------------------
def fam_jobapp(ct, c, rng):
    S = secs(ct)
    lang = ct["lang"]
    inner = c.W - 2 * c.pad
    lw = int((inner // 2) * rng.uniform(0.36, 0.42))
    style = rng.choice(["box", "box", "shade", "box2"])
    css = f"""
.jh {{ border-left:{rng.choice([5, 8])}px solid {c.acc}; padding:4px 10px; font-weight:bold; font-size:{c.fs + 2}px;
      margin:22px 0 10px; background:{rng.choice(["#fff", c.tint])}; }}
.jg {{ display:grid; grid-template-columns:repeat(2, minmax(0, 1fr)); column-gap:{rng.randint(22, 32)}px;
      row-gap:{c.rowgap}px; }}
.ju {{ display:flex; align-items:center; gap:10px; min-width:0; }}
.ju > .lab {{ width:{lw}px; flex:none; white-space:normal; }}
.ju.wide {{ grid-column: span 2; }}
.ju.wide > .lab {{ width:{lw}px; }}
.blk {{ border:1px solid {c.line}; padding:10px 14px 14px; margin:10px 0; }}
.bt {{ font-weight:bold; margin-bottom:8px; font-size:{c.fs}px; }}
.bg {{ display:grid; grid-template-columns:repeat(3, minmax(0, 1fr)); column-gap:18px; }}
.bu {{ display:flex; flex-direction:column; gap:5px; min-width:0; }}
"""
    body = [header(ct, c, rng)]

    def unit(f):
        hint, w = widget(f, c, style)
        wide = f.key in ("address", "emergency_contact", "signature") or f.kind == "checkbox" or \
            f.kind == "date" and not f.dstyle.startswith("one") or len(f.label) > 22
        return f'<div class="ju{" wide" if wide else ""}">{lab(f, c)}{hint}{w}</div>'

    for key in ("app", "con", "emp", "theme", "decl"):
        if key == "emp":
            body.append(f'<div class="jh">{"Employment history" if lang == "en" else "工作经历"}</div>')
            for bk in ("emp1", "emp2"):
                fl = S[bk]
                us = []
                for f in fl:
                    hint, w = widget(f, c, style)
                    if f.kind == "text":
                        w = text_in(f, c, style, "full")
                    us.append(f'<div class="bu"><div>{lab(f, c)}{hint}</div><div style="display:flex">{w}</div></div>')
                body.append(f'<div class="blk"><div class="bt">{esc(fl[0].block)}</div><div class="bg">{"".join(us)}</div></div>')
            continue
        if key not in S:
            continue
        body.append(f'<div class="jh">{esc(sect_title(ct, key))}</div>')
        if key == "decl":
            body.append(decl_text(ct))
        body.append(f'<div class="jg">{"".join(unit(f) for f in S[key])}</div>')
    return css, "".join(body)


# -- (9) triptych -------------------------------------------------------------------------------
def fam_triptych(ct, c, rng):
    S = secs(ct)
    lang = ct["lang"]
    gap = rng.randint(26, 36)
    style = rng.choice(["ul", "ul", "dotted", "box"])
    css = f"""
.tri {{ display:grid; grid-template-columns:repeat(3, minmax(0, 1fr)); column-gap:{2 * gap}px; }}
.pnl {{ position:relative; min-width:0; }}
.pnl + .pnl::before {{ content:""; position:absolute; left:-{gap}px; top:0; bottom:0;
      border-left:1px dashed #999; }}
.fold {{ position:absolute; top:-20px; font-size:11px; color:#999; }}
.brandt {{ font-size:{c.fs + 8}px; font-weight:bold; color:{c.acc}; line-height:1.15; margin:6px 0 8px; }}
.blurb {{ font-size:{max(11, c.fs - 2)}px; color:#444; line-height:1.45; margin-bottom:10px; }}
.psh {{ font-weight:bold; background:{c.acc}; color:#fff; padding:3px 8px; margin:12px 0 8px; }}
.tu {{ display:flex; flex-direction:column; gap:4px; margin:{c.rowgap}px 0; }}
.tu .w {{ display:flex; }}
"""
    blurbs = {"en": "Join us for a season of hands-on sessions led by local artists and coaches. Places are limited, "
                    "so please return this form by post or hand it in at reception.",
              "zh": "欢迎参加本季活动，名额有限，请填写本表后交至服务台或邮寄至中心。"}

    def units(fl):
        out = []
        for f in fl:
            hint, w = widget(f, c, style, olayout="row" if len(f.options or []) <= 3 else "grid")
            out.append(f'<div class="tu"><div>{lab(f, c)}{hint}</div><div class="w">{w}</div></div>')
        return "".join(out)

    p1 = (f'<div class="pnl"><div class="issuer">{esc(ct["issuer"])}</div><div class="brandt">{esc(ct["title"])}</div>'
          f'<div class="blurb">{blurbs[lang]}</div><div class="psh">{esc(sect_title(ct, "app"))}</div>{units(S["app"])}</div>')
    p2 = (f'<div class="pnl"><span class="fold" style="left:-{gap + 12}px">{"fold" if lang == "en" else "折叠"}</span>'
          f'<div class="psh" style="margin-top:0">{esc(sect_title(ct, "con"))}</div>{units(S["con"])}</div>')
    p3 = (f'<div class="pnl"><span class="fold" style="left:-{gap + 12}px">{"fold" if lang == "en" else "折叠"}</span>'
          f'<div class="psh" style="margin-top:0">{esc(sect_title(ct, "theme"))}</div>{units(S["theme"])}'
          f'<div class="psh">{esc(sect_title(ct, "decl"))}</div>'
          f'<div class="decl" style="font-size:{max(11, c.fs - 2)}px">{esc(ct["decl"])}</div>{units(S["decl"])}</div>')
    return css, f'<div class="tri" style="margin-top:24px">{p1}{p2}{p3}</div>'


# -- (10) inbox ---------------------------------------------------------------------------------
def fam_inbox(ct, c, rng):
    S = secs(ct)
    bh = c.ih + rng.randint(8, 14)
    gap = rng.choice([0, 6, 10])
    lcol = rng.choice(["#777", "#5a5a5a", c.acc])
    css = f"""
.ibsec {{ font-weight:bold; margin:18px 0 8px; font-size:{c.fs + 1}px; }}
.ibr {{ display:flex; gap:{gap if gap else 0}px; margin-bottom:{gap}px; }}
.ib {{ border:{c.lw}px solid {c.line}; background:#fff; display:flex; align-items:center; padding:0 8px;
      min-height:{bh}px; flex:1 1 0; min-width:0; gap:10px; }}
.ti.ib {{ height:{bh}px; }}
.ib > .lab {{ color:{lcol}; font-size:{max(11, c.lfs - 1)}px; }}
.ib .ph.r {{ margin-left:auto; }}
.ib .og {{ padding:6px 0; }}
"""
    body = [header(ct, c, rng)]
    for key in ("app", "con", "theme", "decl"):
        if key not in S:
            continue
        body.append(f'<div class="ibsec">{esc(sect_title(ct, key))}</div>')
        if key == "decl":
            body.append(decl_text(ct))
        rows, cur = [], []
        for f in S[key]:
            if f.kind == "text":
                h = (f'<div class="ti ib" data-inp="{f.fid}" style="flex:{2 if f.key in ("address", "email") else 1} 1 0">'
                     f'{lab(f, c)}</div>')
            elif f.kind == "date" and f.dstyle.startswith("one"):
                f.dmode, f.padded = "one", True
                if f.dstyle in ("one_ph", "one_under", "one_after"):
                    f.format, f.dstyle = f.fmt, "one_ph"  # the grey format at the box's right end
                    h = (f'<div class="ti ib" data-inp="{f.fid}">{lab(f, c)}'
                         f'<span class="ph r">{esc(fmt_text(f.fmt, f.lower))}</span></div>')
                else:
                    f.format = None
                    h = f'<div class="ti ib" data-inp="{f.fid}">{lab(f, c)}</div>'
            elif f.kind == "date":
                hint, w = date_widget(f, c, "box", )
                h = f'<div class="ib" style="flex:2 1 0">{lab(f, c)}{hint}<span>{w}</span></div>'
            else:
                h = f'<div class="ib" style="flex:2 1 0">{lab(f, c)}{options_widget(f, c, "row", "after")}</div>'
            big = f.kind != "text" or f.key in ("address", "signature", "emergency_contact")
            cap = 2 if c.W > 880 else 1
            if big or len(cur) >= cap:
                if cur:
                    rows.append(cur)
                cur = []
            cur.append(h)
            if big and f.kind != "date" and f.kind != "text":
                rows.append(cur)
                cur = []
        if cur:
            rows.append(cur)
        body.append("".join(f'<div class="ibr">{"".join(r)}</div>' for r in rows))
    return css, "".join(body)


# -- (11) tabbed --------------------------------------------------------------------------------
def fam_tabbed(ct, c, rng):
    S = secs(ct)
    lang = ct["lang"]
    ncol = 3 if c.W >= 900 else 2
    tb = rng.choice([c.tint, "#dde3ea", "#e8e1d5", c.acc])
    tc = "#fff" if tb == c.acc else c.ink
    style = rng.choice(["box", "box2"])
    css = f"""
.tg {{ display:grid; grid-template-columns:repeat({ncol}, minmax(0, 1fr)); column-gap:{rng.randint(16, 26)}px;
      row-gap:{c.rowgap + 4}px; }}
.tu {{ display:flex; flex-direction:column; align-items:flex-start; min-width:0; }}
.tu.wide {{ grid-column: span {ncol}; }}
.tab {{ background:{tb}; color:{tc}; border-radius:{rng.choice([4, 6, 8])}px {rng.choice([4, 6, 8])}px 0 0;
       padding:3px 12px 3px 10px; display:inline-block; }}
.tab .lab {{ font-size:{max(11, c.lfs - 1)}px; }}
.tu > .ti, .tu > .grp {{ width:100%; }}
.grp {{ border:{c.lw}px solid {c.line}; padding:7px 10px; display:flex; align-items:center; gap:8px; flex-wrap:wrap;
       background:#fff; }}
.tsh {{ font-weight:bold; font-size:{c.fs + 1}px; margin:20px 0 10px; text-transform:{"uppercase" if lang == "en" else "none"};
       letter-spacing:1px; }}
"""
    body = [header(ct, c, rng, rng.choice(["bar", "center"]))]
    for key in ("app", "con", "theme", "decl"):
        if key not in S:
            continue
        body.append(f'<div class="tsh">{esc(sect_title(ct, key))}</div>')
        if key == "decl":
            body.append(decl_text(ct))
        us = []
        for f in S[key]:
            tab = f'<span class="tab">{lab(f, c)}</span>'
            if f.kind == "text":
                w = text_in(f, c, style, "full")
                wide = f.key in ("address", "signature") and ncol == 2
            elif f.kind == "date":
                hint, w0 = date_widget(f, c, style)
                if f.dmode == "one":
                    w0 = w0.replace('style="width:', 'style="min-width:', 1)
                    w = w0 if not f.dstyle == "one_under" else f'<div class="grp">{w0}</div>'
                    tab = f'<span class="tab">{lab(f, c)}{hint}</span>'
                    if f.dstyle != "one_under":
                        w = text_in(f, c, style, "full",
                                    inner=(f'<span class="ph">{esc(fmt_text(f.fmt, f.lower))}</span>'
                                           if f.dstyle == "one_ph" else ""))
                else:
                    w = f'<div class="grp">{hint}{w0}</div>'
                wide = not f.dstyle.startswith("one") and ncol == 2
            else:
                w = f'<div class="grp">{options_widget(f, c, "grid" if len(f.options) >= 4 else "row", "after")}</div>'
                wide = sum(len(o) for o in f.options) > (14 if ncol == 3 else 10)
            us.append(f'<div class="tu{" wide" if wide else ""}">{tab}{w}</div>')
        body.append(f'<div class="tg">{"".join(us)}</div>')
    return css, "".join(body)


FAMILY_FUN = {"taxlines": fam_taxlines, "twoapp": fam_twoapp, "photoenrol": fam_photoenrol, "intake": fam_intake,
              "hotel": fam_hotel, "material": fam_material, "margin": fam_margin, "jobapp": fam_jobapp,
              "triptych": fam_triptych, "inbox": fam_inbox, "tabbed": fam_tabbed}


# ----------------------------------------------------------------------------------------------
# rendering, extraction, checks

JS = r"""
(() => {
  const R = r => [Math.floor(r.left), Math.floor(r.top), Math.ceil(r.right), Math.ceil(r.bottom)];
  const RR = r => [r.left, r.top, r.right, r.bottom];
  const rangeRect = el => { const r = document.createRange(); r.selectNodeContents(el); return r.getBoundingClientRect(); };
  const cv = document.createElement('canvas').getContext('2d');
  const out = {lab: [], inp: [], part: [], opt: [], ot: [],
               W: document.documentElement.scrollWidth, H: document.documentElement.scrollHeight};
  document.querySelectorAll('[data-lab]').forEach(el => out.lab.push({f: el.dataset.lab, box: R(rangeRect(el)),
      text: el.textContent}));
  document.querySelectorAll('[data-inp]').forEach(el => out.inp.push({f: el.dataset.inp, box: R(el.getBoundingClientRect())}));
  document.querySelectorAll('[data-part]').forEach(el => out.part.push({f: el.dataset.part, pk: el.dataset.pk,
      box: R(el.getBoundingClientRect())}));
  document.querySelectorAll('[data-opt]').forEach(el => {
    const o = {f: el.dataset.opt, i: +el.dataset.oi};
    if (el.dataset.glyph) {
      const tn = el.lastChild;
      const r = document.createRange(); r.selectNodeContents(tn);
      const rr = r.getBoundingClientRect();
      const base = el.querySelector('i.bl').getBoundingClientRect().top;
      const cs = getComputedStyle(el);
      cv.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      const m = cv.measureText(tn.textContent);
      const x = rr.left;
      o.box = R({left: x - m.actualBoundingBoxLeft, top: base - m.actualBoundingBoxAscent,
                 right: x + m.actualBoundingBoxRight, bottom: base + m.actualBoundingBoxDescent});
      o.adv = R(rr);
      o.glyph = true;
    } else {
      o.box = R(el.getBoundingClientRect());
    }
    out.opt.push(o);
  });
  document.querySelectorAll('[data-ot]').forEach(el => out.ot.push({f: el.dataset.ot, i: +el.dataset.oi,
      box: R(rangeRect(el))}));
  return out;
})()
"""


def overlap(a, b, tol=1):
    return min(a[2], b[2]) - max(a[0], b[0]) > tol and min(a[3], b[3]) - max(a[1], b[1]) > tol


def gapd(a, b):
    dx = max(b[0] - a[2], a[0] - b[2], 0)
    dy = max(b[1] - a[3], a[1] - b[3], 0)
    return max(dx, dy)


def assemble(ct, data):
    """Field records (v2 JSON) from the extracted DOM boxes; raises ValueError on a missing box."""
    labs = {}
    lab_text = {}
    for r in data["lab"]:
        for fid in r["f"].split():
            labs[fid] = r["box"]
            lab_text[fid] = r["text"]
    inps = {r["f"]: r["box"] for r in data["inp"]}
    parts = {}
    for r in data["part"]:
        parts.setdefault(r["f"], []).append(r)
    opts = {(r["f"], r["i"]): r for r in data["opt"]}
    ots = {(r["f"], r["i"]): r["box"] for r in data["ot"]}
    out = []
    extra = {}
    fields = list(ct["fields"])
    if ct["family"] == "twoapp":  # the second applicant's field right after the first's
        byid = {f.fid: f for f in fields}
        order = []
        for f in fields:
            if f.sec.endswith("2"):
                continue
            order.append(f)
            if f.pair:
                order.append(byid[f.pair])
        fields = order
    for f in fields:
        if f.fid not in labs:
            raise ValueError(f"{f.fid} {f.label}: no label box")
        rec = {"label": f.label, "label_box": labs[f.fid], "kind": f.kind}
        ex = {"dom_label": lab_text[f.fid], "shared": f.shared}
        if f.kind == "text":
            if f.fid not in inps:
                raise ValueError(f"{f.fid}: no input box")
            rec.update(input_box=inps[f.fid], key=f.key, value=f.value)
        elif f.kind == "date":
            rec.update(key=f.key, value=f.value)
            if f.dmode == "one":
                if f.fid not in inps:
                    raise ValueError(f"{f.fid}: no date box")
                rec.update(input_box=inps[f.fid], format=f.format, parts=[])
            else:
                ps = parts.get(f.fid, [])
                if len(ps) != 3:
                    raise ValueError(f"{f.fid}: {len(ps)} date parts")
                d = dt.date.fromisoformat(f.value) if f.value else None
                plist = []
                for p in ps:
                    if d is None:
                        v = ""
                    elif p["pk"] == "year":
                        v = str(d.year)
                    else:
                        n = d.day if p["pk"] == "day" else d.month
                        v = "%02d" % n if f.padded else str(n)
                    plist.append({"part": p["pk"], "box": p["box"], "value": v})
                rec.update(input_box=None, format=None, parts=plist)
                ex["order"] = {"DMY": ["day", "month", "year"], "MDY": ["month", "day", "year"],
                               "YMD": ["year", "month", "day"]}[f.order]
        else:
            ol = []
            for i, o in enumerate(f.options):
                if (f.fid, i) not in opts or (f.fid, i) not in ots:
                    raise ValueError(f"{f.fid}: option {i} missing")
                ob = opts[(f.fid, i)]
                ol.append({"text": o, "text_box": ots[(f.fid, i)], "box": ob["box"]})
                if ob.get("glyph"):
                    ex.setdefault("glyphs", []).append((ob["box"], ob["adv"]))
            rec.update(style=JSON_OSTYLE.get(f.ostyle, "glyph"), input_box=None, key=f.key, value=f.value,
                       options=ol)
        out.append(rec)
        extra[id(rec)] = ex
    return out, extra


def field_boxes(rec):
    bs = []
    if rec.get("input_box"):
        bs.append(("input", rec["input_box"]))
    for p in rec.get("parts") or []:
        bs.append(("part", p["box"]))
    for o in rec.get("options") or []:
        bs.append(("obox", o["box"]))
        bs.append(("otext", o["text_box"]))
    return bs


def ink(gray, box, strong=True):
    x1, y1, x2, y2 = box
    a = gray[max(0, y1):max(0, y2), max(0, x1):max(0, x2)]
    if a.size == 0:
        return False
    return int(a.min()) < 150 and int(a.max()) - int(a.min()) >= 60


def check(ct, recs, extra, W, H, png):
    import numpy as np
    errs = []
    gray = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=np.int16)
    strip = lambda s: s.strip().rstrip("*:：").rstrip().rstrip("*").strip()  # noqa: E731
    for r in recs:
        ex = extra[id(r)]
        allb = [("label", r["label_box"])] + field_boxes(r)
        for nm, b in allb:
            if not (b[2] > b[0] and b[3] > b[1]):
                errs.append(f"{r['label']}: empty {nm} box {b}")
            if b[0] < 0 or b[1] < 0 or b[2] > W or b[3] > H:
                errs.append(f"{r['label']}: {nm} box {b} outside the page {W}x{H}")
        if strip(ex["dom_label"]) != r["label"]:
            errs.append(f"DOM label {ex['dom_label']!r} != {r['label']!r}")
        if not ink(gray, r["label_box"]):
            errs.append(f"{r['label']}: no ink in the label")
        for o in r.get("options") or []:
            if not ink(gray, o["text_box"]):
                errs.append(f"{r['label']}: no ink in option {o['text']}")
        for nm, b in field_boxes(r):  # the label overlaps nothing of its own field but its input
            if nm != "input" and overlap(r["label_box"], b, 0):
                errs.append(f"{r['label']}: label overlaps its own {nm}")
        if "order" in ex:
            xs = [(p["box"][0] + p["box"][2]) / 2 for p in r["parts"]]
            if [p["part"] for p in r["parts"]] != ex["order"] or not all(a < b for a, b in zip(xs, xs[1:])):
                errs.append(f"{r['label']}: date parts out of order")
        for gb, adv in ex.get("glyphs", []):
            x1, y1, x2, y2 = adv[0] - 1, adv[1] - 1, adv[2] + 1, adv[3] + 1
            a = gray[max(0, y1):y2, max(0, x1):x2]
            ys, xs = np.nonzero(a < 170)
            if len(xs) == 0:
                errs.append(f"{r['label']}: glyph without ink")
                continue
            pb = [xs.min() + x1, ys.min() + y1, xs.max() + x1 + 1, ys.max() + y1 + 1]
            if max(abs(int(p) - int(q)) for p, q in zip(pb, gb)) > 2:
                errs.append(f"{r['label']}: glyph box {gb} vs pixels {pb}")
    for i, r in enumerate(recs):
        for j, s in enumerate(recs):
            if i >= j:
                continue
            shared = extra[id(r)]["shared"] and extra[id(r)]["shared"] == extra[id(s)]["shared"]
            A = [("label", r["label_box"])] + field_boxes(r)
            B = [("label", s["label_box"])] + field_boxes(s)
            for na, a in A:
                for nb, b in B:
                    if shared and na == "label" and nb == "label":
                        continue
                    if overlap(a, b):
                        errs.append(f"{r['label']}.{na} overlaps {s['label']}.{nb}")
                    elif (na == "label" or nb == "label") and gapd(a, b) < 4:
                        errs.append(f"{r['label']}.{na} within 4 px of {s['label']}.{nb}")
    return errs


def describe(ct, c, recs):
    fam = ct["family"]
    ds = sorted({f.dstyle for f in ct["fields"] if f.kind == "date"})
    os_ = sorted({f.ostyle for f in ct["fields"] if f.kind == "checkbox"})
    return (f"{fam}: {FAMILY_DESC[fam]}; options {', '.join(os_)}; dates {', '.join(ds) or 'none'}; "
            f"{c.font.replace(chr(39), '')} {c.fs}px")


FAMILY_DESC = {
    "taxlines": "tax return lines: line number, label, dotted leader, shaded box-number tag, entry column",
    "twoapp": "two applicants side by side (shared row labels, the second applicant's column key null)",
    "photoenrol": "enrolment form with a photo box, labels above shaded guide inputs",
    "intake": "medical intake: bordered panels, label-left underlines, a 0-3 frequency tick grid",
    "hotel": "landscape hotel card: underlined labels running into the input line",
    "material": "printed web form: outlined inputs with the label notched into the top border",
    "margin": "government paper form with guidance notes in a right margin column",
    "jobapp": "job application with repeated employment blocks (current employer keyed, previous key null)",
    "triptych": "landscape three-panel leaflet with fold lines, labels above lines",
    "inbox": "labels printed inside the boxes at the left",
    "tabbed": "customs-style boxes with folder-tab labels on top",
}


def build_html(ct, c, rng):
    css, body = FAMILY_FUN[ct["family"]](ct, c, rng)
    lang = "zh-CN" if ct["lang"] == "zh" else "en"
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{esc(ct["title"])}</title>'
            f'<style>{base_css(c)}{css}</style></head><body><div class="page">{body}</div></body></html>\n')


def make_form(browser, seed, num, lang, family, out):
    fid = f"i_{num:02d}"
    ct0 = build_content(seed, num, lang, family)
    last = None
    for attempt in range(8):
        ct = dict(ct0)
        ct["fields"] = [Fld(f) for f in ct0["fields"]]
        rng = random.Random(f"{seed}/cosmetic/{num}/{attempt}")
        c = make_cos(rng, lang, family)
        draw_field_styles(rng, c, ct["fields"], family)
        html = build_html(ct, c, rng)
        try:
            png, data, (W, H) = browser.render(html, c.W, JS)
            recs, extra = assemble(ct, data)
            errs = check(ct, recs, extra, W, H, png)
        except Exception as e:  # noqa: BLE001
            errs = [f"render: {e}"]
            recs = None
        if not errs:
            break
        last = errs
        if DEBUG:
            print(f"{fid} attempt {attempt}: {len(errs)} problems: " + "; ".join(errs[:6]), file=sys.stderr)
            with open(f"/tmp/heldout_i_debug_{fid}_{attempt}.html", "w", encoding="utf-8") as fh:
                fh.write(html)
    else:
        raise SystemExit(f"{fid}: every draw failed its checks: " + "; ".join(last[:10]))
    with open(os.path.join(out, fid + ".html"), "w", encoding="utf-8") as fh:
        fh.write(html)
    save_png(png, os.path.join(out, fid + ".png"))
    kb = os.path.getsize(os.path.join(out, fid + ".png")) / 1024
    if kb >= 200:
        raise SystemExit(f"{fid}: PNG {kb:.0f} KB")
    gt = {"id": fid, "lang": lang, "width": W, "height": H, "image": fid + ".png",
          "layout": describe(ct, c, recs), "profile": ct["profile"], "fields": recs}
    if ct["hard_case"]:
        gt["hard_case"] = ct["hard_case"]
    with open(os.path.join(out, fid + ".json"), "w", encoding="utf-8") as fh:
        json.dump(gt, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    return gt, ct, c, attempt, kb


def assign_families(seed, count):
    rng = random.Random(f"{seed}/families")
    en = FAMILIES * 2
    zh = FAMILIES * 2
    rng.shuffle(en)
    rng.shuffle(zh)
    out = {}
    ie = iz = 0
    for num in range(1, count + 1):
        if num % 2:
            out[num] = ("en", en[ie % len(en)])
            ie += 1
        else:
            out[num] = ("zh", zh[iz % len(zh)])
            iz += 1
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=909)
    ap.add_argument("--count", type=int, default=44)
    ap.add_argument("--only", type=int, nargs="*", help="form numbers to write (debugging)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    t0 = time.time()
    fams = assign_families(args.seed, args.count)
    stats = []
    with Browser() as b:
        for num in range(1, args.count + 1):
            if args.only and num not in args.only:
                continue
            lang, fam = fams[num]
            gt, ct, c, attempt, kb = make_form(b, args.seed, num, lang, fam, args.out)
            stats.append((gt, ct, c, attempt, kb))
            print(f"{gt['id']} {lang} {fam:10s} {gt['width']}x{gt['height']} {len(gt['fields'])} fields "
                  f"draw {attempt + 1} {kb:.0f} KB")
    summary(stats)
    print(f"done in {time.time() - t0:.1f} s")


def summary(stats):
    from collections import Counter
    kinds = Counter()
    keyed = unf = 0
    due = Counter()
    dst = Counter()
    ost = Counter()
    jst = Counter()
    lay = Counter()
    orders = Counter()
    fmts = Counter()
    dmode = Counter()
    omitted = Counter()
    extras = 0
    fam_ids = {}
    gender_due = gender_on = nat_choice = nat_due = 0
    hard = 0
    draws = Counter()
    for gt, ct, c, attempt, kb in stats:
        lang = gt["lang"]
        draws[attempt + 1] += 1
        fam_ids.setdefault(ct["family"], []).append(gt["id"])
        hard += "hard_case" in gt
        keys_on = set()
        for f, r in zip(sorted(ct["fields"], key=lambda x: 0), gt["fields"]):
            pass
        byfid = {}
        for f in ct["fields"]:
            byfid[f.label, f.kind, f.key, f.fid] = f
        for r in gt["fields"]:
            kinds[(r["kind"], lang)] += 1
            if r["key"]:
                keyed += 1
                if r["value"] is None:
                    unf += 1
                else:
                    due[r["kind"]] += 1
                if r["key"] != "signature":
                    keys_on.add(r["key"])
            if r["kind"] == "checkbox" and r["key"] == "gender":
                gender_on += 1
                gender_due += r["value"] is not None
            if r["kind"] == "checkbox" and r["key"] == "nationality":
                nat_choice += 1
                nat_due += r["value"] is not None
        for f in ct["fields"]:
            if f.kind == "date":
                dst[(f.dstyle, lang)] += 1
                dmode[f.dmode] += 1
                if f.dmode == "parts":
                    orders[(lang, f.order)] += 1
                else:
                    fmts[f.format or "none"] += 1
            if f.kind == "checkbox":
                ost[(f.ostyle, lang)] += 1
                jst[JSON_OSTYLE.get(f.ostyle, "glyph")] += 1
                lay["scale grid row" if f.scale else f.used_layout] += 1
        prof_omit = len([k for k in keys_on if not any(r["key"] == k and r["value"] is not None
                                                          for r in gt["fields"])])
        omitted[prof_omit] += 1
        asked = keys_on
        pk = set()
        for k in gt["profile"]:
            for canon, (a, b_, z) in KEY_SPELL.items():
                if k in a + b_ + z:
                    pk.add(canon)
        extras += bool(pk - asked - ({"name"} if gt.get("hard_case") else set()))
    n = sum(kinds.values())
    print(f"\n{len(stats)} forms, {n} fields: " + ", ".join(
        f"{k} {kinds[(k, 'en')] + kinds[(k, 'zh')]} ({kinds[(k, 'en')]} en / {kinds[(k, 'zh')]} zh)"
        for k in ("text", "date", "checkbox")))
    print(f"keyed {keyed}, unfillable {unf}; values due {sum(due.values())} ({dict(due)}); hard cases {hard}")
    print(f"gender groups {gender_on} (due {gender_due}); nationality choices {nat_choice} (due {nat_due})")
    print("forms by number of keyed fields left unfilled (signature not counted):", dict(sorted(omitted.items())))
    print(f"profiles with extra entries: {extras}")
    print("draws:", dict(sorted(draws.items())))
    print("date styles (en / zh):", ", ".join(f"{s} {dst[(s, 'en')]} / {dst[(s, 'zh')]}"
                                             for s in sorted({s for s, _ in dst})))
    print("date modes:", dict(dmode), "orders:", dict(sorted(orders.items())), "one-box formats:", dict(fmts))
    print("option styles (en / zh):", ", ".join(f"{s} {ost[(s, 'en')]} / {ost[(s, 'zh')]}"
                                               for s in sorted({s for s, _ in ost})))
    print("JSON styles:", dict(jst), "layouts:", dict(lay))
    print("families:", "; ".join(f"{k} {' '.join(sorted(v))}" for k, v in fam_ids.items()))
    print(f"PNG max {max(s[4] for s in stats):.0f} KB; pages {min(s[0]['width'] for s in stats)}-"
          f"{max(s[0]['width'] for s in stats)} x {min(s[0]['height'] for s in stats)}-"
          f"{max(s[0]['height'] for s in stats)}")


if __name__ == "__main__":
    main()
