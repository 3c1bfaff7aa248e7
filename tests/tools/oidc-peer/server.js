// node-oidc-provider as the peer of the identity service's token endpoint (tests/Platform.Benchmarks, mode 'tokens').
// The configuration docs/benchmarks.md describes: one confidential client (client_secret_basic, client_credentials),
// ES256 JWT access tokens for one resource server, the package's default in-memory adapter.
// Usage: node server.js PORT CLIENT_ID CLIENT_SECRET SCOPES   (prints "listening" once it answers)
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

const [port, clientId, clientSecret, scopes] = process.argv.slice(2);
if (!port || !clientId || !clientSecret || !scopes) {
  console.error('usage: node server.js PORT CLIENT_ID CLIENT_SECRET "SCOPE SCOPE"');
  process.exit(2);
}

const resource = 'urn:platform:api';
const signingKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'ES256', // the only key is ES256 (the package defaults to RS256)
    scope: scopes,
  }],
  scopes: scopes.split(' '),
  jwks: { keys: [{ ...signingKey, alg: 'ES256', use: 'sig', kid: 'peer-es256' }] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  ttl: { ClientCredentials: 300 }, // five minutes, as the identity service's access tokens
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: false },
    // Resource indicators are how oidc-provider issues JWT access tokens (opaque ones otherwise).
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: scopes,
        audience: resource,
        accessTokenTTL: 300,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
});

provider.listen(Number(port), '127.0.0.1', () => console.log('listening'));
