//! The simulator thread: one loop that waits on the ports and the 20 ms
//! clock, hands the host's bytes to the device model, runs the model's ticks
//! on absolute deadlines, and applies the timed faults (garbage, silence,
//! vanishing ports).

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::clock::{Ticker, TICK};
use super::context::Ctx;
use super::faults::{Faults, Rng};
use super::gsm::{Gsm, Vendor};
use super::port::Port;
use super::report::{CallEnd, Shared};
use super::voice::{Voice, VoiceKind};
use super::{Device, IncomingCall, SimOptions};

/// Bytes queued for a driver that does not read its AT port before new ones are dropped.
const AT_QUEUE_BYTES: usize = 64 * 1024;

/// Audio queued for a driver that does not read its audio port: one second of PCM.
const AUDIO_QUEUE_BYTES: usize = 16_000;

/// Reads per port per loop turn, so that a flooding host cannot starve the clock.
const MAX_READS_PER_TURN: usize = 16;

/// A request from the [`super::Simulator`] handle.
pub(crate) enum Control {
    Ring { index: usize, call: IncomingCall },
}

/// The device model behind the ports.
enum Model {
    Gsm(Gsm),
    Voice(Voice),
}

impl Model {
    fn new(device: Device, faults: &Faults) -> Model {
        match device {
            Device::Sim7600 => Model::Gsm(Gsm::new(Vendor::Simcom, faults.echo, faults.no_voice)),
            Device::Ec25 => Model::Gsm(Gsm::new(Vendor::Quectel, faults.echo, faults.no_voice)),
            Device::Usr5637 => {
                Model::Voice(Voice::new(VoiceKind::Usr5637, faults.echo, faults.no_voice))
            }
            Device::Cx93010 => {
                Model::Voice(Voice::new(VoiceKind::Cx93010, faults.echo, faults.no_voice))
            }
        }
    }

    fn on_at_input(&mut self, bytes: &[u8], ctx: &mut Ctx<'_>) {
        match self {
            Model::Gsm(gsm) => gsm.on_at_input(bytes, ctx),
            Model::Voice(voice) => voice.on_at_input(bytes, ctx),
        }
    }

    fn on_audio_input(&mut self, bytes: &[u8], ctx: &mut Ctx<'_>) {
        if let Model::Gsm(gsm) = self {
            gsm.on_audio_input(bytes, ctx);
        }
    }

    fn tick(&mut self, ctx: &mut Ctx<'_>) {
        match self {
            Model::Gsm(gsm) => gsm.tick(ctx),
            Model::Voice(voice) => voice.tick(ctx),
        }
    }

    fn ring(&mut self, index: usize, call: IncomingCall, ctx: &mut Ctx<'_>) {
        match self {
            Model::Gsm(gsm) => gsm.ring(index, call, ctx),
            Model::Voice(voice) => voice.ring(index, call, ctx),
        }
    }

    fn in_command_mode(&self) -> bool {
        match self {
            Model::Gsm(gsm) => gsm.in_command_mode(),
            Model::Voice(voice) => voice.in_command_mode(),
        }
    }

    /// Ends the current call, if any, for a reason outside the protocol.
    fn abandon_call(&mut self, end: CallEnd, ctx: &mut Ctx<'_>) {
        match self {
            Model::Gsm(gsm) => gsm.end_call(end, ctx),
            Model::Voice(voice) => voice.abandon_call(end, ctx),
        }
    }

    fn reset(&mut self, echo: bool) {
        match self {
            Model::Gsm(gsm) => gsm.reset(echo),
            Model::Voice(voice) => voice.reset(echo),
        }
    }
}

/// State of the simulator thread.
pub(crate) struct Engine {
    device: Device,
    faults: Faults,
    ring_interval: Duration,
    at: Port,
    audio: Option<Port>,
    shared: Arc<Shared>,
    control: Receiver<Control>,
    model: Model,
    ticker: Ticker,
    rng: Rng,
    next_garbage: Option<Instant>,
    silent_from: Option<Instant>,
    vanish_at: Option<Instant>,
    return_at: Option<Instant>,
}

impl Engine {
    /// Opens the ports. Timed faults count from this moment.
    pub(crate) fn new(
        device: Device,
        options: &SimOptions,
        at_link: &Path,
        audio_link: Option<&Path>,
        shared: Arc<Shared>,
        control: Receiver<Control>,
    ) -> std::io::Result<Engine> {
        let at = Port::open(at_link, AT_QUEUE_BYTES)?;
        let audio = audio_link
            .map(|link| Port::open(link, AUDIO_QUEUE_BYTES))
            .transpose()?;
        let start = Instant::now();
        let faults = options.faults.clone();
        Ok(Engine {
            device,
            model: Model::new(device, &faults),
            ring_interval: options.ring_interval.max(TICK),
            at,
            audio,
            shared,
            control,
            ticker: Ticker::new(start),
            rng: Rng::from_clock(),
            next_garbage: faults
                .garbage_every
                .filter(|every| !every.is_zero())
                .map(|every| start + every),
            silent_from: faults.silent_after.map(|after| start + after),
            vanish_at: faults.vanish.map(|(after, _)| start + after),
            return_at: None,
            faults,
        })
    }

    /// Runs until `stop` is set, then ends any call as stopped.
    pub(crate) fn run(mut self, stop: &AtomicBool) {
        let mut buffer = vec![0u8; 4096];
        while !stop.load(Ordering::Acquire) {
            let now = Instant::now();
            self.take_control(now);
            self.apply_vanish(now);
            self.wait_for_ports(now);

            let now = Instant::now();
            self.read_ports(now, &mut buffer);
            while self.ticker.take_due(now) {
                self.tick(now);
            }
            self.inject_garbage(now);
            self.at.flush(now);
            if let Some(audio) = self.audio.as_mut() {
                audio.flush(now);
            }
        }
        self.with_ctx(Instant::now(), |model, ctx| {
            model.abandon_call(CallEnd::Stopped, ctx)
        });
    }

    fn with_ctx(&mut self, now: Instant, action: impl FnOnce(&mut Model, &mut Ctx<'_>)) {
        let mut ctx = Ctx {
            now,
            elapsed: self.shared.elapsed(),
            at: &mut self.at,
            audio: self.audio.as_mut(),
            shared: &self.shared,
            faults: &self.faults,
            ring_interval: self.ring_interval,
        };
        action(&mut self.model, &mut ctx);
    }

    fn is_silent(&self, now: Instant) -> bool {
        self.silent_from.is_some_and(|from| now >= from)
    }

    fn take_control(&mut self, now: Instant) {
        loop {
            match self.control.try_recv() {
                Ok(Control::Ring { index, call }) if !self.at.is_present() => {
                    drop(call);
                    self.shared
                        .end_call(index, CallEnd::Vanished, self.shared.elapsed());
                }
                Ok(Control::Ring { index, call }) => {
                    self.with_ctx(now, |model, ctx| model.ring(index, call, ctx))
                }
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => return,
            }
        }
    }

    fn apply_vanish(&mut self, now: Instant) {
        if self.vanish_at.is_some_and(|at| now >= at) {
            self.vanish_at = None;
            let absence = self
                .faults
                .vanish
                .map_or(Duration::ZERO, |(_, absence)| absence);
            self.return_at = Some(now + absence);
            self.with_ctx(now, |model, ctx| model.abandon_call(CallEnd::Vanished, ctx));
            self.at.vanish();
            if let Some(audio) = self.audio.as_mut() {
                audio.vanish();
            }
            self.shared.lock().vanished += 1;
            tracing::info!(device = %self.device, "simulated device vanished");
        }
        if self.return_at.is_some_and(|at| now >= at) {
            self.return_at = None;
            self.restore_ports();
        }
    }

    fn restore_ports(&mut self) {
        // A device that powers up again starts with echo on and no call.
        self.model.reset(true);
        let mut result = self.at.restore();
        if let Some(audio) = self.audio.as_mut() {
            result = result.and_then(|()| audio.restore());
        }
        match result {
            Ok(()) => {
                self.shared.lock().returned += 1;
                tracing::info!(device = %self.device, "simulated device returned");
            }
            Err(error) => {
                tracing::error!(device = %self.device, %error, "simulated device failed to open a new pty; it stays absent")
            }
        }
    }

    /// Waits until a port has input or can take due output, or the next timed event.
    fn wait_for_ports(&mut self, now: Instant) {
        let mut wake = self.ticker.deadline();
        for due in [
            self.at.next_due(now),
            self.audio.as_ref().and_then(|audio| audio.next_due(now)),
            self.next_garbage,
            self.vanish_at,
            self.return_at,
        ]
        .into_iter()
        .flatten()
        {
            wake = wake.min(due);
        }
        let timeout = wake.saturating_duration_since(now).min(TICK);

        let mut fds = Vec::with_capacity(2);
        for port in std::iter::once(&self.at).chain(self.audio.as_ref()) {
            if let Some(fd) = port.raw_fd() {
                let mut events = libc::POLLIN;
                if port.has_due_output(now) {
                    events |= libc::POLLOUT;
                }
                fds.push(libc::pollfd {
                    fd,
                    events,
                    revents: 0,
                });
            }
        }
        let timeout_ms = timeout.as_millis().min(i32::MAX as u128) as libc::c_int;
        // SAFETY: fds is a valid array of pollfd of the given length.
        let result = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout_ms) };
        if result < 0 {
            let error = std::io::Error::last_os_error();
            if error.kind() != std::io::ErrorKind::Interrupted {
                tracing::warn!(device = %self.device, %error, "simulator poll failed");
                std::thread::sleep(timeout);
            }
        }
    }

    fn read_ports(&mut self, now: Instant, buffer: &mut [u8]) {
        let silent = self.is_silent(now);
        for _ in 0..MAX_READS_PER_TURN {
            let count = self.at.read(buffer);
            if count == 0 {
                break;
            }
            let bytes = buffer.get(..count).unwrap_or_default();
            if !silent {
                self.with_ctx(now, |model, ctx| model.on_at_input(bytes, ctx));
            }
        }
        for _ in 0..MAX_READS_PER_TURN {
            let count = self.audio.as_mut().map_or(0, |audio| audio.read(buffer));
            if count == 0 {
                break;
            }
            let bytes = buffer.get(..count).unwrap_or_default();
            if !silent {
                self.with_ctx(now, |model, ctx| model.on_audio_input(bytes, ctx));
            }
        }
    }

    fn tick(&mut self, now: Instant) {
        if !self.at.is_present() || self.is_silent(now) {
            return;
        }
        self.with_ctx(now, |model, ctx| model.tick(ctx));
        let skipped = self.ticker.skipped;
        let dropped =
            self.at.dropped_bytes + self.audio.as_ref().map_or(0, |audio| audio.dropped_bytes);
        let mut report = self.shared.lock();
        report.audio.skipped_ticks = skipped;
        report.audio.bytes_dropped_to_host = dropped;
    }

    fn inject_garbage(&mut self, now: Instant) {
        let (Some(due), Some(every)) = (self.next_garbage, self.faults.garbage_every) else {
            return;
        };
        if now < due {
            return;
        }
        self.next_garbage = Some(due + every);
        if !self.at.is_present() || self.is_silent(now) || !self.model.in_command_mode() {
            return;
        }
        let garbage = self.rng.garbage();
        self.at.send(&garbage, now);
        self.shared.lock().garbage_bursts += 1;
    }
}
