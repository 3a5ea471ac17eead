//! Plain-text renderings of the answers that the command line prints when `--json` is not
//! given (as `graph::report` does for graphs). Text only: no terminal handling here.

use std::fmt::Write;

use screening::ScreenConfig;

/// The text `interdict screen NAME` prints: a table of matches (cleared ones marked), the
/// explanations when asked, the threshold and list versions, and any warning.
pub fn screen_response(r: &api::ScreenResponse, cfg: &ScreenConfig, explain: bool) -> String {
    let mut s = String::new();
    let line = &r.line;
    if line.matches.is_empty() && line.suppressed.is_empty() {
        let _ = writeln!(
            s,
            "No match at or above the reporting floor {:.2}.",
            cfg.floor
        );
    } else {
        let _ = writeln!(
            s,
            "{:<6} {:<5} {:<16} {:<13} name",
            "score", "match", "entity", "list"
        );
    }
    for (m, suppressed) in line
        .matches
        .iter()
        .map(|m| (m, false))
        .chain(line.suppressed.iter().map(|m| (m, true)))
    {
        let verdict = match (suppressed, m.is_match) {
            (true, _) => "clrd",
            (false, true) => "YES",
            (false, false) => "no",
        };
        let _ = writeln!(
            s,
            "{:<6.3} {:<5} {:<16} {:<13} {}{}",
            m.score,
            verdict,
            m.entity_id.as_str(),
            m.list,
            m.caption,
            match (suppressed, m.allow_list) {
                (true, _) => "  (cleared for this customer; suppressed)",
                (false, Some(_)) => "  (was cleared, but the listed entity has changed since)",
                _ => "",
            }
        );
        if explain && let Some(e) = &m.explanation {
            s.push_str(&explanation(e));
        }
    }
    let versions: Vec<String> = r
        .lists
        .iter()
        .map(|l| match &l.publish_date {
            Some(d) => format!("{}@{} (published {d})", l.list, l.version),
            None => format!("{}@{}", l.list, l.version),
        })
        .collect();
    let _ = writeln!(
        s,
        "(threshold {:.2}; lists: {})",
        cfg.threshold,
        versions.join(", ")
    );
    for w in &r.warnings {
        let _ = writeln!(s, "WARNING: {}", w.message);
    }
    s
}

/// An explanation as indented lines.
pub fn explanation(e: &screening::Explanation) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "       matched {} name {:?} (query read as {:?}, {}), name score {:.3}, method {}",
        e.listed_name_kind.map_or("", |k| k.as_str()),
        e.listed_name,
        e.query_form,
        e.query_scheme.map_or("", |s| s.as_str()),
        e.name_score,
        e.method
    );
    for p in &e.parts {
        let _ = writeln!(
            s,
            "         {:<14} ~ {:<14} {:<16} sim {:.2} weight {:.2} ({})",
            p.query, p.listed, p.how, p.similarity, p.weight, p.role
        );
    }
    for u in &e.unmatched_query {
        let _ = writeln!(
            s,
            "         unmatched in query:  {} ({}, weight {:.2})",
            u.part, u.role, u.weight
        );
    }
    for u in &e.unmatched_listed {
        let _ = writeln!(
            s,
            "         unmatched in listed: {} ({}, weight {:.2})",
            u.part, u.role, u.weight
        );
    }
    for q in &e.qualifiers {
        let _ = writeln!(
            s,
            "         qualifier {:?}: {} ({:+.3})",
            q.kind, q.detail, q.effect
        );
    }
    s
}
