//! Misbehaviour that a test can switch on, and the random source behind the
//! garbage it injects.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Misbehaviour on request. [`Faults::default`] switches every fault off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Faults {
    /// Command echo at start (the ATE1 state). ATE0 switches it off. A device
    /// that returns after vanishing starts with echo on, whatever this field is.
    pub echo: bool,
    /// Interval between bursts of random bytes injected into the AT stream,
    /// only while the port is in command mode.
    pub garbage_every: Option<Duration>,
    /// Splits every response and unsolicited line into two writes with a
    /// [`Faults::CUT_PAUSE`] pause between them.
    pub cut_lines: bool,
    /// Time after start from which the device stops answering AT commands and
    /// stops sending audio, like a hung firmware. Its port stays open.
    pub silent_after: Option<Duration>,
    /// `(T, D)`: at T after start the ports disappear for D, then return on
    /// fresh ptys with the device reset.
    pub vanish: Option<(Duration, Duration)>,
    /// The caller hangs up this long after the call is answered, whatever
    /// the caller's audio source says.
    pub hang_up_after: Option<Duration>,
    /// SIM7600: `AT+CPCMREG=1` answers ERROR until this long after
    /// `VOICE CALL: BEGIN`.
    pub cpcmreg_delay: Duration,
    /// A data-only device. GSM modules report a data-only model (SIM7080G,
    /// BG96) and reject voice commands. Voice modems answer ERROR to `AT+FCLASS=8`.
    pub no_voice: bool,
    /// `AT+CMGS` answers `+CMS ERROR: <n>` with this code instead of `+CMGS: <mr>`.
    pub sms_error: Option<u16>,
}

impl Faults {
    /// Pause between the two halves of a line cut by [`Faults::cut_lines`].
    pub const CUT_PAUSE: Duration = Duration::from_millis(40);
}

impl Default for Faults {
    fn default() -> Faults {
        Faults {
            echo: false,
            garbage_every: None,
            cut_lines: false,
            silent_after: None,
            vanish: None,
            hang_up_after: None,
            cpcmreg_delay: Duration::from_millis(1500),
            no_voice: false,
            sms_error: None,
        }
    }
}

/// xorshift64 generator for garbage bytes. Not for anything that needs real randomness.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn from_clock() -> Rng {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|elapsed| elapsed.as_nanos() as u64)
            .unwrap_or(0x9E37_79B9_7F4A_7C15);
        // xorshift never leaves the all-zero state.
        Rng(nanos | 1)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Returns 1 to 8 random bytes without CR or LF, so that the burst stays
    /// on the line where it lands and the driver must skip it as noise.
    pub(crate) fn garbage(&mut self) -> Vec<u8> {
        let length = 1 + (self.next_u64() % 8) as usize;
        (0..length)
            .map(|_| {
                let byte = (self.next_u64() >> 24) as u8;
                if byte == b'\r' || byte == b'\n' {
                    b'~'
                } else {
                    byte
                }
            })
            .collect()
    }
}
