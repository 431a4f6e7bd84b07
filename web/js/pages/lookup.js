// Public lookup by dossier code with a second factor (P17, S1): no personal data is shown.
import { layout } from '../layout.js';
import { get } from '../api.js';
import { h, $, param, setContent, showErrors, clearErrors, busy, fmtDateTime, facts, statusBadge } from '../ui.js';
import { timeline, signatureText } from '../dossier.js';

layout({ current: 'tra-cuu' });
const form = $('#lookup');
const out = $('#result');

async function lookup() {
  clearErrors(form);
  const code = form.elements.code.value.trim();
  const factor = form.elements.factor.value.trim();
  const errors = [];
  if (!code) errors.push({ field: 'code', message: 'Vui lòng nhập mã hồ sơ.' });
  if (!factor) errors.push({ field: 'factor', message: 'Vui lòng nhập mã bí mật hoặc số định danh cá nhân.' });
  if (errors.length) { showErrors(form, errors); return; }
  const key = /^\d{12}$/.test(factor) ? 'id_number' : 'secret';
  try {
    const d = await get(`/lookup/${encodeURIComponent(code)}?${key}=${encodeURIComponent(factor)}`, { auth: false });
    const done = d.status === 'finished' || d.status === 'returned';
    setContent(out,
      h('section', { class: 'card', 'aria-labelledby': 'ket-qua-tra-cuu' },
        h('h2', { id: 'ket-qua-tra-cuu', tabindex: '-1' }, `Hồ sơ ${d.code}`),
        facts([
          ['Trạng thái', statusBadge(d)],
          ['Thủ tục', d.procedure_name],
          ['Cơ quan giải quyết', d.agency_name],
          ['Tiếp nhận lúc', fmtDateTime(d.received_at)],
          ['Ngày hẹn trả kết quả', fmtDateTime(d.appointment)],
          d.finished_at ? ['Có kết quả lúc', fmtDateTime(d.finished_at)] : null,
          d.returned_at ? ['Đã trả kết quả lúc', fmtDateTime(d.returned_at)] : null,
          d.result_signature ? ['Chữ ký số trên kết quả', signatureText(d.result_signature)] : null,
        ]),
        done && d.result_available
          ? h('p', { class: 'alert ok' }, 'Hồ sơ đã có kết quả. Người nộp ',
            h('a', { href: '/dang-nhap.html?next=%2Fho-so-cua-toi.html' }, 'đăng nhập'), ' để tải kết quả điện tử, hoặc nhận tại nơi nộp hồ sơ.')
          : null,
        h('h3', {}, 'Quá trình giải quyết'),
        timeline(d.progress)));
    out.querySelector('h2').focus();
  } catch (e) {
    if (e.status === 404 || e.code === 'second_factor_required') {
      showErrors(form, { title: 'Không tìm thấy hồ sơ', detail: e.detail, errors: [] });
      setContent(out);
    } else {
      showErrors(form, e);
    }
  }
}

form.addEventListener('submit', (ev) => { ev.preventDefault(); busy(form.querySelector('button'), lookup, 'Đang tra cứu…'); });
if (param('ma')) form.elements.code.value = param('ma');
if (param('bm')) form.elements.factor.value = param('bm');
if (param('ma') && param('bm')) lookup();
