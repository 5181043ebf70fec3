//! The calls: a searchable list, each call's page with its transcript
//! beside the recording, and the recording itself.

mod detail;
mod list;

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower::ServiceExt;

use crate::error::PageError;
use crate::guard::Admin;
use crate::server::Console;

pub fn routes() -> Router<Arc<Console>> {
    Router::new()
        .route("/calls", get(list::page))
        .route("/calls/{id}", get(detail::page))
        .route("/calls/{id}/audio", get(audio))
}

/// Opens the call database for reading, off the async workers.
pub(crate) async fn read_store<T, F>(console: &Console, work: F) -> Result<T, PageError>
where
    T: Send + 'static,
    F: FnOnce(&standardiste_store::Store) -> Result<T, PageError> + Send + 'static,
{
    let path = console.settings.database.clone();
    tokio::task::spawn_blocking(move || {
        let store = standardiste_store::Store::open_read_only(&path)?;
        work(&store)
    })
    .await?
}

/// Serves the call's recording as a WAV file, with byte ranges so the player can seek.
async fn audio(State(console): State<Arc<Console>>, Admin(_): Admin, Path(id): Path<i64>, request: Request) -> Response {
    let found = read_store(&console, move |store| {
        let call = store.call(id)?;
        let (audio_deleted, _) = store.retention_marks(id)?;
        Ok((call.recording_path, audio_deleted))
    })
    .await;
    let path = match found {
        Ok((Some(path), None)) => PathBuf::from(path),
        Ok((_, Some(deleted))) => return PageError::NotFound(format!("the recording of call {id} (deleted on {deleted})")).into_response(),
        Ok((None, None)) => return PageError::NotFound(format!("a recording of call {id} (recording was off)")).into_response(),
        Err(error) => return error.into_response(),
    };
    if path.extension().and_then(|e| e.to_str()) != Some("wav") || !path.is_file() {
        return PageError::NotFound(format!("the recording file of call {id}")).into_response();
    }
    match tower_http::services::ServeFile::new(path).oneshot(request).await {
        Ok(response) => response.into_response(),
        Err(error) => PageError::Internal(format!("cannot read the recording of call {id}: {error}")).into_response(),
    }
}
