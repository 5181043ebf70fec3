//! The systemd notification protocol (`sd_notify`): datagrams of
//! `KEY=VALUE` lines sent to the socket named by `$NOTIFY_SOCKET`.
//!
//! A unit with `Type=notify` is "started" only once `READY=1` arrives, and
//! one with `WatchdogSec=` is killed and restarted when `WATCHDOG=1` stops
//! arriving. Outside systemd the variable is unset and every call does nothing.

use std::io;
use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::path::PathBuf;
use std::time::Duration;

/// The address of systemd's notification socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotifySocket {
    Path(PathBuf),
    /// A Linux abstract socket, written `@name` in `$NOTIFY_SOCKET`.
    Abstract(Vec<u8>),
}

impl NotifySocket {
    /// Parses the value of `$NOTIFY_SOCKET`; `None` for an empty or relative value.
    pub fn parse(value: &str) -> Option<NotifySocket> {
        if let Some(name) = value.strip_prefix('@') {
            return (!name.is_empty()).then(|| NotifySocket::Abstract(name.as_bytes().to_vec()));
        }
        value.starts_with('/').then(|| NotifySocket::Path(PathBuf::from(value)))
    }

    fn address(&self) -> io::Result<SocketAddr> {
        match self {
            NotifySocket::Path(path) => SocketAddr::from_pathname(path),
            NotifySocket::Abstract(name) => {
                use std::os::linux::net::SocketAddrExt;
                SocketAddr::from_abstract_name(name)
            }
        }
    }
}

/// Sends notifications to systemd, when the process runs under it.
#[derive(Debug, Clone)]
pub struct Notifier {
    socket: Option<NotifySocket>,
    watchdog: Option<Duration>,
}

impl Notifier {
    /// Reads `$NOTIFY_SOCKET`, `$WATCHDOG_USEC` and `$WATCHDOG_PID` as systemd sets them.
    /// A watchdog meant for another process (the PID differs) is ignored.
    pub fn from_env() -> Notifier {
        let socket = std::env::var("NOTIFY_SOCKET").ok().and_then(|value| NotifySocket::parse(&value));
        let for_us = std::env::var("WATCHDOG_PID")
            .ok()
            .and_then(|pid| pid.trim().parse::<u32>().ok())
            .is_none_or(|pid| pid == std::process::id());
        let watchdog = std::env::var("WATCHDOG_USEC")
            .ok()
            .and_then(|usec| usec.trim().parse::<u64>().ok())
            .filter(|usec| *usec > 0 && for_us)
            .map(Duration::from_micros);
        Notifier { socket, watchdog }
    }

    /// Creates a notifier for `socket`, with a watchdog timeout of `watchdog`.
    pub fn new(socket: Option<NotifySocket>, watchdog: Option<Duration>) -> Notifier {
        Notifier { socket, watchdog }
    }

    /// Returns the time after which systemd kills the service without a
    /// `WATCHDOG=1`, or `None` when the unit sets no `WatchdogSec=`.
    pub fn watchdog_timeout(&self) -> Option<Duration> {
        self.socket.as_ref().and(self.watchdog)
    }

    /// Tells systemd that start-up is finished, with a status line for `systemctl status`.
    pub fn ready(&self, status: &str) {
        self.send(&format!("READY=1\nSTATUS={}", one_line(status)));
    }

    /// Updates the status line shown by `systemctl status`.
    pub fn status(&self, status: &str) {
        self.send(&format!("STATUS={}", one_line(status)));
    }

    /// Tells systemd the service is alive, which resets the watchdog timer.
    pub fn watchdog(&self) {
        self.send("WATCHDOG=1");
    }

    /// Tells systemd that the service is shutting down.
    pub fn stopping(&self) {
        self.send("STOPPING=1");
    }

    /// Asks for `extra` more time to start or stop, beyond the unit's timeout.
    pub fn extend_timeout(&self, extra: Duration) {
        self.send(&format!("EXTEND_TIMEOUT_USEC={}", extra.as_micros()));
    }

    fn send(&self, message: &str) {
        let Some(socket) = &self.socket else {
            return;
        };
        if let Err(error) = send_to(socket, message) {
            // Nothing else can be done, because systemd acts on the missing
            // message (start timeout or watchdog); the warning records why.
            tracing::warn!(%error, socket = ?socket, "cannot notify systemd");
        }
    }
}

/// Sends without blocking: when the receiver's queue is full the message is
/// dropped with an error, because a blocked send would stall the task that
/// sent it, and on shutdown the whole daemon.
fn send_to(socket: &NotifySocket, message: &str) -> io::Result<()> {
    let datagram = UnixDatagram::unbound()?;
    datagram.set_nonblocking(true)?;
    datagram.send_to_addr(message.as_bytes(), &socket.address()?)?;
    Ok(())
}

/// Joins `text` into one line, because the protocol separates keys by newline.
fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receive(socket: &UnixDatagram) -> String {
        let mut buffer = [0u8; 512];
        let length = socket.recv(&mut buffer).expect("a notification");
        String::from_utf8_lossy(&buffer[..length]).into_owned()
    }

    #[test]
    fn full_receiver_does_not_block() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notify.sock");
        let _receiver = UnixDatagram::bind(&path).unwrap();
        let notifier = Notifier::new(NotifySocket::parse(path.to_str().unwrap()), None);
        // The receiver is never read, so its queue fills, and every send must still return.
        let started = std::time::Instant::now();
        for _ in 0..10_000 {
            notifier.status("busy");
        }
        assert!(started.elapsed() < Duration::from_secs(10), "sending to a full socket blocked");
    }

    #[test]
    fn parse_socket_values() {
        assert_eq!(NotifySocket::parse("/run/systemd/notify"), Some(NotifySocket::Path("/run/systemd/notify".into())));
        assert_eq!(NotifySocket::parse("@abc"), Some(NotifySocket::Abstract(b"abc".to_vec())));
        assert_eq!(NotifySocket::parse("@"), None);
        assert_eq!(NotifySocket::parse(""), None);
        assert_eq!(NotifySocket::parse("relative/path"), None);
    }

    #[test]
    fn messages_reach_path_socket() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("notify");
        let server = UnixDatagram::bind(&path).unwrap();
        server.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let notifier = Notifier::new(Some(NotifySocket::Path(path)), Some(Duration::from_secs(30)));
        notifier.ready("answering on 1 line\nsecond line");
        assert_eq!(receive(&server), "READY=1\nSTATUS=answering on 1 line second line");
        notifier.watchdog();
        assert_eq!(receive(&server), "WATCHDOG=1");
        notifier.extend_timeout(Duration::from_secs(2));
        assert_eq!(receive(&server), "EXTEND_TIMEOUT_USEC=2000000");
        notifier.stopping();
        assert_eq!(receive(&server), "STOPPING=1");
    }

    #[test]
    fn messages_reach_abstract_socket() {
        use std::os::linux::net::SocketAddrExt;
        let name = format!("standardiste-test-{}", std::process::id());
        let server = UnixDatagram::bind_addr(&SocketAddr::from_abstract_name(name.as_bytes()).unwrap()).unwrap();
        server.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let notifier = Notifier::new(NotifySocket::parse(&format!("@{name}")), None);
        notifier.status("loading models");
        assert_eq!(receive(&server), "STATUS=loading models");
    }

    #[test]
    fn missing_socket_is_quiet() {
        let notifier = Notifier::new(Some(NotifySocket::Path("/nonexistent/notify".into())), Some(Duration::from_secs(1)));
        notifier.ready("ready");
        let silent = Notifier::new(None, Some(Duration::from_secs(1)));
        silent.watchdog();
        assert_eq!(silent.watchdog_timeout(), None);
        assert_eq!(notifier.watchdog_timeout(), Some(Duration::from_secs(1)));
    }
}
