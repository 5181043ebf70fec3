//! In-band DTMF detection, for lines whose device reports no key presses
//! itself (a USB sound card on an analog line).
//!
//! Each 20 ms frame is measured with the Goertzel algorithm at the eight
//! keypad frequencies. A frame holds a key when one row tone and one column
//! tone carry most of the frame's energy, each is well above the other
//! tones of its group, and the two are within 8 dB of each other. A key is
//! reported once it has held for two frames (40 ms), so a shorter burst of
//! tonal speech is not taken for a key, and again only after a frame without it.

use crate::audio::{rms_dbfs, Frame, FRAME_SAMPLES, LINE_RATE};

use super::dtmf::{COLUMN_HZ, KEYPAD, ROW_HZ};

/// Quieter frames hold no key. The level is an estimate: well under the
/// keypad tones of a telephone, well over line noise.
const MIN_LEVEL_DBFS: f32 = -36.0;

/// Share of the frame's energy that the row and column tones must carry together.
const MIN_TONE_SHARE: f64 = 0.7;

/// The strongest tone of a group must exceed the next one by this factor (6 dB).
const MIN_GROUP_MARGIN: f64 = 4.0;

/// Largest power ratio between the row and column tones (8 dB of twist).
const MAX_TWIST: f64 = 6.3;

/// Frames a key must hold before it is reported.
const FRAMES_TO_REPORT: u32 = 2;

/// Finds key presses in a stream of line frames.
#[derive(Debug, Default)]
pub struct DtmfDetector {
    candidate: Option<char>,
    held_frames: u32,
    reported: bool,
}

impl DtmfDetector {
    pub fn new() -> DtmfDetector {
        DtmfDetector::default()
    }

    /// Measures one frame and returns a key when its press is confirmed.
    pub fn feed(&mut self, frame: &Frame) -> Option<char> {
        let key = frame_key(frame);
        if key != self.candidate {
            self.candidate = key;
            self.held_frames = 0;
            self.reported = false;
        }
        let key = key?;
        self.held_frames += 1;
        if self.held_frames >= FRAMES_TO_REPORT && !self.reported {
            self.reported = true;
            return Some(key);
        }
        None
    }
}

/// Returns the key that one frame holds, if any.
fn frame_key(frame: &Frame) -> Option<char> {
    if rms_dbfs(frame) < MIN_LEVEL_DBFS {
        return None;
    }
    let energy: f64 = frame.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
    // A sine of amplitude A over N samples has energy N A²/2 and a Goertzel
    // power of (A N / 2)², so this scale turns each power into its share of the energy.
    let scale = 2.0 / (FRAME_SAMPLES as f64 * energy);
    let rows = ROW_HZ.map(|hz| goertzel_power(frame, hz) * scale);
    let columns = COLUMN_HZ.map(|hz| goertzel_power(frame, hz) * scale);
    let (row, row_share) = dominant(&rows)?;
    let (column, column_share) = dominant(&columns)?;
    if row_share + column_share < MIN_TONE_SHARE {
        return None;
    }
    let twist = row_share / column_share;
    if !(1.0 / MAX_TWIST..=MAX_TWIST).contains(&twist) {
        return None;
    }
    KEYPAD.get(row)?.get(column).copied()
}

/// Returns the index and share of the strongest tone when it clearly leads its group.
fn dominant(shares: &[f64; 4]) -> Option<(usize, f64)> {
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| shares[b].total_cmp(&shares[a]));
    let best = *order.first()?;
    let second = *order.get(1)?;
    (shares[best] > shares[second] * MIN_GROUP_MARGIN).then_some((best, shares[best]))
}

/// Power of `frame` at `hz`, by the Goertzel recurrence.
fn goertzel_power(frame: &Frame, hz: f64) -> f64 {
    let coefficient = 2.0 * (2.0 * std::f64::consts::PI * hz / f64::from(LINE_RATE)).cos();
    let (mut previous, mut before_previous) = (0.0f64, 0.0f64);
    for &sample in frame {
        let current = f64::from(sample) + coefficient * previous - before_previous;
        before_previous = previous;
        previous = current;
    }
    previous * previous + before_previous * before_previous - coefficient * previous * before_previous
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::dtmf::dtmf_frames;
    use crate::audio::SILENT_FRAME;

    fn detect(frames: &[Frame]) -> String {
        let mut detector = DtmfDetector::new();
        frames.iter().filter_map(|frame| detector.feed(frame)).collect()
    }

    #[test]
    fn every_key_is_detected_once() {
        let keys = "0123456789*#ABCD";
        let frames = dtmf_frames(keys).unwrap();
        assert_eq!(detect(&frames), keys);
    }

    #[test]
    fn repeated_key_needs_a_release() {
        let frames = dtmf_frames("55").unwrap();
        assert_eq!(detect(&frames), "55", "the gap between presses separates them");
    }

    #[test]
    fn quiet_keys_are_ignored() {
        let frames: Vec<Frame> = dtmf_frames("7").unwrap().iter().map(|frame| frame.map(|s| s / 200)).collect();
        assert_eq!(detect(&frames), "");
    }

    #[test]
    fn keys_survive_noise() {
        let mut seed = 0x2545_f491_u32;
        let frames: Vec<Frame> = dtmf_frames("19#")
            .unwrap()
            .iter()
            .map(|frame| {
                frame.map(|s| {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    s.saturating_add((seed % 1_200) as i16 - 600)
                })
            })
            .collect();
        assert_eq!(detect(&frames), "19#");
    }

    #[test]
    fn single_tones_and_silence_are_not_keys() {
        let tone: Vec<Frame> = (0..10)
            .map(|index| {
                let mut frame = SILENT_FRAME;
                for (n, sample) in frame.iter_mut().enumerate() {
                    let t = (index * FRAME_SAMPLES + n) as f64 / 8_000.0;
                    *sample = (10_000.0 * (2.0 * std::f64::consts::PI * 770.0 * t).sin()) as i16;
                }
                frame
            })
            .collect();
        assert_eq!(detect(&tone), "", "a row tone alone");
        assert_eq!(detect(&[SILENT_FRAME; 10]), "");
    }
}
