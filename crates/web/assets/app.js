// Luoshi's one script. Pages work without it; with it, a form marked data-draft keeps what
// was typed in the browser (localStorage) until the server confirms it was saved, so a
// session that lapses mid-form, a closed tab or a lost connection loses nothing.
(function () {
  "use strict";
  var PREFIX = "luoshi:draft:";
  var SKIP = { csrf_token: true, action: true };

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !SKIP[el.name] && el.type !== "file" && el.type !== "hidden" &&
        el.type !== "submit" && el.type !== "button";
    });
  }

  function read(form) {
    var values = {};
    fields(form).forEach(function (el) { values[el.name] = el.value; });
    return values;
  }

  function differs(form, saved) {
    return fields(form).some(function (el) {
      return Object.prototype.hasOwnProperty.call(saved, el.name) && saved[el.name] !== el.value;
    });
  }

  function restore(form, key, saved) {
    fields(form).forEach(function (el) {
      if (Object.prototype.hasOwnProperty.call(saved, el.name)) { el.value = saved[el.name]; }
    });
    var note = document.createElement("p");
    note.className = "ok draft-restored";
    note.setAttribute("role", "status");
    note.textContent = "已恢复上次未保存的填写内容。";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "secondary";
    discard.textContent = "放弃恢复的内容";
    discard.addEventListener("click", function () {
      localStorage.removeItem(key);
      window.location.reload();
    });
    note.appendChild(document.createTextNode(" "));
    note.appendChild(discard);
    form.parentNode.insertBefore(note, form);
  }

  function keep(form) {
    var key = PREFIX + form.getAttribute("data-draft");
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
    if (saved && differs(form, saved)) { restore(form, key, saved); }
    var save = function () {
      try { localStorage.setItem(key, JSON.stringify(read(form))); } catch (e) { /* storage full or off: the form still posts */ }
    };
    form.addEventListener("input", save);
    form.addEventListener("change", save);
  }

  function clearConfirmed() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-clear-draft]"), function (el) {
      localStorage.removeItem(PREFIX + el.getAttribute("data-clear-draft"));
    });
  }

  // A co-unit's text taken into the narrative with one click (配合情况 → 进展情况).
  function takeContributions() {
    Array.prototype.forEach.call(document.querySelectorAll("button[data-take]"), function (button) {
      button.addEventListener("click", function () {
        var narrative = button.form && button.form.elements.narrative;
        if (!narrative) { return; }
        var text = button.getAttribute("data-take");
        narrative.value = narrative.value.trim() ? narrative.value.replace(/\s+$/, "") + "\n" + text : text;
        narrative.dispatchEvent(new Event("input", { bubbles: true }));
        button.disabled = true;
        button.textContent = "已采用";
      });
    });
  }

  // Forms marked data-inline (plan review) post in the background and swap in the parts of
  // the page marked data-region from the answer, so an edit keeps the reviewer's place.
  // Without the script, or if anything fails, the form posts as usual.
  function postInPlace(event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-inline]") || !window.fetch || !window.DOMParser) { return; }
    event.preventDefault();
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) { data.append(event.submitter.name, event.submitter.value); }
    var body = new URLSearchParams();
    data.forEach(function (value, key) { if (typeof value === "string") { body.append(key, value); } });
    fetch(form.action, { method: "POST", body: body, credentials: "same-origin" }).then(function (response) {
      if (response.redirected && response.url.indexOf("/review") < 0) { window.location.href = response.url; return; }
      return response.text().then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var regions = fresh.querySelectorAll("[data-region]");
        if (!regions.length) { window.location.href = response.url; return; }
        Array.prototype.forEach.call(regions, function (region) {
          var old = document.getElementById(region.id);
          if (old) { old.replaceWith(document.importNode(region, true)); }
        });
        var messages = document.getElementById("review-messages");
        if (response.ok && messages) {
          var saved = document.createElement("p");
          saved.className = "ok";
          saved.setAttribute("role", "status");
          saved.textContent = "已保存。";
          messages.appendChild(saved);
        }
      });
    }).catch(function () { form.submit(); });
  }

  // A button marked data-confirm asks first (删除任务).
  function confirmFirst(event) {
    var button = event.target.closest && event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
  }

  // The review's source pane opens at the plan's first task, not at its preamble.
  function openSourceAtPlan() {
    var source = document.getElementById("source");
    var first = source && source.querySelector("mark");
    if (first) { source.scrollTop = first.offsetTop - source.offsetTop - 8; }
  }

  document.documentElement.classList.add("js");
  document.addEventListener("submit", postInPlace);
  document.addEventListener("click", confirmFirst, true);
  document.addEventListener("DOMContentLoaded", function () {
    takeContributions();
    openSourceAtPlan();
    try { localStorage.getItem(PREFIX); } catch (e) { return; }
    clearConfirmed();
    Array.prototype.forEach.call(document.querySelectorAll("form[data-draft]"), keep);
  });
})();
