//! Bounded retries with exponential backoff, and a timeout on every call.

use std::future::Future;
use std::time::Duration;

/// How persistently a store retries transient failures (429, 5xx, connection errors, timeouts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// Delay after the first failure; doubled after each further one.
    pub initial_delay: Duration,
    /// The longest delay.
    pub max_delay: Duration,
    /// Time allowed for one call.
    pub call_timeout: Duration,
}

impl Default for RetryPolicy {
    /// 10 attempts over about 40 seconds: enough to ride out an API server restart.
    fn default() -> Self {
        Self {
            attempts: 10,
            initial_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(8),
            call_timeout: Duration::from_secs(15),
        }
    }
}

impl RetryPolicy {
    /// For a server answering clients (`mesh serve`): 4 attempts over under 2 seconds plus the
    /// calls, so that an unreachable API server is a prompt 503 with its reason, not a request
    /// held for the 40 seconds a command line can afford to wait.
    pub fn serving() -> Self {
        Self {
            attempts: 4,
            initial_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(1),
            call_timeout: Duration::from_secs(10),
        }
    }

    /// One attempt within `timeout`: a readiness check says how the API server is now.
    pub fn once(timeout: Duration) -> Self {
        Self {
            attempts: 1,
            initial_delay: Duration::ZERO,
            max_delay: Duration::ZERO,
            call_timeout: timeout,
        }
    }

    /// The delay after failed attempt `n` (1-based).
    pub fn delay(&self, n: u32) -> Duration {
        let factor = 1u32.checked_shl(n.saturating_sub(1)).unwrap_or(u32::MAX);
        self.initial_delay.saturating_mul(factor).min(self.max_delay)
    }
}

/// Why a retried call failed in the end.
#[derive(Debug)]
pub(crate) enum Failure<E> {
    /// An error no retry mends.
    Final(E),
    /// Every attempt failed; the last failure.
    Exhausted {
        /// Attempts made.
        attempts: u32,
        /// The last attempt's error, or the time limit within which it got no answer.
        last: Result<E, Duration>,
    },
}

/// Runs `call` until it succeeds, fails with an error that `retryable` does not accept, or the
/// attempts are used up.
pub(crate) async fn run<T, E, F, Fut>(
    policy: &RetryPolicy,
    retryable: impl Fn(&E) -> bool,
    mut call: F,
) -> Result<T, Failure<E>>
where
    E: std::error::Error,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        let last = match tokio::time::timeout(policy.call_timeout, call()).await {
            Ok(Ok(v)) => return Ok(v),
            Ok(Err(e)) if !retryable(&e) => return Err(Failure::Final(e)),
            Ok(Err(e)) => Ok(e),
            Err(_) => Err(policy.call_timeout),
        };
        if attempt >= policy.attempts {
            return Err(Failure::Exhausted {
                attempts: attempt,
                last,
            });
        }
        match &last {
            Ok(e) => tracing::debug!(attempt, reason = %e, "retrying"),
            Err(limit) => tracing::debug!(attempt, ?limit, "retrying: no answer"),
        }
        tokio::time::sleep(policy.delay(attempt)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap() {
        let p = RetryPolicy::default();
        let d: Vec<u64> = (1..=8).map(|n| p.delay(n).as_millis() as u64).collect();
        assert_eq!(d, [200, 400, 800, 1600, 3200, 6400, 8000, 8000]);
        assert_eq!(p.delay(200), p.max_delay);
    }

    #[tokio::test(start_paused = true)]
    async fn transient_failures_are_retried_then_given_up() {
        let p = RetryPolicy {
            attempts: 3,
            ..RetryPolicy::default()
        };
        let busy = || std::io::Error::other("busy");
        let mut calls = 0;
        let r: Result<(), _> = run(
            &p,
            |_: &std::io::Error| true,
            || {
                calls += 1;
                async { Err(busy()) }
            },
        )
        .await;
        assert_eq!(calls, 3);
        assert!(
            matches!(r, Err(Failure::Exhausted { attempts: 3, last: Ok(ref e) }) if e.to_string() == "busy")
        );

        let mut calls = 0;
        let r: Result<u8, _> = run(
            &p,
            |_: &std::io::Error| false,
            || {
                calls += 1;
                async { Err(std::io::Error::other("bad")) }
            },
        )
        .await;
        assert_eq!(calls, 1);
        assert!(matches!(r, Err(Failure::Final(ref e)) if e.to_string() == "bad"));

        let mut calls = 0;
        let r = run(
            &p,
            |_: &std::io::Error| true,
            || {
                calls += 1;
                let n = calls;
                async move { if n < 2 { Err(busy()) } else { Ok(n) } }
            },
        )
        .await;
        assert!(matches!(r, Ok(2)));

        let slow = RetryPolicy {
            attempts: 2,
            call_timeout: Duration::from_millis(10),
            ..RetryPolicy::default()
        };
        let r: Result<(), Failure<std::io::Error>> = run(&slow, |_| true, std::future::pending).await;
        assert!(matches!(
            r,
            Err(Failure::Exhausted {
                attempts: 2,
                last: Err(_)
            })
        ));
    }
}
