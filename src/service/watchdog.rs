//! Feeds the systemd watchdog while every call loop is moving audio.
//!
//! A call loop moves a frame every 20 ms and marks the line board once a
//! second. When a line in a call has moved nothing for [`STALL_LIMIT`]
//! (a device that went quiet, a wedged engine, a disk that blocks every
//! write), the feeding stops and systemd kills and restarts the daemon,
//! which reopens the devices. A stuck runtime stops the feeding too,
//! because this task runs on it.

use std::time::Duration;

use tokio::sync::watch;

use super::Notifier;
use crate::line::board::LineBoard;

/// Time without audio after which a call loop counts as stalled.
pub const STALL_LIMIT: Duration = Duration::from_secs(15);

/// Sends `WATCHDOG=1` every half of the unit's `WatchdogSec=` while no call
/// loop on `lines` is stalled, until `stopping` turns true. Returns at once
/// when the unit sets no watchdog.
pub async fn feed(notifier: Notifier, lines: LineBoard, stopping: watch::Receiver<bool>) {
    feed_with_limit(notifier, lines, STALL_LIMIT, stopping).await;
}

async fn feed_with_limit(
    notifier: Notifier,
    lines: LineBoard,
    stall_limit: Duration,
    mut stopping: watch::Receiver<bool>,
) {
    let Some(timeout) = notifier.watchdog_timeout() else {
        return;
    };
    let period = (timeout / 2).max(Duration::from_millis(100));
    tracing::info!(timeout_s = timeout.as_secs(), "feeding the systemd watchdog");
    let mut ticks = tokio::time::interval(period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut was_stalled = false;
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = stopping.changed() => return,
        }
        let stalled = lines.stalled(stall_limit);
        if stalled.is_empty() {
            notifier.watchdog();
            was_stalled = false;
            continue;
        }
        if !was_stalled {
            for (line, silent) in &stalled {
                tracing::error!(
                    line = %line,
                    silent_s = silent.as_secs(),
                    "call loop stalled; the systemd watchdog is no longer fed, so systemd will restart the service"
                );
            }
            notifier.status(&format!("call loop stalled on {}", stalled[0].0));
        }
        was_stalled = true;
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::net::UnixDatagram;

    use super::*;
    use crate::line::board::LineState;
    use crate::service::NotifySocket;

    fn drain(socket: &UnixDatagram) -> Vec<String> {
        let mut buffer = [0u8; 256];
        let mut messages = Vec::new();
        while let Ok(length) = socket.recv(&mut buffer) {
            messages.push(String::from_utf8_lossy(&buffer[..length]).into_owned());
        }
        messages
    }

    #[tokio::test]
    async fn feeding_stops_while_call_stalls() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("notify");
        let server = UnixDatagram::bind(&path).unwrap();
        server.set_nonblocking(true).unwrap();
        let notifier = Notifier::new(Some(NotifySocket::Path(path)), Some(Duration::from_millis(200)));
        let lines = LineBoard::default();
        lines.add("office", "gsm");
        lines.set("office", LineState::Ready);
        let (stop, stopping) = watch::channel(false);
        let limit = Duration::from_millis(300);
        let task = tokio::spawn(feed_with_limit(notifier, lines.clone(), limit, stopping));

        tokio::time::sleep(Duration::from_millis(450)).await;
        let idle = drain(&server);
        assert!(idle.iter().any(|m| m == "WATCHDOG=1"), "not fed while idle: {idle:?}");

        // A call whose loop beats is healthy.
        lines.set("office", LineState::InCall);
        for _ in 0..8 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            lines.beat("office");
        }
        let beating = drain(&server);
        assert!(beating.iter().any(|m| m == "WATCHDOG=1"), "not fed during a healthy call: {beating:?}");

        // The loop stops beating: once the stall is seen, nothing feeds the watchdog.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let noticed = drain(&server);
        assert!(
            noticed.iter().any(|m| m == "STATUS=call loop stalled on office"),
            "stall not reported: {noticed:?}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
        let stalled = drain(&server);
        assert!(!stalled.iter().any(|m| m == "WATCHDOG=1"), "fed during a stall: {stalled:?}");

        // Audio moves again: feeding resumes.
        lines.beat("office");
        let mut resumed = Vec::new();
        for _ in 0..40 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            lines.beat("office");
            resumed.extend(drain(&server));
            if resumed.iter().any(|m| m == "WATCHDOG=1") {
                break;
            }
        }
        assert!(resumed.iter().any(|m| m == "WATCHDOG=1"), "not fed after recovery: {resumed:?}");

        stop.send(true).unwrap();
        task.await.unwrap();
    }

    #[tokio::test]
    async fn feed_returns_without_watchdog() {
        let notifier = Notifier::new(None, None);
        let (_stop, stopping) = watch::channel(false);
        tokio::time::timeout(Duration::from_secs(5), feed(notifier, LineBoard::default(), stopping))
            .await
            .expect("feed returns at once without a watchdog");
    }
}
