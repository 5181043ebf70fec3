//! A bounded pool of Whisper states, one per concurrent transcription.

use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use whisper_rs::WhisperState;

use crate::engine::Recognizer;

/// Hands out at most `size` states at once. A state contains the key-value caches and compute
/// buffers of one decoding, so reusing it saves an allocation per request, and the permits
/// bound both memory and the number of transcriptions that compete for the cores.
pub struct StatePool {
    recognizer: Arc<Recognizer>,
    idle: Mutex<Vec<WhisperState>>,
    permits: Arc<Semaphore>,
}

impl StatePool {
    /// Creates all `size` states up front, so that a request never pays for creating one.
    pub fn new(recognizer: Arc<Recognizer>, size: usize) -> anyhow::Result<Arc<Self>> {
        let states = (0..size)
            .map(|_| recognizer.create_state())
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Arc::new(StatePool {
            recognizer,
            idle: Mutex::new(states),
            permits: Arc::new(Semaphore::new(size)),
        }))
    }

    /// Waits for a free state.
    pub async fn acquire(self: &Arc<Self>) -> anyhow::Result<Lease> {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .expect("the pool never closes its semaphore");
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        // A lease dropped during a panic discards its state, so the pool may be short of one.
        let state = match idle {
            Some(state) => state,
            None => self.recognizer.create_state()?,
        };
        Ok(Lease {
            pool: Arc::clone(self),
            state: Some(state),
            _permit: permit,
        })
    }
}

/// Exclusive use of one state. Dropping the lease returns the state to the pool, then frees
/// the permit.
pub struct Lease {
    pool: Arc<StatePool>,
    state: Option<WhisperState>,
    _permit: OwnedSemaphorePermit,
}

impl Lease {
    pub fn state(&mut self) -> &mut WhisperState {
        self.state
            .as_mut()
            .expect("the state is only taken on drop")
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        // After a panic mid-transcription the state may be inconsistent, so it is not reused.
        if std::thread::panicking() {
            return;
        }
        if let Some(state) = self.state.take() {
            self.pool
                .idle
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(state);
        }
    }
}
