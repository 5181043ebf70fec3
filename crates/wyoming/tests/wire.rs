//! Wire-format tests: round trips, byte-at-a-time input, and malformed, truncated and
//! oversized events.

use std::pin::Pin;
use std::task::{Context, Poll};

use serde_json::{json, Value};
use tokio::io::{AsyncRead, BufReader, ReadBuf};
use wyoming::{
    read_event, write_event, AsrModel, AsrProgram, Attribution, AudioChunk, AudioFormat,
    AudioStart, AudioStop, Describe, Error, ErrorEvent, Event, Info, Part, Transcribe, Transcript,
    TypedEvent, MAX_DATA_LENGTH, MAX_HEADER_LENGTH, MAX_PAYLOAD_LENGTH,
};

/// Yields one byte per read, and `Pending` before every other byte, to exercise every split
/// point and wake-up of the reader.
struct OneByteReader {
    bytes: Vec<u8>,
    position: usize,
    pending_next: bool,
}

impl OneByteReader {
    fn new(bytes: Vec<u8>) -> Self {
        OneByteReader {
            bytes,
            position: 0,
            pending_next: true,
        }
    }
}

impl AsyncRead for OneByteReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffer: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if self.pending_next {
            self.pending_next = false;
            context.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.pending_next = true;
        if let Some(&byte) = self.bytes.get(self.position) {
            buffer.put_slice(&[byte]);
            self.position += 1;
        }
        Poll::Ready(Ok(()))
    }
}

async fn encode(events: &[Event]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for event in events {
        write_event(&mut bytes, event).await.unwrap();
    }
    bytes
}

async fn decode_all(bytes: &[u8]) -> Result<Vec<Event>, Error> {
    let mut reader = BufReader::new(bytes);
    let mut events = Vec::new();
    while let Some(event) = read_event(&mut reader).await? {
        events.push(event);
    }
    Ok(events)
}

async fn decode_one(bytes: &[u8]) -> Result<Option<Event>, Error> {
    read_event(&mut BufReader::new(bytes)).await
}

fn sample_events() -> Vec<Event> {
    let samples: Vec<i16> = (0..1600).map(|i| ((i * 37) % 2000 - 1000) as i16).collect();
    vec![
        Describe.to_event(),
        Transcribe {
            name: None,
            language: Some("fr".into()),
        }
        .to_event(),
        AudioStart {
            format: AudioFormat::PCM16_MONO_16K,
            timestamp: Some(0),
        }
        .to_event(),
        AudioChunk::from_pcm16(&samples, Some(100)).to_event(),
        AudioStop {
            timestamp: Some(100),
        }
        .to_event(),
        Transcript {
            text: "Bonjour, « ça va » ?\nOui.".into(),
            language: Some("fr".into()),
            confidence: Some(0.875),
            no_speech_prob: Some(0.0125),
            audio_ms: Some(100),
            inference_ms: Some(420),
        }
        .to_event(),
        ErrorEvent {
            text: "bad".into(),
            code: Some("x".into()),
        }
        .to_event(),
    ]
}

#[tokio::test]
async fn round_trip_preserves_events() {
    let events = sample_events();
    let decoded = decode_all(&encode(&events).await).await.unwrap();
    assert_eq!(decoded, events);
}

#[tokio::test]
async fn round_trip_one_byte_at_a_time() {
    let events = sample_events();
    let bytes = encode(&events).await;
    let mut reader = BufReader::new(OneByteReader::new(bytes));
    let mut decoded = Vec::new();
    while let Some(event) = read_event(&mut reader).await.unwrap() {
        decoded.push(event);
    }
    assert_eq!(decoded, events);
}

#[tokio::test]
async fn typed_events_round_trip() {
    let transcribe = Transcribe {
        name: Some("base".into()),
        language: Some("en".into()),
    };
    assert_eq!(
        transcribe.to_event().parse::<Transcribe>().unwrap(),
        transcribe
    );

    let chunk = AudioChunk::from_pcm16(&[1, -2, 32767, -32768], Some(7));
    assert_eq!(chunk.audio, vec![1, 0, 254, 255, 255, 127, 0, 128]);
    assert_eq!(chunk.to_event().parse::<AudioChunk>().unwrap(), chunk);

    let transcript = Transcript {
        text: "hello".into(),
        language: None,
        confidence: Some(0.5),
        no_speech_prob: None,
        audio_ms: Some(2500),
        inference_ms: None,
    };
    let event = transcript.to_event();
    assert!(!event.data.contains_key("language"), "None is left out");
    assert_eq!(event.parse::<Transcript>().unwrap(), transcript);

    let info = Info {
        asr: vec![AsrProgram {
            name: "whisper".into(),
            description: None,
            version: Some("1".into()),
            attribution: Attribution {
                name: "a".into(),
                url: "u".into(),
            },
            installed: true,
            models: vec![AsrModel {
                name: "base".into(),
                description: Some("d".into()),
                version: None,
                attribution: Attribution::default(),
                installed: true,
                languages: vec!["en".into(), "fr".into()],
            }],
            supports_transcript_streaming: false,
            requires_external_vad: true,
        }],
    };
    assert_eq!(info.to_event().parse::<Info>().unwrap(), info);
}

#[tokio::test]
async fn transcript_probabilities_are_rounded() {
    let event = Transcript {
        text: String::new(),
        confidence: Some(0.9),
        no_speech_prob: Some(0.123456),
        ..Transcript::default()
    }
    .to_event();
    assert_eq!(event.data["confidence"], json!(0.9));
    assert_eq!(event.data["no_speech_prob"], json!(0.1235));
}

#[tokio::test]
async fn writes_data_in_a_segment() {
    let event = AudioChunk::from_pcm16(&[0; 4], Some(0)).to_event();
    let bytes = encode(&[event]).await;
    let newline = bytes.iter().position(|&b| b == b'\n').unwrap();
    let header: Value = serde_json::from_slice(&bytes[..newline]).unwrap();

    assert_eq!(header["type"], "audio-chunk");
    assert_eq!(header["version"], wyoming::PROTOCOL_VERSION);
    assert_eq!(header["payload_length"], 8);
    assert!(header.get("data").is_none(), "data goes in the segment");
    let data_length = header["data_length"].as_u64().unwrap() as usize;
    let data: Value = serde_json::from_slice(&bytes[newline + 1..][..data_length]).unwrap();
    assert_eq!(data["rate"], 16000);
    assert_eq!(bytes.len(), newline + 1 + data_length + 8);
}

#[tokio::test]
async fn empty_event_has_header_only() {
    let bytes = encode(&[Describe.to_event()]).await;
    assert_eq!(bytes.iter().filter(|&&b| b == b'\n').count(), 1);
    assert_eq!(*bytes.last().unwrap(), b'\n');
    let header: Value = serde_json::from_slice(&bytes).unwrap();
    assert!(header.get("data_length").is_none());
    assert!(header.get("payload_length").is_none());
}

#[tokio::test]
async fn reads_inline_data_merged_with_segment() {
    // Older writers put data in the header. A segment key overrides the same header key.
    let segment = br#"{"rate":16000,"channels":1}"#;
    let mut bytes = format!(
        "{{\"type\":\"audio-chunk\",\"data\":{{\"rate\":8000,\"width\":2}},\"data_length\":{},\"payload_length\":4}}\n",
        segment.len()
    )
    .into_bytes();
    bytes.extend_from_slice(segment);
    bytes.extend_from_slice(&[1, 0, 2, 0]);

    let event = decode_one(&bytes).await.unwrap().unwrap();
    assert_eq!(event.kind, "audio-chunk");
    assert_eq!(event.data["rate"], 16000);
    assert_eq!(event.data["width"], 2);
    assert_eq!(event.data["channels"], 1);
    assert_eq!(event.payload, Some(vec![1, 0, 2, 0]));
}

#[tokio::test]
async fn payload_without_data_segment() {
    let bytes = b"{\"type\":\"audio-chunk\",\"data\":{\"rate\":16000,\"width\":2,\"channels\":1},\"payload_length\":2}\n\x01\x02";
    let event = decode_one(bytes).await.unwrap().unwrap();
    let chunk = event.parse::<AudioChunk>().unwrap();
    assert_eq!(chunk.audio, vec![1, 2]);
    assert_eq!(chunk.format, AudioFormat::PCM16_MONO_16K);
}

#[tokio::test]
async fn clean_eof_returns_none() {
    assert!(decode_one(b"").await.unwrap().is_none());
    let bytes = encode(&[Describe.to_event()]).await;
    let mut reader = BufReader::new(bytes.as_slice());
    assert!(read_event(&mut reader).await.unwrap().is_some());
    assert!(read_event(&mut reader).await.unwrap().is_none());
}

#[tokio::test]
async fn truncated_events_are_errors() {
    let full = encode(&[AudioChunk::from_pcm16(&[5; 10], None).to_event()]).await;
    let newline = full.iter().position(|&b| b == b'\n').unwrap();

    // Every strict prefix except the empty one is a truncated event.
    for end in 1..full.len() {
        let error = decode_one(&full[..end]).await.unwrap_err();
        let Error::Truncated { part, .. } = &error else {
            panic!("prefix of {end} bytes: expected Truncated, got {error:?}");
        };
        let expected = if end <= newline {
            Part::Header
        } else if end < full.len() - 20 {
            Part::Data
        } else {
            Part::Payload
        };
        assert_eq!(*part, expected, "prefix of {end} bytes");
    }
}

#[tokio::test]
async fn truncated_payload_names_lengths() {
    let error = decode_one(b"{\"type\":\"audio-chunk\",\"payload_length\":10}\nabc")
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "truncated event: stream ended after 3 bytes of the payload (expected 10 bytes)"
    );
}

#[tokio::test]
async fn malformed_headers_are_errors() {
    let cases: &[(&[u8], &str)] = &[
        (b"not json\n", "invalid header line"),
        (b"\n", "invalid header line"),
        (b"[1,2]\n", "expected a JSON object, got an array"),
        (b"{\"data\":{}}\n", "missing \"type\""),
        (b"{\"type\":3}\n", "\"type\" must be a string"),
        (
            b"{\"type\":\"x\",\"data\":[]}\n",
            "\"data\" must be an object",
        ),
        (
            b"{\"type\":\"x\",\"data_length\":-1}\n",
            "\"data_length\" must be a non-negative integer",
        ),
        (
            b"{\"type\":\"x\",\"payload_length\":1.5}\n",
            "\"payload_length\" must be a non-negative integer",
        ),
        (
            b"{\"type\":\"x\",\"payload_length\":\"4\"}\n",
            "\"payload_length\" must be a non-negative integer",
        ),
        (
            b"{\"type\":\"x\",\"data_length\":3}\n[1]",
            "invalid data segment: expected a JSON object",
        ),
        (
            b"{\"type\":\"x\",\"data_length\":3}\n{{{",
            "invalid data segment",
        ),
        (b"\xff\xfe\n", "invalid header line"),
    ];
    for (bytes, expected) in cases {
        let error = decode_one(bytes).await.unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains(expected),
            "{:?}: expected {expected:?} in {message:?}",
            String::from_utf8_lossy(bytes)
        );
    }
}

#[tokio::test]
async fn oversized_lengths_are_rejected_before_reading() {
    let cases = [
        ("data_length", MAX_DATA_LENGTH as u64 + 1, Part::Data),
        (
            "payload_length",
            MAX_PAYLOAD_LENGTH as u64 + 1,
            Part::Payload,
        ),
        ("payload_length", u64::MAX, Part::Payload),
    ];
    for (key, length, expected_part) in cases {
        // No bytes follow the header: a reader that allocated or read first would report
        // Truncated instead.
        let header = format!("{{\"type\":\"x\",\"{key}\":{length}}}\n");
        let error = decode_one(header.as_bytes()).await.unwrap_err();
        let Error::TooLong {
            part,
            length: reported,
            ..
        } = error
        else {
            panic!("{key}={length}: expected TooLong, got {error:?}");
        };
        assert_eq!(part, expected_part, "{key}");
        assert_eq!(reported, length, "{key}");
    }
}

#[tokio::test]
async fn limits_are_inclusive() {
    let data = json!({ "pad": "a".repeat(MAX_DATA_LENGTH - 10) });
    let data = serde_json::to_vec(&data).unwrap();
    assert_eq!(data.len(), MAX_DATA_LENGTH);
    let mut bytes = format!("{{\"type\":\"x\",\"data_length\":{}}}\n", data.len()).into_bytes();
    bytes.extend_from_slice(&data);
    let event = decode_one(&bytes).await.unwrap().unwrap();
    assert_eq!(
        event.data["pad"].as_str().unwrap().len(),
        MAX_DATA_LENGTH - 10
    );
}

#[tokio::test]
async fn header_line_over_limit_is_rejected() {
    // A line with no newline at all must fail once it passes the limit, not buffer forever.
    let endless = vec![b' '; MAX_HEADER_LENGTH + 1];
    let error = decode_one(&endless).await.unwrap_err();
    assert!(
        matches!(error, Error::TooLong { part: Part::Header, max, .. } if max == MAX_HEADER_LENGTH),
        "{error:?}"
    );

    let mut at_limit = vec![b' '; MAX_HEADER_LENGTH - 12];
    at_limit.splice(0..0, b"{\"type\":\"x\"}".iter().copied());
    at_limit.push(b'\n');
    assert_eq!(at_limit.len(), MAX_HEADER_LENGTH + 1);
    let event = decode_one(&at_limit).await.unwrap().unwrap();
    assert_eq!(event.kind, "x");
}

#[tokio::test]
async fn typed_parse_errors_name_event_and_field() {
    let cases = [
        (
            Event::new("audio-start")
                .with("rate", 16000)
                .with("width", 2),
            "invalid audio-start event: missing field \"channels\"",
        ),
        (
            Event::new("audio-chunk")
                .with("rate", -1)
                .with("width", 2)
                .with("channels", 1),
            "invalid audio-chunk event: field \"rate\" must be an integer",
        ),
        (
            Event::new("transcript").with("text", 5),
            "invalid transcript event: field \"text\" must be a string, got a number",
        ),
        (
            Event::new("transcript"),
            "invalid transcript event: missing field \"text\"",
        ),
        (Event::new("info").with("asr", "nope"), "invalid info event"),
    ];
    for (event, expected) in cases {
        let message = match event.kind.as_str() {
            "audio-start" => event.parse::<AudioStart>().unwrap_err(),
            "audio-chunk" => event.parse::<AudioChunk>().unwrap_err(),
            "transcript" => event.parse::<Transcript>().unwrap_err(),
            _ => event.parse::<Info>().unwrap_err(),
        }
        .to_string();
        assert!(
            message.contains(expected),
            "expected {expected:?} in {message:?}"
        );
    }

    let error = Event::new("transcript").parse::<AudioStop>().unwrap_err();
    assert_eq!(
        error.to_string(),
        "expected event type audio-stop, got transcript"
    );
}

#[tokio::test]
async fn null_optional_fields_parse_as_none() {
    // The Python package writes "timestamp": null when no timestamp is set.
    let event = Event::new("audio-stop").with("timestamp", Value::Null);
    assert_eq!(
        event.parse::<AudioStop>().unwrap(),
        AudioStop { timestamp: None }
    );
}
