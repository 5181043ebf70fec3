//! The first-run wizard, `/settings/wizard`: the sections a new box needs, one page each
//! with "Save and continue" and "Skip", then a page about the telephone lines.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Form;
use maud::{html, Markup};

use super::form::{Buttons, Outcome, SAVED};
use super::registry::{self, SectionForm};
use super::section::{self, Place, SavedQuery};
use crate::daemon::LineStatus;
use crate::error::PageError;
use crate::guard::Admin;
use crate::pages::layout::page as layout;
use crate::server::Console;

/// The sections the wizard walks through, in order.
const STEPS: [&str; 8] = [
    "business",
    "greetings",
    "hours",
    "services",
    "appointments",
    "staff",
    "answering",
    "recaps",
];

/// The last step, which only shows the lines.
const LINES_STEP: &str = "lines";

/// Steps in all, the lines included.
const STEP_COUNT: usize = STEPS.len() + 1;

fn step_url(step: &str) -> String {
    format!("/settings/wizard/{step}")
}

/// Returns the step after `position` (0-based).
fn next_step(position: usize) -> &'static str {
    STEPS.get(position + 1).copied().unwrap_or(LINES_STEP)
}

pub async fn start(Admin(session): Admin) -> Response {
    let body = html! {
        h1 { "Set up your receptionist" }
        p { "A few pages tell the box about the business. Each page saves to the business profile at once, "
            "and any page can be skipped and changed later under Settings." }
        ol.steps {
            @for step in STEPS {
                @if let Some(section) = registry::find(step) {
                    li { a href=(step_url(step)) { (section.title) } }
                }
            }
            li { a href=(step_url(LINES_STEP)) { "Telephone lines" } }
        }
        p { a.button href=(step_url(STEPS[0])) { "Start" } }
    };
    layout("Set up", &session, "/settings", body).into_response()
}

pub async fn step_form(
    State(console): State<Arc<Console>>,
    Admin(session): Admin,
    Path(step): Path<String>,
    Query(query): Query<SavedQuery>,
) -> Response {
    if step == LINES_STEP {
        let body = lines_page(console.daemon.as_ref().map(|daemon| daemon.lines()), query.outcome());
        return layout("Telephone lines", &session, "/settings", body).into_response();
    }
    match find(&step) {
        Ok((position, section)) => section::show(&console, &session, section, &place(position, section), query.outcome()).await,
        Err(error) => error.into_response(),
    }
}

pub async fn step_save(
    State(console): State<Arc<Console>>,
    Admin(session): Admin,
    Path(step): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    match find(&step) {
        Ok((position, section)) => section::submit(&console, &session, section, &place(position, section), pairs).await,
        Err(error) => error.into_response(),
    }
}

/// Finds a step that shows a section form, with its position.
fn find(step: &str) -> Result<(usize, &'static SectionForm), PageError> {
    STEPS
        .iter()
        .position(|candidate| *candidate == step)
        .and_then(|position| registry::find(step).map(|section| (position, section)))
        .ok_or_else(|| PageError::NotFound(format!("set-up step {step:?} (the steps are {}, {LINES_STEP})", STEPS.join(", "))))
}

fn place(position: usize, section: &SectionForm) -> Place {
    let next = step_url(next_step(position));
    Place {
        heading: format!("Step {} of {STEP_COUNT}: {}", position + 1, section.title),
        action: step_url(STEPS[position]),
        buttons: Buttons::Wizard { skip: next.clone() },
        after_save: format!("{next}?saved=1"),
    }
}

/// Renders the last step, about the lines, which live in the settings file and not in the profile.
fn lines_page(lines: Option<Vec<LineStatus>>, outcome: Outcome) -> Markup {
    html! {
        h1 { "Step " (STEP_COUNT) " of " (STEP_COUNT) ": Telephone lines" }
        @if outcome == Outcome::Saved { p.notice role="status" { (SAVED) } }
        p { "The telephone lines are not part of the business profile. They are in the box's settings file, "
            code { "standardiste.toml" } ", which says which devices carry calls." }
        @match lines.as_deref() {
            Some(lines) if !lines.is_empty() => {
                table.lines {
                    thead { tr { th { "Line" } th { "Device" } th { "State" } th { "Last error" } } }
                    tbody {
                        @for line in lines {
                            tr {
                                td { (line.name) }
                                td { (line.kind) }
                                td { span class={ "badge " (line.state.replace(' ', "-")) } { (line.state) } }
                                td { (line.error.as_deref().unwrap_or("–")) }
                            }
                        }
                    }
                }
                p { "To add or change a line, edit its " code { "[[line]]" } " table in " code { "standardiste.toml" }
                    " and restart the service." }
            }
            Some(_) => {
                p.warning { "The box has no line yet, so it answers no calls." }
                (adding_a_line())
            }
            None => {
                p.warning { "The console runs without the box's daemon, so it cannot show the lines." }
                (adding_a_line())
            }
        }
        p { a.button href="/" { "Finish: go to the dashboard" } }
    }
}

fn adding_a_line() -> Markup {
    html! {
        h2 { "Adding a line" }
        ol {
            li { "Plug the GSM module, voice modem or USB sound card into the box." }
            li { "On the box, run " code { "standardiste lines" } ": it lists the serial ports with their USB ids and what each likely is." }
            li { "Add a " code { "[[line]]" } " table for the device to " code { "standardiste.toml" }
                 ". The comments in that file show one for each kind of device, such as:"
                 pre.example { "[[line]]\nname = \"gsm0\"\nkind = \"gsm\"\nport = \"/dev/ttyUSB2\"\naudio_port = \"/dev/ttyUSB4\"\nanswer_on_ring = 2" } }
            li { "Restart the service: " code { "sudo systemctl restart standardiste" } "." }
        }
    }
}
