//! How current the lists that answer are, and whether a service may answer at all.
//!
//! A list's age counts from the last time it was *confirmed current*: a successful
//! `lists update` (also one that found nothing new) or a `lists import` by an operator. An
//! air-gapped deployment that imports the same file every day therefore stays fresh, and one
//! whose update job has silently stopped goes stale even though its publication date never
//! changes. Confirmations are recorded in `<data dir>/confirmed.json`; a list without a record
//! counts from the time its current snapshot was imported.
//!
//! The rule a service applies ([`assess`]) fails closed: no list, a list past its maximum age
//! or the bundled default lists make it not ready, unless the operator allowed stale lists, in
//! which case every answer is marked stale.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::{AppError, Context, Result};

/// The default maximum age of a list since it was last confirmed current: 48 hours.
pub const DEFAULT_MAX_AGE_SECS: u64 = 48 * 3600;

/// One list's confirmation record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    /// The snapshot version that was confirmed current.
    pub version: String,
    /// When (UTC, RFC 3339).
    pub at: String,
}

fn path(ctx: &Context) -> PathBuf {
    ctx.data_dir().join("confirmed.json")
}

/// Every list's last confirmation, by list name; empty when nothing was ever recorded or the
/// file cannot be read (then snapshots count from their import time, which is never later).
pub fn confirmations(ctx: &Context) -> BTreeMap<String, Confirmation> {
    std::fs::read(path(ctx))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Records that `list` at `version` was confirmed current now. The file is replaced
/// atomically, so a reader never sees half of it.
pub fn confirm(ctx: &Context, list: &str, version: &str) -> Result<()> {
    let mut all = confirmations(ctx);
    all.insert(
        list.to_string(),
        Confirmation {
            version: version.to_string(),
            at: store::utc_now(),
        },
    );
    let p = path(ctx);
    std::fs::create_dir_all(ctx.data_dir()).map_err(AppError::io(ctx.data_dir()))?;
    let tmp = p.with_extension(format!("json.tmp-{}", std::process::id()));
    let bytes = serde_json::to_vec_pretty(&all).unwrap_or_default();
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, &p))
        .map_err(AppError::io(&p))
}

/// The maximum age of each list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaxAge {
    /// Seconds, for lists without their own value.
    pub default_secs: u64,
    /// Seconds per list name.
    pub per_list: BTreeMap<String, u64>,
}

impl Default for MaxAge {
    fn default() -> MaxAge {
        MaxAge {
            default_secs: DEFAULT_MAX_AGE_SECS,
            per_list: BTreeMap::new(),
        }
    }
}

impl MaxAge {
    /// The maximum age of one list, in seconds.
    pub fn of(&self, list: &str) -> u64 {
        self.per_list
            .get(list)
            .copied()
            .unwrap_or(self.default_secs)
    }
}

/// Parses a duration such as `48h`, `90m`, `2d`, `3600s` or `3600` (seconds).
pub fn parse_duration(s: &str) -> std::result::Result<u64, String> {
    let t = s.trim();
    let (num, unit) = match t.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => t.split_at(i),
        None => (t, "s"),
    };
    let n: u64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a duration; use for example 48h, 90m or 2d"))?;
    let mult = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("{s:?}: unknown unit; use s, m, h or d")),
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("{s:?} is too long"))
}

/// Seconds since the Unix epoch of an RFC 3339 UTC time (`YYYY-MM-DDTHH:MM:SSZ`, as the store
/// writes), or of a bare date (midnight).
pub fn epoch_seconds(ts: &str) -> Option<i64> {
    let days = crate::sources::days_between("1970-01-01", ts)?;
    let mut secs = days * 86_400;
    if let Some(time) = ts.get(11..19) {
        let mut it = time.split(':').map(|p| p.parse::<i64>().ok());
        let (h, m, s) = (it.next()??, it.next()??, it.next()??);
        secs += h * 3600 + m * 60 + s;
    }
    Some(secs)
}

/// The time now, in seconds since the Unix epoch.
pub fn now_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// What a service may do with the lists it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Maximum ages.
    pub max_age: MaxAge,
    /// Serve lists that are stale or bundled, marking every answer stale.
    pub allow_stale: bool,
}

/// One answering list's freshness, measured at `now`.
pub fn list_freshness(
    used: &api::ListUsed,
    confirmed: &BTreeMap<String, Confirmation>,
    imported_at: Option<&str>,
    max_age: &MaxAge,
    now: i64,
) -> api::ListFreshness {
    let confirmed_at = match (confirmed.get(&used.list), imported_at) {
        (Some(c), _) if c.version == used.version => Some(c.at.clone()),
        (_, Some(i)) => Some(i.to_string()),
        _ => None,
    };
    let max = max_age.of(&used.list);
    let age = confirmed_at
        .as_deref()
        .and_then(epoch_seconds)
        .map(|t| (now - t).max(0) as u64);
    let fresh = used.origin != api::ListOrigin::Bundled && age.is_some_and(|a| a <= max);
    api::ListFreshness {
        list: used.list.clone(),
        version: used.version.clone(),
        origin: used.origin,
        confirmed_at,
        age_seconds: age,
        max_age_seconds: max,
        fresh,
    }
}

/// Applies the rule to a set of lists: ready when at least one list answers and every list is
/// fresh; with `allow_stale`, ready but stale otherwise.
pub fn assess(lists: Vec<api::ListFreshness>, rule: &Rule) -> api::Readiness {
    let mut reasons = Vec::new();
    if lists.is_empty() {
        reasons.push(
            "no list is loaded; run `interdict lists update` or `interdict lists import FILE...`"
                .to_string(),
        );
    }
    for l in &lists {
        if l.fresh {
            continue;
        }
        reasons.push(match (l.origin, l.age_seconds) {
            (api::ListOrigin::Bundled, _) => format!(
                "{} is the bundled default snapshot ({}), which is not current; run `interdict lists update`",
                l.list, l.version
            ),
            (_, Some(age)) => format!(
                "{} ({}) was last confirmed current {} hours ago, more than its maximum of {} hours; run `interdict lists update` or import a current file",
                l.list,
                l.version,
                age / 3600,
                l.max_age_seconds / 3600
            ),
            (_, None) => format!("{} ({}) has no known confirmation time", l.list, l.version),
        });
    }
    let stale = !reasons.is_empty();
    api::Readiness {
        ready: !stale || (rule.allow_stale && !lists.is_empty()),
        stale,
        reasons,
        lists,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn used(list: &str, origin: api::ListOrigin) -> api::ListUsed {
        api::ListUsed {
            list: list.into(),
            version: "v1".into(),
            publish_date: None,
            age_days: None,
            origin,
            entities: 1,
        }
    }

    #[test]
    fn durations_parse() {
        let cases = [
            ("48h", Ok(172_800)),
            ("90m", Ok(5400)),
            ("2d", Ok(172_800)),
            ("15", Ok(15)),
            ("1w", Err(())),
            ("h", Err(())),
        ];
        for (input, want) in cases {
            assert_eq!(parse_duration(input).map_err(|_| ()), want, "{input}");
        }
    }

    #[test]
    fn epoch_seconds_of_store_times() {
        assert_eq!(epoch_seconds("1970-01-02T00:00:10Z"), Some(86_410));
        assert_eq!(epoch_seconds("2026-11-21T07:10:38Z"), Some(1_795_245_038));
        assert_eq!(epoch_seconds("garbage"), None);
    }

    #[test]
    fn age_counts_from_the_last_confirmation_of_the_same_version() {
        let now = epoch_seconds("2026-12-05T12:00:00Z").unwrap_or(0);
        let mut confirmed = BTreeMap::new();
        confirmed.insert(
            "un".to_string(),
            Confirmation {
                version: "v1".into(),
                at: "2026-12-05T11:00:00Z".into(),
            },
        );
        let max = MaxAge::default();
        let u = used("un", api::ListOrigin::Stored);
        let f = list_freshness(&u, &confirmed, Some("2026-11-01T00:00:00Z"), &max, now);
        assert_eq!((f.age_seconds, f.fresh), (Some(3600), true));
        // A record of another version does not count: the import time does.
        if let Some(c) = confirmed.get_mut("un") {
            c.version = "v0".into();
        }
        let f = list_freshness(&u, &confirmed, Some("2026-11-01T00:00:00Z"), &max, now);
        assert!(!f.fresh);
        assert_eq!(f.confirmed_at.as_deref(), Some("2026-11-01T00:00:00Z"));
    }

    #[test]
    fn the_rule_fails_closed() {
        let rule = Rule {
            max_age: MaxAge::default(),
            allow_stale: false,
        };
        let r = assess(vec![], &rule);
        assert!(!r.ready && r.stale && r.reasons[0].contains("no list"));
        let b = list_freshness(
            &used("un", api::ListOrigin::Bundled),
            &BTreeMap::new(),
            None,
            &MaxAge::default(),
            0,
        );
        let r = assess(vec![b.clone()], &rule);
        assert!(!r.ready && r.reasons[0].contains("bundled"));
        let lax = Rule {
            allow_stale: true,
            ..rule
        };
        let r = assess(vec![b], &lax);
        assert!(r.ready && r.stale);
        assert!(!assess(vec![], &lax).ready);
    }
}
