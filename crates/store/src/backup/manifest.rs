//! `manifest.json`, the last member of a backup archive: what made the
//! archive, the schema versions of its database, and each file's size and
//! SHA-256, which restore checks before it replaces anything.

use std::collections::BTreeMap;
use std::io::{self, Read};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Value of [`Manifest::format`].
pub const BACKUP_FORMAT: &str = "standardiste-backup";

/// Version of the archive layout this program writes and reads. It grows when
/// a member moves or changes meaning, and restore rejects a newer one.
pub const BACKUP_FORMAT_VERSION: u32 = 1;

/// Name of the manifest inside the archive.
pub(super) const MANIFEST_NAME: &str = "manifest.json";

/// The manifest of a backup archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`BACKUP_FORMAT`].
    pub format: String,
    pub format_version: u32,
    /// Version of the standardiste that made the archive.
    pub software_version: String,
    /// `user_version` of the archived call database.
    pub schema_version: i64,
    /// Versions of the tables other crates own (`booking`, `outbox`), from
    /// the database's `component_versions` table.
    pub component_versions: BTreeMap<String, i64>,
    /// When the backup ran, RFC 3339 UTC.
    pub created_at: String,
    /// The parts in the archive: `database`, `recordings`, `settings`,
    /// `profile`, `console`. A part missing on the old box is left out.
    pub parts: Vec<String>,
    /// The recordings folder on the old box, as the database's
    /// `recording_path` values name it. Restore rewrites those paths to the
    /// new folder.
    pub recordings_dir: Option<String>,
    /// Every regular file of the archive except the manifest.
    pub files: Vec<ManifestFile>,
}

/// One archived file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    /// Path inside the archive, with `/` separators.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the content, lowercase hexadecimal.
    pub sha256: String,
}

/// Formats a digest as lowercase hexadecimal.
pub(super) fn hex(digest: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut text = String::with_capacity(digest.len() * 2);
    for byte in digest {
        let _ = write!(text, "{byte:02x}");
    }
    text
}

/// Reads exactly `expected` bytes from `inner` while hashing them. Reading
/// fails with `UnexpectedEof` when `inner` ends early, such as a file that
/// shrank after its size went into a tar header, which would otherwise
/// leave the archive misaligned.
pub(super) struct HashingReader<R> {
    inner: io::Take<R>,
    remaining: u64,
    hasher: Sha256,
    failed: bool,
}

impl<R: Read> HashingReader<R> {
    pub(super) fn new(inner: R, expected: u64) -> HashingReader<R> {
        HashingReader {
            inner: inner.take(expected),
            remaining: expected,
            hasher: Sha256::new(),
            failed: false,
        }
    }

    /// Returns whether reading `inner` failed or ended early.
    pub(super) fn failed(&self) -> bool {
        self.failed
    }

    /// Returns the SHA-256 of what was read, in hexadecimal.
    pub(super) fn finish(self) -> String {
        hex(&self.hasher.finalize())
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        if self.remaining == 0 {
            return Ok(0);
        }
        let count = self.inner.read(buffer).inspect_err(|_| self.failed = true)?;
        if count == 0 {
            self.failed = true;
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("the file ended {} bytes before its recorded size", self.remaining),
            ));
        }
        self.hasher.update(&buffer[..count]);
        self.remaining -= count as u64;
        Ok(count)
    }
}

/// Returns the size and SHA-256 of everything `reader` yields.
pub(super) fn hash_all(mut reader: impl Read) -> io::Result<(u64, String)> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 64 * 1024];
    let mut size = 0u64;
    loop {
        let count = reader.read(&mut buffer)?;
        if count == 0 {
            return Ok((size, hex(&hasher.finalize())));
        }
        hasher.update(&buffer[..count]);
        size += count as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_matches_the_known_digest() {
        let (size, digest) = hash_all(&b"abc"[..]).unwrap();
        assert_eq!(size, 3);
        assert_eq!(digest, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn hashing_reader_stops_at_the_size() {
        let mut reader = HashingReader::new(&b"abcdef"[..], 3);
        let mut read = Vec::new();
        reader.read_to_end(&mut read).unwrap();
        assert_eq!(read, b"abc");
        assert_eq!(reader.finish(), hash_all(&b"abc"[..]).unwrap().1);
    }

    #[test]
    fn hashing_reader_rejects_a_short_file() {
        let mut reader = HashingReader::new(&b"ab"[..], 3);
        let error = reader.read_to_end(&mut Vec::new()).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
    }
}
