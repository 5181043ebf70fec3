//! SIMCom SIM7600 and Quectel EC25 LTE modules: settings and the AT command
//! set. Call handling and PCM audio are in `gsm_call.rs`.
//!
//! Choices where modules differ or the documents read leave the behaviour open:
//! - `AT+CHLD=4` (explicit call transfer) answers `+CME ERROR: 3`, because it
//!   needs a held call and a second call and the simulator has only one call.
//! - `AT+CTFR=<number>` deflects a ringing call: OK, and the call leaves.
//!   During an answered call it answers `+CME ERROR: 3`.
//! - `ATH` ends a voice call only after `AT+CVHU=0` on SIMCom (default 1),
//!   and always on Quectel (default 0).
//! - `ATD` (outgoing calls) is not simulated and answers ERROR.

use std::time::Instant;

use super::call::Call;
use super::command::{split_commands, unquote, Command, Final, Framing, LineAssembler, Op};
use super::context::Ctx;
use super::host_audio::HostAudio;
use super::report::{SmsMode, SmsResult};
use super::sms_entry::{EntryEnd, SmsEntry};

/// 20 ms of 16-bit PCM at 8 kHz.
pub(super) const PCM_FRAME_BYTES: usize = 320;

/// Host audio the module buffers before dropping: 4 frames (80 ms).
// NOTE: the real buffer depth of SIM7600 and EC25 is not documented; 80 ms is a guess.
const PCM_BUFFER_BYTES: usize = 4 * PCM_FRAME_BYTES;

/// The two GSM vendors, whose strings and command sets differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Vendor {
    Simcom,
    Quectel,
}

/// Settings that ATZ and a vanish reset.
#[derive(Debug, Clone)]
pub(super) struct Settings {
    pub(super) echo: bool,
    pub(super) verbose: bool,
    pub(super) error_mode: u8,
    pub(super) clip: bool,
    pub(super) clcc: bool,
    pub(super) crc: bool,
    pub(super) cvhu: u8,
    pub(super) text_mode: bool,
    pub(super) charset: String,
    pub(super) qtonedet: bool,
    pub(super) ccinfo: bool,
    /// `AT+QPCMV` mode when enabled: 0 serial port, 2 USB audio class.
    pub(super) qpcmv: Option<u8>,
}

impl Settings {
    fn new(vendor: Vendor, echo: bool) -> Settings {
        Settings {
            echo,
            verbose: true,
            error_mode: 1,
            clip: false,
            clcc: false,
            crc: false,
            cvhu: if vendor == Vendor::Simcom { 1 } else { 0 },
            text_mode: false,
            charset: "GSM".to_string(),
            qtonedet: false,
            ccinfo: false,
            qpcmv: None,
        }
    }
}

/// A simulated GSM module.
pub(crate) struct Gsm {
    pub(super) vendor: Vendor,
    pub(super) no_voice: bool,
    pub(super) settings: Settings,
    assembler: LineAssembler,
    sms: Option<SmsEntry>,
    message_reference: u8,
    pub(super) call: Option<Call>,
    /// SIM7600: when `VOICE CALL: BEGIN` was sent, for the late `AT+CPCMREG`.
    pub(super) voice_begin: Option<Instant>,
    /// SIM7600: `AT+CPCMREG=1` accepted during this call.
    pub(super) pcm_registered: bool,
    pub(super) host_audio: HostAudio,
}

impl Gsm {
    pub(crate) fn new(vendor: Vendor, echo: bool, no_voice: bool) -> Gsm {
        Gsm {
            vendor,
            no_voice,
            settings: Settings::new(vendor, echo),
            assembler: LineAssembler::default(),
            sms: None,
            message_reference: 0,
            call: None,
            voice_begin: None,
            pcm_registered: false,
            host_audio: HostAudio::new(PCM_BUFFER_BYTES),
        }
    }

    pub(super) fn framing(&self) -> Framing {
        Framing {
            verbose: self.settings.verbose,
            simcom_urcs: self.vendor == Vendor::Simcom,
            error_mode: self.settings.error_mode,
        }
    }

    /// Returns the device to its power-on state, keeping `echo` as the start state.
    pub(crate) fn reset(&mut self, echo: bool) {
        *self = Gsm::new(self.vendor, echo, self.no_voice);
    }

    /// Returns whether the module is in command mode (not collecting an SMS body).
    pub(crate) fn in_command_mode(&self) -> bool {
        self.sms.is_none()
    }

    /// Handles bytes the host wrote on the AT port.
    pub(crate) fn on_at_input(&mut self, bytes: &[u8], ctx: &mut Ctx<'_>) {
        for &byte in bytes {
            if self.settings.echo {
                ctx.send_raw(&[byte]);
            }
            if let Some(entry) = &mut self.sms {
                if let Some(end) = entry.push(byte) {
                    self.finish_sms(end, ctx);
                }
                continue;
            }
            if let Some(line) = self.assembler.push(byte) {
                self.run_line(&line, ctx);
            }
        }
    }

    fn run_line(&mut self, line: &str, ctx: &mut Ctx<'_>) {
        tracing::trace!(line, "simulated module received a command line");
        ctx.record(|report| report.commands.push(line.to_string()));
        let Some(commands) = split_commands(line) else {
            ctx.send_response(self.framing(), &[], Final::Error);
            return;
        };
        let mut lines = Vec::new();
        let mut after = Vec::new();
        let mut result = Final::Ok;
        for command in &commands {
            result = self.execute(command, line, ctx, &mut lines, &mut after);
            if result != Final::Ok {
                break;
            }
        }
        // Settings such as ATV0 and AT+CMEE apply to their own final result.
        let framing = self.framing();
        ctx.send_response(framing, &lines, result);
        if self.sms.is_some() {
            ctx.send_text(b"\r\n> ");
        }
        for urc in after {
            ctx.send_urc(framing, &urc);
        }
    }

    /// Runs one command. Information lines go to `lines`, and unsolicited
    /// lines that follow the final result (such as `VOICE CALL: BEGIN`) to `after`.
    fn execute(
        &mut self,
        command: &Command,
        line: &str,
        ctx: &mut Ctx<'_>,
        lines: &mut Vec<String>,
        after: &mut Vec<String>,
    ) -> Final {
        if let Some(result) = self.execute_setting(command, lines) {
            return result;
        }
        if let Some(result) = self.execute_identity(command, lines) {
            return result;
        }
        if let Some(result) = self.execute_sms(command) {
            return result;
        }
        self.execute_call(command, line, ctx, lines, after)
    }

    fn execute_setting(&mut self, command: &Command, lines: &mut Vec<String>) -> Option<Final> {
        let settings = &mut self.settings;
        let flag = command.number().map(|value| value != 0);
        let result = match (command.name.as_str(), &command.op) {
            ("E", Op::Exec | Op::Set(_)) => set_flag(&mut settings.echo, flag),
            ("V", Op::Exec | Op::Set(_)) => set_flag(&mut settings.verbose, flag),
            ("Q", _) if command.number() == Some(0) => Final::Ok,
            ("Z" | "&F", _) => {
                *settings = Settings::new(self.vendor, settings.echo);
                Final::Ok
            }
            ("&C" | "&D" | "&W" | "X", _) => Final::Ok,
            (name, Op::Set(_) | Op::Exec) if name.starts_with('S') && name.len() > 1 => Final::Ok,
            (name, Op::Query) if name.starts_with('S') && name.len() > 1 => {
                lines.push("000".to_string());
                Final::Ok
            }
            ("+CMEE", Op::Set(_)) => match command.number() {
                Some(mode @ 0..=2) => {
                    settings.error_mode = mode as u8;
                    Final::Ok
                }
                _ => Final::Error,
            },
            ("+CMEE", Op::Query) => query(lines, format!("+CMEE: {}", settings.error_mode)),
            ("+CLIP", Op::Set(_)) => set_flag(&mut settings.clip, flag),
            ("+CLIP", Op::Query) => query(lines, format!("+CLIP: {},1", u8::from(settings.clip))),
            ("+CRC", Op::Set(_)) => set_flag(&mut settings.crc, flag),
            ("+CRC", Op::Query) => query(lines, format!("+CRC: {}", u8::from(settings.crc))),
            ("+CLCC", Op::Set(_)) => set_flag(&mut settings.clcc, flag),
            ("+CLCC", Op::Query) => query(lines, format!("+CLCC: {}", u8::from(settings.clcc))),
            ("+CVHU", Op::Set(_)) => match command.number() {
                Some(mode @ 0..=1) => {
                    settings.cvhu = mode as u8;
                    Final::Ok
                }
                _ => Final::Error,
            },
            ("+CVHU", Op::Query) => query(lines, format!("+CVHU: {}", settings.cvhu)),
            ("+CREG" | "+CGREG" | "+CEREG" | "+CNMI" | "+CPMS" | "+COPS", Op::Set(_)) => Final::Ok,
            ("+CREG", Op::Query) => query(lines, "+CREG: 0,1".to_string()),
            ("+CGREG", Op::Query) => query(lines, "+CGREG: 0,1".to_string()),
            ("+CEREG", Op::Query) => query(lines, "+CEREG: 0,1".to_string()),
            ("+COPS", Op::Query) => query(lines, "+COPS: 0,0,\"Orange F\",7".to_string()),
            ("+CSQ", Op::Exec) => query(lines, "+CSQ: 23,99".to_string()),
            ("+CPIN", Op::Query) => query(lines, "+CPIN: READY".to_string()),
            ("+QTONEDET", Op::Set(_)) if self.vendor == Vendor::Quectel => {
                set_flag(&mut settings.qtonedet, flag)
            }
            ("+QINDCFG", Op::Set(_)) if self.vendor == Vendor::Quectel => {
                set_indication(settings, command)
            }
            ("+QINDCFG", Op::Query) if self.vendor == Vendor::Quectel => query(
                lines,
                format!("+QINDCFG: \"ccinfo\",{}", u8::from(settings.ccinfo)),
            ),
            _ => return None,
        };
        Some(result)
    }

    fn execute_identity(&self, command: &Command, lines: &mut Vec<String>) -> Option<Final> {
        let identity = Identity::of(self.vendor, self.no_voice);
        let text = match command.name.as_str() {
            "I" => {
                lines.extend(identity.ati.iter().map(|line| line.to_string()));
                return Some(Final::Ok);
            }
            "+CGMI" | "+GMI" => identity.manufacturer,
            "+CGMM" | "+GMM" => identity.model,
            "+CGMR" | "+GMR" => identity.revision,
            "+CGSN" | "+GSN" => "867584030000123",
            "+CIMI" => "208011234567890",
            _ => return None,
        };
        if command.op != Op::Exec {
            return Some(Final::Error);
        }
        lines.push(text.to_string());
        Some(Final::Ok)
    }

    fn execute_sms(&mut self, command: &Command) -> Option<Final> {
        let settings = &mut self.settings;
        let result = match (command.name.as_str(), &command.op) {
            ("+CMGF", Op::Set(_)) => match command.number() {
                Some(mode @ 0..=1) => {
                    settings.text_mode = mode == 1;
                    Final::Ok
                }
                _ => Final::Error,
            },
            ("+CSCS", Op::Set(argument)) => {
                let charset = unquote(argument).to_ascii_uppercase();
                if ["GSM", "UCS2", "IRA"].contains(&charset.as_str()) {
                    settings.charset = charset;
                    Final::Ok
                } else {
                    Final::Error
                }
            }
            ("+CSMP", Op::Set(_)) => Final::Ok,
            ("+CMGS", Op::Set(argument)) => {
                let mode = if settings.text_mode {
                    SmsMode::Text
                } else {
                    SmsMode::Pdu
                };
                self.sms = Some(SmsEntry::new(mode, &settings.charset, argument));
                Final::Deferred
            }
            _ => return None,
        };
        Some(result)
    }

    fn finish_sms(&mut self, end: EntryEnd, ctx: &mut Ctx<'_>) {
        let Some(entry) = self.sms.take() else {
            return;
        };
        let (result, final_result) = match (end, entry.validation_error(), ctx.faults.sms_error) {
            (EntryEnd::Abort, _, _) => (SmsResult::Aborted, None),
            (EntryEnd::Submit, Some(code), _) | (EntryEnd::Submit, None, Some(code)) => {
                (SmsResult::Failed { code }, Some(Final::Cms(code)))
            }
            (EntryEnd::Submit, None, None) => {
                self.message_reference = self.message_reference.wrapping_add(1);
                (
                    SmsResult::Sent {
                        reference: self.message_reference,
                    },
                    None,
                )
            }
        };
        let record = entry.into_record(result);
        tracing::debug!(mode = ?record.mode, body_bytes = record.body.len(), ?result, "simulated module received an SMS");
        ctx.record(|report| report.sms.push(record));

        let framing = self.framing();
        match (result, final_result) {
            (SmsResult::Sent { reference }, _) => {
                ctx.send_response(framing, &[format!("+CMGS: {reference}")], Final::Ok)
            }
            (_, Some(error)) => ctx.send_response(framing, &[], error),
            // Modules respond OK to an aborted entry.
            _ => ctx.send_response(framing, &[], Final::Ok),
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

fn query(lines: &mut Vec<String>, line: String) -> Final {
    lines.push(line);
    Final::Ok
}

/// `AT+QINDCFG="ccinfo",1[,0]` switches call state indications; other
/// indication names are accepted and ignored.
fn set_indication(settings: &mut Settings, command: &Command) -> Final {
    let fields = command.fields();
    let name = fields
        .first()
        .map(|field| unquote(field).to_ascii_lowercase());
    let enable = fields.get(1).and_then(|field| field.parse::<u8>().ok());
    match (name.as_deref(), enable) {
        (Some("ccinfo"), Some(value)) => {
            settings.ccinfo = value != 0;
            Final::Ok
        }
        (Some(_), _) => Final::Ok,
        (None, _) => Final::Error,
    }
}

/// Identity strings of a module.
struct Identity {
    manufacturer: &'static str,
    model: &'static str,
    revision: &'static str,
    ati: &'static [&'static str],
}

impl Identity {
    /// Returns the strings of the vendor's voice module, or of a data-only
    /// module of the same vendor under the `no_voice` fault.
    // NOTE: the BG96 strings for the data-only Quectel case are a guess.
    fn of(vendor: Vendor, no_voice: bool) -> Identity {
        match (vendor, no_voice) {
            (Vendor::Simcom, false) => Identity {
                manufacturer: "SIMCOM INCORPORATED",
                model: "SIMCOM_SIM7600G-H",
                revision: "LE20B04SIM7600G22",
                ati: &[
                    "Manufacturer: SIMCOM INCORPORATED",
                    "Model: SIMCOM_SIM7600G-H",
                    "Revision: LE20B04SIM7600G22",
                    "IMEI: 867584030000123",
                    "+GCAP: +CGSM",
                ],
            },
            (Vendor::Simcom, true) => Identity {
                manufacturer: "SIMCOM INCORPORATED",
                model: "SIMCOM_SIM7080G",
                revision: "1951B08SIM7080",
                ati: &[
                    "Manufacturer: SIMCOM INCORPORATED",
                    "Model: SIMCOM_SIM7080G",
                    "Revision: 1951B08SIM7080",
                    "IMEI: 867584030000123",
                ],
            },
            (Vendor::Quectel, false) => Identity {
                manufacturer: "Quectel",
                model: "EC25",
                revision: "EC25EFAR06A06M4G",
                ati: &["Quectel", "EC25", "Revision: EC25EFAR06A06M4G"],
            },
            (Vendor::Quectel, true) => Identity {
                manufacturer: "Quectel",
                model: "BG96",
                revision: "BG96MAR02A07M1G",
                ati: &["Quectel", "BG96", "Revision: BG96MAR02A07M1G"],
            },
        }
    }
}
