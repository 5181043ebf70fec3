//! The box's settings file (`standardiste.toml`): where models and data live,
//! which models to use and how the conversation is timed.
//!
//! Relative paths are resolved against the folder that contains the settings file.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Error reading or validating the settings file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the settings file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid settings file {path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// All settings, with defaults for what the file leaves out.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Folder of the model files that `standardiste models fetch` writes.
    pub models_dir: PathBuf,
    /// Folder of the call database and recordings.
    pub data_dir: PathBuf,
    /// The business profile file.
    pub profile: PathBuf,
    pub stt: SttConfig,
    pub llm: LlmConfig,
    pub tts: TtsConfig,
    pub vad: VadConfig,
    pub call: CallConfig,
    /// Delivery of recaps and alerts: mail server, webhook key, transcript link.
    pub delivery: crate::recap::settings::DeliveryConfig,
    /// The web console that `standardiste serve` runs on the office network.
    pub console: crate::web::settings::ConsoleConfig,
    /// The telephone lines `standardiste serve` answers, one `[[line]]` table each.
    #[serde(rename = "line")]
    pub lines: Vec<crate::line::settings::LineSettings>,
}

/// Speech-to-text settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SttConfig {
    /// A Wyoming ASR service (`tcp://host:port` or `unix:///path`). Empty: start
    /// the bundled `standardiste-stt` worker and supervise it.
    pub uri: String,
    /// Whisper model file in the models folder, for the bundled worker.
    pub model: String,
    /// Threads for the bundled worker.
    pub threads: usize,
    /// `auto` to detect the caller's language, or an ISO 639-1 code.
    pub language: String,
    /// Languages that detection may choose from (comma-separated codes, or `all`).
    /// Detection on a word or two often picks an unrelated language otherwise.
    pub detect_languages: String,
    /// Path of the `standardiste-stt` binary. Empty: next to this program.
    pub worker: PathBuf,
    /// Maximum time for one transcription, in seconds.
    pub timeout_s: u64,
}

/// LLM settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LlmConfig {
    /// GGUF file in the models folder.
    pub model: String,
    pub threads: usize,
    /// Context window in tokens: system prompt plus conversation.
    pub context_tokens: u32,
    /// Maximum tokens in one reply.
    pub max_reply_tokens: usize,
    pub temperature: f32,
}

/// Text-to-speech settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TtsConfig {
    /// Piper voice (`.onnx`, with its `.onnx.json` beside it) in the models folder.
    pub voice: String,
    /// Speaking rate: Piper's length scale divided by this. 1.0 is the voice's own pace.
    pub speed: f32,
    /// Folder of SVOX Pico's language files, the voices of languages without a Piper voice.
    pub pico_dir: PathBuf,
}

/// Voice activity detection and endpointing settings. Times are milliseconds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VadConfig {
    /// Silero VAD model file in the models folder.
    pub model: String,
    /// Speech probability above which a 32 ms window counts as speech.
    pub threshold: f32,
    /// Speech shorter than this (a breath, a click) does not start an utterance.
    pub min_speech_ms: u64,
    /// Silence after which the utterance is transcribed and, if it reads as a
    /// finished sentence, answered.
    pub pause_ms: u64,
    /// Silence after which the utterance ends whatever it reads like: long
    /// enough for a caller reading out a number digit by digit.
    pub end_ms: u64,
    /// Speech over the box's own voice for this long stops playback (barge-in).
    pub barge_in_ms: u64,
}

/// Call-level settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CallConfig {
    /// Silence from the caller, in seconds, before the box asks if they are still there;
    /// the same silence again ends the call.
    pub silence_timeout_s: u64,
    /// Maximum call duration in seconds.
    pub max_duration_s: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            models_dir: PathBuf::from("models"),
            data_dir: PathBuf::from("var"),
            profile: PathBuf::from("config/profile.toml"),
            stt: SttConfig::default(),
            llm: LlmConfig::default(),
            tts: TtsConfig::default(),
            vad: VadConfig::default(),
            call: CallConfig::default(),
            delivery: Default::default(),
            console: Default::default(),
            lines: Vec::new(),
        }
    }
}

impl Default for SttConfig {
    fn default() -> Self {
        SttConfig {
            uri: String::new(),
            model: "ggml-base-q5_1.bin".to_string(),
            threads: default_threads(),
            language: "auto".to_string(),
            detect_languages: "en,fr,de,es".to_string(),
            worker: PathBuf::new(),
            timeout_s: 20,
        }
    }
}

impl Default for LlmConfig {
    fn default() -> Self {
        LlmConfig {
            model: "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf".to_string(),
            threads: default_threads(),
            context_tokens: 4096,
            max_reply_tokens: 120,
            temperature: 0.2,
        }
    }
}

impl Default for TtsConfig {
    fn default() -> Self {
        TtsConfig {
            voice: "en_US-joe-medium.onnx".to_string(),
            speed: 1.0,
            pico_dir: PathBuf::from(standardiste_pico::DEFAULT_LANG_DIR),
        }
    }
}

impl Default for VadConfig {
    fn default() -> Self {
        VadConfig {
            model: "silero_vad.onnx".to_string(),
            threshold: 0.5,
            min_speech_ms: 200,
            pause_ms: 350,
            end_ms: 1_400,
            barge_in_ms: 400,
        }
    }
}

impl Default for CallConfig {
    fn default() -> Self {
        CallConfig {
            silence_timeout_s: 10,
            max_duration_s: 900,
        }
    }
}

/// Removes `.` and `..` components without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    normal
}

fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from)
}

impl Config {
    /// Reads a settings file and resolves its relative paths against the file's folder.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let mut config: Config = toml::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        config.validate().map_err(invalid)?;
        let base = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let base = base.canonicalize().map_err(|e| invalid(format!("cannot resolve its folder: {e}")))?;
        config.resolve_paths(&base);
        Ok(config)
    }

    /// Makes relative paths absolute against `base`, which should be absolute.
    pub fn resolve_paths(&mut self, base: &Path) {
        for path in [&mut self.models_dir, &mut self.data_dir, &mut self.profile] {
            *path = normalize(&base.join(&*path));
        }
        if !self.stt.worker.as_os_str().is_empty() {
            self.stt.worker = normalize(&base.join(&self.stt.worker));
        }
        for line in &mut self.lines {
            line.resolve_paths(base);
        }
        self.delivery.resolve(base);
        self.console.resolve(base, &self.data_dir);
    }

    fn validate(&self) -> Result<(), String> {
        if !(0.2..=0.95).contains(&self.vad.threshold) {
            return Err(format!("vad.threshold = {} is out of range; use 0.2 to 0.95 (0.5 is usual)", self.vad.threshold));
        }
        if !(1..=3_600).contains(&self.call.silence_timeout_s) {
            return Err(format!("call.silence_timeout_s = {} is out of range; use 1 to 3600", self.call.silence_timeout_s));
        }
        if !(10..=86_400).contains(&self.call.max_duration_s) {
            return Err(format!("call.max_duration_s = {} is out of range; use 10 to 86400", self.call.max_duration_s));
        }
        if !(1..=600).contains(&self.stt.timeout_s) {
            return Err(format!("stt.timeout_s = {} is out of range; use 1 to 600", self.stt.timeout_s));
        }
        if self.vad.end_ms < self.vad.pause_ms {
            return Err(format!(
                "vad.end_ms = {} is shorter than vad.pause_ms = {}; the final pause must be the longer one",
                self.vad.end_ms, self.vad.pause_ms
            ));
        }
        if self.llm.context_tokens < 512 {
            return Err(format!("llm.context_tokens = {} is too small; use at least 512", self.llm.context_tokens));
        }
        if self.llm.max_reply_tokens == 0 || self.llm.max_reply_tokens as u64 > u64::from(self.llm.context_tokens) / 2 {
            return Err(format!(
                "llm.max_reply_tokens = {} is out of range; use 1 to half of llm.context_tokens ({})",
                self.llm.max_reply_tokens,
                self.llm.context_tokens / 2
            ));
        }
        if !(0.25..=4.0).contains(&self.tts.speed) {
            return Err(format!("tts.speed = {} is out of range; use 0.25 to 4.0", self.tts.speed));
        }
        if self.stt.threads == 0 || self.llm.threads == 0 {
            return Err("stt.threads and llm.threads must be at least 1".to_string());
        }
        self.delivery.validate()?;
        crate::line::settings::validate(&self.lines)
    }

    /// Path of the call database.
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("calls.db")
    }

    /// Folder of call recordings.
    pub fn recordings_dir(&self) -> PathBuf {
        self.data_dir.join("recordings")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_defaults_resolved_against_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("standardiste.toml");
        std::fs::write(&path, "").unwrap();
        let config = Config::load(&path).unwrap();
        let dir = dir.path().canonicalize().unwrap();
        assert_eq!(config.models_dir, dir.join("models"));
        assert_eq!(config.database_path(), dir.join("var/calls.db"));
        assert_eq!(config.stt.model, "ggml-base-q5_1.bin");
    }

    #[test]
    fn parent_folders_are_resolved() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("config")).unwrap();
        let path = dir.path().join("config/standardiste.toml");
        std::fs::write(&path, "models_dir = \"../models\"\n").unwrap();
        let config = Config::load(&path).unwrap();
        assert_eq!(config.models_dir, dir.path().canonicalize().unwrap().join("models"));
    }

    #[test]
    fn rejects_values_with_the_field_and_range() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("standardiste.toml");
        for (text, expected) in [
            ("[vad]\nthreshold = 2.0\n", "vad.threshold = 2"),
            ("[vad]\npause_ms = 900\nend_ms = 300\n", "vad.end_ms = 300"),
            ("[llm]\ncontext_tokens = 100\n", "llm.context_tokens = 100"),
            ("[tts]\nspeed = 0\n", "tts.speed = 0"),
            ("[vad]\nthreshold = 0.1\n", "vad.threshold = 0.1"),
            ("[call]\nsilence_timeout_s = 0\n", "call.silence_timeout_s = 0"),
            ("[call]\nmax_duration_s = 100000\n", "call.max_duration_s = 100000"),
            ("[llm]\nmax_reply_tokens = 4000\n", "llm.max_reply_tokens = 4000"),
            ("[stt]\nmodle = \"x\"\n", "unknown field `modle`"),
        ] {
            std::fs::write(&path, text).unwrap();
            let message = Config::load(&path).unwrap_err().to_string();
            assert!(message.contains(expected), "{text:?}: {message}");
        }
    }
}
