//! The modem's side of the AT command interface: assembling command lines
//! from the host's bytes, splitting a line into its commands, and framing
//! what the modem sends back.
//!
//! Accepted input, as V.250 modems accept it: a line starts at `AT` or `at`
//! (bytes before it are noise and skipped), ends at CR, and a following LF is
//! ignored. Backspace deletes. `A/` repeats the previous line without CR.
//! Several commands may share a line: `ATE0V1`, `AT+CMGF=1;+CSCS="UCS2"`.

use crate::error_codes::{cme_error_meaning, cms_error_meaning};

/// Maximum command line length kept. Longer input is truncated, and the truncated
/// line usually fails with ERROR, as on modems with a fixed line buffer.
const MAX_LINE: usize = 1024;

/// Assembles command lines from the host's bytes, fed one at a time so that
/// the byte after a line can be routed to SMS entry or voice data.
#[derive(Default)]
pub(crate) struct LineAssembler {
    buffer: Vec<u8>,
    last: Option<String>,
}

impl LineAssembler {
    /// Feeds one byte and returns a command line (starting at `AT`) when one is complete.
    pub(crate) fn push(&mut self, byte: u8) -> Option<String> {
        match byte {
            b'\r' => self.finish_line(),
            b'\n' => None,
            0x08 | 0x7F => {
                self.buffer.pop();
                None
            }
            b'/' if self.buffer.eq_ignore_ascii_case(b"A") => {
                self.buffer.clear();
                self.last.clone()
            }
            _ => {
                if self.buffer.len() < MAX_LINE {
                    self.buffer.push(byte);
                }
                None
            }
        }
    }

    fn finish_line(&mut self) -> Option<String> {
        let bytes = std::mem::take(&mut self.buffer);
        let start = bytes
            .windows(2)
            .position(|pair| pair.eq_ignore_ascii_case(b"AT"))?;
        let line = String::from_utf8_lossy(bytes.get(start..)?)
            .trim_end()
            .to_string();
        self.last = Some(line.clone());
        Some(line)
    }
}

/// The form of one command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Op {
    /// `ATA`, `AT+CLCC`.
    Exec,
    /// `AT+CPIN?`.
    Query,
    /// `AT+VSM=?`.
    Test,
    /// `ATE0` (argument `0`), `AT+CMGF=1` (argument `1`), `ATDT123`.
    Set(String),
}

/// One command of a command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Command {
    /// Uppercase name without `AT`: `E`, `&F`, `S0`, `+CMGS`, `-SCID`.
    pub(crate) name: String,
    pub(crate) op: Op,
}

impl Command {
    /// Returns the argument of a Set, or "" for the other forms.
    pub(crate) fn argument(&self) -> &str {
        match &self.op {
            Op::Set(argument) => argument,
            _ => "",
        }
    }

    /// Splits the argument on commas outside quotes and trims each field.
    pub(crate) fn fields(&self) -> Vec<String> {
        split_fields(self.argument())
    }

    /// Returns the first argument as a number; basic commands without a
    /// number (`ATE`, `ATH`) count as 0, as V.250 defines.
    pub(crate) fn number(&self) -> Option<u32> {
        match &self.op {
            Op::Exec => Some(0),
            Op::Set(_) => self.fields().first().and_then(|field| field.parse().ok()),
            Op::Query | Op::Test => None,
        }
    }
}

/// Splits a command line that starts with `AT` into its commands. Returns
/// None when the line cannot be split (a malformed extended command).
pub(crate) fn split_commands(line: &str) -> Option<Vec<Command>> {
    let rest = line.get(2..)?;
    let mut commands = Vec::new();
    let mut chars = rest.trim_start().chars().peekable();
    while let Some(&first) = chars.peek() {
        if first == ' ' || first == ';' {
            chars.next();
            continue;
        }
        let command = if first.is_ascii_alphabetic() || first == '&' {
            basic_command(&mut chars)?
        } else {
            extended_command(&mut chars)?
        };
        commands.push(command);
    }
    Some(commands)
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

fn basic_command(chars: &mut Chars<'_>) -> Option<Command> {
    let mut name = String::new();
    let first = chars.next()?.to_ascii_uppercase();
    name.push(first);
    if first == '&' {
        name.push(chars.next()?.to_ascii_uppercase());
    }
    if first == 'D' {
        // Dialing takes the rest of the line.
        let number: String = chars.by_ref().collect();
        return Some(Command {
            name,
            op: Op::Set(number.trim().to_string()),
        });
    }
    if first == 'S' {
        while let Some(digit) = chars.next_if(char::is_ascii_digit) {
            name.push(digit);
        }
        return Some(register_command(name, chars));
    }
    let digits: String = std::iter::from_fn(|| chars.next_if(char::is_ascii_digit)).collect();
    let op = if digits.is_empty() {
        Op::Exec
    } else {
        Op::Set(digits)
    };
    Some(Command { name, op })
}

fn register_command(name: String, chars: &mut Chars<'_>) -> Command {
    if chars.next_if_eq(&'?').is_some() {
        return Command {
            name,
            op: Op::Query,
        };
    }
    if chars.next_if_eq(&'=').is_some() {
        let value: String = std::iter::from_fn(|| chars.next_if(char::is_ascii_digit)).collect();
        return Command {
            name,
            op: Op::Set(value),
        };
    }
    Command { name, op: Op::Exec }
}

fn extended_command(chars: &mut Chars<'_>) -> Option<Command> {
    let mut name = String::new();
    name.push(chars.next()?);
    while let Some(character) =
        chars.next_if(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.' || *c == '%')
    {
        name.push(character.to_ascii_uppercase());
    }
    if name.len() < 2 {
        return None;
    }

    // The operator after the name: `?` query, `=?` test, `=` set, nothing exec.
    if chars.next_if_eq(&'?').is_some() {
        return Some(Command {
            name,
            op: Op::Query,
        });
    }
    if chars.next_if_eq(&'=').is_none() {
        return Some(Command { name, op: Op::Exec });
    }
    if chars.next_if_eq(&'?').is_some() {
        return Some(Command { name, op: Op::Test });
    }

    let mut argument = String::new();
    let mut quoted = false;
    while let Some(character) = chars.next_if(|c| quoted || *c != ';') {
        if character == '"' {
            quoted = !quoted;
        }
        argument.push(character);
    }
    Some(Command {
        name,
        op: Op::Set(argument.trim().to_string()),
    })
}

/// Splits on commas outside double quotes, trimming spaces.
pub(crate) fn split_fields(text: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for character in text.chars() {
        match character {
            '"' => {
                quoted = !quoted;
                current.push(character);
            }
            ',' if !quoted => fields.push(std::mem::take(&mut current).trim().to_string()),
            _ => current.push(character),
        }
    }
    if !text.is_empty() {
        fields.push(current.trim().to_string());
    }
    fields
}

/// Removes one pair of surrounding double quotes, if present.
pub(crate) fn unquote(field: &str) -> &str {
    field
        .strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
        .unwrap_or(field)
}

/// The final result code that ends a command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Final {
    Ok,
    Error,
    Connect,
    NoCarrier,
    Cme(u16),
    Cms(u16),
    /// Nothing yet: the command continues (SMS prompt, voice transmit
    /// draining) and sends its own final result later.
    Deferred,
}

/// Line framing of a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Framing {
    /// ATV1 (words, `\r\n` around) or ATV0 (result codes as digits).
    pub(crate) verbose: bool,
    /// SIMCom frames unsolicited lines as `\r\r\n...\r\r\n`.
    pub(crate) simcom_urcs: bool,
    /// `AT+CMEE` mode: 0 turns `+CME`/`+CMS` errors into plain ERROR, 1
    /// sends the code, 2 sends the 27.007 / 27.005 text.
    pub(crate) error_mode: u8,
}

impl Framing {
    /// Frames an information line of a command's response.
    pub(crate) fn info(&self, text: &str) -> Vec<u8> {
        if self.verbose {
            format!("\r\n{text}\r\n").into_bytes()
        } else {
            format!("{text}\r\n").into_bytes()
        }
    }

    /// Frames an unsolicited line.
    pub(crate) fn urc(&self, text: &str) -> Vec<u8> {
        if self.simcom_urcs {
            format!("\r\r\n{text}\r\r\n").into_bytes()
        } else {
            self.info(text)
        }
    }

    /// Frames a final result code. Returns nothing for [`Final::Deferred`].
    pub(crate) fn final_result(&self, result: Final) -> Vec<u8> {
        let (word, digit) = match result {
            Final::Ok => ("OK".to_string(), "0"),
            Final::Connect => ("CONNECT".to_string(), "1"),
            Final::NoCarrier => ("NO CARRIER".to_string(), "3"),
            Final::Error => ("ERROR".to_string(), "4"),
            Final::Cme(_) | Final::Cms(_) if self.error_mode == 0 => ("ERROR".to_string(), "4"),
            Final::Cme(code) if self.error_mode == 2 => {
                (format!("+CME ERROR: {}", cme_error_meaning(code)), "4")
            }
            Final::Cms(code) if self.error_mode == 2 => {
                (format!("+CMS ERROR: {}", cms_error_meaning(code)), "4")
            }
            Final::Cme(code) => (format!("+CME ERROR: {code}"), "4"),
            Final::Cms(code) => (format!("+CMS ERROR: {code}"), "4"),
            Final::Deferred => return Vec::new(),
        };
        let extended = matches!(result, Final::Cme(_) | Final::Cms(_)) && self.error_mode != 0;
        if self.verbose {
            format!("\r\n{word}\r\n").into_bytes()
        } else if extended {
            // Extended errors stay words under ATV0, as on GSM modules.
            format!("{word}\r\n").into_bytes()
        } else {
            format!("{digit}\r").into_bytes()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assemble(input: &[u8]) -> Vec<String> {
        let mut assembler = LineAssembler::default();
        input
            .iter()
            .filter_map(|&byte| assembler.push(byte))
            .collect()
    }

    #[test]
    fn assembler_handles_line_forms() {
        let cases: [(&[u8], &[&str]); 6] = [
            (b"AT\r", &["AT"]),
            (b"at+clip=1\r\n", &["at+clip=1"]),
            (b"\x8f\x01ATI\r", &["ATI"]),
            (b"ATX\x08I\r", &["ATI"]),
            (b"ATI3\rA/", &["ATI3", "ATI3"]),
            (b"hello\r\r", &[]),
        ];
        for (input, expected) in cases {
            assert_eq!(assemble(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn split_handles_basic_and_extended() {
        let line = "ATE0V1&F S0=2+CMGF=1;+CSCS=\"UC;S2\";+VSM=?;+CPIN?;-SCID=1";
        let names: Vec<(String, Op)> = split_commands(line)
            .unwrap_or_default()
            .into_iter()
            .map(|command| (command.name, command.op))
            .collect();
        let expected = vec![
            ("E".to_string(), Op::Set("0".into())),
            ("V".to_string(), Op::Set("1".into())),
            ("&F".to_string(), Op::Exec),
            ("S0".to_string(), Op::Set("2".into())),
            ("+CMGF".to_string(), Op::Set("1".into())),
            ("+CSCS".to_string(), Op::Set("\"UC;S2\"".into())),
            ("+VSM".to_string(), Op::Test),
            ("+CPIN".to_string(), Op::Query),
            ("-SCID".to_string(), Op::Set("1".into())),
        ];
        assert_eq!(names, expected);
    }

    #[test]
    fn split_rejects_bare_sign() {
        assert_eq!(split_commands("AT+"), None);
    }

    #[test]
    fn fields_keep_quoted_commas() {
        assert_eq!(
            split_fields("\"1,2\", 3"),
            vec!["\"1,2\"".to_string(), "3".to_string()]
        );
    }

    #[test]
    fn framing_per_style() {
        let simcom = Framing {
            verbose: true,
            simcom_urcs: true,
            error_mode: 1,
        };
        let plain = Framing {
            verbose: true,
            simcom_urcs: false,
            error_mode: 1,
        };
        let numeric = Framing {
            verbose: false,
            simcom_urcs: false,
            error_mode: 1,
        };
        let plain_errors = Framing {
            verbose: true,
            simcom_urcs: false,
            error_mode: 0,
        };
        let text_errors = Framing {
            verbose: true,
            simcom_urcs: false,
            error_mode: 2,
        };
        assert_eq!(simcom.urc("RING"), b"\r\r\nRING\r\r\n");
        assert_eq!(plain.urc("RING"), b"\r\nRING\r\n");
        assert_eq!(plain.final_result(Final::Ok), b"\r\nOK\r\n");
        assert_eq!(numeric.final_result(Final::Error), b"4\r");
        assert_eq!(
            numeric.final_result(Final::Cms(500)),
            b"+CMS ERROR: 500\r\n"
        );
        assert_eq!(plain_errors.final_result(Final::Cme(3)), b"\r\nERROR\r\n");
        assert_eq!(
            text_errors.final_result(Final::Cme(3)),
            format!("\r\n+CME ERROR: {}\r\n", cme_error_meaning(3)).into_bytes()
        );
    }
}
