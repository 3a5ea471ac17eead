//! The workbench's handlers: each reads the session, calls the records or application layer
//! and renders one template. Changes come as form posts that carry the CSRF token and answer
//! with a redirect (post/redirect/get), so reloading a page never repeats a decision.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde_json::Value;

use super::view::{self, Nav};
use super::{LOGIN_COOKIE, SESSION_COOKIE, Session, Ui, UiError};

type Page = Result<Response, UiError>;

/// A posted form's fields, in order (repeated names kept: the queue's checkboxes).
struct Form(Vec<(String, String)>);

impl Form {
    fn parse(body: &[u8]) -> Form {
        Form(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    fn get(&self, key: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    }

    fn all(&self, key: &str) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

fn to_login() -> Box<Response> {
    Box::new(Redirect::to("/ui/login").into_response())
}

fn html(t: &impl Template) -> Page {
    Ok(Html(t.render()?).into_response())
}

/// The signed-in user, or a redirect to the sign-in page.
pub(super) fn user(ui: &Ui, headers: &HeaderMap) -> Result<Session, Box<Response>> {
    ui.session(headers).ok_or_else(to_login)
}

/// The signed-in user and the posted form, after checking the form's CSRF token.
fn posted(ui: &Ui, headers: &HeaderMap, body: &[u8]) -> Result<(Session, Form), Box<Response>> {
    let s = user(ui, headers)?;
    let f = Form::parse(body);
    if !super::same_token(f.get("csrf"), &s.csrf) {
        return Err(Box::new(
            UiError::forbidden(
                "The form's security token is missing or old; reload the page and try again.",
            )
            .into_response(),
        ));
    }
    Ok((s, f))
}

macro_rules! signed_in {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(r) => return Ok(*r),
        }
    };
}

/// `/ui`: the queue.
pub async fn home() -> Response {
    Redirect::to("/ui/alerts").into_response()
}

/// The sign-in form, with a fresh double-submit token.
pub async fn login_form(State(ui): State<Arc<Ui>>, headers: HeaderMap) -> Page {
    if ui.session(&headers).is_some() {
        return Ok(Redirect::to("/ui/alerts").into_response());
    }
    login_page(&ui, &headers, "", StatusCode::OK)
}

fn login_page(ui: &Ui, headers: &HeaderMap, error: &str, status: StatusCode) -> Page {
    let token = super::random_token()?;
    let page = view::LoginPage {
        nav: Nav::default(),
        csrf: token.clone(),
        error: error.to_string(),
        no_auth: ui.app().keys.is_none(),
    };
    let mut r = (status, Html(page.render()?)).into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        super::set_cookie(LOGIN_COOKIE, &token, headers, Some(600)),
    );
    Ok(r)
}

/// Exchanges an API key for a session cookie.
pub async fn login(State(ui): State<Arc<Ui>>, headers: HeaderMap, body: Bytes) -> Page {
    let f = Form::parse(&body);
    let expected = super::cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !super::same_token(f.get("csrf"), &expected) {
        return login_page(
            &ui,
            &headers,
            "The sign-in form expired; please try again.",
            StatusCode::FORBIDDEN,
        );
    }
    let (user, key_id, role) = match &ui.app().keys {
        Some(ring) => match ring.verify(f.get("key")) {
            Some(info) => (info.name, info.id, info.role),
            None => {
                return login_page(
                    &ui,
                    &headers,
                    "That key is not valid or was revoked.",
                    StatusCode::UNAUTHORIZED,
                );
            }
        },
        // --no-auth on loopback: the operator names themself; roles are not checked.
        None => {
            let name = f.get("user").trim();
            if name.is_empty() || name.len() > 100 {
                return login_page(
                    &ui,
                    &headers,
                    "Give a user name of 1 to 100 characters.",
                    StatusCode::BAD_REQUEST,
                );
            }
            (name.to_string(), "local".to_string(), api::Role::Admin)
        }
    };
    let token = ui.start(user, key_id, role)?;
    let mut r = Redirect::to("/ui/alerts").into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        super::set_cookie(SESSION_COOKIE, &token, &headers, None),
    );
    r.headers_mut().append(
        header::SET_COOKIE,
        super::set_cookie(LOGIN_COOKIE, "", &headers, Some(0)),
    );
    Ok(r)
}

/// Ends the session.
pub async fn logout(State(ui): State<Arc<Ui>>, headers: HeaderMap, body: Bytes) -> Page {
    let _ = signed_in!(posted(&ui, &headers, &body));
    ui.end(&headers);
    let mut r = Redirect::to("/ui/login").into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        super::set_cookie(SESSION_COOKIE, "", &headers, Some(0)),
    );
    Ok(r)
}

const STATES: [(&str, &str); 5] = [
    ("", "Any state"),
    ("open", "Open"),
    ("in_review", "In review"),
    ("escalated", "Escalated"),
    ("closed", "Closed"),
];
const BANDS: [(&str, &str); 5] = [
    ("", "Any score"),
    ("95", "0.95 and above"),
    ("90", "0.90 to 0.95"),
    ("85", "0.85 to 0.90"),
    ("0", "below 0.85"),
];
const AGES: [(&str, &str); 5] = [
    ("", "Any age"),
    ("1d", "Opened today (24 h)"),
    ("7d", "1 to 7 days"),
    ("30d", "7 to 30 days"),
    ("old", "Older than 30 days"),
];
const KINDS: [(&str, &str); 5] = [
    ("", "Any subject"),
    ("customer", "Customers"),
    ("counterparty", "Counterparties"),
    ("employee", "Employees"),
    ("vendor", "Vendors"),
];
const SORTS: [(&str, &str); 3] = [
    ("score", "Highest score first"),
    ("newest", "Newest first"),
    ("oldest", "Oldest first"),
];

/// The queue's filter from the query string; `me` as assignee is the signed-in user, `none`
/// the unassigned alerts. Unknown values are ignored rather than refused.
fn queue_filter(q: &HashMap<String, String>, me: &str) -> records::QueueFilter {
    let get = |k: &str| q.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let mut f = records::QueueFilter {
        state: get("state")
            .filter(|s| STATES.iter().any(|(v, _)| v == s))
            .map(str::to_string),
        list: get("list").map(str::to_string),
        subject_kind: get("kind")
            .filter(|s| KINDS.iter().any(|(v, _)| v == s))
            .map(str::to_string),
        assignee: get("assignee").map(|a| match a {
            "me" => me.to_string(),
            "none" => String::new(),
            other => other.to_string(),
        }),
        ..records::QueueFilter::default()
    };
    (f.min_score, f.max_score) = match get("band") {
        Some("95") => (Some(0.95), None),
        Some("90") => (Some(0.90), Some(0.95)),
        Some("85") => (Some(0.85), Some(0.90)),
        Some("0") => (None, Some(0.85)),
        _ => (None, None),
    };
    let ago = |d: i64| Some(records::time::days_ago(d));
    (f.opened_after, f.opened_before) = match get("age") {
        Some("1d") => (ago(1), None),
        Some("7d") => (ago(7), ago(1)),
        Some("30d") => (ago(30), ago(7)),
        Some("old") => (None, ago(30)),
        _ => (None, None),
    };
    f
}

/// The query string of the queue with some keys replaced (empty values dropped).
fn queue_href(q: &HashMap<String, String>, set: &[(&str, &str)]) -> String {
    let mut keys: Vec<(&str, &str)> = ["state", "list", "band", "age", "assignee", "kind", "sort"]
        .iter()
        .filter_map(|k| q.get(*k).map(|v| (*k, v.as_str())))
        .filter(|(k, _)| !set.iter().any(|(s, _)| s == k))
        .collect();
    keys.extend(set.iter().copied());
    let qs: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(keys.into_iter().filter(|(_, v)| !v.is_empty()))
        .finish();
    if qs.is_empty() {
        "/ui/alerts".into()
    } else {
        format!("/ui/alerts?{qs}")
    }
}

/// Age in words from an RFC 3339 time.
fn age(created: &str) -> String {
    let Some(t) = app::freshness::epoch_seconds(created) else {
        return String::new();
    };
    let s = (app::freshness::now_seconds() - t).max(0);
    match s {
        s if s < 3600 => format!("{} min", s / 60),
        s if s < 86_400 => format!("{} h", s / 3600),
        s => format!("{} d", s / 86_400),
    }
}

/// Notices after a change, by code (so no text of the user's travels in the URL).
fn notice(q: &HashMap<String, String>) -> String {
    match q.get("done").map(String::as_str) {
        Some("assigned") => "Assigned.".into(),
        Some("escalated") => "Escalated.".into(),
        Some("proposed") => "Decision proposed; a second reviewer must approve it.".into(),
        Some("approved") => "Decision approved; the alert is closed.".into(),
        Some("rejected") => "Decision rejected; the alert stays open for a new proposal.".into(),
        Some("commented") => "Comment added.".into(),
        _ => String::new(),
    }
}

/// The alert queue.
pub async fn queue(
    State(ui): State<Arc<Ui>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    let s = signed_in!(user(&ui, &headers));
    let db = ui.db().await?;
    let filter = queue_filter(&q, &s.user);
    let sort = records::QueueSort::parse(q.get("sort").map_or("", String::as_str));
    let size = q
        .get("n")
        .and_then(|n| n.parse::<i64>().ok())
        .unwrap_or(50)
        .clamp(10, 200);
    let after = q.get("after").map(String::as_str).filter(|a| !a.is_empty());
    let started = Instant::now();
    let page = db.queue(&filter, sort, after, size).await?;
    let counts = db.queue_counts(&filter).await?;
    // The list choices come from the store, not from a scan of every alert.
    let lists = stored_lists(&ui);
    let millis = format!("{:.1}", started.elapsed().as_secs_f64() * 1e3);
    let current_state = filter.state.clone().unwrap_or_default();
    let mut list_choices = vec![("", "Any list")];
    list_choices.extend(lists.iter().map(|l| (l.as_str(), l.as_str())));
    let g = |k: &str| q.get(k).map_or("", String::as_str);
    let rows = page
        .rows
        .iter()
        .map(|r| view::QueueLine {
            id: r.id,
            subject_id: r.subject_id,
            subject: r.subject_name.clone().unwrap_or_else(|| "(deleted)".into()),
            external_ref: r.external_ref.clone(),
            kind: r.subject_kind.clone(),
            caption: r.caption.clone().unwrap_or_default(),
            entity_id: r.entity_id.clone(),
            list: r.list_version.split('@').next().unwrap_or("").to_string(),
            score: format!("{:.2}", r.score),
            score_pct: (r.score.clamp(0.0, 1.0) * 100.0).round() as u32,
            state: r.state.clone(),
            state_label: view::state_label(&r.state).to_string(),
            assignee: r.assignee.clone().unwrap_or_else(|| "\u{2014}".into()),
            age: age(&r.created_at),
        })
        .collect();
    let page_view = view::QueuePage {
        nav: Nav::of(&s, "alerts"),
        notice: notice(&q),
        counts: counts
            .iter()
            .map(|(st, n)| view::StateCount {
                state: (*st).to_string(),
                label: view::state_label(st).to_string(),
                count: n.to_string(),
                href: queue_href(&q, &[("state", *st)]),
                current: *st == current_state,
            })
            .collect(),
        states: view::choices(&STATES, &current_state),
        lists: view::choices(&list_choices, g("list")),
        bands: view::choices(&BANDS, g("band")),
        ages: view::choices(&AGES, g("age")),
        kinds: view::choices(&KINDS, g("kind")),
        sorts: view::choices(&SORTS, sort.as_str()),
        assignee: g("assignee").to_string(),
        rows,
        next: page
            .next
            .as_deref()
            .map(|n| queue_href(&q, &[("after", n)]))
            .unwrap_or_default(),
        first: if after.is_some() {
            queue_href(&q, &[])
        } else {
            String::new()
        },
        millis,
        back: queue_href(&q, &[]),
    };
    html(&page_view)
}

/// The assignee (the signed-in user when the form names nobody) and due date of a form.
fn assignment<'f>(s: &Session, f: &'f Form) -> (String, Option<&'f str>) {
    let assignee = match f.get("assignee").trim() {
        "" => s.user.clone(),
        a => a.to_string(),
    };
    (
        assignee,
        Some(f.get("due").trim()).filter(|d| !d.is_empty()),
    )
}

/// The ids of the lists with a stored version, sorted.
fn stored_lists(ui: &Ui) -> Vec<String> {
    let mut lists: Vec<String> = app::lists::snapshots(ui.ctx())
        .map(|all| {
            all.into_iter()
                .map(|(m, _)| m.list.as_str().to_string())
                .collect()
        })
        .unwrap_or_default();
    lists.sort();
    lists.dedup();
    lists
}

/// Assigns the checked alerts of the queue.
pub async fn bulk_assign(State(ui): State<Arc<Ui>>, headers: HeaderMap, body: Bytes) -> Page {
    let (s, f) = signed_in!(posted(&ui, &headers, &body));
    let db = ui.db().await?;
    let (assignee, due) = assignment(&s, &f);
    let ids: Vec<i64> = f.all("id").filter_map(|i| i.parse().ok()).collect();
    if ids.is_empty() {
        return Err(UiError::bad_request("Tick at least one alert to assign."));
    }
    for id in ids {
        db.assign(&s.actor(), id, &assignee, due).await?;
    }
    let back = f.get("back");
    let back = if back.starts_with("/ui/alerts") {
        back
    } else {
        "/ui/alerts"
    };
    let sep = if back.contains('?') { '&' } else { '?' };
    Ok(Redirect::to(&format!("{back}{sep}done=assigned")).into_response())
}

/// A listed entity from the loaded lists.
fn listed(ui: &Ui, id: &str) -> Option<(model::Entity, String)> {
    let g = ui.app().live.current()?;
    app::matching::find_entity(&g, id).map(|(e, l)| (e.clone(), l))
}

/// The publication date of a stored snapshot (`list@version`).
fn published(ui: &Ui, spec: &str) -> String {
    app::lists::snapshots(ui.ctx())
        .ok()
        .and_then(|all| {
            all.into_iter()
                .find(|(m, _)| m.name() == spec)
                .and_then(|(m, _)| m.publish_date)
        })
        .unwrap_or_default()
}

fn subject_facts(data: Option<&api::SubjectInput>) -> Vec<view::Field> {
    let Some(d) = data else {
        return vec![view::Field {
            label: "data".into(),
            values: vec!["deleted by retention".into()],
        }];
    };
    let mut out = Vec::new();
    let mut push = |label: &str, values: Vec<String>| {
        let values: Vec<String> = values.into_iter().filter(|v| !v.is_empty()).collect();
        if !values.is_empty() {
            out.push(view::Field {
                label: label.into(),
                values,
            });
        }
    };
    push("names", d.names.clone());
    push("type", d.schema.clone().into_iter().collect());
    push("birth date", d.birth_date.clone().into_iter().collect());
    push("nationality", d.nationality.clone().into_iter().collect());
    push("addresses", d.addresses.clone());
    push("identifiers", d.identifiers.clone());
    push("crypto addresses", d.wallets.clone());
    out
}

fn changes(v: Option<&Value>) -> Vec<view::Field> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|c| {
            let side = |k: &str, sign: &str| {
                c[k].as_array()
                    .into_iter()
                    .flatten()
                    .map(|x| format!("{sign} {}", view::value_text(x)))
                    .collect::<Vec<_>>()
            };
            let mut values = side("removed", "\u{2212}");
            values.extend(side("added", "+"));
            view::Field {
                label: c["field"].as_str().unwrap_or("").replace('_', " "),
                values,
            }
        })
        .collect()
}

/// The alert page.
pub async fn alert(
    State(ui): State<Arc<Ui>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    let s = signed_in!(user(&ui, &headers));
    let db = ui.db().await?;
    let a = db.alert(id).await?;
    let subject = db.subject_by_id(a.subject_id).await?;
    let customer = subject
        .data
        .as_ref()
        .and_then(|d| d.names.first().cloned())
        .unwrap_or_default();
    let al = view::alignment(&customer, a.detail.as_ref());
    let m = a.detail.as_ref().map(|d| &d["match"]);
    let caption = m
        .and_then(|m| m["caption"].as_str())
        .unwrap_or(&a.entity_id)
        .to_string();
    let schema = m
        .and_then(|m| m["schema"].as_str())
        .unwrap_or("")
        .to_string();
    let (names, fields, entity_note) = match listed(&ui, &a.entity_id) {
        Some((e, list)) => {
            let loaded = ui
                .app()
                .live
                .current()
                .and_then(|g| g.lists().iter().find(|l| l.list == list).cloned())
                .map(|l| format!("{}@{}", l.list, l.version))
                .unwrap_or_default();
            let note = if loaded == a.list_version {
                String::new()
            } else {
                format!(
                    "Shown as in the loaded version {loaded}; the alert opened on {}.",
                    a.list_version
                )
            };
            (view::entity_names(&e), view::entity_fields(&e), note)
        }
        None => (
            Vec::new(),
            Vec::new(),
            "The entity is not in the loaded lists (delisted, or another list is loaded).".into(),
        ),
    };
    let threshold = screening::DEFAULT_THRESHOLD;
    let subject_alerts = db
        .alerts_of(a.subject_id)
        .await?
        .iter()
        .filter(|o| o.id != a.id)
        .map(view::AlertLine::of)
        .collect();
    let entity_alerts = db
        .alerts_on_entity(&a.entity_id, 20)
        .await?
        .iter()
        .filter(|o| o.id != a.id)
        .map(view::AlertLine::of)
        .collect();
    let comments = db
        .audit_recent(
            &records::AuditFilter {
                action: Some("alert.comment".into()),
                object: Some(format!("alert:{id}")),
                actor: None,
            },
            None,
            200,
        )
        .await?
        .into_iter()
        .rev()
        .map(|r| {
            let p: Value = serde_json::from_str(&r.payload).unwrap_or(Value::Null);
            view::CommentLine {
                actor: r.actor,
                at: view::short_time(&r.ts),
                text: p["text"].as_str().unwrap_or("").to_string(),
            }
        })
        .collect();
    let decisions: Vec<view::DecisionLine> =
        a.decisions.iter().map(view::DecisionLine::of).collect();
    let pending = decisions.iter().find(|d| d.state == "pending").cloned();
    let closed = a.state == api::AlertState::Closed;
    let panel = match &pending {
        Some(p) if p.proposer == s.user => view::Panel {
            pending: pending.clone(),
            why_not: "You proposed this decision; four-eyes rule: another reviewer must approve or reject it.".into(),
            ..view::Panel::default()
        },
        Some(_) if !s.reviews() => view::Panel {
            pending: pending.clone(),
            why_not: "Approving or rejecting needs the reviewer role.".into(),
            ..view::Panel::default()
        },
        Some(_) => view::Panel {
            pending: pending.clone(),
            can_review: true,
            ..view::Panel::default()
        },
        None => view::Panel {
            can_propose: !closed,
            ..view::Panel::default()
        },
    };
    let page = view::AlertPage {
        nav: Nav::of(&s, "alerts"),
        notice: notice(&q),
        id,
        state: view::state_label(view::state_name(a.state)).to_string(),
        state_key: view::state_name(a.state).to_string(),
        resolution: a
            .resolution
            .map(view::outcome_label)
            .unwrap_or("")
            .to_string(),
        reason: a.reason.replace('_', " "),
        assignee: a.assignee.clone().unwrap_or_default(),
        due: a.due_at.clone().unwrap_or_default(),
        created_at: view::short_time(&a.created_at),
        subject_id: a.subject_id,
        external_ref: a.external_ref.clone(),
        subject_kind: subject.kind.clone(),
        subject_facts: subject_facts(subject.data.as_ref()),
        above: a.score >= threshold,
        threshold: format!("{threshold:.2}"),
        al,
        entity_id: a.entity_id.clone(),
        caption,
        schema,
        publish_date: published(&ui, &a.list_version),
        list_version: a.list_version.clone(),
        entity_note,
        names,
        fields,
        changes: changes(a.detail.as_ref().map(|d| &d["changes"])),
        subject_alerts,
        entity_alerts,
        decisions,
        panel,
        comments,
        closed,
    };
    html(&page)
}

fn back_to_alert(id: i64, done: &str) -> Page {
    Ok(Redirect::to(&format!("/ui/alerts/{id}?done={done}")).into_response())
}

/// Assigns one alert (to the signed-in user when no name is given).
pub async fn assign(
    State(ui): State<Arc<Ui>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> Page {
    let (s, f) = signed_in!(posted(&ui, &headers, &body));
    let (assignee, due) = assignment(&s, &f);
    ui.db()
        .await?
        .assign(&s.actor(), id, &assignee, due)
        .await?;
    back_to_alert(id, "assigned")
}

/// Escalates an alert.
pub async fn escalate(
    State(ui): State<Arc<Ui>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> Page {
    let (s, f) = signed_in!(posted(&ui, &headers, &body));
    ui.db()
        .await?
        .escalate(&s.actor(), id, f.get("reason"))
        .await?;
    back_to_alert(id, "escalated")
}

/// Proposes closing an alert.
pub async fn propose(
    State(ui): State<Arc<Ui>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> Page {
    let (s, f) = signed_in!(posted(&ui, &headers, &body));
    let outcome = records::parse_outcome_arg(f.get("outcome"))?;
    ui.db()
        .await?
        .propose(&s.actor(), id, outcome, f.get("reason"))
        .await?;
    back_to_alert(id, "proposed")
}

/// Approves or rejects a pending decision; the records layer refuses the proposer and
/// analysts, whatever the form says.
pub async fn review(
    State(ui): State<Arc<Ui>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> Page {
    let (s, f) = signed_in!(posted(&ui, &headers, &body));
    let approve = match f.get("action") {
        "approve" => true,
        "reject" => false,
        _ => return Err(UiError::bad_request("Choose approve or reject.")),
    };
    let d = ui
        .db()
        .await?
        .review(&s.actor(), id, approve, f.get("reason"))
        .await?;
    back_to_alert(d.alert_id, if approve { "approved" } else { "rejected" })
}

/// Adds a comment to an alert.
pub async fn comment(
    State(ui): State<Arc<Ui>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> Page {
    let (s, f) = signed_in!(posted(&ui, &headers, &body));
    ui.db()
        .await?
        .comment(&s.actor(), id, f.get("text"))
        .await?;
    back_to_alert(id, "commented")
}

/// The subject page.
pub async fn subject(State(ui): State<Arc<Ui>>, headers: HeaderMap, Path(id): Path<i64>) -> Page {
    let s = signed_in!(user(&ui, &headers));
    let db = ui.db().await?;
    let sub = db.subject_by_id(id).await?;
    let alerts = db.alerts_of(id).await?;
    let mut decisions = Vec::new();
    for a in alerts.iter().rev().take(50) {
        for d in db.alert(a.id).await?.decisions {
            decisions.push((a.id, view::DecisionLine::of(&d)));
        }
    }
    let page = view::SubjectPage {
        nav: Nav::of(&s, "alerts"),
        id,
        external_ref: sub.external_ref.clone(),
        name: sub
            .data
            .as_ref()
            .and_then(|d| d.names.first().cloned())
            .unwrap_or_else(|| "(deleted)".into()),
        kind: sub.kind.clone(),
        status: sub.status.clone(),
        blocked: sub.blocked,
        facts: subject_facts(sub.data.as_ref()),
        screenings: db
            .screenings_of(id, 50)
            .await?
            .into_iter()
            .map(|r| view::ScreeningLine {
                id: r.id,
                source: r.source,
                lists: r.lists,
                engine: r.engine,
                actor: r.actor,
                at: view::short_time(&r.created_at),
            })
            .collect(),
        alerts: alerts.iter().rev().map(view::AlertLine::of).collect(),
        decisions,
        allows: db
            .allow_entries_of(id)
            .await?
            .into_iter()
            .map(|r| view::AllowLine {
                entity_id: r.entity_id,
                fingerprint: r.fingerprint,
                decision_id: r.decision_id,
                at: view::short_time(&r.created_at),
            })
            .collect(),
    };
    html(&page)
}

/// The entity page: the entity as loaded, its versions across the stored snapshots of its
/// list with the field changes between them, and its alerts.
pub async fn entity(State(ui): State<Arc<Ui>>, headers: HeaderMap, Path(id): Path<String>) -> Page {
    let s = signed_in!(user(&ui, &headers));
    let db = ui.db().await?;
    let alerts = db
        .alerts_on_entity(&id, 100)
        .await?
        .iter()
        .map(view::AlertLine::of)
        .collect();
    let ui2 = ui.clone();
    let id2 = id.clone();
    let (current, versions) = tokio::task::spawn_blocking(move || entity_versions(&ui2, &id2))
        .await
        .map_err(|_| UiError::internal("reading the snapshots failed"))??;
    let shown = current
        .map(|e| (e, "the loaded lists".to_string()))
        .or_else(|| {
            versions
                .iter()
                .rev()
                .find_map(|(m, e)| e.clone().map(|e| (e, m.name())))
        });
    let Some((entity, source)) = shown else {
        return Err(UiError::new(
            StatusCode::NOT_FOUND,
            format!("No loaded or stored list holds {id}."),
        ));
    };
    let mut lines = Vec::new();
    let mut prev: Option<&model::Entity> = None;
    for (meta, e) in &versions {
        let (status, changes) = match (prev, e) {
            (_, None) => ("absent".to_string(), Vec::new()),
            (None, Some(_)) => ("present".to_string(), Vec::new()),
            (Some(p), Some(e)) => {
                let d = model::diff::diff(std::slice::from_ref(p), std::slice::from_ref(e));
                match d.changed.first() {
                    None => ("unchanged".to_string(), Vec::new()),
                    Some(c) => (
                        "changed".to_string(),
                        changes(serde_json::to_value(&c.changes).ok().as_ref()),
                    ),
                }
            }
        };
        lines.push(view::VersionLine {
            spec: meta.name(),
            published: meta.publish_date.clone().unwrap_or_default(),
            imported: view::short_time(&meta.imported_at),
            status,
            changes,
        });
        prev = e.as_ref();
    }
    let page = view::EntityPage {
        nav: Nav::of(&s, "lists"),
        caption: entity
            .names
            .first()
            .map(|n| n.full.clone())
            .unwrap_or_default(),
        id,
        source,
        names: view::entity_names(&entity),
        fields: view::entity_fields(&entity),
        versions: lines,
        alerts,
    };
    html(&page)
}

type Versions = Vec<(store::SnapshotMeta, Option<model::Entity>)>;

/// The entity as loaded now, and in every stored snapshot of its list, oldest first.
fn entity_versions(ui: &Ui, id: &str) -> Result<(Option<model::Entity>, Versions), UiError> {
    let current = listed(ui, id).map(|(e, _)| e);
    let eid = model::EntityId::parse(id).map_err(|_| UiError::bad_request("not an entity id"))?;
    let mut snaps: Vec<store::SnapshotMeta> = app::lists::snapshots(ui.ctx())?
        .into_iter()
        .map(|(m, _)| m)
        .filter(|m| list_holds(m.list.as_str(), eid.source()))
        .collect();
    snaps.sort_by(|a, b| (a.list.as_str(), &a.imported_at).cmp(&(b.list.as_str(), &b.imported_at)));
    let mut out = Vec::new();
    for m in snaps {
        let entities = ui.snapshot(&m.name())?;
        // Stored entities are sorted by id.
        let e = entities
            .binary_search_by(|e| e.id.cmp(&eid))
            .ok()
            .and_then(|i| entities.get(i).cloned());
        out.push((m, e));
    }
    Ok((current, out))
}

/// Whether a list can hold ids of a source.
fn list_holds(list: &str, source: model::SourceKind) -> bool {
    use model::SourceKind as S;
    match source {
        S::Ofac => list == "ofac-sdn",
        S::OfacCons => list == "ofac-cons",
        S::Un => list == "un",
        S::Eu => list == "eu",
        S::Uk => list == "uk",
        S::OpenSanctions => true,
    }
}

/// The lists page: the loaded versions and their ages, every stored snapshot, and a diff
/// between two of them.
pub async fn lists(
    State(ui): State<Arc<Ui>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    let s = signed_in!(user(&ui, &headers));
    let ui2 = ui.clone();
    let page = tokio::task::spawn_blocking(move || lists_page(&ui2, s, &q))
        .await
        .map_err(|_| UiError::internal("reading the lists failed"))??;
    html(&page)
}

fn lists_page(
    ui: &Ui,
    s: Session,
    q: &HashMap<String, String>,
) -> Result<view::ListsPage, UiError> {
    let ctx = ui.ctx();
    let fresh = match ui.app().live.current() {
        Some(g) => g
            .freshness(ctx, ui.app().live.rule(), app::freshness::now_seconds())
            .into_iter()
            .map(|f| view::FreshLine {
                list: f.list,
                version: f.version,
                age: f
                    .age_seconds
                    .map(|a| format!("{:.1} h", a as f64 / 3600.0))
                    .unwrap_or_else(|| "never confirmed".into()),
                fresh: f.fresh,
            })
            .collect(),
        None => Vec::new(),
    };
    let mut snaps = app::lists::snapshots(ctx)?;
    snaps.sort_by(|(a, _), (b, _)| {
        (a.list.as_str(), &b.imported_at).cmp(&(b.list.as_str(), &a.imported_at))
    });
    let snapshots: Vec<view::SnapshotLine> = snaps
        .iter()
        .map(|(m, current)| view::SnapshotLine {
            spec: m.name(),
            list: m.list.as_str().to_string(),
            version: m.version.clone(),
            published: m.publish_date.clone().unwrap_or_default(),
            imported: view::short_time(&m.imported_at),
            entities: m.entity_count().to_string(),
            current: *current,
        })
        .collect();
    let old = q.get("old").cloned().unwrap_or_default();
    let new = q.get("new").cloned().unwrap_or_default();
    let specs: Vec<(&str, &str)> = snapshots
        .iter()
        .map(|l| (l.spec.as_str(), l.spec.as_str()))
        .collect();
    let mut page = view::ListsPage {
        nav: Nav::of(&s, "lists"),
        fresh,
        olds: view::choices(&specs, &old),
        news: view::choices(&specs, &new),
        snapshots: snapshots.clone(),
        diffed: false,
        diff_title: String::new(),
        added: Vec::new(),
        removed: Vec::new(),
        changed: Vec::new(),
        diff_counts: String::new(),
    };
    if !old.is_empty() && !new.is_empty() {
        if !snapshots.iter().any(|l| l.spec == old) || !snapshots.iter().any(|l| l.spec == new) {
            return Err(UiError::bad_request("Choose two stored versions."));
        }
        let (o, n, d) = app::lists::diff_stored(ctx, &old, &new)?;
        const SHOWN: usize = 50;
        let line = |id: &model::EntityId, caption: &str, fields: String| view::DiffLine {
            id: id.to_string(),
            caption: caption.to_string(),
            fields,
        };
        page.diffed = true;
        page.diff_title = format!("{o} \u{2192} {n}");
        page.diff_counts = format!(
            "{} added, {} removed, {} changed (the first {SHOWN} of each are shown)",
            d.added.len(),
            d.removed.len(),
            d.changed.len()
        );
        page.added = d
            .added
            .iter()
            .take(SHOWN)
            .map(|e| line(&e.id, &e.caption, String::new()))
            .collect();
        page.removed = d
            .removed
            .iter()
            .take(SHOWN)
            .map(|e| line(&e.id, &e.caption, String::new()))
            .collect();
        page.changed = d
            .changed
            .iter()
            .take(SHOWN)
            .map(|c| {
                let fields = c
                    .changes
                    .iter()
                    .map(|f| f.field.replace('_', " "))
                    .collect::<Vec<_>>()
                    .join(", ");
                line(&c.id, &c.caption, fields)
            })
            .collect();
    }
    Ok(page)
}

fn audit_filter(q: &HashMap<String, String>) -> records::AuditFilter {
    let get = |k: &str| {
        q.get(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    records::AuditFilter {
        action: get("action"),
        actor: get("actor"),
        object: get("object"),
    }
}

/// The audit page: the trail newest first with filters, the chain's verification on demand.
pub async fn audit(
    State(ui): State<Arc<Ui>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    let s = signed_in!(user(&ui, &headers));
    let db = ui.db().await?;
    let filter = audit_filter(&q);
    let before = q.get("before").and_then(|b| b.parse::<i64>().ok());
    let recs = db.audit_recent(&filter, before, 100).await?;
    let older = match recs.last() {
        Some(r) if recs.len() == 100 => {
            let mut qs = form_urlencoded::Serializer::new(String::new());
            for (k, v) in [
                ("action", &filter.action),
                ("actor", &filter.actor),
                ("object", &filter.object),
            ] {
                if let Some(v) = v {
                    qs.append_pair(k, v);
                }
            }
            qs.append_pair("before", &r.seq.to_string());
            format!("/ui/audit?{}", qs.finish())
        }
        _ => String::new(),
    };
    let (verified, ok, verdict) = if q.get("verify").is_some_and(|v| v == "1") {
        let v = app::records::verify(ui.ctx(), db, &[]).await?;
        let words = if v.ok {
            format!(
                "The chain verifies: {} records and {} checkpoints, no edit, deletion, insertion or reordering.",
                v.records, v.checkpoints
            )
        } else {
            format!(
                "The chain is BROKEN at record {}: {}",
                v.first_broken.map_or("?".into(), |s| s.to_string()),
                v.problem.clone().unwrap_or_default()
            )
        };
        (true, v.ok, words)
    } else {
        (false, false, String::new())
    };
    let page = view::AuditPage {
        nav: Nav::of(&s, "audit"),
        action: filter.action.clone().unwrap_or_default(),
        actor: filter.actor.clone().unwrap_or_default(),
        object: filter.object.clone().unwrap_or_default(),
        rows: recs
            .into_iter()
            .map(|r| view::AuditLine {
                seq: r.seq,
                ts: view::short_time(&r.ts),
                href: view::object_href(&r.object),
                actor: r.actor,
                action: r.action,
                object: r.object,
                payload: r.payload,
                hash: r.hash.get(..12).unwrap_or("").to_string(),
            })
            .collect(),
        older,
        verified,
        ok,
        verdict,
        can_export: s.reviews(),
    };
    html(&page)
}

/// The audit export for regulators: JSON lines or CSV, between two sequence numbers or time
/// prefixes. Reviewers and admins only.
pub async fn audit_export(
    State(ui): State<Arc<Ui>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    let s = signed_in!(user(&ui, &headers));
    if !s.reviews() {
        return Err(UiError::forbidden(
            "Exporting the audit trail needs the reviewer role.",
        ));
    }
    let db = ui.db().await?.clone();
    let csv = q.get("format").is_some_and(|f| f == "csv");
    let bound = |k: &str| {
        q.get(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let (from, to) = (bound("from"), bound("to"));
    // The export writes through `&mut dyn Write`, which cannot cross an await point of a
    // request; it runs on a blocking thread with its own small runtime.
    let buf = tokio::task::spawn_blocking(move || {
        let mut buf = Vec::new();
        app::records::block_on(app::records::export_audit(
            &db,
            from.as_deref(),
            to.as_deref(),
            csv,
            &mut buf,
        ))
        .and_then(|r| r)
        .map(|_| buf)
    })
    .await
    .map_err(|_| UiError::internal("the export failed"))??;
    let (kind, name) = if csv {
        ("text/csv; charset=utf-8", "audit.csv")
    } else {
        ("application/x-ndjson", "audit.jsonl")
    };
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        buf,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    #[test]
    fn the_queue_filter_reads_bands_assignees_and_ignores_unknown_values() {
        let f = queue_filter(
            &q(&[
                ("state", "open"),
                ("band", "90"),
                ("assignee", "me"),
                ("kind", "robot"),
            ]),
            "ann",
        );
        assert_eq!(f.state.as_deref(), Some("open"));
        assert_eq!((f.min_score, f.max_score), (Some(0.90), Some(0.95)));
        assert_eq!(f.assignee.as_deref(), Some("ann"));
        assert_eq!(f.subject_kind, None);
        let f = queue_filter(
            &q(&[("state", "bogus"), ("assignee", "none"), ("age", "old")]),
            "ann",
        );
        assert_eq!(f.state, None);
        assert_eq!(f.assignee.as_deref(), Some(""));
        assert!(f.opened_after.is_none() && f.opened_before.is_some());
    }

    #[test]
    fn queue_links_keep_the_filters_and_replace_one() {
        let base = q(&[("state", "open"), ("band", "95"), ("after", "0.9:12")]);
        assert_eq!(
            queue_href(&base, &[("state", "closed")]),
            "/ui/alerts?band=95&state=closed"
        );
        assert_eq!(
            queue_href(&base, &[("after", "0.8:3")]),
            "/ui/alerts?state=open&band=95&after=0.8%3A3"
        );
        assert_eq!(queue_href(&q(&[]), &[]), "/ui/alerts");
    }

    #[test]
    fn forms_keep_repeated_fields() {
        let f = Form::parse(b"csrf=abc&id=1&id=2&assignee=ann+lee");
        assert_eq!(f.get("csrf"), "abc");
        assert_eq!(f.all("id").collect::<Vec<_>>(), ["1", "2"]);
        assert_eq!(f.get("assignee"), "ann lee");
        assert_eq!(f.get("missing"), "");
    }
}
