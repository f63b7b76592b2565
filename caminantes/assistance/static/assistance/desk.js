// The distribution desk, offline-capable. No library: IndexedDB, fetch, crypto.randomUUID.
//
// - Keeps the plan's distribution list of the day (entitlements and members) on the device,
//   fetched page by page from the API with the session and the CSRF token.
// - Every handover, online or not, is first put in a queue in IndexedDB under a UUID made
//   here; the queue is sent through the same API (POST .../handovers with request_id), so a
//   re-send is recorded once. The number waiting is shown; when the link is back they go.
// - A refusal that comes back later (the family was served at another desk meanwhile) is
//   shown for that household.
// - Offline, the search box looks in the saved list and the household panel is drawn here.
(function () {
  "use strict";
  var root = document.querySelector("[data-desk]");
  if (!root || !window.indexedDB || !window.fetch) { return; }
  var plan = root.getAttribute("data-plan");
  var api = root.getAttribute("data-api").replace(/\/$/, "");
  var user = (document.body && document.body.getAttribute("data-user")) || "";
  var csrf = (root.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  var msg = function (key) { return root.getAttribute("data-msg-" + key) || key; };
  var rows = [];  // the cached distribution list
  var db = null;
  var sending = false;

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function today() { var d = new Date(); return d.getFullYear() + "-" + (d.getMonth() + 1) + "-" + d.getDate(); }
  function fold(s) { return (s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  // --- IndexedDB ---------------------------------------------------------------------------
  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open("caminantes-desk-" + user, 1);
      req.onupgradeneeded = function () {
        var d = req.result;
        d.createObjectStore("lists", { keyPath: "plan" });
        d.createObjectStore("queue", { keyPath: "request_id" });
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function tx(store, mode, fn) {
    return new Promise(function (resolve, reject) {
      var t = db.transaction(store, mode);
      var result = fn(t.objectStore(store));
      t.oncomplete = function () { resolve(result instanceof IDBRequest ? result.result : result); };
      t.onerror = function () { reject(t.error); };
    });
  }
  function all(store) { return tx(store, "readonly", function (s) { return s.getAll(); }); }
  function put(store, value) { return tx(store, "readwrite", function (s) { s.put(value); }); }
  function remove(store, key) { return tx(store, "readwrite", function (s) { s["delete"](key); }); }

  // --- the list of the day -------------------------------------------------------------------
  function fetchList() {
    var collected = [];
    function page(n) {
      return fetch(api + "/list?page=" + n, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (body) {
          collected = collected.concat(body.items);
          if (body.items.length && collected.length < body.count) { return page(n + 1); }
          return collected;
        });
    }
    return page(1).then(function (items) {
      rows = items;
      return put("lists", { plan: plan, day: today(), rows: items });
    });
  }
  function loadList() {
    return tx("lists", "readonly", function (s) { return s.get(plan); }).then(function (saved) {
      if (saved && saved.day === today()) { rows = saved.rows; }
    });
  }
  function saveRows() { return put("lists", { plan: plan, day: today(), rows: rows }); }
  function rowOf(household) { return rows.filter(function (r) { return r.household === household; })[0]; }

  // --- the queue ---------------------------------------------------------------------------
  function enqueue(item) {
    item.request_id = item.request_id || uuid();
    item.plan = plan;
    item.state = "pending";
    var row = rowOf(item.household);
    if (row) { row.standing = "served_today"; row.may_collect = false; row.message = msg("served"); saveRows(); }
    return put("queue", item).then(show).then(flush);
  }
  function flush() {
    if (sending || !navigator.onLine) { return Promise.resolve(); }
    sending = true;
    return all("queue").then(function (items) {
      var pending = items.filter(function (i) { return i.plan === plan && i.state === "pending"; });
      return pending.reduce(function (chain, item) {
        return chain.then(function () { return send(item); });
      }, Promise.resolve());
    }).catch(function () { /* the link dropped again: they wait */ })
      .then(function () { sending = false; return show(); });
  }
  function send(item) {
    var body = { request_id: item.request_id, household: item.household, collected_by: item.collected_by || null,
                 proxy_name: item.proxy_name || "", proxy_consent: !!item.proxy_consent };
    return fetch(api + "/handovers", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    }).then(function (r) {
      if (r.status === 200 || r.status === 201) { return remove("queue", item.request_id); }
      if (r.status >= 500 || r.status === 429 || r.status === 401) { throw new Error(r.status); }
      return r.json().catch(function () { return {}; }).then(function (answer) {
        item.state = "refused";
        item.detail = answer.detail || String(r.status);
        return put("queue", item);
      });
    });
  }

  // --- what the officer sees -----------------------------------------------------------------
  function show() {
    return all("queue").then(function (items) {
      var mine = items.filter(function (i) { return i.plan === plan; });
      var pending = mine.filter(function (i) { return i.state === "pending"; });
      var refused = mine.filter(function (i) { return i.state === "refused"; });
      var status = root.querySelector("[data-desk-status]");
      status.hidden = false;
      status.classList.toggle("offline", !navigator.onLine);
      root.querySelector("[data-connection]").textContent = navigator.onLine ? msg("online") : msg("offline");
      root.querySelector("[data-pending-count]").textContent = String(pending.length);
      root.querySelector("[data-pending-label]").textContent = msg("pending");
      root.querySelector("[data-cached-count]").textContent = rows.length ? "· " + rows.length + " " + msg("cached") : "";
      var list = root.querySelector("[data-refused]");
      list.textContent = "";
      refused.forEach(function (i) {
        var li = el("li", { "data-refused-household": i.household });
        li.appendChild(el("strong", {}, msg("refused") + ": " + (i.name || i.household.slice(0, 8)) + " — "));
        li.appendChild(document.createTextNode(i.detail));
        var ok = el("button", { type: "button", "class": "secondary" }, "×");
        ok.addEventListener("click", function () { remove("queue", i.request_id).then(show); });
        li.appendChild(ok);
        list.appendChild(li);
      });
      list.hidden = !refused.length;
    });
  }

  function offlineResults(text) {
    var part = root.querySelector("[data-offline-part]");
    part.textContent = "";
    var words = fold(text).split(/\s+/).filter(Boolean);
    var tail = text.trim().split(/[/:]/).pop().toLowerCase();
    var found = rows.filter(function (r) {
      if (r.household === tail || r.code.toLowerCase() === tail.replace("#", "")) { return true; }
      var names = fold(r.focal_point + " " + r.members.map(function (m) { return m.name; }).join(" "));
      return words.length && words.every(function (w) { return names.indexOf(w) >= 0; });
    }).slice(0, 20);
    if (!found.length) { part.appendChild(el("p", { "class": "help" }, msg("none"))); }
    found.forEach(function (r) {
      var b = el("button", { type: "button", "class": "secondary desk-result", "data-offline-household": r.household },
                 r.focal_point + " · " + r.code + " · " + r.message);
      b.addEventListener("click", function () { offlinePanel(r); });
      part.appendChild(b);
    });
    if (found.length === 1) { offlinePanel(found[0]); }
  }

  function offlinePanel(r) {
    var part = root.querySelector("[data-offline-part]");
    part.textContent = "";
    var card = el("section", { "class": "card desk-household", "data-household": r.household });
    card.appendChild(el("h2", {}, r.focal_point + " " + r.code));
    card.appendChild(el("p", {}, "")).appendChild(el("span", { "class": "badge badge-" + r.standing }, r.message));
    if (r.may_collect) {
      var form = el("form", { "data-offline-handover": "" });
      var label = el("label", { "for": "off-collector" }, msg("collects"));
      var select = el("select", { id: "off-collector", name: "collected_by" });
      select.appendChild(el("option", { value: "" }, msg("proxy")));
      r.members.forEach(function (m) { select.appendChild(el("option", { value: m.uuid }, m.name)); });
      var proxyLabel = el("label", { "for": "off-proxy" }, msg("proxy-name"));
      var proxy = el("input", { id: "off-proxy", type: "text", name: "proxy_name", maxlength: "200" });
      var consentLabel = el("label", {}, "");
      var consent = el("input", { type: "checkbox", name: "proxy_consent" });
      consentLabel.appendChild(consent);
      consentLabel.appendChild(document.createTextNode(" " + msg("proxy-consent")));
      var error = el("p", { "class": "errorlist", role: "alert" }, "");
      var button = el("button", { type: "submit" }, msg("record") + " (" + r.quantity + ")");
      [label, select, proxyLabel, proxy, consentLabel, error, button].forEach(function (x) { form.appendChild(x); });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var item = { household: r.household, name: r.focal_point, collected_by: select.value,
                     proxy_name: proxy.value.trim(), proxy_consent: consent.checked, request_id: uuid() };
        if (!item.collected_by && !(item.proxy_name && item.proxy_consent)) { error.textContent = msg("no-collector"); return; }
        enqueue(item).then(function () {
          card.textContent = "";
          card.appendChild(el("p", { role: "status", "data-queued": r.household }, msg(navigator.onLine ? "sent" : "queued")));
        });
      });
      card.appendChild(form);
    }
    part.appendChild(card);
  }

  function setOffline(offline) {
    root.querySelector("[data-online-part]").hidden = offline;
    root.querySelector("[data-offline-part]").hidden = !offline;
  }

  // The server's handover form, when JavaScript runs: through the queue like offline ones.
  function wireOnlineForm() {
    var form = root.querySelector("form[data-desk-handover]");
    if (!form) { return; }
    form.addEventListener("submit", function (event) {
      if (navigator.onLine) { return; }  // online: the page posts and answers in words
      event.preventDefault();
      var data = new FormData(form);
      var household = data.get("household");
      var row = rowOf(household) || { focal_point: "" };
      enqueue({ household: household, name: row.focal_point, collected_by: data.get("collected_by"),
                proxy_name: (data.get("proxy_name") || "").trim(), proxy_consent: !!data.get("proxy_consent"),
                request_id: data.get("request_id") });
      form.hidden = true;
    });
  }

  function wireSearch() {
    var form = root.querySelector("form[data-desk-search]");
    form.addEventListener("submit", function (event) {
      if (navigator.onLine) { return; }
      event.preventDefault();
      setOffline(true);
      offlineResults(form.querySelector("input[name=q]").value);
    });
  }

  // A camera scan only where the browser reads QR codes itself (BarcodeDetector).
  function wireCamera() {
    var button = root.querySelector("[data-camera]");
    var video = root.querySelector("[data-camera-view]");
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream; video.hidden = false; video.play();
        var stop = function () { stream.getTracks().forEach(function (t) { t.stop(); }); video.hidden = true; };
        var look = function () {
          detector.detect(video).then(function (codes) {
            if (codes.length) {
              stop();
              var input = root.querySelector("input[name=q]");
              input.value = codes[0].rawValue;
              input.form.requestSubmit();
            } else { setTimeout(look, 300); }
          }).catch(stop);
        };
        look();
      }).catch(function () { button.hidden = true; });
    });
  }

  open().then(function (d) {
    db = d;
    wireSearch(); wireOnlineForm(); wireCamera();
    root.querySelector("[data-send-now]").addEventListener("click", flush);
    window.addEventListener("online", function () {
      show();
      flush().then(fetchList).then(show).catch(function () { /* still flaky: the next round */ });
    });
    window.addEventListener("offline", show);
    setInterval(flush, 10000);
    return loadList().then(show).then(function () {
      if (navigator.onLine) { return flush().then(fetchList).then(show); }
    });
  }).catch(function () { /* no IndexedDB (private mode): the page works as plain forms */ });
})();
