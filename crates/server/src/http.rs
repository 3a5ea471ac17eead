//! What every handler shares: the error answer, reading bodies and query strings without
//! ever failing with a 500, framing answers with the list versions, and running CPU work on
//! the rayon pool instead of the async workers.

use std::panic::AssertUnwindSafe;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use app::live::Generation;

/// An error answer: status, stable code and a sentence (`{"detail": …, "code": …}`).
#[derive(Debug)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The stable code.
    pub code: &'static str,
    /// The sentence.
    pub detail: String,
    /// The readiness report of a 503.
    pub readiness: Option<api::Readiness>,
    /// Seconds to wait, for a 429.
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with a status, code and sentence.
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            detail: detail.into(),
            readiness: None,
            retry_after: None,
        }
    }

    /// 400: the request cannot be used (yente's status for a bad example or parameter value).
    pub fn bad_request(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", detail)
    }

    /// 422: the request does not have the expected shape (yente's validation status).
    pub fn unprocessable(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request", detail)
    }

    /// 404.
    pub fn not_found(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", detail)
    }

    /// 500: a fault of ours; the detail says nothing about the request.
    pub fn internal(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", detail)
    }

    /// 503 with the readiness report that says why.
    pub fn not_ready(r: &api::Readiness) -> ApiError {
        let mut e = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_ready",
            format!(
                "The service does not screen now (fail closed): {}",
                r.reasons.join("; ")
            ),
        );
        e.readiness = Some(r.clone());
        e
    }
}

impl From<app::AppError> for ApiError {
    fn from(e: app::AppError) -> ApiError {
        match e {
            app::AppError::Invalid(m) => ApiError::bad_request(m),
            other => {
                tracing::error!(error = %other, "Request failed.");
                ApiError::internal("the request failed on the server; see its log")
            }
        }
    }
}

impl From<app::hooks::HookRefused> for ApiError {
    fn from(e: app::hooks::HookRefused) -> ApiError {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, e.code, e.detail)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = api::ErrorBody {
            detail: self.detail,
            code: self.code.to_string(),
            readiness: self.readiness,
        };
        let mut r = (self.status, axum::Json(body)).into_response();
        if let Some(s) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&s.to_string())
        {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        r
    }
}

/// Reads a whole body up to `limit` bytes (413 beyond), checks it is UTF-8 (400) and parses
/// it as JSON: a syntax error is 400, a value of the wrong shape 422 (as yente). No
/// `Content-Type` is required, because yente does not require one.
pub async fn json_body<T: DeserializeOwned>(body: Body, limit: usize) -> Result<T, ApiError> {
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("The request body is larger than {limit} bytes, or was cut off."),
        )
    })?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        ApiError::bad_request(format!(
            "The request body is not UTF-8 (byte {}).",
            e.valid_up_to()
        ))
    })?;
    serde_json::from_str(text).map_err(|e| {
        let at = format!("line {} column {}", e.line(), e.column());
        match e.classify() {
            serde_json::error::Category::Data => ApiError::unprocessable(format!(
                "The request body has the wrong shape at {at}: {e}"
            )),
            _ => ApiError::bad_request(format!("The request body is not valid JSON ({at}): {e}")),
        }
    })
}

/// The pairs of a URL query string, percent-decoded, in order (a key may repeat).
pub fn query_pairs(raw: Option<&str>) -> Result<Vec<(String, String)>, ApiError> {
    let mut out = Vec::new();
    for part in raw.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        out.push((decode(k)?, decode(v)?));
    }
    Ok(out)
}

fn decode(s: &str) -> Result<String, ApiError> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let h = s
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| {
                        ApiError::bad_request("The query string has a bad percent escape.")
                    })?;
                out.push(h);
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| ApiError::bad_request("The query string is not UTF-8."))
}

/// Typed access to query pairs with yente's validation statuses.
pub struct Params(pub Vec<(String, String)>);

impl Params {
    /// Every value of a key.
    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The last value of a key.
    pub fn one(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// A number, 422 when it does not parse.
    pub fn num<T: std::str::FromStr>(&self, key: &str) -> Result<Option<T>, ApiError> {
        self.one(key)
            .map(|v| {
                v.trim().parse::<T>().map_err(|_| {
                    ApiError::unprocessable(format!(
                        "Query parameter {key}: {v:?} is not a valid number."
                    ))
                })
            })
            .transpose()
    }

    /// A boolean (`true`/`false`/`1`/`0`), 422 otherwise.
    pub fn bool(&self, key: &str) -> Result<Option<bool>, ApiError> {
        self.one(key)
            .map(|v| match v.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => Ok(true),
                "false" | "0" | "no" | "off" => Ok(false),
                _ => Err(ApiError::unprocessable(format!(
                    "Query parameter {key}: {v:?} is not a boolean."
                ))),
            })
            .transpose()
    }
}

/// A JSON answer naming the generation, list versions and staleness in headers
/// (`x-interdict-lists`, `x-interdict-generation`, `x-interdict-stale`).
pub fn framed<T: Serialize>(g: &Generation, stale: bool, status: StatusCode, body: &T) -> Response {
    let bytes = match serde_json::to_vec(body) {
        Ok(b) => b,
        Err(e) => {
            return ApiError::internal(format!("cannot encode the answer: {e}")).into_response();
        }
    };
    let mut r = Response::new(Body::from(bytes));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(v) = HeaderValue::from_str(&g.versions_line()) {
        h.insert("x-interdict-lists", v);
    }
    h.insert("x-interdict-generation", HeaderValue::from(g.id()));
    if stale {
        h.insert("x-interdict-stale", HeaderValue::from_static("true"));
    }
    r
}

/// A plain JSON answer.
pub fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    (status, axum::Json(body)).into_response()
}

/// Runs CPU-bound work on the rayon pool and waits for it without blocking an async worker.
/// A panic in the work becomes a 500 for this request only.
pub async fn cpu<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    rayon::spawn(move || {
        let r = std::panic::catch_unwind(AssertUnwindSafe(f));
        let _ = tx.send(r);
    });
    match rx.await {
        Ok(Ok(v)) => Ok(v),
        _ => {
            tracing::error!("A screening task panicked.");
            Err(ApiError::internal(
                "the request failed on the server; see its log",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_decode() {
        let p = query_pairs(Some("a=1&b=x%20y&b=z+w&c&d=%E2%82%AC")).unwrap();
        assert_eq!(
            p,
            [
                ("a".into(), "1".into()),
                ("b".into(), "x y".into()),
                ("b".into(), "z w".into()),
                ("c".into(), "".into()),
                ("d".into(), "€".into())
            ]
        );
        assert!(query_pairs(Some("a=%ZZ")).is_err());
        assert!(query_pairs(Some("a=%")).is_err());
        assert!(query_pairs(Some("a=%ff")).is_err());
    }
}
