//! Vietnamese text folding: lower case, diacritics removed, `đ` → `d`, spaces collapsed,
//! so that "dang ky khai sinh" finds "Đăng ký khai sinh" (P10).

use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// Folds text for diacritic-insensitive comparison.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_space = true;
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.extend(c.to_lowercase());
            last_space = false;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Whether every word of the (folded) query occurs in the (folded) text.
pub fn matches(folded_text: &str, query: &str) -> bool {
    fold(query).split(' ').filter(|w| !w.is_empty()).all(|w| folded_text.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_removes_diacritics_and_d_stroke() {
        assert_eq!(fold("Đăng ký  khai sinh"), "dang ky khai sinh");
        assert_eq!(fold("Cấp Phiếu lý lịch tư pháp"), "cap phieu ly lich tu phap");
        assert_eq!(fold("  Thanh Hóa "), "thanh hoa");
    }

    #[test]
    fn queries_match_with_or_without_diacritics_in_any_word_order() {
        let t = fold("Đăng ký khai sinh");
        assert!(matches(&t, "khai sinh"));
        assert!(matches(&t, "ĐĂNG KÝ"));
        assert!(matches(&t, "sinh dang"));
        assert!(!matches(&t, "kết hôn"));
    }
}
