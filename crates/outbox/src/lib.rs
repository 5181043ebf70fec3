//! A durable outbox for call recaps: items wait in the SQLite table `outbox`
//! until their transport (SMS through the GSM modem, email over SMTP, or a
//! JSON webhook) accepts them. The box is often offline, so failed attempts
//! are retried with exponential backoff, and an item survives restarts and
//! power cuts from the moment its enqueue commits.
//!
//! # Lifecycle
//!
//! ```text
//! enqueue -> pending -> sending -> sent
//!                ^         |
//!                +---------+-----> failed  (permanent reject, or out of attempts)
//!               transient error,         |
//!               later next_attempt_at    +-> pending  (retry_failed: the owner's "retry")
//! ```
//!
//! # Delivery contract: at least once, with a key
//!
//! Before calling the transport, the outbox commits the item as `sending`
//! and counts the attempt. If the box loses power or crashes during the
//! send, it cannot know whether the receiver got the item, so on the next
//! start [`Outbox::new`] puts every `sending` item back to pending and it is
//! sent again. An item is therefore delivered at least once, and twice at
//! worst after a crash. Every copy carries the same idempotency key, for the
//! receiver to drop the second one:
//!
//! - the webhook sends it in the `Idempotency-Key` header and in the
//!   `idempotency_key` field of the JSON body;
//! - the email carries a `Message-ID` derived from it ([`smtp::message_id`]),
//!   which mail clients and servers use to drop duplicates;
//! - an SMS has no such field: a text cut by a power cut may arrive twice.
//!
//! Enqueuing the same key twice stores one item ([`enqueue`] returns false),
//! so a caller that retries its own transaction does not duplicate a recap.
//!
//! # Recipients
//!
//! An item's `recipient` is a phone number (SMS), an email address (email),
//! or for the webhook channel the URL that receives the POST, as
//! [`WebhookRoutes`] reads it. [`WebhookTransport`] posts to its one
//! configured URL instead and only copies the recipient into the JSON
//! envelope, so there the recipient may be a free label such as "crm".
//!
//! # Usage
//!
//! The project's store applies [`MIGRATIONS`] and enqueues in its own
//! transactions with [`enqueue`], then calls [`Outbox::wake`]. One task runs
//! [`Outbox::run`]. Every SQLite call of the outbox runs in `spawn_blocking`.
//! Logs never contain a body, a password or a full phone number.

mod delivery;
mod error;
mod outbox;
mod queue;
mod redact;
mod retry;
mod schema;
pub mod smtp;
mod status;
mod tls;
mod transport;
pub mod webhook;
mod webhook_routes;

pub use delivery::{Channel, Delivery, NewDelivery, MAX_BODY_BYTES, MAX_KEY_BYTES};
pub use error::{OutboxError, SettingsError};
pub use outbox::{Outbox, RunReport};
pub use queue::{enqueue, purge_sent, retry_failed};
pub use redact::{mask_digits, mask_recipient, redact_url};
pub use retry::RetryPolicy;
pub use schema::{configure_connection, BUSY_TIMEOUT, MIGRATIONS};
pub use smtp::{SmtpSecurity, SmtpSettings, SmtpTransport};
pub use status::{status, OutboxStatus};
pub use transport::{BoxFuture, DeliveryError, Transport, Transports};
pub use webhook::{WebhookSettings, WebhookTransport};
pub use webhook_routes::{WebhookRoutes, WebhookRoutesSettings};
