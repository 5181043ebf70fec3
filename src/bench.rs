//! `standardiste bench`: turn latency and its parts over simulated calls,
//! engine speeds, peak memory, written as a Markdown report.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::audio::resample::Resampler;
use crate::audio::wav::read_caller_recording;
use crate::audio::{to_f32, LINE_RATE, MODEL_RATE};
use crate::call::{run_call, Engines};
use crate::line::simulated::{CallerScript, SimulatedLine};

/// Questions each benchmark call asks, in turn, from tests/fixtures.
const QUESTIONS: &[&str] = &[
    "caller-saturday-hours.wav",
    "caller-address.wav",
    "caller-wednesday.wav",
    "caller-cleaning-price.wav",
    "caller-parking.wav",
];

/// Sentences for the speech synthesis speed measurement.
const SENTENCES: &[&str] = &[
    "We are open on Saturday from nine until noon.",
    "A check-up costs forty-five pounds.",
    "Free parking is available behind the building.",
    "I can take a message and ask someone to call you back today.",
];

/// Benchmark settings.
pub struct BenchOptions {
    pub report: PathBuf,
    pub fixtures: PathBuf,
    pub calls: usize,
    pub questions_per_call: usize,
    /// Length of the call through each simulated line device; zero skips the line part.
    pub line_duration: Duration,
    /// Folder for the simulators' port links and the scenarios' databases.
    pub scratch: PathBuf,
    /// Folder of the receptionist scenario files.
    pub scenarios: PathBuf,
    pub command: String,
}

#[derive(Default)]
struct Samples {
    latency: Vec<f64>,
    endpoint: Vec<f64>,
    stt: Vec<f64>,
    llm_first: Vec<f64>,
    tts_first: Vec<f64>,
}

/// Runs the benchmark and writes the report; returns the report text.
pub async fn run(engines: &Engines, options: &BenchOptions) -> Result<String, String> {
    let questions = QUESTIONS
        .iter()
        .map(|name| read_caller_recording(&options.fixtures.join(name)).map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?;

    eprintln!("bench: {} simulated calls of {} questions each", options.calls, options.questions_per_call);
    let mut call_ids = Vec::new();
    for call in 0..options.calls {
        let utterances: Vec<Vec<i16>> = (0..options.questions_per_call)
            .map(|i| questions[(call * options.questions_per_call + i) % questions.len()].clone())
            .collect();
        let mut script = CallerScript::new(utterances);
        script.hang_up_gap = Duration::from_millis(1_500);
        let summary = run_call(&mut SimulatedLine::start("bench", script), engines, None)
            .await
            .map_err(|e| e.to_string())?;
        eprintln!("bench: call {} of {} done ({:.1} s)", call + 1, options.calls, summary.duration_ms as f64 / 1_000.0);
        call_ids.push(summary.call_id);
    }
    let turns = collect_turns(engines, &call_ids)?;

    let stt = measure_stt(engines, &questions).await?;
    let tts = measure_tts(engines).await?;
    let llm = measure_llm(engines).await?;
    let memory = peak_memory();

    eprintln!("bench: receptionist scenarios");
    let scenarios = crate::bench_scenarios::run(engines, &options.scenarios, &options.scratch.join("scenarios")).await?;

    let lines = if options.line_duration.is_zero() {
        None
    } else {
        eprintln!("bench: {:.0} s calls through the simulated line devices", options.line_duration.as_secs_f64());
        Some(crate::bench_lines::run(options.line_duration, &options.scratch).await?)
    };

    let mut report = render(options, &turns, &stt, &tts, &llm, &memory);
    report.push('\n');
    report.push_str(&crate::bench_scenarios::render(&scenarios, percentile));
    if let Some(lines) = &lines {
        report.push('\n');
        report.push_str(&crate::bench_lines::render(lines, options.line_duration, percentile));
    }
    if let Some(parent) = options.report.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(&options.report, &report).map_err(|e| format!("cannot write {}: {e}", options.report.display()))?;
    Ok(report)
}

fn collect_turns(engines: &Engines, call_ids: &[i64]) -> Result<Samples, String> {
    let store = engines.store.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut samples = Samples::default();
    for &id in call_ids {
        for turn in store.turns(id).map_err(|e| e.to_string())? {
            let Some(latency) = turn.latency_ms else { continue };
            samples.latency.push(latency as f64);
            samples.endpoint.extend(turn.endpoint_ms.map(|v| v as f64));
            samples.stt.extend(turn.stt_ms.map(|v| v as f64));
            samples.llm_first.extend(turn.llm_first_ms.map(|v| v as f64));
            samples.tts_first.extend(turn.tts_first_ms.map(|v| v as f64));
        }
    }
    Ok(samples)
}

struct SttResult {
    audio_s: f64,
    round_trip_s: f64,
    inference_s: f64,
}

async fn measure_stt(engines: &Engines, questions: &[Vec<i16>]) -> Result<SttResult, String> {
    let mut result = SttResult { audio_s: 0.0, round_trip_s: 0.0, inference_s: 0.0 };
    for question in questions {
        let audio = Resampler::process_all(LINE_RATE, MODEL_RATE, &to_f32(question));
        let transcription = engines.stt.transcribe(&audio, None).await.map_err(|e| e.to_string())?;
        result.audio_s += audio.len() as f64 / f64::from(MODEL_RATE);
        result.round_trip_s += transcription.elapsed_ms as f64 / 1_000.0;
        result.inference_s += transcription.inference_ms.unwrap_or(transcription.elapsed_ms) as f64 / 1_000.0;
    }
    Ok(result)
}

struct TtsResult {
    audio_s: f64,
    ours_s: f64,
    raw_s: f64,
}

async fn measure_tts(engines: &Engines) -> Result<TtsResult, String> {
    let mut result = TtsResult { audio_s: 0.0, ours_s: 0.0, raw_s: 0.0 };
    for sentence in SENTENCES {
        let started = Instant::now();
        let speech = engines.tts.synthesize(sentence).await.map_err(|e| e.to_string())?;
        result.ours_s += started.elapsed().as_secs_f64();
        result.audio_s += speech.samples.len() as f64 / f64::from(LINE_RATE);
    }
    // The same sentences through piper-rs alone: no thread hop, no resampling.
    let voice = engines.config.models_dir.join(&engines.config.tts.voice);
    let config = PathBuf::from(format!("{}.json", voice.display()));
    result.raw_s = tokio::task::spawn_blocking(move || -> Result<f64, String> {
        let mut piper = piper_rs::Piper::new(&voice, &config).map_err(|e| e.to_string())?;
        // One untimed run, as the engine thread was warmed by the fixed phrases.
        piper.create(SENTENCES[0], false, None, None, None, None).map_err(|e| e.to_string())?;
        let started = Instant::now();
        for sentence in SENTENCES {
            piper.create(sentence, false, None, None, None, None).map_err(|e| e.to_string())?;
        }
        Ok(started.elapsed().as_secs_f64())
    })
    .await
    .map_err(|e| e.to_string())??;
    Ok(result)
}

struct LlmResult {
    tokens: usize,
    generation_s: f64,
    prompt_tokens: usize,
    prompt_s: f64,
}

async fn measure_llm(engines: &Engines) -> Result<LlmResult, String> {
    use crate::agent::llm::{LlmEvent, Message, Role};
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;

    let question = Message {
        role: Role::User,
        content: "Can you tell me everything about your opening hours and prices?".to_string(),
    };
    let messages = crate::agent::prompt::messages(&engines.instructions, &Default::default(), &[question]);
    let mut events = engines
        .llm
        .generate(messages, 120, Arc::new(AtomicBool::new(false)))
        .await
        .map_err(|e| e.to_string())?;
    while let Some(event) = events.recv().await {
        match event {
            LlmEvent::Done(stats) => {
                return Ok(LlmResult {
                    tokens: stats.generated_tokens,
                    generation_s: stats.generation_ms as f64 / 1_000.0,
                    prompt_tokens: stats.evaluated_tokens,
                    prompt_s: stats.prompt_ms as f64 / 1_000.0,
                })
            }
            LlmEvent::Failed(message) => return Err(message),
            LlmEvent::Text(_) => {}
        }
    }
    Err("the LLM stopped without finishing".to_string())
}

/// Peak resident memory (VmHWM) of this process and of its `standardiste-stt` children, in MiB.
fn peak_memory() -> Vec<(String, f64)> {
    let mut peaks = vec![("standardiste (daemon: LLM, Piper, VAD)".to_string(), vm_hwm(Path::new("/proc/self/status")))];
    let me = std::process::id().to_string();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let status = entry.path().join("status");
            let Ok(text) = std::fs::read_to_string(&status) else { continue };
            let field = |name: &str| {
                text.lines()
                    .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_string()))
                    .unwrap_or_default()
            };
            if field("PPid:") == me && field("Name:").starts_with("standardiste-st") {
                peaks.push(("standardiste-stt (Whisper worker)".to_string(), vm_hwm(&status)));
            }
        }
    }
    peaks
}

fn vm_hwm(status: &Path) -> f64 {
    std::fs::read_to_string(status)
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1_024.0)
}

fn percentile(values: &[f64], p: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    // Nearest-rank percentile.
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name") || l.starts_with("Model"))
                .and_then(|l| l.split(':').nth(1))
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or("unknown".to_string(), |kb| format!("{:.0} GiB", kb / 1_048_576.0));
    format!("{cpu}, {cores} cores available, {memory} RAM, {}", std::env::consts::ARCH)
}

fn render(
    options: &BenchOptions,
    turns: &Samples,
    stt: &SttResult,
    tts: &TtsResult,
    llm: &LlmResult,
    memory: &[(String, f64)],
) -> String {
    let now = crate::store::now_rfc3339();
    let mut out = String::new();
    let _ = writeln!(out, "# Standardiste benchmark\n");
    let _ = writeln!(out, "- Date: {now}");
    let _ = writeln!(out, "- Machine: {}", machine());
    let _ = writeln!(out, "- Command: `{}`", options.command);
    let _ = writeln!(
        out,
        "- Workload: {} simulated calls in real time, {} questions each (espeak-ng recordings from tests/fixtures), default models\n",
        options.calls, options.questions_per_call
    );
    let _ = writeln!(out, "## Turn latency\n");
    let _ = writeln!(out, "From the end of the caller's speech (last voiced VAD window) to the first reply audio on the line, over {} turns.\n", turns.latency.len());
    let _ = writeln!(out, "| part | median ms | p95 ms |\n|---|---:|---:|");
    for (name, values) in [
        ("turn latency", &turns.latency),
        ("endpointing wait (silence before the turn is taken)", &turns.endpoint),
        ("speech-to-text (round trip to the worker)", &turns.stt),
        ("receptionist: the model's reading, the dialogue's decision and any free answer, in full", &turns.llm_first),
        ("TTS of the first sentence", &turns.tts_first),
    ] {
        let _ = writeln!(out, "| {name} | {:.0} | {:.0} |", percentile(values, 50.0), percentile(values, 95.0));
    }
    let _ = writeln!(out, "\nThe parts overlap: speech-to-text starts at the short pause, before the endpointing wait ends. The receptionist's answer is complete before its first sentence is synthesised.\n");

    let _ = writeln!(out, "## Engines\n");
    let _ = writeln!(out, "| engine | measure | value |\n|---|---|---:|");
    let _ = writeln!(out, "| Whisper (worker) | real-time factor, inference / audio ({:.1} s of audio) | {:.3} |", stt.audio_s, stt.inference_s / stt.audio_s);
    let _ = writeln!(out, "| Whisper (worker) | our overhead: Wyoming round trip / raw whisper.cpp inference | {:.2} |", stt.round_trip_s / stt.inference_s);
    let _ = writeln!(out, "| Piper | real-time factor, synthesis / audio ({:.1} s of audio) | {:.3} |", tts.audio_s, tts.ours_s / tts.audio_s);
    let _ = writeln!(out, "| Piper | our overhead: engine thread and resampling / piper-rs alone | {:.2} |", tts.ours_s / tts.raw_s);
    let _ = writeln!(out, "| LLM | generation, tokens per second ({} tokens) | {:.1} |", llm.tokens, llm.tokens as f64 / llm.generation_s);
    let _ = writeln!(out, "| LLM | prompt evaluation after the cached system prompt ({} tokens) | {:.0} ms |", llm.prompt_tokens, llm.prompt_s * 1_000.0);
    let _ = writeln!(out, "\nThe LLM engine is the llama.cpp decode loop itself (llama-cpp-2), so it has no wrapper to compare against.\n");

    let _ = writeln!(out, "## Peak memory (VmHWM)\n");
    let _ = writeln!(out, "| process | MiB |\n|---|---:|");
    for (name, mib) in memory {
        let _ = writeln!(out, "| {name} | {mib:.0} |");
    }
    out
}
