//! The OpenAPI document is the route table: every documented operation is served (never the
//! "no such route" answer) and every route is documented.

use crate::common::*;
use reqwest::Method;

#[tokio::test]
async fn every_documented_operation_is_served_and_every_route_is_documented() {
    let app = TestApp::spawn().await;
    let doc = app.get("/api/v1/openapi.json", None).await.ok().clone();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    let mut documented = 0;
    for (path, ops) in paths {
        for method in ops.as_object().unwrap().keys() {
            documented += 1;
            let concrete = path.replace('{', "x").replace('}', "");
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let r = app.request(m, &concrete, None, None, &[]).await;
            assert_ne!(r.body["code"], "route_not_found", "{method} {path} is documented but not served");
            assert_ne!(r.body["code"], "method_not_allowed", "{method} {path} is documented but not served");
        }
    }
    let routes = motcua::api_routes();
    assert_eq!(documented, routes.len());
    for r in &routes {
        assert!(paths[r.path].get(r.method.as_str().to_lowercase()).is_some(), "{} {} undocumented", r.method, r.path);
    }
    // Every operation says what it answers, and every body has its schema, from the types.
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for (path, ops) in paths {
        for (method, op) in ops.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let (status, ok) =
                responses.iter().find(|(k, _)| k.starts_with('2') || k.starts_with('3')).expect("a 2xx or 3xx answer");
            if status.starts_with('3') {
                assert!(ok["headers"]["Location"].is_object(), "{method} {path}: {status} without Location");
            } else {
                for (media, content) in ok["content"].as_object().unwrap() {
                    assert_ne!(
                        content["schema"],
                        serde_json::json!({}),
                        "{method} {path}: {status} {media} has no schema"
                    );
                }
            }
            for error in ["400", "404", "422", "5XX"] {
                let problem = &op["responses"][error]["content"]["application/problem+json"]["schema"]["$ref"];
                assert_eq!(problem, "#/components/schemas/Problem", "{method} {path}: {error}");
            }
            if let Some(body) = op.get("requestBody") {
                let reference = body["content"]["application/json"]["schema"]["$ref"].as_str().unwrap();
                let name = reference.trim_start_matches("#/components/schemas/");
                assert!(schemas.contains_key(name), "{method} {path}: body schema {name} is missing");
            }
        }
    }
    let accept = &paths["/api/v1/dossiers/{id}/accept"]["post"];
    assert_eq!(
        accept["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/NoteInput"
    );
    let view = &schemas["DossierView"];
    assert!(view.to_string().contains("allowed_actions"), "{view}");

    // And an undocumented path is not served.
    assert_eq!(app.get("/api/v1/khong-ton-tai", None).await.problem(404), "route_not_found");
}

#[tokio::test]
async fn the_static_portal_is_served_beside_the_api() {
    let app = TestApp::spawn().await;
    let home = app.http.get(format!("{}/", app.url)).send().await.unwrap();
    assert!(home.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(home.text().await.unwrap().contains("Cổng Dịch vụ công"));
    assert_eq!(app.get("/khong-co-trang-nay.html", None).await.problem(404), "route_not_found");
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let citizen = app.login("congdan").await;
    for (path, token) in [
        ("/", None),
        ("/can-bo/index.html", None),
        ("/js/api.js", None),
        ("/api/v1/health", None),
        ("/api/v1/me", Some(citizen.as_str())),
        ("/api/v1/me", None),
        ("/api/v1/khong-ton-tai", None),
        ("/khong-co-trang-nay.html", None),
    ] {
        let mut req = app.http.get(format!("{}{path}", app.url));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let (_, headers) = app.send_with_headers(req).await;
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        let csp = header("content-security-policy");
        for directive in ["default-src 'self'", "script-src 'self';", "frame-ancestors 'none'", "object-src 'none'"] {
            assert!(csp.contains(directive), "{path}: CSP {csp:?} lacks {directive}");
        }
        assert!(
            !csp.contains("unsafe-eval")
                && !csp.split(';').any(|d| d.contains("script-src") && d.contains("unsafe-inline"))
        );
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("x-frame-options"), "DENY", "{path}");
        assert_eq!(header("referrer-policy"), "strict-origin-when-cross-origin", "{path}");
        assert!(header("permissions-policy").contains("camera=()"), "{path}");
    }
}
