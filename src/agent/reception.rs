//! Turn reading: the model's interpretation of a caller's turn, with its
//! output constrained by the understanding grammar.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use super::llm::{GenerationStats, Llm, LlmEvent, Message};
use super::understand::{self, UnderstandError, Understanding};

/// The model's reading of one caller turn: the parsed understanding, the raw
/// output and timings, kept for the call record and the benchmark's count of
/// valid outputs.
#[derive(Debug, Clone)]
pub struct Reading {
    pub result: Result<Understanding, UnderstandError>,
    pub raw: String,
    pub stats: Option<GenerationStats>,
    pub elapsed_ms: u64,
}

/// Returns the understanding grammar in the shared form the engine takes, so
/// one copy can be cloned into every request.
pub fn grammar() -> Arc<str> {
    Arc::from(understand::GRAMMAR)
}

/// Runs one constrained generation and parses it. The model is stopped as
/// soon as the fields before the spoken reply are complete, because the
/// reply is written by a free generation afterwards (see
/// [`super::conversation`]), and when a field runs away in a loop, in which
/// case that field is emptied. `language` is the caller's language so far,
/// for a reading closed before its `language` field. Engine and parse errors
/// go into the reading's `result`.
pub async fn read_turn(llm: &Llm, messages: Vec<Message>, grammar: Arc<str>, language: &str) -> Reading {
    let started = Instant::now();
    let cancel = Arc::new(AtomicBool::new(false));
    let mut raw = String::new();
    let mut stats = None;
    let mut failure = None;
    let mut stopped = None;
    match llm.generate_constrained(messages, grammar, understand::MAX_TOKENS, cancel.clone()).await {
        Ok(mut events) => {
            while let Some(event) = events.recv().await {
                match event {
                    LlmEvent::Text(piece) => {
                        raw.push_str(&piece);
                        if stopped.is_none() {
                            if let Some(head) = Understanding::parse_head(&raw) {
                                stopped = Some(head);
                            } else if Understanding::runs_away(&raw) {
                                stopped = Some(Understanding::close_runaway(&raw, language));
                            }
                            if stopped.is_some() {
                                cancel.store(true, Ordering::Relaxed);
                            }
                        }
                    }
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
    let result = match (stopped, failure) {
        (Some(result), _) => result,
        (None, Some(reason)) => Err(UnderstandError::Malformed {
            reason,
            chars: raw.chars().count(),
        }),
        (None, None) => Understanding::parse(&raw),
    };
    Reading {
        result,
        raw,
        stats,
        elapsed_ms: started.elapsed().as_millis() as u64,
    }
}
