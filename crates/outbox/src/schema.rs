//! The `outbox` table and the connection settings its durability relies on.

use std::time::Duration;

use rusqlite::Connection;

/// Schema steps of the `outbox` table, oldest first. The project's store
/// applies each step once, in order, and records how many it applied. Steps
/// are never edited once released: a change is a new step.
///
/// Times are Unix milliseconds (UTC). `state` is one of `pending`, `sending`,
/// `sent` and `failed`.
pub const MIGRATIONS: &[&str] = &["
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    channel          TEXT    NOT NULL CHECK (channel IN ('sms', 'email', 'webhook')),
    recipient        TEXT    NOT NULL,
    subject          TEXT    NOT NULL,
    body             TEXT    NOT NULL,
    idempotency_key  TEXT    NOT NULL UNIQUE,
    state            TEXT    NOT NULL DEFAULT 'pending'
                             CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    next_attempt_at  INTEGER NOT NULL,
    last_attempt_at  INTEGER,
    sent_at          INTEGER,
    last_error       TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
"];

/// How long a statement waits for another connection's write lock before it
/// fails with `SQLITE_BUSY`.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Sets the pragmas the outbox's guarantees rely on: write-ahead logging,
/// `synchronous = FULL` (a committed transaction survives a power cut, not
/// only a crash) and a busy timeout. Apply it to every connection that
/// enqueues, because `synchronous` is a setting of the connection, not of the file.
pub fn configure_connection(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        // An in-memory database keeps "memory"; WAL is only for files.
        tracing::debug!(journal_mode = %mode, "outbox database is not in WAL mode");
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(())
}
