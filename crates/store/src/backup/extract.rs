//! Unpacking a backup archive into a staging folder, member by member, with
//! the checks that keep a crafted archive from writing outside that folder.
//!
//! A member is rejected when its path is absolute, contains `..`, or names
//! no part of a backup. It is also rejected when it is anything but a
//! regular file or a folder (a symbolic or hard link, a device, a FIFO), and
//! when it appears twice.
//! Modes keep their permission bits only, and owners are not restored.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, Read};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

use flate2::read::GzDecoder;

use super::manifest::MANIFEST_NAME;
use super::{BackupError, Part};

/// Unpacks `archive` into the empty folder `staging` and returns each
/// regular file's member name with its size.
pub(super) fn unpack(archive: &Path, staging: &Path) -> Result<BTreeMap<String, u64>, BackupError> {
    let file = File::open(archive).map_err(|source| match source.kind() {
        io::ErrorKind::NotFound => BackupError::ArchiveNotFound {
            path: archive.to_path_buf(),
        },
        _ => BackupError::Read {
            path: archive.to_path_buf(),
            source,
        },
    })?;
    let mut tar = tar::Archive::new(GzDecoder::new(BufReader::new(file)));
    let mut unpacked = Unpacked {
        archive,
        staging,
        files: BTreeMap::new(),
        folders: Vec::new(),
    };
    let entries = tar.entries().map_err(|error| unpacked.corrupt(error.to_string()))?;
    for entry in entries {
        let entry = entry.map_err(|error| unpacked.corrupt(error.to_string()))?;
        unpacked.add(entry)?;
    }

    // The tar reader stops at the end-of-archive blocks. Reading the gzip
    // stream to its end makes the decoder check its CRC-32 and length.
    let mut decoder = tar.into_inner();
    io::copy(&mut decoder, &mut io::sink()).map_err(|error| unpacked.corrupt(error.to_string()))?;

    // Folder modes last, so that a read-only folder does not block its own files.
    for (folder, mode) in unpacked.folders.iter().rev() {
        fs::set_permissions(folder, fs::Permissions::from_mode(mode | 0o700))
            .map_err(|source| BackupError::Write { path: folder.clone(), source })?;
    }
    Ok(unpacked.files)
}

/// State of one unpacking: the archive, the staging folder and what was written.
struct Unpacked<'a> {
    archive: &'a Path,
    staging: &'a Path,
    /// Member name and size of each regular file.
    files: BTreeMap<String, u64>,
    /// Each folder with the permission bits of its entry.
    folders: Vec<(PathBuf, u32)>,
}

impl Unpacked<'_> {
    fn corrupt(&self, problem: String) -> BackupError {
        BackupError::Corrupt {
            archive: self.archive.to_path_buf(),
            problem,
        }
    }

    /// Checks one member and writes it under the staging folder.
    fn add<R: Read>(&mut self, mut entry: tar::Entry<'_, R>) -> Result<(), BackupError> {
        let raw_name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let unsafe_member = |problem: &str| BackupError::Unsafe {
            archive: self.archive.to_path_buf(),
            member: raw_name.clone(),
            problem: problem.to_string(),
        };
        let member = member_name(&raw_name).map_err(unsafe_member)?;
        if member != MANIFEST_NAME && Part::of_member(&member).is_none() {
            return Err(unsafe_member("is not part of a standardiste backup"));
        }
        let target = self.staging.join(&member);
        let mode = entry.header().mode().map_err(|error| self.corrupt(error.to_string()))? & 0o777;
        let write_error = |source| BackupError::Write {
            path: target.clone(),
            source,
        };
        match entry.header().entry_type() {
            tar::EntryType::Directory => {
                fs::create_dir_all(&target).map_err(write_error)?;
                self.folders.push((target.clone(), mode));
            }
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                if let Some(parent) = target.parent() {
                    fs::create_dir_all(parent).map_err(write_error)?;
                }
                let mut out = OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(&target)
                    .map_err(|source| match source.kind() {
                        io::ErrorKind::AlreadyExists => unsafe_member("appears twice"),
                        _ => write_error(source),
                    })?;
                let size = io::copy(&mut entry, &mut out).map_err(|error| self.corrupt(format!("{member}: {error}")))?;
                out.sync_all().map_err(write_error)?;
                fs::set_permissions(&target, fs::Permissions::from_mode(mode)).map_err(write_error)?;
                self.files.insert(member, size);
            }
            tar::EntryType::Symlink | tar::EntryType::Link => {
                return Err(unsafe_member("is a link, which could point outside the restored folders"));
            }
            other => {
                return Err(unsafe_member(&format!("is a {other:?} entry, not a regular file or a folder")));
            }
        }
        Ok(())
    }
}

/// Checks a member path and returns it with `/` separators, without a
/// trailing `/` or `.` components.
fn member_name(raw: &str) -> Result<String, &'static str> {
    let path = Path::new(raw);
    let mut parts = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => {
                let part = part.to_str().ok_or("has a name that is not UTF-8")?;
                parts.push(part);
            }
            Component::CurDir => {}
            Component::ParentDir => return Err("contains `..`, which would write outside the restored folders"),
            Component::RootDir | Component::Prefix(_) => {
                return Err("is an absolute path, which would write outside the restored folders")
            }
        }
    }
    if parts.is_empty() {
        return Err("has an empty name");
    }
    Ok(parts.join("/"))
}

/// Reads at most `limit` bytes of the file at `path` as UTF-8 text.
pub(super) fn read_text(path: &Path, limit: u64) -> io::Result<String> {
    let mut text = String::new();
    File::open(path)?.take(limit).read_to_string(&mut text)?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_names_are_normalised() {
        assert_eq!(member_name("./recordings/call-1.wav").unwrap(), "recordings/call-1.wav");
        assert_eq!(member_name("console/").unwrap(), "console");
    }

    #[test]
    fn escaping_member_names_are_rejected() {
        for raw in ["../calls.db", "/etc/passwd", "recordings/../../x", "", "."] {
            assert!(member_name(raw).is_err(), "{raw:?}");
        }
    }
}
