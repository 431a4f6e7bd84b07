//! Reading a JSON body into a typed input: a JSON content type, well-formed JSON, no
//! duplicate keys (the second `username` must not silently win), integral numbers such as
//! `5.0` read as the integers they are (JSON Schema's reading), then the type's own rules,
//! with the path of the first field that does not fit.

use crate::problem::EdgeError;
use crate::ApiError;
use axum::http::{header, HeaderMap};
use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::collections::HashSet;

/// `application/json`, or a `+json` media type.
pub fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let mime = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}

/// Parses `bytes` (already known to be declared as JSON) into `T`.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if let Err(e) = serde_json::from_slice::<NoDuplicateKeys>(bytes) {
        let code = if e.is_data() { "invalid_body" } else { "invalid_json" };
        return Err(ApiError::bad_request(code, format!("Không đọc được JSON: {e}")));
    }
    let mut value: Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::bad_request("invalid_json", format!("Không đọc được JSON: {e}")))?;
    integral_numbers_as_integers(&mut value);
    serde_path_to_error::deserialize(value).map_err(|e| {
        ApiError::bad_request("invalid_body", format!("Dữ liệu JSON không đúng cấu trúc: {}: {}", e.path(), e.inner()))
    })
}

/// The edge's answer to a body that is not declared as JSON.
pub fn not_json() -> ApiError {
    EdgeError::UnsupportedMediaType.into()
}

/// JSON has one number type: `5.0` is the integer 5 (as JSON Schema says), so a count sent as
/// `5.0` is read as 5 rather than refused.
fn integral_numbers_as_integers(value: &mut Value) {
    match value {
        Value::Number(n) => {
            let integral = n.as_f64().filter(|f| n.is_f64() && f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_992.0);
            if let Some(f) = integral {
                *value = if f < 0.0 { Value::from(f as i64) } else { Value::from(f as u64) };
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers_as_integers),
        Value::Object(map) => map.values_mut().for_each(integral_numbers_as_integers),
        _ => {}
    }
}

/// Walks a JSON document and fails at the first object that repeats a key.
struct NoDuplicateKeys;

impl<'de> de::Deserialize<'de> for NoDuplicateKeys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NoDuplicateKeys)
    }
}

impl<'de> Visitor<'de> for NoDuplicateKeys {
    type Value = NoDuplicateKeys;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_unit<E>(self) -> Result<Self, E> {
        Ok(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self, A::Error> {
        while seq.next_element::<NoDuplicateKeys>()?.is_some() {}
        Ok(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self, A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(de::Error::custom(format!("duplicate field `{key}`")));
            }
            map.next_value::<NoDuplicateKeys>()?;
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Input {
        count: u32,
        name: String,
    }

    #[test]
    fn integral_numbers_fit_integer_fields_and_duplicate_keys_are_refused() {
        let ok: Input = parse(br#"{"count": 5.0, "name": "a"}"#).unwrap();
        assert_eq!(ok, Input { count: 5, name: "a".into() });
        assert!(parse::<Input>(br#"{"count": 5.5, "name": "a"}"#).is_err());
        for body in [&br#"{"count": 1, "name": "a", "name": "b"}"#[..], br#"{"x": {"y": 1, "y": 2}}"#] {
            let Err(ApiError::Core(e)) = parse::<Value>(body) else { panic!("accepted a duplicate key") };
            assert_eq!(e.code(), "invalid_body", "{e}");
        }
        let Err(ApiError::Core(e)) = parse::<Value>(b"{\"count\": ") else { panic!("accepted bad JSON") };
        assert_eq!(e.code(), "invalid_json");
    }
}
