//! Signed electronic results and forms (P16): with signing keys, a form printed as PDF and a PDF
//! result carry a PAdES signature of the agency's certificate (a test certificate authority
//! here), which poppler's `pdfsig` — a standard tool, not ours — finds valid, and which breaks
//! when a byte changes; the dossier and the public lookup say who signed and that the signature
//! holds; a result that cannot be signed is refused with nothing changed.

use crate::common::*;
use crate::officer_workflow::{accepted_hkd, path, result_upload_of, ward};
use motcua_core::signing::DocumentSigner;
use motcua_signing::TestAuthority;
use serde_json::json;
use std::sync::Arc;

/// What `pdfsig` says of `pdf`.
fn pdfsig(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tai-lieu.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = std::process::Command::new("pdfsig")
        .arg(&file)
        .output()
        .expect("pdfsig (poppler-utils) is installed: the test command installs it");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn bytes(app: &TestApp, url: &str, token: &str) -> Vec<u8> {
    let r = app.http.get(format!("{}{url}", app.url)).bearer_auth(token).send().await.unwrap();
    assert!(r.status().is_success(), "{url}: {}", r.status());
    r.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn forms_and_results_are_signed_with_the_agencys_certificate_and_pdfsig_finds_them_valid() {
    let app =
        TestApp::spawn_configured(|s| s.signing = Some(Arc::new(DocumentSigner::test(TestAuthority::generate()))))
            .await;
    let w = ward(&app).await;
    let id = accepted_hkd(&app, &w).await;
    let dossier = app.get(&path(&id, ""), Some(&w.reception)).await.ok().clone();
    let agency = dossier["agency_name"].as_str().unwrap().to_string();

    // The receipt (Form 01) as PDF carries the agency's signature.
    let receipt = bytes(&app, &format!("{}?format=pdf", path(&id, "forms/01")), &w.citizen).await;
    let said = pdfsig(&receipt);
    assert!(said.contains("Signature is Valid."), "{said}");
    assert!(said.contains(&format!("Signer Certificate Common Name: {agency}")), "{said}");
    assert!(said.contains("ETSI.CAdES.detached") && said.contains("Total document signed"), "{said}");

    // A file that is not a PDF one can sign is refused, and nothing changes.
    let bad = result_upload_of(&app, &w.specialist, &id, PDF).await;
    let refused = app.post(&path(&id, "submit-for-approval"), Some(&w.specialist), json!({"upload_id": bad})).await;
    assert_eq!(refused.problem(400), "unsignable_pdf");
    assert_eq!(app.get(&path(&id, ""), Some(&w.reception)).await.ok()["version"], dossier["version"]);

    // The result (here a countersigned copy of the receipt) is signed when attached.
    let upload = result_upload_of(&app, &w.specialist, &id, &receipt).await;
    app.post(&path(&id, "submit-for-approval"), Some(&w.specialist), json!({"upload_id": upload})).await.ok();
    let approved = app.post(&path(&id, "approve"), Some(&w.leader), json!({})).await.ok().clone();
    let signature = &approved["result"]["signature"];
    assert_eq!((signature["signer"].as_str(), signature["valid"].as_bool()), (Some(agency.as_str()), Some(true)));
    assert!(signature["issuer"].as_str().unwrap().contains("MotCua Test CA"), "{signature}");

    let file_id = approved["result"]["file_id"].as_str().unwrap();
    let link = app.get(&format!("/api/v1/dossiers/{id}/files/{file_id}"), Some(&w.citizen)).await;
    let result = app.http.get(link.ok()["url"].as_str().unwrap()).send().await.unwrap().bytes().await.unwrap().to_vec();
    assert_eq!(&result[..receipt.len()], &receipt[..], "signed by appending: the document as uploaded");
    let said = pdfsig(&result);
    assert_eq!(said.matches("Signature is Valid.").count(), 2, "{said}");
    assert_eq!(said.matches("Total document signed").count(), 1, "only the last covers the whole file: {said}");

    // One byte changed: the signature no longer holds.
    let mut tampered = result.clone();
    let i = receipt.len() / 3;
    tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
    let said = pdfsig(&tampered);
    assert!(said.matches("Signature is Valid.").count() < 2, "{said}");

    // The public lookup says who signed the result and that the signature holds.
    let code = approved["code"].as_str().unwrap();
    let secret = approved["receipt_secret"].as_str().unwrap();
    let public = app.get(&format!("/api/v1/lookup/{code}?secret={secret}"), None).await.ok().clone();
    assert_eq!(public["result_signature"]["signer"], agency.as_str());
    assert_eq!(public["result_signature"]["valid"], true);
}
