//! The device's buffer for audio the host plays to the caller. The host
//! writes in any chunking, and the clock takes one 20 ms frame per tick.
//! A tick that finds less than a frame is an underrun (the caller hears
//! silence for the rest). Bytes beyond the buffer's capacity are an overrun and dropped.

use std::collections::VecDeque;
use std::time::Instant;

use super::report::AudioStats;

pub(crate) struct HostAudio {
    buffer: VecDeque<u8>,
    capacity: usize,
    last_write: Option<Instant>,
}

impl HostAudio {
    pub(crate) fn new(capacity: usize) -> HostAudio {
        HostAudio {
            buffer: VecDeque::with_capacity(capacity),
            capacity,
            last_write: None,
        }
    }

    /// Records that a read of `raw_bytes` bytes of host audio arrived at
    /// `now`, for the write interval statistics.
    pub(crate) fn note_write(&mut self, now: Instant, raw_bytes: usize, stats: &mut AudioStats) {
        stats.bytes_from_host += raw_bytes as u64;
        if let Some(previous) = self.last_write {
            let interval = now.saturating_duration_since(previous);
            stats.max_write_interval = stats.max_write_interval.max(interval);
            stats.total_write_interval += interval;
            stats.write_intervals += 1;
        }
        self.last_write = Some(now);
    }

    /// Appends audio bytes. Counts one overrun when some had to be dropped.
    pub(crate) fn push(&mut self, bytes: &[u8], stats: &mut AudioStats) {
        let room = self.capacity.saturating_sub(self.buffer.len());
        let kept = bytes.len().min(room);
        self.buffer.extend(bytes.iter().take(kept));
        if kept < bytes.len() {
            stats.overruns += 1;
        }
    }

    /// Takes up to `frame_bytes` bytes. A short frame counts as an underrun
    /// unless `draining` (the host announced the end of its audio).
    pub(crate) fn take_frame(
        &mut self,
        frame_bytes: usize,
        draining: bool,
        stats: &mut AudioStats,
    ) -> Vec<u8> {
        let count = frame_bytes.min(self.buffer.len());
        let frame: Vec<u8> = self.buffer.drain(..count).collect();
        if count == frame_bytes {
            stats.frames_from_host += 1;
        } else if !draining {
            stats.underruns += 1;
        }
        frame
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.buffer.is_empty()
    }

    /// Empties the buffer and clears the last write time, at the end of a
    /// stream or call.
    pub(crate) fn clear(&mut self) {
        self.buffer.clear();
        self.last_write = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_underrun_and_overrun() {
        let mut stats = AudioStats::default();
        let mut audio = HostAudio::new(4);
        audio.push(&[1, 2, 3, 4, 5, 6], &mut stats);
        assert_eq!(stats.overruns, 1);
        assert_eq!(audio.take_frame(3, false, &mut stats), vec![1, 2, 3]);
        assert_eq!(stats.frames_from_host, 1);
        assert_eq!(audio.take_frame(3, false, &mut stats), vec![4]);
        assert_eq!(stats.underruns, 1);
        assert!(audio.take_frame(3, true, &mut stats).is_empty());
        assert_eq!(stats.underruns, 1, "no underrun while draining");
    }
}
