// The officer actions on a dossier (M2, M8), as the server's state machine allows them:
// which statuses and roles may take each one, and what it asks for. The console only offers
// what the server would accept; the server still decides.

const OFFICERS = ['receiving_officer', 'specialist', 'leader'];
const HANDLING = ['accepted', 'processing', 'awaiting_approval', 'supplement_requested', 'payment_requested'];

export const ACTIONS = [
  { key: 'accept', path: 'accept', label: 'Tiếp nhận hồ sơ', hint: 'Cấp mã hồ sơ và tính ngày hẹn trả kết quả theo lịch làm việc.', from: ['submitted'], roles: ['receiving_officer'], note: 'optional', primary: true },
  { key: 'request_supplement', path: 'request-supplement', label: 'Yêu cầu bổ sung hồ sơ', hint: 'Nêu rõ giấy tờ cần bổ sung và lý do (Mẫu 02). Thời gian chờ bổ sung không tính vào thời hạn.', from: ['submitted', 'accepted', 'processing'], roles: OFFICERS, kind: 'supplement' },
  { key: 'refuse', path: 'refuse', label: 'Từ chối tiếp nhận', hint: 'Nêu rõ lý do từ chối (Mẫu 03).', from: ['submitted'], roles: ['receiving_officer'], note: 'required', danger: true },
  { key: 'start_processing', path: 'start-processing', label: 'Chuyển xử lý', hint: 'Chuyển hồ sơ cho bộ phận chuyên môn.', from: ['accepted'], roles: OFFICERS, note: 'optional', primary: true },
  { key: 'assign', path: 'assign', label: 'Phân công chuyên viên', hint: 'Giao hồ sơ cho một chuyên viên xử lý.', from: ['accepted', 'processing'], roles: ['receiving_officer', 'leader'], kind: 'assign' },
  { key: 'consult', path: 'consultations', label: 'Xin ý kiến cơ quan, đơn vị', hint: 'Gửi câu hỏi kèm thời hạn trả lời (ngày làm việc).', from: ['processing'], roles: ['specialist', 'leader'], kind: 'consult' },
  { key: 'answer_consultation', path: 'consultation-answers', label: 'Trả lời xin ý kiến', hint: 'Cơ quan, đơn vị được hỏi trả lời.', from: HANDLING, roles: OFFICERS, kind: 'consult_answer', participant: true },
  { key: 'complete_part', path: 'complete-part', label: 'Hoàn thành phần việc liên thông', hint: 'Cơ quan phối hợp xác nhận đã xong phần việc của mình.', from: ['accepted', 'processing'], roles: OFFICERS, note: 'optional', participant: true },
  { key: 'submit_for_approval', path: 'submit-for-approval', label: 'Trình lãnh đạo phê duyệt', hint: 'Tải lên kết quả (dự thảo đã ký nháy) và trình lãnh đạo phê duyệt.', from: ['processing'], roles: ['specialist'], kind: 'result', primary: true },
  { key: 'finish', path: 'finish', label: 'Hoàn thành xử lý', hint: 'Tải lên kết quả giải quyết (bản điện tử có chữ ký số) để hoàn thành.', from: ['accepted', 'processing'], roles: ['specialist', 'leader'], kind: 'result' },
  { key: 'approve', path: 'approve', label: 'Phê duyệt kết quả', hint: 'Đồng ý với kết quả do chuyên viên trình.', from: ['awaiting_approval'], roles: ['leader'], note: 'optional', primary: true },
  { key: 'rework', path: 'rework', label: 'Trả lại để xử lý lại', hint: 'Nêu rõ nội dung cần xử lý lại.', from: ['awaiting_approval'], roles: ['leader'], note: 'required' },
  { key: 'request_payment', path: 'request-payment', label: 'Yêu cầu nộp phí, lệ phí', hint: 'Thời gian chờ người nộp thực hiện nghĩa vụ tài chính không tính vào thời hạn.', from: ['accepted', 'processing'], roles: OFFICERS, kind: 'payment' },
  { key: 'confirm_payment', path: 'confirm-payment', label: 'Xác nhận đã nộp phí', hint: 'Hồ sơ tiếp tục được giải quyết.', from: ['payment_requested'], roles: OFFICERS, note: 'optional', primary: true },
  { key: 'apology', path: 'apology', label: 'Xin lỗi và hẹn lại ngày trả', hint: 'Khi hồ sơ có nguy cơ quá hạn: nêu lý do và ngày hẹn mới (Mẫu 04). Chỉ thực hiện một lần.', from: ['accepted', 'processing', 'awaiting_approval'], roles: OFFICERS, kind: 'apology' },
  { key: 'return', path: 'return', label: 'Trả kết quả', hint: 'Xác nhận đã trả kết quả cho người nộp: tại Bộ phận Một cửa, qua bưu chính hoặc trực tuyến.', from: ['finished'], roles: ['receiving_officer'], kind: 'return', primary: true },
  { key: 'confirm_withdrawal', path: 'confirm-withdrawal', label: 'Xác nhận rút hồ sơ', hint: 'Người nộp đã yêu cầu rút hồ sơ; việc giải quyết sẽ dừng.', from: ['withdrawal_requested'], roles: OFFICERS, note: 'optional', primary: true },
  { key: 'stop', path: 'stop', label: 'Dừng xử lý hồ sơ', hint: 'Chỉ lãnh đạo; nêu rõ lý do.', from: HANDLING, roles: ['leader'], note: 'required', danger: true },
];

export const requiresApproval = (d) => ((d.workflow && d.workflow.steps) || []).some((s) => s.kind === 'approval');

/** The actions `me` ({role, agency}) may take on the dossier now. */
export function allowedActions(d, me) {
  const own = !me.agency || d.agency === me.agency;
  const consulted = (d.consultations || []).some((c) => c.agency === me.agency && !c.answered_at);
  const part = (d.parts || []).some((p) => p.agency === me.agency && !p.completed_at);
  return ACTIONS.filter((a) => {
    if (!a.from.includes(d.status) || !a.roles.includes(me.role)) return false;
    if (a.key === 'answer_consultation') return consulted;
    if (a.key === 'complete_part') return part;
    if (!own) return false;
    if (me.role === 'specialist' && a.key === 'finish') return !requiresApproval(d);
    if (a.key === 'submit_for_approval') return requiresApproval(d);
    return true;
  });
}

/** Due state of a dossier from the inbox flags, or computed from its appointment. */
export function dueState(d, now = Date.now()) {
  if (d.flags && typeof d.flags === 'object') {
    if (d.flags.overdue) return 'overdue';
    if (d.flags.due_soon) return 'soon';
    return null;
  }
  const open = ['accepted', 'processing', 'awaiting_approval', 'supplement_requested', 'payment_requested', 'withdrawal_requested'];
  const due = d.stage && d.stage.due_at ? d.stage.due_at : d.appointment;
  if (!due || !open.includes(d.status)) return null;
  const t = new Date(due).getTime();
  if (t < now) return 'overdue';
  if (t - now < 2 * 24 * 3600 * 1000) return 'soon';
  return null;
}
