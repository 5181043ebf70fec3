//! Restoring a backup archive over the box's data.
//!
//! The steps, in order, each of which stops the restore with nothing
//! replaced when it fails:
//!
//! 1. Without `force`, an existing database that contains calls or bookings
//!    is rejected.
//! 2. The archive is unpacked into a staging folder beside the database,
//!    with the member checks of the `extract` module.
//! 3. Every file is checked against the manifest's size and SHA-256, and
//!    every file must be listed.
//! 4. A database schema newer than this program's is rejected.
//! 5. The staged database is upgraded by [`Store::open`], and its recording
//!    paths are moved to the new recordings folder.
//! 6. Each part's current data is moved to `replaced-YYYYMMDD-HHMMSS/` beside
//!    the database, and the staged part is renamed into its place. A failed
//!    move undoes the earlier ones.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use time::macros::format_description;

use super::extract::{read_text, unpack};
use super::manifest::{hash_all, Manifest, BACKUP_FORMAT, BACKUP_FORMAT_VERSION, MANIFEST_NAME};
use super::place::{adopt_owner, Journal};
use super::snapshot::{read_facts, DatabaseFacts};
use super::{BackupError, DataPaths, Part};
use crate::schema::{component_version_supported, SCHEMA_VERSION};
use crate::Store;

/// Largest manifest read, in bytes: far above the size of a manifest that
/// lists a few hundred thousand recordings.
const MANIFEST_LIMIT: u64 = 256 * 1024 * 1024;

/// Outcome of a restore.
#[derive(Debug, Clone)]
pub struct RestoreReport {
    pub manifest: Manifest,
    /// The paths that now hold restored data.
    pub restored: Vec<PathBuf>,
    /// The folder that received the data the restore replaced, when there was any.
    pub replaced_aside: Option<PathBuf>,
    /// Calls and bookings in the restored database.
    pub calls: i64,
    pub bookings: i64,
    /// Recordings restored.
    pub recordings: usize,
    /// Schema version of the database in the archive, and after the upgrade.
    pub schema_from: i64,
    pub schema_to: i64,
}

/// Restores `archive` over the data at `targets`. Parts the archive does not
/// contain are left as they are. With `force`, an existing database with
/// calls or bookings is replaced too. Replaced data is moved aside, never
/// deleted. The daemon must not run during a restore, because it would keep
/// writing to the database that is moved aside.
pub fn restore(archive: &Path, targets: &DataPaths, force: bool) -> Result<RestoreReport, BackupError> {
    if !archive.is_file() {
        return Err(BackupError::ArchiveNotFound {
            path: archive.to_path_buf(),
        });
    }
    if !force {
        reject_existing_data(&targets.database)?;
    }
    let data_dir = folder_of(&targets.database);
    fs::create_dir_all(&data_dir).map_err(|source| BackupError::Write {
        path: data_dir.clone(),
        source,
    })?;
    let staging = Staging::create(&data_dir)?;
    let files = unpack(archive, &staging.path)?;
    let manifest = read_manifest(archive, &staging.path, &files)?;
    let parts = verify(archive, &staging.path, &manifest, &files)?;

    let mut facts = DatabaseFacts::default();
    if parts.contains(&Part::Database) {
        let staged = staging.path.join(Part::Database.member());
        reject_newer_schema(archive, &staged, &manifest)?;
        facts = upgrade(&staged, &manifest, &targets.recordings)?;
    }

    let aside = aside_folder(&data_dir);
    let mut journal = Journal::new();
    let mut restored = Vec::new();
    let mut moved_aside = false;
    for part in Part::ALL.into_iter().filter(|part| parts.contains(part)) {
        let target = part.path(targets);
        let staged = staging.path.join(part.member());
        if let Err(error) = adopt_owner(&staged, target) {
            tracing::warn!(path = %staged.display(), %error, "cannot give the restored files the owner of the data they replace");
        }
        for (current, aside_name) in current_paths(part, target) {
            if fs::symlink_metadata(&current).is_err() {
                continue;
            }
            if let Err(source) = journal.move_path(&current, &aside.join(aside_name)) {
                let rollback = journal.undo(Some(&aside));
                return Err(BackupError::Place { path: current, source, rollback });
            }
            moved_aside = true;
        }
        if let Err(source) = journal.move_path(&staged, target) {
            let rollback = journal.undo(Some(&aside));
            return Err(BackupError::Place {
                path: target.to_path_buf(),
                source,
                rollback,
            });
        }
        restored.push(target.to_path_buf());
    }
    for path in &restored {
        if let Err(error) = crate::staged_file::sync_parent(path) {
            tracing::warn!(path = %path.display(), %error, "cannot sync the folder of a restored path");
        }
    }
    let recordings = manifest.files.iter().filter(|file| Part::of_member(&file.path) == Some(Part::Recordings)).count();
    tracing::info!(
        archive = %archive.display(),
        parts = restored.len(),
        calls = facts.calls,
        "restored a backup archive"
    );
    Ok(RestoreReport {
        schema_from: manifest.schema_version,
        schema_to: facts.schema_version,
        manifest,
        restored,
        replaced_aside: moved_aside.then_some(aside),
        calls: facts.calls,
        bookings: facts.bookings,
        recordings,
    })
}

/// Rejects a database at `path` that contains calls or bookings.
fn reject_existing_data(path: &Path) -> Result<(), BackupError> {
    if fs::symlink_metadata(path).is_err() {
        return Ok(());
    }
    let unreadable = |problem: String| BackupError::UnreadableExisting {
        path: path.to_path_buf(),
        problem,
    };
    // Read-write without create, because a read-only connection to a WAL
    // database leaves `-wal` and `-shm` files behind, and this one reads only.
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
        .map_err(|error| unreadable(error.to_string()))?;
    let facts = read_facts(&conn).map_err(|error| unreadable(error.to_string()))?;
    drop(conn);
    if facts.calls > 0 || facts.bookings > 0 {
        return Err(BackupError::ExistingData {
            path: path.to_path_buf(),
            calls: facts.calls,
            bookings: facts.bookings,
        });
    }
    Ok(())
}

/// Reads and checks `manifest.json` from the staging folder.
fn read_manifest(archive: &Path, staging: &Path, files: &BTreeMap<String, u64>) -> Result<Manifest, BackupError> {
    let corrupt = |problem: String| BackupError::Corrupt {
        archive: archive.to_path_buf(),
        problem,
    };
    if !files.contains_key(MANIFEST_NAME) {
        return Err(corrupt(format!("it has no {MANIFEST_NAME}")));
    }
    let path = staging.join(MANIFEST_NAME);
    let text = read_text(&path, MANIFEST_LIMIT).map_err(|error| corrupt(format!("{MANIFEST_NAME}: {error}")))?;
    // The format fields first, so that a newer layout is reported as newer, not as damaged.
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|error| corrupt(format!("{MANIFEST_NAME} is not valid JSON: {error}")))?;
    if value.get("format").and_then(serde_json::Value::as_str) != Some(BACKUP_FORMAT) {
        return Err(corrupt(format!("{MANIFEST_NAME} does not name the format {BACKUP_FORMAT}")));
    }
    let found = value.get("format_version").and_then(serde_json::Value::as_u64).unwrap_or(0);
    if found > u64::from(BACKUP_FORMAT_VERSION) {
        return Err(BackupError::FormatTooNew {
            archive: archive.to_path_buf(),
            found: u32::try_from(found).unwrap_or(u32::MAX),
            supported: BACKUP_FORMAT_VERSION,
            software: software_of(&value),
        });
    }
    serde_json::from_value(value).map_err(|error| corrupt(format!("{MANIFEST_NAME}: {error}")))
}

fn software_of(manifest: &serde_json::Value) -> String {
    manifest
        .get("software_version")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("the version that made the backup")
        .to_string()
}

/// Checks every unpacked file against the manifest and returns the parts
/// the archive contains.
fn verify(
    archive: &Path,
    staging: &Path,
    manifest: &Manifest,
    files: &BTreeMap<String, u64>,
) -> Result<Vec<Part>, BackupError> {
    let corrupt = |problem: String| BackupError::Corrupt {
        archive: archive.to_path_buf(),
        problem,
    };
    let mut parts = Vec::new();
    for name in &manifest.parts {
        let part = Part::ALL
            .into_iter()
            .find(|part| part.name() == name)
            .ok_or_else(|| corrupt(format!("the manifest names an unknown part {name:?}")))?;
        parts.push(part);
    }
    let mut listed = BTreeMap::new();
    for file in &manifest.files {
        listed.insert(file.path.as_str(), file);
        let actual = files
            .get(&file.path)
            .ok_or_else(|| corrupt(format!("{} is in the manifest but not in the archive", file.path)))?;
        if *actual != file.size {
            return Err(corrupt(format!("{} has {actual} bytes, but the manifest says {}", file.path, file.size)));
        }
        let path = staging.join(&file.path);
        let (_, digest) = fs::File::open(&path)
            .and_then(hash_all)
            .map_err(|source| BackupError::Read { path: path.clone(), source })?;
        if digest != file.sha256 {
            return Err(corrupt(format!("{} does not match its SHA-256 in the manifest", file.path)));
        }
    }
    for name in files.keys().filter(|name| name.as_str() != MANIFEST_NAME) {
        if !listed.contains_key(name.as_str()) {
            return Err(corrupt(format!("{name} is not listed in the manifest")));
        }
        if !Part::of_member(name).is_some_and(|part| parts.contains(&part)) {
            return Err(corrupt(format!("{name} belongs to no part the manifest lists")));
        }
    }
    for part in &parts {
        let staged = staging.join(part.member());
        if part.is_folder() {
            fs::create_dir_all(&staged).map_err(|source| BackupError::Write { path: staged.clone(), source })?;
        } else if !files.contains_key(part.member()) {
            return Err(corrupt(format!("the manifest lists the {} part, but {} is missing", part.name(), part.member())));
        }
    }
    Ok(parts)
}

/// Rejects a staged database whose schema, or the tables of a component,
/// are newer than this program's.
fn reject_newer_schema(archive: &Path, staged: &Path, manifest: &Manifest) -> Result<(), BackupError> {
    let conn = Connection::open_with_flags(staged, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|error| {
        BackupError::Corrupt {
            archive: archive.to_path_buf(),
            problem: format!("calls.db cannot be opened: {error}"),
        }
    })?;
    let facts = read_facts(&conn).map_err(|error| BackupError::Corrupt {
        archive: archive.to_path_buf(),
        problem: format!("calls.db cannot be read: {error}"),
    })?;
    let too_new = |what: String, found: i64, supported: i64| BackupError::SchemaTooNew {
        archive: archive.to_path_buf(),
        what,
        found,
        supported,
        software: manifest.software_version.clone(),
    };
    if facts.schema_version > SCHEMA_VERSION {
        return Err(too_new("schema".to_string(), facts.schema_version, SCHEMA_VERSION));
    }
    for (component, found) in &facts.component_versions {
        if let Some(supported) = component_version_supported(component) {
            if *found > supported {
                return Err(too_new(format!("{component} tables"), *found, supported));
            }
        }
    }
    Ok(())
}

/// Upgrades the staged database to this program's schema, points its
/// recording paths at `recordings`, and leaves it as one file without a WAL.
fn upgrade(staged: &Path, manifest: &Manifest, recordings: &Path) -> Result<DatabaseFacts, BackupError> {
    let upgrade_error = |source| BackupError::Upgrade { source };
    let store = Store::open(staged).map_err(upgrade_error)?;
    let sqlite_error = |error: rusqlite::Error| upgrade_error(error.into());
    if let Some(old) = manifest.recordings_dir.as_deref() {
        let new = recordings.display().to_string();
        if old != new {
            let moved = store
                .conn
                .execute(
                    "UPDATE calls SET recording_path = ?2 || substr(recording_path, length(?1) + 1)
                     WHERE substr(recording_path, 1, length(?1) + 1) = ?1 || '/'",
                    [old, new.as_str()],
                )
                .map_err(sqlite_error)?;
            tracing::info!(calls = moved, from = old, to = %new, "moved the recording paths of restored calls");
        }
    }
    store
        .conn
        .pragma_update(None, "journal_mode", "DELETE")
        .map_err(sqlite_error)?;
    read_facts(&store.conn).map_err(sqlite_error)
}

/// Lists the paths a part occupies now, each with its name in the aside folder.
/// The database brings its `-wal` and `-shm` files, which belong to it
/// alone and would corrupt the restored file if left beside it.
fn current_paths(part: Part, target: &Path) -> Vec<(PathBuf, String)> {
    let mut paths = vec![(target.to_path_buf(), part.member().to_string())];
    if part == Part::Database {
        for suffix in ["-wal", "-shm"] {
            let mut name = target.as_os_str().to_os_string();
            name.push(suffix);
            paths.push((PathBuf::from(name), format!("{}{suffix}", part.member())));
        }
    }
    paths
}

/// Picks a new `replaced-YYYYMMDD-HHMMSS` folder name (UTC) in `data_dir`.
fn aside_folder(data_dir: &Path) -> PathBuf {
    let stamp = time::OffsetDateTime::now_utc()
        .format(format_description!("[year][month][day]-[hour][minute][second]"))
        .unwrap_or_else(|_| "unknown-time".to_string());
    let mut path = data_dir.join(format!("replaced-{stamp}"));
    let mut counter = 2;
    while fs::symlink_metadata(&path).is_ok() {
        path = data_dir.join(format!("replaced-{stamp}-{counter}"));
        counter += 1;
    }
    path
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The staging folder of a restore, deleted when dropped with whatever the
/// restore did not move out of it.
struct Staging {
    path: PathBuf,
}

impl Staging {
    fn create(data_dir: &Path) -> Result<Staging, BackupError> {
        use std::os::unix::fs::DirBuilderExt;
        let path = data_dir.join(format!(".restore-{}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        // Private, because the console's state contains a key and a password hash.
        fs::DirBuilder::new()
            .mode(0o700)
            .create(&path)
            .map_err(|source| BackupError::Write { path: path.clone(), source })?;
        Ok(Staging { path })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}
