//! The voices section: the text-to-speech voice of each language the box speaks.

use maud::{html, Markup};
use standardiste_profile::edit::ProfileDraft;
use standardiste_profile::{default_voice, Language};

use super::inputs::Input;
use super::registry::{languages, FormContext, SectionForm};
use super::values::FormValues;

pub static FORM: SectionForm = SectionForm {
    slug: "voices",
    title: "Voices",
    intro: "The voice the box speaks each language with.",
    read,
    render,
    apply,
    summary,
};

fn input_name(language: Language) -> String {
    format!("voices.{}", language.code())
}

fn read(draft: &ProfileDraft, values: &mut FormValues) {
    for language in languages(draft) {
        values.set(&input_name(language), draft.voice(language).unwrap_or_default());
    }
}

fn render(form: &FormContext) -> Markup {
    html! {
        p.hint { "pico is the small built-in voice; piper:NAME is a Piper voice whose file NAME.onnx is in the models folder, "
            "and whose name starts with the language code, such as piper:fr_FR-siwis-medium. Empty: the default shown in grey. "
            "Save, then use Listen on the " a href="/settings/greetings" { "Greetings" } " page to hear a voice." }
        @for language in &form.languages {
            (Input::text(input_name(*language), language.english_name())
                .placeholder(default_voice(*language).to_string())
                .render(form))
        }
    }
}

fn apply(values: &FormValues, draft: &mut ProfileDraft) {
    for language in Language::ALL {
        if let Some(voice) = values.text(&input_name(language)) {
            draft.set_voice(language, voice);
        }
    }
}

fn summary(draft: &ProfileDraft) -> String {
    let voices: Vec<String> = languages(draft)
        .into_iter()
        .map(|language| {
            let voice = draft.voice(language).unwrap_or_else(|| default_voice(language).to_string());
            format!("{}: {voice}", language.code())
        })
        .collect();
    voices.join(", ")
}
