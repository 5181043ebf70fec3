//! Reading form values back from the file: what the file writes, with defaults left out,
//! and values of an invalid file as written.

use std::fs;
use std::path::PathBuf;

use standardiste_profile::edit::{
    AppointmentTypeRow, ClosureRow, FaqRow, ListSetting, ProfileDraft, ServiceRow, Setting,
    SpokenText, StaffRow,
};
use standardiste_profile::{AnsweringMode, BusinessProfile, Language};

const MINIMAL: &str = "name = \"Quay Dental\"\ngreeting = \"Hello\"\n";

fn example_draft() -> ProfileDraft {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../config/profile.toml");
    let text = fs::read_to_string(path).expect("the example profile is readable");
    ProfileDraft::parse(&text).unwrap_or_else(|error| panic!("{error}"))
}

fn parse(text: &str) -> ProfileDraft {
    ProfileDraft::parse(text).unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn settings_read_as_written() {
    let draft = example_draft();
    let cases = [
        (Setting::Name, Some("Harbor Dental Clinic")),
        (Setting::Currency, Some("GBP")),
        (Setting::AnsweringMode, Some("after_rings")),
        (Setting::AnsweringRings, Some("4")),
        (Setting::RecordingEnabled, Some("true")),
        (Setting::TransferTo, Some("+44 7700 900126")),
        (Setting::OnVip, Some("true")),
    ];
    for (setting, expected) in cases {
        assert_eq!(
            draft.setting(setting).as_deref(),
            expected,
            "{}",
            setting.field()
        );
    }
    let minimal = parse(MINIMAL);
    assert_eq!(minimal.setting(Setting::AnsweringRings), None);
    assert_eq!(minimal.setting(Setting::Description), None);
}

#[test]
fn wrong_type_reads_as_toml() {
    let text = "name = \"A\"\ngreeting = \"Hi\"\n[answering]\nrings = \"four\"\n[recording]\nenabled = 3\n";
    let draft = parse(text);
    assert_eq!(
        draft.setting(Setting::AnsweringRings).as_deref(),
        Some("four")
    );
    assert_eq!(
        draft.setting(Setting::RecordingEnabled).as_deref(),
        Some("3")
    );
    assert!(BusinessProfile::parse(text).is_err());
}

#[test]
fn lists_read_as_written() {
    let draft = example_draft();
    assert_eq!(draft.list(ListSetting::Languages), ["en", "fr"]);
    assert_eq!(draft.list(ListSetting::Facts).len(), 3);
    assert_eq!(draft.list(ListSetting::VipNumbers), ["+44 7700 900200"]);
    assert!(draft.list(ListSetting::RecapWebhook).is_empty());
    let single = parse("name = \"A\"\ngreeting = \"Hi\"\nfacts = \"One fact.\"\n");
    assert_eq!(single.list(ListSetting::Facts), ["One fact."]);
}

#[test]
fn spoken_texts_read_per_language() {
    let draft = example_draft();
    let farewell = draft.spoken_text(SpokenText::Farewell, Language::Fr);
    assert_eq!(
        farewell.as_deref(),
        Some("Merci d'avoir appelé la clinique dentaire Harbor. Au revoir.")
    );
    assert_eq!(draft.spoken_text_for_all(SpokenText::Greeting), None);
    assert_eq!(draft.spoken_text(SpokenText::Greeting, Language::De), None);
    let announcement = draft.spoken_text(SpokenText::RecordingAnnouncement, Language::En);
    assert_eq!(
        announcement.as_deref(),
        Some("This call is recorded so that we can handle your request.")
    );

    let minimal = parse(MINIMAL);
    assert_eq!(
        minimal
            .spoken_text(SpokenText::Greeting, Language::Fr)
            .as_deref(),
        Some("Hello")
    );
    assert_eq!(
        minimal.spoken_text_for_all(SpokenText::Greeting).as_deref(),
        Some("Hello")
    );
    assert_eq!(
        minimal.spoken_text(SpokenText::Farewell, Language::En),
        None
    );
}

#[test]
fn language_keys_ignore_case() {
    let text = "name = \"A\"\ngreeting = { EN = \"Hi\" }\n[voices]\nFR = \"pico\"\n";
    let draft = parse(text);
    assert_eq!(
        draft
            .spoken_text(SpokenText::Greeting, Language::En)
            .as_deref(),
        Some("Hi")
    );
    assert_eq!(draft.voice(Language::Fr).as_deref(), Some("pico"));
    assert_eq!(draft.voice(Language::En), None);
}

#[test]
fn hours_voices_words_read() {
    let draft = example_draft();
    assert_eq!(
        draft.hours("monday").as_deref(),
        Some("08:30-12:30, 13:30-18:00")
    );
    assert_eq!(draft.hours("sunday").as_deref(), Some("closed"));
    assert_eq!(
        draft.voice(Language::En).as_deref(),
        Some("piper:en_US-joe-medium")
    );
    let words = draft.emergency_words(Language::Fr).expect("French words");
    assert_eq!(words[0], "urgence");
    assert_eq!(draft.emergency_words(Language::De), None);
    assert_eq!(parse(MINIMAL).hours("monday"), None);
}

#[test]
fn rows_read_as_written() {
    let draft = example_draft();
    let closures = draft.closure_rows();
    assert_eq!(
        closures[0],
        ClosureRow {
            from: "2026-12-24".to_string(),
            to: "2026-12-26".to_string(),
            reason: "Christmas".to_string(),
            ..ClosureRow::default()
        }
    );
    assert_eq!(closures[1].date, "2026-12-31");
    assert_eq!(closures[1].hours, "09:00-12:00");

    let services = draft.service_rows();
    assert_eq!(services.len(), 4);
    assert_eq!(
        services[0],
        ServiceRow {
            name: "Check-up".to_string(),
            price: "£45".to_string(),
            duration_min: "30".to_string(),
            description: "Examination of teeth and gums, with X-rays when needed.".to_string(),
        }
    );
    assert_eq!(services[2].price, "");

    let faq = draft.faq_rows();
    assert_eq!(
        faq[0],
        FaqRow {
            question: "Do you treat children?".to_string(),
            answer: "Yes, from the age of three.".to_string()
        }
    );

    let staff = draft.staff_rows();
    assert_eq!(
        staff[0],
        StaffRow {
            name: "Dr. Patel".to_string(),
            role: "dentist".to_string(),
            phone: "+44 7700 900123".to_string(),
            email: "a.patel@example.com".to_string(),
            on_call: "true".to_string(),
        }
    );
    assert_eq!(staff[1].on_call, "false");
    assert_eq!(staff[2].on_call, "");

    let types = draft.appointment_type_rows();
    assert_eq!(
        types[1],
        AppointmentTypeRow {
            name: "Cleaning".to_string(),
            duration_min: "45".to_string(),
            buffer_min: String::new(),
            staff: vec!["Sarah Jones".to_string()],
            description: "Scale and polish.".to_string(),
            aliases: ["scale and polish", "hygiene", "détartrage", "nettoyage"]
                .map(String::from)
                .to_vec(),
        }
    );
}

#[test]
fn inline_rows_are_read() {
    let text =
        "name = \"A\"\ngreeting = \"Hi\"\nfaq = [{ question = \"Q?\", answer = \"A.\" }, 3]\n";
    let rows = parse(text).faq_rows();
    assert_eq!(
        rows,
        [FaqRow {
            question: "Q?".to_string(),
            answer: "A.".to_string()
        }]
    );
}

/// Reading every value and setting it back gives the profile the file had.
#[test]
fn read_then_set_keeps_profile() {
    let original = example_draft();
    let before = original.validate().expect("the example is valid");
    let mut draft = original.clone();
    for setting in Setting::ALL {
        if let Some(value) = original.setting(setting) {
            draft.set(setting, &value);
        }
    }
    for list in ListSetting::ALL {
        draft.set_list(list, &original.list(list));
    }
    for language in [Language::En, Language::Fr] {
        for text in SpokenText::ALL {
            let value = original.spoken_text(text, language).unwrap_or_default();
            draft.set_text(text, language, &value);
        }
    }
    for day in standardiste_profile::WEEKDAYS {
        draft.set_hours(day, &original.hours(day).unwrap_or_default());
    }
    draft.set_closures(&original.closure_rows());
    draft.set_services(&original.service_rows());
    draft.set_faq(&original.faq_rows());
    draft.set_staff(&original.staff_rows());
    draft.set_appointment_types(&original.appointment_type_rows());

    let after = draft
        .validate()
        .unwrap_or_else(|error| panic!("{error}\n{}", draft.text()));
    assert_eq!(after, before);
}

/// Each default that a form shows matches what validation applies to a file without the key.
#[test]
fn defaults_match_validation() {
    let profile = BusinessProfile::parse(MINIMAL).expect("the minimal profile is valid");
    let mode = AnsweringMode::NAMES
        .iter()
        .find(|(_, mode)| *mode == profile.answering.mode)
        .map(|(name, _)| name.to_string());
    for setting in Setting::ALL {
        let effective = match setting {
            Setting::AnsweringMode => mode.clone(),
            Setting::AnsweringRings => Some(profile.answering.rings.to_string()),
            Setting::RecordingEnabled => Some(profile.recording.enabled.to_string()),
            Setting::AudioRetentionDays => Some(profile.recording.audio_retention_days.to_string()),
            Setting::KeepTranscripts => Some(profile.recording.keep_transcripts.to_string()),
            Setting::TranscriptRetentionDays => {
                Some(profile.recording.transcript_retention_days.to_string())
            }
            Setting::CallbackWithinMin => Some(profile.escalation.callback_within_min.to_string()),
            Setting::OnEmergency => Some(profile.escalation.on_emergency.to_string()),
            Setting::OnRequestForPerson => {
                Some(profile.escalation.on_request_for_person.to_string())
            }
            Setting::OnAngryCaller => Some(profile.escalation.on_angry_caller.to_string()),
            Setting::OnVip => Some(profile.escalation.on_vip.to_string()),
            Setting::OnKeypadZero => Some(profile.escalation.on_keypad_zero.to_string()),
            Setting::Description => profile.description.clone(),
            Setting::Address => profile.address.clone(),
            Setting::Directions => profile.directions.clone(),
            Setting::Phone => profile.phone.clone(),
            Setting::Website => profile.website.clone(),
            Setting::Currency => profile.currency.clone(),
            Setting::TransferTo => profile.escalation.transfer_to.clone(),
            Setting::Name => None,
        };
        assert_eq!(
            setting.default_value().map(str::to_string),
            effective,
            "{}",
            setting.field()
        );
    }
}
