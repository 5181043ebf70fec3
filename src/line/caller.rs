//! A scripted caller: a polite person who plays recordings in turn.
//!
//! It waits for the box to speak and fall silent, says its next utterance,
//! and once it has said everything it hangs up after the box's last reply.
//! It can also talk over the box on purpose (barge-in). It runs frame by
//! frame, so the same caller drives a simulated line and the modem simulators.

use std::time::Duration;

use crate::audio::{rms_dbfs, Frame, FRAME_MS, FRAME_SAMPLES, SILENT_FRAME};

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

enum CallerState {
    /// Waiting for the box to speak and then fall silent before utterance `next`.
    Listening { next: usize, heard_box: bool, waited: Duration, box_speaking_for: Duration },
    /// Saying utterance `index`, at sample `position`.
    Speaking { index: usize, position: usize },
    HungUp,
}

/// The caller's side of a call, advanced one 20 ms frame at a time.
pub struct ScriptedCaller {
    script: CallerScript,
    state: CallerState,
    box_silent_for: Duration,
}

impl ScriptedCaller {
    pub fn new(script: CallerScript) -> ScriptedCaller {
        ScriptedCaller {
            script,
            state: CallerState::Listening {
                next: 0,
                heard_box: false,
                waited: Duration::ZERO,
                box_speaking_for: Duration::ZERO,
            },
            box_silent_for: Duration::ZERO,
        }
    }

    /// Hears one frame of the box's audio and returns the caller's next
    /// frame, or `None` once the caller has hung up.
    pub fn next_frame(&mut self, box_frame: &Frame) -> Option<Frame> {
        let frame_time = Duration::from_millis(FRAME_MS);
        let script = &self.script;
        let box_speaking = rms_dbfs(box_frame) > SPEAKING_DBFS;
        self.box_silent_for = if box_speaking { Duration::ZERO } else { self.box_silent_for + frame_time };

        let mut frame = SILENT_FRAME;
        match &mut self.state {
            CallerState::HungUp => return None,
            CallerState::Listening { next, heard_box, waited, box_speaking_for } => {
                *waited += frame_time;
                if box_speaking {
                    *heard_box = true;
                    *box_speaking_for += frame_time;
                }
                let finished = *next >= script.utterances.len();
                let gap = if finished { script.hang_up_gap } else { script.reply_gap };
                let box_done = *heard_box && self.box_silent_for >= gap;
                let barge_in = matches!(script.barge_in, Some((n, delay)) if n == *next && *box_speaking_for >= delay);
                let out_of_patience = *waited >= script.patience;
                if finished && (box_done || out_of_patience || script.hang_up_after_last) {
                    self.state = CallerState::HungUp;
                    return None;
                }
                if !finished && (box_done || barge_in || out_of_patience) {
                    self.state = CallerState::Speaking { index: *next, position: 0 };
                }
            }
            CallerState::Speaking { .. } => {}
        }
        if let CallerState::Speaking { index, position } = &mut self.state {
            let utterance = &script.utterances[*index];
            let end = (*position + FRAME_SAMPLES).min(utterance.len());
            frame[..end - *position].copy_from_slice(&utterance[*position..end]);
            *position = end;
            if end == utterance.len() {
                self.state = CallerState::Listening {
                    next: *index + 1,
                    heard_box: false,
                    waited: Duration::ZERO,
                    box_speaking_for: Duration::ZERO,
                };
            }
        }
        Some(frame)
    }
}

impl standardiste_modem::sim::CallerAudio for ScriptedCaller {
    fn exchange(&mut self, heard: &[i16; FRAME_SAMPLES]) -> Option<[i16; FRAME_SAMPLES]> {
        self.next_frame(heard)
    }
}
