//! The playout buffer between the call loop and a device's audio clock.
//!
//! The call loop sends one frame for each frame it receives, so on average
//! the buffer neither fills nor empties; it only absorbs scheduling jitter.
//! The device's clock pulls frames out. When the loop falls behind the buffer
//! runs dry: the last frame is faded out instead of cut, which would click.
//! When it gets ahead the oldest frames are dropped, so the delay added never
//! grows beyond `max_frames` however long the call.

use std::collections::VecDeque;

use crate::audio::{Frame, FRAME_SAMPLES, SILENT_FRAME};

/// Counters of a playout buffer, for logs and the benchmark.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlayoutStats {
    pub played: u64,
    /// Frames the device asked for while the buffer was empty.
    pub underruns: u64,
    /// Frames dropped because the buffer was over its limit.
    pub dropped: u64,
}

/// A bounded frame queue with priming and fade-out on underrun.
#[derive(Debug)]
pub struct PlayoutBuffer {
    queue: VecDeque<Frame>,
    prime_frames: usize,
    max_frames: usize,
    primed: bool,
    /// The last frame played, faded out on an underrun.
    last: Frame,
    stats: PlayoutStats,
}

impl PlayoutBuffer {
    /// `prime_frames` are collected before playback starts or restarts after
    /// an underrun; more than `max_frames` queued drops the oldest.
    pub fn new(prime_frames: usize, max_frames: usize) -> PlayoutBuffer {
        PlayoutBuffer {
            queue: VecDeque::with_capacity(max_frames + 1),
            prime_frames,
            max_frames: max_frames.max(prime_frames).max(1),
            primed: false,
            last: SILENT_FRAME,
            stats: PlayoutStats::default(),
        }
    }

    pub fn push(&mut self, frame: Frame) {
        self.queue.push_back(frame);
        while self.queue.len() > self.max_frames {
            self.queue.pop_front();
            self.stats.dropped += 1;
        }
        if self.queue.len() >= self.prime_frames {
            self.primed = true;
        }
    }

    /// Returns the frame to play now.
    pub fn pop(&mut self) -> Frame {
        if self.primed {
            if let Some(frame) = self.queue.pop_front() {
                self.stats.played += 1;
                self.last = frame;
                return frame;
            }
            self.primed = false;
        }
        self.stats.underruns += 1;
        let faded = fade_out(&self.last);
        self.last = SILENT_FRAME;
        faded
    }

    /// The next frame to play, without taking it.
    pub fn front(&self) -> Option<&Frame> {
        self.queue.front()
    }

    /// The queued frames, next to play first.
    pub fn queued(&self) -> impl Iterator<Item = &Frame> {
        self.queue.iter()
    }

    /// Drops the next frame unplayed, as a half-duplex line does with the
    /// box's silence while it listens.
    pub fn discard_front(&mut self) {
        self.queue.pop_front();
    }

    /// Frames waiting to be played.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    pub fn stats(&self) -> PlayoutStats {
        self.stats
    }

    /// Forgets queued audio, at the end of a call.
    pub fn clear(&mut self) {
        self.queue.clear();
        self.primed = false;
        self.last = SILENT_FRAME;
    }
}

/// Plays `frame` backwards with a linear ramp down to zero. Backwards, the
/// first sample continues from the last one played, so there is no jump.
fn fade_out(frame: &Frame) -> Frame {
    let mut out = SILENT_FRAME;
    for (index, (out, &sample)) in out.iter_mut().zip(frame.iter().rev()).enumerate() {
        let gain = (FRAME_SAMPLES - index) as f32 / FRAME_SAMPLES as f32;
        *out = (f32::from(sample) * gain) as i16;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(value: i16) -> Frame {
        [value; FRAME_SAMPLES]
    }

    #[test]
    fn plays_in_order_after_priming() {
        let mut buffer = PlayoutBuffer::new(2, 6);
        buffer.push(frame(1));
        assert_eq!(buffer.pop(), fade_out(&SILENT_FRAME), "one frame is not enough to start");
        buffer.push(frame(2));
        buffer.push(frame(3));
        assert_eq!(buffer.pop()[0], 1);
        assert_eq!(buffer.pop()[0], 2);
        assert_eq!(buffer.pop()[0], 3);
    }

    #[test]
    fn underrun_fades_last_frame() {
        let mut buffer = PlayoutBuffer::new(1, 4);
        let mut ramp = frame(0);
        for (index, sample) in ramp.iter_mut().enumerate() {
            *sample = 5_000 + index as i16 * 30;
        }
        buffer.push(ramp);
        assert_eq!(buffer.pop(), ramp);
        let faded = buffer.pop();
        assert_eq!(faded[0], ramp[FRAME_SAMPLES - 1], "the fade starts where playback stopped");
        assert!(faded[FRAME_SAMPLES - 1].abs() < 100, "the fade ends near zero: {}", faded[FRAME_SAMPLES - 1]);
        assert!(faded.windows(2).all(|pair| pair[1] <= pair[0]), "the fade only goes down");
        assert_eq!(buffer.pop(), SILENT_FRAME, "after the fade comes silence");
        assert_eq!(buffer.stats().underruns, 2);
    }

    #[test]
    fn delay_is_bounded() {
        let mut buffer = PlayoutBuffer::new(2, 5);
        for value in 0..50 {
            buffer.push(frame(value));
        }
        assert_eq!(buffer.len(), 5);
        assert_eq!(buffer.stats().dropped, 45);
        assert_eq!(buffer.pop()[0], 45, "the newest frames are kept");
    }

    #[test]
    fn steady_state_has_no_underrun() {
        let mut buffer = PlayoutBuffer::new(2, 6);
        buffer.push(frame(0));
        buffer.push(frame(0));
        for value in 0..90_000 {
            buffer.push(frame(value as i16));
            buffer.pop();
        }
        assert_eq!(buffer.stats().underruns, 0);
        assert_eq!(buffer.len(), 2, "the delay stays at the primed depth over 30 minutes of frames");
    }
}
