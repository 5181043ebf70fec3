//! The recent log lines the system page shows: a `tracing` layer that keeps
//! the last events of info level and above in memory.
//!
//! Only what the daemon already logs at info level is kept, and the daemon
//! logs neither transcripts nor full phone numbers at that level.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::Context;
use tracing_subscriber::Layer;

/// Lines kept; older ones are dropped first.
const CAPACITY: usize = 500;
/// A field value longer than this is cut, so one event cannot flood the page.
const MAX_VALUE_CHARS: usize = 300;

/// One log line.
#[derive(Debug, Clone)]
pub struct LogLine {
    /// UTC time, RFC 3339.
    pub at: String,
    pub level: Level,
    pub target: String,
    pub message: String,
    /// The event's other fields as `name=value` pairs.
    pub fields: String,
}

/// The shared ring of recent log lines; clones share it.
#[derive(Clone, Default)]
pub struct LogBuffer {
    lines: Arc<Mutex<VecDeque<LogLine>>>,
}

impl LogBuffer {
    /// Returns the buffered lines, oldest first, at `minimum` level or more severe.
    pub fn lines(&self, minimum: Level) -> Vec<LogLine> {
        self.lock().iter().filter(|line| line.level <= minimum).cloned().collect()
    }

    fn push(&self, line: LogLine) {
        let mut lines = self.lock();
        if lines.len() == CAPACITY {
            lines.pop_front();
        }
        lines.push_back(line);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<LogLine>> {
        self.lines.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl<S: Subscriber> Layer<S> for LogBuffer {
    fn on_event(&self, event: &Event<'_>, _context: Context<'_, S>) {
        let level = *event.metadata().level();
        if level > Level::INFO {
            return;
        }
        let mut visitor = Fields::default();
        event.record(&mut visitor);
        self.push(LogLine {
            at: standardiste_store::now_rfc3339(),
            level,
            target: event.metadata().target().to_string(),
            message: visitor.message,
            fields: visitor.fields,
        });
    }
}

#[derive(Default)]
struct Fields {
    message: String,
    fields: String,
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let mut text = format!("{value:?}");
        if text.chars().count() > MAX_VALUE_CHARS {
            text = text.chars().take(MAX_VALUE_CHARS).collect::<String>() + "…";
        }
        if field.name() == "message" {
            self.message = text;
        } else {
            if !self.fields.is_empty() {
                self.fields.push(' ');
            }
            let _ = write!(self.fields, "{}={}", field.name(), text);
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.record_debug(field, &format_args!("{value}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing_subscriber::layer::SubscriberExt;

    #[test]
    fn keeps_info_and_above_with_fields() {
        let buffer = LogBuffer::default();
        let subscriber = tracing_subscriber::registry().with(buffer.clone());
        tracing::subscriber::with_default(subscriber, || {
            tracing::debug!("hidden");
            tracing::info!(line = "gsm", call_id = 7, "call answered");
            tracing::warn!(error = "port vanished", "line reopening");
        });
        let lines = buffer.lines(Level::INFO);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].message, "call answered");
        assert_eq!(lines[0].fields, "line=gsm call_id=7");
        assert_eq!(buffer.lines(Level::WARN).len(), 1);
    }

    #[test]
    fn ring_drops_the_oldest() {
        let buffer = LogBuffer::default();
        let subscriber = tracing_subscriber::registry().with(buffer.clone());
        tracing::subscriber::with_default(subscriber, || {
            for i in 0..CAPACITY + 5 {
                tracing::info!(i, "event");
            }
        });
        let lines = buffer.lines(Level::INFO);
        assert_eq!(lines.len(), CAPACITY);
        assert_eq!(lines[0].fields, "i=5");
    }
}
