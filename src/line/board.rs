//! The state of each line, kept for the web console's system page.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Activity of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineState {
    /// Opening its device, or reopening it after an error.
    Opening,
    /// Waiting for a call.
    Ready,
    InCall,
    /// Stopped for good. The last error gives the reason.
    Stopped,
}

impl LineState {
    pub fn as_str(self) -> &'static str {
        match self {
            LineState::Opening => "opening",
            LineState::Ready => "ready",
            LineState::InCall => "in call",
            LineState::Stopped => "stopped",
        }
    }
}

/// A line's entry on the board.
#[derive(Debug, Clone)]
pub struct LineEntry {
    /// The device kind as the settings name it (`gsm`, `voice_modem`, `usb_audio`).
    pub kind: String,
    pub state: LineState,
    pub last_error: Option<String>,
    /// When the call loop last moved audio; set when a call starts.
    pub last_beat: Option<Instant>,
}

/// Every line's state by name; clones share it.
#[derive(Clone, Default)]
pub struct LineBoard {
    lines: Arc<Mutex<BTreeMap<String, LineEntry>>>,
}

impl LineBoard {
    /// Adds line `name` of `kind`, opening.
    pub fn add(&self, name: &str, kind: &str) {
        let entry = LineEntry {
            kind: kind.to_string(),
            state: LineState::Opening,
            last_error: None,
            last_beat: None,
        };
        self.lock().insert(name.to_string(), entry);
    }

    /// Sets line `name`'s state; a line not on the board is left out.
    pub fn set(&self, name: &str, state: LineState) {
        if let Some(entry) = self.lock().get_mut(name) {
            if state == LineState::InCall && entry.state != LineState::InCall {
                entry.last_beat = Some(Instant::now());
            }
            entry.state = state;
        }
    }

    /// Records that line `name`'s call loop moved audio just now.
    pub fn beat(&self, name: &str) {
        if let Some(entry) = self.lock().get_mut(name) {
            entry.last_beat = Some(Instant::now());
        }
    }

    /// Returns the lines in a call whose loop has moved no audio for `limit`,
    /// with how long each has been silent.
    pub fn stalled(&self, limit: Duration) -> Vec<(String, Duration)> {
        let now = Instant::now();
        self.lock()
            .iter()
            .filter(|(_, entry)| entry.state == LineState::InCall)
            .filter_map(|(name, entry)| {
                let silent = now.saturating_duration_since(entry.last_beat?);
                (silent >= limit).then(|| (name.clone(), silent))
            })
            .collect()
    }

    /// Records an error on line `name` and sets its state.
    pub fn fail(&self, name: &str, state: LineState, error: &str) {
        if let Some(entry) = self.lock().get_mut(name) {
            entry.state = state;
            entry.last_error = Some(error.to_string());
        }
    }

    /// Returns every line, by name.
    pub fn snapshot(&self) -> Vec<(String, LineEntry)> {
        self.lock().iter().map(|(name, entry)| (name.clone(), entry.clone())).collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, LineEntry>> {
        self.lines.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn board_tracks_state_and_errors() {
        let board = LineBoard::default();
        board.add("office", "gsm");
        board.set("office", LineState::Ready);
        board.fail("office", LineState::Opening, "port vanished");
        board.set("unknown", LineState::InCall);
        let lines = board.snapshot();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].1.state, LineState::Opening);
        assert_eq!(lines[0].1.last_error.as_deref(), Some("port vanished"));
    }

    #[test]
    fn stalled_lists_silent_calls_only() {
        let board = LineBoard::default();
        board.add("office", "gsm");
        board.add("spare", "voice-modem");
        board.set("office", LineState::InCall);
        board.set("spare", LineState::Ready);
        std::thread::sleep(Duration::from_millis(30));
        let stalled = board.stalled(Duration::from_millis(20));
        assert_eq!(stalled.len(), 1);
        assert_eq!(stalled[0].0, "office");
        board.beat("office");
        assert!(board.stalled(Duration::from_millis(20)).is_empty());
        board.set("office", LineState::Ready);
        std::thread::sleep(Duration::from_millis(30));
        assert!(board.stalled(Duration::from_millis(20)).is_empty());
    }
}
