//! The call loop: one task per call that moves audio between the line, the
//! listener and the box's playback queue, and reacts to what the caller says.
//!
//! Time in a call is line time: 20 ms per frame received, counted from the
//! moment the call was answered. Offsets stored with each turn use it.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::mpsc;

use super::phrases::{is_filler, is_goodbye, looks_complete, opening, say_again, still_there};
use super::receptionist::{self, Ask, Reply};
use super::turn::{run_speech, ReplyEvent, SpeechJob};
use super::Engines;
use crate::agent::conversation::Conversation;
use crate::agent::desk::BookDesk;
use crate::agent::dialogue::{Dialogue, Effect, Intake};
use crate::agent::prompt;
use crate::audio::recorder::CallRecorder;
use crate::audio::{Frame, FRAME_MS, FRAME_SAMPLES};
use crate::line::{mask_number, Line, LineEvent};
use crate::profile::{self, BusinessProfile, Language};
use crate::speech::endpoint::EndpointEvent;
use crate::speech::listener::Listener;
use crate::speech::stt::{SttError, Transcription};
use crate::speech::tts::Speaker as Voice;
use crate::store::{CallOutcome, NewTurn, Speaker, Store};

/// A detected language is pinned for the rest of the call only after an
/// utterance this long (ms) with at least this mean token probability: a
/// half-second "Allô?" is too little to tell French from Italian.
const PIN_LANGUAGE_MIN_MS: u64 = 1_000;
const PIN_LANGUAGE_MIN_CONFIDENCE: f32 = 0.5;

/// Transcriptions and reply events waiting for the call loop. The tasks that
/// send them wait when it is full; the loop drains it between frames.
const TASK_EVENT_QUEUE: usize = 32;

/// Live updates buffered for a display. A slow display loses updates
/// (they are dropped, never waited for): the call must not stall for it.
pub const UPDATE_QUEUE: usize = 256;

/// Line time between two heartbeats of the call loop on the line board.
const HEARTBEAT_MS: u64 = 1000;

/// Something worth showing while a call runs.
#[derive(Debug, Clone)]
pub enum CallUpdate {
    Started { call_id: i64, line: String },
    /// Words on the line: a caller turn, or a sentence of the box's.
    Said { at_ms: u64, speaker: Speaker, text: String, detail: String },
    /// Anything else: barge-in, a failed transcription, the caller hanging up.
    Note { at_ms: u64, text: String },
    Ended { call_id: i64, outcome: CallOutcome, duration_ms: u64 },
}

/// The result of a finished call.
#[derive(Debug, Clone)]
pub struct CallSummary {
    pub call_id: i64,
    pub outcome: CallOutcome,
    pub duration_ms: u64,
    pub recording: PathBuf,
    /// The details the receptionist took from the caller.
    pub intake: Intake,
    /// Bookings, messages and escalations the call made.
    pub effects: Vec<Effect>,
    /// Number the call was handed to, when a transfer succeeded.
    pub transferred_to: Option<String>,
    /// ISO code of the language the box answered in last.
    pub language: String,
}

/// Error that stops a call from running.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error("cannot start the call's listener: {0}")]
    Listener(std::io::Error),
    #[error("cannot open the appointment book: {0}")]
    Book(crate::store::StoreError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("a call database task failed: {0}")]
    StoreTask(#[from] tokio::task::JoinError),
}

/// An utterance waiting for its transcript or for the long pause.
struct Pending {
    /// The transcription in flight, aborted when the snapshot goes stale.
    task: tokio::task::JoinHandle<()>,
    revision: u64,
    start_ms: u64,
    end_ms: u64,
    transcript: Option<Transcription>,
    ended: bool,
}

/// The box's current speech, from the request to the end of its playback.
struct Speaking {
    /// The reply task's id; `None` for a fixed phrase.
    reply: Option<u64>,
    cancel: Arc<AtomicBool>,
    text: String,
    /// For each sentence: the playback sample where it starts, and the byte
    /// length of `text` before it. A cut reply keeps only what was heard.
    sentence_starts: Vec<(usize, usize)>,
    queued_samples: usize,
    played_samples: usize,
    generating: bool,
    /// Line time of the first audio played.
    start_ms: Option<u64>,
    /// When the turn went to the receptionist, for its share of the latency.
    asked_at: Option<Instant>,
    /// End of the caller speech this answers, for the turn latency.
    caller_end_ms: Option<u64>,
    endpoint_ms: Option<u64>,
    stt_ms: Option<u64>,
    llm_first_ms: Option<u64>,
    tts_first_ms: Option<u64>,
    latency_ms: Option<u64>,
}

struct Session<'e> {
    engines: &'e Engines,
    /// The line's name, for the heartbeat the systemd watchdog checks.
    line_label: String,
    profile: Arc<BusinessProfile>,
    call_id: i64,
    caller_number: Option<String>,
    /// `None` once recording failed, for instance on a full disk.
    recorder: Option<CallRecorder>,
    recording: PathBuf,
    listener: Listener,
    updates: Option<mpsc::Sender<CallUpdate>>,
    now_ms: u64,
    playback: VecDeque<i16>,
    speaking: Option<Speaking>,
    pending: Option<Pending>,
    /// Language passed to speech-to-text, once pinned.
    language: Option<String>,
    /// Language the box speaks in, as the receptionist last decided.
    speaking_language: Language,
    /// Turns and keys for the receptionist task.
    asks: mpsc::Sender<Ask>,
    /// The turn whose answer the box waits for or speaks.
    next_reply: u64,
    replies: mpsc::Sender<ReplyEvent>,
    intake: Intake,
    effects: Vec<Effect>,
    /// Number to hand the call to once the current speech has played.
    transfer: Option<String>,
    transferred_to: Option<String>,
    transcripts: mpsc::Sender<(u64, Result<Transcription, SttError>)>,
    caller_speaking: bool,
    last_activity_ms: u64,
    asked_still_there: bool,
    closing: Option<CallOutcome>,
    /// The caller turn taken at a short pause, while its utterance may still go on.
    committed: Option<Committed>,
    /// Sequence number of a stored caller turn that the next commit replaces,
    /// because the caller went on speaking after it was taken.
    extending: Option<i64>,
}

/// A caller turn taken at a short pause.
struct Committed {
    revision: u64,
    seq: Option<i64>,
}

/// Answers a call on `line` and runs it to the end.
pub async fn run_call<L: Line>(
    line: &mut L,
    engines: &Engines,
    updates: Option<mpsc::Sender<CallUpdate>>,
) -> Result<CallSummary, CallError> {
    let caller_number = line.caller_number().map(str::to_string);
    let label = line.label().to_string();
    let recordings = engines.config.recordings_dir();
    let profile = engines.current_profile().await;
    let (call_id, recording, desk) = {
        let store = engines.store.clone();
        let label = label.clone();
        let number = caller_number.clone();
        let database = engines.config.database_path();
        let data_dir = engines.config.data_dir.clone();
        let (schedule, services) = (profile::schedule(&profile), profile::services(&profile));
        tokio::task::spawn_blocking(move || -> Result<_, CallError> {
            let mut store = lock(&store);
            // A full disk would fail the call's first write: recordings go first.
            let reserve = data_dir.join(crate::store::disk::RESERVE_FILE);
            crate::retention::free_space(&mut store, &reserve, &mut || crate::store::disk::disk_space(&data_dir))?;
            let id = store.start_call(&label, number.as_deref(), None)?;
            let path = recordings.join(format!("call-{id}.wav"));
            store.set_recording_path(id, &path.display().to_string())?;
            let desk = BookDesk::open(&database, schedule, services, Some(id)).map_err(|e| CallError::Book(e.into()))?;
            Ok((id, path, desk))
        })
        .await??
    };
    tracing::Span::current().record("call_id", call_id);
    tracing::info!(call_id, line = %label, "call answered");
    let default_language = profile.default_language();
    let vip = caller_number.as_deref().is_some_and(|number| profile.is_vip(number));
    let dialogue = Dialogue::new(
        profile::rules(&profile, line.can_transfer()),
        caller_number.clone(),
        vip,
        default_language.code(),
    );
    let instructions = Arc::new(prompt::instructions(&profile));
    let mut conversation =
        Conversation::new(engines.llm.clone(), instructions, dialogue, Box::new(desk), engines.now());
    let greeting = opening(&profile, default_language);
    conversation.box_said(&greeting);
    let (answers_tx, mut answers) = mpsc::channel(receptionist::ASK_QUEUE);
    let asks = receptionist::spawn(conversation, answers_tx);

    // A disk that is full or failing costs the recording, never the call.
    let recorder = match CallRecorder::create(&recording) {
        Ok(recorder) => Some(recorder),
        Err(error) => {
            tracing::error!(call_id, path = %recording.display(), %error, "cannot create the recording; the call goes on unrecorded");
            let store = engines.store.clone();
            let cleared = tokio::task::spawn_blocking(move || lock(&store).clear_recording_path(call_id)).await;
            if !matches!(cleared, Ok(Ok(()))) {
                tracing::error!(call_id, "cannot clear the path of the recording that was not created");
            }
            None
        }
    };
    let (listener, mut endpoints) =
        Listener::spawn(&engines.vad, &engines.config.vad, call_id.to_string()).map_err(CallError::Listener)?;
    let (replies, mut reply_events) = mpsc::channel(TASK_EVENT_QUEUE);
    let (transcripts, mut transcript_events) = mpsc::channel(TASK_EVENT_QUEUE);

    let mut session = Session {
        engines,
        line_label: label.clone(),
        profile: profile.clone(),
        call_id,
        caller_number: caller_number.clone(),
        recorder,
        recording: recording.clone(),
        listener,
        updates,
        now_ms: 0,
        playback: VecDeque::new(),
        speaking: None,
        pending: None,
        language: None,
        speaking_language: default_language,
        asks,
        next_reply: 1,
        replies,
        intake: Intake {
            number: caller_number.clone(),
            ..Intake::default()
        },
        effects: Vec::new(),
        transfer: None,
        transferred_to: None,
        transcripts,
        caller_speaking: false,
        last_activity_ms: 0,
        asked_still_there: false,
        closing: None,
        committed: None,
        extending: None,
    };
    session.update(CallUpdate::Started { call_id, line: label.clone() });
    session.speak_phrase(&greeting).await;

    let outcome = loop {
        tokio::select! {
            event = line.next_event() => match event {
                Some(LineEvent::Audio(frame)) => {
                    session.on_frame(line, &frame).await;
                    if session.listener.has_stopped() {
                        break CallOutcome::Failed;
                    }
                    if let Some(outcome) = session.should_hang_up() {
                        line.hang_up().await;
                        break outcome;
                    }
                    if let Some(outcome) = session.hand_over(line).await {
                        break outcome;
                    }
                }
                Some(LineEvent::Dtmf(digit)) => {
                    session.note(format!("caller pressed {digit}"));
                    session.on_key(digit);
                }
                // NOTE: a transcription still in flight when the caller hangs up
                // is dropped, so the stored transcript can miss the last words
                // that the recording has.
                Some(LineEvent::HungUp) | None => {
                    session.note("caller hung up".to_string());
                    break session.closing.unwrap_or(CallOutcome::CallerHungUp);
                }
            },
            Some(event) = endpoints.recv() => session.on_endpoint(event).await,
            Some((revision, result)) = transcript_events.recv() => session.on_transcript(revision, result).await,
            Some(event) = reply_events.recv() => session.on_reply(event).await,
            Some(answer) = answers.recv() => session.on_answer(answer).await,
            () = engines.stopped() => {
                session.note("the box is stopping".to_string());
                line.hang_up().await;
                break CallOutcome::Interrupted;
            }
        }
    };
    let summary = session.finish(outcome).await?;
    crate::recap::after_call(engines, profile, &summary).await;
    Ok(summary)
}

fn lock(store: &std::sync::Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
    // A panic while holding the lock leaves SQLite consistent (each write is a
    // transaction), so the store stays usable.
    store.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Session<'_> {
    fn update(&self, update: CallUpdate) {
        if let Some(updates) = &self.updates {
            let _ = updates.try_send(update);
        }
    }

    fn note(&self, text: String) {
        tracing::debug!(call_id = self.call_id, at_ms = self.now_ms, "{text}");
        self.update(CallUpdate::Note { at_ms: self.now_ms, text });
    }

    /// Runs a store write on the blocking pool, in call order.
    ///
    /// NOTE: the call loop waits for each write (one fsync), so a very slow
    /// disk delays outgoing audio; a writer thread fed by a queue would not.
    async fn store<T: Send + 'static>(
        &self,
        write: impl FnOnce(&mut Store) -> Result<T, crate::store::StoreError> + Send + 'static,
    ) -> Option<T> {
        let store = self.engines.store.clone();
        let call_id = self.call_id;
        match tokio::task::spawn_blocking(move || write(&mut lock(&store))).await {
            Ok(Ok(value)) => Some(value),
            Ok(Err(error)) => {
                tracing::error!(call_id, %error, "cannot write to the call database");
                None
            }
            Err(error) => {
                tracing::error!(call_id, %error, "the call database task failed");
                None
            }
        }
    }

    /// Moves one frame each way and advances line time.
    async fn on_frame<L: Line>(&mut self, line: &mut L, caller: &Frame) {
        let mut out = [0i16; FRAME_SAMPLES];
        let mut played = 0;
        for sample in out.iter_mut() {
            match self.playback.pop_front() {
                Some(s) => {
                    *sample = s;
                    played += 1;
                }
                None => break,
            }
        }
        if played > 0 {
            if let Some(speaking) = &mut self.speaking {
                speaking.played_samples += played;
            }
            self.mark_first_audio();
        }
        line.send_frame(&out);
        self.record(caller, &out);
        self.listener.push(*caller);
        self.now_ms += FRAME_MS;
        if self.now_ms % HEARTBEAT_MS == 0 {
            self.engines.lines.beat(&self.line_label);
        }

        if self.playback.is_empty() && self.speaking.as_ref().is_some_and(|s| !s.generating) {
            self.finish_speaking(false).await;
        }
        self.check_timers().await;
    }

    /// Appends a frame of each side to the recording. On a write error the
    /// recording stops, valid up to its last header update, and the call goes on.
    fn record(&mut self, caller: &Frame, assistant: &Frame) {
        let Some(recorder) = &mut self.recorder else {
            return;
        };
        if let Err(error) = recorder.write(caller, assistant) {
            tracing::error!(call_id = self.call_id, %error, "recording failed; the call goes on unrecorded from here");
            if let Some(recorder) = self.recorder.take() {
                let _ = recorder.finish();
            }
        }
    }

    fn mark_first_audio(&mut self) {
        let now = self.now_ms;
        let Some(speaking) = &mut self.speaking else { return };
        if speaking.start_ms.is_some() {
            return;
        }
        speaking.start_ms = Some(now);
        speaking.latency_ms = speaking.caller_end_ms.map(|end| now.saturating_sub(end));
        if let Some(latency) = speaking.latency_ms {
            tracing::info!(
                call_id = self.call_id,
                latency_ms = latency,
                endpoint_ms = speaking.endpoint_ms,
                stt_ms = speaking.stt_ms,
                llm_first_ms = speaking.llm_first_ms,
                tts_first_ms = speaking.tts_first_ms,
                "reply started"
            );
        }
    }

    async fn check_timers(&mut self) {
        if self.closing.is_some() {
            return;
        }
        let call = &self.engines.config.call;
        if self.now_ms >= call.max_duration_s.saturating_mul(1_000) {
            self.note("maximum call duration reached".to_string());
            self.close(CallOutcome::TimeLimit).await;
            return;
        }
        let idle = self.speaking.is_none() && self.pending.is_none() && !self.caller_speaking;
        if !idle || self.now_ms.saturating_sub(self.last_activity_ms) < call.silence_timeout_s.saturating_mul(1_000) {
            return;
        }
        if self.asked_still_there {
            self.note("caller silent; closing the call".to_string());
            self.close(CallOutcome::Silence).await;
        } else {
            self.asked_still_there = true;
            self.speak_phrase(&still_there(self.speaking_language)).await;
        }
    }

    /// Says the farewell and hangs up once it has played.
    async fn close(&mut self, outcome: CallOutcome) {
        self.closing = Some(outcome);
        let farewell = self.farewell();
        self.speak_phrase(&farewell).await;
    }

    fn farewell(&self) -> String {
        self.profile.farewell.get(self.speaking_language).to_string()
    }

    /// Returns the language and voice the box speaks with now.
    fn voice(&self) -> Voice {
        Voice::new(self.speaking_language, self.profile.voice_for(self.speaking_language))
    }

    fn should_hang_up(&self) -> Option<CallOutcome> {
        match self.closing {
            Some(outcome) if self.speaking.is_none() && self.playback.is_empty() => Some(outcome),
            _ => None,
        }
    }

    /// Plays a fixed phrase (cached audio), replacing anything being said.
    async fn speak_phrase(&mut self, text: &str) {
        if self.speaking.is_some() {
            self.interrupt().await;
        }
        match self.engines.tts.phrase(text, &self.voice()).await {
            Ok(speech) => {
                self.playback.extend(speech.samples.iter().copied());
                self.speaking = Some(Speaking {
                    reply: None,
                    cancel: Arc::new(AtomicBool::new(false)),
                    text: text.to_string(),
                    sentence_starts: vec![(0, 0)],
                    queued_samples: speech.samples.len(),
                    played_samples: 0,
                    generating: false,
                    start_ms: None,
                    asked_at: None,
                    caller_end_ms: None,
                    endpoint_ms: None,
                    stt_ms: None,
                    llm_first_ms: None,
                    tts_first_ms: None,
                    latency_ms: None,
                });
                self.update(CallUpdate::Said {
                    at_ms: self.now_ms,
                    speaker: Speaker::Assistant,
                    text: text.to_string(),
                    detail: String::new(),
                });
            }
            Err(error) => tracing::error!(call_id = self.call_id, %error, "cannot say a fixed phrase"),
        }
    }

    /// Stops the box mid-sentence: the caller is talking over it.
    async fn interrupt(&mut self) {
        if let Some(speaking) = &self.speaking {
            speaking.cancel.store(true, Ordering::Relaxed);
        }
        self.playback.clear();
        self.finish_speaking(true).await;
    }

    /// Stores the box's turn once its playback has ended or been cut.
    async fn finish_speaking(&mut self, interrupted: bool) {
        let Some(speaking) = self.speaking.take() else { return };
        self.last_activity_ms = self.now_ms;
        let mut text = speaking.text.clone();
        if interrupted {
            // Sentences that never started playing were not said.
            if let Some(&(_, cut)) = speaking.sentence_starts.iter().find(|(start, _)| *start >= speaking.played_samples) {
                text.truncate(cut);
            }
        }
        let text = text.trim().to_string();
        if text.is_empty() {
            return;
        }
        let turn = NewTurn {
            speaker: Some(Speaker::Assistant),
            text,
            start_ms: speaking.start_ms.unwrap_or(self.now_ms),
            end_ms: self.now_ms,
            endpoint_ms: speaking.endpoint_ms,
            stt_ms: speaking.stt_ms,
            llm_first_ms: speaking.llm_first_ms,
            tts_first_ms: speaking.tts_first_ms,
            latency_ms: speaking.latency_ms,
            interrupted,
            ..NewTurn::default()
        };
        let call_id = self.call_id;
        self.store(move |store| store.add_turn(call_id, &turn)).await;
    }

    fn box_audible(&self) -> bool {
        self.speaking
            .as_ref()
            .is_some_and(|s| !self.playback.is_empty() || s.generating)
    }

    async fn on_endpoint(&mut self, event: EndpointEvent) {
        match event {
            EndpointEvent::Started { .. } => {
                self.caller_speaking = true;
                self.last_activity_ms = self.now_ms;
                self.committed = None;
                self.extending = None;
            }
            EndpointEvent::Sustained => {
                // NOTE: a cough or "mm" long enough to cut the reply is then
                // ignored as a filler, so the box stays silent until the caller
                // speaks again or the silence prompt; the reply is not resumed.
                if self.box_audible() && self.closing.is_none() {
                    self.note("caller spoke over the box; playback stopped".to_string());
                    self.interrupt().await;
                }
            }
            EndpointEvent::Paused { revision, audio, start_ms, end_ms } => {
                let stt = self.engines.stt.clone();
                let transcripts = self.transcripts.clone();
                let language = self.language.clone();
                let task = tokio::spawn(async move {
                    let result = stt.transcribe(&audio, language.as_deref()).await;
                    let _ = transcripts.send((revision, result)).await;
                });
                // The worker transcribes one utterance at a time, so a stale
                // request would only delay this one.
                if let Some(stale) = self.pending.replace(Pending {
                    task,
                    revision,
                    start_ms,
                    end_ms,
                    transcript: None,
                    ended: false,
                }) {
                    stale.task.abort();
                }
            }
            EndpointEvent::Resumed { revision } => {
                if let Some(stale) = self.pending.take_if(|p| p.revision == revision) {
                    stale.task.abort();
                }
                if let Some(committed) = self.committed.take_if(|c| c.revision == revision) {
                    // The turn was taken too early: the caller is still talking.
                    // Stop the reply and let the next commit replace the turn.
                    if self.speaking.as_ref().is_some_and(|s| s.reply.is_some()) {
                        self.note("caller went on speaking; the reply is dropped".to_string());
                        self.interrupt().await;
                    }
                    self.extending = committed.seq;
                }
            }
            EndpointEvent::Ended { revision } => {
                self.caller_speaking = false;
                self.last_activity_ms = self.now_ms;
                if let Some(pending) = self.pending.as_mut().filter(|p| p.revision == revision) {
                    pending.ended = true;
                    self.try_commit().await;
                }
            }
        }
    }

    async fn on_transcript(&mut self, revision: u64, result: Result<Transcription, SttError>) {
        if !self.pending.as_ref().is_some_and(|p| p.revision == revision) {
            return;
        }
        match result {
            Ok(transcript) => {
                if let Some(pending) = self.pending.as_mut() {
                    pending.transcript = Some(transcript);
                }
                self.try_commit().await;
            }
            Err(error) => {
                tracing::warn!(call_id = self.call_id, %error, "transcription failed; asking the caller to repeat");
                self.pending = None;
                self.note(format!("transcription failed: {error}"));
                if self.closing.is_none() {
                    self.speak_phrase(&say_again(self.speaking_language)).await;
                }
            }
        }
    }

    /// Takes the pending utterance as a caller turn once it is both transcribed
    /// and finished (by the long pause, or by reading as a complete sentence).
    async fn try_commit(&mut self) {
        let ready = self.pending.as_ref().is_some_and(|p| {
            p.transcript
                .as_ref()
                .is_some_and(|t| p.ended || looks_complete(&t.text))
        });
        if !ready {
            return;
        }
        let Some(pending) = self.pending.take() else { return };
        let Some(transcript) = pending.transcript else { return };
        let text = transcript.text.trim().to_string();
        if text.is_empty() || is_filler(&text) {
            tracing::debug!(call_id = self.call_id, "utterance ignored: no words or only a filler");
            return;
        }
        if self.closing.is_some() {
            return;
        }
        if self.box_audible() {
            self.note("caller finished a sentence over the box; playback stopped".to_string());
            self.interrupt().await;
        }

        let endpoint_ms = self.now_ms.saturating_sub(pending.end_ms);
        self.update(CallUpdate::Said {
            at_ms: pending.start_ms,
            speaker: Speaker::Caller,
            text: text.clone(),
            detail: format!(
                "stt {} ms, confidence {}, language {}",
                transcript.elapsed_ms,
                transcript.confidence.map_or("-".to_string(), |c| format!("{c:.2}")),
                transcript.language.as_deref().unwrap_or("-")
            ),
        });
        let trusted = pending.end_ms.saturating_sub(pending.start_ms) >= PIN_LANGUAGE_MIN_MS
            && transcript.confidence.unwrap_or(0.0) >= PIN_LANGUAGE_MIN_CONFIDENCE;
        self.remember_language(transcript.language.as_deref(), trusted).await;
        self.asked_still_there = false;
        let call_id = self.call_id;
        // NOTE: the receptionist has already read the early part of a turn the
        // caller went on with, so the longer turn is read as a new one.
        let seq = if let Some(seq) = self.extending.take() {
            let (extended, end_ms, confidence) = (text.clone(), pending.end_ms, transcript.confidence);
            self.store(move |store| store.extend_turn(call_id, seq, &extended, end_ms, confidence))
                .await;
            Some(seq)
        } else {
            let turn = NewTurn {
                speaker: Some(Speaker::Caller),
                text: text.clone(),
                start_ms: pending.start_ms,
                end_ms: pending.end_ms,
                stt_confidence: transcript.confidence,
                endpoint_ms: Some(endpoint_ms),
                stt_ms: Some(transcript.elapsed_ms),
                ..NewTurn::default()
            };
            self.store(move |store| store.add_turn(call_id, &turn)).await
        };
        if !pending.ended {
            self.committed = Some(Committed {
                revision: pending.revision,
                seq,
            });
        }
        let heard_language = trusted.then(|| transcript.language.clone()).flatten();
        let goodbye = is_goodbye(&text);
        self.start_reply(pending.end_ms, endpoint_ms, transcript.elapsed_ms);
        let ask = Ask::Heard {
            turn: self.next_reply - 1,
            text,
            language: heard_language,
            goodbye,
        };
        if let Err(error) = self.asks.try_send(ask) {
            tracing::warn!(call_id, %error, "the receptionist is behind; the turn is dropped");
            self.speaking = None;
            self.speak_phrase(&say_again(self.speaking_language)).await;
        }
    }

    /// Records the caller's language for the prompt and the call row. Only a
    /// `trusted` detection (a long, confident utterance) is passed on to
    /// speech-to-text, because a pinned language is never detected again.
    async fn remember_language(&mut self, language: Option<&str>, trusted: bool) {
        let Some(code) = language.filter(|c| !c.is_empty()) else { return };
        if trusted && self.language.is_none() {
            self.language = Some(code.to_string());
        }
        let call_id = self.call_id;
        let code = code.to_string();
        self.store(move |store| store.set_call_language(call_id, &code)).await;
    }

    /// Waits for the receptionist's answer to the turn just sent, as the box's
    /// next speech, so that the silence and barge-in rules see a reply coming.
    fn start_reply(&mut self, caller_end_ms: u64, endpoint_ms: u64, stt_ms: u64) {
        let reply = self.next_reply;
        self.next_reply += 1;
        self.speaking = Some(Speaking {
            reply: Some(reply),
            cancel: Arc::new(AtomicBool::new(false)),
            text: String::new(),
            sentence_starts: Vec::new(),
            queued_samples: 0,
            played_samples: 0,
            generating: true,
            start_ms: None,
            asked_at: Some(Instant::now()),
            caller_end_ms: Some(caller_end_ms),
            endpoint_ms: Some(endpoint_ms),
            stt_ms: Some(stt_ms),
            llm_first_ms: None,
            tts_first_ms: None,
            latency_ms: None,
        });
    }

    /// Waits for an answer the caller did not speak for (a key, a failed
    /// transfer), as the box's next speech; returns its turn number.
    fn await_answer(&mut self) -> u64 {
        let turn = self.next_reply;
        self.start_reply(self.now_ms, 0, 0);
        if let Some(speaking) = self.speaking.as_mut() {
            speaking.caller_end_ms = None;
            speaking.endpoint_ms = None;
            speaking.stt_ms = None;
        }
        turn
    }

    /// Passes a keypad digit to the receptionist, which answers when the key
    /// means something at this point of the call.
    fn on_key(&mut self, digit: char) {
        if self.closing.is_some() {
            return;
        }
        let ask = Ask::Key { turn: self.next_reply, digit };
        self.next_reply += 1;
        if let Err(error) = self.asks.try_send(ask) {
            tracing::warn!(call_id = self.call_id, %error, "the receptionist is behind; the key is dropped");
        }
    }

    /// Acts on the receptionist's answer: stores what it learnt, carries out
    /// transfers and alerts, and speaks the answer in the caller's language.
    async fn on_answer(&mut self, answer: Reply) {
        if let Some(language) = Language::from_code(answer.language) {
            self.speaking_language = language;
        }
        self.intake = answer.intake.clone();
        let call_id = self.call_id;
        let row = super::text::intake_row(&answer.intake);
        let reading = answer.reading.clone();
        self.store(move |store| {
            if let Some(reading) = reading {
                store.add_reading(call_id, reading.intent.as_deref(), reading.error.as_deref(), reading.elapsed_ms)?;
            }
            store.save_intake(call_id, &row)
        })
        .await;
        for effect in &answer.response.effects {
            self.on_effect(effect).await;
        }
        self.effects.extend(answer.response.effects.iter().cloned());

        let mut text = answer.spoken.trim().to_string();
        if answer.response.hang_up && self.closing.is_none() {
            self.closing = Some(CallOutcome::Completed);
            text = format!("{text} {}", self.farewell()).trim().to_string();
        }
        let waiting = self.speaking.as_ref().is_some_and(|s| s.reply == Some(answer.turn) && s.generating);
        if text.is_empty() {
            if waiting {
                // Nothing to say to a turn: ask the caller to say it again.
                self.speaking = None;
                self.speak_phrase(&say_again(self.speaking_language)).await;
            }
            return;
        }
        if !waiting {
            let superseded = self.speaking.as_ref().is_some_and(|s| s.reply.is_some_and(|r| r > answer.turn));
            if superseded && self.closing.is_none() {
                tracing::debug!(call_id, turn = answer.turn, "answer to an earlier turn dropped");
                return;
            }
            // An answer to a key, or to a turn whose wait was cut: it speaks now.
            if self.speaking.is_some() {
                self.interrupt().await;
            }
            self.await_answer();
            if let Some(speaking) = self.speaking.as_mut() {
                speaking.reply = Some(answer.turn);
            }
        }
        let Some(speaking) = self.speaking.as_mut() else { return };
        speaking.llm_first_ms = speaking.asked_at.map(|at| at.elapsed().as_millis() as u64);
        let job = SpeechJob {
            reply: answer.turn,
            text,
            voice: Voice::new(self.speaking_language, self.profile.voice_for(self.speaking_language)),
            cancel: speaking.cancel.clone(),
            tts: self.engines.tts.clone(),
        };
        tokio::spawn(run_speech(job, self.replies.clone()));
    }

    async fn on_effect(&mut self, effect: &Effect) {
        match effect {
            Effect::Transfer { to, why } => {
                tracing::info!(call_id = self.call_id, to = %mask_number(to), why = why.as_str(), "transfer requested");
                self.transfer = Some(to.clone());
            }
            Effect::AlertOnCall { why } => {
                tracing::info!(call_id = self.call_id, why = why.as_str(), "alerting the on-call contact");
                self.alert_on_call(why.as_str()).await;
            }
            Effect::MessageTaken => tracing::info!(call_id = self.call_id, "message taken"),
            Effect::Booked(appointment) => {
                tracing::info!(call_id = self.call_id, booking = appointment.id, "appointment booked")
            }
            Effect::Cancelled(appointment) => {
                tracing::info!(call_id = self.call_id, booking = appointment.id, "appointment cancelled")
            }
            Effect::Moved { from, to } => {
                tracing::info!(call_id = self.call_id, from = from.id, to = to.id, "appointment moved")
            }
        }
    }

    /// Queues the urgent text to the on-call contacts; the outbox sends it.
    async fn alert_on_call(&mut self, why: &str) {
        let alert = crate::recap::UrgentAlert {
            call_id: self.call_id,
            why: why.to_string(),
            intake: self.intake.clone(),
            caller_id: self.caller_number.clone(),
            callback_within_min: self.profile.escalation.callback_within_min,
        };
        let profile = self.profile.clone();
        let queued = self.store(move |store| crate::recap::queue_alert(store, &profile, &alert)).await;
        if queued.is_some() {
            self.engines.wake_outbox();
        }
    }

    /// Hands the call to the number a transfer asked for, once the box has
    /// said it is putting the caller through. Returns the outcome when the
    /// call left the box; when the transfer fails, the on-call contact is
    /// alerted and the caller hears the callback promise instead.
    async fn hand_over<L: Line>(&mut self, line: &mut L) -> Option<CallOutcome> {
        if self.speaking.is_some() || !self.playback.is_empty() || self.transfer.is_none() {
            return None;
        }
        let to = self.transfer.take()?;
        self.note(format!("transferring the call to {}", mask_number(&to)));
        match line.transfer(&to).await {
            Ok(()) => {
                self.transferred_to = Some(to);
                Some(CallOutcome::Transferred)
            }
            Err(error) => {
                tracing::warn!(call_id = self.call_id, %error, "transfer failed; the receptionist takes over");
                self.note(format!("transfer failed: {error}"));
                let turn = self.await_answer();
                if let Err(error) = self.asks.try_send(Ask::TransferFailed { turn }) {
                    tracing::error!(call_id = self.call_id, %error, "the receptionist is gone; alerting the on-call contact directly");
                    self.speaking = None;
                    self.alert_on_call("transfer failed").await;
                }
                None
            }
        }
    }

    async fn on_reply(&mut self, event: ReplyEvent) {
        let now = self.now_ms;
        match event {
            ReplyEvent::Sentence { reply, text, speech } => {
                let Some(speaking) = self.speaking.as_mut().filter(|s| s.reply == Some(reply)) else {
                    return;
                };
                if speaking.tts_first_ms.is_none() {
                    speaking.tts_first_ms = Some(speech.synthesis_ms);
                }
                if !speaking.text.is_empty() {
                    speaking.text.push(' ');
                }
                speaking.sentence_starts.push((speaking.queued_samples, speaking.text.len()));
                speaking.text.push_str(&text);
                speaking.queued_samples += speech.samples.len();
                self.playback.extend(speech.samples.iter().copied());
                self.update(CallUpdate::Said {
                    at_ms: now,
                    speaker: Speaker::Assistant,
                    text,
                    detail: speech.voice.clone(),
                });
            }
            ReplyEvent::Finished { reply } => {
                let Some(speaking) = self.speaking.as_mut().filter(|s| s.reply == Some(reply)) else {
                    return;
                };
                speaking.generating = false;
                if speaking.text.is_empty() {
                    tracing::warn!(call_id = self.call_id, "the answer could not be spoken");
                    self.speaking = None;
                    if self.closing.is_none() {
                        self.speak_phrase(&say_again(self.speaking_language)).await;
                    }
                } else if self.playback.is_empty() {
                    self.finish_speaking(false).await;
                }
            }
        }
    }

    async fn finish(mut self, outcome: CallOutcome) -> Result<CallSummary, CallError> {
        if self.speaking.is_some() {
            let cut = !self.playback.is_empty() || self.speaking.as_ref().is_some_and(|s| s.generating);
            if let Some(speaking) = &self.speaking {
                speaking.cancel.store(true, Ordering::Relaxed);
            }
            self.finish_speaking(cut).await;
        }
        let duration_ms = self.now_ms;
        let recording = self.recording.clone();
        if let Some(recorder) = self.recorder.take() {
            if let Err(error) = recorder.finish() {
                tracing::error!(call_id = self.call_id, %error, "cannot finish the recording");
            }
        }
        let call_id = self.call_id;
        let started = Instant::now();
        let store = self.engines.store.clone();
        let language = self.speaking_language.code();
        let intake = super::text::intake_row(&self.intake);
        tokio::task::spawn_blocking(move || {
            let store = lock(&store);
            store.save_intake(call_id, &intake)?;
            store.finish_call(call_id, outcome, duration_ms)
        })
        .await??;
        tracing::info!(call_id, outcome = outcome.as_str(), duration_ms, store_ms = started.elapsed().as_millis() as u64, "call ended");
        if let Some(updates) = &self.updates {
            let _ = updates.try_send(CallUpdate::Ended { call_id, outcome, duration_ms });
        }
        Ok(CallSummary {
            call_id,
            outcome,
            duration_ms,
            recording,
            intake: self.intake,
            effects: self.effects,
            transferred_to: self.transferred_to,
            language: language.to_string(),
        })
    }
}
