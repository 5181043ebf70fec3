//! Formatting of times, durations and outcomes for the pages.

use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// Returns the offset of the box's local time now, or UTC when it cannot be read.
pub fn local_offset() -> UtcOffset {
    UtcOffset::current_local_offset().unwrap_or(UtcOffset::UTC)
}

/// Returns the local wall-clock time now, or the fixed time the console was given.
pub fn local_now(fixed: Option<PrimitiveDateTime>) -> PrimitiveDateTime {
    fixed.unwrap_or_else(|| {
        let now = OffsetDateTime::now_utc().to_offset(local_offset());
        PrimitiveDateTime::new(now.date(), now.time())
    })
}

/// Parses a stored RFC 3339 UTC time (`2026-12-04T10:00:05Z`).
pub fn parse_stored(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

/// Formats a stored UTC time as local `YYYY-MM-DD HH:MM`, or returns the text itself when it does not parse.
pub fn local_time(text: &str) -> String {
    match parse_stored(text) {
        Some(at) => {
            let at = at.to_offset(local_offset());
            at.format(format_description!("[year]-[month]-[day] [hour]:[minute]")).unwrap_or_else(|_| text.to_string())
        }
        None => text.to_string(),
    }
}

/// Formats a duration in milliseconds as `M:SS`, or `H:MM:SS` past an hour.
pub fn duration(ms: Option<i64>) -> String {
    let Some(ms) = ms else {
        return "–".into();
    };
    let seconds = ms.max(0) / 1000;
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes}:{seconds:02}")
    }
}

/// Formats an offset into a call, in milliseconds, as `M:SS`.
pub fn offset(ms: i64) -> String {
    duration(Some(ms))
}

/// Words for a stored outcome.
pub fn outcome(outcome: &str) -> &str {
    match outcome {
        "in_progress" => "in progress",
        "completed" => "completed",
        "caller_hung_up" => "caller hung up",
        "silence" => "silent caller",
        "time_limit" => "time limit",
        "interrupted" => "interrupted",
        "failed" => "failed",
        "transferred" => "transferred",
        other => other,
    }
}

/// Returns a `tel:` address with only the digits and a leading `+` of
/// `number`, so that a caller's number cannot make any other link.
pub fn tel_href(number: &str) -> String {
    let plus = if number.trim_start().starts_with('+') { "+" } else { "" };
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    format!("tel:{plus}{digits}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tel_address_keeps_digits() {
        assert_eq!(tel_href(" +44 7700-900.123"), "tel:+447700900123");
        assert_eq!(tel_href("07700 900123\"><x"), "tel:07700900123");
    }

    #[test]
    fn durations_read_as_clock_times() {
        assert_eq!(duration(Some(65_400)), "1:05");
        assert_eq!(duration(Some(3_725_000)), "1:02:05");
        assert_eq!(duration(None), "–");
        assert_eq!(duration(Some(-5)), "0:00");
    }

    #[test]
    fn unparsable_times_are_shown_as_stored() {
        assert_eq!(local_time("yesterday"), "yesterday");
        assert_eq!(local_time("2026-12-04T10:00:05Z").len(), 16);
    }
}
