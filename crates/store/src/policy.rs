//! The replacement policy: whether a new version of a list may become the current one.
//!
//! A sanctions screener's worst failure is a silent false negative, so a version that is older
//! than the current one, a filtered export, a list that lost a whole schema or more entities
//! than a list changes by in a day, a file whose records disagree with the count it declares,
//! or a file whose parsers dropped records, never replaces the current snapshot by itself. Each
//! such finding is a [`Concern`] that names what changed and the flag that accepts it; the
//! caller keeps the version stored but not current until an operator accepts it.
//!
//! The policy is a pure function of two snapshot descriptions, so it is tested and fuzzed
//! without a store.

use std::fmt;

use crate::SnapshotMeta;

/// What the operator accepts, and the bound on entity drops.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Policy {
    /// Accept a version published before the current one (`--accept-older`).
    pub accept_older: bool,
    /// Accept fewer entities, a schema disappearing or a count disagreeing with the declared
    /// one (`--accept-shrink`).
    pub accept_shrink: bool,
    /// Accept a version whose parsers dropped records (`--accept-errors`).
    pub accept_errors: bool,
    /// Accept a filtered export as the list (`--accept-filtered`).
    pub accept_filtered: bool,
    /// The largest drop in entities accepted without `--accept-shrink`, as a fraction of the
    /// current count.
    pub max_drop: f64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            accept_older: false,
            accept_shrink: false,
            accept_errors: false,
            accept_filtered: false,
            max_drop: DEFAULT_MAX_DROP,
        }
    }
}

/// The default bound on entity drops: OFAC and UN lists change by a few dozen entries a day,
/// far below 5 % of their size.
pub const DEFAULT_MAX_DROP: f64 = 0.05;

/// One reason a new version does not become current by itself.
#[derive(Debug, Clone, PartialEq)]
pub enum Concern {
    /// The new version was published before the current one.
    Older {
        /// Its publication date.
        new: String,
        /// The current version's publication date.
        current: String,
    },
    /// The file is a filtered export, not the whole list.
    Filtered {
        /// The filters it states.
        filters: Vec<String>,
    },
    /// Every entity of a schema is gone.
    SchemaGone {
        /// The schema.
        schema: String,
        /// How many the current version has.
        had: u64,
    },
    /// More entities are gone than the bound allows.
    Drop {
        /// Entities in the current version.
        from: u64,
        /// Entities in the new version.
        to: u64,
        /// The bound, in percent.
        bound_percent: f64,
    },
    /// The file declares a record count its records do not match.
    CountMismatch {
        /// What the file declares.
        declared: u64,
        /// What it holds.
        found: u64,
    },
    /// The parsers dropped records (error-level diagnostics).
    Errors {
        /// How many.
        count: u64,
    },
}

impl Concern {
    /// The command-line flag that accepts this concern.
    pub fn flag(&self) -> &'static str {
        match self {
            Concern::Older { .. } => "--accept-older",
            Concern::Filtered { .. } => "--accept-filtered",
            Concern::SchemaGone { .. } | Concern::Drop { .. } | Concern::CountMismatch { .. } => {
                "--accept-shrink"
            }
            Concern::Errors { .. } => "--accept-errors",
        }
    }
}

impl fmt::Display for Concern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Concern::Older { new, current } => write!(
                f,
                "it was published on {new}, before the current version ({current})"
            ),
            Concern::Filtered { filters } => write!(
                f,
                "it is a filtered export ({}), not the whole list",
                filters.join("; ")
            ),
            Concern::SchemaGone { schema, had } => write!(
                f,
                "it has no {schema} entities where the current version has {had}"
            ),
            Concern::Drop {
                from,
                to,
                bound_percent,
            } => {
                let pct = if *from == 0 {
                    0.0
                } else {
                    (from - to) as f64 * 100.0 / *from as f64
                };
                write!(
                    f,
                    "it has {to} entities where the current version has {from} ({pct:.1} % fewer; the bound is {bound_percent} %)"
                )
            }
            Concern::CountMismatch { declared, found } => {
                write!(f, "the file declares {declared} records but holds {found}")
            }
            Concern::Errors { count } => {
                write!(f, "{count} records could not be read (error diagnostics)")
            }
        }
    }
}

/// The concerns the policy does not waive about making `new` current in place of `current`.
/// Empty means `new` may become current. A version compared with itself raises nothing.
pub fn judge(new: &SnapshotMeta, current: Option<&SnapshotMeta>, policy: &Policy) -> Vec<Concern> {
    let mut out = Vec::new();
    if current.is_some_and(|c| c.version == new.version) {
        return out;
    }
    if new.errors > 0 && !policy.accept_errors {
        out.push(Concern::Errors { count: new.errors });
    }
    if !new.filters.is_empty()
        && !policy.accept_filtered
        && current.is_none_or(|c| c.filters != new.filters)
    {
        out.push(Concern::Filtered {
            filters: new.filters.clone(),
        });
    }
    if let (Some(declared), Some(found)) = (new.declared_count, new.record_count)
        && declared != found
        && !policy.accept_shrink
    {
        out.push(Concern::CountMismatch { declared, found });
    }
    let Some(current) = current else {
        return out;
    };
    if let (Some(n), Some(c)) = (&new.publish_date, &current.publish_date)
        && n < c
        && !policy.accept_older
    {
        out.push(Concern::Older {
            new: n.clone(),
            current: c.clone(),
        });
    }
    if policy.accept_shrink {
        return out;
    }
    for (schema, &had) in &current.counts {
        if had > 0 && new.counts.get(schema).copied().unwrap_or(0) == 0 {
            out.push(Concern::SchemaGone {
                schema: schema.clone(),
                had,
            });
        }
    }
    let (from, to) = (current.entity_count(), new.entity_count());
    let bound = policy.max_drop.clamp(0.0, 1.0);
    if to < from && ((from - to) as f64) > bound * from as f64 {
        out.push(Concern::Drop {
            from,
            to,
            bound_percent: bound * 100.0,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ingest::ListId;

    fn meta(version: &str, date: Option<&str>, counts: &[(&str, u64)]) -> SnapshotMeta {
        SnapshotMeta {
            list: ListId::Un,
            version: version.to_string(),
            publish_date: date.map(str::to_string),
            imported_at: "2026-01-01T00:00:00Z".to_string(),
            content_hash: version.to_string(),
            files: vec![],
            counts: counts.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            diagnostics: 0,
            errors: 0,
            filters: vec![],
            declared_count: None,
            record_count: None,
        }
    }

    #[test]
    fn table_of_decisions() {
        let current = meta(
            "c",
            Some("2026-02-27"),
            &[("Person", 730), ("Organization", 273)],
        );
        let p = Policy::default();
        let truncated = meta("t", Some("2026-02-27"), &[("Person", 679)]);
        let older = meta(
            "o",
            Some("2020-10-29"),
            &[("Person", 730), ("Organization", 273)],
        );
        let small_drop = meta(
            "s",
            Some("2026-02-28"),
            &[("Person", 700), ("Organization", 260)],
        );
        let big_drop = meta(
            "b",
            Some("2026-02-28"),
            &[("Person", 690), ("Organization", 250)],
        );
        let mut filtered = meta(
            "f",
            Some("2026-03-01"),
            &[("Person", 800), ("Organization", 300)],
        );
        filtered.filters = vec!["sanctionsPrograms: IRGC".to_string()];
        let mut declared = meta("d", Some("2026-03-01"), &[("Person", 1003)]);
        declared.counts.insert("Organization".into(), 273);
        declared.declared_count = Some(8497);
        declared.record_count = Some(2);
        let mut errors = meta(
            "e",
            Some("2026-03-01"),
            &[("Person", 730), ("Organization", 273)],
        );
        errors.errors = 1;
        let cases: Vec<(&SnapshotMeta, Policy, Vec<&str>)> = vec![
            (&current, p, vec![]),
            (&small_drop, p, vec![]),
            (&big_drop, p, vec!["--accept-shrink"]),
            (&truncated, p, vec!["--accept-shrink", "--accept-shrink"]),
            (&older, p, vec!["--accept-older"]),
            (&filtered, p, vec!["--accept-filtered"]),
            (&declared, p, vec!["--accept-shrink"]),
            (&errors, p, vec!["--accept-errors"]),
            (
                &truncated,
                Policy {
                    accept_shrink: true,
                    ..p
                },
                vec![],
            ),
            (
                &older,
                Policy {
                    accept_older: true,
                    ..p
                },
                vec![],
            ),
            (
                &big_drop,
                Policy {
                    max_drop: 0.10,
                    ..p
                },
                vec![],
            ),
        ];
        for (new, policy, flags) in cases {
            let got = judge(new, Some(&current), &policy);
            let got_flags: Vec<&str> = got.iter().map(Concern::flag).collect();
            assert_eq!(got_flags, flags, "{}: {got:?}", new.version);
        }
        // Without a current version only the file's own evidence counts.
        assert!(judge(&truncated, None, &p).is_empty());
        assert_eq!(
            judge(&filtered, None, &p),
            vec![Concern::Filtered {
                filters: vec!["sanctionsPrograms: IRGC".into()]
            }]
        );
        assert_eq!(
            judge(&truncated, Some(&current), &p)
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            [
                "it has no Organization entities where the current version has 273",
                "it has 679 entities where the current version has 1003 (32.3 % fewer; the bound is 5 %)"
            ]
        );
    }
}
