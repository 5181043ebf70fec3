//! The system page: lines, models, disk and memory, the outbox, the
//! software version, the recent log, and a test call shown live.

mod host;
mod logs;
mod overview;
mod test_call;

use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;

use crate::server::Console;

pub fn routes() -> Router<Arc<Console>> {
    Router::new()
        .route("/system", get(overview::page))
        .route("/system/logs", get(logs::page))
        .route("/system/test-call", post(test_call::start).get(test_call::page))
        .route("/system/test-call/events", get(test_call::events))
}
