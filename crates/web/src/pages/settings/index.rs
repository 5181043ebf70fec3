//! `/settings`: every section with a line about what it holds, and the profile file's
//! problems when it has any.

use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::html;
use standardiste_profile::FieldError;

use super::editing::{self, Opened};
use super::problems;
use super::registry::{counted, SECTIONS};
use crate::guard::Admin;
use crate::pages::layout::page as layout;
use crate::server::Console;

pub async fn page(State(console): State<Arc<Console>>, Admin(session): Admin) -> Response {
    let opened = match editing::open(&console).await {
        Ok(opened) => opened,
        Err(error) => return error.into_response(),
    };
    let (draft, problems) = match &opened {
        Opened::Draft { draft, problems } => (Some(draft), problems.as_slice()),
        Opened::Broken(problems) => (None, problems.as_slice()),
    };
    let listed: Vec<&FieldError> = problems.iter().collect();
    let body = html! {
        h1 { "Settings" }
        p { "These settings are the business profile, the file " code { (console.settings.profile.display()) } ". "
            "The box rereads it at the start of each call, so a change needs no restart." }
        @if !listed.is_empty() {
            div.problem-summary role="alert" {
                p { "The profile file has " (counted(listed.len(), "problem", "problems"))
                    ". The box keeps using the last valid version until they are fixed:" }
                (problems::list(&listed))
                p { a href="/settings/file" { "Fix them in the whole-file editor" } ", or on the section's page." }
            }
        }
        ul.sections {
            @for section in SECTIONS {
                li {
                    a href={ "/settings/" (section.slug) } { (section.title) }
                    @if let Some(draft) = draft { p.muted { ((section.summary)(draft)) } }
                }
            }
        }
        p.links {
            a.button.secondary href="/settings/file" { "Edit the whole file" }
            " "
            a.button.secondary href="/settings/wizard" { "Set-up wizard" }
        }
    };
    layout("Settings", &session, "/settings", body).into_response()
}
