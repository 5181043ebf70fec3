//! Fetches of the real silero-vad wheel from PyPI through `python3 -m pip`.

mod common;

use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

use standardiste_models::{
    fetch, resolve, sha256_file, verify, Error, FetchOptions, Manifest, Outcome, ProblemKind,
    Selection,
};

const SILERO_SHA256: &str = "1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3";

fn silero_options(models_dir: &Path, cache_dir: &Path) -> FetchOptions {
    let mut options = FetchOptions::new(models_dir);
    options.cache_dir = cache_dir.to_path_buf();
    options.selection = Selection::Named(vec!["silero-vad".to_string()]);
    options
}

/// Returns a pip command that always fails, so a fetch succeeds with it only if it needs no
/// download.
fn failing_pip() -> Vec<String> {
    vec!["false".to_string()]
}

/// Lists the file names in `dir`, sorted.
fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn silero_fetch_is_idempotent_and_repairs_corruption() {
    common::init_tracing();
    let manifest = common::repository_manifest();
    let work = tempfile::tempdir().unwrap();
    let models_dir = work.path().join("models");
    let cache_dir = work.path().join("cache");
    let installed = models_dir.join("silero_vad.onnx");

    // First run: pip downloads the wheel and the file is installed.
    let report = fetch(&manifest, &silero_options(&models_dir, &cache_dir)).unwrap();
    assert_eq!(report.downloaded, ["silero-vad==6.2.3"]);
    assert_eq!(report.entries.len(), 1);
    assert_eq!(report.entries[0].outcome, Outcome::Installed);
    assert_eq!(sha256_file(&installed).unwrap(), SILERO_SHA256);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&installed).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o644, "installed files are readable by the daemon's user");
    }
    assert_eq!(
        file_names(&models_dir),
        ["silero_vad.onnx", "silero_vad.onnx.sha256"]
    );
    assert!(verify(
        &manifest,
        &models_dir,
        &Selection::Named(vec!["silero-vad".into()])
    )
    .is_empty());

    // Second run: nothing to download, and pip must not even run.
    let mut offline = silero_options(&models_dir, &cache_dir);
    offline.pip_command = failing_pip();
    let report = fetch(&manifest, &offline).unwrap();
    assert!(report.downloaded.is_empty(), "{:?}", report.downloaded);
    assert_eq!(report.entries[0].outcome, Outcome::AlreadyPresent);

    // Corrupt the file without changing its size. The explicit mtime replaces the write's own
    // because a coarse file system clock can leave that equal to the stamped mtime.
    let mut bytes = fs::read(&installed).unwrap();
    bytes[1000] ^= 0xff;
    fs::write(&installed, &bytes).unwrap();
    let file = fs::File::options().write(true).open(&installed).unwrap();
    file.set_modified(SystemTime::now() - Duration::from_secs(3600))
        .unwrap();
    drop(file);
    let corrupted_hash = sha256_file(&installed).unwrap();

    let problems = verify(
        &manifest,
        &models_dir,
        &Selection::Named(vec!["silero-vad".into()]),
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(
        problems[0].kind,
        ProblemKind::WrongHash {
            expected: SILERO_SHA256.to_string(),
            actual: corrupted_hash.clone(),
        }
    );
    assert_eq!(problems[0].fix, "standardiste models fetch");
    let message = problems[0].to_string();
    assert!(message.contains(SILERO_SHA256), "{message}");
    assert!(message.contains(&corrupted_hash), "{message}");

    let error = resolve(&manifest, &models_dir, "silero-vad").unwrap_err();
    assert!(matches!(error, Error::NotReady(_)), "{error:?}");

    // Third run: the corrupted file is replaced from the cached wheel, still without pip.
    let report = fetch(&manifest, &offline).unwrap();
    assert!(report.downloaded.is_empty(), "{:?}", report.downloaded);
    assert_eq!(
        report.entries[0].outcome,
        Outcome::Replaced {
            previous_sha256: corrupted_hash
        }
    );
    assert_eq!(sha256_file(&installed).unwrap(), SILERO_SHA256);
    assert_eq!(
        resolve(&manifest, &models_dir, "silero-vad").unwrap(),
        installed
    );
}

#[test]
fn hash_mismatch_leaves_no_file() {
    common::init_tracing();
    let wrong_hash = "00000000000000000000000000000000000000000000000000000000000000ff";
    let manifest_text = format!(
        r#"
[[entry]]
name = "silero-vad"
kind = "vad"
file = "silero_vad.onnx"
sha256 = "{wrong_hash}"
default = true
assembly = "copy"
sources = [
  {{ package = "silero-vad", version = "6.2.3", member = "silero_vad/data/silero_vad.onnx" }},
]
"#
    );
    let work = tempfile::tempdir().unwrap();
    let manifest = Manifest::load(common::write_manifest(work.path(), &manifest_text)).unwrap();
    let models_dir = work.path().join("models");
    let cache_dir = work.path().join("cache");

    let error = fetch(&manifest, &silero_options(&models_dir, &cache_dir)).unwrap_err();
    let message = error.to_string();
    assert!(matches!(error, Error::HashMismatch { .. }), "{error:?}");
    assert!(message.contains(wrong_hash), "{message}");
    assert!(message.contains(SILERO_SHA256), "{message}");
    assert!(message.contains("silero_vad.onnx"), "{message}");
    assert!(
        file_names(&models_dir).is_empty(),
        "{:?}",
        file_names(&models_dir)
    );
}

#[test]
fn missing_package_without_pip_reports_command() {
    let manifest = common::repository_manifest();
    let work = tempfile::tempdir().unwrap();
    let mut options = silero_options(
        &work.path().join("models"),
        &work.path().join("empty-cache"),
    );
    options.pip_command = failing_pip();

    let error = fetch(&manifest, &options).unwrap_err();
    let message = error.to_string();
    assert!(matches!(error, Error::Pip { .. }), "{error:?}");
    assert!(message.contains("false download --no-deps"), "{message}");
    assert!(message.contains("silero-vad==6.2.3"), "{message}");
    assert!(file_names(&work.path().join("models")).is_empty());
}

#[test]
fn verify_reports_missing_files_with_fix() {
    let manifest = common::repository_manifest();
    let models_dir = tempfile::tempdir().unwrap();

    let problems = verify(&manifest, models_dir.path(), &Selection::Default);
    let files: Vec<String> = problems
        .iter()
        .map(|problem| {
            problem
                .file
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        files,
        [
            "ggml-base-q5_1.bin",
            "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
            "en_US-joe-medium.onnx",
            "en_US-joe-medium.onnx.json",
            "silero_vad.onnx",
        ]
    );
    assert!(problems
        .iter()
        .all(|problem| problem.kind == ProblemKind::Missing));
    assert!(problems
        .iter()
        .all(|problem| problem.fix == "standardiste models fetch"));

    let optional = verify(
        &manifest,
        models_dir.path(),
        &Selection::Named(vec!["smollm2-135m".into()]),
    );
    assert_eq!(optional.len(), 1);
    assert_eq!(
        optional[0].fix,
        "standardiste models fetch --with smollm2-135m"
    );
    let message = optional[0].to_string();
    assert!(
        message.contains("smollm2-135m-instruct-q4_1.gguf"),
        "{message}"
    );
    assert!(message.contains("is missing"), "{message}");
    assert!(
        message.contains("fix: standardiste models fetch --with smollm2-135m"),
        "{message}"
    );
}

#[test]
fn verify_reports_unknown_name() {
    let manifest = common::repository_manifest();
    let models_dir = tempfile::tempdir().unwrap();
    let problems = verify(
        &manifest,
        models_dir.path(),
        &Selection::Named(vec!["whisper-huge".into()]),
    );
    assert_eq!(problems.len(), 1);
    assert!(
        matches!(problems[0].kind, ProblemKind::UnknownName { .. }),
        "{problems:?}"
    );
}

#[test]
fn resolve_missing_file_names_fix() {
    let manifest = common::repository_manifest();
    let models_dir = tempfile::tempdir().unwrap();
    let error = resolve(&manifest, models_dir.path(), "whisper-tiny-en").unwrap_err();
    let message = error.to_string();
    assert!(message.contains("ggml-tiny.en-q5_1.bin"), "{message}");
    assert!(
        message.contains("standardiste models fetch --with whisper-tiny-en"),
        "{message}"
    );
}
