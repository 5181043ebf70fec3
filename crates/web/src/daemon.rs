//! The interface the console uses to reach the running daemon.

use std::future::Future;
use std::pin::Pin;

use tokio::sync::mpsc;

/// A boxed future, so that [`Daemon`] can be used as a trait object.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The daemon's side of the console.
pub trait Daemon: Send + Sync + 'static {
    /// Returns each configured line with its state, for the system page.
    fn lines(&self) -> Vec<LineStatus>;

    /// Returns the model files in use.
    fn models(&self) -> Vec<ModelStatus>;

    /// Starts a simulated call through the real engines and returns its
    /// events as they happen. The call is stored like any other.
    fn start_test_call(&self) -> Result<mpsc::Receiver<TestCallEvent>, String>;

    /// Synthesizes `text` in `language` (an ISO 639-1 code) with the voice the
    /// profile gives that language, and returns a WAV file.
    fn speak(&self, text: String, language: String) -> BoxFuture<'static, Result<Vec<u8>, String>>;

    /// Sends the one-time set-up code to the installer's phone, when one is
    /// configured. Returns where it went, for the log.
    fn send_setup_code(&self, code: &str) -> Result<Option<String>, String>;
}

/// A line as the system page shows it.
#[derive(Debug, Clone)]
pub struct LineStatus {
    pub name: String,
    /// The device kind, such as `sim7600` or `usr5637`.
    pub kind: String,
    /// `ready`, `in call`, `opening`, or `stopped`.
    pub state: String,
    /// The last error the line met, if any.
    pub error: Option<String>,
}

/// A model file as the system page shows it.
#[derive(Debug, Clone)]
pub struct ModelStatus {
    /// Purpose: speech-to-text, language model, voice, voice activity.
    pub role: String,
    pub file: String,
    /// Size in bytes; `None` when the file is missing.
    pub size: Option<u64>,
}

/// One event of a test call, as the system page shows it live.
#[derive(Debug, Clone)]
pub enum TestCallEvent {
    Started { call_id: i64 },
    /// A caller turn or a sentence of the box's, with its offset from the start of the call.
    Said { at_ms: u64, speaker: String, text: String },
    /// Anything else worth showing: a barge-in, a transcription that failed.
    Note { at_ms: u64, text: String },
    Ended { call_id: i64, outcome: String, duration_ms: u64 },
    Failed { error: String },
}
