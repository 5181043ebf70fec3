//! Command-mode framing of the AT byte stream and its final result codes.
//!
//! Modems end lines with CR LF, SIMCom modules with CR CR LF, and some send
//! blank lines, NUL bytes or line noise. The framer treats any run of CR and
//! LF as one line end and keeps only printable text, so the parsers above it
//! see clean lines.

use crate::error_codes::{cme_error_code, cms_error_code};

/// Maximum line length kept, in bytes. AT information lines are far shorter
/// (an SMS read in PDU mode is under 180 octets, so under 360 hex digits), so
/// a longer line is line noise or binary data and is dropped.
pub const MAX_LINE_LEN: usize = 1024;

/// One framed unit of modem output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A non-blank line, trimmed, with control bytes removed.
    Line(String),
    /// The `> ` prompt after `AT+CMGS`: CR LF `>` space with no line end.
    Prompt,
}

/// Incremental line framer for the command-mode byte stream.
///
/// Any run of CR and LF ends a line, blank lines are skipped, control bytes
/// are dropped, invalid UTF-8 is replaced with U+FFFD, and lines longer than
/// [`MAX_LINE_LEN`] are discarded up to the next line end and counted.
#[derive(Debug, Default, Clone)]
pub struct LineFramer {
    /// Raw bytes of the unterminated line, control bytes included so that
    /// [`LineFramer::take_partial`] can return them unchanged.
    partial: Vec<u8>,
    /// True while skipping the rest of an over-long line.
    discarding: bool,
    discarded: u64,
}

impl LineFramer {
    /// Creates a framer at the start of a line.
    pub fn new() -> Self {
        Self::default()
    }

    /// Frames `bytes` and appends every complete item to `out`.
    pub fn feed(&mut self, bytes: &[u8], out: &mut Vec<Item>) {
        self.feed_until(bytes, out, |_| false);
    }

    /// Frames `bytes` like [`LineFramer::feed`] but stops right after the
    /// first item for which `stop` returns true, and returns how many bytes it
    /// consumed. The caller hands the rest to a data-mode decoder, for
    /// instance after `CONNECT` in V.253 voice mode.
    ///
    /// When the stopping line ends with CR LF in this chunk, the LF is consumed
    /// too. NOTE: if the LF arrives in the next read, it stays at the start of
    /// the data and reads as one sample.
    pub fn feed_until(
        &mut self,
        bytes: &[u8],
        out: &mut Vec<Item>,
        mut stop: impl FnMut(&Item) -> bool,
    ) -> usize {
        let mut position = 0;
        while let Some(&byte) = bytes.get(position) {
            position += 1;
            let Some(item) = self.push_byte(byte) else {
                continue;
            };
            let should_stop = stop(&item);
            out.push(item);
            if should_stop {
                if byte == b'\r' && bytes.get(position) == Some(&b'\n') {
                    position += 1;
                }
                return position;
            }
        }
        position
    }

    /// Returns how many over-long lines were discarded since creation.
    pub fn discarded(&self) -> u64 {
        self.discarded
    }

    /// Returns the raw bytes of the unterminated line and clears it, for use
    /// when the stream switches to data mode. Returns nothing while an
    /// over-long line is being discarded.
    pub fn take_partial(&mut self) -> Vec<u8> {
        self.discarding = false;
        std::mem::take(&mut self.partial)
    }

    fn push_byte(&mut self, byte: u8) -> Option<Item> {
        if byte == b'\r' || byte == b'\n' {
            return self.end_line();
        }
        if self.discarding {
            return None;
        }
        if byte == b' ' && self.partial == b">" {
            self.partial.clear();
            return Some(Item::Prompt);
        }
        if self.partial.len() >= MAX_LINE_LEN {
            self.partial.clear();
            self.discarding = true;
            self.discarded += 1;
            return None;
        }
        self.partial.push(byte);
        None
    }

    fn end_line(&mut self) -> Option<Item> {
        self.discarding = false;
        let raw = std::mem::take(&mut self.partial);
        let printable: Vec<u8> = raw
            .into_iter()
            .filter(|&b| !(b < 0x20 || b == 0x7F))
            .collect();
        let text = String::from_utf8_lossy(&printable);
        let trimmed = text.trim();
        if trimmed.is_empty() {
            None
        } else {
            Some(Item::Line(trimmed.to_string()))
        }
    }
}

/// The final result code that ends an AT command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Final {
    Ok,
    /// `CONNECT`, with or without a speed or protocol suffix.
    Connect,
    Error,
    /// `+CME ERROR: <n>` (27.007 equipment error).
    CmeError(u16),
    /// `+CMS ERROR: <n>` (27.005 message service error).
    CmsError(u16),
    NoCarrier,
    Busy,
    NoAnswer,
    NoDialtone,
}

/// Code reported for a verbose `+CME ERROR:` text missing from the table
/// (27.007 "unknown").
const CME_UNKNOWN: u16 = 100;

/// Code reported for a verbose `+CMS ERROR:` text missing from the table
/// (27.005 "unknown error").
const CMS_UNKNOWN: u16 = 500;

/// Parses a final result code, or returns None for any other line.
///
/// Case-insensitive and trimmed. Accepts the verbose codes, `CONNECT` with a
/// suffix (`CONNECT 9600`), the numeric `ATV0` codes 0, 1, 3 to 8, and
/// `+CME ERROR:`/`+CMS ERROR:` with a number or with the 27.007/27.005 text
/// (mapped back to its number, else 100 or 500). Because a bare digit can also
/// be an information line (`AT+FCLASS?` returns `8`), use
/// [`parse_final_verbose`] while the modem is in `ATV1` mode.
pub fn parse_final(line: &str) -> Option<Final> {
    parse_final_verbose(line).or_else(|| parse_final_numeric(line.trim()))
}

/// Parses a verbose (`ATV1`) final result code, or returns None.
pub fn parse_final_verbose(line: &str) -> Option<Final> {
    let upper = line.trim().to_ascii_uppercase();
    let final_code = match upper.as_str() {
        "OK" => Final::Ok,
        "ERROR" => Final::Error,
        "NO CARRIER" => Final::NoCarrier,
        "BUSY" => Final::Busy,
        "NO ANSWER" => Final::NoAnswer,
        "NO DIALTONE" | "NO DIAL TONE" => Final::NoDialtone,
        _ => return parse_final_with_argument(line.trim(), &upper),
    };
    Some(final_code)
}

fn parse_final_with_argument(line: &str, upper: &str) -> Option<Final> {
    if upper == "CONNECT" || upper.starts_with("CONNECT ") || upper.starts_with("CONNECT/") {
        return Some(Final::Connect);
    }
    if let Some(argument) = argument_after(line, upper, "+CME ERROR:") {
        let code = argument
            .parse::<u16>()
            .ok()
            .or_else(|| cme_error_code(argument))
            .unwrap_or(CME_UNKNOWN);
        return Some(Final::CmeError(code));
    }
    if let Some(argument) = argument_after(line, upper, "+CMS ERROR:") {
        let code = argument
            .parse::<u16>()
            .ok()
            .or_else(|| cms_error_code(argument))
            .unwrap_or(CMS_UNKNOWN);
        return Some(Final::CmsError(code));
    }
    None
}

/// Returns the trimmed text after `prefix` when the uppercased line starts with it.
fn argument_after<'a>(line: &'a str, upper: &str, prefix: &str) -> Option<&'a str> {
    if !upper.starts_with(prefix) {
        return None;
    }
    // ASCII uppercasing keeps byte offsets, so the prefix length is valid in `line`.
    line.get(prefix.len()..).map(str::trim)
}

fn parse_final_numeric(line: &str) -> Option<Final> {
    match line {
        "0" => Some(Final::Ok),
        "1" | "5" => Some(Final::Connect),
        "3" => Some(Final::NoCarrier),
        "4" => Some(Final::Error),
        "6" => Some(Final::NoDialtone),
        "7" => Some(Final::Busy),
        "8" => Some(Final::NoAnswer),
        _ => None,
    }
}
