// Forms that fit the person typing; every part works without JavaScript too (then the server
// shows every field, and validates as always).
//
// Formsets (the household's members): [data-formset-add] is the "add" button (its hx-get and
// hx-target bring one more block, caminantes.js numbers it), [data-formset-form] each block,
// [data-formset-remove] a block's "remove" button (hidden until this script runs, since without
// it no block can be added). Removing renumbers the blocks after it so the formset stays
// members-0 … members-(n-1), and TOTAL_FORMS follows. CaminantesFormsets.ensure() fetches the
// blocks a draft needs before drafts.js fills them in.
//
// [data-show-when="cond cond …"]: a part of a form shown only where it applies (all conditions
// hold), evaluated within its block (or form) as the person types. While hidden its fields are
// disabled, so they are not sent: an adult's record never carries a guardian's consent left
// ticked. Conditions:
//   minor          the date of birth (or the age in years) typed says under 18
//   maybe-minor    under 18, or no date typed yet
//   maybe-older    60 or more, or no date typed yet
//   maybe-female   sex not recorded as male
//   checked:NAME   the checkbox NAME is ticked
//   value:NAME=A|B the field NAME has the value A or B
(function () {
  var ADULT = 18;
  var OLDER = 60;

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

  // ---- formsets -------------------------------------------------------------------------
  function blocksOf(button) { return document.querySelectorAll(button.getAttribute("data-formset-add")); }
  function totalOf(button) { return document.getElementById(button.getAttribute("data-formset-total")); }
  function prefixOf(total) { return total.name.replace(/-TOTAL_FORMS$/, ""); }
  function escapeRe(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  function renumber(block, prefix, index) {
    var pattern = new RegExp("(^|\\s)(id_)?" + escapeRe(prefix) + "-\\d+-", "g");
    var replacement = "$1$2" + prefix + "-" + index + "-";
    each(block.querySelectorAll("[name], [id], [for], [aria-describedby]"), function (el) {
      ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) { el.setAttribute(attr, value.replace(pattern, replacement)); }
      });
    });
    if (block.id) { block.id = block.id.replace(/\d+$/, String(index)); }
    var legend = block.querySelector("legend");
    if (legend) { legend.textContent = legend.textContent.replace(/\d+/, String(index + 1)); }
  }

  function removeBlock(removeButton) {
    var block = removeButton.closest("[data-formset-form]");
    var form = removeButton.closest("form");
    var add = form && form.querySelector("[data-formset-add]");
    var total = add && totalOf(add);
    if (!block || !total) { return; }
    block.remove();
    var prefix = prefixOf(total);
    var blocks = blocksOf(add);
    each(blocks, function (b, i) { renumber(b, prefix, i); });
    total.value = blocks.length;
    add.focus();
    if (window.CaminantesDrafts) { window.CaminantesDrafts.save(form); }
  }

  function fetchBlock(add, index) {
    var url = new URL(add.getAttribute("hx-get"), location.href);
    url.searchParams.set("index", String(index));
    return fetch(url.toString(), { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        var target = document.querySelector(add.getAttribute("hx-target"));
        target.insertAdjacentHTML("beforeend", html);
        if (window.htmx) { window.htmx.process(target.lastElementChild); }
        prepare(target.lastElementChild);
      });
  }

  // The blocks a draft's TOTAL_FORMS asks for, fetched one after the other.
  function ensure(form, fields) {
    var chain = Promise.resolve();
    each(form.querySelectorAll("[data-formset-add][hx-get]"), function (add) {
      var total = totalOf(add);
      if (!total || !fields[total.name]) { return; }
      var want = Math.min(parseInt(fields[total.name][0], 10) || 0, 30);
      chain = chain.then(function next() {
        var have = blocksOf(add).length;
        if (have >= want) { total.value = have; return null; }
        return fetchBlock(add, have).then(next);
      });
    });
    return chain.catch(function () { /* offline: fill in what is there */ });
  }

  // ---- show where it applies -------------------------------------------------------------
  function scopeOf(el) { return el.closest("[data-formset-form]") || el.closest("form") || document; }
  function field(scope, name) {
    return scope.querySelector('[name="' + name + '"], [name$="-' + name + '"]');
  }
  function valueOf(scope, name) {
    var el = field(scope, name);
    if (el && el.type === "radio") {
      el = scope.querySelector('[name="' + name + '"]:checked, [name$="-' + name + '"]:checked');
    }
    return el ? el.value : "";
  }
  function ageOf(scope) {
    var date = field(scope, "birth_date");
    var match = date && /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.value);
    if (match) {
      var now = new Date();
      var y = +match[1], m = +match[2], d = +match[3];
      var age = now.getFullYear() - y;
      if (now.getMonth() + 1 < m || (now.getMonth() + 1 === m && now.getDate() < d)) { age -= 1; }
      return age;
    }
    var years = field(scope, "age_years");
    if (years && /^\d+$/.test(years.value)) { return parseInt(years.value, 10); }
    return null;
  }
  function holds(condition, scope) {
    var age;
    if (condition === "minor") { age = ageOf(scope); return age !== null && age < ADULT; }
    if (condition === "maybe-minor") { age = ageOf(scope); return age === null || age < ADULT; }
    if (condition === "maybe-older") { age = ageOf(scope); return age === null || age >= OLDER; }
    if (condition === "maybe-female") { return valueOf(scope, "sex") !== "M"; }
    if (condition.indexOf("checked:") === 0) {
      var box = field(scope, condition.slice(8));
      return !!(box && box.checked);
    }
    if (condition.indexOf("value:") === 0) {
      var parts = condition.slice(6).split("=");
      return (parts[1] || "").split("|").indexOf(valueOf(scope, parts[0])) >= 0;
    }
    return true;
  }
  function unitOf(el) {
    return el.matches("input, select, textarea") ? el.closest("li, .field") || el : el;
  }
  function update(root) {
    each((root || document).querySelectorAll("[data-show-when]"), function (el) {
      var scope = scopeOf(el);
      var unit = unitOf(el);
      var show = el.getAttribute("data-show-when").split(/\s+/).every(function (c) {
        return !c || holds(c, scope);
      });
      // Inside a hidden part, stay hidden (and not sent) whatever this part's own conditions say.
      if (unit.parentElement && unit.parentElement.closest("[hidden]")) { show = false; }
      unit.hidden = !show;
      var fields = unit.matches("input, select, textarea") ? [unit] : unit.querySelectorAll("input, select, textarea");
      each(fields, function (f) { f.disabled = !show; });
    });
  }

  function prepare(root) {
    each((root || document).querySelectorAll("[data-formset-remove]"), function (b) { b.hidden = false; });
    update(document);
  }

  document.addEventListener("click", function (event) {
    var remove = event.target.closest("[data-formset-remove]");
    if (remove) { event.preventDefault(); removeBlock(remove); }
  });
  ["input", "change", "draft:restored"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var form = event.target.closest && event.target.closest("form");
      if (form && form.querySelector("[data-show-when]")) { update(form); }
    });
  });
  document.addEventListener("DOMContentLoaded", function () { prepare(document); });
  document.addEventListener("htmx:afterSwap", function (event) { prepare(event.target); });

  window.CaminantesFormsets = { ensure: ensure };
})();
