// Amplify JavaScript v6 against Cognitio: credentials for a guest, then for a signed-in user,
// and the photos API called with them (Amplify's REST client signs each request with SigV4).
//   EXAMPLE='{"userPoolId": ..., "userPoolClientId": ..., "identityPoolId": ...,
//             "endpoint": "http://localhost:9229", "api": "http://127.0.0.1:8080"}' node amplify_client.mjs
import { Amplify } from "aws-amplify";
import { get, put } from "aws-amplify/api";
import { fetchAuthSession, signIn } from "aws-amplify/auth";

const example = JSON.parse(process.env.EXAMPLE);

Amplify.configure({
  Auth: {
    Cognito: {
      userPoolId: example.userPoolId,
      userPoolClientId: example.userPoolClientId,
      identityPoolId: example.identityPoolId,
      userPoolEndpoint: example.endpoint, // https://, or http:// on localhost or 127.0.0.1
      identityPoolEndpoint: example.endpoint,
      allowGuestAccess: true,
    },
  },
  API: { REST: { photos: { endpoint: example.api, region: "us-east-1", service: "execute-api" } } },
});

async function status(request) {
  try {
    return (await request.response).statusCode;
  } catch (error) {
    return error.response?.statusCode ?? error.name; // Amplify throws on 4xx and 5xx
  }
}

const guest = await fetchAuthSession(); // GetId, then GetCredentialsForIdentity, no Logins
const welcome = get({ apiName: "photos", path: "/photos/public/welcome.txt" });
console.log("guest", guest.identityId, await status(welcome));

await signIn({ username: "alice", password: "Corr3ct-horse!" }); // SRP
const alice = await fetchAuthSession(); // the same calls with the ID token in Logins
const own = `/photos/${alice.identityId}/dog.jpg`;
console.log("alice", alice.identityId, await status(put({ apiName: "photos", path: own, options: { body: "<jpeg>" } })));
console.log("alice writes to the public prefix", // only the own prefix is writable
  await status(put({ apiName: "photos", path: "/photos/public/dog.jpg", options: { body: "x" } })));
