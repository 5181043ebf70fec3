//! A worker that dies or hangs mid-request: the client must return a clear error, never hang.

mod common;

use std::time::{Duration, Instant};

use common::audio::band_noise;
use common::{block_on, Worker};
use wyoming::{Error, SttClient};

/// Long enough that the worker is still transcribing when the test kills or stops it.
fn long_audio() -> Vec<i16> {
    band_noise(300.0, 3400.0, -35.0, 60.0, 3)
}

#[test]
fn killed_worker_gives_connection_closed() {
    let mut worker = Worker::start();
    let samples = long_audio();
    let timeout = Duration::from_secs(60);

    let (error, after_kill) = block_on(async {
        let mut client = SttClient::connect_with_timeout(&worker.uri, timeout)
            .await
            .unwrap();
        let request = tokio::spawn(async move {
            let result = client.transcribe(&samples, None).await;
            (result, Instant::now())
        });
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(
            !request.is_finished(),
            "the request finished before the kill"
        );

        worker.kill();
        let killed_at = Instant::now();
        let (result, finished_at) = request.await.unwrap();
        (result.unwrap_err(), finished_at - killed_at)
    });

    assert!(
        matches!(error, Error::ConnectionClosed { .. }),
        "expected ConnectionClosed, got {error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("closed the connection during transcribe"),
        "{message}"
    );
    assert!(
        after_kill < Duration::from_secs(2),
        "error came {after_kill:?} after the kill"
    );
}

#[test]
fn stopped_worker_gives_timeout() {
    let worker = Worker::start();
    let samples = long_audio();
    let timeout = Duration::from_secs(2);

    let (result, elapsed) = block_on(async {
        let mut client = SttClient::connect_with_timeout(&worker.uri, timeout)
            .await
            .unwrap();
        worker.signal("STOP");
        let started = Instant::now();
        let result = client.transcribe(&samples, None).await;
        (result, started.elapsed())
    });
    worker.signal("CONT");

    let error = result.unwrap_err();
    assert!(
        matches!(error, Error::Timeout { .. }),
        "expected Timeout, got {error:?}"
    );
    assert!(elapsed >= timeout, "gave up after {elapsed:?}");
    assert!(
        elapsed < timeout + Duration::from_secs(1),
        "gave up after {elapsed:?}"
    );
    assert!(
        error.to_string().contains("transcribe timed out after 2s"),
        "{error}"
    );
}

#[test]
fn dead_worker_refuses_new_requests() {
    let mut worker = Worker::start();
    let uri = worker.uri.clone();
    let error = block_on(async {
        let mut client = SttClient::connect(&uri).await.unwrap();
        worker.kill();
        client.describe().await.unwrap_err();
        // The client reconnects for the next request, and that fails at once.
        let started = Instant::now();
        let error = client.describe().await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(1));
        error
    });
    assert!(
        matches!(error, Error::Connect { .. }),
        "expected Connect, got {error:?}"
    );
    assert!(error.to_string().contains(&uri), "{error}");
}
