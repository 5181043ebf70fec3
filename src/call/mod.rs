//! Calls: the engines a call uses, and the loop that runs one call.

mod phrases;
mod receptionist;
mod session;
pub mod text;
mod turn;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use session::{run_call, CallSummary, CallUpdate, UPDATE_QUEUE};
pub use phrases::{is_goodbye, opening};
pub use receptionist::ReadingNote;

use crate::agent::llm::Llm;
use crate::config::Config;
use crate::profile::{BusinessProfile, ProfileWatcher};
use crate::speech::stt::{Stt, WorkerCommand};
use crate::speech::tts::{Speaker, Tts, VoicePaths};
use crate::speech::vad::VadModel;
use crate::store::Store;

/// Everything a call needs, loaded once per process and shared by all calls.
#[derive(Clone)]
pub struct Engines {
    pub config: Arc<Config>,
    /// The profile the engines were loaded with; calls use [`Engines::current_profile`].
    pub profile: Arc<BusinessProfile>,
    /// The profile's file, re-read when it changes, so an edit applies to the next call.
    pub profile_file: Option<Arc<ProfileWatcher>>,
    /// The stable part of the system prompt, built from the profile.
    pub instructions: Arc<String>,
    pub vad: VadModel,
    pub stt: Stt,
    pub llm: Llm,
    pub tts: Tts,
    pub store: Arc<Mutex<Store>>,
    /// Sends recaps and alerts; `None` leaves queued items for the next process that runs one.
    pub outbox: Option<Arc<standardiste_outbox::Outbox>>,
    /// A fixed "now" for calls, for simulations and tests; `None` is the clock.
    pub clock: Option<time::PrimitiveDateTime>,
    /// State of each line, for the web console.
    pub lines: crate::line::board::LineBoard,
    /// Stop signal, true once the daemon is stopping: calls then end and are
    /// stored. `None` (simulations, tests) never stops.
    pub stopping: Option<tokio::sync::watch::Receiver<bool>>,
}

/// Files a model check found wrong, with the command that fixes them.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StartError(pub String);

impl Engines {
    /// Loads every model and opens the store. Fails with a message naming the
    /// missing or bad file and the command that fetches it.
    pub async fn load(config: Config, profile: BusinessProfile) -> Result<Engines, StartError> {
        let models = &config.models_dir;
        let model_path = |name: &str| check_model(models, name);
        let whisper = model_path(&config.stt.model);
        let llm_path = model_path(&config.llm.model)?;
        let voice = model_path(&config.tts.voice)?;
        let vad_path = model_path(&config.vad.model)?;

        let language = match config.stt.language.as_str() {
            "" | "auto" => None,
            code => Some(code.to_string()),
        };
        let timeout = Duration::from_secs(config.stt.timeout_s);
        let priority = crate::speech::priority::SpeechPriority::default();
        let stt = if config.stt.uri.is_empty() {
            let command = WorkerCommand {
                program: worker_program(&config),
                model: whisper?,
                threads: config.stt.threads,
                socket: config.data_dir.join(format!("stt-{}.sock", std::process::id())),
                detect_languages: config.stt.detect_languages.clone(),
            };
            std::fs::create_dir_all(&config.data_dir)
                .map_err(|e| StartError(format!("cannot create {}: {e}", config.data_dir.display())))?;
            crate::speech::stt::remove_stale_sockets(&config.data_dir);
            Stt::supervised(command, language, timeout)
                .await
                .map_err(|e| StartError(e.to_string()))?
        } else {
            Stt::external(config.stt.uri.clone(), language, timeout)
        };
        let stt = stt.with_priority(priority.clone());

        let llm_config = config.llm.clone();
        let llm = tokio::task::spawn_blocking(move || Llm::load_with_priority(&llm_path, &llm_config, priority))
            .await
            .map_err(|e| StartError(e.to_string()))?
            .map_err(|e| StartError(e.to_string()))?;
        let speed = config.tts.speed;
        let paths = VoicePaths {
            models_dir: config.models_dir.clone(),
            default_voice: voice,
            pico_dir: config.tts.pico_dir.clone(),
        };
        let tts = tokio::task::spawn_blocking(move || Tts::load(paths, speed))
            .await
            .map_err(|e| StartError(e.to_string()))?
            .map_err(|e| StartError(e.to_string()))?;
        let vad = tokio::task::spawn_blocking(move || VadModel::load(&vad_path))
            .await
            .map_err(|e| StartError(e.to_string()))?
            .map_err(|e| StartError(e.to_string()))?;
        let store = Store::open(&config.database_path()).map_err(|e| StartError(e.to_string()))?;

        let instructions = crate::agent::prompt::instructions(&profile);
        let engines = Engines {
            instructions: Arc::new(instructions),
            config: Arc::new(config),
            profile: Arc::new(profile),
            vad,
            stt,
            llm,
            tts,
            store: Arc::new(Mutex::new(store)),
            outbox: None,
            clock: None,
            profile_file: None,
            lines: Default::default(),
            stopping: None,
        };
        engines.prepare().await;
        Ok(engines)
    }

    /// Synthesises the fixed phrases, and starts evaluating the system
    /// prompt, so that the first call pays for neither.
    async fn prepare(&self) {
        for (language, text) in phrases::fixed_phrases(&self.profile) {
            let speaker = Speaker::new(language, self.profile.voice_for(language));
            if let Err(error) = self.tts.phrase(&text, &speaker).await {
                tracing::error!(%error, "cannot synthesise a fixed phrase");
            }
        }
        // The evaluation takes seconds, so it runs while the lines open: a call
        // that comes first waits for it in the LLM's queue.
        let reading = format!("{}{}", self.instructions, crate::agent::prompt::UNDERSTANDING_RULES);
        let messages = crate::agent::prompt::messages(&reading, &Default::default(), &[]);
        let llm = self.llm.clone();
        let saved_in = self.config.data_dir.join(SAVED_PROMPTS);
        tokio::spawn(async move {
            match llm.warm_saved(messages, saved_in).await {
                Ok(stats) if stats.restored => {
                    tracing::info!(tokens = stats.prompt_tokens, ms = stats.prompt_ms, "system prompt loaded as saved")
                }
                Ok(stats) => tracing::info!(tokens = stats.prompt_tokens, ms = stats.prompt_ms, "system prompt evaluated"),
                Err(error) => tracing::warn!(%error, "cannot evaluate the system prompt ahead of the first call"),
            }
        });
    }
}

/// Subfolder of the data folder for the evaluated system prompt, so that a
/// restart loads it instead of evaluating it again.
const SAVED_PROMPTS: &str = "cache";

impl Engines {
    /// Watches the profile's file: each call starts with its latest valid version.
    pub fn watch_profile(&mut self, watcher: ProfileWatcher) {
        self.profile_file = Some(Arc::new(watcher));
    }

    /// The profile for a call starting now: the file's latest valid version
    /// when it is watched, otherwise the one loaded at start.
    pub async fn current_profile(&self) -> Arc<BusinessProfile> {
        let Some(watcher) = self.profile_file.clone() else {
            return self.profile.clone();
        };
        match tokio::task::spawn_blocking(move || watcher.current()).await {
            Ok(profile) => profile,
            Err(error) => {
                tracing::error!(%error, "reading the profile file failed; using the one loaded at start");
                self.profile.clone()
            }
        }
    }

    /// Completes once the daemon is stopping; never when it has no stop signal.
    pub async fn stopped(&self) {
        if let Some(mut stopping) = self.stopping.clone() {
            if stopping.wait_for(|stopping| *stopping).await.is_ok() {
                return;
            }
        }
        std::future::pending::<()>().await;
    }

    /// Returns the business's local time now, or the fixed clock of a simulation.
    pub fn now(&self) -> time::PrimitiveDateTime {
        self.clock.unwrap_or_else(crate::agent::prompt::local_now)
    }

    /// Starts a delivery pass of the outbox, after queuing an item.
    pub fn wake_outbox(&self) {
        if let Some(outbox) = &self.outbox {
            outbox.wake();
        }
    }
}

/// Returns the path of a model file, or the error that says how to fetch it.
///
/// A file listed in the model manifest must also have the manifest's SHA-256
/// (checked through its `.sha256` stamp, so only a changed file is hashed
/// again). Files the manifest does not list, such as a Piper voice the owner
/// supplied, are only checked for presence.
pub(crate) fn check_model(models_dir: &Path, name: &str) -> Result<std::path::PathBuf, StartError> {
    let path = models_dir.join(name);
    let manifest = standardiste_models::Manifest::bundled();
    let entry = manifest.entries.iter().find(|entry| entry.file == name);
    let fetch = entry.map_or_else(|| "standardiste models fetch".to_string(), |e| e.fetch_command());
    if !path.is_file() {
        return Err(StartError(format!(
            "model file {} is missing; fetch it with `{fetch}`",
            path.display()
        )));
    }
    let Some(entry) = entry else {
        return Ok(path);
    };
    match standardiste_models::verify_file(entry, &path) {
        Ok(standardiste_models::FileStatus::Good) => Ok(path),
        Ok(standardiste_models::FileStatus::Missing) => Err(StartError(format!(
            "model file {} is missing; fetch it with `{fetch}`",
            path.display()
        ))),
        Ok(standardiste_models::FileStatus::WrongHash { actual }) => Err(StartError(format!(
            "model file {} is damaged or not the expected one: its SHA-256 is {actual}, expected {}; \
             replace it with `{fetch}`",
            path.display(),
            entry.sha256
        ))),
        Err(error) => Err(StartError(format!("cannot read model file {}: {error}", path.display()))),
    }
}

/// The STT worker binary: as configured, or next to this program.
pub(crate) fn worker_program(config: &Config) -> std::path::PathBuf {
    if !config.stt.worker.as_os_str().is_empty() {
        return config.stt.worker.clone();
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("standardiste-stt")))
        .unwrap_or_else(|| "standardiste-stt".into())
}
