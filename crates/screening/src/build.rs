//! Building the screener: the listed names' analysis (with the literal reading of organisation
//! names), the packed store, the candidate index and the identifier index.

use index::{IndexBuilder, NameIndex};
use model::{Entity, EntityId, Schema};
use names::AnalyzedName;

use crate::{ListRef, Screener, qualify};

/// One indexed name: its entity, its kind and its analysis.
#[derive(Debug)]
pub(crate) struct NameRec {
    pub(crate) kind: model::NameKind,
    pub(crate) full: String,
    /// The Latin folding of the first variant, for the OFAC emulation.
    pub(crate) folded: String,
}

/// Adds a literal reading to an organisation name that has legal forms: its words as written,
/// legal-form words kept as low-weight words instead of one canonical token.
///
/// Customers misspell or run together the words of a long legal form ("LIMITED LIABILITYCOMPANY",
/// "JONT STOCK COMPANY"), which then no longer parses as a legal form; the literal reading of the
/// listed name still aligns with it word by word.
pub(crate) fn add_literal_variant(an: &mut AnalyzedName) {
    if an.kind != names::NameKind::Organization
        || !an.variants.iter().any(|v| {
            v.tokens
                .iter()
                .any(|t| matches!(t.role, names::Role::LegalForm(_)))
        })
    {
        return;
    }
    // Read as a person's name so that no legal form is recognised, but with dotted
    // abbreviations joined as for any organisation (`O.O.O.` is one word, not three initials).
    let original = names::join_dotted_abbreviations(&an.original);
    let text = original
        .as_deref()
        .unwrap_or(&an.original)
        .replace(',', " ");
    let plain = names::analyze(&text, names::NameKind::Person);
    let Some(first) = plain.variants.into_iter().next() else {
        return;
    };
    let tokens: Vec<names::Token> = first
        .tokens
        .into_iter()
        .map(|t| {
            let role = if names::LEGAL_WORDS.contains(&t.text.as_str()) {
                names::Role::OrgWord
            } else {
                names::Role::Unknown
            };
            names::Token::new(t.text, role)
        })
        .collect();
    let duplicate = an.variants.iter().any(|v| {
        v.tokens.len() == tokens.len()
            && v.tokens.iter().zip(&tokens).all(|(a, b)| a.text == b.text)
    });
    if !duplicate {
        an.variants.push(names::Variant {
            scheme: first.scheme,
            form: first.form,
            tokens,
        });
    }
}

/// The analysis of a listed name as the screener indexes and scores it, with the number of its
/// leading variants that retrieval indexes (all but the literal reading); `None` when the name
/// has no letters or digits. Explanations analyse again with this same function, so they see
/// exactly the variants the score came from.
pub(crate) fn analyze_listed(full: &str, schema: &Schema) -> Option<(AnalyzedName, usize)> {
    let mut analyzed = names::analyze(full, name_kind(Some(schema)));
    if analyzed.variants.is_empty() {
        return None;
    }
    let indexed = analyzed.variants.len();
    add_literal_variant(&mut analyzed);
    Some((analyzed, indexed))
}

/// The name-analysis kind for an entity or query schema.
pub(crate) fn name_kind(schema: Option<&Schema>) -> names::NameKind {
    match schema {
        Some(Schema::Person) => names::NameKind::Person,
        Some(Schema::Organization | Schema::Company | Schema::Vessel | Schema::Airplane) => {
            names::NameKind::Organization
        }
        _ => names::NameKind::Unknown,
    }
}

impl Screener {
    /// Builds the candidate index from the entities of one or more lists.
    ///
    /// Entities whose schema is not matchable (sanctions, addresses) are kept for lookup but not
    /// indexed; an id that appears twice keeps its first entity.
    pub fn build(lists: Vec<(ListRef, Vec<Entity>)>) -> Screener {
        let mut s = Screener::default();
        let mut builder = IndexBuilder::new();
        for (list, entities) in lists {
            let list_no = s.lists.len() as u32;
            s.lists.push(list);
            for e in entities {
                if s.by_id.contains_key(&e.id) {
                    continue;
                }
                let idx = s.entities.len() as u32;
                s.by_id.insert(e.id.clone(), idx);
                if e.schema.is_matchable() {
                    for n in &e.names {
                        let Some((analyzed, retrieval_variants)) =
                            analyze_listed(&n.full, &e.schema)
                        else {
                            continue;
                        };
                        // The literal reading serves alignment only: indexed, its legal-form
                        // words would let every "LIMITED LIABILITY COMPANY …" outrank a short
                        // rare name ("OOO 'DSK'") in retrieval.
                        builder.add_variants(&analyzed.variants[..retrieval_variants]);
                        let folded = analyzed.variants[0].texts().join(" ");
                        s.packed.push(idx, n.kind, &analyzed);
                        s.names.push(NameRec {
                            kind: n.kind,
                            full: n.full.clone(),
                            folded,
                        });
                    }
                }
                for id in qualify::identifiers_of(&e) {
                    s.identifiers.entry(id).or_default().push(idx);
                }
                s.schemas.push(e.schema.clone());
                s.entities.push(e);
                s.entity_list.push(list_no);
            }
        }
        s.index = builder.finish();
        s
    }

    /// The entity with this id, if it is indexed.
    pub fn entity(&self, id: &EntityId) -> Option<&Entity> {
        self.by_id.get(id).map(|&i| &self.entities[i as usize])
    }

    /// How many entities are indexed.
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// Whether no entity is indexed.
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// How many names the candidate index holds.
    pub fn name_count(&self) -> usize {
        self.names.len()
    }

    /// The candidate index, for statistics and benchmarks.
    pub fn index(&self) -> &NameIndex {
        &self.index
    }
}
