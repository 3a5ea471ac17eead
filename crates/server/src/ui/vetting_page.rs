//! The vetting page: subject records (JSON lines, pasted or uploaded) vetted against the loaded
//! lists by the code behind `POST /v1/vet` (`app::vet::vet_report`), and the report drawn with
//! the components of the standalone HTML report (`vetting::html::parts`: subjects by band,
//! findings with their explanations, clusters as pictures), clusters first.
//!
//! The records are personal data, so they arrive by POST (a form, or `multipart/form-data`
//! with a file) and are never put in a URL, logged or kept: the page shows the report once.

use std::sync::Arc;

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::view::Nav;
use super::{Ui, UiError};

/// The vetting page: the upload form and, after a post, the report.
#[derive(Template)]
#[template(path = "ui/vetting.html")]
pub struct VettingPage {
    /// Navigation (its CSRF token protects the form).
    pub nav: Nav,
    /// The most records one upload may hold.
    pub max: usize,
    /// Why the records could not be vetted.
    pub error: String,
    /// Whether a report is shown.
    pub shown: bool,
    /// Subjects, clusters and diagnostics in one sentence.
    pub summary: String,
    /// The lists the subjects were screened against.
    pub lists: String,
    /// The report's component styles, scoped to `.vet` (`vetting::html::scoped_css`).
    pub css: String,
    /// The report (`vetting::html::parts`, clusters first), shown unescaped.
    pub body: String,
    /// The report's search-box script (`vetting::html::SCRIPT`).
    pub script: &'static str,
    /// Records that could not be read.
    pub diagnostics: Vec<String>,
}

impl VettingPage {
    fn new(nav: Nav) -> VettingPage {
        VettingPage {
            nav,
            max: app::vet::MAX_SERVICE_RECORDS,
            error: String::new(),
            shown: false,
            summary: String::new(),
            lists: String::new(),
            css: String::new(),
            body: String::new(),
            script: "",
            diagnostics: Vec::new(),
        }
    }
}

fn render(page: &VettingPage, status: StatusCode) -> Result<Response, UiError> {
    Ok((status, Html(page.render()?)).into_response())
}

/// `GET /ui/vetting`: the form.
pub async fn form(State(ui): State<Arc<Ui>>, headers: HeaderMap) -> Result<Response, UiError> {
    let s = match super::pages::user(&ui, &headers) {
        Ok(s) => s,
        Err(r) => return Ok(*r),
    };
    render(&VettingPage::new(Nav::of(&s, "vetting")), StatusCode::OK)
}

/// `POST /ui/vetting`: vets the posted records and shows the report.
pub async fn vet(
    State(ui): State<Arc<Ui>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, UiError> {
    let s = match super::pages::user(&ui, &headers) {
        Ok(s) => s,
        Err(r) => return Ok(*r),
    };
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let fields = if kind.starts_with("multipart/form-data") {
        multipart(kind, &body).ok_or_else(|| UiError::bad_request("The upload cannot be read."))?
    } else {
        form_urlencoded::parse(&body)
            .map(|(k, v)| (k.into_owned(), v.into_owned().into_bytes()))
            .collect()
    };
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.clone())
    };
    let csrf = field("csrf").unwrap_or_default();
    if !super::same_token(&String::from_utf8_lossy(&csrf), &s.csrf) {
        return Err(UiError::forbidden(
            "The form's security token is missing or old; reload the page and try again.",
        ));
    }
    let mut page = VettingPage::new(Nav::of(&s, "vetting"));
    // A chosen file wins over the text box.
    let records = field("file")
        .or_else(|| field("records"))
        .unwrap_or_default();
    if records.iter().all(u8::is_ascii_whitespace) {
        page.error = "Paste subject records or choose a file of them (JSON lines).".into();
        return render(&page, StatusCode::BAD_REQUEST);
    }
    let (g, _) = match ui.app().live.answering() {
        Ok(g) => g,
        Err(reason) => {
            page.error = format!(
                "The lists are not ready, so nothing can be vetted (fail closed): {}",
                reason.reasons.join("; ")
            );
            return render(&page, StatusCode::SERVICE_UNAVAILABLE);
        }
    };
    let ui2 = ui.clone();
    let answer = crate::http::cpu(move || {
        app::vet::vet_report(ui2.ctx(), &g, &records).map(|(run, outcome)| {
            // The clusters before the subject cards: the links between applicants are
            // what a reviewer takes in first.
            let p = vetting::html::parts(&outcome.report);
            let body = [p.overview, p.clusters, p.subjects, p.footnote].concat();
            (run, body, outcome.diagnostics)
        })
    })
    .await
    .map_err(|_| UiError::internal("vetting failed; see the server log"))?;
    let (run, body, diagnostics) = match answer {
        Ok(a) => a,
        Err(app::AppError::Invalid(m)) => {
            page.error = m;
            return render(&page, StatusCode::BAD_REQUEST);
        }
        Err(e) => return Err(e.into()),
    };
    page.shown = true;
    page.summary = format!(
        "{} subject{} vetted, {} cluster{} of linked subjects, {} record{} that could not be read.",
        run.subjects,
        if run.subjects == 1 { "" } else { "s" },
        run.clusters,
        if run.clusters == 1 { "" } else { "s" },
        run.diagnostics,
        if run.diagnostics == 1 { "" } else { "s" }
    );
    page.lists = run.lists.join(", ");
    page.css = vetting::html::scoped_css(".vet");
    page.body = body;
    page.script = vetting::html::SCRIPT;
    page.diagnostics = diagnostics.iter().map(ToString::to_string).collect();
    render(&page, StatusCode::OK)
}

/// The fields of a `multipart/form-data` body, by name, in order; `None` when the body does
/// not follow the format (no boundary, a part without a name or an end).
fn multipart(content_type: &str, body: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    let boundary = content_type
        .split(';')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("boundary="))?
        .trim_matches('"');
    if boundary.is_empty() {
        return None;
    }
    let delimiter = format!("--{boundary}");
    let next = format!("\r\n{delimiter}");
    let mut rest = body.get(find(body, delimiter.as_bytes())? + delimiter.len()..)?;
    let mut out = Vec::new();
    while !rest.starts_with(b"--") {
        rest = rest.strip_prefix(b"\r\n")?;
        let head_end = find(rest, b"\r\n\r\n")?;
        let head = std::str::from_utf8(&rest[..head_end]).ok()?;
        let name = head
            .split("\r\n")
            .find(|l| {
                l.get(..20)
                    .is_some_and(|p| p.eq_ignore_ascii_case("content-disposition:"))
            })?
            .split(';')
            .map(str::trim)
            .find_map(|p| p.strip_prefix("name="))?
            .trim_matches('"')
            .to_string();
        let content = &rest[head_end + 4..];
        let end = find(content, next.as_bytes())?;
        out.push((name, content[..end].to_vec()));
        rest = &content[end + next.len()..];
    }
    Some(out)
}

/// The first position of `needle` in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_bodies_give_their_fields_and_files() {
        let body = b"preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n--XyZ\r\ncontent-disposition: form-data; name=\"file\"; filename=\"r.jsonl\"\r\nContent-Type: application/octet-stream\r\n\r\n{\"subject_id\":\"s1\"}\n{\"subject_id\":\"s2\"}\n\r\n--XyZ\r\nContent-Disposition: form-data; name=\"records\"\r\n\r\n\r\n--XyZ--\r\n";
        let fields = multipart("multipart/form-data; boundary=XyZ", body).unwrap();
        let names: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["csrf", "file", "records"]);
        assert_eq!(fields[0].1, b"abc");
        assert_eq!(
            fields[1].1,
            b"{\"subject_id\":\"s1\"}\n{\"subject_id\":\"s2\"}\n"
        );
        assert!(fields[2].1.is_empty());
        // Broken bodies are refused, never half read.
        for (kind, body) in [
            ("multipart/form-data", &body[..]),
            ("multipart/form-data; boundary=XyZ", &body[..60]),
            ("multipart/form-data; boundary=other", &body[..]),
            (
                "multipart/form-data; boundary=XyZ",
                &b"--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--"[..],
            ),
        ] {
            assert_eq!(multipart(kind, body), None, "{kind}");
        }
    }
}
