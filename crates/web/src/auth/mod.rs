//! Access to the console: the admin password, sessions with their CSRF
//! tokens, the sign-in rate limit and the first-run set-up code.

mod admin;
mod limiter;
mod sessions;
mod token;

pub use admin::{AdminPassword, PasswordProblem, MIN_PASSWORD_CHARS};
pub use limiter::{Limiter, Verdict};
pub use sessions::{Session, Sessions, SESSION_COOKIE};
pub use token::{random_token, same_token};
