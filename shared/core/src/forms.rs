//! Printing the standard forms (rules §4, M9, R2): a dossier's forms, numbered as its regime
//! numbers them (2019: 01–05; 2025: 01–06), and the register of the year (2019: Form 06; 2025:
//! Form 07), as HTML for the browser's print dialog or as PDF, for the dossier's owner and the
//! staff of the agencies taking part.

use crate::access::ensure_visible;
use crate::store::load;
use crate::{catalogue, keys, Caller, CoreError, CoreResult, Services};
use motcua_domain::dossier::Dossier;
use motcua_domain::views::form_available;
use motcua_forms::{build, register as register_doc, Doc, FormContext, FormKind};
use motcua_ports::Index;

/// How a form is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    #[default]
    Html,
    Pdf,
}

/// A rendered form: its content type and bytes.
pub struct Rendered {
    pub content_type: &'static str,
    pub body: Vec<u8>,
    pub filename: String,
}

fn render(doc: &Doc, format: Format, name: &str) -> CoreResult<Rendered> {
    Ok(match format {
        Format::Html => Rendered {
            content_type: "text/html; charset=utf-8",
            body: motcua_forms::html::render(doc).into_bytes(),
            filename: format!("{name}.html"),
        },
        Format::Pdf => Rendered {
            content_type: "application/pdf",
            body: motcua_forms::pdf::render(doc).map_err(|e| CoreError::Internal(format!("PDF: {e}")))?,
            filename: format!("{name}.pdf"),
        },
    })
}

async fn context<'a>(
    s: &Services,
    agency_code: &str,
    procedure: Option<&'a motcua_domain::catalogue::Procedure>,
    origin: &str,
) -> CoreResult<FormContext<'a>> {
    let agency = catalogue::agency(s, agency_code).await?;
    Ok(FormContext {
        agency_name: agency.name,
        agency_address: agency.address,
        agency_phone: agency.phone,
        procedure,
        lookup_base: format!("{}/tra-cuu.html", origin.trim_end_matches('/')),
        place: "Thanh Hóa".into(),
        now: s.now(),
    })
}

/// Form `number` of a dossier, as its regime numbers them. `origin` is the portal's address,
/// for the QR code.
pub async fn form(
    s: &Services,
    caller: &Caller,
    id: &str,
    number: &str,
    format: Format,
    origin: &str,
) -> CoreResult<Rendered> {
    let d = load(s, id).await?;
    ensure_visible(caller, &d)?;
    let kind = d.regime.form(number).ok_or_else(|| CoreError::not_found("mẫu phiếu"))?;
    if kind == FormKind::Register {
        return Err(CoreError::rule(
            "form_not_available",
            "Sổ theo dõi hồ sơ in theo năm, tại mục Sổ theo dõi (GET /api/v1/register).",
        ));
    }
    if !form_available(kind, &d) {
        return Err(CoreError::rule(
            "form_not_available",
            format!("Hồ sơ chưa có “{}”.", kind.title(d.regime).to_lowercase()),
        ));
    }
    let procedure = catalogue::procedure_version(s, &d.procedure_code, d.procedure_version).await.ok();
    let ctx = context(s, &d.agency, procedure.as_ref(), origin).await?;
    let number = d.regime.form_number(kind).unwrap_or_default();
    let name = format!("mau-{number}-{}", d.code.as_deref().unwrap_or(&d.id));
    let mut rendered = render(&build(kind, &d, &ctx), format, &name)?;
    // An issued form, as PDF, carries the agency's signature (P16).
    if let (Format::Pdf, Some(signer)) = (format, s.connections.signing.as_ref()) {
        let reason = format!("{} — hồ sơ {}", kind.title(d.regime), d.code.as_deref().unwrap_or(&d.id));
        if let Some((signed, _)) = signer.sign(&d.agency, &d.agency_name, &rendered.body, &reason, s.now())? {
            rendered.body = signed;
        }
    }
    Ok(rendered)
}

/// The register of the caller's agency for `year` (Form 06; Form 07 under the 2025 regime).
pub async fn register(s: &Services, caller: &Caller, year: i32, format: Format, origin: &str) -> CoreResult<Rendered> {
    let agency = match (&caller.agency, caller.role.is_agency_staff()) {
        (Some(a), true) => a.clone(),
        _ => return Err(CoreError::Forbidden("Chỉ cán bộ của cơ quan xem sổ theo dõi hồ sơ.".into())),
    };
    if !(2000..=2199).contains(&year) {
        return Err(CoreError::invalid("invalid_year", "Năm không hợp lệ."));
    }
    let mut dossiers: Vec<Dossier> =
        keys::read_partition(s.table.as_ref(), Index::Gsi2, format!("AGENCY#{agency}")).await?;
    dossiers.retain(|d| d.received_at.is_some_and(|r| r.format("%Y").to_string() == year.to_string()));
    let ctx = context(s, &agency, None, origin).await?;
    let last_day = chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default().min(s.now().date_naive());
    let regime = s.regime_at(last_day);
    render(&register_doc(year, regime, &dossiers, &ctx), format, &format!("so-theo-doi-{year}"))
}
