//! The shipped example profile parses and every section reads back.

use std::path::PathBuf;

use standardiste_profile::{
    AnsweringMode, BusinessProfile, Language, Price, Voice, DEFAULT_ENGLISH_VOICE,
};
use time::macros::date;

fn example() -> BusinessProfile {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../config/profile.toml");
    BusinessProfile::load(&path).unwrap_or_else(|error| panic!("{error}"))
}

fn gbp(cents: u64) -> Option<Price> {
    Some(Price {
        cents,
        currency: "GBP".to_string(),
    })
}

#[test]
fn example_business_details() {
    let profile = example();
    assert_eq!(profile.name, "Harbor Dental Clinic");
    assert_eq!(
        profile.description.as_deref(),
        Some("a family dental clinic: check-ups, cleaning, fillings, emergency care")
    );
    assert_eq!(
        profile.address.as_deref(),
        Some("12 Quay Street, Portsmouth")
    );
    assert!(profile
        .directions
        .as_deref()
        .unwrap_or("")
        .contains("ferry terminal"));
    assert_eq!(profile.phone.as_deref(), Some("023 9200 1234"));
    assert_eq!(profile.website.as_deref(), Some("https://example.com"));
    assert_eq!(profile.languages, vec![Language::En, Language::Fr]);
    assert_eq!(profile.currency.as_deref(), Some("GBP"));
    assert_eq!(profile.facts.len(), 3);
    assert_eq!(
        profile.facts[0],
        "Free parking is available behind the building."
    );
    assert_eq!(profile.faq.len(), 2);
    assert_eq!(profile.faq[0].question, "Do you treat children?");
    assert_eq!(profile.faq[0].answer, "Yes, from the age of three.");
}

#[test]
fn example_spoken_texts() {
    let profile = example();
    assert!(profile
        .greeting
        .get(Language::En)
        .starts_with("Hello, you have reached"));
    assert!(profile.greeting.get(Language::Fr).starts_with("Bonjour"));
    // German is not listed, so it falls back on English, the first language.
    assert!(profile.greeting.get(Language::De).starts_with("Hello"));
    assert!(profile.farewell.get(Language::Fr).contains("Au revoir"));
    let closed = profile.closed_message.as_ref().expect("closed_message");
    assert!(closed.get(Language::En).contains("closed"));
    assert!(profile
        .recording
        .announcement
        .get(Language::Fr)
        .contains("enregistré"));
}

#[test]
fn example_hours_and_closures() {
    let profile = example();
    assert_eq!(
        profile.hours_text(),
        "Monday: 08:30-12:30, 13:30-18:00\n\
         Tuesday: 08:30-12:30, 13:30-18:00\n\
         Wednesday: 08:30-12:30\n\
         Thursday: 08:30-12:30, 13:30-18:00\n\
         Friday: 08:30-12:30, 13:30-17:00\n\
         Saturday: 09:00-12:00\n\
         Sunday: closed"
    );
    assert_eq!(profile.closures.len(), 2);
    let christmas = &profile.closures[0];
    assert_eq!(christmas.first, date!(2026 - 12 - 24));
    assert_eq!(christmas.last, date!(2026 - 12 - 26));
    assert!(christmas.hours.is_empty());
    assert_eq!(christmas.reason.as_deref(), Some("Christmas"));
    let new_year = &profile.closures[1];
    assert_eq!(new_year.first, date!(2026 - 12 - 31));
    assert_eq!(new_year.last, date!(2026 - 12 - 31));
    assert_eq!(new_year.hours.len(), 1);
    assert_eq!(new_year.hours[0].to_string(), "09:00-12:00");
}

#[test]
fn example_services_and_prices() {
    let profile = example();
    let services = &profile.services;
    assert_eq!(services.len(), 4);
    assert_eq!(services[0].name, "Check-up");
    assert_eq!(services[0].price, gbp(4500));
    assert_eq!(services[0].duration_min, Some(30));
    assert_eq!(services[1].price, gbp(6000));
    assert_eq!(services[2].name, "Filling");
    assert_eq!(services[2].price, None);
    // "75.50" takes the profile's currency.
    assert_eq!(services[3].price, gbp(7550));
}

#[test]
fn example_staff_and_appointments() {
    let profile = example();
    let names: Vec<&str> = profile
        .staff
        .iter()
        .map(|member| member.name.as_str())
        .collect();
    assert_eq!(names, ["Dr. Patel", "Dr. Moreau", "Sarah Jones"]);
    assert_eq!(profile.staff[2].role.as_deref(), Some("dental hygienist"));
    assert_eq!(profile.on_call_numbers(), vec!["+44 7700 900123"]);

    let types = &profile.appointment_types;
    assert_eq!(types.len(), 3);
    assert_eq!(types[0].name, "Check-up");
    assert_eq!(types[0].duration_min, 30);
    assert_eq!(types[0].buffer_min, 10);
    assert_eq!(types[0].staff, ["Dr. Patel", "Dr. Moreau"]);
    assert_eq!(types[1].name, "Cleaning");
    assert_eq!(types[1].duration_min, 45);
    assert_eq!(types[1].buffer_min, 0);
    assert_eq!(types[1].staff, ["Sarah Jones"]);
    assert_eq!(types[2].name, "Emergency");
    assert_eq!(types[2].duration_min, 20);
}

#[test]
fn example_call_handling() {
    let profile = example();
    assert_eq!(profile.answering.mode, AnsweringMode::AfterRings);
    assert_eq!(profile.answering.rings, 4);

    assert!(profile.recording.enabled);
    assert_eq!(profile.recording.audio_retention_days, 30);
    assert!(profile.recording.keep_transcripts);
    assert_eq!(profile.recording.transcript_retention_days, 90);

    assert_eq!(profile.recap.sms, ["+44 7700 900125"]);
    assert_eq!(
        profile.recap.email,
        ["front-desk@example.com", "a.patel@example.com"]
    );
    assert!(profile.recap.webhook.is_empty());

    let escalation = &profile.escalation;
    assert_eq!(escalation.transfer_to.as_deref(), Some("+44 7700 900126"));
    assert_eq!(escalation.callback_within_min, 30);
    assert!(escalation.on_emergency);
    assert!(escalation.on_request_for_person);
    assert!(escalation.on_angry_caller);
    assert!(escalation.on_vip);
    assert!(escalation.on_keypad_zero);
    let english = &escalation.emergency_words[&Language::En];
    assert!(english.contains(&"broken tooth".to_string()));
    let french = &escalation.emergency_words[&Language::Fr];
    assert!(french.contains(&"dent cassée".to_string()));
    // German is not in the file, so it keeps the built-in list.
    assert!(escalation.emergency_words[&Language::De].contains(&"notfall".to_string()));

    assert_eq!(
        profile.voice_for(Language::En),
        Voice::Piper(DEFAULT_ENGLISH_VOICE.to_string())
    );
    assert_eq!(profile.voice_for(Language::Fr), Voice::Pico);
    assert_eq!(profile.voice_for(Language::It), Voice::Pico);
}

#[test]
fn example_caller_numbers() {
    let profile = example();
    assert!(profile.is_vip("+44 7700 900200"));
    assert!(profile.is_vip("07700900200"));
    assert!(!profile.is_vip("07700 900201"));
    assert!(profile.is_blocked("0044 7700 900666"));
    assert!(!profile.is_blocked("+44 7700 900200"));
    assert!(!profile.is_blocked(""));
}

#[test]
fn example_appointment_lookup() {
    let profile = example();
    let find = |words: &str| {
        profile
            .find_appointment_type(words)
            .map(|found| found.name.as_str())
    };
    assert_eq!(find("I'd like a CHECK-UP next week"), Some("Check-up"));
    assert_eq!(find("je voudrais une visite de controle"), Some("Check-up"));
    assert_eq!(find("un Détartrage s'il vous plaît"), Some("Cleaning"));
    assert_eq!(find("j'ai une rage de dents"), Some("Emergency"));
    assert_eq!(find("I have a terrible toothache!"), Some("Emergency"));
    assert_eq!(find("can I change my address"), None);
}

#[test]
fn example_facts_text() {
    let profile = example();
    let text = profile.facts_text();
    for expected in [
        "Business: Harbor Dental Clinic",
        "Address: 12 Quay Street, Portsmouth",
        "Directions: Opposite the ferry terminal",
        "Monday: 08:30-12:30, 13:30-18:00",
        "2026-12-24 to 2026-12-26: closed (Christmas)",
        "2026-12-31: open 09:00-12:00 (New Year's Eve)",
        "- Check-up: 45 GBP, 30 minutes",
        "- Emergency appointment: 75.50 GBP, 20 minutes",
        "- Filling: price on request",
        "- Sarah Jones, dental hygienist",
        "- Cleaning: 45 minutes, with Sarah Jones",
        "Free parking is available behind the building.",
        "Q: Do you treat children?\nA: Yes, from the age of three.",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    for private in [
        "7700 900123",
        "7700 900124",
        "7700 900126",
        "900666",
        "900200",
        "@example.com",
    ] {
        assert!(!text.contains(private), "{private:?} leaked into:\n{text}");
    }
    assert!(
        !text.contains("The clinic is closed at the moment"),
        "a spoken text leaked into the facts:\n{text}"
    );
}
