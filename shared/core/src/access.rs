//! Who may see a dossier, and the secrets that let the public look one up: the receipt
//! secret and the applicant's ID number, kept only as hashes.

use crate::{Caller, CoreError, CoreResult, Services};
use motcua_domain::dossier::{Dossier, Status};
use motcua_domain::views::participates;
use rand::Rng;
use sha2::{Digest, Sha256};

/// Who may see a dossier: its owner, and staff of the agencies taking part. Others get "not
/// found", so existence is not revealed.
pub(crate) fn ensure_visible(caller: &Caller, d: &Dossier) -> CoreResult<()> {
    if d.owner == caller.id || (d.status != Status::Draft && participates(caller, d)) {
        Ok(())
    } else {
        Err(CoreError::not_found("hồ sơ"))
    }
}

pub(crate) fn ensure_owner(caller: &Caller, d: &Dossier) -> CoreResult<()> {
    ensure_visible(caller, d)?;
    if d.owner != caller.id {
        return Err(CoreError::Forbidden("Chỉ chủ hồ sơ được thực hiện thao tác này.".into()));
    }
    Ok(())
}

/// SHA-256 of an ID number with the deployment's pepper (who an account stands for).
pub(crate) fn id_hash(s: &Services, id_number: &str) -> String {
    hex::encode(Sha256::digest(format!("{}:{}", s.config.lookup_pepper, id_number.trim())))
}

/// The lookup's second factor for one dossier: the ID number hashed with the pepper and the
/// dossier's code, so that one hash says nothing about another dossier of the same person.
pub(crate) fn id_hash_of(s: &Services, code: &str, id_number: &str) -> String {
    hex::encode(Sha256::digest(format!("{}:{}:{}", s.config.lookup_pepper, code, id_number.trim())))
}

pub(crate) fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.trim().to_uppercase()))
}

/// 244 random bits as 64 hex digits: secrets no one types (signing keys, login states).
pub(crate) fn random_token() -> String {
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

/// A receipt secret: 8 characters without look-alikes (no 0/O, 1/I).
pub(crate) fn new_secret() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..8).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}
