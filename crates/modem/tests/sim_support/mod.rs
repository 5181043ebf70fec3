//! A plain blocking client for the simulator tests: it opens the simulated
//! port the way the product does (by path, raw mode) and reads with timeouts.
#![allow(dead_code)]

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use standardiste_modem::sim::{CallerAudio, CallerIdSpec, IncomingCall};

/// One open simulated port.
pub struct Client {
    file: File,
    pending: Vec<u8>,
}

impl Client {
    /// Opens `path` (a symlink to a pty slave) in raw mode.
    pub fn open(path: &Path) -> Client {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NOCTTY | libc::O_NONBLOCK)
            .open(path)
            .unwrap_or_else(|error| panic!("open {}: {error}", path.display()));
        // SAFETY: termios is plain data filled by tcgetattr.
        let mut settings: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: the fd is an open tty and settings is a valid termios.
        unsafe {
            assert_eq!(libc::tcgetattr(file.as_raw_fd(), &mut settings), 0);
            libc::cfmakeraw(&mut settings);
            assert_eq!(
                libc::tcsetattr(file.as_raw_fd(), libc::TCSANOW, &settings),
                0
            );
        }
        Client {
            file,
            pending: Vec::new(),
        }
    }

    pub fn write(&mut self, bytes: &[u8]) {
        let mut rest = bytes;
        let deadline = Instant::now() + Duration::from_secs(5);
        while !rest.is_empty() {
            match self.file.write(rest) {
                Ok(count) => rest = &rest[count..],
                Err(error)
                    if error.kind() == std::io::ErrorKind::WouldBlock
                        && Instant::now() < deadline =>
                {
                    std::thread::sleep(Duration::from_millis(1));
                }
                Err(error) => panic!("write to simulator failed: {error}"),
            }
        }
    }

    /// Reads whatever arrives within `timeout`; returns Err on EOF or EIO.
    pub fn read_some(&mut self, timeout: Duration) -> std::io::Result<Vec<u8>> {
        let mut poll = libc::pollfd {
            fd: self.file.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        let millis = timeout.as_millis() as libc::c_int;
        // SAFETY: one valid pollfd.
        unsafe { libc::poll(&mut poll, 1, millis) };
        let mut buffer = [0u8; 8192];
        match self.file.read(&mut buffer) {
            Ok(0) => Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "end of file",
            )),
            Ok(count) => Ok(buffer[..count].to_vec()),
            Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => Ok(Vec::new()),
            Err(error) => Err(error),
        }
    }

    /// Reads until `pattern` arrives and returns everything up to and
    /// including it; the rest stays buffered. Panics with what arrived on timeout.
    pub fn read_until(&mut self, pattern: &[u8], timeout: Duration) -> Vec<u8> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(position) = find(&self.pending, pattern) {
                let end = position + pattern.len();
                let rest = self.pending.split_off(end);
                return std::mem::replace(&mut self.pending, rest);
            }
            let now = Instant::now();
            assert!(
                now < deadline,
                "timed out waiting for {:?}; received {:?}",
                String::from_utf8_lossy(pattern),
                String::from_utf8_lossy(&self.pending)
            );
            let chunk = self.read_some(deadline - now).expect("read from simulator");
            self.pending.extend_from_slice(&chunk);
        }
    }

    /// Reads for `duration` and returns everything received, buffered bytes first.
    pub fn read_for(&mut self, duration: Duration) -> Vec<u8> {
        let deadline = Instant::now() + duration;
        let mut received = std::mem::take(&mut self.pending);
        while Instant::now() < deadline {
            match self.read_some(deadline - Instant::now()) {
                Ok(chunk) => received.extend_from_slice(&chunk),
                Err(_) => break,
            }
        }
        received
    }

    /// Sends `command` with CR and returns the text up to the final result code.
    pub fn command(&mut self, command: &str) -> String {
        self.write(format!("{command}\r").as_bytes());
        self.read_final()
    }

    /// Reads up to the next final result code (OK, ERROR, +CME/+CMS ERROR, CONNECT, NO CARRIER).
    pub fn read_final(&mut self) -> String {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let text = String::from_utf8_lossy(&self.pending).into_owned();
            let finals = [
                "\r\nOK\r\n",
                "\r\nERROR\r\n",
                "\r\nCONNECT\r\n",
                "\r\nNO CARRIER\r\n",
            ];
            let end = finals
                .iter()
                .filter_map(|final_code| {
                    text.find(final_code)
                        .map(|position| position + final_code.len())
                })
                .chain(error_line_end(&text))
                .min();
            if let Some(end) = end {
                let rest = self.pending.split_off(end.min(self.pending.len()));
                let taken = std::mem::replace(&mut self.pending, rest);
                return String::from_utf8_lossy(&taken).into_owned();
            }
            let now = Instant::now();
            assert!(now < deadline, "no final result; received {text:?}");
            let chunk = self.read_some(deadline - now).expect("read from simulator");
            self.pending.extend_from_slice(&chunk);
        }
    }
}

fn error_line_end(text: &str) -> Option<usize> {
    ["+CME ERROR:", "+CMS ERROR:"]
        .iter()
        .filter_map(|prefix| {
            let start = text.find(prefix)?;
            let line_end = text[start..].find("\r\n")?;
            Some(start + line_end + 2)
        })
        .min()
}

pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

pub fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|window| *window == needle)
        .count()
}

/// A caller who says a constant sample value for `frames` frames, then hangs
/// up, and keeps what it heard.
pub struct ScriptedCaller {
    pub value: i16,
    pub frames: usize,
    pub heard: Arc<Mutex<Vec<i16>>>,
}

impl CallerAudio for ScriptedCaller {
    fn exchange(&mut self, heard: &[i16; 160]) -> Option<[i16; 160]> {
        if self.frames == 0 {
            return None;
        }
        self.frames -= 1;
        if let Ok(mut kept) = self.heard.lock() {
            kept.extend_from_slice(heard);
        }
        Some([self.value; 160])
    }
}

/// Builds an incoming call from a scripted caller; returns the heard samples too.
pub fn scripted_call(
    caller: CallerIdSpec,
    value: i16,
    frames: usize,
    dtmf: Vec<(Duration, char)>,
) -> (IncomingCall, Arc<Mutex<Vec<i16>>>) {
    let heard = Arc::new(Mutex::new(Vec::new()));
    let audio = ScriptedCaller {
        value,
        frames,
        heard: heard.clone(),
    };
    let call = IncomingCall {
        caller,
        audio: Box::new(audio),
        dtmf,
        max_rings: 5,
    };
    (call, heard)
}

pub fn number(number: &str) -> CallerIdSpec {
    CallerIdSpec::Number {
        number: number.to_string(),
        name: None,
    }
}
