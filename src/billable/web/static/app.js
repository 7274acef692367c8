// Billable's own script. Every page works without it; this only enhances.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // A "select all" check box checks every box of its table's selection.
  for (const all of document.querySelectorAll("input[data-select-all]")) {
    all.addEventListener("change", () => {
      const table = all.closest("table");
      for (const box of table.querySelectorAll("tbody input[type=checkbox]")) box.checked = all.checked;
    });
  }
  // A link that opens a dialog: without script the link loads the page with it open.
  for (const link of document.querySelectorAll("a[data-open-dialog]")) {
    const dialog = document.getElementById(link.dataset.openDialog);
    if (!dialog || !dialog.showModal) continue;
    link.addEventListener("click", (event) => { event.preventDefault(); dialog.showModal(); });
  }
  for (const close of document.querySelectorAll("[data-close-dialog]")) {
    close.addEventListener("click", (event) => {
      const dialog = close.closest("dialog");
      if (dialog && dialog.open && dialog.close) { event.preventDefault(); dialog.close(); }
    });
  }
});
