//! Editing the profile through a draft: comments survive, rows are replaced, invalid form
//! values are reported with their field, and saving is atomic and rejects conflicts.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use standardiste_profile::edit::{
    form_field, AppointmentTypeRow, ClosureRow, FaqRow, ListSetting, ProfileDraft, SaveError,
    ServiceRow, Setting, SpokenText, StaffRow,
};
use standardiste_profile::{
    default_emergency_words, default_farewell, BusinessProfile, FieldError, Language, Localized,
    Voice,
};
use time::macros::date;

const MINIMAL: &str = "# The clinic.\nname = \"Quay Dental\"\nlanguages = [\"en\", \"fr\"]\n\n# First words.\ngreeting = \"Hello\"\n";

fn example_text() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../config/profile.toml");
    fs::read_to_string(path).expect("the example profile is readable")
}

fn example_draft() -> ProfileDraft {
    ProfileDraft::parse(&example_text()).unwrap_or_else(|error| panic!("{error}"))
}

fn valid(draft: &ProfileDraft) -> BusinessProfile {
    draft
        .validate()
        .unwrap_or_else(|error| panic!("{error}\n--- text ---\n{}", draft.text()))
}

fn problems(draft: &ProfileDraft) -> Vec<FieldError> {
    match draft.validate() {
        Ok(_) => panic!("the draft is valid:\n{}", draft.text()),
        Err(error) => error.problems().to_vec(),
    }
}

fn comment_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|line| line.trim_start().starts_with('#'))
        .collect()
}

/// Counts the lines that are the table header `header`.
fn header_count(text: &str, header: &str) -> usize {
    text.lines().filter(|line| *line == header).count()
}

/// Writes the example profile to a new folder and returns the folder and the file's path.
fn example_file() -> (tempfile::TempDir, PathBuf) {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("profile.toml");
    fs::write(&path, example_text()).expect("the profile is written");
    (folder, path)
}

fn folder_entries(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(folder)
        .expect("the folder is readable")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

#[test]
fn unchanged_draft_keeps_text() {
    let text = example_text();
    let draft = ProfileDraft::parse(&text).expect("the example parses");
    assert_eq!(draft.text(), text);
    assert_eq!(draft.original(), text);
}

#[test]
fn greeting_edit_keeps_comments() {
    let original = example_text();
    let mut draft = example_draft();
    draft.set_text(
        SpokenText::Greeting,
        Language::En,
        "Harbor Dental, good morning.",
    );

    let text = draft.text();
    assert_eq!(comment_lines(&text), comment_lines(&original));
    let changed: Vec<(&str, &str)> = original
        .lines()
        .zip(text.lines())
        .filter(|(before, after)| before != after)
        .collect();
    assert_eq!(
        changed,
        vec![(
            "en = \"Hello, you have reached Harbor Dental Clinic. How can I help you?\"",
            "en = \"Harbor Dental, good morning.\""
        )]
    );
    assert_eq!(original.lines().count(), text.lines().count());

    let profile = valid(&draft);
    assert_eq!(
        profile.greeting.get(Language::En),
        "Harbor Dental, good morning."
    );
    assert_eq!(
        profile.greeting.get(Language::Fr),
        "Bonjour, vous êtes bien à la clinique dentaire Harbor. Que puis-je faire pour vous ?"
    );
}

#[test]
fn services_replaced_from_rows() {
    let original = example_text();
    let mut draft = example_draft();
    draft.set_services(&[
        ServiceRow {
            name: "Whitening".to_string(),
            price: "£120".to_string(),
            duration_min: "60".to_string(),
            description: "Brighter teeth in one visit.".to_string(),
        },
        ServiceRow {
            name: "  ".to_string(),
            ..ServiceRow::default()
        },
        ServiceRow {
            name: "Mouthguard".to_string(),
            ..ServiceRow::default()
        },
    ]);

    let text = draft.text();
    assert_eq!(header_count(&text, "[[services]]"), 2);
    assert!(!text.contains("Check-up costs"));
    assert_eq!(comment_lines(&text), comment_lines(&original));
    let comment = "# `duration_min` is the length in minutes.\n[[services]]\nname = \"Whitening\"";
    assert!(
        text.contains(comment),
        "comment above the first row:\n{text}"
    );

    let profile = valid(&draft);
    let names: Vec<&str> = profile
        .services
        .iter()
        .map(|service| service.name.as_str())
        .collect();
    assert_eq!(names, ["Whitening", "Mouthguard"]);
    assert_eq!(
        profile.services[0].price.as_ref().map(|price| price.cents),
        Some(12_000)
    );
    assert_eq!(profile.services[0].duration_min, Some(60));
    assert_eq!(profile.services[1].price, None);
    assert_eq!(profile.services[1].duration_min, None);
    // The rows stay between the closures and the FAQ.
    let services = text
        .find("name = \"Whitening\"")
        .expect("the first service");
    assert!(text
        .find("[[closures]]")
        .is_some_and(|closures| closures < services));
    assert!(text.find("[[faq]]").is_some_and(|faq| faq > services));
}

#[test]
fn blank_rows_dropped() {
    let mut draft = example_draft();
    draft.set_staff(&[
        StaffRow {
            name: "Dr. Patel".to_string(),
            phone: "+44 7700 900123".to_string(),
            on_call: "on".to_string(),
            ..StaffRow::default()
        },
        StaffRow::default(),
        StaffRow {
            name: "Dr. Moreau".to_string(),
            ..StaffRow::default()
        },
        StaffRow {
            name: "Sarah Jones".to_string(),
            ..StaffRow::default()
        },
    ]);
    draft.set_faq(&[FaqRow::default()]);

    let text = draft.text();
    assert_eq!(header_count(&text, "[[staff]]"), 3);
    assert_eq!(header_count(&text, "[[faq]]"), 0);
    let profile = valid(&draft);
    assert_eq!(profile.staff.len(), 3);
    assert!(profile.staff[0].on_call);
    assert!(!profile.staff[1].on_call);
    assert!(profile.faq.is_empty());
}

#[test]
fn row_errors_name_form_rows() {
    let mut draft = example_draft();
    draft.set_services(&[
        ServiceRow::default(),
        ServiceRow {
            name: "Whitening".to_string(),
            duration_min: "an hour".to_string(),
            ..ServiceRow::default()
        },
        ServiceRow {
            name: "Polish".to_string(),
            price: "cheap".to_string(),
            ..ServiceRow::default()
        },
    ]);

    let problems = problems(&draft);
    let fields: Vec<&str> = problems
        .iter()
        .map(|problem| problem.field.as_str())
        .collect();
    assert_eq!(fields, ["services[0].duration_min", "services[1].price"]);
    assert_eq!(problems[0].value.as_deref(), Some("\"an hour\""));
    assert!(
        problems[0].fix.contains("whole minutes"),
        "{}",
        problems[0].fix
    );
    // The form sent a blank row first, so file row 0 is form row 1.
    assert_eq!(
        draft.form_field("services[0].duration_min"),
        "services[1].duration_min"
    );
    assert_eq!(draft.form_field("services[1].price"), "services[2].price");
    assert_eq!(form_field("services[1].price"), "services[1].price");
    // The invalid duration is left out of the file, so it cannot be saved by mistake.
    assert!(!draft.text().contains("an hour"));
}

#[test]
fn invalid_hours_not_written() {
    let (folder, path) = example_file();
    let before = fs::read(&path).expect("the profile is readable");
    let mut draft = ProfileDraft::open(&path).expect("the profile opens");
    draft.set_hours("tuesday", "8-12");

    let problems = problems(&draft);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].field, "opening_hours.tuesday");
    assert_eq!(problems[0].value.as_deref(), Some("\"8-12\""));
    assert!(
        problems[0].fix.contains("HH:MM-HH:MM"),
        "{}",
        problems[0].fix
    );
    assert_eq!(
        draft.form_field(&problems[0].field),
        "opening_hours.tuesday"
    );

    match draft.save(&path) {
        Err(error @ SaveError::Invalid(_)) => {
            assert_eq!(error.problems()[0].field, "opening_hours.tuesday")
        }
        other => panic!("expected an invalid draft, got {other:?}"),
    }
    assert_eq!(fs::read(&path).expect("the profile is readable"), before);
    assert_eq!(folder_entries(folder.path()), ["profile.toml"]);
}

#[test]
fn unknown_weekday_is_reported() {
    let mut draft = example_draft();
    draft.set_hours("funday", "09:00-12:00");
    let problems = problems(&draft);
    assert_eq!(problems[0].field, "opening_hours.funday");
    assert!(problems[0].fix.contains("monday"), "{}", problems[0].fix);
    assert!(!draft.text().contains("funday"));
}

#[test]
fn number_text_is_reported() {
    let mut draft = example_draft();
    draft.set(Setting::AnsweringRings, "four");
    draft.set(Setting::OnVip, "maybe");
    let problems = problems(&draft);
    let fields: Vec<&str> = problems
        .iter()
        .map(|problem| problem.field.as_str())
        .collect();
    assert_eq!(fields, ["answering.rings", "escalation.on_vip"]);
    assert_eq!(problems[0].value.as_deref(), Some("\"four\""));
    assert!(draft.text().contains("rings = 4\n"));

    // A valid value replaces the recorded problem.
    draft.set(Setting::AnsweringRings, "6");
    draft.set(Setting::OnVip, "on");
    let profile = valid(&draft);
    assert_eq!(profile.answering.rings, 6);
}

#[test]
fn form_and_validation_problems_together() {
    let mut draft = example_draft();
    draft.set(Setting::CallbackWithinMin, "soon");
    draft.set(Setting::Website, "example.com");
    let problems = problems(&draft);
    let fields: Vec<&str> = problems
        .iter()
        .map(|problem| problem.field.as_str())
        .collect();
    assert_eq!(fields, ["escalation.callback_within_min", "website"]);
}

#[test]
fn conflict_when_file_changed() {
    let (_folder, path) = example_file();
    let mut draft = ProfileDraft::open(&path).expect("the profile opens");
    let edited_elsewhere = example_text().replace("rings = 4", "rings = 5");
    fs::write(&path, &edited_elsewhere).expect("the profile is written");
    draft.set(Setting::Name, "Quay Dental");

    assert!(matches!(draft.save(&path), Err(SaveError::Conflict)));
    assert_eq!(
        fs::read_to_string(&path).expect("readable"),
        edited_elsewhere
    );
}

#[test]
fn conflict_when_revision_differs() {
    let (_folder, path) = example_file();
    let rendered = ProfileDraft::open(&path)
        .expect("the profile opens")
        .revision();
    assert!(ProfileDraft::open(&path)
        .expect("the profile opens")
        .ensure_revision(&rendered)
        .is_ok());

    fs::write(&path, example_text().replace("rings = 4", "rings = 5")).expect("written");
    let draft = ProfileDraft::open(&path).expect("the profile opens");
    assert!(matches!(
        draft.ensure_revision(&rendered),
        Err(SaveError::Conflict)
    ));
}

#[test]
fn save_keeps_permissions() {
    let (folder, path) = example_file();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).expect("chmod");
    let mut draft = ProfileDraft::open(&path).expect("the profile opens");
    draft.set(Setting::Name, "Quay Dental");

    let profile = draft.save(&path).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(profile.name, "Quay Dental");
    let mode = fs::metadata(&path).expect("metadata").permissions().mode() & 0o7777;
    assert_eq!(mode, 0o640);
    assert_eq!(fs::read_to_string(&path).expect("readable"), draft.text());
    assert_eq!(
        BusinessProfile::load(&path).expect("valid").name,
        "Quay Dental"
    );
    assert_eq!(folder_entries(folder.path()), ["profile.toml"]);
}

#[test]
fn save_through_symlink_keeps_link() {
    let (folder, path) = example_file();
    let link = folder.path().join("current.toml");
    std::os::unix::fs::symlink(&path, &link).expect("symlink");
    let mut draft = ProfileDraft::open(&link).expect("the profile opens");
    draft.set(Setting::Phone, "023 9200 9999");

    draft.save(&link).unwrap_or_else(|error| panic!("{error}"));
    assert!(fs::symlink_metadata(&link)
        .expect("metadata")
        .file_type()
        .is_symlink());
    assert!(fs::read_to_string(&path)
        .expect("readable")
        .contains("023 9200 9999"));
}

#[test]
fn unchanged_save_writes_nothing() {
    let (_folder, path) = example_file();
    let old = SystemTime::now() - Duration::from_secs(3600);
    fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|file| file.set_modified(old))
        .expect("set the modification time");
    let draft = ProfileDraft::open(&path).expect("the profile opens");

    draft.save(&path).unwrap_or_else(|error| panic!("{error}"));
    let modified = fs::metadata(&path).and_then(|metadata| metadata.modified());
    assert_eq!(modified.expect("modification time"), old);
}

#[test]
fn syntax_error_has_line() {
    let error = ProfileDraft::parse("name = \"A\"\ngreeting = \n").expect_err("invalid TOML");
    let problems = error.problems();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].field, "");
    assert_eq!(problems[0].line, Some(2));
}

#[test]
fn single_text_becomes_table() {
    let mut draft = ProfileDraft::parse(MINIMAL).expect("parses");
    draft.set_text(SpokenText::Greeting, Language::Fr, "Bonjour");

    let text = draft.text();
    assert!(
        text.contains("\n# First words.\n[greeting]\nen = \"Hello\"\nfr = \"Bonjour\"\n"),
        "{text}"
    );
    let profile = valid(&draft);
    assert_eq!(profile.greeting.get(Language::En), "Hello");
    assert_eq!(profile.greeting.get(Language::Fr), "Bonjour");

    // The default language's text keeps a single text single.
    let mut draft = ProfileDraft::parse(MINIMAL).expect("parses");
    draft.set_text(SpokenText::Greeting, Language::En, "Hi");
    assert!(draft.text().contains("greeting = \"Hi\"\n"));
    assert_eq!(valid(&draft).greeting, Localized::from("Hi"));
}

#[test]
fn table_becomes_single_text() {
    let mut draft = example_draft();
    draft.set_text_for_all(SpokenText::Greeting, "Hello and bonjour.");
    let text = draft.text();
    assert!(!text.contains("[greeting]"));
    assert!(
        text.contains("# First words of every call.\ngreeting = \"Hello and bonjour.\"\n"),
        "{text}"
    );
    let profile = valid(&draft);
    assert_eq!(profile.greeting, Localized::from("Hello and bonjour."));
}

#[test]
fn empty_optional_fields_remove_keys() {
    let mut draft = example_draft();
    draft.set(Setting::Description, " ");
    draft.set_text_for_all(SpokenText::Farewell, "");
    draft.set_text(SpokenText::ClosedMessage, Language::En, "");
    draft.set_text(SpokenText::ClosedMessage, Language::Fr, "");
    draft.set(Setting::TransferTo, "");

    let text = draft.text();
    assert!(!text.contains("description = \"a family"));
    assert!(!text.contains("# One line saying what the business does."));
    assert!(!text.contains("[farewell]"));
    assert!(!text.contains("[closed_message]"));
    assert!(!text.contains("transfer_to"));
    // The note on spoken texts above [greeting] is kept.
    assert!(text.contains("# or one text per language, as below."));

    let profile = valid(&draft);
    assert_eq!(profile.description, None);
    assert_eq!(profile.closed_message, None);
    assert_eq!(profile.escalation.transfer_to, None);
    assert_eq!(
        profile.farewell.get(Language::Fr),
        default_farewell().get(Language::Fr)
    );
}

#[test]
fn empty_greeting_is_reported() {
    let mut draft = ProfileDraft::parse(MINIMAL).expect("parses");
    draft.set_text_for_all(SpokenText::Greeting, "");
    draft.set(Setting::Name, "");
    let problems = problems(&draft);
    let fields: Vec<&str> = problems
        .iter()
        .map(|problem| problem.field.as_str())
        .collect();
    assert_eq!(fields, ["name", "greeting"]);
}

#[test]
fn every_setting_round_trips() {
    type Read = fn(&BusinessProfile) -> String;
    let cases: [(Setting, &str, Read, &str); 20] = [
        (
            Setting::Name,
            "Quay Dental",
            |p| p.name.clone(),
            "Quay Dental",
        ),
        (
            Setting::Description,
            "A clinic",
            |p| format!("{:?}", p.description),
            "Some(\"A clinic\")",
        ),
        (
            Setting::Address,
            "1 Pier Road",
            |p| format!("{:?}", p.address),
            "Some(\"1 Pier Road\")",
        ),
        (
            Setting::Directions,
            "Upstairs",
            |p| format!("{:?}", p.directions),
            "Some(\"Upstairs\")",
        ),
        (
            Setting::Phone,
            "023 9200 0000",
            |p| format!("{:?}", p.phone),
            "Some(\"023 9200 0000\")",
        ),
        (
            Setting::Website,
            "https://quay.example.com",
            |p| format!("{:?}", p.website),
            "Some(\"https://quay.example.com\")",
        ),
        (
            Setting::Currency,
            "EUR",
            |p| format!("{:?}", p.currency),
            "Some(\"EUR\")",
        ),
        (
            Setting::AnsweringMode,
            "always",
            |p| format!("{:?}", p.answering.mode),
            "Always",
        ),
        (
            Setting::AnsweringRings,
            " 6 ",
            |p| p.answering.rings.to_string(),
            "6",
        ),
        (
            Setting::RecordingEnabled,
            "",
            |p| p.recording.enabled.to_string(),
            "false",
        ),
        (
            Setting::AudioRetentionDays,
            "7",
            |p| p.recording.audio_retention_days.to_string(),
            "7",
        ),
        (
            Setting::KeepTranscripts,
            "false",
            |p| p.recording.keep_transcripts.to_string(),
            "false",
        ),
        (
            Setting::TranscriptRetentionDays,
            "14",
            |p| p.recording.transcript_retention_days.to_string(),
            "14",
        ),
        (
            Setting::TransferTo,
            "+44 7700 900999",
            |p| format!("{:?}", p.escalation.transfer_to),
            "Some(\"+44 7700 900999\")",
        ),
        (
            Setting::CallbackWithinMin,
            "45",
            |p| p.escalation.callback_within_min.to_string(),
            "45",
        ),
        (
            Setting::OnEmergency,
            "off",
            |p| p.escalation.on_emergency.to_string(),
            "false",
        ),
        (
            Setting::OnRequestForPerson,
            "",
            |p| p.escalation.on_request_for_person.to_string(),
            "false",
        ),
        (
            Setting::OnAngryCaller,
            "no",
            |p| p.escalation.on_angry_caller.to_string(),
            "false",
        ),
        (
            Setting::OnVip,
            "0",
            |p| p.escalation.on_vip.to_string(),
            "false",
        ),
        (
            Setting::OnKeypadZero,
            "on",
            |p| p.escalation.on_keypad_zero.to_string(),
            "true",
        ),
    ];
    for (setting, input, read, expected) in cases {
        let mut draft = example_draft();
        draft.set(setting, input);
        let profile = valid(&draft);
        assert_eq!(read(&profile), expected, "{} = {input:?}", setting.field());
        // The edited text opens again as a draft that parses the same.
        let reopened = ProfileDraft::parse(&draft.text()).expect("the edited text parses");
        assert_eq!(valid(&reopened), profile, "{}", setting.field());
    }
}

#[test]
fn every_list_round_trips() {
    let mut draft = example_draft();
    draft.set_list(ListSetting::Languages, &["fr", "", " en "]);
    draft.set_list(
        ListSetting::Facts,
        &["Parking at the back.", "  ", "Lift to every floor."],
    );
    draft.set_list(ListSetting::BlockedNumbers, &["+44 7700 900667"]);
    draft.set_list(ListSetting::VipNumbers, &[] as &[&str]);
    draft.set_list(
        ListSetting::RecapSms,
        &["+44 7700 900128", "+44 7700 900129"],
    );
    draft.set_list(ListSetting::RecapEmail, &["owner@example.com"]);
    draft.set_list(ListSetting::RecapWebhook, &["http://127.0.0.1:9000/recap"]);

    let text = draft.text();
    assert!(text.contains("languages = [\"fr\", \"en\"]\n"), "{text}");
    assert!(
        text.contains(
            "facts = [\n    \"Parking at the back.\",\n    \"Lift to every floor.\",\n]\n"
        ),
        "{text}"
    );
    assert!(text.contains("vip = []\n"), "{text}");
    let profile = valid(&draft);
    assert_eq!(profile.languages, [Language::Fr, Language::En]);
    assert_eq!(
        profile.facts,
        ["Parking at the back.", "Lift to every floor."]
    );
    assert_eq!(profile.numbers.blocked, ["+44 7700 900667"]);
    assert!(profile.numbers.vip.is_empty());
    assert_eq!(profile.recap.sms, ["+44 7700 900128", "+44 7700 900129"]);
    assert_eq!(profile.recap.email, ["owner@example.com"]);
    assert_eq!(profile.recap.webhook, ["http://127.0.0.1:9000/recap"]);
    assert_eq!(valid(&ProfileDraft::parse(&text).expect("parses")), profile);
}

#[test]
fn emptied_languages_are_reported() {
    let mut draft = example_draft();
    draft.set_list(ListSetting::Languages, &[" "]);
    let problems = problems(&draft);
    assert_eq!(problems[0].field, "languages");
}

#[test]
fn texts_hours_voices_words_round_trip() {
    let mut draft = example_draft();
    draft.set_text(
        SpokenText::ClosedMessage,
        Language::Fr,
        "Nous sommes fermés.",
    );
    draft.set_text_for_all(SpokenText::Farewell, "Goodbye, au revoir.");
    draft.set_text(
        SpokenText::RecordingAnnouncement,
        Language::En,
        "We record calls.",
    );
    draft.set_hours("Saturday", "10:00-12:00");
    draft.set_hours("sunday", "");
    draft.set_voice(Language::Fr, "piper:fr_FR-siwis-medium");
    draft.set_voice(Language::En, "");
    draft.set_emergency_words(Language::En, &["fire", "", "flood"]);
    draft.set_emergency_words(Language::Fr, &[] as &[&str]);

    let profile = valid(&draft);
    let closed = profile.closed_message.as_ref().expect("a closed message");
    assert_eq!(closed.get(Language::Fr), "Nous sommes fermés.");
    assert!(closed.get(Language::En).starts_with("The clinic is closed"));
    assert_eq!(profile.farewell, Localized::from("Goodbye, au revoir."));
    assert_eq!(
        profile.recording.announcement.get(Language::En),
        "We record calls."
    );
    assert_eq!(
        profile.opening_hours.days[5].text.as_deref(),
        Some("10:00-12:00")
    );
    assert_eq!(profile.opening_hours.days[6].text, None);
    assert_eq!(
        profile.voices[&Language::Fr],
        Voice::Piper("fr_FR-siwis-medium".to_string())
    );
    assert_eq!(
        profile.voices[&Language::En],
        standardiste_profile::default_voice(Language::En)
    );
    assert_eq!(
        profile.escalation.emergency_words[&Language::En],
        ["fire", "flood"]
    );
    assert_eq!(
        profile.escalation.emergency_words[&Language::Fr],
        default_emergency_words(Language::Fr)
    );
    assert_eq!(
        valid(&ProfileDraft::parse(&draft.text()).expect("parses")),
        profile
    );
}

#[test]
fn texts_created_where_missing() {
    let mut draft = ProfileDraft::parse(MINIMAL).expect("parses");
    draft.set_text(
        SpokenText::RecordingAnnouncement,
        Language::Fr,
        "Appel enregistré.",
    );
    draft.set_text(
        SpokenText::RecordingAnnouncement,
        Language::En,
        "Call recorded.",
    );
    draft.set_text(SpokenText::Farewell, Language::En, "Bye.");
    draft.set(Setting::RecordingEnabled, "on");
    draft.set_emergency_words(Language::Fr, &["au secours"]);

    let text = draft.text();
    assert!(text.contains("[recording]\nenabled = true\n"), "{text}");
    assert!(
        text.contains(
            "[recording.announcement]\nfr = \"Appel enregistré.\"\nen = \"Call recorded.\"\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("[escalation.emergency_words]\nfr = [\"au secours\"]\n"),
        "{text}"
    );
    assert!(!text.contains("[escalation]\n"), "{text}");
    let profile = valid(&draft);
    assert!(profile.recording.enabled);
    assert_eq!(
        profile.recording.announcement.get(Language::Fr),
        "Appel enregistré."
    );
    assert_eq!(profile.farewell.get(Language::En), "Bye.");
    assert_eq!(
        profile.escalation.emergency_words[&Language::Fr],
        ["au secours"]
    );
}

#[test]
fn every_row_kind_round_trips() {
    let mut draft = example_draft();
    draft.set_closures(&[
        ClosureRow {
            from: "2027-01-01".to_string(),
            to: "2027-01-02".to_string(),
            reason: "New Year".to_string(),
            ..ClosureRow::default()
        },
        ClosureRow {
            date: "2027-05-01".to_string(),
            hours: "09:00-12:00".to_string(),
            ..ClosureRow::default()
        },
    ]);
    draft.set_faq(&[FaqRow {
        question: "Is there a lift?".to_string(),
        answer: "Yes, to every floor.".to_string(),
    }]);
    draft.set_staff(&[
        StaffRow {
            name: "Dr. Khan".to_string(),
            role: "dentist".to_string(),
            phone: "+44 7700 900130".to_string(),
            email: "khan@example.com".to_string(),
            on_call: "true".to_string(),
        },
        StaffRow {
            name: "Tom Reed".to_string(),
            role: "nurse".to_string(),
            ..StaffRow::default()
        },
    ]);
    draft.set_appointment_types(&[AppointmentTypeRow {
        name: "Consultation".to_string(),
        duration_min: "40".to_string(),
        buffer_min: "5".to_string(),
        staff: vec!["Dr. Khan".to_string(), " ".to_string()],
        description: "First visit.".to_string(),
        aliases: vec!["consult".to_string(), "première visite".to_string()],
    }]);

    let text = draft.text();
    assert!(
        text.contains("[[closures]]\nfrom = 2027-01-01\nto = 2027-01-02\nreason = \"New Year\"\n"),
        "{text}"
    );
    let profile = valid(&draft);
    assert_eq!(profile.closures.len(), 2);
    assert_eq!(profile.closures[0].first, date!(2027 - 01 - 01));
    assert_eq!(profile.closures[0].last, date!(2027 - 01 - 02));
    assert_eq!(profile.closures[0].reason.as_deref(), Some("New Year"));
    assert_eq!(profile.closures[1].first, date!(2027 - 05 - 01));
    assert_eq!(profile.closures[1].hours.len(), 1);
    assert_eq!(profile.faq.len(), 1);
    assert_eq!(profile.faq[0].answer, "Yes, to every floor.");
    assert_eq!(profile.staff.len(), 2);
    assert_eq!(profile.staff[0].email.as_deref(), Some("khan@example.com"));
    assert!(profile.staff[0].on_call);
    assert_eq!(profile.staff[1].role.as_deref(), Some("nurse"));
    assert_eq!(profile.on_call_numbers(), ["+44 7700 900130"]);
    let consultation = &profile.appointment_types[0];
    assert_eq!(profile.appointment_types.len(), 1);
    assert_eq!(consultation.duration_min, 40);
    assert_eq!(consultation.buffer_min, 5);
    assert_eq!(consultation.staff, ["Dr. Khan"]);
    assert_eq!(consultation.description.as_deref(), Some("First visit."));
    assert_eq!(consultation.aliases, ["consult", "première visite"]);
    assert_eq!(valid(&ProfileDraft::parse(&text).expect("parses")), profile);
}

#[test]
fn invalid_closure_date_is_reported() {
    let mut draft = example_draft();
    draft.set_closures(&[ClosureRow {
        date: "25/12/2026".to_string(),
        ..ClosureRow::default()
    }]);
    let problems = problems(&draft);
    assert_eq!(problems[0].field, "closures[0].date");
    assert_eq!(problems[0].value.as_deref(), Some("\"25/12/2026\""));
}

#[test]
fn missing_duration_is_reported() {
    let mut draft = example_draft();
    draft.set_appointment_types(&[AppointmentTypeRow {
        name: "Check-up".to_string(),
        ..AppointmentTypeRow::default()
    }]);
    let problems = problems(&draft);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].field, "appointment_types[0].duration_min");
    assert!(problems[0].fix.contains("minutes"), "{}", problems[0].fix);
}
