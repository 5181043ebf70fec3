//! A simulated line whose caller plays recordings, for demos, tests and benchmarks.
//!
//! The caller behaves like a polite person: it waits for the box to speak and
//! fall silent, says its next utterance, and once it has said everything it
//! hangs up after the box's last reply. It can also talk over the box on
//! purpose (barge-in). Audio flows at real-time pace, 20 ms per frame.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::MissedTickBehavior;

use super::{Line, LineEvent};
use crate::audio::{rms_dbfs, Frame, FRAME_MS, FRAME_SAMPLES, SILENT_FRAME};

/// Frames buffered towards the call loop: one second. When the loop falls
/// that far behind, frames are dropped and counted, as a real line would.
const TO_BOX_QUEUE: usize = 50;

/// The box's frames buffered towards the caller: one second. Frames beyond
/// that are dropped (and counted), like an overflowing modem buffer.
const TO_CALLER_QUEUE: usize = 50;

/// Box audio above this level counts as the box speaking.
const SPEAKING_DBFS: f32 = -45.0;

/// Script of the simulated caller: the recordings it plays and how it behaves.
#[derive(Debug, Clone)]
pub struct CallerScript {
    /// Utterances at 8 kHz, said in order.
    pub utterances: Vec<Vec<i16>>,
    /// Silence from the box before the caller starts its next utterance.
    pub reply_gap: Duration,
    /// Silence from the box after the last utterance before the caller hangs up.
    pub hang_up_gap: Duration,
    /// Longest wait for the box to speak at all before the caller moves on.
    pub patience: Duration,
    /// Talk over the box: `(n, delay)` starts utterance `n` this long after
    /// the box starts speaking, instead of waiting for it to finish.
    pub barge_in: Option<(usize, Duration)>,
    /// Caller ID presented to the box.
    pub caller_number: Option<String>,
    /// Hang up without waiting for the box once the last utterance is said.
    pub hang_up_after_last: bool,
}

impl CallerScript {
    pub fn new(utterances: Vec<Vec<i16>>) -> CallerScript {
        CallerScript {
            utterances,
            reply_gap: Duration::from_millis(700),
            hang_up_gap: Duration::from_millis(2_500),
            patience: Duration::from_secs(30),
            barge_in: None,
            caller_number: None,
            hang_up_after_last: false,
        }
    }
}

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

enum CallerState {
    /// Waiting for the box to speak and then fall silent before utterance `next`.
    Listening { next: usize, heard_box: bool, waited: Duration, box_speaking_for: Duration },
    /// Saying utterance `index`, at sample `position`.
    Speaking { index: usize, position: usize },
}

async fn run_caller(script: CallerScript, events: mpsc::Sender<LineEvent>, mut from_box: mpsc::Receiver<Frame>) {
    let frame_time = Duration::from_millis(FRAME_MS);
    let mut ticker = tokio::time::interval(frame_time);
    // Late ticks are caught up, so the long-run rate stays exactly 50 frames a second.
    ticker.set_missed_tick_behavior(MissedTickBehavior::Burst);
    let mut state = CallerState::Listening {
        next: 0,
        heard_box: false,
        waited: Duration::ZERO,
        box_speaking_for: Duration::ZERO,
    };
    let mut box_silent_for = Duration::ZERO;
    let mut dropped = 0u64;

    loop {
        ticker.tick().await;
        let box_frame = from_box.try_recv().unwrap_or(SILENT_FRAME);
        let box_speaking = rms_dbfs(&box_frame) > SPEAKING_DBFS;
        box_silent_for = if box_speaking { Duration::ZERO } else { box_silent_for + frame_time };

        let mut frame = SILENT_FRAME;
        match &mut state {
            CallerState::Listening { next, heard_box, waited, box_speaking_for } => {
                *waited += frame_time;
                if box_speaking {
                    *heard_box = true;
                    *box_speaking_for += frame_time;
                }
                let finished = *next >= script.utterances.len();
                let gap = if finished { script.hang_up_gap } else { script.reply_gap };
                let box_done = *heard_box && box_silent_for >= gap;
                let barge_in = matches!(script.barge_in, Some((n, delay)) if n == *next && *box_speaking_for >= delay);
                let out_of_patience = *waited >= script.patience;
                if finished && (box_done || out_of_patience || script.hang_up_after_last) {
                    let _ = events.send(LineEvent::HungUp).await;
                    return;
                }
                if !finished && (box_done || barge_in || out_of_patience) {
                    state = CallerState::Speaking { index: *next, position: 0 };
                }
            }
            CallerState::Speaking { .. } => {}
        }
        if let CallerState::Speaking { index, position } = &mut state {
            let utterance = &script.utterances[*index];
            let end = (*position + FRAME_SAMPLES).min(utterance.len());
            frame[..end - *position].copy_from_slice(&utterance[*position..end]);
            *position = end;
            if end == utterance.len() {
                state = CallerState::Listening {
                    next: *index + 1,
                    heard_box: false,
                    waited: Duration::ZERO,
                    box_speaking_for: Duration::ZERO,
                };
            }
        }
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
