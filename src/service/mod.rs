//! Running as a systemd service: start-up and stop notifications, and the
//! watchdog that restarts the daemon when a call loop stalls.

pub mod notify;
pub mod watchdog;

pub use notify::{NotifySocket, Notifier};
