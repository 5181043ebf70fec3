//! Free space on the disk that keeps the call data.

use std::io;
use std::path::Path;

/// Free space below which the daemon deletes the oldest recordings, so that
/// calls go on being answered and transcribed. The console warns below it too.
pub const LOW_FREE_BYTES: u64 = 1_000_000_000;

/// Free space that deleting recordings aims for, above [`LOW_FREE_BYTES`] so
/// that one sweep frees room for many calls instead of one.
pub const TARGET_FREE_BYTES: u64 = 2 * LOW_FREE_BYTES;

/// Size of the reserve file: disk space set aside while the disk is roomy and
/// given back once it is full, so that the call database can still take the
/// calls that follow (a call's rows take a few kilobytes, an estimate).
pub const RESERVE_BYTES: u64 = 16 * 1024 * 1024;

/// Name of the reserve file in the data folder.
pub const RESERVE_FILE: &str = "space-reserve";

/// Creates the reserve file at `path` unless it is already there in full.
/// Returns whether it was created. The bytes are written, not allocated
/// sparsely, so the space is really taken.
pub fn keep_reserve(path: &Path) -> io::Result<bool> {
    if std::fs::metadata(path).is_ok_and(|meta| meta.len() == RESERVE_BYTES) {
        return Ok(false);
    }
    let partial = path.with_extension("partial");
    let write = || -> io::Result<()> {
        use std::io::Write;
        let mut file = std::fs::File::create(&partial)?;
        let chunk = vec![0u8; 1024 * 1024];
        for _ in 0..RESERVE_BYTES / chunk.len() as u64 {
            file.write_all(&chunk)?;
        }
        file.sync_all()?;
        std::fs::rename(&partial, path)
    };
    if let Err(error) = write() {
        let _ = std::fs::remove_file(&partial);
        return Err(error);
    }
    Ok(true)
}

/// Deletes the reserve file at `path`. Returns whether there was one.
pub fn release_reserve(path: &Path) -> io::Result<bool> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(error) => Err(error),
    }
}

/// Space on the file system that contains a folder, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiskSpace {
    pub total: u64,
    /// Space an unprivileged process may still use.
    pub available: u64,
}

/// Reads the space of the file system that contains `folder`.
pub fn disk_space(folder: &Path) -> io::Result<DiskSpace> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(folder.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path contains a NUL byte"))?;
    let mut stats = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: `path` is a NUL-terminated string and `stats` is a valid
    // buffer that statvfs fills completely when it returns 0.
    let result = unsafe { libc::statvfs(path.as_ptr(), stats.as_mut_ptr()) };
    if result != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: statvfs returned 0, so it initialised the structure.
    let stats = unsafe { stats.assume_init() };
    let block = stats.f_frsize as u64;
    Ok(DiskSpace {
        total: (stats.f_blocks as u64).saturating_mul(block),
        available: (stats.f_bavail as u64).saturating_mul(block),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn space_of_real_folder() {
        let space = disk_space(Path::new("/")).unwrap();
        assert!(space.total > 0);
        assert!(space.available <= space.total);
        let missing = disk_space(Path::new("/no/such/folder")).unwrap_err();
        assert_eq!(missing.kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn reserve_is_written_once_and_released() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(RESERVE_FILE);
        assert!(keep_reserve(&path).unwrap());
        assert_eq!(std::fs::metadata(&path).unwrap().len(), RESERVE_BYTES);
        assert!(!keep_reserve(&path).unwrap(), "a full reserve is kept as it is");
        std::fs::write(&path, b"cut short").unwrap();
        assert!(keep_reserve(&path).unwrap(), "a short reserve is written again");
        assert!(release_reserve(&path).unwrap());
        assert!(!path.exists());
        assert!(!release_reserve(&path).unwrap());
        let unwritable = dir.path().join("no/such/folder").join(RESERVE_FILE);
        assert!(keep_reserve(&unwritable).is_err());
        assert!(!unwritable.with_extension("partial").exists());
    }
}
