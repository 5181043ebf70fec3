//! Which telephone device is attached and on which serial port, from the
//! modem's identification responses and from sysfs.

use std::fs;
use std::path::{Path, PathBuf};

/// A device the box has a driver for, or a description of another device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Model {
    /// SIMCom SIM7600 (any variant: SIM7600G-H, SIM7600E...).
    Sim7600,
    /// Quectel EC25 or EG25.
    Ec25,
    /// USRobotics USR5637 USB voice modem.
    Usr5637,
    /// Conexant CX93010 USB voice modem (also sold as Zoom 3095).
    Cx93010,
    /// Another GSM/LTE module, with its model name.
    OtherGsm(String),
    /// Another analog modem, with its identification text.
    OtherVoiceModem(String),
    /// Nothing recognised, with the identification text.
    Unknown(String),
}

/// Manufacturer names that `AT+CGMI` returns for cellular modules.
const GSM_MANUFACTURERS: &[&str] = &[
    "SIMCOM",
    "QUECTEL",
    "TELIT",
    "U-BLOX",
    "SIERRA",
    "HUAWEI",
    "ZTE",
    "FIBOCOM",
    "NEOWAY",
    "MEIG",
    "GOSUNCN",
    "LONGSUNG",
    "CINTERION",
    "GEMALTO",
    "THALES",
];

/// Words in the `ATI` responses of dial-up modems.
const MODEM_WORDS: &[&str] = &[
    "V.92", "V92", "V.90", "56K", "MODEM", "FAX", "ROBOTICS", "CONEXANT",
];

/// Identifies the device from the information lines of `ATI`, `AT+CGMI` and
/// `AT+CGMM`, any of which may be empty (voice modems return `ERROR` for
/// `AT+CGMI`).
///
/// NOTE: the USR5637 and CX93010 rules match on the model names in the `ATI`
/// text (`5637`, `CX93010`, `CX93001`, `ZOOM` with `3095`). Their exact
/// banners were not checked on hardware, so [`likely_role`] on the USB ids is
/// the more reliable test for these two.
pub fn identify(ati: &[String], cgmi: &[String], cgmm: &[String]) -> Model {
    let all = [ati, cgmi, cgmm].concat().join(" ");
    let upper = all.to_ascii_uppercase();
    let compact: String = upper
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_')
        .collect();

    if compact.contains("SIM7600") {
        return Model::Sim7600;
    }
    if compact.contains("EC25") || compact.contains("EG25") {
        return Model::Ec25;
    }
    if GSM_MANUFACTURERS.iter().any(|name| upper.contains(name)) {
        return Model::OtherGsm(first_non_empty(cgmm).unwrap_or(all.trim()).to_string());
    }
    // Whole words only, so that an IMEI or serial number containing 5637 or
    // 3095 does not match.
    let words: Vec<&str> = upper.split(|c: char| !c.is_ascii_alphanumeric()).collect();
    if words.iter().any(|word| matches!(*word, "5637" | "USR5637")) {
        return Model::Usr5637;
    }
    let zoom_3095 = words.contains(&"ZOOM") && words.contains(&"3095");
    if compact.contains("CX93010") || compact.contains("CX93001") || zoom_3095 {
        return Model::Cx93010;
    }
    if MODEM_WORDS.iter().any(|word| upper.contains(word)) {
        return Model::OtherVoiceModem(all.trim().to_string());
    }
    Model::Unknown(all.trim().to_string())
}

fn first_non_empty(lines: &[String]) -> Option<&str> {
    lines
        .iter()
        .map(|line| line.trim())
        .find(|line| !line.is_empty())
}

/// Cellular modules without a voice path: their model prefix and family.
const DATA_ONLY_MODULES: &[(&str, &str)] = &[
    ("SIM7000", "SIMCom SIM7000 (LTE Cat-M/NB-IoT)"),
    ("SIM7020", "SIMCom SIM7020 (NB-IoT)"),
    ("SIM7070", "SIMCom SIM7070 (LTE Cat-M/NB-IoT)"),
    ("SIM7080", "SIMCom SIM7080 (LTE Cat-M/NB-IoT)"),
    ("SIM7670", "SIMCom SIM7670 (LTE Cat-1 data module)"),
    ("BC66", "Quectel BC66 (NB-IoT)"),
    ("BC95", "Quectel BC95 (NB-IoT)"),
    ("BC660", "Quectel BC660 (NB-IoT)"),
];

/// Returns why a GSM module cannot carry a voice call, or None when it can
/// or when the model is not a known data-only module.
pub fn gsm_voice_missing(model: &Model) -> Option<String> {
    let Model::OtherGsm(name) = model else {
        return None;
    };
    let upper = name.to_ascii_uppercase();
    DATA_ONLY_MODULES
        .iter()
        .find(|(prefix, _)| upper.contains(prefix))
        .map(|(_, family)| {
            format!(
                "{family} has no voice calls; use a SIMCom SIM7600 or a Quectel EC25/EG25 to answer calls"
            )
        })
}

/// One serial port found in sysfs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerialPortInfo {
    /// Device node, such as `/dev/ttyUSB2`.
    pub path: PathBuf,
    /// Kernel driver bound to the port (`option`, `cdc_acm`, `serial8250`...).
    pub driver: Option<String>,
    /// USB identity, for ports on a USB device.
    pub usb: Option<UsbInfo>,
}

/// USB identity of a serial port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsbInfo {
    pub vendor_id: u16,
    pub product_id: u16,
    /// `bInterfaceNumber`: modules expose one tty per interface (AT, audio, NMEA...).
    pub interface: Option<u8>,
    pub manufacturer: Option<String>,
    pub product: Option<String>,
    pub serial: Option<String>,
}

/// How many directories above the tty device to search for the USB interface
/// and device. A USB serial port sits 2 levels under its USB device.
const MAX_SYSFS_DEPTH: usize = 8;

/// Lists serial ports from sysfs, sorted by name (`ttyUSB2` before `ttyUSB10`).
///
/// `sys_root` is `/sys` and `dev_root` is `/dev` in production, and tests
/// build fake trees. A port is listed when `class/tty/<name>/device` exists
/// (so virtual terminals and pseudo-terminals are skipped) and its node
/// exists under `dev_root`. A `ttyS*` port whose sysfs `type` is 0 is the
/// 8250 driver's placeholder for a UART that is not there, and is skipped.
/// The USB identity comes from walking up from the resolved `device` link to
/// the first directory with `bInterfaceNumber` and the first with `idVendor`.
pub fn list_serial_ports(sys_root: &Path, dev_root: &Path) -> Vec<SerialPortInfo> {
    let Ok(entries) = fs::read_dir(sys_root.join("class/tty")) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().into_string().ok())
        .collect();
    names.sort_by(|a, b| natural_key(a).cmp(&natural_key(b)));

    names
        .iter()
        .filter_map(|name| port_info(sys_root, dev_root, name))
        .collect()
}

/// Sort key that orders the trailing number numerically.
fn natural_key(name: &str) -> (&str, u64, &str) {
    let prefix = name.trim_end_matches(|c: char| c.is_ascii_digit());
    let number = name
        .get(prefix.len()..)
        .and_then(|digits| digits.parse().ok())
        .unwrap_or(0);
    (prefix, number, name)
}

fn port_info(sys_root: &Path, dev_root: &Path, name: &str) -> Option<SerialPortInfo> {
    let class_dir = sys_root.join("class/tty").join(name);
    let device_dir = fs::canonicalize(class_dir.join("device")).ok()?;
    if name.starts_with("ttyS") && read_trimmed(&class_dir.join("type")).as_deref() == Some("0") {
        return None;
    }
    let path = dev_root.join(name);
    if !path.exists() {
        return None;
    }
    let driver = fs::read_link(device_dir.join("driver"))
        .ok()
        .and_then(|target| {
            target
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
        });
    let usb = find_usb_info(&device_dir);
    Some(SerialPortInfo { path, driver, usb })
}

fn find_usb_info(device_dir: &Path) -> Option<UsbInfo> {
    let mut interface = None;
    for directory in device_dir.ancestors().take(MAX_SYSFS_DEPTH) {
        if interface.is_none() {
            interface = read_trimmed(&directory.join("bInterfaceNumber"))
                .and_then(|text| u8::from_str_radix(&text, 16).ok());
        }
        let Some(vendor) = read_hex_u16(&directory.join("idVendor")) else {
            continue;
        };
        let product_id = read_hex_u16(&directory.join("idProduct"))?;
        return Some(UsbInfo {
            vendor_id: vendor,
            product_id,
            interface,
            manufacturer: read_trimmed(&directory.join("manufacturer")),
            product: read_trimmed(&directory.join("product")),
            serial: read_trimmed(&directory.join("serial")),
        });
    }
    None
}

fn read_trimmed(path: &Path) -> Option<String> {
    let text = fs::read_to_string(path).ok()?;
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

fn read_hex_u16(path: &Path) -> Option<u16> {
    u16::from_str_radix(&read_trimmed(path)?, 16).ok()
}

const SIMCOM_VENDOR: u16 = 0x1E0E;
const SIM7600_PRODUCT: u16 = 0x9001;
const QUECTEL_VENDOR: u16 = 0x2C7C;
const EC25_PRODUCT: u16 = 0x0125;
const USR_VENDOR: u16 = 0x0BAF;
const USR5637_PRODUCT: u16 = 0x0303;
const CONEXANT_VENDOR: u16 = 0x0572;
const CX93010_PRODUCT: u16 = 0x1329;

/// Describes what a USB serial port likely is, from its ids and interface
/// number, or returns None for a device this table does not list.
pub fn likely_role(usb: &UsbInfo) -> Option<String> {
    let role = match (usb.vendor_id, usb.product_id) {
        (SIMCOM_VENDOR, SIM7600_PRODUCT) => {
            let port = match usb.interface {
                Some(0) => "diagnostics port",
                Some(1) => "NMEA port",
                Some(2) => "AT port",
                Some(3) => "modem (PPP) port",
                Some(4) => "audio port",
                _ => "port of unknown role",
            };
            format!("SIMCom SIM7600 {port}")
        }
        (QUECTEL_VENDOR, EC25_PRODUCT) => {
            let port = match usb.interface {
                Some(0) => "diagnostics port",
                Some(1) => "NMEA port",
                Some(2) => "AT port",
                Some(3) => "modem (PPP) port",
                _ => "port of unknown role",
            };
            format!("Quectel EC25/EG25 {port}")
        }
        (USR_VENDOR, USR5637_PRODUCT) => "USRobotics USR5637 voice modem".to_string(),
        (CONEXANT_VENDOR, CX93010_PRODUCT) => {
            "Conexant CX93010 (Zoom 3095) voice modem".to_string()
        }
        _ => return None,
    };
    Some(role)
}
