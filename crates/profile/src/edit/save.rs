//! Saving a draft: the conflict check against the file on disk, and the atomic write.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{fchown, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use super::ProfileDraft;
use crate::error::{FieldError, ProfileError};
use crate::BusinessProfile;

/// Serializes saves within the process, so that two form submissions cannot both pass the
/// conflict check before either writes. An editor outside the process is not held back, so
/// a change it makes between the check and the rename is overwritten.
static SAVE_LOCK: Mutex<()> = Mutex::new(());

/// Numbers the temporary files of this process, so concurrent saves never share one.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Error saving a draft. Only a [`SaveError::Write`] may come after the file was replaced.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The file on disk is no longer the text the draft or the edited text was made from.
    #[error("the business profile changed since this form was opened, so these changes were not saved: reload the page to see the new version, then make the changes again")]
    Conflict,
    /// The edited profile is invalid; the problems name each field and its fix.
    #[error(transparent)]
    Invalid(ProfileError),
    #[error("cannot read the business profile {path} to check that it is unchanged: {source}")]
    Read { path: PathBuf, source: io::Error },
    /// Writing failed. The file keeps its old text unless the error came after the rename,
    /// when only syncing the folder failed.
    #[error("cannot save the business profile {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
}

impl SaveError {
    /// Problems with single fields; empty unless the draft is invalid.
    pub fn problems(&self) -> &[FieldError] {
        match self {
            SaveError::Invalid(error) => error.problems(),
            _ => &[],
        }
    }
}

impl ProfileDraft {
    /// Stamp of the text the draft was opened from: 16 hexadecimal digits that change when
    /// the text does. A form page keeps it in a hidden input for
    /// [`ProfileDraft::ensure_revision`].
    pub fn revision(&self) -> String {
        revision_of(&self.original)
    }

    /// Rejects with [`SaveError::Conflict`] when the draft was opened from another text than
    /// the form's, whose [`ProfileDraft::revision`] is `revision`.
    pub fn ensure_revision(&self, revision: &str) -> Result<(), SaveError> {
        if revision.trim() == self.revision() {
            Ok(())
        } else {
            Err(SaveError::Conflict)
        }
    }

    /// Validates the draft and writes it to `path`, returning the profile the box will load.
    ///
    /// Rejects an invalid draft, and a file whose text is no longer the one the draft was
    /// opened from. Writes a temporary file in the same folder with the old file's
    /// permissions and owner, syncs it, renames it over the old file and syncs the folder,
    /// so the file is whole at every moment, even after a power cut. A path that is a
    /// symbolic link has its target replaced. An unchanged text is not written, so the box
    /// does not reload.
    ///
    /// Blocks on file I/O and fsync, so async code calls it from a blocking task.
    pub fn save(&self, path: &Path) -> Result<BusinessProfile, SaveError> {
        let profile = self.validate().map_err(SaveError::Invalid)?;
        replace_checked(path, &self.text(), |on_disk| on_disk == self.original)?;
        Ok(profile)
    }
}

/// Writes `text` to `path` when the file's text passes `expected`, and rejects with
/// [`SaveError::Conflict`] otherwise. Writes nothing when the file already contains `text`.
pub(super) fn replace_checked(
    path: &Path,
    text: &str,
    expected: impl Fn(&str) -> bool,
) -> Result<(), SaveError> {
    let _guard = SAVE_LOCK.lock().unwrap_or_else(PoisonError::into_inner);
    let on_disk = match fs::read_to_string(path) {
        Ok(on_disk) => on_disk,
        // A file removed since the form was opened has changed too.
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Err(SaveError::Conflict),
        Err(source) => {
            return Err(SaveError::Read {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    if !expected(&on_disk) {
        return Err(SaveError::Conflict);
    }
    if text != on_disk {
        write_atomically(path, text).map_err(|source| SaveError::Write {
            path: path.to_path_buf(),
            source,
        })?;
    }
    Ok(())
}

/// Returns the 64-bit FNV-1a hash of `text` in hexadecimal: stable across Rust releases and
/// runs, unlike the standard library's hasher.
pub(super) fn revision_of(text: &str) -> String {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0100_0000_01b3;
    let hash = text.bytes().fold(OFFSET_BASIS, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    });
    format!("{hash:016x}")
}

/// Replaces the file at `path` with `text` through a temporary file and a rename.
fn write_atomically(path: &Path, text: &str) -> io::Result<()> {
    let target = fs::canonicalize(path)?;
    let old = fs::metadata(&target)?;
    let (Some(folder), Some(name)) = (target.parent(), target.file_name()) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the path names no file in a folder",
        ));
    };
    let temp = folder.join(format!(
        ".{}.{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));

    let written = write_temp(&temp, text, &old).and_then(|()| fs::rename(&temp, &target));
    if let Err(error) = written {
        // The temporary file may not exist, depending on the step that failed.
        let _ = fs::remove_file(&temp);
        return Err(error);
    }
    File::open(folder)?.sync_all()
}

/// Writes and syncs the temporary file, with the owner and permissions of `old`.
///
/// NOTE: extended attributes, such as ACLs or an SELinux label, are not copied.
fn write_temp(temp: &Path, text: &str, old: &fs::Metadata) -> io::Result<()> {
    // Readable by the owner only until the old file's permissions are copied.
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(temp)?;
    file.write_all(text.as_bytes())?;

    // The owner first, because changing it clears set-user-ID and set-group-ID bits.
    let created = file.metadata()?;
    if created.uid() != old.uid() || created.gid() != old.gid() {
        fchown(&file, Some(old.uid()), Some(old.gid())).map_err(|error| {
            io::Error::new(
                error.kind(),
                format!(
                    "cannot give the new file the owner {}:{} of the old one ({error}); run the console as that user or as root",
                    old.uid(),
                    old.gid()
                ),
            )
        })?;
    }
    file.set_permissions(old.permissions())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revision_is_stable() {
        // FNV-1a of the empty text is its offset basis; of "a" a published test vector.
        assert_eq!(revision_of(""), "cbf29ce484222325");
        assert_eq!(revision_of("a"), "af63dc4c8601ec8c");
        assert_ne!(revision_of("name = \"A\""), revision_of("name = \"B\""));
    }
}
