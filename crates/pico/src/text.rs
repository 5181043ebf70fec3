//! Cleaning of caller text before it reaches the engine.

use crate::error::PicoError;

/// The maximum length of text, in UTF-8 bytes, that one call synthesises.
/// Pico spoke 10 characters in 0.5 to 0.85 s in the tests of every language,
/// so this is over 15 minutes of speech, far more than one reply. Longer text
/// is a caller's mistake and is rejected.
pub const MAX_TEXT_BYTES: usize = 20_000;

/// The maximum length, in bytes, of a run of non-space text that reaches the
/// engine.
/// The engine cuts longer tokens at 255 bytes, possibly inside a UTF-8
/// character, and then loops forever on the piece that starts with a
/// continuation byte (`picobase_lowercase_utf8_str` in ttspico-sys 0.1.5;
/// 320 × `é` hangs). 100 bytes is longer than any word of the six languages.
const MAX_WORD_BYTES: usize = 100;

/// The maximum number of ASCII punctuation marks kept in a row. The engine reads each mark as
/// a pause of about 0.4 s, so a row of 160 marks gave a minute of silence.
const MAX_PUNCTUATION_RUN: usize = 4;

/// Returns `text` as the engine may read it:
/// - control characters and every kind of whitespace become a plain space,
///   because NUL makes the engine flush in mid-text and the others have no
///   sound;
/// - `<` and `>` become spaces, because Pico reads `<...>` as markup, and
///   its `play`, `usesig` and `genfile` tags read and write files named in
///   the text;
/// - a run of non-space characters longer than [`MAX_WORD_BYTES`] is split
///   with a space;
/// - a run of ASCII punctuation is cut to [`MAX_PUNCTUATION_RUN`] marks.
///
/// Rejects text longer than [`MAX_TEXT_BYTES`].
pub(crate) fn clean_text(text: &str) -> Result<String, PicoError> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(PicoError::TextTooLong {
            bytes: text.len(),
            max: MAX_TEXT_BYTES,
        });
    }
    let mut cleaned = String::with_capacity(text.len());
    let mut word_bytes = 0;
    let mut punctuation_run = 0;
    for c in text.chars() {
        if is_separator(c) {
            cleaned.push(' ');
            word_bytes = 0;
            punctuation_run = 0;
            continue;
        }

        if c.is_ascii_punctuation() {
            punctuation_run += 1;
            if punctuation_run > MAX_PUNCTUATION_RUN {
                continue;
            }
        } else {
            punctuation_run = 0;
        }

        if word_bytes + c.len_utf8() > MAX_WORD_BYTES {
            cleaned.push(' ');
            word_bytes = 0;
        }
        cleaned.push(c);
        word_bytes += c.len_utf8();
    }
    Ok(cleaned)
}

/// Tells whether `c` is passed to the engine as a plain space.
fn is_separator(c: char) -> bool {
    c.is_control() || c.is_whitespace() || c == '<' || c == '>'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_text_replaces_markup_and_control_characters() {
        let cleaned = clean_text("a<genfile file=\"/tmp/x.wav\">b\0c\td\u{7f}e\n").unwrap();
        assert_eq!(cleaned, "a genfile file=\"/tmp/x.wav\" b c d e ");
    }

    #[test]
    fn clean_text_replaces_unicode_whitespace() {
        let cleaned = clean_text("a\u{a0}b\u{2028}c\u{3000}d").unwrap();
        assert_eq!(cleaned, "a b c d");
    }

    #[test]
    fn clean_text_keeps_letters_and_emoji() {
        let text = "Ça coûte 12,50 € 🙂 ß ñ";
        assert_eq!(clean_text(text).unwrap(), text);
    }

    #[test]
    fn clean_text_splits_long_words() {
        let cleaned = clean_text(&"é".repeat(320)).unwrap();
        let words: Vec<&str> = cleaned.split(' ').collect();
        assert_eq!(words.len(), 7, "{cleaned}");
        for word in &words {
            assert!(word.len() <= MAX_WORD_BYTES, "{} bytes", word.len());
        }
        assert_eq!(words.concat(), "é".repeat(320));
    }

    #[test]
    fn clean_text_keeps_long_real_words() {
        let word = "Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz";
        assert_eq!(clean_text(word).unwrap(), word);
    }

    #[test]
    fn clean_text_cuts_punctuation_runs() {
        assert_eq!(
            clean_text("Allô ?!?!?!?! Oui...... ok").unwrap(),
            "Allô ?!?! Oui.... ok"
        );
        assert_eq!(clean_text("a.b.c.d.e").unwrap(), "a.b.c.d.e");
    }

    #[test]
    fn clean_text_rejects_long_text() {
        let text = "a".repeat(MAX_TEXT_BYTES + 1);
        let message = clean_text(&text).unwrap_err().to_string();
        assert!(
            message.contains(&format!("{}", MAX_TEXT_BYTES + 1)),
            "{message}"
        );
        assert!(message.contains("split it into sentences"), "{message}");
    }

    #[test]
    fn clean_text_accepts_text_at_the_limit() {
        let text = "a ".repeat(MAX_TEXT_BYTES / 2);
        assert_eq!(clean_text(&text).unwrap().len(), MAX_TEXT_BYTES);
    }
}
