//! The native API: the same typed answers as the command line's `--json`.

use std::sync::Arc;

use axum::Extension;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use app::hooks::{Principal, ScreeningEvent};
use app::live::Generation;
use screening::{Mode, ScreenConfig};

use crate::guard::RequestId;
use crate::http::{ApiError, Params, cpu, framed, json, json_body, query_pairs};
use crate::{AppState, LogObserver};

/// The native routes.
pub fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(screen))
        .routes(routes!(screen_batch))
        .routes(routes!(addresses))
        .routes(routes!(vet))
        .routes(routes!(wallet_exposure))
        .routes(routes!(wallet_trace))
        .routes(routes!(entity))
        .routes(routes!(lists))
        .routes(routes!(diff))
        .routes(routes!(update))
        .routes(routes!(status))
        .routes(routes!(keys_list, keys_create))
        .routes(routes!(keys_revoke))
}

pub(crate) fn stale_warning(g: &Generation, stale: bool) -> Vec<api::Warning> {
    let mut w = g.engine().warnings().to_vec();
    if stale {
        w.push(api::Warning {
            code: api::WarningCode::StaleLists,
            message: "These lists are not current (the service runs with --allow-stale); do not base compliance decisions on this answer.".into(),
            lists: g.lists().to_vec(),
        });
    }
    w
}

fn screen_config(p: &Params, batch: bool) -> Result<(ScreenConfig, bool), ApiError> {
    let mut cfg = ScreenConfig::default();
    if let Some(t) = p.num::<f64>("threshold")? {
        if !(0.0..=1.0).contains(&t) {
            return Err(ApiError::unprocessable(
                "threshold must be between 0 and 1.",
            ));
        }
        cfg.threshold = t;
        cfg.floor = cfg.floor.min(t);
    }
    if let Some(l) = p.num::<usize>("limit")? {
        if !(1..=100).contains(&l) {
            return Err(ApiError::unprocessable("limit must be between 1 and 100."));
        }
        cfg.limit = l;
    }
    match p.one("mode") {
        None | Some("default") => {}
        Some("ofac") => cfg.mode = Mode::Ofac,
        Some(m) => {
            return Err(ApiError::bad_request(format!(
                "unknown mode {m:?}; use default or ofac"
            )));
        }
    }
    let explain = p.bool("explain")?.unwrap_or(!batch);
    Ok((cfg, explain))
}

/// Screens one name (the answer of `interdict screen NAME --json`). Parameters: `threshold`,
/// `limit` (1–100), `explain` (default true), `mode` (`default` or `ofac`).
#[utoipa::path(post, path = "/v1/screen", tag = "Native",
    params(api::ScreenParams),
    request_body = api::ScreenRequest,
    responses((status = 200, body = api::ScreenResponse), (status = 400, body = api::ErrorBody),
        (status = 422, body = api::ErrorBody), (status = 503, body = api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn screen(
    State(st): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
    principal: Option<Extension<Principal>>,
    request_id: Option<Extension<RequestId>>,
    body: Body,
) -> Result<Response, ApiError> {
    let p = Params(query_pairs(raw.as_deref())?);
    let (cfg, explain) = screen_config(&p, false)?;
    let req: api::ScreenRequest = json_body(body, st.config.max_body).await?;
    let q = app::screen::request_query(&req).map_err(ApiError::bad_request)?;
    let (g, stale) = st.live.answering().map_err(|r| ApiError::not_ready(&r))?;
    let st2 = st.clone();
    let principal = principal.map(|p| p.0).unwrap_or_else(Principal::local);
    let rid = request_id.map(|r| r.0.0).unwrap_or_default();
    let r = cpu(move || {
        let mut resp = app::screen::single(g.engine(), &q, &cfg, explain, None);
        resp.warnings = stale_warning(&g, stale);
        st2.hook.screened(&ScreeningEvent {
            request_id: &rid,
            principal: &principal,
            endpoint: "/v1/screen",
            generation: g.id(),
            lists: g.lists(),
            queries: std::slice::from_ref(&q),
            lines: Some(std::slice::from_ref(&resp.line)),
            matches: resp.line.matches.iter().filter(|m| m.is_match).count(),
            answers: None,
            config: app::evidence::config_text(&cfg),
        })?;
        Ok::<_, ApiError>(framed(&g, stale, StatusCode::OK, &resp))
    })
    .await??;
    st.metrics.queries(1);
    Ok(r)
}

/// Screens up to 1,000 names in one request, in parallel; one answer line per query, in
/// order. A query with an unusable field gets a line with `error` and the rest are screened.
#[utoipa::path(post, path = "/v1/screen/batch", tag = "Native",
    params(api::ScreenParams),
    request_body = api::BatchRequest,
    responses((status = 200, body = api::BatchResponse), (status = 400, body = api::ErrorBody),
        (status = 413, body = api::ErrorBody), (status = 422, body = api::ErrorBody), (status = 503, body = api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn screen_batch(
    State(st): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
    principal: Option<Extension<Principal>>,
    request_id: Option<Extension<RequestId>>,
    body: Body,
) -> Result<Response, ApiError> {
    let p = Params(query_pairs(raw.as_deref())?);
    let (cfg, explain) = screen_config(&p, true)?;
    let req: api::BatchRequest = json_body(body, st.config.max_body).await?;
    if req.queries.is_empty() {
        return Err(ApiError::bad_request("No queries provided."));
    }
    if req.queries.len() > st.config.max_batch {
        return Err(ApiError::bad_request(format!(
            "Too many queries in one batch (limit: {})",
            st.config.max_batch
        )));
    }
    let (g, stale) = st.live.answering().map_err(|r| ApiError::not_ready(&r))?;
    let n = req.queries.len();
    let st2 = st.clone();
    let principal = principal.map(|p| p.0).unwrap_or_else(Principal::local);
    let rid = request_id.map(|r| r.0.0).unwrap_or_default();
    let r = cpu(move || {
        use rayon::prelude::*;
        let parsed: Vec<(String, Result<screening::Query, String>)> = req
            .queries
            .iter()
            .enumerate()
            .map(|(i, it)| {
                let id = it
                    .query_id
                    .clone()
                    .unwrap_or_else(|| format!("q-{}", i + 1));
                (id, app::screen::request_query(&it.query))
            })
            .collect();
        let screener = g.engine().screener();
        let lines: Vec<api::ScreenLine> = parsed
            .par_iter()
            .map(|(id, q)| match q {
                Ok(q) => {
                    let m = if explain {
                        screener.screen(q, &cfg)
                    } else {
                        screener.screen_unexplained(q, &cfg)
                    };
                    app::screen::line(g.engine(), Some(id.clone()), m, explain, None)
                }
                Err(e) => api::ScreenLine {
                    query_id: Some(id.clone()),
                    error: Some(e.clone()),
                    matches: vec![],
                    suppressed: vec![],
                },
            })
            .collect();
        let queries: Vec<screening::Query> =
            parsed.into_iter().filter_map(|(_, q)| q.ok()).collect();
        st2.hook.screened(&ScreeningEvent {
            request_id: &rid,
            principal: &principal,
            endpoint: "/v1/screen/batch",
            generation: g.id(),
            lists: g.lists(),
            queries: &queries,
            lines: Some(&lines),
            matches: lines
                .iter()
                .map(|l| l.matches.iter().filter(|m| m.is_match).count())
                .sum(),
            answers: None,
            config: app::evidence::config_text(&cfg),
        })?;
        let body = api::BatchResponse {
            lines,
            threshold: cfg.threshold,
            lists: g.lists().to_vec(),
            warnings: stale_warning(&g, stale),
        };
        Ok::<_, ApiError>(framed(&g, stale, StatusCode::OK, &body))
    })
    .await??;
    st.metrics.queries(n);
    Ok(r)
}

/// Screens crypto addresses (at most 1,000) against the wallets of the loaded lists (the
/// answer of `interdict address … --json`, one report per address).
#[utoipa::path(post, path = "/v1/addresses", tag = "Native",
    request_body = api::AddressRequest,
    responses((status = 200, body = api::AddressResponse), (status = 400, body = api::ErrorBody),
        (status = 422, body = api::ErrorBody), (status = 503, body = api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn addresses(State(st): State<Arc<AppState>>, body: Body) -> Result<Response, ApiError> {
    let req: api::AddressRequest = json_body(body, st.config.max_body).await?;
    if req.addresses.is_empty() || req.addresses.len() > st.config.max_batch {
        return Err(ApiError::bad_request(format!(
            "Give 1 to {} addresses.",
            st.config.max_batch
        )));
    }
    if req.addresses.iter().any(|a| a.len() > 200) {
        return Err(ApiError::bad_request(
            "An address is longer than 200 characters.",
        ));
    }
    let (g, stale) = st.live.answering().map_err(|r| ApiError::not_ready(&r))?;
    let n = req.addresses.len();
    let st2 = st.clone();
    let r = cpu(move || -> Result<Response, ApiError> {
        let book = g.address_book(st2.live.context())?;
        let reports = req.addresses.iter().map(|a| book.screen(a, None)).collect();
        let body = api::AddressResponse {
            reports,
            lists: g.lists().to_vec(),
            warnings: stale_warning(&g, stale),
        };
        Ok(framed(&g, stale, StatusCode::OK, &body))
    })
    .await??;
    st.metrics.queries(n);
    Ok(r)
}

/// Vets subject records (at most 1,000; `docs/vetting-record.schema.json`) against the
/// current lists: the report `interdict vet` writes, as one answer. Keyed hashes use a random
/// key per request, so clusters link the subjects of one request only.
#[utoipa::path(post, path = "/v1/vet", tag = "Native",
    request_body = api::VetRequest,
    responses((status = 200, body = api::VetResponse), (status = 400, body = api::ErrorBody),
        (status = 413, body = api::ErrorBody), (status = 422, body = api::ErrorBody), (status = 503, body = api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn vet(State(st): State<Arc<AppState>>, body: Body) -> Result<Response, ApiError> {
    let req: api::VetRequest = json_body(body, st.config.max_body).await?;
    let limit = st.config.max_batch.min(app::vet::MAX_SERVICE_RECORDS);
    if req.records.is_empty() || req.records.len() > limit {
        return Err(ApiError::bad_request(format!("Give 1 to {limit} records.")));
    }
    // One record per line, as the command reads its file; a record that is not an object
    // becomes a diagnostic line of the report, as a bad line of a file does.
    let mut lines = Vec::new();
    for r in &req.records {
        serde_json::to_writer(&mut lines, r)
            .map_err(|e| ApiError::bad_request(format!("A record cannot be read: {e}")))?;
        lines.push(b'\n');
    }
    let (g, stale) = st.live.answering().map_err(|r| ApiError::not_ready(&r))?;
    let n = req.records.len();
    let st2 = st.clone();
    let r = cpu(move || -> Result<Response, ApiError> {
        let lines = app::vet::vet_records(st2.live.context(), &g, &lines)?;
        let body = api::VetResponse {
            lines,
            lists: g.lists().to_vec(),
            warnings: stale_warning(&g, stale),
        };
        Ok(framed(&g, stale, StatusCode::OK, &body))
    })
    .await??;
    st.metrics.queries(n);
    Ok(r)
}

/// Answers a graph question: reads the body, runs `answer` over the configured graph on the
/// rayon pool, sends what it returns; 404 without `--graph`.
async fn on_graph<Q, A>(
    st: &AppState,
    body: Body,
    answer: impl FnOnce(&app::graphs::Graphs, Q) -> app::Result<A> + Send + 'static,
) -> Result<Response, ApiError>
where
    Q: serde::de::DeserializeOwned + Send + 'static,
    A: serde::Serialize + Send + 'static,
{
    let req: Q = json_body(body, st.config.max_body).await?;
    let g = st.config.graph.clone().ok_or_else(|| {
        ApiError::not_found("No transfer graph is configured; start the service with --graph DIR.")
    })?;
    let a = cpu(move || answer(&g, req)).await??;
    st.metrics.queries(1);
    Ok(json(StatusCode::OK, &a))
}

/// The exposure of one wallet in the configured transfer graph (the report of
/// `interdict exposure --json`). 404 when the service runs without `--graph`.
#[utoipa::path(post, path = "/v1/exposure", tag = "Native",
    request_body = api::ExposureRequest,
    responses((status = 200, body = api::ExposureResponse), (status = 400, body = api::ErrorBody),
        (status = 404, body = api::ErrorBody, description = "No graph configured"),
        (status = 422, body = api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn wallet_exposure(
    State(st): State<Arc<AppState>>,
    body: Body,
) -> Result<Response, ApiError> {
    on_graph(&st, body, |g, req: api::ExposureRequest| {
        Ok(api::ExposureResponse {
            exposure: g.exposure(&req)?,
        })
    })
    .await
}

/// Traces taint from seed addresses or transactions through the configured transfer graph
/// (the report of `interdict trace --json`). 404 when the service runs without `--graph`.
#[utoipa::path(post, path = "/v1/trace", tag = "Native",
    request_body = api::TraceRequest,
    responses((status = 200, body = api::TraceResponse), (status = 400, body = api::ErrorBody),
        (status = 404, body = api::ErrorBody, description = "No graph configured"),
        (status = 422, body = api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn wallet_trace(
    State(st): State<Arc<AppState>>,
    body: Body,
) -> Result<Response, ApiError> {
    on_graph(&st, body, |g, req: api::TraceRequest| {
        let (trace, warnings) = g.trace(&req)?;
        Ok(api::TraceResponse { trace, warnings })
    })
    .await
}

/// One listed entity by id, as FollowTheMoney objects with its list version.
#[utoipa::path(get, path = "/v1/entities/{entity_id}", tag = "Native",
    params(("entity_id" = String, Path, description = "`ofac:12345`")),
    responses((status = 200, body = api::EntityOut), (status = 400, body = api::ErrorBody), (status = 404, body = api::ErrorBody), (status = 503, body = api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn entity(
    State(st): State<Arc<AppState>>,
    Path(entity_id): Path<String>,
) -> Result<Response, ApiError> {
    let (g, stale) = st.live.answering().map_err(|r| ApiError::not_ready(&r))?;
    let (e, list) = app::matching::find_entity(&g, &entity_id)
        .ok_or_else(|| ApiError::not_found("No such entity."))?;
    let version = g
        .lists()
        .iter()
        .find(|l| l.list == list)
        .map(|l| l.version.clone())
        .unwrap_or_default();
    let body = api::EntityOut {
        list,
        list_version: version,
        ftm: model::ftm::to_ftm(e),
    };
    Ok(framed(&g, stale, StatusCode::OK, &body))
}

/// Every stored snapshot (the answer of `interdict lists --json`).
#[utoipa::path(get, path = "/v1/lists", tag = "Lists",
    responses((status = 200, body = Vec<api::StoredSnapshot>)),
    security(("bearer" = [])))]
pub async fn lists(State(st): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let ctx = st.live.context().clone();
    let snaps = tokio::task::spawn_blocking(move || app::lists::snapshots(&ctx))
        .await
        .map_err(|_| ApiError::internal("listing failed"))??;
    let out: Vec<api::StoredSnapshot> = snaps
        .into_iter()
        .map(|(m, cur)| api::StoredSnapshot::new(m, cur))
        .collect();
    Ok(json(StatusCode::OK, &out))
}

/// The entities added, removed and changed between two stored versions (`old`, `new`:
/// `LIST`, `LIST@VERSION` or `VERSION`).
#[utoipa::path(get, path = "/v1/lists/diff", tag = "Lists",
    params(("old" = String, Query, description = "The older version"), ("new" = String, Query, description = "The newer version")),
    responses((status = 200, body = api::DiffResponse), (status = 400, body = api::ErrorBody), (status = 422, body = api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn diff(
    State(st): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let p = Params(query_pairs(raw.as_deref())?);
    let (Some(old), Some(new)) = (p.one("old"), p.one("new")) else {
        return Err(ApiError::unprocessable(
            "Give old and new versions (?old=…&new=…).",
        ));
    };
    // Only stored versions: a path would let a client read files on the server.
    if [old, new]
        .iter()
        .any(|s| s.contains('/') || s.contains('\\'))
    {
        return Err(ApiError::bad_request(
            "old and new name stored versions, not files.",
        ));
    }
    let (ctx, old, new) = (st.live.context().clone(), old.to_string(), new.to_string());
    let (o, n, d) = tokio::task::spawn_blocking(move || app::lists::diff_stored(&ctx, &old, &new))
        .await
        .map_err(|_| ApiError::internal("the diff failed"))?
        // The store's errors name the version that is not there: the caller's to fix.
        .map_err(|e| match e {
            app::AppError::Store(e) => ApiError::bad_request(e.to_string()),
            other => ApiError::from(other),
        })?;
    let ids =
        |v: Vec<model::diff::EntityRef>| v.into_iter().map(|e| e.id.as_str().to_string()).collect();
    Ok(json(
        StatusCode::OK,
        &api::DiffResponse {
            old: o,
            new: n,
            added: ids(d.added),
            removed: ids(d.removed),
            changed: d
                .changed
                .into_iter()
                .map(|c| c.id.as_str().to_string())
                .collect(),
        },
    ))
}

/// Runs the update policy now (admin): downloads every official list, stores new content,
/// and swaps the screener generation when a list changed; requests in flight finish on the
/// old one.
#[utoipa::path(post, path = "/v1/lists/update", tag = "Lists",
    responses((status = 200, body = api::UpdateResponse), (status = 403, body = api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(State(st): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let st2 = st.clone();
    let r = tokio::task::spawn_blocking(move || update_and_reload(&st2, true))
        .await
        .map_err(|_| ApiError::internal("the update failed"))??;
    Ok(json(StatusCode::OK, &r))
}

/// The readiness report (always 200, unlike `/readyz`).
#[utoipa::path(get, path = "/v1/status", tag = "Lists",
    responses((status = 200, body = api::Readiness)),
    security(("bearer" = [])))]
pub async fn status(State(st): State<Arc<AppState>>) -> Response {
    json(StatusCode::OK, &*st.live.readiness())
}

/// Every API key (admin); never the secrets.
#[utoipa::path(get, path = "/v1/keys", tag = "Keys",
    responses((status = 200, body = Vec<api::KeyInfo>), (status = 403, body = api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn keys_list(State(st): State<Arc<AppState>>) -> Result<Response, ApiError> {
    Ok(json(StatusCode::OK, &app::keys::list(st.live.context())?))
}

/// The body of `POST /v1/keys`.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKey {
    /// A name for people.
    pub name: String,
    /// The role.
    pub role: api::Role,
}

/// Creates an API key (admin); the answer is the only time the key is shown.
#[utoipa::path(post, path = "/v1/keys", tag = "Keys",
    request_body = NewKey,
    responses((status = 201, body = api::CreatedKey), (status = 400, body = api::ErrorBody), (status = 403, body = api::ErrorBody), (status = 422, body = api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn keys_create(
    State(st): State<Arc<AppState>>,
    body: Body,
) -> Result<Response, ApiError> {
    let req: NewKey = json_body(body, 4096).await?;
    let k = app::keys::create(st.live.context(), &req.name, req.role)?;
    tracing::info!(key = %k.info.id, role = k.info.role.as_str(), "API key created.");
    Ok(json(StatusCode::CREATED, &k))
}

/// Revokes an API key (admin).
#[utoipa::path(delete, path = "/v1/keys/{id}", tag = "Keys",
    params(("id" = String, Path, description = "The key id")),
    responses((status = 200, body = api::KeyInfo), (status = 400, body = api::ErrorBody), (status = 403, body = api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn keys_revoke(
    State(st): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let k = app::keys::revoke(st.live.context(), &id)?;
    tracing::info!(key = %k.id, "API key revoked.");
    Ok(json(StatusCode::OK, &k))
}

/// Runs `lists update` when `download` is set, then swaps in the stored lists if their
/// versions changed (also when another process imported them). Blocking: call it from a
/// blocking thread.
pub fn update_and_reload(st: &AppState, download: bool) -> Result<api::UpdateResponse, ApiError> {
    let ctx = st.live.context();
    let mut outcomes = Vec::new();
    let mut errors = Vec::new();
    if download && !ctx.offline {
        let fetcher = app::download::Fetcher::new(
            std::time::Duration::from_secs(20),
            std::time::Duration::from_secs(600),
            ctx.mirror.clone(),
        );
        let lists = app::update::parse_list_names(&[])?;
        let results = app::update::update(
            ctx,
            &lists,
            &fetcher,
            app::update::Policy::default(),
            &LogObserver,
        )?;
        for (list, r) in results {
            match r {
                Ok(o) => outcomes.push(o.to_api()),
                Err(e) => errors.push(format!("{}: {e}", list.as_str())),
            }
        }
        st.metrics.update(errors.is_empty());
    }
    if let Some(g) = st.live.reload_if_changed(&LogObserver)? {
        st.metrics.swap();
        tracing::info!(generation = g.id(), lists = %g.versions_line(), "New lists are live.");
        crate::records_api::lists_changed(st);
    }
    Ok(api::UpdateResponse {
        outcomes,
        errors,
        lists: st
            .live
            .current()
            .map(|g| g.lists().to_vec())
            .unwrap_or_default(),
    })
}
