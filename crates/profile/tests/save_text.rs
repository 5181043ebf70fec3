//! Saving the whole file text from the file editor: validated first, conflict-checked by
//! revision, written atomically, and able to repair a file that is not valid TOML.

use std::fs;
use std::path::{Path, PathBuf};

use standardiste_profile::edit::{save_text, text_revision, ProfileDraft, SaveError};

const VALID: &str = "# The clinic.\nname = \"Quay Dental\"\ngreeting = \"Hello\"\n";

fn file_with(text: &str) -> (tempfile::TempDir, PathBuf) {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("profile.toml");
    fs::write(&path, text).expect("the profile is written");
    (folder, path)
}

fn entries(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(folder)
        .expect("the folder is readable")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

#[test]
fn revision_matches_draft() {
    let draft = ProfileDraft::parse(VALID).expect("parses");
    assert_eq!(text_revision(VALID), draft.revision());
}

#[test]
fn valid_text_is_written() {
    let (folder, path) = file_with(VALID);
    let new = "# The clinic.\nname = \"Quay Dental\"\r\ngreeting = \"Good morning\"\r\n";
    let profile =
        save_text(&path, &text_revision(VALID), new).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(profile.name, "Quay Dental");
    let written = fs::read_to_string(&path).expect("readable");
    assert_eq!(
        written,
        "# The clinic.\nname = \"Quay Dental\"\ngreeting = \"Good morning\"\n"
    );
    assert_eq!(entries(folder.path()), ["profile.toml"]);
}

#[test]
fn invalid_text_is_not_written() {
    let (_folder, path) = file_with(VALID);
    let new =
        "name = \"Quay Dental\"\ngreeting = \"Hello\"\n\n[opening_hours]\nmonday = \"9 to 5\"\n";
    let error = save_text(&path, &text_revision(VALID), new).expect_err("invalid hours");
    let SaveError::Invalid(_) = &error else {
        panic!("expected an invalid text, got {error:?}");
    };
    let problems = error.problems();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].field, "opening_hours.monday");
    assert_eq!(problems[0].line, Some(5));
    assert_eq!(fs::read_to_string(&path).expect("readable"), VALID);
}

#[test]
fn syntax_error_has_its_line() {
    let (_folder, path) = file_with(VALID);
    let error = save_text(&path, &text_revision(VALID), "name = \"A\"\ngreeting = \n")
        .expect_err("invalid TOML");
    assert_eq!(error.problems()[0].line, Some(2));
    assert_eq!(fs::read_to_string(&path).expect("readable"), VALID);
}

#[test]
fn conflict_when_file_changed() {
    let (_folder, path) = file_with(VALID);
    let revision = text_revision(VALID);
    let elsewhere = VALID.replace("Hello", "Hi there");
    fs::write(&path, &elsewhere).expect("written");
    let result = save_text(&path, &revision, &VALID.replace("Hello", "Good day"));
    assert!(matches!(result, Err(SaveError::Conflict)), "{result:?}");
    assert_eq!(fs::read_to_string(&path).expect("readable"), elsewhere);
}

#[test]
fn broken_file_is_repaired() {
    let broken = "name = \"Quay Dental\"\ngreeting = \n";
    let (_folder, path) = file_with(broken);
    assert!(ProfileDraft::open(&path).is_err());
    save_text(&path, &text_revision(broken), VALID).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(fs::read_to_string(&path).expect("readable"), VALID);
}

#[test]
fn missing_file_is_a_conflict() {
    let (folder, path) = file_with(VALID);
    fs::remove_file(&path).expect("removed");
    let result = save_text(&path, &text_revision(VALID), VALID);
    assert!(matches!(result, Err(SaveError::Conflict)), "{result:?}");
    assert!(entries(folder.path()).is_empty());
}
