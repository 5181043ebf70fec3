//! Call audio through a V.253 voice modem.
//!
//! Full duplex (AT+VTR) when the modem has it: the modem's receive clock
//! paces the call and one frame of the box's audio is written for each frame
//! received, as with a GSM module. Half duplex otherwise: the modem listens
//! (AT+VRX) until the box has something to say, then talks (AT+VTX) at
//! real-time pace from a local timer while silent frames keep the call loop's
//! clock running, and goes back to listening once the box has been quiet for
//! [`BACK_TO_LISTENING`]. Without full duplex the caller cannot interrupt the box.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use standardiste_modem::client::{AtClient, AtError, VoiceMode};
use standardiste_modem::codec::{decode, encode, SampleFormat};
use standardiste_modem::dle::{shield, ABORT, END_OF_DATA};
use tokio::sync::{mpsc, oneshot};
use tokio::time::MissedTickBehavior;

use crate::audio::{rms_dbfs, Frame, FRAME_MS, FRAME_SAMPLES, SILENT_FRAME};
use crate::line::jitter::{PlayoutBuffer, PlayoutStats};

/// Frames buffered towards the call loop: one second. When the loop is that
/// far behind, new frames are dropped and counted.
const TO_CALL_QUEUE: usize = 50;

/// 40 ms primed before playback; at most 120 ms queued (older frames dropped).
const PRIME_FRAMES: usize = 2;
const MAX_QUEUED_FRAMES: usize = 6;

/// Box audio above this level counts as speech worth switching to transmit for.
const SPEECH_DBFS: f32 = -50.0;

/// Quiet from the box before a half-duplex modem goes back to listening.
const BACK_TO_LISTENING: Duration = Duration::from_millis(300);

/// Time allowed for the modem to switch between listening and talking.
const SWITCH_TIMEOUT: Duration = Duration::from_secs(3);

/// Silence written ahead of the box's audio when playback starts: a modem
/// buffers only 1 to 2 KB and breaks up when the host writes late, so the
/// host keeps this lead (80 ms) over real time.
const LEAD_FRAMES: usize = 4;

/// How the modem carries the two directions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duplex {
    Full,
    Half,
}

/// Counters of one call's audio.
#[derive(Debug, Clone, Copy, Default)]
pub struct VoiceStats {
    pub frames_in: u64,
    pub frames_out: u64,
    pub dropped_in: u64,
    pub switches: u64,
    pub playout: PlayoutStats,
}

/// The running audio of one call.
pub struct VoicePump {
    pub frames: mpsc::Receiver<Frame>,
    playout: Arc<Mutex<PlayoutBuffer>>,
    /// DTMF tones, played before the box's speech and never dropped by the playout limit.
    tones: Arc<Mutex<VecDeque<Frame>>>,
    stats: Arc<Mutex<VoiceStats>>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

struct Pump {
    client: Arc<AtClient>,
    format: SampleFormat,
    duplex: Duplex,
    frames: mpsc::Sender<Frame>,
    playout: Arc<Mutex<PlayoutBuffer>>,
    tones: Arc<Mutex<VecDeque<Frame>>>,
    stats: Arc<Mutex<VoiceStats>>,
    label: String,
    /// Samples received but not yet a whole frame.
    pending: Vec<i16>,
    /// Bytes received but not yet a whole sample.
    carry: Vec<u8>,
    /// When the pump started, for the half-duplex clock.
    started: Instant,
    /// Frames delivered to the call loop so far.
    delivered: u64,
}

impl VoicePump {
    /// Starts moving audio; the modem must already be in voice mode
    /// (AT+VTR or AT+VRX answered CONNECT).
    pub fn start(
        client: Arc<AtClient>,
        audio: Arc<tokio::sync::Mutex<mpsc::Receiver<Vec<u8>>>>,
        format: SampleFormat,
        duplex: Duplex,
        label: &str,
    ) -> VoicePump {
        let (frames_tx, frames) = mpsc::channel(TO_CALL_QUEUE);
        let playout = Arc::new(Mutex::new(PlayoutBuffer::new(PRIME_FRAMES, MAX_QUEUED_FRAMES)));
        let stats = Arc::new(Mutex::new(VoiceStats::default()));
        let tones = Arc::new(Mutex::new(VecDeque::new()));
        let (stop, stopped) = oneshot::channel();
        let pump = Pump {
            client,
            format,
            duplex,
            frames: frames_tx,
            playout: playout.clone(),
            tones: tones.clone(),
            stats: stats.clone(),
            label: label.to_string(),
            pending: Vec::with_capacity(FRAME_SAMPLES * 2),
            carry: Vec::with_capacity(FRAME_SAMPLES * 2),
            started: Instant::now(),
            delivered: 0,
        };
        let task = tokio::spawn(pump.run(audio, stopped));
        VoicePump { frames, playout, tones, stats, stop: Some(stop), task: Some(task) }
    }

    pub fn send(&self, frame: &Frame) {
        lock(&self.playout).push(*frame);
    }

    /// Queues DTMF tone frames to play ahead of the box's speech.
    pub fn play_tones(&self, frames: Vec<Frame>) {
        lock(&self.tones).extend(frames);
    }

    pub fn stats(&self) -> VoiceStats {
        let mut stats = *lock(&self.stats);
        stats.playout = lock(&self.playout).stats();
        stats
    }

    /// Asks the pump to leave voice mode cleanly and waits for it; a pump
    /// that takes too long is aborted, and the modem may then still be in voice mode.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take() {
            if tokio::time::timeout(SWITCH_TIMEOUT * 3, &mut task).await.is_err() {
                tracing::warn!("voice audio did not stop in time; aborting it");
                task.abort();
            }
        }
    }
}

impl Drop for VoicePump {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

/// Whether a stop was requested (or its sender dropped), without waiting.
fn stop_requested(stopped: &mut oneshot::Receiver<()>) -> bool {
    !matches!(stopped.try_recv(), Err(oneshot::error::TryRecvError::Empty))
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Pump {
    async fn run(mut self, audio: Arc<tokio::sync::Mutex<mpsc::Receiver<Vec<u8>>>>, mut stopped: oneshot::Receiver<()>) {
        let mut audio = audio.lock().await;
        // Chunks left from before this call are not this caller's audio.
        while audio.try_recv().is_ok() {}
        let result = match self.duplex {
            Duplex::Full => self.run_full(&mut audio, &mut stopped).await,
            Duplex::Half => self.run_half(&mut audio, &mut stopped).await,
        };
        match result {
            Ok(terminator) => {
                if let Err(error) = self.client.end_voice(&terminator, SWITCH_TIMEOUT).await {
                    tracing::debug!(line = %self.label, %error, "leaving voice mode");
                }
            }
            Err(error) => tracing::warn!(line = %self.label, %error, "call audio stopped"),
        }
    }

    /// Returns the bytes that end the voice mode it stopped in.
    async fn run_full(&mut self, audio: &mut mpsc::Receiver<Vec<u8>>, stopped: &mut oneshot::Receiver<()>) -> Result<[u8; 2], AtError> {
        self.write_lead().await?;
        loop {
            tokio::select! {
                _ = &mut *stopped => return Ok(ABORT),
                chunk = audio.recv() => {
                    let Some(chunk) = chunk else { return Ok(ABORT) };
                    for _ in 0..self.take_frames(&chunk) {
                        let reply = self.next_out_frame();
                        self.write_frame(&reply).await?;
                    }
                }
            }
        }
    }

    // NOTE: a modem that ends AT+VRX on its own (DLE ETX, then OK, for
    // instance on its silence timeout) is not noticed: the next switch then
    // times out and the call ends.
    async fn run_half(&mut self, audio: &mut mpsc::Receiver<Vec<u8>>, stopped: &mut oneshot::Receiver<()>) -> Result<[u8; 2], AtError> {
        loop {
            // Listening: the modem's audio is the clock; the box's silence is discarded.
            loop {
                tokio::select! {
                    _ = &mut *stopped => return Ok(ABORT),
                    chunk = audio.recv() => {
                        let Some(chunk) = chunk else { return Ok(ABORT) };
                        self.take_frames(&chunk);
                        if self.box_wants_to_speak() {
                            break;
                        }
                    }
                }
            }
            self.client.end_voice(&ABORT, SWITCH_TIMEOUT).await?;
            if stop_requested(stopped) {
                return Ok(ABORT);
            }
            self.client.start_voice("AT+VTX", VoiceMode::Transmit, SWITCH_TIMEOUT).await?;
            self.catch_up();
            lock(&self.stats).switches += 1;
            self.write_lead().await?;
            if self.talk(stopped).await? {
                return Ok(END_OF_DATA);
            }
            self.client.end_voice(&END_OF_DATA, SWITCH_TIMEOUT).await?;
            if stop_requested(stopped) {
                return Ok(ABORT);
            }
            self.client.start_voice("AT+VRX", VoiceMode::Receive, SWITCH_TIMEOUT).await?;
            self.catch_up();
            lock(&self.stats).switches += 1;
        }
    }

    /// Plays the box's audio from a local 20 ms timer until it has been quiet
    /// long enough. Returns true when the call is stopping.
    async fn talk(&mut self, stopped: &mut oneshot::Receiver<()>) -> Result<bool, AtError> {
        let mut ticker = tokio::time::interval(Duration::from_millis(FRAME_MS));
        ticker.set_missed_tick_behavior(MissedTickBehavior::Burst);
        let quiet_frames_needed = (BACK_TO_LISTENING.as_millis() as u64 / FRAME_MS) as usize;
        let mut quiet_frames = 0;
        loop {
            tokio::select! {
                _ = &mut *stopped => return Ok(true),
                _ = ticker.tick() => {}
            }
            let frame = self.next_out_frame();
            self.write_frame(&frame).await?;
            // The caller's side is not heard while talking; silence keeps the call loop's clock.
            self.catch_up();
            quiet_frames = if rms_dbfs(&frame) > SPEECH_DBFS { 0 } else { quiet_frames + 1 };
            // The call loop keeps sending a frame per frame, so the queue is
            // never empty: what matters is that nothing queued is speech.
            let speech_queued = lock(&self.playout).queued().any(|frame| rms_dbfs(frame) > SPEECH_DBFS);
            let tones_queued = !lock(&self.tones).is_empty();
            if quiet_frames >= quiet_frames_needed && !speech_queued && !tones_queued {
                return Ok(false);
            }
        }
    }

    /// Whether the next queued frame of the box's is speech. Silent frames are dropped.
    fn box_wants_to_speak(&mut self) -> bool {
        if !lock(&self.tones).is_empty() {
            return true;
        }
        let mut playout = lock(&self.playout);
        while let Some(frame) = playout.front() {
            if rms_dbfs(frame) > SPEECH_DBFS {
                return true;
            }
            playout.discard_front();
        }
        false
    }

    /// Delivers silent frames until the call loop has had one frame per
    /// 20 ms since the call started. While the modem switches direction or
    /// talks, no frames come from it, and this keeps the call loop's clock,
    /// and the recording, on the real call's time.
    fn catch_up(&mut self) {
        let due = self.started.elapsed().as_millis() as u64 / FRAME_MS;
        while self.delivered < due {
            self.deliver(SILENT_FRAME);
        }
    }

    async fn write_lead(&mut self) -> Result<(), AtError> {
        for _ in 0..LEAD_FRAMES {
            self.write_frame(&SILENT_FRAME).await?;
        }
        Ok(())
    }

    /// The next frame to play: a queued tone, else the box's audio.
    fn next_out_frame(&mut self) -> Frame {
        if let Some(tone) = lock(&self.tones).pop_front() {
            return tone;
        }
        lock(&self.playout).pop()
    }

    /// Decodes received bytes into frames for the call loop; returns how many whole frames it delivered.
    fn take_frames(&mut self, chunk: &[u8]) -> usize {
        // A 16-bit sample split across two chunks waits for its second byte.
        self.carry.extend_from_slice(chunk);
        let whole = self.carry.len() - self.carry.len() % self.format.bytes_per_sample();
        decode(self.format, &self.carry[..whole], &mut self.pending);
        self.carry.drain(..whole);
        let mut delivered = 0;
        while self.pending.len() >= FRAME_SAMPLES {
            let mut frame = SILENT_FRAME;
            frame.copy_from_slice(&self.pending[..FRAME_SAMPLES]);
            self.pending.drain(..FRAME_SAMPLES);
            self.deliver(frame);
            delivered += 1;
        }
        delivered
    }

    fn deliver(&mut self, frame: Frame) {
        self.delivered += 1;
        let accepted = self.frames.try_send(frame).is_ok();
        let mut stats = lock(&self.stats);
        stats.frames_in += 1;
        if !accepted {
            stats.dropped_in += 1;
        }
    }

    async fn write_frame(&mut self, frame: &Frame) -> Result<(), AtError> {
        let mut raw = Vec::with_capacity(FRAME_SAMPLES * 2);
        encode(self.format, frame, &mut raw);
        let mut shielded = Vec::with_capacity(raw.len() + 8);
        shield(&raw, &mut shielded);
        self.client.write(&shielded).await?;
        lock(&self.stats).frames_out += 1;
        Ok(())
    }
}
