//! The LLM engine: llama.cpp on a thread of its own, streaming tokens back.
//!
//! The model and its context are loaded once per process. Requests are served
//! one at a time; each streams text pieces on a bounded channel and can be
//! cancelled (barge-in) between tokens.
//!
//! The KV cache keeps one llama.cpp sequence per system prompt, up to
//! [`CACHED_PROMPTS`]: a call alternates between the reading prompt and the
//! answering prompt on question turns, and each keeps its own cached tokens.
//! A request reuses the longest prefix its sequence shares with it, or the
//! longer one another sequence shares (copied, not evaluated again), so the
//! system prompt is evaluated once and each turn only pays for the new words.

use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use llama_cpp_2::context::params::LlamaContextParams;
use llama_cpp_2::context::LlamaContext;
use llama_cpp_2::llama_backend::LlamaBackend;
use llama_cpp_2::llama_batch::LlamaBatch;
use llama_cpp_2::model::params::LlamaModelParams;
use llama_cpp_2::model::{LlamaChatMessage, LlamaChatTemplate, LlamaModel};
use llama_cpp_2::sampling::LlamaSampler;
use llama_cpp_2::token::data::LlamaTokenData;
use llama_cpp_2::token::data_array::LlamaTokenDataArray;
use llama_cpp_2::token::LlamaToken;
use tokio::sync::mpsc;

use super::saved_prompt;
use crate::config::LlmConfig;
use crate::speech::priority::SpeechPriority;

/// Requests that may wait for the engine. Callers wait (async) when it is full.
const REQUEST_QUEUE: usize = 8;

/// Text pieces buffered per request. When full the engine thread waits for
/// the reader (speech synthesis), which keeps memory bounded.
const PIECE_QUEUE: usize = 256;

/// Prompt tokens evaluated per llama.cpp batch.
const BATCH_TOKENS: usize = 512;

/// Prompt tokens evaluated between two chances to pause for a transcription:
/// about a second of work on a two-core board, at little cost in speed.
const PAUSE_TOKENS: usize = 64;

/// System prompts whose tokens stay in the KV cache at once, one sequence
/// each. Two covers a call: the reading prompt and the answering prompt.
const CACHED_PROMPTS: usize = 2;

/// Seed of the sampler, fixed so that the same prompt gives the same reply.
const SAMPLER_SEED: u32 = 20_241_204;

/// A chat message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    System,
    User,
    Assistant,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
        }
    }
}

/// Event streamed back by a generation.
#[derive(Debug, Clone)]
pub enum LlmEvent {
    /// A piece of the reply, valid UTF-8.
    Text(String),
    /// The reply is complete (or was cancelled, or hit the token limit).
    Done(GenerationStats),
    /// Generation failed; no more events follow.
    Failed(String),
}

/// Timings of one generation.
#[derive(Debug, Clone, Copy, Default)]
pub struct GenerationStats {
    pub prompt_tokens: usize,
    /// Prompt tokens that had to be evaluated (not found in the KV cache).
    pub evaluated_tokens: usize,
    pub generated_tokens: usize,
    /// The prompt's keys and values came from a saved file.
    pub restored: bool,
    pub prompt_ms: u64,
    pub generation_ms: u64,
    pub cancelled: bool,
}

/// Error starting or reaching the LLM engine.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("cannot load the LLM {path}: {message}")]
    Load { path: String, message: String },
    #[error("the LLM thread has stopped")]
    Stopped,
}

struct Request {
    messages: Vec<Message>,
    max_tokens: usize,
    /// GBNF grammar the output must follow, with `root` as its start rule.
    grammar: Option<Arc<str>>,
    /// Folder of saved prompts: the prompt is loaded from there when it was
    /// saved, and saved there once evaluated.
    saved_in: Option<PathBuf>,
    cancel: Arc<AtomicBool>,
    events: mpsc::Sender<LlmEvent>,
}

/// A handle to the LLM thread; cheap to clone.
#[derive(Clone)]
pub struct Llm {
    requests: mpsc::Sender<Request>,
}

impl Llm {
    /// Loads the model on a new thread and returns once it is ready.
    pub fn load(path: &Path, config: &LlmConfig) -> Result<Llm, LlmError> {
        Llm::load_with_priority(path, config, SpeechPriority::default())
    }

    /// Loads the model like [`Llm::load`]; its thread then pauses between
    /// decode steps while `priority` has a transcription in flight.
    pub fn load_with_priority(path: &Path, config: &LlmConfig, priority: SpeechPriority) -> Result<Llm, LlmError> {
        let (requests, receiver) = mpsc::channel(REQUEST_QUEUE);
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let path_owned = path.to_path_buf();
        let config = config.clone();
        std::thread::Builder::new()
            .name("llm".to_string())
            .spawn(move || engine_thread(&path_owned, &config, receiver, ready_tx, priority))
            .map_err(|e| LlmError::Load {
                path: path.display().to_string(),
                message: e.to_string(),
            })?;
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(Llm { requests }),
            Ok(Err(message)) => Err(LlmError::Load {
                path: path.display().to_string(),
                message,
            }),
            Err(_) => Err(LlmError::Stopped),
        }
    }

    /// Starts generating a reply to `messages`; pieces arrive on the returned channel.
    pub async fn generate(
        &self,
        messages: Vec<Message>,
        max_tokens: usize,
        cancel: Arc<AtomicBool>,
    ) -> Result<mpsc::Receiver<LlmEvent>, LlmError> {
        self.request(messages, None, max_tokens, cancel, None).await
    }

    /// Like [`Llm::generate`], with every token constrained by a GBNF grammar
    /// (start rule `root`): the output can only be a sentence of that grammar,
    /// or a prefix of one when `max_tokens` or a cancel cuts it short.
    pub async fn generate_constrained(
        &self,
        messages: Vec<Message>,
        grammar: Arc<str>,
        max_tokens: usize,
        cancel: Arc<AtomicBool>,
    ) -> Result<mpsc::Receiver<LlmEvent>, LlmError> {
        self.request(messages, Some(grammar), max_tokens, cancel, None).await
    }

    async fn request(
        &self,
        messages: Vec<Message>,
        grammar: Option<Arc<str>>,
        max_tokens: usize,
        cancel: Arc<AtomicBool>,
        saved_in: Option<PathBuf>,
    ) -> Result<mpsc::Receiver<LlmEvent>, LlmError> {
        let (events, receiver) = mpsc::channel(PIECE_QUEUE);
        self.requests
            .send(Request {
                messages,
                max_tokens,
                grammar,
                saved_in,
                cancel,
                events,
            })
            .await
            .map_err(|_| LlmError::Stopped)?;
        Ok(receiver)
    }

    /// Evaluates a prompt without generating, so that its prefix is cached.
    pub async fn warm(&self, messages: Vec<Message>) -> Result<GenerationStats, LlmError> {
        self.warm_request(messages, None).await
    }

    /// Evaluates a prompt like [`Llm::warm`]. When an earlier process saved
    /// its keys and values in the folder `saved_in`, they are loaded instead.
    /// Otherwise they are saved there once evaluated.
    pub async fn warm_saved(&self, messages: Vec<Message>, saved_in: PathBuf) -> Result<GenerationStats, LlmError> {
        self.warm_request(messages, Some(saved_in)).await
    }

    async fn warm_request(&self, messages: Vec<Message>, saved_in: Option<PathBuf>) -> Result<GenerationStats, LlmError> {
        let mut receiver = self
            .request(messages, None, 0, Arc::new(AtomicBool::new(false)), saved_in)
            .await?;
        while let Some(event) = receiver.recv().await {
            match event {
                LlmEvent::Done(stats) => return Ok(stats),
                LlmEvent::Failed(message) => {
                    tracing::warn!(message, "warming the LLM prompt failed");
                    return Err(LlmError::Stopped);
                }
                LlmEvent::Text(_) => {}
            }
        }
        Err(LlmError::Stopped)
    }
}

/// llama.cpp's backend, which may be initialised only once per process.
fn backend() -> Result<&'static LlamaBackend, String> {
    static BACKEND: OnceLock<Result<LlamaBackend, String>> = OnceLock::new();
    BACKEND
        .get_or_init(|| {
            // llama.cpp logs every tensor it loads; route that to tracing (debug
            // level) instead of stderr.
            llama_cpp_2::send_logs_to_tracing(llama_cpp_2::LogOptions::default());
            LlamaBackend::init().map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(Clone::clone)
}

fn engine_thread(
    path: &Path,
    config: &LlmConfig,
    mut requests: mpsc::Receiver<Request>,
    ready: std::sync::mpsc::Sender<Result<(), String>>,
    priority: SpeechPriority,
) {
    let loaded = backend().and_then(|backend| {
        LlamaModel::load_from_file(backend, path, &LlamaModelParams::default())
            .map(|model| (backend, model))
            .map_err(|e| e.to_string())
    });
    let (backend, model) = match loaded {
        Ok(loaded) => loaded,
        Err(message) => {
            let _ = ready.send(Err(message));
            return;
        }
    };
    let template = match model.chat_template(None) {
        Ok(template) => template,
        Err(e) => {
            let _ = ready.send(Err(format!("the model has no chat template: {e}")));
            return;
        }
    };
    let threads = i32::try_from(config.threads).unwrap_or(2);
    let params = LlamaContextParams::default()
        .with_n_ctx(NonZeroU32::new(config.context_tokens))
        .with_n_batch(BATCH_TOKENS as u32)
        .with_n_threads(threads)
        .with_n_threads_batch(threads)
        .with_n_seq_max(CACHED_PROMPTS as u32)
        // One pool of cells for all sequences, so a sequence may use the
        // whole context and a copied prefix is shared, not duplicated.
        .with_kv_unified(true);
    let context = match model.new_context(backend, params) {
        Ok(context) => context,
        Err(e) => {
            let _ = ready.send(Err(format!("cannot create a context: {e}")));
            return;
        }
    };
    let _ = ready.send(Ok(()));

    let mut engine = Engine {
        model: &model,
        model_identity: saved_prompt::model_identity(path),
        template,
        context,
        sequences: (0..CACHED_PROMPTS).map(|_| Sequence::default()).collect(),
        clock: 0,
        temperature: config.temperature,
        priority,
    };
    while let Some(request) = requests.blocking_recv() {
        let events = request.events.clone();
        let outcome = engine.serve(&request);
        let event = match outcome {
            Ok(stats) => LlmEvent::Done(stats),
            Err(message) => {
                // A failed decode already cleared the cache; a prompt that does
                // not fit leaves it intact for the next request.
                tracing::error!(message, "LLM generation failed");
                LlmEvent::Failed(message)
            }
        };
        let _ = events.blocking_send(event);
    }
}

struct Engine<'m> {
    model: &'m LlamaModel,
    /// Names the model in saved prompts' file names.
    model_identity: String,
    template: LlamaChatTemplate,
    context: LlamaContext<'m>,
    /// The KV cache's sequences; a sequence's id is its index.
    sequences: Vec<Sequence>,
    /// Counts requests, to find the sequence used least recently.
    clock: u64,
    temperature: f32,
    priority: SpeechPriority,
}

/// One sequence of the KV cache.
#[derive(Default)]
struct Sequence {
    /// The system message whose requests this sequence serves.
    system: Option<String>,
    /// Tokens whose keys and values are in the cache for this sequence, in order.
    cached: Vec<LlamaToken>,
    /// The request count when this sequence last served one.
    used: u64,
}

impl Engine<'_> {
    fn forget_cache(&mut self) {
        self.context.clear_kv_cache();
        for sequence in &mut self.sequences {
            *sequence = Sequence::default();
        }
    }

    /// Returns the sequence that serves prompts starting with `system`: the
    /// one that already does, else an empty one, else the least recently used.
    fn sequence_for(&mut self, system: &str) -> usize {
        self.clock += 1;
        let index = self
            .sequences
            .iter()
            .position(|s| s.system.as_deref() == Some(system))
            .or_else(|| self.sequences.iter().position(|s| s.system.is_none()))
            .unwrap_or_else(|| {
                (0..self.sequences.len())
                    .min_by_key(|&i| self.sequences[i].used)
                    .unwrap_or(0)
            });
        let sequence = &mut self.sequences[index];
        if sequence.system.as_deref() != Some(system) {
            sequence.system = Some(system.to_string());
        }
        sequence.used = self.clock;
        index
    }

    fn serve(&mut self, request: &Request) -> Result<GenerationStats, String> {
        let started = Instant::now();
        if request.cancel.load(Ordering::Relaxed) || request.events.is_closed() {
            // Barge-in or the end of the call came before this request was served.
            return Ok(GenerationStats {
                cancelled: true,
                ..GenerationStats::default()
            });
        }
        let tokens = self.fit_prompt(&request.messages, request.max_tokens)?;
        let system = request.messages.first().map_or("", |m| m.content.as_str());
        let seq = self.sequence_for(system);
        let saved = request
            .saved_in
            .as_deref()
            .map(|dir| saved_prompt::path(dir, &self.model_identity, &tokens));
        let restored = saved.as_deref().is_some_and(|file| self.restore(seq, &tokens, file));
        let evaluated = self.evaluate_prompt(seq, &tokens, request.max_tokens)?;
        if let Some(file) = saved.as_deref().filter(|file| !restored && !file.is_file()) {
            if let Err(error) = saved_prompt::save(&self.context, seq, &self.sequences[seq].cached, file) {
                tracing::warn!(error, "cannot save the evaluated system prompt; the next start evaluates it again");
            }
        }
        let prompt_ms = started.elapsed().as_millis() as u64;
        let mut stats = GenerationStats {
            prompt_tokens: tokens.len(),
            evaluated_tokens: evaluated,
            prompt_ms,
            restored,
            ..GenerationStats::default()
        };
        if request.max_tokens == 0 {
            return Ok(stats);
        }

        let generation_started = Instant::now();
        self.generate(seq, request, &mut stats)?;
        stats.generation_ms = generation_started.elapsed().as_millis() as u64;
        tracing::debug!(
            prompt_tokens = stats.prompt_tokens,
            evaluated = stats.evaluated_tokens,
            prompt_ms = stats.prompt_ms,
            generated = stats.generated_tokens,
            generation_ms = stats.generation_ms,
            constrained = request.grammar.is_some(),
            "LLM request served"
        );
        Ok(stats)
    }

    /// Generates the reply into sequence `seq`, streaming its pieces, until
    /// the model ends it, the token limit or a cancel.
    fn generate(&mut self, seq: usize, request: &Request, stats: &mut GenerationStats) -> Result<(), String> {
        let mut sampler = self.sampler();
        let mut constraint = match request.grammar.as_deref() {
            Some(grammar) => Some(
                LlamaSampler::grammar(self.model, grammar, "root")
                    .map_err(|e| format!("the output grammar does not load: {e}"))?,
            ),
            None => None,
        };
        let mut pending_bytes: Vec<u8> = Vec::new();
        let mut batch = LlamaBatch::new(1, 1);
        loop {
            if request.cancel.load(Ordering::Relaxed) {
                stats.cancelled = true;
                return Ok(());
            }
            if stats.generated_tokens >= request.max_tokens {
                return Ok(());
            }
            let token = match constraint.as_mut() {
                Some(grammar) => constrained_greedy(&self.context, grammar),
                // `sample` also accepts the token into every sampler of the
                // chain (the penalties' history).
                None => sampler.sample(&self.context, -1),
            };
            if self.model.vocab().is_eog(token) {
                return Ok(());
            }
            stats.generated_tokens += 1;
            pending_bytes.extend(self.model.vocab().token_to_piece(token, false, None));
            let text = take_valid_utf8(&mut pending_bytes);
            if !text.is_empty() && request.events.blocking_send(LlmEvent::Text(text)).is_err() {
                // The receiver is gone because the call ended.
                stats.cancelled = true;
                return Ok(());
            }
            batch.clear();
            let position = self.sequences[seq].cached.len() as i32;
            batch.add(token, position, &[seq as i32], true).map_err(|e| e.to_string())?;
            self.decode(&mut batch)?;
            self.sequences[seq].cached.push(token);
        }
    }

    /// Decodes a batch after pausing for a transcription in flight; a
    /// failure empties the cache, whose state is then unknown.
    fn decode(&mut self, batch: &mut LlamaBatch) -> Result<(), String> {
        self.priority.yield_to_speech();
        if let Err(e) = self.context.decode(batch) {
            self.forget_cache();
            return Err(format!("decode failed: {e}"));
        }
        Ok(())
    }

    /// Applies the chat template and tokenizes, dropping the oldest turns
    /// (never the system message) until the prompt and the reply fit the context.
    fn fit_prompt(&self, messages: &[Message], max_tokens: usize) -> Result<Vec<LlamaToken>, String> {
        let n_ctx = self.context.n_ctx() as usize;
        let mut first_kept = 1.min(messages.len());
        loop {
            let kept: Vec<&Message> = messages[..1.min(messages.len())]
                .iter()
                .chain(&messages[first_kept..])
                .collect();
            let chat = kept
                .iter()
                .map(|m| LlamaChatMessage::new(m.role.as_str().to_string(), defuse_special(&m.content)))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("invalid message: {e}"))?;
            let prompt = self
                .model
                .apply_chat_template(&self.template, &chat, true)
                .map_err(|e| format!("cannot apply the chat template: {e}"))?;
            // The chat template already contains the special tokens, so none are added
            // and the ones in the text are parsed as special.
            let tokens = self.model.vocab().tokenize(prompt.as_bytes(), false, true);
            if tokens.is_empty() {
                return Err("the prompt tokenized to nothing".to_string());
            }
            if tokens.len() + max_tokens < n_ctx {
                if first_kept > 1 {
                    tracing::debug!(dropped = first_kept - 1, "oldest turns dropped to fit the LLM context");
                }
                return Ok(tokens);
            }
            if first_kept + 1 >= messages.len() {
                return Err(format!(
                    "the prompt has {} tokens and the reply may take {max_tokens}, more than the context of {n_ctx}; \
                     raise llm.context_tokens or shorten the business profile",
                    tokens.len()
                ));
            }
            // Drop the oldest turn, and keep the history starting with a caller turn.
            first_kept += 1;
            while first_kept + 1 < messages.len() && messages[first_kept].role != Role::User {
                first_kept += 1;
            }
        }
    }

    /// Brings sequence `seq` of the KV cache in line with `tokens` and leaves
    /// the logits of the last token ready for sampling, with room for
    /// `max_tokens` more. Returns how many tokens were evaluated.
    fn evaluate_prompt(&mut self, seq: usize, tokens: &[LlamaToken], max_tokens: usize) -> Result<usize, String> {
        // The last prompt token is always evaluated again, for its logits.
        let reusable = tokens.len().saturating_sub(1);
        let own = shared_prefix(&self.sequences[seq].cached, tokens).min(reusable);
        self.truncate(seq, own)?;
        let donor = (0..self.sequences.len())
            .filter(|&other| other != seq)
            .map(|other| (other, shared_prefix(&self.sequences[other].cached, tokens).min(reusable)))
            .max_by_key(|&(_, shared)| shared)
            .filter(|&(_, shared)| shared > own);
        if let Some((other, shared)) = donor {
            self.truncate(seq, 0)?;
            self.context
                .copy_kv_cache_seq(other as i32, seq as i32, Some(0), Some(shared as u32))
                .map_err(|e| e.to_string())?;
            self.sequences[seq].cached = tokens[..shared].to_vec();
        }
        self.make_room(seq, tokens.len() + max_tokens)?;

        let keep = self.sequences[seq].cached.len();
        let to_evaluate = &tokens[keep..];
        let mut batch = LlamaBatch::new(PAUSE_TOKENS, 1);
        for (chunk_index, chunk) in to_evaluate.chunks(PAUSE_TOKENS).enumerate() {
            batch.clear();
            let last_chunk = (chunk_index + 1) * PAUSE_TOKENS >= to_evaluate.len();
            for (i, &token) in chunk.iter().enumerate() {
                let position = self.sequences[seq].cached.len() as i32;
                let logits = last_chunk && i + 1 == chunk.len();
                batch.add(token, position, &[seq as i32], logits).map_err(|e| e.to_string())?;
                self.sequences[seq].cached.push(token);
            }
            self.decode(&mut batch).map_err(|e| format!("prompt evaluation: {e}"))?;
        }
        Ok(to_evaluate.len())
    }

    /// Loads the saved prompt `file` into sequence `seq` unless the sequence
    /// already contains those tokens. Returns whether it was loaded.
    fn restore(&mut self, seq: usize, tokens: &[LlamaToken], file: &Path) -> bool {
        if shared_prefix(&self.sequences[seq].cached, tokens) + 1 >= tokens.len() || !file.is_file() {
            return false;
        }
        let emptied = self.truncate(seq, 0).and_then(|()| self.make_room(seq, tokens.len()));
        if let Err(error) = emptied {
            tracing::warn!(error, "cannot make room for the saved system prompt");
            return false;
        }
        match saved_prompt::load(&mut self.context, seq, file, tokens) {
            Ok(()) => {
                self.sequences[seq].cached = tokens.to_vec();
                true
            }
            Err(error) => {
                tracing::warn!(error, "the saved system prompt is unusable; evaluating it again");
                false
            }
        }
    }

    /// Drops the tokens of sequence `seq` from position `keep` on.
    fn truncate(&mut self, seq: usize, keep: usize) -> Result<(), String> {
        if keep < self.sequences[seq].cached.len() {
            self.context
                .clear_kv_cache_seq(Some(seq as u32), Some(keep as u32), None)
                .map_err(|e| e.to_string())?;
            self.sequences[seq].cached.truncate(keep);
        }
        Ok(())
    }

    /// Empties the other sequences, least recently used first, until
    /// `needed` tokens of sequence `seq` fit in the context even if no cell
    /// were shared between sequences.
    fn make_room(&mut self, seq: usize, needed: usize) -> Result<(), String> {
        let n_ctx = self.context.n_ctx() as usize;
        loop {
            let others: usize = (0..self.sequences.len())
                .filter(|&other| other != seq)
                .map(|other| self.sequences[other].cached.len())
                .sum();
            if needed + others < n_ctx {
                return Ok(());
            }
            let Some(victim) = (0..self.sequences.len())
                .filter(|&other| other != seq && !self.sequences[other].cached.is_empty())
                .min_by_key(|&other| self.sequences[other].used)
            else {
                return Ok(());
            };
            self.truncate(victim, 0)?;
            self.sequences[victim] = Sequence::default();
        }
    }

    /// The sampler chain of free text; constrained output is decoded
    /// greedily instead (see [`constrained_greedy`]).
    fn sampler(&self) -> LlamaSampler {
        if self.temperature <= 0.0 {
            return LlamaSampler::greedy();
        }
        LlamaSampler::chain_simple([
            // A mild penalty on the last 64 tokens keeps a small model from
            // reciting the same fact twice.
            LlamaSampler::penalties(self.model.n_vocab(), 64, 1.1, 0.0, 0.0),
            LlamaSampler::top_k(40),
            LlamaSampler::top_p(0.9, 1),
            LlamaSampler::temp(self.temperature),
            LlamaSampler::dist(SAMPLER_SEED),
        ])
    }
}

/// Candidates checked one by one against the grammar, most likely first,
/// before the whole vocabulary is filtered.
const GRAMMAR_SHORTLIST: usize = 48;

/// Picks the most likely token the grammar allows, and advances the grammar.
///
/// Checking the grammar against all of a large vocabulary (150,000 tokens
/// for Qwen) takes far longer than a decode step, so the most likely tokens
/// are checked alone first, best first; only when the grammar refuses them
/// all is the whole vocabulary filtered. The result is the same token:
/// the most likely one the grammar allows. Greedy, because the product acts
/// on this output and the same words must always be read the same way.
fn constrained_greedy(context: &LlamaContext<'_>, grammar: &mut LlamaSampler) -> LlamaToken {
    let logits = context.get_logits_ith(-1);
    let mut order: Vec<usize> = (0..logits.len()).collect();
    let shortlist = GRAMMAR_SHORTLIST.min(order.len());
    if shortlist > 0 && shortlist < order.len() {
        order.select_nth_unstable_by(shortlist - 1, |a, b| logits[*b].total_cmp(&logits[*a]));
    }
    order.truncate(shortlist);
    order.sort_by(|a, b| logits[*b].total_cmp(&logits[*a]));
    let allowed = order.into_iter().find(|&index| {
        let mut single =
            LlamaTokenDataArray::new(vec![LlamaTokenData::new(LlamaToken::new(index as i32), logits[index], 0.0)], false);
        grammar.apply(&mut single);
        single.data[0].logit().is_finite()
    });
    let token = match allowed {
        Some(index) => LlamaToken::new(index as i32),
        None => {
            let mut all = context.token_data_array_ith(-1);
            grammar.apply(&mut all);
            let index = argmax(all.data.iter().map(|d| d.logit()));
            all.data[index].id()
        }
    };
    grammar.accept(token);
    token
}

/// Counts the leading tokens that `a` and `b` have in common.
fn shared_prefix(a: &[LlamaToken], b: &[LlamaToken]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// Index of the largest finite value (0 when there is none).
fn argmax(values: impl Iterator<Item = f32>) -> usize {
    let mut best = (0, f32::NEG_INFINITY);
    for (index, value) in values.enumerate() {
        if value > best.1 {
            best = (index, value);
        }
    }
    best.0
}

/// Breaks up `<|...|>` markers in message text, because the templated prompt
/// is tokenized with special tokens parsed: text from a caller or a transcript
/// must not become a control token such as `<|im_start|>`.
fn defuse_special(text: &str) -> String {
    text.replace("<|", "< |").replace("|>", "| >")
}

/// Removes and returns the longest valid UTF-8 prefix, keeping an incomplete
/// multi-byte character for the next token.
fn take_valid_utf8(bytes: &mut Vec<u8>) -> String {
    let valid = match std::str::from_utf8(bytes) {
        Ok(_) => bytes.len(),
        Err(e) if e.error_len().is_none() => e.valid_up_to(),
        // An invalid sequence (not just an incomplete one): replace it.
        Err(_) => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            bytes.clear();
            return text;
        }
    };
    let text = String::from_utf8_lossy(&bytes[..valid]).into_owned();
    bytes.drain(..valid);
    text
}

#[cfg(test)]
mod tests {
    use super::take_valid_utf8;

    #[test]
    fn utf8_split_across_tokens_is_joined() {
        let mut bytes = "très".as_bytes()[..3].to_vec();
        assert_eq!(take_valid_utf8(&mut bytes), "tr");
        assert_eq!(bytes.len(), 1);
        bytes.extend_from_slice(&"très".as_bytes()[3..]);
        assert_eq!(take_valid_utf8(&mut bytes), "ès");
        assert!(bytes.is_empty());
    }

    #[test]
    fn special_markers_in_text_are_broken_up() {
        assert_eq!(super::defuse_special("hi <|im_start|>system"), "hi < |im_start| >system");
        assert_eq!(super::defuse_special("plain text"), "plain text");
    }

    #[test]
    fn invalid_bytes_are_replaced_not_kept() {
        let mut bytes = vec![b'a', 0xFF, b'b'];
        assert_eq!(take_valid_utf8(&mut bytes), "a\u{FFFD}b");
        assert!(bytes.is_empty());
    }
}
