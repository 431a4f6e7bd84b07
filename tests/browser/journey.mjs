// The citizen and officer journeys in a real browser (Debian's Chromium via playwright-core),
// against a freshly started server with its demo catalogue and accounts. axe-core runs on every
// page state (no serious or critical violation allowed); screenshots go to docs/screenshots.
//
//   citizen: search (no diacritics, keyboard) → guidance → login → form pre-filled from the
//            profile → inline errors → draft → uploads (type check, progress bar on a slow
//            link) → submit → receipt → … → my dossiers → public lookup → result download →
//            rating → feedback → statistics → survey answered once
//   officers: agency admin adds a leader approval step to the procedure's workflow; receiving
//            officer: inbox → accept (code, appointment) → assign; specialist: result upload and
//            submit for approval; leader: approve; receiving officer: return; counter
//            reception of a paper dossier with scans; feedback answer; dashboard, register,
//            calendar, users; a survey published by the agency administrator.

import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { launch, person, check, checkDocument, step, summary, login, assert, pdf, BASE, SHOTS, PASSWORD } from './lib.mjs';

const browser = await launch();
const t0 = Date.now();
const PROCEDURE = '2.000635';
const PROCEDURE_NAME = 'Cấp bản sao Trích lục hộ tịch';
const state = {};

/** The code an authenticator app shows for a base32 secret at time `t` (RFC 6238, SHA-1). */
function totp(base32, t = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...base32.replace(/=+$/, '')].map((ch) => alphabet.indexOf(ch).toString(2).padStart(5, '0')).join('');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(t / 30_000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const at = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

async function shotElement(page, selector, name) {
  await page.locator(selector).first().screenshot({ path: `${SHOTS}/${name}.png` });
}

async function run() {
  const citizen = await person(browser);
  const admin = await person(browser);
  const reception = await person(browser);
  const specialist = await person(browser);
  const leader = await person(browser);
  const visitor = await person(browser);
  const phone = await person(browser, { mobile: true });
  const c = citizen.page;

  // ---------------------------------------------------------------- public pages, keyboard
  await step('home page: skip link first in the tab order, focus visible, search by keyboard', async () => {
    await c.goto('/');
    await check(citizen, '01-trang-chu');
    await c.keyboard.press('Tab');
    const first = await c.evaluate(() => ({ text: document.activeElement.textContent, outline: getComputedStyle(document.activeElement).outlineStyle }));
    assert(first.text.includes('Bỏ qua'), `first Tab lands on “${first.text}”, not the skip link`);
    assert(first.outline !== 'none', 'focused skip link has no visible outline');
    await c.keyboard.press('Enter');
    assert(await c.evaluate(() => document.activeElement.id === 'main'), 'skip link does not move focus to the main content');
    await c.getByLabel('Tên thủ tục').focus();
    await c.keyboard.type('trich luc ho tich');
    await Promise.all([c.waitForURL(/thu-tuc\.html\?q=/), c.keyboard.press('Enter')]);
  });

  await step('catalogue: search without diacritics finds the procedure; filters by field', async () => {
    await c.getByRole('link', { name: PROCEDURE_NAME }).waitFor();
    await check(citizen, '02-danh-muc-tim-kiem');
    await c.getByLabel('Lĩnh vực').selectOption({ label: 'Hộ tịch' });
    await Promise.all([c.waitForURL(/field=/), c.getByRole('button', { name: 'Tìm kiếm' }).click()]);
    await c.getByRole('link', { name: PROCEDURE_NAME }).waitFor();
    const fields = await c.locator('.results .meta li:nth-child(3)').allTextContents();
    assert(fields.length && fields.every((f) => f.includes('Hộ tịch')), `filtered results: ${fields}`);
  });

  await step('guidance page: steps, components, fees, time, level', async () => {
    await Promise.all([c.waitForURL(/huong-dan\.html/), c.getByRole('link', { name: PROCEDURE_NAME }).click()]);
    await c.getByRole('heading', { name: 'Trình tự thực hiện' }).waitFor();
    const text = await c.locator('main').innerText();
    for (const s of ['Thành phần hồ sơ', 'Tờ khai cấp bản sao trích lục hộ tịch', '8.000 đồng', 'Trong ngày', 'Dịch vụ công trực tuyến toàn trình', 'Căn cứ pháp lý']) {
      assert(text.includes(s), `guidance lacks “${s}”`);
    }
    await check(citizen, '03-huong-dan-thu-tuc');
  });

  // ------------------------------------------------- agency admin: approval step in workflow
  await step('agency admin adds a leader approval step to the procedure workflow', async () => {
    await login(admin, 'quantri.phuong', { console: true, next: '/can-bo/quan-tri.html' });
    const a = admin.page;
    await a.getByRole('heading', { name: 'Lịch làm việc' }).waitFor();
    const det = a.locator(`details[data-procedure="${PROCEDURE}"]`);
    await det.locator('summary').click();
    await det.getByLabel('Lãnh đạo phê duyệt kết quả trước khi trả').check();
    await det.getByRole('button', { name: 'Lưu quy trình' }).click();
    await det.getByText('Đã lưu quy trình').waitFor();
    const roles = await det.locator('tbody tr td:nth-child(2)').allTextContents();
    assert(roles.includes('Phê duyệt'), `workflow steps after saving: ${roles}`);
    // Retention of the procedure's dossiers (G9): twenty years instead of the default ten.
    await det.getByLabel(/^Số năm/).fill('20');
    await det.getByRole('button', { name: 'Lưu thời hạn lưu trữ' }).click();
    await det.getByText(/Đã lưu: 20 năm/).waitFor();
    await check(admin, '30-quan-tri-quy-trinh');
    // Staff accounts (when the server has the user administration API).
    const users = a.locator('#users');
    await users.locator('table, .alert').first().waitFor();
    if (await users.getByRole('button', { name: 'Tạo tài khoản' }).count()) {
      await users.getByLabel(/^Họ và tên/).fill('Đinh Thị Thu');
      await users.getByLabel(/^Tên đăng nhập/).fill(`chuyenvien${Date.now() % 10000}.phuong`);
      await users.getByLabel(/^Vai trò/).selectOption('specialist');
      await users.getByLabel(/^Mật khẩu ban đầu/).fill('MatKhau@2026');
      await users.getByRole('button', { name: 'Tạo tài khoản' }).click();
      await users.getByText('Đã tạo tài khoản').waitFor();
      await users.getByRole('cell', { name: 'Đinh Thị Thu' }).waitFor();
      await users.locator('tr', { hasText: 'Đinh Thị Thu' }).getByRole('button', { name: /^Khóa/ }).click();
      await users.getByText('Đã khóa tài khoản').waitFor();
      await check(admin, '37-quan-tri-nguoi-dung');
    } else {
      console.log('    (the server has no user administration API yet)');
    }
  });

  // ------------------------------------------------------------- login, form with pre-fill
  await step('filing needs an account: login page, wrong password shown inline, then login', async () => {
    await Promise.all([c.waitForURL(/dang-nhap\.html\?next=/), c.getByRole('link', { name: 'Nộp hồ sơ trực tuyến' }).first().click()]);
    await c.getByLabel('Tên đăng nhập').fill('congdan');
    await c.getByLabel(/^Mật khẩu/).fill('sai-mat-khau');
    await c.getByRole('button', { name: 'Đăng nhập' }).click();
    await c.locator('.error-summary').waitFor();
    assert(await c.evaluate(() => document.activeElement.classList.contains('error-summary')), 'the error summary is not focused');
    await check(citizen, '04-dang-nhap-loi');
    await login(citizen, 'congdan', { next: `/nop-ho-so.html?ma=${PROCEDURE}` });
    assert(c.url().includes('nop-ho-so.html'), `after login: ${c.url()}`);
    // The token is in an HttpOnly cookie: no script of the page can read it (security issue #5).
    const readable = await c.evaluate(() => JSON.stringify(localStorage) + document.cookie);
    assert(!readable.includes('eyJ') && !readable.includes('motcua_session'), `a script can read the token: ${readable}`);
    const cookies = await citizen.context.cookies();
    assert(cookies.some((k) => k.name === 'motcua_session' && k.httpOnly && k.sameSite === 'Strict'), 'no HttpOnly session cookie');
  });

  await step('the e-form is generated from the schema and pre-filled from the profile (P1)', async () => {
    await c.getByRole('heading', { name: 'Bước 1. Tờ khai' }).waitFor();
    assert(await c.getByLabel(/^Họ, chữ đệm và tên người yêu cầu/).inputValue() === 'Nguyễn Văn An', 'full name not pre-filled');
    assert(await c.getByLabel(/^Số định danh cá nhân/).inputValue() === '038090001234', 'ID number not pre-filled');
    assert(await c.locator('.prefilled').count() >= 3, 'pre-filled fields are not marked');
    await check(citizen, '05-to-khai-dien-san');
  });

  await step('inline validation: errors next to fields and in a focused summary', async () => {
    await c.getByRole('button', { name: 'Nộp hồ sơ' }).click();
    await c.locator('.error-summary').waitFor();
    assert(await c.getByLabel(/^Loại việc hộ tịch/).getAttribute('aria-invalid') === 'true', 'select not marked invalid');
    const msg = await c.locator('.field-error').first().innerText();
    assert(msg.includes('Vui lòng'), `field error: ${msg}`);
    await c.getByLabel(/^Ngày đăng ký/).fill('31/02/2020');
    await c.getByRole('button', { name: 'Lưu nháp' }).click();
    await c.getByText('phải là ngày hợp lệ dạng ngày/tháng/năm').first().waitFor();
    await check(citizen, '06-to-khai-loi');
  });

  await step('draft saved with the rest of the form (dates typed dd/mm/yyyy)', async () => {
    await c.getByLabel(/^Loại việc hộ tịch/).selectOption('Khai sinh');
    await c.getByLabel(/^Họ, chữ đệm và tên người được cấp/).fill('Nguyễn Văn An');
    await c.getByLabel(/^Ngày đăng ký/).fill('12/05/1990');
    await c.getByLabel(/^Số bản sao/).fill('2');
    await c.getByRole('button', { name: 'Lưu nháp' }).click();
    await c.getByText('Hồ sơ nháp đã lưu lúc').waitFor();
    assert(/nop-ho-so\.html\?id=/.test(c.url()), 'the address does not name the draft');
    state.dossierId = new URL(c.url()).searchParams.get('id');
  });

  await step('uploads: wrong type refused before sending; PDF sent with a progress bar on a slow link', async () => {
    const row = c.locator('.upload-row').first();
    await row.locator('input[type=file]').setInputFiles({ name: 'ghi-chu.txt', mimeType: 'text/plain', buffer: Buffer.from('không phải PDF') });
    await row.getByText('không đúng định dạng').waitFor();
    const cdp = await citizen.context.newCDPSession(c);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 80, downloadThroughput: 400 * 1024, uploadThroughput: 120 * 1024 });
    // Keyboard: the “Chọn tệp” button opens the file chooser with Enter.
    await row.getByRole('button', { name: /^Chọn tệp cho/ }).focus();
    const choosing = c.waitForEvent('filechooser');
    await c.waitForTimeout(300); // let Playwright start intercepting the chooser before it opens
    await c.keyboard.press('Enter');
    const chooser = await choosing;
    await chooser.setFiles({ name: 'To khai trich luc.pdf', mimeType: 'application/pdf', buffer: pdf(360, 'To khai') });
    try {
      await c.waitForFunction(() => { const p = document.querySelector('.upload-row progress'); return p && p.value > 10 && p.value < 90; }, null, { timeout: 10_000 });
      await shotElement(c, '.upload-row', '07-tai-len-tien-do');
    } catch { console.log('    (progress not caught mid-way on this machine)'); }
    await row.getByText('Đã tải lên và kiểm tra tệp').waitFor({ timeout: 30_000 });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    assert(await row.locator('progress').evaluate((p) => p.value) === 100, 'progress did not reach 100%');
    assert((await row.locator('.files').innerText()).includes('To khai trich luc.pdf'), 'uploaded file not listed');
    await check(citizen, '08-tai-len-xong');
  });

  await step('submit (pledge required) → receipt with the lookup secret', async () => {
    await c.getByLabel(/^Tôi xin cam đoan/).check();
    await Promise.all([c.waitForURL(/bien-nhan\.html/), c.getByRole('button', { name: 'Nộp hồ sơ' }).click()]);
    await c.getByText('Nộp hồ sơ thành công').waitFor();
    state.secret = (await c.locator('.secret').innerText()).trim();
    assert(/^[A-Z2-9]{8}$/.test(state.secret), `secret: ${state.secret}`);
    const text = await c.locator('main').innerText();
    assert(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/.test(text), 'no dd/mm/yyyy HH:mm date on the receipt');
    await check(citizen, '09-xac-nhan-nop');
  });

  // ------------------------------------------------------------------ the officer journey
  await step('receiving officer: console login page, inbox with counts; the new dossier waits for reception', async () => {
    await reception.page.goto('/can-bo/');
    await reception.page.waitForURL(/can-bo\/dang-nhap\.html\?next=/);
    await check(reception, '09b-can-bo-dang-nhap', { shot: false });
    await login(reception, 'tiepnhan.phuong', { console: true });
    const r = reception.page;
    await r.getByRole('table').waitFor();
    await r.getByLabel('Trạng thái').selectOption('submitted');
    await r.getByRole('button', { name: 'Lọc' }).click();
    await r.locator(`a[href*="${state.dossierId}"]`).waitFor();
    await check(reception, '10-can-bo-hop-ho-so');
  });

  await step('receiving officer: accept → dossier code and appointment', async () => {
    const r = reception.page;
    await Promise.all([r.waitForURL(/can-bo\/ho-so\.html/), r.locator(`a[href*="${state.dossierId}"]`).click()]);
    await r.getByRole('heading', { name: 'Thao tác' }).waitFor();
    await check(reception, '11-can-bo-ho-so-cho-tiep-nhan');
    // Keyboard only: from the note field, Tab to the button and press Enter.
    await r.locator('[data-action=accept]').getByLabel(/^Ghi chú/).focus();
    await r.keyboard.type('Hồ sơ đủ thành phần.');
    await r.keyboard.press('Tab');
    assert(await r.evaluate(() => document.activeElement.textContent) === 'Tiếp nhận hồ sơ', 'Tab from the note does not reach the accept button');
    await r.keyboard.press('Enter');
    await r.locator('#app').getByText('Tiếp nhận hồ sơ: đã thực hiện').waitFor();
    state.code = (await r.locator('h1').innerText()).replace('Hồ sơ ', '').trim();
    assert(/^000\.17\.22\.H56-(\d{6}-\d{4}|\d{8}-\d{7})$/.test(state.code), `code: ${state.code}`);
  });

  await step('receiving officer: Form 01 (receipt with QR code) from the server, shown for printing', async () => {
    const r = reception.page;
    await r.locator('li', { hasText: 'Mẫu 01' }).getByRole('button', { name: 'Xem và in' }).click();
    await r.locator('iframe.form-preview, #app .alert.warn:has-text("biểu mẫu"), #app .alert.error').first().waitFor();
    state.formsAvailable = await r.locator('iframe.form-preview').count() > 0;
    if (!state.formsAvailable) { console.log('    (the server has no printable forms yet)'); return; }
    const html = await r.locator('iframe.form-preview').getAttribute('srcdoc');
    assert(html.includes(state.code), 'Form 01 does not show the dossier code');
    await check(reception, '12a-can-bo-mau-01', { fullPage: false });
    const serious = (await checkDocument(reception, '12b-mau-01-giay-tiep-nhan', html)).filter((v) => ['serious', 'critical'].includes(v.impact));
    assert(serious.length === 0, `Form 01 HTML: ${serious.map((v) => v.id).join(', ')}`);
  });

  await step('messages (P5): the officer asks, the citizen answers on the dossier page', async () => {
    const r = reception.page;
    await r.getByLabel('Tin nhắn mới').fill('Đề nghị ông/bà cho biết số bản sao cần nhận bản giấy.');
    await r.getByRole('button', { name: 'Gửi tin nhắn' }).click();
    await r.locator('#app ol.timeline').getByText('số bản sao cần nhận bản giấy').waitFor();
    await c.goto(`/ho-so.html?id=${state.dossierId}`);
    await c.getByText('số bản sao cần nhận bản giấy').waitFor();
    await c.getByLabel('Tin nhắn mới').fill('Tôi cần 2 bản giấy, nhận tại Bộ phận Một cửa.');
    await c.getByRole('button', { name: 'Gửi tin nhắn' }).click();
    await c.getByText('Tôi cần 2 bản giấy').waitFor();
    await check(citizen, '12c-cong-dan-trao-doi');
    await r.reload();
    await r.getByText('Tôi cần 2 bản giấy').waitFor();
  });

  await step('receiving officer: assignment to a specialist', async () => {
    const r = reception.page;
    const card = r.locator('[data-action=assign]');
    await card.locator('summary').click();
    const assignee = card.getByLabel(/^Chuyên viên được phân công/);
    if (await assignee.evaluate((e) => e.tagName === 'SELECT')) await assignee.selectOption('chuyenvien.phuong');
    else await assignee.fill('chuyenvien.phuong');
    await card.getByRole('button', { name: 'Phân công chuyên viên' }).click();
    await r.locator('#app').getByText('Phân công chuyên viên: đã thực hiện').waitFor();
    await check(reception, '12-can-bo-da-tiep-nhan-phan-cong');
  });

  await step('specialist: inbox, result file upload, submit for approval', async () => {
    await login(specialist, 'chuyenvien.phuong', { console: true });
    const s = specialist.page;
    await s.getByLabel('Chỉ hồ sơ được giao cho tôi').check();
    await s.getByRole('button', { name: 'Lọc' }).click();
    await s.locator(`a[href*="${state.dossierId}"]`).waitFor();
    await check(specialist, '12d-chuyen-vien-ho-so-duoc-giao', { shot: false });
    await Promise.all([s.waitForURL(/can-bo\/ho-so\.html/), s.locator(`a[href*="${state.dossierId}"]`).click()]);
    const card = s.locator('[data-action=submit_for_approval]');
    await card.locator('input[type=file]').setInputFiles({ name: 'Ban sao trich luc khai sinh.pdf', mimeType: 'application/pdf', buffer: pdf(40, 'Ket qua') });
    await card.getByText('Đã chọn: Ban sao trich luc khai sinh.pdf').waitFor();
    await card.getByLabel(/^Ghi chú/).fill('Đã tra cứu Cơ sở dữ liệu hộ tịch, đủ điều kiện cấp.');
    await check(specialist, '13-chuyen-vien-trinh-phe-duyet');
    await card.getByRole('button', { name: 'Trình lãnh đạo phê duyệt' }).click();
    await s.locator('#app').getByText('Trình lãnh đạo phê duyệt: đã thực hiện').waitFor();
  });

  await step('leader: inbox, approve the result', async () => {
    await login(leader, 'lanhdao.phuong', { console: true });
    const l = leader.page;
    await l.getByLabel('Trạng thái').selectOption('awaiting_approval');
    await l.getByRole('button', { name: 'Lọc' }).click();
    await Promise.all([l.waitForURL(/can-bo\/ho-so\.html/), l.locator(`a[href*="${state.dossierId}"]`).click()]);
    await check(leader, '14-lanh-dao-phe-duyet');
    await l.locator('[data-action=approve]').getByRole('button', { name: 'Phê duyệt kết quả' }).click();
    await l.locator('#app').getByText('Phê duyệt kết quả: đã thực hiện').waitFor();
  });

  await step('receiving officer: return the result online; Form 05 timeline complete', async () => {
    const r = reception.page;
    await r.goto(`/can-bo/ho-so.html?id=${state.dossierId}`);
    const card = r.locator('[data-action=return]');
    await card.getByLabel('Trực tuyến (bản điện tử)').check();
    await card.getByRole('button', { name: 'Trả kết quả' }).click();
    await r.locator('#app').getByText('Trả kết quả: đã thực hiện').waitFor();
    const steps = await r.locator('table:has(caption:text("Phiếu kiểm soát")) tbody tr').count();
    assert(steps >= 6, `timeline has ${steps} rows`);
    await check(reception, '15-can-bo-da-tra-ket-qua');
  });

  // --------------------------------------------------------------- the citizen, afterwards
  await step('my dossiers lists it with its code; the receipt now has the code and a QR code', async () => {
    await c.goto('/ho-so-cua-toi.html');
    await c.getByRole('cell', { name: state.code }).waitFor();
    await check(citizen, '16-ho-so-cua-toi');
    await c.goto(`/bien-nhan.html?id=${state.dossierId}`);
    await c.locator('.qr svg').waitFor();
    assert((await c.locator('main').innerText()).includes(state.code), 'code missing on the receipt');
    await check(citizen, '17-giay-tiep-nhan-qr');
  });

  await step('public lookup without login: keyboard only, wrong secret refused, right one shows progress', async () => {
    const v = visitor.page;
    await v.goto('/tra-cuu.html');
    await v.getByLabel(/^Mã hồ sơ/).focus();
    await v.keyboard.type(state.code);
    await v.keyboard.press('Tab');
    await v.keyboard.type('ABCDEFGH');
    await v.keyboard.press('Enter');
    await v.getByText('Không tìm thấy hồ sơ').first().waitFor();
    await v.getByLabel(/^Mã bí mật hoặc số định danh/).fill(state.secret);
    await v.keyboard.press('Enter');
    await v.getByRole('heading', { name: `Hồ sơ ${state.code}` }).waitFor();
    const text = await v.locator('#result').innerText();
    assert(text.includes('Đã trả kết quả'), `lookup shows: ${text.slice(0, 200)}`);
    assert(!text.includes('Nguyễn Văn An'), 'the public lookup shows personal data');
    assert(/Ký số bởi .* — chữ ký hợp lệ/.test(text), `the lookup does not say who signed the result: ${text.slice(0, 400)}`);
    await check(visitor, '18-tra-cuu-cong-khai');
  });

  await step('dossier page: timeline and the electronic result downloaded (P16)', async () => {
    await c.goto(`/ho-so.html?id=${state.dossierId}`);
    await c.getByText('Hồ sơ đã có kết quả').waitFor();
    const [download] = await Promise.all([c.waitForEvent('download'), c.getByRole('button', { name: 'Tải kết quả' }).click()]);
    const file = await download.path();
    const head = (await import('node:fs')).readFileSync(file).subarray(0, 5).toString();
    assert(head === '%PDF-', `downloaded result starts with ${head}`);
    await c.getByText(/Ký số bởi .* — chữ ký hợp lệ/).first().waitFor();
    assert(download.suggestedFilename().endsWith('.pdf'), download.suggestedFilename());
    await check(citizen, '19-ho-so-co-ket-qua');
  });

  await step('rating of the finished dossier (P9), once', async () => {
    await Promise.all([c.waitForURL(/danh-gia\.html/), c.getByRole('link', { name: 'Đánh giá mức độ hài lòng' }).click()]);
    await c.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await c.locator('.error-summary').waitFor();
    await c.getByLabel('Rất hài lòng').check();
    await c.getByLabel('Không phải liên hệ thêm').check();
    await c.getByLabel('Chỉ Bộ phận Một cửa').check();
    await c.getByRole('radio', { name: 'Không', exact: true }).check();
    await c.getByLabel(/^Góp ý thêm/).fill('Cán bộ hướng dẫn tận tình.');
    await check(citizen, '20-danh-gia', { shot: false });
    await c.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await c.getByText('Cảm ơn bạn đã đánh giá').waitFor();
    await check(citizen, '20-danh-gia');
    await c.reload();
    await c.getByText('Hồ sơ này đã được đánh giá').waitFor();
  });

  await step('feedback (P18, Decision 766): send, officer asks for more, citizen replies, officer answers and publishes, answer is public', async () => {
    await c.goto('/phan-anh.html');
    await c.getByLabel('Kiến nghị (về quy định hành chính)').check();
    await c.getByLabel(/^Cơ quan tiếp nhận/).selectOption({ label: 'Ủy ban nhân dân phường Hạc Thành' });
    await c.getByLabel(/^Tiêu đề/).fill('Đề nghị gửi bản sao trích lục qua bưu điện');
    await c.getByLabel(/^Nội dung/).fill('Xin cho nhận bản sao trích lục hộ tịch qua dịch vụ bưu chính công ích.');
    await c.getByLabel(/^Mã hồ sơ liên quan/).fill(state.code);
    await c.getByRole('button', { name: 'Gửi phản ánh, kiến nghị' }).click();
    await c.getByText('Đã gửi phản ánh, kiến nghị').waitFor();
    const box = c.locator('#sent');
    state.fbCode = (await box.locator('strong').first().innerText()).trim();
    state.fbSecret = (await box.locator('.secret').innerText()).trim();
    await check(citizen, '21-phan-anh-da-gui');
    const r = reception.page;
    await r.goto('/can-bo/phan-anh.html');
    const item = r.locator('.results > li', { hasText: state.fbCode });
    await item.getByText('Từ chối tiếp nhận hoặc đề nghị bổ sung thông tin').click();
    await item.getByLabel(/^Thông tin cần người gửi bổ sung/).fill('Xin cho biết địa chỉ nhận bản sao.');
    await item.getByRole('button', { name: 'Đề nghị bổ sung' }).click();
    await item.getByText('Đang chờ người gửi trả lời.').waitFor();
    await c.getByLabel(/^Mã theo dõi/).fill(state.fbCode);
    await c.getByLabel(/^Mã bí mật/).fill(state.fbSecret);
    await c.getByRole('button', { name: 'Xem tình trạng' }).click();
    await c.getByLabel(/^Thông tin bổ sung/).fill('Số 12 Lê Lợi, phường Hạc Thành.');
    await check(citizen, '21b-phan-anh-bo-sung-thong-tin');
    await c.getByRole('button', { name: 'Gửi thông tin bổ sung' }).click();
    await c.locator('#tracked').getByText('Bạn đã trả lời').waitFor();
    await r.reload();
    await item.getByText('Số 12 Lê Lợi, phường Hạc Thành.').waitFor();
    await item.getByLabel(/^Nội dung trả lời/).fill('Ủy ban nhân dân phường đã triển khai trả kết quả qua bưu chính công ích từ tháng này.');
    await check(reception, '31-can-bo-tra-loi-phan-anh');
    await item.getByRole('button', { name: 'Gửi trả lời' }).click();
    await item.getByText('Câu trả lời đã được công khai trên Cổng.').waitFor();
    await c.getByRole('button', { name: 'Xem tình trạng' }).click();
    await c.locator('#tracked').getByText('bưu chính công ích từ tháng này').waitFor();
    await c.reload();
    await c.locator('#published').getByText('Đề nghị gửi bản sao trích lục qua bưu điện').first().waitFor();
    await check(citizen, '22-phan-anh-da-tra-loi');
  });

  await step('public statistics (P8): SVG chart with a text alternative and the data table', async () => {
    // A period around today (a dossier filed on a weekend is received on the next working day).
    const day = (offset) => new Date(Date.now() + offset * 864e5).toLocaleDateString('en-GB', { timeZone: 'Asia/Ho_Chi_Minh' });
    await c.goto(`/thong-ke.html?from=${day(-7)}&to=${day(14)}`);
    await c.locator('figure.chart svg[role=img]').waitFor();
    const desc = await c.locator('figure.chart desc').textContent();
    assert(desc.includes('Hộ tịch'), `chart description: ${desc}`);
    const total = await c.locator('tfoot td').nth(3).innerText();
    assert(Number(total) >= 1, `total received: ${total}`);
    await check(citizen, '23-thong-ke');
  });

  await step('account: profile for pre-filling and the notifications of each step', async () => {
    await c.goto('/tai-khoan.html');
    await c.getByRole('link', { name: `Hồ sơ ${state.code}` }).first().waitFor();
    await check(citizen, '24-tai-khoan-thong-bao');
  });

  // ------------------------------------------------------ surveys and consultations (P11)
  const SURVEY = 'Lấy ý kiến về việc mở cửa Bộ phận Một cửa sáng thứ Bảy';
  await step('surveys (P11): the agency administrator publishes a survey in the console; questions and options added and removed by keyboard', async () => {
    const a = admin.page;
    await a.goto('/can-bo/quan-tri.html');
    const sec = a.locator('#surveys');
    await sec.getByRole('button', { name: 'Đăng khảo sát' }).click();
    await sec.locator('.error-summary').waitFor();
    assert(await sec.getByLabel(/^Tiêu đề/).getAttribute('aria-invalid') === 'true', 'empty title not marked invalid');
    await sec.getByLabel(/^Tiêu đề/).fill(SURVEY);
    await sec.getByLabel(/^Mô tả/).fill('Ủy ban nhân dân phường dự kiến tiếp nhận hồ sơ sáng thứ Bảy hằng tuần, từ 7 giờ 30 đến 11 giờ 30.');
    const closes = new Date(Date.now() + 30 * 864e5).toLocaleDateString('en-GB', { timeZone: 'Asia/Ho_Chi_Minh' });
    await sec.getByLabel(/^Hạn nhận ý kiến/).fill(closes);
    await sec.getByLabel(/^Nội dung câu hỏi 1/).fill('Ông/bà có cần nộp hồ sơ vào sáng thứ Bảy không?');
    await sec.getByLabel('Phương án 1 của câu hỏi 1').fill('Có, thường xuyên');
    await sec.getByLabel('Phương án 2 của câu hỏi 1').fill('Thỉnh thoảng');
    const focused = () => a.evaluate(() => document.activeElement.name || document.activeElement.textContent);
    // Keyboard only: Enter on “Thêm phương án” puts the focus in the new option.
    await sec.getByRole('button', { name: 'Thêm phương án cho câu hỏi 1' }).focus();
    await a.keyboard.press('Enter');
    assert(await focused() === 'questions[0].options[2]', `focus after adding an option: ${await focused()}`);
    await a.keyboard.type('Không cần');
    await sec.getByRole('button', { name: 'Thêm câu hỏi' }).focus();
    await a.keyboard.press('Enter');
    assert(await focused() === 'questions[1].text', `focus after adding a question: ${await focused()}`);
    await a.keyboard.type('Khung giờ nào thuận tiện nhất?');
    await sec.getByLabel('Phương án 1 của câu hỏi 2').fill('7 giờ 30 – 9 giờ 30');
    await sec.getByLabel('Phương án 2 của câu hỏi 2').fill('9 giờ 30 – 11 giờ 30');
    await sec.getByRole('button', { name: 'Thêm phương án cho câu hỏi 2' }).click();
    await sec.getByLabel('Phương án 3 của câu hỏi 2').fill('Bỏ đi');
    await sec.getByRole('button', { name: 'Xóa phương án 3 của câu hỏi 2' }).focus();
    await a.keyboard.press('Enter');
    assert(await sec.getByLabel(/^Phương án \d của câu hỏi 2/).count() === 2, 'the third option of question 2 was not removed');
    assert(await focused() === 'questions[1].options[1]', `focus after removing an option: ${await focused()}`);
    assert(await sec.getByLabel('Phương án 1 của câu hỏi 1').inputValue() === 'Có, thường xuyên', 'typed options lost when the list was redrawn');
    await check(admin, '38-quan-tri-tao-khao-sat', { shot: false });
    await shotElement(a, 'section:has(#surveys)', '38-quan-tri-tao-khao-sat');
    await sec.getByRole('button', { name: 'Đăng khảo sát' }).click();
    await sec.getByText('Đã đăng khảo sát').waitFor();
    assert(await a.evaluate(() => document.activeElement.classList.contains('alert')), 'the confirmation is not focused');
    const item = sec.locator('details[data-survey][open]', { hasText: SURVEY });
    await item.getByText('0 lượt trả lời').first().waitFor();
    assert(await sec.getByLabel(/^Tiêu đề/).inputValue() === '', 'the form was not emptied');
  });

  await step('surveys (P11): the citizen answers once; a second answer is refused with a message; the tally counts one', async () => {
    await c.goto('/khao-sat.html');
    const art = c.getByRole('article', { name: SURVEY }).first();
    await art.getByRole('group', { name: /^Câu 1\./ }).waitFor();
    await art.getByRole('button', { name: 'Gửi ý kiến' }).click();
    await art.locator('.error-summary').waitFor();
    await art.getByRole('group', { name: /^Câu 2\./ }).getByText('Vui lòng chọn một phương án cho câu 2.').waitFor();
    await art.getByRole('radio', { name: 'Có, thường xuyên' }).check();
    await check(citizen, '25-khao-sat-phieu-tra-loi');
    await art.getByRole('radio', { name: '7 giờ 30 – 9 giờ 30' }).check();
    await art.getByRole('button', { name: 'Gửi ý kiến' }).click();
    await art.getByText('Cảm ơn bạn đã góp ý').waitFor();
    assert(await c.evaluate(() => document.activeElement.classList.contains('alert')), 'the thanks message is not focused');
    const row = art.locator('.bars li', { hasText: 'Có, thường xuyên' });
    assert((await row.locator('.bar-value').innerText()).includes('1 lượt · 100%'), `tally: ${await row.innerText()}`);
    await art.getByText('Xem bảng số liệu').click();
    await art.getByRole('table').waitFor();
    await check(citizen, '25b-khao-sat-ket-qua');
    await c.reload();
    await art.getByRole('radio', { name: 'Thỉnh thoảng' }).check();
    await art.getByRole('radio', { name: '9 giờ 30 – 11 giờ 30' }).check();
    await art.getByRole('button', { name: 'Gửi ý kiến' }).click();
    await art.getByText('Bạn đã trả lời khảo sát này').waitFor();
    await art.getByRole('heading', { name: 'Kết quả tạm thời (1 lượt trả lời)' }).waitFor();
    assert((await art.locator('.bars li', { hasText: 'Thỉnh thoảng' }).locator('.bar-value').innerText()).includes('0 lượt · 0%'), 'the refused answer was counted');
    await check(citizen, '25c-khao-sat-tra-loi-lan-hai');
    // Without an account: a hint to sign in, and the tally.
    const v = visitor.page;
    await v.goto('/khao-sat.html');
    const seen = v.getByRole('article', { name: SURVEY }).first();
    await seen.getByRole('link', { name: 'đăng nhập' }).waitFor();
    await seen.getByText('Xem kết quả tạm thời (1 lượt trả lời)').click();
    await check(visitor, '25d-khao-sat-chua-dang-nhap', { shot: false });
    // The console's list has the tally.
    const a = admin.page;
    await a.reload();
    const item = a.locator('#surveys details[data-survey]', { hasText: SURVEY });
    await item.locator(':scope > summary').getByText('1 lượt trả lời').waitFor();
    await item.locator(':scope > summary').click();
    await item.locator('.bars').first().waitFor();
    await check(admin, '39-quan-tri-ket-qua-khao-sat', { shot: false });
    await shotElement(a, 'section:has(#surveys)', '39-quan-tri-ket-qua-khao-sat');
  });

  await step('registration of a new citizen account with consent (P13)', async () => {
    const v = visitor.page;
    await v.goto('/dang-ky.html');
    await v.getByRole('button', { name: 'Đăng ký' }).click();
    await v.locator('.error-summary').waitFor();
    const user = `congdan${Date.now() % 100000}`;
    await v.getByLabel(/^Tên đăng nhập/).fill(user);
    await v.getByLabel(/^Mật khẩu/).fill('MatKhau@2026');
    await v.getByLabel(/^Nhập lại mật khẩu/).fill('MatKhau@2026');
    await v.getByLabel(/^Họ, chữ đệm và tên/).fill('Trần Thị Cúc');
    await v.getByLabel(/^Số định danh cá nhân/).fill('038190004321');
    await v.getByLabel(/^Ngày sinh/).fill('03/04/1991');
    await v.getByLabel(/^Tôi đồng ý/).check();
    await check(visitor, '26-dang-ky');
    await Promise.all([v.waitForURL(/tai-khoan\.html/), v.getByRole('button', { name: 'Đăng ký' }).click()]);
    await v.getByText('Tài khoản đã được tạo').waitFor();
    assert(await v.getByLabel(/^Ngày sinh/).inputValue() === '03/04/1991', 'date of birth not shown dd/mm/yyyy');
  });

  // --------------------------------------------- supplement request and the citizen's reply
  await step('supplement (P5, M2): officer asks for a missing document, the citizen uploads it and replies', async () => {
    await c.goto(`/nop-ho-so.html?ma=${PROCEDURE}`);
    await c.getByLabel(/^Loại việc hộ tịch/).selectOption('Khai tử');
    await c.getByLabel(/^Họ, chữ đệm và tên người được cấp/).fill('Nguyễn Văn Bảy');
    await c.getByLabel(/^Số bản sao/).fill('1');
    const row = c.locator('.upload-row').first();
    await row.locator('input[type=file]').setInputFiles({ name: 'To khai.pdf', mimeType: 'application/pdf', buffer: pdf(20, 'To khai 2') });
    await row.getByText('Đã tải lên và kiểm tra tệp').waitFor();
    await c.getByLabel(/^Tôi xin cam đoan/).check();
    await Promise.all([c.waitForURL(/bien-nhan\.html/), c.getByRole('button', { name: 'Nộp hồ sơ' }).click()]);
    const second = new URL(c.url()).searchParams.get('id');
    const r = reception.page;
    await r.goto(`/can-bo/ho-so.html?id=${second}`);
    const card = r.locator('[data-action=request_supplement]');
    await card.locator('summary').click();
    await card.getByLabel(/^Văn bản ủy quyền/).check();
    await card.getByLabel(/^Lý do cần bổ sung “Văn bản ủy quyền/).fill('Người nộp không phải người được cấp bản sao: cần văn bản ủy quyền có chứng thực.');
    await check(reception, '27-can-bo-yeu-cau-bo-sung');
    await card.getByRole('button', { name: 'Yêu cầu bổ sung hồ sơ' }).click();
    await r.locator('#app').getByText('Yêu cầu bổ sung hồ sơ: đã thực hiện').waitFor();
    await c.goto(`/ho-so.html?id=${second}`);
    const box = c.locator('section', { hasText: 'Yêu cầu bổ sung hồ sơ (lần 1)' });
    await box.getByText('cần văn bản ủy quyền có chứng thực').waitFor();
    await box.locator('input[type=file]').setInputFiles({ name: 'Van ban uy quyen.pdf', mimeType: 'application/pdf', buffer: pdf(20, 'Uy quyen') });
    await box.getByText('Đã tải lên và kiểm tra tệp').waitFor();
    await box.getByLabel(/^Ghi chú gửi cơ quan/).fill('Tôi đã bổ sung văn bản ủy quyền.');
    await check(citizen, '28-cong-dan-bo-sung');
    await Promise.all([c.waitForEvent('load'), box.getByRole('button', { name: 'Gửi hồ sơ bổ sung' }).click()]);
    await c.getByRole('heading', { name: 'Quá trình giải quyết' }).waitFor();
    const status = await c.locator('.badge').first().innerText();
    assert(!status.includes('bổ sung'), `status after the supplement: ${status}`);
    assert((await c.locator('main').innerText()).includes('Van ban uy quyen.pdf'), 'the supplemented file is not listed');
    state.second = second;
  });

  await step('payment (fees): officer accepts and asks for the fee, the citizen pays online at the payment platform, the dossier goes on', async () => {
    const r = reception.page;
    await r.goto(`/can-bo/ho-so.html?id=${state.second}`);
    await r.locator('[data-action=accept]').getByRole('button', { name: 'Tiếp nhận hồ sơ' }).click();
    await r.locator('#app').getByText('Tiếp nhận hồ sơ: đã thực hiện').waitFor();
    const card = r.locator('[data-action=request_payment]');
    await card.locator('summary').click();
    assert(await card.getByLabel(/^Số tiền/).inputValue() === '8000', 'the fee of the procedure is not proposed');
    await card.getByRole('button', { name: 'Yêu cầu nộp phí, lệ phí' }).click();
    await r.locator('#app').getByText('Yêu cầu nộp phí, lệ phí: đã thực hiện').waitFor();
    await c.goto(`/ho-so.html?id=${state.second}`);
    await c.getByRole('heading', { name: 'Yêu cầu thực hiện nghĩa vụ tài chính' }).waitFor();
    assert((await c.locator('main').innerText()).includes('8.000 đồng'), 'the amount is not shown to the citizen');
    await check(citizen, '29-cong-dan-nop-phi');
    // The demo's fake national payment platform: its own page, then back to the receipt.
    await c.getByRole('button', { name: 'Thanh toán trực tuyến' }).click();
    await c.getByRole('heading', { name: 'Nền tảng thanh toán trực tuyến' }).waitFor();
    assert((await c.locator('#so-tien').innerText()).includes('8.000 đồng'), 'the platform does not show the amount');
    await c.getByRole('button', { name: 'Thanh toán', exact: true }).click();
    await c.getByRole('heading', { name: 'Thanh toán thành công' }).waitFor();
    assert((await c.locator('main').innerText()).includes('hồ sơ được tiếp tục giải quyết'), 'the receipt does not say the dossier goes on');
    await check(citizen, '29b-cong-dan-bien-nhan-thanh-toan');
    await r.reload();
    await r.locator('#app').getByText('Nền tảng thanh toán trực tuyến').first().waitFor();
    assert(await r.locator('[data-action=confirm_payment]').count() === 0, 'the officer is still asked to confirm the payment');
  });

  await step('result by post (P15): the citizen chooses the post with an address; the officer sees the choice', async () => {
    await c.goto(`/ho-so.html?id=${state.second}`);
    await c.locator('summary', { hasText: 'Đổi cách nhận kết quả' }).click();
    await c.getByLabel('Qua dịch vụ bưu chính công ích').check();
    await c.getByLabel(/^Địa chỉ nhận kết quả/).fill('');
    await c.getByRole('button', { name: 'Lưu cách nhận kết quả' }).click();
    await c.locator('.field-error', { hasText: 'Vui lòng nhập địa chỉ nhận kết quả qua bưu chính.' }).waitFor();
    await c.getByLabel(/^Địa chỉ nhận kết quả/).fill('Số 5 phố Trường Thi, phường Hạc Thành');
    await Promise.all([c.waitForEvent('load'), c.getByRole('button', { name: 'Lưu cách nhận kết quả' }).click()]);
    await c.getByText('Qua dịch vụ bưu chính công ích: Số 5 phố Trường Thi, phường Hạc Thành').waitFor();
    await check(citizen, '29c-cong-dan-chon-nhan-qua-buu-chinh');
    const r = reception.page;
    await r.goto(`/can-bo/ho-so.html?id=${state.second}`);
    await r.getByText('Qua dịch vụ bưu chính công ích: Số 5 phố Trường Thi, phường Hạc Thành').first().waitFor();
  });

  await step('the post collects the paper documents (P15): ordered by the citizen, followed to “delivered” on both pages', async () => {
    await c.goto(`/ho-so.html?id=${state.second}`);
    await c.locator('summary', { hasText: 'Nhờ bưu điện thu gom hồ sơ giấy tại nhà' }).click();
    await c.getByLabel('Địa chỉ thu gom').fill('Số 5 phố Trường Thi, phường Hạc Thành');
    await Promise.all([c.waitForEvent('load'), c.getByRole('button', { name: 'Đặt thu gom hồ sơ giấy' }).click()]);
    const panel = c.locator('section', { has: c.getByRole('heading', { name: 'Bưu điện thu gom hồ sơ giấy' }) });
    const tracking = (await panel.innerText()).match(/EP\d+VN/)[0];
    // The demo's fake post moves the parcel on (its address is in the server's banner).
    const post = readFileSync(process.env.SERVER_LOG, 'utf8').match(/Bưu điện giả lập: (http:\/\/[^/\s]+)/)[1];
    for (let i = 0; i < 3; i += 1) {
      const answer = await fetch(`${post}/_fake/parcels/${tracking}/advance`, { method: 'POST' });
      assert(answer.ok, `the fake post did not advance ${tracking}: ${answer.status}`);
    }
    await c.reload();
    await panel.getByText('Đã phát thành công').waitFor();
    await check(citizen, '29d-buu-dien-thu-gom-ho-so');
    await reception.page.goto(`/can-bo/ho-so.html?id=${state.second}`);
    await reception.page.getByRole('heading', { name: 'Bưu điện thu gom hồ sơ giấy' }).waitFor();
    await reception.page.getByText('Đã phát thành công').first().waitFor();
  });

  await step('withdrawal: the citizen asks to withdraw the dossier, the officer confirms', async () => {
    await c.goto(`/ho-so.html?id=${state.second}`);
    await c.locator('summary', { hasText: 'Rút hồ sơ' }).click();
    await c.getByLabel('Lý do rút hồ sơ').fill('Đã nhận được bản sao tại nơi khác.');
    await Promise.all([c.waitForEvent('load'), c.getByRole('button', { name: 'Gửi yêu cầu rút hồ sơ' }).click()]);
    await c.getByText('Công dân yêu cầu rút hồ sơ').first().waitFor();
    const r = reception.page;
    await r.goto(`/can-bo/ho-so.html?id=${state.second}`);
    await r.locator('[data-action=confirm_withdrawal]').getByRole('button', { name: 'Xác nhận rút hồ sơ' }).click();
    await r.locator('#app').getByText('Xác nhận rút hồ sơ: đã thực hiện').waitFor();
    assert((await r.locator('#app .badge').first().innerText()).includes('Dừng xử lý'), 'status after withdrawal');
  });

  // ----------------------------------------------------- counter reception of a paper dossier
  await step('counter reception: paper dossier, scanned component, acceptance, receipt', async () => {
    const r = reception.page;
    await r.goto('/can-bo/tiep-nhan.html');
    await r.getByLabel(/^Thủ tục/).selectOption(PROCEDURE);
    await r.getByLabel(/^Loại việc hộ tịch/).waitFor();
    await r.getByLabel(/^Họ, chữ đệm và tên$|^Họ, chữ đệm và tên \*/).first().fill('Lê Văn Bình');
    await r.getByLabel(/^Số định danh cá nhân/).fill('038085007777');
    await r.getByLabel(/^Số điện thoại/).fill('0987654321');
    await r.getByLabel(/^Loại việc hộ tịch/).selectOption('Kết hôn');
    await r.getByLabel(/^Họ, chữ đệm và tên người được cấp/).fill('Lê Văn Bình');
    await r.getByLabel(/^Số bản sao/).fill('1');
    await check(reception, '32-tiep-nhan-tai-quay');
    // Under the 2025 regime the applicant's identity must be checked (Decree 309/2026, R8).
    await r.getByRole('button', { name: /^Tạo hồ sơ/ }).click();
    await r.locator('#identity').getByText(/Vui lòng xác thực danh tính người nộp/).waitFor();
    await r.getByLabel('Ứng dụng VNeID').check();
    await r.getByRole('button', { name: /^Tạo hồ sơ/ }).click();
    const scanned = r.locator('.upload-row').first();
    await scanned.waitFor();
    await scanned.locator('input[type=file]').setInputFiles({ name: 'Ban quet to khai.pdf', mimeType: 'application/pdf', buffer: pdf(30, 'Ban quet') });
    await scanned.getByText('Đã tải lên và kiểm tra tệp').waitFor();
    await r.getByRole('button', { name: 'Tiếp nhận hồ sơ' }).click();
    await r.getByText('Đã tiếp nhận hồ sơ').first().waitFor();
    assert(/000\.17\.22\.H56-(\d{8}-\d{7}|\d{6}-\d{4})/.test(await r.locator('main').innerText()), 'no dossier code after counter acceptance');
    await check(reception, '33-tiep-nhan-tai-quay-xong');
  });

  await step('console: dashboard, register (Form 06), calendar administration, users', async () => {
    const r = reception.page;
    await r.goto('/can-bo/bang-dieu-khien.html');
    await r.locator('figure.chart svg').first().waitFor();
    // The Decision 766 index of the month (R9), with its five groups.
    await r.getByRole('heading', { name: /Bộ chỉ số 766 tháng này: [\d.]+\/100 điểm/ }).waitFor();
    assert(await r.locator('#index-766 tbody tr').count() === 8, 'the 766 index lists its eight inputs');
    await check(reception, '34-bang-dieu-khien');
    await r.goto('/can-bo/so-theo-doi.html');
    await r.locator('#book iframe, #book .alert').first().waitFor();
    await check(reception, '35-so-theo-doi', { fullPage: false });
    // The archive (G9): the dossier returned today is not archived before a year has passed.
    await r.goto('/can-bo/luu-tru.html');
    await r.getByRole('button', { name: 'Tìm' }).click();
    assert(await r.getByLabel(/^Mã hồ sơ/).getAttribute('aria-invalid') === 'true', 'empty code not marked invalid');
    await r.getByLabel(/^Mã hồ sơ/).fill(state.code);
    await r.getByRole('button', { name: 'Tìm' }).click();
    await r.getByText('Không tìm thấy hồ sơ lưu trữ với mã này').waitFor();
    await check(reception, '35c-kho-luu-tru', { shot: false });
    if (await r.locator('#book iframe').count()) {
      const html = await r.locator('#book iframe').getAttribute('srcdoc');
      assert(html.includes(state.code), 'the register does not list the dossier');
      const serious = (await checkDocument(reception, '35b-mau-06-so-theo-doi', html)).filter((v) => ['serious', 'critical'].includes(v.impact));
      assert(serious.length === 0, `Form 06 HTML: ${serious.map((v) => v.id).join(', ')}`);
    }
    const sys = await person(browser);
    await login(sys, 'quantri', { console: true, next: '/can-bo/quan-tri.html' });
    const q = sys.page;
    // A weekday of mid-December of the current year (Vietnam time) becomes a day off.
    const year = Number(new Date().toLocaleDateString('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).slice(0, 4));
    let dayOff = 10;
    while ([0, 6].includes(new Date(Date.UTC(year, 11, dayOff)).getUTCDay())) dayOff++;
    await q.getByLabel('Ngày nghỉ', { exact: true }).fill(`${dayOff}/12/${year}`);
    await q.getByLabel('Tên ngày nghỉ').fill('Nghỉ hoán đổi theo quyết định của tỉnh');
    await q.getByRole('button', { name: 'Lưu điều chỉnh' }).click();
    await q.getByText('Đã lưu lịch làm việc').waitFor();
    await q.getByRole('cell', { name: 'Nghỉ hoán đổi theo quyết định của tỉnh' }).waitFor();
    await check(sys, '36-quan-tri-lich');
    // The regime in force (R1): the demo files new dossiers under 2025; a day in the past is
    // refused by the server, and the form says why.
    await q.getByText('Đang áp dụng: Chế độ 2025').waitFor();
    await q.getByLabel(/^Chế độ 2019/).check();
    await q.getByLabel('Áp dụng từ ngày').fill('01/01/2020');
    await q.getByRole('button', { name: 'Lưu chế độ áp dụng' }).click();
    await q.getByText(/Ngày áp dụng phải từ hôm nay/).waitFor();
    await check(sys, '36a-quan-tri-che-do', { shot: false });
    // The connections (G2): the demo's national portal has received the dossiers accepted
    // above; the reconciliation finds nothing missing.
    await q.getByRole('heading', { name: 'Kết nối liên thông' }).waitFor();
    await q.getByRole('cell', { name: 'Cổng Dịch vụ công quốc gia — đồng bộ hồ sơ' }).waitFor();
    await q.getByRole('button', { name: 'Đối soát với Cổng DVCQG' }).click();
    await q.getByText(/Đã đối soát \d+ hồ sơ: 0 Cổng chưa có/).waitFor();
    await check(sys, '36b-quan-tri-ket-noi', { shot: false });
    await shotElement(q, 'section:has(#ket-noi)', '36b-quan-tri-ket-noi');
    await sys.context.close();
  });

  // -------------------------------------------------------------------- no open redirect
  await step('login: "next" only leads to a page of this site (security issue, item 4)', async () => {
    for (const next of ['/\\example.org/', '//example.org/', 'https://example.org/', '/\texample.org', 'javascript:alert(1)']) {
      const who = await person(browser);
      await login(who, 'congdan', { next });
      const url = new URL(who.page.url());
      assert(url.origin === new URL(BASE).origin && url.pathname === '/ho-so-cua-toi.html', `next=${next} led to ${url.href}`);
      await who.context.close();
    }
  });

  // -------------------------------------------------------------------- kiosk (R8)
  await step('kiosk of a service centre: tiles, rating with the receipt (once), the session ends', async () => {
    const k = await person(browser);
    const p = k.page;
    await login(k, 'doanhnghiep'); // a person who walked away without signing out
    await p.goto('/may-tu-phuc-vu.html?diem=000.17.24.H56');
    await p.getByRole('link', { name: /^Đánh giá mức độ hài lòng/ }).waitFor();
    // The previous person's session is ended on the server and in the page.
    assert(!(await p.getByRole('button', { name: 'Đăng xuất' }).count()), 'the kiosk kept a session');
    await check(k, '45-may-tu-phuc-vu');
    await Promise.all([p.waitForURL(/danh-gia\.html/), p.getByRole('link', { name: /^Đánh giá mức độ hài lòng/ }).click()]);
    await p.getByRole('button', { name: 'Kết thúc phiên' }).waitFor();
    await p.getByLabel(/^Mã hồ sơ/).fill(state.code);
    await p.getByLabel(/^Mã bí mật/).fill(state.secret);
    await p.getByLabel('Hài lòng', { exact: true }).check();
    await p.getByLabel('Không phải liên hệ thêm').check();
    await p.getByLabel('Chỉ Bộ phận Một cửa').check();
    await p.getByRole('radio', { name: 'Không', exact: true }).check();
    await check(k, '46-may-tu-phuc-vu-danh-gia', { shot: false });
    await p.getByRole('button', { name: 'Gửi đánh giá' }).click();
    // The citizen rated this dossier online above: one rating per dossier.
    await p.getByText(/đã được đánh giá; mỗi hồ sơ chỉ đánh giá một lần/).waitFor();
    await Promise.all([p.waitForURL(/may-tu-phuc-vu\.html/), p.getByRole('button', { name: 'Kết thúc phiên' }).click()]);
    await p.goto('/may-tu-phuc-vu.html?thoat=1');
    await p.waitForURL((u) => u.pathname === '/');
    assert(!(await p.locator('.kiosk-bar').count()), 'kiosk mode did not end');
    await k.context.close();
  });

  // -------------------------------------------------------------------- phone-sized screens
  await step('phone screen (375 px): pages reflow without horizontal scrolling; menu opens', async () => {
    const m = phone.page;
    await m.goto('/');
    await check(phone, '40-dien-thoai-trang-chu', { fullPage: false });
    await m.getByRole('button', { name: 'Menu' }).click();
    await m.getByRole('link', { name: 'Tra cứu hồ sơ' }).first().waitFor({ state: 'visible' });
    await check(phone, '41-dien-thoai-menu', { fullPage: false });
    await m.goto(`/huong-dan.html?ma=${PROCEDURE}`);
    await check(phone, '42-dien-thoai-huong-dan');
    await login(phone, 'congdan', { next: `/nop-ho-so.html?ma=${PROCEDURE}` });
    await m.getByRole('heading', { name: 'Bước 1. Tờ khai' }).waitFor();
    await check(phone, '43-dien-thoai-to-khai');
    await m.goto(`/ho-so.html?id=${state.dossierId}`);
    await m.getByText('Hồ sơ đã có kết quả').waitFor();
    await check(phone, '44-dien-thoai-ho-so');
    await m.goto(`/tra-cuu.html?ma=${encodeURIComponent(state.code)}&bm=${state.secret}`);
    await m.getByRole('heading', { name: `Hồ sơ ${state.code}` }).waitFor();
    await check(phone, '45-dien-thoai-tra-cuu');
    await m.goto('/khao-sat.html');
    await m.locator('article.survey .survey-tally').first().waitFor();
    await m.locator('article.survey details.survey-tally > summary').first().click();
    await check(phone, '47-dien-thoai-khao-sat');
  });

  await step('an officer turns on two-factor authentication, then logs in with the app’s code', async () => {
    const officer = await person(browser);
    const o = officer.page;
    await login(officer, 'congan.phuong', { console: true, next: '/can-bo/quan-tri.html' });
    await o.getByRole('button', { name: 'Bật xác thực hai lớp' }).click();
    const secret = (await o.locator('#otp code').first().textContent()).trim();
    await o.getByLabel(/^Mã xác thực/).fill(totp(secret));
    await o.getByRole('button', { name: 'Xác nhận' }).click();
    await o.getByText('Đã bật xác thực hai lớp.').waitFor();
    await check(officer, '40-can-bo-xac-thuc-hai-lop');
    await officer.context.clearCookies();
    await o.evaluate(() => localStorage.clear());
    await o.goto('/can-bo/dang-nhap.html');
    await o.getByLabel('Tên đăng nhập').fill('congan.phuong');
    await o.getByLabel(/^Mật khẩu/).fill(PASSWORD);
    await o.getByRole('button', { name: 'Đăng nhập' }).click();
    const code = o.getByLabel(/^Mã xác thực/);
    await code.waitFor();
    assert(await o.evaluate(() => document.activeElement.id === 'otp'), 'the code field is not focused');
    await code.fill(totp(secret, Date.now() + 30_000)); // the next step: the current one was used to confirm
    await Promise.all([o.waitForURL((u) => !u.pathname.endsWith('dang-nhap.html')), o.getByRole('button', { name: 'Đăng nhập' }).click()]);
  });

  await step('staff SSO (G10): an officer logs in through the province’s identity provider and lands in the inbox', async () => {
    const o = await person(browser);
    await o.page.goto('/can-bo/dang-nhap.html');
    await o.page.getByRole('link', { name: 'Đăng nhập bằng tài khoản dùng chung của tỉnh' }).click();
    await o.page.getByRole('button', { name: /tiepnhan\.phuong/ }).click();
    await o.page.waitForURL((u) => u.pathname.startsWith('/can-bo/') && !u.pathname.endsWith('dang-nhap.html'));
    await o.page.getByText('Lê Thị Hoa').first().waitFor();
    await check(o, '47b-can-bo-dang-nhap-mot-lan');
    await o.context.close();
  });

  await step('phone screen: officer inbox and dossier', async () => {
    await phone.context.clearCookies();
    await phone.page.evaluate(() => localStorage.clear());
    await login(phone, 'tiepnhan.phuong', { console: true });
    await phone.page.getByRole('table').waitFor();
    await check(phone, '46-dien-thoai-can-bo');
  });

  await step('VNeID (P6, R7): a citizen logs in at a certified OpenID provider, lands on their dossiers, and files', async () => {
    const v = await person(browser);
    await v.page.goto('/dang-nhap.html?next=%2Fho-so-cua-toi.html');
    await v.page.getByRole('link', { name: 'Đăng nhập bằng VNeID' }).click();
    // The provider's own pages (npm oidc-provider's development login and consent).
    await v.page.locator('input[name=login]').fill('038090001234');
    await v.page.locator('input[name=password]').fill('bat-ky');
    await v.page.locator('button[type=submit]').click();
    await v.page.locator('button[type=submit]', { hasText: /Continue/i }).click();
    await v.page.waitForURL((u) => u.pathname.endsWith('/ho-so-cua-toi.html'));
    await v.page.getByText('Nguyễn Văn An').first().waitFor();
    await v.page.locator('table tbody tr').first().waitFor(); // the linked account shows its dossiers
    await check(v, '47-dang-nhap-vneid', { shot: true });
    // Pre-fill from the national population database (G5, P1): consent first, then the form
    // is filled and marked, the personal papers the state holds are not asked for.
    await v.page.goto('/nop-ho-so.html?ma=1.001612');
    await v.page.getByRole('heading', { name: /Bước 1/ }).waitFor();
    const fill = v.page.getByRole('button', { name: 'Điền sẵn từ Cơ sở dữ liệu quốc gia về dân cư' });
    await fill.click();
    await v.page.locator('.field-error', { hasText: 'Vui lòng đọc và đánh dấu đồng ý' }).waitFor();
    await v.page.getByLabel(/Tôi đồng ý \(nội dung phiên bản/).check();
    await fill.click();
    await v.page.getByText(/Đã điền sẵn từ Cơ sở dữ liệu quốc gia về dân cư lúc/).waitFor();
    assert(await v.page.getByText('Từ CSDL quốc gia về dân cư').count() >= 3, 'the registry\'s values are not marked');
    const address = await v.page.locator('input[name=address]').inputValue();
    assert(address === 'Số 12 đường Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa', `address not from the registry: ${address}`);
    await v.page.getByText(/Không cần nộp: Nhà nước đã có giấy tờ này/).waitFor();
    await check(v, '48-dien-san-csdl-dan-cu', { shot: true });
    await v.page.goto('/tai-khoan.html');
    await v.page.getByRole('table', { name: 'Các lần khai thác dữ liệu của bạn' }).getByText('Chủ dữ liệu', { exact: false }).waitFor();
    await v.page.getByRole('button', { name: 'Rút lại sự đồng ý' }).waitFor();
    await check(v, '49-ai-da-xem-du-lieu', { shot: true });
    await v.context.close();
  });

  state.forms = state.formsAvailable ? 'available' : 'missing';
}

let ok = false;
try {
  await run();
} catch (e) {
  console.log(String(e.message || e));
} finally {
  ok = summary();
  console.log(`Standard forms from the server: ${state.forms || 'not reached'}; base ${BASE}; ${Math.round((Date.now() - t0) / 1000)} s`);
  await browser.close();
}
process.exit(ok ? 0 : 1);
