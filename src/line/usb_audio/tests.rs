//! Tests of the USB sound card line with test doubles at its two hardware
//! boundaries, [`PcmIo`] and [`ModemLines`]. This machine has no sound card
//! and no serial port with modem lines, so the real ALSA path is tested in
//! `tests/usb_audio.rs` through alsa-lib's file plugin instead.

use std::collections::VecDeque;
use std::io;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::time::Instant;

use crate::audio::dtmf::{dtmf_frames, key_frequencies};
use super::hook::{HookWiring, InputLevels, ModemLines, Output, Signal};
use super::pcm::{PcmError, PcmIo, Stream};
use super::ring::{LoopMonitor, RingChange, RingDetector};
use super::stream::{AudioStream, PREFILL_PERIODS};
use super::{HookTiming, UsbAudioLine};
use crate::audio::{Frame, FRAME_SAMPLES, LINE_RATE};
use crate::line::{AnswerOnRing, AnswerPolicy, CallerId, Line, LineDevice, LineError, LineEvent, Ring, RingDecision};

/// Prints why the calling test uses test doubles instead of hardware.
fn say_no_hardware() {
    let test = std::thread::current().name().unwrap_or("test").to_string();
    let card = if std::path::Path::new("/proc/asound").exists() {
        "ALSA is present but the unit tests need a scripted card"
    } else {
        "no ALSA sound card here: /proc/asound missing"
    };
    println!("{test}: {card}, and no serial port with a line interface; using PcmIo and ModemLines test doubles");
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Amplitude of the `hz` component of `samples`, by the Goertzel algorithm,
/// as a fraction of full scale (a full-scale sine gives 1.0).
fn goertzel(samples: &[i16], rate: u32, hz: f64) -> f64 {
    let coefficient = 2.0 * (2.0 * std::f64::consts::PI * hz / f64::from(rate)).cos();
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for &sample in samples {
        let s0 = f64::from(sample) / 32_768.0 + coefficient * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    let power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
    2.0 * power.max(0.0).sqrt() / samples.len().max(1) as f64
}

fn sine(rate: u32, hz: f64, amplitude: f64, start: usize, len: usize) -> Vec<i16> {
    (start..start + len)
        .map(|n| (amplitude * 32_767.0 * (2.0 * std::f64::consts::PI * hz * n as f64 / f64::from(rate)).sin()).round() as i16)
        .collect()
}

// ---------------------------------------------------------------------------
// Test double of the sound card.

#[derive(Default)]
struct PcmState {
    opens: u32,
    failing_opens: u32,
    written: Vec<i16>,
    writes: usize,
    /// Write numbers (from 1) that return an underrun.
    underrun_on_writes: Vec<usize>,
    recovered: Vec<Stream>,
    /// Write numbers just after each recovery.
    writes_at_recovery: Vec<usize>,
}

/// A card at `rate` whose capture is a sine, paced by `pace` per block.
struct FakePcm {
    rate: u32,
    capture_hz: f64,
    /// Samples captured instead of the sine, then silence, when set.
    capture_script: Option<Vec<i16>>,
    captured: usize,
    pace: Duration,
    open: bool,
    state: Arc<Mutex<PcmState>>,
}

impl FakePcm {
    fn new(rate: u32, capture_hz: f64) -> (FakePcm, Arc<Mutex<PcmState>>) {
        say_no_hardware();
        let state = Arc::new(Mutex::new(PcmState::default()));
        let pcm = FakePcm {
            rate,
            capture_hz,
            capture_script: None,
            captured: 0,
            pace: Duration::from_millis(2),
            open: false,
            state: Arc::clone(&state),
        };
        (pcm, state)
    }
}

impl PcmIo for FakePcm {
    fn device(&self) -> &str {
        "fake"
    }

    fn open(&mut self) -> Result<u32, PcmError> {
        let mut state = lock(&self.state);
        state.opens += 1;
        if state.failing_opens > 0 {
            state.failing_opens -= 1;
            return Err(PcmError::Failed { device: "fake".into(), action: "open", source: io::Error::from_raw_os_error(libc::ENODEV) });
        }
        self.open = true;
        Ok(self.rate)
    }

    fn close(&mut self) {
        self.open = false;
    }

    fn rate(&self) -> Option<u32> {
        self.open.then_some(self.rate)
    }

    fn read_block(&mut self, block: &mut [i16]) -> Result<(), PcmError> {
        std::thread::sleep(self.pace);
        match &self.capture_script {
            Some(script) => {
                for (index, slot) in block.iter_mut().enumerate() {
                    *slot = script.get(self.captured + index).copied().unwrap_or(0);
                }
            }
            None => block.copy_from_slice(&sine(self.rate, self.capture_hz, 0.5, self.captured, block.len())),
        }
        self.captured += block.len();
        Ok(())
    }

    fn write_block(&mut self, block: &[i16]) -> Result<(), PcmError> {
        let mut state = lock(&self.state);
        state.writes += 1;
        let number = state.writes;
        if state.underrun_on_writes.contains(&number) {
            return Err(PcmError::Xrun { stream: Stream::Playback });
        }
        state.written.extend_from_slice(block);
        Ok(())
    }

    fn recover(&mut self, stream: Stream) -> Result<(), PcmError> {
        let mut state = lock(&self.state);
        state.recovered.push(stream);
        let writes = state.writes;
        state.writes_at_recovery.push(writes);
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Test double of the serial port's modem lines.

/// The line as the fake port sees it, scripted in time from `origin`.
struct LinesState {
    origin: Instant,
    /// Ring bursts as (start, end) offsets from `origin`.
    bursts: Vec<(Duration, Duration)>,
    /// Loop current flows while off hook, except during these (start, end) offsets.
    loop_gaps: Vec<(Duration, Duration)>,
    off_hook: bool,
    /// Off-hook output changes as (offset, asserted).
    hook_history: Vec<(Duration, bool)>,
    opens: u32,
    /// Errors returned by the next opens, in order.
    open_errors: VecDeque<i32>,
    /// Reads before the port vanishes (returns EIO), if set.
    reads_until_vanish: Option<u32>,
    open: bool,
}

struct FakeLines {
    state: Arc<Mutex<LinesState>>,
}

impl FakeLines {
    fn new(bursts: Vec<(Duration, Duration)>) -> (FakeLines, Arc<Mutex<LinesState>>) {
        let state = Arc::new(Mutex::new(LinesState {
            origin: Instant::now(),
            bursts,
            loop_gaps: Vec::new(),
            off_hook: false,
            hook_history: Vec::new(),
            opens: 0,
            open_errors: VecDeque::new(),
            reads_until_vanish: None,
            open: false,
        }));
        (FakeLines { state: Arc::clone(&state) }, state)
    }
}

/// Real time for `seconds` of line time. The tests run the line 20 times
/// faster than a real one (tokio's paused clock needs the `test-util`
/// feature, which this package does not enable).
fn scaled(seconds: f64) -> Duration {
    Duration::from_secs_f64(seconds / 20.0)
}

/// [`HookTiming::default`] at the tests' speed, with a 1 ms poll.
fn test_timing() -> HookTiming {
    HookTiming {
        poll: Duration::from_millis(1),
        ring_end: scaled(1.0),
        rings_stop: scaled(8.0),
        loop_settle: scaled(0.5),
        loop_break: scaled(0.3),
        reject_hold: scaled(0.3),
    }
}

/// Ring bursts of 2 s every 6 s of line time, `count` of them, from `start` seconds.
fn cadence(start: u64, count: u64) -> Vec<(Duration, Duration)> {
    (0..count)
        .map(|n| {
            let burst_start = (start + 6 * n) as f64;
            (scaled(burst_start), scaled(burst_start + 2.0))
        })
        .collect()
}

fn within(offset: Duration, spans: &[(Duration, Duration)]) -> bool {
    spans.iter().any(|&(start, end)| offset >= start && offset < end)
}

impl ModemLines for FakeLines {
    fn path(&self) -> &str {
        "/dev/fake-tty"
    }

    fn open(&mut self) -> io::Result<()> {
        let mut state = lock(&self.state);
        state.opens += 1;
        if let Some(errno) = state.open_errors.pop_front() {
            return Err(io::Error::from_raw_os_error(errno));
        }
        state.open = true;
        // Like Linux, opening the port raises DTR.
        state.off_hook = true;
        Ok(())
    }

    fn close(&mut self) {
        lock(&self.state).open = false;
    }

    fn read_inputs(&mut self) -> io::Result<InputLevels> {
        let mut state = lock(&self.state);
        if !state.open {
            return Err(io::Error::from_raw_os_error(libc::EBADF));
        }
        if let Some(left) = state.reads_until_vanish.as_mut() {
            if *left == 0 {
                state.reads_until_vanish = None;
                state.open = false;
                return Err(io::Error::from_raw_os_error(libc::EIO));
            }
            *left -= 1;
        }
        let offset = Instant::now().saturating_duration_since(state.origin);
        let mut active = Vec::new();
        // The ring detector pulses within a burst: 2 ms on, 2 ms off, so
        // polls every 1 ms see the input low half the time.
        if within(offset, &state.bursts) && (offset.as_millis() / 2) % 2 == 0 {
            active.push(Signal::Ri);
        }
        if state.off_hook && !within(offset, &state.loop_gaps) {
            active.push(Signal::Dcd);
        }
        Ok(InputLevels::with_active(&active))
    }

    fn set_output(&mut self, output: Output, asserted: bool) -> io::Result<()> {
        let mut state = lock(&self.state);
        if !state.open {
            return Err(io::Error::from_raw_os_error(libc::EBADF));
        }
        if output == Output::Dtr {
            let offset = Instant::now().saturating_duration_since(state.origin);
            state.off_hook = asserted;
            state.hook_history.push((offset, asserted));
        }
        Ok(())
    }
}

/// A policy that records the rings it sees and decides by a closure.
struct RecordingPolicy<F> {
    rings: Mutex<Vec<(Duration, u32)>>,
    origin: Instant,
    decide: F,
}

impl<F: Fn(Duration, &Ring) -> RingDecision + Send + Sync> RecordingPolicy<F> {
    fn new(decide: F) -> RecordingPolicy<F> {
        RecordingPolicy { rings: Mutex::new(Vec::new()), origin: Instant::now(), decide }
    }

    fn rings(&self) -> Vec<(Duration, u32)> {
        lock(&self.rings).clone()
    }
}

impl<F: Fn(Duration, &Ring) -> RingDecision + Send + Sync> AnswerPolicy for RecordingPolicy<F> {
    fn on_ring(&self, _line: &str, ring: &Ring) -> RingDecision {
        let at = Instant::now().saturating_duration_since(self.origin);
        lock(&self.rings).push((at, ring.count));
        (self.decide)(at, ring)
    }
}

fn line(pcm: FakePcm, lines: FakeLines) -> UsbAudioLine<FakePcm, FakeLines> {
    UsbAudioLine::with_io("usb-test", HookWiring::default(), test_timing(), pcm, lines)
}

// ---------------------------------------------------------------------------
// Ring and loop-current detection.

#[test]
fn ring_detector_counts_bursts() {
    let origin = Instant::now();
    let bursts: Vec<(Duration, Duration)> = [0, 6, 12]
        .iter()
        .map(|&start| (Duration::from_secs(start), Duration::from_secs(start + 2)))
        .collect();
    let mut detector = RingDetector::new(Duration::from_secs(1), Duration::from_secs(8));
    let mut changes = Vec::new();
    for tick in 0..3_000u64 {
        let offset = Duration::from_millis(tick * 10);
        let active = within(offset, &bursts) && (offset.as_millis() / 20) % 2 == 0;
        if let Some(change) = detector.update(origin + offset, active) {
            changes.push((offset.as_millis(), change));
        }
    }
    let expected = vec![
        (0, RingChange::Ring(1)),
        (6_000, RingChange::Ring(2)),
        (12_000, RingChange::Ring(3)),
        // The last pulse is seen at 13.97 s; ringing stops 8 s later.
        (21_970, RingChange::Stopped),
    ];
    assert_eq!(changes, expected);
}

#[test]
fn loop_monitor_breaks_only_after_break_time() {
    // (gap start ms, gap length ms, expected break)
    let cases = [
        (1_000, 200, false),
        (1_000, 290, false),
        (1_000, 320, true),
        (100, 300, false), // within the settle time after going off hook
    ];
    for (gap_start, gap_len, expected) in cases {
        let origin = Instant::now();
        let mut monitor = LoopMonitor::new(origin, Duration::from_millis(500), Duration::from_millis(300));
        let mut broke = false;
        for tick in 0..300u64 {
            let ms = tick * 10;
            let active = !(gap_start..gap_start + gap_len).contains(&ms);
            broke |= monitor.update(origin + Duration::from_millis(ms), active);
        }
        assert_eq!(broke, expected, "gap of {gap_len} ms at {gap_start} ms");
    }
}

// ---------------------------------------------------------------------------
// Answering, rejecting and ignoring calls.

#[tokio::test]
async fn answers_on_third_ring() {
    let (pcm, pcm_state) = FakePcm::new(8_000, 440.0);
    let (lines, lines_state) = FakeLines::new(cadence(1, 5));
    let mut line = line(pcm, lines);
    let policy = RecordingPolicy::new(|_, ring| AnswerOnRing(3).on_ring("usb-test", ring));

    let caller = line.wait_for_call(&policy).await;

    assert!(matches!(caller, Ok(CallerId::Unknown)), "caller: {caller:?}");
    let counts: Vec<u32> = policy.rings().iter().map(|&(_, count)| count).collect();
    assert_eq!(counts, vec![1, 2, 3]);
    let answered_at = policy.rings().last().map(|&(at, _)| at).unwrap_or_default();
    assert!(answered_at >= scaled(13.0), "third ring seen at {answered_at:?}, before it started");
    assert!(answered_at < scaled(13.0) + Duration::from_millis(100), "third ring seen at {answered_at:?}, late");
    assert!(lock(&lines_state).off_hook, "DTR is asserted after answering");
    assert_eq!(lock(&pcm_state).opens, 1);
    assert!(line.in_call());
    line.hang_up().await;
    assert!(!lock(&lines_state).off_hook, "DTR is cleared after hanging up");
    assert!(!line.in_call());
}

#[tokio::test]
async fn clears_dtr_raised_by_open() {
    let (pcm, _) = FakePcm::new(8_000, 440.0);
    let (lines, lines_state) = FakeLines::new(cadence(0, 1));
    let mut line = line(pcm, lines);
    let policy = RecordingPolicy::new(|_, _| RingDecision::Answer);
    let _ = line.wait_for_call(&policy).await;
    let history = lock(&lines_state).hook_history.clone();
    assert_eq!(history.first().map(|&(_, asserted)| asserted), Some(false), "the first change puts the line on hook: {history:?}");
}

#[tokio::test]
async fn rejects_then_ignores_rest_of_call() {
    // Call 1 rings from 0 s; call 2 rings from 30 s.
    let mut bursts = cadence(0, 4);
    bursts.extend(cadence(30, 3));
    let (pcm, _) = FakePcm::new(8_000, 440.0);
    let (lines, lines_state) = FakeLines::new(bursts);
    let mut line = line(pcm, lines);
    let policy = RecordingPolicy::new(|at, _| if at < scaled(25.0) { RingDecision::Reject } else { RingDecision::Answer });

    let caller = line.wait_for_call(&policy).await;

    assert!(caller.is_ok(), "caller: {caller:?}");
    let rings = policy.rings();
    assert_eq!(rings.len(), 2, "one ring of each call reaches the policy: {rings:?}");
    assert_eq!(rings.get(1).map(|&(_, count)| count), Some(1), "the second call counts from 1");
    let history = lock(&lines_state).hook_history.clone();
    // On hook at open, off hook for the reject, on hook, off hook to answer.
    let levels: Vec<bool> = history.iter().map(|&(_, asserted)| asserted).collect();
    assert_eq!(levels, vec![false, true, false, true]);
    let held = history.get(2).zip(history.get(1)).map(|(on, off)| on.0 - off.0).unwrap_or_default();
    assert!(held >= scaled(0.3), "reject held the line for {held:?}, less than 300 ms of line time");
    assert!(held < scaled(0.3) + Duration::from_millis(50), "reject held the line for {held:?}");
}

#[tokio::test]
async fn ignored_call_rings_out() {
    let mut bursts = cadence(0, 4);
    bursts.extend(cadence(40, 2));
    let (pcm, pcm_state) = FakePcm::new(8_000, 440.0);
    let (lines, lines_state) = FakeLines::new(bursts);
    let mut line = line(pcm, lines);
    let policy = RecordingPolicy::new(|at, _| if at < scaled(35.0) { RingDecision::Ignore } else { RingDecision::Answer });

    let caller = line.wait_for_call(&policy).await;

    assert!(caller.is_ok(), "caller: {caller:?}");
    let rings = policy.rings();
    assert_eq!(rings.len(), 2, "the ignored call reaches the policy once: {rings:?}");
    let second_at = rings.get(1).map(|&(at, _)| at).unwrap_or_default();
    assert!(second_at >= scaled(40.0), "second call answered at {second_at:?}");
    let off_hook_changes = lock(&lines_state).hook_history.iter().filter(|&&(_, asserted)| asserted).count();
    assert_eq!(off_hook_changes, 1, "the ignored call never takes the line off hook");
    assert_eq!(lock(&pcm_state).opens, 1);
}

#[tokio::test]
async fn card_failure_lets_call_ring_then_retries() {
    let mut bursts = cadence(0, 3);
    bursts.extend(cadence(40, 2));
    let (pcm, pcm_state) = FakePcm::new(8_000, 440.0);
    lock(&pcm_state).failing_opens = 1;
    let (lines, lines_state) = FakeLines::new(bursts);
    let mut line = line(pcm, lines);
    let policy = RecordingPolicy::new(|_, _| RingDecision::Answer);

    let caller = line.wait_for_call(&policy).await;

    assert!(caller.is_ok(), "caller: {caller:?}");
    assert_eq!(lock(&pcm_state).opens, 2, "the card is opened again at the next call");
    let answered_at = policy.rings().last().map(|&(at, _)| at).unwrap_or_default();
    assert!(answered_at >= scaled(40.0), "answered at {answered_at:?}");
    assert!(lock(&lines_state).off_hook);
}

// ---------------------------------------------------------------------------
// Serial port faults.

#[tokio::test]
async fn reopens_vanished_serial_port() {
    let (pcm, _) = FakePcm::new(8_000, 440.0);
    // The backoff waits 0.5 s and 1 s in real time, so the call rings at 2 s real.
    let (lines, lines_state) = FakeLines::new(cadence(40, 2));
    {
        let mut state = lock(&lines_state);
        // Missing at start twice, then gone again after 100 reads (100 ms).
        state.open_errors = VecDeque::from([libc::ENOENT, libc::ENOENT]);
        state.reads_until_vanish = Some(100);
    }
    let mut line = line(pcm, lines);
    let policy = RecordingPolicy::new(|_, _| RingDecision::Answer);

    let caller = line.wait_for_call(&policy).await;

    assert!(caller.is_ok(), "caller: {caller:?}");
    assert_eq!(lock(&lines_state).opens, 4, "two failed opens, one open, one reopen after the port vanished");
    assert_eq!(policy.rings().first().map(|&(_, count)| count), Some(1));
}

#[tokio::test]
async fn permission_denied_is_returned() {
    let (pcm, _) = FakePcm::new(8_000, 440.0);
    let (lines, lines_state) = FakeLines::new(Vec::new());
    lock(&lines_state).open_errors = VecDeque::from([libc::EACCES]);
    let mut line = line(pcm, lines);
    let result = line.wait_for_call(&AnswerOnRing(1)).await;
    assert!(matches!(result, Err(LineError::Open { .. })), "result: {result:?}");
}

#[tokio::test]
async fn pty_without_modem_lines_is_rejected() {
    // Linux ptys do not implement TIOCMGET/TIOCMBIS/TIOCMBIC (ENOTTY), so a
    // real SerialModemLines on a pty must fail with a clear error.
    println!("pty_without_modem_lines_is_rejected: no serial port here; opening a pty, whose driver has no modem-control ioctls");
    let master = unsafe { libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY) };
    assert!(master >= 0, "posix_openpt failed: {}", io::Error::last_os_error());
    let mut name = [0 as libc::c_char; 128];
    let named = unsafe { libc::grantpt(master) == 0 && libc::unlockpt(master) == 0 && libc::ptsname_r(master, name.as_mut_ptr(), name.len()) == 0 };
    assert!(named, "cannot name the pty: {}", io::Error::last_os_error());
    let path = unsafe { std::ffi::CStr::from_ptr(name.as_ptr()) }.to_string_lossy().into_owned();

    let mut lines = super::hook::SerialModemLines::new(&path);
    assert!(lines.open().is_ok(), "the pty opens");
    let status = lines.read_inputs();
    assert_eq!(status.err().and_then(|e| e.raw_os_error()), Some(libc::ENOTTY), "TIOCMGET on a pty");

    let (pcm, _) = FakePcm::new(8_000, 440.0);
    let mut line = UsbAudioLine::with_io("usb-pty", HookWiring::default(), HookTiming::default(), pcm, super::hook::SerialModemLines::new(&path));
    let result = line.wait_for_call(&AnswerOnRing(1)).await;
    let message = result.as_ref().err().map(ToString::to_string).unwrap_or_default();
    assert!(matches!(result, Err(LineError::NotVoiceCapable { .. })), "result: {result:?}");
    assert!(message.contains("pseudo-terminal"), "message: {message}");
    unsafe { libc::close(master) };
}

// ---------------------------------------------------------------------------
// During a call.

#[tokio::test]
async fn loop_break_ends_call() {
    let (pcm, _) = FakePcm::new(8_000, 440.0);
    let (lines, lines_state) = FakeLines::new(cadence(0, 3));
    {
        // Answered at 0 s. A 200 ms dip at 3 s is not a hang-up; the break at 5 s is.
        let mut state = lock(&lines_state);
        state.loop_gaps = vec![(scaled(3.0), scaled(3.2)), (scaled(5.0), scaled(3_600.0))];
    }
    let mut line = line(pcm, lines);
    let caller = line.wait_for_call(&AnswerOnRing(1)).await;
    assert!(caller.is_ok(), "caller: {caller:?}");

    let origin = lock(&lines_state).origin;
    let mut audio_frames = 0;
    let hung_up_at = loop {
        match line.next_event().await {
            Some(LineEvent::Audio(frame)) => {
                audio_frames += 1;
                line.send_frame(&frame);
            }
            Some(LineEvent::HungUp) => break Instant::now().saturating_duration_since(origin),
            other => panic!("unexpected event {other:?}"),
        }
    };
    assert!(hung_up_at >= scaled(5.3), "hung up at {hung_up_at:?}, before the break");
    assert!(hung_up_at < scaled(5.3) + Duration::from_millis(100), "hung up at {hung_up_at:?}, late");
    assert!(audio_frames > 0, "audio flowed before the break");
    assert!(!lock(&lines_state).off_hook, "the driver put the line on hook itself");
    assert!(!line.in_call());
    assert_eq!(line.next_event().await, None, "no events after the call");
}

/// Answers a call on a fake card and returns the line.
async fn answered(pcm: FakePcm) -> UsbAudioLine<FakePcm, FakeLines> {
    let (lines, _) = FakeLines::new(cadence(0, 3));
    let mut line = line(pcm, lines);
    let caller = line.wait_for_call(&AnswerOnRing(1)).await;
    assert!(caller.is_ok(), "caller: {caller:?}");
    line
}

/// Receives `count` audio frames, sending `reply(n)` back for frame `n`.
async fn exchange(line: &mut UsbAudioLine<FakePcm, FakeLines>, count: usize, reply: impl Fn(usize) -> Frame) -> Vec<i16> {
    let mut received = Vec::new();
    for n in 0..count {
        match line.next_event().await {
            Some(LineEvent::Audio(frame)) => {
                received.extend_from_slice(&frame);
                line.send_frame(&reply(n));
            }
            other => panic!("unexpected event {other:?}"),
        }
    }
    received
}

fn frame_of(samples: &[i16]) -> Frame {
    let mut frame = [0i16; FRAME_SAMPLES];
    for (slot, &sample) in frame.iter_mut().zip(samples) {
        *slot = sample;
    }
    frame
}

#[tokio::test]
async fn resamples_48k_card_both_ways() {
    let (pcm, pcm_state) = FakePcm::new(48_000, 1_000.0);
    let mut line = answered(pcm).await;
    let reply = |n: usize| frame_of(&sine(LINE_RATE, 700.0, 0.5, n * FRAME_SAMPLES, FRAME_SAMPLES));

    let received = exchange(&mut line, 100, reply).await;
    line.hang_up().await;

    // Skip the first 100 ms, where the filter fills.
    let settled = received.get(800..).unwrap_or_default();
    assert!(settled.len() >= 7_000, "received {} samples", received.len());
    let at_1k = goertzel(settled, LINE_RATE, 1_000.0);
    assert!((at_1k - 0.5).abs() < 0.02, "the 1 kHz capture tone arrives at 8 kHz with amplitude {at_1k:.3}, expected 0.5");
    let at_3k = goertzel(settled, LINE_RATE, 3_000.0);
    assert!(at_3k < 0.005, "no energy away from the tone: {at_3k:.4} at 3 kHz");

    let written = lock(&pcm_state).written.clone();
    // 2 prefill blocks of 960, then about 960 per frame sent back.
    let expected = (PREFILL_PERIODS + 100) * 960;
    assert!(written.len().abs_diff(expected) <= 2 * 960, "wrote {} samples at 48 kHz, expected about {expected}", written.len());
    let middle = written.get(48_000..88_000).unwrap_or_default();
    let at_700 = goertzel(middle, 48_000, 700.0);
    assert!((at_700 - 0.5).abs() < 0.02, "the 700 Hz reply plays at 48 kHz with amplitude {at_700:.3}, expected 0.5");
    let image = goertzel(middle, 48_000, 8_000.0 - 700.0);
    assert!(image < 0.005, "the 7.3 kHz image of the reply is filtered: {image:.4}");
}

#[tokio::test]
async fn underrun_recovers_and_refills_silence() {
    let (pcm, pcm_state) = FakePcm::new(8_000, 440.0);
    lock(&pcm_state).underrun_on_writes = vec![10];
    let mut line = answered(pcm).await;

    let _ = exchange(&mut line, 30, |_| [1_000i16; FRAME_SAMPLES]).await;
    line.hang_up().await;

    let state = lock(&pcm_state);
    assert_eq!(state.recovered, vec![Stream::Playback], "one playback recovery");
    assert_eq!(state.writes_at_recovery, vec![10], "recovered right after the failed write");
    // The writes after recovery are the prefill: silent blocks.
    let written_before = (10 - 1) * FRAME_SAMPLES;
    let refill = state.written.get(written_before..written_before + PREFILL_PERIODS * FRAME_SAMPLES).unwrap_or_default();
    assert_eq!(refill.len(), PREFILL_PERIODS * FRAME_SAMPLES);
    assert!(refill.iter().all(|&s| s == 0), "the refill is silence");
}

#[tokio::test]
async fn playback_queue_is_capped() {
    let (pcm, _) = FakePcm::new(8_000, 440.0);
    let stream = AudioStream::start(pcm, "usb-test").await.map_err(|(_, error)| error.to_string());
    let mut stream = match stream {
        Ok(stream) => stream,
        Err(error) => panic!("cannot start the fake stream: {error}"),
    };
    // The call loop stalls, then sends 20 frames at once.
    for _ in 0..20 {
        stream.send_frame(&[500; FRAME_SAMPLES]);
    }
    for _ in 0..5 {
        let _ = stream.next_event().await;
    }
    let dropped = stream.counters().dropped_oldest.load(Ordering::Relaxed);
    assert!(dropped >= 15, "dropped {dropped} of 20 frames to keep 5 queued");
    let _ = stream.stop().await;
}

// ---------------------------------------------------------------------------
// DTMF.

const ALL_FREQUENCIES: [f64; 8] = [697.0, 770.0, 852.0, 941.0, 1209.0, 1336.0, 1477.0, 1633.0];

/// Finds the key whose two frequencies stand out in a 100 ms tone.
fn detect_key(tone: &[i16]) -> Option<char> {
    let levels: Vec<f64> = ALL_FREQUENCIES.iter().map(|&hz| goertzel(tone, LINE_RATE, hz)).collect();
    let strongest = |range: std::ops::Range<usize>| {
        range.max_by(|&a, &b| levels.get(a).unwrap_or(&0.0).total_cmp(levels.get(b).unwrap_or(&0.0)))
    };
    let row = strongest(0..4)?;
    let column = strongest(4..8)?;
    // Every other frequency must be at least 20 dB (a factor of 10) below.
    let weakest_pair = levels.get(row)?.min(*levels.get(column)?);
    let others = levels.iter().enumerate().filter(|&(i, _)| i != row && i != column);
    if others.clone().any(|(_, &level)| level * 10.0 > weakest_pair) {
        return None;
    }
    "123A456B789C*0#D".chars().nth(row * 4 + column - 4)
}

#[test]
fn dtmf_tones_decode_to_their_keys() {
    let keys = "0123456789*#ABCD";
    let frames = match dtmf_frames(keys) {
        Ok(frames) => frames,
        Err(key) => panic!("rejected key {key:?}"),
    };
    assert_eq!(frames.len(), keys.len() * 8, "eight 20 ms frames per key");
    let samples: Vec<i16> = frames.iter().flatten().copied().collect();
    for (index, key) in keys.chars().enumerate() {
        let start = index * 1_280;
        let tone = samples.get(start..start + 800).unwrap_or_default();
        let gap = samples.get(start + 800..start + 1_280).unwrap_or_default();
        assert_eq!(detect_key(tone), Some(key), "tone {index}");
        assert!(gap.iter().all(|&s| s == 0), "60 ms of silence after {key}");
    }
}

#[test]
fn dtmf_tone_levels_are_equal_and_unclipped() {
    for key in "159D".chars() {
        let frames = dtmf_frames(&key.to_string()).unwrap_or_default();
        let samples: Vec<i16> = frames.iter().flatten().copied().collect();
        let tone = samples.get(..800).unwrap_or_default();
        let Some((row_hz, column_hz)) = key_frequencies(key) else {
            panic!("no frequencies for {key}");
        };
        let row = goertzel(tone, LINE_RATE, row_hz);
        let column = goertzel(tone, LINE_RATE, column_hz);
        assert!((row - 0.3).abs() < 0.03, "{key}: row level {row:.3}");
        assert!((column - 0.3).abs() < 0.03, "{key}: column level {column:.3}");
        let peak = tone.iter().map(|&s| i32::from(s).abs()).max().unwrap_or(0);
        assert!(peak < 32_000, "{key}: peak {peak} clips");
    }
}

#[test]
fn dtmf_rejects_non_keys() {
    let cases = [("12x4", 'x'), ("E", 'E'), (" ", ' '), ("5,", ',')];
    for (digits, bad) in cases {
        assert_eq!(dtmf_frames(digits).err(), Some(bad), "digits {digits:?}");
    }
    assert_eq!(dtmf_frames("abcd").map(|frames| frames.len()), Ok(32), "lower-case A-D are keys");
}

#[tokio::test]
async fn send_dtmf_plays_into_the_call() {
    let (pcm, pcm_state) = FakePcm::new(8_000, 440.0);
    let mut line = answered(pcm).await;
    let _ = exchange(&mut line, 5, |_| [0; FRAME_SAMPLES]).await;

    // Nobody reads events while the tones play: the card's clock drives the
    // thread, and the event queue holds a second, more than the tones last.
    let written_before = lock(&pcm_state).written.len();
    let send = line.send_dtmf("7#");
    let sent = tokio::time::timeout(Duration::from_secs(5), send).await;
    assert!(matches!(sent, Ok(Ok(()))), "send_dtmf: {sent:?}");
    line.hang_up().await;

    let written = lock(&pcm_state).written.clone();
    let tones = written.get(written_before..).unwrap_or_default();
    let first_tone = tones.iter().position(|&s| s != 0).unwrap_or(0);
    let seven = tones.get(first_tone..first_tone + 800).unwrap_or_default();
    let hash = tones.get(first_tone + 1_280..first_tone + 2_080).unwrap_or_default();
    assert_eq!(detect_key(seven), Some('7'));
    assert_eq!(detect_key(hash), Some('#'));
}

#[tokio::test]
async fn send_dtmf_without_call_fails() {
    let (pcm, _) = FakePcm::new(8_000, 440.0);
    let (lines, _) = FakeLines::new(Vec::new());
    let mut line = line(pcm, lines);
    let result = line.send_dtmf("1").await;
    assert!(matches!(result, Err(LineError::Device { .. })), "result: {result:?}");
}

#[tokio::test]
async fn transfer_is_unsupported() {
    let (pcm, _) = FakePcm::new(8_000, 440.0);
    let (lines, _) = FakeLines::new(Vec::new());
    let mut line = line(pcm, lines);
    let result = line.transfer("0612345678").await;
    assert!(matches!(result, Err(LineError::Unsupported { .. })), "result: {result:?}");
}

#[tokio::test]
async fn caller_keys_become_dtmf_events() {
    let (mut pcm, _) = FakePcm::new(8_000, 440.0);
    let mut script = vec![0i16; 5 * FRAME_SAMPLES];
    for frame in crate::audio::dtmf::dtmf_frames("42").unwrap() {
        script.extend_from_slice(&frame);
    }
    pcm.capture_script = Some(script);
    let mut line = answered(pcm).await;
    let mut keys = Vec::new();
    let mut frames = 0;
    while frames < 30 {
        match line.next_event().await {
            Some(LineEvent::Audio(frame)) => {
                frames += 1;
                line.send_frame(&frame);
            }
            Some(LineEvent::Dtmf(key)) => keys.push(key),
            other => panic!("unexpected event {other:?}"),
        }
    }
    line.hang_up().await;
    assert_eq!(keys, vec!['4', '2']);
}
