// A headless OpenID Provider for the federation tests (panva's oidc-provider, OpenID-certified).
//
// Settings come from the environment:
//   PORT (required), ISSUER (default http://127.0.0.1:$PORT), CLIENT_ID, CLIENT_SECRET,
//   REDIRECT_URIS (comma-separated), AUTH_METHOD (token_endpoint_auth_method, default
//   client_secret_post), AUTH_METHODS (the token endpoint auth methods it supports,
//   comma-separated; default: oidc-provider's own list), ACCOUNT (who signs in when the request
//   has no login_hint; POST /test/account/<id> changes it), INTERACTIVE and PASSWORD (below).
// By default the interaction route signs in `login_hint` (or ACCOUNT) and grants consent at once,
// so a test reaches the redirect_uri by following redirects. With INTERACTIVE=1 the login prompt
// is a page instead: GET /interaction/:uid shows a username and password form, and POSTing it
// with an account's name and PASSWORD signs that account in (consent is still granted at once);
// anything else shows the form again with an error. POST /test/rotate-keys replaces the signing
// key with a fresh one (new kid), as an IdP rotating its keys does; the old key leaves the JWKS.
import { createHash, generateKeyPairSync, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
if (!port) throw new Error('PORT is required');
const issuer = process.env.ISSUER || `http://127.0.0.1:${port}`;
const accounts = {
  alice: { sub: 'alice', email: 'alice@example.com', email_verified: true,
           name: 'Alice Liddell', given_name: 'Alice', family_name: 'Liddell' },
  bob: { sub: 'bob', email: 'bob@example.com', email_verified: false, name: 'Bob' },
  // Another account that shows alice's email, as a second account at a provider can.
  mallory: { sub: 'mallory', email: 'alice@example.com', email_verified: true, name: 'Mallory' },
};
let defaultAccount = process.env.ACCOUNT || 'alice';
let jwksRequests = 0;
const interactive = process.env.INTERACTIVE === '1';
const password = process.env.PASSWORD || 'wonderland';

const escapeHtml = (text) => String(text).replace(/[&<>"']/g,
  (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const digest = (text) => createHash('sha256').update(String(text)).digest();

function loginPage(uid, clientId, login, error) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Sign in - OpenID Provider</title>
<style>
body { font-family: sans-serif; background: #eef1f5; margin: 0; }
main { max-width: 22rem; margin: 3rem auto; background: #fff; padding: 1.5rem 2rem;
       border-top: 4px solid #6b3fa0; border-radius: 4px; }
label { display: block; margin-top: 1rem; }
input { box-sizing: border-box; width: 100%; padding: .5rem; margin-top: .25rem; }
button { margin-top: 1.5rem; width: 100%; padding: .6rem; background: #6b3fa0; color: #fff;
         border: 0; border-radius: 4px; font-size: 1rem; }
.error { color: #a00; }
small { color: #666; }
</style></head>
<body><main>
<h1>Sign in</h1>
<p>to continue to <strong>${escapeHtml(clientId)}</strong></p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}">
<label for="login">Username</label>
<input id="login" name="login" autocomplete="username" required value="${escapeHtml(login)}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<p><small>oidc-provider at ${escapeHtml(issuer)}</small></p>
</main></body></html>`;
}

async function formFields(req) {
  let raw = '';
  for await (const chunk of req) {
    raw += chunk;
    if (raw.length > 10000) throw new Error('form too large');
  }
  return new URLSearchParams(raw);
}

function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: `k-${randomUUID()}`, use: 'sig', alg: 'RS256' };
}

function makeProvider(jwk) {
  const provider = new Provider(issuer, {
    clients: [{
      client_id: process.env.CLIENT_ID || 'cognitio-test',
      client_secret: process.env.CLIENT_SECRET || 'cognitio-secret',
      redirect_uris: (process.env.REDIRECT_URIS || 'http://127.0.0.1:9229/oauth2/idpresponse').split(','),
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: process.env.AUTH_METHOD || 'client_secret_post',
    }],
    jwks: { keys: [jwk] },
    ...(process.env.AUTH_METHODS ? { clientAuthMethods: process.env.AUTH_METHODS.split(',') } : {}),
    claims: { openid: ['sub'], email: ['email', 'email_verified'],
              profile: ['name', 'given_name', 'family_name'] },
    features: { devInteractions: { enabled: false } },
    cookies: { keys: ['cognitio-test-cookie-key'] },
    async findAccount(ctx, id) {
      const account = accounts[id];
      return account && { accountId: id, async claims() { return { ...account }; } };
    },
  });
  provider.use(async (ctx, next) => {
    if (ctx.path === '/jwks') jwksRequests += 1;
    const posted = ctx.method === 'POST' && interactive;
    if (!(ctx.method === 'GET' || posted) || !/^\/interaction\/[^/]+$/.test(ctx.path)) return next();
    const { uid, prompt, params, session, grantId } = await provider.interactionDetails(ctx.req, ctx.res);
    if (posted && prompt.name !== 'login') return next();
    let result;
    if (prompt.name === 'login' && interactive) {
      const fields = posted ? await formFields(ctx.req) : new URLSearchParams();
      const login = fields.get('login') ?? params.login_hint ?? '';
      const known = posted && Object.hasOwn(accounts, login)
        && timingSafeEqual(digest(fields.get('password') ?? ''), digest(password));
      if (!known) {
        ctx.type = 'html';
        ctx.body = loginPage(uid, params.client_id, login,
          posted ? 'Incorrect username or password.' : '');
        return undefined;
      }
      result = { login: { accountId: login } };
    } else if (prompt.name === 'login') {
      result = { login: { accountId: params.login_hint || defaultAccount } };
    } else {
      const grant = grantId ? await provider.Grant.find(grantId)
        : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
      if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
      if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
      result = { consent: { grantId: await grant.save() } };
    }
    return ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, result,
      { mergeWithLastSubmission: prompt.name !== 'login' }));
  });
  return provider;
}

let current = makeProvider(signingKey());
const server = createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/test/rotate-keys') {
    current = makeProvider(signingKey());
    res.writeHead(204).end();
    return;
  }
  const account = req.method === 'POST' && /^\/test\/account\/(\w+)$/.exec(req.url);
  if (account && accounts[account[1]]) {
    defaultAccount = account[1];
    res.writeHead(204).end();
    return;
  }
  if (req.method === 'GET' && req.url === '/test/jwks-requests') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ count: jwksRequests }));
    return;
  }
  current.callback()(req, res);
});
server.listen(port, '127.0.0.1', () => console.log(`OP ready ${issuer}`));
