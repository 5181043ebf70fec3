//! Telephone lines. A line delivers the caller's audio in 20 ms frames at the
//! line's own pace and takes one frame of the box's audio back for each.
//! GSM modules, voice modems and USB sound cards each have a driver here;
//! [`simulated::SimulatedLine`] plays a caller from recordings without any device.

pub mod any;
pub mod at_device;
pub mod backoff;
pub mod board;
pub mod caller;
pub mod gsm;
pub mod jitter;
pub mod pcm_port;
pub mod settings;
pub mod simulated;
pub mod usb_audio;
pub mod voice_modem;

use std::fmt;
use std::future::Future;

use crate::audio::Frame;

/// Something that happened on the line during a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineEvent {
    /// 20 ms of the caller's audio.
    Audio(Frame),
    /// The caller pressed a key: `0`-`9`, `*`, `#` or `A`-`D`.
    Dtmf(char),
    /// The caller hung up.
    HungUp,
}

/// One call's connection to the caller.
pub trait Line: Send {
    /// Short name of the line for logs and the call record, e.g. `sim0`.
    fn label(&self) -> &str;

    /// The caller's number from caller ID, when the network sent one.
    fn caller_number(&self) -> Option<&str>;

    /// Waits for the next event; `None` once the line is closed.
    fn next_event(&mut self) -> impl Future<Output = Option<LineEvent>> + Send;

    /// Sends one frame to the caller. Call it once per received audio frame so
    /// both directions stay in step.
    fn send_frame(&mut self, frame: &Frame);

    /// Ends the call from the box's side.
    fn hang_up(&mut self) -> impl Future<Output = ()> + Send;

    /// Plays DTMF digits to the caller, for a system on the other end that
    /// listens for keys.
    fn send_dtmf(&mut self, digits: &str) -> impl Future<Output = Result<(), LineError>> + Send {
        let _ = digits;
        let error = LineError::Unsupported { line: self.label().to_string(), feature: "sending DTMF" };
        async move { Err(error) }
    }

    /// Tells whether [`Line::transfer`] can work on this device; when it
    /// cannot, an escalation becomes an urgent message instead.
    fn can_transfer(&self) -> bool {
        false
    }

    /// Hands the call over to `number`, when the device and the network can.
    fn transfer(&mut self, number: &str) -> impl Future<Output = Result<(), LineError>> + Send {
        let _ = number;
        let error = LineError::Unsupported { line: self.label().to_string(), feature: "call transfer" };
        async move { Err(error) }
    }
}

/// Caller ID as the network presented it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CallerId {
    Number { number: String, name: Option<String> },
    /// The caller chose to hide the number.
    Withheld,
    /// The network had no number to give (international, payphone, out of area).
    Unavailable,
    /// No caller ID arrived at all, for instance on a line without the service.
    #[default]
    Unknown,
}

impl CallerId {
    pub fn number(&self) -> Option<&str> {
        match self {
            CallerId::Number { number, .. } => Some(number),
            _ => None,
        }
    }
}

impl fmt::Display for CallerId {
    /// Shows the number masked to its last two digits, fit for logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallerId::Number { number, .. } => f.write_str(&mask_number(number)),
            CallerId::Withheld => f.write_str("withheld"),
            CallerId::Unavailable => f.write_str("unavailable"),
            CallerId::Unknown => f.write_str("unknown"),
        }
    }
}

/// Masks a phone number for logs: `+33612345678` becomes `+*********78`.
pub fn mask_number(number: &str) -> String {
    standardiste_modem::mask_digits(number)
}

/// One ring of an incoming call, with the caller ID known so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ring {
    /// 1 for the first ring.
    pub count: u32,
    pub caller: CallerId,
}

/// Action a line takes on a ring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RingDecision {
    /// Let it ring; decide again on the next ring.
    Wait,
    Answer,
    /// Hang up on the caller now.
    Reject,
    /// Let it ring out without answering, for a human to pick up.
    Ignore,
}

/// Decides, ring by ring, whether the box takes an incoming call.
pub trait AnswerPolicy: Send + Sync {
    fn on_ring(&self, line: &str, ring: &Ring) -> RingDecision;
}

/// Answers every call on ring N (1 answers at once).
#[derive(Debug, Clone, Copy)]
pub struct AnswerOnRing(pub u32);

impl AnswerPolicy for AnswerOnRing {
    fn on_ring(&self, _line: &str, ring: &Ring) -> RingDecision {
        if ring.count >= self.0.max(1) {
            RingDecision::Answer
        } else {
            RingDecision::Wait
        }
    }
}

/// A device on the office line that waits for calls and then carries one
/// call at a time through its [`Line`] methods.
pub trait LineDevice: Line {
    /// Waits for an incoming call that `policy` answers, answers it and
    /// returns its caller ID. Rings the policy rejects or ignores are handled
    /// here. A device that stops answering or disappears is reopened with
    /// backoff; only a fault that reopening cannot fix is returned.
    fn wait_for_call(
        &mut self,
        policy: &dyn AnswerPolicy,
    ) -> impl Future<Output = Result<CallerId, LineError>> + Send;
}

/// Error from a line device.
#[derive(Debug, thiserror::Error)]
pub enum LineError {
    #[error("{line}: cannot open {path}: {source}; check the port in the line settings and that the service user is in the dialout group")]
    Open { line: String, path: String, source: std::io::Error },
    #[error("{line}: the device on {path} cannot carry voice calls: {reason}")]
    NotVoiceCapable { line: String, path: String, reason: String },
    #[error("{line}: {feature} is not supported by this device or network")]
    Unsupported { line: String, feature: &'static str },
    #[error("{line}: {message}")]
    Device { line: String, message: String },
}
