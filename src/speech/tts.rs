//! Text-to-speech with Piper, on an engine thread of its own.
//!
//! Piper runs ONNX inference for a whole sentence at a time (tens to hundreds
//! of milliseconds), so it never runs on an async worker: requests go to one
//! thread that owns the voice, and answers come back on a oneshot channel.
//! Output is resampled from the voice's rate (22.05 kHz for the default voice)
//! to the 8 kHz line.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::oneshot;

use crate::audio::resample::Resampler;
use crate::audio::{to_i16, LINE_RATE};

/// Requests that may wait for the engine thread. A full queue makes callers
/// wait (async), which is right: nothing can be played before it is synthesised.
const REQUEST_QUEUE: usize = 16;

/// Environment variable that piper-rs reads to find espeak-ng's data folder.
const ESPEAK_DATA_ENV: &str = "PIPER_ESPEAKNG_DATA_DIRECTORY";

/// Error from speech synthesis.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TtsError {
    #[error("cannot load the Piper voice {path}: {message}")]
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
}

struct Request {
    text: String,
    reply: oneshot::Sender<Result<Speech, TtsError>>,
}

/// A handle to the synthesis thread; cheap to clone.
#[derive(Clone)]
pub struct Tts {
    requests: tokio::sync::mpsc::Sender<Request>,
    /// Fixed phrases (greeting, farewell, prompts), synthesised once.
    phrases: Arc<Mutex<HashMap<String, Speech>>>,
}

impl Tts {
    /// Loads a Piper voice (`voice.onnx` with `voice.onnx.json` beside it) on a new thread.
    ///
    /// `speed` divides the voice's length scale: 1.0 keeps its pace.
    pub fn load(voice: &Path, speed: f32) -> Result<Tts, TtsError> {
        let config = PathBuf::from(format!("{}.json", voice.display()));
        let load_error = |message: String| TtsError::Load {
            path: voice.display().to_string(),
            message,
        };
        check_espeak_data().map_err(load_error)?;
        let length_scale = read_length_scale(&config).map_err(load_error)? / speed;

        let (requests, mut receiver) = tokio::sync::mpsc::channel::<Request>(REQUEST_QUEUE);
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let voice_path = voice.to_path_buf();
        std::thread::Builder::new()
            .name("tts".to_string())
            .spawn(move || {
                let mut piper = match piper_rs::Piper::new(&voice_path, &config) {
                    Ok(piper) => {
                        let _ = ready_tx.send(Ok(()));
                        piper
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e.to_string()));
                        return;
                    }
                };
                // Keyed by the voice's rate; designing the filter costs more than using it.
                let mut resampler: Option<(u32, Resampler)> = None;
                while let Some(request) = receiver.blocking_recv() {
                    let started = Instant::now();
                    let result = piper
                        .create(&request.text, false, None, Some(length_scale), None, None)
                        .map_err(|e| TtsError::Synthesis {
                            chars: request.text.chars().count(),
                            message: e.to_string(),
                        })
                        .and_then(|(samples, rate)| {
                            if rate == 0 {
                                return Err(TtsError::Synthesis {
                                    chars: request.text.chars().count(),
                                    message: "the voice's configuration gives a sample rate of 0".to_string(),
                                });
                            }
                            let line = match &mut resampler {
                                Some((cached_rate, cached)) if *cached_rate == rate => cached.process_block(&samples),
                                _ => {
                                    let mut fresh = Resampler::new(rate, LINE_RATE);
                                    let line = fresh.process_block(&samples);
                                    resampler = Some((rate, fresh));
                                    line
                                }
                            };
                            Ok(Speech {
                                samples: Arc::new(to_i16(&line)),
                                synthesis_ms: started.elapsed().as_millis() as u64,
                            })
                        });
                    let _ = request.reply.send(result);
                }
            })
            .map_err(|e| load_error(e.to_string()))?;
        ready_rx
            .recv()
            .map_err(|_| load_error("the synthesis thread stopped while loading".to_string()))?
            .map_err(load_error)?;
        Ok(Tts {
            requests,
            phrases: Arc::new(Mutex::new(HashMap::new())),
        })
    }

    /// Synthesises one sentence.
    pub async fn synthesize(&self, text: &str) -> Result<Speech, TtsError> {
        let (reply, answer) = oneshot::channel();
        self.requests
            .send(Request {
                text: text.to_string(),
                reply,
            })
            .await
            .map_err(|_| TtsError::Stopped)?;
        answer.await.map_err(|_| TtsError::Stopped)?
    }

    /// Returns a fixed phrase, synthesising it only the first time.
    pub async fn phrase(&self, text: &str) -> Result<Speech, TtsError> {
        if let Some(speech) = self.cached(text) {
            return Ok(speech);
        }
        let speech = self.synthesize(text).await?;
        self.phrases
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(text.to_string(), speech.clone());
        Ok(speech)
    }

    fn cached(&self, text: &str) -> Option<Speech> {
        self.phrases
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(text)
            .cloned()
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
