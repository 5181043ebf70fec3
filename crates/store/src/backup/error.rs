//! Errors of [`crate::backup::backup`] and [`crate::backup::restore`], each
//! naming the path and the fix.

use std::io;
use std::path::PathBuf;

use crate::StoreError;

/// Error from a backup or a restore. A failed backup leaves no archive, and
/// a failed restore leaves the box's data as it was, unless
/// [`BackupError::Place`] states otherwise.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("no call database at {path}, so there is nothing to back up; check data_dir in the settings file")]
    MissingDatabase { path: PathBuf },
    #[error("the archive {archive} would be inside {folder}, which the backup copies; write the archive to another folder")]
    ArchiveInsideSource { archive: PathBuf, folder: PathBuf },
    #[error("cannot take a snapshot of the call database {path}: {source}")]
    Snapshot { path: PathBuf, source: rusqlite::Error },
    #[error(
        "the snapshot of the call database {path} failed SQLite's check: {problem}; the database may be damaged, \
         check it with `sqlite3 {path} 'PRAGMA integrity_check'`"
    )]
    SnapshotDamaged { path: PathBuf, problem: String },
    #[error("cannot read {path}: {source}; check that it exists and that this user can read it")]
    Read { path: PathBuf, source: io::Error },
    #[error("cannot write {path}: {source}; check the free space and the permissions of its folder")]
    Write { path: PathBuf, source: io::Error },
    #[error("no backup archive at {path}; give the path of a .tar.gz file made by `standardiste backup`")]
    ArchiveNotFound { path: PathBuf },
    #[error(
        "the backup archive {archive} is damaged or was altered: {problem}; nothing was restored, \
         so make a new backup on the old box or use another copy of this one"
    )]
    Corrupt { archive: PathBuf, problem: String },
    #[error(
        "the backup archive {archive} contains {member:?}, which {problem}; nothing was restored. \
         `standardiste backup` never writes such a member, so do not use this file"
    )]
    Unsafe {
        archive: PathBuf,
        member: String,
        problem: String,
    },
    #[error(
        "the backup archive {archive} has format version {found}, newer than this software's {supported}; \
         upgrade standardiste to {software} or newer first, then restore again"
    )]
    FormatTooNew {
        archive: PathBuf,
        found: u32,
        supported: u32,
        software: String,
    },
    #[error(
        "the backup archive {archive} contains a call database with {what} version {found}, newer than \
         this software's {supported}; upgrade standardiste to {software} (the version that made the backup) \
         or newer first, then restore again"
    )]
    SchemaTooNew {
        archive: PathBuf,
        what: String,
        found: i64,
        supported: i64,
        software: String,
    },
    #[error(
        "the call database {path} already contains {calls} calls and {bookings} bookings, which the restore \
         would replace; restore again with --force, which moves the current data to a replaced-* folder \
         beside the database instead of deleting it"
    )]
    ExistingData { path: PathBuf, calls: i64, bookings: i64 },
    #[error(
        "cannot tell whether the call database {path} contains data ({problem}); restore again with --force, \
         which moves it to a replaced-* folder beside it instead of deleting it"
    )]
    UnreadableExisting { path: PathBuf, problem: String },
    #[error("cannot upgrade the restored call database: {source}; nothing was replaced")]
    Upgrade { source: StoreError },
    #[error("cannot move {path} into place: {source}; {rollback}")]
    Place {
        path: PathBuf,
        source: io::Error,
        /// Outcome for the data that was there before.
        rollback: String,
    },
}
