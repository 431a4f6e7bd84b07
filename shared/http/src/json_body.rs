//! Reading a JSON body into a typed input: a JSON content type, well-formed JSON, no
//! duplicate keys (the second `username` must not silently win), integral numbers such as
//! `5.0` read as the integers they are (JSON Schema's reading) — all in one pass — then the
//! type's own rules, with the path of the first field that does not fit.

use crate::problem::EdgeError;
use crate::ApiError;
use axum::http::{header, HeaderMap};
use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// `application/json`, or a `+json` media type.
pub fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let mime = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}

/// Parses `bytes` (already known to be declared as JSON) into `T`.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let StrictValue(value) = serde_json::from_slice(bytes).map_err(|e| {
        let code = if e.is_data() { "invalid_body" } else { "invalid_json" };
        ApiError::bad_request(code, format!("Không đọc được JSON: {e}"))
    })?;
    serde_path_to_error::deserialize(value).map_err(|e| {
        ApiError::bad_request("invalid_body", format!("Dữ liệu JSON không đúng cấu trúc: {}: {}", e.path(), e.inner()))
    })
}

/// The edge's answer to a body that is not declared as JSON.
pub fn not_json() -> ApiError {
    EdgeError::UnsupportedMediaType.into()
}

/// A JSON document read in one pass: an object that repeats a key is refused, and an integral
/// number such as `5.0` becomes the integer it is (JSON has one number type, and JSON Schema
/// reads `5.0` as the integer 5), so a count sent as `5.0` fits an integer field.
struct StrictValue(Value);

impl<'de> de::Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = StrictValue;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::from(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::from(v)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<StrictValue, E> {
        const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53: every integer up to it is exact
        Ok(StrictValue(match v {
            v if v.fract() == 0.0 && (0.0..=EXACT).contains(&v) => Value::from(v as u64),
            v if v.fract() == 0.0 && (-EXACT..0.0).contains(&v) => Value::from(v as i64),
            v => Value::from(v),
        }))
    }
    fn visit_str<E>(self, v: &str) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::String(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::String(v)))
    }
    fn visit_unit<E>(self) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StrictValue, A::Error> {
        let mut items = Vec::new();
        while let Some(StrictValue(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(StrictValue(Value::Array(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StrictValue, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format!("duplicate field `{key}`")));
            }
            let StrictValue(v) = map.next_value()?;
            object.insert(key, v);
        }
        Ok(StrictValue(Value::Object(object)))
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
