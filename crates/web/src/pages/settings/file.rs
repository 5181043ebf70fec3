//! `/settings/file`: the whole profile file in a text area, for what the forms do not cover
//! and for repairing a file no form can open. A text is validated before it is saved, and a
//! save is rejected when the file changed since the page was opened.

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use standardiste_profile::edit::{save_text, text_revision, SaveError};
use standardiste_profile::{BusinessProfile, FieldError, ProfileError};

use super::editing::{unreadable, REVISION_FIELD};
use super::form::{Outcome, SAVED};
use super::problems;
use super::section::SavedQuery;
use crate::auth::Session;
use crate::error::PageError;
use crate::guard::Admin;
use crate::pages::layout::{csrf_input, page as layout};
use crate::server::Console;

/// Name of the text area.
const TEXT_FIELD: &str = "text";

/// Content of the editor page.
struct Editor<'a> {
    text: &'a str,
    revision: String,
    problems: Vec<FieldError>,
    outcome: Outcome,
    /// The owner's text that a conflict kept from being saved.
    unsaved: Option<&'a str>,
}

pub async fn form(State(console): State<Arc<Console>>, Admin(session): Admin, Query(query): Query<SavedQuery>) -> Response {
    match read(console.settings.profile.clone()).await {
        Ok(text) => {
            let editor = Editor {
                revision: text_revision(&text),
                problems: current_problems(&text),
                text: &text,
                outcome: query.outcome(),
                unsaved: None,
            };
            render(&session, &editor, StatusCode::OK)
        }
        Err(error) => error.into_response(),
    }
}

pub async fn save(State(console): State<Arc<Console>>, Admin(session): Admin, Form(pairs): Form<Vec<(String, String)>>) -> Response {
    let field = |name: &str| pairs.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone());
    let Some(text) = field(TEXT_FIELD) else {
        return PageError::BadRequest("the form has no `text` field; reload the page and save again".into()).into_response();
    };
    let revision = field(REVISION_FIELD).unwrap_or_default();
    let path = console.settings.profile.clone();
    let submitted = text.clone();
    let saved = tokio::task::spawn_blocking(move || save_text(&path, &revision, &submitted).map(|_| ())).await;
    match saved {
        Ok(Ok(())) => {
            tracing::info!("business profile file saved from the console's file editor");
            Redirect::to("/settings/file?saved=1").into_response()
        }
        Ok(Err(SaveError::Invalid(error))) => {
            tracing::debug!(problems = error.problems().len(), "business profile file not saved: invalid text");
            let editor = Editor {
                text: &text,
                revision: field(REVISION_FIELD).unwrap_or_default(),
                problems: error.problems().to_vec(),
                outcome: Outcome::Invalid,
                unsaved: None,
            };
            render(&session, &editor, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Ok(Err(SaveError::Conflict)) => {
            tracing::info!("business profile file not saved: it changed after the editor was opened");
            conflict(&console, &session, &text).await
        }
        Ok(Err(error)) => PageError::Internal(error.to_string()).into_response(),
        Err(error) => PageError::from(error).into_response(),
    }
}

/// Shows the file as it is now, with the owner's text that was not saved under it.
async fn conflict(console: &Console, session: &Session, text: &str) -> Response {
    match read(console.settings.profile.clone()).await {
        Ok(fresh) => {
            let editor = Editor {
                revision: text_revision(&fresh),
                problems: current_problems(&fresh),
                text: &fresh,
                outcome: Outcome::Conflict,
                unsaved: Some(text),
            };
            render(session, &editor, StatusCode::CONFLICT)
        }
        Err(error) => error.into_response(),
    }
}

/// Reads the file's text, off the async workers.
async fn read(path: PathBuf) -> Result<String, PageError> {
    let read = tokio::task::spawn_blocking(move || {
        std::fs::read_to_string(&path).map_err(|source| ProfileError::Read {
            path: path.clone(),
            source,
        })
    })
    .await?;
    read.map_err(unreadable)
}

fn current_problems(text: &str) -> Vec<FieldError> {
    BusinessProfile::parse(text)
        .err()
        .map(|error| error.problems().to_vec())
        .unwrap_or_default()
}

fn render(session: &Session, editor: &Editor, status: StatusCode) -> Response {
    let body = html! {
        p { a href="/settings" { "← All settings" } }
        h1 { "Profile file" }
        p { "The whole business profile as TOML, for what the forms do not cover. Text goes in double quotes, "
            "and lines starting with # are notes. The file is checked before it is saved." }
        @match editor.outcome {
            Outcome::Saved => { p.notice role="status" { (SAVED) } }
            Outcome::Conflict => {
                div.warning role="alert" { "The profile file changed after you opened this page, so your text was not saved. "
                    "The editor now shows the file as it is; your text is under it, to copy your changes from." }
            }
            Outcome::Opened | Outcome::Invalid => {}
        }
        (problem_list(editor))
        form.settings method="post" action="/settings/file" {
            (csrf_input(session))
            input type="hidden" name=(REVISION_FIELD) value=(editor.revision);
            label for=(TEXT_FIELD) { "profile.toml" }
            // A text area drops one newline right after its start tag, so one is written.
            textarea.file id=(TEXT_FIELD) name=(TEXT_FIELD) rows="30" spellcheck="false" autocapitalize="off" { "\n" (editor.text) }
            div.actions { button type="submit" { "Save" } }
        }
        @if let Some(unsaved) = editor.unsaved {
            (unsaved_text(unsaved))
        }
    };
    (status, layout("Profile file", session, "/settings", body)).into_response()
}

fn problem_list(editor: &Editor) -> Markup {
    let listed: Vec<&FieldError> = editor.problems.iter().collect();
    html! {
        @if !listed.is_empty() {
            div.problem-summary role="alert" {
                @if editor.outcome == Outcome::Invalid {
                    p { "Nothing was saved. Fix these problems; the line numbers count from the top of the text:" }
                } @else {
                    p { "The file has problems. The box keeps using the last valid version until they are fixed:" }
                }
                (problems::list(&listed))
            }
        }
    }
}

fn unsaved_text(text: &str) -> Markup {
    html! {
        h2 { "Your text, not saved" }
        label for="unsaved" { "Your version" }
        textarea.file #unsaved rows="15" readonly spellcheck="false" { "\n" (text) }
    }
}
