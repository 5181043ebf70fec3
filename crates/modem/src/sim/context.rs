//! State that a device model borrows while it handles input or a clock tick:
//! its ports, the report, the faults and the current time.

use std::time::{Duration, Instant};

use super::command::{Final, Framing};
use super::faults::Faults;
use super::port::Port;
use super::report::Shared;
use super::report::{AudioStats, SimReport};

/// Borrowed state for one step of a device model.
pub(crate) struct Ctx<'a> {
    pub(crate) now: Instant,
    /// Time since the simulator started, for the report.
    pub(crate) elapsed: Duration,
    pub(crate) at: &'a mut Port,
    pub(crate) audio: Option<&'a mut Port>,
    pub(crate) shared: &'a Shared,
    pub(crate) faults: &'a Faults,
    pub(crate) ring_interval: Duration,
}

impl Ctx<'_> {
    /// Sends framed text on the AT port. Under the cut-line fault the bytes
    /// go out in two writes with a pause between.
    pub(crate) fn send_text(&mut self, bytes: &[u8]) {
        if !self.faults.cut_lines || bytes.len() < 2 {
            self.at.send(bytes, self.now);
            return;
        }
        let middle = bytes.len() / 2;
        let (head, tail) = bytes.split_at(middle);
        self.at.send(head, self.now);
        self.at.send(tail, self.now + Faults::CUT_PAUSE);
    }

    /// Sends bytes on the AT port as one write: echo and voice data.
    pub(crate) fn send_raw(&mut self, bytes: &[u8]) {
        self.at.send(bytes, self.now);
    }

    /// Sends an unsolicited line and records it.
    pub(crate) fn send_urc(&mut self, framing: Framing, text: &str) {
        self.send_text(&framing.urc(text));
        self.shared.lock().urcs.push(text.to_string());
    }

    /// Sends information lines followed by a final result code.
    pub(crate) fn send_response(&mut self, framing: Framing, lines: &[String], result: Final) {
        let mut bytes = Vec::new();
        for line in lines {
            bytes.extend_from_slice(&framing.info(line));
        }
        bytes.extend_from_slice(&framing.final_result(result));
        self.send_text(&bytes);
    }

    /// Runs `update` on the report.
    pub(crate) fn record(&self, update: impl FnOnce(&mut SimReport)) {
        update(&mut self.shared.lock());
    }

    /// Runs `update` on the audio counters.
    pub(crate) fn record_audio(&self, update: impl FnOnce(&mut AudioStats)) {
        update(&mut self.shared.lock().audio);
    }
}
