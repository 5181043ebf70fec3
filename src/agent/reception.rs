//! Asking the model what a caller's turn means, under the grammar.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Instant;

use super::llm::{GenerationStats, Llm, LlmEvent, Message};
use super::understand::{self, UnderstandError, Understanding};

/// One understanding with the raw output and timings, for the call record
/// and the benchmark's count of valid outputs.
#[derive(Debug, Clone)]
pub struct Reading {
    pub result: Result<Understanding, UnderstandError>,
    pub raw: String,
    pub stats: Option<GenerationStats>,
    pub elapsed_ms: u64,
}

/// The grammar as the engine takes it, shared by every request.
pub fn grammar() -> Arc<str> {
    Arc::from(understand::GRAMMAR)
}

/// Runs one constrained generation to its end and parses it.
pub async fn read_turn(llm: &Llm, messages: Vec<Message>, grammar: Arc<str>) -> Reading {
    let started = Instant::now();
    let cancel = Arc::new(AtomicBool::new(false));
    let mut raw = String::new();
    let mut stats = None;
    let mut failure = None;
    match llm.generate_constrained(messages, grammar, understand::MAX_TOKENS, cancel).await {
        Ok(mut events) => {
            while let Some(event) = events.recv().await {
                match event {
                    LlmEvent::Text(piece) => raw.push_str(&piece),
                    LlmEvent::Done(done) => {
                        stats = Some(done);
                        break;
                    }
                    LlmEvent::Failed(message) => {
                        failure = Some(message);
                        break;
                    }
                }
            }
        }
        Err(e) => failure = Some(e.to_string()),
    }
    let result = match failure {
        Some(reason) => Err(UnderstandError::Malformed {
            reason,
            chars: raw.chars().count(),
        }),
        // The token limit may cut a long reply; what came before it is whole.
        None if stats.is_some_and(|s| s.generated_tokens >= understand::MAX_TOKENS) => Understanding::parse_cut(&raw),
        None => Understanding::parse(&raw),
    };
    Reading {
        result,
        raw,
        stats,
        elapsed_ms: started.elapsed().as_millis() as u64,
    }
}
