//! Spoken texts written once or per language, with fallback on the default language.

use standardiste_profile::{BusinessProfile, Language, Localized};

#[test]
fn single_text_serves_every_language() {
    let profile = BusinessProfile::parse(
        "name = \"X\"\ngreeting = \"Hello\"\nlanguages = [\"en\", \"fr\"]\n",
    )
    .unwrap();
    assert_eq!(profile.greeting, Localized::Text("Hello".to_string()));
    for language in Language::ALL {
        assert_eq!(profile.greeting.get(language), "Hello");
    }
}

#[test]
fn missing_language_falls_back_on_first() {
    let text = r#"
name = "X"
languages = ["fr", "en", "de"]

[greeting]
fr = "Bonjour"
en = "Hello"
"#;
    let profile = BusinessProfile::parse(text).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(profile.default_language(), Language::Fr);
    assert_eq!(profile.greeting.get(Language::Fr), "Bonjour");
    assert_eq!(profile.greeting.get(Language::En), "Hello");
    // German is spoken but has no greeting, and Italian is not listed: French is the default.
    assert_eq!(profile.greeting.get(Language::De), "Bonjour");
    assert_eq!(profile.greeting.get(Language::It), "Bonjour");
}

#[test]
fn built_in_texts_follow_the_default() {
    let profile =
        BusinessProfile::parse("name = \"X\"\ngreeting = \"Bonjour\"\nlanguages = [\"fr\"]\n")
            .unwrap();
    assert_eq!(
        profile.farewell.get(Language::Fr),
        "Merci de votre appel. Au revoir."
    );
    // English is not in `languages`, but the built-in farewell has an English text.
    assert_eq!(
        profile.farewell.get(Language::En),
        "Thank you for calling. Goodbye."
    );
    assert!(profile
        .recording
        .announcement
        .get(Language::Fr)
        .starts_with("Cet appel"));
}

#[test]
fn per_language_built_by_hand() {
    let text = Localized::per_language(
        &[(Language::En, "Hi"), (Language::It, "Ciao")],
        Language::It,
    );
    assert_eq!(text.get(Language::En), "Hi");
    assert_eq!(text.get(Language::Es), "Ciao");
    assert_eq!(text.texts(), vec![(Some("en"), "Hi"), (Some("it"), "Ciao")]);
}
