// Sorts and pages every <table class="results sortable">: a header button sorts by its column
// (numbers as numbers, missing values last), and a pager shows PAGE rows at a time. Without
// JavaScript the table shows every row it holds. Cell text is only read, never written as HTML.
(function () {
  "use strict";
  var PAGE = 50;
  var NUMBER = /^[-+]?(\d{1,3}(,\d{3})+|\d*)(\.\d+)?(e[-+]?\d+)?$/i;

  function key(cell) {
    var text = (cell ? cell.textContent : "").trim();
    if (text === "" || text === "\u2014") { return null; }
    if (NUMBER.test(text) && /\d/.test(text)) { return parseFloat(text.replace(/,/g, "")); }
    return text.toLowerCase();
  }

  function compare(a, b) {
    if (a === b) { return 0; }
    if (a === null) { return 1; }
    if (b === null) { return -1; }
    if (typeof a === typeof b) { return a < b ? -1 : 1; }
    return typeof a === "number" ? -1 : 1;
  }

  function button(label, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  function setUp(table) {
    var body = table.tBodies[0];
    if (!body || table.dataset.sortable === "1") { return; }
    table.dataset.sortable = "1";
    var rows = Array.prototype.slice.call(body.rows);
    var page = 0;
    var status = document.createElement("span");
    status.className = "pager-status";
    status.setAttribute("aria-live", "polite");
    var prev = button("\u2190 Previous", function () { page -= 1; show(); });
    var next = button("Next \u2192", function () { page += 1; show(); });
    var pager = document.createElement("nav");
    pager.className = "pager";
    pager.setAttribute("aria-label", "table pages");
    pager.appendChild(prev);
    pager.appendChild(status);
    pager.appendChild(next);

    function show() {
      var pages = Math.max(1, Math.ceil(rows.length / PAGE));
      page = Math.min(Math.max(page, 0), pages - 1);
      rows.forEach(function (row, i) {
        row.hidden = Math.floor(i / PAGE) !== page;
        body.appendChild(row);
      });
      var first = rows.length ? page * PAGE + 1 : 0;
      var last = Math.min(rows.length, (page + 1) * PAGE);
      status.textContent = "Rows " + first.toLocaleString("en") + "\u2013" +
        last.toLocaleString("en") + " of " + rows.length.toLocaleString("en");
      prev.disabled = page === 0;
      next.disabled = page >= pages - 1;
    }

    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, column) {
      var sort = button(th.textContent, function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var keyed = rows.map(function (row, i) { return [key(row.cells[column]), i, row]; });
        keyed.sort(function (a, b) {
          var order = compare(a[0], b[0]);
          if (order !== 0 && a[0] !== null && b[0] !== null && !ascending) { order = -order; }
          return order || a[1] - b[1];
        });
        rows = keyed.map(function (k) { return k[2]; });
        page = 0;
        show();
      });
      sort.className = "sort";
      sort.title = "Sort by " + th.textContent;
      th.textContent = "";
      th.appendChild(sort);
    });
    if (rows.length > PAGE) {
      table.parentNode.insertBefore(pager, table);
    }
    show();
  }

  function setUpIn(root) {
    root.querySelectorAll("table.results.sortable").forEach(setUp);
  }
  window.hflineageTables = setUpIn;  // for content swapped in later (dashboard.js)
  setUpIn(document);
})();
