//! Dates on forms: reading a profile's date in whatever format it comes, the format a form
//! prints for a one-box date ("DD/MM/YYYY", "YYYY-MM-DD"), the part a piece of text names
//! ("DD", "年", "Month"), and writing a date in a printed format or as parts.

use std::sync::LazyLock;

use regex::Regex;

/// A calendar date, checked (month 1–12, day within the month).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ymd {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

/// One part of a date written in its own box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    Year,
    Month,
    Day,
}

impl Part {
    pub fn name(self) -> &'static str {
        match self {
            Part::Year => "year",
            Part::Month => "month",
            Part::Day => "day",
        }
    }
}

const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn month_word(w: &str) -> Option<u32> {
    let w = w.trim_end_matches('.').to_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| w.starts_with(m) && (w.len() == 3 || full_month(m).starts_with(&w)))
        .map(|i| i as u32 + 1)
}

fn full_month(abbr: &str) -> &'static str {
    match abbr {
        "jan" => "january",
        "feb" => "february",
        "mar" => "march",
        "apr" => "april",
        "may" => "may",
        "jun" => "june",
        "jul" => "july",
        "aug" => "august",
        "sep" => "september",
        "oct" => "october",
        "nov" => "november",
        _ => "december",
    }
}

impl Ymd {
    pub fn new(year: i32, month: u32, day: u32) -> Option<Ymd> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        ((1000..=9999).contains(&year) && (1..=days).contains(&day)).then_some(Ymd {
            year,
            month,
            day,
        })
    }

    /// A date as people write it: ISO (`1990-03-07`, `1990/3/7`, `1990.03.07`, `19900307`),
    /// day first (`07/03/1990`; month first only where the day cannot be a month,
    /// `03/17/1990`), Chinese (`1990年3月7日`), or with the month in words (`7 March 1990`,
    /// `March 7, 1990`, `7th Mar 1990`).
    pub fn parse(s: &str) -> Option<Ymd> {
        static YMD: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
                .expect("static regex")
        });
        static DMY: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})$").expect("static regex")
        });
        static COMPACT: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"^(\d{4})(\d{2})(\d{2})$").expect("static regex"));
        static WORDS: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"^(?:(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([A-Za-z]+\.?)|([A-Za-z]+\.?)\s+(\d{1,2})(?:st|nd|rd|th)?)\s*,?\s*(\d{4})$")
                .expect("static regex")
        });
        let s = s.trim();
        let num = |m: Option<regex::Match>| m.and_then(|m| m.as_str().parse::<u32>().ok());
        if let Some(c) = YMD.captures(s).or_else(|| COMPACT.captures(s)) {
            return Ymd::new(num(c.get(1))? as i32, num(c.get(2))?, num(c.get(3))?);
        }
        if let Some(c) = DMY.captures(s) {
            let (a, b, y) = (num(c.get(1))?, num(c.get(2))?, num(c.get(3))? as i32);
            // Day first, the common order outside the US; month first only when it must be.
            return Ymd::new(y, b, a).or_else(|| Ymd::new(y, a, b));
        }
        if let Some(c) = WORDS.captures(s) {
            let y = num(c.get(5))? as i32;
            let (d, m) = match (c.get(1), c.get(2)) {
                (Some(d), Some(m)) => (d.as_str().parse().ok()?, month_word(m.as_str())?),
                _ => (num(c.get(4))?, month_word(c.get(3)?.as_str())?),
            };
            return Ymd::new(y, m, d);
        }
        None
    }

    /// The number a part holds, written as a placeholder of `width` letters asks ("MM" -> 03).
    pub fn part(&self, p: Part, width: usize) -> String {
        let n = match p {
            Part::Year => return self.year.to_string(),
            // "MMM": the month's name, shortened ("Jul").
            Part::Month if width == 3 => {
                let m = MONTHS[(self.month as usize).saturating_sub(1) % 12];
                let mut c = m.chars();
                return c
                    .next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default();
            }
            Part::Month => self.month,
            Part::Day => self.day,
        };
        if width >= 2 {
            format!("{n:02}")
        } else {
            n.to_string()
        }
    }

    /// The date written in a printed format: `DD/MM/YYYY`, `YYYY-MM-DD`, `MM.DD.YYYY`,
    /// `YYYY年MM月DD日` and the like.
    pub fn format(&self, f: &Format) -> String {
        let mut out = String::new();
        for t in &f.0 {
            match t {
                Token::Part(p, w) => out.push_str(&self.part(*p, *w)),
                Token::Sep(s) => out.push_str(s),
            }
        }
        out
    }
}

/// Three parts with a separator between each: "DD/MM/YYYY", "yyyy-mm-dd", "dd/mm/yyy" (an OCR
/// slip). The word boundaries are ASCII ones: Chinese printed right before or after the format
/// ("请按YYYY/MM/DD格式填写") bounds it.
const FMT_SRC: &str = r"(?i)(?-u:\b)(dd?|m{1,3}|y{2,4})\s*([-/. ])\s*(dd?|m{1,3}|y{2,4})\s*([-/. ])\s*(dd?|m{1,3}|y{2,4})(?-u:\b)";

static FMT: LazyLock<Regex> = LazyLock::new(|| Regex::new(FMT_SRC).expect("static regex"));

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Part(Part, usize),
    Sep(String),
}

/// A date format printed on a form: parts in order, with the separators between them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Format(Vec<Token>);

impl Format {
    /// Finds a format in text such as "Date of birth (DD/MM/YYYY)" or a placeholder
    /// "yyyy-mm-dd"; needs all three parts.
    pub fn find(text: &str) -> Option<Format> {
        let text = &squeeze(text);
        if let Some(c) = FMT.captures(text) {
            let mut tokens = Vec::new();
            for i in 1..=5 {
                let s = c.get(i)?.as_str();
                if i % 2 == 0 {
                    tokens.push(Token::Sep(s.to_string()));
                } else {
                    let (p, w) = part_letters(s)?;
                    tokens.push(Token::Part(p, w));
                }
            }
            // Day and month of different widths, "yyyy/mm/d": the OCR cut a letter off.
            let width = |p: Part| {
                tokens.iter().find_map(|t| match t {
                    Token::Part(q, w) if *q == p => Some(*w),
                    _ => None,
                })
            };
            if let (Some(d), Some(m)) = (width(Part::Day), width(Part::Month))
                && d.min(m) == 1
                && d.max(m) == 2
            {
                for t in &mut tokens {
                    if let Token::Part(Part::Day | Part::Month, w) = t {
                        *w = 2;
                    }
                }
            }
            let f = Format(tokens);
            return f.complete().then_some(f);
        }
        Self::find_zh(text)
    }

    /// A placeholder the OCR garbled past `find` on a scan ("fddrmmsy)" for "(dd/mm/yyyy)",
    /// "mmrddyyy", "dd-mm-9027", "DDMMYYYY"): the whole text is the three parts' letters in
    /// some order, with at most three odd characters between them (a slash read as "r", a
    /// bracket as "f"); the year may be garbled whole at either end. The order is what is
    /// read; each part is two digits wide ("MMM" the month's name), the year four, and the
    /// separator is the one printed, none between parts printed close up, or "/".
    pub fn garbled(text: &str) -> Option<Format> {
        let t: Vec<char> = text
            .trim()
            .trim_start_matches(['(', '（', '['])
            .trim_end_matches([')', '）', ']'])
            .to_lowercase()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        // Vowels make a word ("Paddy"), not a misread slash or bracket.
        // (Chinese units make a format `find` reads whole or not at all.)
        if t.len() < 6 || t.len() > 12 || t.iter().any(|c| !c.is_ascii() || "aeiou".contains(*c)) {
            return None;
        }
        let class = |c: char| match c {
            'd' => Some(Part::Day),
            'm' => Some(Part::Month),
            'y' | 'v' | 'w' => Some(Part::Year),
            _ => None,
        };
        let is_sep = |c: char| matches!(c, '/' | '-' | '.' | '|');
        // Runs of one part's letters, in order.
        let mut runs: Vec<(Part, usize, usize)> = Vec::new();
        for (k, &c) in t.iter().enumerate() {
            let Some(p) = class(c) else { continue };
            match runs.last_mut() {
                Some((q, _, end)) if *q == p && *end == k => *end = k + 1,
                _ => runs.push((p, k, k + 1)),
            }
        }
        // The last part's second letter misread ("YYYY-MM-Dp"): a day or month of one letter
        // at the very end, one odd character after it, is that part printed whole.
        if let Some(last) = runs.last_mut()
            && matches!(last.0, Part::Day | Part::Month)
            && last.2 - last.1 == 1
            && t.len() == last.2 + 1
            && t[last.2].is_ascii_alphanumeric()
        {
            last.2 += 1;
        }
        let letters: usize = runs.iter().map(|r| r.2 - r.1).sum();
        let long = |p: Part| runs.iter().any(|r| r.0 == p && r.2 - r.1 >= 2);
        if !long(Part::Day) || !long(Part::Month) {
            return None;
        }
        // A lone stray letter (a "v" for a slash) is dropped; each part then runs once.
        runs.retain(|r| r.2 - r.1 >= 2 || r.0 == Part::Year);
        let mut order: Vec<(Part, usize, usize)> = Vec::new();
        for r in runs {
            if order.iter().any(|o| o.0 == r.0) {
                // The year's letters split by a misread one run on.
                match order.last_mut() {
                    Some(last) if last.0 == r.0 && r.0 == Part::Year => last.2 = r.2,
                    _ => return None,
                }
                continue;
            }
            order.push(r);
        }
        let odd = |a: usize, b: usize| t[a..b].iter().filter(|&&c| !is_sep(c)).count();
        if order.len() == 2 {
            // The year garbled whole ("9027"): two to four odd characters at one end.
            let (first, last) = (order[0].1, order[1].2);
            let (head, tail) = (odd(0, first), odd(last, t.len()));
            // Or cut to one character ("DD.MM.m") after the separator the other parts
            // have between them.
            let sep = match t.get(order[0].2..order[1].1) {
                Some(&[c]) if is_sep(c) => Some(c),
                _ => None,
            };
            let lone_tail = tail == 1 && sep.is_some() && t.get(last) == sep.as_ref();
            let lone_head =
                head == 1 && sep.is_some() && first >= 1 && t.get(first - 1) == sep.as_ref();
            let year = if ((2..=4).contains(&tail) || lone_tail) && head == 0 {
                (last, t.len())
            } else if ((2..=4).contains(&head) || lone_head) && tail == 0 {
                (0, first)
            } else {
                return None;
            };
            let at = if year.0 == 0 { 0 } else { 2 };
            order.insert(at, (Part::Year, year.0, year.1));
        } else if letters < 5 {
            return None;
        }
        if order.len() != 3 {
            return None;
        }
        let inside: usize = order.iter().map(|r| r.2 - r.1).sum();
        let stray = odd(0, t.len())
            - t.iter()
                .enumerate()
                .filter(|&(k, &c)| !is_sep(c) && order.iter().any(|r| (r.1..r.2).contains(&k)))
                .count();
        if stray > 3 || inside < 5 {
            return None;
        }
        // Parts printed close up ("YYYYMMDD") have no separator; a garbled one is "/".
        let between: Vec<char> = t[order[0].2..order[1].1]
            .iter()
            .chain(&t[order[1].2..order[2].1])
            .copied()
            .collect();
        let sep = if between.is_empty() {
            String::new()
        } else {
            t.iter()
                .find(|&&c| matches!(c, '/' | '-' | '.'))
                .map_or("/".to_string(), |c| c.to_string())
        };
        // "MMM" is the month's name; a longer run of one letter is no placeholder.
        let width = |r: &(Part, usize, usize)| match r.0 {
            Part::Year => Some(4),
            Part::Month if r.2 - r.1 == 3 => Some(3),
            _ => (r.2 - r.1 == 2).then_some(2),
        };
        let mut tokens = Vec::new();
        for (k, r) in order.iter().enumerate() {
            if k > 0 {
                tokens.push(Token::Sep(sep.clone()));
            }
            tokens.push(Token::Part(r.0, width(r)?));
        }
        Some(Format(tokens))
    }

    /// The parts in `order` printed close up ("YYYYMMDD"), each two digits, the year four.
    pub fn close_up(order: [Part; 3]) -> Format {
        let mut tokens = Vec::new();
        for (k, p) in order.into_iter().enumerate() {
            if k > 0 {
                tokens.push(Token::Sep(String::new()));
            }
            tokens.push(Token::Part(p, if p == Part::Year { 4 } else { 2 }));
        }
        Format(tokens)
    }

    /// The format an example date shows ("e.g. 23/04/1988" -> DD/MM/YYYY, "例：1988.04.23"
    /// -> YYYY.MM.DD): the year is the four-digit number; of the other two, one over 12 is
    /// the day. A year first is followed by the month; a year last with neither over 12 is
    /// ambiguous (03/04/1988) and gives none.
    pub fn from_example(text: &str) -> Option<Format> {
        static DATE: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"(?:^|[^\d])(\d{1,4})([-/.])(\d{1,2})([-/.])(\d{1,4})(?:[^\d]|$)")
                .expect("static regex")
        });
        static ZH: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"(?:^|[^\d])\d{4}\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
                .expect("static regex")
        });
        if let Some(c) = ZH.captures(text) {
            // A day of two digits shows no padding: the month's says it ("4月23日").
            let w = if c[1].len() == 2 || c[2].starts_with('0') {
                2
            } else {
                1
            };
            return Some(Format(vec![
                Token::Part(Part::Year, 4),
                Token::Sep("年".into()),
                Token::Part(Part::Month, w),
                Token::Sep("月".into()),
                Token::Part(Part::Day, w),
                Token::Sep("日".into()),
            ]));
        }
        let c = DATE.captures(text)?;
        if c[2] != c[4] {
            return None;
        }
        let n = |i: usize| c[i].parse::<u32>().ok();
        let w = |i: usize| c[i].len();
        let (a, b) = (n(1)?, n(3)?);
        n(5)?;
        let parts = if w(1) == 4 && w(5) <= 2 {
            if b > 12 {
                [(Part::Year, 4), (Part::Day, w(3)), (Part::Month, w(5))]
            } else {
                [(Part::Year, 4), (Part::Month, w(3)), (Part::Day, w(5))]
            }
        } else if w(5) == 4 && w(1) <= 2 {
            match (a > 12, b > 12) {
                (true, false) => [(Part::Day, w(1)), (Part::Month, w(3)), (Part::Year, 4)],
                (false, true) => [(Part::Month, w(1)), (Part::Day, w(3)), (Part::Year, 4)],
                _ => return None,
            }
        } else {
            return None;
        };
        let sep = Token::Sep(c[2].to_string());
        let [p0, p1, p2] = parts.map(|(p, w)| Token::Part(p, w));
        Some(Format(vec![p0, sep.clone(), p1, sep, p2]))
    }

    /// A label without the format printed in it: "Date signed (DD/MM/YYYY)" -> "Date signed".
    pub fn strip(text: &str) -> String {
        static HINT: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(&format!(
                r"[(（\[]?\s*(?i:(?:date\s+)?format\s*:?\s*|e\.?\s?g\.?\s*:?\s*|(?:日期)?格式\s*[:：]?\s*)?{FMT_SRC}\s*[)）\]]?"
            ))
            .expect("static regex")
        });
        // Chinese: a blank or letters before each of 年, 月 and 日 ("YYYY年MM月DD日",
        // "____年__月__日"; the 日 maybe cut off at the end by the box round a placeholder);
        // "出生年月日" keeps its units, as `find_zh` reads it.
        static HINT_ZH: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(
                r"[(（]?\s*[_＿A-Za-z][_＿A-Za-z\s]*年[_＿A-Za-z\s]+月[_＿A-Za-z\s]+(?:日|$)\s*[)）]?",
            )
            .expect("static regex")
        });
        let squeezed = squeeze(text);
        let text = HINT.replace_all(&squeezed, " ");
        HINT_ZH.replace_all(&text, " ").trim().to_string()
    }

    fn find_zh(text: &str) -> Option<Format> {
        // The label may name the units too ("出生年月日：(YYYY年MM月DD日)"): each 年 in turn.
        text.match_indices('年')
            .find_map(|(y, _)| Self::find_zh_at(text, y))
    }

    fn find_zh_at(text: &str, y: usize) -> Option<Format> {
        // Chinese: 年, 月 and 日 in order ("____年__月__日", "YYYY年MM月DD日").
        // Something to write must stand before each unit: "出生年月日" is a label, no format.
        let m = y + text[y..].find('月')?;
        // (The last 日 cut off by the box round a placeholder: "YYYY年MM月DD".)
        let cut = text[m + 3..].trim();
        let d = match text[m..].find('日') {
            Some(d) => m + d,
            None if !cut.is_empty()
                && cut.len() <= 2
                && cut.chars().all(|c| matches!(c, 'D' | 'd')) =>
            {
                text.len()
            }
            None => return None,
        };
        let blank = |s: &str| {
            s.chars()
                .any(|c| c == '_' || c == '＿' || c.is_whitespace() || c.is_ascii_alphabetic())
        };
        let before_y = text[..y].chars().rev().take(4).collect::<String>();
        if !blank(&before_y) || !blank(&text[y + 3..m]) || !blank(&text[m + 3..d]) {
            return None;
        }
        let upper = text.to_uppercase();
        let w = |letters: &str| if upper.contains(letters) { 2 } else { 1 };
        Some(Format(vec![
            Token::Part(Part::Year, 4),
            Token::Sep("年".into()),
            Token::Part(Part::Month, w("MM")),
            Token::Sep("月".into()),
            Token::Part(Part::Day, w("DD")),
            Token::Sep("日".into()),
        ]))
    }

    /// The parts in the order the format prints them, with the digits each asks for.
    pub fn parts(&self) -> Vec<(Part, usize)> {
        self.0
            .iter()
            .filter_map(|t| match t {
                Token::Part(p, w) => Some((*p, *w)),
                Token::Sep(_) => None,
            })
            .collect()
    }

    fn complete(&self) -> bool {
        [Part::Year, Part::Month, Part::Day].iter().all(|p| {
            self.0
                .iter()
                .filter(|t| matches!(t, Token::Part(q, _) if q == p))
                .count()
                == 1
        })
    }
}

/// The OCR spaces a placeholder's letters ("D D. M M.YYYY"): runs of one letter close up.
fn squeeze(text: &str) -> String {
    static SPACED: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)\b([dmy])\s+([dmy])\b").expect("static regex"));
    let mut s = text.to_string();
    loop {
        let next = SPACED
            .replace_all(&s, |c: &regex::Captures| {
                if c[1].eq_ignore_ascii_case(&c[2]) {
                    format!("{}{}", &c[1], &c[2])
                } else {
                    c[0].to_string()
                }
            })
            .into_owned();
        if next == s {
            return s;
        }
        s = next;
    }
}

/// "DD" -> (Day, 2), "m" -> (Month, 1), "YYYY" -> (Year, 4).
fn part_letters(s: &str) -> Option<(Part, usize)> {
    let l = s.to_lowercase();
    let n = l.chars().count();
    let first = l.chars().next()?;
    if !l.chars().all(|c| c == first) {
        return None;
    }
    match (first, n) {
        ('d', 1..=2) => Some((Part::Day, n)),
        ('m', 1..=3) => Some((Part::Month, n)),
        ('y', 2..=4) => Some((Part::Year, 4)),
        _ => None,
    }
}

/// The part a piece of printed text names, and the placeholder's width: placeholders ("DD",
/// "MM", "YYYY"), captions ("Day", "Month", "Year"), Chinese units (年, 月, 日) and their
/// placeholders ("YYYY年"). None for anything else.
pub fn part_named(text: &str) -> Option<(Part, usize)> {
    let t: String = text
        .chars()
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(
                    c,
                    '/' | '-' | '.' | ':' | '：' | '(' | ')' | '（' | '）' | '_'
                )
        })
        .collect();
    if t.is_empty() {
        return None;
    }
    match t.to_lowercase().as_str() {
        "年" | "年份" => return Some((Part::Year, 4)),
        "月" | "月份" => return Some((Part::Month, 1)),
        "日" | "号" => return Some((Part::Day, 1)),
        "day" | "dd" => return Some((Part::Day, 2)),
        "month" | "mm" | "mon" => return Some((Part::Month, 2)),
        "year" | "yyyy" | "yy" | "yr" => return Some((Part::Year, 4)),
        _ => {}
    }
    // One letter alone ("M", "D") is more often an option (Male) than a part's placeholder.
    let letters = t.chars().count() >= 2;
    part_letters(&t).filter(|_| letters).or_else(|| {
        // "YYYY年" or "MM月": a placeholder with its unit.
        let last = t.chars().last()?;
        if !matches!(last, '年' | '月' | '日') {
            return None;
        }
        let rest: String = t.chars().take(t.chars().count() - 1).collect();
        let unit = part_named(&last.to_string())?;
        let (p, w) = part_letters(&rest)?;
        (p == unit.0).then_some((p, w))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<Ymd> {
        Ymd::new(y, m, day)
    }

    #[test]
    fn profile_dates_parse_in_every_common_format() {
        let want = d(1990, 3, 7);
        for s in [
            "1990-03-07",
            "1990/3/7",
            "1990.03.07",
            "19900307",
            "07/03/1990",
            "7-3-1990",
            "1990年3月7日",
            "1990 年 03 月 07 日",
            "7 March 1990",
            "7th of March, 1990",
            "March 7, 1990",
            "Mar. 7 1990",
        ] {
            assert_eq!(Ymd::parse(s), want, "{s}");
        }
        // Month first only where the first number cannot be a month.
        assert_eq!(Ymd::parse("03/17/1990"), d(1990, 3, 17));
        assert_eq!(Ymd::parse("17/03/1990"), d(1990, 3, 17));
        for bad in [
            "1990-02-30",
            "32/01/1990",
            "Smarch 7, 1990",
            "1990",
            "",
            "12/13/14",
        ] {
            assert_eq!(Ymd::parse(bad), None, "{bad}");
        }
        assert_eq!(Ymd::parse("2000-02-29"), d(2000, 2, 29));
        assert_eq!(Ymd::parse("1900-02-29"), None);
    }

    #[test]
    fn printed_formats_are_found_and_written() {
        let x = d(1990, 3, 7).unwrap();
        let cases = [
            ("Date of birth (DD/MM/YYYY)", "07/03/1990"),
            ("mm-dd-yyyy", "03-07-1990"),
            ("YYYY.MM.DD", "1990.03.07"),
            ("d/m/yyyy", "7/3/1990"),
            ("dd/mm/yyy", "07/03/1990"),
            // (A letter the OCR cut off one of two parts printed alike.)
            ("yyyy/mm/d", "1990/03/07"),
            ("D D. M M.YYYY", "07.03.1990"),
            ("出生日期（YYYY年MM月DD日）", "1990年03月07日"),
            ("____年__月__日", "1990年3月7日"),
            // (The last 日 cut off by the box round the placeholder.)
            ("YYYY年MM月DD", "1990年03月07日"),
            ("DD-MMM-YYYY", "07-Mar-1990"),
            ("D MMM YYYY", "7 Mar 1990"),
        ];
        for (text, want) in cases {
            let f = Format::find(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(x.format(&f), want, "{text}");
        }
        for none in [
            "Date of birth",
            "Address",
            "DD/MM",
            "MM/MM/YYYY",
            "出生年月日",
            "出生年月",
            "出生年月份",
        ] {
            assert_eq!(Format::find(none), None, "{none}");
        }
    }

    #[test]
    fn an_example_date_shows_the_format() {
        let x = Ymd::parse("1990-03-07").expect("date");
        for (text, want) in [
            ("e.g. 23/04/1988)", "07/03/1990"),
            ("（例：1988.04.23）", "1990.03.07"),
            ("eg 12-31-1999", "03-07-1990"),
            ("e.g. 2001-4-5", "1990-3-7"),
            ("（例: 1988年04月23日)", "1990年03月07日"),
            ("例：1988年4月23日", "1990年3月7日"),
        ] {
            let f = Format::from_example(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(x.format(&f), want, "{text}");
        }
        for none in [
            "e.g. 03/04/1988",
            "e.g. 07700 900123",
            "例：100022",
            "e.g. 1.5.2",
        ] {
            assert_eq!(Format::from_example(none), None, "{none}");
        }
    }

    #[test]
    fn placeholders_garbled_on_a_scan_keep_their_order() {
        let x = Ymd::parse("1990-03-07").expect("date");
        let cases = [
            ("fddrmmsy)", "07/03/1990"),
            ("mmrddyyy", "03/07/1990"),
            ("dd-mm-9027", "07-03-1990"),
            ("DDMMYYYY", "07031990"),
            ("DDMMrYy", "07/03/1990"),
            ("dd/mm/ywyy", "07/03/1990"),
            ("(YYYY.MM.DD)", "1990.03.07"),
            ("DDrMMMrYYYY", "07/Mar/1990"),
            ("YYYY-MM-Dp", "1990-03-07"),
            ("(DD.MM.m)", "07.03.1990"),
            ("y/mm/dd", "1990/03/07"),
            ("ddmm9027", "07031990"),
        ];
        for (text, want) in cases {
            let f = Format::garbled(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(x.format(&f), want, "{text}");
        }
        for none in [
            "Date of birth",
            "Address",
            "mmddmm",
            "Add mmm",
            "Middy",
            "dd mm",
            "Commercial",
            "Paddy mmm",
            "Buddy mmyy",
            "YYYY年MM月DD",
            "dd.mm/m",
            "dd mm x",
        ] {
            assert_eq!(Format::garbled(none), None, "{none}");
        }
    }

    #[test]
    fn any_text_is_read_for_a_format_without_a_panic() {
        // Strings of format letters, separators, digits, units and odd characters, drawn by a
        // fixed LCG: every reader returns (a garbled placeholder once indexed past its end).
        let alphabet: Vec<char> = "dmyDMYvw/-.|()（）年月日9 xe:".chars().collect();
        let mut seed: u64 = 0x5eed;
        for _ in 0..20_000 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let len = (seed >> 59) as usize;
            let text: String = (0..len)
                .map(|k| {
                    let r = seed.rotate_left(7 * k as u32 + 3) >> 40;
                    alphabet[r as usize % alphabet.len()]
                })
                .collect();
            let _ = Format::garbled(&text);
            let _ = Format::find(&text);
            let _ = Format::from_example(&text);
            let _ = Format::strip(&text);
        }
    }

    #[test]
    fn labels_lose_their_printed_format() {
        assert_eq!(Format::strip("Date signed: (DD/MM/YYYY)"), "Date signed:");
        assert_eq!(Format::strip("出生日期（YYYY-MM-DD）"), "出生日期");
        // The label names the units too; the format is the one with blanks.
        assert!(Format::find("出生年月日：(YYYY年MM月DD日)").is_some());
        assert_eq!(Format::find("出生年月日"), None);
        assert_eq!(Format::strip("日期：格式：YYYY/MM/DD"), "日期：");
        assert_eq!(
            Format::strip("Start date e.g. 01/02/2025"),
            "Start date e.g. 01/02/2025"
        );
        assert_eq!(
            Format::strip("Start date: Date format dd-mm-yyyy"),
            "Start date:"
        );
        assert_eq!(Format::strip("Date of birth"), "Date of birth");
        assert_eq!(Format::strip("YYYY年MM月DD日"), "");
        assert_eq!(Format::strip("出生日期（YYYY年MM月DD日）"), "出生日期");
        assert_eq!(Format::strip("日期：____年__月__日"), "日期：");
        assert_eq!(Format::strip("出生年月日"), "出生年月日");
    }

    #[test]
    fn part_names_and_placeholders() {
        assert_eq!(part_named("DD"), Some((Part::Day, 2)));
        assert_eq!(part_named("mm"), Some((Part::Month, 2)));
        assert_eq!(part_named("YYYY"), Some((Part::Year, 4)));
        assert_eq!(part_named("Year"), Some((Part::Year, 4)));
        assert_eq!(part_named("年"), Some((Part::Year, 4)));
        assert_eq!(part_named("月"), Some((Part::Month, 1)));
        assert_eq!(part_named("/ 日"), Some((Part::Day, 1)));
        assert_eq!(part_named("YYYY年"), Some((Part::Year, 4)));
        assert_eq!(part_named("Name"), None);
        assert_eq!(part_named("Mr"), None);
        assert_eq!(part_named("DM"), None);
        assert_eq!(part_named("M"), None);
        assert_eq!(part_named("d"), None);
        let x = d(1990, 3, 7).unwrap();
        assert_eq!(x.part(Part::Month, 2), "03");
        assert_eq!(x.part(Part::Month, 1), "3");
        assert_eq!(x.part(Part::Year, 4), "1990");
    }
}
