//! The web console in a real headless Chromium, driven through chromedriver
//! (WebDriver), against the real daemon on the real models. The walk covers
//! the first-run password, editing the greeting, a test call that speaks it,
//! the call in the list with its recording playing, booking and cancelling a
//! slot, and a caller's HTML shown as text. Each page is saved as a PNG in
//! `target/console-screenshots/`.

mod common;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use standardiste::store::{CallOutcome, IntakeRow, NewTurn, Speaker, Store};

const PASSWORD: &str = "harbour lights 42";
const NEW_GREETING: &str = "Good morning, Harbor Dental Clinic, the new front desk speaking. How can I help?";
const HOSTILE_NUMBER: &str = "<img src=x id=injected>";
const HOSTILE_WORDS: &str = "<script>window.injected = true</script> I need a check-up";

/// A child process killed when the test ends, whichever way it ends.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// chromedriver in its own process group, killed with every Chromium
/// process it started: they outlive chromedriver otherwise, and keep the
/// cores busy for the tests that follow.
struct DriverGroup(Child);

impl Drop for DriverGroup {
    fn drop(&mut self) {
        // SAFETY: kill(2) on the process group this test created; a negative pid names the group.
        unsafe { libc::kill(-(self.0.id() as libc::pid_t), libc::SIGKILL) };
        let _ = self.0.wait();
    }
}

/// Kills every process whose command line names `profile_dir`: the Chromium
/// processes of this test that left chromedriver's process group.
struct BrowserProfile(PathBuf);

impl Drop for BrowserProfile {
    fn drop(&mut self) {
        let marker = format!("--user-data-dir={}", self.0.display());
        let Ok(processes) = std::fs::read_dir("/proc") else {
            return;
        };
        for entry in processes.flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<libc::pid_t>() else {
                continue;
            };
            let command = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
            if String::from_utf8_lossy(&command).contains(&marker) {
                // SAFETY: kill(2) with a pid read from /proc and a valid signal number.
                unsafe { libc::kill(pid, libc::SIGKILL) };
            }
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn wait_for_port(port: u16, what: &str, limit: Duration) {
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < limit, "{what} did not listen on port {port} within {limit:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn screenshots_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/console-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn screenshot(browser: &Client, name: &str) {
    let png = browser.screenshot().await.unwrap();
    std::fs::write(screenshots_dir().join(format!("{name}.png")), png).unwrap();
}

/// Starts `standardiste serve` with no line and the console on `port`, and
/// returns it with the set-up code it printed.
fn start_daemon(dir: &Path, port: u16) -> (Reaped, String) {
    let workspace = common::workspace();
    let profile = dir.join("profile.toml");
    std::fs::copy(workspace.join("config/profile.toml"), &profile).unwrap();

    let settings = format!(
        "models_dir = \"{}\"\ndata_dir = \"{}\"\nprofile = \"{}\"\n\n[stt]\nworker = \"{}\"\n\n[console]\nlisten = \"127.0.0.1:{port}\"\nredirect_listen = \"\"\ntest_call = [\"{}\", \"{}\"]\n",
        common::models_dir().display(),
        dir.join("data").display(),
        profile.display(),
        common::stt_worker().display(),
        common::fixture("caller-saturday-hours.wav").display(),
        common::asterisk("en_US_f_Allison", "vm-goodbye").display(),
    );
    let config = dir.join("standardiste.toml");
    std::fs::write(&config, settings).unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_standardiste"))
        .arg("--config")
        .arg(&config)
        .args(["--log", "info", "serve"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("the daemon starts");

    // The set-up code arrives on standard error; every line is echoed to the test's output.
    let stderr = child.stderr.take().unwrap();
    let (codes, code) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(found) = line.strip_prefix("Web console set-up code: ") {
                let _ = codes.send(found.trim().to_string());
            }
            eprintln!("daemon: {line}");
        }
    });

    let code = code.recv_timeout(Duration::from_secs(120)).expect("the daemon prints the set-up code");
    wait_for_port(port, "the console", Duration::from_secs(30));
    (Reaped(child), code)
}

fn start_chromedriver() -> (DriverGroup, u16) {
    use std::os::unix::process::CommandExt;
    let port = free_port();
    let child = Command::new("/usr/bin/chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("/usr/bin/chromedriver runs; `make setup` installs Debian's chromium and chromium-driver");
    let driver = DriverGroup(child);
    wait_for_port(port, "chromedriver", Duration::from_secs(20));
    (driver, port)
}

async fn open_browser(driver_port: u16, profile_dir: &Path) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,1000",
                // The console's certificate is self-signed; the HTTP tests check it.
                "--ignore-certificate-errors",
                "--autoplay-policy=no-user-gesture-required",
                format!("--user-data-dir={}", profile_dir.display()),
            ]
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{driver_port}"))
        .await
        .expect("chromedriver opens a Chromium session")
}

/// Stores a call whose caller ID and words are HTML, before the daemon starts.
fn store_hostile_call(data_dir: &Path) -> i64 {
    let mut store = Store::open(&data_dir.join("calls.db")).unwrap();
    let id = store.start_call("gsm0", Some(HOSTILE_NUMBER), None).unwrap();
    let turn = NewTurn { speaker: Some(Speaker::Caller), text: HOSTILE_WORDS.into(), start_ms: 500, end_ms: 2_000, ..NewTurn::default() };
    store.add_turn(id, &turn).unwrap();
    let intake = IntakeRow { caller_name: Some("<b>Mallory</b>".into()), ..IntakeRow::default() };
    store.save_intake(id, &intake).unwrap();
    store.finish_call(id, CallOutcome::CallerHungUp, 2_000).unwrap();
    id
}

async fn text_of(browser: &Client, css: &str) -> String {
    browser.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).text().await.unwrap()
}

#[test]
fn console_in_a_real_browser() {
    let _serial = common::serial();
    common::RUNTIME.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let hostile = store_hostile_call(&dir.path().join("data"));
        let port = free_port();
        let (_daemon, code) = start_daemon(dir.path(), port);
        let (_driver, driver_port) = start_chromedriver();
        let _profile = BrowserProfile(dir.path().join("chromium"));
        let browser = open_browser(driver_port, &dir.path().join("chromium")).await;
        let base = format!("https://localhost:{port}");
        // The walk runs as a task so that a failed step still closes the browser.
        let walker = browser.clone();
        let walk = tokio::spawn(async move { walk_through(&walker, &base, &code, hostile).await }).await;
        let _ = browser.close().await;
        if let Err(failure) = walk {
            std::panic::resume_unwind(failure.into_panic());
        }
    });
}

async fn walk_through(browser: &Client, base: &str, code: &str, hostile: i64) {
    // First run: no password yet, so every page leads to the set-up form.
    browser.goto(&format!("{base}/calls")).await.unwrap();
    assert!(browser.current_url().await.unwrap().path().ends_with("/setup"));
    screenshot(browser, "01-setup").await;
    browser.find(Locator::Id("code")).await.unwrap().send_keys(code).await.unwrap();
    browser.find(Locator::Id("password")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    browser.find(Locator::Id("confirmation")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    browser.find(Locator::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
    browser.wait().for_url(&url(base, "/settings/wizard")).await.unwrap();
    screenshot(browser, "02-wizard").await;

    edit_greeting(browser, base).await;
    let call_id = run_test_call(browser, base).await;
    find_and_play(browser, base, call_id).await;
    hostile_call_shown_as_text(browser, base, hostile).await;
    book_and_cancel(browser, base).await;

    for (name, path) in [("08-dashboard", "/"), ("09-messages", "/messages"), ("10-system", "/system"), ("11-log", "/system/logs")] {
        browser.goto(&format!("{base}{path}")).await.unwrap();
        screenshot(browser, name).await;
    }
}

fn url(base: &str, path: &str) -> url::Url {
    url::Url::parse(&format!("{base}{path}")).unwrap()
}

async fn edit_greeting(browser: &Client, base: &str) {
    browser.goto(&format!("{base}/settings/greetings")).await.unwrap();
    let field = browser.find(Locator::Css("textarea[name='greeting.en']")).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(NEW_GREETING).await.unwrap();
    screenshot(browser, "03-greeting").await;
    field.find(Locator::XPath("ancestor::form//button[@type='submit']")).await.unwrap().click().await.unwrap();
    let notice = browser.wait().for_element(Locator::Css(".notice")).await.unwrap().text().await.unwrap();
    assert!(notice.contains("Saved"), "{notice}");
    let saved = browser.find(Locator::Css("textarea[name='greeting.en']")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(saved.as_deref(), Some(NEW_GREETING));
}

/// Runs the test call and returns its call id once it has ended.
async fn run_test_call(browser: &Client, base: &str) -> i64 {
    browser.goto(&format!("{base}/system")).await.unwrap();
    browser
        .find(Locator::Css("form[action='/system/test-call'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait().for_url(&url(base, "/system/test-call")).await.unwrap();
    let ended = browser
        .wait()
        .at_most(Duration::from_secs(240))
        .for_element(Locator::Css("#test-call-state[data-running='false']"))
        .await;
    screenshot(browser, "04-test-call").await;
    ended.expect("the test call ends within 4 minutes");
    let transcript = text_of(browser, "#test-call").await;
    assert!(transcript.contains(NEW_GREETING), "the new greeting opens the call: {transcript}");
    assert!(transcript.contains("Call ended"), "{transcript}");
    let link = browser.find(Locator::Css("#test-call a[href^='/calls/']")).await.unwrap().attr("href").await.unwrap().unwrap();
    link.trim_start_matches("/calls/").parse().unwrap()
}

async fn find_and_play(browser: &Client, base: &str, call_id: i64) {
    browser.goto(&format!("{base}/calls?q=Harbor")).await.unwrap();
    screenshot(browser, "05-calls").await;
    let link = format!("a[href='/calls/{call_id}']");
    browser.find(Locator::Css(&link)).await.expect("the test call is in the list").click().await.unwrap();
    browser.wait().for_element(Locator::Css("audio#recording")).await.unwrap();
    // Clicking the caller's first line plays the recording from there.
    browser.find(Locator::Css(".transcript .turn.caller")).await.unwrap().click().await.unwrap();
    browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(".transcript .turn.caller.playing"))
        .await
        .expect("the line being played is marked");
    let state = browser
        .execute("const a = document.getElementById('recording'); return [a.paused, a.currentTime, a.duration];", vec![])
        .await
        .unwrap();
    assert_eq!(state[0], json!(false), "the recording plays: {state}");
    assert!(state[1].as_f64().unwrap() > 0.0, "{state}");
    assert!(state[2].as_f64().unwrap() > 5.0, "the whole call is recorded: {state}");
    screenshot(browser, "06-call").await;
}

async fn hostile_call_shown_as_text(browser: &Client, base: &str, id: i64) {
    browser.goto(&format!("{base}/calls")).await.unwrap();
    let list = browser.source().await.unwrap();
    assert!(!list.contains(HOSTILE_NUMBER), "the caller ID is escaped in the list");
    browser.goto(&format!("{base}/calls/{id}")).await.unwrap();
    let title = text_of(browser, "h1").await;
    assert!(title.contains(HOSTILE_NUMBER), "the caller ID shows as text: {title}");
    let transcript = text_of(browser, ".transcript").await;
    assert!(transcript.contains(HOSTILE_WORDS), "{transcript}");
    let injected = browser
        .execute("return [document.getElementById('injected') === null, window.injected === undefined, document.querySelectorAll('b').length];", vec![])
        .await
        .unwrap();
    assert_eq!(injected, json!([true, true, 0]), "no element or script came from the caller");
}

/// Returns a Monday at least a week ahead, when the example clinic opens in the morning.
fn bookable_day() -> time::Date {
    let mut day = time::OffsetDateTime::now_utc().date() + time::Duration::days(7);
    while day.weekday() != time::Weekday::Monday {
        day = day.next_day().unwrap();
    }
    day
}

async fn book_and_cancel(browser: &Client, base: &str) {
    let day = bookable_day();
    browser.goto(&format!("{base}/bookings")).await.unwrap();
    // Date inputs take typed text in the browser's locale; setting the value is the same for every locale.
    browser
        .execute(
            "document.getElementById('date').value = arguments[0]; document.getElementById('time').value = '10:00';",
            vec![json!(day.to_string())],
        )
        .await
        .unwrap();
    browser.find(Locator::Id("appointment")).await.unwrap().select_by_index(1).await.unwrap();
    browser.find(Locator::Id("caller_name")).await.unwrap().send_keys("Browser Test Patient").await.unwrap();
    browser.find(Locator::Id("caller_number")).await.unwrap().send_keys("+44 7700 900555").await.unwrap();
    browser.find(Locator::Css("form.booking button[type=submit]")).await.unwrap().click().await.unwrap();
    let row = browser
        .wait()
        .for_element(Locator::XPath("//tr[starts-with(@id, 'booking-')][contains(., 'Browser Test Patient')]"))
        .await;
    screenshot(browser, "07-bookings").await;
    let row = row.expect("the new booking is in the week view");
    let row_id = row.attr("id").await.unwrap().unwrap();
    assert!(row.text().await.unwrap().contains("10:00"));

    row.find(Locator::Css("form[data-confirm] button")).await.unwrap().click().await.unwrap();
    browser.accept_alert().await.expect("the cancel button asks first");
    let cancelled = format!("tr#{row_id}.cancelled");
    browser.wait().for_element(Locator::Css(&cancelled)).await.expect("the booking shows as cancelled");
    screenshot(browser, "07-bookings-cancelled").await;
}
