// Feedback and petitions addressed to the officer's agency (P18): read, answer, publish.
import { layout, requireLogin } from '../layout.js';
import { get, post } from '../api.js';
import { h, $, setContent, showFailure, showErrors, clearErrors, busy, fmtDateTime, facts, nextId, alertBox } from '../ui.js';

layout({ area: 'console', current: 'phan-anh-cb' });
await requireLogin('console', ['receiving_officer', 'specialist', 'leader', 'agency_admin']);
const list = $('#list');
const KIND = { report: 'Phản ánh', petition: 'Kiến nghị' };

function answerForm(f) {
  const tid = nextId('answer');
  const pid = nextId('publish');
  const form = h('form', { novalidate: true },
    h('div', { class: 'field' }, h('label', { for: tid }, 'Nội dung trả lời', h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')), h('textarea', { id: tid, name: 'answer', rows: 4, required: true })),
    h('div', { class: 'field choice' }, h('input', { type: 'checkbox', id: pid, name: 'publish', checked: true }), h('label', { for: pid }, 'Công khai câu trả lời trên Cổng (không hiện tên, thông tin liên hệ của người gửi)')),
    h('button', { type: 'submit' }, 'Gửi trả lời'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const answer = form.elements.answer.value.trim();
    if (!answer) { showErrors(form, [{ field: 'answer', message: 'Vui lòng nhập nội dung trả lời.' }]); return; }
    busy(form.querySelector('button'), async () => {
      try {
        await post(`/feedback/${encodeURIComponent(f.code)}/answer`, { answer, publish: form.elements.publish.checked });
        form.replaceWith(alertBox('ok', null, 'Đã gửi trả lời.'));
      } catch (e) { showErrors(form, e); }
    });
  });
  return form;
}

try {
  const page = await get('/feedback?limit=50');
  setContent(list, page.items.length ? h('ul', { class: 'results' }, page.items.map((f) => h('li', {},
    h('h2', {}, `${f.title}`),
    facts([['Mã', f.code], ['Loại', KIND[f.kind] || f.kind], ['Người gửi', f.submitter_name], ['Liên hệ', [f.phone, f.email].filter(Boolean).join(' · ') || '—'],
      ['Gửi lúc', fmtDateTime(f.created_at)], ['Hồ sơ liên quan', f.dossier_code || '—'], ['Tình trạng', f.status_label]]),
    h('p', {}, f.content),
    f.answer ? h('div', { class: 'alert ok' }, h('p', {}, h('strong', {}, `Đã trả lời (${fmtDateTime(f.answer.at)}): `), f.answer.text)) : answerForm(f))))
    : h('p', {}, 'Chưa có phản ánh, kiến nghị nào gửi cơ quan.'));
} catch (e) {
  showFailure(list, e, 'tải phản ánh, kiến nghị');
}
