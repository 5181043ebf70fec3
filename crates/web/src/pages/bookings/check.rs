//! The checks of the booking form against the profile and the clock.

use standardiste_profile::{check_phone, BusinessProfile};
use time::{Date, PrimitiveDateTime};

use super::form::{CreateErrors, CreateFields, MAX_NAME_CHARS, MAX_NOTES_CHARS};
use super::input::{check_not_past, parse_date, parse_time};

/// A form that passed every check the book does not make itself.
#[derive(Debug, Clone)]
pub struct CheckedBooking {
    pub kind: standardiste_booking::AppointmentType,
    pub start: PrimitiveDateTime,
    pub caller_name: String,
    pub caller_number: String,
    pub notes: String,
}

/// Checks every field against the profile and `now`, and returns the
/// booking to make or a message for each wrong field. Opening hours within
/// an open day and double booking are the book's own checks.
// The errors are built once per rejected form, so their size costs nothing.
#[allow(clippy::result_large_err)]
pub fn check(
    fields: &CreateFields,
    profile: &BusinessProfile,
    now: PrimitiveDateTime,
) -> Result<CheckedBooking, CreateErrors> {
    let mut errors = CreateErrors::default();
    let kind = field(check_appointment(&fields.appointment, profile), &mut errors.appointment);
    let date = field(parse_date(&fields.date), &mut errors.date);
    let time = field(parse_time(&fields.time), &mut errors.time);
    if let (Some(date), Some(time)) = (date, time) {
        let start = PrimitiveDateTime::new(date, time);
        if let Err(problem) = check_not_past(start, now) {
            if date < now.date() {
                errors.date = Some(problem);
            } else {
                errors.time = Some(problem);
            }
        } else if let Err(problem) = check_open_day(date, profile) {
            errors.date = Some(problem);
        }
    }
    let caller_name = field(check_name(&fields.caller_name), &mut errors.caller_name);
    let caller_number = field(check_number(&fields.caller_number), &mut errors.caller_number);
    let notes = fields.notes.trim();
    let notes_chars = notes.chars().count();
    if notes_chars > MAX_NOTES_CHARS {
        errors.notes = Some(format!(
            "the notes have {notes_chars} characters; shorten them to {MAX_NOTES_CHARS} at most"
        ));
    }
    match (kind, date, time, caller_name, caller_number) {
        (Some(kind), Some(date), Some(time), Some(caller_name), Some(caller_number)) if errors.is_empty() => {
            Ok(CheckedBooking {
                kind,
                start: PrimitiveDateTime::new(date, time),
                caller_name,
                caller_number,
                notes: notes.to_string(),
            })
        }
        _ => Err(errors),
    }
}

/// Returns the value of `result`, or puts its message in `message`.
fn field<T>(result: Result<T, String>, message: &mut Option<String>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(problem) => {
            *message = Some(problem);
            None
        }
    }
}

fn check_appointment(name: &str, profile: &BusinessProfile) -> Result<standardiste_booking::AppointmentType, String> {
    if name.trim().is_empty() {
        return Err("the appointment type is missing; choose one from the list".to_string());
    }
    match profile.appointment_types.iter().find(|kind| kind.name == name) {
        Some(kind) => Ok(kind.booking_type()),
        None => {
            let names: Vec<&str> = profile
                .appointment_types
                .iter()
                .map(|kind| kind.name.as_str())
                .collect();
            Err(format!(
                "appointment type {name:?} is not in the profile; choose one of: {}",
                names.join(", ")
            ))
        }
    }
}

fn check_open_day(date: Date, profile: &BusinessProfile) -> Result<(), String> {
    if !profile.hours_on(date).is_empty() {
        return Ok(());
    }
    let reason = match profile.closure_on(date) {
        Some(closure) => match &closure.reason {
            Some(reason) => format!("the business is closed that day ({reason})"),
            None => "the business is closed that day".to_string(),
        },
        None => format!("the business is closed on {}s", date.weekday()),
    };
    Err(format!(
        "{date} is a {}, and {reason}; pick another day",
        date.weekday()
    ))
}

fn check_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("the caller's name is missing; write the name the booking is for".to_string());
    }
    let chars = name.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(format!(
            "the name has {chars} characters; shorten it to {MAX_NAME_CHARS} at most"
        ));
    }
    Ok(name.to_string())
}

fn check_number(number: &str) -> Result<String, String> {
    let number = number.trim();
    if number.is_empty() {
        return Err("the phone number is missing; write the number the caller can be reached on".to_string());
    }
    check_phone(number).map_err(|problem| {
        format!("phone number {number:?} is invalid: {problem}; write digits with optional spaces, dots or dashes and a leading +, such as 07700 900123")
    })?;
    Ok(number.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn profile() -> BusinessProfile {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/profile.toml");
        BusinessProfile::load(&path).unwrap()
    }

    fn fields(appointment: &str, date: &str, time: &str) -> CreateFields {
        CreateFields {
            appointment: appointment.into(),
            date: date.into(),
            time: time.into(),
            caller_name: " Ada Lovelace ".into(),
            caller_number: "07700 900123".into(),
            ..CreateFields::default()
        }
    }

    const NOW: PrimitiveDateTime = datetime!(2026-12-04 10:00);

    #[test]
    fn valid_form_is_checked() {
        let checked = check(&fields("Check-up", "2026-12-07", "09:00"), &profile(), NOW).unwrap();
        assert_eq!(checked.kind.name, "Check-up");
        assert_eq!(checked.kind.duration_min, 30);
        assert_eq!(checked.start, datetime!(2026-12-07 09:00));
        assert_eq!(checked.caller_name, "Ada Lovelace");
    }

    #[test]
    fn each_wrong_field_gets_its_message() {
        let mut wrong = fields("Massage", "2026-12-07", "9h");
        wrong.caller_name = "  ".into();
        wrong.caller_number = "12".into();
        wrong.notes = "x".repeat(MAX_NOTES_CHARS + 1);
        let errors = check(&wrong, &profile(), NOW).unwrap_err();
        assert!(errors
            .appointment
            .unwrap()
            .contains("\"Massage\" is not in the profile"));
        assert!(errors.date.is_none());
        assert!(errors.time.unwrap().contains("\"9h\""));
        assert!(errors.caller_name.unwrap().contains("missing"));
        assert!(errors.caller_number.unwrap().contains("\"12\" is invalid"));
        assert!(errors.notes.unwrap().contains("2001 characters"));
    }

    #[test]
    fn past_and_closed_days_are_rejected() {
        let yesterday = check(&fields("Check-up", "2026-12-03", "09:00"), &profile(), NOW).unwrap_err();
        assert!(yesterday.date.unwrap().contains("in the past"));
        let earlier_today = check(&fields("Check-up", "2026-12-04", "09:00"), &profile(), NOW).unwrap_err();
        assert!(earlier_today.time.unwrap().contains("in the past"));
        let sunday = check(&fields("Check-up", "2026-12-06", "09:00"), &profile(), NOW).unwrap_err();
        assert!(sunday.date.unwrap().contains("closed on Sundays"));
        let christmas = check(&fields("Check-up", "2026-12-25", "09:00"), &profile(), NOW).unwrap_err();
        assert!(christmas.date.unwrap().contains("(Christmas)"));
    }
}
