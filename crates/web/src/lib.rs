//! The box's web console: what the business owner opens in a browser on the
//! office network to set the box up and watch it.
//!
//! It is served over HTTPS with a certificate made on first start (its
//! SHA-256 fingerprint is logged and shown on the sign-in page), and plain
//! HTTP only redirects. There is no default password: until an admin password
//! exists, the console asks for a one-time set-up code that the daemon prints
//! to its log and can text to the installer.
//!
//! Pages read the call database directly. What only the running daemon knows
//! (its lines, its models, a test call, a voice to play a greeting with)
//! comes through the [`Daemon`] trait.

mod assets;
mod auth;
mod daemon;
mod error;
mod guard;
mod live;
mod logs;
mod pages;
mod router;
mod server;
mod tls;

use std::net::SocketAddr;
use std::path::PathBuf;

pub use daemon::{BoxFuture, Daemon, LineStatus, ModelStatus, TestCallEvent};
pub use error::ConsoleError;
pub use logs::LogBuffer;
pub use server::{run, Console, Listeners};
pub use tls::Certificate;

/// Addresses the console listens on and files it works on.
#[derive(Debug, Clone)]
pub struct ConsoleSettings {
    /// HTTPS address, such as `0.0.0.0:8443`.
    pub listen: SocketAddr,
    /// Plain HTTP address that redirects to HTTPS; `None` listens on none.
    pub redirect_listen: Option<SocketAddr>,
    /// Folder of the console's own files: its certificate and key, the admin
    /// password hash and the calendar feed token.
    pub state_dir: PathBuf,
    /// The call database (calls, bookings, outbox).
    pub database: PathBuf,
    /// The business profile file that the settings pages edit.
    pub profile: PathBuf,
    /// Names the certificate is valid for besides `localhost`, the host name
    /// and the board's addresses (such as `reception.example.lan`).
    pub hostnames: Vec<String>,
    /// A fixed "now" for the pages (`YYYY-MM-DD HH:MM`, the business's local
    /// time), for tests; `None` is the clock.
    pub fixed_now: Option<time::PrimitiveDateTime>,
}
