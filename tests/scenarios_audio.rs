//! The audio subset of the scenario suite: the scenarios marked `audio`
//! run as phone calls. Each caller turn is spoken by an SVOX Pico voice and
//! goes through a simulated line into the whole call loop (voice activity
//! detection, Whisper, the model's reading, the dialogue, speech synthesis),
//! and the stored call must meet the same expectations as the typed run.

mod common;

use standardiste::scenario;

#[test]
fn audio_scenarios_end_as_expected() {
    let scenarios: Vec<_> = scenario::load_dir(&common::workspace().join("tests/scenarios"))
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .filter(|s| s.audio)
        .collect();
    for language in ["en", "fr"] {
        let count = scenarios.iter().filter(|s| s.language == language).count();
        assert!(count >= 2, "the audio subset needs at least two {language} calls, found {count}");
    }
    let engines = common::engines();
    let _serial = common::serial();
    let dir = tempfile::tempdir().expect("a temp folder");

    let mut failed = Vec::new();
    for (index, scenario) in scenarios.iter().enumerate() {
        let scratch = dir.path().join(format!("audio-{index}"));
        let outcome = common::RUNTIME
            .block_on(scenario::run_audio(engines, scenario, &scratch))
            .unwrap_or_else(|e| panic!("scenario {:?} could not run: {e}", scenario.name));
        println!("{} [{}] {}", if outcome.passed() { "ok  " } else { "FAIL" }, outcome.category, outcome.name);
        if !outcome.passed() {
            println!("  {}\n{}", outcome.failures.join("\n  "), outcome.transcript);
            failed.push(format!("{}:\n  {}\n{}", outcome.name, outcome.failures.join("\n  "), outcome.transcript));
        }
    }
    assert!(failed.is_empty(), "{} of {} audio scenarios failed:\n\n{}", failed.len(), scenarios.len(), failed.join("\n\n"));
}
