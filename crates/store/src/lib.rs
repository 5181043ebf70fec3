//! The call store: one SQLite file holding calls and their turns.
//!
//! Every write is its own transaction in WAL mode with `synchronous=FULL`, so a
//! row is on disk once the call returns: a power cut or a SIGKILL mid-call keeps
//! every turn spoken before it. A call whose process died is found on the next
//! open (no end time) and closed with the outcome `interrupted`.

pub mod backup;
mod calls;
mod deliveries;
pub mod disk;
pub mod export;
mod intake;
mod messages;
mod outbox;
mod retention;
mod schema;
mod search;
mod staged_file;

use std::path::{Path, PathBuf};

use rusqlite::Connection;

pub use calls::{now_rfc3339, CallOutcome, CallRow, NewTurn, Speaker, TurnRow};
pub use deliveries::CallDelivery;
pub use intake::IntakeRow;
pub use messages::{CallbackList, CallbackRow};
#[doc(hidden)]
pub use schema::migrate_to;
pub use schema::SCHEMA_VERSION;
pub use search::{CallFilter, CallSummaryRow};

/// Error from the call database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the call database {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("the call database {path} has schema version {found}, newer than this program's {supported}; upgrade standardiste")]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("call {0} not found; list the stored calls with `standardiste calls`")]
    CallNotFound(i64),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("a call database task failed: {0}")]
    Task(String),
    #[error("appointment book: {0}")]
    Booking(#[from] standardiste_booking::BookingError),
    #[error("outbox: {0}")]
    Outbox(#[from] standardiste_outbox::OutboxError),
}

/// A connection to the call database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the database, upgrades its schema and closes
    /// any call left open by a process that died.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent).map_err(|e| StoreError::Open {
                    path: path.to_path_buf(),
                    source: rusqlite::Error::ToSqlConversionFailure(Box::new(e)),
                })?;
            }
        }
        let open_error = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(open_error)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(open_error)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_error)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(open_error)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(open_error)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        schema::migrate(&mut store.conn, path)?;
        let closed = store.close_interrupted_calls()?;
        if closed > 0 {
            tracing::warn!(calls = closed, path = %path.display(), "closed calls left open by an earlier crash");
        }
        Ok(store)
    }

    /// Opens the database for reading only: no migration, and calls left open
    /// stay as they are, since a running daemon may own them. For `standardiste calls`.
    pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        let open_error = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(open_error)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(open_error)?;
        Store::without_migrating(conn, path)
    }

    /// Opens an existing database for reading and writing while the daemon
    /// may have it open too, for the web console. It neither upgrades the
    /// schema nor closes calls left open, because the running daemon owns
    /// both, and it rejects a database from a newer program.
    pub fn open_shared(path: &Path) -> Result<Store, StoreError> {
        let open_error = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE)
            .map_err(open_error)?;
        standardiste_booking::configure_connection(&conn).map_err(open_error)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(open_error)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(open_error)?;
        Store::without_migrating(conn, path)
    }

    /// Wraps `conn` as it is, after checking that no newer program wrote its schema.
    fn without_migrating(conn: Connection, path: &Path) -> Result<Store, StoreError> {
        let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        if found > schema::SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found,
                supported: schema::SCHEMA_VERSION,
            });
        }
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Path of the database file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_open_leaves_open_calls_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("calls.db");
        let id = Store::open(&path).unwrap().start_call("sim0", None, None).unwrap();
        let shared = Store::open_shared(&path).unwrap();
        assert_eq!(shared.call(id).unwrap().outcome, "in_progress");
        shared.set_call_language(id, "fr").unwrap();
        assert_eq!(shared.call(id).unwrap().language.as_deref(), Some("fr"));
    }

    #[test]
    fn shared_open_needs_an_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing.db");
        let error = Store::open_shared(&path).err().unwrap();
        assert!(matches!(error, StoreError::Open { .. }), "{error}");
        assert!(!path.exists());
    }
}
