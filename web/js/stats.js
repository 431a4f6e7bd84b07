// The statistics report (P8, M3) drawn as an accessible SVG chart (role=img with a text
// summary) with the full data table beside it; shared by the portal and the console dashboard.
import { get } from './api.js';
import { h, fmtNumber, fmtDate, setContent } from './ui.js';

export const SERIES = [
  ['finished_early', 'Giải quyết trước hạn', '#1e6b2e'],
  ['finished_on_time', 'Giải quyết đúng hạn', '#4c8f2b'],
  ['finished_late', 'Giải quyết quá hạn', '#a30000'],
  ['in_process_within_deadline', 'Đang giải quyết, trong hạn', '#0b4f6c'],
  ['in_process_overdue', 'Đang giải quyết, quá hạn', '#c65000'],
];

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const pct = (a, b) => (b ? `${new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 }).format((a / b) * 100)}%` : '—');

/** Horizontal stacked bars, one per row with activity. */
export function chart(rows, idPrefix = 'chart') {
  const active = rows.filter((r) => r.received > 0);
  const W = 760; const labelW = 260; const barH = 26; const gap = 12; const top = 10;
  const max = Math.max(1, ...active.map((r) => r.received));
  const height = top + Math.max(1, active.length) * (barH + gap) + 30;
  const scale = (W - labelW - 60) / max;
  let bars = '';
  active.forEach((r, i) => {
    const y = top + i * (barH + gap);
    const name = r.name.length > 38 ? r.name.slice(0, 36) + '…' : r.name;
    bars += `<text x="${labelW - 8}" y="${y + barH / 2 + 5}" text-anchor="end" font-size="13" fill="#1b1b1b">${esc(name)}</text>`;
    let x = labelW;
    for (const [key, label, color] of SERIES) {
      const w = r[key] * scale;
      if (w > 0) bars += `<rect x="${x}" y="${y}" width="${w}" height="${barH}" fill="${color}" stroke="#fff" stroke-width="1"><title>${esc(`${r.name}: ${label} ${r[key]}`)}</title></rect>`;
      x += w;
    }
    bars += `<text x="${x + 6}" y="${y + barH / 2 + 5}" font-size="13" fill="#1b1b1b">${r.received}</text>`;
  });
  if (!active.length) bars = `<text x="10" y="30" font-size="14" fill="#1b1b1b">Không có hồ sơ trong kỳ.</text>`;
  const summary = active.length
    ? active.map((r) => `${r.name}: tiếp nhận ${r.received}, đã giải quyết ${r.finished} (trước hạn ${r.finished_early}, đúng hạn ${r.finished_on_time}, quá hạn ${r.finished_late}), đang giải quyết ${r.in_process} (quá hạn ${r.in_process_overdue})`).join('; ') + '.'
    : 'Không có hồ sơ trong kỳ.';
  const fig = h('figure', { class: 'chart card' });
  fig.innerHTML = `<svg viewBox="0 0 ${W} ${height}" role="img" aria-labelledby="${idPrefix}-title ${idPrefix}-desc" focusable="false">
<title id="${idPrefix}-title">Biểu đồ số hồ sơ tiếp nhận và kết quả giải quyết</title><desc id="${idPrefix}-desc">${esc(summary)}</desc>${bars}</svg>`;
  fig.append(h('figcaption', {}, h('ul', { class: 'legend' }, SERIES.map(([, label, color]) =>
    h('li', {}, h('span', { class: 'swatch', style: `background:${color}`, 'aria-hidden': 'true' }), label))),
  h('p', { class: 'small muted' }, 'Chiều dài mỗi thanh là tổng số hồ sơ tiếp nhận; số liệu chi tiết ở bảng bên dưới.')));
  return fig;
}

const COLS = [
  ['carried_over', 'Kỳ trước chuyển sang'], ['new_online', 'Mới tiếp nhận trực tuyến'], ['new_direct', 'Mới tiếp nhận trực tiếp, bưu chính'],
  ['received', 'Tổng số tiếp nhận'], ['finished_early', 'Trước hạn'], ['finished_on_time', 'Đúng hạn'], ['finished_late', 'Quá hạn'],
  ['finished', 'Tổng đã giải quyết'], ['in_process_within_deadline', 'Đang giải quyết trong hạn'], ['in_process_overdue', 'Đang giải quyết quá hạn'],
  ['in_process', 'Tổng đang giải quyết'],
];

export function table(report, groupLabel) {
  const rows = report.rows.filter((r) => r.received > 0 || r.finished > 0);
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('caption', {}, `Số liệu chi tiết từ ${fmtDate(report.from)} đến ${fmtDate(report.to)}`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, groupLabel), COLS.map(([, t]) => h('th', { scope: 'col', class: 'num' }, t)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, h('th', { scope: 'row' }, r.name), COLS.map(([k]) => h('td', { class: 'num' }, fmtNumber(r[k])))))),
    h('tfoot', {}, h('tr', {}, h('th', { scope: 'row' }, 'Tổng cộng'), COLS.map(([k]) => h('td', { class: 'num' }, fmtNumber(report.total[k])))))));
}

export function kpis(total) {
  const onTime = total.finished_early + total.finished_on_time;
  return h('ul', { class: 'kpis' },
    h('li', {}, h('span', { class: 'value' }, fmtNumber(total.received)), 'hồ sơ tiếp nhận'),
    h('li', {}, h('span', { class: 'value' }, fmtNumber(total.finished)), 'hồ sơ đã giải quyết'),
    h('li', {}, h('span', { class: 'value' }, pct(onTime, total.finished)), 'giải quyết trước và đúng hạn'),
    h('li', {}, h('span', { class: 'value' }, fmtNumber(total.in_process)), 'hồ sơ đang giải quyết'),
    h('li', {}, h('span', { class: 'value' }, fmtNumber(total.in_process_overdue)), 'hồ sơ đang quá hạn'));
}

/** Loads and renders a report into `box`. `q`: {from, to (yyyy-mm-dd), agency, group_by}. */
export async function renderReport(box, q, { idPrefix = 'chart' } = {}) {
  const params = new URLSearchParams(Object.entries(q).filter(([, v]) => v));
  const report = await get('/reports/statistics?' + params, { auth: false });
  const groupLabel = q.group_by === 'procedure' ? 'Thủ tục' : 'Lĩnh vực';
  params.set('format', 'csv');
  setContent(box,
    h('h2', {}, `Kỳ báo cáo: ${fmtDate(report.from)} – ${fmtDate(report.to)}`),
    kpis(report.total),
    chart(report.rows, idPrefix),
    table(report, groupLabel),
    h('p', {}, h('a', { href: '/api/v1/reports/statistics?' + params, download: '' }, 'Tải số liệu (CSV, mở bằng Excel)')));
  return report;
}

/** The five groups of the Decision 766 index as bars of their points against their maximum. */
export function index766Chart(groups) {
  const W = 760; const labelW = 260; const barH = 26; const gap = 12; const top = 10;
  const height = top + groups.length * (barH + gap) + 10;
  const scale = (W - labelW - 90) / Math.max(...groups.map((g) => g.max_points));
  let bars = '';
  groups.forEach((g, i) => {
    const y = top + i * (barH + gap);
    bars += `<text x="${labelW - 8}" y="${y + barH / 2 + 5}" text-anchor="end" font-size="13" fill="#1b1b1b">${esc(g.name)}</text>`;
    bars += `<rect x="${labelW}" y="${y}" width="${g.max_points * scale}" height="${barH}" fill="#e6e6e6"/>`;
    bars += `<rect x="${labelW}" y="${y}" width="${g.points * scale}" height="${barH}" fill="#1a5e20"><title>${esc(`${g.name}: ${g.points}/${g.max_points} điểm`)}</title></rect>`;
    bars += `<text x="${labelW + g.max_points * scale + 6}" y="${y + barH / 2 + 5}" font-size="13" fill="#1b1b1b">${g.points}/${g.max_points}</text>`;
  });
  const summary = groups.map((g) => `${g.name}: ${g.points} trên ${g.max_points} điểm`).join('; ') + '.';
  const fig = h('figure', { class: 'chart card' });
  fig.innerHTML = `<svg viewBox="0 0 ${W} ${height}" role="img" aria-labelledby="i766-title i766-desc" focusable="false">
<title id="i766-title">Điểm của từng nhóm chỉ số 766</title><desc id="i766-desc">${esc(summary)}</desc>${bars}</svg>`;
  return fig;
}
