//! The standard forms of the one-stop mechanism (Circular 01/2018/TT-VPCP Art. 9–10, rules §4,
//! M9; under the 2025 regime Circular 03/2025/TT-VPCP, numbered by [`motcua_domain::regime`]),
//! built from a dossier's data into one small document model ([`Doc`]) and rendered two ways
//! from it: HTML for printing in the browser ([`html`]) and PDF with an embedded Unicode font so
//! Vietnamese diacritics are exact ([`pdf`]). A dossier's forms are A5, the register A4.
//! The dossier code carries a QR code that resolves to the public lookup page.

mod build;
pub mod html;
pub mod pdf;

pub use build::{build, register, FormContext};

pub use motcua_domain::regime::FormKind;

/// Paper size of a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    A5,
    A4Landscape,
}

/// A part of a form.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Paragraph(String),
    /// Label: value lines.
    Fields(Vec<(String, String)>),
    /// A table with relative column widths.
    Table {
        headers: Vec<String>,
        widths: Vec<usize>,
        rows: Vec<Vec<String>>,
    },
    /// Signature boxes: (role, name).
    Signatures(Vec<(String, String)>),
}

/// A form, ready to render.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    /// `Mẫu số 01` …
    pub form_label: String,
    pub paper: Paper,
    /// Issuing agency (upper left).
    pub agency: String,
    pub title: String,
    /// Dossier code and the lookup URL its QR code resolves to.
    pub code: Option<(String, String)>,
    pub blocks: Vec<Block>,
    /// Place and date line: `Thanh Hóa, ngày 02 tháng 03 năm 2026`.
    pub dated: String,
}

/// The QR code of `url` as a matrix of dark modules (row major).
pub fn qr_modules(url: &str) -> (usize, Vec<bool>) {
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        .expect("a lookup URL fits in a QR code");
    let width = code.width();
    let modules = code.to_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect();
    (width, modules)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_code_has_a_square_matrix_with_finder_patterns() {
        let (w, m) = qr_modules("https://dichvucong.example.vn/tra-cuu.html?ma=000.17.22.H56-260302-0001");
        assert_eq!(m.len(), w * w);
        // Top-left finder pattern: a 7×7 dark frame.
        assert!((0..7).all(|i| m[i] && m[6 * w + i] && m[i * w] && m[i * w + 6]));
        assert!(!m[w + 1]);
    }
}
