// 话术库 pages. No inline scripts (Content-Security-Policy): behaviour hangs off data- attributes, and every
// listener is delegated from the document, so it works in fragments htmx swaps in.
(function () {
  "use strict";
  var FIELD = /\{([^{}\s]{1,20})\}/g;

  // 复制: [data-copy] puts its text on the clipboard; the button says 已复制 for a moment.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "position-fixed top-0 start-0 opacity-0";
      document.body.appendChild(area);
      area.select();
      var done = false;
      try { done = document.execCommand("copy"); } catch (e) { done = false; }
      document.body.removeChild(area);
      if (done) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (button) {
      var label = button.textContent;
      copyText(button.getAttribute("data-copy")).then(function () {
        button.textContent = button.getAttribute("data-copied") || "✓";
        button.classList.add("btn-success");
        setTimeout(function () { button.textContent = label; button.classList.remove("btn-success"); }, 1500);
      }, function () { button.textContent = "×"; setTimeout(function () { button.textContent = label; }, 1500); });
      return;
    }
    // A placeholder of the list put into the answer where the cursor is.
    var insert = event.target.closest("[data-insert]");
    if (insert) {
      var box = document.querySelector(insert.getAttribute("data-insert-into"));
      if (!box) { return; }
      var text = insert.getAttribute("data-insert");
      var start = box.selectionStart || box.value.length, end = box.selectionEnd || box.value.length;
      box.value = box.value.slice(0, start) + text + box.value.slice(end);
      box.focus();
      box.selectionStart = box.selectionEnd = start + text.length;
      box.dispatchEvent(new Event("input", { bubbles: true }));
    }
  });

  // A search or preview with nothing to send is not sent: the hits (or findings) are cleared instead.
  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail.elt;
    var form = elt.closest("[data-search-form]");
    if (form) {
      var q = form.querySelector("textarea[name=q]");
      if (q && !q.value.trim()) {
        event.preventDefault();
        var target = document.querySelector(elt.getAttribute("hx-target") || form.getAttribute("hx-target"));
        if (target) { target.innerHTML = ""; }
      }
      return;
    }
    if (elt.hasAttribute("data-preview") && !elt.value.trim()) {
      event.preventDefault();
      var out = document.querySelector(elt.getAttribute("hx-target"));
      if (out) { out.innerHTML = ""; }
    }
  });

  // The composer: the purpose decides the compliance channel the preview checks on.
  document.addEventListener("change", function (event) {
    var select = event.target.closest("[data-channel-select]");
    if (!select) { return; }
    var option = select.options[select.selectedIndex];
    var hidden = document.querySelector(select.getAttribute("data-channel-select"));
    if (hidden && option) { hidden.value = option.getAttribute("data-channel") || "message"; }
    var box = document.querySelector(select.getAttribute("data-recheck"));
    if (box && window.htmx) { window.htmx.trigger(box, "cd-recheck"); }
  });

  // The placeholders still in the message, listed in red while the CM types; the count of characters.
  function missing(box) {
    var list = document.querySelector(box.getAttribute("data-missing-list"));
    if (!list) { return; }
    var names = [], match;
    FIELD.lastIndex = 0;
    while ((match = FIELD.exec(box.value)) !== null) {
      if (names.indexOf(match[0]) === -1) { names.push(match[0]); }
    }
    list.textContent = names.length ? (list.getAttribute("data-label") || "") + "：" + names.join("、") : "";
    list.classList.toggle("d-none", names.length === 0);
  }
  function count(box) {
    document.querySelectorAll("[data-count-for]").forEach(function (el) {
      if (document.querySelector(el.getAttribute("data-count-for")) !== box) { return; }
      var max = parseInt(el.getAttribute("data-count-max"), 10);
      var n = box.value.trim().length;
      el.textContent = n + " / " + max;
      el.classList.toggle("cd-over", n > max);
    });
  }
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (box.hasAttribute && box.hasAttribute("data-missing-list")) { missing(box); count(box); }
    if (box.closest && box.closest("[data-join-source]")) { joinPreview(); }
  });

  // The script form's preview: the answer and its disclosures checked together on the "script" channel.
  var joinTimer = null;
  function joinPreview() {
    var holder = document.querySelector("[data-preview-join]");
    if (!holder || !window.htmx) { return; }
    clearTimeout(joinTimer);
    joinTimer = setTimeout(function () {
      var text = holder.getAttribute("data-preview-join").split(",").map(function (sel) {
        var el = document.querySelector(sel);
        return el ? el.value.trim() : "";
      }).filter(Boolean).join("\n");
      var target = holder.getAttribute("data-preview-target");
      if (!text) { document.querySelector(target).innerHTML = ""; return; }
      window.htmx.ajax("POST", holder.getAttribute("data-preview-url"), {
        source: holder, target: target, swap: "innerHTML",
        values: { text: text, channel: holder.getAttribute("data-preview-channel") },
      });
    }, 600);
  }

  function setUp(root) {
    root.querySelectorAll("[data-missing-list]").forEach(function (box) { missing(box); count(box); });
    var holder = root.querySelector ? root.querySelector("[data-preview-join]") : null;
    if (holder) {
      holder.getAttribute("data-preview-join").split(",").forEach(function (sel) {
        var el = document.querySelector(sel);
        if (el) { el.setAttribute("data-join-source", ""); }
      });
      joinPreview();
    }
  }
  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  // "使用": the draft swapped in is counted and, on a phone, brought into view.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target) { return; }
    var draft = document.getElementById("compose-draft");
    if (draft && target.id === "compose-draft") {
      setUp(draft);
      if (window.matchMedia("(max-width: 991.98px)").matches) { draft.scrollIntoView({ behavior: "smooth", block: "start" }); }
    }
  });
}());
