/* Site-wide touches of the portal (added by the reskb plugin):
   - card rows on narrow screens: each cell of a wide table gets its column's name (data-label), which
     portal.css shows before the value when the table turns into cards;
   - the date a page was printed, for the print stylesheet's footer line. */
(function () {
  "use strict";

  function labelTable(table) {
    var head = table.tHead && table.tHead.rows[0];
    if (!head || head.cells.length < 4 || table.closest(".reskb-comparison, .reskb-matrix, .reskb-compare")) return;
    var names = Array.prototype.map.call(head.cells, function (th) { return th.textContent.trim(); });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, i) {
          if (names[i]) cell.setAttribute("data-label", names[i]);
        });
      });
    });
    table.setAttribute("data-reskb-cards", "");  // not a class: Material styles only tables without one
  }

  function labelTables(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll(".md-content table"), labelTable);
  }
  window.reskbLabelTables = labelTables;

  function start() {
    labelTables(document);
    var stamp = document.createElement("p");
    stamp.className = "reskb-printed";
    stamp.textContent = "Printed on " + new Date().toISOString().slice(0, 10) + " from " + location.href.split("#")[0];
    var article = document.querySelector(".md-content article");
    if (article) article.append(stamp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
