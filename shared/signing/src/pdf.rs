//! PAdES signatures of PDF documents: the signature field and its value are appended as an
//! incremental update (ISO 32000-1 §7.5.6, §12.8), the `/Contents` placeholder filled with a
//! detached CMS SignedData (ETSI EN 319 142-1, baseline B-B: content type, message digest and
//! the signing certificate v2 as signed attributes, the chain in the certificates).

use crate::certificates::{common_name, issued_by, organisation, SigningIdentity};
use crate::SignError;
use chrono::{DateTime, FixedOffset};
use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::ContentInfo;
use cms::signed_data::{EncapsulatedContentInfo, SignedData, SignerIdentifier};
use der::{Decode, Encode};
use lopdf::{dictionary, Dictionary, Object, ObjectId, StringFormat};
use p256::ecdsa::{DerSignature, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use spki::{AlgorithmIdentifierOwned, DecodePublicKey};
use x509_cert::attr::Attribute;
use x509_cert::Certificate;

/// Room for the CMS signature (a P-256 signature with a two-certificate chain is ~1.5 KB).
const SIGNATURE_ROOM: usize = 8192;
/// The `/ByteRange` numbers before they are known: wide enough for any offset.
const PLACEHOLDER: i64 = 9_999_999_999;

/// A signature found in a PDF and what its check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureCheck {
    /// The signer's certificate: common name and organisation.
    pub signer: String,
    pub organisation: Option<String>,
    /// Who issued the signer's certificate.
    pub issuer: String,
    /// `/M` of the signature, as written (`D:yyyyMMddHHmmss+07'00'`).
    pub signed_at: Option<String>,
    /// The signed bytes are those the signature was made over, with the signer's key.
    pub intact: bool,
    /// The signer's certificate was issued, and is valid now, by a trusted authority.
    pub trusted: bool,
    /// Nothing was added to the file after this signature.
    pub covers_whole_document: bool,
}

impl SignatureCheck {
    pub fn valid(&self) -> bool {
        self.intact && self.trusted
    }
}

/// A PDF text string: UTF-16BE with its byte order mark.
fn text(s: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    bytes.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
    Object::String(bytes, StringFormat::Hexadecimal)
}

fn pdf_date(at: DateTime<FixedOffset>) -> String {
    let offset = at.offset().local_minus_utc();
    let sign = if offset < 0 { '-' } else { '+' };
    let (h, m) = (offset.abs() / 3600, offset.abs() % 3600 / 60);
    format!("D:{}{sign}{h:02}'{m:02}'", at.format("%Y%m%d%H%M%S"))
}

/// `pdf` signed by `identity`: the original bytes unchanged, then the signature's update.
pub fn sign_pdf(
    pdf: &[u8],
    identity: &SigningIdentity,
    reason: &str,
    at: DateTime<FixedOffset>,
) -> Result<Vec<u8>, SignError> {
    let previous = lopdf::Document::load_mem(pdf)?;
    if previous.is_encrypted() {
        return Err(SignError::Pdf("tệp được mã hóa".into()));
    }
    let catalog_id = previous.trailer.get(b"Root").and_then(Object::as_reference)?;
    let page_id = previous.page_iter().next().ok_or_else(|| SignError::Pdf("tệp không có trang nào".into()))?;
    let mut update = lopdf::IncrementalDocument::create_from(pdf.to_vec(), previous);
    let doc = &mut update.new_document;
    let value = doc.add_object(dictionary! {
        "Type" => "Sig",
        "Filter" => "Adobe.PPKLite",
        "SubFilter" => "ETSI.CAdES.detached",
        "ByteRange" => vec![0.into(), PLACEHOLDER.into(), PLACEHOLDER.into(), PLACEHOLDER.into()],
        "Contents" => Object::String(vec![0; SIGNATURE_ROOM], StringFormat::Hexadecimal),
        "M" => Object::string_literal(pdf_date(at)),
        "Name" => text(&identity.name()),
        "Reason" => text(reason),
    });
    let field = doc.add_object(dictionary! {
        "Type" => "Annot",
        "Subtype" => "Widget",
        "FT" => "Sig",
        "Rect" => vec![0.into(), 0.into(), 0.into(), 0.into()],
        "F" => 132,
        "P" => page_id,
        "T" => Object::string_literal(format!("ChuKySo{}", value.0)),
        "V" => value,
    });
    add_field(&mut update, catalog_id, field)?;
    add_to_array(&mut update, page_id, b"Annots", field)?;
    let mut out = Vec::with_capacity(pdf.len() + 2 * SIGNATURE_ROOM + 4096);
    update.save_to(&mut out).map_err(|e| SignError::Pdf(e.to_string()))?;

    // The placeholders, now at their final place: the ranges around `/Contents`, then the value.
    let zeros = format!("<{}>", "0".repeat(2 * SIGNATURE_ROOM));
    let start = find(&out, zeros.as_bytes(), pdf.len()).ok_or_else(|| SignError::Pdf("thiếu chỗ cho chữ ký".into()))?;
    let end = start + zeros.len();
    let ranges = [0, start, end, out.len() - end];
    let placeholder = format!("0 {PLACEHOLDER} {PLACEHOLDER} {PLACEHOLDER}");
    let at = find(&out, placeholder.as_bytes(), pdf.len()).ok_or_else(|| SignError::Pdf("thiếu /ByteRange".into()))?;
    let actual = format!("{} {} {} {}", ranges[0], ranges[1], ranges[2], ranges[3]);
    out[at..at + placeholder.len()].copy_from_slice(format!("{actual:<width$}", width = placeholder.len()).as_bytes());

    let digest = Sha256::new().chain_update(&out[..start]).chain_update(&out[end..]).finalize();
    let cms = signed_data(identity, &digest)?;
    if cms.len() > SIGNATURE_ROOM {
        return Err(SignError::Key("chữ ký dài hơn chỗ dành cho nó".into()));
    }
    let hex: String = cms.iter().map(|b| format!("{b:02X}")).collect();
    out[start + 1..start + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(out)
}

/// Adds `field` to the document's form (`/AcroForm /Fields`), creating the form if needed.
fn add_field(update: &mut lopdf::IncrementalDocument, catalog_id: ObjectId, field: ObjectId) -> Result<(), SignError> {
    update.opt_clone_object_to_new_document(catalog_id)?;
    let form = update.new_document.get_dictionary(catalog_id)?.get(b"AcroForm").ok().cloned();
    match form {
        Some(Object::Reference(form_id)) => {
            update.opt_clone_object_to_new_document(form_id)?;
            let form = update.new_document.get_dictionary_mut(form_id)?;
            form.set("SigFlags", 3);
            push(form, b"Fields", field);
        }
        Some(Object::Dictionary(mut form)) => {
            form.set("SigFlags", 3);
            push(&mut form, b"Fields", field);
            update.new_document.get_dictionary_mut(catalog_id)?.set("AcroForm", form);
        }
        _ => {
            let form = dictionary! { "Fields" => vec![field.into()], "SigFlags" => 3 };
            update.new_document.get_dictionary_mut(catalog_id)?.set("AcroForm", form);
        }
    }
    Ok(())
}

/// Appends `item` to the array `key` of object `owner` (inline or referenced), creating it.
fn add_to_array(
    update: &mut lopdf::IncrementalDocument,
    owner: ObjectId,
    key: &[u8],
    item: ObjectId,
) -> Result<(), SignError> {
    update.opt_clone_object_to_new_document(owner)?;
    if let Ok(Object::Reference(array_id)) = update.new_document.get_dictionary(owner)?.get(key).cloned() {
        update.opt_clone_object_to_new_document(array_id)?;
        if let Ok(Object::Array(items)) = update.new_document.get_object_mut(array_id) {
            items.push(item.into());
            return Ok(());
        }
    }
    push(update.new_document.get_dictionary_mut(owner)?, key, item);
    Ok(())
}

fn push(dict: &mut Dictionary, key: &[u8], item: ObjectId) {
    match dict.get_mut(key) {
        Ok(Object::Array(items)) => items.push(item.into()),
        _ => dict.set(key.to_vec(), vec![Object::from(item)]),
    }
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|i| i + from)
}

/// A detached CMS SignedData over `digest` (SHA-256), PAdES baseline B-B.
fn signed_data(identity: &SigningIdentity, digest: &[u8]) -> Result<Vec<u8>, SignError> {
    let content = EncapsulatedContentInfo { econtent_type: const_oid::db::rfc5911::ID_DATA, econtent: None };
    let leaf = &identity.chain[0];
    let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer: leaf.tbs_certificate.issuer.clone(),
        serial_number: leaf.tbs_certificate.serial_number.clone(),
    });
    let sha256 = AlgorithmIdentifierOwned { oid: const_oid::db::rfc5912::ID_SHA_256, parameters: None };
    let mut signer =
        SignerInfoBuilder::new(&identity.key, sid, sha256.clone(), &content, Some(digest)).map_err(key_error)?;
    signer.add_signed_attribute(signing_certificate_v2(leaf)?).map_err(key_error)?;
    let mut builder = SignedDataBuilder::new(&content);
    builder.add_digest_algorithm(sha256).map_err(key_error)?;
    for c in &identity.chain {
        builder.add_certificate(CertificateChoices::Certificate(c.clone())).map_err(key_error)?;
    }
    builder.add_signer_info::<SigningKey, DerSignature>(signer).map_err(key_error)?;
    Ok(builder.build().map_err(key_error)?.to_der()?)
}

fn key_error(e: impl std::fmt::Display) -> SignError {
    SignError::Key(e.to_string())
}

/// The ESS signing-certificate-v2 attribute (RFC 5035): the SHA-256 of the signer's
/// certificate, binding it to the signature (required by PAdES baseline B-B).
fn signing_certificate_v2(certificate: &Certificate) -> Result<Attribute, SignError> {
    let hash = Sha256::digest(certificate.to_der()?);
    // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }, ESSCertIDv2 ::=
    // SEQUENCE { certHash OCTET STRING } (hash algorithm: the default, SHA-256).
    let mut der = vec![0x30, 38, 0x30, 36, 0x30, 34, 0x04, 32];
    der.extend_from_slice(&hash);
    let mut values = der::asn1::SetOfVec::new();
    values.insert(der::Any::from_der(&der)?)?;
    Ok(Attribute { oid: const_oid::db::rfc5911::ID_AA_SIGNING_CERTIFICATE_V_2, values })
}

/// Every signature of `pdf`, checked, in the order of the file; `authorities` are the trusted
/// certificate authorities.
pub fn verify_pdf(pdf: &[u8], authorities: &[Certificate]) -> Result<Vec<SignatureCheck>, SignError> {
    let doc = lopdf::Document::load_mem(pdf)?;
    let mut checks = vec![];
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        if dict.get(b"Type").and_then(Object::as_name).ok() != Some(b"Sig".as_slice()) {
            continue;
        }
        let ranges: Vec<usize> = dict
            .get(b"ByteRange")
            .and_then(Object::as_array)?
            .iter()
            .map(|o| o.as_i64().ok().and_then(|n| usize::try_from(n).ok()))
            .collect::<Option<_>>()
            .ok_or_else(|| SignError::Malformed("/ByteRange".into()))?;
        let [a, b, c, d] = ranges[..] else { return Err(SignError::Malformed("/ByteRange".into())) };
        let (Some(first), Some(second)) = (pdf.get(a..a + b), pdf.get(c..c + d)) else {
            return Err(SignError::Malformed("/ByteRange ngoài tệp".into()));
        };
        let contents = dict.get(b"Contents").and_then(Object::as_str)?;
        let digest = Sha256::new().chain_update(first).chain_update(second).finalize();
        let signed_at = dict.get(b"M").and_then(Object::as_str).ok().map(|m| String::from_utf8_lossy(m).into_owned());
        let mut check = check_cms(contents, &digest, authorities)?;
        check.signed_at = signed_at;
        check.covers_whole_document = a == 0 && c + d == pdf.len();
        checks.push(check);
    }
    Ok(checks)
}

fn check_cms(contents: &[u8], digest: &[u8], authorities: &[Certificate]) -> Result<SignatureCheck, SignError> {
    // The value is padded with zeros after the DER: read one ContentInfo from the front.
    let mut reader = der::SliceReader::new(contents)?;
    let info = <ContentInfo as der::Decode>::decode(&mut reader)?;
    let data: SignedData = info.content.decode_as()?;
    let signer_info =
        data.signer_infos.0.iter().next().ok_or_else(|| SignError::Malformed("không có người ký".into()))?;
    let SignerIdentifier::IssuerAndSerialNumber(sid) = &signer_info.sid else {
        return Err(SignError::Malformed("người ký không nêu chứng thư số".into()));
    };
    let leaf = data
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .find_map(|c| match c {
            CertificateChoices::Certificate(c)
                if c.tbs_certificate.issuer == sid.issuer && c.tbs_certificate.serial_number == sid.serial_number =>
            {
                Some(crate::certificates::certificate_from_der(&c.to_der().ok()?).ok()?)
            }
            _ => None,
        })
        .ok_or_else(|| SignError::Malformed("thiếu chứng thư số của người ký".into()))?;
    let attributes =
        signer_info.signed_attrs.as_ref().ok_or_else(|| SignError::Malformed("thiếu thuộc tính ký".into()))?;
    let digest_matches = attributes
        .iter()
        .find(|a| a.oid == const_oid::db::rfc5911::ID_MESSAGE_DIGEST)
        .and_then(|a| a.values.iter().next())
        .and_then(|v| der::asn1::OctetStringRef::try_from(v).ok())
        .is_some_and(|md| md.as_bytes() == digest);
    let signature_verifies = (|| {
        let key =
            VerifyingKey::from_public_key_der(&leaf.tbs_certificate.subject_public_key_info.to_der().ok()?).ok()?;
        let signature = DerSignature::from_bytes(signer_info.signature.as_bytes()).ok()?;
        let signed = attributes.to_der().ok()?;
        Some(p256::ecdsa::signature::Verifier::verify(&key, &signed, &signature).is_ok())
    })()
    .unwrap_or(false);
    let now = std::time::SystemTime::now();
    Ok(SignatureCheck {
        signer: common_name(&leaf.tbs_certificate.subject).unwrap_or_default(),
        organisation: organisation(&leaf.tbs_certificate.subject),
        issuer: common_name(&leaf.tbs_certificate.issuer).unwrap_or_default(),
        signed_at: None,
        intact: digest_matches && signature_verifies,
        trusted: authorities.iter().any(|ca| issued_by(&leaf, ca, now)),
        covers_whole_document: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TestAuthority;

    /// A one-page PDF as genpdf or a scanner would give.
    fn one_page() -> Vec<u8> {
        let mut doc = lopdf::Document::with_version("1.5");
        let pages = doc.new_object_id();
        let content =
            doc.add_object(lopdf::Stream::new(dictionary! {}, b"BT /F1 12 Tf 72 712 Td (Ket qua) Tj ET".to_vec()));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages, "Contents" => content,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => dictionary! {
                "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" } } },
        });
        doc.objects.insert(
            pages,
            Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 }),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        doc.trailer.set("Root", catalog);
        let mut out = vec![];
        doc.save_to(&mut out).unwrap();
        out
    }

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-30T09:15:00+07:00").unwrap()
    }

    #[test]
    fn a_signed_pdf_verifies_keeps_the_original_and_any_change_breaks_it() {
        let ca = TestAuthority::generate();
        let agency = ca.issue("Ủy ban nhân dân phường Hạc Thành").unwrap();
        let original = one_page();
        let signed = sign_pdf(&original, &agency, "Cấp kết quả giải quyết hồ sơ", now()).unwrap();
        assert_eq!(&signed[..original.len()], &original[..], "an incremental update");

        let checks = verify_pdf(&signed, std::slice::from_ref(ca.certificate())).unwrap();
        assert_eq!(checks.len(), 1);
        let c = &checks[0];
        assert_eq!(c.signer, "Ủy ban nhân dân phường Hạc Thành");
        assert!(c.valid() && c.covers_whole_document, "{c:?}");
        assert_eq!(c.signed_at.as_deref(), Some("D:20261130091500+07'00'"));

        let other = TestAuthority::generate();
        assert!(!verify_pdf(&signed, std::slice::from_ref(other.certificate())).unwrap()[0].trusted);
        let mut tampered = signed.clone();
        let i = original.len() / 2;
        tampered[i] ^= 1;
        assert!(!verify_pdf(&tampered, std::slice::from_ref(ca.certificate())).map(|c| c[0].intact).unwrap_or(false));
        let mut appended = signed.clone();
        appended.extend_from_slice(b"\n% added later\n");
        let later = verify_pdf(&appended, std::slice::from_ref(ca.certificate())).unwrap();
        assert!(later[0].intact && !later[0].covers_whole_document);

        // Signed again (a form countersigned): both signatures hold.
        let again = sign_pdf(&signed, &agency, "Ký lại", now()).unwrap();
        let both = verify_pdf(&again, std::slice::from_ref(ca.certificate())).unwrap();
        assert_eq!(both.iter().filter(|c| c.valid()).count(), 2);
        assert_eq!(both.iter().filter(|c| c.covers_whole_document).count(), 1);
    }

    #[test]
    fn identities_round_trip_as_pem_and_a_foreign_key_is_refused() {
        let ca = TestAuthority::generate();
        let agency = ca.issue("Sở Tư pháp").unwrap();
        let back = SigningIdentity::from_pem(&agency.key_pem(), &agency.chain_pem()).unwrap();
        assert_eq!(back.name(), "Sở Tư pháp");
        let other = ca.issue("Sở Xây dựng").unwrap();
        assert!(SigningIdentity::from_pem(&other.key_pem(), &agency.chain_pem()).is_err());
        let ca_back = TestAuthority::from_pem(&ca.key_pem(), &ca.certificate_pem()).unwrap();
        assert_eq!(ca_back.certificate(), ca.certificate());
    }
}
