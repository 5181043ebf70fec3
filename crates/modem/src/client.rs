//! The AT command client: sends one command at a time with its own timeout,
//! collects the response lines up to the final result code, and routes
//! everything the modem sends unprompted (unsolicited result codes, and DLE
//! events in voice mode) to a bounded event queue.
//!
//! The bytes flow one way through a reader task: serial port -> line framer
//! (command mode) or DLE decoder (voice mode) -> the pending command's slot,
//! the event queue or the audio queue.
//!
//! A line is routed by these rules, in order:
//! 1. a final result code (OK, ERROR, +CME/+CMS ERROR, CONNECT) ends the
//!    pending command; NO CARRIER, BUSY and NO ANSWER end only ATA and ATD
//!    and are otherwise events, because a call can drop during any command;
//! 2. the echo of the pending command is skipped;
//! 3. a line starting with the pending command's `+NAME` is its response;
//! 4. a recognised unsolicited result code is an event;
//! 5. anything else is a response line of the pending command, or an
//!    unrecognised event when no command is pending.

use std::io;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::sync::mpsc;

use crate::at::{parse_final_verbose, Final, Item, LineFramer};
use crate::dle::{DleDecoder, DleEvent};
use crate::port::SerialPort;
use crate::urc::{parse_urc, Urc};

/// Events buffered for the driver. The driver drains them continuously; if it
/// stalls that long, new events are dropped, counted and logged.
const EVENT_QUEUE: usize = 64;

/// Reads of received voice audio buffered for the driver. A USB modem returns
/// 64 to 512 bytes per read, so this is 1 to 8 s of 16-bit audio at 8 kHz.
/// When full, reads are dropped and counted.
const AUDIO_QUEUE: usize = 512;

/// Longest wait for the port to take bytes: a wedged USB device fills the
/// tty's output queue, and a write must then fail rather than block forever.
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// Something the modem reported without being asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModemEvent {
    Urc(Urc),
    /// A DLE-shielded event in voice mode (DTMF digit, busy tone, ...).
    Dle(DleEvent),
    /// The port reached end of stream or failed: the device is gone.
    Closed,
}

/// Kind of data that follows CONNECT for a voice command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoiceMode {
    /// AT+VRX or AT+VTR: the modem sends shielded audio and events until DLE ETX.
    Receive,
    /// AT+VTX: the modem sends only shielded events, then OK once the host ends.
    Transmit,
}

/// Error of one AT command.
#[derive(Debug, thiserror::Error)]
pub enum AtError {
    #[error("{port}: {command} timed out after {timeout:?} without a final result")]
    Timeout { port: String, command: String, timeout: Duration },
    #[error("{port}: {command} failed with ERROR")]
    Error { port: String, command: String },
    #[error("{port}: {command} failed with +CME ERROR: {code} ({meaning})")]
    Cme { port: String, command: String, code: u16, meaning: &'static str },
    #[error("{port}: {command} failed with +CMS ERROR: {code} ({meaning})")]
    Cms { port: String, command: String, code: u16, meaning: &'static str },
    #[error("{port}: {command} ended with {result:?}")]
    Unexpected { port: String, command: String, result: Final },
    #[error("{port}: the port closed; the device may have been unplugged")]
    Closed { port: String },
    #[error("{port}: write failed: {source}")]
    Write { port: String, source: io::Error },
}

impl AtError {
    /// Whether the device stopped answering or vanished, rather than refusing the command.
    pub fn is_device_lost(&self) -> bool {
        matches!(self, AtError::Timeout { .. } | AtError::Closed { .. } | AtError::Write { .. })
    }
}

/// A reply from the reader to the waiting command.
#[derive(Debug)]
enum Reply {
    Prompt,
    Final(Final, Vec<String>),
}

struct Pending {
    /// Tells this command's slot from a later one's, for [`PendingGuard`].
    id: u64,
    command: String,
    /// `+CLCC` for `AT+CLCC` or `AT+CLCC?`: lines starting with it are responses.
    prefix: Option<String>,
    /// ATA and ATD end with NO CARRIER or BUSY when the call fails.
    ends_on_call_failure: bool,
    voice: Option<VoiceMode>,
    lines: Vec<String>,
    reply: mpsc::Sender<Reply>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReaderMode {
    Command,
    Voice(VoiceMode),
}

struct State {
    pending: Option<Pending>,
    next_id: u64,
    mode: ReaderMode,
    closed: bool,
    dropped_events: u64,
    dropped_audio: u64,
}

/// A client on one AT port. Commands are serialised; events and voice audio
/// arrive on the receivers returned by [`AtClient::start`].
pub struct AtClient {
    port: String,
    state: Arc<Mutex<State>>,
    writer: tokio::sync::Mutex<WriteHalf<SerialPort>>,
    /// Held for the whole of a command so two callers never interleave.
    command_lock: tokio::sync::Mutex<()>,
    reader: tokio::task::JoinHandle<()>,
}

/// The receiving ends of a client.
pub struct Receivers {
    pub events: mpsc::Receiver<ModemEvent>,
    /// Unshielded voice audio bytes, in the format chosen with AT+VSM.
    pub audio: mpsc::Receiver<Vec<u8>>,
}

impl AtClient {
    /// Starts the reader task on `port`. `name` names the port in errors and logs.
    pub fn start(port: SerialPort, name: &str) -> (AtClient, Receivers) {
        let (read_half, write_half) = tokio::io::split(port);
        let (event_tx, events) = mpsc::channel(EVENT_QUEUE);
        let (audio_tx, audio) = mpsc::channel(AUDIO_QUEUE);
        let state = Arc::new(Mutex::new(State {
            pending: None,
            next_id: 0,
            mode: ReaderMode::Command,
            closed: false,
            dropped_events: 0,
            dropped_audio: 0,
        }));
        let reader = Reader {
            port: name.to_string(),
            state: state.clone(),
            framer: LineFramer::new(),
            decoder: DleDecoder::new(),
            events: event_tx,
            audio: audio_tx,
            skip_newline: false,
        };
        let reader = tokio::spawn(reader.run(read_half));
        let client = AtClient {
            port: name.to_string(),
            state,
            writer: tokio::sync::Mutex::new(write_half),
            command_lock: tokio::sync::Mutex::new(()),
            reader,
        };
        (client, Receivers { events, audio })
    }

    pub fn port(&self) -> &str {
        &self.port
    }

    /// Sends `command` (without the trailing CR) and returns its information
    /// lines once it ends with OK.
    pub async fn command(&self, command: &str, timeout: Duration) -> Result<Vec<String>, AtError> {
        let _turn = self.command_lock.lock().await;
        let (mut replies, _guard) = self.begin(command, None)?;
        self.write(format!("{command}\r").as_bytes()).await?;
        self.finish(command, &mut replies, timeout).await
    }

    /// Sends a command that answers with the `> ` prompt (AT+CMGS), then
    /// `body` followed by Ctrl-Z, and returns the information lines.
    pub async fn command_with_body(&self, command: &str, body: &[u8], timeout: Duration) -> Result<Vec<String>, AtError> {
        let _turn = self.command_lock.lock().await;
        let (mut replies, _guard) = self.begin(command, None)?;
        self.write(format!("{command}\r").as_bytes()).await?;
        match tokio::time::timeout(timeout, replies.recv()).await {
            Ok(Some(Reply::Prompt)) => {}
            Ok(Some(Reply::Final(result, lines))) => return self.check(command, result, lines),
            Ok(None) => return Err(AtError::Closed { port: self.port.clone() }),
            Err(_) => {
                // ESC cancels the half-entered message so the modem returns to commands.
                let _ = self.write(&[0x1B]).await;
                self.abandon();
                return Err(self.timeout(command, timeout));
            }
        }
        let mut message = body.to_vec();
        message.push(0x1A);
        self.write(&message).await?;
        self.finish(command, &mut replies, timeout).await
    }

    /// Sends a voice command that answers CONNECT (AT+VRX, AT+VTX, AT+VTR)
    /// and switches the reader to voice mode.
    pub async fn start_voice(&self, command: &str, mode: VoiceMode, timeout: Duration) -> Result<(), AtError> {
        let _turn = self.command_lock.lock().await;
        let (mut replies, _guard) = self.begin(command, Some(mode))?;
        self.write(format!("{command}\r").as_bytes()).await?;
        match tokio::time::timeout(timeout, replies.recv()).await {
            Ok(Some(Reply::Final(Final::Connect, _))) => Ok(()),
            Ok(Some(Reply::Final(result, lines))) => self.check(command, result, lines).and_then(|_| {
                Err(AtError::Unexpected { port: self.port.clone(), command: shown(command), result: Final::Ok })
            }),
            Ok(Some(Reply::Prompt)) | Ok(None) => Err(AtError::Closed { port: self.port.clone() }),
            Err(_) => {
                self.abandon();
                Err(self.timeout(command, timeout))
            }
        }
    }

    /// Ends voice mode by writing `terminator` (DLE ETX after AT+VTX, DLE !
    /// after AT+VRX or AT+VTR) and waits for the modem's OK.
    pub async fn end_voice(&self, terminator: &[u8], timeout: Duration) -> Result<(), AtError> {
        let _turn = self.command_lock.lock().await;
        let (mut replies, _guard) = self.begin("end of voice data", None)?;
        self.write(terminator).await?;
        let result = self.finish("end of voice data", &mut replies, timeout).await;
        // Whatever the modem returned, the host is back in command mode.
        self.lock().mode = ReaderMode::Command;
        result.map(|_| ())
    }

    /// Writes bytes as they are: shielded voice audio between commands.
    pub async fn write(&self, bytes: &[u8]) -> Result<(), AtError> {
        let mut writer = self.writer.lock().await;
        let result = tokio::time::timeout(WRITE_TIMEOUT, async {
            writer.write_all(bytes).await?;
            writer.flush().await
        })
        .await
        .unwrap_or_else(|_| Err(io::Error::new(io::ErrorKind::TimedOut, format!("the port took no bytes for {WRITE_TIMEOUT:?}"))));
        result.map_err(|source| AtError::Write { port: self.port.clone(), source })
    }

    /// Whether the reader has seen the port close.
    pub fn is_closed(&self) -> bool {
        self.lock().closed
    }

    /// Opens the slot for a command's replies. The guard clears the slot if
    /// the caller stops waiting early, for instance when its future is dropped.
    fn begin(&self, command: &str, voice: Option<VoiceMode>) -> Result<(mpsc::Receiver<Reply>, PendingGuard<'_>), AtError> {
        let mut state = self.lock();
        if state.closed {
            return Err(AtError::Closed { port: self.port.clone() });
        }
        // Two replies at most: the prompt and the final result.
        let (reply, replies) = mpsc::channel(2);
        let upper = command.to_ascii_uppercase();
        let id = state.next_id;
        state.next_id += 1;
        state.pending = Some(Pending {
            id,
            command: command.to_string(),
            prefix: response_prefix(&upper),
            ends_on_call_failure: upper.starts_with("ATA") || upper.starts_with("ATD"),
            voice,
            lines: Vec::new(),
            reply,
        });
        Ok((replies, PendingGuard { state: &self.state, id }))
    }

    async fn finish(&self, command: &str, replies: &mut mpsc::Receiver<Reply>, timeout: Duration) -> Result<Vec<String>, AtError> {
        loop {
            match tokio::time::timeout(timeout, replies.recv()).await {
                Ok(Some(Reply::Final(result, lines))) => return self.check(command, result, lines),
                Ok(Some(Reply::Prompt)) => continue,
                Ok(None) => return Err(AtError::Closed { port: self.port.clone() }),
                Err(_) => {
                    self.abandon();
                    return Err(self.timeout(command, timeout));
                }
            }
        }
    }

    fn check(&self, command: &str, result: Final, lines: Vec<String>) -> Result<Vec<String>, AtError> {
        let port = self.port.clone();
        let command = shown(command);
        match result {
            Final::Ok => Ok(lines),
            Final::Error => Err(AtError::Error { port, command }),
            Final::CmeError(code) => Err(AtError::Cme { port, command, code, meaning: crate::sms::cme_error_meaning(code) }),
            Final::CmsError(code) => Err(AtError::Cms { port, command, code, meaning: crate::sms::cms_error_meaning(code) }),
            other => Err(AtError::Unexpected { port, command, result: other }),
        }
    }

    fn abandon(&self) {
        self.lock().pending = None;
    }

    fn timeout(&self, command: &str, timeout: Duration) -> AtError {
        AtError::Timeout { port: self.port.clone(), command: shown(command), timeout }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }
}

impl Drop for AtClient {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

/// Clears a command's slot when its caller stops waiting before the final
/// result, so a late reply cannot complete the next command.
struct PendingGuard<'a> {
    state: &'a Mutex<State>,
    id: u64,
}

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        let mut state = lock(self.state);
        if state.pending.as_ref().is_some_and(|pending| pending.id == self.id) {
            state.pending = None;
        }
    }
}

/// The command as errors show it: a dial command's number is masked to its
/// last two digits, because errors end up in logs.
fn shown(command: &str) -> String {
    if command.to_ascii_uppercase().starts_with("ATD") {
        crate::mask_digits(command)
    } else {
        command.to_string()
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // A panic elsewhere cannot leave State inconsistent: every update is a single assignment.
    state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `+CLCC` for `AT+CLCC`, `AT+CLCC?` or `AT+CLCC=1`; `None` for basic commands like `ATA`.
fn response_prefix(upper: &str) -> Option<String> {
    let rest = upper.strip_prefix("AT")?;
    if !rest.starts_with('+') && !rest.starts_with('$') && !rest.starts_with('^') {
        return None;
    }
    let end = rest.find(['=', '?']).unwrap_or(rest.len());
    Some(rest[..end].to_string())
}

struct Reader {
    port: String,
    state: Arc<Mutex<State>>,
    framer: LineFramer,
    decoder: DleDecoder,
    events: mpsc::Sender<ModemEvent>,
    audio: mpsc::Sender<Vec<u8>>,
    /// The LF of the CR LF that ended CONNECT may arrive after the switch to voice mode.
    skip_newline: bool,
}

impl Reader {
    async fn run(mut self, mut port: ReadHalf<SerialPort>) {
        let mut buffer = vec![0u8; 4096];
        loop {
            let n = match port.read(&mut buffer).await {
                Ok(0) => break,
                Ok(n) => n,
                Err(error) => {
                    tracing::warn!(port = %self.port, %error, "serial read failed");
                    break;
                }
            };
            self.feed(&buffer[..n]);
        }
        tracing::info!(port = %self.port, "serial port closed");
        {
            let mut state = lock(&self.state);
            state.closed = true;
            // Dropping the pending reply sender wakes its command with Closed.
            state.pending = None;
        }
        let _ = self.events.try_send(ModemEvent::Closed);
    }

    fn feed(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let mode = lock(&self.state).mode;
            let consumed = match mode {
                ReaderMode::Command => self.feed_command(bytes),
                ReaderMode::Voice(voice) => self.feed_voice(bytes, voice),
            };
            bytes = bytes.get(consumed.max(1)..).unwrap_or_default();
        }
    }

    /// Frames command-mode bytes one at a time, so that a CONNECT switching to
    /// voice mode leaves the audio after it to the voice decoder.
    fn feed_command(&mut self, bytes: &[u8]) -> usize {
        let mut items = Vec::new();
        for (index, byte) in bytes.iter().enumerate() {
            self.framer.feed(std::slice::from_ref(byte), &mut items);
            for item in items.drain(..) {
                self.route(item);
            }
            if lock(&self.state).mode != ReaderMode::Command {
                self.skip_newline = true;
                return index + 1;
            }
        }
        bytes.len()
    }

    fn feed_voice(&mut self, mut bytes: &[u8], voice: VoiceMode) -> usize {
        let total = bytes.len();
        if self.skip_newline {
            self.skip_newline = false;
            if let Some(rest) = bytes.strip_prefix(b"\n") {
                bytes = rest;
            }
        }
        let mut data = Vec::new();
        let mut dle_events = Vec::new();
        let consumed = self.decoder.feed(bytes, &mut data, &mut dle_events);
        let ended = dle_events.contains(&DleEvent::EndOfData);
        for event in dle_events {
            if event != DleEvent::EndOfData {
                self.emit(ModemEvent::Dle(event));
            }
        }
        match voice {
            VoiceMode::Receive if !data.is_empty() => self.send_audio(data),
            // During AT+VTX the modem sends no audio: plain bytes are the OK that ends it.
            VoiceMode::Transmit if !data.is_empty() => {
                let mut items = Vec::new();
                self.framer.feed(&data, &mut items);
                for item in items {
                    self.route(item);
                }
            }
            _ => {}
        }
        if ended {
            lock(&self.state).mode = ReaderMode::Command;
        }
        (total - bytes.len()) + consumed
    }

    fn route(&mut self, item: Item) {
        let line = match item {
            Item::Prompt => {
                if let Some(pending) = &lock(&self.state).pending {
                    let _ = pending.reply.try_send(Reply::Prompt);
                }
                return;
            }
            Item::Line(line) => line,
        };
        let event = self.route_line(line);
        if let Some(event) = event {
            self.emit(event);
        }
    }

    /// Applies the routing rules of the module doc; returns an event to emit.
    fn route_line(&mut self, line: String) -> Option<ModemEvent> {
        let mut state = lock(&self.state);
        let Some(pending) = state.pending.as_mut() else {
            return Some(ModemEvent::Urc(parse_urc(&line)));
        };
        if let Some(result) = parse_final_verbose(&line) {
            let call_failure = matches!(result, Final::NoCarrier | Final::Busy | Final::NoAnswer);
            if call_failure && !pending.ends_on_call_failure {
                return Some(ModemEvent::Urc(parse_urc(&line)));
            }
            if let (Final::Connect, Some(voice)) = (result.clone(), pending.voice) {
                state.mode = ReaderMode::Voice(voice);
            } else if matches!(state.mode, ReaderMode::Voice(_)) {
                state.mode = ReaderMode::Command;
            }
            if let Some(pending) = state.pending.take() {
                let _ = pending.reply.try_send(Reply::Final(result, pending.lines));
            }
            return None;
        }
        if line.trim().eq_ignore_ascii_case(pending.command.trim()) {
            return None;
        }
        let upper = line.trim_start().to_ascii_uppercase();
        if pending.prefix.as_ref().is_some_and(|prefix| upper.starts_with(prefix.as_str())) {
            pending.lines.push(line);
            return None;
        }
        match parse_urc(&line) {
            Urc::Other(_) => {
                pending.lines.push(line);
                None
            }
            urc => Some(ModemEvent::Urc(urc)),
        }
    }

    fn emit(&mut self, event: ModemEvent) {
        if self.events.try_send(event).is_err() {
            let mut state = lock(&self.state);
            state.dropped_events += 1;
            if state.dropped_events.is_power_of_two() {
                tracing::warn!(port = %self.port, dropped = state.dropped_events, "modem event queue full; events dropped");
            }
        }
    }

    fn send_audio(&mut self, data: Vec<u8>) {
        if self.audio.try_send(data).is_err() {
            let mut state = lock(&self.state);
            state.dropped_audio += 1;
            if state.dropped_audio.is_power_of_two() {
                tracing::warn!(port = %self.port, dropped = state.dropped_audio, "voice audio queue full; chunks dropped");
            }
        }
    }
}
