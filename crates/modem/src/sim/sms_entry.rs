//! The body of an `AT+CMGS` submission: collected after the `> ` prompt
//! until Ctrl-Z (send) or ESC (abort), then decoded for the report.

use super::command::{split_fields, unquote};
use super::report::{SmsMode, SmsRecord, SmsResult};
use crate::sms::{decode_submit, from_ucs2_hex};

/// Ctrl-Z ends the body and sends the message.
const SUBMIT: u8 = 0x1A;
/// ESC ends the body and discards the message.
const ESCAPE: u8 = 0x1B;

/// Maximum body length kept, well above the 352 hex digits of the longest PDU and
/// the 280 hex digits of a 70-character UCS-2 text. Longer bodies fail.
const MAX_BODY: usize = 4096;

/// End of a body entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntryEnd {
    Submit,
    Abort,
}

/// A body being entered.
pub(crate) struct SmsEntry {
    mode: SmsMode,
    charset: String,
    argument: String,
    body: Vec<u8>,
    overflow: bool,
}

impl SmsEntry {
    pub(crate) fn new(mode: SmsMode, charset: &str, argument: &str) -> SmsEntry {
        SmsEntry {
            mode,
            charset: charset.to_string(),
            argument: argument.to_string(),
            body: Vec::new(),
            overflow: false,
        }
    }

    /// Feeds one byte and returns how the body ended, if it did.
    pub(crate) fn push(&mut self, byte: u8) -> Option<EntryEnd> {
        match byte {
            SUBMIT => Some(EntryEnd::Submit),
            ESCAPE => Some(EntryEnd::Abort),
            _ if self.body.len() < MAX_BODY => {
                self.body.push(byte);
                None
            }
            _ => {
                self.overflow = true;
                None
            }
        }
    }

    /// Returns the `+CMS ERROR` code a module gives this body, if it is invalid:
    /// 304/305 (invalid PDU / text mode parameter) for an overlong body, or a
    /// PDU whose TPDU length differs from the `AT+CMGS` argument.
    pub(crate) fn validation_error(&self) -> Option<u16> {
        let code = match self.mode {
            SmsMode::Pdu => 304,
            SmsMode::Text => 305,
        };
        if self.overflow {
            return Some(code);
        }
        if self.mode == SmsMode::Pdu
            && pdu_tpdu_length(&self.body) != self.argument.trim().parse().ok()
        {
            return Some(code);
        }
        None
    }

    /// Builds the report record, decoding what can be decoded.
    pub(crate) fn into_record(self, result: SmsResult) -> SmsRecord {
        let body = String::from_utf8_lossy(&self.body).into_owned();
        let ucs2 = self.charset.eq_ignore_ascii_case("UCS2");
        let mut record = SmsRecord {
            mode: self.mode,
            charset: self.charset,
            argument: self.argument,
            body,
            to: None,
            text: None,
            pdu: None,
            result,
        };
        match record.mode {
            SmsMode::Text => {
                let destination = split_fields(&record.argument)
                    .first()
                    .map(|field| unquote(field).to_string());
                record.to = destination.and_then(|raw| {
                    if ucs2 {
                        from_ucs2_hex(&raw).ok()
                    } else {
                        Some(raw)
                    }
                });
                record.text = if ucs2 {
                    from_ucs2_hex(&record.body).ok()
                } else {
                    Some(record.body.clone())
                };
            }
            SmsMode::Pdu => {
                if let Ok(decoded) = decode_submit(&record.body) {
                    record.to = Some(decoded.to.clone());
                    record.text = Some(decoded.text.clone());
                    record.pdu = Some(decoded);
                }
            }
        }
        record
    }
}

/// Returns the TPDU length of a PDU in hex: all octets minus the SMSC
/// length octet and the SMSC address it announces.
fn pdu_tpdu_length(hex: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(hex).ok()?.trim();
    if text.len() % 2 != 0 {
        return None;
    }
    let smsc_length = usize::from(u8::from_str_radix(text.get(..2)?, 16).ok()?);
    (text.len() / 2).checked_sub(1 + smsc_length)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enter(
        mode: SmsMode,
        charset: &str,
        argument: &str,
        body: &[u8],
    ) -> (Option<EntryEnd>, SmsEntry) {
        let mut entry = SmsEntry::new(mode, charset, argument);
        let end = body.iter().find_map(|&byte| entry.push(byte));
        (end, entry)
    }

    #[test]
    fn ucs2_text_decodes() {
        let (end, entry) = enter(SmsMode::Text, "UCS2", "\"002B0033\"", b"00E90074\x1a");
        assert_eq!(end, Some(EntryEnd::Submit));
        assert_eq!(entry.validation_error(), None);
        let record = entry.into_record(SmsResult::Sent { reference: 1 });
        assert_eq!(record.to.as_deref(), Some("+3"));
        assert_eq!(record.text.as_deref(), Some("\u{e9}t"));
        assert_eq!(record.body, "00E90074");
    }

    #[test]
    fn escape_aborts() {
        let (end, _) = enter(SmsMode::Text, "GSM", "\"0612\"", b"hi\x1b");
        assert_eq!(end, Some(EntryEnd::Abort));
    }

    #[test]
    fn pdu_length_mismatch_fails() {
        // SMSC length 0, then 3 TPDU octets.
        let (_, good) = enter(SmsMode::Pdu, "GSM", "3", b"00110000\x1a");
        let (_, bad) = enter(SmsMode::Pdu, "GSM", "4", b"00110000\x1a");
        assert_eq!(good.validation_error(), None);
        assert_eq!(bad.validation_error(), Some(304));
    }
}
