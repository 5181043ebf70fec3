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
    pub async fn start(
        llm: Llm,
        profile: &BusinessProfile,
        store: Arc<Mutex<Store>>,
        database: &Path,
        caller_number: Option<&str>,
        now: PrimitiveDateTime,
    ) -> Result<TextCall, StoreError> {
        let (schedule, services) = (profile::schedule(profile), profile::services(profile));
        let (shared, database, number) = (store.clone(), database.to_path_buf(), caller_number.map(str::to_string));
        let (call_id, desk) = tokio::task::spawn_blocking(move || -> Result<_, StoreError> {
            let call_id = lock(&shared).start_call("text", number.as_deref(), None)?;
            let desk = BookDesk::open(&database, schedule, services, Some(call_id))?;
            Ok((call_id, desk))
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))??;
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
        let turn = call.turn(Speaker::Assistant, &call.greeting);
        call.write(move |store, id| store.add_turn(id, &turn).map(drop)).await?;
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
        let turn = self.turn(Speaker::Caller, text);
        self.write(move |store, id| store.add_turn(id, &turn).map(drop)).await?;
        let answer = self.conversation.caller_says(text).await;
        let (intent, error) = match &answer.reading.result {
            Ok(understanding) => (Some(format!("{:?}", understanding.intent).to_lowercase()), None),
            Err(error) => (None, Some(error.to_string())),
        };
        let elapsed_ms = answer.reading.elapsed_ms;
        let turn = self.turn(Speaker::Assistant, &answer.spoken);
        let row = intake_row(&self.intake());
        self.write(move |store, id| {
            store.add_reading(id, intent.as_deref(), error.as_deref(), elapsed_ms)?;
            store.add_turn(id, &turn)?;
            store.save_intake(id, &row)
        })
        .await?;
        Ok(answer)
    }

    /// Handles the caller pressing `digit`. Returns the box's spoken response,
    /// stored with the call, or `None` when the box does not respond to that key.
    pub async fn key(&mut self, digit: char) -> Result<Option<String>, StoreError> {
        let spoken = self.conversation.key(digit).await.map(|(spoken, _)| spoken);
        if let Some(spoken) = &spoken {
            let turn = self.turn(Speaker::Assistant, spoken);
            let row = intake_row(&self.intake());
            self.write(move |store, id| {
                store.add_turn(id, &turn)?;
                store.save_intake(id, &row)
            })
            .await?;
        }
        Ok(spoken)
    }

    /// Returns the details the box has collected from the caller so far.
    pub fn intake(&self) -> Intake {
        self.conversation.dialogue().map(|d| d.intake().clone()).unwrap_or_default()
    }

    /// Ends the call, storing its language, outcome and duration, and returns its id.
    pub async fn finish(self, outcome: CallOutcome) -> Result<i64, StoreError> {
        let language = self.conversation.dialogue().map_or("en", |d| d.language());
        let duration_ms = self.started.elapsed().as_millis() as u64;
        self.write(move |store, id| {
            store.set_call_language(id, language)?;
            store.finish_call(id, outcome, duration_ms)
        })
        .await?;
        Ok(self.call_id)
    }

    fn turn(&self, speaker: Speaker, text: &str) -> NewTurn {
        let at = self.started.elapsed().as_millis() as u64;
        NewTurn {
            speaker: Some(speaker),
            text: text.to_string(),
            start_ms: at,
            end_ms: at,
            ..NewTurn::default()
        }
    }

    /// Runs `step` on the store in a blocking task, because SQLite writes wait
    /// for the disk (synchronous=FULL) and must not hold up an async worker.
    async fn write<T: Send + 'static>(
        &self,
        step: impl FnOnce(&mut Store, i64) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = self.store.clone();
        let call_id = self.call_id;
        tokio::task::spawn_blocking(move || step(&mut lock(&store), call_id))
            .await
            .map_err(|e| StoreError::Task(e.to_string()))?
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
