//! PDF rendering of a form with genpdf. The DejaVu Serif font (free licence, `fonts/`) is
//! embedded so every Vietnamese letter prints exactly; the QR code is drawn as vector strokes.

use crate::{qr_modules, Block, Doc, Paper};
use genpdf::elements::{Break, FrameCellDecorator, LinearLayout, Paragraph, TableLayout};
use genpdf::fonts::{FontData, FontFamily};
use genpdf::render::Area;
use genpdf::style::Style;
use genpdf::{Alignment, Context, Element, Mm, Position, RenderResult, Size};

const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSerif.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSerif-Bold.ttf");

fn family() -> Result<FontFamily<FontData>, genpdf::error::Error> {
    let regular = FontData::new(REGULAR.to_vec(), None)?;
    let bold = FontData::new(BOLD.to_vec(), None)?;
    Ok(FontFamily { regular: regular.clone(), bold: bold.clone(), italic: regular, bold_italic: bold })
}

/// The QR code as strokes: each run of dark modules of a row is drawn as a few overlapping
/// horizontal lines (genpdf has no filled rectangles).
struct Qr {
    width: usize,
    modules: Vec<bool>,
    module_mm: f64,
}

impl Element for Qr {
    fn render(&mut self, _: &Context, area: Area<'_>, _: Style) -> Result<RenderResult, genpdf::error::Error> {
        let side = self.width as f64 * self.module_mm;
        if area.size().height < Mm::from(side) {
            return Ok(RenderResult { size: Size::new(0, 0), has_more: true });
        }
        let strokes = 4;
        for y in 0..self.width {
            let mut x = 0;
            while x < self.width {
                if !self.modules[y * self.width + x] {
                    x += 1;
                    continue;
                }
                let start = x;
                while x < self.width && self.modules[y * self.width + x] {
                    x += 1;
                }
                for k in 0..strokes {
                    let yy = (y as f64 + (k as f64 + 0.5) / strokes as f64) * self.module_mm;
                    area.draw_line(
                        vec![
                            Position::new(start as f64 * self.module_mm, yy),
                            Position::new(x as f64 * self.module_mm, yy),
                        ],
                        Style::new(),
                    );
                }
            }
        }
        Ok(RenderResult { size: Size::new(side, side), has_more: false })
    }
}

/// Renders the form as a PDF document.
pub fn render(doc: &Doc) -> Result<Vec<u8>, genpdf::error::Error> {
    let mut pdf = genpdf::Document::new(family()?);
    pdf.set_title(format!("{} — {}", doc.title, doc.form_label));
    pdf.set_paper_size(match doc.paper {
        Paper::A5 => Size::new(148, 210),
        Paper::A4Landscape => Size::new(297, 210),
    });
    pdf.set_font_size(10);
    pdf.set_line_spacing(1.2);
    let mut decorator = genpdf::SimplePageDecorator::new();
    decorator.set_margins(10);
    pdf.set_page_decorator(decorator);
    let bold = Style::new().bold();

    let mut header = TableLayout::new(vec![1, 1]);
    header
        .row()
        .element(Paragraph::default().styled_string(doc.agency.clone(), bold).aligned(Alignment::Center))
        .element(
            LinearLayout::vertical()
                .element(
                    Paragraph::default()
                        .styled_string("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold.with_font_size(8))
                        .aligned(Alignment::Center),
                )
                .element(
                    Paragraph::default().styled_string("Độc lập - Tự do - Hạnh phúc", bold).aligned(Alignment::Center),
                ),
        )
        .push()?;
    pdf.push(header);
    pdf.push(Paragraph::new(doc.form_label.clone()).aligned(Alignment::Right));
    if let Some((code, url)) = &doc.code {
        let (width, modules) = qr_modules(url);
        let mut row = TableLayout::new(vec![1, 3]);
        row.row()
            .element(Qr { width, modules, module_mm: 24.0 / width as f64 })
            .element(
                LinearLayout::vertical()
                    .element(Paragraph::default().string("Mã hồ sơ: ").styled_string(code.clone(), bold))
                    .element(Paragraph::new(format!("Tra cứu: {url}")).styled(Style::new().with_font_size(7))),
            )
            .push()?;
        pdf.push(row);
    }
    pdf.push(Break::new(0.5));
    pdf.push(Paragraph::default().styled_string(doc.title.clone(), bold.with_font_size(11)).aligned(Alignment::Center));
    pdf.push(Break::new(0.5));
    for block in &doc.blocks {
        match block {
            Block::Paragraph(p) => pdf.push(Paragraph::new(p.clone())),
            Block::Fields(fields) => {
                for (k, v) in fields {
                    pdf.push(Paragraph::default().styled_string(format!("{k}: "), bold).string(v.clone()));
                }
            }
            Block::Table { headers, widths, rows } => {
                let mut table = TableLayout::new(widths.clone());
                table.set_cell_decorator(FrameCellDecorator::new(true, true, false));
                let mut head = table.row();
                for h in headers {
                    head.push_element(Paragraph::default().styled_string(h.clone(), bold.with_font_size(8)).padded(1));
                }
                head.push()?;
                for r in rows {
                    let mut row = table.row();
                    for cell in r {
                        row.push_element(Paragraph::new(cell.clone()).styled(Style::new().with_font_size(8)).padded(1));
                    }
                    row.push()?;
                }
                pdf.push(table);
            }
            Block::Signatures(signers) => {
                pdf.push(Break::new(0.5));
                pdf.push(Paragraph::new(doc.dated.clone()).aligned(Alignment::Right));
                let mut table = TableLayout::new(vec![1; signers.len().max(1)]);
                let mut row = table.row();
                for (role, name) in signers {
                    row.push_element(
                        LinearLayout::vertical()
                            .element(Paragraph::default().styled_string(role.clone(), bold).aligned(Alignment::Center))
                            .element(Paragraph::new("(Ký, ghi rõ họ tên)").aligned(Alignment::Center))
                            .element(Break::new(3))
                            .element(Paragraph::new(name.clone()).aligned(Alignment::Center)),
                    );
                }
                row.push()?;
                pdf.push(table);
            }
        }
    }
    let mut out = Vec::new();
    pdf.render(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_renders_to_a_pdf_with_the_embedded_font() {
        let doc = Doc {
            form_label: "Mẫu số 01".into(),
            paper: Paper::A5,
            agency: "ỦY BAN NHÂN DÂN PHƯỜNG HẠC THÀNH".into(),
            title: "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ".into(),
            code: Some(("000.17.22.H56-260302-0001".into(), "http://127.0.0.1/tra-cuu.html?ma=1".into())),
            blocks: vec![
                Block::Paragraph("Người nộp: Nguyễn Văn An — đường Lê Lợi, Thanh Hóa".into()),
                Block::Table {
                    headers: vec!["TT".into(), "Tên giấy tờ".into()],
                    widths: vec![1, 5],
                    rows: vec![vec!["1".into(), "Tờ khai đăng ký khai sinh".into()]],
                },
                Block::Signatures(vec![("NGƯỜI TIẾP NHẬN".into(), "Lê Thị Hoa".into())]),
            ],
            dated: "Thanh Hóa, ngày 02 tháng 03 năm 2026".into(),
        };
        let bytes = render(&doc).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("FontFile2"), "the TrueType font is embedded");
        assert!(text.contains("DejaVuSerif"));
    }
}
