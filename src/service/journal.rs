//! The systemd journal: logging to it with structured fields, and reading
//! back one call's entries for `standardiste logs --call ID`.
//!
//! Under systemd the daemon logs through journald's native protocol, so each
//! tracing field becomes a journal field of the same name in capitals:
//! `call_id` is `CALL_ID` and `line` is `LINE`. `journalctl -u standardiste
//! CALL_ID=42` then selects one call, and `-o verbose` shows every field.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::process::Command;

use serde_json::Value;

/// Returns whether standard error is connected to the journal: systemd sets
/// `$JOURNAL_STREAM` to `DEVICE:INODE` of that stream.
pub fn stderr_is_journal() -> bool {
    let Some(stream) = std::env::var_os("JOURNAL_STREAM") else {
        return false;
    };
    let Some((device, inode)) = stream.to_str().and_then(|value| value.split_once(':')) else {
        return false;
    };
    let (Ok(device), Ok(inode)) = (device.parse::<u64>(), inode.parse::<u64>()) else {
        return false;
    };
    // /proc/self/fd/2 is standard error; its metadata is the stream's.
    std::fs::metadata("/proc/self/fd/2").is_ok_and(|stderr| stderr.dev() == device && stderr.ino() == inode)
}

/// One journal entry, as `journalctl -o json` prints it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Microseconds since the Unix epoch.
    pub realtime_us: i64,
    pub priority: u8,
    pub message: String,
    /// Every other field with a value, by name.
    pub fields: BTreeMap<String, String>,
}

/// Fields that journald or the tracing layer add to every entry; the story leaves them out.
const STANDARD_FIELDS: &[&str] = &[
    "MESSAGE",
    "PRIORITY",
    "SYSLOG_IDENTIFIER",
    "SYSLOG_FACILITY",
    "SYSLOG_PID",
    "SYSLOG_TIMESTAMP",
    "CODE_FILE",
    "CODE_LINE",
    "CODE_FUNC",
    "TARGET",
    "SPAN_NAME",
    "SPAN_TARGET",
    "SPAN_CODE_FILE",
    "SPAN_CODE_LINE",
];

/// Parses one line of `journalctl -o json`. Returns `None` for a line that
/// is not a JSON object with a timestamp, such as a journalctl warning.
pub fn parse_entry(line: &str) -> Option<Entry> {
    let Value::Object(object) = serde_json::from_str::<Value>(line).ok()? else {
        return None;
    };
    let realtime_us = field_text(object.get("__REALTIME_TIMESTAMP")?)?.parse().ok()?;
    let priority = object
        .get("PRIORITY")
        .and_then(field_text)
        .and_then(|value| value.parse().ok())
        .unwrap_or(6);
    let message = object.get("MESSAGE").and_then(field_text).unwrap_or_default();
    let fields = object
        .iter()
        .filter(|(name, _)| !name.starts_with('_') && !STANDARD_FIELDS.contains(&name.as_str()))
        .filter_map(|(name, value)| Some((name.clone(), field_text(value)?)))
        .collect();
    Some(Entry {
        realtime_us,
        priority,
        message,
        fields,
    })
}

/// Returns a field's value as text. journalctl prints a field that is not
/// valid UTF-8 as an array of bytes, and a field set several times in one
/// entry as an array of values (the last one is kept).
fn field_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Array(items) if items.iter().all(Value::is_u64) => {
            let bytes: Vec<u8> = items.iter().filter_map(Value::as_u64).map(|byte| byte as u8).collect();
            Some(String::from_utf8_lossy(&bytes).into_owned())
        }
        Value::Array(items) => items.iter().rev().find_map(field_text),
        _ => None,
    }
}

/// Returns whether `entry` belongs to the story of call `call_id` on `line`:
/// it names the call, or it names the line and no call (ringing, hang-up).
pub fn belongs_to_call(entry: &Entry, call_id: i64, line: &str) -> bool {
    let call_id = call_id.to_string();
    match entry.fields.get("CALL_ID") {
        Some(id) => *id == call_id,
        None => entry.fields.get("LINE").is_some_and(|name| name == line),
    }
}

/// Formats `entry` as one line: UTC time, level, message, then its other fields.
pub fn format_entry(entry: &Entry) -> String {
    let time = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(entry.realtime_us) * 1000)
        .map(|at| {
            format!(
                "{:02}:{:02}:{:02}.{:03}",
                at.hour(),
                at.minute(),
                at.second(),
                at.millisecond()
            )
        })
        .unwrap_or_else(|_| "??:??:??.???".to_string());
    let level = match entry.priority {
        0..=3 => "ERROR",
        4 => "WARN",
        5 => "INFO",
        6 => "DEBUG",
        _ => "TRACE",
    };
    let mut line = format!("{time} {level:<5} {}", entry.message);
    for (name, value) in &entry.fields {
        line.push_str(&format!(" {}={value}", name.to_lowercase()));
    }
    line
}

/// Returns `journalctl`'s `--since`/`--until` form of an RFC 3339 UTC time
/// from the call database, moved by `shift_s` seconds.
pub fn journal_time(rfc3339: &str, shift_s: i64) -> Option<String> {
    let at = time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339).ok()?;
    let at = at + time::Duration::seconds(shift_s);
    Some(format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    ))
}

/// Runs `journalctl -u UNIT -o json` between `since` and `until` and returns
/// its output lines.
///
/// NOTE: reading the service's journal needs root or the group
/// systemd-journal; journalctl then prints nothing and a hint on standard
/// error, which is passed on.
pub fn read_journal(unit: &str, since: &str, until: &str) -> Result<Vec<String>, String> {
    let output = Command::new("journalctl")
        .args(["--no-pager", "--output=json", "--unit", unit, "--since", since, "--until", until])
        .output()
        .map_err(|error| format!("cannot run journalctl: {error}; the call logs are in the systemd journal, which this system may not have"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("journalctl failed ({}): {}", output.status, stderr.trim()));
    }
    if !stderr.trim().is_empty() {
        eprintln!("{}", stderr.trim());
    }
    Ok(String::from_utf8_lossy(&output.stdout).lines().map(str::to_string).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RINGING: &str = r#"{"__REALTIME_TIMESTAMP":"1796460006123456","PRIORITY":"5","MESSAGE":"ring","LINE":"gsm0","RINGS":"1","_PID":"812","CODE_FILE":"src/line/gsm/mod.rs"}"#;
    const ANSWERED: &str = r#"{"__REALTIME_TIMESTAMP":"1796460008000000","PRIORITY":"5","MESSAGE":"call answered","LINE":"gsm0","CALL_ID":"42","SYSLOG_IDENTIFIER":"standardiste"}"#;
    const OTHER_CALL: &str = r#"{"__REALTIME_TIMESTAMP":"1796460009000000","PRIORITY":"3","MESSAGE":"call failed","LINE":"modem0","CALL_ID":"43"}"#;
    const OTHER_LINE: &str = r#"{"__REALTIME_TIMESTAMP":"1796460009500000","PRIORITY":"4","MESSAGE":"cannot open the line; retrying","LINE":"modem0"}"#;
    const BINARY: &str = r#"{"__REALTIME_TIMESTAMP":"1764924010000000","PRIORITY":"4","MESSAGE":[115,108,111,119],"CALL_ID":["42","42"]}"#;

    #[test]
    fn entries_parse() {
        let entry = parse_entry(RINGING).unwrap();
        assert_eq!(entry.realtime_us, 1_796_460_006_123_456);
        assert_eq!(entry.priority, 5);
        assert_eq!(entry.message, "ring");
        assert_eq!(entry.fields.get("LINE").map(String::as_str), Some("gsm0"));
        assert_eq!(entry.fields.get("RINGS").map(String::as_str), Some("1"));
        assert!(!entry.fields.contains_key("_PID"));
        assert!(!entry.fields.contains_key("CODE_FILE"));

        let binary = parse_entry(BINARY).unwrap();
        assert_eq!(binary.message, "slow");
        assert_eq!(binary.fields.get("CALL_ID").map(String::as_str), Some("42"));
    }

    #[test]
    fn garbled_lines_are_skipped() {
        assert_eq!(parse_entry("-- No entries --"), None);
        assert_eq!(parse_entry("[1,2]"), None);
        assert_eq!(parse_entry(r#"{"MESSAGE":"no time"}"#), None);
        assert_eq!(parse_entry(r#"{"__REALTIME_TIMESTAMP":"soon"}"#), None);
    }

    #[test]
    fn story_keeps_call_and_line() {
        let entries: Vec<Entry> = [RINGING, ANSWERED, OTHER_CALL, OTHER_LINE, BINARY]
            .iter()
            .filter_map(|line| parse_entry(line))
            .filter(|entry| belongs_to_call(entry, 42, "gsm0"))
            .collect();
        let messages: Vec<&str> = entries.iter().map(|entry| entry.message.as_str()).collect();
        assert_eq!(messages, ["ring", "call answered", "slow"]);
    }

    #[test]
    fn entry_formats_on_one_line() {
        let line = format_entry(&parse_entry(ANSWERED).unwrap());
        assert_eq!(line, "08:40:08.000 INFO  call answered call_id=42 line=gsm0");
    }

    #[test]
    fn journal_time_shifts() {
        assert_eq!(journal_time("2026-12-05T08:40:06Z", -30).as_deref(), Some("2026-12-05 08:39:36 UTC"));
        assert_eq!(journal_time("2026-12-05T08:40:06.123456789Z", 10).as_deref(), Some("2026-12-05 08:40:16 UTC"));
        assert_eq!(journal_time("yesterday", 0), None);
    }
}
