// The register of dossiers of the year (Form 06, M4): one line per received dossier.
import { layout, requireLogin } from '../layout.js';
import { get, STAFF_ROLES } from '../api.js';
import { h, $, setContent, showFailure, alertBox, fmtDateTime, todayIso, busy, CHANNEL_LABELS } from '../ui.js';

layout({ area: 'console', current: 'so-theo-doi' });
await requireLogin('console', STAFF_ROLES);
const form = $('#year-form');
const book = $('#book');
form.elements.year.value = todayIso().slice(0, 4);
$('#print').addEventListener('click', () => window.print());

const cell = (v) => (v === null || v === undefined || v === '' ? '—' : /^\d{4}-\d{2}-\d{2}T/.test(String(v)) ? fmtDateTime(v) : String(v));

async function show() {
  try {
    const r = await get(`/register?year=${encodeURIComponent(form.elements.year.value)}`);
    const items = r.items || r.entries || r.rows || [];
    if (!items.length) { setContent(book, h('p', {}, 'Chưa có hồ sơ nào trong sổ của năm này.')); return; }
    const COLS = [
      ['register_number', 'Số thứ tự'], ['code', 'Mã hồ sơ'], ['procedure_name', 'Thủ tục'], ['applicant_name', 'Người nộp'],
      ['channel', 'Hình thức'], ['received_at', 'Ngày nhận'], ['appointment', 'Hẹn trả'], ['finished_at', 'Có kết quả'],
      ['returned_at', 'Trả kết quả'], ['status_label', 'Tình trạng'],
    ].filter(([k]) => items.some((it) => k in it));
    const cols = COLS.length ? COLS : Object.keys(items[0]).map((k) => [k, k]);
    setContent(book, h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', {}, `Sổ theo dõi hồ sơ năm ${form.elements.year.value}${r.agency_name ? ' — ' + r.agency_name : ''}`),
      h('thead', {}, h('tr', {}, cols.map(([, t]) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, items.map((it) => h('tr', {}, cols.map(([k]) => h('td', {}, k === 'channel' ? (CHANNEL_LABELS[it[k]] || cell(it[k])) : cell(it[k])))))))));
  } catch (e) {
    if (e.missingRoute) setContent(book, alertBox('warn', null, 'Máy chủ chưa hỗ trợ Sổ theo dõi hồ sơ (Mẫu 06).'));
    else showFailure(book, e, 'tải sổ theo dõi');
  }
}
form.addEventListener('submit', (ev) => { ev.preventDefault(); busy(form.querySelector('button[type=submit]'), show, 'Đang tải…'); });
await show();
