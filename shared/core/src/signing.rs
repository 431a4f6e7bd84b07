//! Electronic signatures of results and issued forms (P16): a PDF result is signed with the
//! certificate of the agency that issues it when the officer attaches it, and a form printed as
//! PDF is signed when served; each signature is checked right after it is made, and what the
//! check found is kept with the file (`AttachedFile.signature`), shown to the applicant, the
//! officers and the public lookup. Off when the deployment has no signing keys: files stay as
//! uploaded, without a signature.
//!
//! Where the keys come from: a directory of agencies' keys and certificates (a deployment), or
//! a test certificate authority issuing each agency's certificate on first use (the demo, the
//! tests).

use chrono::{DateTime, FixedOffset};
use motcua_domain::dossier::DocumentSignature;
use motcua_signing::{sign_pdf, verify_pdf, Certificate, SigningIdentity, TestAuthority};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

/// The agencies' signing keys and the authorities whose certificates are trusted.
pub struct DocumentSigner {
    authorities: Vec<Certificate>,
    keys: Keys,
}

enum Keys {
    /// One identity per agency code.
    Fixed(HashMap<String, SigningIdentity>),
    /// Issued on first use by a test authority (cached).
    Test(Box<TestAuthority>, Mutex<HashMap<String, SigningIdentity>>),
}

impl DocumentSigner {
    /// Signatures by agencies' certificates issued, on first use, by `authority`.
    pub fn test(authority: TestAuthority) -> DocumentSigner {
        DocumentSigner {
            authorities: vec![authority.certificate().clone()],
            keys: Keys::Test(Box::new(authority), Mutex::default()),
        }
    }

    /// A directory of `<agency code>.key.pem` (PKCS#8) with `<agency code>.crt.pem` (its
    /// certificate, then the chain) and `trusted/*.pem` (the authorities to trust).
    pub fn from_dir(dir: &Path) -> Result<DocumentSigner, String> {
        let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
        let mut keys = HashMap::new();
        let mut authorities = vec![];
        for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?.flatten() {
            let path = entry.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
            if let Some(agency) = name.strip_suffix(".key.pem") {
                let identity = SigningIdentity::from_pem(&read(&path)?, &read(&dir.join(format!("{agency}.crt.pem")))?)
                    .map_err(|e| format!("{name}: {e}"))?;
                keys.insert(agency.to_string(), identity);
            }
        }
        for entry in
            std::fs::read_dir(dir.join("trusted")).map_err(|e| format!("{}/trusted: {e}", dir.display()))?.flatten()
        {
            let pem = read(&entry.path())?;
            authorities.push(
                motcua_signing::certificate_from_pem(&pem).map_err(|e| format!("{}: {e}", entry.path().display()))?,
            );
        }
        if authorities.is_empty() {
            return Err(format!("{}/trusted has no certificate authority", dir.display()));
        }
        Ok(DocumentSigner { authorities, keys: Keys::Fixed(keys) })
    }

    fn identity(&self, agency: &str, agency_name: &str) -> Option<SigningIdentity> {
        match &self.keys {
            Keys::Fixed(keys) => keys.get(agency).cloned(),
            Keys::Test(authority, issued) => {
                let mut issued = issued.lock().expect("signing keys");
                if let Some(identity) = issued.get(agency) {
                    return Some(identity.clone());
                }
                let identity = authority.issue(agency_name).ok()?;
                issued.insert(agency.to_string(), identity.clone());
                Some(identity)
            }
        }
    }

    /// `pdf` signed by the agency, and the check of its signature; `None` when the agency has no
    /// key here (the document is served as it is).
    pub fn sign(
        &self,
        agency: &str,
        agency_name: &str,
        pdf: &[u8],
        reason: &str,
        at: DateTime<FixedOffset>,
    ) -> Result<Option<(Vec<u8>, DocumentSignature)>, crate::CoreError> {
        let Some(identity) = self.identity(agency, agency_name) else { return Ok(None) };
        let signed = sign_pdf(pdf, &identity, reason, at)
            .map_err(|e| crate::CoreError::invalid("unsignable_pdf", format!("Không ký số được tệp: {e}")))?;
        // Checked as anyone would check it: the document as signed, whole, by a trusted certificate.
        let check = verify_pdf(&signed, &self.authorities)
            .ok()
            .and_then(|checks| checks.into_iter().find(|c| c.covers_whole_document))
            .ok_or_else(|| crate::CoreError::Internal("chữ ký vừa tạo không đọc lại được".into()))?;
        let signature =
            DocumentSignature { valid: check.valid(), signer: check.signer, issuer: check.issuer, signed_at: at };
        Ok(Some((signed, signature)))
    }
}
