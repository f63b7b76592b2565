// Forms marked data-autosubmit submit when a select changes (the switchers).
document.addEventListener("change", function (event) {
  var form = event.target.closest("form[data-autosubmit]");
  if (form) { form.requestSubmit ? form.requestSubmit() : form.submit(); }
});

// On a phone, table.stack rows become cards: each cell is labelled with its column header.
function labelStackedTables(root) {
  (root || document).querySelectorAll("table.stack").forEach(function (table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, i) {
        if (heads[i] && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", heads[i]); }
      });
    });
  });
}
document.addEventListener("DOMContentLoaded", function () { labelStackedTables(); });
document.addEventListener("htmx:afterSwap", function (event) { labelStackedTables(event.target); });

// "Add another member" (data-formset-add="<selector of the forms>"): the new form's index is
// the number of forms already there, and the formset's TOTAL_FORMS follows once it arrives.
// Here rather than in hx-vals="js:…" / hx-on attributes: the Content-Security-Policy allows no
// inline script and htmx runs with allowEval off.
function formsetCount(button) {
  return document.querySelectorAll(button.getAttribute("data-formset-add")).length;
}
document.addEventListener("htmx:configRequest", function (event) {
  var button = event.detail.elt;
  if (button && button.hasAttribute && button.hasAttribute("data-formset-add")) {
    event.detail.parameters.index = formsetCount(button);
  }
});
document.addEventListener("htmx:afterRequest", function (event) {
  var button = event.detail.elt;
  if (button && button.hasAttribute && button.hasAttribute("data-formset-total")) {
    var total = document.getElementById(button.getAttribute("data-formset-total"));
    if (total) { total.value = formsetCount(button); }
  }
});
