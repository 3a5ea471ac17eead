//! Dates that keep the precision and the uncertainty the source gives them.
//!
//! Sanctions lists give birth dates as a full day, a month, a year, a range of years or "circa" a
//! year. Matching must compare at the precision both sides have, so a date is never padded to a
//! full day.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A calendar date known to year, month or day precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PartialDate {
    /// The year (proleptic Gregorian).
    pub year: i32,
    /// The month, 1–12, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<u8>,
    /// The day of the month, 1–31, when known; only set together with `month`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<u8>,
}

impl PartialDate {
    /// A year-only date.
    pub fn year(year: i32) -> PartialDate {
        PartialDate {
            year,
            month: None,
            day: None,
        }
    }

    /// Builds a date, checking that the month and day exist.
    pub fn new(year: i32, month: Option<u8>, day: Option<u8>) -> Option<PartialDate> {
        if !(1000..=2999).contains(&year) {
            return None;
        }
        match (month, day) {
            (None, None) => {}
            (Some(m), None) if (1..=12).contains(&m) => {}
            (Some(m), Some(d))
                if (1..=12).contains(&m) && d >= 1 && d <= days_in_month(year, m) => {}
            _ => return None,
        }
        Some(PartialDate { year, month, day })
    }

    /// Parses an ISO 8601 prefix: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a time part is ignored).
    pub fn parse_iso(s: &str) -> Option<PartialDate> {
        let s = s.trim();
        let s = s.split(['T', ' ']).next().unwrap_or(s);
        let mut parts = s.split('-');
        let year = parse_num(parts.next()?, 4)?;
        let month = match parts.next() {
            Some(m) => Some(u8::try_from(parse_num(m, 2)?).ok()?),
            None => None,
        };
        let day = match parts.next() {
            Some(d) => Some(u8::try_from(parse_num(d, 2)?).ok()?),
            None => None,
        };
        if parts.next().is_some() {
            return None;
        }
        PartialDate::new(year, month, day)
    }

    /// Whether two dates can be the same day at the precision both have.
    pub fn compatible(&self, other: &PartialDate) -> bool {
        self.year == other.year
            && opt_eq(self.month, other.month)
            && (self.month.is_none() || other.month.is_none() || opt_eq(self.day, other.day))
    }
}

fn opt_eq(a: Option<u8>, b: Option<u8>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

fn parse_num(s: &str, len: usize) -> Option<i32> {
    if s.len() != len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

/// A date as a list states it: a single partial date or a range, possibly approximate.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct FuzzyDate {
    /// The date, or the start of the range.
    pub start: PartialDate,
    /// The end of the range, when the source gives one ("1958 to 1960").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<PartialDate>,
    /// The source says "circa", "about" or "approximately".
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub circa: bool,
}

impl FuzzyDate {
    /// An exact (non-range, non-circa) date.
    pub fn exact(d: PartialDate) -> FuzzyDate {
        FuzzyDate {
            start: d,
            end: None,
            circa: false,
        }
    }

    /// Parses the date spellings found on sanctions lists.
    ///
    /// Accepts ISO dates (`1965-04-25`, `1965-04`, `1965`), OFAC's `25 Apr 1965`, `Apr 1965`,
    /// `25 April 1965`, day-first numeric `25/04/1965` and `25.04.1965`, a leading `circa`/`c.`/
    /// `approximately`/`about`, and ranges joined by `to`, `-` between years, or `and`.
    /// Returns `None` for anything else, so callers can report the raw text as a diagnostic.
    pub fn parse(raw: &str) -> Option<FuzzyDate> {
        let mut s = raw.trim().trim_end_matches(['.', ';', ',']).trim();
        let mut circa = false;
        for prefix in [
            "circa",
            "approximately",
            "approx.",
            "approx",
            "about",
            "ca.",
            "c.",
        ] {
            if let Some(head) = s
                .get(..prefix.len())
                .filter(|h| h.eq_ignore_ascii_case(prefix))
            {
                s = s[head.len()..].trim_start();
                circa = true;
                break;
            }
        }
        for sep in [" to ", " - ", " and ", " – "] {
            if let Some((a, b)) = s.split_once(sep) {
                let start = parse_single(a)?;
                let end = parse_single(b)?;
                return Some(FuzzyDate {
                    start: start.min(end),
                    end: Some(start.max(end)),
                    circa,
                });
            }
        }
        // A bare year range such as "1958-1960".
        if let Some((a, b)) = s
            .split_once('-')
            .filter(|(a, b)| a.len() == 4 && b.len() == 4)
        {
            {
                let start = PartialDate::year(parse_num(a, 4)?);
                let end = PartialDate::year(parse_num(b, 4)?);
                PartialDate::new(start.year, None, None)?;
                PartialDate::new(end.year, None, None)?;
                return Some(FuzzyDate {
                    start: start.min(end),
                    end: Some(start.max(end)),
                    circa,
                });
            }
        }
        let start = parse_single(s)?;
        Some(FuzzyDate {
            start,
            end: None,
            circa,
        })
    }

    /// Whether a query date can be this date, at the precision both have.
    ///
    /// A range matches any date whose year lies inside it; "circa" widens a single year by one
    /// on each side, which is how analysts read it.
    pub fn matches(&self, query: &PartialDate) -> bool {
        match self.end {
            Some(end) => (self.start.year..=end.year).contains(&query.year),
            None if self.circa => (self.start.year - 1..=self.start.year + 1).contains(&query.year),
            None => self.start.compatible(query),
        }
    }

    /// The dates FtM gets for this value: the date itself, or both ends of a range.
    pub fn ftm_values(&self) -> Vec<String> {
        let mut out = vec![self.start.to_string()];
        if let Some(end) = self.end {
            out.push(end.to_string());
        }
        out
    }
}

impl fmt::Display for FuzzyDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.circa {
            f.write_str("circa ")?;
        }
        write!(f, "{}", self.start)?;
        if let Some(end) = self.end {
            write!(f, " to {end}")?;
        }
        Ok(())
    }
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn month_from_name(s: &str) -> Option<u8> {
    let s = s.trim_end_matches('.').to_ascii_lowercase();
    if s.len() < 3 {
        return None;
    }
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    for (i, m) in MONTHS.iter().enumerate() {
        if s == *m || s == full[i] || (s == "sept" && i == 8) {
            return Some(i as u8 + 1);
        }
    }
    None
}

fn parse_single(s: &str) -> Option<PartialDate> {
    let s = s.trim();
    if let Some(d) = PartialDate::parse_iso(s) {
        return Some(d);
    }
    for sep in ['/', '.'] {
        let parts: Vec<&str> = s.split(sep).collect();
        if parts.len() == 3 && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
            let day = parts[0].parse::<u8>().ok()?;
            let month = parts[1].parse::<u8>().ok()?;
            let year = parse_num(parts[2], 4)?;
            return PartialDate::new(year, Some(month), Some(day));
        }
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    match words.as_slice() {
        [d, m, y] => {
            let day = d.parse::<u8>().ok()?;
            PartialDate::new(parse_num(y, 4)?, Some(month_from_name(m)?), Some(day))
        }
        [m, y] => PartialDate::new(parse_num(y, 4)?, Some(month_from_name(m)?), None),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Option<&str>) {
        let got = FuzzyDate::parse(input).map(|d| d.to_string());
        assert_eq!(got.as_deref(), expected, "input {input:?}");
    }

    #[test]
    fn parses_list_spellings() {
        check("1965-04-25", Some("1965-04-25"));
        check("25 Apr 1965", Some("1965-04-25"));
        check("25 April 1965", Some("1965-04-25"));
        check("Apr 1965", Some("1965-04"));
        check("1965", Some("1965"));
        check("circa 1965", Some("circa 1965"));
        check("1958 to 1960", Some("1958 to 1960"));
        check("1960 to 1958", Some("1958 to 1960"));
        check("1958-1960", Some("1958 to 1960"));
        check("25/04/1965", Some("1965-04-25"));
        check("25.04.1965", Some("1965-04-25"));
        check(
            "01 Jan 1960 to 31 Dec 1962",
            Some("1960-01-01 to 1962-12-31"),
        );
        check("31 Feb 1965", None);
        check("1965-13", None);
        check("soon", None);
        check("", None);
    }

    #[test]
    fn matches_at_shared_precision() {
        let d = |s: &str| FuzzyDate::parse(s).unwrap();
        let p = |s: &str| PartialDate::parse_iso(s).unwrap();
        assert!(d("1965").matches(&p("1965-04-25")));
        assert!(d("1965-04-25").matches(&p("1965")));
        assert!(!d("1965-04-25").matches(&p("1965-05-25")));
        assert!(d("1958 to 1960").matches(&p("1959-02-01")));
        assert!(d("circa 1965").matches(&p("1966")));
        assert!(!d("circa 1965").matches(&p("1967")));
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,40}") {
            let _ = FuzzyDate::parse(&s);
        }

        #[test]
        fn display_round_trips(y in 1000i32..2999, m in 1u8..=12, d in 1u8..=28) {
            let date = PartialDate::new(y, Some(m), Some(d)).unwrap();
            let fd = FuzzyDate::exact(date);
            proptest::prop_assert_eq!(FuzzyDate::parse(&fd.to_string()), Some(fd));
        }
    }
}
