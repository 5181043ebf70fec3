//! A receptionist conversation over text: each caller turn is read by the
//! model under the grammar, then the dialogue decides and answers.
//!
//! `standardiste chat` and the scenario suite drive it with typed words;
//! the call loop drives the same dialogue with transcripts.

use std::sync::Arc;

use time::PrimitiveDateTime;

use super::dialogue::{Desk, Dialogue, Part, Response};
use super::llm::{Llm, Message, Role};
use super::prompt::{self, CallContext};
use super::reception::{self, Reading};

/// The appointment book, as a conversation holds it across blocking calls.
pub type SharedDesk = Box<dyn Desk + Send>;

/// What the box answered to one caller turn.
#[derive(Debug, Clone)]
pub struct Answer {
    /// Everything the box says, the model's reply in place.
    pub spoken: String,
    pub response: Response,
    pub reading: Reading,
}

/// A conversation in progress.
pub struct Conversation {
    llm: Llm,
    grammar: Arc<str>,
    instructions: Arc<String>,
    context: CallContext,
    history: Vec<Message>,
    now: PrimitiveDateTime,
    /// Taken out while a blocking step runs, and put back after.
    state: Option<(Dialogue, SharedDesk)>,
}

impl Conversation {
    /// `instructions` is the stable system prompt with the understanding
    /// rules; `now` is the business's local time of the call.
    pub fn new(llm: Llm, instructions: Arc<String>, dialogue: Dialogue, desk: SharedDesk, now: PrimitiveDateTime) -> Conversation {
        let format = time::macros::format_description!("[weekday] [day padding:none] [month repr:long] [year], [hour]:[minute]");
        Conversation {
            llm,
            grammar: reception::grammar(),
            instructions,
            context: CallContext {
                now: now.format(&format).unwrap_or_default(),
                language: None,
            },
            history: Vec::new(),
            now,
            state: Some((dialogue, desk)),
        }
    }

    /// Adds what the box said outside a turn (the greeting) to the history.
    pub fn box_said(&mut self, text: &str) {
        self.history.push(Message {
            role: Role::Assistant,
            content: text.to_string(),
        });
    }

    /// The dialogue, for its intake; `None` only while a turn is running.
    pub fn dialogue(&self) -> Option<&Dialogue> {
        self.state.as_ref().map(|(dialogue, _)| dialogue)
    }

    /// Reads the caller's words and answers them.
    pub async fn caller_says(&mut self, heard: &str) -> Answer {
        self.history.push(Message {
            role: Role::User,
            content: heard.to_string(),
        });
        let messages = prompt::messages(&self.instructions, &self.context, &self.history);
        let reading = reception::read_turn(&self.llm, messages, self.grammar.clone()).await;
        let response = match &reading.result {
            Ok(understanding) => {
                let understanding = understanding.clone();
                let heard = heard.to_string();
                let now = self.now;
                self.blocking(move |dialogue, desk| dialogue.respond(&understanding, &heard, now, desk.as_mut()))
                    .await
            }
            Err(error) => {
                tracing::warn!(%error, "the model's reading of a turn is unusable; the box asks again");
                self.blocking(|dialogue, _| dialogue.pardon()).await
            }
        };
        if let Some(language) = self.dialogue().map(|d| d.language()) {
            self.context.language = prompt::language_name(language).map(str::to_string);
        }
        let model_reply = reading.result.as_ref().map(|u| u.reply.clone()).unwrap_or_default();
        let spoken = response
            .say
            .iter()
            .map(|part| match part {
                Part::Model => model_reply.clone(),
                Part::Text(text) => text.clone(),
            })
            .collect::<Vec<_>>()
            .join(" ");
        self.box_said(&spoken);
        Answer { spoken, response, reading }
    }

    /// A key the caller pressed; `None` when the box has nothing to say to it.
    pub async fn key(&mut self, digit: char) -> Option<String> {
        let response = self.blocking(move |dialogue, _| dialogue.key(digit)).await?;
        let spoken = response.spoken();
        self.box_said(&spoken);
        Some(spoken)
    }

    /// Runs `step` on the dialogue and the appointment book off the async
    /// threads: the book is a SQLite file.
    async fn blocking<T: Send + 'static>(
        &mut self,
        step: impl FnOnce(&mut Dialogue, &mut SharedDesk) -> T + Send + 'static,
    ) -> T {
        let (mut dialogue, mut desk) = self.state.take().expect("a conversation runs one turn at a time");
        let (dialogue, desk, value) = tokio::task::spawn_blocking(move || {
            let value = step(&mut dialogue, &mut desk);
            (dialogue, desk, value)
        })
        .await
        .expect("a dialogue step does not panic");
        self.state = Some((dialogue, desk));
        value
    }
}
