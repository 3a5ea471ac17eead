//! `/v1/scan`: listed names inside free text, with character spans, and its errors.

use serde_json::json;

use super::open_server;

#[test]
fn scan_finds_listed_names_in_text_with_spans() {
    let s = open_server();
    let text = "Überweisung an Korea Saenal Trading Company, Rechnung 4471";
    let r = s.post("/v1/scan", None, &json!({"id": "m1", "text": text}));
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["id"], "m1");
    let hit = &v["hits"][0];
    assert_eq!(hit["entity_id"], "os:NK-saenal");
    assert_eq!(hit["text"], "Korea Saenal Trading Company");
    // Character offsets: `Ü` is one character (two bytes).
    assert_eq!(
        (hit["start"].as_u64(), hit["end"].as_u64()),
        (Some(15), Some(43))
    );
    assert!(hit["explanation"].is_object());
    assert_eq!(v["lists"][0]["list"], "opensanctions");
    let r = s.post(
        "/v1/scan",
        None,
        &json!({"text": "thank you for the invoice"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["hits"], json!([]));
    let r = s.post("/v1/scan?threshold=2", None, &json!({"text": "x"}));
    assert_eq!(r.status, 400);
    let r = s.post("/v1/scan", None, &json!({"body": "x"}));
    assert_eq!(r.status, 422);
}
