//! Tokens already verified, so a client that sends the same token with every request (as
//! `pulsar-admin` does) pays for the signature check once: the role is remembered with the
//! token's time window, which is checked again on every use. Only successes are kept; the size
//! and the time an entry lives are bounded.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use moka::sync::Cache;
use serde_json::Value;

/// How many verified tokens each provider remembers.
pub const ENTRIES: u64 = 10_000;
/// How long a verified token is remembered, at most (its own `exp` may end it sooner).
pub const TTL: Duration = Duration::from_mins(1);

#[derive(Clone)]
struct Entry {
    role: Option<String>,
    /// Seconds since the epoch before which the token is not valid (`nbf` minus the leeway).
    from: Option<f64>,
    /// Seconds since the epoch after which it is not valid (`exp` plus the leeway).
    until: Option<f64>,
}

/// What is known of a token verified before.
pub(crate) struct Remembered {
    /// Its role (`None`: it has no role claim).
    pub role: Option<String>,
}

/// The verified tokens of one provider.
pub(crate) struct Verified {
    cache: Cache<String, Entry>,
}

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

impl Verified {
    pub(crate) fn new() -> Self {
        Self {
            cache: Cache::builder().max_capacity(ENTRIES).time_to_live(TTL).build(),
        }
    }

    /// The role of a token verified before and still within its time window.
    pub(crate) fn lookup(&self, token: &str) -> Option<Remembered> {
        let entry = self.cache.get(token)?;
        let t = now();
        if entry.from.is_some_and(|f| t < f) || entry.until.is_some_and(|u| t > u) {
            self.cache.invalidate(token);
            return None;
        }
        Some(Remembered { role: entry.role })
    }

    /// Remembers a token just verified, with the time window of its claims.
    pub(crate) fn remember(&self, token: &str, claims: &Value, leeway_seconds: u64, role: Option<String>) {
        let leeway = leeway_seconds as f64;
        let entry = Entry {
            role,
            from: claims.get("nbf").and_then(Value::as_f64).map(|n| n - leeway),
            until: claims.get("exp").and_then(Value::as_f64).map(|e| e + leeway),
        };
        self.cache.insert(token.to_owned(), entry);
    }
}
