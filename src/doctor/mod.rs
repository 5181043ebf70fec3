//! `standardiste doctor`: checks what an installer needs working, one line
//! per check, each failure with what to do about it.

mod data;
mod devices;
mod host;

use std::fmt;

use crate::config::Config;

/// The outcome of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    /// Works, but something deserves a look.
    Warn,
    /// Calls or data are at risk until it is fixed.
    Fail,
}

/// The result of one check.
#[derive(Debug, Clone)]
pub struct Check {
    /// The checked part, such as `line gsm0` or `disk`.
    pub name: String,
    pub status: Status,
    /// The finding, with the values read.
    pub detail: String,
    /// The remedy, for a warning or a failure.
    pub fix: Option<String>,
}

impl Check {
    pub fn ok(name: impl Into<String>, detail: impl Into<String>) -> Check {
        Check { name: name.into(), status: Status::Ok, detail: detail.into(), fix: None }
    }

    pub fn warn(name: impl Into<String>, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check { name: name.into(), status: Status::Warn, detail: detail.into(), fix: Some(fix.into()) }
    }

    pub fn fail(name: impl Into<String>, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check { name: name.into(), status: Status::Fail, detail: detail.into(), fix: Some(fix.into()) }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mark = match self.status {
            Status::Ok => "ok  ",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
        };
        write!(f, "{mark}  {:<22} {}", self.name, self.detail)?;
        if let Some(fix) = &self.fix {
            write!(f, " -> {fix}")?;
        }
        Ok(())
    }
}

/// Runs every check against `config`, devices last because they take the longest.
pub async fn run_checks(config: &Config) -> Vec<Check> {
    let mut checks = Vec::new();
    checks.extend(data::models(config));
    checks.push(data::stt_worker(config));
    checks.extend(data::database(config));
    checks.push(host::disk(&config.data_dir));
    checks.push(host::memory());
    checks.push(host::clock());
    checks.push(host::network());
    checks.extend(devices::lines(&config.lines).await);
    checks
}

/// Prints every check and fails when any check failed.
pub async fn doctor(config: &Config) -> Result<(), String> {
    let checks = run_checks(config).await;
    for check in &checks {
        println!("{check}");
    }
    let failed = checks.iter().filter(|check| check.status == Status::Fail).count();
    let warned = checks.iter().filter(|check| check.status == Status::Warn).count();
    match failed {
        0 => {
            println!("{} checks, {warned} warning(s), no failure", checks.len());
            Ok(())
        }
        _ => Err(format!("{failed} of {} checks failed; see the FAIL lines above", checks.len())),
    }
}
