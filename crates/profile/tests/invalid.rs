//! Invalid profiles: each error names the field path, the bad value and the fix.

use standardiste_profile::{BusinessProfile, ProfileError};

const MINIMAL: &str = "name = \"Harbor Dental\"\ngreeting = \"Hello\"\n";

const STAFF: &str = "[[staff]]\nname = \"Dr. Patel\"\n\n";

/// A snippet appended to [`MINIMAL`], the path of the one invalid field, and a piece of the
/// fix the message must contain.
const CASES: &[(&str, &str, &str)] = &[
    // Opening hours.
    ("[opening_hours]\nfunday = \"closed\"\n", "opening_hours.funday", "use lowercase English day names"),
    ("[opening_hours]\nmonday = \"9-5\"\n", "opening_hours.monday", "write intervals as HH:MM-HH:MM"),
    ("[opening_hours]\nmonday = \"25:00-26:00\"\n", "opening_hours.monday", "write intervals as HH:MM-HH:MM"),
    ("[opening_hours]\nmonday = \"18:00-09:00\"\n", "opening_hours.monday", "in time order"),
    ("[opening_hours]\nmonday = \"09:00-13:00, 12:00-15:00\"\n", "opening_hours.monday", "in time order"),
    ("[opening_hours]\nmonday = \"13:30-18:00, 08:30-12:30\"\n", "opening_hours.monday", "in time order"),
    // Languages and spoken texts.
    ("languages = [\"en\", \"xx\"]\n", "languages[1]", "use en, fr, de, es or it"),
    ("languages = [\"en\", \"en\"]\n", "languages[1]", "list each language once"),
    ("languages = []\n", "languages", "list at least one language code"),
    ("[farewell]\nen = \"Bye\"\nxx = \"...\"\n", "farewell.xx", "use en, fr, de, es or it"),
    ("[farewell]\nen = \"Bye\"\nfr = \"Salut\"\n", "farewell.fr", "add \"fr\" to `languages`"),
    ("languages = [\"fr\", \"en\"]\n[farewell]\nen = \"Bye\"\n", "farewell", "add `fr = \"...\"` under [farewell]"),
    ("[closed_message]\nen = \" \"\n", "closed_message.en", "write what the box should say"),
    ("[recording.announcement]\nen = \"Recorded\"\nde = \"Achtung\"\n", "recording.announcement.de", "add \"de\" to `languages`"),
    // Staff and appointment types.
    (
        "[[staff]]\nname = \"Dr. Patel\"\n\n[[appointment_types]]\nname = \"Check-up\"\nduration_min = 30\nstaff = [\"Dr. Smith\"]\n",
        "appointment_types[0].staff[0]",
        "use one of \"Dr. Patel\", or add a [[staff]] entry with this name",
    ),
    (
        "[[staff]]\nname = \"Dr. Patel\"\n\n[[appointment_types]]\nname = \"Check-up\"\nduration_min = 30\nstaff = [\"dr patel\"]\n",
        "appointment_types[0].staff[0]",
        "write the name as [[staff]] does: \"Dr. Patel\"",
    ),
    (
        "[[appointment_types]]\nname = \"Cleaning\"\nduration_min = 45\n\n[[appointment_types]]\nname = \"cleaning\"\nduration_min = 30\n",
        "appointment_types[1].name",
        "give each appointment type names and aliases of its own",
    ),
    (
        "[[appointment_types]]\nname = \"Check-up\"\nduration_min = 30\n\n[[appointment_types]]\nname = \"Emergency\"\nduration_min = 20\naliases = [\"CHECK UP\"]\n",
        "appointment_types[1].aliases[0]",
        "give each appointment type names and aliases of its own",
    ),
    ("[[appointment_types]]\nname = \"Check-up\"\nduration_min = 0\n", "appointment_types[0].duration_min", "1 or more"),
    ("[[appointment_types]]\nname = \"Check-up\"\nduration_min = 30\nbuffer_min = -5\n", "appointment_types[0].buffer_min", "0 or more"),
    ("[[appointment_types]]\nname = \"Check-up\"\n", "appointment_types[0].duration_min", "add a `duration_min = ...` line to this table"),
    ("[[staff]]\nname = \"Ann\"\non_call = true\n", "staff[0].phone", "or set `on_call = false`"),
    ("[[staff]]\nname = \"Ann\"\n\n[[staff]]\nname = \"ann\"\n", "staff[1].name", "give each person a distinct name"),
    ("[[staff]]\nname = \"Ann\"\nphone = \"12 34\"\n", "staff[0].phone", "write 6 to 15 digits"),
    ("[[staff]]\nname = \"Ann\"\nemail = \"ann.example.com\"\n", "staff[0].email", "write an address such as"),
    ("[[staff]]\nname = \"Ann\"\nmobile = \"07700 900123\"\n", "staff[0].mobile", "remove it or correct its spelling"),
    ("[[staff]]\nname = \"Ann\"\non_call = \"yes\"\n", "staff[0].on_call", "write true or false, without quotes"),
    // Services and prices.
    ("[[services]]\nname = \"Check-up\"\nprice = \"forty pounds\"\n", "services[0].price", "write an amount with its currency"),
    ("[[services]]\nname = \"Check-up\"\nprice = \"45.50\"\n", "services[0].price", "write an amount with its currency"),
    ("[[services]]\nname = \"Check-up\"\nprice = \"45 YEN\"\n", "services[0].price", "write an amount with its currency"),
    ("[[services]]\nname = \"Check-up\"\nduration_min = 0\n", "services[0].duration_min", "1 or more"),
    ("[[services]]\nprice = \"£45\"\n", "services[0].name", "add a `name = ...` line to this table"),
    ("currency = \"Bitcoin\"\n", "currency", "use one of EUR, GBP"),
    // Contact details, numbers and recap recipients.
    ("phone = \"call us\"\n", "phone", "write 6 to 15 digits"),
    ("website = \"www.example.com\"\n", "website", "write a full web address"),
    ("[numbers]\nvip = [\"+44 7700 900123\", \"+44 (0)7700\"]\n", "numbers.vip[1]", "write 6 to 15 digits"),
    ("[numbers]\nblocked = [\"12345\"]\n", "numbers.blocked[0]", "write 6 to 15 digits"),
    ("[recap]\nsms = [\"07700 90O123\"]\n", "recap.sms[0]", "write 6 to 15 digits"),
    ("[recap]\nemail = [\"front-desk.example.com\"]\n", "recap.email[0]", "write an address such as"),
    ("[recap]\nwebhook = [\"ftp://example.com/recap\"]\n", "recap.webhook[0]", "write a full web address"),
    ("[recap]\nwebhook = [\"https://exa mple.com\"]\n", "recap.webhook[0]", "write a full web address"),
    // Closures.
    ("[[closures]]\ndate = \"2026-02-30\"\n", "closures[0].date", "write the date as YYYY-MM-DD"),
    ("[[closures]]\ndate = \"25/12/2026\"\n", "closures[0].date", "write the date as YYYY-MM-DD"),
    ("[[closures]]\ndate = 2026-12-25T10:00:00\n", "closures[0].date", "write the date as YYYY-MM-DD"),
    ("[[closures]]\nfrom = 2026-12-26\nto = 2026-12-24\n", "closures[0].to", "on or after `from`"),
    ("[[closures]]\nfrom = 2026-12-24\n", "closures[0]", "add the missing one"),
    ("[[closures]]\ndate = 2026-12-25\nfrom = 2026-12-24\nto = 2026-12-26\n", "closures[0]", "keep `date` for one day"),
    ("[[closures]]\nreason = \"Christmas\"\n", "closures[0]", "add `date = 2026-12-25` for one day"),
    (
        "[[closures]]\nfrom = 2026-12-24\nto = 2026-12-26\n\n[[closures]]\ndate = 2026-12-25\n",
        "closures[1]",
        "merge the two closures",
    ),
    ("[[closures]]\ndate = 2026-12-24\nhours = \"9am-noon\"\n", "closures[0].hours", "write intervals as HH:MM-HH:MM"),
    // Recording, answering, escalation and voices.
    ("[recording]\naudio_retention_days = -5\n", "recording.audio_retention_days", "write a number of days from 0"),
    ("[recording]\ntranscript_retention_days = 99999\n", "recording.transcript_retention_days", "write a number of days from 0"),
    ("[answering]\nmode = \"sometimes\"\n", "answering.mode", "use one of always, after_rings, outside_hours, when_busy"),
    ("[answering]\nrings = 0\n", "answering.rings", "or use mode = \"always\" to answer at once"),
    ("[escalation]\ncallback_within_min = 0\n", "escalation.callback_within_min", "from 1 to 10080"),
    ("[escalation]\ntransfer_to = \"reception\"\n", "escalation.transfer_to", "write 6 to 15 digits"),
    ("[escalation.emergency_words]\nxx = [\"help\"]\n", "escalation.emergency_words.xx", "use en, fr, de, es or it"),
    ("[escalation.emergency_words]\nen = [\"help\", \"\"]\n", "escalation.emergency_words.en[1]", "or remove the entry"),
    ("[escalation]\non_vip = 1\n", "escalation.on_vip", "write true or false"),
    ("[voices]\nfr = \"espeak\"\n", "voices.fr", "write \"pico\" or \"piper:fr_FR-siwis-medium\""),
    ("[voices]\nfr = \"piper:en_US-joe-medium\"\n", "voices.fr", "use a voice whose name starts with fr_"),
    ("[voices]\nxx = \"pico\"\n", "voices.xx", "use en, fr, de, es or it"),
    // Free text and unknown fields.
    ("[[faq]]\nquestion = \"Parking?\"\nanswer = \" \"\n", "faq[0].answer", "write the answer the box should give"),
    ("facts = [\"Free parking.\", \"\"]\n", "facts[1]", "write the fact or remove the empty entry"),
    ("colour = \"blue\"\n", "colour", "remove it or correct its spelling"),
    ("[answering]\nmode = \"always\"\nfacts = [\"x\"]\n", "answering.facts", "move it above the first [section] header"),
    ("[numbers]\nvip = \"+44 7700 900123\"\n", "numbers.vip", "write a list in square brackets"),
];

/// Whole documents, for errors in the fields that [`MINIMAL`] sets.
const DOCUMENTS: &[(&str, &str, &str)] = &[
    (
        "greeting = \"Hello\"\n",
        "name",
        "add a `name = ...` line at the top of the file",
    ),
    (
        "name = \"X\"\n",
        "greeting",
        "add a `greeting = ...` line at the top of the file",
    ),
    (
        "name = \"X\"\ngreeting = \"  \"\n",
        "greeting",
        "write what the box should say",
    ),
    (
        "name = \" \"\ngreeting = \"Hello\"\n",
        "name",
        "write the business name callers know",
    ),
    (
        "name = \"X\"\ngreeting = 5\n",
        "greeting",
        "write one text in double quotes, or one text per language code",
    ),
];

fn problems_of(text: &str) -> Vec<String> {
    match BusinessProfile::parse(text) {
        Ok(_) => Vec::new(),
        Err(error) => error.problems().iter().map(ToString::to_string).collect(),
    }
}

/// Returns the part of a message after "Fix: ", empty when it has none.
fn fix_of(message: &str) -> &str {
    message.split_once("Fix: ").map_or("", |(_, fix)| fix)
}

fn check(text: &str, field: &str, fix: &str) {
    let problems = problems_of(text);
    assert_eq!(
        problems.len(),
        1,
        "expected one problem for {text:?}, got {problems:#?}"
    );
    let message = &problems[0];
    assert!(
        message.starts_with(&format!("`{field}`")),
        "field {field:?} not first in {message:?}"
    );
    assert!(
        fix_of(message).contains(fix),
        "fix {fix:?} missing in {message:?}"
    );
    assert!(message.contains("(line "), "line missing in {message:?}");
}

#[test]
fn invalid_snippets_name_field_and_fix() {
    assert!(CASES.len() >= 30);
    for (snippet, field, fix) in CASES {
        check(&format!("{MINIMAL}{snippet}"), field, fix);
    }
}

#[test]
fn invalid_documents_name_field_and_fix() {
    for (text, field, fix) in DOCUMENTS {
        let problems = problems_of(text);
        assert_eq!(
            problems.len(),
            1,
            "expected one problem for {text:?}, got {problems:#?}"
        );
        let message = &problems[0];
        assert!(
            message.starts_with(&format!("`{field}`")),
            "field {field:?} not first in {message:?}"
        );
        assert!(
            fix_of(message).contains(fix),
            "fix {fix:?} missing in {message:?}"
        );
    }
}

#[test]
fn messages_show_the_bad_value() {
    let cases = [
        (
            "[opening_hours]\nmonday = \"9-5\"\n",
            "= \"9-5\"",
            "`9` is not a time",
        ),
        (
            "languages = [\"en\", \"xx\"]\n",
            "= \"xx\"",
            "unknown language code",
        ),
        (
            "[farewell]\nen = \"Bye\"\nxx = \"Ciao\"\n",
            "= \"Ciao\"",
            "`xx` is not a language code",
        ),
        ("[answering]\nrings = 0\n", "= 0", "not between 1 and 20"),
        (
            "[recording]\naudio_retention_days = -5\n",
            "= -5",
            "negative",
        ),
        (
            "[[staff]]\nname = \"Ann\"\non_call = \"yes\"\n",
            "= \"yes\"",
            "expected a boolean",
        ),
        (
            "[[closures]]\ndate = \"2026-02-30\"\n",
            "= \"2026-02-30\"",
            "not a valid date",
        ),
        (
            "[[closures]]\nfrom = 2026-12-26\nto = 2026-12-24\n",
            "= 2026-12-24",
            "ends before its first day, 2026-12-26",
        ),
    ];
    for (snippet, value, problem) in cases {
        let problems = problems_of(&format!("{MINIMAL}{snippet}"));
        let message = problems.first().cloned().unwrap_or_default();
        assert!(
            message.contains(value),
            "value {value:?} missing in {message:?}"
        );
        assert!(
            message.contains(problem),
            "problem {problem:?} missing in {message:?}"
        );
    }
}

#[test]
fn messages_give_the_line() {
    let text = format!("{MINIMAL}{STAFF}[[staff]]\nname = \"Ann\"\nphone = \"12 34\"\n");
    let problems = problems_of(&text);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].starts_with("`staff[1].phone` = \"12 34\" (line 8)"),
        "{}",
        problems[0]
    );
}

#[test]
fn toml_syntax_error_gives_the_line() {
    let problems = problems_of(&format!("{MINIMAL}description = a family clinic\n"));
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].starts_with("TOML syntax (line 3)"),
        "{}",
        problems[0]
    );
    assert!(
        problems[0].contains("Text goes in double quotes"),
        "{}",
        problems[0]
    );
}

#[test]
fn every_problem_is_reported() {
    let text = format!(
        "{MINIMAL}phone = \"call us\"\n[opening_hours]\nfunday = \"closed\"\n[answering]\nrings = 0\n"
    );
    let problems = problems_of(&text);
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(problems
        .iter()
        .any(|message| message.starts_with("`phone`")));
    assert!(problems
        .iter()
        .any(|message| message.starts_with("`opening_hours.funday`")));
    assert!(problems
        .iter()
        .any(|message| message.starts_with("`answering.rings`")));
}

#[test]
fn load_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("profile.toml");
    std::fs::write(&path, format!("{MINIMAL}colour = \"blue\"\n")).unwrap();
    let error = BusinessProfile::load(&path).unwrap_err();
    let message = error.to_string();
    assert!(
        message.starts_with(&format!("invalid business profile {}:", path.display())),
        "{message}"
    );
    assert!(message.contains("unknown field `colour`"), "{message}");

    let missing = dir.path().join("missing.toml");
    let error = BusinessProfile::load(&missing).unwrap_err();
    assert!(matches!(error, ProfileError::Read { .. }), "{error}");
    assert!(error.to_string().contains("missing.toml"), "{error}");
}
