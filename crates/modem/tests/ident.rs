//! Device identification from AT responses, and serial port discovery from a
//! fake sysfs tree.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use standardiste_modem::ident::{
    gsm_voice_missing, identify, likely_role, list_serial_ports, Model, SerialPortInfo, UsbInfo,
};

fn lines(text: &[&str]) -> Vec<String> {
    text.iter().map(|line| line.to_string()).collect()
}

#[test]
fn identify_cases() {
    type Case = (
        &'static [&'static str],
        &'static [&'static str],
        &'static [&'static str],
        Model,
    );
    let cases: Vec<Case> = vec![
        (
            &[
                "Manufacturer: SIMCOM INCORPORATED",
                "Model: SIMCOM_SIM7600G-H",
                "IMEI: 861234567890123",
            ],
            &["SIMCOM INCORPORATED"],
            &["SIMCOM_SIM7600G-H"],
            Model::Sim7600,
        ),
        (&[], &["SIMCOM INCORPORATED"], &["SIM7600E"], Model::Sim7600),
        (
            &["Quectel", "EC25", "Revision: EC25EFAR06A06M4G"],
            &["Quectel"],
            &["EC25"],
            Model::Ec25,
        ),
        (&[], &["Quectel"], &["EG25"], Model::Ec25),
        (
            &[],
            &["SIMCOM INCORPORATED"],
            &["SIMCOM_SIM7080G"],
            Model::OtherGsm("SIMCOM_SIM7080G".into()),
        ),
        (
            &["IMEI: 865637012345678"],
            &["Quectel"],
            &["BG96"],
            Model::OtherGsm("BG96".into()),
        ),
        (&["USR5637"], &[], &[], Model::Usr5637),
        (
            &["U.S. Robotics 56K FAX USB 5637"],
            &[],
            &[],
            Model::Usr5637,
        ),
        (&["CX93001-EIS_V0.2002-V92"], &[], &[], Model::Cx93010),
        (&["Zoom 3095 USB modem"], &[], &[], Model::Cx93010),
        (
            &["56000", "V.92 modem"],
            &[],
            &[],
            Model::OtherVoiceModem("56000 V.92 modem".into()),
        ),
        (&["hello"], &[], &[], Model::Unknown("hello".into())),
        (&[], &[], &[], Model::Unknown(String::new())),
    ];
    for (ati, cgmi, cgmm, expected) in cases {
        assert_eq!(
            identify(&lines(ati), &lines(cgmi), &lines(cgmm)),
            expected,
            "{ati:?} {cgmi:?} {cgmm:?}"
        );
    }
}

#[test]
fn voice_missing_for_data_modules() {
    let cases = [
        (Model::OtherGsm("SIMCOM_SIM7080G".into()), true),
        (Model::OtherGsm("SIM7000E".into()), true),
        (Model::OtherGsm("SIM7070G".into()), true),
        (Model::OtherGsm("A7670E / SIM7670G".into()), true),
        (Model::OtherGsm("BG96".into()), false),
        (Model::Sim7600, false),
        (Model::Ec25, false),
        (Model::Usr5637, false),
    ];
    for (model, missing) in cases {
        assert_eq!(gsm_voice_missing(&model).is_some(), missing, "{model:?}");
    }
    let reason = gsm_voice_missing(&Model::OtherGsm("SIM7080G".into())).unwrap();
    assert!(reason.contains("SIM7600"), "reason names a fix: {reason}");
}

fn usb(vendor_id: u16, product_id: u16, interface: Option<u8>) -> UsbInfo {
    UsbInfo {
        vendor_id,
        product_id,
        interface,
        manufacturer: None,
        product: None,
        serial: None,
    }
}

#[test]
fn likely_roles() {
    let cases = [
        (usb(0x1E0E, 0x9001, Some(2)), Some("SIMCom SIM7600 AT port")),
        (
            usb(0x1E0E, 0x9001, Some(4)),
            Some("SIMCom SIM7600 audio port"),
        ),
        (
            usb(0x1E0E, 0x9001, Some(1)),
            Some("SIMCom SIM7600 NMEA port"),
        ),
        (
            usb(0x1E0E, 0x9001, Some(0)),
            Some("SIMCom SIM7600 diagnostics port"),
        ),
        (
            usb(0x1E0E, 0x9001, Some(3)),
            Some("SIMCom SIM7600 modem (PPP) port"),
        ),
        (
            usb(0x2C7C, 0x0125, Some(2)),
            Some("Quectel EC25/EG25 AT port"),
        ),
        (
            usb(0x2C7C, 0x0125, Some(3)),
            Some("Quectel EC25/EG25 modem (PPP) port"),
        ),
        (
            usb(0x0BAF, 0x0303, Some(0)),
            Some("USRobotics USR5637 voice modem"),
        ),
        (
            usb(0x0572, 0x1329, None),
            Some("Conexant CX93010 (Zoom 3095) voice modem"),
        ),
        (usb(0x0403, 0x6001, Some(0)), None),
    ];
    for (info, expected) in cases {
        assert_eq!(likely_role(&info).as_deref(), expected, "{info:?}");
    }
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// Builds a USB device with serial ports on the given interfaces, laid out
/// like the option driver does: .../1-1/1-1:1.N/ttyUSBk/tty/ttyUSBk.
fn add_usb_modem(sys: &Path, dev: &Path, ids: (&str, &str), ports: &[(u8, &str)]) {
    let device = sys.join("devices/platform/usb1/1-1");
    write(&device.join("idVendor"), &format!("{}\n", ids.0));
    write(&device.join("idProduct"), &format!("{}\n", ids.1));
    write(&device.join("manufacturer"), "SimTech, Incorporated\n");
    write(&device.join("product"), "SimTech, Incorporated\n");
    write(&device.join("serial"), "0123456789ABCDEF\n");
    let driver = sys.join("bus/usb-serial/drivers/option1");
    fs::create_dir_all(&driver).unwrap();
    for (interface, name) in ports {
        let interface_dir = device.join(format!("1-1:1.{interface}"));
        write(
            &interface_dir.join("bInterfaceNumber"),
            &format!("{interface:02x}\n"),
        );
        let port_dir = interface_dir.join(name);
        fs::create_dir_all(port_dir.join("tty").join(name)).unwrap();
        symlink(&driver, port_dir.join("driver")).unwrap();
        let class_dir = sys.join("class/tty").join(name);
        fs::create_dir_all(&class_dir).unwrap();
        symlink(&port_dir, class_dir.join("device")).unwrap();
        write(&dev.join(name), "");
    }
}

#[test]
fn sysfs_usb_ports_found() {
    let root = tempfile::tempdir().unwrap();
    let sys = root.path().join("sys");
    let dev = root.path().join("dev");
    add_usb_modem(
        &sys,
        &dev,
        ("1e0e", "9001"),
        &[(2, "ttyUSB2"), (4, "ttyUSB4"), (10, "ttyUSB10")],
    );

    let ports = list_serial_ports(&sys, &dev);
    let names: Vec<PathBuf> = ports.iter().map(|port| port.path.clone()).collect();
    assert_eq!(
        names,
        vec![
            dev.join("ttyUSB2"),
            dev.join("ttyUSB4"),
            dev.join("ttyUSB10")
        ]
    );

    let expected_usb = UsbInfo {
        vendor_id: 0x1E0E,
        product_id: 0x9001,
        interface: Some(2),
        manufacturer: Some("SimTech, Incorporated".into()),
        product: Some("SimTech, Incorporated".into()),
        serial: Some("0123456789ABCDEF".into()),
    };
    let expected = SerialPortInfo {
        path: dev.join("ttyUSB2"),
        driver: Some("option1".into()),
        usb: Some(expected_usb),
    };
    assert_eq!(ports[0], expected);
    // sysfs writes bInterfaceNumber in hex: "0a" is interface 10.
    assert_eq!(
        ports[2].usb.as_ref().and_then(|usb| usb.interface),
        Some(10),
        "hex interface"
    );
    let role = ports[1].usb.as_ref().and_then(likely_role);
    assert_eq!(role.as_deref(), Some("SIMCom SIM7600 audio port"));
}

#[test]
fn sysfs_skips_virtual_and_placeholders() {
    let root = tempfile::tempdir().unwrap();
    let sys = root.path().join("sys");
    let dev = root.path().join("dev");

    // tty0: virtual console, no device link.
    fs::create_dir_all(sys.join("class/tty/tty0")).unwrap();
    write(&dev.join("tty0"), "");
    // ttyS0: a real UART (type 4, 16550A). ttyS1: 8250 placeholder (type 0).
    for (name, port_type) in [("ttyS0", "4"), ("ttyS1", "0")] {
        let device = sys.join("devices/platform/serial8250").join(name);
        fs::create_dir_all(&device).unwrap();
        let class_dir = sys.join("class/tty").join(name);
        fs::create_dir_all(&class_dir).unwrap();
        symlink(&device, class_dir.join("device")).unwrap();
        write(&class_dir.join("type"), &format!("{port_type}\n"));
        write(&dev.join(name), "");
    }
    // ttyACM0: has sysfs entries but no node under /dev.
    let acm = sys.join("devices/acm0");
    fs::create_dir_all(&acm).unwrap();
    fs::create_dir_all(sys.join("class/tty/ttyACM0")).unwrap();
    symlink(&acm, sys.join("class/tty/ttyACM0/device")).unwrap();

    let ports = list_serial_ports(&sys, &dev);
    let expected = vec![SerialPortInfo {
        path: dev.join("ttyS0"),
        driver: None,
        usb: None,
    }];
    assert_eq!(ports, expected);
}

#[test]
fn sysfs_missing_root_is_empty() {
    let root = tempfile::tempdir().unwrap();
    assert!(list_serial_ports(&root.path().join("nope"), root.path()).is_empty());
}
