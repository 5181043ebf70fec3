//! Reading caller recordings from WAV files.

use std::path::{Path, PathBuf};

use super::resample::Resampler;
use super::{to_f32, to_i16, LINE_RATE};

/// Sample rates accepted for a caller recording, in Hz.
pub const ACCEPTED_RATES: [u32; 2] = [8_000, 16_000];

/// Error reading a caller recording.
#[derive(Debug, thiserror::Error)]
pub enum RecordingError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a readable WAV file ({reason}); expected 8 or 16 kHz, 16-bit PCM, mono or stereo WAV")]
    NotWav { path: PathBuf, reason: String },
    #[error("{path} has {value}; expected 8 or 16 kHz, 16-bit PCM, mono or stereo WAV (convert with: sox {path} -r 8000 -c 1 -b 16 caller.wav)")]
    Unsupported { path: PathBuf, value: String },
    #[error("{path} contains no audio samples")]
    Empty { path: PathBuf },
}

/// Reads a caller recording and returns it as 8 kHz mono line audio.
///
/// Stereo files are mixed down to mono; 16 kHz files are resampled with the
/// anti-aliasing filter in [`Resampler`].
pub fn read_caller_recording(path: &Path) -> Result<Vec<i16>, RecordingError> {
    let file = std::fs::File::open(path).map_err(|source| RecordingError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut reader = hound::WavReader::new(std::io::BufReader::new(file)).map_err(|e| {
        RecordingError::NotWav {
            path: path.to_path_buf(),
            reason: e.to_string(),
        }
    })?;
    let spec = reader.spec();
    let unsupported = |value: String| RecordingError::Unsupported {
        path: path.to_path_buf(),
        value,
    };
    if !ACCEPTED_RATES.contains(&spec.sample_rate) {
        return Err(unsupported(format!("a sample rate of {} Hz", spec.sample_rate)));
    }
    if spec.channels != 1 && spec.channels != 2 {
        return Err(unsupported(format!("{} channels", spec.channels)));
    }
    if spec.sample_format != hound::SampleFormat::Int || spec.bits_per_sample != 16 {
        return Err(unsupported(format!(
            "{}-bit {} samples",
            spec.bits_per_sample,
            match spec.sample_format {
                hound::SampleFormat::Int => "integer",
                hound::SampleFormat::Float => "floating-point",
            }
        )));
    }

    let interleaved = reader
        .samples::<i16>()
        .collect::<Result<Vec<i16>, _>>()
        .map_err(|e| RecordingError::NotWav {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
    let mono: Vec<i16> = if spec.channels == 2 {
        interleaved
            .chunks_exact(2)
            .map(|pair| ((i32::from(pair[0]) + i32::from(pair[1])) / 2) as i16)
            .collect()
    } else {
        interleaved
    };
    if mono.is_empty() {
        return Err(RecordingError::Empty {
            path: path.to_path_buf(),
        });
    }
    if spec.sample_rate == LINE_RATE {
        return Ok(mono);
    }
    let resampled = Resampler::process_all(spec.sample_rate, LINE_RATE, &to_f32(&mono));
    Ok(to_i16(&resampled))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_wav(path: &Path, rate: u32, channels: u16, bits: u16, samples: usize) {
        let spec = hound::WavSpec {
            channels,
            sample_rate: rate,
            bits_per_sample: bits,
            sample_format: hound::SampleFormat::Int,
        };
        let mut writer = hound::WavWriter::create(path, spec).unwrap();
        for i in 0..samples * channels as usize {
            if bits == 16 {
                writer.write_sample((i % 100) as i16).unwrap();
            } else {
                writer.write_sample((i % 100) as i32).unwrap();
            }
        }
        writer.finalize().unwrap();
    }

    #[test]
    fn accepts_each_supported_layout() {
        let dir = tempfile::tempdir().unwrap();
        for (rate, channels, expected_len) in [(8_000, 1, 8_000), (8_000, 2, 8_000), (16_000, 1, 8_000), (16_000, 2, 8_000)] {
            let path = dir.path().join(format!("{rate}-{channels}.wav"));
            write_wav(&path, rate, channels, 16, rate as usize);
            let samples = read_caller_recording(&path).unwrap();
            assert_eq!(samples.len(), expected_len, "{rate} Hz, {channels} channels");
        }
    }

    #[test]
    fn rejects_other_rates_with_the_value() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cd.wav");
        write_wav(&path, 44_100, 1, 16, 100);
        let message = read_caller_recording(&path).unwrap_err().to_string();
        assert!(message.contains("44100 Hz"), "{message}");
        assert!(message.contains("expected 8 or 16 kHz"), "{message}");
    }

    #[test]
    fn rejects_24_bit_samples() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deep.wav");
        write_wav(&path, 8_000, 1, 24, 100);
        let message = read_caller_recording(&path).unwrap_err().to_string();
        assert!(message.contains("24-bit integer"), "{message}");
    }

    #[test]
    fn rejects_a_file_that_is_not_wav() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.wav");
        std::fs::write(&path, b"these are not samples").unwrap();
        let message = read_caller_recording(&path).unwrap_err().to_string();
        assert!(message.contains("not a readable WAV file"), "{message}");
    }

    #[test]
    fn rejects_an_empty_recording() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.wav");
        write_wav(&path, 8_000, 1, 16, 0);
        let message = read_caller_recording(&path).unwrap_err().to_string();
        assert!(message.contains("no audio"), "{message}");
    }

    #[test]
    fn missing_file_names_the_path() {
        let message = read_caller_recording(Path::new("/nonexistent/caller.wav"))
            .unwrap_err()
            .to_string();
        assert!(message.contains("/nonexistent/caller.wav"), "{message}");
    }
}
