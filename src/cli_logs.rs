//! `standardiste logs --call ID`: one call's entries from the systemd journal,
//! from its first ring to its recap.

use crate::config::Config;
use crate::service::journal::{belongs_to_call, format_entry, journal_time, parse_entry, read_journal};
use crate::store::Store;

/// Options of `standardiste logs`.
#[derive(Debug, clap::Args)]
pub struct LogsArgs {
    /// The call, by its number in `standardiste calls`.
    #[arg(long = "call", value_name = "ID")]
    pub call: i64,
    /// The systemd unit that runs the daemon.
    #[arg(long, default_value = "standardiste")]
    pub unit: String,
}

/// Seconds of journal read before the call was answered, for its rings.
const BEFORE_ANSWER_S: i64 = 60;
/// Seconds read after it ended, for the recap and the line going back to ready.
const AFTER_END_S: i64 = 30;

/// Prints call `args.call`'s journal entries.
pub fn logs(config: &Config, args: &LogsArgs) -> Result<(), String> {
    let database = config.database_path();
    if !database.is_file() {
        return Err(format!("call {} not found: there are no calls yet in {}", args.call, database.display()));
    }
    let store = Store::open_read_only(&database).map_err(|e| e.to_string())?;
    let call = store.call(args.call).map_err(|e| e.to_string())?;
    let invalid_time = |value: &str| format!("call {} has an unreadable time `{value}` in {}", call.id, database.display());
    let since = journal_time(&call.started_at, -BEFORE_ANSWER_S).ok_or_else(|| invalid_time(&call.started_at))?;
    let until = match &call.ended_at {
        Some(ended) => journal_time(ended, AFTER_END_S).ok_or_else(|| invalid_time(ended))?,
        None => "now".to_string(),
    };
    println!("call {} on {}, started {}, {}", call.id, call.line, call.started_at, call.outcome);
    let lines = read_journal(&args.unit, &since, &until)?;
    let story = story(&lines, call.id, &call.line);
    if story.is_empty() {
        return Err(format!(
            "no journal entry of unit {} names call {} or line {} between {since} and {until}; \
             was the daemon running as that unit? (`journalctl -u {} --since \"{since}\"`)",
            args.unit, call.id, call.line, args.unit
        ));
    }
    for line in story {
        println!("{line}");
    }
    Ok(())
}

/// Returns the formatted entries among `lines` (journalctl's JSON output)
/// that belong to call `call_id` on `line`, in time order.
pub fn story(lines: &[String], call_id: i64, line: &str) -> Vec<String> {
    let mut entries: Vec<_> = lines
        .iter()
        .filter_map(|text| parse_entry(text))
        .filter(|entry| belongs_to_call(entry, call_id, line))
        .collect();
    entries.sort_by_key(|entry| entry.realtime_us);
    entries.iter().map(format_entry).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn story_sorts_and_filters() {
        let lines = [
            r#"{"__REALTIME_TIMESTAMP":"1796460008000000","PRIORITY":"5","MESSAGE":"call answered","LINE":"gsm0","CALL_ID":"7"}"#,
            r#"{"__REALTIME_TIMESTAMP":"1796460006000000","PRIORITY":"5","MESSAGE":"ring","LINE":"gsm0"}"#,
            r#"{"__REALTIME_TIMESTAMP":"1796460007000000","PRIORITY":"5","MESSAGE":"ring","LINE":"modem0"}"#,
            "not json",
        ]
        .map(str::to_string);
        let story = story(&lines, 7, "gsm0");
        assert_eq!(story.len(), 2, "{story:?}");
        assert!(story[0].ends_with("ring line=gsm0"), "{story:?}");
        assert!(story[1].contains("call answered"), "{story:?}");
    }
}
