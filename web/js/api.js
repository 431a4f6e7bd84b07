// The only way the portal and the console talk to the server: JSON over /api/v1, a bearer token
// from the login kept in this browser, and errors as application/problem+json (Vietnamese
// `title`/`detail`, a stable `code` and per-field `errors`).

export const API = '/api/v1';
const KEY = 'motcua.session';

/** An API error: `status`, `code`, `title`, `detail`, field `errors`. */
export class ApiError extends Error {
  constructor(status, body) {
    const b = body && typeof body === 'object' ? body : {};
    super(b.detail || b.title || `Lỗi ${status}`);
    this.status = status;
    this.code = b.code || (status === 0 ? 'network' : 'http_' + status);
    this.title = b.title || (status === 0 ? 'Không kết nối được máy chủ' : 'Có lỗi xảy ra');
    this.detail = b.detail || this.message;
    this.errors = Array.isArray(b.errors) ? b.errors : [];
  }
  /** The route does not exist on this server (a feature not yet available). */
  get missingRoute() {
    return this.code === 'route_not_found' || this.code === 'method_not_allowed';
  }
}

function decodePayload(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const bin = atob(part + '='.repeat((4 - (part.length % 4)) % 4));
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}

/**
 * Who is signed in ({role, name, sub, exp, agency, username}) or null when absent/expired. The
 * token itself is never kept here: the server keeps it in an HttpOnly cookie that no script
 * can read, and a readable `motcua_csrf` cookie that unsafe requests echo in `X-CSRF-Token`.
 */
export function session() {
  let s = null;
  try {
    s = JSON.parse(localStorage.getItem(KEY) || 'null');
  } catch {
    s = null;
  }
  if (!s || !s.role || (s.exp && s.exp * 1000 < Date.now() + 30_000)) return null;
  return s;
}

function csrfToken() {
  const m = document.cookie.match(/(?:^|;\s*)motcua_csrf=([^;]+)/);
  return m ? m[1] : '';
}

export function saveSession(tokenResponse, me) {
  const p = decodePayload(tokenResponse.access_token) || {};
  const s = {
    role: tokenResponse.role || p.role,
    name: p.name || (me && me.profile && me.profile.full_name) || '',
    sub: p.sub,
    exp: p.exp,
    agency: (me && me.agency) || p.agency || null,
    username: (me && me.username) || '',
  };
  localStorage.setItem(KEY, JSON.stringify(s));
  return s;
}

export function clearSession() {
  localStorage.removeItem(KEY);
}

export const STAFF_ROLES = ['receiving_officer', 'specialist', 'leader', 'agency_admin', 'system_admin'];
export const isStaff = (s) => !!s && STAFF_ROLES.includes(s.role);
export const isApplicant = (s) => !!s && (s.role === 'citizen' || s.role === 'business');

/**
 * Calls the API. `body` is sent as JSON; `headers` adds request headers; the session cookie goes
 * with every request (public answers ignore a stale one), the CSRF header with unsafe ones of a
 * signed-in page (`auth: false` sends none). Returns the parsed JSON (or text for non-JSON
 * answers); throws ApiError.
 */
export async function api(path, { method = 'GET', body, headers = {}, auth = true, raw = false } = {}) {
  const h = { Accept: 'application/json', ...headers };
  const s = auth ? session() : null;
  if (s && method !== 'GET' && method !== 'HEAD') h['X-CSRF-Token'] = csrfToken();
  if (body !== undefined) h['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path.startsWith('/') ? path : API + '/' + path, {
      method,
      headers: h,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, { detail: 'Không kết nối được máy chủ. Vui lòng kiểm tra mạng và thử lại.' });
  }
  if (raw && res.ok) return res;
  const type = res.headers.get('content-type') || '';
  const data = type.includes('json') ? await res.json().catch(() => null) : await res.text();
  if (!res.ok) {
    if (res.status === 401 && s) clearSession();
    throw new ApiError(res.status, data);
  }
  return data;
}

export const get = (p, o) => api(API + p, o);
export const post = (p, body = {}, o = {}) => api(API + p, { ...o, method: 'POST', body });
export const patch = (p, body, o = {}) => api(API + p, { ...o, method: 'PATCH', body });
export const put = (p, body, o = {}) => api(API + p, { ...o, method: 'PUT', body });
export const del = (p, o = {}) => api(API + p, { ...o, method: 'DELETE' });

let statusList = null;
/** The statuses with their names, as the server says them (fetched once per page). */
export const statuses = () => (statusList ||= get('/statuses', { auth: false }));

/** A random key for Idempotency-Key headers (retries of the same click reuse it). */
export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The embedded server signs object addresses with its own listening address
 * (`http://127.0.0.1:8080/_objects/…`); behind a reverse proxy the browser must use the
 * portal's origin instead. Other addresses (S3 on AWS) are used as given.
 */
export function objectUrl(url) {
  try {
    const u = new URL(url, location.origin);
    return u.pathname.startsWith('/_objects/') ? u.pathname + u.search : url;
  } catch {
    return url;
  }
}
