//! The text scanner behind [`crate::normalize`]: walks the text once and replaces each
//! token it recognises with words, copying everything else unchanged.

mod abbrev;
mod calendar;
mod clock;
mod cursor;
mod money;
mod number;
mod numeric;
mod phone_run;

use crate::Lang;
use cursor::{last_word, word_starts};

/// A replacement: the words to write and the index of the first character not consumed.
#[derive(Debug)]
pub(crate) struct Rewrite {
    pub end: usize,
    pub words: String,
}

/// What a matcher may look at: the whole text, the language and the last word already
/// written, which decides articles and grammatical endings.
pub(crate) struct Site<'a> {
    pub chars: &'a [char],
    pub lang: Lang,
    pub previous_word: String,
}

/// Rewrites every token of `text` that reads badly as written. See the crate
/// documentation for the rules.
pub fn normalize(text: &str, lang: Lang) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    let mut i = 0;
    while i < chars.len() {
        let rewrite = if may_start_token(&chars, i) {
            let site = Site {
                chars: &chars,
                lang,
                previous_word: last_word(&out),
            };
            rewrite_at(&site, i)
        } else {
            None
        };
        match rewrite {
            Some(rewrite) if rewrite.end > i => {
                write_words(&mut out, &rewrite.words, chars.get(rewrite.end).copied());
                i = rewrite.end;
            }
            _ => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    out
}

/// Returns whether a matcher could start at `i`, which keeps the scan cheap on plain words.
fn may_start_token(chars: &[char], i: usize) -> bool {
    match chars[i] {
        c if c.is_ascii_digit() => true,
        '+' | '-' | '\u{2212}' | '(' | '$' | '€' | '£' | '&' => true,
        c if c.is_alphabetic() => word_starts(chars, i),
        _ => false,
    }
}

fn rewrite_at(site: &Site, i: usize) -> Option<Rewrite> {
    let c = *site.chars.get(i)?;
    if c == '&' {
        return Some(Rewrite {
            end: i + 1,
            words: conjunction(site.lang).to_string(),
        });
    }
    if c.is_alphabetic() {
        return money::prefixed(site, i)
            .or_else(|| calendar::month_first(site, i))
            .or_else(|| abbrev::expand(site, i));
    }
    numeric::rewrite(site, i)
}

/// Returns the word for "&".
fn conjunction(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "and",
        Lang::Fr => "et",
        Lang::De => "und",
        Lang::Es => "y",
        Lang::It => "e",
    }
}

/// Appends `words`, with a space on each side where a letter or digit would otherwise touch
/// them ("B12" becomes "B twelve").
fn write_words(out: &mut String, words: &str, next: Option<char>) {
    let touches_before = out.chars().next_back().is_some_and(char::is_alphanumeric)
        && words.starts_with(char::is_alphanumeric);
    if touches_before {
        out.push(' ');
    }
    out.push_str(words);
    let touches_after = next.is_some_and(char::is_alphanumeric)
        && words.ends_with(|c: char| c.is_alphanumeric() || c == '\'');
    if touches_after {
        out.push(' ');
    }
}
