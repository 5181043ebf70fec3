//! Messages: the callbacks the owner has to make or has made, as
//! `messages.csv` and `messages.json`. A call is a message when the
//! receptionist took a message, promised a callback or escalated, which is
//! what the console's Messages page lists.

use serde::Serialize;

use super::csv::{CsvWriter, Field};
use super::json::{DocumentHeader, JsonDocument};
use super::{write_error, ExportError, Source};
use crate::messages::{callback_from_row, CALLBACK_COLUMNS, IS_CALLBACK};
use crate::staged_file::StagedFile;
use crate::CallbackRow;

/// A message as exported.
#[derive(Debug, Serialize)]
struct MessageRecord {
    call_id: i64,
    /// Start of the call, RFC 3339 UTC.
    started_at: String,
    /// `open` or `done`.
    status: &'static str,
    /// When the owner marked it done, RFC 3339 UTC.
    done_at: Option<String>,
    caller_name: Option<String>,
    /// The number the caller asked to be called back on, or else the caller ID.
    number_to_call: Option<String>,
    caller_number: Option<String>,
    callback_number: Option<String>,
    reason: Option<String>,
    /// low, normal, high or emergency.
    urgency: Option<String>,
    escalation: Option<String>,
    message_taken: bool,
    callback_promised: bool,
}

const CSV_HEADER: [&str; 13] = [
    "call_id",
    "started_at",
    "status",
    "done_at",
    "caller_name",
    "number_to_call",
    "caller_number",
    "callback_number",
    "reason",
    "urgency",
    "escalation",
    "message_taken",
    "callback_promised",
];

impl From<CallbackRow> for MessageRecord {
    fn from(row: CallbackRow) -> MessageRecord {
        MessageRecord {
            number_to_call: row.number_to_call().map(str::to_string),
            status: if row.done_at.is_some() { "done" } else { "open" },
            call_id: row.call_id,
            started_at: row.started_at,
            done_at: row.done_at,
            caller_name: row.caller_name,
            caller_number: row.caller_number,
            callback_number: row.callback_number,
            reason: row.reason,
            urgency: row.urgency,
            escalation: row.escalation,
            message_taken: row.message_taken,
            callback_promised: row.callback_promised,
        }
    }
}

impl MessageRecord {
    fn csv_fields(&self) -> Vec<Field<'_>> {
        vec![
            Field::integer(Some(self.call_id)),
            Field::Text(Some(&self.started_at)),
            Field::Plain(self.status.to_string()),
            Field::Text(self.done_at.as_deref()),
            Field::Text(self.caller_name.as_deref()),
            Field::Text(self.number_to_call.as_deref()),
            Field::Text(self.caller_number.as_deref()),
            Field::Text(self.callback_number.as_deref()),
            Field::Text(self.reason.as_deref()),
            Field::Text(self.urgency.as_deref()),
            Field::Text(self.escalation.as_deref()),
            Field::flag(self.message_taken),
            Field::flag(self.callback_promised),
        ]
    }
}

/// Calls `visit` with each message of a call that started on or after the
/// export's date, in call id order.
fn for_each_message(
    source: &Source<'_>,
    mut visit: impl FnMut(&MessageRecord) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    let read_error = |error| source.read_error("messages", error);
    let sql = format!("SELECT {CALLBACK_COLUMNS} FROM calls WHERE {IS_CALLBACK} AND started_at >= ?1 ORDER BY id");
    let mut statement = source.store.conn.prepare(&sql).map_err(read_error)?;
    let mut rows = statement.query([source.since.unwrap_or("")]).map_err(read_error)?;
    while let Some(row) = rows.next().map_err(read_error)? {
        let message = MessageRecord::from(callback_from_row(row).map_err(read_error)?);
        visit(&message)?;
    }
    Ok(())
}

/// Writes `messages.csv` and returns its record count.
pub(super) fn write_csv(source: &Source<'_>, file: &mut StagedFile) -> Result<u64, ExportError> {
    let path = file.target().to_path_buf();
    let out = file.writer().map_err(write_error(&path))?;
    let mut csv = CsvWriter::new(out, &CSV_HEADER).map_err(write_error(&path))?;
    for_each_message(source, |message| csv.record(&message.csv_fields()).map_err(write_error(&path)))?;
    Ok(csv.records())
}

/// Writes `messages.json` and returns the number of messages in it.
pub(super) fn write_json(
    source: &Source<'_>,
    file: &mut StagedFile,
    header: &DocumentHeader<'_>,
) -> Result<u64, ExportError> {
    let path = file.target().to_path_buf();
    let out = file.writer().map_err(write_error(&path))?;
    let mut document = JsonDocument::begin(out, header).map_err(write_error(&path))?;
    for_each_message(source, |message| document.item(message).map_err(write_error(&path)))?;
    document.end().map_err(write_error(&path))?;
    Ok(document.items())
}
