// An independent SD-JWT VC verifier: the OpenWallet Foundation's @sd-jwt/sd-jwt-vc (pinned in package-lock.json),
// used by tests/Platform.Identity.Tests (IndependentSdJwtVerifierTests) on credentials the identity service issued
// through OpenID4VCI. It finds the issuer's key the way SD-JWT VC §5 says (/.well-known/jwt-vc-issuer, inline jwks or
// jwks_uri, the JWT's kid), checks the issuer signature, every disclosure's digest, the status list entry and the
// key-binding JWT (cnf.jwk signature, nonce, audience, sd_hash).
//
//   usage: node verify.js ISSUER PRESENTATION NONCE AUDIENCE
//   prints {"valid":true,"vct":...,"claims":{...}} and exits 0, or {"valid":false,"error":"..."} and exits 1.
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { ES256, digest } from '@sd-jwt/crypto-nodejs';

const [issuer, presentation, nonce, audience] = process.argv.slice(2);
if (!issuer || !presentation || !nonce || !audience) {
  console.error('usage: node verify.js ISSUER PRESENTATION NONCE AUDIENCE');
  process.exit(2);
}

const decodeSegment = (segment) => JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));

async function getJson(url) {
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return response.json();
}

// SD-JWT VC §5: the issuer metadata lives at the issuer's origin, /.well-known/jwt-vc-issuer + the issuer's path.
async function issuerKeys() {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  const metadata = await getJson(`${url.origin}/.well-known/jwt-vc-issuer${path}`);
  if (metadata.issuer !== issuer) throw new Error(`jwt-vc-issuer names ${metadata.issuer}, not ${issuer}`);
  const jwks = metadata.jwks ?? await getJson(metadata.jwks_uri);
  return jwks.keys;
}

try {
  const keys = await issuerKeys();
  // Issuer-signed JWTs (the credential, the status list token): the key named by the header's kid.
  const verifier = async (data, signature) => {
    const header = decodeSegment(data.split('.')[0]);
    const jwk = keys.find((k) => k.kid === header.kid);
    if (!jwk) throw new Error(`no issuer key with kid ${header.kid}`);
    if (header.alg !== 'ES256') throw new Error(`unexpected alg ${header.alg}`);
    return (await ES256.getVerifier(jwk))(data, signature);
  };
  // The key-binding JWT: signed by the holder key the credential confirms (cnf.jwk).
  const kbVerifier = async (data, signature, payload) => {
    if (!payload?.cnf?.jwk) throw new Error('the credential has no cnf.jwk');
    return (await ES256.getVerifier(payload.cnf.jwk))(data, signature);
  };
  const sdjwt = new SDJwtVcInstance({ hasher: digest, hashAlg: 'sha-256', verifier, kbVerifier });
  const result = await sdjwt.verify(presentation, { keyBindingNonce: nonce });
  if (result.payload.iss !== issuer) throw new Error(`iss is ${result.payload.iss}, not ${issuer}`);
  if (!result.kb) throw new Error('no key-binding JWT');
  if (result.kb.payload.aud !== audience) throw new Error(`the key-binding JWT is for ${result.kb.payload.aud}, not ${audience}`);
  const claims = await sdjwt.getClaims(presentation);
  console.log(JSON.stringify({ valid: true, vct: result.payload.vct, status: result.payload.status ?? null, claims }));
} catch (error) {
  console.log(JSON.stringify({ valid: false, error: String(error?.message ?? error) }));
  process.exit(1);
}
