//! yente's matching protocol over interdict's engine: examples in, FollowTheMoney entities
//! with scores out, datasets as lists.
//!
//! A yente example may carry several names (`name`, `alias`, `previousName`, …); each is
//! screened as its own query with the example's birth date, nationality and identifiers, and
//! each entity keeps its best score. Filters (`include_dataset`, `exclude_dataset`,
//! `exclude_schema`, `topics`, `changed_since`, `exclude_entity_ids`) apply to the candidates
//! before the limit, as in yente. Everything here is pure over a [`Generation`]; the server
//! calls it from a worker thread.

use std::collections::{BTreeMap, BTreeSet};

use api::yente::{
    EntityExample, EntityMatches, EntityResponse, FeatureResult, ParsedExample, ScoredEntity,
    TotalSpec,
};
use model::{Entity, EntityId, PartialDate, Schema};
use screening::{Match, Mode, Query, ScreenConfig};
use serde_json::Value;

use crate::live::Generation;

/// yente's limit on examples per `/match` request.
pub const MAX_BATCH: usize = 100;
/// yente's default number of results per example.
pub const DEFAULT_LIMIT: usize = 5;
/// yente's largest `limit`.
pub const MAX_LIMIT: usize = 500;
/// yente's default threshold (and cutoff).
pub const DEFAULT_THRESHOLD: f64 = 0.7;
/// yente's largest number of `exclude_entity_ids`.
pub const MAX_EXCLUDED_IDS: usize = 50;
/// The longest name accepted, in characters: longer text is not a name.
pub const MAX_NAME_CHARS: usize = 500;
/// The most names one example may carry.
pub const MAX_NAMES: usize = 50;

/// The algorithms `?algorithm=` accepts: interdict's two scorers, and yente's names, which all
/// mean interdict's own scorer (so a client that pins one keeps working).
pub const ALGORITHMS: [(&str, Mode); 9] = [
    ("best", Mode::Default),
    ("interdict", Mode::Default),
    ("ofac-emulation", Mode::Ofac),
    ("logic-v2", Mode::Default),
    ("logic-v1", Mode::Default),
    ("name-based", Mode::Default),
    ("name-qualified", Mode::Default),
    ("regression-v1", Mode::Default),
    ("ofac-249", Mode::Ofac),
];

/// The scorer an `algorithm` parameter names, case-insensitively.
pub fn algorithm(name: &str) -> Option<Mode> {
    let n = name.trim().to_ascii_lowercase();
    ALGORITHMS.iter().find(|(a, _)| *a == n).map(|(_, m)| *m)
}

/// The schemas an example may have, with the schema interdict screens it as (`None`: any).
fn example_schema(name: &str) -> Option<Option<Schema>> {
    Some(match name {
        "Person" => Some(Schema::Person),
        "Organization" | "PublicBody" => Some(Schema::Organization),
        "Company" => Some(Schema::Company),
        "LegalEntity" => Some(Schema::LegalEntity),
        "Vessel" => Some(Schema::Vessel),
        "Airplane" => Some(Schema::Airplane),
        "Thing" | "Asset" | "Vehicle" => None,
        _ => return None,
    })
}

const NAME_PROPS: [&str; 4] = ["name", "alias", "previousName", "weakAlias"];
const COUNTRY_PROPS: [&str; 5] = [
    "nationality",
    "citizenship",
    "country",
    "jurisdiction",
    "mainCountry",
];
const ID_PROPS: [&str; 14] = [
    "idNumber",
    "passportNumber",
    "registrationNumber",
    "taxNumber",
    "imoNumber",
    "innCode",
    "ogrnCode",
    "leiCode",
    "swiftBic",
    "vatCode",
    "mmsi",
    "icaoCode",
    "serialNumber",
    "socialSecurityNumber",
];

/// An example read into queries, and the example as understood.
#[derive(Debug, Clone)]
pub struct ParsedQuery {
    /// One query per name.
    pub queries: Vec<Query>,
    /// The cleaned example to echo.
    pub echo: ParsedExample,
}

fn values(prop: &str, v: &Value) -> Result<Vec<String>, String> {
    let one = |x: &Value| -> Result<Option<String>, String> {
        match x {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s.clone())),
            Value::Number(n) => Ok(Some(n.to_string())),
            Value::Bool(b) => Ok(Some(b.to_string())),
            _ => Err(format!("property {prop:?} holds a value that is not text")),
        }
    };
    let out = match v {
        Value::Array(a) => a.iter().map(one).collect::<Result<Vec<_>, _>>()?,
        other => vec![one(other)?],
    };
    Ok(out
        .into_iter()
        .flatten()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect())
}

/// Reads a yente example. The error is yente's 400 message ("Cannot parse example entity: …").
pub fn parse_example(ex: &EntityExample) -> Result<ParsedQuery, String> {
    let fail = |m: String| format!("Cannot parse example entity: {m}");
    let schema = example_schema(ex.schema.trim()).ok_or_else(|| {
        fail(format!(
            "unknown or unmatchable schema {:?}; use Person, Organization, Company, LegalEntity, Vessel, Airplane or Thing",
            ex.schema
        ))
    })?;
    let mut props: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in &ex.properties {
        let vs = values(k, v).map_err(fail)?;
        if vs.is_empty() {
            continue;
        }
        let vs = if COUNTRY_PROPS.contains(&k.as_str()) {
            vs.into_iter()
                .map(|c| {
                    model::country::code(&c)
                        .map(str::to_string)
                        .unwrap_or(c.to_lowercase())
                })
                .collect()
        } else {
            vs
        };
        props.insert(k.clone(), vs);
    }
    let mut names: Vec<String> = Vec::new();
    for p in NAME_PROPS {
        for n in props.get(p).into_iter().flatten() {
            if !names.contains(n) {
                names.push(n.clone());
            }
        }
    }
    if names.is_empty() {
        let parts: Vec<&str> = [
            "firstName",
            "secondName",
            "middleName",
            "fatherName",
            "lastName",
        ]
        .iter()
        .filter_map(|p| props.get(*p).and_then(|v| v.first()).map(String::as_str))
        .collect();
        if !parts.is_empty() {
            names.push(parts.join(" "));
        }
    }
    if names.len() > MAX_NAMES {
        return Err(fail(format!(
            "{} names; at most {MAX_NAMES} per example",
            names.len()
        )));
    }
    if let Some(n) = names.iter().find(|n| n.chars().count() > MAX_NAME_CHARS) {
        return Err(fail(format!(
            "a name of {} characters; at most {MAX_NAME_CHARS}",
            n.chars().count()
        )));
    }
    let birth_date: Option<PartialDate> = props
        .get("birthDate")
        .into_iter()
        .flatten()
        .find_map(|d| PartialDate::parse_iso(d.get(..10).unwrap_or(d)));
    let nationality = COUNTRY_PROPS
        .iter()
        .filter_map(|p| props.get(*p))
        .flatten()
        .find(|c| c.len() == 2)
        .cloned();
    let identifiers: Vec<String> = ID_PROPS
        .iter()
        .filter_map(|p| props.get(*p))
        .flatten()
        .cloned()
        .collect();
    let queries = names
        .into_iter()
        .map(|name| Query {
            name,
            schema: schema.clone(),
            birth_date,
            nationality: nationality.clone(),
            identifiers: identifiers.clone(),
        })
        .collect();
    Ok(ParsedQuery {
        queries,
        echo: ParsedExample {
            id: ex.id.clone(),
            schema: ex.schema.trim().to_string(),
            properties: props,
        },
    })
}

/// The lists a dataset name stands for: `default` and `sanctions` all of them, a list name
/// (`ofac-sdn`) or its OpenSanctions dataset name (`us_ofac_sdn`) one list. `None` when the
/// name is unknown or the list is not loaded.
pub fn dataset_lists(g: &Generation, dataset: &str) -> Option<BTreeSet<String>> {
    let loaded: BTreeSet<String> = g.lists().iter().map(|l| l.list.clone()).collect();
    let d = dataset.trim();
    if d == "default" || d == "sanctions" || d == "all" {
        return Some(loaded);
    }
    let list = OS_NAMES
        .iter()
        .find(|(os, _)| *os == d)
        .map_or(d, |(_, l)| *l);
    loaded
        .contains(list)
        .then(|| BTreeSet::from([list.to_string()]))
}

/// OpenSanctions dataset names of the lists, accepted as dataset names.
pub const OS_NAMES: [(&str, &str); 5] = [
    ("us_ofac_sdn", "ofac-sdn"),
    ("us_ofac_cons", "ofac-cons"),
    ("un_sc_sanctions", "un"),
    ("eu_fsf", "eu"),
    ("gb_hmt_sanctions", "uk"),
];

/// The filters and sizes of one `/match` request.
#[derive(Debug, Clone)]
pub struct MatchOptions {
    /// Results per example.
    pub limit: usize,
    /// Scores at or above this are matches.
    pub threshold: f64,
    /// Scores below this are not returned (at most the threshold).
    pub cutoff: f64,
    /// The scorer.
    pub mode: Mode,
    /// Lists the dataset stands for.
    pub scope: BTreeSet<String>,
    /// Only these lists (dataset names), when not empty.
    pub include_dataset: Vec<String>,
    /// Not these lists.
    pub exclude_dataset: Vec<String>,
    /// Not these schemas.
    pub exclude_schema: Vec<String>,
    /// Only entities with one of these topics, when not empty (every listed entity has
    /// `sanction`).
    pub topics: Vec<String>,
    /// Only entities changed since (ISO date or date-time).
    pub changed_since: Option<String>,
    /// Not these entities.
    pub exclude_entity_ids: Vec<String>,
}

fn dataset_of(name: &str) -> &str {
    OS_NAMES
        .iter()
        .find(|(os, _)| *os == name)
        .map_or(name, |(_, l)| *l)
}

/// Naive ISO 8601 to the second (`2026-11-21T07:10:38`), as yente sends times.
fn naive(ts: &str) -> Option<String> {
    let t = ts.trim_end_matches('Z');
    match t.len() {
        10 => Some(format!("{t}T00:00:00")),
        n if n >= 19 => Some(t[..19].to_string()),
        _ => None,
    }
}

/// When a list's entities last changed, as yente's `last_change`: the snapshot's import time
/// for stored lists, else the publication date.
fn list_time(g: &Generation, list: &str) -> Option<String> {
    g.imported_at(list).and_then(naive).or_else(|| {
        g.lists()
            .iter()
            .find(|l| l.list == list)
            .and_then(|l| l.publish_date.as_deref())
            .and_then(naive)
    })
}

/// True when the entity is a target of sanctions: it carries sanctions, or (FtM data) the
/// `sanction` topic.
fn is_target(e: &Entity) -> bool {
    !e.sanctions.is_empty()
        || e.extra
            .get("topics")
            .is_some_and(|t| t.iter().any(|x| x == "sanction"))
}

/// The FtM entity of a listed entity, with its children nested under their reverse properties
/// when `nested`.
pub fn entity_response(g: &Generation, e: &Entity, list: &str, nested: bool) -> EntityResponse {
    // The main object's properties directly: a flat answer (every `/match` result) needs no
    // child objects, and building them first was most of the cost of a result.
    let mut props: BTreeMap<String, Vec<Value>> = model::ftm::main_properties(e)
        .into_iter()
        .map(|(k, vs)| (k, vs.into_iter().map(Value::String).collect()))
        .collect();
    let time = list_time(g, list);
    let main_id = model::ftm::ftm_id(&e.id);
    if nested {
        let objects = model::ftm::to_ftm(e);
        for child in objects.iter().skip(1) {
            let schema = child.get("schema").and_then(Value::as_str).unwrap_or("");
            let Some(reverse) = reverse_property(schema, child, &main_id) else {
                continue;
            };
            let child_resp = child_response(child, list, &time);
            if reverse == "addressEntity" {
                // The main entity names its addresses by id; nesting replaces the id.
                let id = Value::String(child_resp.id.clone());
                let slot = props.entry(reverse.to_string()).or_default();
                slot.retain(|v| v != &id);
                slot.push(serde_json::to_value(child_resp).unwrap_or(Value::Null));
            } else {
                props
                    .entry(reverse.to_string())
                    .or_default()
                    .push(serde_json::to_value(child_resp).unwrap_or(Value::Null));
            }
        }
    }
    EntityResponse {
        id: main_id,
        caption: e.caption().to_string(),
        schema: e.schema.name().to_string(),
        properties: props,
        datasets: vec![list.to_string()],
        referents: Vec::new(),
        target: is_target(e),
        first_seen: time.clone(),
        last_seen: time.clone(),
        last_change: time,
    }
}

/// The property of the main entity under which FtM nests a child entity (the reverse of the
/// child's property that points at the main entity).
fn reverse_property(schema: &str, child: &Value, main_id: &str) -> Option<&'static str> {
    let points = |prop: &str| {
        child
            .get("properties")
            .and_then(|p| p.get(prop))
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|v| v.as_str() == Some(main_id)))
    };
    Some(match schema {
        "Sanction" => "sanctions",
        "Identification" => "identification",
        "Passport" => "identification",
        "CryptoWallet" => "cryptoWallets",
        "Address" => "addressEntity",
        "Ownership" if points("owner") => "ownershipOwner",
        "Ownership" => "ownershipAsset",
        "Associate" if points("person") => "associates",
        "Associate" => "associations",
        "Family" if points("person") => "familyPerson",
        "Family" => "familyRelative",
        _ => return None,
    })
}

fn child_response(child: &Value, list: &str, time: &Option<String>) -> EntityResponse {
    let s = |k: &str| {
        child
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let props: BTreeMap<String, Vec<Value>> = child
        .get("properties")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_array().map(|a| (k.clone(), a.clone())))
                .collect()
        })
        .unwrap_or_default();
    let caption = ["name", "full", "publicKey", "number", "authority"]
        .iter()
        .find_map(|p| {
            props
                .get(*p)
                .and_then(|v| v.first())
                .and_then(Value::as_str)
        })
        .unwrap_or("")
        .to_string();
    let schema = s("schema");
    EntityResponse {
        id: s("id"),
        caption: if caption.is_empty() {
            schema.clone()
        } else {
            caption
        },
        schema,
        properties: props,
        datasets: vec![list.to_string()],
        referents: Vec::new(),
        target: false,
        first_seen: time.clone(),
        last_seen: time.clone(),
        last_change: time.clone(),
    }
}

fn explanations(m: &Match) -> BTreeMap<String, FeatureResult> {
    let x = &m.explanation;
    let mut out = BTreeMap::new();
    let how: Vec<String> = x
        .parts
        .iter()
        .map(|p| format!("{}~{} ({}, {:.2})", p.query, p.listed, p.how, p.similarity))
        .collect();
    out.insert(
        "name_match".to_string(),
        FeatureResult {
            detail: Some(format!("{}: {}", x.method.as_str(), how.join("; "))),
            score: m.name_score,
            query: Some(x.query_form.clone()),
            candidate: Some(x.listed_name.clone()),
        },
    );
    for q in &x.qualifiers {
        out.insert(
            format!("{}_{}", kind_name(q.kind), q.outcome.as_str()),
            FeatureResult {
                detail: Some(q.detail.clone()),
                score: q.effect,
                query: None,
                candidate: None,
            },
        );
    }
    out
}

/// The snake-case name serde gives a qualifier kind, without serialising it (this runs for
/// every qualifier of every result).
fn kind_name(k: screening::QualifierKind) -> &'static str {
    use screening::QualifierKind as K;
    match k {
        K::BirthDate => "birth_date",
        K::Nationality => "nationality",
        K::Gender => "gender",
        K::Identifier => "identifier",
        K::Schema => "schema",
        K::WeakAlias => "weak_alias",
    }
}

/// Screens one parsed example against the generation and frames yente's answer.
pub fn match_example(g: &Generation, parsed: ParsedQuery, opts: &MatchOptions) -> EntityMatches {
    let screener = g.engine().screener();
    let filtered = !opts.include_dataset.is_empty()
        || !opts.exclude_dataset.is_empty()
        || !opts.exclude_schema.is_empty()
        || !opts.exclude_entity_ids.is_empty()
        || opts.changed_since.is_some();
    let cfg = ScreenConfig {
        mode: opts.mode,
        threshold: opts.threshold,
        floor: opts.cutoff.min(opts.threshold),
        limit: if filtered {
            (opts.limit * 4 + opts.exclude_entity_ids.len()).max(40)
        } else {
            opts.limit
        },
    };
    let mut best: BTreeMap<EntityId, Match> = BTreeMap::new();
    for q in &parsed.queries {
        for m in screener.screen(q, &cfg) {
            match best.get(&m.entity_id) {
                Some(b) if b.score >= m.score => {}
                _ => {
                    best.insert(m.entity_id.clone(), m);
                }
            }
        }
    }
    let include: BTreeSet<&str> = opts.include_dataset.iter().map(|d| dataset_of(d)).collect();
    let exclude: BTreeSet<&str> = opts.exclude_dataset.iter().map(|d| dataset_of(d)).collect();
    let topics_ok = |m: &Match| {
        opts.topics.is_empty()
            || (opts.topics.iter().any(|t| t == "sanction")
                && screener.entity(&m.entity_id).is_some_and(is_target))
    };
    let mut results: Vec<Match> =
        best.into_values()
            .filter(|m| {
                opts.scope.contains(&m.list)
                    && (include.is_empty() || include.contains(m.list.as_str()))
                    && !exclude.contains(m.list.as_str())
                    && !opts.exclude_schema.contains(&m.schema)
                    && !opts.exclude_entity_ids.iter().any(|x| {
                        x == m.entity_id.as_str() || *x == model::ftm::ftm_id(&m.entity_id)
                    })
                    && topics_ok(m)
                    && opts.changed_since.as_deref().is_none_or(|since| {
                        list_time(g, &m.list).is_some_and(|t| t.as_str() >= since)
                    })
            })
            .collect();
    results.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.entity_id.cmp(&b.entity_id))
    });
    let total = results.iter().filter(|m| m.score >= opts.threshold).count() as u64;
    results.truncate(opts.limit);
    let results = results
        .into_iter()
        .filter_map(|m| {
            let e = screener.entity(&m.entity_id)?;
            let mut entity = entity_response(g, e, &m.list, false);
            entity.caption = m.caption.clone();
            let explanations = explanations(&m);
            let is_match = m.score >= opts.threshold;
            Some(ScoredEntity {
                entity,
                score: m.score,
                is_match,
                explanations,
                interdict: api::MatchOut::new(m, true, None),
            })
        })
        .collect();
    EntityMatches {
        status: 200,
        results,
        total: TotalSpec {
            value: total,
            relation: "eq".into(),
        },
        query: parsed.echo,
    }
}

/// Finds an entity by its id as the API shows it (`ofac:123`) or as FtM export writes it.
pub fn find_entity<'g>(g: &'g Generation, id: &str) -> Option<(&'g Entity, String)> {
    let screener = g.engine().screener();
    let eid = EntityId::parse(id)
        .ok()
        .or_else(|| model::ftm::entity_id_from_ftm(id))?;
    let e = screener.entity(&eid)?;
    let list = list_of(g, &eid);
    Some((e, list))
}

/// The list an entity id belongs to among the loaded lists.
pub fn list_of(g: &Generation, id: &EntityId) -> String {
    use model::SourceKind as S;
    let want = match id.source() {
        S::Ofac => "ofac-sdn",
        S::OfacCons => "ofac-cons",
        S::Un => "un",
        S::Eu => "eu",
        S::Uk => "uk",
        S::OpenSanctions => "opensanctions",
    };
    g.lists()
        .iter()
        .find(|l| l.list == want)
        .or_else(|| g.lists().first())
        .map_or(want.to_string(), |l| l.list.clone())
}

/// Text search (yente's `/search`): the text screened as a name with a low floor, within the
/// dataset's lists and an optional schema.
pub fn search(
    g: &Generation,
    q: &str,
    schema: Option<Schema>,
    scope: &BTreeSet<String>,
    limit: usize,
    offset: usize,
) -> api::yente::SearchResponse {
    let screener = g.engine().screener();
    let cfg = ScreenConfig {
        mode: Mode::Default,
        threshold: screening::DEFAULT_THRESHOLD,
        floor: 0.6,
        limit: (offset + limit).min(1000),
    };
    let mut query = Query::name(q);
    query.schema = schema;
    let matches: Vec<Match> = if q.trim().is_empty() {
        Vec::new()
    } else {
        screener
            .screen_unexplained(&query, &cfg)
            .into_iter()
            .filter(|m| scope.contains(&m.list))
            .collect()
    };
    let total = matches.len() as u64;
    let results = matches
        .into_iter()
        .skip(offset)
        .take(limit)
        .filter_map(|m| {
            let e = screener.entity(&m.entity_id)?;
            Some(entity_response(g, e, &m.list, false))
        })
        .collect();
    api::yente::SearchResponse {
        limit,
        offset,
        total: TotalSpec {
            value: total,
            relation: "eq".into(),
        },
        results,
        facets: BTreeMap::new(),
    }
}

/// The catalog: one dataset per loaded list, and the collections `default` and `sanctions`.
pub fn catalog(g: Option<&Generation>, fresh: &[api::ListFreshness]) -> api::yente::Catalog {
    let mut datasets = Vec::new();
    let (mut current, mut outdated) = (Vec::new(), Vec::new());
    let lists = g.map(|g| g.lists().to_vec()).unwrap_or_default();
    for l in &lists {
        let f = fresh.iter().find(|f| f.list == l.list).cloned();
        let is_fresh = f.as_ref().is_some_and(|f| f.fresh);
        if is_fresh {
            current.push(l.list.clone());
        } else {
            outdated.push(l.list.clone());
        }
        datasets.push(api::yente::Dataset {
            name: l.list.clone(),
            title: title(&l.list).to_string(),
            version: Some(l.version.clone()),
            updated_at: l.publish_date.clone(),
            children: Vec::new(),
            load: true,
            index_version: Some(l.version.clone()),
            index_current: is_fresh,
            entity_count: l.entities,
            freshness: f,
        });
    }
    let names: Vec<String> = lists.iter().map(|l| l.list.clone()).collect();
    let version = g.map(|g| format!("gen-{}", g.id()));
    for (name, t) in [
        ("default", "All loaded lists"),
        ("sanctions", "All loaded sanctions lists"),
    ] {
        datasets.push(api::yente::Dataset {
            name: name.into(),
            title: t.into(),
            version: version.clone(),
            updated_at: None,
            children: names.clone(),
            load: false,
            index_version: version.clone(),
            index_current: outdated.is_empty() && !names.is_empty(),
            entity_count: lists.iter().map(|l| l.entities).sum(),
            freshness: None,
        });
    }
    let index_stale = !outdated.is_empty();
    api::yente::Catalog {
        datasets,
        current,
        outdated,
        index_stale,
    }
}

fn title(list: &str) -> &'static str {
    match list {
        "ofac-sdn" => "US OFAC Specially Designated Nationals (SDN) List",
        "ofac-cons" => "US OFAC Consolidated (non-SDN) List",
        "un" => "UN Security Council Consolidated List",
        "eu" => "EU Financial Sanctions Files",
        "uk" => "UK Sanctions List",
        "opensanctions" => "OpenSanctions",
        _ => "Sanctions list",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn example(v: Value) -> EntityExample {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn examples_become_one_query_per_name() {
        let ex = example(json!({
            "schema": "Person",
            "properties": {
                "name": ["Alexander ZAKHAROV", "Александр Захаров"],
                "alias": "Sasha",
                "birthDate": [1965],
                "country": "Russia",
                "passportNumber": ["123"]
            }
        }));
        let p = parse_example(&ex).unwrap();
        let names: Vec<&str> = p.queries.iter().map(|q| q.name.as_str()).collect();
        assert_eq!(names, ["Alexander ZAKHAROV", "Александр Захаров", "Sasha"]);
        assert_eq!(p.queries[0].nationality.as_deref(), Some("ru"));
        assert_eq!(p.queries[0].identifiers, ["123"]);
        assert!(p.queries[0].birth_date.is_some());
        assert_eq!(p.echo.properties["country"], ["ru"]);
        assert_eq!(p.echo.properties["birthDate"], ["1965"]);
    }

    #[test]
    fn bad_examples_say_why() {
        let cases = [
            (
                json!({"schema": "xxx", "properties": {"name": "A"}}),
                "unknown",
            ),
            (
                json!({"schema": "Person", "properties": {"name": [{"a": 1}]}}),
                "not text",
            ),
            (
                json!({"schema": "Person", "properties": {"name": "x".repeat(501)}}),
                "501 characters",
            ),
        ];
        for (v, want) in cases {
            let e = parse_example(&example(v)).unwrap_err();
            assert!(
                e.starts_with("Cannot parse example entity") && e.contains(want),
                "{e}"
            );
        }
    }

    #[test]
    fn nested_entities_sit_under_ftm_reverse_properties() {
        let id = EntityId::parse("ofac:43377").unwrap();
        let mut e = Entity::new(id.clone(), Schema::Person);
        e.add_name(model::Name::new("KIM, Sang Man", model::NameKind::Primary));
        e.sanctions.push(model::Sanction {
            authority: "OFAC".into(),
            list: Some("SDN".into()),
            programs: vec!["DPRK4".into()],
            ..model::Sanction::default()
        });
        let screener = screening::Screener::build(vec![(
            screening::ListRef::new("ofac-sdn", "v1"),
            vec![e.clone()],
        )]);
        let g = Generation::from_engine(crate::engine::Engine::from_screener(screener, vec![]), 1);
        let r = entity_response(&g, &e, "ofac-sdn", true);
        // One id form in every answer: FollowTheMoney's, as `lists export --format ftm` writes.
        assert_eq!(r.id, "ofac.43377");
        assert!(r.target);
        let s = &r.properties["sanctions"][0];
        assert_eq!(s["schema"], "Sanction");
        assert_eq!(s["properties"]["entity"][0], "ofac.43377");
        assert_eq!(s["properties"]["publisher"][0], "SDN");
        assert!(s["properties"].get("sourceUrl").is_none());
        let flat = entity_response(&g, &e, "ofac-sdn", false);
        assert!(!flat.properties.contains_key("sanctions"));
        for form in ["ofac.43377", "ofac:43377"] {
            assert_eq!(
                find_entity(&g, form).map(|(e, _)| e.id.clone()),
                Some(id.clone()),
                "{form}"
            );
        }
    }

    #[test]
    fn feature_names_are_serdes_snake_case() {
        use screening::QualifierKind as K;
        for k in [
            K::BirthDate,
            K::Nationality,
            K::Gender,
            K::Identifier,
            K::Schema,
            K::WeakAlias,
        ] {
            assert_eq!(json!(kind_name(k)), serde_json::to_value(k).unwrap());
        }
    }

    #[test]
    fn algorithms_accept_yente_names() {
        assert_eq!(algorithm("best"), Some(Mode::Default));
        assert_eq!(algorithm("Logic-V1"), Some(Mode::Default));
        assert_eq!(algorithm("ofac-emulation"), Some(Mode::Ofac));
        assert_eq!(algorithm("neural-net"), None);
    }

    #[test]
    fn naive_times_have_seconds_and_no_zone() {
        assert_eq!(
            naive("2026-11-21T07:10:38Z").as_deref(),
            Some("2026-11-21T07:10:38")
        );
        assert_eq!(naive("2024-05-03").as_deref(), Some("2024-05-03T00:00:00"));
        assert_eq!(naive("2024"), None);
    }
}
