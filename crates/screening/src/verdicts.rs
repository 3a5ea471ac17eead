//! Verdicts: the final score of an entity's best name after the qualifiers, and whether it is a
//! match.

use model::Entity;

use crate::types::{Best, Effects};
use crate::{
    Explanation, Match, Method, Mode, Qualifier, QualifierKind, QualifierOutcome, Query,
    ScreenConfig, Screener,
};
use crate::{qualify, score};

/// The most the qualifiers can add to a name score (birth date and nationality agree).
pub(crate) const MAX_BONUS: f64 = qualify::DOB_MATCH_BONUS + qualify::COUNTRY_MATCH_BONUS;

/// The verdict on the best name of one entity: its final score, whether it is a match, what
/// each qualifier did and, when asked for, the qualifiers in words.
pub(crate) struct Verdict {
    pub(crate) score: f64,
    pub(crate) is_match: bool,
    pub(crate) effects: Effects,
    /// Empty unless the verdict was assessed with detail.
    pub(crate) qualifiers: Vec<Qualifier>,
}

impl Screener {
    /// Turns the best name of one entity into a scored, explained match.
    /// The name part of the explanation is left empty here; `screen` fills it in for the
    /// matches it returns.
    pub(crate) fn finish(
        &self,
        q: &Query,
        cfg: &ScreenConfig,
        b: &Best,
        entity: &Entity,
        id_hit: bool,
    ) -> Match {
        let list = &self.lists[self.entity_list[b.entity as usize] as usize];
        let v = self.assess(q, cfg, b, entity, id_hit, true);
        Match {
            entity_id: entity.id.clone(),
            caption: entity.caption().to_owned(),
            schema: entity.schema.name().to_owned(),
            list: list.list.clone(),
            list_version: list.version.clone(),
            score: v.score,
            name_score: score::round_score(b.score),
            effects: v.effects,
            is_match: v.is_match,
            explanation: Explanation {
                method: Method::from(cfg.mode),
                qualifiers: v.qualifiers,
                ..Explanation::default()
            },
        }
    }

    /// The final score, the verdict and the qualifiers of the best name of one entity. Without
    /// `detail` no qualifier is recorded and no string is built, for ranking the candidates.
    pub(crate) fn assess(
        &self,
        q: &Query,
        cfg: &ScreenConfig,
        b: &Best,
        entity: &Entity,
        id_hit: bool,
        detail: bool,
    ) -> Verdict {
        let mut found = Found {
            detail,
            effects: Effects::default(),
            qualifiers: Vec::new(),
        };
        let mut score = b.score;
        let weak = b.kind == model::NameKind::WeakAlias;
        let mut corroborated = false;
        if cfg.mode == Mode::Default {
            if weak {
                score = found.moved(
                    QualifierKind::WeakAlias,
                    QualifierOutcome::Capped,
                    "the listed name is a weak alias: it only confirms other evidence",
                    score,
                    score.min(WEAK_ALIAS_CAP),
                );
            }
            if detail && let Some(schema) = &q.schema {
                found.add(Qualifier {
                    kind: QualifierKind::Schema,
                    outcome: QualifierOutcome::Compatible,
                    detail: format!(
                        "query {} compatible with listed {}",
                        schema.name(),
                        entity.schema.name()
                    ),
                    effect: 0.0,
                });
            }
            if let Some(d) = &q.birth_date
                && let Some(qual) = qualify::birth_date(d, entity, detail)
            {
                corroborated |= qual.effect > 0.0;
                score += found.add(qual);
            }
            if let Some(n) = &q.nationality
                && let Some(qual) = qualify::nationality(n, entity, detail)
            {
                score += found.add(qual);
            }
        }
        if id_hit {
            corroborated = true;
            score = found.moved(
                QualifierKind::Identifier,
                QualifierOutcome::Agrees,
                "an identifier or crypto address of the query equals a listed one",
                score,
                score.max(qualify::IDENTIFIER_SCORE),
            );
        }
        let score = score::round_score(score.clamp(0.0, 1.0));
        let is_match = score >= cfg.threshold && (!weak || corroborated || cfg.mode == Mode::Ofac);
        Verdict {
            score,
            is_match,
            effects: found.effects,
            qualifiers: found.qualifiers,
        }
    }
}

/// The qualifiers found for one entity while its verdict is assessed: every effect, and the
/// qualifiers in words only when they are asked for.
struct Found {
    detail: bool,
    effects: Effects,
    qualifiers: Vec<Qualifier>,
}

impl Found {
    /// Records one qualifier and returns its effect on the score.
    fn add(&mut self, qual: Qualifier) -> f64 {
        let effect = qual.effect;
        let slot = match qual.kind {
            QualifierKind::WeakAlias => Some(&mut self.effects.weak_alias),
            QualifierKind::BirthDate => Some(&mut self.effects.birth_date),
            QualifierKind::Nationality => Some(&mut self.effects.nationality),
            QualifierKind::Identifier => Some(&mut self.effects.identifier),
            QualifierKind::Schema | QualifierKind::Gender => None,
        };
        if let Some(slot) = slot {
            *slot = Some(qual.effect());
        }
        if self.detail {
            self.qualifiers.push(qual);
        }
        effect
    }

    /// Records a qualifier that moves the score from `from` to `to` (the weak-alias cap, the
    /// identifier lift) and returns `to`. Its words are built only when they are asked for:
    /// ranking builds no strings.
    fn moved(
        &mut self,
        kind: QualifierKind,
        outcome: QualifierOutcome,
        words: &str,
        from: f64,
        to: f64,
    ) -> f64 {
        let detail = if self.detail {
            words.to_owned()
        } else {
            String::new()
        };
        self.add(Qualifier {
            kind,
            outcome,
            detail,
            effect: score::round((to - from) as f32),
        });
        to
    }
}

/// A weak alias alone never scores above this, below the default threshold: OFAC's guidance is
/// that weak AKAs serve to confirm a hit, not to make one (FAQ 124).
pub const WEAK_ALIAS_CAP: f64 = 0.75;
