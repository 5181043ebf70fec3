//! WAV input, resampling and synthetic test signals.

use std::f64::consts::PI;
use std::path::Path;

/// Sample rate the worker expects, in Hz.
pub const RATE: u32 = 16_000;

/// Mono 16-bit PCM audio.
#[derive(Debug, Clone)]
pub struct Audio {
    pub rate: u32,
    pub samples: Vec<i16>,
}

impl Audio {
    pub fn duration_seconds(&self) -> f64 {
        self.samples.len() as f64 / f64::from(self.rate)
    }
}

/// Reads a 16-bit PCM WAV file, averaging the channels of a multi-channel file.
pub fn read_wav(path: &Path) -> Audio {
    let bytes =
        std::fs::read(path).unwrap_or_else(|e| panic!("failed to read {}: {e}", path.display()));
    parse_wav(&bytes).unwrap_or_else(|e| panic!("invalid WAV file {}: {e}", path.display()))
}

/// Parses RIFF/WAVE bytes with a `fmt ` chunk of PCM (tag 1) or WAVE_FORMAT_EXTENSIBLE (tag
/// 0xFFFE) and 16-bit samples.
pub fn parse_wav(bytes: &[u8]) -> Result<Audio, String> {
    if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return Err("not a RIFF/WAVE file".into());
    }
    let read_u16 = |at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]);
    let read_u32 = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());

    let mut format: Option<(u16, u32, u16)> = None;
    let mut position = 12;
    while position + 8 <= bytes.len() {
        let id = &bytes[position..position + 4];
        let size = read_u32(position + 4) as usize;
        let body = position + 8;
        let end = body.checked_add(size).filter(|&end| end <= bytes.len());
        match id {
            b"fmt " => {
                if size < 16 || end.is_none() {
                    return Err("truncated fmt chunk".into());
                }
                let tag = read_u16(body);
                let channels = read_u16(body + 2);
                let rate = read_u32(body + 4);
                let bits = read_u16(body + 14);
                if tag != 1 && tag != 0xFFFE {
                    return Err(format!("unsupported format tag {tag:#x}, expected PCM"));
                }
                if bits != 16 {
                    return Err(format!("unsupported {bits}-bit samples, expected 16-bit"));
                }
                if channels == 0 {
                    return Err("0 channels".into());
                }
                format = Some((channels, rate, bits));
            }
            b"data" => {
                let (channels, rate, _) = format.ok_or("data chunk before fmt chunk")?;
                // Some writers leave the data size at 0 or past the end for streamed files.
                let end = end.unwrap_or(bytes.len());
                let frames = bytes[body..end]
                    .chunks_exact(2 * channels as usize)
                    .map(|frame| {
                        let sum: i32 = frame
                            .chunks_exact(2)
                            .map(|s| i32::from(i16::from_le_bytes([s[0], s[1]])))
                            .sum();
                        (sum / i32::from(channels)) as i16
                    })
                    .collect();
                return Ok(Audio {
                    rate,
                    samples: frames,
                });
            }
            _ => {}
        }
        // Chunks are padded to an even size.
        position = body + size + (size & 1);
    }
    Err("no data chunk".into())
}

/// Number of input samples on each side of an output sample that the resampling filter
/// reads, at the lower of the two rates.
const SINC_HALF_WIDTH: usize = 32;

/// Resamples by band-limited (windowed-sinc) interpolation.
///
/// The low-pass cutoff is 0.9 of the lower Nyquist frequency. A Blackman window over
/// `SINC_HALF_WIDTH` zero crossings on each side keeps images and aliases more than 60 dB
/// down, which `helpers.rs` checks with a 1 kHz and a 7 kHz tone.
pub fn resample(input: &[i16], from_rate: u32, to_rate: u32) -> Vec<i16> {
    if from_rate == to_rate {
        return input.to_vec();
    }
    let ratio = f64::from(to_rate) / f64::from(from_rate);
    // Cutoff relative to the input rate: below both Nyquist frequencies.
    let cutoff = 0.9 * ratio.min(1.0) * 0.5;
    // Taps on each side, in input samples, so that the filter spans SINC_HALF_WIDTH zero
    // crossings of the cutoff frequency.
    let half_taps = (SINC_HALF_WIDTH as f64 / (2.0 * cutoff)).ceil() as i64;
    let output_len = (input.len() as f64 * ratio).round() as usize;

    (0..output_len)
        .map(|n| {
            let center = n as f64 / ratio;
            let first = (center.floor() as i64 - half_taps + 1).max(0);
            let last = (center.floor() as i64 + half_taps).min(input.len() as i64 - 1);
            let mut sum = 0.0;
            for k in first..=last {
                let offset = center - k as f64;
                let window_position = offset / (half_taps as f64); // in [-1, 1]
                sum += f64::from(input[k as usize])
                    * 2.0
                    * cutoff
                    * sinc(2.0 * cutoff * offset)
                    * blackman(window_position);
            }
            sum.round().clamp(-32768.0, 32767.0) as i16
        })
        .collect()
}

fn sinc(x: f64) -> f64 {
    if x.abs() < 1e-12 {
        1.0
    } else {
        (PI * x).sin() / (PI * x)
    }
}

/// Blackman window on [-1, 1], zero outside.
fn blackman(x: f64) -> f64 {
    if x.abs() >= 1.0 {
        return 0.0;
    }
    let phase = PI * (x + 1.0); // 0 to 2π across the window
    0.42 - 0.5 * phase.cos() + 0.08 * (2.0 * phase).cos()
}

/// Reads an Asterisk prompt (8 kHz) and resamples it to 16 kHz.
pub fn read_prompt(path: &Path) -> Vec<i16> {
    let audio = read_wav(path);
    resample(&audio.samples, audio.rate, RATE)
}

/// Converts a level in dBFS (relative to a full-scale sine) to a peak amplitude.
pub fn dbfs_to_amplitude(dbfs: f64) -> f64 {
    32767.0 * 10f64.powf(dbfs / 20.0)
}

/// Sum of sines of `frequencies` Hz, each with a peak level of `dbfs_each`.
pub fn tones(frequencies: &[f64], dbfs_each: f64, seconds: f64) -> Vec<i16> {
    let amplitude = dbfs_to_amplitude(dbfs_each);
    let count = (seconds * f64::from(RATE)) as usize;
    (0..count)
        .map(|n| {
            let t = n as f64 / f64::from(RATE);
            let value: f64 = frequencies
                .iter()
                .map(|f| amplitude * (2.0 * PI * f * t).sin())
                .sum();
            value.round().clamp(-32768.0, 32767.0) as i16
        })
        .collect()
}

/// White noise band-limited to `low`..`high` Hz and scaled to an RMS level of `rms_dbfs`,
/// from a fixed seed so that runs are repeatable.
pub fn band_noise(low: f64, high: f64, rms_dbfs: f64, seconds: f64, seed: u64) -> Vec<i16> {
    let count = (seconds * f64::from(RATE)) as usize;
    let mut state = seed.max(1);
    let white: Vec<f64> = (0..count)
        .map(|_| {
            // xorshift64*, mapped to [-1, 1).
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            let bits = state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
            bits as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
        })
        .collect();

    let filter = band_pass_taps(low, high, 255);
    let half = filter.len() / 2;
    let filtered: Vec<f64> = (0..count)
        .map(|n| {
            filter
                .iter()
                .enumerate()
                .filter_map(|(i, tap)| {
                    let k = (n + i).checked_sub(half)?;
                    white.get(k).map(|x| x * tap)
                })
                .sum()
        })
        .collect();

    let rms = (filtered.iter().map(|x| x * x).sum::<f64>() / count as f64).sqrt();
    // A full-scale sine has an RMS of 1/√2 of full scale, which is 0 dBFS.
    let target = dbfs_to_amplitude(rms_dbfs) / std::f64::consts::SQRT_2;
    filtered
        .iter()
        .map(|x| (x / rms * target).round().clamp(-32768.0, 32767.0) as i16)
        .collect()
}

/// Returns the taps of a Blackman-windowed band-pass FIR filter, the difference of two
/// low-pass filters.
fn band_pass_taps(low: f64, high: f64, length: usize) -> Vec<f64> {
    let rate = f64::from(RATE);
    let middle = (length / 2) as f64;
    (0..length)
        .map(|i| {
            let offset = i as f64 - middle;
            let low_pass = |cutoff: f64| 2.0 * cutoff / rate * sinc(2.0 * cutoff / rate * offset);
            (low_pass(high) - low_pass(low)) * blackman(offset / (middle + 1.0))
        })
        .collect()
}

/// RMS level of `samples` in dBFS, where a full-scale sine is 0 dBFS.
pub fn rms_dbfs(samples: &[i16]) -> f64 {
    let mean_square =
        samples.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / samples.len() as f64;
    20.0 * (mean_square.sqrt() * std::f64::consts::SQRT_2 / 32767.0).log10()
}

/// Power of `frequency` Hz in `samples` relative to a full-scale sine, in dB (Goertzel).
pub fn tone_level_db(samples: &[i16], rate: u32, frequency: f64) -> f64 {
    let omega = 2.0 * PI * frequency / f64::from(rate);
    let coefficient = 2.0 * omega.cos();
    let (mut previous, mut before_previous) = (0.0f64, 0.0f64);
    for &sample in samples {
        let current = f64::from(sample) + coefficient * previous - before_previous;
        before_previous = previous;
        previous = current;
    }
    let power = previous * previous + before_previous * before_previous
        - coefficient * previous * before_previous;
    let amplitude = 2.0 * power.sqrt() / samples.len() as f64;
    20.0 * (amplitude / 32767.0).log10()
}

/// Concatenates clips with `gap_seconds` of silence between them.
pub fn join_with_gaps(clips: &[Vec<i16>], gap_seconds: f64) -> Vec<i16> {
    let gap = vec![0i16; (gap_seconds * f64::from(RATE)) as usize];
    let mut joined = Vec::new();
    for (index, clip) in clips.iter().enumerate() {
        if index > 0 {
            joined.extend_from_slice(&gap);
        }
        joined.extend_from_slice(clip);
    }
    joined
}
