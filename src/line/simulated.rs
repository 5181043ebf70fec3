//! A simulated line whose caller plays recordings, for demos, tests and
//! benchmarks, without any device: the [`ScriptedCaller`] talks to the call
//! loop through channels at real-time pace, 20 ms per frame.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::MissedTickBehavior;

use super::{Line, LineEvent};
pub use super::caller::CallerScript;
use super::caller::ScriptedCaller;
use crate::audio::{Frame, FRAME_MS, SILENT_FRAME};

/// Frames buffered towards the call loop: one second. When the loop falls
/// that far behind, frames are dropped and counted, as a real line would.
const TO_BOX_QUEUE: usize = 50;

/// The box's frames buffered towards the caller: one second. Frames beyond
/// that are dropped (and counted), like an overflowing modem buffer.
const TO_CALLER_QUEUE: usize = 50;

/// A line to a simulated caller.
pub struct SimulatedLine {
    label: String,
    caller_number: Option<String>,
    events: mpsc::Receiver<LineEvent>,
    to_caller: mpsc::Sender<Frame>,
    dropped_to_caller: u64,
    task: tokio::task::JoinHandle<()>,
}

impl SimulatedLine {
    /// Starts the caller; frames begin to flow at once.
    pub fn start(label: &str, script: CallerScript) -> SimulatedLine {
        let (event_tx, events) = mpsc::channel(TO_BOX_QUEUE);
        let (to_caller, from_box) = mpsc::channel(TO_CALLER_QUEUE);
        let caller_number = script.caller_number.clone();
        let task = tokio::spawn(run_caller(script, event_tx, from_box));
        SimulatedLine {
            label: label.to_string(),
            caller_number,
            events,
            to_caller,
            dropped_to_caller: 0,
            task,
        }
    }
}

impl Line for SimulatedLine {
    fn label(&self) -> &str {
        &self.label
    }

    fn caller_number(&self) -> Option<&str> {
        self.caller_number.as_deref()
    }

    async fn next_event(&mut self) -> Option<LineEvent> {
        self.events.recv().await
    }

    fn send_frame(&mut self, frame: &Frame) {
        if self.to_caller.try_send(*frame).is_err() {
            self.dropped_to_caller += 1;
        }
    }

    async fn hang_up(&mut self) {
        self.task.abort();
        self.events.close();
        if self.dropped_to_caller > 0 {
            tracing::warn!(line = %self.label, dropped = self.dropped_to_caller, "frames to the simulated caller were dropped");
        }
    }
}

impl Drop for SimulatedLine {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn run_caller(script: CallerScript, events: mpsc::Sender<LineEvent>, mut from_box: mpsc::Receiver<Frame>) {
    let mut ticker = tokio::time::interval(Duration::from_millis(FRAME_MS));
    // Late ticks are caught up, so the long-run rate stays exactly 50 frames a second.
    ticker.set_missed_tick_behavior(MissedTickBehavior::Burst);
    let mut caller = ScriptedCaller::new(script);
    let mut dropped = 0u64;
    loop {
        ticker.tick().await;
        let box_frame = from_box.try_recv().unwrap_or(SILENT_FRAME);
        let Some(frame) = caller.next_frame(&box_frame) else {
            let _ = events.send(LineEvent::HungUp).await;
            return;
        };
        match events.try_send(LineEvent::Audio(frame)) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(_)) => {
                dropped += 1;
                if dropped.is_power_of_two() {
                    tracing::warn!(dropped, "the call loop is behind; dropped caller frames");
                }
            }
            Err(mpsc::error::TrySendError::Closed(_)) => return,
        }
    }
}
