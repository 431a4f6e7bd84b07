//! The content of each form, from the dossier's data (rules §4).

use crate::{Block, Doc, FormKind, Paper};
use chrono::{DateTime, FixedOffset};
use motcua_domain::catalogue::Procedure;
use motcua_domain::dossier::{Action, Dossier, Timing};
use motcua_domain::regime::Regime;

/// What a form needs beyond the dossier.
#[derive(Debug, Clone)]
pub struct FormContext<'a> {
    pub agency_name: String,
    pub agency_address: Option<String>,
    pub agency_phone: Option<String>,
    /// The procedure version the dossier was filed under (component names, fees, result).
    pub procedure: Option<&'a Procedure>,
    /// Public lookup page; the dossier code is appended as `?ma=<code>`.
    pub lookup_base: String,
    /// Place on the date line (`Thanh Hóa`).
    pub place: String,
    pub now: DateTime<FixedOffset>,
}

fn hm(t: DateTime<FixedOffset>) -> String {
    t.format("%H giờ %M phút, ngày %d/%m/%Y").to_string()
}

fn day(t: DateTime<FixedOffset>) -> String {
    t.format("%d/%m/%Y").to_string()
}

fn opt(t: Option<DateTime<FixedOffset>>) -> String {
    t.map(hm).unwrap_or_else(|| "—".into())
}

fn dated(ctx: &FormContext) -> String {
    format!("{}, ngày {} tháng {} năm {}", ctx.place, ctx.now.format("%d"), ctx.now.format("%m"), ctx.now.format("%Y"))
}

fn minutes(m: i64) -> String {
    let (h, min) = (m / 60, m % 60);
    if min == 0 {
        format!("{h} giờ")
    } else {
        format!("{h} giờ {min} phút")
    }
}

fn applicant_fields(d: &Dossier) -> Vec<(String, String)> {
    let a = &d.applicant;
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    vec![
        ("Người nộp hồ sơ".into(), a.full_name.clone()),
        ("Số định danh cá nhân".into(), dash(&a.id_number)),
        ("Địa chỉ".into(), dash(&a.address)),
        ("Số điện thoại".into(), dash(&a.phone)),
        ("Thư điện tử".into(), dash(&a.email)),
    ]
}

fn note_of(d: &Dossier, action: Action) -> String {
    d.history.iter().rev().find(|s| s.action == action).and_then(|s| s.note.clone()).unwrap_or_default()
}

fn officer_of(d: &Dossier, action: Action) -> String {
    d.history.iter().rev().find(|s| s.action == action).map(|s| s.actor_name.clone()).unwrap_or_default()
}

fn component_name(ctx: &FormContext, id: &str) -> String {
    ctx.procedure.and_then(|p| p.component(id)).map(|c| c.name.clone()).unwrap_or_else(|| id.to_string())
}

/// Builds form `kind` of dossier `d`.
pub fn build(kind: FormKind, d: &Dossier, ctx: &FormContext) -> Doc {
    let code = d.code.as_ref().map(|c| {
        let url = format!("{}?ma={c}", ctx.lookup_base);
        (c.to_string(), url)
    });
    let mut blocks = vec![];
    let procedure_line = format!("{} (mã {})", d.procedure_name, d.procedure_code);
    match kind {
        FormKind::Receipt => {
            blocks.push(Block::Paragraph(format!("{} tiếp nhận hồ sơ của:", ctx.agency_name)));
            blocks.push(Block::Fields(applicant_fields(d)));
            blocks.push(Block::Fields(vec![
                ("Nội dung yêu cầu giải quyết".into(), procedure_line),
                ("Kênh nộp".into(), channel(d)),
            ]));
            let rows: Vec<Vec<String>> = match ctx.procedure {
                Some(p) => p
                    .components
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let files = d.components.iter().filter(|f| f.component == c.id).count();
                        vec![
                            (i + 1).to_string(),
                            c.name.clone(),
                            c.copy_kind.label().to_string(),
                            if files > 0 { c.count.to_string() } else { "0".into() },
                        ]
                    })
                    .collect(),
                None => vec![],
            };
            blocks.push(Block::Paragraph("Thành phần hồ sơ nộp gồm:".into()));
            blocks.push(Block::Table {
                headers: vec!["TT".into(), "Tên giấy tờ".into(), "Bản chính / bản sao".into(), "Số lượng".into()],
                widths: vec![1, 8, 4, 2],
                rows,
            });
            let mut times = vec![
                ("Thời hạn giải quyết".into(), d.statutory_time.to_string()),
                ("Thời gian nhận hồ sơ".into(), opt(d.received_at)),
                ("Thời gian trả kết quả".into(), opt(d.appointment)),
            ];
            let place = ctx.agency_address.clone().map(|a| format!("{} — {a}", ctx.agency_name));
            times.push(("Nơi trả kết quả".into(), place.unwrap_or_else(|| ctx.agency_name.clone())));
            if let Some(p) = ctx.procedure {
                let fees: Vec<String> = p.fees.iter().map(|f| format!("{}: {} đồng", f.name, f.amount_vnd)).collect();
                let fees = if fees.is_empty() { "Không thu phí, lệ phí".into() } else { fees.join("; ") };
                times.push(("Phí, lệ phí".into(), fees));
            }
            if let Some(secret) = &d.receipt_secret {
                times.push(("Mã tra cứu (kèm mã hồ sơ)".into(), secret.clone()));
            }
            blocks.push(Block::Fields(times));
            blocks.push(Block::Paragraph(
                "Vào sổ theo dõi hồ sơ, Quyển số: 01, Số thứ tự: ".to_string()
                    + &d.register_number.map(|n| format!("{n:02}")).unwrap_or_else(|| "—".into()),
            ));
            blocks.push(Block::Signatures(vec![
                ("NGƯỜI NỘP HỒ SƠ".into(), d.applicant.full_name.clone()),
                ("NGƯỜI TIẾP NHẬN HỒ SƠ".into(), d.received_by.as_ref().map(|p| p.name.clone()).unwrap_or_default()),
            ]));
        }
        FormKind::SupplementRequest => {
            let request = d.supplements.last();
            blocks.push(Block::Paragraph(format!(
                "Ngày {}, {} tiếp nhận hồ sơ của ông/bà {} đề nghị giải quyết thủ tục: {}.",
                d.received_at.map(day).unwrap_or_default(),
                ctx.agency_name,
                d.applicant.full_name,
                procedure_line
            )));
            blocks.push(Block::Paragraph(
                "Sau khi xem xét, hồ sơ chưa đầy đủ, chưa hợp lệ. Đề nghị ông/bà bổ sung, hoàn thiện một lần các nội dung sau:"
                    .into(),
            ));
            let rows = request
                .map(|r| {
                    r.items
                        .iter()
                        .enumerate()
                        .map(|(i, it)| vec![(i + 1).to_string(), component_name(ctx, &it.component), it.reason.clone()])
                        .collect()
                })
                .unwrap_or_default();
            blocks.push(Block::Table {
                headers: vec!["TT".into(), "Giấy tờ cần bổ sung, hoàn thiện".into(), "Lý do".into()],
                widths: vec![1, 7, 7],
                rows,
            });
            if let Some(note) = request.and_then(|r| r.note.clone()) {
                blocks.push(Block::Paragraph(format!("Ghi chú: {note}")));
            }
            let officer = request.map(|r| r.requested_by.name.clone()).unwrap_or_default();
            let phone = ctx.agency_phone.clone().unwrap_or_else(|| "—".into());
            blocks.push(Block::Paragraph(format!(
                "Mọi vướng mắc xin liên hệ cán bộ {officer}, {}, điện thoại {phone}. Thời hạn giải quyết được tính lại từ đầu khi hồ sơ được bổ sung đầy đủ.",
                ctx.agency_name
            )));
            blocks.push(Block::Signatures(vec![("NGƯỜI HƯỚNG DẪN".into(), officer)]));
        }
        FormKind::Refusal => {
            blocks.push(Block::Paragraph(format!(
                "{} tiếp nhận hồ sơ của ông/bà {} đề nghị giải quyết thủ tục: {}.",
                ctx.agency_name, d.applicant.full_name, procedure_line
            )));
            blocks.push(Block::Paragraph(format!(
                "Căn cứ quy định, {} từ chối tiếp nhận giải quyết hồ sơ này với lý do: {}",
                ctx.agency_name,
                note_of(d, Action::Refuse)
            )));
            blocks.push(Block::Paragraph("Xin thông báo để ông/bà được biết và thực hiện.".into()));
            blocks.push(Block::Signatures(vec![("NGƯỜI TIẾP NHẬN HỒ SƠ".into(), officer_of(d, Action::Refuse))]));
        }
        FormKind::Apology => {
            let a = d.apology.as_ref();
            let extension = d.extensions.last();
            let previous = a.map(|a| a.previous_appointment).or(extension.map(|e| e.previous_appointment));
            let new = a.map(|a| a.new_appointment).or(extension.map(|e| e.requested_appointment));
            let reason = a.map(|a| a.reason.clone()).or(extension.map(|e| e.reason.clone())).unwrap_or_default();
            blocks.push(Block::Paragraph(format!("Kính gửi: ông/bà {}.", d.applicant.full_name)));
            blocks.push(Block::Paragraph(format!(
                "Ngày {}, {} tiếp nhận giải quyết hồ sơ mã số {}, thủ tục: {}. Thời gian hẹn trả kết quả: {}.",
                d.received_at.map(day).unwrap_or_default(),
                ctx.agency_name,
                d.code.as_deref().unwrap_or_default(),
                procedure_line,
                previous.map(hm).unwrap_or_default(),
            )));
            blocks.push(Block::Paragraph(format!("Đến nay hồ sơ chưa giải quyết xong. Lý do: {reason}")));
            let new = new.map(hm).unwrap_or_default();
            match (d.regime.extension_needs_approval(), extension.and_then(|e| e.decision.as_ref())) {
                (false, _) => blocks.push(Block::Paragraph(format!(
                    "Sự chậm trễ này đã gây phiền hà cho ông/bà. {} thành thật xin lỗi và hẹn trả kết quả vào {new}.",
                    ctx.agency_name
                ))),
                (true, decision) => {
                    blocks.push(Block::Paragraph(format!(
                        "{} thành thật xin lỗi ông/bà và đề nghị gia hạn thời gian giải quyết đến {new}.",
                        ctx.agency_name
                    )));
                    blocks.push(Block::Paragraph(match decision {
                        Some(dec) if dec.approved => format!(
                            "Ý kiến của người có thẩm quyền: đồng ý gia hạn ({}, ngày {}).",
                            dec.by.name,
                            day(dec.at)
                        ),
                        Some(dec) => format!(
                            "Ý kiến của người có thẩm quyền: không đồng ý gia hạn ({}, ngày {}).",
                            dec.by.name,
                            day(dec.at)
                        ),
                        None => "Ý kiến của người có thẩm quyền: đang chờ phê duyệt.".into(),
                    }));
                }
            }
            let signer = extension.and_then(|e| e.decision.as_ref()).map(|dec| dec.by.name.clone());
            blocks.push(Block::Signatures(vec![(
                "THỦ TRƯỞNG CƠ QUAN".into(),
                signer.or(a.map(|a| a.by.name.clone())).unwrap_or_default(),
            )]));
        }
        FormKind::StopNotice => {
            let stop = d.stop.as_ref();
            blocks.push(Block::Paragraph(format!("Kính gửi: ông/bà {}.", d.applicant.full_name)));
            blocks.push(Block::Paragraph(format!(
                "Ngày {}, {} tiếp nhận giải quyết hồ sơ mã số {}, thủ tục: {}.",
                d.received_at.map(day).unwrap_or_default(),
                ctx.agency_name,
                d.code.as_deref().unwrap_or_default(),
                procedure_line,
            )));
            let requested = match stop {
                Some(st) if st.requested_by_applicant => {
                    format!(
                        "Theo đề nghị dừng giải quyết (rút hồ sơ) của ông/bà ngày {}.",
                        st.requested_at.map(day).unwrap_or_default()
                    )
                }
                _ => "Theo quyết định của cơ quan có thẩm quyền giải quyết.".to_string(),
            };
            blocks.push(Block::Paragraph(requested));
            blocks.push(Block::Fields(vec![
                ("Giai đoạn đã giải quyết".into(), stop.map(|st| st.stage.clone()).unwrap_or_default()),
                ("Lý do dừng giải quyết".into(), stop.map(|st| st.reason.clone()).unwrap_or_default()),
                ("Thời điểm dừng".into(), opt(stop.map(|st| st.at))),
                (
                    "Phí, lệ phí đã nộp".into(),
                    match stop.map_or(0, |st| st.fees_paid_vnd) {
                        0 => "Chưa nộp".into(),
                        n => format!("{n} đồng"),
                    },
                ),
            ]));
            blocks.push(Block::Paragraph(format!(
                "{} thông báo dừng giải quyết hồ sơ nêu trên. Ông/bà được nhận lại hồ sơ đã nộp theo quy định.",
                ctx.agency_name
            )));
            blocks.push(Block::Signatures(vec![(
                "THỦ TRƯỞNG CƠ QUAN".into(),
                stop.map(|st| st.decided_by.name.clone()).unwrap_or_default(),
            )]));
        }
        FormKind::Register => {}
        FormKind::ControlSlip => {
            let mut units = vec![format!("Cơ quan chủ trì: {}", d.agency_name)];
            units.extend(d.parts.iter().map(|p| format!("Cơ quan phối hợp: {} — {}", p.agency_name, p.task)));
            blocks.push(Block::Fields(vec![
                ("Chủ hồ sơ".into(), d.applicant.full_name.clone()),
                ("Mã hồ sơ".into(), d.code.as_deref().unwrap_or_default().to_string()),
                ("Thủ tục".into(), procedure_line),
                ("Thời gian nhận hồ sơ".into(), opt(d.received_at)),
                ("Thời gian trả kết quả".into(), opt(d.appointment)),
                ("Cơ quan, đơn vị giải quyết".into(), units.join("; ")),
            ]));
            let rows = d
                .history
                .iter()
                .filter_map(|s| {
                    let h = s.handover.as_ref()?;
                    Some(vec![
                        format!("{} — {} ({})", h.step, s.actor_name, s.role.label()),
                        h.receiver.clone(),
                        hm(s.at),
                        format!("{} / {}", minutes(h.used_minutes), minutes(h.allowed_minutes)),
                        if h.on_time { "Đúng hạn".into() } else { "Quá hạn".into() },
                    ])
                })
                .collect();
            blocks.push(Block::Table {
                headers: vec![
                    "Bên giao".into(),
                    "Bên nhận".into(),
                    "Thời gian giao, nhận".into(),
                    "Thời gian dùng / cho phép".into(),
                    "Kết quả".into(),
                ],
                widths: vec![5, 4, 4, 3, 2],
                rows,
            });
            let result = match d.timing() {
                Some(Timing::Early) => "Trả kết quả trước hạn",
                Some(Timing::OnTime) => "Trả kết quả đúng hạn",
                Some(Timing::Late) => "Trả kết quả quá hạn",
                None => "Đang giải quyết",
            };
            blocks.push(Block::Paragraph(format!("Kết quả giải quyết: {result}.")));
        }
    }
    Doc {
        form_label: format!("Mẫu số {}", d.regime.form_number(kind).unwrap_or_default()),
        paper: Paper::A5,
        agency: ctx.agency_name.to_uppercase(),
        title: kind.title(d.regime).into(),
        code: if matches!(kind, FormKind::Receipt | FormKind::ControlSlip | FormKind::Apology) { code } else { None },
        blocks,
        dated: dated(ctx),
    }
}

fn channel(d: &Dossier) -> String {
    match d.channel.national_code() {
        1 => "Trực tiếp tại Bộ phận Một cửa",
        2 => "Trực tuyến qua Cổng Dịch vụ công",
        _ => "Qua dịch vụ bưu chính công ích",
    }
    .into()
}

/// The register of dossiers of a year (Form 06), one row per accepted dossier, numbered from
/// 01 in order of receipt.
pub fn register(year: i32, regime: Regime, dossiers: &[Dossier], ctx: &FormContext) -> Doc {
    let mut sorted: Vec<&Dossier> = dossiers.iter().filter(|d| d.register_number.is_some()).collect();
    sorted.sort_by_key(|d| d.register_number);
    let rows = sorted
        .iter()
        .map(|d| {
            let contact =
                [d.applicant.phone.clone(), d.applicant.address.clone()].into_iter().flatten().collect::<Vec<_>>();
            let mut notes = vec![];
            if d.apology.is_some() {
                notes.push("Đã xin lỗi, hẹn lại".to_string());
            }
            if let Some(delivery) = &d.delivery {
                notes.push(delivery.method.label().to_string());
            }
            vec![
                format!("{:02}", d.register_number.unwrap_or_default()),
                d.code.as_deref().unwrap_or_default().to_string(),
                d.procedure_name.clone(),
                format!("{} — {}", d.applicant.full_name, contact.join(", ")),
                opt(d.received_at),
                opt(d.appointment),
                opt(d.returned_at),
                d.received_by.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
                notes.join("; "),
            ]
        })
        .collect();
    Doc {
        form_label: format!("Mẫu số {}", regime.form_number(FormKind::Register).unwrap_or_default()),
        paper: Paper::A4Landscape,
        agency: ctx.agency_name.to_uppercase(),
        title: format!("{} NĂM {year}", FormKind::Register.title(regime)),
        code: None,
        blocks: vec![Block::Table {
            headers: [
                "Số thứ tự",
                "Mã hồ sơ",
                "Tên thủ tục",
                "Tổ chức, cá nhân (địa chỉ, điện thoại)",
                "Ngày nhận",
                "Ngày hẹn trả",
                "Ngày trả kết quả",
                "Cán bộ tiếp nhận",
                "Ghi chú",
            ]
            .map(String::from)
            .to_vec(),
            widths: vec![2, 5, 6, 6, 4, 4, 4, 4, 4],
            rows,
        }],
        dated: dated(ctx),
    }
}
