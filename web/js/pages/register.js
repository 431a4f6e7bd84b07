// Registration of a citizen or business account with its profile and consent (P13).
import { layout } from '../layout.js';
import { post, get, saveSession } from '../api.js';
import { $, $$, showErrors, clearErrors, busy, parseVnDate } from '../ui.js';

layout({});
const form = $('#register');
const business = $('.business-only');
$$('input[name=role]', form).forEach((r) => r.addEventListener('change', () => {
  business.hidden = form.elements.role.value !== 'business';
}));

const val = (n) => form.elements[n].value.trim();
const opt = (n) => val(n) || null;

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  clearErrors(form);
  const errors = [];
  if (!val('username')) errors.push({ field: 'username', message: 'Vui lòng nhập tên đăng nhập.' });
  if (form.elements.password.value.length < 8) errors.push({ field: 'password', message: 'Mật khẩu phải có ít nhất 8 ký tự.' });
  if (form.elements.password.value !== form.elements.password2.value) errors.push({ field: 'password2', message: 'Hai lần nhập mật khẩu không khớp.' });
  if (!val('full_name')) errors.push({ field: 'full_name', message: 'Vui lòng nhập họ và tên.' });
  if (val('id_number') && !/^\d{12}$/.test(val('id_number'))) errors.push({ field: 'id_number', message: 'Số định danh cá nhân phải gồm 12 chữ số.' });
  const dob = val('date_of_birth') ? parseVnDate(val('date_of_birth')) : null;
  if (val('date_of_birth') && !dob) errors.push({ field: 'date_of_birth', message: 'Ngày sinh phải có dạng ngày/tháng/năm, ví dụ 12/05/1990.' });
  if (!form.elements.consent.checked) errors.push({ field: 'consent', message: 'Vui lòng đồng ý với việc xử lý dữ liệu cá nhân để đăng ký.' });
  if (errors.length) { showErrors(form, errors); return; }
  const role = form.elements.role.value;
  const profile = {
    full_name: val('full_name'), id_number: opt('id_number'), date_of_birth: dob, gender: opt('gender'),
    phone: opt('phone'), email: opt('email'), address: opt('address'),
    business_name: role === 'business' ? opt('business_name') : null,
    business_code: role === 'business' ? opt('business_code') : null,
  };
  await busy(form.querySelector('button[type=submit]'), async () => {
    try {
      await post('/auth/register', { username: val('username'), password: form.elements.password.value, role, profile }, { auth: false });
      const token = await post('/auth/login', { username: val('username'), password: form.elements.password.value }, { auth: false });
      saveSession(token);
      saveSession(token, await get('/me'));
      location.href = '/tai-khoan.html?welcome=1';
    } catch (e) {
      showErrors(form, e);
    }
  });
});
