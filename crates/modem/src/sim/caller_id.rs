//! Caller presentation of each device family: `+CLIP` and `+CLCC` lines of
//! GSM modules, and the formatted caller ID block of voice modems.

use std::time::{SystemTime, UNIX_EPOCH};

use super::CallerIdSpec;
use crate::sms::ucs2_hex;

/// Returns the `+CLIP:` line, or None when the network sends no caller ID.
/// Under `AT+CSCS="UCS2"` the number and name are UCS-2 hex, as GSM modules send them.
pub(crate) fn clip_line(caller: &CallerIdSpec, ucs2: bool) -> Option<String> {
    let encode = |text: &str| {
        if ucs2 {
            ucs2_hex(text)
        } else {
            text.to_string()
        }
    };
    match caller {
        CallerIdSpec::Number { number, name } => {
            let alpha = name.as_deref().map(encode).unwrap_or_default();
            Some(format!(
                "+CLIP: \"{}\",{},\"\",128,\"{alpha}\",0",
                encode(number),
                number_type(number)
            ))
        }
        CallerIdSpec::Withheld => Some("+CLIP: \"\",128,\"\",128,\"\",1".to_string()),
        CallerIdSpec::Unavailable => Some("+CLIP: \"\",128,\"\",128,\"\",2".to_string()),
        CallerIdSpec::None => None,
    }
}

/// Returns the fields after `+CLCC: ` (or `+QIND: "ccinfo",`) for the single
/// incoming call: `1,1,<stat>,0,0,"<number>",<type>`.
pub(crate) fn clcc_fields(caller: &CallerIdSpec, stat: u8) -> String {
    let number = match caller {
        CallerIdSpec::Number { number, .. } => number.as_str(),
        _ => "",
    };
    format!("1,1,{stat},0,0,\"{number}\",{}", number_type(number))
}

/// Returns the number of a missed-call line, empty when withheld.
pub(crate) fn plain_number(caller: &CallerIdSpec) -> &str {
    match caller {
        CallerIdSpec::Number { number, .. } => number,
        _ => "",
    }
}

/// 27.007 type of address: 145 for an international number, 129 for a
/// national one, 128 when there is no number.
fn number_type(number: &str) -> u8 {
    if number.starts_with('+') {
        145
    } else if number.is_empty() {
        128
    } else {
        129
    }
}

/// Returns the formatted caller ID lines (`AT+VCID=1`) that voice modems send
/// between the first and second ring: DATE=MMDD, TIME=HHMM (UTC, because the
/// simulator has no time zone), then NMBR= and NAME=.
pub(crate) fn voice_cid_lines(caller: &CallerIdSpec, now: SystemTime) -> Vec<String> {
    let (month, day, hour, minute) = utc_fields(now);
    let mut lines = vec![
        format!("DATE={month:02}{day:02}"),
        format!("TIME={hour:02}{minute:02}"),
    ];
    match caller {
        CallerIdSpec::Number { number, name } => {
            lines.push(format!("NMBR={number}"));
            if let Some(name) = name {
                lines.push(format!("NAME={name}"));
            }
        }
        CallerIdSpec::Withheld => lines.push("NMBR=P".to_string()),
        CallerIdSpec::Unavailable => lines.push("NMBR=O".to_string()),
        CallerIdSpec::None => return Vec::new(),
    }
    lines
}

/// Returns `HH:MMAM`-style time of the SIMCom `MISSED_CALL:` line, in UTC.
pub(crate) fn missed_call_time(now: SystemTime) -> String {
    let (_, _, hour, minute) = utc_fields(now);
    let suffix = if hour < 12 { "AM" } else { "PM" };
    let hour12 = match hour % 12 {
        0 => 12,
        other => other,
    };
    format!("{hour12:02}:{minute:02}{suffix}")
}

/// Masks all but the last two characters, for logs.
pub(crate) fn mask_number(number: &str) -> String {
    let count = number.chars().count();
    number
        .chars()
        .enumerate()
        .map(|(position, character)| if position + 2 < count { '*' } else { character })
        .collect()
}

/// Returns (month, day, hour, minute) of `now` in UTC.
fn utc_fields(now: SystemTime) -> (u32, u32, u32, u32) {
    let seconds = now
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0);
    let days = (seconds / 86_400) as i64;
    let second_of_day = seconds % 86_400;
    let (month, day) = month_day_from_days(days);
    (
        month,
        day,
        (second_of_day / 3600) as u32,
        (second_of_day % 3600 / 60) as u32,
    )
}

/// Converts days since 1970-01-01 to (month, day) in the proleptic Gregorian
/// calendar. It counts in 400-year eras of 146,097 days, with years that
/// start on 1 March so that the leap day falls at the end.
fn month_day_from_days(days: i64) -> (u32, u32) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    (month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn clip_lines_per_presentation() {
        let number = CallerIdSpec::Number {
            number: "+33612345678".into(),
            name: None,
        };
        let cases = [
            (&number, false, Some("+CLIP: \"+33612345678\",145,\"\",128,\"\",0")),
            (&number, true, Some("+CLIP: \"002B00330033003600310032003300340035003600370038\",145,\"\",128,\"\",0")),
            (&CallerIdSpec::Withheld, false, Some("+CLIP: \"\",128,\"\",128,\"\",1")),
            (&CallerIdSpec::Unavailable, false, Some("+CLIP: \"\",128,\"\",128,\"\",2")),
            (&CallerIdSpec::None, false, None),
        ];
        for (caller, ucs2, expected) in cases {
            assert_eq!(
                clip_line(caller, ucs2).as_deref(),
                expected,
                "caller {caller:?}"
            );
        }
    }

    #[test]
    fn voice_cid_date_and_withheld() {
        // 2024-01-17 14:52 UTC.
        let at = UNIX_EPOCH + Duration::from_secs(1_705_503_120);
        let lines = voice_cid_lines(&CallerIdSpec::Withheld, at);
        assert_eq!(lines, vec!["DATE=0117", "TIME=1452", "NMBR=P"]);
    }

    #[test]
    fn voice_cid_date_on_leap_day() {
        // 2024-02-29 00:00 UTC.
        let at = UNIX_EPOCH + Duration::from_secs(1_709_164_800);
        let lines = voice_cid_lines(&CallerIdSpec::Unavailable, at);
        assert_eq!(lines, vec!["DATE=0229", "TIME=0000", "NMBR=O"]);
    }

    #[test]
    fn missed_call_time_is_twelve_hour() {
        let at = UNIX_EPOCH + Duration::from_secs(1_705_503_120);
        assert_eq!(missed_call_time(at), "02:52PM");
    }

    #[test]
    fn mask_keeps_last_two() {
        assert_eq!(mask_number("0612345678"), "********78");
    }
}
