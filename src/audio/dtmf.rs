//! DTMF tone generation for keys the box plays to the far end, such as an
//! answering system that asks for an extension number.
//!
//! Each key is the sum of one low (row) and one high (column) sine, with the
//! frequencies of ITU-T Q.23: rows 697, 770, 852 and 941 Hz, columns 1209,
//! 1336, 1477 and 1633 Hz. A key sounds for 100 ms and is followed by 60 ms of
//! silence, so a digit takes exactly eight 20 ms frames at 8 kHz.

use crate::audio::{Frame, FRAME_SAMPLES, LINE_RATE};

/// Row (low group) frequencies in Hz, top row first.
pub(crate) const ROW_HZ: [f64; 4] = [697.0, 770.0, 852.0, 941.0];

/// Column (high group) frequencies in Hz, left column first.
pub(crate) const COLUMN_HZ: [f64; 4] = [1209.0, 1336.0, 1477.0, 1633.0];

/// Keys of the 4x4 keypad, by row then column.
pub(crate) const KEYPAD: [[char; 4]; 4] = [
    ['1', '2', '3', 'A'],
    ['4', '5', '6', 'B'],
    ['7', '8', '9', 'C'],
    ['*', '0', '#', 'D'],
];

/// Duration of each tone in milliseconds.
pub const TONE_MS: u32 = 100;

/// Silence after each tone in milliseconds.
pub const GAP_MS: u32 = 60;

/// Peak amplitude of each of the two sines, as a fraction of full scale.
/// Two sines at 0.3 peak at 0.6 together, about -7 dBFS for each tone, so
/// the sum never clips.
const TONE_AMPLITUDE: f64 = 0.3;

/// Length of the raised-cosine ramp at each end of a tone, in samples
/// (2 ms). A tone switched on or off abruptly spreads energy across the
/// band and can make a receiver see other keys.
const RAMP_SAMPLES: usize = 16;

/// Returns the row and column frequencies in Hz of `key`, or `None` for a
/// character that is not a DTMF key. Letters `a`-`d` count as `A`-`D`.
pub fn key_frequencies(key: char) -> Option<(f64, f64)> {
    let key = key.to_ascii_uppercase();
    for (row, keys) in KEYPAD.iter().enumerate() {
        if let Some(column) = keys.iter().position(|&k| k == key) {
            return Some((*ROW_HZ.get(row)?, *COLUMN_HZ.get(column)?));
        }
    }
    None
}

/// Generates the tones for `digits` at 8 kHz as whole line frames.
///
/// Returns the first character that is not a DTMF key as the error, before
/// generating anything.
pub fn dtmf_frames(digits: &str) -> Result<Vec<Frame>, char> {
    let mut pairs = Vec::with_capacity(digits.len());
    for key in digits.chars() {
        pairs.push(key_frequencies(key).ok_or(key)?);
    }

    let tone_len = (LINE_RATE * TONE_MS / 1_000) as usize;
    let gap_len = (LINE_RATE * GAP_MS / 1_000) as usize;
    let mut samples = Vec::with_capacity(pairs.len() * (tone_len + gap_len));
    for (row_hz, column_hz) in pairs {
        append_tone(&mut samples, row_hz, column_hz, tone_len);
        samples.resize(samples.len() + gap_len, 0);
    }
    Ok(into_frames(&samples))
}

fn append_tone(samples: &mut Vec<i16>, row_hz: f64, column_hz: f64, len: usize) {
    let rate = f64::from(LINE_RATE);
    for n in 0..len {
        let t = n as f64 / rate;
        let sum = (2.0 * std::f64::consts::PI * row_hz * t).sin() + (2.0 * std::f64::consts::PI * column_hz * t).sin();
        let value = sum * TONE_AMPLITUDE * ramp_gain(n, len) * 32_767.0;
        samples.push(value.round().clamp(-32_768.0, 32_767.0) as i16);
    }
}

/// Gain of the raised-cosine ramp at sample `n` of a tone `len` samples long.
fn ramp_gain(n: usize, len: usize) -> f64 {
    let from_edge = n.min(len.saturating_sub(n + 1));
    if from_edge >= RAMP_SAMPLES {
        return 1.0;
    }
    0.5 - 0.5 * (std::f64::consts::PI * from_edge as f64 / RAMP_SAMPLES as f64).cos()
}

/// Cuts samples into frames, padding the last one with silence.
fn into_frames(samples: &[i16]) -> Vec<Frame> {
    samples
        .chunks(FRAME_SAMPLES)
        .map(|chunk| {
            let mut frame = [0i16; FRAME_SAMPLES];
            for (slot, &sample) in frame.iter_mut().zip(chunk) {
                *slot = sample;
            }
            frame
        })
        .collect()
}
