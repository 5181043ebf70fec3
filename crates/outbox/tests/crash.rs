//! Crash safety: a child process (this test binary, started again with
//! `child_process` and an environment variable) is killed with SIGKILL in the
//! middle of a send, or in the middle of a burst of enqueues. Nothing is lost,
//! and the interrupted item is sent again with the same key.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::hook::{Hook, Reply};
use common::{fast_policy, ids, open, row, temp_db, webhook_item, webhook_transports};
use standardiste_outbox::{enqueue, status, Outbox};

/// Variable naming what the child process does: `send` or `enqueue`.
const ROLE: &str = "OUTBOX_CRASH_CHILD";
const DB: &str = "OUTBOX_CRASH_DB";
const URL: &str = "OUTBOX_CRASH_URL";

const SENT_KEY: &str = "call-21-recap-webhook";

/// Entry point of the child process; ignored in a normal run.
#[test]
#[ignore = "entry point of the child process that the crash tests kill"]
fn child_process() {
    let (Ok(role), Ok(db)) = (std::env::var(ROLE), std::env::var(DB)) else {
        return;
    };
    let db = Path::new(&db);
    match role.as_str() {
        "send" => child_send(db, &std::env::var(URL).unwrap()),
        "enqueue" => child_enqueue(db),
        other => panic!("unknown {ROLE} {other:?}"),
    }
}

/// Enqueues one item and sends it to a receiver that never responds.
fn child_send(db: &Path, url: &str) {
    assert!(enqueue(&open(db), &webhook_item(SENT_KEY)).unwrap());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let outbox = Outbox::new(db, webhook_transports(url), fast_policy(5))
            .await
            .unwrap();
        let _ = outbox.run_due().await;
    });
}

/// Enqueues items until killed, printing each committed key number.
fn child_enqueue(db: &Path) {
    let conn = open(db);
    for n in 0.. {
        assert!(enqueue(&conn, &webhook_item(&format!("burst-{n}"))).unwrap());
        println!("committed {n}");
    }
}

fn spawn_child(role: &str, db: &Path, url: &str) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "child_process",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ROLE, role)
        .env(DB, db)
        .env(URL, url)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the child process")
}

#[tokio::test]
async fn kill_mid_send_resends_same_key() {
    let (_dir, path) = temp_db();
    let hook = Hook::start("127.0.0.1:0".parse().unwrap(), Reply::Hold).await;
    let mut child = spawn_child("send", &path, &hook.url());

    let arrived = hook.wait_for_requests(1, Duration::from_secs(20)).await;
    child.kill().expect("SIGKILL the child");
    let exit = child.wait().unwrap();
    assert!(arrived, "the child's request never reached the receiver");
    assert!(
        !exit.success(),
        "the child was killed, not finished: {exit:?}"
    );

    // The attempt was committed before the send, and the kill left it there.
    let interrupted = row(&path, 1);
    assert_eq!(interrupted.state, "sending");
    assert_eq!(interrupted.attempts, 1);
    assert_eq!(status(&open(&path)).unwrap().sending, 1);

    hook.set_reply(Reply::Status(200));
    let outbox = Outbox::new(&path, webhook_transports(&hook.url()), fast_policy(5))
        .await
        .unwrap();
    assert_eq!(
        row(&path, 1).state,
        "pending",
        "opening the outbox recovers the item"
    );
    let report = outbox.run_due().await.unwrap();
    assert_eq!(report.sent, [1]);

    let resent = row(&path, 1);
    assert_eq!(resent.state, "sent");
    assert_eq!(resent.attempts, 2);
    assert_eq!(resent.idempotency_key, SENT_KEY);

    // The receiver saw the key twice, with identical bodies, and keeps one.
    let received = hook.received();
    let mut by_key: BTreeMap<String, Vec<Vec<u8>>> = BTreeMap::new();
    for request in received {
        by_key
            .entry(request.key.unwrap())
            .or_default()
            .push(request.body);
    }
    assert_eq!(by_key.len(), 1, "one distinct key after deduplication");
    let copies = &by_key[SENT_KEY];
    assert_eq!(copies.len(), 2, "sent at most twice");
    assert_eq!(copies[0], copies[1], "a resend carries the same body");
}

#[tokio::test]
async fn kill_mid_enqueue_loses_nothing_committed() {
    let (_dir, path) = temp_db();
    let mut child = spawn_child("enqueue", &path, "");
    let stdout = child.stdout.take().unwrap();

    let reader = tokio::task::spawn_blocking(move || {
        let mut last = None;
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(n) = line.strip_prefix("committed ") {
                last = n.parse::<u64>().ok();
                if last >= Some(300) {
                    break;
                }
            }
        }
        last
    });
    let last = tokio::time::timeout(Duration::from_secs(30), reader).await;
    child.kill().expect("SIGKILL the child");
    child.wait().unwrap();
    let last = last
        .expect("the child enqueued too slowly")
        .unwrap()
        .expect("the child committed nothing");

    let conn = open(&path);
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");

    let count = ids(&path).len() as u64;
    assert!(
        count > last,
        "{count} rows, but the child reported key {last} committed"
    );
    for n in 0..=last {
        let present: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM outbox WHERE idempotency_key = ?1",
                [format!("burst-{n}")],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(present, 1, "burst-{n} was reported committed");
    }
    // The outbox opens the file as usual.
    let outbox = Outbox::new(&path, Default::default(), fast_policy(5)).await;
    assert!(outbox.is_ok(), "{:?}", outbox.err());
}
