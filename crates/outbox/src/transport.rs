//! The interface between the outbox and the code that sends an item.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::delivery::{Channel, Delivery};

/// A boxed future that can move between threads.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Sends one item over one channel.
///
/// The outbox calls `deliver` from a tokio worker thread, one item at a time
/// per channel. An implementation must not block the thread (blocking I/O
/// goes through `spawn_blocking`) and must return within its own timeout,
/// because the items of its channel wait meanwhile.
///
/// The same item may be delivered more than once: when the box lost power or
/// crashed during an earlier attempt, the outbox cannot know whether that
/// attempt reached the receiver. An implementation passes
/// [`Delivery::idempotency_key`] to the receiver where the protocol allows,
/// so that the receiver can drop the copy. An SMS has no such field, so an
/// SMS transport cannot prevent a duplicate text in that case.
pub trait Transport: Send + Sync {
    /// Sends `item`. `Ok` means the receiver accepted it.
    fn deliver<'a>(&'a self, item: &'a Delivery) -> BoxFuture<'a, Result<(), DeliveryError>>;
}

/// Why a delivery attempt failed, and whether trying again can help.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryError {
    /// True when the receiver rejected this item for good, such as an SMTP
    /// 5xx reject of the recipient or a webhook 4xx other than 408 and 429.
    /// The item is then marked failed at once. False for everything that may
    /// pass later: no network, timeouts, TLS failures, 4xx SMTP replies,
    /// webhook 5xx, 408 and 429.
    pub permanent: bool,
    /// Description of the failure, for the console and the logs. It must not contain the
    /// body, a password, or a full phone number.
    pub message: String,
}

impl DeliveryError {
    /// Creates a failure that may pass on a later attempt.
    pub fn transient(message: impl Into<String>) -> Self {
        DeliveryError {
            permanent: false,
            message: message.into(),
        }
    }

    /// Creates a rejection that no retry will change.
    pub fn permanent(message: impl Into<String>) -> Self {
        DeliveryError {
            permanent: true,
            message: message.into(),
        }
    }
}

impl fmt::Display for DeliveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeliveryError {}

/// The transport of each channel. A channel without one keeps its items
/// pending until a transport is configured.
#[derive(Clone, Default)]
pub struct Transports {
    pub sms: Option<Arc<dyn Transport>>,
    pub email: Option<Arc<dyn Transport>>,
    pub webhook: Option<Arc<dyn Transport>>,
}

impl Transports {
    /// Returns the transport configured for `channel`.
    pub fn get(&self, channel: Channel) -> Option<&Arc<dyn Transport>> {
        match channel {
            Channel::Sms => self.sms.as_ref(),
            Channel::Email => self.email.as_ref(),
            Channel::Webhook => self.webhook.as_ref(),
        }
    }
}
