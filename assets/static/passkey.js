// kadra's passkeys (R-MFA-2): the browser's half of the WebAuthn
// ceremonies. The server makes the options and checks the answers; this
// only converts between JSON and the ArrayBuffers navigator.credentials
// wants, and shows the server's message when it refuses. Kept out of the
// HTML so the CSP can forbid inline script.
(function () {
  "use strict";

  function toBuf(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) { s += "="; }
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out.buffer;
  }

  function toB64u(buf) {
    var bytes = new Uint8Array(buf), bin = "";
    for (var i = 0; i < bytes.length; i++) { bin += String.fromCharCode(bytes[i]); }
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRF-Token"] || ""; } catch (e) { return ""; }
  }

  // post sends JSON and resolves with the answer, or rejects with the
  // server's message (already in the user's language).
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify(body || {})
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (!r.ok) { var e = new Error(j.error || r.statusText); e.server = true; e.field = j.field; throw e; }
        return j;
      });
    });
  }

  // go opens the page the server named; one that differs from this one
  // only by its #fragment is reloaded, since assign() would only scroll.
  function go(url) {
    var a = document.createElement("a");
    a.href = url;
    if (a.pathname === location.pathname && a.search === location.search) {
      location.hash = a.hash;
      location.reload();
    } else {
      location.assign(url);
    }
  }

  function creationOptions(o) {
    var pk = o.publicKey;
    pk.challenge = toBuf(pk.challenge);
    pk.user.id = toBuf(pk.user.id);
    (pk.excludeCredentials || []).forEach(function (c) { c.id = toBuf(c.id); });
    return { publicKey: pk };
  }

  function requestOptions(o) {
    var pk = o.publicKey;
    pk.challenge = toBuf(pk.challenge);
    (pk.allowCredentials || []).forEach(function (c) { c.id = toBuf(c.id); });
    return { publicKey: pk };
  }

  // answer is the PublicKeyCredential as the JSON the server parses.
  function answer(c) {
    var r = c.response, out = {
      id: c.id, rawId: toB64u(c.rawId), type: c.type,
      clientExtensionResults: c.getClientExtensionResults ? c.getClientExtensionResults() : {},
      response: { clientDataJSON: toB64u(r.clientDataJSON) }
    };
    if (c.authenticatorAttachment) { out.authenticatorAttachment = c.authenticatorAttachment; }
    if (r.attestationObject) {
      out.response.attestationObject = toB64u(r.attestationObject);
      if (r.getTransports) { out.response.transports = r.getTransports(); }
    }
    if (r.authenticatorData) {
      out.response.authenticatorData = toB64u(r.authenticatorData);
      out.response.signature = toB64u(r.signature);
      if (r.userHandle) { out.response.userHandle = toB64u(r.userHandle); }
    }
    return out;
  }

  // say shows why nothing happened: the server's words, or the box's own
  // for the browser's refusals (a closed prompt, no passkey support).
  function say(box, err) {
    var st = box.querySelector("[data-passkey-status]");
    var msg = err && err.server ? err.message : box.getAttribute("data-msg-cancelled");
    if (err && !err.server && err.name !== "NotAllowedError" && err.name !== "AbortError") {
      msg = (err.name === "NotSupportedError" || err.name === "SecurityError") ?
        box.getAttribute("data-msg-unsupported") : msg;
    }
    st.textContent = msg;
    st.hidden = false;
    var field = err && err.field && box.querySelector('[name="passkey_' + err.field + '"]');
    if (field) { field.setAttribute("aria-invalid", "true"); field.focus(); }
  }

  function supported(box) {
    if (window.PublicKeyCredential && navigator.credentials) { return true; }
    var st = box.querySelector("[data-passkey-status]");
    st.textContent = box.getAttribute("data-msg-unsupported");
    st.hidden = false;
    return false;
  }

  // Registering a passkey on the profile (or at a required enrolment).
  document.querySelectorAll("form[data-passkey-register]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!supported(form)) { return; }
      var name = form.querySelector('[name="passkey_name"]').value;
      var btn = form.querySelector("button[type=submit]");
      btn.disabled = true;
      post("/profile/passkeys/begin", { name: name }).then(function (c) {
        return navigator.credentials.create(creationOptions(c.options)).then(function (cred) {
          return post("/profile/passkeys/finish", { ceremony: c.ceremony, name: name, credential: answer(cred) });
        });
      }).then(function (r) { go(r.redirect); }, function (err) {
        btn.disabled = false;
        say(form, err);
      });
    });
  });

  // Signing in with a passkey: the button, and where the browser can,
  // the passkeys offered in the e-mail field's autofill (conditional UI).
  document.querySelectorAll("[data-passkey-login]").forEach(function (box) {
    var pending = null; // the autofill request waiting, aborted by the button
    var next = box.getAttribute("data-next") || "";

    function signIn(mediation) {
      var ctl = window.AbortController ? new AbortController() : null;
      if (mediation) { pending = ctl; }
      return post("/login/passkey/begin").then(function (c) {
        var opts = requestOptions(c.options);
        if (ctl) { opts.signal = ctl.signal; }
        if (mediation) { opts.mediation = mediation; }
        return navigator.credentials.get(opts);
      }).then(function (cred) {
        return post("/login/passkey/finish", { next: next, credential: answer(cred) });
      }).then(function (r) { go(r.redirect); });
    }

    box.querySelector("button").addEventListener("click", function () {
      if (!supported(box)) { return; }
      if (pending) { pending.abort(); pending = null; }
      signIn("").catch(function (err) { say(box, err); });
    });

    // The autofill request starts when the e-mail field is first entered,
    // not with the page: one less ceremony for every visit that signs in
    // another way.
    var email = document.querySelector('input[autocomplete~="webauthn"]');
    if (email && box.getAttribute("data-conditional") === "true" && window.PublicKeyCredential &&
        PublicKeyCredential.isConditionalMediationAvailable) {
      email.addEventListener("focus", function () {
        PublicKeyCredential.isConditionalMediationAvailable().then(function (ok) {
          if (ok && !pending) {
            signIn("conditional").catch(function (err) {
              if (err && err.name !== "AbortError" && err.server) { say(box, err); }
            });
          }
        });
      }, { once: true });
    }
  });
})();
