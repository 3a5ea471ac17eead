//! `interdict lists update` against a local HTTP server: a good download is stored, and a failed,
//! partial or bogus download never replaces the snapshot that is there.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the server answers for the UN list file.
#[derive(Clone)]
enum Reply {
    /// 200 with this body.
    Ok(Vec<u8>),
    /// 200 announcing more bytes than it sends, then closing.
    Truncated(Vec<u8>),
    /// This HTTP status with a short body.
    Status(u16),
}

struct Server {
    url: String,
    reply: Arc<Mutex<Reply>>,
    hits: Arc<AtomicUsize>,
}

/// Starts a loopback server that serves at most 64 requests and stops by itself after 120 s.
fn serve(reply: Reply) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let reply = Arc::new(Mutex::new(reply));
    let hits = Arc::new(AtomicUsize::new(0));
    let (r, h) = (reply.clone(), hits.clone());
    std::thread::spawn(move || {
        let start = Instant::now();
        let mut served = 0;
        while served < 64 && start.elapsed() < Duration::from_secs(120) {
            let Ok((mut stream, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(5));
                continue;
            };
            served += 1;
            stream.set_nonblocking(false).unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            // Read the request line and headers.
            loop {
                line.clear();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            h.fetch_add(1, Ordering::SeqCst);
            let reply = r.lock().unwrap().clone();
            let _ = match reply {
                Reply::Ok(body) => {
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    stream
                        .write_all(head.as_bytes())
                        .and_then(|_| stream.write_all(&body))
                }
                Reply::Truncated(body) => {
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len() * 2
                    );
                    stream
                        .write_all(head.as_bytes())
                        .and_then(|_| stream.write_all(&body))
                }
                Reply::Status(code) => {
                    let head = format!(
                        "HTTP/1.1 {code} Oops\r\nContent-Length: 5\r\nConnection: close\r\n\r\noops!"
                    );
                    stream.write_all(head.as_bytes())
                }
            };
        }
    });
    Server { url, reply, hits }
}

/// The small UN fixture, padded with an XML comment past the plausibility floor of the UN list.
fn un_file(marker: &str) -> Vec<u8> {
    let base = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/un_small.xml"
    ))
    .unwrap();
    let pad = format!("<!-- {marker} {} -->\n", "x".repeat(600_000));
    base.replacen("<INDIVIDUALS>", &format!("{pad}<INDIVIDUALS>"), 1)
        .into_bytes()
}

fn interdict(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_interdict"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env("INTERDICT_TEST_FAST_RETRY", "1")
        .env_remove("INTERDICT_HOME")
        .env("INTERDICT_OFFLINE", "1")
        .env_remove("INTERDICT_MIRROR")
        .output()
        .unwrap()
}

fn current_un(data: &Path) -> Option<String> {
    std::fs::read_to_string(data.join("lists/un/CURRENT"))
        .ok()
        .map(|s| s.trim().to_string())
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn update_stores_good_downloads_and_keeps_them_on_failure() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let server = serve(Reply::Ok(un_file("v1")));
    let mirror = server.url.clone();
    let update = |data: &Path| {
        interdict(
            data,
            &[
                "lists",
                "update",
                "un",
                "--mirror",
                &mirror,
                "--retries",
                "2",
            ],
        )
    };

    let out = update(data);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let v1 = current_un(data).expect("a current UN snapshot");
    assert!(String::from_utf8_lossy(&out.stdout).contains("imported"));

    // The same content again is a no-op.
    let out = update(data);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("unchanged"));
    assert_eq!(current_un(data).as_ref(), Some(&v1));

    let cases: Vec<(Reply, &str)> = vec![
        (Reply::Truncated(un_file("v2")), "incomplete"),
        (Reply::Status(503), "HTTP 503"),
        (
            Reply::Ok(b"<html>maintenance</html>".repeat(30_000)),
            "cannot be used",
        ),
        (
            Reply::Ok(b"<CONSOLIDATED_LIST/>".to_vec()),
            "implausibly small",
        ),
    ];
    for (reply, expected) in cases {
        *server.reply.lock().unwrap() = reply;
        let before = server.hits.load(Ordering::SeqCst);
        let out = update(data);
        let err = stderr(&out);
        assert_eq!(
            out.status.code(),
            Some(2),
            "expected failure, stderr: {err}"
        );
        assert!(err.contains(expected), "expected {expected:?} in {err}");
        assert!(err.contains("unchanged"), "{err}");
        assert_eq!(
            current_un(data).as_ref(),
            Some(&v1),
            "the good snapshot must stay current"
        );
        if expected == "HTTP 503" {
            assert_eq!(server.hits.load(Ordering::SeqCst) - before, 2, "one retry");
        }
    }
    // No temporary directories are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(data.join("lists/un"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());

    // A changed list becomes the new current version and the old one stays stored.
    *server.reply.lock().unwrap() = Reply::Ok(un_file("v3"));
    let out = update(data);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let v3 = current_un(data).unwrap();
    assert_ne!(v3, v1);
    let out = interdict(data, &["lists", "--json"]);
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 2);
}

#[test]
fn unreachable_server_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    // Bind and drop a listener so the port is closed.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mirror = format!("http://127.0.0.1:{port}");
    let out = interdict(
        dir.path(),
        &[
            "lists",
            "update",
            "un",
            "--mirror",
            &mirror,
            "--retries",
            "1",
            "--connect-timeout",
            "2",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot download"), "{}", stderr(&out));
    assert_eq!(current_un(dir.path()), None);
}

/// A mirror serving the real UN list cut at 75 % (every organisation gone, 679 of 1,003
/// entities left) is refused: the current list stays, the message says what changed, and the
/// truncated version is kept, not current, until `--accept-shrink` promotes it.
#[test]
fn update_refuses_a_truncated_real_un_list() {
    let Some(un) = testkit::shared("data/un/UN_consolidated_2026-02-27.xml") else {
        return;
    };
    let full = std::fs::read(&un).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let server = serve(Reply::Ok(full.clone()));
    let mirror = server.url.clone();
    let update = |extra: &[&str]| {
        let mut args = vec![
            "lists",
            "update",
            "un",
            "--mirror",
            &mirror,
            "--retries",
            "1",
        ];
        args.extend_from_slice(extra);
        interdict(data, &args)
    };
    let out = update(&[]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let good = current_un(data).unwrap();

    *server.reply.lock().unwrap() = Reply::Ok(full[..full.len() * 3 / 4].to_vec());
    let out = update(&[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert!(
        err.contains("it has no Organization entities where the current version has 273"),
        "{err}"
    );
    assert!(err.contains("--accept-shrink"), "{err}");
    assert!(err.contains("The current snapshot is unchanged"), "{err}");
    assert_eq!(current_un(data).as_ref(), Some(&good));

    // The operator looked and accepts it: the same download is promoted, nothing re-parsed
    // into a second copy.
    let out = update(&["--accept-shrink", "--accept-errors"]);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    assert_ne!(current_un(data).as_ref(), Some(&good));
    let rows: serde_json::Value =
        serde_json::from_slice(&interdict(data, &["lists", "--json"]).stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 2);
}
