//! Speaking one answer of the box: its text cut into sentences, each
//! synthesised and handed to the call loop as soon as it is ready, so the
//! caller hears the first sentence while the next is being synthesised.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::agent::sentences::SentenceSplitter;
use crate::speech::tts::{Speaker, Speech, Tts};

/// Event that a speech task sends to the call loop.
#[derive(Debug)]
pub enum ReplyEvent {
    /// A sentence ready to play.
    Sentence { reply: u64, text: String, speech: Speech },
    /// Every sentence was sent, or the speech was cancelled.
    Finished { reply: u64 },
}

/// Inputs of one answer to speak.
pub struct SpeechJob {
    pub reply: u64,
    pub text: String,
    pub voice: Speaker,
    pub cancel: Arc<AtomicBool>,
    pub tts: Tts,
}

/// Synthesises the answer sentence by sentence, sending each to `events`.
/// A sentence that fails to synthesise is skipped with an error in the log.
pub async fn run_speech(job: SpeechJob, events: mpsc::Sender<ReplyEvent>) {
    let mut splitter = SentenceSplitter::new();
    let mut sentences = splitter.push(&job.text);
    sentences.extend(splitter.finish());
    for sentence in sentences {
        if job.cancel.load(Ordering::Relaxed) {
            break;
        }
        match job.tts.speak(&sentence, &job.voice).await {
            Ok(speech) => {
                let event = ReplyEvent::Sentence { reply: job.reply, text: sentence, speech };
                if events.send(event).await.is_err() {
                    return;
                }
            }
            Err(error) => tracing::error!(%error, "speech synthesis failed; the sentence is skipped"),
        }
    }
    let _ = events.send(ReplyEvent::Finished { reply: job.reply }).await;
}
