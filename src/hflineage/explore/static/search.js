// Type-ahead for the search page: suggestions from /api/search as the user types.
// Hub text is hostile: it is only ever inserted with textContent, never as markup.
// Without this script the form still works: submitting renders the results on the server.
(function () {
  "use strict";
  var DELAY_MS = 150;
  var MAX_QUERY = 200;
  var form = document.querySelector("form.search-form");
  var input = form && form.querySelector("input[name=q]");
  var list = form && document.getElementById("suggestions");
  var status = form && document.getElementById("suggest-status");
  if (!input || !list || !status) {
    return;
  }
  var timer = null;
  var pending = null;
  var active = -1;

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("autocomplete", "off");

  function options() {
    return list.querySelectorAll("[role=option]");
  }

  function setActive(index) {
    var all = options();
    active = index;
    for (var i = 0; i < all.length; i++) {
      var on = i === index;
      all[i].setAttribute("aria-selected", on ? "true" : "false");
      all[i].classList.toggle("active", on);
    }
    if (index >= 0 && index < all.length) {
      input.setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({block: "nearest"});
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    setActive(-1);
  }

  function open() {
    if (options().length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
  }

  // Only this site's own pages are followed: a path, never another host.
  function safePath(path) {
    return typeof path === "string" && path.charAt(0) === "/" && path.charAt(1) !== "/" &&
      path.indexOf("\\") < 0;
  }

  function show(q, hits) {
    list.replaceChildren();
    active = -1;
    hits.filter(function (h) { return h && safePath(h.path); }).forEach(function (h, i) {
      var item = document.createElement("li");
      item.id = "suggestion-" + i;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      var link = document.createElement("a");
      link.href = h.path;
      link.tabIndex = -1;
      link.textContent = String(h.name);
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = String(h.kind);
      link.appendChild(kind);
      item.appendChild(link);
      list.appendChild(item);
    });
    var n = options().length;
    status.textContent = n ? n + " suggestion" + (n === 1 ? "" : "s") +
      ": up and down to choose, Enter to open" : "Nothing matches \u201c" + q + "\u201d.";
    if (n) {
      open();
    } else {
      close();
    }
  }

  function fetchHits(q) {
    if (pending) {
      pending.abort();
    }
    var mine = new AbortController();
    pending = mine;
    fetch("/api/search?q=" + encodeURIComponent(q),
          {signal: mine.signal, headers: {Accept: "application/json"}, credentials: "same-origin"})
      .then(function (r) {
        return r.json().then(function (body) {
          if (!r.ok || !Array.isArray(body)) {
            throw new Error(body && body.error ? String(body.error) : "HTTP " + r.status);
          }
          return body;
        });
      })
      .then(function (hits) {
        if (pending === mine && input.value.trim() === q) {
          show(q, hits);
        }
      })
      .catch(function (e) {
        if (e.name !== "AbortError" && pending === mine) {
          list.replaceChildren();
          close();
          status.textContent = "Suggestions unavailable (" + e.message + "); press Enter to search.";
        }
      })
      .finally(function () {
        if (pending === mine) {
          pending = null;
        }
      });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (!q || q.length > MAX_QUERY) {
      if (pending) {
        pending.abort();
        pending = null;
      }
      list.replaceChildren();
      status.textContent = "";
      close();
      return;
    }
    timer = setTimeout(function () { fetchHits(q); }, DELAY_MS);
  });

  input.addEventListener("keydown", function (e) {
    var n = options().length;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!n) {
        return;
      }
      e.preventDefault();
      if (list.hidden) {
        open();
      }
      var step = e.key === "ArrowDown" ? 1 : -1;
      setActive(active < 0 ? (step > 0 ? 0 : n - 1) : (active + step + n) % n);
    } else if (e.key === "Enter" && !list.hidden && active >= 0 && active < n) {
      e.preventDefault();
      window.location.assign(options()[active].querySelector("a").getAttribute("href"));
    } else if (e.key === "Escape" && !list.hidden) {
      e.preventDefault();
      close();
    }
  });

  input.addEventListener("focus", open);
  document.addEventListener("click", function (e) {
    if (!form.contains(e.target)) {
      close();
    }
  });
  list.addEventListener("mousemove", function (e) {
    var item = e.target.closest && e.target.closest("[role=option]");
    if (item) {
      setActive(Array.prototype.indexOf.call(options(), item));
    }
  });
})();
