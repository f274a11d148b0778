// kadra's only script: a confirmation before destructive forms and links
// (data-confirm), kept out of the HTML so the CSP can forbid inline script.
document.addEventListener("submit", function (e) {
  // The button that submitted may carry its own question (row menus inside
  // a bulk form); otherwise the form's.
  var by = e.submitter, form = e.target;
  var msg = (by && by.getAttribute("data-confirm")) || (form.getAttribute && form.getAttribute("data-confirm"));
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
}, true);
document.addEventListener("click", function (e) {
  var a = e.target.closest && e.target.closest("a[data-confirm]");
  if (a && !window.confirm(a.getAttribute("data-confirm"))) { e.preventDefault(); }
}, true);
