// The receipt after an online submission (P4): the secret for public lookup, the official
// receipt time, and — once the agency accepts it — the dossier code, the appointment and the QR
// code of the lookup address; printable, with the server's Form 01 when available.
import { layout, requireLogin } from '../layout.js';
import { get } from '../api.js';
import { h, param, setContent, showFailure, alertBox, fmtDateTime, facts, statusBadge, statutoryLabel } from '../ui.js';
import { formsPanel, receiptOnly } from '../dossier.js';
import qrcode from '/vendor/qrcode-generator/qrcode.mjs';

layout({ current: 'ho-so-cua-toi' });
await requireLogin('portal');
const app = document.getElementById('app');

function qr(text) {
  const q = qrcode(0, 'M');
  q.addData(text);
  q.make();
  const box = h('figure', { class: 'qr' });
  box.innerHTML = q.createSvgTag({ cellSize: 4, margin: 8, scalable: true, title: { text: 'Mã QR để tra cứu hồ sơ', id: 'qr-title' } });
  box.append(h('figcaption', {}, 'Quét để tra cứu'));
  return box;
}

try {
  const d = await get('/dossiers/' + encodeURIComponent(param('id') || ''));
  const accepted = !!d.code;
  const lookupUrl = accepted
    ? `${location.origin}/tra-cuu.html?ma=${encodeURIComponent(d.code)}&bm=${encodeURIComponent(d.receipt_secret || '')}`
    : null;
  const names = {};
  try {
    const p = await get('/procedures/' + encodeURIComponent(d.procedure_code));
    for (const c of p.components) names[c.id] = c.name;
  } catch { /* component ids are shown instead */ }
  setContent(app,
    d.status === 'submitted'
      ? alertBox('ok', 'Nộp hồ sơ thành công', `Hồ sơ đã được gửi đến ${d.agency_name}. Cán bộ sẽ kiểm tra và tiếp nhận; khi đó hồ sơ được cấp mã và ngày hẹn trả kết quả, bạn sẽ nhận được thông báo.`)
      : null,
    h('article', { class: 'receipt', 'aria-labelledby': 'tieu-de-giay' },
      accepted ? qr(lookupUrl) : null,
      h('p', { class: 'small' }, d.agency_name),
      h('h2', { id: 'tieu-de-giay' }, accepted ? 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả' : 'Giấy xác nhận nộp hồ sơ trực tuyến'),
      facts([
        ['Mã hồ sơ', accepted ? h('strong', {}, d.code) : 'Được cấp khi cơ quan tiếp nhận hồ sơ'],
        ['Mã bí mật tra cứu', d.receipt_secret ? h('span', { class: 'secret' }, d.receipt_secret) : '—'],
        ['Thủ tục', d.procedure_name],
        ['Người nộp', d.applicant.full_name],
        ['Thời điểm nộp', fmtDateTime(d.submitted_at)],
        ['Thời điểm tiếp nhận chính thức', fmtDateTime(d.received_at)],
        ['Thời hạn giải quyết', statutoryLabel(d.statutory_time)],
        ['Ngày hẹn trả kết quả', accepted ? fmtDateTime(d.appointment) : 'Được tính khi cơ quan tiếp nhận hồ sơ'],
        ['Trạng thái', statusBadge(d)],
      ]),
      h('h3', {}, 'Giấy tờ đã nộp'),
      h('ul', {}, d.components.map((f) => h('li', {}, `${names[f.component] || f.component}: ${f.filename}`))),
      h('p', { class: 'small' }, 'Giữ mã bí mật này để tra cứu tình trạng hồ sơ mà không cần đăng nhập. Không chia sẻ mã bí mật với người khác.')),
    h('div', { class: 'actions no-print' },
      h('button', { type: 'button', onclick: () => window.print() }, 'In giấy này'),
      h('a', { class: 'button secondary', href: '/ho-so.html?id=' + encodeURIComponent(d.id) }, 'Xem chi tiết hồ sơ'),
      h('a', { class: 'button secondary', href: '/ho-so-cua-toi.html' }, 'Hồ sơ của tôi')),
    accepted ? h('section', { class: 'card no-print', 'aria-labelledby': 'mau-01' },
      h('h2', { id: 'mau-01' }, 'Biểu mẫu của cơ quan'),
      formsPanel(d, receiptOnly)) : null);
} catch (e) {
  showFailure(app, e, 'tải giấy tiếp nhận');
}
