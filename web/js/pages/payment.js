// Where the national payment platform sends the payer back: the receipt of the payment as this
// system knows it (the platform's signed callback, not the address, decides whether it is paid).
import { layout, requireLogin } from '../layout.js';
import { get } from '../api.js';
import { h, param, setContent, showFailure, alertBox, fmtDateTime, fmtMoney, facts } from '../ui.js';

layout({ current: 'ho-so-cua-toi' });
await requireLogin('portal', ['citizen', 'business']);
const app = document.getElementById('app');

const STATES = {
  paid: ['ok', 'Thanh toán thành công'],
  failed: ['error', 'Thanh toán không thành công'],
  pending: ['warn', 'Đang chờ Nền tảng thanh toán xác nhận'],
};

try {
  const r = await get('/payments/' + encodeURIComponent(param('don') || ''));
  const [kind, title] = STATES[r.state];
  const explain = {
    paid: r.applied
      ? 'Cơ quan đã nhận được khoản phí, lệ phí; hồ sơ được tiếp tục giải quyết.'
      : 'Khoản tiền đã được ghi nhận nhưng hồ sơ không còn chờ nộp phí (đã nộp tại Bộ phận Một cửa hoặc đã dừng). Cơ quan sẽ đối soát và hoàn trả.',
    failed: 'Bạn chưa bị trừ tiền. Bạn có thể thanh toán lại từ trang hồ sơ.',
    pending: 'Trang này sẽ cập nhật khi Nền tảng thanh toán báo kết quả. Vui lòng tải lại sau ít phút.',
  }[r.state];
  setContent(app,
    alertBox(kind, title, explain),
    h('section', { class: 'card', 'aria-labelledby': 'bien-lai' },
      h('h2', { id: 'bien-lai' }, 'Biên nhận thanh toán'),
      facts([
        ['Hồ sơ', r.dossier_code || r.dossier_id],
        ['Nội dung', r.description],
        ['Số tiền', fmtMoney(r.amount_vnd)],
        ['Mã đơn thanh toán', r.order_id],
        r.transaction_id ? ['Mã giao dịch', r.transaction_id] : null,
        r.paid_at ? ['Thời điểm', fmtDateTime(r.paid_at)] : null,
      ]),
      h('div', { class: 'actions' },
        h('a', { class: 'button', href: `/ho-so.html?id=${encodeURIComponent(r.dossier_id)}` }, 'Về trang hồ sơ'),
        h('button', { type: 'button', class: 'secondary', onclick: () => print() }, 'In biên nhận'))));
} catch (e) { showFailure(app, e, 'tải kết quả thanh toán'); }
