//! `interdict serve`: interdict's screening engine behind HTTP.
//!
//! This crate only translates HTTP into calls of the application layer (`app`) and sends the
//! `api` types back; it holds no screening logic. Routes:
//!
//! - yente's protocol ([`yente`]): `POST /match/{dataset}`, `GET /search/{dataset}`,
//!   `GET /entities/{id}`, `GET /catalog`, `GET /algorithms`, so that a yente client only
//!   changes its base URL;
//! - the native API ([`v1`]): `/v1/screen`, `/v1/screen/batch`, `/v1/addresses`, `/v1/vet`,
//!   `/v1/entities/{id}`, `/v1/lists`, `/v1/lists/diff`, `/v1/lists/update`, `/v1/keys`, and
//!   the free-text scan ([`scan`]): `/v1/scan`;
//! - operations ([`system`]): `/healthz`, `/readyz`, `/metrics`, `/openapi.json`, `/docs`;
//! - the compliance records ([`records_api`]): `/v1/customers`, `/v1/alerts`, `/v1/decisions`,
//!   `/v1/audit`, when a records database is configured; every screening answer is then kept
//!   as evidence, lists that change are re-screened, and new alerts go to webhooks;
//! - the reviewer's workbench ([`ui`]): server-rendered pages under `/ui`, signed in with a
//!   session cookie instead of a key on every request.
//!
//! Every route passes [`guard::guard`] (request id, keys and roles, per-key limits, timeout,
//! access log, metrics). Screening runs on the rayon pool ([`http::cpu`]), never on the async
//! workers. Each request takes the current screener generation once ([`app::live::Live`]), so
//! a background update swaps lists without failing or mixing a request in flight.

pub mod cli;
pub mod guard;
pub mod http;
pub mod metrics;
pub mod records_api;
pub mod scan;
pub mod system;
pub mod ui;
pub mod v1;
pub mod yente;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use app::hooks::ScreeningHook;
use app::keys::KeyRing;
use app::live::Live;
use utoipa_axum::router::OpenApiRouter;

/// How the service runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The largest request body, in bytes.
    pub max_body: usize,
    /// The longest a request may take.
    pub timeout: Duration,
    /// Per-key limits.
    pub key_limits: guard::KeyLimits,
    /// Log every request at info level (failures are always logged).
    pub access_log: bool,
    /// How many names a native batch may hold.
    pub max_batch: usize,
    /// Run `lists update` this often in the background.
    pub update_every: Option<Duration>,
    /// Check the store for lists imported by another process this often.
    pub watch_every: Duration,
    /// The compliance records, when kept.
    pub records: Option<records_api::RecordsConfig>,
    /// The transfer graph `/v1/exposure` and `/v1/trace` answer from (`serve --graph DIR`).
    pub graph: Option<Arc<app::graphs::Graphs>>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_body: 4 << 20,
            timeout: Duration::from_secs(30),
            key_limits: guard::KeyLimits {
                rate: 1000.0,
                burst: 2000.0,
                concurrency: 64,
            },
            access_log: true,
            max_batch: 1000,
            update_every: None,
            watch_every: Duration::from_secs(30),
            records: None,
            graph: None,
        }
    }
}

/// What every handler reaches.
pub struct AppState {
    /// The current generation and the freshness rule.
    pub live: Arc<Live>,
    /// API keys; `None` when the service runs with `--no-auth` on loopback.
    pub keys: Option<KeyRing>,
    /// Counters.
    pub metrics: metrics::Metrics,
    /// Per-key buckets.
    pub limiter: guard::Limiter,
    /// The service configuration.
    pub config: Config,
    /// Called after each screening request (the records database attaches here).
    pub hook: Arc<dyn ScreeningHook>,
    /// The OpenAPI document, rendered once.
    pub openapi_json: String,
    /// The compliance records, when kept.
    pub records: Option<Arc<records_api::Records>>,
}

/// The router and its OpenAPI document. Every handler is registered once, for routing and
/// for the document, so the two cannot drift.
pub fn routes() -> (axum::Router<Arc<AppState>>, utoipa::openapi::OpenApi) {
    use utoipa::OpenApi;
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(system::routes())
        .merge(yente::routes())
        .merge(v1::routes())
        .merge(records_api::routes())
        .merge(scan::routes())
        .split_for_parts();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    common_responses(&mut doc);
    (router, doc)
}

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "interdict",
        description = "Sanctions screening as a service: yente-compatible matching (`/match/{dataset}`) and interdict's native API (`/v1`). Send `Authorization: Bearer KEY` (or `Authorization: ApiKey KEY`). Every screening answer names the list versions it used in `x-interdict-lists`; answers from lists that are not current carry `x-interdict-stale: true`."
    ),
    components(schemas(api::ErrorBody, api::Readiness)),
    modifiers(&Security)
)]
struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let c = openapi.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Adds what the guard may answer on every authenticated route (401, 403, 429, 400, 503) to
/// each operation of the document, so clients and fuzzers see every status the server sends.
fn common_responses(openapi: &mut utoipa::openapi::OpenApi) {
    // What the guard may answer on any authenticated route, and a bad query string on any.
    let err = |d: &str| {
        utoipa::openapi::ResponseBuilder::new()
            .description(d)
            .content(
                "application/json",
                utoipa::openapi::ContentBuilder::new()
                    .schema(Some(utoipa::openapi::Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build()
    };
    for (path, item) in openapi.paths.paths.iter_mut() {
        let records = records_api::is_records_path(path);
        for op in [&mut item.get, &mut item.post, &mut item.delete]
            .into_iter()
            .flatten()
        {
            let r = &mut op.responses.responses;
            if records {
                r.entry("404".into()).or_insert_with(|| {
                    err("Not found, or this service keeps no compliance records").into()
                });
            }
            if op.security.is_some() {
                for (code, d) in [
                    ("401", "No valid API key"),
                    ("403", "The key's role does not allow this endpoint"),
                    (
                        "429",
                        "Rate or concurrency limit of the key; see Retry-After",
                    ),
                ] {
                    r.entry(code.into()).or_insert_with(|| err(d).into());
                }
            }
            for (code, d) in [
                ("400", "The request cannot be used"),
                ("503", "Not ready, or the request timed out"),
            ] {
                if op.security.is_some() {
                    r.entry(code.into()).or_insert_with(|| err(d).into());
                }
            }
        }
    }
}

/// Builds the application: state, routes and middleware.
pub fn app(
    live: Arc<Live>,
    keys: Option<KeyRing>,
    config: Config,
    hook: Arc<dyn ScreeningHook>,
) -> (axum::Router, Arc<AppState>) {
    let (router, doc) = routes();
    let openapi_json = doc.to_pretty_json().unwrap_or_else(|_| "{}".into());
    let records = config
        .records
        .as_ref()
        .map(|rc| Arc::new(records_api::Records::start(live.context(), rc)));
    // With records kept, every screening answer is recorded as evidence first.
    let hook: Arc<dyn ScreeningHook> = match &records {
        Some(r) => Arc::new(app::hooks::Both(hook, r.recorder.clone())),
        None => hook,
    };
    let state = Arc::new(AppState {
        live,
        keys,
        metrics: metrics::Metrics::default(),
        limiter: guard::Limiter::default(),
        config,
        hook,
        openapi_json,
        records,
    });
    // The workbench reads the database the records are kept in (`--database`), else the data
    // directory's `records.db`.
    let ui_database = state
        .config
        .records
        .as_ref()
        .and_then(|rc| rc.database.clone());
    let router = router
        .nest("/ui", ui::router(ui::Ui::new(state.clone(), ui_database)))
        .fallback(system::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::guard,
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| {
                http::ApiError::internal("the request failed on the server; see its log")
                    .into_response_boxed()
            },
        ))
        .with_state(state.clone());
    (router, state)
}

impl http::ApiError {
    fn into_response_boxed(self) -> axum::response::Response {
        axum::response::IntoResponse::into_response(self)
    }
}

/// Serves until the process is told to stop (Ctrl-C or SIGTERM), running the background
/// list updater and store watcher.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    state: Arc<AppState>,
) -> std::io::Result<()> {
    let addr: Option<SocketAddr> = listener.local_addr().ok();
    tracing::info!(addr = ?addr, "Listening.");
    tokio::spawn(background(state.clone()));
    records_api::start_worker(&state);
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown())
        .await
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("Shutting down; finishing requests in flight.");
}

/// The background loop: runs the update policy every `update_every`, and picks up lists that
/// another process imported every `watch_every`. Loading runs on a blocking thread; the swap
/// is atomic.
async fn background(state: Arc<AppState>) {
    let start = tokio::time::Instant::now();
    let mut next_update = state.config.update_every.map(|d| start + d);
    let mut tick = tokio::time::interval(state.config.watch_every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let due = next_update.is_some_and(|t| tokio::time::Instant::now() >= t);
        if due && let Some(every) = state.config.update_every {
            next_update = Some(tokio::time::Instant::now() + every);
        }
        let st = state.clone();
        let r = tokio::task::spawn_blocking(move || v1::update_and_reload(&st, due)).await;
        match r {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(error = %e.detail, "Background list refresh failed."),
            Err(e) => tracing::error!(error = %e, "Background list refresh panicked."),
        }
    }
}

/// Observer for background work: notices go to the log (never personal data: these are list
/// operations).
pub struct LogObserver;

impl app::Observer for LogObserver {
    fn notice(&self, message: &str) {
        tracing::info!(notice = message, "List notice.");
    }
}
