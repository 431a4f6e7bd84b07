//! HTML rendering of a form: one self-contained page (inline CSS, inline SVG QR code), sized
//! for printing on A5 (forms 01–05) or A4 landscape (06).

use crate::{qr_modules, Block, Doc, Paper};

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The QR code as an inline SVG (one path, crisp at any zoom).
fn qr_svg(url: &str, label: &str) -> String {
    let (w, m) = qr_modules(url);
    let mut d = String::new();
    for y in 0..w {
        for x in 0..w {
            if m[y * w + x] {
                d.push_str(&format!("M{} {}h1v1h-1z", x + 4, y + 4));
            }
        }
    }
    let size = w + 8;
    format!(
        r##"<svg class="qr" role="img" aria-label="{}" viewBox="0 0 {size} {size}" xmlns="http://www.w3.org/2000/svg"><rect width="{size}" height="{size}" fill="#fff"/><path d="{d}" fill="#000"/></svg>"##,
        esc(label)
    )
}

pub fn render(doc: &Doc) -> String {
    let page = match doc.paper {
        Paper::A5 => "A5 portrait",
        Paper::A4Landscape => "A4 landscape",
    };
    let width = match doc.paper {
        Paper::A5 => "148mm",
        Paper::A4Landscape => "297mm",
    };
    let mut body = String::new();
    body.push_str(&format!(
        r#"<header><div class="agency">{}</div><div class="motto"><strong>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</strong><br><span>Độc lập - Tự do - Hạnh phúc</span></div></header>"#,
        esc(&doc.agency)
    ));
    body.push_str(&format!(r#"<p class="form-label">{}</p>"#, esc(&doc.form_label)));
    if let Some((code, url)) = &doc.code {
        body.push_str(&format!(
            r#"<div class="code">{}<p>Mã hồ sơ: <strong>{}</strong><br><small>Quét mã để tra cứu: {}</small></p></div>"#,
            qr_svg(url, &format!("Mã QR tra cứu hồ sơ {code}")),
            esc(code),
            esc(url)
        ));
    }
    body.push_str(&format!("<h1>{}</h1>", esc(&doc.title)));
    for block in &doc.blocks {
        match block {
            Block::Paragraph(p) => body.push_str(&format!("<p>{}</p>", esc(p))),
            Block::Fields(fields) => {
                body.push_str("<dl>");
                for (k, v) in fields {
                    body.push_str(&format!("<dt>{}:</dt><dd>{}</dd>", esc(k), esc(v)));
                }
                body.push_str("</dl>");
            }
            Block::Table { headers, widths, rows } => {
                let total: usize = widths.iter().sum::<usize>().max(1);
                body.push_str("<table><colgroup>");
                for w in widths {
                    body.push_str(&format!(r#"<col style="width:{}%">"#, w * 100 / total));
                }
                body.push_str("</colgroup><thead><tr>");
                for h in headers {
                    body.push_str(&format!(r#"<th scope="col">{}</th>"#, esc(h)));
                }
                body.push_str("</tr></thead><tbody>");
                if rows.is_empty() {
                    body.push_str(&format!(r#"<tr><td colspan="{}">Không có</td></tr>"#, headers.len()));
                }
                for row in rows {
                    body.push_str("<tr>");
                    for cell in row {
                        body.push_str(&format!("<td>{}</td>", esc(cell)));
                    }
                    body.push_str("</tr>");
                }
                body.push_str("</tbody></table>");
            }
            Block::Signatures(signers) => {
                body.push_str(&format!(r#"<p class="dated">{}</p><div class="signatures">"#, esc(&doc.dated)));
                for (role, name) in signers {
                    body.push_str(&format!(
                        r#"<div><strong>{}</strong><br><em>(Ký, ghi rõ họ tên)</em><br><br><br>{}</div>"#,
                        esc(role),
                        esc(name)
                    ));
                }
                body.push_str("</div>");
            }
        }
    }
    format!(
        r#"<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — {label}</title>
<style>
@page {{ size: {page}; margin: 10mm; }}
body {{ font: 12pt/1.4 "Times New Roman", "DejaVu Serif", serif; color: #000; background: #fff; margin: 0 auto; max-width: {width}; padding: 8mm; }}
header {{ display: flex; justify-content: space-between; gap: 1rem; text-align: center; font-size: 10.5pt; }}
.agency {{ font-weight: bold; max-width: 45%; }}
.form-label {{ text-align: right; font-style: italic; margin: .25rem 0; }}
h1 {{ font-size: 13pt; text-align: center; margin: .75rem 0; }}
.code {{ display: flex; align-items: center; gap: .75rem; }}
.qr {{ width: 28mm; height: 28mm; flex: none; }}
dl {{ display: grid; grid-template-columns: max-content 1fr; gap: .1rem .5rem; margin: .5rem 0; }}
dt {{ font-weight: bold; }} dd {{ margin: 0; }}
table {{ width: 100%; border-collapse: collapse; margin: .5rem 0; font-size: 10.5pt; }}
th, td {{ border: 1px solid #000; padding: 2px 4px; vertical-align: top; text-align: left; }}
.dated {{ text-align: right; font-style: italic; }}
.signatures {{ display: flex; justify-content: space-around; text-align: center; gap: 1rem; }}
@media print {{ body {{ padding: 0; }} }}
</style></head>
<body><main>{body}</main></body></html>
"#,
        title = esc(&doc.title),
        label = esc(&doc.form_label),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_the_qr_code_is_inline() {
        let doc = Doc {
            form_label: "Mẫu số 01".into(),
            paper: Paper::A5,
            agency: "UBND PHƯỜNG <HẠC THÀNH>".into(),
            title: "GIẤY TIẾP NHẬN".into(),
            code: Some(("000.17.22.H56-260302-0001".into(), "http://x/tra-cuu.html?ma=1".into())),
            blocks: vec![Block::Paragraph("a & b".into())],
            dated: "Thanh Hóa, ngày 02 tháng 03 năm 2026".into(),
        };
        let html = render(&doc);
        assert!(html.contains("UBND PHƯỜNG &lt;HẠC THÀNH&gt;"));
        assert!(html.contains("<p>a &amp; b</p>"));
        assert!(html.contains("<svg class=\"qr\""));
        assert!(html.contains("size: A5 portrait"));
    }
}
