// CreditDesk shell behaviour. No inline scripts anywhere: the Content-Security-Policy forbids them.
document.addEventListener("DOMContentLoaded", function () {
  // Language switcher: submit the form when a language is picked.
  document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
});
// A decision form shows the fields of the outcome chosen (the rest stay in the page for browsers without
// JavaScript): blocks marked data-outcome-for="<outcome> …" follow the form's outcome select.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-outcome-form]").forEach(function (form) {
    var select = form.querySelector("select[name=outcome]");
    if (!select) { return; }
    function follow() {
      form.querySelectorAll("[data-outcome-for]").forEach(function (block) {
        var outcomes = block.getAttribute("data-outcome-for").split(" ");
        block.hidden = outcomes.indexOf(select.value) === -1;
      });
    }
    select.addEventListener("change", follow);
    follow();
  });
});
// htmx sends the CSRF token read from the <body hx-headers> attribute; nothing else to configure.
// htmx 2 swaps only 2xx/3xx answers. A form marked data-swap-refusals shows a refusal in place: its
// fragment answers 400 (the sentence saying what to fix) or 429 (too often, and when to try again).
document.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  var source = event.detail.requestConfig && event.detail.requestConfig.elt;
  if ((status === 400 || status === 429) && source && source.closest("[data-swap-refusals]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
