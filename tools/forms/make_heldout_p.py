#!/usr/bin/env python3
"""Held-out form corpus P (written blind: from the v2 format description, not the form rules).

    python3 tools/forms/make_heldout_p.py --out /tmp/forms_heldout_p --seed 1616 --count 44
    python3 tools/forms/make_scans.py --in /tmp/forms_heldout_p --seed 251

44 forms p_01 .. p_44 (odd numbers English, even numbers Simplified Chinese): HTML (the laid-out
DOM), PNG rendered by headless Chromium (tools/cdp_render.py, device scale factor 1) and v2 JSON
ground truth read from the DOM after layout (getBoundingClientRect / Range rects, x1/y1 floored,
x2/y2 ceiled; glyph options measured with canvas measureText at the glyph's DOM position and
baseline). Eleven layout families (accordion, dotline, dotgrid, edgecard, numcol, iconbox,
leftbar, vrule, ladder, stripes, chunky), each on 2 English and 2 Chinese forms. Every form is
checked (v2 format, boxes, overlaps, distances, DOM texts, ink, glyph boxes, date part order,
Chinese ID check digits, overflow, PNG size) and drawn again with other cosmetic draws (up to 8
times) if a check fails. Deterministic for a seed. HELDOUT_P_DEBUG=1 prints rejected attempts and
keeps them in /tmp/heldout_p_debug/.
"""

import argparse
import datetime as dt
import html
import json
import os
import random
import re
import sys
import time
from collections import Counter, defaultdict

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from cdp_render import Browser, CDPError, save_png  # noqa: E402

DEBUG = os.environ.get("HELDOUT_P_DEBUG") == "1"
DEBUG_DIR = "/tmp/heldout_p_debug"
MAX_ATTEMPTS = 8
MAX_PNG = 200 * 1024

FAMILIES = ["accordion", "dotline", "dotgrid", "edgecard", "numcol", "iconbox",
            "leftbar", "vrule", "ladder", "stripes", "chunky"]
CANON = ["name", "first_name", "last_name", "id_number", "passport_number", "phone", "email",
         "address", "city", "postcode", "date_of_birth", "gender", "nationality", "occupation",
         "employer", "emergency_contact", "date", "signature"]

EN_FONTS = ["'Liberation Sans', sans-serif", "'Liberation Serif', serif", "'Liberation Sans Narrow', sans-serif",
            "'DejaVu Sans', sans-serif", "'DejaVu Serif', serif", "'Noto Sans', sans-serif", "'Noto Serif', serif"]
ZH_FONTS = ["'Noto Sans CJK SC', sans-serif", "'Noto Serif CJK SC', serif", "'WenQuanYi Zen Hei', sans-serif",
            "'Liberation Serif', 'Noto Serif CJK SC', serif", "'DejaVu Sans', 'WenQuanYi Zen Hei', sans-serif",
            "'Noto Sans', 'Noto Sans CJK SC', sans-serif"]

PALETTE = [  # accent, tint, light tint
    ("#1f4e79", "#e3ecf5", "#f3f7fb"), ("#0f6e6e", "#dff0ee", "#f1f8f7"), ("#7a1f2b", "#f4e4e6", "#faf2f3"),
    ("#2e6b34", "#e3f0e3", "#f3f8f2"), ("#5b3a86", "#ece5f4", "#f6f2fa"), ("#8a4a12", "#f5eadf", "#fbf6f0"),
    ("#3d5566", "#e6ebef", "#f4f6f8"), ("#1d5f8a", "#e0eef7", "#f2f8fc"),
]
GREY = ("#444444", "#e6e6e6", "#f4f4f4")

# ----------------------------------------------------------------------------------------------
# themes
# texts: (label, spec) spec: "" plain, "tall", "comb:N", "comb:6-8-4", "unit:kg", "pre:£", "short"
# groups: (label, [options], arrangement hint)

EN_THEMES = [
    dict(id="pcn", title="Penalty Charge Notice: Challenge Form", issuer="Eastbrook Borough Council — Parking Services",
         code="PS-CH1", region="UK", work=False, travel=False,
         texts=[("PCN number", "comb:10"), ("Vehicle registration mark", "comb:7"), ("Location of contravention", ""),
                ("Grounds in detail", "tall")],
         dates=["Date of contravention"],
         groups=[("Grounds for challenge", ["The contravention did not occur", "I was not the owner at the time",
                                            "The vehicle had been stolen", "A valid permit was displayed"], "stack"),
                 ("Do you want copies of the photographs?", ["Yes", "No"], "row")]),
    dict(id="skip", title="Skip Licence Application", issuer="Highways Licensing Team, Marlow Vale District Council",
         code="HL/SK/3", region="UK", work=False, travel=False,
         texts=[("Address where the skip will be placed", ""), ("Skip hire company", ""), ("Skip size", "unit:cu yd"),
                ("Skip company licence number", "short")],
         dates=["Date skip will be placed", "Date skip will be removed"],
         groups=[("Proposed position", ["On the road", "On the footway", "In a parking bay"], "row"),
                 ("Will lights and cones be provided?", ["Yes", "No"], "row")]),
    dict(id="cafe", title="Pavement Café Licence Application", issuer="Westmarsh City Council — Licensing",
         code="PCL-01", region="UK", work=True, travel=False,
         texts=[("Business trading name", ""), ("Premises address", ""), ("Number of tables", "unit:tables"),
                ("Area requested", "unit:m²")],
         dates=["Proposed start date"],
         groups=[("Days of use", ["Monday to Friday", "Weekends only", "Every day"], "row"),
                 ("Licence period", ["3 months", "6 months", "12 months"], "row")]),
    dict(id="pitch", title="Sports Pitch Booking Form", issuer="Riverside Leisure Trust", code="RLT-PB",
         region="AU", work=False, travel=False,
         texts=[("Club or team name", ""), ("Number of players", "unit:players"), ("Preferred start time", "short")],
         dates=["Booking date"],
         groups=[("Pitch type", ["Full-size grass", "Synthetic", "Junior pitch"], "row"),
                 ("Change rooms required", ["Yes", "No"], "row"),
                 ("Booking frequency", ["One-off", "Weekly", "Fortnightly"], "row")]),
    dict(id="chequebook", title="Cheque Book and Paying-in Book Request", issuer="Harbour & Vale Bank plc",
         code="HVB 214", region="UK", work=False, travel=False,
         texts=[("Sort code", "comb:6"), ("Account number", "comb:8"), ("Name to be printed on cheques", "")],
         dates=[],
         groups=[("Item required", ["Cheque book", "Paying-in book", "Both"], "row"),
                 ("Number of cheques", ["30", "50", "100"], "row"),
                 ("Delivery", ["Post to my home address", "Collect from my branch"], "stack")]),
    dict(id="travelmoney", title="Travel Money Order Form", issuer="Northgate Building Society", code="NBS-TM2",
         region="UK", work=False, travel=True,
         texts=[("Currency required", "short"), ("Amount in foreign currency", ""), ("Amount in sterling", "pre:£"),
                ("Collecting branch", "")],
         dates=["Date of travel", "Collection date"],
         groups=[("Payment method", ["Debit card", "Cash", "Transfer from my account"], "row"),
                 ("Add buy-back guarantee", ["Yes", "No"], "row")]),
    dict(id="junior", title="Junior Savings Account Application", issuer="Kestrel Mutual Bank", code="KMB-JSA",
         region="UK", work=False, travel=False, parent=True,
         texts=[("Child's full name", ""), ("Child's school", ""), ("Opening deposit", "pre:£")],
         dates=["Child's date of birth"],
         groups=[("Your relationship to the child", ["Parent", "Guardian", "Grandparent"], "row"),
                 ("Interest paid", ["Monthly", "Annually"], "row")]),
    dict(id="allergy", title="Allergy Clinic Pre-assessment Questionnaire", issuer="St Aldhelm's Hospital — Allergy Service",
         code="AL-PA/4", region="UK", work=False, travel=False,
         texts=[("NHS number", "comb:10"), ("Referring GP", ""), ("Suspected allergen(s)", ""), ("Current medication", "tall")],
         dates=["Date of last reaction"],
         groups=[("Type of reaction", ["Skin rash", "Swelling", "Breathing difficulty", "Anaphylaxis"], "grid"),
                 ("Do you carry an adrenaline pen?", ["Yes", "No"], "row"),
                 ("Do you have asthma?", ["Yes", "No"], "row")]),
    dict(id="weight", title="Weight Management Programme Referral", issuer="Healthy Lives Community Health Service",
         code="HL-WM1", region="AU", work=False, travel=False,
         texts=[("Height", "unit:cm"), ("Current weight", "unit:kg"), ("Target weight", "unit:kg"), ("GP practice", "")],
         dates=["Date weighed"],
         groups=[("Preferred session", ["Morning", "Afternoon", "Evening"], "row"),
                 ("Current activity level", ["Low", "Moderate", "High"], "row")]),
    dict(id="transport", title="Non-Emergency Patient Transport Booking", issuer="Coastal Health Transport Service",
         code="CHT-07", region="NZ", work=False, travel=False,
         texts=[("Destination hospital or clinic", ""), ("Pick-up address", ""), ("Appointment time", "short"),
                ("Hospital number", "short")],
         dates=["Appointment date"],
         groups=[("Mobility", ["Walks unaided", "Walking aid", "Wheelchair", "Stretcher"], "grid"),
                 ("Escort travelling with patient", ["Yes", "No"], "row")]),
    dict(id="studentid", title="Student ID Card Replacement Request", issuer="Fairmont College — Student Services",
         code="SS-ID3", region="UK", work=False, travel=False,
         texts=[("Student number", "comb:8"), ("Course title", ""), ("Replacement fee paid", "pre:£")],
         dates=["Date card was lost"],
         groups=[("Reason for replacement", ["Lost", "Stolen", "Damaged", "Change of name"], "row"),
                 ("Collection", ["Student hub", "Post to me"], "row")]),
    dict(id="langtest", title="English Language Test Registration", issuer="Crescent Language Assessment Centre",
         code="CLAC-R1", region="AU", work=False, travel=True,
         texts=[("First language", "short"), ("Test centre", ""), ("Previous candidate number", "short")],
         dates=["Preferred test date"],
         groups=[("Test module", ["Academic", "General Training"], "row"),
                 ("Have you taken this test before?", ["Yes", "No"], "row")]),
    dict(id="shiftswap", title="Shift Swap Request", issuer="Meridian Hospital Trust — Rostering", code="ROS-12",
         region="UK", work=True, travel=False,
         texts=[("Staff number", "short"), ("Ward or department", ""), ("Colleague swapping with", ""),
                ("Shift times", "short")],
         dates=["Original shift date", "Swapped shift date"],
         groups=[("Shift type", ["Early", "Late", "Night"], "row"),
                 ("Has your manager agreed?", ["Yes", "No"], "row")]),
    dict(id="cpd", title="Professional Development Funding Request", issuer="Larchfield District Council — HR",
         code="HR-CPD5", region="UK", work=True, travel=False,
         texts=[("Course or event title", ""), ("Training provider", ""), ("Total cost", "pre:£"), ("Line manager", "")],
         dates=["Course start date"],
         groups=[("Funding requested", ["Full cost", "Part cost", "Study leave only"], "row"),
                 ("Mode of study", ["In person", "Online", "Blended"], "row")]),
    dict(id="rtw", title="Return to Work Interview Record", issuer="Brightwater Logistics Ltd", code="BWL-RTW",
         region="IE", work=True, travel=False,
         texts=[("Employee number", "short"), ("Reason for absence", ""), ("Working days absent", "unit:days")],
         dates=["First day of absence", "Date returned to work"],
         groups=[("Medical certificate provided", ["Yes", "No", "Not required"], "row"),
                 ("Adjustments needed", ["None", "Phased return", "Reduced duties"], "row")]),
    dict(id="leak", title="Leak Allowance Application", issuer="Southvale Water", code="SVW-LA",
         region="UK", work=False, travel=False,
         texts=[("Customer reference number", "comb:10"), ("Meter serial number", "short"), ("Repair company", ""),
                ("Where was the leak?", "")],
         dates=["Date the leak was repaired"],
         groups=[("Leak location", ["Underground supply pipe", "Inside the property", "Outside tap"], "stack"),
                 ("Property type", ["House", "Flat", "Bungalow"], "row")]),
    dict(id="smartmeter", title="Smart Meter Installation Appointment", issuer="BrightGrid Energy", code="BGE-SM4",
         region="UK", work=False, travel=False,
         texts=[("Account number", "short"), ("MPAN (electricity supply number)", "comb:13"), ("Where is your meter?", "")],
         dates=["Preferred appointment date"],
         groups=[("Meters to replace", ["Electricity", "Gas", "Both"], "row"),
                 ("Time slot", ["8am to 12pm", "12pm to 4pm", "4pm to 8pm"], "row"),
                 ("Is parking available at the property?", ["Yes", "No"], "row")]),
    dict(id="ferry", title="Ferry Vehicle Booking Form", issuer="Northern Isles Ferries", code="NIF-VB",
         region="UK", work=False, travel=True,
         texts=[("Vehicle registration", "short"), ("Vehicle make and model", ""), ("Vehicle length", "unit:m"),
                ("Number of passengers", "unit:persons")],
         dates=["Outbound sailing date", "Return sailing date"],
         groups=[("Route", ["Aberport to Kirkwall", "Kirkwall to Lerwick"], "row"),
                 ("Vehicle type", ["Car", "Van", "Motorhome", "Motorcycle"], "row"),
                 ("Cabin required", ["Yes", "No"], "row")]),
    dict(id="incomeprot", title="Income Protection Insurance Application", issuer="Summit Mutual Life Insurance Company",
         code="SML-IP-22", region="US", work=True, travel=False,
         texts=[("Annual gross income", "pre:$"), ("Weight", "unit:lb"), ("Name of physician", "")],
         dates=["Requested start date"],
         groups=[("Waiting period", ["30 days", "60 days", "90 days", "180 days"], "row"),
                 ("Tobacco use in the last 12 months", ["Yes", "No"], "row"),
                 ("Employment status", ["Employed", "Self-employed"], "row")]),
    dict(id="landlord", title="Landlord Insurance Proposal Form", issuer="Keystone Property Insurance",
         code="KPI/LL/9", region="UK", work=False, travel=False,
         texts=[("Address of the let property", ""), ("Number of bedrooms", "short"), ("Monthly rent", "pre:£"),
                ("Rebuild value", "pre:£")],
         dates=["Cover start date"],
         groups=[("Tenant type", ["Working professionals", "Students", "Holiday lets"], "row"),
                 ("Furnishing", ["Furnished", "Unfurnished", "Part furnished"], "row")]),
    dict(id="tailor", title="Made-to-Measure Suit Order", issuer="Ashby & Crane Tailors", code="AC-MTM",
         region="US", work=False, travel=False,
         texts=[("Chest", "unit:in"), ("Waist", "unit:in"), ("Inside leg", "unit:in"), ("Fabric reference", "short")],
         dates=["Fitting date"],
         groups=[("Jacket style", ["Single-breasted", "Double-breasted"], "row"),
                 ("Lapel", ["Notch", "Peak", "Shawl"], "row"),
                 ("Delivery", ["Collect in store", "Ship to my address"], "row")]),
    dict(id="dfg", title="Home Adaptation Grant Enquiry", issuer="Hollins Borough Council — Housing Adaptations",
         code="HA-DFG1", region="UK", work=False, travel=False,
         texts=[("Name of disabled occupant", ""), ("Adaptation needed", ""), ("Landlord name (if renting)", "")],
         dates=["Date of occupational therapy assessment"],
         groups=[("Tenure", ["Owner-occupier", "Private tenant", "Housing association tenant"], "stack"),
                 ("Type of adaptation", ["Stairlift", "Level-access shower", "Ramp", "Extension"], "grid"),
                 ("Does the occupant receive benefits?", ["Yes", "No"], "row")]),
]

ZH_THEMES = [
    dict(id="pcn", title="机动车违法停车申诉表", issuer="江宁市公安局交通警察支队", code="JT-SS-01", work=False, travel=False,
         texts=[("告知单编号", "comb:12"), ("号牌号码", "short"), ("违法地点", ""), ("申诉理由", "tall")],
         dates=["违法日期"],
         groups=[("号牌种类", ["小型汽车", "大型汽车", "新能源小型车"], "row"),
                 ("申诉类型", ["非本人驾驶", "车辆被盗用", "标志标线不清", "其他"], "row")]),
    dict(id="skip", title="建筑垃圾临时堆放申请表", issuer="江宁市城市管理局", code="CG-JZ-03", work=False, travel=False,
         texts=[("堆放地点", ""), ("运输单位", ""), ("预计数量", "unit:吨"), ("运输车牌号", "short")],
         dates=["堆放开始日期", "清运完成日期"],
         groups=[("垃圾类别", ["装修垃圾", "拆除垃圾", "工程渣土"], "row"),
                 ("是否覆盖防尘网", ["是", "否"], "row")]),
    dict(id="cafe", title="店外经营（外摆）申请表", issuer="城南街道综合行政执法队", code="CN-WB-2", work=True, travel=False,
         texts=[("店铺名称", ""), ("经营地址", ""), ("外摆面积", "unit:㎡"), ("桌椅数量", "unit:套")],
         dates=["拟开始日期"],
         groups=[("经营时段", ["全天", "午市", "晚市"], "row"), ("经营类别", ["餐饮", "零售", "其他"], "row")]),
    dict(id="pitch", title="体育场馆场地预约单", issuer="市全民健身中心", code="QJ-YY-6", work=False, travel=False,
         texts=[("团队名称", ""), ("参加人数", "unit:人"), ("预约时段", "short")],
         dates=["预约日期"],
         groups=[("场地类型", ["足球场", "篮球场", "羽毛球馆", "游泳池"], "grid"),
                 ("是否需要裁判", ["需要", "不需要"], "row")]),
    dict(id="chequebook", title="支票领购申请书", issuer="华信商业银行", code="HX-ZP-08", work=False, travel=False,
         texts=[("结算账号", "comb:16"), ("开户网点", ""), ("领购数量", "unit:本")],
         dates=[],
         groups=[("凭证种类", ["现金支票", "转账支票", "普通支票"], "row"),
                 ("领取方式", ["本人领取", "委托他人领取"], "row")]),
    dict(id="travelmoney", title="外币现钞预约兑换申请表", issuer="华信商业银行", code="HX-WB-11", work=False, travel=True,
         texts=[("兑换币种", "short"), ("兑换金额", "unit:元"), ("取钞网点", "")],
         dates=["预约取钞日期", "出境日期"],
         groups=[("用途", ["旅游", "留学", "探亲", "商务"], "row"), ("资金来源", ["本人账户", "现金"], "row")]),
    dict(id="junior", title="少儿储蓄账户开户申请书", issuer="东湖农村商业银行", code="DH-SE-02", work=False, travel=False,
         parent=True,
         texts=[("儿童姓名", ""), ("儿童就读学校", ""), ("首次存入金额", "unit:元")],
         dates=["儿童出生日期"],
         groups=[("与儿童关系", ["父亲", "母亲", "其他监护人"], "row"), ("存款期限", ["活期", "一年定期", "三年定期"], "row")]),
    dict(id="allergy", title="过敏门诊初诊问卷", issuer="江宁市第一人民医院变态反应科", code="BF-CZ-1", work=False, travel=False,
         texts=[("就诊卡号", "comb:10"), ("可疑过敏原", ""), ("目前用药", "")],
         dates=["最近一次发作日期"],
         groups=[("过敏症状", ["皮疹", "肿胀", "呼吸困难", "过敏性休克"], "grid"),
                 ("是否有哮喘病史", ["有", "无"], "row"), ("是否随身携带肾上腺素笔", ["是", "否"], "row")]),
    dict(id="weight", title="体重管理门诊建档表", issuer="江宁市中心医院营养科", code="YY-TZ-4", work=False, travel=False,
         texts=[("身高", "unit:cm"), ("体重", "unit:kg"), ("腰围", "unit:cm"), ("目标体重", "unit:kg")],
         dates=["建档日期"],
         groups=[("运动频率", ["很少运动", "每周1-2次", "每周3次以上"], "row"), ("饮食习惯", ["清淡", "适中", "偏油腻"], "row")]),
    dict(id="transport", title="非急救转运服务预约单", issuer="江宁市急救中心", code="JJ-ZY-05", work=False, travel=False,
         texts=[("目的医院", ""), ("接送地址", ""), ("预约时间", "short"), ("住院号", "short")],
         dates=["转运日期"],
         groups=[("行动能力", ["可自行行走", "需轮椅", "需担架"], "row"), ("是否需家属陪同", ["是", "否"], "row")]),
    dict(id="studentid", title="学生证补办申请表", issuer="江南理工学院学生工作处", code="XG-BB-1", work=False, travel=False,
         texts=[("学号", "comb:10"), ("所在学院", ""), ("专业班级", "")],
         dates=["入学日期"],
         groups=[("补办原因", ["遗失", "损坏", "信息变更"], "row"), ("领取方式", ["学院领取", "邮寄"], "row")]),
    dict(id="langtest", title="计算机等级考试报名表", issuer="江宁市教育考试院", code="KS-JSJ-7", work=False, travel=False,
         texts=[("考点名称", ""), ("报考科目", ""), ("以往准考证号", "short")],
         dates=["考试日期"],
         groups=[("报考级别", ["一级", "二级", "三级", "四级"], "row"), ("是否首次报考", ["是", "否"], "row")]),
    dict(id="shiftswap", title="员工调班申请单", issuer="康华医疗集团人力资源部", code="HR-TB-03", work=True, travel=False,
         texts=[("工号", "short"), ("所在部门", ""), ("替班人姓名", ""), ("原班次时间", "short")],
         dates=["原班日期", "调换日期"],
         groups=[("班次", ["早班", "中班", "夜班"], "row"), ("是否已告知主管", ["是", "否"], "row")]),
    dict(id="cpd", title="员工继续教育经费申请表", issuer="江宁市城建集团人力资源部", code="HR-JX-05", work=True, travel=False,
         texts=[("培训项目名称", ""), ("培训机构", ""), ("申请金额", "unit:元"), ("部门负责人", "")],
         dates=["培训开始日期"],
         groups=[("培训形式", ["线下", "线上", "混合"], "row"), ("费用承担方式", ["全额报销", "部分报销"], "row")]),
    dict(id="rtw", title="员工病假复工评估表", issuer="远航物流有限公司", code="YH-FG-2", work=True, travel=False,
         texts=[("工号", "short"), ("病假原因", ""), ("病假天数", "unit:天")],
         dates=["病假开始日期", "复工日期"],
         groups=[("是否提供病假证明", ["是", "否"], "row"), ("复工安排", ["正常上岗", "逐步复工", "调整岗位"], "row")]),
    dict(id="leak", title="自来水漏损水费减免申请表", issuer="江宁市自来水有限公司", code="ZLS-JM-4", work=False, travel=False,
         texts=[("用户编号", "comb:10"), ("水表编号", "short"), ("漏水位置", ""), ("维修单位", "")],
         dates=["维修完成日期"],
         groups=[("漏水类型", ["地下管道", "室内管道", "阀门"], "row"), ("房屋类型", ["住宅", "商铺"], "row")]),
    dict(id="smartmeter", title="智能电表更换预约单", issuer="国网江宁供电公司", code="GW-DB-09", work=False, travel=False,
         texts=[("用电户号", "comb:10"), ("电表表号", "short"), ("表箱位置", "")],
         dates=["预约日期"],
         groups=[("预约时段", ["上午", "下午"], "row"), ("用电类别", ["居民生活", "一般工商业"], "row"),
                 ("家中是否有人", ["是", "否"], "row")]),
    dict(id="ferry", title="客滚轮渡车辆购票登记表", issuer="琼州海峡轮渡运输有限公司", code="QZ-CL-3", work=False, travel=False,
         texts=[("车牌号码", "short"), ("车辆品牌型号", ""), ("车长", "unit:米"), ("随车人数", "unit:人")],
         dates=["乘船日期"],
         groups=[("航线", ["海安—海口", "徐闻—秀英"], "row"), ("车辆类型", ["小客车", "货车", "房车"], "row")]),
    dict(id="ltc", title="长期护理保险待遇申请表", issuer="江宁市医疗保障局", code="YB-HL-06", work=False, travel=False,
         texts=[("医保卡号", "short"), ("护理机构名称", ""), ("参保地", "")],
         dates=["失能评估日期"],
         groups=[("护理方式", ["居家护理", "机构护理", "医院护理"], "row"), ("失能等级", ["轻度", "中度", "重度"], "row")]),
    dict(id="landlord", title="出租房屋综合保险投保单", issuer="安泰财产保险股份有限公司", code="AT-CZ-12", work=False, travel=False,
         texts=[("出租房屋地址", ""), ("房屋建筑面积", "unit:㎡"), ("月租金", "unit:元"), ("保险金额", "unit:元")],
         dates=["保险起期"],
         groups=[("房屋结构", ["钢混", "砖混", "其他"], "row"), ("租客类型", ["个人", "企业员工", "学生"], "row")]),
    dict(id="tailor", title="西服定制量体单", issuer="锦尚服饰定制中心", code="JS-LT-1", work=False, travel=False,
         texts=[("胸围", "unit:cm"), ("腰围", "unit:cm"), ("肩宽", "unit:cm"), ("面料编号", "short")],
         dates=["试衣日期"],
         groups=[("款式", ["单排扣", "双排扣"], "row"), ("驳领", ["平驳领", "戗驳领", "青果领"], "row"),
                 ("取货方式", ["到店自取", "快递"], "row")]),
    dict(id="dfg", title="困难残疾人家庭无障碍改造申请表", issuer="江宁市残疾人联合会", code="CL-WZA-2", work=False, travel=False,
         texts=[("残疾人姓名", ""), ("残疾证号", "comb:6-8-4-2"), ("改造需求", "")],
         dates=["入户评估日期"],
         groups=[("残疾类别", ["视力", "肢体", "听力", "其他"], "row"), ("房屋产权", ["自有", "公租", "租赁"], "row")]),
]

# ----------------------------------------------------------------------------------------------
# people

EN_F = ["Emily", "Charlotte", "Grace", "Sophie", "Hannah", "Olivia", "Megan", "Lucy", "Niamh", "Aoife", "Chloe",
        "Isla", "Ruby", "Ava", "Jessica", "Laura", "Rachel", "Zoe", "Harriet", "Eleanor"]
EN_M = ["James", "Oliver", "Thomas", "Daniel", "Samuel", "Liam", "Conor", "Matthew", "Ethan", "Jack", "Harry",
        "William", "Noah", "Lewis", "Callum", "Patrick", "Adam", "Owen", "Ryan", "George"]
EN_L = ["Carter", "Hughes", "Bennett", "Fletcher", "Murphy", "O'Brien", "Walsh", "Thompson", "Robinson", "Clarke",
        "Patel", "Morrison", "Nguyen", "Harper", "Sullivan", "Kelly", "Price", "Lawson", "Fraser", "Doyle",
        "Mitchell", "Turner", "Hayes", "Grant"]
ROMAN = [("Wang", "Lei", "M"), ("Chen", "Xiaoyu", "F"), ("Liu", "Yang", "M"), ("Zhao", "Min", "F"),
         ("Huang", "Jiahui", "F"), ("Zhou", "Hao", "M")]
REGIONS = {
    "UK": dict(nat="British", cities=[("Leeds", "LS6"), ("Bristol", "BS7"), ("Manchester", "M14"), ("Norwich", "NR2"),
                                      ("Cardiff", "CF24"), ("York", "YO10"), ("Brighton", "BN2"), ("Leicester", "LE3")],
               streets=["Elm Grove", "Station Road", "Oakfield Avenue", "Church Lane", "Victoria Street", "Mill Close",
                        "Hawthorn Drive", "Kingsway"]),
    "IE": dict(nat="Irish", cities=[("Dublin", "D04"), ("Cork", "T12"), ("Galway", "H91"), ("Limerick", "V94")],
               streets=["Main Street", "Grove Park", "Strand Road", "Castle View", "Rathmines Road"]),
    "AU": dict(nat="Australian", cities=[("Brisbane", "4064"), ("Newcastle", "2300"), ("Geelong", "3220"),
                                         ("Hobart", "7000"), ("Perth", "6050")],
               streets=["Banksia Street", "Wattle Avenue", "Beach Road", "Ridge Crescent", "Jacaranda Drive"]),
    "NZ": dict(nat="New Zealander", cities=[("Dunedin", "9016"), ("Nelson", "7010"), ("Hamilton", "3216"),
                                            ("Napier", "4110")],
               streets=["Kowhai Road", "Harbour View", "Rimu Street", "Totara Lane"]),
    "US": dict(nat="American", cities=[("Portland", "97214"), ("Madison", "53703"), ("Raleigh", "27601"),
                                       ("Tucson", "85719"), ("Albany", "12203")],
               streets=["Maple Street", "Oak Avenue", "Lincoln Boulevard", "Cedar Lane", "Park Drive"]),
}
EN_JOBS = [("Pharmacist", "Boots UK Ltd"), ("Civil engineer", "Arup Group"), ("Primary school teacher", "Oakfield Primary School"),
           ("Nurse", "City Hospital"), ("Software developer", "Brightline Software"), ("Accountant", "Hale & Porter LLP"),
           ("Electrician", "Volt Services Ltd"), ("Chef", "The Harbour Kitchen"), ("Paramedic", "Regional Ambulance Service"),
           ("Librarian", "Central Library"), ("Graphic designer", "Studio North"), ("Warehouse supervisor", "Parcelway Ltd"),
           ("Dental hygienist", "Smile Dental Care"), ("Estate agent", "Morgan & Finch")]
ZH_SUR = ["张", "王", "李", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
          "梁", "宋", "郑", "谢"]
ZH_GIVEN_M = ["伟", "磊", "浩然", "俊杰", "建华", "志强", "子轩", "鹏", "文博", "晨阳", "宇航", "国栋"]
ZH_GIVEN_F = ["芳", "娜", "静怡", "晓燕", "雪梅", "婷", "欣然", "佳琪", "丽华", "梦瑶", "思彤", "玉兰"]
ZH_PLACES = [("110105", "北京市", "朝阳区", "100020"), ("310115", "上海市", "浦东新区", "200120"),
             ("440106", "广州市", "天河区", "510620"), ("440305", "深圳市", "南山区", "518057"),
             ("330106", "杭州市", "西湖区", "310012"), ("320102", "南京市", "玄武区", "210018"),
             ("510107", "成都市", "武侯区", "610041"), ("420106", "武汉市", "武昌区", "430071"),
             ("610113", "西安市", "雁塔区", "710061"), ("370202", "青岛市", "市南区", "266071"),
             ("350203", "厦门市", "思明区", "361001"), ("430104", "长沙市", "岳麓区", "410006"),
             ("120101", "天津市", "和平区", "300041"), ("500103", "重庆市", "渝中区", "400010")]
ZH_ROADS = ["建国路", "人民南路", "解放大道", "文三路", "中山东路", "长江路", "科技园南路", "滨海大道", "青年路", "和平街"]
ZH_JOBS = [("产品经理", "星河科技有限公司"), ("会计", "江宁会计师事务所"), ("教师", "江宁市实验小学"), ("护士", "市第二人民医院"),
           ("工程师", "中建三局第一分公司"), ("销售主管", "宏远贸易有限公司"), ("公务员", "区民政局"), ("厨师", "味之源餐饮有限公司"),
           ("软件开发工程师", "云帆信息技术有限公司"), ("药剂师", "康泰大药房"), ("司机", "顺捷物流有限公司"), ("设计师", "青禾设计工作室")]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def id_check(s17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(c) * k for c, k in zip(s17, w)) % 11]


def rand_date(rng, y0, y1):
    a, b = dt.date(y0, 1, 1).toordinal(), dt.date(y1, 12, 31).toordinal()
    return dt.date.fromordinal(rng.randint(a, b))


def en_person(rng, region, roman=False):
    R = REGIONS[region]
    if roman:
        last, first, g = rng.choice(ROMAN)
        nat = "Chinese"
    else:
        g = rng.choice("MF")
        first = rng.choice(EN_M if g == "M" else EN_F)
        last = rng.choice(EN_L)
        nat = R["nat"]
    city, pc = rng.choice(R["cities"])
    num = rng.randint(2, 188)
    street = rng.choice(R["streets"])
    addr = f"{num} {street}" + (f", Flat {rng.randint(1, 12)}" if rng.random() < 0.25 else "")
    if region == "UK":
        postcode = f"{pc} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXY')}{rng.choice('ABDEFGHJLNPQRSTUWXY')}"
        phone = f"07700 900{rng.randint(100, 999)}"
        idn = f"{rng.choice('ABCEGHJKLMNPRSTWXYZ')}{rng.choice('ABCEGHJKLMNPRSTWXYZ')} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.choice('ABCD')}"
    elif region == "IE":
        postcode = f"{pc} {rng.choice('ACDEFHKNPRTVWXY')}{rng.randint(1, 9)}{rng.choice('ACDEFHKNPRTVWXY')}{rng.randint(1, 9)}"
        phone = f"087 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
        idn = f"{rng.randint(1000000, 9999999)}{rng.choice('ABCDEFGHKLMNPRTW')}A"
    elif region == "AU":
        postcode = pc
        phone = f"0412 {rng.randint(100, 999)} {rng.randint(100, 999)}"
        idn = f"{rng.randint(10000000, 99999999)}"
    elif region == "NZ":
        postcode = pc
        phone = f"021 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
        idn = f"{rng.choice('DEHKLM')}{rng.choice('ABCDEFG')}{rng.randint(100000, 999999)}"
    else:
        postcode = pc
        phone = f"({rng.randint(201, 989)}) 555-0{rng.randint(100, 199)}"
        idn = f"D{rng.randint(100, 999)}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
    job, emp = rng.choice(EN_JOBS)
    ef = rng.choice(EN_F + EN_M)
    el = last if rng.random() < 0.6 else rng.choice(EN_L)
    if region == "UK":
        ephone = f"07700 900{rng.randint(100, 999)}"
    else:
        ephone = phone[:-3] + f"{rng.randint(100, 999)}"
    mail_dom = {"UK": "example.co.uk", "IE": "example.ie", "AU": "example.com.au", "NZ": "example.co.nz",
                "US": "example.com"}[region]
    full = f"{first} {last}"
    email = f"{first.lower()}.{re.sub('[^a-z]', '', last.lower())}{rng.choice(['', str(rng.randint(1, 99))])}@{mail_dom}"
    return dict(first=first, last=last, full=full, g=g, dob=rand_date(rng, 1956, 2003), nat=nat, id=idn,
                passport=(f"E{rng.randint(10000000, 99999999)}" if roman else f"{rng.randint(100000000, 999999999)}"),
                phone=phone, email=email, address=addr, city=city, postcode=postcode, occupation=job, employer=emp,
                emergency=f"{ef} {el}, {ephone}", region=region, roman=roman)


def zh_person(rng):
    g = rng.choice("MF")
    sur = rng.choice(ZH_SUR)
    given = rng.choice(ZH_GIVEN_M if g == "M" else ZH_GIVEN_F)
    code, city, dist, pc = rng.choice(ZH_PLACES)
    dob = rand_date(rng, 1956, 2003)
    seq = rng.randint(10, 99) * 10 + (rng.choice([1, 3, 5, 7, 9]) if g == "M" else rng.choice([0, 2, 4, 6, 8]))
    s17 = f"{code}{dob:%Y%m%d}{seq:03d}"
    idn = s17 + id_check(s17)
    phone = f"1{rng.choice(['38', '39', '58', '86', '88', '35', '77'])}{rng.randint(1000, 9999)}{rng.randint(1000, 9999)}"
    addr = f"{city}{dist}{rng.choice(ZH_ROADS)}{rng.randint(1, 299)}号" + (
        f"{rng.randint(1, 30)}栋{rng.randint(1, 28)}{rng.randint(0, 1)}{rng.randint(1, 6)}室" if rng.random() < 0.6 else "")
    job, emp = rng.choice(ZH_JOBS)
    es = rng.choice(ZH_SUR)
    eg = rng.choice(ZH_GIVEN_M + ZH_GIVEN_F)
    ephone = f"1{rng.choice(['37', '59', '89', '36'])}{rng.randint(1000, 9999)}{rng.randint(1000, 9999)}"
    py = rng.choice(["zhang", "wang", "li", "liu", "chen", "yang", "zhao", "huang", "zhou", "wu", "xu", "sun"])
    email = f"{py}{rng.randint(10, 999)}@{rng.choice(['example.cn', 'example.com.cn', 'mail.example.cn'])}"
    return dict(first=given, last=sur, full=sur + given, g=g, dob=dob, nat="中国", id=idn,
                passport=f"E{rng.randint(10000000, 99999999)}", phone=phone, email=email, address=addr,
                city=city, postcode=pc, occupation=job, employer=emp, emergency=f"{es}{eg} {ephone}", region="CN",
                roman=False)


def spell_date(d, style):
    if style == "iso":
        return d.isoformat()
    if style == "dmy_long":
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    if style == "mdy_long":
        return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
    if style == "zh":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "dot":
        return f"{d.year}.{d.month:02d}.{d.day:02d}"
    if style == "slash":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    raise ValueError(style)


KEY_VARIANTS = {
    "name": ["full_name", "Name", "applicant_name", "full name"],
    "first_name": ["firstName", "given_name", "forename", "First name"],
    "last_name": ["surname", "family_name", "lastName", "Last name"],
    "id_number": ["ID", "ID number", "id_no"],
    "passport_number": ["passport", "passport_no", "Passport No."],
    "phone": ["Mobile", "mobile", "tel", "cell", "mobile_phone"],
    "email": ["E-mail", "Email", "mail"],
    "address": ["home_address", "residential_address", "Address"],
    "city": ["town", "City"],
    "postcode": ["zip", "post_code", "postal_code"],
    "date_of_birth": ["dob", "DOB", "birth_date"],
    "gender": ["sex", "Sex", "Gender"],
    "nationality": ["citizenship", "Nationality"],
    "occupation": ["job", "job_title", "profession"],
    "employer": ["company", "employer_name", "work_place"],
    "emergency_contact": ["ICE", "ice_contact", "emergency"],
    "date": ["today", "date_signed", "signing_date"],
}
KEY_ZH = {
    "name": ["姓名"], "first_name": ["名"], "last_name": ["姓"], "id_number": ["身份证号码", "身份证号"],
    "passport_number": ["护照号码"], "phone": ["手机", "联系电话"], "email": ["邮箱", "电子邮箱"],
    "address": ["地址", "住址"], "city": ["城市"], "postcode": ["邮编", "邮政编码"],
    "date_of_birth": ["出生日期", "生日"], "gender": ["性别"], "nationality": ["国籍"], "occupation": ["职业"],
    "employer": ["工作单位"], "emergency_contact": ["紧急联系人"], "date": ["日期"],
}
EXTRAS_EN = [("marital_status", ["Married", "Single"]), ("blood_type", ["O+", "A-", "B+"]),
             ("preferred_language", ["English"]), ("preferred_contact_time", ["Evenings", "Mornings"])]
EXTRAS_ZH = [("民族", ["汉族", "回族"]), ("婚姻状况", ["已婚", "未婚"]), ("微信号", ["wx_chen1988", "lina_0722"]),
             ("学历", ["本科", "硕士研究生"])]

# labels ---------------------------------------------------------------------------------------
EN_LABELS = {
    "name": ["Full name", "Name in full", "Applicant's full name", "Your full name", "Full name (as on ID)", "Name"],
    "last_name": ["Surname", "Family name", "Last name"],
    "first_name": ["Given name(s)", "First name", "Forename(s)", "Given names"],
    "gender": ["Gender", "Sex"],
    "date_of_birth": ["Date of birth", "Date of birth", "Birth date"],
    "nationality": ["Nationality", "Citizenship"],
    "passport_number": ["Passport number", "Passport no."],
    "phone": ["Phone number", "Mobile number", "Telephone", "Contact phone", "Daytime phone"],
    "email": ["Email address", "Email", "E-mail"],
    "address": ["Home address", "Address", "Residential address", "Postal address", "Street address"],
    "city": ["Town / city", "City", "Town"],
    "occupation": ["Occupation", "Job title", "Position"],
    "employer": ["Employer", "Employer name", "Company", "Name of employer"],
    "emergency_contact": ["Emergency contact", "Emergency contact (name and phone)", "In case of emergency contact"],
    "signature": ["Signature", "Signature of applicant", "Applicant's signature", "Signed"],
    "date": ["Date", "Date signed", "Today's date"],
}
EN_ID_LABELS = {"UK": ["National Insurance number", "NI number"], "IE": ["PPS number"],
                "AU": ["Driver licence number", "ID number"], "NZ": ["Driver licence number"],
                "US": ["Driver's license number", "State ID number"]}
EN_PC_LABELS = {"UK": ["Postcode"], "IE": ["Eircode"], "AU": ["Postcode"], "NZ": ["Postcode"], "US": ["ZIP code"]}
ZH_LABELS = {
    "name": ["姓名", "申请人姓名", "客户姓名", "本人姓名"],
    "last_name": ["姓", "姓氏"], "first_name": ["名", "名字"],
    "gender": ["性别"], "date_of_birth": ["出生日期", "出生年月日"], "nationality": ["国籍"],
    "id_number": ["身份证号码", "公民身份号码", "身份证号"], "passport_number": ["护照号码", "护照号"],
    "phone": ["手机号码", "联系电话", "手机", "移动电话"], "email": ["电子邮箱", "邮箱", "电子邮件"],
    "address": ["家庭住址", "联系地址", "现住址", "通讯地址"], "city": ["所在城市", "城市"], "postcode": ["邮政编码", "邮编"],
    "occupation": ["职业", "职务"], "employer": ["工作单位", "单位名称"],
    "emergency_contact": ["紧急联系人", "紧急联系人及电话"],
    "signature": ["申请人签名", "签名", "本人签字", "申请人（签字）"], "date": ["日期", "签署日期", "填表日期"],
}
EN_GENDER = [["Male", "Female"], ["Female", "Male"], ["M", "F"], ["Male", "Female", "Other"],
             ["Male", "Female", "Prefer not to say"]]
ZH_GENDER = [["男", "女"], ["男", "女"], ["男性", "女性"]]

# ----------------------------------------------------------------------------------------------
# content: fields, date styles, option styles, profile

ONE_PLACES = {
    "accordion": ["ph", "after", "right", "under", "hint"], "dotline": ["ph", "after", "right", "under", "hint"],
    "dotgrid": ["ph", "after", "hint"], "edgecard": ["ph", "after", "right", "under", "hint"],
    "numcol": ["ph", "after", "right", "under"], "iconbox": ["ph", "after", "right", "under", "hint"],
    "leftbar": ["ph", "after", "right", "under"], "vrule": ["ph", "after", "right", "under", "hint"],
    "ladder": ["ph", "after", "hint"], "stripes": ["ph", "after", "hint"],
    "chunky": ["ph", "after", "right", "under", "hint"],
}
EN_PARTS = ["pph", "capabove", "capbelow", "dmyinline", "ulseg"]
ZH_PARTS = ["pph", "capabove", "capbelow", "zhunit", "zhline"]
OSTYLES = ["csq", "cci", "ncb", "nrd", "g1", "g2", "g3"]
JSON_STYLE = {"csq": "square", "ncb": "square", "cci": "radio", "nrd": "radio", "g1": "glyph", "g2": "glyph",
              "g3": "glyph"}
GLYPH = {"g1": "☐", "g2": "□", "g3": "○"}


def pick_fmt(rng, lang, region):
    if lang == "zh":
        return rng.choices(["YYYY-MM-DD", "YYYY/MM/DD", "YYYY年MM月DD日", "YYYY.MM.DD"], [3, 2, 2, 2])[0]
    if region == "US":
        return rng.choices(["MM/DD/YYYY", "MM-DD-YYYY", "YYYY-MM-DD"], [3, 1, 1])[0]
    return rng.choices(["DD/MM/YYYY", "YYYY-MM-DD", "DD.MM.YYYY", "DD-MM-YYYY", "YYYY/MM/DD"], [3, 3, 2, 1, 1])[0]


def assign_dates(rng, form, dates):
    """dates: the form's date fields in order. Sets one-box / parts styles."""
    fam, lang, region = form["fam"], form["lang"], form["region"]
    n = len(dates)
    idx = list(range(n))
    rng.shuffle(idx)
    one_fmt = idx[0]
    parts_i = idx[1]
    fmt_main = pick_fmt(rng, lang, region)
    fmt_alt = pick_fmt(rng, lang, region)
    if lang == "en":
        order = "MDY" if region == "US" else rng.choices(["DMY", "YMD"], [6, 1])[0]
    else:
        order = "YMD"
    lower = lang == "en" and rng.random() < 0.3
    pst_pool = EN_PARTS if lang == "en" else ZH_PARTS
    form_pstyles = rng.sample(pst_pool, 3)
    for k, f in enumerate(dates):
        if k == one_fmt:
            mode = "one"
        elif k == parts_i:
            mode = "parts"
        else:
            mode = "one" if rng.random() < 0.42 else "parts"
        f["mode"] = mode
        if mode == "one":
            f["fmt"] = fmt_main if rng.random() < 0.8 else fmt_alt
            places = ONE_PLACES[fam]
            f["fstyle"] = rng.choice(places)
            if k != one_fmt and rng.random() < 0.08:
                f["fstyle"] = "none"
            f["lower"] = lower and "年" not in f["fmt"] and rng.random() < 0.7
        else:
            f["pstyle"] = rng.choice(form_pstyles)
            f["order"] = order
            f["sep"] = rng.choice(["/", "/", "-", "."]) if lang == "en" else rng.choice(["/", "-", "."])
            f["lower"] = lower
            f["capwords"] = lang == "en" and rng.random() < 0.6  # Day / Month / Year vs DD / MM / YYYY


def ostyle_for(rng, fam, main):
    if fam == "chunky":
        return rng.choice(["csq", "cci"])
    return main


def build_content(fid, idx, lang, fam, theme, grey, seed):
    rng = random.Random(f"{seed}/{fid}/content")
    region = theme.get("region", "CN") if lang == "en" else "CN"
    roman = lang == "en" and theme["id"] in ("langtest", "travelmoney", "studentid")
    person = en_person(rng, region, roman) if lang == "en" else zh_person(rng)
    form = dict(id=fid, lang=lang, fam=fam, theme=theme, grey=grey, region=region, person=person, roman=roman)
    L = EN_LABELS if lang == "en" else ZH_LABELS
    fields = []

    def add(sec, kind, label, key, **kw):
        f = dict(sec=sec, kind=kind, label=label, key=key, full=False, req=False, spec="")
        f.update(kw)
        fields.append(f)
        return f

    # applicant
    split = rng.random() < 0.3
    if split:
        if lang == "en":
            ln, fn = rng.choice([("Surname", "Given name(s)"), ("Family name", "First name"), ("Last name", "First name"),
                                 ("Surname", "Forename(s)")])
        else:
            ln, fn = rng.choice([("姓", "名"), ("姓氏", "名字")])
        add(0, "text", ln, "last_name", req=rng.random() < 0.3)
        add(0, "text", fn, "first_name", req=rng.random() < 0.3)
    else:
        lab = rng.choice(L["name"])
        if theme.get("parent"):
            lab = rng.choice(["Parent or guardian's full name", "Your full name"]) if lang == "en" else \
                rng.choice(["监护人姓名", "申请人（监护人）姓名"])
        if lang == "zh" and theme["id"] in ("landlord",):
            lab = "投保人姓名"
        add(0, "text", lab, "name", req=rng.random() < 0.3)
    gopts = rng.choice(EN_GENDER if lang == "en" else ZH_GENDER)
    gender_f = dict(sec=0, kind="checkbox", label=rng.choice(L["gender"]), key="gender", opts=list(gopts), arr="row",
                    full=False, req=False, spec="")
    dob_f = dict(sec=0, kind="date", label=rng.choice(L["date_of_birth"]), key="date_of_birth", full=False,
                 req=rng.random() < 0.3, spec="")
    if rng.random() < 0.5:
        fields += [gender_f, dob_f]
    else:
        fields += [dob_f, gender_f]
    nat_choice = rng.random() < 0.3
    if nat_choice:
        if lang == "en":
            nat = person["nat"]
            others = [n for n in ("British", "Irish", "Australian", "American", "New Zealander") if n != nat]
            opts = [nat, "Other"] if rng.random() < 0.6 else [nat, rng.choice(others), "Other"]
        else:
            opts = ["中国", "其他"] if rng.random() < 0.6 else ["中国", "中国香港/澳门/台湾", "其他"]
        add(0, "checkbox", rng.choice(L["nationality"]), "nationality", opts=opts, arr="row")
    else:
        add(0, "text", rng.choice(L["nationality"]), "nationality", spec="short")
    use_pass = theme["travel"] or roman
    if use_pass:
        add(0, "text", rng.choice(L["passport_number"]), "passport_number", spec="short")
    else:
        lab = rng.choice(EN_ID_LABELS[region]) if lang == "en" else rng.choice(L["id_number"])
        spec = ""
        if lang == "zh" and rng.random() < 0.35:
            spec = "comb:18" if rng.random() < 0.5 else "comb:6-8-4"
        add(0, "text", lab, "id_number", spec=spec or "short", req=rng.random() < 0.3)
    # contact
    sec_c = []
    has = dict(email=rng.random() < 0.86, city=rng.random() < 0.86, postcode=rng.random() < 0.86,
               emergency=rng.random() < 0.76)
    phone_f = dict(sec=1, kind="text", label=rng.choice(L["phone"]), key="phone", spec="short", full=False, req=False)
    email_f = dict(sec=1, kind="text", label=rng.choice(L["email"]), key="email", spec="", full=False, req=False)
    addr_f = dict(sec=1, kind="text", label=rng.choice(L["address"]), key="address", spec="", full=True, req=False)
    city_f = dict(sec=1, kind="text", label=rng.choice(L["city"]), key="city", spec="short", full=False, req=False)
    pcl = rng.choice(EN_PC_LABELS[region]) if lang == "en" else rng.choice(L["postcode"])
    pcspec = "short"
    if rng.random() < 0.3:
        pcspec = "comb:6" if lang == "zh" else ("comb:5" if region == "US" else (
            "comb:4" if region in ("AU", "NZ") else ("comb:7" if region == "IE" else "comb:8")))
    pc_f = dict(sec=1, kind="text", label=pcl, key="postcode", spec=pcspec, full=False, req=False)
    em_f = dict(sec=1, kind="text", label=rng.choice(L["emergency_contact"]), key="emergency_contact", spec="",
                full=False, req=False)
    addr_block = [addr_f] + ([city_f] if has["city"] else []) + ([pc_f] if has["postcode"] else [])
    tel_block = [phone_f] + ([email_f] if has["email"] else [])
    sec_c = (addr_block + tel_block) if rng.random() < 0.5 else (tel_block + addr_block)
    if has["emergency"]:
        sec_c.append(em_f)
    fields += sec_c
    # work
    if theme["work"] or rng.random() < 0.3:
        add(2, "text", rng.choice(L["occupation"]), "occupation")
        add(2, "text", rng.choice(L["employer"]), "employer")
    # theme section
    tf = []
    nt = rng.randint(2, min(4, len(theme["texts"])))
    texts = list(theme["texts"])
    if theme.get("parent"):
        chosen = [texts[0]] + rng.sample(texts[1:], nt - 1)
    else:
        chosen = rng.sample(texts, nt)
    for lab, spec in chosen:
        tf.append(dict(sec=3, kind="text", label=lab, key=None, spec=spec, full=spec in ("tall",), req=False))
    nd = rng.randint(0, min(2, len(theme["dates"])))
    if theme.get("parent"):
        nd = max(1, nd)
    for lab in theme["dates"][:nd]:
        tf.append(dict(sec=3, kind="date", label=lab, key=None, full=False, req=False, spec=""))
    ng = rng.randint(1, min(3, len(theme["groups"])))
    for lab, opts, arr in rng.sample(theme["groups"], ng):
        tf.append(dict(sec=3, kind="checkbox", label=lab, key=None, opts=list(opts), arr=arr, full=False, req=False,
                       spec=""))
    if theme.get("parent"):
        first = tf[0]
        rest = tf[1:]
        rng.shuffle(rest)
        tf = [first] + rest
    else:
        rng.shuffle(tf)
    fields += tf
    # declaration
    add(4, "text", rng.choice(L["signature"]), "signature", spec="sig")
    if rng.random() < 0.93 or not any(f["kind"] == "date" and f["sec"] == 3 for f in fields):
        add(4, "date", rng.choice(L["date"]), "date")
    for i, f in enumerate(fields):
        f["i"] = i
    # date styles
    assign_dates(rng, form, [f for f in fields if f["kind"] == "date"])
    form["fields"] = fields
    form["rng_state"] = rng.getstate()
    return form


def finish_content(form, main_ostyle, alt_ostyle, seed):
    rng = random.Random()
    rng.setstate(form["rng_state"])
    lang, person, fam = form["lang"], form["person"], form["fam"]
    for f in form["fields"]:
        if f["kind"] == "checkbox":
            st = main_ostyle if (f["key"] or rng.random() < 0.7) else alt_ostyle
            f["ostyle"] = ostyle_for(rng, fam, st)
            if f["arr"] == "row" and len(f["opts"]) >= 4 and rng.random() < 0.3:
                f["arr"] = "grid"
            if f["key"] == "gender" and len(f["opts"]) == 3 and rng.random() < 0.25:
                f["arr"] = "stack"
    # profile
    keyed = [f for f in form["fields"] if f["key"] and f["key"] != "signature"]
    keys = [f["key"] for f in keyed]
    cand = [k for k in keys if k not in ("name", "first_name", "last_name")]
    nomit = rng.choices([1, 2, 3, 4], [20, 43, 30, 7])[0]
    nomit = min(nomit, len(cand) - 1)
    omitted = set(rng.sample(cand, nomit))
    if lang == "en":
        dstyle = rng.choice(["iso", "dmy_long", "mdy_long", "dot", "slash"])
        if dstyle == "slash" and person["dob"].day <= 12:
            dstyle = "iso"
        if form["roman"] and rng.random() < 0.5:
            dstyle = "zh"
        kstyle = rng.choice(["canonical", "variant", "mixed"]) if not form["roman"] else rng.choice(["chinese", "mixed"])
        gsp = {"M": rng.choice(["M", "m", "male", "Male"]), "F": rng.choice(["F", "f", "female", "Female"])}[person["g"]]
    else:
        dstyle = rng.choice(["iso", "zh", "zh", "dot"])
        kstyle = rng.choices(["chinese", "mixed", "canonical", "variant"], [5, 3, 1, 1])[0]
        gsp = {"M": rng.choice(["男", "男", "M", "male"]), "F": rng.choice(["女", "女", "F", "female"])}[person["g"]]
    sig_date = rand_date(rng, 2025, 2025)
    sdstyle = dstyle if rng.random() < 0.7 else ("iso" if dstyle != "iso" else ("dmy_long" if lang == "en" else "zh"))
    if sdstyle == "slash" and sig_date.day <= 12:
        sdstyle = "iso"
    raw = {
        "name": person["full"], "first_name": person["first"], "last_name": person["last"],
        "id_number": person["id"], "passport_number": person["passport"], "phone": person["phone"],
        "email": person["email"], "address": person["address"], "city": person["city"],
        "postcode": person["postcode"], "date_of_birth": spell_date(person["dob"], dstyle), "gender": gsp,
        "nationality": person["nat"], "occupation": person["occupation"], "employer": person["employer"],
        "emergency_contact": person["emergency"], "date": spell_date(sig_date, sdstyle),
    }
    order = ["name", "last_name", "first_name", "date_of_birth", "gender", "nationality", "id_number",
             "passport_number", "phone", "email", "address", "city", "postcode", "occupation", "employer",
             "emergency_contact", "date"]
    profile = {}
    for k in order:
        if k not in keys or k in omitted:
            continue
        if kstyle == "canonical":
            pk = k
        elif kstyle == "variant":
            pk = rng.choice(KEY_VARIANTS[k])
        elif kstyle == "chinese":
            pk = rng.choice(KEY_ZH[k])
        else:
            pool = [k] + KEY_VARIANTS[k] + (KEY_ZH[k] if (lang == "zh" or form["roman"]) else [])
            pk = rng.choice(pool)
        if pk in profile:
            pk = k
        profile[pk] = raw[k]
    # extras
    ex_pool = EXTRAS_EN if lang == "en" else EXTRAS_ZH
    n_ex = 0
    for k, vals in rng.sample(ex_pool, rng.choice([0, 1, 1, 2])):
        profile[k] = rng.choice(vals)
        n_ex += 1
    if any(f["key"] == "first_name" for f in keyed) and rng.random() < 0.3:
        profile["full_name" if lang == "en" else "全名"] = person["full"]
        n_ex += 1
    form["n_extras"] = n_ex
    form["profile"] = profile
    form["omitted"] = sorted(omitted)
    # values
    for f in form["fields"]:
        k = f["key"]
        have = k and k != "signature" and k not in omitted
        if f["kind"] == "text":
            f["value"] = raw[k] if have else None
        elif f["kind"] == "date":
            d = person["dob"] if k == "date_of_birth" else sig_date
            f["date"] = d if have else None
            f["value"] = d.isoformat() if have else None
        else:
            f["value"] = None
            if have and k == "gender":
                opts = f["opts"]
                want = {"M": ("Male", "M", "男", "男性"), "F": ("Female", "F", "女", "女性")}[person["g"]]
                f["value"] = next(o for o in opts if o in want)
            elif have and k == "nationality":
                f["value"] = person["nat"]
                assert f["value"] in f["opts"]
    return form

# ----------------------------------------------------------------------------------------------
# cosmetics

FAM_WIDTH = {"accordion": (860, 1040), "dotline": (820, 1000), "dotgrid": (880, 1080), "edgecard": (840, 1000),
             "numcol": (780, 900), "iconbox": (820, 980), "leftbar": (860, 1060), "vrule": (760, 880),
             "ladder": (760, 900), "stripes": (840, 1040), "chunky": (860, 1060)}
LABEL_LEFT = {"accordion", "numcol", "leftbar", "vrule", "ladder", "stripes", "dotgrid"}


class Cos(dict):
    __getattr__ = dict.__getitem__


def draw_cos(form, attempt, dealt_font, seed):
    rng = random.Random(f"{seed}/{form['id']}/draw{attempt}")
    lang, fam = form["lang"], form["fam"]
    fonts = EN_FONTS if lang == "en" else ZH_FONTS
    font = dealt_font if attempt == 0 else rng.choice([f for f in fonts if f != dealt_font])
    size = rng.randint(13, 16) if attempt < 3 else rng.randint(13, 14)
    if "Narrow" in font:
        size = max(size, 14)
    pal = GREY if form["grey"] else PALETTE[rng.randrange(len(PALETTE))]
    w0, w1 = FAM_WIDTH[fam]
    width = min(1240, rng.randint(w0 // 10, w1 // 10) * 10 + 40 * attempt)
    C = Cos(
        font=font, size=size, lh=round(size * 1.5), sm=max(12, size - 2), acc=pal[0], tint=pal[1], light=pal[2],
        ink="#1a1a1a" if not form["grey"] else "#202020",
        lcol=rng.choice(["#1a1a1a", "#1a1a1a", "#333333", "#3a3a3a"]),
        colon=(rng.choice([":", ":", ""]) if lang == "en" else rng.choice(["：", "：", "", ":"])),
        lalign=rng.choice(["left", "right"]), header=rng.randrange(3), width=width,
        ih=rng.randint(28, 34), cw=rng.randint(20, 24), datew=rng.randint(15, 21) * 10,
        tailor=rng.random() < 0.55, shortw=rng.randint(17, 24) * 10, gap=rng.randint(10, 16),
        instr=rng.randrange(4), secnum=rng.randrange(3), bold_lbl=rng.random() < 0.35,
        req_col="#c00000" if not form["grey"] else "#333333",
        v=rng.randrange(2), v2=rng.randrange(2), v3=rng.randrange(3),
    )
    C["dw"] = max(38, round(size * 2.9))
    C["yw"] = max(58, round(size * 4.4))
    C["ch"] = C.ih - rng.choice([0, 2, 4])
    C["pairs"] = 2 if (width >= 900 and rng.random() < 0.7) else 1
    C["cols"] = 3 if (width >= 940 and rng.random() < 0.5) else 2
    if attempt >= 2:
        C["pairs"] = 1
        C["cols"] = 2
    C["rng"] = rng
    return C


esc = html.escape


def padded(lang, pstyle):
    return lang == "en" or pstyle == "pph"


def part_value(f, part, lang):
    if f.get("date") is None:
        return ""
    d = f["date"]
    if part == "year":
        return f"{d.year:04d}"
    n = d.day if part == "day" else d.month
    return f"{n:02d}" if padded(lang, f["pstyle"]) else str(n)


PART_OF = {"D": "day", "M": "month", "Y": "year"}


class R:
    """Field-level HTML primitives shared by the families."""

    def __init__(self, form, C):
        self.form, self.C, self.lang = form, C, form["lang"]
        self.en = form["lang"] == "en"

    # labels -----------------------------------------------------------------------------------
    def lbl(self, f, cls=""):
        req = f'<span class="req">*</span>' if f["req"] else ""
        colon = self.C.colon if not f["label"].endswith(("?", "？", ")", "）")) else ""
        return f'<span class="lbl {cls}" data-f="{f["i"]}" data-r="label">{esc(f["label"])}{req}{colon}</span>'

    # text -------------------------------------------------------------------------------------
    def unit_bits(self, f):
        spec = f["spec"]
        pre = post = ""
        if spec.startswith("unit:"):
            post = f'<span class="unit">{esc(spec[5:])}</span>'
        elif spec.startswith("pre:"):
            pre = f'<span class="unit pre">{esc(spec[4:])}</span>'
        return pre, post

    def comb(self, f):
        spec = f["spec"][5:]
        groups = [int(x) for x in spec.split("-")]
        cells = []
        for gi, n in enumerate(groups):
            if gi:
                cells.append('<span class="cg"></span>')
            cells += ['<span class="cc"></span>'] * n
        return f'<div class="comb" data-f="{f["i"]}" data-r="input">{"".join(cells)}</div>'

    def width_style(self, f):
        C = self.C
        spec = f["spec"]
        if spec.startswith("unit:") or spec.startswith("pre:"):
            return f' style="width:{C.shortw}px"' if C.tailor or C.v else ""
        if C.tailor and spec == "short":
            return f' style="width:{C.shortw}px"'
        if spec == "sig":
            return ""
        return ""

    def text_ctrl(self, f, icon=""):
        spec = f["spec"]
        if spec.startswith("comb:"):
            return self.comb(f)
        cls = "inp"
        if spec == "tall":
            cls += " tall"
        if spec == "sig":
            cls += " sig"
        pre, post = self.unit_bits(f)
        ico = f'<span class="ico">{icon}</span>' if icon else ""
        return f'<div class="{cls}" data-f="{f["i"]}" data-r="input"{self.width_style(f)}>{ico}{pre}{post}</div>'

    # dates ------------------------------------------------------------------------------------
    def fmt_print(self, f):
        return f["fmt"].lower() if f.get("lower") else f["fmt"]

    def one_bits(self, f):
        st = f["fstyle"]
        fmt = self.fmt_print(f) if st == "ph" else f["fmt"]
        b = dict(ph="", after="", hint="", right="", under="")
        if st == "ph":
            b["ph"] = f'<span class="ph">{esc(fmt)}</span>'
        elif st == "after":
            b["after"] = f'<span class="fmt">{"(" + esc(fmt) + ")" if self.en else "（" + esc(fmt) + "）"}</span>'
        elif st == "right":
            b["right"] = f'<span class="fmt">{esc(fmt)}</span>'
        elif st == "under":
            t = (self.C.rng.choice(["Format: ", "Use "]) if self.en else self.C.rng.choice(["格式：", "填写格式："])) + fmt
            b["under"] = f'<div class="hint">{esc(t)}</div>'
        elif st == "hint":
            t = (self.C.rng.choice(["Use the format ", "Enter the date as "]) + fmt) if self.en else \
                self.C.rng.choice([f"请按{fmt}格式填写", f"格式：{fmt}"])
            b["hint"] = f'<div class="hint">{esc(t)}</div>'
        return b

    def one_ctrl(self, f, b, icon=""):
        ico = f'<span class="ico">{icon}</span>' if icon else ""
        inp = (f'<div class="inp date" data-f="{f["i"]}" data-r="input" style="width:{self.C.datew}px">'
               f'{ico}{b["ph"]}</div>')
        if b["right"]:
            return f'<div class="drow">{inp}{b["right"]}</div>'
        if b["under"]:
            return f'<div class="dcolm">{inp}{b["under"]}</div>'
        return inp

    def part_box(self, f, p, ph="", ul=False):
        w = "dy" if p == "year" else "dd"
        cls = "dp ul" if ul else "dp"
        inner = f'<span class="ph">{esc(ph)}</span>' if ph else ""
        return f'<span class="{cls} {w}" data-f="{f["i"]}" data-r="part" data-p="{p}">{inner}</span>'

    def parts_ctrl(self, f):
        """returns (ctrl html, after-label html)"""
        lang, st = self.lang, f["pstyle"]
        order = [PART_OF[c] for c in f["order"]]
        lower = f.get("lower")
        phs = {"day": "DD", "month": "MM", "year": "YYYY"}
        if lower:
            phs = {k: v.lower() for k, v in phs.items()}
        if lang == "en":
            caps = {"day": "Day", "month": "Month", "year": "Year"} if f.get("capwords") else \
                {"day": "DD", "month": "MM", "year": "YYYY"}
        else:
            caps = {"day": "日", "month": "月", "year": "年"}
        units = {"day": "日", "month": "月", "year": "年"}
        sep = f'<span class="dsep">{esc(f["sep"])}</span>'
        after = ""
        if st == "pph":
            ctrl = sep.join(self.part_box(f, p, phs[p]) for p in order)
        elif st == "capabove":
            ctrl = "".join(f'<span class="dcol"><span class="cap">{caps[p]}</span>{self.part_box(f, p)}</span>'
                           for p in order)
        elif st == "capbelow":
            ctrl = "".join(f'<span class="dcol">{self.part_box(f, p)}<span class="cap">{caps[p]}</span></span>'
                           for p in order)
        elif st == "dmyinline":
            words = {"day": "Day", "month": "Month", "year": "Year"}
            ctrl = "".join(f'<span class="dcap">{words[p]}</span>{self.part_box(f, p)}' for p in order)
        elif st == "ulseg":
            ctrl = '<span class="dsep">/</span>'.join(self.part_box(f, p, ul=True) for p in order)
            o = "/".join(phs[p] for p in order)
            after = f'<span class="fmt">({esc(o)})</span>'
        elif st == "zhunit":
            ctrl = "".join(f'{self.part_box(f, p)}<span class="dunit">{units[p]}</span>' for p in order)
        elif st == "zhline":
            ctrl = "".join(f'{self.part_box(f, p, ul=True)}<span class="dunit">{units[p]}</span>' for p in order)
        else:
            raise ValueError(st)
        return f'<span class="dparts {st}">{ctrl}</span>', after

    # options ----------------------------------------------------------------------------------
    def opts(self, f):
        st, i = f["ostyle"], f["i"]
        out = []
        for k, t in enumerate(f["opts"]):
            ot = f'<span class="ot" data-f="{i}" data-r="otext" data-o="{k}">{esc(t)}</span>'
            if st in ("csq", "cci"):
                out.append(f'<span class="opt"><span class="ob {"sq" if st == "csq" else "ci"}" data-f="{i}" '
                           f'data-r="obox" data-o="{k}"></span>{ot}</span>')
            elif st in ("ncb", "nrd"):
                typ = "checkbox" if st == "ncb" else "radio"
                out.append(f'<span class="opt"><input type="{typ}" class="nb" name="g{i}" data-f="{i}" '
                           f'data-r="obox" data-o="{k}">{ot}</span>')
            else:
                out.append(f'<span class="opt g"><span class="bl"></span><span class="og" data-f="{i}" '
                           f'data-r="oglyph" data-o="{k}">{GLYPH[st]}</span>{ot}</span>')
        return f'<div class="opts {f["arr"]}">{"".join(out)}</div>'

    # a whole pair -----------------------------------------------------------------------------
    def pair(self, f, icon=""):
        after = hint = ""
        if f["kind"] == "text":
            ctrl = self.text_ctrl(f, icon)
        elif f["kind"] == "date" and f["mode"] == "one":
            b = self.one_bits(f)
            ctrl = self.one_ctrl(f, b, icon)
            after, hint = b["after"], b["hint"]
        elif f["kind"] == "date":
            ctrl, after = self.parts_ctrl(f)
        else:
            ctrl = self.opts(f)
        return dict(label=self.lbl(f), after=after, hint=hint, ctrl=ctrl)

    def cell(self, f):
        """For families whose cell / row segment is the input: (is_input, inner, after, hint)."""
        if f["kind"] == "text":
            if f["spec"].startswith("comb:"):
                return False, self.comb(f), "", ""
            pre, post = self.unit_bits(f)
            return True, pre + post, "", ""
        if f["kind"] == "date" and f["mode"] == "one":
            b = self.one_bits(f)
            return True, b["ph"], b["after"], b["hint"]
        if f["kind"] == "date":
            c, a = self.parts_ctrl(f)
            return False, c, a, ""
        return False, self.opts(f), "", ""


def is_wide(f, lang):
    if f["full"] or f["spec"] in ("tall",) or f["key"] in ("address", "emergency_contact"):
        return True
    if f["spec"].startswith("comb:") and sum(int(x) for x in f["spec"][5:].split("-")) >= 11:
        return True
    if f["kind"] == "checkbox":
        chars = sum(len(o) for o in f["opts"]) * (2 if lang == "zh" else 1)
        if f["arr"] != "row" or chars > 26 or len(f["opts"]) >= 4:
            return True
    if f["kind"] == "date" and f["mode"] == "parts" and f["pstyle"] in ("dmyinline",):
        return True
    n = len(f["label"]) * (2 if lang == "zh" else 1)
    return n > 30

# ----------------------------------------------------------------------------------------------
# page assembly and families

ICONS = {"name": "☺", "first_name": "☺", "last_name": "☺", "id_number": "#", "passport_number": "✈",
         "phone": "☎", "email": "@", "address": "⌂", "city": "⚑", "postcode": "✉", "nationality": "⚐",
         "occupation": "✎", "employer": "▤", "emergency_contact": "✚", "signature": "✍"}

SEC_TITLES = {
    "en": [["About you", "Applicant details", "Personal details", "Your details"],
           ["Contact details", "How we can contact you", "Address and contact"],
           ["Employment", "Work details", "Your employment"],
           ["Details of your request", "Request details", "Application details", "Further details"],
           ["Declaration", "Declaration and signature", "Sign the form"]],
    "zh": [["申请人信息", "基本信息", "个人信息"], ["联系方式", "联系信息", "通讯信息"], ["工作信息", "就业信息"],
           ["申请事项", "业务信息", "申请内容", "详细信息"], ["声明", "申请人声明", "承诺与签名"]],
}
ZH_NUM = "一二三四五六七八九"
INSTR = {
    "en": ["Please complete this form in BLOCK CAPITALS using black ink.",
           "Complete every section and tick ☐ the boxes that apply.",
           "Fields marked * must be completed.",
           "Please read the guidance notes before you fill in this form."],
    "zh": ["请用黑色钢笔或签字笔填写，字迹清楚、工整。", "请如实填写以下信息，并在相应的□内打“√”。",
           "带*号的项目为必填项。", "填表前请仔细阅读填表说明。"],
}
DECL = {
    "en": ["I declare that the information I have given on this form is correct and complete to the best of my knowledge.",
           "I confirm that the details above are true. I understand that giving false information may lead to my "
           "application being refused."],
    "zh": ["本人承诺以上所填信息真实、准确、完整，如有虚假愿承担相应责任。", "本人已阅读并同意相关须知，保证所提供的资料真实有效。"],
}


def sections_of(form, C):
    lang = form["lang"]
    rng = random.Random(f"{form['id']}/titles")
    out = []
    n = 0
    for s in range(5):
        fs = [f for f in form["fields"] if f["sec"] == s]
        if not fs:
            continue
        n += 1
        t = rng.choice(SEC_TITLES[lang][s])
        if s == 3 and form["theme"].get("parent"):
            t = "About the child and the account" if lang == "en" else "儿童及账户信息"
        out.append(dict(num=n, title=t, fields=fs,
                        pre=(f'<p class="decl">{esc(rng.choice(DECL[lang]))}</p>' if s == 4 else "")))
    return out


def sec_title(form, C, s):
    if C.secnum == 0:
        return f"{s['num']}. {s['title']}" if form["lang"] == "en" else f"{ZH_NUM[s['num'] - 1]}、{s['title']}"
    if C.secnum == 1:
        return f"Section {s['num']}: {s['title']}" if form["lang"] == "en" else f"第{ZH_NUM[s['num'] - 1]}部分 {s['title']}"
    return s["title"]


def base_css(form, C):
    bold = "font-weight:bold;" if C.bold_lbl else ""
    ph = C.ih - 2
    return f"""
html,body{{margin:0;padding:0;background:#fff}}
body{{font-family:{C.font};font-size:{C.size}px;line-height:{C.lh}px;color:{C.ink}}}
.page{{box-sizing:border-box;width:{C.width}px;padding:26px 36px 28px}}
.lbl{{white-space:nowrap;color:{C.lcol};{bold}}}
.req{{color:{C.req_col};margin-left:1px}}
.fmt{{color:#5f5f5f;font-size:{C.sm}px;white-space:nowrap;margin-left:6px;font-weight:normal}}
.hint{{color:#5f5f5f;font-size:{C.sm}px;line-height:{C.sm + 4}px;white-space:nowrap;margin-top:3px;font-weight:normal}}
.ph{{color:#9a9a9a;white-space:nowrap}}
.inp{{box-sizing:border-box;height:{C.ih}px;display:flex;align-items:center;padding:0 8px;min-width:0}}
.inp.tall{{height:{C.ih * 2 + 16}px}}
.inp .unit{{margin-left:auto;color:#555;padding-left:8px;white-space:nowrap}}
.inp .unit.pre{{margin-left:0;margin-right:6px;padding-left:0}}
.drow{{display:flex;align-items:center;gap:8px}}
.drow .fmt{{margin-left:0}}
.dcolm{{display:flex;flex-direction:column;align-items:flex-start}}
.opts{{display:flex;align-items:center;column-gap:20px;row-gap:6px}}
.opts.stack{{flex-direction:column;align-items:flex-start}}
.opts.grid{{display:grid;grid-template-columns:repeat(2,max-content);column-gap:30px;row-gap:6px}}
.opt{{display:inline-flex;align-items:center;white-space:nowrap}}
.opt.g{{display:inline-block}}
.ob{{box-sizing:border-box;display:inline-block;flex:none;width:14px;height:14px;margin-right:7px;border:1.5px solid #333;background:#fff}}
.ob.ci{{border-radius:50%}}
input.nb{{margin:0 7px 0 0;width:14px;height:14px;flex:none}}
.og{{margin-right:5px;font-size:1.15em}}
.bl{{display:inline-block;width:0;height:0;vertical-align:baseline}}
.dparts{{display:inline-flex;align-items:center;white-space:nowrap}}
.dparts.capabove{{align-items:flex-end}}
.dparts.capbelow{{align-items:flex-start}}
.dp{{box-sizing:border-box;display:inline-flex;align-items:center;justify-content:center;height:{ph}px;flex:none}}
.dp.dd{{width:{C.dw}px}}
.dp.dy{{width:{C.yw}px}}
.dp.ul{{border:none;border-radius:0;background:none;border-bottom:1.5px solid #222;height:{ph - 4}px}}
.dsep{{margin:0 6px;color:#444}}
.dunit{{margin:0 10px 0 5px}}
.dcol{{display:inline-flex;flex-direction:column;align-items:center;margin-right:12px}}
.cap{{font-size:12px;line-height:15px;color:#555}}
.dcol .cap:first-child{{margin-bottom:2px}}
.dcol .cap:last-child{{margin-top:2px}}
.dcap{{margin:0 6px 0 12px;color:#333}}
.dcap:first-child{{margin-left:0}}
.comb{{display:flex;width:max-content;flex:none;max-width:100%}}
.cc{{box-sizing:border-box;width:{C.cw}px;height:{C.ch}px;border:1px solid #555;margin-left:-1px;background:#fff;flex:none}}
.cc:first-child,.cg+.cc{{margin-left:0}}
.cg{{width:8px;flex:none}}
.cx{{display:flex;flex-direction:column;justify-content:center;align-items:stretch;min-width:0}}
.hdr{{margin:0 0 10px}}
.hdr h1{{font-size:{C.size + 6}px;line-height:{C.size + 12}px;margin:2px 0}}
.hdr .iss{{font-size:{C.sm}px;color:#555;letter-spacing:.03em}}
.hdr .code{{font-size:12px;color:#555;white-space:nowrap}}
.hdr.c{{text-align:center}}
.hdr.b{{display:flex;justify-content:space-between;align-items:flex-end;border-bottom:2px solid {C.acc};padding-bottom:8px}}
.hdr.b .code{{border:1.5px solid #444;padding:3px 10px;font-size:13px;color:#222}}
.hdr.r{{border-top:4px solid {C.acc};border-bottom:1px solid #777;padding:6px 0 6px}}
.hdr.r .tr{{display:flex;justify-content:space-between;align-items:baseline;gap:20px}}
.instr{{font-size:{C.sm}px;color:#444;margin:6px 0 16px}}
.decl{{margin:0 0 12px;font-size:{C.sm}px;line-height:{C.sm + 6}px;color:#333;max-width:760px}}
.foot{{display:flex;justify-content:space-between;border-top:1px solid #999;margin-top:24px;padding-top:6px;font-size:12px;line-height:16px;color:#666}}
"""


def header_html(form, C):
    th = form["theme"]
    lang = form["lang"]
    code = th["code"] + (f" ({th.get('ed', '2025')})" if C.v else "")
    code_t = (f"Form {code}" if lang == "en" else f"表号：{code}")
    if C.header == 0:
        return (f'<div class="hdr c"><div class="iss">{esc(th["issuer"])}</div><h1>{esc(th["title"])}</h1>'
                f'<div class="code">{esc(code_t)}</div></div>')
    if C.header == 1:
        return (f'<div class="hdr b"><div><div class="iss">{esc(th["issuer"])}</div><h1>{esc(th["title"])}</h1></div>'
                f'<div class="code">{esc(code)}</div></div>')
    return (f'<div class="hdr r"><div class="iss">{esc(th["issuer"])}</div><div class="tr"><h1>{esc(th["title"])}</h1>'
            f'<span class="code">{esc(code_t)}</span></div></div>')


def footer_html(form, C):
    th = form["theme"]
    pg = "Page 1 of 1" if form["lang"] == "en" else "第 1 页 共 1 页"
    return f'<div class="foot"><span>{esc(th["code"])} · {esc(th["issuer"])}</span><span>{pg}</span></div>'


def pack(fields, pairs, lang):
    rows, cur = [], []
    for f in fields:
        if pairs == 1 or is_wide(f, lang):
            if cur:
                rows.append(cur)
                cur = []
            rows.append([f])
        else:
            cur.append(f)
            if len(cur) == 2:
                rows.append(cur)
                cur = []
    if cur:
        rows.append(cur)
    return rows


def top_aligned(f):
    return f["spec"] == "tall" or (f["kind"] == "checkbox" and f["arr"] != "row")


def grid_left(r, fields, C, pairs, align, rowgap, colgap, icons=False):
    cols = " ".join(["max-content minmax(0,1fr)"] * pairs)
    out = [f'<div class="gl" style="display:grid;grid-template-columns:{cols};column-gap:{colgap}px;'
           f'row-gap:{rowgap}px;align-items:center">']
    for row in pack(fields, pairs, r.lang):
        for f in row:
            p = r.pair(f)
            span = "grid-column:2 / -1;" if (len(row) == 1 and pairs == 2) else ""
            ta = "end" if align == "right" else "start"
            top = ""
            if top_aligned(f):
                top = f"align-self:start;padding-top:{max(0, (C.ih - C.lh) // 2) if f['spec'] == 'tall' else 0}px;"
            out.append(f'<div class="lc" style="justify-self:{ta};text-align:{align};{top}">'
                       f'<div class="lrow">{p["label"]}{p["after"]}</div>{p["hint"]}</div>')
            out.append(f'<div class="cx" style="{span}">{p["ctrl"]}</div>')
    out.append("</div>")
    return "".join(out)


def grid_above(r, fields, C, ncols, item_cls, rowgap, colgap, icons=False):
    out = [f'<div class="ga" style="display:grid;grid-template-columns:repeat({ncols},minmax(0,1fr));'
           f'column-gap:{colgap}px;row-gap:{rowgap}px;align-items:start">']
    spans = []
    for f in fields:
        span = ncols if is_wide(f, r.lang) else 1
        if span == 1 and ncols == 3 and f["kind"] == "date" and f["mode"] == "parts":
            span = 2 if f["pstyle"] in ("capabove", "capbelow", "zhunit", "zhline") else 1
        spans.append(span)
    pos = 0
    for k, sp in enumerate(spans):  # a row left part-filled: its last item takes the rest of the row
        if pos + sp > ncols and k:
            spans[k - 1] += ncols - pos
            pos = 0
        pos = (pos + sp) % ncols
    if pos and spans:
        spans[-1] += ncols - pos
    for f, span in zip(fields, spans):
        ic = ""
        if icons:
            if f["kind"] == "text" and not f["spec"].startswith("comb:"):
                ic = ICONS.get(f["key"] or "", "")
            elif f["kind"] == "date":
                ic = "▦"
        p = r.pair(f, icon=ic)
        out.append(f'<div class="{item_cls}" style="grid-column:span {span}"><div class="lr">{p["label"]}{p["after"]}</div>'
                   f'{p["hint"]}<div class="cx">{p["ctrl"]}</div></div>')
    out.append("</div>")
    return "".join(out)


# -- the eleven families -------------------------------------------------------------------------

def fam_accordion(form, r, C, secs):
    css = f"""
.acc{{border:1px solid #b5b5b5;border-radius:6px;margin:0 0 16px}}
.acch{{display:flex;align-items:center;gap:12px;background:{C.tint};padding:7px 14px;border-bottom:1px solid #b5b5b5;border-radius:6px 6px 0 0}}
.chev{{box-sizing:border-box;width:10px;height:10px;border-right:2px solid {C.acc};border-bottom:2px solid {C.acc};transform:rotate(45deg);margin:-5px 4px 0 2px;flex:none}}
.acct{{font-weight:bold;color:{C.acc}}}
.accn{{margin-left:auto;font-size:12px;line-height:16px;color:#555;border:1px solid #aaa;border-radius:9px;padding:1px 9px;background:#fff;white-space:nowrap}}
.accb{{padding:14px 18px 16px}}
.inp,.dp{{border:1px solid #8a8a8a;border-radius:4px;background:#fff}}
"""
    parts = []
    for s in secs:
        n = len(s["fields"])
        badge = (f"{n} questions" if C.v else "Required") if r.en else (f"共{n}项" if C.v else "必填")
        parts.append(f'<div class="acc"><div class="acch"><span class="chev"></span><span class="acct">'
                     f'{esc(sec_title(form, C, s))}</span><span class="accn">{badge}</span></div><div class="accb">'
                     f'{s["pre"]}{grid_left(r, s["fields"], C, C.pairs, C.lalign, C.gap, 16)}</div></div>')
    return css, "".join(parts)


def fam_dotline(form, r, C, secs):
    ls = ".05em" if r.en else ".12em"
    css = f"""
.dst{{font-variant:small-caps;letter-spacing:.08em;font-weight:bold;border-top:1px solid #555;padding-top:6px;margin:22px 0 12px;color:{C.acc}}}
.it .lr .lbl{{font-variant:small-caps;letter-spacing:{ls};font-size:{max(12, round(C.size * 0.9))}px;color:#333}}
.it .lr{{margin-bottom:2px}}
.inp{{border-bottom:1px dotted #6f6f6f;padding:0 2px;height:{C.ih - 2}px}}
.dp{{border-bottom:1px dotted #6f6f6f}}
.dp.ul{{border-bottom:1px dotted #6f6f6f}}
.it .cx .opts{{min-height:{C.ih - 4}px}}
"""
    parts = []
    for s in secs:
        parts.append(f'<div class="dst">{esc(sec_title(form, C, s))}</div>{s["pre"]}'
                     f'{grid_above(r, s["fields"], C, C.cols, "it", C.gap + 4, 30)}')
    return css, "".join(parts)


def fam_dotgrid(form, r, C, secs):
    pairs = 2 if C.width >= 900 and C.pairs == 2 else 1
    css = f"""
.dgt{{font-weight:bold;margin:20px 0 6px;font-size:1.05em}}
.dg{{display:grid;grid-template-columns:{" ".join(["max-content minmax(0,1fr)"] * pairs)};border:3px double #333}}
.dl,.dx{{box-sizing:border-box;border-right:1px dotted #8a8a8a;border-bottom:1px dotted #8a8a8a;min-width:0}}
.dl{{padding:6px 12px;display:flex;flex-direction:column;justify-content:center;align-items:flex-start;{"background:" + C.light + ";" if C.v else ""}}}
.dx{{min-height:{C.ih + 10}px;padding:6px 12px;display:flex;flex-direction:column;justify-content:center;align-items:flex-start}}
.dx.in{{flex-direction:row;align-items:center;justify-content:flex-start}}
.dx.in .unit{{margin-left:auto;color:#555;white-space:nowrap}}
.dx.in .unit.pre{{margin-left:0;margin-right:6px}}
.dx.tall{{min-height:{C.ih * 2 + 20}px}}
.dx.e{{border-right:none}}
.z{{border-bottom:none}}
.dp{{border:1px solid #8a8a8a;background:#fff}}
"""
    parts = []
    for s in secs:
        rows = pack(s["fields"], pairs, r.lang)
        cells = []
        for ri, row in enumerate(rows):
            last = " z" if ri == len(rows) - 1 else ""
            for j, f in enumerate(row):
                isin, inner, after, hint = r.cell(f)
                span = ' style="grid-column:2 / -1"' if (len(row) == 1 and pairs == 2) else ""
                end = " e" if (j == len(row) - 1) else ""
                cells.append(f'<div class="dl{last}"><div>{r.lbl(f)}{after}</div>{hint}</div>')
                cl = "dx" + (" in" if isin else "") + (" tall" if f["spec"] == "tall" else "") + end + last
                attr = f' data-f="{f["i"]}" data-r="input"' if isin else ""
                cells.append(f'<div class="{cl}"{attr}{span}>{inner}</div>')
        parts.append(f'<div class="dgt">{esc(sec_title(form, C, s))}</div>{s["pre"]}'
                     f'<div class="dg snap">{"".join(cells)}</div>')
    return css, "".join(parts)


def fam_edgecard(form, r, C, secs):
    up = "text-transform:uppercase;" if r.en else ""
    css = f"""
.est{{font-size:{C.sm}px;{up}letter-spacing:.08em;color:{C.acc};font-weight:bold;border-bottom:1px solid #c8c8c8;padding-bottom:4px;margin:22px 0 12px}}
.ec{{background:{C.light};border-left:4px solid {C.acc};padding:8px 12px 10px;min-width:0}}
.ec .lr{{margin-bottom:6px}}
.inp,.dp{{border:3px double #555;background:#fff}}
.inp{{height:{C.ih + 2}px}}
"""
    parts = []
    for s in secs:
        parts.append(f'<div class="est">{esc(sec_title(form, C, s))}</div>{s["pre"]}'
                     f'{grid_above(r, s["fields"], C, C.cols, "ec", 12, 12)}')
    return css, "".join(parts)


def fam_numcol(form, r, C, secs):
    css = f"""
.ng{{display:grid;grid-template-columns:58px max-content minmax(0,1fr);align-items:stretch}}
.nc{{box-sizing:border-box;border-right:1px solid #9a9a9a;padding:8px 12px 8px 0;display:flex;align-items:center;justify-content:flex-end;color:#666;font-size:{C.sm}px;font-family:'DejaVu Sans Mono',monospace;white-space:nowrap}}
.nc.big{{font-size:22px;font-weight:bold;color:{C.acc};font-family:inherit;padding-top:18px}}
.nc.top{{align-items:flex-start}}
.sh{{grid-column:2 / -1;font-weight:bold;font-size:1.1em;padding:18px 14px 6px;color:{C.acc};border-bottom:1px solid #ccc;margin-bottom:4px}}
.lc{{padding:8px 14px;display:flex;flex-direction:column;justify-content:center;align-items:{"flex-end" if C.lalign == "right" else "flex-start"}}}
.lc.top{{justify-content:flex-start}}
.nx{{padding:8px 0;display:flex;flex-direction:column;justify-content:center;align-items:stretch;min-width:0}}
.inp,.dp{{border-bottom:1px solid #222;background:linear-gradient(#222,#222) left bottom/1px 8px no-repeat,linear-gradient(#222,#222) right bottom/1px 8px no-repeat}}
.pr{{grid-column:2 / -1;padding:6px 14px 0}}
"""
    cells = []
    for s in secs:
        cells.append(f'<div class="nc big">{s["num"]}</div><div class="sh">{esc(s["title"])}</div>')
        if s["pre"]:
            cells.append(f'<div class="nc"></div><div class="pr">{s["pre"]}</div>')
        for k, f in enumerate(s["fields"]):
            p = r.pair(f)
            top = " top" if top_aligned(f) else ""
            cells.append(f'<div class="nc{top}">{s["num"]}.{k + 1}</div>'
                         f'<div class="lc{top}"><div>{p["label"]}{p["after"]}</div>{p["hint"]}</div>'
                         f'<div class="nx">{p["ctrl"]}</div>')
    return css, f'<div class="ng">{"".join(cells)}</div>'


def fam_iconbox(form, r, C, secs):
    css = f"""
.ist{{display:flex;align-items:center;gap:10px;font-weight:bold;font-size:1.1em;margin:22px 0 12px}}
.ist .sico{{width:26px;height:26px;border-radius:50%;background:{C.acc};color:#fff;display:flex;align-items:center;justify-content:center;font-size:13px;line-height:13px;flex:none}}
.it .lr{{margin-bottom:5px}}
.it .lr .lbl{{font-size:.94em}}
.inp,.dp{{border:1px solid #8f99a4;border-radius:8px;background:#fff}}
.inp{{height:{C.ih + 4}px;padding:0 10px 0 10px}}
.inp .ico{{flex:none;align-self:stretch;width:32px;display:flex;align-items:center;justify-content:center;border-right:1px solid #d0d6dd;margin:0 10px 0 -10px;color:#75808c;font-family:'DejaVu Sans',sans-serif;background:#f3f5f7;border-radius:8px 0 0 8px}}
.inp .unit{{align-self:stretch;display:flex;align-items:center;border-left:1px solid #d0d6dd;background:#f3f5f7;padding:0 10px;margin-right:-10px;border-radius:0 8px 8px 0}}
.inp .unit.pre{{margin:0 10px 0 -10px;border-left:none;border-right:1px solid #d0d6dd;border-radius:8px 0 0 8px}}
"""
    sico = ["☺", "☎", "✎", "★", "✔", "✍"]
    parts = []
    for k, s in enumerate(secs):
        parts.append(f'<div class="ist"><span class="sico">{s["num"] if C.v else sico[min(k, 5)]}</span>'
                     f'<span>{esc(s["title"])}</span></div>{s["pre"]}'
                     f'{grid_above(r, s["fields"], C, C.cols, "it", C.gap + 2, 22, icons=True)}')
    return css, "".join(parts)


def fam_leftbar(form, r, C, secs):
    css = f"""
.st{{display:flex;align-items:center;gap:12px;font-weight:bold;font-size:1.1em;margin:24px 0 12px}}
.st .sl{{width:28px;height:3px;background:{C.acc};flex:none}}
.inp,.dp{{background:{C.tint};border-left:3px solid {C.acc}}}
.inp{{padding-left:10px}}
"""
    parts = []
    for s in secs:
        parts.append(f'<div class="st"><span class="sl"></span><span>{esc(sec_title(form, C, s))}</span></div>{s["pre"]}'
                     f'{grid_left(r, s["fields"], C, C.pairs, C.lalign, C.gap, 18)}')
    return css, "".join(parts)


def fam_vrule(form, r, C, secs):
    al = "flex-end" if C.lalign == "right" else "flex-start"
    css = f"""
.vg{{display:grid;grid-template-columns:max-content minmax(0,1fr)}}
.vl{{padding:7px 18px 7px 0;display:flex;flex-direction:column;justify-content:center;align-items:{al};text-align:{C.lalign}}}
.vl.top{{justify-content:flex-start}}
.vx{{border-left:2px solid {C.acc};padding:7px 0 7px 18px;display:flex;flex-direction:column;justify-content:center;align-items:stretch;min-width:0}}
.vt{{font-weight:bold;color:{C.acc};font-size:1.08em;padding-top:18px;white-space:nowrap}}
.inp,.dp{{background:{"#eef0f2" if not form["grey"] else "#ededed"}}}
.dp.ul{{background:none}}
"""
    cells = []
    for s in secs:
        cells.append(f'<div class="vl vt">{esc(sec_title(form, C, s))}</div><div class="vx"></div>')
        if s["pre"]:
            cells.append(f'<div class="vl"></div><div class="vx">{s["pre"]}</div>')
        for f in s["fields"]:
            p = r.pair(f)
            top = " top" if top_aligned(f) else ""
            cells.append(f'<div class="vl{top}"><div>{p["label"]}{p["after"]}</div>{p["hint"]}</div>'
                         f'<div class="vx">{p["ctrl"]}</div>')
    return css, f'<div class="vg">{"".join(cells)}</div>'


def fam_ladder(form, r, C, secs):
    al = "flex-end" if C.lalign == "right" else "flex-start"
    css = f"""
.ldt{{font-weight:bold;font-size:1.06em;margin:22px 0 8px;color:{C.acc}}}
.ld{{display:grid;grid-template-columns:max-content minmax(0,1fr);column-gap:14px}}
.ll{{display:flex;flex-direction:column;justify-content:center;align-items:{al};text-align:{C.lalign};padding:4px 0}}
.lx{{box-sizing:border-box;border-left:2px solid #333;border-right:2px solid #333;border-bottom:1px solid #7a7a7a;min-height:{C.ih + 10}px;padding:5px 12px;display:flex;flex-direction:column;justify-content:center;align-items:flex-start;min-width:0}}
.lx.in{{flex-direction:row;align-items:center;justify-content:flex-start}}
.lx.in .unit{{margin-left:auto;color:#555;white-space:nowrap}}
.lx.in .unit.pre{{margin-left:0;margin-right:6px}}
.lx.tall{{min-height:{C.ih * 2 + 20}px}}
.lx.f{{border-top:2px solid #333}}
.lx.z{{border-bottom:2px solid #333}}
.dp{{border:1px solid #8a8a8a;background:#fff}}
"""
    one = C.v == 1
    parts = []
    cells = []
    for s in secs:
        if not one:
            cells = []
        n = len(s["fields"])
        if one:
            cells.append(f'<div class="ldt" style="grid-column:1 / -1">{esc(sec_title(form, C, s))}</div>')
            if s["pre"]:
                cells.append(f'<div style="grid-column:1 / -1">{s["pre"]}</div>')
        for k, f in enumerate(s["fields"]):
            isin, inner, after, hint = r.cell(f)
            cl = "lx" + (" in" if isin else "") + (" tall" if f["spec"] == "tall" else "") + \
                (" f" if k == 0 else "") + (" z" if k == n - 1 else "")
            attr = f' data-f="{f["i"]}" data-r="input"' if isin else ""
            cells.append(f'<div class="ll"><div>{r.lbl(f)}{after}</div>{hint}</div><div class="{cl}"{attr}>{inner}</div>')
        if not one:
            parts.append(f'<div class="ldt">{esc(sec_title(form, C, s))}</div>{s["pre"]}'
                         f'<div class="ld snap">{"".join(cells)}</div>')
    if one:
        parts.append(f'<div class="ld snap">{"".join(cells)}</div>')
    return css, "".join(parts)


def mix(col, t):
    """col mixed with white: t = share of the colour."""
    r, g, b = (int(col[k:k + 2], 16) for k in (1, 3, 5))
    return "#%02x%02x%02x" % tuple(round(255 - (255 - v) * t) for v in (r, g, b))


def fam_stripes(form, r, C, secs):
    pairs = 2 if C.width >= 900 and C.pairs == 2 else 1
    if form["grey"]:
        ta, tb = ("#d4d4d4", "#ebebeb"), ("#dedede", "#f2f2f2")
    else:
        ta = (mix(C.acc, 0.24), mix(C.acc, 0.09))
        tb = (["#e2d8c4", "#dfe3d0", "#e6dccf"][C.v3], ["#f4efe5", "#f1f3ea", "#f6f0e8"][C.v3])
    al = "flex-end" if C.lalign == "right" else "flex-start"
    css = f"""
.stt{{font-weight:bold;font-size:1.08em;color:{C.acc};margin:22px 0 8px;letter-spacing:.02em}}
.sg{{display:grid;grid-template-columns:{" ".join(["max-content minmax(0,1fr)"] * pairs)}}}
.sl{{box-sizing:border-box;padding:6px 16px;display:flex;flex-direction:column;justify-content:center;align-items:{al};text-align:{C.lalign};background:{ta[0]}}}
.sx{{box-sizing:border-box;min-height:{C.ih + 12}px;padding:6px 14px;display:flex;flex-direction:column;justify-content:center;align-items:flex-start;background:{ta[1]};min-width:0}}
.sl.b{{background:{tb[0]}}}
.sx.b{{background:{tb[1]}}}
.sx.in{{flex-direction:row;align-items:center;justify-content:flex-start}}
.sx.in .unit{{margin-left:auto;color:#555;white-space:nowrap}}
.sx.in .unit.pre{{margin-left:0;margin-right:6px}}
.sx.tall{{min-height:{C.ih * 2 + 22}px}}
.dp{{background:#fff;border:1px solid #c4c4c4}}
.dp.ul{{border-bottom:1.5px solid #333}}
"""
    parts = []
    for s in secs:
        rows = pack(s["fields"], pairs, r.lang)
        cells = []
        for ri, row in enumerate(rows):
            b = " b" if ri % 2 else ""
            for f in row:
                isin, inner, after, hint = r.cell(f)
                span = ' style="grid-column:2 / -1"' if (len(row) == 1 and pairs == 2) else ""
                cells.append(f'<div class="sl{b}"><div>{r.lbl(f)}{after}</div>{hint}</div>')
                cl = "sx" + (" in" if isin else "") + (" tall" if f["spec"] == "tall" else "") + b
                attr = f' data-f="{f["i"]}" data-r="input"' if isin else ""
                cells.append(f'<div class="{cl}"{attr}{span}>{inner}</div>')
        parts.append(f'<div class="stt">{esc(sec_title(form, C, s))}</div>{s["pre"]}'
                     f'<div class="sg snap">{"".join(cells)}</div>')
    return css, "".join(parts)


def fam_chunky(form, r, C, secs):
    ink = "#222" if not form["grey"] else "#333"
    bw = 3 if C.v else 2
    css = f"""
.cp{{border:3px solid {ink};border-radius:12px;padding:12px 18px 18px;margin:0 0 16px}}
.cpt{{font-weight:bold;font-size:1.1em;margin:0 0 10px;color:{C.acc}}}
.it .lr{{margin-bottom:5px}}
.it .lr .lbl{{font-weight:bold}}
.inp,.dp{{border:{bw}px solid {ink};border-radius:9px;background:#fff}}
.inp{{height:{C.ih + 4}px}}
.dp.ul{{border-bottom:{bw}px solid {ink}}}
.ob{{border:2px solid {ink};width:17px;height:17px}}
.ob.sq{{border-radius:4px}}
.cc{{border:2px solid {ink};margin-left:-2px}}
"""
    parts = []
    for s in secs:
        parts.append(f'<div class="cp"><div class="cpt">{esc(sec_title(form, C, s))}</div>{s["pre"]}'
                     f'{grid_above(r, s["fields"], C, C.cols, "it", C.gap + 2, 18)}</div>')
    return css, "".join(parts)


FAM_FN = {"accordion": fam_accordion, "dotline": fam_dotline, "dotgrid": fam_dotgrid, "edgecard": fam_edgecard,
          "numcol": fam_numcol, "iconbox": fam_iconbox, "leftbar": fam_leftbar, "vrule": fam_vrule,
          "ladder": fam_ladder, "stripes": fam_stripes, "chunky": fam_chunky}


def page_html(form, C):
    r = R(form, C)
    secs = sections_of(form, C)
    css_f, body = FAM_FN[form["fam"]](form, r, C, secs)
    instr = INSTR[form["lang"]][C.instr]
    title = esc(form["theme"]["title"])
    return (f'<!DOCTYPE html>\n<html lang="{"en" if form["lang"] == "en" else "zh-CN"}"><head><meta charset="utf-8">'
            f'<title>{title}</title><style>{base_css(form, C)}{css_f}</style></head><body><div class="page">'
            f'{header_html(form, C)}<div class="instr">{esc(instr)}</div>{body}{footer_html(form, C)}</div></body></html>')

# ----------------------------------------------------------------------------------------------
# extraction

JS_PREPARE = r"""
(() => {
  for (const g of document.querySelectorAll('.snap')) {
    const cs = getComputedStyle(g);
    const rows = cs.gridTemplateRows.split(' ').filter(Boolean).map(v => Math.ceil(parseFloat(v) - 0.01));
    g.style.gridTemplateRows = rows.map(v => v + 'px').join(' ');
    const t = g.getBoundingClientRect().top;
    const d = Math.ceil(t - 0.001) - t;
    if (d > 0.001) g.style.marginTop = (parseFloat(cs.marginTop) + d) + 'px';
  }
  return true;
})()
"""

JS_EXTRACT = r"""
(() => {
  const R = r => [Math.floor(r.left + 0.001), Math.floor(r.top + 0.001), Math.ceil(r.right - 0.001), Math.ceil(r.bottom - 0.001)];
  const rr = el => { const g = document.createRange(); g.selectNodeContents(el); return g.getBoundingClientRect(); };
  const cv = document.createElement('canvas').getContext('2d');
  const out = {L: {}, I: {}, P: {}, OB: {}, OT: {}, OG: {}, ov: [], bad: []};
  for (const el of document.querySelectorAll('[data-r]')) {
    const f = el.dataset.f, r = el.dataset.r;
    if (r === 'label') out.L[f] = {box: R(rr(el)), text: el.textContent};
    else if (r === 'input') out.I[f] = R(el.getBoundingClientRect());
    else if (r === 'part') (out.P[f] = out.P[f] || []).push([el.dataset.p, R(el.getBoundingClientRect())]);
    else if (r === 'obox') (out.OB[f] = out.OB[f] || {})[el.dataset.o] = R(el.getBoundingClientRect());
    else if (r === 'otext') (out.OT[f] = out.OT[f] || {})[el.dataset.o] = {box: R(rr(el)), text: el.textContent};
    else if (r === 'oglyph') {
      const cs = getComputedStyle(el);
      cv.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      const m = cv.measureText(el.textContent);
      const x0 = rr(el).left;
      const mk = el.previousElementSibling;
      if (!mk || !mk.classList.contains('bl')) out.bad.push('glyph without marker ' + f);
      const base = mk.getBoundingClientRect().top;
      (out.OG[f] = out.OG[f] || {})[el.dataset.o] = [Math.floor(x0 - m.actualBoundingBoxLeft + 0.001),
        Math.floor(base - m.actualBoundingBoxAscent + 0.001), Math.ceil(x0 + m.actualBoundingBoxRight - 0.001),
        Math.ceil(base + m.actualBoundingBoxDescent - 0.001)];
    }
  }
  for (const el of document.querySelectorAll('.page, .page *')) {
    if (el.tagName === 'INPUT') continue;
    const d = getComputedStyle(el).display;
    if (d === 'inline' || d === 'none') continue;
    if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) out.ov.push((el.className || el.tagName) + ' ' + el.scrollWidth + '>' + el.clientWidth);
  }
  out.sw = document.documentElement.scrollWidth;
  out.html = '<!DOCTYPE html>\n' + document.documentElement.outerHTML + '\n';
  return out;
})()
"""

FAM_DESC = {
    "accordion": "accordion sections (tinted header strip with a chevron and a count badge), labels left in a measured column, thin rounded boxes",
    "dotline": "small-caps labels above-left of faint dotted full-width baselines, one to three columns",
    "dotgrid": "label | input grid with dotted cell rules inside a double outer frame, the cell is the input",
    "edgecard": "every field a tinted card with a coloured left edge, label on top, double-ruled boxes",
    "numcol": "fields numbered 1.1, 1.2 in a left number column behind a vertical rule, labels left of underlines with end ticks",
    "iconbox": "labels above rounded boxes with a leading icon segment inside (unit segments at the right)",
    "leftbar": "labels left of tinted bars with a coloured left edge, short rule before section titles",
    "vrule": "labels left of one continuous vertical accent rule, inputs borderless light rows",
    "ladder": "labels outside the frame left of a ruled stack of rows, the row is the input",
    "stripes": "two-tone alternating stripes without rules, darker label part and lighter input part",
    "chunky": "heavy rounded 2-3 px borders: section panels, boxes and option marks, labels above",
}
OS_DESC = {"csq": "CSS squares", "cci": "CSS circles", "ncb": "native checkboxes", "nrd": "native radios",
           "g1": "☐ glyphs", "g2": "□ glyphs", "g3": "○ glyphs"}


def date_desc(f):
    if f["mode"] == "one":
        return f"one:{f['fstyle']}:{f['fmt'] if f['fstyle'] != 'none' else '-'}"
    return f"parts:{f['pstyle']}:{f['order']}"


def build_json(form, C, data, w, h):
    lang = form["lang"]
    fields = []
    for f in form["fields"]:
        i = str(f["i"])
        lb = data["L"].get(i)
        if lb is None:
            raise CDPError(f"field {i} has no label in the DOM")
        base = {"label": f["label"], "label_box": lb["box"], "kind": f["kind"]}
        if f["kind"] == "text":
            base.update(input_box=data["I"].get(i), key=f["key"], value=f["value"])
        elif f["kind"] == "date":
            base.update(key=f["key"], value=f["value"])
            if f["mode"] == "one":
                base.update(input_box=data["I"].get(i), format=(f["fmt"] if f["fstyle"] != "none" else None), parts=[])
            else:
                parts = [{"part": p, "box": b, "value": part_value(f, p, lang)} for p, b in data["P"].get(i, [])]
                base.update(input_box=None, format=None, parts=parts)
        else:
            opts = []
            for k, t in enumerate(f["opts"]):
                ot = data["OT"].get(i, {}).get(str(k))
                bx = (data["OG"] if f["ostyle"] in GLYPH else data["OB"]).get(i, {}).get(str(k))
                opts.append({"text": t, "text_box": ot["box"] if ot else None, "box": bx})
            base = {"label": f["label"], "label_box": lb["box"], "kind": "checkbox", "style": JSON_STYLE[f["ostyle"]],
                    "input_box": None, "key": f["key"], "value": f["value"], "options": opts}
        fields.append(base)
    ost = sorted({f["ostyle"] for f in form["fields"] if f["kind"] == "checkbox"}, key=OSTYLES.index)
    arrs = sorted({f["arr"] for f in form["fields"] if f["kind"] == "checkbox"})
    dd = " | ".join(date_desc(f) for f in form["fields"] if f["kind"] == "date")
    layout = (f"{form['fam']}: {FAM_DESC[form['fam']]}; options: {', '.join(OS_DESC[o] for o in ost)} "
              f"({', '.join(arrs)}); dates: {dd}; {C.font.replace(chr(39), '')} {C.size}px"
              + ("; grey only" if form["grey"] else ""))
    return {"id": form["id"], "lang": lang, "width": w, "height": h, "image": form["id"] + ".png",
            "layout": layout, "profile": form["profile"], "fields": fields}


# ----------------------------------------------------------------------------------------------
# checks

KEY_ORDER = {
    "text": ["label", "label_box", "kind", "input_box", "key", "value"],
    "date": ["label", "label_box", "kind", "key", "value", "input_box", "format", "parts"],
    "checkbox": ["label", "label_box", "kind", "style", "input_box", "key", "value", "options"],
}


def is_box(b):
    return isinstance(b, list) and len(b) == 4 and all(isinstance(v, int) for v in b)


def validate_v2(J):
    errs = []
    if list(J.keys()) != ["id", "lang", "width", "height", "image", "layout", "profile", "fields"]:
        errs.append(f"top-level keys {list(J.keys())}")
    if J["lang"] not in ("en", "zh"):
        errs.append("lang")
    if not isinstance(J["profile"], dict) or not all(isinstance(v, str) for v in J["profile"].values()):
        errs.append("profile")
    for n, f in enumerate(J["fields"]):
        k = f.get("kind")
        if k not in KEY_ORDER:
            errs.append(f"field {n}: kind {k}")
            continue
        if list(f.keys()) != KEY_ORDER[k]:
            errs.append(f"field {n}: keys {list(f.keys())}")
        if not isinstance(f["label"], str) or not f["label"] or not is_box(f["label_box"]):
            errs.append(f"field {n}: label")
        if f["key"] is not None and f["key"] not in CANON:
            errs.append(f"field {n}: key {f['key']}")
        if f["key"] is None and f["value"] is not None:
            errs.append(f"field {n}: value without key")
        if f["key"] == "signature" and f["value"] is not None:
            errs.append(f"field {n}: signature value")
        if k == "text":
            if not is_box(f["input_box"]):
                errs.append(f"field {n}: input_box")
            if f["value"] is not None and not isinstance(f["value"], str):
                errs.append(f"field {n}: value type")
        elif k == "date":
            v = f["value"]
            d = None
            if v is not None:
                try:
                    d = dt.date.fromisoformat(v)
                except ValueError:
                    errs.append(f"field {n}: date value {v}")
            if f["parts"]:
                if f["input_box"] is not None or f["format"] is not None:
                    errs.append(f"field {n}: parts with input_box/format")
                names = [p["part"] for p in f["parts"]]
                if sorted(names) != ["day", "month", "year"]:
                    errs.append(f"field {n}: parts {names}")
                for p in f["parts"]:
                    if list(p.keys()) != ["part", "box", "value"] or not is_box(p["box"]):
                        errs.append(f"field {n}: part keys")
                    if d is None:
                        if p["value"] != "":
                            errs.append(f"field {n}: part value without date")
                    else:
                        want = {"day": d.day, "month": d.month, "year": d.year}[p["part"]]
                        if not p["value"].isdigit() or int(p["value"]) != want or (p["part"] == "year" and len(p["value"]) != 4):
                            errs.append(f"field {n}: part value {p}")
            else:
                if not is_box(f["input_box"]):
                    errs.append(f"field {n}: one-box date without input_box")
                if f["format"] is not None and f["format"] != f["format"].upper():
                    errs.append(f"field {n}: format case")
        else:
            if f["style"] not in ("square", "radio", "glyph") or f["input_box"] is not None:
                errs.append(f"field {n}: style / input_box")
            if len(f["options"]) < 2:
                errs.append(f"field {n}: options")
            for o in f["options"]:
                if list(o.keys()) != ["text", "text_box", "box"] or not is_box(o["text_box"]) or not is_box(o["box"]):
                    errs.append(f"field {n}: option {o}")
            if f["value"] is not None and f["value"] not in [o["text"] for o in f["options"]]:
                errs.append(f"field {n}: choice value {f['value']}")
    return errs


def field_boxes(f):
    """[(role, box)] of one JSON field."""
    out = [("label", f["label_box"])]
    if f.get("input_box"):
        out.append(("input", f["input_box"]))
    for p in f.get("parts") or []:
        out.append(("part", p["box"]))
    for o in f.get("options") or []:
        out.append(("obox", o["box"]))
        out.append(("otext", o["text_box"]))
    return out


def inter(a, b):
    return min(a[2], b[2]) - max(a[0], b[0]) > 0 and min(a[3], b[3]) - max(a[1], b[1]) > 0


def gap(a, b):
    return max(b[0] - a[2], a[0] - b[2], b[1] - a[3], a[1] - b[3])


def strip_label(t):
    return re.sub(r"[\s:：*]+$", "", t.strip())


def contrast(img, b, pad=0):
    x1, y1, x2, y2 = b
    reg = img[max(0, y1 - pad):y2 + pad, max(0, x1 - pad):x2 + pad]
    if reg.size == 0:
        return 0
    return int(reg.max()) - int(reg.min())


def check_form(form, J, data, img, png_size):
    errs = validate_v2(J)
    W, H = J["width"], J["height"]
    F = J["fields"]
    if data["bad"]:
        errs += data["bad"]
    if data["ov"]:
        errs.append(f"overflow: {data['ov'][:4]}")
    if data["sw"] > W:
        errs.append("page too wide")
    boxes = []
    for n, f in enumerate(F):
        for role, b in field_boxes(f):
            if not is_box(b):
                errs.append(f"field {n} {role}: missing box")
                continue
            if not (0 <= b[0] < b[2] <= W and 0 <= b[1] < b[3] <= H):
                errs.append(f"field {n} {role}: box {b} outside the page or empty")
            boxes.append((n, role, b))
    if errs:
        return errs
    # overlaps between fields, label distance
    for a in range(len(boxes)):
        na, ra, ba = boxes[a]
        for c in range(a + 1, len(boxes)):
            nc, rc, bc = boxes[c]
            if na != nc:
                if inter(ba, bc):
                    errs.append(f"overlap: field {na} {ra} {ba} / field {nc} {rc} {bc}")
                if (ra == "label" or rc == "label") and gap(ba, bc) < 4:
                    errs.append(f"label closer than 4 px: field {na} {ra} {ba} / field {nc} {rc} {bc}")
            else:
                # within a field: label, input, parts, option boxes and texts must not overlap
                if inter(ba, bc):
                    errs.append(f"overlap inside field {na}: {ra} {ba} / {rc} {bc}")
    # DOM texts
    for f in form["fields"]:
        i = str(f["i"])
        t = strip_label(data["L"][i]["text"])
        if t != f["label"]:
            errs.append(f"label text {t!r} != {f['label']!r}")
        if f["kind"] == "checkbox":
            for k, o in enumerate(f["opts"]):
                ot = data["OT"][i][str(k)]["text"].strip()
                if ot != o:
                    errs.append(f"option text {ot!r} != {o!r}")
    # ink
    for n, f in enumerate(F):
        if contrast(img, f["label_box"]) < 80:
            errs.append(f"no ink in label box of field {n}")
        for o in f.get("options") or []:
            if contrast(img, o["text_box"]) < 80:
                errs.append(f"no ink in option text box of field {n}")
    # glyph boxes against the pixels
    for n, f in enumerate(F):
        if f["kind"] != "checkbox" or f["style"] != "glyph":
            continue
        for o in f["options"]:
            x1, y1, x2, y2 = o["box"]
            pad = 3
            reg = img[y1 - pad:y2 + pad, x1 - pad:x2 + pad]
            ys, xs = np.nonzero(reg < 150)
            if len(xs) == 0:
                errs.append(f"glyph of field {n}: no ink")
                continue
            ink = [x1 - pad + xs.min(), y1 - pad + ys.min(), x1 - pad + xs.max() + 1, y1 - pad + ys.max() + 1]
            if max(abs(int(p) - int(q)) for p, q in zip(ink, o["box"])) > 2:
                errs.append(f"glyph box of field {n} {o['box']} vs ink {ink}")
    # date parts left to right, in the intended order
    for f in form["fields"]:
        if f["kind"] == "date" and f["mode"] == "parts":
            jf = F[f["i"]]
            names = [p["part"] for p in jf["parts"]]
            want = [PART_OF[c] for c in f["order"]]
            if names != want:
                errs.append(f"date parts {names} != {want}")
            xs = [p["box"] for p in jf["parts"]]
            for a, b in zip(xs, xs[1:]):
                if not b[0] >= a[2]:
                    errs.append(f"date parts not left to right: {a} {b}")
    # Chinese ID numbers
    for f in form["fields"]:
        if f["key"] == "id_number" and form["lang"] == "zh" and f["value"]:
            v = f["value"]
            if len(v) != 18 or id_check(v[:17]) != v[17] or v[6:14] != form["person"]["dob"].strftime("%Y%m%d"):
                errs.append(f"bad ID number {v}")
    if png_size > MAX_PNG:
        errs.append(f"PNG {png_size} bytes")
    return errs


# ----------------------------------------------------------------------------------------------
# main

def deal(seed, count):
    drng = random.Random(f"{seed}/deal")
    plan = {}
    for lang, themes, fonts, par in (("en", EN_THEMES, EN_FONTS, 1), ("zh", ZH_THEMES, ZH_FONTS, 0)):
        slots = [i for i in range(1, count + 1) if i % 2 == par]
        n = len(slots)
        fams = []
        while len(fams) < n:
            blk = FAMILIES * 2
            drng.shuffle(blk)
            fams += blk
        ths = []
        while len(ths) < n:
            blk = list(themes)
            drng.shuffle(blk)
            ths += blk
        fl = []
        while len(fl) < n:
            blk = list(fonts)
            drng.shuffle(blk)
            fl += blk
        osl = []
        while len(osl) < n:
            blk = list(OSTYLES)
            drng.shuffle(blk)
            osl += blk
        greys = set(drng.sample(range(n), min(n, 5)))
        for j, i in enumerate(slots):
            alt = drng.choice([o for o in OSTYLES if o != osl[j]])
            plan[i] = dict(lang=lang, fam=fams[j], theme=ths[j], font=fl[j], ostyle=osl[j], alt=alt, grey=j in greys)
    return plan


def clean_out(out):
    for n in os.listdir(out):
        if re.fullmatch(r"p_\d\d(_scan)?\.(html|png|json|jpg)", n):
            os.remove(os.path.join(out, n))


def render_form(b, form, plan, seed, out):
    last = None
    for attempt in range(MAX_ATTEMPTS):
        C = draw_cos(form, attempt, plan["font"], seed)
        page = page_html(form, C)
        try:
            png, data, (w, h) = b.render(page, C.width, JS_EXTRACT, js_prepare=JS_PREPARE)
            J = build_json(form, C, data, w, h)
        except CDPError as e:
            last = [str(e)[:300]]
            if DEBUG:
                print(f"  {form['id']} attempt {attempt}: {last}", file=sys.stderr)
            continue
        tmp = os.path.join(out, form["id"] + ".png.tmp")
        save_png(png, tmp, grayscale=form["grey"])
        size = os.path.getsize(tmp)
        img = np.asarray(Image.open(tmp).convert("L"))
        errs = check_form(form, J, data, img, size)
        if not errs:
            os.replace(tmp, os.path.join(out, form["id"] + ".png"))
            with open(os.path.join(out, form["id"] + ".html"), "w", encoding="utf-8") as fh:
                fh.write(data["html"])
            with open(os.path.join(out, form["id"] + ".json"), "w", encoding="utf-8") as fh:
                json.dump(J, fh, ensure_ascii=False, indent=1)
                fh.write("\n")
            return J, C, attempt, size
        last = errs
        if DEBUG:
            os.makedirs(DEBUG_DIR, exist_ok=True)
            print(f"  {form['id']} attempt {attempt} ({form['fam']}): {len(errs)} problems: {errs[:6]}", file=sys.stderr)
            with open(os.path.join(DEBUG_DIR, f"{form['id']}_a{attempt}.html"), "w", encoding="utf-8") as fh:
                fh.write(data["html"])
            with open(os.path.join(DEBUG_DIR, f"{form['id']}_a{attempt}.json"), "w", encoding="utf-8") as fh:
                json.dump(J, fh, ensure_ascii=False, indent=1)
            os.replace(tmp, os.path.join(DEBUG_DIR, f"{form['id']}_a{attempt}.png"))
        else:
            os.remove(tmp)
    sys.exit(f"{form['id']} ({form['fam']}): failed its checks {MAX_ATTEMPTS} times; last: {last[:8]}")


def report(results, t0):
    c = Counter()
    st = defaultdict(Counter)
    fam_ids = defaultdict(list)
    per_form = []
    for form, J, C, attempt, size in results:
        lang = form["lang"]
        fam_ids[form["fam"]].append(form["id"])
        per_form.append(len(J["fields"]))
        c["attempt%d" % attempt] += 1
        st["font"][C.font.replace("'", "")] += 1
        st["size"][C.size] += 1
        c["grey"] += form["grey"]
        c["pngmax"] = max(c["pngmax"], size)
        c["wmin"] = min(c["wmin"] or 99999, J["width"])
        c["wmax"] = max(c["wmax"], J["width"])
        c["hmin"] = min(c["hmin"] or 99999, J["height"])
        c["hmax"] = max(c["hmax"], J["height"])
        keys = [f["key"] for f in form["fields"]]
        c["split" if "first_name" in keys else "full"] += 1
        c["roman"] += form["roman"]
        c["extras"] += form["n_extras"] > 0
        for k in ("email", "city", "postcode", "emergency_contact", "occupation", "employer", "id_number",
                  "passport_number", "date"):
            if k in keys:
                c["has_" + k] += 1
        natf = next(f for f in form["fields"] if f["key"] == "nationality")
        c["nat_" + natf["kind"]] += 1
        st["omitted"][len(form["omitted"])] += 1
        for f, jf in zip(form["fields"], J["fields"]):
            k = f["kind"]
            c[f"{k}_{lang}"] += 1
            c["fields"] += 1
            if f["key"]:
                c["keyed"] += 1
                if jf["value"] is None:
                    c["unfillable"] += 1
                else:
                    c["due"] += 1
                    c["due_" + k] += 1
                    if k == "date":
                        c["due_date_" + f["mode"]] += 1
                    if k in ("date", "checkbox"):
                        c["duekey_" + f["key"]] += 1
            if k == "text":
                sp = f["spec"]
                st["text_spec"][(sp.split(":")[0] if sp else "plain") + "/" + lang] += 1
            if k == "date":
                c["date_" + f["mode"]] += 1
                c["date_keyed" if f["key"] else "date_null"] += 1
                if f["mode"] == "one":
                    st["date_style"][("one:" + f["fstyle"], lang)] += 1
                    st["fmt"][f["fmt"] if f["fstyle"] != "none" else "none"] += 1
                else:
                    st["date_style"][("parts:" + f["pstyle"], lang)] += 1
                    st["order"][(lang, f["order"])] += 1
            if k == "checkbox":
                st["ostyle"][(f["ostyle"], lang)] += 1
                st["jstyle"][JSON_STYLE[f["ostyle"]]] += 1
                st["arr"][f["arr"]] += 1
                c["cb_" + (f["key"] or "null")] += 1
    print(f"\n{len(results)} forms in {time.time() - t0:.1f} s; first draw {c['attempt0']}, "
          f"redrawn {len(results) - c['attempt0']}")
    for fam in FAMILIES:
        print(f"  {fam}: {' '.join(fam_ids[fam])}")
    print(f"fields {c['fields']}: text {c['text_en'] + c['text_zh']} ({c['text_en']} / {c['text_zh']}), "
          f"date {c['date_en'] + c['date_zh']} ({c['date_en']} / {c['date_zh']}: {c['date_one']} one-box, "
          f"{c['date_parts']} in parts), checkbox {c['checkbox_en'] + c['checkbox_zh']} "
          f"({c['checkbox_en']} / {c['checkbox_zh']})")
    print(f"keyed {c['keyed']}, unfillable {c['unfillable']}, due {c['due']} (text {c['due_text']}, dates "
          f"{c['due_date']} ({c['due_date_one']} one-box, {c['due_date_parts']} parts: dob {c['duekey_date_of_birth']}, "
          f"date {c['duekey_date']}), choices {c['due_checkbox']} (gender {c['duekey_gender']}, "
          f"nationality {c['duekey_nationality']}))")
    print(f"dates keyed {c['date_keyed']}, key null {c['date_null']}; groups gender {c['cb_gender']}, "
          f"nationality {c['cb_nationality']}, key null {c['cb_null']}")
    print(f"name full {c['full']} / split {c['split']}; nationality text {c['nat_text']} / choice {c['nat_checkbox']}; "
          f"id {c['has_id_number']} passport {c['has_passport_number']}; email {c['has_email']} city {c['has_city']} "
          f"postcode {c['has_postcode']} emergency {c['has_emergency_contact']} occupation {c['has_occupation']} "
          f"employer {c['has_employer']} signature date {c['has_date']}")
    print("omitted keyed fields per form:", dict(sorted(st["omitted"].items())), f"; English forms with a Chinese "
          f"applicant's romanised data {c['roman']}; profiles with entries the form does not ask for {c['extras']}")
    print(f"fields per form {min(per_form)}-{max(per_form)}; pages {c['wmin']}-{c['wmax']} x {c['hmin']}-{c['hmax']}; "
          f"grey {c['grey']}; PNG max {c['pngmax'] // 1024} KB")
    print("date styles (en / zh):")
    for s in sorted({k[0] for k in st["date_style"]}):
        print(f"  {s}: {st['date_style'][(s, 'en')]} / {st['date_style'][(s, 'zh')]}")
    print("one-box formats:", dict(st["fmt"].most_common()))
    print("part orders:", {f"{a} {b}": n for (a, b), n in sorted(st["order"].items())})
    print("option styles (en / zh):", {o: f"{st['ostyle'][(o, 'en')]} / {st['ostyle'][(o, 'zh')]}" for o in OSTYLES})
    print("JSON styles:", dict(st["jstyle"]), "arrangements:", dict(st["arr"]))
    print("text inputs:", dict(sorted(st["text_spec"].items())))
    print("fonts:", dict(st["font"].most_common()), "sizes:", dict(sorted(st["size"].items())))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1616)
    ap.add_argument("--count", type=int, default=44)
    ap.add_argument("--only", default="", help="comma-separated ids to build (debugging)")
    args = ap.parse_args()
    t0 = time.time()
    os.makedirs(args.out, exist_ok=True)
    if not args.only:
        clean_out(args.out)
    plan = deal(args.seed, args.count)
    only = set(args.only.split(",")) if args.only else None
    results = []
    with Browser() as b:
        for i in range(1, args.count + 1):
            fid = f"p_{i:02d}"
            if only and fid not in only:
                continue
            pl = plan[i]
            form = build_content(fid, i, pl["lang"], pl["fam"], pl["theme"], pl["grey"], args.seed)
            finish_content(form, pl["ostyle"], pl["alt"], args.seed)
            J, C, attempt, size = render_form(b, form, pl, args.seed, args.out)
            print(f"{fid} {pl['lang']} {pl['fam']:9s} {pl['theme']['id']:12s} {J['width']}x{J['height']} "
                  f"{len(J['fields'])} fields, draw {attempt + 1}, {size // 1024} KB")
            results.append((form, J, C, attempt, size))
    report(results, t0)


if __name__ == "__main__":
    main()
