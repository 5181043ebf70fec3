//! The date and time fields of the booking forms, as browsers send them
//! (`2026-12-08`, `14:30`), and the rule that a booking starts after now.

use time::macros::format_description;
use time::{Date, PrimitiveDateTime, Time};

/// Parses a date field (`YYYY-MM-DD`).
pub fn parse_date(text: &str) -> Result<Date, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("the date is missing; choose the day of the appointment".to_string());
    }
    Date::parse(text, format_description!("[year]-[month]-[day]"))
        .map_err(|_| format!("date {text:?} is invalid; write it as YYYY-MM-DD, such as 2026-12-08"))
}

/// Parses a time field: `HH:MM`, or `HH:MM:SS` as some browsers send it.
pub fn parse_time(text: &str) -> Result<Time, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("the time is missing; choose when the appointment starts".to_string());
    }
    let short = Time::parse(text, format_description!("[hour]:[minute]"));
    short
        .or_else(|_| Time::parse(text, format_description!("[hour]:[minute]:[second]")))
        .map_err(|_| format!("time {text:?} is invalid; write it as HH:MM on the 24-hour clock, such as 14:30"))
}

/// Checks that `start` is not before `now`.
pub fn check_not_past(start: PrimitiveDateTime, now: PrimitiveDateTime) -> Result<(), String> {
    if start < now {
        return Err(format!(
            "{} is in the past (it is now {}); pick a later time",
            date_clock(start),
            date_clock(now)
        ));
    }
    Ok(())
}

/// Formats `YYYY-MM-DD HH:MM`.
pub fn date_clock(at: PrimitiveDateTime) -> String {
    format!("{} {}", at.date(), clock(at.time()))
}

/// Formats `HH:MM`.
pub fn clock(time: Time) -> String {
    format!("{:02}:{:02}", time.hour(), time.minute())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime, time};

    #[test]
    fn fields_parse() {
        assert_eq!(parse_date(" 2026-12-08 ").unwrap(), date!(2026 - 12 - 08));
        assert_eq!(parse_time("09:30").unwrap(), time!(09:30));
        assert_eq!(parse_time("14:05:00").unwrap(), time!(14:05));
    }

    #[test]
    fn invalid_fields_are_named() {
        for text in ["08/12/2026", "2026-13-01", "2026-02-30", "tomorrow"] {
            let error = parse_date(text).unwrap_err();
            assert!(error.contains(&format!("{text:?}")), "{error}");
            assert!(error.contains("YYYY-MM-DD"), "{error}");
        }
        for text in ["9h30", "25:00", "12:60", "noon"] {
            let error = parse_time(text).unwrap_err();
            assert!(error.contains(&format!("{text:?}")), "{error}");
            assert!(error.contains("HH:MM"), "{error}");
        }
        assert!(parse_date("").unwrap_err().contains("missing"));
        assert!(parse_time(" ").unwrap_err().contains("missing"));
    }

    #[test]
    fn past_start_is_rejected() {
        let now = datetime!(2026-12-04 10:00);
        assert!(check_not_past(datetime!(2026-12-04 10:00), now).is_ok());
        let error = check_not_past(datetime!(2026-12-04 09:59), now).unwrap_err();
        assert!(error.contains("2026-12-04 09:59 is in the past"), "{error}");
    }
}
