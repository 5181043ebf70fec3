//! The audio thread of a call: it reads the card's capture stream, which
//! clocks the whole call, and writes one block of the box's audio for each
//! block captured.
//!
//! ALSA reads and writes block, so they run on a dedicated std thread and
//! never on a tokio worker. The thread talks to the async side through three
//! bounded channels, each with its own rule for when it is full (see the
//! constants below).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc as std_mpsc;
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use super::pcm::{PcmError, PcmIo, Stream, BLOCKS_PER_SECOND};
use crate::line::jitter::PlayoutBuffer;
use crate::audio::resample::Resampler;
use crate::audio::{Frame, FRAME_SAMPLES, LINE_RATE, SILENT_FRAME};
use crate::line::LineEvent;

/// Captured frames buffered towards the call loop: one second. When the call
/// loop falls that far behind, the thread drops the newest frame and counts
/// it instead of waiting, because a capture stream that is not read overruns.
const EVENT_QUEUE: usize = 50;

/// The box's frames in flight from `send_frame` to the thread: half a second.
/// When full (the thread is stuck in ALSA), `send_frame` drops the frame and
/// counts it, because the call loop must never block.
const VOICE_CHANNEL: usize = 25;

/// The box's frames the thread keeps queued for playback, at most: 100 ms.
/// Beyond that it drops the oldest frame and counts it, so that a call loop
/// that stalled and then caught up does not leave a lasting delay.
pub const VOICE_QUEUE_MAX: usize = 5;

/// Frames queued before playback of the box's audio starts or restarts. The
/// call loop sends its frame for a block just after the thread has taken one,
/// so one frame of cushion keeps that race from causing fade-outs.
pub const VOICE_PRIME: usize = 2;

/// DTMF frames and end markers in flight to the thread: one second of tone.
/// When full, `send_dtmf` waits for room, which it can afford because it is
/// async and the thread takes one frame every 20 ms.
const TONE_CHANNEL: usize = 50;

/// Silent periods written before playback starts and after each underrun.
/// They set the playback latency (40 ms) and leave two of the four buffer
/// periods free, so a write rarely blocks the capture clock.
pub const PREFILL_PERIODS: usize = 2;

/// Counters of a call's audio faults, shared with the async side.
#[derive(Debug, Default)]
pub struct StreamCounters {
    /// Captured frames dropped because the call loop was a second behind.
    pub dropped_to_box: AtomicU64,
    /// The box's frames dropped because the audio thread was stuck.
    pub dropped_from_box: AtomicU64,
    /// The box's oldest frames dropped to keep the playback delay bounded.
    pub dropped_oldest: AtomicU64,
    /// Playback underruns (the card played everything it had).
    pub underruns: AtomicU64,
    /// Capture overruns (the thread read too late).
    pub overruns: AtomicU64,
}

/// An item for the thread's DTMF queue.
pub enum ToneItem {
    Frame(Frame),
    /// Fired once every frame queued before it has been written to the card.
    Played(oneshot::Sender<()>),
}

/// A running audio thread for one call.
pub struct AudioStream<P> {
    events: mpsc::Receiver<LineEvent>,
    voice: std_mpsc::SyncSender<Frame>,
    tones: mpsc::Sender<ToneItem>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<P>>,
    counters: Arc<StreamCounters>,
    rate: u32,
}

impl<P: PcmIo + 'static> AudioStream<P> {
    /// Opens the card on a new thread and starts the streams. On failure the
    /// card handle comes back with the error, so the next call can open it again.
    pub async fn start(pcm: P, label: &str) -> Result<AudioStream<P>, (Option<P>, PcmError)> {
        let (event_tx, events) = mpsc::channel(EVENT_QUEUE);
        let (voice, voice_rx) = std_mpsc::sync_channel(VOICE_CHANNEL);
        let (tones, tones_rx) = mpsc::channel(TONE_CHANNEL);
        let (ready_tx, ready_rx) = oneshot::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let counters = Arc::new(StreamCounters::default());
        let context = ThreadContext {
            label: label.to_string(),
            events: event_tx,
            voice: voice_rx,
            tones: tones_rx,
            stop: Arc::clone(&stop),
            counters: Arc::clone(&counters),
        };
        let spawned = std::thread::Builder::new()
            .name(format!("{label}-audio"))
            .spawn(move || run(pcm, context, ready_tx));
        let thread = match spawned {
            Ok(thread) => thread,
            Err(source) => {
                let error = PcmError::Failed { device: label.to_string(), action: "starting the audio thread", source };
                return Err((None, error));
            }
        };
        match ready_rx.await {
            Ok(Ok(rate)) => Ok(AudioStream { events, voice, tones, stop, thread: Some(thread), counters, rate }),
            Ok(Err(error)) => Err((join(thread).await, error)),
            Err(_) => {
                let source = std::io::Error::other("the audio thread ended before opening the card");
                let error = PcmError::Failed { device: label.to_string(), action: "opening", source };
                Err((join(thread).await, error))
            }
        }
    }

    /// Card rate in Hz.
    pub fn rate(&self) -> u32 {
        self.rate
    }

    /// Counters of audio faults so far.
    pub fn counters(&self) -> &StreamCounters {
        &self.counters
    }

    /// Waits for the next captured frame; `None` once the thread has stopped.
    pub async fn next_event(&mut self) -> Option<LineEvent> {
        self.events.recv().await
    }

    /// Queues one frame of the box's audio without waiting.
    pub fn send_frame(&self, frame: &Frame) {
        if self.voice.try_send(*frame).is_err() {
            let dropped = self.counters.dropped_from_box.fetch_add(1, Ordering::Relaxed) + 1;
            if dropped.is_power_of_two() {
                tracing::warn!(dropped, "the audio thread is stuck; dropped frames to the caller");
            }
        }
    }

    /// Plays `frames` in place of the box's audio and waits until the last
    /// one has been written to the card. Returns `false` if the thread
    /// stopped first.
    pub async fn play_tones(&self, frames: Vec<Frame>) -> bool {
        for frame in frames {
            if self.tones.send(ToneItem::Frame(frame)).await.is_err() {
                return false;
            }
        }
        let (played_tx, played_rx) = oneshot::channel();
        if self.tones.send(ToneItem::Played(played_tx)).await.is_err() {
            return false;
        }
        played_rx.await.is_ok()
    }

    /// Stops the thread, which closes the card, and returns the card handle
    /// for the next call (`None` if the thread panicked).
    pub async fn stop(mut self) -> Option<P> {
        self.stop.store(true, Ordering::Release);
        self.events.close();
        let thread = self.thread.take()?;
        join(thread).await
    }
}

impl<P> Drop for AudioStream<P> {
    fn drop(&mut self) {
        // The thread sees the flag within one block (20 ms) and closes the card.
        self.stop.store(true, Ordering::Release);
    }
}

async fn join<P: Send + 'static>(thread: std::thread::JoinHandle<P>) -> Option<P> {
    match tokio::task::spawn_blocking(move || thread.join()).await {
        Ok(Ok(pcm)) => Some(pcm),
        _ => {
            tracing::error!("the audio thread panicked; the sound card cannot be reopened");
            None
        }
    }
}

struct ThreadContext {
    label: String,
    events: mpsc::Sender<LineEvent>,
    voice: std_mpsc::Receiver<Frame>,
    tones: mpsc::Receiver<ToneItem>,
    stop: Arc<AtomicBool>,
    counters: Arc<StreamCounters>,
}

/// Body of the audio thread; returns the card handle, closed.
fn run<P: PcmIo>(mut pcm: P, mut context: ThreadContext, ready: oneshot::Sender<Result<u32, PcmError>>) -> P {
    let rate = match pcm.open() {
        Ok(rate) => rate,
        Err(error) => {
            pcm.close();
            let _ = ready.send(Err(error));
            return pcm;
        }
    };
    tracing::info!(line = %context.label, device = pcm.device(), rate, "sound card open");
    if ready.send(Ok(rate)).is_err() {
        pcm.close();
        return pcm;
    }
    if let Err(error) = pump(&mut pcm, rate, &mut context) {
        tracing::error!(line = %context.label, device = pcm.device(), %error, "sound card failed; ending the call");
    }
    pcm.close();
    log_counters(&context.label, &context.counters);
    pcm
}

/// Moves audio both ways until the stop flag is set or the event receiver is gone.
fn pump<P: PcmIo>(pcm: &mut P, rate: u32, context: &mut ThreadContext) -> Result<(), PcmError> {
    let block_len = (rate / BLOCKS_PER_SECOND) as usize;
    let mut capture_block = vec![0i16; block_len];
    let mut converter = RateConverter::new(rate);
    let mut voice = PlayoutBuffer::new(VOICE_PRIME, VOICE_QUEUE_MAX);
    prefill(pcm, block_len)?;

    while !context.stop.load(Ordering::Acquire) {
        match pcm.read_block(&mut capture_block) {
            Ok(()) => {}
            Err(PcmError::Xrun { .. }) => {
                count_fault(&context.counters.overruns, &context.label, "capture overrun; restarting capture");
                pcm.recover(Stream::Capture)?;
                continue;
            }
            Err(error) => return Err(error),
        }
        for frame in converter.capture(&capture_block) {
            match context.events.try_send(LineEvent::Audio(frame)) {
                Ok(()) => {}
                Err(mpsc::error::TrySendError::Full(_)) => {
                    count_fault(&context.counters.dropped_to_box, &context.label, "the call loop is behind; dropped caller frames");
                }
                Err(mpsc::error::TrySendError::Closed(_)) => return Ok(()),
            }
        }

        while let Ok(frame) = context.voice.try_recv() {
            voice.push(frame);
        }
        context.counters.dropped_oldest.store(voice.stats().dropped, Ordering::Relaxed);
        let voice_frame = voice.pop();
        let frame = next_tone(&mut context.tones).unwrap_or(voice_frame);
        match pcm.write_block(&converter.playback(&frame)) {
            Ok(()) => {}
            Err(PcmError::Xrun { .. }) => {
                count_fault(&context.counters.underruns, &context.label, "playback underrun; refilling silence");
                pcm.recover(Stream::Playback)?;
                prefill(pcm, block_len)?;
            }
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// Writes [`PREFILL_PERIODS`] blocks of silence.
fn prefill<P: PcmIo>(pcm: &mut P, block_len: usize) -> Result<(), PcmError> {
    let silence = vec![0i16; block_len];
    for _ in 0..PREFILL_PERIODS {
        pcm.write_block(&silence)?;
    }
    Ok(())
}

/// Takes the next DTMF frame, firing the end markers it passes.
fn next_tone(tones: &mut mpsc::Receiver<ToneItem>) -> Option<Frame> {
    loop {
        match tones.try_recv().ok()? {
            ToneItem::Frame(frame) => return Some(frame),
            ToneItem::Played(done) => {
                let _ = done.send(());
            }
        }
    }
}

/// Increments a fault counter and logs at counts 1, 2, 4, 8 and so on.
fn count_fault(counter: &AtomicU64, label: &str, message: &'static str) {
    let count = counter.fetch_add(1, Ordering::Relaxed) + 1;
    if count.is_power_of_two() {
        tracing::warn!(line = %label, count, "{message}");
    }
}

fn log_counters(label: &str, counters: &StreamCounters) {
    tracing::info!(
        line = %label,
        underruns = counters.underruns.load(Ordering::Relaxed),
        overruns = counters.overruns.load(Ordering::Relaxed),
        dropped_to_box = counters.dropped_to_box.load(Ordering::Relaxed),
        dropped_from_box = counters.dropped_from_box.load(Ordering::Relaxed),
        dropped_oldest = counters.dropped_oldest.load(Ordering::Relaxed),
        "sound card closed"
    );
}

/// Converts between the card's rate and the 8 kHz line, in whole frames.
pub struct RateConverter {
    to_line: Option<Resampler>,
    to_card: Option<Resampler>,
    /// Resampled capture not yet cut into a whole frame.
    pending: Vec<f32>,
}

impl RateConverter {
    /// Creates a converter for a card at `card_rate` Hz, which must be positive.
    pub fn new(card_rate: u32) -> RateConverter {
        let resample = card_rate != LINE_RATE && card_rate > 0;
        RateConverter {
            to_line: resample.then(|| Resampler::new(card_rate, LINE_RATE)),
            to_card: resample.then(|| Resampler::new(LINE_RATE, card_rate)),
            pending: Vec::with_capacity(2 * FRAME_SAMPLES),
        }
    }

    /// Converts one captured block and returns the whole frames it completes
    /// (usually one; none or two while the filter fills at the start).
    pub fn capture(&mut self, block: &[i16]) -> Vec<Frame> {
        let input = crate::audio::to_f32(block);
        match &mut self.to_line {
            Some(resampler) => self.pending.extend(resampler.process(&input)),
            None => self.pending.extend(input),
        }
        let whole = self.pending.len() / FRAME_SAMPLES * FRAME_SAMPLES;
        let frames = self.pending.drain(..whole).collect::<Vec<f32>>();
        frames.chunks_exact(FRAME_SAMPLES).map(frame_from_f32).collect()
    }

    /// Converts one frame of the box's audio to card samples.
    pub fn playback(&mut self, frame: &Frame) -> Vec<i16> {
        match &mut self.to_card {
            Some(resampler) => crate::audio::to_i16(&resampler.process(&crate::audio::to_f32(frame))),
            None => frame.to_vec(),
        }
    }
}

fn frame_from_f32(samples: &[f32]) -> Frame {
    let mut frame = SILENT_FRAME;
    for (slot, sample) in frame.iter_mut().zip(crate::audio::to_i16(samples)) {
        *slot = sample;
    }
    frame
}
