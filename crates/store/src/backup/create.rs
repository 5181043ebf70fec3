//! Writing a backup archive.

use std::fs::{self, File};
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use flate2::Compression;

use super::manifest::{HashingReader, Manifest, ManifestFile, BACKUP_FORMAT, BACKUP_FORMAT_VERSION, MANIFEST_NAME};
use super::{snapshot, BackupError, DataPaths, Part};
use crate::calls::now_rfc3339;
use crate::staged_file::StagedFile;

/// Outcome of a backup.
#[derive(Debug, Clone)]
pub struct BackupReport {
    pub archive: PathBuf,
    /// Size of the archive in bytes.
    pub archive_bytes: u64,
    pub manifest: Manifest,
    /// Calls and bookings in the archived database.
    pub calls: i64,
    pub bookings: i64,
    /// Recordings archived.
    pub recordings: usize,
    /// Parts that were not archived because they do not exist on this box.
    pub missing_parts: Vec<PathBuf>,
}

/// Writes an archive of the data at `sources` to `archive`, replacing a file
/// there. The archive is written under a temporary name and renamed once
/// complete, so a failed backup leaves no archive behind.
///
/// The database is required. Each other part is archived when it exists.
/// A recording still being written is archived as far as it was written
/// when the backup reached it.
pub fn backup(sources: &DataPaths, archive: &Path) -> Result<BackupReport, BackupError> {
    if !sources.database.is_file() {
        return Err(BackupError::MissingDatabase {
            path: sources.database.clone(),
        });
    }
    reject_archive_inside_sources(sources, archive)?;
    let work = WorkFolder::create(archive)?;
    let snapshot_path = work.path.join("calls.db");
    let facts = snapshot::take(&sources.database, &snapshot_path)?;

    // Owner only, because the archive contains the console's key and password hash.
    let mut staged = StagedFile::create_with_mode(archive, 0o600).map_err(|source| BackupError::Write {
        path: archive.to_path_buf(),
        source,
    })?;
    let write_error = |source| BackupError::Write {
        path: archive.to_path_buf(),
        source,
    };
    let mut manifest = Manifest {
        format: BACKUP_FORMAT.to_string(),
        format_version: BACKUP_FORMAT_VERSION,
        software_version: env!("CARGO_PKG_VERSION").to_string(),
        schema_version: facts.schema_version,
        component_versions: facts.component_versions.clone(),
        created_at: now_rfc3339(),
        parts: Vec::new(),
        recordings_dir: None,
        files: Vec::new(),
    };
    let mut missing_parts = Vec::new();
    let mut recordings = 0;
    {
        let encoder = GzEncoder::new(staged.writer().map_err(write_error)?, Compression::default());
        let mut tar = tar::Builder::new(encoder);
        let mut writer = ArchiveWriter {
            archive,
            tar: &mut tar,
            files: &mut manifest.files,
        };
        for part in Part::ALL {
            let source = match part {
                Part::Database => snapshot_path.as_path(),
                other => other.path(sources),
            };
            let added = if part.is_folder() {
                if source.is_dir() {
                    let count = writer.append_folder(source, part.member())?;
                    if part == Part::Recordings {
                        recordings = count;
                    }
                }
                source.is_dir()
            } else {
                if source.is_file() {
                    writer.append_file(source, part.member())?;
                }
                source.is_file()
            };
            if added {
                manifest.parts.push(part.name().to_string());
                if part == Part::Recordings {
                    manifest.recordings_dir = Some(sources.recordings.display().to_string());
                }
            } else {
                missing_parts.push(source.to_path_buf());
            }
        }
        let manifest_text = serde_json::to_vec_pretty(&manifest).map_err(|error| write_error(io::Error::from(error)))?;
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_size(manifest_text.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(mtime_now());
        tar.append_data(&mut header, MANIFEST_NAME, manifest_text.as_slice())
            .map_err(write_error)?;
        let encoder = tar.into_inner().map_err(write_error)?;
        encoder.finish().map_err(write_error)?.flush().map_err(write_error)?;
    }
    staged.commit().map_err(write_error)?;
    let archive_bytes = fs::metadata(archive).map(|meta| meta.len()).unwrap_or(0);
    tracing::info!(
        archive = %archive.display(),
        files = manifest.files.len(),
        bytes = archive_bytes,
        schema_version = manifest.schema_version,
        "wrote a backup archive"
    );
    Ok(BackupReport {
        archive: archive.to_path_buf(),
        archive_bytes,
        manifest,
        calls: facts.calls,
        bookings: facts.bookings,
        recordings,
        missing_parts,
    })
}

/// Appends files to the tar stream and lists them for the manifest.
struct ArchiveWriter<'a, W: Write> {
    archive: &'a Path,
    tar: &'a mut tar::Builder<W>,
    files: &'a mut Vec<ManifestFile>,
}

impl<W: Write> ArchiveWriter<'_, W> {
    /// Appends the regular file `path` as `member`, hashing it as it goes.
    fn append_file(&mut self, path: &Path, member: &str) -> Result<(), BackupError> {
        let read_error = |source| BackupError::Read {
            path: path.to_path_buf(),
            source,
        };
        let file = File::open(path).map_err(read_error)?;
        let metadata = file.metadata().map_err(read_error)?;
        let mut header = tar::Header::new_gnu();
        header.set_metadata_in_mode(&metadata, tar::HeaderMode::Complete);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_mode(metadata.permissions().mode() & 0o777);
        let size = metadata.len();
        let mut reader = HashingReader::new(file, size);
        let appended = self.tar.append_data(&mut header, member, &mut reader);
        if let Err(source) = appended {
            return Err(if reader.failed() {
                read_error(source)
            } else {
                BackupError::Write {
                    path: self.archive.to_path_buf(),
                    source,
                }
            });
        }
        self.files.push(ManifestFile {
            path: member.to_string(),
            size,
            sha256: reader.finish(),
        });
        Ok(())
    }

    /// Appends the folder `path` as `member` with everything under it, in
    /// name order, and returns the number of files. Symbolic links and
    /// special files are skipped with a warning.
    fn append_folder(&mut self, path: &Path, member: &str) -> Result<usize, BackupError> {
        let read_error = |source| BackupError::Read {
            path: path.to_path_buf(),
            source,
        };
        let metadata = fs::metadata(path).map_err(read_error)?;
        self.append_folder_entry(&metadata, member)?;
        let mut entries = fs::read_dir(path)
            .map_err(read_error)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(read_error)?;
        entries.sort_by_key(|entry| entry.file_name());
        let mut count = 0;
        for entry in entries {
            let child = entry.path();
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                tracing::warn!(path = %child.display(), "skipped a file whose name is not UTF-8");
                continue;
            };
            let child_member = format!("{member}/{name}");
            let file_type = entry.file_type().map_err(|source| BackupError::Read {
                path: child.clone(),
                source,
            })?;
            if file_type.is_dir() {
                count += self.append_folder(&child, &child_member)?;
            } else if file_type.is_file() {
                self.append_file(&child, &child_member)?;
                count += 1;
            } else {
                tracing::warn!(path = %child.display(), "skipped a symbolic link or special file");
            }
        }
        Ok(count)
    }

    fn append_folder_entry(&mut self, metadata: &fs::Metadata, member: &str) -> Result<(), BackupError> {
        let mut header = tar::Header::new_gnu();
        header.set_metadata_in_mode(metadata, tar::HeaderMode::Complete);
        header.set_entry_type(tar::EntryType::Directory);
        header.set_mode(metadata.permissions().mode() & 0o777);
        header.set_size(0);
        self.tar
            .append_data(&mut header, format!("{member}/"), io::empty())
            .map_err(|source| BackupError::Write {
                path: self.archive.to_path_buf(),
                source,
            })
    }
}

fn mtime_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// Rejects an archive path inside a folder that the backup copies, which
/// would archive the archive's own temporary file.
fn reject_archive_inside_sources(sources: &DataPaths, archive: &Path) -> Result<(), BackupError> {
    let archive_dir = absolute_folder(archive);
    for folder in [&sources.recordings, &sources.console_state] {
        let Ok(folder) = folder.canonicalize() else {
            continue;
        };
        if archive_dir.as_ref().is_some_and(|dir| dir.starts_with(&folder)) {
            return Err(BackupError::ArchiveInsideSource {
                archive: archive.to_path_buf(),
                folder,
            });
        }
    }
    Ok(())
}

/// Returns the canonical folder of `path`, when it exists.
fn absolute_folder(path: &Path) -> Option<PathBuf> {
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    parent.canonicalize().ok()
}

/// A private folder beside the archive for the database snapshot, deleted
/// when dropped.
struct WorkFolder {
    path: PathBuf,
}

impl WorkFolder {
    fn create(archive: &Path) -> Result<WorkFolder, BackupError> {
        let name = archive.file_name().map_or_else(|| "backup".into(), |name| name.to_string_lossy().into_owned());
        let path = archive.with_file_name(format!(".{name}.snapshot-{}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).map_err(|source| BackupError::Write { path: path.clone(), source })?;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o700))
            .map_err(|source| BackupError::Write { path: path.clone(), source })?;
        Ok(WorkFolder { path })
    }
}

impl Drop for WorkFolder {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}
