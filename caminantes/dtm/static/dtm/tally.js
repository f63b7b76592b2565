// Tally page: +/- change the number on the phone at once (no round trip), show whether each
// breakdown adds up to the people counted, and keep the sheet (with its submission id) in
// localStorage until saved, so a reload or a lost connection loses nothing and a resend
// carries the same id.
// Without JavaScript the same buttons submit the form and the server adds or subtracts.
(function () {
  function form() { return document.querySelector("form[data-tally]"); }
  function key(f) { return "caminantes-tally-" + f.dataset.key; }
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
    var saved = {};
    f.querySelectorAll("input[name]").forEach(function (i) {
      if (i.name === "csrfmiddlewaretoken") { return; }
      if (i.type !== "radio" || i.checked) { saved[i.name] = i.value; }
    });
    try { localStorage.setItem(key(f), JSON.stringify(saved)); } catch (e) { /* private mode */ }
  }
  function restore(f) {
    var raw = null;
    try { raw = localStorage.getItem(key(f)); } catch (e) { return; }
    if (!raw || f.querySelector(".error")) { return; }
    var saved = JSON.parse(raw);
    Object.keys(saved).forEach(function (name) {
      f.querySelectorAll('[name="' + name + '"]').forEach(function (i) {
        if (i.type === "radio") { i.checked = i.value === saved[name]; } else { i.value = saved[name]; }
      });
    });
  }
  function clearSaved(f) {
    try { localStorage.removeItem(key(f)); } catch (e) { /* ignore */ }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("form[data-tally] button.step");
    if (!button) { return; }
    event.preventDefault();
    var parts = button.value.split(":");
    var input = button.form.querySelector('[name="' + parts[0] + '"]');
    input.value = Math.max(0, num(input) + parseInt(parts[1], 10));
    refresh(button.form);
  });
  document.addEventListener("input", function (event) {
    var f = event.target.closest("form[data-tally]");
    if (f) { refresh(f); }
  });
  function init() {
    var f = form();
    if (!f) { return; }
    if (document.querySelector(".messages .success, .messages .info")) { clearSaved(f); }
    else { restore(f); }
    refresh(f);
  }
  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSwap", init);
})();
