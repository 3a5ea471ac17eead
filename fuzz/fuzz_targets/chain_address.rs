//! Fuzzes the address parser: it must never panic, and every accepted address must have a
//! canonical key that parses back to itself (idempotent canonicalisation).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(a) = chain::parse(s) else {
        return;
    };
    let key = a.canonical();
    let b = chain::parse(key)
        .unwrap_or_else(|e| panic!("canonical key {key:?} of {s:?} rejected: {e}"));
    assert_eq!(
        b.canonical(),
        key,
        "canonicalisation of {s:?} is not idempotent"
    );
    assert_eq!(
        a.payload(),
        b.payload(),
        "payload changed through the key of {s:?}"
    );
    // Whatever the declared currency, a valid address stays valid.
    for c in chain::Currency::ALL {
        assert!(chain::parse_with_currency(s, c).is_ok());
    }
});
