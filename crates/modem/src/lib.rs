//! The byte-level protocols of the telephone hardware the box drives: AT
//! commands and unsolicited result codes of GSM modules (SIMCom SIM7600,
//! Quectel EC25), V.253 voice mode with DLE shielding of analog voice modems
//! (USRobotics USR5637, Conexant CX93010), SMS in text and PDU mode, the serial
//! port itself, and pseudo-terminal simulators of each device for tests and demos.

pub mod codec;
pub mod dle;
pub mod port;
pub mod at;
pub mod error_codes;
pub mod gsm7;
pub mod sms;
pub mod urc;
pub mod ident;
pub mod client;
pub mod sim;

/// Masks every digit but the last two, for logs: `+33612345678` becomes
/// `+*********78`. Phone numbers are personal data.
pub fn mask_digits(text: &str) -> String {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let mut seen = 0;
    text.chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if seen + 2 > digits {
                c
            } else {
                '*'
            }
        })
        .collect()
}
