//! Verdicts: the final score of an entity's best name after the qualifiers, and whether it is a
//! match.

use model::Entity;

use crate::explain::method_name;
use crate::types::Best;
use crate::{Explanation, Match, Mode, Qualifier, QualifierKind, Query, ScreenConfig, Screener};
use crate::{qualify, score};

/// The most the qualifiers can add to a name score (birth date and nationality agree).
pub(crate) const MAX_BONUS: f64 = qualify::DOB_MATCH_BONUS + qualify::COUNTRY_MATCH_BONUS;

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
        let (score, is_match, explanation) = self.assess(q, cfg, b, entity, id_hit, true);
        Match {
            entity_id: entity.id.clone(),
            caption: entity.caption().to_owned(),
            schema: entity.schema.name().to_owned(),
            list: list.list.clone(),
            list_version: list.version.clone(),
            score,
            is_match,
            explanation,
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
    ) -> (f64, bool, Explanation) {
        let mut explanation = Explanation {
            method: if detail {
                method_name(cfg.mode).to_owned()
            } else {
                String::new()
            },
            ..Explanation::default()
        };
        let mut score = b.score;
        let weak = b.kind == model::NameKind::WeakAlias;
        let mut corroborated = false;
        if cfg.mode == Mode::Default {
            if weak {
                let capped = score.min(WEAK_ALIAS_CAP);
                if detail {
                    explanation.qualifiers.push(Qualifier {
                        kind: QualifierKind::WeakAlias,
                        detail: "the listed name is a weak alias: it only confirms other evidence"
                            .into(),
                        effect: score::round((capped - score) as f32),
                    });
                }
                score = capped;
            }
            if detail && let Some(schema) = &q.schema {
                explanation.qualifiers.push(Qualifier {
                    kind: QualifierKind::Schema,
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
                score += qual.effect;
                if detail {
                    explanation.qualifiers.push(qual);
                }
            }
            if let Some(n) = &q.nationality
                && let Some(qual) = qualify::nationality(n, entity, detail)
            {
                score += qual.effect;
                if detail {
                    explanation.qualifiers.push(qual);
                }
            }
        }
        if id_hit {
            corroborated = true;
            let lifted = score.max(qualify::IDENTIFIER_SCORE);
            if detail {
                explanation.qualifiers.push(Qualifier {
                    kind: QualifierKind::Identifier,
                    detail: "an identifier or crypto address of the query equals a listed one"
                        .into(),
                    effect: score::round((lifted - score) as f32),
                });
            }
            score = lifted;
        }
        let score = (score.clamp(0.0, 1.0) * 10_000.0).round() / 10_000.0;
        let is_match = score >= cfg.threshold && (!weak || corroborated || cfg.mode == Mode::Ofac);
        (score, is_match, explanation)
    }
}

/// A weak alias alone never scores above this, below the default threshold: OFAC's guidance is
/// that weak AKAs serve to confirm a hit, not to make one (FAQ 124).
pub const WEAK_ALIAS_CAP: f64 = 0.75;
