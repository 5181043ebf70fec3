//! Reloading the profile file: changes apply, a broken file keeps the previous profile.

use std::path::Path;
use std::sync::Arc;

use standardiste_profile::{ProfileError, ProfileWatcher};

fn write(path: &Path, name: &str, extra: &str) {
    std::fs::write(
        path,
        format!("name = \"{name}\"\ngreeting = \"Hello\"\n{extra}"),
    )
    .unwrap();
}

#[test]
fn watcher_reloads_and_keeps_last_good() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("profile.toml");

    // Every version below has a different size, so the change is seen even when the file
    // system's timestamps are too coarse to tell the writes apart.
    write(&path, "A", "");
    let watcher = ProfileWatcher::new(&path).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(watcher.current().name, "A");
    assert!(watcher.last_error().is_none());

    write(&path, "Bb", "");
    assert_eq!(watcher.current().name, "Bb");
    assert!(watcher.last_error().is_none());

    write(&path, "Ccc", "[answering]\nrings = 0\n");
    assert_eq!(watcher.current().name, "Bb");
    let error = watcher.last_error().expect("error after a broken file");
    assert!(error.to_string().contains("`answering.rings`"), "{error}");
    // An unchanged broken file is not read again, so the same error stays.
    assert_eq!(watcher.current().name, "Bb");
    let again = watcher.last_error().expect("error kept");
    assert!(Arc::ptr_eq(&error, &again));

    write(&path, "Dddd", "[answering]\nrings = 3\n");
    let profile = watcher.current();
    assert_eq!(profile.name, "Dddd");
    assert_eq!(profile.answering.rings, 3);
    assert!(watcher.last_error().is_none());
}

#[test]
fn watcher_survives_a_deleted_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("profile.toml");
    write(&path, "A", "");
    let watcher = ProfileWatcher::new(&path).unwrap();
    let before = watcher.current();

    std::fs::remove_file(&path).unwrap();
    let after = watcher.current();
    assert!(Arc::ptr_eq(&before, &after));
    assert!(matches!(
        watcher.last_error().as_deref(),
        Some(ProfileError::Read { .. })
    ));

    write(&path, "Back", "");
    assert_eq!(watcher.current().name, "Back");
    assert!(watcher.last_error().is_none());
}

#[test]
fn watcher_needs_a_valid_first_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("profile.toml");
    std::fs::write(&path, "name = \"A\"\n").unwrap();
    let error = ProfileWatcher::new(&path).unwrap_err();
    assert!(error.to_string().contains("`greeting`"), "{error}");
}
