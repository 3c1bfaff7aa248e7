// Makes the holder key in the browser (WebCrypto, P-256), saves it as the wallet's key file (private JWK with its
// RFC 7638 thumbprint as kid, the format of `wallet key`), signs the openid4vci-proof+jwt (aud = issuer, iat = now, nonce = the page's c_nonce)
// and submits only the proof: the private key never leaves this browser. Its words are the page's (data-text-* on the
// form, from IdentityText): none are written here.
(function () {
  'use strict';
  var form = document.getElementById('credential-form');
  if (!form || !window.crypto || !window.crypto.subtle) { return; }
  var progress = document.getElementById('credential-progress');

  function b64url(bytes) {
    var s = '';
    var view = new Uint8Array(bytes);
    for (var i = 0; i < view.length; i++) { s += String.fromCharCode(view[i]); }
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function utf8(text) { return new TextEncoder().encode(text); }
  function save(name, text) {
    var link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  var submitting = false;
  form.addEventListener('submit', function (event) {
    if (submitting) { return; }
    event.preventDefault();
    progress.textContent = form.getAttribute('data-text-making-key');
    var subtle = window.crypto.subtle;
    subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']).then(function (pair) {
      return subtle.exportKey('jwk', pair.privateKey).then(function (jwk) {
        var publicJwk = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
        var canonical = '{"crv":"P-256","kty":"EC","x":"' + jwk.x + '","y":"' + jwk.y + '"}';
        return subtle.digest('SHA-256', utf8(canonical)).then(function (thumbprint) {
          var kid = b64url(thumbprint);
          save('holder.jwk', JSON.stringify({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, d: jwk.d, kid: kid }));
          var header = b64url(utf8(JSON.stringify({ alg: 'ES256', typ: 'openid4vci-proof+jwt', jwk: publicJwk })));
          var payload = b64url(utf8(JSON.stringify({ aud: form.getAttribute('data-issuer'), iat: Math.floor(Date.now() / 1000), nonce: form.getAttribute('data-nonce') })));
          return subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, utf8(header + '.' + payload)).then(function (signature) {
            document.getElementById('proof').value = header + '.' + payload + '.' + b64url(signature);
            progress.textContent = form.getAttribute('data-text-key-saved');
            submitting = true;
            form.submit();
          });
        });
      });
    }).catch(function () {
      progress.textContent = form.getAttribute('data-text-no-key');
    });
  });
}());
