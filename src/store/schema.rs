//! Schema migrations, tracked with SQLite's `user_version`.

use std::path::Path;

use rusqlite::Connection;

use super::StoreError;

/// Each entry upgrades the schema from version `index` to `index + 1`.
/// Released entries never change; a new schema gets a new entry.
const MIGRATIONS: &[&str] = &[
    // 0 -> 1: calls and their turns.
    "CREATE TABLE calls (
        id             INTEGER PRIMARY KEY,
        started_at     TEXT    NOT NULL,
        ended_at       TEXT,
        line           TEXT    NOT NULL,
        caller_number  TEXT,
        outcome        TEXT    NOT NULL DEFAULT 'in_progress',
        duration_ms    INTEGER,
        language       TEXT,
        recording_path TEXT
    );
    CREATE INDEX calls_started_at ON calls(started_at);
    CREATE TABLE turns (
        id             INTEGER PRIMARY KEY,
        call_id        INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
        seq            INTEGER NOT NULL,
        speaker        TEXT    NOT NULL CHECK (speaker IN ('caller', 'assistant')),
        text           TEXT    NOT NULL,
        start_ms       INTEGER NOT NULL,
        end_ms         INTEGER NOT NULL,
        stt_confidence REAL,
        endpoint_ms    INTEGER,
        stt_ms         INTEGER,
        llm_first_ms   INTEGER,
        tts_first_ms   INTEGER,
        latency_ms     INTEGER,
        interrupted    INTEGER NOT NULL DEFAULT 0,
        UNIQUE (call_id, seq)
    );",
];

/// Schema version this program writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Applies every migration the database has not seen, each in its own transaction.
pub fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
        tracing::info!(version = index + 1, "upgraded the call database schema");
    }
    Ok(())
}
