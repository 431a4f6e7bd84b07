//! Signing keys and their certificates: an agency's signing identity (key and chain, PEM), the
//! test certificate authority that issues them in the demo and the tests, and the checks of a
//! certificate against an authority.

use crate::SignError;
use der::{Decode, DecodePem, Encode, EncodePem};
use p256::ecdsa::{DerSignature, SigningKey, VerifyingKey};
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use spki::{DecodePublicKey, SubjectPublicKeyInfoOwned};
use std::str::FromStr;
use std::time::Duration;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::Validity;
use x509_cert::Certificate;

/// An agency's signing key and its certificate chain (its own certificate first).
#[derive(Clone)]
pub struct SigningIdentity {
    pub(crate) key: SigningKey,
    pub(crate) chain: Vec<Certificate>,
}

impl SigningIdentity {
    /// A PKCS#8 private key and a chain of certificates, PEM.
    pub fn from_pem(key_pem: &str, chain_pem: &str) -> Result<SigningIdentity, SignError> {
        let key = SigningKey::from_pkcs8_pem(key_pem).map_err(|e| SignError::Key(e.to_string()))?;
        let chain = Certificate::load_pem_chain(chain_pem.as_bytes()).map_err(|e| SignError::Key(e.to_string()))?;
        let Some(leaf) = chain.first() else { return Err(SignError::Key("chưa có chứng thư số".into())) };
        let public = leaf.tbs_certificate.subject_public_key_info.to_der()?;
        if VerifyingKey::from_public_key_der(&public).ok() != Some(*key.verifying_key()) {
            return Err(SignError::Key("khóa không khớp với chứng thư số".into()));
        }
        Ok(SigningIdentity { key, chain })
    }

    pub fn key_pem(&self) -> String {
        self.key.to_pkcs8_pem(LineEnding::LF).map(|k| k.to_string()).unwrap_or_default()
    }

    pub fn chain_pem(&self) -> String {
        self.chain.iter().filter_map(|c| c.to_pem(der::pem::LineEnding::LF).ok()).collect()
    }

    /// The signer's name (the certificate's common name).
    pub fn name(&self) -> String {
        common_name(&self.chain[0].tbs_certificate.subject).unwrap_or_default()
    }
}

/// A certificate authority for the demo and the tests: it issues agencies' certificates on the
/// spot. Its name says it is not a real one.
pub struct TestAuthority {
    key: SigningKey,
    certificate: Certificate,
}

impl TestAuthority {
    pub fn generate() -> TestAuthority {
        let key = SigningKey::random(&mut rand_core::OsRng);
        let subject = Name::from_str("CN=MotCua Test CA (khong dung that),O=MotCua,C=VN").expect("a valid name");
        let certificate = build(Profile::Root, subject, &key, *key.verifying_key(), 3650).expect("a root certificate");
        TestAuthority { key, certificate }
    }

    /// The authority kept as a PKCS#8 key and its certificate, PEM (the demo keeps it in its
    /// data directory so that documents signed before a restart still verify).
    pub fn from_pem(key_pem: &str, certificate_pem: &str) -> Result<TestAuthority, SignError> {
        let identity = SigningIdentity::from_pem(key_pem, certificate_pem)?;
        Ok(TestAuthority { key: identity.key, certificate: identity.chain[0].clone() })
    }

    pub fn key_pem(&self) -> String {
        self.key.to_pkcs8_pem(LineEnding::LF).map(|k| k.to_string()).unwrap_or_default()
    }

    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    pub fn certificate_pem(&self) -> String {
        self.certificate.to_pem(der::pem::LineEnding::LF).unwrap_or_default()
    }

    /// A signing identity for an organisation, valid two years.
    pub fn issue(&self, organisation: &str) -> Result<SigningIdentity, SignError> {
        let key = SigningKey::random(&mut rand_core::OsRng);
        let escaped: String = organisation
            .chars()
            .map(|c| if ",+\"\\<>;=".contains(c) { format!("\\{c}") } else { c.to_string() })
            .collect();
        let subject =
            Name::from_str(&format!("CN={escaped},O={escaped},C=VN")).map_err(|e| SignError::Key(e.to_string()))?;
        let profile = Profile::Leaf {
            issuer: self.certificate.tbs_certificate.subject.clone(),
            enable_key_agreement: false,
            enable_key_encipherment: false,
        };
        let certificate = build(profile, subject, &self.key, *key.verifying_key(), 730)?;
        Ok(SigningIdentity { key, chain: vec![certificate, self.certificate.clone()] })
    }
}

fn build(
    profile: Profile,
    subject: Name,
    issuer_key: &SigningKey,
    subject_key: VerifyingKey,
    days: u64,
) -> Result<Certificate, SignError> {
    let serial = SerialNumber::from(u64::from(rand_core::RngCore::next_u32(&mut rand_core::OsRng)) + 1);
    let validity = Validity::from_now(Duration::from_secs(days * 86_400)).map_err(|e| SignError::Key(e.to_string()))?;
    let spki = SubjectPublicKeyInfoOwned::from_key(subject_key).map_err(|e| SignError::Key(e.to_string()))?;
    let builder = CertificateBuilder::new(profile, serial, validity, subject, spki, issuer_key)
        .map_err(|e| SignError::Key(e.to_string()))?;
    builder.build::<DerSignature>().map_err(|e| SignError::Key(e.to_string()))
}

/// The common name of `name`, if it has one.
pub(crate) fn common_name(name: &Name) -> Option<String> {
    attribute(name, const_oid::db::rfc4519::CN)
}

/// The organisation of `name`, if it has one.
pub(crate) fn organisation(name: &Name) -> Option<String> {
    attribute(name, const_oid::db::rfc4519::O)
}

fn attribute(name: &Name, oid: const_oid::ObjectIdentifier) -> Option<String> {
    name.0.iter().flat_map(|rdn| rdn.0.iter()).find(|a| a.oid == oid).and_then(|a| {
        let any = &a.value;
        der::asn1::Utf8StringRef::try_from(any)
            .map(|s| s.as_str().to_string())
            .or_else(|_| der::asn1::PrintableStringRef::try_from(any).map(|s| s.as_str().to_string()))
            .ok()
    })
}

/// Whether `certificate` was issued by `authority` (name and signature) and is valid at `now`.
pub(crate) fn issued_by(certificate: &Certificate, authority: &Certificate, now: std::time::SystemTime) -> bool {
    if certificate.tbs_certificate.issuer != authority.tbs_certificate.subject {
        return false;
    }
    let validity = &certificate.tbs_certificate.validity;
    if now < validity.not_before.to_system_time() || now > validity.not_after.to_system_time() {
        return false;
    }
    let Ok(public) = authority.tbs_certificate.subject_public_key_info.to_der() else { return false };
    let Ok(key) = VerifyingKey::from_public_key_der(&public) else { return false };
    let Ok(tbs) = certificate.tbs_certificate.to_der() else { return false };
    let Some(bytes) = certificate.signature.as_bytes() else { return false };
    let Ok(signature) = DerSignature::from_bytes(bytes) else { return false };
    p256::ecdsa::signature::Verifier::verify(&key, &tbs, &signature).is_ok()
}

/// A certificate from DER.
pub(crate) fn certificate_from_der(bytes: &[u8]) -> Result<Certificate, SignError> {
    Ok(Certificate::from_der(bytes)?)
}

/// A certificate from PEM (a trusted authority's).
pub fn certificate_from_pem(pem: &str) -> Result<Certificate, SignError> {
    Certificate::from_pem(pem.as_bytes()).map_err(|e| SignError::Key(e.to_string()))
}
