// Drives a Cognitio server with amazon-cognito-identity-js: SRP sign-in, refresh, password
// change, SRP sign-in with the new password; or, with "devices": true, a sign-in that confirms
// the new device, a sign-in with that device (device SRP), and one after the server forgot it.
// Prints one JSON line on stdout.
//
// Usage: node identity_js_flow.js '<json>' where the JSON object holds endpoint, userPoolId,
// clientId, username, password and newPassword (omit newPassword to stop after the sign-in),
// or devices.
// With COGNITIO_TRACE_HTTP=1 every request and response is written to stderr, one JSON line each.
"use strict";

// Node 18+ has a global fetch; the library's isomorphic-unfetch keeps it when present.
if (typeof globalThis.fetch !== "function") {
  process.stdout.write(JSON.stringify({ error: "this Node has no global fetch" }) + "\n");
  process.exit(2);
}

if (process.env.COGNITIO_TRACE_HTTP === "1") {
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (url, options = {}) => {
    const headers = options.headers || {};
    process.stderr.write(
      JSON.stringify({
        request: String(url),
        target: headers["X-Amz-Target"],
        body: options.body,
      }) + "\n",
    );
    const response = await realFetch(url, options);
    const text = await response.clone().text();
    process.stderr.write(
      JSON.stringify({
        response: response.status,
        errorType: response.headers.get("x-amzn-errortype"),
        body: text,
      }) + "\n",
    );
    return response;
  };
}

const {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserPool,
} = require("amazon-cognito-identity-js");

function describeError(err) {
  return { code: err && (err.code || err.name), message: err && err.message };
}

function describeSession(session, userConfirmationNecessary) {
  return {
    ok: true,
    userConfirmationNecessary: userConfirmationNecessary === true,
    username: session.getIdToken().payload["cognito:username"],
    accessToken: session.getAccessToken().getJwtToken(),
    idToken: session.getIdToken().getJwtToken(),
    refreshToken: session.getRefreshToken().getToken(),
  };
}

function signIn(user, username, password) {
  const details = new AuthenticationDetails({ Username: username, Password: password });
  return new Promise((resolve) => {
    const unexpected = (name) => () =>
      resolve({ ok: false, error: { code: "UnexpectedChallenge", message: name } });
    user.authenticateUser(details, {
      onSuccess: (session, userConfirmationNecessary) =>
        resolve(describeSession(session, userConfirmationNecessary)),
      onFailure: (err) => resolve({ ok: false, error: describeError(err) }),
      newPasswordRequired: unexpected("newPasswordRequired"),
      mfaRequired: unexpected("mfaRequired"),
      totpRequired: unexpected("totpRequired"),
      selectMFAType: unexpected("selectMFAType"),
      mfaSetup: unexpected("mfaSetup"),
      customChallenge: unexpected("customChallenge"),
    });
  });
}

function refresh(user, refreshToken) {
  return new Promise((resolve) => {
    user.refreshSession(refreshToken, (err, session) =>
      resolve(err ? { ok: false, error: describeError(err) } : describeSession(session)),
    );
  });
}

function changePassword(user, oldPassword, newPassword) {
  return new Promise((resolve) => {
    user.changePassword(oldPassword, newPassword, (err, result) =>
      resolve(err ? { ok: false, error: describeError(err) } : { ok: true, result }),
    );
  });
}

function forgetOnServer(user, deviceKey) {
  // forgetSpecificDevice keeps the library's cached device: the next sign-in still sends it.
  return new Promise((resolve) => {
    user.forgetSpecificDevice(deviceKey, {
      onSuccess: () => resolve({ ok: true }),
      onFailure: (err) => resolve({ ok: false, error: describeError(err) }),
    });
  });
}

async function devices(pool, input) {
  const steps = {};
  const first = new CognitoUser({ Username: input.username, Pool: pool });
  steps.signIn = await signIn(first, input.username, input.password);
  if (!steps.signIn.ok) return steps;
  steps.signIn.deviceKey = first.deviceKey;
  // A new CognitoUser reads the device the first one confirmed from the shared storage.
  const second = new CognitoUser({ Username: input.username, Pool: pool });
  steps.deviceSignIn = await signIn(second, input.username, input.password);
  if (!steps.deviceSignIn.ok) return steps;
  steps.forget = await forgetOnServer(second, first.deviceKey);
  if (!steps.forget.ok) return steps;
  const third = new CognitoUser({ Username: input.username, Pool: pool });
  steps.signInAfterForget = await signIn(third, input.username, input.password);
  steps.signInAfterForget.deviceKey = third.deviceKey;
  return steps;
}

async function main() {
  const input = JSON.parse(process.argv[2]);
  const pool = new CognitoUserPool({
    UserPoolId: input.userPoolId,
    ClientId: input.clientId,
    endpoint: input.endpoint,
  });
  if (input.devices) {
    process.stdout.write(JSON.stringify({ steps: await devices(pool, input) }) + "\n");
    return;
  }
  const user = new CognitoUser({ Username: input.username, Pool: pool });
  const steps = {};

  steps.signIn = await signIn(user, input.username, input.password);
  if (steps.signIn.ok && input.newPassword) {
    steps.refresh = await refresh(user, user.getSignInUserSession().getRefreshToken());
  }
  if (steps.refresh && steps.refresh.ok) {
    steps.changePassword = await changePassword(user, input.password, input.newPassword);
  }
  if (steps.changePassword && steps.changePassword.ok) {
    const fresh = new CognitoUser({ Username: input.username, Pool: pool });
    steps.signInAgain = await signIn(fresh, input.username, input.newPassword);
  }
  process.stdout.write(JSON.stringify({ steps }) + "\n");
}

main().catch((err) => {
  process.stdout.write(JSON.stringify({ error: String((err && err.stack) || err) }) + "\n");
  process.exit(1);
});
