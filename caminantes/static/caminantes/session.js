// The idle timeout, seen from the page: a few minutes before the server would end the session
// (body[data-session-left], counted by the server), the warning (#session-warning, a form that
// posts to the "keep working" endpoint) shows; one tap extends the session. When the time is up
// the page is fetched again, so the server shows its login page instead of leaving personal
// data on an unattended screen; drafts.js has kept what was typed, and it comes back after login.
// Another tab that extends the session tells this one through localStorage.
(function () {
  var SIGNAL = "caminantes-session-extended";
  var warnTimer = null;
  var endTimer = null;

  function warning() { return document.getElementById("session-warning"); }
  function reload() { location.assign(location.pathname + location.search); }

  function schedule(seconds) {
    var form = warning();
    if (!form || isNaN(seconds)) { return; }
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    form.hidden = true;
    var timeout = parseInt(document.body.getAttribute("data-session-timeout"), 10) || seconds;
    var before = Math.min(300, Math.floor(timeout / 3));  // "a few minutes", less for short timeouts
    warnTimer = setTimeout(function () {
      form.hidden = false;
      var button = form.querySelector("button");
      if (button) { button.focus({ preventScroll: true }); }
    }, Math.max(0, seconds - before) * 1000);
    // The server counts whole seconds and ends the session only once they are exceeded.
    endTimer = setTimeout(reload, (seconds + 2) * 1000);
  }

  function extend(form) {
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (!response.ok || type.indexOf("application/json") !== 0) { throw new Error("ended"); }
      return response.json();
    }).then(function (data) {
      schedule(data.expires_in);
      try { localStorage.setItem(SIGNAL, JSON.stringify({ at: Date.now(), left: data.expires_in })); } catch (e) { /* ignore */ }
    }).catch(reload);  // already ended, or no link: the server decides what to show
  }

  document.addEventListener("submit", function (event) {
    if (event.target.id !== "session-warning") { return; }
    event.preventDefault();
    extend(event.target);
  });
  window.addEventListener("storage", function (event) {
    if (event.key !== SIGNAL || !event.newValue) { return; }
    try { schedule(JSON.parse(event.newValue).left); } catch (e) { /* ignore */ }
  });
  // An htmx request (a search, a new member block) may have counted as activity: the server
  // says how long is left now.
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail && event.detail.xhr;
    var left = xhr && xhr.getResponseHeader("X-Session-Left");
    if (left) { schedule(parseInt(left, 10)); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var left = document.body.getAttribute("data-session-left");
    if (left) { schedule(parseInt(left, 10)); }
  });
})();
