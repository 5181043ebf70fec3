//! Backup and restore between real folders in temporary directories: a
//! source box with data, a recording, settings, a profile and console
//! state, and target boxes empty or with data of their own.

mod support;

use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use standardiste_store::backup::{backup, restore, BackupError, DataPaths, Manifest};
use standardiste_store::{migrate_to, Store, SCHEMA_VERSION};
use support::{fill, tree, Filled, CALLER_TEXT, NAME};

const RECORDING: &[u8] = b"RIFF....WAVEfmt recording bytes of call two";

fn paths(root: &Path) -> DataPaths {
    DataPaths {
        database: root.join("var/calls.db"),
        recordings: root.join("var/recordings"),
        settings: root.join("config/standardiste.toml"),
        profile: root.join("config/profile.toml"),
        console_state: root.join("var/console"),
    }
}

/// Builds a box with a filled database, one recording, settings, a profile and console state.
fn source_box(root: &Path) -> (DataPaths, Filled) {
    let paths = paths(root);
    let filled = fill(&paths.database);
    fs::create_dir_all(&paths.recordings).unwrap();
    let recording = paths.recordings.join("call-2.wav");
    fs::write(&recording, RECORDING).unwrap();
    Store::open(&paths.database)
        .unwrap()
        .set_recording_path(filled.message, &recording.display().to_string())
        .unwrap();
    fs::create_dir_all(paths.settings.parent().unwrap()).unwrap();
    fs::write(&paths.settings, "data_dir = \"../var\"\n").unwrap();
    fs::write(&paths.profile, "name = \"Clinique du Parc\"\n").unwrap();
    fs::create_dir_all(paths.console_state.join("tls")).unwrap();
    fs::write(paths.console_state.join("tls/cert.pem"), "-----BEGIN CERTIFICATE-----\n").unwrap();
    let password = paths.console_state.join("admin-password");
    fs::write(&password, "$argon2id$v=19$hash").unwrap();
    fs::set_permissions(&password, fs::Permissions::from_mode(0o600)).unwrap();
    (paths, filled)
}

/// Builds a box with one call of its own and its own profile.
fn busy_box(root: &Path) -> DataPaths {
    let paths = paths(root);
    let store = Store::open(&paths.database).unwrap();
    let id = store.start_call("old-line", Some("0100000000"), None).unwrap();
    store.finish_call(id, standardiste_store::CallOutcome::Completed, 1_000).unwrap();
    drop(store);
    fs::create_dir_all(&paths.recordings).unwrap();
    fs::write(paths.recordings.join("call-1.wav"), b"old box recording").unwrap();
    fs::create_dir_all(paths.profile.parent().unwrap()).unwrap();
    fs::write(&paths.profile, "name = \"Old profile\"\n").unwrap();
    paths
}

fn backup_of_source(dir: &Path) -> (PathBuf, DataPaths, Filled) {
    let (paths, filled) = source_box(&dir.join("old-box"));
    let archive = dir.join("box.tar.gz");
    backup(&paths, &archive).unwrap();
    (archive, paths, filled)
}

/// Returns the tar stream inside `archive`, unzipped.
fn tar_bytes(archive: &Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    GzDecoder::new(fs::File::open(archive).unwrap()).read_to_end(&mut bytes).unwrap();
    bytes
}

fn write_gzip(path: &Path, tar: &[u8]) {
    let mut encoder = GzEncoder::new(fs::File::create(path).unwrap(), flate2::Compression::default());
    encoder.write_all(tar).unwrap();
    encoder.finish().unwrap();
}

fn manifest_of(archive: &Path) -> Manifest {
    let bytes = tar_bytes(archive);
    let mut tar = tar::Archive::new(bytes.as_slice());
    for entry in tar.entries().unwrap() {
        let mut entry = entry.unwrap();
        if entry.path().unwrap().to_str() == Some("manifest.json") {
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            return serde_json::from_str(&text).unwrap();
        }
    }
    panic!("no manifest.json in {}", archive.display());
}

fn calls_in(database: &Path) -> Vec<(i64, String)> {
    let conn = rusqlite::Connection::open(database).unwrap();
    let mut statement = conn.prepare("SELECT id, line FROM calls ORDER BY id").unwrap();
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?))).unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

#[test]
fn round_trip_restores_everything() {
    let dir = tempfile::tempdir().unwrap();
    let (archive, old, filled) = backup_of_source(dir.path());
    let new = paths(&dir.path().join("new-box"));

    let archive_mode = fs::metadata(&archive).unwrap().permissions().mode();
    assert_eq!(archive_mode & 0o077, 0, "the archive contains secrets: {archive_mode:o}");

    let report = restore(&archive, &new, false).unwrap();
    assert_eq!(report.calls, 3);
    assert_eq!(report.bookings, 1);
    assert_eq!(report.recordings, 1);
    assert_eq!(report.replaced_aside, None);
    assert_eq!(report.restored.len(), 5);

    let store = Store::open(&new.database).unwrap();
    assert_eq!(store.turns(filled.message).unwrap()[0].text, CALLER_TEXT);
    assert_eq!(store.intake(filled.message).unwrap().caller_name.as_deref(), Some(NAME));
    assert_eq!(store.call_deliveries(filled.message).unwrap().len(), 1);
    let recording = new.recordings.join("call-2.wav");
    assert_eq!(store.call(filled.message).unwrap().recording_path, Some(recording.display().to_string()));
    assert_eq!(fs::read(&recording).unwrap(), RECORDING);
    assert_eq!(fs::read(&new.settings).unwrap(), fs::read(&old.settings).unwrap());
    assert_eq!(fs::read(&new.profile).unwrap(), fs::read(&old.profile).unwrap());
    assert_eq!(tree(&new.console_state), tree(&old.console_state));
    let mode = fs::metadata(new.console_state.join("admin-password")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let leftovers: Vec<_> = fs::read_dir(new.database.parent().unwrap())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn manifest_lists_versions_and_hashes() {
    let dir = tempfile::tempdir().unwrap();
    let (archive, old, _) = backup_of_source(dir.path());
    let manifest = manifest_of(&archive);
    assert_eq!(manifest.format, "standardiste-backup");
    assert_eq!(manifest.format_version, 1);
    assert_eq!(manifest.software_version, env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest.schema_version, SCHEMA_VERSION);
    assert_eq!(manifest.component_versions.get("booking"), Some(&1));
    assert_eq!(manifest.component_versions.get("outbox"), Some(&1));
    assert!(manifest.created_at.ends_with('Z'), "{}", manifest.created_at);
    assert_eq!(manifest.parts, vec!["database", "recordings", "console", "profile", "settings"]);
    assert_eq!(manifest.recordings_dir, Some(old.recordings.display().to_string()));
    let paths: Vec<&str> = manifest.files.iter().map(|file| file.path.as_str()).collect();
    assert_eq!(
        paths,
        vec![
            "calls.db",
            "recordings/call-2.wav",
            "console/admin-password",
            "console/tls/cert.pem",
            "config/profile.toml",
            "config/standardiste.toml"
        ]
    );
    let recording = &manifest.files[1];
    assert_eq!(recording.size, RECORDING.len() as u64);
    use sha2::Digest;
    let expected: String = sha2::Sha256::digest(RECORDING).iter().map(|byte| format!("{byte:02x}")).collect();
    assert_eq!(recording.sha256, expected);
}

#[test]
fn flipped_byte_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (archive, _, _) = backup_of_source(dir.path());
    let original = fs::read(&archive).unwrap();
    // Bytes 4 to 9 of the gzip header (modification time, flags, OS) are not
    // checked by any reader, so the flips start after them.
    let positions: Vec<usize> = (0..8).map(|index| 10 + index * (original.len() - 11) / 7).collect();
    for position in positions {
        let mut bytes = original.clone();
        bytes[position] ^= 0x40;
        fs::write(&archive, &bytes).unwrap();
        let target_root = dir.path().join("busy-box");
        let target = busy_box(&target_root);
        let before = tree(&target_root);

        let error = restore(&archive, &target, true).unwrap_err();
        assert!(
            matches!(error, BackupError::Corrupt { .. } | BackupError::Unsafe { .. }),
            "byte {position}: {error}"
        );
        support::assert_same_tree(&before, &tree(&target_root));
        fs::remove_dir_all(&target_root).unwrap();
    }
}

#[test]
fn altered_file_fails_its_checksum() {
    let dir = tempfile::tempdir().unwrap();
    let (archive, _, _) = backup_of_source(dir.path());
    let mut bytes = tar_bytes(&archive);
    let at = bytes.windows(RECORDING.len()).position(|window| window == RECORDING).unwrap();
    bytes[at + 5] = b'X';
    write_gzip(&archive, &bytes);
    let new_root = dir.path().join("new-box");

    let error = restore(&archive, &paths(&new_root), false).unwrap_err();
    assert!(matches!(error, BackupError::Corrupt { .. }), "{error}");
    assert!(error.to_string().contains("recordings/call-2.wav"), "{error}");
    assert!(!paths(&new_root).database.exists());
    support::assert_same_tree(&Default::default(), &tree(&new_root.join("var")));
}

/// Writes a gzipped tar whose single member has the raw `name`, `kind` and
/// `link` bytes, bypassing the checks the `tar` crate makes when building.
fn crafted_archive(path: &Path, name: &[u8], kind: tar::EntryType, link: &[u8]) {
    let mut header = tar::Header::new_gnu();
    let data = b"owned";
    {
        let gnu = header.as_gnu_mut().unwrap();
        gnu.name[..name.len()].copy_from_slice(name);
        gnu.linkname[..link.len()].copy_from_slice(link);
    }
    header.set_entry_type(kind);
    header.set_mode(0o644);
    let size = if kind == tar::EntryType::Regular { data.len() as u64 } else { 0 };
    header.set_size(size);
    header.set_cksum();
    let mut builder = tar::Builder::new(Vec::new());
    builder.append(&header, &data[..size as usize]).unwrap();
    write_gzip(path, &builder.into_inner().unwrap());
}

#[test]
fn traversal_members_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside");
    let cases: Vec<(Vec<u8>, tar::EntryType, Vec<u8>, &str)> = vec![
        (b"../outside".to_vec(), tar::EntryType::Regular, Vec::new(), "`..`"),
        (b"recordings/../../outside".to_vec(), tar::EntryType::Regular, Vec::new(), "`..`"),
        (outside.display().to_string().into_bytes(), tar::EntryType::Regular, Vec::new(), "absolute"),
        (b"recordings/link".to_vec(), tar::EntryType::Symlink, outside.display().to_string().into_bytes(), "link"),
        (b"recordings/hard".to_vec(), tar::EntryType::Link, b"calls.db".to_vec(), "link"),
        (b"recordings/fifo".to_vec(), tar::EntryType::Fifo, Vec::new(), "not a regular file"),
        (b"etc/cron.d/job".to_vec(), tar::EntryType::Regular, Vec::new(), "not part of"),
    ];
    for (name, kind, link, expected) in cases {
        let archive = dir.path().join("crafted.tar.gz");
        crafted_archive(&archive, &name, kind, &link);
        let target_root = dir.path().join("box");
        let target = busy_box(&target_root);
        let before = tree(&target_root);
        let error = restore(&archive, &target, true).unwrap_err();
        let shown = String::from_utf8_lossy(&name).into_owned();
        assert!(matches!(error, BackupError::Unsafe { .. }), "{shown}: {error}");
        assert!(error.to_string().contains(expected), "{shown}: {error}");
        assert!(!outside.exists(), "{shown}");
        support::assert_same_tree(&before, &tree(&target_root));
        fs::remove_dir_all(&target_root).unwrap();
    }
}

#[test]
fn newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (old, _) = source_box(&dir.path().join("old-box"));
    let conn = rusqlite::Connection::open(&old.database).unwrap();
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
    drop(conn);
    let archive = dir.path().join("box.tar.gz");
    backup(&old, &archive).unwrap();
    let new_root = dir.path().join("new-box");

    let error = restore(&archive, &paths(&new_root), false).unwrap_err();
    assert!(matches!(error, BackupError::SchemaTooNew { .. }), "{error}");
    let message = error.to_string();
    assert!(message.contains(&format!("version {}", SCHEMA_VERSION + 1)), "{message}");
    assert!(message.contains(&format!("this software's {SCHEMA_VERSION}")), "{message}");
    assert!(message.contains("upgrade standardiste"), "{message}");
    assert!(!paths(&new_root).database.exists());
    assert!(!paths(&new_root).settings.exists());
}

#[test]
fn existing_data_needs_force() {
    let dir = tempfile::tempdir().unwrap();
    let (archive, _, filled) = backup_of_source(dir.path());
    let target_root = dir.path().join("busy-box");
    let target = busy_box(&target_root);
    let before = tree(&target_root);

    let error = restore(&archive, &target, false).unwrap_err();
    assert!(matches!(error, BackupError::ExistingData { calls: 1, bookings: 0, .. }), "{error}");
    assert!(error.to_string().contains("--force"), "{error}");
    support::assert_same_tree(&before, &tree(&target_root));

    let report = restore(&archive, &target, true).unwrap();
    let aside = report.replaced_aside.expect("the old data is kept aside");
    assert!(aside.starts_with(target_root.join("var")), "{}", aside.display());
    assert!(aside.file_name().unwrap().to_string_lossy().starts_with("replaced-"));
    assert_eq!(calls_in(&aside.join("calls.db")), vec![(1, "old-line".to_string())]);
    assert_eq!(fs::read(aside.join("recordings/call-1.wav")).unwrap(), b"old box recording");
    assert_eq!(fs::read_to_string(aside.join("config/profile.toml")).unwrap(), "name = \"Old profile\"\n");
    assert_eq!(calls_in(&target.database).len(), 3);
    assert!(calls_in(&target.database).iter().any(|(id, _)| *id == filled.message));
    assert!(!target.recordings.join("call-1.wav").exists());
}

#[test]
fn failed_move_puts_old_data_back() {
    let dir = tempfile::tempdir().unwrap();
    let (archive, _, _) = backup_of_source(dir.path());
    let target_root = dir.path().join("busy-box");
    let mut target = busy_box(&target_root);
    // The settings are placed last; a file where their folder should be makes that move fail.
    fs::write(target_root.join("not-a-folder"), "").unwrap();
    target.settings = target_root.join("not-a-folder/standardiste.toml");
    let before = tree(&target_root);

    let error = restore(&archive, &target, true).unwrap_err();
    assert!(matches!(error, BackupError::Place { .. }), "{error}");
    assert!(error.to_string().contains("put back"), "{error}");
    let after = tree(&target_root);
    let new_entries: Vec<&String> = after.keys().filter(|name| !before.contains_key(*name)).collect();
    assert!(
        new_entries.iter().all(|name| name.starts_with("var/replaced-")),
        "{new_entries:?}"
    );
    for (name, content) in &before {
        assert_eq!(after.get(name), Some(content), "{name}");
    }
}

#[test]
fn snapshot_ignores_an_open_write() {
    let dir = tempfile::tempdir().unwrap();
    let (old, _) = source_box(&dir.path().join("old-box"));
    let writer = rusqlite::Connection::open(&old.database).unwrap();
    writer.execute_batch("BEGIN IMMEDIATE").unwrap();
    writer
        .execute("INSERT INTO calls (started_at, line) VALUES ('2026-12-09T10:00:00Z', 'uncommitted')", [])
        .unwrap();
    let archive = dir.path().join("box.tar.gz");
    let report = backup(&old, &archive).unwrap();
    writer.execute_batch("COMMIT").unwrap();
    assert_eq!(report.calls, 3);

    let new = paths(&dir.path().join("new-box"));
    restore(&archive, &new, false).unwrap();
    let lines: Vec<String> = calls_in(&new.database).into_iter().map(|(_, line)| line).collect();
    assert_eq!(lines.len(), 3);
    assert!(!lines.contains(&"uncommitted".to_string()));
    let conn = rusqlite::Connection::open(&new.database).unwrap();
    let check: String = conn.query_row("PRAGMA integrity_check", [], |row| row.get(0)).unwrap();
    assert_eq!(check, "ok");
}

#[test]
fn snapshot_is_consistent_under_writes() {
    let dir = tempfile::tempdir().unwrap();
    let (old, _) = source_box(&dir.path().join("old-box"));
    let database = old.database.clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut store = Store::open(&database).unwrap();
            let mut written = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let id = store.start_call("busy", None, None).unwrap();
                store.add_turn(id, &support::turn(standardiste_store::Speaker::Caller, "hello", 0)).unwrap();
                store.add_turn(id, &support::turn(standardiste_store::Speaker::Assistant, "hi", 2_000)).unwrap();
                written += 1;
            }
            written
        })
    };
    let mut archives = Vec::new();
    for index in 0..3 {
        let archive = dir.path().join(format!("box-{index}.tar.gz"));
        backup(&old, &archive).unwrap();
        archives.push(archive);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = writer.join().unwrap();
    assert!(written > 0);
    for (index, archive) in archives.iter().enumerate() {
        let new = paths(&dir.path().join(format!("new-box-{index}")));
        restore(archive, &new, false).unwrap();
        let conn = rusqlite::Connection::open(&new.database).unwrap();
        let check: String = conn.query_row("PRAGMA integrity_check", [], |row| row.get(0)).unwrap();
        assert_eq!(check, "ok");
        // Each call's two turns are two transactions, so a call may have one
        // turn, but never a turn without its call.
        let orphans: i64 = conn
            .query_row("SELECT COUNT(*) FROM turns WHERE call_id NOT IN (SELECT id FROM calls)", [], |row| row.get(0))
            .unwrap();
        assert_eq!(orphans, 0);
    }
}

#[test]
fn restore_upgrades_an_older_schema() {
    let dir = tempfile::tempdir().unwrap();
    let old = paths(&dir.path().join("old-box"));
    fs::create_dir_all(old.database.parent().unwrap()).unwrap();
    let mut conn = rusqlite::Connection::open(&old.database).unwrap();
    migrate_to(&mut conn, 2, &[("booking", 1)]).unwrap();
    conn.execute(
        "INSERT INTO calls (started_at, ended_at, line, outcome, caller_name, message_taken)
         VALUES ('2026-12-01T10:00:00Z', '2026-12-01T10:01:00Z', 'gsm0', 'completed', 'Ana', 1)",
        [],
    )
    .unwrap();
    drop(conn);
    let archive = dir.path().join("box.tar.gz");
    backup(&old, &archive).unwrap();

    let new = paths(&dir.path().join("new-box"));
    let report = restore(&archive, &new, false).unwrap();
    assert_eq!(report.schema_from, 2);
    assert_eq!(report.schema_to, SCHEMA_VERSION);
    assert_eq!(report.restored, vec![new.database.clone()]);
    let store = Store::open_read_only(&new.database).unwrap();
    assert_eq!(store.intake(1).unwrap().caller_name.as_deref(), Some("Ana"));
    assert_eq!(store.retention_marks(1).unwrap(), (None, None));
    assert!(!new.settings.exists());
}

#[test]
fn missing_archive_names_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let error = restore(&dir.path().join("nope.tar.gz"), &paths(dir.path()), false).unwrap_err();
    assert!(matches!(error, BackupError::ArchiveNotFound { .. }), "{error}");
    assert!(error.to_string().contains("nope.tar.gz"), "{error}");
}

#[test]
fn backup_needs_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("box.tar.gz");
    let error = backup(&paths(dir.path()), &archive).unwrap_err();
    assert!(matches!(error, BackupError::MissingDatabase { .. }), "{error}");
    assert!(!archive.exists());
}

#[test]
fn archive_inside_recordings_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let (old, _) = source_box(&dir.path().join("old-box"));
    let archive = old.recordings.join("box.tar.gz");
    let error = backup(&old, &archive).unwrap_err();
    assert!(matches!(error, BackupError::ArchiveInsideSource { .. }), "{error}");
    assert!(!archive.exists());
}

#[test]
fn root_restore_keeps_the_data_owner() {
    let dir = tempfile::tempdir().unwrap();
    let probe = dir.path().join("probe");
    fs::write(&probe, "").unwrap();
    if fs::metadata(&probe).unwrap().uid() != 0 {
        eprintln!("skipped: only root can give files to another user");
        return;
    }
    let (archive, _, _) = backup_of_source(dir.path());
    let new = paths(&dir.path().join("new-box"));
    let data_dir = new.database.parent().unwrap();
    fs::create_dir_all(data_dir).unwrap();
    std::os::unix::fs::chown(data_dir, Some(4242), Some(4243)).unwrap();
    restore(&archive, &new, false).unwrap();
    let database = fs::metadata(&new.database).unwrap();
    assert_eq!((database.uid(), database.gid()), (4242, 4243));
    let recording = fs::metadata(new.recordings.join("call-2.wav")).unwrap();
    assert_eq!(recording.uid(), 4242);
}
