//! Speech-to-text over the Wyoming protocol, and the supervisor of the bundled worker.
//!
//! whisper.cpp cannot share this process with llama.cpp (each links its own
//! ggml), so transcription runs in `standardiste-stt`. The supervisor starts
//! it, waits for its `READY <uri>` line, and starts it again with backoff when
//! it dies. Each transcription opens a fresh connection to whatever URI is
//! current, so a restarted worker is picked up by the next utterance; the one
//! in flight fails and the call asks the caller to repeat.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::watch;

use super::priority::SpeechPriority;
use crate::audio::to_i16;

/// Time the worker may take to load its model and print `READY`.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Restart delays grow from this to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// A worker that stayed up this long resets the backoff.
const STABLE_AFTER: Duration = Duration::from_secs(60);

/// Error from a transcription.
#[derive(Debug, thiserror::Error)]
pub enum SttError {
    #[error("the speech-to-text service is not running (it is starting or restarting)")]
    Unavailable,
    #[error("speech-to-text at {uri} failed: {message}")]
    Failed { uri: String, message: String },
    #[error("speech-to-text at {uri} timed out after {seconds} s")]
    TimedOut { uri: String, seconds: u64 },
}

/// A finished transcription.
#[derive(Debug, Clone, Default)]
pub struct Transcription {
    pub text: String,
    /// ISO 639-1 code of the detected language, when the service reports it.
    pub language: Option<String>,
    /// Mean token probability, 0 to 1, when the service reports it.
    pub confidence: Option<f32>,
    /// Round trip to the service, in milliseconds.
    pub elapsed_ms: u64,
    /// Time the service reports for recognition alone, when it reports it.
    pub inference_ms: Option<u64>,
}

/// How to start the bundled worker.
#[derive(Debug, Clone)]
pub struct WorkerCommand {
    pub program: PathBuf,
    pub model: PathBuf,
    pub threads: usize,
    pub socket: PathBuf,
    /// Comma-separated language codes that detection may choose from, or `all`.
    pub detect_languages: String,
}

/// A speech-to-text client; cheap to clone.
#[derive(Clone)]
pub struct Stt {
    uri: watch::Receiver<Option<String>>,
    language: Option<String>,
    timeout: Duration,
    /// Marks each request in flight, so that the LLM pauses meanwhile.
    priority: SpeechPriority,
}

impl Stt {
    /// Uses an external Wyoming ASR service at a fixed URI.
    pub fn external(uri: String, language: Option<String>, timeout: Duration) -> Stt {
        let (_sender, receiver) = watch::channel(Some(uri));
        // The sender is dropped: the URI never changes, and the receiver keeps the last value.
        Stt {
            uri: receiver,
            language,
            timeout,
            priority: SpeechPriority::default(),
        }
    }

    /// Starts the bundled worker and keeps it running. A worker that cannot
    /// start now (a missing model, a bad path) is an error here, not a retry loop.
    pub async fn supervised(
        command: WorkerCommand,
        language: Option<String>,
        timeout: Duration,
    ) -> std::io::Result<Stt> {
        let (child, ready_uri) = start_worker(&command).await?;
        tracing::info!(uri = %ready_uri, pid = child.id(), "speech-to-text worker ready");
        let (sender, receiver) = watch::channel(Some(ready_uri));
        tokio::spawn(supervise(command, sender, child));
        Ok(Stt {
            uri: receiver,
            language,
            timeout,
            priority: SpeechPriority::default(),
        })
    }

    /// Shares `priority` with the LLM, which then pauses while this client's
    /// requests are in flight.
    pub fn with_priority(mut self, priority: SpeechPriority) -> Stt {
        self.priority = priority;
        self
    }

    /// Transcribes one utterance of 16 kHz audio.
    ///
    /// `language` overrides the configured one for this utterance: a call
    /// passes the language detected on its first utterance, which saves the
    /// detection pass (about half the transcription time).
    pub async fn transcribe(&self, audio: &[f32], language: Option<&str>) -> Result<Transcription, SttError> {
        let language = language.or(self.language.as_deref());
        let uri = self.uri.borrow().clone().ok_or(SttError::Unavailable)?;
        let samples = to_i16(audio);
        let _in_flight = self.priority.begin();
        let started = Instant::now();
        let failed = |message: String| SttError::Failed {
            uri: uri.clone(),
            message,
        };
        let exchange = async {
            let mut client = wyoming::SttClient::connect_with_timeout(&uri, self.timeout)
                .await
                .map_err(|e| failed(e.to_string()))?;
            client
                .transcribe(&samples, language)
                .await
                .map_err(|e| failed(e.to_string()))
        };
        let transcript = tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| SttError::TimedOut {
                uri: uri.clone(),
                seconds: self.timeout.as_secs(),
            })??;
        Ok(Transcription {
            text: transcript.text.trim().to_string(),
            language: transcript.language,
            confidence: transcript.confidence,
            elapsed_ms: started.elapsed().as_millis() as u64,
            inference_ms: transcript.inference_ms,
        })
    }
}

/// Keeps the worker running: wait for it to exit, back off, start it again,
/// wait for READY, publish the URI, repeat. Ends when every [`Stt`] handle is gone.
///
/// NOTE: only a worker that exits is restarted; one that hangs makes each
/// transcription time out (and the caller hear "say that again") until it dies.
async fn supervise(command: WorkerCommand, uri: watch::Sender<Option<String>>, first: Child) {
    let mut backoff = FIRST_BACKOFF;
    let mut restarts = 0u64;
    let mut running = Some(first);
    loop {
        let child = match running.take() {
            Some(child) => Ok(child),
            None => start_worker(&command).await.map(|(child, ready_uri)| {
                tracing::info!(uri = %ready_uri, pid = child.id(), restarts, "speech-to-text worker ready");
                let _ = uri.send(Some(ready_uri));
                child
            }),
        };
        // Uptime counts from READY, so a worker that never starts keeps backing off.
        let mut started = None;
        match child {
            Ok(mut child) => {
                started = Some(Instant::now());
                // `Child::wait` closes stdin, which would stop the worker: hold
                // the pipe here until the worker has exited.
                let _stdin_pipe = child.stdin.take();
                tokio::select! {
                    status = child.wait() => {
                        let _ = uri.send(None);
                        match status {
                            Ok(status) => tracing::error!(%status, "speech-to-text worker exited; restarting"),
                            Err(error) => tracing::error!(%error, "cannot wait for the speech-to-text worker; restarting"),
                        }
                    }
                    () = uri.closed() => {
                        let _ = child.kill().await;
                        return;
                    }
                }
            }
            Err(error) => {
                tracing::error!(%error, program = %command.program.display(), "cannot start the speech-to-text worker");
            }
        }
        if started.is_some_and(|up| up.elapsed() >= STABLE_AFTER) {
            backoff = FIRST_BACKOFF;
        }
        restarts += 1;
        tracing::warn!(delay_ms = backoff.as_millis() as u64, restarts, "restarting the speech-to-text worker");
        tokio::select! {
            () = tokio::time::sleep(backoff) => {}
            () = uri.closed() => return,
        }
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// Deletes the sockets in `dir` that no worker listens on any more
/// (`stt-PID.sock`): a daemon killed by a signal or a power cut leaves its
/// worker's behind. A socket that accepts a connection is left alone.
pub fn remove_stale_sockets(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let is_worker_socket = name
            .to_str()
            .is_some_and(|name| name.starts_with("stt-") && name.ends_with(".sock"));
        if !is_worker_socket {
            continue;
        }
        let path = entry.path();
        if let Err(error) = std::os::unix::net::UnixStream::connect(&path) {
            if error.kind() == std::io::ErrorKind::ConnectionRefused {
                match std::fs::remove_file(&path) {
                    Ok(()) => tracing::debug!(path = %path.display(), "deleted a dead worker's socket"),
                    Err(error) => tracing::warn!(path = %path.display(), %error, "cannot delete a dead worker's socket"),
                }
            }
        }
    }
}

/// Starts the worker and reads its `READY <uri>` line.
async fn start_worker(command: &WorkerCommand) -> std::io::Result<(Child, String)> {
    // A socket file left by a worker that was killed would make bind fail.
    let _ = std::fs::remove_file(&command.socket);
    let mut worker = Command::new(&command.program);
    if std::env::var_os("RUST_LOG").is_none() {
        // The worker logs every transcription at info; keep that for debugging.
        worker.env("RUST_LOG", "warn");
    }
    let mut child = worker
        .arg("--model")
        .arg(&command.model)
        .arg("--uri")
        .arg(format!("unix://{}", command.socket.display()))
        .arg("--threads")
        .arg(command.threads.to_string())
        .arg("--detect-languages")
        .arg(&command.detect_languages)
        // The worker stops when this pipe closes, which happens when this
        // process exits for any reason, SIGKILL included. The pipe stays open
        // as long as the `Child` lives in the supervisor.
        .arg("--exit-on-stdin-eof")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("cannot run {}: {e}; build it with `cargo build --release --workspace`", command.program.display()),
            )
        })?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| std::io::Error::other("the worker's stdout was not captured"))?;
    let mut lines = BufReader::new(stdout).lines();
    let ready = tokio::time::timeout(START_TIMEOUT, async {
        while let Some(line) = lines.next_line().await? {
            if let Some(uri) = line.strip_prefix("READY ") {
                return Ok(uri.trim().to_string());
            }
        }
        Err(std::io::Error::other("the worker exited before it was ready"))
    })
    .await
    .map_err(|_| std::io::Error::other("the worker did not print READY in time"))??;
    // Keep draining stdout so the worker never blocks on a full pipe.
    tokio::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            tracing::debug!(line, "speech-to-text worker output");
        }
    });
    Ok((child, ready))
}

#[cfg(test)]
mod tests {
    use std::os::unix::net::UnixListener;

    #[test]
    fn only_dead_sockets_are_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let dead = dir.path().join("stt-1.sock");
        drop(UnixListener::bind(&dead).unwrap());
        let live = dir.path().join("stt-2.sock");
        let _listening = UnixListener::bind(&live).unwrap();
        let other = dir.path().join("calls.db");
        std::fs::write(&other, b"").unwrap();
        super::remove_stale_sockets(dir.path());
        assert!(!dead.exists());
        assert!(live.exists());
        assert!(other.exists());
    }
}
