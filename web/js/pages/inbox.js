// The inbox per role (M8): the agency's dossiers with filters by status, procedure and due
// state; overdue and due-soon dossiers are highlighted (colour and words).
import { layout, requireLogin } from '../layout.js';
import { get, statuses, STAFF_ROLES } from '../api.js';
import { h, $, setContent, showFailure, fmtDateTime, statusBadge, CHANNEL_LABELS, ROLE_LABELS, alertBox, fmtNumber, param } from '../ui.js';
import { dueState } from '../workflow.js';

layout({ area: 'console', current: 'inbox' });
const me = await requireLogin('console', STAFF_ROLES);
const form = $('#filters');
const list = $('#list');
const more = $('#more');
$('#who').textContent = `${me.name} — ${ROLE_LABELS[me.role] || me.role}`;

// Officers' names of the statuses (what each dossier waits for), from the server.
let STATUS_NAMES = {};
try {
  STATUS_NAMES = Object.fromEntries((await statuses()).map((s) => [s.status, s.queue_label]));
} catch { /* counts then show the status codes */ }
const INBOX_STATUSES = ['submitted', 'accepted', 'processing', 'awaiting_approval', 'supplement_requested',
  'payment_requested', 'withdrawal_requested', 'finished', 'returned'];
for (const s of INBOX_STATUSES) if (STATUS_NAMES[s]) form.elements.status.append(h('option', { value: s }, STATUS_NAMES[s]));
const DEFAULT_STATUS = { receiving_officer: '', specialist: '', leader: '' };
for (const k of ['status', 'due', 'procedure']) if (param(k)) form.elements[k].value = param(k);
form.elements.mine.checked = param('mine') === 'true';
if (!param('status') && DEFAULT_STATUS[me.role]) form.elements.status.value = DEFAULT_STATUS[me.role];

try {
  const q = new URLSearchParams({ limit: '100' });
  if (me.agency) q.set('agency', me.agency);
  for (const p of (await get('/procedures?' + q)).items) form.elements.procedure.append(h('option', { value: p.code }, p.name));
} catch { /* filter by procedure unavailable */ }

let cursor = null;
let tbody = null;
let fallback = false;

function dueBadge(state) {
  if (state === 'overdue') return h('span', { class: 'badge bad' }, 'Quá hạn');
  if (state === 'soon') return h('span', { class: 'badge warn' }, 'Sắp đến hạn');
  return h('span', { class: 'badge ok' }, 'Trong hạn');
}

function row(d) {
  const state = dueState(d);
  // The server's flags say until when this step must be done (reception, or the appointment).
  const dueAt = d.flags ? d.flags.due_at : null;
  const stopped = d.flags && d.flags.clock_stopped;
  return h('tr', { class: state === 'overdue' ? 'overdue' : state === 'soon' ? 'due-soon' : null },
    h('td', {}, h('a', { href: `/can-bo/ho-so.html?id=${encodeURIComponent(d.id)}` }, d.code || ['Chờ cấp mã', h('span', { class: 'visually-hidden' }, ` — ${d.applicant_name || ''}, ${d.procedure_name}`)])),
    h('td', {}, d.procedure_name),
    h('td', {}, d.applicant_name || '—'),
    h('td', {}, CHANNEL_LABELS[d.channel] || d.channel || '—'),
    h('td', {}, statusBadge(d)),
    h('td', {}, fmtDateTime(d.received_at || d.submitted_at)),
    h('td', {}, fmtDateTime(d.appointment)),
    h('td', {}, stopped ? h('span', { class: 'badge neutral' }, 'Tạm dừng tính hạn')
      : dueAt ? [fmtDateTime(dueAt), h('br'), dueBadge(state), riskBadge(d.risk)] : '—'));
}

/** Likely to miss the appointment (predicted from how long each step usually takes). */
function riskBadge(risk) {
  if (!risk || !risk.at_risk) return null;
  return [h('br'), h('span', { class: 'badge warn', title: `Dự kiến hoàn thành ${fmtDateTime(risk.predicted_finish)}` }, 'Có nguy cơ trễ hạn')];
}


function showCounts(counts) {
  const box = $('#counts');
  if (!counts || typeof counts !== 'object') { box.replaceChildren(); return; }
  const entries = [['Tổng số hồ sơ cần xử lý', counts.total], ['Sắp đến hạn', counts.due_soon], ['Quá hạn', counts.overdue], ['Có nguy cơ trễ hạn', counts.at_risk],
    ...Object.entries(counts.by_status || {}).map(([k, n]) => [STATUS_NAMES[k] || k, n])].filter(([, n]) => typeof n === 'number');
  setContent(box, h('ul', { class: 'kpis', 'aria-label': 'Số hồ sơ theo nhóm' }, entries.map(([label, n]) =>
    h('li', {}, h('span', { class: 'value' }, fmtNumber(n)), label))));
}

let generation = 0;
async function load(reset) {
  // A newer search supersedes one still in flight: only the latest answer is shown.
  const ticket = reset ? ++generation : generation;
  if (reset) { cursor = null; tbody = null; }
  const f = Object.fromEntries(['status', 'due', 'procedure'].map((k) => [k, form.elements[k].value]));
  if (form.elements.mine.checked) f.mine = 'true';
  const q = new URLSearchParams({ limit: '50' });
  for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
  if (cursor) q.set('cursor', cursor);
  let page;
  try {
    if (!fallback) {
      try {
        page = await get('/inbox?' + q);
      } catch (e) {
        if (!e.missingRoute && e.status !== 403) throw e;
        fallback = true;
      }
    }
    if (fallback) {
      const q2 = new URLSearchParams({ limit: '100' });
      if (f.status) q2.set('status', f.status);
      if (cursor) q2.set('cursor', cursor);
      page = await get('/dossiers?' + q2);
      page.items = page.items.filter((d) => (!f.procedure || d.procedure_code === f.procedure) && (!f.due || dueState(d) === f.due)
        && (!f.mine || (d.assignee && d.assignee.id === me.sub)));
    }
  } catch (e) {
    showFailure(list, e, 'tải danh sách hồ sơ');
    return;
  }
  if (ticket !== generation) return;
  if (reset) showCounts(page.counts);
  if (!tbody) {
    tbody = h('tbody', {});
    setContent(list,
      fallback ? alertBox('info', null, 'Đang hiển thị toàn bộ hồ sơ của cơ quan (không phải hộp hồ sơ theo vai trò); hạn xử lý tính theo ngày hẹn trả.') : null,
      h('div', { class: 'table-wrap' }, h('table', {},
        h('caption', {}, 'Danh sách hồ sơ'),
        h('thead', {}, h('tr', {}, ['Mã hồ sơ', 'Thủ tục', 'Người nộp', 'Hình thức', 'Trạng thái', 'Tiếp nhận', 'Hẹn trả', 'Hạn xử lý'].map((t) => h('th', { scope: 'col' }, t)))),
        tbody)));
  }
  tbody.append(...page.items.map(row));
  if (!tbody.children.length) tbody.append(h('tr', {}, h('td', { colspan: '8' }, 'Không có hồ sơ phù hợp.')));
  cursor = page.next_cursor;
  more.hidden = !cursor;
}

form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const q = new URLSearchParams();
  for (const k of ['status', 'due', 'procedure']) if (form.elements[k].value) q.set(k, form.elements[k].value);
  if (form.elements.mine.checked) q.set('mine', 'true');
  history.replaceState(null, '', '/can-bo/index.html' + (q.toString() ? '?' + q : ''));
  load(true);
});
more.addEventListener('click', () => load(false));
await load(true);
