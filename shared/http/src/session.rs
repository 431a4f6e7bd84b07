//! The browser's session (security issue, item 2): after a login the token also travels in a
//! `HttpOnly; SameSite=Strict` cookie scoped to `/api`, so the portal and the console keep no
//! token where a script could read it. A request authenticated by that cookie and not safe
//! (POST, PUT, PATCH, DELETE) must carry the `X-CSRF-Token` header equal to the readable
//! `motcua_csrf` cookie set with it (double submit): another site can make a browser send the
//! cookies, never read one to set the header. `Secure` is set unless the request was made to
//! a loopback host (`cargo run`). API clients keep using `Authorization: Bearer`.

use axum::http::header::{COOKIE, HOST};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use cookie::{Cookie, SameSite};
use subtle::ConstantTimeEq;

use crate::problem::{ApiError, EdgeError};

pub const SESSION: &str = "motcua_session";
pub const CSRF: &str = "motcua_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

fn loopback(headers: &HeaderMap) -> bool {
    let host = headers.get(HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    let name = host.rsplit_once(':').map_or(host, |(name, _)| name);
    matches!(name, "127.0.0.1" | "localhost" | "[::1]")
}

/// The session cookie is sent to the API only and no script reads it; the CSRF cookie must be
/// readable by the pages, wherever they are.
fn build(name: &'static str, value: String, http_only: bool, max_age: i64, request: &HeaderMap) -> HeaderValue {
    let cookie = Cookie::build((name, value))
        .path(if http_only { "/api" } else { "/" })
        .http_only(http_only)
        .secure(!loopback(request))
        .same_site(SameSite::Strict)
        .max_age(cookie::time::Duration::seconds(max_age))
        .build();
    HeaderValue::from_str(&cookie.to_string()).expect("cookie is a valid header value")
}

/// The `Set-Cookie` values that open a browser session with `token` for `ttl_secs`.
pub fn open(token: &str, ttl_secs: u64, request: &HeaderMap) -> [HeaderValue; 2] {
    let csrf = hex::encode(rand::random::<[u8; 16]>());
    [
        build(SESSION, token.to_string(), true, ttl_secs as i64, request),
        build(CSRF, csrf, false, ttl_secs as i64, request),
    ]
}

/// The `Set-Cookie` values that end it.
pub fn close(request: &HeaderMap) -> [HeaderValue; 2] {
    [build(SESSION, String::new(), true, 0, request), build(CSRF, String::new(), false, 0, request)]
}

fn cookie(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name && !c.value().is_empty())
        .map(|c| c.value().to_string())
}

/// The token of the session cookie, if any; for an unsafe method, only with the right
/// `X-CSRF-Token`.
pub fn token(parts: &Parts) -> Option<Result<String, ApiError>> {
    let token = cookie(parts, SESSION)?;
    if !parts.method.is_safe() {
        let expected = cookie(parts, CSRF).unwrap_or_default();
        let given = parts.headers.get(CSRF_HEADER).map(|v| v.as_bytes()).unwrap_or_default();
        if expected.is_empty() || !bool::from(expected.as_bytes().ct_eq(given)) {
            return Some(Err(ApiError::Edge(EdgeError::CsrfTokenInvalid)));
        }
    }
    Some(Ok(token))
}
