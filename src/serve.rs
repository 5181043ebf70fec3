//! `standardiste serve`: answers calls on every configured line, one task
//! per line, until stopped. Lines share the engines; two calls at once
//! queue for the LLM and speech engines.

use std::time::Duration;

use tokio::sync::mpsc;

use crate::call::{run_call, CallSummary, CallUpdate, Engines};
use crate::line::any::AnyLine;
use crate::line::backoff::Backoff;
use crate::line::settings::LineSettings;
use crate::line::{AnswerOnRing, AnswerPolicy, LineDevice, LineError};

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
        let caller = line.wait_for_call(policy).await?;
        tracing::info!(line = %line.label(), %caller, "call answered");
        let result = run_call(line, engines, updates.clone()).await;
        // Ends the device's side whichever way the call ended; after the box
        // already hung up this does nothing.
        line.hang_up().await;
        match result {
            Ok(summary) => {
                tracing::info!(
                    line = %line.label(),
                    call_id = summary.call_id,
                    outcome = ?summary.outcome,
                    duration_ms = summary.duration_ms,
                    "call ended"
                );
                summaries.push(summary);
            }
            Err(error) => tracing::error!(line = %line.label(), %error, "call failed"),
        }
    }
    Ok(summaries)
}

/// Runs every configured line until Ctrl-C. A line whose device is missing
/// at start is retried with backoff; one that cannot carry voice is stopped
/// with its reason logged, and the others go on.
pub async fn serve(engines: Engines, lines: Vec<LineSettings>) -> Result<(), String> {
    if lines.is_empty() {
        return Err("no [[line]] in the settings file; add one per device (`standardiste lines` lists the serial ports)".into());
    }
    let mut tasks = tokio::task::JoinSet::new();
    for settings in lines {
        let engines = engines.clone();
        tasks.spawn(async move {
            let name = settings.name.clone();
            if let Err(error) = run_line(settings, engines).await {
                tracing::error!(line = %name, %error, "line stopped");
                eprintln!("error: {error}");
            }
        });
    }
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {
            tracing::info!("stopping on Ctrl-C");
            tasks.abort_all();
            Ok(())
        }
        _ = async { while tasks.join_next().await.is_some() {} } => {
            Err("every line has stopped; see the errors above".into())
        }
    }
}

async fn run_line(settings: LineSettings, engines: Engines) -> Result<(), LineError> {
    let mut backoff = Backoff::new();
    let mut line = loop {
        match AnyLine::open(&settings).await {
            Ok(line) => break line,
            Err(error @ LineError::NotVoiceCapable { .. }) => return Err(error),
            Err(error) => {
                let delay = backoff.next_delay().max(Duration::from_secs(1));
                tracing::warn!(line = %settings.name, %error, delay_ms = delay.as_millis() as u64, "cannot open the line; retrying");
                tokio::time::sleep(delay).await;
            }
        }
    };
    tracing::info!(line = %settings.name, answer_on_ring = settings.answer_on_ring, "line ready for calls");
    let policy = AnswerOnRing(settings.answer_on_ring);
    answer_calls(&mut line, &engines, &policy, None, None).await.map(|_| ())
}
