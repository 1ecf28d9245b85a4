// The drivers' sheets print from a button (no inline handler: the pages' CSP allows only scripts of this site).
document.addEventListener("click", function (e) {
  if (e.target.closest("[data-print]")) window.print();
});
