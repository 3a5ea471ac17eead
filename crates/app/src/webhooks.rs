//! Webhooks: new alerts announced to configured URLs, at least once.
//!
//! An alert and its notification are written in one transaction (the `outbox` table, see
//! `records::Tx::hit`), so a notification exists exactly when its alert does. A worker
//! ([`deliver_due`]) POSTs every due item to every URL that does not have it yet, with the body
//! signed by HMAC-SHA256 under a shared secret (`x-interdict-signature: sha256=<hex>`) and the
//! outbox id in `x-interdict-delivery`, so receivers can check the sender and drop repeats. An
//! item is marked delivered once every URL answered 2xx (and that is logged in the audit
//! trail); otherwise its next attempt waits twice as long as the last, up to a cap. A crash
//! between a 2xx and the mark sends the item again: receivers see each alert at least once.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use records::{Db, OutboxItem};

use crate::{AppError, Result};

/// Where notifications go and how.
#[derive(Debug, Clone)]
pub struct Webhooks {
    /// The receivers.
    pub urls: Vec<String>,
    /// The shared secret the bodies are signed with.
    pub secret: Vec<u8>,
    /// The wait after the first failed attempt; it doubles with every further failure.
    pub base_delay: Duration,
    /// The longest wait between attempts.
    pub max_delay: Duration,
    /// How long one POST may take.
    pub timeout: Duration,
}

impl Webhooks {
    /// Receivers with the default timing: 5 s after the first failure, doubling up to an hour.
    pub fn new(urls: Vec<String>, secret: Vec<u8>) -> Webhooks {
        Webhooks {
            urls,
            secret,
            base_delay: Duration::from_secs(5),
            max_delay: Duration::from_secs(3600),
            timeout: Duration::from_secs(10),
        }
    }
}

/// The signature header's value for a body.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    format!("sha256={}", records::audit::hmac_sha256_hex(secret, body))
}

/// What one pass of the worker did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivery {
    /// Items tried.
    pub attempted: u64,
    /// Items now delivered to every receiver.
    pub delivered: u64,
}

/// The wait before attempt `attempts + 1` after `attempts` failed ones.
pub fn backoff(hooks: &Webhooks, attempts: i64) -> Duration {
    let shift = u32::try_from(attempts.clamp(0, 30)).unwrap_or(30);
    hooks
        .base_delay
        .saturating_mul(1u32 << shift.min(20))
        .min(hooks.max_delay)
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// POSTs one item to one receiver; `Ok` on 2xx.
fn post(agent: &ureq::Agent, url: &str, secret: &[u8], item: &OutboxItem) -> Result<(), String> {
    let body = item.body.as_bytes();
    let r = agent
        .post(url)
        .header("content-type", "application/json")
        .header("x-interdict-event", &item.topic)
        .header("x-interdict-delivery", item.id.to_string())
        .header("x-interdict-signature", signature(secret, body))
        .send(body)
        .map_err(|e| format!("the request failed: {e}"))?;
    let status = r.status().as_u16();
    if (200..300).contains(&status) {
        Ok(())
    } else {
        Err(format!("the receiver answered {status}"))
    }
}

/// Delivers every item due now to the receivers that lack it; one pass, at most `limit` items.
pub async fn deliver_due(db: &Db, hooks: &Webhooks, limit: i64) -> Result<Delivery> {
    let mut out = Delivery::default();
    if hooks.urls.is_empty() {
        return Ok(out);
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(hooks.timeout))
        .http_status_as_error(false)
        .user_agent(concat!("interdict/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    for item in db.outbox_due(&records::time::now(), limit).await? {
        out.attempted += 1;
        let (agent2, hooks2, item2) = (agent.clone(), hooks.clone(), item.clone());
        let (reached, error) = tokio::task::spawn_blocking(move || {
            let mut reached = Vec::new();
            let mut error = None;
            for url in hooks2
                .urls
                .iter()
                .filter(|u| !item2.delivered_to.contains(u))
            {
                match post(&agent2, url, &hooks2.secret, &item2) {
                    Ok(()) => reached.push(url.clone()),
                    // The URL may carry a token: the error names the receiver by position.
                    Err(e) => {
                        let i = hooks2.urls.iter().position(|u| u == url).unwrap_or(0);
                        error = Some(format!("receiver {}: {e}", i + 1));
                    }
                }
            }
            (reached, error)
        })
        .await
        .map_err(|e| AppError::Invalid(format!("a webhook worker failed: {e}")))?;
        let mut item = item;
        item.delivered_to.extend(reached);
        let done = hooks.urls.iter().all(|u| item.delivered_to.contains(u));
        let wait = backoff(hooks, item.attempts);
        let next = records::time::format_millis(
            now_ms().saturating_add(i64::try_from(wait.as_millis()).unwrap_or(i64::MAX)),
        );
        db.outbox_attempt("system:webhooks", &item, done, &next, error.as_deref())
            .await?;
        if done {
            out.delivered += 1;
        } else {
            tracing::warn!(
                outbox = item.id,
                attempts = item.attempts + 1,
                retry_in_s = wait.as_secs_f64(),
                error = error.as_deref().unwrap_or(""),
                "A webhook was not delivered; it will be retried."
            );
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let h = Webhooks {
            base_delay: Duration::from_secs(5),
            max_delay: Duration::from_secs(60),
            ..Webhooks::new(vec![], vec![])
        };
        let waits: Vec<u64> = (0..6).map(|a| backoff(&h, a).as_secs()).collect();
        assert_eq!(waits, [5, 10, 20, 40, 60, 60]);
        assert_eq!(backoff(&h, 1000).as_secs(), 60);
    }
}
