// Feedback and petitions addressed to the officer's agency (P18, Decision 766): refuse with a
// reason, ask the sender for more information, answer, publish — each with its deadline.
import { layout, requireLogin } from '../layout.js';
import { get, post } from '../api.js';
import { h, $, setContent, showFailure, showErrors, clearErrors, busy, fmtDateTime, facts, nextId, alertBox } from '../ui.js';

layout({ area: 'console', current: 'phan-anh-cb' });
await requireLogin('console', ['receiving_officer', 'specialist', 'leader', 'agency_admin']);
const list = $('#list');
const KIND = { report: 'Phản ánh', petition: 'Kiến nghị' };

// A form with one text area that posts `{ [field]: text, ...extra }` to the feedback's `action`.
function stepForm(f, { action, field, label, button, checkbox }) {
  const tid = nextId(action);
  const cid = nextId('publish');
  const form = h('form', { novalidate: true, class: 'stack' },
    h('div', { class: 'field' }, h('label', { for: tid }, label, h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')), h('textarea', { id: tid, name: field, rows: 3, required: true })),
    checkbox ? h('div', { class: 'field choice' }, h('input', { type: 'checkbox', id: cid, name: 'publish', checked: true }), h('label', { for: cid }, checkbox)) : null,
    h('button', { type: 'submit' }, button));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const text = form.elements[field].value.trim();
    if (!text) { showErrors(form, [{ field, message: `Vui lòng nhập ${label.toLowerCase()}.` }]); return; }
    const body = { [field]: text, ...(checkbox ? { publish: form.elements.publish.checked } : {}) };
    busy(form.querySelector('button'), async () => {
      try {
        const updated = await post(`/feedback/${encodeURIComponent(f.code)}/${action}`, body);
        form.closest('li').replaceWith(item(updated));
      } catch (e) { showErrors(form, e); }
    });
  });
  return form;
}

function publishButton(f) {
  const button = h('button', { type: 'button', class: 'secondary' }, 'Công khai câu trả lời');
  button.addEventListener('click', () => busy(button, async () => {
    try {
      const updated = await post(`/feedback/${encodeURIComponent(f.code)}/publish`, {});
      button.closest('li').replaceWith(item(updated));
    } catch (e) { button.replaceWith(alertBox('error', null, e.detail || e.title || 'Không công khai được.')); }
  }));
  return button;
}

function actions(f) {
  if (f.refusal) return alertBox('warn', null, h('p', {}, h('strong', {}, `Đã từ chối tiếp nhận (${fmtDateTime(f.refusal.at)}): `), f.refusal.text));
  const question = f.question ? h('div', { class: 'alert warn' },
    h('p', {}, h('strong', {}, `Đã đề nghị bổ sung (${fmtDateTime(f.question.at)}): `), f.question.text),
    h('p', {}, f.question.reply ? [h('strong', {}, `Người gửi trả lời (${fmtDateTime(f.question.reply.at)}): `), f.question.reply.text] : 'Đang chờ người gửi trả lời.')) : null;
  if (f.answer) {
    return h('div', { class: 'stack' }, question,
      h('div', { class: 'alert ok' }, h('p', {}, h('strong', {}, `Đã trả lời (${fmtDateTime(f.answer.at)}): `), f.answer.text)),
      f.published ? h('p', {}, 'Câu trả lời đã được công khai trên Cổng.') : publishButton(f));
  }
  const answer = stepForm(f, { action: 'answer', field: 'answer', label: 'Nội dung trả lời', button: 'Gửi trả lời',
    checkbox: 'Công khai câu trả lời trên Cổng (không hiện tên, thông tin liên hệ của người gửi)' });
  const more = h('details', {}, h('summary', {}, 'Từ chối tiếp nhận hoặc đề nghị bổ sung thông tin'),
    h('div', { class: 'stack' },
      stepForm(f, { action: 'refuse', field: 'text', label: 'Lý do từ chối tiếp nhận', button: 'Từ chối tiếp nhận' }),
      f.question ? null : stepForm(f, { action: 'request-info', field: 'text', label: 'Thông tin cần người gửi bổ sung', button: 'Đề nghị bổ sung' })));
  return h('div', { class: 'stack' }, question, answer, more);
}

function item(f) {
  const d = f.deadlines || {};
  const due = f.refusal ? null : f.answer
    ? (f.published ? null : ['Hạn công khai', fmtDateTime(d.publish_by)])
    : ['Hạn trả lời', d.answer_by ? fmtDateTime(d.answer_by) : 'Tạm dừng khi chờ người gửi bổ sung'];
  return h('li', {},
    h('h2', {}, f.title),
    facts([['Mã', f.code], ['Loại', KIND[f.kind] || f.kind], ['Người gửi', f.submitter_name], ['Liên hệ', [f.phone, f.email].filter(Boolean).join(' · ') || '—'],
      ['Gửi lúc', fmtDateTime(f.created_at)], ['Hồ sơ liên quan', f.dossier_code || '—'], ['Tình trạng', f.status_label],
      f.answer || f.refusal ? null : ['Hạn từ chối / đề nghị bổ sung', `${fmtDateTime(d.refuse_by)} / ${fmtDateTime(d.ask_by)}`], due]),
    h('p', {}, f.content),
    actions(f));
}

try {
  const page = await get('/feedback?limit=50');
  setContent(list, page.items.length ? h('ul', { class: 'results' }, page.items.map(item))
    : h('p', {}, 'Chưa có phản ánh, kiến nghị nào gửi cơ quan.'));
} catch (e) {
  showFailure(list, e, 'tải phản ánh, kiến nghị');
}
