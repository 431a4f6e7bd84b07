//! The records of `DongBoHoSoMC` (a dossier) and `CapNhatTienDoHoSoMC` (a progress step), field
//! for field as national-connections §2 names them. Codes are numbers, times `yyyyMMddHHmmss`
//! (empty when not yet known), texts as they are.

use serde::{Deserialize, Serialize};

/// One dossier as the national portal holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DossierRecord {
    pub ma_ho_so: String,
    #[serde(rename = "MaTTHC")]
    pub ma_tthc: String,
    #[serde(rename = "TenTTHC")]
    pub ten_tthc: String,
    pub ma_linh_vuc: String,
    pub ten_linh_vuc: String,
    /// 1 in person, 2 online, 3 post.
    pub kenh_thuc_hien: u8,
    pub chu_ho_so: String,
    pub so_giay_to_chu_ho_so: String,
    /// 0 citizen, 1 business.
    pub loai_doi_tuong: u8,
    pub ma_doi_tuong: String,
    pub email: String,
    pub so_dien_thoai: String,
    pub trich_yeu_ho_so: String,
    pub ngay_nop_ho_so: String,
    pub ngay_tiep_nhan: String,
    pub ngay_hen_tra: String,
    pub ngay_tu_choi: String,
    /// National status code 1–10.
    pub trang_thai_ho_so: u8,
    pub ngay_ket_thuc_xu_ly: String,
    pub ngay_tra: String,
    pub thong_tin_tra: String,
    /// How the result is returned: 0 at the agency, 1 by post, 2 online.
    pub hinh_thuc: u8,
    pub don_vi_xu_ly: String,
    /// Where it was filed: 1 at the agency (counter or post), 2 the province's portal, 3 the
    /// national portal.
    pub noi_nop_ho_so: u8,
    pub ho_so_co_thanh_phan_so_hoa: u8,
    #[serde(rename = "TaiKhoanDuocXacThucVoiVNeID")]
    pub tai_khoan_duoc_xac_thuc_voi_vneid: u8,
    /// 0 not paid online, 1 paid on the national portal, 2 through the province's gateway.
    pub duoc_thanh_toan_truc_tuyen: u8,
    #[serde(rename = "DinhDanhCHS")]
    pub dinh_danh_chs: Vec<Identifier>,
    #[serde(rename = "DSKetNoiCSDL")]
    pub ds_ket_noi_csdl: Vec<RegistryLink>,
    pub tai_lieu_nop: Vec<SubmittedDocument>,
    pub danh_sach_giay_to_ket_qua: Vec<ResultDocument>,
    pub danh_sach_ho_so_bo_sung: Vec<AppointmentChange>,
    pub danh_sach_le_phi: Vec<FeeLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Identifier {
    /// 1 personal identification number, 2 enterprise code.
    pub loai_dinh_danh: u8,
    pub so_dinh_danh: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegistryLink {
    #[serde(rename = "MaCSDL")]
    pub ma_csdl: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubmittedDocument {
    pub ma_thanh_phan_ho_so: String,
    pub duong_dan_tai_tep_tin: String,
    pub duoc_so_hoa: u8,
    pub duoc_tai_su_dung: u8,
    #[serde(rename = "DuocLayTuKhoDMQG")]
    pub duoc_lay_tu_kho_dmqg: u8,
    pub ma_ket_qua_thay_the: String,
    pub is_deleted: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResultDocument {
    pub ma_giay_to_ket_qua: String,
    pub duong_dan_tep_tin_ket_qua: String,
    pub ma_thanh_phan_ho_so: String,
}

/// A change of the appointment (an apology with a new date) or a supplement round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AppointmentChange {
    pub ngay_hen_tra_truoc: String,
    pub ngay_hen_tra_moi: String,
    /// What was asked or why (our addition, kept beside the spec's two dates).
    pub noi_dung: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FeeLine {
    pub ma_phi_le_phi: String,
    pub hinh_thuc_thu: String,
    pub gia: u64,
    /// 1 fee (phí), 2 charge (lệ phí).
    pub loai_phi_le_phi: u8,
}

/// One progress step of a dossier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProgressRecord {
    /// Which dossier (the portal's key for the step).
    pub ma_ho_so: String,
    pub nguoi_xu_ly: String,
    pub chuc_danh: String,
    pub phong_ban_xu_ly: String,
    pub thoi_diem_xu_ly: String,
    pub noi_dung_xu_ly: String,
    /// National status code after the step.
    pub trang_thai: u8,
    pub ngay_bat_dau: String,
    pub ngay_ket_thuc_theo_quy_dinh: String,
}
