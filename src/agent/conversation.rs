//! A receptionist conversation over text: the model reads each caller turn
//! under the grammar, then the dialogue decides the response.
//!
//! `standardiste chat` and the scenario suite drive it with typed words;
//! the call loop drives the same dialogue with transcripts.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use time::PrimitiveDateTime;

use super::dialogue::{Desk, Dialogue, Part, Response};
use super::llm::{Llm, Message, Role};
use super::prompt::{self, CallContext};
use super::llm::LlmEvent;
use super::reception::{self, Reading};
use super::sentences::SentenceSplitter;
use super::understand::Understanding;

/// Tokens of a free answer to a question: two short sentences.
const REPLY_TOKENS: usize = 80;

/// Appointment book in the boxed form a conversation moves into and out of
/// blocking tasks.
pub type SharedDesk = Box<dyn Desk + Send>;

/// The box's response to one caller turn.
#[derive(Debug, Clone)]
pub struct Answer {
    /// Full spoken text, with the model's reply inserted where the dialogue placed it.
    pub spoken: String,
    pub response: Response,
    pub reading: Reading,
}

/// A conversation in progress.
pub struct Conversation {
    llm: Llm,
    grammar: Arc<str>,
    /// System prompt of the readings: the profile's prompt and the understanding rules.
    instructions: Arc<String>,
    /// System prompt of free answers to questions: the profile's prompt.
    reply_instructions: Arc<String>,
    context: CallContext,
    history: Vec<Message>,
    now: PrimitiveDateTime,
    /// Dialogue and appointment book, or `None` while a blocking step has them.
    state: Option<(Dialogue, SharedDesk)>,
}

impl Conversation {
    /// Starts a conversation for a call at `now`, the business's local time.
    /// `instructions` is the profile's stable system prompt
    /// ([`prompt::instructions`]); the understanding rules are added to it for readings.
    pub fn new(llm: Llm, instructions: Arc<String>, dialogue: Dialogue, desk: SharedDesk, now: PrimitiveDateTime) -> Conversation {
        let reading_instructions = Arc::new(format!("{instructions}{}", prompt::UNDERSTANDING_RULES));
        let format = time::macros::format_description!("[weekday] [day padding:none] [month repr:long] [year], [hour]:[minute]");
        Conversation {
            llm,
            grammar: reception::grammar(),
            instructions: reading_instructions,
            reply_instructions: instructions,
            context: CallContext {
                now: now.format(&format).unwrap_or_default(),
                language: None,
            },
            history: Vec::new(),
            now,
            state: Some((dialogue, desk)),
        }
    }

    /// Appends text the box spoke outside a turn, such as the greeting, to the history.
    pub fn box_said(&mut self, text: &str) {
        self.history.push(Message {
            role: Role::Assistant,
            content: text.to_string(),
        });
    }

    /// Returns the dialogue, for reading its intake, or `None` while a turn is running.
    pub fn dialogue(&self) -> Option<&Dialogue> {
        self.state.as_ref().map(|(dialogue, _)| dialogue)
    }

    /// Reads the caller's words with the model and returns the dialogue's response.
    /// An invalid reading makes the box ask the caller to repeat.
    pub async fn caller_says(&mut self, heard: &str) -> Answer {
        self.history.push(Message {
            role: Role::User,
            content: heard.to_string(),
        });
        let messages = prompt::messages(&self.instructions, &self.context, &self.history);
        let language = self.dialogue().map_or("en", |d| d.language());
        let reading = reception::read_turn(&self.llm, messages, self.grammar.clone(), language).await;
        let response = match &reading.result {
            Ok(understanding) => {
                let understanding = understanding.clone();
                let heard = heard.to_string();
                let now = self.now;
                self.blocking(move |dialogue, desk| dialogue.respond(&understanding, &heard, now, desk.as_mut()))
                    .await
            }
            Err(error) => {
                tracing::warn!(%error, "invalid model reading of a caller turn; the caller's words alone decide");
                let heard = heard.to_string();
                let now = self.now;
                self.blocking(move |dialogue, desk| {
                    let blank = Understanding::blank(dialogue.language());
                    dialogue.respond(&blank, &heard, now, desk.as_mut())
                })
                .await
            }
        };
        if let Some(language) = self.dialogue().map(|d| d.language()) {
            self.context.language = prompt::language_name(language).map(str::to_string);
        }
        let mut model_reply = String::new();
        if response.say.contains(&Part::Model) {
            let messages = prompt::messages(&self.reply_instructions, &self.context, &self.history);
            model_reply = free_reply(self.llm.clone(), messages).await;
            let blank = Understanding::blank("en");
            let understanding = reading.result.as_ref().unwrap_or(&blank);
            if let Some(instead) = self.dialogue().and_then(|d| d.vet_reply(&model_reply, understanding, heard)) {
                model_reply = instead;
            }
        }
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

    /// Handles a key the caller pressed. Returns the box's spoken response, or
    /// `None` when the box does not respond to that key.
    pub async fn key(&mut self, digit: char) -> Option<(String, Response)> {
        let response = self.blocking(move |dialogue, _| dialogue.key(digit)).await?;
        let spoken = response.spoken();
        self.box_said(&spoken);
        Some((spoken, response))
    }

    /// Takes the caller's goodbye without a model reading (the words are
    /// plain) and returns the closing summary; its `hang_up` is set.
    pub async fn goodbye(&mut self, heard: &str) -> (String, Response) {
        self.history.push(Message {
            role: Role::User,
            content: heard.to_string(),
        });
        let response = self.blocking(|dialogue, _| dialogue.goodbye()).await;
        let spoken = response.spoken();
        self.box_said(&spoken);
        (spoken, response)
    }

    /// Tells the dialogue that the transfer it asked for failed, and returns
    /// what the box says instead.
    pub async fn transfer_failed(&mut self) -> (String, Response) {
        let response = self.blocking(|dialogue, _| dialogue.transfer_failed()).await;
        let spoken = response.spoken();
        self.box_said(&spoken);
        (spoken, response)
    }

    /// Tells the dialogue the language speech-to-text identified in the caller's voice.
    pub fn hear_language(&mut self, code: &str) {
        if let Some((dialogue, _)) = self.state.as_mut() {
            dialogue.hear_language(code);
            self.context.language = prompt::language_name(dialogue.language()).map(str::to_string);
        }
    }

    /// Runs `step` on the dialogue and the appointment book in a blocking task,
    /// because the book reads and writes a SQLite file.
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

/// Writes the answer to a question with the free (unconstrained) prompt,
/// which shares the profile's facts with the reading prompt, so its cached
/// prefix serves both. At most two sentences are kept.
async fn free_reply(llm: Llm, messages: Vec<Message>) -> String {
    let cancel = Arc::new(AtomicBool::new(false));
    let mut text = String::new();
    let mut splitter = SentenceSplitter::new();
    let mut sentences = Vec::new();
    match llm.generate(messages, REPLY_TOKENS, cancel.clone()).await {
        Ok(mut events) => {
            while let Some(event) = events.recv().await {
                match event {
                    LlmEvent::Text(piece) => {
                        text.push_str(&piece);
                        sentences.extend(splitter.push(&piece));
                        if sentences.len() >= 2 {
                            cancel.store(true, Ordering::Relaxed);
                        }
                    }
                    LlmEvent::Done(_) => break,
                    LlmEvent::Failed(message) => {
                        tracing::warn!(message, "the answer to a question failed");
                        break;
                    }
                }
            }
        }
        Err(error) => tracing::warn!(%error, "the answer to a question failed"),
    }
    if sentences.len() < 2 {
        sentences.extend(splitter.finish());
    }
    sentences.truncate(2);
    sentences.join(" ")
}
