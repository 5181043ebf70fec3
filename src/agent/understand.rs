//! What the LLM makes of a caller's turn: a JSON object whose shape a GBNF
//! grammar enforces token by token, checked again here before the product
//! acts on it.
//!
//! The fields come in a fixed order and the spoken reply comes last. The
//! call loop can therefore act on the intent and the details as soon as the
//! `"reply":"` key appears, and either stream the model's reply or stop the
//! model and say the product's own words.
//!
//! Strings in the grammar cannot hold a backslash, a double quote or a
//! control character, which keeps the output valid JSON with no escapes to
//! get wrong. String lengths are not bounded in the grammar, because
//! llama.cpp checks a bounded repetition so slowly that a reading took a
//! minute. A field that runs past [`MAX_FIELD_CHARS`] is cut instead, and
//! [`Understanding::close_runaway`] finishes the object with that field empty.

use serde::Deserialize;

/// GBNF grammar of one understanding, with `root` as its start rule.
pub const GRAMMAR: &str = r#"root ::= "{" ws "\"intent\":" ws "\"" intent "\"," ws "\"name\":" ws text "," ws "\"phone\":" ws phone "," ws "\"reason\":" ws text "," ws "\"service\":" ws text "," ws "\"day\":" ws day "," ws "\"time\":" ws time "," ws "\"urgency\":" ws "\"" urgency "\"," ws "\"angry\":" ws bool "," ws "\"language\":" ws "\"" lang "\"," ws "\"reply\":" ws "\"" char+ "\"" ws "}"
intent ::= "question" | "book" | "cancel" | "reschedule" | "message" | "person" | "emergency" | "yes" | "no" | "details" | "goodbye" | "other"
text ::= "null" | "\"" char+ "\""
phone ::= "null" | "\"" [+0-9] [0-9 ]+ "\""
day ::= "null" | "\"" ( "today" | "tomorrow" | "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday" | [0-9] [0-9] [0-9] [0-9] "-" month "-" dom ) "\""
month ::= "0" [1-9] | "1" [0-2]
dom ::= "0" [1-9] | [12] [0-9] | "3" [01]
time ::= "null" | "\"" ( hour ":" [0-5] [0-9] | "morning" | "afternoon" | "evening" ) "\""
hour ::= [01] [0-9] | "2" [0-3]
urgency ::= "low" | "normal" | "high" | "emergency"
bool ::= "true" | "false"
lang ::= "en" | "fr" | "de" | "es" | "it"
char ::= [^"\\\x00-\x1f]
ws ::= " "?
"#;

/// Tokens an understanding may take. The fixed keys and values take about
/// 60 and the bounded strings at most about 180 more, so this is a backstop:
/// a reply cut here is closed by [`Understanding::parse_cut`].
pub const MAX_TOKENS: usize = 320;

/// Characters a string field may reach before the reading is stopped and
/// closed: a name, a reason or a service is far shorter, so a longer one
/// means the model is looping.
pub const MAX_FIELD_CHARS: usize = 120;

/// Fields in the order the grammar writes them, with the value each takes
/// when a runaway reading is closed before reaching it.
const FIELDS: &[(&str, &str)] = &[
    ("intent", "\"other\""),
    ("name", "null"),
    ("phone", "null"),
    ("reason", "null"),
    ("service", "null"),
    ("day", "null"),
    ("time", "null"),
    ("urgency", "\"normal\""),
    ("angry", "false"),
    ("language", ""),
    ("reply", "\"\""),
];

/// The key after which the spoken reply streams.
pub const REPLY_KEY: &str = "\"reply\":";

/// The caller's request, as the model reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Intent {
    /// A question about the business (hours, prices, address).
    Question,
    /// Make an appointment.
    Book,
    /// Cancel their appointment.
    Cancel,
    /// Move their appointment.
    Reschedule,
    /// Leave a message or ask to be called back.
    Message,
    /// Speak to a person.
    Person,
    /// Something urgent: pain, a leak, danger.
    Emergency,
    /// Agrees, confirms.
    Yes,
    /// Declines, corrects.
    No,
    /// Gives a detail that was asked for (a name, a number, a date).
    Details,
    /// Ends the call.
    Goodbye,
    Other,
}

/// Urgency of the caller's matter, as the caller states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Urgency {
    Low,
    Normal,
    High,
    Emergency,
}

/// One understanding of a caller's turn.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Understanding {
    pub intent: Intent,
    pub name: Option<String>,
    /// Digits (and a leading `+`) the caller said, spaces removed.
    pub phone: Option<String>,
    pub reason: Option<String>,
    /// The kind of appointment, in the caller's words.
    pub service: Option<String>,
    /// `today`, `tomorrow`, a lowercase weekday or `YYYY-MM-DD`.
    pub day: Option<String>,
    /// `HH:MM`, `morning`, `afternoon` or `evening`.
    pub time: Option<String>,
    pub urgency: Urgency,
    pub angry: bool,
    /// ISO 639-1 code of the language the caller speaks.
    pub language: String,
    /// The model's proposed reply. The product may speak other words.
    pub reply: String,
}

/// Reason a model output was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnderstandError {
    #[error("the model's output is not a complete understanding ({reason}); it was {chars} characters long")]
    Malformed { reason: String, chars: usize },
    #[error("the model gave `{field}` the value `{value}`, which {problem}")]
    BadValue {
        field: &'static str,
        value: String,
        problem: &'static str,
    },
}

impl Understanding {
    /// Parses and checks a complete output.
    pub fn parse(text: &str) -> Result<Understanding, UnderstandError> {
        let mut understanding: Understanding =
            serde_json::from_str(text.trim()).map_err(|e| UnderstandError::Malformed {
                reason: e.to_string(),
                chars: text.chars().count(),
            })?;
        understanding.tidy()?;
        Ok(understanding)
    }

    /// Builds a reading that carries nothing: the caller's own words then decide
    /// (an emergency word, a yes, digits), as when the model's output was
    /// invalid.
    pub fn blank(language: &str) -> Understanding {
        Understanding {
            intent: Intent::Other,
            name: None,
            phone: None,
            reason: None,
            service: None,
            day: None,
            time: None,
            urgency: Urgency::Normal,
            angry: false,
            language: language.to_string(),
            reply: String::new(),
        }
    }

    /// Tells whether a partial output is inside a string that has run past
    /// [`MAX_FIELD_CHARS`]. Strings hold no quote, so an odd count of quotes
    /// means a string is open.
    pub fn runs_away(partial: &str) -> bool {
        let quotes = partial.matches('"').count();
        quotes % 2 == 1 && partial.rsplit('"').next().is_some_and(|open| open.chars().count() > MAX_FIELD_CHARS)
    }

    /// Closes a reading stopped inside a runaway string: that field becomes
    /// empty (null, or an empty reply) and the fields after it take neutral
    /// values, with `language` as the caller's language.
    pub fn close_runaway(partial: &str, language: &str) -> Result<Understanding, UnderstandError> {
        let malformed = || UnderstandError::Malformed {
            reason: "the output stopped before its first field".to_string(),
            chars: partial.chars().count(),
        };
        let open = partial.rfind('"').ok_or_else(malformed)?;
        let before = &partial[..open];
        let (index, key_at) = FIELDS
            .iter()
            .enumerate()
            .filter_map(|(index, (key, _))| before.rfind(&format!("\"{key}\":")).map(|at| (index, at)))
            .max_by_key(|(_, at)| *at)
            .ok_or_else(malformed)?;
        let mut text = partial[..key_at].trim_end().to_string();
        if index > 0 && !text.ends_with(',') {
            text.push(',');
        }
        let language = format!("\"{language}\"");
        // The runaway field takes the same empty value as the fields after it.
        let values = FIELDS[index..].iter().map(|(key, value)| {
            let value = if *key == "language" { language.as_str() } else { value };
            format!("\"{key}\":{value}")
        });
        text.push_str(&values.collect::<Vec<_>>().join(","));
        text.push('}');
        Understanding::parse(&text)
    }

    /// Parses an output that the token limit cut inside the reply: the
    /// grammar guarantees everything before it is complete, so closing the
    /// reply's string and the object gives the reading with the reply so far.
    pub fn parse_cut(partial: &str) -> Result<Understanding, UnderstandError> {
        let Some(start) = partial.find(REPLY_KEY) else {
            return Understanding::parse(partial);
        };
        let tail = &partial[start + REPLY_KEY.len()..];
        let open_quote = tail.trim_start().starts_with('"');
        if !open_quote || tail.trim_end().ends_with('}') {
            return Understanding::parse(partial);
        }
        Understanding::parse(&format!("{}\"}}", partial.trim_end()))
    }

    /// Parses everything before the reply, once the output has reached it:
    /// the product can decide what to do while the reply is still being
    /// written. Returns `None` while the reply key has not appeared.
    pub fn parse_head(partial: &str) -> Option<Result<Understanding, UnderstandError>> {
        let end = partial.find(REPLY_KEY)?;
        let head = format!("{}{REPLY_KEY}\"\"}}", &partial[..end]);
        Some(Understanding::parse(&head))
    }

    fn tidy(&mut self) -> Result<(), UnderstandError> {
        for field in [&mut self.name, &mut self.reason, &mut self.service] {
            if field.as_deref().is_some_and(|v| v.trim().is_empty() || v.trim() == "null") {
                *field = None;
            }
            if let Some(value) = field {
                *value = value.trim().to_string();
            }
        }
        if let Some(phone) = &self.phone {
            let digits: String = phone.chars().filter(|c| *c == '+' || c.is_ascii_digit()).collect();
            let count = digits.chars().filter(char::is_ascii_digit).count();
            self.phone = (count >= 6).then_some(digits);
        }
        if let Some(day) = &self.day {
            if day.len() == 10 && time::Date::parse(day, time::macros::format_description!("[year]-[month]-[day]")).is_err() {
                return Err(UnderstandError::BadValue {
                    field: "day",
                    value: day.clone(),
                    problem: "is not a calendar date",
                });
            }
        }
        if let Some(clock) = &self.time {
            if let Some((hours, minutes)) = clock.split_once(':') {
                let valid = hours.parse::<u8>().is_ok_and(|h| h < 24) && minutes.parse::<u8>().is_ok_and(|m| m < 60);
                if !valid {
                    return Err(UnderstandError::BadValue {
                        field: "time",
                        value: clock.clone(),
                        problem: "is not a time of day",
                    });
                }
            }
        }
        self.reply = self.reply.trim().to_string();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOOKING: &str = r#"{"intent":"book","name":"Anna Lefèvre","phone":"06 12 34 56 78","reason":null,"service":"check-up","day":"tuesday","time":"afternoon","urgency":"normal","angry":false,"language":"fr","reply":"Je regarde nos disponibilités."}"#;

    #[test]
    fn reading_complete_output_parses() {
        let understanding = Understanding::parse(BOOKING).unwrap();
        assert_eq!(understanding.intent, Intent::Book);
        assert_eq!(understanding.name.as_deref(), Some("Anna Lefèvre"));
        assert_eq!(understanding.phone.as_deref(), Some("0612345678"));
        assert_eq!(understanding.day.as_deref(), Some("tuesday"));
        assert_eq!(understanding.language, "fr");
    }

    #[test]
    fn reading_head_parses_before_reply() {
        let cut = BOOKING.find("disponibilités").unwrap();
        let head = Understanding::parse_head(&BOOKING[..cut]).unwrap().unwrap();
        assert_eq!(head.intent, Intent::Book);
        assert!(head.reply.is_empty());
        assert!(Understanding::parse_head(&BOOKING[..40]).is_none());
    }

    #[test]
    fn impossible_values_are_refused() {
        let bad_day = BOOKING.replace("\"tuesday\"", "\"2026-02-30\"");
        assert!(matches!(Understanding::parse(&bad_day), Err(UnderstandError::BadValue { field: "day", .. })));
        let bad_time = BOOKING.replace("\"afternoon\"", "\"27:10\"");
        assert!(matches!(Understanding::parse(&bad_time), Err(UnderstandError::BadValue { field: "time", .. })));
        let cut = &BOOKING[..BOOKING.len() - 3];
        assert!(matches!(Understanding::parse(cut), Err(UnderstandError::Malformed { .. })));
    }

    #[test]
    fn reading_cut_reply_is_closed() {
        let cut = &BOOKING[..BOOKING.find("disponibilités").unwrap()];
        let reading = Understanding::parse_cut(cut).unwrap();
        assert_eq!(reading.reply, "Je regarde nos");
        assert!(Understanding::parse_cut(&BOOKING[..60]).is_err(), "a cut before the reply stays invalid");
        assert_eq!(Understanding::parse_cut(BOOKING).unwrap().intent, Intent::Book);
    }

    #[test]
    fn reading_runaway_field_is_emptied() {
        let looping = format!(r#"{{"intent":"question","name":null,"phone":null,"reason":"{}"#, "Portsmouth, ".repeat(12));
        assert!(Understanding::runs_away(&looping));
        let reading = Understanding::close_runaway(&looping, "fr").unwrap();
        assert_eq!(reading.intent, Intent::Question);
        assert_eq!(reading.reason, None);
        assert_eq!(reading.language, "fr");
        assert!(reading.reply.is_empty());
        assert!(!Understanding::runs_away(&BOOKING[..BOOKING.len() - 3]));
    }

    #[test]
    fn a_short_phone_number_is_dropped() {
        let short = BOOKING.replace("\"06 12 34 56 78\"", "\"12 34\"");
        assert_eq!(Understanding::parse(&short).unwrap().phone, None);
    }
}
