// Uploads (P4, M4): checks type and size before sending, computes the SHA-256 the server
// verifies, declares the file, PUTs the bytes to the presigned address with a progress bar,
// then asks the server to check and attach it. A failed upload can be retried.

import { post, del, ApiError, objectUrl } from './api.js';
import { h, nextId, fmtSize, announce } from './ui.js';

const TYPE_NAMES = { 'application/pdf': 'PDF', 'image/jpeg': 'JPG', 'image/png': 'PNG' };
const BY_EXTENSION = { pdf: 'application/pdf', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png' };

export function contentTypeOf(file) {
  if (file.type) return file.type;
  const ext = (file.name.split('.').pop() || '').toLowerCase();
  return BY_EXTENSION[ext] || 'application/octet-stream';
}

export const typeNames = (types) => types.map((t) => TYPE_NAMES[t] || t).join(', ');

/** Why a file cannot be sent for this component, or null. */
export function checkFile(file, accepted, maxBytes) {
  const type = contentTypeOf(file);
  if (!accepted.includes(type)) return `Tệp “${file.name}” không đúng định dạng. Chỉ nhận: ${typeNames(accepted)}.`;
  if (file.size === 0) return `Tệp “${file.name}” rỗng.`;
  if (file.size > maxBytes) return `Tệp “${file.name}” (${fmtSize(file.size)}) vượt quá dung lượng cho phép ${fmtSize(maxBytes)}.`;
  return null;
}

// SHA-256 for pages served without a secure context (crypto.subtle is absent there).
function sha256Fallback(bytes) {
  const K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
    0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
    0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
    0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);
  const H = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const len = bytes.length;
  const padded = new Uint8Array(((len + 9 + 63) >> 6) << 6);
  padded.set(bytes);
  padded[len] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(len / 0x20000000));
  view.setUint32(padded.length - 4, (len << 3) >>> 0);
  const W = new Uint32Array(64);
  const rotr = (x, n) => (x >>> n) | (x << (32 - n));
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) W[i] = view.getUint32(off + i * 4);
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(W[i - 15], 7) ^ rotr(W[i - 15], 18) ^ (W[i - 15] >>> 3);
      const s1 = rotr(W[i - 2], 17) ^ rotr(W[i - 2], 19) ^ (W[i - 2] >>> 10);
      W[i] = (W[i - 16] + s0 + W[i - 7] + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, hh] = H;
    for (let i = 0; i < 64; i++) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + W[i]) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      hh = g; g = f; f = e; e = (d + t1) >>> 0; d = c; c = b; b = a; a = (t1 + t2) >>> 0;
    }
    H[0] += a; H[1] += b; H[2] += c; H[3] += d; H[4] += e; H[5] += f; H[6] += g; H[7] += hh;
  }
  return Array.from(H, (x) => x.toString(16).padStart(8, '0')).join('');
}

export async function sha256Hex(buffer) {
  if (globalThis.crypto && crypto.subtle) {
    const d = await crypto.subtle.digest('SHA-256', buffer);
    return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, '0')).join('');
  }
  return sha256Fallback(new Uint8Array(buffer));
}

const FORBIDDEN = new Set(['content-length', 'host', 'connection']);

/** PUTs the bytes to a presigned address, reporting progress (0–100). */
export function putWithProgress(ticket, body, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(ticket.method || 'PUT', objectUrl(ticket.url));
    for (const [k, v] of ticket.headers || []) if (!FORBIDDEN.has(k.toLowerCase())) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100)); };
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300
      ? resolve()
      : reject(new ApiError(xhr.status, { detail: `Máy chủ lưu trữ từ chối tệp (mã ${xhr.status}). Vui lòng thử lại.` })));
    xhr.onerror = () => reject(new ApiError(0, { detail: 'Mất kết nối khi đang tải tệp lên. Vui lòng thử lại.' }));
    xhr.send(body);
  });
}

/**
 * The whole upload of one file: declare (POST declarePath) → PUT → complete (POST
 * completePath(uploadId), when given). Returns {uploadId, result}.
 */
export async function uploadFile(file, { declarePath, completePath, onProgress = () => {} }) {
  const buffer = await file.arrayBuffer();
  const sha256 = await sha256Hex(buffer);
  const ticket = await post(declarePath, { filename: file.name, size: file.size, content_type: contentTypeOf(file), sha256 });
  onProgress(0);
  await putWithProgress(ticket.upload, buffer, onProgress);
  onProgress(100);
  const result = completePath ? await post(completePath(ticket.upload_id), {}) : null;
  return { uploadId: ticket.upload_id, result };
}

/**
 * An upload block for one dossier component: file input, progress bar, uploaded files with
 * removal, retry. `spec`: {id, name, required, accepted_types, max_size_mb}; `ensureDossier()`
 * returns the dossier id (creating the draft if needed); `onChange(dossier)` gets the updated
 * dossier after each upload/removal.
 */
export function componentUploader(spec, { ensureDossier, files = [], onChange = () => {}, removable = true, fieldName }) {
  const inputId = nextId('file-' + spec.id);
  const hintId = inputId + '-hint';
  const progId = inputId + '-progress';
  const list = h('ul', { class: 'files', 'aria-label': `Tệp đã tải lên: ${spec.name}` });
  const status = h('p', { class: 'small', role: 'status', 'aria-live': 'polite' });
  const progress = h('progress', { id: progId, max: 100, value: 0 });
  const progLabel = h('label', { for: progId, class: 'small' }, 'Tiến độ tải lên');
  const progBox = h('div', { class: 'progress-box', hidden: true }, progLabel, progress, h('span', { class: 'small pct', 'aria-hidden': 'true' }, ' 0%'));
  const retry = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Thử tải lại');
  const maxBytes = (spec.max_size_mb || 10) * 1024 * 1024;
  // The native file input shows the browser's own words (often English); a button in
  // Vietnamese opens it instead, and is where errors point.
  const input = h('input', { type: 'file', id: inputId, accept: (spec.accepted_types || []).join(','), hidden: true, tabindex: '-1' });
  const pick = h('button', {
    type: 'button', class: 'secondary', 'data-field': fieldName || `components.${spec.id}`,
    'aria-label': `Chọn tệp cho “${spec.name}”`, 'aria-describedby': hintId, onclick: () => input.click(),
  }, 'Chọn tệp');
  let lastFile = null;

  function renderFiles(items) {
    list.replaceChildren(...items.filter((f) => f.component === spec.id).map((f) => h('li', {},
      h('span', {}, '📄 ', h('strong', {}, f.filename), ` (${fmtSize(f.size)})`, f.digitised ? ' — bản số hóa' : ''),
      removable ? h('button', {
        type: 'button', class: 'secondary', 'aria-label': `Gỡ tệp ${f.filename}`,
        onclick: async (ev) => {
          const id = await ensureDossier();
          ev.target.disabled = true;
          try {
            const d = await del(`/dossiers/${id}/files/${f.file_id}`);
            announce(`Đã gỡ tệp ${f.filename}.`);
            renderFiles(d.components);
            onChange(d);
          } catch (e) {
            status.textContent = e.detail;
            ev.target.disabled = false;
          }
        },
      }, 'Gỡ') : null)));
  }

  async function send(file) {
    lastFile = file;
    retry.hidden = true;
    const problem = checkFile(file, spec.accepted_types || [], maxBytes);
    const holder = pick.closest('.upload-row');
    holder.querySelectorAll('.field-error').forEach((e) => e.remove());
    if (problem) {
      const errId = nextId('err');
      pick.setAttribute('aria-describedby', `${hintId} ${errId}`);
      pick.after(h('p', { class: 'field-error', id: errId }, problem));
      input.value = '';
      announce(problem);
      return;
    }
    pick.setAttribute('aria-describedby', hintId);
    progBox.hidden = false;
    progLabel.textContent = `Đang tải lên “${file.name}”`;
    const setPct = (p) => { progress.value = p; progBox.querySelector('.pct').textContent = ` ${p}%`; };
    setPct(0);
    status.textContent = 'Đang tải lên…';
    pick.disabled = true;
    try {
      const id = await ensureDossier();
      const { result } = await uploadFile(file, {
        declarePath: `/dossiers/${id}/components/${encodeURIComponent(spec.id)}/uploads`,
        completePath: (u) => `/dossiers/${id}/components/${encodeURIComponent(spec.id)}/uploads/${u}/complete`,
        onProgress: setPct,
      });
      progLabel.textContent = `Đã tải lên “${file.name}”`;
      status.textContent = `Đã tải lên và kiểm tra tệp “${file.name}”.`;
      renderFiles(result.components);
      onChange(result);
    } catch (e) {
      status.textContent = '';
      const errId = nextId('err');
      pick.setAttribute('aria-describedby', `${hintId} ${errId}`);
      pick.after(h('p', { class: 'field-error', id: errId }, e.detail || String(e)));
      retry.hidden = false;
      announce(`Tải tệp thất bại: ${e.detail || e}`);
    } finally {
      pick.disabled = false;
      input.value = '';
    }
  }

  input.addEventListener('change', () => { if (input.files[0]) send(input.files[0]); });
  retry.addEventListener('click', () => { if (lastFile) send(lastFile); });
  renderFiles(files);

  return h('div', { class: 'upload-row', 'data-component': spec.id },
    h('h3', {}, spec.name, spec.required ? h('span', { class: 'req' }, ' (bắt buộc)') : h('span', { class: 'muted' }, ' (nếu có)')),
    h('p', { class: 'hint', id: hintId }, `Định dạng ${typeNames(spec.accepted_types || [])}, tối đa ${spec.max_size_mb} MB mỗi tệp.`),
    h('div', { class: 'row' }, pick, input), progBox, status, retry, list);
}
