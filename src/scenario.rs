//! Scripted calls with expected outcomes, run as text against the real
//! model: the scenario suite of the tests and of `make bench`.
//!
//! Each scenario is a caller's turns plus the conditions that must hold
//! afterwards. Some check the stored data: a booking at the right slot, a
//! message with the right callback number, an escalation. Others check the
//! box's spoken output: a fact from the profile, never another caller's name.

use std::path::Path;
use std::sync::{Arc, Mutex};

use serde::Deserialize;
use standardiste_booking as booking;
use time::PrimitiveDateTime;

use crate::agent::desk::fold;
use crate::agent::llm::Llm;
use crate::call::text::TextCall;
use crate::call::Engines;
use crate::line::caller::CallerScript;
use crate::line::simulated::SimulatedLine;
use crate::profile::{Language, Voice};
use crate::speech::tts::Speaker;
use crate::cli_chat::parse_local_time;
use crate::profile::{self, BusinessProfile};
use crate::store::{CallOutcome, Store};

/// A file of scenarios.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    scenario: Vec<Scenario>,
}

/// One scripted call.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    /// Feature the scenario exercises, used to group the success rate.
    pub category: String,
    pub language: String,
    pub caller_number: Option<String>,
    /// Local time of the call, `YYYY-MM-DD HH:MM`.
    pub at: String,
    /// Caller turns in order. A turn of `#` and digits (`#0`) presses those keys.
    pub turns: Vec<String>,
    /// Bookings already in the book before the call.
    #[serde(default)]
    pub seed: Vec<Seed>,
    #[serde(default)]
    pub expect: Expect,
    /// Also run this scenario as audio through a simulated line (`make test`
    /// runs a few: each takes a minute of real time).
    #[serde(default)]
    pub audio: bool,
}

/// A booking made before the scenario's call.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    pub service: String,
    pub at: String,
    pub name: String,
    pub number: String,
}

/// Conditions that must hold after the call. Fields left out are not checked.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Start of the booking this call made, `YYYY-MM-DD HH:MM`.
    pub booking_at: Option<String>,
    pub booking_service: Option<String>,
    /// When true, the call must make no booking.
    #[serde(default)]
    pub no_booking: bool,
    pub message: Option<bool>,
    /// Digits of the callback number stored on the call.
    pub callback_number: Option<String>,
    pub callback_confirmed: Option<bool>,
    /// Words the stored caller name contains.
    pub name_contains: Option<String>,
    /// The stored escalation reason.
    pub escalation: Option<String>,
    pub callback_promised: Option<bool>,
    /// Number of seed bookings that must be cancelled after the call.
    pub cancelled: Option<usize>,
    /// Number of booked appointments in the whole book after the call.
    pub bookings_total: Option<usize>,
    /// Phrases the box must speak at least one of (case and accents ignored).
    #[serde(default)]
    pub said_any: Vec<String>,
    /// Phrases the box must never speak (case and accents ignored).
    #[serde(default)]
    pub said_none: Vec<String>,
}

/// Result of one scenario run: its failed checks and model reading counts.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub name: String,
    pub category: String,
    pub failures: Vec<String>,
    /// The call as text, for a failure's message.
    pub transcript: String,
    pub readings: u64,
    pub valid_readings: u64,
    /// Time of each model reading, in milliseconds.
    pub reading_ms: Vec<u64>,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Reads every `*.toml` scenario file in `dir`, in name order.
pub fn load_dir(dir: &Path) -> Result<Vec<Scenario>, String> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read the scenario folder {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    paths.sort();
    let mut scenarios = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read the scenario file {}: {e}", path.display()))?;
        let file: ScenarioFile = toml::from_str(&text).map_err(|e| format!("invalid scenario file {}: {e}", path.display()))?;
        scenarios.extend(file.scenario);
    }
    Ok(scenarios)
}

/// Runs one scenario in a fresh database under `scratch`.
pub async fn run(llm: &Llm, profile: &BusinessProfile, scenario: &Scenario, scratch: &Path) -> Result<Outcome, String> {
    let at = parse_local_time(&scenario.at)?;
    std::fs::create_dir_all(scratch).map_err(|e| format!("cannot create the scratch folder {}: {e}", scratch.display()))?;
    let database = scratch.join("calls.db");
    for stale in ["calls.db", "calls.db-wal", "calls.db-shm"] {
        let _ = std::fs::remove_file(scratch.join(stale));
    }
    let store = Store::open(&database).map_err(|e| e.to_string())?;
    let seeded = seed(&database, profile, &scenario.seed)?;
    let store = Arc::new(Mutex::new(store));
    let mut call = TextCall::start(llm.clone(), profile, store.clone(), &database, scenario.caller_number.as_deref(), at)
        .await
        .map_err(|e| e.to_string())?;
    let mut transcript = vec![format!("box: {}", call.greeting())];
    let mut said = Vec::new();
    let mut reading_ms = Vec::new();
    for turn in &scenario.turns {
        transcript.push(format!("caller: {turn}"));
        if let Some(keys) = turn.strip_prefix('#') {
            for digit in keys.chars() {
                if let Some(spoken) = call.key(digit).await.map_err(|e| e.to_string())? {
                    transcript.push(format!("box: {spoken}"));
                    said.push(spoken);
                }
            }
            continue;
        }
        let answer = call.say(turn).await.map_err(|e| e.to_string())?;
        reading_ms.push(answer.reading.elapsed_ms);
        let reading = match &answer.reading.result {
            Ok(u) => format!("{:?}", u.intent).to_lowercase(),
            Err(e) => format!("invalid reading: {e}"),
        };
        transcript.push(format!("box: {}   [{reading}]", answer.spoken));
        said.push(answer.spoken.clone());
        if answer.response.hang_up {
            break;
        }
    }
    let call_id = call.finish(CallOutcome::Completed).await.map_err(|e| e.to_string())?;
    let store = store.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let failures = judge(scenario, &store, &database, call_id, &seeded, &said)?;
    outcome(scenario, &store, failures, &transcript, reading_ms)
}

/// Runs one scenario as a phone call: each caller turn is spoken by an SVOX
/// Pico voice in the scenario's language, through a simulated line, into the
/// real call loop (voice activity detection, Whisper, the model, the dialogue
/// and speech synthesis), with a fresh database under `scratch`.
pub async fn run_audio(engines: &Engines, scenario: &Scenario, scratch: &Path) -> Result<Outcome, String> {
    if scenario.turns.iter().any(|turn| turn.starts_with('#')) {
        return Err(format!("scenario {:?} presses keys, which the simulated caller cannot do; leave `audio` out", scenario.name));
    }
    let at = parse_local_time(&scenario.at)?;
    std::fs::create_dir_all(scratch).map_err(|e| format!("cannot create the scratch folder {}: {e}", scratch.display()))?;
    let mut config = (*engines.config).clone();
    config.data_dir = scratch.to_path_buf();
    let database = config.database_path();
    for stale in ["calls.db", "calls.db-wal", "calls.db-shm"] {
        let _ = std::fs::remove_file(scratch.join(stale));
    }
    let store = Store::open(&database).map_err(|e| e.to_string())?;
    let profile = engines.profile.clone();
    let seeded = seed(&database, &profile, &scenario.seed)?;
    let mut engines = engines.clone();
    engines.config = Arc::new(config);
    engines.store = Arc::new(Mutex::new(store));
    engines.clock = Some(at);
    engines.outbox = None;

    let language = Language::from_code(&scenario.language)
        .ok_or_else(|| format!("scenario {:?}: unknown language {:?}", scenario.name, scenario.language))?;
    let caller_voice = Speaker::new(language, Voice::Pico);
    let mut utterances = Vec::new();
    for turn in &scenario.turns {
        let speech = engines.tts.speak(turn, &caller_voice).await.map_err(|e| e.to_string())?;
        utterances.push(speech.samples.to_vec());
    }
    let mut script = CallerScript::new(utterances);
    script.caller_number = scenario.caller_number.clone();
    let mut line = SimulatedLine::start("sim0", script);
    let summary = crate::call::run_call(&mut line, &engines, None).await.map_err(|e| e.to_string())?;

    let store = engines.store.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let turns = store.turns(summary.call_id).map_err(|e| e.to_string())?;
    let said: Vec<String> = turns.iter().filter(|t| t.speaker == "assistant").map(|t| t.text.clone()).collect();
    let transcript: Vec<String> = turns
        .iter()
        .map(|t| format!("{}: {}", if t.speaker == "caller" { "caller" } else { "box" }, t.text))
        .collect();
    let failures = judge(scenario, &store, &database, summary.call_id, &seeded, &said)?;
    outcome(scenario, &store, failures, &transcript, Vec::new())
}

/// Builds a scenario's result from its failed checks and the store's reading counts.
fn outcome(
    scenario: &Scenario,
    store: &Store,
    failures: Vec<String>,
    transcript: &[String],
    reading_ms: Vec<u64>,
) -> Result<Outcome, String> {
    let (readings, valid_readings) = store.reading_counts().map_err(|e| e.to_string())?;
    Ok(Outcome {
        name: scenario.name.clone(),
        category: scenario.category.clone(),
        failures,
        transcript: transcript.join("\n"),
        readings,
        valid_readings,
        reading_ms,
    })
}

/// Checks a finished call against the scenario's expectations and returns
/// the failed checks. `said` is what the box spoke.
fn judge(
    scenario: &Scenario,
    store: &Store,
    database: &Path,
    call_id: i64,
    seeded: &[i64],
    said: &[String],
) -> Result<Vec<String>, String> {
    let at = parse_local_time(&scenario.at)?;
    let intake = store.intake(call_id).map_err(|e| e.to_string())?;
    let (readings, valid_readings) = store.reading_counts().map_err(|e| e.to_string())?;
    let conn = rusqlite::Connection::open(&database).map_err(|e| e.to_string())?;
    let far = at.saturating_add(time::Duration::days(3650));
    let all = booking::list(&conn, PrimitiveDateTime::MIN, far).map_err(|e| e.to_string())?;
    let call_bookings: Vec<&booking::Booking> = all.iter().filter(|b| b.call_id == Some(call_id)).collect();

    let expect = &scenario.expect;
    let mut failures = Vec::new();
    let mut check = |ok: bool, what: String| {
        if !ok {
            failures.push(what);
        }
    };
    let booked_here = call_bookings.iter().find(|b| b.status == booking::Status::Booked);
    if let Some(expected_start) = &expect.booking_at {
        let expected_start = parse_local_time(expected_start)?;
        check(
            booked_here.is_some_and(|b| b.start == expected_start),
            format!("expected a booking at {expected_start}, found {:?}", booked_here.map(|b| b.start)),
        );
    }
    if let Some(service) = &expect.booking_service {
        check(
            booked_here.is_some_and(|b| &b.appointment == service),
            format!("expected a {service} booking, found {:?}", booked_here.map(|b| &b.appointment)),
        );
    }
    if expect.no_booking {
        check(booked_here.is_none(), format!("expected no booking, found one at {:?}", booked_here.map(|b| b.start)));
    }
    if let Some(message) = expect.message {
        check(intake.message_taken == message, format!("expected message_taken = {message}, found {}", intake.message_taken));
    }
    if let Some(number) = &expect.callback_number {
        let stored: String = intake.callback_number.as_deref().unwrap_or("").chars().filter(char::is_ascii_digit).collect();
        check(&stored == number, format!("expected callback number {number}, found {stored:?}"));
    }
    if let Some(confirmed) = expect.callback_confirmed {
        check(intake.callback_confirmed == confirmed, format!("expected callback_confirmed = {confirmed}, found {}", intake.callback_confirmed));
    }
    if let Some(name) = &expect.name_contains {
        let stored = intake.caller_name.as_deref().map(fold).unwrap_or_default();
        check(stored.contains(&fold(name)), format!("expected the name to contain {name:?}, found {:?}", intake.caller_name));
    }
    if let Some(escalation) = &expect.escalation {
        check(
            intake.escalation.as_deref() == Some(escalation.as_str()),
            format!("expected escalation {escalation:?}, found {:?}", intake.escalation),
        );
    }
    if let Some(promised) = expect.callback_promised {
        check(intake.callback_promised == promised, format!("expected callback_promised = {promised}, found {}", intake.callback_promised));
    }
    if let Some(count) = expect.cancelled {
        let cancelled = all
            .iter()
            .filter(|b| seeded.contains(&b.id) && b.status == booking::Status::Cancelled)
            .count();
        check(cancelled == count, format!("expected {count} seeded bookings cancelled, found {cancelled}"));
    }
    if let Some(total) = expect.bookings_total {
        let booked = all.iter().filter(|b| b.status == booking::Status::Booked).count();
        check(booked == total, format!("expected {total} booked appointments in the book, found {booked}"));
    }
    check(valid_readings == readings, format!("{} of {readings} model readings were not valid", readings - valid_readings));
    let box_words = fold(&said.join(" "));
    if !expect.said_any.is_empty() {
        check(
            expect.said_any.iter().any(|w| box_words.contains(&fold(w))),
            format!("expected the box to say one of {:?}", expect.said_any),
        );
    }
    for word in &expect.said_none {
        check(!box_words.contains(&fold(word)), format!("expected the box never to say {word:?}, but it did"));
    }
    Ok(failures)
}

/// Books the seed appointments, returning their ids.
fn seed(database: &Path, profile: &BusinessProfile, seeds: &[Seed]) -> Result<Vec<i64>, String> {
    let mut conn = rusqlite::Connection::open(database).map_err(|e| e.to_string())?;
    booking::configure_connection(&conn).map_err(|e| e.to_string())?;
    let schedule = profile::schedule(profile);
    let services = profile::services(profile);
    let mut ids = Vec::new();
    for seed in seeds {
        let kind = services
            .iter()
            .find(|s| s.kind.name == seed.service)
            .ok_or_else(|| format!("invalid seed booking: the profile has no appointment type {:?}, so use one of its names", seed.service))?;
        let request = booking::NewBooking {
            schedule: &schedule,
            kind: &kind.kind,
            staff: None,
            start: parse_local_time(&seed.at)?,
            caller_name: seed.name.clone(),
            caller_number: seed.number.clone(),
            call_id: None,
            notes: String::new(),
        };
        ids.push(booking::book(&mut conn, &request).map_err(|e| format!("cannot book the seed appointment at {}: {e}", seed.at))?.id);
    }
    Ok(ids)
}
