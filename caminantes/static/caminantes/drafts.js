// Drafts: what is typed in a long form (form[data-draft]) stays on this device until the form is
// saved, so an idle logout, a dropped link or a reload loses nothing. One module for every form,
// the DTM tally included (tally.js uses it through window.CaminantesDrafts).
//
// Drafts hold personal data, so they are kept no longer than needed:
// - keyed by the logged-in user's id (body[data-user]): any page of another user on this device
//   deletes them, so the next person never sees them;
// - an explicit "Log out" deletes the user's personal drafts (an idle logout keeps them: the
//   person comes back, logs in and finds the form as they left it);
// - they expire after a day (a week for data-draft-personal="no": the tally's counts);
// - saving the form deletes it: the submit marks the draft, and the next page deletes it when it
//   says the save worked (a success message), or keeps it when it did not (errors, login page);
//   a page that answers a post shows what was posted, not the draft.
// Without JavaScript (or localStorage) the forms work as before, with nothing kept.
(function () {
  var PREFIX = "caminantes-draft:";
  var HOUR = 3600 * 1000;
  var TTL_PERSONAL = 24 * HOUR;
  var TTL_OTHER = 7 * 24 * HOUR;
  var SKIP_TYPES = { password: 1, file: 1, submit: 1, button: 1, reset: 1, image: 1 };

  function store() {
    try { return window.localStorage; } catch (e) { return null; }
  }
  function user() { return (document.body && document.body.getAttribute("data-user")) || ""; }
  function ownPrefix() { return PREFIX + user() + ":"; }

  function draftForms() { return Array.prototype.slice.call(document.querySelectorAll("form[data-draft]")); }
  function keyOf(form) {
    var name = form.getAttribute("data-draft") || location.pathname + "#" + draftForms().indexOf(form);
    return ownPrefix() + name;
  }
  function read(key) {
    var s = store(), raw = null;
    if (!s) { return null; }
    try { raw = s.getItem(key); } catch (e) { return null; }
    if (!raw) { return null; }
    try { return JSON.parse(raw); } catch (e) { return null; }
  }
  function write(key, record) {
    var s = store();
    if (!s) { return; }
    try { s.setItem(key, JSON.stringify(record)); } catch (e) { /* full or private mode */ }
  }
  function remove(key) {
    var s = store();
    if (s) { try { s.removeItem(key); } catch (e) { /* ignore */ } }
  }
  function keys() {
    var s = store(), out = [];
    if (!s) { return out; }
    for (var i = 0; i < s.length; i++) {
      var k = s.key(i);
      if (k && k.indexOf(PREFIX) === 0) { out.push(k); }
    }
    return out;
  }
  function expired(record) {
    if (!record || typeof record.at !== "number") { return true; }
    return Date.now() - record.at > (record.personal === false ? TTL_OTHER : TTL_PERSONAL);
  }

  function skipped(el) {
    return !el.name || el.name === "csrfmiddlewaretoken" || SKIP_TYPES[el.type] ||
      el.hasAttribute("data-draft-skip");
  }
  function fieldsOf(form) {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (skipped(el)) { return; }
      var values = fields[el.name] || (fields[el.name] = []);
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { values.push(el.value); }
      } else if (el.type === "select-multiple") {
        Array.prototype.forEach.call(el.selectedOptions, function (o) { values.push(o.value); });
      } else {
        values.push(el.value);
      }
    });
    return fields;
  }
  function apply(form, fields) {
    var seen = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (skipped(el) || !Object.prototype.hasOwnProperty.call(fields, el.name)) { return; }
      var values = fields[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values.indexOf(el.value) >= 0;
      } else if (el.type === "select-multiple") {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = values.indexOf(o.value) >= 0; });
      } else {
        var i = seen[el.name] || 0;
        if (i < values.length) { el.value = values[i]; }
        seen[el.name] = i + 1;
      }
    });
  }

  function save(form, submitted) {
    if (!user() || !form) { return; }
    var key = keyOf(form);
    var before = read(key);
    write(key, {
      at: Date.now(),
      personal: form.getAttribute("data-draft-personal") !== "no",
      submitted: submitted ? Date.now() : (before && before.submitted) || 0,
      fields: fieldsOf(form)
    });
  }
  function discard(form) { if (user()) { remove(keyOf(form)); } }

  // A page the server sent back in answer to a post (errors, possible duplicates to confirm)
  // already holds what was posted: keep that (body[data-posted], or errors shown).
  var ERRORS = ".errorlist, .error, [aria-invalid=true]";
  function hasErrors(form) { return !!(form.querySelector(ERRORS) || document.querySelector("main " + ERRORS.replace(/, /g, ", main "))); }

  function showNote(form) {
    var template = document.getElementById("draft-restored");
    if (!template || form.querySelector(".draft-note")) { return; }
    form.insertBefore(template.content.cloneNode(true), form.firstChild);
  }

  // Before the values go back, the form may need its added blocks again (forms.js).
  function prepared(form, fields) {
    var formsets = window.CaminantesFormsets;
    return formsets && formsets.ensure ? formsets.ensure(form, fields) : Promise.resolve();
  }

  function restore(form) {
    if (!user() || document.body.hasAttribute("data-posted") || hasErrors(form)) {
      return Promise.resolve(false);
    }
    var record = read(keyOf(form));
    if (!record || expired(record) || !record.fields) { return Promise.resolve(false); }
    return prepared(form, record.fields).then(function () {
      apply(form, record.fields);
      if (form.getAttribute("data-draft-note") !== "no") { showNote(form); }
      form.dispatchEvent(new CustomEvent("draft:restored", { bubbles: true }));
      return true;
    });
  }

  // Every page: other users' drafts and expired ones go; a marked draft goes if the save worked.
  function sweep() {
    var me = user();
    if (!me) { return; }
    var saved = !!document.querySelector(".messages .success, .messages .info");
    var mine = ownPrefix();
    keys().forEach(function (key) {
      var record = read(key);
      if (key.indexOf(mine) !== 0 || expired(record)) { remove(key); return; }
      if (record.submitted) {
        if (saved) { remove(key); } else { record.submitted = 0; write(key, record); }
      }
    });
  }
  function forgetPersonal() {
    var mine = ownPrefix();
    keys().forEach(function (key) {
      var record = read(key);
      if (key.indexOf(mine) === 0 && (!record || record.personal !== false)) { remove(key); }
    });
  }

  function init() {
    sweep();
    draftForms().forEach(function (form) {
      if (form.hasAttribute("data-draft-manual")) { return; }  // its page script restores it
      restore(form);
    });
  }

  document.addEventListener("input", function (event) {
    var form = event.target.form || event.target.closest("form");
    if (form && form.hasAttribute("data-draft")) { save(form); }
  });
  document.addEventListener("change", function (event) {
    var form = event.target.form || event.target.closest("form");
    if (form && form.hasAttribute("data-draft")) { save(form); }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-draft")) { save(form, true); }
    if (form.hasAttribute("data-logout")) { forgetPersonal(); }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-draft-discard]");
    if (!button) { return; }
    var form = button.closest("form");
    if (form) { discard(form); }
    location.assign(location.pathname + location.search);  // a GET: never posts the form again
  });
  document.addEventListener("DOMContentLoaded", init);

  window.CaminantesDrafts = {
    save: function (form) { save(form); },
    restore: restore,
    discard: discard,
    read: function (form) { var r = read(keyOf(form)); return r && !expired(r) ? r : null; },
    fields: fieldsOf,
    apply: apply
  };
})();
