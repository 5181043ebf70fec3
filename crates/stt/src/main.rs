//! Speech-to-text worker: serves a whisper.cpp model over the Wyoming protocol.
//!
//! It runs in its own process because whisper-rs and llama-cpp-2 each link their own static
//! ggml, and the two cannot share a binary. The daemon starts it, waits for the `READY <uri>`
//! line on stdout, and connects with `wyoming::SttClient`.

mod engine;
mod guard;
mod language;
mod pool;
mod server;
mod session;

use std::io::IsTerminal;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use tracing::{error, info};
use wyoming::{AsrModel, AsrProgram, Attribution, Info, ServerUri};

use crate::engine::Recognizer;
use crate::language::{Candidates, Language};
use crate::pool::StatePool;
use crate::session::Shared;

#[derive(Parser, Debug)]
#[command(name = "standardiste-stt", version, about)]
struct Args {
    /// whisper.cpp model file (ggml format), such as models/ggml-base-q5_1.bin
    #[arg(long)]
    model: PathBuf,

    /// Address to listen on: unix:///PATH or tcp://HOST:PORT, where port 0 picks a free port
    #[arg(long)]
    uri: ServerUri,

    /// CPU threads per transcription [default: the number of available cores]
    #[arg(long)]
    threads: Option<NonZeroUsize>,

    /// Language when a request sets none: "auto" to detect it, or a code such as "en" or "fr"
    #[arg(long, default_value = "auto", value_parser = Language::parse)]
    language: Language,

    /// Languages that detection may choose from, such as "en,fr", or "all". Detection on a
    /// word or two often picks an unrelated language, so listing the expected ones helps.
    #[arg(long, default_value = "all", value_parser = Candidates::parse)]
    detect_languages: Candidates,

    /// Max transcriptions run at once; further requests wait
    #[arg(long, default_value = "1")]
    max_concurrent: NonZeroUsize,
    /// Shut down when standard input reaches end of file. A supervisor that
    /// keeps a pipe to the worker's stdin gets the worker stopped with it,
    /// even when the supervisor is killed with SIGKILL.
    #[arg(long)]
    exit_on_stdin_eof: bool,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();

    // whisper.cpp logs every request to stderr by default, and logs an unknown language while
    // --language is parsed. This discards its logs, and this worker reports errors itself.
    whisper_rs::install_logging_hooks();

    let args = Args::parse();
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            error!("{error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> anyhow::Result<()> {
    let threads = match args.threads {
        Some(threads) => threads.get(),
        None => std::thread::available_parallelism().map_or(1, NonZeroUsize::get),
    };

    let recognizer = Arc::new(Recognizer::load(
        &args.model,
        threads,
        args.detect_languages.clone(),
    )?);
    let pool = StatePool::new(Arc::clone(&recognizer), args.max_concurrent.get())?;
    info!(
        model = %args.model.display(),
        threads,
        max_concurrent = args.max_concurrent.get(),
        language = args.language.code(),
        "model loaded"
    );

    let shared = Arc::new(Shared {
        info: describe(&args, &recognizer),
        recognizer,
        pool,
        default_language: args.language,
    });

    let runtime = tokio::runtime::Runtime::new().context("failed to start the tokio runtime")?;
    runtime.block_on(async {
        // The handlers are installed before READY is printed, so that a supervisor that
        // stops the worker right after READY still gets the socket file removed.
        let signal = shutdown_signal()?;
        let exit_on_eof = args.exit_on_stdin_eof;
        let shutdown = async move {
            tokio::select! {
                () = signal => {}
                () = stdin_closed(), if exit_on_eof => info!("standard input closed; shutting down"),
            }
        };
        server::run(&args.uri, shared, shutdown).await
    })
}

/// Builds the `info` response: one speech-to-text program with the loaded model.
fn describe(args: &Args, recognizer: &Recognizer) -> Info {
    let model_name = args
        .model
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_else(|| "whisper".to_owned());
    Info {
        asr: vec![AsrProgram {
            name: "standardiste-stt".to_owned(),
            description: Some("whisper.cpp speech-to-text".to_owned()),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            attribution: Attribution {
                name: "ggml-org".to_owned(),
                url: "https://github.com/ggml-org/whisper.cpp".to_owned(),
            },
            installed: true,
            models: vec![AsrModel {
                name: model_name,
                description: Some(format!("Whisper {}", recognizer.model_type())),
                version: None,
                attribution: Attribution {
                    name: "OpenAI".to_owned(),
                    url: "https://github.com/openai/whisper".to_owned(),
                },
                installed: true,
                languages: recognizer.languages(),
            }],
            supports_transcript_streaming: false,
            requires_external_vad: true,
        }],
    }
}

/// Installs SIGINT and SIGTERM handlers and returns a future that completes on either.
/// Completes when standard input reaches end of file (or fails).
async fn stdin_closed() {
    use tokio::io::AsyncReadExt;
    let mut stdin = tokio::io::stdin();
    let mut buffer = [0u8; 64];
    while let Ok(read) = stdin.read(&mut buffer).await {
        if read == 0 {
            break;
        }
    }
}

fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};

    let mut interrupt =
        signal(SignalKind::interrupt()).context("failed to install the SIGINT handler")?;
    let mut terminate =
        signal(SignalKind::terminate()).context("failed to install the SIGTERM handler")?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => info!("received SIGINT"),
            _ = terminate.recv() => info!("received SIGTERM"),
        }
    })
}
