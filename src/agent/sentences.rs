//! Cuts streamed LLM text into sentences, so each can be synthesised and
//! played while the next is still being generated.

/// Words whose trailing full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "dr", "mr", "mrs", "ms", "st", "mt", "no", "vs", "etc", "e.g", "i.e", "approx", "m", "mme", "mlle",
];

/// A clause longer than this many characters is cut at a comma or colon,
/// so a long first sentence does not delay the first audio.
const LONG_CLAUSE_CHARS: usize = 90;

/// Accumulates text and hands out whole sentences.
#[derive(Debug, Default)]
pub struct SentenceSplitter {
    buffer: String,
}

impl SentenceSplitter {
    pub fn new() -> SentenceSplitter {
        SentenceSplitter::default()
    }

    /// Adds streamed text and returns the sentences it completed.
    pub fn push(&mut self, text: &str) -> Vec<String> {
        self.buffer.push_str(text);
        let mut sentences = Vec::new();
        while let Some(end) = self.find_boundary() {
            let sentence: String = self.buffer.drain(..end).collect();
            let sentence = clean(&sentence);
            if !sentence.is_empty() {
                sentences.push(sentence);
            }
        }
        sentences
    }

    /// Returns what is left once the stream has ended.
    pub fn finish(&mut self) -> Option<String> {
        let rest = clean(&std::mem::take(&mut self.buffer));
        (!rest.is_empty()).then_some(rest)
    }

    /// Byte index just past the first sentence boundary, if the buffer has one.
    fn find_boundary(&self) -> Option<usize> {
        let chars: Vec<(usize, char)> = self.buffer.char_indices().collect();
        for (position, &(index, c)) in chars.iter().enumerate() {
            let next = chars.get(position + 1).map(|&(_, n)| n);
            let end = index + c.len_utf8();
            if c == '\n' {
                return Some(end);
            }
            // A boundary needs the following character, to tell "9.30" from "9. ".
            let Some(next) = next else { break };
            if !next.is_whitespace() {
                continue;
            }
            match c {
                '!' | '?' => return Some(end),
                '.' if !ends_with_abbreviation(&self.buffer[..index]) => return Some(end),
                ',' | ';' | ':' if index >= LONG_CLAUSE_CHARS => return Some(end),
                _ => {}
            }
        }
        None
    }
}

fn ends_with_abbreviation(text: &str) -> bool {
    let word = text
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("")
        .to_lowercase();
    ABBREVIATIONS.contains(&word.as_str()) || (word.len() == 1 && word.chars().all(|c| c.is_alphabetic()))
}

/// Removes what a voice should not read: markdown marks, emojis, stray spaces.
pub fn clean(text: &str) -> String {
    let kept: String = text
        .chars()
        .filter(|c| !matches!(c, '*' | '#' | '`' | '_' | '~' | '|' | '<' | '>'))
        .filter(|c| !is_emoji(*c))
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_emoji(c: char) -> bool {
    matches!(u32::from(c), 0x1F300..=0x1FAFF | 0x2600..=0x27BF | 0xFE0F)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_stream(pieces: &[&str]) -> Vec<String> {
        let mut splitter = SentenceSplitter::new();
        let mut sentences: Vec<String> = pieces.iter().flat_map(|p| splitter.push(p)).collect();
        sentences.extend(splitter.finish());
        sentences
    }

    #[test]
    fn splits_sentences_across_tokens() {
        let sentences = split_stream(&["We are open", " from 9", ".30 to 18", ":00. Do you", " need anything", " else? Good", "bye!"]);
        assert_eq!(sentences, ["We are open from 9.30 to 18:00.", "Do you need anything else?", "Goodbye!"]);
    }

    #[test]
    fn keeps_abbreviations_and_initials() {
        let sentences = split_stream(&["Dr. Martin sees patients with J. Smith on Monday. Yes."]);
        assert_eq!(sentences, ["Dr. Martin sees patients with J. Smith on Monday.", "Yes."]);
    }

    #[test]
    fn emits_a_sentence_only_when_the_next_character_arrives() {
        let mut splitter = SentenceSplitter::new();
        assert!(splitter.push("Open at 9.").is_empty());
        assert_eq!(splitter.push(" Closed"), ["Open at 9."]);
    }

    #[test]
    fn strips_markdown_and_emojis() {
        let sentences = split_stream(&["**Opening hours**: Monday 9:00 😀\n- Tuesday closed"]);
        assert_eq!(sentences, ["Opening hours: Monday 9:00", "- Tuesday closed"]);
    }

    #[test]
    fn cuts_a_long_clause_at_a_comma() {
        let long = "We can see you on Tuesday morning or on Wednesday afternoon at the clinic on Harbor Street, just tell me which suits you";
        let sentences = split_stream(&[long]);
        assert_eq!(sentences.len(), 2, "{sentences:?}");
    }

    #[test]
    fn french_punctuation_spacing() {
        let sentences = split_stream(&["Nous sommes ouverts ! Le lundi ? Oui."]);
        assert_eq!(sentences, ["Nous sommes ouverts !", "Le lundi ?", "Oui."]);
    }
}
