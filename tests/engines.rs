//! The engines one at a time, on the real models: Piper, Silero VAD, the LLM.

mod common;

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use common::{model, profile, RUNTIME};
use standardiste::agent::llm::{Llm, LlmEvent, Message, Role};
use standardiste::agent::prompt::{instructions, messages, CallContext, UNDERSTANDING_RULES};
use standardiste::audio::resample::Resampler;
use standardiste::audio::{to_f32, LINE_RATE, MODEL_RATE};
use standardiste::config::{LlmConfig, VadConfig};
use standardiste::speech::endpoint::{EndpointEvent, Endpointer};
use standardiste::profile::{Language, Voice};
use standardiste::speech::tts::{Speaker, Tts, VoicePaths};
use standardiste::speech::vad::{VadModel, WINDOW_SAMPLES};

/// Runs line audio through Silero and the endpointer; returns the events.
fn endpoint_events(line_audio: &[i16]) -> Vec<EndpointEvent> {
    let vad = VadModel::load(&model("silero_vad.onnx")).unwrap();
    let mut stream = vad.stream();
    let mut endpointer = Endpointer::new(&VadConfig::default());
    let audio = Resampler::process_all(LINE_RATE, MODEL_RATE, &to_f32(line_audio));
    let mut events = Vec::new();
    for chunk in audio.chunks_exact(WINDOW_SAMPLES) {
        let window: &[f32; WINDOW_SAMPLES] = chunk.try_into().unwrap();
        let probability = stream.speech_probability(window).unwrap();
        events.extend(endpointer.push(window, probability));
    }
    // Trailing silence lets the endpointer finish.
    let silence = [0.0f32; WINDOW_SAMPLES];
    for _ in 0..60 {
        let probability = stream.speech_probability(&silence).unwrap();
        events.extend(endpointer.push(&silence, probability));
    }
    events
}

fn seconds(samples: usize) -> f64 {
    samples as f64 / f64::from(LINE_RATE)
}

/// Deterministic white noise.
fn noise(samples: usize, amplitude: f32) -> Vec<i16> {
    let mut state = 0x2545_F491_u32;
    (0..samples)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let uniform = state as f32 / u32::MAX as f32 * 2.0 - 1.0;
            (uniform * amplitude * 32_767.0) as i16
        })
        .collect()
}

fn tones(frequencies: &[f32], samples: usize, amplitude: f32) -> Vec<i16> {
    (0..samples)
        .map(|i| {
            let t = i as f32 / LINE_RATE as f32;
            let sum: f32 = frequencies.iter().map(|f| (2.0 * std::f32::consts::PI * f * t).sin()).sum();
            (sum / frequencies.len() as f32 * amplitude * 32_767.0) as i16
        })
        .collect()
}

/// Returns the shipped voices: the default Piper voice, Piper voices in `models_dir`, Pico.
fn voices(models_dir: &std::path::Path) -> VoicePaths {
    VoicePaths {
        models_dir: models_dir.to_path_buf(),
        default_voice: model("en_US-joe-medium.onnx"),
        pico_dir: standardiste_pico::DEFAULT_LANG_DIR.into(),
    }
}

#[test]
fn piper_speaks_at_line_rate_and_vad_hears_it() {
    let tts = Tts::load(voices(&common::models_dir()), 1.0).unwrap();
    let speech = RUNTIME.block_on(tts.synthesize("We are open on Saturday from nine until noon.")).unwrap();
    let duration = seconds(speech.samples.len());
    assert!((1.5..6.0).contains(&duration), "{duration} s of speech");
    let events = endpoint_events(&speech.samples);
    assert!(matches!(events.first(), Some(EndpointEvent::Started { .. })), "{events:?}");
    assert!(events.iter().any(|e| matches!(e, EndpointEvent::Ended { .. })), "{events:?}");
}

#[test]
fn fixed_phrases_are_synthesised_once() {
    let tts = Tts::load(voices(&common::models_dir()), 1.0).unwrap();
    let english = Speaker::new(Language::En, Voice::Piper("en_US-joe-medium".into()));
    let first = RUNTIME.block_on(tts.phrase("Are you still there?", &english)).unwrap();
    let second = RUNTIME.block_on(tts.phrase("Are you still there?", &english)).unwrap();
    assert!(Arc::ptr_eq(&first.samples, &second.samples));
    let french = Speaker::new(Language::Fr, Voice::Pico);
    let third = RUNTIME.block_on(tts.phrase("Are you still there?", &french)).unwrap();
    assert!(!Arc::ptr_eq(&first.samples, &third.samples), "another voice shares the phrase cache");
}

#[test]
fn each_language_gets_its_voice() {
    let tts = Tts::load(voices(&common::models_dir()), 1.0).unwrap();
    let cases = [
        (Language::En, Voice::Piper("en_US-joe-medium".into()), "piper:en_US-joe-medium", "We open at nine on Saturday."),
        (Language::Fr, Voice::Pico, "pico:fr-FR", "Nous ouvrons à 9h le samedi."),
        (Language::De, Voice::Pico, "pico:de-DE", "Wir öffnen am Samstag um 9 Uhr."),
        (Language::Es, Voice::Pico, "pico:es-ES", "Abrimos el sábado a las 9."),
        (Language::It, Voice::Pico, "pico:it-IT", "Apriamo sabato alle 9."),
    ];
    for (language, voice, expected, text) in cases {
        let speech = RUNTIME.block_on(tts.speak(text, &Speaker::new(language, voice))).unwrap();
        assert_eq!(speech.voice, expected, "{language:?}");
        let duration = seconds(speech.samples.len());
        assert!((1.0..8.0).contains(&duration), "{language:?}: {duration} s of speech");
        let events = endpoint_events(&speech.samples);
        assert!(matches!(events.first(), Some(EndpointEvent::Started { .. })), "{language:?}: {events:?}");
    }
}

#[test]
fn owner_piper_voice_used_once_present() {
    let dir = tempfile::tempdir().unwrap();
    let tts = Tts::load(voices(dir.path()), 1.0).unwrap();
    let french = Speaker::new(Language::Fr, Voice::Piper("fr_FR-owner-medium".into()));
    let before = RUNTIME.block_on(tts.speak("Bonjour et bienvenue.", &french)).unwrap();
    assert_eq!(before.voice, "pico:fr-FR", "a missing Piper voice falls back to Pico");

    // The owner copies a voice in: the next sentence uses it, without a restart.
    let source = model("en_US-joe-medium.onnx");
    std::fs::copy(&source, dir.path().join("fr_FR-owner-medium.onnx")).unwrap();
    std::fs::copy(source.with_extension("onnx.json"), dir.path().join("fr_FR-owner-medium.onnx.json")).unwrap();
    let after = RUNTIME.block_on(tts.speak("Bonjour et bienvenue.", &french)).unwrap();
    assert_eq!(after.voice, "piper:fr_FR-owner-medium");
    assert!(!after.samples.is_empty());
}

#[test]
fn vad_ignores_silence_hiss_and_dial_tones() {
    let minute = 60 * LINE_RATE as usize;
    let cases = [
        ("silence", vec![0i16; minute]),
        ("line hiss at -40 dBFS", noise(minute, 0.017)),
        ("US dial tone 350+440 Hz", tones(&[350.0, 440.0], minute, 0.3)),
        ("European dial tone 440 Hz", tones(&[440.0], minute, 0.3)),
    ];
    for (name, audio) in cases {
        let events = endpoint_events(&audio);
        assert!(events.is_empty(), "{name} was taken for speech: {events:?}");
    }
}

fn ask(llm: &Llm, question: &str) -> String {
    let stable = instructions(&profile());
    let context = CallContext {
        now: "Monday 7 December 2026, 10:00".to_string(),
        language: None,
    };
    let history = vec![Message {
        role: Role::User,
        content: question.to_string(),
    }];
    RUNTIME.block_on(async {
        let mut pieces = llm
            .generate(messages(&stable, &context, &history), 80, Arc::new(AtomicBool::new(false)))
            .await
            .unwrap();
        let mut reply = String::new();
        while let Some(event) = pieces.recv().await {
            match event {
                LlmEvent::Text(text) => reply.push_str(&text),
                LlmEvent::Done(_) => break,
                LlmEvent::Failed(message) => panic!("{message}"),
            }
        }
        eprintln!("Q: {question}\nA: {reply}");
        reply
    })
}

#[test]
fn llm_answers_from_the_profile() {
    let llm = Llm::load(&model("qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"), &LlmConfig::default()).unwrap();
    let hours = ask(&llm, "What time do you open on Saturday?").to_lowercase();
    assert!(hours.contains('9') || hours.contains("nine"), "{hours}");
    let address = ask(&llm, "What is your address?").to_lowercase();
    assert!(address.contains("quay"), "{address}");
    let price = ask(&llm, "How much is a check-up?").to_lowercase();
    assert!(price.contains("45") || price.contains("forty-five"), "{price}");
}

#[test]
fn llm_prefix_cache_skips_the_system_prompt() {
    let llm = Llm::load(&model("qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"), &LlmConfig::default()).unwrap();
    let stable = instructions(&profile());
    let warm = RUNTIME.block_on(llm.warm(messages(&stable, &CallContext::default(), &[]))).unwrap();
    let again = RUNTIME.block_on(llm.warm(messages(&stable, &CallContext::default(), &[]))).unwrap();
    assert!(warm.evaluated_tokens > 200, "{warm:?}");
    assert!(again.evaluated_tokens <= 1, "the second evaluation redid {} tokens", again.evaluated_tokens);
}

/// A models folder with links to the real models, for breaking one of them.
fn linked_models(dir: &std::path::Path) {
    for name in [
        "ggml-base-q5_1.bin",
        "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        "en_US-joe-medium.onnx",
        "en_US-joe-medium.onnx.json",
        "silero_vad.onnx",
    ] {
        std::os::unix::fs::symlink(model(name), dir.join(name)).unwrap();
    }
}

#[test]
fn missing_model_names_file_and_fix() {
    let dir = tempfile::tempdir().unwrap();
    linked_models(dir.path());
    std::fs::remove_file(dir.path().join("silero_vad.onnx")).unwrap();
    let mut config = common::config(dir.path());
    config.models_dir = dir.path().to_path_buf();
    let error = RUNTIME
        .block_on(standardiste::call::Engines::load(config, profile()))
        .err()
        .expect("a missing model is an error")
        .to_string();
    assert!(error.contains("silero_vad.onnx is missing"), "{error}");
    assert!(error.contains("standardiste models fetch"), "{error}");
}

#[test]
fn damaged_model_is_rejected_by_hash() {
    let dir = tempfile::tempdir().unwrap();
    linked_models(dir.path());
    let damaged = dir.path().join("silero_vad.onnx");
    let mut bytes = std::fs::read(&damaged).unwrap();
    std::fs::remove_file(&damaged).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xFF;
    std::fs::write(&damaged, bytes).unwrap();
    let mut config = common::config(dir.path());
    config.models_dir = dir.path().to_path_buf();
    let error = RUNTIME
        .block_on(standardiste::call::Engines::load(config, profile()))
        .err()
        .expect("a damaged model is an error")
        .to_string();
    assert!(error.contains("silero_vad.onnx is damaged"), "{error}");
    assert!(error.contains("1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3"), "{error}");
    assert!(error.contains("standardiste models fetch"), "{error}");
}

#[test]
fn llm_caches_reading_and_answering_prompts() {
    let llm = Llm::load(&model("qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"), &LlmConfig::default()).unwrap();
    let answering = instructions(&profile());
    let reading = format!("{answering}{UNDERSTANDING_RULES}");
    let mut history = vec![Message {
        role: Role::User,
        content: "Do you open on Saturday?".to_string(),
    }];
    let warm = |system: &str, history: &[Message]| {
        RUNTIME.block_on(llm.warm(messages(system, &CallContext::default(), history))).unwrap()
    };
    let first = warm(&reading, &history);
    assert!(first.evaluated_tokens > 500, "{first:?}");
    // The answering prompt's system message is the start of the reading
    // one: that part is copied, not evaluated again.
    let answer = warm(&answering, &history);
    assert!(answer.evaluated_tokens < 100, "the answering prompt redid {} tokens", answer.evaluated_tokens);
    history.push(Message {
        role: Role::Assistant,
        content: "Yes, from 9 to 12.".to_string(),
    });
    history.push(Message {
        role: Role::User,
        content: "Thank you.".to_string(),
    });
    // Each prompt still has its own tokens cached: only the new turns are evaluated.
    for system in [&reading, &answering] {
        let next = warm(system, &history);
        assert!(next.evaluated_tokens < 40, "the next turn redid {} tokens", next.evaluated_tokens);
    }
}

#[test]
fn saved_system_prompt_loads_after_restart() {
    let saved_in = tempfile::tempdir().unwrap();
    let stable = instructions(&profile());
    let prompt = messages(&stable, &CallContext::default(), &[]);
    let path = model("qwen2.5-coder-0.5b-instruct-q4_k_m.gguf");
    let warm = |llm: &Llm| RUNTIME.block_on(llm.warm_saved(prompt.clone(), saved_in.path().to_path_buf())).unwrap();
    let saved_files = || {
        let mut names: Vec<String> = std::fs::read_dir(saved_in.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };

    let first = Llm::load(&path, &LlmConfig::default()).unwrap();
    let evaluated = warm(&first);
    assert!(!evaluated.restored, "{evaluated:?}");
    assert!(evaluated.evaluated_tokens > 200, "{evaluated:?}");
    let files = saved_files();
    assert_eq!(files.len(), 2, "a state and its digest: {files:?}");
    let answer = ask(&first, "What is your address?");
    drop(first);

    // A new engine loads the prompt instead of evaluating it, and answers
    // the same words from it.
    let second = Llm::load(&path, &LlmConfig::default()).unwrap();
    let loaded = warm(&second);
    assert!(loaded.restored, "{loaded:?}");
    assert!(loaded.evaluated_tokens <= 1, "{loaded:?}");
    assert_eq!(ask(&second, "What is your address?"), answer);
    drop(second);

    // A damaged file is evaluated again and replaced, not loaded.
    let state = saved_in.path().join(files.iter().find(|name| name.ends_with(".kv")).unwrap());
    let mut bytes = std::fs::read(&state).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(&state, bytes).unwrap();
    let third = Llm::load(&path, &LlmConfig::default()).unwrap();
    let again = warm(&third);
    assert!(!again.restored, "{again:?}");
    assert_eq!(saved_files(), files);
    drop(third);
    let fourth = Llm::load(&path, &LlmConfig::default()).unwrap();
    assert!(warm(&fourth).restored);
}

#[test]
fn llm_drops_old_turns_to_fit_context() {
    let config = LlmConfig {
        context_tokens: 1_024,
        ..LlmConfig::default()
    };
    let llm = Llm::load(&model("qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"), &config).unwrap();
    let long_turn = "I am calling about my appointment and my teeth and my insurance. ".repeat(12);
    let mut history = Vec::new();
    for i in 0..12 {
        history.push(Message { role: Role::User, content: format!("{i}: {long_turn}") });
        history.push(Message { role: Role::Assistant, content: "I see, please go on.".to_string() });
    }
    history.push(Message { role: Role::User, content: "What time do you open on Saturday?".to_string() });
    let stable = instructions(&profile());
    let reply = RUNTIME.block_on(async {
        let mut pieces = llm
            .generate(messages(&stable, &CallContext::default(), &history), 60, Arc::new(AtomicBool::new(false)))
            .await
            .unwrap();
        let mut reply = String::new();
        while let Some(event) = pieces.recv().await {
            match event {
                LlmEvent::Text(text) => reply.push_str(&text),
                LlmEvent::Done(stats) => {
                    assert!(stats.prompt_tokens < 1_024, "{stats:?}");
                    break;
                }
                LlmEvent::Failed(message) => panic!("a long call must not fail: {message}"),
            }
        }
        reply
    });
    assert!(!reply.trim().is_empty());
}
