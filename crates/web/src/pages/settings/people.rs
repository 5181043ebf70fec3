//! The team and what the box books with them: the staff, with who is on call, and the
//! appointment types with who takes each.

use maud::{html, Markup};
use standardiste_profile::edit::{AppointmentTypeRow, ProfileDraft, StaffRow};

use super::inputs::{checkbox, Input};
use super::problems::messages;
use super::registry::{counted, FormContext, SectionForm};
use super::rows;
use super::values::{comma_items, is_true, row_input, FormValues};

pub static STAFF: SectionForm = SectionForm {
    slug: "staff",
    title: "Staff",
    intro: "The team. Callers may hear names and roles, never phone numbers or e-mail addresses.",
    read: read_staff,
    render: render_staff,
    apply: apply_staff,
    summary: staff_summary,
};

pub static APPOINTMENTS: SectionForm = SectionForm {
    slug: "appointments",
    title: "Appointments",
    intro: "The kinds of appointment the box may book, how long each takes and who takes it.",
    read: read_appointments,
    render: render_appointments,
    apply: apply_appointments,
    summary: |draft| counted(draft.appointment_type_rows().len(), "appointment type", "appointment types"),
};

const STAFF_TABLE: &str = "staff";
const TYPES_TABLE: &str = "appointment_types";

fn read_staff(draft: &ProfileDraft, values: &mut FormValues) {
    for (index, row) in draft.staff_rows().into_iter().enumerate() {
        let field = |key| row_input(STAFF_TABLE, index, key);
        values.set(&field("name"), row.name);
        values.set(&field("role"), row.role);
        values.set(&field("phone"), row.phone);
        values.set(&field("email"), row.email);
        values.set_ticked(&field("on_call"), is_true(&row.on_call));
    }
}

fn render_staff(form: &FormContext) -> Markup {
    rows::render(form, STAFF_TABLE, "person", |index| {
        let field = |key| row_input(STAFF_TABLE, index, key);
        html! {
            div.row-fields {
                (Input::text(field("name"), "Name").render(form))
                (Input::text(field("role"), "Role").placeholder("dentist").render(form))
                (Input::tel(field("phone"), "Phone").render(form))
                (Input::email(field("email"), "E-mail").render(form))
            }
            (checkbox(form, &field("on_call"), "On call", Some("The box may transfer urgent calls to this person's phone, which is then required.")))
        }
    })
}

fn apply_staff(values: &FormValues, draft: &mut ProfileDraft) {
    let rows = rows::submitted(values, STAFF_TABLE, |index| {
        let field = |key| values.get(&row_input(STAFF_TABLE, index, key)).to_string();
        StaffRow {
            name: field("name"),
            role: field("role"),
            phone: field("phone"),
            email: field("email"),
            on_call: field("on_call"),
        }
    });
    if let Some(rows) = rows {
        draft.set_staff(&rows);
    }
}

fn staff_summary(draft: &ProfileDraft) -> String {
    let staff = draft.staff_rows();
    let on_call = staff.iter().filter(|row| is_true(&row.on_call)).count();
    format!("{}, {on_call} on call", counted(staff.len(), "person", "people"))
}

fn read_appointments(draft: &ProfileDraft, values: &mut FormValues) {
    for (index, row) in draft.appointment_type_rows().into_iter().enumerate() {
        let field = |key| row_input(TYPES_TABLE, index, key);
        values.set(&field("name"), row.name);
        values.set(&field("duration_min"), row.duration_min);
        values.set(&field("buffer_min"), row.buffer_min);
        for name in row.staff {
            values.push(&field("staff"), name);
        }
        values.set(&field("description"), row.description);
        values.set(&field("aliases"), row.aliases.join(", "));
    }
}

fn render_appointments(form: &FormContext) -> Markup {
    rows::render(form, TYPES_TABLE, "appointment type", |index| {
        let field = |key| row_input(TYPES_TABLE, index, key);
        html! {
            div.row-fields {
                (Input::text(field("name"), "Name").placeholder("Check-up").render(form))
                (Input::number(field("duration_min"), "Length in minutes").render(form))
                (Input::number(field("buffer_min"), "Free minutes after").placeholder("0").render(form))
            }
            (staff_choice(form, &field("staff")))
            (Input::text(field("description"), "Description").render(form))
            (Input::text(field("aliases"), "Other words callers use")
                .hint("Separated by commas, in any language; capitals and accents do not matter.")
                .render(form))
        }
    })
}

/// Renders a checkbox for each member of staff, and for each name the row lists that is not
/// one, so that a misspelt name shows with its problem.
fn staff_choice(form: &FormContext, name: &str) -> Markup {
    let chosen = form.values.all(name);
    let mut names: Vec<&str> = form.staff.iter().map(String::as_str).collect();
    names.extend(
        chosen
            .iter()
            .map(String::as_str)
            .filter(|chosen| !form.staff.iter().any(|member| member == chosen)),
    );
    let problems = form.problems.take(&[name]);
    html! {
        fieldset.choice {
            legend { "Who takes it" }
            @if names.is_empty() {
                p.hint { "Anyone. To choose people, add them on the Staff page first." }
            } @else {
                p.hint { "None ticked: anyone." }
                @for member in &names {
                    label {
                        input type="checkbox" name=(name) value=(member) checked[chosen.iter().any(|c| c == member)];
                        " " (member)
                    }
                }
            }
            (messages(&problems))
        }
    }
}

fn apply_appointments(values: &FormValues, draft: &mut ProfileDraft) {
    let rows = rows::submitted(values, TYPES_TABLE, |index| {
        let field = |key| row_input(TYPES_TABLE, index, key);
        AppointmentTypeRow {
            name: values.get(&field("name")).to_string(),
            duration_min: values.get(&field("duration_min")).to_string(),
            buffer_min: values.get(&field("buffer_min")).to_string(),
            staff: values.all(&field("staff")).to_vec(),
            description: values.get(&field("description")).to_string(),
            aliases: comma_items(values.get(&field("aliases"))),
        }
    });
    if let Some(rows) = rows {
        draft.set_appointment_types(&rows);
    }
}
