//! What the templates show, prepared in Rust: the pages' structs (askama templates compiled
//! into the binary) and the translation of the engine's explanation into aligned, colour-coded
//! name parts. Templates only loop and print; every decision about what a value means lives
//! here, where it is tested.

use askama::Template;
use serde_json::Value;

/// The top of every page: who is signed in, the CSRF token for the sign-out form, the page.
#[derive(Debug, Clone, Default)]
pub struct Nav {
    /// The user, empty when nobody is signed in.
    pub user: String,
    /// The role's name.
    pub role: String,
    /// The session's CSRF token.
    pub csrf: String,
    /// Which menu entry is current: `alerts`, `lists`, `audit`, `wallets` or `vetting`.
    pub page: &'static str,
}

impl Nav {
    /// The navigation of a signed-in user.
    pub fn of(s: &super::Session, page: &'static str) -> Nav {
        Nav {
            user: s.user.clone(),
            role: s.role.as_str().to_string(),
            csrf: s.csrf.clone(),
            page,
        }
    }
}

/// An error page.
#[derive(Template)]
#[template(path = "ui/error.html")]
pub struct ErrorPage {
    /// The HTTP status.
    pub status: u16,
    /// Its name.
    pub title: String,
    /// What went wrong, for the user.
    pub message: String,
}

/// The sign-in page.
#[derive(Template)]
#[template(path = "ui/login.html")]
pub struct LoginPage {
    /// The navigation (nobody signed in).
    pub nav: Nav,
    /// The form's double-submit token.
    pub csrf: String,
    /// Why the last attempt failed.
    pub error: String,
    /// Whether the service runs without keys (then a user name is asked instead).
    pub no_auth: bool,
}

/// One choice of a filter's select box.
#[derive(Debug, Clone)]
pub struct Choice {
    /// The value sent.
    pub value: String,
    /// What people read.
    pub label: String,
    /// Whether it is the current choice.
    pub selected: bool,
}

/// Builds the choices of a select box, marking the current one.
pub fn choices(options: &[(&str, &str)], current: &str) -> Vec<Choice> {
    options
        .iter()
        .map(|(v, l)| Choice {
            value: (*v).to_string(),
            label: (*l).to_string(),
            selected: *v == current,
        })
        .collect()
}

/// A count per state, as a link to the queue filtered by that state.
#[derive(Debug, Clone)]
pub struct StateCount {
    /// The state.
    pub state: String,
    /// Its label.
    pub label: String,
    /// How many alerts.
    pub count: String,
    /// The queue's URL for it.
    pub href: String,
    /// Whether the queue shows this state now.
    pub current: bool,
}

/// A row of the queue.
#[derive(Debug, Clone)]
pub struct QueueLine {
    /// Alert id.
    pub id: i64,
    /// Subject id.
    pub subject_id: i64,
    /// Subject's name.
    pub subject: String,
    /// Subject reference.
    pub external_ref: String,
    /// Subject kind.
    pub kind: String,
    /// Listed name.
    pub caption: String,
    /// Listed entity id.
    pub entity_id: String,
    /// List id.
    pub list: String,
    /// Score with two decimals.
    pub score: String,
    /// Score as a percentage, for the bar.
    pub score_pct: u32,
    /// State name.
    pub state: String,
    /// State label.
    pub state_label: String,
    /// Assignee or a dash.
    pub assignee: String,
    /// Age in words.
    pub age: String,
}

/// The alert queue.
#[derive(Template)]
#[template(path = "ui/queue.html")]
pub struct QueuePage {
    /// Navigation.
    pub nav: Nav,
    /// A notice after a change.
    pub notice: String,
    /// Counts per state.
    pub counts: Vec<StateCount>,
    /// Filter choices.
    pub states: Vec<Choice>,
    /// Lists.
    pub lists: Vec<Choice>,
    /// Score bands.
    pub bands: Vec<Choice>,
    /// Ages.
    pub ages: Vec<Choice>,
    /// Subject kinds.
    pub kinds: Vec<Choice>,
    /// Sorts.
    pub sorts: Vec<Choice>,
    /// The assignee filter as typed.
    pub assignee: String,
    /// The rows.
    pub rows: Vec<QueueLine>,
    /// The next page's URL, empty on the last page.
    pub next: String,
    /// The first page's URL, empty on the first page.
    pub first: String,
    /// The milliseconds the database took, for people tuning.
    pub millis: String,
    /// This queue's URL without a page key, where bulk assignment returns.
    pub back: String,
}

/// One aligned pair (or unmatched part) of the two names.
#[derive(Debug, Clone, PartialEq)]
pub struct PartRow {
    /// The customer's part.
    pub query: String,
    /// The listed part.
    pub listed: String,
    /// The CSS class of the match kind.
    pub class: &'static str,
    /// The match kind in words.
    pub label: String,
    /// The listed part's role.
    pub role: String,
    /// Similarity, two decimals.
    pub similarity: String,
    /// Weight in the name score, two decimals.
    pub weight: String,
}

/// A word of a name, coloured by how it matched.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// The word as written.
    pub text: String,
    /// The CSS class.
    pub class: &'static str,
    /// The match kind in words (the title and the screen-reader text).
    pub label: String,
}

/// A qualifier and what it did.
#[derive(Debug, Clone, PartialEq)]
pub struct QualRow {
    /// Birth date, nationality, …
    pub kind: String,
    /// What it found.
    pub outcome: String,
    /// The evidence in words.
    pub detail: String,
    /// The signed effect.
    pub effect: String,
    /// `q-up`, `q-down` or `q-none`.
    pub class: &'static str,
}

/// The explanation of one alert, ready to draw.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Alignment {
    /// The customer's name as stored.
    pub customer: String,
    /// The reading the scorer used.
    pub query_form: String,
    /// The romanisation scheme, when the name was transliterated.
    pub scheme: String,
    /// The listed name that matched best.
    pub listed: String,
    /// Its kind (primary, alias, weak alias).
    pub listed_kind: String,
    /// The customer's words, coloured.
    pub customer_words: Vec<Word>,
    /// The listed words, coloured.
    pub listed_words: Vec<Word>,
    /// Every pair and unmatched part.
    pub rows: Vec<PartRow>,
    /// The qualifiers.
    pub qualifiers: Vec<QualRow>,
    /// The score.
    pub score: String,
    /// The name score before qualifiers.
    pub name_score: String,
    /// The scoring method.
    pub method: String,
}

/// The class and words of a match kind; `scheme` is the romanisation when the customer's name
/// was transliterated.
pub fn match_kind(how: &str, scheme: &str) -> (&'static str, String) {
    let translit = !scheme.is_empty();
    match how {
        "exact" | "transliteration" if translit => {
            ("m-translit", format!("transliteration ({scheme})"))
        }
        "exact" => ("m-exact", "exact".into()),
        "transliteration" => ("m-variant", "spelling variant".into()),
        "phonetic" => ("m-phonetic", "phonetic".into()),
        "edit_distance" => ("m-typo", "typo (edit distance)".into()),
        "initial" => ("m-initial", "initial".into()),
        "joined_split" => ("m-joined", "joined or split".into()),
        "legal_form_class" => ("m-legal", "legal-form equivalent".into()),
        _ => ("m-other", how.replace('_', " ")),
    }
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(0.0)
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or("").to_string()
}

/// Lower-case letters and digits only: how words of a written name are compared with the
/// scorer's normalised parts.
fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Colours the words of `name` by the parts they belong to (`parts`: folded part words with
/// their class and label); words in no part are unmatched when `unmatched` holds them.
fn colour(name: &str, parts: &[(String, &'static str, String)], unmatched: &[String]) -> Vec<Word> {
    name.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let f = fold(w);
            if let Some((_, class, label)) = parts.iter().find(|(p, _, _)| *p == f) {
                Word {
                    text: w.to_string(),
                    class,
                    label: label.clone(),
                }
            } else if unmatched.contains(&f) || !f.is_empty() {
                Word {
                    text: w.to_string(),
                    class: "m-none",
                    label: "unmatched".into(),
                }
            } else {
                Word {
                    text: w.to_string(),
                    class: "m-plain",
                    label: String::new(),
                }
            }
        })
        .collect()
}

/// Reads an alert's stored match (`detail.match`, the engine's `Match` as JSON) into what the
/// alert page draws. A detail without a match gives an empty alignment.
pub fn alignment(customer: &str, detail: Option<&Value>) -> Alignment {
    let Some(m) = detail.map(|d| &d["match"]).filter(|m| m.is_object()) else {
        return Alignment {
            customer: customer.to_string(),
            ..Alignment::default()
        };
    };
    let ex = &m["explanation"];
    let scheme = match ex["query_scheme"].as_str() {
        Some("latin") | None => String::new(),
        Some(s) => s.replace('_', "/").to_uppercase(),
    };
    let mut rows = Vec::new();
    let mut q_parts = Vec::new();
    let mut l_parts = Vec::new();
    for p in ex["parts"].as_array().into_iter().flatten() {
        let (class, label) = match_kind(&text(&p["how"]), &scheme);
        let (q, l) = (text(&p["query"]), text(&p["listed"]));
        for w in q.split_whitespace() {
            q_parts.push((fold(w), class, label.clone()));
        }
        for w in l.split_whitespace() {
            l_parts.push((fold(w), class, label.clone()));
        }
        rows.push(PartRow {
            query: q,
            listed: l,
            class,
            label,
            role: text(&p["role"]).replace('_', " "),
            similarity: format!("{:.2}", num(&p["similarity"])),
            weight: format!("{:.2}", num(&p["weight"])),
        });
    }
    let mut unmatched = |key: &str, query_side: bool| {
        let mut words = Vec::new();
        for p in ex[key].as_array().into_iter().flatten() {
            let part = text(&p["part"]);
            words.extend(part.split_whitespace().map(fold));
            rows.push(PartRow {
                query: if query_side {
                    part.clone()
                } else {
                    String::new()
                },
                listed: if query_side { String::new() } else { part },
                class: "m-none",
                label: "unmatched".into(),
                role: text(&p["role"]).replace('_', " "),
                similarity: "0.00".into(),
                weight: format!("{:.2}", num(&p["weight"])),
            });
        }
        words
    };
    let uq = unmatched("unmatched_query", true);
    let ul = unmatched("unmatched_listed", false);
    let query_form = text(&ex["query_form"]);
    // The customer's own writing is coloured when it is the form that was scored; a
    // transliterated name is shown beside its romanisation, which is what was coloured.
    let shown: &str = if scheme.is_empty() && !customer.is_empty() {
        customer
    } else {
        &query_form
    };
    let qualifiers = ex["qualifiers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|q| {
            let e = num(&q["effect"]);
            QualRow {
                kind: text(&q["kind"]).replace('_', " "),
                outcome: text(&q["outcome"]).replace('_', " "),
                detail: text(&q["detail"]),
                effect: signed(e),
                class: if e > 0.0 {
                    "q-up"
                } else if e < 0.0 {
                    "q-down"
                } else {
                    "q-none"
                },
            }
        })
        .collect();
    Alignment {
        customer: customer.to_string(),
        customer_words: colour(shown, &q_parts, &uq),
        listed_words: colour(&text(&ex["listed_name"]), &l_parts, &ul),
        query_form,
        scheme,
        listed: text(&ex["listed_name"]),
        listed_kind: text(&ex["listed_name_kind"]).replace('_', " "),
        rows,
        qualifiers,
        score: format!("{:.2}", num(&m["score"])),
        name_score: format!("{:.2}", num(&m["name_score"])),
        method: text(&ex["method"]),
    }
}

/// A score effect with its sign (`+0.05`, `−0.10`, `0.00`).
pub fn signed(e: f64) -> String {
    if e > 0.0 {
        format!("+{e:.2}")
    } else if e < 0.0 {
        format!("\u{2212}{:.2}", -e)
    } else {
        "0.00".into()
    }
}

/// One labelled field with its values.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The label.
    pub label: String,
    /// The values.
    pub values: Vec<String>,
}

/// A value in words: text as is, records as `key: value` pairs.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(a) => a
            .iter()
            .map(value_text)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        // A name reads as itself and its kind, not as its parts.
        Value::Object(o) if o.get("full").is_some_and(Value::is_string) => {
            let full = value_text(&o["full"]);
            match o.get("kind").and_then(Value::as_str) {
                Some(k) => format!("{full} ({})", k.replace('_', " ")),
                None => full,
            }
        }
        Value::Object(o) => o
            .iter()
            .filter_map(|(k, v)| {
                let t = value_text(v);
                (!t.is_empty()).then(|| format!("{}: {t}", k.replace('_', " ")))
            })
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// Every filled field of a listed entity, in the model's field order, for the detail list.
pub fn entity_fields(e: &model::Entity) -> Vec<Field> {
    let Ok(Value::Object(o)) = serde_json::to_value(e) else {
        return Vec::new();
    };
    let dates = |d: &[model::FuzzyDate]| d.iter().map(ToString::to_string).collect::<Vec<_>>();
    let mut out: Vec<Field> = o
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "id" | "names" | "meta" | "extra"))
        .filter_map(|(k, v)| {
            let values: Vec<String> = match v {
                Value::Array(a) => a.iter().map(value_text).collect(),
                Value::Object(m) => m
                    .iter()
                    .map(|(k, v)| format!("{k}: {}", value_text(v)))
                    .collect(),
                other => vec![value_text(other)],
            };
            let values: Vec<String> = values.into_iter().filter(|s| !s.is_empty()).collect();
            let values = match k.as_str() {
                // Dates read as written (`1965-03-04`, `circa 1960`), not as their parts.
                "birth_dates" => dates(&e.birth_dates),
                "death_dates" => dates(&e.death_dates),
                _ => values,
            };
            (!values.is_empty()).then(|| Field {
                label: k.replace('_', " "),
                values,
            })
        })
        .collect();
    // Properties without a typed field (vessel IMO, topics, …), each under its own name.
    out.extend(
        e.extra
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| Field {
                label: k.clone(),
                values: v.clone(),
            }),
    );
    out
}

/// A listed name.
#[derive(Debug, Clone)]
pub struct NameLine {
    /// As written.
    pub full: String,
    /// Primary, alias, weak alias…
    pub kind: String,
    /// The script, when known.
    pub script: String,
}

/// The names of a listed entity.
pub fn entity_names(e: &model::Entity) -> Vec<NameLine> {
    e.names
        .iter()
        .map(|n| NameLine {
            full: n.full.clone(),
            kind: value_text(&serde_json::to_value(n.kind).unwrap_or(Value::Null))
                .replace('_', " "),
            script: n
                .script
                .as_ref()
                .map(|s| value_text(&serde_json::to_value(s).unwrap_or(Value::Null)))
                .unwrap_or_default(),
        })
        .collect()
}

/// A short alert line (other alerts, subject history).
#[derive(Debug, Clone)]
pub struct AlertLine {
    /// Id.
    pub id: i64,
    /// Subject id.
    pub subject_id: i64,
    /// Subject reference.
    pub external_ref: String,
    /// Listed entity.
    pub entity_id: String,
    /// `list@version`.
    pub list_version: String,
    /// Score.
    pub score: String,
    /// State label.
    pub state: String,
    /// How it closed.
    pub resolution: String,
    /// Opened.
    pub created_at: String,
}

/// Words of an alert state.
pub fn state_label(s: &str) -> &'static str {
    match s {
        "open" => "Open",
        "in_review" => "In review",
        "escalated" => "Escalated",
        "closed" => "Closed",
        _ => "Unknown",
    }
}

/// The state's name as the records store it.
pub fn state_name(s: api::AlertState) -> &'static str {
    match s {
        api::AlertState::Open => "open",
        api::AlertState::InReview => "in_review",
        api::AlertState::Escalated => "escalated",
        api::AlertState::Closed => "closed",
    }
}

/// An outcome in words.
pub fn outcome_label(o: api::Outcome) -> &'static str {
    match o {
        api::Outcome::TrueMatch => "True match",
        api::Outcome::FalsePositive => "False positive",
    }
}

impl AlertLine {
    /// The line of an alert.
    pub fn of(a: &api::AlertOut) -> AlertLine {
        AlertLine {
            id: a.id,
            subject_id: a.subject_id,
            external_ref: a.external_ref.clone(),
            entity_id: a.entity_id.clone(),
            list_version: a.list_version.clone(),
            score: format!("{:.2}", a.score),
            state: state_label(state_name(a.state)).to_string(),
            resolution: a.resolution.map(outcome_label).unwrap_or("").to_string(),
            created_at: short_time(&a.created_at),
        }
    }
}

/// `2026-12-05T04:17:20.123Z` as `2026-12-05 04:17`.
pub fn short_time(t: &str) -> String {
    t.get(..16).unwrap_or(t).replace('T', " ")
}

/// A decision as the alert page shows it.
#[derive(Debug, Clone)]
pub struct DecisionLine {
    /// Id.
    pub id: i64,
    /// Outcome in words.
    pub outcome: String,
    /// `pending`, `approved` or `rejected`.
    pub state: String,
    /// Proposer.
    pub proposer: String,
    /// Proposer's reason.
    pub proposer_reason: String,
    /// When proposed.
    pub proposed_at: String,
    /// Reviewer, if reviewed.
    pub reviewer: String,
    /// Reviewer's reason.
    pub reviewer_reason: String,
    /// When reviewed.
    pub reviewed_at: String,
}

impl DecisionLine {
    /// The line of a decision.
    pub fn of(d: &api::DecisionOut) -> DecisionLine {
        DecisionLine {
            id: d.id,
            outcome: outcome_label(d.outcome).to_string(),
            state: d.state.clone(),
            proposer: d.proposer.clone(),
            proposer_reason: d.proposer_reason.clone(),
            proposed_at: short_time(&d.proposed_at),
            reviewer: d.reviewer.clone().unwrap_or_default(),
            reviewer_reason: d.reviewer_reason.clone().unwrap_or_default(),
            reviewed_at: d.reviewed_at.as_deref().map(short_time).unwrap_or_default(),
        }
    }
}

/// A comment.
#[derive(Debug, Clone)]
pub struct CommentLine {
    /// Who.
    pub actor: String,
    /// When.
    pub at: String,
    /// What.
    pub text: String,
}

/// What the decision panel offers the signed-in user.
#[derive(Debug, Clone, Default)]
pub struct Panel {
    /// The pending decision, if any.
    pub pending: Option<DecisionLine>,
    /// The user may propose (no pending decision, alert not closed).
    pub can_propose: bool,
    /// The user may approve or reject the pending decision.
    pub can_review: bool,
    /// Why the user cannot review it, when there is a pending decision.
    pub why_not: String,
}

/// The alert page.
#[derive(Template)]
#[template(path = "ui/alert.html")]
pub struct AlertPage {
    /// Navigation.
    pub nav: Nav,
    /// A notice after a change.
    pub notice: String,
    /// The alert id.
    pub id: i64,
    /// State label.
    pub state: String,
    /// State name (for the style).
    pub state_key: String,
    /// Resolution in words.
    pub resolution: String,
    /// Why it opened.
    pub reason: String,
    /// Assignee.
    pub assignee: String,
    /// Due date.
    pub due: String,
    /// Opened.
    pub created_at: String,
    /// Subject id.
    pub subject_id: i64,
    /// Subject reference.
    pub external_ref: String,
    /// Subject kind.
    pub subject_kind: String,
    /// Subject's other facts (birth date, nationality, identifiers).
    pub subject_facts: Vec<Field>,
    /// The explanation.
    pub al: Alignment,
    /// The threshold.
    pub threshold: String,
    /// Whether the score reaches it.
    pub above: bool,
    /// Listed entity id.
    pub entity_id: String,
    /// Listed caption.
    pub caption: String,
    /// Listed schema.
    pub schema: String,
    /// `list@version` of the alert.
    pub list_version: String,
    /// Publication date of that version.
    pub publish_date: String,
    /// Whether the entity shown comes from another (the current) version.
    pub entity_note: String,
    /// Entity names.
    pub names: Vec<NameLine>,
    /// Entity fields.
    pub fields: Vec<Field>,
    /// Field changes that reopened it.
    pub changes: Vec<Field>,
    /// Other alerts on the subject.
    pub subject_alerts: Vec<AlertLine>,
    /// Other alerts on the entity.
    pub entity_alerts: Vec<AlertLine>,
    /// Decisions, oldest first.
    pub decisions: Vec<DecisionLine>,
    /// The decision panel.
    pub panel: Panel,
    /// Comments, oldest first.
    pub comments: Vec<CommentLine>,
    /// The alert is closed.
    pub closed: bool,
}

/// A screening of the subject.
#[derive(Debug, Clone)]
pub struct ScreeningLine {
    /// Id.
    pub id: i64,
    /// Source.
    pub source: String,
    /// Lists.
    pub lists: String,
    /// Engine.
    pub engine: String,
    /// Who.
    pub actor: String,
    /// When.
    pub at: String,
}

/// An allow-list entry.
#[derive(Debug, Clone)]
pub struct AllowLine {
    /// Entity.
    pub entity_id: String,
    /// Fingerprint.
    pub fingerprint: String,
    /// Decision.
    pub decision_id: i64,
    /// When.
    pub at: String,
}

/// The subject page.
#[derive(Template)]
#[template(path = "ui/subject.html")]
pub struct SubjectPage {
    /// Navigation.
    pub nav: Nav,
    /// Id.
    pub id: i64,
    /// Reference.
    pub external_ref: String,
    /// Primary name.
    pub name: String,
    /// Kind.
    pub kind: String,
    /// Status.
    pub status: String,
    /// Blocked by a true match.
    pub blocked: bool,
    /// Facts.
    pub facts: Vec<Field>,
    /// Screenings.
    pub screenings: Vec<ScreeningLine>,
    /// Alerts.
    pub alerts: Vec<AlertLine>,
    /// Decisions on its alerts.
    pub decisions: Vec<(i64, DecisionLine)>,
    /// Allow-list entries.
    pub allows: Vec<AllowLine>,
}

/// One version of a listed entity.
#[derive(Debug, Clone)]
pub struct VersionLine {
    /// `list@version`.
    pub spec: String,
    /// Publication date.
    pub published: String,
    /// Imported.
    pub imported: String,
    /// What happened to the entity in this version: added, changed, unchanged, absent.
    pub status: String,
    /// Field changes from the previous version.
    pub changes: Vec<Field>,
}

/// The entity page.
#[derive(Template)]
#[template(path = "ui/entity.html")]
pub struct EntityPage {
    /// Navigation.
    pub nav: Nav,
    /// Id.
    pub id: String,
    /// Caption.
    pub caption: String,
    /// Where the entity shown comes from.
    pub source: String,
    /// Names.
    pub names: Vec<NameLine>,
    /// Fields.
    pub fields: Vec<Field>,
    /// Versions, oldest first.
    pub versions: Vec<VersionLine>,
    /// Alerts on it.
    pub alerts: Vec<AlertLine>,
}

/// A stored snapshot.
#[derive(Debug, Clone)]
pub struct SnapshotLine {
    /// `list@version`.
    pub spec: String,
    /// List id.
    pub list: String,
    /// Version.
    pub version: String,
    /// Publication date.
    pub published: String,
    /// Imported.
    pub imported: String,
    /// Entities.
    pub entities: String,
    /// Current.
    pub current: bool,
}

/// A list's freshness.
#[derive(Debug, Clone)]
pub struct FreshLine {
    /// List.
    pub list: String,
    /// Loaded version.
    pub version: String,
    /// Age in words.
    pub age: String,
    /// Fresh or stale.
    pub fresh: bool,
}

/// A diff entry.
#[derive(Debug, Clone)]
pub struct DiffLine {
    /// Entity id.
    pub id: String,
    /// Caption.
    pub caption: String,
    /// Changed fields.
    pub fields: String,
}

/// The lists page.
#[derive(Template)]
#[template(path = "ui/lists.html")]
pub struct ListsPage {
    /// Navigation.
    pub nav: Nav,
    /// Freshness of the loaded lists.
    pub fresh: Vec<FreshLine>,
    /// Stored snapshots, newest first.
    pub snapshots: Vec<SnapshotLine>,
    /// Version choices for the diff.
    pub olds: Vec<Choice>,
    /// Version choices for the diff.
    pub news: Vec<Choice>,
    /// Whether a diff is shown.
    pub diffed: bool,
    /// The diff's title.
    pub diff_title: String,
    /// Added.
    pub added: Vec<DiffLine>,
    /// Removed.
    pub removed: Vec<DiffLine>,
    /// Changed.
    pub changed: Vec<DiffLine>,
    /// Counts line.
    pub diff_counts: String,
}

/// An audit record.
#[derive(Debug, Clone)]
pub struct AuditLine {
    /// Sequence.
    pub seq: i64,
    /// When.
    pub ts: String,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// On what.
    pub object: String,
    /// The object's page, when it has one.
    pub href: String,
    /// Details.
    pub payload: String,
    /// Hash prefix.
    pub hash: String,
}

/// The audit page.
#[derive(Template)]
#[template(path = "ui/audit.html")]
pub struct AuditPage {
    /// Navigation.
    pub nav: Nav,
    /// Action filter.
    pub action: String,
    /// Actor filter.
    pub actor: String,
    /// Object filter.
    pub object: String,
    /// Records.
    pub rows: Vec<AuditLine>,
    /// The next (older) page.
    pub older: String,
    /// Whether a verification ran.
    pub verified: bool,
    /// Its result.
    pub ok: bool,
    /// Its summary.
    pub verdict: String,
    /// Whether the user may export.
    pub can_export: bool,
}

/// The page of an audit object (`alert:12` → `/ui/alerts/12`), when there is one.
pub fn object_href(object: &str) -> String {
    match object.split_once(':') {
        Some(("alert", id)) if id.parse::<i64>().is_ok() => format!("/ui/alerts/{id}"),
        Some(("subject", id)) if id.parse::<i64>().is_ok() => format!("/ui/subjects/{id}"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn match_kinds_name_the_transformation_and_the_scheme() {
        let table = [
            ("exact", "", "m-exact", "exact"),
            ("transliteration", "", "m-variant", "spelling variant"),
            (
                "transliteration",
                "BGN/PCGN",
                "m-translit",
                "transliteration (BGN/PCGN)",
            ),
            ("exact", "DPRK", "m-translit", "transliteration (DPRK)"),
            ("phonetic", "", "m-phonetic", "phonetic"),
            ("edit_distance", "", "m-typo", "typo (edit distance)"),
            ("initial", "", "m-initial", "initial"),
            ("joined_split", "", "m-joined", "joined or split"),
            ("legal_form_class", "", "m-legal", "legal-form equivalent"),
        ];
        for (how, scheme, class, label) in table {
            assert_eq!(
                match_kind(how, scheme),
                (class, label.to_string()),
                "{how} {scheme}"
            );
        }
    }

    #[test]
    fn the_alignment_colours_each_word_by_its_part() {
        let detail = json!({"match": {
        "score": 0.9312, "name_score": 0.95,
        "explanation": {
            "method": "interdict", "listed_name": "ASATRYAN, Gayk", "listed_name_kind": "primary",
            "query_form": "gaik asatrian", "query_scheme": "latin",
            "parts": [
                {"query": "asatrian", "listed": "asatryan", "role": "family", "how": "transliteration", "similarity": 0.97, "weight": 0.6},
                {"query": "gaik", "listed": "gayk", "role": "given", "how": "phonetic", "similarity": 0.9, "weight": 0.4}
            ],
            "unmatched_query": [{"part": "john", "role": "given", "weight": 0.1}],
            "unmatched_listed": [],
            "qualifiers": [{"kind": "birth_date", "outcome": "differs", "detail": "query 1970 vs listed 1960", "effect": -0.1}]
        }}});
        let a = alignment("Gaik John Asatrian", Some(&detail));
        let words: Vec<(&str, &str)> = a
            .customer_words
            .iter()
            .map(|w| (w.text.as_str(), w.class))
            .collect();
        assert_eq!(
            words,
            [
                ("Gaik", "m-phonetic"),
                ("John", "m-none"),
                ("Asatrian", "m-variant")
            ]
        );
        let listed: Vec<(&str, &str)> = a
            .listed_words
            .iter()
            .map(|w| (w.text.as_str(), w.class))
            .collect();
        assert_eq!(listed, [("ASATRYAN", "m-variant"), ("Gayk", "m-phonetic")]);
        assert_eq!(a.rows.len(), 3);
        assert_eq!(a.rows[2].query, "john");
        assert_eq!(a.rows[2].label, "unmatched");
        assert_eq!(a.score, "0.93");
        assert_eq!(a.qualifiers[0].effect, "\u{2212}0.10");
        assert_eq!(a.qualifiers[0].class, "q-down");
        assert_eq!(a.qualifiers[0].kind, "birth date");
        assert_eq!(a.scheme, "");
    }

    #[test]
    fn a_transliterated_name_shows_the_romanisation_that_was_scored() {
        let detail = json!({"match": {"score": 1.0, "name_score": 1.0, "explanation": {
            "listed_name": "Vitaliy ANDREYEV", "query_form": "vitaliy andreev", "query_scheme": "bgn_pcgn",
            "parts": [{"query": "andreev", "listed": "andreyev", "role": "family", "how": "transliteration", "similarity": 1.0, "weight": 0.5},
                      {"query": "vitaliy", "listed": "vitaliy", "role": "given", "how": "exact", "similarity": 1.0, "weight": 0.5}],
            "unmatched_query": [], "unmatched_listed": [], "qualifiers": []}}});
        let a = alignment("Виталий Андреев", Some(&detail));
        assert_eq!(a.scheme, "BGN/PCGN");
        assert_eq!(a.customer, "Виталий Андреев");
        let words: Vec<&str> = a.customer_words.iter().map(|w| w.class).collect();
        assert_eq!(words, ["m-translit", "m-translit"]);
        assert_eq!(a.customer_words[0].label, "transliteration (BGN/PCGN)");
    }

    #[test]
    fn an_alert_without_a_stored_match_draws_no_alignment() {
        let a = alignment("Ann", Some(&json!({"note": "delisted"})));
        assert!(a.rows.is_empty());
        assert_eq!(a.customer, "Ann");
    }

    #[test]
    fn effects_carry_their_sign_and_objects_link_to_their_pages() {
        assert_eq!(signed(0.05), "+0.05");
        assert_eq!(signed(0.0), "0.00");
        assert_eq!(object_href("alert:12"), "/ui/alerts/12");
        assert_eq!(object_href("subject:3"), "/ui/subjects/3");
        assert_eq!(object_href("decision:4"), "");
        assert_eq!(object_href("import:x.csv"), "");
        let name =
            json!({"full": "CANO, Jhonny", "kind": "weak_alias", "parts": {"family": "CANO"}});
        assert_eq!(value_text(&name), "CANO, Jhonny (weak alias)");
        assert_eq!(
            value_text(&json!({"city": "Cali", "country": "co"})),
            "city: Cali; country: co"
        );
    }
}
