//! The web console inside the daemon: starting it beside the lines, and the
//! [`standardiste_web::Daemon`] side that gives it the lines' state, the
//! models, test calls and voices.

mod daemon;
pub mod settings;

use std::sync::Arc;

use tokio::sync::watch;

use crate::call::Engines;

pub use daemon::ConsoleDaemon;

/// Binds the console's ports and serves it until `stopping` turns true. A
/// port in use or an unusable folder is returned before anything runs.
pub async fn start(
    engines: &Engines,
    logs: Option<standardiste_web::LogBuffer>,
    stopping: watch::Receiver<bool>,
) -> Result<tokio::task::JoinHandle<()>, String> {
    let config = &engines.config;
    let (listen, redirect_listen) = config.console.addresses()?;
    let settings = standardiste_web::ConsoleSettings {
        listen,
        redirect_listen,
        state_dir: config.console.state_dir.clone(),
        database: config.database_path(),
        profile: config.profile.clone(),
        hostnames: config.console.hostnames.clone(),
        fixed_now: engines.clock,
    };
    let daemon: Arc<dyn standardiste_web::Daemon> = Arc::new(ConsoleDaemon::new(engines.clone()));
    // Making the certificate, reading the password file and queuing the
    // set-up code's text are file and database work, kept off the async workers.
    let prepared = settings.clone();
    let console = tokio::task::spawn_blocking(move || standardiste_web::Console::new(prepared, Some(daemon), logs))
        .await
        .map_err(|e| format!("the console's start-up task failed: {e}"))?
        .map_err(|e| e.to_string())?;
    let listeners = standardiste_web::Listeners::bind(&settings).await.map_err(|e| e.to_string())?;
    if let Ok(address) = listeners.https_address() {
        eprintln!("web console on https://{address}/ (certificate SHA-256 {})", console.certificate().fingerprint());
    }
    Ok(tokio::spawn(async move {
        if let Err(error) = standardiste_web::run(console, listeners, stopping).await {
            tracing::error!(%error, "the web console stopped");
        }
    }))
}
