//! The frame around every page: head, navigation, sign-out form.
//!
//! Pages are maud templates, which escape every value written into them, so
//! a caller's name or words show as text whatever characters they contain.

use axum::response::Html;
use maud::{html, Markup, DOCTYPE};

use crate::auth::Session;
use crate::guard::CSRF_FIELD;

/// The parts of the navigation, by path and label.
const NAVIGATION: &[(&str, &str)] = &[
    ("/", "Dashboard"),
    ("/calls", "Calls"),
    ("/bookings", "Bookings"),
    ("/messages", "Messages"),
    ("/settings", "Settings"),
    ("/system", "System"),
];

/// Renders a page for a signed-in admin, with `active` (a path of [`NAVIGATION`]) marked.
pub fn page(title: &str, session: &Session, active: &str, body: Markup) -> Html<String> {
    Html(
        html! {
            (DOCTYPE)
            html lang="en" {
                (head(title, session))
                body {
                    header.top {
                        a.brand href="/" { "Standardiste" }
                        nav {
                            @for (path, label) in NAVIGATION {
                                @if *path == active {
                                    a.active href=(path) aria-current="page" { (label) }
                                } @else {
                                    a href=(path) { (label) }
                                }
                            }
                        }
                        form.signout method="post" action="/logout" {
                            (csrf_input(session))
                            button type="submit" { "Sign out" }
                        }
                    }
                    main { (body) }
                }
            }
        }
        .into_string(),
    )
}

/// Renders a page without navigation: sign-in, set-up, errors.
pub fn bare(title: &str, body: Markup) -> Html<String> {
    Html(
        html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) " · Standardiste" }
                    link rel="stylesheet" href="/assets/console.css";
                }
                body.bare { main { (body) } }
            }
        }
        .into_string(),
    )
}

/// Renders a bare page that still carries a session token for its forms.
pub fn bare_with_session(title: &str, session: &Session, body: Markup) -> Html<String> {
    Html(
        html! {
            (DOCTYPE)
            html lang="en" {
                (head(title, session))
                body.bare { main { (body) } }
            }
        }
        .into_string(),
    )
}

fn head(title: &str, session: &Session) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            // Scripts send the CSRF token in a header; they read it here.
            meta name="csrf-token" content=(session.csrf);
            title { (title) " · Standardiste" }
            link rel="stylesheet" href="/assets/console.css";
            script src="/assets/console.js" defer {}
        }
    }
}

/// Renders the hidden CSRF field every form carries.
pub fn csrf_input(session: &Session) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(session.csrf); }
}

/// Renders the error message under a form field, when there is one.
pub fn field_error(error: Option<&str>) -> Markup {
    html! {
        @if let Some(error) = error {
            p.field-error role="alert" { (error) }
        }
    }
}
