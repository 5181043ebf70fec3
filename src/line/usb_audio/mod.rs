//! A USB sound card on the office line, through a line interface: a
//! transformer carries the audio, a ring detector and a loop-current detector
//! drive a serial port's modem-status inputs, and a modem-control output
//! drives the off-hook relay.
//!
//! With the default [`HookWiring`], RI pulses while the line rings (bursts of
//! about 2 s every 6 s), DCD is high while loop current flows, and asserting
//! DTR takes the line off hook. The driver counts one ring per burst of RI and
//! treats DCD low for more than 300 ms during a call as the caller hanging
//! up, because most exchanges break the loop current when the far end clears.
//!
//! Audio runs at the card's rate in 20 ms blocks on a dedicated thread (see
//! [`stream`]). The capture stream is the clock of the call: each 20 ms
//! captured becomes one [`LineEvent::Audio`], and the frame the call loop
//! sends back for it is played.
//!
//! Limits of this wiring:
//! - Caller ID is never available, because the interface has no FSK or DTMF
//!   caller-ID decoder; every call reports [`CallerId::Unknown`].
//! - The caller's key presses are found in the captured audio by
//!   [`DtmfDetector`], since the interface reports none.
//! - NOTE: transfer is unsupported. On an analog line it takes a hook flash
//!   followed by the number, and whether and how the exchange honours a
//!   flash (its length, the service being enabled) depends on the exchange.
//! - Without a loop-current detector the driver cannot see the caller hang
//!   up; the call loop then ends the call after a long silence.


pub mod hook;
pub mod pcm;
pub mod ring;
pub mod stream;
#[cfg(test)]
mod tests;

use std::io;
use std::time::Duration;

use tokio::time::{Instant, Interval, MissedTickBehavior};

use self::hook::{HookWiring, ModemLines, SerialModemLines};
use self::pcm::{AlsaPcm, PcmError, PcmIo};
use self::ring::{LoopMonitor, RingChange, RingDetector};
use self::stream::AudioStream;
use super::backoff::Backoff;
use super::{AnswerPolicy, CallerId, Line, LineDevice, LineError, LineEvent, Ring, RingDecision};
use crate::audio::dtmf_detect::DtmfDetector;
use crate::audio::{Frame, LINE_RATE};

/// Timings of the hook side. The defaults suit European and North American
/// ring cadences (1 to 2 s of ring every 3 to 6 s).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HookTiming {
    /// Interval between reads of the modem-status inputs.
    pub poll: Duration,
    /// Time without ring pulses that ends one ring.
    pub ring_end: Duration,
    /// Time without ring pulses after which the caller has stopped ringing.
    pub rings_stop: Duration,
    /// Time after going off hook during which loop current is not watched,
    /// while it builds up.
    pub loop_settle: Duration,
    /// Time without loop current that counts as the caller hanging up.
    pub loop_break: Duration,
    /// Time off hook when rejecting a call, long enough for the exchange to
    /// see an answer.
    pub reject_hold: Duration,
}

impl Default for HookTiming {
    fn default() -> HookTiming {
        HookTiming {
            poll: Duration::from_millis(10),
            ring_end: Duration::from_secs(1),
            rings_stop: Duration::from_secs(8),
            loop_settle: Duration::from_millis(500),
            loop_break: Duration::from_millis(300),
            reject_hold: Duration::from_millis(300),
        }
    }
}

/// Settings of one USB sound card line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsbAudioConfig {
    /// Short name of the line for logs, e.g. `usb0`.
    pub label: String,
    /// ALSA PCM device, e.g. `plughw:CARD=Device,DEV=0` or `default`.
    pub pcm_device: String,
    /// Serial port of the line interface, e.g. `/dev/ttyUSB0`.
    pub serial_path: String,
    /// Rate requested from the card in Hz. 8000 needs no resampling; a card
    /// that runs only at another rate (often 48000 or 44100) is resampled.
    pub preferred_rate: u32,
    pub wiring: HookWiring,
    pub timing: HookTiming,
}

impl UsbAudioConfig {
    /// Settings with the default wiring and timings.
    pub fn new(label: &str, pcm_device: &str, serial_path: &str) -> UsbAudioConfig {
        UsbAudioConfig {
            label: label.to_string(),
            pcm_device: pcm_device.to_string(),
            serial_path: serial_path.to_string(),
            preferred_rate: LINE_RATE,
            wiring: HookWiring::default(),
            timing: HookTiming::default(),
        }
    }
}

/// A telephone line on a USB sound card and a serial line interface.
///
/// It carries one call at a time: [`LineDevice::wait_for_call`] answers, the
/// [`Line`] methods carry the call, and `hang_up` or a loop-current break
/// ends it.
pub struct UsbAudioLine<P = AlsaPcm, M: ModemLines = SerialModemLines> {
    label: String,
    wiring: HookWiring,
    timing: HookTiming,
    lines: M,
    lines_open: bool,
    /// The card between calls; `None` during a call, while the audio thread owns it.
    pcm: Option<P>,
    call: Option<ActiveCall<P>>,
}

/// State of the call in progress.
struct ActiveCall<P> {
    stream: AudioStream<P>,
    loop_monitor: Option<LoopMonitor>,
    poll: Interval,
    /// Finds the caller's key presses in the captured audio.
    keys: DtmfDetector,
    /// A frame held back while its key press is reported first.
    held_frame: Option<Frame>,
}

/// Why answering failed.
enum AnswerError {
    /// The sound card did not open; the call may still be answered by a human.
    Card(PcmError),
    /// The fault cannot be fixed by reopening.
    Fatal(LineError),
}

impl UsbAudioLine<AlsaPcm, SerialModemLines> {
    /// Creates the line on ALSA and a serial port. Nothing is opened until
    /// [`LineDevice::wait_for_call`].
    pub fn new(config: &UsbAudioConfig) -> UsbAudioLine {
        let pcm = AlsaPcm::new(&config.pcm_device, config.preferred_rate);
        let lines = SerialModemLines::new(&config.serial_path);
        UsbAudioLine::with_io(&config.label, config.wiring, config.timing, pcm, lines)
    }
}

impl<P: PcmIo + 'static, M: ModemLines> UsbAudioLine<P, M> {
    /// Creates the line on any sound card and modem lines, such as test doubles.
    pub fn with_io(label: &str, wiring: HookWiring, timing: HookTiming, pcm: P, lines: M) -> UsbAudioLine<P, M> {
        UsbAudioLine { label: label.to_string(), wiring, timing, lines, lines_open: false, pcm: Some(pcm), call: None }
    }

    /// Whether a call is in progress.
    pub fn in_call(&self) -> bool {
        self.call.is_some()
    }

    /// Opens the serial port, retrying with backoff while it is missing, and
    /// puts the line on hook. Returns only faults that retrying cannot fix.
    async fn ensure_lines_open(&mut self) -> Result<(), LineError> {
        let mut backoff = Backoff::new();
        while !self.lines_open {
            let attempt = backoff.attempts() + 1;
            let opened = self.lines.open().and_then(|()| self.lines.set_output(self.wiring.off_hook, false));
            match opened {
                Ok(()) => {
                    self.lines_open = true;
                    tracing::info!(line = %self.label, port = self.lines.path(), attempt, "serial port open, line on hook");
                }
                Err(error) => {
                    self.lines.close();
                    if let Some(fatal) = self.fatal_port_error(&error) {
                        return Err(fatal);
                    }
                    let delay = backoff.next_delay();
                    tracing::warn!(line = %self.label, port = self.lines.path(), attempt, retry_in_ms = delay.as_millis() as u64, %error, "cannot open the serial port; retrying");
                    tokio::time::sleep(delay).await;
                }
            }
        }
        Ok(())
    }

    /// Returns the error to give up with, or `None` when reopening may help
    /// (the port is missing, unplugged or busy).
    fn fatal_port_error(&self, error: &io::Error) -> Option<LineError> {
        let path = self.lines.path().to_string();
        match error.raw_os_error() {
            Some(libc::EACCES | libc::EPERM) => Some(LineError::Open {
                line: self.label.clone(),
                path,
                source: io::Error::from_raw_os_error(error.raw_os_error().unwrap_or(libc::EACCES)),
            }),
            Some(libc::ENOTTY | libc::EINVAL) => Some(LineError::NotVoiceCapable {
                line: self.label.clone(),
                path,
                reason: format!("it has no modem-control lines ({error}); connect the line interface to a real serial port, not a pseudo-terminal or a plain file"),
            }),
            _ => None,
        }
    }

    /// Reads the inputs; on a port error closes the port so that the next
    /// [`Self::ensure_lines_open`] reopens it.
    fn read_inputs(&mut self) -> Result<hook::InputLevels, io::Error> {
        let result = self.lines.read_inputs();
        if let Err(error) = &result {
            tracing::warn!(line = %self.label, port = self.lines.path(), %error, "cannot read the serial port's modem lines; reopening it");
            self.lines.close();
            self.lines_open = false;
        }
        result
    }

    fn set_off_hook(&mut self, off_hook: bool) -> Result<(), io::Error> {
        let result = self.lines.set_output(self.wiring.off_hook, off_hook);
        if let Err(error) = &result {
            tracing::warn!(line = %self.label, port = self.lines.path(), off_hook, %error, "cannot set the off-hook output; reopening the port");
            self.lines.close();
            self.lines_open = false;
        }
        result
    }

    /// Opens the card, then goes off hook.
    async fn answer(&mut self) -> Result<(), AnswerError> {
        let Some(pcm) = self.pcm.take() else {
            return Err(AnswerError::Fatal(LineError::Device {
                line: self.label.clone(),
                message: "the sound card handle was lost when the audio thread panicked; restart the service".to_string(),
            }));
        };
        let stream = match AudioStream::start(pcm, &self.label).await {
            Ok(stream) => stream,
            Err((pcm, error)) => {
                self.pcm = pcm;
                return Err(AnswerError::Card(error));
            }
        };
        if let Err(error) = self.set_off_hook(true) {
            self.pcm = stream.stop().await;
            return Err(AnswerError::Fatal(LineError::Device {
                line: self.label.clone(),
                message: format!("cannot go off hook on {}: {error}", self.lines.path()),
            }));
        }
        let now = Instant::now();
        let loop_monitor = self
            .wiring
            .loop_current
            .map(|_| LoopMonitor::new(now, self.timing.loop_settle, self.timing.loop_break));
        let mut poll = tokio::time::interval(self.timing.poll);
        poll.set_missed_tick_behavior(MissedTickBehavior::Delay);
        tracing::info!(line = %self.label, rate = stream.rate(), "call answered");
        self.call = Some(ActiveCall { stream, loop_monitor, poll, keys: DtmfDetector::new(), held_frame: None });
        Ok(())
    }

    /// Takes the line off hook for the reject time, then puts it back.
    async fn reject(&mut self) {
        if self.set_off_hook(true).is_err() {
            return;
        }
        tokio::time::sleep(self.timing.reject_hold).await;
        let _ = self.set_off_hook(false);
        tracing::info!(line = %self.label, "call rejected");
    }

    /// Stops the audio thread and puts the line on hook; does nothing without a call.
    async fn end_call(&mut self) {
        let Some(call) = self.call.take() else {
            return;
        };
        self.pcm = call.stream.stop().await;
        if self.lines_open && self.set_off_hook(false).is_ok() {
            tracing::info!(line = %self.label, "line on hook");
        }
    }

    /// Polls the loop-current input once; returns `true` if the call is over.
    fn loop_broken(&mut self) -> bool {
        let Some(signal) = self.wiring.loop_current else {
            return false;
        };
        let levels = match self.read_inputs() {
            Ok(levels) => levels,
            Err(_) => {
                // NOTE: assumes the relay opens when the port goes away, which
                // holds for a USB serial adapter that loses power but not for
                // every interface board.
                tracing::warn!(line = %self.label, "serial port lost during the call; treating the call as over");
                return true;
            }
        };
        let now = Instant::now();
        let Some(monitor) = self.call.as_mut().and_then(|call| call.loop_monitor.as_mut()) else {
            return false;
        };
        monitor.update(now, levels.is_active(signal))
    }
}

/// Reason `next_event` woke up.
enum Wake {
    Event(Option<LineEvent>),
    Poll,
}

impl<P: PcmIo + 'static, M: ModemLines> Line for UsbAudioLine<P, M> {
    fn label(&self) -> &str {
        &self.label
    }

    /// Always `None`: this wiring has no caller-ID decoder.
    fn caller_number(&self) -> Option<&str> {
        None
    }

    async fn next_event(&mut self) -> Option<LineEvent> {
        loop {
            let watch_loop = self.wiring.loop_current.is_some();
            let call = self.call.as_mut()?;
            if let Some(frame) = call.held_frame.take() {
                return Some(LineEvent::Audio(frame));
            }
            let wake = tokio::select! {
                event = call.stream.next_event() => Wake::Event(event),
                _ = call.poll.tick(), if watch_loop => Wake::Poll,
            };
            match wake {
                Wake::Event(Some(LineEvent::Audio(frame))) => {
                    if let Some(key) = call.keys.feed(&frame) {
                        call.held_frame = Some(frame);
                        return Some(LineEvent::Dtmf(key));
                    }
                    return Some(LineEvent::Audio(frame));
                }
                Wake::Event(Some(event)) => return Some(event),
                Wake::Event(None) => {
                    // The audio thread stopped on a card fault and has logged it.
                    self.end_call().await;
                    return None;
                }
                Wake::Poll => {
                    if self.loop_broken() {
                        tracing::info!(line = %self.label, "loop current broke: the caller hung up");
                        self.end_call().await;
                        return Some(LineEvent::HungUp);
                    }
                }
            }
        }
    }

    fn send_frame(&mut self, frame: &Frame) {
        if let Some(call) = &self.call {
            call.stream.send_frame(frame);
        }
    }

    async fn hang_up(&mut self) {
        self.end_call().await;
    }

    /// Plays the digits as DTMF tones (100 ms on, 60 ms off) in place of the
    /// box's audio, and returns once they have been written to the card.
    async fn send_dtmf(&mut self, digits: &str) -> Result<(), LineError> {
        let frames = crate::audio::dtmf::dtmf_frames(digits).map_err(|key| LineError::Device {
            line: self.label.clone(),
            message: format!("invalid DTMF key {key:?} in the digits to send; use 0-9, *, # or A-D"),
        })?;
        let Some(call) = &self.call else {
            return Err(LineError::Device { line: self.label.clone(), message: "cannot send DTMF: no call in progress".to_string() });
        };
        if call.stream.play_tones(frames).await {
            Ok(())
        } else {
            Err(LineError::Device { line: self.label.clone(), message: "the sound card stopped while sending DTMF".to_string() })
        }
    }

    /// Always unsupported: see the module documentation for why.
    async fn transfer(&mut self, number: &str) -> Result<(), LineError> {
        let _ = number;
        Err(LineError::Unsupported { line: self.label.clone(), feature: "call transfer (hook flash)" })
    }
}

impl<P: PcmIo + 'static, M: ModemLines> LineDevice for UsbAudioLine<P, M> {
    /// Watches the ring input and asks `policy` on each ring. A call that the
    /// card cannot be opened for is left to ring, for a human to answer; the
    /// card is opened again at the next call. After a reject, further rings
    /// are ignored until the ringing stops.
    async fn wait_for_call(&mut self, policy: &dyn AnswerPolicy) -> Result<CallerId, LineError> {
        self.end_call().await;
        let mut detector = RingDetector::new(self.timing.ring_end, self.timing.rings_stop);
        let mut ignoring = false;
        let mut poll = tokio::time::interval(self.timing.poll);
        poll.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            if !self.lines_open {
                detector.reset();
                ignoring = false;
                self.ensure_lines_open().await?;
            }
            poll.tick().await;
            let Ok(levels) = self.read_inputs() else {
                continue;
            };
            let count = match detector.update(Instant::now(), levels.is_active(self.wiring.ring)) {
                Some(RingChange::Ring(count)) => count,
                Some(RingChange::Stopped) => {
                    tracing::debug!(line = %self.label, "ringing stopped");
                    ignoring = false;
                    continue;
                }
                None => continue,
            };
            if ignoring {
                continue;
            }
            let ring = Ring { count, caller: CallerId::Unknown };
            let decision = policy.on_ring(&self.label, &ring);
            tracing::info!(line = %self.label, ring = count, ?decision, "ring");
            match decision {
                RingDecision::Wait => {}
                RingDecision::Ignore => ignoring = true,
                RingDecision::Reject => {
                    self.reject().await;
                    ignoring = true;
                }
                RingDecision::Answer => match self.answer().await {
                    Ok(()) => return Ok(CallerId::Unknown),
                    Err(AnswerError::Fatal(error)) => return Err(error),
                    Err(AnswerError::Card(error)) => {
                        tracing::error!(line = %self.label, %error, "cannot open the sound card; letting this call ring, the card is opened again at the next call");
                        ignoring = true;
                    }
                },
            }
        }
    }
}

impl<P, M: ModemLines> Drop for UsbAudioLine<P, M> {
    /// Puts the line on hook, so that a stopped service does not hold the line.
    fn drop(&mut self) {
        if self.lines_open {
            let _ = self.lines.set_output(self.wiring.off_hook, false);
        }
    }
}
