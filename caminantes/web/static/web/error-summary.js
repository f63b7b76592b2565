// The error summary at the top of a form: the page scrolls to it on load, and each of its
// links moves the focus to the field it names (an anchor alone scrolls but leaves the
// focus behind, and a screen reader would not follow).
(function () {
  function focusField(id) {
    // A form built by hand links its inputs by name rather than id.
    var field = document.getElementById(id) ||
      document.querySelector("[name='" + id.replace(/['\\]/g, "") + "']");
    if (!field) { return false; }
    var details = field.closest("details");
    if (details) { details.open = true; }
    field.scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
    return true;
  }
  function start() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) { return; }
    summary.scrollIntoView({ block: "start" });
    summary.focus({ preventScroll: true });
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (link && focusField(decodeURIComponent(link.getAttribute("href").slice(1)))) {
        event.preventDefault();
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
