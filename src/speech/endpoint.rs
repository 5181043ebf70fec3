//! Endpointing: deciding from VAD output when the caller has started and
//! finished an utterance.
//!
//! Two pauses matter. After a short pause (`pause_ms`) the utterance so far is
//! handed over for transcription, so a finished question can be answered
//! quickly. Only a long pause (`end_ms`) ends it regardless of what was said,
//! which keeps a caller who stops mid-sentence, or reads a phone number out
//! digit by digit, from being cut off. Speech shorter than `min_speech_ms`
//! (a breath, a click) starts nothing.

use std::collections::VecDeque;

use super::vad::WINDOW_SAMPLES;
use crate::config::VadConfig;

/// Duration of one VAD window at 16 kHz, in milliseconds.
pub const WINDOW_MS: u64 = 32;

/// Audio kept from before the first voiced window, so the first syllable is not clipped.
const PRE_ROLL_WINDOWS: usize = 8;

/// Silence kept after the last voiced window, so the last syllable is not clipped.
const TAIL_WINDOWS: usize = 6;

/// Longest utterance, in windows (25.6 s): Whisper's window is 30 s, and a
/// caller who talks longer is cut into several turns rather than truncated.
const MAX_UTTERANCE_WINDOWS: usize = 800;

/// The probability must drop this far below the threshold to count as silence again.
const HYSTERESIS: f32 = 0.15;

/// Event that the endpointer detected in the latest window.
#[derive(Debug, Clone, PartialEq)]
pub enum EndpointEvent {
    /// The caller has been speaking for `min_speech_ms`; `start_ms` is when they began.
    Started { start_ms: u64 },
    /// The caller has spoken for `barge_in_ms` in this utterance.
    Sustained,
    /// A short pause: `audio` (16 kHz) is the utterance so far. `revision`
    /// identifies this snapshot; a later [`EndpointEvent::Resumed`] makes it stale.
    Paused {
        revision: u64,
        audio: Vec<f32>,
        start_ms: u64,
        end_ms: u64,
    },
    /// Speech came back after a pause: the snapshot `revision` is incomplete.
    Resumed { revision: u64 },
    /// The long pause has passed: the snapshot `revision` is the whole utterance.
    Ended { revision: u64 },
}

enum State {
    Idle {
        /// Consecutive voiced windows so far, not yet long enough to start.
        voiced: usize,
    },
    Speaking {
        start_ms: u64,
        voiced_windows: usize,
        silent_windows: usize,
        /// The revision of the latest Paused event for this utterance, if any.
        paused: Option<u64>,
        sustained: bool,
    },
}

/// The endpointing state machine. Feed it one window and its probability at a time.
pub struct Endpointer {
    threshold: f32,
    min_speech_windows: usize,
    pause_windows: usize,
    end_windows: usize,
    barge_in_windows: usize,
    state: State,
    /// Recent windows while idle, for the pre-roll.
    pre_roll: VecDeque<[f32; WINDOW_SAMPLES]>,
    /// The current utterance's audio.
    utterance: Vec<f32>,
    /// Windows processed since the start of the call.
    windows_seen: u64,
    next_revision: u64,
    voiced_now: bool,
}

fn windows_for(ms: u64) -> usize {
    (ms.div_ceil(WINDOW_MS) as usize).max(1)
}

impl Endpointer {
    pub fn new(config: &VadConfig) -> Endpointer {
        Endpointer {
            threshold: config.threshold,
            min_speech_windows: windows_for(config.min_speech_ms),
            pause_windows: windows_for(config.pause_ms),
            end_windows: windows_for(config.end_ms),
            barge_in_windows: windows_for(config.barge_in_ms),
            state: State::Idle { voiced: 0 },
            pre_roll: VecDeque::with_capacity(PRE_ROLL_WINDOWS + 1),
            utterance: Vec::new(),
            windows_seen: 0,
            next_revision: 1,
            voiced_now: false,
        }
    }

    /// Whether the caller is inside an utterance.
    pub fn in_utterance(&self) -> bool {
        matches!(self.state, State::Speaking { .. })
    }

    /// Time at the end of the last window processed, in ms from the start of the call.
    pub fn now_ms(&self) -> u64 {
        self.windows_seen * WINDOW_MS
    }

    /// Processes one window and returns what it changed.
    pub fn push(&mut self, window: &[f32; WINDOW_SAMPLES], probability: f32) -> Vec<EndpointEvent> {
        self.windows_seen += 1;
        self.voiced_now = if self.voiced_now {
            probability >= self.threshold - HYSTERESIS
        } else {
            probability >= self.threshold
        };
        let mut events = Vec::new();
        match &mut self.state {
            State::Idle { voiced } => {
                self.pre_roll.push_back(*window);
                if self.pre_roll.len() > PRE_ROLL_WINDOWS + self.min_speech_windows {
                    self.pre_roll.pop_front();
                }
                *voiced = if self.voiced_now { *voiced + 1 } else { 0 };
                if *voiced >= self.min_speech_windows {
                    let voiced_windows = *voiced;
                    let start_ms = (self.windows_seen - voiced_windows as u64) * WINDOW_MS;
                    self.utterance.clear();
                    for kept_window in self.pre_roll.drain(..) {
                        self.utterance.extend_from_slice(&kept_window);
                    }
                    self.state = State::Speaking {
                        start_ms,
                        voiced_windows,
                        silent_windows: 0,
                        paused: None,
                        sustained: false,
                    };
                    events.push(EndpointEvent::Started { start_ms });
                    self.check_sustained(&mut events);
                }
            }
            State::Speaking {
                voiced_windows,
                silent_windows,
                paused,
                ..
            } => {
                self.utterance.extend_from_slice(window);
                if self.voiced_now {
                    *voiced_windows += 1;
                    *silent_windows = 0;
                    if let Some(revision) = paused.take() {
                        events.push(EndpointEvent::Resumed { revision });
                    }
                    self.check_sustained(&mut events);
                } else {
                    *silent_windows += 1;
                }
                self.check_pauses(&mut events);
            }
        }
        events
    }

    fn check_sustained(&mut self, events: &mut Vec<EndpointEvent>) {
        if let State::Speaking {
            voiced_windows,
            sustained,
            ..
        } = &mut self.state
        {
            if !*sustained && *voiced_windows >= self.barge_in_windows {
                *sustained = true;
                events.push(EndpointEvent::Sustained);
            }
        }
    }

    fn check_pauses(&mut self, events: &mut Vec<EndpointEvent>) {
        let State::Speaking {
            start_ms,
            silent_windows,
            paused,
            ..
        } = &mut self.state
        else {
            return;
        };
        let too_long = self.utterance.len() >= MAX_UTTERANCE_WINDOWS * WINDOW_SAMPLES;
        if paused.is_none() && (*silent_windows >= self.pause_windows || too_long) {
            let revision = self.next_revision;
            self.next_revision += 1;
            *paused = Some(revision);
            // Keep a short tail of the silence, drop the rest.
            let extra_silence = silent_windows.saturating_sub(TAIL_WINDOWS);
            let keep = self.utterance.len() - extra_silence * WINDOW_SAMPLES;
            let last_voiced_ms = self.windows_seen * WINDOW_MS - *silent_windows as u64 * WINDOW_MS;
            events.push(EndpointEvent::Paused {
                revision,
                audio: self.utterance[..keep].to_vec(),
                start_ms: *start_ms,
                end_ms: last_voiced_ms,
            });
        }
        if let Some(revision) = *paused {
            if *silent_windows >= self.end_windows || too_long {
                events.push(EndpointEvent::Ended { revision });
                self.state = State::Idle { voiced: 0 };
                self.utterance.clear();
                self.pre_roll.clear();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> VadConfig {
        VadConfig {
            threshold: 0.5,
            min_speech_ms: 200,
            pause_ms: 480,
            end_ms: 1_408,
            barge_in_ms: 416,
            ..VadConfig::default()
        }
    }

    /// Feeds `ms` of windows at probability `p` and returns the events.
    fn feed(endpointer: &mut Endpointer, p: f32, ms: u64) -> Vec<EndpointEvent> {
        let window = [0.01f32; WINDOW_SAMPLES];
        (0..ms / WINDOW_MS).flat_map(|_| endpointer.push(&window, p)).collect()
    }

    fn kinds(events: &[EndpointEvent]) -> Vec<&'static str> {
        events
            .iter()
            .map(|e| match e {
                EndpointEvent::Started { .. } => "started",
                EndpointEvent::Sustained => "sustained",
                EndpointEvent::Paused { .. } => "paused",
                EndpointEvent::Resumed { .. } => "resumed",
                EndpointEvent::Ended { .. } => "ended",
            })
            .collect()
    }

    #[test]
    fn a_breath_starts_nothing() {
        let mut endpointer = Endpointer::new(&config());
        let mut events = feed(&mut endpointer, 0.0, 320);
        events.extend(feed(&mut endpointer, 0.9, 128));
        events.extend(feed(&mut endpointer, 0.0, 2_000));
        assert!(events.is_empty(), "{events:?}");
    }

    #[test]
    fn one_sentence_pauses_then_ends() {
        let mut endpointer = Endpointer::new(&config());
        let mut events = feed(&mut endpointer, 0.0, 320);
        events.extend(feed(&mut endpointer, 0.9, 1_600));
        events.extend(feed(&mut endpointer, 0.0, 1_600));
        assert_eq!(kinds(&events), ["started", "sustained", "paused", "ended"]);
        let EndpointEvent::Started { start_ms } = events[0] else { unreachable!() };
        assert_eq!(start_ms, 320);
        let EndpointEvent::Paused { end_ms, ref audio, .. } = events[2] else { unreachable!() };
        assert_eq!(end_ms, 1_920);
        // Pre-roll, 1.6 s of speech and a short tail.
        let seconds = audio.len() as f64 / 16_000.0;
        assert!((1.6..2.3).contains(&seconds), "{seconds} s");
    }

    #[test]
    fn digits_with_gaps_stay_one_utterance() {
        // "zero six ... one two ... three four": 700 ms gaps, longer than the
        // short pause but shorter than the end.
        let mut endpointer = Endpointer::new(&config());
        let mut events = Vec::new();
        for _ in 0..4 {
            events.extend(feed(&mut endpointer, 0.9, 480));
            events.extend(feed(&mut endpointer, 0.1, 704));
        }
        events.extend(feed(&mut endpointer, 0.0, 1_600));
        assert_eq!(
            kinds(&events),
            ["started", "sustained", "paused", "resumed", "paused", "resumed", "paused", "resumed", "paused", "ended"]
        );
        let revisions: Vec<u64> = events
            .iter()
            .filter_map(|e| match e {
                EndpointEvent::Paused { revision, .. } => Some(*revision),
                _ => None,
            })
            .collect();
        assert_eq!(revisions, [1, 2, 3, 4]);
        assert_eq!(events.last(), Some(&EndpointEvent::Ended { revision: 4 }));
    }

    #[test]
    fn hysteresis_keeps_a_wavering_voice() {
        let mut endpointer = Endpointer::new(&config());
        let mut events = feed(&mut endpointer, 0.9, 640);
        // 0.4 is below the threshold but within the hysteresis band.
        events.extend(feed(&mut endpointer, 0.4, 960));
        assert_eq!(kinds(&events), ["started", "sustained"]);
    }

    #[test]
    fn a_monologue_is_cut_at_the_maximum() {
        let mut endpointer = Endpointer::new(&config());
        let events = feed(&mut endpointer, 0.9, 30_000);
        let cuts = kinds(&events).iter().filter(|k| **k == "ended").count();
        assert!(cuts >= 1, "{:?}", kinds(&events));
    }
}
