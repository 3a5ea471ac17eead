//! What a front end tells the rest of the application after each screening request: the
//! place where the records database (alerts, decisions, audit) attaches.
//!
//! The server calls [`ScreeningHook::screened`] once per answered request, after the answer is
//! built and before it is sent, from a screening (rayon) thread, never an async worker. An
//! implementation must be cheap or hand the event to its own queue; it must not log the
//! queries' names at info level or above. When it refuses (its queue stayed full, its database
//! is gone), the service does not send the answer: a screening that cannot be recorded is not
//! answered (fail closed), and the client gets a 503 it can retry.

/// Who asked: the API key's public id and role, or the loopback operator without keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The key id (`idk_<id>_…`), or `local` when the service runs with `--no-auth`.
    pub key_id: String,
    /// A name for people.
    pub name: String,
    /// What the key may do.
    pub role: api::Role,
}

impl Principal {
    /// The principal of a service started with `--no-auth` on loopback: an administrator.
    pub fn local() -> Principal {
        Principal {
            key_id: "local".into(),
            name: "loopback without keys".into(),
            role: api::Role::Admin,
        }
    }
}

/// One answered screening request.
#[derive(Debug)]
pub struct ScreeningEvent<'a> {
    /// The request id the service logged and returned (`x-request-id`).
    pub request_id: &'a str,
    /// Who asked.
    pub principal: &'a Principal,
    /// The endpoint (`/match/{dataset}`, `/v1/screen`, …).
    pub endpoint: &'a str,
    /// The generation that answered.
    pub generation: u64,
    /// The lists and versions that answered.
    pub lists: &'a [api::ListUsed],
    /// The queries, as screened.
    pub queries: &'a [screening::Query],
    /// One answer line per query of the native API (`None` for the yente protocol, whose
    /// answers are FtM entities: `matches` counts its matches instead).
    pub lines: Option<&'a [api::ScreenLine]>,
    /// How many results reached the threshold over all queries.
    pub matches: usize,
    /// The answers of the yente protocol, by query key (`None` for the native API).
    pub answers: Option<&'a [(String, api::yente::EntityMatches)]>,
    /// The parameters that shaped the answer (threshold, limit, mode…), as text; the records
    /// keep its hash.
    pub config: String,
}

/// Why a hook refused an event: the answer is then not sent (fail closed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{detail}")]
pub struct HookRefused {
    /// A stable code for the error body (`evidence_unavailable`).
    pub code: &'static str,
    /// A sentence for the client.
    pub detail: String,
}

/// Receives every answered screening request (the records database's evidence writer).
pub trait ScreeningHook: Send + Sync {
    /// Called once per answered request; an error withholds the answer.
    fn screened(&self, event: &ScreeningEvent<'_>) -> Result<(), HookRefused>;
}

/// A hook that does nothing: the default when no records database is configured.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoHook;

impl ScreeningHook for NoHook {
    fn screened(&self, _event: &ScreeningEvent<'_>) -> Result<(), HookRefused> {
        Ok(())
    }
}

/// Two hooks, called in order; the first refusal stops.
pub struct Both(
    /// Called first.
    pub std::sync::Arc<dyn ScreeningHook>,
    /// Called when the first accepted.
    pub std::sync::Arc<dyn ScreeningHook>,
);

impl ScreeningHook for Both {
    fn screened(&self, event: &ScreeningEvent<'_>) -> Result<(), HookRefused> {
        self.0.screened(event)?;
        self.1.screened(event)
    }
}
