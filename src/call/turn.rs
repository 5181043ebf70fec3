//! One reply from the box: LLM text streamed into sentences, each synthesised
//! and handed to the call loop as soon as it is ready, so the caller hears the
//! first sentence while the rest is still being written.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::mpsc;

use crate::agent::llm::{GenerationStats, Llm, LlmEvent, Message};
use crate::agent::sentences::SentenceSplitter;
use crate::speech::tts::{Speech, Tts};

/// Sentences in one spoken reply. A receptionist answers in a few sentences;
/// a small model left alone may recite the whole profile, so generation stops here.
const MAX_SENTENCES: usize = 3;

/// Event that a reply task sends to the call loop.
#[derive(Debug)]
pub enum ReplyEvent {
    /// A sentence ready to play.
    Sentence {
        reply: u64,
        text: String,
        speech: Speech,
        /// For the first sentence: LLM time from the request to the end of this sentence.
        llm_first_ms: Option<u64>,
    },
    /// The reply is complete, cancelled or failed; `text` is what was generated.
    Finished {
        reply: u64,
        text: String,
        error: Option<String>,
        stats: Option<GenerationStats>,
    },
}

/// Inputs of one reply.
pub struct ReplyJob {
    pub reply: u64,
    pub messages: Vec<Message>,
    pub max_tokens: usize,
    pub cancel: Arc<AtomicBool>,
    pub llm: Llm,
    pub tts: Tts,
}

/// Runs a reply to completion, sending its sentences and its end to `events`.
pub async fn run_reply(mut job: ReplyJob, events: mpsc::Sender<ReplyEvent>) {
    let started = Instant::now();
    let mut text = String::new();
    let mut splitter = SentenceSplitter::new();
    let mut first = true;
    let mut spoken = 0;
    let mut error = None;
    let mut stats = None;

    let messages = std::mem::take(&mut job.messages);
    let mut pieces = match job.llm.generate(messages, job.max_tokens, job.cancel.clone()).await {
        Ok(pieces) => pieces,
        Err(e) => {
            let _ = events
                .send(ReplyEvent::Finished { reply: job.reply, text, error: Some(e.to_string()), stats })
                .await;
            return;
        }
    };
    while let Some(event) = pieces.recv().await {
        match event {
            LlmEvent::Text(piece) => {
                text.push_str(&piece);
                for sentence in splitter.push(&piece) {
                    if spoken == MAX_SENTENCES {
                        break;
                    }
                    // A clause cut at a comma does not count as a sentence.
                    let whole = sentence.ends_with(['.', '!', '?']);
                    if !speak(&job, &events, sentence, &mut first, started).await {
                        return;
                    }
                    spoken += usize::from(whole);
                }
                if spoken == MAX_SENTENCES {
                    // Enough said: stop the LLM and drop what it has not finished.
                    job.cancel.store(true, Ordering::Relaxed);
                    text = text.trim().to_string();
                    break;
                }
            }
            LlmEvent::Done(done) => {
                stats = Some(done);
                break;
            }
            LlmEvent::Failed(message) => {
                error = Some(message);
                break;
            }
        }
        if job.cancel.load(Ordering::Relaxed) {
            break;
        }
    }
    if !job.cancel.load(Ordering::Relaxed) && spoken < MAX_SENTENCES {
        if let Some(rest) = splitter.finish() {
            if !speak(&job, &events, rest, &mut first, started).await {
                return;
            }
        }
    }
    let _ = events
        .send(ReplyEvent::Finished { reply: job.reply, text: text.trim().to_string(), error, stats })
        .await;
}

/// Synthesises one sentence and sends it; returns false once the call loop has gone.
async fn speak(
    job: &ReplyJob,
    events: &mpsc::Sender<ReplyEvent>,
    sentence: String,
    first: &mut bool,
    started: Instant,
) -> bool {
    if job.cancel.load(Ordering::Relaxed) {
        return true;
    }
    let llm_first_ms = first.then(|| started.elapsed().as_millis() as u64);
    match job.tts.synthesize(&sentence).await {
        Ok(speech) => {
            *first = false;
            events
                .send(ReplyEvent::Sentence { reply: job.reply, text: sentence, speech, llm_first_ms })
                .await
                .is_ok()
        }
        Err(error) => {
            tracing::error!(%error, "speech synthesis failed; the sentence is skipped");
            true
        }
    }
}
