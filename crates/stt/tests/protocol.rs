//! The worker's Wyoming behaviour with the real model: describe, request validation, error
//! events, sockets and start-up failures.

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::audio::read_prompt;
use common::wer::{normalize, Lang};
use common::{asterisk_sounds_dir, block_on, worker_command, RawConnection, TempDir, Worker};
use wyoming::{
    AudioChunk, AudioFormat, AudioStart, AudioStop, ErrorEvent, Event, Transcribe, Transcript,
    TypedEvent,
};

/// Reads a prompt that base q5_1 transcribes exactly.
fn please_try_again() -> Vec<i16> {
    read_prompt(&asterisk_sounds_dir("en_US_f_Allison").join("please-try-again.wav"))
}

const PLEASE_TRY_AGAIN: [&str; 3] = ["please", "try", "again"];

#[test]
fn ready_line_reports_bound_port() {
    let worker = Worker::start();
    let port: u16 = worker
        .uri
        .strip_prefix("tcp://127.0.0.1:")
        .unwrap_or_else(|| panic!("unexpected READY uri {}", worker.uri))
        .parse()
        .unwrap();
    assert_ne!(port, 0);
}

#[test]
fn describe_returns_asr_program() {
    let worker = Worker::start();
    let info = block_on(async {
        let mut client = common::connect(&worker.uri).await;
        client.describe().await.unwrap()
    });

    assert_eq!(info.asr.len(), 1);
    let program = &info.asr[0];
    assert_eq!(program.name, "standardiste-stt");
    assert!(program.installed);
    assert_eq!(program.models.len(), 1);
    let model = &program.models[0];
    assert_eq!(model.name, "ggml-base-q5_1");
    assert!(model.installed);
    assert_eq!(model.description.as_deref(), Some("Whisper base"));
    for language in ["en", "fr", "es", "de"] {
        assert!(
            model.languages.iter().any(|l| l == language),
            "{language} missing"
        );
    }
}

#[test]
fn transcript_has_text_and_extra_fields() {
    let worker = Worker::start();
    let samples = please_try_again();
    let transcript = block_on(async {
        let mut client = common::connect(&worker.uri).await;
        client.transcribe(&samples, None).await.unwrap()
    });

    assert_eq!(normalize(&transcript.text, Lang::English), PLEASE_TRY_AGAIN);
    assert_eq!(transcript.language.as_deref(), Some("en"));
    let confidence = transcript.confidence.unwrap();
    assert!((0.5..=1.0).contains(&confidence), "confidence {confidence}");
    let no_speech = transcript.no_speech_prob.unwrap();
    assert!(
        (0.0..0.5).contains(&no_speech),
        "no_speech_prob {no_speech}"
    );
    let expected_ms = samples.len() as u64 * 1000 / 16000;
    assert_eq!(transcript.audio_ms, Some(expected_ms));
    assert!(transcript.inference_ms.unwrap() > 0);
}

#[test]
fn requested_language_is_used() {
    let worker = Worker::start();
    let samples = please_try_again();
    let transcript = block_on(async {
        let mut client = common::connect(&worker.uri).await;
        client.transcribe(&samples, Some("fr")).await.unwrap()
    });
    assert_eq!(transcript.language.as_deref(), Some("fr"));
}

#[test]
fn connection_serves_many_requests() {
    let worker = Worker::start();
    let samples = please_try_again();
    block_on(async {
        let mut client = common::connect(&worker.uri).await;
        for attempt in 0..3 {
            let transcript = client.transcribe(&samples, Some("en")).await.unwrap();
            let words = normalize(&transcript.text, Lang::English);
            assert_eq!(words, PLEASE_TRY_AGAIN, "request {attempt}");
        }
        let empty = client.transcribe(&[], Some("en")).await.unwrap();
        assert_eq!(empty.text, "");
    });
}

#[test]
fn concurrent_clients_all_get_transcripts() {
    let worker = Worker::start_with(&["--uri", "tcp://127.0.0.1:0", "--max-concurrent", "1"]);
    let samples = please_try_again();
    let texts = block_on(async {
        let requests = (0..3).map(|_| {
            let uri = worker.uri.clone();
            let samples = samples.clone();
            tokio::spawn(async move {
                let mut client = common::connect(&uri).await;
                client.transcribe(&samples, Some("en")).await.unwrap().text
            })
        });
        let mut texts = Vec::new();
        for request in requests.collect::<Vec<_>>() {
            texts.push(request.await.unwrap());
        }
        texts
    });
    for text in texts {
        assert_eq!(normalize(&text, Lang::English), PLEASE_TRY_AGAIN);
    }
}

/// Sends one audio stream in `format` and returns the worker's response.
async fn send_stream(connection: &mut RawConnection, format: AudioFormat) -> Event {
    connection.send(&Transcribe::default().to_event()).await;
    let start = AudioStart {
        format,
        timestamp: None,
    };
    connection.send(&start.to_event()).await;
    let chunk = AudioChunk {
        format,
        audio: vec![0; 3200],
        timestamp: None,
    };
    connection.send(&chunk.to_event()).await;
    connection.send(&AudioStop::default().to_event()).await;
    connection
        .receive()
        .await
        .expect("worker closed the connection")
}

#[test]
fn unsupported_formats_get_error_events() {
    let worker = Worker::start();
    let cases = [
        (
            AudioFormat {
                rate: 8000,
                width: 2,
                channels: 1,
            },
            "sample rate 8000 Hz",
        ),
        (
            AudioFormat {
                rate: 16000,
                width: 4,
                channels: 1,
            },
            "sample width 4 bytes",
        ),
        (
            AudioFormat {
                rate: 16000,
                width: 2,
                channels: 2,
            },
            "2 channels",
        ),
    ];
    block_on(async {
        let mut connection = RawConnection::connect(&worker.uri).await;
        for (format, expected) in cases {
            let response = send_stream(&mut connection, format).await;
            let error = response.parse::<ErrorEvent>().unwrap();
            assert!(error.text.contains(expected), "{format}: {}", error.text);
            assert!(error.text.contains("expected 16000 Hz"), "{}", error.text);
            assert_eq!(error.code.as_deref(), Some("unsupported-audio-format"));
        }

        // The connection still serves a valid stream afterwards.
        let response = send_stream(&mut connection, AudioFormat::PCM16_MONO_16K).await;
        assert!(response.is::<Transcript>(), "got {response:?}");
    });
}

#[test]
fn unsupported_language_gets_error_event() {
    let worker = Worker::start();
    block_on(async {
        let mut client = common::connect(&worker.uri).await;
        let error = client
            .transcribe(&[0; 16000], Some("xx"))
            .await
            .unwrap_err();
        let message = error.to_string();
        assert!(message.contains("unsupported language \"xx\""), "{message}");
    });
}

#[test]
fn chunk_format_change_is_rejected() {
    let worker = Worker::start();
    block_on(async {
        let mut connection = RawConnection::connect(&worker.uri).await;
        let start = AudioStart {
            format: AudioFormat::PCM16_MONO_16K,
            timestamp: None,
        };
        connection.send(&start.to_event()).await;
        let chunk = AudioChunk {
            format: AudioFormat {
                rate: 44100,
                width: 2,
                channels: 1,
            },
            audio: vec![0; 100],
            timestamp: None,
        };
        connection.send(&chunk.to_event()).await;
        let error = connection
            .receive()
            .await
            .unwrap()
            .parse::<ErrorEvent>()
            .unwrap();
        assert!(
            error.text.contains("sample rate 44100 Hz"),
            "{}",
            error.text
        );

        // The rest of the rejected stream produces no second response.
        connection.send(&AudioStop::default().to_event()).await;
        connection.send(&wyoming::Describe.to_event()).await;
        let next = connection.receive().await.unwrap();
        assert_eq!(next.kind, "info");
    });
}

#[test]
fn odd_sized_chunk_is_rejected() {
    let worker = Worker::start();
    block_on(async {
        let mut connection = RawConnection::connect(&worker.uri).await;
        let chunk = AudioChunk {
            format: AudioFormat::PCM16_MONO_16K,
            audio: vec![0; 3],
            timestamp: None,
        };
        connection.send(&chunk.to_event()).await;
        let error = connection
            .receive()
            .await
            .unwrap()
            .parse::<ErrorEvent>()
            .unwrap();
        assert!(error.text.contains("3 bytes"), "{}", error.text);
        assert_eq!(error.code.as_deref(), Some("invalid-audio"));
    });
}

#[test]
fn audio_stop_without_start_is_rejected() {
    let worker = Worker::start();
    block_on(async {
        let mut connection = RawConnection::connect(&worker.uri).await;
        connection.send(&AudioStop::default().to_event()).await;
        let error = connection
            .receive()
            .await
            .unwrap()
            .parse::<ErrorEvent>()
            .unwrap();
        assert_eq!(error.text, "audio-stop without audio-start");
    });
}

#[test]
fn malformed_event_closes_connection() {
    let worker = Worker::start();
    block_on(async {
        let mut connection = RawConnection::connect(&worker.uri).await;
        connection
            .send_bytes(b"{\"type\": \"describe\", \"payload_length\": -4}\n")
            .await;
        let error = connection
            .receive()
            .await
            .unwrap()
            .parse::<ErrorEvent>()
            .unwrap();
        assert!(error.text.starts_with("invalid event: "), "{}", error.text);
        assert!(error.text.contains("payload_length"), "{}", error.text);
        assert!(
            connection.receive().await.is_none(),
            "connection still open"
        );

        // The worker itself keeps serving.
        let mut client = common::connect(&worker.uri).await;
        assert!(client.describe().await.is_ok());
    });
}

#[test]
fn unknown_events_are_ignored() {
    let worker = Worker::start();
    block_on(async {
        let mut connection = RawConnection::connect(&worker.uri).await;
        connection.send(&Event::new("ping").with("text", "x")).await;
        connection.send(&wyoming::Describe.to_event()).await;
        assert_eq!(connection.receive().await.unwrap().kind, "info");
    });
}

#[test]
fn unix_socket_replaces_stale_file() {
    let directory = TempDir::new("unix");
    let path = directory.path().join("stt.sock");
    // A socket file left by a process that exited.
    drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
    assert!(path.exists());

    let uri = format!("unix://{}", path.display());
    let worker = Worker::start_with(&["--uri", &uri]);
    assert_eq!(worker.uri, uri);
    block_on(async {
        let mut client = common::connect(&uri).await;
        assert_eq!(client.describe().await.unwrap().asr.len(), 1);
    });

    // A second worker must not take over a socket in use.
    let output = worker_command()
        .arg("--model")
        .arg(common::require_model_file(common::DEFAULT_MODEL))
        .args(["--uri", &uri])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        output.stdout.is_empty(),
        "printed {:?}",
        String::from_utf8_lossy(&output.stdout)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("another process is serving on that socket"),
        "{stderr}"
    );
}

#[test]
fn socket_file_removed_on_sigterm() {
    let directory = TempDir::new("sigterm");
    let path = directory.path().join("stt.sock");
    let uri = format!("unix://{}", path.display());
    let mut worker = Worker::start_with(&["--uri", &uri]);
    assert!(path.exists());

    worker.signal("TERM");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while path.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!path.exists(), "socket file still present after SIGTERM");
    worker.kill();
}

#[test]
fn missing_model_names_path_and_fetch() {
    let directory = TempDir::new("missing");
    let model = directory.path().join("ggml-nothing.bin");
    let output = worker_command()
        .arg("--model")
        .arg(&model)
        .args(["--uri", "tcp://127.0.0.1:0"])
        .output()
        .unwrap();

    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "no READY line expected");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&model.display().to_string()), "{stderr}");
    assert!(stderr.contains("standardiste models fetch"), "{stderr}");
}

#[test]
fn invalid_arguments_are_rejected() {
    let cases: [(&[&str], &str); 3] = [
        (
            &["--uri", "http://127.0.0.1:1"],
            "tcp://HOST:PORT or unix:///PATH",
        ),
        (
            &["--uri", "tcp://127.0.0.1:0", "--language", "xx"],
            "unsupported language \"xx\"",
        ),
        (
            &["--uri", "tcp://127.0.0.1:0", "--max-concurrent", "0"],
            "--max-concurrent",
        ),
    ];
    for (args, expected) in cases {
        let output = worker_command()
            .args(["--model", "/nonexistent.bin"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}
