// After a passkey is enrolled through an invitation (django-otp-webauthn's register script
// fires "otp_webauthn.register_complete"), show the recovery codes the server returned —
// once: they are in this page only, never stored in plaintext — in place of the enrolment.
document.addEventListener("otp_webauthn.register_complete", (event) => {
  const codes = (event.detail && event.detail.response && event.detail.response.recovery_codes) || [];
  const enrolment = document.getElementById("enrolment");
  const template = document.getElementById("passkey-enrolled-template");
  if (!enrolment || !template) {
    return;
  }
  const done = template.content.cloneNode(true);
  const list = done.getElementById ? done.getElementById("recovery-codes") : done.querySelector("#recovery-codes");
  for (const code of codes) {
    const item = document.createElement("li");
    const text = document.createElement("code");
    text.textContent = code;
    item.appendChild(text);
    list.appendChild(item);
  }
  enrolment.replaceWith(done);
  const heading = document.querySelector("#passkey-enrolled h2");
  if (heading) {
    heading.focus();
  }
});
