//! Cleaning of free text before it goes into a recap: one line, no invisible
//! characters, bounded length.

use crate::model::{Speaker, TranscriptLine};

/// Maximum characters of a caller's name in the email and the webhook.
pub(crate) const NAME_CHARS: usize = 200;
/// Maximum characters of the reason in the email and the webhook.
pub(crate) const REASON_CHARS: usize = 2000;
/// Maximum characters of short labels: business, line, service, escalation.
pub(crate) const LABEL_CHARS: usize = 200;
/// Maximum characters of a phone number. A real number has at most 15 digits
/// (ITU-T E.164) plus a few separators.
pub(crate) const NUMBER_CHARS: usize = 40;
/// Maximum characters of the transcript link.
pub(crate) const LINK_CHARS: usize = 2000;
/// Maximum characters of a language code.
pub(crate) const LANGUAGE_CHARS: usize = 16;
/// Maximum characters of one transcript line.
pub(crate) const TRANSCRIPT_LINE_CHARS: usize = 2000;
/// Maximum characters of the whole transcript. Lines past it are left out,
/// which keeps an email or webhook body far below the outbox's 1 MiB limit.
pub(crate) const TRANSCRIPT_CHARS: usize = 100_000;

/// Characters that change the display of the text around them without being
/// seen: zero-width space, direction marks, direction embeddings, overrides
/// and isolates, word joiner and byte order mark. A name containing U+202E
/// could otherwise show a phone number reversed. Zero-width joiners stay,
/// because emoji sequences and some scripts need them.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'
    )
}

/// Returns `text` on one line: control characters and line or paragraph
/// separators become spaces, invisible format characters are removed, runs
/// of whitespace become one space, and the ends are trimmed.
pub(crate) fn one_line(text: &str) -> String {
    let mut line = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if is_invisible_format(c) {
            continue;
        }
        if c.is_control() || c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && !line.is_empty() {
            line.push(' ');
        }
        pending_space = false;
        line.push(c);
    }
    line
}

/// Characters of the end of a cut text searched for a space, so that a cut
/// falls between words when one is near.
const WORD_BOUNDARY_WINDOW: usize = 16;

/// Returns at most `max` characters of `text`. A cut text ends with `…`, and
/// the cut moves back to a space when one is within the last few characters.
///
/// NOTE: the cut falls between characters, not grapheme clusters, so it can
/// split an emoji sequence or a letter from its combining accent.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    let prefix: Vec<char> = text.chars().take(max - 1).collect();
    let window_start = prefix.len().saturating_sub(WORD_BOUNDARY_WINDOW);
    let end = prefix[window_start..]
        .iter()
        .rposition(|c| *c == ' ')
        .map(|offset| window_start + offset)
        .filter(|&end| end > 0)
        .unwrap_or(prefix.len());
    let mut cut: String = prefix[..end].iter().collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

/// Returns `value` on one line and cut to `max` characters, or `None` when it
/// is missing or blank.
pub(crate) fn field(value: Option<&str>, max: usize) -> Option<String> {
    let line = one_line(value?);
    if line.is_empty() {
        None
    } else {
        Some(truncate(&line, max))
    }
}

/// Returns the transcript cleaned and bounded: each line on one line and cut
/// to [`TRANSCRIPT_LINE_CHARS`], blank lines dropped, and no lines once
/// [`TRANSCRIPT_CHARS`] are reached. Also returns how many lines were left out.
pub(crate) fn bounded_transcript(lines: &[TranscriptLine]) -> (Vec<(Speaker, String)>, usize) {
    let mut included = Vec::new();
    let mut total = 0;
    for (index, line) in lines.iter().enumerate() {
        let Some(text) = field(Some(&line.text), TRANSCRIPT_LINE_CHARS) else {
            continue;
        };
        total += text.chars().count();
        if total > TRANSCRIPT_CHARS {
            let omitted = lines[index..]
                .iter()
                .filter(|line| !one_line(&line.text).is_empty())
                .count();
            return (included, omitted);
        }
        included.push((line.speaker, text));
    }
    (included, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_table() {
        let cases = [
            ("Alex Martin", "Alex Martin"),
            ("  Alex\r\n\tMartin  ", "Alex Martin"),
            ("a\u{2028}b\u{2029}c\u{85}d", "a b c d"),
            ("+33\u{202E}6 12", "+336 12"),
            ("\u{FEFF}\u{200B}x", "x"),
            ("👨\u{200D}👩", "👨\u{200D}👩"),
            ("\0\u{1B}[31m", "[31m"),
            ("", ""),
            (" \n ", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(one_line(input), expected, "{input:?}");
        }
    }

    #[test]
    fn truncate_table() {
        let cases = [
            ("short", 10, "short"),
            ("exactly10!", 10, "exactly10!"),
            ("abcdefghijkl", 5, "abcd…"),
            ("broken tooth and swelling", 14, "broken tooth…"),
            ("éééééé", 3, "éé…"),
            ("anything", 1, "…"),
            ("anything", 0, ""),
        ];
        for (input, max, expected) in cases {
            let cut = truncate(input, max);
            assert_eq!(cut, expected, "{input:?} to {max}");
            assert!(cut.chars().count() <= max, "{input:?} to {max}");
        }
    }

    #[test]
    fn field_drops_blank_values() {
        assert_eq!(field(None, 10), None);
        assert_eq!(field(Some(" \n "), 10), None);
        assert_eq!(field(Some(" Alex "), 10).as_deref(), Some("Alex"));
    }
}
