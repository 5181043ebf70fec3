//! The call's receptionist: a task that owns the call's conversation (model
//! readings, dialogue, appointment book) and answers the caller's turns and
//! keys one at a time, while the call loop keeps the audio flowing.

use tokio::sync::mpsc;

use crate::agent::conversation::Conversation;
use crate::agent::dialogue::{Intake, Response};

/// Turns and keys waiting for the receptionist. The call loop uses
/// `try_send`: when the queue is full (a caller pressing keys faster than
/// the model reads), the new item is dropped with a warning rather than
/// stalling the audio.
pub const ASK_QUEUE: usize = 8;

/// A caller's turn or key press, or an event of the call the receptionist must act on.
#[derive(Debug)]
pub enum Ask {
    /// A caller turn. `language` is the language speech-to-text identified
    /// with confidence, if any. `goodbye` marks a plain goodbye, which needs
    /// no model reading.
    Heard { turn: u64, text: String, language: Option<String>, goodbye: bool },
    Key { turn: u64, digit: char },
    /// The transfer the last answer asked for failed.
    TransferFailed { turn: u64 },
}

/// The model's reading of a heard turn, stored with the call.
#[derive(Debug, Clone)]
pub struct ReadingNote {
    pub intent: Option<String>,
    pub error: Option<String>,
    pub elapsed_ms: u64,
}

/// The receptionist's answer to one [`Ask`].
#[derive(Debug)]
pub struct Reply {
    pub turn: u64,
    /// What to say; empty for a key the box does not respond to.
    pub spoken: String,
    pub response: Response,
    /// ISO code of the language the box answers in from now on.
    pub language: &'static str,
    pub intake: Intake,
    pub reading: Option<ReadingNote>,
}

/// Starts the receptionist for one call. It answers each [`Ask`] in order on
/// `replies` and ends when the call loop drops its sender.
pub fn spawn(conversation: Conversation, replies: mpsc::Sender<Reply>) -> mpsc::Sender<Ask> {
    let (asks, mut pending) = mpsc::channel::<Ask>(ASK_QUEUE);
    tokio::spawn(async move {
        let mut conversation = conversation;
        while let Some(ask) = pending.recv().await {
            let reply = answer(&mut conversation, ask).await;
            if replies.send(reply).await.is_err() {
                break;
            }
        }
    });
    asks
}

async fn answer(conversation: &mut Conversation, ask: Ask) -> Reply {
    let (turn, spoken, response, reading) = match ask {
        Ask::Heard { turn, text, language, goodbye } => {
            if let Some(code) = language {
                conversation.hear_language(&code);
            }
            if goodbye {
                let (spoken, response) = conversation.goodbye(&text).await;
                (turn, spoken, response, None)
            } else {
                let answer = conversation.caller_says(&text).await;
                let reading = ReadingNote {
                    intent: answer
                        .reading
                        .result
                        .as_ref()
                        .ok()
                        .map(|u| format!("{:?}", u.intent).to_lowercase()),
                    error: answer.reading.result.as_ref().err().map(ToString::to_string),
                    elapsed_ms: answer.reading.elapsed_ms,
                };
                (turn, answer.spoken, answer.response, Some(reading))
            }
        }
        Ask::TransferFailed { turn } => {
            let (spoken, response) = conversation.transfer_failed().await;
            (turn, spoken, response, None)
        }
        Ask::Key { turn, digit } => match conversation.key(digit).await {
            Some((spoken, response)) => (turn, spoken, response, None),
            None => (turn, String::new(), Response::default(), None),
        },
    };
    let (language, intake) = conversation
        .dialogue()
        .map(|d| (d.language(), d.intake().clone()))
        .unwrap_or(("en", Intake::default()));
    Reply {
        turn,
        spoken,
        response,
        language,
        intake,
        reading,
    }
}
