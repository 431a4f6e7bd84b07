//! The archive package of a dossier: a BagIt bag (RFC 8493) in a zip file, readable without
//! MotCua. `data/dossier.json` is the dossier's record exactly as chained (its SHA-256 is the
//! digest of the last ledger entry), `data/proof.json` the chain proof (entries, segments up to
//! signed checkpoints), `data/files/` the files as filed and returned; the manifests give the
//! SHA-256 of every file.

use crate::{ledger::Proof, CoreError, CoreResult};
use bytes::Bytes;
use chrono::{DateTime, Datelike, FixedOffset, Timelike};
use motcua_domain::dossier::Dossier;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::io::Write;
use zip::write::SimpleFileOptions;

/// A file of the dossier, with its bytes.
pub struct PackagedFile {
    pub component: String,
    pub filename: String,
    pub bytes: Bytes,
}

/// `data/proof.json`.
#[derive(Serialize)]
struct PackageProof<'a> {
    /// Whether the proof reaches the dossier's last change (dossiers closed before the chained
    /// ledger existed have a partial proof or none).
    complete: bool,
    #[serde(flatten)]
    proof: &'a Proof,
}

/// A name that stays inside its folder on every system.
fn safe_name(name: &str) -> String {
    let cleaned: String =
        name.chars().map(|c| if c.is_control() || "/\\:*?\"<>|".contains(c) { '_' } else { c }).collect();
    let trimmed = cleaned.trim().trim_start_matches('.');
    if trimmed.is_empty() {
        "tep".into()
    } else {
        trimmed.chars().take(120).collect()
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Builds the package of `d` (`record` is its stored record) at `now`.
pub fn build(
    d: &Dossier,
    record: &Value,
    proof: &Proof,
    complete: bool,
    files: Vec<PackagedFile>,
    now: DateTime<FixedOffset>,
) -> CoreResult<Vec<u8>> {
    let mut payload: Vec<(String, Bytes)> = vec![
        ("data/dossier.json".into(), Bytes::from(record.to_string())),
        ("data/proof.json".into(), Bytes::from(serde_json::to_vec_pretty(&PackageProof { complete, proof })?)),
    ];
    for (n, f) in files.into_iter().enumerate() {
        let path = format!("data/files/{:02}-{}/{}", n + 1, safe_name(&f.component), safe_name(&f.filename));
        payload.push((path, f.bytes));
    }
    let manifest: String = payload.iter().map(|(path, bytes)| format!("{}  {path}\n", sha256_hex(bytes))).collect();
    let octets: usize = payload.iter().map(|(_, b)| b.len()).sum();
    let code = d.code.as_ref().map_or_else(|| d.id.clone(), ToString::to_string);
    let info = format!(
        "Source-Organization: {}\nExternal-Identifier: {code}\nInternal-Sender-Identifier: {}\n\
         External-Description: {}\nBagging-Date: {}\nPayload-Oxum: {octets}.{}\n\
         Retention-Period: {}\nBag-Software-Agent: MotCua {}\n",
        d.agency_name,
        d.id,
        d.procedure_name,
        now.format("%Y-%m-%d"),
        payload.len(),
        d.retention.label(),
        env!("CARGO_PKG_VERSION"),
    );
    let mut tags: Vec<(String, Bytes)> = vec![
        ("bagit.txt".into(), Bytes::from_static(b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")),
        ("bag-info.txt".into(), Bytes::from(info)),
        ("manifest-sha256.txt".into(), Bytes::from(manifest)),
    ];
    let tag_manifest: String = tags.iter().map(|(path, bytes)| format!("{}  {path}\n", sha256_hex(bytes))).collect();
    tags.push(("tagmanifest-sha256.txt".into(), Bytes::from(tag_manifest)));

    let zip_error = |e: zip::result::ZipError| CoreError::Internal(format!("archive package: {e}"));
    let modified = zip::DateTime::from_date_and_time(
        now.year() as u16,
        now.month() as u8,
        now.day() as u8,
        now.hour() as u8,
        now.minute() as u8,
        now.second() as u8,
    )
    .unwrap_or_default();
    let options =
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).last_modified_time(modified);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let bag = safe_name(&code);
    for (path, bytes) in tags.iter().chain(payload.iter()) {
        zip.start_file(format!("{bag}/{path}"), options).map_err(zip_error)?;
        zip.write_all(bytes).map_err(|e| CoreError::Internal(format!("archive package: {e}")))?;
    }
    Ok(zip.finish().map_err(zip_error)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::safe_name;

    #[test]
    fn file_names_cannot_leave_their_folder() {
        assert_eq!(safe_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_name("..\\x"), "_x");
        assert_eq!(safe_name("Giấy khai sinh.pdf"), "Giấy khai sinh.pdf");
        assert_eq!(safe_name("  "), "tep");
    }
}
