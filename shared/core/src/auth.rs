//! Tokens (G10, P6): Ed25519-signed JWTs with a key id, `iss`/`aud`/`exp` checked, several
//! verification keys at once for rotation (published as a JWKS); Argon2 password hashes.

use crate::{Caller, CoreError, CoreResult};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::SigningKey;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use motcua_domain::roles::Role;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Clock difference tolerated between the signer and the verifier.
const LEEWAY_SECS: i64 = 30;
use sha2::{Digest, Sha256};

/// Claims of MotCua tokens.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Claims {
    pub sub: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    pub name: String,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    /// Not valid before (never set by MotCua; honoured when present).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// The account's session generation when the token was issued: a token of an older
    /// generation is refused (logout, lock; security issue, item 2). Absent for machine clients.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ver: Option<u64>,
    /// The VNeID assurance level of the login that opened this session (R7); absent for a
    /// password login.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acr: Option<u8>,
}

impl Claims {
    /// The caller these claims name.
    pub fn caller(&self) -> Caller {
        Caller {
            id: self.sub.clone().into(),
            role: self.role,
            agency: self.agency.clone().map(Into::into),
            name: self.name.clone(),
            vneid_level: self.acr,
        }
    }
}

struct VerifyingKey {
    kid: String,
    x: String,
    key: DecodingKey,
}

/// The signing key (where this process may sign) and every key still accepted for verification.
pub struct JwtKeys {
    /// Key id and key; `None` in a process given only the public keys (on AWS every function
    /// but identity and the ledger's sealer).
    signing: Option<(String, EncodingKey)>,
    verifying: Vec<VerifyingKey>,
}

impl JwtKeys {
    /// A new random Ed25519 key, as PKCS#8 PEM (to be stored by the runtime).
    pub fn generate_pem() -> String {
        let key = SigningKey::generate(&mut OsRng);
        key.to_pkcs8_pem(Default::default()).expect("encode new key").to_string()
    }

    /// The public key of a PKCS#8 private key PEM, as an SPKI PEM (`openssl pkey -pubout`).
    pub fn public_pem(private_pem: &str) -> CoreResult<String> {
        let key =
            SigningKey::from_pkcs8_pem(private_pem).map_err(|e| CoreError::Internal(format!("signing key: {e}")))?;
        key.verifying_key()
            .to_public_key_pem(Default::default())
            .map_err(|e| CoreError::Internal(format!("public key: {e}")))
    }

    /// From PEM keys, private (PKCS#8) or public (SPKI): signs with the first if it is
    /// private; accepts tokens from all of them (rotation: put the new key first and keep the
    /// old one until its tokens have expired). Public keys only give a process that verifies
    /// and cannot sign.
    pub fn from_pems(pems: &[String]) -> CoreResult<JwtKeys> {
        let mut verifying = Vec::new();
        let mut signing = None;
        for (i, pem) in pems.iter().enumerate() {
            let public = if pem.contains("PRIVATE KEY") {
                let key =
                    SigningKey::from_pkcs8_pem(pem).map_err(|e| CoreError::Internal(format!("signing key: {e}")))?;
                if i == 0 {
                    let der = key.to_pkcs8_der().map_err(|e| CoreError::Internal(format!("signing key: {e}")))?;
                    signing = Some(EncodingKey::from_ed_der(der.as_bytes()));
                }
                key.verifying_key()
            } else {
                ed25519_dalek::VerifyingKey::from_public_key_pem(pem)
                    .map_err(|e| CoreError::Internal(format!("verifying key: {e}")))?
            };
            let public = public.to_bytes();
            let kid = hex::encode(&Sha256::digest(public)[..8]);
            let x = URL_SAFE_NO_PAD.encode(public);
            let decoding =
                DecodingKey::from_ed_components(&x).map_err(|e| CoreError::Internal(format!("verifying key: {e}")))?;
            verifying.push(VerifyingKey { kid, x, key: decoding });
        }
        if verifying.is_empty() {
            return Err(CoreError::Internal("no JWT key".into()));
        }
        let signing = signing.map(|key| (verifying[0].kid.clone(), key));
        Ok(JwtKeys { signing, verifying })
    }

    /// The key ids accepted for verification, in order.
    pub fn kids(&self) -> Vec<&str> {
        self.verifying.iter().map(|k| k.kid.as_str()).collect()
    }

    pub fn sign(&self, claims: &Claims) -> CoreResult<String> {
        self.sign_json(claims)
    }

    /// Verifies signature (EdDSA only, key chosen by `kid`), `iss`, `aud`, `exp` and `nbf`;
    /// a token issued in the future or living longer than `max_lifetime` is refused too.
    pub fn verify(&self, token: &str, issuer: &str, audience: &str, max_lifetime: Duration) -> CoreResult<Claims> {
        let bad = invalid_session;
        let header = jsonwebtoken::decode_header(token).map_err(|_| bad())?;
        if header.alg != Algorithm::EdDSA {
            return Err(bad());
        }
        let kid = header.kid.ok_or_else(bad)?;
        let key = self.verifying.iter().find(|k| k.kid == kid).ok_or_else(bad)?;
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = LEEWAY_SECS as u64;
        validation.validate_nbf = true;
        let data = jsonwebtoken::decode::<Claims>(token, &key.key, &validation).map_err(|_| bad())?;
        let c = data.claims;
        let now = chrono::Utc::now().timestamp();
        if c.iat > now + LEEWAY_SECS || c.exp - c.iat > max_lifetime.as_secs() as i64 + LEEWAY_SECS {
            return Err(bad());
        }
        Ok(c)
    }

    /// Any JSON signed as a compact JWS with the current key (checkpoints of the ledger).
    pub fn sign_json<T: Serialize>(&self, content: &T) -> CoreResult<String> {
        let (kid, key) = self
            .signing
            .as_ref()
            .ok_or_else(|| CoreError::Internal("this process holds only public keys and cannot sign".into()))?;
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(kid.clone());
        jsonwebtoken::encode(&header, content, key).map_err(|e| CoreError::Internal(format!("sign: {e}")))
    }

    /// The content of a JWS made by [`JwtKeys::sign_json`] with one of the keys.
    pub fn verify_json<T: serde::de::DeserializeOwned>(&self, jws: &str) -> CoreResult<T> {
        let bad = || CoreError::invalid("invalid_signature", "Chữ ký không hợp lệ.");
        let header = jsonwebtoken::decode_header(jws).map_err(|_| bad())?;
        let kid = header.kid.ok_or_else(bad)?;
        let key = self.verifying.iter().find(|k| k.kid == kid && header.alg == Algorithm::EdDSA).ok_or_else(bad)?;
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_required_spec_claims::<&str>(&[]);
        validation.validate_exp = false;
        validation.validate_aud = false;
        Ok(jsonwebtoken::decode::<T>(jws, &key.key, &validation).map_err(|_| bad())?.claims)
    }

    /// The public keys as a JSON Web Key Set.
    pub fn jwks(&self) -> Jwks {
        let keys = self
            .verifying
            .iter()
            .map(|k| Jwk { kty: "OKP", crv: "Ed25519", alg: "EdDSA", usage: "sig", kid: k.kid.clone(), x: k.x.clone() })
            .collect();
        Jwks { keys }
    }
}

/// The answer to a token that is not (or no longer) valid.
pub(crate) fn invalid_session() -> CoreError {
    CoreError::Unauthenticated("Phiên đăng nhập không hợp lệ hoặc đã hết hạn. Vui lòng đăng nhập lại.".into())
}

/// The public keys that verify the tokens (RFC 7517).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

/// One Ed25519 public key (RFC 8037).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Jwk {
    pub kty: &'static str,
    pub crv: &'static str,
    pub alg: &'static str,
    #[serde(rename = "use")]
    pub usage: &'static str,
    pub kid: String,
    pub x: String,
}

/// Password hashing is slow on purpose: it runs on the blocking pool, as many at once as the
/// machine has cores, so that no other request waits behind it (security issue, item 1).
static HASHING: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
});

async fn off_the_request_threads<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> CoreResult<T> {
    let _permit = HASHING.acquire().await.map_err(|e| CoreError::Internal(e.to_string()))?;
    tokio::task::spawn_blocking(work).await.map_err(|e| CoreError::Internal(format!("hashing task: {e}")))
}

/// Argon2id hash of a password or client secret (PHC string).
pub async fn hash_secret(secret: &str) -> CoreResult<String> {
    let secret = secret.to_string();
    off_the_request_threads(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(secret.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| CoreError::Internal(format!("hash: {e}")))
    })
    .await?
}

/// Whether `secret` matches the PHC string.
pub async fn verify_secret(secret: &str, phc: &str) -> CoreResult<bool> {
    let (secret, phc) = (secret.to_string(), phc.to_string());
    off_the_request_threads(move || {
        PasswordHash::new(&phc).is_ok_and(|h| Argon2::default().verify_password(secret.as_bytes(), &h).is_ok())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    const TTL: Duration = Duration::from_secs(8 * 3600);

    fn claims(exp_in: i64) -> Claims {
        let now = chrono::Utc::now().timestamp();
        Claims {
            sub: "u1".into(),
            role: Role::Specialist,
            agency: Some("000.00.12.H56".into()),
            name: "Lê Thị Hoa".into(),
            iss: "motcua".into(),
            aud: "motcua-api".into(),
            iat: now,
            exp: now + exp_in,
            nbf: None,
            ver: None,
            acr: None,
        }
    }

    #[test]
    fn not_yet_valid_issued_in_the_future_or_too_long_lived_is_refused() {
        let keys = JwtKeys::from_pems(&[JwtKeys::generate_pem()]).unwrap();
        let now = chrono::Utc::now().timestamp();
        let verify = |c: Claims| keys.verify(&keys.sign(&c).unwrap(), "motcua", "motcua-api", TTL);
        assert!(verify(Claims { nbf: Some(now - 10), ..claims(600) }).is_ok());
        assert!(verify(Claims { nbf: Some(now + 3600), ..claims(7200) }).is_err(), "nbf in the future");
        assert!(verify(Claims { iat: now + 3600, ..claims(7200) }).is_err(), "issued in the future");
        assert!(verify(claims(TTL.as_secs() as i64)).is_ok());
        assert!(verify(claims(30 * 86_400)).is_err(), "longer than the deployment's token lifetime");
    }

    #[test]
    fn a_signed_token_verifies_and_carries_role_and_agency() {
        let keys = JwtKeys::from_pems(&[JwtKeys::generate_pem()]).unwrap();
        let token = keys.sign(&claims(600)).unwrap();
        let caller = keys.verify(&token, "motcua", "motcua-api", TTL).unwrap().caller();
        assert_eq!(caller.role, Role::Specialist);
        assert_eq!(caller.agency.as_deref(), Some("000.00.12.H56"));
    }

    #[test]
    fn wrong_issuer_audience_expiry_key_or_tampering_is_refused() {
        let keys = JwtKeys::from_pems(&[JwtKeys::generate_pem()]).unwrap();
        let token = keys.sign(&claims(600)).unwrap();
        assert!(keys.verify(&token, "other", "motcua-api", TTL).is_err());
        assert!(keys.verify(&token, "motcua", "other", TTL).is_err());
        assert!(keys.verify(&keys.sign(&claims(-120)).unwrap(), "motcua", "motcua-api", TTL).is_err());
        let other = JwtKeys::from_pems(&[JwtKeys::generate_pem()]).unwrap();
        assert!(other.verify(&token, "motcua", "motcua-api", TTL).is_err());
        let mut parts: Vec<String> = token.split('.').map(String::from).collect();
        let forged = claims(600);
        let forged = Claims { role: Role::SystemAdmin, ..forged };
        parts[1] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged).unwrap());
        assert!(keys.verify(&parts.join("."), "motcua", "motcua-api", TTL).is_err());
    }

    #[test]
    fn rotation_keeps_old_tokens_valid_and_signs_with_the_new_key() {
        let (old, new) = (JwtKeys::generate_pem(), JwtKeys::generate_pem());
        let before = JwtKeys::from_pems(std::slice::from_ref(&old)).unwrap();
        let token = before.sign(&claims(600)).unwrap();
        let after = JwtKeys::from_pems(&[new, old]).unwrap();
        assert!(after.verify(&token, "motcua", "motcua-api", TTL).is_ok());
        assert_eq!(after.jwks().keys.len(), 2);
        let fresh = after.sign(&claims(600)).unwrap();
        assert!(before.verify(&fresh, "motcua", "motcua-api", TTL).is_err());
    }

    #[test]
    fn public_keys_alone_verify_and_cannot_sign() {
        let (new, old) = (JwtKeys::generate_pem(), JwtKeys::generate_pem());
        let signer = JwtKeys::from_pems(&[new.clone(), old.clone()]).unwrap();
        let public: Vec<String> = [&new, &old].map(|k| JwtKeys::public_pem(k).unwrap()).into();
        assert!(public[0].starts_with("-----BEGIN PUBLIC KEY-----"));
        let verifier = JwtKeys::from_pems(&public).unwrap();
        assert_eq!(verifier.kids(), signer.kids());
        let token = signer.sign(&claims(600)).unwrap();
        assert_eq!(verifier.verify(&token, "motcua", "motcua-api", TTL).unwrap().sub, "u1");
        assert!(verifier.sign(&claims(600)).is_err());
        assert!(verifier.sign_json(&"checkpoint").is_err());
        assert!(JwtKeys::from_pems(&[]).is_err());
    }

    #[tokio::test]
    async fn passwords_are_hashed_with_argon2_and_verified() {
        let h = hash_secret("Mật-khẩu-2026").await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_secret("Mật-khẩu-2026", &h).await.unwrap());
        assert!(!verify_secret("sai", &h).await.unwrap());
        assert!(!verify_secret("sai", "không phải PHC").await.unwrap());
    }
}
