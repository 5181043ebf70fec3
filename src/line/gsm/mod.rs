//! A GSM/LTE module with a SIM as the office line: SIMCom SIM7600 or Quectel
//! EC25/EG25, driven through its AT port, with call audio on its PCM port.
//!
//! An incoming call goes: RING (or +CRING) and +CLIP with the caller ID, the
//! answering policy decides on each ring, ATA, then PCM is switched on
//! (SIM7600: AT+CPCMREG=1, which the module accepts only some time after the
//! call starts, so it is retried; EC25: AT+QPCMV=1,0). The call ends on
//! VOICE CALL: END, NO CARRIER, a +CLCC "disconnected" state, the module
//! vanishing, or audio stopping while AT+CLCC lists no call.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use standardiste_modem::client::{AtClient, AtError, ModemEvent};
use standardiste_modem::ident::{gsm_voice_missing, identify, Model};
use standardiste_modem::port::SerialPort;
use standardiste_modem::urc::{CallState, CallerIdInfo, Presentation, Urc};
use tokio::sync::mpsc;

mod sms;

pub use sms::{SmsSendError, SmsSender};

use crate::line::at_device::{identity_lines, wake};
use crate::line::backoff::Backoff;
use crate::line::pcm_port::{PcmPump, PumpStats};
use crate::line::{mask_number, AnswerPolicy, CallerId, Line, LineDevice, LineError, LineEvent, Ring, RingDecision};
use crate::audio::Frame;

/// Time allowed for an ordinary AT command.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(3);

/// How long AT+CPCMREG=1 is retried after the call starts, and how often.
const PCM_START_LIMIT: Duration = Duration::from_secs(10);
const PCM_RETRY: Duration = Duration::from_millis(250);

/// After RING, how long to wait for +CLIP before asking the policy.
const CALLER_ID_WAIT: Duration = Duration::from_millis(600);

/// Rings closer than this belong to one call; a longer gap means the caller gave up.
const RING_GAP: Duration = Duration::from_secs(10);

/// While idle, the module is checked with `AT` this often; three failures reopen it.
const HEALTH_CHECK: Duration = Duration::from_secs(30);

/// No audio for this long during a call makes the driver ask AT+CLCC whether the call still exists.
const AUDIO_STALL: Duration = Duration::from_secs(2);

/// Which AT dialect the module speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Simcom,
    Quectel,
}

/// Where a GSM module is connected.
#[derive(Debug, Clone)]
pub struct GsmSettings {
    /// Line name for logs and call records, e.g. `gsm0`.
    pub label: String,
    pub at_port: PathBuf,
    pub audio_port: PathBuf,
    pub baud: u32,
}

struct Modem {
    client: Arc<AtClient>,
    events: mpsc::Receiver<ModemEvent>,
    family: Family,
    model: Model,
}

struct ActiveCall {
    pump: PcmPump,
    queued: VecDeque<LineEvent>,
    last_audio: Instant,
    ended: bool,
    /// Whether the module itself reported the end (NO CARRIER, VOICE CALL:
    /// END). The call is then gone from the module, and a hang-up command
    /// would reject the next caller, who may already be ringing.
    ended_by_module: bool,
}

/// What woke a call's event loop.
enum Next {
    Frame(Option<Frame>),
    Event(ModemEvent),
    Stall,
}

/// A GSM module carrying one call at a time.
pub struct GsmLine {
    settings: GsmSettings,
    modem: Option<Modem>,
    call: Option<ActiveCall>,
    caller: CallerId,
    /// The +CLCC index of the call being answered or in progress, when the module reported it.
    call_index: Option<u8>,
    backoff: Backoff,
    last_stats: Option<PumpStats>,
    /// The AT client while the module is connected, for [`SmsSender`]s.
    sms: SmsSender,
}

impl GsmLine {
    /// Opens and initialises the module; fails when it cannot carry voice.
    pub async fn open(settings: GsmSettings) -> Result<GsmLine, LineError> {
        let label = settings.label.clone();
        let mut line = GsmLine {
            settings,
            modem: None,
            call: None,
            caller: CallerId::Unknown,
            call_index: None,
            backoff: Backoff::new(),
            last_stats: None,
            sms: SmsSender::new(label),
        };
        let modem = line.connect().await?;
        line.set_modem(Some(modem));
        Ok(line)
    }

    /// Returns a handle that sends SMS through this module from another task, such
    /// as the outbox's, while this line waits for or carries calls.
    pub fn sms_sender(&self) -> SmsSender {
        self.sms.clone()
    }

    fn set_modem(&mut self, modem: Option<Modem>) {
        self.sms.set_client(modem.as_ref().map(|m| m.client.clone()));
        self.modem = modem;
    }

    /// The model detected at the last (re)connection.
    pub fn model(&self) -> Option<&Model> {
        self.modem.as_ref().map(|modem| &modem.model)
    }

    /// Audio counters of the current or last call.
    pub fn audio_stats(&self) -> Option<PumpStats> {
        self.call.as_ref().map(|call| call.pump.stats()).or(self.last_stats)
    }

    fn label_for_logs(&self) -> &str {
        &self.settings.label
    }

    fn client(&self) -> Result<Arc<AtClient>, LineError> {
        match &self.modem {
            Some(modem) => Ok(modem.client.clone()),
            None => Err(self.device_error("the module is not connected")),
        }
    }

    fn device_error(&self, message: &str) -> LineError {
        LineError::Device { line: self.settings.label.clone(), message: message.to_string() }
    }

    /// Opens the AT port, identifies the module and enables caller ID and call reports.
    async fn connect(&mut self) -> Result<Modem, LineError> {
        let path = self.settings.at_port.display().to_string();
        let label = self.settings.label.clone();
        let port = SerialPort::open(&self.settings.at_port, self.settings.baud)
            .map_err(|source| LineError::Open { line: label.clone(), path: path.clone(), source })?;
        let (client, receivers) = AtClient::start(port, &label);
        wake(&client).await.map_err(|error| LineError::Device { line: label.clone(), message: error.to_string() })?;
        let _ = client.command("ATE0", COMMAND_TIMEOUT).await;
        let ati = identity_lines(&client, "ATI", &label, COMMAND_TIMEOUT).await?;
        let cgmi = identity_lines(&client, "AT+CGMI", &label, COMMAND_TIMEOUT).await?;
        let cgmm = identity_lines(&client, "AT+CGMM", &label, COMMAND_TIMEOUT).await?;
        let model = identify(&ati, &cgmi, &cgmm);
        if let Some(reason) = gsm_voice_missing(&model) {
            return Err(LineError::NotVoiceCapable { line: label, path, reason });
        }
        let family = match model {
            Model::Ec25 => Family::Quectel,
            Model::Sim7600 => Family::Simcom,
            Model::OtherGsm(ref name) if name.to_ascii_lowercase().contains("quectel") => Family::Quectel,
            Model::OtherGsm(_) => Family::Simcom,
            ref other => {
                return Err(LineError::NotVoiceCapable {
                    line: label,
                    path,
                    reason: format!("it answers as {other:?}, not as a GSM module; for a landline modem use kind = \"voice-modem\""),
                })
            }
        };
        // The PCM audio switch is the voice path itself: a module without it cannot answer calls.
        let probe = match family {
            Family::Simcom => "AT+CPCMREG?",
            Family::Quectel => "AT+QPCMV?",
        };
        match client.command(probe, COMMAND_TIMEOUT).await {
            Ok(_) => {}
            Err(error) if error.is_device_lost() => {
                return Err(LineError::Device { line: label, message: error.to_string() });
            }
            Err(error) => {
                return Err(LineError::NotVoiceCapable {
                    line: label,
                    path,
                    reason: format!("{model:?} rejects {probe} ({error}), so it has no PCM voice path; a SIM7600 or EC25/EG25 is needed"),
                });
            }
        }
        // Call waiting off: a second caller gets busy instead of a call
        // that the box cannot take and that would confuse the call's state.
        let setup = [
            ("AT+CLIP=1", true),
            ("AT+CLCC=1", false),
            ("AT+CVHU=0", false),
            ("AT+CCWA=0", false),
        ];
        for (command, required) in setup {
            if let Err(error) = client.command(command, COMMAND_TIMEOUT).await {
                if required {
                    return Err(LineError::Device { line: label, message: error.to_string() });
                }
                tracing::debug!(line = %label, command, %error, "optional setting rejected");
            }
        }
        if family == Family::Quectel {
            for command in ["AT+QTONEDET=1", "AT+QINDCFG=\"ccinfo\",1,0"] {
                if let Err(error) = client.command(command, COMMAND_TIMEOUT).await {
                    tracing::debug!(line = %label, command, %error, "optional setting rejected");
                }
            }
        }
        check_sim(&client, &label).await;
        clear_leftover_call(&client, family, &label).await;
        tracing::info!(line = %label, port = %path, model = ?model, "GSM module ready");
        Ok(Modem { client: Arc::new(client), events: receivers.events, family, model })
    }

    /// Reopens the module after it vanished or stopped responding, with backoff.
    async fn reconnect(&mut self) -> Result<(), LineError> {
        self.set_modem(None);
        loop {
            let delay = self.backoff.next_delay();
            tracing::warn!(line = %self.settings.label, attempt = self.backoff.attempts(), delay_ms = delay.as_millis() as u64, "GSM module lost; reopening");
            tokio::time::sleep(delay).await;
            match self.connect().await {
                Ok(modem) => {
                    self.set_modem(Some(modem));
                    self.backoff.reset();
                    return Ok(());
                }
                Err(error @ LineError::NotVoiceCapable { .. }) => return Err(error),
                Err(error) => tracing::warn!(line = %self.settings.label, %error, "reopening failed"),
            }
        }
    }

    /// Waits for the next ring, handling caller ID and calls that end while ringing.
    async fn next_ring(&mut self, rings: &mut u32, last_ring: &mut Option<Instant>) -> Result<Option<Ring>, AtError> {
        let label = self.settings.label.clone();
        let Some(modem) = self.modem.as_mut() else {
            return Err(AtError::Closed { port: label });
        };
        let event = match tokio::time::timeout(HEALTH_CHECK, modem.events.recv()).await {
            Ok(Some(event)) => event,
            Ok(None) => return Err(AtError::Closed { port: label }),
            Err(_) => {
                health_check(&modem.client).await?;
                return Ok(None);
            }
        };
        if last_ring.is_some_and(|at| at.elapsed() > RING_GAP) {
            *rings = 0;
            self.caller = CallerId::Unknown;
        }
        match event {
            ModemEvent::Urc(Urc::Ring) | ModemEvent::Urc(Urc::CRing(_)) => {
                *rings += 1;
                *last_ring = Some(Instant::now());
                if self.caller == CallerId::Unknown {
                    self.caller = wait_for_clip(&mut modem.events, CALLER_ID_WAIT).await;
                }
                Ok(Some(Ring { count: *rings, caller: self.caller.clone() }))
            }
            ModemEvent::Urc(Urc::Clip(info)) => {
                self.caller = caller_id(&info);
                Ok(None)
            }
            ModemEvent::Urc(Urc::Clcc(status)) if status.state == CallState::Incoming => {
                self.call_index = Some(status.index);
                Ok(None)
            }
            ModemEvent::Urc(Urc::NoCarrier | Urc::VoiceCallEnd { .. } | Urc::MissedCall { .. }) => {
                if *rings > 0 {
                    tracing::info!(line = %label, rings = *rings, caller = %self.caller, "missed call: the caller hung up while ringing");
                }
                *rings = 0;
                *last_ring = None;
                self.caller = CallerId::Unknown;
                Ok(None)
            }
            ModemEvent::Closed => Err(AtError::Closed { port: label }),
            other => {
                tracing::debug!(line = %label, event = ?other, "event while idle");
                Ok(None)
            }
        }
    }

    /// Answers the ringing call and starts its audio.
    async fn answer(&mut self) -> Result<(), LineError> {
        let result = self.answer_and_start().await;
        if result.is_err() {
            // The call may be connected without audio: end it rather than leave the caller in silence.
            self.release_call().await;
        }
        result
    }

    async fn answer_and_start(&mut self) -> Result<(), LineError> {
        let client = self.client()?;
        let family = self.modem.as_ref().map(|modem| modem.family).unwrap_or(Family::Simcom);
        let label = self.settings.label.clone();
        let device = |error: AtError| LineError::Device { line: label.clone(), message: error.to_string() };
        client.command("ATA", Duration::from_secs(10)).await.map_err(device)?;
        let pump = PcmPump::start(&self.settings.audio_port, self.settings.baud, &self.settings.label).map_err(|source| {
            LineError::Open { line: self.settings.label.clone(), path: self.settings.audio_port.display().to_string(), source }
        })?;
        let early = match family {
            Family::Simcom => {
                let Some(modem) = self.modem.as_mut() else {
                    return Err(LineError::Device { line: label.clone(), message: "the module vanished while answering".into() });
                };
                start_simcom_pcm(&client, &mut modem.events)
                    .await
                    .map_err(|error| LineError::Device { line: label.clone(), message: error.to_string() })?
            }
            Family::Quectel => {
                client.command("AT+QPCMV=1,0", COMMAND_TIMEOUT).await.map_err(device)?;
                Vec::new()
            }
        };
        self.call = Some(ActiveCall { pump, queued: early.into(), last_audio: Instant::now(), ended: false, ended_by_module: false });
        Ok(())
    }

    /// Hangs up whatever call the module has, with ATH as the fallback.
    async fn release_call(&self) {
        let Ok(client) = self.client() else { return };
        if let Err(error) = client.command("AT+CHUP", COMMAND_TIMEOUT).await {
            tracing::debug!(line = %self.settings.label, %error, "AT+CHUP failed; trying ATH");
            let _ = client.command("ATH", COMMAND_TIMEOUT).await;
        }
    }

    /// Switches PCM off and forgets the call.
    async fn finish_call(&mut self) {
        let Some(call) = self.call.take() else { return };
        call.pump.stop();
        self.last_stats = Some(call.pump.stats());
        let stats = call.pump.stats();
        tracing::info!(
            line = %self.settings.label,
            frames = stats.frames_in,
            dropped_in = stats.dropped_in,
            underruns = stats.playout.underruns,
            dropped_out = stats.playout.dropped,
            "call audio stopped"
        );
        if let Some(modem) = &self.modem {
            let command = match modem.family {
                Family::Simcom => "AT+CPCMREG=0",
                Family::Quectel => "AT+QPCMV=0",
            };
            if let Err(error) = modem.client.command(command, COMMAND_TIMEOUT).await {
                tracing::debug!(line = %self.settings.label, %error, "switching PCM off failed");
            }
        }
        self.caller = CallerId::Unknown;
        self.call_index = None;
    }

    /// Turns a modem event during a call into a line event, if it is one.
    fn call_event(&mut self, event: ModemEvent) -> Option<LineEvent> {
        match event {
            ModemEvent::Urc(Urc::Dtmf(digit)) => Some(LineEvent::Dtmf(digit)),
            // Another call's end (a transfer target, a waiting caller) is not this call's.
            ModemEvent::Urc(Urc::Clcc(status))
                if status.state == CallState::Disconnected && self.call_index.is_some_and(|index| index != status.index) =>
            {
                tracing::debug!(line = %self.settings.label, index = status.index, "another call ended");
                None
            }
            ref event if call_ended(event) && *event != ModemEvent::Closed => {
                if let Some(call) = self.call.as_mut() {
                    call.ended_by_module = true;
                }
                Some(LineEvent::HungUp)
            }
            ModemEvent::Closed => {
                tracing::warn!(line = %self.settings.label, "the module vanished during a call");
                self.set_modem(None);
                Some(LineEvent::HungUp)
            }
            other => {
                tracing::debug!(line = %self.settings.label, event = ?other, "event during a call");
                None
            }
        }
    }

    /// Decides, after audio stopped, whether the call is gone.
    async fn check_stall(&mut self) -> Option<LineEvent> {
        if self.call_still_up().await {
            if let Some(call) = self.call.as_mut() {
                call.last_audio = Instant::now();
            }
            return None;
        }
        tracing::info!(line = %self.settings.label, "no call audio and no active call: treating as hung up");
        Some(LineEvent::HungUp)
    }

    /// Asks the module whether a call is still up, after audio stopped.
    async fn call_still_up(&self) -> bool {
        let Ok(client) = self.client() else { return false };
        match client.command("AT+CLCC", COMMAND_TIMEOUT).await {
            Ok(lines) => lines.iter().any(|line| {
                matches!(standardiste_modem::urc::parse_urc(line), Urc::Clcc(status) if status.state == CallState::Active)
            }),
            Err(_) => false,
        }
    }
}


/// Ends a call left up by a previous run (a crash, a restart mid-call), so
/// the next caller does not reach a module that is already busy.
async fn clear_leftover_call(client: &AtClient, family: Family, label: &str) {
    let Ok(lines) = client.command("AT+CLCC", COMMAND_TIMEOUT).await else { return };
    let active = lines
        .iter()
        .any(|line| matches!(standardiste_modem::urc::parse_urc(line), Urc::Clcc(status) if status.state == CallState::Active || status.state == CallState::Held));
    if !active {
        return;
    }
    tracing::warn!(line = %label, "a call was still up from before; hanging it up");
    let _ = client.command("AT+CHUP", COMMAND_TIMEOUT).await;
    let pcm_off = match family {
        Family::Simcom => "AT+CPCMREG=0",
        Family::Quectel => "AT+QPCMV=0",
    };
    let _ = client.command(pcm_off, COMMAND_TIMEOUT).await;
}


async fn health_check(client: &AtClient) -> Result<(), AtError> {
    let mut failures = 0;
    loop {
        match client.command("AT", Duration::from_secs(2)).await {
            Ok(_) => return Ok(()),
            Err(error) if failures >= 2 => return Err(error),
            Err(_) => failures += 1,
        }
    }
}

async fn check_sim(client: &AtClient, label: &str) {
    match client.command("AT+CPIN?", COMMAND_TIMEOUT).await {
        Ok(lines) if lines.iter().any(|line| line.to_ascii_uppercase().contains("READY")) => {}
        Ok(lines) => tracing::warn!(line = %label, status = ?lines, "the SIM is not ready; calls cannot arrive until it is unlocked"),
        Err(error) => tracing::warn!(line = %label, %error, "cannot read the SIM status; check that a SIM is inserted"),
    }
}

/// AT+CPCMREG=1 is refused until the call's audio path is up: retry it,
/// unless the caller hangs up meanwhile. Keys pressed during the wait are
/// returned, to be delivered once the call starts.
async fn start_simcom_pcm(client: &AtClient, events: &mut mpsc::Receiver<ModemEvent>) -> Result<Vec<LineEvent>, StartError> {
    let started = Instant::now();
    let mut early = Vec::new();
    loop {
        match client.command("AT+CPCMREG=1", COMMAND_TIMEOUT).await {
            Ok(_) => {
                tracing::debug!(port = client.port(), waited_ms = started.elapsed().as_millis() as u64, "PCM audio on");
                return Ok(early);
            }
            Err(error) if error.is_device_lost() || started.elapsed() > PCM_START_LIMIT => return Err(StartError::Modem(error)),
            Err(_) => {}
        }
        tokio::time::sleep(PCM_RETRY).await;
        while let Ok(event) = events.try_recv() {
            if call_ended(&event) {
                return Err(StartError::CallerLeft);
            }
            if let ModemEvent::Urc(Urc::Dtmf(digit)) = event {
                early.push(LineEvent::Dtmf(digit));
            }
        }
    }
}

/// Why a call's audio did not start.
#[derive(Debug, thiserror::Error)]
enum StartError {
    #[error(transparent)]
    Modem(#[from] AtError),
    #[error("the caller hung up before the call's audio started")]
    CallerLeft,
}

/// Whether a modem event means the call is over.
fn call_ended(event: &ModemEvent) -> bool {
    match event {
        ModemEvent::Urc(Urc::NoCarrier | Urc::VoiceCallEnd { .. }) | ModemEvent::Closed => true,
        ModemEvent::Urc(Urc::Clcc(status)) => status.state == CallState::Disconnected,
        _ => false,
    }
}

async fn wait_for_clip(events: &mut mpsc::Receiver<ModemEvent>, wait: Duration) -> CallerId {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Some(ModemEvent::Urc(Urc::Clip(info)))) => return caller_id(&info),
            Ok(Some(_)) => continue,
            Ok(None) | Err(_) => return CallerId::Unknown,
        }
    }
}

fn caller_id(info: &CallerIdInfo) -> CallerId {
    match (&info.presentation, &info.number) {
        (Presentation::Withheld, _) => CallerId::Withheld,
        (Presentation::Unavailable, _) => CallerId::Unavailable,
        (Presentation::Allowed, Some(number)) if !number.is_empty() => {
            CallerId::Number { number: number.clone(), name: info.name.clone().filter(|name| !name.is_empty()) }
        }
        (Presentation::Allowed, _) => CallerId::Unavailable,
    }
}

impl Line for GsmLine {
    fn label(&self) -> &str {
        &self.settings.label
    }

    fn can_transfer(&self) -> bool {
        true
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
                let GsmLine { modem, call, .. } = &mut *self;
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
                Next::Stall => self.check_stall().await,
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
        let Some(call) = &self.call else {
            return;
        };
        // After an inferred hang-up (audio stopped, AT+CLCC failed) the call
        // may still be up, so it is released. After the module's own report it
        // is not, because AT+CHUP would reject a new call ringing in meanwhile.
        if !call.ended_by_module {
            self.release_call().await;
        }
        self.finish_call().await;
    }

    async fn send_dtmf(&mut self, digits: &str) -> Result<(), LineError> {
        let digits: Vec<char> = digits.chars().filter(|c| c.is_ascii_digit() || "*#ABCD".contains(*c)).collect();
        if digits.is_empty() {
            return Ok(());
        }
        let list: Vec<String> = digits.iter().map(char::to_string).collect();
        let command = format!("AT+VTS=\"{}\"", list.join(","));
        self.client()?
            .command(&command, Duration::from_secs(2 + digits.len() as u64))
            .await
            .map(|_| ())
            .map_err(|error| self.device_error(&error.to_string()))
    }

    /// Dials `number`, which puts the caller on hold, and joins the two
    /// calls with AT+CHLD=4 (explicit call transfer). Operators that do not
    /// offer the service answer with an error. On any failure after dialing,
    /// AT+CHLD=1 releases the outgoing call and takes the caller back, and
    /// the error is returned.
    async fn transfer(&mut self, number: &str) -> Result<(), LineError> {
        let client = self.client()?;
        let label = self.settings.label.clone();
        let failed = |step: &str, detail: String| LineError::Device {
            line: label.clone(),
            message: format!("transfer to {} failed at {step}: {detail}", mask_number(number)),
        };
        // A number as people write it ("+44 7700 900126") has spaces and
        // dashes that the module refuses in ATD.
        let dial: String = number.chars().filter(|c| c.is_ascii_digit() || matches!(c, '+' | '*' | '#')).collect();
        if dial.is_empty() {
            return Err(failed("dialing", "the number has no digits".to_string()));
        }
        client
            .command(&format!("ATD{dial};"), Duration::from_secs(10))
            .await
            .map_err(|error| failed("dialing", error.to_string()))?;
        let joined = match wait_for_outgoing_answer(&client).await {
            Ok(()) => client.command("AT+CHLD=4", COMMAND_TIMEOUT).await.map_err(|error| failed("joining the calls (AT+CHLD=4)", error.to_string())),
            Err(reason) => Err(failed("waiting for an answer", reason)),
        };
        if let Err(error) = joined {
            if let Err(resume) = client.command("AT+CHLD=1", COMMAND_TIMEOUT).await {
                tracing::warn!(line = %self.settings.label, error = %resume, "taking the caller back from hold failed");
            }
            return Err(error);
        }
        if let Some(call) = self.call.as_mut() {
            call.queued.push_back(LineEvent::HungUp);
        }
        tracing::info!(line = %self.settings.label, to = %mask_number(number), "call transferred");
        Ok(())
    }
}

/// Polls AT+CLCC until the outgoing call is active; fails when it ends or after 30 s.
async fn wait_for_outgoing_answer(client: &AtClient) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let lines = client.command("AT+CLCC", COMMAND_TIMEOUT).await.map_err(|error| error.to_string())?;
        let outgoing: Vec<CallState> = lines
            .iter()
            .filter_map(|line| match standardiste_modem::urc::parse_urc(line) {
                Urc::Clcc(status) if status.outgoing => Some(status.state),
                _ => None,
            })
            .collect();
        if outgoing.contains(&CallState::Active) {
            return Ok(());
        }
        if outgoing.is_empty() {
            return Err("the transfer target did not take the call (busy or no answer)".to_string());
        }
    }
    Err("the transfer target did not answer within 30 s".to_string())
}

impl LineDevice for GsmLine {
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
                    tracing::warn!(line = %self.settings.label, %error, "GSM module not responding");
                    self.set_modem(None);
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
                    if let Ok(client) = self.client() {
                        let _ = client.command("AT+CHUP", COMMAND_TIMEOUT).await;
                    }
                }
                RingDecision::Answer => match self.answer().await {
                    Ok(()) => return Ok(ring.caller),
                    Err(error) => {
                        tracing::warn!(line = %self.settings.label, %error, "answering failed");
                        self.finish_call().await;
                    }
                },
            }
        }
    }
}
