//! `standardiste serve`: answers calls on every configured line, one task
//! per line, until stopped. Lines share the engines; two calls at once
//! queue for the LLM and speech engines.

use std::sync::Arc;
use std::time::Duration;

use standardiste_outbox::{Outbox, RetryPolicy};

use tokio::sync::mpsc;
use tracing::Instrument;

use crate::call::{run_call, CallSummary, CallUpdate, Engines};
use crate::line::any::AnyLine;
use crate::line::backoff::Backoff;
use crate::line::board::LineState;
use crate::line::settings::LineSettings;
use crate::answering::ProfilePolicy;
use crate::line::{AnswerPolicy, Line, LineDevice, LineError};
use crate::recap::sms::SmsModules;

/// Answers calls on `line` until `max_calls` have ended (forever with `None`)
/// or the device fails for good. Returns each call's summary.
pub async fn answer_calls<L: LineDevice>(
    line: &mut L,
    engines: &Engines,
    policy: &dyn AnswerPolicy,
    max_calls: Option<usize>,
    updates: Option<mpsc::Sender<CallUpdate>>,
) -> Result<Vec<CallSummary>, LineError> {
    let mut summaries = Vec::new();
    while max_calls.is_none_or(|max| summaries.len() < max) {
        let caller = tokio::select! {
            caller = line.wait_for_call(policy) => caller?,
            () = engines.stopped() => break,
        };
        tracing::info!(line = %line.label(), %caller, "call answered");
        engines.lines.set(line.label(), LineState::InCall);
        // Every event of the call carries its line, and its id once the
        // store has given one, as journal fields.
        let span = tracing::info_span!("call", line = %line.label(), call_id = tracing::field::Empty);
        let result = run_call(line, engines, updates.clone()).instrument(span).await;
        engines.lines.set(line.label(), LineState::Ready);
        // Ends the device's side whichever way the call ended; after the box
        // already hung up this does nothing.
        line.hang_up().await;
        match result {
            // The session logged the call's end.
            Ok(summary) => summaries.push(summary),
            Err(error) => tracing::error!(line = %line.label(), %error, "call failed"),
        }
    }
    Ok(summaries)
}

/// Runs every configured line, and the web console, until Ctrl-C or SIGTERM,
/// then hangs up any call in progress. A line whose device is missing at
/// start is retried with backoff. A line that cannot carry voice stops with
/// its reason logged, and the others go on. Without lines, only the console
/// runs, so that a new box can be set up from it.
pub async fn serve(
    mut engines: Engines,
    lines: Vec<LineSettings>,
    logs: Option<standardiste_web::LogBuffer>,
) -> Result<(), String> {
    let console_enabled = engines.config.console.enabled;
    if lines.is_empty() && !console_enabled {
        return Err("no [[line]] in the settings file and the console is off; add one [[line]] per device (`standardiste lines` lists the serial ports)".into());
    }
    if lines.is_empty() {
        tracing::warn!("no [[line]] in the settings file: no call will be answered until one is added; the web console runs");
    }
    let (stop, stopping) = tokio::sync::watch::channel(false);
    engines.stopping = Some(stopping.clone());
    let mut tasks = tokio::task::JoinSet::new();
    for settings in &lines {
        engines.lines.add(&settings.name, settings.kind.name());
    }

    // Recaps and alerts leave through the outbox: texts through the GSM lines
    // as they open, e-mail and webhooks as configured.
    let sms = SmsModules::default();
    let transports = engines.config.delivery.transports(Some(sms.clone()))?;
    let outbox = Outbox::new(engines.config.database_path(), transports, RetryPolicy::default())
        .await
        .map_err(|e| format!("cannot open the outbox: {e}"))?;
    let outbox = Arc::new(outbox);
    engines.outbox = Some(outbox.clone());
    let outbox_stopping = stopping.clone();
    let outbox_task = tokio::spawn(async move { outbox.run(outbox_stopping).await });
    // Calls that the last run left without a recap (a power cut mid-call, or
    // between a call's end and its recap) get theirs before new calls come in.
    crate::recap::recover_recaps(&engines).await;
    let housekeeping = tokio::spawn(crate::retention::keep_tidy(engines.clone(), stopping.clone()));
    let console = if console_enabled {
        Some(crate::web::start(&engines, logs, stopping.clone()).await?)
    } else {
        None
    };

    let notifier = crate::service::Notifier::from_env();
    let watchdog = tokio::spawn(crate::service::watchdog::feed(
        notifier.clone(),
        engines.lines.clone(),
        stopping.clone(),
    ));

    for settings in lines.clone() {
        let engines = engines.clone();
        let stopping = stopping.clone();
        let sms = sms.clone();
        tasks.spawn(async move {
            let name = settings.name.clone();
            if let Err(error) = run_line(settings, engines, sms, stopping).await {
                tracing::error!(line = %name, %error, "line stopped");
                eprintln!("error: {error}");
            }
        });
    }
    notifier.ready(&format!("answering on {} line(s); console {}", lines.len(), if console_enabled { "on" } else { "off" }));
    tracing::info!(lines = lines.len(), "ready");
    tokio::select! {
        signal = stop_signal() => {
            tracing::info!(signal, "stopping");
            notifier.stopping();
            let _ = stop.send(true);
            watchdog.abort();
            // Each line hangs up its call; a device that does not respond is left behind.
            let drained = tokio::time::timeout(SHUTDOWN_LIMIT, async { while tasks.join_next().await.is_some() {} }).await;
            if drained.is_err() {
                tracing::warn!("some lines did not stop in time");
            }
            // The outbox finishes the attempt in progress; what is left is sent on the next start.
            let _ = tokio::time::timeout(SHUTDOWN_LIMIT, outbox_task).await;
            housekeeping.abort();
            if let Some(console) = console {
                let _ = tokio::time::timeout(SHUTDOWN_LIMIT, console).await;
            }
            Ok(())
        }
        _ = async {
            while tasks.join_next().await.is_some() {}
            if lines.is_empty() {
                // Only the console runs; it stops with the signal above.
                std::future::pending::<()>().await;
            }
        } => {
            Err("every line has stopped; see the errors above".into())
        }
    }
}

/// Waits for Ctrl-C or SIGTERM (what systemd sends) and returns its name.
async fn stop_signal() -> &'static str {
    let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(terminate) => terminate,
        Err(error) => {
            tracing::warn!(%error, "cannot watch for SIGTERM; only Ctrl-C stops the lines cleanly");
            let _ = tokio::signal::ctrl_c().await;
            return "SIGINT";
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => "SIGINT",
        _ = terminate.recv() => "SIGTERM",
    }
}

/// Time the lines get to hang up their calls on shutdown.
const SHUTDOWN_LIMIT: Duration = Duration::from_secs(10);

async fn run_line(
    settings: LineSettings,
    engines: Engines,
    sms: SmsModules,
    mut stopping: tokio::sync::watch::Receiver<bool>,
) -> Result<(), LineError> {
    let mut backoff = Backoff::new();
    let mut line = loop {
        match AnyLine::open(&settings).await {
            Ok(line) => break line,
            Err(error @ LineError::NotVoiceCapable { .. }) => {
                engines.lines.fail(&settings.name, LineState::Stopped, &error.to_string());
                return Err(error);
            }
            Err(error) => {
                engines.lines.fail(&settings.name, LineState::Opening, &error.to_string());
                let delay = backoff.next_delay().max(Duration::from_secs(1));
                tracing::warn!(line = %settings.name, %error, delay_ms = delay.as_millis() as u64, "cannot open the line; retrying");
                tokio::select! {
                    _ = tokio::time::sleep(delay) => {}
                    _ = stopping.changed() => return Ok(()),
                }
            }
        }
    };
    if let Some(sender) = line.sms_sender() {
        sms.add(sender);
        engines.wake_outbox();
    }
    tracing::info!(line = %settings.name, answer_on_ring = settings.answer_on_ring(), "line ready for calls");
    engines.lines.set(&settings.name, LineState::Ready);
    let policy = ProfilePolicy::new(engines.clone(), settings.answer_on_ring());
    // A call in progress ends, and is stored, when the daemon stops.
    let result = answer_calls(&mut line, &engines, &policy, None, None).await.map(|_| ());
    line.hang_up().await;
    match &result {
        Ok(()) => engines.lines.set(&settings.name, LineState::Stopped),
        Err(error) => engines.lines.fail(&settings.name, LineState::Stopped, &error.to_string()),
    }
    result
}
