//! The settings: one form per section of the business profile, the first-run wizard that
//! walks through them, the whole-file editor, and the Listen endpoint that plays a spoken
//! text with the box's voice.
//!
//! Every form keeps the owner's comments in the file, saves only a valid profile, and is
//! rejected when the file changed after it was opened (see `standardiste_profile::edit`).
//! The daemon rereads the file at each call, so a saved change needs no restart.

mod business;
mod editing;
mod file;
mod form;
mod greetings;
mod handling;
mod hours;
mod index;
mod inputs;
mod listen;
mod offer;
mod people;
mod problems;
mod records;
mod registry;
mod rows;
mod section;
mod values;
mod voices;
mod wizard;

use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;

use crate::server::Console;

pub fn routes() -> Router<Arc<Console>> {
    Router::new()
        .route("/settings", get(index::page))
        .route("/settings/file", get(file::form).post(file::save))
        .route("/settings/listen", post(listen::speak))
        .route("/settings/wizard", get(wizard::start))
        .route("/settings/wizard/{step}", get(wizard::step_form).post(wizard::step_save))
        .route("/settings/{section}", get(section::page_form).post(section::page_save))
}
