//! Prints the explanation of one pair: `cargo run -p screening --example explain -- "A" "B" [Person]`.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(a), Some(b)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: explain NAME_A NAME_B [SCHEMA]");
        return;
    };
    let schema = args.get(3).map(|s| model::Schema::from(s.clone()));
    let (score, e) = screening::compare(a, b, schema, screening::Mode::Default);
    println!(
        "{score}\n{}",
        serde_json::to_string_pretty(&e).unwrap_or_default()
    );
}
