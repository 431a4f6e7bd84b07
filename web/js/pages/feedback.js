// Feedback and petitions (P18): send one (with or without an account), follow it with its
// tracking code and secret, and read the published answers.
import { layout } from '../layout.js';
import { get, post, session } from '../api.js';
import { h, $, setContent, showFailure, showErrors, clearErrors, busy, alertBox, fmtDate, fmtDateTime, facts } from '../ui.js';

layout({ current: 'phan-anh' });
const send = $('#send');
const track = $('#track');
const KIND = { report: 'Phản ánh', petition: 'Kiến nghị' };
let agencies = [];

try {
  agencies = (await get('/agencies')).items;
  for (const a of agencies) send.elements.agency.append(h('option', { value: a.code }, a.name));
} catch { /* the select stays empty; the server answers with a field error */ }
const s = session();
if (s && s.name) send.elements.submitter_name.value = s.name;
const agencyName = (code) => (agencies.find((a) => a.code === code) || {}).name || code;

send.addEventListener('submit', (ev) => {
  ev.preventDefault();
  clearErrors(send);
  const v = (n) => send.elements[n].value.trim();
  const errors = [];
  if (!v('agency')) errors.push({ field: 'agency', message: 'Vui lòng chọn cơ quan tiếp nhận.' });
  if (!v('title')) errors.push({ field: 'title', message: 'Vui lòng nhập tiêu đề.' });
  if (!v('content')) errors.push({ field: 'content', message: 'Vui lòng nhập nội dung.' });
  if (!v('submitter_name')) errors.push({ field: 'submitter_name', message: 'Vui lòng nhập họ và tên.' });
  if (errors.length) { showErrors(send, errors); return; }
  busy(send.querySelector('button[type=submit]'), async () => {
    try {
      const r = await post('/feedback', {
        kind: send.elements.kind.value, agency: v('agency'), title: v('title'), content: v('content'),
        submitter_name: v('submitter_name'), phone: v('phone') || null, email: v('email') || null, dossier_code: v('dossier_code') || null,
      });
      send.reset();
      const box = alertBox('ok', 'Đã gửi phản ánh, kiến nghị',
        facts([['Mã theo dõi', h('strong', {}, r.code)], ['Mã bí mật', h('span', { class: 'secret' }, r.secret)], ['Gửi lúc', fmtDateTime(r.created_at)], ['Tình trạng', r.status_label]]),
        h('p', {}, 'Hãy ghi lại mã theo dõi và mã bí mật để xem câu trả lời.'));
      box.tabIndex = -1;
      setContent($('#sent'), box);
      box.focus();
    } catch (e) { showErrors(send, e); }
  }, 'Đang gửi…');
});

// The sender's reply to the agency's request for more information (with the secret).
function replyForm(f, secret) {
  const form = h('form', { novalidate: true, class: 'stack' },
    h('div', { class: 'field' }, h('label', { for: 'reply-text' }, 'Thông tin bổ sung', h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
      h('textarea', { id: 'reply-text', name: 'text', rows: 3, required: true })),
    h('button', { type: 'submit' }, 'Gửi thông tin bổ sung'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const text = form.elements.text.value.trim();
    if (!text) { showErrors(form, [{ field: 'text', message: 'Vui lòng nhập thông tin bổ sung.' }]); return; }
    busy(form.querySelector('button'), async () => {
      try {
        showTracked(await post(`/feedback/${encodeURIComponent(f.code)}/reply`, { text, secret }), secret);
      } catch (e) { showErrors(form, e); }
    }, 'Đang gửi…');
  });
  return form;
}

function showTracked(f, secret) {
  const q = f.question;
  setContent($('#tracked'), h('div', { class: 'stack' },
    h('h3', {}, f.title),
    facts([['Mã', f.code], ['Loại', KIND[f.kind] || f.kind], ['Cơ quan', agencyName(f.agency)], ['Gửi lúc', fmtDateTime(f.created_at)], ['Tình trạng', f.status_label]]),
    h('p', {}, f.content),
    f.refusal ? h('div', { class: 'alert warn' }, h('h3', {}, `Từ chối tiếp nhận (${fmtDate(f.refusal.at)})`), h('p', {}, f.refusal.text)) : null,
    q ? h('div', { class: 'alert warn' }, h('h3', {}, `Cơ quan đề nghị bổ sung thông tin (${fmtDate(q.at)})`), h('p', {}, q.text),
      q.reply ? h('p', {}, h('strong', {}, `Bạn đã trả lời (${fmtDate(q.reply.at)}): `), q.reply.text) : null) : null,
    q && !q.reply && !f.answer && !f.refusal ? replyForm(f, secret) : null,
    f.answer ? h('div', { class: 'alert ok' }, h('h3', {}, `Trả lời của ${f.answer.by_name || 'cơ quan'} (${fmtDate(f.answer.at)})`), h('p', {}, f.answer.text))
      : f.refusal ? null : h('p', {}, 'Chưa có câu trả lời.')));
}

track.addEventListener('submit', (ev) => {
  ev.preventDefault();
  clearErrors(track);
  const code = track.elements.code.value.trim();
  const secret = track.elements.secret.value.trim();
  const errors = [];
  if (!code) errors.push({ field: 'code', message: 'Vui lòng nhập mã theo dõi.' });
  if (!secret) errors.push({ field: 'secret', message: 'Vui lòng nhập mã bí mật.' });
  if (errors.length) { showErrors(track, errors); return; }
  busy(track.querySelector('button[type=submit]'), async () => {
    try {
      showTracked(await get(`/feedback/${encodeURIComponent(code)}?secret=${encodeURIComponent(secret)}`), secret);
    } catch (e) { showErrors(track, e); }
  }, 'Đang tải…');
});

const published = $('#published');
try {
  const page = await get('/feedback?limit=20', { auth: false });
  setContent(published, page.items.length
    ? h('ul', { class: 'results' }, page.items.map((f) => h('li', {},
      h('h3', {}, f.title),
      h('ul', { class: 'meta' }, h('li', {}, KIND[f.kind] || f.kind), h('li', {}, agencyName(f.agency)), h('li', {}, `Gửi ngày ${fmtDate(f.created_at)}`)),
      h('p', {}, f.content),
      f.answer ? h('div', { class: 'alert ok' }, h('p', {}, h('strong', {}, `Trả lời (${fmtDate(f.answer.at)}): `), f.answer.text)) : null)))
    : h('p', {}, 'Chưa có phản ánh, kiến nghị nào được công khai.'));
} catch (e) {
  showFailure(published, e, 'tải danh sách');
}
