//! Unsolicited result codes: the lines a modem sends on its own to report
//! rings, caller ID, call progress, DTMF digits and new messages.
//!
//! Parsers are tolerant: prefixes match in any case, spaces around fields
//! are ignored, and a line that does not fit its expected shape becomes
//! [`Urc::Other`] instead of an error.

use crate::sms::from_ucs2_hex;

/// Whether the network passed the caller's number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presentation {
    Allowed,
    /// The caller withheld the number ("private", CLI validity 1, `P`).
    Withheld,
    /// The network could not pass it on ("out of area", CLI validity 2, `O`).
    Unavailable,
}

/// Caller identity from `+CLIP` or from analog caller ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerIdInfo {
    pub number: Option<String>,
    pub name: Option<String>,
    pub presentation: Presentation,
}

/// Call state from `+CLCC` (27.007 `<stat>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallState {
    Active,
    Held,
    Dialing,
    Alerting,
    Incoming,
    Waiting,
    Disconnected,
    Unknown(u8),
}

/// One call of the `+CLCC` call list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallStatus {
    /// Call index, as `AT+CHLD` expects it.
    pub index: u8,
    /// True for a call this side placed (`<dir>` 0).
    pub outgoing: bool,
    pub state: CallState,
    pub number: Option<String>,
}

/// One line of analog caller ID (the formatted `AT+VCID=1` output).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CidField {
    /// `DATE=MMDD`.
    Date(String),
    /// `TIME=HHMM`.
    Time(String),
    /// `NMBR=` or `DDN_NMBR=`. `name` is always None here.
    Number(CallerIdInfo),
    /// `NAME=`. `number` is always None here.
    Name(CallerIdInfo),
    /// Any other `KEY=value` line of a caller ID block (`MESG=`), key uppercased.
    Other(String, String),
}

/// One unsolicited result code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Urc {
    Ring,
    /// `+CRING: <type>`, such as `VOICE`.
    CRing(String),
    Clip(CallerIdInfo),
    Cid(CidField),
    /// SIMCom `VOICE CALL: BEGIN`: the call is up.
    VoiceCallBegin,
    /// SIMCom `VOICE CALL: END: <duration>`.
    VoiceCallEnd {
        duration_s: Option<u32>,
    },
    NoCarrier,
    Busy,
    NoAnswer,
    /// A DTMF digit the caller pressed: `+RXDTMF: 8` (SIMCom), `+DTMF: 8`,
    /// or `+QTONEDET: 56` (Quectel, ASCII code).
    Dtmf(char),
    /// `+CLCC: ...` or Quectel `+QIND: "ccinfo",...` with the same fields.
    Clcc(CallStatus),
    /// SIMCom `MISSED_CALL: 11:01AM 0612345678`.
    MissedCall {
        time: String,
        number: Option<String>,
    },
    /// `+CMTI: "SM",3`: a message was stored at `index` in `storage`.
    NewSms {
        storage: String,
        index: u32,
    },
    /// Any other line, trimmed.
    Other(String),
}

/// Parses one line (as framed by [`crate::at::LineFramer`]) as an
/// unsolicited result code. Unknown lines become [`Urc::Other`].
pub fn parse_urc(line: &str) -> Urc {
    let line = line.trim();
    let upper = line.to_ascii_uppercase();
    parse_keyword(&upper)
        .or_else(|| parse_prefixed(line, &upper))
        .or_else(|| parse_cid_line(line))
        .unwrap_or_else(|| Urc::Other(line.to_string()))
}

fn parse_keyword(upper: &str) -> Option<Urc> {
    let urc = match upper {
        "RING" => Urc::Ring,
        "NO CARRIER" => Urc::NoCarrier,
        "BUSY" => Urc::Busy,
        "NO ANSWER" => Urc::NoAnswer,
        "VOICE CALL: BEGIN" => Urc::VoiceCallBegin,
        "VOICE CALL: END" => Urc::VoiceCallEnd { duration_s: None },
        _ => return None,
    };
    Some(urc)
}

fn parse_prefixed(line: &str, upper: &str) -> Option<Urc> {
    if let Some(rest) = after_prefix(line, upper, "+CRING:") {
        return Some(Urc::CRing(rest.to_string()));
    }
    if let Some(rest) = after_prefix(line, upper, "+CLIP:") {
        return Some(Urc::Clip(parse_clip(rest)));
    }
    if let Some(rest) = after_prefix(line, upper, "VOICE CALL: END:") {
        return Some(Urc::VoiceCallEnd {
            duration_s: parse_call_duration(rest),
        });
    }
    if let Some(rest) =
        after_prefix(line, upper, "+RXDTMF:").or_else(|| after_prefix(line, upper, "+DTMF:"))
    {
        return parse_dtmf_char(rest).map(Urc::Dtmf);
    }
    if let Some(rest) = after_prefix(line, upper, "+QTONEDET:") {
        let code = rest.parse::<u8>().ok()?;
        return dtmf_digit(char::from(code)).map(Urc::Dtmf);
    }
    if let Some(rest) = after_prefix(line, upper, "+CLCC:") {
        return parse_call_status(&split_fields(rest)).map(Urc::Clcc);
    }
    if let Some(rest) = after_prefix(line, upper, "+QIND:") {
        return parse_qind(rest);
    }
    if let Some(rest) = after_prefix(line, upper, "MISSED_CALL:") {
        return Some(parse_missed_call(rest));
    }
    if let Some(rest) = after_prefix(line, upper, "+CMTI:") {
        return parse_cmti(rest);
    }
    None
}

/// Returns the trimmed rest of `line` when `upper` (its ASCII uppercase) starts with `prefix`.
fn after_prefix<'a>(line: &'a str, upper: &str, prefix: &str) -> Option<&'a str> {
    if upper.starts_with(prefix) {
        // ASCII uppercasing keeps byte offsets, so the prefix length is valid in `line`.
        line.get(prefix.len()..).map(str::trim)
    } else {
        None
    }
}

/// Splits comma-separated fields outside double quotes, trims them and
/// removes their quotes.
fn split_fields(text: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut current = String::new();
    let mut in_quotes = false;
    for character in text.chars() {
        match character {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => fields.push(std::mem::take(&mut current).trim().to_string()),
            _ => current.push(character),
        }
    }
    fields.push(current.trim().to_string());
    fields
}

fn non_empty(field: Option<&String>) -> Option<String> {
    field.filter(|value| !value.is_empty()).cloned()
}

/// Parses `+CLIP: <number>,<type>,<subaddr>,<satype>,<alpha>,<CLI validity>`.
///
/// Without a validity field, a missing or empty number means Unavailable.
/// With `AT+CSCS="UCS2"` the modem sends the number and name as UCS-2 hex,
/// and both are decoded when the number decodes to dialable characters.
fn parse_clip(rest: &str) -> CallerIdInfo {
    let fields = split_fields(rest);
    let raw_number = non_empty(fields.first());
    let raw_name = non_empty(fields.get(4));

    let decoded_number = raw_number.as_deref().and_then(decode_ucs2_number);
    let (number, name) = match decoded_number {
        Some(number) => {
            let name = raw_name.map(|name| from_ucs2_hex(&name).unwrap_or(name));
            (Some(number), name)
        }
        None => (raw_number, raw_name),
    };

    let presentation = match fields.get(5).map(String::as_str) {
        Some("0") => Presentation::Allowed,
        Some("1") => Presentation::Withheld,
        Some("2") => Presentation::Unavailable,
        _ if number.is_some() => Presentation::Allowed,
        _ => Presentation::Unavailable,
    };
    CallerIdInfo {
        number,
        name,
        presentation,
    }
}

/// Decodes a UCS-2 hex phone number (`"002B0033"` is `"+3"`). Returns None
/// unless the text is whole UCS-2 units that all decode to `0-9 + * #`.
///
/// NOTE: a plain number of 8, 12 or 16 digits made only of `003x` groups
/// (`00300031` and so on) would be read as UCS-2. No real numbering plan
/// produces one, so the ambiguity is accepted.
fn decode_ucs2_number(text: &str) -> Option<String> {
    if text.len() < 4 || !text.len().is_multiple_of(4) {
        return None;
    }
    let decoded = from_ucs2_hex(text).ok()?;
    let dialable = decoded
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '*' | '#'));
    dialable.then_some(decoded)
}

/// Parses the duration of `VOICE CALL: END: 000041` as seconds.
///
/// NOTE: whether SIMCom sends seconds or HHMMSS here is not confirmed. The
/// digits are read as a plain count of seconds, so `000100` is 100 s, not 1 min.
fn parse_call_duration(rest: &str) -> Option<u32> {
    if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    rest.parse::<u32>().ok()
}

/// Returns `c` if it is a DTMF digit (`0-9 * # A-D`), uppercased.
fn dtmf_digit(c: char) -> Option<char> {
    let upper = c.to_ascii_uppercase();
    matches!(upper, '0'..='9' | '*' | '#' | 'A'..='D').then_some(upper)
}

/// Parses the digit of `+RXDTMF: 8` or `+DTMF: "8"`.
fn parse_dtmf_char(rest: &str) -> Option<char> {
    let unquoted = rest.trim_matches('"').trim();
    let mut characters = unquoted.chars();
    let first = characters.next()?;
    if characters.next().is_some() {
        return None;
    }
    dtmf_digit(first)
}

/// Parses `<id>,<dir>,<stat>,<mode>,<mpty>[,<number>,<type>,...]`.
fn parse_call_status(fields: &[String]) -> Option<CallStatus> {
    let index = fields.first()?.parse::<u8>().ok()?;
    let direction = fields.get(1)?.parse::<u8>().ok()?;
    let stat = fields.get(2)?.parse::<u8>().ok()?;
    let state = match stat {
        0 => CallState::Active,
        1 => CallState::Held,
        2 => CallState::Dialing,
        3 => CallState::Alerting,
        4 => CallState::Incoming,
        5 => CallState::Waiting,
        6 => CallState::Disconnected,
        other => CallState::Unknown(other),
    };
    Some(CallStatus {
        index,
        outgoing: direction == 0,
        state,
        number: non_empty(fields.get(5))
            .map(|number| decode_ucs2_number(&number).unwrap_or(number)),
    })
}

/// Parses Quectel `+QIND: "ccinfo",<CLCC fields>`; other `+QIND` kinds are
/// left to [`Urc::Other`].
fn parse_qind(rest: &str) -> Option<Urc> {
    let fields = split_fields(rest);
    let kind = fields.first()?;
    if !kind.eq_ignore_ascii_case("ccinfo") {
        return None;
    }
    parse_call_status(fields.get(1..)?).map(Urc::Clcc)
}

/// Parses `11:01AM 0612345678`: the time, then the number if any.
fn parse_missed_call(rest: &str) -> Urc {
    let mut words = rest.split_whitespace();
    let time = words.next().unwrap_or_default().to_string();
    let number = words.next().map(str::to_string);
    Urc::MissedCall { time, number }
}

/// Parses `"SM",3`.
fn parse_cmti(rest: &str) -> Option<Urc> {
    let fields = split_fields(rest);
    let storage = fields.first()?.clone();
    let index = fields.get(1)?.parse::<u32>().ok()?;
    Some(Urc::NewSms { storage, index })
}

/// Parses one analog caller ID line such as `NMBR = 0612345678`.
fn parse_cid_line(line: &str) -> Option<Urc> {
    let (key, value) = line.split_once('=')?;
    let key = key.trim().to_ascii_uppercase();
    let value = value.trim().to_string();
    let field = match key.as_str() {
        "DATE" => CidField::Date(value),
        "TIME" => CidField::Time(value),
        "NMBR" | "DDN_NMBR" => {
            let (number, presentation) = cid_value(value);
            CidField::Number(CallerIdInfo {
                number,
                name: None,
                presentation,
            })
        }
        "NAME" => {
            let (name, presentation) = cid_value(value);
            CidField::Name(CallerIdInfo {
                number: None,
                name,
                presentation,
            })
        }
        "MESG" => CidField::Other(key, value),
        _ => return None,
    };
    Some(Urc::Cid(field))
}

/// Maps a caller ID value: `P` is private (withheld), `O` out of area
/// (unavailable), empty is unavailable, anything else is the value itself.
fn cid_value(value: String) -> (Option<String>, Presentation) {
    match value.as_str() {
        "P" | "p" => (None, Presentation::Withheld),
        "O" | "o" | "" => (None, Presentation::Unavailable),
        _ => (Some(value), Presentation::Allowed),
    }
}
