//! `interdict graph generate|import`, `exposure`, `trace` and `path` end to end on a small
//! generated graph, checked against the planted ground truth.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn interdict(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_interdict"))
        .args(args)
        .env_remove("INTERDICT_HOME")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn json(args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    serde_json::from_slice(&interdict(&all).stdout).unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn generate_import_and_analyse() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = tmp.path().join("t.csv");
    let labels = tmp.path().join("labels.jsonl");
    let direct = tmp.path().join("direct");
    let imported = tmp.path().join("imported");
    let generated = json(&[
        "graph",
        "generate",
        "--graph",
        s(&direct),
        "--csv",
        s(&csv),
        "--labels-out",
        s(&labels),
        "--addresses",
        "1000",
        "--transfers",
        "6000",
        "--seed",
        "3",
        "--tx-hashes",
    ]);
    let thief = generated["truth"]["thief"].as_str().unwrap().to_owned();
    let deposit = generated["truth"]["theft_deposits"][0]
        .as_str()
        .unwrap()
        .to_owned();

    // A bad row in a second file is reported and the rest imports.
    let bad = tmp.path().join("bad.csv");
    std::fs::write(&bad, "from,to,amount\n0xaa,0xbb,1.5\n").unwrap();
    let imp = json(&["graph", "import", s(&csv), s(&bad), "--graph", s(&imported)]);
    assert_eq!(imp["rejected"], 1);
    assert_eq!(imp["diagnostics"][0]["row"], 1);
    assert_eq!(imp["meta"]["edges"], generated["transfers"]);

    // Direct generation and CSV import give the same answers.
    for g in [&direct, &imported] {
        let e = json(&[
            "exposure",
            &deposit,
            "--graph",
            s(g),
            "--labels",
            s(&labels),
        ]);
        let stolen = e["categories"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["category"] == "stolen_funds");
        let share = stolen.map_or(0.0, |c| c["share"].as_f64().unwrap());
        assert!(
            share > 0.0,
            "the deposit address received stolen funds: {e}"
        );
        let total: f64 =
            e["attributed_share"].as_f64().unwrap() + e["unattributed"]["total"].as_f64().unwrap();
        assert!((total - 1.0).abs() < 1e-9);
    }
    let seeds = tmp.path().join("seeds.txt");
    std::fs::write(&seeds, format!("# the thief\n{thief}\n")).unwrap();
    let t = json(&[
        "trace",
        "--graph",
        s(&imported),
        "--seeds",
        s(&seeds),
        "--model",
        "tiho",
    ]);
    assert!(t["account_count"].as_u64().unwrap() >= 50);
    let p = json(&[
        "path",
        &thief,
        &deposit,
        "--graph",
        s(&imported),
        "--k",
        "2",
    ]);
    assert!(!p["top"].as_array().unwrap().is_empty());

    // The table output names the categories.
    let table = interdict(&[
        "exposure",
        &deposit,
        "--graph",
        s(&imported),
        "--labels",
        s(&labels),
    ]);
    assert!(String::from_utf8_lossy(&table.stdout).contains("stolen_funds"));
}

/// `graph utxo import`, then `exposure`, `trace` and `address` with and without `--clusters`:
/// S (sanctioned) and T spend together in j1, T pays the customer C; T and W meet only in a
/// CoinJoin.
#[test]
fn utxo_clusters_end_to_end() {
    let (s_addr, t_addr, c_addr, w_addr) = (
        "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu",
        "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh",
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
    );
    let tmp = tempfile::tempdir().unwrap();
    let p = |n: &str| tmp.path().join(n);
    let rows = format!(
        "tx,side,address,value,block\n\
         f1,out,{s_addr},50,1\nf1,out,{t_addr},50,1\nf1,out,u,30,1\nf1,out,{w_addr},10,1\n\
         j1,in,{s_addr},50,2\nj1,in,{t_addr},50,2\nj1,out,{t_addr},60,2\nj1,out,v,40,2\n\
         p1,in,{t_addr},60,3\np1,out,{c_addr},30,3\np1,out,{t_addr},30,3\n\
         q1,in,u,30,4\nq1,out,{c_addr},30,4\n\
         cj,in,{t_addr},10,5\ncj,in,{w_addr},10,5\ncj,out,x,10,5\ncj,out,y,10,5\n\
         bad,sideways,z,1,6\n"
    );
    std::fs::write(p("u.csv"), rows).unwrap();
    std::fs::write(
        p("labels.csv"),
        format!("address,category,label\n{s_addr},sanctioned,SDN\n"),
    )
    .unwrap();
    std::fs::write(p("seeds.txt"), format!("{s_addr}\n")).unwrap();
    let (c, g, l) = (p("c"), p("g"), p("labels.csv"));
    let imp = json(&[
        "graph",
        "utxo",
        "import",
        s(&p("u.csv")),
        "--clusters",
        s(&c),
        "--graph",
        s(&g),
    ]);
    assert_eq!(imp["clusters"]["rejected"], 1);
    assert_eq!(imp["diagnostics"][0]["line"], 19);
    assert_eq!(imp["clusters"]["coinjoins"], 1);
    assert_eq!(imp["clusters"]["clusters"], 7);

    let base = [
        "exposure",
        c_addr,
        "--graph",
        s(&g),
        "--labels",
        s(&l),
        "--hops",
        "1",
    ];
    let plain = json(&base);
    assert_eq!(plain["categories"].as_array().unwrap().len(), 0);
    let mut with = base.to_vec();
    with.extend(["--clusters", s(&c)]);
    let e = json(&with);
    assert_eq!(e["categories"][0]["category"], "sanctioned");
    assert_eq!(e["categories"][0]["direct_share"], 0.5);
    let cp = &e["categories"][0]["counterparties"][0];
    assert_eq!(cp["address"], t_addr);
    assert_eq!(cp["label"]["cluster"]["via"], s_addr);
    assert_eq!(cp["label"]["cluster"]["evidence"][0]["tx"], "j1");
    let text = String::from_utf8(interdict(&with).stdout).unwrap();
    assert!(
        text.contains("in the UTXO cluster of 1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu"),
        "{text}"
    );

    let tr = json(&[
        "trace",
        "--graph",
        s(&g),
        "--seeds",
        s(&p("seeds.txt")),
        "--model",
        "poison",
        "--clusters",
        s(&c),
    ]);
    assert_eq!(tr["cluster_seed_count"], 1);
    assert_eq!(tr["cluster_seeds"][0]["cluster"]["evidence"][0]["tx"], "j1");
    assert!(
        tr["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["address"] == c_addr)
    );

    let addr = |a: &str| {
        json(&[
            "address",
            a,
            "--no-lists",
            "--labels",
            s(&l),
            "--clusters",
            s(&c),
        ])
    };
    let t = addr(t_addr);
    assert_eq!(t["hits"][0]["matched_on"], "cluster");
    assert_eq!(t["hits"][0]["cluster"]["via"], s_addr);
    assert_eq!(t["hits"][0]["cluster"]["evidence"][0]["tx"], "j1");
    assert_eq!(addr(w_addr)["hits"].as_array().unwrap().len(), 0);
}
