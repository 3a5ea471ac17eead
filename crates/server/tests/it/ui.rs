//! The reviewer's workbench over HTTP, as a browser without JavaScript uses it: sign-in and the
//! session cookie, CSRF tokens, the queue's filters and counts, the alert page's explanation,
//! the four-eyes flow (the proposer's approve button absent and the server refusing it), the
//! subject, entity, lists and audit pages.

use std::sync::Arc;
use std::time::Duration;

use api::SubjectInput;
use app::live::Live;
use app::records::MonitorOptions;
use app::sources::ListSource;

use super::{Server, data_dir, rule, start};

/// A browser without JavaScript: keeps the session cookie, follows no redirect by itself.
pub struct Client {
    base: String,
    agent: ureq::Agent,
    cookies: Vec<(String, String)>,
    /// Headers sent with every request.
    pub extra: Vec<(String, String)>,
}

/// An answer.
pub struct Page {
    pub status: u16,
    pub location: String,
    pub set_cookies: Vec<String>,
    pub body: String,
}

impl Page {
    /// The value of the first hidden `csrf` field.
    pub fn csrf(&self) -> String {
        let at = self
            .body
            .find("name=\"csrf\" value=\"")
            .expect("a csrf field");
        let rest = &self.body[at + 19..];
        rest[..rest.find('"').expect("end")].to_string()
    }
}

impl Client {
    pub fn new(base: &str) -> Client {
        Client {
            base: base.to_string(),
            agent: ureq::Agent::new_with_config(
                ureq::config::Config::builder()
                    .http_status_as_error(false)
                    .max_redirects(0)
                    .timeout_global(Some(Duration::from_secs(60)))
                    .build(),
            ),
            cookies: Vec::new(),
            extra: Vec::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, resp: &mut ureq::http::Response<ureq::Body>) -> Page {
        let set: Vec<String> = resp
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_string))
            .collect();
        for c in &set {
            let kv = c.split(';').next().unwrap_or("");
            if let Some((k, v)) = kv.split_once('=') {
                self.cookies.retain(|(n, _)| n != k);
                if !v.is_empty() {
                    self.cookies.push((k.to_string(), v.to_string()));
                }
            }
        }
        Page {
            status: resp.status().as_u16(),
            location: resp
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string(),
            set_cookies: set,
            body: resp.body_mut().read_to_string().unwrap_or_default(),
        }
    }

    pub fn get(&mut self, path: &str) -> Page {
        let mut r = self.agent.get(&format!("{}{path}", self.base));
        r = r.header("cookie", &self.cookie_header());
        for (k, v) in &self.extra {
            r = r.header(k, v);
        }
        let mut resp = r.call().expect("GET");
        self.keep(&mut resp)
    }

    pub fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form.iter())
            .finish();
        let mut r = self
            .agent
            .post(&format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", &self.cookie_header());
        for (k, v) in &self.extra {
            r = r.header(k, v);
        }
        let mut resp = r.send(body.as_bytes()).expect("POST");
        self.keep(&mut resp)
    }

    /// Posts a body of the given content type (a multipart upload, say).
    pub fn post_bytes(&mut self, path: &str, content_type: &str, body: &[u8]) -> Page {
        let mut resp = self
            .agent
            .post(&format!("{}{path}", self.base))
            .header("content-type", content_type)
            .header("cookie", &self.cookie_header())
            .send(body)
            .expect("POST");
        self.keep(&mut resp)
    }

    /// Signs in with a key; panics unless the service accepts it.
    pub fn sign_in(&mut self, key: &str) -> &mut Client {
        let form = self.get("/ui/login");
        assert_eq!(form.status, 200, "{}", form.body);
        let r = self.post("/ui/login", &[("csrf", &form.csrf()), ("key", key)]);
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(r.location, "/ui/alerts");
        self
    }
}

/// A service over the test watchlist, four keys (`ann` analyst, `rita` and `rob` reviewers,
/// `ops` admin), subjects that match three listed entities and one that matches none, and the
/// alerts the monitor opened for them.
pub struct Bench {
    pub server: Server,
    pub ann: String,
    pub rita: String,
    pub rob: String,
}

fn subject(
    r: &str,
    kind: &str,
    schema: Option<&str>,
    name: &str,
    birth: Option<&str>,
) -> SubjectInput {
    SubjectInput {
        external_ref: r.into(),
        kind: kind.into(),
        schema: schema.map(str::to_string),
        names: vec![name.into()],
        birth_date: birth.map(str::to_string),
        ..SubjectInput::default()
    }
}

pub fn bench() -> Bench {
    let (dir, ctx) = data_dir();
    let key = |name: &str, role| app::keys::create(&ctx, name, role).unwrap().key;
    let ann = key("ann", api::Role::Analyst);
    let rita = key("rita", api::Role::Reviewer);
    let rob = key("rob", api::Role::Reviewer);
    let subjects = vec![
        subject(
            "C-1",
            "customer",
            Some("person"),
            "Alexander Zakharov",
            Some("1965-03-04"),
        ),
        subject("C-2", "customer", Some("person"), "Ivan Petrov", None),
        subject(
            "V-3",
            "vendor",
            Some("organization"),
            "Korea Saenal Trading Co",
            None,
        ),
        subject("C-4", "customer", Some("person"), "Margaret Appleby", None),
    ];
    app::records::block_on(async {
        let db = app::records::open(&ctx, None).await.unwrap();
        let sys = records::Actor::system("test");
        db.import_subjects(&sys, &subjects, "test").await.unwrap();
        app::records::monitor(
            &ctx,
            &db,
            &ListSource::Stored,
            &MonitorOptions::default(),
            &app::Silent,
        )
        .await
        .unwrap();
    })
    .unwrap();
    let ring = app::keys::KeyRing::open(&ctx).unwrap();
    let live = Arc::new(Live::new(ctx, rule()));
    live.load(&ListSource::Stored, &app::Silent)
        .unwrap()
        .unwrap();
    let server = start(live, Some(ring), server::Config::default(), Some(dir));
    Bench {
        server,
        ann,
        rita,
        rob,
    }
}

/// The ids of the alert links on a queue page, in order.
fn alert_ids(body: &str) -> Vec<i64> {
    body.match_indices("class=\"alert-link\">#")
        .filter_map(|(i, m)| {
            let rest = &body[i + m.len()..];
            rest[..rest.find('<')?].parse().ok()
        })
        .collect()
}

#[test]
fn sign_in_exchanges_a_key_for_a_strict_http_only_session_cookie() {
    let b = bench();
    let mut c = Client::new(&b.server.base);
    let r = c.get("/ui/alerts");
    assert_eq!((r.status, r.location.as_str()), (303, "/ui/login"));
    let form = c.get("/ui/login");
    assert!(form.body.contains("<label for=\"key\">API key</label>"));
    // A post without the form's token is refused, and so is a wrong key.
    let r = c.post("/ui/login", &[("csrf", "forged"), ("key", &b.ann)]);
    assert_eq!(r.status, 403);
    let form = c.get("/ui/login");
    let r = c.post(
        "/ui/login",
        &[("csrf", &form.csrf()), ("key", "idk_00_nope")],
    );
    assert_eq!(r.status, 401);
    assert!(r.body.contains("not valid"));
    let form = c.get("/ui/login");
    let r = c.post("/ui/login", &[("csrf", &form.csrf()), ("key", &b.ann)]);
    assert_eq!(r.status, 303);
    let session = r
        .set_cookies
        .iter()
        .find(|c| c.starts_with("interdict_ui="))
        .expect("session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Strict"),
        "{session}"
    );
    assert!(!session.contains("Secure"), "plain HTTP: {session}");
    assert!(
        !session.contains(&b.ann),
        "the key never goes to the browser"
    );
    let q = c.get("/ui/alerts");
    assert_eq!(q.status, 200);
    assert!(q.body.contains("ann <span class=\"role\">analyst</span>"));
    // Behind a TLS proxy the cookie is Secure.
    let mut t = Client::new(&b.server.base);
    t.extra.push(("x-forwarded-proto".into(), "https".into()));
    let form = t.get("/ui/login");
    let r = t.post("/ui/login", &[("csrf", &form.csrf()), ("key", &b.rob)]);
    assert!(
        r.set_cookies
            .iter()
            .any(|c| c.starts_with("interdict_ui=") && c.contains("; Secure"))
    );
    // Revoking the key ends its sessions.
    let mut r = Client::new(&b.server.base);
    r.sign_in(&b.rita);
    assert_eq!(r.get("/ui/alerts").status, 200);
    app::keys::revoke(b.server.state.live.context(), &b.rita).unwrap();
    assert_eq!(r.get("/ui/alerts").status, 303);
    // Signing out ends the session on the server, not only in the browser.
    let old = c.cookies.clone();
    let csrf = q.csrf();
    assert_eq!(c.post("/ui/logout", &[("csrf", &csrf)]).status, 303);
    c.cookies = old;
    assert_eq!(c.get("/ui/alerts").status, 303);
}

#[test]
fn the_queue_counts_filters_and_bulk_assigns() {
    let b = bench();
    let mut c = Client::new(&b.server.base);
    c.sign_in(&b.ann);
    let all = c.get("/ui/alerts");
    let ids = alert_ids(&all.body);
    assert_eq!(
        ids.len(),
        3,
        "Zakharov, Petrov and Saenal alert; Appleby does not"
    );
    assert!(
        all.body.contains("<span class=\"n\">3</span> Open"),
        "{}",
        all.body
    );
    assert!(all.body.contains("Alexander Zakharov"));
    let vendors = c.get("/ui/alerts?kind=vendor");
    assert_eq!(alert_ids(&vendors.body).len(), 1);
    assert!(vendors.body.contains("Korea Saenal Trading"));
    let none = c.get("/ui/alerts?band=0&kind=vendor&state=closed");
    assert!(alert_ids(&none.body).is_empty());
    assert!(none.body.contains("No alert matches these filters."));
    // Bulk assignment needs the form's token, then assigns and moves the alerts to review.
    let csrf = all.csrf();
    let two: Vec<String> = ids[..2].iter().map(i64::to_string).collect();
    let r = c.post("/ui/alerts/assign", &[("csrf", "x"), ("id", &two[0])]);
    assert_eq!(r.status, 403);
    let r = c.post(
        "/ui/alerts/assign",
        &[
            ("csrf", &csrf),
            ("id", &two[0]),
            ("id", &two[1]),
            ("assignee", ""),
        ],
    );
    assert_eq!(
        (r.status, r.location.as_str()),
        (303, "/ui/alerts?done=assigned")
    );
    let mine = c.get("/ui/alerts?assignee=me");
    let mut got = alert_ids(&mine.body);
    got.sort_unstable();
    let mut want = ids[..2].to_vec();
    want.sort_unstable();
    assert_eq!(got, want);
    assert!(mine.body.contains("<span class=\"n\">2</span> In review"));
    let unassigned = c.get("/ui/alerts?assignee=none");
    assert_eq!(alert_ids(&unassigned.body), [ids[2]]);
}

#[test]
fn four_eyes_the_proposer_cannot_approve_and_a_second_reviewer_closes() {
    let b = bench();
    let mut rita = Client::new(&b.server.base);
    rita.sign_in(&b.rita);
    let queue = rita.get("/ui/alerts?kind=customer&sort=score");
    let id = alert_ids(&queue.body)[0];
    let page = rita.get(&format!("/ui/alerts/{id}"));
    assert_eq!(page.status, 200);
    // The explanation: aligned parts, coloured and named, and the score against the threshold.
    assert!(page.body.contains("Aligned name parts"), "{}", page.body);
    assert!(page.body.contains("class=\"w m-"));
    assert!(page.body.contains("Threshold</span> 0."));
    let csrf = page.csrf();
    let r = rita.post(
        &format!("/ui/alerts/{id}/propose"),
        &[
            ("csrf", &csrf),
            ("outcome", "false-positive"),
            ("reason", "different birth year"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let page = rita.get(&format!("/ui/alerts/{id}"));
    assert!(page.body.contains("id=\"why-not\""), "{}", page.body);
    assert!(
        !page.body.contains("id=\"approve\""),
        "the proposer sees no approve button"
    );
    assert!(page.body.contains("proposed by <strong>rita</strong>"));
    assert!(
        !page.body.contains("/ui/decisions/"),
        "no review form for the proposer"
    );
    // The database is fresh, so this is decision 1.
    let decision = 1;
    // A forged approval by the proposer is refused by the server.
    let r = rita.post(
        &format!("/ui/decisions/{decision}/review"),
        &[
            ("csrf", &csrf),
            ("action", "approve"),
            ("reason", "me again"),
        ],
    );
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("four-eyes"), "{}", r.body);
    // An analyst cannot approve either.
    let mut ann = Client::new(&b.server.base);
    ann.sign_in(&b.ann);
    let page = ann.get(&format!("/ui/alerts/{id}"));
    assert!(page.body.contains("needs the reviewer role"));
    let r = ann.post(
        &format!("/ui/decisions/{decision}/review"),
        &[
            ("csrf", &page.csrf()),
            ("action", "approve"),
            ("reason", "x"),
        ],
    );
    assert_eq!(r.status, 403);
    // A second reviewer approves; the alert closes and the pair is allow-listed.
    let mut rob = Client::new(&b.server.base);
    rob.sign_in(&b.rob);
    let page = rob.get(&format!("/ui/alerts/{id}"));
    assert!(page.body.contains("id=\"approve\""));
    let r = rob.post(
        &format!("/ui/decisions/{decision}/review"),
        &[
            ("csrf", &page.csrf()),
            ("action", "approve"),
            ("reason", "agreed"),
        ],
    );
    assert_eq!(
        (r.status, r.location.clone()),
        (303, format!("/ui/alerts/{id}?done=approved"))
    );
    let page = rob.get(&format!("/ui/alerts/{id}?done=approved"));
    assert!(page.body.contains("id=\"alert-state\">Closed</span>"));
    assert!(page.body.contains("False positive"));
    let sid = page.body.find("/ui/subjects/").map(|i| {
        let rest = &page.body[i + 13..];
        rest[..rest.find('"').unwrap()].to_string()
    });
    let subject = rob.get(&format!("/ui/subjects/{}", sid.unwrap()));
    assert!(
        subject
            .body
            .contains("An entry holds until the listed entity changes")
    );
    // Comments land in the audit trail, and the chain verifies.
    let r = rob.post(
        &format!("/ui/alerts/{id}/comment"),
        &[("csrf", &page.csrf()), ("text", "checked the passport")],
    );
    assert_eq!(r.status, 303);
    assert!(
        rob.get(&format!("/ui/alerts/{id}"))
            .body
            .contains("checked the passport")
    );
    let audit = rob.get("/ui/audit?action=decision.");
    assert!(audit.body.contains("decision.approve") && audit.body.contains("decision.propose"));
    assert!(!audit.body.contains("alert.comment"));
    let v = rob.get("/ui/audit?verify=1");
    assert!(v.body.contains("id=\"verdict\">✔ OK."), "{}", v.body);
    let csv = rob.get("/ui/audit/export?format=csv");
    assert_eq!(csv.status, 200);
    assert!(
        csv.body
            .starts_with("seq,ts,actor,action,object,payload,prev_hash,hash"),
        "{}",
        csv.body
    );
    assert!(csv.body.contains("decision.approve"));
    assert_eq!(ann.get("/ui/audit/export").status, 403);
}

#[test]
fn entity_lists_and_error_pages() {
    let b = bench();
    let mut c = Client::new(&b.server.base);
    c.sign_in(&b.ann);
    let e = c.get("/ui/entities/os:NK-zakharov");
    assert_eq!(e.status, 200, "{}", e.body);
    assert!(e.body.contains("Александр Вячеславович Захаров"));
    assert!(e.body.contains("Versions across list updates"));
    assert!(
        e.body
            .contains("<dt>birth dates</dt><dd><span class=\"v\">1965-03-04</span>"),
        "{}",
        e.body
    );
    assert!(
        e.body
            .contains("<dt>topics</dt><dd><span class=\"v\">sanction</span>"),
        "{}",
        e.body
    );
    let l = c.get("/ui/lists");
    assert!(l.body.contains("opensanctions"));
    assert!(l.body.contains(">current</span>"));
    assert_eq!(c.get("/ui/alerts/999999").status, 404);
    assert_eq!(c.get("/ui/entities/os:nobody").status, 404);
    assert_eq!(c.get("/ui/static/ui.css").status, 200);
}

#[test]
fn escalation_and_comments_need_a_reason_and_a_token() {
    let b = bench();
    let mut c = Client::new(&b.server.base);
    c.sign_in(&b.ann);
    let id = alert_ids(&c.get("/ui/alerts").body)[0];
    let page = c.get(&format!("/ui/alerts/{id}"));
    let csrf = page.csrf();
    // Without a reason the records layer refuses, and the page says why.
    let r = c.post(
        &format!("/ui/alerts/{id}/escalate"),
        &[("csrf", &csrf), ("reason", " ")],
    );
    assert_eq!(r.status, 409);
    assert!(r.body.contains("a reason is required"), "{}", r.body);
    let r = c.post(
        &format!("/ui/alerts/{id}/comment"),
        &[("csrf", "stale"), ("text", "x")],
    );
    assert_eq!(r.status, 403);
    let r = c.post(
        &format!("/ui/alerts/{id}/escalate"),
        &[("csrf", &csrf), ("reason", "possible vessel owner")],
    );
    assert_eq!(r.location, format!("/ui/alerts/{id}?done=escalated"));
    let page = c.get(&format!("/ui/alerts/{id}"));
    assert!(page.body.contains("id=\"alert-state\">Escalated</span>"));
    assert!(
        c.get("/ui/alerts?state=escalated")
            .body
            .contains("<span class=\"n\">1</span> Escalated")
    );
    assert!(
        c.get("/ui/audit?action=alert.escalate")
            .body
            .contains("possible vessel owner")
    );
}

#[test]
fn without_keys_the_operator_names_themself() {
    let (dir, ctx) = data_dir();
    let live = Arc::new(Live::new(ctx, rule()));
    live.load(&ListSource::Stored, &app::Silent)
        .unwrap()
        .unwrap();
    let s = start(live, None, server::Config::default(), Some(dir));
    let mut c = Client::new(&s.base);
    let form = c.get("/ui/login");
    assert!(form.body.contains("<label for=\"user\">User name</label>"));
    let r = c.post("/ui/login", &[("csrf", &form.csrf()), ("user", "")]);
    assert_eq!(r.status, 400);
    let form = c.get("/ui/login");
    let r = c.post("/ui/login", &[("csrf", &form.csrf()), ("user", "operator")]);
    assert_eq!(r.status, 303);
    let q = c.get("/ui/alerts");
    assert!(
        q.body
            .contains("operator <span class=\"role\">admin</span>")
    );
    assert!(q.body.contains("No alert matches these filters."));
}
