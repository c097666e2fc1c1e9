// CreditDesk shell behaviour. No inline scripts anywhere: the Content-Security-Policy forbids them.
document.addEventListener("DOMContentLoaded", function () {
  // Language switcher: submit the form when a language is picked.
  document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
});
// htmx sends the CSRF token read from the <body hx-headers> attribute; nothing else to configure.
