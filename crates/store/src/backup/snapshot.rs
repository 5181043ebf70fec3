//! A consistent copy of the call database, taken with SQLite's online backup
//! API while other connections may be writing, and the facts the manifest
//! and restore need from a database file.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use super::BackupError;

/// How long the snapshot waits for a lock on the source before giving up.
const LOCK_WAIT: Duration = Duration::from_secs(30);

/// Facts about a database file that backup and restore need.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct DatabaseFacts {
    pub schema_version: i64,
    pub component_versions: BTreeMap<String, i64>,
    pub calls: i64,
    pub bookings: i64,
}

/// Copies `database` to the new file `target` and checks the copy.
///
/// The copy runs as one step of the backup API, which keeps one read
/// transaction open on the source for the whole copy. In WAL mode, which the
/// store uses, a writer does not block that reader, so the copy is the last
/// committed state even while another connection has a write transaction
/// open. A source in rollback-journal mode can be locked by a committing
/// writer, and the step is then retried until [`LOCK_WAIT`] has passed.
pub(super) fn take(database: &Path, target: &Path) -> Result<DatabaseFacts, BackupError> {
    let snapshot_error = |source| BackupError::Snapshot {
        path: database.to_path_buf(),
        source,
    };
    let source = Connection::open_with_flags(database, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(snapshot_error)?;
    source.busy_timeout(Duration::from_secs(5)).map_err(snapshot_error)?;
    let mut copy = Connection::open(target).map_err(snapshot_error)?;
    {
        let backup = Backup::new(&source, &mut copy).map_err(snapshot_error)?;
        let started = Instant::now();
        loop {
            match backup.step(-1).map_err(snapshot_error)? {
                StepResult::Done => break,
                StepResult::More => {}
                StepResult::Busy | StepResult::Locked if started.elapsed() < LOCK_WAIT => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                StepResult::Busy | StepResult::Locked => {
                    return Err(snapshot_error(rusqlite::Error::SqliteFailure(
                        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                        Some(format!("still locked after {} s; try again", LOCK_WAIT.as_secs())),
                    )));
                }
                // StepResult is non-exhaustive; a future variant is treated as progress.
                _ => {}
            }
        }
    }
    let check: String = copy
        .query_row("PRAGMA quick_check", [], |row| row.get(0))
        .map_err(snapshot_error)?;
    if check != "ok" {
        return Err(BackupError::SnapshotDamaged {
            path: database.to_path_buf(),
            problem: check,
        });
    }
    read_facts(&copy).map_err(snapshot_error)
}

/// Reads the schema versions and the number of calls and bookings. Tables a
/// database does not have yet count as empty.
pub(super) fn read_facts(conn: &Connection) -> rusqlite::Result<DatabaseFacts> {
    let schema_version = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let mut component_versions = BTreeMap::new();
    if has_table(conn, "component_versions")? {
        let mut statement = conn.prepare("SELECT component, version FROM component_versions ORDER BY component")?;
        let rows = statement.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)))?;
        for row in rows {
            let (component, version) = row?;
            component_versions.insert(component, version);
        }
    }
    Ok(DatabaseFacts {
        schema_version,
        component_versions,
        calls: count_rows(conn, "calls")?,
        bookings: count_rows(conn, "bookings")?,
    })
}

fn has_table(conn: &Connection, table: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
        [table],
        |row| row.get(0),
    )
}

fn count_rows(conn: &Connection, table: &str) -> rusqlite::Result<i64> {
    if !has_table(conn, table)? {
        return Ok(0);
    }
    conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |row| row.get(0))
}
