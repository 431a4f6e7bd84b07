// Public statistics (P8): period, agency, grouping; chart + table + CSV.
import { layout } from '../layout.js';
import { get } from '../api.js';
import { h, $, param, showErrors, clearErrors, showFailure, busy, todayIso, fmtDate, parseVnDate } from '../ui.js';
import { renderReport } from '../stats.js';

layout({ current: 'thong-ke' });
const form = $('#period');
const box = $('#report');
try {
  for (const a of (await get('/agencies')).items) form.elements.agency.append(h('option', { value: a.code }, a.name));
} catch { /* all agencies only */ }

const today = todayIso();
form.elements.from.value = param('from') || fmtDate(`${today.slice(0, 4)}-01-01`);
form.elements.to.value = param('to') || fmtDate(today);
if (param('agency')) form.elements.agency.value = param('agency');
if (param('group_by')) form.elements.group_by.value = param('group_by');

async function show() {
  clearErrors(form);
  const from = parseVnDate(form.elements.from.value);
  const to = parseVnDate(form.elements.to.value);
  const errors = [];
  if (!from) errors.push({ field: 'from', message: 'Ngày bắt đầu phải có dạng ngày/tháng/năm.' });
  if (!to) errors.push({ field: 'to', message: 'Ngày kết thúc phải có dạng ngày/tháng/năm.' });
  if (errors.length) { showErrors(form, errors); return; }
  try {
    await renderReport(box, { from, to, agency: form.elements.agency.value, group_by: form.elements.group_by.value });
  } catch (e) {
    if (e.errors && e.errors.length) showErrors(form, e); else showFailure(box, e, 'tải số liệu thống kê');
  }
}
form.addEventListener('submit', (ev) => { ev.preventDefault(); busy(form.querySelector('button'), show, 'Đang tải…'); });
await show();
