//! Security headers on every answer, API and pages alike, on both runtimes (security issue,
//! item 3): a Content-Security-Policy without inline or foreign script, no framing by another
//! site, no MIME sniffing, no referrer beyond this origin, no powerful browser features. Set
//! only where a handler did not set its own. HSTS belongs to the TLS terminator (CloudFront, or
//! the reverse proxy in front of the embedded server: `docs/security.md`).

use axum::http::{header, HeaderName, HeaderValue};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

/// Scripts only from this origin; inline styles allowed (style attributes of the pages), no
/// plugins, no `<base>` or form posts elsewhere, never framed by another site.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; frame-src 'self' blob:; frame-ancestors 'none'; \
base-uri 'self'; form-action 'self'; object-src 'none'";

pub const HEADERS: [(HeaderName, &str); 6] = [
    (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
    (HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
];

/// `router` with the security headers on every answer.
pub fn with_headers<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    HEADERS.into_iter().fold(router, |router, (name, value)| {
        router.layer(SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value)))
    })
}
