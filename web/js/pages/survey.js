// Consultations and surveys (P11): open ones with their questions; answers are sent once.
// The server has no survey API yet: the page says so instead of failing.
import { layout } from '../layout.js';
import { get, post } from '../api.js';
import { h, setContent, alertBox, showFailure, showErrors, clearErrors, busy, fmtDate } from '../ui.js';

layout({ current: 'khao-sat' });
const app = document.getElementById('app');

function surveyForm(s) {
  const form = h('form', { class: 'card', novalidate: true },
    h('h2', {}, s.title),
    s.description ? h('p', {}, s.description) : null,
    h('p', { class: 'small muted' }, `Thời hạn góp ý: ${fmtDate(s.closes_at || s.until)}`),
    (s.questions || []).map((q, i) => q.options && q.options.length
      ? h('fieldset', {}, h('legend', {}, q.text), q.options.map((o, j) => h('div', { class: 'choice' },
        h('input', { type: 'radio', id: `s${s.id}-q${i}-${j}`, name: `q${i}`, value: o }), h('label', { for: `s${s.id}-q${i}-${j}` }, o))))
      : h('div', { class: 'field' }, h('label', { for: `s${s.id}-q${i}` }, q.text), h('textarea', { id: `s${s.id}-q${i}`, name: `q${i}`, rows: 3 }))),
    h('button', { type: 'submit' }, 'Gửi ý kiến'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const answers = (s.questions || []).map((q, i) => (form.elements[`q${i}`] ? form.elements[`q${i}`].value : ''));
    busy(form.querySelector('button'), async () => {
      try {
        await post(`/surveys/${encodeURIComponent(s.id)}/answers`, { answers });
        form.replaceWith(alertBox('ok', 'Cảm ơn bạn đã góp ý', `Ý kiến về “${s.title}” đã được ghi nhận.`));
      } catch (e) { showErrors(form, e); }
    });
  });
  return form;
}

try {
  const page = await get('/surveys');
  setContent(app, page.items && page.items.length ? page.items.map(surveyForm) : h('p', {}, 'Hiện không có cuộc lấy ý kiến, khảo sát nào đang mở.'));
} catch (e) {
  if (e.missingRoute) {
    setContent(app, alertBox('info', 'Chưa có cuộc lấy ý kiến nào', 'Chức năng lấy ý kiến, khảo sát trực tuyến chưa được hệ thống triển khai. Bạn có thể gửi góp ý qua mục Phản ánh, kiến nghị.'),
      h('p', {}, h('a', { class: 'button secondary', href: '/phan-anh.html' }, 'Gửi phản ánh, kiến nghị')));
  } else {
    showFailure(app, e, 'tải danh sách khảo sát');
  }
}
