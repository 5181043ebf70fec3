//! `standardiste export`, `backup` and `restore`: the owner's data out of
//! the box as CSV, JSON and iCalendar files, and the whole box's data in one
//! archive to keep or to move to a new box.
//!
//! The paths come from the settings: the call database and recordings under
//! `data_dir`, the console's `state_dir`, the profile file, and the
//! settings file itself.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::config::Config;
use crate::profile::BusinessProfile;
use crate::store::backup::{self, BackupReport, DataPaths, RestoreReport};
use crate::store::export::{self, ExportOptions, ExportReport, Format};

/// Options of `standardiste export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Folder to write the files to. It is created if needed, and files of an
    /// earlier export there are replaced.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Formats to write, comma-separated: csv, json, ical (iCalendar, bookings only).
    #[arg(long, value_name = "FORMATS", value_delimiter = ',', default_value = "csv,json,ical")]
    pub format: Vec<Format>,
    /// Export only calls and messages from this date on (UTC), and appointments
    /// from this date on (local time).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = export::parse_date)]
    pub since: Option<time::Date>,
}

/// Options of `standardiste backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Archive to write, such as `standardiste-2026-12-05.tar.gz`. An existing file is replaced.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// Options of `standardiste restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// Archive made by `standardiste backup`.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Replace a call database that already contains calls or bookings. The
    /// replaced data is moved to a replaced-* folder beside the database, not deleted.
    #[arg(long)]
    pub force: bool,
}

/// Returns where the settings place the box's data, with `settings_file`
/// the settings file the command was started with.
fn data_paths(config: &Config, settings_file: &Path) -> DataPaths {
    DataPaths {
        database: config.database_path(),
        recordings: config.recordings_dir(),
        settings: settings_file.to_path_buf(),
        profile: config.profile.clone(),
        console_state: config.console.state_dir.clone(),
    }
}

/// Writes the call database's calls, transcripts, bookings and messages to `args.out`.
pub fn export(config: &Config, args: &ExportArgs) -> Result<(), String> {
    let calendar_name = BusinessProfile::load(&config.profile).map_or_else(|_| "Standardiste".to_string(), |p| p.name);
    let options = ExportOptions {
        formats: args.format.clone(),
        since: args.since,
        calendar_name,
    };
    let report = export::export(&config.database_path(), &args.out, &options).map_err(|e| e.to_string())?;
    print_export(&report, &args.out);
    Ok(())
}

fn print_export(report: &ExportReport, out: &Path) {
    println!("wrote {} files to {}:", report.files.len(), out.display());
    for file in &report.files {
        let name = file.path.file_name().map_or_else(|| file.path.display().to_string(), |n| n.to_string_lossy().into_owned());
        let noun = match file.kind {
            "transcripts" => "turns",
            other => other,
        };
        println!("  {name:<16} {:>7} {noun}", file.rows);
    }
}

/// Writes the box's data to the archive `args.file`.
pub fn backup(config: &Config, settings_file: &Path, args: &BackupArgs) -> Result<(), String> {
    let sources = data_paths(config, settings_file);
    let report = backup::backup(&sources, &args.file).map_err(|e| e.to_string())?;
    print_backup(&report);
    Ok(())
}

fn print_backup(report: &BackupReport) {
    println!(
        "backup written to {} ({:.1} MB, {} files):",
        report.archive.display(),
        report.archive_bytes as f64 / 1_000_000.0,
        report.manifest.files.len()
    );
    println!(
        "  call database: {} calls, {} bookings, schema version {}",
        report.calls, report.bookings, report.manifest.schema_version
    );
    for part in &report.manifest.parts {
        match part.as_str() {
            "database" => {}
            "recordings" => println!("  recordings: {}", report.recordings),
            "console" => println!("  console state (certificate, password hash, feed token)"),
            "profile" => println!("  business profile"),
            "settings" => println!("  settings file"),
            other => println!("  {other}"),
        }
    }
    for missing in &report.missing_parts {
        println!("  not found, so not in the backup: {}", missing.display());
    }
}

/// Restores the archive `args.file` over the box's data. The daemon must be
/// stopped first (`systemctl stop standardiste`), because it would go on
/// writing to the database that the restore moves aside.
pub fn restore(config: &Config, settings_file: &Path, args: &RestoreArgs) -> Result<(), String> {
    let targets = data_paths(config, settings_file);
    let report = backup::restore(&args.file, &targets, args.force).map_err(|e| e.to_string())?;
    print_restore(&report, &args.file);
    if report.restored.iter().any(|path| path == settings_file) {
        warn_moved_paths(config, settings_file);
    }
    Ok(())
}

fn print_restore(report: &RestoreReport, archive: &Path) {
    println!(
        "restored {} (made {} by standardiste {}):",
        archive.display(),
        report.manifest.created_at,
        report.manifest.software_version
    );
    println!(
        "  call database: {} calls, {} bookings, schema version {}{}",
        report.calls,
        report.bookings,
        report.schema_to,
        if report.schema_from == report.schema_to {
            String::new()
        } else {
            format!(" (upgraded from {})", report.schema_from)
        }
    );
    for path in &report.restored {
        println!("  {}", path.display());
    }
    println!("  recordings: {}", report.recordings);
    if let Some(aside) = &report.replaced_aside {
        println!("the data it replaced was moved to {}", aside.display());
    }
}

/// Warns when the restored settings file places the data somewhere else
/// than where the restore put it, as a settings file from an old box with
/// another layout does.
fn warn_moved_paths(config: &Config, settings_file: &Path) {
    let restored = match Config::load(settings_file) {
        Ok(restored) => restored,
        Err(error) => {
            eprintln!("warning: the restored settings file is invalid: {error}; fix it before `standardiste serve`");
            return;
        }
    };
    let pairs = [
        ("call database", config.database_path(), restored.database_path()),
        ("recordings folder", config.recordings_dir(), restored.recordings_dir()),
        ("profile", config.profile.clone(), restored.profile.clone()),
        ("console state folder", config.console.state_dir.clone(), restored.console.state_dir.clone()),
    ];
    for (what, placed, named) in pairs {
        if placed != named {
            eprintln!(
                "warning: the {what} was restored to {}, but the restored settings file {} names {}; \
                 edit the settings file or move the {what} before `standardiste serve`",
                placed.display(),
                settings_file.display(),
                named.display()
            );
        }
    }
}
