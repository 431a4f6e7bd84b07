// The register of dossiers of the year (Form 06, M4), rendered by the server as a printable
// document (HTML shown here, PDF to download).
import { layout, requireLogin } from '../layout.js';
import { api, API, STAFF_ROLES } from '../api.js';
import { h, $, setContent, alertBox, todayIso, busy, announce } from '../ui.js';

layout({ area: 'console', current: 'so-theo-doi' });
await requireLogin('console', STAFF_ROLES);
const form = $('#year-form');
const book = $('#book');
form.elements.year.value = todayIso().slice(0, 4);
let frame = null;

function problem(e) {
  setContent(book, alertBox(e.missingRoute ? 'warn' : 'error', null, e.missingRoute ? 'Máy chủ chưa hỗ trợ Sổ theo dõi hồ sơ.' : e.detail));
}

async function show() {
  const year = encodeURIComponent(form.elements.year.value);
  try {
    const html = await api(`${API}/register?year=${year}&format=html`, { headers: { Accept: 'text/html' } });
    frame = h('iframe', { class: 'form-preview', title: `Sổ theo dõi hồ sơ năm ${form.elements.year.value}`, sandbox: 'allow-same-origin allow-modals' });
    frame.srcdoc = html;
    setContent(book, frame);
    announce(`Đã mở sổ theo dõi hồ sơ năm ${form.elements.year.value}.`);
  } catch (e) { problem(e); }
}

async function pdf() {
  const year = encodeURIComponent(form.elements.year.value);
  try {
    const res = await api(`${API}/register?year=${year}&format=pdf`, { headers: { Accept: 'application/pdf' }, raw: true });
    const url = URL.createObjectURL(await res.blob());
    const a = h('a', { href: url, download: `so-theo-doi-${year}.pdf`, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (e) { problem(e); }
}

form.addEventListener('submit', (ev) => { ev.preventDefault(); busy(form.querySelector('button[type=submit]'), show, 'Đang tải…'); });
$('#print').addEventListener('click', () => { if (frame) frame.contentWindow.print(); });
$('#pdf').addEventListener('click', (ev) => busy(ev.target, pdf, 'Đang tải…'));
await show();
