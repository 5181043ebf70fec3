//! Text-to-speech, on an engine thread of its own, in the caller's language.
//!
//! Two engines sit behind one interface: Piper (ONNX voices, the shipped
//! English one and any voice the owner drops in the models folder) and SVOX
//! Pico (small built-in voices for French, German, Spanish and Italian). The
//! profile's `[voices]` table names one per language; each request carries
//! the language and voice it wants ([`Speaker`]).
//!
//! Synthesis takes tens to hundreds of milliseconds per sentence, so it never
//! runs on an async worker: requests go to one thread that owns the loaded
//! voices, and answers come back on a oneshot channel. Text is normalised for
//! its language first ("14h30" is read "quatorze heures trente"), then the
//! output is resampled from the voice's rate to the 8 kHz line.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use standardiste_normalize::Lang;
use standardiste_pico::{PicoLanguage, PicoVoice};
use standardiste_profile::{Language, Voice};
use tokio::sync::oneshot;

use crate::audio::resample::Resampler;
use crate::audio::{to_f32, to_i16, LINE_RATE};

/// Requests that may wait for the engine thread. A full queue makes callers
/// wait (async), which is right: nothing can be played before it is synthesised.
const REQUEST_QUEUE: usize = 16;

/// Environment variable that piper-rs reads to find espeak-ng's data folder.
const ESPEAK_DATA_ENV: &str = "PIPER_ESPEAKNG_DATA_DIRECTORY";

/// Error from speech synthesis.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TtsError {
    #[error("cannot load the voice {path}: {message}")]
    Load { path: String, message: String },
    /// The sentence's text is kept out of the message: it may contain a caller's name or number.
    #[error("speech synthesis failed for a sentence of {chars} characters: {message}")]
    Synthesis { chars: usize, message: String },
    #[error("the speech synthesis thread has stopped")]
    Stopped,
}

/// Synthesised speech at the line rate.
#[derive(Debug, Clone)]
pub struct Speech {
    pub samples: Arc<Vec<i16>>,
    /// Time spent synthesising and resampling, in milliseconds.
    pub synthesis_ms: u64,
    /// The voice that spoke, such as `piper:en_US-joe-medium` or `pico:fr-FR`.
    pub voice: String,
}

/// The language a sentence is in and the voice the profile chose for it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Speaker {
    pub language: Language,
    pub voice: Voice,
}

impl Speaker {
    pub fn new(language: Language, voice: Voice) -> Speaker {
        Speaker { language, voice }
    }
}

struct Request {
    text: String,
    /// `None`: the default Piper voice, without normalisation.
    speaker: Option<Speaker>,
    reply: oneshot::Sender<Result<Speech, TtsError>>,
}

/// A handle to the synthesis thread; cheap to clone.
#[derive(Clone)]
pub struct Tts {
    requests: tokio::sync::mpsc::Sender<Request>,
    /// Fixed phrases (greeting, farewell, prompts), synthesised once per speaker.
    phrases: Arc<Mutex<HashMap<(Option<Speaker>, String), Speech>>>,
}

/// Folders and files the engine thread loads voices from.
#[derive(Debug, Clone)]
pub struct VoicePaths {
    /// Folder of Piper voices: `NAME.onnx` with `NAME.onnx.json` beside it.
    pub models_dir: PathBuf,
    /// The Piper voice used when no speaker is given, and for a language
    /// whose chosen voice cannot be loaded and that Pico does not speak.
    pub default_voice: PathBuf,
    /// Folder of SVOX Pico's language files (Debian's libttspico-data).
    pub pico_dir: PathBuf,
}

impl Tts {
    /// Starts the synthesis thread and loads the default Piper voice there,
    /// failing when it cannot be loaded. Other voices load on first use.
    ///
    /// `speed` divides each Piper voice's length scale: 1.0 keeps its pace.
    pub fn load(paths: VoicePaths, speed: f32) -> Result<Tts, TtsError> {
        let default = PiperVoice::load(&paths.default_voice, speed)?;
        let (requests, receiver) = tokio::sync::mpsc::channel::<Request>(REQUEST_QUEUE);
        let path = paths.default_voice.display().to_string();
        std::thread::Builder::new()
            .name("tts".to_string())
            .spawn(move || Voices::new(paths, speed, default).serve(receiver))
            .map_err(|e| TtsError::Load { path, message: e.to_string() })?;
        Ok(Tts {
            requests,
            phrases: Arc::new(Mutex::new(HashMap::new())),
        })
    }

    /// Synthesises one sentence with the default Piper voice, as written.
    pub async fn synthesize(&self, text: &str) -> Result<Speech, TtsError> {
        self.request(text, None).await
    }

    /// Synthesises one sentence in `speaker`'s language and voice, after
    /// rewriting its numbers, times, dates and prices as words.
    pub async fn speak(&self, text: &str, speaker: &Speaker) -> Result<Speech, TtsError> {
        self.request(text, Some(speaker.clone())).await
    }

    /// Returns a fixed phrase in `speaker`'s voice, synthesising it only the first time.
    pub async fn phrase(&self, text: &str, speaker: &Speaker) -> Result<Speech, TtsError> {
        let key = (Some(speaker.clone()), text.to_string());
        if let Some(speech) = self.lock_phrases().get(&key).cloned() {
            return Ok(speech);
        }
        let speech = self.speak(text, speaker).await?;
        self.lock_phrases().insert(key, speech.clone());
        Ok(speech)
    }

    fn lock_phrases(&self) -> std::sync::MutexGuard<'_, HashMap<(Option<Speaker>, String), Speech>> {
        self.phrases.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    async fn request(&self, text: &str, speaker: Option<Speaker>) -> Result<Speech, TtsError> {
        let (reply, answer) = oneshot::channel();
        self.requests
            .send(Request {
                text: text.to_string(),
                speaker,
                reply,
            })
            .await
            .map_err(|_| TtsError::Stopped)?;
        answer.await.map_err(|_| TtsError::Stopped)?
    }
}

/// A loaded Piper voice and the length scale it speaks with.
struct PiperVoice {
    piper: piper_rs::Piper,
    length_scale: f32,
    name: String,
}

impl PiperVoice {
    fn load(path: &Path, speed: f32) -> Result<PiperVoice, TtsError> {
        let config = PathBuf::from(format!("{}.json", path.display()));
        let load_error = |message: String| TtsError::Load {
            path: path.display().to_string(),
            message,
        };
        check_espeak_data().map_err(load_error)?;
        if !path.is_file() {
            return Err(load_error("the file is missing".to_string()));
        }
        let length_scale = read_length_scale(&config).map_err(load_error)? / speed;
        let piper = piper_rs::Piper::new(path, &config).map_err(|e| load_error(e.to_string()))?;
        let name = path.file_stem().map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        Ok(PiperVoice {
            piper,
            length_scale,
            name: format!("piper:{name}"),
        })
    }

    /// Returns samples in [-1, 1] and their rate.
    fn create(&mut self, text: &str) -> Result<(Vec<f32>, u32), String> {
        self.piper
            .create(text, false, None, Some(self.length_scale), None, None)
            .map_err(|e| e.to_string())
    }
}

/// An engine the thread has loaded, by what it was loaded from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum VoiceKey {
    Piper(PathBuf),
    Pico(PicoLanguage),
}

enum Engine {
    Piper(PiperVoice),
    Pico(PicoVoice),
}

/// The engine thread's state: every voice loaded so far.
struct Voices {
    paths: VoicePaths,
    speed: f32,
    default: PiperVoice,
    loaded: HashMap<VoiceKey, Engine>,
    /// Voices that failed to load, warned about once each; tried again when
    /// their file changes presence, so a voice the owner adds is picked up.
    failed: HashSet<(VoiceKey, bool)>,
    /// Resamplers keyed by the source rate; designing the filter costs more than using it.
    resamplers: HashMap<u32, Resampler>,
}

impl Voices {
    fn new(paths: VoicePaths, speed: f32, default: PiperVoice) -> Voices {
        Voices {
            paths,
            speed,
            default,
            loaded: HashMap::new(),
            failed: HashSet::new(),
            resamplers: HashMap::new(),
        }
    }

    fn serve(mut self, mut requests: tokio::sync::mpsc::Receiver<Request>) {
        while let Some(request) = requests.blocking_recv() {
            let started = Instant::now();
            let chars = request.text.chars().count();
            let result = self
                .synthesize(&request.text, request.speaker.as_ref())
                .and_then(|(samples, rate, voice)| {
                    if rate == 0 {
                        return Err("the voice's configuration gives a sample rate of 0".to_string());
                    }
                    let line = self
                        .resamplers
                        .entry(rate)
                        .or_insert_with(|| Resampler::new(rate, LINE_RATE))
                        .process_block(&samples);
                    Ok(Speech {
                        samples: Arc::new(to_i16(&line)),
                        synthesis_ms: started.elapsed().as_millis() as u64,
                        voice,
                    })
                })
                .map_err(|message| TtsError::Synthesis { chars, message });
            let _ = request.reply.send(result);
        }
    }

    /// Returns samples in [-1, 1], their rate and the name of the voice used.
    fn synthesize(&mut self, text: &str, speaker: Option<&Speaker>) -> Result<(Vec<f32>, u32, String), String> {
        let Some(speaker) = speaker else {
            let (samples, rate) = self.default.create(text)?;
            return Ok((samples, rate, self.default.name.clone()));
        };
        let lang = Lang::from_code(speaker.language.code()).unwrap_or(Lang::En);
        let spoken = standardiste_normalize::normalize(text, lang);
        match self.engine_for(speaker) {
            Some((key, engine)) => match engine {
                Engine::Piper(voice) => {
                    let (samples, rate) = voice.create(&spoken)?;
                    Ok((samples, rate, voice.name.clone()))
                }
                Engine::Pico(voice) => {
                    let samples = voice.synthesize(&spoken).map_err(|e| e.to_string())?;
                    let name = match key {
                        VoiceKey::Pico(language) => format!("pico:{}", language.code()),
                        VoiceKey::Piper(_) => String::new(),
                    };
                    Ok((to_f32(&samples), PicoVoice::SAMPLE_RATE, name))
                }
            },
            None => {
                let (samples, rate) = self.default.create(&spoken)?;
                Ok((samples, rate, self.default.name.clone()))
            }
        }
    }

    /// Loads or finds the engine for `speaker`, falling back from a Piper
    /// voice that cannot be loaded to Pico in the same language. `None` means
    /// the default Piper voice.
    fn engine_for(&mut self, speaker: &Speaker) -> Option<(VoiceKey, &mut Engine)> {
        let mut choices = Vec::with_capacity(2);
        if let Voice::Piper(name) = &speaker.voice {
            let path = self.piper_path(name);
            if path == self.paths.default_voice {
                return None;
            }
            choices.push(VoiceKey::Piper(path));
        }
        if let Ok(language) = PicoLanguage::from_code(speaker.language.code()) {
            choices.push(VoiceKey::Pico(language));
        }
        let key = choices.into_iter().find(|key| self.ensure_loaded(key))?;
        let engine = self.loaded.get_mut(&key)?;
        Some((key, engine))
    }

    fn piper_path(&self, name: &str) -> PathBuf {
        let file = if name.ends_with(".onnx") { name.to_string() } else { format!("{name}.onnx") };
        self.paths.models_dir.join(file)
    }

    /// Tells whether the engine of `key` is loaded, loading it if needed.
    fn ensure_loaded(&mut self, key: &VoiceKey) -> bool {
        if self.loaded.contains_key(key) {
            return true;
        }
        let present = match key {
            VoiceKey::Piper(path) => path.is_file(),
            VoiceKey::Pico(_) => true,
        };
        if self.failed.contains(&(key.clone(), present)) {
            return false;
        }
        let engine = match key {
            VoiceKey::Piper(path) => PiperVoice::load(path, self.speed).map(Engine::Piper),
            VoiceKey::Pico(language) => PicoVoice::load(&self.paths.pico_dir, *language)
                .map(Engine::Pico)
                .map_err(|e| TtsError::Load {
                    path: self.paths.pico_dir.join(language.text_analysis_file()).display().to_string(),
                    message: e.to_string(),
                }),
        };
        match engine {
            Ok(engine) => {
                tracing::info!(voice = ?key, "voice loaded");
                self.loaded.insert(key.clone(), engine);
                true
            }
            Err(error) => {
                tracing::warn!(%error, "cannot load a voice; using the next one for this language");
                self.failed.insert((key.clone(), present));
                false
            }
        }
    }
}

/// Reads `inference.length_scale` from a Piper voice's JSON configuration.
fn read_length_scale(config: &Path) -> Result<f32, String> {
    let text = std::fs::read_to_string(config)
        .map_err(|e| format!("cannot read its configuration {}: {e}", config.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("invalid configuration {}: {e}", config.display()))?;
    Ok(json["inference"]["length_scale"].as_f64().unwrap_or(1.0) as f32)
}

/// Points piper-rs at espeak-ng's data unless the environment already does.
///
/// Debian's `espeak-ng-data` package installs it under `/usr/lib/<triplet>/`;
/// its phoneme data has the same format version (1.48.01) as the copy that
/// espeak-rs-sys compiles in.
///
/// # Safety
/// Sets an environment variable, so it must run before any other thread
/// starts: call it first thing in `main`.
pub unsafe fn set_espeak_data_env() {
    if std::env::var_os(ESPEAK_DATA_ENV).is_some() {
        return;
    }
    let candidates = [
        "/usr/lib/x86_64-linux-gnu",
        "/usr/lib/aarch64-linux-gnu",
        "/usr/lib/arm-linux-gnueabihf",
        "/usr/share",
        "/usr/lib",
    ];
    if let Some(found) = candidates
        .iter()
        .find(|dir| Path::new(dir).join("espeak-ng-data/phondata").is_file())
    {
        // SAFETY: the caller guarantees that no other thread runs yet.
        unsafe { std::env::set_var(ESPEAK_DATA_ENV, found) };
    }
}

/// Checks that espeak-ng's data folder is where piper-rs will look.
fn check_espeak_data() -> Result<(), String> {
    let found = std::env::var_os(ESPEAK_DATA_ENV)
        .map(PathBuf::from)
        .is_some_and(|dir| dir.join("espeak-ng-data/phondata").is_file());
    if found {
        Ok(())
    } else {
        Err("espeak-ng's data folder was not found; install it with `apt-get install espeak-ng-data` \
             or set PIPER_ESPEAKNG_DATA_DIRECTORY to the folder that contains espeak-ng-data"
            .to_string())
    }
}
