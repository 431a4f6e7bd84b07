// The officer actions on a dossier (M2, M8): how the console asks for each one (its path,
// hint and form). Which actions the caller may take now, and the due state, come from the
// server (`allowed_actions`, `flags.due_state`): the console holds no copy of those rules.

export const ACTIONS = [
  { key: 'accept', action: 'accept', path: 'accept', label: 'Tiếp nhận hồ sơ', hint: 'Cấp mã hồ sơ và tính ngày hẹn trả kết quả theo lịch làm việc.', note: 'optional', primary: true },
  { key: 'request_supplement', action: 'request_supplement', path: 'request-supplement', label: 'Yêu cầu bổ sung hồ sơ', hint: 'Nêu rõ giấy tờ cần bổ sung và lý do (Mẫu 02). Thời gian chờ bổ sung không tính vào thời hạn.', kind: 'supplement' },
  { key: 'refuse', action: 'refuse', path: 'refuse', label: 'Từ chối tiếp nhận', hint: 'Nêu rõ lý do từ chối (Mẫu 03).', note: 'required', danger: true },
  { key: 'start_processing', action: 'start_processing', path: 'start-processing', label: 'Chuyển xử lý', hint: 'Chuyển hồ sơ cho bộ phận chuyên môn.', note: 'optional', primary: true },
  { key: 'assign', action: 'assign', path: 'assign', label: 'Phân công chuyên viên', hint: 'Giao hồ sơ cho một chuyên viên xử lý.', kind: 'assign' },
  { key: 'consult', action: 'consult', path: 'consultations', label: 'Xin ý kiến cơ quan, đơn vị', hint: 'Gửi câu hỏi kèm thời hạn trả lời (ngày làm việc).', kind: 'consult' },
  { key: 'answer_consultation', action: 'answer_consultation', path: 'consultation-answers', label: 'Trả lời xin ý kiến', hint: 'Cơ quan, đơn vị được hỏi trả lời.', kind: 'consult_answer' },
  { key: 'complete_part', action: 'complete_part', path: 'complete-part', label: 'Hoàn thành phần việc liên thông', hint: 'Cơ quan phối hợp xác nhận đã xong phần việc của mình.', note: 'optional' },
  { key: 'submit_for_approval', action: 'submit_for_approval', path: 'submit-for-approval', label: 'Trình lãnh đạo phê duyệt', hint: 'Tải lên kết quả (dự thảo đã ký nháy) và trình lãnh đạo phê duyệt.', kind: 'result', primary: true },
  { key: 'finish', action: 'finish', path: 'finish', label: 'Hoàn thành xử lý', hint: 'Tải lên kết quả giải quyết (bản điện tử có chữ ký số) để hoàn thành.', kind: 'result' },
  { key: 'approve', action: 'approve', path: 'approve', label: 'Phê duyệt kết quả', hint: 'Đồng ý với kết quả do chuyên viên trình.', note: 'optional', primary: true },
  { key: 'rework', action: 'rework', path: 'rework', label: 'Trả lại để xử lý lại', hint: 'Nêu rõ nội dung cần xử lý lại.', note: 'required' },
  { key: 'request_payment', action: 'request_payment', path: 'request-payment', label: 'Yêu cầu nộp phí, lệ phí', hint: 'Thời gian chờ người nộp thực hiện nghĩa vụ tài chính không tính vào thời hạn.', kind: 'payment' },
  { key: 'confirm_payment', action: 'confirm_payment', path: 'confirm-payment', label: 'Xác nhận đã nộp phí', hint: 'Hồ sơ tiếp tục được giải quyết.', note: 'optional', primary: true },
  { key: 'apology', action: 'apologise', path: 'apology', label: 'Xin lỗi và hẹn lại ngày trả', hint: 'Khi hồ sơ có nguy cơ quá hạn: nêu lý do và ngày hẹn mới (Mẫu 04). Theo Nghị định 118/2025, đây là đề nghị gia hạn chờ người có thẩm quyền đồng ý. Ngày hẹn chỉ được điều chỉnh một lần.', kind: 'apology' },
  { key: 'approve_extension', action: 'approve_extension', path: 'approve-extension', label: 'Đồng ý gia hạn', hint: 'Người có thẩm quyền đồng ý đề nghị gia hạn (Mẫu 04): ngày hẹn trả kết quả chuyển sang ngày đề nghị.', note: 'optional', primary: true },
  { key: 'refuse_extension', action: 'refuse_extension', path: 'refuse-extension', label: 'Không đồng ý gia hạn', hint: 'Ngày hẹn trả kết quả giữ nguyên; nêu rõ lý do.', note: 'required' },
  { key: 'return', action: 'return_result', path: 'return', label: 'Trả kết quả', hint: 'Xác nhận đã trả kết quả cho người nộp: tại Bộ phận Một cửa, qua bưu chính hoặc trực tuyến.', kind: 'return', primary: true },
  { key: 'confirm_withdrawal', action: 'confirm_withdrawal', path: 'confirm-withdrawal', label: 'Xác nhận rút hồ sơ', hint: 'Người nộp đã yêu cầu rút hồ sơ; việc giải quyết sẽ dừng.', note: 'optional', primary: true },
  { key: 'stop', action: 'stop_processing', path: 'stop', label: 'Dừng xử lý hồ sơ', hint: 'Chỉ lãnh đạo; nêu rõ lý do.', note: 'required', danger: true },
];

/** The actions the server says the caller may take now, with how the console asks for them. */
export function allowedActions(d) {
  const allowed = new Set((d.allowed_actions || []).map((a) => a.action));
  return ACTIONS.filter((a) => allowed.has(a.action));
}

/** Due state of a dossier from the server's flags: 'overdue', 'soon' or null. */
export const dueState = (d) => (d.flags && d.flags.due_state) || null;
