//! The sound card boundary: [`PcmIo`] and its ALSA implementation.

use std::io;

use alsa::pcm::{Access, Format, HwParams, PCM};
use alsa::{Direction, ValueOr};

/// Blocks per second: each block read or written is 20 ms.
pub const BLOCKS_PER_SECOND: u32 = 50;

/// Periods in the ALSA buffer. Four periods of 20 ms leave room for 40 ms of
/// scheduling jitter on top of the two prefilled periods.
pub const BUFFER_PERIODS: i64 = 4;

/// A direction of the sound card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Capture,
    Playback,
}

/// Error from the sound card.
#[derive(Debug, thiserror::Error)]
pub enum PcmError {
    /// The card ran out of audio to play (underrun) or of room for captured
    /// audio (overrun); ALSA returns EPIPE. [`PcmIo::recover`] fixes it.
    #[error("{stream:?} xrun (EPIPE)")]
    Xrun { stream: Stream },
    #[error("ALSA device {device}: {action} failed: {source}; check the device name in the line settings (`aplay -L` lists them) and that the card is plugged in")]
    Failed { device: String, action: &'static str, source: io::Error },
    #[error("ALSA device {device}: capture runs at {capture_hz} Hz but playback at {playback_hz} Hz; use a plughw: device so ALSA converts one of them")]
    RateMismatch { device: String, capture_hz: u32, playback_hz: u32 },
    #[error("ALSA device {device}: rate {rate_hz} Hz is not a whole number of samples per 20 ms; use a plughw: device and 8000 Hz")]
    UnusableRate { device: String, rate_hz: u32 },
}

/// One sound card with a capture and a playback stream, 16-bit mono at one
/// rate, read and written in 20 ms blocks.
///
/// Threading: `read_block` blocks until the card has captured a block, and
/// `write_block` may block until the card has room. Call them only from a
/// dedicated thread, never from an async task.
pub trait PcmIo: Send {
    /// Name of the device, for logs and errors.
    fn device(&self) -> &str;

    /// Opens and prepares both streams and starts capture; returns the rate
    /// in Hz that both directions run at.
    fn open(&mut self) -> Result<u32, PcmError>;

    /// Stops and closes both streams.
    fn close(&mut self);

    /// Rate in Hz while open.
    fn rate(&self) -> Option<u32>;

    /// Reads exactly `block.len()` captured samples, blocking until they are there.
    fn read_block(&mut self, block: &mut [i16]) -> Result<(), PcmError>;

    /// Queues `block` for playback, blocking while the buffer is full.
    fn write_block(&mut self, block: &[i16]) -> Result<(), PcmError>;

    /// Makes `stream` usable again after [`PcmError::Xrun`]: prepares it and,
    /// for capture, starts it. The playback buffer is empty afterwards.
    fn recover(&mut self, stream: Stream) -> Result<(), PcmError>;
}

/// [`PcmIo`] on an ALSA PCM device such as `plughw:CARD=Device,DEV=0` or
/// `default`, through alsa-lib.
pub struct AlsaPcm {
    device: String,
    preferred_rate: u32,
    capture: Option<PCM>,
    playback: Option<PCM>,
    rate: Option<u32>,
}

impl AlsaPcm {
    /// Creates the handle without opening the device. `preferred_rate` is
    /// requested first: 8000 avoids resampling, and `plughw:` devices convert
    /// to it. A `hw:` device that cannot run at it runs at the nearest rate
    /// it supports, and the line resamples.
    pub fn new(device: &str, preferred_rate: u32) -> AlsaPcm {
        AlsaPcm { device: device.to_string(), preferred_rate, capture: None, playback: None, rate: None }
    }

    fn failed(&self, action: &'static str) -> impl FnOnce(alsa::Error) -> PcmError + '_ {
        move |error| PcmError::Failed {
            device: self.device.clone(),
            action,
            source: io::Error::from_raw_os_error(error.errno()),
        }
    }

    /// Opens one direction at `rate_hz` (or the nearest rate) and returns it with its rate.
    fn open_stream(&self, direction: Direction, rate_hz: u32) -> Result<(PCM, u32), PcmError> {
        let pcm = PCM::new(&self.device, direction, false).map_err(self.failed("open"))?;
        let rate = {
            let params = HwParams::any(&pcm).map_err(self.failed("reading hardware parameters"))?;
            params.set_access(Access::RWInterleaved).map_err(self.failed("setting interleaved access"))?;
            params.set_format(Format::s16()).map_err(self.failed("setting S16 format"))?;
            params.set_channels(1).map_err(self.failed("setting mono"))?;
            let rate = params.set_rate_near(rate_hz, ValueOr::Nearest).map_err(self.failed("setting the rate"))?;
            let period = i64::from(rate / BLOCKS_PER_SECOND);
            let period = params.set_period_size_near(period, ValueOr::Nearest).map_err(self.failed("setting the period"))?;
            params
                .set_buffer_size_near(period * BUFFER_PERIODS)
                .map_err(self.failed("setting the buffer size"))?;
            pcm.hw_params(&params).map_err(self.failed("applying hardware parameters"))?;
            rate
        };
        Ok((pcm, rate))
    }

    fn configure_start(&self, pcm: &PCM, direction: Direction) -> Result<(), PcmError> {
        let params = pcm.sw_params_current().map_err(self.failed("reading software parameters"))?;
        let (buffer, period) = pcm.get_params().map_err(self.failed("reading the period"))?;
        let period = i64::try_from(period).unwrap_or(i64::MAX);
        if direction == Direction::Playback {
            // Playback starts once one period is queued; the prefill queues two.
            params.set_start_threshold(period).map_err(self.failed("setting the start threshold"))?;
        }
        params.set_avail_min(period).map_err(self.failed("setting avail_min"))?;
        pcm.sw_params(&params).map_err(self.failed("applying software parameters"))?;
        tracing::debug!(device = %self.device, ?direction, buffer, period, "ALSA stream configured");
        Ok(())
    }

    fn stream(&self, stream: Stream) -> Result<&PCM, PcmError> {
        let pcm = match stream {
            Stream::Capture => self.capture.as_ref(),
            Stream::Playback => self.playback.as_ref(),
        };
        pcm.ok_or_else(|| PcmError::Failed {
            device: self.device.clone(),
            action: "using the stream",
            source: io::Error::new(io::ErrorKind::NotConnected, "the device is not open"),
        })
    }
}

/// Maps EPIPE to [`PcmError::Xrun`] and anything else to `Failed`.
fn classify(device: &str, stream: Stream, action: &'static str, error: alsa::Error) -> PcmError {
    if error.errno() == libc::EPIPE {
        return PcmError::Xrun { stream };
    }
    PcmError::Failed { device: device.to_string(), action, source: io::Error::from_raw_os_error(error.errno()) }
}

impl PcmIo for AlsaPcm {
    fn device(&self) -> &str {
        &self.device
    }

    fn open(&mut self) -> Result<u32, PcmError> {
        self.close();
        let (capture, capture_hz) = self.open_stream(Direction::Capture, self.preferred_rate)?;
        let (playback, playback_hz) = self.open_stream(Direction::Playback, capture_hz)?;
        if capture_hz != playback_hz {
            return Err(PcmError::RateMismatch { device: self.device.clone(), capture_hz, playback_hz });
        }
        if capture_hz == 0 || capture_hz % BLOCKS_PER_SECOND != 0 {
            return Err(PcmError::UnusableRate { device: self.device.clone(), rate_hz: capture_hz });
        }
        self.configure_start(&capture, Direction::Capture)?;
        self.configure_start(&playback, Direction::Playback)?;
        capture.start().map_err(self.failed("starting capture"))?;
        self.capture = Some(capture);
        self.playback = Some(playback);
        self.rate = Some(capture_hz);
        Ok(capture_hz)
    }

    fn close(&mut self) {
        for pcm in [self.capture.take(), self.playback.take()].into_iter().flatten() {
            // Dropping discards queued audio at once instead of draining it.
            let _ = pcm.drop();
        }
        self.rate = None;
    }

    fn rate(&self) -> Option<u32> {
        self.rate
    }

    fn read_block(&mut self, block: &mut [i16]) -> Result<(), PcmError> {
        let pcm = self.stream(Stream::Capture)?;
        let io = pcm.io_i16().map_err(|e| classify(&self.device, Stream::Capture, "reading", e))?;
        let mut filled = 0;
        while let Some(rest) = block.get_mut(filled..).filter(|rest| !rest.is_empty()) {
            filled += io.readi(rest).map_err(|e| classify(&self.device, Stream::Capture, "reading", e))?;
        }
        Ok(())
    }

    fn write_block(&mut self, block: &[i16]) -> Result<(), PcmError> {
        let pcm = self.stream(Stream::Playback)?;
        let io = pcm.io_i16().map_err(|e| classify(&self.device, Stream::Playback, "writing", e))?;
        let mut written = 0;
        while let Some(rest) = block.get(written..).filter(|rest| !rest.is_empty()) {
            written += io.writei(rest).map_err(|e| classify(&self.device, Stream::Playback, "writing", e))?;
        }
        Ok(())
    }

    fn recover(&mut self, stream: Stream) -> Result<(), PcmError> {
        let pcm = self.stream(stream)?;
        pcm.prepare().map_err(self.failed("preparing after an xrun"))?;
        if stream == Stream::Capture {
            pcm.start().map_err(self.failed("restarting capture"))?;
        }
        Ok(())
    }
}

impl Drop for AlsaPcm {
    fn drop(&mut self) {
        self.close();
    }
}
