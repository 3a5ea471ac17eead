use graph::paths::{PathConfig, PathScore, paths};
use graph::view::OwnedGraph;

use crate::{brute, small};

#[test]
fn shortest_and_top_k_agree_with_enumeration() {
    let (ts, truth) = small(31, 250, 500);
    let g = OwnedGraph::from_transfers(&ts);
    let view = g.view();
    let mut pairs = 0;
    let sources: Vec<u32> = (0..view.node_count()).step_by(13).collect();
    for &from in &sources {
        for to in (0..view.node_count()).step_by(17) {
            if from == to {
                continue;
            }
            let (fa, ta) = (view.address(from).to_owned(), view.address(to).to_owned());
            for score in [PathScore::Bottleneck, PathScore::Product] {
                let cfg = PathConfig {
                    max_hops: 3,
                    k: 4,
                    score,
                    ..PathConfig::defaults()
                };
                let r = paths(&view, from, to, &cfg);
                let want = brute::top_paths(&ts, &fa, &ta, 3, score == PathScore::Product);
                assert_eq!(r.top.len(), want.len().min(4), "{fa} → {ta}");
                for (got, w) in r.top.iter().zip(&want) {
                    match score {
                        PathScore::Bottleneck => assert_eq!(got.bottleneck.to_u128(), Some(w.0)),
                        PathScore::Product => assert!((got.share - w.1).abs() < 1e-12),
                    }
                    assert_eq!(got.steps.first().unwrap().from, fa);
                    assert_eq!(got.steps.last().unwrap().to, ta);
                    assert!(got.steps.windows(2).all(|s| s[0].to == s[1].from));
                }
                let d = brute::hop_distance(&ts, &fa, &ta).filter(|&d| d <= 3);
                let sp = r.shortest.as_ref().map(|p| p.len() as u32);
                assert_eq!(sp, d, "{fa} → {ta}");
                if !want.is_empty() {
                    pairs += 1;
                }
            }
        }
    }
    assert!(pairs > 20, "only {pairs} connected pairs");
    let _ = truth;
}

#[test]
fn peel_chain_is_found_end_to_end() {
    let (ts, truth) = small(32, 400, 3000);
    let g = OwnedGraph::from_transfers(&ts);
    let view = g.view();
    let chain = &truth.peel_chains[0];
    let from = view.lookup(&chain[0]).unwrap();
    let to = view.lookup(&chain[9]).unwrap();
    let cfg = PathConfig {
        max_hops: 9,
        ..PathConfig::defaults()
    };
    let r = paths(&view, from, to, &cfg);
    assert_eq!(r.shortest.as_ref().map(Vec::len), Some(9));
    // The widest path is the chain itself: 5000 ETH less 5% per hop, 8 hops before the last.
    let best = &r.top[0];
    assert_eq!(best.hops, 9);
    let hops: Vec<&str> = best.steps.iter().map(|s| s.to.as_str()).collect();
    assert_eq!(
        hops,
        chain[1..].iter().map(String::as_str).collect::<Vec<_>>()
    );
}
