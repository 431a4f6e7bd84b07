// Workload dashboard of the officer's unit (M8, M3, R9): open dossiers by state with the overdue
// and due-soon ones listed, this month's statistics for the agency, and its Decision 766 index
// with the dossiers behind each input.
import { layout, requireLogin } from '../layout.js';
import { get, STAFF_ROLES } from '../api.js';
import { h, $, setContent, showFailure, todayIso, fmtNumber, fmtDate, fmtDateTime, statusBadge, facts } from '../ui.js';
import { renderReport, index766Chart } from '../stats.js';
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

// The Decision 766 index of the month (R9): the five groups, their inputs, and the dossiers that
// missed an input, one click away.
const indexBox = $('#index-766');
const INPUT_LABELS = { on_time: 'trễ hạn', online: 'không nộp trực tuyến', digitised: 'chưa số hóa', reused: 'chưa tái sử dụng dữ liệu' };
async function missed(input, target) {
  const q = new URLSearchParams({ from: `${today.slice(0, 7)}-01`, to: today, input, limit: '50' });
  if (me.agency) q.set('agency', me.agency);
  try {
    const page = await get('/reports/index-766/dossiers?' + q);
    target.replaceChildren(page.items.length
      ? h('ul', {}, page.items.map((e) => h('li', {}, h('a', { href: `/can-bo/ho-so.html?id=${encodeURIComponent(e.dossier_id)}` }, e.code || 'Chưa có mã'),
        ` — ${e.procedure_name}, kết thúc ${fmtDate(e.ended_at)}${e.supplements > 1 ? `, ${e.supplements} lần yêu cầu bổ sung` : ''}`)))
      : h('p', {}, 'Không có hồ sơ nào.'));
  } catch (e) { showFailure(target, e, 'tải danh sách hồ sơ'); }
}
try {
  const q = new URLSearchParams({ from: `${today.slice(0, 7)}-01`, to: today });
  if (me.agency) q.set('agency', me.agency);
  const idx = await get('/reports/index-766?' + q);
  const rows = idx.groups.flatMap((g) => g.indicators.map((i) => {
    const list = h('div', {});
    return h('tr', {},
      h('td', {}, g.name), h('td', {}, i.name),
      h('td', {}, i.applicable ? `${fmtNumber(i.numerator)}/${fmtNumber(i.denominator)} (${i.percent}%)` : 'Không phát sinh'),
      h('td', {}, `${i.target}%`), h('td', {}, `${i.points}/${i.max_points}`),
      h('td', {}, i.dossiers && i.applicable && i.numerator < i.denominator
        ? [h('button', { type: 'button', class: 'secondary', onclick: () => missed(i.dossiers, list) }, `Xem hồ sơ ${INPUT_LABELS[i.dossiers]}`), list]
        : '—'));
  }));
  setContent(indexBox,
    h('h2', { id: 'index-766-title' }, `Bộ chỉ số 766 tháng này: ${idx.points}/${idx.max_points} điểm`),
    index766Chart(idx.groups),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', {}, `Các chỉ tiêu từ ${fmtDate(idx.from)} đến ${fmtDate(idx.to)}`),
      h('thead', {}, h('tr', {}, ['Nhóm', 'Chỉ tiêu', 'Kết quả', 'Mục tiêu', 'Điểm', 'Hồ sơ chưa đạt'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows))),
    h('p', { class: 'small muted' }, 'Tính theo thời điểm kết thúc giải quyết của từng hồ sơ; dưới mục tiêu được tính điểm theo tỷ lệ.'),
    h('h3', {}, 'Chỉ tiêu bổ sung năm 2026 (theo dõi, không tính điểm)'),
    facts(idx.additions.map((a) => [a.name, a.percent == null ? 'Không phát sinh' : `${fmtNumber(a.numerator)}/${fmtNumber(a.denominator)} (${a.percent}%)`])));
} catch (e) {
  showFailure(indexBox, e, 'tải Bộ chỉ số 766');
}
