//! Evidence beside the name: birth date, nationality, identifiers and schema.
//!
//! Missing data is neutral: a qualifier only moves the score when both sides state something.
//! Agreement adds a little, so that among equal names the corroborated one ranks first;
//! disagreement lowers the score, by more for a clear birth-date mismatch than for a country,
//! because lists often omit a second nationality but rarely get a birth year wrong by years.

use model::{Entity, PartialDate};

use crate::types::{Qualifier, QualifierKind, QualifierOutcome};

/// Added when a listed birth date agrees with the query's to the day or month.
pub const DOB_MATCH_BONUS: f64 = 0.05;
/// Added when a listed birth date agrees with the query's only in the year (the list gives no
/// more, or a range covers it).
pub const DOB_YEAR_BONUS: f64 = 0.03;
/// Subtracted when no listed birth date is within a year of the query's.
pub const DOB_MISMATCH: f64 = -0.2;
/// Subtracted when the year is off by one (a frequent clerical slip) or the year agrees but the
/// month or day does not.
pub const DOB_NEAR_MISS: f64 = -0.07;
/// Added when the query's country is among the entity's nationalities or countries.
pub const COUNTRY_MATCH_BONUS: f64 = 0.02;
/// Subtracted when the entity states countries and the query's is not among them.
pub const COUNTRY_MISMATCH: f64 = -0.08;
/// The floor an exact identifier or crypto-address match lifts the score to.
pub const IDENTIFIER_SCORE: f64 = 0.97;

/// Birth-date evidence: the query date against every listed date, at the precision both have.
/// Without `detail` the qualifier's text is left empty (for ranking, where only the effect
/// counts).
pub(crate) fn birth_date(query: &PartialDate, entity: &Entity, detail: bool) -> Option<Qualifier> {
    if entity.birth_dates.is_empty() {
        return None;
    }
    let listed = if detail {
        let listed: Vec<String> = entity.birth_dates.iter().map(fmt_fuzzy).collect();
        listed.join(", ")
    } else {
        String::new()
    };
    if let Some(d) = entity.birth_dates.iter().find(|d| d.matches(query)) {
        let precise =
            d.end.is_none() && !d.circa && d.start.month.is_some() && query.month.is_some();
        let (outcome, effect) = if precise {
            (QualifierOutcome::Agrees, DOB_MATCH_BONUS)
        } else {
            (QualifierOutcome::AgreesInYear, DOB_YEAR_BONUS)
        };
        return Some(Qualifier {
            kind: QualifierKind::BirthDate,
            outcome,
            detail: if detail {
                format!("query {query} agrees with listed {listed}")
            } else {
                String::new()
            },
            effect,
        });
    }
    let min_years = entity
        .birth_dates
        .iter()
        .map(|d| {
            let lo = d.start.year - i32::from(d.circa);
            let hi = d.end.map_or(d.start.year, |e| e.year) + i32::from(d.circa);
            if query.year < lo {
                lo - query.year
            } else if query.year > hi {
                query.year - hi
            } else {
                0
            }
        })
        .min()
        .unwrap_or(i32::MAX);
    let (outcome, effect) = if min_years <= 1 {
        (QualifierOutcome::NearMiss, DOB_NEAR_MISS)
    } else {
        (QualifierOutcome::Differs, DOB_MISMATCH)
    };
    Some(Qualifier {
        kind: QualifierKind::BirthDate,
        outcome,
        detail: if detail {
            format!("query {query} differs from listed {listed} ({min_years} years apart)")
        } else {
            String::new()
        },
        effect,
    })
}

fn fmt_fuzzy(d: &model::FuzzyDate) -> String {
    let mut s = String::new();
    if d.circa {
        s.push_str("circa ");
    }
    s.push_str(&d.start.to_string());
    if let Some(e) = d.end {
        s.push_str(" to ");
        s.push_str(&e.to_string());
    }
    s
}

/// Nationality evidence: the query country against nationalities, citizenships and countries.
/// Without `detail` the qualifier's text is left empty.
pub(crate) fn nationality(query: &str, entity: &Entity, detail: bool) -> Option<Qualifier> {
    let q = query.trim().to_ascii_lowercase();
    if q.is_empty() {
        return None;
    }
    let mut listed: Vec<&str> = entity
        .nationalities
        .iter()
        .chain(&entity.citizenships)
        .chain(&entity.countries)
        .map(String::as_str)
        .collect();
    if listed.is_empty() {
        return None;
    }
    listed.sort_unstable();
    listed.dedup();
    let hit = listed.iter().any(|c| c.eq_ignore_ascii_case(&q));
    Some(Qualifier {
        kind: QualifierKind::Nationality,
        outcome: if hit {
            QualifierOutcome::Agrees
        } else {
            QualifierOutcome::Differs
        },
        detail: if detail {
            format!(
                "query {q} {} listed {}",
                if hit { "among" } else { "not among" },
                listed.join(", ")
            )
        } else {
            String::new()
        },
        effect: if hit {
            COUNTRY_MATCH_BONUS
        } else {
            COUNTRY_MISMATCH
        },
    })
}

/// Identifier normalisation: letters and digits only, upper case, so `AB-123 456` and
/// `ab123456` compare equal; crypto addresses keep their characters (case is folded, which is
/// safe for the exact-match purpose here because no two listed addresses differ only in case).
pub(crate) fn normalize_identifier(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The normalised identifiers and wallet addresses of an entity, for the identifier index.
pub(crate) fn identifiers_of(entity: &Entity) -> Vec<String> {
    let mut out: Vec<String> = entity
        .identifications
        .iter()
        .map(|i| normalize_identifier(&i.number))
        .chain(
            entity
                .wallets
                .iter()
                .map(|w| normalize_identifier(&w.address)),
        )
        .filter(|s| s.len() >= 4)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}
