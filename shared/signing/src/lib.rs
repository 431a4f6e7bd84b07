//! Electronic signatures of results and issued forms (P16): a PDF is signed as PAdES (an
//! ETSI.CAdES.detached CMS signature in an incremental update, so the document as issued stays
//! byte for byte what was signed) with an agency's certificate, and a signed PDF is verified —
//! the digest of the signed byte ranges, the signature over the signed attributes, the signer's
//! certificate against the trusted authorities, and whether the signature covers the whole file.
//!
//! Keys are ECDSA P-256. [`TestAuthority`] is a certificate authority for the demo and the tests
//! (its certificates say so); a deployment is given its agencies' keys and certificates as PEM
//! ([`SigningIdentity::from_pem`]).

mod certificates;
mod pdf;

pub use certificates::{certificate_from_pem, SigningIdentity, TestAuthority};
pub use pdf::{sign_pdf, verify_pdf, SignatureCheck};
pub use x509_cert::Certificate;

#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("tệp PDF không đọc được: {0}")]
    Pdf(String),
    #[error("chữ ký số không đọc được: {0}")]
    Malformed(String),
    #[error("khóa hoặc chứng thư số không hợp lệ: {0}")]
    Key(String),
}

impl From<lopdf::Error> for SignError {
    fn from(e: lopdf::Error) -> Self {
        SignError::Pdf(e.to_string())
    }
}

impl From<der::Error> for SignError {
    fn from(e: der::Error) -> Self {
        SignError::Malformed(e.to_string())
    }
}
