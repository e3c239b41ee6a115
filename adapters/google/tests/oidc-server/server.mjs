// A real OpenID Connect provider for mosaic-google's integration tests,
// built on oauth2-mock-server. It listens on 127.0.0.1 only.
//
//   node server.mjs PORT
//
// Discovery, /authorize (redirects at once with `code` and `state`), /token
// (checks PKCE, copies the nonce, signs the ID token with RS256) and /jwks
// work as at any provider. The issuer is http://127.0.0.1:PORT.
//
// Who signs in, and how the provider misbehaves, is chosen per login by the
// test playing the browser: it adds `login_hint` to the authorize URL, and
// the value is itself form-encoded, e.g.
//
//   login_hint=sub%3Dada%26email%3Dada%40example.test%26scenario%3Dexpired
//
// Keys of the hint (all optional):
//   sub, email, email_verified (true|false), name, picture
//       the claims of the ID token (defaults: DEFAULT_USER below)
//   scenario
//       normal            (default) a valid ID token
//       wrong-audience    `aud` is another client's id
//       wrong-issuer      `iss` is another issuer
//       wrong-nonce       `nonce` is not the one sent to /authorize
//       expired           `exp` lies five minutes in the past
//       unknown-key       signed by a fresh key that /jwks never publishes
//       rotated-key       signed by a fresh key that /jwks publishes from
//                         now on (a key rotation after the client cached
//                         the key set)
//       provider-error    /token answers 503 `temporarily_unavailable`
//
// Because the choice travels with each login's code, tests running in
// parallel against one server do not disturb each other.
import crypto from 'node:crypto';
import http from 'node:http';
import { OAuth2Server } from 'oauth2-mock-server';

const DEFAULT_USER = {
  sub: 'mock-user-1',
  email: 'ada@example.test',
  email_verified: 'true',
  name: 'Ada Lovelace',
  picture: 'https://example.test/ada.png',
};

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node server.mjs PORT');
  process.exit(2);
}

const oidc = new OAuth2Server();
await oidc.issuer.keys.generate('RS256');
// The default `localhost` issuer makes discovery fail ("unexpected issuer").
oidc.issuer.url = `http://127.0.0.1:${port}`;

// The login hint of each issued code, until the code is redeemed.
const hintsByCode = new Map();
// Public keys published in /jwks besides the server's own (rotated keys).
const extraPublishedKeys = [];

function loginHintOf(code) {
  return hintsByCode.get(code) ?? new URLSearchParams();
}

oidc.service.on('beforeAuthorizeRedirect', (redirect, req) => {
  const code = redirect.url.searchParams.get('code');
  const hint = typeof req.query.login_hint === 'string' ? req.query.login_hint : '';
  if (code) hintsByCode.set(code, new URLSearchParams(hint));
});

// Called for the access token and for the ID token; only the ID token has
// an audience here.
oidc.service.on('beforeTokenSigning', (token, req) => {
  if (token.payload.aud === undefined) return;
  const hint = loginHintOf(req.body.code);
  const claim = (name) => hint.get(name) ?? DEFAULT_USER[name];
  Object.assign(token.payload, {
    sub: claim('sub'),
    email: claim('email'),
    email_verified: claim('email_verified') === 'true',
    name: claim('name'),
    picture: claim('picture'),
  });
  const now = Math.floor(Date.now() / 1000);
  switch (hint.get('scenario')) {
    case 'wrong-audience':
      token.payload.aud = 'some-other-client';
      break;
    case 'wrong-issuer':
      token.payload.iss = 'https://issuer.invalid';
      break;
    case 'wrong-nonce':
      token.payload.nonce = 'not-the-nonce-you-sent';
      break;
    case 'expired':
      token.payload.iat = now - 3900;
      token.payload.nbf = now - 3900;
      token.payload.exp = now - 300;
      break;
  }
});

// Hooks are synchronous, so re-signing uses node:crypto's synchronous API.
oidc.service.on('beforeResponse', (response, req) => {
  const hint = loginHintOf(req.body.code);
  hintsByCode.delete(req.body.code);
  const scenario = hint.get('scenario');
  if (scenario === 'provider-error') {
    response.statusCode = 503;
    response.body = { error: 'temporarily_unavailable', error_description: 'try again later' };
    return;
  }
  if (response.statusCode !== 200 || typeof response.body.id_token !== 'string') return;
  if (scenario === 'unknown-key' || scenario === 'rotated-key') {
    const { kid, privateKey, publicJwk } = freshSigningKey();
    response.body.id_token = resign(response.body.id_token, kid, privateKey);
    if (scenario === 'rotated-key') extraPublishedKeys.push(publicJwk);
  }
});

function freshSigningKey() {
  const kid = crypto.randomUUID();
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, publicJwk };
}

// Replaces the signature of a compact JWS with an RS256 one by `privateKey`.
function resign(jwt, kid, privateKey) {
  const [headerPart, payloadPart] = jwt.split('.');
  const header = JSON.parse(Buffer.from(headerPart, 'base64url').toString());
  header.kid = kid;
  header.alg = 'RS256';
  const signingInput = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${payloadPart}`;
  const signature = crypto.sign('sha256', Buffer.from(signingInput), privateKey);
  return `${signingInput}.${signature.toString('base64url')}`;
}

// /jwks is answered here so that rotated keys are published without adding
// them to the server's keystore (which would sign every login with them).
const mockHandler = oidc.service.requestHandler;
const server = http.createServer((req, res) => {
  const path = new URL(req.url, 'http://127.0.0.1').pathname;
  if (req.method === 'GET' && path === '/jwks') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [...oidc.issuer.keys.toJSON(), ...extraPublishedKeys] }));
    return;
  }
  mockHandler(req, res);
});

server.listen(port, '127.0.0.1', () => {
  console.log(`test OIDC provider listening, issuer ${oidc.issuer.url}`);
});
