//! The USB sound card line's real ALSA path, through alsa-lib's own plugins.
//!
//! This machine has no sound card and cannot load snd-aloop, so the tests
//! point ALSA_CONFIG_PATH at a generated configuration. Each of its devices
//! captures from a file and plays into a file: the `file` plugin over the
//! `null` plugin, with `asym` joining the two directions. AlsaPcm then runs its real open,
//! hw_params, sw_params, readi and writei calls in alsa-lib. The setting is
//! made once, before any ALSA call, and this file is its own test process,
//! so it affects no other test.
//!
//! The `null` plugin does not pace in real time (it returns any number of
//! periods at once), so the tests that run a whole call wrap the card in
//! [`PacedPcm`], which sleeps 20 ms per block read.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use standardiste::audio::{Frame, FRAME_SAMPLES, LINE_RATE};
use standardiste::line::usb_audio::hook::{HookWiring, InputLevels, ModemLines, Output, Signal};
use standardiste::line::usb_audio::pcm::{AlsaPcm, PcmError, PcmIo, Stream};
use standardiste::line::usb_audio::{HookTiming, UsbAudioLine};
use standardiste::line::{AnswerOnRing, Line, LineDevice, LineEvent};

/// Seconds of caller audio in each capture file.
const CAPTURE_SECONDS: usize = 3;

/// Files behind the generated ALSA devices.
struct AlsaFiles {
    dir: PathBuf,
}

impl AlsaFiles {
    fn capture_8k(&self) -> PathBuf {
        self.dir.join("caller-8k.raw")
    }
    fn capture_48k(&self) -> PathBuf {
        self.dir.join("caller-48k.raw")
    }
    fn playback(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.raw"))
    }
}

/// Writes the configuration and the capture files, and sets ALSA_CONFIG_PATH, once.
fn alsa_files() -> &'static AlsaFiles {
    static FILES: OnceLock<AlsaFiles> = OnceLock::new();
    FILES.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("standardiste-usb-audio-{}", std::process::id()));
        let setup = || -> io::Result<AlsaFiles> {
            std::fs::create_dir_all(&dir)?;
            let files = AlsaFiles { dir: dir.clone() };
            write_raw(&files.capture_8k(), &sine(8_000, 1_000.0, 0.5, 0, 8_000 * CAPTURE_SECONDS))?;
            write_raw(&files.capture_48k(), &sine(48_000, 1_000.0, 0.5, 0, 48_000 * CAPTURE_SECONDS))?;
            let config = dir.join("asound.conf");
            std::fs::write(&config, alsa_config(&files))?;
            // SAFETY of the environment change: it runs once, before any test
            // in this process calls into alsa-lib, which reads the variable.
            std::env::set_var("ALSA_CONFIG_PATH", &config);
            Ok(files)
        };
        match setup() {
            Ok(files) => files,
            Err(error) => panic!("cannot write the ALSA test configuration in {}: {error}", dir.display()),
        }
    })
}

/// Devices `line8k`, `line48k`, `linecall` and `linecall48k`, one per test
/// that writes, each capturing from a raw file and playing into its own.
fn alsa_config(files: &AlsaFiles) -> String {
    let device = |name: &str, infile: &Path| {
        format!(
            r#"
pcm.{name}_in {{ type file slave.pcm "null" file "/dev/null" infile "{infile}" format "raw" }}
pcm.{name}_out {{ type file slave.pcm "null" file "{outfile}" format "raw" }}
pcm.{name} {{ type asym capture.pcm "{name}_in" playback.pcm "{name}_out" }}
"#,
            infile = infile.display(),
            outfile = files.playback(name).display(),
        )
    };
    let mut config = String::from("</usr/share/alsa/alsa.conf>\n");
    config.push_str(&device("line8k", &files.capture_8k()));
    config.push_str(&device("line48k", &files.capture_48k()));
    config.push_str(&device("linecall", &files.capture_8k()));
    config.push_str(&device("linecall48k", &files.capture_48k()));
    config
}

fn write_raw(path: &Path, samples: &[i16]) -> io::Result<()> {
    let bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
    std::fs::write(path, bytes)
}

fn read_raw(path: &Path) -> Vec<i16> {
    let bytes = std::fs::read(path).unwrap_or_default();
    bytes.chunks_exact(2).map(|pair| i16::from_le_bytes([pair[0], pair[1]])).collect()
}

fn sine(rate: u32, hz: f64, amplitude: f64, start: usize, len: usize) -> Vec<i16> {
    (start..start + len)
        .map(|n| (amplitude * 32_767.0 * (2.0 * std::f64::consts::PI * hz * n as f64 / f64::from(rate)).sin()).round() as i16)
        .collect()
}

/// Amplitude of the `hz` component of `samples` (Goertzel), as a fraction of full scale.
fn goertzel(samples: &[i16], rate: u32, hz: f64) -> f64 {
    let coefficient = 2.0 * (2.0 * std::f64::consts::PI * hz / f64::from(rate)).cos();
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for &sample in samples {
        let s0 = f64::from(sample) / 32_768.0 + coefficient * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    2.0 * (s1 * s1 + s2 * s2 - coefficient * s1 * s2).max(0.0).sqrt() / samples.len().max(1) as f64
}

fn say_no_card() {
    let test = std::thread::current().name().unwrap_or("test").to_string();
    if !Path::new("/proc/asound").exists() {
        println!("{test}: no ALSA sound card here (/proc/asound missing, no snd-aloop); using alsa-lib's file and null plugins");
    } else {
        println!("{test}: using alsa-lib's file and null plugins so the test does not depend on the card present");
    }
}

#[test]
fn alsa_pcm_reads_the_capture_file() {
    say_no_card();
    let files = alsa_files();
    let mut pcm = AlsaPcm::new("line8k", 8_000);
    let rate = pcm.open();
    assert_eq!(rate.as_ref().ok(), Some(&8_000), "open: {rate:?}");

    let mut captured = vec![0i16; 10 * FRAME_SAMPLES];
    for block in captured.chunks_mut(FRAME_SAMPLES) {
        let read = pcm.read_block(block);
        assert!(read.is_ok(), "read_block: {read:?}");
    }
    pcm.close();

    let expected = sine(8_000, 1_000.0, 0.5, 0, captured.len());
    assert_eq!(captured, expected, "capture returns the file's samples in order");
    assert!(files.capture_8k().exists());
}

#[test]
fn alsa_pcm_writes_the_playback_file() {
    say_no_card();
    let files = alsa_files();
    let mut pcm = AlsaPcm::new("line48k", 48_000);
    let rate = pcm.open();
    assert_eq!(rate.as_ref().ok(), Some(&48_000), "open: {rate:?}");

    let played = sine(48_000, 700.0, 0.25, 0, 20 * 960);
    for block in played.chunks(960) {
        let written = pcm.write_block(block);
        assert!(written.is_ok(), "write_block: {written:?}");
    }
    pcm.close();

    let stored = read_raw(&files.playback("line48k"));
    assert_eq!(stored.len(), played.len(), "the file plugin stored every sample written");
    assert_eq!(stored, played);
}

#[test]
fn alsa_pcm_recovers_after_prepare() {
    say_no_card();
    let _ = alsa_files();
    let mut pcm = AlsaPcm::new("line8k", 8_000);
    assert!(pcm.open().is_ok());
    let recovered = pcm.recover(Stream::Playback);
    assert!(recovered.is_ok(), "recover playback: {recovered:?}");
    let recovered = pcm.recover(Stream::Capture);
    assert!(recovered.is_ok(), "recover capture: {recovered:?}");
    let mut block = [0i16; FRAME_SAMPLES];
    assert!(pcm.read_block(&mut block).is_ok(), "capture reads after recovery");
    pcm.close();
}

#[test]
fn alsa_pcm_names_a_missing_device() {
    say_no_card();
    let _ = alsa_files();
    let mut pcm = AlsaPcm::new("no_such_device", 8_000);
    let message = pcm.open().err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("no_such_device"), "message: {message}");
    assert!(message.contains("aplay -L"), "message: {message}");
}

/// An [`AlsaPcm`] read at real-time pace, because the `null` plugin returns
/// blocks as fast as they are asked for.
struct PacedPcm {
    inner: AlsaPcm,
}

impl PcmIo for PacedPcm {
    fn device(&self) -> &str {
        self.inner.device()
    }
    fn open(&mut self) -> Result<u32, PcmError> {
        self.inner.open()
    }
    fn close(&mut self) {
        self.inner.close();
    }
    fn rate(&self) -> Option<u32> {
        self.inner.rate()
    }
    fn read_block(&mut self, block: &mut [i16]) -> Result<(), PcmError> {
        std::thread::sleep(Duration::from_millis(20));
        self.inner.read_block(block)
    }
    fn write_block(&mut self, block: &[i16]) -> Result<(), PcmError> {
        self.inner.write_block(block)
    }
    fn recover(&mut self, stream: Stream) -> Result<(), PcmError> {
        self.inner.recover(stream)
    }
}

/// Modem lines of a line that rings at once and has loop current while off hook.
struct RingingLines {
    off_hook: Arc<Mutex<bool>>,
}

impl ModemLines for RingingLines {
    fn path(&self) -> &str {
        "/dev/test-line"
    }
    fn open(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn close(&mut self) {}
    fn read_inputs(&mut self) -> io::Result<InputLevels> {
        let off_hook = *self.off_hook.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let signal = if off_hook { Signal::Dcd } else { Signal::Ri };
        Ok(InputLevels::with_active(&[signal]))
    }
    fn set_output(&mut self, output: Output, asserted: bool) -> io::Result<()> {
        if output == Output::Dtr {
            *self.off_hook.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = asserted;
        }
        Ok(())
    }
}

#[tokio::test]
async fn call_runs_over_alsa_lib() {
    say_no_card();
    println!("call_runs_over_alsa_lib: the null plugin does not pace in real time; the test paces reads at 20 ms");
    let files = alsa_files();
    let pcm = PacedPcm { inner: AlsaPcm::new("linecall", LINE_RATE) };
    let off_hook = Arc::new(Mutex::new(false));
    let lines = RingingLines { off_hook: Arc::clone(&off_hook) };
    let mut line = UsbAudioLine::with_io("usb-alsa", HookWiring::default(), HookTiming::default(), pcm, lines);

    let caller = tokio::time::timeout(Duration::from_secs(5), line.wait_for_call(&AnswerOnRing(1))).await;
    assert!(matches!(caller, Ok(Ok(_))), "wait_for_call: {caller:?}");

    let mut received = Vec::new();
    for n in 0..50 {
        match tokio::time::timeout(Duration::from_secs(2), line.next_event()).await {
            Ok(Some(LineEvent::Audio(frame))) => {
                received.extend_from_slice(&frame);
                let reply: Vec<i16> = sine(8_000, 700.0, 0.25, n * FRAME_SAMPLES, FRAME_SAMPLES);
                let mut out: Frame = [0; FRAME_SAMPLES];
                out.copy_from_slice(&reply);
                line.send_frame(&out);
            }
            other => panic!("frame {n}: unexpected {other:?}"),
        }
    }
    line.hang_up().await;

    let expected = sine(8_000, 1_000.0, 0.5, 0, received.len());
    assert_eq!(received, expected, "the caller's audio arrives unchanged at 8 kHz");
    let played = read_raw(&files.playback("linecall"));
    let reply_level = goertzel(played.get(1_600..).unwrap_or_default(), LINE_RATE, 700.0);
    assert!((reply_level - 0.25).abs() < 0.05, "the box's 700 Hz reply reached the card at {reply_level:.3}");
    assert!(!*off_hook.lock().unwrap_or_else(std::sync::PoisonError::into_inner), "on hook after the call");
}

#[tokio::test]
async fn call_resamples_a_48k_card() {
    say_no_card();
    println!("call_resamples_a_48k_card: the null plugin does not pace in real time; the test paces reads at 20 ms");
    let _ = alsa_files();
    let pcm = PacedPcm { inner: AlsaPcm::new("linecall48k", 48_000) };
    let off_hook = Arc::new(Mutex::new(false));
    let lines = RingingLines { off_hook };
    let mut line = UsbAudioLine::with_io("usb-alsa48", HookWiring::default(), HookTiming::default(), pcm, lines);
    let caller = tokio::time::timeout(Duration::from_secs(5), line.wait_for_call(&AnswerOnRing(1))).await;
    assert!(matches!(caller, Ok(Ok(_))), "wait_for_call: {caller:?}");

    let mut received = Vec::new();
    while received.len() < 40 * FRAME_SAMPLES {
        match tokio::time::timeout(Duration::from_secs(2), line.next_event()).await {
            Ok(Some(LineEvent::Audio(frame))) => {
                received.extend_from_slice(&frame);
                line.send_frame(&[0; FRAME_SAMPLES]);
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    line.hang_up().await;

    let settled = received.get(800..).unwrap_or_default();
    let level = goertzel(settled, LINE_RATE, 1_000.0);
    assert!((level - 0.5).abs() < 0.02, "the 48 kHz capture tone arrives at 8 kHz with amplitude {level:.3}");
}
