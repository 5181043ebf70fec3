//! Small position helpers over the text as a slice of `char`.
//!
//! Every helper accepts any index, including one past the end, and never panics.

/// Returns whether `c` is a space inside a line: space, tab, no-break space or narrow no-break
/// space (French typography puts the last two before "%" and "€").
pub(super) fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{a0}' | '\u{202f}')
}

/// Returns the index after the ASCII digits starting at `i`.
pub(super) fn digit_end(chars: &[char], i: usize) -> usize {
    let mut end = i;
    while chars.get(end).is_some_and(char::is_ascii_digit) {
        end += 1;
    }
    end
}

/// Returns the index after the letters starting at `i`.
pub(super) fn letter_end(chars: &[char], i: usize) -> usize {
    let mut end = i;
    while chars.get(end).is_some_and(|c| c.is_alphabetic()) {
        end += 1;
    }
    end
}

/// Returns the index after the blanks starting at `i`.
pub(super) fn skip_blanks(chars: &[char], i: usize) -> usize {
    let mut end = i;
    while chars.get(end).copied().is_some_and(is_blank) {
        end += 1;
    }
    end
}

/// Returns whether `i` ends a word: the end of the text or a character that is neither a letter
/// nor a digit.
pub(super) fn at_boundary(chars: &[char], i: usize) -> bool {
    chars.get(i).is_none_or(|c| !c.is_alphanumeric())
}

/// Returns whether a word starts at `i`: `i` is the first character or follows a character that is
/// not a letter or digit. An ASCII digit before it also counts, because the digits become
/// words followed by a space, and a second pass must see the same word start.
pub(super) fn word_starts(chars: &[char], i: usize) -> bool {
    i == 0
        || chars
            .get(i - 1)
            .is_none_or(|c| !c.is_alphanumeric() || c.is_ascii_digit())
}

/// Copies `chars[start..end]`, clamped to the text.
pub(super) fn text(chars: &[char], start: usize, end: usize) -> String {
    let end = end.min(chars.len());
    let start = start.min(end);
    chars[start..end].iter().collect()
}

/// Matches `pattern` at `i` exactly. Returns the index after it.
pub(super) fn match_exact(chars: &[char], i: usize, pattern: &str) -> Option<usize> {
    let mut end = i;
    for expected in pattern.chars() {
        if chars.get(end) != Some(&expected) {
            return None;
        }
        end += 1;
    }
    Some(end)
}

/// Matches `pattern` at `i` ignoring case. Returns the index after it.
pub(super) fn match_ignore_case(chars: &[char], i: usize, pattern: &str) -> Option<usize> {
    let mut end = i;
    for expected in pattern.chars() {
        let actual = chars.get(end)?;
        if !actual.to_lowercase().eq(expected.to_lowercase()) {
            return None;
        }
        end += 1;
    }
    Some(end)
}

/// Matches `pattern` ignoring case at `i` when it forms a whole word. Returns the index
/// after it.
pub(super) fn match_word(chars: &[char], i: usize, pattern: &str) -> Option<usize> {
    let end = match_ignore_case(chars, i, pattern)?;
    at_boundary(chars, end).then_some(end)
}

/// Returns the last word already written to `out`, as written, skipping trailing blanks.
/// A word is a run of letters and apostrophes.
pub(super) fn last_word(out: &str) -> String {
    let trimmed = out.trim_end_matches(is_blank);
    let start = trimmed
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic() || *c == '\'' || *c == '’')
        .last()
        .map_or(trimmed.len(), |(index, _)| index);
    trimmed[start..].to_string()
}
