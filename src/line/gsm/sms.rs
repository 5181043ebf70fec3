//! Sending SMS through the GSM module, in PDU mode so that one path covers
//! GSM-7 text, UCS-2 text (accented French needs it) and concatenated parts.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use standardiste_modem::client::{AtClient, AtError};
use standardiste_modem::sms::{encode_submit, SmsError};

use super::{GsmLine, COMMAND_TIMEOUT};
use crate::line::{mask_number, LineError};

/// Time allowed for AT+CMGS: the network can take tens of seconds to accept
/// a message, so this is an estimate with a wide margin.
const SUBMIT_TIMEOUT: Duration = Duration::from_secs(60);

/// Reference shared by the parts of one concatenated message; it only has to
/// differ between messages sent close together.
static NEXT_REFERENCE: AtomicU8 = AtomicU8::new(1);

/// Error of sending one SMS.
#[derive(Debug, thiserror::Error)]
pub enum SmsSendError {
    #[error("cannot encode the SMS: {0}")]
    Encode(#[from] SmsError),
    #[error(transparent)]
    Modem(#[from] AtError),
    #[error(transparent)]
    Line(#[from] LineError),
}

impl GsmLine {
    /// Sends `text` to `to` and returns the message reference the network
    /// gave each part. A `+CMS ERROR` comes back with its meaning.
    pub async fn send_sms(&mut self, to: &str, text: &str) -> Result<Vec<u32>, SmsSendError> {
        let client = self.client()?;
        submit(&client, self.label_for_logs(), to, text).await
    }
}

/// Sends SMS through a GSM line's module from any task. The AT client runs
/// one command at a time, so a text sent during a call waits between the
/// call's own commands. The module keeps the voice call up meanwhile.
#[derive(Clone)]
pub struct SmsSender {
    label: String,
    client: Arc<Mutex<Option<Arc<AtClient>>>>,
}

impl SmsSender {
    pub(super) fn new(label: String) -> SmsSender {
        SmsSender { label, client: Arc::new(Mutex::new(None)) }
    }

    pub(super) fn set_client(&self, client: Option<Arc<AtClient>>) {
        *self.client.lock().unwrap_or_else(PoisonError::into_inner) = client;
    }

    /// Returns the line's name, for logs.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Sends `text` to `to`; fails while the module is disconnected.
    pub async fn send(&self, to: &str, text: &str) -> Result<Vec<u32>, SmsSendError> {
        let client = self.client.lock().unwrap_or_else(PoisonError::into_inner).clone();
        let Some(client) = client else {
            return Err(SmsSendError::Line(LineError::Device {
                line: self.label.clone(),
                message: "the GSM module is not connected".to_string(),
            }));
        };
        submit(&client, &self.label, to, text).await
    }
}

async fn submit(client: &AtClient, label: &str, to: &str, text: &str) -> Result<Vec<u32>, SmsSendError> {
    let reference = NEXT_REFERENCE.fetch_add(1, Ordering::Relaxed);
    let parts = encode_submit(to, text, reference)?;
    client.command("AT+CMGF=0", COMMAND_TIMEOUT).await?;
    let mut references = Vec::with_capacity(parts.len());
    for part in &parts {
        let command = format!("AT+CMGS={}", part.tpdu_len);
        let lines = client.command_with_body(&command, part.hex.as_bytes(), SUBMIT_TIMEOUT).await?;
        references.push(message_reference(&lines));
    }
    tracing::info!(line = %label, to = %mask_number(to), parts = parts.len(), "SMS sent");
    Ok(references)
}

/// The number in `+CMGS: 44`, or 0 when the module gave none.
fn message_reference(lines: &[String]) -> u32 {
    lines
        .iter()
        .filter_map(|line| line.trim().strip_prefix("+CMGS:"))
        .find_map(|rest| rest.trim().parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_message_reference() {
        assert_eq!(message_reference(&["+CMGS: 44".to_string()]), 44);
        assert_eq!(message_reference(&["+CMGS:7".to_string()]), 7);
        assert_eq!(message_reference(&[]), 0);
        assert_eq!(message_reference(&["+CMGS: x".to_string()]), 0);
    }
}
