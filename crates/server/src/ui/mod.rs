//! The reviewer's workbench under `/ui`: server-rendered HTML pages (askama templates compiled
//! into the binary, one stylesheet and one small script embedded with `include_str!`) over the
//! records database and the loaded lists.
//!
//! Sign-in exchanges an API key for a session cookie (`HttpOnly`, `SameSite=Strict`, `Secure`
//! when the request arrived over TLS, as a TLS-terminating proxy says with
//! `X-Forwarded-Proto: https`); the key itself is never stored in the browser. Every form carries
//! the session's CSRF token, and every change checks it before anything else. Roles come from
//! the key: analysts work alerts and propose decisions, reviewers also approve or reject other
//! users' proposals, admins may do everything. The records layer enforces the same rules
//! again, so a forged request fails there too.
//!
//! The pages call the application and records layers directly (no HTTP round trip), and URLs
//! carry only ids and filter values, never a screened person's name.

mod pages;
mod vetting_page;
mod view;
mod wallet_page;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};

use crate::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "interdict_ui";
/// The pre-session cookie that protects the sign-in form (double submit).
pub const LOGIN_COOKIE: &str = "interdict_ui_login";
/// A session ends after this long without a request.
const IDLE: Duration = Duration::from_secs(8 * 3600);

/// A signed-in user.
#[derive(Debug, Clone)]
pub struct Session {
    /// The user id the records and the audit trail name: the key's name.
    pub user: String,
    /// The key's public id.
    pub key_id: String,
    /// What the user may do.
    pub role: api::Role,
    /// The token every form of this session must carry.
    pub csrf: String,
    last_seen: Instant,
}

impl Session {
    /// The records layer's actor for this user.
    pub fn actor(&self) -> records::Actor {
        records::Actor {
            user: self.user.clone(),
            role: match self.role {
                api::Role::Analyst => records::Role::Analyst,
                api::Role::Reviewer => records::Role::Reviewer,
                api::Role::Admin => records::Role::Admin,
            },
        }
    }

    /// Whether the user may approve or reject decisions.
    pub fn reviews(&self) -> bool {
        self.role >= api::Role::Reviewer
    }
}

/// The workbench's state: the service's state, the records database (opened on first use)
/// and the sessions.
pub struct Ui {
    app: Arc<AppState>,
    db: tokio::sync::OnceCell<records::Db>,
    database: Option<String>,
    sessions: Mutex<HashMap<String, Session>>,
    snapshots: Mutex<HashMap<String, Arc<Vec<model::Entity>>>>,
}

impl Ui {
    /// The workbench over a service; `database` is the records database URL (the data
    /// directory's `records.db` when `None`).
    pub fn new(app: Arc<AppState>, database: Option<String>) -> Arc<Ui> {
        Arc::new(Ui {
            app,
            db: tokio::sync::OnceCell::new(),
            database,
            sessions: Mutex::new(HashMap::new()),
            snapshots: Mutex::new(HashMap::new()),
        })
    }

    /// The records database, opened (and migrated) on first use.
    pub async fn db(&self) -> Result<&records::Db, UiError> {
        self.db
            .get_or_try_init(|| {
                app::records::open(self.app.live.context(), self.database.as_deref())
            })
            .await
            .map_err(UiError::from)
    }

    /// The data directory's context.
    pub fn ctx(&self) -> &app::Context {
        self.app.live.context()
    }

    /// The service's state.
    pub fn app(&self) -> &AppState {
        &self.app
    }

    /// Starts a session; returns its token.
    fn start(&self, user: String, key_id: String, role: api::Role) -> Result<String, UiError> {
        let token = random_token()?;
        let csrf = random_token()?;
        let mut s = self
            .sessions
            .lock()
            .map_err(|_| UiError::internal("the session table is unusable"))?;
        // Forget idle sessions so the table cannot grow without bound.
        s.retain(|_, v| v.last_seen.elapsed() < IDLE);
        s.insert(
            token.clone(),
            Session {
                user,
                key_id,
                role,
                csrf,
                last_seen: Instant::now(),
            },
        );
        Ok(token)
    }

    /// The session a request's cookie names, if it is live.
    pub fn session(&self, headers: &HeaderMap) -> Option<Session> {
        let token = cookie(headers, SESSION_COOKIE)?;
        let mut s = self.sessions.lock().ok()?;
        let live = s.get_mut(&token)?;
        let revoked = self
            .app
            .keys
            .as_ref()
            .is_some_and(|ring| !ring.is_active(&live.key_id));
        if revoked || live.last_seen.elapsed() >= IDLE {
            s.remove(&token);
            return None;
        }
        live.last_seen = Instant::now();
        Some(live.clone())
    }

    fn end(&self, headers: &HeaderMap) {
        if let (Some(token), Ok(mut s)) = (cookie(headers, SESSION_COOKIE), self.sessions.lock()) {
            s.remove(&token);
        }
    }

    /// The entities of a stored snapshot (`list@version`), loaded once and kept.
    pub fn snapshot(&self, spec: &str) -> Result<Arc<Vec<model::Entity>>, UiError> {
        if let Some(e) = self
            .snapshots
            .lock()
            .ok()
            .and_then(|m| m.get(spec).cloned())
        {
            return Ok(e);
        }
        let (_, entities) = app::lists::load_side(self.ctx(), spec)?;
        let entities = Arc::new(entities);
        if let Ok(mut m) = self.snapshots.lock() {
            m.insert(spec.to_string(), entities.clone());
        }
        Ok(entities)
    }
}

/// The `/ui` routes, to be nested under `/ui`.
pub fn router(ui: Arc<Ui>) -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(pages::home))
        .route("/static/ui.css", get(css))
        .route("/static/ui.js", get(js))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/alerts", get(pages::queue))
        .route("/alerts/assign", post(pages::bulk_assign))
        .route("/alerts/{id}", get(pages::alert))
        .route("/alerts/{id}/assign", post(pages::assign))
        .route("/alerts/{id}/escalate", post(pages::escalate))
        .route("/alerts/{id}/propose", post(pages::propose))
        .route("/alerts/{id}/comment", post(pages::comment))
        .route("/decisions/{id}/review", post(pages::review))
        .route("/subjects/{id}", get(pages::subject))
        .route("/entities/{id}", get(pages::entity))
        .route("/lists", get(pages::lists))
        .route("/audit", get(pages::audit))
        .route("/audit/export", get(pages::audit_export))
        .route("/wallets", get(wallet_page::exposure))
        .route("/wallets/trace", get(wallet_page::trace))
        .route("/vetting", get(vetting_page::form).post(vetting_page::vet))
        .with_state(ui)
}

const CSS: &str = include_str!("ui.css");
const JS: &str = include_str!("ui.js");

async fn css() -> Response {
    static_asset(CSS, "text/css; charset=utf-8")
}

async fn js() -> Response {
    static_asset(JS, "text/javascript; charset=utf-8")
}

fn static_asset(body: &'static str, kind: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// 32 random bytes as hex.
fn random_token() -> Result<String, UiError> {
    let mut buf = [0u8; 32];
    getrandom::getrandom(&mut buf).map_err(|_| UiError::internal("no random source"))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// A cookie's value from the request.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Whether the request reached us over TLS (directly or through a proxy that says so).
fn over_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value with the workbench's attributes.
fn set_cookie(name: &str, value: &str, headers: &HeaderMap, max_age: Option<u64>) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/ui; HttpOnly; SameSite=Strict");
    if over_tls(headers) {
        c.push_str("; Secure");
    }
    if let Some(s) = max_age {
        c.push_str(&format!("; Max-Age={s}"));
    }
    HeaderValue::from_str(&c).unwrap_or(HeaderValue::from_static(""))
}

/// Compares two tokens in time that does not depend on where they differ.
fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A page that cannot be shown: the status and a sentence for the user.
#[derive(Debug)]
pub struct UiError {
    status: StatusCode,
    message: String,
}

impl UiError {
    fn new(status: StatusCode, message: impl Into<String>) -> UiError {
        UiError {
            status,
            message: message.into(),
        }
    }

    fn internal(message: impl Into<String>) -> UiError {
        UiError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    fn forbidden(message: impl Into<String>) -> UiError {
        UiError::new(StatusCode::FORBIDDEN, message)
    }

    fn bad_request(message: impl Into<String>) -> UiError {
        UiError::new(StatusCode::BAD_REQUEST, message)
    }
}

impl From<records::Error> for UiError {
    fn from(e: records::Error) -> UiError {
        let status = match &e {
            records::Error::Forbidden(_) => StatusCode::FORBIDDEN,
            records::Error::NotFound(_) => StatusCode::NOT_FOUND,
            records::Error::Invalid(_) => StatusCode::CONFLICT,
            records::Error::Db(_) | records::Error::Io { .. } => {
                tracing::warn!(error = %e, "Records database failed for the workbench.");
                return UiError::internal("The records database failed; see the server log.");
            }
            // Refusals the records layer may add (the four-eyes rule on its own, say) read
            // "not allowed: …".
            #[allow(unreachable_patterns)]
            _ if e.to_string().starts_with("not allowed") => StatusCode::FORBIDDEN,
            #[allow(unreachable_patterns)]
            _ => StatusCode::CONFLICT,
        };
        UiError::new(status, e.to_string())
    }
}

impl From<app::AppError> for UiError {
    fn from(e: app::AppError) -> UiError {
        match e {
            app::AppError::Records(r) => r.into(),
            app::AppError::Invalid(m) => UiError::bad_request(m),
            other => {
                tracing::warn!(error = %other, "Workbench page failed.");
                UiError::internal(other.to_string())
            }
        }
    }
}

impl From<askama::Error> for UiError {
    fn from(e: askama::Error) -> UiError {
        tracing::warn!(error = %e, "Template failed.");
        UiError::internal("the page could not be drawn")
    }
}

impl IntoResponse for UiError {
    fn into_response(self) -> Response {
        let page = view::ErrorPage {
            status: self.status.as_u16(),
            title: self
                .status
                .canonical_reason()
                .unwrap_or("Error")
                .to_string(),
            message: self.message,
        };
        let body = askama::Template::render(&page).unwrap_or_else(|_| "error".into());
        (self.status, Html(body)).into_response()
    }
}
