//! Micro-benchmarks of `names::analyze`, one typical name per script.
//!
//! Run with `cargo bench -p names --bench analyze`.

use divan::{Bencher, black_box};
use names::{NameKind, analyze, compare_str, skeleton};

fn main() {
    divan::main();
}

/// Typical names per script, as customer records and lists hold them.
const NAMES: &[(&str, NameKind)] = &[
    ("ASATRYAN, Gayk Vanushevich", NameKind::Person),
    ("KOREA SAENAL TRADING COMPANY", NameKind::Organization),
    ("Сечин Игорь Иванович", NameKind::Person),
    ("송금혁", NameKind::Person),
    ("金雄善", NameKind::Person),
    ("محمد حسين الترابي", NameKind::Person),
];

#[divan::bench(args = ["latin_person", "latin_org", "cyrillic", "hangul", "han", "arabic"])]
fn analyze_one(bencher: Bencher, which: &str) {
    let i = [
        "latin_person",
        "latin_org",
        "cyrillic",
        "hangul",
        "han",
        "arabic",
    ]
    .iter()
    .position(|w| *w == which)
    .unwrap_or(0);
    let (name, kind) = NAMES[i];
    bencher.bench(|| analyze(black_box(name), black_box(kind)));
}

#[divan::bench]
fn analyze_mix_of_six(bencher: Bencher) {
    bencher.bench(|| {
        for (name, kind) in NAMES {
            black_box(analyze(black_box(name), *kind));
        }
    });
}

#[divan::bench]
fn skeleton_token(bencher: Bencher) {
    bencher.bench(|| skeleton(black_box("geumhyeok")));
}

#[divan::bench]
fn compare_tokens_edit_distance(bencher: Bencher) {
    bencher.bench(|| compare_str(black_box("asatryan"), black_box("asatrain")));
}

#[divan::bench]
fn compare_tokens_cached(bencher: Bencher) {
    // The scorer's path: tokens come from analysed names, so phonetic codes are cached after
    // the first comparison.
    let a = analyze("Asatryan", NameKind::Person).variants[0].tokens[0].clone();
    let b = analyze("Asatrain", NameKind::Person).variants[0].tokens[0].clone();
    bencher.bench(|| names::compare_tokens(black_box(&a), black_box(&b)));
}
