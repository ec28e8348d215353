// Amplify JavaScript v6 against Cognitio: a guest's credentials, an SRP sign-in, the signed-in
// identity's credentials, and REST calls signed with them. The settings come as JSON on stdin;
// one JSON line with what each step saw goes to stdout, every HTTP exchange to stderr.
import { Amplify } from "aws-amplify";
import { get, put } from "aws-amplify/api";
import { fetchAuthSession, signIn } from "aws-amplify/auth";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));

// Each request Amplify makes, with the X-Amz-Target and body, for the test's failure messages
// and for the Logins keys Amplify built.
const realFetch = globalThis.fetch;
globalThis.fetch = async (resource, init = {}) => {
  const request = new Request(resource, init);
  const body = init.body === undefined ? "" : String(init.body);
  const answer = await realFetch(resource, init);
  const text = await answer.clone().text();
  process.stderr.write(
    `${JSON.stringify({
      request: { method: request.method, url: request.url, target: request.headers.get("x-amz-target"), body },
      response: { status: answer.status, body: text.slice(0, 2000) },
    })}\n`,
  );
  return answer;
};

Amplify.configure({
  Auth: {
    Cognito: {
      userPoolId: input.userPoolId,
      userPoolClientId: input.userPoolClientId,
      identityPoolId: input.identityPoolId,
      userPoolEndpoint: input.endpoint,
      identityPoolEndpoint: input.endpoint,
      allowGuestAccess: true,
    },
  },
  API: { REST: { photos: { endpoint: input.apiUrl, region: input.region, service: "execute-api" } } },
});

function describe(error) {
  return { name: error?.name, message: error?.message };
}

async function session(forceRefresh = false) {
  const found = await fetchAuthSession({ forceRefresh });
  const credentials = found.credentials;
  return {
    identityId: found.identityId,
    accessKeyId: credentials?.accessKeyId,
    hasSecret: Boolean(credentials?.secretAccessKey),
    sessionToken: credentials?.sessionToken,
    expiration: credentials?.expiration?.toISOString(),
    signedIn: Boolean(found.tokens?.idToken),
    idTokenIssuer: found.tokens?.idToken?.payload?.iss,
  };
}

async function call(operation, path, body) {
  try {
    const options = body === undefined ? {} : { body };
    const { body: answer, statusCode } = await operation({ apiName: "photos", path, options }).response;
    return { ok: true, status: statusCode, body: await answer.text() };
  } catch (error) {
    return { ok: false, status: error?.$metadata?.httpStatusCode ?? error?.response?.statusCode, ...describe(error) };
  }
}

const steps = {};
try {
  steps.guest = await session();
  steps.guestAgain = await session();
  steps.guestCall = await call(get, "/photos/public/welcome.txt");
  steps.guestPut = await call(put, `/photos/${steps.guest.identityId}/cat.txt`, { cat: "guest" });
  try {
    steps.signIn = await signIn({ username: input.username, password: input.password });
  } catch (error) {
    steps.signIn = describe(error);
    throw error;
  }
  steps.user = await session();
  const own = `/photos/${steps.user.identityId}/cat.txt`;
  steps.putOwn = await call(put, own, { cat: "whiskers" });
  steps.getOwn = await call(get, own);
  steps.putOther = await call(put, `/photos/${input.otherIdentityId}/cat.txt`, { cat: "not mine" });
  steps.getOther = await call(get, `/photos/${input.otherIdentityId}/cat.txt`);
  steps.refreshed = await session(true);
} catch (error) {
  steps.error = { ...describe(error), stack: error?.stack };
}
process.stdout.write(`${JSON.stringify({ steps })}\n`);
