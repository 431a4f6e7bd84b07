// Administration (M1, M5, M6, P11): the working calendar per year with the system administrator's
// overrides, the procedures with their internal workflow, the accounts, and the surveys — each as
// far as the server's API allows.
import { layout, requireLogin } from '../layout.js';
import { get, put, post, STAFF_ROLES } from '../api.js';
import { surveyAdmin } from '../survey-admin.js';
import { add, h, $, setContent, showFailure, showErrors, clearErrors, busy, alertBox, fmtDate, fmtDateTime, parseVnDate, todayIso, statutoryLabel, ROLE_LABELS, field } from '../ui.js';

layout({ area: 'console', current: 'quan-tri' });
const me = await requireLogin('console', STAFF_ROLES);
const KIND = { holiday: 'Ngày lễ', compensatory: 'Nghỉ bù', adjusted: 'Nghỉ hoán đổi, điều chỉnh' };
const AUDIT = { create_staff: 'Tạo tài khoản cán bộ', lock: 'Khóa tài khoản', unlock: 'Mở khóa tài khoản', 'calendar.override': 'Điều chỉnh lịch làm việc', 'regime.switch': 'Đổi chế độ áp dụng', 'agency.succession': 'Ghi nhận đơn vị kế thừa', 'workflow.publish': 'Sửa quy trình nội bộ',
  'survey.create': 'Tạo khảo sát', 'otp.enrol': 'Bật xác thực hai lớp', 'retention.set': 'Sửa thời hạn lưu trữ', 'archive.erase': 'Xóa dữ liệu cá nhân hồ sơ lưu trữ',
  'integration.replay': 'Gửi lại thư lỗi của kết nối', 'integration.reconcile': 'Đối soát với Cổng DVCQG', 'integration.catalogue_sync': 'Đồng bộ danh mục thủ tục quốc gia',
  'webhook.create': 'Đăng ký webhook', 'webhook.delete': 'Hủy đăng ký webhook' };
const CONNECTION_STATE = { off: 'Chưa cấu hình', ok: 'Hoạt động bình thường', failing: 'Đang lỗi, tự gửi lại' };

// ---- Second factor (TOTP) of the signed-in officer ---------------------------------------------
const otpBox = $('#otp');

async function showOtp(message) {
  const account = await get('/me');
  if (account.otp_enabled) {
    setContent(otpBox, message ? alertBox('ok', null, message) : null,
      h('p', {}, 'Đã bật: khi đăng nhập, hệ thống hỏi thêm mã 6 chữ số trên ứng dụng xác thực của bạn.'));
    return;
  }
  const start = h('button', { type: 'button' }, 'Bật xác thực hai lớp');
  start.addEventListener('click', () => busy(start, async () => {
    try {
      const e = await post('/me/otp', {});
      const form = h('form', { novalidate: true },
        h('p', {}, 'Thêm tài khoản vào ứng dụng xác thực (Google Authenticator, Microsoft Authenticator…) bằng khóa bí mật dưới đây, rồi nhập mã 6 chữ số ứng dụng hiển thị.'),
        h('p', {}, 'Khóa bí mật: ', h('code', {}, e.secret)),
        h('p', { class: 'small muted' }, 'Liên kết cho ứng dụng: ', h('code', {}, e.otpauth_url)),
        field({ label: 'Mã xác thực', name: 'code', required: true, inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '6', hint: '6 chữ số trên ứng dụng' }),
        h('button', { type: 'submit' }, 'Xác nhận'));
      form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        clearErrors(form);
        busy(form.querySelector('button[type=submit]'), async () => {
          try {
            await post('/me/otp/confirm', { code: form.elements.code.value.trim() });
            await showOtp('Đã bật xác thực hai lớp.');
          } catch (err) { showErrors(form, err); }
        });
      });
      setContent(otpBox, form);
      form.elements.code.focus();
    } catch (err) { setContent(otpBox, alertBox('error', null, err.detail)); }
  }));
  setContent(otpBox, h('p', {}, 'Chưa bật. Xác thực hai lớp bảo vệ tài khoản cán bộ khi mật khẩu bị lộ.'), start);
}
if (me.role === 'citizen' || me.role === 'business') otpBox.closest('section').hidden = true;
else showOtp().catch((e) => showFailure(otpBox, e));

// ---- Calendar --------------------------------------------------------------------------------
const calForm = $('#cal-year');
const calBox = $('#calendar');
calForm.elements.year.value = todayIso().slice(0, 4);

async function showCalendar() {
  const year = calForm.elements.year.value;
  try {
    const c = await get(`/calendar/${encodeURIComponent(year)}`);
    const rows = [
      ...c.days_off.map((d) => [d.date, d.name, KIND[d.kind] || d.kind]),
      ...c.working_saturdays.map((d) => [d.date, d.name, 'Ngày làm việc bù (cuối tuần)']),
    ].sort((a, b) => a[0].localeCompare(b[0]));
    const parts = [
      h('p', {}, `Phiên bản lịch: ${c.calendar_version}. Tết Nguyên đán: ${fmtDate(c.lunar_new_year)}; Giỗ Tổ Hùng Vương: ${fmtDate(c.hung_kings_day)}.`),
      h('div', { class: 'table-wrap' }, h('table', {},
        h('caption', {}, `Ngày nghỉ và ngày làm bù năm ${c.year}`),
        h('thead', {}, h('tr', {}, ['Ngày', 'Tên', 'Loại'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, rows.map(([d, n, k]) => h('tr', {}, h('td', {}, fmtDate(d)), h('td', {}, n), h('td', {}, k)))))),
    ];
    if (me.role === 'system_admin') parts.push(overrideForm(c));
    else parts.push(h('p', { class: 'small muted' }, 'Chỉ quản trị hệ thống được điều chỉnh lịch làm việc.'));
    setContent(calBox, ...parts);
  } catch (e) {
    showFailure(calBox, e, 'tải lịch làm việc');
  }
}

function overrideForm(c) {
  const form = h('form', { novalidate: true },
    h('h3', {}, 'Điều chỉnh lịch năm ' + c.year),
    h('p', { class: 'small' }, 'Mỗi lần lưu tạo một phiên bản lịch mới; hạn giải quyết của hồ sơ tiếp nhận sau đó tính theo phiên bản mới.'),
    h('fieldset', {}, h('legend', {}, 'Thêm ngày nghỉ'),
      h('div', { class: 'inline-fields' },
        field({ label: 'Ngày nghỉ', name: 'off_date', hint: 'ngày/tháng/năm', inputmode: 'numeric' }),
        field({ label: 'Tên ngày nghỉ', name: 'off_name' }))),
    h('fieldset', {}, h('legend', {}, 'Thêm ngày làm việc bù'),
      h('div', { class: 'inline-fields' },
        field({ label: 'Ngày làm bù', name: 'work_date', hint: 'ngày/tháng/năm', inputmode: 'numeric' }),
        field({ label: 'Lý do', name: 'work_name' }))),
    h('button', { type: 'submit' }, 'Lưu điều chỉnh'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const v = (n) => form.elements[n].value.trim();
    const errors = [];
    const off = v('off_date') ? parseVnDate(v('off_date')) : null;
    const work = v('work_date') ? parseVnDate(v('work_date')) : null;
    if (v('off_date') && !off) errors.push({ field: 'off_date', message: 'Ngày nghỉ phải có dạng ngày/tháng/năm.' });
    if (v('work_date') && !work) errors.push({ field: 'work_date', message: 'Ngày làm bù phải có dạng ngày/tháng/năm.' });
    if (off && !v('off_name')) errors.push({ field: 'off_name', message: 'Vui lòng nhập tên ngày nghỉ.' });
    if (work && !v('work_name')) errors.push({ field: 'work_name', message: 'Vui lòng nhập lý do làm bù.' });
    if (!off && !work) errors.push({ field: 'off_date', message: 'Nhập ít nhất một ngày nghỉ hoặc một ngày làm bù.' });
    if (errors.length) { showErrors(form, errors); return; }
    // The override replaces the year's previous one: keep the adjustments already in force.
    const body = {
      extra_days_off: c.days_off.filter((d) => d.kind === 'adjusted'),
      working_days: c.working_saturdays.map((d) => [d.date, d.name]),
      cancelled_days_off: [],
    };
    if (off) body.extra_days_off.push({ date: off, name: v('off_name'), kind: 'adjusted' });
    if (work) body.working_days.push([work, v('work_name')]);
    busy(form.querySelector('button'), async () => {
      try {
        await put(`/calendar/${c.year}/overrides`, body);
        await showCalendar();
        calBox.prepend(alertBox('ok', null, 'Đã lưu lịch làm việc (phiên bản mới).'));
      } catch (e) { showErrors(form, e); }
    });
  });
  return form;
}

calForm.addEventListener('submit', (ev) => { ev.preventDefault(); showCalendar(); });
await showCalendar();

// ---- Regime in force (R1) ----------------------------------------------------------------------
const regimeBox = $('#regime');
const REGIME_LABEL = {
  2019: 'Chế độ 2019 (Nghị định 61/2018/NĐ-CP, Thông tư 01/2018/TT-VPCP: mẫu 01–06)',
  2025: 'Chế độ 2025 (Nghị định 118/2025/NĐ-CP, Thông tư 03/2025/TT-VPCP: mẫu 01–07)',
};

async function showRegime(message) {
  try {
    const r = await get('/regime');
    const parts = [
      message ? alertBox('ok', null, message) : null,
      h('p', {}, 'Đang áp dụng: ', h('strong', {}, REGIME_LABEL[r.in_force])),
      h('div', { class: 'table-wrap' }, h('table', {},
        h('caption', {}, r.source === 'deployment' ? 'Lịch áp dụng theo cấu hình triển khai' : `Lịch áp dụng do quản trị đặt (phiên bản ${r.version}, ${fmtDateTime(r.changed_at)})`),
        h('thead', {}, h('tr', {}, ['Từ ngày', 'Chế độ'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, r.schedule.map((e) => h('tr', {}, h('td', {}, e.from ? fmtDate(e.from) : 'Ban đầu'), h('td', {}, REGIME_LABEL[e.regime])))))),
      h('p', { class: 'small muted' }, 'Mỗi hồ sơ giữ chế độ áp dụng vào ngày nộp: mẫu phiếu, mã hồ sơ và cách tính điểm theo chế độ đó.'),
    ];
    if (me.role === 'system_admin') parts.push(regimeForm());
    setContent(regimeBox, ...parts);
  } catch (e) { showFailure(regimeBox, e, 'tải chế độ áp dụng'); }
}

function regimeForm() {
  const choice = (value) => h('div', { class: 'choice' }, h('input', { type: 'radio', id: `regime-${value}`, name: 'regime', value }), h('label', { for: `regime-${value}` }, REGIME_LABEL[value]));
  const form = h('form', { novalidate: true },
    h('h3', {}, 'Đổi chế độ áp dụng'),
    h('fieldset', {}, h('legend', {}, 'Chế độ'), choice('2025'), choice('2019')),
    field({ label: 'Áp dụng từ ngày', name: 'from', hint: 'ngày/tháng/năm, từ hôm nay trở đi', inputmode: 'numeric' }),
    h('button', { type: 'submit' }, 'Lưu chế độ áp dụng'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const regime = form.elements.regime.value;
    const from = parseVnDate(form.elements.from.value.trim());
    const errors = [];
    if (!regime) errors.push({ field: 'regime', message: 'Vui lòng chọn chế độ.' });
    if (!from) errors.push({ field: 'from', message: 'Ngày áp dụng phải có dạng ngày/tháng/năm.' });
    if (errors.length) { showErrors(form, errors); return; }
    busy(form.querySelector('button'), async () => {
      try {
        await put('/regime', { regime, from });
        await showRegime(`Đã lưu: ${REGIME_LABEL[regime]} áp dụng từ ${fmtDate(from)}.`);
      } catch (e) { showErrors(form, e); }
    });
  });
  return form;
}
await showRegime();

// ---- Units: mergers and renamings (R6) ---------------------------------------------------------
const unitsBox = $('#units');

async function showUnits(message) {
  try {
    const all = (await get('/agencies?all=true')).items;
    const ended = all.filter((a) => a.successor);
    const name = (code) => (all.find((a) => a.code === code) || {}).name || code;
    const parts = [
      message ? alertBox('ok', null, message) : null,
      ended.length ? h('div', { class: 'table-wrap' }, h('table', {},
        h('caption', {}, 'Đơn vị đã kết thúc hoạt động và đơn vị kế thừa'),
        h('thead', {}, h('tr', {}, ['Đơn vị', 'Hoạt động đến hết ngày', 'Đơn vị kế thừa'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, ended.map((a) => h('tr', {}, h('td', {}, a.name), h('td', {}, fmtDate(a.valid_to)), h('td', {}, name(a.successor)))))))
        : h('p', {}, 'Chưa có đơn vị nào kết thúc hoạt động.'),
      h('p', { class: 'small muted' }, 'Hồ sơ đã nộp giữ đơn vị lúc nộp; từ ngày đơn vị kế thừa tiếp nhận, hồ sơ mới của đơn vị cũ được chuyển hướng sang đơn vị kế thừa.'),
    ];
    if (me.role === 'system_admin') parts.push(successionForm(all.filter((a) => !a.successor && !a.valid_to)));
    setContent(unitsBox, ...parts);
  } catch (e) { showFailure(unitsBox, e, 'tải danh sách đơn vị'); }
}

function successionForm(inForce) {
  const options = [['', '— Chọn đơn vị —'], ...inForce.map((a) => [a.code, a.name])];
  const form = h('form', { novalidate: true },
    h('h3', {}, 'Ghi nhận hợp nhất, sáp nhập, đổi tên'),
    field({ label: 'Đơn vị kết thúc hoạt động', name: 'code', type: 'select', options, required: true }),
    field({ label: 'Đơn vị kế thừa', name: 'successor', type: 'select', options, required: true }),
    field({ label: 'Đơn vị kế thừa tiếp nhận từ ngày', name: 'from', hint: 'ngày/tháng/năm; đơn vị cũ hoạt động đến hết ngày hôm trước', inputmode: 'numeric', required: true }),
    h('button', { type: 'submit' }, 'Ghi nhận'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const v = (n) => form.elements[n].value.trim();
    const from = parseVnDate(v('from'));
    const errors = [];
    if (!v('code')) errors.push({ field: 'code', message: 'Vui lòng chọn đơn vị kết thúc hoạt động.' });
    if (!v('successor')) errors.push({ field: 'successor', message: 'Vui lòng chọn đơn vị kế thừa.' });
    if (!from) errors.push({ field: 'from', message: 'Ngày phải có dạng ngày/tháng/năm.' });
    if (errors.length) { showErrors(form, errors); return; }
    busy(form.querySelector('button'), async () => {
      try {
        await post(`/agencies/${encodeURIComponent(v('code'))}/succession`, { successor: v('successor'), from });
        await showUnits('Đã ghi nhận đơn vị kế thừa.');
      } catch (e) { showErrors(form, e); }
    });
  });
  return form;
}
await showUnits();

// ---- Catalogue and workflow -------------------------------------------------------------------
const catBox = $('#catalogue');
const STEP_KIND = { reception: 'Tiếp nhận', processing: 'Thẩm định, xử lý', approval: 'Phê duyệt', return: 'Trả kết quả' };
const STEP_ROLES = ['receiving_officer', 'specialist', 'leader'];
const canEdit = (p) => me.role === 'system_admin' || (me.role === 'agency_admin' && p.agency === me.agency);

function workflowEditor(p, data) {
  let steps = data.workflow.steps.map((x) => ({ ...x }));
  const parts = data.workflow.parts || [];
  const editable = canEdit(p);
  const form = h('form', { novalidate: true });
  const tableBox = h('div', { 'data-field': 'steps', tabindex: '-1' });
  const approvalId = `approval-${p.code}`;
  const approval = h('input', { type: 'checkbox', id: approvalId, checked: steps.some((x) => x.kind === 'approval'), disabled: !editable });
  function draw() {
    tableBox.replaceChildren(h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', {}, `Quy trình nội bộ — phiên bản ${data.version}${data.configured ? '' : ' (mặc định theo thời hạn)'}`),
      h('thead', {}, h('tr', {}, ['Bước', 'Loại', 'Vai trò thực hiện', 'Thời gian (giờ làm việc)'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, steps.map((x, i) => h('tr', {},
        h('td', {}, editable ? h('input', { name: `steps[${i}].name`, value: x.name, 'aria-label': `Tên bước ${i + 1}` }) : x.name),
        h('td', {}, STEP_KIND[x.kind] || x.kind),
        h('td', {}, editable
          ? h('select', { name: `steps[${i}].role`, 'aria-label': `Vai trò của bước “${x.name}”` }, STEP_ROLES.map((r) => h('option', { value: r, selected: r === x.role }, ROLE_LABELS[r])))
          : (ROLE_LABELS[x.role] || x.role)),
        h('td', { class: 'num' }, editable
          ? h('input', { name: `steps[${i}].working_hours`, type: 'number', min: '1', step: '1', value: String(x.working_hours), 'aria-label': `Số giờ làm việc của bước “${x.name}”` })
          : String(x.working_hours))))))));
  }
  function read() {
    steps = steps.map((x, i) => ({
      ...x,
      name: form.elements[`steps[${i}].name`].value.trim(),
      role: form.elements[`steps[${i}].role`].value,
      working_hours: Number(form.elements[`steps[${i}].working_hours`].value),
    }));
  }
  approval.addEventListener('change', () => {
    read();
    if (approval.checked) {
      const ret = steps.findIndex((x) => x.kind === 'return');
      const proc = steps.find((x) => x.kind === 'processing');
      if (proc && proc.working_hours > 1) proc.working_hours -= 1;
      steps.splice(ret < 0 ? steps.length : ret, 0, { id: 'phe-duyet', name: 'Phê duyệt kết quả', kind: 'approval', role: 'leader', unit: null, working_hours: 1, can_consult: false, can_hand_over: false });
    } else {
      const i = steps.findIndex((x) => x.kind === 'approval');
      const proc = steps.find((x) => x.kind === 'processing');
      if (i >= 0) { if (proc) proc.working_hours += steps[i].working_hours; steps.splice(i, 1); }
    }
    draw();
  });
  draw();
  add(form, 
    h('p', {}, `${p.level_label} · Thời hạn giải quyết ${statutoryLabel(p.statutory_time)}. Tổng thời gian xử lý và phê duyệt không được vượt thời hạn.`),
    tableBox,
    parts.length ? h('p', {}, 'Cơ quan phối hợp (liên thông): ', parts.map((x) => `${x.agency} — ${x.task} (${x.working_days} ngày làm việc)`).join('; ')) : null,
    h('div', { class: 'field choice' }, approval, h('label', { for: approvalId }, 'Lãnh đạo phê duyệt kết quả trước khi trả')),
    editable ? h('button', { type: 'submit' }, 'Lưu quy trình') : h('p', { class: 'small muted' }, 'Chỉ quản trị của cơ quan hoặc quản trị hệ thống được sửa quy trình.'),
    h('p', {}, h('a', { href: '/huong-dan.html?ma=' + encodeURIComponent(p.code) }, 'Xem trang hướng dẫn công khai của thủ tục')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    read();
    busy(form.querySelector('button[type=submit]'), async () => {
      try {
        const saved = await put(`/procedures/${encodeURIComponent(p.code)}/workflow`, { steps, parts });
        data.version = saved.version;
        data.configured = saved.configured;
        steps = saved.workflow.steps.map((x) => ({ ...x }));
        draw();
        const ok = alertBox('ok', null, `Đã lưu quy trình: thủ tục có phiên bản mới (${saved.version}). Hồ sơ đã nộp giữ quy trình cũ.`);
        form.prepend(ok);
      } catch (e) { showErrors(form, e); }
    }, 'Đang lưu…');
  });
  return form;
}

// How long the procedure's dossiers are kept after closing (G9): a number of years or permanent.
function retentionEditor(p, guide) {
  const editable = me.role === 'system_admin' || (me.role === 'agency_admin' && me.agency === p.agency);
  const current = guide.retention || { years: 10 };
  const permanent = current === 'permanent';
  const form = h('form', { class: 'card', novalidate: true, 'aria-label': `Thời hạn lưu trữ — ${p.name}` },
    h('h3', {}, 'Thời hạn lưu trữ hồ sơ'),
    field({ label: 'Loại', name: 'kind', type: 'select', value: permanent ? 'permanent' : 'years', options: [['years', 'Có thời hạn (số năm)'], ['permanent', 'Vĩnh viễn']], disabled: !editable }),
    field({ label: 'Số năm', name: 'retention', type: 'number', min: 1, max: 100, inputmode: 'numeric', value: permanent ? '' : String(current.years), hint: 'Từ 1 đến 100 năm, tính từ ngày hồ sơ kết thúc', disabled: !editable }),
    editable ? h('button', { type: 'submit' }, 'Lưu thời hạn lưu trữ') : h('p', { class: 'small muted' }, 'Chỉ quản trị của cơ quan hoặc quản trị hệ thống được sửa thời hạn lưu trữ.'));
  const years = form.elements.retention;
  const sync = () => { years.closest('.field').hidden = form.elements.kind.value === 'permanent'; };
  form.elements.kind.addEventListener('change', sync);
  sync();
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const retention = form.elements.kind.value === 'permanent' ? 'permanent' : { years: Number(years.value) };
    if (retention !== 'permanent' && !(Number.isInteger(retention.years) && retention.years >= 1 && retention.years <= 100)) {
      showErrors(form, [{ field: 'retention', message: 'Số năm lưu trữ từ 1 đến 100.' }]);
      return;
    }
    busy(form.querySelector('button[type=submit]'), async () => {
      try {
        const saved = await put(`/procedures/${encodeURIComponent(p.code)}/retention`, { retention });
        form.querySelector('.alert')?.remove();
        form.querySelector('h3').after(alertBox('ok', null, `Đã lưu: ${saved.retention_label} (phiên bản ${saved.version}). Hồ sơ đã nộp giữ thời hạn cũ.`));
      } catch (e) { showErrors(form, e); }
    }, 'Đang lưu…');
  });
  return form;
}

try {
  const q = new URLSearchParams({ limit: '100' });
  if (me.agency && me.role !== 'system_admin') q.set('agency', me.agency);
  const items = (await get('/procedures?' + q)).items;
  setContent(catBox,
    h('p', {}, `${items.length} thủ tục${me.agency && me.role !== 'system_admin' ? ' của cơ quan' : ''}. Mở từng thủ tục để xem và sửa quy trình nội bộ (các bước, vai trò, thời gian).`),
    items.map((p) => {
      const det = h('details', { 'data-procedure': p.code }, h('summary', {}, `${p.code} — ${p.name} (phiên bản ${p.version})`));
      det.addEventListener('toggle', async () => {
        if (!det.open || det.dataset.loaded) return;
        det.dataset.loaded = '1';
        try {
          det.append(workflowEditor(p, await get(`/procedures/${encodeURIComponent(p.code)}/workflow`)),
            retentionEditor(p, await get(`/procedures/${encodeURIComponent(p.code)}`)));
        } catch (e) {
          det.append(alertBox(e.missingRoute ? 'warn' : 'error', null, e.missingRoute ? 'Máy chủ chưa hỗ trợ cấu hình quy trình nội bộ.' : e.detail));
        }
      });
      return det;
    }),
    h('p', { class: 'small muted' }, 'Nội dung thủ tục (thành phần, biểu mẫu, phí) được đồng bộ từ Cơ sở dữ liệu quốc gia về thủ tục hành chính hoặc nạp tệp danh mục; màn hình này sửa quy trình nội bộ.'));
} catch (e) {
  showFailure(catBox, e, 'tải danh mục');
}

// ---- Users and audit ---------------------------------------------------------------------------
const userBox = $('#users');
const STAFF_ROLE_OPTIONS = [['receiving_officer', 'Cán bộ tiếp nhận'], ['specialist', 'Chuyên viên xử lý'], ['leader', 'Lãnh đạo']];
let agencyList = [];
try { agencyList = (await get('/agencies')).items; } catch { agencyList = []; }

function createForm(agency, reload) {
  const form = h('form', { novalidate: true },
    h('h3', {}, 'Tạo tài khoản cán bộ'),
    h('div', { class: 'inline-fields' },
      field({ label: 'Họ và tên', name: 'full_name', required: true, autocomplete: 'off' }),
      field({ label: 'Tên đăng nhập', name: 'username', required: true, autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false' })),
    h('div', { class: 'inline-fields' },
      field({ label: 'Vai trò', name: 'role', type: 'select', options: STAFF_ROLE_OPTIONS }),
      field({ label: 'Mật khẩu ban đầu', name: 'password', type: 'password', required: true, autocomplete: 'new-password', hint: 'Ít nhất 8 ký tự; giao trực tiếp cho cán bộ' })),
    h('button', { type: 'submit' }, 'Tạo tài khoản'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const v = (n) => form.elements[n].value.trim();
    const errors = [];
    if (!v('full_name')) errors.push({ field: 'full_name', message: 'Vui lòng nhập họ và tên.' });
    if (!v('username')) errors.push({ field: 'username', message: 'Vui lòng nhập tên đăng nhập.' });
    if (form.elements.password.value.length < 8) errors.push({ field: 'password', message: 'Mật khẩu phải có ít nhất 8 ký tự.' });
    if (errors.length) { showErrors(form, errors); return; }
    busy(form.querySelector('button[type=submit]'), async () => {
      try {
        await post('/users', { username: v('username'), password: form.elements.password.value, role: v('role'), agency, full_name: v('full_name') });
        await reload(`Đã tạo tài khoản ${v('username')}.`);
      } catch (e) { showErrors(form, e); }
    }, 'Đang tạo…');
  });
  return form;
}

async function showStaff(agency, message) {
  try {
    const page = await get(`/agencies/${encodeURIComponent(agency)}/staff`);
    const reload = (msg) => showStaff(agency, msg);
    const picker = me.role === 'system_admin' && agencyList.length
      ? field({ label: 'Cơ quan', name: 'staff-agency', type: 'select', value: agency, options: agencyList.map((a) => [a.code, a.name]) })
      : null;
    if (picker) picker.querySelector('select').addEventListener('change', (ev) => showStaff(ev.target.value));
    const notice = message ? alertBox('ok', null, message) : null;
    setContent(userBox, notice, picker, h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', {}, 'Cán bộ của cơ quan'),
      h('thead', {}, h('tr', {}, ['Tên đăng nhập', 'Họ và tên', 'Vai trò', 'Trạng thái', 'Thao tác'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, (page.items || []).map((u) => h('tr', {},
        h('td', {}, u.username), h('td', {}, u.full_name || (u.profile && u.profile.full_name) || '—'), h('td', {}, u.role_label || ROLE_LABELS[u.role] || u.role),
        h('td', {}, u.locked ? h('span', { class: 'badge bad' }, 'Đã khóa') : h('span', { class: 'badge ok' }, 'Hoạt động')),
        h('td', {}, ['agency_admin', 'system_admin'].includes(me.role) && u.id !== me.sub ? h('button', {
          type: 'button', class: 'secondary', 'aria-label': `${u.locked ? 'Mở khóa' : 'Khóa'} tài khoản ${u.username}`,
          onclick: (ev) => busy(ev.target, async () => {
            try {
              await post(`/users/${encodeURIComponent(u.id)}/${u.locked ? 'unlock' : 'lock'}`, {});
              await reload(`Đã ${u.locked ? 'mở khóa' : 'khóa'} tài khoản ${u.username}.`);
            } catch (e) { ev.target.after(h('span', { class: 'field-error', role: 'alert' }, e.detail)); }
          }),
        }, u.locked ? 'Mở khóa' : 'Khóa') : '—'))))),
    ['agency_admin', 'system_admin'].includes(me.role) ? createForm(agency, reload) : null));
    if (notice) { notice.tabIndex = -1; notice.focus(); }
  } catch (e) {
    if (e.missingRoute) setContent(userBox, alertBox('warn', null, 'Máy chủ chưa có chức năng quản lý người dùng (danh sách, tạo, khóa, mở khóa tài khoản cán bộ).'));
    else if (e.status === 403) setContent(userBox, alertBox('warn', null, 'Chỉ cán bộ của cơ quan và quản trị được xem danh sách cán bộ.'));
    else showFailure(userBox, e, 'tải danh sách cán bộ');
  }
}
await showStaff(me.agency || (agencyList[0] && agencyList[0].code) || '');

// ---- Surveys and consultations (P11) ------------------------------------------------------------
await surveyAdmin($('#surveys'), me, agencyList);

// The audit log of administrative actions (system administrator).
if (me.role === 'system_admin') {
  const auditSection = h('section', { class: 'card', 'aria-labelledby': 'nhat-ky' },
    h('h2', { id: 'nhat-ky', tabindex: '-1' }, 'Nhật ký quản trị'));
  const auditForm = h('form', { class: 'row', novalidate: true },
    field({ label: 'Tháng', name: 'month', hint: 'tháng/năm, ví dụ ' + todayIso().slice(5, 7) + '/' + todayIso().slice(0, 4), value: todayIso().slice(5, 7) + '/' + todayIso().slice(0, 4), inputmode: 'numeric' }),
    h('button', { type: 'submit', class: 'secondary' }, 'Xem nhật ký'));
  const auditBox = h('div', { 'aria-live': 'polite' });
  auditSection.append(auditForm, auditBox);
  $('main').append(auditSection);
  const showAudit = async () => {
    clearErrors(auditForm);
    const m = /^\s*(\d{1,2})\/(\d{4})\s*$/.exec(auditForm.elements.month.value);
    if (!m) { showErrors(auditForm, [{ field: 'month', message: 'Tháng phải có dạng tháng/năm, ví dụ 11/2026.' }]); return; }
    try {
      const log = await get(`/audit?month=${m[2]}-${m[1].padStart(2, '0')}`);
      setContent(auditBox, (log.items || []).length ? h('div', { class: 'table-wrap' }, h('table', {},
        h('caption', {}, `Nhật ký tháng ${m[1].padStart(2, '0')}/${m[2]}`),
        h('thead', {}, h('tr', {}, ['Thời điểm', 'Người thực hiện', 'Thao tác', 'Đối tượng'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, log.items.map((r) => h('tr', {},
          h('td', {}, fmtDateTime(r.at)), h('td', {}, r.actor_name || r.actor || '—'),
          h('td', {}, AUDIT[r.action] || r.action), h('td', {}, r.target_username || r.target || '—'))))))
        : h('p', {}, 'Không có thao tác quản trị nào trong tháng.'));
    } catch (e) {
      setContent(auditBox, alertBox(e.missingRoute ? 'warn' : 'error', null, e.missingRoute ? 'Máy chủ chưa có nhật ký quản trị.' : e.detail));
    }
  };
  auditForm.addEventListener('submit', (ev) => { ev.preventDefault(); busy(auditForm.querySelector('button'), showAudit, 'Đang tải…'); });
  await showAudit();
}

// The integration platform's connections (G2): health, dead letters, reconciliation, catalogue sync.
if (me.role === 'system_admin') {
  const section = h('section', { class: 'card', 'aria-labelledby': 'ket-noi' },
    h('h2', { id: 'ket-noi', tabindex: '-1' }, 'Kết nối liên thông'));
  const box = h('div', { 'aria-live': 'polite' });
  const result = h('div', { 'aria-live': 'polite' });
  const run = (label, path, describe) => h('button', { type: 'button', class: 'secondary', onclick: (ev) => busy(ev.currentTarget, async () => {
    try { setContent(result, alertBox('ok', null, describe(await post(path, {})))); await show(); } catch (e) { setContent(result, alertBox('error', null, e.detail)); }
  }, 'Đang chạy…') }, label);
  section.append(box, h('p', { class: 'row' },
    run('Đối soát với Cổng DVCQG', '/integrations/dvcqg/reconcile', (r) => `Đã đối soát ${r.checked} hồ sơ: ${r.missing.length} Cổng chưa có, ${r.different.length} lệch trạng thái, đã gửi lại ${r.resent}.`),
    run('Đồng bộ danh mục thủ tục quốc gia', '/integrations/dvcqg/catalogue-sync', (r) => `Đã so sánh ${r.compared} thủ tục: ${r.changes.length} thay đổi${r.not_adopted.length ? `, ${r.not_adopted.length} thủ tục quốc gia chưa áp dụng` : ''}.`)), result);
  $('main').append(section);
  async function show() {
    try {
      const list = await get('/integrations');
      setContent(box, h('div', { class: 'table-wrap' }, h('table', {},
        h('caption', {}, 'Tình trạng các kết nối'),
        h('thead', {}, h('tr', {}, ['Kết nối', 'Tình trạng', 'Thành công lần cuối', 'Đang chờ gửi', 'Chờ từ', 'Thư lỗi', 'Thao tác'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, list.map((c) => h('tr', {},
          h('td', {}, c.label), h('td', {}, CONNECTION_STATE[c.state] || c.state, c.last_error ? h('br') : null, c.last_error ? h('small', {}, c.last_error) : null),
          h('td', {}, c.last_success ? fmtDateTime(c.last_success) : '—'), h('td', {}, String(c.backlog)),
          h('td', {}, c.oldest_undelivered ? fmtDateTime(c.oldest_undelivered) : '—'), h('td', {}, String(c.dead_letters)),
          h('td', {}, c.dead_letters ? run('Gửi lại thư lỗi', `/integrations/${encodeURIComponent(c.name)}/dead-letters/replay`, (r) => `Đã đưa ${r.replayed} thư lỗi vào hàng đợi gửi lại.`) : null)))))));
    } catch (e) {
      showFailure(box, e, 'tải tình trạng kết nối');
    }
  }
  await show();
}
