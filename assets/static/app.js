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
