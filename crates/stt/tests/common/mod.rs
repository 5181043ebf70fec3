//! Helpers shared by the worker tests: model lookup, a worker process, WAV input, resampling,
//! synthetic signals and word error rate.

#![allow(dead_code)] // Each test binary uses a different subset.

pub mod audio;
pub mod wer;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// File name of the default Whisper model in the models directory.
pub const DEFAULT_MODEL: &str = "ggml-base-q5_1.bin";

/// Time allowed for a worker to load its model and print READY.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

pub fn workspace_dir() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .ancestors()
        .nth(2)
        .expect("the package is at <workspace>/crates/stt")
        .to_path_buf()
}

/// Returns `$STANDARDISTE_MODELS`, or `<workspace>/models`.
pub fn models_dir() -> PathBuf {
    match std::env::var_os("STANDARDISTE_MODELS") {
        Some(dir) => PathBuf::from(dir),
        None => workspace_dir().join("models"),
    }
}

/// Returns the path of a file that `standardiste models fetch` installs, and fails the test
/// when it is missing.
pub fn require_model_file(name: &str) -> PathBuf {
    let path = models_dir().join(name);
    assert!(
        path.is_file(),
        "missing {}: run `standardiste models fetch` to fetch it \
         (or set STANDARDISTE_MODELS to the directory that contains it)",
        path.display()
    );
    path
}

/// Directory of Asterisk prompts from the Debian packages asterisk-core-sounds-en-wav and
/// asterisk-core-sounds-fr-wav.
pub fn asterisk_sounds_dir(voice: &str) -> PathBuf {
    let dir = Path::new("/usr/share/asterisk/sounds").join(voice);
    assert!(
        dir.is_dir(),
        "missing {}: install the Debian packages asterisk-core-sounds-en-wav and \
         asterisk-core-sounds-fr-wav",
        dir.display()
    );
    dir
}

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> Self {
        use std::sync::atomic::{AtomicU32, Ordering};
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "standardiste-stt-{label}-{}-{unique}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running `standardiste-stt` process, killed on drop.
pub struct Worker {
    child: Child,
    /// The URI from the READY line.
    pub uri: String,
}

impl Worker {
    /// Starts a worker on 127.0.0.1 with a free port and the default model.
    pub fn start() -> Self {
        Self::start_with(&["--uri", "tcp://127.0.0.1:0"])
    }

    /// Starts a worker with the default model and extra arguments, and waits for READY.
    pub fn start_with(extra_args: &[&str]) -> Self {
        let model = require_model_file(DEFAULT_MODEL);
        let mut command = worker_command();
        command.arg("--model").arg(&model).args(extra_args);
        Self::spawn(command)
    }

    pub fn spawn(mut command: Command) -> Self {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("failed to start standardiste-stt");
        let stdout = child.stdout.take().unwrap();

        // Read the READY line on a thread, so that a worker that never prints it fails the
        // test instead of blocking it.
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let result = BufReader::new(stdout).read_line(&mut line).map(|_| line);
            let _ = sender.send(result);
        });
        let line = match receiver.recv_timeout(READY_TIMEOUT) {
            Ok(Ok(line)) => line,
            Ok(Err(error)) => panic!("failed to read the worker's stdout: {error}"),
            Err(_) => {
                let _ = child.kill();
                panic!("the worker printed no READY line within {READY_TIMEOUT:?}");
            }
        };
        let Some(uri) = line.trim_end().strip_prefix("READY ") else {
            let status = child.wait().unwrap();
            panic!("expected \"READY <uri>\" on stdout, got {line:?} (worker exit: {status})");
        };
        Worker {
            uri: uri.to_owned(),
            child,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGKILL and reaps the process.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Sends a signal such as "STOP" or "CONT" with kill(1).
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.pid().to_string())
            .status()
            .expect("failed to run kill");
        assert!(status.success(), "kill -{name} {} failed", self.pid());
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Returns a command for the worker binary, which logs warnings and errors only.
pub fn worker_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_standardiste-stt"));
    command.env("RUST_LOG", "warn");
    command
}

/// Bound on each request in tests that do not test timeouts. Test binaries run their tests in
/// parallel, each with its own worker, so a request can wait for the CPU for a long time.
pub const TEST_REQUEST_TIMEOUT: Duration = Duration::from_secs(300);

/// Connects a client with [`TEST_REQUEST_TIMEOUT`].
pub async fn connect(uri: &str) -> wyoming::SttClient {
    wyoming::SttClient::connect_with_timeout(uri, TEST_REQUEST_TIMEOUT)
        .await
        .unwrap_or_else(|error| panic!("failed to connect to the worker: {error}"))
}

/// Runs a future on a new current-thread runtime.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// A TCP connection that sends and receives raw Wyoming events, for requests that
/// `SttClient` would never send.
pub struct RawConnection {
    reader: tokio::io::BufReader<tokio::net::tcp::OwnedReadHalf>,
    writer: tokio::net::tcp::OwnedWriteHalf,
}

/// Time a test waits for one response event before it fails.
pub const RESPONSE_TIMEOUT: Duration = Duration::from_secs(30);

impl RawConnection {
    pub async fn connect(uri: &str) -> Self {
        let address = uri.strip_prefix("tcp://").expect("a tcp:// URI");
        let stream = tokio::net::TcpStream::connect(address).await.unwrap();
        let (reader, writer) = stream.into_split();
        RawConnection {
            reader: tokio::io::BufReader::new(reader),
            writer,
        }
    }

    pub async fn send(&mut self, event: &wyoming::Event) {
        wyoming::write_event(&mut self.writer, event).await.unwrap();
    }

    pub async fn send_bytes(&mut self, bytes: &[u8]) {
        use tokio::io::AsyncWriteExt;
        self.writer.write_all(bytes).await.unwrap();
    }

    /// Returns the next event, or `None` when the worker closed the connection.
    pub async fn receive(&mut self) -> Option<wyoming::Event> {
        tokio::time::timeout(RESPONSE_TIMEOUT, wyoming::read_event(&mut self.reader))
            .await
            .expect("no response from the worker")
            .unwrap()
    }
}
