//! Running as a systemd service: start-up and stop notifications, the
//! watchdog that restarts the daemon when a call loop stalls, and the journal.

pub mod journal;
pub mod notify;
pub mod watchdog;

pub use notify::{NotifySocket, Notifier};
