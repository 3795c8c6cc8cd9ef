/* Practice finder: filter controls over the generated table of practices, with the filters kept in
   the address (?country=DK&phase=post-release) and a link to compare 2 to 4 selected practices.
   Without this script the full table still shows; the script only hides rows and adds controls. */
(function () {
  "use strict";

  var FACETS = [
    { key: "country", label: "Country", values: function (p) { return p.countries.map(function (c) { return [c.code, c.name]; }); } },
    { key: "phase", label: "Phase of custody", values: function (p) { return p.phases.map(coded); } },
    { key: "topic", label: "Topic", values: function (p) { return p.topics.map(function (t) { return [t.id, t.title]; }); } },
    { key: "challenge", label: "Challenge", values: function (p) { return p.challenges.map(function (c) { return [c.id, c.title]; }); } },
    { key: "lead_actor", label: "Lead actor", values: function (p) { return p.lead_actor ? [coded(p.lead_actor)] : []; } },
    { key: "status", label: "Status", values: function (p) { return p.status ? [coded(p.status)] : []; } },
    { key: "evidence", label: "Evidence", values: function (p) { return p.evidence ? [coded(p.evidence)] : []; } },
    { key: "design", label: "Design of evaluation studies", values: function (p) { return (p.designs || []).map(coded); } }
  ];
  var MIN_COMPARE = 2, MAX_COMPARE = 4;

  function coded(v) { return [v.code, v.label]; }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function siteBase() {
    var config = document.getElementById("__config");
    try { return new URL(JSON.parse(config.textContent).base + "/", location.href); } catch (e) { return new URL("../", location.href); }
  }

  function practiceId(row) {
    var a = row.querySelector("td a[href]");
    var m = a && a.pathname.match(/\/practices\/([^/]+?)(?:\/(?:index\.html)?|\.html)?$/);
    return m ? decodeURIComponent(m[1]) : null;
  }

  function init(box, table, practices) {
    var byId = {};
    practices.forEach(function (p) {
      p.facets = {};
      FACETS.forEach(function (f) { p.facets[f.key] = f.values(p).map(function (v) { return v[0]; }); });
      p.words = (p.title + " " + p.summary).toLowerCase();
      byId[p.id] = p;
    });
    var rows = [];
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var p = byId[practiceId(row)];
      if (p) rows.push({ row: row, practice: p });
    });

    var form = el("form", { class: "reskb-finder__form", "aria-describedby": "reskb-finder-shown" });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    var controls = {};
    var words = el("input", { type: "search", id: "reskb-finder-q", name: "q", autocomplete: "off" });
    var wordsField = el("div", { class: "reskb-finder__field reskb-finder__field--words" });
    wordsField.append(el("label", { for: "reskb-finder-q" }, "Words in title or summary"), words);
    form.append(wordsField);
    FACETS.forEach(function (f) {
      var options = {};
      practices.forEach(function (p) { f.values(p).forEach(function (v) { options[v[0]] = v[1]; }); });
      var select = el("select", { id: "reskb-finder-" + f.key, name: f.key });
      select.append(el("option", { value: "" }, "Any"));
      Object.keys(options).sort(function (a, b) { return options[a].localeCompare(options[b]); }).forEach(function (code) {
        var option = el("option", { value: code }, options[code]);
        option.dataset.label = options[code];
        select.append(option);
      });
      var field = el("div", { class: "reskb-finder__field" });
      field.append(el("label", { for: select.id }, f.label), select);
      form.append(field);
      controls[f.key] = select;
    });
    var clear = el("button", { type: "button", class: "md-button reskb-finder__clear" }, "Clear filters");
    form.append(clear);

    var status = el("p", { id: "reskb-finder-shown", class: "reskb-finder__status", role: "status", "aria-live": "polite" });
    var compare = el("p", { class: "reskb-finder__compare" });
    var compareLink = el("a", { class: "md-button md-button--primary", id: "reskb-finder-compare" }, "Compare selected");
    var compareNote = el("span", { class: "reskb-finder__note", id: "reskb-finder-compare-note" });
    compare.append(compareLink, " ", compareNote);
    box.append(form, status, compare);

    // a first column of checkboxes to select practices for comparison
    var head = table.tHead.rows[0];
    var th = el("th", { scope: "col" }, "Compare");
    head.insertBefore(th, head.firstChild);
    var selected = [];
    rows.forEach(function (r) {
      var td = el("td", { class: "reskb-finder__select" });
      var box = el("input", { type: "checkbox", value: r.practice.id, "aria-label": "Compare " + r.practice.title });
      box.addEventListener("change", function () {
        if (box.checked) selected.push(r.practice.id);
        else selected = selected.filter(function (id) { return id !== r.practice.id; });
        updateCompare();
      });
      r.checkbox = box;
      td.append(box);
      r.row.insertBefore(td, r.row.firstChild);
    });
    var compareBase = new URL("compare/", siteBase());

    function updateCompare() {
      var ok = selected.length >= MIN_COMPARE && selected.length <= MAX_COMPARE;
      if (ok) {
        compareLink.href = compareBase.pathname + "?p=" + selected.map(encodeURIComponent).join(",");
        compareLink.removeAttribute("aria-disabled");
      } else {
        compareLink.removeAttribute("href");
        compareLink.setAttribute("aria-disabled", "true");
      }
      compareLink.textContent = "Compare selected (" + selected.length + ")";
      compareNote.textContent = selected.length > MAX_COMPARE ? "Select at most " + MAX_COMPARE + " practices."
        : ok ? "" : "Select " + MIN_COMPARE + " to " + MAX_COMPARE + " practices.";
    }

    function current() {
      var chosen = { q: words.value.trim().toLowerCase() };
      FACETS.forEach(function (f) { chosen[f.key] = controls[f.key].value; });
      return chosen;
    }

    function matches(p, chosen, except) {
      if (chosen.q && chosen.q.split(/\s+/).some(function (w) { return p.words.indexOf(w) < 0; })) return false;
      return FACETS.every(function (f) {
        return f.key === except || !chosen[f.key] || p.facets[f.key].indexOf(chosen[f.key]) >= 0;
      });
    }

    function apply(updateAddress) {
      var chosen = current();
      var shown = 0;
      rows.forEach(function (r) {
        var show = matches(r.practice, chosen);
        r.row.hidden = !show;
        if (show) shown += 1;
      });
      // each option says how many practices it would leave, given the other filters (one pass per filter)
      FACETS.forEach(function (f) {
        var counts = {};
        practices.forEach(function (p) {
          if (matches(p, chosen, f.key)) p.facets[f.key].forEach(function (v) { counts[v] = (counts[v] || 0) + 1; });
        });
        Array.prototype.forEach.call(controls[f.key].options, function (option) {
          if (option.value) option.textContent = option.dataset.label + " (" + (counts[option.value] || 0) + ")";
        });
      });
      status.textContent = shown === rows.length ? "Showing all " + rows.length + " practices."
        : "Showing " + shown + " of " + rows.length + " practices.";
      if (updateAddress) {
        var params = new URLSearchParams();
        if (words.value.trim()) params.set("q", words.value.trim());
        FACETS.forEach(function (f) { if (chosen[f.key]) params.set(f.key, chosen[f.key]); });
        var query = params.toString();
        history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
      }
    }

    // filters from the address: a shared link reproduces the filtered view
    var params = new URLSearchParams(location.search);
    words.value = params.get("q") || "";
    FACETS.forEach(function (f) {
      var value = params.get(f.key);
      if (value && Array.prototype.some.call(controls[f.key].options, function (o) { return o.value === value; })) {
        controls[f.key].value = value;
      }
    });
    form.addEventListener("change", function (e) { if (e.target.type !== "checkbox") apply(true); });
    words.addEventListener("input", function () { apply(true); });
    clear.addEventListener("click", function () {
      words.value = "";
      FACETS.forEach(function (f) { controls[f.key].value = ""; });
      apply(true);
      words.focus();
    });
    apply(false);
    updateCompare();
    box.classList.add("reskb-finder--ready");
  }

  function start() {
    var box = document.getElementById("reskb-finder");
    var data = document.getElementById("reskb-finder-data");
    var article = box && box.closest("article, .md-content") || document;
    var table = box && Array.prototype.find.call(article.querySelectorAll("table"), function (t) {
      return box.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING;
    });
    if (!box || !data || !table || !table.tHead || !table.tBodies.length) return;
    fetch(data.href).then(function (response) {
      if (!response.ok) throw new Error(response.status + " " + response.statusText);
      return response.json();
    }).then(function (practices) { init(box, table, practices); }).catch(function (error) {
      box.append(el("p", { class: "reskb-finder__status" }, "The filters could not be loaded (" + error.message + "); the full list is below."));
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
