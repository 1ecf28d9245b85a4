// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Confirm dangerous actions declared with data-confirm (no inline script: the CSP forbids it).
  document.body.addEventListener("submit", function (ev) {
    var msg = ev.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) ev.preventDefault();
  });
  // Auto-submit filter selects.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.requestSubmit(); });
  });
  // People picker: Enter searches instead of submitting the form around it; arrow down moves to the results.
  document.body.addEventListener("keydown", function (ev) {
    var el = ev.target;
    if (!el.hasAttribute || !el.hasAttribute("data-picker-q")) return;
    if (ev.key === "Enter") {
      ev.preventDefault();
      if (window.htmx) window.htmx.trigger(el, "search");
    } else if (ev.key === "ArrowDown") {
      var results = document.getElementById(el.getAttribute("aria-controls"));
      var first = results && results.querySelector("input[type=radio]");
      if (first) { ev.preventDefault(); first.focus(); }
    }
  });
});
