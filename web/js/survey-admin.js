// Surveys in the console (P11): every officer sees the surveys with their tallies; the system
// administrator and agency administrators publish a new one — title, description, closing day
// and questions with their options, added and removed with buttons (focus follows the change,
// the live region says what happened).
import { get, post } from './api.js';
import { h, setContent, showFailure, showErrors, clearErrors, busy, alertBox, field, fmtDate, parseVnDate, todayIso, announce } from './ui.js';
import { results, stateBadge, deadlineText, responsesLabel } from './surveys.js';

const MAX_QUESTIONS = 30;
const MIN_OPTIONS = 2;
const MAX_OPTIONS = 10;
const hidden = (text) => h('span', { class: 'visually-hidden' }, text);
const blank = () => ({ text: '', options: ['', ''] });

/** Fills `box` (the section of the administration page). */
export async function surveyAdmin(box, me, agencies = []) {
  const agencyName = (code) => (agencies.find((a) => a.code === code) || {}).name || code;
  const canCreate = me.role === 'system_admin' || me.role === 'agency_admin';
  const noticeBox = h('div');
  const listBox = h('div', { class: 'survey-admin-list' }, h('p', {}, 'Đang tải…'));

  async function loadList(openId) {
    try {
      const items = (await get('/surveys')).items || [];
      setContent(listBox, items.length
        ? items.map((s) => h('details', { 'data-survey': s.id, open: s.id === openId },
          h('summary', {}, s.title, ' — ', stateBadge(s), ' — ', responsesLabel(s.responses)),
          h('ul', { class: 'meta' },
            h('li', {}, deadlineText(s)),
            s.agency ? h('li', {}, `Cơ quan: ${agencyName(s.agency)}`) : null,
            h('li', {}, `Đăng ngày ${fmtDate(s.created_at)}`)),
          s.description ? h('p', {}, s.description) : null,
          results(s),
          h('p', {}, h('a', { href: `/khao-sat.html#ks-${encodeURIComponent(s.id)}` }, 'Xem trên Cổng Dịch vụ công', hidden(`: ${s.title}`)))))
        : h('p', {}, 'Chưa có cuộc khảo sát, lấy ý kiến nào.'));
    } catch (e) {
      showFailure(listBox, e, 'tải danh sách khảo sát');
    }
  }

  async function created(s) {
    await loadList(s.id);
    const ok = alertBox('ok', null, h('p', {}, `Đã đăng khảo sát “${s.title}”. Công dân, doanh nghiệp trả lời trên Cổng Dịch vụ công đến hết ngày ${fmtDate(s.closes_on)}. `,
      h('a', { href: `/khao-sat.html#ks-${encodeURIComponent(s.id)}` }, 'Xem trên Cổng Dịch vụ công')));
    ok.tabIndex = -1;
    setContent(noticeBox, ok);
    ok.focus();
  }

  setContent(box, noticeBox,
    h('h3', {}, 'Các cuộc khảo sát và kết quả'),
    listBox,
    canCreate ? createForm(created) : h('p', { class: 'small muted' }, 'Chỉ quản trị của cơ quan hoặc quản trị hệ thống được tạo khảo sát, lấy ý kiến.'));
  await loadList();
}

function createForm(onCreated) {
  let questions = [blank()];
  const list = h('ol', { class: 'question-list' });
  const addQuestion = h('button', { type: 'button', class: 'secondary' }, 'Thêm câu hỏi');
  const form = h('form', { class: 'survey-create', novalidate: true, 'aria-labelledby': 'ks-tao' },
    h('h3', { id: 'ks-tao' }, 'Tạo khảo sát, lấy ý kiến'),
    field({ label: 'Tiêu đề', name: 'title', required: true, maxlength: '300', autocomplete: 'off' }),
    field({ label: 'Mô tả', name: 'description', type: 'textarea', rows: 3, hint: 'Mục đích, đối tượng, dự thảo cần lấy ý kiến (không bắt buộc)' }),
    field({ label: 'Hạn nhận ý kiến', name: 'closes_on', required: true, inputmode: 'numeric', autocomplete: 'off', hint: 'ngày/tháng/năm; công dân, doanh nghiệp trả lời đến hết ngày này' }),
    h('h4', {}, 'Câu hỏi'),
    h('p', { class: 'small muted' }, `Mỗi câu hỏi có từ ${MIN_OPTIONS} đến ${MAX_OPTIONS} phương án; người trả lời chọn một phương án. Tối đa ${MAX_QUESTIONS} câu hỏi.`),
    h('div', { 'data-field': 'questions', tabindex: '-1' }, list),
    h('div', { class: 'actions' }, addQuestion, h('button', { type: 'submit' }, 'Đăng khảo sát')));

  const el = (name) => form.elements.namedItem(name);
  /** Takes what was typed into the model before the list is redrawn. */
  function read() {
    questions = questions.map((q, i) => ({
      text: el(`questions[${i}].text`).value,
      options: q.options.map((_, j) => el(`questions[${i}].options[${j}]`).value),
    }));
  }
  /** Changes the list of questions, redraws it, moves the focus and says what happened. */
  function change(mutate, focusName, message) {
    read();
    mutate();
    clearErrors(form);
    draw();
    const target = typeof focusName === 'function' ? focusName() : el(focusName);
    (target || addQuestion).focus();
    announce(message);
  }

  function draw() {
    list.replaceChildren(...questions.map((q, i) => {
      const n = i + 1;
      const options = h('ol', { class: 'option-list' }, q.options.map((o, j) => h('li', { class: 'option-row' },
        field({ label: [`Phương án ${j + 1}`, hidden(` của câu hỏi ${n}`)], name: `questions[${i}].options[${j}]`, value: o, required: true, autocomplete: 'off' }),
        q.options.length > MIN_OPTIONS ? h('button', {
          type: 'button', class: 'secondary',
          onclick: () => change(() => questions[i].options.splice(j, 1),
            () => el(`questions[${i}].options[${Math.min(j, questions[i].options.length - 1)}]`),
            `Đã xóa phương án ${j + 1} của câu hỏi ${n}; còn ${q.options.length - 1} phương án.`),
        }, 'Xóa', hidden(` phương án ${j + 1} của câu hỏi ${n}`)) : null)));
      return h('li', {}, h('fieldset', {},
        h('legend', {}, `Câu hỏi ${n}`),
        field({ label: `Nội dung câu hỏi ${n}`, name: `questions[${i}].text`, value: q.text, required: true, autocomplete: 'off', 'data-field': `questions[${i}]` }),
        h('fieldset', {}, h('legend', {}, 'Các phương án trả lời', hidden(` của câu hỏi ${n}`)),
          options,
          q.options.length < MAX_OPTIONS
            ? h('button', {
              type: 'button', class: 'secondary',
              onclick: () => change(() => questions[i].options.push(''), `questions[${i}].options[${q.options.length}]`,
                `Đã thêm phương án ${q.options.length + 1} của câu hỏi ${n}.`),
            }, 'Thêm phương án', hidden(` cho câu hỏi ${n}`))
            : h('p', { class: 'small muted' }, `Đã đủ ${MAX_OPTIONS} phương án.`)),
        questions.length > 1 ? h('button', {
          type: 'button', class: 'secondary',
          onclick: () => change(() => questions.splice(i, 1),
            `questions[${Math.min(i, questions.length - 2)}].text`,
            `Đã xóa câu hỏi ${n}; còn ${questions.length - 1} câu hỏi.`),
        }, `Xóa câu hỏi ${n}`) : null));
    }));
    addQuestion.hidden = questions.length >= MAX_QUESTIONS;
  }
  addQuestion.addEventListener('click', () => change(() => questions.push(blank()), `questions[${questions.length}].text`,
    `Đã thêm câu hỏi ${questions.length + 1}.`));
  draw();

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    read();
    const v = (n) => el(n).value.trim();
    const errors = [];
    if (!v('title')) errors.push({ field: 'title', message: 'Vui lòng nhập tiêu đề.' });
    const closesOn = parseVnDate(v('closes_on'));
    if (!v('closes_on')) errors.push({ field: 'closes_on', message: 'Vui lòng nhập hạn nhận ý kiến.' });
    else if (!closesOn) errors.push({ field: 'closes_on', message: 'Hạn nhận ý kiến phải là ngày hợp lệ dạng ngày/tháng/năm, ví dụ 31/12/2026.' });
    else if (closesOn < todayIso()) errors.push({ field: 'closes_on', message: 'Hạn nhận ý kiến không được trước hôm nay.' });
    questions.forEach((q, i) => {
      if (!q.text.trim()) errors.push({ field: `questions[${i}].text`, message: `Vui lòng nhập nội dung câu hỏi ${i + 1}.` });
      const seen = new Set();
      q.options.forEach((o, j) => {
        const t = o.trim().toLocaleLowerCase('vi');
        if (!t) {
          errors.push({ field: `questions[${i}].options[${j}]`, message: `Vui lòng nhập phương án ${j + 1} của câu hỏi ${i + 1}${q.options.length > MIN_OPTIONS ? ' (hoặc xóa phương án này)' : ''}.` });
        } else if (seen.has(t)) {
          errors.push({ field: `questions[${i}].options[${j}]`, message: `Phương án ${j + 1} của câu hỏi ${i + 1} trùng với một phương án khác.` });
        }
        seen.add(t);
      });
    });
    if (errors.length) { showErrors(form, errors); return; }
    const body = {
      title: v('title'),
      closes_on: closesOn,
      questions: questions.map((q) => ({ text: q.text.trim(), options: q.options.map((o) => o.trim()) })),
    };
    if (v('description')) body.description = v('description');
    busy(form.querySelector('button[type=submit]'), async () => {
      try {
        const s = await post('/surveys', body);
        form.reset();
        questions = [blank()];
        draw();
        await onCreated(s);
      } catch (e) { showErrors(form, e); }
    }, 'Đang đăng…');
  });
  return form;
}
