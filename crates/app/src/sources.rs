//! Which lists a command works on, and loading them.
//!
//! A command names its lists with a [`ListSource`]: the current stored snapshots (the default),
//! files given with `--lists`, or the bundled default snapshot (`--lists bundled`). Resolving
//! a source finds out exactly which list versions answer, without loading any entity, so that
//! [`crate::engine`] can reuse a saved index for the same versions.

use std::path::PathBuf;

use ingest::ListId;
use model::Entity;
use store::SnapshotMeta;

use crate::files::{self, FileData};
use crate::{AppError, Context, Observer, Result, bundled};

/// Where a command's lists come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListSource {
    /// The current snapshot of every stored list; with an empty store, the official lists are
    /// fetched once (unless offline), and failing that the bundled lists are used with a warning.
    Stored,
    /// These list files, parsed for this command only.
    Files(Vec<PathBuf>),
    /// The default lists compiled into the binary.
    Bundled,
}

impl ListSource {
    /// The source a `--lists` argument names: nothing means the store, the single word
    /// `bundled` the bundled lists (a folder of that name is `./bundled`), anything else files.
    pub fn from_args(paths: &[PathBuf]) -> ListSource {
        match paths {
            [] => ListSource::Stored,
            [one] if one.as_os_str() == "bundled" => ListSource::Bundled,
            _ => ListSource::Files(paths.to_vec()),
        }
    }
}

/// A source resolved to exact list versions.
#[derive(Debug, Clone)]
pub enum Resolved {
    /// These stored snapshots.
    Stored(Vec<SnapshotMeta>),
    /// These files, read into memory.
    Files(Vec<FileData>),
    /// The bundled lists.
    Bundled,
}

/// One list ready for screening.
#[derive(Debug, Clone)]
pub struct LoadedList {
    /// Which list.
    pub list: ListId,
    /// The version: a stored snapshot version, `file:<hash>` for files given directly, or
    /// `bundled-<date>`.
    pub version: String,
    /// What the answer reports about the list.
    pub used: api::ListUsed,
    /// The entities.
    pub entities: Vec<Entity>,
}

/// Finds out which list versions a source stands for. With [`ListSource::Stored`] and an empty
/// store this is where the official lists are fetched (unless `ctx.offline`), and where the
/// bundled lists step in when nothing could be fetched.
pub fn resolve(ctx: &Context, source: &ListSource, obs: &dyn Observer) -> Result<Resolved> {
    match source {
        ListSource::Bundled => Ok(Resolved::Bundled),
        ListSource::Files(paths) => Ok(Resolved::Files(files::read_inputs(paths)?)),
        ListSource::Stored => {
            let store = ctx.store()?;
            let mut current = store.current_all()?;
            if current.is_empty() && !ctx.offline {
                current = crate::update::fetch_first_lists(ctx, &store, obs);
            }
            if current.is_empty() {
                obs.notice(
                    "No lists are stored and none could be fetched; using the bundled default lists, which are NOT current.",
                );
                return Ok(Resolved::Bundled);
            }
            Ok(Resolved::Stored(current))
        }
    }
}

impl Resolved {
    /// What the answer reports about each list, without loading entities where that can be
    /// avoided (files are parsed: their versions are content hashes).
    pub fn lists_used(&self) -> Vec<api::ListUsed> {
        let today = today();
        match self {
            Resolved::Stored(metas) => metas.iter().map(|m| stored_used(m, &today)).collect(),
            Resolved::Bundled => bundled::LISTS
                .iter()
                .map(|b| bundled_used(b, &today))
                .collect(),
            Resolved::Files(_) => Vec::new(),
        }
    }

    /// True when the answer comes from the bundled lists.
    pub fn is_bundled(&self) -> bool {
        matches!(self, Resolved::Bundled)
    }

    /// Loads the entities of every list.
    pub fn load(&self, ctx: &Context) -> Result<Vec<LoadedList>> {
        let today = today();
        match self {
            Resolved::Stored(metas) => {
                let store = ctx.store()?;
                metas
                    .iter()
                    .map(|m| {
                        let snap = store.load(m)?;
                        Ok(LoadedList {
                            list: m.list,
                            version: m.version.clone(),
                            used: stored_used(m, &today),
                            entities: snap.entities,
                        })
                    })
                    .collect()
            }
            Resolved::Bundled => {
                let mut out = Vec::new();
                for (p, _) in bundled::parse()? {
                    let Some(b) = bundled::info(p.list) else {
                        continue;
                    };
                    out.push(LoadedList {
                        list: p.list,
                        version: b.version.to_string(),
                        used: bundled_used(b, &today),
                        entities: p.parsed.entities,
                    });
                }
                Ok(out)
            }
            Resolved::Files(data) => {
                let mut out = Vec::new();
                for (p, sources) in files::parse(data)? {
                    if p.parsed.is_delta {
                        return Err(AppError::Invalid(format!(
                            "{} is an FtM delta; import the full list and the delta with `interdict lists import` first",
                            p.files.first().map(|f| f.0.as_str()).unwrap_or("?")
                        )));
                    }
                    let hash = store::content_hash(&sources);
                    let version = format!("file:{}", &hash[..12]);
                    let publish_date = p.parsed.publish_date.as_ref().map(|d| d.to_string());
                    out.push(LoadedList {
                        list: p.list,
                        used: api::ListUsed {
                            list: p.list.as_str().to_string(),
                            version: version.clone(),
                            age_days: publish_date
                                .as_deref()
                                .and_then(|d| days_between(d, &today)),
                            publish_date,
                            origin: api::ListOrigin::Files,
                            entities: p.parsed.entities.len() as u64,
                        },
                        version,
                        entities: p.parsed.entities,
                    });
                }
                Ok(out)
            }
        }
    }
}

fn stored_used(m: &SnapshotMeta, today: &str) -> api::ListUsed {
    api::ListUsed {
        list: m.list.as_str().to_string(),
        version: m.version.clone(),
        publish_date: m.publish_date.clone(),
        age_days: m
            .publish_date
            .as_deref()
            .and_then(|d| days_between(d, today)),
        origin: api::ListOrigin::Stored,
        entities: m.entity_count(),
    }
}

fn bundled_used(b: &bundled::BundledList, today: &str) -> api::ListUsed {
    api::ListUsed {
        list: b.list.as_str().to_string(),
        version: b.version.to_string(),
        publish_date: Some(b.publish_date.to_string()),
        age_days: days_between(b.publish_date, today),
        origin: api::ListOrigin::Bundled,
        entities: b.entities,
    }
}

/// Today's UTC date, `YYYY-MM-DD`.
pub fn today() -> String {
    store::utc_now().chars().take(10).collect()
}

/// Whole days from one ISO date (`YYYY-MM-DD`, a longer timestamp is cut to its date) to
/// another; `None` when either is not a full date.
pub fn days_between(from: &str, to: &str) -> Option<i64> {
    Some(day_number(to)? - day_number(from)?)
}

/// Days since 1970-01-01 of an ISO date (Howard Hinnant's civil-date algorithm).
fn day_number(date: &str) -> Option<i64> {
    let d = date.get(..10)?;
    let mut parts = d.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_between_dates() {
        let cases = [
            ("1970-01-01", "1970-01-01", Some(0)),
            ("2024-05-03", "2026-12-04", Some(945)),
            ("2026-02-27", "2026-12-04T10:00:00Z", Some(280)),
            ("2024-02-28", "2024-03-01", Some(2)),
            ("2024", "2026-12-04", None),
            ("2024-13-01", "2026-12-04", None),
        ];
        for (from, to, want) in cases {
            assert_eq!(days_between(from, to), want, "{from} → {to}");
        }
    }

    #[test]
    fn the_word_bundled_names_the_bundled_lists() {
        assert_eq!(
            ListSource::from_args(&[PathBuf::from("bundled")]),
            ListSource::Bundled
        );
        assert_eq!(ListSource::from_args(&[]), ListSource::Stored);
        assert!(matches!(
            ListSource::from_args(&[PathBuf::from("a.csv")]),
            ListSource::Files(_)
        ));
    }
}
