//! Interoperability with the reference implementation, the Python `wyoming` package (1.10.2):
//! its client against the worker, and `SttClient` against a server built on its event code.

mod common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use common::audio::read_prompt;
use common::wer::{normalize, Lang};
use common::{asterisk_sounds_dir, block_on, workspace_dir, TempDir, Worker};

/// Returns `$STANDARDISTE_PYTHON`, or the interpreter of `<workspace>/.deps/venv`, and fails
/// the test when it cannot import `wyoming`.
fn python() -> PathBuf {
    let python = match std::env::var_os("STANDARDISTE_PYTHON") {
        Some(path) => PathBuf::from(path),
        None => workspace_dir().join(".deps/venv/bin/python"),
    };
    let check = Command::new(&python)
        .args(["-c", "import wyoming"])
        .output();
    let ok = matches!(&check, Ok(output) if output.status.success());
    assert!(
        ok,
        "no Python with the wyoming package at {}: run the setup script, which creates \
         .deps/venv with wyoming==1.10.2, or set STANDARDISTE_PYTHON ({check:?})",
        python.display()
    );
    python
}

const CLIENT_SCRIPT: &str = r#"
import asyncio, json, sys
from wyoming.client import AsyncTcpClient
from wyoming.info import Describe, Info
from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioStart, AudioChunk, AudioStop

async def main(host, port, pcm_path):
    pcm = open(pcm_path, "rb").read()
    result = {}
    async with AsyncTcpClient(host, port) as client:
        await client.write_event(Describe().event())
        while True:
            event = await asyncio.wait_for(client.read_event(), 30)
            if Info.is_type(event.type):
                info = Info.from_event(event)
                program = info.asr[0]
                result["program"] = program.name
                result["model"] = program.models[0].name
                result["languages"] = program.models[0].languages
                result["installed"] = program.installed and program.models[0].installed
                break

        await client.write_event(Transcribe().event())
        await client.write_event(AudioStart(rate=16000, width=2, channels=1).event())
        step = 3200
        for offset in range(0, len(pcm), step):
            chunk = AudioChunk(rate=16000, width=2, channels=1, audio=pcm[offset:offset + step])
            await client.write_event(chunk.event())
        await client.write_event(AudioStop().event())
        while True:
            event = await asyncio.wait_for(client.read_event(), 30)
            if Transcript.is_type(event.type):
                transcript = Transcript.from_event(event)
                result["text"] = transcript.text
                result["language"] = transcript.language
                result["data_keys"] = sorted(event.data.keys())
                break
    print(json.dumps(result))

asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3]))
"#;

#[test]
fn python_client_transcribes_via_worker() {
    let python = python();
    let worker = Worker::start();
    let samples = read_prompt(&asterisk_sounds_dir("en_US_f_Allison").join("vm-intro.wav"));

    let directory = TempDir::new("python-client");
    let script = directory.path().join("client.py");
    std::fs::write(&script, CLIENT_SCRIPT).unwrap();
    let pcm = directory.path().join("audio.pcm");
    let bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
    std::fs::write(&pcm, bytes).unwrap();

    let (host, port) = worker
        .uri
        .strip_prefix("tcp://")
        .and_then(|address| address.rsplit_once(':'))
        .unwrap();
    let output = Command::new(python)
        .arg(&script)
        .args([host, port])
        .arg(&pcm)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "Python client failed: {stderr}");

    let result: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    println!("Python client received: {result}");
    assert_eq!(result["program"], "standardiste-stt");
    assert_eq!(result["model"], "ggml-base-q5_1");
    assert_eq!(result["installed"], true);
    let languages = result["languages"].as_array().unwrap();
    assert!(languages.iter().any(|l| l == "fr"), "{languages:?}");

    let text = result["text"].as_str().unwrap();
    assert_eq!(
        normalize(text, Lang::English),
        normalize(
            "please leave your message after the tone when done hang up or press the pound key",
            Lang::English
        ),
        "transcript {text:?}"
    );
    assert_eq!(result["language"], "en");
    // The extra fields reach Python clients, and Transcript.from_event accepts them.
    let keys = result["data_keys"].as_array().unwrap();
    for key in [
        "audio_ms",
        "confidence",
        "inference_ms",
        "language",
        "no_speech_prob",
        "text",
    ] {
        assert!(keys.iter().any(|k| k == key), "{key} missing from {keys:?}");
    }
}

const SERVER_SCRIPT: &str = r#"
import asyncio, sys
from wyoming.event import async_read_event, async_write_event
from wyoming.info import Describe, Info, AsrProgram, AsrModel, Attribution
from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioStart, AudioChunk, AudioStop

async def handle(reader, writer):
    language = None
    audio = bytearray()
    chunks = 0
    while True:
        event = await async_read_event(reader)
        if event is None:
            break
        if Describe.is_type(event.type):
            attribution = Attribution(name="test", url="http://127.0.0.1/")
            model = AsrModel(name="fake", attribution=attribution, installed=True,
                             description=None, version=None, languages=["fr"])
            program = AsrProgram(name="python-fake", attribution=attribution, installed=True,
                                 description="reference server", version="1", models=[model])
            await async_write_event(Info(asr=[program]).event(), writer)
        elif Transcribe.is_type(event.type):
            language = Transcribe.from_event(event).language
        elif AudioStart.is_type(event.type):
            start = AudioStart.from_event(event)
            assert (start.rate, start.width, start.channels) == (16000, 2, 1)
        elif AudioChunk.is_type(event.type):
            chunk = AudioChunk.from_event(event)
            audio.extend(chunk.audio)
            chunks += 1
        elif AudioStop.is_type(event.type):
            checksum = sum(audio) % 65521
            text = f"{len(audio)} bytes in {chunks} chunks, checksum {checksum}, {language}"
            await async_write_event(Transcript(text=text, language=language).event(), writer)
            audio.clear()
            chunks = 0
    writer.close()

async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)
    async with server:
        await server.serve_forever()

asyncio.run(main())
"#;

#[test]
fn stt_client_talks_to_python_server() {
    let python = python();
    let directory = TempDir::new("python-server");
    let script = directory.path().join("server.py");
    std::fs::write(&script, SERVER_SCRIPT).unwrap();

    let mut server = Command::new(python)
        .arg(&script)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("bad port line {line:?}"));
    let uri = format!("tcp://127.0.0.1:{port}");

    let samples: Vec<i16> = (0..4000).map(|i| (i * 7 % 500) as i16 - 250).collect();
    let bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
    let checksum = bytes.iter().map(|&b| u64::from(b)).sum::<u64>() % 65521;

    let result = block_on(async {
        let mut client = common::connect(&uri).await;
        let info = client.describe().await.unwrap();
        let transcript = client.transcribe(&samples, Some("fr")).await.unwrap();
        (info, transcript)
    });
    let _ = server.kill();
    let _ = server.wait();

    let (info, transcript) = result;
    assert_eq!(info.asr[0].name, "python-fake");
    assert_eq!(info.asr[0].models[0].languages, ["fr"]);
    assert_eq!(
        transcript.text,
        format!("8000 bytes in 3 chunks, checksum {checksum}, fr")
    );
    assert_eq!(transcript.language.as_deref(), Some("fr"));
}
