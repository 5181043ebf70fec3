//! The validated business profile and its lookups.

use std::collections::BTreeMap;
use std::path::Path;

use crate::contact::list_matches;
use crate::error::ProfileError;
use crate::hours::{Closure, WeeklyHours};
use crate::language::{Language, Localized};
use crate::price::Price;
use crate::settings::{Answering, Escalation, Numbers, Recap, Recording, Voice};
use crate::words::{contains_phrase, fold};

/// A business profile: what the receptionist may tell callers and how it handles calls.
///
/// Build one with [`BusinessProfile::load`] or [`BusinessProfile::parse`], which validate
/// every field, so the invariants noted on the fields hold.
#[derive(Debug, Clone, PartialEq)]
pub struct BusinessProfile {
    /// Name the box introduces the business with.
    pub name: String,
    /// First words of every call.
    pub greeting: Localized,
    /// Spoken when the caller says goodbye or the call ends on silence.
    pub farewell: Localized,
    /// Spoken instead of the greeting outside opening hours, when set.
    pub closed_message: Option<Localized>,
    /// One-line description: what the business does.
    pub description: Option<String>,
    pub address: Option<String>,
    /// How to get there: parking, entrance, public transport.
    pub directions: Option<String>,
    /// The business's public phone number.
    pub phone: Option<String>,
    pub website: Option<String>,
    /// Languages the box speaks, never empty; the first is the default.
    pub languages: Vec<Language>,
    /// ISO 4217 code for prices written without a currency.
    pub currency: Option<String>,
    /// Weekly timetable; a day not listed is closed.
    pub opening_hours: WeeklyHours,
    /// Exceptions to the weekly timetable, none overlapping another.
    pub closures: Vec<Closure>,
    pub services: Vec<Service>,
    /// Free-form facts the box may repeat to callers.
    pub facts: Vec<String>,
    pub faq: Vec<FaqEntry>,
    /// Staff, with unique names.
    pub staff: Vec<StaffMember>,
    /// Appointment types, with unique names and aliases.
    pub appointment_types: Vec<AppointmentType>,
    pub numbers: Numbers,
    pub answering: Answering,
    pub recording: Recording,
    pub recap: Recap,
    pub escalation: Escalation,
    /// Voice for every supported language, defaults included.
    pub voices: BTreeMap<Language, Voice>,
}

/// Something the business sells, as callers may ask about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub name: String,
    /// `None` when the price is given on request.
    pub price: Option<Price>,
    pub duration_min: Option<u32>,
    pub description: Option<String>,
}

/// A question callers ask, with the answer the business gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaqEntry {
    pub question: String,
    pub answer: String,
}

/// A member of staff. Phone and e-mail are for transfers and messages, and `facts_text` leaves them out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub name: String,
    /// Job title callers may hear (`"dentist"`).
    pub role: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Whether urgent calls may be transferred to this person's phone, which is then set.
    pub on_call: bool,
}

/// A kind of appointment the box may book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentType {
    pub name: String,
    /// Length of the appointment, at least 1.
    pub duration_min: u32,
    /// Free time kept after the appointment.
    pub buffer_min: u32,
    /// Names of the staff members who take it, each in [`BusinessProfile::staff`]; empty
    /// when anyone may.
    pub staff: Vec<String>,
    pub description: Option<String>,
    /// Other words callers use for it (`"check-up"`, `"contrôle"`).
    pub aliases: Vec<String>,
}

impl BusinessProfile {
    /// Reads and validates a profile file.
    pub fn load(path: &Path) -> Result<BusinessProfile, ProfileError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text).map_err(|error| match error {
            ProfileError::Invalid { problems, .. } => ProfileError::Invalid {
                path: Some(path.to_path_buf()),
                problems,
            },
            other => other,
        })
    }

    /// Parses and validates a profile; the error lists every invalid field with its fix.
    pub fn parse(text: &str) -> Result<BusinessProfile, ProfileError> {
        crate::validate::parse(text).map_err(|problems| ProfileError::Invalid {
            path: None,
            problems,
        })
    }

    /// Returns the language used when the caller's has no text or voice.
    pub fn default_language(&self) -> Language {
        self.languages.first().copied().unwrap_or(Language::En)
    }

    /// Phone numbers of the on-call staff, in staff order.
    pub fn on_call_numbers(&self) -> Vec<&str> {
        self.staff
            .iter()
            .filter(|member| member.on_call)
            .filter_map(|member| member.phone.as_deref())
            .collect()
    }

    /// Finds the appointment type whose name or an alias appears in `words`, ignoring case,
    /// accents and punctuation. The longest match wins, then the first listed.
    pub fn find_appointment_type(&self, words: &str) -> Option<&AppointmentType> {
        let said = fold(words);
        let mut best: Option<(usize, &AppointmentType)> = None;
        for appointment_type in &self.appointment_types {
            let names = std::iter::once(&appointment_type.name).chain(&appointment_type.aliases);
            for name in names {
                let name = fold(name);
                let longer = best.is_none_or(|(length, _)| name.len() > length);
                if longer && contains_phrase(&said, &name) {
                    best = Some((name.len(), appointment_type));
                }
            }
        }
        best.map(|(_, appointment_type)| appointment_type)
    }

    /// Tells whether a caller's number is on the VIP list, matching on the last 9 digits.
    pub fn is_vip(&self, number: &str) -> bool {
        list_matches(&self.numbers.vip, number)
    }

    /// Tells whether a caller's number is blocked, matching on the last 9 digits.
    pub fn is_blocked(&self, number: &str) -> bool {
        list_matches(&self.numbers.blocked, number)
    }

    /// Voice for `language`, or the default language's when none is set for it.
    pub fn voice_for(&self, language: Language) -> Voice {
        self.voices
            .get(&language)
            .or_else(|| self.voices.get(&self.default_language()))
            .cloned()
            .unwrap_or(Voice::Pico)
    }
}
