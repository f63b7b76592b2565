// Tally page: +/- change the number on the phone at once (no round trip) and show whether each
// breakdown adds up to the people counted. The sheet (with its submission id) is a draft of
// caminantes/drafts.js: kept on this phone until saved, so a reload, a lost connection or an
// idle logout loses nothing and a resend carries the same id.
// Without JavaScript the same buttons submit the form and the server adds or subtracts.
(function () {
  var LEGACY = "caminantes-tally-";  // before drafts.js: one sheet per point, whoever typed it

  function form() { return document.querySelector("form[data-tally]"); }
  function num(input) { var n = parseInt(input.value, 10); return isNaN(n) || n < 0 ? 0 : n; }
  function sum(f, group) {
    var total = 0;
    f.querySelectorAll('[data-group="' + group + '"] input').forEach(function (i) { total += num(i); });
    return total;
  }
  function refresh(f) {
    var people = sum(f, "people");
    var totalEl = f.querySelector("[data-total]");
    if (totalEl) { totalEl.textContent = people; }
    f.querySelectorAll("[data-check]").forEach(function (el) {
      var part = sum(f, el.dataset.check);
      el.textContent = part + " / " + people;
      el.classList.toggle("mismatch", part > 0 && part !== people);
    });
  }
  // A sheet left by the previous version of this page becomes this user's draft, once.
  function adoptLegacy(f) {
    var drafts = window.CaminantesDrafts, raw = null;
    try { raw = localStorage.getItem(LEGACY + f.dataset.key); } catch (e) { return; }
    if (!raw || !drafts) { return; }
    try { localStorage.removeItem(LEGACY + f.dataset.key); } catch (e) { /* ignore */ }
    if (drafts.read(f) || f.querySelector(".error")) { return; }
    var saved = JSON.parse(raw), fields = {};
    Object.keys(saved).forEach(function (name) { fields[name] = [saved[name]]; });
    drafts.apply(f, fields);
    drafts.save(f);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("form[data-tally] button.step");
    if (!button) { return; }
    event.preventDefault();
    var parts = button.value.split(":");
    var input = button.form.querySelector('[name="' + parts[0] + '"]');
    input.value = Math.max(0, num(input) + parseInt(parts[1], 10));
    refresh(button.form);
    if (window.CaminantesDrafts) { window.CaminantesDrafts.save(button.form); }
  });
  document.addEventListener("input", function (event) {
    var f = event.target.closest("form[data-tally]");
    if (f) { refresh(f); }
  });
  document.addEventListener("draft:restored", function (event) {
    if (event.target.matches("form[data-tally]")) { refresh(event.target); }
  });
  function init() {
    var f = form();
    if (!f) { return; }
    if (!document.querySelector(".messages .success, .messages .info")) { adoptLegacy(f); }
    refresh(f);
  }
  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSwap", init);
})();
