// A certified OpenID provider (the npm package `oidc-provider`) configured like the national
// SSO's VNeID for the browser journey: authorization code with PKCE required, RS256 ID tokens
// carrying the personal identification number (`so_dinh_danh`), `name` and `birthdate`.
// Any 12-digit number logs in (the package's development login and consent pages).
// Usage: OIDC_PORT=… OIDC_REDIRECT_URI=… node oidc-provider.mjs
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const people = {
  '038090001234': { name: 'Nguyễn Văn An', birthdate: '1990-05-12' },
};

const provider = new Provider(`http://localhost:${port}`, {
  clients: [{
    client_id: 'motcua',
    client_secret: 'motcua-oidc-test-secret',
    redirect_uris: [process.env.OIDC_REDIRECT_URI],
    response_types: ['code'],
    grant_types: ['authorization_code'],
  }],
  claims: { openid: ['sub'], profile: ['name', 'birthdate', 'so_dinh_danh'] },
  // The claims go into the ID token itself, as the national SSO does.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['motcua-browser-test-only'] },
  async findAccount(ctx, id) {
    const person = people[id] || { name: 'Công dân thử nghiệm', birthdate: '1995-01-01' };
    return { accountId: id, async claims() { return { sub: id, so_dinh_danh: id, ...person }; } };
  },
});
provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider on http://localhost:${port}`));
