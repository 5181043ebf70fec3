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
    // 1 -> 2: what the receptionist took from the caller, and the model's
    // structured readings of each turn (kept to measure how often they are valid).
    "ALTER TABLE calls ADD COLUMN caller_name TEXT;
    ALTER TABLE calls ADD COLUMN callback_number TEXT;
    ALTER TABLE calls ADD COLUMN callback_confirmed INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE calls ADD COLUMN reason TEXT;
    ALTER TABLE calls ADD COLUMN urgency TEXT;
    ALTER TABLE calls ADD COLUMN escalation TEXT;
    ALTER TABLE calls ADD COLUMN message_taken INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE calls ADD COLUMN callback_promised INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE calls ADD COLUMN booking_id INTEGER;
    ALTER TABLE calls ADD COLUMN callback_done_at TEXT;
    CREATE TABLE readings (
        id         INTEGER PRIMARY KEY,
        call_id    INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
        at         TEXT    NOT NULL,
        valid      INTEGER NOT NULL,
        intent     TEXT,
        error      TEXT,
        elapsed_ms INTEGER NOT NULL
    );
    CREATE INDEX readings_call ON readings(call_id);",
    // 2 -> 3: when retention deleted a call's audio or transcript, so that the
    // console can say why they are gone.
    "ALTER TABLE calls ADD COLUMN audio_deleted_at TEXT;
    ALTER TABLE calls ADD COLUMN transcript_deleted_at TEXT;",
    // 3 -> 4: whether a call's recap still has to be queued. A new call sets
    // it, and the same transaction that queues the recap clears it, so that
    // a call ended by a power cut, or cut before its recap was queued, gets
    // its recap at the next start. Older calls keep 0: they are not re-sent.
    "ALTER TABLE calls ADD COLUMN recap_pending INTEGER NOT NULL DEFAULT 0;",
];

/// Tables owned by other crates, each with its own migration steps. Their
/// versions are kept in `component_versions`, one row per component.
const COMPONENTS: &[(&str, &[&str])] = &[
    ("booking", standardiste_booking::MIGRATIONS),
    ("outbox", standardiste_outbox::MIGRATIONS),
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
    apply_schema_steps(conn, MIGRATIONS, current)?;
    create_component_table(conn)?;
    for (component, steps) in COMPONENTS {
        migrate_component(conn, path, component, steps)?;
    }
    Ok(())
}

/// Number of migration steps this program has for `component`, or `None`
/// for a component it does not know.
pub(crate) fn component_version_supported(component: &str) -> Option<i64> {
    COMPONENTS
        .iter()
        .find(|(name, _)| *name == component)
        .map(|(_, steps)| steps.len() as i64)
}

/// Builds the schema an older release wrote: the first `version` schema
/// migrations, then for each `(component, version)` that component's first
/// steps. Schema version 1 had no components, so it passes none. For tests of the
/// upgrade from each released schema, which the append-only lists reproduce.
#[doc(hidden)]
pub fn migrate_to(conn: &mut Connection, version: i64, components: &[(&str, i64)]) -> Result<(), StoreError> {
    let path = std::path::PathBuf::from(conn.path().unwrap_or_default());
    let too_new = |found: i64, supported: i64| StoreError::TooNew {
        path: path.clone(),
        found,
        supported,
    };
    let steps = usize::try_from(version)
        .ok()
        .and_then(|count| MIGRATIONS.get(..count))
        .ok_or_else(|| too_new(version, SCHEMA_VERSION))?;
    let current: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    apply_schema_steps(conn, steps, current)?;
    if components.is_empty() {
        return Ok(());
    }
    create_component_table(conn)?;
    for (component, version) in components {
        let all = COMPONENTS
            .iter()
            .find(|(name, _)| name == component)
            .map(|(_, steps)| *steps)
            .unwrap_or_default();
        let steps = usize::try_from(*version)
            .ok()
            .and_then(|count| all.get(..count))
            .ok_or_else(|| too_new(*version, all.len() as i64))?;
        migrate_component(conn, &path, component, steps)?;
    }
    Ok(())
}

/// Applies `steps` after the first `current`, each in its own transaction
/// that also sets `user_version`.
fn apply_schema_steps(conn: &mut Connection, steps: &[&str], current: i64) -> Result<(), StoreError> {
    for (index, sql) in steps.iter().enumerate().skip(current.max(0) as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
        tracing::info!(version = index + 1, "upgraded the call database schema");
    }
    Ok(())
}

fn create_component_table(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS component_versions (
            component TEXT PRIMARY KEY,
            version   INTEGER NOT NULL
        )",
    )?;
    Ok(())
}

fn migrate_component(conn: &mut Connection, path: &Path, component: &str, steps: &[&str]) -> Result<(), StoreError> {
    let current: i64 = conn.query_row(
        "SELECT COALESCE((SELECT version FROM component_versions WHERE component = ?1), 0)",
        [component],
        |row| row.get(0),
    )?;
    let supported = steps.len() as i64;
    if current > supported {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found: current,
            supported,
        });
    }
    for (index, sql) in steps.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO component_versions (component, version) VALUES (?1, ?2)
             ON CONFLICT (component) DO UPDATE SET version = excluded.version",
            rusqlite::params![component, index as i64 + 1],
        )?;
        tx.commit()?;
        tracing::info!(component, version = index + 1, "upgraded a component's tables");
    }
    Ok(())
}
