#!/usr/bin/env python3
"""Held-out form corpus E (v2 format), written blind from the format description.

    python3 tools/forms/make_heldout_e.py --out /tmp/forms_heldout_e --seed 505 --count 44
    python3 tools/forms/make_scans.py --in /tmp/forms_heldout_e --seed 83

Writes e_01 ... e_NN (odd numbers English, even numbers Simplified Chinese): e_NN.html (the
laid-out DOM), e_NN.png (headless Chromium via tools/cdp_render.py, device scale factor 1) and
e_NN.json (v2 ground truth, every box read from the DOM after layout). Eleven layout families,
each on English and Chinese forms; see tools/forms/README.md, "Corpus E". Deterministic for a
seed (byte-identical reruns with the same Chromium build and fonts). Every form is checked
(overlaps, label distances, decoys, ink, glyph ink boxes, whole-pixel tables, PNG size) and drawn
again with other cosmetic draws (up to 8 times) when a check fails. HELDOUT_DEBUG=1 prints the
reasons and keeps rejected attempts in /tmp/heldout_e_debug/.
"""

import argparse
import collections
import datetime
import html as htmlmod
import io
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from cdp_render import Browser, CDPError, save_png  # noqa: E402

from PIL import Image  # noqa: E402

MAX_PNG = 120 * 1024
DEBUG = bool(os.environ.get("HELDOUT_DEBUG"))


def esc(s):
    return htmlmod.escape(str(s), quote=True)


# ----------------------------------------------------------------------------------------------
# themes: (title, issuer, keyed field keys, extras). extras: ("t", label[, comb]) text, ("d", label)
# date, ("c", label, options) option group, ("yn", label) yes / no pair. All extras have key null.
# ----------------------------------------------------------------------------------------------
YN_EN, YN_ZH = ["Yes", "No"], ["是", "否"]

EN_THEMES = [
    ("Application for a Building Permit", "Building Control Services",
     ["name", "address", "postcode", "phone", "email"],
     [("t", "Site address"), ("t", "Lot / parcel number"), ("c", "Type of work", ["New building", "Extension", "Alteration", "Demolition"]),
      ("t", "Estimated cost of works"), ("d", "Proposed start date"), ("yn", "Is the building heritage listed?"), ("t", "Builder's licence no.")]),
    ("Clinical Study Participant Enrolment", "Research Ethics Office",
     ["first_name", "last_name", "date_of_birth", "gender", "phone", "email", "emergency_contact"],
     [("t", "Study code"), ("t", "Participant no.", 6), ("d", "Date of screening visit"), ("yn", "Are you taking any medication?"),
      ("c", "Preferred contact method", ["Phone", "Email", "Post"]), ("t", "GP name")]),
    ("Food Business Registration", "Environmental Health",
     ["name", "address", "city", "postcode", "phone", "email"],
     [("t", "Trading name"), ("t", "Premises address"), ("c", "Business type", ["Restaurant", "Café", "Mobile vendor", "Home-based"]),
      ("d", "Date trading begins"), ("t", "Number of food handlers"), ("yn", "Will you serve alcohol?")]),
    ("Music Examination Entry Form", "Associated Music Examinations Board",
     ["name", "date_of_birth", "gender", "address", "postcode", "email"],
     [("t", "Instrument"), ("c", "Grade", ["Initial", "Grades 1-3", "Grades 4-5", "Grades 6-8"]), ("t", "Teacher's name"),
      ("t", "Teacher number", 6), ("d", "Preferred exam date"), ("c", "Session", ["Morning", "Afternoon"])]),
    ("Foster Carer Enquiry", "Children's Services",
     ["name", "date_of_birth", "gender", "address", "phone", "occupation"],
     [("c", "Household", ["Single", "Couple"]), ("t", "Children living at home"), ("yn", "Do you have a spare bedroom?"),
      ("d", "Available from"), ("t", "How did you hear about us?")]),
    ("Home Energy Rebate Claim", "Department of Energy",
     ["first_name", "last_name", "address", "postcode", "phone", "email"],
     [("t", "Meter point number", 13), ("t", "Energy supplier"), ("c", "Improvement", ["Insulation", "Heat pump", "Solar panels", "Double glazing"]),
      ("d", "Installation date"), ("t", "Installer accreditation no."), ("t", "Amount claimed")]),
    ("Wedding Venue Booking Form", "Riverside Hall",
     ["name", "address", "phone", "email"],
     [("t", "Partner's name"), ("d", "Event date"), ("t", "Number of guests"), ("c", "Ceremony type", ["Civil", "Religious", "Celebrant"]),
      ("c", "Catering", ["Buffet", "Plated", "None"]), ("t", "Deposit receipt no.")]),
    ("Campground Reservation", "National Parks Service",
     ["name", "address", "city", "phone", "email"],
     [("d", "Arrival date"), ("d", "Departure date"), ("c", "Site type", ["Tent", "Caravan", "Cabin"]), ("t", "Number of adults"),
      ("t", "Vehicle registration"), ("yn", "Bringing a pet?")]),
    ("Bicycle Registration", "Community Police",
     ["name", "date_of_birth", "address", "postcode", "phone"],
     [("t", "Frame number"), ("t", "Make / model"), ("t", "Colour"), ("c", "Bicycle type", ["Road", "Mountain", "Hybrid", "Electric"]),
      ("d", "Date of purchase")]),
    ("Market Stall Application", "Town Centre Markets",
     ["name", "address", "phone", "email"],
     [("t", "Business name"), ("t", "Products sold"), ("c", "Stall size", ["3 x 3 m", "3 x 6 m"]), ("d", "Market date requested"),
      ("yn", "Do you need power?"), ("t", "Public liability policy no.")]),
    ("Apprenticeship Application", "Regional Skills Academy",
     ["first_name", "last_name", "date_of_birth", "gender", "address", "phone", "email"],
     [("t", "Trade applied for"), ("t", "School last attended"), ("c", "Highest qualification", ["School certificate", "Diploma", "Degree", "None"]),
      ("d", "Date available to start"), ("yn", "Do you hold a driving licence?")]),
    ("Noise Complaint Report", "Environmental Protection Unit",
     ["name", "address", "postcode", "phone", "email"],
     [("t", "Address of noise source"), ("d", "Date first noticed"), ("c", "Type of noise", ["Music", "Dogs", "Construction", "Alarms"]),
      ("c", "Time of day", ["Day", "Evening", "Night"]), ("t", "Description")]),
    ("Change of Name Application", "Registry of Births, Deaths and Marriages",
     ["name", "date_of_birth", "gender", "address", "phone", "nationality"],
     [("t", "Former name"), ("t", "New name"), ("d", "Date change takes effect"), ("c", "Reason", ["Marriage", "Divorce", "Personal choice", "Other"]),
      ("t", "Deed poll reference")]),
    ("Organ Donor Registration", "Organ Donation Register",
     ["name", "date_of_birth", "gender", "address", "postcode", "email", "id_number"],
     [("c", "I wish to donate", ["All organs", "Kidneys", "Heart", "Corneas"]), ("yn", "Have you told your family?"),
      ("t", "Donor card no."), ("t", "GP practice")]),
    ("Rental Bond Lodgement", "Rental Bonds Board",
     ["name", "phone", "email", "address"],
     [("t", "Rental property address"), ("t", "Bond amount"), ("d", "Tenancy start date"), ("t", "Landlord / agent name"),
      ("t", "Agent licence no."), ("c", "Property type", ["House", "Unit", "Room"])]),
    ("Travel Insurance Claim", "Harbour Insurance",
     ["name", "date_of_birth", "address", "phone", "email", "passport_number"],
     [("t", "Policy number", 10), ("d", "Date of departure"), ("d", "Date of incident"), ("c", "Claim type", ["Medical", "Baggage", "Cancellation", "Delay"]),
      ("t", "Amount claimed")]),
    ("Home Contents Insurance Quote", "Keystone Mutual",
     ["name", "date_of_birth", "phone", "email", "occupation"],
     [("t", "Property address"), ("c", "Building type", ["House", "Flat", "Townhouse"]), ("t", "Year built"), ("t", "Sum insured"),
      ("yn", "Any claims in the last 5 years?"), ("d", "Cover start date")]),
    ("Ski School Enrolment", "Alpine Snowsports School",
     ["name", "date_of_birth", "gender", "phone", "email", "emergency_contact"],
     [("c", "Ability level", ["Beginner", "Intermediate", "Advanced"]), ("t", "Boot size"), ("t", "Height (cm)"), ("d", "First lesson date"),
      ("c", "Equipment hire", ["Skis", "Snowboard", "None"])]),
    ("Taxi Driver Licence Application", "Licensing Authority",
     ["name", "date_of_birth", "gender", "address", "postcode", "phone", "nationality"],
     [("t", "Driving licence no."), ("d", "Licence expiry date"), ("c", "Vehicle class", ["Saloon", "MPV", "Wheelchair accessible"]),
      ("yn", "Any motoring convictions?"), ("t", "Operator name")]),
    ("Community Hall Hire Agreement", "Parish Council",
     ["name", "address", "phone", "email"],
     [("t", "Name of organisation"), ("t", "Purpose of hire"), ("d", "Date of hire"), ("c", "Room", ["Main hall", "Small hall", "Kitchen"]),
      ("t", "Expected attendance"), ("yn", "Will alcohol be served?")]),
    ("Swimming Lessons Enrolment", "Leisure Centre",
     ["name", "date_of_birth", "gender", "phone", "email", "emergency_contact"],
     [("t", "School"), ("c", "Level", ["Learn to swim", "Stage 1-3", "Stage 4-7", "Adult"]), ("c", "Preferred day", ["Monday", "Wednesday", "Saturday"]),
      ("d", "Start date"), ("yn", "Any medical conditions?")]),
    ("Voter Registration Form", "Electoral Registration Office",
     ["first_name", "last_name", "date_of_birth", "nationality", "address", "postcode", "id_number"],
     [("t", "Previous address"), ("d", "Date you moved in"), ("yn", "Include me in the open register?"),
      ("c", "Postal vote", ["Yes", "No", "Send details"]), ("t", "Electoral number")]),
]

ZH_THEMES = [
    ("建设工程规划许可证申请表", "自然资源和规划局", ["name", "id_number", "phone", "address"],
     [("t", "建设项目名称"), ("t", "建设地址"), ("c", "建设性质", ["新建", "改建", "扩建"]), ("t", "用地面积（平方米）"), ("d", "拟开工日期"), ("t", "设计单位")]),
    ("残疾人证申请表", "残疾人联合会", ["name", "gender", "date_of_birth", "id_number", "address", "phone"],
     [("c", "残疾类别", ["视力", "听力", "肢体", "智力"]), ("t", "监护人姓名"), ("t", "户籍所在地"), ("d", "评定日期"), ("yn", "是否首次申请")]),
    ("食品经营许可申请书", "市场监督管理局", ["name", "id_number", "phone", "address"],
     [("t", "经营者名称"), ("t", "经营场所"), ("c", "主体业态", ["食品销售", "餐饮服务", "单位食堂"]), ("t", "统一社会信用代码", 18), ("t", "食品安全管理员")]),
    ("药物临床试验受试者登记表", "临床试验机构办公室", ["name", "gender", "date_of_birth", "phone", "emergency_contact"],
     [("t", "试验编号"), ("t", "受试者编号", 6), ("d", "筛选日期"), ("yn", "是否正在服用其他药物"), ("c", "既往病史", ["高血压", "糖尿病", "心脏病", "无"])]),
    ("普通话水平测试报名表", "语言文字工作委员会", ["name", "gender", "id_number", "phone", "employer"],
     [("c", "报考类别", ["教师", "播音员", "学生", "其他"]), ("d", "期望考试日期"), ("yn", "是否补考"), ("t", "上次测试等级")]),
    ("教师资格认定申请表", "教育局", ["name", "gender", "date_of_birth", "id_number", "phone", "employer"],
     [("c", "资格种类", ["幼儿园", "小学", "初级中学", "高级中学"]), ("t", "任教学科"), ("t", "毕业学校"), ("d", "毕业日期"), ("yn", "是否师范专业")]),
    ("不动产登记申请书", "不动产登记中心", ["name", "id_number", "phone", "address", "postcode"],
     [("t", "不动产坐落"), ("t", "不动产单元号"), ("c", "登记类型", ["首次登记", "转移登记", "变更登记", "抵押登记"]), ("t", "面积（㎡）"), ("d", "取得日期"),
      ("c", "共有情况", ["单独所有", "共同共有", "按份共有"])]),
    ("生育登记服务单", "卫生健康委员会", ["name", "date_of_birth", "id_number", "phone", "address"],
     [("t", "配偶姓名"), ("t", "配偶身份证号码"), ("d", "结婚登记日期"), ("c", "生育孩次", ["一孩", "二孩", "三孩"]), ("d", "预产期")]),
    ("出生医学证明补发申请表", "妇幼保健院", ["name", "id_number", "phone", "address"],
     [("t", "新生儿姓名"), ("d", "新生儿出生日期"), ("t", "出生地点"), ("c", "补发原因", ["遗失", "损毁"]), ("t", "原证编号")]),
    ("退役军人信息采集表", "退役军人事务局", ["name", "gender", "date_of_birth", "id_number", "phone", "address"],
     [("d", "入伍时间"), ("d", "退役时间"), ("t", "服役部队"), ("c", "退役方式", ["退休", "转业", "复员", "逐月领取"]), ("yn", "是否伤残")]),
    ("燃气开户申请表", "城市燃气有限公司", ["name", "id_number", "phone", "address"],
     [("t", "用气地址"), ("c", "用户类型", ["居民", "商业"]), ("t", "房屋产权人"), ("t", "燃气表号", 12), ("d", "预约安装日期"),
      ("c", "燃气具", ["灶具", "热水器", "壁挂炉"])]),
    ("农村土地承包经营权流转登记表", "农业农村局", ["name", "id_number", "phone", "address"],
     [("t", "流入方"), ("t", "地块编码"), ("t", "面积（亩）"), ("c", "流转方式", ["出租", "转包", "入股", "互换"]), ("d", "流转起始日期"), ("d", "流转终止日期")]),
    ("网络预约出租汽车驾驶员证申请表", "交通运输局", ["name", "gender", "date_of_birth", "id_number", "phone", "address"],
     [("t", "驾驶证档案编号"), ("d", "初次领证日期"), ("c", "准驾车型", ["A1", "B1", "C1", "C2"]), ("yn", "有无交通肇事犯罪记录"), ("t", "服务平台")]),
    ("专利费用减缴请求书", "知识产权局", ["name", "id_number", "phone", "address", "postcode"],
     [("t", "申请号或专利号"), ("t", "发明创造名称"), ("c", "请求人类型", ["个人", "企业", "事业单位"]), ("t", "上年度收入（元）")]),
    ("商标注册申请书", "商标局", ["name", "id_number", "phone", "email", "address", "postcode"],
     [("t", "商标名称"), ("c", "商标类型", ["一般", "集体", "证明"]), ("t", "商品 / 服务类别"), ("yn", "是否为立体商标"), ("t", "代理机构名称")]),
    ("职业技能等级认定报名表", "人力资源服务中心", ["name", "gender", "date_of_birth", "id_number", "phone", "employer"],
     [("t", "职业（工种）"), ("c", "申报等级", ["五级", "四级", "三级", "二级"]), ("t", "从事本职业年限"), ("d", "取得原证书日期"), ("t", "原证书编号")]),
    ("社区老年食堂就餐登记表", "街道社区服务中心", ["name", "gender", "date_of_birth", "phone", "address", "emergency_contact"],
     [("c", "就餐方式", ["堂食", "送餐"]), ("c", "用餐时段", ["午餐", "晚餐"]), ("yn", "是否享受补贴"), ("t", "所属社区"), ("t", "饮食禁忌")]),
    ("文明家庭推荐表", "妇女联合会", ["name", "gender", "phone", "address", "employer"],
     [("t", "家庭人口数"), ("t", "推荐单位"), ("c", "推荐类别", ["孝老爱亲", "勤俭节约", "绿色环保", "邻里互助"]), ("d", "推荐日期")]),
    ("消防安全检查申报表", "消防救援大队", ["name", "id_number", "phone", "address"],
     [("t", "场所名称"), ("t", "建筑面积（㎡）"), ("c", "使用性质", ["商场", "餐饮", "娱乐", "宾馆"]), ("d", "拟开业日期"), ("t", "消防安全管理人")]),
    ("户外广告设置申请表", "城市管理局", ["name", "id_number", "phone", "address", "employer"],
     [("t", "设置地点"), ("t", "广告规格（米）"), ("c", "广告形式", ["灯箱", "墙体", "立柱", "电子屏"]), ("d", "设置起始日期"), ("d", "设置截止日期")]),
    ("第二类医疗器械经营备案表", "药品监督管理局", ["name", "id_number", "phone", "address"],
     [("t", "企业名称"), ("t", "库房地址"), ("c", "经营方式", ["批发", "零售", "批零兼营"]), ("t", "质量负责人"), ("t", "备案编号", 10)]),
    ("个人所得税专项附加扣除信息表", "税务局", ["name", "id_number", "phone", "email", "address", "employer"],
     [("c", "扣除项目", ["子女教育", "继续教育", "住房贷款利息", "赡养老人"]), ("t", "配偶姓名"), ("d", "扣除起始日期"),
      ("c", "扣除方式", ["由扣缴义务人扣除", "年度汇算时扣除"])]),
]

LABELS = {
    "en": {
        "name": ["Full name", "Name of applicant", "Applicant's full name", "Name"],
        "first_name": ["First name", "Given name(s)", "Forename"],
        "last_name": ["Surname", "Last name", "Family name"],
        "date_of_birth": ["Date of birth", "Birth date"],
        "gender": ["Sex", "Gender"],
        "nationality": ["Nationality", "Citizenship"],
        "id_number": ["National ID number", "Identity card no.", "ID number"],
        "passport_number": ["Passport number", "Passport no."],
        "phone": ["Telephone", "Mobile number", "Daytime phone", "Contact number"],
        "email": ["Email", "Email address", "E-mail"],
        "address": ["Home address", "Residential address", "Postal address", "Current address"],
        "city": ["Town / city", "City", "Suburb / town"],
        "postcode": ["Postcode", "Post code", "ZIP / postal code"],
        "occupation": ["Occupation", "Job title", "Profession"],
        "employer": ["Employer", "Name of employer", "Company"],
        "emergency_contact": ["Emergency contact", "Next of kin", "Contact in an emergency"],
        "signature": ["Signature", "Signature of applicant", "Signed"],
        "date": ["Date", "Date signed", "Today's date"],
    },
    "zh": {
        "name": ["姓名", "申请人姓名", "申请人"],
        "gender": ["性别"],
        "date_of_birth": ["出生日期", "出生年月日"],
        "nationality": ["国籍"],
        "id_number": ["身份证号码", "公民身份号码", "证件号码"],
        "passport_number": ["护照号码"],
        "phone": ["联系电话", "手机号码", "移动电话"],
        "email": ["电子邮箱", "电子邮件"],
        "address": ["现住址", "通讯地址", "家庭住址", "联系地址"],
        "city": ["所在城市"],
        "postcode": ["邮政编码", "邮编"],
        "occupation": ["职业"],
        "employer": ["工作单位", "所在单位"],
        "emergency_contact": ["紧急联系人", "紧急联系人及电话"],
        "signature": ["申请人签名", "签字", "本人签名"],
        "date": ["日期", "填表日期", "申请日期"],
    },
}

GENERIC_EXTRA = {
    "en": [("c", "Title", ["Mr", "Mrs", "Ms", "Dr"]), ("c", "Marital status", ["Single", "Married", "Divorced", "Widowed"]),
           ("t", "Reference no."), ("t", "Preferred name"), ("c", "Preferred language", ["English", "Welsh", "Other"])],
    "zh": [("t", "民族"), ("c", "婚姻状况", ["未婚", "已婚", "离异", "丧偶"]), ("c", "文化程度", ["初中及以下", "高中", "大专", "本科及以上"]),
           ("t", "政治面貌"), ("t", "备注")],
}

# ----------------------------------------------------------------------------------------------
# people and profiles
# ----------------------------------------------------------------------------------------------
EN_FIRST_M = ["James", "Oliver", "Daniel", "Samuel", "Thomas", "Liam", "Henry", "Marcus", "Patrick", "Ethan", "Owen", "Rhys"]
EN_FIRST_F = ["Emily", "Charlotte", "Grace", "Hannah", "Sophie", "Chloe", "Amelia", "Isla", "Ruth", "Megan", "Freya", "Zoe"]
EN_LAST = ["Carter", "Whitfield", "Morrison", "Hughes", "Bennett", "O'Neill", "Fletcher", "Okafor", "Lindqvist", "Patel", "Sinclair",
           "Doyle", "Harrington", "McAllister", "Nguyen", "Abbott"]
EN_STREETS = ["Maple Avenue", "Station Road", "Kingsway", "Harbour Street", "Orchard Close", "Elm Grove", "Victoria Parade",
              "Mill Lane", "Church Street", "Wattle Crescent"]
EN_CITIES = [("Leeds", "LS6 2QT"), ("Bristol", "BS8 1TH"), ("Cardiff", "CF10 3AT"), ("Brisbane", "4101"), ("Hobart", "7000"),
             ("Auckland", "1010"), ("Portland", "97205"), ("Galway", "H91 E2K4"), ("Norwich", "NR2 4SX"), ("Perth", "6000")]
EN_NAT = ["British", "Australian", "Irish", "Canadian", "New Zealander", "American"]
EN_OCC = ["Nurse", "Electrician", "Accountant", "Teacher", "Software developer", "Chef", "Paramedic", "Architect", "Librarian", "Plumber"]
EN_EMP = ["Northgate Health Trust", "Brightwater Energy Ltd", "City of Leeds Council", "Harbour Logistics", "Pinecrest Academy",
          "Oakridge Engineering", "Bluefin Software", "St Mary's Hospital"]

ZH_SUR = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗", "欧阳"]
ZH_GIVEN_M = ["伟", "建国", "志强", "浩然", "子轩", "明", "俊杰", "宇航", "海涛", "立新", "文博", "家豪"]
ZH_GIVEN_F = ["芳", "秀英", "丽娟", "婷", "雨桐", "静怡", "晓燕", "欣怡", "慧敏", "佳琪", "梦洁", "玉兰"]
ZH_PLACES = [("北京市", "朝阳区建国路", "100022", "110105"), ("上海市", "浦东新区张杨路", "200120", "310115"),
             ("广州市", "天河区体育西路", "510620", "440106"), ("杭州市", "西湖区文三路", "310012", "330106"),
             ("成都市", "武侯区人民南路四段", "610041", "510107"), ("武汉市", "洪山区珞喻路", "430074", "420111"),
             ("南京市", "鼓楼区中山北路", "210008", "320106"), ("西安市", "雁塔区小寨东路", "710061", "610113"),
             ("深圳市", "南山区科技园南路", "518057", "440305"), ("济南市", "历下区泉城路", "250011", "370102")]
ZH_OCC = ["教师", "工程师", "会计", "护士", "个体经营者", "公务员", "医生", "销售经理", "厨师", "自由职业"]
ZH_EMP = ["北京华信科技有限公司", "上海浦江建设集团", "广州市第一人民医院", "杭州西湖区实验小学", "成都天府软件园有限公司",
          "武汉光谷物流有限公司", "南京钟山会计师事务所", "深圳前海金融服务有限公司"]

KEY_SPELL = {
    "en": {"name": ["name", "full_name", "Name", "applicant_name"], "first_name": ["first_name", "given_name", "First name"],
           "last_name": ["last_name", "surname", "family_name"], "id_number": ["id_number", "ID", "national_id"],
           "passport_number": ["passport_number", "passport", "Passport No"], "phone": ["phone", "Mobile", "telephone", "phone_number"],
           "email": ["email", "E-mail", "email_address"], "address": ["address", "home_address", "Address"],
           "city": ["city", "town"], "postcode": ["postcode", "zip", "postal_code"],
           "date_of_birth": ["date_of_birth", "dob", "DOB", "birth_date"], "gender": ["gender", "sex"],
           "nationality": ["nationality", "citizenship"], "occupation": ["occupation", "job"], "employer": ["employer", "company"],
           "emergency_contact": ["emergency_contact", "next_of_kin"], "date": ["date", "today", "signing_date"]},
    "zh": {"name": ["姓名", "name"], "id_number": ["身份证号码", "id_number", "身份证号"], "passport_number": ["护照号码"],
           "phone": ["手机", "联系电话", "phone"], "email": ["邮箱", "电子邮箱", "email"], "address": ["地址", "住址", "address"],
           "city": ["城市", "city"], "postcode": ["邮编", "postcode"], "date_of_birth": ["出生日期", "dob", "生日"],
           "gender": ["性别", "sex"], "nationality": ["国籍"], "occupation": ["职业"], "employer": ["工作单位", "employer"],
           "emergency_contact": ["紧急联系人"], "date": ["日期", "填表日期", "date"]},
}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def spell_date(d, rng, lang):
    st = rng.choice(["iso", "iso", "zh", "dot", "dmy_long", "mdy_long", "slash"] if lang == "zh" else
                    ["iso", "iso", "dot", "dmy_long", "mdy_long", "slash", "zh"])
    if st == "slash" and d.day <= 12:
        st = "iso"
    if st == "iso":
        return d.isoformat()
    if st == "zh":
        return f"{d.year}年{d.month}月{d.day}日"
    if st == "dot":
        return f"{d.year}.{d.month:02d}.{d.day:02d}"
    if st == "dmy_long":
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    if st == "mdy_long":
        return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def zh_id(region, dob, female, rng):
    seq = rng.randint(10, 99) * 10 + (rng.choice([0, 2, 4, 6, 8]) if female else rng.choice([1, 3, 5, 7, 9]))
    body = f"{region}{dob.year:04d}{dob.month:02d}{dob.day:02d}{seq:03d}"
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(a) * b for a, b in zip(body, w))
    return body + "10X98765432"[s % 11]


def make_person(lang, rng):
    female = rng.random() < 0.5
    dob = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randint(0, 54 * 365))
    signed = datetime.date(2025, 1, 6) + datetime.timedelta(days=rng.randint(0, 300))
    p = {"_female": female, "_dob": dob, "_signed": signed}
    if lang == "en":
        fn = rng.choice(EN_FIRST_F if female else EN_FIRST_M)
        ln = rng.choice(EN_LAST)
        city, pc = rng.choice(EN_CITIES)
        p.update(first_name=fn, last_name=ln, name=f"{fn} {ln}", city=city, postcode=pc,
                 address=f"{rng.randint(2, 240)} {rng.choice(EN_STREETS)}",
                 phone=rng.choice(["07700 9", "+44 7700 9", "0412 5", "(503) 55"]) + f"{rng.randint(10000, 99999)}",
                 email=f"{fn.lower()}.{ln.lower().replace(chr(39), '')}@{rng.choice(['mail.com', 'outlook.com', 'example.org'])}",
                 nationality=rng.choice(EN_NAT), occupation=rng.choice(EN_OCC), employer=rng.choice(EN_EMP),
                 id_number=f"{rng.choice('ABCDEFGH')}{rng.choice('JKLMNPRS')}{rng.randint(100000, 999999)}{rng.choice('ABCD')}",
                 passport_number=f"{rng.randint(100000000, 999999999)}",
                 emergency_contact=f"{rng.choice(EN_FIRST_M + EN_FIRST_F)} {ln}, 07700 9{rng.randint(10000, 99999)}")
    else:
        sur = rng.choice(ZH_SUR)
        given = rng.choice(ZH_GIVEN_F if female else ZH_GIVEN_M)
        city, road, pc, region = rng.choice(ZH_PLACES)
        p.update(name=sur + given, city=city, postcode=pc,
                 address=f"{city}{road}{rng.randint(1, 300)}号{rng.randint(1, 12)}栋{rng.randint(1, 30)}0{rng.randint(1, 8)}室",
                 phone=f"1{rng.choice(['38', '39', '50', '58', '86', '89', '77'])}{rng.randint(10000000, 99999999)}",
                 email=f"{rng.choice(['wang', 'li', 'zhang', 'chen', 'liu', 'zhou'])}{rng.randint(100, 9999)}@{rng.choice(['qq.com', '163.com', 'sina.com'])}",
                 nationality="中国", occupation=rng.choice(ZH_OCC), employer=rng.choice(ZH_EMP),
                 id_number=zh_id(region, dob, female, rng), passport_number=f"E{rng.randint(10000000, 99999999)}",
                 emergency_contact=f"{rng.choice(ZH_SUR)}{rng.choice(ZH_GIVEN_M + ZH_GIVEN_F)} 1{rng.choice(['36', '59', '88'])}{rng.randint(10000000, 99999999)}")
    return p


# ----------------------------------------------------------------------------------------------
# fields
# ----------------------------------------------------------------------------------------------
class Field:
    def __init__(self, label, kind, key=None, opts=None, comb=0, wide=False):
        self.label, self.kind, self.key, self.opts, self.comb, self.wide = label, kind, key, opts, comb, wide
        self.i = -1
        self.req = False
        self.dstyle = self.ostyle = self.arr = self.tmode = None
        self.fmt = None
        self.order = None  # date parts order
        self.pad = True
        self.hint_after_label = ""
        self.table = False


def build_content(fid, lang, j, seed):
    """Fields, profile, theme for one form: drawn from the content generator (not retried)."""
    rng = random.Random(f"{seed}/{fid}/content")
    title, issuer, keyed, extras = (EN_THEMES if lang == "en" else ZH_THEMES)[j]
    fam = FAMILIES[j % len(FAMILIES)]
    L = LABELS[lang]
    keyed = list(keyed)
    if lang == "en" and "name" in keyed and rng.random() < 0.25:
        i = keyed.index("name")
        keyed[i:i + 1] = ["first_name", "last_name"]
    if "date_of_birth" not in keyed and rng.random() < 0.5:
        keyed.insert(1, "date_of_birth")
    if "gender" not in keyed and rng.random() < 0.55:
        keyed.insert(1, "gender")
    for k in ("email", "occupation", "nationality", "city", "employer", "emergency_contact", "passport_number"):
        if k not in keyed and rng.random() < 0.08 and len(keyed) < 9:
            keyed.append(k)
    table_fields = []
    personal = []
    if fam == "ledger":  # repeated-rows table carries the applicant's name, date of birth and occupation
        for k in ("name", "first_name", "last_name", "date_of_birth", "occupation"):
            if k in keyed:
                keyed.remove(k)
        tl = {"en": ["Name", "Date of birth", "Occupation"], "zh": ["姓名", "出生日期", "职业"]}[lang]
        table_fields = [Field(tl[0], "text", "name"), Field(tl[1], "date", "date_of_birth"), Field(tl[2], "text", "occupation")]
        for f in table_fields:
            f.table = True
    for k in keyed:
        lab = rng.choice(L[k])
        if k == "gender":
            opts = ["Male", "Female"] if lang == "en" else ["男", "女"]
            if lang == "en" and rng.random() < 0.3:
                opts = opts + ["Other"]
            f = Field(lab, "choice", k, opts)
        elif k == "date_of_birth":
            f = Field(lab, "date", k)
        else:
            comb = 0
            if k == "id_number" and lang == "zh" and rng.random() < 0.6:
                comb = 18
            elif k == "postcode" and lang == "zh" and rng.random() < 0.5:
                comb = 6
            elif k == "phone" and lang == "zh" and rng.random() < 0.2:
                comb = 11
            f = Field(lab, "text", k, comb=comb, wide=k in ("address", "email", "emergency_contact") or comb > 8)
        personal.append(f)
    theme_f = []
    ex = list(extras)
    if rng.random() < 0.4:
        ex.insert(rng.randint(0, len(ex)), rng.choice(GENERIC_EXTRA[lang]))
    for e in ex:
        if e[0] == "t":
            comb = e[2] if len(e) > 2 else 0
            theme_f.append(Field(e[1], "text", None, comb=comb, wide=comb > 8 or "address" in e[1].lower() or "地址" in e[1] or "地点" in e[1]))
        elif e[0] == "d":
            theme_f.append(Field(e[1], "date"))
        elif e[0] == "c":
            theme_f.append(Field(e[1], "choice", None, list(e[2]), wide=len(e[2]) >= 4))
        else:
            theme_f.append(Field(e[1], "choice", None, list(YN_EN if lang == "en" else YN_ZH)))
    decl = [Field(rng.choice(L["signature"]), "text", "signature"), Field(rng.choice(L["date"]), "date", "date")]
    sec_names = {"en": [rng.choice(["Applicant details", "About you", "Personal details", "Section A: Your details"]),
                        rng.choice(["Details of the application", "Section B: Request", "About the request", "Further information"]),
                        rng.choice(["Declaration", "Signature", "Section C: Declaration"])],
                 "zh": [rng.choice(["申请人基本信息", "一、个人信息", "基本情况"]), rng.choice(["申请事项", "二、申请内容", "相关信息"]),
                        rng.choice(["声明", "三、申请人承诺", "本人承诺"])]}[lang]
    sections = [[sec_names[0], personal], [sec_names[1], theme_f], [sec_names[2], decl]]
    fields = personal + theme_f + table_fields + decl

    # profile: spell the person's data, omit 1-3 keyed fields, add extras
    person = make_person(lang, rng)
    keys_on_form = [f.key for f in fields if f.key and f.key != "signature"]
    omit = set(rng.sample(keys_on_form, min(len(keys_on_form), rng.randint(1, 3))))
    hard = None
    if "first_name" in keys_on_form and rng.random() < 0.4:
        hard = "split"
        omit.discard("first_name")
        omit.discard("last_name")
    prof_keys = [k for k in keys_on_form if k not in omit]
    extra_pool = [k for k in ("email", "nationality", "occupation", "city", "employer", "passport_number") if k not in keys_on_form]
    prof_keys += rng.sample(extra_pool, min(len(extra_pool), rng.randint(0, 2)))
    spell = KEY_SPELL[lang]
    if lang == "en" and rng.random() < 0.15:  # Chinese key spellings on an English form
        spell = {k: ({"name": ["姓名"], "phone": ["手机"], "email": ["邮箱"], "date_of_birth": ["出生日期"], "address": ["地址"],
                      "gender": ["性别"]}.get(k) or v) for k, v in spell.items()}
    profile = {}
    values = {}
    for k in prof_keys:
        if hard and k in ("first_name", "last_name"):
            continue
        pk = rng.choice(spell.get(k, [k]))
        if k == "date_of_birth":
            profile[pk] = spell_date(person["_dob"], rng, lang)
            values[k] = person["_dob"].isoformat()
        elif k == "date":
            profile[pk] = spell_date(person["_signed"], rng, lang)
            values[k] = person["_signed"].isoformat()
        elif k == "gender":
            fem = person["_female"]
            profile[pk] = rng.choice((["female", "F", "Female", "f"] if fem else ["male", "M", "Male", "m"]) + (["女"] if fem else ["男"]) * (lang == "zh") * 3)
            values[k] = "gender"
        else:
            profile[pk] = person[k]
            values[k] = person[k]
    if hard:
        profile[rng.choice(spell["name"])] = person["name"]
        values["first_name"], values["last_name"] = person["first_name"], person["last_name"]
    for f in fields:
        if f.key == "gender" and "gender" in values:
            f.value = f.opts[1] if person["_female"] else f.opts[0]
        elif f.key and f.key in values and f.key != "signature":
            f.value = values[f.key]
        else:
            f.value = None
    for n, f in enumerate(fields):
        f.i = n
    return dict(title=title, issuer=issuer, fam=fam, sections=sections, fields=fields, profile=profile, table=table_fields,
                hard=hard, person=person)


# ----------------------------------------------------------------------------------------------
# cosmetics and widgets
# ----------------------------------------------------------------------------------------------
EN_FONTS = ["'Liberation Sans'", "'Liberation Serif'", "'DejaVu Sans'", "'DejaVu Serif'", "'Noto Sans'", "'Noto Serif'",
            "'Liberation Sans Narrow'"]
ZH_FONTS = ["'Noto Sans CJK SC'", "'Noto Serif CJK SC'", "'WenQuanYi Zen Hei'", "'Liberation Serif', 'Noto Serif CJK SC'",
            "'DejaVu Sans', 'WenQuanYi Zen Hei'"]

FAMILIES = ["divided", "heavycell", "gutter", "panels", "fillin", "ledger", "webcard", "hintcol", "capsgrid", "zebra", "tabs"]

FAM_DATES = {
    "divided": (["ph", "slash3", "dmy", "none", "afterlabel"], ["ph", "zboxunit", "zcomb", "slash3"]),
    "heavycell": (["cell_fmt", "cell_none", "cell_slash3"], ["cell_fmt", "cell_zparts", "cell_none"]),
    "gutter": (["ph", "slash3", "under", "ecomb"], ["zline", "zcomb", "ph", "under"]),
    "panels": (["ph", "slash3", "dmy", "under", "none"], ["ph", "zboxunit", "slash3", "none"]),
    "fillin": (["uline3", "afterlabel", "dmy"], ["zline", "zboxunit", "afterlabel"]),
    "ledger": (["cell_fmt", "cell_slash3", "cell_none"], ["cell_zparts", "cell_fmt", "cell_none"]),
    "webcard": (["ph", "under", "slash3"], ["ph", "under", "slash3"]),
    "hintcol": (["dmy", "slash3", "ph", "ecomb"], ["zboxunit", "zcomb", "ph"]),
    "capsgrid": (["ecomb", "slash3", "ph"], ["zcomb", "zline", "ph"]),
    "zebra": (["ph", "afterlabel", "none", "slash3"], ["ph", "afterlabel", "zboxunit", "zline"]),
    "tabs": (["uline3", "dmy", "ph"], ["zline", "zcomb", "zboxunit"]),
}
FAM_OPTS = {
    "divided": ["css_sq", "glyph_sq"], "heavycell": ["glyph_sq", "css_sq"], "gutter": ["css_circle", "native_radio"],
    "panels": ["css_sq", "css_circle"], "fillin": ["glyph_sq", "glyph_circle"], "ledger": ["glyph_sq", "css_sq"],
    "webcard": ["native_radio", "native_cb"], "hintcol": ["native_radio", "css_circle"], "capsgrid": ["css_sq", "glyph_sq"],
    "zebra": ["glyph_circle", "css_circle"], "tabs": ["glyph_sq", "css_sq"],
}
OPT_JSON_STYLE = {"css_sq": "square", "native_cb": "square", "css_circle": "radio", "native_radio": "radio",
                  "glyph_sq": "glyph", "glyph_circle": "glyph"}
EN_FORMATS = ["DD/MM/YYYY", "DD/MM/YYYY", "MM/DD/YYYY", "YYYY-MM-DD", "DD.MM.YYYY", "DD-MM-YYYY"]
ZH_FORMATS = ["YYYY年MM月DD日", "YYYY-MM-DD", "YYYY/MM/DD", "YYYY.MM.DD"]


class Ctx:
    def __init__(self, lang, fam, rng):
        self.lang, self.fam, self.rng = lang, fam, rng
        self.font = rng.choice(EN_FONTS if lang == "en" else ZH_FONTS) + ", 'DejaVu Sans', 'Noto Sans CJK SC', sans-serif"
        self.fs = rng.choice([13, 14, 14, 15, 16, 17]) if lang == "en" else rng.choice([14, 15, 16, 16, 17, 18])
        self.lh = round(self.fs * (1.4 if lang == "en" else 1.55))
        self.sfs = max(11, self.fs - rng.choice([2, 3, 4]))
        self.slh = round(self.sfs * 1.5)
        self.ih = self.lh + rng.choice([6, 8, 10])
        self.colon = rng.choice(["", ":", ":"]) if lang == "en" else rng.choice(["", "：", "："])
        self.ink = rng.choice(["#111", "#1a1a1a", "#222", "#000"])
        self.line = rng.choice(["#222", "#333", "#444", "#111"])
        self.bw = rng.choice([1, 1, 2])
        self.cw = rng.choice([15, 16, 17, 18])  # comb cell width
        self.osz = rng.choice([12, 13, 14, 15])  # option square size
        self.glyph_sq = rng.choice(["☐", "□"]) if lang == "en" else rng.choice(["□", "□", "☐"])
        self.glyph_ci = rng.choice(["○", "◯"])
        self.accent = rng.choice(["#1f3b5c", "#2d4a2d", "#4a2d2d", "#333333", "#16425b"])
        self.req_p = rng.choice([0, 0.2, 0.35])


def lab(c, f, style="", cls="lb"):
    star = '<span style="color:#c00">*</span>' if f.req else ""
    colon = "" if f.label[-1] in "?？" else c.colon
    return f'<span class="{cls}" data-lb="{f.i}" style="{style}">{esc(f.label)}{star}{esc(colon)}</span>{f.hint_after_label}'


def box(c, f, wcss, mode=None, extra=""):
    mode = mode or f.tmode or "box"
    h = c.ih
    if mode == "native":
        return (f'<input type="text" data-in="{f.i}" style="{wcss};height:{h}px;border:1px solid #8c8c8c;border-radius:4px;'
                f'padding:0 8px;font:inherit;background:#fff;margin:0;vertical-align:middle">')
    if mode in ("uline", "dotline"):
        st = "solid" if mode == "uline" else "dotted"
        return f'<span data-in="{f.i}" style="display:inline-block;{wcss};height:{h}px;border-bottom:1px {st} {c.line};vertical-align:bottom{extra}"></span>'
    if mode == "shaded":
        return f'<span data-in="{f.i}" style="display:inline-block;{wcss};height:{h}px;background:#eef0f3;border:1px solid #9aa;vertical-align:middle{extra}"></span>'
    bw = 2 if mode == "heavy" else c.bw
    return f'<span data-in="{f.i}" style="display:inline-block;{wcss};height:{h}px;border:{bw}px solid {c.line};background:#fff;vertical-align:middle{extra}"></span>'


def comb(c, f, n=None, attr=None, letters=None):
    n = n or f.comb
    attr = attr if attr is not None else f'data-in="{f.i}"'
    cells = []
    for k in range(n):
        t = f'<span style="color:#aaa;font-size:{c.sfs}px">{letters[k]}</span>' if letters else ""
        sep = 2 if (f.comb == 18 and k in (5, 13)) else 1
        cells.append(f'<span style="display:inline-flex;align-items:center;justify-content:center;width:{c.cw}px;height:{c.ih}px;'
                     f'border-right:{sep}px solid {c.line};line-height:{c.ih}px">{t}</span>')
    return (f'<span {attr} style="display:inline-flex;border:1px solid {c.line};border-right:0;vertical-align:middle;'
            f'background:#fff">{"".join(cells)}</span>')


def text_w(c, f, wcss="width:100%", mode=None):
    if f.comb:
        return comb(c, f)
    return box(c, f, wcss, mode)


def part_box(c, f, part, w, ph="", under=False):
    t = f'<span style="color:#999;font-size:{c.sfs}px;padding-left:5px">{esc(ph)}</span>' if ph else ""
    if under:
        return (f'<span data-part="{f.i}:{part}" style="display:inline-block;width:{w}px;height:{c.ih}px;border-bottom:1px solid {c.line};'
                f'vertical-align:bottom"></span>')
    return (f'<span data-part="{f.i}:{part}" style="display:inline-flex;align-items:center;width:{w}px;height:{c.ih}px;'
            f'border:{c.bw}px solid {c.line};background:#fff;vertical-align:middle">{t}</span>')


def fmt_order(fmt):
    out = []
    for tok in ("DD", "MM", "YYYY"):
        out.append((fmt.index(tok), {"DD": "day", "MM": "month", "YYYY": "year"}[tok]))
    return [p for _, p in sorted(out)]


def sep_of(fmt):
    for ch in fmt:
        if ch not in "DMY":
            return ch
    return "/"


def date_w(c, f, style):
    """The date's input html (not the label). Sets f.fmt, f.order, f.pad, f.dstyle and whether the box is one."""
    rng = c.rng
    f.dstyle = style
    en = c.lang == "en"
    dw, yw = c.fs * 2 + 14, c.fs * 3 + 16
    gap = '<span style="display:inline-block;padding:0 5px;color:{}">{}</span>'
    if style in ("ph", "under", "none", "afterlabel"):
        fmt = rng.choice(EN_FORMATS if en else ZH_FORMATS)
        w = c.fs * 8 + 30 if "年" not in fmt else c.fs * 9 + 30
        f.order = []
        if style == "ph" and c.fam == "webcard":
            f.fmt = fmt
            shown = fmt.lower() if (en and rng.random() < 0.5) else fmt
            return (f'<input type="text" data-in="{f.i}" placeholder="{esc(shown)}" style="width:{w}px;height:{c.ih}px;border:1px solid #8c8c8c;'
                    f'border-radius:4px;padding:0 8px;font:inherit;background:#fff;margin:0;vertical-align:middle">')
        if style == "ph":
            f.fmt = fmt
            shown = fmt.lower() if (en and rng.random() < 0.4) else fmt
            inner = f'<span style="color:#9a9a9a;padding-left:8px;font-size:{c.sfs + 1}px;line-height:{c.ih - 4}px">{esc(shown)}</span>'
            return (f'<span data-in="{f.i}" style="display:inline-flex;align-items:center;width:{w}px;height:{c.ih}px;'
                    f'border:{c.bw}px solid {c.line};background:#fff;vertical-align:middle">{inner}</span>')
        if style == "under":
            f.fmt = fmt
            cap = ("Format: " if en else "格式：") + fmt
            return (f'<span style="display:inline-flex;flex-direction:column;vertical-align:top">{box(c, f, f"width:{w}px", "box")}'
                    f'<span style="color:#777;font-size:{c.sfs}px;line-height:{c.slh}px;margin-top:2px">{esc(cap)}</span></span>')
        if style == "afterlabel":
            assert f.fmt and f.hint_after_label
            return box(c, f, f"width:{w}px", "box")
        f.fmt = None
        return box(c, f, f"width:{w}px", "box")
    if style == "slash3":
        fmt = rng.choice(["DD/MM/YYYY", "MM/DD/YYYY", "YYYY/MM/DD"] if en else ["YYYY/MM/DD", "YYYY-MM-DD"])
        f.order, f.fmt = fmt_order(fmt), None
        phs = rng.random() < 0.6
        s = sep_of(fmt)
        segs = []
        low = phs and en and rng.random() < 0.3
        for p in f.order:
            ph = {"day": "DD", "month": "MM", "year": "YYYY"}[p] if phs else ""
            segs.append(part_box(c, f, p, yw if p == "year" else dw, ph.lower() if low else ph))
        return f'<span style="white-space:nowrap">{gap.format(c.ink, s).join(segs)}</span>'
    if style == "uline3":
        fmt = rng.choice(["DD/MM/YYYY", "MM/DD/YYYY"])
        f.order, f.fmt = fmt_order(fmt), None
        segs = [part_box(c, f, p, yw if p == "year" else dw, under=True) for p in f.order]
        return f'<span style="white-space:nowrap">{gap.format(c.ink, "/").join(segs)}</span>'
    if style == "dmy":
        f.fmt = None
        f.order = rng.choice([["day", "month", "year"], ["month", "day", "year"]]) if en else ["year", "month", "day"]
        cap = {"day": "Day", "month": "Month", "year": "Year"}
        segs = []
        for p in f.order:
            segs.append(f'<span style="font-size:{c.sfs}px;color:#333;margin:0 5px 0 {0 if not segs else 12}px">{cap[p]}</span>'
                        + part_box(c, f, p, yw if p == "year" else dw))
        return f'<span style="white-space:nowrap">{"".join(segs)}</span>'
    if style == "ecomb":
        fmt = rng.choice(["DD/MM/YYYY", "MM/DD/YYYY"])
        f.order, f.fmt = fmt_order(fmt), None
        segs = []
        for p in f.order:
            n = 4 if p == "year" else 2
            letters = {"day": "DD", "month": "MM", "year": "YYYY"}[p]
            segs.append(comb(c, f, n=n, attr=f'data-part="{f.i}:{p}"', letters=letters))
        return f'<span style="white-space:nowrap">{gap.format(c.ink, "/").join(segs)}</span>'
    # Chinese styles with units
    f.order, f.fmt = ["year", "month", "day"], None
    unit = {"year": "年", "month": "月", "day": "日"}
    usp = '<span style="padding:0 4px">{}</span>'
    if style in ("zline", "cell_zparts"):
        f.pad = False
        segs = [part_box(c, f, p, c.fs * 3 + 4 if p == "year" else c.fs * 2 + 2, under=(style == "zline")) if style == "zline" else
                f'<span data-part="{f.i}:{p}" style="display:inline-block;width:{c.fs * 3 if p == "year" else c.fs * 2}px;height:{c.lh}px;vertical-align:bottom"></span>'
                for p in f.order]
        return '<span style="white-space:nowrap">' + "".join(s + usp.format(unit[p]) for s, p in zip(segs, f.order)) + "</span>"
    if style == "zboxunit":
        f.pad = False
        segs = [part_box(c, f, p, yw if p == "year" else dw) for p in f.order]
        return '<span style="white-space:nowrap">' + "".join(s + usp.format(unit[p]) for s, p in zip(segs, f.order)) + "</span>"
    if style == "zcomb":
        f.pad = True
        segs = [comb(c, f, n=4 if p == "year" else 2, attr=f'data-part="{f.i}:{p}"') for p in f.order]
        return '<span style="white-space:nowrap">' + "".join(s + usp.format(unit[p]) for s, p in zip(segs, f.order)) + "</span>"
    raise ValueError(style)


def opts_w(c, f, arr=None):
    """Option group html. f.ostyle: css_sq / css_circle / glyph_sq / glyph_circle / native_cb / native_radio."""
    st = f.ostyle
    arr = arr or f.arr or "inline"
    f.arr = arr
    items = []
    for k, t in enumerate(f.opts):
        tx = f'<span data-ot="{f.i}:{k}">{esc(t)}</span>'
        if st.startswith("glyph"):
            g = c.glyph_sq if st == "glyph_sq" else c.glyph_ci
            items.append(f'<span style="white-space:nowrap;display:inline-block"><span data-gl="{f.i}:{k}">{g}<i class="bl"></i></span>'
                         f'<span style="display:inline-block;width:{max(4, c.fs // 3)}px"></span>{tx}</span>')
        else:
            if st.startswith("native"):
                typ = "checkbox" if st == "native_cb" else "radio"
                b = (f'<input type="{typ}" data-ob="{f.i}:{k}" name="g{f.i}" style="width:{c.osz}px;height:{c.osz}px;margin:0;'
                     f'flex:none">')
            else:
                rad = "50%" if st == "css_circle" else "0"
                b = (f'<span data-ob="{f.i}:{k}" style="display:inline-block;flex:none;width:{c.osz}px;height:{c.osz}px;'
                     f'border:{1 if c.osz < 14 else 2}px solid {c.line};border-radius:{rad};background:#fff"></span>')
            items.append(f'<span style="display:inline-flex;align-items:center;gap:{max(5, c.fs // 2)}px;white-space:nowrap">{b}{tx}</span>')
    g1 = max(16, c.fs + 4)
    if arr == "column":
        return f'<span style="display:inline-flex;flex-direction:column;gap:6px;vertical-align:top">{"".join(items)}</span>'
    if arr == "grid":
        return (f'<span style="display:inline-grid;grid-template-columns:auto auto;gap:6px {g1 + 6}px;vertical-align:top">'
                f'{"".join(items)}</span>')
    return f'<span style="display:inline-flex;flex-wrap:wrap;gap:6px {g1}px;align-items:center;vertical-align:middle">{"".join(items)}</span>'


def assign_styles(c, fields):
    en = c.lang == "en"
    dl = FAM_DATES[c.fam][0 if en else 1]
    ol = FAM_OPTS[c.fam]
    rng = c.rng
    k0 = rng.randrange(len(dl))
    o0 = rng.randrange(len(ol))
    nd = no = 0
    for f in fields:
        f.req = f.key in ("name", "first_name", "last_name", "phone", "date_of_birth") and rng.random() < c.req_p * 2
        if f.kind == "date":
            style = dl[(k0 + nd) % len(dl)]
            nd += 1
            if f.table:
                style = rng.choice(["cell_fmt", "cell_none"])
            f.dstyle = style
            if style == "afterlabel":
                f.fmt = rng.choice(EN_FORMATS if en else ZH_FORMATS)
                f.hint_after_label = (f'<span style="color:#666;font-size:{c.sfs}px;margin-left:4px;white-space:nowrap">'
                                      f'({esc(f.fmt)})</span>')
        elif f.kind == "choice":
            f.ostyle = ol[(o0 + no) % len(ol)]
            no += 1
            if c.fam in ("webcard",) and len(f.opts) == 2 and f.opts[0] in ("Yes", "是"):
                f.ostyle = "native_radio"
            if len(f.opts) == 4 and c.fam in ("panels", "tabs", "heavycell", "divided") and rng.random() < 0.6:
                f.arr = "grid"
            elif c.fam in ("hintcol", "gutter") and len(f.opts) >= 3 and rng.random() < 0.7:
                f.arr = "column"
            else:
                f.arr = "inline"
        else:
            if c.fam in ("fillin", "tabs"):
                f.tmode = rng.choice(["uline", "uline", "dotline"])
            elif c.fam == "webcard":
                f.tmode = "native"
            elif c.fam == "panels":
                f.tmode = rng.choice(["shaded", "box"])
            elif c.fam == "capsgrid":
                f.tmode = "uline"
            elif c.fam == "gutter":
                f.tmode = rng.choice(["uline", "box"])
            else:
                f.tmode = rng.choice(["box", "box", "heavy"])


def widget(c, f, wcss="width:100%"):
    if f.kind == "text":
        return text_w(c, f, wcss)
    if f.kind == "date":
        return date_w(c, f, f.dstyle)
    return opts_w(c, f)


# ----------------------------------------------------------------------------------------------
# page furniture (decoys)
# ----------------------------------------------------------------------------------------------
def header(c, info, fid, photo=False):
    rng = c.rng
    en = c.lang == "en"
    tfs = c.fs + rng.choice([6, 8, 10])
    code = (f"Form {rng.choice('ABCDEFGHKLMPRT')}{rng.randint(10, 99)}-{rng.randint(1, 9)} (rev. {rng.randint(1, 12):02d}/20{rng.randint(18, 24)})"
            if en else f"表{rng.randint(1, 9)}-{rng.randint(1, 30):02d}　{rng.choice(['第一联', '存根联', ''])}")
    logo = ""
    if rng.random() < 0.5:
        ini = "".join(w[0] for w in info["issuer"].split() if w[0].isupper())[:3] if en else info["issuer"][:2]
        logo = (f'<div data-decoy="logo" style="width:{tfs * 2 + 8}px;height:{tfs * 2 + 8}px;border-radius:50%;border:2px solid {c.accent};'
                f'color:{c.accent};display:flex;align-items:center;justify-content:center;font-weight:bold;font-size:{c.fs}px;flex:none">{esc(ini)}</div>')
    barcode = ""
    if en and rng.random() < 0.35:
        barcode = ('<div data-decoy="barcode" style="width:150px;height:36px;flex:none;background:repeating-linear-gradient(90deg,#000 0 2px,#fff 2px 4px,'
                   '#000 4px 5px,#fff 5px 8px,#000 8px 11px,#fff 11px 12px)"></div>')
    ph = ""
    if photo:
        ph = (f'<div data-decoy="photo" style="width:96px;height:124px;border:1px dashed #555;flex:none;display:flex;align-items:center;'
              f'justify-content:center;color:#666;font-size:{c.sfs}px;text-align:center;line-height:{c.slh}px">'
              f'{"Photo<br>35 x 45 mm" if en else "照片<br>（一寸）"}</div>')
    align = rng.choice(["left", "center"]) if en else "center"
    issuer = f'<div data-decoy="issuer" style="font-size:{c.sfs}px;line-height:{c.slh}px;color:#444;letter-spacing:1px">{esc(info["issuer"])}</div>'
    title = (f'<div style="font-size:{tfs}px;line-height:{round(tfs * 1.35)}px;font-weight:bold;text-align:{align}">'
             f'<span data-decoy="title">{esc(info["title"])}</span></div>')
    codeline = f'<div data-decoy="code" style="font-size:{c.sfs}px;line-height:{c.slh}px;color:#555;text-align:{align}">{esc(code)}</div>'
    mid = f'<div style="flex:1;min-width:0;text-align:{align}">{issuer}{title}{codeline}</div>'
    out = f'<div style="display:flex;gap:16px;align-items:center;margin-bottom:{rng.choice([10, 14, 18])}px">{logo}{mid}{barcode}{ph}</div>'
    if rng.random() < 0.7:
        ins = (rng.choice(["Please complete in BLOCK CAPITALS using black ink.", "Tick the boxes that apply. Fields marked * are required.",
                           "Read the notes before completing this form. Incomplete forms will be returned."]) if en else
               rng.choice(["请用黑色签字笔填写，字迹清楚，在相应的□内打√。", "填表前请仔细阅读填表说明，带*号为必填项。", "本表一式两份，请如实填写。"]))
        out += (f'<div data-decoy="instr" style="font-size:{c.sfs}px;line-height:{c.slh}px;color:#333;margin-bottom:12px;'
                f'{"border:1px solid #999;padding:6px 10px;" if rng.random() < 0.4 else ""}">{esc(ins)}</div>')
    return out


def footer(c, info):
    rng = c.rng
    en = c.lang == "en"
    out = ""
    if rng.random() < 0.8:
        decl = ("I declare that the information given on this form is true and complete to the best of my knowledge. "
                "Giving false information may lead to refusal or prosecution." if en else
                "本人承诺以上所填信息真实、准确、完整，如有虚假，愿承担相应的法律责任。")
        out += f'<div data-decoy="decl" style="font-size:{c.sfs}px;line-height:{c.slh}px;color:#333;margin:14px 0 6px">{esc(decl)}</div>'
    if rng.random() < 0.6:
        cap = "FOR OFFICE USE ONLY" if en else "以下由受理机关填写"
        stamp = ""
        if not en or rng.random() < 0.3:
            stamp = (f'<div style="width:78px;height:78px;border:2px solid #b33;border-radius:50%;color:#b33;display:flex;align-items:center;'
                     f'justify-content:center;font-size:{c.sfs}px;flex:none">{"Stamp" if en else "（盖章）"}</div>')
        lines = "".join(f'<div style="display:flex;gap:8px;margin-top:6px"><span>{esc(t)}</span><span style="flex:1;border-bottom:1px solid #777"></span></div>'
                        for t in (["Received by", "Reference", "Decision"] if en else ["受理人", "受理编号", "审核意见"]))
        out += (f'<div data-decoy="office" style="margin-top:16px;border:1px solid #666;background:#f4f4f4;padding:8px 12px;display:flex;gap:16px;'
                f'font-size:{c.sfs}px;line-height:{c.slh}px;color:#333"><div style="flex:1"><b>{cap}</b>{lines}</div>{stamp}</div>')
    ft = (f"Page 1 of 1 · {info['issuer']} · Privacy notice at www.example.gov/privacy" if en else f"{info['issuer']}监制　第1页 共1页")
    out += f'<div data-decoy="footer" style="margin-top:14px;font-size:{c.sfs - 1}px;line-height:{c.slh}px;color:#666;text-align:center">{esc(ft)}</div>'
    return out


def sec_head(c, title, style=None):
    style = style or c.rng.choice(["bar", "rule", "plain"])
    if style == "bar":
        return (f'<div style="margin:14px 0 10px;padding:3px 8px;background:{c.accent};color:#fff;font-weight:bold">'
                f'<span data-decoy="sec">{esc(title)}</span></div>')
    if style == "rule":
        return (f'<div style="margin:14px 0 10px;border-bottom:2px solid {c.line};font-weight:bold;font-size:{c.fs + 1}px">'
                f'<span data-decoy="sec">{esc(title)}</span></div>')
    return f'<div style="margin:14px 0 8px;font-weight:bold"><span data-decoy="sec">{esc(title)}</span></div>'


# ----------------------------------------------------------------------------------------------
# layout families
# ----------------------------------------------------------------------------------------------
def fam_divided(c, info, inner):
    """Two-column grid, labels right-aligned against boxed inputs, vertical divider between the halves."""
    rng = c.rng
    cg = rng.choice([12, 14, 16])
    lw = rng.choice([130, 150, 170]) if c.lang == "en" else rng.choice([100, 120, 130])
    iw = (inner - 2 * lw - 1 - 4 * cg) // 2
    out = []
    for title, fl in info["sections"]:
        out.append(sec_head(c, title))
        normal = [f for f in fl if not (f.wide or (f.kind == "choice" and len(f.opts) > 2 and f.arr != "grid") or f.comb > 12
                                        or (f.kind == "date" and f.dstyle in ("dmy", "zcomb")))]
        wide = [f for f in fl if f not in normal]
        cells = []
        rows = (len(normal) + 1) // 2
        for r in range(rows):
            for half in (0, 1):
                k = r * 2 + half
                col = 1 + half * 3
                if k < len(normal):
                    f = normal[k]
                    cells.append(f'<div style="grid-row:{r + 1};grid-column:{col};text-align:right;padding:7px 0;align-self:center">{lab(c, f)}</div>')
                    cells.append(f'<div style="grid-row:{r + 1};grid-column:{col + 1};padding:7px 0;align-self:center">{widget(c, f)}</div>')
            cells.append(f'<div style="grid-row:{r + 1};grid-column:3;background:{c.line}"></div>')
        for n, f in enumerate(wide):
            r = rows + n + 1
            cells.append(f'<div style="grid-row:{r};grid-column:1;text-align:right;padding:7px 0;align-self:center">{lab(c, f)}</div>')
            cells.append(f'<div style="grid-row:{r};grid-column:2 / 6;padding:7px 0;align-self:center">{widget(c, f)}</div>')
        out.append(f'<div class="snap" style="display:grid;grid-template-columns:{lw}px {iw}px 1px {lw}px {inner - 2 * lw - 1 - 4 * cg - iw}px;column-gap:{cg}px">'
                   f'{"".join(cells)}</div>')
    return "".join(out)


def pack_rows(fl, ncol, span_of):
    rows, cur, used = [], [], 0
    for f in fl:
        s = min(ncol, span_of(f))
        if used + s > ncol:
            cur[-1][1] += ncol - used
            rows.append(cur)
            cur, used = [], 0
        cur.append([f, s])
        used += s
    if cur:
        cur[-1][1] += ncol - used
        rows.append(cur)
    return rows


def cell_inner(c, f, pad):
    """Content of a label-in-cell cell. Returns (attrs for the cell, inner html)."""
    lb = f'<div style="line-height:{c.slh}px;margin-bottom:4px">{lab(c, f, f"font-size:{c.sfs}px")}</div>'
    if f.kind == "text" and not f.comb:
        return f'data-in="{f.i}"', lb + f'<div style="height:{c.ih}px"></div>'
    if f.kind == "text":
        return "", lb + comb(c, f)
    if f.kind == "choice":
        return "", lb + opts_w(c, f)
    st = f.dstyle
    if st in ("cell_fmt", "cell_none"):
        f.order = []
        if st == "cell_fmt":
            fmt = c.rng.choice(EN_FORMATS if c.lang == "en" else ZH_FORMATS)
            f.fmt = fmt
            shown = fmt.lower() if c.lang == "en" and c.rng.random() < 0.3 else fmt
            body = f'<div style="height:{c.ih}px;text-align:right;color:#999;font-size:{c.sfs}px;line-height:{c.ih}px">{esc(shown)}</div>'
        else:
            f.fmt = None
            body = f'<div style="height:{c.ih}px"></div>'
        return f'data-in="{f.i}"', lb + body
    if st == "cell_slash3":
        w = date_w(c, f, "slash3")
        f.dstyle = "cell_slash3"
        return "", lb + w
    f.dstyle = "cell_zparts"
    return "", lb + f'<div style="text-align:right">{date_w(c, f, "cell_zparts")}</div>'


def fam_heavycell(c, info, inner):
    """Ruled grid of cells with heavy (2 px) or double rules; each label small at its cell's top-left."""
    rng = c.rng
    ncol = rng.choice([3, 4]) if inner > 820 else 3
    variant = rng.choice(["heavy", "double"])
    g = 2 if variant == "heavy" else 1
    ow = 2 if variant == "heavy" else 5
    cw = (inner - 2 * ow - (ncol - 1) * g) // ncol
    pad = rng.choice([10, 11, 12])
    out = []
    cells = []

    def span_of(f):
        if f.kind == "choice":
            return 2 if len(f.opts) >= 3 or max(len(o) for o in f.opts) > 8 else 1
        if f.comb:
            return max(1, -(-(f.comb * c.cw + 2 * pad + 4) // cw))
        if f.kind == "date" and f.dstyle == "cell_slash3":
            return 2 if cw < 300 else 1
        return 2 if f.wide else 1

    for title, fl in info["sections"]:
        cells.append(f'<div style="grid-column:1 / -1;background:#ddd;padding:4px {pad}px;font-weight:bold">'
                     f'<span data-decoy="sec">{esc(title)}</span></div>')
        for row in pack_rows(fl, ncol, span_of):
            for f, s in row:
                attrs, inner_html = cell_inner(c, f, pad)
                cells.append(f'<div {attrs} style="grid-column:span {s};background:#fff;padding:{pad}px;min-height:{c.slh + c.ih + 2 * pad + 4}px">'
                             f'{inner_html}</div>')
    border = f"{ow}px {'solid' if variant == 'heavy' else 'double'} #111"
    out.append(f'<div class="snap ruled" style="display:grid;grid-template-columns:repeat({ncol},{cw}px);gap:{g}px;background:#111;border:{border};'
               f'width:{ncol * cw + (ncol - 1) * g + 2 * ow}px">{"".join(cells)}</div>')
    return "".join(out)


def fam_gutter(c, info, inner):
    """Rows with the label in a grey left gutter; underline to the end of the row or a box that stops short."""
    rng = c.rng
    gw = rng.choice([150, 170, 190]) if c.lang == "en" else rng.choice([120, 140])
    grey = rng.choice(["#e6e6e6", "#ececec", "#e1e5ea"])
    out = []
    for title, fl in info["sections"]:
        out.append(sec_head(c, title, "rule"))
        rows = []
        k = 0
        while k < len(fl):
            f = fl[k]
            pair = (k + 1 < len(fl) and not f.wide and not fl[k + 1].wide and f.kind == "text" and fl[k + 1].kind == "text"
                    and not f.comb and not fl[k + 1].comb and rng.random() < 0.5)
            if pair:
                hw = (inner - 2 - 2 * gw) // 2
                g2 = fl[k + 1]
                rows.append(f'<div style="display:grid;grid-template-columns:{gw}px {hw}px {gw}px {hw}px;border-top:1px solid #bbb">'
                            f'<div style="background:{grey};padding:9px 10px">{lab(c, f)}</div>'
                            f'<div style="padding:9px 14px">{widget(c, f)}</div>'
                            f'<div style="background:{grey};padding:9px 10px">{lab(c, g2)}</div>'
                            f'<div style="padding:9px 14px">{widget(c, g2)}</div></div>')
                k += 2
                continue
            short = f.kind == "text" and not f.wide and f.tmode == "box"
            w = widget(c, f, f"width:{rng.choice([200, 240, 280])}px" if short else "width:100%")
            rows.append(f'<div style="display:grid;grid-template-columns:{gw}px {inner - 2 - gw}px;border-top:1px solid #bbb">'
                        f'<div style="background:{grey};padding:9px 10px">{lab(c, f)}</div>'
                        f'<div style="padding:9px 14px">{w}</div></div>')
            k += 1
        out.append(f'<div class="snap" style="border:1px solid {c.line};border-top:0">{"".join(rows)}</div>')
    return "".join(out)


def fam_panels(c, info, inner):
    """Stacked panels, each with a header band; labels above inputs in a 2- or 3-column grid."""
    rng = c.rng
    ncol = rng.choice([2, 3]) if inner > 760 else 2
    gapx = rng.choice([18, 22, 26])
    pad = 14
    cw = (inner - 2 - 2 * pad - (ncol - 1) * gapx) // ncol
    dark = rng.random() < 0.5
    out = []
    for n, (title, fl) in enumerate(info["sections"]):
        band = (f'<div style="background:{c.accent if dark else "#d9d9d9"};color:{"#fff" if dark else "#111"};padding:5px {pad}px;font-weight:bold">'
                f'<span data-decoy="band">{esc(("Part " + "ABC"[n] + " — " if c.lang == "en" else "") + title)}</span></div>')
        items = []

        def span_of(f):
            if f.kind == "choice" and (len(f.opts) >= 4 and f.arr != "grid"):
                return ncol
            return 2 if (f.wide or f.comb > 10 or (f.kind == "date" and f.dstyle == "dmy")) else 1

        for row in pack_rows(fl, ncol, span_of):
            for f, s in row:
                items.append(f'<div style="grid-column:span {s}"><div style="margin-bottom:4px">{lab(c, f)}</div>{widget(c, f)}</div>')
        out.append(f'<div style="border:1px solid #777;margin-bottom:14px">{band}'
                   f'<div style="display:grid;grid-template-columns:repeat({ncol},{cw}px);gap:14px {gapx}px;padding:{pad}px">{"".join(items)}</div></div>')
    return "".join(out)


def fam_fillin(c, info, inner):
    """Lines of label + underline; lines stop short or run across the whole column."""
    rng = c.rng
    out = []
    for title, fl in info["sections"]:
        out.append(sec_head(c, title, rng.choice(["plain", "rule"])))
        lines, cur, wsum = [], [], 0
        for f in fl:
            est = (len(f.label) * (c.fs * 0.6 if c.lang == "en" else c.fs)) + (
                160 if f.kind == "text" and not f.comb else 260 if f.kind == "date" else f.comb * c.cw + 10 if f.comb else 110 * len(f.opts))
            if cur and (wsum + est > inner * 0.92 or f.wide or cur[-1].wide or len(cur) >= 3):
                lines.append(cur)
                cur, wsum = [], 0
            cur.append(f)
            wsum += est + 24
        if cur:
            lines.append(cur)
        for ln in lines:
            parts = []
            for n, f in enumerate(ln):
                last = n == len(ln) - 1
                if f.kind == "text" and not f.comb:
                    run = last and rng.random() < 0.7
                    w = "flex:1 1 0;min-width:90px" if run else f"width:{rng.choice([120, 150, 180])}px"
                    parts.append(f'<span style="display:flex;align-items:flex-end;gap:6px;{"flex:1 1 0;" if run else ""}">'
                                 f'{lab(c, f, "white-space:nowrap")}{box(c, f, w)}</span>')
                else:
                    parts.append(f'<span style="display:flex;align-items:flex-end;gap:8px">{lab(c, f, "white-space:nowrap")}'
                                 f'<span>{widget(c, f)}</span></span>')
            out.append(f'<div style="display:flex;align-items:flex-end;gap:0 26px;margin-bottom:{rng.choice([10, 12, 14])}px">{"".join(parts)}</div>')
    return "".join(out)


def fam_ledger(c, info, inner):
    """Ruled label | input table (shaded label cells, 2 pairs per row) and a table of repeated rows."""
    rng = c.rng
    lw = rng.choice([130, 150]) if c.lang == "en" else rng.choice([110, 124])
    iw = (inner - 2 - 3 - 2 * lw) // 2
    shade = rng.choice(["#eeeeee", "#f2f2f2", "#e8ecef"])
    pad = 10
    cells = []

    def inp_cell(f, s):
        span = f"grid-column:span {s};"
        if f.kind == "text" and not f.comb:
            return f'<div data-in="{f.i}" style="{span}background:#fff;padding:{pad}px;min-height:{c.ih + 2 * pad}px"></div>'
        if f.kind == "text":
            return f'<div style="{span}background:#fff;padding:{pad - 2}px {pad}px">{comb(c, f)}</div>'
        if f.kind == "choice":
            return f'<div style="{span}background:#fff;padding:{pad}px">{opts_w(c, f)}</div>'
        if f.dstyle in ("cell_fmt", "cell_none"):
            f.order = []
            f.fmt = rng.choice(EN_FORMATS if c.lang == "en" else ZH_FORMATS) if f.dstyle == "cell_fmt" else None
            hint = (f'<span style="color:#999;font-size:{c.sfs}px">{esc(f.fmt)}</span>' if f.fmt else "")
            return (f'<div data-in="{f.i}" style="{span}background:#fff;padding:{pad}px;min-height:{c.ih + 2 * pad}px;text-align:right;'
                    f'line-height:{c.ih}px">{hint}</div>')
        st = "slash3" if f.dstyle == "cell_slash3" else "cell_zparts"
        keep = f.dstyle
        w = date_w(c, f, st)
        f.dstyle = keep
        return f'<div style="{span}background:#fff;padding:{pad - 2}px {pad}px">{w}</div>'

    def span_of(f):
        return 2 if (f.wide or (f.kind == "choice" and len(f.opts) >= 3) or f.comb > 10) else 1

    for title, fl in info["sections"]:
        fl = [f for f in fl if not f.table]
        if not fl:
            continue
        cells.append(f'<div style="grid-column:1 / -1;background:#fff;padding:5px {pad}px;font-weight:bold;text-align:center">'
                     f'<span data-decoy="sec">{esc(title)}</span></div>')
        for row in pack_rows(fl, 2, span_of):
            for f, s in row:
                cells.append(f'<div style="background:{shade};padding:{pad}px;display:flex;align-items:center">{lab(c, f)}</div>')
                cells.append(inp_cell(f, 1 if s == 1 else 3))
    grid1 = (f'<div class="snap ruled" style="display:grid;grid-template-columns:{lw}px {iw}px {lw}px {inner - 5 - 2 * lw - iw}px;gap:1px;background:#222;border:1px solid #222">'
             f'{"".join(cells)}</div>')
    # repeated rows
    tf = info["table"]
    en = c.lang == "en"
    ttl = rng.choice(["Household members", "Members of your household"]) if en else rng.choice(["家庭主要成员", "家庭成员情况"])
    cols = [tf[0], "rel", tf[1], tf[2]]
    ws = [int(inner * 0.3), int(inner * 0.17), int(inner * 0.23)]
    ws.append(inner - 2 - 3 - sum(ws))
    tc = [f'<div style="grid-column:1 / -1;background:{shade};padding:5px {pad}px;font-weight:bold"><span data-decoy="sec">{esc(ttl)}</span></div>']
    for col in cols:
        if col == "rel":
            tc.append(f'<div data-decoy="th" style="background:#fff;padding:{pad}px;text-align:center">{"Relationship" if en else "与本人关系"}</div>')
        else:
            tc.append(f'<div style="background:#fff;padding:{pad}px;text-align:center">{lab(c, col, "", "lb")}</div>')
    for r in range(rng.choice([3, 4])):
        for n, col in enumerate(cols):
            h = f"min-height:{c.ih + 2 * pad}px;"
            if r == 0 and col != "rel":
                if col.kind == "date":
                    col.order = []
                    col.fmt = rng.choice(EN_FORMATS if en else ZH_FORMATS) if col.dstyle == "cell_fmt" else None
                    hint = f'<span style="color:#999;font-size:{c.sfs}px">{esc(col.fmt)}</span>' if col.fmt else ""
                    tc.append(f'<div data-in="{col.i}" style="background:#fff;padding:{pad}px;{h}text-align:center;line-height:{c.ih}px">{hint}</div>')
                else:
                    tc.append(f'<div data-in="{col.i}" style="background:#fff;{h}"></div>')
            elif col == "rel" and r == 0:
                tc.append(f'<div data-decoy="self" style="background:#fff;padding:{pad}px;{h}text-align:center;line-height:{c.ih}px">{"Self" if en else "本人"}</div>')
            else:
                tc.append(f'<div data-decoy="row" style="background:#fff;{h}"></div>')
    grid2 = (f'<div class="snap ruled" style="display:grid;grid-template-columns:{" ".join(f"{w}px" for w in ws)};gap:1px;background:#222;'
             f'border:1px solid #222;margin-top:16px">{"".join(tc)}</div>')
    return grid1 + grid2


def fam_webcard(c, info, inner):
    """Web form in a card: fieldsets with legends, labels above rounded native inputs, helper text, buttons."""
    rng = c.rng
    pad = 24
    cw_all = inner - 2 * pad - 2
    gapx = 20
    colw = (cw_all - 2 * 2 - 2 * 12 - gapx) // 2
    out = []
    helpers = {"phone": "Include the area code" if c.lang == "en" else "请填写11位手机号码",
               "email": "We will send a confirmation here" if c.lang == "en" else "用于接收办理结果",
               "id_number": "As shown on your card" if c.lang == "en" else "18位，末位可能为X"}
    for title, fl in info["sections"]:
        items = []

        def span_of(f):
            return 2 if (f.wide or (f.kind == "choice" and len(f.opts) >= 4) or f.comb > 12) else 1

        for row in pack_rows(fl, 2, span_of):
            for f, s in row:
                hp = ""
                if f.key in helpers and rng.random() < 0.6:
                    hp = f'<div data-decoy="help" style="color:#777;font-size:{c.sfs}px;line-height:{c.slh}px;margin-top:3px">{esc(helpers[f.key])}</div>'
                items.append(f'<div style="grid-column:span {s}"><div style="margin-bottom:5px">{lab(c, f, "font-weight:bold")}</div>'
                             f'<div>{widget(c, f)}</div>{hp}</div>')
        out.append(f'<fieldset style="border:2px solid #e3e3e3;border-radius:6px;padding:8px 12px 14px;margin:0 0 16px">'
                   f'<legend style="padding:0 6px;font-weight:bold;color:{c.accent}"><span data-decoy="legend">{esc(title)}</span></legend>'
                   f'<div style="display:grid;grid-template-columns:{colw}px {colw}px;gap:16px {gapx}px">{"".join(items)}</div></fieldset>')
    btn = (f'<div style="display:flex;gap:12px;justify-content:flex-end"><span data-decoy="btn" style="border:1px solid #999;border-radius:4px;padding:6px 18px">'
           f'{"Cancel" if c.lang == "en" else "取消"}</span><span data-decoy="btn" style="background:{c.accent};color:#fff;border-radius:4px;padding:6px 18px">'
           f'{"Submit" if c.lang == "en" else "提交"}</span></div>')
    return (f'<div style="border:1px solid #d0d0d0;border-radius:10px;box-shadow:0 2px 6px rgba(0,0,0,.18);padding:{pad}px">'
            f'{"".join(out)}{btn}</div>')


def fam_hintcol(c, info, inner):
    """Government online style: bold label with grey guidance under it on the left, input on the right."""
    rng = c.rng
    lw = int(inner * rng.choice([0.34, 0.38, 0.42]))
    rw = inner - lw - 28
    hints_en = ["As it appears on your documents", "We may contact you about this", "If you are not sure, leave blank",
                "Use the format shown", "This helps us process your request"]
    hints_zh = ["须与证件信息一致", "用于联系您", "如不清楚可不填", "请按格式填写", "填写后不可修改"]
    out = []
    for title, fl in info["sections"]:
        out.append(sec_head(c, title, rng.choice(["rule", "bar"])))
        for f in fl:
            hint = ""
            if rng.random() < 0.45:
                hint = (f'<div data-decoy="hint" style="color:#6a6a6a;font-size:{c.sfs}px;line-height:{c.slh}px;margin-top:2px">'
                        f'{esc(rng.choice(hints_en if c.lang == "en" else hints_zh))}</div>')
            if f.kind == "text" and not f.comb:
                w = widget(c, f, "width:100%" if f.wide else f"width:{min(rw, rng.choice([220, 260, 320]))}px")
            else:
                w = widget(c, f)
            out.append(f'<div style="display:grid;grid-template-columns:{lw}px {rw}px;column-gap:28px;padding:11px 0;border-bottom:1px solid #d5d5d5">'
                       f'<div>{lab(c, f, "font-weight:bold")}{hint}</div><div>{w}</div></div>')
    return "".join(out)


def fam_capsgrid(c, info, inner):
    """Customs-card style: numbered small (capitals) labels above underline cells in a 3-4 column grid."""
    rng = c.rng
    ncol = rng.choice([3, 4]) if inner > 900 else 3
    gapx = rng.choice([18, 22])
    cw = (inner - (ncol - 1) * gapx) // ncol
    num = [0]
    out = []

    def span_of(f):
        if f.kind == "choice":
            return 2 if len(f.opts) >= 3 else 1
        if f.comb:
            return max(1, -(-(f.comb * c.cw + 4) // cw))
        if f.kind == "date" and f.dstyle == "ecomb":
            return 1 if cw > 8 * c.cw + 40 else 2
        return 2 if f.wide else 1

    for title, fl in info["sections"]:
        out.append(f'<div style="margin:12px 0 8px;border-top:3px solid {c.line};padding-top:3px;font-size:{c.sfs}px;font-weight:bold;'
                   f'letter-spacing:1px"><span data-decoy="sec">{esc(title.upper() if c.lang == "en" else title)}</span></div>')
        items = []
        for row in pack_rows(fl, ncol, span_of):
            for f, s in row:
                num[0] += 1
                f.label_shown = f.label
                txt = f.label.upper() if c.lang == "en" else f.label
                lbhtml = (f'<span style="font-size:{c.sfs}px;color:#333">{num[0]}.&nbsp;</span>'
                          f'<span class="lb" data-lb="{f.i}" style="font-size:{c.sfs}px;letter-spacing:.5px">{esc(txt)}'
                          f'{"<span style=color:#c00>*</span>" if f.req else ""}</span>{f.hint_after_label}')
                f.label_upper = txt
                items.append(f'<div style="grid-column:span {s}"><div style="line-height:{c.slh}px;margin-bottom:3px">{lbhtml}</div>'
                             f'{widget(c, f)}</div>')
        out.append(f'<div style="display:grid;grid-template-columns:repeat({ncol},{cw}px);gap:14px {gapx}px">{"".join(items)}</div>')
    return "".join(out)


def fam_zebra(c, info, inner):
    """Rows with alternating shading; label left, white boxed input; two pairs on a row where they fit."""
    rng = c.rng
    lw = rng.choice([120, 140]) if c.lang == "en" else rng.choice([96, 110])
    pad = 10
    iw = (inner - 2 * pad - 3 * 16 - 2 * lw) // 2
    shade = rng.choice(["#efefef", "#f1f3f5", "#eaeaea"])
    out = []
    zi = 0
    for title, fl in info["sections"]:
        out.append(sec_head(c, title, rng.choice(["bar", "plain"])))
        k = 0
        while k < len(fl):
            f = fl[k]
            bg = shade if zi % 2 == 0 else "#fff"
            zi += 1
            one = lambda g: f'<div style="text-align:left">{lab(c, g)}</div><div>{widget(c, g)}</div>'  # noqa: E731
            simple = lambda g: g.kind == "text" and not g.wide and not g.comb or g.kind == "date" and g.dstyle in ("ph", "none", "afterlabel")  # noqa: E731
            if k + 1 < len(fl) and simple(f) and simple(fl[k + 1]):
                out.append(f'<div style="display:grid;grid-template-columns:{lw}px {iw}px {lw}px {iw}px;column-gap:16px;align-items:center;'
                           f'background:{bg};padding:8px {pad}px">{one(f)}{one(fl[k + 1])}</div>')
                k += 2
            else:
                out.append(f'<div style="display:grid;grid-template-columns:{lw}px {inner - 2 * pad - 16 - lw}px;column-gap:16px;align-items:center;'
                           f'background:{bg};padding:8px {pad}px">{one(f)}</div>')
                k += 1
    return "".join(out)


def fam_tabs(c, info, inner):
    """Boxed sections with a vertical tab on the left; inside, label + underline lines in two columns."""
    rng = c.rng
    tabw = c.fs + 16
    out = []
    for title, fl in info["sections"]:
        iw = inner - tabw - 2 - 28
        colw = (iw - 24) // 2
        rows = []
        k = 0
        while k < len(fl):
            f = fl[k]
            two = (k + 1 < len(fl) and f.kind == "text" and fl[k + 1].kind == "text" and not f.wide and not fl[k + 1].wide
                   and not f.comb and not fl[k + 1].comb)
            grp = [f, fl[k + 1]] if two else [f]
            cells = []
            for g in grp:
                if g.kind == "text" and not g.comb:
                    wd = f"width:{colw}px;" if two else ("flex:1 1 0;" if rng.random() < 0.6 or g.wide else f"width:{rng.choice([300, 360, 420])}px;")
                    cells.append(f'<div style="display:flex;align-items:flex-end;gap:8px;{wd}">'
                                 f'{lab(c, g, "white-space:nowrap")}{box(c, g, "flex:1 1 0;min-width:80px")}</div>')
                else:
                    al = "flex-start" if g.kind == "choice" and g.arr == "grid" else "flex-end"
                    cells.append(f'<div style="display:flex;align-items:{al};gap:10px">{lab(c, g, "white-space:nowrap")}<span>{widget(c, g)}</span></div>')
            rows.append(f'<div style="display:flex;gap:24px;margin:6px 0 10px">{"".join(cells)}</div>')
            k += len(grp)
        vt = (f'<div style="width:{tabw}px;flex:none;background:{c.accent};color:#fff;display:flex;align-items:center;justify-content:center;'
              f'font-weight:bold"><span data-decoy="tab" style="writing-mode:vertical-rl;letter-spacing:2px;padding:8px 0">{esc(title)}</span></div>')
        out.append(f'<div style="display:flex;border:1px solid {c.line};margin-bottom:12px">{vt}<div style="flex:1;min-width:0;padding:6px 14px">'
                   f'{"".join(rows)}</div></div>')
    return "".join(out)


FAM_FUN = {"divided": fam_divided, "heavycell": fam_heavycell, "gutter": fam_gutter, "panels": fam_panels, "fillin": fam_fillin,
           "ledger": fam_ledger, "webcard": fam_webcard, "hintcol": fam_hintcol, "capsgrid": fam_capsgrid, "zebra": fam_zebra,
           "tabs": fam_tabs}
FAM_DESC = {"divided": "two-column grid, right-aligned labels against boxed inputs, vertical divider",
            "heavycell": "label-in-cell grid with heavy / double rules", "gutter": "labels in a grey left gutter",
            "panels": "stacked panels with header bands, labels above", "fillin": "fill-in lines (label + underline)",
            "ledger": "ruled label|input table + repeated-rows table", "webcard": "web card with fieldsets and native inputs",
            "hintcol": "label with guidance left, input right", "capsgrid": "numbered small labels above underline cells",
            "zebra": "zebra-striped label/input rows", "tabs": "boxed sections with vertical tabs, underline lines"}

PAGE_W = {"divided": (880, 1100), "heavycell": (760, 1000), "gutter": (760, 980), "panels": (780, 1060), "fillin": (760, 980),
          "ledger": (800, 1040), "webcard": (720, 900), "hintcol": (760, 960), "capsgrid": (880, 1200), "zebra": (840, 1080),
          "tabs": (820, 1060)}


def build_html(fid, info, c):
    rng = c.rng
    fam = info["fam"]
    lo, hi = PAGE_W[fam]
    W = rng.randrange(lo, hi + 1, 20)
    px = rng.choice([28, 36, 44, 56])
    inner = W - 2 * px
    for f in info["fields"]:
        f.hint_after_label = ""
        f.fmt, f.order, f.pad = None, None, True
        f.label_upper = None
    assign_styles(c, info["fields"])
    photo = fam in ("heavycell", "ledger", "tabs") and rng.random() < 0.6
    body = header(c, info, fid, photo) + FAM_FUN[fam](c, info, inner) + footer(c, info)
    css = (f"*{{box-sizing:border-box}} html,body{{margin:0;background:#fff}} body{{color:{c.ink};font-family:{c.font};font-size:{c.fs}px;"
           f"line-height:{c.lh}px}} .bl{{display:inline-block;width:0;height:0;vertical-align:baseline}} "
           f"input{{font:inherit}} #page{{width:{W}px;padding:{rng.choice([24, 30, 36])}px {px}px 28px}}")
    html = (f'<!DOCTYPE html>\n<html lang="{"en" if c.lang == "en" else "zh-CN"}"><head><meta charset="utf-8"><title>{esc(info["title"])}</title>'
            f"<style>{css}</style></head><body><div id=\"page\">{body}</div></body></html>")
    return html, W


JS_PREPARE = r"""(() => {
  for (const e of document.querySelectorAll('.ruled')) {
    const rows = getComputedStyle(e).gridTemplateRows.split(' ').map(v => Math.ceil(parseFloat(v) - 1e-3) + 'px');
    e.style.gridTemplateRows = rows.join(' ');
  }
  for (const e of document.querySelectorAll('.snap')) {
    const r = e.getBoundingClientRect();
    const fy = r.top - Math.floor(r.top + 1e-4);
    if (fy > 1e-3) { const cs = getComputedStyle(e); e.style.marginTop = (parseFloat(cs.marginTop) + 1 - fy).toFixed(4) + 'px'; }
  }
  return 1;
})()"""

JS_EXTRACT = r"""(() => {
  const F = r => [Math.floor(r.left + 1e-3), Math.floor(r.top + 1e-3), Math.ceil(r.right - 1e-3), Math.ceil(r.bottom - 1e-3)];
  const bx = e => F(e.getBoundingClientRect());
  const tb = e => { const g = document.createRange(); g.selectNodeContents(e); return F(g.getBoundingClientRect()); };
  const o = {lb: {}, inp: {}, part: {}, ob: {}, ot: {}, gl: {}, dec: [], frac: [], html: ''};
  document.querySelectorAll('[data-lb]').forEach(e => o.lb[e.dataset.lb] = tb(e));
  document.querySelectorAll('[data-in]').forEach(e => o.inp[e.dataset.in] = bx(e));
  document.querySelectorAll('[data-part]').forEach(e => o.part[e.dataset.part] = bx(e));
  document.querySelectorAll('[data-ob]').forEach(e => o.ob[e.dataset.ob] = bx(e));
  document.querySelectorAll('[data-ot]').forEach(e => o.ot[e.dataset.ot] = tb(e));
  const cv = document.createElement('canvas').getContext('2d');
  document.querySelectorAll('[data-gl]').forEach(e => {
    const cs = getComputedStyle(e);
    cv.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
    const t = e.firstChild; const g = document.createRange(); g.setStart(t, 0); g.setEnd(t, 1);
    const rr = g.getClientRects()[0]; const m = cv.measureText(t.data[0]);
    const base = e.querySelector('.bl').getBoundingClientRect().top;
    o.gl[e.dataset.gl] = F({left: rr.left - m.actualBoundingBoxLeft, right: rr.left + m.actualBoundingBoxRight,
                            top: base - m.actualBoundingBoxAscent, bottom: base + m.actualBoundingBoxDescent});
  });
  document.querySelectorAll('[data-decoy]').forEach(e => o.dec.push([e.dataset.decoy, bx(e)]));
  document.querySelectorAll('.ruled > div').forEach(e => {
    const r = e.getBoundingClientRect();
    if ([r.left, r.top, r.right, r.bottom].some(v => Math.abs(v - Math.round(v)) > 0.01)) o.frac.push(e.outerHTML.slice(0, 90));
  });
  o.html = '<!DOCTYPE html>\n' + document.documentElement.outerHTML;
  return o;
})()"""


# ----------------------------------------------------------------------------------------------
# truth and checks
# ----------------------------------------------------------------------------------------------
def part_value(f, p):
    if f.value is None:
        return ""
    d = datetime.date.fromisoformat(f.value)
    if p == "year":
        return f"{d.year:04d}"
    v = d.day if p == "day" else d.month
    return f"{v:02d}" if f.pad else str(v)


def make_truth(fid, lang, info, c, ext, W, H):
    fields = []
    for f in info["fields"]:
        lb = ext["lb"][str(f.i)]
        label = f.label
        if getattr(f, "label_upper", None):
            label = f.label_upper
        d = {"label": label, "label_box": lb, "kind": "checkbox" if f.kind == "choice" else f.kind}
        if f.kind == "text":
            d.update(input_box=ext["inp"][str(f.i)], key=f.key, value=f.value)
        elif f.kind == "date":
            parts = [{"part": p, "box": ext["part"][f"{f.i}:{p}"], "value": part_value(f, p)} for p in (f.order or [])]
            d.update(key=f.key, value=f.value, input_box=None if parts else ext["inp"][str(f.i)], format=f.fmt, parts=parts)
        else:
            opts = []
            for k, t in enumerate(f.opts):
                b = ext["gl"].get(f"{f.i}:{k}") if f.ostyle.startswith("glyph") else ext["ob"][f"{f.i}:{k}"]
                opts.append({"text": t, "text_box": ext["ot"][f"{f.i}:{k}"], "box": b})
            d.update(style=OPT_JSON_STYLE[f.ostyle], input_box=None, key=f.key, value=f.value, options=opts)
        fields.append(d)
    return fields


def inter(a, b):
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def inside(a, b):
    return a[0] >= b[0] and a[1] >= b[1] and a[2] <= b[2] and a[3] <= b[3]


def gap(a, b):
    gx = max(0, max(a[0], b[0]) - min(a[2], b[2]))
    gy = max(0, max(a[1], b[1]) - min(a[3], b[3]))
    return max(gx, gy)


def check(fields, ext, img, W, H):
    errs = []
    boxes = []  # (field index, kind, box)
    for n, f in enumerate(fields):
        boxes.append((n, "lb", f["label_box"]))
        if f.get("input_box"):
            boxes.append((n, "in", f["input_box"]))
        for p in f.get("parts", []):
            boxes.append((n, "part", p["box"]))
        for o in f.get("options", []):
            boxes.append((n, "ob", o["box"]))
            boxes.append((n, "ot", o["text_box"]))
    for n, k, b in boxes:
        if not (0 <= b[0] < b[2] <= W and 0 <= b[1] < b[3] <= H):
            errs.append(f"box outside page / empty: {fields[n]['label']} {k} {b}")
    for x in range(len(boxes)):
        for y in range(x + 1, len(boxes)):
            (n1, k1, b1), (n2, k2, b2) = boxes[x], boxes[y]
            if inter(b1, b2):
                if n1 == n2 and {k1, k2} == {"lb", "in"}:
                    lb, ib = (b1, b2) if k1 == "lb" else (b2, b1)
                    if inside(lb, ib):
                        continue
                errs.append(f"overlap: {fields[n1]['label']}/{k1} {b1} x {fields[n2]['label']}/{k2} {b2}")
    for n1, k1, b1 in boxes:
        if k1 != "lb":
            continue
        for n2, k2, b2 in boxes:
            if n2 != n1 and k2 != "lb" and gap(b1, b2) < 8:
                errs.append(f"label {fields[n1]['label']} {b1} {gap(b1, b2)} px from {fields[n2]['label']}/{k2} {b2}")
    for name, db in ext["dec"]:
        for n, k, b in boxes:
            if inter(b, db):
                errs.append(f"field box on decoy {name}: {fields[n]['label']}/{k}")
    g = img.convert("L")
    for n, k, b in boxes:
        if k in ("lb", "ot"):
            lo = g.crop(tuple(b)).getextrema()[0]
            if lo > 150:
                errs.append(f"no ink in {fields[n]['label']}/{k} {b}")
    for f in fields:
        if f.get("style") == "glyph":
            for o in f["options"]:
                b = o["box"]
                cb = [max(0, b[0] - 3), max(0, b[1] - 3), min(W, b[2] + 3), min(H, b[3] + 3)]
                crop = g.crop(tuple(cb)).point(lambda v: 255 if v < 170 else 0)
                bb = crop.getbbox()
                if not bb:
                    errs.append(f"glyph without ink {f['label']} {b}")
                    continue
                ink = [bb[0] + cb[0], bb[1] + cb[1], bb[2] + cb[0], bb[3] + cb[1]]
                if max(abs(i - j) for i, j in zip(ink, b)) > 2:
                    errs.append(f"glyph box {b} vs ink {ink} ({f['label']} {o['text']})")
    if ext["frac"]:
        errs.append(f"table cells off whole pixels: {ext['frac'][:2]}")
    return errs


def layout_desc(info, c):
    fl = info["fields"]
    ost = sorted({f.ostyle for f in fl if f.kind == "choice"})
    dst = sorted({f.dstyle for f in fl if f.kind == "date"})
    fam = c.font.split(",")[0].strip("'")
    return f"{FAM_DESC[info['fam']]}, options {'/'.join(ost)}, dates {'/'.join(dst)}, {fam} {c.fs}px"


def render_form(browser, fid, lang, j, seed, out):
    info = build_content(fid, lang, j, seed)
    last = None
    for attempt in range(8):
        c = Ctx(lang, info["fam"], random.Random(f"{seed}/{fid}/cosmetic/{attempt}"))
        html, W = build_html(fid, info, c)
        try:
            png, ext, (W, H) = browser.render(html, W, JS_EXTRACT, js_prepare=JS_PREPARE)
        except CDPError as e:
            last = [str(e)]
            if DEBUG:
                print(f"{fid} attempt {attempt}: {e}", file=sys.stderr)
            continue
        img = Image.open(io.BytesIO(png)).convert("RGB")
        try:
            fields = make_truth(fid, lang, info, c, ext, W, H)
            errs = check(fields, ext, img, W, H)
        except KeyError as e:
            errs = [f"missing element {e}"]
        buf = io.BytesIO()
        tmp = os.path.join(out, f".{fid}.tmp.png")
        save_png(png, tmp)
        size = os.path.getsize(tmp)
        if size > MAX_PNG:
            errs.append(f"PNG {size} bytes")
        if errs:
            last = errs
            if DEBUG:
                print(f"{fid} attempt {attempt}: {len(errs)} problems: " + " | ".join(errs[:6]), file=sys.stderr)
                os.makedirs("/tmp/heldout_e_debug", exist_ok=True)
                os.replace(tmp, f"/tmp/heldout_e_debug/{fid}_{attempt}.png")
                with open(f"/tmp/heldout_e_debug/{fid}_{attempt}.html", "w", encoding="utf-8") as fh:
                    fh.write(ext["html"])
            else:
                os.remove(tmp)
            continue
        os.replace(tmp, os.path.join(out, fid + ".png"))
        with open(os.path.join(out, fid + ".html"), "w", encoding="utf-8") as fh:
            fh.write(ext["html"])
        truth = {"id": fid, "lang": lang, "width": W, "height": H, "image": fid + ".png", "layout": layout_desc(info, c),
                 "profile": info["profile"], "fields": fields}
        if info["hard"]:
            truth["hard_case"] = "the form asks for first and last name; the profile has only the full name"
        with open(os.path.join(out, fid + ".json"), "w", encoding="utf-8") as fh:
            json.dump(truth, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
        del buf
        return truth, info, c, size
    raise SystemExit(f"{fid}: no acceptable layout after 8 attempts: " + " | ".join(last[:8]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=505)
    ap.add_argument("--count", type=int, default=44)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    t0 = time.time()
    stats = collections.Counter()
    with Browser() as b:
        for n in range(1, args.count + 1):
            fid = f"e_{n:02d}"
            lang = "en" if n % 2 else "zh"
            j = ((n - 1) // 2) % 22
            truth, info, c, size = render_form(b, fid, lang, j, args.seed, args.out)
            stats["png_max"] = max(stats["png_max"], size)
            stats[f"fam {info['fam']}"] += 1
            for f in info["fields"]:
                kind = {"choice": "checkbox"}.get(f.kind, f.kind)
                stats[f"kind {kind} {lang}"] += 1
                if f.key:
                    stats["keyed"] += 1
                    if f.value is None:
                        stats["keyed unfillable"] += 1
                if f.kind == "date":
                    stats[f"date {f.dstyle}{' fmt' if f.fmt else ''} {lang}"] += 1
                    stats[f"date key {'keyed' if f.key else 'null'}"] += 1
                elif f.kind == "choice":
                    stats[f"opt {f.ostyle} {lang}"] += 1
                    stats[f"arr {f.arr}"] += 1
                else:
                    look = "comb" if f.comb else "cell" if (info["fam"] in ("heavycell", "ledger") or f.table) else f.tmode
                    stats[f"text {look} {lang}"] += 1
            if info["hard"]:
                stats["hard_case"] += 1
            print(f"{fid} {lang} {info['fam']:9s} {truth['width']}x{truth['height']} {len(truth['fields'])} fields {size // 1024} KB")
    total = sum(v for k, v in stats.items() if k.startswith("kind "))
    print(f"{args.count} forms, {total} fields in {time.time() - t0:.1f} s")
    for k in sorted(stats):
        print(f"  {k}: {stats[k]}")


if __name__ == "__main__":
    main()
