//! The `[[line]]` tables of the settings file: which devices carry calls,
//! on which ports, and on which ring the box answers.

use std::collections::HashSet;
use std::path::PathBuf;

use serde::Deserialize;

/// Kind of device a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LineKind {
    /// SIMCom SIM7600 or Quectel EC25/EG25 (detected with ATI and AT+CGMM).
    Gsm,
    /// USRobotics USR5637 or a Conexant CX93010 modem on a landline.
    VoiceModem,
    /// A USB sound card behind a line interface, with ring and hook on a serial port.
    UsbAudio,
}

impl LineKind {
    /// Returns the name the settings file gives this kind.
    pub fn name(self) -> &'static str {
        match self {
            LineKind::Gsm => "gsm",
            LineKind::VoiceModem => "voice-modem",
            LineKind::UsbAudio => "usb-audio",
        }
    }
}

/// One `[[line]]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineSettings {
    /// Short name for logs and call records, e.g. `gsm0`.
    pub name: String,
    pub kind: LineKind,
    /// The AT port (GSM), the modem's port (voice modem) or the serial port
    /// whose modem-status lines carry ring and hook (USB audio).
    pub port: PathBuf,
    /// GSM only: the PCM audio port.
    #[serde(default)]
    pub audio_port: Option<PathBuf>,
    /// USB audio only: the ALSA device, e.g. `plughw:CARD=Device,DEV=0`.
    #[serde(default)]
    pub pcm: Option<String>,
    /// Serial speed; default 115200 for GSM, 57600 for voice modems.
    #[serde(default)]
    pub baud: Option<u32>,
    /// The box answers on this ring (1 answers at once). Default 1 for GSM,
    /// and 2 otherwise because analog caller ID comes after the first ring.
    #[serde(default)]
    pub answer_on_ring: Option<u32>,
    /// Voice modem only: AT+GCI country code, e.g. `B4` for the UK.
    #[serde(default)]
    pub country: Option<String>,
}

impl LineSettings {
    pub fn baud(&self) -> u32 {
        self.baud.unwrap_or(match self.kind {
            LineKind::Gsm => 115_200,
            LineKind::VoiceModem | LineKind::UsbAudio => 57_600,
        })
    }

    pub fn answer_on_ring(&self) -> u32 {
        self.answer_on_ring.unwrap_or(match self.kind {
            LineKind::Gsm => 1,
            LineKind::VoiceModem | LineKind::UsbAudio => 2,
        })
    }

    /// The table that drives a pty simulator's ports, named after its device.
    pub fn for_simulator(simulator: &standardiste_modem::sim::Simulator, answer_on_ring: u32) -> LineSettings {
        let device = simulator.device();
        LineSettings {
            name: device.name().to_string(),
            kind: if device.is_gsm() { LineKind::Gsm } else { LineKind::VoiceModem },
            port: simulator.at_port(),
            audio_port: simulator.audio_port(),
            pcm: None,
            baud: None,
            answer_on_ring: Some(answer_on_ring),
            country: None,
        }
    }

    /// Makes relative ports absolute against the settings file's folder.
    pub fn resolve_paths(&mut self, base: &std::path::Path) {
        self.port = base.join(&self.port);
        if let Some(audio_port) = &mut self.audio_port {
            *audio_port = base.join(&*audio_port);
        }
    }
}

const BAUD_RATES: [u32; 8] = [9_600, 19_200, 38_400, 57_600, 115_200, 230_400, 460_800, 921_600];

/// Checks every line table; the message names the line, the key and the fix.
pub fn validate(lines: &[LineSettings]) -> Result<(), String> {
    let mut names = HashSet::new();
    for line in lines {
        let name = &line.name;
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(format!("line name {name:?} is invalid; use letters, digits, '-' or '_', e.g. \"gsm0\""));
        }
        if !names.insert(name.as_str()) {
            return Err(format!("line name {name:?} is used twice; give each [[line]] its own name"));
        }
        if let Some(ring) = line.answer_on_ring.filter(|ring| !(1..=10).contains(ring)) {
            return Err(format!("line {name}: answer_on_ring = {ring} is out of range; use 1 to 10"));
        }
        if let Some(baud) = line.baud {
            if !BAUD_RATES.contains(&baud) {
                return Err(format!("line {name}: baud = {baud} is not a serial speed; use one of {BAUD_RATES:?}"));
            }
        }
        match line.kind {
            LineKind::Gsm if line.audio_port.is_none() => {
                return Err(format!("line {name}: a GSM line needs audio_port, the module's PCM port (ttyUSB4 on a SIM7600)"))
            }
            LineKind::UsbAudio if line.pcm.is_none() => {
                return Err(format!("line {name}: a USB audio line needs pcm, the ALSA device (see `arecord -L`)"))
            }
            _ => {}
        }
        if let Some(country) = &line.country {
            if country.is_empty() || country.len() > 2 || !country.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(format!("line {name}: country = {country:?} is not an AT+GCI code; use two hex digits such as \"B4\""));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<LineSettings>, String> {
        #[derive(Deserialize)]
        struct File {
            line: Vec<LineSettings>,
        }
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        validate(&file.line)?;
        Ok(file.line)
    }

    #[test]
    fn accepts_each_kind() {
        let lines = parse(
            "[[line]]\nname = \"gsm0\"\nkind = \"gsm\"\nport = \"/dev/ttyUSB2\"\naudio_port = \"/dev/ttyUSB4\"\nanswer_on_ring = 2\n\
             [[line]]\nname = \"modem0\"\nkind = \"voice-modem\"\nport = \"/dev/ttyACM0\"\ncountry = \"B4\"\n\
             [[line]]\nname = \"card0\"\nkind = \"usb-audio\"\nport = \"/dev/ttyUSB0\"\npcm = \"plughw:CARD=Device\"\n",
        )
        .unwrap();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].baud(), 115_200);
        assert_eq!(lines[1].baud(), 57_600);
        assert_eq!(lines[0].answer_on_ring(), 2);
        assert_eq!(lines[1].answer_on_ring(), 2, "analog lines wait for caller ID");
    }

    #[test]
    fn rejects_with_line_and_key() {
        for (text, expected) in [
            ("[[line]]\nname = \"g\"\nkind = \"gsm\"\nport = \"/dev/x\"\n", "needs audio_port"),
            ("[[line]]\nname = \"u\"\nkind = \"usb-audio\"\nport = \"/dev/x\"\n", "needs pcm"),
            ("[[line]]\nname = \"m\"\nkind = \"voice-modem\"\nport = \"/dev/x\"\nbaud = 12345\n", "baud = 12345"),
            ("[[line]]\nname = \"m\"\nkind = \"voice-modem\"\nport = \"/dev/x\"\nanswer_on_ring = 0\n", "answer_on_ring = 0"),
            ("[[line]]\nname = \"m\"\nkind = \"voice-modem\"\nport = \"/dev/x\"\ncountry = \"UK\"\n", "country = \"UK\""),
            ("[[line]]\nname = \"m x\"\nkind = \"voice-modem\"\nport = \"/dev/x\"\n", "line name \"m x\""),
            ("[[line]]\nname = \"m\"\nkind = \"fax\"\nport = \"/dev/x\"\n", "unknown variant `fax`"),
            (
                "[[line]]\nname = \"m\"\nkind = \"voice-modem\"\nport = \"/dev/x\"\n[[line]]\nname = \"m\"\nkind = \"voice-modem\"\nport = \"/dev/y\"\n",
                "used twice",
            ),
        ] {
            let message = parse(text).unwrap_err();
            assert!(message.contains(expected), "{text:?}: {message}");
        }
    }
}
