//! First-run set-up of the admin password, signing in and out, and changing the password.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::html;

use crate::auth::{PasswordProblem, Verdict, MIN_PASSWORD_CHARS};
use crate::guard::{session_cookie, Admin, Visitor};
use crate::pages::layout::{bare_with_session, csrf_input, field_error, page};
use crate::server::Console;

/// Page the owner lands on after creating the password: the profile wizard.
const AFTER_SETUP: &str = "/settings/wizard";

pub fn routes() -> Router<Arc<Console>> {
    Router::new()
        .route("/setup", get(setup_form).post(setup))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/password", get(password_form).post(change_password))
}

async fn setup_form(State(console): State<Arc<Console>>, Visitor(session): Visitor) -> Response {
    if console.admin.is_set() {
        return Redirect::to("/login").into_response();
    }
    setup_page(&console, &session, None).into_response()
}

fn setup_page(console: &Console, session: &crate::auth::Session, error: Option<&str>) -> axum::response::Html<String> {
    bare_with_session("Set up", session, html! {
        h1 { "Set up your receptionist" }
        p { "This box has no admin password yet. Enter the set-up code it printed when it started "
            "(in its log: " code { "journalctl -u standardiste | grep set-up" } ", or in the text message sent to the installer), "
            "then choose the password you will sign in with." }
        (fingerprint_note(console))
        form method="post" action="/setup" {
            (csrf_input(session))
            label for="code" { "Set-up code" }
            input #code name="code" inputmode="numeric" autocomplete="one-time-code" required placeholder="1234-5678";
            label for="password" { "New password (at least " (MIN_PASSWORD_CHARS) " characters)" }
            input #password name="password" type="password" autocomplete="new-password" required minlength=(MIN_PASSWORD_CHARS);
            label for="confirmation" { "The same password again" }
            input #confirmation name="confirmation" type="password" autocomplete="new-password" required;
            (field_error(error))
            button type="submit" { "Create the password" }
        }
    })
}

async fn setup(
    State(console): State<Arc<Console>>,
    Visitor(session): Visitor,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if console.admin.is_set() {
        return Redirect::to("/login").into_response();
    }
    if let Verdict::Wait(wait) = console.limiter.check(peer.ip()) {
        return too_many(&console, &session, wait, true);
    }
    let code = form.get("code").cloned().unwrap_or_default();
    let password = form.get("password").cloned().unwrap_or_default();
    let confirmation = form.get("confirmation").cloned().unwrap_or_default();
    let worker = console.clone();
    let result = tokio::task::spawn_blocking(move || worker.admin.create(&code, &password, &confirmation)).await;
    match result {
        Ok(Ok(())) => {
            console.limiter.succeeded(peer.ip());
            tracing::info!(client = %peer.ip(), "admin password created");
            signed_in(&console, &session.id, AFTER_SETUP)
        }
        Ok(Err(problem)) => {
            if problem == PasswordProblem::WrongCode {
                console.limiter.failed(peer.ip());
                tracing::warn!(client = %peer.ip(), "wrong console set-up code");
            }
            let status = if matches!(problem, PasswordProblem::Storage { .. }) {
                axum::http::StatusCode::INTERNAL_SERVER_ERROR
            } else {
                axum::http::StatusCode::UNPROCESSABLE_ENTITY
            };
            (status, setup_page(&console, &session, Some(&problem.to_string()))).into_response()
        }
        Err(error) => crate::error::PageError::from(error).into_response(),
    }
}

#[derive(serde::Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn login_form(State(console): State<Arc<Console>>, Visitor(session): Visitor, Query(query): Query<NextQuery>) -> Response {
    if !console.admin.is_set() {
        return Redirect::to("/setup").into_response();
    }
    if session.admin {
        return Redirect::to(&safe_next(query.next.as_deref())).into_response();
    }
    login_page(&console, &session, query.next.as_deref(), None).into_response()
}

fn login_page(console: &Console, session: &crate::auth::Session, next: Option<&str>, error: Option<&str>) -> axum::response::Html<String> {
    bare_with_session("Sign in", session, html! {
        h1 { "Sign in" }
        (fingerprint_note(console))
        form method="post" action="/login" {
            (csrf_input(session))
            input type="hidden" name="next" value=(safe_next(next));
            label for="password" { "Admin password" }
            input #password name="password" type="password" autocomplete="current-password" required autofocus;
            (field_error(error))
            button type="submit" { "Sign in" }
        }
    })
}

async fn login(
    State(console): State<Arc<Console>>,
    Visitor(session): Visitor,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let next = safe_next(form.get("next").map(String::as_str));
    if let Verdict::Wait(wait) = console.limiter.check(peer.ip()) {
        return too_many(&console, &session, wait, false);
    }
    let password = form.get("password").cloned().unwrap_or_default();
    let worker = console.clone();
    let valid = tokio::task::spawn_blocking(move || worker.admin.verify(&password)).await.unwrap_or(false);
    if valid {
        console.limiter.succeeded(peer.ip());
        tracing::info!(client = %peer.ip(), "admin signed in");
        return signed_in(&console, &session.id, &next);
    }
    console.limiter.failed(peer.ip());
    tracing::warn!(client = %peer.ip(), "console sign-in failed");
    let page = login_page(&console, &session, Some(&next), Some("The password is wrong."));
    (axum::http::StatusCode::UNAUTHORIZED, page).into_response()
}

async fn logout(State(console): State<Arc<Console>>, Visitor(session): Visitor) -> Response {
    console.sessions.end(&session.id);
    let fresh = console.sessions.open();
    let mut response = Redirect::to("/login").into_response();
    set_cookie(&mut response, &fresh.id);
    response
}

async fn password_form(Admin(session): Admin) -> Response {
    password_page(&session, None, false).into_response()
}

fn password_page(session: &crate::auth::Session, error: Option<&str>, done: bool) -> axum::response::Html<String> {
    page("Password", session, "/system", html! {
        h1 { "Change the admin password" }
        @if done { p.notice role="status" { "The password is changed. Other browsers were signed out." } }
        form method="post" action="/password" {
            (csrf_input(session))
            label for="current" { "Current password" }
            input #current name="current" type="password" autocomplete="current-password" required;
            label for="password" { "New password (at least " (MIN_PASSWORD_CHARS) " characters)" }
            input #password name="password" type="password" autocomplete="new-password" required;
            label for="confirmation" { "The same password again" }
            input #confirmation name="confirmation" type="password" autocomplete="new-password" required;
            (field_error(error))
            button type="submit" { "Change the password" }
        }
    })
}

async fn change_password(
    State(console): State<Arc<Console>>,
    Admin(session): Admin,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if let Verdict::Wait(wait) = console.limiter.check(peer.ip()) {
        let message = format!("Too many wrong passwords; try again in {} minutes.", wait.as_secs().div_ceil(60));
        return (axum::http::StatusCode::TOO_MANY_REQUESTS, password_page(&session, Some(&message), false)).into_response();
    }
    let current = form.get("current").cloned().unwrap_or_default();
    let password = form.get("password").cloned().unwrap_or_default();
    let confirmation = form.get("confirmation").cloned().unwrap_or_default();
    let worker = console.clone();
    let result = tokio::task::spawn_blocking(move || worker.admin.change(&current, &password, &confirmation)).await;
    match result {
        Ok(Ok(())) => {
            console.sessions.end_other_admins(&session.id);
            tracing::info!(client = %peer.ip(), "admin password changed");
            password_page(&session, None, true).into_response()
        }
        Ok(Err(problem)) => {
            if problem == PasswordProblem::WrongPassword {
                console.limiter.failed(peer.ip());
            }
            (axum::http::StatusCode::UNPROCESSABLE_ENTITY, password_page(&session, Some(&problem.to_string()), false)).into_response()
        }
        Err(error) => crate::error::PageError::from(error).into_response(),
    }
}

fn signed_in(console: &Console, old_id: &str, next: &str) -> Response {
    let session = console.sessions.sign_in(old_id);
    let mut response = Redirect::to(next).into_response();
    set_cookie(&mut response, &session.id);
    response
}

fn set_cookie(response: &mut Response, id: &str) {
    if let Ok(value) = header::HeaderValue::from_str(&session_cookie(id)) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
}

fn too_many(console: &Console, session: &crate::auth::Session, wait: std::time::Duration, setup: bool) -> Response {
    let minutes = wait.as_secs().div_ceil(60);
    let message = format!("Too many wrong attempts from this computer; try again in {minutes} minutes.");
    let page = if setup {
        setup_page(console, session, Some(&message))
    } else {
        login_page(console, session, None, Some(&message))
    };
    let mut response = (axum::http::StatusCode::TOO_MANY_REQUESTS, page).into_response();
    if let Ok(value) = header::HeaderValue::from_str(&wait.as_secs().to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

fn fingerprint_note(console: &Console) -> maud::Markup {
    html! {
        details.fingerprint {
            summary { "Is this really your box?" }
            p { "Your browser warns about this page because the box made its own certificate. "
                "Check that the certificate's SHA-256 fingerprint in the browser is:" }
            code.fingerprint { (console.certificate.fingerprint()) }
            p { "The box writes the same fingerprint to its log each time it starts." }
        }
    }
}

/// Returns the path on this console to go to after signing in; anything else (another
/// site, a scheme-relative `//host`) becomes the dashboard.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') && !path.starts_with("/login") => {
            path.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_the_console() {
        assert_eq!(safe_next(Some("/calls?q=x")), "/calls?q=x");
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
