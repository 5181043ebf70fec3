//! The sign-in rate limit: a client that fails too often must wait, and so
//! must everyone when failures pile up from many addresses.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures one address may make within [`WINDOW`].
const PER_CLIENT: usize = 5;
/// Failures all addresses together may make within [`WINDOW`].
const OVERALL: usize = 50;
const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Addresses tracked; beyond it the oldest are dropped (the overall limit still holds).
const MAX_CLIENTS: usize = 1024;

/// Whether a sign-in attempt may go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Too many failures: try again after this long.
    Wait(Duration),
}

/// Failed sign-ins and set-up codes per client address.
#[derive(Default)]
pub struct Limiter {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    clients: HashMap<IpAddr, VecDeque<Instant>>,
    overall: VecDeque<Instant>,
}

impl Limiter {
    /// Returns whether `client` may try to sign in now.
    pub fn check(&self, client: IpAddr) -> Verdict {
        self.check_at(client, Instant::now())
    }

    /// Counts a failed attempt by `client`.
    pub fn failed(&self, client: IpAddr) {
        self.failed_at(client, Instant::now())
    }

    /// Forgets `client`'s failures after it signed in.
    pub fn succeeded(&self, client: IpAddr) {
        self.lock().clients.remove(&client);
    }

    fn check_at(&self, client: IpAddr, now: Instant) -> Verdict {
        let mut state = self.lock();
        prune(&mut state.overall, now);
        if state.overall.len() >= OVERALL {
            return Verdict::Wait(wait_for(&state.overall, now));
        }
        let Some(failures) = state.clients.get_mut(&client) else {
            return Verdict::Allowed;
        };
        prune(failures, now);
        if failures.len() >= PER_CLIENT {
            return Verdict::Wait(wait_for(failures, now));
        }
        Verdict::Allowed
    }

    fn failed_at(&self, client: IpAddr, now: Instant) {
        let mut state = self.lock();
        state.overall.push_back(now);
        if state.clients.len() >= MAX_CLIENTS && !state.clients.contains_key(&client) {
            let oldest = state
                .clients
                .iter()
                .min_by_key(|(_, failures)| failures.back().copied())
                .map(|(address, _)| *address);
            if let Some(address) = oldest {
                state.clients.remove(&address);
            }
        }
        state.clients.entry(client).or_default().push_back(now);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn prune(failures: &mut VecDeque<Instant>, now: Instant) {
    while failures.front().is_some_and(|first| now.duration_since(*first) >= WINDOW) {
        failures.pop_front();
    }
}

/// Time until the oldest failure leaves the window.
fn wait_for(failures: &VecDeque<Instant>, now: Instant) -> Duration {
    failures
        .front()
        .map(|first| WINDOW.saturating_sub(now.duration_since(*first)))
        .unwrap_or_default()
        .max(Duration::from_secs(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_waits_after_repeated_failures() {
        let limiter = Limiter::default();
        let client: IpAddr = "192.168.1.20".parse().unwrap();
        let other: IpAddr = "192.168.1.21".parse().unwrap();
        let start = Instant::now();
        for _ in 0..PER_CLIENT {
            assert_eq!(limiter.check_at(client, start), Verdict::Allowed);
            limiter.failed_at(client, start);
        }
        assert!(matches!(limiter.check_at(client, start), Verdict::Wait(_)));
        assert_eq!(limiter.check_at(other, start), Verdict::Allowed);
        assert_eq!(limiter.check_at(client, start + WINDOW), Verdict::Allowed);
    }

    #[test]
    fn failures_from_many_clients_stop_everyone() {
        let limiter = Limiter::default();
        let now = Instant::now();
        for i in 0..OVERALL {
            let address = IpAddr::from([10, 0, (i / 250) as u8, (i % 250) as u8]);
            limiter.failed_at(address, now);
        }
        let fresh: IpAddr = "10.9.9.9".parse().unwrap();
        assert!(matches!(limiter.check_at(fresh, now), Verdict::Wait(_)));
    }

    #[test]
    fn success_forgets_the_client() {
        let limiter = Limiter::default();
        let client: IpAddr = "::1".parse().unwrap();
        for _ in 0..PER_CLIENT {
            limiter.failed(client);
        }
        limiter.succeeded(client);
        assert_eq!(limiter.check(client), Verdict::Allowed);
    }
}
