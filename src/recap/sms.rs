//! The outbox's SMS channel: texts go out through the GSM module of a line.
//!
//! Lines register their module when they open; a text goes through the first
//! one whose module is connected. With no GSM line, or with every module
//! disconnected, the attempt fails as transient and the outbox tries again
//! later, so a recap waits in the database until a module is back.

use std::sync::{Arc, Mutex, PoisonError};

use standardiste_outbox::{BoxFuture, Delivery, DeliveryError, Transport};

use crate::line::gsm::{SmsSendError, SmsSender};
use crate::line::mask_number;

/// GSM modules that can send texts; shared by the lines and the outbox.
#[derive(Clone, Default)]
pub struct SmsModules {
    senders: Arc<Mutex<Vec<SmsSender>>>,
}

impl SmsModules {
    /// Adds a line's module; the first added is tried first.
    pub fn add(&self, sender: SmsSender) {
        self.lock().push(sender);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<SmsSender>> {
        self.senders.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Transport for SmsModules {
    fn deliver<'a>(&'a self, item: &'a Delivery) -> BoxFuture<'a, Result<(), DeliveryError>> {
        Box::pin(async move {
            let senders = self.lock().clone();
            if senders.is_empty() {
                return Err(DeliveryError::transient("no GSM line is configured to send texts"));
            }
            let mut errors = Vec::new();
            for sender in senders {
                match sender.send(&item.recipient, &item.body).await {
                    Ok(_) => return Ok(()),
                    // The text itself cannot be encoded: no module will do better.
                    Err(SmsSendError::Encode(error)) => {
                        return Err(DeliveryError::permanent(format!(
                            "text to {} cannot be encoded: {error}",
                            mask_number(&item.recipient)
                        )))
                    }
                    Err(error) => errors.push(format!("{}: {error}", sender.label())),
                }
            }
            Err(DeliveryError::transient(format!(
                "text to {} not sent: {}",
                mask_number(&item.recipient),
                errors.join("; ")
            )))
        })
    }
}
