//! The line commands: `standardiste serve`, `lines` and `simulate-modem`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};
use standardiste_modem::ident::{likely_role, list_serial_ports};
use standardiste_modem::sim::{CallerIdSpec, Device, IncomingCall, SimOptions, Simulator};
use tokio::sync::mpsc;

use crate::call::{CallUpdate, Engines};
use crate::config::Config;
use crate::line::any::AnyLine;
use crate::line::caller::{CallerScript, ScriptedCaller};
use crate::line::settings::{LineKind, LineSettings};
use crate::line::AnswerOnRing;
use crate::profile::BusinessProfile;
use crate::serve::answer_calls;

/// A modem family the simulator can play.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SimDevice {
    Sim7600,
    Ec25,
    Usr5637,
    Cx93010,
}

#[derive(Args)]
pub struct SimulateArgs {
    /// Which device to play.
    #[arg(value_enum)]
    device: SimDevice,
    /// Recording of what the caller says (8 or 16 kHz mono or stereo 16-bit WAV); repeat for several utterances.
    #[arg(long = "caller", required = true)]
    callers: Vec<PathBuf>,
    /// Caller ID the network presents; default +33612345678. Use `withheld` or `unavailable` for those cases.
    #[arg(long, default_value = "+33612345678")]
    caller_number: String,
    /// Keys the caller presses, as MS:KEY after the answer, e.g. `3000:1`; repeatable.
    #[arg(long, value_parser = parse_dtmf)]
    dtmf: Vec<(u64, char)>,
    /// The box answers on this ring, 1 to 10.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=10))]
    answer_on_ring: u32,
    /// Time between rings in ms (a real line rings every 4000 to 6000 ms).
    #[arg(long, default_value_t = 1_500)]
    ring_interval_ms: u64,
    /// Folder for the simulated ports' stable links.
    #[arg(long, default_value = "var/sim")]
    dir: PathBuf,
    /// Only play the device: print its ports, ring after --ring-after-s and wait
    /// for another process (`standardiste serve` with a [[line]] on those ports) to answer.
    #[arg(long)]
    no_answer: bool,
    /// With --no-answer: seconds to wait before the call rings.
    #[arg(long, default_value_t = 10)]
    ring_after_s: u64,
}

fn parse_dtmf(text: &str) -> Result<(u64, char), String> {
    let invalid = || format!("invalid --dtmf `{text}`; expected MS:KEY with KEY one of 0-9 * # A-D, e.g. 3000:1");
    let (ms, key) = text.split_once(':').ok_or_else(invalid)?;
    let ms = ms.parse().map_err(|_| invalid())?;
    let mut keys = key.chars();
    match (keys.next(), keys.next()) {
        (Some(key), None) if key.is_ascii_digit() || "*#ABCD".contains(key) => Ok((ms, key)),
        _ => Err(invalid()),
    }
}

/// Prints the serial ports with their USB ids and what each likely is.
pub fn list_lines() -> Result<(), String> {
    let ports = list_serial_ports(std::path::Path::new("/sys"), std::path::Path::new("/dev"));
    if ports.is_empty() {
        println!("no serial ports found; plug the modem in and check `dmesg` for a ttyUSB or ttyACM device");
        return Ok(());
    }
    println!("{:<16}  {:<9}  {:>4}  {:<14}  {:<28}  likely", "port", "usb id", "if", "driver", "product");
    for port in ports {
        let (id, interface, product, role) = match &port.usb {
            Some(usb) => (
                format!("{:04x}:{:04x}", usb.vendor_id, usb.product_id),
                usb.interface.map_or("-".to_string(), |i| i.to_string()),
                usb.product.clone().unwrap_or_default(),
                likely_role(usb).unwrap_or_else(|| "unknown device".to_string()),
            ),
            None => ("-".to_string(), "-".to_string(), String::new(), "built-in serial port".to_string()),
        };
        println!(
            "{:<16}  {:<9}  {:>4}  {:<14}  {:<28}  {}",
            port.path.display(),
            id,
            interface,
            port.driver.as_deref().unwrap_or("-"),
            product,
            role
        );
    }
    Ok(())
}

/// Runs the daemon on the configured lines until Ctrl-C.
pub async fn serve(config: Config, logs: standardiste_web::LogBuffer) -> Result<(), String> {
    let lines = config.lines.clone();
    let watcher = crate::profile::ProfileWatcher::new(&config.profile).map_err(|e| e.to_string())?;
    let profile = (*watcher.current()).clone();
    crate::service::Notifier::from_env().status("loading models");
    let mut engines = Engines::load(config, profile).await.map_err(|e| e.to_string())?;
    engines.watch_profile(watcher);
    crate::serve::serve(engines, lines, Some(logs)).await
}

/// Plays a modem on a pseudo-terminal and, unless `--no-answer`, answers
/// its call with the real pipeline in this process.
pub async fn simulate_modem(config: Config, args: SimulateArgs, print: fn(&CallUpdate)) -> Result<(), String> {
    let mut utterances = Vec::new();
    for path in &args.callers {
        utterances.push(crate::audio::wav::read_caller_recording(path).map_err(|e| e.to_string())?);
    }
    let engines = if args.no_answer {
        None
    } else {
        let profile = BusinessProfile::load(&config.profile).map_err(|e| e.to_string())?;
        eprintln!("loading models from {} ...", config.models_dir.display());
        Some(Engines::load(config, profile).await.map_err(|e| e.to_string())?)
    };
    let device = match args.device {
        SimDevice::Sim7600 => Device::Sim7600,
        SimDevice::Ec25 => Device::Ec25,
        SimDevice::Usr5637 => Device::Usr5637,
        SimDevice::Cx93010 => Device::Cx93010,
    };
    let mut options = SimOptions::new(&args.dir);
    options.ring_interval = Duration::from_millis(args.ring_interval_ms);
    let simulator = Simulator::start(device, options).map_err(|e| format!("cannot start the {} simulator in {}: {e}", device.name(), args.dir.display()))?;
    let settings = LineSettings::for_simulator(&simulator, args.answer_on_ring);
    println!("simulated {} on {}", device.name(), simulator.at_port().display());
    if let Some(audio) = simulator.audio_port() {
        println!("PCM audio port on {}", audio.display());
    }

    let caller = match args.caller_number.as_str() {
        "withheld" => CallerIdSpec::Withheld,
        "unavailable" => CallerIdSpec::Unavailable,
        number => CallerIdSpec::Number { number: number.to_string(), name: None },
    };
    let call = IncomingCall {
        caller,
        audio: Box::new(ScriptedCaller::new(CallerScript::new(utterances))),
        dtmf: args.dtmf.iter().map(|&(ms, key)| (Duration::from_millis(ms), key)).collect(),
        max_rings: args.answer_on_ring.saturating_add(4),
    };

    let Some(engines) = engines else {
        println!("add this to the settings file and run `standardiste serve`:\n\n{}", settings_toml(&settings));
        println!("the call rings in {} s", args.ring_after_s);
        tokio::time::sleep(Duration::from_secs(args.ring_after_s)).await;
        simulator.ring(call);
        let ended = tokio::task::spawn_blocking(move || {
            let ended = simulator.wait_call_end(Duration::from_secs(3_600));
            (ended, simulator)
        });
        let (ended, simulator) = ended.await.map_err(|e| e.to_string())?;
        print_report(&simulator, ended);
        return Ok(());
    };

    let mut line = AnyLine::open(&settings).await.map_err(|e| e.to_string())?;
    println!("incoming call from {}; the box answers on ring {}", args.caller_number, args.answer_on_ring);
    simulator.ring(call);
    let (updates, mut receiver) = mpsc::channel(crate::call::UPDATE_QUEUE);
    let printer = tokio::spawn(async move {
        while let Some(update) = receiver.recv().await {
            print(&update);
        }
    });
    let policy = AnswerOnRing(args.answer_on_ring);
    let summaries = answer_calls(&mut line, &engines, &policy, Some(1), Some(updates)).await.map_err(|e| e.to_string())?;
    let _ = printer.await;
    for summary in summaries {
        println!(
            "call {} ended: {}, {:.1} s, recording {}",
            summary.call_id,
            summary.outcome.as_str(),
            summary.duration_ms as f64 / 1_000.0,
            summary.recording.display()
        );
    }
    let (ended, simulator) = tokio::task::spawn_blocking(move || (simulator.wait_call_end(Duration::from_secs(5)), simulator))
        .await
        .map_err(|e| e.to_string())?;
    print_report(&simulator, ended);
    Ok(())
}


fn settings_toml(settings: &LineSettings) -> String {
    let kind = match settings.kind {
        LineKind::Gsm => "gsm",
        LineKind::VoiceModem => "voice-modem",
        LineKind::UsbAudio => "usb-audio",
    };
    let mut text = format!("[[line]]\nname = \"{}\"\nkind = \"{kind}\"\nport = \"{}\"\n", settings.name, settings.port.display());
    if let Some(audio) = &settings.audio_port {
        text.push_str(&format!("audio_port = \"{}\"\n", audio.display()));
    }
    text.push_str(&format!("answer_on_ring = {}\n", settings.answer_on_ring()));
    text
}

fn print_report(simulator: &Simulator, ended: bool) {
    let report = simulator.report();
    let audio = &report.audio;
    println!(
        "device side: {} frames to the box, {} from it, {} underruns, {} overruns, longest gap between the box's writes {} ms",
        audio.frames_to_host,
        audio.frames_from_host,
        audio.underruns,
        audio.overruns,
        audio.max_write_interval.as_millis()
    );
    if let Some(call) = report.calls.last() {
        println!("call record: rings {}, ended by {:?}", call.rings, call.ended_by);
    }
    if !ended {
        println!("the call had not ended when the simulator stopped");
    }
}
