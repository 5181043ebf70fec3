//! Conversion between [`Event`] and the typed events of this crate.

use serde_json::{Map, Value};

use crate::error::Error;
use crate::event::{json_type_name, Event};

/// An event type with a fixed Wyoming `type` string.
pub trait TypedEvent: Sized {
    /// The `type` string on the wire, such as `"audio-chunk"`.
    const KIND: &'static str;

    fn to_event(&self) -> Event;

    /// Parses `event`, returning [`Error::UnexpectedEvent`] when its type is not [`Self::KIND`]
    /// and [`Error::InvalidEvent`] when a field is missing or of the wrong type.
    fn from_event(event: &Event) -> Result<Self, Error>;
}

impl Event {
    /// Returns true when this event's type is `T::KIND`.
    pub fn is<T: TypedEvent>(&self) -> bool {
        self.kind == T::KIND
    }

    /// Parses this event as `T`.
    pub fn parse<T: TypedEvent>(&self) -> Result<T, Error> {
        T::from_event(self)
    }
}

/// Field accessors for a typed parser, with errors that name the event type and the field.
pub(crate) struct Fields<'a> {
    kind: &'static str,
    data: &'a Map<String, Value>,
}

impl<'a> Fields<'a> {
    /// Checks the event's type and borrows its data.
    pub(crate) fn of(event: &'a Event, kind: &'static str) -> Result<Self, Error> {
        if event.kind != kind {
            return Err(Error::UnexpectedEvent {
                expected: kind,
                received: event.kind.clone(),
            });
        }
        Ok(Fields {
            kind,
            data: &event.data,
        })
    }

    pub(crate) fn invalid(&self, reason: String) -> Error {
        Error::InvalidEvent {
            kind: self.kind.to_owned(),
            reason,
        }
    }

    /// Returns the field's value, treating `null` as absent.
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.data.get(key).filter(|value| !value.is_null())
    }

    fn wrong_type(&self, key: &str, expected: &str, value: &Value) -> Error {
        self.invalid(format!(
            "field {key:?} must be {expected}, got {}",
            json_type_name(value)
        ))
    }

    pub(crate) fn optional_u32(&self, key: &str) -> Result<Option<u32>, Error> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        match value.as_u64().map(u32::try_from) {
            Some(Ok(number)) => Ok(Some(number)),
            _ => Err(self.invalid(format!(
                "field {key:?} must be an integer from 0 to {}, got {value}",
                u32::MAX
            ))),
        }
    }

    pub(crate) fn required_u32(&self, key: &str) -> Result<u32, Error> {
        self.optional_u32(key)?
            .ok_or_else(|| self.invalid(format!("missing field {key:?}")))
    }

    pub(crate) fn optional_u64(&self, key: &str) -> Result<Option<u64>, Error> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        value.as_u64().map(Some).ok_or_else(|| {
            self.invalid(format!(
                "field {key:?} must be a non-negative integer, got {value}"
            ))
        })
    }

    pub(crate) fn optional_f32(&self, key: &str) -> Result<Option<f32>, Error> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        match value.as_f64() {
            Some(number) => Ok(Some(number as f32)),
            None => Err(self.wrong_type(key, "a number", value)),
        }
    }

    pub(crate) fn optional_str(&self, key: &str) -> Result<Option<String>, Error> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        match value.as_str() {
            Some(text) => Ok(Some(text.to_owned())),
            None => Err(self.wrong_type(key, "a string", value)),
        }
    }

    pub(crate) fn required_str(&self, key: &str) -> Result<String, Error> {
        self.optional_str(key)?
            .ok_or_else(|| self.invalid(format!("missing field {key:?}")))
    }

    /// Deserializes the whole data object into `T`.
    pub(crate) fn deserialize<T: serde::de::DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_value(Value::Object(self.data.clone()))
            .map_err(|err| self.invalid(err.to_string()))
    }
}

/// Inserts `key` only when `value` is `Some`, so optional fields are left out rather than sent
/// as `null`.
pub(crate) fn insert_some<T: Into<Value>>(event: &mut Event, key: &str, value: Option<T>) {
    if let Some(value) = value {
        event.data.insert(key.to_owned(), value.into());
    }
}
