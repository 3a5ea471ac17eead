//! Operations routes: liveness, readiness (fail closed), metrics, the OpenAPI document and an
//! offline documentation page.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::http::{ApiError, json};

/// The operations routes.
pub fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(metrics))
        .routes(routes!(openapi_json))
        .routes(routes!(docs))
        .routes(routes!(index))
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "System information",
    responses((status = 200, body = api::yente::StatusResponse)))]
pub async fn healthz() -> Response {
    json(
        StatusCode::OK,
        &api::yente::StatusResponse {
            status: "ok".into(),
        },
    )
}

/// Readiness: 200 when screening requests are answered, 503 with the reasons when no list is
/// loaded, a list is older than its maximum age, or only the bundled lists are available
/// (unless the service was started with `--allow-stale`, then 200 with `stale: true`).
#[utoipa::path(get, path = "/readyz", tag = "System information",
    responses((status = 200, body = api::Readiness), (status = 503, body = api::ErrorBody)))]
pub async fn readyz(State(st): State<Arc<AppState>>) -> Response {
    let r = st.live.readiness();
    if r.ready {
        json(StatusCode::OK, &*r)
    } else {
        ApiError::not_ready(&r).into_response()
    }
}

/// Prometheus metrics: requests by route and status, latency histogram, queries screened,
/// list versions and ages, readiness.
#[utoipa::path(get, path = "/metrics", tag = "System information",
    responses((status = 200, description = "Prometheus text exposition format", content_type = "text/plain")))]
pub async fn metrics(State(st): State<Arc<AppState>>) -> Response {
    let r = st.live.readiness();
    let g = st.live.current().map_or(0, |g| g.id());
    let mut resp = st.metrics.render(&r, g).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4"),
    );
    resp
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "System information",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json")))]
pub async fn openapi_json(State(st): State<Arc<AppState>>) -> Response {
    let mut r = st.openapi_json.clone().into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// A documentation page that renders `/openapi.json` in the browser; it loads nothing from
/// anywhere else, so it works offline.
#[utoipa::path(get, path = "/docs", tag = "System information",
    responses((status = 200, description = "HTML", content_type = "text/html")))]
pub async fn docs() -> Response {
    let mut r = DOCS_HTML.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

/// The documentation page (as yente serves its docs at `/`).
#[utoipa::path(get, path = "/", tag = "System information",
    responses((status = 200, description = "HTML", content_type = "text/html")))]
pub async fn index() -> Response {
    docs().await
}

/// The answer to a path that no route serves.
pub async fn not_found() -> Response {
    ApiError::not_found("No such endpoint; /docs lists them.").into_response()
}

const DOCS_HTML: &str = include_str!("docs.html");
