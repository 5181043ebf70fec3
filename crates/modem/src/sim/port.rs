//! A device port under a stable name: the current pty, the symlink that
//! points at its slave, and the queue of bytes waiting to be written.
//!
//! Writes to the master never block the simulator: bytes wait in a bounded
//! queue until the pty accepts them, and each chunk may carry a time before
//! which it must not be written (for the cut-line fault).

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::pty::Pty;

struct Chunk {
    bytes: Vec<u8>,
    written: usize,
    not_before: Instant,
}

/// One port of the simulated device.
pub(crate) struct Port {
    link: PathBuf,
    pty: Option<Pty>,
    /// Slave path of the last pty, so that a returning port gets a different
    /// `/dev/pts` number, as a re-plugged USB device gets a new name.
    last_slave: Option<PathBuf>,
    queue: VecDeque<Chunk>,
    queued_bytes: usize,
    capacity: usize,
    /// Bytes discarded because the queue was full (the driver stopped reading).
    pub(crate) dropped_bytes: u64,
}

impl Port {
    /// Opens a pty and points `link` at its slave. `capacity` bounds the
    /// bytes waiting for the driver to read them. When the queue is full, new
    /// bytes are dropped and counted in `dropped_bytes`.
    pub(crate) fn open(link: &Path, capacity: usize) -> io::Result<Port> {
        let mut port = Port {
            link: link.to_path_buf(),
            pty: None,
            last_slave: None,
            queue: VecDeque::new(),
            queued_bytes: 0,
            capacity,
            dropped_bytes: 0,
        };
        port.restore()?;
        Ok(port)
    }

    /// Returns whether the port currently exists (it has not vanished).
    pub(crate) fn is_present(&self) -> bool {
        self.pty.is_some()
    }

    /// Returns the master fd to poll, when the port exists.
    pub(crate) fn raw_fd(&self) -> Option<RawFd> {
        self.pty.as_ref().map(|pty| pty.master().as_raw_fd())
    }

    /// Queues `bytes` to be written once `not_before` has passed and all
    /// earlier chunks are out. Returns false when the bytes were dropped
    /// because the port is absent or the queue is full.
    pub(crate) fn send(&mut self, bytes: &[u8], not_before: Instant) -> bool {
        if bytes.is_empty() {
            return true;
        }
        if self.pty.is_none() || self.queued_bytes + bytes.len() > self.capacity {
            self.dropped_bytes += bytes.len() as u64;
            return false;
        }
        self.queued_bytes += bytes.len();
        self.queue.push_back(Chunk {
            bytes: bytes.to_vec(),
            written: 0,
            not_before,
        });
        true
    }

    /// Reads what the driver wrote. Returns 0 when nothing is waiting or the
    /// port is absent.
    pub(crate) fn read(&mut self, buffer: &mut [u8]) -> usize {
        let Some(pty) = &self.pty else {
            return 0;
        };
        let mut master = pty.master();
        match master.read(buffer) {
            Ok(count) => count,
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => 0,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => 0,
            Err(error) => {
                tracing::warn!(link = %self.link.display(), %error, "simulator failed to read its pty master");
                0
            }
        }
    }

    /// Returns whether a queued chunk is due and the master should be polled for writing.
    pub(crate) fn has_due_output(&self, now: Instant) -> bool {
        self.queue
            .front()
            .is_some_and(|chunk| chunk.not_before <= now)
    }

    /// Returns when the first queued chunk becomes due, if it is not due yet.
    pub(crate) fn next_due(&self, now: Instant) -> Option<Instant> {
        self.queue
            .front()
            .map(|chunk| chunk.not_before)
            .filter(|due| *due > now)
    }

    /// Writes due chunks until the pty stops accepting bytes.
    pub(crate) fn flush(&mut self, now: Instant) {
        let Some(pty) = &self.pty else {
            return;
        };
        let mut master = pty.master();
        while let Some(chunk) = self.queue.front_mut() {
            if chunk.not_before > now {
                return;
            }
            let pending = chunk.bytes.get(chunk.written..).unwrap_or_default();
            match master.write(pending) {
                Ok(count) => {
                    chunk.written += count;
                    self.queued_bytes = self.queued_bytes.saturating_sub(count);
                    if chunk.written >= chunk.bytes.len() {
                        self.queue.pop_front();
                    }
                }
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => return,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => {
                    tracing::warn!(link = %self.link.display(), %error, "simulator failed to write its pty master; output dropped");
                    self.clear_output();
                    return;
                }
            }
        }
    }

    /// Discards queued output, for a device reset.
    pub(crate) fn clear_output(&mut self) {
        self.queue.clear();
        self.queued_bytes = 0;
    }

    /// Makes the port disappear as if its USB device were unplugged: removes
    /// the link and closes both pty ends, so the driver's reads end with EIO.
    pub(crate) fn vanish(&mut self) {
        remove_link(&self.link);
        self.clear_output();
        if let Some(pty) = self.pty.take() {
            self.last_slave = Some(pty.slave_path().to_path_buf());
        }
    }

    /// Opens a fresh pty and points the link at it.
    pub(crate) fn restore(&mut self) -> io::Result<()> {
        let mut pty = Pty::open()?;
        if self.last_slave.as_deref() == Some(pty.slave_path()) {
            // The kernel reused the number because the driver had closed the
            // old slave. Hold that pty while opening another so the number differs.
            let second = Pty::open()?;
            pty = second;
        }
        replace_link(&self.link, pty.slave_path())?;
        self.pty = Some(pty);
        Ok(())
    }
}

impl Drop for Port {
    fn drop(&mut self) {
        remove_link(&self.link);
    }
}

/// Points `link` at `target` atomically: a reader sees the old or the new
/// target, never a missing link, when a stale link is replaced.
fn replace_link(link: &Path, target: &Path) -> io::Result<()> {
    let file_name = link
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let staging = link.with_file_name(format!(".{file_name}.new"));
    remove_link(&staging);
    std::os::unix::fs::symlink(target, &staging)?;
    std::fs::rename(&staging, link)
}

fn remove_link(link: &Path) {
    if let Err(error) = std::fs::remove_file(link) {
        if error.kind() != io::ErrorKind::NotFound {
            tracing::warn!(link = %link.display(), %error, "failed to remove simulator port link");
        }
    }
}
