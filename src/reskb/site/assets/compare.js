/* The compare page (/compare/): pick two to four practices and see them side by side, with the rows
   where they differ marked. The choice lives in the address (?p=id1,id2,...) so that it can be shared.
   Data come from data/compare.json, generated with the site. Every text is set with textContent:
   nothing from the data is ever parsed as HTML. Only the compare page loads this file. */
(function () {
  "use strict";
  var script = document.currentScript;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function chosenFromAddress() {
    var raw = new URLSearchParams(window.location.search).get("p") || "";
    var ids = raw.split(",").map(function (id) { return id.trim(); }).filter(Boolean);
    return ids.filter(function (id, i) { return ids.indexOf(id) === i; });
  }

  function start() {
    var root = document.getElementById("reskb-compare");
    if (!root || !script) return;
    var siteRoot = new URL("../../", script.src);  // this file is assets/reskb/compare.js
    var status = el("p", { "class": "reskb-compare__status", role: "status" }, "Loading the practices…");
    root.appendChild(status);
    var data = window.reskbCompareData;  // data/compare.js: the same data as a script, which loads from file:// too
    if (data && !data.practices) {  // a large catalogue (compare_shards.py): pickers search, data come in files
      if (!window.reskbCompareSearch) { status.textContent = "The search for practices did not load."; return; }
      var search = window.reskbCompareSearch(el);  // compare-search.js, loaded by this page only
      Object.keys(search).forEach(function (name) { Comparison.prototype[name] = search[name]; });
      var large = new Comparison(root, data, siteRoot);
      large.resolve(chosenFromAddress()).then(function () { status.remove(); large.render(); }, function (error) {
        status.textContent = "The practices could not be loaded (" + error.message + "). Use the comparison tables below instead.";
      });
      return;
    }
    if (data) {
      status.remove();
      new Comparison(root, data, siteRoot).render();
      return;
    }
    fetch(new URL("data/compare.json", siteRoot))
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) { status.remove(); new Comparison(root, data, siteRoot).render(); })
      .catch(function (error) {
        status.textContent = "The list of practices could not be loaded (" + error.message +
          "). Use the comparison tables below instead.";
      });
  }

  function Comparison(root, data, siteRoot) {
    this.root = root;
    this.data = data;
    this.siteRoot = siteRoot;
    this.byId = Object.create(null);  // no inherited names: an address may say ?p=constructor
    this.large = !data.practices;
    (data.practices || []).forEach(function (p) { p.url = p.url || "practices/" + p.id + "/"; this.byId[p.id] = p; }, this);
    this.choose(chosenFromAddress());
    var note = document.getElementById("reskb-compare-nojs");
    if (note) note.style.display = "none";  // not `hidden`: the admonition style would show it again
  }

  // the practices named in the address: those in the catalogue (at most data.max), and the others
  Comparison.prototype.choose = function (requested) {
    this.unknown = requested.filter(function (id) { return !this.byId[id]; }, this);
    var known = requested.filter(function (id) { return this.byId[id]; }, this);
    this.dropped = known.slice(this.data.max);
    this.chosen = known.slice(0, this.data.max);
    this.onlyDifferences = !!this.onlyDifferences;
  };

  Comparison.prototype.setChosen = function (ids, fromPicker) {
    this.chosen = ids.filter(function (id, i) { return id && ids.indexOf(id) === i; }).slice(0, this.data.max);
    this.unknown = [];
    this.dropped = [];
    var url = new URL(window.location.href);
    if (this.chosen.length) url.search = "?p=" + this.chosen.map(encodeURIComponent).join(",");
    else url.search = "";
    window.history.replaceState(null, "", url.href);
    this.render(fromPicker);
  };

  // A change in a list keeps the lists as they are (rebuilding them under a keyboard user's arrow keys
  // would lose their place); they are rebuilt only to add a slot, to clear, or on the first render.
  Comparison.prototype.render = function (keepPicker) {
    var focused = document.activeElement && document.activeElement.id;
    var slots = Math.min(this.data.max, Math.max(2, this.chosen.length + 1));
    if (!keepPicker || !this.form || this.form.querySelectorAll(".reskb-compare__slots > div").length < slots) this.form = this.picker();
    var share = this.form.querySelector(".reskb-compare__share");
    share.href = window.location.href;
    share.hidden = this.chosen.length < 2;
    this.root.replaceChildren(this.form, this.messages(), this.table());
    if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
  };

  Comparison.prototype.picker = function () {
    var self = this;
    var form = el("form", { "class": "reskb-compare__picker" });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    var fieldset = el("fieldset");
    var words = ["zero", "one", "two", "three", "four", "five", "six"];
    fieldset.appendChild(el("legend", {}, "Choose two to " + (words[this.data.max] || this.data.max) + " practices"));
    var slots = el("div", { "class": "reskb-compare__slots" });
    var count = Math.min(this.data.max, Math.max(2, this.chosen.length + 1));
    for (var i = 0; i < count; i++) {
      var id = "reskb-compare-slot-" + (i + 1);
      var wrap = el("div");
      wrap.appendChild(el("label", { "for": id }, "Practice " + (i + 1) + (i >= 2 ? " (optional)" : "")));
      if (this.large) {
        wrap.appendChild(this.searchBox(i, id));
        slots.appendChild(wrap);
        continue;
      }
      var select = el("select", { id: id });
      select.appendChild(el("option", { value: "" }, "— none —"));
      this.data.practices.forEach(function (p) {
        // the countries only where the title does not already name one of them
        var named = p.countries.some(function (c) { return p.title.indexOf(c) >= 0; });
        var option = el("option", { value: p.id }, named ? p.title : p.title + " (" + p.countries.join(", ") + ")");
        if (self.chosen[i] === p.id) { option.selected = true; select.title = option.textContent; }
        select.appendChild(option);
      });
      select.addEventListener("change", function () {
        var ids = Array.prototype.map.call(fieldset.querySelectorAll("select"), function (s) { return s.value; });
        self.setChosen(ids, true);
      });
      wrap.appendChild(select);
      slots.appendChild(wrap);
    }
    fieldset.appendChild(slots);
    var actions = el("div", { "class": "reskb-compare__actions" });
    var toggleLabel = el("label");
    var toggle = el("input", { type: "checkbox", id: "reskb-compare-differences" });
    toggle.checked = this.onlyDifferences;
    toggle.addEventListener("change", function () { self.onlyDifferences = toggle.checked; self.render(true); });
    toggleLabel.append(toggle, " Show only rows that differ");
    actions.appendChild(toggleLabel);
    var clear = el("button", { type: "button", id: "reskb-compare-clear" }, "Clear the choice");
    clear.addEventListener("click", function () { self.setChosen([]); });
    actions.appendChild(clear);
    actions.appendChild(el("a", { href: window.location.href, "class": "reskb-compare__share" }, "Link to this comparison"));
    fieldset.appendChild(actions);
    form.appendChild(fieldset);
    return form;
  };

  Comparison.prototype.messages = function () {
    var box = el("div", { role: "status" });
    if (this.unknown.length) {
      box.appendChild(el("p", { "class": "reskb-compare__problem" },
        "No practice with the id " + this.unknown.map(function (id) { return "“" + id + "”"; }).join(", ") +
        " is in the catalogue; it may have been renamed. Choose it again from the lists."));
    }
    if (this.dropped.length) {
      box.appendChild(el("p", { "class": "reskb-compare__problem" },
        "At most " + this.data.max + " practices fit side by side; left out: " + this.dropped.join(", ") + "."));
    }
    if (this.chosen.length < 2) {
      box.appendChild(el("p", {}, this.chosen.length ? "Choose one more practice to compare it with."
        : "Choose at least two practices above to see them side by side."));
    }
    return box;
  };

  Comparison.prototype.table = function () {
    var wrap = el("div", { "class": "reskb-comparison", id: "reskb-compare-result" });
    if (this.chosen.length < 2) return wrap;
    var practices = this.chosen.map(function (id) { return this.byId[id]; }, this);
    var table = el("table");
    var different = 0, silent = [], none = this.data.not_recorded;
    var rows = this.data.fields.map(function (field) {
      var values = practices.map(function (p) { return p.values[field.key]; });
      var differs = values.some(function (v) { return v !== values[0]; });
      return { field: field, values: values, differs: differs };
    }).filter(function (row) {
      // rows that no chosen practice has are left out, and said once under the table
      if (none && row.values.every(function (v) { return v === none; })) { silent.push(row.field.label.toLowerCase()); return false; }
      if (row.differs) different++;
      return true;
    });
    table.appendChild(el("caption", {}, "Comparing " + practices.length + " practices: " + different + " of " +
      rows.length + " rows differ" + (this.onlyDifferences ? " (rows that are the same are hidden)" : "")));
    var head = el("tr");
    head.appendChild(el("th", { scope: "col" }, "Field"));
    practices.forEach(function (p) {
      var th = el("th", { scope: "col" });
      // from file:// (the offline edition) pages are files: practices/x.html rather than the folder practices/x/
      var url = location.protocol === "file:" ? p.url.replace(/\/$/, ".html") : p.url;
      th.appendChild(el("a", { href: new URL(url, this.siteRoot).href }, p.title));
      th.appendChild(el("div", { "class": "reskb-same" }, p.countries.join(", ")));
      head.appendChild(th);
    }, this);
    table.appendChild(el("thead")).appendChild(head);
    var body = el("tbody");
    rows.forEach(function (row) {
      var tr = el("tr", { "data-field": row.field.key });
      var th = el("th", { scope: "row" }, row.field.label);
      if (row.differs) {
        tr.className = "reskb-differs";
        th.appendChild(el("span", { "class": "reskb-badge" }, "differs"));
      } else {
        tr.className = "reskb-same-row";
        th.appendChild(el("span", { "class": "reskb-same" }, " (same)"));
        tr.hidden = this.onlyDifferences;
      }
      tr.appendChild(th);
      row.values.forEach(function (value, i) { tr.appendChild(el("td", { "data-label": practices[i].title }, value)); });
      body.appendChild(tr);
    }, this);
    table.appendChild(body);
    wrap.appendChild(table);
    if (silent.length) wrap.appendChild(el("p", { "class": "reskb-silent" }, "The sources are silent on " + silent.join(", ") + " for these practices."));
    return wrap;
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
