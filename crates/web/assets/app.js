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

  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    takeContributions();
    try { localStorage.getItem(PREFIX); } catch (e) { return; }
    clearConfirmed();
    Array.prototype.forEach.call(document.querySelectorAll("form[data-draft]"), keep);
  });
})();
