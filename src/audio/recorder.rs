//! The call recording: a stereo WAV with the caller on the left channel and
//! the box on the right, at the line's 8 kHz.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use super::{Frame, FRAME_SAMPLES, LINE_RATE};

/// Frames between header updates: one second of audio. After a crash the file
/// is a valid WAV that ends at the last update.
const FLUSH_EVERY_FRAMES: u32 = 50;

/// Writes both sides of a call to a WAV file as the call goes.
pub struct CallRecorder {
    writer: hound::WavWriter<BufWriter<File>>,
    path: PathBuf,
    frames_since_flush: u32,
    frames_written: u64,
}

impl CallRecorder {
    /// Creates the file, and its parent folder when needed.
    pub fn create(path: &Path) -> std::io::Result<CallRecorder> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: LINE_RATE,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut writer = hound::WavWriter::create(path, spec).map_err(into_io)?;
        // The header sits in a buffer until the first flush: write it now, so
        // that a full disk fails here, and remove the partial file then.
        if let Err(error) = writer.flush() {
            drop(writer);
            let _ = std::fs::remove_file(path);
            return Err(into_io(error));
        }
        Ok(CallRecorder {
            writer,
            path: path.to_path_buf(),
            frames_since_flush: 0,
            frames_written: 0,
        })
    }

    /// Appends one 20 ms frame of each side.
    pub fn write(&mut self, caller: &Frame, assistant: &Frame) -> std::io::Result<()> {
        for i in 0..FRAME_SAMPLES {
            self.writer.write_sample(caller[i]).map_err(into_io)?;
            self.writer.write_sample(assistant[i]).map_err(into_io)?;
        }
        self.frames_written += 1;
        self.frames_since_flush += 1;
        if self.frames_since_flush >= FLUSH_EVERY_FRAMES {
            self.writer.flush().map_err(into_io)?;
            self.frames_since_flush = 0;
        }
        Ok(())
    }

    /// Duration recorded so far, in milliseconds.
    pub fn duration_ms(&self) -> u64 {
        self.frames_written * super::FRAME_MS
    }

    /// Path of the WAV file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes the final header and closes the file.
    pub fn finish(self) -> std::io::Result<()> {
        self.writer.finalize().map_err(into_io)
    }
}

fn into_io(error: hound::Error) -> std::io::Error {
    match error {
        hound::Error::IoError(e) => e,
        other => std::io::Error::other(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_both_sides_on_separate_channels() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("calls/1.wav");
        let mut recorder = CallRecorder::create(&path).unwrap();
        let caller = [100i16; FRAME_SAMPLES];
        let assistant = [-200i16; FRAME_SAMPLES];
        for _ in 0..10 {
            recorder.write(&caller, &assistant).unwrap();
        }
        assert_eq!(recorder.duration_ms(), 200);
        recorder.finish().unwrap();

        let mut reader = hound::WavReader::open(&path).unwrap();
        assert_eq!(reader.spec().channels, 2);
        assert_eq!(reader.spec().sample_rate, 8_000);
        let samples: Vec<i16> = reader.samples::<i16>().map(Result::unwrap).collect();
        assert_eq!(samples.len(), 2 * 10 * FRAME_SAMPLES);
        assert!(samples.chunks(2).all(|pair| pair == [100, -200]));
    }

    #[test]
    fn unfinished_recording_is_readable_up_to_the_last_flush() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut.wav");
        let mut recorder = CallRecorder::create(&path).unwrap();
        let frame = [7i16; FRAME_SAMPLES];
        for _ in 0..(FLUSH_EVERY_FRAMES * 3 + 10) {
            recorder.write(&frame, &frame).unwrap();
        }
        // Leak the writer as a crash would: no finalize, no drop.
        std::mem::forget(recorder);

        let reader = hound::WavReader::open(&path).unwrap();
        let frames = reader.duration() as usize / FRAME_SAMPLES;
        assert!(frames >= (FLUSH_EVERY_FRAMES * 3) as usize, "only {frames} frames readable");
    }
}
