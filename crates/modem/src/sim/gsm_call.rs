//! Voice calls of the simulated GSM modules: rings and caller ID, answer and
//! hang-up in both directions, DTMF, transfer requests, and PCM audio on the
//! separate audio port.
//!
//! PCM flows only while a call is answered and the host has switched it on:
//! `AT+CPCMREG=1` on SIM7600 (accepted only [`super::Faults::cpcmreg_delay`]
//! after `VOICE CALL: BEGIN`), `AT+QPCMV=1,0` on EC25 (accepted at once).
//! Then the module writes one 320-byte frame (16-bit little-endian, 8 kHz)
//! every 20 ms and plays the host's frames, however the host chunks them.

use super::call::{frame_from_le_bytes, Call, RingStep};
use super::caller_id::{clcc_fields, clip_line, mask_number, missed_call_time, plain_number};
use super::command::{Command, Final, Op};
use super::context::Ctx;
use super::gsm::{Gsm, Vendor, PCM_FRAME_BYTES};
use super::report::{CallEnd, TransferRequest};
use super::{CallerIdSpec, IncomingCall};

/// 27.007 `+CLCC` call states used here.
const STAT_ACTIVE: u8 = 0;
const STAT_INCOMING: u8 = 4;
const STAT_DISCONNECTED: u8 = 6;

/// `+CME ERROR: 3`, operation not allowed.
const NOT_ALLOWED: Final = Final::Cme(3);

impl Gsm {
    /// Starts an incoming call, or records it as busy when the module is in
    /// another call or has no voice.
    // NOTE: real networks would offer a second call as call waiting (+CCWA);
    // the simulator gives it a busy line instead.
    pub(crate) fn ring(&mut self, index: usize, incoming: IncomingCall, ctx: &mut Ctx<'_>) {
        if self.call.is_some() || self.no_voice {
            ctx.shared.end_call(index, CallEnd::Busy, ctx.elapsed);
            return;
        }
        tracing::info!(call = index, caller = %describe(&incoming.caller), "simulated module has an incoming call");
        self.call = Some(Call::new(index, incoming, ctx.now));
    }

    /// Handles the call-related commands. Returns ERROR for unknown commands.
    pub(super) fn execute_call(
        &mut self,
        command: &Command,
        line: &str,
        ctx: &mut Ctx<'_>,
        lines: &mut Vec<String>,
        after: &mut Vec<String>,
    ) -> Final {
        let voice_command = matches!(
            command.name.as_str(),
            "A" | "+CPCMREG" | "+QPCMV" | "+VTS" | "+CHLD" | "+CTFR"
        );
        if self.no_voice && voice_command {
            return Final::Error;
        }
        match (command.name.as_str(), &command.op, self.vendor) {
            ("A", Op::Exec, _) => self.answer(ctx, after),
            ("H", _, _) => {
                if self.settings.cvhu == 0 {
                    self.hang_up(ctx, after);
                }
                Final::Ok
            }
            ("+CHUP", Op::Exec, _) | ("+QHUP", Op::Exec | Op::Set(_), Vendor::Quectel) => {
                self.hang_up(ctx, after);
                Final::Ok
            }
            ("+CLCC", Op::Exec, _) => {
                lines.extend(self.call_list());
                Final::Ok
            }
            ("+CPCMREG", _, Vendor::Simcom) => self.cpcmreg(command, ctx, lines),
            ("+QPCMV", _, Vendor::Quectel) => self.qpcmv(command, lines),
            ("+VTS", Op::Set(argument), _) => self.play_dtmf(argument, ctx),
            ("+CHLD", Op::Test, _) => {
                lines.push("+CHLD: (0,1,1x,2,2x,3,4)".to_string());
                Final::Ok
            }
            ("+CHLD", Op::Set(_), _) => self.hold_command(command, line, ctx, after),
            ("+CTFR", Op::Set(_), _) => self.deflect(command, line, ctx, after),
            _ => Final::Error,
        }
    }

    fn answer(&mut self, ctx: &mut Ctx<'_>, after: &mut Vec<String>) -> Final {
        let Some(call) = self.call.as_mut().filter(|call| call.is_ringing()) else {
            return Final::NoCarrier;
        };
        call.answer(ctx.now);
        let index = call.index;
        let elapsed = ctx.elapsed;
        ctx.shared
            .update_call(index, |record| record.answered_at = Some(elapsed));
        tracing::info!(call = index, "simulated module answered the call");

        if self.vendor == Vendor::Simcom {
            after.push("VOICE CALL: BEGIN".to_string());
            self.voice_begin = Some(ctx.now);
        }
        after.extend(self.call_state_lines(STAT_ACTIVE));
        Final::Ok
    }

    /// Ends the call on the host's request. Answered calls report their end
    /// after the OK, as modules do.
    fn hang_up(&mut self, ctx: &mut Ctx<'_>, after: &mut Vec<String>) {
        let Some(call) = &self.call else {
            return;
        };
        if let (Vendor::Simcom, Some(answered)) = (self.vendor, call.answered_at()) {
            let seconds = ctx.now.saturating_duration_since(answered).as_secs();
            after.push(format!("VOICE CALL: END: {seconds:06}"));
        }
        after.extend(self.call_state_lines(STAT_DISCONNECTED));
        self.end_call(CallEnd::Host, ctx);
    }

    fn call_list(&self) -> Vec<String> {
        let Some(call) = &self.call else {
            return Vec::new();
        };
        let stat = if call.is_ringing() {
            STAT_INCOMING
        } else {
            STAT_ACTIVE
        };
        vec![format!("+CLCC: {}", clcc_fields(&call.caller, stat))]
    }

    fn cpcmreg(&mut self, command: &Command, ctx: &Ctx<'_>, lines: &mut Vec<String>) -> Final {
        match (&command.op, command.number()) {
            (Op::Query, _) => {
                lines.push(format!("+CPCMREG: {}", u8::from(self.pcm_registered)));
                Final::Ok
            }
            (Op::Set(_), Some(0)) => {
                self.pcm_registered = false;
                Final::Ok
            }
            (Op::Set(_), Some(1)) => {
                let ready = self.voice_begin.is_some_and(|begin| {
                    ctx.now.saturating_duration_since(begin) >= ctx.faults.cpcmreg_delay
                });
                if ready && self.call.is_some() {
                    self.pcm_registered = true;
                    Final::Ok
                } else {
                    Final::Error
                }
            }
            _ => Final::Error,
        }
    }

    // NOTE: mode 2 (audio over USB audio class) is accepted, but the
    // simulator has no sound card, so no audio flows in that mode.
    fn qpcmv(&mut self, command: &Command, lines: &mut Vec<String>) -> Final {
        if command.op == Op::Query {
            let state = match self.settings.qpcmv {
                Some(mode) => format!("+QPCMV: 1,{mode}"),
                None => "+QPCMV: 0".to_string(),
            };
            lines.push(state);
            return Final::Ok;
        }
        let fields: Vec<Option<u8>> = command
            .fields()
            .iter()
            .map(|field| field.parse().ok())
            .collect();
        match fields.as_slice() {
            [Some(0)] | [Some(0), _] => self.settings.qpcmv = None,
            [Some(1), Some(mode @ (0 | 2))] => self.settings.qpcmv = Some(*mode),
            [Some(1)] => self.settings.qpcmv = Some(0),
            _ => return Final::Error,
        }
        Final::Ok
    }

    /// Records the digits of `AT+VTS=5` or `AT+VTS="1,2,3"`; only allowed in an answered call.
    fn play_dtmf(&mut self, argument: &str, ctx: &Ctx<'_>) -> Final {
        let answered = self
            .call
            .as_ref()
            .is_some_and(|call| call.answered_at().is_some());
        if !answered {
            return NOT_ALLOWED;
        }
        let digits = dtmf_digits(argument);
        if digits.is_empty() {
            return Final::Error;
        }
        ctx.record(|report| report.dtmf_sent.extend(digits));
        Final::Ok
    }

    fn hold_command(
        &mut self,
        command: &Command,
        line: &str,
        ctx: &mut Ctx<'_>,
        after: &mut Vec<String>,
    ) -> Final {
        match command.argument() {
            "4" => {
                record_transfer(ctx, line, None, false);
                NOT_ALLOWED
            }
            "0" => Final::Ok,
            "1" if self.call.as_ref().is_some_and(|call| !call.is_ringing()) => {
                self.hang_up(ctx, after);
                Final::Ok
            }
            _ => NOT_ALLOWED,
        }
    }

    fn deflect(
        &mut self,
        command: &Command,
        line: &str,
        ctx: &mut Ctx<'_>,
        after: &mut Vec<String>,
    ) -> Final {
        let target = command
            .fields()
            .first()
            .map(|field| super::command::unquote(field).to_string());
        let ringing = self.call.as_ref().is_some_and(Call::is_ringing);
        let valid_target = target.as_deref().is_some_and(|number| !number.is_empty());
        let accepted = ringing && valid_target;
        record_transfer(ctx, line, target, accepted);
        if !accepted {
            return NOT_ALLOWED;
        }
        after.extend(self.call_state_lines(STAT_DISCONNECTED));
        self.end_call(CallEnd::Transferred, ctx);
        Final::Ok
    }

    /// Runs one 20 ms tick: rings, the caller's keys, and one frame of audio
    /// each way.
    pub(crate) fn tick(&mut self, ctx: &mut Ctx<'_>) {
        let Some(call) = self.call.as_mut() else {
            return;
        };
        match call.ring_step(ctx.now, ctx.ring_interval) {
            RingStep::Ring(number) => self.send_ring(number, ctx),
            RingStep::GiveUp => {
                self.caller_gave_up(ctx);
                return;
            }
            RingStep::Wait => {}
        }
        if self.call.as_ref().and_then(Call::answered_at).is_none() {
            return;
        }
        self.report_keys(ctx);
        self.exchange_audio(ctx);
    }

    fn send_ring(&mut self, number: u32, ctx: &mut Ctx<'_>) {
        let Some(call) = &self.call else {
            return;
        };
        let framing = self.framing();
        let ring = if self.settings.crc {
            "+CRING: VOICE"
        } else {
            "RING"
        };
        ctx.send_urc(framing, ring);
        if self.settings.clip {
            if let Some(clip) = clip_line(&call.caller, self.settings.charset == "UCS2") {
                ctx.send_urc(framing, &clip);
            }
        }
        if number == 1 {
            for line in self.call_state_lines(STAT_INCOMING) {
                ctx.send_urc(framing, &line);
            }
        }
        ctx.shared
            .update_call(call.index, |record| record.rings = number);
    }

    fn caller_gave_up(&mut self, ctx: &mut Ctx<'_>) {
        let Some(call) = &self.call else {
            return;
        };
        let framing = self.framing();
        if self.vendor == Vendor::Simcom {
            let line = format!(
                "MISSED_CALL: {} {}",
                missed_call_time(std::time::SystemTime::now()),
                plain_number(&call.caller)
            );
            ctx.send_urc(framing, &line);
        } else {
            ctx.send_urc(framing, "NO CARRIER");
        }
        for line in self.call_state_lines(STAT_DISCONNECTED) {
            ctx.send_urc(framing, &line);
        }
        self.end_call(CallEnd::Missed, ctx);
    }

    fn report_keys(&mut self, ctx: &mut Ctx<'_>) {
        let Some(call) = self.call.as_mut() else {
            return;
        };
        let index = call.index;
        let keys = call.due_keys(ctx.now);
        let framing = self.framing();
        for key in keys {
            let line = match self.vendor {
                Vendor::Simcom => format!("+RXDTMF: {key}"),
                Vendor::Quectel if self.settings.qtonedet => {
                    format!("+QTONEDET: {}", u32::from(key))
                }
                Vendor::Quectel => continue,
            };
            ctx.send_urc(framing, &line);
            ctx.shared
                .update_call(index, |record| record.dtmf_reported.push(key));
        }
    }

    fn pcm_active(&self) -> bool {
        let answered = self
            .call
            .as_ref()
            .is_some_and(|call| call.answered_at().is_some());
        let switched_on = match self.vendor {
            Vendor::Simcom => self.pcm_registered,
            Vendor::Quectel => self.settings.qpcmv == Some(0),
        };
        answered && switched_on
    }

    fn exchange_audio(&mut self, ctx: &mut Ctx<'_>) {
        let pcm = self.pcm_active();
        let heard = if pcm {
            let mut report = ctx.shared.lock();
            let bytes = self
                .host_audio
                .take_frame(PCM_FRAME_BYTES, false, &mut report.audio);
            frame_from_le_bytes(&bytes)
        } else {
            [0; 160]
        };
        let Some(call) = self.call.as_mut() else {
            return;
        };
        match call.exchange(ctx.now, &heard, ctx.faults.hang_up_after) {
            Some(frame) if pcm => send_frame(&frame, ctx),
            Some(_) => {}
            None => self.caller_hung_up(ctx),
        }
    }

    fn caller_hung_up(&mut self, ctx: &mut Ctx<'_>) {
        let Some(answered) = self.call.as_ref().and_then(Call::answered_at) else {
            return;
        };
        let framing = self.framing();
        if self.vendor == Vendor::Simcom {
            let seconds = ctx.now.saturating_duration_since(answered).as_secs();
            ctx.send_urc(framing, &format!("VOICE CALL: END: {seconds:06}"));
        }
        ctx.send_urc(framing, "NO CARRIER");
        for line in self.call_state_lines(STAT_DISCONNECTED) {
            ctx.send_urc(framing, &line);
        }
        self.end_call(CallEnd::Caller, ctx);
    }

    /// Handles bytes the host wrote on the audio port. They are played only
    /// while PCM is on; before that the module discards them.
    pub(crate) fn on_audio_input(&mut self, bytes: &[u8], ctx: &mut Ctx<'_>) {
        if !self.pcm_active() {
            return;
        }
        let mut report = ctx.shared.lock();
        self.host_audio
            .note_write(ctx.now, bytes.len(), &mut report.audio);
        self.host_audio.push(bytes, &mut report.audio);
    }

    /// Returns the `+CLCC` and `+QIND: "ccinfo"` lines that the enabled
    /// indications send for a state change.
    fn call_state_lines(&self, stat: u8) -> Vec<String> {
        let Some(call) = &self.call else {
            return Vec::new();
        };
        let fields = clcc_fields(&call.caller, stat);
        let mut lines = Vec::new();
        if self.settings.clcc {
            lines.push(format!("+CLCC: {fields}"));
        }
        if self.vendor == Vendor::Quectel && self.settings.ccinfo {
            lines.push(format!("+QIND: \"ccinfo\",{fields}"));
        }
        lines
    }

    /// Ends the call in the report and clears its audio state.
    pub(crate) fn end_call(&mut self, end: CallEnd, ctx: &Ctx<'_>) {
        let Some(call) = self.call.take() else {
            return;
        };
        tracing::info!(call = call.index, ?end, "simulated call ended");
        ctx.shared.end_call(call.index, end, ctx.elapsed);
        self.voice_begin = None;
        self.pcm_registered = false;
        self.host_audio.clear();
    }
}

fn send_frame(frame: &[i16; 160], ctx: &mut Ctx<'_>) {
    let bytes: Vec<u8> = frame
        .iter()
        .flat_map(|sample| sample.to_le_bytes())
        .collect();
    let sent = ctx
        .audio
        .as_mut()
        .is_some_and(|port| port.send(&bytes, ctx.now));
    if sent {
        ctx.record_audio(|audio| audio.frames_to_host += 1);
    }
}

fn record_transfer(ctx: &Ctx<'_>, line: &str, target: Option<String>, accepted: bool) {
    tracing::info!(
        target = target.as_deref().map(mask_number),
        accepted,
        "simulated module received a transfer request"
    );
    let request = TransferRequest {
        command: line.to_string(),
        target,
        accepted,
    };
    ctx.record(|report| report.transfers.push(request));
}

/// Extracts DTMF digits from a `+VTS` argument: `5`, `"1,2,3"`, `{123}`.
/// Tone specifications in brackets (`[697,1209,100]`) carry no digit.
pub(super) fn dtmf_digits(argument: &str) -> Vec<char> {
    let mut digits = Vec::new();
    let mut in_brackets = false;
    for character in argument.chars() {
        match character {
            '[' => in_brackets = true,
            ']' => in_brackets = false,
            _ if in_brackets => {}
            '0'..='9' | '*' | '#' | 'A'..='D' | 'a'..='d' => {
                digits.push(character.to_ascii_uppercase())
            }
            _ => {}
        }
    }
    digits
}

/// Describes a caller for logs without the full number.
pub(super) fn describe(caller: &CallerIdSpec) -> String {
    match caller {
        CallerIdSpec::Number { number, .. } => mask_number(number),
        CallerIdSpec::Withheld => "withheld".to_string(),
        CallerIdSpec::Unavailable => "unavailable".to_string(),
        CallerIdSpec::None => "none".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vts_digit_forms() {
        let cases = [
            ("5", vec!['5']),
            ("\"1,2,#\"", vec!['1', '2', '#']),
            ("{12}", vec!['1', '2']),
            ("[697,1209,100],a", vec!['A']),
        ];
        for (argument, expected) in cases {
            assert_eq!(dtmf_digits(argument), expected, "argument {argument}");
        }
    }
}
