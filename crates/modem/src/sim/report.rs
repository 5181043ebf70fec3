//! The record of a simulator's run: commands, calls, SMS and audio counters,
//! for tests and for the `simulate-modem` command's summary.

use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::CallerIdSpec;
use crate::sms::DecodedSubmit;

/// A record of one simulator's run. Times are measured from the simulator's start.
#[derive(Debug, Clone, Default)]
pub struct SimReport {
    /// Command lines received in order, without the final CR, as written
    /// (`at+clip=1` stays lowercase). `A/` repeats appear as the repeated line.
    pub commands: Vec<String>,
    /// Unsolicited lines sent, without framing: `RING`, `+CLIP: ...`,
    /// `VOICE CALL: BEGIN`, caller ID lines of voice modems.
    pub urcs: Vec<String>,
    /// Incoming calls in the order they were started.
    pub calls: Vec<CallRecord>,
    /// Every `AT+CMGS` submission, sent, failed or aborted.
    pub sms: Vec<SmsRecord>,
    /// DTMF digits the host asked the device to play (`AT+VTS`).
    pub dtmf_sent: Vec<char>,
    /// Call transfer requests (`AT+CHLD=4`, `AT+CTFR=...`).
    pub transfers: Vec<TransferRequest>,
    /// Audio counters of both directions.
    pub audio: AudioStats,
    /// Times the ports vanished ([`super::Faults::vanish`]).
    pub vanished: u32,
    /// Times the ports came back on fresh ptys.
    pub returned: u32,
    /// Bursts of garbage injected by [`super::Faults::garbage_every`].
    pub garbage_bursts: u32,
}

/// One incoming call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRecord {
    pub caller: CallerIdSpec,
    /// RINGs sent.
    pub rings: u32,
    pub rang_at: Duration,
    /// When the host answered, if it did.
    pub answered_at: Option<Duration>,
    pub ended_at: Option<Duration>,
    pub ended_by: Option<CallEnd>,
    /// Keys of the caller that the device reported to the host
    /// (`+RXDTMF`, `+QTONEDET`, DLE digits). Keys pressed while a voice modem
    /// was not streaming are lost, as on real hardware.
    pub dtmf_reported: Vec<char>,
}

/// The cause of a call's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallEnd {
    /// The host hung up (`AT+CHUP`, `ATH`, `AT+QHUP`, `AT+VLS=0`).
    Host,
    /// The caller hung up after the call was answered.
    Caller,
    /// The caller gave up after `max_rings` unanswered rings.
    Missed,
    /// The host deflected the ringing call (`AT+CTFR`).
    Transferred,
    /// Another call was in progress, so the caller got a busy line.
    Busy,
    /// The device vanished during the call.
    Vanished,
    /// The simulator stopped during the call.
    Stopped,
}

/// Whether an SMS was written in text or PDU mode (`AT+CMGF`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsMode {
    Text,
    Pdu,
}

/// Outcome of an `AT+CMGS` submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsResult {
    /// The module responded `+CMGS: <reference>`.
    Sent { reference: u8 },
    /// The module responded `+CMS ERROR: <code>` ([`super::Faults::sms_error`]).
    Failed { code: u16 },
    /// The host sent ESC instead of Ctrl-Z.
    Aborted,
}

/// One `AT+CMGS` submission, exactly as the host wrote it and decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsRecord {
    pub mode: SmsMode,
    /// Character set in force (`AT+CSCS`), such as `GSM` or `UCS2`.
    pub charset: String,
    /// The `AT+CMGS` argument as written: the quoted destination (UCS-2 hex
    /// under `AT+CSCS="UCS2"`) in text mode, the TPDU length in PDU mode.
    pub argument: String,
    /// The body as written before Ctrl-Z or ESC: text, UCS-2 hex or PDU hex.
    pub body: String,
    /// Decoded destination number, when decoding succeeded.
    pub to: Option<String>,
    /// Decoded message text, when decoding succeeded.
    pub text: Option<String>,
    /// The decoded PDU (encoding, concatenation header) in PDU mode.
    pub pdu: Option<DecodedSubmit>,
    pub result: SmsResult,
}

/// One transfer request of the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferRequest {
    /// The command as written, such as `AT+CTFR="+33612345678"`.
    pub command: String,
    /// The destination number, for `AT+CTFR`.
    pub target: Option<String>,
    /// Whether the device responded OK.
    pub accepted: bool,
}

/// Audio counters. A frame is 20 ms: 160 samples at 8 kHz.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AudioStats {
    /// Frames of caller audio written to the host.
    pub frames_to_host: u64,
    /// Frames of host audio consumed in full at a tick.
    pub frames_from_host: u64,
    /// Ticks at which the host had written less than a frame (the caller heard silence for the rest).
    pub underruns: u64,
    /// Times host audio arrived beyond the device buffer and was dropped.
    pub overruns: u64,
    /// Bytes of host audio received, before unshielding for voice modems.
    pub bytes_from_host: u64,
    /// Bytes (text and audio) the simulator dropped because the host stopped reading its ports.
    pub bytes_dropped_to_host: u64,
    /// Maximum time between two reads that returned host audio.
    pub max_write_interval: Duration,
    /// Sum of the times between reads that returned host audio.
    pub total_write_interval: Duration,
    /// Number of intervals summed in `total_write_interval`.
    pub write_intervals: u64,
    /// Clock ticks skipped because the simulator thread stalled for over a second.
    pub skipped_ticks: u64,
}

impl AudioStats {
    /// Returns the mean time between reads that returned host audio, or zero before two reads.
    pub fn mean_write_interval(&self) -> Duration {
        if self.write_intervals == 0 {
            return Duration::ZERO;
        }
        let mean_nanos = self.total_write_interval.as_nanos() / u128::from(self.write_intervals);
        Duration::from_nanos(u64::try_from(mean_nanos).unwrap_or(u64::MAX))
    }
}

/// The report shared between the simulator thread and its handle.
pub(crate) struct Shared {
    started: Instant,
    report: Mutex<SimReport>,
    call_ended: Condvar,
}

impl Default for Shared {
    fn default() -> Shared {
        Shared {
            started: Instant::now(),
            report: Mutex::new(SimReport::default()),
            call_ended: Condvar::new(),
        }
    }
}

impl Shared {
    /// Returns the time since the simulator started.
    pub(crate) fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Locks the report. A panic elsewhere while holding the lock leaves a
    /// report that is still worth reading, so poisoning is ignored.
    pub(crate) fn lock(&self) -> MutexGuard<'_, SimReport> {
        self.report
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn snapshot(&self) -> SimReport {
        self.lock().clone()
    }

    /// Appends a call record and returns its index.
    pub(crate) fn begin_call(&self, caller: CallerIdSpec) -> usize {
        let rang_at = self.elapsed();
        let mut report = self.lock();
        report.calls.push(CallRecord {
            caller,
            rings: 0,
            rang_at,
            answered_at: None,
            ended_at: None,
            ended_by: None,
            dtmf_reported: Vec::new(),
        });
        report.calls.len() - 1
    }

    /// Runs `update` on call `index`, if it exists.
    pub(crate) fn update_call(&self, index: usize, update: impl FnOnce(&mut CallRecord)) {
        if let Some(call) = self.lock().calls.get_mut(index) {
            update(call);
        }
    }

    /// Marks call `index` as ended by `end` at `at`, unless it already ended,
    /// and wakes [`Shared::wait_call_end`].
    pub(crate) fn end_call(&self, index: usize, end: CallEnd, at: Duration) {
        let mut report = self.lock();
        if let Some(call) = report.calls.get_mut(index) {
            if call.ended_by.is_none() {
                call.ended_by = Some(end);
                call.ended_at = Some(at);
            }
        }
        drop(report);
        self.call_ended.notify_all();
    }

    /// Waits until the latest call has ended or `deadline` passes.
    pub(crate) fn wait_call_end(&self, deadline: Instant) -> bool {
        let mut report = self.lock();
        loop {
            let ended = report
                .calls
                .last()
                .is_none_or(|call| call.ended_by.is_some());
            if ended {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            report = match self.call_ended.wait_timeout(report, deadline - now) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }
}
