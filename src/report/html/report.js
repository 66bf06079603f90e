// Plimsoll HTML report: renders the findings from the JSON data block with DOM text nodes only
// (never innerHTML), so nothing from the scanned input can become markup or script. Filters
// run in the page; the location hash presets them (#severity=high&namespace=shop&q=web).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("plimsoll-data").textContent);
  var checks = data.checks, rows = data.findings;
  var SEV = ["critical", "high", "medium", "low", "info"];
  var GROUPS_PER_PAGE = 50, ROWS_PER_GROUP = 100;
  var $ = function (id) { return document.getElementById(id); };
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function options(select, values) {
    values.forEach(function (v) { var o = el("option", null, v); o.value = v; select.appendChild(o); });
  }
  // Row fields: 0 check index, 1 status, 2 severity, 3 resource id, 4 kind, 5 namespace,
  // 6 name, 7 location, 8 message, 9 first seen, 10 baseline state.
  var namespaces = {}, statuses = {}, used = {};
  rows.forEach(function (r) { if (r[5]) namespaces[r[5]] = 1; statuses[r[1]] = 1; used[r[0]] = 1; });
  options($("f-severity"), SEV);
  options($("f-status"), Object.keys(statuses).sort());
  options($("f-namespace"), Object.keys(namespaces).sort());
  options($("f-check"), Object.keys(used).map(function (i) { return checks[i].id; }).sort());
  var shown = GROUPS_PER_PAGE;

  function readHash() {
    var h = location.hash.replace(/^#/, "");
    h.split("&").forEach(function (kv) {
      var i = kv.indexOf("="); if (i < 0) return;
      var k = decodeURIComponent(kv.slice(0, i)), v = decodeURIComponent(kv.slice(i + 1));
      var input = { severity: "f-severity", status: "f-status", namespace: "f-namespace",
                    check: "f-check", q: "f-q" }[k];
      if (input) $(input).value = v;
    });
  }
  function matches(r) {
    var sev = $("f-severity").value, st = $("f-status").value, ns = $("f-namespace").value,
        ck = $("f-check").value, q = $("f-q").value.trim().toLowerCase();
    if (sev && r[2] !== sev) return false;
    if (st && r[1] !== st) return false;
    if (ns && r[5] !== ns) return false;
    if (ck && checks[r[0]].id !== ck) return false;
    if (q) {
      var c = checks[r[0]];
      var hay = [c.id, c.title, r[3], r[6], r[5], r[7], r[8]].join("\n").toLowerCase();
      if (hay.indexOf(q) < 0) return false;
    }
    return true;
  }
  function groupRows(list, ci, open) {
    var c = checks[ci];
    var d = el("details", "check");
    d.open = open;
    d.dataset.check = c.id;
    var s = el("summary");
    s.appendChild(el("span", "sev sev-" + c.severity, c.severity.toUpperCase()));
    s.appendChild(document.createTextNode(" "));
    s.appendChild(el("strong", null, c.id));
    s.appendChild(document.createTextNode(" " + c.title + " "));
    s.appendChild(el("span", "why", "(" + list.length + ")"));
    d.appendChild(s);
    var body = el("div", "body");
    if (c.remediation) body.appendChild(el("p", "fix", "Fix: " + c.remediation));
    if (c.cis.length) body.appendChild(el("p", "why", c.cis.join("; ")));
    var t = el("table"), head = el("tr");
    ["Status", "Resource", "Namespace", "Location", "Message", "First seen"].forEach(function (h) {
      head.appendChild(el("th", null, h));
    });
    t.appendChild(head);
    var limit = ROWS_PER_GROUP;
    function fill() {
      while (t.rows.length > 1) t.deleteRow(1);
      list.slice(0, limit).forEach(function (r) {
        var tr = el("tr");
        tr.appendChild(el("td", "st st-" + r[1], r[1] + (r[10] === "new" ? " (new)" : "")));
        var res = el("td", "rid", r[4] + "/" + r[6]); res.title = r[3]; tr.appendChild(res);
        tr.appendChild(el("td", null, r[5] || ""));
        tr.appendChild(el("td", "loc", r[7] || r[3]));
        tr.appendChild(el("td", "msg", r[8]));
        tr.appendChild(el("td", "why", r[9] || ""));
        t.appendChild(tr);
      });
    }
    fill();
    body.appendChild(t);
    if (list.length > limit) {
      var more = el("button", "more", "Show all " + list.length);
      more.addEventListener("click", function () { limit = list.length; fill(); more.remove(); });
      body.appendChild(more);
    }
    d.appendChild(body);
    return d;
  }
  function render() {
    var byCheck = {}, order = [], total = 0;
    rows.forEach(function (r) {
      if (!matches(r)) return;
      if (!byCheck[r[0]]) { byCheck[r[0]] = []; order.push(r[0]); }
      byCheck[r[0]].push(r); total++;
    });
    var out = $("findings");
    out.textContent = "";
    $("shown").textContent = String(total);
    if (!total) out.appendChild(el("p", "empty", "No finding matches the filters."));
    // A short list is shown open; a long one as its checks, to open one at a time.
    var open = total <= 200;
    order.slice(0, shown).forEach(function (ci) { out.appendChild(groupRows(byCheck[ci], ci, open)); });
    var more = $("more-groups");
    more.hidden = order.length <= shown;
    more.textContent = "Show " + Math.min(GROUPS_PER_PAGE, order.length - shown) + " more checks";
  }
  ["f-severity", "f-status", "f-namespace", "f-check"].forEach(function (id) {
    $(id).addEventListener("change", function () { shown = GROUPS_PER_PAGE; render(); });
  });
  var timer = null;
  $("f-q").addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { shown = GROUPS_PER_PAGE; render(); }, 150);
  });
  $("more-groups").addEventListener("click", function () { shown += GROUPS_PER_PAGE; render(); });
  $("expand").addEventListener("click", function () {
    document.querySelectorAll("details.check").forEach(function (d) { d.open = true; });
  });
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.check").forEach(function (d) { d.open = true; });
  });
  window.addEventListener("hashchange", function () { readHash(); render(); });
  readHash();
  render();
  $("total").textContent = String(rows.length);
  document.documentElement.dataset.ready = String(Math.round(performance.now()));
})();
