//! The call-handling settings: when the box picks up, which numbers it treats apart, and
//! when it hands a call to a person.

use maud::{html, Markup};
use standardiste_profile::edit::{ListSetting, ProfileDraft, Setting};
use standardiste_profile::{default_emergency_words, Language};

use super::inputs::{checkbox, select, Input};
use super::registry::{counted, effective, languages, set_list_if_changed, FormContext, SectionForm};
use super::values::{comma_items, is_true, lines, FormValues};

pub static ANSWERING: SectionForm = SectionForm {
    slug: "answering",
    title: "Answering",
    intro: "When the box picks up, and the callers it treats apart.",
    read: read_answering,
    render: render_answering,
    apply: apply_answering,
    summary: answering_summary,
};

pub static ESCALATION: SectionForm = SectionForm {
    slug: "escalation",
    title: "Escalation",
    intro: "When the box hands a call to a person. If it cannot transfer the call, it takes an urgent message and promises a callback.",
    read: read_escalation,
    render: render_escalation,
    apply: apply_escalation,
    summary: escalation_summary,
};

/// The answering modes with what each means.
const MODES: [(&str, &str); 4] = [
    ("always", "Every call, at once"),
    ("after_rings", "When nobody has picked up after some rings"),
    ("outside_hours", "Only while the business is closed"),
    ("when_busy", "Only calls the phone system forwards because the line is busy"),
];

/// The escalation switches with their labels.
const SWITCHES: [(Setting, &str); 5] = [
    (Setting::OnEmergency, "When the caller uses an emergency word"),
    (Setting::OnRequestForPerson, "When the caller asks to speak to a person"),
    (Setting::OnAngryCaller, "When the caller sounds angry"),
    (Setting::OnVip, "At once for the VIP numbers (on the Answering page)"),
    (Setting::OnKeypadZero, "When the caller presses 0"),
];

fn read_answering(draft: &ProfileDraft, values: &mut FormValues) {
    values.set(Setting::AnsweringMode.field(), effective(draft, Setting::AnsweringMode));
    values.set(
        Setting::AnsweringRings.field(),
        draft.setting(Setting::AnsweringRings).unwrap_or_default(),
    );
    values.set(ListSetting::VipNumbers.field(), draft.list(ListSetting::VipNumbers).join("\n"));
    values.set(
        ListSetting::BlockedNumbers.field(),
        draft.list(ListSetting::BlockedNumbers).join("\n"),
    );
}

fn render_answering(form: &FormContext) -> Markup {
    let default_rings = Setting::AnsweringRings.default_value().unwrap_or_default();
    html! {
        (select(form, Setting::AnsweringMode.field(), "The box answers", &MODES))
        (Input::number(Setting::AnsweringRings.field(), "Rings before it answers")
            .hint(format!("For \"when nobody has picked up\": 1 to 20. Empty: {default_rings}."))
            .placeholder(default_rings)
            .render(form))
        (Input::area(ListSetting::VipNumbers.field(), "VIP numbers", 3)
            .hint("Callers put through to a person at once, one number per line. Numbers match on their last 9 digits.")
            .render(form))
        (Input::area(ListSetting::BlockedNumbers.field(), "Blocked numbers", 3)
            .hint("Callers the box hangs up on, one number per line.")
            .render(form))
    }
}

fn apply_answering(values: &FormValues, draft: &mut ProfileDraft) {
    for setting in [Setting::AnsweringMode, Setting::AnsweringRings] {
        if let Some(value) = values.text(setting.field()) {
            draft.set(setting, value);
        }
    }
    for list in [ListSetting::VipNumbers, ListSetting::BlockedNumbers] {
        if let Some(text) = values.text(list.field()) {
            set_list_if_changed(draft, list, &lines(text));
        }
    }
}

fn answering_summary(draft: &ProfileDraft) -> String {
    let mode = effective(draft, Setting::AnsweringMode);
    let mode = match mode.as_str() {
        "after_rings" => format!("after {} rings", effective(draft, Setting::AnsweringRings)),
        "outside_hours" => "only while closed".to_string(),
        "when_busy" => "only when the line is busy".to_string(),
        "always" => "every call at once".to_string(),
        other => other.to_string(),
    };
    let vip = counted(draft.list(ListSetting::VipNumbers).len(), "VIP number", "VIP numbers");
    let blocked = draft.list(ListSetting::BlockedNumbers).len();
    format!("Answers {mode}; {vip}, {blocked} blocked")
}

/// Name of the emergency words input of `language`.
fn words_input(language: Language) -> String {
    format!("escalation.emergency_words.{}", language.code())
}

fn read_escalation(draft: &ProfileDraft, values: &mut FormValues) {
    values.set(Setting::TransferTo.field(), draft.setting(Setting::TransferTo).unwrap_or_default());
    values.set(
        Setting::CallbackWithinMin.field(),
        draft.setting(Setting::CallbackWithinMin).unwrap_or_default(),
    );
    for (setting, _) in SWITCHES {
        values.set_ticked(setting.field(), is_true(&effective(draft, setting)));
    }
    for language in languages(draft) {
        values.set(
            &words_input(language),
            draft.emergency_words(language).unwrap_or_default().join(", "),
        );
    }
}

fn render_escalation(form: &FormContext) -> Markup {
    let default_minutes = Setting::CallbackWithinMin.default_value().unwrap_or_default();
    html! {
        (Input::tel(Setting::TransferTo.field(), "Transfer calls to")
            .hint("Empty: the box only takes messages.")
            .render(form))
        (Input::number(Setting::CallbackWithinMin.field(), "Callback promised within (minutes)")
            .hint(format!("Empty: {default_minutes}."))
            .placeholder(default_minutes)
            .render(form))
        fieldset {
            legend { "Hand the call to a person" }
            @for (setting, label) in SWITCHES {
                (checkbox(form, setting.field(), label, None))
            }
        }
        fieldset {
            legend { "Emergency words" }
            p.hint { "Words or phrases that make a call an emergency, separated by commas. Empty: the built-in list shown in grey." }
            @for language in &form.languages {
                (Input::text(words_input(*language), language.english_name())
                    .placeholder(default_emergency_words(*language).join(", "))
                    .render(form))
            }
        }
    }
}

fn apply_escalation(values: &FormValues, draft: &mut ProfileDraft) {
    for setting in [Setting::TransferTo, Setting::CallbackWithinMin] {
        if let Some(value) = values.text(setting.field()) {
            draft.set(setting, value);
        }
    }
    // An unticked box sends nothing, so every switch is written.
    for (setting, _) in SWITCHES {
        draft.set(setting, values.get(setting.field()));
    }
    for language in Language::ALL {
        if let Some(words) = values.text(&words_input(language)) {
            let words = comma_items(words);
            // An unchanged list keeps its layout in the file.
            if draft.emergency_words(language).unwrap_or_default() != words {
                draft.set_emergency_words(language, &words);
            }
        }
    }
}

fn escalation_summary(draft: &ProfileDraft) -> String {
    let transfer = match draft.setting(Setting::TransferTo) {
        Some(number) if !number.trim().is_empty() => format!("Transfers to {number}"),
        _ => "Takes messages".to_string(),
    };
    format!(
        "{transfer}; callback within {} minutes",
        effective(draft, Setting::CallbackWithinMin)
    )
}
