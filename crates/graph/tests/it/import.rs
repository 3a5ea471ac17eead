use std::io::Cursor;

use graph::generate::GenConfig;
use graph::import::{
    FileDiagnostic, ImportOptions, ImportProgress, Input, NoProgress, Source, generate_into,
    import, import_files,
};
use graph::storage::{GraphBuilder, MappedGraph};

use crate::storage_same as same;

/// Records what an import reports, to check that progress ends at the input size.
#[derive(Default)]
struct Recorder {
    total: u64,
    last: u64,
    building: bool,
}

impl ImportProgress for Recorder {
    fn start(&mut self, total: u64) {
        self.total = total;
    }
    fn advance(&mut self, done: u64) {
        assert!(
            done >= self.last,
            "progress went back from {} to {done}",
            self.last
        );
        self.last = done;
    }
    fn building(&mut self) {
        self.building = true;
    }
}

fn csv_input(name: &str, text: &'static str) -> Input<'static> {
    Input {
        name: name.into(),
        size: text.len() as u64,
        source: Source::Csv(Box::new(Cursor::new(text))),
    }
}

#[test]
fn readers_import_with_diagnostics_naming_their_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("g");
    let inputs = vec![
        csv_input("a.csv", "from,to,amount,block\n0xaa,0xbb,5,1\n0xaa,,3,2\n"),
        csv_input("b.csv", "from,to,amount\n0xbb,0xcc,1.5\n0xbb,0xcc,7\n"),
    ];
    let mut progress = Recorder::default();
    let s = import(
        GraphBuilder::create(&dir).unwrap(),
        inputs,
        1,
        &mut progress,
    )
    .unwrap();
    assert_eq!(s.rejected, 2);
    // Only the first diagnostic is kept, but both rejected rows are counted.
    assert_eq!(
        s.diagnostics,
        vec![FileDiagnostic {
            file: "a.csv".into(),
            row: 2,
            line: Some(3),
            message: "empty receiver address".into(),
        }]
    );
    assert_eq!(
        s.diagnostics[0].to_string(),
        "a.csv: row 2 (line 3): empty receiver address"
    );
    // 45 + 41 bytes in all; the last position is where b.csv's last record starts (45 + 29).
    assert_eq!(
        (progress.total, progress.last, progress.building),
        (86, 74, true)
    );
    assert_eq!(s.meta.edges, 2);
    assert_eq!(s.meta.imports[0].sources, vec!["a.csv", "b.csv"]);
    assert_eq!(MappedGraph::open(&dir).unwrap().meta(), &s.meta);
}

#[test]
fn bad_header_names_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let inputs = vec![csv_input("x.csv", "a,b\n1,2\n")];
    let e = import(
        GraphBuilder::create(&tmp.path().join("g")).unwrap(),
        inputs,
        20,
        &mut NoProgress,
    )
    .unwrap_err();
    assert_eq!(e.to_string(), "x.csv");
    assert!(
        std::error::Error::source(&e)
            .unwrap()
            .to_string()
            .starts_with("no sender column in the header")
    );
}

#[test]
fn missing_file_fails_before_the_graph_is_created() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("g");
    let options = ImportOptions {
        append: false,
        max_diagnostics: 20,
    };
    let missing = tmp.path().join("missing.csv");
    let e = import_files(
        &dir,
        std::slice::from_ref(&missing),
        options,
        &mut NoProgress,
    )
    .unwrap_err();
    assert_eq!(e.to_string(), format!("cannot open {}", missing.display()));
    assert!(!dir.exists());
}

#[test]
fn generated_csv_imports_to_the_generated_graph() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = GenConfig {
        addresses: 300,
        transfers: 2000,
        seed: 5,
        tx_hashes: true,
    };
    let direct = tmp.path().join("direct");
    let mut csv = Vec::new();
    let g = generate_into(cfg, Some(&direct), Some(&mut csv), &mut NoProgress).unwrap();
    assert_eq!(g.meta.as_ref().map(|m| m.edges), Some(g.transfers));
    let path = tmp.path().join("t.csv");
    std::fs::write(&path, &csv).unwrap();
    let imported = tmp.path().join("imported");
    let options = ImportOptions {
        append: false,
        max_diagnostics: 20,
    };
    let s = import_files(&imported, &[path], options, &mut NoProgress).unwrap();
    assert_eq!(s.rejected, 0);
    let (a, b) = (
        MappedGraph::open(&direct).unwrap(),
        MappedGraph::open(&imported).unwrap(),
    );
    same(&a.view(), &b.view());
}

#[cfg(not(feature = "parquet"))]
#[test]
fn parquet_needs_the_feature() {
    let e = Input::open(std::path::Path::new("t.PARQUET")).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("t.PARQUET: Parquet input needs a build with `--features parquet`")
    );
}

/// The same transfers as CSV and as Parquet (Ethereum-ETL column names and types) import to
/// the same graph.
#[cfg(feature = "parquet")]
#[test]
fn parquet_and_csv_import_to_the_same_graph() {
    use std::sync::Arc;

    use arrow_array::{ArrayRef, Decimal128Array, Int64Array, RecordBatch, StringArray};

    let (ts, _) = crate::small(9, 300, 1500);
    let tmp = tempfile::tempdir().unwrap();
    let mut csv = String::from("from,to,amount,block,tx\n");
    for t in &ts {
        let tx = t.tx.as_deref().unwrap_or("");
        csv.push_str(&format!(
            "{},{},{},{},{tx}\n",
            t.from, t.to, t.amount, t.block
        ));
    }
    let csv_path = tmp.path().join("t.csv");
    std::fs::write(&csv_path, csv).unwrap();
    let col = |f: &dyn Fn(&graph::view::Transfer) -> String| -> ArrayRef {
        Arc::new(StringArray::from(ts.iter().map(f).collect::<Vec<_>>()))
    };
    let amounts: Vec<i128> = ts
        .iter()
        .map(|t| t.amount.to_string().parse().unwrap())
        .collect();
    let batch = RecordBatch::try_from_iter(vec![
        ("from_address", col(&|t| t.from.clone())),
        ("to_address", col(&|t| t.to.clone())),
        (
            "value",
            Arc::new(
                Decimal128Array::from(amounts)
                    .with_precision_and_scale(38, 0)
                    .unwrap(),
            ) as ArrayRef,
        ),
        (
            "block_number",
            Arc::new(Int64Array::from(
                ts.iter().map(|t| t.block as i64).collect::<Vec<_>>(),
            )) as ArrayRef,
        ),
        (
            "transaction_hash",
            col(&|t| t.tx.clone().unwrap_or_default()),
        ),
    ])
    .unwrap();
    let pq_path = tmp.path().join("t.parquet");
    let file = std::fs::File::create(&pq_path).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();

    let options = ImportOptions {
        append: false,
        max_diagnostics: 20,
    };
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let sa = import_files(&a, &[csv_path], options, &mut NoProgress).unwrap();
    let sb = import_files(&b, &[pq_path], options, &mut NoProgress).unwrap();
    assert_eq!((sa.rejected, sb.rejected), (0, 0));
    assert_eq!(sb.meta.edges, ts.len() as u64);
    let (ga, gb) = (
        MappedGraph::open(&a).unwrap(),
        MappedGraph::open(&b).unwrap(),
    );
    same(&ga.view(), &gb.view());
}
