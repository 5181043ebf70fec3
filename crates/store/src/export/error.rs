//! Errors of [`crate::export::export`], each naming the path and the fix.

use std::io;
use std::path::PathBuf;

use crate::StoreError;

/// Error from an export. Files already staged for it are deleted, so the
/// output folder keeps what it had before.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("no call database at {path}; check data_dir in the settings file (the database is created by the first call)")]
    MissingDatabase { path: PathBuf },
    /// The database could not be opened, or a newer program wrote it.
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "the call database {path} has schema version {found}, older than this program's {supported}; \
         start `standardiste serve` once, which upgrades it, then export again"
    )]
    SchemaTooOld {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("cannot read the {what} from the call database {path}: {source}")]
    Read {
        path: PathBuf,
        what: &'static str,
        source: rusqlite::Error,
    },
    #[error("cannot read the appointment book from the call database {path}: {source}")]
    Bookings {
        path: PathBuf,
        source: standardiste_booking::BookingError,
    },
    #[error("cannot create the export folder {path}: {source}; choose a folder this user can write to")]
    CreateFolder { path: PathBuf, source: io::Error },
    #[error("cannot write {path}: {source}; check the free space and the permissions of its folder")]
    Write { path: PathBuf, source: io::Error },
    #[error("no export format chosen; choose one or more of csv, json and ical")]
    NoFormat,
}
