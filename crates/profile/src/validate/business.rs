//! Validation of what callers may be told: hours, closures, services, FAQ, staff and
//! appointment types.

use std::collections::BTreeMap;

use time::macros::format_description;
use time::Date;

use super::{email_address, number_in, optional_text, phone_number, required_text};
use crate::error::{quoted, Problems};
use crate::hours::{parse_hours, Closure, DayHours, WeeklyHours, WEEKDAYS};
use crate::price::{parse_currency, parse_price, CURRENCIES};
use crate::profile::{AppointmentType, FaqEntry, Service, StaffMember};
use crate::raw::{RawAppointmentType, RawClosure, RawFaq, RawService, RawStaff};
use crate::words::fold;

const HOURS_FIX: &str =
    "write intervals as HH:MM-HH:MM in time order, separated by commas, such as \"08:30-12:30, 13:30-18:00\", or write \"closed\"";
const DATE_FIX: &str = "write the date as YYYY-MM-DD, such as 2026-12-25";
/// Maximum length of an appointment or buffer, in minutes: one day.
const MAX_MINUTES: u32 = 1440;

/// The validated opening hours, closures and services.
pub(super) struct Info {
    pub currency: Option<String>,
    pub opening_hours: WeeklyHours,
    pub closures: Vec<Closure>,
    pub services: Vec<Service>,
}

pub(super) fn build(
    problems: &mut Problems,
    opening_hours: &BTreeMap<String, String>,
    closures: Vec<RawClosure>,
    services: Vec<RawService>,
    currency: Option<String>,
) -> Info {
    let currency = currency.and_then(|code| match parse_currency(&code) {
        Ok(code) => Some(code),
        Err(problem) => {
            problems.add(
                "currency",
                quoted(&code),
                problem,
                format!("use one of {}", CURRENCIES.join(", ")),
            );
            None
        }
    });
    Info {
        opening_hours: weekly_hours(problems, opening_hours),
        closures: closure_list(problems, closures),
        services: service_list(problems, services, currency.as_deref()),
        currency,
    }
}

fn weekly_hours(problems: &mut Problems, opening_hours: &BTreeMap<String, String>) -> WeeklyHours {
    let mut weekly = WeeklyHours::default();
    for (day, text) in opening_hours {
        let field = format!("opening_hours.{day}");
        let Some(index) = WEEKDAYS.iter().position(|name| name == day) else {
            problems.add(
                field,
                quoted(text),
                format!("`{day}` is not a day of the week"),
                "use lowercase English day names: monday, tuesday, wednesday, thursday, friday, saturday, sunday",
            );
            continue;
        };
        match parse_hours(text) {
            Ok(intervals) => {
                weekly.days[index] = DayHours {
                    text: Some(text.trim().to_string()),
                    intervals,
                }
            }
            Err(problem) => problems.add(field, quoted(text), problem, HOURS_FIX),
        }
    }
    weekly
}

fn closure_list(problems: &mut Problems, raw: Vec<RawClosure>) -> Vec<Closure> {
    let mut closures: Vec<(usize, Closure)> = Vec::new();
    for (index, entry) in raw.into_iter().enumerate() {
        let field = format!("closures[{index}]");
        let Some((first, last)) = closure_dates(problems, &field, &entry) else {
            continue;
        };
        let hours = match &entry.hours {
            None => Vec::new(),
            Some(text) => match parse_hours(text) {
                Ok(hours) => hours,
                Err(problem) => {
                    problems.add(format!("{field}.hours"), quoted(text), problem, HOURS_FIX);
                    continue;
                }
            },
        };
        let reason = optional_text(problems, &format!("{field}.reason"), entry.reason);
        let closure = Closure {
            first,
            last,
            hours,
            reason,
        };
        if let Some((other, _)) = closures
            .iter()
            .find(|(_, earlier)| earlier.first <= closure.last && closure.first <= earlier.last)
        {
            problems.add(
                field,
                None,
                format!("the dates overlap closures[{other}]"),
                "merge the two closures or change their dates so that each day is in one closure",
            );
            continue;
        }
        closures.push((index, closure));
    }
    closures.into_iter().map(|(_, closure)| closure).collect()
}

/// Reads `date`, or `from` and `to`, of a closure.
fn closure_dates(problems: &mut Problems, field: &str, entry: &RawClosure) -> Option<(Date, Date)> {
    match (&entry.date, &entry.from, &entry.to) {
        (Some(date), None, None) => {
            let date = date_value(problems, &format!("{field}.date"), date)?;
            Some((date, date))
        }
        (None, Some(from), Some(to)) => {
            let from_date = date_value(problems, &format!("{field}.from"), from);
            let to_date = date_value(problems, &format!("{field}.to"), to);
            let (from_date, to_date) = (from_date?, to_date?);
            if to_date < from_date {
                problems.add(
                    format!("{field}.to"),
                    Some(to_date.to_string()),
                    format!("the closure ends before its first day, {from_date}"),
                    "make `to` the last day of the closure, on or after `from`",
                );
                return None;
            }
            Some((from_date, to_date))
        }
        (None, None, None) => {
            problems.add(
                field,
                None,
                "the closure has no date",
                "add `date = 2026-12-25` for one day, or `from` and `to` for several days",
            );
            None
        }
        (Some(_), _, _) => {
            problems.add(
                field,
                None,
                "the closure has both `date` and `from`/`to`",
                "keep `date` for one day, or `from` and `to` for several days",
            );
            None
        }
        (None, Some(_), None) | (None, None, Some(_)) => {
            problems.add(
                field,
                None,
                "the closure needs both `from` and `to`",
                "add the missing one, or use `date` alone for a single day",
            );
            None
        }
    }
}

/// Reads a date written as a TOML date or as a `"YYYY-MM-DD"` string.
fn date_value(problems: &mut Problems, field: &str, value: &toml::Value) -> Option<Date> {
    let parsed = match value {
        toml::Value::String(text) => {
            Date::parse(text.trim(), format_description!("[year]-[month]-[day]")).ok()
        }
        toml::Value::Datetime(datetime) if datetime.time.is_none() && datetime.offset.is_none() => {
            datetime.date.and_then(|date| {
                let month = time::Month::try_from(date.month).ok()?;
                Date::from_calendar_date(i32::from(date.year), month, date.day).ok()
            })
        }
        _ => None,
    };
    if parsed.is_none() {
        problems.add(
            field,
            Some(value.to_string()),
            "this is not a valid date",
            DATE_FIX,
        );
    }
    parsed
}

fn service_list(
    problems: &mut Problems,
    raw: Vec<RawService>,
    currency: Option<&str>,
) -> Vec<Service> {
    let mut services: Vec<Service> = Vec::new();
    for (index, entry) in raw.into_iter().enumerate() {
        let field = format!("services[{index}]");
        required_text(
            problems,
            &format!("{field}.name"),
            &entry.name,
            "write the name callers use for the service",
        );
        if let Some(other) = services
            .iter()
            .position(|service| fold(&service.name) == fold(&entry.name))
        {
            problems.add(
                format!("{field}.name"),
                quoted(&entry.name),
                format!("services[{other}] has the same name"),
                "give each service its own name, or merge the two entries",
            );
        }
        let price = entry.price.as_ref().and_then(|text| match parse_price(text, currency) {
            Ok(price) => Some(price),
            Err(problem) => {
                problems.add(
                    format!("{field}.price"),
                    quoted(text),
                    problem,
                    "write an amount with its currency, such as \"45 GBP\", \"£45\" or \"45.50 EUR\", or remove the line for \"price on request\"",
                );
                None
            }
        });
        let duration_min = entry.duration_min.map(|minutes| {
            number_in(
                problems,
                &format!("{field}.duration_min"),
                minutes,
                1..=MAX_MINUTES,
                "write the length in minutes, 1 or more, or remove the line",
            )
        });
        let description =
            optional_text(problems, &format!("{field}.description"), entry.description);
        services.push(Service {
            name: entry.name.trim().to_string(),
            price,
            duration_min,
            description,
        });
    }
    services
}

pub(super) fn faq(problems: &mut Problems, raw: Vec<RawFaq>) -> Vec<FaqEntry> {
    raw.into_iter()
        .enumerate()
        .map(|(index, entry)| {
            required_text(
                problems,
                &format!("faq[{index}].question"),
                &entry.question,
                "write the question as callers ask it",
            );
            required_text(
                problems,
                &format!("faq[{index}].answer"),
                &entry.answer,
                "write the answer the box should give",
            );
            FaqEntry {
                question: entry.question.trim().to_string(),
                answer: entry.answer.trim().to_string(),
            }
        })
        .collect()
}

/// The validated staff and appointment types.
pub(super) struct People {
    pub staff: Vec<StaffMember>,
    pub appointment_types: Vec<AppointmentType>,
}

pub(super) fn build_people(
    problems: &mut Problems,
    staff: Vec<RawStaff>,
    appointment_types: Vec<RawAppointmentType>,
) -> People {
    let staff = staff_list(problems, staff);
    let appointment_types = appointment_type_list(problems, appointment_types, &staff);
    People {
        staff,
        appointment_types,
    }
}

fn staff_list(problems: &mut Problems, raw: Vec<RawStaff>) -> Vec<StaffMember> {
    let mut staff: Vec<StaffMember> = Vec::new();
    for (index, entry) in raw.into_iter().enumerate() {
        let field = format!("staff[{index}]");
        required_text(
            problems,
            &format!("{field}.name"),
            &entry.name,
            "write the person's name as callers say it",
        );
        if let Some(other) = staff
            .iter()
            .position(|member| fold(&member.name) == fold(&entry.name))
        {
            problems.add(
                format!("{field}.name"),
                quoted(&entry.name),
                format!("staff[{other}] has the same name"),
                "give each person a distinct name, such as adding an initial",
            );
        }
        let phone = optional_text(problems, &format!("{field}.phone"), entry.phone);
        if let Some(number) = &phone {
            phone_number(problems, &format!("{field}.phone"), number);
        }
        if entry.on_call && phone.is_none() {
            problems.add(
                format!("{field}.phone"),
                None,
                "this person is on call but has no phone number",
                "add `phone = \"...\"` to this staff entry, or set `on_call = false`",
            );
        }
        let email = optional_text(problems, &format!("{field}.email"), entry.email);
        if let Some(address) = &email {
            email_address(problems, &format!("{field}.email"), address);
        }
        staff.push(StaffMember {
            name: entry.name.trim().to_string(),
            role: optional_text(problems, &format!("{field}.role"), entry.role),
            phone,
            email,
            on_call: entry.on_call,
        });
    }
    staff
}

fn appointment_type_list(
    problems: &mut Problems,
    raw: Vec<RawAppointmentType>,
    staff: &[StaffMember],
) -> Vec<AppointmentType> {
    let mut appointment_types = Vec::new();
    // Folded name or alias, with the field that first used it.
    let mut names_used: Vec<(String, String)> = Vec::new();
    for (index, entry) in raw.into_iter().enumerate() {
        let field = format!("appointment_types[{index}]");
        let mut names = vec![(format!("{field}.name"), entry.name.clone())];
        for (alias_index, alias) in entry.aliases.iter().enumerate() {
            names.push((format!("{field}.aliases[{alias_index}]"), alias.clone()));
        }
        for (name_field, name) in names {
            let folded = fold(&name);
            if folded.is_empty() {
                problems.add(
                    name_field,
                    quoted(&name),
                    "the name is empty",
                    "write the words callers use for this appointment",
                );
                continue;
            }
            match names_used.iter().find(|(used, _)| *used == folded) {
                Some((_, first_field)) => problems.add(
                    name_field,
                    quoted(&name),
                    format!("`{first_field}` already uses this name"),
                    "give each appointment type names and aliases of its own",
                ),
                None => names_used.push((folded, name_field)),
            }
        }
        let duration_min = number_in(
            problems,
            &format!("{field}.duration_min"),
            entry.duration_min,
            1..=MAX_MINUTES,
            "write the length of the appointment in minutes, 1 or more",
        );
        let buffer_min = number_in(
            problems,
            &format!("{field}.buffer_min"),
            entry.buffer_min,
            0..=MAX_MINUTES,
            "write the free minutes kept after the appointment, 0 or more",
        );
        for (staff_index, name) in entry.staff.iter().enumerate() {
            staff_reference(
                problems,
                &format!("{field}.staff[{staff_index}]"),
                name,
                staff,
            );
        }
        appointment_types.push(AppointmentType {
            name: entry.name.trim().to_string(),
            duration_min,
            buffer_min,
            staff: entry
                .staff
                .iter()
                .map(|name| name.trim().to_string())
                .collect(),
            description: optional_text(
                problems,
                &format!("{field}.description"),
                entry.description,
            ),
            aliases: entry
                .aliases
                .iter()
                .map(|alias| alias.trim().to_string())
                .collect(),
        });
    }
    appointment_types
}

/// Checks that an appointment type names a member of staff exactly as `[[staff]]` does.
fn staff_reference(problems: &mut Problems, field: &str, name: &str, staff: &[StaffMember]) {
    if staff.iter().any(|member| member.name == name.trim()) {
        return;
    }
    let close = staff.iter().find(|member| fold(&member.name) == fold(name));
    let fix = match close {
        Some(member) => format!("write the name as [[staff]] does: \"{}\"", member.name),
        None if staff.is_empty() => {
            "add a [[staff]] entry with this name, or remove it from the list".to_string()
        }
        None => {
            let known: Vec<String> = staff
                .iter()
                .map(|member| format!("\"{}\"", member.name))
                .collect();
            format!(
                "use one of {}, or add a [[staff]] entry with this name",
                known.join(", ")
            )
        }
    };
    problems.add(field, quoted(name), "no [[staff]] entry has this name", fix);
}
