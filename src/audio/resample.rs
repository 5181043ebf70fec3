//! Rational-ratio resampling with a windowed-sinc low-pass filter.
//!
//! The filter is a Kaiser-windowed sinc designed at the upsampled rate and
//! split into polyphase branches, so each output sample costs `taps_per_phase`
//! multiply-adds. The cutoff sits below the lower of the two Nyquist
//! frequencies, so downsampling (Piper's 22.05 kHz to the 8 kHz line) removes
//! what would otherwise alias, and upsampling (8 kHz to 16 kHz) removes the
//! spectral images.

/// Stopband attenuation target in dB; it sets the Kaiser window's beta.
const STOPBAND_DB: f64 = 80.0;

/// Passband edge as a fraction of the lower Nyquist frequency. Telephone
/// speech carries nothing useful above 3.4 kHz, so 0.9 of 4 kHz keeps all of it.
const PASSBAND_FRACTION: f64 = 0.9;

/// A streaming resampler from one fixed rate to another.
pub struct Resampler {
    up: usize,
    down: usize,
    taps_per_phase: usize,
    /// Filter coefficients by phase: `phases[p][j]` weighs input `i - j`.
    phases: Vec<Vec<f32>>,
    /// Input samples not yet fully consumed, oldest first.
    history: Vec<f32>,
    /// Index (in all input ever pushed) of `history[0]`.
    history_start: u64,
    /// Next output sample position, in units of input samples times `up`.
    next_output: u64,
}

impl Resampler {
    /// Builds a resampler from `from_hz` to `to_hz`.
    ///
    /// # Panics
    /// Panics if either rate is zero; rates come from constants and validated files.
    pub fn new(from_hz: u32, to_hz: u32) -> Resampler {
        assert!(from_hz > 0, "the input sample rate must be positive");
        assert!(to_hz > 0, "the output sample rate must be positive");
        let divisor = gcd(from_hz, to_hz);
        let up = (to_hz / divisor) as usize;
        let down = (from_hz / divisor) as usize;

        let high_rate = f64::from(from_hz) * up as f64;
        let nyquist = f64::from(from_hz.min(to_hz)) / 2.0;
        let pass_hz = nyquist * PASSBAND_FRACTION;
        let cutoff_hz = (pass_hz + nyquist) / 2.0;
        let transition = 2.0 * std::f64::consts::PI * (nyquist - pass_hz) / high_rate;
        // Kaiser's estimate of the filter length for the attenuation and transition width.
        let length = ((STOPBAND_DB - 8.0) / (2.285 * transition)).ceil() as usize;
        let taps_per_phase = length.div_ceil(up).max(2);
        let length = taps_per_phase * up;

        let beta = 0.1102 * (STOPBAND_DB - 8.7);
        let centre = (length - 1) as f64 / 2.0;
        let fc = cutoff_hz / high_rate;
        let norm = bessel_i0(beta);
        let mut prototype = vec![0.0f64; length];
        for (k, tap) in prototype.iter_mut().enumerate() {
            let x = k as f64 - centre;
            let sinc = if x == 0.0 {
                2.0 * fc
            } else {
                (2.0 * std::f64::consts::PI * fc * x).sin() / (std::f64::consts::PI * x)
            };
            let ratio = x / centre;
            let window = bessel_i0(beta * (1.0 - ratio * ratio).max(0.0).sqrt()) / norm;
            // The gain of `up` restores the level lost to zero-stuffing.
            *tap = sinc * window * up as f64;
        }

        let phases = (0..up)
            .map(|p| {
                (0..taps_per_phase)
                    .map(|j| prototype[p + j * up] as f32)
                    .collect()
            })
            .collect();

        Resampler {
            up,
            down,
            taps_per_phase,
            phases,
            history: Vec::new(),
            history_start: 0,
            next_output: 0,
        }
    }

    /// Delay that the filter adds, in output samples.
    pub fn delay_output_samples(&self) -> usize {
        let length = self.taps_per_phase * self.up;
        ((length - 1) / 2) / self.down
    }

    /// Pushes input and returns every output sample that the input now determines.
    pub fn process(&mut self, input: &[f32]) -> Vec<f32> {
        self.history.extend_from_slice(input);
        let available_end = self.history_start + self.history.len() as u64;
        let mut output = Vec::with_capacity(input.len() * self.up / self.down + 1);

        loop {
            let input_index = self.next_output / self.up as u64;
            if input_index >= available_end {
                break;
            }
            let phase = (self.next_output % self.up as u64) as usize;
            let coefficients = &self.phases[phase];
            let mut acc = 0.0f32;
            for (j, &c) in coefficients.iter().enumerate() {
                let Some(index) = input_index.checked_sub(j as u64) else {
                    break;
                };
                if index < self.history_start {
                    break;
                }
                acc += c * self.history[(index - self.history_start) as usize];
            }
            output.push(acc);
            self.next_output += self.down as u64;
        }

        // Keep only the samples that future outputs can still reach.
        let next_index = self.next_output / self.up as u64;
        let keep_from = next_index.saturating_sub(self.taps_per_phase as u64);
        if keep_from > self.history_start {
            let drop = (keep_from - self.history_start) as usize;
            self.history.drain(..drop.min(self.history.len()));
            self.history_start = keep_from;
        }
        output
    }

    /// Resamples a whole buffer, removing the filter delay so that output lines up with input.
    pub fn process_all(from_hz: u32, to_hz: u32, input: &[f32]) -> Vec<f32> {
        if from_hz == to_hz {
            return input.to_vec();
        }
        Resampler::new(from_hz, to_hz).process_block(input)
    }

    /// Resamples a whole buffer with this resampler's filter, from a clean
    /// state, removing the filter delay. Reusing one resampler saves
    /// designing the filter again (tens of thousands of taps for 22.05 to 8 kHz).
    pub fn process_block(&mut self, input: &[f32]) -> Vec<f32> {
        self.reset();
        let delay = self.delay_output_samples();
        let mut output = self.process(input);
        output.extend(self.process(&vec![0.0; self.taps_per_phase]));
        self.reset();
        let expected = (input.len() as u64 * self.up as u64).div_ceil(self.down as u64);
        output
            .into_iter()
            .skip(delay)
            .take(expected as usize)
            .collect()
    }

    /// Forgets past input, as if newly built.
    pub fn reset(&mut self) {
        self.history.clear();
        self.history_start = 0;
        self.next_output = 0;
    }
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Zeroth-order modified Bessel function of the first kind, by its power series.
fn bessel_i0(x: f64) -> f64 {
    let mut sum = 1.0;
    let mut term = 1.0;
    let half = x / 2.0;
    for k in 1..64 {
        term *= (half / k as f64) * (half / k as f64);
        sum += term;
        if term < sum * 1e-16 {
            break;
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(rate: u32, hz: f64, seconds: f64) -> Vec<f32> {
        let n = (f64::from(rate) * seconds) as usize;
        (0..n)
            .map(|i| (0.5 * (2.0 * std::f64::consts::PI * hz * i as f64 / f64::from(rate)).sin()) as f32)
            .collect()
    }

    /// RMS of the middle half, away from the edges where the filter ramps.
    fn middle_rms(samples: &[f32]) -> f64 {
        let quarter = samples.len() / 4;
        let middle = &samples[quarter..samples.len() - quarter];
        (middle.iter().map(|&s| f64::from(s) * f64::from(s)).sum::<f64>() / middle.len() as f64).sqrt()
    }

    #[test]
    fn upsampling_keeps_a_speech_band_tone() {
        let input = tone(8_000, 1_000.0, 1.0);
        let output = Resampler::process_all(8_000, 16_000, &input);
        assert_eq!(output.len(), 16_000);
        let ratio = middle_rms(&output) / middle_rms(&input);
        assert!((ratio - 1.0).abs() < 0.01, "gain {ratio}");
    }

    #[test]
    fn downsampling_keeps_a_speech_band_tone() {
        let input = tone(22_050, 1_000.0, 1.0);
        let output = Resampler::process_all(22_050, 8_000, &input);
        assert_eq!(output.len(), 8_000);
        let ratio = middle_rms(&output) / middle_rms(&input);
        assert!((ratio - 1.0).abs() < 0.01, "gain {ratio}");
    }

    #[test]
    fn downsampling_rejects_what_would_alias() {
        // 6 kHz is above the 4 kHz Nyquist of the line; without a low-pass
        // filter it would fold back to 2 kHz at full level.
        let input = tone(22_050, 6_000.0, 1.0);
        let output = Resampler::process_all(22_050, 8_000, &input);
        let attenuation_db = 20.0 * (middle_rms(&output) / middle_rms(&input)).log10();
        assert!(attenuation_db < -60.0, "only {attenuation_db:.1} dB down");
    }

    #[test]
    fn output_lines_up_with_input() {
        // A click at 0.5 s must stay at 0.5 s after the delay is removed.
        let mut input = vec![0.0f32; 8_000];
        input[4_000] = 1.0;
        let output = Resampler::process_all(8_000, 16_000, &input);
        let peak = output
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
            .map(|(i, _)| i)
            .unwrap();
        assert!((peak as i64 - 8_000).abs() <= 1, "peak at {peak}");
    }

    #[test]
    fn reused_resampler_matches_a_new_one() {
        let first = tone(22_050, 700.0, 0.3);
        let second = tone(22_050, 1_300.0, 0.2);
        let mut reused = Resampler::new(22_050, 8_000);
        let _ = reused.process_block(&first);
        assert_eq!(reused.process_block(&second), Resampler::process_all(22_050, 8_000, &second));
    }

    #[test]
    fn streaming_matches_whole_buffer() {
        let input = tone(8_000, 440.0, 0.5);
        let mut streaming = Resampler::new(8_000, 16_000);
        let mut chunked = Vec::new();
        for chunk in input.chunks(160) {
            chunked.extend(streaming.process(chunk));
        }
        let mut whole = Resampler::new(8_000, 16_000);
        let all = whole.process(&input);
        assert_eq!(chunked.len(), all.len());
        for (a, b) in chunked.iter().zip(&all) {
            assert!((a - b).abs() < 1e-6);
        }
    }
}
