// Verify a token Cognitio issued with AWS's aws-jwt-verify, as an app's backend would.
// Usage: node verify.mjs <issuer> <clientId> <tokenUse: id|access> <token> <jwks JSON>
// The library fetches JWKS over https only; the test server is plain http on loopback, so the
// test hands over the JWKS it fetched, and the library caches it as if it had.
// Prints the verified payload as JSON, or the library's error and exits 1.
import { JwtRsaVerifier } from 'aws-jwt-verify';

const [issuer, clientId, tokenUse, token, jwks] = process.argv.slice(2);
const verifier = JwtRsaVerifier.create({
  issuer,
  audience: tokenUse === 'id' ? clientId : null,
  jwksUri: `${issuer}/.well-known/jwks.json`,
  customJwtCheck: ({ payload }) => {
    if (payload.token_use !== tokenUse) throw new Error(`token_use is ${payload.token_use}`);
    if (tokenUse === 'access' && payload.client_id !== clientId) throw new Error('client_id');
  },
});
verifier.cacheJwks(JSON.parse(jwks));
try {
  console.log(JSON.stringify(await verifier.verify(token)));
} catch (error) {
  console.error(`${error.name}: ${error.message}`);
  process.exit(1);
}
