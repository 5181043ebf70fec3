//! `standardiste chat`: talk to the receptionist by typing, to try a
//! business profile without a phone. Bookings and messages are real: they
//! go to the same database as calls.

use std::io::BufRead;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use time::PrimitiveDateTime;

use crate::agent::llm::Llm;
use crate::call::text::TextCall;
use crate::config::Config;
use crate::profile::BusinessProfile;
use crate::store::{CallOutcome, Store};

#[derive(clap::Args)]
pub struct ChatArgs {
    /// Caller ID to present (the box looks up this caller's bookings by it).
    #[arg(long)]
    pub caller_number: Option<String>,
    /// Pretend the call happens at this local time, `YYYY-MM-DD HH:MM` (default: now).
    #[arg(long, value_parser = parse_local_time)]
    pub at: Option<PrimitiveDateTime>,
    /// Caller turn to send; repeat for several turns. Without it, turns are read from
    /// standard input, one per line. A turn of `#` and digits (`#0`) presses those keys.
    #[arg(long = "say")]
    pub turns: Vec<String>,
    /// Business profile (TOML) instead of the one in the settings.
    #[arg(long)]
    pub profile: Option<PathBuf>,
    /// Also print how the model read each turn.
    #[arg(long)]
    pub verbose: bool,
}

/// Parses a local time written `YYYY-MM-DD HH:MM`.
pub fn parse_local_time(text: &str) -> Result<PrimitiveDateTime, String> {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    PrimitiveDateTime::parse(text.trim(), &format)
        .map_err(|_| format!("invalid local time `{text}`: write it as YYYY-MM-DD HH:MM, for example 2026-12-08 14:30"))
}

pub use crate::agent::prompt::local_now;

/// Runs one typed call until the turns run out or the box hangs up, then
/// stores it as a completed call.
pub async fn chat(mut config: Config, args: ChatArgs) -> Result<(), String> {
    if let Some(profile) = &args.profile {
        config.profile = profile.clone();
    }
    let profile = BusinessProfile::load(&config.profile).map_err(|e| e.to_string())?;
    let llm_path = config.models_dir.join(&config.llm.model);
    if !llm_path.is_file() {
        return Err(format!(
            "model file {} is missing; fetch it with `standardiste models fetch`",
            llm_path.display()
        ));
    }
    eprintln!("loading {} ...", llm_path.display());
    let llm_config = config.llm.clone();
    let llm = tokio::task::spawn_blocking(move || Llm::load(&llm_path, &llm_config))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    let database = config.database_path();
    let store = Arc::new(Mutex::new(Store::open(&database).map_err(|e| e.to_string())?));
    let now = args.at.unwrap_or_else(local_now);
    let mut call = TextCall::start(llm, &profile, store, &database, args.caller_number.as_deref(), now)
        .await
        .map_err(|e| e.to_string())?;
    println!("box   : {}", call.greeting());

    let mut typed = args.turns.clone().into_iter();
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    loop {
        let turn = if args.turns.is_empty() {
            match lines.next() {
                Some(Ok(line)) => line,
                Some(Err(e)) => return Err(format!("cannot read standard input: {e}")),
                None => break,
            }
        } else {
            match typed.next() {
                Some(turn) => {
                    println!("caller: {turn}");
                    turn
                }
                None => break,
            }
        };
        let turn = turn.trim();
        if turn.is_empty() {
            continue;
        }
        if let Some(keys) = turn.strip_prefix('#') {
            for digit in keys.chars() {
                if let Some(spoken) = call.key(digit).await.map_err(|e| e.to_string())? {
                    println!("box   : {spoken}");
                }
            }
            continue;
        }
        let answer = call.say(turn).await.map_err(|e| e.to_string())?;
        if args.verbose {
            match &answer.reading.result {
                Ok(understanding) => {
                    let reading = &answer.reading;
                    eprintln!(
                        "        (read as {:?} in {} ms, {:?}: {})",
                        understanding.intent, reading.elapsed_ms, reading.stats, reading.raw
                    );
                }
                Err(e) => eprintln!("        (invalid reading: {e})"),
            }
        }
        println!("box   : {}", answer.spoken);
        if answer.response.hang_up {
            println!("box   : {}", profile.farewell.get(profile.default_language()));
            break;
        }
    }
    let intake = call.intake();
    let id = call.finish(CallOutcome::Completed).await.map_err(|e| e.to_string())?;
    println!("call {id} stored; details: {intake:?}");
    Ok(())
}
