#!/usr/bin/env python3
"""Held-out blank-form corpus O (v2 JSON), written blind.

    python3 tools/forms/make_heldout_o.py --out /tmp/forms_heldout_o --seed 1515 --count 44
    python3 tools/forms/make_scans.py --in /tmp/forms_heldout_o --seed 231

Writes o_01 ... o_NN (odd numbers English, even numbers Simplified Chinese): the HTML source that
was laid out, the PNG rendered by headless Chromium (tools/cdp_render.py, device scale factor 1)
and the v2 JSON ground truth with every box read from the DOM after layout (x1/y1 floored, x2/y2
ceiled).  Eleven layout families (see LAYOUTS), each on 2 English and 2 Chinese forms when
--count is 44.  Every form is checked (see check_form); a form failing a check is drawn again with
other cosmetic choices, up to 8 times, then the script stops.  Deterministic for a seed.
HELDOUT_O_DEBUG=1 prints rejected attempts and keeps their HTML / PNG in /tmp/heldout_o_debug/.
"""

import argparse
import collections
import html as H
import io
import json
import os
import random
import sys

from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from cdp_render import Browser, save_png  # noqa: E402

DEBUG = os.environ.get("HELDOUT_O_DEBUG") == "1"
MAX_PNG = 200 * 1024
E = H.escape

# ----------------------------------------------------------------------------------------------
# people
# ----------------------------------------------------------------------------------------------
EN_F = ["Emily", "Olivia", "Grace", "Hannah", "Chloe", "Sophie", "Laura", "Megan", "Rachel", "Amelia",
        "Zoe", "Fiona", "Niamh", "Isla", "Harriet", "Lucy"]
EN_M = ["James", "Oliver", "Daniel", "Thomas", "Samuel", "Ryan", "Matthew", "Liam", "Connor", "Ethan",
        "Adam", "Owen", "Callum", "Patrick", "Joel", "Harvey"]
EN_L = ["Carter", "Hughes", "Bennett", "Walsh", "Murphy", "Fletcher", "Dawson", "Reid", "Palmer",
        "Sullivan", "Hayes", "Brooks", "Porter", "Lloyd", "Gallagher", "Turner", "Whitfield", "Ashby"]
STREETS = ["Elm Grove", "Mill Lane", "Station Road", "Church Street", "Orchard Close", "Victoria Terrace",
           "Hawthorn Avenue", "Kingsway", "Beech Crescent", "Riverside Walk"]
US_STREETS = ["Maple Street", "Oak Avenue", "Cedar Lane", "Lakeview Drive", "Pine Street", "Hillcrest Road"]
COUNTRY = {
    "UK": dict(nat="British", cities=[("Leeds", "LS6 2AB"), ("Bristol", "BS7 8QT"), ("Norwich", "NR2 4PJ"),
                                       ("Cardiff", "CF24 3AA"), ("York", "YO10 5DD"), ("Leicester", "LE2 1TQ")],
               order="DMY", city_lbl=["Town/City", "Town", "City"], pc_lbl=["Postcode"],
               id_lbl=["National Insurance number", "NI number"]),
    "US": dict(nat="American", cities=[("Portland", "97205"), ("Columbus", "43215"), ("Austin", "78704"),
                                        ("Madison", "53703"), ("Raleigh", "27601")],
               order="MDY", city_lbl=["City"], pc_lbl=["ZIP code", "ZIP"],
               id_lbl=["Social Security number", "SSN"]),
    "AU": dict(nat="Australian", cities=[("Brisbane", "4006"), ("Hobart", "7000"), ("Geelong", "3220"),
                                          ("Newcastle", "2300")],
               order="DMY", city_lbl=["Suburb", "Suburb/Town"], pc_lbl=["Postcode"],
               id_lbl=["Driver licence number", "Licence number"]),
    "IE": dict(nat="Irish", cities=[("Galway", "H91 E2K3"), ("Cork", "T12 X70A"), ("Limerick", "V94 T9PX")],
               order="DMY", city_lbl=["Town/City", "County/Town"], pc_lbl=["Eircode"],
               id_lbl=["PPS number", "PPSN"]),
}
OCC_EN = [("Pharmacist", "Boots UK Ltd"), ("Civil engineer", "Arup Group"), ("Primary school teacher", "St Mary's School"),
          ("Software developer", "Northwind Systems"), ("Staff nurse", "City General Hospital"),
          ("Accountant", "Hartley & Shaw LLP"), ("Electrician", "Brightspark Electrical"),
          ("Marketing manager", "Bluebell Foods"), ("Warehouse supervisor", "Orbis Logistics"),
          ("Graphic designer", "Studio Kettle"), ("Paralegal", "Marsh Cole Solicitors")]

ZH_SUR = [("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
          ("赵", "zhao"), ("黄", "huang"), ("周", "zhou"), ("吴", "wu"), ("徐", "xu"), ("孙", "sun"),
          ("马", "ma"), ("胡", "hu"), ("郭", "guo"), ("林", "lin")]
ZH_GM = [("伟", "wei"), ("强", "qiang"), ("磊", "lei"), ("洋", "yang"), ("勇", "yong"), ("俊杰", "junjie"),
         ("浩然", "haoran"), ("志明", "zhiming"), ("建华", "jianhua"), ("子轩", "zixuan"), ("宇航", "yuhang")]
ZH_GF = [("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"), ("婷", "ting"),
         ("雪梅", "xuemei"), ("晓燕", "xiaoyan"), ("欣怡", "xinyi"), ("佳琪", "jiaqi"), ("梦瑶", "mengyao")]
ZH_CITY = [("北京市", "朝阳区", "110105", "100020", ["建国路", "望京街", "朝阳北路"]),
           ("上海市", "浦东新区", "310115", "200120", ["世纪大道", "张杨路", "浦电路"]),
           ("广州市", "天河区", "440106", "510630", ["天河路", "体育西路", "中山大道"]),
           ("杭州市", "西湖区", "330106", "310013", ["文三路", "天目山路", "古墩路"]),
           ("成都市", "武侯区", "510107", "610041", ["人民南路", "科华北路", "武侯大道"]),
           ("南京市", "鼓楼区", "320106", "210008", ["中山路", "北京西路", "湖南路"]),
           ("武汉市", "洪山区", "420111", "430070", ["珞喻路", "雄楚大道", "光谷大道"]),
           ("西安市", "雁塔区", "610113", "710061", ["小寨路", "长安南路", "科技路"]),
           ("深圳市", "南山区", "440305", "518057", ["科技园南路", "南海大道", "深南大道"])]
PROV = {"广州市": "广东省", "杭州市": "浙江省", "成都市": "四川省", "南京市": "江苏省", "武汉市": "湖北省",
        "西安市": "陕西省", "深圳市": "广东省"}
OCC_ZH = [("教师", "南京启明教育集团"), ("软件工程师", "杭州华信科技有限公司"), ("会计", "上海浦江物流有限公司"),
          ("护士", "成都市第三人民医院"), ("销售经理", "广州恒达贸易有限公司"), ("设计师", "深圳云图设计有限公司"),
          ("公务员", "武汉市洪山区政务服务中心"), ("工程师", "西安航天动力研究所"), ("行政专员", "北京中关村科技发展有限公司")]
MAIL_DOM = ["163.com", "qq.com", "126.com", "sina.com", "outlook.com"]
ROMAN = [("Wang Lei", "M"), ("Zhang Min", "F"), ("Liu Yang", "M"), ("Chen Jing", "F"), ("Zhou Hao", "M")]

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def id_check(s17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(c) * k for c, k in zip(s17, w)) % 11]


def spell_date(iso, how):
    y, m, d = (int(x) for x in iso.split("-"))
    if how == "iso":
        return iso
    if how == "zh":
        return f"{y}年{m}月{d}日"
    if how == "dot":
        return f"{y}.{m:02d}.{d:02d}"
    if how == "dmy_long":
        return f"{d} {MONTHS[m - 1]} {y}"
    if how == "mdy_long":
        return f"{MONTHS[m - 1]} {d}, {y}"
    if how == "slash":
        assert d > 12
        return f"{d:02d}/{m:02d}/{y}"
    raise ValueError(how)


def pick_spelling(rng, iso, zh):
    opts = ["iso", "zh", "dot"] if zh else ["iso", "dmy_long", "mdy_long", "dot", "zh"]
    if int(iso[-2:]) > 12:
        opts.append("slash")
    w = {"iso": 4, "zh": 3 if zh else 1, "dot": 2, "dmy_long": 3, "mdy_long": 2, "slash": 1}
    return rng.choices(opts, [w[o] for o in opts])[0]


def rand_date(rng, y0, y1):
    y = rng.randint(y0, y1)
    m = rng.randint(1, 12)
    d = rng.randint(1, 28)
    return f"{y:04d}-{m:02d}-{d:02d}"


def make_person_en(rng, cc, roman=False):
    c = COUNTRY[cc]
    if roman:
        name, g = rng.choice(ROMAN)
        first, last = name.split()[1], name.split()[0]
        full = name
        nat = "Chinese"
    else:
        g = rng.choice("MF")
        first = rng.choice(EN_M if g == "M" else EN_F)
        last = rng.choice(EN_L)
        full = f"{first} {last}"
        nat = c["nat"]
    city, pc = rng.choice(c["cities"])
    if cc == "US":
        addr = f"{rng.randint(12, 4800)} {rng.choice(US_STREETS)}, Apt {rng.randint(1, 30)}"
        phone = f"({rng.randint(201, 989)}) 555-{rng.randint(100, 199):04d}"
        idn = f"{rng.randint(100, 899)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}"
    elif cc == "UK":
        addr = f"{rng.randint(2, 180)} {rng.choice(STREETS)}"
        phone = f"07700 900{rng.randint(100, 999)}"
        L = "ABCEGHJKLMNPRSTWXYZ"
        idn = f"{rng.choice(L)}{rng.choice(L)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.choice('ABCD')}"
    elif cc == "AU":
        addr = f"{rng.randint(2, 250)} {rng.choice(STREETS)}"
        phone = f"04{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
        idn = f"{rng.randint(10000000, 99999999)}"
    else:
        addr = f"{rng.randint(2, 90)} {rng.choice(STREETS)}"
        phone = f"08{rng.randint(5, 7)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
        idn = f"{rng.randint(1000000, 9999999)}{rng.choice('ABCDEFGHJKTW')}A"
    if roman:
        phone = f"+86 139 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
        passport = f"E{rng.randint(10000000, 99999999)}"
    else:
        passport = (f"{rng.randint(100000000, 999999999)}" if cc in ("UK", "US")
                    else f"P{rng.choice('ABCX')}{rng.randint(1000000, 9999999)}")
    occ, emp = rng.choice(OCC_EN)
    dob = rand_date(rng, 1958, 2003)
    ef = rng.choice(EN_F + EN_M)
    rel = rng.choice(["partner", "mother", "father", "sister", "brother", "friend"])
    ephone = phone[:-3] + f"{rng.randint(100, 999)}"
    email = f"{first.lower()}.{last.lower()}{rng.choice(['', str(rng.randint(1, 99))])}@{rng.choice(['example.com', 'mail.example.org', 'example.co.uk'])}"
    return dict(name=full, first_name=first, last_name=last, gender=g, date_of_birth=dob, nationality=nat,
                id_number=idn, passport_number=passport, phone=phone, email=email, address=addr, city=city,
                postcode=pc, occupation=occ, employer=emp,
                emergency_contact=f"{ef} {last if rel != 'friend' else rng.choice(EN_L)} ({rel}) {ephone}")


def make_person_zh(rng):
    g = rng.choice("MF")
    sur, sp = rng.choice(ZH_SUR)
    giv, gp = rng.choice(ZH_GM if g == "M" else ZH_GF)
    city, dist, code, pc, roads = rng.choice(ZH_CITY)
    dob = rand_date(rng, 1958, 2003)
    seq = rng.randint(10, 99) * 10 + (rng.choice([1, 3, 5, 7, 9]) if g == "M" else rng.choice([0, 2, 4, 6, 8]))
    s17 = code + dob.replace("-", "") + f"{seq:03d}"
    idn = s17 + id_check(s17)
    prov = PROV.get(city, "")
    addr = f"{prov}{city}{dist}{rng.choice(roads)}{rng.randint(1, 399)}号{rng.randint(1, 30)}栋{rng.randint(1, 30)}0{rng.randint(1, 6)}室"
    phone = f"1{rng.choice(['38', '39', '58', '86', '37', '50'])}{rng.randint(10000000, 99999999)}"
    email = f"{sp}{gp}{rng.randint(1, 99)}@{rng.choice(MAIL_DOM)}"
    occ, emp = rng.choice(OCC_ZH)
    es, _ = rng.choice(ZH_SUR)
    eg, _ = rng.choice(ZH_GM + ZH_GF)
    ephone = f"1{rng.choice(['39', '35', '88'])}{rng.randint(10000000, 99999999)}"
    return dict(name=sur + giv, first_name=giv, last_name=sur, gender=g, date_of_birth=dob, nationality="中国",
                id_number=idn, passport_number=f"E{rng.randint(10000000, 99999999)}", phone=phone, email=email,
                address=addr, city=city, postcode=pc, occupation=occ, employer=emp,
                emergency_contact=f"{es}{eg} {ephone}")


KEY_SPELL = {
    "name": (["name", "full_name"], ["Name", "applicant_name", "full_name"], ["姓名"]),
    "first_name": (["first_name"], ["given_name", "forename", "firstName"], ["名"]),
    "last_name": (["last_name"], ["surname", "family_name"], ["姓"]),
    "phone": (["phone"], ["Mobile", "mobile", "tel", "cell", "mobile_phone"], ["手机", "联系电话"]),
    "email": (["email"], ["E-mail", "Email", "mail"], ["邮箱", "电子邮箱"]),
    "address": (["address"], ["home_address", "residential_address", "Address"], ["地址", "住址"]),
    "city": (["city"], ["town", "City"], ["城市"]),
    "postcode": (["postcode"], ["zip", "post_code", "postal_code"], ["邮编", "邮政编码"]),
    "date_of_birth": (["date_of_birth"], ["dob", "DOB", "birth_date"], ["出生日期", "生日"]),
    "gender": (["gender"], ["sex", "Sex", "Gender"], ["性别"]),
    "nationality": (["nationality"], ["citizenship"], ["国籍"]),
    "id_number": (["id_number"], ["ID", "ID number", "id_no"], ["身份证号码", "身份证号"]),
    "passport_number": (["passport_number"], ["passport", "passport_no", "Passport No."], ["护照号码"]),
    "occupation": (["occupation"], ["job", "job_title", "profession"], ["职业"]),
    "employer": (["employer"], ["company", "employer_name", "work_place"], ["工作单位"]),
    "emergency_contact": (["emergency_contact"], ["ICE", "ice_contact", "emergency"], ["紧急联系人"]),
    "date": (["date"], ["today", "date_signed", "signing_date"], ["日期"]),
}
EXTRAS_EN = [("marital_status", ["Single", "Married"]), ("blood_type", ["A+", "O-", "B+"]),
             ("preferred_language", ["English"]), ("preferred_contact_time", ["Morning", "Evening"])]
EXTRAS_ZH = [("婚姻状况", ["未婚", "已婚"]), ("民族", ["汉族", "回族"]), ("微信号", ["wx_20250318", "lucky_fish88"]),
             ("blood_type", ["A", "O"]), ("学历", ["本科", "硕士"])]

# ----------------------------------------------------------------------------------------------
# themes: (title, issuer, code, country, section title, texts, dates, choices, work, passport)
# ----------------------------------------------------------------------------------------------
YN = ["Yes", "No"]
SF = ["是", "否"]
EN_THEMES = [
    ("Council Tax Single Person Discount Application", "Eastbrook District Council", "CT-SPD", "UK", "Property and occupancy",
     ["Council tax account number", "Property reference", "Name of the adult who moved out"],
     ["Date the other adult moved out"], [("Is this your main home?", YN), ("You live there as", ["Owner", "Tenant", "Joint tenant"])], False, False),
    ("Bereavement Support Payment Claim", "Department for Work and Pensions", "BSP1", "UK", "About the person who died",
     ["Full name of the person who died", "Their National Insurance number", "Your relationship to them"],
     ["Date of death"], [("Were you", ["Married", "In a civil partnership"]), ("Do you have children under 20?", YN)], False, False),
    ("Street Trading Licence Application", "Harbourside City Council", "STL-04", "UK", "Trading details",
     ["Trading name", "Goods to be sold", "Proposed trading location", "Vehicle registration (if any)"],
     ["Requested start date"], [("Licence type", ["Annual", "Seasonal", "Temporary"]), ("Trading days", ["Weekdays", "Weekends", "Every day"])], True, False),
    ("Lost or Stolen Passport Report", "HM Passport Office", "LS01", "UK", "About the lost passport",
     ["Number of the lost passport", "Where it was lost", "Police crime reference"],
     ["Date of loss"], [("The passport was", ["Lost", "Stolen"]), ("Are you travelling in the next 4 weeks?", YN)], False, True),
    ("Uniform Residential Mortgage Application", "Riverbend Savings Bank", "RSB-1003", "US", "Loan and property",
     ["Property address", "Purchase price", "Loan amount requested", "Gross monthly income"],
     ["Expected closing date"], [("Loan type", ["Fixed rate", "Adjustable rate"]), ("Property will be", ["Primary residence", "Second home", "Investment"])], True, False),
    ("Arranged Overdraft Request", "Northgate Bank", "NB-OD2", "UK", "Your account and overdraft",
     ["Sort code", "Account number", "Overdraft limit requested", "Monthly income after tax"],
     [], [("Employment status", ["Employed", "Self-employed", "Retired", "Student"])], True, False),
    ("ISA Transfer Request", "Keswick Investments", "KI-ISAT", "UK", "The ISA you are transferring",
     ["Current ISA provider", "ISA account number", "Amount to transfer"],
     ["Date the ISA was opened"], [("Transfer", ["Full transfer", "Partial transfer"]), ("ISA type", ["Cash ISA", "Stocks and shares ISA"])], False, False),
    ("Podiatry Referral Form", "Meadowvale Community Health", "MCH-POD", "AU", "Referral details",
     ["Referring GP", "Medicare number", "Reason for referral"],
     ["Date of referral"], [("Do you have diabetes?", YN), ("Mobility", ["Independent", "Walking aid", "Wheelchair"])], False, False),
    ("Antenatal Booking Questionnaire", "St Agnes Maternity Unit", "SAM-AB1", "UK", "This pregnancy",
     ["GP surgery", "Number of previous pregnancies", "Named midwife"],
     ["First day of last period", "Estimated due date"], [("Is this your first pregnancy?", YN), ("Do you smoke?", ["Yes", "No", "Stopped"])], False, False),
    ("Sleep Clinic Patient Questionnaire", "Lakeshore Sleep Center", "LSC-22", "US", "Sleep history",
     ["Referring physician", "Average hours of sleep per night", "Height and weight"],
     ["Date of last sleep study"], [("Do you snore?", ["Never", "Sometimes", "Often"]), ("Daytime sleepiness", ["None", "Mild", "Severe"])], False, False),
    ("Graduation Ceremony Registration", "University of Westmere", "UW-GRAD", "UK", "Your ceremony",
     ["Student ID", "Degree and subject", "Number of guest tickets"],
     ["Ceremony date"], [("Will you attend?", ["In person", "In absentia"]), ("Gown size", ["Small", "Medium", "Large"])], False, False),
    ("Exam Access Arrangements Request", "Kingsford Academy", "KA-EAA", "UK", "Arrangements requested",
     ["Candidate number", "Subjects affected", "Name of assessor"],
     ["Date of assessment"], [("Arrangement requested", ["Extra time", "Reader", "Scribe", "Separate room"]), ("Granted before?", YN)], False, False),
    ("School Uniform Grant Application", "Fenmoor County Council", "FCC-SUG", "UK", "About your child",
     ["Child's full name", "Child's school", "Year group"],
     ["Child's date of birth"], [("Benefit received", ["Universal Credit", "Income Support", "Other"])], False, False),
    ("Internship Application", "Halcyon Engineering Pty Ltd", "HE-INT", "AU", "Internship details",
     ["University", "Course of study", "Expected graduation year", "Preferred team"],
     ["Available from"], [("Internship length", ["10 weeks", "12 weeks", "6 months"]), ("Do you need a visa to work?", YN)], True, False),
    ("Maternity Leave Notification", "Brightwell Retail plc", "HR-ML1", "UK", "Your leave",
     ["Employee number", "Department", "Line manager"],
     ["Expected week of childbirth", "Intended start of leave"], [("You intend to take", ["Full 52 weeks", "Shorter leave"])], True, False),
    ("Cycle to Work Scheme Application", "Orbis Logistics", "OL-C2W", "UK", "Your bike package",
     ["Employee number", "Package total (bike and accessories)", "Retailer name"],
     ["Start date with employer"], [("Salary sacrifice term", ["12 months", "18 months"]), ("Contract type", ["Permanent", "Fixed term"])], True, False),
    ("Priority Services Register", "Severnside Water", "SW-PSR", "UK", "How we can help",
     ["Account number", "Supply address", "Name of nominee"],
     [], [("Needs", ["Medical equipment", "Hearing impaired", "Sight impaired", "Mobility"]), ("Contact by", ["Phone", "Email", "Post"])], False, False),
    ("EV Charger Installation Grant", "Tasman Energy", "TE-EVG", "AU", "Installation",
     ["Meter number (NMI)", "Charger make and model", "Installer licence number"],
     ["Proposed installation date"], [("Property type", ["House", "Townhouse", "Apartment"]), ("Do you own the property?", YN)], False, False),
    ("Cruise Passenger Information", "Aurora Line Cruises", "ALC-PIF", "US", "Your voyage",
     ["Booking number", "Ship", "Cabin number"],
     ["Sailing date", "Passport expiry date"], [("Dining", ["Early seating", "Late seating", "Flexible"])], False, True),
    ("Dental Plan Enrollment", "Keystone Dental Plans", "KDP-EN", "US", "Plan selection",
     ["Group number", "Member ID", "Primary dentist"],
     ["Coverage start date"], [("Plan", ["Basic", "Plus", "Premier"]), ("Coverage", ["Employee only", "Employee + spouse", "Family"])], True, False),
    ("Loyalty Card Registration", "Pennywise Stores", "PW-LC", "IE", "Your card",
     ["Card number", "Preferred store"],
     [], [("Send offers by", ["Email", "SMS", "Post"]), ("Household size", ["1", "2", "3-4", "5+"])], False, False),
    ("Housing Transfer Application", "Lowmoor Housing Association", "LHA-T1", "UK", "Your tenancy and move",
     ["Tenancy reference", "Current property type", "Bedrooms needed", "Reason for transfer"],
     ["Tenancy start date"], [("Preferred area", ["North", "Central", "South"]), ("Any rent arrears?", YN)], False, False),
]
ZH_THEMES = [
    ("既有住宅加装电梯意见征询表", "江城市住房和城乡建设局", "JZ-DT01", "房屋情况",
     ["楼栋号", "房号", "不动产权证号"], ["入住时间"], [("意见", ["同意", "不同意", "弃权"]), ("所在楼层", ["1-3层", "4-6层", "7层以上"])], False, False),
    ("住宅专项维修资金使用申请表", "江城市住房维修资金管理中心", "WX-02", "维修项目",
     ["小区名称", "维修项目", "预算金额（元）", "房屋坐落"], ["计划开工日期"], [("维修类型", ["屋面防水", "外墙", "电梯", "消防设施"])], False, False),
    ("ETC电子标签办理申请表", "高速公路ETC客户服务中心", "ETC-A3", "车辆信息",
     ["车牌号码", "车辆识别代号", "绑定银行卡号"], ["行驶证注册日期"], [("车辆类型", ["客车", "货车"]), ("车牌颜色", ["蓝牌", "黄牌", "绿牌"])], False, False),
    ("邮轮旅客信息登记表", "海鸥国际旅行社", "HO-YL", "行程信息",
     ["订单编号", "舱房号", "同行人数"], ["出发日期", "护照有效期至"], [("舱房类型", ["内舱房", "海景房", "阳台房"])], False, True),
    ("大额存单购买申请书", "江南农商银行", "JN-DE5", "购买信息",
     ["账号", "购买金额（元）", "产品编号"], ["起息日"], [("存期", ["3个月", "1年", "3年"]), ("到期处理", ["自动转存", "转入活期"])], True, False),
    ("个人客户风险承受能力评估问卷", "江南农商银行", "JN-FX1", "评估问题",
     ["客户号", "家庭年收入（万元）"], ["上次评估日期"], [("投资经验", ["无", "1-3年", "3年以上"]), ("可接受的最大亏损", ["5%以内", "5%-20%", "20%以上"]), ("投资目标", ["保本", "稳健增值", "高收益"])], True, False),
    ("重大疾病保险投保单", "安泰人寿保险股份有限公司", "AT-ZJ7", "投保信息",
     ["基本保险金额（元）", "受益人姓名", "受益人与被保险人关系"], ["保险生效日期"], [("缴费方式", ["年缴", "月缴"]), ("是否吸烟", SF)], True, False),
    ("意外伤害保险理赔申请书", "华安财产保险股份有限公司", "HA-LP2", "出险情况",
     ["保单号", "出险地点", "事故经过", "就诊医院"], ["出险日期"], [("领款方式", ["银行转账", "支付宝"]), ("是否报警", SF)], False, False),
    ("孕产妇保健手册建档登记表", "江城市妇幼保健院", "FY-JD", "孕产信息",
     ["丈夫姓名", "孕次", "产次"], ["末次月经", "预产期"], [("户籍类型", ["本市户籍", "外地户籍"])], False, False),
    ("门诊慢特病待遇申请表", "江城市医疗保障局", "YB-MT3", "病种信息",
     ["医保卡号", "病种名称", "定点医院"], ["确诊日期"], [("参保类型", ["职工医保", "居民医保"])], False, False),
    ("中小学生转学申请表", "江城市教育局", "JY-ZX", "学生信息",
     ["学生姓名", "原就读学校", "拟转入学校", "年级"], ["学生出生日期"], [("转学原因", ["随迁", "户籍迁移", "其他"])], False, False),
    ("校车乘车申请表", "江城市实验小学", "SX-XC", "乘车信息",
     ["学生姓名", "班级", "上车站点"], ["开始乘车日期"], [("乘车时段", ["上学", "放学", "往返"])], False, False),
    ("员工内部推荐登记表", "云帆科技有限公司人力资源部", "YF-TJ", "被推荐人信息",
     ["被推荐人姓名", "推荐职位", "被推荐人手机", "与被推荐人关系"], ["可到岗日期"], [("被推荐人是否在职", SF)], True, False),
    ("产假申请审批表", "云帆科技有限公司", "YF-CJ", "休假信息",
     ["工号", "所在部门", "工作交接人"], ["预产期", "休假开始日期"], [("分娩方式", ["顺产", "剖宫产"]), ("是否多胞胎", SF)], True, False),
    ("员工外派工作申请表", "远洋建设集团人力资源部", "YY-WP", "外派信息",
     ["工号", "外派国家/地区", "外派岗位"], ["预计出发日期"], [("外派期限", ["6个月", "1年", "2年"]), ("是否携带家属", SF)], True, True),
    ("电动汽车充电桩报装申请表", "国网江城供电公司", "GW-CD", "报装信息",
     ["用电户号", "车位编号", "充电桩功率（kW）"], ["期望安装日期"], [("车位产权", ["自有产权", "长期租赁"]), ("安装位置", ["地下车库", "地面车位"])], False, False),
    ("困难群众殡葬补贴申请表", "江城市民政局", "MZ-BZ", "逝者信息",
     ["逝者姓名", "逝者身份证号码", "与逝者关系", "火化证明编号"], ["死亡日期"], [("困难类型", ["低保", "特困", "低收入"])], False, False),
    ("临时摊点经营申请表", "江城市城市管理局", "CG-TD", "经营信息",
     ["经营项目", "摊点位置", "经营面积（平方米）"], ["申请经营起始日期"], [("经营时段", ["早市", "夜市", "全天"])], True, False),
    ("证件遗失报失登记表", "江城市公安局东湖派出所", "GA-YS", "遗失情况",
     ["遗失证件名称", "遗失证件号码", "遗失地点"], ["遗失日期"], [("是否被盗", SF)], False, False),
    ("家电以旧换新补贴申请表", "江城市商务局", "SW-YJ", "购买信息",
     ["购买商品名称", "发票号码", "申请补贴金额（元）"], ["购买日期"], [("商品类别", ["冰箱", "洗衣机", "空调", "电视"])], False, False),
    ("预付卡退卡申请表", "百汇购物中心", "BH-TK", "卡片信息",
     ["卡号", "卡内余额（元）", "退款账户"], ["购卡日期"], [("退卡原因", ["搬迁", "服务不满意", "其他"])], False, False),
    ("婚前医学检查登记表", "江城市妇幼保健院", "FY-HJ", "检查信息",
     ["对方姓名", "对方身份证号码", "检查编号"], ["预约检查日期"], [("婚姻史", ["初婚", "再婚"]), ("是否近亲结婚", SF)], False, False),
]

# ----------------------------------------------------------------------------------------------
# form content
# ----------------------------------------------------------------------------------------------
LAYOUTS = ["lbracket", "centred", "bands", "tiles", "capsule", "timeline", "capbar", "shadow",
           "twinpanel", "qatable", "circled"]
ABOVE = {"centred", "tiles", "capbar", "shadow", "circled"}  # label-above families (hint lines)
OSTYLES = ["sq", "rd", "ncb", "nrd", "g☐", "g□", "g○"]
JSON_STYLE = {"sq": "square", "ncb": "square", "rd": "radio", "nrd": "radio", "g☐": "glyph", "g□": "glyph", "g○": "glyph"}
EN_PSTYLES = ["phbox", "capabove", "capbelow", "dmy", "ulseg"]
ZH_PSTYLES = ["phbox", "capabove", "capbelow", "zhunit", "zhul"]
EN_GENDERS = [["Male", "Female"], ["Female", "Male"], ["M", "F"], ["Male", "Female", "Other"],
              ["Male", "Female", "Prefer not to say"]]
ZH_GENDERS = [["男", "女"], ["男性", "女性"], ["男", "女"]]


def fmt_for(order, sep):
    return sep.join({"D": "DD", "M": "MM", "Y": "YYYY"}[c] for c in order)


def new_field(kind, label, key=None, size="s", **kw):
    f = dict(kind=kind, label=label, key=key, size=size, req=False)
    f.update(kw)
    return f


def build_content(rng, lang, theme, family, roman):
    zh = lang == "zh"
    if zh:
        title, issuer, code, sect, texts, tdates, tchoices, work, passport = theme
        cc = "CN"
        person = make_person_zh(rng)
    else:
        title, issuer, code, cc, sect, texts, tdates, tchoices, work, passport = theme
        person = make_person_en(rng, cc, roman)
        if roman:
            passport = True
    order_en = COUNTRY[cc]["order"] if not zh else "YMD"
    F = []
    secs = []

    def sec(name, items):
        secs.append((name, [len(F) + i for i in range(len(items))]))
        F.extend(items)

    # --- applicant
    ap = []
    split = rng.random() < 0.22
    if split:
        if zh:
            ap.append(new_field("text", rng.choice(["姓", "姓氏"]), "last_name", "s"))
            ap.append(new_field("text", rng.choice(["名", "名字"]), "first_name", "s"))
        else:
            if rng.random() < 0.5:
                ap.append(new_field("text", rng.choice(["Surname", "Family name", "Last name"]), "last_name", "m"))
                ap.append(new_field("text", rng.choice(["Given name(s)", "First name(s)", "Forename(s)"]), "first_name", "m"))
            else:
                ap.append(new_field("text", rng.choice(["First name", "Given name(s)", "Forename(s)"]), "first_name", "m"))
                ap.append(new_field("text", rng.choice(["Last name", "Surname", "Family name"]), "last_name", "m"))
    else:
        lab = rng.choice(["姓名", "申请人姓名", "姓名"]) if zh else rng.choice(
            ["Full name", "Name in full", "Applicant's full name", "Full name", "Name"])
        ap.append(new_field("text", lab, "name", "l"))
    genders = rng.choice(ZH_GENDERS if zh else EN_GENDERS)
    ap.append(new_field("choice", "性别" if zh else rng.choice(["Gender", "Sex", "Gender"]), "gender", "m", options=genders))
    ap.append(new_field("date", rng.choice(["出生日期", "出生年月日", "出生日期"]) if zh else "Date of birth", "date_of_birth", "m"))
    natc = rng.random() < 0.2
    if natc:
        nat = person["nationality"]
        ap.append(new_field("choice", "国籍" if zh else rng.choice(["Nationality", "Citizenship"]), "nationality", "m",
                            options=["中国", "其他"] if zh else [nat, "Other"]))
    elif rng.random() < 0.75 or roman:
        ap.append(new_field("text", "国籍" if zh else rng.choice(["Nationality", "Citizenship", "Nationality"]), "nationality", "s"))
    if passport:
        ap.append(new_field("text", "护照号码" if zh else rng.choice(["Passport number", "Passport no."]), "passport_number", "s"))
    if not (passport and roman):
        if zh:
            ap.append(new_field("text", rng.choice(["身份证号码", "公民身份号码", "身份证号码"]), "id_number", "l"))
        else:
            ap.append(new_field("text", rng.choice(COUNTRY[cc]["id_lbl"]), "id_number", "s"))
    sec(rng.choice(["申请人信息", "基本信息", "个人信息"]) if zh else rng.choice(["About you", "Applicant details", "Personal details"]), ap)
    # --- contact
    ct = [new_field("text", rng.choice(["手机号码", "联系电话", "手机"]) if zh else rng.choice(
        ["Phone number", "Mobile", "Telephone", "Contact number", "Daytime phone"]), "phone", "s")]
    if rng.random() < 0.85:
        ct.append(new_field("text", rng.choice(["电子邮箱", "邮箱", "电子邮箱"]) if zh else rng.choice(
            ["Email address", "Email", "E-mail"]), "email", "m"))
    ct.append(new_field("text", rng.choice(["家庭住址", "通讯地址", "现住址"]) if zh else rng.choice(
        ["Home address", "Address", "Residential address", "Current address"]), "address", "l"))
    if rng.random() < 0.8:
        ct.append(new_field("text", rng.choice(["所在城市", "城市"]) if zh else rng.choice(COUNTRY[cc]["city_lbl"]), "city", "s"))
    if rng.random() < 0.85:
        ct.append(new_field("text", rng.choice(["邮政编码", "邮编"]) if zh else rng.choice(COUNTRY[cc]["pc_lbl"]), "postcode", "s"))
    if rng.random() < 0.75:
        ct.append(new_field("text", rng.choice(["紧急联系人及电话", "紧急联系人"]) if zh else rng.choice(
            ["Emergency contact (name and phone)", "Emergency contact", "In an emergency, contact"]), "emergency_contact", "l"))
    sec(rng.choice(["联系方式", "联系信息"]) if zh else rng.choice(["Contact details", "How to contact you"]), ct)
    # --- work
    if work or rng.random() < 0.2:
        wk = [new_field("text", "职业" if zh else rng.choice(["Occupation", "Job title", "Position"]), "occupation", "m"),
              new_field("text", rng.choice(["工作单位", "单位名称"]) if zh else rng.choice(
                  ["Employer", "Employer's name", "Name of employer"]), "employer", "m")]
        sec("工作信息" if zh else rng.choice(["Employment", "Your work"]), wk)
    # --- theme
    th = []
    for t in texts:
        th.append(new_field("text", t, None, "l" if len(t) > (8 if zh else 24) else rng.choice("sm")))
    for d in tdates:
        th.append(new_field("date", d, None, "m"))
    for lab, opts in tchoices:
        th.append(new_field("choice", lab, None, "l" if len(opts) >= 4 or sum(map(len, opts)) > (10 if zh else 30) else "m",
                            options=list(opts)))
    rng.shuffle(th)
    sec(sect, th)
    # --- declaration
    dl = [new_field("text", rng.choice(["申请人签名", "签名", "本人签字"]) if zh else rng.choice(
        ["Signature", "Applicant's signature", "Signed"]), "signature", "m")]
    if rng.random() < 0.93:
        dl.append(new_field("date", rng.choice(["日期", "签署日期", "填表日期"]) if zh else rng.choice(
            ["Date", "Date signed", "Today's date"]), "date", "m"))
    sec("声明" if zh else rng.choice(["Declaration", "Declaration and signature"]), dl)

    # required stars on some keyed labels
    if rng.random() < 0.5:
        for f in F:
            if f["key"] in ("name", "last_name", "first_name", "date_of_birth", "phone", "id_number") and rng.random() < 0.7:
                f["req"] = True

    # --- date styles
    dates = [f for f in F if f["kind"] == "date"]
    modes = [rng.choice(["one", "parts"]) for _ in dates]
    if "one" not in modes:
        modes[rng.randrange(len(modes))] = "one"
    if "parts" not in modes:
        cand = [i for i, m in enumerate(modes) if m == "one"]
        modes[rng.choice(cand[1:] if len(cand) > 1 else cand)] = "parts"
    if modes.count("one") == len(modes):
        modes[0] = "parts"
    if zh:
        fmt_main = rng.choice(["YYYY-MM-DD", "YYYY年MM月DD日", "YYYY/MM/DD", "YYYY.MM.DD", "YYYY-MM-DD"])
    elif cc == "US":
        fmt_main = rng.choice(["MM/DD/YYYY", "MM/DD/YYYY", "MM-DD-YYYY", "YYYY-MM-DD"])
    else:
        fmt_main = rng.choice(["DD/MM/YYYY", "DD/MM/YYYY", "DD.MM.YYYY", "DD-MM-YYYY", "YYYY-MM-DD", "YYYY/MM/DD"])
    fposs = ["ph", "after", "right", "under"] + (["hint"] if family in ABOVE else [])
    had_fmt = False
    lower = (not zh) and rng.random() < 0.4
    for f, m in zip(dates, modes):
        f["mode"] = m
        if m == "one":
            f["fmt"] = fmt_main if rng.random() < 0.8 else rng.choice(
                ["YYYY-MM-DD", "YYYY年MM月DD日"] if zh else (["MM/DD/YYYY", "YYYY-MM-DD"] if cc == "US" else ["DD/MM/YYYY", "YYYY-MM-DD", "DD.MM.YYYY"]))
            f["fpos"] = rng.choice(fposs)
            if had_fmt and f["key"] is None and rng.random() < 0.2:
                f["fpos"] = "none"
                f["fmt"] = None
            if f["fpos"] != "none":
                had_fmt = True
            f["lower"] = lower and f["fmt"] is not None and "年" not in (f["fmt"] or "")
        else:
            f["pstyle"] = rng.choice(ZH_PSTYLES if zh else EN_PSTYLES)
            if zh:
                f["order"] = "YMD"
            else:
                f["order"] = order_en if rng.random() < 0.88 else "YMD"
            f["sep"] = rng.choice(["/", "/", "-", "."])
            f["plower"] = lower
            f["pad"] = (not zh) or f["pstyle"] == "phbox"
    if not had_fmt:
        f = next(f for f in dates if f["mode"] == "one")
        f["fpos"] = rng.choice(fposs[:4])
        f["fmt"] = fmt_main
    # --- option styles
    prim = rng.sample(OSTYLES, 2)
    for f in F:
        if f["kind"] != "choice":
            continue
        f["ostyle"] = prim[0] if f["key"] == "gender" else (rng.choice(prim) if rng.random() < 0.75 else rng.choice(OSTYLES))
        n = len(f["options"])
        f["arr"] = "row"
        if n >= 4 and rng.random() < 0.6:
            f["arr"] = "grid"
        elif n >= 3 and rng.random() < 0.3:
            f["arr"] = "stack"
        elif rng.random() < 0.1:
            f["arr"] = "stack"
        if f["arr"] != "row":
            f["size"] = "l"

    # --- profile
    keyed = [f for f in F if f["key"] and f["key"] != "signature"]
    n_omit = rng.choices([1, 2, 3, 4], [3, 5, 4, 1])[0]
    omit = set(id(f) for f in rng.sample(keyed, min(n_omit, len(keyed) - 1)))
    style = ("chinese" if rng.random() < 0.6 else "mix") if zh else (rng.choice(["chinese", "mix"]) if roman else rng.choice(["canon", "variant", "variant"]))
    profile = {}
    sign_iso = rand_date(rng, 2025, 2025)

    def kname(key):
        canon, var, chi = KEY_SPELL[key]
        if style == "canon":
            return canon[0]
        if style == "variant":
            return rng.choice(var + canon)
        if style == "chinese":
            return rng.choice(chi)
        return rng.choice([rng.choice(chi), rng.choice(var + canon)])

    for f in F:
        k = f["key"]
        f["value"] = None
        if not k or k == "signature" or id(f) in omit:
            continue
        if k == "gender":
            g = person["gender"]
            if zh and style == "chinese":
                pv = "男" if g == "M" else "女"
            else:
                pv = rng.choice(["M", "m", "male", "Male"] if g == "M" else ["F", "f", "female", "Female"])
                if zh and rng.random() < 0.5:
                    pv = "男" if g == "M" else "女"
            profile[kname(k)] = pv
            opts = f["options"]
            f["value"] = next(o for o in opts if o in (("Male", "M", "男", "男性") if g == "M" else ("Female", "F", "女", "女性")))
        elif k == "nationality" and f["kind"] == "choice":
            profile[kname(k)] = person["nationality"]
            f["value"] = person["nationality"]
        elif f["kind"] == "date":
            iso = person["date_of_birth"] if k == "date_of_birth" else sign_iso
            profile[kname(k)] = spell_date(iso, pick_spelling(rng, iso, zh and style == "chinese"))
            f["value"] = iso
        else:
            profile[kname(k)] = person[k]
            f["value"] = person[k]
    # extras
    ex = EXTRAS_ZH if zh else EXTRAS_EN
    for k, vals in rng.sample(ex, rng.choice([0, 1, 1, 2])):
        profile[k] = rng.choice(vals)
    if rng.random() < 0.3 and not any(f["key"] == "email" for f in F):
        profile[kname("email")] = person["email"]
    items = list(profile.items())
    rng.shuffle(items)
    profile = dict(items)
    return dict(lang=lang, cc=cc, title=title, issuer=issuer, code=code, fields=F, secs=secs,
                profile=profile, person=person, omit=len(omit), us=cc == "US")

# ----------------------------------------------------------------------------------------------
# cosmetics and HTML
# ----------------------------------------------------------------------------------------------
EN_FONTS = ["Liberation Sans", "Liberation Serif", "Liberation Sans Narrow", "DejaVu Sans", "DejaVu Serif",
            "Noto Sans", "Noto Serif"]
ZH_FONTS = ["Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei", "Liberation Serif|Noto Serif CJK SC",
            "DejaVu Sans|WenQuanYi Zen Hei", "Noto Sans|Noto Sans CJK SC"]
ACCENTS = ["#1f4e79", "#7a1f2b", "#245c3a", "#4b3a78", "#8a4b08", "#1b5e6b", "#333333", "#5a2d5f"]
TINTS = {"#1f4e79": "#e6eef7", "#7a1f2b": "#f6e8ea", "#245c3a": "#e5f1e9", "#4b3a78": "#ece8f5",
         "#8a4b08": "#f7eee2", "#1b5e6b": "#e2f1f3", "#333333": "#eeeeee", "#5a2d5f": "#f2e8f3"}


def font_css(name):
    parts = name.split("|")
    gen = "serif" if "Serif" in parts[0] else "sans-serif"
    return ", ".join(f"'{p}'" for p in parts) + ", " + gen


def make_cos(rng, lang, family, deal, att=0):
    fonts = ZH_FONTS if lang == "zh" else EN_FONTS
    font = deal
    fs = rng.choice([13, 14, 14, 15, 16]) if family != "centred" else rng.choice([14, 15, 16])
    if family in ("tiles", "capbar", "qatable"):
        fs = min(fs, 15)
    acc = rng.choice(ACCENTS)
    if family == "twinpanel":
        width = rng.randrange(1180, 1301, 10)
    elif family == "centred":
        width = rng.randrange(800, 911, 10)
    elif family in ("tiles", "circled", "capbar"):
        width = rng.randrange(900, 1141, 10)
    else:
        width = rng.randrange(820, 1101, 10)
    return dict(font=font, fs=fs, lh=round(fs * 1.4), acc=acc, tint=TINTS[acc], width=width,
                ih=rng.choice([26, 28, 30]) + (fs - 14), pad=rng.choice([32, 36, 40, 44]),
                colon=rng.choice([":", ":", ""]) if lang == "en" else rng.choice(["：", "：", ""]),
                header=rng.choice(["centre", "split", "rule"]), gap=rng.choice([10, 12, 14]),
                pairs=rng.choice([1, 2, 2]), lalign=rng.choice(["left", "right"]),
                gray=rng.random() < 0.15, instr_box=rng.random() < 0.5, fonts=fonts,
                capf=rng.choice([1.0, 1.05, 1.15, 1.3]) + 0.2 * att)  # capsule packing: looser on each redraw


class R:
    """Renders one form's HTML from content C and cosmetics K."""

    def __init__(self, C, K, family):
        self.C, self.K, self.fam = C, K, family
        self.zh = C["lang"] == "zh"
        self.F = C["fields"]
        self.num = 0

    # ---- pieces --------------------------------------------------------------------------
    def label(self, i, colon=True):
        f = self.F[i]
        star = '<span class="req">*</span>' if f["req"] else ""
        c = self.K["colon"] if colon and not f["label"].endswith(("?", "？")) else ""
        return f'<span class="lb" data-f="{i}" data-r="l">{E(f["label"])}{star}{c}</span>'

    def fmt_text(self, f):
        t = f["fmt"]
        return t.lower() if f.get("lower") else t

    def order_text(self, f):
        t = fmt_for(f["order"], "/")
        return t.lower() if f.get("plower") else t

    def lab_block(self, i):
        """label + what is printed right after it (format after the label)."""
        f = self.F[i]
        if f["kind"] == "date" and f["mode"] == "one" and f["fpos"] == "after":
            h = f'（{self.fmt_text(f)}）' if self.zh else f'({self.fmt_text(f)})'
            return self.label(i, False) + f' <span class="fh">{E(h)}</span>{self.K["colon"]}'
        if f["kind"] == "date" and f["mode"] == "parts" and f["pstyle"] == "ulseg":
            return self.label(i, False) + f' <span class="fh">({E(self.order_text(f))})</span>{self.K["colon"]}'
        return self.label(i)

    def inp(self, i, ik, inner="", extra=""):
        return f'<div class="in {ik}{extra}" data-f="{i}" data-r="i">{inner}</div>'

    def widget(self, i, ik, above=False):
        """returns (mid, body, under): mid = hint line between label and input (label-above only)."""
        f = self.F[i]
        k = f["kind"]
        mid = under = ""
        if k == "text":
            return "", self.inp(i, ik), ""
        if k == "choice":
            return "", self.options(i), ""
        if f["mode"] == "one":
            pos = f["fpos"]
            if pos == "hint" and not above:
                pos = "under"
            t = self.fmt_text(f) if f["fmt"] else ""
            inner = f'<span class="ph">{E(t)}</span>' if pos == "ph" else ""
            body = self.inp(i, ik, inner)
            if pos == "right":
                body = f'<div class="rrow">{body}<span class="fh rh">{E(t)}</span></div>'
            elif pos == "under":
                under = f'<div class="fh uh">{E(("格式：" if self.zh else "Format: ") + t)}</div>'
            elif pos == "hint":
                mid = f'<div class="fh hl">{E(("请按 " + t + " 格式填写") if self.zh else ("Use the format " + t))}</div>'
            return mid, body, under
        return "", self.parts(i, ik), ""

    def part(self, i, p, ik, inner=""):
        w = "wy" if p == "year" else "wd"
        return f'<div class="dp {ik} {w}" data-f="{i}" data-r="p" data-p="{p}">{inner}</div>'

    def parts(self, i, ik):
        f = self.F[i]
        st = f["pstyle"]
        names = {"D": "day", "M": "month", "Y": "year"}
        order = [names[c] for c in f["order"]]
        pik = "ul" if st in ("ulseg", "zhul") else ik
        if pik in ("lb",) and st in ("phbox", "dmy", "capabove", "capbelow", "zhunit"):
            pik = "box"
        if pik == "inner":
            pik = "box"
        low = f.get("plower")
        phs = {"day": "DD", "month": "MM", "year": "YYYY"}
        if st == "phbox":
            if self.zh:
                phs = {"day": "DD", "month": "MM", "year": "YYYY"}
            sep = f'<span class="dsep">{E(f["sep"])}</span>'
            return '<span class="dps">' + sep.join(
                self.part(i, p, pik, f'<span class="ph">{phs[p].lower() if low else phs[p]}</span>') for p in order) + "</span>"
        if st in ("capabove", "capbelow"):
            if self.zh:
                caps = {"year": "年", "month": "月", "day": "日"}
            else:
                caps = {"day": "Day", "month": "Month", "year": "Year"} if (i % 2 == 0) else {"day": "DD", "month": "MM", "year": "YYYY"}
            cols = []
            for p in order:
                c = f'<span class="cap">{caps[p]}</span>'
                b = self.part(i, p, pik)
                cols.append(f'<span class="dcol">{c + b if st == "capabove" else b + c}</span>')
            return '<span class="dps">' + "".join(cols) + "</span>"
        if st == "dmy":
            caps = {"day": "Day", "month": "Month", "year": "Year"}
            return '<span class="dps">' + "".join(
                f'<span class="cap2">{caps[p]}</span>{self.part(i, p, pik)}' for p in order) + "</span>"
        if st == "ulseg":
            sep = '<span class="dsep">/</span>'
            return '<span class="dps">' + sep.join(self.part(i, p, "ul") for p in order) + "</span>"
        units = {"year": "年", "month": "月", "day": "日"}
        return '<span class="dps">' + "".join(
            f'{self.part(i, p, pik)}<span class="unit">{units[p]}</span>' for p in order) + "</span>"

    def options(self, i):
        f = self.F[i]
        st = f["ostyle"]
        out = []
        for k, o in enumerate(f["options"]):
            ot = f'<span class="ot" data-f="{i}" data-r="ot" data-o="{k}">{E(o)}</span>'
            if st in ("sq", "rd"):
                b = f'<span class="ob {st}" data-f="{i}" data-r="ob" data-o="{k}"></span>'
            elif st == "ncb":
                b = f'<input type="checkbox" class="ob nat" data-f="{i}" data-r="ob" data-o="{k}">'
            elif st == "nrd":
                b = f'<input type="radio" name="r{i}" class="ob nat" data-f="{i}" data-r="ob" data-o="{k}">'
            else:
                b = f'<span class="og" data-f="{i}" data-r="og" data-o="{k}">{st[1]}<span class="bl"></span></span>'
            out.append(f'<span class="opt{" g" if st[0] == "g" else ""}">{b}{ot}</span>')
        return f'<span class="opts {f["arr"]}">' + "".join(out) + "</span>"

    # ---- generic arrangements -----------------------------------------------------------
    def left_grid(self, idxs, pairs, ik, lcls="lc", wcls="wc", style=""):
        cols = " ".join(["max-content minmax(0,1fr)"] * pairs)
        out = [f'<div class="lgrid" style="grid-template-columns:{cols};{style}">']
        col = 0
        for i in idxs:
            f = self.F[i]
            wide = pairs == 1 or f["size"] == "l" or (f["kind"] == "date" and f["mode"] == "parts" and pairs > 1 and self.K["width"] < 900)
            _, body, under = self.widget(i, ik)
            if wide:
                out.append(f'<div class="{lcls}" style="grid-column:1">{self.lab_block(i)}</div>'
                           f'<div class="{wcls}" style="grid-column:2 / -1">{body}{under}</div>')
                col = 0
            else:
                out.append(f'<div class="{lcls}">{self.lab_block(i)}</div><div class="{wcls}">{body}{under}</div>')
                col = (col + 1) % pairs
        out.append("</div>")
        return "".join(out)

    def above_unit(self, i, ik, span, cls="u", pre=""):
        mid, body, under = self.widget(i, ik, above=True)
        return (f'<div class="{cls}" style="grid-column:span {span}"><div class="lr">{pre}{self.lab_block(i)}</div>'
                f'{mid}<div class="wr">{body}</div>{under}</div>')

    def span_of(self, i, cols):
        f = self.F[i]
        if f["size"] == "l":
            return cols
        if f["size"] == "m" and cols >= 3:
            return 2 if cols == 4 or f["kind"] != "text" else 1
        if f["kind"] == "date" and f["mode"] == "parts" and cols >= 3:
            return 2 if cols == 4 else 1
        return 1

    def above_grid(self, idxs, cols, ik, cls="u", numbered=False):
        out = [f'<div class="agrid" style="grid-template-columns:repeat({cols},minmax(0,1fr))">']
        for i in idxs:
            pre = ""
            if numbered:
                self.num += 1
                pre = f'<span class="cn">{self.num}</span>'
            out.append(self.above_unit(i, ik, self.span_of(i, cols), cls, pre))
        out.append("</div>")
        return "".join(out)

    def decl(self):
        if self.zh:
            return '<p class="decl">本人承诺以上所填信息真实、准确、完整，如有虚假，愿承担相应责任。</p>'
        return ('<p class="decl">I declare that the information I have given on this form is correct and complete '
                'to the best of my knowledge, and I understand that giving false information may lead to my '
                'application being refused.</p>')

    # ---- families ------------------------------------------------------------------------
    def sections(self):
        return self.C["secs"]

    def is_decl(self, s):
        return s == len(self.C["secs"]) - 1

    def b_lbracket(self):
        out = []
        for s, (name, idxs) in enumerate(self.sections()):
            n = ["一", "二", "三", "四", "五", "六"][s] if self.zh else f"{s + 1:02d}"
            body = (self.decl() if self.is_decl(s) else "") + self.left_grid(idxs, self.K["pairs"], "lb")
            out.append(f'<div class="sec"><div class="num">{n}</div><div class="sbody"><div class="st">{E(name)}</div>{body}</div></div>')
        return "".join(out)

    def b_centred(self):
        out = []
        widths = {"l": 0.68, "m": 0.46, "s": 0.32}
        for s, (name, idxs) in enumerate(self.sections()):
            out.append(f'<div class="st">{E(name)}</div>')
            if self.is_decl(s):
                out.append(self.decl())
            for i in idxs:
                f = self.F[i]
                mid, body, under = self.widget(i, "box", above=True)
                w = ""
                if f["kind"] == "text" or (f["kind"] == "date" and f["mode"] == "one"):
                    w = f' style="width:{int((self.K["width"] - 2 * self.K["pad"]) * widths[f["size"]])}px"'
                out.append(f'<div class="cu"><div class="lr">{self.lab_block(i)}</div>{mid}<div class="wr"{w}>{body}</div>{under}</div>')
        return "".join(out)

    def b_bands(self):
        out = []
        for s, (name, idxs) in enumerate(self.sections()):
            out.append(f'<div class="st">{E(name)}</div>')
            if self.is_decl(s):
                out.append(self.decl())
            out.append(self.left_grid(idxs, 2 if self.K["width"] >= 900 else self.K["pairs"], "ul", "lc band", "wc bw", "row-gap:0;column-gap:0"))
        return "".join(out)

    def b_tiles(self):
        out = []
        for s, (name, idxs) in enumerate(self.sections()):
            out.append(f'<div class="st">{E(name)}</div>')
            if self.is_decl(s):
                out.append(self.decl())
            out.append('<div class="tgrid">')
            for i in idxs:
                f = self.F[i]
                span = {"l": 6, "m": 3, "s": 2}[f["size"]]
                if f["kind"] == "date" and f["mode"] == "parts":
                    span = max(span, 3)
                out.append(self.above_unit(i, "bar", span, "tile"))
            out.append("</div>")
        return "".join(out)

    def b_capsule(self):
        out = []
        for s, (name, idxs) in enumerate(self.sections()):
            out.append(f'<div class="st">{E(name)}</div>')
            if self.is_decl(s):
                out.append(self.decl())
            rows, cur, wsum = [], [], 0
            avail = self.K["width"] - 2 * self.K["pad"] - 44
            for i in idxs:
                w = self.est_width(i) * self.K["capf"] + (28 if cur else 0)
                if self.F[i]["size"] == "l" and self.F[i]["kind"] == "text":
                    w = avail + 1
                if cur and wsum + w > avail:
                    rows.append(cur)
                    cur, wsum = [], 0
                    w -= 28
                cur.append(i)
                wsum += w
            if cur:
                rows.append(cur)
            for r in rows:
                prs = []
                for i in r:
                    _, body, under = self.widget(i, "ul")
                    fx = "auto" if self.F[i]["kind"] == "choice" or (self.F[i]["kind"] == "date" and self.F[i]["mode"] == "parts") else "1"
                    prs.append(f'<div class="pr" style="flex:{fx} 1 0">{self.lab_block(i)}<div class="wc">{body}{under}</div></div>')
                out.append('<div class="caps">' + "".join(prs) + "</div>")
        return "".join(out)

    def est_width(self, i):
        """rough width of a label + widget pair (capsule packing): text and widget at least as measured."""
        f = self.F[i]
        fs = self.K["fs"]
        cw = fs * (1.08 if self.zh else 0.64)
        w = len(f["label"]) * cw + 22
        if f["kind"] == "text":
            return w + 170
        if f["kind"] == "choice":
            return w + sum(len(o) * cw + 45 for o in f["options"]) if f["arr"] == "row" else w + 40 + max(len(o) for o in f["options"]) * cw * 2
        if f["mode"] == "one":
            extra = 12 * 0.6 * 14 if f["fpos"] in ("right", "after") else 0
            return w + 160 + extra
        extra = 110 if f["pstyle"] in ("dmy", "ulseg") else (60 if f["pstyle"] == "zhunit" else 30)
        return w + 3 * (40 + fs) + 2 * fs + 80 + extra

    def b_timeline(self):
        out = []
        for s, (name, idxs) in enumerate(self.sections()):
            last = " last" if s == len(self.sections()) - 1 else ""
            body = (self.decl() if self.is_decl(s) else "") + self.left_grid(idxs, self.K["pairs"], "box")
            out.append(f'<div class="tl{last}"><div class="rail"><div class="tdot">{s + 1}</div></div>'
                       f'<div class="sbody"><div class="st">{E(name)}</div>{body}</div></div>')
        return "".join(out)

    def b_capbar(self):
        out = []
        cols = 3 if self.K["width"] >= 1000 else 2
        for s, (name, idxs) in enumerate(self.sections()):
            out.append(f'<div class="st">{E(name)}</div>')
            if self.is_decl(s):
                out.append(self.decl())
            out.append(f'<div class="agrid" style="grid-template-columns:repeat({cols},minmax(0,1fr))">')
            for i in idxs:
                f = self.F[i]
                mid, body, under = self.widget(i, "box", above=True)
                plain = f["kind"] == "text" or (f["kind"] == "date" and f["mode"] == "one" and f["fpos"] in ("ph", "none", "after"))
                if plain:
                    inner = body.replace('class="in box', 'class="in cbx', 1)
                else:
                    inner = f'<div class="cbody">{mid}{body}{under}</div>'
                    under = ""
                out.append(f'<div class="cbu" style="grid-column:span {self.span_of(i, cols)}">'
                           f'<div class="strip">{self.lab_block(i)}</div>{inner}{under}</div>')
            out.append("</div>")
        return "".join(out)

    def b_shadow(self):
        out = []
        cols = 2 if self.K["width"] < 1000 else 3
        for s, (name, idxs) in enumerate(self.sections()):
            body = (self.decl() if self.is_decl(s) else "") + self.above_grid(idxs, cols, "shadow")
            out.append(f'<div class="sb"><div class="badge">{E(name)}</div>{body}</div>')
        return "".join(out)

    def b_twinpanel(self):
        secs = self.sections()
        left, right = [], []
        for s, (name, idxs) in enumerate(secs):
            body = (self.decl() if self.is_decl(s) else "") + self.left_grid(idxs, 1, "dot")
            (left if s < 2 else right).append(f'<div class="st">{E(name)}</div>{body}')
        return f'<div class="tw"><div class="pl">{"".join(left)}</div><div class="pr2">{"".join(right)}</div></div>'

    def b_qatable(self):
        hd = ("项目", "填写内容") if self.zh else ("Item", "Details")
        out = [f'<table class="qa"><tr><th>{hd[0]}</th><th>{hd[1]}</th></tr>']
        n = 0
        for s, (name, idxs) in enumerate(self.sections()):
            out.append(f'<tr class="sr"><td colspan="2">{E(name)}</td></tr>')
            if self.is_decl(s):
                out.append(f'<tr><td colspan="2" class="dc">{self.decl()}</td></tr>')
            for i in idxs:
                n += 1
                _, body, under = self.widget(i, "inner")
                alt = " alt" if n % 2 == 0 else ""
                out.append(f'<tr class="r{alt}"><td class="q">{self.lab_block(i)}</td><td class="a">{body}{under}</td></tr>')
        out.append("</table>")
        return "".join(out)

    def b_circled(self):
        out = []
        cols = 3 if self.K["width"] >= 960 else 2
        for s, (name, idxs) in enumerate(self.sections()):
            h = (["一", "二", "三", "四", "五", "六"][s] + "、" if self.zh else "ABCDEF"[s] + ". ") + name
            out.append(f'<div class="st">{E(h)}</div>')
            if self.is_decl(s):
                out.append(self.decl())
            out.append(self.above_grid(idxs, cols, "ul", numbered=True))
        return "".join(out)

    # ---- page ----------------------------------------------------------------------------
    def header(self):
        C, K = self.C, self.K
        code = C["code"] + ("（2025版）" if self.zh else f" (rev. 0{K['fs'] % 5 + 1}/25)")
        if K["header"] == "centre" or self.fam == "centred":
            return (f'<div class="hd hc"><div class="iss">{E(C["issuer"])}</div><h1>{E(C["title"])}</h1>'
                    f'<div class="code">{"表号" if self.zh else "Form"} {E(code)}</div></div>')
        if K["header"] == "split":
            return (f'<div class="hd hs"><div><div class="iss">{E(C["issuer"])}</div><h1>{E(C["title"])}</h1></div>'
                    f'<div class="cbox">{"表号" if self.zh else "Form"}<br><b>{E(C["code"])}</b></div></div>')
        return (f'<div class="hd hr"><h1>{E(C["title"])}</h1><div class="code">{E(C["issuer"])} · {E(code)}</div></div>')

    def instr(self):
        if self.zh:
            t = self.rngtext(["请用黑色签字笔正楷填写，在相应的□内打√。", "请如实填写以下内容，带*号的为必填项。",
                              "填表前请仔细阅读背面说明，字迹须清楚、工整。"])
        else:
            t = self.rngtext(["Please complete this form in black ink using BLOCK CAPITALS and tick ☐ the boxes that apply.",
                              "Fields marked * must be completed. Incomplete forms may be returned.",
                              "Read the notes before you fill in this form. Write clearly in black ink."])
        return f'<div class="instr{" ib" if self.K["instr_box"] else ""}">{E(t)}</div>'

    def rngtext(self, opts):
        return opts[(self.K["fs"] + len(self.C["title"])) % len(opts)]

    def footer(self):
        pg = "第 1 页 共 1 页" if self.zh else "Page 1 of 1"
        return f'<div class="ft"><span>{E(self.C["code"])} · {E(self.C["issuer"])}</span><span>{pg}</span></div>'

    def css(self):
        K = self.K
        fs, lh, ih, acc, tint = K["fs"], K["lh"], K["ih"], K["acc"], K["tint"]
        if K["gray"]:
            acc, tint = "#222222", "#eeeeee"
        h1 = min(20, fs + 5)
        return f"""
html, body {{ margin: 0; padding: 0; background: #ffffff; }}
body {{ font-family: {font_css(K['font'])}; font-size: {fs}px; line-height: {lh}px; color: #1b1b1b; }}
.page {{ box-sizing: border-box; width: {K['width']}px; padding: {K['pad'] - 8}px {K['pad']}px {K['pad']}px; }}
h1 {{ font-size: {h1}px; line-height: {h1 + 6}px; margin: 2px 0 4px 0; font-weight: bold; }}
.hd {{ margin-bottom: 10px; }}
.hc {{ text-align: center; }}
.hs {{ display: flex; justify-content: space-between; align-items: flex-start; border-bottom: 2px solid {acc}; padding-bottom: 8px; }}
.hr {{ display: flex; justify-content: space-between; align-items: baseline; border-top: 4px solid {acc};
       border-bottom: 1px solid {acc}; padding: 6px 0; }}
.iss {{ font-size: 12px; letter-spacing: 0.5px; color: {acc}; font-weight: bold; }}
.code {{ font-size: 12px; color: #555; }}
.cbox {{ border: 1.5px solid #333; padding: 4px 10px; font-size: 12px; line-height: 16px; text-align: center; }}
.instr {{ font-size: 12px; color: #444; margin: 6px 0 10px 0; }}
.instr.ib {{ border: 1px solid #bbb; background: #f7f7f7; padding: 5px 10px; }}
.decl {{ margin: 4px 0 12px 0; font-size: {max(12, fs - 1)}px; line-height: {max(12, fs - 1) + 6}px; text-align: left; }}
.ft {{ display: flex; justify-content: space-between; margin-top: 22px; padding-top: 6px; border-top: 1px solid #999;
      font-size: 12px; color: #555; }}
.lb {{ white-space: nowrap; }}
.req {{ color: #c00000; }}
.fh {{ color: #707070; font-size: 12px; white-space: nowrap; font-weight: normal; }}
.ph {{ color: #a0a0a0; white-space: nowrap; font-size: {max(12, fs - 1)}px; }}
.in {{ box-sizing: border-box; height: {ih}px; min-width: 40px; width: 100%; display: flex; align-items: center; padding: 0 8px; }}
.in.box {{ border: 1px solid #555; background: #fff; }}
.in.ul {{ border-bottom: 1.5px solid #222; }}
.in.lb {{ border-left: 1.5px solid {acc}; border-bottom: 1.5px solid {acc}; }}
.in.bar {{ background: #eef1f5; border-bottom: 2px solid {acc}; }}
.in.shadow {{ border: 1.5px solid #222; background: #fff; box-shadow: 3px 3px 0 #c8c8c8; }}
.in.dot {{ border-bottom: 1.5px dotted #222; }}
.in.inner {{ border: 1px solid #8a8a8a; background: #fff; }}
.in.cbx {{ border: 1.5px solid {acc}; border-top: none; background: #fff; }}
.rrow {{ display: flex; align-items: center; gap: 8px; }}
.rrow .in {{ flex: 1 1 0; }}
.uh {{ margin-top: 3px; line-height: 15px; }}
.hl {{ margin: 0 0 4px 0; line-height: 15px; }}
.dps {{ display: inline-flex; align-items: center; white-space: nowrap; vertical-align: middle; }}
.dp {{ box-sizing: border-box; height: {ih}px; display: inline-flex; align-items: center; justify-content: center; flex: none; }}
.dp.box, .dp.inner {{ border: 1px solid #555; background: #fff; }}
.dp.shadow {{ border: 1.5px solid #222; background: #fff; box-shadow: 2px 2px 0 #c8c8c8; }}
.dp.bar {{ background: #eef1f5; border-bottom: 2px solid {acc}; }}
.dp.ul, .dp.dot {{ border-bottom: 1.5px solid #222; }}
.dp.wd {{ width: {40 + fs}px; }}
.dp.wy {{ width: {60 + 2 * fs}px; }}
.dsep {{ margin: 0 6px; color: #444; }}
.dcol {{ display: inline-flex; flex-direction: column; align-items: center; margin-right: 12px; }}
.cap {{ font-size: 12px; line-height: 15px; color: #555; }}
.dcol .cap:first-child {{ margin-bottom: 2px; }}
.dcol .cap:last-child {{ margin-top: 2px; }}
.cap2 {{ margin: 0 6px 0 0; color: #444; }}
.dp + .cap2 {{ margin-left: 14px; }}
.unit {{ margin: 0 12px 0 5px; }}
.opts {{ display: inline-flex; align-items: center; flex-wrap: wrap; gap: 6px 22px; vertical-align: middle; }}
.opts.stack {{ flex-direction: column; align-items: flex-start; }}
.opts.grid {{ display: inline-grid; grid-template-columns: max-content max-content; gap: 6px 30px; }}
.opt {{ display: inline-flex; align-items: center; white-space: nowrap; }}
.ob {{ box-sizing: border-box; width: 14px; height: 14px; margin: 0 7px 0 0; flex: none; }}
.ob.sq {{ border: 1.5px solid #222; background: #fff; }}
.ob.rd {{ border: 1.5px solid #222; border-radius: 50%; background: #fff; }}
input.ob {{ margin: 0 7px 0 0; }}
.opt.g {{ display: inline-block; }}
.og {{ margin-right: 5px; }}
.bl {{ display: inline-block; width: 0; height: 0; vertical-align: baseline; }}
.lgrid {{ display: grid; column-gap: 14px; row-gap: {K['gap']}px; align-items: center; }}
.lc {{ text-align: {K['lalign']}; white-space: nowrap; }}
.agrid {{ display: grid; column-gap: 18px; row-gap: {K['gap'] + 2}px; align-items: start; }}
.lr {{ margin-bottom: 4px; white-space: nowrap; }}
/* lbracket */
.sec {{ display: grid; grid-template-columns: 60px minmax(0, 1fr); margin-top: 16px; }}
.num {{ font-size: 20px; line-height: 26px; font-weight: bold; color: {acc}; border-top: 3px solid {acc}; padding-top: 4px; margin-right: 14px; }}
.f-lbracket .st {{ font-weight: bold; border-top: 1px solid #999; padding-top: 6px; margin-bottom: 10px; }}
.f-lbracket .lc {{ color: #555; }}
/* centred */
.f-centred .page {{ text-align: center; }}
.f-centred .st {{ border-top: 3px double #444; margin: 16px auto 10px; padding-top: 8px; letter-spacing: 2px; font-weight: bold; color: {acc}; }}
.cu {{ display: flex; flex-direction: column; align-items: center; margin: 0 auto {K['gap']}px; }}
.cu .wr {{ display: flex; justify-content: center; }}
.f-centred .decl {{ text-align: center; }}
.f-centred .uh, .f-centred .hl {{ text-align: center; }}
/* bands */
.f-bands .st {{ font-weight: bold; letter-spacing: 1px; color: {acc}; border-bottom: 1px solid {acc}; margin: 16px 0 0 0; padding-bottom: 3px; }}
.band {{ background: {tint}; padding: 8px 12px; align-self: stretch; display: flex; align-items: center; }}
.lc.band {{ justify-content: {'flex-end' if K['lalign'] == 'right' else 'flex-start'}; }}
.bw {{ padding: 8px 16px; align-self: stretch; display: flex; flex-direction: column; justify-content: center; align-items: flex-start; }}
.bw .in, .bw .rrow {{ width: 100%; }}
.f-bands .decl {{ margin-top: 8px; }}
/* tiles */
.f-tiles .st {{ font-weight: bold; border-left: 5px solid {acc}; padding-left: 8px; margin: 16px 0 8px 0; }}
.tgrid {{ display: grid; grid-template-columns: repeat(6, minmax(0, 1fr)); gap: 8px; }}
.tile {{ border: 1px solid #b5b5b5; border-radius: 6px; padding: 6px 9px 9px; min-width: 0; }}
.tile .lr {{ font-weight: bold; font-size: {max(12, fs - 1)}px; }}
/* capsule */
.f-capsule .st {{ font-weight: bold; color: {acc}; margin: 14px 0 6px 4px; }}
.caps {{ border: 1.5px solid {acc}; border-radius: 22px; padding: 7px 20px; display: flex; align-items: center; margin-bottom: 8px; }}
.pr {{ display: flex; align-items: center; min-width: 0; gap: 10px; }}
.pr + .pr {{ border-left: 1px dashed #8a8a8a; margin-left: 14px; padding-left: 14px; }}
.pr .wc {{ flex: 1 1 0; min-width: 110px; }}
/* timeline */
.tl {{ display: grid; grid-template-columns: 48px minmax(0, 1fr); }}
.rail {{ position: relative; }}
.rail::after {{ content: ''; position: absolute; left: 14px; top: 34px; bottom: 4px; border-left: 2px solid {tint}; }}
.tl.last .rail::after {{ display: none; }}
.tdot {{ width: 30px; height: 30px; border-radius: 50%; background: {acc}; color: #fff; text-align: center; line-height: 30px; font-weight: bold; font-size: 14px; }}
.tl .sbody {{ padding: 3px 0 18px 0; }}
.f-timeline .st {{ font-weight: bold; font-size: {fs + 1}px; color: {acc}; margin-bottom: 10px; }}
/* capbar */
.f-capbar .st {{ font-weight: bold; border-bottom: 2px solid #333; margin: 16px 0 8px 0; }}
.cbu {{ display: flex; flex-direction: column; min-width: 0; }}
.strip {{ background: {acc}; color: #fff; padding: 2px 8px; font-size: {max(12, fs - 1)}px; white-space: nowrap; }}
.strip .fh, .strip .req {{ color: #fff; }}
.cbody {{ border: 1.5px solid {acc}; border-top: none; padding: 6px 8px; }}
/* shadow */
.sb {{ position: relative; border: 1.5px solid #333; padding: 26px 16px 16px; margin-top: 26px; }}
.badge {{ position: absolute; top: -13px; left: 14px; background: {acc}; color: #fff; padding: 2px 12px; font-weight: bold; }}
/* twinpanel */
.tw {{ display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); column-gap: 28px; }}
.pr2 {{ border-left: 4px double #555; padding-left: 26px; }}
.f-twinpanel .st {{ font-weight: bold; text-decoration: underline; margin: 12px 0 10px 0; }}
/* qatable */
table.qa {{ width: 100%; border-collapse: collapse; margin-top: 6px; }}
.qa th {{ background: {acc}; color: #fff; text-align: left; padding: 5px 10px; }}
.qa td {{ border: 1px solid #8a8a8a; padding: 7px 10px; vertical-align: middle; }}
.qa td.q {{ white-space: nowrap; width: 1%; }}
.qa tr.alt td.q {{ background: {tint}; }}
.qa tr.sr td {{ background: #e2e2e2; font-weight: bold; padding: 4px 10px; }}
.qa td.dc .decl {{ margin: 0; }}
/* circled */
.f-circled .st {{ font-weight: bold; border-bottom: 1.5px solid {acc}; padding-bottom: 3px; margin: 16px 0 10px 0; }}
.cn {{ display: inline-block; box-sizing: border-box; min-width: 19px; height: 19px; border: 1.5px solid {acc}; border-radius: 10px;
       font-size: 12px; line-height: 16px; text-align: center; margin-right: 6px; color: {acc}; vertical-align: 1px; padding: 0 2px; }}
"""

    def page(self):
        body = getattr(self, "b_" + self.fam)()
        lang = "zh-CN" if self.zh else "en"
        return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{E(self.C["title"])}</title>'
                f'<style>{self.css()}</style></head>\n<body class="f-{self.fam}"><div class="page">'
                f'{self.header()}{self.instr()}{body}{self.footer()}</div></body></html>\n')


# ----------------------------------------------------------------------------------------------
# extraction, JSON, checks
# ----------------------------------------------------------------------------------------------
JS = r"""(() => {
  const cv = document.createElement('canvas').getContext('2d');
  const recs = [];
  for (const el of document.querySelectorAll('[data-r]')) {
    const d = el.dataset;
    const rec = {f: +d.f, r: d.r, o: d.o === undefined ? null : +d.o, p: d.p || null};
    if (d.r === 'l' || d.r === 'ot') {
      const rg = document.createRange(); rg.selectNodeContents(el);
      const b = rg.getBoundingClientRect();
      rec.box = [b.left, b.top, b.right, b.bottom]; rec.text = el.textContent;
    } else if (d.r === 'og') {
      const tn = el.firstChild; const rg = document.createRange(); rg.setStart(tn, 0); rg.setEnd(tn, 1);
      const b = rg.getBoundingClientRect();
      const base = el.querySelector('.bl').getBoundingClientRect().top;
      const cs = getComputedStyle(el);
      cv.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      const m = cv.measureText(tn.data);
      rec.box = [b.left - m.actualBoundingBoxLeft, base - m.actualBoundingBoxAscent,
                 b.left + m.actualBoundingBoxRight, base + m.actualBoundingBoxDescent];
      rec.text = tn.data;
    } else {
      const b = el.getBoundingClientRect(); rec.box = [b.left, b.top, b.right, b.bottom];
    }
    recs.push(rec);
  }
  const ov = [];
  for (const el of document.querySelectorAll('.page, .page *')) {
    if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
      ov.push((el.className || el.tagName) + ' ' + el.scrollWidth + '>' + el.clientWidth);
  }
  return {recs, ov};
})()"""


def rbox(b):
    import math
    return [math.floor(b[0] + 1e-3), math.floor(b[1] + 1e-3), math.ceil(b[2] - 1e-3), math.ceil(b[3] - 1e-3)]


def part_value(f, p):
    if f["value"] is None:
        return ""
    y, m, d = f["value"].split("-")
    v = {"year": y, "month": m, "day": d}[p]
    if p != "year" and not f["pad"]:
        v = str(int(v))
    return v


def build_json(fid, C, fam, K, recs, W, Hh):
    F = C["fields"]
    lab, inp, parts, obox, otext = {}, {}, collections.defaultdict(list), {}, {}
    texts = {}
    for r in recs:
        b = rbox(r["box"])
        if r["r"] == "l":
            lab[r["f"]] = b
            texts[("l", r["f"])] = r["text"]
        elif r["r"] == "i":
            inp[r["f"]] = b
        elif r["r"] == "p":
            parts[r["f"]].append((r["p"], b))
        elif r["r"] in ("ob", "og"):
            obox[(r["f"], r["o"])] = b
        elif r["r"] == "ot":
            otext[(r["f"], r["o"])] = b
            texts[("o", r["f"], r["o"])] = r["text"]
    fields = []
    for i, f in enumerate(F):
        if f["kind"] == "text":
            fields.append(dict(label=f["label"], label_box=lab[i], kind="text", input_box=inp[i], key=f["key"], value=f["value"]))
        elif f["kind"] == "date":
            one = f["mode"] == "one"
            fmt = f["fmt"].upper() if one and f["fmt"] and f["fpos"] != "none" else None
            fields.append(dict(label=f["label"], label_box=lab[i], kind="date", key=f["key"], value=f["value"],
                               input_box=inp[i] if one else None, format=fmt,
                               parts=[] if one else [dict(part=p, box=b, value=part_value(f, p)) for p, b in parts[i]]))
        else:
            fields.append(dict(label=f["label"], label_box=lab[i], kind="checkbox", style=JSON_STYLE[f["ostyle"]], input_box=None,
                               key=f["key"], value=f["value"],
                               options=[dict(text=o, text_box=otext[(i, k)], box=obox[(i, k)]) for k, o in enumerate(f["options"])]))
    return dict(id=fid, lang=C["lang"], width=W, height=Hh, image=fid + ".png", layout=layout_desc(C, fam, K),
                profile=C["profile"], fields=fields), texts


def date_style(f, zh):
    if f["mode"] == "one":
        return {"ph": "one box, placeholder", "after": "one box, format after the label", "right": "one box, format right of the box",
                "under": "one box, format under the box", "hint": "one box, format in a hint line", "none": "one box, no format"}[f["fpos"]]
    return {"phbox": "parts, boxes with placeholders", "capabove": "parts, captions above", "capbelow": "parts, captions below",
            "dmy": "parts, Day [ ] Month [ ] Year [ ]", "ulseg": "parts, underline segments, order after the label",
            "zhunit": "parts, boxes followed by 年/月/日", "zhul": "parts, ____年__月__日"}[f["pstyle"]]


OS_NAME = {"sq": "CSS squares", "rd": "CSS circles", "ncb": "native checkboxes", "nrd": "native radios",
           "g☐": "☐ glyphs", "g□": "□ glyphs", "g○": "○ glyphs"}


def layout_desc(C, fam, K):
    F = C["fields"]
    os_ = sorted({OS_NAME[f["ostyle"]] for f in F if f["kind"] == "choice"})
    arr = sorted({f["arr"] for f in F if f["kind"] == "choice"})
    ds = []
    for f in F:
        if f["kind"] == "date":
            d = date_style(f, C["lang"] == "zh")
            if d not in ds:
                ds.append(d)
    return (f"{fam}, {' / '.join(os_)} ({', '.join(arr)}), dates: {' | '.join(ds)}, "
            f"{K['font'].replace('|', ' + ')} {K['fs']}px")


def strip_label(t):
    t = t.strip()
    while t and t[-1] in ":：* \u00a0":
        t = t[:-1].rstrip()
    return t


def gap(a, b):
    dx = max(0, b[0] - a[2], a[0] - b[2])
    dy = max(0, b[1] - a[3], a[1] - b[3])
    return max(dx, dy)


def inter(a, b):
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


KEY_ORDER = {"text": ["label", "label_box", "kind", "input_box", "key", "value"],
             "date": ["label", "label_box", "kind", "key", "value", "input_box", "format", "parts"],
             "checkbox": ["label", "label_box", "kind", "style", "input_box", "key", "value", "options"]}
CANON = {"name", "first_name", "last_name", "id_number", "passport_number", "phone", "email", "address", "city",
         "postcode", "date_of_birth", "gender", "nationality", "occupation", "employer", "emergency_contact", "date",
         "signature"}


def check_schema(J):
    errs = []
    if list(J.keys()) != ["id", "lang", "width", "height", "image", "layout", "profile", "fields"]:
        errs.append("top-level keys")
    for f in J["fields"]:
        if list(f.keys()) != KEY_ORDER[f["kind"]]:
            errs.append(f"keys of {f['label']}")
        if f["key"] is not None and f["key"] not in CANON:
            errs.append(f"key {f['key']}")
        if f["key"] is None and f["value"] is not None:
            errs.append(f"value without key {f['label']}")
        if f["key"] == "signature" and f["value"] is not None:
            errs.append("signature value")
        if f["kind"] == "date":
            if (f["input_box"] is None) == (not f["parts"]):
                errs.append(f"date shape {f['label']}")
            if f["format"] is not None and (f["format"] != f["format"].upper() or f["input_box"] is None):
                errs.append(f"format {f['label']}")
            if f["parts"]:
                if sorted(p["part"] for p in f["parts"]) != ["day", "month", "year"]:
                    errs.append(f"parts {f['label']}")
                for p in f["parts"]:
                    if f["value"] is None:
                        ok = p["value"] == ""
                    else:
                        y, m, d = f["value"].split("-")
                        want = {"year": [y], "month": [m, str(int(m))], "day": [d, str(int(d))]}[p["part"]]
                        ok = p["value"] in want
                    if not ok:
                        errs.append(f"part value {f['label']}")
        if f["kind"] == "checkbox":
            if f["style"] not in ("square", "radio", "glyph"):
                errs.append("style")
            if f["value"] is not None and f["value"] not in [o["text"] for o in f["options"]]:
                errs.append(f"choice value {f['label']}")
    return errs


def check_form(J, texts, ov, png_path, png_size, C):
    errs = check_schema(J)
    W, Hh = J["width"], J["height"]
    im = Image.open(png_path).convert("L")
    px = im.load()
    if png_size > MAX_PNG:
        errs.append(f"png {png_size} bytes")
    if ov:
        errs.append("overflow: " + "; ".join(ov[:3]))
    boxes = []  # (field, role, box)
    for i, f in enumerate(J["fields"]):
        boxes.append((i, "label", f["label_box"]))
        if f["input_box"]:
            boxes.append((i, "input", f["input_box"]))
        for p in f.get("parts") or []:
            boxes.append((i, "part", p["box"]))
        for k, o in enumerate(f.get("options") or []):
            boxes.append((i, f"obox{k}", o["box"]))
            boxes.append((i, f"otext{k}", o["text_box"]))
    for i, role, b in boxes:
        if not (b[2] > b[0] and b[3] > b[1]):
            errs.append(f"empty box {J['fields'][i]['label']} {role}")
        if b[0] < 0 or b[1] < 0 or b[2] > W or b[3] > Hh:
            errs.append(f"box off page {J['fields'][i]['label']} {role} {b}")
    for a in range(len(boxes)):
        ia, ra, ba = boxes[a]
        for c in range(a + 1, len(boxes)):
            ic, rc, bc = boxes[c]
            if ia != ic:
                if inter(ba, bc):
                    errs.append(f"overlap {J['fields'][ia]['label']}/{ra} ~ {J['fields'][ic]['label']}/{rc}")
                elif (ra == "label" or rc == "label") and gap(ba, bc) < 4:
                    errs.append(f"label gap {J['fields'][ia]['label']}/{ra} ~ {J['fields'][ic]['label']}/{rc}")
            elif inter(ba, bc):
                # same field: option boxes / texts / parts must not overlap each other or the label
                errs.append(f"self overlap {J['fields'][ia]['label']} {ra}~{rc}")
    for i, f in enumerate(J["fields"]):
        if strip_label(texts[("l", i)]) != f["label"]:
            errs.append(f"label text {texts[('l', i)]!r} != {f['label']!r}")
        tb = [f["label_box"]] + [o["text_box"] for o in f.get("options") or []]
        for k, o in enumerate(f.get("options") or []):
            if texts[("o", i, k)].strip() != o["text"]:
                errs.append(f"option text {texts[('o', i, k)]!r}")
        for b in tb:
            lo, hi = im.crop(tuple(b)).getextrema()
            if hi - lo < 80:
                errs.append(f"no ink in {f['label']} {b}")
        if f["kind"] == "checkbox" and f["style"] == "glyph":
            for o in f["options"]:
                b = o["box"]
                win = (max(0, b[0] - 3), max(0, b[1] - 3), min(W, b[2] + 3), min(Hh, b[3] + 3))
                ink = im.crop(win).point(lambda v: 255 if v < 150 else 0).getbbox()
                if ink is None:
                    errs.append(f"glyph without ink {f['label']}")
                    continue
                ib = (ink[0] + win[0], ink[1] + win[1], ink[2] + win[0], ink[3] + win[1])
                if max(abs(ib[j] - b[j]) for j in range(4)) > 2:
                    errs.append(f"glyph box {b} vs ink {ib} ({f['label']})")
        ps = f.get("parts") or []
        for a, c in zip(ps, ps[1:]):
            if c["box"][0] < a["box"][2]:
                errs.append(f"parts not left to right {f['label']}")
    # content rules
    ds = [f for f in J["fields"] if f["kind"] == "date"]
    if not any(f["input_box"] and f["format"] for f in ds) or not any(f["parts"] for f in ds):
        errs.append("needs a one-box date with a format and a date in parts")
    for f in J["fields"]:
        if f["key"] == "id_number" and f["value"] and C["lang"] == "zh":
            v = f["value"]
            if id_check(v[:17]) != v[17] or v[6:14] != C["person"]["date_of_birth"].replace("-", ""):
                errs.append("bad ID number")
    return errs


# ----------------------------------------------------------------------------------------------
# main
# ----------------------------------------------------------------------------------------------
def plan(seed, count):
    rng = random.Random(f"{seed}/plan")
    en_ids = [n for n in range(1, count + 1) if n % 2 == 1]
    zh_ids = [n for n in range(1, count + 1) if n % 2 == 0]
    fam = {}
    for ids in (en_ids, zh_ids):
        fl = (LAYOUTS * ((len(ids) + 10) // 11 + 1))
        fl = [f for f in LAYOUTS for _ in range(2)] + LAYOUTS * ((len(ids)) // 11 + 1)
        fl = fl[:len(ids)]
        rng.shuffle(fl)
        fam.update(zip(ids, fl))
    en_t = list(range(len(EN_THEMES)))
    zh_t = list(range(len(ZH_THEMES)))
    rng.shuffle(en_t)
    rng.shuffle(zh_t)
    theme = {}
    for k, n in enumerate(en_ids):
        theme[n] = EN_THEMES[en_t[k % len(en_t)]]
    for k, n in enumerate(zh_ids):
        theme[n] = ZH_THEMES[zh_t[k % len(zh_t)]]
    roman = set(rng.sample(en_ids, min(3, len(en_ids))))
    # fonts dealt in shuffled rounds
    font = {}
    for ids, fonts in ((en_ids, EN_FONTS), (zh_ids, ZH_FONTS)):
        deck = []
        for n in ids:
            if not deck:
                deck = list(fonts)
                rng.shuffle(deck)
            font[n] = deck.pop()
    return fam, theme, roman, font


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1515)
    ap.add_argument("--count", type=int, default=44)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for fn in os.listdir(a.out):
        if fn.startswith("o_") and fn.split(".")[-1] in ("html", "png", "json", "jpg"):
            os.remove(os.path.join(a.out, fn))
    if DEBUG:
        os.makedirs("/tmp/heldout_o_debug", exist_ok=True)
    fam, theme, roman, font = plan(a.seed, a.count)
    stats = collections.Counter()
    tries = collections.Counter()
    famids = collections.defaultdict(list)
    allJ = []
    with Browser() as br:
        for n in range(1, a.count + 1):
            fid = f"o_{n:02d}"
            lang = "en" if n % 2 == 1 else "zh"
            C = build_content(random.Random(f"{a.seed}/{fid}/content"), lang, theme[n], fam[n], n in roman)
            for att in range(8):
                crng = random.Random(f"{a.seed}/{fid}/cos/{att}")
                deal = font[n] if att == 0 else crng.choice(EN_FONTS if lang == "en" else ZH_FONTS)
                K = make_cos(crng, lang, fam[n], deal, att)
                html = R(C, K, fam[n]).page()
                try:
                    png, data, (W, Hh) = br.render(html, K["width"], JS)
                except Exception as ex:  # content wider than the page and the like
                    errs, J = [f"render: {ex}"], None
                else:
                    buf = os.path.join(a.out, fid + ".png")
                    save_png(png, buf, grayscale=K["gray"])
                    size = os.path.getsize(buf)
                    J, texts = build_json(fid, C, fam[n], K, data["recs"], W, Hh)
                    errs = check_form(J, texts, data["ov"], buf, size, C)
                if not errs:
                    break
                print(f"{fid} attempt {att + 1} rejected: {errs[:4]}", file=sys.stderr)
                if DEBUG:
                    with open(f"/tmp/heldout_o_debug/{fid}_{att}.html", "w", encoding="utf-8") as fh:
                        fh.write(html)
                    if J is not None:
                        with open(f"/tmp/heldout_o_debug/{fid}_{att}.json", "w", encoding="utf-8") as fh:
                            json.dump(J, fh, ensure_ascii=False, indent=1)
            else:
                raise SystemExit(f"{fid}: no draw passed the checks after 8 attempts: {errs}")
            tries[att + 1] += 1
            with open(os.path.join(a.out, fid + ".html"), "w", encoding="utf-8") as fh:
                fh.write(html)
            with open(os.path.join(a.out, fid + ".json"), "w", encoding="utf-8") as fh:
                json.dump(J, fh, ensure_ascii=False, indent=1)
                fh.write("\n")
            famids[fam[n]].append((lang, fid))
            allJ.append((J, C, K, fam[n]))
    report(allJ, famids, tries, a.out)


def report(allJ, famids, tries, out):
    P = print
    P(f"forms: {len(allJ)}; attempts: {dict(sorted(tries.items()))}")
    P("families: " + ", ".join(f"{f} " + " ".join(x for _, x in sorted(famids[f], key=lambda t: (t[0], t[1])))
                               for f in LAYOUTS if f in famids))
    kinds = collections.Counter()
    keyed = unf = 0
    due = collections.Counter()
    dst = collections.Counter()
    ost = collections.Counter()
    arr = collections.Counter()
    fmts = collections.Counter()
    orders = collections.Counter()
    jstyle = collections.Counter()
    keycount = collections.Counter()
    fonts = collections.Counter()
    sizes = collections.Counter()
    widths, heights, pngs = [], [], []
    nf = []
    omit = collections.Counter()
    for J, C, K, fam in allJ:
        lang = J["lang"]
        nf.append(len(J["fields"]))
        fonts[K["font"].replace("|", " + ")] += 1
        sizes[K["fs"]] += 1
        widths.append(J["width"])
        heights.append(J["height"])
        pngs.append(os.path.getsize(os.path.join(out, J["image"])))
        omit[C["omit"]] += 1
        for f, sf in zip(J["fields"], C["fields"]):
            k = f["kind"]
            sub = k
            if k == "date":
                sub = "date one-box" if f["input_box"] else "date parts"
                dst[(date_style(sf, lang == "zh"), lang)] += 1
                if f["input_box"]:
                    fmts[f["format"] or "none"] += 1
                else:
                    orders[(lang, "-".join(p["part"][0].upper() for p in f["parts"]))] += 1
            if k == "checkbox":
                ost[(OS_NAME[sf["ostyle"]], lang)] += 1
                arr[sf["arr"]] += 1
                jstyle[f["style"]] += 1
            kinds[(sub, lang)] += 1
            if f["key"]:
                keyed += 1
                keycount[f["key"]] += 1
                if f["value"] is None:
                    unf += 1
                else:
                    due[sub] += 1
    tot = sum(nf)
    P(f"fields: {tot} (per form {min(nf)}-{max(nf)})")
    for sub in ("text", "date one-box", "date parts", "checkbox"):
        P(f"  {sub}: {kinds[(sub, 'en')] + kinds[(sub, 'zh')]} (en {kinds[(sub, 'en')]} / zh {kinds[(sub, 'zh')]})")
    P(f"keyed {keyed}, of them unfillable (value null) {unf}; key null {tot - keyed}")
    P(f"values due: {sum(due.values())} ({dict(due)})")
    P(f"keys: {dict(keycount.most_common())}")
    P(f"profiles leaving n keyed fields unfilled (signature not counted): {dict(sorted(omit.items()))}")
    P("date styles (en / zh):")
    for s in sorted({s for s, _ in dst}):
        P(f"  {s}: {dst[(s, 'en')]} / {dst[(s, 'zh')]}")
    P(f"one-box formats: {dict(fmts.most_common())}")
    P(f"part orders: {dict(sorted(orders.items()))}")
    P("option styles (en / zh):")
    for s in OS_NAME.values():
        P(f"  {s}: {ost[(s, 'en')]} / {ost[(s, 'zh')]}")
    P(f"JSON styles: {dict(jstyle)}; arrangements: {dict(arr)}")
    P(f"fonts: {dict(fonts.most_common())}")
    P(f"sizes: {dict(sorted(sizes.items()))}")
    P(f"pages: {min(widths)}-{max(widths)} px wide, {min(heights)}-{max(heights)} px high; PNG max {max(pngs) // 1024} KB")


if __name__ == "__main__":
    main()
