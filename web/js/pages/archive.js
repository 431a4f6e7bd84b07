// The archive of closed dossiers (G9): search by code, the archive package, and the erasure of
// personal data past the retention period (agency administrators, on a destruction decision).
import { layout, requireLogin } from '../layout.js';
import { get, post, STAFF_ROLES } from '../api.js';
import { downloadFrom } from '../dossier.js';
import { h, $, setContent, alertBox, facts, field, fmtDate, fmtSize, showErrors, clearErrors, busy, announce, param } from '../ui.js';

layout({ area: 'console', current: 'luu-tru' });
const me = await requireLogin('console', STAFF_ROLES);
const form = $('#search');
const result = $('#result');
const path = (code) => `/archive/${encodeURIComponent(code)}`;

function erasureForm(a) {
  const mayErase = me.role === 'system_admin' || (me.role === 'agency_admin' && me.agency === a.agency);
  if (a.archive.erasure || !mayErase || !a.archive.erasable_from) return null;
  const f = h('form', { novalidate: true },
    h('p', {}, `Chỉ xóa khi đã hết thời hạn lưu trữ (từ ngày ${fmtDate(a.archive.erasable_from)}) và có quyết định hủy của cơ quan. Mã hồ sơ, thủ tục, thời gian và quá trình giải quyết được giữ lại; họ tên, giấy tờ, biểu mẫu, tệp, gói lưu trữ và tin nhắn bị xóa vĩnh viễn.`),
    field({ label: 'Quyết định hủy', name: 'decision', required: true, maxlength: 300, hint: 'Số, ký hiệu và ngày của quyết định' }),
    field({ label: 'Lý do', name: 'reason', type: 'textarea', required: true, rows: 2, maxlength: 1000 }),
    h('button', { type: 'submit', class: 'danger' }, 'Xóa dữ liệu cá nhân'));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(f);
    const body = { decision: f.elements.decision.value.trim(), reason: f.elements.reason.value.trim() };
    const missing = Object.entries(body).filter(([, v]) => !v).map(([k]) => ({ field: k, message: k === 'decision' ? 'Vui lòng nhập quyết định hủy.' : 'Vui lòng nhập lý do.' }));
    if (missing.length) { showErrors(f, missing); return; }
    busy(f.querySelector('button[type=submit]'), async () => {
      try {
        show(await post(`${path(a.code)}/erasure`, body), 'Đã xóa dữ liệu cá nhân của hồ sơ.');
      } catch (e) { showErrors(f, e); }
    }, 'Đang xóa…');
  });
  return h('details', { class: 'card' }, h('summary', {}, 'Xóa dữ liệu cá nhân (hết thời hạn lưu trữ)'), f);
}

function show(a, message) {
  const r = a.archive;
  const pkg = r.package;
  setContent(result,
    message ? alertBox('ok', null, message) : null,
    h('section', { class: 'card', 'aria-labelledby': 'ho-so-luu-tru' },
      h('h2', { id: 'ho-so-luu-tru' }, `Hồ sơ ${a.code}`),
      facts([
        ['Thủ tục', a.procedure_name],
        ['Cơ quan giải quyết', a.agency_name],
        ['Người nộp', a.applicant_name],
        ['Trạng thái', a.status_label],
        ['Kết thúc ngày', fmtDate(r.closed_at)],
        ['Chuyển lưu trữ ngày', fmtDate(r.archived_at)],
        ['Thời hạn lưu trữ', r.retention_label],
        ['Được xóa dữ liệu cá nhân từ', r.erasable_from ? fmtDate(r.erasable_from) : 'Không (lưu trữ vĩnh viễn)'],
        r.erasure ? ['Đã xóa dữ liệu cá nhân', `${fmtDate(r.erasure.at)} — ${r.erasure.decision} (${r.erasure.by.name})`] : null,
      ]),
      h('div', { class: 'actions' },
        h('a', { class: 'button secondary', href: `ho-so.html?id=${encodeURIComponent(a.id)}` }, 'Xem hồ sơ'),
        pkg ? h('button', { type: 'button', onclick: (ev) => downloadFrom(`${path(a.code)}/package`, pkg.filename).catch((e) => ev.target.after(h('span', { class: 'field-error', role: 'alert' }, e.detail))) },
          `Tải gói lưu trữ (${fmtSize(pkg.size)})`) : null),
      pkg ? h('p', { class: 'small muted' }, `Gói BagIt (zip) gồm hồ sơ, tệp và bằng chứng chuỗi nhật ký; SHA-256: `, h('code', {}, pkg.sha256)) : null),
    erasureForm(a));
  announce(`Đã tìm thấy hồ sơ lưu trữ ${a.code}.`);
}

async function search(code) {
  try {
    show(await get(path(code)));
  } catch (e) {
    setContent(result, alertBox(e.status === 404 ? 'warn' : 'error', null, e.status === 404 ? 'Không tìm thấy hồ sơ lưu trữ với mã này, hoặc bạn không có quyền xem.' : e.detail));
  }
}

form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  clearErrors(form);
  const code = form.elements.code.value.trim();
  if (!code) { showErrors(form, [{ field: 'code', message: 'Vui lòng nhập mã hồ sơ.' }]); return; }
  history.replaceState(null, '', `?ma=${encodeURIComponent(code)}`);
  busy(form.querySelector('button[type=submit]'), () => search(code));
});
if (param('ma')) {
  form.elements.code.value = param('ma');
  search(param('ma'));
}
