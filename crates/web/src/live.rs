//! The test call the system page shows live: its events are kept here as
//! they arrive, so a page opened during the call, or reloaded, sees it all.

use std::sync::Mutex;

use tokio::sync::mpsc;

use crate::daemon::TestCallEvent;

/// Events kept per test call; a call longer than this keeps its first events and its end.
const MAX_EVENTS: usize = 400;

/// The latest test call.
#[derive(Default)]
pub struct LiveCall {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Number of the test call since the console started (1 for the first).
    number: u64,
    events: Vec<TestCallEvent>,
    running: bool,
}

impl LiveCall {
    /// Starts following a new test call, unless one is running. Returns its number.
    pub fn follow(self: &std::sync::Arc<Self>, mut events: mpsc::Receiver<TestCallEvent>) -> Result<u64, String> {
        let number = {
            let mut state = self.lock();
            if state.running {
                return Err("a test call is already running; wait for it to end".into());
            }
            state.number += 1;
            state.events.clear();
            state.running = true;
            state.number
        };
        let live = self.clone();
        tokio::spawn(async move {
            while let Some(event) = events.recv().await {
                let finished = matches!(event, TestCallEvent::Ended { .. } | TestCallEvent::Failed { .. });
                live.push(event);
                if finished {
                    break;
                }
            }
            live.lock().running = false;
        });
        Ok(number)
    }

    /// Returns whether a test call is running.
    pub fn running(&self) -> bool {
        self.lock().running
    }

    /// Returns the test call's number, its events from `from` on, and whether it is running.
    pub fn events_since(&self, from: usize) -> (u64, Vec<TestCallEvent>, bool) {
        let state = self.lock();
        let events = state.events.get(from..).map(<[_]>::to_vec).unwrap_or_default();
        (state.number, events, state.running)
    }

    fn push(&self, event: TestCallEvent) {
        let mut state = self.lock();
        let last = matches!(event, TestCallEvent::Ended { .. } | TestCallEvent::Failed { .. });
        if state.events.len() < MAX_EVENTS || last {
            state.events.push(event);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
