//! The retry schedule: exponential, capped, with jitter within bounds.

use std::time::Duration;

use standardiste_outbox::RetryPolicy;

fn policy() -> RetryPolicy {
    RetryPolicy {
        first: Duration::from_secs(1),
        max: Duration::from_secs(60),
        max_attempts: 10,
    }
}

#[test]
fn backoff_schedule_table() {
    // (failed attempts, shortest delay, longest delay)
    let table = [
        (0, 500, 1_000),
        (1, 500, 1_000),
        (2, 1_000, 2_000),
        (3, 2_000, 4_000),
        (4, 4_000, 8_000),
        (5, 8_000, 16_000),
        (6, 16_000, 32_000),
        (7, 30_000, 60_000),
        (8, 30_000, 60_000),
        (64, 30_000, 60_000),
        (u32::MAX, 30_000, 60_000),
    ];
    let policy = policy();
    for (attempts, low_ms, high_ms) in table {
        let low = policy.backoff(attempts, 0.0);
        let high = policy.backoff(attempts, 1.0);
        assert_eq!(
            low,
            Duration::from_millis(low_ms),
            "shortest delay after {attempts} attempts"
        );
        assert_eq!(
            high,
            Duration::from_millis(high_ms),
            "longest delay after {attempts} attempts"
        );
    }
}

#[test]
fn backoff_jitter_stays_in_bounds() {
    let policy = policy();
    for attempts in 1..=12 {
        let low = policy.backoff(attempts, 0.0);
        let high = policy.backoff(attempts, 1.0);
        let mut distinct = std::collections::BTreeSet::new();
        for _ in 0..200 {
            let delay = policy.next_delay(attempts);
            assert!(
                delay >= low,
                "{delay:?} below {low:?} after {attempts} attempts"
            );
            assert!(
                delay <= high,
                "{delay:?} above {high:?} after {attempts} attempts"
            );
            distinct.insert(delay);
        }
        assert!(distinct.len() > 1, "no jitter after {attempts} attempts");
    }
}

#[test]
fn backoff_clamps_bad_jitter() {
    let policy = policy();
    assert_eq!(policy.backoff(3, -1.0), policy.backoff(3, 0.0));
    assert_eq!(policy.backoff(3, 7.0), policy.backoff(3, 1.0));
    assert_eq!(policy.backoff(3, f64::NAN), policy.backoff(3, 0.0));
}

#[test]
fn attempts_exhausted_at_max() {
    let policy = policy();
    assert!(!policy.is_exhausted(9));
    assert!(policy.is_exhausted(10));
    let zero = RetryPolicy {
        max_attempts: 0,
        ..policy
    };
    assert!(zero.is_exhausted(1), "max_attempts 0 allows one attempt");
    assert!(!zero.is_exhausted(0));
}
