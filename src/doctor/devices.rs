//! Checks of each configured line's device: present, not in use, and replying
//! to AT commands. A GSM module also gets its SIM, registration and signal checked.

use std::path::{Path, PathBuf};
use std::time::Duration;

use standardiste_modem::client::AtClient;
use standardiste_modem::port::SerialPort;

use super::Check;
use crate::line::settings::{LineKind, LineSettings};

/// Timeout of each AT command.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(3);

/// Checks every line, one or more checks each.
pub async fn lines(lines: &[LineSettings]) -> Vec<Check> {
    if lines.is_empty() {
        return vec![Check::warn(
            "lines",
            "no [[line]] in the settings file",
            "add one per device; `standardiste lines` lists the serial ports and what each likely is",
        )];
    }
    let mut checks = Vec::new();
    for line in lines {
        checks.extend(check_line(line).await);
    }
    checks
}

async fn check_line(line: &LineSettings) -> Vec<Check> {
    let name = format!("line {}", line.name);
    let port = match present(&line.port) {
        Ok(port) => port,
        Err(detail) => return vec![Check::fail(name, detail, missing_fix(line.kind))],
    };
    let holders = holders(&port);
    if !holders.is_empty() {
        // Probing a port the daemon is using would take its modem's replies.
        return vec![Check::ok(
            name,
            format!("{} is in use by {}; not probed", line.port.display(), holders.join(", ")),
        )];
    }
    let mut checks = match line.kind {
        LineKind::Gsm => gsm(&name, line).await,
        LineKind::VoiceModem => voice_modem(&name, line).await,
        LineKind::UsbAudio => usb_audio(&name, line),
    };
    if let Some(audio_port) = &line.audio_port {
        checks.push(match present(audio_port) {
            Ok(_) => Check::ok(format!("{name} audio"), format!("{} present", audio_port.display())),
            Err(detail) => Check::fail(
                format!("{name} audio"),
                detail,
                "check the module's USB cable; on a SIM7600 the audio port is the fifth ttyUSB (ttyUSB4)",
            ),
        });
    }
    checks
}

/// Returns the device behind `path` (following a udev symlink), or why it is unusable.
fn present(path: &Path) -> Result<PathBuf, String> {
    match std::fs::canonicalize(path) {
        Ok(device) => Ok(device),
        Err(error) => Err(format!("{} is missing: {error}", path.display())),
    }
}

fn missing_fix(kind: LineKind) -> &'static str {
    match kind {
        LineKind::Gsm => "plug in the module and power it from its own supply; `standardiste lines` shows which ttyUSB is the AT port",
        LineKind::VoiceModem => "plug in the modem; `standardiste lines` shows its port (usually /dev/ttyACM0)",
        LineKind::UsbAudio => "plug in the line interface's serial adapter; `standardiste lines` lists the ports",
    }
}

async fn open_client(name: &str, line: &LineSettings) -> Result<AtClient, Check> {
    let baud = line.baud.unwrap_or(115_200);
    let port = SerialPort::open(&line.port, baud).map_err(|error| {
        Check::fail(
            name,
            format!("cannot open {}: {error}", line.port.display()),
            "add the service user to the dialout group, or install the udev rules from board/udev",
        )
    })?;
    let (client, _receivers) = AtClient::start(port, &line.port.display().to_string());
    match client.command("AT", COMMAND_TIMEOUT).await {
        Ok(_) => Ok(client),
        Err(error) => Err(Check::fail(
            name,
            format!("{} does not answer AT: {error}", line.port.display()),
            "check that this is the AT port (`standardiste lines`), that the device is powered, and that ModemManager is not using it",
        )),
    }
}

async fn gsm(name: &str, line: &LineSettings) -> Vec<Check> {
    let client = match open_client(name, line).await {
        Ok(client) => client,
        Err(check) => return vec![check],
    };
    let mut checks = vec![Check::ok(name, format!("{} answers AT", line.port.display()))];
    let query = |command: &'static str| {
        let client = &client;
        async move { client.command(command, COMMAND_TIMEOUT).await.map(|lines| lines.join(" ")) }
    };
    checks.push(match query("AT+CPIN?").await {
        Ok(reply) if reply.contains("READY") => Check::ok(format!("{name} SIM"), "ready"),
        Ok(reply) => Check::fail(format!("{name} SIM"), format!("not ready: {reply}"), "unlock the SIM in a phone (remove the PIN) and put it back"),
        Err(error) => Check::fail(format!("{name} SIM"), format!("no SIM answer: {error}"), "insert a SIM card, contacts down, with the module powered off"),
    });
    checks.push(match query("AT+CREG?").await {
        Ok(reply) => registration(name, &reply),
        Err(error) => Check::fail(format!("{name} network"), format!("AT+CREG? failed: {error}"), "restart the module"),
    });
    checks.push(match query("AT+CSQ").await {
        Ok(reply) => signal(name, &reply),
        Err(error) => Check::warn(format!("{name} signal"), format!("AT+CSQ failed: {error}"), "restart the module"),
    });
    checks
}

/// Reads `+CREG: <n>,<stat>` into a check.
fn registration(name: &str, reply: &str) -> Check {
    let check_name = format!("{name} network");
    let stat = reply
        .split(':')
        .nth(1)
        .and_then(|fields| fields.split(',').nth(1))
        .and_then(|stat| stat.trim().parse::<u8>().ok());
    match stat {
        Some(1) => Check::ok(check_name, "registered on the home network"),
        Some(5) => Check::ok(check_name, "registered, roaming"),
        Some(2) => Check::warn(check_name, "searching for a network", "wait a minute; if it stays, move the antenna or check coverage"),
        Some(3) => Check::fail(check_name, "registration denied", "the SIM is not allowed on this network: check the plan with the operator"),
        Some(0) => Check::fail(check_name, "not registered and not searching", "check the antenna and that the SIM's plan is active"),
        _ => Check::warn(check_name, format!("unexpected reply: {reply}"), "check the module by hand with AT+CREG?"),
    }
}

/// Reads `+CSQ: <rssi>,<ber>` into a check, in dBm.
fn signal(name: &str, reply: &str) -> Check {
    let check_name = format!("{name} signal");
    let rssi = reply
        .split(':')
        .nth(1)
        .and_then(|fields| fields.split(',').next())
        .and_then(|rssi| rssi.trim().parse::<i32>().ok());
    match rssi {
        Some(rssi @ 0..=31) => {
            let dbm = -113 + 2 * rssi;
            let detail = format!("{dbm} dBm (CSQ {rssi})");
            if rssi < 10 {
                Check::warn(check_name, detail, "weak: calls may break up; move the antenna higher or use an external one")
            } else {
                Check::ok(check_name, detail)
            }
        }
        Some(99) => Check::fail(check_name, "no signal", "connect the antenna and check coverage"),
        _ => Check::warn(check_name, format!("unexpected reply: {reply}"), "check the module by hand with AT+CSQ"),
    }
}

async fn voice_modem(name: &str, line: &LineSettings) -> Vec<Check> {
    let line_with_baud = LineSettings { baud: Some(line.baud.unwrap_or(57_600)), ..line.clone() };
    let client = match open_client(name, &line_with_baud).await {
        Ok(client) => client,
        Err(check) => return vec![check],
    };
    match client.command("AT+FCLASS=?", COMMAND_TIMEOUT).await {
        Ok(lines) if lines.join(",").split(',').any(|class| class.trim() == "8") => {
            vec![Check::ok(name, format!("{} answers AT and has voice mode (+FCLASS=8)", line.port.display()))]
        }
        Ok(lines) => vec![Check::fail(
            name,
            format!("{} has no voice mode: +FCLASS classes {}", line.port.display(), lines.join(",")),
            "use a voice modem such as the USRobotics USR5637 or a Conexant CX93010",
        )],
        Err(error) => vec![Check::fail(name, format!("AT+FCLASS=? failed: {error}"), "check that this is a voice modem")],
    }
}

fn usb_audio(name: &str, line: &LineSettings) -> Vec<Check> {
    // Opening the port would raise DTR, which takes the line off hook on the
    // line interface's wiring, so only the permissions are checked.
    let mut checks = vec![match read_write_access(&line.port) {
        Ok(()) => Check::ok(name, format!("{} present, readable and writable", line.port.display())),
        Err(error) => Check::fail(
            name,
            format!("cannot use {}: {error}", line.port.display()),
            "add the service user to the dialout group, or install the udev rules from board/udev",
        ),
    }];
    let Some(pcm) = &line.pcm else {
        return checks;
    };
    checks.push(match alsa::PCM::new(pcm, alsa::Direction::Capture, true) {
        Ok(_) => Check::ok(format!("{name} sound"), format!("{pcm} opens for capture")),
        Err(error) => Check::fail(
            format!("{name} sound"),
            format!("cannot open {pcm}: {error}"),
            "`arecord -l` lists the cards; set pcm to plughw:CARD=<name>,DEV=0 and add the service user to the audio group",
        ),
    });
    checks
}

/// Checks that this process may read and write `path`, without opening it.
fn read_write_access(path: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(path.as_os_str().as_bytes())
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidInput, "path contains a NUL byte"))?;
    // SAFETY: `path` is a NUL-terminated string that outlives the call.
    match unsafe { libc::access(path.as_ptr(), libc::R_OK | libc::W_OK) } {
        0 => Ok(()),
        _ => Err(std::io::Error::last_os_error()),
    }
}

/// Returns the processes other than this one that have `device` open, as
/// `PID (name)`, from /proc. Processes of other users are visible only to root.
fn holders(device: &Path) -> Vec<String> {
    let Ok(processes) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let own = std::process::id().to_string();
    let mut found = Vec::new();
    for process in processes.flatten() {
        let pid = process.file_name().to_string_lossy().into_owned();
        if pid == own || !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(descriptors) = std::fs::read_dir(process.path().join("fd")) else {
            continue;
        };
        let open = descriptors
            .flatten()
            .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|target| target == device));
        if open {
            let command = std::fs::read_to_string(process.path().join("comm")).unwrap_or_default();
            found.push(format!("{pid} ({})", command.trim()));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::Status;

    #[test]
    fn registration_states() {
        assert_eq!(registration("line gsm0", "+CREG: 0,1").status, Status::Ok);
        assert_eq!(registration("line gsm0", "+CREG: 2,5,\"1A2B\",\"01C2\"").status, Status::Ok);
        assert_eq!(registration("line gsm0", "+CREG: 0,2").status, Status::Warn);
        assert_eq!(registration("line gsm0", "+CREG: 0,3").status, Status::Fail);
        assert_eq!(registration("line gsm0", "garbled").status, Status::Warn);
    }

    #[test]
    fn signal_levels() {
        let good = signal("line gsm0", "+CSQ: 23,99");
        assert_eq!(good.status, Status::Ok);
        assert!(good.detail.starts_with("-67 dBm"), "{good}");
        assert_eq!(signal("line gsm0", "+CSQ: 5,0").status, Status::Warn);
        assert_eq!(signal("line gsm0", "+CSQ: 99,99").status, Status::Fail);
        assert_eq!(signal("line gsm0", "+CSQ: x").status, Status::Warn);
    }
}

#[cfg(test)]
mod device_tests {
    use standardiste_modem::sim::{Device, SimOptions, Simulator};

    use super::*;
    use crate::doctor::Status;

    fn find<'a>(checks: &'a [Check], name: &str) -> &'a Check {
        checks
            .iter()
            .find(|check| check.name == name)
            .unwrap_or_else(|| panic!("no check {name} in {checks:?}"))
    }

    #[tokio::test]
    async fn simulated_sim7600_passes() {
        let folder = tempfile::tempdir().unwrap();
        let simulator = Simulator::start(Device::Sim7600, SimOptions::new(folder.path())).unwrap();
        let line = LineSettings::for_simulator(&simulator, 1);
        let checks = lines(std::slice::from_ref(&line)).await;
        let name = format!("line {}", line.name);
        assert_eq!(find(&checks, &name).status, Status::Ok, "{checks:?}");
        assert_eq!(find(&checks, &format!("{name} SIM")).status, Status::Ok, "{checks:?}");
        assert_eq!(find(&checks, &format!("{name} network")).status, Status::Ok, "{checks:?}");
        let signal = find(&checks, &format!("{name} signal"));
        assert_eq!(signal.status, Status::Ok, "{checks:?}");
        assert!(signal.detail.contains("dBm"), "{signal}");
        assert_eq!(find(&checks, &format!("{name} audio")).status, Status::Ok, "{checks:?}");
    }

    #[tokio::test]
    async fn simulated_voice_modem_has_voice() {
        let folder = tempfile::tempdir().unwrap();
        let simulator = Simulator::start(Device::Usr5637, SimOptions::new(folder.path())).unwrap();
        let line = LineSettings::for_simulator(&simulator, 2);
        let checks = lines(std::slice::from_ref(&line)).await;
        let check = find(&checks, &format!("line {}", line.name));
        assert_eq!(check.status, Status::Ok, "{checks:?}");
        assert!(check.detail.contains("voice mode"), "{check}");
    }

    #[tokio::test]
    async fn missing_port_fails_with_fix() {
        let folder = tempfile::tempdir().unwrap();
        let simulator = Simulator::start(Device::Sim7600, SimOptions::new(folder.path())).unwrap();
        let mut line = LineSettings::for_simulator(&simulator, 1);
        line.port = folder.path().join("sim7600-at-unplugged");
        let checks = lines(std::slice::from_ref(&line)).await;
        assert_eq!(checks.len(), 1, "{checks:?}");
        assert_eq!(checks[0].status, Status::Fail);
        assert!(checks[0].detail.contains("sim7600-at-unplugged"), "{}", checks[0]);
        assert!(checks[0].fix.as_deref().is_some_and(|fix| fix.contains("standardiste lines")), "{}", checks[0]);
    }

    #[tokio::test]
    async fn no_lines_is_a_warning() {
        let checks = lines(&[]).await;
        assert_eq!(checks.len(), 1);
        assert_eq!(checks[0].status, Status::Warn);
    }
}
