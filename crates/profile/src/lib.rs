//! The business profile of a Standardiste box: one TOML file that says what the receptionist
//! may tell callers (hours, services, prices, FAQ) and how it handles calls (when to answer,
//! recording, recaps, escalation, voices).
//!
//! [`BusinessProfile::load`] validates the whole file and reports every invalid field with
//! its path, its value and the fix. [`ProfileWatcher`] reloads the file when it changes.
//! [`edit::ProfileDraft`] edits the file from the web console's forms, keeping its comments.
//! [`BusinessProfile::booking_schedule`] and [`AppointmentType::booking_type`] turn it into the
//! rules of the appointment book (`standardiste-booking`).

mod booking;
mod contact;
pub mod edit;
mod error;
mod facts;
mod hours;
mod language;
mod locate;
mod price;
mod profile;
mod raw;
mod schedule;
mod settings;
mod validate;
mod watcher;
mod words;

pub use contact::{check_email, check_phone, check_url, match_key};
pub use error::{FieldError, ProfileError};
pub use hours::{parse_clock, parse_hours, Closure, DayHours, Interval, WeeklyHours, WEEKDAYS};
pub use language::{Language, LanguageTexts, Localized};
pub use price::{parse_price, Price, CURRENCIES};
pub use profile::{AppointmentType, BusinessProfile, FaqEntry, Service, StaffMember};
pub use settings::{
    default_announcement, default_emergency_words, default_farewell, default_voice, Answering,
    AnsweringMode, Escalation, Numbers, Recap, Recording, Voice, DEFAULT_ENGLISH_VOICE,
};
pub use watcher::ProfileWatcher;
pub use words::fold;
