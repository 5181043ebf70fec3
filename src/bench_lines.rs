//! The line part of `standardiste bench`: the audio latency each driver adds
//! (frame in to frame out) and the jitter of its writes, over a long call
//! through each device's pty simulator.
//!
//! The caller sends a loud 20 ms marker once a second and silence between;
//! the call side echoes every frame it receives, as the call loop does with
//! its own audio. A marker's round trip is the time from the simulator
//! writing it to the simulator reading it back: device in, driver, call side,
//! driver, device out. The simulator checks once per 20 ms tick, so each
//! measurement is rounded up to the tick.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use standardiste_modem::sim::{CallerAudio, CallerIdSpec, Device, IncomingCall, SimOptions, Simulator};

use crate::audio::{rms_dbfs, FRAME_SAMPLES};
use crate::line::any::AnyLine;
use crate::line::settings::LineSettings;
use crate::line::{AnswerOnRing, Line, LineDevice, LineEvent};

/// Frames between two markers: one a second.
const MARKER_EVERY: u64 = 50;

/// One device's results.
pub struct LineResult {
    pub device: &'static str,
    pub duplex: &'static str,
    pub markers_sent: usize,
    /// Round trips of the markers that came back, in ms.
    pub round_trips: Vec<f64>,
    pub frames_to_box: u64,
    pub elapsed: Duration,
    pub mean_write_gap_ms: f64,
    pub max_write_gap_ms: f64,
    pub underruns: u64,
    pub overruns: u64,
}

struct Probe {
    frame: u64,
    sent: Vec<Instant>,
    returned: Vec<Duration>,
    awaiting: Option<Instant>,
    limit_frames: u64,
}

/// The caller side of the measurement: emits markers, times their echoes.
struct ProbeCaller(Arc<Mutex<Probe>>);

impl CallerAudio for ProbeCaller {
    fn exchange(&mut self, heard: &[i16; FRAME_SAMPLES]) -> Option<[i16; FRAME_SAMPLES]> {
        let mut probe = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if probe.frame >= probe.limit_frames {
            return None;
        }
        let now = Instant::now();
        if rms_dbfs(heard) > -30.0 {
            if let Some(sent) = probe.awaiting.take() {
                probe.returned.push(now - sent);
            }
        }
        let mut out = [0i16; FRAME_SAMPLES];
        // The first seconds go to ringing, answering and switching audio on.
        if probe.frame % MARKER_EVERY == 0 && probe.frame >= 3 * MARKER_EVERY {
            for (index, sample) in out.iter_mut().enumerate() {
                let t = index as f64 / 8_000.0;
                *sample = (12_000.0 * (2.0 * std::f64::consts::PI * 1_000.0 * t).sin()) as i16;
            }
            probe.sent.push(now);
            probe.awaiting = Some(now);
        }
        probe.frame += 1;
        Some(out)
    }
}

/// Measures every simulated device at once for `duration`.
pub async fn run(duration: Duration, dir: &std::path::Path) -> Result<Vec<LineResult>, String> {
    let mut tasks = Vec::new();
    for device in [Device::Sim7600, Device::Ec25, Device::Usr5637, Device::Cx93010] {
        let dir = dir.join(device.name());
        tasks.push(tokio::spawn(async move { measure(device, duration, &dir).await }));
    }
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.map_err(|e| e.to_string())??);
    }
    Ok(results)
}

async fn measure(device: Device, duration: Duration, dir: &std::path::Path) -> Result<LineResult, String> {
    let mut options = SimOptions::new(dir);
    options.ring_interval = Duration::from_millis(500);
    let simulator = Simulator::start(device, options).map_err(|e| format!("{}: {e}", device.name()))?;
    let settings = LineSettings::for_simulator(&simulator, 1);
    let mut line = AnyLine::open(&settings).await.map_err(|e| e.to_string())?;
    let probe = Arc::new(Mutex::new(Probe {
        frame: 0,
        sent: Vec::new(),
        returned: Vec::new(),
        awaiting: None,
        limit_frames: duration.as_millis() as u64 / 20,
    }));
    simulator.ring(IncomingCall {
        caller: CallerIdSpec::Number { number: "+33612345678".into(), name: None },
        audio: Box::new(ProbeCaller(probe.clone())),
        dtmf: Vec::new(),
        max_rings: 4,
    });
    line.wait_for_call(&AnswerOnRing(1)).await.map_err(|e| e.to_string())?;
    let duplex = match &line {
        AnyLine::VoiceModem(modem) if modem.duplex() == crate::line::voice_modem::Duplex::Half => "half (AT+VRX/AT+VTX)",
        AnyLine::VoiceModem(_) => "full (AT+VTR)",
        _ => "full (PCM port)",
    };
    let started = Instant::now();
    let mut frames_to_box = 0u64;
    while let Some(event) = line.next_event().await {
        match event {
            LineEvent::Audio(frame) => {
                frames_to_box += 1;
                line.send_frame(&frame);
            }
            LineEvent::HungUp => break,
            LineEvent::Dtmf(_) => {}
        }
    }
    let elapsed = started.elapsed();
    line.hang_up().await;
    // The simulator's waits block: keep them off the runtime's workers,
    // which the other devices' audio pumps need.
    let simulator = tokio::task::spawn_blocking(move || {
        simulator.wait_call_end(Duration::from_secs(5));
        simulator
    })
    .await
    .map_err(|e| e.to_string())?;
    let report = simulator.report();
    let (sent, returned) = {
        let probe = probe.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        (probe.sent.len(), probe.returned.clone())
    };
    let audio = &report.audio;
    let result = Ok(LineResult {
        device: device.name(),
        duplex,
        markers_sent: sent,
        round_trips: returned.iter().map(|d| d.as_secs_f64() * 1_000.0).collect(),
        frames_to_box,
        elapsed,
        mean_write_gap_ms: if audio.write_intervals > 0 {
            audio.total_write_interval.as_secs_f64() * 1_000.0 / audio.write_intervals as f64
        } else {
            0.0
        },
        max_write_gap_ms: audio.max_write_interval.as_secs_f64() * 1_000.0,
        underruns: audio.underruns,
        overruns: audio.overruns,
    });
    // Dropping the simulator joins its thread.
    let _ = tokio::task::spawn_blocking(move || drop(simulator)).await;
    result
}

/// The Markdown section of the report.
pub fn render(results: &[LineResult], duration: Duration, percentile: fn(&[f64], f64) -> f64) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Line drivers\n");
    let _ = writeln!(
        out,
        "One {}-minute call through each device's pty simulator, all four at once; the call side echoes every frame. \
         Round trip: a marker frame from the simulated device, through the driver to the call side and back out of the driver \
         to the device, measured by the simulator at its 20 ms tick. Write gaps: time between the driver's audio writes as the \
         device saw them (20 ms is ideal).\n",
        (duration.as_secs_f64() / 6.0).round() / 10.0
    );
    let _ = writeln!(
        out,
        "| device | duplex | markers back | round trip median ms | p95 ms | max ms | frames to box / expected | mean write gap ms | max write gap ms | underruns | overruns |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for result in results {
        let expected = result.elapsed.as_secs_f64() * 50.0;
        let max = result.round_trips.iter().cloned().fold(0.0, f64::max);
        let _ = writeln!(
            out,
            "| {} | {} | {}/{} | {:.0} | {:.0} | {:.0} | {} / {:.0} | {:.1} | {:.0} | {} | {} |",
            result.device,
            result.duplex,
            result.round_trips.len(),
            result.markers_sent,
            percentile(&result.round_trips, 50.0),
            percentile(&result.round_trips, 95.0),
            max,
            result.frames_to_box,
            expected,
            result.mean_write_gap_ms,
            result.max_write_gap_ms,
            result.underruns,
            result.overruns
        );
    }
    let _ = writeln!(
        out,
        "\nA half-duplex modem hears nothing while it talks, so its round trip includes switching from AT+VRX to AT+VTX. \
         The USB sound card line is not in this table: this machine has no sound card and cannot load snd-aloop.\n"
    );
    out
}
