//! One SVOX Pico engine with one language loaded.

use std::cell::RefCell;
use std::fmt;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Instant;

use ttspico::{EngineResetMode, EngineStatus};

use crate::error::PicoError;
use crate::language::PicoLanguage;
use crate::text::clean_text;

/// The directory where Debian's `libttspico-data` installs the language files.
pub const DEFAULT_LANG_DIR: &str = "/usr/share/pico/lang";

/// The memory block that the engine allocates everything from, the two
/// language files included. The largest pair (en-US, 1.4 MB) loads and
/// synthesises with it; the crate's tests load every language.
const ENGINE_MEMORY_BYTES: usize = 2_500_000;

/// The length limit of a file path in the engine, which copies it into a
/// fixed 512-byte buffer without checking (`picoos_FileName` in picoos.h).
const MAX_PATH_BYTES: usize = 511;

/// Output volume in percent of the engine's default. At 100 the engine
/// saturates: the test sentences had runs of up to 13 full-scale samples in
/// German and Spanish. At 60 they have none, and an RMS level of 4,300 to
/// 5,400 (about -17 dBFS). Measured with `libttspico-data` 1.0+git20130326-13.
const VOLUME_PERCENT: u32 = 60;

/// The voice name inside the engine. Each engine has its own name space.
const VOICE_NAME: &str = "standardiste";

/// Bytes of text passed to the engine at a time. The engine takes what fits
/// in its input buffer and reports how much that was.
const PUT_CHUNK_BYTES: usize = 1024;

/// Samples fetched from the engine per step.
const OUTPUT_BUFFER_SAMPLES: usize = 1024;

/// Step limit for one call, a fixed part plus a part per byte of text, which
/// stops a call whose engine never reports idle. Sentences took 260 to 310
/// steps per byte in every language, and rows of digits or punctuation up to
/// 1,200.
/// NOTE: the limit cannot stop a loop inside one C call. Such a loop is known
/// for tokens over 255 bytes, which `clean_text` prevents, but others may
/// exist, so callers should put a time limit on waiting for the samples.
const STEPS_FIXED: usize = 10_000;
const STEPS_PER_BYTE: usize = 3_000;

/// A SVOX Pico engine with one language loaded, which turns text into 16 kHz
/// mono 16-bit speech.
///
/// Threading: [`PicoVoice::synthesize`] runs the C engine to the end of the
/// text and blocks for tens of milliseconds per sentence. Run it on a thread
/// of its own (a dedicated `std::thread`, or `tokio::task::spawn_blocking`),
/// never on an async worker thread. A `PicoVoice` is `Send`, so it can be
/// created on one thread and moved to the thread that uses it, but not `Sync`.
///
/// Each `PicoVoice` owns a separate engine and memory block, and the engine
/// keeps no state outside them, so several voices (one per language, say)
/// can be loaded in one process and used from different threads at once.
/// Each takes about 2.5 MB. The only global of the C code is a frame counter
/// used in debug messages (`nFrame` in picosig.c).
///
/// NOTE: the output is not reproducible. The engine reads parts of its
/// memory block that it never wrote, and `ttspico` 0.1.5 allocates the block
/// without zeroing it. So the same text gave 35,840 or 38,592 samples,
/// depending on what the heap contained before (checked with glibc's
/// `MALLOC_PERTURB_`). A zeroed block would need calling `ttspico-sys`
/// directly.
pub struct PicoVoice {
    /// The engine. It owns the only handles to its voice definition,
    /// language files and system, which makes moving it to another thread
    /// sound even though those handles are `Rc`s.
    engine: ttspico::Engine,
    language: PicoLanguage,
}

impl PicoVoice {
    /// The sample rate of the audio that [`PicoVoice::synthesize`] returns, in Hz.
    pub const SAMPLE_RATE: u32 = 16_000;

    /// Loads the two files of `language` from `lang_dir` (normally
    /// [`DEFAULT_LANG_DIR`]) into a new engine.
    ///
    /// Fails with [`PicoError::MissingFile`] naming the first file that is
    /// not there.
    pub fn load(lang_dir: &Path, language: PicoLanguage) -> Result<PicoVoice, PicoError> {
        let text_analysis = usable_path(lang_dir.join(language.text_analysis_file()))?;
        let signal_generation = usable_path(lang_dir.join(language.signal_generation_file()))?;

        let system = ttspico::System::new(ENGINE_MEMORY_BYTES)
            .map_err(|error| PicoError::engine("initialise the engine", error))?;
        let voice = ttspico::System::create_voice(Rc::clone(&system), VOICE_NAME)
            .map_err(|error| PicoError::engine("create a voice", error))?;
        for path in [&text_analysis, &signal_generation] {
            let resource = ttspico::System::load_resource(Rc::clone(&system), path)
                .map_err(|error| PicoError::engine(format!("load {path}"), error))?;
            add_resource(&voice, resource, path)?;
        }
        // Only the engine may keep handles, so that moving it between threads
        // moves every reference count with it (see `PicoVoice::engine`).
        drop(system);

        // SAFETY: `create_engine` needs a text analysis and a signal
        // generation file added to the voice, which the loop above did.
        let engine = unsafe { ttspico::Voice::create_engine(voice) }
            .map_err(|error| PicoError::engine(format!("create the {language} engine"), error))?;
        tracing::debug!(%language, lang_dir = %lang_dir.display(), "loaded SVOX Pico voice");
        Ok(PicoVoice { engine, language })
    }

    /// Returns the language this voice speaks.
    pub fn language(&self) -> PicoLanguage {
        self.language
    }

    /// Synthesises `text` into 16 kHz mono 16-bit samples. Blocks until the
    /// whole text is spoken.
    ///
    /// Control characters, whitespace, `<` and `>` are read as spaces (the
    /// engine would read `<...>` as markup). Runs of non-space text over 100
    /// bytes are split, and rows of punctuation cut to 4 marks. The volume is
    /// 60% of the engine's default, which keeps the samples from saturating.
    /// The engine skips characters that the language has no sound for, such
    /// as emoji. Empty text, or text with nothing to speak, returns no
    /// samples.
    ///
    /// Fails with [`PicoError::TextTooLong`] past
    /// [`MAX_TEXT_BYTES`](crate::MAX_TEXT_BYTES). After an engine error the
    /// engine is reset, so the voice stays usable.
    pub fn synthesize(&mut self, text: &str) -> Result<Vec<i16>, PicoError> {
        let started = Instant::now();
        let cleaned = clean_text(text)?;
        if cleaned.trim().is_empty() {
            return Ok(Vec::new());
        }
        // The volume tag is the one piece of markup the engine reads, since
        // `clean_text` removed every `<` of the caller's text.
        let mut input = format!("<volume level=\"{VOLUME_PERCENT}\">{cleaned}").into_bytes();
        // A NUL at the end makes the engine finish the last sentence.
        input.push(0);

        let result = self.run_engine(&input);
        if result.is_err() {
            if let Err(error) = self.engine.reset(EngineResetMode::Full) {
                tracing::warn!(language = %self.language, %error, "SVOX Pico engine reset failed");
            }
        }
        let samples = result?;
        tracing::debug!(
            language = %self.language,
            text_bytes = text.len(),
            samples = samples.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "synthesised speech"
        );
        Ok(samples)
    }

    /// Feeds `input` to the engine and collects the samples until the engine
    /// is idle with no input left.
    fn run_engine(&mut self, input: &[u8]) -> Result<Vec<i16>, PicoError> {
        let max_steps = STEPS_FIXED + STEPS_PER_BYTE * input.len();
        let mut samples = Vec::new();
        let mut buffer = [0i16; OUTPUT_BUFFER_SAMPLES];
        let mut remaining = input;
        let mut steps = 0;
        while !remaining.is_empty() {
            let chunk = &remaining[..remaining.len().min(PUT_CHUNK_BYTES)];
            let accepted = self
                .engine
                .put_text(chunk)
                .map_err(|error| PicoError::engine("accept text", error))?;
            remaining = remaining.get(accepted..).unwrap_or_default();

            loop {
                steps += 1;
                if steps > max_steps {
                    return Err(PicoError::Stalled {
                        bytes: input.len(),
                        steps: max_steps,
                    });
                }
                let (count, status) = self
                    .engine
                    .get_data(&mut buffer[..])
                    .map_err(|error| PicoError::engine("synthesise speech", error))?;
                samples.extend_from_slice(&buffer[..count.min(buffer.len())]);
                if status == EngineStatus::Idle {
                    break;
                }
            }
        }
        Ok(samples)
    }
}

impl fmt::Debug for PicoVoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PicoVoice")
            .field("language", &self.language)
            .finish_non_exhaustive()
    }
}

/// Checks that `path` is a file the engine can open, and returns it as UTF-8
/// because the engine takes a C string.
fn usable_path(path: PathBuf) -> Result<String, PicoError> {
    if !path.is_file() {
        return Err(PicoError::MissingFile { path });
    }
    let Some(text) = path.to_str() else {
        return Err(PicoError::UnusablePath {
            path,
            reason: "it is not valid UTF-8".to_string(),
        });
    };
    if text.len() > MAX_PATH_BYTES {
        let reason = format!(
            "it is {} bytes, more than the engine's maximum of {MAX_PATH_BYTES}",
            text.len()
        );
        return Err(PicoError::UnusablePath { path, reason });
    }
    Ok(text.to_string())
}

/// Adds a loaded language file to the voice definition.
fn add_resource(
    voice: &Rc<RefCell<ttspico::Voice>>,
    resource: Rc<RefCell<ttspico::Resource>>,
    path: &str,
) -> Result<(), PicoError> {
    voice
        .borrow_mut()
        .add_resource(resource)
        .map_err(|error| PicoError::engine(format!("add {path} to the voice"), error))
}
