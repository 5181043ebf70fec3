//! The console's pages, one module per part of the navigation.

pub mod bookings;
pub mod calls;
pub mod dashboard;
pub mod format;
pub mod layout;
pub mod login;
pub mod messages;
pub mod settings;
pub mod system;
