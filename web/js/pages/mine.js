// "My dossiers" (P12): drafts to continue, filed dossiers with status and appointment.
import { layout, requireLogin } from '../layout.js';
import { get, statuses } from '../api.js';
import { h, setContent, showFailure, fmtDate, statusBadge, CHANNEL_LABELS } from '../ui.js';

layout({ current: 'ho-so-cua-toi' });
await requireLogin('portal', ['citizen', 'business']);

// The statuses an applicant follows their dossiers by, named as the server names them.
const SHOWN = ['draft', 'submitted', 'accepted', 'processing', 'supplement_requested', 'payment_requested', 'finished', 'returned'];
let FILTERS = [['', 'Tất cả']];
try {
  FILTERS = FILTERS.concat((await statuses()).filter((s) => SHOWN.includes(s.status)).map((s) => [s.status, s.label]));
} catch { /* the filter offers "all" only */ }
const chips = document.getElementById('chips');
const list = document.getElementById('list');
const more = document.getElementById('more');
let status = '';
let cursor = null;
let tbody = null;

function row(d) {
  const draft = d.status === 'draft';
  const href = draft ? `/nop-ho-so.html?id=${encodeURIComponent(d.id)}` : `/ho-so.html?id=${encodeURIComponent(d.id)}`;
  return h('tr', {},
    h('td', {}, d.code || (draft ? '—' : 'Chờ cấp mã')),
    h('td', {}, h('a', { href }, d.procedure_name)),
    h('td', {}, statusBadge(d)),
    h('td', {}, CHANNEL_LABELS[d.channel] || d.channel),
    h('td', {}, draft ? fmtDate(d.created_at) : fmtDate(d.submitted_at)),
    h('td', {}, fmtDate(d.appointment)),
    h('td', {}, h('a', { href, 'aria-label': `${draft ? 'Tiếp tục khai' : 'Xem'}: ${d.procedure_name}` }, draft ? 'Tiếp tục khai' : 'Xem')));
}

let generation = 0;
async function load(reset) {
  const ticket = reset ? ++generation : generation; // only the latest filter's answer is shown
  if (reset) { cursor = null; tbody = null; }
  const q = new URLSearchParams({ limit: '20' });
  if (status) q.set('status', status);
  if (cursor) q.set('cursor', cursor);
  try {
    const page = await get('/dossiers?' + q);
    if (ticket !== generation) return;
    if (!tbody) {
      if (!page.items.length) {
        setContent(list, h('p', {}, status ? 'Không có hồ sơ nào ở trạng thái này.' : 'Bạn chưa có hồ sơ nào. Hãy tìm thủ tục cần thực hiện để nộp hồ sơ trực tuyến.'));
        more.hidden = true;
        return;
      }
      tbody = h('tbody', {});
      setContent(list, h('div', { class: 'table-wrap' }, h('table', {},
        h('caption', {}, 'Danh sách hồ sơ'),
        h('thead', {}, h('tr', {}, ['Mã hồ sơ', 'Thủ tục', 'Trạng thái', 'Hình thức', 'Ngày nộp', 'Ngày hẹn trả', 'Thao tác'].map((t) => h('th', { scope: 'col' }, t)))),
        tbody)));
    }
    tbody.append(...page.items.map(row));
    cursor = page.next_cursor;
    more.hidden = !cursor;
  } catch (e) {
    showFailure(list, e, 'tải danh sách hồ sơ');
  }
}

for (const [value, text] of FILTERS) {
  chips.append(h('button', {
    type: 'button', 'aria-pressed': String(value === status), onclick: (ev) => {
      status = value;
      chips.querySelectorAll('button').forEach((b) => b.setAttribute('aria-pressed', String(b === ev.target)));
      load(true);
    },
  }, text));
}
more.addEventListener('click', () => load(false));
await load(true);
