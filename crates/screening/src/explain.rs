//! Building explanations: the winning alignment re-run with detail recording.

use names::AnalyzedName;

use crate::build::NameRec;
use crate::types::Best;
use crate::{Explanation, Method, Mode, score};

/// Re-runs the winning alignment with detail recording, for the explanation.
pub(crate) fn explain_name(
    query: &AnalyzedName,
    listed: Option<&AnalyzedName>,
    rec: &NameRec,
    b: &Best,
    mode: Mode,
) -> Explanation {
    let mut e = Explanation {
        method: Method::from(mode),
        listed_name: rec.full.clone(),
        listed_name_kind: Some(rec.kind),
        name_score: score::round_score(b.score),
        ..Explanation::default()
    };
    let (Some(qv), Some(lv)) = (
        query.variants.get(b.qv as usize),
        listed.and_then(|l| l.variants.get(b.lv as usize)),
    ) else {
        return e;
    };
    e.query_form = qv.texts().join(" ");
    e.query_scheme = Some(qv.scheme);
    if mode == Mode::Default {
        let mut d = score::Detail::default();
        score::align(qv, lv, Some(&mut d));
        e.parts = d.parts;
        e.unmatched_query = d.unmatched_query;
        e.unmatched_listed = d.unmatched_listed;
    }
    e
}
