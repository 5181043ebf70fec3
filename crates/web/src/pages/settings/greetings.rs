//! The greetings section: the texts the box speaks (greeting, farewell, closed message and
//! recording announcement) in each of the profile's languages, each with a Listen button.

use maud::{html, Markup};
use standardiste_profile::edit::{ProfileDraft, SpokenText};
use standardiste_profile::{default_announcement, default_farewell, Language};

use super::inputs::Input;
use super::registry::{languages, FormContext, SectionForm};
use super::values::FormValues;

pub static FORM: SectionForm = SectionForm {
    slug: "greetings",
    title: "Greetings",
    intro: "What the box says at the start and end of calls, in each language it speaks. Listen plays a text with the box's voice for that language.",
    read,
    render,
    apply,
    summary,
};

/// Name of the input of `text` in `language`: `greeting.fr`.
fn input_name(text: SpokenText, language: Language) -> String {
    format!("{}.{}", text.field(), language.code())
}

fn read(draft: &ProfileDraft, values: &mut FormValues) {
    for text in SpokenText::ALL {
        for language in languages(draft) {
            values.set(&input_name(text, language), draft.spoken_text(text, language).unwrap_or_default());
        }
    }
}

fn render(form: &FormContext) -> Markup {
    html! {
        @for text in SpokenText::ALL {
            fieldset.spoken {
                legend { (label(text)) }
                p.hint { (hint(text)) }
                @for (position, language) in form.languages.iter().enumerate() {
                    @let name = input_name(text, *language);
                    (text_input(text, *language, position == 0).render_with(form, listen_button(&name, *language)))
                }
            }
        }
    }
}

fn text_input(text: SpokenText, language: Language, default_language: bool) -> Input {
    let mut input = Input::area(input_name(text, language), language.english_name(), 3);
    if let Some(default) = default_text(text, language) {
        input = input.placeholder(default);
    }
    if default_language {
        // Problems with the text as a whole, such as a missing default, go to the default language.
        input = input.also(text.field());
    }
    input
}

/// Renders a button that plays the text of the input `name`, or its placeholder when empty.
fn listen_button(name: &str, language: Language) -> Markup {
    html! {
        div.listen {
            button.secondary type="button" data-listen=(name) data-language=(language.code()) { "▶ Listen" }
            span.listen-status role="status" {}
        }
    }
}

fn label(text: SpokenText) -> &'static str {
    match text {
        SpokenText::Greeting => "Greeting",
        SpokenText::Farewell => "Farewell",
        SpokenText::ClosedMessage => "Closed message",
        SpokenText::RecordingAnnouncement => "Recording announcement",
    }
}

fn hint(text: SpokenText) -> &'static str {
    match text {
        SpokenText::Greeting => "The first words of every call. Required in the default language; another language left empty uses it.",
        SpokenText::Farewell => {
            "Spoken when the caller says goodbye or the call ends on silence. Empty: the built-in farewell shown in grey."
        }
        SpokenText::ClosedMessage => "Spoken instead of the greeting while the business is closed. Empty: the greeting is spoken.",
        SpokenText::RecordingAnnouncement => {
            "Told to callers before anything is recorded, when recording is on. Empty: the built-in announcement shown in grey."
        }
    }
}

/// Returns the built-in text spoken when the field is empty, shown as its placeholder.
fn default_text(text: SpokenText, language: Language) -> Option<String> {
    match text {
        SpokenText::Farewell => Some(default_farewell().get(language).to_string()),
        SpokenText::RecordingAnnouncement => Some(default_announcement().get(language).to_string()),
        SpokenText::Greeting | SpokenText::ClosedMessage => None,
    }
}

fn apply(values: &FormValues, draft: &mut ProfileDraft) {
    // The default language first, because a text written once for every language becomes
    // per-language around the default language's text.
    let listed = languages(draft);
    let others = Language::ALL.into_iter().filter(|language| !listed.contains(language));
    let order: Vec<Language> = listed.iter().copied().chain(others).collect();
    for text in SpokenText::ALL {
        let submitted: Vec<(Language, String)> = order
            .iter()
            .filter_map(|language| {
                values
                    .text(&input_name(text, *language))
                    .map(|value| (*language, normalized(value)))
            })
            .collect();
        let Some((_, first)) = submitted.first() else {
            continue;
        };
        // A file that writes one text for every language keeps doing so while the texts agree.
        let one_for_all =
            draft.spoken_text_for_all(text).is_some() || Language::ALL.iter().all(|language| draft.spoken_text(text, *language).is_none());
        if one_for_all && submitted.iter().all(|(_, value)| value == first) {
            let first = first.clone();
            draft.set_text_for_all(text, &first);
            continue;
        }
        for (language, value) in &submitted {
            draft.set_text(text, *language, value);
        }
    }
}

/// Returns a form text as the file stores it, for comparing texts.
fn normalized(value: &str) -> String {
    value.replace("\r\n", "\n").trim().to_string()
}

fn summary(draft: &ProfileDraft) -> String {
    let languages = languages(draft);
    let default = languages.first().copied().unwrap_or(Language::En);
    match draft.spoken_text(SpokenText::Greeting, default) {
        Some(greeting) if !greeting.trim().is_empty() => format!("“{}”", shortened(&greeting, 70)),
        _ => "No greeting yet".to_string(),
    }
}

/// Returns `text` cut to `max` characters with an ellipsis.
fn shortened(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{}…", cut.trim_end())
}
