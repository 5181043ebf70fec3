//! The command line: `standardiste call`, `calls`, `models`, `serve`, `lines`,
//! `simulate-modem`, `doctor`, `logs`, `export`, `backup` and `restore`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use tokio::sync::mpsc;

use crate::call::{run_call, CallUpdate, Engines};
use crate::config::Config;
use crate::line::simulated::{CallerScript, SimulatedLine};
use crate::profile::BusinessProfile;
use crate::store::{Speaker, Store};

/// Settings file read when `--config` is not given and it exists.
const DEFAULT_CONFIG: &str = "config/standardiste.toml";

#[derive(Parser)]
#[command(name = "standardiste", version, about = "AI phone receptionist that runs on a small board")]
struct Cli {
    /// Settings file (TOML). Default: config/standardiste.toml if it exists, else built-in defaults.
    #[arg(long, global = true, env = "STANDARDISTE_CONFIG")]
    config: Option<PathBuf>,
    /// Log filter, e.g. `info` or `standardiste=debug`.
    #[arg(long, global = true, env = "STANDARDISTE_LOG", default_value = "warn,llama-cpp-2=error")]
    log: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a call on a simulated line whose caller plays recordings.
    Call(CallArgs),
    /// List stored calls, or show one with `calls show ID`.
    Calls {
        #[command(subcommand)]
        action: Option<CallsAction>,
        /// Number of calls to list.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Measure turn latency, engine speeds and memory on simulated calls; write a Markdown report.
    Bench {
        /// Path of the report file.
        #[arg(long, default_value = "bench/REPORT.md")]
        report: PathBuf,
        /// Number of simulated calls.
        #[arg(long, default_value_t = 7)]
        calls: usize,
        /// Questions per call.
        #[arg(long, default_value_t = 3)]
        questions: usize,
        /// Folder of the caller recordings.
        #[arg(long, default_value = "tests/fixtures")]
        fixtures: PathBuf,
        /// Minutes of the call through each simulated line device (0 skips the line drivers).
        #[arg(long, default_value_t = 10.0)]
        line_minutes: f64,
    },
    /// Talk to the receptionist by typing, to try the business profile.
    Chat(crate::cli_chat::ChatArgs),
    /// List the appointment book, or export it as an iCalendar feed with `--ical FILE`.
    Bookings(crate::cli_bookings::BookingsArgs),
    /// Answer calls on the lines of the settings file until Ctrl-C or SIGTERM.
    Serve,
    /// List the serial ports with their USB ids and what each likely is.
    Lines,
    /// Play a GSM module or voice modem on a pseudo-terminal and answer its call.
    SimulateModem(crate::cli_lines::SimulateArgs),
    /// Check devices, SIM and signal, models, disk, clock, network and the outbox; one line per check.
    Doctor,
    /// Export calls, transcripts, bookings and messages as CSV, JSON and iCalendar files.
    Export(crate::cli_data::ExportArgs),
    /// Write the call database, recordings, settings, profile and console state to one .tar.gz archive.
    Backup(crate::cli_data::BackupArgs),
    /// Restore an archive made by `standardiste backup`; stop the daemon first.
    Restore(crate::cli_data::RestoreArgs),
    /// Show one call's entries from the systemd journal, from its first ring to its recap.
    Logs(crate::cli_logs::LogsArgs),
    /// Fetch or check the model files.
    Models {
        #[command(subcommand)]
        action: crate::cli_models::ModelsAction,
    },
}

#[derive(clap::Args)]
struct CallArgs {
    /// Recording of what the caller says (8 or 16 kHz, mono or stereo, 16-bit WAV).
    /// Repeat for several utterances; each is played after the box's reply.
    #[arg(long = "caller", required = true)]
    callers: Vec<PathBuf>,
    /// Caller ID to present.
    #[arg(long)]
    caller_number: Option<String>,
    /// Business profile (TOML) instead of the one in the settings.
    #[arg(long)]
    profile: Option<PathBuf>,
    /// Talk over the box: start utterance N (from 1) this many ms after the box starts speaking, as `N:MS`.
    #[arg(long, value_parser = parse_barge_in)]
    barge_in: Option<(usize, u64)>,
}

#[derive(Subcommand)]
enum CallsAction {
    /// Print one call's transcript.
    Show { id: i64 },
}

fn parse_barge_in(text: &str) -> Result<(usize, u64), String> {
    let invalid = || format!("invalid --barge-in `{text}`; expected N:MS, for example 2:1500");
    let (index, delay) = text.split_once(':').ok_or_else(invalid)?;
    let index: usize = index.parse().map_err(|_| invalid())?;
    let delay: u64 = delay.parse().map_err(|_| invalid())?;
    if index == 0 {
        return Err(invalid());
    }
    Ok((index - 1, delay))
}

/// Parses the command line and runs the command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let logs = init_logging(&cli.log);
    match run(cli, logs) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Logs to standard error, and keeps the recent events for the web console.
fn init_logging(filter: &str) -> standardiste_web::LogBuffer {
    if std::env::var_os("RUST_LOG").is_none() {
        // The STT worker reads RUST_LOG; with this it logs at the daemon's level.
        // SAFETY: called from `main` before any other thread starts.
        unsafe { std::env::set_var("RUST_LOG", filter) };
    }
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::Layer;
    let logs = standardiste_web::LogBuffer::default();
    // Under systemd, events go to the journal with their fields, so that
    // `journalctl CALL_ID=42` and `standardiste logs --call 42` find a call.
    let journald = crate::service::journal::stderr_is_journal()
        .then(|| tracing_journald::layer().ok())
        .flatten()
        .map(|layer| layer.with_field_prefix(None).with_syslog_identifier("standardiste".to_string()));
    let (journal, terminal) = match journald {
        Some(layer) => (Some(layer.with_filter(filter)), None),
        None => (None, Some(tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_filter(filter))),
    };
    tracing_subscriber::registry()
        .with(journal)
        .with(terminal)
        .with(logs.clone().with_filter(tracing_subscriber::filter::LevelFilter::INFO))
        .init();
    logs
}

fn load_config(path: Option<&Path>) -> Result<Config, String> {
    match path {
        Some(path) => Config::load(path).map_err(|e| e.to_string()),
        None if Path::new(DEFAULT_CONFIG).is_file() => Config::load(Path::new(DEFAULT_CONFIG)).map_err(|e| e.to_string()),
        None => {
            let mut config = Config::default();
            let cwd = std::env::current_dir()
                .and_then(|dir| dir.canonicalize())
                .map_err(|e| format!("cannot resolve the current folder: {e}"))?;
            config.resolve_paths(&cwd);
            Ok(config)
        }
    }
}

fn run(cli: Cli, logs: standardiste_web::LogBuffer) -> Result<(), String> {
    let config = load_config(cli.config.as_deref())?;
    let settings_file = cli.config.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG));
    match cli.command {
        Command::Call(args) => {
            let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
            runtime.block_on(simulated_call(config, args))
        }
        Command::Calls { action: None, limit } => list_calls(&config, limit),
        Command::Calls { action: Some(CallsAction::Show { id }), .. } => show_call(&config, id),
        Command::Models { action } => crate::cli_models::run(&config, action),
        Command::Lines => crate::cli_lines::list_lines(),
        Command::Logs(args) => crate::cli_logs::logs(&config, &args),
        Command::Export(args) => crate::cli_data::export(&config, &args),
        Command::Backup(args) => crate::cli_data::backup(&config, &settings_file, &args),
        Command::Restore(args) => crate::cli_data::restore(&config, &settings_file, &args),
        Command::Doctor => {
            let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
            runtime.block_on(crate::doctor::doctor(&config))
        }
        Command::Bookings(args) => crate::cli_bookings::run(&config, &args),
        Command::Chat(args) => {
            let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
            runtime.block_on(crate::cli_chat::chat(config, args))
        }
        Command::Serve => {
            let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
            runtime.block_on(crate::cli_lines::serve(config, logs))
        }
        Command::SimulateModem(args) => {
            let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
            runtime.block_on(crate::cli_lines::simulate_modem(config, args, print_update))
        }
        Command::Bench { report, calls, questions, fixtures, line_minutes } => {
            if !(0.0..=600.0).contains(&line_minutes) {
                return Err(format!("--line-minutes {line_minutes} is out of range; use 0 to 600"));
            }
            let options = crate::bench::BenchOptions {
                report,
                fixtures,
                calls,
                questions_per_call: questions,
                line_duration: Duration::from_secs_f64(line_minutes * 60.0),
                scratch: config.data_dir.join("bench-lines"),
                scenarios: PathBuf::from("tests/scenarios"),
                command: std::env::args().collect::<Vec<_>>().join(" "),
            };
            let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
            runtime.block_on(async {
                let profile = BusinessProfile::load(&config.profile).map_err(|e| e.to_string())?;
                let engines = Engines::load(config, profile).await.map_err(|e| e.to_string())?;
                let report = crate::bench::run(&engines, &options).await?;
                println!("{report}");
                eprintln!("report written to {}", options.report.display());
                Ok(())
            })
        }
    }
}

async fn simulated_call(mut config: Config, args: CallArgs) -> Result<(), String> {
    let mut utterances = Vec::new();
    for path in &args.callers {
        utterances.push(crate::audio::wav::read_caller_recording(path).map_err(|e| e.to_string())?);
    }
    if let Some(profile) = &args.profile {
        config.profile = profile.clone();
    }
    let profile = BusinessProfile::load(&config.profile).map_err(|e| e.to_string())?;
    eprintln!("loading models from {} ...", config.models_dir.display());
    let engines = Engines::load(config, profile).await.map_err(|e| e.to_string())?;

    let mut script = CallerScript::new(utterances);
    script.caller_number = args.caller_number;
    script.barge_in = args.barge_in.map(|(index, ms)| (index, Duration::from_millis(ms)));
    let mut line = SimulatedLine::start("sim0", script);

    let (updates, mut receiver) = mpsc::channel(crate::call::UPDATE_QUEUE);
    let printer = tokio::spawn(async move {
        while let Some(update) = receiver.recv().await {
            print_update(&update);
        }
    });
    let summary = run_call(&mut line, &engines, Some(updates)).await.map_err(|e| e.to_string())?;
    let _ = printer.await;
    println!(
        "call {} ended: {}, {:.1} s, recording {}",
        summary.call_id,
        summary.outcome.as_str(),
        summary.duration_ms as f64 / 1_000.0,
        summary.recording.display()
    );
    Ok(())
}

fn clock(ms: u64) -> String {
    format!("{:02}:{:02}.{:03}", ms / 60_000, (ms / 1_000) % 60, ms % 1_000)
}

fn print_update(update: &CallUpdate) {
    match update {
        CallUpdate::Started { call_id, line } => println!("call {call_id} answered on {line}"),
        CallUpdate::Said { at_ms, speaker, text, detail } => {
            let who = match speaker {
                Speaker::Caller => "caller",
                Speaker::Assistant => "box   ",
            };
            if detail.is_empty() {
                println!("[{}] {who}: {text}", clock(*at_ms));
            } else {
                println!("[{}] {who}: {text}   ({detail})", clock(*at_ms));
            }
        }
        CallUpdate::Note { at_ms, text } => println!("[{}] -- {text}", clock(*at_ms)),
        CallUpdate::Ended { .. } => {}
    }
}

fn list_calls(config: &Config, limit: usize) -> Result<(), String> {
    if !config.database_path().is_file() {
        println!("no calls yet in {}", config.database_path().display());
        return Ok(());
    }
    let store = Store::open_read_only(&config.database_path()).map_err(|e| e.to_string())?;
    let calls = store.list_calls(limit).map_err(|e| e.to_string())?;
    if calls.is_empty() {
        println!("no calls yet in {}", config.database_path().display());
        return Ok(());
    }
    println!("{:>5}  {:<20}  {:<6}  {:<16}  {:>8}  {:<8}  {:>5}  outcome", "id", "started", "line", "caller", "duration", "language", "turns");
    for call in calls {
        println!(
            "{:>5}  {:<20}  {:<6}  {:<16}  {:>8}  {:<8}  {:>5}  {}",
            call.id,
            call.started_at,
            call.line,
            call.caller_number.as_deref().unwrap_or("-"),
            call.duration_ms.map_or("-".to_string(), |ms| format!("{:.1} s", ms as f64 / 1_000.0)),
            call.language.as_deref().unwrap_or("-"),
            call.turn_count,
            call.outcome
        );
    }
    Ok(())
}

fn show_call(config: &Config, id: i64) -> Result<(), String> {
    if !config.database_path().is_file() {
        return Err(format!("call {id} not found: there are no calls yet in {}", config.database_path().display()));
    }
    let store = Store::open_read_only(&config.database_path()).map_err(|e| e.to_string())?;
    let call = store.call(id).map_err(|e| e.to_string())?;
    println!("call {} on {}, started {}", call.id, call.line, call.started_at);
    println!("caller: {}", call.caller_number.as_deref().unwrap_or("withheld or unknown"));
    println!(
        "outcome: {}, duration {}, language {}",
        call.outcome,
        call.duration_ms.map_or("-".to_string(), |ms| format!("{:.1} s", ms as f64 / 1_000.0)),
        call.language.as_deref().unwrap_or("-")
    );
    if let Some(path) = &call.recording_path {
        println!("recording: {path}");
    }
    println!();
    for turn in store.turns(id).map_err(|e| e.to_string())? {
        let who = if turn.speaker == "caller" { "caller" } else { "box   " };
        let mut detail = Vec::new();
        if let Some(latency) = turn.latency_ms {
            detail.push(format!("reply after {latency} ms"));
        }
        if let Some(confidence) = turn.stt_confidence {
            detail.push(format!("confidence {confidence:.2}"));
        }
        if turn.interrupted {
            detail.push("interrupted".to_string());
        }
        let detail = if detail.is_empty() { String::new() } else { format!("   ({})", detail.join(", ")) };
        println!("[{}] {who}: {}{detail}", clock(turn.start_ms.max(0) as u64), turn.text);
    }
    Ok(())
}
