//! Abbreviations a speech synthesiser would spell or misread: titles, street types, "No.".

use super::cursor::{at_boundary, letter_end, match_exact, skip_blanks, text};
use super::{Rewrite, Site};
use crate::Lang;

/// When an abbreviation is expanded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum When {
    Always,
    /// A digit follows, after optional blanks: "No. 5", "n°5".
    BeforeDigit,
    /// A capitalised word follows after a blank: "M. Dupont".
    BeforeName,
}

/// One abbreviation: its exact written form, the words it stands for and when it applies.
struct Abbreviation {
    lang: Lang,
    form: &'static str,
    words: &'static str,
    when: When,
}

const fn entry(lang: Lang, form: &'static str, words: &'static str, when: When) -> Abbreviation {
    Abbreviation {
        lang,
        form,
        words,
        when,
    }
}

const TABLE: [Abbreviation; 75] = [
    entry(Lang::En, "Dr.", "Doctor", When::Always),
    entry(Lang::En, "Mr.", "Mister", When::Always),
    entry(Lang::En, "Mrs.", "Missus", When::Always),
    entry(Lang::En, "Prof.", "Professor", When::Always),
    entry(Lang::En, "Ave.", "Avenue", When::Always),
    entry(Lang::En, "Rd.", "Road", When::Always),
    entry(Lang::En, "No.", "number", When::BeforeDigit),
    entry(Lang::En, "no.", "number", When::BeforeDigit),
    entry(Lang::En, "No", "number", When::BeforeDigit),
    entry(Lang::En, "approx.", "approximately", When::Always),
    entry(Lang::En, "etc.", "et cetera", When::Always),
    entry(Lang::En, "n°", "number", When::Always),
    entry(Lang::Fr, "Dr.", "docteur", When::Always),
    entry(Lang::Fr, "Dr", "docteur", When::BeforeName),
    entry(Lang::Fr, "Pr.", "professeur", When::Always),
    entry(Lang::Fr, "Pr", "professeur", When::BeforeName),
    entry(Lang::Fr, "M.", "monsieur", When::BeforeName),
    entry(Lang::Fr, "MM.", "messieurs", When::BeforeName),
    entry(Lang::Fr, "Mme", "madame", When::Always),
    entry(Lang::Fr, "Mme.", "madame", When::Always),
    entry(Lang::Fr, "Mmes", "mesdames", When::Always),
    entry(Lang::Fr, "Mlle", "mademoiselle", When::Always),
    entry(Lang::Fr, "av.", "avenue", When::Always),
    entry(Lang::Fr, "bd", "boulevard", When::BeforeName),
    entry(Lang::Fr, "bd.", "boulevard", When::Always),
    entry(Lang::Fr, "n°", "numéro", When::Always),
    entry(Lang::Fr, "N°", "numéro", When::Always),
    entry(Lang::Fr, "nº", "numéro", When::Always),
    entry(Lang::Fr, "tél.", "téléphone", When::Always),
    entry(Lang::Fr, "Tél.", "téléphone", When::Always),
    entry(Lang::Fr, "env.", "environ", When::Always),
    entry(Lang::Fr, "etc.", "et cetera", When::Always),
    entry(Lang::De, "Dr.", "Doktor", When::Always),
    entry(Lang::De, "Prof.", "Professor", When::Always),
    entry(Lang::De, "Nr.", "Nummer", When::BeforeDigit),
    entry(Lang::De, "Str.", "Straße", When::Always),
    entry(Lang::De, "z.B.", "zum Beispiel", When::Always),
    entry(Lang::De, "z. B.", "zum Beispiel", When::Always),
    entry(Lang::De, "bzw.", "beziehungsweise", When::Always),
    entry(Lang::De, "usw.", "und so weiter", When::Always),
    entry(Lang::De, "ca.", "circa", When::Always),
    entry(Lang::De, "Tel.", "Telefon", When::Always),
    entry(Lang::De, "inkl.", "inklusive", When::Always),
    entry(Lang::De, "ggf.", "gegebenenfalls", When::Always),
    entry(Lang::De, "d.h.", "das heißt", When::Always),
    entry(Lang::De, "d. h.", "das heißt", When::Always),
    entry(Lang::De, "Hr.", "Herr", When::BeforeName),
    entry(Lang::De, "Fr.", "Frau", When::BeforeName),
    entry(Lang::Es, "Dr.", "doctor", When::Always),
    entry(Lang::Es, "Dra.", "doctora", When::Always),
    entry(Lang::Es, "Sr.", "señor", When::Always),
    entry(Lang::Es, "Sra.", "señora", When::Always),
    entry(Lang::Es, "Srta.", "señorita", When::Always),
    entry(Lang::Es, "Ud.", "usted", When::Always),
    entry(Lang::Es, "Uds.", "ustedes", When::Always),
    entry(Lang::Es, "Av.", "avenida", When::Always),
    entry(Lang::Es, "Avda.", "avenida", When::Always),
    entry(Lang::Es, "nº", "número", When::Always),
    entry(Lang::Es, "n.º", "número", When::Always),
    entry(Lang::Es, "Nº", "número", When::Always),
    entry(Lang::Es, "núm.", "número", When::Always),
    entry(Lang::Es, "tel.", "teléfono", When::Always),
    entry(Lang::Es, "etc.", "etcétera", When::Always),
    entry(Lang::Es, "aprox.", "aproximadamente", When::Always),
    entry(Lang::It, "Dr.", "dottor", When::Always),
    entry(Lang::It, "Dott.", "dottor", When::Always),
    entry(Lang::It, "Dott.ssa", "dottoressa", When::Always),
    entry(Lang::It, "Sig.", "signor", When::Always),
    entry(Lang::It, "Sig.ra", "signora", When::Always),
    entry(Lang::It, "Prof.", "professor", When::Always),
    entry(Lang::It, "n.", "numero", When::BeforeDigit),
    entry(Lang::It, "n°", "numero", When::Always),
    entry(Lang::It, "nº", "numero", When::Always),
    entry(Lang::It, "tel.", "telefono", When::Always),
    entry(Lang::It, "ecc.", "eccetera", When::Always),
];

/// Returns whether the condition of an abbreviation ending at `end` holds.
fn applies(chars: &[char], end: usize, when: When) -> bool {
    let next = skip_blanks(chars, end);
    match when {
        When::Always => true,
        When::BeforeDigit => chars.get(next).is_some_and(char::is_ascii_digit),
        When::BeforeName => next > end && chars.get(next).is_some_and(|c| c.is_uppercase()),
    }
}

/// Expands the abbreviation at `start`, which begins a word. The longest matching form
/// wins. A form ending in "." that ends the text or a line keeps its dot as the full stop.
pub(super) fn expand(site: &Site, start: usize) -> Option<Rewrite> {
    let chars = site.chars;
    if let Some(rewrite) = english_street_or_saint(site, start) {
        return Some(rewrite);
    }
    if let Some(rewrite) = german_street_suffix(site, start) {
        return Some(rewrite);
    }
    let (abbreviation, end) = TABLE
        .iter()
        .filter(|abbreviation| abbreviation.lang == site.lang)
        .filter_map(|abbreviation| {
            let end = match_exact(chars, start, abbreviation.form)?;
            let ends_word = abbreviation.form.ends_with(|c: char| !c.is_alphanumeric())
                || at_boundary(chars, end);
            (ends_word && applies(chars, end, abbreviation.when)).then_some((abbreviation, end))
        })
        .max_by_key(|(abbreviation, _)| abbreviation.form.len())?;
    let mut words = abbreviation.words.to_string();
    if abbreviation.form.ends_with('.') && matches!(chars.get(end), None | Some('\n' | '\r')) {
        words.push('.');
    }
    Some(Rewrite { end, words })
}

/// Expands English "St.": "Saint" before a name unless a capitalised word comes before it
/// ("at St. Mary's"), "Street" otherwise ("12 Main St.").
///
/// NOTE: a capitalised word at the start of a sentence counts as a street name, so "Visit
/// St. Louis" reads "Street".
fn english_street_or_saint(site: &Site, start: usize) -> Option<Rewrite> {
    if site.lang != Lang::En {
        return None;
    }
    let chars = site.chars;
    let end = match_exact(chars, start, "St.")?;
    let after_name = site.previous_word.starts_with(|c: char| c.is_uppercase());
    let before_name = applies(chars, end, When::BeforeName);
    let mut words = if before_name && !after_name {
        "Saint".to_string()
    } else {
        "Street".to_string()
    };
    if matches!(chars.get(end), None | Some('\n' | '\r')) {
        words.push('.');
    }
    Some(Rewrite { end, words })
}

/// Expands a German street name ending in "str." ("Hauptstr. 5" to "Hauptstraße 5").
fn german_street_suffix(site: &Site, start: usize) -> Option<Rewrite> {
    if site.lang != Lang::De {
        return None;
    }
    let chars = site.chars;
    let end = letter_end(chars, start);
    let word = text(chars, start, end);
    let stem = word.strip_suffix("str").filter(|stem| !stem.is_empty())?;
    if chars.get(end) != Some(&'.') {
        return None;
    }
    Some(Rewrite {
        end: end + 1,
        words: format!("{stem}straße"),
    })
}
