//! Signing in over real HTTPS: the set-up code, the password, sessions,
//! CSRF and the rate limit.

mod common;

use common::{TestConsole, ADMIN_PASSWORD};
use hyper::StatusCode;

#[tokio::test]
async fn fresh_box_sends_everyone_to_setup() {
    let console = TestConsole::start().await;
    let mut client = console.client();
    let reply = client.get("/calls").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), Some("/setup"));
    let page = client.get("/setup").await;
    assert!(page.body.contains("Set-up code"), "{}", page.body);
    assert!(page.body.contains(&console.console.certificate().fingerprint()));
}

#[tokio::test]
async fn wrong_setup_code_is_rejected() {
    let console = TestConsole::start().await;
    let mut client = console.client();
    client.get("/setup").await;
    let reply = client
        .post("/setup", &[("code", "0000-0000"), ("password", ADMIN_PASSWORD), ("confirmation", ADMIN_PASSWORD)])
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("set-up code is wrong"), "{}", reply.body);
    assert!(console.console.setup_code().is_some());
    assert!(!console.dir.path().join("console/admin-password").exists());
}

#[tokio::test]
async fn setup_creates_the_password_and_signs_in() {
    let console = TestConsole::start().await;
    let mut client = console.client();
    client.get("/setup").await;
    let code = console.console.setup_code().unwrap();
    let short = client.post("/setup", &[("code", &code), ("password", "short"), ("confirmation", "short")]).await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.body.contains("at least 10"), "{}", short.body);
    let reply = client
        .post("/setup", &[("code", &code), ("password", ADMIN_PASSWORD), ("confirmation", ADMIN_PASSWORD)])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location(), Some("/settings/wizard"));
    assert!(console.console.setup_code().is_none());
    let again = console.client().get("/setup").await;
    assert_eq!(again.location(), Some("/login"));
    let hash = std::fs::read_to_string(console.dir.path().join("console/admin-password")).unwrap();
    assert!(hash.starts_with("$argon2id$"));
}

#[tokio::test]
async fn session_cookie_is_locked_down() {
    let console = TestConsole::start().await;
    let reply = console.client().get("/login").await;
    let cookie = reply.headers.get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    let csp = reply.headers.get("content-security-policy").unwrap().to_str().unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert_eq!(reply.headers.get("x-frame-options").unwrap(), "DENY");
}

#[tokio::test]
async fn login_replaces_the_session_and_logout_ends_it() {
    let console = TestConsole::start().await;
    console.admin().await;
    let mut client = console.client();
    client.get("/login").await;
    let visitor_cookie = client.cookie.clone().unwrap();
    let reply = client.post("/login", &[("password", ADMIN_PASSWORD), ("next", "/calls")]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), Some("/calls"));
    let admin_cookie = client.cookie.clone().unwrap();
    assert_ne!(visitor_cookie, admin_cookie);

    // The old id is worthless after sign-in.
    let mut stale = console.client();
    stale.cookie = Some(visitor_cookie);
    assert_eq!(stale.get("/password").await.status, StatusCode::SEE_OTHER);

    assert_eq!(client.get("/password").await.status, StatusCode::OK);
    let out = client.post("/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let mut old = console.client();
    old.cookie = Some(admin_cookie);
    assert_eq!(old.get("/password").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn wrong_password_is_rate_limited() {
    let console = TestConsole::start().await;
    console.admin().await;
    let mut client = console.client();
    client.get("/login").await;
    for _ in 0..5 {
        let reply = client.post("/login", &[("password", "guess guess guess")]).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert!(reply.body.contains("password is wrong"));
    }
    let blocked = client.post("/login", &[("password", ADMIN_PASSWORD)]).await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(blocked.headers.contains_key("retry-after"));
    assert!(blocked.body.contains("try again in"), "{}", blocked.body);
}

#[tokio::test]
async fn post_without_csrf_token_is_rejected() {
    let console = TestConsole::start().await;
    let mut client = console.admin().await;
    client.get("/password").await;
    let body = common::encode_form(&[("current", ADMIN_PASSWORD), ("password", "new password here"), ("confirmation", "new password here")]);
    let reply = client.post_raw("/password", &body).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(reply.body.contains("Nothing was changed"), "{}", reply.body);
    let wrong = client.post_raw("/password", &format!("{body}&csrf=deadbeef")).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    // The password is unchanged.
    let mut fresh = console.client();
    fresh.get("/login").await;
    assert_eq!(fresh.post("/login", &[("password", ADMIN_PASSWORD)]).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn post_from_another_origin_is_rejected() {
    let console = TestConsole::start().await;
    let mut client = console.admin().await;
    client.get("/password").await;
    let token = client.csrf.clone().unwrap();
    let body = common::encode_form(&[("current", ADMIN_PASSWORD), ("password", "new password here"), ("confirmation", "new password here"), ("csrf", &token)]);
    let request = client
        .request("POST", "/password")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "https://evil.example")
        .body(http_body_util::Full::new(hyper::body::Bytes::from(body)))
        .unwrap();
    let reply = client.send_request(request).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn password_change_signs_out_other_browsers() {
    let console = TestConsole::start().await;
    let mut first = console.admin().await;
    let mut second = console.admin().await;
    first.get("/password").await;
    let reply = first
        .post("/password", &[("current", ADMIN_PASSWORD), ("password", "a brand new one"), ("confirmation", "a brand new one")])
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.body.contains("password is changed"));
    assert_eq!(second.get("/password").await.status, StatusCode::SEE_OTHER);
    assert_eq!(first.get("/password").await.status, StatusCode::OK);
}

#[tokio::test]
async fn plain_http_redirects_to_https() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let console = TestConsole::start().await;
    let mut stream = tokio::net::TcpStream::connect(console.redirect_address).await.unwrap();
    stream
        .write_all(b"GET /calls?q=1 HTTP/1.1\r\nHost: box.lan:8080\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).await.unwrap();
    assert!(reply.starts_with("HTTP/1.1 308"), "{reply}");
    let expected = format!("location: https://box.lan:{}/calls?q=1", console.address.port());
    assert!(reply.to_lowercase().contains(&expected), "{reply}");
}

#[tokio::test]
async fn unknown_page_is_a_404() {
    let console = TestConsole::start().await;
    let mut client = console.admin().await;
    let reply = client.get("/no/such/%3Cpage%3E").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(!reply.body.contains("<page>"));
}
