//! The hours section: the opening hours of each weekday and the closures, the dates when
//! they do not apply.

use maud::{html, Markup};
use standardiste_profile::edit::{ClosureRow, ProfileDraft};
use standardiste_profile::WEEKDAYS;

use super::inputs::Input;
use super::registry::{capitalized, counted, FormContext, SectionForm};
use super::rows;
use super::values::{row_input, FormValues};

pub static FORM: SectionForm = SectionForm {
    slug: "hours",
    title: "Opening hours",
    intro: "When the business is open, and the days when the usual hours do not apply.",
    read,
    render,
    apply,
    summary,
};

const CLOSURES: &str = "closures";

fn day_input(day: &str) -> String {
    format!("opening_hours.{day}")
}

fn read(draft: &ProfileDraft, values: &mut FormValues) {
    for day in WEEKDAYS {
        values.set(&day_input(day), draft.hours(day).unwrap_or_default());
    }
    for (index, row) in draft.closure_rows().into_iter().enumerate() {
        let field = |key| row_input(CLOSURES, index, key);
        values.set(&field("date"), row.date);
        values.set(&field("from"), row.from);
        values.set(&field("to"), row.to);
        values.set(&field("hours"), row.hours);
        values.set(&field("reason"), row.reason);
    }
}

fn render(form: &FormContext) -> Markup {
    html! {
        fieldset.week {
            legend { "Every week" }
            p.hint { "24-hour times as HH:MM-HH:MM, several periods separated by commas (08:30-12:30, 13:30-18:00), or closed. An empty day is closed." }
            @for day in WEEKDAYS {
                (Input::text(day_input(day), capitalized(day)).placeholder("closed").render(form))
            }
        }
        h2 { "Closures" }
        p.hint { "Days when the usual hours do not apply. Give one date, or a first and last date (both included) for several days. "
            "Without hours the business is closed all day. Two closures cannot share a day. Dates are written YYYY-MM-DD." }
        (rows::render(form, CLOSURES, "closure", |index| {
            let field = |key| row_input(CLOSURES, index, key);
            html! {
                div.row-fields {
                    (Input::date(field("date"), "Date").placeholder("2026-12-25").render(form))
                    (Input::date(field("from"), "Or from").render(form))
                    (Input::date(field("to"), "To").render(form))
                    (Input::text(field("hours"), "Hours that day").placeholder("closed all day").render(form))
                    (Input::text(field("reason"), "Reason").placeholder("Christmas").render(form))
                }
            }
        }))
    }
}

fn apply(values: &FormValues, draft: &mut ProfileDraft) {
    for day in WEEKDAYS {
        if let Some(hours) = values.text(&day_input(day)) {
            draft.set_hours(day, hours);
        }
    }
    let closures = rows::submitted(values, CLOSURES, |index| {
        let field = |key| values.get(&row_input(CLOSURES, index, key)).to_string();
        ClosureRow {
            date: field("date"),
            from: field("from"),
            to: field("to"),
            hours: field("hours"),
            reason: field("reason"),
        }
    });
    if let Some(closures) = closures {
        draft.set_closures(&closures);
    }
}

fn summary(draft: &ProfileDraft) -> String {
    let open_days = WEEKDAYS
        .iter()
        .filter(|day| {
            draft
                .hours(day)
                .is_some_and(|hours| !hours.trim().is_empty() && !hours.trim().eq_ignore_ascii_case("closed"))
        })
        .count();
    let closures = counted(draft.closure_rows().len(), "closure", "closures");
    format!("Open {}; {closures}", counted(open_days, "day a week", "days a week"))
}
