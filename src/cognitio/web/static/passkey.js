// Passkey ceremonies for the hosted pages: the page holds the server's options as JSON
// (WebAuthn's JSON forms, base64url), this turns them into the browser's call and posts the
// answer back as JSON in the form's "credential" field. The only script the pages use.
"use strict";

(function () {
  const form = document.getElementById("passkey-form");
  if (!form || !window.PublicKeyCredential) {
    const note = document.getElementById("passkey-unsupported");
    if (note) note.hidden = false;
    return;
  }
  const options = JSON.parse(document.getElementById("passkey-options").textContent);
  const mode = form.dataset.mode; // "get" (sign in) or "create" (register)

  const toBytes = (text) => {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const raw = atob(base64 + "===".slice((base64.length + 3) % 4));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0)).buffer;
  };
  const toText = (buffer) =>
    btoa(String.fromCharCode(...new Uint8Array(buffer)))
      .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

  function publicKey() {
    const key = { ...options, challenge: toBytes(options.challenge) };
    for (const list of ["allowCredentials", "excludeCredentials"]) {
      if (key[list]) key[list] = key[list].map((c) => ({ ...c, id: toBytes(c.id) }));
    }
    if (key.user) key.user = { ...key.user, id: toBytes(key.user.id) };
    return key;
  }

  function asJson(credential) {
    const response = credential.response;
    const answer = {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toText(response.clientDataJSON) },
    };
    if (mode === "create") {
      answer.response.attestationObject = toText(response.attestationObject);
      answer.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      answer.response.authenticatorData = toText(response.authenticatorData);
      answer.response.signature = toText(response.signature);
      if (response.userHandle) answer.response.userHandle = toText(response.userHandle);
    }
    return JSON.stringify(answer);
  }

  document.getElementById("passkey-start").addEventListener("click", async () => {
    const status = document.getElementById("passkey-status");
    try {
      const credential = mode === "create"
        ? await navigator.credentials.create({ publicKey: publicKey() })
        : await navigator.credentials.get({ publicKey: publicKey() });
      form.elements.credential.value = asJson(credential);
      form.submit();
    } catch (error) {
      status.textContent = "The passkey was not used: " + error.message;
    }
  });
})();
