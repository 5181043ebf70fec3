//! The settings pages over HTTPS against a real profile file: each section's form, the
//! wizard, the whole-file editor and the Listen endpoint.

mod common;

use std::sync::Arc;

use common::{Client, Reply, TestConsole};
use hyper::StatusCode;
use standardiste_profile::BusinessProfile;
use standardiste_web::{BoxFuture, Daemon, LineStatus, ModelStatus, TestCallEvent};
use tokio::sync::mpsc;

/// A change to one section: a value its form shows, a valid change with what the file then
/// contains, and an invalid value with words of the message shown next to its input.
struct Case {
    slug: &'static str,
    shown: (&'static str, &'static str),
    change: (&'static str, &'static str),
    saved: &'static str,
    invalid: (&'static str, &'static str),
    message: &'static str,
}

const CASES: [Case; 12] = [
    Case {
        slug: "business",
        shown: ("name", "Harbor Dental Clinic"),
        change: ("name", "Quay Dental"),
        saved: "name = \"Quay Dental\"\n",
        invalid: ("name", ""),
        message: "The text is empty",
    },
    Case {
        slug: "greetings",
        shown: ("greeting.en", "Hello, you have reached Harbor Dental Clinic. How can I help you?"),
        change: ("greeting.fr", "Bonjour et bienvenue."),
        saved: "fr = \"Bonjour et bienvenue.\"\n",
        invalid: ("greeting.en", ""),
        message: "There is no text for en, the default language",
    },
    Case {
        slug: "hours",
        shown: ("opening_hours.monday", "08:30-12:30, 13:30-18:00"),
        change: ("opening_hours.saturday", "10:00-13:00"),
        saved: "saturday = \"10:00-13:00\"\n",
        invalid: ("opening_hours.monday", "9 to 5"),
        message: "`9 to 5` is not an interval of the form HH:MM-HH:MM",
    },
    Case {
        slug: "faq",
        shown: ("faq[0].question", "Do you treat children?"),
        change: ("faq[0].answer", "Yes, from the age of two."),
        saved: "answer = \"Yes, from the age of two.\"\n",
        invalid: ("faq[1].answer", " "),
        message: "The text is empty",
    },
    Case {
        slug: "services",
        shown: ("services[0].price", "£45"),
        change: ("services[0].price", "£50"),
        saved: "price = \"£50\"\n",
        invalid: ("services[1].price", "cheap"),
        message: "\"cheap\": ",
    },
    Case {
        slug: "appointments",
        shown: ("appointment_types[1].aliases", "scale and polish, hygiene, détartrage, nettoyage"),
        change: ("appointment_types[0].buffer_min", "15"),
        saved: "buffer_min = 15\n",
        invalid: ("appointment_types[0].duration_min", "half an hour"),
        message: "\"half an hour\": this is not a whole number",
    },
    Case {
        slug: "staff",
        shown: ("staff[0].email", "a.patel@example.com"),
        change: ("staff[2].role", "hygienist"),
        saved: "role = \"hygienist\"\n",
        invalid: ("staff[0].email", "patel at example"),
        message: "front-desk@example.com",
    },
    Case {
        slug: "answering",
        shown: ("answering.mode", "after_rings"),
        change: ("answering.rings", "6"),
        saved: "rings = 6\n",
        invalid: ("answering.rings", "four"),
        message: "\"four\": this is not a whole number",
    },
    Case {
        slug: "escalation",
        shown: ("escalation.transfer_to", "+44 7700 900126"),
        change: ("escalation.callback_within_min", "45"),
        saved: "callback_within_min = 45\n",
        invalid: ("escalation.transfer_to", "call me"),
        message: "6 to 15 digits",
    },
    Case {
        slug: "recording",
        shown: ("recording.audio_retention_days", "30"),
        change: ("recording.audio_retention_days", "7"),
        saved: "audio_retention_days = 7\n",
        invalid: ("recording.transcript_retention_days", "5000"),
        message: "5000: the number is not between 0 and 3650",
    },
    Case {
        slug: "recaps",
        shown: ("recap.email", "front-desk@example.com\na.patel@example.com"),
        change: ("recap.sms", "+44 7700 900125\r\n+44 7700 900127"),
        saved: "sms = [\"+44 7700 900125\", \"+44 7700 900127\"]\n",
        invalid: ("recap.webhook", "ftp://example.com"),
        message: "full web address",
    },
    Case {
        slug: "voices",
        shown: ("voices.fr", "pico"),
        change: ("voices.fr", "piper:fr_FR-siwis-medium"),
        saved: "fr = \"piper:fr_FR-siwis-medium\"\n",
        invalid: ("voices.fr", "robot"),
        message: "\"robot\": unknown voice",
    },
];

fn example_text() -> String {
    std::fs::read_to_string(common::example_profile()).unwrap()
}

fn profile_text(console: &TestConsole) -> String {
    std::fs::read_to_string(&console.settings.profile).unwrap()
}

fn reset_profile(console: &TestConsole) {
    std::fs::write(&console.settings.profile, example_text()).unwrap();
}

fn comment_lines(text: &str) -> Vec<&str> {
    text.lines().filter(|line| line.trim_start().starts_with('#')).collect()
}

/// Opens a form page and returns it with its settings form's fields.
async fn open_form(client: &mut Client, path: &str) -> (Reply, html::Form) {
    let reply = client.get(path).await;
    assert_eq!(reply.status, StatusCode::OK, "GET {path}: {}", reply.body);
    let form = html::Form::parse(&reply.body).unwrap_or_else(|| panic!("no settings form on {path}:\n{}", reply.body));
    (reply, form)
}

/// Asserts that the page shows `message` under the input `name`, before any other input.
fn assert_message_at(body: &str, name: &str, message: &str) {
    let marker = format!("name=\"{}\"", html::escape(name));
    let at = body.find(&marker).unwrap_or_else(|| panic!("no input {name}:\n{body}"));
    let rest = &body[at + marker.len()..];
    let error = rest
        .find("class=\"field-error\"")
        .unwrap_or_else(|| panic!("no message after {name}:\n{body}"));
    let next_input = rest.find(" name=\"").unwrap_or(usize::MAX);
    assert!(error < next_input, "the message after {name} belongs to another input:\n{rest}");
    let text = &rest[error..rest[error..].find("</p>").map_or(rest.len(), |end| error + end)];
    assert!(
        text.contains(&html::escape(message)),
        "message under {name} is {text:?}, expected {message:?}"
    );
}

#[tokio::test]
async fn forms_show_current_values() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    for case in CASES {
        let (reply, form) = open_form(&mut admin, &format!("/settings/{}", case.slug)).await;
        let (name, value) = case.shown;
        assert_eq!(form.get(name), Some(value), "{}: {name}", case.slug);
        assert!(
            form.get("revision").is_some_and(|revision| revision.len() == 16),
            "{}: revision",
            case.slug
        );
        let marked = format!("href=\"/settings/{}\" aria-current=\"page\"", case.slug);
        assert!(reply.body.contains(&marked), "{}: the section is marked in the links", case.slug);
    }
}

#[tokio::test]
async fn valid_change_saved_with_comments() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    let original = example_text();
    for case in CASES {
        reset_profile(&console);
        let path = format!("/settings/{}", case.slug);
        let (_, mut form) = open_form(&mut admin, &path).await;
        form.set(case.change.0, case.change.1);
        let reply = admin.post(&path, &form.fields()).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}: {}", case.slug, reply.body);
        let target = format!("{path}?saved=1");
        assert_eq!(reply.location(), Some(target.as_str()), "{}", case.slug);

        let text = profile_text(&console);
        assert!(text.contains(case.saved), "{}: the file lacks {:?}:\n{text}", case.slug, case.saved);
        assert_eq!(comment_lines(&text), comment_lines(&original), "{}: comments", case.slug);
        BusinessProfile::load(&console.settings.profile).unwrap_or_else(|error| panic!("{}: {error}", case.slug));

        let (page, form) = open_form(&mut admin, &target).await;
        assert!(page.body.contains("Saved. The next call uses it."), "{}", case.slug);
        let expected = case.change.1.replace("\r\n", "\n");
        assert_eq!(
            form.get(case.change.0),
            Some(expected.as_str()),
            "{}: the form shows the saved value",
            case.slug
        );
    }
}

#[tokio::test]
async fn unchanged_form_keeps_profile() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    let before = BusinessProfile::load(&console.settings.profile).unwrap();
    for case in CASES {
        let path = format!("/settings/{}", case.slug);
        let (_, form) = open_form(&mut admin, &path).await;
        let reply = admin.post(&path, &form.fields()).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}: {}", case.slug, reply.body);
        let after = BusinessProfile::load(&console.settings.profile).unwrap_or_else(|error| panic!("{}: {error}", case.slug));
        assert_eq!(after, before, "{}: the profile changed", case.slug);
    }
    // Only the staff form writes differently: an unticked box leaves `on_call` out.
    let text = profile_text(&console);
    assert_eq!(text, example_text().replace("on_call = false\n", ""));
}

#[tokio::test]
async fn invalid_value_gets_422_and_no_write() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    let before = std::fs::read(&console.settings.profile).unwrap();
    for case in CASES {
        let path = format!("/settings/{}", case.slug);
        let (_, mut form) = open_form(&mut admin, &path).await;
        form.set(case.invalid.0, case.invalid.1);
        let reply = admin.post(&path, &form.fields()).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {}", case.slug, reply.body);
        assert!(reply.body.contains("Nothing was saved"), "{}", case.slug);
        assert_message_at(&reply.body, case.invalid.0, case.message);
        let shown = html::Form::parse(&reply.body).unwrap();
        assert_eq!(
            shown.get(case.invalid.0),
            Some(case.invalid.1),
            "{}: the owner's value is kept",
            case.slug
        );
        assert_eq!(
            std::fs::read(&console.settings.profile).unwrap(),
            before,
            "{}: the file changed",
            case.slug
        );
    }
}

#[tokio::test]
async fn missing_csrf_token_is_forbidden() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    let before = std::fs::read(&console.settings.profile).unwrap();
    for case in CASES {
        let path = format!("/settings/{}", case.slug);
        let (_, mut form) = open_form(&mut admin, &path).await;
        form.set(case.change.0, case.change.1);
        let fields = form.fields();
        let reply = admin.post_raw(&path, &common::encode_form(&fields)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", case.slug);
        assert_eq!(
            std::fs::read(&console.settings.profile).unwrap(),
            before,
            "{}: the file changed",
            case.slug
        );
    }
}

#[tokio::test]
async fn conflict_is_reported_and_nothing_overwritten() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    for case in CASES {
        reset_profile(&console);
        let path = format!("/settings/{}", case.slug);
        let (_, mut form) = open_form(&mut admin, &path).await;
        let edited_on_disk = example_text().replace("rings = 4", "rings = 5");
        std::fs::write(&console.settings.profile, &edited_on_disk).unwrap();
        form.set(case.change.0, case.change.1);
        let reply = admin.post(&path, &form.fields()).await;
        assert_eq!(reply.status, StatusCode::CONFLICT, "{}: {}", case.slug, reply.body);
        assert!(reply.body.contains("changed after you opened this form"), "{}", case.slug);
        assert_eq!(profile_text(&console), edited_on_disk, "{}: the file was overwritten", case.slug);
        let fresh = html::Form::parse(&reply.body).unwrap();
        assert_ne!(
            fresh.get("revision"),
            form.get("revision"),
            "{}: the form has the new revision",
            case.slug
        );
    }
    // The fresh form shows the file's new values.
    reset_profile(&console);
    let (_, form) = open_form(&mut admin, "/settings/answering").await;
    std::fs::write(&console.settings.profile, example_text().replace("rings = 4", "rings = 5")).unwrap();
    let reply = admin.post("/settings/answering", &form.fields()).await;
    assert_eq!(html::Form::parse(&reply.body).unwrap().get("answering.rings"), Some("5"));
}

#[tokio::test]
async fn signed_out_access_redirects() {
    let console = TestConsole::start().await;
    console.admin().await;
    let mut visitor = console.client();
    for path in [
        "/settings",
        "/settings/business",
        "/settings/file",
        "/settings/wizard",
        "/settings/wizard/hours",
    ] {
        let reply = visitor.get(path).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{path}");
        let location = reply.location().unwrap_or_default();
        assert!(location.starts_with("/login?next=/settings"), "{path} goes to {location}");
    }
    // A visitor's POST, even with its own session's token, does not reach the form.
    visitor.get("/login").await;
    let before = std::fs::read(&console.settings.profile).unwrap();
    let reply = visitor.post("/settings/business", &[("name", "Taken Over")]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(std::fs::read(&console.settings.profile).unwrap(), before);
}

#[tokio::test]
async fn unknown_section_is_404() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    let reply = admin.get("/settings/colours").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(reply.body.contains("business, greetings"), "{}", reply.body);
    assert_eq!(admin.get("/settings/wizard/colours").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn greeting_script_is_escaped() {
    const HOSTILE: &str = "<script>alert(1)</script>";
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    let (_, mut form) = open_form(&mut admin, "/settings/greetings").await;
    form.set("greeting.en", HOSTILE);
    let reply = admin.post("/settings/greetings", &form.fields()).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let (page, form) = open_form(&mut admin, "/settings/greetings").await;
    assert!(!page.body.contains(HOSTILE), "the greeting is not escaped");
    assert!(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_eq!(form.get("greeting.en"), Some(HOSTILE));

    // The owner's values are escaped when an invalid form comes back too.
    let mut form = form;
    form.set("farewell.en", HOSTILE);
    form.set("greeting.fr", "");
    form.set("greeting.en", "");
    let reply = admin.post("/settings/greetings", &form.fields()).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!reply.body.contains(HOSTILE));
    let index = admin.get("/settings").await;
    assert!(!index.body.contains(HOSTILE), "the summary is not escaped");
}

#[tokio::test]
async fn rows_are_added_and_removed() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    let (page, mut form) = open_form(&mut admin, "/settings/services").await;
    // Four services and three blank rows.
    assert!(form.get("services[6].name").is_some());
    assert!(form.get("services[7].name").is_none());
    assert!(page.body.contains("New service"));
    form.set("services[4].name", "Whitening");
    form.set("services[4].price", "£120");
    form.set("services[4].duration_min", "60");
    form.tick("services[0].remove");
    for key in ["name", "price", "duration_min", "description"] {
        form.set(&format!("services[2].{key}"), "");
    }
    let reply = admin.post("/settings/services", &form.fields()).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let profile = BusinessProfile::load(&console.settings.profile).unwrap();
    let names: Vec<&str> = profile.services.iter().map(|service| service.name.as_str()).collect();
    assert_eq!(names, ["Cleaning", "Emergency appointment", "Whitening"]);
    assert_eq!(profile.services[2].duration_min, Some(60));
}

#[tokio::test]
async fn row_problem_placed_on_form_row() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    let (_, mut form) = open_form(&mut admin, "/settings/services").await;
    // Row 1 is emptied, so the file's row 2 comes from the form's row 3.
    for key in ["name", "price", "duration_min", "description"] {
        form.set(&format!("services[1].{key}"), "");
    }
    form.set("services[3].price", "cheap");
    let reply = admin.post("/settings/services", &form.fields()).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    assert_message_at(&reply.body, "services[3].price", "\"cheap\": ");
}

#[tokio::test]
async fn appointment_staff_are_chosen() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    let (page, mut form) = open_form(&mut admin, "/settings/appointments").await;
    assert_eq!(form.all("appointment_types[0].staff"), ["Dr. Patel", "Dr. Moreau"]);
    assert!(page.body.contains("value=\"Sarah Jones\""), "every member is offered");
    form.untick("appointment_types[0].staff", "Dr. Moreau");
    form.tick_value("appointment_types[0].staff", "Sarah Jones");
    let reply = admin.post("/settings/appointments", &form.fields()).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let profile = BusinessProfile::load(&console.settings.profile).unwrap();
    assert_eq!(profile.appointment_types[0].staff, ["Dr. Patel", "Sarah Jones"]);
}

#[tokio::test]
async fn checkbox_untick_is_saved() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    let (_, mut form) = open_form(&mut admin, "/settings/escalation").await;
    assert_eq!(form.get("escalation.on_vip"), Some("on"));
    form.remove("escalation.on_vip");
    let reply = admin.post("/settings/escalation", &form.fields()).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let profile = BusinessProfile::load(&console.settings.profile).unwrap();
    assert!(!profile.escalation.on_vip);
    assert!(profile.escalation.on_keypad_zero);
}

#[tokio::test]
async fn invalid_file_problems_are_shown() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    let invalid = example_text().replace("monday = \"08:30-12:30, 13:30-18:00\"", "monday = \"9 to 5\"");
    std::fs::write(&console.settings.profile, &invalid).unwrap();

    let index = admin.get("/settings").await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(index.body.contains("The profile file has 1 problem"), "{}", index.body);
    assert!(index.body.contains("opening_hours.monday"));

    let (page, form) = open_form(&mut admin, "/settings/hours").await;
    assert_eq!(form.get("opening_hours.monday"), Some("9 to 5"));
    assert_message_at(&page.body, "opening_hours.monday", "`9 to 5` is not an interval");
    // Another section lists the problem at the top, as it has no input for it.
    let (other, _) = open_form(&mut admin, "/settings/business").await;
    assert!(other.body.contains("The profile file has problems"), "{}", other.body);
}

#[tokio::test]
async fn broken_toml_sends_to_file_editor() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    std::fs::write(&console.settings.profile, "name = \"Quay Dental\"\ngreeting = \n").unwrap();
    let page = admin.get("/settings/business").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("not valid TOML"), "{}", page.body);
    assert!(page.body.contains("href=\"/settings/file\""));
    assert!(page.body.contains("line 2"), "{}", page.body);
    let index = admin.get("/settings").await;
    assert!(index.body.contains("line 2"), "{}", index.body);
}

#[tokio::test]
async fn file_editor_saves_valid_text() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    let (page, form) = open_form(&mut admin, "/settings/file").await;
    assert!(page.body.contains("# The name the box introduces the business with."));
    assert_eq!(form.get("text"), Some(example_text().as_str()));
    let text = example_text().replace("rings = 4", "rings = 3 # three rings");
    let mut form = form;
    form.set("text", &text);
    let reply = admin.post("/settings/file", &form.fields()).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location(), Some("/settings/file?saved=1"));
    assert_eq!(profile_text(&console), text);
    assert!(admin
        .get("/settings/file?saved=1")
        .await
        .body
        .contains("Saved. The next call uses it."));
}

#[tokio::test]
async fn file_editor_rejects_invalid_text() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    let before = std::fs::read(&console.settings.profile).unwrap();
    let (_, mut form) = open_form(&mut admin, "/settings/file").await;
    let text = example_text().replace("rings = 4", "rings = \"four\"");
    let line = text.lines().position(|line| line == "rings = \"four\"").unwrap() + 1;
    form.set("text", &text);
    let reply = admin.post("/settings/file", &form.fields()).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    assert!(reply.body.contains(&format!("line {line}")), "{}", reply.body);
    assert_eq!(html::Form::parse(&reply.body).unwrap().get("text"), Some(text.as_str()));
    assert_eq!(std::fs::read(&console.settings.profile).unwrap(), before);

    let no_token = admin.post_raw("/settings/file", &common::encode_form(&form.fields())).await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    assert_eq!(std::fs::read(&console.settings.profile).unwrap(), before);
}

#[tokio::test]
async fn file_editor_reports_conflict() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    let (_, mut form) = open_form(&mut admin, "/settings/file").await;
    let elsewhere = example_text().replace("rings = 4", "rings = 5");
    std::fs::write(&console.settings.profile, &elsewhere).unwrap();
    let mine = example_text().replace("rings = 4", "rings = 6");
    form.set("text", &mine);
    let reply = admin.post("/settings/file", &form.fields()).await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
    assert!(reply.body.contains("changed after you opened this page"));
    assert_eq!(profile_text(&console), elsewhere);
    // The editor shows the file as it is, and the owner's text under it.
    assert_eq!(html::Form::parse(&reply.body).unwrap().get("text"), Some(elsewhere.as_str()));
    assert!(reply.body.contains("rings = 6"));
}

#[tokio::test]
async fn broken_toml_fixed_in_file_editor() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    std::fs::write(&console.settings.profile, "name = \"Quay Dental\"\ngreeting = \n").unwrap();
    let (page, mut form) = open_form(&mut admin, "/settings/file").await;
    assert!(page.body.contains("line 2"), "{}", page.body);
    form.set("text", "name = \"Quay Dental\"\ngreeting = \"Hello\"\n");
    let reply = admin.post("/settings/file", &form.fields()).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(BusinessProfile::load(&console.settings.profile).unwrap().name, "Quay Dental");
}

#[tokio::test]
async fn wizard_steps_advance() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    let start = admin.get("/settings/wizard").await;
    assert_eq!(start.status, StatusCode::OK);
    assert!(start.body.contains("href=\"/settings/wizard/business\""));

    let steps = [
        "business",
        "greetings",
        "hours",
        "services",
        "appointments",
        "staff",
        "answering",
        "recaps",
    ];
    for (position, step) in steps.iter().enumerate() {
        let path = format!("/settings/wizard/{step}");
        let (page, form) = open_form(&mut admin, &path).await;
        assert!(page.body.contains(&format!("Step {} of 9", position + 1)), "{step}");
        assert!(page.body.contains("Save and continue"), "{step}");
        let next = steps.get(position + 1).copied().unwrap_or("lines");
        assert!(
            page.body.contains(&format!("href=\"/settings/wizard/{next}\"")),
            "{step}: Skip goes to {next}"
        );
        assert!(page.body.contains(&format!("action=\"{path}\"")), "{step}");
        let reply = admin.post(&path, &form.fields()).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{step}: {}", reply.body);
        let expected = format!("/settings/wizard/{next}?saved=1");
        assert_eq!(reply.location(), Some(expected.as_str()), "{step}");
    }
    let lines = admin.get("/settings/wizard/lines?saved=1").await;
    assert_eq!(lines.status, StatusCode::OK);
    assert!(lines.body.contains("Step 9 of 9"));
    assert!(lines.body.contains("standardiste lines"));
    assert!(lines.body.contains("[[line]]"));
    assert!(lines.body.contains("href=\"/\""), "the end links to the dashboard");
}

#[tokio::test]
async fn wizard_keeps_step_on_invalid() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    let before = std::fs::read(&console.settings.profile).unwrap();
    let (_, mut form) = open_form(&mut admin, "/settings/wizard/hours").await;
    form.set("opening_hours.monday", "9 to 5");
    let reply = admin.post("/settings/wizard/hours", &form.fields()).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Step 3 of 9"));
    assert!(reply.body.contains("action=\"/settings/wizard/hours\""));
    assert_message_at(&reply.body, "opening_hours.monday", "HH:MM-HH:MM");
    assert_eq!(std::fs::read(&console.settings.profile).unwrap(), before);
}

#[tokio::test]
async fn listen_without_daemon_is_503() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    admin.get("/settings/greetings").await;
    let reply = admin.post("/settings/listen", &[("text", "Hello"), ("language", "en")]).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(reply.body.contains("needs the running daemon"), "{}", reply.body);
}

#[tokio::test]
async fn listen_plays_daemon_voice() {
    let console = TestConsole::start_with_daemon(Arc::new(FakeDaemon)).await;
    let mut admin = console.admin().await;
    let page = admin.get("/settings/greetings").await;
    assert!(
        page.body.contains("data-listen=\"greeting.fr\" data-language=\"fr\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("/assets/listen.js"));

    let reply = admin.post("/settings/listen", &[("text", "Bonjour"), ("language", "fr")]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.headers.get("content-type").unwrap(), "audio/wav");
    assert!(reply.body.starts_with("RIFF"));
    assert!(reply.body.ends_with("fr:Bonjour"), "{}", reply.body);

    let failed = admin.post("/settings/listen", &[("text", "fail"), ("language", "en")]).await;
    assert_eq!(failed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(failed.body.contains("the voice file is missing"), "{}", failed.body);
    let language = admin.post("/settings/listen", &[("text", "Hallo"), ("language", "nl")]).await;
    assert_eq!(language.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(language.body.contains("\"nl\" is not a language"), "{}", language.body);
    let empty = admin.post("/settings/listen", &[("text", "  "), ("language", "en")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);

    let no_token = admin
        .post_raw("/settings/listen", &common::encode_form(&[("text", "Hi"), ("language", "en")]))
        .await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    // Scripts send the token in a header.
    let token = admin.csrf.clone().unwrap();
    let request = admin
        .request("POST", "/settings/listen")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-csrf-token", token)
        .body(http_body_util::Full::new(hyper::body::Bytes::from("text=Hi&language=en")))
        .unwrap();
    assert_eq!(admin.send_request(request).await.status, StatusCode::OK);
}

#[tokio::test]
async fn wizard_shows_daemon_lines() {
    let console = TestConsole::start_with_daemon(Arc::new(FakeDaemon)).await;
    let mut admin = console.admin().await;
    let page = admin.get("/settings/wizard/lines").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("gsm0"));
    assert!(page.body.contains("ready"));
    assert!(page.body.contains("no SIM card"));
    assert!(!page.body.contains("The box has no line yet"));
}

#[tokio::test]
async fn index_lists_sections() {
    let console = TestConsole::start().await;
    let mut admin = console.admin().await;
    let page = admin.get("/settings").await;
    assert_eq!(page.status, StatusCode::OK);
    for case in CASES {
        assert!(page.body.contains(&format!("href=\"/settings/{}\"", case.slug)), "{}", case.slug);
    }
    assert!(page.body.contains("Harbor Dental Clinic; speaks en, fr; 3 facts"), "{}", page.body);
    assert!(page.body.contains("4 services: Check-up, Cleaning, Filling, Emergency appointment"));
    assert!(page.body.contains("3 people, 1 on call"));
    assert!(page.body.contains("Answers after 4 rings"));
    assert!(!page.body.contains("The profile file has"));
}

/// A daemon with one line and a voice that returns the text it was given.
struct FakeDaemon;

impl Daemon for FakeDaemon {
    fn lines(&self) -> Vec<LineStatus> {
        vec![
            LineStatus {
                name: "gsm0".into(),
                kind: "sim7600".into(),
                state: "ready".into(),
                error: None,
            },
            LineStatus {
                name: "modem0".into(),
                kind: "usr5637".into(),
                state: "stopped".into(),
                error: Some("no SIM card".into()),
            },
        ]
    }

    fn models(&self) -> Vec<ModelStatus> {
        Vec::new()
    }

    fn start_test_call(&self) -> Result<mpsc::Receiver<TestCallEvent>, String> {
        Err("no test calls here".into())
    }

    fn speak(&self, text: String, language: String) -> BoxFuture<'static, Result<Vec<u8>, String>> {
        Box::pin(async move {
            if text == "fail" {
                return Err("the voice file is missing".to_string());
            }
            Ok(format!("RIFF{language}:{text}").into_bytes())
        })
    }

    fn send_setup_code(&self, _code: &str) -> Result<Option<String>, String> {
        Ok(None)
    }
}

/// Reading a settings form out of a page, as a browser would send it.
mod html {
    /// The fields of the page's settings form, in page order, without the CSRF token.
    pub struct Form {
        fields: Vec<(String, String)>,
    }

    impl Form {
        pub fn parse(page: &str) -> Option<Form> {
            let start = page.find("<form class=\"settings\"")?;
            let end = start + page[start..].find("</form>")?;
            let form = &page[start..end];
            let mut fields = Vec::new();
            let mut rest = form;
            while let Some(at) = rest.find('<') {
                rest = &rest[at + 1..];
                let tag_end = rest.find('>').unwrap_or(rest.len());
                let tag = &rest[..tag_end];
                let after = &rest[(tag_end + 1).min(rest.len())..];
                if let Some(attributes) = tag.strip_prefix("input ") {
                    if let Some(field) = input(attributes) {
                        fields.push(field);
                    }
                } else if let Some(attributes) = tag.strip_prefix("textarea ") {
                    let content = &after[..after.find("</textarea>").unwrap_or(0)];
                    let content = content.strip_prefix('\n').unwrap_or(content);
                    if let Some(name) = attribute(attributes, "name") {
                        fields.push((name, unescape(content)));
                    }
                } else if let Some(attributes) = tag.strip_prefix("select ") {
                    let options = &after[..after.find("</select>").unwrap_or(0)];
                    if let Some(name) = attribute(attributes, "name") {
                        fields.push((name, selected(options)));
                    }
                }
            }
            fields.retain(|(name, _)| name != "csrf");
            Some(Form { fields })
        }

        pub fn get(&self, name: &str) -> Option<&str> {
            self.fields.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
        }

        pub fn all(&self, name: &str) -> Vec<&str> {
            self.fields
                .iter()
                .filter(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
                .collect()
        }

        /// Sets the value of `name`, which the form must have.
        pub fn set(&mut self, name: &str, value: &str) {
            let field = self.fields.iter_mut().find(|(key, _)| key == name);
            let field = field.unwrap_or_else(|| panic!("the form has no field {name}"));
            field.1 = value.to_string();
        }

        /// Ticks the checkbox `name`.
        pub fn tick(&mut self, name: &str) {
            self.tick_value(name, "on");
        }

        pub fn tick_value(&mut self, name: &str, value: &str) {
            self.fields.push((name.to_string(), value.to_string()));
        }

        /// Unticks the checkbox `name` whose value is `value`.
        pub fn untick(&mut self, name: &str, value: &str) {
            self.fields.retain(|(key, current)| !(key == name && current == value));
        }

        /// Leaves `name` out, as an unticked checkbox is.
        pub fn remove(&mut self, name: &str) {
            self.fields.retain(|(key, _)| key != name);
        }

        pub fn fields(&self) -> Vec<(&str, &str)> {
            self.fields.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect()
        }
    }

    /// Returns the field an `<input>` sends: checkboxes only when ticked, never buttons.
    fn input(attributes: &str) -> Option<(String, String)> {
        let name = attribute(attributes, "name")?;
        let kind = attribute(attributes, "type").unwrap_or_else(|| "text".to_string());
        if kind == "checkbox" && !has_flag(attributes, "checked") {
            return None;
        }
        if kind == "submit" || kind == "button" {
            return None;
        }
        Some((name, attribute(attributes, "value").unwrap_or_default()))
    }

    fn selected(options: &str) -> String {
        let mut first = None;
        for option in options.split("<option ").skip(1) {
            let tag = &option[..option.find('>').unwrap_or(option.len())];
            let value = attribute(tag, "value").unwrap_or_default();
            if has_flag(tag, "selected") {
                return value;
            }
            first.get_or_insert(value);
        }
        first.unwrap_or_default()
    }

    fn attribute(attributes: &str, name: &str) -> Option<String> {
        let marker = format!("{name}=\"");
        let mut search = attributes;
        loop {
            let at = search.find(&marker)?;
            let boundary = at == 0 || search.as_bytes()[at - 1] == b' ';
            let rest = &search[at + marker.len()..];
            if boundary {
                return Some(unescape(&rest[..rest.find('"')?]));
            }
            search = rest;
        }
    }

    fn has_flag(attributes: &str, flag: &str) -> bool {
        attributes.split(' ').any(|word| word == flag || word.trim_end_matches('/') == flag)
    }

    pub fn escape(text: &str) -> String {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }

    fn unescape(text: &str) -> String {
        text.replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }
}
