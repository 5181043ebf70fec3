//! The benchmark's scenario section: success rate per category of the
//! scripted calls, how often the model's reading was valid, and how long a
//! reading takes.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::call::Engines;
use crate::scenario;

/// Outcomes of the scenario suite, with the model reading counts and the
/// time of each reading in milliseconds.
pub struct ScenarioResults {
    pub outcomes: Vec<scenario::Outcome>,
    pub readings: u64,
    pub valid_readings: u64,
    pub reading_ms: Vec<f64>,
}

/// Runs every scenario in `dir`, each in its own database under `scratch`.
pub async fn run(engines: &Engines, dir: &Path, scratch: &Path) -> Result<ScenarioResults, String> {
    let scenarios = scenario::load_dir(dir)?;
    let mut results = ScenarioResults {
        outcomes: Vec::new(),
        readings: 0,
        valid_readings: 0,
        reading_ms: Vec::new(),
    };
    for (index, scenario) in scenarios.iter().enumerate() {
        let outcome = scenario::run(&engines.llm, &engines.profile, scenario, &scratch.join(format!("scenario-{index}"))).await?;
        let status = if outcome.passed() { "ok" } else { "FAILED" };
        eprintln!("bench: scenario {} of {}: {status} {}", index + 1, scenarios.len(), outcome.name);
        results.readings += outcome.readings;
        results.valid_readings += outcome.valid_readings;
        results.reading_ms.extend(outcome.reading_ms.iter().map(|&ms| ms as f64));
        results.outcomes.push(outcome);
    }
    Ok(results)
}

/// Renders the scenario section of the benchmark report as Markdown.
pub fn render(results: &ScenarioResults, percentile: fn(&[f64], f64) -> f64) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Receptionist scenarios\n");
    let _ = writeln!(
        out,
        "{} scripted calls from tests/scenarios, run as text against the default LLM, each checked on the stored call, intake and appointment book.\n",
        results.outcomes.len()
    );

    let mut categories: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for outcome in &results.outcomes {
        let entry = categories.entry(outcome.category.as_str()).or_default();
        entry.0 += 1;
        entry.1 += usize::from(outcome.passed());
    }
    let _ = writeln!(out, "| category | scenarios | passed | success |\n|---|---:|---:|---:|");
    for (category, (total, passed)) in &categories {
        let _ = writeln!(out, "| {category} | {total} | {passed} | {:.0}% |", *passed as f64 * 100.0 / *total as f64);
    }

    let total = results.outcomes.len();
    let passed = results.outcomes.iter().filter(|o| o.passed()).count();
    let _ = writeln!(out, "| all | {total} | {passed} | {:.0}% |\n", passed as f64 * 100.0 / total.max(1) as f64);
    let _ = writeln!(
        out,
        "Valid structured readings under the grammar: {} of {} ({:.1}%). Time to read a turn (prompt and the whole JSON): median {:.0} ms, p95 {:.0} ms.\n",
        results.valid_readings,
        results.readings,
        results.valid_readings as f64 * 100.0 / results.readings.max(1) as f64,
        percentile(&results.reading_ms, 50.0),
        percentile(&results.reading_ms, 95.0),
    );

    for outcome in results.outcomes.iter().filter(|o| !o.passed()) {
        let _ = writeln!(out, "- failed: {} ({})", outcome.name, outcome.failures.join("; "));
    }
    out
}
