//! Building explanations: the winning alignment re-run with detail recording.

use names::AnalyzedName;

use crate::build::NameRec;
use crate::types::Best;
use crate::{Explanation, Mode, score};

pub(crate) fn method_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Default => "interdict",
        Mode::Ofac => "ofac-emulation",
    }
}

fn name_kind_name(k: model::NameKind) -> &'static str {
    match k {
        model::NameKind::Primary => "primary",
        model::NameKind::Alias => "alias",
        model::NameKind::WeakAlias => "weak_alias",
        model::NameKind::Previous => "previous",
        model::NameKind::Now => "now",
    }
}

fn scheme_name(s: names::Scheme) -> String {
    format!("{s:?}")
}

/// Re-runs the winning alignment with detail recording, for the explanation.
pub(crate) fn explain_name(
    query: &AnalyzedName,
    listed: Option<&AnalyzedName>,
    rec: &NameRec,
    b: &Best,
    mode: Mode,
) -> Explanation {
    let mut e = Explanation {
        method: method_name(mode).to_owned(),
        listed_name: rec.full.clone(),
        listed_name_kind: name_kind_name(rec.kind).to_owned(),
        name_score: (b.score * 10_000.0).round() / 10_000.0,
        ..Explanation::default()
    };
    let (Some(qv), Some(lv)) = (
        query.variants.get(b.qv as usize),
        listed.and_then(|l| l.variants.get(b.lv as usize)),
    ) else {
        return e;
    };
    e.query_form = qv.texts().join(" ");
    e.query_scheme = scheme_name(qv.scheme);
    if mode == Mode::Default {
        let mut d = score::Detail::default();
        score::align(qv, lv, Some(&mut d));
        e.parts = d.parts;
        e.unmatched_query = d.unmatched_query;
        e.unmatched_listed = d.unmatched_listed;
    }
    e
}
