//! What a front end tells the rest of the application after each screening request: the
//! place where the records database (alerts, decisions, audit) attaches.
//!
//! The server calls [`ScreeningHook::screened`] once per answered request, after the answer is
//! built and before it is sent, from a worker thread. An implementation must be cheap or
//! hand the event to its own queue; it must not log the queries' names at info level or above.

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
}

/// Receives every answered screening request (the records crate's alert writer, later).
pub trait ScreeningHook: Send + Sync {
    /// Called once per answered request.
    fn screened(&self, event: &ScreeningEvent<'_>);
}

/// A hook that does nothing: the default until records exist.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoHook;

impl ScreeningHook for NoHook {
    fn screened(&self, _event: &ScreeningEvent<'_>) {}
}
