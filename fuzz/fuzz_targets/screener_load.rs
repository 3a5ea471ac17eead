//! Fuzzes opening a serialised screener and screening with it: no input may make either panic.
//! The checksum is skipped so that the fuzzer reaches the structural checks; start it from a
//! corpus of real files (`Screener::save` over a few entities) to get past the magic bytes.

#![no_main]

use libfuzzer_sys::fuzz_target;
use screening::{Query, ScreenConfig, Screener};

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = Screener::load_without_checksum(data.to_vec()) {
        let cfg = ScreenConfig {
            floor: 0.0,
            ..ScreenConfig::default()
        };
        for name in ["SONG Kum Hyok", "Korea Saenal Trading LLC", "김정은"] {
            for m in s.screen(&Query::name(name), &cfg) {
                let _ = s.entity(&m.entity_id);
            }
        }
        let mut out = Vec::new();
        let _ = s.save(&mut out);
    }
});
