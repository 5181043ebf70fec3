//! Turns the file's text into a [`BusinessProfile`], collecting every invalid field.

mod business;
mod calls;

use toml::de::DeTable;

use crate::error::{quoted, FieldError, Problems};
use crate::language::{supported_codes, Language, Localized};
use crate::locate::{line_of_field, structure_problem, syntax_problem};
use crate::raw::RawProfile;
use crate::settings::default_farewell;
use crate::BusinessProfile;

/// Parses and validates a profile; the error lists every problem found.
pub(crate) fn parse(text: &str) -> Result<BusinessProfile, Vec<FieldError>> {
    let root = DeTable::parse(text).map_err(|error| vec![syntax_problem(text, &error)])?;
    let raw: RawProfile =
        toml::from_str(text).map_err(|error| vec![structure_problem(text, &root, &error)])?;

    let mut problems = Problems::default();
    let profile = build(raw, &mut problems);
    if problems.list.is_empty() {
        return Ok(profile);
    }
    let mut list = problems.list;
    for problem in &mut list {
        problem.line = line_of_field(text, &root, &problem.field);
    }
    Err(list)
}

fn build(raw: RawProfile, problems: &mut Problems) -> BusinessProfile {
    required_text(
        problems,
        "name",
        &raw.name,
        "write the business name callers know",
    );
    let languages = languages(problems, raw.languages);
    let default = languages.first().copied().unwrap_or(Language::En);

    let mut greeting = raw.greeting;
    localized(problems, "greeting", &mut greeting, &languages);
    let farewell = match raw.farewell {
        Some(mut farewell) => {
            localized(problems, "farewell", &mut farewell, &languages);
            farewell
        }
        None => {
            // The built-in farewell has a text in every language, so it needs no check.
            let mut farewell = default_farewell();
            farewell.set_default(default);
            farewell
        }
    };
    let mut closed_message = raw.closed_message;
    if let Some(message) = &mut closed_message {
        localized(problems, "closed_message", message, &languages);
    }

    let info = business::build(
        problems,
        &raw.opening_hours,
        raw.closures,
        raw.services,
        raw.currency,
    );
    let people = business::build_people(problems, raw.staff, raw.appointment_types);
    let calls = calls::build(
        problems,
        &languages,
        raw.numbers,
        raw.answering,
        raw.recording,
        raw.recap,
        raw.escalation,
        raw.voices,
    );

    let description = optional_text(problems, "description", raw.description);
    let address = optional_text(problems, "address", raw.address);
    let directions = optional_text(problems, "directions", raw.directions);
    let phone = optional_text(problems, "phone", raw.phone);
    if let Some(number) = &phone {
        phone_number(problems, "phone", number);
    }
    let website = optional_text(problems, "website", raw.website);
    if let Some(address) = &website {
        web_address(problems, "website", address);
    }
    for (index, fact) in raw.facts.iter().enumerate() {
        required_text(
            problems,
            &format!("facts[{index}]"),
            fact,
            "write the fact or remove the empty entry",
        );
    }
    let faq = business::faq(problems, raw.faq);

    BusinessProfile {
        name: raw.name.trim().to_string(),
        greeting,
        farewell,
        closed_message,
        description,
        address,
        directions,
        phone,
        website,
        languages,
        currency: info.currency,
        opening_hours: info.opening_hours,
        closures: info.closures,
        services: info.services,
        facts: raw
            .facts
            .iter()
            .map(|fact| fact.trim().to_string())
            .collect(),
        faq,
        staff: people.staff,
        appointment_types: people.appointment_types,
        numbers: calls.numbers,
        answering: calls.answering,
        recording: calls.recording,
        recap: calls.recap,
        escalation: calls.escalation,
        voices: calls.voices,
    }
}

/// Validates `languages`; an absent list means English only.
fn languages(problems: &mut Problems, codes: Option<Vec<String>>) -> Vec<Language> {
    let Some(codes) = codes else {
        return vec![Language::En];
    };
    if codes.is_empty() {
        problems.add(
            "languages",
            Some("[]".to_string()),
            "the list is empty",
            "list at least one language code, the default first, such as [\"en\"]",
        );
        return vec![Language::En];
    }
    let mut languages = Vec::new();
    for (index, code) in codes.iter().enumerate() {
        let field = format!("languages[{index}]");
        match Language::from_code(code) {
            None => problems.add(
                field,
                quoted(code),
                "unknown language code",
                format!("use {}", supported_codes()),
            ),
            Some(language) if languages.contains(&language) => problems.add(
                field,
                quoted(code),
                "this language is listed twice",
                "list each language once",
            ),
            Some(language) => languages.push(language),
        }
    }
    if languages.is_empty() {
        languages.push(Language::En);
    }
    languages
}

/// Checks a spoken text and records the default language in it.
pub(crate) fn localized(
    problems: &mut Problems,
    field: &str,
    text: &mut Localized,
    languages: &[Language],
) {
    let default = languages.first().copied().unwrap_or(Language::En);
    let texts: Vec<(Option<String>, String)> = text
        .texts()
        .into_iter()
        .map(|(code, text)| (code.map(str::to_string), text.to_string()))
        .collect();
    let mut has_default = false;
    for (code, content) in &texts {
        let Some(code) = code else {
            required_text(problems, field, content, "write what the box should say");
            has_default = true;
            continue;
        };
        let text_field = format!("{field}.{code}");
        match Language::from_code(code) {
            None => problems.add(
                text_field,
                quoted(content),
                format!("`{code}` is not a language code"),
                format!("use {}", supported_codes()),
            ),
            Some(language) if !languages.contains(&language) => problems.add(
                text_field,
                quoted(content),
                format!("{code} is not in `languages`, so this text is never spoken"),
                format!("add \"{code}\" to `languages` or remove this text"),
            ),
            Some(language) => {
                has_default |= language == default;
                required_text(
                    problems,
                    &text_field,
                    content,
                    "write what the box should say",
                );
            }
        }
    }
    if !has_default {
        problems.add(
            field,
            None,
            format!("there is no text for {default}, the default language (first in `languages`)"),
            format!("add `{default} = \"...\"` under [{field}]"),
        );
    }
    text.set_default(default);
}

/// Reports an empty or blank required text.
pub(crate) fn required_text(problems: &mut Problems, field: &str, text: &str, fix: &str) {
    if text.trim().is_empty() {
        problems.add(field, quoted(text), "the text is empty", fix);
    }
}

/// Trims an optional text, reporting one that is present but blank.
pub(crate) fn optional_text(
    problems: &mut Problems,
    field: &str,
    text: Option<String>,
) -> Option<String> {
    let text = text?;
    if text.trim().is_empty() {
        problems.add(
            field,
            quoted(&text),
            "the text is empty",
            "write a value or remove the line",
        );
        return None;
    }
    Some(text.trim().to_string())
}

pub(crate) fn phone_number(problems: &mut Problems, field: &str, number: &str) {
    if let Err(problem) = crate::contact::check_phone(number) {
        problems.add(
            field,
            quoted(number),
            problem,
            "write 6 to 15 digits, with only spaces, dots or dashes between them and an optional leading +, such as \"+44 7700 900123\"",
        );
    }
}

pub(crate) fn web_address(problems: &mut Problems, field: &str, address: &str) {
    if let Err(problem) = crate::contact::check_url(address) {
        problems.add(
            field,
            quoted(address),
            problem,
            "write a full web address such as \"https://example.com/path\"",
        );
    }
}

pub(crate) fn email_address(problems: &mut Problems, field: &str, address: &str) {
    if let Err(problem) = crate::contact::check_email(address) {
        problems.add(
            field,
            quoted(address),
            problem,
            "write an address such as \"front-desk@example.com\"",
        );
    }
}

/// Checks a whole number against `range`, returning it as `u32` (the range start when invalid).
pub(crate) fn number_in(
    problems: &mut Problems,
    field: &str,
    value: i64,
    range: std::ops::RangeInclusive<u32>,
    fix: &str,
) -> u32 {
    let start = *range.start();
    match u32::try_from(value) {
        Ok(number) if range.contains(&number) => number,
        _ => {
            let problem = if value < 0 {
                "the number is negative".to_string()
            } else {
                format!(
                    "the number is not between {} and {}",
                    range.start(),
                    range.end()
                )
            };
            problems.add(field, Some(value.to_string()), problem, fix);
            start
        }
    }
}
