//! The system prompt's keys and values, saved to a file once evaluated.
//! A restart (after a power cut, a crash or an upgrade) loads them in a
//! fraction of a second. Evaluating the prompt again takes both cores for
//! 10 to 20 seconds on the two-core x86 test machine, longer on a board.
//!
//! A file is named after a digest of the model file's identity and the
//! prompt's tokens, so an edited profile or another model never loads a
//! stale one. It is written to a temporary name, flushed and renamed, with
//! its SHA-256 in a sidecar written the same way: a file cut short by a
//! power cut, or damaged on the card, is deleted rather than loaded.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use llama_cpp_2::context::LlamaContext;
use llama_cpp_2::token::LlamaToken;
use sha2::{Digest, Sha256};

/// Start of every saved prompt's file name.
const PREFIX: &str = "llm-prompt-";
const EXTENSION: &str = "kv";
const DIGEST_EXTENSION: &str = "kv.sha256";

/// Returns the identity of a model file: its name, size and modification
/// time. A model replaced by `standardiste models fetch` changes at least one.
pub fn model_identity(path: &Path) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let (size, modified) = match std::fs::metadata(path) {
        Ok(meta) => (
            meta.len(),
            meta.modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_secs()),
        ),
        Err(_) => (0, 0),
    };
    format!("{name}:{size}:{modified}")
}

/// Returns the path in `dir` of the saved prompt `tokens` of the model `model`.
pub fn path(dir: &Path, model: &str, tokens: &[LlamaToken]) -> PathBuf {
    let mut hasher = Sha256::new();
    hasher.update(model.as_bytes());
    for token in tokens {
        hasher.update(token.0.to_le_bytes());
    }
    let digest = hex(&hasher.finalize()[..12]);
    dir.join(format!("{PREFIX}{digest}.{EXTENSION}"))
}

/// Loads the saved prompt at `file` into sequence `seq`, which must be
/// empty, and checks that its tokens are `expected`. Any failure deletes
/// the file and leaves the sequence empty.
pub fn load(context: &mut LlamaContext<'_>, seq: usize, file: &Path, expected: &[LlamaToken]) -> Result<(), String> {
    let outcome = check_digest(file).and_then(|()| {
        let (tokens, _) = context
            .state_seq_load_file(file, seq as i32, expected.len())
            .map_err(|e| format!("llama.cpp cannot load it: {e}"))?;
        if tokens != expected {
            return Err(format!("it contains {} other tokens", tokens.len()));
        }
        Ok(())
    });
    if let Err(reason) = &outcome {
        let _ = context.clear_kv_cache_seq(Some(seq as u32), None, None);
        remove(file);
        return Err(format!("the saved prompt {} was deleted: {reason}", file.display()));
    }
    Ok(())
}

/// Saves sequence `seq`, which contains `tokens`, to `file`, and deletes the
/// other saved prompts in its folder (a profile edited since, an old model).
pub fn save(context: &LlamaContext<'_>, seq: usize, tokens: &[LlamaToken], file: &Path) -> Result<(), String> {
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let temporary = file.with_extension("kv.tmp");
    let written = context
        .state_seq_save_file(&temporary, seq as i32, tokens)
        .map_err(|e| format!("llama.cpp cannot write {}: {e}", temporary.display()));
    let saved = written.and_then(|_| {
        File::open(&temporary)
            .and_then(|f| f.sync_all())
            .map_err(|e| format!("cannot flush {}: {e}", temporary.display()))?;
        let digest = file_digest(&temporary)?;
        let sidecar = digest_path(file);
        write_synced(&sidecar.with_extension("sha256.tmp"), digest.as_bytes())?;
        std::fs::rename(&temporary, file).map_err(|e| format!("cannot rename {}: {e}", temporary.display()))?;
        std::fs::rename(sidecar.with_extension("sha256.tmp"), &sidecar)
            .map_err(|e| format!("cannot rename {}: {e}", sidecar.display()))
    });
    if saved.is_err() {
        remove(&temporary);
        remove(file);
    }
    saved?;
    prune(dir, file);
    Ok(())
}

/// Deletes the saved prompts in `dir` other than `keep`, and any left
/// half-written.
fn prune(dir: &Path, keep: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let keep_digest = digest_path(keep);
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(PREFIX) && path != keep && path != keep_digest {
            remove(&path);
        }
    }
}

fn check_digest(file: &Path) -> Result<(), String> {
    let recorded = std::fs::read_to_string(digest_path(file)).map_err(|e| format!("its digest is unreadable: {e}"))?;
    let actual = file_digest(file)?;
    if recorded.trim() != actual {
        return Err("its SHA-256 does not match the one recorded".to_string());
    }
    Ok(())
}

fn file_digest(file: &Path) -> Result<String, String> {
    standardiste_models::sha256_file(file).map_err(|e| format!("cannot read {}: {e}", file.display()))
}

fn digest_path(file: &Path) -> PathBuf {
    file.with_extension(DIGEST_EXTENSION)
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let mut file = File::create(path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn remove(path: &Path) {
    if let Err(error) = std::fs::remove_file(path) {
        if error.kind() != std::io::ErrorKind::NotFound {
            tracing::warn!(path = %path.display(), %error, "cannot delete a saved LLM prompt");
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
