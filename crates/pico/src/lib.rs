//! Speech synthesis with SVOX Pico, the small offline engine that speaks
//! French, German, Spanish, Italian and English (US and UK) at 16 kHz.
//!
//! The engine is C code built from source by the `ttspico` crate. It reads
//! its language files from Debian's non-free `libttspico-data` package
//! (`/usr/share/pico/lang`), which `scripts/setup` installs.
//!
//! ```no_run
//! use std::path::Path;
//! use standardiste_pico::{PicoLanguage, PicoVoice, DEFAULT_LANG_DIR};
//!
//! let language = PicoLanguage::from_code("fr")?;
//! let mut voice = PicoVoice::load(Path::new(DEFAULT_LANG_DIR), language)?;
//! let samples = voice.synthesize("Bonjour, je vous écoute.")?;
//! assert!(!samples.is_empty());
//! # Ok::<(), standardiste_pico::PicoError>(())
//! ```
//!
//! Synthesis blocks: see [`PicoVoice`] for the threading rules.

mod error;
mod language;
mod text;
mod voice;

pub use error::PicoError;
pub use language::PicoLanguage;
pub use text::MAX_TEXT_BYTES;
pub use voice::{PicoVoice, DEFAULT_LANG_DIR};
