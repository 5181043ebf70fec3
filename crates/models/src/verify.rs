//! Verification of installed files against the manifest's SHA-256.
//!
//! Hashing all models (1.8 GB) took 1.7 s on a 2-core x86 build machine, and we estimate
//! several times that on a Raspberry Pi class board. So each verified file gets a sidecar
//! stamp `<file>.sha256` with its size, modification time and SHA-256. The stamp is trusted
//! only while size and modification time are unchanged. A change that keeps both (a same-size
//! write followed by restoring the old mtime) goes unnoticed until the stamp is deleted.

use std::fmt;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use sha2::{Digest, Sha256};

use crate::manifest::{Entry, Manifest, Selection};
use crate::Error;

/// State of one installed file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileStatus {
    Good,
    Missing,
    WrongHash { actual: String },
}

/// A file of the models directory that is unusable, with the command that repairs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Manifest entry name, or the requested name for `ProblemKind::UnknownName`.
    pub name: String,
    pub file: PathBuf,
    pub kind: ProblemKind,
    /// Shell command that repairs the problem.
    pub fix: String,
}

/// Kind of problem found with a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    Missing,
    WrongHash { expected: String, actual: String },
    Unreadable { message: String },
    UnknownName { known: Vec<String> },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.file.display();
        match &self.kind {
            ProblemKind::Missing => write!(f, "{file} ({}) is missing", self.name)?,
            ProblemKind::WrongHash { expected, actual } => write!(
                f,
                "{file} ({}) has the wrong SHA-256: expected {expected}, got {actual}",
                self.name
            )?,
            ProblemKind::Unreadable { message } => {
                write!(f, "{file} ({}) cannot be read: {message}", self.name)?
            }
            ProblemKind::UnknownName { known } => write!(
                f,
                "`{}` is not in the model manifest, which lists: {}",
                self.name,
                known.join(", ")
            )?,
        }
        write!(f, "; fix: {}", self.fix)
    }
}

/// Checks the selected entries in `models_dir` and returns one problem per unusable file.
///
/// An empty result means every selected file is present with the expected SHA-256.
pub fn verify(manifest: &Manifest, models_dir: &Path, selection: &Selection) -> Vec<Problem> {
    let mut problems = Vec::new();
    let entries: Vec<&Entry> = match selection {
        Selection::Named(names) => names
            .iter()
            .filter_map(|name| match manifest.entry(name) {
                Ok(entry) => Some(entry),
                Err(_) => {
                    problems.push(unknown_name_problem(manifest, name));
                    None
                }
            })
            .collect(),
        // Only named selections can fail.
        other => manifest.select(other).unwrap_or_default(),
    };
    for entry in entries {
        if let Some(problem) = check_entry(entry, models_dir) {
            problems.push(problem);
        }
    }
    problems
}

/// Returns the installed path of entry `name` if its SHA-256 matches the manifest.
///
/// Otherwise returns `Error::NotReady`, whose message gives the fix, or
/// `Error::UnknownEntry`.
pub fn resolve(manifest: &Manifest, models_dir: &Path, name: &str) -> Result<PathBuf, Error> {
    let entry = manifest.entry(name)?;
    match check_entry(entry, models_dir) {
        None => Ok(models_dir.join(&entry.file)),
        Some(problem) => Err(Error::NotReady(Box::new(problem))),
    }
}

/// Compares the file at `path` with the SHA-256 of `entry`, using and refreshing the
/// `<path>.sha256` stamp. Failing to write the stamp is not an error.
pub fn verify_file(entry: &Entry, path: &Path) -> io::Result<FileStatus> {
    let metadata = match fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(FileStatus::Missing),
        Err(e) => return Err(e),
    };
    if !metadata.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    let fingerprint = Fingerprint::of(&metadata);
    let stamped = fingerprint.and_then(|fingerprint| read_stamp(path, fingerprint));
    let actual = match stamped {
        Some(hash) => hash,
        None => {
            tracing::info!("computing SHA-256 of {}", path.display());
            let hash = sha256_file(path)?;
            if let Some(fingerprint) = fingerprint {
                write_stamp(path, fingerprint, &hash);
            }
            hash
        }
    };
    if actual == entry.sha256 {
        Ok(FileStatus::Good)
    } else {
        Ok(FileStatus::WrongHash { actual })
    }
}

/// Computes the SHA-256 of a file as 64 lowercase hexadecimal digits.
pub fn sha256_file(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let count = file.read(&mut buffer)?;
        if count == 0 {
            break;
        }
        hasher.update(&buffer[..count]);
    }
    Ok(hex(&hasher.finalize()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Path of the stamp that caches the SHA-256 of `path`.
pub(crate) fn stamp_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".sha256");
    PathBuf::from(name)
}

/// Records the SHA-256 of a file that was just verified, so the next check skips hashing.
pub(crate) fn stamp_verified_file(path: &Path, hash: &str) {
    if let Some(fingerprint) = fs::metadata(path).ok().as_ref().and_then(Fingerprint::of) {
        write_stamp(path, fingerprint, hash);
    }
}

fn check_entry(entry: &Entry, models_dir: &Path) -> Option<Problem> {
    let file = models_dir.join(&entry.file);
    let kind = match verify_file(entry, &file) {
        Ok(FileStatus::Good) => return None,
        Ok(FileStatus::Missing) => ProblemKind::Missing,
        Ok(FileStatus::WrongHash { actual }) => ProblemKind::WrongHash {
            expected: entry.sha256.clone(),
            actual,
        },
        Err(e) => ProblemKind::Unreadable {
            message: e.to_string(),
        },
    };
    Some(Problem {
        name: entry.name.clone(),
        file,
        kind,
        fix: entry.fetch_command(),
    })
}

fn unknown_name_problem(manifest: &Manifest, name: &str) -> Problem {
    Problem {
        name: name.to_string(),
        file: PathBuf::new(),
        kind: ProblemKind::UnknownName {
            known: manifest.entries.iter().map(|e| e.name.clone()).collect(),
        },
        fix: "pick a name from the manifest".to_string(),
    }
}

/// Size and modification time (nanoseconds since the Unix epoch) of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fingerprint {
    size: u64,
    mtime_ns: u128,
}

impl Fingerprint {
    fn of(metadata: &fs::Metadata) -> Option<Fingerprint> {
        let mtime = metadata.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
        Some(Fingerprint {
            size: metadata.len(),
            mtime_ns: mtime.as_nanos(),
        })
    }
}

/// Returns the stamped hash if the stamp exists, parses, and matches `fingerprint`.
///
/// The stamp is one line: `<sha256> <size> <mtime_ns>`.
fn read_stamp(path: &Path, fingerprint: Fingerprint) -> Option<String> {
    let text = fs::read_to_string(stamp_path(path)).ok()?;
    let mut fields = text.split_whitespace();
    let hash = fields.next()?;
    let size: u64 = fields.next()?.parse().ok()?;
    let mtime_ns: u128 = fields.next()?.parse().ok()?;
    let is_hash = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
    if is_hash && fingerprint == (Fingerprint { size, mtime_ns }) {
        Some(hash.to_ascii_lowercase())
    } else {
        None
    }
}

fn write_stamp(path: &Path, fingerprint: Fingerprint, hash: &str) {
    let stamp = stamp_path(path);
    let line = format!("{hash} {} {}\n", fingerprint.size, fingerprint.mtime_ns);
    if let Err(e) = fs::write(&stamp, line) {
        tracing::debug!(stamp = %stamp.display(), error = %e, "failed to write SHA-256 stamp");
    }
}
