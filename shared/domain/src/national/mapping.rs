//! How one of our dossiers becomes the national portal's records: one function per record,
//! one line per field, so that each field's rule is read and tested in one place.

use super::record::*;
use super::wire_time;
use crate::dossier::{AttachedFile, Dossier, ReturnMethod, Status};

/// What the mapping needs beyond the dossier.
pub struct MappingContext<'a> {
    /// Name of the dossier's field (`TenLinhVuc`).
    pub field_name: String,
    /// The link the portal fetches a file from (`DuongDanTaiTepTin`): signed by the core.
    pub file_url: &'a (dyn Fn(&Dossier, &AttachedFile) -> String + Sync),
}

/// The key under which the portal knows the dossier: the portal's own code for a dossier filed
/// there, else our code. `None` before a code is given (nothing to sync yet).
pub fn portal_key(d: &Dossier) -> Option<String> {
    d.portal_code.clone().or_else(|| d.code.as_ref().map(ToString::to_string))
}

fn flag(b: bool) -> u8 {
    u8::from(b)
}

/// `LoaiDoiTuong`: 1 when the applicant is a business (has an enterprise code), else 0.
fn applicant_type(d: &Dossier) -> u8 {
    flag(d.applicant.business_code.as_deref().is_some_and(|c| !c.trim().is_empty()))
}

/// The applicant's identifier: the personal identification number, else the enterprise code.
fn identifiers(d: &Dossier) -> Vec<Identifier> {
    let mut ids = vec![];
    if let Some(n) = d.applicant.id_number.clone().filter(|n| !n.is_empty()) {
        ids.push(Identifier { loai_dinh_danh: 1, so_dinh_danh: n });
    }
    if let Some(c) = d.applicant.business_code.clone().filter(|c| !c.trim().is_empty()) {
        ids.push(Identifier { loai_dinh_danh: 2, so_dinh_danh: c });
    }
    ids
}

fn refused_at(d: &Dossier) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    d.history.iter().rev().find(|s| s.to == Status::Refused).map(|s| s.at)
}

fn return_method(d: &Dossier) -> u8 {
    match d.delivery.as_ref().map(|x| x.method) {
        Some(ReturnMethod::Post) => 1,
        Some(ReturnMethod::Online) => 2,
        Some(ReturnMethod::Counter) | None => 0,
    }
}

fn return_info(d: &Dossier) -> String {
    let Some(x) = &d.delivery else { return String::new() };
    let mut s = x.method.label().to_string();
    if let Some(t) = &x.tracking_number {
        s.push_str(&format!(" — mã bưu gửi {t}"));
    }
    if let Some(a) = &x.address {
        s.push_str(&format!(" — {a}"));
    }
    s
}

fn filed_where(d: &Dossier) -> u8 {
    match (d.portal_code.is_some(), d.channel) {
        (true, _) => 3,
        (false, crate::dossier::Channel::Online) => 2,
        (false, _) => 1,
    }
}

fn paid_online(d: &Dossier) -> u8 {
    match d.payment.as_ref().and_then(|p| p.confirmed_at.and(p.method.as_deref())) {
        Some(m) if crate::text::fold(m).contains("truc tuyen") || m.contains("online") => 2,
        _ => 0,
    }
}

/// The national databases the dossier's data was read from (`DSKetNoiCSDL`).
fn registries(d: &Dossier) -> Vec<RegistryLink> {
    d.registry_use.iter().map(|r| RegistryLink { ma_csdl: r.registry.code().into() }).collect()
}

/// The files filed, then the documents a registry held instead of a file (`DuocTaiSuDung`).
fn documents(ctx: &MappingContext<'_>, d: &Dossier) -> Vec<SubmittedDocument> {
    let reused =
        d.registry_use.iter().flat_map(|r| &r.components).filter(|c| !d.components.iter().any(|f| &f.component == *c));
    let reused = reused.map(|c| SubmittedDocument {
        ma_thanh_phan_ho_so: c.clone(),
        duong_dan_tai_tep_tin: String::new(),
        duoc_so_hoa: 0,
        duoc_tai_su_dung: 1,
        duoc_lay_tu_kho_dmqg: 0,
        ma_ket_qua_thay_the: String::new(),
        is_deleted: 0,
    });
    d.components
        .iter()
        .map(|f| SubmittedDocument {
            ma_thanh_phan_ho_so: f.component.clone(),
            duong_dan_tai_tep_tin: (ctx.file_url)(d, f),
            duoc_so_hoa: flag(f.digitised),
            duoc_tai_su_dung: 0,
            duoc_lay_tu_kho_dmqg: 0,
            ma_ket_qua_thay_the: String::new(),
            is_deleted: 0,
        })
        .chain(reused)
        .collect()
}

fn results(ctx: &MappingContext<'_>, d: &Dossier) -> Vec<ResultDocument> {
    d.result
        .iter()
        .map(|f| ResultDocument {
            ma_giay_to_ket_qua: f.file_id.clone(),
            duong_dan_tep_tin_ket_qua: (ctx.file_url)(d, f),
            ma_thanh_phan_ho_so: f.component.clone(),
        })
        .collect()
}

/// Supplement rounds (asked, provided) and the apology's new appointment, oldest first.
fn appointment_changes(d: &Dossier) -> Vec<AppointmentChange> {
    let mut changes: Vec<(chrono::DateTime<chrono::FixedOffset>, AppointmentChange)> = d
        .supplements
        .iter()
        .map(|s| {
            let asked: Vec<String> = s.items.iter().map(|i| format!("{}: {}", i.component, i.reason)).collect();
            (
                s.requested_at,
                AppointmentChange {
                    ngay_hen_tra_truoc: wire_time(Some(s.requested_at)),
                    ngay_hen_tra_moi: wire_time(s.provided_at),
                    noi_dung: format!("Yêu cầu bổ sung lần {}: {}", s.number, asked.join("; ")),
                },
            )
        })
        .collect();
    if let Some(a) = &d.apology {
        changes.push((
            a.at,
            AppointmentChange {
                ngay_hen_tra_truoc: wire_time(Some(a.previous_appointment)),
                ngay_hen_tra_moi: wire_time(Some(a.new_appointment)),
                noi_dung: format!("Xin lỗi và hẹn lại ngày trả kết quả: {}", a.reason),
            },
        ));
    }
    changes.sort_by_key(|(at, _)| *at);
    changes.into_iter().map(|(_, c)| c).collect()
}

fn fees(d: &Dossier) -> Vec<FeeLine> {
    d.payment
        .iter()
        .map(|p| FeeLine {
            ma_phi_le_phi: "LEPHI".into(),
            hinh_thuc_thu: p.method.clone().unwrap_or_default(),
            gia: p.amount_vnd,
            loai_phi_le_phi: 2,
        })
        .collect()
}

/// The `DongBoHoSoMC` record of a dossier; `None` while it has no code the portal can key.
pub fn dossier_record(d: &Dossier, ctx: &MappingContext<'_>) -> Option<DossierRecord> {
    let a = &d.applicant;
    Some(DossierRecord {
        ma_ho_so: portal_key(d)?,
        ma_tthc: d.procedure_code.to_string(),
        ten_tthc: d.procedure_name.clone(),
        ma_linh_vuc: d.field.clone(),
        ten_linh_vuc: ctx.field_name.clone(),
        kenh_thuc_hien: d.channel.national_code(),
        chu_ho_so: a.full_name.clone(),
        so_giay_to_chu_ho_so: identifiers(d).first().map(|i| i.so_dinh_danh.clone()).unwrap_or_default(),
        loai_doi_tuong: applicant_type(d),
        ma_doi_tuong: identifiers(d).last().map(|i| i.so_dinh_danh.clone()).unwrap_or_default(),
        email: a.email.clone().unwrap_or_default(),
        so_dien_thoai: a.phone.clone().unwrap_or_default(),
        trich_yeu_ho_so: format!("{} — {}", d.procedure_name, a.full_name),
        ngay_nop_ho_so: wire_time(d.submitted_at),
        ngay_tiep_nhan: wire_time(d.accepted_at),
        ngay_hen_tra: wire_time(d.appointment),
        ngay_tu_choi: wire_time(refused_at(d)),
        trang_thai_ho_so: d.status.national_code().unwrap_or(1),
        ngay_ket_thuc_xu_ly: wire_time(d.finished_at),
        ngay_tra: wire_time(d.returned_at),
        thong_tin_tra: return_info(d),
        hinh_thuc: return_method(d),
        don_vi_xu_ly: d.agency.to_string(),
        noi_nop_ho_so: filed_where(d),
        ho_so_co_thanh_phan_so_hoa: flag(d.components.iter().any(|f| f.digitised)),
        tai_khoan_duoc_xac_thuc_voi_vneid: 0,
        duoc_thanh_toan_truc_tuyen: paid_online(d),
        dinh_danh_chs: identifiers(d),
        ds_ket_noi_csdl: registries(d),
        tai_lieu_nop: documents(ctx, d),
        danh_sach_giay_to_ket_qua: results(ctx, d),
        danh_sach_ho_so_bo_sung: appointment_changes(d),
        danh_sach_le_phi: fees(d),
    })
}

/// The `CapNhatTienDoHoSoMC` records of the dossier's steps from `from` (index in its
/// history) on, in order. The step's label is what the portal shows; officers' notes stay here.
pub fn progress_records(d: &Dossier, from: usize) -> Vec<ProgressRecord> {
    let Some(key) = portal_key(d) else { return vec![] };
    d.history
        .iter()
        .enumerate()
        .skip(from)
        .map(|(i, s)| ProgressRecord {
            ma_ho_so: key.clone(),
            nguoi_xu_ly: s.actor_name.clone(),
            chuc_danh: s.role.label().to_string(),
            phong_ban_xu_ly: s.unit.as_ref().map_or_else(|| d.agency_name.clone(), ToString::to_string),
            thoi_diem_xu_ly: wire_time(Some(s.at)),
            noi_dung_xu_ly: s.label.clone(),
            trang_thai: s.national_status.or(s.to.national_code()).unwrap_or(1),
            ngay_bat_dau: wire_time(Some(i.checked_sub(1).map_or(s.at, |p| d.history[p].at))),
            ngay_ket_thuc_theo_quy_dinh: wire_time(d.appointment),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::vn_offset;
    use crate::dossier::*;
    use crate::profile::Profile;
    use crate::roles::Role;
    use chrono::TimeZone;
    use serde_json::json;

    fn at(d: u32, h: u32) -> chrono::DateTime<chrono::FixedOffset> {
        vn_offset().with_ymd_and_hms(2026, 6, d, h, 5, 9).unwrap()
    }

    fn link(d: &Dossier, f: &AttachedFile) -> String {
        format!("https://dichvucong.example.gov.vn/tep/{}/{}", d.id, f.file_id)
    }

    fn ctx() -> MappingContext<'static> {
        MappingContext { field_name: "Hộ tịch".into(), file_url: &link }
    }

    fn file(id: &str, component: &str, digitised: bool) -> AttachedFile {
        AttachedFile {
            file_id: id.into(),
            component: component.into(),
            filename: format!("{id}.pdf"),
            content_type: "application/pdf".into(),
            size: 10,
            sha256: "00".into(),
            object_key: format!("k/{id}"),
            uploaded_at: at(1, 8),
            digitised,
            signature: None,
        }
    }

    fn step(action: Action, to: Status, when: chrono::DateTime<chrono::FixedOffset>) -> Step {
        Step {
            action,
            label: format!("Bước {}", action.name()),
            from: Status::Draft,
            to,
            national_status: to.national_code(),
            actor: "u1".into(),
            actor_name: "Nguyễn Văn Cán Bộ".into(),
            role: Role::ReceivingOfficer,
            unit: None,
            at: when,
            counted_from: None,
            status_label: to.label().into(),
            note: Some("ghi chú nội bộ".into()),
            handover: None,
        }
    }

    fn accepted() -> Dossier {
        let procedure: crate::catalogue::Procedure = serde_json::from_value(json!({
            "code": "1.001193", "name": "Đăng ký khai sinh", "field": "HT", "agency": "000.17.22.H56",
            "level": "full", "audience": ["citizen"], "statutory_time": {"unit": "working_days", "value": 3},
            "fees": [], "components": [], "result": {"name": "Giấy khai sinh", "kind": "both"},
            "form": [], "steps": [], "legal_basis": []
        }))
        .unwrap();
        let applicant = Profile {
            full_name: "Trần Thị Hà".into(),
            id_number: Some("001190000001".into()),
            email: Some("ha@example.vn".into()),
            phone: Some("0912345678".into()),
            ..Profile::default()
        };
        let mut d = Dossier::draft(
            "d1".into(),
            &procedure,
            "UBND phường Phúc Xá".into(),
            "c1".into(),
            applicant,
            Channel::Online,
            Default::default(),
            at(1, 8),
        );
        d.code = Some("000.17.22.H56-260601-0001".into());
        d.status = Status::Processing;
        d.submitted_at = Some(at(1, 8));
        d.accepted_at = Some(at(1, 9));
        d.appointment = Some(at(4, 17));
        d.components = vec![file("f1", "to-khai", false), file("f2", "giay-chung-sinh", true)];
        d.history =
            vec![step(Action::Submit, Status::Submitted, at(1, 8)), step(Action::Accept, Status::Accepted, at(1, 9))];
        d
    }

    fn record(d: &Dossier) -> DossierRecord {
        dossier_record(d, &ctx()).expect("coded dossier maps")
    }

    #[test]
    fn registry_data_is_listed_with_the_documents_it_spared() {
        let mut d = accepted();
        assert!(record(&d).ds_ket_noi_csdl.is_empty());
        d.registry_use = Some(crate::registry::RegistryUse {
            registry: crate::registry::Registry::Population,
            registry_name: "Cơ sở dữ liệu quốc gia về dân cư".into(),
            consent_id: "c1.x".into(),
            read_at: at(1, 8),
            values: Default::default(),
            components: vec!["giay-to-tuy-than".into(), "giay-chung-sinh".into()],
        });
        let r = record(&d);
        assert_eq!(r.ds_ket_noi_csdl, vec![RegistryLink { ma_csdl: "CSDLQGVDC".into() }]);
        let reused: Vec<_> = r.tai_lieu_nop.iter().filter(|t| t.duoc_tai_su_dung == 1).collect();
        assert_eq!(reused.len(), 1, "a document also uploaded is not listed twice");
        assert_eq!(
            (reused[0].ma_thanh_phan_ho_so.as_str(), reused[0].duong_dan_tai_tep_tin.as_str()),
            ("giay-to-tuy-than", "")
        );
    }

    #[test]
    fn no_record_before_a_code() {
        let mut d = accepted();
        d.code = None;
        assert!(dossier_record(&d, &ctx()).is_none());
        assert!(progress_records(&d, 0).is_empty());
    }

    #[test]
    fn key_is_the_portals_code_for_a_dossier_filed_there() {
        let mut d = accepted();
        assert_eq!(record(&d).ma_ho_so, "000.17.22.H56-260601-0001");
        assert_eq!(record(&d).noi_nop_ho_so, 2);
        d.portal_code = Some("G22.99-260601-0000042".into());
        assert_eq!(record(&d).ma_ho_so, "G22.99-260601-0000042");
        assert_eq!(record(&d).noi_nop_ho_so, 3);
        d.channel = Channel::InPerson;
        d.portal_code = None;
        assert_eq!(record(&d).noi_nop_ho_so, 1);
    }

    #[test]
    fn procedure_field_and_agency() {
        let r = record(&accepted());
        assert_eq!((r.ma_tthc.as_str(), r.ten_tthc.as_str()), ("1.001193", "Đăng ký khai sinh"));
        assert_eq!((r.ma_linh_vuc.as_str(), r.ten_linh_vuc.as_str()), ("HT", "Hộ tịch"));
        assert_eq!(r.don_vi_xu_ly, "000.17.22.H56");
        assert_eq!(r.trich_yeu_ho_so, "Đăng ký khai sinh — Trần Thị Hà");
    }

    #[test]
    fn channel_and_status_use_the_national_codes() {
        let mut d = accepted();
        assert_eq!((record(&d).kenh_thuc_hien, record(&d).trang_thai_ho_so), (2, 4));
        d.channel = Channel::Post;
        d.status = Status::Returned;
        assert_eq!((record(&d).kenh_thuc_hien, record(&d).trang_thai_ho_so), (3, 10));
    }

    #[test]
    fn applicant_identity_and_contact() {
        let mut d = accepted();
        let r = record(&d);
        assert_eq!(r.chu_ho_so, "Trần Thị Hà");
        assert_eq!((r.so_giay_to_chu_ho_so.as_str(), r.loai_doi_tuong), ("001190000001", 0));
        assert_eq!(r.dinh_danh_chs, vec![Identifier { loai_dinh_danh: 1, so_dinh_danh: "001190000001".into() }]);
        assert_eq!((r.email.as_str(), r.so_dien_thoai.as_str()), ("ha@example.vn", "0912345678"));
        d.applicant.business_code = Some("0101234567".into());
        let r = record(&d);
        assert_eq!((r.loai_doi_tuong, r.ma_doi_tuong.as_str()), (1, "0101234567"));
        assert_eq!(r.dinh_danh_chs.len(), 2);
    }

    #[test]
    fn times_are_vietnam_time_to_the_second() {
        let mut d = accepted();
        let r = record(&d);
        assert_eq!(r.ngay_nop_ho_so, "20260601080509");
        assert_eq!(r.ngay_tiep_nhan, "20260601090509");
        assert_eq!(r.ngay_hen_tra, "20260604170509");
        assert_eq!((r.ngay_tu_choi.as_str(), r.ngay_ket_thuc_xu_ly.as_str(), r.ngay_tra.as_str()), ("", "", ""));
        // Stored in another offset, still written in Vietnam time.
        d.finished_at = Some(at(3, 10).with_timezone(&chrono::FixedOffset::east_opt(0).unwrap()));
        d.returned_at = Some(at(3, 11));
        assert_eq!(
            (record(&d).ngay_ket_thuc_xu_ly.as_str(), record(&d).ngay_tra.as_str()),
            ("20260603100509", "20260603110509")
        );
    }

    #[test]
    fn refusal_time_comes_from_the_history() {
        let mut d = accepted();
        d.history.push(step(Action::Refuse, Status::Refused, at(2, 14)));
        assert_eq!(record(&d).ngay_tu_choi, "20260602140509");
    }

    #[test]
    fn submitted_documents_link_to_this_system_and_say_what_was_digitised() {
        let r = record(&accepted());
        assert_eq!(r.tai_lieu_nop.len(), 2);
        assert_eq!(r.tai_lieu_nop[0].ma_thanh_phan_ho_so, "to-khai");
        assert_eq!(r.tai_lieu_nop[0].duong_dan_tai_tep_tin, "https://dichvucong.example.gov.vn/tep/d1/f1");
        assert_eq!((r.tai_lieu_nop[0].duoc_so_hoa, r.tai_lieu_nop[1].duoc_so_hoa), (0, 1));
        assert_eq!(r.ho_so_co_thanh_phan_so_hoa, 1);
        assert!(r.tai_lieu_nop.iter().all(|t| t.is_deleted == 0 && t.duoc_tai_su_dung == 0));
    }

    #[test]
    fn result_documents_and_return() {
        let mut d = accepted();
        assert!(record(&d).danh_sach_giay_to_ket_qua.is_empty());
        assert_eq!((record(&d).hinh_thuc, record(&d).thong_tin_tra.as_str()), (0, ""));
        d.result = Some(file("kq", "ket-qua", false));
        d.delivery =
            Some(Delivery { method: ReturnMethod::Post, tracking_number: Some("EB123456789VN".into()), address: None });
        let r = record(&d);
        assert_eq!(r.danh_sach_giay_to_ket_qua[0].ma_giay_to_ket_qua, "kq");
        assert!(r.danh_sach_giay_to_ket_qua[0].duong_dan_tep_tin_ket_qua.ends_with("/d1/kq"));
        assert_eq!(r.hinh_thuc, 1);
        assert!(r.thong_tin_tra.contains("EB123456789VN"));
    }

    #[test]
    fn supplements_and_apology_are_the_appointment_history() {
        let mut d = accepted();
        let by = Person { id: "u".into(), name: "Cán bộ".into() };
        d.supplements.push(SupplementRequest {
            number: 1,
            items: vec![SupplementItem { component: "to-khai".into(), reason: "Thiếu chữ ký".into() }],
            note: None,
            requested_at: at(2, 9),
            requested_by: by.clone(),
            at_reception: false,
            provided_at: Some(at(3, 9)),
        });
        d.apology = Some(Apology {
            reason: "Chờ xác minh".into(),
            previous_appointment: at(4, 17),
            new_appointment: at(8, 17),
            at: at(4, 10),
            by,
        });
        let r = record(&d).danh_sach_ho_so_bo_sung;
        assert_eq!(r.len(), 2);
        assert!(r[0].noi_dung.contains("Thiếu chữ ký"));
        assert_eq!(
            (r[1].ngay_hen_tra_truoc.as_str(), r[1].ngay_hen_tra_moi.as_str()),
            ("20260604170509", "20260608170509")
        );
    }

    #[test]
    fn fees_and_online_payment() {
        let mut d = accepted();
        assert!(record(&d).danh_sach_le_phi.is_empty());
        d.payment = Some(Payment {
            amount_vnd: 50_000,
            description: "Lệ phí".into(),
            requested_at: at(2, 9),
            confirmed_at: Some(at(2, 10)),
            method: Some("Thanh toán trực tuyến".into()),
        });
        let r = record(&d);
        assert_eq!(r.danh_sach_le_phi[0].gia, 50_000);
        assert_eq!(r.duoc_thanh_toan_truc_tuyen, 2);
        d.payment.as_mut().unwrap().method = Some("Tiền mặt".into());
        assert_eq!(record(&d).duoc_thanh_toan_truc_tuyen, 0);
    }

    #[test]
    fn wire_names_are_the_specs() {
        let v = serde_json::to_value(record(&accepted())).unwrap();
        for name in [
            "MaHoSo",
            "MaTTHC",
            "TenTTHC",
            "MaLinhVuc",
            "TenLinhVuc",
            "KenhThucHien",
            "ChuHoSo",
            "SoGiayToChuHoSo",
            "LoaiDoiTuong",
            "MaDoiTuong",
            "Email",
            "SoDienThoai",
            "TrichYeuHoSo",
            "NgayNopHoSo",
            "NgayTiepNhan",
            "NgayHenTra",
            "NgayTuChoi",
            "TrangThaiHoSo",
            "NgayKetThucXuLy",
            "NgayTra",
            "ThongTinTra",
            "HinhThuc",
            "DonViXuLy",
            "NoiNopHoSo",
            "HoSoCoThanhPhanSoHoa",
            "TaiKhoanDuocXacThucVoiVNeID",
            "DuocThanhToanTrucTuyen",
            "DinhDanhCHS",
            "DSKetNoiCSDL",
            "TaiLieuNop",
            "DanhSachGiayToKetQua",
            "DanhSachHoSoBoSung",
            "DanhSachLePhi",
        ] {
            assert!(v.get(name).is_some(), "{name} missing");
        }
        let doc = &v["TaiLieuNop"][0];
        for name in [
            "MaThanhPhanHoSo",
            "DuongDanTaiTepTin",
            "DuocSoHoa",
            "DuocTaiSuDung",
            "DuocLayTuKhoDMQG",
            "MaKetQuaThayThe",
            "IsDeleted",
        ] {
            assert!(doc.get(name).is_some(), "TaiLieuNop.{name} missing");
        }
        let p = serde_json::to_value(&progress_records(&accepted(), 0)[0]).unwrap();
        for name in [
            "NguoiXuLy",
            "ChucDanh",
            "PhongBanXuLy",
            "ThoiDiemXuLy",
            "NoiDungXuLy",
            "TrangThai",
            "NgayBatDau",
            "NgayKetThucTheoQuyDinh",
        ] {
            assert!(p.get(name).is_some(), "progress {name} missing");
        }
    }

    #[test]
    fn progress_steps_from_an_index_in_order_without_internal_notes() {
        let d = accepted();
        let all = progress_records(&d, 0);
        assert_eq!(all.len(), 2);
        assert_eq!((all[0].trang_thai, all[1].trang_thai), (1, 2));
        assert_eq!(all[1].thoi_diem_xu_ly, "20260601090509");
        assert_eq!(all[1].ngay_bat_dau, "20260601080509");
        assert_eq!(all[1].chuc_danh, "Cán bộ tiếp nhận");
        assert!(all.iter().all(|p| !p.noi_dung_xu_ly.contains("nội bộ")));
        assert_eq!(all[1].phong_ban_xu_ly, "UBND phường Phúc Xá");
        assert_eq!(progress_records(&d, 1), all[1..].to_vec());
        assert!(progress_records(&d, 2).is_empty());
    }
}
