//! The appointment book: a week at a time, booking by hand, moving and
//! cancelling, and the calendar feed for the owner's calendar app.

mod change;
mod check;
mod create;
mod feed;
mod feed_token;
mod form;
mod input;
mod render;
mod storage;
mod view;
mod week;

use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;

use crate::server::Console;

pub fn routes() -> Router<Arc<Console>> {
    Router::new()
        .route("/bookings", get(view::show).post(create::create))
        .route("/bookings/{id}/move", post(change::move_booking))
        .route("/bookings/{id}/cancel", post(change::cancel))
        .route("/bookings/feed-token", post(feed::new_token))
        .route("/calendar.ics", get(feed::calendar))
}
