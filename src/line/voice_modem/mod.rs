//! An analog voice modem on the office landline (FXO): USRobotics USR5637 or
//! a Conexant CX93010-based modem such as the Zoom 3095, in V.253 voice mode.
//!
//! While idle the modem sits in voice mode (AT+FCLASS=8) with formatted
//! caller ID on (AT+VCID=1); RING arrives every few seconds, and caller ID
//! (DATE=, TIME=, NMBR=, NAME=) between the first and second ring. Answering
//! picks the sample format with AT+VSM, goes off hook with AT+VLS=1 and
//! starts full-duplex audio with AT+VTR, or half-duplex AT+VRX/AT+VTX when
//! the modem refuses AT+VTR. Voice mode has no NO CARRIER: the end of the
//! call comes as DLE events (busy tone, dial tone, loop current break), or
//! from the call loop's silence timeout when the exchange sends none.

mod pump;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use standardiste_modem::client::{AtClient, AtError, ModemEvent, VoiceMode};
use standardiste_modem::codec::{choose_vsm, parse_vsm_options, SampleFormat};
use standardiste_modem::dle::DleEvent;
use standardiste_modem::ident::{identify, Model};
use standardiste_modem::port::SerialPort;
use standardiste_modem::urc::{CidField, CallerIdInfo, Presentation, Urc};
use tokio::sync::mpsc;

pub use pump::{Duplex, VoiceStats};
use pump::VoicePump;

use crate::audio::Frame;
use crate::line::at_device::{identity_lines, wake};
use crate::line::backoff::Backoff;
use crate::line::{AnswerPolicy, CallerId, Line, LineDevice, LineError, LineEvent, Ring, RingDecision};

const COMMAND_TIMEOUT: Duration = Duration::from_secs(3);

/// Rings on a landline come 4 to 6 s apart; a longer gap means the caller gave up.
const RING_GAP: Duration = Duration::from_secs(9);

/// While idle, the modem is checked with `AT` this often.
const HEALTH_CHECK: Duration = Duration::from_secs(30);

/// No audio for this long in full duplex means the modem stopped: the call is treated as over.
const AUDIO_STALL: Duration = Duration::from_secs(3);

/// Where a voice modem is connected.
#[derive(Debug, Clone)]
pub struct VoiceModemSettings {
    /// Line name for logs and call records, e.g. `modem0`.
    pub label: String,
    pub port: PathBuf,
    /// 57600 suits most voice modems; some sound better at 115200.
    pub baud: u32,
    /// Country code for AT+GCI (for instance `B4` for the UK), when the
    /// modem's default country does not match the line.
    pub country: Option<String>,
}

struct Modem {
    client: Arc<AtClient>,
    events: mpsc::Receiver<ModemEvent>,
    /// Received voice audio; the call's pump holds the lock while it runs.
    audio: Arc<tokio::sync::Mutex<mpsc::Receiver<Vec<u8>>>>,
    model: Model,
    vsm: String,
    format: SampleFormat,
}

struct ActiveCall {
    pump: VoicePump,
    queued: VecDeque<LineEvent>,
    last_audio: Instant,
    ended: bool,
}

enum Next {
    Frame(Option<Frame>),
    Event(ModemEvent),
    Stall,
}

/// A voice modem carrying one call at a time.
pub struct VoiceModemLine {
    settings: VoiceModemSettings,
    modem: Option<Modem>,
    call: Option<ActiveCall>,
    caller: CallerId,
    duplex: Duplex,
    backoff: Backoff,
    last_stats: Option<VoiceStats>,
}

impl VoiceModemLine {
    /// Opens and initialises the modem; fails when it has no voice mode.
    pub async fn open(settings: VoiceModemSettings) -> Result<VoiceModemLine, LineError> {
        let mut line = VoiceModemLine {
            settings,
            modem: None,
            call: None,
            caller: CallerId::Unknown,
            duplex: Duplex::Full,
            backoff: Backoff::new(),
            last_stats: None,
        };
        line.modem = Some(line.connect().await?);
        Ok(line)
    }

    pub fn model(&self) -> Option<&Model> {
        self.modem.as_ref().map(|modem| &modem.model)
    }

    /// Full duplex when the modem took AT+VTR on the last call.
    pub fn duplex(&self) -> Duplex {
        self.duplex
    }

    pub fn audio_stats(&self) -> Option<VoiceStats> {
        self.call.as_ref().map(|call| call.pump.stats()).or(self.last_stats)
    }

    fn client(&self) -> Result<Arc<AtClient>, LineError> {
        match &self.modem {
            Some(modem) => Ok(modem.client.clone()),
            None => Err(self.device_error("the modem is not connected".to_string())),
        }
    }

    fn device_error(&self, message: String) -> LineError {
        LineError::Device { line: self.settings.label.clone(), message }
    }

    async fn connect(&mut self) -> Result<Modem, LineError> {
        let path = self.settings.port.display().to_string();
        let label = self.settings.label.clone();
        let port = SerialPort::open(&self.settings.port, self.settings.baud)
            .map_err(|source| LineError::Open { line: label.clone(), path: path.clone(), source })?;
        let (client, receivers) = AtClient::start(port, &label);
        let device = |error: AtError| LineError::Device { line: label.clone(), message: error.to_string() };
        wake(&client).await.map_err(device)?;
        client.command("ATZ", Duration::from_secs(5)).await.map_err(device)?;
        let _ = client.command("ATE0", COMMAND_TIMEOUT).await;
        client.command("ATV1", COMMAND_TIMEOUT).await.map_err(device)?;
        let ati = identity_lines(&client, "ATI", &label, COMMAND_TIMEOUT).await?;
        let ati3 = identity_lines(&client, "ATI3", &label, COMMAND_TIMEOUT).await?;
        let model = identify(&[ati, ati3].concat(), &[], &[]);
        if let Model::Sim7600 | Model::Ec25 | Model::OtherGsm(_) = model {
            return Err(LineError::NotVoiceCapable {
                line: label,
                path,
                reason: format!("it answers as the GSM module {model:?}; use kind = \"gsm\" for it"),
            });
        }
        if let Some(country) = &self.settings.country {
            client.command(&format!("AT+GCI={country}"), COMMAND_TIMEOUT).await.map_err(device)?;
        }
        if let Err(error) = client.command("AT+FCLASS=8", COMMAND_TIMEOUT).await {
            if error.is_device_lost() {
                return Err(device(error));
            }
            return Err(LineError::NotVoiceCapable {
                line: label,
                path,
                reason: format!("AT+FCLASS=8 was refused ({error}): this is a data or fax modem without voice mode"),
            });
        }
        let options = client.command("AT+VSM=?", COMMAND_TIMEOUT).await.map_err(|error| {
            if error.is_device_lost() {
                return device(error);
            }
            LineError::NotVoiceCapable { line: label.clone(), path: path.clone(), reason: format!("AT+VSM=? was rejected ({error})") }
        })?;
        let Some((vsm, format)) = choose_vsm(&parse_vsm_options(&options)) else {
            return Err(LineError::NotVoiceCapable {
                line: label,
                path,
                reason: format!("AT+VSM=? lists no 8 kHz linear or G.711 format: {options:?}"),
            });
        };
        enable_caller_id(&client, &model, &label).await;
        tracing::info!(line = %label, port = %path, model = ?model, vsm = %vsm, "voice modem ready");
        Ok(Modem {
            client: Arc::new(client),
            events: receivers.events,
            audio: Arc::new(tokio::sync::Mutex::new(receivers.audio)),
            model,
            vsm,
            format,
        })
    }

    async fn reconnect(&mut self) -> Result<(), LineError> {
        self.modem = None;
        loop {
            let delay = self.backoff.next_delay();
            tracing::warn!(line = %self.settings.label, attempt = self.backoff.attempts(), delay_ms = delay.as_millis() as u64, "voice modem lost; reopening");
            tokio::time::sleep(delay).await;
            match self.connect().await {
                Ok(modem) => {
                    self.modem = Some(modem);
                    self.backoff.reset();
                    return Ok(());
                }
                Err(error @ LineError::NotVoiceCapable { .. }) => return Err(error),
                Err(error) => tracing::warn!(line = %self.settings.label, %error, "reopening failed"),
            }
        }
    }

    async fn next_ring(&mut self, rings: &mut u32, last_ring: &mut Option<Instant>) -> Result<Option<Ring>, AtError> {
        let label = self.settings.label.clone();
        let Some(modem) = self.modem.as_mut() else {
            return Err(AtError::Closed { port: label });
        };
        let event = match tokio::time::timeout(HEALTH_CHECK, modem.events.recv()).await {
            Ok(Some(event)) => event,
            Ok(None) => return Err(AtError::Closed { port: label }),
            Err(_) => {
                modem.client.command("AT", Duration::from_secs(2)).await?;
                if rings_expired(last_ring) {
                    *rings = 0;
                }
                return Ok(None);
            }
        };
        if rings_expired(last_ring) {
            if *rings > 0 {
                tracing::info!(line = %label, rings = *rings, caller = %self.caller, "missed call: the rings stopped");
            }
            *rings = 0;
            *last_ring = None;
            self.caller = CallerId::Unknown;
        }
        match event {
            ModemEvent::Urc(Urc::Ring) | ModemEvent::Urc(Urc::CRing(_)) | ModemEvent::Dle(DleEvent::Ring) => {
                *rings += 1;
                *last_ring = Some(Instant::now());
                Ok(Some(Ring { count: *rings, caller: self.caller.clone() }))
            }
            ModemEvent::Urc(Urc::Cid(field)) => {
                // A caller ID block starts with DATE or TIME: a new caller, whatever came before.
                if matches!(field, CidField::Date(_) | CidField::Time(_)) {
                    self.caller = CallerId::Unknown;
                }
                apply_cid_field(&mut self.caller, field);
                Ok(None)
            }
            ModemEvent::Closed => Err(AtError::Closed { port: label }),
            other => {
                tracing::debug!(line = %label, event = ?other, "event while idle");
                Ok(None)
            }
        }
    }

    async fn answer(&mut self) -> Result<(), LineError> {
        let client = self.client()?;
        let label = self.settings.label.clone();
        let device = |error: AtError| LineError::Device { line: label.clone(), message: error.to_string() };
        let (vsm, format) = match &self.modem {
            Some(modem) => (modem.vsm.clone(), modem.format),
            None => return Err(self.device_error("the modem is not connected".to_string())),
        };
        client.command(&format!("AT+VSM={vsm}"), COMMAND_TIMEOUT).await.map_err(device)?;
        client.command("AT+VLS=1", Duration::from_secs(5)).await.map_err(device)?;
        self.duplex = match client.start_voice("AT+VTR", VoiceMode::Receive, COMMAND_TIMEOUT).await {
            Ok(()) => Duplex::Full,
            Err(AtError::Error { .. } | AtError::Cme { .. }) => {
                tracing::info!(line = %label, "the modem has no full duplex (AT+VTR); the caller cannot interrupt the box");
                client.start_voice("AT+VRX", VoiceMode::Receive, COMMAND_TIMEOUT).await.map_err(device)?;
                Duplex::Half
            }
            Err(error) => return Err(device(error)),
        };
        let audio = match &self.modem {
            Some(modem) => modem.audio.clone(),
            None => return Err(self.device_error("the modem is not connected".to_string())),
        };
        let pump = VoicePump::start(client, audio, format, self.duplex, &self.settings.label);
        self.call = Some(ActiveCall { pump, queued: VecDeque::new(), last_audio: Instant::now(), ended: false });
        Ok(())
    }

    /// Stops the audio, leaves voice data mode and hangs up.
    async fn finish_call(&mut self) {
        let Some(mut call) = self.call.take() else { return };
        call.pump.stop().await;
        let stats = call.pump.stats();
        self.last_stats = Some(stats);
        tracing::info!(
            line = %self.settings.label,
            frames = stats.frames_in,
            dropped_in = stats.dropped_in,
            underruns = stats.playout.underruns,
            switches = stats.switches,
            "call audio stopped"
        );
        if let Some(modem) = &self.modem {
            if let Err(error) = modem.client.command("ATH0", COMMAND_TIMEOUT).await {
                tracing::warn!(line = %self.settings.label, %error, "hanging up failed; reopening the modem");
                self.modem = None;
            }
        }
        self.caller = CallerId::Unknown;
    }

    fn call_event(&mut self, event: ModemEvent) -> Option<LineEvent> {
        match event {
            ModemEvent::Dle(DleEvent::Dtmf(digit)) => Some(LineEvent::Dtmf(digit)),
            ModemEvent::Dle(DleEvent::Busy | DleEvent::DialTone | DleEvent::LoopBreak) => {
                tracing::info!(line = %self.settings.label, signal = ?event, "the caller hung up");
                Some(LineEvent::HungUp)
            }
            ModemEvent::Urc(Urc::NoCarrier) => Some(LineEvent::HungUp),
            ModemEvent::Closed => {
                tracing::warn!(line = %self.settings.label, "the modem vanished during a call");
                self.modem = None;
                Some(LineEvent::HungUp)
            }
            other => {
                tracing::debug!(line = %self.settings.label, event = ?other, "event during a call");
                None
            }
        }
    }
}

impl VoiceModemLine {
    /// Puts the modem back on hook after a failed answer. A late CONNECT may
    /// have started voice data, so DLE ! stops it first. A modem that does
    /// not take ATH0 is reopened: closing the port drops DTR, which hangs up.
    async fn go_on_hook(&mut self) {
        let Ok(client) = self.client() else { return };
        let _ = client.write(&standardiste_modem::dle::ABORT).await;
        if let Err(error) = client.command("ATH0", COMMAND_TIMEOUT).await {
            tracing::warn!(line = %self.settings.label, %error, "the modem did not hang up; reopening it");
            self.modem = None;
        }
    }
}


fn rings_expired(last_ring: &Option<Instant>) -> bool {
    last_ring.is_some_and(|at| at.elapsed() > RING_GAP)
}


/// Conexant modems want AT-SCID=1 as well as AT+VCID=1; a modem without
/// caller ID still answers calls, so refusals are only logged.
async fn enable_caller_id(client: &AtClient, model: &Model, label: &str) {
    if let Model::Cx93010 = model {
        if let Err(error) = client.command("AT-SCID=1", COMMAND_TIMEOUT).await {
            tracing::debug!(line = %label, %error, "AT-SCID=1 refused");
        }
    }
    if let Err(error) = client.command("AT+VCID=1", COMMAND_TIMEOUT).await {
        tracing::warn!(line = %label, %error, "caller ID cannot be switched on; calls will show no number");
    }
}

/// Folds one analog caller ID line into what is known of the caller.
fn apply_cid_field(caller: &mut CallerId, field: CidField) {
    match field {
        CidField::Number(info) => *caller = merge_number(caller, &info),
        CidField::Name(info) => {
            if let (CallerId::Number { name, .. }, Some(new_name)) = (&mut *caller, info.name.clone()) {
                if info.presentation == Presentation::Allowed && !new_name.is_empty() {
                    *name = Some(new_name);
                }
            }
        }
        _ => {}
    }
}

fn merge_number(current: &CallerId, info: &CallerIdInfo) -> CallerId {
    let name = match current {
        CallerId::Number { name, .. } => name.clone(),
        _ => None,
    };
    match (&info.presentation, &info.number) {
        (Presentation::Withheld, _) => CallerId::Withheld,
        (Presentation::Unavailable, _) => CallerId::Unavailable,
        (Presentation::Allowed, Some(number)) if !number.is_empty() => CallerId::Number { number: number.clone(), name },
        (Presentation::Allowed, _) => CallerId::Unavailable,
    }
}

impl Line for VoiceModemLine {
    fn label(&self) -> &str {
        &self.settings.label
    }

    fn caller_number(&self) -> Option<&str> {
        self.caller.number()
    }

    async fn next_event(&mut self) -> Option<LineEvent> {
        loop {
            let call = self.call.as_mut()?;
            if call.ended {
                return None;
            }
            if let Some(event) = call.queued.pop_front() {
                if event == LineEvent::HungUp {
                    call.ended = true;
                }
                return Some(event);
            }
            let next = {
                let VoiceModemLine { modem, call, .. } = &mut *self;
                let call = call.as_mut()?;
                let stall_at = tokio::time::Instant::from_std(call.last_audio + AUDIO_STALL);
                let modem_event = async {
                    match modem.as_mut() {
                        Some(modem) => modem.events.recv().await.unwrap_or(ModemEvent::Closed),
                        None => std::future::pending().await,
                    }
                };
                tokio::select! {
                    frame = call.pump.frames.recv() => Next::Frame(frame),
                    event = modem_event => Next::Event(event),
                    _ = tokio::time::sleep_until(stall_at) => Next::Stall,
                }
            };
            let event = match next {
                Next::Frame(Some(frame)) => {
                    if let Some(call) = self.call.as_mut() {
                        call.last_audio = Instant::now();
                    }
                    return Some(LineEvent::Audio(frame));
                }
                Next::Frame(None) => Some(LineEvent::HungUp),
                Next::Event(event) => self.call_event(event),
                Next::Stall => {
                    tracing::warn!(line = %self.settings.label, "no audio from the modem: treating the call as over");
                    Some(LineEvent::HungUp)
                }
            };
            if let (Some(event), Some(call)) = (event, self.call.as_mut()) {
                call.queued.push_back(event);
            }
        }
    }

    fn send_frame(&mut self, frame: &Frame) {
        if let Some(call) = &self.call {
            call.pump.send(frame);
        }
    }

    async fn hang_up(&mut self) {
        self.finish_call().await;
    }

    /// Plays the tones in the call's audio: AT+VTS would need the modem out
    /// of voice data mode, which would cut the caller off for a moment.
    async fn send_dtmf(&mut self, digits: &str) -> Result<(), LineError> {
        let frames = crate::audio::dtmf::dtmf_frames(digits)
            .map_err(|key| self.device_error(format!("{key:?} is not a DTMF key; use 0-9, *, # or A-D")))?;
        match &self.call {
            Some(call) => {
                call.pump.play_tones(frames);
                Ok(())
            }
            None => Err(self.device_error("no call is in progress".to_string())),
        }
    }

    /// An analog line transfers with a hook flash and the number, and
    /// whether the exchange honours it depends on the line's subscription.
    async fn transfer(&mut self, _number: &str) -> Result<(), LineError> {
        Err(LineError::Unsupported { line: self.settings.label.clone(), feature: "call transfer on an analog line" })
    }
}

impl LineDevice for VoiceModemLine {
    async fn wait_for_call(&mut self, policy: &dyn AnswerPolicy) -> Result<CallerId, LineError> {
        // A call the caller ended is still set up on the device until hung up here.
        self.hang_up().await;
        let mut rings = 0u32;
        let mut last_ring = None;
        let mut ignoring = false;
        loop {
            if self.modem.is_none() {
                self.reconnect().await?;
            }
            let ring = match self.next_ring(&mut rings, &mut last_ring).await {
                Ok(Some(ring)) => ring,
                Ok(None) => {
                    if rings == 0 {
                        ignoring = false;
                    }
                    continue;
                }
                Err(error) => {
                    tracing::warn!(line = %self.settings.label, %error, "voice modem not responding");
                    self.modem = None;
                    continue;
                }
            };
            // A first ring is a new call: an earlier call's Ignore does not carry over.
            if ring.count == 1 {
                ignoring = false;
            }
            if ignoring {
                continue;
            }
            let decision = policy.on_ring(&self.settings.label, &ring);
            tracing::info!(line = %self.settings.label, ring = ring.count, caller = %ring.caller, ?decision, "incoming call");
            match decision {
                RingDecision::Wait => {}
                RingDecision::Ignore => ignoring = true,
                RingDecision::Reject => {
                    // Off hook and straight back on: the caller hears the line drop.
                    if let Ok(client) = self.client() {
                        let _ = client.command("AT+VLS=1", COMMAND_TIMEOUT).await;
                        tokio::time::sleep(Duration::from_millis(300)).await;
                        let _ = client.command("ATH0", COMMAND_TIMEOUT).await;
                    }
                    rings = 0;
                }
                RingDecision::Answer => match self.answer().await {
                    Ok(()) => return Ok(ring.caller),
                    Err(error) => {
                        tracing::warn!(line = %self.settings.label, %error, "answering failed");
                        self.finish_call().await;
                        self.go_on_hook().await;
                    }
                },
            }
        }
    }
}
