//! A line of any kind, chosen at run time from the settings file.

use super::gsm::{GsmLine, GsmSettings};
use super::settings::{LineKind, LineSettings};
use super::usb_audio::{UsbAudioConfig, UsbAudioLine};
use super::voice_modem::{VoiceModemLine, VoiceModemSettings};
use super::{AnswerPolicy, CallerId, Line, LineDevice, LineError, LineEvent};
use crate::audio::Frame;

/// One of the hardware line drivers.
pub enum AnyLine {
    Gsm(GsmLine),
    VoiceModem(VoiceModemLine),
    UsbAudio(UsbAudioLine),
}

impl AnyLine {
    /// Opens the device a `[[line]]` table describes and checks that it can carry voice.
    pub async fn open(settings: &LineSettings) -> Result<AnyLine, LineError> {
        let label = settings.name.clone();
        match settings.kind {
            LineKind::Gsm => {
                let audio_port = settings.audio_port.clone().ok_or_else(|| LineError::Device {
                    line: label.clone(),
                    message: "audio_port is not set".to_string(),
                })?;
                let gsm = GsmSettings { label, at_port: settings.port.clone(), audio_port, baud: settings.baud() };
                Ok(AnyLine::Gsm(GsmLine::open(gsm).await?))
            }
            LineKind::VoiceModem => {
                let modem = VoiceModemSettings {
                    label,
                    port: settings.port.clone(),
                    baud: settings.baud(),
                    country: settings.country.clone(),
                };
                Ok(AnyLine::VoiceModem(VoiceModemLine::open(modem).await?))
            }
            LineKind::UsbAudio => {
                let pcm = settings.pcm.clone().unwrap_or_default();
                let config = UsbAudioConfig::new(&label, &pcm, &settings.port.to_string_lossy());
                Ok(AnyLine::UsbAudio(UsbAudioLine::new(&config)))
            }
        }
    }

    /// Returns the line's SMS sender, when it is a GSM module.
    pub fn sms_sender(&self) -> Option<super::gsm::SmsSender> {
        match self {
            AnyLine::Gsm(line) => Some(line.sms_sender()),
            _ => None,
        }
    }
}

/// Forwards a method to whichever driver the line is.
macro_rules! dispatch {
    ($self:expr, $line:ident => $body:expr) => {
        match $self {
            AnyLine::Gsm($line) => $body,
            AnyLine::VoiceModem($line) => $body,
            AnyLine::UsbAudio($line) => $body,
        }
    };
}

impl Line for AnyLine {
    fn label(&self) -> &str {
        dispatch!(self, line => line.label())
    }

    fn caller_number(&self) -> Option<&str> {
        dispatch!(self, line => line.caller_number())
    }

    async fn next_event(&mut self) -> Option<LineEvent> {
        dispatch!(self, line => line.next_event().await)
    }

    fn send_frame(&mut self, frame: &Frame) {
        dispatch!(self, line => line.send_frame(frame))
    }

    async fn hang_up(&mut self) {
        dispatch!(self, line => line.hang_up().await)
    }

    async fn send_dtmf(&mut self, digits: &str) -> Result<(), LineError> {
        dispatch!(self, line => line.send_dtmf(digits).await)
    }

    fn can_transfer(&self) -> bool {
        dispatch!(self, line => line.can_transfer())
    }

    async fn transfer(&mut self, number: &str) -> Result<(), LineError> {
        dispatch!(self, line => line.transfer(number).await)
    }
}

impl LineDevice for AnyLine {
    async fn wait_for_call(&mut self, policy: &dyn AnswerPolicy) -> Result<CallerId, LineError> {
        dispatch!(self, line => line.wait_for_call(policy).await)
    }
}
