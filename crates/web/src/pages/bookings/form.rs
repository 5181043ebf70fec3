//! The form that books an appointment by hand: its fields as typed, the
//! messages of a rejected one, and its markup. The checks are in `check`.

use maud::{html, Markup};
use standardiste_profile::BusinessProfile;
use time::Date;

use crate::auth::Session;
use crate::pages::layout::{csrf_input, field_error};

/// Maximum length of a caller name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Maximum length of the notes, in characters.
pub const MAX_NOTES_CHARS: usize = 2000;

/// The fields as sent, kept as typed so that a rejected form shows them again.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct CreateFields {
    pub appointment: String,
    pub date: String,
    pub time: String,
    pub caller_name: String,
    pub caller_number: String,
    pub notes: String,
    /// The week the page showed, to show it again when the form is rejected.
    pub week: String,
}

/// A message for each field that is wrong.
#[derive(Debug, Default, Clone)]
pub struct CreateErrors {
    pub appointment: Option<String>,
    pub date: Option<String>,
    pub time: Option<String>,
    pub caller_name: Option<String>,
    pub caller_number: Option<String>,
    pub notes: Option<String>,
}

impl CreateErrors {
    pub fn is_empty(&self) -> bool {
        self.appointment.is_none()
            && self.date.is_none()
            && self.time.is_none()
            && self.caller_name.is_none()
            && self.caller_number.is_none()
            && self.notes.is_none()
    }
}

/// The form with what the owner typed and what was wrong with it.
#[derive(Debug, Default, Clone)]
pub struct CreateForm {
    pub fields: CreateFields,
    pub errors: CreateErrors,
}

impl CreateForm {
    /// Returns an empty form that proposes `date`.
    pub fn blank(date: Date) -> CreateForm {
        let fields = CreateFields {
            date: date.to_string(),
            ..CreateFields::default()
        };
        CreateForm {
            fields,
            errors: CreateErrors::default(),
        }
    }
}

/// Renders the form, or a note on why there is none.
pub fn create_form(session: &Session, form: &CreateForm, profile: &BusinessProfile, week: &str) -> Markup {
    if profile.appointment_types.is_empty() {
        return html! {
            p.muted { "The profile lists no appointment types. Add one on the Settings page to book appointments here." }
        };
    }
    let fields = &form.fields;
    let errors = &form.errors;
    html! {
        form.booking method="post" action="/bookings" {
            (csrf_input(session))
            input type="hidden" name="week" value=(week);
            label for="appointment" { "Appointment type" }
            select #appointment name="appointment" required {
                option value="" { "Choose…" }
                @for kind in &profile.appointment_types {
                    option value=(kind.name) selected[kind.name == fields.appointment] {
                        (kind.name) " (" (kind.duration_min) " min)"
                    }
                }
            }
            (field_error(errors.appointment.as_deref()))
            div.pair {
                div {
                    label for="date" { "Date" }
                    input #date name="date" type="date" required value=(fields.date);
                    (field_error(errors.date.as_deref()))
                }
                div {
                    label for="time" { "Time" }
                    input #time name="time" type="time" required value=(fields.time);
                    (field_error(errors.time.as_deref()))
                }
            }
            label for="caller_name" { "Caller's name" }
            input #caller_name name="caller_name" required maxlength=(MAX_NAME_CHARS) value=(fields.caller_name);
            (field_error(errors.caller_name.as_deref()))
            label for="caller_number" { "Phone number" }
            input #caller_number name="caller_number" type="tel" required value=(fields.caller_number);
            (field_error(errors.caller_number.as_deref()))
            label for="notes" { "Notes (optional)" }
            textarea #notes name="notes" maxlength=(MAX_NOTES_CHARS) { (fields.notes) }
            (field_error(errors.notes.as_deref()))
            button type="submit" { "Book" }
        }
    }
}
