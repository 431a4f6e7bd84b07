//! What an account may be registered with (security issue, item 8; ASVS 2.1, 5.1): passwords
//! long enough, not absurdly long, and not common or guessable from the account's own details
//! (zxcvbn's lists of leaked and common passwords, names and keyboard patterns); email
//! addresses that can receive mail; texts without control, invisible or direction-override
//! characters.

use crate::error::FieldError;

/// Shortest password accepted (NIST SP 800-63B).
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest password accepted: enough for any passphrase, short of a hashing-cost attack.
pub const MAX_PASSWORD_CHARS: usize = 128;

fn field(field: &str, code: &'static str, message: &str) -> FieldError {
    FieldError { field: field.into(), code, message: message.into() }
}

/// Why `password` may not be used, if it may not: `user_inputs` are the account's own details
/// (username, name, email), which make a password easy to guess.
pub fn password_error(password: &str, user_inputs: &[&str]) -> Option<FieldError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Some(field("password", "too_short", "Mật khẩu phải có ít nhất 8 ký tự."));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Some(field("password", "too_long", "Mật khẩu tối đa 128 ký tự."));
    }
    if has_forbidden_chars(password) {
        return Some(field("password", "invalid_characters", "Mật khẩu không được chứa ký tự điều khiển."));
    }
    let inputs: Vec<&str> = user_inputs.iter().copied().filter(|s| !s.is_empty()).collect();
    if zxcvbn::zxcvbn(password, &inputs).score() < zxcvbn::Score::Two {
        return Some(field(
            "password",
            "too_weak",
            "Mật khẩu quá dễ đoán (mật khẩu phổ biến, chuỗi lặp, dãy phím hoặc trùng tên đăng nhập, họ tên). \
             Hãy dùng một cụm từ dài hơn, có chữ, số và ký hiệu.",
        ));
    }
    None
}

/// A valid email address as the HTML standard defines it for `<input type="email">`, with a
/// domain of at least two labels (mail is not sent to a bare host name). The OpenAPI schema of
/// every email field carries the same pattern.
pub const EMAIL_PATTERN: &str = r"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$";

/// Whether `email` is an address mail can be sent to: [`EMAIL_PATTERN`], at most 200
/// characters.
pub fn valid_email(email: &str) -> bool {
    static EMAIL: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(EMAIL_PATTERN).expect("email pattern"));
    email.len() <= 200 && EMAIL.is_match(email)
}

/// Whether `text` holds a character no person types in a name or an address: control
/// characters (NUL, CR, LF…), zero-width and byte-order marks, and the marks that reorder
/// text (RTL override and isolates), which make what is shown differ from what is stored.
pub fn has_forbidden_chars(text: &str) -> bool {
    text.chars().any(|c| {
        c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
            || matches!(c, '\u{061C}' | '\u{FEFF}')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(password: &str) -> Option<&'static str> {
        password_error(password, &["hop.le", "Hợp Lê"]).map(|e| e.code)
    }

    #[test]
    fn common_short_long_or_personal_passwords_are_refused() {
        for weak in ["12345678", "password", "        ", "qwertyuiop", "abcd1234", "hop.le2026"] {
            assert_eq!(code(weak), Some("too_weak"), "{weak:?}");
        }
        assert_eq!(code("Ab1!"), Some("too_short"));
        assert_eq!(code(&"Tr@ng-Tr0i-".repeat(12)), Some("too_long"));
        assert_eq!(code("Mật\0khẩu-dài-2026"), Some("invalid_characters"));
        for good in ["MatKhau@2026", "MatKhau@123", "MotCua@2026", "Mật-khẩu-đủ-dài-2026", "sông Mã chảy về xuôi"]
        {
            assert_eq!(code(good), None, "{good:?}");
        }
    }

    #[test]
    fn emails_must_be_deliverable_addresses() {
        for ok in ["an.nguyen@thanhhoa.gov.vn", "ho+so@mail.example.org"] {
            assert!(valid_email(ok), "{ok}");
        }
        for bad in ["a@", "ha@", "@x.vn", "khong-co-a-cong", "a@b", "a b@x.vn", "a@x.vn\r\nBcc: b@y.vn", "a@x.", ""] {
            assert!(!valid_email(bad), "{bad:?}");
        }
    }

    #[test]
    fn the_api_documents_the_email_pattern_the_server_applies() {
        use utoipa::PartialSchema;
        let schema = serde_json::to_value(crate::profile::Profile::schema()).unwrap();
        assert_eq!(schema["properties"]["email"]["pattern"], EMAIL_PATTERN);
    }

    #[test]
    fn control_invisible_and_reordering_characters_are_found() {
        assert!(!has_forbidden_chars("Nguyễn Văn An, số 3 phố Cửa Hữu"));
        for bad in ["An\0", "An\r\nB", "\u{202E}nA", "A\u{200B}n", "\u{2066}An", "\u{FEFF}An"] {
            assert!(has_forbidden_chars(bad), "{bad:?}");
        }
    }
}
