//! Statements on the `outbox` table: enqueue, the state changes of a delivery
//! attempt, and the owner's actions. Each function runs on a connection the
//! caller provides and blocks on SQLite, so async code calls it from
//! `spawn_blocking`.

use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, Row};
use time::OffsetDateTime;

use crate::delivery::{validate, Channel, Delivery, NewDelivery};
use crate::error::OutboxError;

/// Inserts `item` as a pending delivery, due now. Returns false, and changes
/// nothing, when an item with the same idempotency key already exists, in
/// whatever state. It runs inside the caller's transaction when one is open,
/// so a recap and its deliveries commit together.
///
/// After the commit, call [`Outbox::wake`](crate::Outbox::wake) so that the
/// item is sent without waiting for the outbox's timer.
pub fn enqueue(conn: &Connection, item: &NewDelivery) -> Result<bool, OutboxError> {
    validate(item)?;
    let now = now_ms();
    let inserted = conn.execute(
        "INSERT INTO outbox
             (channel, recipient, subject, body, idempotency_key, created_at, next_attempt_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
         ON CONFLICT (idempotency_key) DO NOTHING",
        params![
            item.channel.as_str(),
            item.recipient,
            item.subject,
            item.body,
            item.idempotency_key,
            now,
        ],
    )?;
    Ok(inserted == 1)
}

/// Puts a failed item back in the queue, due now, with a fresh count of
/// attempts: the owner's "retry" button. Returns false when no failed item
/// has this id. Call [`Outbox::wake`](crate::Outbox::wake) afterwards.
pub fn retry_failed(conn: &Connection, id: i64) -> Result<bool, OutboxError> {
    let changed = conn.execute(
        "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?2
         WHERE id = ?1 AND state = 'failed'",
        params![id, now_ms()],
    )?;
    Ok(changed == 1)
}

/// Deletes sent items older than `age`, so that recaps do not pile up in the
/// outbox once delivered. Returns how many were deleted.
pub fn purge_sent(conn: &Connection, age: Duration) -> Result<usize, OutboxError> {
    let cutoff = now_ms().saturating_sub(duration_ms(age));
    let deleted = conn.execute(
        "DELETE FROM outbox WHERE state = 'sent' AND sent_at < ?1",
        params![cutoff],
    )?;
    Ok(deleted)
}

/// Moves items left in `sending` by a crash or power cut back to `pending`,
/// due now. Returns how many were moved.
pub(crate) fn recover_interrupted(conn: &Connection) -> Result<usize, OutboxError> {
    let moved = conn.execute(
        "UPDATE outbox SET state = 'pending', next_attempt_at = ?1 WHERE state = 'sending'",
        params![now_ms()],
    )?;
    Ok(moved)
}

/// Returns the ids of pending items of `channel` that are due at `now`, oldest
/// first, at most `limit`. An item scheduled more than `horizon_ms` ahead is
/// due as well: no retry is ever scheduled that far, so the clock must have
/// jumped backwards since (a board without a battery-backed clock boots with
/// a wrong time until it syncs).
pub(crate) fn due_ids(
    conn: &Connection,
    channel: Channel,
    now: i64,
    horizon_ms: i64,
    limit: usize,
) -> Result<Vec<i64>, OutboxError> {
    let mut statement = conn.prepare_cached(
        "SELECT id FROM outbox
         WHERE state = 'pending' AND channel = ?1
           AND (next_attempt_at <= ?2 OR next_attempt_at > ?2 + ?3)
         ORDER BY next_attempt_at, id
         LIMIT ?4",
    )?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let ids = statement
        .query_map(params![channel.as_str(), now, horizon_ms, limit], |row| {
            row.get(0)
        })?
        .collect::<Result<Vec<i64>, _>>()?;
    Ok(ids)
}

/// Returns the earliest `next_attempt_at` of pending items of `channel`.
pub(crate) fn next_attempt_at(
    conn: &Connection,
    channel: Channel,
) -> Result<Option<i64>, OutboxError> {
    let next = conn.query_row(
        "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending' AND channel = ?1",
        params![channel.as_str()],
        |row| row.get(0),
    )?;
    Ok(next)
}

/// Returns the number of pending items of `channel`.
pub(crate) fn count_pending(conn: &Connection, channel: Channel) -> Result<u64, OutboxError> {
    let count: i64 = conn.query_row(
        "SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND channel = ?1",
        params![channel.as_str()],
        |row| row.get(0),
    )?;
    Ok(u64::try_from(count).unwrap_or(0))
}

/// Marks a pending item `sending` and counts the attempt, in one committed
/// statement, and returns it. Returns `None` when the item is no longer
/// pending. The commit comes before the transport is called, so after a crash
/// the item is found in `sending` and sent again.
pub(crate) fn claim(conn: &Connection, id: i64) -> Result<Option<Delivery>, OutboxError> {
    let row = conn
        .query_row(
            "UPDATE outbox
             SET state = 'sending', attempts = attempts + 1, last_attempt_at = ?2
             WHERE id = ?1 AND state = 'pending'
             RETURNING id, channel, recipient, subject, body, idempotency_key,
                       attempts, created_at, last_error",
            params![id, now_ms()],
            RawDelivery::from_row,
        )
        .optional()?;
    row.map(RawDelivery::into_delivery).transpose()
}

/// Marks a `sending` item sent.
pub(crate) fn mark_sent(conn: &Connection, id: i64) -> Result<(), OutboxError> {
    conn.execute(
        "UPDATE outbox SET state = 'sent', sent_at = ?2, last_error = NULL
         WHERE id = ?1 AND state = 'sending'",
        params![id, now_ms()],
    )?;
    Ok(())
}

/// Puts a `sending` item back to pending, due after `delay`, with the error.
pub(crate) fn mark_retry(
    conn: &Connection,
    id: i64,
    delay: Duration,
    error: &str,
) -> Result<(), OutboxError> {
    let next = now_ms().saturating_add(duration_ms(delay));
    conn.execute(
        "UPDATE outbox SET state = 'pending', next_attempt_at = ?2, last_error = ?3
         WHERE id = ?1 AND state = 'sending'",
        params![id, next, error],
    )?;
    Ok(())
}

/// Marks a `sending` item failed, with the error.
pub(crate) fn mark_failed(conn: &Connection, id: i64, error: &str) -> Result<(), OutboxError> {
    conn.execute(
        "UPDATE outbox SET state = 'failed', last_error = ?2
         WHERE id = ?1 AND state = 'sending'",
        params![id, error],
    )?;
    Ok(())
}

/// Returns the current time in Unix milliseconds.
pub(crate) fn now_ms() -> i64 {
    let nanos = OffsetDateTime::now_utc().unix_timestamp_nanos();
    i64::try_from(nanos / 1_000_000).unwrap_or(i64::MAX)
}

/// Returns `duration` in whole milliseconds, saturating.
pub(crate) fn duration_ms(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// The columns of a delivery as stored, before their values are checked.
struct RawDelivery {
    id: i64,
    channel: String,
    recipient: String,
    subject: String,
    body: String,
    idempotency_key: String,
    attempts: i64,
    created_at: i64,
    last_error: Option<String>,
}

impl RawDelivery {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(RawDelivery {
            id: row.get(0)?,
            channel: row.get(1)?,
            recipient: row.get(2)?,
            subject: row.get(3)?,
            body: row.get(4)?,
            idempotency_key: row.get(5)?,
            attempts: row.get(6)?,
            created_at: row.get(7)?,
            last_error: row.get(8)?,
        })
    }

    fn into_delivery(self) -> Result<Delivery, OutboxError> {
        let id = self.id;
        let corrupt = |problem: String| OutboxError::CorruptRow { id, problem };
        let channel = self.channel.parse::<Channel>().map_err(corrupt)?;
        let created_at =
            OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.created_at) * 1_000_000)
                .map_err(|err| {
                    corrupt(format!(
                        "created_at {} is out of range: {err}",
                        self.created_at
                    ))
                })?;
        Ok(Delivery {
            id,
            channel,
            recipient: self.recipient,
            subject: self.subject,
            body: self.body,
            idempotency_key: self.idempotency_key,
            attempts: u32::try_from(self.attempts).unwrap_or(u32::MAX),
            created_at,
            last_error: self.last_error,
        })
    }
}
