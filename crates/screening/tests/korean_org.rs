//! Korean company names written without spaces are found like the spaced form (issue 14):
//! retrieval meets the unspaced run on the listed name's joined-pair skeleton keys, and the
//! alignment compares it with the listed words as a joined/split pair.

use model::{Entity, EntityId, Name, NameKind, Schema};
use screening::{ListRef, Query, ScreenConfig, Screener};

fn screener() -> Screener {
    let mut entities = screening::synthetic::entities(3000, 7);
    let mut e = Entity::new(
        EntityId::parse("os:saenal").expect("a valid id"),
        Schema::Organization,
    );
    e.names.push(Name::new(
        "CHOSON SAENAL TRADING COMPANY",
        NameKind::Primary,
    ));
    entities.push(e);
    Screener::build(vec![(ListRef::new("test", "1"), entities)])
}

#[test]
fn unspaced_hangul_company_names_match_like_the_spaced_form() {
    let s = screener();
    let cfg = ScreenConfig::default();
    let top = |q: &str| {
        s.screen(&Query::name(q), &cfg)
            .first()
            .map(|m| (m.entity_id.as_str().to_string(), m.score))
    };
    let spaced = top("조선 새날 무역 회사");
    assert_eq!(spaced.as_ref().map(|t| t.0.as_str()), Some("os:saenal"));
    for q in ["조선새날무역회사", "조선새날 무역회사", "조선새날무역 회사"]
    {
        assert_eq!(top(q), spaced, "{q}");
    }
}
