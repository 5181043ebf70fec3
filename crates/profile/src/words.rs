//! Case- and accent-insensitive matching of what callers say against names and aliases.

/// Lowercases `text`, removes the accents of Latin letters and turns everything but letters
/// and digits into single spaces: `"Contrôle-Dentaire!"` becomes `"controle dentaire"`.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match base_letters(c) {
            Some(base) => folded.push_str(base),
            None if c.is_alphanumeric() => folded.push(c),
            None => folded.push(' '),
        }
    }
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Tells whether the folded `phrase` appears in the folded `text` as whole words.
pub(crate) fn contains_phrase(text: &str, phrase: &str) -> bool {
    !phrase.is_empty() && format!(" {text} ").contains(&format!(" {phrase} "))
}

/// Base letters of a lowercase accented Latin letter; `None` for every other character.
fn base_letters(c: char) -> Option<&'static str> {
    let base = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' => "i",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ß' => "ss",
        'ś' | 'š' => "s",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        'ł' => "l",
        _ => return None,
    };
    Some(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_removes_case_accents_and_punctuation() {
        assert_eq!(fold("Contrôle-Dentaire!"), "controle dentaire");
        assert_eq!(fold("  Check-UP  "), "check up");
        assert_eq!(fold("Straße Œuvre"), "strasse oeuvre");
    }

    #[test]
    fn phrase_matches_whole_words_only() {
        assert!(contains_phrase("i need a check up please", "check up"));
        assert!(!contains_phrase("i need a checkup", "check up"));
        assert!(!contains_phrase("recleaning", "cleaning"));
        assert!(!contains_phrase("anything", ""));
    }
}
