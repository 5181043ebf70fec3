//! Helpers shared by the integration tests: model and recording paths, a
//! test configuration, and one set of engines per test binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex, MutexGuard, OnceLock};

use standardiste::audio::wav::read_caller_recording;
use standardiste::call::Engines;
use standardiste::config::Config;
use standardiste::profile::BusinessProfile;

/// The workspace root.
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The models folder: `STANDARDISTE_MODELS`, else `models/` in the workspace.
pub fn models_dir() -> PathBuf {
    std::env::var_os("STANDARDISTE_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("models"))
}

/// Path of a model file; fails the test with the fetch command when it is missing.
pub fn model(name: &str) -> PathBuf {
    // Every test asks for a model before it loads an engine, so this is the
    // point where the runtime (and the environment it sets up) is prepared.
    LazyLock::force(&RUNTIME);
    let path = models_dir().join(name);
    assert!(
        path.is_file(),
        "model file {} is missing; fetch it with `make models` (standardiste models fetch)",
        path.display()
    );
    path
}

/// A Debian Asterisk prompt, e.g. `asterisk("en_US_f_Allison", "vm-goodbye")`.
pub fn asterisk(voice: &str, name: &str) -> PathBuf {
    let path = Path::new("/usr/share/asterisk/sounds").join(voice).join(format!("{name}.wav"));
    assert!(
        path.is_file(),
        "recording {} is missing; install it with `make setup` (Debian asterisk-core-sounds-*-wav)",
        path.display()
    );
    path
}

/// A recording from tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    workspace().join("tests/fixtures").join(name)
}

/// Reads a recording as 8 kHz line audio.
pub fn line_audio(path: &Path) -> Vec<i16> {
    read_caller_recording(path).unwrap_or_else(|e| panic!("{e}"))
}

/// Joins pieces of line audio with `gap_ms` of silence between them.
pub fn join_with_gaps(pieces: &[Vec<i16>], gap_ms: usize) -> Vec<i16> {
    let mut joined = Vec::new();
    for (i, piece) in pieces.iter().enumerate() {
        if i > 0 {
            joined.extend(std::iter::repeat_n(0i16, gap_ms * 8));
        }
        joined.extend_from_slice(piece);
    }
    joined
}

/// The `standardiste-stt` binary built next to the test binaries.
pub fn stt_worker() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary has a path");
    // target/release/deps/calls-<hash> -> target/release/standardiste-stt
    let path = exe
        .parent()
        .and_then(Path::parent)
        .map(|dir| dir.join("standardiste-stt"))
        .expect("the test binary is inside target/");
    assert!(
        path.is_file(),
        "{} is missing; build it with `cargo build --release --workspace`",
        path.display()
    );
    path
}

/// The example business profile shipped in config/.
pub fn profile() -> BusinessProfile {
    BusinessProfile::load(&workspace().join("config/profile.toml")).unwrap_or_else(|e| panic!("{e}"))
}

/// A configuration on the real models, with data in `data_dir`.
pub fn config(data_dir: &Path) -> Config {
    let mut config = Config::default();
    config.models_dir = models_dir();
    config.data_dir = data_dir.to_path_buf();
    config.profile = workspace().join("config/profile.toml");
    config.stt.worker = stt_worker();
    config
}

/// One multi-threaded runtime per test binary. The engines' background tasks
/// (the STT supervisor) live on it, so they outlive any single test.
pub static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    // SAFETY: runs before the runtime and any engine thread start; the test
    // harness's own threads do not touch the environment.
    unsafe { standardiste::speech::tts::set_espeak_data_env() };
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
});

/// The business's local time in every call of the tests: a Friday morning.
pub const CALL_TIME: time::PrimitiveDateTime = time::macros::datetime!(2026-12-04 10:00);

static ENGINES: OnceLock<(Engines, tempfile::TempDir)> = OnceLock::new();
static SERIAL: Mutex<()> = Mutex::new(());

/// Engines on the real models, loaded once per test binary. Their store is in a temp folder.
pub fn engines() -> &'static Engines {
    &ENGINES
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("a temp folder");
            let mut config = config(dir.path());
            config.call.silence_timeout_s = 4;
            let mut engines = RUNTIME
                .block_on(Engines::load(config, profile()))
                .unwrap_or_else(|e| panic!("{e}"));
            // The date and time are part of the model's prompt: a fixed clock
            // gives every run the same prompts, so the model's answers repeat.
            engines.clock = Some(CALL_TIME);
            // The engines evaluate the system prompt in the background, on both
            // cores; a call that started meanwhile saw its first transcription
            // time out. The same prompt queued behind it returns once it is done.
            let reading = format!("{}{}", engines.instructions, standardiste::agent::prompt::UNDERSTANDING_RULES);
            let messages = standardiste::agent::prompt::messages(&reading, &Default::default(), &[]);
            if let Err(error) = RUNTIME.block_on(engines.llm.warm(messages)) {
                panic!("the LLM cannot evaluate the system prompt: {error}");
            }
            (engines, dir)
        })
        .0
}

/// Runs calls one at a time: they run in real time and share two cores, so
/// overlapping them would distort endpointing and barge-in timings.
pub fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
