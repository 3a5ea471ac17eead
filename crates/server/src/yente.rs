//! yente's protocol: `POST /match/{dataset}`, `GET /search/{dataset}`, `GET /entities/{id}`,
//! `GET /catalog`, `GET /algorithms`, with yente's parameters, limits and error statuses.

use std::sync::Arc;

use axum::Extension;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use app::hooks::{Principal, ScreeningEvent};
use app::matching::{self, MatchOptions};

use crate::AppState;
use crate::guard::RequestId;
use crate::http::{ApiError, Params, cpu, framed, json, json_body, query_pairs};

/// The yente routes.
pub fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(match_entities))
        .routes(routes!(search))
        .routes(routes!(entity))
        .routes(routes!(catalog))
        .routes(routes!(algorithms))
}

fn ts_ok(s: &str) -> bool {
    // yente's pattern: YYYY-MM-DD with an optional THH, THH:MM or THH:MM:SS.
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    let date = b.len() >= 10
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10);
    date && match b.len() {
        10 => true,
        13 => b[10] == b'T' && digits(11..13),
        16 => b[10] == b'T' && digits(11..13) && b[13] == b':' && digits(14..16),
        19 => {
            b[10] == b'T'
                && digits(11..13)
                && b[13] == b':'
                && digits(14..16)
                && b[16] == b':'
                && digits(17..19)
        }
        _ => false,
    }
}

/// Query by example: screens a batch of FollowTheMoney examples (at most 100) and returns the
/// scored candidates for each, as yente 5.x does. Parameters: `limit` (default 5, at most
/// 500), `threshold` (0.7), `cutoff` (deprecated), `algorithm` (`best`, `interdict`,
/// `ofac-emulation`, or a yente name), `include_dataset`, `exclude_dataset`, `exclude_schema`,
/// `topics`, `changed_since`, `exclude_entity_ids` (at most 50), each repeatable.
#[utoipa::path(post, path = "/match/{dataset}", tag = "Matching",
    params(("dataset" = String, Path, description = "`default`, `sanctions`, or a list (`ofac-sdn`, `un`, …)")),
    request_body = api::yente::MatchRequest,
    responses(
        (status = 200, body = api::yente::MatchResponse),
        (status = 400, body = api::ErrorBody, description = "Invalid query"),
        (status = 404, body = api::ErrorBody, description = "No such dataset"),
        (status = 422, body = api::ErrorBody, description = "The body or a parameter has the wrong shape"),
        (status = 503, body = api::ErrorBody, description = "Not ready: no current lists (fail closed)")),
    security(("bearer" = [])))]
pub async fn match_entities(
    State(st): State<Arc<AppState>>,
    Path(dataset): Path<String>,
    RawQuery(raw): RawQuery,
    principal: Option<Extension<Principal>>,
    request_id: Option<Extension<RequestId>>,
    body: Body,
) -> Result<Response, ApiError> {
    let p = Params(query_pairs(raw.as_deref())?);
    let limit: usize = p.num("limit")?.unwrap_or(matching::DEFAULT_LIMIT);
    if limit > matching::MAX_LIMIT {
        return Err(ApiError::unprocessable(format!(
            "Query parameter limit: must be at most {}.",
            matching::MAX_LIMIT
        )));
    }
    let threshold: f64 = p.num("threshold")?.unwrap_or(matching::DEFAULT_THRESHOLD);
    let cutoff: f64 = p.num("cutoff")?.unwrap_or(matching::DEFAULT_THRESHOLD);
    if !(threshold.is_finite() && cutoff.is_finite()) {
        return Err(ApiError::unprocessable(
            "threshold and cutoff must be finite numbers.",
        ));
    }
    let algo = p.one("algorithm").unwrap_or("best").to_string();
    let mode = matching::algorithm(&algo)
        .ok_or_else(|| ApiError::bad_request(format!("Invalid algorithm: {algo}")))?;
    let changed_since = p.one("changed_since").map(str::to_string);
    if let Some(c) = &changed_since
        && !ts_ok(c)
    {
        return Err(ApiError::unprocessable(format!(
            "Query parameter changed_since: {c:?} does not match YYYY-MM-DD[THH[:MM[:SS]]]."
        )));
    }
    let exclude_entity_ids = p.all("exclude_entity_ids");
    if exclude_entity_ids.len() > matching::MAX_EXCLUDED_IDS {
        return Err(ApiError::unprocessable(format!(
            "Query parameter exclude_entity_ids: at most {} values.",
            matching::MAX_EXCLUDED_IDS
        )));
    }
    let req: api::yente::MatchRequest = json_body(body, st.config.max_body).await?;
    let (g, stale) = st.live.answering().map_err(|r| ApiError::not_ready(&r))?;
    let scope = matching::dataset_lists(&g, &dataset)
        .ok_or_else(|| ApiError::not_found("No such dataset."))?;
    if let Some(k) = req.config.keys().next() {
        return Err(ApiError::bad_request(format!(
            "Invalid configuration parameter: {k} for algorithm {algo}"
        )));
    }
    if req.queries.len() > matching::MAX_BATCH {
        return Err(ApiError::bad_request(format!(
            "Too many queries in one batch (limit: {})",
            matching::MAX_BATCH
        )));
    }
    let mut parsed = Vec::new();
    for (key, ex) in &req.queries {
        let Some(ex) = ex else { continue };
        let q = matching::parse_example(ex).map_err(ApiError::bad_request)?;
        parsed.push((key.clone(), q));
    }
    if parsed.is_empty() {
        return Err(ApiError::bad_request("No queries provided."));
    }
    let opts = MatchOptions {
        limit,
        threshold,
        cutoff: cutoff.min(threshold),
        mode,
        scope,
        include_dataset: p.all("include_dataset"),
        exclude_dataset: p.all("exclude_dataset"),
        exclude_schema: p.all("exclude_schema"),
        topics: p.all("topics"),
        changed_since,
        exclude_entity_ids,
    };
    let n = parsed.len();
    let st2 = st.clone();
    let principal = principal.map(|p| p.0).unwrap_or_else(Principal::local);
    let rid = request_id.map(|r| r.0.0).unwrap_or_default();
    let resp = cpu(move || {
        use rayon::prelude::*;
        let queries: Vec<screening::Query> = parsed
            .iter()
            .flat_map(|(_, q)| q.queries.iter().cloned())
            .collect();
        let answers: Vec<(String, api::yente::EntityMatches)> = if parsed.len() > 1 {
            parsed
                .into_par_iter()
                .map(|(k, q)| (k, matching::match_example(&g, q, &opts)))
                .collect()
        } else {
            parsed
                .into_iter()
                .map(|(k, q)| (k, matching::match_example(&g, q, &opts)))
                .collect()
        };
        let matches = answers.iter().map(|(_, a)| a.total.value as usize).sum();
        st2.hook.screened(&ScreeningEvent {
            request_id: &rid,
            principal: &principal,
            endpoint: "/match/{dataset}",
            generation: g.id(),
            lists: g.lists(),
            queries: &queries,
            lines: None,
            matches,
            answers: Some(answers.as_slice()),
            config: format!("{opts:?}"),
        })?;
        let body = api::yente::MatchResponse {
            responses: answers.into_iter().collect(),
            limit: opts.limit,
            lists: g.lists().to_vec(),
            stale,
        };
        let mut r = framed(&g, stale, StatusCode::OK, &body);
        r.headers_mut().insert("x-batch-size", HeaderValue::from(n));
        Ok::<_, ApiError>(r)
    })
    .await??;
    st.metrics.queries(n);
    Ok(resp)
}

/// Simple text search: the text screened as a name with a low floor, within a dataset.
/// Parameters: `q`, `schema`, `limit` (10, at most 500), `offset`.
#[utoipa::path(get, path = "/search/{dataset}", tag = "Matching",
    params(("dataset" = String, Path, description = "`default`, `sanctions`, or a list"),
        ("q" = Option<String>, Query, description = "The text"),
        ("schema" = Option<String>, Query, description = "Person, Organization, Company, LegalEntity, Vessel, Airplane"),
        ("limit" = Option<usize>, Query, description = "At most 500"),
        ("offset" = Option<usize>, Query, description = "At most 9499")),
    responses((status = 200, body = api::yente::SearchResponse), (status = 400, body = api::ErrorBody),
        (status = 404, body = api::ErrorBody), (status = 422, body = api::ErrorBody), (status = 503, body = api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn search(
    State(st): State<Arc<AppState>>,
    Path(dataset): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let p = Params(query_pairs(raw.as_deref())?);
    let limit: usize = p.num("limit")?.unwrap_or(10);
    let offset: usize = p.num("offset")?.unwrap_or(0);
    if limit > 500 || offset > 9499 {
        return Err(ApiError::unprocessable(
            "limit is at most 500 and offset at most 9499.",
        ));
    }
    let q = p.one("q").unwrap_or("").to_string();
    if q.chars().count() > matching::MAX_NAME_CHARS {
        return Err(ApiError::bad_request(format!(
            "q is longer than {} characters.",
            matching::MAX_NAME_CHARS
        )));
    }
    let schema = match p.one("schema") {
        None | Some("Thing" | "LegalEntity" | "") => None,
        Some(s) => Some(
            app::screen::parse_schema(s).map_err(|_| ApiError::bad_request("Invalid schema"))?,
        ),
    };
    let (g, stale) = st.live.answering().map_err(|r| ApiError::not_ready(&r))?;
    let scope = matching::dataset_lists(&g, &dataset)
        .ok_or_else(|| ApiError::not_found("No such dataset."))?;
    let resp = cpu(move || {
        let body = matching::search(&g, &q, schema, &scope, limit, offset);
        framed(&g, stale, StatusCode::OK, &body)
    })
    .await?;
    st.metrics.queries(1);
    Ok(resp)
}

/// One entity by id, as a FollowTheMoney entity; with `nested` (the default) its sanctions,
/// identifications, addresses, wallets and relationships are included as entities.
#[utoipa::path(get, path = "/entities/{entity_id}", tag = "Data access",
    params(("entity_id" = String, Path, description = "`ofac:12345`, `un:KPi.033`, …"),
        ("nested" = Option<bool>, Query, description = "Include adjacent entities (default true)")),
    responses((status = 200, body = api::yente::EntityResponse), (status = 400, body = api::ErrorBody), (status = 404, body = api::ErrorBody),
        (status = 422, body = api::ErrorBody), (status = 503, body = api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn entity(
    State(st): State<Arc<AppState>>,
    Path(entity_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let p = Params(query_pairs(raw.as_deref())?);
    let nested = p.bool("nested")?.unwrap_or(true);
    let (g, stale) = st.live.answering().map_err(|r| ApiError::not_ready(&r))?;
    let (e, list) = matching::find_entity(&g, &entity_id)
        .ok_or_else(|| ApiError::not_found("No such entity!"))?;
    let body = matching::entity_response(&g, e, &list, nested);
    Ok(framed(&g, stale, StatusCode::OK, &body))
}

/// The datasets: one per loaded list, and the collections `default` and `sanctions`, with
/// versions and freshness. Sends an `ETag`; `If-None-Match` gets 304.
#[utoipa::path(get, path = "/catalog", tag = "Data access",
    responses((status = 200, body = api::yente::Catalog), (status = 304, description = "Unchanged")))]
pub async fn catalog(State(st): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let g = st.live.current();
    let r = st.live.readiness();
    let body = matching::catalog(g.as_deref(), &r.lists);
    let tag = format!(
        "\"{}-{}\"",
        g.as_ref().map_or(0, |g| g.id()),
        body.outdated.len()
    );
    let hit = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"));
    let mut resp = if hit {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        json(StatusCode::OK, &body)
    };
    if let Ok(v) = HeaderValue::from_str(&tag) {
        resp.headers_mut().insert(header::ETAG, v);
    }
    resp
}

/// The scoring algorithms `?algorithm=` accepts.
#[utoipa::path(get, path = "/algorithms", tag = "System information",
    responses((status = 200, body = api::yente::Algorithms)))]
pub async fn algorithms() -> Response {
    let describe = |name: &str| match name {
        "interdict" => {
            "interdict's scorer: order-insensitive, transliteration-aware alignment of name parts, with birth date, nationality, identifier and schema qualifiers and an explanation per match."
        }
        "ofac-emulation" => {
            "An emulation of OFAC Sanctions List Search: whole-string and per-part Jaro-Winkler with Soundex, name only."
        }
        _ => {
            "A yente algorithm name, accepted so that existing clients keep working; it runs interdict's scorer."
        }
    };
    let algorithms = matching::ALGORITHMS
        .iter()
        .filter(|(n, _)| *n != "best")
        .map(|(n, _)| api::yente::Algorithm {
            name: n.to_string(),
            description: Some(describe(n).to_string()),
            features: Default::default(),
            docs: serde_json::json!({}),
        })
        .collect();
    json(
        StatusCode::OK,
        &api::yente::Algorithms {
            algorithms,
            default: "best".into(),
            best: "interdict".into(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::ts_ok;

    #[test]
    fn changed_since_follows_yentes_pattern() {
        for (s, ok) in [
            ("2024-01-02", true),
            ("2024-01-02T10", true),
            ("2024-01-02T10:11", true),
            ("2024-01-02T10:11:12", true),
            ("2024-01-02T10:11:12Z", false),
            ("yesterday", false),
            ("2024-1-2", false),
        ] {
            assert_eq!(ts_ok(s), ok, "{s}");
        }
    }
}
