//! The USR5637 and CX93010 voice modem simulators, driven through their ptys
//! by a plain client.

mod sim_support;

use std::time::{Duration, Instant};

use sim_support::{count, find, number, scripted_call, Client};
use standardiste_modem::dle::{DleDecoder, DleEvent, ABORT, END_OF_DATA};
use standardiste_modem::sim::{CallEnd, CallerIdSpec, Device, Faults, SimOptions, Simulator};

const SHORT: Duration = Duration::from_secs(3);

/// A caller sample that encodes to the byte 0x10 (DLE) in 8-bit unsigned PCM.
const DLE_SAMPLE: i16 = (0x10 - 128) << 8;

fn start(device: Device, faults: Faults) -> (tempfile::TempDir, Simulator) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut options = SimOptions::new(dir.path());
    options.faults = faults;
    options.ring_interval = Duration::from_millis(400);
    let simulator = Simulator::start(device, options).expect("start simulator");
    (dir, simulator)
}

/// Puts the modem in voice mode with 8-bit unsigned PCM and answers a call
/// from a caller who says `value` for `frames` frames.
fn answer_voice(
    client: &mut Client,
    simulator: &Simulator,
    value: i16,
    frames: usize,
    dtmf: Vec<(Duration, char)>,
) {
    for command in ["ATE0", "AT+FCLASS=8", "AT+VSM=128,8000"] {
        let response = client.command(command);
        assert!(response.ends_with("OK\r\n"), "{command}: {response:?}");
    }
    let (call, _) = scripted_call(number("0612345678"), value, frames, dtmf);
    simulator.ring(call);
    client.read_until(b"RING", SHORT);
    assert!(client.command("AT+VLS=1").ends_with("OK\r\n"));
}

#[test]
fn identity_per_modem() {
    let cases = [
        (Device::Usr5637, "ATI3", "U.S. Robotics 56K FAX USB V1.2.23"),
        (Device::Cx93010, "ATI3", "CX93001-EIS_V0.2002-V92"),
        (Device::Cx93010, "AT-SCID=1;+VCID=1", "OK"),
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
            "{device} {command}: {response:?}"
        );
    }
}

#[test]
fn vsm_lists_per_modem() {
    let cases = [
        (Device::Usr5637, "128,\"8-BIT LINEAR\"", 5),
        (Device::Cx93010, "133,\"16-BIT LINEAR\"", 8),
    ];
    for (device, expected, methods) in cases {
        let (_dir, simulator) = start(device, Faults::default());
        let mut client = Client::open(&simulator.at_port());
        assert!(
            client.command("AT+VSM=?").ends_with("ERROR\r\n"),
            "{device}: VSM needs voice mode"
        );
        client.command("AT+FCLASS=8");
        let response = client.command("AT+VSM=?");
        assert!(response.contains(expected), "{device}: {response:?}");
        assert_eq!(
            response.matches("(8000)").count(),
            methods,
            "{device}: {response:?}"
        );
        let options: Vec<String> = response.lines().map(str::to_string).collect();
        let chosen = standardiste_modem::codec::choose_vsm(
            &standardiste_modem::codec::parse_vsm_options(&options),
        );
        let argument = chosen.map(|(argument, _)| argument).unwrap_or_default();
        assert!(
            client
                .command(&format!("AT+VSM={argument}"))
                .ends_with("OK\r\n"),
            "{device}: driver's choice {argument} accepted"
        );
    }
}

#[test]
fn caller_id_block_between_rings() {
    let cases = [
        (number("0612345678"), "NMBR=0612345678"),
        (CallerIdSpec::Withheld, "NMBR=P"),
        (CallerIdSpec::Unavailable, "NMBR=O"),
    ];
    for (caller, expected) in cases {
        let (_dir, simulator) = start(Device::Usr5637, Faults::default());
        let mut client = Client::open(&simulator.at_port());
        client.command("AT+VCID=1");
        let (call, _) = scripted_call(caller.clone(), 0, 10, Vec::new());
        simulator.ring(call);
        let first = client.read_until(b"RING", SHORT);
        assert!(
            find(&first, b"DATE=").is_none(),
            "{caller:?}: no caller ID before ring 1"
        );
        let between = client.read_until(b"RING", SHORT);
        let text = String::from_utf8_lossy(&between);
        assert!(text.contains("\r\nDATE="), "{caller:?}: {text:?}");
        assert!(text.contains("\r\nTIME="), "{caller:?}: {text:?}");
        assert!(
            text.contains(&format!("\r\n{expected}\r\n")),
            "{caller:?}: {text:?}"
        );
    }
}

#[test]
fn no_voice_rejects_fclass_8() {
    let faults = Faults {
        no_voice: true,
        ..Faults::default()
    };
    let (_dir, simulator) = start(Device::Usr5637, faults);
    let mut client = Client::open(&simulator.at_port());
    assert!(client.command("AT+FCLASS=8").ends_with("\r\nERROR\r\n"));
    assert!(client.command("AT+FCLASS=0").ends_with("\r\nOK\r\n"));
}

#[test]
fn vtr_only_on_conexant() {
    let cases = [
        (Device::Usr5637, "\r\nERROR\r\n"),
        (Device::Cx93010, "\r\nCONNECT\r\n"),
    ];
    for (device, expected) in cases {
        let (_dir, simulator) = start(device, Faults::default());
        let mut client = Client::open(&simulator.at_port());
        answer_voice(&mut client, &simulator, 0, 500, Vec::new());
        let response = client.command("AT+VTR");
        assert!(response.ends_with(expected), "{device}: {response:?}");
    }
}

#[test]
fn vrx_shields_and_paces_caller_audio() {
    let (_dir, simulator) = start(Device::Cx93010, Faults::default());
    let mut client = Client::open(&simulator.at_port());
    answer_voice(
        &mut client,
        &simulator,
        DLE_SAMPLE,
        10_000,
        vec![(Duration::from_millis(300), '7')],
    );
    assert!(client.command("AT+VRX").ends_with("CONNECT\r\n"));
    let started = Instant::now();
    let received = client.read_for(Duration::from_secs(1));
    let elapsed = started.elapsed();
    client.write(&ABORT);
    let tail = client.read_until(b"\r\nOK\r\n", SHORT);

    let mut decoder = DleDecoder::new();
    let mut data = Vec::new();
    let mut events = Vec::new();
    decoder.feed(
        &[received.clone(), tail.clone()].concat(),
        &mut data,
        &mut events,
    );
    assert!(
        data.iter().all(|&byte| byte == 0x10),
        "every sample byte is the DLE value"
    );
    assert!(
        count(&received, &[0x10, 0x10]) > 0,
        "DLE data bytes arrive doubled"
    );
    let seconds = data.len() as f64 / 8000.0;
    assert!(
        (seconds - elapsed.as_secs_f64()).abs() < 0.1,
        "{seconds} s of audio in {elapsed:?}"
    );
    assert!(events.contains(&DleEvent::Dtmf('7')), "{events:?}");
    assert!(find(&tail, &END_OF_DATA).is_some(), "DLE ETX before OK");
}

/// Answers on a USR5637 with 8-bit unsigned PCM and starts AT+VTX.
fn start_playback(
    simulator: &Simulator,
    client: &mut Client,
) -> std::sync::Arc<std::sync::Mutex<Vec<i16>>> {
    let (call, heard) = scripted_call(number("0612345678"), 0, 10_000, Vec::new());
    for command in ["AT+FCLASS=8", "AT+VSM=128,8000"] {
        client.command(command);
    }
    simulator.ring(call);
    client.read_until(b"RING", SHORT);
    client.command("AT+VLS=1");
    assert!(client.command("AT+VTX").ends_with("CONNECT\r\n"));
    heard
}

#[test]
fn vtx_unshields_and_drains() {
    let (_dir, simulator) = start(Device::Usr5637, Faults::default());
    let mut client = Client::open(&simulator.at_port());
    let heard = start_playback(&simulator, &mut client);
    // 2000 DLE data bytes (250 ms) fill the 2 KB buffer; shielded they are 4000 bytes.
    client.write(&[0x10; 4000]);
    let sent = Instant::now();
    client.write(&END_OF_DATA);
    client.read_until(b"\r\nOK\r\n", SHORT);
    let drained = sent.elapsed();
    let heard = heard
        .lock()
        .map(|samples| samples.clone())
        .unwrap_or_default();
    let played = heard.iter().filter(|&&sample| sample == DLE_SAMPLE).count();
    assert_eq!(played, 2000, "every shielded DLE byte played once");
    assert!(
        drained >= Duration::from_millis(200),
        "OK only after playback: {drained:?}"
    );
    assert_eq!(simulator.report().audio.overruns, 0);
}

#[test]
fn vtx_overrun_counted() {
    let (_dir, simulator) = start(Device::Usr5637, Faults::default());
    let mut client = Client::open(&simulator.at_port());
    start_playback(&simulator, &mut client);
    client.write(&[0x55; 3000]);
    client.write(&END_OF_DATA);
    client.read_until(b"\r\nOK\r\n", SHORT);
    assert!(simulator.report().audio.overruns >= 1);
}

#[test]
fn caller_hang_up_events_per_modem() {
    let cases = [(Device::Usr5637, false), (Device::Cx93010, true)];
    for (device, loop_break) in cases {
        let (_dir, simulator) = start(device, Faults::default());
        let mut client = Client::open(&simulator.at_port());
        answer_voice(&mut client, &simulator, 0, 15, Vec::new());
        assert!(client.command("AT+VRX").ends_with("CONNECT\r\n"));
        assert!(simulator.wait_call_end(SHORT), "{device}: caller hung up");
        let received = client.read_for(Duration::from_millis(4700));
        client.write(&ABORT);
        client.read_until(b"\r\nOK\r\n", SHORT);
        assert!(client.command("ATH0").ends_with("OK\r\n"));

        let mut decoder = DleDecoder::new();
        let (mut data, mut events) = (Vec::new(), Vec::new());
        decoder.feed(&received, &mut data, &mut events);
        assert_eq!(
            events.contains(&DleEvent::LoopBreak),
            loop_break,
            "{device}: {events:?}"
        );
        let busy = events
            .iter()
            .filter(|event| **event == DleEvent::Busy)
            .count();
        assert!(busy >= 7, "{device}: busy every 0.5 s, got {events:?}");
        assert!(
            events.contains(&DleEvent::DialTone),
            "{device}: dial tone after busy"
        );
        assert!(
            !String::from_utf8_lossy(&received).contains("NO CARRIER"),
            "{device}: voice mode has no NO CARRIER"
        );
        assert_eq!(
            simulator.report().calls[0].ended_by,
            Some(CallEnd::Caller),
            "{device}"
        );
    }
}

#[test]
fn host_hang_up_ends_call() {
    let (_dir, simulator) = start(Device::Cx93010, Faults::default());
    let mut client = Client::open(&simulator.at_port());
    answer_voice(&mut client, &simulator, 0, 10_000, Vec::new());
    client.command("AT+VTS={12}");
    assert!(client.command("AT+VLS=0").ends_with("OK\r\n"));
    assert!(simulator.wait_call_end(SHORT));
    let report = simulator.report();
    assert_eq!(report.calls[0].ended_by, Some(CallEnd::Host));
    assert_eq!(report.dtmf_sent, vec!['1', '2']);
}
