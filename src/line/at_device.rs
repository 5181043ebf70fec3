//! Steps that every AT-driven line device takes when it (re)connects.

use std::time::Duration;

use standardiste_modem::client::{AtClient, AtError};

use super::LineError;

/// Sends `AT` until the device returns OK, skipping whatever garbage a
/// half-finished previous session left in its buffers.
pub async fn wake(client: &AtClient) -> Result<(), AtError> {
    let mut last_error = None;
    for _ in 0..5 {
        match client.command("AT", Duration::from_secs(1)).await {
            Ok(_) => return Ok(()),
            Err(error @ AtError::Closed { .. }) => return Err(error),
            Err(error) => last_error = Some(error),
        }
    }
    Err(last_error.unwrap_or(AtError::Closed { port: client.port().to_string() }))
}

/// Returns an identification command's lines. An error that means the device
/// is gone fails, while a rejected command counts as no information.
pub async fn identity_lines(client: &AtClient, command: &str, label: &str, timeout: Duration) -> Result<Vec<String>, LineError> {
    match client.command(command, timeout).await {
        Ok(lines) => Ok(lines),
        Err(error) if error.is_device_lost() => Err(LineError::Device { line: label.to_string(), message: error.to_string() }),
        Err(_) => Ok(Vec::new()),
    }
}
