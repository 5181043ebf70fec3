//! Audio formats, resampling, caller recordings and call recordings.
//!
//! The telephone side is always 8 kHz, 16-bit, mono, in frames of 20 ms, the
//! format that GSM modules and voice modems exchange. Speech models want other
//! rates: Whisper and Silero take 16 kHz, Piper produces 22.05 kHz.

pub mod dtmf;
pub mod dtmf_detect;
pub mod recorder;
pub mod resample;
pub mod wav;

/// Sample rate of the telephone line in Hz.
pub const LINE_RATE: u32 = 8_000;

/// Sample rate that Whisper and Silero VAD take, in Hz.
pub const MODEL_RATE: u32 = 16_000;

/// Samples in one 20 ms line frame at [`LINE_RATE`].
pub const FRAME_SAMPLES: usize = 160;

/// Duration of one line frame in milliseconds.
pub const FRAME_MS: u64 = 20;

/// One 20 ms frame of line audio.
pub type Frame = [i16; FRAME_SAMPLES];

/// A frame of digital silence.
pub const SILENT_FRAME: Frame = [0; FRAME_SAMPLES];

/// Converts 16-bit PCM to floats in [-1, 1).
pub fn to_f32(samples: &[i16]) -> Vec<f32> {
    samples.iter().map(|&s| f32::from(s) / 32_768.0).collect()
}

/// Converts floats to 16-bit PCM, clipping anything outside [-1, 1].
pub fn to_i16(samples: &[f32]) -> Vec<i16> {
    samples
        .iter()
        .map(|&s| (s * 32_768.0).round().clamp(-32_768.0, 32_767.0) as i16)
        .collect()
}

/// Root-mean-square level of a block of samples, in dBFS (full scale sine is -3 dB).
pub fn rms_dbfs(samples: &[i16]) -> f32 {
    if samples.is_empty() {
        return f32::NEG_INFINITY;
    }
    let sum: f64 = samples.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
    let rms = (sum / samples.len() as f64).sqrt() / 32_768.0;
    (20.0 * rms.log10()) as f32
}
