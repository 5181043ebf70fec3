//! The SIM7600 and EC25 simulators, driven through their ptys by a plain client.

mod sim_support;

use std::time::{Duration, Instant};

use sim_support::{find, number, scripted_call, Client};
use standardiste_modem::sim::{
    CallEnd, CallerIdSpec, Device, Faults, SimOptions, SimReport, Simulator, SmsMode, SmsResult,
};

const SHORT: Duration = Duration::from_secs(3);

fn start(device: Device, faults: Faults) -> (tempfile::TempDir, Simulator) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut options = SimOptions::new(dir.path());
    options.faults = faults;
    options.ring_interval = Duration::from_millis(300);
    let simulator = Simulator::start(device, options).expect("start simulator");
    (dir, simulator)
}

fn quick_pcm() -> Faults {
    Faults {
        cpcmreg_delay: Duration::from_millis(100),
        ..Faults::default()
    }
}

/// Rings, answers with ATA and waits for the answer's URCs.
fn answer(client: &mut Client, simulator: &Simulator, device: Device, caller_frames: usize) {
    let (call, _) = scripted_call(number("+33612345678"), 1000, caller_frames, Vec::new());
    simulator.ring(call);
    client.read_until(b"RING", SHORT);
    assert!(client.command("ATA").contains("OK"), "ATA answers OK");
    if device == Device::Sim7600 {
        client.read_until(b"VOICE CALL: BEGIN", SHORT);
    }
}

#[test]
fn identity_per_device() {
    let cases = [
        (Device::Sim7600, "ATI", "Model: SIMCOM_SIM7600G-H"),
        (Device::Sim7600, "AT+CGMM", "\r\nSIMCOM_SIM7600G-H\r\n"),
        (Device::Sim7600, "AT+CGMI", "SIMCOM INCORPORATED"),
        (
            Device::Ec25,
            "ATI",
            "\r\nQuectel\r\n\r\nEC25\r\n\r\nRevision: EC25EFAR06A06M4G\r\n",
        ),
        (Device::Sim7600, "AT+CPIN?", "+CPIN: READY"),
    ];
    for (device, command, expected) in cases {
        let (_dir, simulator) = start(device, Faults::default());
        let mut client = Client::open(&simulator.at_port());
        let response = client.command(command);
        assert!(
            response.contains(expected),
            "{device} {command}: {response:?}"
        );
        assert!(
            response.ends_with("\r\nOK\r\n"),
            "{device} {command} framing: {response:?}"
        );
    }
}

#[test]
fn data_only_module_rejects_voice() {
    let faults = Faults {
        no_voice: true,
        ..Faults::default()
    };
    let (_dir, simulator) = start(Device::Sim7600, faults);
    let mut client = Client::open(&simulator.at_port());
    assert!(client.command("AT+CGMM").contains("SIM7080G"));
    assert!(client.command("AT+CPCMREG=1").ends_with("\r\nERROR\r\n"));
}

#[test]
fn urc_framing_per_vendor() {
    let cases = [
        (Device::Sim7600, &b"\r\r\nRING\r\r\n"[..]),
        (Device::Ec25, &b"\r\nRING\r\n"[..]),
    ];
    for (device, expected) in cases {
        let (_dir, simulator) = start(device, Faults::default());
        let mut client = Client::open(&simulator.at_port());
        let (call, _) = scripted_call(CallerIdSpec::Withheld, 0, 10, Vec::new());
        simulator.ring(call);
        let received = client.read_until(b"RING", SHORT);
        let received = [received, client.read_for(Duration::from_millis(50))].concat();
        assert!(
            find(&received, expected).is_some(),
            "{device}: {:?}",
            String::from_utf8_lossy(&received)
        );
    }
}

#[test]
fn echo_follows_ate() {
    let faults = Faults {
        echo: true,
        ..Faults::default()
    };
    let (_dir, simulator) = start(Device::Sim7600, faults);
    let mut client = Client::open(&simulator.at_port());
    let first = client.command("AT");
    assert!(first.starts_with("AT\r"), "echo on at start: {first:?}");
    let switching = client.command("ATE0");
    assert!(
        switching.starts_with("ATE0\r"),
        "ATE0 itself is echoed: {switching:?}"
    );
    let after = client.command("at");
    assert_eq!(after, "\r\nOK\r\n", "no echo after ATE0");
}

#[test]
fn clip_formats_per_caller() {
    let cases = [
        (
            number("+33612345678"),
            "+CLIP: \"+33612345678\",145,\"\",128,\"\",0",
        ),
        (
            number("0612345678"),
            "+CLIP: \"0612345678\",129,\"\",128,\"\",0",
        ),
        (CallerIdSpec::Withheld, "+CLIP: \"\",128,\"\",128,\"\",1"),
        (CallerIdSpec::Unavailable, "+CLIP: \"\",128,\"\",128,\"\",2"),
    ];
    for (caller, expected) in cases {
        let (_dir, simulator) = start(Device::Sim7600, Faults::default());
        let mut client = Client::open(&simulator.at_port());
        client.command("AT+CLIP=1");
        let (call, _) = scripted_call(caller.clone(), 0, 10, Vec::new());
        simulator.ring(call);
        let received = client.read_until(b"+CLIP: ", SHORT);
        let line = [received, client.read_until(b"\r\r\n", SHORT)].concat();
        let text = String::from_utf8_lossy(&line);
        assert!(text.contains(expected), "{caller:?}: {text:?}");
    }
}

#[test]
fn cpcmreg_accepted_only_after_delay() {
    let faults = Faults {
        cpcmreg_delay: Duration::from_millis(600),
        ..Faults::default()
    };
    let (_dir, simulator) = start(Device::Sim7600, faults);
    let mut client = Client::open(&simulator.at_port());
    assert!(
        client.command("AT+CPCMREG=1").ends_with("ERROR\r\n"),
        "no call yet"
    );
    answer(&mut client, &simulator, Device::Sim7600, 500);
    let early = client.command("AT+CPCMREG=1");
    assert!(
        early.ends_with("\r\nERROR\r\n"),
        "right after BEGIN: {early:?}"
    );
    std::thread::sleep(Duration::from_millis(700));
    let late = client.command("AT+CPCMREG=1");
    assert!(late.ends_with("\r\nOK\r\n"), "after the delay: {late:?}");
}

/// Writes host frames at real-time pace on the audio port and reads the
/// caller's frames, until the caller hangs up. Returns (bytes read, frames
/// written, elapsed since PCM start).
fn run_pcm_call(
    device: Device,
    switch_on: &str,
    caller_frames: usize,
) -> (usize, usize, Duration, SimReport, Vec<i16>) {
    let (_dir, simulator) = start(device, quick_pcm());
    let mut client = Client::open(&simulator.at_port());
    let mut audio = Client::open(
        &simulator
            .audio_port()
            .expect("GSM modules have an audio port"),
    );
    let (call, heard) = scripted_call(number("0612345678"), 0x1234, caller_frames, Vec::new());
    simulator.ring(call);
    client.read_until(b"RING", SHORT);
    assert!(client.command("ATA").contains("OK"));
    std::thread::sleep(Duration::from_millis(150));
    assert!(
        client.command(switch_on).ends_with("OK\r\n"),
        "{switch_on} accepted"
    );
    let started = Instant::now();

    let frame: Vec<u8> = std::iter::repeat_n(0x0BB8i16.to_le_bytes(), 160)
        .flatten()
        .collect();
    let mut received = 0usize;
    let mut written = 0usize;
    let mut next_write = started;
    while !simulator.wait_call_end(Duration::ZERO) && started.elapsed() < Duration::from_secs(10) {
        if Instant::now() >= next_write {
            audio.write(&frame);
            written += 1;
            next_write += Duration::from_millis(20);
        }
        received += audio
            .read_some(Duration::from_millis(2))
            .map_or(0, |chunk| chunk.len());
    }
    let elapsed = started.elapsed();
    received += audio.read_for(Duration::from_millis(100)).len();
    let heard = heard
        .lock()
        .map(|samples| samples.clone())
        .unwrap_or_default();
    (received, written, elapsed, simulator.report(), heard)
}

#[test]
fn pcm_call_runs_at_real_time() {
    let cases = [
        (Device::Sim7600, "AT+CPCMREG=1"),
        (Device::Ec25, "AT+QPCMV=1,0"),
    ];
    for (device, switch_on) in cases {
        let (received, written, elapsed, report, heard) = run_pcm_call(device, switch_on, 150);
        eprintln!(
            "{device}: {elapsed:?}, host wrote {written} frames, {:?}",
            report.audio
        );
        let expected_frames = elapsed.as_secs_f64() / 0.020;
        let frames = report.audio.frames_to_host as f64;
        assert!(
            (frames - expected_frames).abs() <= expected_frames * 0.02 + 2.0,
            "{device}: {frames} frames to host in {elapsed:?}"
        );
        assert_eq!(
            received as u64,
            report.audio.frames_to_host * 320,
            "{device}: bytes on the audio port"
        );
        let consumed = report.audio.frames_from_host as f64;
        assert!(
            consumed >= written as f64 * 0.9,
            "{device}: {consumed} of {written} host frames played"
        );
        assert!(
            heard.contains(&0x0BB8),
            "{device}: the caller heard the host"
        );
        assert!(
            report.audio.max_write_interval < Duration::from_millis(200),
            "{device}: {:?}",
            report.audio
        );
        assert_eq!(report.calls[0].ended_by, Some(CallEnd::Caller), "{device}");
    }
}

#[test]
fn caller_hang_up_signals_per_device() {
    let cases: [(Device, &[&str]); 2] = [
        (
            Device::Sim7600,
            &[
                "\r\r\nVOICE CALL: END: 0000",
                "\r\r\nNO CARRIER\r\r\n",
                "+CLCC: 1,1,6,0,0,\"+33612345678\",145",
            ],
        ),
        (
            Device::Ec25,
            &[
                "\r\nNO CARRIER\r\n",
                "+QIND: \"ccinfo\",1,1,6,0,0,\"+33612345678\",145",
            ],
        ),
    ];
    for (device, expected) in cases {
        let (_dir, simulator) = start(device, quick_pcm());
        let mut client = Client::open(&simulator.at_port());
        client.command("AT+CLCC=1");
        if device == Device::Ec25 {
            assert!(client
                .command("AT+QINDCFG=\"ccinfo\",1,0")
                .ends_with("OK\r\n"));
        }
        answer(&mut client, &simulator, device, 10);
        assert!(simulator.wait_call_end(SHORT), "{device}: caller hung up");
        let received = client.read_for(Duration::from_millis(200));
        let text = String::from_utf8_lossy(&received);
        for line in expected {
            assert!(
                text.contains(line),
                "{device}: missing {line:?} in {text:?}"
            );
        }
        assert_eq!(
            simulator.report().calls[0].ended_by,
            Some(CallEnd::Caller),
            "{device}"
        );
    }
}

#[test]
fn dtmf_reported_per_device() {
    let cases = [
        (Device::Sim7600, "+RXDTMF: 5"),
        (Device::Ec25, "+QTONEDET: 53"),
    ];
    for (device, expected) in cases {
        let (_dir, simulator) = start(device, quick_pcm());
        let mut client = Client::open(&simulator.at_port());
        client.command("AT+QTONEDET=1");
        let (call, _) = scripted_call(
            number("0612345678"),
            0,
            100,
            vec![(Duration::from_millis(100), '5')],
        );
        simulator.ring(call);
        client.read_until(b"RING", SHORT);
        client.command("ATA");
        let received = client.read_until(expected.as_bytes(), SHORT);
        assert!(!received.is_empty(), "{device}");
        assert_eq!(
            simulator.report().calls[0].dtmf_reported,
            vec!['5'],
            "{device}"
        );
    }
}

#[test]
fn host_hang_up_and_cvhu() {
    let (_dir, simulator) = start(Device::Sim7600, quick_pcm());
    let mut client = Client::open(&simulator.at_port());
    answer(&mut client, &simulator, Device::Sim7600, 1000);
    assert!(client.command("ATH").ends_with("OK\r\n"));
    assert!(
        !simulator.wait_call_end(Duration::from_millis(200)),
        "ATH is ignored while AT+CVHU=1"
    );
    assert!(client.command("AT+CHUP").ends_with("OK\r\n"));
    client.read_until(b"VOICE CALL: END: ", SHORT);
    assert!(simulator.wait_call_end(SHORT));
    assert_eq!(simulator.report().calls[0].ended_by, Some(CallEnd::Host));
}

#[test]
fn vts_recorded() {
    let (_dir, simulator) = start(Device::Sim7600, quick_pcm());
    let mut client = Client::open(&simulator.at_port());
    assert!(
        client.command("AT+VTS=5").contains("+CME ERROR: 3"),
        "no call"
    );
    answer(&mut client, &simulator, Device::Sim7600, 1000);
    client.command("AT+VTS=5");
    client.command("AT+VTS=\"1,2\"");
    assert_eq!(simulator.report().dtmf_sent, vec!['5', '1', '2']);
}

#[test]
fn transfer_requests() {
    let (_dir, simulator) = start(Device::Sim7600, quick_pcm());
    let mut client = Client::open(&simulator.at_port());
    let (call, _) = scripted_call(number("0612345678"), 0, 100, Vec::new());
    simulator.ring(call);
    client.read_until(b"RING", SHORT);
    let chld = client.command("AT+CHLD=4");
    assert!(chld.contains("+CME ERROR: 3"), "{chld:?}");
    let ctfr = client.command("AT+CTFR=\"+33698765432\"");
    assert!(ctfr.ends_with("\r\nOK\r\n"), "{ctfr:?}");
    assert!(simulator.wait_call_end(SHORT));
    let report = simulator.report();
    assert_eq!(report.calls[0].ended_by, Some(CallEnd::Transferred));
    assert_eq!(report.transfers.len(), 2);
    assert_eq!(report.transfers[1].target.as_deref(), Some("+33698765432"));
    assert!(report.transfers[1].accepted);
}

#[test]
fn missed_call_after_max_rings() {
    let (_dir, simulator) = start(Device::Sim7600, Faults::default());
    let mut client = Client::open(&simulator.at_port());
    let (mut call, _) = scripted_call(number("0612345678"), 0, 100, Vec::new());
    call.max_rings = 2;
    simulator.ring(call);
    client.read_until(b"MISSED_CALL: ", SHORT);
    client.read_until(b" 0612345678", SHORT);
    assert!(simulator.wait_call_end(SHORT));
    let report = simulator.report();
    assert_eq!(report.calls[0].ended_by, Some(CallEnd::Missed));
    assert_eq!(report.calls[0].rings, 2);
}

#[test]
fn sms_text_mode_ucs2() {
    let (_dir, simulator) = start(Device::Sim7600, Faults::default());
    let mut client = Client::open(&simulator.at_port());
    client.command("AT+CMGF=1");
    client.command("AT+CSCS=\"UCS2\"");
    client.command("AT+CSMP=17,167,2,25");
    client.write(b"AT+CMGS=\"002B0033003300360031\"\r");
    client.read_until(b"\r\n> ", SHORT);
    client.write(b"0045007400E9\x1a");
    let response = client.read_final();
    assert!(response.contains("+CMGS: 1"), "{response:?}");
    let report = simulator.report();
    let sms = &report.sms[0];
    assert_eq!(sms.mode, SmsMode::Text);
    assert_eq!(sms.argument, "\"002B0033003300360031\"");
    assert_eq!(sms.body, "0045007400E9");
    assert_eq!(sms.to.as_deref(), Some("+3361"));
    assert_eq!(sms.text.as_deref(), Some("Et\u{e9}"));
    assert_eq!(sms.result, SmsResult::Sent { reference: 1 });
}

#[test]
fn sms_pdu_mode_decoded() {
    let (_dir, simulator) = start(Device::Ec25, Faults::default());
    let mut client = Client::open(&simulator.at_port());
    let parts =
        standardiste_modem::sms::encode_submit("+33612345678", "Rappel: appelez Mme Durand", 7)
            .expect("encode");
    let part = &parts[0];
    client.command("AT+CMGF=0");
    client.write(format!("AT+CMGS={}\r", part.tpdu_len).as_bytes());
    client.read_until(b"> ", SHORT);
    client.write(format!("{}\x1a", part.hex).as_bytes());
    assert!(client.read_final().contains("+CMGS: "));
    let report = simulator.report();
    let sms = &report.sms[0];
    assert_eq!(sms.body, part.hex);
    assert_eq!(sms.to.as_deref(), Some("+33612345678"));
    assert_eq!(sms.text.as_deref(), Some("Rappel: appelez Mme Durand"));
}

#[test]
fn sms_error_and_abort() {
    let faults = Faults {
        sms_error: Some(500),
        ..Faults::default()
    };
    let (_dir, simulator) = start(Device::Sim7600, faults);
    let mut client = Client::open(&simulator.at_port());
    client.command("AT+CMGF=1");
    client.write(b"AT+CMGS=\"0612345678\"\r");
    client.read_until(b"> ", SHORT);
    client.write(b"hello\x1a");
    assert!(client.read_final().contains("+CMS ERROR: 500"));
    client.write(b"AT+CMGS=\"0612345678\"\r");
    client.read_until(b"> ", SHORT);
    client.write(b"never mind\x1b");
    assert!(client.read_final().ends_with("\r\nOK\r\n"));
    let results: Vec<SmsResult> = simulator
        .report()
        .sms
        .iter()
        .map(|sms| sms.result)
        .collect();
    assert_eq!(
        results,
        vec![SmsResult::Failed { code: 500 }, SmsResult::Aborted]
    );
}

#[test]
fn commands_recorded_in_order() {
    let (_dir, simulator) = start(Device::Ec25, Faults::default());
    let mut client = Client::open(&simulator.at_port());
    client.command("AT");
    client.command("at+clip=1");
    client.write(b"A/");
    client.read_final();
    assert_eq!(
        simulator.report().commands,
        vec!["AT", "at+clip=1", "at+clip=1"]
    );
}
