//! Fuzzes address-label file parsing and screening against the parsed labels: no input may make
//! either panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (labels, _) = wallets::labels::parse("fuzz", data, "flagged");
    let mut book = wallets::AddressBook::new();
    book.add_labels(&labels);
    if let Some(l) = labels.first() {
        let _ = book.screen(&l.address, l.chain.as_deref());
    }
});
