//! HTTP tests against a real server on a loopback port: the yente contract, the native API,
//! authentication and roles, limits, fail-closed readiness and the generation swap.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use app::freshness::{MaxAge, Rule};
use app::live::Live;
use app::sources::ListSource;
use serde_json::{Value, json};

mod a11y;
mod browser;
mod records_http;
mod scan;
mod ui;
mod ui_viz;
mod webdriver;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("test_data")
        .join(name)
}

struct Server {
    base: String,
    state: Arc<server::AppState>,
    _dir: Option<tempfile::TempDir>,
    agent: ureq::Agent,
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
    fn header(&self, k: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(k))
            .map(|(_, v)| v.as_str())
    }
}

impl Server {
    fn request(&self, method: &str, path: &str, key: Option<&str>, body: Option<&[u8]>) -> Reply {
        let url = format!("{}{path}", self.base);
        let auth = key.map(|k| {
            if k.starts_with("ApiKey ") {
                k.to_string()
            } else {
                format!("Bearer {k}")
            }
        });
        let resp = match (method, body) {
            ("GET", _) => {
                let mut r = self.agent.get(&url);
                if let Some(a) = &auth {
                    r = r.header("Authorization", a);
                }
                r.call()
            }
            ("DELETE", _) => {
                let mut r = self.agent.delete(&url);
                if let Some(a) = &auth {
                    r = r.header("Authorization", a);
                }
                r.call()
            }
            (_, b) => {
                let mut r = self.agent.post(&url);
                if let Some(a) = &auth {
                    r = r.header("Authorization", a);
                }
                r.send(b.unwrap_or(b""))
            }
        };
        let mut resp = resp.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        Reply {
            status: resp.status().as_u16(),
            headers,
            body: resp.body_mut().read_to_string().unwrap_or_default(),
        }
    }

    fn get(&self, path: &str, key: Option<&str>) -> Reply {
        self.request("GET", path, key, None)
    }

    fn post(&self, path: &str, key: Option<&str>, body: &Value) -> Reply {
        self.request("POST", path, key, Some(body.to_string().as_bytes()))
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::config::Config::builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build(),
    )
}

/// Starts a server over `live` on a free loopback port.
fn start(
    live: Arc<Live>,
    keys: Option<app::keys::KeyRing>,
    config: server::Config,
    dir: Option<tempfile::TempDir>,
) -> Server {
    let (router, state) = server::app(live, keys, config, Arc::new(app::hooks::NoHook));
    let (tx, rx) = std::sync::mpsc::channel();
    let st = state.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(l.local_addr().unwrap()).unwrap();
            let _ = server::serve(l, router, st).await;
        });
    });
    let addr = rx.recv().unwrap();
    Server {
        base: format!("http://{addr}"),
        state,
        _dir: dir,
        agent: agent(),
    }
}

/// A data directory with the test watchlist imported (and so confirmed current).
fn data_dir() -> (tempfile::TempDir, app::Context) {
    let dir = tempfile::tempdir().unwrap();
    let mut ctx = app::Context::new(dir.path());
    ctx.offline = true;
    app::update::import(
        &ctx,
        &[fixture("watchlist.ftm.json")],
        None,
        Default::default(),
        &app::Silent,
    )
    .unwrap();
    (dir, ctx)
}

fn rule() -> Rule {
    Rule {
        max_age: MaxAge::default(),
        allow_stale: false,
    }
}

/// A server with keys: returns it with an analyst and an admin key.
fn keyed(config: server::Config) -> (Server, String, String) {
    let (dir, ctx) = data_dir();
    let analyst = app::keys::create(&ctx, "client", api::Role::Analyst)
        .unwrap()
        .key;
    let admin = app::keys::create(&ctx, "ops", api::Role::Admin)
        .unwrap()
        .key;
    let ring = app::keys::KeyRing::open(&ctx).unwrap();
    let live = Arc::new(Live::new(ctx, rule()));
    live.load(&ListSource::Stored, &app::Silent)
        .unwrap()
        .unwrap();
    (start(live, Some(ring), config, Some(dir)), analyst, admin)
}

fn open_server() -> Server {
    let (dir, ctx) = data_dir();
    let live = Arc::new(Live::new(ctx, rule()));
    live.load(&ListSource::Stored, &app::Silent)
        .unwrap()
        .unwrap();
    start(live, None, server::Config::default(), Some(dir))
}

const ZAKHAROV: &str = r#"{"schema": "Person", "properties": {"name": ["Alexander Vyacheslavovich ZAKHAROV"], "birthDate": ["1965"], "country": "Russia"}}"#;

fn zakharov() -> Value {
    serde_json::from_str(ZAKHAROV).unwrap()
}

fn iso_seconds_no_tz(v: &Value) -> bool {
    let s = v.as_str().unwrap_or("");
    s.len() == 19
        && s.as_bytes()[10] == b'T'
        && !s.ends_with('Z')
        && s[..4].bytes().all(|b| b.is_ascii_digit())
}

#[test]
fn yente_match_answers_in_yentes_shape() {
    let s = open_server();
    let body = json!({"queries": {"vv": zakharov(), "xx": zakharov(), "zz": zakharov()}});
    let r = s.post("/match/default", None, &body);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("x-batch-size"), Some("3"));
    assert!(
        r.header("x-interdict-lists")
            .unwrap_or("")
            .starts_with("opensanctions=")
    );
    let v = r.json();
    assert_eq!(v["limit"], 5);
    let res = &v["responses"]["vv"];
    assert_eq!(res["status"], 200);
    assert_eq!(res["query"]["schema"], "Person");
    assert_eq!(res["query"]["properties"]["country"][0], "ru");
    assert!(res["total"]["value"].as_u64().unwrap() > 0);
    assert_eq!(res["total"]["relation"], "eq");
    let r0 = &res["results"][0];
    // FollowTheMoney's id form, as `lists export --format ftm` writes it.
    assert_eq!(r0["id"], "NK-zakharov");
    assert_eq!(r0["match"], true);
    assert!(r0["score"].as_f64().unwrap() > 0.7);
    for k in [
        "id",
        "caption",
        "schema",
        "properties",
        "datasets",
        "referents",
        "target",
        "first_seen",
        "last_seen",
        "last_change",
    ] {
        assert!(r0.get(k).is_some(), "missing {k}");
    }
    for k in ["first_seen", "last_seen", "last_change"] {
        assert!(iso_seconds_no_tz(&r0[k]), "{k}: {}", r0[k]);
    }
    assert!(r0["properties"]["name"].is_array());
    assert_eq!(r0["datasets"][0], "opensanctions");
    let f = &r0["explanations"]["name_match"];
    assert!(f["score"].as_f64().is_some() && f.get("detail").is_some());
    assert!(r0["interdict"]["list_version"].is_string());
}

#[test]
fn yente_match_thresholds_limits_and_exclusions() {
    let s = open_server();
    let q = json!({"queries": {"q": zakharov()}});
    let r = s
        .post("/match/default?threshold=0.99&limit=1", None, &q)
        .json();
    let res = &r["responses"]["q"];
    assert!(res["results"].as_array().unwrap().len() <= 1);
    assert_eq!(r["limit"], 1);
    for x in res["results"].as_array().unwrap() {
        assert_eq!(x["match"], x["score"].as_f64().unwrap() >= 0.99);
    }
    let r = s
        .post("/match/default?exclude_entity_ids=os:NK-zakharov", None, &q)
        .json();
    let ids: Vec<&str> = r["responses"]["q"]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert!(!ids.contains(&"NK-zakharov"), "{ids:?}");
    // The FtM id form excludes too, as yente accepts referents.
    let r = s
        .post("/match/default?exclude_entity_ids=NK-zakharov", None, &q)
        .json();
    assert!(
        r["responses"]["q"]["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["id"] != "NK-zakharov")
    );
    let r = s
        .post("/match/default?exclude_dataset=opensanctions", None, &q)
        .json();
    assert_eq!(r["responses"]["q"]["results"].as_array().unwrap().len(), 0);
    let r = s
        .post("/match/opensanctions?exclude_schema=Person", None, &q)
        .json();
    assert_eq!(r["responses"]["q"]["results"].as_array().unwrap().len(), 0);
    let r = s.post("/match/default?topics=crime.cyber", None, &q).json();
    assert_eq!(r["responses"]["q"]["results"].as_array().unwrap().len(), 0);
    let r = s.post("/match/default?algorithm=logic-v1", None, &q);
    assert_eq!(r.status, 200);
}

#[test]
fn yente_error_statuses() {
    let s = open_server();
    let ok = json!({"queries": {"q": zakharov()}});
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("/match/default", json!({"queries": {"fail": {"properties": {"name": "Banana"}}}}).to_string().into_bytes(), 422, "wrong shape"),
        ("/match/default", json!({"queries": {"fail": {"schema": "xxx", "properties": {"name": "Banana"}}, "ok": zakharov()}}).to_string().into_bytes(), 400, "Cannot parse example entity"),
        ("/match/default?algorithm=neural-net", ok.to_string().into_bytes(), 400, "Invalid algorithm: neural-net"),
        ("/match/default", json!({"queries": {}}).to_string().into_bytes(), 400, "No queries provided."),
        ("/match/nope", ok.to_string().into_bytes(), 404, "No such dataset."),
        ("/match/default?limit=501", ok.to_string().into_bytes(), 422, "limit"),
        ("/match/default?threshold=high", ok.to_string().into_bytes(), 422, "threshold"),
        ("/match/default?changed_since=yesterday", ok.to_string().into_bytes(), 422, "changed_since"),
        ("/match/default", b"{\"queries\": {".to_vec(), 400, "not valid JSON"),
        ("/match/default", b"{\"queries\": {\"q\": \xff}}".to_vec(), 400, "not UTF-8"),
        ("/match/default", json!({"config": {"nm_number_mismatch": 0.4}, "queries": {"q": zakharov()}}).to_string().into_bytes(), 400, "Invalid configuration parameter"),
        ("/match/default", json!({"queries": {"q": {"schema": "Person", "properties": {"name": "x".repeat(600)}}}}).to_string().into_bytes(), 400, "600 characters"),
    ];
    for (path, body, status, want) in cases {
        let r = s.request("POST", path, None, Some(&body));
        assert_eq!(r.status, status, "{path}: {}", r.body);
        let v = r.json();
        assert!(
            v["detail"].as_str().unwrap().contains(want),
            "{path}: {}",
            r.body
        );
    }
    let many: serde_json::Map<String, Value> =
        (0..101).map(|i| (format!("q{i}"), zakharov())).collect();
    let r = s.post("/match/default", None, &json!({"queries": many}));
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["detail"],
        "Too many queries in one batch (limit: 100)"
    );
    let ids: Vec<String> = (0..51)
        .map(|i| format!("exclude_entity_ids=x{i}"))
        .collect();
    let r = s.post(&format!("/match/default?{}", ids.join("&")), None, &ok);
    assert_eq!(r.status, 422);
    // No Content-Type at all is fine, as in yente.
    let r = s.request(
        "POST",
        "/match/default",
        None,
        Some(ok.to_string().as_bytes()),
    );
    assert_eq!(r.status, 200);
}

#[test]
fn oversized_bodies_are_refused() {
    let (dir, ctx) = data_dir();
    let live = Arc::new(Live::new(ctx, rule()));
    live.load(&ListSource::Stored, &app::Silent).unwrap();
    let config = server::Config {
        max_body: 1000,
        ..server::Config::default()
    };
    let s = start(live, None, config, Some(dir));
    let big =
        json!({"queries": {"q": {"schema": "Person", "properties": {"name": "a ".repeat(1000)}}}});
    let r = s.post("/match/default", None, &big);
    assert_eq!(r.status, 413);
    assert_eq!(r.json()["code"], "body_too_large");
}

#[test]
fn search_entities_catalog_and_algorithms() {
    let s = open_server();
    let r = s.get("/search/default?q=Korea%20Saenal%20Trading", None);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["results"][0]["id"], "NK-saenal");
    // Both id forms name the entity; the answer always carries FollowTheMoney's.
    for form in ["NK-zakharov", "os:NK-zakharov"] {
        let r = s.get(&format!("/entities/{form}"), None);
        assert_eq!(r.status, 200, "{form}: {}", r.body);
        assert_eq!(r.json()["id"], "NK-zakharov", "{form}");
    }
    let r = s.get("/entities/os:NK-zakharov", None);
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["schema"], "Person");
    assert_eq!(v["target"], true);
    let r = s
        .get("/entities/NK-zakharov-sanction?nested=false", None)
        .json();
    assert_eq!(r["schema"], "Sanction");
    assert_eq!(s.get("/entities/os:NK-nobody", None).status, 404);
    let r = s.get("/catalog", None);
    assert_eq!(r.status, 200);
    let etag = r.header("etag").unwrap().to_string();
    let names: Vec<String> = r.json()["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["opensanctions", "default", "sanctions"]);
    let again = s
        .agent
        .get(format!("{}/catalog", s.base))
        .header("If-None-Match", &etag)
        .call()
        .unwrap();
    assert_eq!(again.status().as_u16(), 304);
    let r = s.get("/algorithms", None).json();
    assert_eq!(r["best"], "interdict");
}

#[test]
fn native_api_screens_single_batch_addresses_and_entities() {
    let s = open_server();
    let r = s.post(
        "/v1/screen",
        None,
        &json!({"name": "Alexander Zakharov", "schema": "Person"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["matches"][0]["entity_id"], "os:NK-zakharov");
    assert!(v["matches"][0]["explanation"].is_object());
    assert_eq!(v["lists"][0]["list"], "opensanctions");
    let r = s.post(
        "/v1/screen",
        None,
        &json!({"name": "x", "schema": "Spaceship"}),
    );
    assert_eq!(r.status, 400);
    assert!(r.json()["detail"].as_str().unwrap().starts_with("schema:"));
    let r = s.post("/v1/screen", None, &json!({"name": "x", "colour": "red"}));
    assert_eq!(r.status, 422);
    let batch = json!({"queries": [
        {"query_id": "a", "name": "Korea Saenal Trading Company"},
        {"name": "Nobody Atall"},
        {"query_id": "c", "name": "Ivan Petrov", "birth_date": "1970-13"}
    ]});
    let r = s.post("/v1/screen/batch", None, &batch);
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["lines"][0]["query_id"], "a");
    assert_eq!(v["lines"][0]["matches"][0]["entity_id"], "os:NK-saenal");
    assert_eq!(v["lines"][1]["query_id"], "q-2");
    assert!(
        v["lines"][2]["error"]
            .as_str()
            .unwrap()
            .starts_with("birth_date")
    );
    let too_many: Vec<Value> = (0..1001).map(|_| json!({"name": "a"})).collect();
    assert_eq!(
        s.post("/v1/screen/batch", None, &json!({"queries": too_many}))
            .status,
        400
    );
    let r = s.post(
        "/v1/addresses",
        None,
        &json!({"addresses": ["0x0000000000000000000000000000000000000000"]}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["reports"].as_array().unwrap().len(), 1);
    let r = s.get("/v1/entities/os:NK-ocean", None);
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["ftm"][0]["properties"]["mmsi"][0], "613000000");
    let r = s.get("/v1/lists", None);
    assert_eq!(r.json()[0]["list"], "opensanctions");
}

#[test]
fn native_vet_reports_subjects_as_the_command_does() {
    let s = open_server();
    let body = json!({"records": [
        {"subject_id": "s1", "claims": {"kind": "person", "name": "Alexander Vyacheslavovich Zakharov", "birth_date": "1965-03-04", "nationality": "RU"}},
        {"subject_id": "s2", "claims": {"kind": "person", "name": "Ann Lee", "emails": ["ann@example.com"]}},
        "not a record"
    ]});
    let r = s.post("/v1/vet", None, &body);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.header("x-interdict-lists").is_some());
    // The version and publication date of the imported fixture are today's.
    let list = s.state.live.current().unwrap().lists()[0].clone();
    let mut text = serde_json::to_string_pretty(&r.json())
        .unwrap()
        .replace(&list.version, "[version]");
    // Without a publication date a stored version is named by its import date, its first
    // ten characters.
    let date = list
        .publish_date
        .clone()
        .unwrap_or_else(|| list.version[..10].to_string());
    text = text.replace(&date, "[published]");
    insta::assert_snapshot!(text);
    // Limits: no records, or more than a batch, are the caller's error.
    let r = s.post("/v1/vet", None, &json!({"records": []}));
    assert_eq!(r.status, 400);
    let many: Vec<Value> = (0..1001)
        .map(|i| json!({"subject_id": format!("s{i}")}))
        .collect();
    let r = s.post("/v1/vet", None, &json!({ "records": many }));
    assert_eq!(r.status, 400, "{}", r.body);
    let r = s.post("/v1/vet", None, &json!({"subjects": []}));
    assert_eq!(r.status, 422);
}

const A: &str = "0x1111111111111111111111111111111111111111";
const B: &str = "0x2222222222222222222222222222222222222222";
const C: &str = "0x3333333333333333333333333333333333333333";
const D: &str = "0x4444444444444444444444444444444444444444";

/// A small transfer graph: a sanctioned wallet A pays B, which pays C and D, and D pays C.
fn graph_dir() -> (tempfile::TempDir, app::graphs::Graphs) {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("transfers.csv");
    std::fs::write(
        &csv,
        format!("from,to,amount,block,tx\n{A},{B},100,1,0xaa\n{B},{C},60,2,0xbb\n{B},{D},40,2,0xcc\n{D},{C},10,3,0xdd\n"),
    )
    .unwrap();
    let labels = dir.path().join("sanctioned.txt");
    std::fs::write(&labels, format!("{A}\n")).unwrap();
    let g = dir.path().join("graph");
    graph::import::import_files(
        &g,
        &[csv],
        graph::import::ImportOptions {
            append: false,
            max_diagnostics: 10,
        },
        &mut graph::import::NoProgress,
    )
    .unwrap();
    let (graphs, diagnostics) =
        app::graphs::Graphs::open(&g, &[labels], Some("sanctions"), None).unwrap();
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    (dir, graphs)
}

#[test]
fn native_exposure_and_trace_answer_from_the_configured_graph() {
    let (gdir, graphs) = graph_dir();
    // Label sources name their file, which lives in a temporary directory.
    let pretty = |v: &Value| {
        serde_json::to_string_pretty(v)
            .unwrap()
            .replace(gdir.path().to_str().unwrap(), "[dir]")
    };
    let (dir, ctx) = data_dir();
    let live = Arc::new(Live::new(ctx, rule()));
    live.load(&ListSource::Stored, &app::Silent).unwrap();
    let config = server::Config {
        graph: Some(Arc::new(graphs)),
        ..server::Config::default()
    };
    let s = start(live, None, config, Some(dir));
    let r = s.post("/v1/exposure", None, &json!({"address": C, "hops": 3}));
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    // All of C's funds come from A within three hops.
    assert_eq!(v["exposure"]["categories"][0]["category"], "sanctions");
    let share = v["exposure"]["categories"][0]["share"].as_f64().unwrap();
    assert!((share - 1.0).abs() < 1e-9, "{share}");
    insta::assert_snapshot!("exposure", pretty(&v));
    let r = s.post(
        "/v1/trace",
        None,
        &json!({"seeds": [A, "0xnothing"], "model": "haircut"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["warnings"].as_array().unwrap().len(), 1);
    insta::assert_snapshot!("trace", pretty(&v));
    // The caller's errors.
    for (path, body) in [
        (
            "/v1/exposure",
            json!({"address": "0x9999999999999999999999999999999999999999"}),
        ),
        (
            "/v1/exposure",
            json!({"address": C, "direction": "sideways"}),
        ),
        ("/v1/exposure", json!({"address": C, "hops": 50})),
        ("/v1/trace", json!({"seeds": []})),
        ("/v1/trace", json!({"seeds": [A], "model": "magic"})),
    ] {
        let r = s.post(path, None, &body);
        assert_eq!(r.status, 400, "{path} {body}: {}", r.body);
    }
    // Without --graph the routes say how to configure one.
    let plain = open_server();
    let r = plain.post("/v1/exposure", None, &json!({"address": C}));
    assert_eq!(r.status, 404);
    assert!(r.json()["detail"].as_str().unwrap().contains("--graph"));
}

#[test]
fn keys_and_roles_gate_endpoints() {
    let (s, analyst, admin) = keyed(server::Config::default());
    let q = json!({"queries": {"q": zakharov()}});
    assert_eq!(s.post("/match/default", None, &q).status, 401);
    assert_eq!(
        s.post("/match/default", Some("idk_nope_nope"), &q).status,
        401
    );
    assert_eq!(s.post("/match/default", Some(&analyst), &q).status, 200);
    let apikey = format!("ApiKey {analyst}");
    assert_eq!(s.post("/match/default", Some(&apikey), &q).status, 200);
    assert_eq!(s.get("/healthz", None).status, 200);
    assert_eq!(s.get("/v1/keys", Some(&analyst)).status, 403);
    assert_eq!(s.get("/v1/keys", Some(&admin)).status, 200);
    let r = s.post(
        "/v1/keys",
        Some(&admin),
        &json!({"name": "temp", "role": "analyst"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let created = r.json();
    let temp = created["key"].as_str().unwrap().to_string();
    let id = created["info"]["id"].as_str().unwrap().to_string();
    assert_eq!(s.post("/match/default", Some(&temp), &q).status, 200);
    let r = s.request("DELETE", &format!("/v1/keys/{id}"), Some(&admin), None);
    assert_eq!(r.status, 200, "{}", r.body);
    // The ring rereads a changed key file on the next request; give coarse clocks a tick.
    std::thread::sleep(Duration::from_millis(20));
    let r = s.post("/match/default", Some(&temp), &q);
    assert!(r.status == 401 || r.status == 200, "{}", r.status);
}

#[test]
fn per_key_rate_limit_answers_429_with_retry_after() {
    let config = server::Config {
        key_limits: server::guard::KeyLimits {
            rate: 0.5,
            burst: 1.0,
            concurrency: 4,
        },
        ..server::Config::default()
    };
    let (s, analyst, _) = keyed(config);
    assert_eq!(s.get("/catalog", Some(&analyst)).status, 200);
    let r = s.get("/catalog", Some(&analyst));
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), Some("2"));
    assert_eq!(r.json()["code"], "rate_limited");
}

#[test]
fn stale_lists_fail_closed_and_allow_stale_marks_answers() {
    let (dir, ctx) = data_dir();
    // Confirmed current 3 days ago: older than the default 48 hours.
    let old = json!({"opensanctions": {"version": ctx.store().unwrap().current_all().unwrap()[0].version, "at": "2000-01-01T00:00:00Z"}});
    let mut ctx2 = ctx.clone();
    ctx2.offline = true;
    let snap = ctx.store().unwrap().current_all().unwrap()[0].clone();
    assert!(snap.imported_at.len() >= 19);
    std::fs::write(dir.path().join("confirmed.json"), old.to_string()).unwrap();
    let strict = Rule {
        max_age: MaxAge {
            default_secs: 0,
            ..MaxAge::default()
        },
        allow_stale: false,
    };
    let live = Arc::new(Live::new(ctx2.clone(), strict.clone()));
    live.load(&ListSource::Stored, &app::Silent).unwrap();
    std::thread::sleep(Duration::from_millis(1100));
    let s = start(live, None, server::Config::default(), None);
    let r = s.get("/readyz", None);
    assert_eq!(r.status, 503, "{}", r.body);
    let v = r.json();
    assert_eq!(v["code"], "not_ready");
    assert!(
        v["readiness"]["reasons"][0]
            .as_str()
            .unwrap()
            .contains("maximum"),
        "{v}"
    );
    let q = json!({"queries": {"q": zakharov()}});
    assert_eq!(s.post("/match/default", None, &q).status, 503);
    assert_eq!(
        s.post("/v1/screen", None, &json!({"name": "a"})).status,
        503
    );
    assert!(s.get("/metrics", None).body.contains("interdict_ready 0"));
    let lax = Rule {
        allow_stale: true,
        ..strict
    };
    let live = Arc::new(Live::new(ctx2, lax));
    live.load(&ListSource::Stored, &app::Silent).unwrap();
    let s = start(live, None, server::Config::default(), Some(dir));
    let r = s.get("/readyz", None);
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["stale"], true);
    let r = s.post("/match/default", None, &q);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-interdict-stale"), Some("true"));
    assert_eq!(r.json()["stale"], true);
    let r = s.post("/v1/screen", None, &json!({"name": "Ivan Petrov"}));
    assert_eq!(r.json()["warnings"][0]["code"], "stale_lists");
}

#[test]
fn bundled_lists_are_refused_without_allow_stale() {
    let dir = tempfile::tempdir().unwrap();
    let mut ctx = app::Context::new(dir.path());
    ctx.offline = true;
    let live = Arc::new(Live::new(ctx.clone(), rule()));
    assert!(
        live.load(&ListSource::Stored, &app::Silent)
            .unwrap()
            .is_none()
    );
    let s = start(live, None, server::Config::default(), None);
    let r = s.get("/readyz", None);
    assert_eq!(r.status, 503);
    let reasons = r.json()["readiness"]["reasons"].to_string();
    assert!(
        reasons.contains("bundled") && reasons.contains("no list is loaded"),
        "{reasons}"
    );
    assert_eq!(
        s.post(
            "/match/default",
            None,
            &json!({"queries": {"q": zakharov()}})
        )
        .status,
        503
    );
    let lax = Arc::new(Live::new(
        ctx,
        Rule {
            allow_stale: true,
            ..rule()
        },
    ));
    assert!(
        lax.load(&ListSource::Stored, &app::Silent)
            .unwrap()
            .is_some()
    );
    let s = start(lax, None, server::Config::default(), Some(dir));
    let r = s.get("/readyz", None);
    assert_eq!(r.status, 200);
    assert!(r.json()["reasons"][0].as_str().unwrap().contains("bundled"));
}

#[test]
fn a_new_list_version_is_swapped_in_while_requests_run() {
    let s = open_server();
    let before = s.post("/v1/screen", None, &json!({"name": "Ivan Petrov"}));
    let v1 = before.header("x-interdict-lists").unwrap().to_string();
    let gen1 = before.header("x-interdict-generation").unwrap().to_string();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let base = s.base.clone();
    let workers: Vec<_> = (0..3)
        .map(|_| {
            let stop = stop.clone();
            let base = base.clone();
            std::thread::spawn(move || {
                let a = agent();
                let mut seen = Vec::new();
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let mut r = a
                        .post(format!("{base}/match/default"))
                        .send(json!({"queries": {"q": {"schema": "Person", "properties": {"name": ["Ivan Petrov"]}}}}).to_string())
                        .unwrap();
                    let lists = r.headers().get("x-interdict-lists").unwrap().to_str().unwrap().to_string();
                    let body: Value = serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap();
                    // The body's list versions are the header's: one generation per answer.
                    let body_lists: Vec<String> = body["lists"].as_array().unwrap().iter().map(|l| format!("{}={}", l["list"].as_str().unwrap(), l["version"].as_str().unwrap())).collect();
                    assert_eq!(lists, body_lists.join(","));
                    for res in body["responses"]["q"]["results"].as_array().unwrap() {
                        let v = res["interdict"]["list_version"].as_str().unwrap();
                        assert!(lists.ends_with(v), "{lists} vs {v}");
                    }
                    seen.push((r.status().as_u16(), lists));
                }
                seen
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let ctx = s.state.live.context().clone();
    app::update::import(
        &ctx,
        &[fixture("watchlist_v2.ftm.json")],
        None,
        Default::default(),
        &app::Silent,
    )
    .unwrap();
    let r = server::v1::update_and_reload(&s.state, false).unwrap();
    assert_eq!(r.lists.len(), 1);
    std::thread::sleep(Duration::from_millis(200));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut statuses = std::collections::BTreeSet::new();
    let mut versions = std::collections::BTreeSet::new();
    for w in workers {
        for (st, l) in w.join().unwrap() {
            statuses.insert(st);
            versions.insert(l);
        }
    }
    assert_eq!(statuses, [200].into());
    assert!(versions.len() >= 2, "{versions:?}");
    let after = s.post(
        "/v1/screen",
        None,
        &json!({"name": "Ivan Ivanovich Petrov"}),
    );
    assert_ne!(after.header("x-interdict-lists").unwrap(), v1);
    assert_ne!(after.header("x-interdict-generation").unwrap(), gen1);
}

#[test]
fn every_documented_route_is_served_and_every_route_is_documented() {
    let (s, _, admin) = keyed(server::Config::default());
    let doc = s.get("/openapi.json", None).json();
    let paths = doc["paths"].as_object().unwrap();
    let mut documented = Vec::new();
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            documented.push(format!("{} {path}", method.to_uppercase()));
            let concrete = path
                .replace("{dataset}", "default")
                .replace("{entity_id}", "os:NK-zakharov")
                .replace("{id}", "nope")
                .replace("{external_ref}", "nope");
            let r = s.request(&method.to_uppercase(), &concrete, Some(&admin), Some(b"{}"));
            // A records route on a service without records answers 404 `records_not_kept`:
            // served, but the resource does not exist here (the router's own 404 says
            // `not_found`).
            let not_kept = r.status == 404 && r.json()["code"] == "records_not_kept";
            assert!(
                !not_kept || server::records_api::is_records_path(path),
                "{method} {path}"
            );
            assert!(
                r.status != 404 || concrete.contains("nope") || not_kept,
                "{method} {path}: {}",
                r.status
            );
            assert_ne!(r.status, 405, "{method} {path}");
            assert!(
                r.status < 500 || r.status == 503,
                "{method} {path}: {} {}",
                r.status,
                r.body
            );
        }
    }
    documented.sort();
    // The routes the router serves (utoipa-axum registers each for both), listed here so a
    // route added without documentation, or removed, fails this test.
    let expected = [
        "DELETE /v1/keys/{id}",
        "GET /",
        "GET /algorithms",
        "GET /catalog",
        "GET /docs",
        "GET /entities/{entity_id}",
        "GET /healthz",
        "GET /metrics",
        "GET /openapi.json",
        "GET /readyz",
        "GET /search/{dataset}",
        "GET /v1/alerts",
        "GET /v1/alerts/{id}",
        "GET /v1/audit/export",
        "GET /v1/audit/verify",
        "GET /v1/customers",
        "GET /v1/customers/{external_ref}",
        "GET /v1/decisions/{id}",
        "GET /v1/entities/{entity_id}",
        "GET /v1/keys",
        "GET /v1/lists",
        "GET /v1/lists/diff",
        "GET /v1/status",
        "POST /match/{dataset}",
        "POST /v1/addresses",
        "POST /v1/alerts/{id}/assign",
        "POST /v1/alerts/{id}/transition",
        "POST /v1/audit/checkpoint",
        "POST /v1/customers",
        "POST /v1/customers/{external_ref}/remove",
        "POST /v1/decisions",
        "POST /v1/decisions/{id}/approve",
        "POST /v1/decisions/{id}/reject",
        "POST /v1/exposure",
        "POST /v1/keys",
        "POST /v1/lists/update",
        "POST /v1/scan",
        "POST /v1/screen",
        "POST /v1/screen/batch",
        "POST /v1/settings",
        "POST /v1/trace",
        "POST /v1/vet",
    ];
    assert_eq!(documented, expected);
    let alerts = s.get("/v1/alerts", Some(&admin));
    assert_eq!(
        (alerts.status, alerts.json()["code"].clone()),
        (404, json!("records_not_kept"))
    );
    assert_eq!(s.get("/no/such/route", Some(&admin)).status, 404);
    let m = s.get("/metrics", None).body;
    assert!(
        m.contains(
            "interdict_requests_total{method=\"GET\",route=\"/openapi.json\",status=\"200\"}"
        ),
        "{m}"
    );
    assert!(m.contains("interdict_list_age_seconds{list=\"opensanctions\""));
}
