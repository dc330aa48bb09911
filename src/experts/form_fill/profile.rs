//! What a form field means and what goes in it: label synonyms in English and Chinese mapped to
//! canonical field keys, profile keys mapped the same way, facts the user stated in words
//! ("my name is Zhang San", "我的手机是…"), name splitting, and choosing a checkbox option.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

/// Canonical keys and the words that name them (compared after `normalize`).
const SYNONYMS: &[(&str, &[&str])] = &[
    (
        "name",
        &[
            "name",
            "full name",
            "name of applicant",
            "name in full",
            "applicant s name",
            "customer s name",
            "your name",
            "applicant name",
            "applicant",
            "customer name",
            "account holder",
            "account holder name",
            "guest name",
            "patient name",
            "student name",
            "legal name",
            "policyholder",
            "policyholder name",
            "policy holder name",
            "registered keeper",
            "contact name",
            "ordered by",
            "undersigned",
            "the undersigned",
            "姓名",
            "名字",
            "全名",
            "申请人",
            "申请人姓名",
            "客户姓名",
            "户名",
            "住客姓名",
            "学生姓名",
            "患者姓名",
            "真实姓名",
            "报告人",
            "本人",
        ],
    ),
    (
        "first_name",
        &[
            "first name",
            "given name",
            "given names",
            "christian name",
            "christian names",
            "forename",
            "first",
            "名",
        ],
    ),
    (
        "last_name",
        &["last name", "surname", "family name", "last", "姓", "姓氏"],
    ),
    (
        "id_number",
        &[
            "id number",
            "id no",
            "id",
            "公民身份号码",
            "身份号码",
            "id card",
            "id card number",
            "id card no",
            "identity number",
            "identity no",
            "identity card no",
            "identity card number",
            "national id",
            "national id number",
            "identification number",
            "identity document number",
            "id document number",
            "personal id number",
            "personal identification number",
            "national insurance number",
            "national insurance no",
            "ni number",
            "ni no",
            "social security number",
            "social security no",
            "ssn",
            "social insurance number",
            "nric",
            "nric no",
            "nric number",
            "pps number",
            "ppsn",
            "personal public service number",
            // Where a driving licence is the identity document (AU, US).
            "driver licence number",
            "driver license number",
            "drivers licence number",
            "drivers license number",
            "driving licence number",
            "身份证号码",
            "身份证号",
            "身份证",
            "证件号码",
            "证件号",
            "身份证件号码",
        ],
    ),
    (
        "passport_number",
        &[
            "passport number",
            "passport no",
            "travel document number",
            "travel document no",
            "travel document",
            "passport",
            "护照号码",
            "护照号",
            "护照",
        ],
    ),
    (
        "phone",
        &[
            "phone",
            "phone number",
            "telephone",
            "telephone number",
            "tel",
            "mobile",
            "mobile number",
            "mobile phone",
            "cell",
            "cell phone",
            "contact number",
            "contact phone",
            "contacted on",
            "手机",
            "手机号",
            "手机号码",
            "电话",
            "电话号码",
            "联系电话",
            "联系方式",
            "移动电话",
        ],
    ),
    (
        "email",
        &[
            "email",
            "e mail",
            "email address",
            "e mail address",
            "mail",
            "邮箱",
            "电子邮箱",
            "电子邮件",
            "邮件",
            "邮箱地址",
            "电子邮箱地址",
        ],
    ),
    (
        "address",
        &[
            "address",
            "home address",
            "residential address",
            "mailing address",
            "street address",
            "current address",
            "postal address",
            "correspondence address",
            "地址",
            "住址",
            "家庭住址",
            "通讯地址",
            "联系地址",
            "居住地址",
            "现住址",
            "家庭地址",
        ],
    ),
    (
        "city",
        &[
            "city",
            "town",
            "city town",
            "city of residence",
            "town city",
            "居住地",
            "城市",
            "所在城市",
            "居住城市",
        ],
    ),
    (
        "postcode",
        &[
            "postcode",
            "post code",
            "postal code",
            "zip",
            "zip code",
            "邮编",
            "邮政编码",
        ],
    ),
    (
        "date_of_birth",
        &[
            "date of birth",
            "dob",
            "birth date",
            "birthday",
            "birthdate",
            "d o b",
            "出生日期",
            "生日",
            "出生年月",
            "出生年月日",
            // A sentence's blank: "..., born on ___", "…出生于____".
            "born on",
            "出生于",
        ],
    ),
    ("gender", &["gender", "sex", "性别"]),
    (
        "nationality",
        &[
            "nationality",
            "citizenship",
            "country of citizenship",
            "country",
            "国籍",
            "国家",
        ],
    ),
    (
        "occupation",
        &[
            "occupation",
            "job title",
            "profession",
            "job",
            "position",
            "current position",
            "job position",
            "职业",
            "职务",
            "职位",
            "工作",
        ],
    ),
    (
        "employer",
        &[
            "employer",
            "company",
            "company name",
            "workplace",
            "organisation",
            "organization",
            "place of work",
            "place of employment",
            "employed by",
            "name of company",
            "工作单位",
            "就职单位",
            "服务单位",
            "所在单位",
            "所在公司",
            "单位",
            "公司",
            "公司名称",
            "单位名称",
        ],
    ),
    (
        "emergency_contact",
        &[
            "emergency contact",
            "emergency contact name",
            "emergency contact person",
            "in case of emergency",
            "emergency phone",
            "emergency",
            "emergency contact name phone",
            "emergency contact name and phone",
            "emergency contact name and phone number",
            "emergency contact name and telephone number",
            "紧急联系人及电话",
            "紧急联系人电话",
            "紧急联系方式",
            "紧急联系人",
            "紧急联系人姓名",
            "next of kin",
            "ice contact",
            "person to contact in an emergency",
            "person to contact in case of emergency",
            "contact in case of emergency",
            "contact in an emergency",
            "in an emergency",
        ],
    ),
    (
        "date",
        &[
            "date",
            "today",
            "form date",
            "date of form",
            "today s date",
            "todays date",
            "date signed",
            "signing date",
            "date of signing",
            "sign date",
            "application date",
            "date of application",
            "date of signature",
            "日期",
            "填表日期",
            "填写日期",
            "申请日期",
            "签字日期",
            "签名日期",
            "签署日期",
            // The day the form is handed in: signing up, claiming, posting.
            "报名日期",
            "报销日期",
            "寄件日期",
            "今天",
            "今日",
            "当前日期",
        ],
    ),
    (
        "signature",
        &[
            "signature",
            "sign here",
            "signed",
            "sign",
            "applicant signature",
            "signature of applicant",
            "applicant s signature",
            "申请人签字",
            "申请人签章",
            "本人签字",
            "签章",
            "签名",
            "签字",
            "本人签名",
            "申请人签名",
        ],
    ),
];

/// Words that name a field only as the whole label: "Course name" or "Expiry date" are not the
/// user's name or today's date.
const WHOLE_ONLY: &[&str] = &[
    "name",
    "本人",
    "报告人",
    "date",
    "姓",
    "名",
    "first",
    "last",
    "id",
    "mail",
    "country",
    "emergency",
    "日期",
    "sign",
    "signed",
    "position",
];

/// Profile keys that are spelled differently from labels.
const KEY_ALIASES: &[(&str, &str)] = &[
    ("fullname", "name"),
    ("firstname", "first_name"),
    ("lastname", "last_name"),
    ("idno", "id_number"),
    ("idnumber", "id_number"),
    ("idcard", "id_number"),
    ("ssn", "id_number"),
    ("passportno", "passport_number"),
    ("phoneno", "phone"),
    ("mobileno", "phone"),
    ("tel", "phone"),
    ("dateofbirth", "date_of_birth"),
    ("birth", "date_of_birth"),
    ("homeaddress", "address"),
    ("zipcode", "postcode"),
    ("sex", "gender"),
    ("addr", "address"),
    ("born", "date_of_birth"),
    ("signas", "signature"),
    ("signatory", "signature"),
];

/// A part in brackets, ASCII or full-width; group 1 is what it says.
static PAREN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[（(]([^)）]*)[)）]").expect("static regex"));

/// Lower case, letters, digits and CJK only, words joined by single spaces; drops a
/// parenthesised part ("Phone (mobile)" -> "phone").
pub fn normalize(s: &str) -> String {
    let s = PAREN.replace_all(s, " ");
    let s = s.replace("'s ", " ").replace("’s ", " ");
    let mut out = String::new();
    let mut space = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        } else {
            space = true;
        }
    }
    out
}

/// `normalize` without spaces, for comparing keys like "full_name" and "Full Name".
pub fn squash(s: &str) -> String {
    normalize(s).replace(' ', "")
}

/// Similarity 0–1 from the edit distance over characters.
pub fn similarity(a: &str, b: &str) -> f32 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    1.0 - distance(&a, &b) as f32 / a.len().max(b.len()) as f32
}

/// Levenshtein distance over characters.
pub fn distance(a: &[char], b: &[char]) -> usize {
    strsim::generic_levenshtein(&Chars(a), &Chars(b))
}

/// strsim walks `&T: IntoIterator` (more than once); a bare slice is unsized, hence this.
struct Chars<'a>(&'a [char]);

impl<'a> IntoIterator for &Chars<'a> {
    type Item = &'a char;
    type IntoIter = std::slice::Iter<'a, char>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// The canonical key a label names, with a score: 1 for an exact synonym, less for a synonym
/// inside a longer label or a near miss (OCR slips).
pub fn label_key(label: &str) -> Option<(&'static str, f32)> {
    // A bilingual label ("日期 Date", "证件号码 ID No.") names a key in either language: the
    // surer half (or the whole) decides.
    let zh: String = label
        .chars()
        .filter(|&c| crate::request::is_cjk(c))
        .collect();
    let en: String = label
        .chars()
        .filter(|&c| c.is_ascii() && !c.is_ascii_digit())
        .collect();
    // Two names for one thing ("Company / employer", "Sex / Sexe"): a half that is a key's own
    // word names it, where no other half names another key.
    let halves: Vec<Option<(&'static str, f32)>> = label
        .split(['/', '／'])
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .map(label_key_one)
        .collect();
    if halves.len() >= 2
        && let Some((key, _)) = halves.iter().flatten().find(|(_, s)| *s >= 1.0)
        && halves.iter().flatten().all(|(k, _)| k == key)
    {
        return Some((key, 1.0));
    }
    let whole = label_key_one(label);
    if zh.chars().count() < 2 || en.chars().filter(char::is_ascii_alphabetic).count() < 2 {
        return whole;
    }
    [whole, label_key_one(&zh), label_key_one(&en)]
        .into_iter()
        .flatten()
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// Questions a conversational form asks for a field as a whole ("When were you born?").
const ASKS: &[(&str, &str)] = &[
    ("when were you born", "date_of_birth"),
    ("when is your birthday", "date_of_birth"),
    ("where do you live", "address"),
    ("where do you work", "employer"),
    ("who do you work for", "employer"),
    ("what do you do", "occupation"),
    ("what do you do for a living", "occupation"),
    ("what is your job", "occupation"),
    ("哪天出生", "date_of_birth"),
    ("哪一天出生", "date_of_birth"),
    ("什么时候出生", "date_of_birth"),
    ("何时出生", "date_of_birth"),
    ("出生于哪天", "date_of_birth"),
    ("住在哪里", "address"),
    ("住在哪儿", "address"),
    ("在哪个单位工作", "employer"),
    ("在哪里工作", "employer"),
    ("在哪儿工作", "employer"),
    ("做什么工作", "occupation"),
    ("从事什么工作", "occupation"),
    ("从事什么职业", "occupation"),
];

/// The words a question wraps round the field's name, before and after it, in the order
/// they are taken off ("Hello, may I have your full name, please?" -> "full name").
const ASK_BEFORE: &[&str] = &[
    "hi",
    "hello",
    "thanks",
    "thank you",
    "great",
    "ok",
    "okay",
    "and",
    "now",
    "lastly",
    "finally",
    "next",
    "so",
    "what is",
    "what s",
    "what are",
    "whats",
    "may i have",
    "may i ask",
    "can i have",
    "could i have",
    "could you tell me",
    "can you tell me",
    "could you give me",
    "please tell me",
    "please tell us",
    "tell me",
    "tell us",
    "please enter",
    "please provide",
    "please give",
    "please give us",
    "please",
    "enter",
    "provide",
    "give us",
    "who is",
    "which is",
    "your",
    "the",
];
const ASK_AFTER: &[&str] = &["please", "thanks", "thank you", "is", "again"];
const ASK_BEFORE_ZH: &[&str] = &[
    "您好",
    "你好",
    "好的",
    "谢谢",
    "最后",
    "接下来",
    "然后",
    "请问",
    "请告诉我",
    "请告诉我们",
    "请提供",
    "请输入",
    "请填写",
    "请留下",
    "麻烦提供",
    "可以告诉我",
    "能告诉我",
    "您的",
    "你的",
    "您",
    "你",
];
const ASK_AFTER_ZH: &[&str] = &[
    "是什么",
    "是多少",
    "是哪里",
    "是哪个",
    "是",
    "吗",
    "呢",
    "谢谢",
];

/// The key a question asks for, where the label is one: a whole question in `ASKS`, or a
/// field's name with a question's words round it.
fn asked(label: &str) -> Option<(&'static str, f32)> {
    let spaced = normalize(label);
    let n = spaced.replace(' ', "");
    for (q, key) in ASKS {
        if spaced == *q || (!q.is_ascii() && n.contains(q)) {
            return Some((key, 1.0));
        }
    }
    let mut core = format!(" {spaced} ");
    loop {
        let before = core.clone();
        for w in ASK_BEFORE {
            if let Some(rest) = core.strip_prefix(&format!(" {w} ")) {
                core = format!(" {rest}");
            }
        }
        for w in ASK_AFTER {
            if let Some(rest) = core.strip_suffix(&format!(" {w} ")) {
                core = format!("{rest} ");
            }
        }
        let mut squashed = core.trim().to_string();
        if !squashed.is_ascii() {
            squashed = squashed.replace(' ', "");
            for w in ASK_BEFORE_ZH {
                if let Some(rest) = squashed.strip_prefix(w) {
                    squashed = rest.to_string();
                }
            }
            for w in ASK_AFTER_ZH {
                if let Some(rest) = squashed.strip_suffix(w) {
                    squashed = rest.to_string();
                }
            }
            core = format!(" {squashed} ");
        }
        if core == before {
            break;
        }
    }
    let core = core.trim();
    (!core.is_empty() && core != spaced.trim()).then(|| label_key_one(core))?
}

fn label_key_one(label: &str) -> Option<(&'static str, f32)> {
    if let Some(k) = asked(label) {
        return Some(k);
    }
    // "申请人（签字）", "Applicant (signature)": the part in brackets says what is written
    // there, though `normalize` drops it.
    if PAREN.captures_iter(label).any(|c| {
        let n = normalize(&c[1]);
        ["签字", "签名", "签章", "盖章"]
            .iter()
            .any(|w| n.contains(w))
            || n.split(' ')
                .any(|w| matches!(w, "signature" | "sign" | "signed"))
    }) {
        return Some(("signature", 1.0));
    }
    let spaced = format!(" {} ", normalize(label));
    let n = spaced.replace(' ', "");
    if n.is_empty() || NOT_A_FIELD.contains(&n.as_str()) {
        return None;
    }
    if role_name(&spaced) {
        return Some(("name", 1.0));
    }
    // "Passport expiry date" asks for a date, not the passport's number: a label that names
    // a date only names a date key, unless it is the key's own word.
    let dated = spaced.contains(" date ")
        || [" expiry ", " expires ", " valid until "]
            .iter()
            .any(|w| spaced.contains(w))
        || ["日期", "有效期", "期限"].iter().any(|w| n.contains(w));
    // Whatever else it names, a place to sign takes a signature ("申请人签名" read as
    // "申请人签"), not the name; a visa (签证) or an issuing office (签发) is no signature.
    let signs = (n.contains('签') && !n.contains("签证") && !n.contains("签发"))
        || [" signature ", " signed ", " sign "]
            .iter()
            .any(|w| spaced.contains(w));
    if signs && !dated {
        return Some(("signature", 1.0));
    }
    let mut best: Option<(&'static str, f32, usize, &str)> = None;
    let mut consider = |key: &'static str, score: f32, len: usize, w: &'static str| {
        if best.is_none_or(|(_, s, l, _)| score > s + 1e-6 || ((score - s).abs() < 1e-6 && len > l))
        {
            best = Some((key, score, len, w));
        }
    };
    for (key, words) in SYNONYMS {
        for w in *words {
            let sw = squash(w);
            let len = sw.chars().count();
            if sw == n {
                consider(key, 1.0, len, w);
            } else if len >= 2
                && !WHOLE_ONLY.contains(w)
                && if w.is_ascii() {
                    // (Or a long one the OCR split: "ful l name".)
                    spaced.contains(&format!(" {} ", normalize(w))) || (len >= 8 && n.contains(&sw))
                } else {
                    n.contains(&sw)
                }
            {
                // A synonym inside the label: the more of the label it covers, the surer.
                let cover = len as f32 / n.chars().count() as f32;
                consider(key, 0.6 + 0.35 * cover, len, w);
            } else {
                let s = similarity(&sw, &n);
                if s >= 0.8 && len >= 4 {
                    consider(key, 0.9 * s, len, w);
                }
            }
        }
    }
    // A label that names someone or somewhere else ("Spouse's name", "Previous address",
    // "Site address", "监护人姓名") asks for what the profile does not hold, unless the word
    // is part of the synonym it matched.
    let other = |w: &str| {
        let sw = format!(" {} ", normalize(w));
        let qualified = OTHER_THAN_APPLICANT.iter().any(|q| {
            if q.is_ascii() {
                spaced.contains(&format!(" {q} ")) && !sw.contains(&format!(" {q} "))
            } else {
                n.contains(q) && !squash(w).contains(q)
            }
        });
        qualified || (n.starts_with('原') && !squash(w).starts_with('原'))
    };
    // A heading names a section about the applicant ("Applicant details", "申请人基本信息",
    // "申请人承诺"), not a field.
    let heading = SECTION_WORDS.iter().any(|q| {
        if q.is_ascii() {
            spaced.contains(&format!(" {q} "))
        } else {
            n.contains(q)
        }
    });
    // The last word names what is asked ("Employer's address", "Company VAT number",
    // "工作单位地址"): the key the rest matched must be one such a word can ask for.
    let last = spaced.split_whitespace().last().unwrap_or("");
    let asks_other = |key: &str| {
        TAILS.iter().any(|(t, keys)| {
            let ends = if t.is_ascii() {
                last == *t
            } else {
                n.ends_with(t)
            };
            ends && !keys.contains(&key)
        })
    };
    best.filter(|(k, s, _, _)| !dated || *s >= 1.0 || matches!(*k, "date" | "date_of_birth"))
        .filter(|(k, s, _, w)| *s >= 1.0 || (!other(w) && !heading && !asks_other(k)))
        .map(|(k, s, _, _)| (k, s))
}

/// A label's last word and the keys a label ending in it can ask for.
const TAILS: &[(&str, &[&str])] = &[
    ("address", &["address", "email"]),
    ("phone", &["phone"]),
    ("telephone", &["phone"]),
    ("number", &["id_number", "passport_number", "phone"]),
    ("no", &["id_number", "passport_number", "phone"]),
    ("id", &["id_number"]),
    ("email", &["email"]),
    ("postcode", &["postcode"]),
    ("date", &["date", "date_of_birth"]),
    ("relationship", &[]),
    ("website", &[]),
    ("地址", &["address", "email"]),
    ("电话", &["phone"]),
    ("号码", &["id_number", "passport_number", "phone"]),
    ("邮编", &["postcode"]),
    ("日期", &["date", "date_of_birth"]),
    ("关系", &[]),
    ("网址", &[]),
    ("传真", &[]),
];

/// Whole labels that name no profile field, though they spell close to one ("County" is
/// one letter from "Country").
const NOT_A_FIELD: &[&str] = &[
    "county", "state", "province", "region", "district", "suburb", "省", "省份", "区县", "县",
];

/// People a form may call its applicant: "Tenant name", "Name of cardholder", "Member's full
/// name" ask for the applicant's name, though "name" inside a longer label does not.
const ROLES: &[&str] = &[
    "employee",
    "member",
    "tenant",
    "insured",
    "cardholder",
    "card holder",
    "client",
    "customer",
    "passenger",
    "traveller",
    "traveler",
    "driver",
    "subscriber",
    "resident",
    "candidate",
    "participant",
    "visitor",
    "borrower",
    "sender",
    "claimant",
    "depositor",
    "buyer",
    "purchaser",
    "entrant",
    "delegate",
    "attendee",
    "volunteer",
    "registrant",
    "enrollee",
    "donor",
    "lessee",
    "renter",
    "hirer",
    "the insured",
    "the applicant",
];

/// "<role> name", "<role> full name", "name of <role>", "full name of <role>"; or the name
/// asked in capitals ("Print name", "Name in block letters").
fn role_name(spaced: &str) -> bool {
    let s = spaced.trim();
    let s = s.strip_suffix(" in block letters").unwrap_or(s);
    let s = s.strip_suffix(" in block capitals").unwrap_or(s);
    let s = s.strip_suffix(" in capitals").unwrap_or(s);
    let s = s.strip_suffix(" block capitals").unwrap_or(s);
    if matches!(
        s,
        "name" | "full name" | "print name" | "print full name" | "please print name"
    ) {
        return true;
    }
    ROLES.iter().any(|r| {
        [" name", " full name"]
            .iter()
            .any(|t| s.strip_prefix(r).is_some_and(|rest| rest == *t))
            || ["name of ", "full name of "]
                .iter()
                .any(|h| s.strip_prefix(h).is_some_and(|rest| rest == *r))
    })
}

/// Words that make a line a section's heading rather than a field's label.
const SECTION_WORDS: &[&str] = &[
    "details",
    "information",
    "particulars",
    "declaration",
    "section",
    "信息",
    "承诺",
    "声明",
    "须知",
    "说明",
    "资料",
];

/// Words that make a label ask about another person or place than the applicant's own.
const OTHER_THAN_APPLICANT: &[&str] = &[
    "spouse",
    "partner",
    "husband",
    "wife",
    "father",
    "mother",
    "parent",
    "parents",
    "guardian",
    "child",
    "baby",
    "newborn",
    "son",
    "daughter",
    "previous",
    "former",
    "maiden",
    "site",
    "premises",
    "property",
    "business",
    "trading",
    "referee",
    "witness",
    "landlord",
    "agent",
    "beneficiary",
    "nominee",
    "doctor",
    "gp",
    "employer",
    "company",
    "school",
    "work",
    "office",
    "billing",
    "recipient",
    "receiver",
    "applied",
    "desired",
    "their",
    "his",
    "her",
    "student",
    "pupil",
    "deceased",
    "died",
    "pet",
    "lost",
    "accident",
    "incident",
    "配偶",
    "监护人",
    "新生儿",
    "婴儿",
    "父亲",
    "母亲",
    "父母",
    "子女",
    "推荐",
    "曾用",
    "经营",
    "场所",
    "单位",
    "公司",
    "学校",
    "英文",
    "拼音",
    "固定",
    "办公",
    "收件人",
    "应聘",
    "意向",
    "期望",
    "法定代表人",
    "代理人",
    "受益人",
    "见证人",
    "学生",
    "幼儿",
    "儿童",
    "逝者",
    "死者",
    "丈夫",
    "妻子",
    "对方",
    "宠物",
    "遗失",
    "发生",
    "户籍",
    "交接",
];

/// The canonical key a profile key means (or the normalised key itself when it is no known
/// field, so custom keys still match labels that spell them out).
pub fn profile_key(key: &str) -> String {
    // camelCase keys ("employerName", "birthDate") are words too.
    let mut spaced = String::new();
    let mut lower = false;
    for c in key.chars() {
        if c.is_uppercase() && lower {
            spaced.push(' ');
        }
        lower = c.is_lowercase();
        spaced.push(c);
    }
    let key = spaced.as_str();
    let s = squash(key);
    if let Some((_, k)) = KEY_ALIASES.iter().find(|(a, _)| *a == s) {
        return (*k).to_string();
    }
    match label_key(key) {
        Some((k, score)) if score >= 0.8 => k.to_string(),
        _ => s,
    }
}

/// Where a value came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// The request's profile, under this key.
    Profile(String),
    /// The request's text.
    Text,
    /// An earlier turn of the session.
    History,
}

#[derive(Debug, Clone)]
pub struct Known {
    pub value: String,
    pub source: Source,
}

/// Everything known about the user, by canonical key (or normalised custom key).
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub by_key: BTreeMap<String, Known>,
}

impl Facts {
    /// Profile first, then what the request text says, then earlier turns (newest first).
    pub fn gather(profile: &BTreeMap<String, String>, text: &str, history: &[String]) -> Facts {
        let mut f = Facts::default();
        for (k, v) in profile {
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            f.by_key.entry(profile_key(k)).or_insert(Known {
                value: v.to_string(),
                source: Source::Profile(k.clone()),
            });
        }
        for (k, v) in stated(text) {
            f.by_key.entry(k).or_insert(Known {
                value: v,
                source: Source::Text,
            });
        }
        for turn in history.iter().rev() {
            for (k, v) in stated(turn) {
                f.by_key.entry(k).or_insert(Known {
                    value: v,
                    source: Source::History,
                });
            }
        }
        f
    }

    /// The value for a canonical key, deriving first/last name from a full name and back.
    pub fn value_for(&self, key: &str) -> Option<Known> {
        if let Some(k) = self.by_key.get(key) {
            return Some(k.clone());
        }
        match key {
            "first_name" | "last_name" => {
                let full = self.by_key.get("name")?;
                let (family, given) = split_name(&full.value)?;
                let value = if key == "last_name" { family } else { given };
                Some(Known {
                    value,
                    source: full.source.clone(),
                })
            }
            "name" => {
                let first = self.by_key.get("first_name")?;
                let last = self.by_key.get("last_name")?;
                let cjk = first.value.chars().any(crate::request::is_cjk);
                let value = if cjk {
                    format!("{}{}", last.value, first.value)
                } else {
                    format!("{} {}", first.value, last.value)
                };
                Some(Known {
                    value,
                    source: first.source.clone(),
                })
            }
            _ => None,
        }
    }
}

/// (family name, given name). Chinese names put the family name first (one character, or two
/// for the common compound surnames); others put it last.
pub fn split_name(full: &str) -> Option<(String, String)> {
    const COMPOUND: &[&str] = &[
        "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
        "司徒", "夏侯", "轩辕", "令狐", "端木", "南宫",
    ];
    let full = full.trim();
    if full.chars().all(crate::request::is_cjk) && full.chars().count() >= 2 {
        let n = if COMPOUND.iter().any(|c| full.starts_with(c)) && full.chars().count() > 2 {
            2
        } else {
            1
        };
        let family: String = full.chars().take(n).collect();
        let given: String = full.chars().skip(n).collect();
        return Some((family, given));
    }
    let parts: Vec<&str> = full.split_whitespace().collect();
    if parts.len() < 2 {
        return None;
    }
    let (last, first) = parts.split_last()?;
    Some((last.to_string(), first.join(" ")))
}

/// Facts a text states: "my name is …", "我叫…", "email: …", a bare e-mail address or Chinese ID
/// number. Keys are canonical.
pub fn stated(text: &str) -> Vec<(String, String)> {
    static PATTERNS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
        let p = |k: &'static str, re: &str| (k, Regex::new(re).expect("static regex"));
        vec![
            p(
                "name",
                r"\b[Mm]y (?:full )?name is ([A-Z][\p{L}'\-]+(?: [A-Z][\p{L}'\-]+){0,3})",
            ),
            p(
                "name",
                r"\b[Cc]all me ([A-Z][\p{L}'\-]+(?: [A-Z][\p{L}'\-]+){0,2})",
            ),
            p(
                "name",
                r"(?:我叫|我的名字是|我的名字叫|我的姓名是|本人姓名|我是)\s*([\p{Han}]{2,4}|[A-Z][a-z]+(?: [A-Z][a-z]+){1,2})",
            ),
            p(
                "phone",
                r"(?i)\bmy (?:phone|mobile|cell|telephone)(?: number)? is (\+?[\d][\d \-()]{5,18}\d)",
            ),
            p(
                "phone",
                r"(?:我的)?(?:手机|电话|手机号|手机号码|电话号码|联系电话)(?:号码)?(?:是|为|：|:)\s*(\+?[\d][\d \-]{5,18}\d)",
            ),
            p(
                "email",
                r"(?i)\bmy e-?mail(?: address)? is ([\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+)",
            ),
            p(
                "email",
                r"(?:我的)?(?:邮箱|电子邮箱|邮件地址)(?:是|为|：|:)\s*([\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+)",
            ),
            p("address", r"(?i)\bmy (?:home )?address is ([^.;\n]+)"),
            p("address", r"(?i)\bI live (?:at|in) ([^.;\n]+)"),
            p(
                "address",
                r"(?:我的)?(?:地址|住址|家庭住址)(?:是|为|：|:)\s*([^。；;，,\n]+)",
            ),
            p("address", r"我住在\s*([^。；;，,\n]+)"),
            p(
                "date_of_birth",
                r"(?i)\b(?:I was born on|my (?:date of birth|birthday|dob) is) ([\w ,./\-]+\d)",
            ),
            p(
                "date_of_birth",
                r"(?:我的)?(?:出生日期|生日)(?:是|为|：|:)\s*([\d年月日./\-]+)",
            ),
            p("date_of_birth", r"我(?:出生于|生于)\s*([\d年月日./\-]+)"),
            p(
                "id_number",
                r"(?i)\bmy (?:id|identity card|id card)(?: number| no\.?)? is ([A-Z0-9\-]{5,20})",
            ),
            p(
                "id_number",
                r"(?:我的)?身份证(?:号码|号)?(?:是|为|：|:)\s*(\d{17}[\dXx])",
            ),
            p(
                "passport_number",
                r"(?i)\bmy passport(?: number| no\.?)? is ([A-Z0-9]{5,12})",
            ),
            p("nationality", r"(?i)\bmy nationality is ([\p{L} ]+)"),
            p(
                "occupation",
                r"(?i)\bI(?:'m| am) an? ([a-z ]{3,30}?)(?: at | by |[.,;]|$)",
            ),
            p(
                "gender",
                r"(?i)\bI(?:'m| am) (?:a )?(male|female|man|woman)\b",
            ),
            p("email", r"([\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+)"),
            p("id_number", r"(?:^|\D)(\d{17}[\dXx])(?:\D|$)"),
        ]
    });
    let mut out: Vec<(String, String)> = Vec::new();
    for (key, re) in PATTERNS.iter() {
        if out.iter().any(|(k, _)| k == key) {
            continue;
        }
        if let Some(c) = re.captures(text).and_then(|c| c.get(1)) {
            let v = c
                .as_str()
                .trim()
                .trim_end_matches(['.', ',', '，', '。'])
                .to_string();
            if !v.is_empty() {
                out.push((key.to_string(), v));
            }
        }
    }
    // "key: value" pairs, e.g. "name: Zhang San, phone: 138…" or "姓名：张三；电话：…".
    static PAIR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"([\p{L}\p{Han} _\-]{1,24})\s*[:：=]\s*([^,;，；\n]+)").expect("static regex")
    });
    for c in PAIR.captures_iter(text) {
        let (k, v) = (&c[1], c[2].trim());
        if let Some((key, score)) = label_key(k)
            && score >= 0.95
            && !v.is_empty()
            && !out.iter().any(|(ok, _)| ok == key)
        {
            out.push((key.to_string(), v.to_string()));
        }
    }
    out
}

/// The country a nationality names, whether as the country, its people or in Chinese.
fn country(s: &str) -> Option<&'static str> {
    const COUNTRIES: &[(&str, &[&str])] = &[
        (
            "cn",
            &[
                "china",
                "chinese",
                "prc",
                "peoplesrepublicofchina",
                "中国",
                "中华人民共和国",
                "中国籍",
            ],
        ),
        (
            "gb",
            &[
                "uk",
                "unitedkingdom",
                "british",
                "britain",
                "greatbritain",
                "england",
                "english",
                "英国",
            ],
        ),
        (
            "us",
            &[
                "us",
                "usa",
                "unitedstates",
                "unitedstatesofamerica",
                "american",
                "美国",
            ],
        ),
        ("ie", &["ireland", "irish", "爱尔兰"]),
        ("au", &["australia", "australian", "澳大利亚"]),
        ("ca", &["canada", "canadian", "加拿大"]),
        ("nz", &["newzealand", "newzealander", "新西兰"]),
        ("in", &["india", "indian", "印度"]),
        ("jp", &["japan", "japanese", "日本"]),
        ("kr", &["korea", "southkorea", "korean", "韩国"]),
        ("fr", &["france", "french", "法国"]),
        ("de", &["germany", "german", "德国"]),
        ("sg", &["singapore", "singaporean", "新加坡"]),
        ("my", &["malaysia", "malaysian", "马来西亚"]),
    ];
    let k = squash(s);
    COUNTRIES
        .iter()
        .find(|(_, names)| names.contains(&k.as_str()))
        .map(|(c, _)| *c)
}

/// Which of a checkbox group's options a value picks, by gender class for gender groups,
/// else by text similarity.
pub fn choose_option(value: &str, options: &[String]) -> Option<usize> {
    let class = |s: &str| -> Option<&'static str> {
        match squash(s).as_str() {
            "female" | "f" | "woman" | "women" | "ms" | "mrs" | "miss" | "女" | "女性" | "女士" => {
                Some("f")
            }
            "male" | "m" | "man" | "men" | "mr" | "男" | "男性" | "男士" => Some("m"),
            _ => None,
        }
    };
    if let Some(c) = class(value)
        && let Some(i) = options.iter().position(|o| class(o) == Some(c))
    {
        return Some(i);
    }
    // A nationality given as the country ("China") picks its people's option ("Chinese").
    if let Some(c) = country(value)
        && let Some(i) = options.iter().position(|o| country(o) == Some(c))
    {
        return Some(i);
    }
    let v = squash(value);
    // An option naming both sexes ("男女", two options the OCR read as one) is neither.
    let both = |o: &str| {
        (o.contains('女') || o.contains("female"))
            && (o.contains('男') || o.replace("female", "").contains("male"))
    };
    let (mut best, mut score) = (None, 0.0f32);
    for (i, o) in options.iter().enumerate() {
        let o = squash(o);
        if class(value).is_some() && both(&o) {
            continue;
        }
        let s = if o == v {
            1.0
        } else if !o.is_empty() && (v.contains(&o) || o.contains(&v)) {
            0.85
        } else {
            similarity(&o, &v)
        };
        if s > score {
            best = Some(i);
            score = s;
        }
    }
    if score >= 0.7 { best } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_about_someone_or_somewhere_else_name_no_key_of_the_applicant() {
        let key = |l: &str| label_key(l).map(|k| k.0);
        for l in [
            "Spouse's name",
            "Previous address",
            "Site address",
            "Premises address",
            "Former name",
            "Father's phone number",
            "监护人姓名",
            "配偶身份证号码",
            "新生儿姓名",
            "推荐单位",
            "原住址",
            "单位地址",
            "Full name of the person who died",
            "Pet's date of birth",
            "Number of the lost passport",
            "Date of incident",
            "学生身份证号",
            "逝者身份证号码",
            "丈夫姓名",
            "对方姓名",
            "事故发生日期",
            "户籍地址",
        ] {
            assert_eq!(key(l), None, "{l}");
        }
        // The word is the synonym's own, or the label is the applicant's.
        assert_eq!(key("Employer"), Some("employer"));
        assert_eq!(key("Home address"), Some("address"));
        assert_eq!(key("Applicant's full name"), Some("name"));
        assert_eq!(key("姓名"), Some("name"));
    }

    #[test]
    fn a_place_to_sign_takes_a_signature_not_the_name() {
        let key = |l: &str| label_key(l).map(|k| k.0);
        assert_eq!(key("申请人签"), Some("signature"));
        assert_eq!(key("Signature of applicant"), Some("signature"));
        assert_eq!(key("签字日期"), Some("date"));
        assert_eq!(key("Date signed"), Some("date"));
        assert_eq!(key("签证号码"), None);
        assert_eq!(key("Contact in an emergency"), Some("emergency_contact"));
    }

    #[test]
    fn section_headings_name_no_field() {
        let key = |l: &str| label_key(l).map(|k| k.0);
        for l in [
            "Applicant details",
            "申请人基本信息",
            "申请人承诺",
            "Contact information",
        ] {
            assert_eq!(key(l), None, "{l}");
        }
    }

    #[test]
    fn two_names_for_one_thing_across_a_slash_name_it() {
        assert_eq!(label_key("Company / employer"), Some(("employer", 1.0)));
        assert_eq!(label_key("Sex / Sexe"), Some(("gender", 1.0)));
        // Halves naming two keys decide nothing by themselves.
        assert_ne!(label_key("Name / Signature"), Some(("name", 1.0)));
        assert_eq!(label_key("姓氏").map(|k| k.0), Some("last_name"));
    }

    #[test]
    fn a_bilingual_label_names_its_key_in_either_language() {
        assert_eq!(label_key("日期 Date"), Some(("date", 1.0)));
        assert_eq!(label_key("证件号码 ID No."), Some(("id_number", 1.0)));
        assert_eq!(label_key("现住址 Address"), Some(("address", 1.0)));
        // Neither half names anything.
        assert_eq!(label_key("血型 Blood type"), None);
    }

    #[test]
    fn labels_map_to_keys_in_both_languages() {
        assert_eq!(label_key("Full name:").map(|k| k.0), Some("name"));
        assert_eq!(label_key("姓名：").map(|k| k.0), Some("name"));
        assert_eq!(label_key("身份证号码").map(|k| k.0), Some("id_number"));
        assert_eq!(label_key("Mobile phone *").map(|k| k.0), Some("phone"));
        assert_eq!(label_key("联系电话").map(|k| k.0), Some("phone"));
        assert_eq!(label_key("E-mail").map(|k| k.0), Some("email"));
        assert_eq!(label_key("Email address").map(|k| k.0), Some("email"));
        assert_eq!(label_key("邮箱").map(|k| k.0), Some("email"));
        assert_eq!(label_key("Home Address").map(|k| k.0), Some("address"));
        assert_eq!(label_key("出生日期").map(|k| k.0), Some("date_of_birth"));
        assert_eq!(
            label_key("Date of Birth (DD/MM/YYYY)").map(|k| k.0),
            Some("date_of_birth")
        );
        assert_eq!(
            label_key("Emai1 address").map(|k| k.0),
            Some("email"),
            "an OCR slip"
        );
        assert_eq!(
            label_key("紧急联系人电话").map(|k| k.0),
            Some("emergency_contact")
        );
        assert_eq!(label_key("Branch code"), None);
        // The note in brackets says a signature goes there, not the name.
        assert_eq!(label_key("申请人（签字）").map(|k| k.0), Some("signature"));
        assert_eq!(
            label_key("Applicant (signature)").map(|k| k.0),
            Some("signature")
        );
        assert_eq!(label_key("申请人").map(|k| k.0), Some("name"));
        // Who signs a sentence form or an order, and a long word the OCR split.
        assert_eq!(label_key("I, the undersigned").map(|k| k.0), Some("name"));
        assert_eq!(label_key("Ordered by").map(|k| k.0), Some("name"));
        assert_eq!(
            label_key("What is your ful l name?").map(|k| k.0),
            Some("name")
        );
        assert_eq!(
            label_key("I can be contacted on").map(|k| k.0),
            Some("phone")
        );
        assert_eq!(label_key("报告人").map(|k| k.0), Some("name"));
        // Only whole: the reporter's job title is no name.
        assert_ne!(label_key("报告人职务").map(|k| k.0), Some("name"));
    }

    #[test]
    fn a_conversational_forms_question_names_the_field_it_asks_for() {
        for (q, k) in [
            ("What is your sex?", "gender"),
            ("May I have your full name, please?", "name"),
            ("When were you born?", "date_of_birth"),
            ("And the postcode?", "postcode"),
            ("Who is your employer?", "employer"),
            ("您好，请告诉我您的姓名", "name"),
            ("请问您是哪天出生的？", "date_of_birth"),
            ("您在哪个单位工作？", "employer"),
            ("您的国籍是？", "nationality"),
        ] {
            assert_eq!(label_key(q).map(|k| k.0), Some(k), "{q}");
        }
        assert_eq!(label_key("What is your favourite colour?"), None);
    }

    #[test]
    fn profile_keys_of_any_spelling() {
        assert_eq!(profile_key("full_name"), "name");
        assert_eq!(profile_key("Mobile"), "phone");
        assert_eq!(profile_key("E-mail"), "email");
        assert_eq!(profile_key("dob"), "date_of_birth");
        assert_eq!(profile_key("home_address"), "address");
        assert_eq!(profile_key("ID"), "id_number");
        assert_eq!(profile_key("手机"), "phone");
        assert_eq!(profile_key("loyalty_no"), "loyaltyno");
        assert_eq!(profile_key("employerName"), "employer");
        assert_eq!(profile_key("birthDate"), "date_of_birth");
        assert_eq!(profile_key("addr"), "address");
        assert_eq!(profile_key("sign_as"), "signature");
    }

    #[test]
    fn stated_facts() {
        let f = stated(
            "Hi, my name is Zhang San and my email is zs@example.com. I live at 5 Long Road, Leeds.",
        );
        assert!(f.contains(&("name".into(), "Zhang San".into())), "{f:?}");
        assert!(f.contains(&("email".into(), "zs@example.com".into())));
        assert!(
            f.contains(&("address".into(), "5 Long Road, Leeds".into()))
                || f.contains(&("address".into(), "5 Long Road".into())),
            "{f:?}"
        );
        let f = stated("我叫李华，我的手机是13812345678，身份证号码是110101199003071234。");
        assert!(f.contains(&("name".into(), "李华".into())), "{f:?}");
        assert!(f.contains(&("phone".into(), "13812345678".into())), "{f:?}");
        assert!(
            f.contains(&("id_number".into(), "110101199003071234".into())),
            "{f:?}"
        );
        let f = stated("name: Emily Carter; phone: +44 20 7946 0958");
        assert!(f.contains(&("name".into(), "Emily Carter".into())), "{f:?}");
        assert!(
            f.contains(&("phone".into(), "+44 20 7946 0958".into())),
            "{f:?}"
        );
    }

    #[test]
    fn profile_beats_text_beats_history() {
        let mut p = BTreeMap::new();
        p.insert("Mobile".to_string(), "111".to_string());
        let f = Facts::gather(
            &p,
            "my phone number is 222333444, fill the form",
            &["my name is Old Name".into(), "my name is Zhang San".into()],
        );
        assert_eq!(f.value_for("phone").map(|k| k.value), Some("111".into()));
        assert_eq!(
            f.value_for("name").map(|k| k.value),
            Some("Zhang San".into())
        );
        assert_eq!(f.value_for("name").map(|k| k.source), Some(Source::History));
        assert_eq!(
            f.value_for("first_name").map(|k| k.value),
            Some("Zhang".into())
        );
        assert_eq!(
            f.value_for("last_name").map(|k| k.value),
            Some("San".into())
        );
    }

    #[test]
    fn names_split_by_culture() {
        assert_eq!(split_name("张三"), Some(("张".into(), "三".into())));
        assert_eq!(split_name("欧阳修文"), Some(("欧阳".into(), "修文".into())));
        assert_eq!(
            split_name("Emily Jane Carter"),
            Some(("Carter".into(), "Emily Jane".into()))
        );
        assert_eq!(split_name("Madonna"), None);
    }

    #[test]
    fn options_by_meaning() {
        let o = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(choose_option("F", &o(&["Male", "Female"])), Some(1));
        assert_eq!(choose_option("女", &o(&["男", "女"])), Some(1));
        assert_eq!(choose_option("female", &o(&["男", "女"])), Some(1));
        assert_eq!(
            choose_option("savings", &o(&["Savings", "Current"])),
            Some(0)
        );
        assert_eq!(choose_option("Joint", &o(&["Savings", "Current"])), None);
        // Two options read as one name both sexes: neither is the value.
        assert_eq!(choose_option("女", &o(&["男女"])), None);
        assert_eq!(choose_option("Female", &o(&["Male Female"])), None);
        assert_eq!(choose_option("女", &o(&["女 Female"])), Some(0));
        // A nationality given as its country picks the people's option, and back.
        assert_eq!(choose_option("China", &o(&["Chinese", "Other"])), Some(0));
        assert_eq!(
            choose_option("British", &o(&["China", "United Kingdom"])),
            Some(1)
        );
        assert_eq!(choose_option("中国", &o(&["Other", "Chinese"])), Some(1));
        assert_eq!(choose_option("France", &o(&["Chinese", "British"])), None);
    }
}
