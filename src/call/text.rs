//! A call typed instead of spoken: the receptionist's whole decision path
//! (model reading, dialogue, appointment book, stored call and intake)
//! without audio. `standardiste chat` lets an owner try their profile
//! this way, and the scenario suite runs on it.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use time::PrimitiveDateTime;

use crate::agent::conversation::{Answer, Conversation};
use crate::agent::desk::BookDesk;
use crate::agent::dialogue::{Dialogue, Intake};
use crate::agent::llm::Llm;
use crate::agent::prompt;
use crate::profile::{self, BusinessProfile};
use crate::store::{CallOutcome, IntakeRow, NewTurn, Speaker, Store, StoreError};

/// A typed call in progress.
pub struct TextCall {
    conversation: Conversation,
    store: Arc<Mutex<Store>>,
    call_id: i64,
    started: Instant,
    greeting: String,
}

impl TextCall {
    /// Starts a call as if `caller_number` rang at `now` (the business's
    /// local time). `database` is the store's file, which also contains the
    /// appointment book.
    pub fn start(
        llm: Llm,
        profile: &BusinessProfile,
        store: Arc<Mutex<Store>>,
        database: &Path,
        caller_number: Option<&str>,
        now: PrimitiveDateTime,
    ) -> Result<TextCall, StoreError> {
        let call_id = lock(&store).start_call("text", caller_number, None)?;
        let desk = BookDesk::open(database, profile::schedule(profile), profile::services(profile), Some(call_id))?;
        let vip = caller_number.is_some_and(|number| profile.is_vip(number));
        let language = profile.default_language();
        let dialogue = Dialogue::new(
            profile::rules(profile, false),
            caller_number.map(str::to_string),
            vip,
            language.code(),
        );
        let mut conversation = Conversation::new(llm, Arc::new(prompt::instructions(profile)), dialogue, Box::new(desk), now);
        let greeting = profile.greeting.get(language).to_string();
        conversation.box_said(&greeting);
        let call = TextCall {
            conversation,
            store,
            call_id,
            started: Instant::now(),
            greeting,
        };
        call.record(Speaker::Assistant, &call.greeting.clone())?;
        Ok(call)
    }

    pub fn call_id(&self) -> i64 {
        self.call_id
    }

    pub fn greeting(&self) -> &str {
        &self.greeting
    }

    /// Handles the caller typing `text`. Stores the turn, the model's reading,
    /// the box's response and the intake with the call, then returns the response.
    pub async fn say(&mut self, text: &str) -> Result<Answer, StoreError> {
        self.record(Speaker::Caller, text)?;
        let answer = self.conversation.caller_says(text).await;
        let (intent, error) = match &answer.reading.result {
            Ok(understanding) => (Some(format!("{:?}", understanding.intent).to_lowercase()), None),
            Err(error) => (None, Some(error.to_string())),
        };
        lock(&self.store).add_reading(self.call_id, intent.as_deref(), error.as_deref(), answer.reading.elapsed_ms)?;
        self.record(Speaker::Assistant, &answer.spoken)?;
        self.save_intake()?;
        Ok(answer)
    }

    /// Handles the caller pressing `digit`. Returns the box's spoken response,
    /// stored with the call, or `None` when the box does not respond to that key.
    pub async fn key(&mut self, digit: char) -> Result<Option<String>, StoreError> {
        let spoken = self.conversation.key(digit).await;
        if let Some(spoken) = &spoken {
            self.record(Speaker::Assistant, spoken)?;
            self.save_intake()?;
        }
        Ok(spoken)
    }

    /// Returns the details the box has collected from the caller so far.
    pub fn intake(&self) -> Intake {
        self.conversation.dialogue().map(|d| d.intake().clone()).unwrap_or_default()
    }

    /// Ends the call, storing its language, outcome and duration, and returns its id.
    pub fn finish(self, outcome: CallOutcome) -> Result<i64, StoreError> {
        let store = lock(&self.store);
        let language = self.conversation.dialogue().map(|d| d.language()).unwrap_or("en");
        store.set_call_language(self.call_id, language)?;
        store.finish_call(self.call_id, outcome, self.started.elapsed().as_millis() as u64)?;
        Ok(self.call_id)
    }

    fn record(&self, speaker: Speaker, text: &str) -> Result<(), StoreError> {
        let at = self.started.elapsed().as_millis() as u64;
        let turn = NewTurn {
            speaker: Some(speaker),
            text: text.to_string(),
            start_ms: at,
            end_ms: at,
            ..NewTurn::default()
        };
        lock(&self.store).add_turn(self.call_id, &turn)?;
        Ok(())
    }

    fn save_intake(&self) -> Result<(), StoreError> {
        let row = intake_row(&self.intake());
        lock(&self.store).save_intake(self.call_id, &row)
    }
}

/// Converts a dialogue's intake into the row stored on the call.
pub fn intake_row(intake: &Intake) -> IntakeRow {
    IntakeRow {
        caller_name: intake.name.clone(),
        callback_number: intake.number.clone(),
        callback_confirmed: intake.number_confirmed,
        reason: intake.reason.clone(),
        urgency: intake.urgency.map(|u| format!("{u:?}").to_lowercase()),
        escalation: intake.escalation.map(|e| e.as_str().to_string()),
        message_taken: intake.message,
        callback_promised: intake.callback_promised,
        booking_id: intake.booked.as_ref().map(|a| a.id),
    }
}

fn lock(store: &Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
    store.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
