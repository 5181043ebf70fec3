//! Pseudo-terminal simulators of the telephone hardware, for integration tests
//! and for trying the product without a modem.
//!
//! A simulator plays the device on the master side of a pty pair. The product's
//! driver opens the slave through a stable symlink ([`Simulator::at_port`]) as
//! if it were `/dev/ttyUSB2`. GSM modules (SIM7600, EC25) also get a second pty
//! that carries PCM audio ([`Simulator::audio_port`]). Analog voice modems
//! (USR5637, CX93010) carry DLE-shielded audio on their single port.
//!
//! Everything runs on one std thread per simulator, so the simulator works
//! from tokio tests, plain tests and the command line alike. That thread reads
//! the host's bytes as they arrive and runs a 20 ms clock with absolute
//! deadlines: at each tick the caller hears the host's last 20 ms of audio and
//! speaks the next 20 ms ([`CallerAudio`]).
//!
//! No byte sequence from the host makes the simulator panic: input is handled
//! without indexing or unwrapping, and a test feeds it random fragments. Its
//! behaviour follows the sequences that real devices send, and [`Faults`] makes it misbehave on
//! request. What it received and sent is recorded in a [`SimReport`].

mod call;
mod caller_id;
mod clock;
mod command;
mod context;
mod engine;
mod faults;
mod gsm;
mod gsm_call;
mod host_audio;
mod port;
mod pty;
mod report;
mod sms_entry;
mod voice;
mod voice_stream;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub use faults::Faults;
pub use report::{
    AudioStats, CallEnd, CallRecord, SimReport, SmsMode, SmsRecord, SmsResult, TransferRequest,
};

use engine::{Control, Engine};
use report::Shared;

/// One simulated device model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Device {
    /// SIMCom SIM7600G-H LTE module: AT port plus PCM audio port, `\r\r\n` URC framing.
    Sim7600,
    /// Quectel EC25 LTE module: AT port plus PCM audio port (`AT+QPCMV=1,0`).
    Ec25,
    /// USRobotics USR5637 USB voice modem: half duplex (`AT+VTR` is rejected).
    Usr5637,
    /// Conexant CX93010 USB voice modem: full duplex with `AT+VTR`.
    Cx93010,
}

impl Device {
    /// Every device, in the order the command line lists them.
    pub const ALL: [Device; 4] = [
        Device::Sim7600,
        Device::Ec25,
        Device::Usr5637,
        Device::Cx93010,
    ];

    /// Returns the lowercase name that [`FromStr`] accepts.
    pub fn name(self) -> &'static str {
        match self {
            Device::Sim7600 => "sim7600",
            Device::Ec25 => "ec25",
            Device::Usr5637 => "usr5637",
            Device::Cx93010 => "cx93010",
        }
    }

    /// Returns whether the device is a GSM module with a separate PCM audio port.
    pub fn is_gsm(self) -> bool {
        matches!(self, Device::Sim7600 | Device::Ec25)
    }
}

impl std::fmt::Display for Device {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.name())
    }
}

impl FromStr for Device {
    type Err = String;

    fn from_str(text: &str) -> Result<Device, String> {
        Device::ALL
            .into_iter()
            .find(|device| device.name().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| {
                format!("unknown device {text:?}: expected one of sim7600, ec25, usr5637, cx93010")
            })
    }
}

/// The far end of a call.
///
/// Threading: `exchange` runs on the simulator's own thread, once per 20 ms
/// tick, between reads of the host's commands. It must return within a few
/// milliseconds and must not block, or the simulated line falls behind real
/// time and responses on the AT port arrive late.
pub trait CallerAudio: Send {
    /// Takes the 160 samples (8 kHz, 20 ms) the box sent during the last 20 ms
    /// and returns the caller's next 160 samples, or None once the caller hangs up.
    ///
    /// Called from the moment the call is answered, whether or not the host
    /// has switched the audio path on yet. Until it has, `heard` is silence and
    /// the returned samples reach nobody, as on a real line.
    fn exchange(&mut self, heard: &[i16; 160]) -> Option<[i16; 160]>;
}

/// The caller ID the network presents for an incoming call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallerIdSpec {
    /// A number, and a name when the network sends one.
    Number {
        number: String,
        name: Option<String>,
    },
    /// The caller withheld the number (CLIP validity 1, `NMBR=P`).
    Withheld,
    /// The network could not deliver the number (CLIP validity 2, `NMBR=O`).
    Unavailable,
    /// No caller ID at all: no `+CLIP` line and no caller ID block.
    None,
}

/// An incoming call to start with [`Simulator::ring`].
pub struct IncomingCall {
    /// Caller ID presented with the rings.
    pub caller: CallerIdSpec,
    /// The caller's voice and ears once the call is answered.
    pub audio: Box<dyn CallerAudio>,
    /// Keys the caller presses, at these times after the call is answered.
    // NOTE: keys reach the host only as URCs or DLE events. The caller's
    // audio carries no DTMF tones, so in-band detection cannot be tested here.
    pub dtmf: Vec<(Duration, char)>,
    /// The caller gives up if not answered after this many rings (then a missed call).
    pub max_rings: u32,
}

/// Settings of one simulator.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// Misbehaviour on request. All off by default.
    pub faults: Faults,
    /// Time between two RINGs. Real lines ring every 4 to 6 s; tests use about 0.5 s.
    pub ring_interval: Duration,
    /// Directory of the stable port symlinks, created when missing.
    pub dir: PathBuf,
}

impl SimOptions {
    /// Options with no faults, a 4 s ring interval and links in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> SimOptions {
        SimOptions {
            faults: Faults::default(),
            ring_interval: Duration::from_secs(4),
            dir: dir.into(),
        }
    }
}

/// Calls queued for the simulator thread. It drains the queue at least every
/// 20 ms, so when the queue is full [`Simulator::ring`] blocks for at most
/// about one tick.
const CONTROL_QUEUE: usize = 8;

/// A running simulator. Stops its thread and removes its links on drop.
pub struct Simulator {
    device: Device,
    at_link: PathBuf,
    audio_link: Option<PathBuf>,
    shared: Arc<Shared>,
    control: SyncSender<Control>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Simulator {
    /// Opens the device's ptys, creates the stable links in `options.dir` and
    /// starts the simulator thread.
    pub fn start(device: Device, options: SimOptions) -> std::io::Result<Simulator> {
        std::fs::create_dir_all(&options.dir)?;
        let at_link = options.dir.join(format!("{device}-at"));
        let audio_link = device
            .is_gsm()
            .then(|| options.dir.join(format!("{device}-audio")));

        let shared = Arc::new(Shared::default());
        let stop = Arc::new(AtomicBool::new(false));
        let (control, control_rx) = sync_channel(CONTROL_QUEUE);
        let engine = Engine::new(
            device,
            &options,
            &at_link,
            audio_link.as_deref(),
            shared.clone(),
            control_rx,
        )?;

        let thread_stop = stop.clone();
        let thread = std::thread::Builder::new()
            .name(format!("sim-{device}"))
            .spawn(move || engine.run(&thread_stop))?;
        tracing::info!(%device, at_port = %at_link.display(), "modem simulator started");

        Ok(Simulator {
            device,
            at_link,
            audio_link,
            shared,
            control,
            stop,
            thread: Some(thread),
        })
    }

    /// Returns the simulated device.
    pub fn device(&self) -> Device {
        self.device
    }

    /// Stable path of the AT / modem port: a symlink in `options.dir` to the
    /// current pty slave. It is removed while the port has vanished and points
    /// at a fresh pty when it returns, like a udev name whose `/dev/pts` number
    /// changes.
    pub fn at_port(&self) -> PathBuf {
        self.at_link.clone()
    }

    /// Stable path of the PCM audio port of SIM7600 and EC25; None for voice
    /// modems, which carry audio on the AT port.
    pub fn audio_port(&self) -> Option<PathBuf> {
        self.audio_link.clone()
    }

    /// Starts an incoming call. A call that arrives while another one is in
    /// progress, or at a GSM module without voice, gets a busy line and is
    /// recorded as [`CallEnd::Busy`]. While the ports have vanished it is
    /// recorded as [`CallEnd::Vanished`].
    pub fn ring(&self, call: IncomingCall) {
        let index = self.shared.begin_call(call.caller.clone());
        if self.control.send(Control::Ring { index, call }).is_err() {
            tracing::warn!(device = %self.device, "modem simulator thread has stopped; ring ignored");
            self.shared
                .end_call(index, CallEnd::Stopped, Duration::ZERO);
        }
    }

    /// Returns a copy of everything recorded so far.
    pub fn report(&self) -> SimReport {
        self.shared.snapshot()
    }

    /// Waits until the latest call has ended, or until `timeout` has passed.
    /// Returns whether the call ended; true when no call was ever started.
    pub fn wait_call_end(&self, timeout: Duration) -> bool {
        self.shared.wait_call_end(Instant::now() + timeout)
    }

    /// Stops the simulator thread and removes the port links.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::error!(device = %self.device, "modem simulator thread panicked");
            }
            tracing::info!(device = %self.device, "modem simulator stopped");
        }
        remove_link(&self.at_link);
        if let Some(link) = &self.audio_link {
            remove_link(link);
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn remove_link(link: &Path) {
    if let Err(error) = std::fs::remove_file(link) {
        if error.kind() != std::io::ErrorKind::NotFound {
            tracing::warn!(link = %link.display(), %error, "failed to remove simulator port link");
        }
    }
}
