//! Errors of the console: starting it, and serving one request.

use std::path::PathBuf;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Error that stops the console from starting.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    #[error("cannot listen on {address}: {source}; choose another `listen` address under [console] or stop what uses it")]
    Listen {
        address: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot use the console folder {path}: {source}; check that it exists and the service user may write to it")]
    StateDir { path: PathBuf, source: std::io::Error },
    #[error("the console certificate in {path} is invalid ({message}); delete it and the key beside it to make a new one")]
    Certificate { path: PathBuf, message: String },
    #[error("cannot make the console certificate: {0}")]
    MakeCertificate(String),
}

/// Error that ends one request with an error page.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("the call database failed: {0}")]
    Database(String),
    #[error("{0}")]
    Internal(String),
}

impl From<rusqlite::Error> for PageError {
    fn from(error: rusqlite::Error) -> PageError {
        PageError::Database(error.to_string())
    }
}

impl From<standardiste_store::StoreError> for PageError {
    fn from(error: standardiste_store::StoreError) -> PageError {
        match error {
            standardiste_store::StoreError::CallNotFound(id) => PageError::NotFound(format!("call {id}")),
            other => PageError::Database(other.to_string()),
        }
    }
}

impl From<tokio::task::JoinError> for PageError {
    fn from(error: tokio::task::JoinError) -> PageError {
        PageError::Internal(format!("a console task failed: {error}"))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = match self {
            PageError::NotFound(_) => StatusCode::NOT_FOUND,
            PageError::BadRequest(_) => StatusCode::BAD_REQUEST,
            PageError::Database(_) | PageError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if status.is_server_error() {
            tracing::error!(error = %self, "console request failed");
        }
        let page = crate::pages::layout::bare(status.canonical_reason().unwrap_or("Error"), maud::html! {
            h1 { (status.as_u16()) " " (status.canonical_reason().unwrap_or("Error")) }
            p.error { (self.to_string()) }
            p { a href="/" { "Back to the console" } }
        });
        (status, page).into_response()
    }
}
