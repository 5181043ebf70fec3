//! `SttClient` against scripted servers on 127.0.0.1 and on Unix sockets in a temp directory.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, BufReader};
use tokio::net::{TcpListener, UnixListener};
use wyoming::{
    read_event, write_event, AudioChunk, AudioStart, AudioStop, Describe, Error, ErrorEvent, Event,
    Info, SttClient, Transcribe, Transcript, TypedEvent, CHUNK_SAMPLES,
};

/// What the scripted server does after it has read a whole request.
#[derive(Clone, Copy, Debug)]
enum Behaviour {
    /// Sends a transcript whose text lists the received event types, or info for `describe`.
    Answer,
    /// Sends an `error` event.
    Fail,
    /// Reads the request and never responds.
    Stall,
    /// Closes the connection after the `audio-start` event.
    CloseMidRequest,
}

/// Serves one connection, returns every event it read.
async fn serve<S>(stream: S, behaviour: Behaviour) -> Vec<Event>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let (reader, mut writer) = tokio::io::split(stream);
    let mut reader = BufReader::new(reader);
    let mut received = Vec::new();
    let mut request_start = 0;
    while let Ok(Some(event)) = read_event(&mut reader).await {
        received.push(event.clone());
        if matches!(behaviour, Behaviour::CloseMidRequest) && event.is::<AudioStart>() {
            return received;
        }
        let request_done = event.is::<AudioStop>() || event.is::<Describe>();
        if !request_done {
            continue;
        }
        let reply = match behaviour {
            Behaviour::Answer if event.is::<Describe>() => Info::default().to_event(),
            Behaviour::Answer => {
                let request = &received[request_start..];
                let kinds: Vec<&str> = request.iter().map(|e| e.kind.as_str()).collect();
                // An unrelated event first: the client must skip it.
                write_event(&mut writer, &Event::new("transcript-start"))
                    .await
                    .unwrap();
                Transcript {
                    text: kinds.join(" "),
                    ..Transcript::default()
                }
                .to_event()
            }
            Behaviour::Fail => ErrorEvent {
                text: "model exploded".into(),
                code: Some("boom".into()),
            }
            .to_event(),
            Behaviour::Stall => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                unreachable!()
            }
            Behaviour::CloseMidRequest => unreachable!(),
        };
        write_event(&mut writer, &reply).await.unwrap();
        request_start = received.len();
    }
    received
}

/// Starts a TCP server on 127.0.0.1. Connection N gets `behaviours[N]`, and connections past
/// the end of the list get the last one.
async fn start_tcp(behaviours: &[Behaviour]) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("tcp://{}", listener.local_addr().unwrap());
    let behaviours = behaviours.to_vec();
    tokio::spawn(async move {
        let mut index = 0;
        while let Ok((stream, _)) = listener.accept().await {
            let behaviour = behaviours[index.min(behaviours.len() - 1)];
            index += 1;
            tokio::spawn(serve(stream, behaviour));
        }
    });
    uri
}

fn temp_socket_path(name: &str) -> PathBuf {
    let directory = std::env::temp_dir().join(format!("wyoming-client-{}", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    let path = directory.join(name);
    let _ = std::fs::remove_file(&path);
    path
}

#[tokio::test]
async fn transcribe_sends_audio_in_chunks() {
    let uri = start_tcp(&[Behaviour::Answer]).await;
    let mut client = SttClient::connect(&uri).await.unwrap();

    // 2.5 chunks: two full chunks and a half one.
    let samples: Vec<i16> = (0..CHUNK_SAMPLES * 5 / 2).map(|i| i as i16).collect();
    let transcript = client.transcribe(&samples, Some("fr")).await.unwrap();
    assert_eq!(
        transcript.text,
        "transcribe audio-start audio-chunk audio-chunk audio-chunk audio-stop"
    );

    // Same connection, second request.
    let transcript = client.transcribe(&[], None).await.unwrap();
    assert_eq!(transcript.text, "transcribe audio-start audio-stop");
}

#[tokio::test]
async fn transcribe_events_carry_format_and_timestamps() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("tcp://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        serve(stream, Behaviour::Answer).await
    });

    let samples: Vec<i16> = (0..4000).map(|i| (i % 100) as i16).collect();
    let mut client = SttClient::connect(&uri).await.unwrap();
    client.transcribe(&samples, Some("fr")).await.unwrap();
    drop(client);
    let events = server.await.unwrap();

    let transcribe = events[0].parse::<Transcribe>().unwrap();
    assert_eq!(transcribe.language.as_deref(), Some("fr"));
    let start = events[1].parse::<AudioStart>().unwrap();
    assert_eq!(
        (start.format.rate, start.format.width, start.format.channels),
        (16000, 2, 1)
    );

    let chunks: Vec<AudioChunk> = events[2..5].iter().map(|e| e.parse().unwrap()).collect();
    let timestamps: Vec<Option<u64>> = chunks.iter().map(|c| c.timestamp).collect();
    assert_eq!(timestamps, [Some(0), Some(100), Some(200)]);
    let sizes: Vec<usize> = chunks.iter().map(|c| c.audio.len()).collect();
    assert_eq!(sizes, [3200, 3200, 1600]);
    let sent: Vec<i16> = chunks
        .iter()
        .flat_map(|c| c.audio.chunks(2).map(|b| i16::from_le_bytes([b[0], b[1]])))
        .collect();
    assert_eq!(sent, samples);

    let stop = events[5].parse::<AudioStop>().unwrap();
    assert_eq!(stop.timestamp, Some(250));
}

#[tokio::test]
async fn describe_returns_info() {
    let uri = start_tcp(&[Behaviour::Answer]).await;
    let mut client = SttClient::connect(&uri).await.unwrap();
    assert_eq!(client.describe().await.unwrap(), Info::default());
}

#[tokio::test]
async fn server_error_event_becomes_error() {
    let uri = start_tcp(&[Behaviour::Fail]).await;
    let mut client = SttClient::connect(&uri).await.unwrap();
    let error = client.transcribe(&[0; 100], None).await.unwrap_err();
    let Error::Server { text, code, .. } = &error else {
        panic!("expected Server, got {error:?}");
    };
    assert_eq!(text, "model exploded");
    assert_eq!(code.as_deref(), Some("boom"));
    assert!(error.to_string().contains(&uri), "{error}");
}

#[tokio::test]
async fn silent_server_times_out() {
    let uri = start_tcp(&[Behaviour::Stall]).await;
    let timeout = Duration::from_millis(300);
    let mut client = SttClient::connect_with_timeout(&uri, timeout)
        .await
        .unwrap();

    let started = Instant::now();
    let error = client.transcribe(&[0; 16000], None).await.unwrap_err();
    let elapsed = started.elapsed();

    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(elapsed >= timeout, "returned after {elapsed:?}");
    assert!(elapsed < timeout * 3, "returned after {elapsed:?}");
    let message = error.to_string();
    assert!(
        message.contains("transcribe timed out after 300ms"),
        "{message}"
    );
}

#[tokio::test]
async fn server_closing_mid_request_is_connection_closed() {
    let uri = start_tcp(&[Behaviour::CloseMidRequest]).await;
    let mut client = SttClient::connect(&uri).await.unwrap();
    // Ten seconds of audio, so the client is still writing when the server closes.
    let error = client.transcribe(&[0; 160_000], None).await.unwrap_err();
    assert!(matches!(error, Error::ConnectionClosed { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("closed the connection during transcribe"),
        "{error}"
    );
}

#[tokio::test]
async fn reconnects_after_a_failed_request() {
    let uri = start_tcp(&[Behaviour::Stall, Behaviour::Answer]).await;
    let mut client = SttClient::connect_with_timeout(&uri, Duration::from_millis(300))
        .await
        .unwrap();
    let error = client.describe().await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    // Only a new connection reaches the `Answer` behaviour.
    assert_eq!(client.describe().await.unwrap(), Info::default());
}

#[tokio::test]
async fn unix_socket_uri_works() {
    let path = temp_socket_path("answer.sock");
    let listener = UnixListener::bind(&path).unwrap();
    tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        serve(stream, Behaviour::Answer).await
    });

    let uri = format!("unix://{}", path.display());
    let mut client = SttClient::connect(&uri).await.unwrap();
    let transcript = client.transcribe(&[1; 10], Some("en")).await.unwrap();
    assert_eq!(
        transcript.text,
        "transcribe audio-start audio-chunk audio-stop"
    );
    std::fs::remove_file(&path).unwrap();
}

#[tokio::test]
async fn connect_errors_name_the_uri() {
    let path = temp_socket_path("nobody.sock");
    let uri = format!("unix://{}", path.display());
    let error = SttClient::connect(&uri).await.err().unwrap();
    assert!(matches!(error, Error::Connect { .. }), "{error:?}");
    assert!(error.to_string().contains(&uri), "{error}");

    let error = SttClient::connect("localhost:10300").await.err().unwrap();
    let message = error.to_string();
    assert!(message.contains("\"localhost:10300\""), "{message}");
    assert!(
        message.contains("tcp://HOST:PORT or unix:///PATH"),
        "{message}"
    );

    let error = SttClient::connect("tcp://127.0.0.1:0").await.err().unwrap();
    assert!(error.to_string().contains("port 0"), "{error}");
}
