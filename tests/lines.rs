//! The line drivers against the pty simulators of each device: answering,
//! caller ID, audio both ways, the end of a call, DTMF, SMS, transfer, and
//! the misbehaviour of real modems. No models are needed: the call side is
//! an echo loop that sends back what it hears.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use standardiste::audio::{rms_dbfs, Frame, FRAME_SAMPLES, SILENT_FRAME};
use standardiste::line::any::AnyLine;
use standardiste::line::gsm::GsmLine;
use standardiste::line::settings::LineSettings;
use standardiste::line::{AnswerOnRing, CallerId, Line, LineDevice, LineError, LineEvent};
use standardiste_modem::sim::{CallEnd, CallerAudio, CallerIdSpec, Device, Faults, IncomingCall, SimOptions, Simulator, SmsResult};

const ALL_DEVICES: [Device; 4] = [Device::Sim7600, Device::Ec25, Device::Usr5637, Device::Cx93010];

/// A caller who hums a 440 Hz tone for `talk_frames` frames, then stays
/// silent, and counts the frames of the box's audio that had sound in them.
struct ToneCaller {
    frame: u64,
    /// Frames of silence before the tone starts.
    quiet_frames: u64,
    talk_frames: u64,
    hang_up_at: Option<u64>,
    heard_sound: Arc<AtomicU64>,
}

impl ToneCaller {
    fn new(talk: Duration, hang_up_after: Option<Duration>) -> (ToneCaller, Arc<AtomicU64>) {
        let heard_sound = Arc::new(AtomicU64::new(0));
        let caller = ToneCaller {
            frame: 0,
            quiet_frames: 0,
            talk_frames: talk.as_millis() as u64 / 20,
            hang_up_at: hang_up_after.map(|after| after.as_millis() as u64 / 20),
            heard_sound: heard_sound.clone(),
        };
        (caller, heard_sound)
    }
}

impl ToneCaller {
    /// A caller who hums only between `from` and `to` after the answer.
    fn window(from: Duration, to: Duration, hang_up_after: Option<Duration>) -> (ToneCaller, Arc<AtomicU64>) {
        let (mut caller, heard) = ToneCaller::new(to, hang_up_after);
        caller.quiet_frames = from.as_millis() as u64 / 20;
        (caller, heard)
    }
}

impl CallerAudio for ToneCaller {
    fn exchange(&mut self, heard: &[i16; FRAME_SAMPLES]) -> Option<[i16; FRAME_SAMPLES]> {
        if rms_dbfs(heard) > -40.0 {
            self.heard_sound.fetch_add(1, Ordering::Relaxed);
        }
        if self.hang_up_at.is_some_and(|at| self.frame >= at) {
            return None;
        }
        let mut out = [0i16; FRAME_SAMPLES];
        if self.frame >= self.quiet_frames && self.frame < self.talk_frames {
            for (index, sample) in out.iter_mut().enumerate() {
                let t = (self.frame as usize * FRAME_SAMPLES + index) as f64 / 8_000.0;
                *sample = (8_000.0 * (2.0 * std::f64::consts::PI * 440.0 * t).sin()) as i16;
            }
        }
        self.frame += 1;
        Some(out)
    }
}

fn simulator(device: Device, dir: &Path, faults: Faults) -> Simulator {
    // Driver logs go to the test's output; RUST_LOG=debug shows every exchange.
    let filter = std::env::var("RUST_LOG").unwrap_or_else(|_| "info".to_string());
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_test_writer().try_init();
    let mut options = SimOptions::new(dir);
    options.ring_interval = Duration::from_millis(400);
    options.faults = faults;
    Simulator::start(device, options).unwrap_or_else(|e| panic!("starting the {} simulator: {e}", device.name()))
}

fn settings(simulator: &Simulator, answer_on_ring: u32) -> LineSettings {
    LineSettings::for_simulator(simulator, answer_on_ring)
}

fn incoming(caller: CallerIdSpec, audio: impl CallerAudio + 'static) -> IncomingCall {
    IncomingCall { caller, audio: Box::new(audio), dtmf: Vec::new(), max_rings: 8 }
}

fn number(number: &str) -> CallerIdSpec {
    CallerIdSpec::Number { number: number.to_string(), name: None }
}

/// What the echo loop saw of one call.
#[derive(Debug, Default)]
struct Echo {
    frames: u64,
    frames_with_sound: u64,
    digits: Vec<char>,
    hung_up: bool,
    elapsed: Duration,
}

/// Sends back every frame, as a call loop would, until the caller hangs up
/// or `limit` passes (then the box hangs up).
async fn echo_call<L: Line>(line: &mut L, limit: Duration) -> Echo {
    respond(line, limit, |frame| *frame).await
}

/// Answers each frame with `reply(frame)` until the caller hangs up or `limit` passes.
async fn respond<L: Line>(line: &mut L, limit: Duration, mut reply: impl FnMut(&Frame) -> Frame) -> Echo {
    let started = Instant::now();
    let mut echo = Echo::default();
    loop {
        let left = limit.saturating_sub(started.elapsed());
        match tokio::time::timeout(left, line.next_event()).await {
            Ok(Some(LineEvent::Audio(frame))) => {
                echo.frames += 1;
                if rms_dbfs(&frame) > -40.0 {
                    echo.frames_with_sound += 1;
                }
                line.send_frame(&reply(&frame));
            }
            Ok(Some(LineEvent::Dtmf(digit))) => echo.digits.push(digit),
            Ok(Some(LineEvent::HungUp)) | Ok(None) => {
                echo.hung_up = true;
                break;
            }
            Err(_) => break,
        }
    }
    echo.elapsed = started.elapsed();
    line.hang_up().await;
    echo
}

async fn answer(line: &mut AnyLine, ring: u32) -> CallerId {
    tokio::time::timeout(Duration::from_secs(30), line.wait_for_call(&AnswerOnRing(ring)))
        .await
        .expect("the call is answered within 30 s")
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_on_ring_n_with_caller_id() {
    for device in ALL_DEVICES {
        let dir = tempfile::tempdir().unwrap();
        let sim = simulator(device, dir.path(), Faults::default());
        let mut line = AnyLine::open(&settings(&sim, 3)).await.unwrap_or_else(|e| panic!("{e}"));
        let (caller, _) = ToneCaller::new(Duration::ZERO, Some(Duration::from_secs(3)));
        sim.ring(incoming(number("+33612345678"), caller));
        let caller = answer(&mut line, 3).await;
        assert_eq!(caller.number(), Some("+33612345678"), "{}", device.name());
        echo_call(&mut line, Duration::from_secs(10)).await;
        let report = sim.report();
        assert_eq!(report.calls.len(), 1, "{}", device.name());
        assert_eq!(report.calls[0].rings, 3, "{}: answered on the third ring", device.name());
        assert!(report.calls[0].answered_at.is_some(), "{}", device.name());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn withheld_and_unavailable_caller_id() {
    for device in ALL_DEVICES {
        let dir = tempfile::tempdir().unwrap();
        let sim = simulator(device, dir.path(), Faults::default());
        let mut line = AnyLine::open(&settings(&sim, 2)).await.unwrap_or_else(|e| panic!("{e}"));
        for (spec, expected) in [
            (CallerIdSpec::Withheld, CallerId::Withheld),
            (CallerIdSpec::Unavailable, CallerId::Unavailable),
            (
                CallerIdSpec::Number { number: "0612345678".into(), name: Some("DUPONT JEAN".into()) },
                CallerId::Number { number: "0612345678".into(), name: Some("DUPONT JEAN".into()) },
            ),
        ] {
            let (caller, _) = ToneCaller::new(Duration::ZERO, Some(Duration::from_secs(3)));
            sim.ring(incoming(spec.clone(), caller));
            let caller = answer(&mut line, 2).await;
            if device.is_gsm() {
                // +CLIP carries a name only when the SIM's phone book knows the number.
                assert_eq!(caller.number(), expected.number(), "{}: {spec:?}", device.name());
                assert_eq!(std::mem::discriminant(&caller), std::mem::discriminant(&expected), "{}: {spec:?}", device.name());
            } else {
                assert_eq!(caller, expected, "{}: {spec:?}", device.name());
            }
            echo_call(&mut line, Duration::from_secs(10)).await;
            assert!(sim.wait_call_end(Duration::from_secs(5)), "{}: the call ends", device.name());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audio_flows_both_ways_at_line_pace() {
    for device in [Device::Sim7600, Device::Ec25, Device::Cx93010] {
        let dir = tempfile::tempdir().unwrap();
        let sim = simulator(device, dir.path(), Faults::default());
        let mut line = AnyLine::open(&settings(&sim, 1)).await.unwrap_or_else(|e| panic!("{e}"));
        // The SIM7600 starts PCM 1.5 s after the answer: 6 s of tone leaves 4.5 s to hear.
        let (caller, heard) = ToneCaller::new(Duration::from_secs(6), Some(Duration::from_secs(9)));
        sim.ring(incoming(number("+33612345678"), caller));
        answer(&mut line, 1).await;
        let echo = echo_call(&mut line, Duration::from_secs(20)).await;
        let name = device.name();
        assert!(echo.hung_up, "{name}: the caller's hang-up ends the call");
        assert!(echo.frames_with_sound >= 225, "{name}: the box heard the tone in {} frames", echo.frames_with_sound);
        let expected = echo.elapsed.as_millis() as f64 / 20.0;
        assert!(
            (echo.frames as f64) > expected * 0.85 && (echo.frames as f64) < expected * 1.05,
            "{name}: {} frames in {:?}",
            echo.frames,
            echo.elapsed
        );
        let heard = heard.load(Ordering::Relaxed);
        assert!(heard >= 200, "{name}: the caller heard its echo in {heard} frames");
        let audio = sim.report().audio;
        assert!(audio.underruns <= audio.frames_from_host / 50, "{name}: {audio:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_duplex_modem_takes_turns() {
    let dir = tempfile::tempdir().unwrap();
    let sim = simulator(Device::Usr5637, dir.path(), Faults::default());
    let mut line = AnyLine::open(&settings(&sim, 1)).await.unwrap_or_else(|e| panic!("{e}"));
    // The caller says nothing for 3 s, then hums for 3 s.
    let (caller, heard) = ToneCaller::window(Duration::from_secs(3), Duration::from_secs(6), Some(Duration::from_secs(9)));
    sim.ring(incoming(number("0612345678"), caller));
    answer(&mut line, 1).await;
    // The box speaks (a loud frame pattern) for its first second, then listens.
    let mut frame_index = 0u32;
    let echo = respond(&mut line, Duration::from_secs(20), |_| {
        frame_index += 1;
        if frame_index <= 50 {
            [6_000; FRAME_SAMPLES].map(|s| if frame_index % 2 == 0 { s } else { -s })
        } else {
            SILENT_FRAME
        }
    })
    .await;
    let heard = heard.load(Ordering::Relaxed);
    assert!(heard >= 40, "the caller heard the box's second of speech in {heard} frames");
    // Switching and talking deliver no modem audio: the call's clock must still keep real time.
    let expected = echo.elapsed.as_millis() as f64 / 20.0;
    assert!(
        (echo.frames as f64) > expected * 0.98 && (echo.frames as f64) < expected * 1.02,
        "{} frames in {:?}",
        echo.frames,
        echo.elapsed
    );
    assert!(echo.frames_with_sound >= 120, "back to listening, the box heard the caller in {} frames", echo.frames_with_sound);
    assert!(echo.hung_up);
    match &line {
        AnyLine::VoiceModem(modem) => {
            assert_eq!(modem.duplex(), standardiste::line::voice_modem::Duplex::Half);
            let stats = modem.audio_stats().expect("the call's audio counters");
            assert_eq!(stats.switches, 2, "one switch to talking and one back: {stats:?}");
        }
        _ => unreachable!("a USR5637 is a voice modem"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn caller_hanging_up_mid_sentence_ends_the_call() {
    for device in ALL_DEVICES {
        let dir = tempfile::tempdir().unwrap();
        let faults = Faults { hang_up_after: Some(Duration::from_secs(2)), ..Faults::default() };
        let sim = simulator(device, dir.path(), faults);
        let mut line = AnyLine::open(&settings(&sim, 1)).await.unwrap_or_else(|e| panic!("{e}"));
        // The caller talks for a minute: only the hang-up can end this call.
        let (caller, _) = ToneCaller::new(Duration::from_secs(60), None);
        sim.ring(incoming(number("+33612345678"), caller));
        answer(&mut line, 1).await;
        let echo = echo_call(&mut line, Duration::from_secs(30)).await;
        let name = device.name();
        assert!(echo.hung_up, "{name}: the driver reported the hang-up");
        assert!(echo.elapsed < Duration::from_secs(12), "{name}: the call ran on for {:?} after the caller left", echo.elapsed);
        let report = sim.report();
        assert_eq!(report.calls[0].ended_by, Some(CallEnd::Caller), "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dtmf_is_received_and_sent() {
    for device in ALL_DEVICES {
        let dir = tempfile::tempdir().unwrap();
        let sim = simulator(device, dir.path(), Faults::default());
        let mut line = AnyLine::open(&settings(&sim, 1)).await.unwrap_or_else(|e| panic!("{e}"));
        let (caller, _) = ToneCaller::new(Duration::ZERO, Some(Duration::from_secs(6)));
        let mut call = incoming(number("+33612345678"), caller);
        call.dtmf = vec![(Duration::from_millis(2_000), '1'), (Duration::from_millis(3_000), '#')];
        sim.ring(call);
        answer(&mut line, 1).await;
        let sent = line.send_dtmf("0").await;
        let echo = echo_call(&mut line, Duration::from_secs(20)).await;
        let name = device.name();
        assert_eq!(echo.digits, vec!['1', '#'], "{name}");
        if device.is_gsm() {
            assert!(sent.is_ok(), "{name}: {sent:?}");
            assert_eq!(sim.report().dtmf_sent, vec!['0'], "{name}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_without_voice_are_refused() {
    for (device, expected) in [
        (Device::Sim7600, "SIM7080"),
        (Device::Ec25, "no PCM voice path"),
        (Device::Usr5637, "AT+FCLASS=8"),
        (Device::Cx93010, "AT+FCLASS=8"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let sim = simulator(device, dir.path(), Faults { no_voice: true, ..Faults::default() });
        let error = match AnyLine::open(&settings(&sim, 1)).await {
            Ok(_) => panic!("{}: a device without voice was accepted", device.name()),
            Err(error) => error,
        };
        assert!(matches!(error, LineError::NotVoiceCapable { .. }), "{}: {error}", device.name());
        assert!(error.to_string().contains(expected), "{}: {error}", device.name());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_echo_and_cut_lines_do_not_wedge() {
    for device in ALL_DEVICES {
        let dir = tempfile::tempdir().unwrap();
        let faults = Faults {
            echo: true,
            garbage_every: Some(Duration::from_millis(250)),
            cut_lines: true,
            ..Faults::default()
        };
        let sim = simulator(device, dir.path(), faults);
        let mut line = AnyLine::open(&settings(&sim, 2)).await.unwrap_or_else(|e| panic!("{}: {e}", device.name()));
        for _ in 0..2 {
            let (caller, _) = ToneCaller::new(Duration::from_secs(1), Some(Duration::from_secs(3)));
            sim.ring(incoming(number("+33612345678"), caller));
            let caller = answer(&mut line, 2).await;
            assert_eq!(caller.number(), Some("+33612345678"), "{}", device.name());
            let echo = echo_call(&mut line, Duration::from_secs(20)).await;
            assert!(echo.hung_up, "{}", device.name());
            assert!(sim.wait_call_end(Duration::from_secs(5)), "{}", device.name());
        }
        assert!(sim.report().garbage_bursts > 0, "{}: garbage was sent", device.name());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn port_that_vanishes_is_reopened() {
    for device in [Device::Sim7600, Device::Usr5637] {
        let dir = tempfile::tempdir().unwrap();
        let faults = Faults { vanish: Some((Duration::from_secs(1), Duration::from_secs(2))), ..Faults::default() };
        let sim = simulator(device, dir.path(), faults);
        // Analog caller ID comes between the first and second ring.
        let mut line = AnyLine::open(&settings(&sim, 2)).await.unwrap_or_else(|e| panic!("{e}"));
        let wait = tokio::spawn(async move {
            let caller = line.wait_for_call(&AnswerOnRing(2)).await;
            (line, caller)
        });
        // Ring once the port is back.
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert_eq!(sim.report().returned, 1, "{}: the port came back", device.name());
        let (caller, _) = ToneCaller::new(Duration::ZERO, Some(Duration::from_secs(3)));
        sim.ring(incoming(number("+33612345678"), caller));
        let (mut line, caller) = tokio::time::timeout(Duration::from_secs(30), wait)
            .await
            .expect("the call is answered after the port returns")
            .unwrap();
        assert_eq!(caller.unwrap_or_else(|e| panic!("{e}")).number(), Some("+33612345678"));
        echo_call(&mut line, Duration::from_secs(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_lost_mid_call_ends_it() {
    for device in ALL_DEVICES {
        for unplugged in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            // Silent: the device stops answering commands and sending audio, still plugged in.
            let faults = Faults { silent_after: (!unplugged).then_some(Duration::from_secs(5)), ..Faults::default() };
            let sim = simulator(device, dir.path(), faults);
            let mut line = AnyLine::open(&settings(&sim, 1)).await.unwrap_or_else(|e| panic!("{e}"));
            let (caller, _) = ToneCaller::new(Duration::from_secs(60), None);
            sim.ring(incoming(number("+33612345678"), caller));
            answer(&mut line, 1).await;
            if unplugged {
                drop(sim);
            }
            let echo = echo_call(&mut line, Duration::from_secs(40)).await;
            let name = device.name();
            assert!(echo.hung_up, "{name} (unplugged: {unplugged}): a lost device ends the call");
            assert!(echo.elapsed < Duration::from_secs(20), "{name} (unplugged: {unplugged}): took {:?}", echo.elapsed);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sms_with_accents_matches_the_pdu_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let sim = simulator(Device::Sim7600, dir.path(), Faults::default());
    let settings = settings(&sim, 1);
    let gsm = standardiste::line::gsm::GsmSettings {
        label: "gsm0".into(),
        at_port: settings.port.clone(),
        audio_port: settings.audio_port.clone().unwrap(),
        baud: 115_200,
    };
    let mut line = GsmLine::open(gsm).await.unwrap_or_else(|e| panic!("{e}"));
    // î and ç are outside the GSM 7-bit alphabet, so this text needs UCS-2.
    let text = "Rappel : Mme Benoît, fièvre élevée, ça presse.";
    line.send_sms("+33612345678", text).await.unwrap_or_else(|e| panic!("{e}"));
    let long = "Message de Harbor Dental Clinic : Mme Bérénice Benoît a appelé à 14h30 pour déplacer son rendez-vous de mardi. Rappeler avant 18h.";
    let references = line.send_sms("+33612345678", long).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(references.len(), 2, "{} UTF-16 units need two UCS-2 parts", long.encode_utf16().count());

    let report = sim.report();
    assert_eq!(report.sms.len(), 3);
    // SMS-SUBMIT, derived field by field from 3GPP TS 23.040: SMSC 00 (from the SIM),
    // first octet 11, TP-MR 00, DA 0B 91 3316325476F8, PID 00, DCS 08 (UCS-2),
    // VP A7 (24 h), UDL 5C (92 octets), then the text in UTF-16BE.
    let expected = "0011000B913316325476F80008A75C00520061007000700065006C0020003A0020004D006D0065002000420065006E006F00EE0074002C00200066006900E8007600720065002000E9006C0065007600E90065002C002000E700610020007000720065007300730065002E";
    assert_eq!(report.sms[0].body, expected);
    assert_eq!(report.sms[0].argument, "106", "AT+CMGS takes the TPDU length without the SMSC octet");
    assert_eq!(report.sms[0].text.as_deref(), Some(text));
    let joined: String = report.sms[1..].iter().filter_map(|sms| sms.text.clone()).collect();
    assert_eq!(joined, long, "the two parts rebuild the message");
    for part in &report.sms[1..] {
        let pdu = part.pdu.as_ref().expect("the simulator decoded the PDU");
        assert_eq!(pdu.concat.map(|(_, total, _)| total), Some(2), "{pdu:?}");
        assert!(matches!(part.result, SmsResult::Sent { .. }));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sms_error_carries_its_meaning() {
    let dir = tempfile::tempdir().unwrap();
    let sim = simulator(Device::Ec25, dir.path(), Faults { sms_error: Some(330), ..Faults::default() });
    let settings = settings(&sim, 1);
    let gsm = standardiste::line::gsm::GsmSettings {
        label: "gsm0".into(),
        at_port: settings.port.clone(),
        audio_port: settings.audio_port.clone().unwrap(),
        baud: 115_200,
    };
    let mut line = GsmLine::open(gsm).await.unwrap_or_else(|e| panic!("{e}"));
    let error = line.send_sms("+33612345678", "Bonjour").await.unwrap_err().to_string();
    assert!(error.contains("+CMS ERROR: 330"), "{error}");
    assert!(error.to_lowercase().contains("smsc"), "the meaning names the SMSC: {error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_transfer_keeps_the_caller() {
    let dir = tempfile::tempdir().unwrap();
    let sim = simulator(Device::Sim7600, dir.path(), Faults::default());
    let mut line = AnyLine::open(&settings(&sim, 1)).await.unwrap_or_else(|e| panic!("{e}"));
    let (caller, _) = ToneCaller::new(Duration::from_secs(1), Some(Duration::from_secs(6)));
    sim.ring(incoming(number("+33612345678"), caller));
    answer(&mut line, 1).await;
    let result = line.transfer("+33698765432").await;
    assert!(result.is_err(), "the simulated network refuses the transfer");
    let echo = echo_call(&mut line, Duration::from_secs(20)).await;
    assert!(echo.hung_up, "the caller stayed on the line until hanging up");
    assert_eq!(sim.report().calls[0].ended_by, Some(CallEnd::Caller));

    let dir = tempfile::tempdir().unwrap();
    let sim = simulator(Device::Usr5637, dir.path(), Faults::default());
    let mut line = AnyLine::open(&settings(&sim, 1)).await.unwrap_or_else(|e| panic!("{e}"));
    let (caller, _) = ToneCaller::new(Duration::ZERO, Some(Duration::from_secs(3)));
    sim.ring(incoming(number("0612345678"), caller));
    answer(&mut line, 1).await;
    let error = line.transfer("0698765432").await.unwrap_err();
    assert!(matches!(error, LineError::Unsupported { .. }), "{error}");
    echo_call(&mut line, Duration::from_secs(10)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_lines_carry_calls_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let gsm_sim = simulator(Device::Sim7600, &dir.path().join("gsm"), Faults::default());
    let modem_sim = simulator(Device::Cx93010, &dir.path().join("modem"), Faults::default());
    let mut lines = Vec::new();
    for sim in [&gsm_sim, &modem_sim] {
        let line = AnyLine::open(&settings(sim, 1)).await.unwrap_or_else(|e| panic!("{e}"));
        let (caller, _) = ToneCaller::new(Duration::from_secs(5), Some(Duration::from_secs(7)));
        sim.ring(incoming(number("+33612345678"), caller));
        lines.push(line);
    }
    let mut tasks = Vec::new();
    for mut line in lines {
        tasks.push(tokio::spawn(async move {
            answer(&mut line, 1).await;
            echo_call(&mut line, Duration::from_secs(20)).await
        }));
    }
    for task in tasks {
        let echo = task.await.unwrap();
        assert!(echo.hung_up);
        assert!(echo.frames_with_sound >= 100, "{echo:?}");
    }
}

#[test]
fn speech_is_not_taken_for_keys() {
    use standardiste::audio::dtmf_detect::DtmfDetector;
    use standardiste::audio::wav::read_caller_recording;

    let mut recordings: Vec<std::path::PathBuf> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"))
        .unwrap()
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "wav"))
        .collect();
    // Every prompt and spoken digit of two Asterisk voices: hours of speech
    // with the tones and pitch of a voice over the telephone band.
    for voice in ["en_US_f_Allison", "fr_CA_f_June"] {
        let dir = Path::new("/usr/share/asterisk/sounds").join(voice);
        for folder in [dir.clone(), dir.join("digits")] {
            let Ok(entries) = std::fs::read_dir(&folder) else { continue };
            recordings.extend(
                entries
                    .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                    .filter(|path| path.extension().is_some_and(|ext| ext == "wav")),
            );
        }
    }
    assert!(recordings.len() > 200, "{} recordings found; install them with `make setup`", recordings.len());
    for path in recordings {
        let samples = read_caller_recording(&path).unwrap_or_else(|e| panic!("{e}"));
        let mut detector = DtmfDetector::new();
        let keys: String = samples
            .chunks_exact(FRAME_SAMPLES)
            .filter_map(|chunk| {
                let mut frame = [0i16; FRAME_SAMPLES];
                frame.copy_from_slice(chunk);
                detector.feed(&frame)
            })
            .collect();
        assert_eq!(keys, "", "{} was heard as keys", path.display());
    }
}
