//! The daemon's side of the console: its lines, its models, test calls
//! through the real engines, and a greeting spoken in the profile's voice.

use std::io::Cursor;

use standardiste_outbox::{Channel, NewDelivery};
use standardiste_web::{BoxFuture, Daemon, LineStatus, ModelStatus, TestCallEvent};
use tokio::sync::mpsc;

use crate::audio::LINE_RATE;
use crate::call::{run_call, CallUpdate, Engines, UPDATE_QUEUE};
use crate::line::simulated::{CallerScript, SimulatedLine};
use crate::profile::Language;
use crate::speech::tts::Speaker;
use crate::store::Speaker as TurnSpeaker;

/// Events of a test call buffered for the console; when full, the newest
/// are dropped, because the call must not wait for a browser.
const TEST_CALL_EVENTS: usize = 256;
/// Maximum length of a text the Listen button synthesizes, in characters.
const MAX_SPOKEN_CHARS: usize = 1_000;

/// The daemon's side of the console.
pub struct ConsoleDaemon {
    engines: Engines,
}

impl ConsoleDaemon {
    pub fn new(engines: Engines) -> ConsoleDaemon {
        ConsoleDaemon { engines }
    }
}

impl Daemon for ConsoleDaemon {
    fn lines(&self) -> Vec<LineStatus> {
        self.engines
            .lines
            .snapshot()
            .into_iter()
            .map(|(name, entry)| LineStatus {
                name,
                kind: entry.kind,
                state: entry.state.as_str().to_string(),
                error: entry.last_error,
            })
            .collect()
    }

    fn models(&self) -> Vec<ModelStatus> {
        let config = &self.engines.config;
        let roles = [
            ("speech-to-text", &config.stt.model),
            ("language model", &config.llm.model),
            ("English voice", &config.tts.voice),
            ("voice activity", &config.vad.model),
        ];
        roles
            .into_iter()
            .map(|(role, file)| ModelStatus {
                role: role.to_string(),
                file: file.clone(),
                size: std::fs::metadata(config.models_dir.join(file)).ok().map(|m| m.len()),
            })
            .collect()
    }

    fn start_test_call(&self) -> Result<mpsc::Receiver<TestCallEvent>, String> {
        let mut utterances = Vec::new();
        for path in &self.engines.config.console.test_call {
            let recording = crate::audio::wav::read_caller_recording(path).map_err(|error| {
                format!("{error}; set [console] test_call in the settings file to recordings that exist")
            })?;
            utterances.push(recording);
        }
        if utterances.is_empty() {
            return Err("[console] test_call lists no recording; name at least one WAV file".into());
        }
        let (events, receiver) = mpsc::channel(TEST_CALL_EVENTS);
        let engines = self.engines.clone();
        tokio::spawn(async move {
            let mut line = SimulatedLine::start("console-test", CallerScript::new(utterances));
            let (updates, mut received) = mpsc::channel(UPDATE_QUEUE);
            let forward = events.clone();
            let forwarder = tokio::spawn(async move {
                while let Some(update) = received.recv().await {
                    if let Some(event) = test_call_event(update) {
                        let _ = forward.try_send(event);
                    }
                }
            });
            let result = run_call(&mut line, &engines, Some(updates)).await;
            let _ = forwarder.await;
            if let Err(error) = result {
                tracing::error!(%error, "the console's test call failed");
                let _ = events.try_send(TestCallEvent::Failed { error: error.to_string() });
            }
        });
        Ok(receiver)
    }

    fn speak(&self, text: String, language: String) -> BoxFuture<'static, Result<Vec<u8>, String>> {
        let engines = self.engines.clone();
        Box::pin(async move {
            let language = Language::from_code(&language)
                .ok_or_else(|| format!("the language {language:?} is not one of en, fr, de, es or it"))?;
            let text: String = text.chars().take(MAX_SPOKEN_CHARS).collect();
            if text.trim().is_empty() {
                return Err("there is no text to speak; write the greeting first".into());
            }
            let profile = engines.current_profile().await;
            let speaker = Speaker::new(language, profile.voice_for(language));
            let speech = engines.tts.speak(&text, &speaker).await.map_err(|e| e.to_string())?;
            wav_bytes(&speech.samples).map_err(|e| format!("cannot write the WAV file: {e}"))
        })
    }

    fn send_setup_code(&self, code: &str) -> Result<Option<String>, String> {
        let number = self.engines.config.console.setup_sms.trim();
        if number.is_empty() {
            return Ok(None);
        }
        let delivery = NewDelivery {
            channel: Channel::Sms,
            recipient: number.to_string(),
            subject: String::new(),
            body: format!("Standardiste web console set-up code: {code}. Open the console in a browser on the office network and enter it."),
            idempotency_key: format!("console-setup-{}", code.replace('-', "")),
        };
        let mut store = self.engines.store.lock().map_err(|_| "the call database lock is poisoned".to_string())?;
        store.queue_deliveries(&[delivery]).map_err(|e| e.to_string())?;
        drop(store);
        self.engines.wake_outbox();
        Ok(Some(standardiste_outbox::mask_recipient(Channel::Sms, number)))
    }
}

fn test_call_event(update: CallUpdate) -> Option<TestCallEvent> {
    Some(match update {
        CallUpdate::Started { call_id, .. } => TestCallEvent::Started { call_id },
        CallUpdate::Said { at_ms, speaker, text, .. } => TestCallEvent::Said {
            at_ms,
            speaker: match speaker {
                TurnSpeaker::Caller => "caller".to_string(),
                TurnSpeaker::Assistant => "assistant".to_string(),
            },
            text,
        },
        CallUpdate::Note { at_ms, text } => TestCallEvent::Note { at_ms, text },
        CallUpdate::Ended { call_id, outcome, duration_ms } => TestCallEvent::Ended {
            call_id,
            outcome: outcome.as_str().to_string(),
            duration_ms,
        },
    })
}

/// 16-bit mono WAV at the line's rate.
fn wav_bytes(samples: &[i16]) -> Result<Vec<u8>, hound::Error> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: LINE_RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut buffer = Cursor::new(Vec::new());
    {
        let mut writer = hound::WavWriter::new(&mut buffer, spec)?;
        for sample in samples {
            writer.write_sample(*sample)?;
        }
        writer.finalize()?;
    }
    Ok(buffer.into_inner())
}
