//! The one middleware every route passes: request id, authentication, role, per-key rate and
//! concurrency limits, the request timeout, the access log and the metrics.
//!
//! Keys arrive as `Authorization: Bearer KEY` or, as yente clients send them,
//! `Authorization: ApiKey KEY`. The access log names the route template (never the raw path or
//! query string, which may hold a screened name), the status, the latency, the request id and
//! the key id.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use app::hooks::Principal;

use crate::AppState;
use crate::http::ApiError;

/// The request id, as logged and returned in `x-request-id`.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Per-key limits.
#[derive(Debug, Clone, Copy)]
pub struct KeyLimits {
    /// Requests per second per key (0: unlimited).
    pub rate: f64,
    /// Requests a key may send in a burst above the rate.
    pub burst: f64,
    /// Requests of one key in flight at once (0: unlimited).
    pub concurrency: u32,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
    inflight: u32,
}

/// The per-key buckets.
#[derive(Debug, Default)]
pub struct Limiter {
    keys: std::sync::Mutex<HashMap<String, Bucket>>,
}

/// Gives a request slot back when the request ends.
struct Slot<'a> {
    limiter: &'a Limiter,
    key: String,
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        if let Ok(mut m) = self.limiter.keys.lock()
            && let Some(b) = m.get_mut(&self.key)
        {
            b.inflight = b.inflight.saturating_sub(1);
        }
    }
}

impl Limiter {
    /// Takes a token and a concurrency slot for a key, or says how long to wait.
    fn acquire(&self, key: &str, l: &KeyLimits) -> Result<Slot<'_>, u64> {
        let now = Instant::now();
        let mut m = self.keys.lock().map_err(|_| 1u64)?;
        let b = m.entry(key.to_string()).or_insert(Bucket {
            tokens: l.burst.max(1.0),
            last: now,
            inflight: 0,
        });
        if l.rate > 0.0 {
            let elapsed = now.duration_since(b.last).as_secs_f64();
            b.tokens = (b.tokens + elapsed * l.rate).min(l.burst.max(1.0));
            b.last = now;
            if b.tokens < 1.0 {
                return Err(((1.0 - b.tokens) / l.rate).ceil().max(1.0) as u64);
            }
        }
        if l.concurrency > 0 && b.inflight >= l.concurrency {
            return Err(1);
        }
        if l.rate > 0.0 {
            b.tokens -= 1.0;
        }
        b.inflight += 1;
        Ok(Slot {
            limiter: self,
            key: key.to_string(),
        })
    }
}

/// What a route needs: nothing, or at least a role.
pub fn required_role(route: &str) -> Option<api::Role> {
    match route {
        "/" | "/docs" | "/healthz" | "/readyz" | "/metrics" | "/openapi.json" => None,
        // The workbench signs its users in with a session cookie and checks roles itself.
        r if r == "/ui" || r.starts_with("/ui/") => None,
        "/v1/lists/update"
        | "/v1/keys"
        | "/v1/keys/{id}"
        | "/v1/audit/checkpoint"
        | "/v1/settings" => Some(api::Role::Admin),
        "/v1/decisions/{id}/approve"
        | "/v1/decisions/{id}/reject"
        | "/v1/audit/verify"
        | "/v1/audit/export" => Some(api::Role::Reviewer),
        _ => Some(api::Role::Analyst),
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(1);

fn request_id(req: &Request) -> String {
    let given = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        });
    match given {
        Some(v) => v.to_string(),
        None => format!(
            "{:x}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ),
    }
}

fn presented_key(req: &Request) -> Option<String> {
    let v = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, key) = v.trim().split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("apikey"))
        .then(|| key.trim().to_string())
}

/// The middleware.
pub async fn guard(State(st): State<Arc<AppState>>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request_id(&req);
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |m| m.as_str())
        .to_string();
    let mut key_id = "-".to_string();
    let response = match authorize(&st, &req, &route) {
        Err(e) => e.into_response(),
        Ok(principal) => {
            let limited = match &principal {
                Some(p) => st
                    .limiter
                    .acquire(&p.key_id, &st.config.key_limits)
                    .map(Some),
                None => Ok(None),
            };
            match limited {
                Err(wait) => {
                    let mut e = ApiError::new(
                        StatusCode::TOO_MANY_REQUESTS,
                        "rate_limited",
                        "Too many requests for this key; retry after the time in Retry-After.",
                    );
                    e.retry_after = Some(wait);
                    e.into_response()
                }
                Ok(_slot) => {
                    if let Some(p) = &principal {
                        key_id = p.key_id.clone();
                        req.extensions_mut().insert(p.clone());
                    }
                    req.extensions_mut().insert(RequestId(id.clone()));
                    match tokio::time::timeout(st.config.timeout, next.run(req)).await {
                        Ok(r) => r,
                        Err(_) => ApiError::new(
                            StatusCode::SERVICE_UNAVAILABLE,
                            "timeout",
                            format!(
                                "The request took longer than {} seconds and was abandoned.",
                                st.config.timeout.as_secs()
                            ),
                        )
                        .into_response(),
                    }
                }
            }
        }
    };
    let mut response = response;
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", v);
    }
    let status = response.status().as_u16();
    let secs = started.elapsed().as_secs_f64();
    st.metrics.request(&method, &route, status, secs);
    if status >= 500 {
        tracing::warn!(request_id = %id, method, route, status, ms = secs * 1e3, key = %key_id, "Request failed.");
    } else if st.config.access_log {
        tracing::info!(request_id = %id, method, route, status, ms = secs * 1e3, key = %key_id, "Request.");
    }
    response
}

fn authorize(st: &AppState, req: &Request, route: &str) -> Result<Option<Principal>, ApiError> {
    let Some(need) = required_role(route) else {
        return Ok(None);
    };
    let Some(ring) = &st.keys else {
        // --no-auth on loopback: the operator is the only client.
        return Ok(Some(Principal::local()));
    };
    let unauthorized = |m: &str| {
        let mut e = ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", m);
        e.retry_after = None;
        e
    };
    let key = presented_key(req).ok_or_else(|| {
        unauthorized("An API key is required: send `Authorization: Bearer KEY` (or `Authorization: ApiKey KEY`).")
    })?;
    let info = ring
        .verify(&key)
        .ok_or_else(|| unauthorized("The API key is not valid or was revoked."))?;
    if info.role < need {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!(
                "This key has the role {}; this endpoint needs {}.",
                info.role.as_str(),
                need.as_str()
            ),
        ));
    }
    Ok(Some(Principal {
        key_id: info.id,
        name: info.name,
        role: info.role,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_gate_routes() {
        assert_eq!(required_role("/healthz"), None);
        assert_eq!(required_role("/match/{dataset}"), Some(api::Role::Analyst));
        assert_eq!(required_role("/v1/lists/update"), Some(api::Role::Admin));
        assert_eq!(
            required_role("/v1/decisions/{id}/approve"),
            Some(api::Role::Reviewer)
        );
        assert_eq!(required_role("/v1/decisions"), Some(api::Role::Analyst));
        assert_eq!(required_role("/v1/audit/export"), Some(api::Role::Reviewer));
        assert_eq!(
            required_role("/v1/audit/checkpoint"),
            Some(api::Role::Admin)
        );
        assert_eq!(required_role("unmatched"), Some(api::Role::Analyst));
        assert_eq!(required_role("/ui/alerts/{id}"), None);
        assert_eq!(required_role("/uix"), Some(api::Role::Analyst));
    }

    #[test]
    fn the_bucket_refuses_past_the_burst_and_says_how_long_to_wait() {
        let l = Limiter::default();
        let lim = KeyLimits {
            rate: 1.0,
            burst: 2.0,
            concurrency: 0,
        };
        let a = l.acquire("k", &lim);
        let b = l.acquire("k", &lim);
        assert!(a.is_ok() && b.is_ok());
        assert_eq!(l.acquire("k", &lim).err(), Some(1));
        assert!(l.acquire("other", &lim).is_ok());
        let c = KeyLimits {
            rate: 0.0,
            burst: 0.0,
            concurrency: 1,
        };
        let held = l.acquire("c", &c);
        assert!(held.is_ok());
        assert!(l.acquire("c", &c).is_err());
        drop(held);
        assert!(l.acquire("c", &c).is_ok());
    }
}
