//! The receptionist on a phone line. A caller presses 0 on a simulated
//! SIM7600 and the box tries to transfer the call, which the simulated network
//! rejects. The box then texts the on-call dentist and promises a callback.
//! After the call it texts the recap. Every text goes out through the
//! module's AT port.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{asterisk, engines, fixture, line_audio, serial, RUNTIME};
use standardiste::line::any::AnyLine;
use standardiste::line::caller::{CallerScript, ScriptedCaller};
use standardiste::line::settings::LineSettings;
use standardiste::line::simulated::SimulatedLine;
use standardiste::profile::ProfileWatcher;
use standardiste::line::AnswerOnRing;
use standardiste::recap::sms::SmsModules;
use standardiste::serve::answer_calls;
use standardiste::store::Store;
use standardiste_modem::sim::{CallerIdSpec, Device, IncomingCall, SimOptions, SmsResult, Simulator};
use standardiste_outbox::{Outbox, RetryPolicy, Transports};

const ALLISON: &str = "en_US_f_Allison";
const CALLER: &str = "+447700900321";

#[test]
fn rejected_transfer_alerts_on_call_by_sms() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    // A store of its own, so that only this call's texts are in the outbox.
    let mut engines = engines().clone();
    let mut config = (*engines.config).clone();
    config.data_dir = dir.path().join("data");
    std::fs::create_dir_all(&config.data_dir).unwrap();
    engines.store = Arc::new(Mutex::new(Store::open(&config.database_path()).unwrap()));
    engines.config = Arc::new(config);
    let mut options = SimOptions::new(dir.path().join("ports"));
    options.ring_interval = Duration::from_millis(800);
    let simulator = Simulator::start(Device::Sim7600, options).unwrap_or_else(|e| panic!("{e}"));
    let settings = LineSettings::for_simulator(&simulator, 2);
    let goodbye = line_audio(&asterisk(ALLISON, "vm-goodbye"));
    let mut script = CallerScript::new(vec![goodbye]);
    script.patience = Duration::from_secs(60);
    // Long enough for the transfer attempt between the two sentences of the box.
    script.reply_gap = Duration::from_secs(2);

    let (summary, sms) = RUNTIME.block_on(async {
        let mut line = AnyLine::open(&settings).await.unwrap_or_else(|e| panic!("{e}"));
        let sms = SmsModules::default();
        sms.add(line.sms_sender().expect("a GSM line sends texts"));
        let transports = Transports { sms: Some(Arc::new(sms.clone())), ..Transports::default() };
        let outbox = Outbox::new(engines.config.database_path(), transports, RetryPolicy::default())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let outbox = Arc::new(outbox);
        engines.outbox = Some(outbox.clone());

        simulator.ring(IncomingCall {
            caller: CallerIdSpec::Number { number: CALLER.into(), name: None },
            audio: Box::new(ScriptedCaller::new(script)),
            // During the greeting.
            dtmf: vec![(Duration::from_secs(2), '0')],
            max_rings: 6,
        });
        let summaries = tokio::time::timeout(
            Duration::from_secs(180),
            answer_calls(&mut line, &engines, &AnswerOnRing(2), Some(1), None),
        )
        .await
        .expect("the call ends within 3 minutes")
        .unwrap_or_else(|e| panic!("{e}"));
        // Everything queued goes out through the module, which is idle again.
        let report = outbox.run_due().await.unwrap_or_else(|e| panic!("{e}"));
        (summaries.into_iter().next().expect("one call"), report)
    });
    assert!(sms.failed.is_empty(), "texts failed: {sms:?}");

    let store = engines.store.lock().unwrap();
    let turns = store.turns(summary.call_id).unwrap();
    for turn in &turns {
        eprintln!("[{:>6} ms] {:<9} {}", turn.start_ms, turn.speaker, turn.text);
    }
    let said: String = turns.iter().filter(|t| t.speaker == "assistant").map(|t| t.text.as_str()).collect::<Vec<_>>().join(" ");
    assert!(said.contains("putting you through"), "the box announces the transfer: {said}");
    assert!(said.contains("within 30 minutes"), "the box promises the callback: {said}");

    let intake = store.intake(summary.call_id).unwrap();
    assert_eq!(intake.escalation.as_deref(), Some("pressed 0"));
    assert!(intake.callback_promised, "the callback promise is stored");

    let report = simulator.report();
    assert!(
        report.commands.iter().any(|c| c.starts_with("ATD+447700900126")),
        "the box dialled the profile's transfer number: {:?}",
        report.commands
    );
    let sent: Vec<(String, String)> = report
        .sms
        .iter()
        .filter(|record| matches!(record.result, SmsResult::Sent { .. }))
        .filter_map(|record| Some((record.to.clone()?, record.text.clone()?)))
        .collect();
    for (to, text) in &sent {
        eprintln!("SMS to {to}: {text}");
    }
    let alert = sent.iter().find(|(to, _)| to == "+447700900123").expect("an alert to the on-call dentist");
    assert!(alert.1.contains("900321"), "the alert gives the caller's number: {}", alert.1);
    assert!(alert.1.contains("30"), "the alert gives the promised delay: {}", alert.1);
    let recap = sent.iter().find(|(to, _)| to == "+447700900125").expect("a recap to the front desk");
    assert!(recap.1.contains("900321"), "the recap gives the caller's number: {}", recap.1);
    assert_eq!(sent.len(), 2, "one alert and one recap text: {sent:?}");
}

#[test]
fn profile_edit_applies_to_next_call() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("profile.toml");
    let original = std::fs::read_to_string(common::workspace().join("config/profile.toml")).unwrap();
    std::fs::write(&path, &original).unwrap();
    let mut engines = engines().clone();
    engines.watch_profile(ProfileWatcher::new(&path).unwrap_or_else(|e| panic!("{e}")));

    let greeting = |engines: &standardiste::call::Engines| {
        let hum = line_audio(&fixture("caller-hum.wav"));
        let mut script = CallerScript::new(vec![hum]);
        script.hang_up_gap = Duration::from_secs(2);
        let summary = RUNTIME
            .block_on(async { standardiste::call::run_call(&mut SimulatedLine::start("sim0", script), engines, None).await })
            .unwrap_or_else(|e| panic!("{e}"));
        let store = engines.store.lock().unwrap();
        store.turns(summary.call_id).unwrap().into_iter().next().expect("a greeting").text
    };
    assert!(greeting(&engines).starts_with("Hello, you have reached Harbor Dental Clinic"));

    // The owner changes the greeting: the next call uses it, without a restart.
    let edited = original.replace(
        "en = \"Hello, you have reached Harbor Dental Clinic.",
        "en = \"Good day, Harbor Dental Clinic here.",
    );
    assert_ne!(edited, original, "the example profile's greeting changed; update this test");
    std::fs::write(&path, &edited).unwrap();
    assert!(greeting(&engines).starts_with("Good day, Harbor Dental Clinic here."));

    // A broken edit keeps the last valid profile in use.
    std::fs::write(&path, "name = \"\"\n").unwrap();
    assert!(greeting(&engines).starts_with("Good day, Harbor Dental Clinic here."));
}
