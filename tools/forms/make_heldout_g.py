#!/usr/bin/env python3
"""Held-out blank-form corpus G (v2 ground-truth format).

    python3 tools/forms/make_heldout_g.py --out /tmp/forms_heldout_g --seed 707 --count 44
    python3 tools/forms/make_scans.py --in /tmp/forms_heldout_g --seed 98

Writes g_01 ... g_NN (odd numbers English, even numbers Simplified Chinese): g_NN.html (the
source that was laid out), g_NN.png (headless Chromium via tools/cdp_render.py, device scale
factor 1) and g_NN.json (v2 format, every box read from the DOM after layout).  Eleven layout
families (each on 2 English + 2 Chinese forms of 44), 44 themes, many date and option styles.
Self-checks after layout; a failing form is drawn again with other cosmetic draws (up to 10
times), then the script stops with an error.  Deterministic for a seed.
HELDOUT_G_DEBUG=1 prints rejected attempts.
"""

import argparse
import io
import json
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from cdp_render import Browser  # noqa: E402

from PIL import Image  # noqa: E402

DEBUG = bool(os.environ.get("HELDOUT_G_DEBUG"))
MAX_PNG = 150 * 1024

# ----------------------------------------------------------------------------------------------
# people
EN_PEOPLE = [
    ("Oliver", "Hughes", "M"), ("Amelia", "Barker", "F"), ("Rahul", "Menon", "M"), ("Sophie", "Delacroix", "F"),
    ("Daniel", "O'Connor", "M"), ("Grace", "Whitfield", "F"), ("Marcus", "Lindqvist", "M"), ("Hannah", "Okafor", "F"),
    ("Thomas", "Brennan", "M"), ("Isla", "McKenzie", "F"), ("Victor", "Alvarez", "M"), ("Chloe", "Fairbanks", "F"),
    ("Samuel", "Petrov", "M"), ("Natalie", "Greenwood", "F"), ("Ethan", "Sinclair", "M"), ("Priya", "Raman", "F"),
    ("George", "Abernathy", "M"), ("Leah", "Goldberg", "F"), ("Kwame", "Mensah", "M"), ("Ruby", "Calloway", "F"),
    ("Henry", "Ashworth", "M"), ("Zoe", "Marchetti", "F"),
]
ROMAN_PEOPLE = [("Wei", "Zhang", "M"), ("Xiaoling", "Chen", "F"), ("Haoran", "Liu", "M"), ("Yuting", "Wang", "F")]
ZH_PEOPLE = [
    ("张伟明", "M"), ("李晓燕", "F"), ("王建国", "M"), ("刘思琪", "F"), ("陈志强", "M"), ("杨雪梅", "F"),
    ("赵海涛", "M"), ("黄丽娟", "F"), ("周子豪", "M"), ("吴静怡", "F"), ("徐国栋", "M"), ("孙佳慧", "F"),
    ("胡振华", "M"), ("朱婷婷", "F"), ("高文博", "M"), ("林雨萱", "F"), ("何俊杰", "M"), ("郭美玲", "F"),
    ("马超群", "M"), ("罗欣怡", "F"), ("梁家辉", "M"), ("宋晓琳", "F"),
]
EN_ADDR = [
    ("14 Larch Crescent", "Leeds", "LS6 2QT"), ("221 Maple Avenue, Apt 5B", "Portland", "97205"),
    ("3 Harbour View Road", "Wellington", "6011"), ("78 Kingfisher Way", "Bristol", "BS7 9PL"),
    ("1190 Cedar Street", "Denver", "80203"), ("52 Rosewood Drive", "Brisbane", "4006"),
    ("9 Old Mill Lane", "Cork", "T12 X2P4"), ("405 Birch Boulevard", "Toronto", "M4C 1B5"),
    ("17 Station Parade", "Norwich", "NR2 4AB"), ("66 Orchard Close", "Adelaide", "5067"),
    ("1208 Sycamore Court", "Austin", "78704"),
]
ZH_ADDR = [
    ("北京市朝阳区望京西路48号院3号楼1202室", "北京", "100102"), ("上海市浦东新区张杨路1588号", "上海", "200122"),
    ("广州市天河区体育西路103号维多利广场B座", "广州", "510620"), ("杭州市西湖区文三路259号", "杭州", "310012"),
    ("成都市武侯区人民南路四段27号", "成都", "610041"), ("南京市鼓楼区中山北路30号", "南京", "210008"),
    ("武汉市洪山区珞喻路1037号", "武汉", "430074"), ("深圳市南山区科技园南区高新南七道", "深圳", "518057"),
    ("西安市雁塔区小寨东路126号", "西安", "710061"), ("天津市和平区南京路219号", "天津", "300051"),
]
ZH_REGION = ["110105", "310115", "440106", "330106", "510107", "320106", "420111", "440305", "610113", "120101"]
EN_JOBS = [("Civil engineer", "Arup Group"), ("Nurse", "St Mary's Hospital"), ("Accountant", "Hartley & Moss LLP"),
           ("Teacher", "Riverside Primary School"), ("Software developer", "Bluefin Systems Ltd"),
           ("Pharmacist", "Greenleaf Pharmacy"), ("Electrician", "Brightwire Services"),
           ("Graphic designer", "Studio Northlight"), ("Retired", ""), ("Librarian", "City Central Library")]
ZH_JOBS = [("工程师", "中建三局集团有限公司"), ("教师", "杭州市第二中学"), ("会计", "华润万家有限公司"), ("护士", "四川大学华西医院"),
           ("软件工程师", "深圳市腾云科技有限公司"), ("销售经理", "上海嘉实贸易有限公司"), ("医生", "南京鼓楼医院"),
           ("公务员", "武汉市洪山区人民政府"), ("退休", ""), ("设计师", "北京青木设计工作室")]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def id_check(s17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(c) * k for c, k in zip(s17, w)) % 11]


def cn_id(rng, dob, sex):
    seq = rng.randint(10, 99) * 10 + (rng.choice([1, 3, 5, 7, 9]) if sex == "M" else rng.choice([0, 2, 4, 6, 8]))
    s17 = rng.choice(ZH_REGION) + dob.replace("-", "") + f"{seq:03d}"
    return s17 + id_check(s17)


def spell_date(rng, iso, lang, allow_slash=True):
    y, m, d = (int(x) for x in iso.split("-"))
    opts = ["iso", "cn", "dot", "long_us", "long_uk"]
    if d > 12 and allow_slash:
        opts.append("slash")
    if lang == "zh":
        opts += ["cn", "cn", "iso"]
    s = rng.choice(opts)
    return {"iso": iso, "cn": f"{y}年{m}月{d}日", "dot": f"{y}.{m:02d}.{d:02d}",
            "long_us": f"{MONTHS[m - 1]} {d}, {y}", "long_uk": f"{d} {MONTHS[m - 1]} {y}",
            "slash": f"{d:02d}/{m:02d}/{y}"}[s]


# ----------------------------------------------------------------------------------------------
# themes: (title, org, code prefix, [(section heading, [field specs])])
# field spec: "t:Label" text, "a:Label" tall text, "d:Label" date (key null), "o:Label:A|B|C" options
EN_THEMES = [
    ("Drone Operator Registration", "Civil Aviation Safety Office", "DOR",
     [("Aircraft details", ["t:Drone make and model", "t:Serial number", "o:Weight class:Under 250 g|250 g - 2 kg|Over 2 kg",
                            "o:Intended use:Recreational|Commercial"])]),
    ("Home Care Assessment Request", "Westbridge Council Adult Services", "HCA",
     [("Support needed", ["o:Lives alone:Yes|No", "t:GP practice", "a:Describe the help you need", "d:Preferred visit date"])]),
    ("Apiary Registration", "National Bee Health Unit", "APR",
     [("Apiary", ["t:Apiary location", "t:Number of hives", "o:Type of hive:National|Langstroth|Top bar"]),
      ("Experience", ["t:Years beekeeping", "o:Association member:Yes|No"])]),
    ("Open Chess Tournament Entry", "Northgate Chess Congress", "CHS",
     [("Tournament", ["t:FIDE ID", "t:Current rating", "o:Section:Open|Major|Minor", "o:Bye requested:Yes|No"])]),
    ("Evening Language Course Enrolment", "Eastfield Adult College", "ELC",
     [("Course", ["t:Course title", "t:Course code", "o:Level:Beginner|Intermediate|Advanced",
                  "o:Session:Monday|Wednesday|Thursday"])]),
    ("Marina Mooring Permit Application", "Port Kessock Harbour Trust", "MMP",
     [("Vessel", ["t:Vessel name", "t:Length overall (m)", "o:Mooring type:Pontoon|Swing|Dry stack", "d:Start of mooring"])]),
    ("Cemetery Plot Purchase", "Hillcrest Memorial Gardens", "CPP",
     [("Plot", ["t:Section and plot no.", "o:Plot type:Single|Double|Cremation"]),
      ("Deed holder", ["t:Relationship to deceased", "o:Memorial permit:Yes|No"])]),
    ("Open Art Competition Entry", "Harbourside Arts Trust", "ART",
     [("Artwork", ["t:Title of work", "t:Medium", "t:Dimensions (cm)", "t:Sale price", "o:Category:Painting|Sculpture|Print"])]),
    ("Heritage Building Repair Grant", "Historic Places Fund", "HBG",
     [("Property", ["t:Property address", "t:Listing grade", "a:Proposed works", "t:Estimated cost"])]),
    ("Community Choir Audition", "Riverside Festival Chorus", "CHA",
     [("Voice", ["o:Voice part:Soprano|Alto|Tenor|Bass", "t:Audition piece", "o:Read music:Yes|No"])]),
    ("Student Housing Application", "Kingsbury University Residences", "SHA",
     [("Study", ["t:Student number", "t:Course of study"]),
      ("Preferences", ["o:Room type:Standard|En-suite|Studio", "o:Catered:Yes|No", "d:Arrival date"])]),
    ("Observatory Night Booking", "Mount Aldine Observatory", "OBN",
     [("Visit", ["d:Requested night", "t:Group size", "o:Telescope session:Planets|Deep sky"])]),
    ("Concession Bus Pass Application", "Metro Transport Authority", "BUS",
     [("Eligibility", ["o:Concession type:Senior|Disability|Student", "t:Card number (if renewing)"])]),
    ("Scuba Diver Medical Statement", "Blue Reef Dive Centre", "SDM",
     [("Medical", ["o:Asthma:Yes|No", "o:Heart condition:Yes|No", "t:Doctor's name", "t:Certification level"])]),
    ("Youth Hostel Membership", "Trailways Hostelling Association", "YHM",
     [("Membership", ["o:Membership:Individual|Family|Group", "o:Newsletter:Yes|No", "t:Member no. (if renewing)"])]),
    ("Park Photography Permit", "Greenvale Parks Department", "PPP",
     [("Shoot", ["t:Location in park", "d:Shoot date", "t:Crew size", "o:Commercial:Yes|No"])]),
    ("Hackathon Registration", "CodeHarbour Foundation", "HKR",
     [("Team", ["t:Team name", "t:GitHub username", "o:T-shirt size:S|M|L|XL", "o:Dietary needs:None|Vegetarian|Vegan"])]),
    ("Tree Removal Permit Application", "Ashdown Borough Council", "TRP",
     [("Tree", ["t:Site address", "t:Species", "t:Trunk diameter (cm)", "a:Reason for removal"])]),
    ("Rooftop Solar Site Survey", "SunRoof Energy Co-operative", "SOL",
     [("Property", ["o:Roof type:Tile|Metal|Flat", "t:Roof orientation", "t:Annual usage (kWh)", "d:Preferred survey date"])]),
    ("Riding Lesson Booking", "Oakfield Equestrian Centre", "RLB",
     [("Rider", ["t:Height (cm)", "t:Weight (kg)", "o:Experience:None|Some|Confident", "d:Lesson date"])]),
    ("Pest Control Service Request", "ClearHome Pest Services", "PCS",
     [("Problem", ["o:Pest:Rodents|Wasps|Bed bugs|Other", "t:Rooms affected", "a:Description"])]),
    ("Theatre Season Ticket Order", "Royal Crescent Playhouse", "TST",
     [("Subscription", ["o:Package:Full season|Pick 5|Pick 3", "t:Seat preference", "t:Number of seats"])]),
]
ZH_THEMES = [
    ("民用无人机实名登记表", "民用航空安全管理办公室", "WRJ",
     [("无人机信息", ["t:品牌型号", "t:产品序列号", "o:重量等级:250克以下|250克至7千克|7千克以上", "o:用途:个人娱乐|商业作业"])]),
    ("居家养老服务申请表", "街道社区养老服务中心", "JJYL",
     [("服务需求", ["o:是否独居:是|否", "t:签约家庭医生", "a:服务需求说明", "d:期望上门日期"])]),
    ("业余棋类比赛报名表", "市棋类运动协会", "QLBS",
     [("参赛信息", ["o:参赛项目:围棋|象棋|国际象棋", "t:棋协等级", "t:所在俱乐部"])]),
    ("成人夜校课程报名表", "市工人文化宫职工学校", "YXBM",
     [("课程选择", ["t:课程名称", "t:课程编号", "o:上课时间:周一晚|周三晚|周六上午"])]),
    ("游艇泊位租用申请表", "滨海游艇码头管理处", "YTBW",
     [("船舶信息", ["t:船名", "t:船长（米）", "o:泊位类型:浮码头|系泊浮筒|陆上存放", "d:起租日期"])]),
    ("公墓墓位认购登记表", "青松园公墓管理处", "GMDJ",
     [("墓位信息", ["t:墓区及编号", "o:墓位类型:单穴|双穴|骨灰格位", "t:与逝者关系"])]),
    ("书画大赛参赛报名表", "市书法美术家协会", "SHDS",
     [("作品信息", ["t:作品名称", "o:作品类别:书法|国画|油画", "t:作品尺寸", "o:是否原创:是|否"])]),
    ("历史建筑修缮补助申请表", "市历史文化名城保护委员会", "LSJZ",
     [("建筑信息", ["t:建筑地址", "t:保护级别", "a:修缮内容", "t:预算金额（元）"])]),
    ("合唱团团员招募报名表", "市少年宫合唱团", "HCT",
     [("声部信息", ["o:声部:女高音|女低音|男高音|男低音", "o:能否识谱:能|不能", "t:演唱曲目"])]),
    ("学生公寓入住申请表", "大学后勤服务集团", "XSGY",
     [("学籍信息", ["t:学号", "t:院系专业"]), ("住宿意向", ["o:房型:四人间|双人间|单人间", "d:入住日期"])]),
    ("天文台公众观测预约单", "紫金山天文科普基地", "TWYY",
     [("预约信息", ["d:观测日期", "t:参观人数", "o:观测项目:行星|深空天体"])]),
    ("老年人公交卡办理申请表", "市公共交通集团", "LNGJ",
     [("办卡信息", ["o:卡类型:敬老卡|爱心卡", "t:原卡号（补办填写）", "o:领卡方式:网点自取|邮寄"])]),
    ("潜水体检声明表", "蓝湾潜水俱乐部", "QSTJ",
     [("健康状况", ["o:是否有哮喘:是|否", "o:是否有心脏病:是|否", "t:潜水证书等级"])]),
    ("青年旅舍会员申请表", "国际青年旅舍中国分会", "QNLS",
     [("会员类型", ["o:会员类型:个人会员|家庭会员|团体会员", "o:订阅资讯:是|否"])]),
    ("景区影视拍摄许可申请表", "西山风景区管理委员会", "YSPS",
     [("拍摄信息", ["t:拍摄地点", "d:拍摄日期", "t:剧组人数", "o:是否商业拍摄:是|否"])]),
    ("编程马拉松报名表", "开源创新基金会", "BCML",
     [("队伍信息", ["t:队伍名称", "t:GitHub账号", "o:T恤尺码:S|M|L|XL"])]),
    ("树木砍伐迁移许可申请表", "区园林绿化局", "SMKF",
     [("树木信息", ["t:树木所在地址", "t:树种", "t:胸径（厘米）", "a:申请理由"])]),
    ("家庭光伏安装勘察登记表", "阳光屋顶新能源合作社", "GFKC",
     [("房屋信息", ["o:屋顶类型:瓦屋顶|彩钢屋顶|平屋顶", "t:屋顶面积（平方米）", "d:期望勘察日期"])]),
    ("马术课程预约单", "橡树林马术俱乐部", "MSKC",
     [("学员信息", ["t:身高（厘米）", "t:体重（公斤）", "o:骑乘经验:无|初级|熟练", "d:上课日期"])]),
    ("共享单车年卡申请表", "城市慢行交通服务公司", "DCNK",
     [("年卡信息", ["o:年卡类型:标准卡|学生卡|长者卡", "t:常用站点"])]),
    ("除虫灭鼠服务申请单", "洁家有害生物防治公司", "CCMS",
     [("问题描述", ["o:虫害种类:鼠类|蟑螂|白蚁|其他", "t:受影响房间", "a:情况说明"])]),
    ("剧院演出季套票订购单", "大剧院票务中心", "JYTP",
     [("订购信息", ["o:套票类型:全季套票|任选五场|任选三场", "t:座位偏好", "t:订购张数"])]),
]

FAMILIES = ["fold", "caption", "floating", "cards", "rowtable", "numbered", "senior", "lined", "rightlab",
            "bilingual", "spangrid"]
FAMILY_DESC = {
    "fold": "two-page spread with a dashed fold gutter, labels above boxes",
    "caption": "underline rules with the label as a caption in parentheses under the line",
    "floating": "floating labels: grey label at the top-left inside each rounded box",
    "cards": "rounded shadowed cards, right-aligned labels left of dashed / rounded boxes",
    "rowtable": "numbered table rows: No. | item (label) | entry cell (the input)",
    "numbered": "government style, every field numbered, character combs for name / postcode / phone / ID",
    "senior": "large-print senior-friendly form, 20-24 px, labels above heavy boxes",
    "lined": "lined-paper tint, inline label + underline on the ruled lines",
    "rightlab": "labels to the right of their inputs (stub captions after the box)",
    "bilingual": "bilingual ZH/EN labels (stacked or inline) left of inputs",
    "spangrid": "tight 4-column grid, labels above underlines that run across the columns",
}
EN_FONTS = ["'Liberation Sans'", "'Liberation Serif'", "'DejaVu Sans'", "'DejaVu Serif'", "'Noto Sans'",
            "'Noto Serif'", "'Liberation Sans Narrow'"]
ZH_FONTS = ["'Noto Sans CJK SC'", "'Noto Serif CJK SC'", "'WenQuanYi Zen Hei'", "'Liberation Serif', 'Noto Serif CJK SC'",
            "'DejaVu Sans', 'WenQuanYi Zen Hei'", "'Noto Sans', 'Noto Sans CJK SC'"]

EN_DATE_STYLES = ["ph", "native_ph", "after", "under", "none", "boxes_sep", "uline_cap", "select", "comb", "dmy_inline"]
ZH_DATE_STYLES = ["ph", "native_ph", "after", "none", "boxes_sep", "nian_uline", "nian_box", "nian_comb", "nian_select"]
OPT_STYLES = ["css_sq", "css_circ", "nat_cb", "nat_rad", "glyph_sq", "glyph_box", "glyph_circ"]
OPT_KIND = {"css_sq": "square", "nat_cb": "square", "css_circ": "radio", "nat_rad": "radio",
            "glyph_sq": "glyph", "glyph_box": "glyph", "glyph_circ": "glyph"}
GLYPH = {"glyph_sq": "☐", "glyph_box": "□", "glyph_circ": "○"}

L = {  # labels per key
    "name": (["Full name", "Name", "Applicant's name", "Name in full"], ["姓名", "申请人姓名", "姓　名"]),
    "first_name": (["First name", "Given name(s)", "Forename"], ["名"]),
    "last_name": (["Surname", "Last name", "Family name"], ["姓"]),
    "gender": (["Sex", "Gender"], ["性别", "性　别"]),
    "date_of_birth": (["Date of birth", "Birth date", "D.O.B."], ["出生日期", "出生年月日"]),
    "id_number": (["National ID number", "ID card number", "Identity number"], ["身份证号码", "公民身份号码", "证件号码"]),
    "passport_number": (["Passport number", "Passport No."], ["护照号码"]),
    "nationality": (["Nationality", "Citizenship"], ["国籍"]),
    "phone": (["Phone", "Mobile number", "Telephone", "Contact number"], ["联系电话", "手机号码", "电话"]),
    "email": (["Email", "E-mail address", "Email address"], ["电子邮箱", "邮箱", "E-mail"]),
    "address": (["Address", "Home address", "Residential address", "Street address"], ["住址", "家庭住址", "通讯地址", "现居住地址"]),
    "city": (["City", "Town / City", "Town"], ["城市", "所在城市"]),
    "postcode": (["Postcode", "ZIP code", "Postal code"], ["邮政编码", "邮编"]),
    "occupation": (["Occupation", "Profession"], ["职业"]),
    "employer": (["Employer", "Company / employer"], ["工作单位", "单位名称"]),
    "emergency_contact": (["Emergency contact", "Next of kin"], ["紧急联系人"]),
    "signature": (["Signature", "Signature of applicant", "Applicant's signature"], ["申请人签名", "签名", "本人签字"]),
    "date": (["Date", "Date signed", "Today's date"], ["日期", "签名日期", "填表日期"]),
}
PKEYS = {  # profile spellings: (canonical, variants, chinese)
    "name": ["name", "full_name", "Name"], "first_name": ["first_name", "given_name", "First name"],
    "last_name": ["last_name", "surname", "family_name"], "gender": ["gender", "sex", "Sex"],
    "date_of_birth": ["date_of_birth", "dob", "birth_date", "DOB"], "id_number": ["id_number", "ID", "id_no"],
    "passport_number": ["passport_number", "passport", "Passport No"], "nationality": ["nationality", "Nationality"],
    "phone": ["phone", "Mobile", "tel", "telephone", "mobile_phone"], "email": ["email", "E-mail", "e_mail", "Email"],
    "address": ["address", "home_address", "Address"], "city": ["city", "town", "City"],
    "postcode": ["postcode", "zip", "postal_code", "post_code"], "occupation": ["occupation", "job", "Occupation"],
    "employer": ["employer", "company", "Employer"], "emergency_contact": ["emergency_contact", "Emergency contact", "ice_contact"],
    "date": ["date", "Date", "today"],
}
ZKEYS = {"name": "姓名", "gender": "性别", "date_of_birth": "出生日期", "id_number": "身份证号码", "phone": "手机",
         "email": "邮箱", "address": "地址", "city": "城市", "postcode": "邮编", "occupation": "职业", "employer": "工作单位",
         "emergency_contact": "紧急联系人", "nationality": "国籍", "date": "日期", "passport_number": "护照号码"}


def h(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ----------------------------------------------------------------------------------------------
class Field:
    def __init__(self, kind, label, key=None, **kw):
        self.kind, self.label, self.key = kind, label, kw.pop("realkey", key)
        self.pkey = key  # semantic key for value lookup
        self.options = kw.pop("options", None)
        self.tall = kw.pop("tall", False)
        self.comb = kw.pop("comb", 0)
        self.dstyle = kw.pop("dstyle", None)
        self.order = kw.pop("order", "DMY")
        self.sep = kw.pop("sep", "/")
        self.ostyle = kw.pop("ostyle", None)
        self.right = kw.pop("right", False)
        self.stack = kw.pop("stack", False)
        self.wide = kw.pop("wide", False)
        self.req = kw.pop("req", False)
        self.value = None
        self.fmt = None
        self.partnames = []
        self.partpad = True


def fmt_for(order, sep, lang, style):
    if style in ("nian_uline", "nian_box", "nian_comb", "nian_select"):
        return None
    tok = {"D": "DD", "M": "MM", "Y": "YYYY"}
    if lang == "zh" and sep == "年":
        return "YYYY年MM月DD日"
    return sep.join(tok[c] for c in order)


class Form:
    def __init__(self, idx, lang, family, theme, rng, seed):
        self.idx, self.lang, self.family, self.theme, self.rng = idx, lang, family, theme, rng
        self.id = f"g_{idx:02d}"
        self.fields = []
        self.sections = []  # (heading, [field idx])
        self.profile = {}
        self.hard = None


def build_content(idx, lang, family, theme, seed, gender_plan, due_plan):
    """Semantic content of a form (fields, person, profile) — independent of cosmetic draws."""
    rng = random.Random(f"{seed}/content/{idx}")
    zh = lang == "zh"
    f = Form(idx, lang, family, theme, rng, seed)
    # person
    if zh:
        pname, sex = ZH_PEOPLE[(idx // 2 - 1) % len(ZH_PEOPLE)]
        first = last = None
    elif rng.random() < 0.15:
        first, last, sex = rng.choice(ROMAN_PEOPLE)
        pname = f"{first} {last}"
    else:
        first, last, sex = EN_PEOPLE[(idx // 2) % len(EN_PEOPLE)]
        pname = f"{first} {last}"
    chinese_person = zh or (first, last, sex) in ROMAN_PEOPLE
    y = rng.randint(1948, 2005) if family != "senior" else rng.randint(1940, 1960)
    dob = f"{y}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    today = f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}"
    addr, city, pc = rng.choice(ZH_ADDR if zh else EN_ADDR)
    job, emp = rng.choice(ZH_JOBS if zh else EN_JOBS)
    if zh:
        phone = "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))
        email = rng.choice(["zhang", "li.xy", "wangjg", "sq.liu", "chenzq", "ym.yang", "zht88", "lijuan"]) + \
            str(rng.randint(10, 999)) + rng.choice(["@163.com", "@qq.com", "@126.com", "@sina.com"])
        ec = rng.choice(["李建华 13912345678", "王芳 13800138000", "张磊（配偶）13711112222", "刘红 18688886666"])
    else:
        phone = rng.choice(["+44 7700 900", "(503) 555-0", "+61 412 555 ", "07911 123"]) + str(rng.randint(100, 999))
        email = f"{(first or 'a')[0].lower()}.{(last or 'b').lower().replace(chr(39), '')}{rng.randint(1, 99)}@" + \
            rng.choice(["example.com", "mailbox.org", "outlook.com", "gmail.com"])
        ec = rng.choice(["Margaret Hughes (mother) 07700 900123", "Paul Barker, 555-0188", "Anita Menon +61 400 555 201",
                         "James Reid (partner) 0161 555 0142"])
    idn = cn_id(rng, dob, sex) if chinese_person else None
    passport = None
    if not zh and not chinese_person and rng.random() < 0.4:
        passport = rng.choice(["5", "1", "P"]) + "".join(rng.choice("0123456789") for _ in range(8))
    if chinese_person and not zh:
        passport = "E" + "".join(rng.choice("0123456789") for _ in range(8))
    natl = ("中国" if zh else ("Chinese" if chinese_person else rng.choice(["British", "Irish", "Australian", "Canadian", "American", "New Zealander"])))
    vals = {"name": pname, "first_name": first, "last_name": last, "gender": sex, "date_of_birth": dob,
            "id_number": idn, "passport_number": passport, "nationality": natl, "phone": phone, "email": email,
            "address": addr, "city": city, "postcode": pc, "occupation": job, "employer": emp or None,
            "emergency_contact": ec, "date": today}

    # applicant section keys
    keys = []
    split = (not zh) and rng.random() < 0.3
    keys += ["first_name", "last_name"] if split else ["name"]
    has_gender = gender_plan[0]
    if has_gender:
        keys.append("gender")
    keys.append("date_of_birth")
    if chinese_person and zh:
        keys.append("id_number")
    elif chinese_person:
        keys.append("passport_number")
    elif passport or rng.random() < 0.3:
        keys.append("passport_number" if passport else "id_number")
    pool = ["nationality", "phone", "email", "address", "city", "postcode", "occupation", "employer", "emergency_contact"]
    pick = ["phone", "address"] + rng.sample([k for k in pool if k not in ("phone", "address")], rng.randint(3, 5))
    if zh and "city" in pick and rng.random() < 0.5:
        pick.remove("city")
    pick = [k for k in pool if k in pick]
    keys += pick
    if vals.get("employer") is None and "employer" in keys:
        keys.remove("employer")
    zl = 1 if zh else 0
    app = []
    for k in keys:
        lab = rng.choice(L[k][zl])
        if k == "gender":
            if zh:
                opts = ["男", "女"]
            else:
                opts = rng.choice([["Male", "Female"], ["Male", "Female", "Other"], ["M", "F"], ["Male", "Female", "Prefer not to say"]])
            app.append(Field("choice", lab, "gender", options=opts))
        elif k == "date_of_birth":
            app.append(Field("date", lab, "date_of_birth"))
        else:
            app.append(Field("text", lab, k, wide=k in ("address", "email", "emergency_contact", "employer"),
                             req=rng.random() < 0.25))
    if not zh and first is not None and not split:
        pass
    sections = [("申请人信息" if zh else rng.choice(["Applicant details", "Your details", "Personal information",
                                                 "Section A - About you"]), app)]
    for head, specs in theme[3]:
        fl = []
        for s in specs:
            t, rest = s.split(":", 1)
            if t == "o":
                lab, ops = rest.split(":", 1)
                fl.append(Field("choice", lab, None, options=ops.split("|")))
            elif t == "d":
                fl.append(Field("date", rest, None))
            elif t == "a":
                fl.append(Field("text", rest, None, tall=True, wide=True))
            else:
                fl.append(Field("text", rest, None))
        sections.append((head, fl))
    sig = [Field("text", rng.choice(L["signature"][zl]), "signature"), Field("date", rng.choice(L["date"][zl]), "date")]
    sections.append(("声明与签名" if zh else rng.choice(["Declaration", "Signature", "Declaration and signature"]), sig))
    f.sections = sections
    f.fields = [x for _, fl in sections for x in fl]

    # profile
    give = {}
    keyed = [x.pkey for x in f.fields if x.pkey and x.pkey != "signature"]
    omit_pool = [k for k in keyed if k not in ("gender", "date_of_birth", "date", "name", "first_name", "last_name")]
    omit = set(rng.sample(omit_pool, min(len(omit_pool), rng.randint(1, 2))))
    if has_gender and not gender_plan[1]:
        omit.add("gender")
    if not due_plan[0]:
        omit.add("date_of_birth")
    if not due_plan[1]:
        omit.add("date")
    scheme = rng.choice(["canon", "canon", "variant", "chinese", "mixed"] if chinese_person else ["canon", "canon", "variant", "mixed"])
    extras = [k for k in ("nationality", "occupation", "email", "city", "employer") if k not in keyed and vals.get(k)]
    rng.shuffle(extras)
    prof_keys = [k for k in keyed if k not in omit] + extras[:rng.randint(0, 2)]
    if split and random.Random(f"{seed}/hard/{idx}").random() < 0.2:  # hard case: the form splits the name, the profile has it whole
        prof_keys = ["name"] + [k for k in prof_keys if k not in ("first_name", "last_name")]
        f.hard = f"the form asks for first and last name separately but the profile only has a full name ({pname})"
    for k in prof_keys:
        v = vals.get(k)
        if v is None:
            continue
        if scheme == "canon":
            pk = k
        elif scheme == "chinese" and k in ZKEYS:
            pk = ZKEYS[k]
        elif scheme == "mixed":
            pk = rng.choice([k, rng.choice(PKEYS[k])] + ([ZKEYS[k]] if chinese_person and k in ZKEYS else []))
        else:
            pk = rng.choice(PKEYS[k])
        if k == "gender":
            if zh or pk in ("性别",):
                v = rng.choice(["男", "女"][0:1] if sex == "M" else ["女"]) if rng.random() < 0.7 else rng.choice(
                    ["male", "M"] if sex == "M" else ["female", "F"])
            else:
                v = rng.choice(["M", "male", "Male", "m"] if sex == "M" else ["F", "female", "Female", "f"])
                if chinese_person and rng.random() < 0.3:
                    v = "男" if sex == "M" else "女"
        elif k in ("date_of_birth", "date"):
            v = spell_date(rng, v, lang)
        give[pk] = v
    f.profile = give
    given = {k for k in keyed if k not in omit and vals.get(k) is not None}
    for x in f.fields:
        if x.pkey in given:
            if x.kind == "choice":
                g = vals["gender"]
                for o in x.options:
                    if (g == "M" and o in ("Male", "M", "男")) or (g == "F" and o in ("Female", "F", "女")):
                        x.value = o
            else:
                x.value = vals[x.pkey]
    return f


# ----------------------------------------------------------------------------------------------
# cosmetic drawing
def draw_styles(f, rng):
    zh = f.lang == "zh"
    for x in f.fields:
        if x.kind == "date":
            st = rng.choice(ZH_DATE_STYLES if zh else EN_DATE_STYLES)
            if f.family in ("rowtable",) and st in ("under",):
                st = "ph"
            if f.family == "caption" and st in ("under", "after", "dmy_inline"):
                st = "ph"
            x.dstyle = st
            if zh:
                x.order = "YMD"
                x.sep = rng.choice(["-", "/", ".", "年"]) if st in ("ph", "native_ph", "after") else rng.choice(["/", "-", "."])
            else:
                x.order = rng.choice(["DMY", "DMY", "MDY", "YMD"])
                x.sep = rng.choice(["/", "/", "-", "."])
                if x.order == "YMD":
                    x.sep = rng.choice(["-", "/"])
            if st in ("select", "dmy_inline", "uline_cap") and x.order == "YMD" and rng.random() < 0.5:
                x.order = "DMY"
            x.fmt = fmt_for(x.order, x.sep, f.lang, st) if st in ("ph", "native_ph", "after", "under") else None
        elif x.kind == "choice":
            x.ostyle = rng.choice(OPT_STYLES)
            x.right = rng.random() < 0.2
            x.stack = len(x.options) >= 3 and rng.random() < 0.25
        elif x.kind == "text" and x.pkey in ("postcode", "phone", "id_number") and f.family in ("numbered", "spangrid", "fold") \
                and rng.random() < 0.7:
            x.comb = {"postcode": 6 if zh else 0, "phone": 11 if zh else 0, "id_number": 18 if zh else 0}.get(x.pkey, 0)
        if f.family == "numbered" and x.kind == "text" and x.pkey == "name":
            x.comb = 6 if zh else 16


def opts_html(i, x, gap=16):
    items = []
    for j, t in enumerate(x.options):
        st = x.ostyle
        if st in ("css_sq", "css_circ"):
            bx = f'<span class="ob {"circ" if st == "css_circ" else "sq"}" data-ob="{i}:{j}"></span>'
        elif st == "nat_cb":
            bx = f'<input type="checkbox" class="nob" data-ob="{i}:{j}">'
        elif st == "nat_rad":
            bx = f'<input type="radio" name="r{i}" class="nob" data-ob="{i}:{j}">'
        else:
            bx = f'<span class="gl" data-gl="{i}:{j}">{GLYPH[st]}<i class="bl"></i></span>'
        tx = f'<span class="ot" data-ot="{i}:{j}">{h(t)}</span>'
        items.append(f'<span class="opt" style="margin-right:{gap}px">{tx + bx if x.right else bx + tx}</span>')
    return f'<span class="opts{" stack" if x.stack else ""}">{"".join(items)}</span>'


def date_html(i, x, lang, ibox, rng, big=False):
    """ibox(attrs, style, inner) -> html of one writable box; returns html and sets x.partnames."""
    st = x.dstyle
    zh = lang == "zh"
    capmap = {"D": "Day", "M": "Month", "Y": "Year"} if not zh else {"D": "日", "M": "月", "Y": "年"}
    pn = {"D": "day", "M": "month", "Y": "year"}
    fs = 1.0 if not big else 1.3
    if st in ("ph", "native_ph", "after", "under", "none"):
        x.partnames = []
        w = int(150 * fs) + (30 if x.fmt and "年" in x.fmt else 0)
        shown = x.fmt
        if shown and rng.random() < 0.3:
            shown = shown.lower()
        if st == "native_ph":
            inner = f'<input class="nat" data-inp="{i}" placeholder="{h(shown)}" style="width:{w}px">'
        else:
            ph = f'<span class="ph">{h(shown)}</span>' if st == "ph" else ""
            inner = ibox(f'data-inp="{i}"', f"width:{w}px", ph)
        if st == "under":
            inner = f'<span class="dcol">{inner}<span class="hint">{h(shown)}</span></span>'
        return inner, (f'<span class="hint">({h(shown)})</span>' if st == "after" else "")
    x.fmt = None
    order = x.order
    x.partnames = [pn[c] for c in order]
    x.partpad = not (zh and st in ("nian_uline", "nian_box", "nian_select"))
    out = []
    sep = f'<span class="sep">{h(x.sep)}</span>'
    for k, c in enumerate(order):
        n = 4 if c == "Y" else 2
        w = int((56 if c == "Y" else 36) * fs)
        pa = f'data-part="{i}:{k}"'
        if st == "boxes_sep":
            ph = {"D": "DD", "M": "MM", "Y": "YYYY"}[c]
            out.append(ibox(pa, f"width:{w}px", f'<span class="ph">{ph}</span>' if rng.random() < 0.8 or True else ""))
            if k < 2:
                out.append(sep)
        elif st == "uline_cap":
            out.append(f'<span class="dcol"><span class="ul" {pa} style="width:{w}px"></span>'
                       f'<span class="cap">{capmap[c]}</span></span>')
            if k < 2:
                out.append(sep)
        elif st == "select":
            first = {"D": "Day", "M": "Month", "Y": "Year"}[c]
            out.append(f'<select class="sel" {pa}><option>{first}</option></select>')
        elif st == "comb" or st == "nian_comb":
            cells = "".join(f'<span class="cc">{"<span class=ph>" + c + "</span>" if st == "comb" else ""}</span>'
                            for _ in range(n))
            out.append(f'<span class="cgrp" {pa}>{cells}</span>')
            if st == "comb" and k < 2:
                out.append(sep)
            if st == "nian_comb":
                out.append(f'<span class="unit">{capmap[c]}</span>')
        elif st == "dmy_inline":
            out.append(f'<span class="cap2">{capmap[c]}</span>')
            out.append(ibox(pa, f"width:{w}px", ""))
        elif st == "nian_uline":
            out.append(f'<span class="ul" {pa} style="width:{int((64 if c == "Y" else 34) * fs)}px"></span>'
                       f'<span class="unit">{capmap[c]}</span>')
        elif st == "nian_box":
            out.append(ibox(pa, f"width:{w}px", "") + f'<span class="unit">{capmap[c]}</span>')
        elif st == "nian_select":
            out.append(f'<select class="sel" {pa}><option>{"请选择" if c == "Y" else "--"}</option></select>'
                       f'<span class="unit">{capmap[c]}</span>')
    return f'<span class="drow">{"".join(out)}</span>', ""


BASE_CSS = """
*{box-sizing:border-box} body{margin:0;background:#fff;color:#1a1a1a}
.page{position:relative;padding:28px 34px 24px}
.lb{white-space:normal}
.req{color:#c00}
.ph{color:#9a9a9a;font-size:max(11px,0.82em);white-space:nowrap}
.hint{color:#666;font-size:max(11px,0.8em);white-space:nowrap;margin-left:6px}
.dcol{display:inline-flex;flex-direction:column;align-items:flex-start;vertical-align:top}
.dcol .hint{margin-left:0;margin-top:3px}
.drow{display:inline-flex;align-items:center;flex-wrap:nowrap;gap:4px}
.sep{color:#444;padding:0 2px}
.unit{padding:0 6px 0 3px}
.cap{font-size:max(11px,0.75em);color:#555;margin-top:2px;align-self:center}
.cap2{font-size:0.85em;color:#333;margin:0 4px 0 8px}
.cap2:first-child{margin-left:0}
.ul{display:inline-block;height:24px;border-bottom:1px solid #222}
.sel{font:inherit;font-size:0.85em;height:26px;padding:0 2px;border:1px solid #777;background:#fff;color:#333}
.cgrp{display:inline-flex}
.cc{display:inline-flex;align-items:center;justify-content:center;width:20px;height:24px;border:1px solid #333;margin-right:-1px}
.cgrp .cc:last-child{margin-right:0}
.comb{display:inline-flex;vertical-align:middle;align-self:flex-start;width:max-content;flex:none}
.comb .cc{width:22px;height:26px} .comb .cc:last-child{margin-right:0}
.comb .gap{width:7px}
.opts{display:inline-flex;flex-wrap:wrap;align-items:center;row-gap:4px}
.opts.stack{flex-direction:column;align-items:flex-start}
.opt{display:inline-flex;align-items:center;gap:5px;white-space:nowrap}
.ob{display:inline-block;width:13px;height:13px;border:1.5px solid #222;flex:none;background:#fff}
.ob.circ{border-radius:50%}
.nob{margin:0;width:14px;height:14px;flex:none}
.gl{font-family:'DejaVu Sans';line-height:1}
.bl{display:inline-block;width:0;height:0}
.nat{font:inherit;height:30px;border:1px solid #8a8a8a;border-radius:3px;padding:0 6px;background:#fff}
.nat::placeholder{color:#9a9a9a;font-size:0.85em}
.decoy{}
.hdr{display:flex;align-items:center;gap:14px;border-bottom:2px solid #222;padding-bottom:10px;margin-bottom:10px}
.logo{width:54px;height:54px;border-radius:50%;border:3px double #333;display:flex;align-items:center;justify-content:center;font-weight:bold;font-size:15px;flex:none}
.org{font-size:0.85em;color:#444}
.title{font-size:1.45em;font-weight:bold;margin:2px 0}
.code{margin-left:auto;text-align:right;font-size:0.78em;color:#444;border:1px solid #999;padding:4px 8px}
.instr{font-size:0.85em;color:#333;margin:6px 0 12px;line-height:1.45}
.office{border:1px dashed #666;padding:8px 12px;font-size:0.78em;color:#444;margin-top:16px}
.office .oln{display:inline-block;width:110px;border-bottom:1px solid #999;margin:0 14px 0 4px;height:14px}
.foot{display:flex;justify-content:space-between;font-size:0.72em;color:#666;margin-top:14px;border-top:1px solid #bbb;padding-top:5px}
.sh{font-weight:bold;margin:16px 0 10px}
.decl{font-size:0.82em;color:#333;margin:4px 0 10px;line-height:1.45}
"""


def header(f, rng, cls=""):
    zh = f.lang == "zh"
    title, org, code = f.theme[0], f.theme[1], f.theme[2]
    ini = "".join(w[0] for w in org.split() if w[0].isupper())[:3] if not zh else org[:2]
    fc = f"{code}-{rng.randint(1, 9)}{rng.randint(0, 9)}" + (f" ({rng.choice(['03', '07', '11'])}/2{rng.randint(3, 6)})" if not zh else f"（20{rng.randint(23, 26)}版）")
    return (f'<div class="hdr {cls} decoy" data-decoy="1"><div class="logo">{h(ini)}</div><div><div class="org">{h(org)}</div>'
            f'<div class="title">{h(title)}</div></div><div class="code">{"表号" if zh else "Form"} {h(fc)}<br>'
            f'{"第 1 页 共 1 页" if zh else "Page 1 of 1"}</div></div>')


def instr(f, rng):
    if f.lang == "zh":
        s = rng.choice(["请用黑色签字笔正楷填写，选择项请在相应的□内打√。", "本表一式两份，请如实填写，涂改无效。",
                        "带＊号的项目为必填项。所填信息仅用于本次业务办理。"])
    else:
        s = rng.choice(["Please complete in BLOCK CAPITALS using black ink. Tick one box where applicable.",
                        "Fields marked * are required. Incomplete applications will be returned.",
                        "Read the guidance notes before completing this form. Write clearly inside the boxes."])
    return f'<div class="instr decoy" data-decoy="1">{h(s)}</div>'


def tail(f, rng):
    zh = f.lang == "zh"
    if zh:
        decl = "本人承诺以上所填信息真实有效，如有虚假，愿承担相应责任。"
        off = '仅限工作人员填写：受理编号<span class="oln"></span>经办人<span class="oln"></span>'
        ft = (f.theme[1], f"咨询电话：400-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}", "第1页")
    else:
        decl = "I declare that the information given on this form is true and complete to the best of my knowledge."
        off = 'For office use only: Ref. no.<span class="oln"></span>Received by<span class="oln"></span>'
        ft = (f.theme[1], f"Enquiries 0{rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}", "Page 1")
    return decl, (f'<div class="office decoy" data-decoy="1">{off}</div>'
                  f'<div class="foot decoy" data-decoy="1"><span>{h(ft[0])}</span><span>{h(ft[1])}</span><span>{h(ft[2])}</span></div>')


def labhtml(i, x, colon=True, lang="en"):
    c = ("：" if lang == "zh" else ":") if colon else ""
    star = '<span class="req">*</span>' if x.req else ""
    return f'<span class="lb" data-lab="{i}">{h(x.label)}{star}{c}</span>'


# ----------------------------------------------------------------------------------------------
# layout families: each returns (css, body_html, width, grayscale)
def fam_common(f, rng):
    zh = f.lang == "zh"
    font = rng.choice(ZH_FONTS if zh else EN_FONTS)
    return font


def render_family(f, rng):
    fam = f.family
    zh = f.lang == "zh"
    font = fam_common(f, rng)
    fs = rng.choice([13, 14, 15, 16]) if fam not in ("senior",) else rng.choice([20, 22, 24])
    colon = rng.random() < 0.6 and fam != "rightlab"
    css = BASE_CSS
    idx = {id(x): i for i, x in enumerate(f.fields)}
    decl, tl = tail(f, rng)
    width = rng.randint(760, 1000)
    gray = True
    body = []

    def unit_wrap(i, inner, extra="", tag="div"):
        return f'<{tag} class="u" data-cont="{i}" style="{extra}">{inner}</{tag}>'

    if fam in ("fold", "senior", "spangrid", "caption", "floating", "rightlab"):
        # grid-based families
        if fam == "fold":
            width = rng.randint(1140, 1280)
            bw = rng.choice(["1px solid #333", "1px solid #555", "1.5px solid #222"])
            h0 = rng.choice([28, 30, 32])
            css += f""".ib{{display:inline-block;vertical-align:middle;height:{h0}px;border:{bw};background:#fff;padding:0 6px;line-height:{h0 - 2}px}}
.spread{{display:grid;grid-template-columns:1fr 44px 1fr}} .gut{{border-left:2px dashed #999;margin-left:21px;position:relative;justify-self:start;width:2px}}
.gut span{{position:absolute;top:40%;left:-14px;writing-mode:vertical-rl;font-size:11px;color:#888;background:#fff}}
.g{{display:grid;grid-template-columns:1fr 1fr;column-gap:22px;row-gap:12px}} .u{{display:flex;flex-direction:column;gap:5px;min-width:0}}
.u .ib.full{{width:100%}} .pn{{text-align:center;font-size:11px;color:#777;margin-top:10px}}
.sh{{background:#e8e8e8;padding:4px 8px;border-left:4px solid #333}}"""
        elif fam == "senior":
            width = rng.randint(820, 980)
            css += f""".ib{{display:inline-block;vertical-align:middle;height:46px;border:2px solid #111;border-radius:4px;background:#fff;padding:0 8px;line-height:42px}}
.g{{display:grid;grid-template-columns:1fr;row-gap:16px}} .u{{display:flex;flex-direction:column;gap:6px;min-width:0}} .u .ib.full{{width:100%}}
.ob{{width:24px;height:24px;border-width:2.5px}} .nob{{width:24px;height:24px}} .opt{{gap:10px}}
.sh{{font-size:1.15em;border-bottom:3px solid #111;padding-bottom:4px}} .cc{{width:28px;height:36px}} .ul{{height:40px;border-bottom-width:2px}}
.sel{{height:40px}} .nat{{height:46px;border:2px solid #111}}"""
        elif fam == "spangrid":
            width = rng.randint(900, 1160)
            ncol = 4
            ls = rng.choice([12, 13])
            css += f""".ib{{display:block;height:26px;border-bottom:1px solid #111}}
.g{{display:grid;grid-template-columns:repeat({ncol},1fr);column-gap:5px;row-gap:14px}} .u{{display:flex;flex-direction:column;justify-content:flex-end;min-width:0}}
.u .lb{{font-size:{ls}px;color:#333;text-transform:none;margin-bottom:9px}} .u .lwrap{{margin-bottom:9px}} .u .lwrap .lb{{margin:0}} .u>div.ctlw{{min-height:26px;display:flex;align-items:flex-end}} .u .ib.full{{width:100%}}
.sh{{font-size:0.9em;letter-spacing:1px;border-top:2px solid #111;padding-top:4px;text-transform:uppercase}}"""
        elif fam == "caption":
            width = rng.randint(820, 1060)
            css += f""".ib{{display:block;height:26px;border-bottom:1px solid #111}}
.g{{display:grid;grid-template-columns:repeat(3,1fr);column-gap:26px;row-gap:14px}} .u{{display:flex;flex-direction:column;align-items:stretch;min-width:0}}
.capl{{text-align:center;font-size:max(12px,0.85em);color:#333;margin-top:4px}} .u.c .ctl{{display:flex;justify-content:center;min-height:26px;align-items:flex-end}}
.sh{{text-align:center;font-variant:small-caps;letter-spacing:1px;border-bottom:1px solid #444;padding-bottom:3px}}"""
        elif fam == "floating":
            width = rng.randint(800, 1040)
            rad = rng.choice([6, 8, 10])
            css += f""".fb{{display:block;position:relative;border:1px solid #888;border-radius:{rad}px;background:#fff;height:52px;padding:22px 10px 4px}}
.fb .lb{{position:absolute;left:10px;top:4px;font-size:12px;color:#666}} .fb .ph{{position:absolute;left:10px;bottom:8px}}
.g{{display:grid;grid-template-columns:repeat(2,1fr);column-gap:18px;row-gap:14px}} .u{{min-width:0}}
.fgrp{{border:1px solid #888;border-radius:{rad}px;padding:6px 10px 10px}} .fgrp>.lb{{display:block;font-size:12px;color:#666;margin-bottom:12px}}
.pb{{display:inline-block;position:relative;height:46px;border:1px solid #888;border-radius:{rad}px;padding-top:20px}} .pb .ci{{position:absolute;left:6px;top:3px;font-size:0.68em;color:#888}}
.sh{{color:#333;font-size:1.05em}}"""
        else:  # rightlab
            width = rng.randint(820, 1040)
            css += f""".ib{{display:inline-block;vertical-align:middle;height:28px;border:1px solid #333;background:#fff;padding:0 6px}}
.g{{display:grid;grid-template-columns:repeat(2,1fr);column-gap:30px;row-gap:14px}} .u{{display:flex;align-items:center;gap:10px;min-width:0}}
.u .ib.full{{flex:1;min-width:40px}} .u .lb{{flex:none;max-width:45%;font-size:0.9em;color:#222}}
.sh{{border-bottom:1px solid #333;font-style:italic}}"""

        def ibox(attrs, style, inner, cls=""):
            return f'<span class="ib {cls}" {attrs} style="{style}">{inner}</span>'

        def fbox(attrs, style, inner):
            return f'<span class="ib" {attrs} style="{style}">{inner}</span>'

        def unit(x):
            i = idx[id(x)]
            lab = labhtml(i, x, colon and fam not in ("caption", "floating", "spangrid"), f.lang)
            span = ""
            if fam in ("spangrid",):
                span = "grid-column:span 2;" if (x.wide or x.kind == "date" or (x.kind == "choice" and len(x.options) > 2) or x.comb) else ""
                if x.tall or (x.comb and x.comb > 11):
                    span = "grid-column:1/-1;"
            elif fam in ("fold", "rightlab", "floating"):
                span = "grid-column:1/-1;" if (x.wide or x.tall or (x.kind == "choice" and len(x.options) > 3) or x.comb > 11
                                               or (x.kind == "date" and x.partnames and fam != "fold")) else ""
            elif fam == "caption":
                span = "grid-column:span 2;" if (x.wide or x.kind == "choice" or x.kind == "date") else ""
                if x.tall:
                    span = "grid-column:1/-1;"
            if x.kind == "text":
                hgt = ""
                if x.tall:
                    hgt = "height:84px;" if fam != "floating" else "height:96px;"
                if x.comb:
                    n = x.comb
                    cells = []
                    for k in range(n):
                        if n == 18 and k in (6, 14):
                            cells.append('<span class="gap"></span>')
                        cells.append('<span class="cc"></span>')
                    ctl = f'<span class="comb" data-inp="{i}">{"".join(cells)}</span>'
                    if fam == "floating":
                        return unit_wrap(i, f'<div class="fgrp">{lab}{ctl}</div>', span)
                elif fam == "floating":
                    return unit_wrap(i, f'<span class="fb" data-inp="{i}" style="{hgt}">{lab}</span>', span)
                else:
                    ctl = ibox(f'data-inp="{i}"', hgt, "", "full")
                if fam == "rightlab":
                    return unit_wrap(i, ctl + lab, span + ("align-items:flex-start;" if x.tall else ""))
                if fam == "caption":
                    return unit_wrap(i, f'{ctl}<div class="capl">({lab})</div>', span)
                return unit_wrap(i, lab + ctl, span)
            if x.kind == "choice":
                ctl = opts_html(i, x, 22 if fam == "senior" else 16)
                if fam == "floating":
                    return unit_wrap(i, f'<div class="fgrp">{lab}{ctl}</div>', span)
                if fam == "rightlab":
                    return unit_wrap(i, ctl + lab, span)
                if fam == "caption":
                    return unit_wrap(i, f'<div class="ctl">{ctl}</div><div class="capl">({lab})</div>', span, ) \
                        .replace('class="u"', 'class="u c"', 1)
                return unit_wrap(i, f'<div class="lwrap">{lab}</div><div class="ctlw">{ctl}</div>', span)
            # date
            if fam == "floating":
                if x.dstyle in ("ph", "after", "under", "none", "native_ph") or not x.partnames and x.dstyle in ("ph",):
                    pass
                if x.dstyle in ("ph", "native_ph", "after", "under", "none"):
                    x.dstyle = "ph" if x.fmt else "none"
                    ph = f'<span class="ph">{h(x.fmt)}</span>' if x.fmt else ""
                    return unit_wrap(i, f'<span class="fb" data-inp="{i}">{lab}{ph}</span>', span)
                if x.dstyle in ("boxes_sep", "dmy_inline", "nian_box"):
                    x.dstyle = "capin"
                    x.partnames = [{"D": "day", "M": "month", "Y": "year"}[c] for c in x.order]
                    x.partpad = True
                    caps = {"D": "Day", "M": "Month", "Y": "Year"} if not zh else {"D": "日", "M": "月", "Y": "年"}
                    parts = []
                    for k, c in enumerate(x.order):
                        parts.append(f'<span class="pb" data-part="{i}:{k}" style="width:{74 if c == "Y" else 54}px">'
                                     f'<span class="ci">{caps[c]}</span></span>')
                    return unit_wrap(i, f'<div class="fgrp">{lab}<span class="drow" style="gap:8px">{"".join(parts)}</span></div>', span)
                ctl, hint = date_html(i, x, f.lang, ibox, rng)
                return unit_wrap(i, f'<div class="fgrp">{lab}{ctl}</div>', span)
            ctl, hint = date_html(i, x, f.lang, ibox, rng, big=fam == "senior")
            if fam == "caption":
                if not x.partnames:
                    ctl = ctl.replace('class="ib "', 'class="ib full"', 1)
                return unit_wrap(i, f'<div class="ctl" style="display:flex;justify-content:center">{ctl}</div>'
                                    f'<div class="capl">({lab}{hint})</div>', span).replace('class="u"', 'class="u c"', 1)
            if fam == "rightlab":
                return unit_wrap(i, ctl + f'<span>{lab}{hint}</span>', span)
            return unit_wrap(i, f'<div class="lwrap">{lab}{hint}</div><div class="ctlw">{ctl}</div>', span)

        secs = []
        for si, (head, fl) in enumerate(f.sections):
            inner = "".join(unit(x) for x in fl)
            pre = f'<div class="decl decoy" data-decoy="1">{h(decl)}</div>' if si == len(f.sections) - 1 else ""
            secs.append(f'<div class="sec"><div class="sh">{h(head)}</div>{pre}<div class="g">{inner}</div></div>')
        if fam == "fold":
            half = 1 if len(f.sections) <= 3 else 2
            left = header(f, rng) + instr(f, rng) + "".join(secs[:half]) + '<div class="pn">1</div>'
            right = "".join(secs[half:]) + tl + '<div class="pn">2</div>'
            fold = "折叠线" if zh else "fold here"
            body.append(f'<div class="spread"><div>{left}</div><div class="gut decoy" data-decoy="1"><span>{fold}</span></div><div>{right}</div></div>')
        else:
            body.append(header(f, rng) + instr(f, rng) + "".join(secs) + tl)

    elif fam in ("cards", "bilingual", "lined", "numbered"):
        if fam == "cards":
            width = rng.randint(820, 1080)
            dash = rng.choice(["1px dashed #555", "1.5px dashed #444", "1px solid #999"])
            rad = rng.choice([4, 6])
            css += f""".ib{{display:inline-block;vertical-align:middle;height:30px;border:{dash};border-radius:{rad}px;background:#fff;padding:0 6px;line-height:28px}}
body{{background:#f3f3f3}} .card{{background:#fff;border:1px solid #ccc;border-radius:12px;box-shadow:0 2px 6px rgba(0,0,0,.18);padding:10px 18px 16px;margin:14px 0}}
.g{{display:grid;grid-template-columns:auto 1fr auto 1fr;column-gap:12px;row-gap:12px;align-items:center}}
.u{{display:contents}} .lcell{{text-align:right;min-width:0}} .icell{{min-width:0}} .icell .ib.full{{width:100%}}
.sh{{margin:2px 0 12px;font-size:1.05em;color:#222}}"""
        elif fam == "bilingual":
            width = rng.randint(860, 1100)
            stacked = rng.random() < 0.5
            css += f""".ib{{display:inline-block;vertical-align:middle;height:30px;border:1px solid #444;background:#fff;padding:0 6px}}
.g{{display:grid;grid-template-columns:{"max-content 1fr max-content 1fr"};column-gap:12px;row-gap:12px;align-items:center}}
.u{{display:contents}} .lcell{{min-width:0}} .icell{{min-width:0}} .icell .ib.full,.icell .nat.full{{width:100%}}
.lb .en{{{"display:block;font-size:max(12px,0.8em);color:#555" if stacked else "font-size:max(12px,0.86em);color:#444;margin-left:4px"}}}
.sh{{background:#333;color:#fff;padding:4px 10px}}"""
        elif fam == "lined":
            width = rng.randint(800, 1000)
            lh = rng.choice([38, 40, 42])
            tint = rng.choice(["#f5f5f0", "#f2f2f2", "#f7f7f7"])
            css += f""".page{{background:{tint} repeating-linear-gradient(to bottom, transparent 0, transparent {lh - 1}px, #d2d2d2 {lh - 1}px, #d2d2d2 {lh}px)}}
body{{background:{tint}}} .ib{{display:inline-block;height:26px;border-bottom:1.5px solid #111}}
.ln{{display:flex;align-items:flex-end;gap:14px;min-height:{lh}px;padding-top:11px}} .u{{display:flex;align-items:flex-end;gap:8px;min-width:0}}
.u.grow{{flex:1}} .u .ib.full{{flex:1;min-width:60px}} .hdr{{background:transparent}}
.sh{{font-weight:bold;text-decoration:underline;margin:14px 0 2px}}"""
            gray = True
        else:  # numbered
            width = rng.randint(820, 1040)
            lw = rng.choice([120, 140, 160]) if zh else rng.choice([170, 190, 210])
            css += f""".ib{{display:inline-block;vertical-align:middle;height:28px;border-bottom:1px solid #111}}
.row{{display:flex;align-items:center;gap:18px;margin:0 0 12px}} .u{{display:flex;align-items:center;gap:10px;min-width:0}}
.u.grow{{flex:1}} .u>.lw{{flex:none;width:{lw}px}} .num{{font-weight:bold;margin-right:4px}} .u .ib.full{{flex:1;min-width:60px}}
.sh{{border:1px solid #222;padding:3px 8px;background:#eee}}"""

        def ibox(attrs, style, inner, cls=""):
            return f'<span class="ib {cls}" {attrs} style="{style}">{inner}</span>'

        num = [0]

        def label_of(i, x):
            if fam == "numbered":
                num[0] += 1
                nstyle = rng.choice([0, 1, 2]) if num[0] == 1 else f._nstyle
                if num[0] == 1:
                    f._nstyle = nstyle
                pre = [f"{num[0]}. ", f"（{num[0]}）" if zh else f"({num[0]}) ", f"{num[0]}、" if zh else f"{num[0]}) "][f._nstyle]
                return (f'<span class="lw"><span class="num">{pre}</span><span class="lb" data-lab="{i}">{h(x.label)}'
                        f'{"：" if zh and colon else (":" if colon else "")}</span></span>', None)
            if fam == "bilingual":
                en_zh = BIL.get(x.label) or BIL.get(x.label.replace("　", ""))
                other = en_zh if en_zh else None
                if other:
                    if zh:
                        t = f'{h(x.label)}<span class="en">{h(other)}</span>'
                        full = f"{x.label} {other}"
                    else:
                        t = f'{h(x.label)}<span class="en">{h(other)}</span>'
                        full = f"{x.label} {other}"
                    return f'<span class="lb" data-lab="{i}">{t}</span>', full
            return labhtml(i, x, colon, f.lang), None

        def ctl_of(i, x):
            if x.kind == "text":
                if x.comb:
                    cells = []
                    for k in range(x.comb):
                        if x.comb == 18 and k in (6, 14):
                            cells.append('<span class="gap"></span>')
                        cells.append('<span class="cc"></span>')
                    return f'<span class="comb" data-inp="{i}">{"".join(cells)}</span>', ""
                hh = "height:70px;" if x.tall else ""
                if fam == "bilingual" and f._nat and not x.tall:
                    return f'<input class="nat full" data-inp="{i}">', ""
                return ibox(f'data-inp="{i}"', hh, "", "full"), ""
            if x.kind == "choice":
                return opts_html(i, x), ""
            return date_html(i, x, f.lang, ibox, rng)

        f._nat = rng.random() < 0.5
        secs = []
        for si, (head, fl) in enumerate(f.sections):
            pre = f'<div class="decl decoy" data-decoy="1">{h(decl)}</div>' if si == len(f.sections) - 1 else ""
            if fam in ("cards", "bilingual"):
                cells = []
                col = 0
                for x in fl:
                    i = idx[id(x)]
                    lab, full = label_of(i, x)
                    if full:
                        x.label = full
                    ctl, hint = ctl_of(i, x)
                    wide = x.wide or x.tall or x.kind == "date" or (x.kind == "choice" and len(x.options) > 2) or x.comb > 11
                    if wide and col == 1:
                        col = 0
                    cls = 'style="grid-column:2/-1"' if wide else ""
                    lst = 'style="grid-column:1"' if wide else ""
                    cells.append(f'<div class="u"><div class="lcell" data-cont="{i}L" {lst}>{lab}</div>'
                                 f'<div class="icell" data-cont="{i}" {cls}>{ctl}{hint}</div></div>')
                    col = 0 if wide else 1 - col
                inner = f'<div class="g">{"".join(cells)}</div>'
                if fam == "cards":
                    secs.append(f'<div class="card"><div class="sh">{h(head)}</div>{pre}{inner}</div>')
                else:
                    secs.append(f'<div class="sec"><div class="sh">{h(head)}</div>{pre}{inner}</div>')
            else:
                rows = []
                cur = []
                for x in fl:
                    i = idx[id(x)]
                    lab, full = label_of(i, x)
                    if full:
                        x.label = full
                    ctl, hint = ctl_of(i, x)
                    big = x.wide or x.tall or x.comb > 8 or x.kind == "choice" and len(x.options) > 3 or \
                        (fam == "numbered" and x.kind == "date")
                    grow = " grow" if (x.kind == "text" and not x.comb) else ""
                    u = f'<div class="u{grow}" data-cont="{i}">{lab}{ctl}{hint}</div>'
                    if fam == "numbered" and not big and x.kind == "text" and not x.comb:
                        u = u.replace('<span class="lw"', '<span class="lw" style="width:auto"', 1) if cur else u
                    if big:
                        if cur:
                            rows.append(cur)
                            cur = []
                        rows.append([u])
                    else:
                        cur.append(u)
                        if len(cur) == 2:
                            rows.append(cur)
                            cur = []
                if cur:
                    rows.append(cur)
                rc = "ln" if fam == "lined" else "row"
                inner = "".join(f'<div class="{rc}">{"".join(r)}</div>' for r in rows)
                secs.append(f'<div class="sec"><div class="sh">{h(head)}</div>{pre}{inner}</div>')
        body.append(header(f, rng) + instr(f, rng) + "".join(secs) + tl)

    elif fam == "rowtable":
        width = rng.randint(780, 980)
        lw = rng.choice([200, 230, 260]) if not zh else rng.choice([150, 170, 190])
        shade = rng.choice(["#eeeeee", "#f3f3f3", "#e6e6e6"])
        css += f"""table.rt{{border-collapse:separate;border-spacing:2px;width:100%;margin-bottom:10px}}
.rt td,.rt th{{border:1px solid #333;padding:6px 8px;text-align:left;vertical-align:middle;font-weight:normal}}
.rt th.no{{width:38px;text-align:center;background:{shade}}} .rt th.it{{width:{lw}px;background:{shade}}}
.rt td.en{{height:34px;background:#fff}} .rt tr.hd th{{background:#333;color:#fff;font-weight:bold}}
.rt td .ph{{color:#aaa}} .ib{{display:inline-block;vertical-align:middle;height:26px;border:1px solid #555;background:#fff}}
.ul{{height:22px}}"""

        def ibox(attrs, style, inner, cls=""):
            return f'<span class="ib {cls}" {attrs} style="{style}">{inner}</span>'

        secs = []
        n = 0
        for si, (head, fl) in enumerate(f.sections):
            rows = [f'<tr class="hd decoy" data-decoy="1"><th class="no">{"序号" if zh else "No."}</th><th class="it">{h(head)}</th>'
                    f'<th>{"填写内容" if zh else "Particulars"}</th></tr>']
            for x in fl:
                i = idx[id(x)]
                n += 1
                lab = labhtml(i, x, colon, f.lang)
                if x.kind == "text":
                    hh = "height:72px;" if x.tall else ""
                    rows.append(f'<tr data-cont="{i}"><th class="no">{n}</th><th class="it">{lab}</th>'
                                f'<td class="en" data-inp="{i}" style="{hh}"></td></tr>')
                elif x.kind == "choice":
                    rows.append(f'<tr data-cont="{i}"><th class="no">{n}</th><th class="it">{lab}</th><td>{opts_html(i, x)}</td></tr>')
                else:
                    if x.dstyle in ("ph", "native_ph", "after", "none"):
                        if x.dstyle == "native_ph":
                            x.dstyle = "ph"
                        ph = f'<span class="ph">{h(x.fmt)}</span>' if x.dstyle == "ph" and x.fmt else ""
                        hint = f'<span class="hint">({h(x.fmt)})</span>' if x.dstyle == "after" and x.fmt else ""
                        if x.dstyle == "none":
                            x.fmt = None
                        rows.append(f'<tr data-cont="{i}"><th class="no">{n}</th><th class="it">{lab}{hint}</th>'
                                    f'<td class="en" data-inp="{i}">{ph}</td></tr>')
                    else:
                        ctl, hint = date_html(i, x, f.lang, ibox, rng)
                        rows.append(f'<tr data-cont="{i}"><th class="no">{n}</th><th class="it">{lab}{hint}</th><td>{ctl}</td></tr>')
            pre = f'<div class="decl decoy" data-decoy="1">{h(decl)}</div>' if si == len(f.sections) - 1 else ""
            secs.append(f'{pre}<table class="rt">{"".join(rows)}</table>')
        body.append(header(f, rng) + instr(f, rng) + "".join(secs) + tl)

    f.istyle = {"fold": "box", "senior": "heavy box", "spangrid": "underline", "caption": "underline",
                "lined": "underline", "numbered": "underline", "floating": "floating-label box", "rightlab": "box",
                "rowtable": "table cell"}.get(fam)
    if fam == "cards":
        f.istyle = "dashed box" if "dashed" in dash else "rounded box"
    if fam == "bilingual":
        f.istyle = "native input" if f._nat else "box"
    html = (f'<!DOCTYPE html><html lang="{"zh-CN" if zh else "en"}"><head><meta charset="utf-8"><style>{css}\n'
            f'body{{font-family:{font};font-size:{fs}px}}</style></head><body><div class="page">{"".join(body)}</div></body></html>')
    return html, width, gray, font, fs


BIL = {}
for _k, (_en, _zh) in L.items():
    pass
BIL_PAIRS = [("姓名", "Name"), ("申请人姓名", "Applicant name"), ("姓　名", "Name"), ("性别", "Sex"), ("性　别", "Gender"),
             ("出生日期", "Date of birth"), ("出生年月日", "Date of birth"), ("身份证号码", "ID number"),
             ("公民身份号码", "Citizen ID no."), ("证件号码", "ID number"), ("护照号码", "Passport no."), ("国籍", "Nationality"),
             ("联系电话", "Telephone"), ("手机号码", "Mobile"), ("电话", "Phone"), ("电子邮箱", "E-mail"), ("邮箱", "Email"),
             ("住址", "Address"), ("家庭住址", "Home address"), ("通讯地址", "Postal address"), ("现居住地址", "Current address"),
             ("城市", "City"), ("所在城市", "City"), ("邮政编码", "Postcode"), ("邮编", "Postcode"), ("职业", "Occupation"),
             ("工作单位", "Employer"), ("单位名称", "Employer"), ("紧急联系人", "Emergency contact"),
             ("申请人签名", "Signature"), ("签名", "Signature"), ("本人签字", "Signature"), ("日期", "Date"),
             ("签名日期", "Date signed"), ("填表日期", "Date")]
for _z, _e in BIL_PAIRS:
    BIL[_z] = _e
for _e, _z in [("Full name", "姓名"), ("Name", "姓名"), ("Applicant's name", "申请人姓名"), ("Name in full", "姓名"),
               ("First name", "名"), ("Given name(s)", "名"), ("Forename", "名"), ("Surname", "姓"), ("Last name", "姓"),
               ("Family name", "姓"), ("Sex", "性别"), ("Gender", "性别"), ("Date of birth", "出生日期"), ("Birth date", "出生日期"),
               ("D.O.B.", "出生日期"), ("National ID number", "身份证号码"), ("ID card number", "身份证号码"),
               ("Identity number", "证件号码"), ("Passport number", "护照号码"), ("Passport No.", "护照号码"),
               ("Nationality", "国籍"), ("Citizenship", "国籍"), ("Phone", "电话"), ("Mobile number", "手机号码"),
               ("Telephone", "电话"), ("Contact number", "联系电话"), ("Email", "电子邮箱"), ("E-mail address", "电子邮箱"),
               ("Email address", "电子邮箱"), ("Address", "地址"), ("Home address", "家庭住址"), ("Residential address", "居住地址"),
               ("Street address", "街道地址"), ("City", "城市"), ("Town / City", "城市"), ("Town", "城镇"), ("Postcode", "邮编"),
               ("ZIP code", "邮编"), ("Postal code", "邮政编码"), ("Occupation", "职业"), ("Profession", "职业"),
               ("Employer", "工作单位"), ("Company / employer", "工作单位"), ("Emergency contact", "紧急联系人"),
               ("Next of kin", "紧急联系人"), ("Signature", "签名"), ("Signature of applicant", "申请人签名"),
               ("Applicant's signature", "申请人签名"), ("Date", "日期"), ("Date signed", "签名日期"), ("Today's date", "日期")]:
    BIL[_e] = _z

for _a, _b in [("Apiary location", "蜂场位置"), ("Number of hives", "蜂箱数量"), ("Type of hive", "蜂箱类型"),
               ("Years beekeeping", "养蜂年限"), ("Association member", "协会会员"), ("Requested night", "预约观测日期"),
               ("Group size", "参观人数"), ("Telescope session", "观测项目"), ("Height (cm)", "身高（厘米）"),
               ("Weight (kg)", "体重（公斤）"), ("Lesson date", "上课日期"), ("Experience", "骑乘经验"),
               ("Vessel name", "船名"), ("Length overall (m)", "船长（米）"), ("Mooring type", "泊位类型"),
               ("Start of mooring", "起租日期"), ("Course title", "课程名称"), ("Course code", "课程编号"),
               ("Level", "级别"), ("Session", "上课时间"), ("Student number", "学号"), ("Course of study", "院系专业"),
               ("Room type", "房型"), ("Catered", "含餐"), ("Arrival date", "入住日期"), ("Team name", "队伍名称"),
               ("GitHub username", "GitHub账号"), ("T-shirt size", "T恤尺码"), ("Dietary needs", "饮食要求"),
               ("Membership", "会员类型"), ("Newsletter", "订阅资讯"), ("Member no. (if renewing)", "会员号（续费填写）")]:
    BIL[_a] = _b
    BIL.setdefault(_b, _a)
for _a, _b in [("卡类型", "Card type"), ("原卡号（补办填写）", "Old card no. (replacement)"), ("领卡方式", "Collection method"),
               ("骑乘经验", "Riding experience"), ("品牌型号", "Make and model"), ("产品序列号", "Serial number"),
               ("重量等级", "Weight class"), ("用途", "Use"), ("是否独居", "Lives alone"), ("签约家庭医生", "Family doctor"),
               ("服务需求说明", "Services needed"), ("期望上门日期", "Preferred visit date"), ("参赛项目", "Event"),
               ("棋协等级", "Grade"), ("所在俱乐部", "Club"), ("课程名称", "Course title"), ("课程编号", "Course code"),
               ("上课时间", "Session"), ("船名", "Vessel name"), ("船长（米）", "Length (m)"), ("泊位类型", "Berth type"),
               ("起租日期", "Start date"), ("会员类型", "Membership type"), ("订阅资讯", "Newsletter"),
               ("观测日期", "Observation date"), ("参观人数", "Group size"), ("观测项目", "Session"),
               ("屋顶类型", "Roof type"), ("屋顶面积（平方米）", "Roof area (m²)"), ("期望勘察日期", "Preferred survey date"),
               ("年卡类型", "Card type"), ("常用站点", "Usual station"), ("套票类型", "Package"), ("座位偏好", "Seat preference"),
               ("订购张数", "Number of tickets")]:
    BIL[_a] = _b


# ----------------------------------------------------------------------------------------------
JS = r"""
(() => {
  const R = r => [Math.floor(r.left), Math.floor(r.top), Math.ceil(r.right), Math.ceil(r.bottom)];
  const rr = e => { const g = document.createRange(); g.selectNodeContents(e); return R(g.getBoundingClientRect()); };
  const out = {lab:{}, inp:{}, part:{}, ob:{}, ot:{}, gl:{}, cont:{}, decoy:[]};
  document.querySelectorAll('[data-lab]').forEach(e => { out.lab[e.dataset.lab] = rr(e); });
  document.querySelectorAll('[data-inp]').forEach(e => { out.inp[e.dataset.inp] = R(e.getBoundingClientRect()); });
  document.querySelectorAll('[data-part]').forEach(e => { out.part[e.dataset.part] = R(e.getBoundingClientRect()); });
  document.querySelectorAll('[data-ob]').forEach(e => { out.ob[e.dataset.ob] = R(e.getBoundingClientRect()); });
  document.querySelectorAll('[data-ot]').forEach(e => { out.ot[e.dataset.ot] = rr(e); });
  document.querySelectorAll('[data-cont]').forEach(e => { out.cont[e.dataset.cont] = R(e.getBoundingClientRect()); });
  document.querySelectorAll('[data-decoy]').forEach(e => { out.decoy.push(R(e.getBoundingClientRect())); });
  const cv = document.createElement('canvas').getContext('2d');
  document.querySelectorAll('[data-gl]').forEach(e => {
    const t = e.firstChild; const g = document.createRange(); g.setStart(t, 0); g.setEnd(t, 1);
    const x = g.getBoundingClientRect().left; const base = e.querySelector('.bl').getBoundingClientRect().bottom;
    const cs = getComputedStyle(e);
    cv.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
    const m = cv.measureText(t.data[0]);
    out.gl[e.dataset.gl] = [Math.floor(x - m.actualBoundingBoxLeft), Math.floor(base - m.actualBoundingBoxAscent),
                            Math.ceil(x + m.actualBoundingBoxRight), Math.ceil(base + m.actualBoundingBoxDescent)];
  });
  out.sw = document.documentElement.scrollWidth;
  return out;
})()
"""


def gap(a, b):
    dx = max(0, max(a[0], b[0]) - min(a[2], b[2]))
    dy = max(0, max(a[1], b[1]) - min(a[3], b[3]))
    return (dx * dx + dy * dy) ** 0.5


def overlap(a, b):
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def inside(a, b, tol=1):
    return a[0] >= b[0] - tol and a[1] >= b[1] - tol and a[2] <= b[2] + tol and a[3] <= b[3] + tol


def build_json(f, data, W, H):
    fields = []
    for i, x in enumerate(f.fields):
        lab = data["lab"][str(i)]
        d = {"label": x.label, "label_box": lab}
        if x.kind == "text":
            d.update(kind="text", input_box=data["inp"][str(i)], key=x.key, value=x.value)
        elif x.kind == "date":
            parts = []
            if x.partnames:
                y, m, dd = (x.value.split("-") if x.value else ("", "", ""))
                for k, pn in enumerate(x.partnames):
                    if not x.value:
                        v = ""
                    elif pn == "year":
                        v = y
                    else:
                        v = (m if pn == "month" else dd)
                        if not x.partpad:
                            v = str(int(v))
                    parts.append({"part": pn, "box": data["part"][f"{i}:{k}"], "value": v})
            d.update(kind="date", key=x.key, value=x.value,
                     input_box=None if x.partnames else data["inp"][str(i)],
                     format=None if x.partnames else x.fmt, parts=parts)
        else:
            opts = []
            for j, t in enumerate(x.options):
                box = data["gl"].get(f"{i}:{j}") or data["ob"][f"{i}:{j}"]
                opts.append({"text": t, "text_box": data["ot"][f"{i}:{j}"], "box": box})
            d.update(kind="checkbox", style=OPT_KIND[x.ostyle], input_box=None, key=x.key, value=x.value, options=opts)
        fields.append(d)
    return fields


def check(f, fields, data, W, H, png):
    errs = []
    im = Image.open(io.BytesIO(png)).convert("L")
    px = im.load()

    def ink(b):
        x1, y1, x2, y2 = max(0, b[0]), max(0, b[1]), min(W, b[2]), min(H, b[3])
        for yy in range(y1, y2):
            for xx in range(x1, x2):
                if px[xx, yy] < 170:
                    return True
        return False

    boxes = []  # (field, role, box)
    for i, d in enumerate(fields):
        boxes.append((i, "label", d["label_box"]))
        if d.get("input_box"):
            boxes.append((i, "input", d["input_box"]))
        for p in d.get("parts", []):
            boxes.append((i, "part", p["box"]))
        for o in d.get("options", []):
            boxes.append((i, "obox", o["box"]))
            boxes.append((i, "otext", o["text_box"]))
    for i, r, b in boxes:
        if b[2] <= b[0] or b[3] <= b[1]:
            errs.append(f"empty {r} box f{i} {b}")
        if b[0] < 0 or b[1] < 0 or b[2] > W or b[3] > H:
            errs.append(f"{r} box f{i} outside page {b}")
        cont = data["cont"].get(str(i))
        if cont and not inside(b, cont) and not (r == "label" and str(i) + "L" in data["cont"]):
            errs.append(f"{r} box f{i} {b} outside its container {cont}")
        if r == "label" and str(i) + "L" in data["cont"] and not inside(b, data["cont"][str(i) + "L"]):
            errs.append(f"label f{i} outside label cell")
        if r in ("label", "otext") and not ink(b):
            errs.append(f"no ink in {r} f{i} {b}")
        for dcy in data["decoy"]:
            if overlap(b, dcy):
                errs.append(f"{r} f{i} {b} on decoy {dcy}")
    for a in range(len(boxes)):
        ia, ra, ba = boxes[a]
        for c in range(a + 1, len(boxes)):
            ib, rb, bb = boxes[c]
            if ia == ib:
                if ra == "label" and rb == "input" and inside(ba, bb):
                    continue
                if ra == "label" or rb == "label":
                    if overlap(ba, bb):
                        errs.append(f"label overlaps own {ra}/{rb} f{ia}")
                    continue
                if ra in ("obox", "otext") and rb in ("obox", "otext") and overlap(ba, bb):
                    errs.append(f"options overlap f{ia}")
                if ra == "part" and rb == "part" and overlap(ba, bb):
                    errs.append(f"parts overlap f{ia}")
                continue
            if overlap(ba, bb):
                errs.append(f"overlap f{ia}.{ra} {ba} f{ib}.{rb} {bb}")
            if (ra == "label" and rb in ("input", "part", "obox", "otext")) or (rb == "label" and ra in ("input", "part", "obox", "otext")):
                if gap(ba, bb) < 8:
                    errs.append(f"label too close f{ia}.{ra} f{ib}.{rb} gap {gap(ba, bb):.1f}")
    for i, d in enumerate(fields):
        ps = d.get("parts") or []
        if len(ps) > 1:
            for p, q in zip(ps, ps[1:]):
                if not (q["box"][0] >= p["box"][2] - 1 and abs(q["box"][1] - p["box"][1]) < 30):
                    errs.append(f"date parts out of order f{i}")
        if d["kind"] == "checkbox":
            for o in d["options"]:
                if not ink(o["box"]):
                    errs.append(f"no ink in option box f{i}")
                if d["style"] == "glyph":  # the measured ink box must match the pixels within 2 px
                    b = o["box"]
                    xs, ys = [], []
                    for yy in range(max(0, b[1] - 4), min(H, b[3] + 4)):
                        for xx in range(max(0, b[0] - 4), min(W, b[2] + 4)):
                            if px[xx, yy] < 170:
                                xs.append(xx)
                                ys.append(yy)
                    if xs:
                        pb = [min(xs), min(ys), max(xs) + 1, max(ys) + 1]
                        if max(abs(pb[k] - b[k]) for k in range(4)) > 2:
                            errs.append(f"glyph ink box f{i} {b} vs pixels {pb}")
    if data["sw"] > W:
        errs.append("content wider than page")
    if len(png) > MAX_PNG:
        errs.append(f"png too big {len(png)}")
    return errs


def describe(f, font, fs):
    ds = sorted({x.dstyle for x in f.fields if x.kind == "date"})
    os_ = sorted({x.ostyle for x in f.fields if x.kind == "choice"})
    return f"{f.family}: {FAMILY_DESC[f.family]}; options {', '.join(os_)}; dates {', '.join(ds)}; {font.split(',')[0].strip(chr(39))} {fs}px"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=707)
    ap.add_argument("--count", type=int, default=44)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    t0 = time.time()
    rng0 = random.Random(f"{a.seed}/plan")
    n = a.count
    en_th = list(range(len(EN_THEMES)))
    zh_th = list(range(len(ZH_THEMES)))
    rng0.shuffle(en_th)
    rng0.shuffle(zh_th)
    fam_en = [FAMILIES[k % len(FAMILIES)] for k in range(len(FAMILIES) * 2)]
    fam_zh = list(fam_en)
    rng0.shuffle(fam_en)
    rng0.shuffle(fam_zh)
    # gender plan: (has group, profile gives it); date plan: (dob due, date due)
    gplan = [(True, True)] * n
    nog = rng0.sample(range(n), max(0, min(4, n // 11)))
    rest = [k for k in range(n) if k not in nog]
    noval = rng0.sample(rest, max(0, min(4, n // 11)))
    gplan = [(k not in nog, k not in noval) for k in range(n)]
    dplan = [(rng0.random() < 0.9, rng0.random() < 0.62) for _ in range(n)]
    totals = {}
    with Browser() as b:
        for k in range(n):
            idx = k + 1
            lang = "en" if idx % 2 else "zh"
            j = k // 2
            fam = (fam_en if lang == "en" else fam_zh)[j % 22]
            theme = (EN_THEMES[en_th[j % 22]] if lang == "en" else ZH_THEMES[zh_th[j % 22]])
            last = None
            for attempt in range(10):
                f = build_content(idx, lang, fam, theme, a.seed, gplan[k], dplan[k])
                rng = random.Random(f"{a.seed}/draw/{idx}/{attempt}")
                draw_styles(f, rng)
                html, W, gray, font, fs = render_family(f, rng)
                try:
                    png, data, (W2, H) = b.render(html, W, JS, min_height=400)
                except Exception as e:  # content wider than the page etc.
                    last = [str(e)]
                    if DEBUG:
                        print(f"  {f.id} attempt {attempt}: {e}")
                    continue
                buf = io.BytesIO()
                im = Image.open(io.BytesIO(png)).convert("RGB")
                if gray:
                    im = im.convert("L")
                im.save(buf, format="PNG", optimize=True)
                pngb = buf.getvalue()
                fields = build_json(f, data, W, H)
                errs = check(f, fields, data, W, H, pngb)
                if errs:
                    last = errs
                    if DEBUG:
                        print(f"  {f.id} attempt {attempt}: {errs[:6]}")
                        with open(f"/tmp/heldout_g_debug_{f.id}_{attempt}.html", "w") as fh:
                            fh.write(html)
                    continue
                break
            else:
                sys.exit(f"{f.id}: self-checks failed 10 times: {last[:8]}")
            with open(os.path.join(a.out, f.id + ".html"), "w", encoding="utf-8") as fh:
                fh.write(html)
            with open(os.path.join(a.out, f.id + ".png"), "wb") as fh:
                fh.write(pngb)
            gt = {"id": f.id, "lang": lang, "width": W, "height": H, "image": f.id + ".png",
                  "layout": describe(f, font, fs), "profile": f.profile, "fields": fields}
            if f.hard:
                gt["hard_case"] = f.hard
            with open(os.path.join(a.out, f.id + ".json"), "w", encoding="utf-8") as fh:
                json.dump(gt, fh, ensure_ascii=False, indent=1)
                fh.write("\n")
            for d, x in zip(fields, f.fields):
                kk = d["kind"]
                t = totals.setdefault(kk + "_" + lang, 0)
                totals[kk + "_" + lang] = t + 1
                tag = {"text": "text", "date": "date", "checkbox": "choice"}[kk]
                if d["key"]:
                    totals["keyed"] = totals.get("keyed", 0) + 1
                    if d["value"] is None:
                        totals["unfillable"] = totals.get("unfillable", 0) + 1
                    else:
                        totals[tag + "_due"] = totals.get(tag + "_due", 0) + 1
                if kk == "date":
                    st = x.dstyle
                    totals[f"dstyle {st} {lang}"] = totals.get(f"dstyle {st} {lang}", 0) + 1
                    surf = f.istyle
                    if st in ("native_ph", "select", "nian_select"):
                        surf = "native"
                    elif st in ("comb", "nian_comb"):
                        surf = "comb"
                    elif st in ("uline_cap", "nian_uline"):
                        surf = "underline"
                    elif st == "capin":
                        surf = "floating-label box"
                    elif f.family == "rowtable" and not x.partnames:
                        surf = "table cell"
                    elif f.family == "rowtable" or (f.family == "bilingual" and x.partnames):
                        surf = "box"
                    totals[f"dsurf {st} on {surf} {lang}"] = totals.get(f"dsurf {st} on {surf} {lang}", 0) + 1
                    if x.partnames:
                        o = "".join(p[0].upper() for p in x.partnames)
                        totals[f"order {o} {lang}"] = totals.get(f"order {o} {lang}", 0) + 1
                    else:
                        totals[f"fmt {x.fmt}"] = totals.get(f"fmt {x.fmt}", 0) + 1
                    if d["key"]:
                        totals["date_keyed"] = totals.get("date_keyed", 0) + 1
                if kk == "checkbox":
                    totals[f"ostyle {x.ostyle} {lang}"] = totals.get(f"ostyle {x.ostyle} {lang}", 0) + 1
                    lay = ("stack" if x.stack else "row") + (" box-right-of-text" if x.right else "")
                    totals[f"oarr {lay}"] = totals.get(f"oarr {lay}", 0) + 1
                    if d["key"] == "gender":
                        totals["gender_groups"] = totals.get("gender_groups", 0) + 1
                if kk == "text":
                    ts = "comb" if x.comb else (("tall " if x.tall else "") + f.istyle)
                    if f.family == "bilingual" and x.tall:
                        ts = "tall box"
                    totals[f"input {ts} {lang}"] = totals.get(f"input {ts} {lang}", 0) + 1
            totals["png_max"] = max(totals.get("png_max", 0), len(pngb))
            totals["gray"] = totals.get("gray", 0) + (1 if Image.open(io.BytesIO(pngb)).mode == "L" else 0)
            totals["attempts>1"] = totals.get("attempts>1", 0) + (1 if attempt else 0)
            print(f"{f.id} {lang} {fam:9s} {W}x{H} {len(fields)} fields, attempt {attempt + 1}, {len(pngb) // 1024} KB  {theme[0]}")
    for k in sorted(totals):
        print(f"  {k}: {totals[k]}")
    print(f"done in {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
