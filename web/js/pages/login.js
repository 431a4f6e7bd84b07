// Login (P6) for the portal and, with <body data-area="console">, for the officer console.
import { layout } from '../layout.js';
import { post, get, saveSession, clearSession, isStaff } from '../api.js';
import { $, param, showErrors, clearErrors, busy, alertBox } from '../ui.js';

const area = document.body.dataset.area === 'console' ? 'console' : 'portal';
layout({ area });

const form = $('#login');
$('#show').addEventListener('change', (e) => { $('#password').type = e.target.checked ? 'text' : 'password'; });
if (param('role')) form.before(alertBox('warn', null, 'Trang này cần tài khoản khác. Vui lòng đăng nhập bằng tài khoản phù hợp.'));
if (param('registered')) form.before(alertBox('ok', null, 'Đăng ký thành công. Vui lòng đăng nhập.'));

// Only a path of this site: `//example.org`, `/\example.org` (`/%5Cexample.org`; browsers read
// `\` as `/`) or a scheme are refused, and the resolved URL must stay on this origin.
function safeNext(n = param('next')) {
  if (!n || !n.startsWith('/') || /^\/[\\/]/.test(n) || /[\u0000-\u001f\\]/.test(n)) return null;
  try {
    const url = new URL(n, location.origin);
    return url.origin === location.origin ? url.pathname + url.search + url.hash : null;
  } catch {
    return null;
  }
}

const SSO_ERRORS = {
  unauthenticated: 'Không xác thực được tài khoản qua nhà cung cấp định danh. Vui lòng thử lại.',
  sso_state_invalid: 'Phiên đăng nhập đã hết hạn hoặc đã được dùng. Vui lòng đăng nhập lại.',
  forbidden: 'Tài khoản này chưa được cấp quyền trên hệ thống hoặc đang bị khóa. Vui lòng liên hệ quản trị viên.',
  upstream: 'Nhà cung cấp định danh chưa phản hồi. Vui lòng thử lại sau ít phút.',
};

/** Signed in: the session is kept and the user goes on (to `next` when it is a page of this site). */
async function enter(token) {
  saveSession(token);
  const me = await get('/me');
  const s = saveSession(token, me);
  if (area === 'console' && !isStaff(s)) {
    clearSession();
    showErrors(form, { title: 'Không phải tài khoản cán bộ', detail: 'Tài khoản này là tài khoản công dân, doanh nghiệp. Vui lòng đăng nhập tại Cổng Dịch vụ công.', errors: [] });
    return;
  }
  // Back from a single sign-on without a page to return to, the next page is the site's root:
  // an officer then goes to the console, as after a password login.
  const next = safeNext();
  location.href = (next && !(area === 'console' && next === '/') && next) || (isStaff(s) ? '/can-bo/index.html' : '/ho-so-cua-toi.html');
}

// VNeID (portal) or the province's single sign-on (console): shown when the deployment has it;
// back from the provider with a one-time code, or with the reason it failed.
const sso = $('#vneid');
get('/auth/providers', { auth: false }).then((p) => {
  if (!(area === 'console' ? p.staff_sso : p.vneid)) return;
  const link = $('#vneid-login');
  const next = safeNext();
  if (next) link.href += '?next=' + encodeURIComponent(next);
  sso.hidden = false;
}).catch(() => {});
if (param('loi')) form.before(alertBox('error', 'Đăng nhập không thành công', SSO_ERRORS[param('loi')] || SSO_ERRORS.unauthenticated));
if (param('sso')) {
  post('/auth/sso/redeem', { code: param('sso') }, { auth: false })
    .then(enter)
    .catch((e) => form.before(alertBox('error', 'Đăng nhập không thành công', SSO_ERRORS[e.code] || e.detail || SSO_ERRORS.unauthenticated)));
}

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  clearErrors(form);
  const username = form.elements.username.value.trim();
  const password = form.elements.password.value;
  const missing = [];
  if (!username) missing.push({ field: 'username', message: 'Vui lòng nhập tên đăng nhập.' });
  if (!password) missing.push({ field: 'password', message: 'Vui lòng nhập mật khẩu.' });
  if (missing.length) { showErrors(form, missing); return; }
  await busy(form.querySelector('button[type=submit]'), async () => {
    try {
      const otpField = $('#otp-field');
      const otp = otpField.hidden ? undefined : form.elements.otp.value.trim();
      await enter(await post('/auth/login', { username, password, ...(otp ? { otp } : {}) }, { auth: false }));
    } catch (e) {
      // Staff with a second factor: the password was right, the app's code is needed too.
      if (e.code === 'otp_required') {
        $('#otp-field').hidden = false;
        showErrors(form, { title: 'Cần mã xác thực', detail: e.detail, errors: [] }, { focus: false });
        form.elements.otp.focus();
        return;
      }
      showErrors(form, e);
    }
  }, 'Đang đăng nhập…');
});
