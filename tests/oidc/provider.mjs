// A real OpenID provider (panva's certified oidc-provider) on 127.0.0.1, configured for
// Gatepost's OAuth 2.0 tests. Started by tests/oidc_fixture.py; prints one line
// "READY <issuer>" on stdout when it listens.
//
// Test-only additions around the provider, all under /api/ except the password grant:
//   /api/resource          a protected resource: 200 for a live opaque access token (header
//                          `Authorization: Bearer` or query `access_token`), 401
//                          `WWW-Authenticate: Bearer error="invalid_token"` for an expired or
//                          unknown one, 401 `Bearer realm=...` with no token
//   /api/always-invalid    answers 401 invalid_token to every request
//   /api/not-json          answers HTML to anything (a token URL that is not one)
//   /api/device-polls      how many device-code polls the token endpoint has seen per client
//   grant_type=password    oidc-provider does not implement the resource owner password
//                          grant; a minimal handler is registered here so the legacy grant
//                          can be tested against a real token endpoint
//
// Client ids ending in "-short" get 2-second access tokens; "device-expiring" gets a
// 2-second device code; "device-slow" is answered `slow_down` on its first pending poll.

import http from 'node:http';
import { Provider, errors } from 'oidc-provider';

const SHORT = 2;
const LONG = 600;
const LOOPBACK = 'http://127.0.0.1/callback'; // any port: RFC 8252 loopback, native clients
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

const ttlFor = (client) => (client?.clientId?.endsWith('-short') ? SHORT : LONG);

const native = (extra) => ({
  application_type: 'native',
  redirect_uris: [LOOPBACK],
  response_types: ['code'],
  grant_types: ['authorization_code', 'refresh_token'],
  ...extra,
});

const clients = [
  // Authorization code with PKCE: a public client (PKCE is required for it).
  native({ client_id: 'pkce', token_endpoint_auth_method: 'none' }),
  native({ client_id: 'pkce-short', token_endpoint_auth_method: 'none' }),
  // Authorization code without PKCE: a confidential client.
  native({ client_id: 'confidential', client_secret: 'confidential-secret' }),
  native({
    client_id: 'confidential-post',
    client_secret: 'post-secret',
    token_endpoint_auth_method: 'client_secret_post',
  }),
  // A web client registered for one exact redirect URI (port 9): any other port is a
  // wrong redirect URI.
  {
    client_id: 'web',
    client_secret: 'web-secret',
    redirect_uris: ['http://127.0.0.1:9/callback'],
    grant_types: ['authorization_code'],
  },
  // Client credentials, both client authentication methods.
  {
    client_id: 'service',
    client_secret: 'service-secret:with/odd&chars',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    scope: 'api:read',
  },
  {
    client_id: 'service-short',
    client_secret: 'service-short-secret',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
  },
  {
    client_id: 'service-post',
    client_secret: 'service-post-secret',
    token_endpoint_auth_method: 'client_secret_post',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
  },
  // Device authorization grant (RFC 8628), public clients.
  ...['device', 'device-slow', 'device-expiring'].map((id) => ({
    client_id: id,
    token_endpoint_auth_method: 'none',
    grant_types: [DEVICE_GRANT, 'refresh_token'],
    response_types: [],
    redirect_uris: [],
  })),
  // Legacy grants.
  {
    client_id: 'legacy-short',
    client_secret: 'legacy-secret',
    grant_types: ['password'],
    response_types: [],
    redirect_uris: [],
  },
  native({
    client_id: 'implicit',
    token_endpoint_auth_method: 'none',
    response_types: ['id_token token'],
    grant_types: ['implicit'],
  }),
];

const server = http.createServer();
await new Promise((resolve) => { server.listen(Number(process.env.PORT || 0), '127.0.0.1', resolve); });
const issuer = `http://127.0.0.1:${server.address().port}`;
const apiResource = `${issuer}/api`;

const provider = new Provider(issuer, {
  clients,
  cookies: { keys: ['gatepost-test-cookie-key'] },
  responseTypes: ['code', 'id_token token', 'none'],
  scopes: ['openid', 'offline_access', 'api:read'],
  claims: { openid: ['sub'], email: ['email'] },
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    deviceFlow: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => undefined,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, indicator) => {
        if (indicator !== apiResource) throw new errors.InvalidTarget();
        return { scope: 'api:read', audience: apiResource, accessTokenFormat: 'jwt',
          accessTokenTTL: LONG };
      },
    },
  },
  // A refresh token for every client allowed the refresh_token grant (no offline_access
  // + prompt=consent dance needed).
  issueRefreshToken: (ctx, client) => client.grantTypeAllowed('refresh_token'),
  ttl: {
    AccessToken: (ctx, token, client) => ttlFor(client),
    ClientCredentials: (ctx, token, client) => ttlFor(client),
    DeviceCode: (ctx, token, client) => (client?.clientId === 'device-expiring' ? SHORT : LONG),
    IdToken: () => LONG,
    RefreshToken: () => LONG,
    Interaction: () => LONG,
    Session: () => LONG,
    Grant: () => LONG,
  },
  pkce: { required: (ctx, client) => client.clientAuthMethod === 'none' },
  findAccount: (ctx, sub) => ({
    accountId: sub,
    claims: () => ({ sub, email: `${sub}@example.test` }),
  }),
});

// The device authorization response has no `interval` (RFC 8628 then says 5 s): say 1 s.
provider.on('device_authorization.success', (ctx, body) => { Object.assign(body, { interval: 1 }); });

// Resource owner password grant (legacy): accepts password "<username>-password".
provider.registerGrantType('password', async (ctx) => {
  const { client, params } = ctx.oidc;
  if (!params.username || params.password !== `${params.username}-password`) {
    throw new errors.InvalidGrant('invalid resource owner credentials');
  }
  const token = new provider.AccessToken({
    accountId: params.username, client, gty: 'password', scope: 'openid',
  });
  ctx.body = {
    access_token: await token.save(),
    token_type: 'Bearer',
    expires_in: token.expiration,
    scope: token.scope,
  };
}, ['username', 'password', 'scope']);

const polls = {};
const slowed = new Set();
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== '/token' || ctx.oidc?.params?.grant_type !== DEVICE_GRANT) return;
  const clientId = ctx.oidc.client?.clientId;
  polls[clientId] = (polls[clientId] || 0) + 1;
  const pending = ctx.status === 400 && ctx.body?.error === 'authorization_pending';
  if (clientId === 'device-slow' && pending && !slowed.has(ctx.oidc.params.device_code)) {
    slowed.add(ctx.oidc.params.device_code);
    ctx.body = { error: 'slow_down', error_description: 'poll less often' };
  }
});

function json(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function protectedResource(req, res, url) {
  const header = req.headers.authorization || '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const value = match ? match[1] : url.searchParams.get('access_token');
  const realm = 'realm="gatepost-test"';
  if (!value) {
    json(res, 401, { error: 'no token' }, { 'www-authenticate': `Bearer ${realm}` });
    return;
  }
  const token = (await provider.AccessToken.find(value))
    || (await provider.ClientCredentials.find(value));
  // find() allows the provider's clock tolerance (15 s) past expiry: this resource does not.
  if (!token || token.isExpired) {
    json(res, 401, { error: 'invalid_token' }, {
      'www-authenticate':
        `Bearer ${realm}, error="invalid_token", error_description="The access token expired or is unknown"`,
    });
    return;
  }
  json(res, 200, { ok: true, client_id: token.clientId, sub: token.accountId ?? null,
    scope: token.scope ?? null });
}

const callback = provider.callback();
server.on('request', (req, res) => {
  const url = new URL(req.url, issuer);
  if (url.pathname === '/api/resource') {
    protectedResource(req, res, url).catch((err) => json(res, 500, { error: String(err) }));
  } else if (url.pathname === '/api/always-invalid') {
    req.resume();
    json(res, 401, { error: 'invalid_token' }, {
      'www-authenticate': 'Bearer realm="gatepost-test", error="invalid_token"',
    });
  } else if (url.pathname === '/api/not-json') {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!DOCTYPE html><html><head><title>Welcome</title></head>'
      + '<body><h1>Welcome to the portal</h1><p>Please sign in.</p></body></html>');
  } else if (url.pathname === '/api/device-polls') {
    json(res, 200, { count: polls[url.searchParams.get('client_id')] || 0 });
  } else {
    callback(req, res);
  }
});

process.on('SIGTERM', () => { server.close(); process.exit(0); });
process.stdout.write(`READY ${issuer}\n`);
