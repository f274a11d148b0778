// kadra's only script: a confirmation before destructive forms and links
// (data-confirm), kept out of the HTML so the CSP can forbid inline script.
document.addEventListener("submit", function (e) {
  // The button that submitted may carry its own question (row menus inside
  // a bulk form); otherwise the form's.
  var by = e.submitter, form = e.target;
  var msg = (by && by.getAttribute("data-confirm")) || (form.getAttribute && form.getAttribute("data-confirm"));
  var named = by && bulkQuestion(form, by.getAttribute("data-confirm-from"));
  if (named) { msg = named; }
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
}, true);
document.addEventListener("click", function (e) {
  var a = e.target.closest && e.target.closest("a[data-confirm]");
  if (a && !window.confirm(a.getAttribute("data-confirm"))) { e.preventDefault(); }
}, true);

// bulkQuestion is the question of the action chosen in the select named by
// data-confirm-from, in the plural form for the number of rows ticked
// ("Zablokować 3 użytkowników?"), or "" when it has none.
function bulkQuestion(form, selectID) {
  var sel = selectID && document.getElementById(selectID);
  var opt = sel && sel.options[sel.selectedIndex];
  if (!opt) { return ""; }
  var n = form.querySelectorAll('input[name="ids"]:checked').length;
  var form_ = new Intl.PluralRules(document.documentElement.lang || "en").select(n);
  var q = opt.getAttribute("data-confirm-" + form_) || opt.getAttribute("data-confirm-other");
  return q ? q.split("{n}").join(String(n)) : "";
}

// The group picker (partials/group-picker.html, R-GROUP-3 at scale). The
// page holds a plain select of the chosen groups; here it becomes chips, and
// the search box loads a capped tree of matches from /groups/pick (htmx).
// The select stays the one field posted, so the server sees the same form
// with or without script.
function initPickers(root) {
  if (!root || !root.querySelectorAll) { return; }
  var all = root.matches && root.matches("[data-group-picker]") ? [root] : [];
  Array.prototype.push.apply(all, root.querySelectorAll("[data-group-picker]"));
  all.forEach(function (el) {
    if (el.classList.contains("enhanced")) { return; }
    el.classList.add("enhanced");
    var q = el.querySelector('input[name="group_q"]'), label = el.querySelector("label");
    if (label && q) { label.htmlFor = q.id; }
    el.querySelector(".chips").hidden = false;
    // The search box is the picker's, not the filter form's: its typing must
    // not reload the list, nor Enter submit the form.
    el.addEventListener("change", function (e) { if (e.target === q) { e.stopPropagation(); } });
    q.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); }
      if (e.key === "Escape") { el.querySelector(".pick-tree").hidden = true; }
      if (e.key === "ArrowDown") { e.preventDefault(); var b = el.querySelector(".pick-tree:not([hidden]) button.pick"); if (b) { b.focus(); } }
    });
    renderChips(el);
  });
}

function renderChips(el) {
  var sel = el.querySelector("select"), chips = el.querySelector(".chips");
  chips.textContent = "";
  var n = 0;
  Array.prototype.forEach.call(sel.options, function (o) {
    if (!o.selected || o.value === "") { return; }
    n++;
    var li = document.createElement("li"), span = document.createElement("span"), b = document.createElement("button");
    li.className = "chip";
    span.textContent = o.textContent;
    b.type = "button";
    b.className = "chip-x";
    b.setAttribute("data-unpick", o.value);
    b.setAttribute("aria-label", chips.getAttribute("data-remove") + ": " + o.textContent);
    b.textContent = "×";
    li.appendChild(span);
    li.appendChild(b);
    chips.appendChild(li);
  });
  if (n === 0) {
    var none = document.createElement("li");
    none.className = "chip-none";
    none.textContent = chips.getAttribute("data-empty");
    chips.appendChild(none);
  }
}

function pickerChanged(el) {
  renderChips(el);
  el.querySelector("select").dispatchEvent(new Event("change", { bubbles: true }));
}

document.addEventListener("click", function (e) {
  var t = e.target.closest && e.target.closest("[data-group-picker] button");
  if (!t) { return; }
  var el = t.closest("[data-group-picker]"), sel = el.querySelector("select"), many = el.hasAttribute("data-many");
  if (t.classList.contains("twisty")) {
    var open = t.getAttribute("aria-expanded") !== "true", kids = t.closest("li").querySelector(":scope > ul");
    t.setAttribute("aria-expanded", String(open));
    if (kids) { kids.hidden = !open; }
    return;
  }
  var id = t.getAttribute("data-unpick");
  if (id !== null) {
    Array.prototype.forEach.call(sel.options, function (o) { if (o.value === id) { o.selected = false; } });
    if (!many) { sel.value = ""; }
    pickerChanged(el);
    el.querySelector('input[name="group_q"]').focus();
    return;
  }
  if (!t.classList.contains("pick")) { return; }
  id = t.getAttribute("data-id");
  var opt = Array.prototype.find.call(sel.options, function (o) { return o.value === id; });
  if (!opt) {
    opt = new Option(t.getAttribute("data-path"), id);
    sel.appendChild(opt);
  }
  if (!many) { Array.prototype.forEach.call(sel.options, function (o) { o.selected = false; }); }
  opt.selected = true;
  if (!many) { el.querySelector(".pick-tree").hidden = true; }
  pickerChanged(el);
});

document.addEventListener("htmx:afterSwap", function (e) {
  var t = e.detail && e.detail.target;
  if (t && t.classList && t.classList.contains("pick-tree")) { t.hidden = false; }
  initPickers(t);
  if (t && t.id === "results") { foldOnPhone(); }
});
document.addEventListener("DOMContentLoaded", function () { initPickers(document); });
if (document.readyState !== "loading") { initPickers(document); }

// The row menu "⋯" (details.row-menu): a keyboard menu placed inside the
// viewport. Opening it focuses its first item; arrow keys, Home and End
// move; Escape closes it and gives the focus back to its button; a click
// elsewhere or opening another menu closes it. It is placed with fixed
// coordinates so that the table's scrolling box cannot cut it off.
function menuItems(menu) {
  return Array.prototype.slice.call(menu.querySelectorAll('[role="menuitem"], ul a, ul button'))
    .filter(function (x, i, all) { return all.indexOf(x) === i; });
}

function placeMenu(menu) {
  var ul = menu.querySelector("ul");
  if (!ul || !menu.open) { return; }
  var r = menu.querySelector("summary").getBoundingClientRect();
  ul.classList.add("placed");
  var w = ul.offsetWidth, h = ul.offsetHeight, vw = document.documentElement.clientWidth, vh = window.innerHeight;
  var left = Math.min(Math.max(8, r.right - w), vw - w - 8);
  var top = r.bottom + 4;
  if (top + h > vh - 8 && r.top - h - 4 > 8) { top = r.top - h - 4; }
  ul.style.left = Math.max(8, left) + "px";
  ul.style.top = Math.max(8, top) + "px";
}

function focusFirstItem(menu) {
  var items = menuItems(menu);
  if (items.length) { items[0].focus(); }
}

document.addEventListener("toggle", function (e) {
  var menu = e.target;
  if (!menu.classList || !menu.classList.contains("row-menu")) { return; }
  if (!menu.open) { return; }
  document.querySelectorAll("details.row-menu[open]").forEach(function (m) { if (m !== menu) { m.open = false; } });
  placeMenu(menu);
  if (menu.hasAttribute("data-keyboard")) { focusFirstItem(menu); }
}, true);

document.addEventListener("keydown", function (e) {
  var menu = e.target.closest && e.target.closest("details.row-menu");
  if (!menu) { return; }
  var onSummary = e.target.tagName === "SUMMARY";
  if (onSummary && (e.key === "Enter" || e.key === " " || e.key === "ArrowDown")) {
    menu.setAttribute("data-keyboard", "");
    if (e.key === "ArrowDown") { e.preventDefault(); if (!menu.open) { menu.open = true; } else { focusFirstItem(menu); } }
    return;
  }
  if (!menu.open) { return; }
  var items = menuItems(menu), i = items.indexOf(document.activeElement);
  switch (e.key) {
    case "Escape":
      e.preventDefault(); menu.open = false; menu.querySelector("summary").focus(); return;
    case "ArrowDown":
      e.preventDefault(); if (items.length) { items[(i + 1) % items.length].focus(); } return;
    case "ArrowUp":
      e.preventDefault(); if (items.length) { items[(i - 1 + items.length) % items.length].focus(); } return;
    case "Home":
      e.preventDefault(); if (items.length) { items[0].focus(); } return;
    case "End":
      e.preventDefault(); if (items.length) { items[items.length - 1].focus(); } return;
    case "Tab":
      menu.open = false; return;
  }
});

document.addEventListener("click", function (e) {
  document.querySelectorAll("details.row-menu[open]").forEach(function (m) {
    if (!m.contains(e.target)) { m.open = false; }
  });
  var s = e.target.closest && e.target.closest("details.row-menu > summary");
  if (s && e.detail > 0) { s.parentNode.removeAttribute("data-keyboard"); }
});

window.addEventListener("resize", function () { document.querySelectorAll("details.row-menu[open]").forEach(placeMenu); });
window.addEventListener("scroll", function () { document.querySelectorAll("details.row-menu[open]").forEach(placeMenu); }, true);

// The menu's items arrive by htmx after it opened: place it again, and
// give the focus to the first when it was opened from the keyboard.
document.addEventListener("htmx:afterSwap", function (e) {
  var menu = e.detail && e.detail.target && e.detail.target.closest && e.detail.target.closest("details.row-menu");
  if (!menu) {
    menu = e.detail && e.detail.elt && e.detail.elt.closest && e.detail.elt.closest("details.row-menu");
  }
  if (menu && menu.open) {
    placeMenu(menu);
    if (menu.hasAttribute("data-keyboard")) { focusFirstItem(menu); }
  }
});

// Filters and bulk actions fold away on a phone: the page sends them open
// (so they work without script) and a narrow screen closes them.
function foldOnPhone() {
  if (!window.matchMedia("(max-width: 40rem)").matches) { return; }
  document.querySelectorAll("details.fold[open]:not([data-keep])").forEach(function (d) { d.open = false; });
}
if (document.readyState !== "loading") { foldOnPhone(); } else { document.addEventListener("DOMContentLoaded", foldOnPhone); }

// A refused form: the focus goes to the first field in error, so that a
// keyboard or screen reader user starts where the work is (R-SEC-1).
function focusFirstError() {
  if (!document.getElementById("error-summary")) { return; }
  var f = document.querySelector('[aria-invalid="true"]:not([type=hidden])');
  if (f && f.offsetParent !== null) { f.focus(); return; }
  var s = document.getElementById("error-summary");
  s.setAttribute("tabindex", "-1");
  s.focus();
}
if (document.readyState !== "loading") { focusFirstError(); } else { document.addEventListener("DOMContentLoaded", focusFirstError); }

// A field checked on leaving it (partials/field-checked.html) is marked
// invalid or valid by the server's answer.
document.addEventListener("htmx:afterSwap", function (e) {
  var t = e.detail && e.detail.target;
  if (!t || !t.classList || !t.classList.contains("check-result")) { return; }
  var field = t.closest(".field"), input = field && field.querySelector("input");
  var bad = !!t.querySelector(".error");
  if (field) { field.classList.toggle("invalid", bad); }
  if (input) { if (bad) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); } }
});

// The licence page's typeahead (partials/seat-typeahead.html): a found
// person fills the e-mail field; arrows move between input and list.
document.addEventListener("click", function (e) {
  var b = e.target.closest && e.target.closest(".typeahead .seat-pick");
  if (!b) { return; }
  var box = b.closest(".typeahead"), input = box.querySelector("input");
  input.value = b.getAttribute("data-email");
  box.querySelector(".typeahead-list").textContent = "";
  input.focus();
});
document.addEventListener("keydown", function (e) {
  var box = e.target.closest && e.target.closest(".typeahead");
  if (!box) { return; }
  var items = Array.prototype.slice.call(box.querySelectorAll(".seat-pick")), i = items.indexOf(document.activeElement);
  if (e.key === "ArrowDown" && items.length) { e.preventDefault(); items[Math.min(i + 1, items.length - 1)].focus(); }
  if (e.key === "ArrowUp" && i >= 0) { e.preventDefault(); if (i === 0) { box.querySelector("input").focus(); } else { items[i - 1].focus(); } }
  if (e.key === "Escape") { box.querySelector(".typeahead-list").textContent = ""; box.querySelector("input").focus(); }
});

// A live count of ticked boxes (the role wizard's "3 users picked"): the
// page carries the sentence in each plural form, with the number in it,
// which is replaced by the count of ticked and carried-over ids.
document.addEventListener("change", function (e) {
  if (!e.target.name) { return; }
  var form = e.target.form;
  var p = form && form.querySelector('[data-count-of="' + e.target.name + '"]');
  if (!p) { return; }
  var n = form.querySelectorAll('input[type=checkbox][name="' + e.target.name + '"]:checked').length +
    form.querySelectorAll('input[type=hidden][name="' + e.target.name + '"]').length;
  var k = new Intl.PluralRules(document.documentElement.lang || "en").select(n);
  var text = p.getAttribute("data-count-" + k) || p.getAttribute("data-count-other");
  p.textContent = text.replace(/\d+/, String(n));
});
