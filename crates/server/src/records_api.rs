//! The compliance records over HTTP: `/v1/customers`, `/v1/alerts`, `/v1/decisions` and
//! `/v1/audit`, each a call into `app::records` with the caller as the actor, plus the
//! service's records worker (re-screening when the lists change, webhook delivery).
//!
//! Roles: analysts import and remove customers, work alerts and propose decisions; reviewers
//! also approve or reject other users' proposals, verify and export the audit trail; admins
//! also sign checkpoints (the guard checks the route, the records check the actor again). The
//! user id of a key is its name, so the four-eyes rule holds between keys with different
//! names. A records route answers 404 `records_not_kept` when the service keeps no records (the
//! resource does not exist on this service, as `/v1/exposure` without `--graph`). When it keeps
//! them but the database cannot be opened, screenings are refused with 503 (fail closed).

use std::sync::Arc;
use std::time::Duration;

use axum::Extension;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use app::AppError;
use app::evidence::{Recorder, RecorderOptions};
use app::hooks::Principal;
use app::records::{Actor, Db, Role};

use crate::AppState;
use crate::http::{ApiError, Params, json, json_body, query_pairs};

/// How the service keeps records.
#[derive(Debug, Clone)]
pub struct RecordsConfig {
    /// `postgres://…` or `sqlite://FILE`; `records.db` in the data directory when `None`.
    pub database: Option<String>,
    /// Webhook receivers of new alerts.
    pub webhooks: Vec<String>,
    /// The secret webhook bodies are signed with (HMAC-SHA256).
    pub webhook_secret: Vec<u8>,
    /// The wait after a failed webhook delivery (it doubles with each failure, up to an hour).
    pub webhook_retry: Duration,
    /// How often the worker looks for due webhook deliveries.
    pub worker_every: Duration,
    /// Screening requests whose evidence may wait in memory for the writer.
    pub evidence_queue: usize,
    /// How long a screening waits for room in a full evidence queue before it is refused with
    /// 503 (fail closed: an answer that cannot be recorded is not given).
    pub evidence_wait: Duration,
    /// Re-screen the monitored subjects at start and whenever new lists go live.
    pub rescreen: bool,
}

impl Default for RecordsConfig {
    fn default() -> RecordsConfig {
        RecordsConfig {
            database: None,
            webhooks: Vec::new(),
            webhook_secret: Vec::new(),
            webhook_retry: Duration::from_secs(5),
            worker_every: Duration::from_secs(5),
            evidence_queue: 1024,
            evidence_wait: Duration::from_secs(2),
            rescreen: true,
        }
    }
}

/// The records of a running service.
pub struct Records {
    ctx: app::Context,
    config: RecordsConfig,
    db: tokio::sync::OnceCell<Db>,
    /// The evidence writer every screening answer passes.
    pub recorder: Arc<Recorder>,
    changed: Arc<tokio::sync::Notify>,
}

impl Records {
    /// Starts the evidence writer; when the database cannot be opened the service still runs,
    /// refusing screenings (503) and records routes, and [`Records::startup_error`] says why.
    pub fn start(ctx: &app::Context, config: &RecordsConfig) -> Records {
        let opts = RecorderOptions {
            capacity: config.evidence_queue,
            wait: Some(config.evidence_wait),
            source: "api",
        };
        let recorder = Recorder::start(ctx, config.database.as_deref(), opts).unwrap_or_else(|e| {
            tracing::error!(error = %e, "The records database cannot be used; screenings are refused until it can.");
            Recorder::broken(e.to_string(), "api")
        });
        Records {
            ctx: ctx.clone(),
            config: config.clone(),
            db: tokio::sync::OnceCell::new(),
            recorder: Arc::new(recorder),
            changed: Arc::new(tokio::sync::Notify::new()),
        }
    }

    /// Why the records cannot be kept, when they cannot.
    pub fn startup_error(&self) -> Option<&str> {
        self.recorder.broken_reason()
    }

    /// The database, opened on first use on the service's runtime.
    async fn db(&self) -> Result<&Db, ApiError> {
        self.db
            .get_or_try_init(|| app::records::open(&self.ctx, self.config.database.as_deref()))
            .await
            .map_err(app_err)
    }
}

/// Tells the records worker that new lists went live (called after every swap).
pub fn lists_changed(st: &AppState) {
    if let Some(r) = &st.records {
        r.changed.notify_one();
    }
}

/// Starts the records worker on its own thread and runtime: it re-screens at start and after
/// every swap (the same idempotent, resumable run as `interdict monitor`, one at a time across
/// processes on PostgreSQL), and delivers due webhooks every `worker_every`.
pub fn start_worker(st: &AppState) {
    let Some(r) = st.records.clone() else { return };
    let spawned = std::thread::Builder::new()
        .name("records-worker".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    tracing::error!(error = %e, "The records worker cannot start.");
                    return;
                }
            };
            rt.block_on(worker(r));
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "The records worker cannot start.");
    }
}

async fn worker(r: Arc<Records>) {
    let db = match app::records::open(&r.ctx, r.config.database.as_deref()).await {
        Ok(db) => db,
        Err(e) => {
            tracing::error!(error = %e, "The records worker cannot open the records database.");
            return;
        }
    };
    let hooks = app::webhooks::Webhooks {
        base_delay: r.config.webhook_retry,
        ..app::webhooks::Webhooks::new(r.config.webhooks.clone(), r.config.webhook_secret.clone())
    };
    let mut rescreen = r.config.rescreen;
    loop {
        if rescreen {
            rescreen = false;
            match rescreen_once(&r.ctx, &db).await {
                Ok(s) if s.kind != "none" => tracing::info!(
                    run = %s.run_id, kind = %s.kind, screened = s.subjects_screened,
                    candidates = s.candidates, alerts = s.alerts_opened,
                    "Monitored subjects re-screened."
                ),
                Ok(_) => {}
                Err(e) => {
                    tracing::error!(error = %e, "Re-screening failed; it resumes after the next list change or restart.")
                }
            }
        }
        if let Err(e) = app::webhooks::deliver_due(&db, &hooks, 100).await {
            tracing::warn!(error = %e, "Webhook delivery failed.");
        }
        tokio::select! {
            () = r.changed.notified() => rescreen = r.config.rescreen,
            () = tokio::time::sleep(r.config.worker_every) => {}
        }
    }
}

async fn rescreen_once(ctx: &app::Context, db: &Db) -> app::Result<api::RescreenSummary> {
    let opts = app::records::MonitorOptions {
        config: app::records::last_config(db).await?,
        ..Default::default()
    };
    app::records::monitor(
        ctx,
        db,
        &app::sources::ListSource::Stored,
        &opts,
        &app::Silent,
    )
    .await
}

/// The records routes.
pub fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(customers_list, customers_import))
        .routes(routes!(customer))
        .routes(routes!(customer_remove))
        .routes(routes!(alerts_list))
        .routes(routes!(alert))
        .routes(routes!(alert_assign))
        .routes(routes!(alert_transition))
        .routes(routes!(decision_propose))
        .routes(routes!(decision))
        .routes(routes!(decision_approve))
        .routes(routes!(decision_reject))
        .routes(routes!(audit_verify))
        .routes(routes!(audit_export))
        .routes(routes!(audit_checkpoint))
        .routes(routes!(settings))
}

/// True for the routes of this module, which answer 404 `records_not_kept` on a service that
/// keeps no records (the OpenAPI document says so on each of them).
pub fn is_records_path(path: &str) -> bool {
    [
        "/v1/customers",
        "/v1/alerts",
        "/v1/decisions",
        "/v1/audit",
        "/v1/settings",
    ]
    .iter()
    .any(|p| path == *p || path.starts_with(&format!("{p}/")))
}

fn need_records(st: &AppState) -> Result<&Records, ApiError> {
    st.records.as_deref().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "records_not_kept",
            "This service keeps no compliance records; start it with --records (or --database URL).",
        )
    })
}

fn db_err(e: records::Error) -> ApiError {
    match e {
        records::Error::FourEyes(m) => ApiError::new(StatusCode::FORBIDDEN, "four_eyes", m),
        records::Error::Forbidden(m) => ApiError::new(StatusCode::FORBIDDEN, "forbidden", m),
        records::Error::NotFound(m) => ApiError::not_found(format!("Not found: {m}.")),
        records::Error::Invalid(m) => ApiError::unprocessable(m),
        other => {
            tracing::error!(error = %other, "Records request failed.");
            ApiError::internal("the records database failed; see the service's log")
        }
    }
}

fn app_err(e: AppError) -> ApiError {
    match e {
        AppError::Records(r) => db_err(r),
        other => ApiError::from(other),
    }
}

/// The caller as the records know it: the key's name and role.
fn actor(p: Option<Extension<Principal>>) -> Result<Actor, ApiError> {
    let p = p.map_or_else(Principal::local, |p| p.0);
    let role = match p.role {
        api::Role::Analyst => Role::Analyst,
        api::Role::Reviewer => Role::Reviewer,
        api::Role::Admin => Role::Admin,
    };
    Actor::new(app::evidence::api_user(&p), role).map_err(db_err)
}

fn limit(p: &Params) -> Result<i64, ApiError> {
    let l = p.num::<i64>("limit")?.unwrap_or(100);
    if !(1..=10_000).contains(&l) {
        return Err(ApiError::unprocessable(
            "limit must be between 1 and 10000.",
        ));
    }
    Ok(l)
}

/// Imports or updates monitored subjects, upserting by `external_ref`: a JSON array of
/// subjects, JSON lines (one subject per line) or CSV with a header row (`external_ref`,
/// `kind`, `schema`, `name`, `alias`, `birth_date`, `nationality`, `address`, `identifier`,
/// `wallet`; repeat a column or separate values with `;`). Refused rows are named by position,
/// never by value; the rest are stored. Changed subjects are screened on the next run.
#[utoipa::path(post, path = "/v1/customers", tag = "Records",
    request_body(content = Vec<api::SubjectInput>, description = "A JSON array of subjects, JSON lines or CSV"),
    responses((status = 200, body = api::SubjectImport), (status = 400, body = api::ErrorBody),
        (status = 413, body = api::ErrorBody), (status = 422, body = api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn customers_import(
    State(st): State<Arc<AppState>>,
    principal: Option<Extension<Principal>>,
    body: Body,
) -> Result<Response, ApiError> {
    let r = need_records(&st)?;
    let who = actor(principal)?;
    let bytes = axum::body::to_bytes(body, st.config.max_body)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                format!(
                    "The request body is larger than {} bytes; import large files with `interdict customers import`.",
                    st.config.max_body
                ),
            )
        })?;
    let db = r.db().await?;
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    let out = if first == Some(b'[') {
        let subjects: Vec<api::SubjectInput> =
            json_body(Body::from(bytes), st.config.max_body).await?;
        app::records::upsert_subjects(db, &who, subjects).await
    } else {
        app::records::import_subjects_body(db, &who, &bytes).await
    }
    .map_err(app_err)?;
    Ok(json(StatusCode::OK, &out))
}

/// Monitored subjects in id order: `status` (`active`, `removed`, `purged`), `after` (an id,
/// for paging), `limit` (100, at most 10,000).
#[utoipa::path(get, path = "/v1/customers", tag = "Records",
    params(("status" = Option<String>, Query, description = "active, removed or purged"),
        ("after" = Option<i64>, Query, description = "Only ids above this"),
        ("limit" = Option<i64>, Query, description = "At most this many (100)")),
    responses((status = 200, body = Vec<api::SubjectOut>), (status = 422, body = api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn customers_list(
    State(st): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let r = need_records(&st)?;
    let p = Params(query_pairs(raw.as_deref())?);
    let after = p.num::<i64>("after")?.unwrap_or(0);
    let out = r
        .db()
        .await?
        .list_subjects(p.one("status"), after, limit(&p)?)
        .await
        .map_err(db_err)?;
    Ok(json(StatusCode::OK, &out))
}

/// One monitored subject by its reference.
#[utoipa::path(get, path = "/v1/customers/{external_ref}", tag = "Records",
    params(("external_ref" = String, Path, description = "The caller's reference")),
    responses((status = 200, body = api::SubjectOut), (status = 404, body = api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn customer(
    State(st): State<Arc<AppState>>,
    Path(external_ref): Path<String>,
) -> Result<Response, ApiError> {
    let r = need_records(&st)?;
    let out = r.db().await?.subject(&external_ref).await.map_err(db_err)?;
    Ok(json(StatusCode::OK, &out))
}

/// A reason, for removals, transitions and reviews.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    /// Why (required; it goes into the audit trail).
    pub reason: String,
}

/// Stops monitoring a subject and starts its retention clock; the reason is required.
#[utoipa::path(post, path = "/v1/customers/{external_ref}/remove", tag = "Records",
    params(("external_ref" = String, Path, description = "The caller's reference")),
    request_body = Reason,
    responses((status = 200, body = api::SubjectOut), (status = 404, body = api::ErrorBody), (status = 422, body = api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn customer_remove(
    State(st): State<Arc<AppState>>,
    principal: Option<Extension<Principal>>,
    Path(external_ref): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let r = need_records(&st)?;
    let who = actor(principal)?;
    let req: Reason = json_body(body, 16 << 10).await?;
    let out = r
        .db()
        .await?
        .remove_subject(&who, &external_ref, &req.reason)
        .await
        .map_err(db_err)?;
    Ok(json(StatusCode::OK, &out))
}

/// Alerts, newest first: `state` (`open`, `in_review`, `escalated`, `closed`), `list`
/// (`ofac-sdn`), `min_score`, `assignee`, `before` (an id, for paging), `limit` (100).
#[utoipa::path(get, path = "/v1/alerts", tag = "Records",
    params(("state" = Option<String>, Query, description = "open, in_review, escalated or closed"),
        ("list" = Option<String>, Query, description = "Only entities of this list"),
        ("min_score" = Option<f64>, Query, description = "Only scores at least this"),
        ("assignee" = Option<String>, Query, description = "Only alerts assigned to this user"),
        ("before" = Option<i64>, Query, description = "Only ids below this"),
        ("limit" = Option<i64>, Query, description = "At most this many (100)")),
    responses((status = 200, body = Vec<api::AlertOut>), (status = 422, body = api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn alerts_list(
    State(st): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let r = need_records(&st)?;
    let p = Params(query_pairs(raw.as_deref())?);
    let filter = records::AlertFilter {
        state: p
            .one("state")
            .map(records::parse_state_arg)
            .transpose()
            .map_err(db_err)?,
        assignee: p.one("assignee").map(str::to_string),
        list: p.one("list").map(str::to_string),
        min_score: p.num("min_score")?,
        before_id: p.num("before")?,
        limit: limit(&p)?,
    };
    let out = r.db().await?.alerts_where(&filter).await.map_err(db_err)?;
    Ok(json(StatusCode::OK, &out))
}

/// One alert with its decisions.
#[utoipa::path(get, path = "/v1/alerts/{id}", tag = "Records",
    params(("id" = i64, Path, description = "The alert's id")),
    responses((status = 200, body = api::AlertOut), (status = 404, body = api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn alert(
    State(st): State<Arc<AppState>>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let r = need_records(&st)?;
    let out = r.db().await?.alert(id).await.map_err(db_err)?;
    Ok(json(StatusCode::OK, &out))
}

/// The body of an assignment.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Assign {
    /// Who works on it (default: the caller).
    #[serde(default)]
    pub assignee: Option<String>,
    /// When it is due (RFC 3339).
    #[serde(default)]
    pub due_at: Option<String>,
}

/// Assigns an alert (open ones go in review).
#[utoipa::path(post, path = "/v1/alerts/{id}/assign", tag = "Records",
    params(("id" = i64, Path, description = "The alert's id")),
    request_body = Assign,
    responses((status = 200, body = api::AlertOut), (status = 404, body = api::ErrorBody), (status = 422, body = api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn alert_assign(
    State(st): State<Arc<AppState>>,
    principal: Option<Extension<Principal>>,
    Path(id): Path<i64>,
    body: Body,
) -> Result<Response, ApiError> {
    let r = need_records(&st)?;
    let who = actor(principal)?;
    let req: Assign = json_body(body, 16 << 10).await?;
    let assignee = req.assignee.unwrap_or_else(|| who.user.clone());
    let out = r
        .db()
        .await?
        .assign(&who, id, &assignee, req.due_at.as_deref())
        .await
        .map_err(db_err)?;
    Ok(json(StatusCode::OK, &out))
}

/// The body of a transition.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    /// `in_review` (takes the alert) or `escalated`; `closed` only through an approved decision.
    pub state: api::AlertState,
    /// Why.
    pub reason: String,
}

/// Moves an alert: `in_review` assigns it to the caller, `escalated` escalates it with the
/// reason. Alerts close only through an approved four-eyes decision (`/v1/decisions`).
#[utoipa::path(post, path = "/v1/alerts/{id}/transition", tag = "Records",
    params(("id" = i64, Path, description = "The alert's id")),
    request_body = Transition,
    responses((status = 200, body = api::AlertOut), (status = 404, body = api::ErrorBody), (status = 422, body = api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn alert_transition(
    State(st): State<Arc<AppState>>,
    principal: Option<Extension<Principal>>,
    Path(id): Path<i64>,
    body: Body,
) -> Result<Response, ApiError> {
    let r = need_records(&st)?;
    let who = actor(principal)?;
    let req: Transition = json_body(body, 16 << 10).await?;
    let db = r.db().await?;
    let out = match req.state {
        api::AlertState::InReview => db.assign(&who, id, &who.user.clone(), None).await,
        api::AlertState::Escalated => db.escalate(&who, id, &req.reason).await,
        api::AlertState::Open | api::AlertState::Closed => {
            return Err(ApiError::unprocessable(
                "An alert moves to in_review or escalated here; it closes only through an approved decision (POST /v1/decisions).",
            ));
        }
    }
    .map_err(db_err)?;
    Ok(json(StatusCode::OK, &out))
}

/// The body of a proposal.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Proposal {
    /// The alert to close.
    pub alert_id: i64,
    /// `true_match` or `false_positive`.
    pub outcome: api::Outcome,
    /// Why.
    pub reason: String,
}

/// Proposes closing an alert (first pair of eyes); another user with the reviewer role
/// approves or rejects it.
#[utoipa::path(post, path = "/v1/decisions", tag = "Records",
    request_body = Proposal,
    responses((status = 201, body = api::DecisionOut), (status = 404, body = api::ErrorBody), (status = 422, body = api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn decision_propose(
    State(st): State<Arc<AppState>>,
    principal: Option<Extension<Principal>>,
    body: Body,
) -> Result<Response, ApiError> {
    let r = need_records(&st)?;
    let who = actor(principal)?;
    let req: Proposal = json_body(body, 16 << 10).await?;
    let out = r
        .db()
        .await?
        .propose(&who, req.alert_id, req.outcome, &req.reason)
        .await
        .map_err(db_err)?;
    Ok(json(StatusCode::CREATED, &out))
}

/// One decision.
#[utoipa::path(get, path = "/v1/decisions/{id}", tag = "Records",
    params(("id" = i64, Path, description = "The decision's id")),
    responses((status = 200, body = api::DecisionOut), (status = 404, body = api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn decision(
    State(st): State<Arc<AppState>>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let r = need_records(&st)?;
    let out = r.db().await?.decision(id).await.map_err(db_err)?;
    Ok(json(StatusCode::OK, &out))
}

async fn review(
    st: &AppState,
    principal: Option<Extension<Principal>>,
    id: i64,
    approve: bool,
    body: Body,
) -> Result<Response, ApiError> {
    let r = need_records(st)?;
    let who = actor(principal)?;
    let req: Reason = json_body(body, 16 << 10).await?;
    let out = r
        .db()
        .await?
        .review(&who, id, approve, &req.reason)
        .await
        .map_err(db_err)?;
    Ok(json(StatusCode::OK, &out))
}

/// Approves a pending decision (reviewer; never its proposer: 403 `four_eyes`). A false
/// positive becomes an allow-list entry for the entity's version; a true match blocks the
/// subject.
#[utoipa::path(post, path = "/v1/decisions/{id}/approve", tag = "Records",
    params(("id" = i64, Path, description = "The decision's id")),
    request_body = Reason,
    responses((status = 200, body = api::DecisionOut), (status = 403, body = api::ErrorBody, description = "Not a reviewer, or the proposer (`four_eyes`)"),
        (status = 404, body = api::ErrorBody), (status = 422, body = api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn decision_approve(
    State(st): State<Arc<AppState>>,
    principal: Option<Extension<Principal>>,
    Path(id): Path<i64>,
    body: Body,
) -> Result<Response, ApiError> {
    review(&st, principal, id, true, body).await
}

/// Rejects a pending decision (reviewer; never its proposer: 403 `four_eyes`).
#[utoipa::path(post, path = "/v1/decisions/{id}/reject", tag = "Records",
    params(("id" = i64, Path, description = "The decision's id")),
    request_body = Reason,
    responses((status = 200, body = api::DecisionOut), (status = 403, body = api::ErrorBody, description = "Not a reviewer, or the proposer (`four_eyes`)"),
        (status = 404, body = api::ErrorBody), (status = 422, body = api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn decision_reject(
    State(st): State<Arc<AppState>>,
    principal: Option<Extension<Principal>>,
    Path(id): Path<i64>,
    body: Body,
) -> Result<Response, ApiError> {
    review(&st, principal, id, false, body).await
}

/// Verifies the whole audit trail, its head and every stored checkpoint (reviewer); `ok` is
/// false and `first_broken` names the first bad record when anything was edited, deleted,
/// inserted, reordered or cut off.
#[utoipa::path(get, path = "/v1/audit/verify", tag = "Records",
    responses((status = 200, body = api::AuditVerification)),
    security(("bearer" = [])))]
pub async fn audit_verify(State(st): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let r = need_records(&st)?;
    let out = app::records::verify(&r.ctx, r.db().await?, &[])
        .await
        .map_err(app_err)?;
    Ok(json(StatusCode::OK, &out))
}

/// The most an export answer may hold; larger ranges go through `interdict audit export`.
const EXPORT_CAP: usize = 64 << 20;

/// A buffer that refuses to grow past a cap.
struct Capped(Vec<u8>);

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + buf.len() > EXPORT_CAP {
            return Err(std::io::Error::other("export too large"));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Exports audit records (reviewer) between `from` and `to` (inclusive; sequence numbers or
/// time prefixes such as `2026-01`) as JSON lines, or CSV with `format=csv`; at most 64 MiB
/// per answer.
#[utoipa::path(get, path = "/v1/audit/export", tag = "Records",
    params(("from" = Option<String>, Query, description = "First record: a sequence number or a time prefix"),
        ("to" = Option<String>, Query, description = "Last record: a sequence number or a time prefix"),
        ("format" = Option<String>, Query, description = "jsonl (default) or csv")),
    responses((status = 200, content_type = "application/x-ndjson", body = String, description = "One api::AuditRecord per line, or CSV"),
        (status = 422, body = api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn audit_export(
    State(st): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let r = need_records(&st)?;
    let p = Params(query_pairs(raw.as_deref())?);
    let csv = match p.one("format") {
        None | Some("jsonl") => false,
        Some("csv") => true,
        Some(f) => {
            return Err(ApiError::unprocessable(format!(
                "format {f:?}: use jsonl or csv"
            )));
        }
    };
    let mut out = Capped(Vec::new());
    app::records::export_audit(r.db().await?, p.one("from"), p.one("to"), csv, &mut out)
        .await
        .map_err(|e| match e {
            AppError::Output(_) => ApiError::unprocessable(
                "The range is larger than 64 MiB; narrow from and to, or use `interdict audit export`.",
            ),
            other => app_err(other),
        })?;
    let mut resp = Body::from(out.0).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(if csv {
            "text/csv"
        } else {
            "application/x-ndjson"
        }),
    );
    Ok(resp)
}

/// Signs the audit trail's head with the service's Ed25519 key (admin); keep the answer: it
/// lets an auditor detect later truncation.
#[utoipa::path(post, path = "/v1/audit/checkpoint", tag = "Records",
    responses((status = 200, body = api::AuditCheckpoint)),
    security(("bearer" = [])))]
pub async fn audit_checkpoint(
    State(st): State<Arc<AppState>>,
    principal: Option<Extension<Principal>>,
) -> Result<Response, ApiError> {
    let r = need_records(&st)?;
    let who = actor(principal)?;
    let out = app::records::checkpoint(&r.ctx, r.db().await?, &who)
        .await
        .map_err(app_err)?;
    Ok(json(StatusCode::OK, &out))
}

/// The body of a setting change.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Setting {
    /// `evidence.input`.
    pub key: String,
    /// `full` (keep screening inputs) or `hash` (keep only their keyed hashes).
    pub value: String,
}

/// Changes a records setting (admin), logged in the audit trail: `evidence.input` is `full`
/// or `hash`. Evidence writers read it when they start: restart the service to apply it.
#[utoipa::path(post, path = "/v1/settings", tag = "Records",
    request_body = Setting,
    responses((status = 204, description = "Changed"), (status = 422, body = api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn settings(
    State(st): State<Arc<AppState>>,
    principal: Option<Extension<Principal>>,
    body: Body,
) -> Result<Response, ApiError> {
    let r = need_records(&st)?;
    let who = actor(principal)?;
    let req: Setting = json_body(body, 4096).await?;
    r.db()
        .await?
        .configure(&who, &req.key, &req.value)
        .await
        .map_err(db_err)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
