//! A summary of the outbox for the owner's console.

use std::time::Duration;

use rusqlite::Connection;

use crate::error::OutboxError;
use crate::queue::now_ms;

/// Counts of items by state, and what the console shows about trouble.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutboxStatus {
    pub pending: u64,
    /// Items whose attempt is in progress, or was cut by a crash and waits
    /// for the outbox to start again.
    pub sending: u64,
    pub failed: u64,
    pub sent: u64,
    /// Time since the oldest pending item was enqueued.
    pub oldest_pending_age: Option<Duration>,
    /// Error of the most recent failed attempt among pending and failed items.
    pub last_error: Option<String>,
}

/// Reads the status of the outbox. It blocks on SQLite, so async code calls
/// it from `spawn_blocking`.
pub fn status(conn: &Connection) -> Result<OutboxStatus, OutboxError> {
    let mut status = OutboxStatus::default();
    let mut statement = conn.prepare("SELECT state, COUNT(*) FROM outbox GROUP BY state")?;
    let counts = statement.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
    })?;
    for count in counts {
        let (state, count) = count?;
        let count = u64::try_from(count).unwrap_or(0);
        match state.as_str() {
            "pending" => status.pending = count,
            "sending" => status.sending = count,
            "failed" => status.failed = count,
            "sent" => status.sent = count,
            _ => {}
        }
    }

    let oldest: Option<i64> = conn.query_row(
        "SELECT MIN(created_at) FROM outbox WHERE state = 'pending'",
        [],
        |row| row.get(0),
    )?;
    status.oldest_pending_age = oldest.map(|created_at| {
        let age_ms = now_ms().saturating_sub(created_at).max(0);
        Duration::from_millis(u64::try_from(age_ms).unwrap_or(0))
    });

    status.last_error = conn
        .query_row(
            "SELECT last_error FROM outbox
         WHERE state IN ('pending', 'failed') AND last_error IS NOT NULL
         ORDER BY last_attempt_at DESC, id DESC
         LIMIT 1",
            [],
            |row| row.get(0),
        )
        .or_else(|err| match err {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            other => Err(other),
        })?;
    Ok(status)
}
