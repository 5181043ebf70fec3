//! A section's page, `/settings/{section}`: its form filled from the file, and the save of
//! a submitted form. The wizard shows the same forms with other buttons.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use standardiste_profile::edit::form_field;

use super::editing::{self, Opened, Saved, REVISION_FIELD};
use super::form::{self, Buttons, FormPage, Outcome};
use super::problems::FieldProblems;
use super::registry::{self, SectionForm, SECTIONS};
use super::values::FormValues;
use crate::auth::Session;
use crate::error::PageError;
use crate::guard::Admin;
use crate::pages::layout::page;
use crate::server::Console;

/// The page a section's form is shown on: its own page or a wizard step.
pub struct Place {
    pub heading: String,
    /// Path the form is sent to.
    pub action: String,
    pub buttons: Buttons,
    /// Page a successful save redirects to.
    pub after_save: String,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

impl SavedQuery {
    pub fn outcome(&self) -> Outcome {
        if self.saved.is_some() {
            Outcome::Saved
        } else {
            Outcome::Opened
        }
    }
}

pub async fn page_form(
    State(console): State<Arc<Console>>,
    Admin(session): Admin,
    Path(slug): Path<String>,
    Query(query): Query<SavedQuery>,
) -> Response {
    match find(&slug) {
        Ok(section) => show(&console, &session, section, &own_place(section), query.outcome()).await,
        Err(error) => error.into_response(),
    }
}

pub async fn page_save(
    State(console): State<Arc<Console>>,
    Admin(session): Admin,
    Path(slug): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    match find(&slug) {
        Ok(section) => submit(&console, &session, section, &own_place(section), pairs).await,
        Err(error) => error.into_response(),
    }
}

fn find(slug: &str) -> Result<&'static SectionForm, PageError> {
    registry::find(slug).ok_or_else(|| {
        let slugs: Vec<&str> = SECTIONS.iter().map(|section| section.slug).collect();
        PageError::NotFound(format!("settings section {slug:?} (the sections are {})", slugs.join(", ")))
    })
}

fn own_place(section: &SectionForm) -> Place {
    Place {
        heading: section.title.to_string(),
        action: format!("/settings/{}", section.slug),
        buttons: Buttons::Save,
        after_save: format!("/settings/{}?saved=1", section.slug),
    }
}

/// Shows the section's form filled from the file.
pub async fn show(console: &Console, session: &Session, section: &'static SectionForm, place: &Place, outcome: Outcome) -> Response {
    match editing::open(console).await {
        Ok(opened) => render_opened(session, section, place, opened, outcome, StatusCode::OK),
        Err(error) => error.into_response(),
    }
}

/// Saves a submitted form, and shows it again with its problems when it is invalid.
pub async fn submit(
    console: &Console,
    session: &Session,
    section: &'static SectionForm,
    place: &Place,
    pairs: Vec<(String, String)>,
) -> Response {
    let revision = pairs
        .iter()
        .find(|(name, _)| name == REVISION_FIELD)
        .map(|(_, value)| value.clone())
        .unwrap_or_default();
    let values = FormValues::from_pairs(pairs);
    let saved = editing::save(console, section, values.clone(), revision.clone()).await;
    match saved {
        Ok(Saved::Done) => Redirect::to(&place.after_save).into_response(),
        Ok(Saved::Invalid { draft, file, problems }) => {
            let problems = FieldProblems::new(&problems, |field| draft.form_field(field));
            let form = FormPage {
                section,
                heading: place.heading.clone(),
                action: place.action.clone(),
                revision,
                values: &values,
                problems: &problems,
                file: &file,
                outcome: Outcome::Invalid,
                buttons: place.buttons.clone(),
            };
            let body = form::render(&form, session);
            (StatusCode::UNPROCESSABLE_ENTITY, page(section.title, session, "/settings", body)).into_response()
        }
        Ok(Saved::Conflict(opened)) => render_opened(session, section, place, opened, Outcome::Conflict, StatusCode::CONFLICT),
        Err(error) => error.into_response(),
    }
}

fn render_opened(
    session: &Session,
    section: &'static SectionForm,
    place: &Place,
    opened: Opened,
    outcome: Outcome,
    status: StatusCode,
) -> Response {
    let body = match opened {
        Opened::Broken(problems) => form::broken(&place.heading, &problems),
        Opened::Draft { draft, problems } => {
            let mut values = FormValues::default();
            (section.read)(&draft, &mut values);
            // The rows are the file's, so the file's row numbers are the form's.
            let problems = FieldProblems::new(&problems, form_field);
            let form = FormPage {
                section,
                heading: place.heading.clone(),
                action: place.action.clone(),
                revision: draft.revision(),
                values: &values,
                problems: &problems,
                file: &draft,
                outcome,
                buttons: place.buttons.clone(),
            };
            form::render(&form, session)
        }
    };
    (status, page(section.title, session, "/settings", body)).into_response()
}
