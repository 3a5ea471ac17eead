//! Downloading official lists: timeouts, retries, size and format checks.
//!
//! Nothing here writes to the store: `lists update` downloads every file of a list into memory,
//! checks and parses it, and only then hands it to the store, which writes atomically. A failed
//! or partial download therefore never replaces a good snapshot.

use std::io::Read;
use std::time::Duration;

use ingest::ListId;

use crate::files::FileData;
use crate::{AppError, Observer, Result, Unit};

fn fail<T>(message: String) -> Result<T> {
    Err(AppError::Download(message))
}

/// An official source: the files that make up one list and where they are published.
pub struct Source {
    /// The list.
    pub list: ListId,
    /// (file name, official URL) for each file of the list.
    pub files: &'static [(&'static str, &'static str)],
    /// Smallest plausible size of the largest file; anything smaller is an error page or a
    /// truncated file.
    pub min_bytes: u64,
}

/// The official sources `lists update` knows.
pub const SOURCES: &[Source] = &[
    Source {
        list: ListId::OfacSdn,
        files: &[
            (
                "SDN.CSV",
                "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN.CSV",
            ),
            (
                "ADD.CSV",
                "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADD.CSV",
            ),
            (
                "ALT.CSV",
                "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ALT.CSV",
            ),
            (
                "SDN_COMMENTS.CSV",
                "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN_COMMENTS.CSV",
            ),
        ],
        min_bytes: 1_000_000,
    },
    Source {
        list: ListId::OfacCons,
        files: &[
            (
                "CONS_PRIM.CSV",
                "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/CONS_PRIM.CSV",
            ),
            (
                "CONS_ADD.CSV",
                "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/CONS_ADD.CSV",
            ),
            (
                "CONS_ALT.CSV",
                "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/CONS_ALT.CSV",
            ),
            (
                "CONS_COMMENTS.CSV",
                "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/CONS_COMMENTS.CSV",
            ),
        ],
        min_bytes: 50_000,
    },
    Source {
        list: ListId::Un,
        files: &[(
            "consolidated.xml",
            "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
        )],
        min_bytes: 500_000,
    },
    Source {
        list: ListId::Eu,
        files: &[(
            "xmlFullSanctionsList_1_1.xml",
            "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw",
        )],
        min_bytes: 1_000_000,
    },
    Source {
        list: ListId::Uk,
        files: &[(
            "UK-Sanctions-List.xml",
            "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml",
        )],
        min_bytes: 1_000_000,
    },
];

/// Looks a source up by list name.
pub fn source(list: ListId) -> Option<&'static Source> {
    SOURCES.iter().find(|s| s.list == list)
}

/// Download settings.
pub struct Fetcher {
    agent: ureq::Agent,
    /// Attempts per file, at least 1.
    pub attempts: u32,
    /// Pause before the first retry; doubled for each later one.
    pub backoff: Duration,
    /// Largest accepted file.
    pub max_bytes: u64,
    /// Serve every file from `<mirror>/<file name>` instead of the official URL.
    pub mirror: Option<String>,
}

impl Fetcher {
    /// A fetcher with the given timeouts.
    pub fn new(connect: Duration, total: Duration, mirror: Option<String>) -> Fetcher {
        let config = ureq::Agent::config_builder()
            .timeout_connect(Some(connect))
            .timeout_global(Some(total))
            .http_status_as_error(false)
            .user_agent(concat!("interdict/", env!("CARGO_PKG_VERSION")))
            .build();
        Fetcher {
            agent: config.into(),
            attempts: 3,
            backoff: Duration::from_secs(2),
            max_bytes: 2 << 30,
            mirror,
        }
    }

    /// The URL a file is fetched from.
    pub fn url_for(&self, name: &str, official: &str) -> String {
        match &self.mirror {
            Some(m) => format!("{}/{name}", m.trim_end_matches('/')),
            None => official.to_string(),
        }
    }

    /// Downloads every file of a source, checking sizes; fails if any file fails.
    pub fn fetch_source(&self, source: &Source, obs: &dyn Observer) -> Result<Vec<FileData>> {
        let mut out = Vec::new();
        for (name, official) in source.files {
            let url = self.url_for(name, official);
            let bytes = self.fetch(&url, obs)?;
            out.push(FileData { name: url, bytes });
        }
        let largest = out.iter().map(|f| f.bytes.len() as u64).max().unwrap_or(0);
        if largest < source.min_bytes {
            return fail(format!(
                "the download of {} is implausibly small ({largest} bytes, expected at least {}); the server may have sent an error page",
                source.list.as_str(),
                source.min_bytes
            ));
        }
        Ok(out)
    }

    /// Downloads one URL with retries.
    pub fn fetch(&self, url: &str, obs: &dyn Observer) -> Result<Vec<u8>> {
        let mut last = String::from("no attempt was made");
        let mut pause = self.backoff;
        for attempt in 1..=self.attempts.max(1) {
            match self.fetch_once(url, obs) {
                Ok(b) => return Ok(b),
                Err(e) => {
                    tracing::warn!(url, attempt, error = %e, "Download failed.");
                    last = e;
                    if attempt < self.attempts {
                        std::thread::sleep(pause);
                        pause *= 2;
                    }
                }
            }
        }
        fail(format!(
            "cannot download {url} (tried {} times): {last}",
            self.attempts.max(1)
        ))
    }

    /// One attempt; the error is a sentence for the retry log and the final message.
    fn fetch_once(&self, url: &str, obs: &dyn Observer) -> Result<Vec<u8>, String> {
        let mut resp = self
            .agent
            .get(url)
            .call()
            .map_err(|e| format!("request failed: {e}"))?;
        let status = resp.status();
        if !status.is_success() {
            return Err(format!("the server answered HTTP {status}"));
        }
        let expected: Option<u64> = resp
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok());
        if let Some(n) = expected
            && n > self.max_bytes
        {
            return Err(format!(
                "the file is {n} bytes, more than the {} byte limit",
                self.max_bytes
            ));
        }
        obs.start(url.rsplit('/').next().unwrap_or(url), expected, Unit::Bytes);
        let mut reader = resp
            .body_mut()
            .with_config()
            .limit(self.max_bytes + 1)
            .reader();
        let mut buf = Vec::with_capacity(expected.unwrap_or(1 << 20).min(self.max_bytes) as usize);
        let mut chunk = vec![0u8; 1 << 16];
        loop {
            let n = reader.read(&mut chunk).map_err(|e| {
                format!(
                    "the download is incomplete: the connection broke off after {} bytes ({e})",
                    buf.len()
                )
            })?;
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
            obs.advance(n as u64);
            if buf.len() as u64 > self.max_bytes {
                obs.finish();
                return Err(format!(
                    "the file is larger than the {} byte limit",
                    self.max_bytes
                ));
            }
        }
        obs.finish();
        if let Some(n) = expected
            && buf.len() as u64 != n
        {
            return Err(format!(
                "the download is incomplete: got {} of {n} bytes",
                buf.len()
            ));
        }
        Ok(buf)
    }
}
