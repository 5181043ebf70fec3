//! Transcription before generation: while a speech-to-text request is in
//! flight, the LLM pauses between its steps.
//!
//! Whisper (in the worker process) and llama.cpp each use every core, and
//! both thread pools spin while they wait for their own threads. Run at once
//! on a two-core board they slow each other far more than twice: a 3 s
//! utterance took over 20 s to transcribe while the LLM evaluated its system
//! prompt, and the request timed out. A transcription is on the caller's
//! critical path and takes well under a second alone, so it goes first. The
//! LLM loses at most that long.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Maximum wait of the LLM for transcriptions in one pause, so that a
/// stream of utterances on several lines cannot starve it.
const MAX_PAUSE: Duration = Duration::from_secs(5);

/// Time between two looks at the counter during a pause.
const POLL: Duration = Duration::from_millis(2);

/// The count of speech-to-text requests in flight; clones share it.
#[derive(Clone, Default, Debug)]
pub struct SpeechPriority {
    in_flight: Arc<AtomicUsize>,
}

/// Marks one transcription in flight until dropped.
#[derive(Debug)]
pub struct InFlight {
    in_flight: Arc<AtomicUsize>,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

impl SpeechPriority {
    /// Marks a transcription in flight until the returned guard is dropped.
    pub fn begin(&self) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        InFlight {
            in_flight: self.in_flight.clone(),
        }
    }

    /// Returns whether a transcription is in flight.
    pub fn is_busy(&self) -> bool {
        self.in_flight.load(Ordering::Acquire) > 0
    }

    /// Blocks the calling thread while a transcription is in flight, for at
    /// most [`MAX_PAUSE`]. Returns how long it waited. For the LLM's engine
    /// thread, between two decode steps.
    pub fn yield_to_speech(&self) -> Duration {
        let started = Instant::now();
        while self.is_busy() && started.elapsed() < MAX_PAUSE {
            std::thread::sleep(POLL);
        }
        started.elapsed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_counts_in_flight() {
        let priority = SpeechPriority::default();
        assert!(!priority.is_busy());
        let first = priority.begin();
        let second = priority.clone().begin();
        assert!(priority.is_busy());
        drop(first);
        assert!(priority.is_busy());
        drop(second);
        assert!(!priority.is_busy());
        assert!(priority.yield_to_speech() < Duration::from_millis(50));
    }

    #[test]
    fn pause_ends_with_transcription() {
        let priority = SpeechPriority::default();
        let guard = priority.begin();
        let ended = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let waiter = {
            let priority = priority.clone();
            let ended = ended.clone();
            std::thread::spawn(move || {
                let waited = priority.yield_to_speech();
                (waited, ended.load(std::sync::atomic::Ordering::SeqCst))
            })
        };
        std::thread::sleep(Duration::from_millis(100));
        // Set before the guard goes, so a waiter that returns on its own
        // (not at the transcription's end) finds it still false.
        ended.store(true, std::sync::atomic::Ordering::SeqCst);
        drop(guard);
        let (waited, after_end) = waiter.join().unwrap();
        assert!(after_end, "returned before the transcription ended, after {waited:?}");
        assert!(waited < MAX_PAUSE, "waited for the cap instead of the transcription: {waited:?}");
    }
}
