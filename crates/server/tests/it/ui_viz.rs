//! The workbench's wallet and vetting pages over HTTP: an exposure and a trace over a generated
//! graph with a planted theft (the picture drawn on the server, the path to the stolen funds
//! highlighted), the page that says how to configure a graph, and generated vetting records
//! uploaded as a file and pasted, drawn with the standalone report's components.

use std::sync::Arc;

use app::live::Live;
use app::sources::ListSource;

use super::ui::Client;
use super::{Server, data_dir, rule, start};

/// A service over the test watchlist, an analyst's key, and (when `graph`) a generated
/// transfer graph of 400 addresses with its planted labels.
fn service(graph: bool) -> (Server, String, Option<graph::generate::GroundTruth>) {
    let (dir, ctx) = data_dir();
    let key = app::keys::create(&ctx, "ann", api::Role::Analyst)
        .unwrap()
        .key;
    let mut config = server::Config::default();
    let mut truth = None;
    if graph {
        let g = dir.path().join("graph");
        let generated = graph::import::generate_into(
            graph::generate::GenConfig {
                addresses: 400,
                transfers: 3_000,
                seed: 7,
                tx_hashes: false,
            },
            Some(&g),
            None,
            &mut graph::import::NoProgress,
        )
        .unwrap();
        let labels = dir.path().join("labels.jsonl");
        generated
            .truth
            .write_labels(std::fs::File::create(&labels).unwrap())
            .unwrap();
        let (graphs, diagnostics) = app::graphs::Graphs::open(&g, &[labels], None, None).unwrap();
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        config.graph = Some(Arc::new(graphs));
        truth = Some(generated.truth);
    }
    let ring = app::keys::KeyRing::open(&ctx).unwrap();
    let live = Arc::new(Live::new(ctx, rule()));
    live.load(&ListSource::Stored, &app::Silent)
        .unwrap()
        .unwrap();
    (start(live, Some(ring), config, Some(dir)), key, truth)
}

#[test]
fn the_wallet_pages_draw_an_exposure_and_a_trace_with_the_theft_highlighted() {
    let (s, key, truth) = service(true);
    let truth = truth.unwrap();
    let mut c = Client::new(&s.base);
    assert_eq!(c.get("/ui/wallets").status, 303, "signed-in users only");
    c.sign_in(&key);
    let form = c.get("/ui/wallets");
    assert_eq!(form.status, 200);
    assert!(form.body.contains("<label for=\"address\">Address</label>"));
    assert!(
        form.body
            .contains("href=\"/ui/wallets\" aria-current=\"page\">Wallets</a>")
    );
    assert!(!form.body.contains("id=\"no-graph\""));
    // An exchange deposit address that received stolen funds: the thief's path is red.
    let deposit = &truth.theft_deposits[0];
    let page = c.get(&format!(
        "/ui/wallets?address={deposit}&direction=in&hops=4"
    ));
    assert_eq!(page.status, 200, "{}", page.body);
    let b = &page.body;
    assert!(
        b.contains(&format!("<h2 id=\"answer\">Exposure of {deposit}</h2>")),
        "{b}"
    );
    assert!(b.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"flow\""));
    assert!(b.contains("<path class=\"line hl\""), "a highlighted line");
    assert!(b.contains("Highlighted in red: the path"));
    assert!(
        b.contains("fill=\"#c2410c\""),
        "stolen funds have their colour"
    );
    assert!(
        b.contains(&format!(
            "<td class=\"addr\">{}</td><td>stolen funds</td>",
            truth.thief
        )),
        "{b}"
    );
    assert!(b.contains(" ETH</text>"), "amounts on the lines");
    // The trace from the thief with a fan-out address as the screened wallet.
    let focus = &truth.fanout[0];
    let page = c.get(&format!(
        "/ui/wallets/trace?seeds={}&focus={focus}&model=haircut&top=100",
        truth.thief
    ));
    assert_eq!(page.status, 200, "{}", page.body);
    let b = &page.body;
    assert!(
        b.contains("Trace from 1 seed address, haircut model"),
        "{b}"
    );
    assert!(
        b.contains("Highlighted in red: the path from the seeds to the screened wallet"),
        "{b}"
    );
    assert!(b.contains(&format!("<tr class=\"hl\"><td class=\"addr\">{focus}</td>")));
    assert!(b.contains(">stolen funds · seed</text>"), "{b}");
    // The caller's mistakes are said on the page.
    let page = c.get("/ui/wallets?address=0x9999999999999999999999999999999999999999");
    assert_eq!(page.status, 400);
    assert!(page.body.contains("id=\"error\""), "{}", page.body);
    let page = c.get(&format!("/ui/wallets?address={deposit}&hops=many"));
    assert_eq!(page.status, 400);
    let page = c.get("/ui/wallets/trace?seeds=0xnothing");
    assert_eq!(page.status, 400);
    assert!(
        page.body.contains("no seed names an address"),
        "{}",
        page.body
    );
}

#[test]
fn without_a_graph_the_wallet_page_says_how_to_start_with_one() {
    let (s, key, _) = service(false);
    let mut c = Client::new(&s.base);
    c.sign_in(&key);
    for path in ["/ui/wallets?address=0xabc", "/ui/wallets/trace?seeds=0xabc"] {
        let page = c.get(path);
        assert_eq!(page.status, 200);
        assert!(page.body.contains("id=\"no-graph\""), "{}", page.body);
        assert!(
            page.body
                .contains("interdict serve --graph graph/ --graph-labels labels.csv")
        );
    }
}

#[test]
fn the_vetting_page_vets_uploaded_records_with_the_reports_components() {
    let (s, key, _) = service(false);
    let mut c = Client::new(&s.base);
    assert_eq!(c.get("/ui/vetting").status, 303);
    c.sign_in(&key);
    let form = c.get("/ui/vetting");
    assert_eq!(form.status, 200);
    assert!(form.body.contains("enctype=\"multipart/form-data\""));
    let csrf = form.csrf();
    let (records, truth) = vetting::synthetic::generate(80, 11);
    let mut jsonl = Vec::new();
    vetting::synthetic::write_records(&records, &mut jsonl).unwrap();
    // A file upload, as a browser sends it.
    let boundary = "----interdict-test";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"subjects.jsonl\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(&jsonl);
    body.extend_from_slice(
        format!("\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"records\"\r\n\r\n\r\n--{boundary}--\r\n").as_bytes(),
    );
    let page = c.post_bytes(
        "/ui/vetting",
        &format!("multipart/form-data; boundary={boundary}"),
        &body,
    );
    assert_eq!(page.status, 200, "{}", page.body);
    let b = &page.body;
    assert!(b.contains("80 subjects vetted"), "{b}");
    // The standalone report's components: counts by band, the index, subject cards with
    // explained findings, clusters drawn, the styles scoped to the page.
    assert!(b.contains("<div class=\"card sum\"><span><b>80</b> subjects</span>"));
    assert!(b.contains("<h2>Index</h2>") && b.contains("<th>why it matters</th>"));
    assert!(b.contains("<style>.vet .sum span{"));
    assert!(
        b.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"560\""),
        "a cluster"
    );
    // Planted infiltration cases reach the high band even without the command's anonymiser
    // and lead files.
    let high = truth
        .infiltration
        .iter()
        .filter(|id| b.contains(&format!("<div class=\"card b-high\" id=\"s-{id}\">")))
        .count();
    assert!(high > 0, "{b}");
    // The same records pasted into the text box give the same report.
    let text = String::from_utf8(jsonl).unwrap();
    let pasted = c.post("/ui/vetting", &[("csrf", &csrf), ("records", &text)]);
    assert_eq!(pasted.status, 200);
    assert!(pasted.body.contains("80 subjects vetted"));
    // Refusals: no token, nothing posted, too many records.
    let r = c.post("/ui/vetting", &[("csrf", "forged"), ("records", &text)]);
    assert_eq!(r.status, 403);
    let r = c.post("/ui/vetting", &[("csrf", &csrf), ("records", "  \n")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Paste subject records"));
    let many: String = (0..1001)
        .map(|i| format!("{{\"subject_id\":\"s{i}\"}}\n"))
        .collect();
    let r = c.post("/ui/vetting", &[("csrf", &csrf), ("records", &many)]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("at most 1000 per request"), "{}", r.body);
}
