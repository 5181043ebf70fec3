//! USRobotics USR5637 and Conexant CX93010 analog voice modems: settings,
//! caller ID and the V.250 / V.253 command set. Streaming audio (`AT+VTX`,
//! `AT+VRX`, `AT+VTR`) is in `voice_stream.rs`.
//!
//! Choices that the documents read leave open:
//! - `AT+VTR` (full duplex) is accepted by the CX93010 and answers ERROR on
//!   the USR5637, so drivers must be able to switch between VRX and VTX.
//! - The `AT+VSM=?` lists are plausible, not copied from a device. The
//!   CX93010's ADPCM methods are listed but rejected, because the simulator
//!   has no ADPCM codec.
//! - ATA outside voice mode answers as a data modem would: the handshake
//!   fails with NO CARRIER and the line goes back on hook.
//! - `ATD` (outgoing calls) is not simulated and answers ERROR.

use super::call::Call;
use super::caller_id::voice_cid_lines;
use super::command::{split_commands, unquote, Command, Final, Framing, LineAssembler, Op};
use super::context::Ctx;
use super::gsm_call::{describe, dtmf_digits};
use super::host_audio::HostAudio;
use super::report::CallEnd;
use super::voice_stream::{HangUpSignals, Stream, StreamKind};
use super::IncomingCall;
use crate::codec::SampleFormat;
use crate::dle::DleDecoder;

/// Host audio the modem buffers for playback: 2 KB, as on common voice modems.
pub(super) const PLAYBACK_BUFFER_BYTES: usize = 2048;

/// The two voice modem models.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VoiceKind {
    Usr5637,
    Cx93010,
}

/// One compression method of `AT+VSM`.
pub(super) struct Method {
    pub(super) code: u16,
    name: &'static str,
    bits: u8,
    /// None for methods listed but not supported by the simulator (ADPCM).
    pub(super) format: Option<SampleFormat>,
}

const USR_METHODS: [Method; 5] = [
    Method {
        code: 0,
        name: "SIGNED PCM",
        bits: 8,
        format: Some(SampleFormat::Signed8),
    },
    Method {
        code: 1,
        name: "UNSIGNED PCM",
        bits: 8,
        format: Some(SampleFormat::Unsigned8),
    },
    Method {
        code: 4,
        name: "G.711U",
        bits: 8,
        format: Some(SampleFormat::ULaw),
    },
    Method {
        code: 5,
        name: "G.711A",
        bits: 8,
        format: Some(SampleFormat::ALaw),
    },
    Method {
        code: 128,
        name: "8-BIT LINEAR",
        bits: 8,
        format: Some(SampleFormat::Unsigned8),
    },
];

const CONEXANT_METHODS: [Method; 8] = [
    Method {
        code: 0,
        name: "SIGNED PCM",
        bits: 8,
        format: Some(SampleFormat::Signed8),
    },
    Method {
        code: 1,
        name: "UNSIGNED PCM",
        bits: 8,
        format: Some(SampleFormat::Unsigned8),
    },
    Method {
        code: 128,
        name: "8-BIT LINEAR",
        bits: 8,
        format: Some(SampleFormat::Unsigned8),
    },
    Method {
        code: 129,
        name: "2-BIT ADPCM",
        bits: 2,
        format: None,
    },
    Method {
        code: 130,
        name: "8-BIT ULAW",
        bits: 8,
        format: Some(SampleFormat::ULaw),
    },
    Method {
        code: 131,
        name: "8-BIT ALAW",
        bits: 8,
        format: Some(SampleFormat::ALaw),
    },
    Method {
        code: 132,
        name: "4-BIT ADPCM",
        bits: 4,
        format: None,
    },
    Method {
        code: 133,
        name: "16-BIT LINEAR",
        bits: 16,
        format: Some(SampleFormat::Linear16Le),
    },
];

/// The only sample rate simulated.
const SAMPLE_RATE: u32 = 8000;

impl VoiceKind {
    fn methods(self) -> &'static [Method] {
        match self {
            VoiceKind::Usr5637 => &USR_METHODS,
            VoiceKind::Cx93010 => &CONEXANT_METHODS,
        }
    }

    fn fclass_list(self, no_voice: bool) -> &'static str {
        match (self, no_voice) {
            (_, true) => "0,1,1.0,2",
            (VoiceKind::Usr5637, false) => "0,1,1.0,2,2.0,8",
            (VoiceKind::Cx93010, false) => "0,1,1.0,2,8",
        }
    }

    /// Returns the `ATI<n>` lines.
    fn identity(self, index: u32) -> Option<&'static str> {
        match (self, index) {
            (VoiceKind::Usr5637, 0) => Some("5601"),
            (VoiceKind::Usr5637, 3) => Some("U.S. Robotics 56K FAX USB V1.2.23"),
            (VoiceKind::Cx93010, 0) => Some("56000"),
            (VoiceKind::Cx93010, 3) => Some("CX93001-EIS_V0.2002-V92"),
            (_, 1 | 2 | 4..=7) => Some(""),
            _ => None,
        }
    }

    /// Returns (manufacturer, model, revision) for `AT+GMI`, `AT+GMM`, `AT+GMR`.
    fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            VoiceKind::Usr5637 => ("U.S. Robotics", "USR5637", "V1.2.23"),
            VoiceKind::Cx93010 => ("CONEXANT", "CX93001-EIS_V0.2002-V92", "V0.2002-V92"),
        }
    }
}

/// Settings that ATZ and a vanish reset.
#[derive(Debug, Clone)]
pub(super) struct Settings {
    pub(super) echo: bool,
    pub(super) verbose: bool,
    pub(super) fclass: String,
    pub(super) caller_id: bool,
    /// `AT+VSM` method code and its format.
    pub(super) method: (u16, SampleFormat),
}

impl Settings {
    fn new(echo: bool) -> Settings {
        Settings {
            echo,
            verbose: true,
            fclass: "0".to_string(),
            caller_id: false,
            method: (128, SampleFormat::Unsigned8),
        }
    }

    pub(super) fn voice_mode(&self) -> bool {
        self.fclass == "8"
    }
}

/// A simulated voice modem.
pub(crate) struct Voice {
    pub(super) kind: VoiceKind,
    no_voice: bool,
    pub(super) settings: Settings,
    assembler: LineAssembler,
    pub(super) off_hook: bool,
    pub(super) call: Option<Call>,
    pub(super) caller_id_sent: bool,
    pub(super) stream: Option<Stream>,
    pub(super) decoder: DleDecoder,
    pub(super) host_audio: HostAudio,
    /// Tone state once the caller has hung up on an answered call.
    pub(super) hang_up_signals: Option<HangUpSignals>,
}

impl Voice {
    pub(crate) fn new(kind: VoiceKind, echo: bool, no_voice: bool) -> Voice {
        Voice {
            kind,
            no_voice,
            settings: Settings::new(echo),
            assembler: LineAssembler::default(),
            off_hook: false,
            call: None,
            caller_id_sent: false,
            stream: None,
            decoder: DleDecoder::new(),
            host_audio: HostAudio::new(PLAYBACK_BUFFER_BYTES),
            hang_up_signals: None,
        }
    }

    pub(super) fn framing(&self) -> Framing {
        Framing {
            verbose: self.settings.verbose,
            simcom_urcs: false,
            error_mode: 1,
        }
    }

    /// Returns the modem to its power-on state, keeping `echo` as the start state.
    pub(crate) fn reset(&mut self, echo: bool) {
        *self = Voice::new(self.kind, echo, self.no_voice);
    }

    /// Returns whether the modem is in command mode (not streaming voice data).
    pub(crate) fn in_command_mode(&self) -> bool {
        self.stream.is_none()
    }

    /// Starts an incoming call, or records it as busy when the line is in use.
    pub(crate) fn ring(&mut self, index: usize, incoming: IncomingCall, ctx: &mut Ctx<'_>) {
        if self.call.is_some() || self.off_hook {
            ctx.shared.end_call(index, CallEnd::Busy, ctx.elapsed);
            return;
        }
        tracing::info!(call = index, caller = %describe(&incoming.caller), "simulated voice modem has an incoming call");
        self.call = Some(Call::new(index, incoming, ctx.now));
        self.caller_id_sent = false;
        self.hang_up_signals = None;
    }

    /// Handles bytes the host wrote: commands in command mode, shielded
    /// audio and DLE commands while streaming.
    pub(crate) fn on_at_input(&mut self, bytes: &[u8], ctx: &mut Ctx<'_>) {
        if self.stream.is_some() {
            self.note_stream_write(bytes.len(), ctx);
        }
        for &byte in bytes {
            if self.stream.is_some() {
                self.on_stream_byte(byte, ctx);
                continue;
            }
            if self.settings.echo {
                ctx.send_raw(&[byte]);
            }
            if let Some(line) = self.assembler.push(byte) {
                self.run_line(&line, ctx);
            }
        }
    }

    fn run_line(&mut self, line: &str, ctx: &mut Ctx<'_>) {
        tracing::trace!(line, "simulated voice modem received a command line");
        ctx.record(|report| report.commands.push(line.to_string()));
        let Some(commands) = split_commands(line) else {
            ctx.send_response(self.framing(), &[], Final::Error);
            return;
        };
        let mut lines = Vec::new();
        let mut result = Final::Ok;
        for command in &commands {
            result = self.execute(command, ctx, &mut lines);
            if result != Final::Ok {
                break;
            }
        }
        ctx.send_response(self.framing(), &lines, result);
    }

    fn execute(&mut self, command: &Command, ctx: &mut Ctx<'_>, lines: &mut Vec<String>) -> Final {
        if let Some(result) = self.execute_setting(command, lines) {
            return result;
        }
        if let Some(result) = self.execute_voice_setting(command, lines) {
            return result;
        }
        self.execute_line_command(command, ctx)
    }

    fn execute_setting(&mut self, command: &Command, lines: &mut Vec<String>) -> Option<Final> {
        let flag = command.number().map(|value| value != 0);
        let (manufacturer, model, revision) = self.kind.names();
        let result = match (command.name.as_str(), &command.op) {
            ("E", Op::Exec | Op::Set(_)) => set_flag(&mut self.settings.echo, flag),
            ("V", Op::Exec | Op::Set(_)) => set_flag(&mut self.settings.verbose, flag),
            ("Q", _) if command.number() == Some(0) => Final::Ok,
            ("&C" | "&D" | "&K" | "&W" | "X" | "M" | "L", _) => Final::Ok,
            (name, Op::Set(_) | Op::Exec) if name.starts_with('S') && name.len() > 1 => Final::Ok,
            (name, Op::Query) if name.starts_with('S') && name.len() > 1 => push_line(lines, "000"),
            ("I", Op::Exec | Op::Set(_)) => {
                match command.number().and_then(|index| self.kind.identity(index)) {
                    Some("") => Final::Ok,
                    Some(text) => push_line(lines, text),
                    None => Final::Error,
                }
            }
            ("+GMI", Op::Exec) => push_line(lines, manufacturer),
            ("+GMM", Op::Exec) => push_line(lines, model),
            ("+GMR", Op::Exec) => push_line(lines, revision),
            ("+GCI", Op::Set(_)) => Final::Ok,
            ("+GCI", Op::Query) => push_line(lines, "+GCI: 3D"),
            _ => return None,
        };
        Some(result)
    }

    fn execute_voice_setting(
        &mut self,
        command: &Command,
        lines: &mut Vec<String>,
    ) -> Option<Final> {
        let flag = command.number().map(|value| value != 0);
        let result = match (command.name.as_str(), &command.op) {
            ("+FCLASS", Op::Set(value)) => self.set_fclass(value),
            ("+FCLASS", Op::Query) => push_line(lines, &self.settings.fclass.clone()),
            ("+FCLASS", Op::Test) => push_line(lines, self.kind.fclass_list(self.no_voice)),
            ("+VCID", Op::Set(_)) if command.number().is_some_and(|mode| mode <= 2) => {
                set_flag(&mut self.settings.caller_id, flag)
            }
            ("+VCID", Op::Query) => {
                push_line(lines, if self.settings.caller_id { "1" } else { "0" })
            }
            ("+VCID", Op::Test) => push_line(lines, "(0-2)"),
            ("-SCID", Op::Set(_)) if self.kind == VoiceKind::Cx93010 => {
                set_flag(&mut self.settings.caller_id, flag)
            }
            ("+VSM", Op::Test) if self.settings.voice_mode() => {
                lines.extend(self.kind.methods().iter().map(method_line));
                Final::Ok
            }
            ("+VSM", Op::Set(_)) if self.settings.voice_mode() => self.set_method(command),
            ("+VSM", Op::Query) if self.settings.voice_mode() => push_line(
                lines,
                &format!("{},{SAMPLE_RATE},0,0", self.settings.method.0),
            ),
            (
                "+VGT" | "+VGR" | "+VSD" | "+VIT" | "+VNH" | "+VRA" | "+VRN" | "+VDR" | "+VEM",
                Op::Set(_),
            ) => Final::Ok,
            _ => return None,
        };
        Some(result)
    }

    fn set_fclass(&mut self, value: &str) -> Final {
        let supported = self
            .kind
            .fclass_list(self.no_voice)
            .split(',')
            .any(|class| class == value);
        if !supported {
            return Final::Error;
        }
        self.settings.fclass = value.to_string();
        Final::Ok
    }

    fn set_method(&mut self, command: &Command) -> Final {
        let fields = command.fields();
        let code = fields.first().and_then(|field| field.parse::<u16>().ok());
        let rate = match fields.get(1) {
            Some(field) => field.parse::<u32>().ok(),
            None => Some(SAMPLE_RATE),
        };
        let method = self
            .kind
            .methods()
            .iter()
            .find(|method| Some(method.code) == code);
        match (method.and_then(|method| method.format), rate) {
            (Some(format), Some(SAMPLE_RATE)) => {
                self.settings.method = (method.map_or(0, |method| method.code), format);
                Final::Ok
            }
            _ => Final::Error,
        }
    }

    fn execute_line_command(&mut self, command: &Command, ctx: &mut Ctx<'_>) -> Final {
        let voice = self.settings.voice_mode();
        match (command.name.as_str(), &command.op) {
            ("Z" | "&F", _) => {
                self.go_on_hook(ctx);
                self.settings = Settings::new(self.settings.echo);
                Final::Ok
            }
            ("H", _) => {
                self.go_on_hook(ctx);
                Final::Ok
            }
            ("+VLS", Op::Set(_)) if voice => match command.number() {
                Some(0) => {
                    self.go_on_hook(ctx);
                    Final::Ok
                }
                Some(1) => {
                    self.go_off_hook(ctx);
                    Final::Ok
                }
                _ => Final::Error,
            },
            ("+VLS", Op::Query) if voice => Final::Ok,
            ("A", Op::Exec) => self.answer(voice, ctx),
            ("+VTX", Op::Exec) if voice && self.off_hook => self.start_stream(StreamKind::Transmit),
            ("+VRX", Op::Exec) if voice && self.off_hook => self.start_stream(StreamKind::Receive),
            ("+VTR", Op::Exec) if voice && self.off_hook && self.kind == VoiceKind::Cx93010 => {
                self.start_stream(StreamKind::Duplex)
            }
            ("+VTS", Op::Set(argument)) if voice => {
                let digits = dtmf_digits(unquote(argument));
                ctx.record(|report| report.dtmf_sent.extend(digits));
                Final::Ok
            }
            _ => Final::Error,
        }
    }

    fn answer(&mut self, voice: bool, ctx: &mut Ctx<'_>) -> Final {
        let ringing = self.call.as_ref().is_some_and(Call::is_ringing);
        if voice {
            if !ringing {
                return Final::Error;
            }
            self.go_off_hook(ctx);
            return Final::Ok;
        }
        if ringing {
            self.go_off_hook(ctx);
            self.go_on_hook(ctx);
        }
        Final::NoCarrier
    }

    fn start_stream(&mut self, kind: StreamKind) -> Final {
        self.stream = Some(Stream::new(kind));
        self.decoder = DleDecoder::new();
        self.host_audio.clear();
        Final::Connect
    }

    /// Takes the line off hook, which answers a ringing call.
    fn go_off_hook(&mut self, ctx: &Ctx<'_>) {
        self.off_hook = true;
        let Some(call) = self.call.as_mut().filter(|call| call.is_ringing()) else {
            return;
        };
        call.answer(ctx.now);
        let index = call.index;
        let elapsed = ctx.elapsed;
        ctx.shared
            .update_call(index, |record| record.answered_at = Some(elapsed));
        tracing::info!(call = index, "simulated voice modem answered the call");
    }

    /// Hangs up: ends an answered call. A ringing call keeps ringing.
    fn go_on_hook(&mut self, ctx: &Ctx<'_>) {
        self.off_hook = false;
        if self.call.as_ref().is_some_and(Call::is_ringing) {
            return;
        }
        if let Some(call) = self.call.take() {
            tracing::info!(call = call.index, "simulated voice modem hung up");
            ctx.shared.end_call(call.index, CallEnd::Host, ctx.elapsed);
        }
    }

    /// Sends RING and the caller ID block while the call rings.
    pub(super) fn ring_tick(&mut self, ctx: &mut Ctx<'_>) {
        let framing = self.framing();
        let Some(call) = self.call.as_mut() else {
            return;
        };
        match call.ring_step(ctx.now, ctx.ring_interval) {
            super::call::RingStep::Ring(number) => {
                let index = call.index;
                ctx.send_urc(framing, "RING");
                ctx.shared
                    .update_call(index, |record| record.rings = number);
            }
            super::call::RingStep::GiveUp => {
                let index = call.index;
                self.call = None;
                tracing::info!(
                    call = index,
                    "caller gave up before the voice modem answered"
                );
                ctx.shared.end_call(index, CallEnd::Missed, ctx.elapsed);
                return;
            }
            super::call::RingStep::Wait => {}
        }
        let Some(call) = self.call.as_ref() else {
            return;
        };
        // Caller ID arrives between the first and the second ring.
        let due = call.last_ring_at(ctx.ring_interval) + ctx.ring_interval / 2;
        if call.is_ringing() && call.rings == 1 && !self.caller_id_sent && ctx.now >= due {
            self.caller_id_sent = true;
            if self.settings.caller_id {
                for line in voice_cid_lines(&call.caller, std::time::SystemTime::now()) {
                    ctx.send_urc(framing, &line);
                }
            }
        }
    }
}

fn set_flag(target: &mut bool, value: Option<bool>) -> Final {
    match value {
        Some(value) => {
            *target = value;
            Final::Ok
        }
        None => Final::Error,
    }
}

fn push_line(lines: &mut Vec<String>, line: &str) -> Final {
    lines.push(line.to_string());
    Final::Ok
}

/// Formats one `AT+VSM=?` line in the V.253 form
/// `<code>,"<name>",<bits>,0,(<rates>),(0),(0)`.
fn method_line(method: &Method) -> String {
    format!(
        "{},\"{}\",{},0,({SAMPLE_RATE}),(0),(0)",
        method.code, method.name, method.bits
    )
}

impl Voice {
    /// Ends the current call for a reason outside the protocol (vanish, stop).
    pub(crate) fn abandon_call(&mut self, end: CallEnd, ctx: &mut Ctx<'_>) {
        if let Some(call) = self.call.take() {
            ctx.shared.end_call(call.index, end, ctx.elapsed);
        }
    }
}
