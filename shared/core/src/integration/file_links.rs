//! Links to a dossier's files for the national portal (`DuongDanTaiTepTin`,
//! `DuongDanTepTinKetQua`). The portal fetches them without an account here, so each link
//! carries its own authority: an expiry and an HMAC of the dossier, the file and the expiry
//! under a server secret. A valid link answers a redirection to a short-lived download URL of
//! the object store (files of any size, on both runtimes). Links are valid 180 days; every
//! re-sync of the dossier sends fresh ones.

use crate::{store, CoreError, CoreResult, PresignedUrl, Services};
use hmac::{Hmac, Mac};
use motcua_domain::dossier::{AttachedFile, Dossier};

const VALID_DAYS: i64 = 180;

fn mac(s: &Services, dossier_id: &str, file_id: &str, expires: i64) -> Hmac<sha2::Sha256> {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(s.config.lookup_pepper.as_bytes()).expect("any key length");
    mac.update(format!("motcua-file-link\n{dossier_id}\n{file_id}\n{expires}").as_bytes());
    mac
}

/// The signed link of one file of `d`.
pub(crate) fn signed_url(s: &Services, d: &Dossier, f: &AttachedFile) -> String {
    let expires = chrono::Utc::now().timestamp() + VALID_DAYS * 86_400;
    let signature = hex::encode(mac(s, &d.id, &f.file_id, expires).finalize().into_bytes());
    format!(
        "{}/api/v1/national-portal/files/{}/{}?expires={expires}&signature={signature}",
        s.connections.public_base_url.trim_end_matches('/'),
        d.id,
        f.file_id
    )
}

/// The download URL of a file named by a valid signed link. A wrong, altered or expired link
/// and an unknown file answer the same.
pub async fn open(
    s: &Services,
    dossier_id: &str,
    file_id: &str,
    expires: i64,
    signature: &str,
) -> CoreResult<PresignedUrl> {
    let refused = || CoreError::not_found("tệp");
    let given = hex::decode(signature).map_err(|_| refused())?;
    if expires < chrono::Utc::now().timestamp() || mac(s, dossier_id, file_id, expires).verify_slice(&given).is_err() {
        return Err(refused());
    }
    let d = store::load(s, dossier_id).await.map_err(|_| refused())?;
    let file = d.components.iter().chain(d.result.iter()).find(|f| f.file_id == file_id).ok_or_else(refused)?;
    Ok(s.objects.presign_get(&file.object_key, &file.filename, s.config.download_url_ttl).await?)
}
