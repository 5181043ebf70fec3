//! The page around a section's inputs, which the section pages and the wizard share: the
//! outcome of the last submission, the problems no input shows, and the buttons.

use maud::{html, Markup};
use standardiste_profile::edit::ProfileDraft;
use standardiste_profile::FieldError;

use super::editing::REVISION_FIELD;
use super::problems::{self, FieldProblems};
use super::registry::{FormContext, SectionForm, SECTIONS};
use super::values::FormValues;
use crate::auth::Session;
use crate::pages::layout::csrf_input;

/// Shown after a save, so the owner knows the box needs no restart.
pub const SAVED: &str = "Saved. The next call uses it.";

/// Reason the form is shown, which decides the notice above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Opened from the file.
    Opened,
    /// Opened from the file after a save.
    Saved,
    /// Opened from the file again, because it changed since the submitted form was made.
    Conflict,
    /// The submitted values, which are invalid and were not saved.
    Invalid,
}

/// The buttons under the inputs.
#[derive(Debug, Clone)]
pub enum Buttons {
    Save,
    /// A wizard step: save and go on, or skip to `skip`.
    Wizard {
        skip: String,
    },
}

/// A section's form page.
pub struct FormPage<'a> {
    pub section: &'static SectionForm,
    pub heading: String,
    /// Path the form is sent to.
    pub action: String,
    /// Revision of the file the form was made from.
    pub revision: String,
    pub values: &'a FormValues,
    pub problems: &'a FieldProblems,
    /// The file as it is, for the languages and staff the form offers.
    pub file: &'a ProfileDraft,
    pub outcome: Outcome,
    pub buttons: Buttons,
}

/// Renders the page's content.
pub fn render(page: &FormPage, session: &Session) -> Markup {
    let context = FormContext::new(page.values, page.problems, page.file);
    // The inputs take their problems as they render, so they come before the summary.
    let inputs = (page.section.render)(&context);
    let unplaced = page.problems.unplaced();
    html! {
        @if matches!(page.buttons, Buttons::Save) { (section_links(page.section)) }
        h1 { (page.heading) }
        p.intro { (page.section.intro) }
        (outcome_notice(page.outcome, page.problems.count()))
        @if !unplaced.is_empty() {
            div.problem-summary role="alert" {
                @if page.outcome == Outcome::Invalid {
                    p { "These problems have no field on this page:" }
                } @else {
                    p { "The profile file has problems. The box keeps using the last valid version until they are fixed:" }
                }
                (problems::list(&unplaced))
                p { "Fix them on their section's page or in the " a href="/settings/file" { "whole-file editor" } "." }
            }
        }
        form.settings method="post" action=(page.action) novalidate {
            (csrf_input(session))
            input type="hidden" name=(REVISION_FIELD) value=(page.revision);
            (inputs)
            div.actions {
                @match &page.buttons {
                    Buttons::Save => { button type="submit" { "Save" } }
                    Buttons::Wizard { skip } => {
                        button type="submit" { "Save and continue" }
                        a.button.secondary href=(skip) { "Skip" }
                    }
                }
            }
        }
        script src="/assets/listen.js" defer {}
    }
}

fn outcome_notice(outcome: Outcome, problem_count: usize) -> Markup {
    html! {
        @match outcome {
            Outcome::Opened => {}
            Outcome::Saved => { p.notice role="status" { (SAVED) } }
            Outcome::Conflict => {
                div.warning role="alert" {
                    "The profile file changed after you opened this form (saved from another window, or edited on the box), "
                    "so your changes were not saved. The form now shows the file as it is: make your changes again."
                }
            }
            Outcome::Invalid => {
                p.error role="alert" {
                    "Nothing was saved: " (super::registry::counted(problem_count, "problem needs", "problems need"))
                    " fixing, marked below."
                }
            }
        }
    }
}

/// Links to every section, the current one marked, for moving between them.
fn section_links(current: &SectionForm) -> Markup {
    html! {
        nav.sections aria-label="Settings sections" {
            a href="/settings" { "All settings" }
            @for section in SECTIONS {
                @if section.slug == current.slug {
                    a.active href={ "/settings/" (section.slug) } aria-current="page" { (section.title) }
                } @else {
                    a href={ "/settings/" (section.slug) } { (section.title) }
                }
            }
        }
    }
}

/// Renders the page shown instead of a form while the file is not valid TOML.
pub fn broken(heading: &str, problems: &[FieldError]) -> Markup {
    let listed: Vec<&FieldError> = problems.iter().collect();
    html! {
        p { a href="/settings" { "← All settings" } }
        h1 { (heading) }
        div.problem-summary role="alert" {
            p { "The profile file is not valid TOML, so this form cannot show it. "
                "The box keeps using the last valid version until the file is fixed:" }
            (problems::list(&listed))
        }
        p { a.button href="/settings/file" { "Fix it in the whole-file editor" } }
    }
}
