//! The prompt: instructions and facts from the business profile, then the conversation.
//!
//! The system message starts with everything that stays the same across
//! calls (instructions and profile facts), so the LLM engine's KV cache can
//! reuse it. The parts that change per call (the time, the caller's
//! language) come last.

use crate::profile::BusinessProfile;

use super::llm::{Message, Role};

/// Caller and box turns kept in the prompt. Older ones are dropped so the
/// prompt stays within the context window on long calls.
const MAX_HISTORY_MESSAGES: usize = 16;

/// Builds the stable part of the system message from the profile.
pub fn instructions(profile: &BusinessProfile) -> String {
    format!(
        "You are the telephone receptionist of {name}. You are speaking with a caller on the phone.\n\
         Rules:\n\
         - Reply in one to three short spoken sentences. No lists, no markdown, no emojis.\n\
         - Answer only from the facts below. If the answer is not in the facts, say that you do not know \
         and offer to take a message for a callback.\n\
         - Never invent a price, an opening hour, a name, an address or an appointment.\n\
         - Never tell a caller anything about other callers or their appointments.\n\
         - Reply in the language the caller speaks.\n\
         - Speak as the receptionist, saying \"we\" for the business; never mention these rules or \"the facts\".\n\
         \n\
         Facts about {name}:\n{facts}\n",
        name = profile.name,
        facts = profile.facts_text(),
    )
}

/// How the model must answer in structured mode: one JSON object per caller
/// turn (its shape is enforced by [`super::understand::GRAMMAR`]). Appended to
/// [`instructions`], so the profile's facts stay in the cached prefix.
pub const UNDERSTANDING_RULES: &str = "\n\
Answer every caller turn with one JSON object and nothing else. Fill name, phone, reason, service, day and time \
only with what the caller says in their last message; use null for anything they did not just say. Fields, in this order:\n\
- intent: question (asks about the business), book (wants an appointment), cancel (cancels their appointment), \
reschedule (moves their appointment), message (wants a callback or to leave a message), person (asks for a human), \
emergency (urgent pain, danger, flooding), yes (agrees or confirms), no (refuses or corrects), \
details (gives a name, number, date or reason that was asked for), goodbye (ends the call), other.\n\
- name: the caller's name if they said it, else null.\n\
- phone: the phone number the caller said, digits only, else null.\n\
- reason: why they call, in a few words, else null.\n\
- service: the kind of appointment they ask for, in their words, else null.\n\
- day: today, tomorrow, a weekday in English (monday .. sunday) or a date YYYY-MM-DD, if they said one, else null.\n\
- time: HH:MM (24-hour), morning, afternoon or evening, if they said one, else null.\n\
- urgency: low, normal, high or emergency.\n\
- angry: true if the caller is angry or insulting, else false.\n\
- language: the language the caller speaks: en, fr, de, es or it.\n\
- reply: what you say to the caller, in their language, one or two short sentences, \
using only the facts above; if the facts do not answer, say you do not know and offer to take a message.\n\
Example: caller says \"Hi, this is Alex Martin, can I book a cleaning next Friday morning?\" and you answer \
{\"intent\":\"book\",\"name\":\"Alex Martin\",\"phone\":null,\"reason\":null,\"service\":\"cleaning\",\
\"day\":\"friday\",\"time\":\"morning\",\"urgency\":\"normal\",\"angry\":false,\"language\":\"en\",\
\"reply\":\"Let me look at Friday morning for you.\"}\n";

/// Per-call part of the prompt: the time now and the caller's language.
#[derive(Debug, Clone, Default)]
pub struct CallContext {
    /// For example "Tuesday 9 December 2026, 14:30".
    pub now: String,
    /// English name of the caller's language, once detected.
    pub language: Option<String>,
}

/// Builds the messages for the next reply.
pub fn messages(instructions: &str, context: &CallContext, history: &[Message]) -> Vec<Message> {
    let mut system = instructions.to_string();
    if !context.now.is_empty() {
        system.push_str(&format!("\nIt is now {}.\n", context.now));
    }
    if let Some(language) = &context.language {
        system.push_str(&format!("The caller speaks {language}: reply in {language}.\n"));
    }
    let mut messages = vec![Message {
        role: Role::System,
        content: system,
    }];
    let skip = history.len().saturating_sub(MAX_HISTORY_MESSAGES);
    // Never start the kept history on a box turn: the model expects a caller turn first.
    let mut kept = &history[skip..];
    while kept.first().is_some_and(|m| m.role == Role::Assistant) {
        kept = &kept[1..];
    }
    messages.extend(kept.iter().cloned());
    messages
}

/// English name of a language from its ISO 639-1 code, for the prompt.
pub fn language_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "en" => "English",
        "fr" => "French",
        "de" => "German",
        "es" => "Spanish",
        "it" => "Italian",
        "pt" => "Portuguese",
        "nl" => "Dutch",
        _ => return None,
    })
}

/// Returns the time now on the box's clock, which is the business's local time, or
/// UTC when the local offset cannot be determined.
pub fn local_now() -> time::PrimitiveDateTime {
    let now = time::OffsetDateTime::now_local().unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    time::PrimitiveDateTime::new(now.date(), now.time())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> BusinessProfile {
        BusinessProfile::parse(
            "name = \"Harbor Dental\"\ngreeting = \"Hello\"\naddress = \"12 Quay Street\"\n\
             facts = [\"Parking is free behind the building.\"]\n\
             [opening_hours]\nmonday = \"09:00-17:00\"\nsunday = \"closed\"\n\
             [[faq]]\nquestion = \"Do you take children?\"\nanswer = \"Yes, from age three.\"\n",
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn instructions_carry_every_fact() {
        let text = instructions(&profile());
        for expected in ["Harbor Dental", "12 Quay Street", "Monday: 09:00-17:00", "Sunday: closed", "Parking is free", "from age three"] {
            assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
        }
    }

    #[test]
    fn per_call_context_comes_after_the_stable_part() {
        let stable = instructions(&profile());
        let context = CallContext {
            now: "Monday 8 December 2026, 10:15".to_string(),
            language: Some("French".to_string()),
        };
        let messages = messages(&stable, &context, &[]);
        assert!(messages[0].content.starts_with(&stable));
        assert!(messages[0].content.ends_with("reply in French.\n"));
    }

    #[test]
    fn long_history_is_trimmed_to_start_with_the_caller() {
        let history: Vec<Message> = (0..21)
            .map(|i| Message {
                role: if i % 2 == 0 { Role::User } else { Role::Assistant },
                content: format!("turn {i}"),
            })
            .collect();
        let messages = messages("rules", &CallContext::default(), &history);
        assert!(messages.len() <= MAX_HISTORY_MESSAGES + 1);
        assert_eq!(messages[1].role, Role::User);
        assert_eq!(messages.last().unwrap().content, "turn 20");
    }
}
