//! The business profile: what the receptionist may tell callers.
//!
//! The LLM answers only from this file, so every fact a caller may ask about
//! (hours, address, services, prices) belongs here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Days of the week as the profile spells them.
pub const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Error reading or validating a business profile.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("cannot read the business profile {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid business profile {path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// A question callers ask, with the answer the business gives.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaqEntry {
    pub question: String,
    pub answer: String,
}

/// A business profile, as read from TOML.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessProfile {
    /// Name the box introduces the business with.
    pub name: String,
    /// First words of every call.
    pub greeting: String,
    /// Spoken when the caller says goodbye or the call ends on silence.
    #[serde(default = "default_farewell")]
    pub farewell: String,
    /// One-line description: what the business does.
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// Opening hours by lowercase weekday: `"09:00-12:30, 14:00-18:00"` or `"closed"`.
    #[serde(default)]
    pub opening_hours: BTreeMap<String, String>,
    /// Free-form facts the box may repeat to callers.
    #[serde(default)]
    pub facts: Vec<String>,
    #[serde(default)]
    pub faq: Vec<FaqEntry>,
}

fn default_farewell() -> String {
    "Thank you for calling. Goodbye.".to_string()
}

impl BusinessProfile {
    /// Reads and validates a profile file.
    pub fn load(path: &Path) -> Result<BusinessProfile, ProfileError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text).map_err(|message| ProfileError::Invalid {
            path: path.to_path_buf(),
            message,
        })
    }

    /// Parses and validates a profile; the error names the field and the fix.
    pub fn parse(text: &str) -> Result<BusinessProfile, String> {
        let profile: BusinessProfile = toml::from_str(text).map_err(|e| e.to_string())?;
        profile.validate()?;
        Ok(profile)
    }

    fn validate(&self) -> Result<(), String> {
        for (field, value) in [("name", &self.name), ("greeting", &self.greeting), ("farewell", &self.farewell)] {
            if value.trim().is_empty() {
                return Err(format!("`{field}` is empty; write what the box should say"));
            }
        }
        for (day, hours) in &self.opening_hours {
            if !WEEKDAYS.contains(&day.as_str()) {
                return Err(format!(
                    "opening_hours has the unknown day `{day}`; use lowercase English weekdays (monday .. sunday)"
                ));
            }
            parse_hours(hours).map_err(|e| format!("opening_hours.{day} = \"{hours}\": {e}"))?;
        }
        for (index, entry) in self.faq.iter().enumerate() {
            if entry.question.trim().is_empty() || entry.answer.trim().is_empty() {
                return Err(format!("faq entry {} has an empty question or answer", index + 1));
            }
        }
        Ok(())
    }

    /// Opening hours in a form the LLM reads well, one day a line, in weekday order.
    pub fn hours_text(&self) -> String {
        WEEKDAYS
            .iter()
            .filter_map(|day| {
                self.opening_hours.get(*day).map(|hours| {
                    let mut name = day.to_string();
                    name[..1].make_ascii_uppercase();
                    format!("{name}: {hours}")
                })
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// An opening interval in minutes from midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub open: u16,
    pub close: u16,
}

/// Parses `"closed"` or comma-separated `HH:MM-HH:MM` intervals.
pub fn parse_hours(text: &str) -> Result<Vec<Interval>, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("closed") {
        return Ok(Vec::new());
    }
    let mut intervals = Vec::new();
    for part in text.split(',') {
        let (open, close) = part
            .trim()
            .split_once('-')
            .ok_or_else(|| format!("expected `HH:MM-HH:MM` or `closed`, found `{}`", part.trim()))?;
        let open = parse_clock(open)?;
        let close = parse_clock(close)?;
        if close <= open {
            return Err(format!("the interval `{}` closes before it opens", part.trim()));
        }
        if intervals.last().is_some_and(|last: &Interval| last.close > open) {
            return Err(format!("the interval `{}` overlaps the one before it", part.trim()));
        }
        intervals.push(Interval { open, close });
    }
    Ok(intervals)
}

fn parse_clock(text: &str) -> Result<u16, String> {
    let text = text.trim();
    let invalid = || format!("`{text}` is not a time; write it as HH:MM, 24-hour");
    let (hours, minutes) = text.split_once(':').ok_or_else(invalid)?;
    let hours: u16 = hours.parse().map_err(|_| invalid())?;
    let minutes: u16 = minutes.parse().map_err(|_| invalid())?;
    if hours > 24 || minutes > 59 || (hours == 24 && minutes > 0) {
        return Err(invalid());
    }
    Ok(hours * 60 + minutes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "name = \"Harbor Dental\"\ngreeting = \"Hello\"\n";

    #[test]
    fn parses_a_minimal_profile() {
        let profile = BusinessProfile::parse(MINIMAL).unwrap();
        assert_eq!(profile.name, "Harbor Dental");
        assert!(profile.farewell.contains("Goodbye"));
    }

    #[test]
    fn hours_read_in_weekday_order() {
        let text = format!("{MINIMAL}[opening_hours]\nsaturday = \"closed\"\nmonday = \"09:00-12:00, 14:00-18:00\"\n");
        let profile = BusinessProfile::parse(&text).unwrap();
        assert_eq!(profile.hours_text(), "Monday: 09:00-12:00, 14:00-18:00\nSaturday: closed");
    }

    #[test]
    fn rejects_bad_values_with_the_field() {
        let cases = [
            ("[opening_hours]\nfunday = \"closed\"\n", "unknown day `funday`"),
            ("[opening_hours]\nmonday = \"9-5\"\n", "`9` is not a time"),
            ("[opening_hours]\nmonday = \"18:00-09:00\"\n", "closes before it opens"),
            ("[opening_hours]\nmonday = \"09:00-13:00, 12:00-15:00\"\n", "overlaps"),
            ("[opening_hours]\nmonday = \"25:00-26:00\"\n", "not a time"),
            ("[[faq]]\nquestion = \"Parking?\"\nanswer = \" \"\n", "faq entry 1"),
            ("colour = \"blue\"\n", "unknown field `colour`"),
        ];
        for (extra, expected) in cases {
            let text = format!("{MINIMAL}{extra}");
            let message = BusinessProfile::parse(&text).unwrap_err();
            assert!(message.contains(expected), "{extra:?}: {message}");
        }
    }

    #[test]
    fn rejects_an_empty_greeting() {
        let message = BusinessProfile::parse("name = \"X\"\ngreeting = \"  \"\n").unwrap_err();
        assert!(message.contains("`greeting` is empty"), "{message}");
    }
}
