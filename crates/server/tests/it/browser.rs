//! The workbench in a real browser (Debian's chromium through chromedriver): sign in with the
//! keyboard, filter the queue, open the highest alert, propose a false positive, approve it as
//! a second reviewer, see that a proposer gets no approve button, verify the audit chain, vet
//! two pasted applicant records.
//! Skips with a printed reason where chromium is not installed, unless `CI=true`.

use super::ui::bench;
use super::webdriver::{Browser, available};

fn sign_in(b: &Browser, base: &str, key: &str) {
    b.goto(&format!("{base}/ui/login"));
    b.type_into("#key", key);
    b.click_nav("#sign-in");
    assert!(b.url().ends_with("/ui/alerts"), "{}", b.url());
}

fn sign_out(b: &Browser) {
    b.click_nav("header .who button");
    assert!(b.url().ends_with("/ui/login"), "{}", b.url());
}

#[test]
fn browser_four_eyes_flow() {
    if let Err(why) = available() {
        println!("skipped: {why}");
        return;
    }
    let started = std::time::Instant::now();
    let w = bench();
    let base = w.server.base.clone();
    let b = Browser::start(1280, 900);

    // Sign in with the keyboard only: Tab reaches the skip link, then the key field; Enter sends.
    b.goto(&format!("{base}/ui/login"));
    b.keys("\u{E004}");
    assert_eq!(b.focused_id(), "skip");
    b.keys("\u{E004}");
    assert_eq!(b.focused_id(), "key");
    b.keys(&w.ann);
    b.navigates(|| b.keys("\u{E007}"));
    assert!(b.url().ends_with("/ui/alerts"), "{}", b.url());
    assert!(b.text("#who").starts_with("ann"), "{}", b.text("#who"));
    assert_eq!(b.count(".alert-link"), 3);

    // Filter the queue to customers: the vendor's alert leaves it.
    b.select("#f-kind", "customer");
    b.click_nav("#apply");
    assert!(b.url().contains("kind=customer"), "{}", b.url());
    assert_eq!(b.count(".alert-link"), 2);

    // Open the highest alert (the queue sorts by score) and propose a false positive.
    let first = b.text(".alert-link");
    b.click_nav(".alert-link");
    let alert_url = b.url();
    assert!(
        alert_url.ends_with(&format!("/ui/alerts/{}", &first[1..])),
        "{alert_url}"
    );
    assert!(b.count("#customer-name .w") > 0);
    assert!(b.count("table.parts tbody tr") > 0);
    b.click("#fp");
    b.type_into("#propose-reason", "Different person: birth year differs");
    b.click_nav("#propose");
    assert!(b.text("#notice").contains("Decision proposed"));
    // An analyst cannot decide: no approve button.
    assert_eq!(b.count("#approve"), 0);
    sign_out(&b);

    // A second user with the reviewer role approves; the alert closes.
    sign_in(&b, &base, &w.rob);
    b.goto(&alert_url);
    b.type_into("#review-reason", "Agreed: the birth dates differ");
    b.click_nav("#approve");
    assert_eq!(b.text("#alert-state"), "Closed");
    assert!(b.text("#notice").contains("approved"));
    sign_out(&b);

    // A reviewer who proposes cannot approve their own proposal: the button is absent.
    sign_in(&b, &base, &w.rita);
    b.goto(&format!("{base}/ui/alerts?state=open"));
    b.click_nav(".alert-link");
    b.click("#tm");
    b.type_into("#propose-reason", "Same company name and country");
    b.click_nav("#propose");
    assert_eq!(b.count("#approve"), 0);
    assert!(
        b.text("#why-not").contains("four-eyes"),
        "{}",
        b.text("#why-not")
    );

    // The audit trail verifies.
    b.goto(&format!("{base}/ui/audit"));
    b.click_nav("#verify");
    assert!(
        b.text("#verdict").starts_with("✔ OK"),
        "{}",
        b.text("#verdict")
    );
    let src = b.source();
    assert!(src.contains("decision.approve") && src.contains("allow.add"));

    // Vetting from the menu: two applicants pasted, the report shown on the page.
    b.click_nav("header nav a[href=\"/ui/vetting\"]");
    b.type_into(
        "#records",
        "{\"subject_id\": \"a1\", \"claims\": {\"kind\": \"person\", \"name\": \"Ann Lee\"}}\n{\"subject_id\": \"a2\", \"claims\": {\"kind\": \"person\", \"name\": \"Bo Chen\"}}",
    );
    b.click_nav("#run-vet");
    assert!(
        b.text("#summary").starts_with("2 subjects vetted"),
        "{}",
        b.text("#summary")
    );
    let took = started.elapsed();
    println!("browser flow took {:.1} s", took.as_secs_f64());
    assert!(took.as_secs() < 120, "the four-eyes flow took {took:?}");
}
