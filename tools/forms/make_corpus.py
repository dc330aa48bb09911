#!/usr/bin/env python3
"""Generate a corpus of blank HTML forms, render them with headless Chromium and
write ground truth for form-filling tests.

Outputs tests/fixtures/forms/<id>.html, <id>.png, <id>.json (format: see
tests/fixtures/forms/README.md).  Deterministic: everything comes from a seeded
random.Random, and every box is read from the DOM after layout
(getBoundingClientRect; x1/y1 floored, x2/y2 ceiled).

Usage:  python3 tools/forms/make_corpus.py [--out DIR] [--count N] [--seed S]
        python3 tools/forms/make_corpus.py --v2 [--out DIR] [--count N] [--seed S] [--prefix P]

--v2 writes the tuning corpus tests/fixtures/forms_tune/ (t_01 ...) in the v2 format
(dates, labels inside cells, grids, radios, glyph options; see tools/forms/README.md).
"""

import argparse
import html
import json
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from cdp_render import Browser, CDPError, save_png  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_OUT = os.path.join(ROOT, "tests", "fixtures", "forms")

EN_FONTS = ["'Liberation Sans', sans-serif", "'Liberation Serif', serif", "'DejaVu Sans', sans-serif",
            "'DejaVu Serif', serif", "'Noto Sans', sans-serif", "'Noto Serif', serif"]
ZH_FONTS = ["'Noto Sans CJK SC', sans-serif", "'Noto Serif CJK SC', serif", "'WenQuanYi Zen Hei', sans-serif"]

# ----------------------------------------------------------------------------- people
EN_PEOPLE = [
    dict(first_name="Emily", last_name="Carter", gender="F", date_of_birth="1990-05-17", nationality="British",
         phone="+44 7700 900123", email="emily.carter@example.co.uk", address="42 Elm Grove, Flat 3",
         city="Manchester", postcode="M14 6HY", occupation="Pharmacist", employer="Boots UK Ltd",
         id_number="QQ 12 34 56 C", passport_number="533380006",
         emergency_contact="David Carter, +44 7700 900456"),
    dict(first_name="James", last_name="Wilson", gender="M", date_of_birth="1985-11-02", nationality="American",
         phone="+1 415 555 0132", email="jwilson85@example.com", address="1870 Pine Street, Apt 5B",
         city="San Francisco", postcode="94109", occupation="Software engineer", employer="Bayview Analytics Inc.",
         id_number="D4827193", passport_number="564921387",
         emergency_contact="Laura Wilson, +1 415 555 0177"),
    dict(first_name="Olivia", last_name="Brown", gender="F", date_of_birth="1998-02-28", nationality="Australian",
         phone="+61 412 345 678", email="olivia.brown@example.com.au", address="7 Harbour Street",
         city="Sydney", postcode="2000", occupation="Graduate nurse", employer="St Vincent's Hospital",
         id_number="N7734102", passport_number="PA1234567",
         emergency_contact="Mark Brown, +61 412 987 654"),
    dict(first_name="Daniel", last_name="Hughes", gender="M", date_of_birth="1979-08-09", nationality="British",
         phone="+44 20 7946 0958", email="d.hughes@example.org", address="15 Kingsway Road",
         city="Cardiff", postcode="CF10 3AT", occupation="Civil engineer", employer="Severn Bridge Consulting",
         id_number="JT 55 81 20 B", passport_number="548812094",
         emergency_contact="Rachel Hughes, +44 7911 123456"),
    dict(first_name="Priya", last_name="Patel", gender="F", date_of_birth="1993-12-04", nationality="Indian",
         phone="+44 7700 900871", email="priya.patel@example.net", address="88 Queen's Road",
         city="Leicester", postcode="LE2 1TU", occupation="Accountant", employer="Midlands Audit LLP",
         id_number="SP 40 22 17 D", passport_number="Z6128345",
         emergency_contact="Raj Patel, +44 7700 900872"),
    dict(first_name="Lucas", last_name="Martin", gender="M", date_of_birth="2001-06-21", nationality="Canadian",
         phone="+1 604 555 0199", email="lucas.martin@example.ca", address="2250 West 4th Avenue",
         city="Vancouver", postcode="V6K 1N8", occupation="Student", employer="University of British Columbia",
         id_number="C58-221-904", passport_number="AB123456",
         emergency_contact="Claire Martin, +1 604 555 0144"),
    dict(first_name="Sophie", last_name="Turner", gender="F", date_of_birth="1988-03-30", nationality="Irish",
         phone="+353 87 123 4567", email="sophie.turner@example.ie", address="12 Merrion Square",
         city="Dublin", postcode="D02 XY45", occupation="Teacher", employer="St Mary's Secondary School",
         id_number="1234567TA", passport_number="PX9012345",
         emergency_contact="Ciaran Turner, +353 86 765 4321"),
    dict(first_name="Michael", last_name="Johnson", gender="M", date_of_birth="1972-10-15", nationality="American",
         phone="+1 212 555 0148", email="mjohnson@example.com", address="350 West 57th Street, Unit 12C",
         city="New York", postcode="10019", occupation="Financial analyst", employer="Hudson Capital Partners",
         id_number="M2291-7730", passport_number="488201937",
         emergency_contact="Karen Johnson, +1 212 555 0163"),
]
for p in EN_PEOPLE:
    p["name"] = f"{p['first_name']} {p['last_name']}"

# Chinese people; used for Chinese forms, and (romanised) for some English forms.
ZH_PEOPLE = [
    dict(name="张三", pinyin=("San", "Zhang"), gender="M", date_of_birth="1988-03-12", area="110105",
         phone="+86 138 1234 5678", email="zhangsan88@example.cn", address="北京市朝阳区建国路88号3号楼1202室",
         address_en="Room 1202, Building 3, 88 Jianguo Road, Chaoyang District", city="北京", city_en="Beijing",
         postcode="100022", occupation="软件工程师", occupation_en="Software engineer",
         employer="北京云启科技有限公司", employer_en="Beijing Yunqi Technology Co., Ltd.",
         emergency_contact="李梅 13901234567", emergency_en="Li Mei, +86 139 0123 4567", passport_number="E12345678"),
    dict(name="李华", pinyin=("Hua", "Li"), gender="F", date_of_birth="1995-07-08", area="440305",
         phone="13812345678", email="lihua@example.com.cn", address="广东省深圳市南山区科技园南路15号",
         address_en="15 Keyuan South Road, Nanshan District", city="深圳", city_en="Shenzhen",
         postcode="518057", occupation="产品经理", occupation_en="Product manager",
         employer="深圳市腾远网络有限公司", employer_en="Shenzhen Tengyuan Network Co., Ltd.",
         emergency_contact="李建国 13798765432", emergency_en="Li Jianguo, +86 137 9876 5432", passport_number="EA7654321"),
    dict(name="王芳", pinyin=("Fang", "Wang"), gender="F", date_of_birth="1979-11-23", area="310106",
         phone="+86 139 1766 2045", email="wangfang79@example.cn", address="浙江省杭州市西湖区文三路188号2单元501",
         address_en="Unit 501, 188 Wensan Road, Xihu District", city="杭州", city_en="Hangzhou",
         postcode="310012", occupation="中学教师", occupation_en="Teacher",
         employer="杭州市第二中学", employer_en="Hangzhou No. 2 High School",
         emergency_contact="陈强 13567891234", emergency_en="Chen Qiang, +86 135 6789 1234", passport_number="E98765432"),
    dict(name="刘洋", pinyin=("Yang", "Liu"), gender="M", date_of_birth="2000-01-15", area="510107",
         phone="18628001234", email="liuyang2000@example.cn", address="四川省成都市武侯区人民南路四段12号",
         address_en="12 Renmin South Road Section 4, Wuhou District", city="成都", city_en="Chengdu",
         postcode="610041", occupation="研究生", occupation_en="Graduate student",
         employer="四川大学", employer_en="Sichuan University",
         emergency_contact="刘志明 13881112233", emergency_en="Liu Zhiming, +86 138 8111 2233", passport_number="EC1122334"),
    dict(name="陈静", pinyin=("Jing", "Chen"), gender="F", date_of_birth="1992-09-30", area="310115",
         phone="021-5888 3210", email="chenjing@example.com", address="上海市浦东新区张江路368号5楼",
         address_en="5F, 368 Zhangjiang Road, Pudong New Area", city="上海", city_en="Shanghai",
         postcode="201203", occupation="人力资源专员", occupation_en="HR specialist",
         employer="上海明德科技有限公司", employer_en="Shanghai Mingde Technology Co., Ltd.",
         emergency_contact="陈国华 13601234321", emergency_en="Chen Guohua, +86 136 0123 4321", passport_number="EB5566778"),
    dict(name="赵磊", pinyin=("Lei", "Zhao"), gender="M", date_of_birth="1983-04-05", area="420106",
         phone="15927001188", email="zhaolei@example.cn", address="湖北省武汉市武昌区中南路99号",
         address_en="99 Zhongnan Road, Wuchang District", city="武汉", city_en="Wuhan",
         postcode="430071", occupation="医生", occupation_en="Doctor",
         employer="武汉市中心医院", employer_en="Wuhan Central Hospital",
         emergency_contact="孙丽 15927003344", emergency_en="Sun Li, +86 159 2700 3344", passport_number="E33445566"),
    dict(name="孙丽", pinyin=("Li", "Sun"), gender="F", date_of_birth="1997-12-19", area="320102",
         phone="+86 151 9500 6677", email="sunli97@example.cn", address="江苏省南京市玄武区中山路200号",
         address_en="200 Zhongshan Road, Xuanwu District", city="南京", city_en="Nanjing",
         postcode="210008", occupation="会计", occupation_en="Accountant",
         employer="南京金陵会计师事务所", employer_en="Nanjing Jinling Accounting Firm",
         emergency_contact="孙建 15195008899", emergency_en="Sun Jian, +86 151 9500 8899", passport_number="ED2233445"),
    dict(name="周杰", pinyin=("Jie", "Zhou"), gender="M", date_of_birth="1991-06-27", area="370202",
         phone="13306391234", email="zhoujie@example.com.cn", address="山东省青岛市市南区香港中路10号",
         address_en="10 Hong Kong Middle Road, Shinan District", city="青岛", city_en="Qingdao",
         postcode="266071", occupation="销售经理", occupation_en="Sales manager",
         employer="青岛海蓝贸易有限公司", employer_en="Qingdao Hailan Trading Co., Ltd.",
         emergency_contact="周红 13306395678", emergency_en="Zhou Hong, +86 133 0639 5678", passport_number="EE6677889"),
]


def cn_id(area, dob, seq, male):
    """18-digit PRC resident ID with a valid ISO 7064 MOD 11-2 check digit."""
    body = area + dob.replace("-", "") + f"{seq % 100:02d}" + str((1 if male else 2) + 2 * (seq % 4))
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(c) * k for c, k in zip(body, w)) % 11]
    return body + check


for i, p in enumerate(ZH_PEOPLE):
    p["id_number"] = cn_id(p["area"], p["date_of_birth"], 10 + 7 * i, p["gender"] == "M")
    p["nationality"] = "中国"

# ----------------------------------------------------------------------------- labels
# key -> (English label variants, Chinese label variants)
LABELS = {
    "name": (["Name", "Full name", "Full Name", "Applicant name", "Name of applicant", "Guest name"],
             ["姓名", "申请人姓名", "客户姓名", "姓　名"]),
    "first_name": (["First name", "Given name(s)", "First Name", "Forename"], ["名"]),
    "last_name": (["Last name", "Surname", "Family name", "Last Name"], ["姓"]),
    "id_number": (["ID number", "ID No.", "National ID number", "Identity card number", "ID card no."],
                  ["身份证号码", "证件号码", "身份证号", "公民身份号码"]),
    "passport_number": (["Passport number", "Passport No.", "Passport no"], ["护照号码", "护照号"]),
    "phone": (["Phone", "Mobile", "Telephone", "Mobile number", "Phone number", "Contact number", "Tel."],
              ["手机", "电话", "联系电话", "手机号码", "移动电话"]),
    "email": (["Email", "E-mail", "Email address", "E-mail address"], ["邮箱", "电子邮箱", "电子邮件", "E-mail"]),
    "address": (["Address", "Home address", "Residential address", "Postal address", "Current address"],
                ["地址", "住址", "通讯地址", "家庭住址", "现住址"]),
    "city": (["City", "Town/City", "City of residence"], ["城市", "所在城市"]),
    "postcode": (["Postcode", "Zip code", "ZIP", "Postal code", "Post code"], ["邮编", "邮政编码"]),
    "date_of_birth": (["Date of birth", "DOB", "Birth date", "Date of Birth"], ["出生日期", "出生年月日"]),
    "gender": (["Gender", "Sex"], ["性别"]),
    "nationality": (["Nationality", "Citizenship"], ["国籍"]),
    "occupation": (["Occupation", "Job title", "Profession"], ["职业", "职务"]),
    "employer": (["Employer", "Company", "Name of employer", "Current employer"], ["工作单位", "单位名称", "就职单位"]),
    "emergency_contact": (["Emergency contact", "Emergency contact (name, phone)", "In case of emergency"],
                          ["紧急联系人", "紧急联系人及电话"]),
    "date": (["Date", "Date signed", "Today's date"], ["日期", "填表日期", "申请日期"]),
    "signature": (["Signature", "Applicant's signature", "Signature of applicant"], ["签名", "申请人签字", "本人签名"]),
}

# fields the profile never has (key null)
NULL_EN = ["Reference no.", "Branch code", "Remarks", "Account number", "Room number", "Office use only",
           "Vehicle registration", "Student ID", "Policy number", "Arrival date", "Departure date",
           "Position applied for", "Expected salary", "Course name", "Claim number", "Monthly rent",
           "Doctor's name", "Staff ID", "Visa type", "Number of guests"]
NULL_ZH = ["备注", "房间号", "网点代码", "申请编号", "入住日期", "离店日期", "学号", "保单号", "车牌号",
           "应聘岗位", "期望薪资", "报名项目", "开户网点", "经办人", "审核意见", "租赁期限", "月租金", "受理编号"]

# checkbox groups with key null
CB_NULL_EN = [("Account type", ["Savings", "Current"]), ("Marital status", ["Single", "Married"]),
              ("Room type", ["Single", "Double", "Suite"]), ("Payment method", ["Cash", "Card", "Transfer"]),
              ("Smoker", ["Yes", "No"]), ("Employment type", ["Full-time", "Part-time"])]
CB_NULL_ZH = [("账户类型", ["储蓄账户", "活期账户"]), ("婚姻状况", ["未婚", "已婚"]),
              ("房型", ["标准间", "大床房", "套房"]), ("付款方式", ["现金", "刷卡", "转账"]),
              ("是否首次申请", ["是", "否"]), ("学历", ["本科", "硕士", "博士"])]

# ----------------------------------------------------------------------------- profile keys
PROFILE_KEYS = {  # canonical -> (english spelling variants, chinese spellings)
    "name": (["full_name", "Full Name", "fullName", "Name", "applicant_name"], ["姓名"]),
    "first_name": (["firstName", "given_name", "First name", "forename"], ["名"]),
    "last_name": (["lastName", "surname", "family_name", "Last name"], ["姓"]),
    "id_number": (["ID", "id_no", "national_id", "ID number", "id_card"], ["身份证号码", "证件号码", "身份证号"]),
    "passport_number": (["passport", "Passport No", "passport_no"], ["护照号码"]),
    "phone": (["Mobile", "mobile", "tel", "telephone", "Phone", "cell"], ["手机", "联系电话", "电话", "手机号"]),
    "email": (["E-mail", "e_mail", "mail", "Email", "email_address"], ["邮箱", "电子邮箱"]),
    "address": (["home_address", "Address", "street_address", "residential_address"], ["地址", "住址", "通讯地址"]),
    "city": (["City", "town"], ["城市"]),
    "postcode": (["zip", "postal_code", "ZIP", "post_code", "zipcode"], ["邮编", "邮政编码"]),
    "date_of_birth": (["dob", "DOB", "birthday", "birth_date", "dateOfBirth"], ["出生日期", "生日"]),
    "gender": (["sex", "Gender", "Sex"], ["性别"]),
    "nationality": (["citizenship", "Nationality", "country"], ["国籍"]),
    "occupation": (["job", "job_title", "Occupation", "profession"], ["职业"]),
    "employer": (["company", "workplace", "Employer", "employer_name"], ["工作单位", "单位"]),
    "emergency_contact": (["emergency", "ICE", "Emergency Contact", "emergency_phone"], ["紧急联系人"]),
    "date": (["today", "signing_date", "Date", "form_date"], ["日期", "填表日期"]),
}

GENDER_SPELL = {"M": ["male", "M", "Male", "男", "m"], "F": ["female", "F", "Female", "女", "f"]}

# ----------------------------------------------------------------------------- form types
# each: (title, instruction, footer, sections: [(heading, [field spec])])
# field spec: canonical key | "null:<label>" | "cbnull:<idx>" ; "gender" is a checkbox group.
EN_TYPES = [
    ("Personal Account Opening Form", "Please complete in BLOCK CAPITALS using black ink.",
     "Northbank plc is authorised by the Prudential Regulation Authority. Keep a copy of this form.",
     [("Section 1: Personal details", ["name", "date_of_birth", "gender", "nationality", "id_number"]),
      ("Section 2: Contact details", ["address", "city", "postcode", "phone", "email"]),
      ("Section 3: Account", ["cbnull:0", "occupation", "employer"]),
      ("For bank use only", ["null:Branch code", "null:Reference no."]),
      ("Declaration", ["signature", "date"])]),
    ("Hotel Guest Registration Card", "Welcome! Please fill in your details below.",
     "Check-out time is 12:00 noon. Thank you for staying with us.",
     [("Guest details", ["first_name", "last_name", "nationality", "passport_number", "date_of_birth"]),
      ("Stay", ["null:Room number", "null:Arrival date", "null:Departure date", "cbnull:2"]),
      ("Contact", ["phone", "email", "address"]),
      ("", ["signature"])]),
    ("Job Application Form", "All fields marked * are required.",
     "Applications are treated in strict confidence. Equal opportunities employer.",
     [("Position", ["null:Position applied for", "null:Expected salary"]),
      ("Personal information", ["first_name", "last_name", "date_of_birth", "gender", "phone", "email"]),
      ("Address", ["address", "city", "postcode"]),
      ("Current employment", ["employer", "occupation", "cbnull:5"]),
      ("", ["signature", "date"])]),
    ("Residence Permit Application", "Answer every question. Incomplete applications will be returned.",
     "Submit this form with two passport photographs and a copy of your passport.",
     [("Part A - Applicant", ["name", "date_of_birth", "gender", "nationality", "passport_number"]),
      ("Part B - Address and contact", ["address", "city", "postcode", "phone", "email"]),
      ("Part C - Employment", ["occupation", "employer", "null:Visa type"]),
      ("", ["signature", "date"])]),
    ("Insurance Claim Form", "Please report your claim within 30 days of the incident.",
     "Knowingly making a false claim is a criminal offence.",
     [("Policy holder", ["null:Policy number", "name", "date_of_birth", "phone", "email"]),
      ("Address", ["address", "city", "postcode"]),
      ("Claim", ["null:Claim number", "null:Remarks"]),
      ("", ["signature", "date"])]),
    ("School Enrolment Form", "One form per student. Please print clearly.",
     "Greenfield Academy, 10 School Lane, Oxford OX2 6NN",
     [("Student", ["first_name", "last_name", "date_of_birth", "gender", "null:Course name"]),
      ("Contact details", ["phone", "email", "address", "postcode"]),
      ("", ["emergency_contact", "signature", "date"])]),
    ("New Patient Registration", "Please complete both sides of this form before your appointment.",
     "Your information is kept confidential in line with data protection law.",
     [("About you", ["name", "date_of_birth", "gender", "nationality", "occupation"]),
      ("Contact details", ["address", "postcode", "phone", "email"]),
      ("", ["emergency_contact", "null:Doctor's name", "cbnull:4"]),
      ("", ["signature", "date"])]),
    ("Tenancy Application Form", "Each adult tenant must complete a separate form.",
     "Harbourside Lettings Ltd, 5 Dock Street, Leeds LS10 1JF  |  Tel 0113 496 0000",
     [("Applicant", ["first_name", "last_name", "date_of_birth", "id_number", "cbnull:1"]),
      ("Current address", ["address", "city", "postcode"]),
      ("Contact and employment", ["phone", "email", "employer", "occupation"]),
      ("Tenancy", ["null:Monthly rent", "null:Vehicle registration"]),
      ("", ["signature", "date"])]),
]
ZH_TYPES = [
    ("个人银行开户申请表", "请用黑色签字笔填写，字迹清晰、工整。",
     "本行承诺对客户信息严格保密。本表一式两份。",
     [("一、客户基本信息", ["name", "gender", "date_of_birth", "nationality", "id_number"]),
      ("二、联系方式", ["phone", "email", "address", "postcode"]),
      ("三、开户信息", ["cbnull:0", "occupation", "employer", "null:开户网点"]),
      ("", ["signature", "date"])]),
    ("旅客入住登记表", "请如实填写以下信息，谢谢合作。",
     "退房时间为中午12:00，如需延迟退房请联系前台。",
     [("", ["name", "gender", "id_number", "phone"]),
      ("", ["null:房间号", "null:入住日期", "null:离店日期", "cbnull:2"]),
      ("", ["address", "signature"])]),
    ("求职申请表", "带 * 号的为必填项。",
     "本人保证以上所填信息真实有效，如有虚假愿承担相应责任。",
     [("应聘信息", ["null:应聘岗位", "null:期望薪资"]),
      ("个人信息", ["name", "gender", "date_of_birth", "id_number", "cbnull:5"]),
      ("联系方式", ["phone", "email", "address"]),
      ("工作经历", ["employer", "occupation"]),
      ("", ["signature", "date"])]),
    ("2025年马拉松赛事报名表", "请认真填写报名信息，报名成功后不可更改。",
     "主办单位：市体育局    咨询电话：0571-8888 6666",
     [("", ["name", "gender", "date_of_birth", "id_number", "phone", "email"]),
      ("", ["null:报名项目", "emergency_contact", "address"]),
      ("", ["signature", "date"])]),
    ("居住证申领登记表", "请携带本人身份证原件及复印件办理。",
     "本表由公安机关留存，仅用于居住证办理。",
     [("申请人信息", ["name", "gender", "date_of_birth", "nationality", "id_number"]),
      ("居住信息", ["address", "city", "postcode", "phone"]),
      ("就业信息", ["employer", "occupation"]),
      ("", ["null:受理编号", "null:经办人", "date"])]),
    ("门诊患者信息登记表", "首次就诊患者请填写本表。",
     "请妥善保管您的就诊卡。",
     [("", ["name", "gender", "date_of_birth", "id_number", "phone"]),
      ("", ["address", "occupation", "emergency_contact", "cbnull:1"]),
      ("", ["null:备注", "signature", "date"])]),
    ("房屋租赁申请表", "请承租人如实填写，并提供有效证件。",
     "出租方：安居房屋租赁有限公司",
     [("承租人信息", ["name", "gender", "id_number", "phone", "email"]),
      ("", ["employer", "address"]),
      ("租赁信息", ["null:租赁期限", "null:月租金", "null:车牌号"]),
      ("", ["signature", "date"])]),
    ("新生入学报名表", "请家长如实填写学生信息。",
     "报名地点：学校教务处    报名时间：工作日 9:00-16:00",
     [("学生信息", ["name", "gender", "date_of_birth", "id_number", "cbnull:5"]),
      ("家庭信息", ["address", "postcode", "phone", "emergency_contact"]),
      ("", ["null:学号", "null:审核意见", "date"])]),
]

# ----------------------------------------------------------------------------- layouts
LAYOUTS = [
    dict(cols=1, pos="left", inp="box"),
    dict(cols=1, pos="left", inp="underline"),
    dict(cols=1, pos="above", inp="box"),
    dict(cols=2, pos="left", inp="box"),
    dict(cols=2, pos="left", inp="underline"),
    dict(cols=2, pos="above", inp="box"),
    dict(cols=2, pos="above", inp="underline"),
    dict(cols=1, pos="left", inp="native"),
    dict(cols=2, pos="above", inp="native"),
    dict(cols=1, pos="left", inp="table"),
    dict(cols=2, pos="left", inp="table"),
    dict(cols=1, pos="above", inp="underline"),
    dict(cols=2, pos="left", inp="table"),
]


def layout_desc(L, cb_native):
    cols = "one-column" if L["cols"] == 1 else "two-column"
    if L["inp"] == "table":
        d = f"bordered table, {'label|input rows' if L['cols'] == 1 else '4-column rows label|input|label|input'}"
    else:
        d = f"{cols}, labels {'left of' if L['pos'] == 'left' else 'above'} inputs, " + {
            "box": "bordered box inputs", "underline": "underline inputs", "native": "native <input> boxes"}[L["inp"]]
    return d + (", native checkboxes" if cb_native else ", CSS square checkboxes")


# ----------------------------------------------------------------------------- build one form
class Field:
    def __init__(self, key, label, kind, options=None, required=False):
        self.key, self.label, self.kind, self.options, self.required = key, label, kind, options, required


def build_fields(rng, lang, sections, split_name_hard):
    """Turn section specs into Field objects with chosen label variants."""
    out = []
    for heading, specs in sections:
        fs = []
        for s in specs:
            if s.startswith("null:"):
                fs.append(Field(None, s[5:], "text"))
            elif s.startswith("cbnull:"):
                lab, opts = (CB_NULL_EN if lang == "en" else CB_NULL_ZH)[int(s[7:])]
                fs.append(Field(None, lab, "checkbox", opts))
            elif s == "gender":
                lab = rng.choice(LABELS["gender"][0 if lang == "en" else 1])
                fs.append(Field("gender", lab, "checkbox", ["Male", "Female"] if lang == "en" else ["男", "女"]))
            else:
                lab = rng.choice(LABELS[s][0 if lang == "en" else 1])
                fs.append(Field(s, lab, "text"))
        for f in fs:
            f.required = f.key in ("name", "first_name", "last_name", "id_number", "phone", "passport_number") \
                and rng.random() < 0.6
        out.append((heading, fs))
    return out


def person_values(lang, person, romanised):
    """Canonical key -> value for the person, in the language of the form."""
    if lang == "zh" or (not romanised and "pinyin" not in person):
        v = {k: person[k] for k in ("name", "id_number", "passport_number", "phone", "email", "address", "city",
                                    "postcode", "date_of_birth", "nationality", "occupation", "employer",
                                    "emergency_contact") if k in person}
        if "first_name" in person:
            v["first_name"], v["last_name"] = person["first_name"], person["last_name"]
        return v
    # romanised Chinese person on an English form
    given, family = person["pinyin"]
    return dict(name=f"{given} {family}", first_name=given, last_name=family, id_number=person["id_number"],
                passport_number=person["passport_number"], phone=person["phone"] if person["phone"].startswith("+")
                else "+86 " + person["phone"], email=person["email"], address=person["address_en"],
                city=person["city_en"], postcode=person["postcode"], date_of_birth=person["date_of_birth"],
                nationality="Chinese", occupation=person["occupation_en"], employer=person["employer_en"],
                emergency_contact=person["emergency_en"])


def spell_key(rng, style, k):
    """How a profile spells canonical key k: as is, an English variant, its Chinese name, or
    any of them (style "mixed")."""
    en_v, zh_v = PROFILE_KEYS[k]
    if style == "canonical":
        return k
    if style == "variant":
        return rng.choice(en_v)
    if style == "chinese":
        return zh_v[0] if zh_v else k
    return rng.choice([k] + en_v + zh_v)


def make_form(idx, rng):
    lang = "en" if idx % 2 == 0 else "zh"
    types = EN_TYPES if lang == "en" else ZH_TYPES
    title, instr, footer, sections = types[(idx // 2) % len(types)]
    L = LAYOUTS[(idx * 5 + idx // 13) % len(LAYOUTS)]
    if L["inp"] == "native" and lang == "zh" and idx % 4 == 1:
        L = dict(L, inp="box")
    font = rng.choice(EN_FONTS if lang == "en" else ZH_FONTS)
    size = rng.choice([13, 14, 15, 16, 17, 18, 20, 22, 24])
    if L["cols"] == 2:
        width = rng.choice([900, 1000, 1100, 1200, 1280, 1400])
        if size >= 20:
            width = max(width, 1100)
    else:
        width = rng.choice([700, 760, 800, 860, 900, 1000])
        if size >= 20:
            width = max(width, 800)
    colon = rng.choice(["", ":", ":"] if lang == "en" else ["", "：", "：", ":"])
    cb_native = rng.random() < 0.35
    hard = lang == "en" and idx in (2, 14, 20)  # profile gives only the full name for first/last fields
    romanised = lang == "en" and idx % 8 == 6  # English form, Chinese person (profile keys may be Chinese)

    if lang == "zh":
        person = ZH_PEOPLE[(idx // 2) % len(ZH_PEOPLE)]
    elif romanised:
        person = ZH_PEOPLE[(idx // 2 + 3) % len(ZH_PEOPLE)]
    else:
        person = EN_PEOPLE[(idx // 2) % len(EN_PEOPLE)]
    secs = build_fields(rng, lang, sections, hard)
    fields = [f for _, fs in secs for f in fs]

    # ---------------- profile
    vals = person_values(lang, person, romanised)
    vals["date"] = f"2025-0{1 + idx % 9}-{10 + idx % 18:02d}"
    gender_opt = None
    keyed = [f for f in fields if f.key]
    candidates = [f for f in keyed if f.key not in ("signature",)]
    n_drop = rng.choice([1, 1, 2, 2, 3]) if idx % 11 != 5 else 0
    if any(f.key == "signature" for f in keyed):
        n_drop = max(0, n_drop - 1)  # signature is never in a profile: already one unfillable field
    drop = set(f.key for f in rng.sample(candidates, min(n_drop, len(candidates))))
    if hard:
        drop -= {"first_name", "last_name"}
    style = ["canonical", "variant", "chinese", "mixed"][(idx // 2 + idx) % 4] if lang == "zh" else \
        ["canonical", "variant", "variant", "mixed", "chinese" if romanised else "variant"][(idx // 2) % 5]
    if romanised:
        style = rng.choice(["chinese", "mixed"])

    def spell(k):
        return spell_key(rng, style, k)

    profile = {}
    used_keys = [f.key for f in keyed if f.key != "signature" and f.key not in drop]
    if hard:
        used_keys = [k for k in used_keys if k not in ("first_name", "last_name")] + ["name"]
    # a few extra profile entries the form does not ask for
    extras = [k for k in ("nationality", "occupation", "city", "date_of_birth", "email")
              if k not in [f.key for f in keyed]]
    used_keys += rng.sample(extras, min(len(extras), rng.choice([0, 1, 2])))
    seen = set()
    for k in used_keys:
        if k in seen:
            continue
        seen.add(k)
        if k == "gender":
            v = rng.choice(GENDER_SPELL[person["gender"]])
            if lang == "en" and v in ("男", "女") and not romanised:
                v = GENDER_SPELL[person["gender"]][0]
            gender_opt = ("Male" if person["gender"] == "M" else "Female") if lang == "en" else \
                ("男" if person["gender"] == "M" else "女")
        else:
            v = vals[k]
        name = spell(k)
        while name in profile:
            name = k if name != k else k + "_"
        profile[name] = v

    def field_value(f):
        if not f.key or f.key == "signature" or f.key in drop:
            return None
        if f.key == "gender":
            return gender_opt
        if hard and f.key in ("first_name", "last_name"):
            return vals[f.key]
        return vals.get(f.key)

    return dict(lang=lang, title=title, instr=instr, footer=footer, secs=secs, L=L, font=font, size=size,
                width=width, colon=colon, cb_native=cb_native, profile=profile, field_value=field_value,
                hard=hard, style=style)


# ----------------------------------------------------------------------------- HTML
def label_html(f, i, colon, lang):
    star = '<span class="req">*</span>' if f.required else ""
    return f'<span class="lbl" data-f="{i}">{html.escape(f.label)}{star}{html.escape(colon)}</span>'


def options_html(f, i, native):
    parts = []
    for j, o in enumerate(f.options):
        box = f'<input type="checkbox" class="cb" data-f="{i}" data-o="{j}">' if native else \
            f'<span class="cb" data-f="{i}" data-o="{j}"></span>'
        parts.append(f'<span class="opt">{box}<span class="ot" data-f="{i}" data-o="{j}">{html.escape(o)}</span></span>')
    return f'<span class="opts">{"".join(parts)}</span>'


def input_html(f, i, inp):
    if inp == "native":
        return f'<input type="text" class="inp" data-f="{i}">'
    return f'<div class="inp" data-f="{i}"></div>'


def form_html(F):
    L, size, lang = F["L"], F["size"], F["lang"]
    lh = round(size * 1.6)
    inp_h = round(size * 1.9)
    pad = rng_pad = 40 if F["width"] >= 900 else 28
    cbs = max(12, min(20, round(size * 0.9)))
    css = f"""
html, body {{ margin: 0; padding: 0; background: #ffffff; }}
body {{ font-family: {F['font']}; font-size: {size}px; color: #1a1a1a; line-height: {lh}px; }}
.page {{ box-sizing: border-box; width: {F['width']}px; padding: {pad}px {rng_pad + 8}px {pad}px {rng_pad + 8}px; }}
h1 {{ font-size: {round(size * 1.6)}px; line-height: {round(size * 2.1)}px; margin: 0 0 {round(size * 0.5)}px 0;
      text-align: center; font-weight: bold; }}
.instr {{ margin: 0 0 {round(size * 1.2)}px 0; color: #444; font-size: {max(13, size - 2)}px; text-align: center; }}
h2 {{ font-size: {round(size * 1.15)}px; line-height: {round(size * 1.6)}px; margin: {round(size * 1.3)}px 0 {round(size * 0.8)}px 0;
      padding-bottom: 4px; border-bottom: 2px solid #2b4a6f; color: #2b4a6f; }}
.footer {{ margin-top: {round(size * 1.8)}px; font-size: {max(13, size - 3)}px; color: #555; }}
.lbl {{ white-space: nowrap; }}
.req {{ color: #c00000; }}
.inp {{ box-sizing: border-box; height: {inp_h}px; min-width: 60px; }}
.opts {{ display: inline-flex; align-items: center; gap: {max(18, size + 6)}px; white-space: nowrap; }}
.opt {{ display: inline-flex; align-items: center; }}
.cb {{ box-sizing: border-box; width: {cbs}px; height: {cbs}px; margin: 0 {max(6, size // 2)}px 0 0; flex: none; }}
span.cb {{ display: inline-block; border: 1.5px solid #222; background: #fff; }}
input.cb {{ appearance: auto; }}
.grid, table {{ margin-top: {max(16, size)}px; }}
"""
    if L["inp"] == "box":
        css += ".inp { border: 1px solid #666; border-radius: %dpx; background: #fff; }\n" % (F["size"] % 3)
    elif L["inp"] == "underline":
        css += ".inp { border-bottom: 1.5px solid #222; }\n"
    elif L["inp"] == "native":
        css += f"input.inp {{ font: inherit; padding: 2px 6px; margin: 0; width: 100%; }}\n"

    body = [f'<div class="page"><h1 class="nf">{html.escape(F["title"])}</h1>',
            f'<div class="instr nf">{html.escape(F["instr"])}</div>']
    i = 0
    table = L["inp"] == "table"
    gap = max(16, size)
    row_gap = max(16, round(size * 1.0))
    for heading, fs in F["secs"]:
        if heading:
            body.append(f'<h2 class="nf">{html.escape(heading)}</h2>')
        ids = list(range(i, i + len(fs)))
        i += len(fs)
        pairs = list(zip(ids, fs))
        if table:
            body.append(table_html(pairs, F, cbs))
            continue
        if L["pos"] == "left":
            cols = "max-content minmax(0, 1fr)" if L["cols"] == 1 else \
                "max-content minmax(0, 1fr) max-content minmax(0, 1fr)"
            body.append(f'<div class="grid" style="display:grid; grid-template-columns:{cols}; '
                        f'column-gap:{gap}px; row-gap:{row_gap}px; align-items:center;">')
            for k, (fi, f) in enumerate(pairs):
                extra = ' style="margin-left:%dpx"' % (gap * 2) if L["cols"] == 2 and k % 2 == 1 else ""
                body.append(f'<div class="lc"{extra}>{label_html(f, fi, F["colon"], lang)}</div>')
                if f.kind == "checkbox":
                    body.append(f'<div>{options_html(f, fi, F["cb_native"])}</div>')
                else:
                    body.append(f'<div>{input_html(f, fi, L["inp"])}</div>')
            body.append("</div>")
        else:  # labels above
            cols = "minmax(0, 1fr)" if L["cols"] == 1 else "minmax(0, 1fr) minmax(0, 1fr)"
            body.append(f'<div class="grid" style="display:grid; grid-template-columns:{cols}; '
                        f'column-gap:{gap * 3}px; row-gap:{row_gap + 4}px;">')
            for fi, f in pairs:
                body.append('<div class="cell">')
                body.append(f'<div style="margin-bottom:{max(12, size // 2 + 8)}px">{label_html(f, fi, F["colon"], lang)}</div>')
                if f.kind == "checkbox":
                    body.append(f'<div style="height:{inp_h}px; display:flex; align-items:center">'
                                f'{options_html(f, fi, F["cb_native"])}</div>')
                else:
                    body.append(input_html(f, fi, L["inp"]))
                body.append("</div>")
            body.append("</div>")
    body.append(f'<div class="footer nf">{html.escape(F["footer"])}</div></div>')
    return f"""<!DOCTYPE html>
<html lang="{'en' if lang == 'en' else 'zh-CN'}"><head><meta charset="utf-8">
<title>{html.escape(F['title'])}</title><style>{css}</style></head>
<body>{''.join(body)}</body></html>
"""


def pack_rows(pairs, per_row):
    """Table rows of (index, field, wide): per_row pairs a row; with two a row, long fields
    (address, employer, emergency contact, big option groups) take a full row."""
    rows, cur = [], []
    for fi, f in pairs:
        wide = f.key in ("address", "employer", "emergency_contact") or (f.kind == "checkbox" and len(f.options) > 2)
        if per_row == 2 and wide:
            if cur:
                rows.append(cur)
                cur = []
            rows.append([(fi, f, True)])
            continue
        cur.append((fi, f, False))
        if len(cur) == per_row:
            rows.append(cur)
            cur = []
    if cur:
        rows.append(cur)
    return rows


def table_html(pairs, F, cbs):
    size = F["size"]
    rowh = round(size * 2.3)
    per_row = 1 if F["L"]["cols"] == 1 else 2
    cp = max(12, size // 2 + 6)
    t = [f'<table style="border-collapse:collapse; width:100%; table-layout:auto">']
    rows = pack_rows(pairs, per_row)
    td = f"border:1.5px solid #333; padding:0 {cp}px; height:{rowh}px;"
    for r in rows:
        t.append("<tr>")
        for fi, f, wide in r:
            span = ' colspan="3"' if (wide or (per_row == 2 and len(r) == 1)) else ""
            t.append(f'<td style="{td} background:#f3f5f8; white-space:nowrap; width:1%">'
                     f'{label_html(f, fi, F["colon"], F["lang"])}</td>')
            if f.kind == "checkbox":
                t.append(f'<td style="{td}"{span}>{options_html(f, fi, F["cb_native"])}</td>')
            else:
                t.append(f'<td class="inp tdinp" data-f="{fi}" style="{td}"{span}></td>')
        t.append("</tr>")
    t.append("</table>")
    return "".join(t)


EXTRACT_JS = r"""
(() => {
  const R = b => [Math.floor(b.left), Math.floor(b.top), Math.ceil(b.right), Math.ceil(b.bottom)];
  const tb = el => { const r = document.createRange(); r.selectNodeContents(el); return R(r.getBoundingClientRect()); };
  const out = {labels: {}, inputs: {}, boxes: {}, texts: {}, nf: []};
  for (const el of document.querySelectorAll('.lbl')) out.labels[el.dataset.f] = {box: tb(el), text: el.textContent};
  for (const el of document.querySelectorAll('.inp')) out.inputs[el.dataset.f] = R(el.getBoundingClientRect());
  for (const el of document.querySelectorAll('.cb')) out.boxes[el.dataset.f + '/' + el.dataset.o] = R(el.getBoundingClientRect());
  for (const el of document.querySelectorAll('.ot')) out.texts[el.dataset.f + '/' + el.dataset.o] = tb(el);
  for (const el of document.querySelectorAll('.nf')) out.nf.push(tb(el));
  return out;
})()
"""


def gap(a, b):
    """Clear distance between two boxes (0 if they touch/overlap)."""
    dx = max(b[0] - a[2], a[0] - b[2], 0)
    dy = max(b[1] - a[3], a[1] - b[3], 0)
    return max(dx, dy)


def overlap(a, b):
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def check(fid, F, fields, nf, W, H):
    problems = []
    items = []  # (box, owner, kind)
    for n, f in enumerate(fields):
        items.append((f["label_box"], n, "label"))
        if f.get("input_box"):
            items.append((f["input_box"], n, "input"))
        for o in f.get("options") or []:
            items.append((o["box"], n, "cb"))
            items.append((o["text_box"], n, "ot"))
    for b in nf:
        items.append((b, -1, "nf"))
    for box, _, kind in items:
        if not (0 <= box[0] < box[2] <= W and 0 <= box[1] < box[3] <= H):
            problems.append(f"{kind} box {box} outside page {W}x{H}")
    table = F["L"]["inp"] == "table"
    for a in range(len(items)):
        for b in range(a + 1, len(items)):
            A, B = items[a], items[b]
            if table and A[2] == "input" and B[2] == "input":
                continue  # neighbouring table cells share borders
            if overlap(A[0], B[0]):
                problems.append(f"overlap {A} {B}")
            elif A[2] == "label" or B[2] == "label":
                if table and A[1] != B[1]:
                    continue  # a label cell's text vs the cells above/below it: padding only
                g = gap(A[0], B[0])
                if g < 10 and {A[2], B[2]} & {"input", "cb"}:
                    problems.append(f"gap {g} between {A} and {B}")
    for f in fields:
        if f.get("input_box"):
            ib = f["input_box"]
            if ib[2] - ib[0] < 60:
                problems.append(f"input too narrow {f['label']} {ib}")
    if problems:
        raise SystemExit(f"{fid}: layout problems:\n  " + "\n  ".join(problems[:10]))


# ============================================================================= v2 corpus (--v2)
# The v2 mode (tests/fixtures/forms_tune/, JSON format in tests/fixtures/forms_tune/README.md) adds date fields (one box with or without a printed format,
# or day/month/year parts), labels inside table cells, 3-4 column grids, header bars, instruction
# lines, radio circles and ☐/□ glyph options, and profile dates in varied formats.  Nothing above
# this line changes for it, so the default mode still writes the same bytes.

V2_SEED = 20250612
DEFAULT_OUT_V2 = os.path.join(ROOT, "tests", "fixtures", "forms_tune")

V2_EN_FONTS = EN_FONTS + ["'Liberation Sans Narrow', sans-serif", "'DejaVu Sans Condensed', sans-serif"]
V2_ZH_FONTS = ZH_FONTS + ["'Liberation Serif', 'Noto Serif CJK SC', serif",
                          "'DejaVu Sans', 'WenQuanYi Zen Hei', sans-serif"]
V2_SIZES = [12, 13, 14, 15, 16, 17, 18, 19, 20, 22]

# v2 form types: the old ones (their date-like "null:" fields become date fields) plus four more each.
# Extra spec: "dnull:<label>" is a date field the profile never has.
V2_EN_TYPES = EN_TYPES + [
    ("Visa Application Form", "Complete all sections in English. Use black ink.",
     "False statements may lead to refusal of your application and a ban on future applications.",
     [("1. Applicant", ["last_name", "first_name", "date_of_birth", "gender", "nationality"]),
      ("2. Travel document", ["passport_number", "dnull:Passport expiry date", "dnull:Intended date of arrival"]),
      ("3. Contact", ["address", "phone", "email"]),
      ("4. Declaration", ["signature", "date"])]),
    ("Gym Membership Application", "Please read the terms overleaf before signing.",
     "Members must be 16 or over. Direct debits are collected on the 1st of each month.",
     [("Your details", ["name", "date_of_birth", "gender", "phone", "email"]),
      ("Address", ["address", "postcode"]),
      ("Membership", ["cbnull:3", "dnull:Start date", "emergency_contact"]),
      ("", ["signature", "date"])]),
    ("Conference Registration Form", "Register by 30 June for the early-bird rate.",
     "Questions? Contact the organising committee at events@example.org.",
     [("Delegate", ["first_name", "last_name", "employer", "occupation", "email", "phone"]),
      ("Accommodation", ["cbnull:2", "dnull:Arrival date", "dnull:Departure date"]),
      ("", ["signature", "date"])]),
    ("Library Membership Application", "Bring proof of address when you collect your card.",
     "City Libraries  |  Central Library, 1 Market Square",
     [("Member", ["name", "date_of_birth", "gender", "null:Student ID"]),
      ("Contact", ["address", "city", "postcode", "phone", "email"]),
      ("", ["signature", "date"])]),
]
V2_ZH_TYPES = ZH_TYPES + [
    ("签证申请表", "请用中文正楷填写，所有栏目均为必填。",
     "申请人须对所填信息的真实性负责。",
     [("一、申请人信息", ["name", "gender", "date_of_birth", "nationality", "passport_number"]),
      ("二、行程信息", ["dnull:护照有效期至", "dnull:入境日期", "address"]),
      ("三、联系方式", ["phone", "email"]),
      ("", ["signature", "date"])]),
    ("健身会员登记表", "请仔细阅读会员须知后签字。",
     "会员卡仅限本人使用，不得转借。",
     [("会员信息", ["name", "gender", "date_of_birth", "phone", "emergency_contact"]),
      ("会籍信息", ["cbnull:3", "dnull:开卡日期", "address"]),
      ("", ["signature", "date"])]),
    ("会议报名回执", "请于6月30日前将回执发送至会务组。",
     "会务组联系电话：010-6512 3456",
     [("参会人信息", ["name", "gender", "employer", "occupation", "phone", "email"]),
      ("住宿安排", ["cbnull:2", "dnull:到达日期", "dnull:离开日期"]),
      ("", ["signature", "date"])]),
    ("图书馆借阅证申请表", "办证时请出示本人有效身份证件。",
     "市图书馆  地址：文化路1号",
     [("读者信息", ["name", "gender", "date_of_birth", "id_number", "null:读者证号"]),
      ("联系信息", ["phone", "address", "postcode"]),
      ("", ["signature", "date"])]),
]
V2_NULL_DATES = {"Arrival date", "Departure date", "入住日期", "离店日期"}

# Per-form plans, 12 per language (form idx 0, 2, 4, ... English; 1, 3, 5, ... Chinese).
#   s: left (labels left of inputs) | above (labels above) | grid (3-4 columns, labels above)
#      | cells (labels inside bordered table cells) | table (label cell | input cell rows)
#   inp: box | underline | native  (left/above/grid)    head: bar | line | none
#   opt: sq (CSS squares) | sqn (native checkboxes) | rd (CSS circles) | rdn (native radios) | glyph
#   dates: styles given to the form's date fields in order (cycled):
#     one                  one box, no format
#     one:ph:FMT           one box, grey placeholder FMT inside
#     one:below:FMT        one box, "Format: FMT" printed under it
#     one:label:FMT        one box, "(FMT)" printed after the label
#     boxes:DMY|MDY|YMD    three boxes with grey placeholders DD / MM / YYYY, slashes between
#     ul:DMY               three underline segments with slashes between
#     zhul                 ____年__月__日 underline segments
#     zhbox                three small boxes each followed by 年 / 月 / 日
#     cap:DMY|YMD          three boxes captioned Day / Month / Year (年 / 月 / 日 on Chinese forms)
V2_EN_PLANS = [
    dict(s="left", cols=1, inp="box", head="line", opt="sq", dates=["one:ph:DD/MM/YYYY", "one"]),
    dict(s="above", cols=2, inp="underline", head="bar", opt="rdn", dates=["boxes:DMY", "one"]),
    dict(s="cells", cols=3, head="bar", opt="glyph", glyph="☐", dates=["one:label:DD/MM/YYYY", "one"]),
    dict(s="grid", cols=4, inp="box", head="bar", opt="sqn", stack=True, dates=["cap:DMY", "one:ph:YYYY-MM-DD"]),
    dict(s="left", cols=2, inp="underline", head="line", opt="rd", instr=True,
         dates=["ul:DMY", "one:below:MM/DD/YYYY", "boxes:DMY"]),
    dict(s="table", cols=2, head="bar", opt="glyph", glyph="□", stack=True, dates=["boxes:MDY", "one"]),
    dict(s="above", cols=1, inp="native", head="bar", opt="rdn", stack=True,
         dates=["one:ph:DD/MM/YYYY", "boxes:YMD", "one"]),
    dict(s="cells", cols=4, head="bar", opt="sq", dates=["cap:DMY", "one"]),
    dict(s="grid", cols=3, inp="underline", head="bar", opt="glyph", glyph="☐",
         dates=["one:ph:DD.MM.YYYY", "cap:DMY", "one"]),
    dict(s="left", cols=1, inp="box", head="none", opt="rd", stack=True, instr=True,
         dates=["boxes:DMY", "one:label:DD-MM-YYYY"]),
    dict(s="above", cols=2, inp="box", head="bar", opt="sqn", dates=["one", "boxes:DMY"]),
    dict(s="cells", cols=3, head="line", opt="rdn", dates=["boxes:DMY", "one:label:YYYY/MM/DD"]),
]
V2_ZH_PLANS = [
    dict(s="left", cols=1, inp="box", head="bar", opt="sq", dates=["zhul", "one"]),
    dict(s="cells", cols=3, head="bar", opt="glyph", glyph="□", dates=["zhbox", "zhul"]),
    dict(s="above", cols=2, inp="underline", head="line", opt="rdn", dates=["one:ph:YYYY-MM-DD", "zhul"]),
    dict(s="table", cols=1, head="none", opt="glyph", glyph="□", instr=True, dates=["zhul", "one"]),
    dict(s="grid", cols=4, inp="box", head="bar", opt="sqn", stack=True, dates=["cap:YMD", "one:label:YYYY-MM-DD"]),
    dict(s="left", cols=2, inp="underline", head="line", opt="rd", instr=True, dates=["zhbox", "one:ph:YYYY/MM/DD"]),
    dict(s="cells", cols=4, head="bar", opt="glyph", glyph="☐", stack=True, dates=["boxes:YMD", "zhul"]),
    dict(s="above", cols=1, inp="native", head="bar", opt="rdn", stack=True, dates=["one", "zhbox", "zhul"]),
    dict(s="grid", cols=3, inp="underline", head="bar", opt="glyph", glyph="□",
         dates=["one:ph:YYYY年MM月DD日", "cap:YMD", "one"]),
    dict(s="table", cols=2, head="bar", opt="sq", dates=["zhbox", "zhul", "one:ph:YYYY-MM-DD"]),
    dict(s="left", cols=1, inp="box", head="bar", opt="rd", dates=["boxes:DMY", "one"]),
    dict(s="cells", cols=3, head="none", opt="sqn", instr=True, dates=["cap:YMD", "one:below:YYYY-MM-DD", "zhbox"]),
]

V2_NOTES = {
    "en": ["Use BLOCK CAPITALS and black ink.", "Tick the box that applies.", "Write dates as shown.",
           "Leave blank if not applicable.", "All fields in this section are required."],
    "zh": ["请在相应的□内打√。", "日期请按年、月、日顺序填写。", "请用正楷填写。", "不适用的栏目请留空。",
           "本栏由申请人本人填写。"],
}
BARS = [("#2b4a6f", "#ffffff"), ("#d9dee5", "#1a1a1a"), ("#1a1a1a", "#ffffff"), ("#e8efe1", "#203a12"),
        ("#7a1f1f", "#ffffff")]

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
PART_NAMES = {"D": "day", "M": "month", "Y": "year"}


def fmt_date(iso, style):
    """A profile date in one of the accepted spellings."""
    y, m, d = (int(x) for x in iso.split("-"))
    return {"iso": f"{y:04d}-{m:02d}-{d:02d}", "dmy": f"{d:02d}/{m:02d}/{y}", "dmonthy": f"{d} {MONTHS[m - 1]} {y}",
            "mdy": f"{MONTHS[m - 1]} {d}, {y}", "zh": f"{y}年{m}月{d}日", "dot": f"{y}.{m:02d}.{d:02d}"}[style]


def date_fmt_style(rng, iso, prefs):
    """Pick a profile date spelling; slash dates only when day-first is unambiguous."""
    style = rng.choice(prefs)
    _, m, d = (int(x) for x in iso.split("-"))
    if style == "dmy" and not (d > 12 or d == m):
        style = "dmonthy"
    return style


class DField(Field):
    """v2 field: Field plus the date style (kind "date")."""

    def __init__(self, key, label, kind, options=None, dstyle=None):
        super().__init__(key, label, kind, options)
        self.dstyle = dstyle


def parse_dstyle(s):
    """'one:ph:DD/MM/YYYY' -> dict(mode='one', hint='ph', fmt='DD/MM/YYYY'); 'boxes:DMY' -> parts."""
    p = s.split(":", 2)
    if p[0] == "one":
        return dict(mode="one", hint=p[1] if len(p) > 1 else None, fmt=p[2] if len(p) > 2 else None, name=s)
    order = {"zhul": "YMD", "zhbox": "YMD"}.get(p[0]) or p[1]
    return dict(mode="parts", kind=p[0], order=order, name=s)


def build_fields_v2(rng, lang, sections, plan):
    out = []
    date_i = 0
    has_cb = False
    for heading, specs in sections:
        fs = []
        for s in specs:
            if s.startswith("dnull:") or (s.startswith("null:") and s[5:] in V2_NULL_DATES):
                fs.append(DField(None, s.split(":", 1)[1], "date"))
            elif s.startswith("null:"):
                fs.append(DField(None, s[5:], "text"))
            elif s.startswith("cbnull:"):
                lab, opts = (CB_NULL_EN if lang == "en" else CB_NULL_ZH)[int(s[7:])]
                fs.append(DField(None, lab, "checkbox", opts))
            elif s == "gender":
                lab = rng.choice(LABELS["gender"][0 if lang == "en" else 1])
                fs.append(DField("gender", lab, "checkbox", ["Male", "Female"] if lang == "en" else ["男", "女"]))
            else:
                lab = rng.choice(LABELS[s][0 if lang == "en" else 1])
                fs.append(DField(s, lab, "date" if s in ("date_of_birth", "date") else "text"))
        for f in fs:
            f.required = f.key in ("name", "first_name", "last_name", "id_number", "phone", "passport_number") \
                and rng.random() < 0.6
            if f.kind == "date":
                f.dstyle = parse_dstyle(plan["dates"][date_i % len(plan["dates"])])
                date_i += 1
            has_cb = has_cb or f.kind == "checkbox"
        out.append((heading, fs))
    if not has_cb:  # every v2 form has at least one option group
        lab, opts = (CB_NULL_EN if lang == "en" else CB_NULL_ZH)[rng.randrange(6)]
        h, fs = out[0]
        fs.append(DField(None, lab, "checkbox", opts))
    return out


def make_form_v2(idx, rng):
    lang = "en" if idx % 2 == 0 else "zh"
    k = idx // 2
    plans = V2_EN_PLANS if lang == "en" else V2_ZH_PLANS
    plan = dict(plans[k % len(plans)])
    types = V2_EN_TYPES if lang == "en" else V2_ZH_TYPES
    title, instr, footer, sections = types[(k * 5) % len(types)]
    font = rng.choice(V2_EN_FONTS if lang == "en" else V2_ZH_FONTS)
    size = rng.choice(V2_SIZES)
    s, cols = plan["s"], plan.get("cols", 1)
    if s in ("left", "above", "table"):
        width = rng.choice([700, 760, 820, 900, 960] if cols == 1 else [1000, 1100, 1200, 1300])
        if size >= 18:
            width = max(width, 860 if cols == 1 else 1200)
    else:  # grid / cells
        width = rng.choice([1000, 1100, 1200, 1300] if cols == 3 else [1100, 1200, 1300, 1400])
        if size >= 18:
            width = max(width, 1200 if cols == 3 else 1400)
    colon = rng.choice(["", ":", ":"] if lang == "en" else ["", "：", "：", ":"])
    bar = BARS[rng.randrange(len(BARS))]
    romanised = lang == "en" and k % 4 == 3
    if lang == "zh":
        person = ZH_PEOPLE[k % len(ZH_PEOPLE)]
    elif romanised:
        person = ZH_PEOPLE[(k + 2) % len(ZH_PEOPLE)]
    else:
        person = EN_PEOPLE[k % len(EN_PEOPLE)]
    secs = build_fields_v2(rng, lang, sections, plan)
    fields = [f for _, fs in secs for f in fs]

    # ---------------- profile
    vals = person_values(lang, person, romanised)
    vals["date"] = f"2025-{1 + k % 9:02d}-{13 + (idx * 3) % 15:02d}"  # day > 12: slash spelling is unambiguous
    keyed = [f for f in fields if f.key]
    candidates = [f for f in keyed if f.key != "signature"]
    n_drop = rng.choice([1, 1, 2, 2, 3]) if k % 5 != 2 else 0
    if any(f.key == "signature" for f in keyed):
        n_drop = max(0, n_drop - 1)
    drop = set(f.key for f in rng.sample(candidates, min(n_drop, len(candidates))))
    if k % 4 != 1:  # keep the date of birth in most profiles: dates are what this corpus is about
        drop.discard("date_of_birth")
    style = ["canonical", "variant", "chinese", "mixed"][k % 4] if lang == "zh" else \
        (rng.choice(["chinese", "mixed"]) if romanised else ["canonical", "variant", "variant", "mixed"][k % 4])
    dob_prefs = {"en": ["iso", "dmy", "dmonthy", "mdy", "dot"], "zh": ["zh", "iso", "dot", "dmy", "zh"]}[lang]
    if romanised:
        dob_prefs = ["zh", "iso", "dot", "dmonthy"]
    # the date of birth cycles through the spellings so that each appears on several forms
    dob_style = (["iso", "dmy", "dmonthy", "mdy", "zh", "dot"] if lang == "zh" or romanised else
                 ["iso", "dmy", "dmonthy", "mdy", "dot", "dmy"])[k % 6]
    if dob_style == "dmy" and not (lambda m, d: d > 12 or d == m)(*(int(x) for x in person["date_of_birth"].split("-")[1:])):
        dob_style = "dmonthy" if lang == "en" else "zh"

    def spell(key):
        return spell_key(rng, style, key)

    profile = {}
    used_keys = [f.key for f in keyed if f.key != "signature" and f.key not in drop]
    extras = [x for x in ("nationality", "occupation", "city", "date_of_birth", "email")
              if x not in [f.key for f in keyed]]
    used_keys += rng.sample(extras, min(len(extras), rng.choice([0, 1, 2])))
    gender_opt = None
    for key in dict.fromkeys(used_keys):
        if key == "gender":
            v = rng.choice(GENDER_SPELL[person["gender"]])
            if lang == "en" and v in ("男", "女") and not romanised:
                v = GENDER_SPELL[person["gender"]][0]
            gender_opt = ("Male" if person["gender"] == "M" else "Female") if lang == "en" else \
                ("男" if person["gender"] == "M" else "女")
        elif key == "date_of_birth":
            v = fmt_date(vals[key], dob_style)
        elif key == "date":
            v = fmt_date(vals[key], date_fmt_style(rng, vals[key], dob_prefs))
        else:
            v = vals[key]
        name = spell(key)
        while name in profile:
            name = key if name != key else key + "_"
        profile[name] = v

    def field_value(f):
        if not f.key or f.key == "signature" or f.key in drop:
            return None
        if f.key == "gender":
            return gender_opt
        return vals.get(f.key)

    return dict(lang=lang, title=title, instr=instr, footer=footer, secs=secs, plan=plan, font=font, size=size,
                width=width, colon=colon, bar=bar, profile=profile, field_value=field_value, style=style,
                dob_style=dob_style)


# ----------------------------------------------------------------------------- v2 HTML
def v2_label(f, i, F, small=False):
    star = '<span class="req">*</span>' if f.required else ""
    cls = "lbl clbl" if small else "lbl"
    h = f'<span class="{cls}" data-f="{i}">{html.escape(f.label)}{star}{html.escape(F["colon"])}</span>'
    ds = f.dstyle
    if ds and ds["mode"] == "one" and ds["hint"] == "label":
        # printed after the label; inside a cell it lies in the cell (the input box), so it is not "nf"
        nf = "" if F["plan"]["s"] == "cells" else " nf"
        h += f' <span class="hint{nf}">({html.escape(ds["fmt"])})</span>'
    return h


def v2_options(f, i, F):
    plan = F["plan"]
    opt = plan["opt"]
    parts = []
    for j, o in enumerate(f.options):
        a = f'data-f="{i}" data-o="{j}"'
        if opt == "sq":
            box = f'<span class="cb sq" {a}></span>'
        elif opt == "sqn":
            box = f'<input type="checkbox" class="cb" {a}>'
        elif opt == "rd":
            box = f'<span class="cb rd" {a}></span>'
        elif opt == "rdn":
            box = f'<input type="radio" name="r{i}" class="cb" {a}>'
        else:  # glyph character in the text
            box = f'<span class="cb g" {a}>{plan["glyph"]}<i class="bl"></i></span>'
        parts.append(f'<span class="opt">{box}<span class="ot" {a}>{html.escape(o)}</span></span>')
    stack = " stack" if plan.get("stack") else ""
    return f'<span class="opts{stack}">{"".join(parts)}</span>'


def v2_parts(f, i, F):
    ds, lang = f.dstyle, F["lang"]
    kind, order = ds["kind"], ds["order"]
    ph = {"D": "DD", "M": "MM", "Y": "YYYY"}
    cap = {"D": "Day", "M": "Month", "Y": "Year"} if lang == "en" else {"D": "日", "M": "月", "Y": "年"}
    out = []
    for p, c in enumerate(order):
        a = f'data-f="{i}" data-p="{p}"'
        w = "dy" if c == "Y" else "dd"
        if kind == "boxes":
            out.append(f'<span class="dp box {w}" {a}><span class="ph">{ph[c]}</span></span>')
            if p < 2:
                out.append('<span class="dsep">/</span>')
        elif kind == "ul":
            out.append(f'<span class="dp ul {w}" {a}></span>')
            if p < 2:
                out.append('<span class="dsep">/</span>')
        elif kind == "zhul":
            out.append(f'<span class="dp ul {w}" {a}></span><span class="dsx">{"年月日"[p]}</span>')
        elif kind == "zhbox":
            out.append(f'<span class="dp box {w} sm" {a}></span><span class="dsx">{"年月日"[p]}</span>')
        elif kind == "cap":
            out.append(f'<span class="dcol"><span class="dp box {w}" {a}></span>'
                       f'<span class="cap nf">{cap[c]}</span></span>')
    base = " base" if kind in ("ul", "zhul") else ""  # underlines sit on the text's baseline, like ____年__月__日
    return f'<span class="dparts{base}">{"".join(out)}</span>'


def v2_widget(f, i, F, where):
    """The input part of a field for left/above/grid layouts and the input cell of a table row."""
    plan = F["plan"]
    if f.kind == "checkbox":
        return v2_options(f, i, F)
    if f.kind == "date" and f.dstyle["mode"] == "parts":
        return v2_parts(f, i, F)
    ds = f.dstyle if f.kind == "date" else None
    hint = ds["hint"] if ds else None
    fmt = ds["fmt"] if ds else None
    ph_text = fmt.lower() if fmt and i % 3 == 1 and "年" not in fmt else fmt  # some placeholders in lower case
    if where == "td":  # the cell itself is the input; a placeholder or format line inside it
        if hint in ("ph", "below"):
            return f'<span class="ph">{html.escape(ph_text)}</span>'
        return ""
    inp = plan["inp"]
    if inp == "native":
        phattr = f' placeholder="{html.escape(ph_text)}"' if hint == "ph" else ""
        w = f'<input type="text" class="inp" data-f="{i}"{phattr}>'
    else:
        inner = f'<span class="ph">{html.escape(ph_text)}</span>' if hint == "ph" else ""
        w = f'<div class="inp {"box" if inp == "box" else "ul"}" data-f="{i}">{inner}</div>'
    if hint == "below":
        w = f'<div>{w}<div class="hint nf">{"Format" if F["lang"] == "en" else "格式"}: {html.escape(fmt)}</div></div>'
    return w


def v2_span(f, cols):
    if f.key in ("address", "employer", "emergency_contact", "signature") or \
            (f.kind == "checkbox" and len(f.options) > 2 and not f.options[0].isascii()):
        return min(cols, 2)
    if f.kind == "checkbox" and len(f.options) > 2:
        return min(cols, 2)
    return 1


def v2_pack(pairs, cols):
    """Rows of [fi, f, span] for a cols-wide grid/table; a row's last cell stretches to fill it."""
    rows, cur, used = [], [], 0
    for fi, f in pairs:
        s = v2_span(f, cols)
        if used + s > cols:
            cur[-1][2] += cols - used
            rows.append(cur)
            cur, used = [], 0
        cur.append([fi, f, s])
        used += s
    if cur:
        cur[-1][2] += cols - used
        rows.append(cur)
    return rows


def form_html_v2(F):
    plan, size, lang = F["plan"], F["size"], F["lang"]
    lh = round(size * 1.5)
    inp_h = round(size * 1.9)
    pad = 40 if F["width"] >= 900 else 28
    cbs = max(12, min(20, round(size * 0.9)))
    lsz = max(11, round(size * 0.75))  # label size inside cells
    bg, fg = F["bar"]
    gap = max(16, size)
    css = f"""
html, body {{ margin: 0; padding: 0; background: #ffffff; }}
body {{ font-family: {F['font']}; font-size: {size}px; color: #1a1a1a; line-height: {lh}px; }}
.page {{ box-sizing: border-box; width: {F['width']}px; padding: {pad}px {pad + 8}px; }}
h1 {{ font-size: {round(size * 1.6)}px; line-height: {round(size * 2.1)}px; margin: 0 0 {round(size * 0.5)}px 0;
      text-align: center; font-weight: bold; }}
.instr {{ margin: 0 0 {round(size * 1.0)}px 0; color: #444; font-size: {max(12, size - 2)}px; text-align: center; }}
.note {{ margin: 0 0 {max(10, size // 2)}px 0; color: #555; font-size: {max(12, size - 3)}px; font-style: italic; }}
h2 {{ font-size: {round(size * 1.15)}px; line-height: {round(size * 1.6)}px; margin: {round(size * 1.3)}px 0 {round(size * 0.8)}px 0;
      padding-bottom: 4px; border-bottom: 2px solid #2b4a6f; color: #2b4a6f; }}
.bar {{ background: {bg}; color: {fg}; font-weight: bold; font-size: {round(size * 1.05)}px;
        padding: 3px 10px; margin: {round(size * 1.2)}px 0 {max(12, round(size * 0.8))}px 0; }}
.footer {{ margin-top: {round(size * 1.6)}px; font-size: {max(12, size - 3)}px; color: #555; }}
.lbl {{ white-space: nowrap; }}
.req {{ color: #c00000; }}
.hint {{ color: #6b6b6b; font-size: {max(11, size - 3)}px; white-space: nowrap; }}
.ph {{ color: #a0a0a0; white-space: nowrap; }}
.inp {{ box-sizing: border-box; height: {inp_h}px; min-width: 60px; }}
div.inp {{ display: flex; align-items: center; padding: 0 8px; }}
.inp.box {{ border: 1px solid #666; background: #fff; border-radius: {size % 3}px; }}
.inp.ul {{ border-bottom: 1.5px solid #222; }}
input.inp {{ font: inherit; padding: 2px 6px; margin: 0; width: 100%; }}
input.inp::placeholder {{ color: #a0a0a0; }}
.opts {{ display: inline-flex; align-items: center; gap: {max(18, size + 6)}px; white-space: nowrap; }}
.opts.stack {{ flex-direction: column; align-items: flex-start; gap: {max(4, size // 3)}px; }}
.opt {{ display: inline-flex; align-items: center; }}
.cb {{ box-sizing: border-box; width: {cbs}px; height: {cbs}px; margin: 0 {max(6, size // 2)}px 0 0; flex: none; }}
span.cb.sq {{ display: inline-block; border: 1.5px solid #222; background: #fff; }}
span.cb.rd {{ display: inline-block; border: 1.5px solid #222; background: #fff; border-radius: 50%; }}
input.cb {{ appearance: auto; }}
span.cb.g {{ width: auto; height: auto; margin: 0 {2 if lang == 'zh' else max(4, size // 3)}px 0 0; }}
.bl {{ display: inline-block; width: 0; height: 0; vertical-align: baseline; }}
.dparts {{ display: inline-flex; align-items: center; white-space: nowrap; }}
.dp {{ box-sizing: border-box; display: inline-flex; align-items: center; justify-content: center; flex: none;
       height: {inp_h}px; }}
.dp.box {{ border: 1px solid #666; background: #fff; }}
.dp.ul {{ border-bottom: 1.5px solid #222; }}
.dp.dd {{ width: {max(38, round(size * 2.8))}px; }}
.dp.dy {{ width: {max(56, round(size * 4.2))}px; }}
.dparts.base {{ align-items: flex-end; }}
.dparts.base .dp.ul {{ height: {round(size * 1.5)}px; }}
.dp.sm {{ height: {round(size * 1.6)}px; }}
.dp.sm.dd {{ width: {max(30, round(size * 2.2))}px; }}
.dsep {{ margin: 0 {max(5, size // 3)}px; color: #444; }}
.dsx {{ margin: 0 {max(8, size // 2)}px 0 4px; }}
.dcol {{ display: inline-flex; flex-direction: column; align-items: center; margin-right: {max(10, size // 2)}px; }}
.cap {{ font-size: {max(11, size - 4)}px; line-height: {max(13, size - 1)}px; color: #555; margin-top: 3px; }}
.grid, table {{ margin-top: {max(12, size - 2)}px; }}
table.cells {{ border-collapse: collapse; width: 100%; table-layout: fixed; }}
table.cells td {{ border: 1.5px solid #333; vertical-align: top; padding: 3px 7px 8px 7px;
                  height: {round(lsz * 1.3 + size * 2.2 + 11)}px; }}
.clbl {{ font-size: {lsz}px; line-height: {round(lsz * 1.3)}px; color: #333; }}
td .hint {{ font-size: {max(10, lsz - 1)}px; }}
.cbody {{ margin-top: 10px; }}
td.barcell {{ background: {bg}; color: {fg}; font-weight: bold; height: auto !important; padding: 3px 8px !important; }}
"""
    body = [f'<div class="page"><h1 class="nf">{html.escape(F["title"])}</h1>',
            f'<div class="instr nf">{html.escape(F["instr"])}</div>']
    notes = V2_NOTES[lang]
    i = 0
    s, cols = plan["s"], plan.get("cols", 1)
    row_gap = max(16, size)
    for sn, (heading, fs) in enumerate(F["secs"]):
        ids = list(range(i, i + len(fs)))
        i += len(fs)
        pairs = list(zip(ids, fs))
        head = plan["head"]
        if heading and not (s == "cells" and head == "bar"):
            if head == "bar":
                body.append(f'<div class="bar"><span class="nf">{html.escape(heading)}</span></div>')
            elif head == "line":
                body.append(f'<h2 class="nf">{html.escape(heading)}</h2>')
            else:
                body.append(f'<div style="margin-top:{round(size * 1.2)}px; font-weight:bold" class="nf">'
                            f'{html.escape(heading)}</div>')
        if plan.get("instr") and sn % 2 == 0:
            body.append(f'<div class="note nf" style="margin-top:{max(8, size // 2)}px">'
                        f'{html.escape(notes[(sn // 2) % len(notes)])}</div>')
        if s == "cells":
            body.append(v2_cells(pairs, F, heading if head == "bar" else ""))
        elif s == "table":
            body.append(v2_table(pairs, F))
        elif s == "left":
            tracks = " ".join(["max-content minmax(0, 1fr)"] * cols)
            body.append(f'<div class="grid" style="display:grid; grid-template-columns:{tracks}; '
                        f'column-gap:{gap}px; row-gap:{row_gap}px; align-items:center;">')
            for k, (fi, f) in enumerate(pairs):
                extra = ' style="margin-left:%dpx"' % (gap * 2) if cols == 2 and k % 2 == 1 else ""
                body.append(f'<div{extra}>{v2_label(f, fi, F)}</div>')
                body.append(f'<div>{v2_widget(f, fi, F, "div")}</div>')
            body.append("</div>")
        else:  # above / grid
            n = cols if s == "grid" else cols
            body.append(f'<div class="grid" style="display:grid; grid-template-columns:repeat({n}, minmax(0, 1fr)); '
                        f'column-gap:{gap * (2 if s == "grid" else 3)}px; row-gap:{row_gap + 4}px;">')
            for row in (v2_pack(pairs, n) if s == "grid" else [[[fi, f, 1]] for fi, f in pairs]):
                for fi, f, span in row:
                    st = f' style="grid-column: span {span}"' if span > 1 else ""
                    body.append(f'<div{st}>')
                    body.append(f'<div style="margin-bottom:{max(10, size // 2 + 6)}px">{v2_label(f, fi, F)}</div>')
                    w = v2_widget(f, fi, F, "div")
                    if f.kind == "checkbox" or (f.kind == "date" and f.dstyle["mode"] == "parts"):
                        w = f'<div style="min-height:{inp_h}px; display:flex; align-items:center">{w}</div>'
                    body.append(w)
                    body.append("</div>")
            body.append("</div>")
    body.append(f'<div class="footer nf">{html.escape(F["footer"])}</div></div>')
    return f"""<!DOCTYPE html>
<html lang="{'en' if lang == 'en' else 'zh-CN'}"><head><meta charset="utf-8">
<title>{html.escape(F['title'])}</title><style>{css}</style></head>
<body>{''.join(body)}</body></html>
"""


def v2_cells(pairs, F, bar_heading):
    """Bordered table whose cells carry a small label at the top-left; the cell is the input."""
    cols = F["plan"]["cols"]
    t = ['<table class="cells">', "<colgroup>" + "<col>" * cols + "</colgroup>"]
    if bar_heading:
        t.append(f'<tr><td class="barcell" colspan="{cols}"><span class="nf">{html.escape(bar_heading)}</span></td></tr>')
    for row in v2_pack(pairs, cols):
        t.append("<tr>")
        for fi, f, span in row:
            cs = f' colspan="{span}"' if span > 1 else ""
            whole = f.kind == "text" or (f.kind == "date" and f.dstyle["mode"] == "one")
            cls = f' class="inp tdinp" data-f="{fi}"' if whole else ""
            inner = f'<div>{v2_label(f, fi, F, small=True)}</div>'
            if whole:
                w = v2_widget(f, fi, F, "td")
                if w:
                    inner += f'<div class="cbody">{w}</div>'
            else:
                inner += f'<div class="cbody">{v2_widget(f, fi, F, "div")}</div>'
            t.append(f"<td{cls}{cs}>{inner}</td>")
        t.append("</tr>")
    t.append("</table>")
    return "".join(t)


def v2_table(pairs, F):
    """label cell | input cell rows (two pairs per row when cols == 2)."""
    size, cols = F["size"], F["plan"]["cols"]
    rowh = round(size * 2.3)
    cp = max(12, size // 2 + 6)
    td = f"border:1.5px solid #333; padding:4px {cp}px; height:{rowh}px;"
    rows = pack_rows(pairs, cols)
    t = ['<table style="border-collapse:collapse; width:100%; table-layout:auto">']
    for r in rows:
        t.append("<tr>")
        for fi, f, wide in r:
            span = ' colspan="3"' if (wide or (cols == 2 and len(r) == 1)) else ""
            t.append(f'<td style="{td} background:#f3f5f8; white-space:nowrap; width:1%">{v2_label(f, fi, F)}</td>')
            whole = f.kind == "text" or (f.kind == "date" and f.dstyle["mode"] == "one")
            if whole:
                t.append(f'<td class="inp tdinp" data-f="{fi}" style="{td}"{span}>{v2_widget(f, fi, F, "td")}</td>')
            else:
                t.append(f'<td style="{td}"{span}>{v2_widget(f, fi, F, "div")}</td>')
        t.append("</tr>")
    t.append("</table>")
    return "".join(t)


EXTRACT_JS_V2 = r"""
(() => {
  const R = b => [Math.floor(b.left), Math.floor(b.top), Math.ceil(b.right), Math.ceil(b.bottom)];
  const tb = el => { const r = document.createRange(); r.selectNodeContents(el); return R(r.getBoundingClientRect()); };
  // a glyph option (☐/□ in the text): the ink box of the character, from the font's own metrics
  // (canvas measureText with the element's computed font) placed at the DOM position of the
  // character (Range) and its baseline (a zero-size inline-block marker that sits on it).
  const ctx = document.createElement('canvas').getContext('2d');
  const gb = el => {
    const t = el.firstChild, cs = getComputedStyle(el);
    ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
    const m = ctx.measureText(t.textContent);
    const r = document.createRange(); r.setStart(t, 0); r.setEnd(t, t.length);
    const x = r.getBoundingClientRect().left, base = el.querySelector('.bl').getBoundingClientRect().bottom;
    return [Math.floor(x - m.actualBoundingBoxLeft), Math.floor(base - m.actualBoundingBoxAscent),
            Math.ceil(x + m.actualBoundingBoxRight), Math.ceil(base + m.actualBoundingBoxDescent)];
  };
  const out = {labels: {}, inputs: {}, boxes: {}, texts: {}, parts: {}, nf: []};
  for (const el of document.querySelectorAll('.lbl')) out.labels[el.dataset.f] = {box: tb(el), text: el.textContent};
  for (const el of document.querySelectorAll('.inp')) out.inputs[el.dataset.f] = R(el.getBoundingClientRect());
  for (const el of document.querySelectorAll('.cb'))
    out.boxes[el.dataset.f + '/' + el.dataset.o] = el.classList.contains('g') ? gb(el) : R(el.getBoundingClientRect());
  for (const el of document.querySelectorAll('.ot')) out.texts[el.dataset.f + '/' + el.dataset.o] = tb(el);
  for (const el of document.querySelectorAll('.dp')) out.parts[el.dataset.f + '/' + el.dataset.p] = R(el.getBoundingClientRect());
  for (const el of document.querySelectorAll('.nf')) out.nf.push(tb(el));
  return out;
})()
"""


def check_v2(fid, F, fields, nf, W, H):
    """Same rules as check(), plus date parts; a cell label lies inside its own cell (the input box),
    and neighbouring cells share borders."""
    problems = []
    items = []
    for n, f in enumerate(fields):
        items.append((f["label_box"], n, "label"))
        if f.get("input_box"):
            items.append((f["input_box"], n, "input"))
        for o in f.get("options") or []:
            items.append((o["box"], n, "cb"))
            items.append((o["text_box"], n, "ot"))
        for p in f.get("parts") or []:
            items.append((p["box"], n, "part"))
    for b in nf:
        items.append((b, -1, "nf"))
    for box, _, kind in items:
        if not (0 <= box[0] < box[2] <= W and 0 <= box[1] < box[3] <= H):
            problems.append(f"{kind} box {box} outside page {W}x{H}")
    tab = F["plan"]["s"] in ("cells", "table")
    cells = F["plan"]["s"] == "cells"
    for a in range(len(items)):
        for b in range(a + 1, len(items)):
            A, B = items[a], items[b]
            ks = {A[2], B[2]}
            if tab and ks == {"input"}:
                continue  # neighbouring cells share borders
            if cells and "input" in ks and A[1] == B[1]:
                continue  # the label (and a printed format) inside its own cell
            if overlap(A[0], B[0]):
                problems.append(f"overlap {A} {B}")
            elif "label" in ks:
                if tab and A[1] != B[1]:
                    continue
                g = gap(A[0], B[0])
                if g < 10 and ks & {"input", "cb", "part"}:
                    problems.append(f"gap {g} between {A} and {B}")
    for f in fields:
        ib = f.get("input_box")
        if ib and ib[2] - ib[0] < 60:
            problems.append(f"input too narrow {f['label']} {ib}")
    if problems:
        raise SystemExit(f"{fid}: layout problems:\n  " + "\n  ".join(problems[:10]))


def layout_desc_v2(F):
    p = F["plan"]
    s, cols = p["s"], p.get("cols", 1)
    inp = {"box": "bordered box inputs", "underline": "underline inputs", "native": "native <input> boxes"}
    if s == "cells":
        d = f"bordered table, labels inside cells (top-left), {cols} columns"
    elif s == "table":
        d = f"bordered table, {'label|input rows' if cols == 1 else '4-column rows label|input|label|input'}"
    elif s == "grid":
        d = f"{cols}-column grid, labels above inputs, {inp[p['inp']]}"
    else:
        d = f"{'one' if cols == 1 else 'two'}-column, labels {'left of' if s == 'left' else 'above'} inputs, {inp[p['inp']]}"
    d += {"bar": ", section header bars", "line": ", underlined section headings", "none": ""}[p["head"]]
    if p.get("instr"):
        d += ", instruction lines"
    d += ", " + {"sq": "CSS square checkboxes", "sqn": "native checkboxes", "rd": "CSS radio circles",
                 "rdn": "native radio buttons", "glyph": f"{p.get('glyph')} glyph options"}[p["opt"]]
    d += " (stacked)" if p.get("stack") else " (one row)"
    fam = F["font"].split(",")[0].strip().strip("'")
    return d + f", dates: {' | '.join(p['dates'])}, {fam} {F['size']}px"


def part_values(iso, order, pad):
    if iso is None:  # nothing to write (the field's value is null); "" keeps the part value a string
        return [""] * 3
    y, m, d = iso.split("-")
    v = {"Y": y, "M": m if pad else str(int(m)), "D": d if pad else str(int(d))}
    return [v[c] for c in order]


def generate_v2(out, count, seed, prefix="t"):
    """Write <prefix>_NN.{html,png,json} (v2 format) into out; returns the list of JSON dicts."""
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        if f.startswith(prefix + "_") and f.endswith((".png", ".json", ".html", ".jpg")):
            os.remove(os.path.join(out, f))  # also stale <id>_scan.* files: rerun make_scans.py after this
    done, stats = [], {}
    with Browser() as b:
        for idx in range(count):
            rng = random.Random(seed * 1000 + idx)
            fid = f"{prefix}_{idx + 1:02d}"
            F = make_form_v2(idx, rng)
            while True:
                doc = form_html_v2(F)
                try:
                    png, d, (W, H) = b.render(doc, F["width"], EXTRACT_JS_V2, min_height=100)
                    break
                except CDPError as e:
                    if "wider" not in str(e) or F["width"] >= 1400:
                        raise
                    F["width"] = min(1400, F["width"] + 100)
            allf = [f for _, fs in F["secs"] for f in fs]
            style = {"sq": "square", "sqn": "square", "rd": "radio", "rdn": "radio", "glyph": "glyph"}[F["plan"]["opt"]]
            fields = []
            for n, f in enumerate(allf):
                e = {"label": f.label, "label_box": d["labels"][str(n)]["box"], "kind": f.kind}
                value = F["field_value"](f)
                if f.kind == "text":
                    e.update(input_box=d["inputs"][str(n)], key=f.key, value=value)
                elif f.kind == "date":
                    ds = f.dstyle
                    e.update(key=f.key, value=value)
                    if ds["mode"] == "one":
                        e.update(input_box=d["inputs"][str(n)], format=ds["fmt"], parts=[])
                    else:
                        pad = ds["kind"] in ("boxes", "ul", "cap") and F["lang"] == "en" or ds["kind"] == "boxes"
                        pv = part_values(value, ds["order"], pad)
                        e.update(input_box=None, format=None,
                                 parts=[{"part": PART_NAMES[c], "box": d["parts"][f"{n}/{p}"], "value": pv[p]}
                                        for p, c in enumerate(ds["order"])])
                else:
                    e.update(style=style, input_box=None, key=f.key, value=value,
                             options=[{"text": o, "text_box": d["texts"][f"{n}/{j}"], "box": d["boxes"][f"{n}/{j}"]}
                                      for j, o in enumerate(f.options)])
                fields.append(e)
            check_v2(fid, F, fields, d["nf"], W, H)
            with open(os.path.join(out, fid + ".html"), "w", encoding="utf-8") as fh:
                fh.write(doc)
            w, h = save_png(png, os.path.join(out, fid + ".png"))
            assert (w, h) == (W, H)
            gt = {"id": fid, "lang": F["lang"], "width": W, "height": H, "image": fid + ".png",
                  "layout": layout_desc_v2(F), "profile": F["profile"], "fields": fields}
            with open(os.path.join(out, fid + ".json"), "w", encoding="utf-8") as fh:
                json.dump(gt, fh, ensure_ascii=False, indent=1)
                fh.write("\n")
            nulls = sum(1 for x in fields if x["key"] and x["value"] is None)
            print(f"{fid} {F['lang']} {W}x{H} {len(fields)} fields ({nulls} unfillable) | {gt['layout']}")
            done.append(gt)
            for f, e in zip(allf, fields):
                what = f.kind
                if f.kind == "date":
                    ds = f.dstyle
                    what = "date " + (("one box, format " + ds["hint"]) if ds["mode"] == "one" and ds["fmt"] else
                                      "one box, no format" if ds["mode"] == "one" else ds["kind"] + ":" + ds["order"])
                elif f.kind == "checkbox":
                    what = f"checkbox {style} ({F['plan']['opt']}{', stacked' if F['plan'].get('stack') else ''})"
                stats[(what, F["lang"])] = stats.get((what, F["lang"]), 0) + 1
    print("\nfields per kind / style (en, zh):")
    for what in sorted({w for w, _ in stats}):
        print(f"  {what:40s} {stats.get((what, 'en'), 0):3d} {stats.get((what, 'zh'), 0):3d}")
    return done


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--v2", action="store_true",
                    help="v2 tuning corpus (dates, cells, grids, radios, glyph options) in the v2 JSON format")
    ap.add_argument("--out", default=None, help="default tests/fixtures/forms (v2: tests/fixtures/forms_tune)")
    ap.add_argument("--count", type=int, default=None, help="default 36 (v2: 24)")
    ap.add_argument("--seed", type=int, default=None, help=f"default 20250301 (v2: {V2_SEED})")
    ap.add_argument("--prefix", default="t", help="v2 only: ids are PREFIX_01, PREFIX_02, ...")
    args = ap.parse_args()
    if args.v2:
        generate_v2(args.out or DEFAULT_OUT_V2, 24 if args.count is None else args.count,
                    V2_SEED if args.seed is None else args.seed, args.prefix)
        return
    args.out = args.out or DEFAULT_OUT
    args.count = 36 if args.count is None else args.count
    args.seed = 20250301 if args.seed is None else args.seed
    out = args.out
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        if f.startswith("form_") and f.endswith((".png", ".json", ".html")):
            os.remove(os.path.join(out, f))
    with Browser() as b:
        for idx in range(args.count):
            rng = random.Random(args.seed * 1000 + idx)
            fid = f"form_{idx + 1:02d}"
            F = make_form(idx, rng)
            while True:  # widen the page (deterministically) if the content does not fit
                doc = form_html(F)
                try:
                    png, d, (W, H) = b.render(doc, F["width"], EXTRACT_JS, min_height=100)
                    break
                except CDPError as e:
                    if "wider" not in str(e) or F["width"] >= 1400:
                        raise
                    F["width"] = min(1400, F["width"] + 100)
            allf = [f for _, fs in F["secs"] for f in fs]
            fields = []
            for n, f in enumerate(allf):
                lab = d["labels"][str(n)]
                e = {"label": f.label, "label_box": lab["box"], "kind": f.kind}
                if f.kind == "checkbox":
                    e["input_box"] = None
                else:
                    e["input_box"] = d["inputs"][str(n)]
                e["key"] = f.key
                e["value"] = F["field_value"](f)
                if f.kind == "checkbox":
                    e["options"] = [{"text": o, "text_box": d["texts"][f"{n}/{j}"], "box": d["boxes"][f"{n}/{j}"]}
                                    for j, o in enumerate(f.options)]
                fields.append(e)
            check(fid, F, fields, d["nf"], W, H)
            with open(os.path.join(out, fid + ".html"), "w", encoding="utf-8") as fh:
                fh.write(doc)
            w, h = save_png(png, os.path.join(out, fid + ".png"))
            assert (w, h) == (W, H)
            gt = {"id": fid, "lang": F["lang"], "width": W, "height": H,
                  "layout": layout_desc(F["L"], F["cb_native"]) + f", {F['font'].split(',')[0].strip(chr(39))} {F['size']}px",
                  "profile": F["profile"], "fields": fields}
            if F["hard"]:
                gt["hard_case"] = "profile gives only a full name; first/last name fields must be split from it"
            with open(os.path.join(out, fid + ".json"), "w", encoding="utf-8") as fh:
                json.dump(gt, fh, ensure_ascii=False, indent=1)
                fh.write("\n")
            nulls = sum(1 for x in fields if x["key"] and x["value"] is None)
            print(f"{fid} {F['lang']} {W}x{H} {len(fields)} fields ({nulls} unfillable) | {gt['layout']}")


if __name__ == "__main__":
    main()
