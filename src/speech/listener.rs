//! The listener: a thread per call that turns line audio into endpointing events.
//!
//! It resamples each 8 kHz frame to 16 kHz, runs Silero VAD on 32 ms windows
//! and feeds the [`Endpointer`]. Running VAD here keeps ONNX inference off the
//! async workers.

use std::sync::mpsc::{Receiver, SyncSender, TrySendError};

use tokio::sync::mpsc;

use super::endpoint::{EndpointEvent, Endpointer};
use super::vad::{VadModel, WINDOW_SAMPLES};
use crate::audio::resample::Resampler;
use crate::audio::{to_f32, Frame, LINE_RATE, MODEL_RATE};
use crate::config::VadConfig;

/// Frames the listener may fall behind by: two seconds of audio.
const FRAME_QUEUE: usize = 100;

/// Events waiting for the call loop.
const EVENT_QUEUE: usize = 64;

/// The call loop's side of a listener.
pub struct Listener {
    frames: SyncSender<Frame>,
    dropped_frames: u64,
    call_label: String,
    stopped: bool,
}

impl Listener {
    /// Starts the listener thread; it ends when the [`Listener`] is dropped.
    pub fn spawn(
        vad: &VadModel,
        config: &VadConfig,
        call_label: String,
    ) -> std::io::Result<(Listener, mpsc::Receiver<EndpointEvent>)> {
        let (frame_tx, frame_rx) = std::sync::mpsc::sync_channel(FRAME_QUEUE);
        let (event_tx, event_rx) = mpsc::channel(EVENT_QUEUE);
        let stream = vad.stream();
        let endpointer = Endpointer::new(config);
        let thread_name = format!("listener-{call_label}");
        std::thread::Builder::new()
            .name(thread_name)
            .spawn(move || run(frame_rx, event_tx, stream, endpointer))?;
        Ok((
            Listener {
                frames: frame_tx,
                dropped_frames: 0,
                call_label,
                stopped: false,
            },
            event_rx,
        ))
    }

    /// Hands one caller frame to the listener without waiting.
    ///
    /// A full queue means the listener is two seconds behind, which happens on
    /// a starved CPU. The frame is then dropped and counted, because the line
    /// cannot wait and a gap in what the VAD hears is better than a growing delay.
    pub fn push(&mut self, frame: Frame) {
        match self.frames.try_send(frame) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                self.dropped_frames += 1;
                if self.dropped_frames.is_power_of_two() {
                    tracing::warn!(call_id = %self.call_label, dropped = self.dropped_frames, "listener is behind; dropped caller frames");
                }
            }
            Err(TrySendError::Disconnected(_)) => {
                if !self.stopped {
                    tracing::error!(call_id = %self.call_label, "the listener thread stopped; the box can no longer hear the caller");
                }
                self.stopped = true;
            }
        }
    }

    /// Whether the listener thread has stopped, leaving the call deaf.
    pub fn has_stopped(&self) -> bool {
        self.stopped
    }
}

fn run(
    frames: Receiver<Frame>,
    events: mpsc::Sender<EndpointEvent>,
    mut vad: super::vad::VadStream,
    mut endpointer: Endpointer,
) {
    let mut resampler = Resampler::new(LINE_RATE, MODEL_RATE);
    let mut pending: Vec<f32> = Vec::with_capacity(2 * WINDOW_SAMPLES);
    let mut window = [0.0f32; WINDOW_SAMPLES];
    let mut failures = 0u64;
    while let Ok(frame) = frames.recv() {
        pending.extend(resampler.process(&to_f32(&frame)));
        while pending.len() >= WINDOW_SAMPLES {
            window.copy_from_slice(&pending[..WINDOW_SAMPLES]);
            pending.drain(..WINDOW_SAMPLES);
            let probability = match vad.speech_probability(&window) {
                Ok(p) => p,
                Err(error) => {
                    failures += 1;
                    if failures.is_power_of_two() {
                        tracing::error!(%error, failures, "VAD failed; treating the window as silence");
                    }
                    0.0
                }
            };
            for event in endpointer.push(&window, probability) {
                // Blocks while the call loop is 64 events behind. The loop drains
                // them between frames, so events wait here but are not dropped.
                if events.blocking_send(event).is_err() {
                    return;
                }
            }
        }
    }
}
