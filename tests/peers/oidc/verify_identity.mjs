// Verify an identity pool's OpenID token with AWS's aws-jwt-verify, as a resource server would.
// Usage: node verify_identity.mjs <issuer> <identityPoolId> <token> <jwks JSON>
// The library fetches JWKS over https only; the test hands over the JWKS it fetched from
// <issuer>/.well-known/jwks_uri, and the library caches it as if it had fetched it there.
// Prints the verified payload as JSON, or the library's error and exits 1.
import { JwtRsaVerifier } from 'aws-jwt-verify';

const [issuer, poolId, token, jwks] = process.argv.slice(2);
const verifier = JwtRsaVerifier.create({
  issuer,
  audience: poolId,
  jwksUri: `${issuer}/.well-known/jwks_uri`,
});
verifier.cacheJwks(JSON.parse(jwks));
try {
  console.log(JSON.stringify(await verifier.verify(token)));
} catch (error) {
  console.error(`${error.name}: ${error.message}`);
  process.exit(1);
}
