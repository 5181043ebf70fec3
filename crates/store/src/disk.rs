//! Free space on the disk that keeps the call data.

use std::io;
use std::path::Path;

/// Free space below which the daemon deletes the oldest recordings, so that
/// calls go on being answered and transcribed. The console warns below it too.
pub const LOW_FREE_BYTES: u64 = 1_000_000_000;

/// Free space that deleting recordings aims for, above [`LOW_FREE_BYTES`] so
/// that one sweep frees room for many calls instead of one.
pub const TARGET_FREE_BYTES: u64 = 2 * LOW_FREE_BYTES;

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
}
