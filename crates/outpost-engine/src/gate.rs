//! Politeness gates: services that ask for spacing between requests (t.me
//! per host, GDELT across all of its sources) get at most one request per
//! slot, jittered so that sources polled together do not march in step.
//!
//! A gate only delays the source that waits at it: every source refreshes
//! in its own task, so a slow or failing GDELT never holds up a feed.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// The spacing between two requests of one gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestSpacing {
    /// Between two requests to one Telegram preview host (t.me).
    pub telegram: Duration,
    /// Between two GDELT requests, whatever the source (GDELT asks for at
    /// most one request every 5 seconds).
    pub gdelt: Duration,
}

impl Default for RequestSpacing {
    fn default() -> Self {
        Self {
            telegram: Duration::from_secs(3),
            gdelt: Duration::from_secs(5),
        }
    }
}

#[derive(Default)]
pub(crate) struct Gates {
    /// Per gate key, when the next request may start.
    next: Mutex<HashMap<String, Instant>>,
    /// Per gate key, until when the service asked everyone to stay away.
    blocked: Mutex<HashMap<String, Instant>>,
    spacing: Mutex<RequestSpacing>,
}

impl Gates {
    pub(crate) fn spacing(&self) -> RequestSpacing {
        *self.spacing.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn set_spacing(&self, spacing: RequestSpacing) {
        *self.spacing.lock().unwrap_or_else(|e| e.into_inner()) = spacing;
    }

    /// Waits for the gate's next slot and books the one after it: the
    /// spacing plus up to half of it again at random. While the service's
    /// own back-off runs, it does not wait but says how long is left, so a
    /// source fails at once instead of holding up the poll.
    pub(crate) async fn wait(&self, key: &str, spacing: Duration) -> Result<(), Duration> {
        if let Some(until) = self
            .blocked
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
            .copied()
        {
            let now = Instant::now();
            if until > now {
                return Err(until - now);
            }
        }
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let slot = next.get(key).copied().filter(|t| *t > now).unwrap_or(now);
            let jitter = spacing.mul_f64(rand::random::<f64>() * 0.5);
            next.insert(key.to_string(), slot + spacing + jitter);
            slot
        };
        tokio::time::sleep_until(slot).await;
        Ok(())
    }

    /// Closes the gate for `wait`: the service asked every client of it to
    /// back off (a 429).
    pub(crate) fn defer(&self, key: &str, wait: Duration) {
        let mut next = self.blocked.lock().unwrap_or_else(|e| e.into_inner());
        let until = Instant::now() + wait;
        let slot = next.entry(key.to_string()).or_insert(until);
        if *slot < until {
            *slot = until;
        }
    }
}
