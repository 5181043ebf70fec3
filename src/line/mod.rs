//! Telephone lines. A line delivers the caller's audio in 20 ms frames at the
//! line's own pace and takes one frame of the box's audio back for each.
//! Real modems and GSM modules work this way; [`simulated::SimulatedLine`]
//! plays a caller from recordings.

pub mod simulated;

use std::future::Future;

use crate::audio::Frame;

/// Something that happened on the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineEvent {
    /// 20 ms of the caller's audio.
    Audio(Frame),
    /// The caller pressed a key.
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
}
