//! `/v1/scan`: listed names inside one free text, the same answer as `interdict scan TEXT
//! --json`.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::http::{ApiError, Params, cpu, framed, json_body, query_pairs};

/// The scan route.
pub fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new().routes(routes!(scan))
}

/// The query parameters of `/v1/scan`.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScanParams {
    /// The score a span must reach to be reported (0 to 1) [default: the engine's threshold].
    pub threshold: Option<f64>,
}

/// Finds listed names inside one text (a payment remittance field, an invoice line, a chat
/// message, SWIFT field 70), in any script: each hit carries the character span, the text of
/// the span, the listed entity, the score and its explanation.
#[utoipa::path(post, path = "/v1/scan", tag = "Native",
    params(ScanParams),
    request_body = api::ScanRequest,
    responses((status = 200, body = api::ScanResponse), (status = 400, body = api::ErrorBody),
        (status = 413, body = api::ErrorBody), (status = 422, body = api::ErrorBody),
        (status = 503, body = api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn scan(
    State(st): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
    body: Body,
) -> Result<Response, ApiError> {
    let p = Params(query_pairs(raw.as_deref())?);
    let threshold = match p.one("threshold") {
        Some(v) => Some(app::screen::parse_score(v).map_err(ApiError::bad_request)?),
        None => None,
    };
    let cfg = app::scan::config(threshold);
    let req: api::ScanRequest = json_body(body, st.config.max_body).await?;
    app::scan::check_text(&req.text).map_err(ApiError::bad_request)?;
    let (g, stale) = st.live.answering().map_err(|r| ApiError::not_ready(&r))?;
    let r = cpu(move || {
        let mut resp = app::scan::single(g.engine(), req.id, &req.text, &cfg);
        resp.warnings = crate::v1::stale_warning(&g, stale);
        framed(&g, stale, StatusCode::OK, &resp)
    })
    .await?;
    st.metrics.queries(1);
    Ok(r)
}
