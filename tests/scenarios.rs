//! The scenario suite: scripted calls in English and French, run as text
//! against the real default LLM, each checked on the stored data.

mod common;

use standardiste::agent::llm::Llm;
use standardiste::scenario;

#[test]
fn every_scenario_ends_as_expected() {
    let scenarios = scenario::load_dir(&common::workspace().join("tests/scenarios")).unwrap_or_else(|e| panic!("{e}"));
    let english = scenarios.iter().filter(|s| s.language == "en").count();
    let french = scenarios.iter().filter(|s| s.language == "fr").count();
    assert!(english >= 20, "the suite needs at least 20 English calls, found {english}");
    assert!(french >= 20, "the suite needs at least 20 French calls, found {french}");

    let dir = tempfile::tempdir().expect("a temp folder");
    let config = common::config(dir.path());
    let model = common::model(&config.llm.model);
    let llm = Llm::load(&model, &config.llm).unwrap_or_else(|e| panic!("{e}"));
    let profile = common::profile();

    let mut failed = Vec::new();
    for (index, scenario) in scenarios.iter().enumerate() {
        let scratch = dir.path().join(format!("scenario-{index}"));
        let outcome = common::RUNTIME
            .block_on(scenario::run(&llm, &profile, scenario, &scratch))
            .unwrap_or_else(|e| panic!("scenario {:?} could not run: {e}", scenario.name));
        println!("{} [{}] {}", if outcome.passed() { "ok  " } else { "FAIL" }, outcome.category, outcome.name);
        if !outcome.passed() {
            println!("  {}\n{}", outcome.failures.join("\n  "), outcome.transcript);
            failed.push(format!("{}:\n  {}\n{}", outcome.name, outcome.failures.join("\n  "), outcome.transcript));
        }
    }
    assert!(failed.is_empty(), "{} of {} scenarios failed:\n\n{}", failed.len(), scenarios.len(), failed.join("\n\n"));
}
