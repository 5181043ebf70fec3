//! Misbehaviour on request: vanishing ports, garbage, cut lines, silence and
//! a caller who hangs up mid-sentence.

mod sim_support;

use std::time::{Duration, Instant};

use sim_support::{number, scripted_call, Client};
use standardiste_modem::sim::{CallEnd, Device, Faults, SimOptions, Simulator};

const SHORT: Duration = Duration::from_secs(3);

fn start(device: Device, faults: Faults) -> (tempfile::TempDir, Simulator) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut options = SimOptions::new(dir.path());
    options.faults = faults;
    options.ring_interval = Duration::from_millis(300);
    let simulator = Simulator::start(device, options).expect("start simulator");
    (dir, simulator)
}

fn wait_for(condition: impl Fn() -> bool, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if condition() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    condition()
}

#[test]
fn vanish_and_return() {
    let cases = [Device::Sim7600, Device::Usr5637];
    for device in cases {
        let faults = Faults {
            vanish: Some((Duration::from_millis(300), Duration::from_millis(500))),
            ..Faults::default()
        };
        let (_dir, simulator) = start(device, faults);
        let link = simulator.at_port();
        let first_target = std::fs::read_link(&link).expect("link present at start");
        let mut client = Client::open(&link);
        client.command("ATE0");

        assert!(
            wait_for(|| std::fs::symlink_metadata(&link).is_err(), SHORT),
            "{device}: link removed"
        );
        let read = client.read_some(Duration::from_millis(100));
        assert!(
            read.is_err(),
            "{device}: the old port reads EOF or EIO, got {read:?}"
        );
        if let Some(audio) = simulator.audio_port() {
            assert!(
                std::fs::symlink_metadata(audio).is_err(),
                "{device}: audio link removed too"
            );
        }

        assert!(
            wait_for(|| std::fs::read_link(&link).is_ok(), SHORT),
            "{device}: link back"
        );
        let second_target = std::fs::read_link(&link).expect("link present after return");
        assert_ne!(first_target, second_target, "{device}: a new pty");
        let mut client = Client::open(&link);
        let response = client.command("AT");
        assert!(
            response.starts_with("AT\r"),
            "{device}: echo on again after return: {response:?}"
        );
        let report = simulator.report();
        assert_eq!((report.vanished, report.returned), (1, 1), "{device}");
    }
}

#[test]
fn vanish_ends_call() {
    let faults = Faults {
        vanish: Some((Duration::from_millis(500), Duration::from_millis(200))),
        ..Faults::default()
    };
    let (_dir, simulator) = start(Device::Ec25, faults);
    let mut client = Client::open(&simulator.at_port());
    let (call, _) = scripted_call(number("0612345678"), 0, 10_000, Vec::new());
    simulator.ring(call);
    client.read_until(b"RING", SHORT);
    client.command("ATA");
    assert!(simulator.wait_call_end(SHORT));
    assert_eq!(
        simulator.report().calls[0].ended_by,
        Some(CallEnd::Vanished)
    );
}

#[test]
fn garbage_between_responses() {
    let faults = Faults {
        garbage_every: Some(Duration::from_millis(30)),
        ..Faults::default()
    };
    let (_dir, simulator) = start(Device::Sim7600, faults);
    let mut client = Client::open(&simulator.at_port());
    std::thread::sleep(Duration::from_millis(200));
    let noise = client.read_for(Duration::from_millis(100));
    assert!(!noise.is_empty(), "garbage arrives without a command");
    assert!(
        !noise.contains(&b'\r') && !noise.contains(&b'\n'),
        "garbage holds no line ends"
    );
    for _ in 0..5 {
        assert!(client.command("AT+CSQ").contains("\r\n+CSQ: 23,99\r\n"));
    }
    assert!(simulator.report().garbage_bursts >= 5);
}

#[test]
fn cut_lines_arrive_in_two_writes() {
    let faults = Faults {
        cut_lines: true,
        ..Faults::default()
    };
    let (_dir, simulator) = start(Device::Ec25, faults);
    let mut client = Client::open(&simulator.at_port());
    client.write(b"AT+CGMM\r");
    let first = client.read_some(SHORT).expect("first half");
    let gap_start = Instant::now();
    let second = client.read_until(b"OK\r\n", SHORT);
    let gap = gap_start.elapsed();
    let whole = [first.clone(), second].concat();
    assert_eq!(String::from_utf8_lossy(&whole), "\r\nEC25\r\n\r\nOK\r\n");
    assert!(first.len() < whole.len(), "the response is split");
    assert!(
        gap >= Duration::from_millis(25),
        "pause between halves: {gap:?}"
    );
}

#[test]
fn silent_after_stops_answering() {
    let faults = Faults {
        silent_after: Some(Duration::from_millis(300)),
        ..Faults::default()
    };
    let (_dir, simulator) = start(Device::Cx93010, faults);
    let mut client = Client::open(&simulator.at_port());
    assert!(client.command("AT").ends_with("OK\r\n"));
    std::thread::sleep(Duration::from_millis(400));
    client.write(b"AT\r");
    assert!(client.read_for(Duration::from_millis(500)).is_empty());
}

#[test]
fn caller_hangs_up_after_fault_time() {
    let faults = Faults {
        hang_up_after: Some(Duration::from_millis(400)),
        ..Faults::default()
    };
    let (_dir, simulator) = start(Device::Ec25, faults);
    let mut client = Client::open(&simulator.at_port());
    let (call, _) = scripted_call(number("0612345678"), 0, 10_000, Vec::new());
    simulator.ring(call);
    client.read_until(b"RING", SHORT);
    client.command("ATA");
    let answered = Instant::now();
    client.read_until(b"NO CARRIER", SHORT);
    let talked = answered.elapsed();
    assert!(
        talked >= Duration::from_millis(380) && talked < Duration::from_millis(700),
        "{talked:?}"
    );
    let report = simulator.report();
    assert_eq!(report.calls[0].ended_by, Some(CallEnd::Caller));
}

#[test]
fn second_call_gets_busy() {
    let (_dir, simulator) = start(Device::Usr5637, Faults::default());
    let mut client = Client::open(&simulator.at_port());
    let (first, _) = scripted_call(number("0612345678"), 0, 100, Vec::new());
    let (second, _) = scripted_call(number("0698765432"), 0, 100, Vec::new());
    simulator.ring(first);
    client.read_until(b"RING", SHORT);
    simulator.ring(second);
    assert!(wait_for(
        || simulator.report().calls.len() == 2 && simulator.report().calls[1].ended_by.is_some(),
        SHORT
    ));
    assert_eq!(simulator.report().calls[1].ended_by, Some(CallEnd::Busy));
}

#[test]
fn stop_removes_links() {
    let (_dir, simulator) = start(Device::Sim7600, Faults::default());
    let links = [Some(simulator.at_port()), simulator.audio_port()];
    simulator.stop();
    for link in links.into_iter().flatten() {
        assert!(
            std::fs::symlink_metadata(&link).is_err(),
            "{} removed",
            link.display()
        );
    }
}

#[test]
fn device_names_parse() {
    for device in Device::ALL {
        assert_eq!(device.name().parse::<Device>(), Ok(device));
    }
    assert!("sim800".parse::<Device>().is_err());
}

/// Fragments of plausible and implausible host input, mixed at random.
const FRAGMENTS: [&[u8]; 24] = [
    b"AT",
    b"at",
    b"+",
    b"=",
    b"?",
    b";",
    b"\"",
    b"\r",
    b"\n",
    b"A/",
    b"\x10",
    b"\x1a",
    b"\x1b",
    b"CMGS",
    b"VTX",
    b"VRX",
    b"VTR",
    b"CPCMREG",
    b"QPCMV",
    b"1",
    b",",
    b"FCLASS=8",
    b"VLS=1",
    b"\xff\x00",
];

#[test]
fn random_input_never_stops_simulator() {
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    for device in Device::ALL {
        let (_dir, simulator) = start(device, Faults::default());
        let mut client = Client::open(&simulator.at_port());
        let (call, _) = scripted_call(number("0612345678"), 0x1010, 10_000, Vec::new());
        simulator.ring(call);
        for _ in 0..4000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let fragment = FRAGMENTS[(state % FRAGMENTS.len() as u64) as usize];
            client.write(fragment);
            if state.is_multiple_of(97) {
                client.write(&[(state >> 32) as u8]);
            }
        }
        // Leave SMS entry and any voice stream, then check the device still answers.
        client.write(b"\x1b\x10!\x10\x03");
        std::thread::sleep(Duration::from_millis(300));
        // The noise may have switched to numeric results (ATV0), so restore words first.
        client.write(b"\rATV1\r");
        client.read_for(Duration::from_millis(300));
        let response = client.command("AT");
        assert!(response.ends_with("OK\r\n"), "{device}: {response:?}");
    }
}
