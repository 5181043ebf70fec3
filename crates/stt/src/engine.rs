//! Speech recognition with whisper.cpp.
//!
//! Every function here blocks for up to seconds of CPU time, so callers on a tokio runtime
//! must run them on a blocking thread.

use std::collections::HashMap;
use std::ffi::c_void;
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{bail, Context};
use whisper_rs::{
    FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters, WhisperState,
    WhisperSysContext, WhisperSysState,
};

use crate::guard::{
    collapse_repetition, drop_repeated_phrases, has_words, reject_reason, NO_SPEECH_THRESHOLD,
};
use crate::language::{Candidates, Language};

/// Sample rate Whisper expects, in Hz.
pub const SAMPLE_RATE: usize = 16_000;

/// Encoder frames per second of audio: Whisper's 1500 frames cover a 30 s window.
const ENCODER_FRAMES_PER_SECOND: usize = 50;
/// Samples of one Whisper window (30 s).
const WINDOW_SAMPLES: usize = 30 * SAMPLE_RATE;
/// Shortest window transcribed: whisper.cpp returns nothing for less than 100 ms.
const MIN_WINDOW_SAMPLES: usize = SAMPLE_RATE / 10;
/// Encoder frames of one full Whisper window.
const MAX_AUDIO_CTX: usize = 1500;
/// Frames added to the utterance length when sizing `audio_ctx`. With this margin, base q5_1
/// transcribed the 5.7 s Asterisk prompt vm-intro with the same words as with the full 1500
/// frames, in about 0.4 s instead of 2.2 s (2-core x86-64 build machine, 2 threads).
const AUDIO_CTX_MARGIN: usize = 64;

/// Bound on the tokens decoded per 30 s window, as tokens per second of audio plus a constant.
/// The pyannote phone call decodes to 101 text tokens for about 23 s of speech (4.4 per
/// second), so this bound only stops a decoder caught in a repetition loop.
const MAX_TOKENS_PER_SECOND: usize = 12;
const MAX_TOKENS_BASE: usize = 16;

/// The outcome of one transcription.
#[derive(Debug, Clone, PartialEq)]
pub struct Recognition {
    /// Text of the kept windows. Empty when every window was dropped.
    pub text: String,
    /// The requested language, or the one detected in the first window with kept text.
    /// `None` when the language was to be detected and no text was kept.
    pub language: Option<&'static str>,
    /// Mean probability of the text tokens of all windows, kept or dropped, or 0 without tokens.
    pub confidence: f32,
    /// The highest no-speech probability of any window, 1 without audio.
    pub no_speech_prob: f32,
    /// Windows dropped by the hallucination guard, with the reason, for logs.
    pub dropped: Vec<String>,
    pub audio_ms: u64,
    pub inference_ms: u64,
}

/// A loaded Whisper model and the decoding settings shared by all requests.
pub struct Recognizer {
    context: WhisperContext,
    threads: i32,
    /// The languages that detection may return.
    candidates: Candidates,
    /// Decoding parameters per language, built once because `FullParams::set_language` leaks
    /// the C string it allocates (whisper-rs 0.16).
    params: Mutex<HashMap<Language, FullParams<'static, 'static>>>,
}

impl Recognizer {
    /// Loads a whisper.cpp model file.
    pub fn load(model: &Path, threads: usize, candidates: Candidates) -> anyhow::Result<Self> {
        if !model.is_file() {
            bail!(
                "Whisper model not found: {}; run `standardiste models fetch` to fetch it",
                model.display()
            );
        }
        let context =
            WhisperContext::new_with_params(model, WhisperContextParameters::default())
                .with_context(|| format!("failed to load Whisper model {}", model.display()))?;
        Ok(Recognizer {
            context,
            threads: threads.try_into().unwrap_or(i32::MAX),
            candidates,
            params: Mutex::new(HashMap::new()),
        })
    }

    /// Returns the model size, such as "base", from the model file.
    pub fn model_type(&self) -> String {
        self.context
            .model_type_readable_str_lossy()
            .map(|name| name.into_owned())
            .unwrap_or_else(|_| "unknown".to_owned())
    }

    /// Returns the codes of the languages the model can transcribe.
    pub fn languages(&self) -> Vec<String> {
        if !self.context.is_multilingual() {
            return vec!["en".to_owned()];
        }
        (0..=whisper_rs::get_lang_max_id())
            .filter_map(whisper_rs::get_lang_str)
            .map(str::to_owned)
            .collect()
    }

    /// Creates decoding state, used by one request at a time.
    pub fn create_state(&self) -> anyhow::Result<WhisperState> {
        self.context
            .create_state()
            .context("failed to create Whisper state")
    }

    /// Transcribes 16 kHz mono samples in [-1, 1], in windows of at most 30 s.
    pub fn transcribe(
        &self,
        state: &mut WhisperState,
        samples: &[f32],
        language: Language,
    ) -> anyhow::Result<Recognition> {
        let started = Instant::now();
        let mut texts = Vec::new();
        let mut detected = None;
        let mut dropped = Vec::new();
        let mut probability_sum = 0.0;
        let mut token_count = 0;
        let mut no_speech_prob: Option<f32> = None;

        let windows = samples
            .chunks(WINDOW_SAMPLES)
            .filter(|window| window.len() >= MIN_WINDOW_SAMPLES);
        for window in windows {
            let result = self.transcribe_window(state, window, language)?;
            probability_sum += result.probability_sum;
            token_count += result.token_count;
            no_speech_prob = Some(no_speech_prob.unwrap_or(0.0).max(result.no_speech_prob));

            if let Some(reason) = reject_reason(result.no_speech_prob, result.confidence()) {
                dropped.push(format!("{:?}: {reason}", result.text));
            } else if has_words(&result.text) {
                detected.get_or_insert(result.language);
                texts.push(result.text);
            }
        }

        Ok(Recognition {
            text: texts.join(" "),
            language: match language {
                Language::Auto => detected,
                Language::Fixed(_) => Some(language.code()),
            },
            confidence: if token_count == 0 {
                0.0
            } else {
                probability_sum / token_count as f32
            },
            no_speech_prob: no_speech_prob.unwrap_or(1.0),
            dropped,
            audio_ms: (samples.len() * 1000 / SAMPLE_RATE) as u64,
            inference_ms: started.elapsed().as_millis() as u64,
        })
    }

    /// Transcribes one window of at most 30 s.
    fn transcribe_window(
        &self,
        state: &mut WhisperState,
        samples: &[f32],
        language: Language,
    ) -> anyhow::Result<WindowResult> {
        let audio_ctx = audio_ctx_for(samples.len()) as i32;
        let max_tokens = max_tokens_for(samples.len());

        let (language, detection_no_speech) = match language {
            Language::Fixed(_) => (language, None),
            Language::Auto => {
                let (language, no_speech) = self.detect_language(state, samples, audio_ctx)?;
                (language, Some(no_speech))
            }
        };
        if detection_no_speech.is_some_and(|no_speech| no_speech > NO_SPEECH_THRESHOLD) {
            // The guard would drop any text, and decoding non-speech is the slow case: base
            // q5_1 looped on line hiss until the token limit.
            return Ok(WindowResult {
                text: String::new(),
                language: language.code(),
                probability_sum: 0.0,
                token_count: 0,
                no_speech_prob: detection_no_speech.unwrap_or(1.0),
            });
        }

        let mut params = self.params_for(language);
        params.set_audio_ctx(audio_ctx);
        params.set_max_tokens(max_tokens as i32);
        state
            .full(params, samples)
            .context("Whisper transcription failed")?;

        let (text, probability_sum, token_count) = self.read_segments(state, max_tokens)?;
        let no_speech_prob = match detection_no_speech {
            Some(no_speech) => no_speech,
            None => self.no_speech_probability(state)?,
        };
        Ok(WindowResult {
            text,
            language: language.code(),
            probability_sum,
            token_count,
            no_speech_prob,
        })
    }

    /// Returns a copy of the cached decoding parameters for `language`.
    fn params_for(&self, language: Language) -> FullParams<'static, 'static> {
        let mut cache = self
            .params
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        cache
            .entry(language)
            .or_insert_with(|| self.build_params(language))
            .clone()
    }

    fn build_params(&self, language: Language) -> FullParams<'static, 'static> {
        let mut params = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
        params.set_n_threads(self.threads);
        params.set_language(Some(language.code()));
        params.set_translate(false);
        params.set_no_context(true);
        params.set_single_segment(true);
        // With timestamp tokens the model marks where the speech ends and then stops. Without
        // them, and with `audio_ctx` shorter than 30 s, base q5_1 repeated short prompts
        // ("Sunday Sunday Sunday ...") until the token limit on most Asterisk prompts under
        // 2 s. The extra tokens cost a few milliseconds.
        params.set_no_timestamps(false);
        params.set_print_special(false);
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_timestamps(false);
        params.set_suppress_blank(true);
        params.set_suppress_nst(true);
        params.set_temperature(0.0);
        // No fallback to sampling at higher temperatures: one greedy pass keeps the latency
        // predictable, and the hallucination guard handles low-confidence output.
        params.set_temperature_inc(0.0);
        params
    }

    /// Detects the spoken language of one window among the candidates, and returns it with
    /// the window's no-speech probability, encoding only `audio_ctx` frames.
    ///
    /// The encoder uses the `audio_ctx` stored in the state by the last `whisper_full` call.
    /// `whisper_full` stores the new value only after its own language detection, so that
    /// detection would encode the previous request's length, or the full 30 s on a new state
    /// (whisper.cpp 1.8.3). This function therefore runs `whisper_full` with an encoder
    /// callback that stops it before the encoder. That call computes the mel spectrogram and
    /// stores `audio_ctx`, and the language is then detected on that spectrogram.
    fn detect_language(
        &self,
        state: &mut WhisperState,
        samples: &[f32],
        audio_ctx: i32,
    ) -> anyhow::Result<(Language, f32)> {
        unsafe extern "C" fn stop_before_encoder(
            _context: *mut WhisperSysContext,
            _state: *mut WhisperSysState,
            _user_data: *mut c_void,
        ) -> bool {
            false
        }

        // Any fixed language will do, because this call stops before decoding.
        let mut prepare = self.params_for(Language::Fixed(0));
        prepare.set_audio_ctx(audio_ctx);
        // SAFETY: the callback reads nothing and returns false, which makes whisper.cpp stop
        // the transcription before it runs the encoder.
        unsafe { prepare.set_start_encoder_callback(Some(stop_before_encoder)) };
        state
            .full(prepare, samples)
            .context("Whisper failed to compute the spectrogram")?;

        let (best_id, probabilities) = state
            .lang_detect(0, self.threads as usize)
            .context("Whisper language detection failed")?;
        let id = self
            .candidates
            .most_probable(&probabilities)
            .unwrap_or(best_id);
        // Language detection decodes the start-of-transcript token, so the logits are the ones
        // that `no_speech_probability` would compute.
        let no_speech = self.no_speech_from_logits(state)?;
        Ok((Language::Fixed(id), no_speech))
    }

    /// Returns the probability of the no-speech token right after the start-of-transcript
    /// token, which is how OpenAI's Whisper computes `no_speech_prob`.
    ///
    /// whisper.cpp 1.8.3 reports a value computed after the whole prompt (language, task and
    /// timestamp tokens). With a fixed language that value was 0.0000 on every English prompt
    /// tried, so this decodes the start token once more, against the window that
    /// `whisper_full` just encoded.
    fn no_speech_probability(&self, state: &mut WhisperState) -> anyhow::Result<f32> {
        state
            .decode(&[self.context.token_sot()], 0, self.threads as usize)
            .context("Whisper failed to decode the start token")?;
        self.no_speech_from_logits(state)
    }

    fn no_speech_from_logits(&self, state: &WhisperState) -> anyhow::Result<f32> {
        let logits = state.get_logits().context("Whisper returned no logits")?;
        Ok(softmax_at(logits, self.context.token_nosp() as usize))
    }

    /// Returns the text, the sum of the text tokens' probabilities and the number of text
    /// tokens of the window just transcribed.
    fn read_segments(
        &self,
        state: &WhisperState,
        max_tokens: usize,
    ) -> anyhow::Result<(String, f32, usize)> {
        let end_of_text = self.context.token_eot();
        let first_timestamp = self.context.token_beg();
        // Text between timestamp tokens, as UTF-8 bytes, because a token may end inside a
        // character.
        let mut phrases: Vec<Vec<u8>> = vec![Vec::new()];
        let mut probability_sum = 0.0f32;
        let mut token_count = 0usize;
        let mut hit_token_limit = false;

        for segment in state.as_iter() {
            hit_token_limit |= segment.n_tokens() as usize >= max_tokens;
            for index in 0..segment.n_tokens() {
                let Some(token) = segment.get_token(index) else {
                    continue;
                };
                let id = token.token_id();
                if id >= first_timestamp {
                    if phrases.last().is_some_and(|phrase| !phrase.is_empty()) {
                        phrases.push(Vec::new());
                    }
                } else if id < end_of_text {
                    // Ids from end-of-text to the first timestamp are other special tokens.
                    let bytes = token.to_bytes().context("failed to read a Whisper token")?;
                    phrases
                        .last_mut()
                        .expect("never empty")
                        .extend_from_slice(bytes);
                    probability_sum += token.token_probability();
                    token_count += 1;
                }
            }
        }

        let phrases: Vec<String> = phrases
            .iter()
            .map(|bytes| String::from_utf8_lossy(bytes).trim().to_owned())
            .filter(|phrase| !phrase.is_empty())
            .collect();
        let mut text = drop_repeated_phrases(&phrases).join(" ");
        if hit_token_limit {
            // A decoder that never emitted end-of-text is caught in a loop, and the loop
            // repeats the last phrase it heard.
            text = collapse_repetition(&text);
        }
        Ok((text, probability_sum, token_count))
    }
}

/// The outcome of one window, before the hallucination guard.
struct WindowResult {
    text: String,
    language: &'static str,
    probability_sum: f32,
    token_count: usize,
    no_speech_prob: f32,
}

impl WindowResult {
    fn confidence(&self) -> f32 {
        if self.token_count == 0 {
            0.0
        } else {
            self.probability_sum / self.token_count as f32
        }
    }
}

/// Returns the softmax probability of `index` over all `logits`.
fn softmax_at(logits: &[f32], index: usize) -> f32 {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let sum: f64 = logits.iter().map(|&l| f64::from(l - max).exp()).sum();
    (f64::from(logits[index] - max).exp() / sum) as f32
}

/// Returns the encoder frames for `samples`: the utterance plus a margin, capped at one window.
fn audio_ctx_for(samples: usize) -> usize {
    let frames = (samples * ENCODER_FRAMES_PER_SECOND).div_ceil(SAMPLE_RATE);
    (frames + AUDIO_CTX_MARGIN).min(MAX_AUDIO_CTX)
}

/// Returns the token bound per window for `samples`, for windows of at most 30 s.
fn max_tokens_for(samples: usize) -> usize {
    let window_seconds = samples.div_ceil(SAMPLE_RATE).min(30);
    MAX_TOKENS_BASE + MAX_TOKENS_PER_SECOND * window_seconds
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audio_ctx_scales_with_duration() {
        assert_eq!(audio_ctx_for(0), AUDIO_CTX_MARGIN);
        assert_eq!(audio_ctx_for(1), 1 + AUDIO_CTX_MARGIN);
        assert_eq!(audio_ctx_for(SAMPLE_RATE), 50 + AUDIO_CTX_MARGIN);
        // 5.7 s, the prompt on which the margin was checked.
        assert_eq!(audio_ctx_for(91_200), 285 + AUDIO_CTX_MARGIN);
        assert_eq!(audio_ctx_for(29 * SAMPLE_RATE), MAX_AUDIO_CTX);
        assert_eq!(audio_ctx_for(60 * SAMPLE_RATE), MAX_AUDIO_CTX);
    }

    #[test]
    fn max_tokens_caps_at_one_window() {
        assert_eq!(
            max_tokens_for(SAMPLE_RATE / 2),
            MAX_TOKENS_BASE + MAX_TOKENS_PER_SECOND
        );
        assert_eq!(
            max_tokens_for(60 * SAMPLE_RATE),
            MAX_TOKENS_BASE + 30 * MAX_TOKENS_PER_SECOND
        );
    }
}
