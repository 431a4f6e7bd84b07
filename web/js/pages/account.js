// The account (P13): profile used for pre-filling, the notifications received (G7), and who
// read the person's data in the national registries under which consent (G5, Law 91/2025).
import { layout, requireLogin } from '../layout.js';
import { get, put, post } from '../api.js';
import { h, $, param, setContent, showFailure, showErrors, clearErrors, busy, field, fmtDate, fmtDateTime, parseVnDate, alertBox, announce } from '../ui.js';

layout({});
await requireLogin('portal');
const form = $('#profile');
if (param('welcome')) form.closest('section').before(alertBox('ok', 'Chào mừng bạn', 'Tài khoản đã được tạo. Hãy kiểm tra thông tin cá nhân để tờ khai được điền sẵn chính xác.'));

try {
  const me = await get('/me');
  const p = me.profile || {};
  setContent(form,
    h('p', {}, `Tên đăng nhập: ${me.username} · ${me.role_label}`),
    field({ label: 'Họ, chữ đệm và tên', name: 'full_name', required: true, value: p.full_name, autocomplete: 'name' }),
    field({ label: 'Số định danh cá nhân', name: 'id_number', value: p.id_number, inputmode: 'numeric', maxlength: 12, hint: '12 chữ số' }),
    field({ label: 'Ngày sinh', name: 'date_of_birth', value: p.date_of_birth ? fmtDate(p.date_of_birth) : '', hint: 'ngày/tháng/năm', inputmode: 'numeric', autocomplete: 'bday' }),
    field({ label: 'Giới tính', name: 'gender', type: 'select', value: p.gender || '', options: [['', '—'], 'Nam', 'Nữ'] }),
    field({ label: 'Số điện thoại', name: 'phone', type: 'tel', value: p.phone, autocomplete: 'tel' }),
    field({ label: 'Thư điện tử', name: 'email', type: 'email', value: p.email, autocomplete: 'email' }),
    field({ label: 'Địa chỉ', name: 'address', value: p.address, autocomplete: 'street-address' }),
    me.role === 'business' ? field({ label: 'Tên doanh nghiệp', name: 'business_name', value: p.business_name, autocomplete: 'organization' }) : null,
    me.role === 'business' ? field({ label: 'Mã số doanh nghiệp', name: 'business_code', value: p.business_code }) : null,
    h('button', { type: 'submit' }, 'Lưu thông tin'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const v = (n) => (form.elements[n] ? form.elements[n].value.trim() : '') || null;
    const dob = v('date_of_birth') ? parseVnDate(v('date_of_birth')) : null;
    if (v('date_of_birth') && !dob) { showErrors(form, [{ field: 'date_of_birth', message: 'Ngày sinh phải có dạng ngày/tháng/năm.' }]); return; }
    busy(form.querySelector('button[type=submit]'), async () => {
      try {
        await put('/me', {
          full_name: v('full_name') || '', id_number: v('id_number'), date_of_birth: dob, gender: v('gender'), phone: v('phone'),
          email: v('email'), address: v('address'), business_name: v('business_name') || p.business_name || null, business_code: v('business_code') || p.business_code || null,
        });
        form.prepend(alertBox('ok', null, 'Đã lưu thông tin cá nhân.'));
        announce('Đã lưu thông tin cá nhân.');
      } catch (e) { showErrors(form, e); }
    }, 'Đang lưu…');
  });
} catch (e) {
  showFailure(form, e, 'tải thông tin tài khoản');
}

const notes = $('#notes');
try {
  const page = await get('/me/notifications?limit=20');
  setContent(notes, page.items.length
    ? h('ol', { class: 'timeline' }, page.items.map((n) => h('li', {},
      h('strong', {}, (n.kind || '').startsWith('dossier.') && n.subject ? h('a', { href: `/ho-so.html?id=${encodeURIComponent(n.subject)}` }, n.title) : (n.title || 'Thông báo')), h('span', { class: 'when' }, fmtDateTime(n.at || n.created_at)),
      h('span', {}, n.message || n.body || ''))))
    : h('p', {}, 'Chưa có thông báo.'));
} catch (e) {
  showFailure(notes, e, 'tải thông báo');
}

// "Ai đã xem dữ liệu của tôi": the reads, and the consents that allowed them (withdrawable).
async function dataUses() {
  const box = $('#data-uses');
  try {
    const [uses, consents] = await Promise.all([get('/me/data-uses'), get('/me/consents')]);
    const withdraw = (c) => {
      const btn = h('button', { type: 'button', class: 'secondary' }, 'Rút lại sự đồng ý');
      btn.addEventListener('click', () => busy(btn, async () => {
        try {
          await post(`/me/consents/${encodeURIComponent(c.id)}/withdraw`, {});
          announce('Đã rút lại sự đồng ý. Dữ liệu của bạn sẽ không được khai thác thêm cho hồ sơ này.');
          await dataUses();
        } catch (e) { showFailure(box, e, 'rút lại sự đồng ý'); }
      }, 'Đang rút lại…'));
      return btn;
    };
    setContent(box,
      uses.items.length
        ? h('table', {}, h('caption', {}, 'Các lần khai thác dữ liệu của bạn'),
          h('thead', {}, h('tr', {}, ['Thời gian', 'Người khai thác', 'Cơ quan', 'Mục đích', 'Nguồn dữ liệu'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, uses.items.map((u) => h('tr', {}, h('td', {}, fmtDateTime(u.at)), h('td', {}, `${u.by} (${u.role_label})`),
            h('td', {}, u.agency || '—'), h('td', {}, u.purpose), h('td', {}, u.registry_name)))))
        : h('p', {}, 'Chưa có lần khai thác nào.'),
      consents.items.length
        ? h('div', {}, h('h3', {}, 'Sự đồng ý của tôi'),
          h('ul', {}, consents.items.map((c) => h('li', {},
            h('p', {}, h('strong', {}, c.procedure_name), ` — đồng ý lúc ${fmtDateTime(c.granted_at)} (nội dung phiên bản ${c.version})`),
            h('p', { class: 'small' }, c.purpose),
            c.withdrawn_at ? h('p', { class: 'small' }, `Đã rút lại lúc ${fmtDateTime(c.withdrawn_at)}.`) : withdraw(c)))))
        : null);
  } catch (e) {
    showFailure(box, e, 'tải nhật ký khai thác dữ liệu');
  }
}
await dataUses();
