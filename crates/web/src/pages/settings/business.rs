//! The business section: name, what it does, where it is, how to reach it, its languages,
//! currency and the facts the box may tell callers.

use maud::{html, Markup};
use standardiste_profile::edit::{ListSetting, ProfileDraft, Setting};
use standardiste_profile::{Language, CURRENCIES};

use super::inputs::Input;
use super::registry::{counted, set_list_if_changed, FormContext, SectionForm};
use super::values::{lines, FormValues};

pub static FORM: SectionForm = SectionForm {
    slug: "business",
    title: "Business",
    intro: "What the receptionist tells callers about the business. It answers only from these settings.",
    read,
    render,
    apply,
    summary,
};

/// The single texts of the section, in the form's order.
const TEXTS: [Setting; 7] = [
    Setting::Name,
    Setting::Description,
    Setting::Address,
    Setting::Directions,
    Setting::Phone,
    Setting::Website,
    Setting::Currency,
];

fn read(draft: &ProfileDraft, values: &mut FormValues) {
    for setting in TEXTS {
        values.set(setting.field(), draft.setting(setting).unwrap_or_default());
    }
    values.set(ListSetting::Languages.field(), draft.list(ListSetting::Languages).join(", "));
    values.set(ListSetting::Facts.field(), draft.list(ListSetting::Facts).join("\n"));
}

fn render(form: &FormContext) -> Markup {
    let codes: Vec<String> = Language::ALL
        .iter()
        .map(|language| format!("{} ({})", language.code(), language.english_name()))
        .collect();
    html! {
        (Input::text("name", "Business name").hint("The name the box introduces the business with. Required.").render(form))
        (Input::text("description", "What the business does").hint("One line, such as: a family dental clinic.").render(form))
        (Input::text("address", "Address").render(form))
        (Input::area("directions", "Directions", 2).hint("Parking, entrance, public transport.").render(form))
        (Input::tel("phone", "Public phone number").render(form))
        (Input::text("website", "Web site").placeholder("https://example.com").render(form))
        (Input::text("languages", "Languages")
            .hint(format!("Codes separated by commas, the default first: {}.", codes.join(", ")))
            .placeholder("en")
            .render(form))
        (Input::text("currency", "Currency")
            .hint(format!("For prices written without one: {}.", CURRENCIES.join(", ")))
            .render(form))
        (Input::area("facts", "Other facts", 5).hint("Anything else the box may tell callers, one sentence per line.").render(form))
    }
}

fn apply(values: &FormValues, draft: &mut ProfileDraft) {
    // Spoken texts are arranged around the default language, so the languages go first.
    if let Some(languages) = values.text(ListSetting::Languages.field()) {
        set_list_if_changed(draft, ListSetting::Languages, &language_codes(languages));
    }
    for setting in TEXTS {
        if let Some(value) = values.text(setting.field()) {
            draft.set(setting, value);
        }
    }
    if let Some(facts) = values.text(ListSetting::Facts.field()) {
        set_list_if_changed(draft, ListSetting::Facts, &lines(facts));
    }
}

/// Splits the languages input on commas and spaces: "en, fr" and "en fr" are both read.
fn language_codes(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|code| !code.is_empty())
        .map(str::to_string)
        .collect()
}

fn summary(draft: &ProfileDraft) -> String {
    let name = draft.setting(Setting::Name).unwrap_or_default();
    let languages = draft.list(ListSetting::Languages);
    let languages = if languages.is_empty() {
        "en".to_string()
    } else {
        languages.join(", ")
    };
    let facts = counted(draft.list(ListSetting::Facts).len(), "fact", "facts");
    format!("{name}; speaks {languages}; {facts}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_codes_split_on_commas_and_spaces() {
        assert_eq!(language_codes("en, fr"), ["en", "fr"]);
        assert_eq!(language_codes(" en fr,de "), ["en", "fr", "de"]);
        assert!(language_codes("  ").is_empty());
    }
}
