//! Inference time of 2-4 s utterances through the worker, printed for the record.
//!
//! The assertions compare short utterances with a 29 s one on the same machine, so they hold
//! on any hardware. They fail if `audio_ctx` stops following the utterance length, or if
//! language detection goes back to encoding a full 30 s window.

mod common;

use std::time::Instant;

use common::audio::{join_with_gaps, read_prompt};
use common::{asterisk_sounds_dir, block_on, Worker};
use wyoming::SttClient;

const RUNS: usize = 3;

/// Max ratio of the inference time of a 2-4 s utterance to that of a 29 s one. Encoding is
/// most of the time and grows with `audio_ctx`, so a short utterance should take a small
/// share of a long one. It measured 0.08 to 0.31 with base q5_1 on a 2-core machine that
/// other builds were loading.
const MAX_SHORT_TO_LONG_RATIO: f64 = 0.4;

struct Timing {
    inference_ms: Vec<u64>,
    round_trip_ms: Vec<u64>,
}

fn median(values: &[u64]) -> u64 {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    sorted[sorted.len() / 2]
}

async fn measure(client: &mut SttClient, samples: &[i16], language: Option<&str>) -> Timing {
    let mut timing = Timing {
        inference_ms: Vec::new(),
        round_trip_ms: Vec::new(),
    };
    for _ in 0..RUNS {
        let started = Instant::now();
        let transcript = client.transcribe(samples, language).await.unwrap();
        timing
            .round_trip_ms
            .push(started.elapsed().as_millis() as u64);
        timing.inference_ms.push(transcript.inference_ms.unwrap());
        assert!(
            !transcript.text.is_empty(),
            "no text for a speech utterance"
        );
    }
    timing
}

#[test]
fn short_utterances_take_a_fraction_of_long() {
    let directory = asterisk_sounds_dir("en_US_f_Allison");
    let prompt = |name: &str| read_prompt(&directory.join(format!("{name}.wav")));
    let short = [
        (
            "something-terribly-wrong",
            prompt("something-terribly-wrong"),
        ),
        ("tt-weasels", prompt("tt-weasels")),
        (
            "day-2 at 10 a-m",
            join_with_gaps(
                &[
                    prompt("digits/day-2"),
                    prompt("digits/at"),
                    prompt("digits/10"),
                    prompt("digits/a-m"),
                ],
                0.3,
            ),
        ),
    ];
    let long_clips: Vec<Vec<i16>> = std::iter::repeat_n(prompt("vm-intro"), 5).collect();
    let long = join_with_gaps(&long_clips, 0.3);
    assert!(
        long.len() < 30 * 16000,
        "the long utterance must fit one window"
    );

    let worker = Worker::start();
    block_on(async {
        let mut client = common::connect(&worker.uri).await;
        // The first request pays for page faults in the model and state buffers.
        client.transcribe(&short[0].1, Some("en")).await.unwrap();

        let long_timing = measure(&mut client, &long, Some("en")).await;
        let long_ms = median(&long_timing.inference_ms) as f64;
        println!(
            "{:.1} s vm-intro x5, en: inference {:?} ms, round trip {:?} ms",
            long.len() as f64 / 16000.0,
            long_timing.inference_ms,
            long_timing.round_trip_ms
        );

        for (name, samples) in &short {
            for language in [Some("en"), None] {
                let timing = measure(&mut client, samples, language).await;
                let ratio = median(&timing.inference_ms) as f64 / long_ms;
                println!(
                    "{:.2} s {name}, language {}: inference {:?} ms, round trip {:?} ms, \
                     {ratio:.2} of the 29 s utterance",
                    samples.len() as f64 / 16000.0,
                    language.unwrap_or("auto"),
                    timing.inference_ms,
                    timing.round_trip_ms,
                );
                assert!(
                    ratio <= MAX_SHORT_TO_LONG_RATIO,
                    "{name} ({language:?}) took {ratio:.2} of the long utterance's time"
                );
            }
        }
    });
}
