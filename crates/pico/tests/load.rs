//! Loading voices: missing, corrupt and unusable language files give errors
//! that name the file and the fix.

mod common;

use std::path::Path;

use standardiste_pico::{PicoError, PicoLanguage, PicoVoice};

#[test]
fn every_language_loads() {
    for language in PicoLanguage::ALL {
        let voice = PicoVoice::load(&common::lang_dir(), language);
        assert!(voice.is_ok(), "{language}: {}", voice.unwrap_err());
    }
}

#[test]
fn missing_lang_dir_names_file_and_setup() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir");
    let error = PicoVoice::load(&missing, PicoLanguage::FrFr).unwrap_err();
    let expected = missing.join("fr-FR_ta.bin");
    match &error {
        PicoError::MissingFile { path } => assert_eq!(path, &expected),
        other => panic!("expected MissingFile, got {other}"),
    }
    let message = error.to_string();
    assert!(
        message.contains(&expected.display().to_string()),
        "{message}"
    );
    assert!(message.contains("scripts/setup"), "{message}");
    assert!(message.contains("libttspico-data"), "{message}");
}

#[test]
fn missing_signal_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let language = PicoLanguage::DeDe;
    copy_file(
        &common::lang_dir(),
        dir.path(),
        language.text_analysis_file(),
    );
    let error = PicoVoice::load(dir.path(), language).unwrap_err();
    match error {
        PicoError::MissingFile { path } => assert_eq!(path, dir.path().join("de-DE_gl0_sg.bin")),
        other => panic!("expected MissingFile, got {other}"),
    }
}

#[test]
fn corrupt_files_give_engine_error() {
    let language = PicoLanguage::EsEs;
    let contents: [&[u8]; 3] = [b"", b"not a pico file", &[0xffu8; 4096]];
    for content in contents {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(language.text_analysis_file()), content).unwrap();
        std::fs::write(dir.path().join(language.signal_generation_file()), content).unwrap();
        let error = PicoVoice::load(dir.path(), language).unwrap_err();
        let message = error.to_string();
        assert!(matches!(error, PicoError::Engine { .. }), "{message}");
        assert!(message.contains("es-ES_ta.bin"), "{message}");
    }
}

/// Files of another language under the expected names: the engine may take
/// them or reject them, but must not crash.
#[test]
fn swapped_files_do_not_crash() {
    let dir = tempfile::tempdir().unwrap();
    let source = common::lang_dir();
    let (text_analysis, signal_generation) = (PicoLanguage::ItIt, PicoLanguage::FrFr);
    std::fs::copy(
        source.join(signal_generation.signal_generation_file()),
        dir.path().join(text_analysis.text_analysis_file()),
    )
    .unwrap();
    std::fs::copy(
        source.join(text_analysis.text_analysis_file()),
        dir.path().join(text_analysis.signal_generation_file()),
    )
    .unwrap();
    let result = PicoVoice::load(dir.path(), text_analysis);
    eprintln!(
        "swapped files: {:?}",
        result.as_ref().map(|_| ()).map_err(ToString::to_string)
    );
    if let Ok(mut voice) = result {
        let _ = voice.synthesize("Buongiorno.");
    }
}

#[test]
fn long_path_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let mut deep = dir.path().to_path_buf();
    while deep.as_os_str().len() < 520 {
        deep.push("d".repeat(100));
    }
    std::fs::create_dir_all(&deep).unwrap();
    let language = PicoLanguage::ItIt;
    copy_file(&common::lang_dir(), &deep, language.text_analysis_file());
    copy_file(
        &common::lang_dir(),
        &deep,
        language.signal_generation_file(),
    );
    let error = PicoVoice::load(&deep, language).unwrap_err();
    let message = error.to_string();
    assert!(matches!(error, PicoError::UnusablePath { .. }), "{message}");
    assert!(message.contains("511"), "{message}");
}

#[test]
fn unknown_language_code_is_rejected() {
    let error = PicoLanguage::from_code("nl").unwrap_err();
    assert!(matches!(error, PicoError::UnknownLanguage { .. }));
    assert!(error.to_string().contains("\"nl\""), "{error}");
}

fn copy_file(from_dir: &Path, to_dir: &Path, name: &str) {
    std::fs::copy(from_dir.join(name), to_dir.join(name)).unwrap();
}
