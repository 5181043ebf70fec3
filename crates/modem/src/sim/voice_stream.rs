//! Voice data streams of the simulated voice modems (V.253):
//! - `AT+VTX`: the host sends shielded audio into a 2 KB buffer that plays
//!   at 8000 samples/s. After DLE ETX the modem plays what is left, then
//!   sends OK. DLE `!` discards the buffer and ends at once.
//! - `AT+VRX`: the modem sends the caller's audio, shielded, in 20 ms chunks
//!   at real-time pace until the host sends DLE `!`. Then it sends DLE ETX and OK.
//! - `AT+VTR` (CX93010 only): both at once. DLE `!` or DLE ETX from the host ends it.
//!
//! In every stream the modem reports events inline, and DLE + digit reports
//! each of the caller's keys. After the caller hangs up, the CX93010 sends DLE
//! `l` (loop current break). Both modems then send DLE `b` (busy) every 0.5 s
//! for [`BUSY_TIME`], then DLE `d` (dial tone) every 0.5 s. The audio carries
//! the matching tones.

use std::f32::consts::TAU;
use std::time::Duration;

use super::call::Phase;
use super::context::Ctx;
use super::report::CallEnd;
use super::voice::{Voice, VoiceKind};
use crate::codec::{decode, encode};
use crate::dle::{event_code, shield, DleEvent, END_OF_DATA};

/// Time the exchange plays busy tone after the caller hangs up, before dial tone.
// NOTE: exchanges differ; 4 s is a plausible value, not a measured one.
const BUSY_TIME: Duration = Duration::from_secs(4);

/// Period of the busy and dial tone events, and of the busy tone cadence.
const SIGNAL_PERIOD: Duration = Duration::from_millis(500);

/// DLE CAN from the host clears the playback buffer during `AT+VTX`.
const CANCEL: u8 = 0x18;

/// Frequency of the busy and dial tones (ETSI 425 Hz).
const TONE_HZ: f32 = 425.0;

/// Tone amplitude, about -12 dBFS.
const TONE_AMPLITUDE: f32 = 8000.0;

/// Directions that a stream carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StreamKind {
    Transmit,
    Receive,
    Duplex,
}

impl StreamKind {
    fn plays(self) -> bool {
        matches!(self, StreamKind::Transmit | StreamKind::Duplex)
    }

    fn records(self) -> bool {
        matches!(self, StreamKind::Receive | StreamKind::Duplex)
    }
}

/// A voice data stream in progress.
#[derive(Debug, Clone, Copy)]
pub(super) struct Stream {
    kind: StreamKind,
    /// `AT+VTX` after DLE ETX: playing the rest of the buffer before OK.
    draining: bool,
}

impl Stream {
    pub(super) fn new(kind: StreamKind) -> Stream {
        Stream {
            kind,
            draining: false,
        }
    }
}

/// The line after the caller hung up: which tone events were sent and how
/// many tone samples were generated.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct HangUpSignals {
    periods_reported: u64,
    samples: u64,
}

impl Voice {
    /// Records a read of stream bytes for the write interval statistics.
    pub(super) fn note_stream_write(&mut self, raw_bytes: usize, ctx: &Ctx<'_>) {
        if self.stream.is_some_and(|stream| stream.kind.plays()) {
            let mut report = ctx.shared.lock();
            self.host_audio
                .note_write(ctx.now, raw_bytes, &mut report.audio);
        }
    }

    /// Handles one byte from the host while streaming.
    pub(super) fn on_stream_byte(&mut self, byte: u8, ctx: &mut Ctx<'_>) {
        let Some(stream) = self.stream else {
            return;
        };
        let mut data = Vec::new();
        let mut events = Vec::new();
        self.decoder.feed(&[byte], &mut data, &mut events);
        if stream.kind.plays() && !stream.draining && !data.is_empty() {
            let mut report = ctx.shared.lock();
            self.host_audio.push(&data, &mut report.audio);
        }
        for event in events {
            self.on_host_event(stream.kind, event, ctx);
        }
    }

    fn on_host_event(&mut self, kind: StreamKind, event: DleEvent, ctx: &mut Ctx<'_>) {
        match (kind, event) {
            (StreamKind::Transmit, DleEvent::EndOfData) => {
                if let Some(stream) = self.stream.as_mut() {
                    stream.draining = true;
                }
            }
            (StreamKind::Transmit, DleEvent::Abort) => self.finish_stream(false, ctx),
            (StreamKind::Transmit, DleEvent::Other(CANCEL)) => self.host_audio.clear(),
            (StreamKind::Receive | StreamKind::Duplex, DleEvent::Abort)
            | (StreamKind::Duplex, DleEvent::EndOfData) => self.finish_stream(true, ctx),
            (_, other) => {
                tracing::trace!(event = ?other, "simulated voice modem ignored a DLE command")
            }
        }
    }

    /// Leaves the stream: DLE ETX when the modem was sending, then OK.
    fn finish_stream(&mut self, send_end_of_data: bool, ctx: &mut Ctx<'_>) {
        if send_end_of_data {
            ctx.send_raw(&END_OF_DATA);
        }
        let ok = self.framing().final_result(super::command::Final::Ok);
        ctx.send_text(&ok);
        self.stream = None;
        self.host_audio.clear();
    }

    /// Runs one 20 ms tick: rings, then one frame of audio each way and the
    /// events due.
    pub(crate) fn tick(&mut self, ctx: &mut Ctx<'_>) {
        self.ring_tick(ctx);
        if !self.off_hook {
            return;
        }
        let heard = self.take_host_frame(ctx);
        let speech = self.line_frame(&heard, ctx);
        self.send_due_events(ctx);
        if self.stream.is_some_and(|stream| stream.kind.records()) {
            self.send_frame(&speech, ctx);
        }
    }

    fn take_host_frame(&mut self, ctx: &mut Ctx<'_>) -> [i16; 160] {
        let Some(stream) = self.stream.filter(|stream| stream.kind.plays()) else {
            return [0; 160];
        };
        let format = self.settings.method.1;
        let bytes = {
            let mut report = ctx.shared.lock();
            self.host_audio.take_frame(
                160 * format.bytes_per_sample(),
                stream.draining,
                &mut report.audio,
            )
        };
        if stream.draining && self.host_audio.is_empty() {
            self.finish_stream(false, ctx);
        }
        let mut samples = Vec::with_capacity(160);
        decode(format, &bytes, &mut samples);
        let mut frame = [0i16; 160];
        for (slot, sample) in frame.iter_mut().zip(samples) {
            *slot = sample;
        }
        frame
    }

    /// Returns what the line carries towards the modem for this tick: the
    /// caller's voice, the tones after a hang-up, or silence.
    fn line_frame(&mut self, heard: &[i16; 160], ctx: &mut Ctx<'_>) -> [i16; 160] {
        let Some(call) = self.call.as_mut() else {
            return [0; 160];
        };
        match call.phase {
            Phase::Ringing => [0; 160],
            Phase::Answered { .. } => match call.exchange(ctx.now, heard, ctx.faults.hang_up_after)
            {
                Some(frame) => frame,
                None => {
                    call.caller_hung_up(ctx.now);
                    tracing::info!(
                        call = call.index,
                        "caller hung up on the simulated voice modem"
                    );
                    ctx.shared
                        .end_call(call.index, CallEnd::Caller, ctx.elapsed);
                    self.hang_up_signals = Some(HangUpSignals::default());
                    self.tone_frame(ctx)
                }
            },
            Phase::CallerGone { .. } => self.tone_frame(ctx),
        }
    }

    fn tone_frame(&mut self, ctx: &Ctx<'_>) -> [i16; 160] {
        let (Some(call), Some(signals)) = (self.call.as_ref(), self.hang_up_signals.as_mut())
        else {
            return [0; 160];
        };
        let Phase::CallerGone { at, .. } = call.phase else {
            return [0; 160];
        };
        let since = ctx.now.saturating_duration_since(at);
        let busy = since < BUSY_TIME;
        let mut frame = [0i16; 160];
        for slot in frame.iter_mut() {
            let position = signals.samples;
            signals.samples += 1;
            // Busy tone: 0.5 s on, 0.5 s off. Dial tone: continuous.
            let in_gap = busy && (position / 4000) % 2 == 1;
            if !in_gap {
                let phase = TAU * TONE_HZ * (position % 8000) as f32 / 8000.0;
                *slot = (TONE_AMPLITUDE * phase.sin()) as i16;
            }
        }
        frame
    }

    /// Sends the caller's keys and the hang-up events that are due, while streaming.
    fn send_due_events(&mut self, ctx: &mut Ctx<'_>) {
        let streaming = self.stream.is_some();
        let mut events = Vec::new();
        if let Some(call) = self.call.as_mut() {
            let keys = call.due_keys(ctx.now);
            if streaming && !keys.is_empty() {
                let index = call.index;
                events.extend(keys.iter().map(|&key| DleEvent::Dtmf(key)));
                ctx.shared
                    .update_call(index, |record| record.dtmf_reported.extend(keys));
            }
        }
        events.extend(self.due_hang_up_events(ctx));
        if !streaming {
            return;
        }
        for event in events {
            ctx.send_raw(&event_code(event));
        }
    }

    fn due_hang_up_events(&mut self, ctx: &Ctx<'_>) -> Vec<DleEvent> {
        let (Some(call), Some(signals)) = (self.call.as_ref(), self.hang_up_signals.as_mut())
        else {
            return Vec::new();
        };
        let Phase::CallerGone { at, .. } = call.phase else {
            return Vec::new();
        };
        let since = ctx.now.saturating_duration_since(at);
        let periods = (since.as_millis() / SIGNAL_PERIOD.as_millis()) as u64 + 1;
        let mut events = Vec::new();
        while signals.periods_reported < periods {
            if signals.periods_reported == 0 && self.kind == VoiceKind::Cx93010 {
                events.push(DleEvent::LoopBreak);
            }
            let start = SIGNAL_PERIOD * signals.periods_reported as u32;
            events.push(if start < BUSY_TIME {
                DleEvent::Busy
            } else {
                DleEvent::DialTone
            });
            signals.periods_reported += 1;
        }
        events
    }

    fn send_frame(&mut self, frame: &[i16; 160], ctx: &mut Ctx<'_>) {
        let mut encoded = Vec::with_capacity(320);
        encode(self.settings.method.1, frame, &mut encoded);
        let mut shielded = Vec::with_capacity(encoded.len() + 8);
        shield(&encoded, &mut shielded);
        let sent = ctx.at.send(&shielded, ctx.now);
        if sent {
            ctx.record_audio(|audio| audio.frames_to_host += 1);
        }
    }
}
