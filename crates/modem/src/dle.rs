//! V.253 DLE shielding of voice data, in both directions.
//!
//! In voice mode (`AT+VTX`, `AT+VRX`, `AT+VTR`) the data stream and the
//! in-band signalling share one byte stream. A DLE byte (0x10) followed by a
//! code byte is an event or a command. A data byte that happens to be 0x10 is
//! sent as DLE DLE. The sender shields its data, and the receiver unshields it
//! and pulls out the events.

/// Data Link Escape: introduces an event or command, and is doubled in data.
pub const DLE: u8 = 0x10;

/// End of Text: after a DLE, marks the end of a voice data stream.
pub const ETX: u8 = 0x03;

/// DLE ETX ends a voice data stream in either direction. The host sends it to
/// end `AT+VTX` playback, and the modem sends it when `AT+VRX` recording stops.
pub const END_OF_DATA: [u8; 2] = [DLE, ETX];

/// DLE `!` from the host stops `AT+VRX` recording or `AT+VTR` full duplex.
pub const ABORT: [u8; 2] = [DLE, b'!'];

/// One in-band event: the byte that follows a single DLE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DleEvent {
    /// A DTMF digit: `0`-`9`, `*`, `#` or `A`-`D`.
    Dtmf(char),
    /// `/`: start of a DTMF tone, whose digit follows as its own event.
    DtmfStart,
    /// `~`: end of a DTMF tone.
    DtmfEnd,
    /// `b`: busy tone, which on an analog line usually means the caller hung up.
    Busy,
    /// `d`: dial tone, which also follows a hang-up on many exchanges.
    DialTone,
    /// `s`: no voice energy for the configured time ("silence detected" on
    /// some modems).
    NoEnergy,
    /// `q`: quiet, a period of silence after voice.
    Silence,
    /// `h`: the local handset went on-hook.
    OnHook,
    /// `H`: the local handset went off-hook.
    OffHook,
    /// `l`: loop current break, the exchange's signal that the far end hung up.
    LoopBreak,
    /// `u`: transmit buffer underrun, because the host wrote audio too slowly.
    Underrun,
    /// `o`: receive buffer overrun, because the host read audio too slowly.
    Overrun,
    /// `R`: ring signal.
    Ring,
    /// `!`: abort, sent by the host to stop recording.
    Abort,
    /// `ETX`: end of the voice data stream.
    EndOfData,
    /// Any other code byte, kept so that callers can log it.
    Other(u8),
}

/// Unshields a voice data stream received from the modem.
///
/// Stateful because a DLE at the end of one read pairs with the first byte of
/// the next read.
#[derive(Debug, Default, Clone)]
pub struct DleDecoder {
    /// True when the last byte fed was a single DLE whose code byte has not
    /// arrived yet.
    pending_dle: bool,
}

impl DleDecoder {
    /// Creates a decoder at the start of a data stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Unshields `bytes`: appends data bytes to `data` and events to `events`.
    ///
    /// Stops right after DLE ETX and returns how many bytes of `bytes` it
    /// consumed, so the caller can hand the rest (the modem's command-mode
    /// text, such as `OK`) to the line framer. Returns `bytes.len()` when no
    /// DLE ETX was found. The decoder can be fed again after DLE ETX, and then
    /// starts a new stream.
    pub fn feed(&mut self, bytes: &[u8], data: &mut Vec<u8>, events: &mut Vec<DleEvent>) -> usize {
        for (position, &byte) in bytes.iter().enumerate() {
            if !self.pending_dle {
                if byte == DLE {
                    self.pending_dle = true;
                } else {
                    data.push(byte);
                }
                continue;
            }

            self.pending_dle = false;
            if byte == DLE {
                data.push(DLE);
                continue;
            }
            let event = event_from_code(byte);
            events.push(event);
            if event == DleEvent::EndOfData {
                return position + 1;
            }
        }
        bytes.len()
    }

    /// Returns true when the last byte fed was a DLE still waiting for its
    /// code byte.
    pub fn is_pending(&self) -> bool {
        self.pending_dle
    }
}

/// Maps the code byte that follows a single DLE to its event.
pub fn event_from_code(code: u8) -> DleEvent {
    match code {
        b'0'..=b'9' | b'*' | b'#' | b'A'..=b'D' => DleEvent::Dtmf(char::from(code)),
        b'/' => DleEvent::DtmfStart,
        b'~' => DleEvent::DtmfEnd,
        b'b' => DleEvent::Busy,
        b'd' => DleEvent::DialTone,
        b's' => DleEvent::NoEnergy,
        b'q' => DleEvent::Silence,
        b'h' => DleEvent::OnHook,
        b'H' => DleEvent::OffHook,
        b'l' => DleEvent::LoopBreak,
        b'u' => DleEvent::Underrun,
        b'o' => DleEvent::Overrun,
        b'R' => DleEvent::Ring,
        b'!' => DleEvent::Abort,
        ETX => DleEvent::EndOfData,
        other => DleEvent::Other(other),
    }
}

/// Doubles every DLE in `data` and appends the result to `out`, so the
/// receiver reads those bytes as data and not as events.
pub fn shield(data: &[u8], out: &mut Vec<u8>) {
    out.reserve(data.len());
    for &byte in data {
        if byte == DLE {
            out.push(DLE);
        }
        out.push(byte);
    }
}

/// Encodes `event` as DLE plus its code byte, for the simulator to send.
///
/// `Dtmf` with a character outside ASCII becomes DLE `?`, which decodes as
/// `Other(b'?')`. `Other(DLE)` yields DLE DLE, which a receiver reads as one
/// data byte and not as an event.
pub fn event_code(event: DleEvent) -> [u8; 2] {
    let code = match event {
        DleEvent::Dtmf(digit) if digit.is_ascii() => digit as u8,
        DleEvent::Dtmf(_) => b'?',
        DleEvent::DtmfStart => b'/',
        DleEvent::DtmfEnd => b'~',
        DleEvent::Busy => b'b',
        DleEvent::DialTone => b'd',
        DleEvent::NoEnergy => b's',
        DleEvent::Silence => b'q',
        DleEvent::OnHook => b'h',
        DleEvent::OffHook => b'H',
        DleEvent::LoopBreak => b'l',
        DleEvent::Underrun => b'u',
        DleEvent::Overrun => b'o',
        DleEvent::Ring => b'R',
        DleEvent::Abort => b'!',
        DleEvent::EndOfData => ETX,
        DleEvent::Other(code) => code,
    };
    [DLE, code]
}
