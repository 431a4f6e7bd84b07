// Workload dashboard of the officer's unit (M8, M3): open dossiers by state with the overdue
// and due-soon ones listed, and this month's statistics for the agency.
import { layout, requireLogin } from '../layout.js';
import { get, STAFF_ROLES } from '../api.js';
import { h, $, setContent, showFailure, todayIso, fmtNumber, fmtDateTime, statusBadge } from '../ui.js';
import { renderReport } from '../stats.js';
import { dueState } from '../workflow.js';

layout({ area: 'console', current: 'bang-dieu-khien' });
const me = await requireLogin('console', STAFF_ROLES);

const summary = $('#inbox-summary');
try {
  let items = [];
  let counts = null;
  try {
    const page = await get('/inbox?limit=200');
    items = page.items;
    counts = page.counts;
  } catch (e) {
    if (!e.missingRoute && e.status !== 403) throw e;
    items = (await get('/dossiers?limit=200')).items;
  }
  const open = items.filter((d) => !['returned', 'refused', 'stopped'].includes(d.status));
  const by = (f) => open.filter(f).length;
  const late = open.filter((d) => dueState(d) === 'overdue');
  const soon = open.filter((d) => dueState(d) === 'soon');
  setContent(summary,
    h('h2', {}, 'Hồ sơ đang giải quyết'),
    h('ul', { class: 'kpis' },
      h('li', {}, h('span', { class: 'value' }, fmtNumber(counts && counts.submitted !== undefined ? counts.submitted : by((d) => d.status === 'submitted'))), 'chờ tiếp nhận'),
      h('li', {}, h('span', { class: 'value' }, fmtNumber(by((d) => ['accepted', 'processing'].includes(d.status)))), 'đang xử lý'),
      h('li', {}, h('span', { class: 'value' }, fmtNumber(by((d) => d.status === 'awaiting_approval'))), 'chờ phê duyệt'),
      h('li', {}, h('span', { class: 'value' }, fmtNumber(by((d) => d.status === 'finished'))), 'chờ trả kết quả'),
      h('li', {}, h('span', { class: 'value' }, fmtNumber(soon.length)), 'sắp đến hạn'),
      h('li', {}, h('span', { class: 'value' }, fmtNumber(late.length)), 'quá hạn')),
    late.length || soon.length ? h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', {}, 'Hồ sơ quá hạn và sắp đến hạn'),
      h('thead', {}, h('tr', {}, ['Mã hồ sơ', 'Thủ tục', 'Trạng thái', 'Hẹn trả', 'Tình trạng hạn'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, [...late, ...soon].map((d) => h('tr', { class: dueState(d) === 'overdue' ? 'overdue' : 'due-soon' },
        h('td', {}, h('a', { href: `/can-bo/ho-so.html?id=${encodeURIComponent(d.id)}` }, d.code || 'Chờ cấp mã')),
        h('td', {}, d.procedure_name), h('td', {}, statusBadge(d)), h('td', {}, fmtDateTime(d.appointment)),
        h('td', {}, dueState(d) === 'overdue' ? h('span', { class: 'badge bad' }, 'Quá hạn') : h('span', { class: 'badge warn' }, 'Sắp đến hạn'))))))) : h('p', {}, 'Không có hồ sơ quá hạn hoặc sắp đến hạn.'));
} catch (e) {
  showFailure(summary, e, 'tải hồ sơ');
}

const box = $('#report');
const today = todayIso();
try {
  await renderReport(box, { from: `${today.slice(0, 7)}-01`, to: today, agency: me.agency || '', group_by: 'procedure' }, { idPrefix: 'dash' });
  box.querySelector('h2').textContent = `Thống kê tháng này (${box.querySelector('h2').textContent.replace('Kỳ báo cáo: ', '')})`;
} catch (e) {
  showFailure(box, e, 'tải số liệu thống kê');
}
