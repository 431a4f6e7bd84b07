// Consultations and surveys (P11): the surveys still taking answers and those closed, each with
// its public tally. A signed-in citizen or business answers an open survey once (one choice per
// question, radio groups); a second answer, or an answer after the closing day, is refused by
// the server and the page says so in words.
import { layout, loginUrl } from '../layout.js';
import { get, post, session, isApplicant, isStaff } from '../api.js';
import { h, $, add, setContent, alertBox, showFailure, showErrors, clearErrors, busy, fmtDate, announce } from '../ui.js';
import { results, stateBadge, deadlineText, responsesLabel } from '../surveys.js';

layout({ current: 'khao-sat' });
const app = $('#app');
const me = session();
let agencies = [];
const agencyName = (code) => (agencies.find((a) => a.code === code) || {}).name || code;

/** A message box that takes the focus (after an answer, the person hears what happened). */
function notice(kind, title, ...body) {
  const box = alertBox(kind, null, h('h4', {}, title), ...body);
  box.tabIndex = -1;
  return box;
}

function answerForm(s, article) {
  const base = `ks-${s.id}`;
  const form = h('form', { class: 'survey-form', novalidate: true },
    h('p', { class: 'small muted' }, 'Chọn một phương án cho mỗi câu hỏi. Mỗi người trả lời một lần; ý kiến đã gửi không sửa được.'),
    s.questions.map((q, i) => h('fieldset', {},
      h('legend', {}, `Câu ${i + 1}. ${q.text}`, h('span', { class: 'req', 'aria-hidden': 'true' }, ' *'), h('span', { class: 'visually-hidden' }, ' (bắt buộc)')),
      q.options.map((o, j) => h('div', { class: 'choice' },
        h('input', { type: 'radio', id: `${base}-q${i}-o${j}`, name: `q${i}`, value: String(j), required: true }),
        h('label', { for: `${base}-q${i}-o${j}` }, o))))),
    h('button', { type: 'submit' }, 'Gửi ý kiến'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const choices = s.questions.map((q, i) => {
      const picked = form.querySelector(`input[name="q${i}"]:checked`);
      return picked ? Number(picked.value) : null;
    });
    const missing = choices.map((c, i) => (c === null ? { field: `q${i}`, message: `Vui lòng chọn một phương án cho câu ${i + 1}.` } : null)).filter(Boolean);
    if (missing.length) { showErrors(form, missing); return; }
    busy(form.querySelector('button[type=submit]'), async () => {
      try {
        const updated = await post(`/surveys/${encodeURIComponent(s.id)}/answers`, { choices });
        show(article, updated, {
          mine: choices,
          message: notice('ok', 'Cảm ơn bạn đã góp ý', `Ý kiến của bạn về “${s.title}” đã được ghi nhận. Kết quả tổng hợp ở bên dưới.`),
        });
      } catch (e) {
        if (e.code === 'already_answered' || e.code === 'survey_closed') {
          const closed = e.code === 'survey_closed';
          const message = closed
            ? notice('warn', 'Khảo sát đã kết thúc', `Khảo sát này đã hết hạn nhận ý kiến nên ý kiến vừa gửi không được ghi nhận.`)
            : notice('warn', 'Bạn đã trả lời khảo sát này', 'Mỗi người chỉ trả lời một lần; ý kiến bạn gửi trước đây đã được ghi nhận và không thay đổi. Kết quả tổng hợp ở bên dưới.');
          let fresh = s;
          try { fresh = await get(`/surveys/${encodeURIComponent(s.id)}`); } catch { /* keep what the page has */ }
          show(article, fresh, { message, answered: true });
        } else if (e.status === 401) {
          showErrors(form, { ...e, title: 'Phiên đăng nhập đã hết hạn', detail: 'Vui lòng đăng nhập lại để gửi ý kiến; các lựa chọn của bạn chưa được gửi.', errors: [] });
          form.querySelector('.error-summary').append(h('p', {}, h('a', { href: loginUrl() }, 'Đăng nhập lại')));
        } else {
          showErrors(form, e);
        }
      }
    }, 'Đang gửi…');
  });
  return form;
}

/** What the person can do with the survey: answer it, or why not. */
function action(s, article) {
  if (!s.open) return null;
  // The heading stays outside the form: an error summary (h2) goes at the form's top.
  if (isApplicant(me)) return [h('h4', { class: 'survey-form-title' }, 'Phiếu trả lời'), answerForm(s, article)];
  if (isStaff(me)) return h('p', { class: 'hint-box' }, 'Tài khoản cán bộ không tham gia trả lời; khảo sát dành cho công dân, doanh nghiệp.');
  return h('p', { class: 'hint-box' }, 'Để trả lời, vui lòng ', h('a', { href: loginUrl() }, 'đăng nhập'),
    ' bằng tài khoản công dân hoặc doanh nghiệp (chưa có tài khoản? ', h('a', { href: '/dang-ky.html' }, 'đăng ký'), ').');
}

function tally(s, { open, mine }) {
  const base = `ks-${s.id}`;
  if (!s.open || open) {
    return h('section', { class: 'survey-tally', 'aria-labelledby': `${base}-kq` },
      h('h4', { id: `${base}-kq` }, s.open ? `Kết quả tạm thời (${responsesLabel(s.responses)})` : `Kết quả (${responsesLabel(s.responses)})`),
      results(s, { mine }));
  }
  return h('details', { class: 'survey-tally' },
    h('summary', {}, `Xem kết quả tạm thời (${responsesLabel(s.responses)})`), results(s));
}

function render(s, { message = null, mine = null, answered = false } = {}) {
  const base = `ks-${s.id}`;
  const article = h('article', { class: 'card survey', id: base, 'data-survey': s.id, 'aria-labelledby': `${base}-title` });
  fill(article, s, { message, mine, answered });
  return article;
}

function fill(article, s, { message, mine, answered }) {
  const base = `ks-${s.id}`;
  add(article,
    h('h3', { id: `${base}-title`, tabindex: '-1' }, s.title),
    h('ul', { class: 'meta' },
      h('li', {}, stateBadge(s)),
      h('li', {}, deadlineText(s)),
      s.agency ? h('li', {}, `Cơ quan: ${agencyName(s.agency)}`) : null,
      h('li', {}, `Đăng ngày ${fmtDate(s.created_at)}`)),
    s.description ? h('p', { class: 'survey-description' }, s.description) : null,
    message,
    message ? null : action(s, article),
    tally(s, { open: !!message || answered, mine }));
}

/** Redraws one survey in place (after an answer), focusing the message. */
function show(article, s, opts) {
  article.replaceChildren();
  fill(article, s, opts);
  if (opts.message) {
    opts.message.focus();
    announce(opts.message.textContent);
  }
}

function group(id, title, items, empty) {
  return h('section', { 'aria-labelledby': id },
    h('h2', { id }, `${title} (${items.length})`),
    items.length ? items.map((s) => render(s)) : h('p', {}, empty));
}

try {
  const [page, ag] = await Promise.all([get('/surveys', { auth: false }), get('/agencies', { auth: false }).catch(() => ({ items: [] }))]);
  agencies = ag.items || [];
  const items = page.items || [];
  setContent(app,
    group('dang-mo', 'Đang lấy ý kiến', items.filter((s) => s.open), 'Hiện không có cuộc lấy ý kiến, khảo sát nào đang mở.'),
    group('da-ket-thuc', 'Đã kết thúc', items.filter((s) => !s.open), 'Chưa có cuộc khảo sát nào kết thúc.'));
  // A link to one survey (/khao-sat.html#ks-…) brings it into view once the list is drawn.
  const target = location.hash.startsWith('#ks-') ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
  if (target) { target.scrollIntoView(); target.querySelector('h3').focus(); }
} catch (e) {
  showFailure(app, e, 'tải danh sách khảo sát');
}
