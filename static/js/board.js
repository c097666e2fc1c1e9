// The pipeline board (看板): drag a card to another column, or pick a stage in its "移至…" select, to move
// the lead. The server decides (the stage gates, the allowed moves): a refusal puts the card back where it
// was and shows the sentence saying what to do first; 已流失 asks for a reason before anything is sent.
// No inline script anywhere (the Content-Security-Policy forbids it): everything is here.
(function () {
  "use strict";

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function fromHtml(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    return holder.firstElementChild;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var board = document.querySelector("[data-board]");
    if (!board) { return; }
    var message = document.querySelector("[data-board-message]");
    var dialogElement = document.getElementById("lost-dialog");
    var dialog = dialogElement && window.bootstrap ? window.bootstrap.Modal.getOrCreateInstance(dialogElement) : null;
    var pendingLost = null; // {card, revert, confirmed}
    var hideTimer = null;

    function show(text, ok) {
      message.textContent = text;
      message.classList.toggle("alert-danger", !ok);
      message.classList.toggle("alert-success", !!ok);
      message.hidden = false;
      window.clearTimeout(hideTimer);
      hideTimer = window.setTimeout(function () { message.hidden = true; }, ok ? 3000 : 10000);
    }

    function cardsOf(stage) { return board.querySelector('[data-cards][data-stage="' + stage + '"]'); }

    function bump(stage, delta) {
      var count = board.querySelector('[data-count][data-stage="' + stage + '"]');
      if (count) { count.textContent = String(Math.max(0, Number(count.textContent) + delta)); }
    }

    function move(card, stage, extra, revert) {
      var body = new FormData();
      body.append("stage", stage);
      Object.keys(extra || {}).forEach(function (key) { body.append(key, extra[key]); });
      message.hidden = true;
      card.classList.add("cd-card-busy");
      return window.fetch(card.getAttribute("data-move-url"), {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          return { ok: response.ok, data: data };
        });
      }).then(function (result) {
        card.classList.remove("cd-card-busy");
        if (!result.ok || !result.data.card) {
          revert();
          show(result.data.message || board.getAttribute("data-failed"), false);
          return false;
        }
        var from = card.getAttribute("data-stage");
        var target = cardsOf(result.data.stage);
        var fresh = fromHtml(result.data.card);
        card.remove();
        if (target) { target.insertBefore(fresh, target.firstElementChild); }
        bump(from, -1);
        bump(result.data.stage, 1);
        show(board.getAttribute("data-moved").replace("%s", result.data.label), true);
        return true;
      }, function () {
        card.classList.remove("cd-card-busy");
        revert();
        show(board.getAttribute("data-failed"), false);
        return false;
      });
    }

    function askLostReason(card, revert) {
      if (!dialog) { revert(); return; }
      var form = dialogElement.querySelector("[data-lost-form]");
      form.reset();
      var name = card.querySelector(".cd-lead-name");
      dialogElement.querySelector("[data-lost-name]").textContent = name ? name.textContent : "";
      message.hidden = true;
      pendingLost = { card: card, revert: revert, confirmed: false };
      dialog.show();
    }

    if (dialogElement) {
      dialogElement.querySelector("[data-lost-form]").addEventListener("submit", function (event) {
        event.preventDefault();
        if (!pendingLost) { return; }
        var form = event.target;
        if (!form.reportValidity()) { return; }
        var pending = pendingLost;
        pending.confirmed = true;
        dialog.hide();
        move(pending.card, "lost", {
          lost_reason: form.elements.lost_reason.value,
          lost_note: form.elements.lost_note.value
        }, pending.revert);
      });
      dialogElement.addEventListener("hidden.bs.modal", function () {
        if (pendingLost && !pendingLost.confirmed) { pendingLost.revert(); }
        pendingLost = null;
      });
    }

    // A card dropped on another column.
    board.querySelectorAll("[data-cards]").forEach(function (list) {
      window.Sortable.create(list, {
        group: "leads",
        sort: false,
        animation: 150,
        draggable: ".cd-lead-card",
        filter: "a, select, button, input, label",
        preventOnFilter: false,
        delay: 200,
        delayOnTouchOnly: true,
        ghostClass: "cd-card-ghost",
        emptyInsertThreshold: 24,
        onEnd: function (event) {
          if (event.from === event.to) { return; }
          var card = event.item;
          var from = event.from;
          var oldIndex = event.oldIndex;
          var revert = function () { from.insertBefore(card, from.children[oldIndex] || null); };
          var stage = event.to.getAttribute("data-stage");
          if (stage === "lost") { askLostReason(card, revert); return; }
          move(card, stage, {}, revert);
        }
      });
    });

    // A card's "移至…" (phones: no dragging needed).
    board.addEventListener("submit", function (event) {
      var form = event.target.closest("[data-move-form]");
      if (!form) { return; }
      event.preventDefault();
      var stage = form.elements.stage.value;
      if (!stage) { return; }
      var card = form.closest("[data-lead]");
      var keep = function () { form.elements.stage.value = ""; };
      if (stage === "lost") { askLostReason(card, keep); return; }
      move(card, stage, {}, keep);
    });
  });
})();
