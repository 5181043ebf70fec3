//! The PCM audio port of a GSM module: raw 8 kHz, 16-bit little-endian mono,
//! 320 bytes per 20 ms frame, both ways on one serial port (SIM7600 after
//! AT+CPCMREG=1, EC25 after AT+QPCMV=1,0).
//!
//! The module's clock paces the call: each frame read from the port is sent
//! to the call loop, and one frame from the playout buffer is written back
//! at once. The host never writes on its own timer, so the two clocks cannot drift.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use standardiste_modem::port::SerialPort;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

use super::jitter::{PlayoutBuffer, PlayoutStats};
use crate::audio::{Frame, FRAME_SAMPLES};

/// Bytes in one 20 ms frame on the port.
pub const FRAME_BYTES: usize = FRAME_SAMPLES * 2;

/// Frames buffered towards the call loop: one second. When the loop is that
/// far behind, new frames are dropped and counted, as the module itself would.
const TO_CALL_QUEUE: usize = 50;

/// Frames collected before playback starts: 40 ms absorbs the call loop's scheduling jitter.
const PRIME_FRAMES: usize = 2;

/// Most frames queued for playback: beyond 120 ms the oldest are dropped, so the delay stays bounded.
const MAX_QUEUED_FRAMES: usize = 6;

/// Timing of the frames written to the module, for logs and the benchmark.
#[derive(Debug, Clone, Copy, Default)]
pub struct PumpStats {
    pub frames_in: u64,
    pub frames_out: u64,
    /// Frames the call loop did not take in time.
    pub dropped_in: u64,
    pub playout: PlayoutStats,
    /// Largest gap between two writes to the module.
    pub max_write_gap: Duration,
}

/// The running audio of one call.
pub struct PcmPump {
    pub frames: mpsc::Receiver<Frame>,
    playout: Arc<Mutex<PlayoutBuffer>>,
    stats: Arc<Mutex<PumpStats>>,
    task: tokio::task::JoinHandle<()>,
}

impl PcmPump {
    /// Opens the audio port and starts moving frames.
    pub fn start(path: &Path, baud: u32, label: &str) -> std::io::Result<PcmPump> {
        let port = SerialPort::open(path, baud)?;
        let (frames_tx, frames) = mpsc::channel(TO_CALL_QUEUE);
        let playout = Arc::new(Mutex::new(PlayoutBuffer::new(PRIME_FRAMES, MAX_QUEUED_FRAMES)));
        let stats = Arc::new(Mutex::new(PumpStats::default()));
        let task = tokio::spawn(pump(port, frames_tx, playout.clone(), stats.clone(), label.to_string()));
        Ok(PcmPump { frames, playout, stats, task })
    }

    /// Queues one frame of the box's audio.
    pub fn send(&self, frame: &Frame) {
        lock(&self.playout).push(*frame);
    }

    pub fn stats(&self) -> PumpStats {
        let mut stats = *lock(&self.stats);
        stats.playout = lock(&self.playout).stats();
        stats
    }

    pub fn stop(&self) {
        self.task.abort();
    }
}

impl Drop for PcmPump {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

async fn pump(
    mut port: SerialPort,
    frames: mpsc::Sender<Frame>,
    playout: Arc<Mutex<PlayoutBuffer>>,
    stats: Arc<Mutex<PumpStats>>,
    label: String,
) {
    let mut pending: Vec<u8> = Vec::with_capacity(FRAME_BYTES * 4);
    let mut buffer = [0u8; 2048];
    let mut out = Vec::with_capacity(FRAME_BYTES);
    let mut last_write: Option<Instant> = None;
    loop {
        let n = match port.read(&mut buffer).await {
            Ok(0) => break,
            Ok(n) => n,
            Err(error) => {
                tracing::warn!(line = %label, %error, "audio port read failed");
                break;
            }
        };
        pending.extend_from_slice(&buffer[..n]);
        while pending.len() >= FRAME_BYTES {
            let frame = decode_frame(&pending[..FRAME_BYTES]);
            pending.drain(..FRAME_BYTES);
            let accepted = frames.try_send(frame).is_ok();
            let reply = lock(&playout).pop();
            out.clear();
            for sample in reply {
                out.extend_from_slice(&sample.to_le_bytes());
            }
            if let Err(error) = port.write_all(&out).await {
                tracing::warn!(line = %label, %error, "audio port write failed");
                return;
            }
            let now = Instant::now();
            let mut stats = lock(&stats);
            stats.frames_in += 1;
            stats.frames_out += 1;
            if !accepted {
                stats.dropped_in += 1;
            }
            if let Some(previous) = last_write {
                stats.max_write_gap = stats.max_write_gap.max(now - previous);
            }
            last_write = Some(now);
        }
    }
    tracing::debug!(line = %label, "audio port closed");
}

fn decode_frame(bytes: &[u8]) -> Frame {
    let mut frame = [0i16; FRAME_SAMPLES];
    for (sample, pair) in frame.iter_mut().zip(bytes.chunks_exact(2)) {
        *sample = i16::from_le_bytes([pair[0], pair[1]]);
    }
    frame
}
