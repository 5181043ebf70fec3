//! Voice activity detection with Silero VAD (ONNX), at 16 kHz.
//!
//! The model is loaded once per process and shared; each call keeps its own
//! recurrent state in a [`VadStream`]. One window costs well under a millisecond
//! on one core, so the call's listener thread runs it inline.

use std::path::Path;
use std::sync::{Arc, Mutex};

use ort::session::Session;
use ort::value::Tensor;

/// Samples in one Silero window at 16 kHz (32 ms).
pub const WINDOW_SAMPLES: usize = 512;

/// Samples of the previous window that Silero expects in front of each new one.
const CONTEXT_SAMPLES: usize = 64;

/// Size of Silero's recurrent state: shape [2, 1, 128].
const STATE_LEN: usize = 2 * 128;

/// The Silero model, shared by all calls.
#[derive(Clone)]
pub struct VadModel {
    session: Arc<Mutex<Session>>,
}

/// Error from voice activity detection.
#[derive(Debug, thiserror::Error)]
pub enum VadError {
    #[error("cannot load the VAD model {path}: {message}")]
    Load { path: String, message: String },
    #[error("VAD inference failed: {0}")]
    Inference(String),
}

impl VadModel {
    /// Loads the model with one intra-op thread: windows are tiny, so more threads only add overhead.
    pub fn load(path: &Path) -> Result<VadModel, VadError> {
        let load_error = |e: ort::Error| VadError::Load {
            path: path.display().to_string(),
            message: e.to_string(),
        };
        let session = Session::builder()
            .map_err(load_error)?
            .with_intra_threads(1)
            .map_err(|e| load_error(e.into()))?
            .with_inter_threads(1)
            .map_err(|e| load_error(e.into()))?
            .commit_from_file(path)
            .map_err(load_error)?;
        Ok(VadModel {
            session: Arc::new(Mutex::new(session)),
        })
    }

    /// Starts a stream with fresh state, for one call.
    pub fn stream(&self) -> VadStream {
        VadStream {
            model: self.clone(),
            state: vec![0.0; STATE_LEN],
            context: vec![0.0; CONTEXT_SAMPLES],
        }
    }
}

/// Per-call VAD state.
pub struct VadStream {
    model: VadModel,
    state: Vec<f32>,
    context: Vec<f32>,
}

impl VadStream {
    /// Returns the probability (0 to 1) that a 32 ms window of 16 kHz audio is speech.
    pub fn speech_probability(&mut self, window: &[f32; WINDOW_SAMPLES]) -> Result<f32, VadError> {
        let mut input = Vec::with_capacity(CONTEXT_SAMPLES + WINDOW_SAMPLES);
        input.extend_from_slice(&self.context);
        input.extend_from_slice(window);
        let inference = |e: ort::Error| VadError::Inference(e.to_string());

        let input = Tensor::from_array(([1usize, CONTEXT_SAMPLES + WINDOW_SAMPLES], input.into_boxed_slice()))
            .map_err(inference)?;
        let state = Tensor::from_array(([2usize, 1, 128], self.state.clone().into_boxed_slice()))
            .map_err(inference)?;
        // `sr` is a scalar: a tensor of rank 0.
        let rate = Tensor::from_array((Vec::<usize>::new(), vec![16_000i64].into_boxed_slice()))
            .map_err(inference)?;

        // A poisoned lock means another call panicked mid-inference; the
        // session itself holds no per-call state, so it is still usable.
        let mut session = self
            .model
            .session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let outputs = session
            .run(ort::inputs!["input" => input, "state" => state, "sr" => rate])
            .map_err(inference)?;
        let (_, probability) = outputs[0].try_extract_tensor::<f32>().map_err(inference)?;
        let probability = probability.first().copied().unwrap_or(0.0);
        let (_, new_state) = outputs[1].try_extract_tensor::<f32>().map_err(inference)?;
        if new_state.len() == STATE_LEN {
            self.state.copy_from_slice(new_state);
        }
        self.context
            .copy_from_slice(&window[WINDOW_SAMPLES - CONTEXT_SAMPLES..]);
        Ok(probability)
    }

    /// Forgets the recurrent state, as at the start of a call.
    pub fn reset(&mut self) {
        self.state.fill(0.0);
        self.context.fill(0.0);
    }
}
