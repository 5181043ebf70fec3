//! Errors of loading a Pico voice and of synthesising text with it.

use std::path::PathBuf;

/// An error of loading a voice or of synthesising text.
#[derive(Debug, thiserror::Error)]
pub enum PicoError {
    /// The language code is not one that `libttspico-data` provides.
    #[error("unknown SVOX Pico language {code:?}; expected one of en-US, en-GB, fr-FR, de-DE, es-ES, it-IT (or en, fr, de, es, it)")]
    UnknownLanguage { code: String },

    /// A language file is not where the voice looks for it.
    #[error("SVOX Pico language file {} not found; `scripts/setup` installs it with the Debian package libttspico-data (non-free)", path.display())]
    MissingFile { path: PathBuf },

    /// A language file path that the engine cannot open: not UTF-8, or too
    /// long for the engine's fixed 512-byte file name buffer.
    #[error("SVOX Pico language file path {} is not usable: {reason}; move the language files to a shorter UTF-8 path", path.display())]
    UnusablePath { path: PathBuf, reason: String },

    /// The text is longer than one call accepts.
    #[error("text to synthesise is {bytes} bytes, more than the maximum of {max} bytes; split it into sentences")]
    TextTooLong { bytes: usize, max: usize },

    /// The C engine returned an error status.
    #[error("SVOX Pico failed to {operation}: {message} (status {status})")]
    Engine {
        /// The step that failed, such as "load fr-FR_ta.bin".
        operation: String,
        /// The engine's status code (`pico_Status`, negative for errors).
        status: i32,
        /// The engine's description of the status.
        message: String,
    },

    /// The engine kept working past the step limit without finishing the text.
    #[error(
        "SVOX Pico did not finish {bytes} bytes of text within {steps} steps; the engine was reset"
    )]
    Stalled { bytes: usize, steps: usize },
}

impl PicoError {
    /// Wraps an error of the `ttspico` crate with the step that raised it.
    pub(crate) fn engine(operation: impl Into<String>, error: ttspico::PicoError) -> PicoError {
        PicoError::Engine {
            operation: operation.into(),
            status: error.code,
            message: error.descr,
        }
    }
}
