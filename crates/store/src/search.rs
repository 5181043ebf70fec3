//! Finding calls for the console's call list: by words in the caller's
//! number, name, reason or transcript, by outcome, language and date.

use rusqlite::types::Value;

use super::{Store, StoreError};

/// Search criteria for calls. `None` and empty fields match every call.
#[derive(Debug, Clone, Default)]
pub struct CallFilter {
    /// Words that must appear in the caller's number, name, reason or any turn.
    pub text: Option<String>,
    /// A stored outcome, such as `completed`.
    pub outcome: Option<String>,
    /// An ISO 639-1 code.
    pub language: Option<String>,
    /// Calls that started at or after this UTC time (RFC 3339).
    pub started_from: Option<String>,
    /// Calls that started before this UTC time (RFC 3339).
    pub started_before: Option<String>,
}

/// A call as the call list shows it.
#[derive(Debug, Clone)]
pub struct CallSummaryRow {
    pub id: i64,
    pub started_at: String,
    pub line: String,
    pub caller_number: Option<String>,
    pub caller_name: Option<String>,
    pub outcome: String,
    pub duration_ms: Option<i64>,
    pub language: Option<String>,
    pub reason: Option<String>,
    pub urgency: Option<String>,
    /// The distinct intents of the call's valid readings, most frequent first.
    pub topics: Vec<String>,
}

impl Store {
    /// Finds the calls matching `filter`, newest first, skipping `offset` and
    /// returning at most `limit`, with the total number that match.
    pub fn search_calls(&self, filter: &CallFilter, offset: usize, limit: usize) -> Result<(Vec<CallSummaryRow>, usize), StoreError> {
        let (condition, parameters) = where_clause(filter);
        let total: i64 = self.conn.query_row(
            &format!("SELECT COUNT(*) FROM calls c {condition}"),
            rusqlite::params_from_iter(parameters.iter()),
            |row| row.get(0),
        )?;
        let mut all = parameters.clone();
        all.push(Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
        all.push(Value::Integer(i64::try_from(offset).unwrap_or(i64::MAX)));
        let sql = format!(
            "SELECT c.id, c.started_at, c.line, c.caller_number, c.caller_name, c.outcome, c.duration_ms,
                    c.language, c.reason, c.urgency,
                    (SELECT GROUP_CONCAT(intent, ',') FROM (
                        SELECT intent FROM readings r
                        WHERE r.call_id = c.id AND r.valid = 1 AND r.intent IS NOT NULL
                        GROUP BY intent ORDER BY COUNT(*) DESC, intent))
             FROM calls c {condition}
             ORDER BY c.started_at DESC, c.id DESC
             LIMIT ? OFFSET ?"
        );
        let mut statement = self.conn.prepare(&sql)?;
        let rows = statement.query_map(rusqlite::params_from_iter(all.iter()), |row| {
            let topics: Option<String> = row.get(10)?;
            Ok(CallSummaryRow {
                id: row.get(0)?,
                started_at: row.get(1)?,
                line: row.get(2)?,
                caller_number: row.get(3)?,
                caller_name: row.get(4)?,
                outcome: row.get(5)?,
                duration_ms: row.get(6)?,
                language: row.get(7)?,
                reason: row.get(8)?,
                urgency: row.get(9)?,
                topics: topics.map(|t| t.split(',').map(str::to_string).collect()).unwrap_or_default(),
            })
        })?;
        let calls = rows.collect::<Result<Vec<_>, _>>()?;
        Ok((calls, usize::try_from(total).unwrap_or(0)))
    }

    /// Lists the languages and outcomes that stored calls have, for the list's filters.
    pub fn call_facets(&self) -> Result<(Vec<String>, Vec<String>), StoreError> {
        let distinct = |column: &str| -> Result<Vec<String>, StoreError> {
            let mut statement = self
                .conn
                .prepare(&format!("SELECT DISTINCT {column} FROM calls WHERE {column} IS NOT NULL ORDER BY {column}"))?;
            let rows = statement.query_map([], |row| row.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        };
        Ok((distinct("language")?, distinct("outcome")?))
    }
}

/// Builds the `WHERE` clause for `filter`, with its parameters in order.
fn where_clause(filter: &CallFilter) -> (String, Vec<Value>) {
    let mut conditions = Vec::new();
    let mut parameters = Vec::new();
    if let Some(text) = filter.text.as_deref() {
        for word in text.split_whitespace().take(8) {
            let pattern = format!("%{}%", escape_like(word));
            conditions.push(
                "(c.caller_number LIKE ? ESCAPE '\\' OR c.caller_name LIKE ? ESCAPE '\\' OR c.reason LIKE ? ESCAPE '\\'
                  OR EXISTS (SELECT 1 FROM turns t WHERE t.call_id = c.id AND t.text LIKE ? ESCAPE '\\'))",
            );
            for _ in 0..4 {
                parameters.push(Value::Text(pattern.clone()));
            }
        }
    }
    let exact = [
        ("c.outcome = ?", &filter.outcome),
        ("c.language = ?", &filter.language),
        ("c.started_at >= ?", &filter.started_from),
        ("c.started_at < ?", &filter.started_before),
    ];
    for (condition, value) in exact {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            conditions.push(condition);
            parameters.push(Value::Text(value.to_string()));
        }
    }
    if conditions.is_empty() {
        (String::new(), parameters)
    } else {
        (format!("WHERE {}", conditions.join(" AND ")), parameters)
    }
}

/// Escapes `%`, `_` and the escape character itself for a `LIKE … ESCAPE '\'` pattern.
fn escape_like(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CallOutcome, IntakeRow, NewTurn, Speaker};

    fn store_with_calls() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("calls.db")).unwrap();
        let first = store.start_call("gsm", Some("+44 7700 900123"), None).unwrap();
        store
            .add_turn(first, &NewTurn { speaker: Some(Speaker::Caller), text: "I need a check-up on Tuesday".into(), ..NewTurn::default() })
            .unwrap();
        store.save_intake(first, &IntakeRow { caller_name: Some("Ann 100%".into()), reason: Some("check-up".into()), ..IntakeRow::default() }).unwrap();
        store.add_reading(first, Some("book"), None, 10).unwrap();
        store.add_reading(first, Some("book"), None, 10).unwrap();
        store.add_reading(first, Some("question"), None, 10).unwrap();
        store.set_call_language(first, "en").unwrap();
        store.finish_call(first, CallOutcome::Completed, 60_000).unwrap();
        let second = store.start_call("modem", Some("02 99 00 11 22"), None).unwrap();
        store.set_call_language(second, "fr").unwrap();
        store.finish_call(second, CallOutcome::CallerHungUp, 5_000).unwrap();
        (dir, store)
    }

    #[test]
    fn words_match_number_name_and_transcript() {
        let (_dir, store) = store_with_calls();
        let by_transcript = CallFilter { text: Some("tuesday".into()), ..CallFilter::default() };
        let (calls, total) = store.search_calls(&by_transcript, 0, 10).unwrap();
        assert_eq!(total, 1);
        assert_eq!(calls[0].caller_name.as_deref(), Some("Ann 100%"));
        assert_eq!(calls[0].topics, vec!["book".to_string(), "question".to_string()]);
        let by_number = CallFilter { text: Some("900123".into()), ..CallFilter::default() };
        assert_eq!(store.search_calls(&by_number, 0, 10).unwrap().1, 1);
        let nothing = CallFilter { text: Some("tuesday hung".into()), ..CallFilter::default() };
        assert_eq!(store.search_calls(&nothing, 0, 10).unwrap().1, 0);
    }

    #[test]
    fn like_wildcards_are_literal() {
        let (_dir, store) = store_with_calls();
        let percent = CallFilter { text: Some("100%".into()), ..CallFilter::default() };
        assert_eq!(store.search_calls(&percent, 0, 10).unwrap().1, 1);
        let underscore = CallFilter { text: Some("_".into()), ..CallFilter::default() };
        assert_eq!(store.search_calls(&underscore, 0, 10).unwrap().1, 0);
    }

    #[test]
    fn filters_and_paging() {
        let (_dir, store) = store_with_calls();
        let french = CallFilter { language: Some("fr".into()), ..CallFilter::default() };
        let (calls, total) = store.search_calls(&french, 0, 10).unwrap();
        assert_eq!(total, 1);
        assert_eq!(calls[0].outcome, "caller_hung_up");
        let (page, total) = store.search_calls(&CallFilter::default(), 1, 1).unwrap();
        assert_eq!(total, 2);
        assert_eq!(page.len(), 1);
        let (languages, outcomes) = store.call_facets().unwrap();
        assert_eq!(languages, vec!["en", "fr"]);
        assert_eq!(outcomes, vec!["caller_hung_up", "completed"]);
    }
}
