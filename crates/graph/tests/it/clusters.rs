//! UTXO import at the file level: planted clusters recovered exactly through a clusters
//! directory, no CoinJoin merge, evidence from the stored join forest, and the cluster-level
//! exposure, trace and address screening.

use std::path::Path;

use graph::exposure::{Direction, ExposureConfig, exposure};
use graph::import::{
    NoProgress, UtxoFile, UtxoOptions, generate_utxo, import_utxo, load_labels, open_clusters,
    open_graph,
};
use graph::trace::{Seeds, TaintModel};
use graph::utxo::{ClusterConfig, UtxoGenConfig, planted_wallet};
use wallets::{AddressBook, JoinReason, MatchKind};

/// S (sanctioned) and T spend together in j1; T (spelled in upper case once) pays the customer
/// C in p1, an unrelated U pays C as much in q1; T and W meet only in the CoinJoin cj.
const S: &str = "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu";
const T: &str = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq";
const T_UPPER: &str = "BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ";
const C: &str = "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh";
const U: &str = "3CWFddi6m4ndiGyKqzYvsFYagqDLPVMTzC";
const W: &str = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";

fn rows() -> String {
    let rows: &[(&str, &str, &str, u64, u64)] = &[
        ("f1", "out", S, 50, 1),
        ("f1", "out", T, 50, 1),
        ("f1", "out", U, 30, 1),
        ("f1", "out", W, 10, 1),
        ("j1", "in", S, 50, 2),
        ("j1", "in", T, 50, 2),
        ("j1", "out", T, 60, 2),
        ("j1", "out", "v", 40, 2),
        ("p1", "in", T_UPPER, 60, 3),
        ("p1", "out", C, 30, 3),
        ("p1", "out", T, 30, 3),
        ("q1", "in", U, 30, 4),
        ("q1", "out", C, 30, 4),
        ("cj", "in", T, 10, 5),
        ("cj", "in", W, 10, 5),
        ("cj", "out", "x", 10, 5),
        ("cj", "out", "y", 10, 5),
    ];
    let mut s = String::from("tx,side,address,value,block\n");
    // Rows in reverse: import must not depend on rows of a transaction being adjacent or in
    // block order.
    for (tx, side, a, v, b) in rows.iter().rev() {
        s.push_str(&format!("{tx},{side},{a},{v},{b}\n"));
    }
    s
}

fn import(dir: &Path, csv: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let file = dir.join("u.csv");
    std::fs::write(&file, csv).unwrap();
    let (clusters, graph) = (dir.join("clusters"), dir.join("graph"));
    let s = import_utxo(
        &UtxoFile::sided(&[file], &[], &[]),
        &UtxoOptions {
            clusters: Some(clusters.clone()),
            graph: Some(graph.clone()),
            max_diagnostics: 10,
            ..UtxoOptions::default()
        },
        &mut NoProgress,
    )
    .unwrap();
    assert_eq!(
        (
            s.clusters.transactions,
            s.clusters.inputs,
            s.clusters.coinjoins
        ),
        (5, 6, 1)
    );
    // Eight addresses (T's two spellings are one), S and T joined: seven clusters.
    assert_eq!((s.clusters.addresses, s.clusters.clusters), (8, 7));
    (clusters, graph)
}

#[test]
fn cluster_level_exposure_trace_and_address_with_evidence() {
    let tmp = tempfile::tempdir().unwrap();
    let (cdir, gdir) = import(tmp.path(), &rows());
    let clusters = open_clusters(&cdir).unwrap();
    let g = open_graph(&gdir).unwrap();
    let (cv, view) = (clusters.view(), g.view());
    let (s, t, w) = (
        cv.lookup(S).unwrap(),
        cv.lookup(T).unwrap(),
        cv.lookup(W).unwrap(),
    );
    assert_eq!(cv.cluster_of(s), cv.cluster_of(t));
    assert_ne!(
        cv.cluster_of(t),
        cv.cluster_of(w),
        "the CoinJoin merged T and W"
    );
    let joins = cv.explain(s, t).unwrap();
    assert_eq!(
        joins
            .iter()
            .map(|j| (j.tx.as_str(), j.block, j.reason))
            .collect::<Vec<_>>(),
        vec![("j1", 2, JoinReason::MultiInput)]
    );

    let labels_file = tmp.path().join("labels.csv");
    std::fs::write(
        &labels_file,
        format!("address,category,label\n{S},sanctioned,SDN\n"),
    )
    .unwrap();
    let files = [labels_file];
    let cfg = ExposureConfig {
        max_hops: 1,
        ..ExposureConfig::defaults(Direction::In)
    };
    let customer = view.lookup(C).unwrap();
    // Address level: the customer never received from S.
    let (plain, _) = load_labels(&view, &files, None, None).unwrap();
    assert!(
        exposure(&view, &plain, customer, &cfg)
            .categories
            .is_empty()
    );
    // Cluster level: half of the customer's inflow came from T, in S's cluster, via j1.
    let (carried, _) = load_labels(&view, &files, None, Some(&clusters)).unwrap();
    let mut r = exposure(&view, &carried, customer, &cfg);
    cv.explain_exposure(&mut r);
    let cat = &r.categories[0];
    assert_eq!(
        (cat.category.as_str(), cat.direct_share),
        ("sanctioned", 0.5)
    );
    let cp = &cat.counterparties[0];
    let link = cp.label.cluster.as_ref().unwrap();
    assert_eq!((cp.address.as_str(), link.via.as_str()), (T, S));
    assert_eq!(
        link.evidence
            .iter()
            .map(|j| (j.tx.as_str(), j.from.as_str(), j.to.as_str()))
            .collect::<Vec<_>>(),
        vec![("j1", S, T)]
    );
    let text = graph::report::exposure_text(&r);
    assert!(
        text.contains("tx j1  block 2: 1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu and bc1q"),
        "{text}"
    );

    // Trace: seeding S seeds T too, and C is tainted through T.
    let mut seeds = Seeds {
        addresses: vec![view.lookup(S).unwrap()],
        edges: Vec::new(),
    };
    let (count, listed) = cv.extend_seeds(&view, &mut seeds);
    assert_eq!((count, listed[0].address.as_str()), (1, T));
    assert_eq!(listed[0].cluster.evidence[0].tx, "j1");
    let tr = crate::trace_all(&view, &seeds, TaintModel::Poison);
    assert!(tr.accounts.iter().any(|a| a.address == C));

    // Address screening: T hits S's label through the cluster; W (CoinJoin only) hits nothing.
    let mut book = AddressBook::new();
    let (labels, _) = wallets::labels::parse(
        "l.csv",
        format!("address,category\n{S},sanctioned\n").as_bytes(),
        "flagged",
    );
    book.add_labels(&labels);
    let listed = graph::clusters::ListedClusters::new(&book, &cv);
    assert_eq!(listed.len(), 1);
    let mut rt = book.screen(T_UPPER, None);
    assert!(rt.hits.is_empty());
    listed.screen(&book, &cv, &mut rt);
    assert_eq!(rt.hits.len(), 1);
    assert_eq!(rt.hits[0].matched_on, MatchKind::Cluster);
    let link = rt.hits[0].cluster.as_ref().unwrap();
    assert_eq!((link.via.as_str(), link.evidence[0].tx.as_str()), (S, "j1"));
    let mut rw = book.screen(W, None);
    listed.screen(&book, &cv, &mut rw);
    assert!(rw.hits.is_empty());
}

#[test]
fn planted_clusters_are_recovered_exactly_through_a_clusters_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = UtxoGenConfig {
        coinjoins: 150,
        ..UtxoGenConfig::with_wallets(400, 5)
    };
    let csv_path = tmp.path().join("gen.csv");
    let mut csv = std::io::BufWriter::new(std::fs::File::create(&csv_path).unwrap());
    let generated = generate_utxo(
        &cfg,
        Some(&mut csv),
        &UtxoOptions {
            clusters: Some(tmp.path().join("direct")),
            ..UtxoOptions::default()
        },
        &mut NoProgress,
    )
    .unwrap();
    drop(csv);
    let planted = generated.planted.clone().unwrap();
    assert!(planted.exact(), "{planted:?}");
    assert_eq!((planted.wallets, planted.clusters), (400, 400));
    assert_eq!(generated.clusters.coinjoins, 150);

    // The CSV imported from disk gives the same clusters, read back from the directory.
    let dir = tmp.path().join("imported");
    let imported = import_utxo(
        &UtxoFile::sided(std::slice::from_ref(&csv_path), &[], &[]),
        &UtxoOptions {
            clusters: Some(dir.clone()),
            ..UtxoOptions::default()
        },
        &mut NoProgress,
    )
    .unwrap();
    let mut want = generated.clusters.clone();
    want.sources = imported.clusters.sources.clone();
    assert_eq!(imported.clusters, want);
    let mapped = open_clusters(&dir).unwrap();
    let v = mapped.view();
    let mut seen = std::collections::BTreeMap::new();
    for a in 0..v.len() as u32 {
        let c = v.cluster_of(a).unwrap();
        let wallet = planted_wallet(v.address(a)).to_owned();
        assert_eq!(seen.entry(c).or_insert_with(|| wallet.clone()), &wallet);
        assert!(v.members(c).contains(&a));
        // Evidence joins a member to its cluster id through transactions of that wallet.
        let joins = v.explain(c, a).unwrap();
        assert_eq!(joins.is_empty(), a == c);
        for j in &joins {
            assert_eq!(planted_wallet(&j.from), wallet);
            assert_eq!(planted_wallet(&j.to), wallet);
        }
    }
    assert_eq!(seen.len(), 400);

    // Joining CoinJoin inputs merges wallets: the exclusion is what keeps them apart.
    let merged = import_utxo(
        &UtxoFile::sided(&[csv_path], &[], &[]),
        &UtxoOptions {
            cluster: ClusterConfig {
                exclude_coinjoin: false,
                ..ClusterConfig::default()
            },
            ..UtxoOptions::default()
        },
        &mut NoProgress,
    )
    .unwrap();
    assert!(merged.clusters.clusters < 400, "{:?}", merged.clusters);
}

#[test]
fn blockchain_etl_inputs_and_outputs_files() {
    let tmp = tempfile::tempdir().unwrap();
    let inputs = tmp.path().join("inputs.csv");
    let outputs = tmp.path().join("outputs.csv");
    std::fs::write(
        &inputs,
        format!(
            "transaction_hash,block_number,index,addresses,value\n\
             h2,8,0,\"['{S}']\",5\nh2,8,1,\"['{U}']\",x\nh2,8,2,\"['{W}']\",5\n"
        ),
    )
    .unwrap();
    std::fs::write(
        &outputs,
        format!("transaction_hash,block_number,index,addresses,value\nh2,8,0,\"['{C}']\",9\n"),
    )
    .unwrap();
    let dir = tmp.path().join("c");
    let s = import_utxo(
        &UtxoFile::sided(&[], &[inputs], &[outputs]),
        &UtxoOptions {
            clusters: Some(dir.clone()),
            max_diagnostics: 5,
            ..UtxoOptions::default()
        },
        &mut NoProgress,
    )
    .unwrap();
    assert_eq!(
        (s.clusters.inputs, s.clusters.outputs, s.clusters.rejected),
        (2, 1, 1)
    );
    assert_eq!(s.diagnostics[0].line, Some(3));
    assert_eq!(s.diagnostics[0].row, 2);
    // The rejected count reaches meta.json too.
    let m = open_clusters(&dir).unwrap();
    assert_eq!(m.meta().rejected, 1);
    let v = m.view();
    assert_eq!(
        v.cluster_of(v.lookup(S).unwrap()),
        v.cluster_of(v.lookup(W).unwrap())
    );
}

#[test]
fn damaged_clusters_directories_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (cdir, _) = import(tmp.path(), &rows());
    let cluster = cdir.join("cluster");
    let mut bytes = std::fs::read(&cluster).unwrap();
    bytes[0..4].copy_from_slice(&u32::MAX.to_le_bytes());
    std::fs::write(&cluster, &bytes).unwrap();
    let err = open_clusters(&cdir).err().unwrap().to_string();
    assert!(err.starts_with("cannot open the clusters"), "{err}");
    std::fs::write(&cluster, &bytes[..4]).unwrap();
    assert!(open_clusters(&cdir).is_err());
    assert!(open_clusters(&tmp.path().join("none")).is_err());
    // An existing output directory is refused before anything is read.
    let again = import_utxo(
        &UtxoFile::sided(&[tmp.path().join("u.csv")], &[], &[]),
        &UtxoOptions {
            clusters: Some(cdir),
            ..UtxoOptions::default()
        },
        &mut NoProgress,
    );
    assert!(again.is_err());
}
