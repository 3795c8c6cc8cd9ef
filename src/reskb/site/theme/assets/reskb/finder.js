/* Practice finder: filter controls over the generated table of practices, with the filters kept in
   the address (?country=DE,NL&phase=post-release&words=weekly; not "q", which opens Material's site search) and a link to compare 2 to 4 selected practices.
   Several values of one filter match any of them; different filters must all match. The word box searches
   the full text of each practice (its words come with the data, window.reskbFinderData from data/finder.js,
   which also loads from file:// in the offline edition). Without this script the full table still shows,
   under a notice that filters need JavaScript.
   A large catalogue's finder (class reskb-finder--sharded, see finder_shards.py) lists its first rows only and
   reads data/finder/table.js (every practice's filter values); the rows on screen and the words typed come from
   small files of data/finder/ loaded as they are needed. It lists the matches a page at a time. */
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
  var WIDE = window.matchMedia ? window.matchMedia("(min-width: 45em)") : { matches: true };

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

  function splitWords(text) {
    return text.toLowerCase().split(/[^\p{L}\p{N}'’-]+/u).filter(Boolean);
  }

  function init(box, table, practices, source) {
    var byId = {};
    practices.forEach(function (p) {
      p.facets = {};
      FACETS.forEach(function (f) { p.facets[f.key] = f.values(p).map(function (v) { return v[0]; }); });
      if (!source) p.index = " " + (p.words || (p.title + " " + p.summary).toLowerCase()) + " ";
      byId[p.id] = p;
    });
    var rows = [];
    if (!source) {
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var p = byId[practiceId(row)];
        if (p) rows.push({ row: row, practice: p });
      });
    }

    // the filters: on narrow screens folded under "Filters (n)", open on wide ones
    var panel = el("details", { class: "reskb-finder__panel" });
    if (WIDE.matches) panel.open = true;
    var summary = el("summary", { class: "reskb-finder__summary" }, "Filters");
    panel.append(summary);
    var form = el("form", { class: "reskb-finder__form", "aria-describedby": "reskb-finder-shown" });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    var words = el("input", { type: "search", id: "reskb-finder-q", name: "words", autocomplete: "off" });
    var wordsField = el("div", { class: "reskb-finder__field reskb-finder__field--words" });
    wordsField.append(el("label", { for: "reskb-finder-q" }, "Words in the full text"), words);
    form.append(wordsField);
    var controls = {};
    FACETS.forEach(function (f) {
      var options = {};
      practices.forEach(function (p) { f.values(p).forEach(function (v) { options[v[0]] = v[1]; }); });
      var group = el("details", { class: "reskb-finder__facet", id: "reskb-finder-" + f.key });
      var head = el("summary", {}, f.label);
      var chosenNote = el("span", { class: "reskb-finder__chosen" });
      head.append(chosenNote);
      var fieldset = el("fieldset", {});
      fieldset.append(el("legend", { class: "reskb-visually-hidden" }, f.label));
      var boxes = [];
      Object.keys(options).sort(function (a, b) { return options[a].localeCompare(options[b]); }).forEach(function (code) {
        var id = "reskb-finder-" + f.key + "-" + code.replace(/[^A-Za-z0-9_-]/g, "_");
        var input = el("input", { type: "checkbox", id: id, name: f.key, value: code });
        var text = el("span", {}, options[code]);
        var count = el("span", { class: "reskb-finder__count" });
        var lab = el("label", { for: id, class: "reskb-finder__option" });
        lab.append(input, " ", text, " ", count);
        fieldset.append(lab);
        boxes.push({ input: input, count: count, label: lab, name: options[code] });
      });
      group.append(head, fieldset);
      form.append(group);
      controls[f.key] = { group: group, boxes: boxes, note: chosenNote, label: f.label };
    });
    var clear = el("button", { type: "button", class: "md-button reskb-finder__clear" }, "Clear filters");
    form.append(clear);
    panel.append(form);

    var status = el("p", { id: "reskb-finder-shown", class: "reskb-finder__status", role: "status", "aria-live": "polite" });
    var empty = el("div", { class: "admonition info reskb-finder__empty", role: "status" });
    // built once: rebuilding it under a click (the word box's change event fires first) would swallow the click
    empty.append(el("p", { class: "admonition-title" }, "No practice matches all these filters"));
    var hint = el("p", {}, "Remove a filter or a word, or ");
    var reset = el("button", { type: "button", class: "md-button" }, "clear all filters");
    reset.addEventListener("click", function () { clearAll(); });
    hint.append(reset, ". Several values of one filter show practices with any of them.");
    empty.append(hint);
    var compare = el("p", { class: "reskb-finder__compare" });
    var compareLink = el("a", { class: "md-button md-button--primary", id: "reskb-finder-compare" }, "Compare selected");
    var compareNote = el("span", { class: "reskb-finder__note", id: "reskb-finder-compare-note" });
    compare.append(compareLink, " ", compareNote);
    box.append(panel, status, empty, compare);

    // a first column of checkboxes to select practices for comparison
    var headRow = table.tHead.rows[0];
    headRow.insertBefore(el("th", { scope: "col" }, "Compare"), headRow.firstChild);
    var selected = [];
    function selectCell(id, title) {
      var td = el("td", { class: "reskb-finder__select" });
      var check = el("input", { type: "checkbox", value: id, "aria-label": "Compare " + title });
      check.checked = selected.indexOf(id) >= 0;
      check.addEventListener("change", function () {
        if (check.checked) selected.push(id);
        else selected = selected.filter(function (other) { return other !== id; });
        updateCompare();
      });
      td.append(check);
      return td;
    }
    rows.forEach(function (r) { r.row.insertBefore(selectCell(r.practice.id, r.practice.title), r.row.firstChild); });
    // a large catalogue: the matches are listed a page at a time, their rows built from data/finder/
    var listed = source ? source.page : 0, listing = 0, more = null, moreNote = null;
    if (source) {
      more = el("p", { class: "reskb-finder__more" });
      moreNote = el("span", { id: "reskb-finder-listed" });
      var moreButton = el("button", { type: "button", class: "md-button", id: "reskb-finder-more" }, "Show more");
      moreButton.addEventListener("click", function () { listed += source.page; render(); });
      more.append(moreNote, " ", moreButton);
      table.parentNode.insertBefore(more, table.nextSibling);
    }
    if (window.reskbLabelTables) window.reskbLabelTables(table.parentNode);
    var compareBase = new URL(location.protocol === "file:" ? "compare/index.html" : "compare/", siteBase());

    function updateCompare() {
      var ok = selected.length >= MIN_COMPARE && selected.length <= MAX_COMPARE;
      if (ok) {
        compareLink.href = (location.protocol === "file:" ? compareBase.href.split("?")[0] : compareBase.pathname) + "?p=" + selected.map(encodeURIComponent).join(",");
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
      var chosen = { q: splitWords(words.value) };
      FACETS.forEach(function (f) {
        chosen[f.key] = controls[f.key].boxes.filter(function (b) { return b.input.checked; }).map(function (b) { return b.input.value; });
      });
      return chosen;
    }

    function matches(p, chosen, except) {
      if (source ? chosen.hits.some(function (hit) { return !hit.has(p.i); })
        : chosen.q.some(function (w) { return p.index.indexOf(" " + w) < 0; })) return false;
      return FACETS.every(function (f) {
        var want = chosen[f.key];
        return f.key === except || !want.length || want.some(function (v) { return p.facets[f.key].indexOf(v) >= 0; });
      });
    }

    var applying = 0, matched = [];
    function apply(updateAddress) {
      var chosen = current();
      if (!source) { show(chosen, updateAddress); return; }
      var mine = ++applying;
      source.words(chosen.q).then(function (hits) {
        if (mine !== applying) return;  // a later change is on its way
        chosen.hits = hits;
        listed = source.page;
        show(chosen, updateAddress);
      }, failed);
    }

    function failed(error) {
      status.textContent = "The practices could not be loaded (" + error.message + ").";
    }

    function render() {
      var page = matched.slice(0, listed), mine = ++listing;
      source.rows(page.map(function (p) { return p.i; })).then(function (data) {
        if (mine !== listing) return;
        var body = el("tbody", {});
        page.forEach(function (p, n) { body.append(source.row(p, data[n], selectCell)); });
        table.replaceChild(body, table.tBodies[0]);
        if (window.reskbLabelTables) window.reskbLabelTables(table.parentNode);
        moreNote.textContent = matched.length ? "Listed: 1–" + page.length + " of " + matched.length + "." : "";
        more.style.display = matched.length ? "" : "none";
        more.lastChild.style.display = page.length >= matched.length ? "none" : "";  // not `hidden`: .md-button shows it
      }, failed);
    }

    function show(chosen, updateAddress) {
      var shown = 0;
      if (source) {
        matched = practices.filter(function (p) { return matches(p, chosen); });
        shown = matched.length;
        render();
      }
      rows.forEach(function (r) {
        var visible = matches(r.practice, chosen);
        r.row.hidden = !visible;
        if (visible) shown += 1;
      });
      // each value says how many practices it would show, given the other filters; values that would show
      // none cannot be chosen (a chosen one stays, so that it can be unticked)
      var active = chosen.q.length ? 1 : 0;
      FACETS.forEach(function (f) {
        var counts = Object.create(null);
        practices.forEach(function (p) {
          if (matches(p, chosen, f.key)) p.facets[f.key].forEach(function (v) { counts[v] = (counts[v] || 0) + 1; });
        });
        var c = controls[f.key], picked = 0;
        c.boxes.forEach(function (b) {
          var n = counts[b.input.value] || 0;
          b.count.textContent = "(" + n + ")";
          b.input.disabled = n === 0 && !b.input.checked;
          b.label.classList.toggle("reskb-finder__option--none", b.input.disabled);
          if (b.input.checked) picked += 1;
        });
        c.note.textContent = picked ? " (" + picked + ")" : "";
        if (picked) active += 1;
      });
      summary.textContent = active ? "Filters (" + active + ")" : "Filters";
      var total = source ? practices.length : rows.length;
      status.textContent = shown === total ? "Showing all " + total + " practices."
        : "Showing " + shown + " of " + total + " practices.";
      empty.style.display = shown ? "none" : "";  // not `hidden`: the admonition style would show it again
      table.style.display = shown ? "" : "none";
      if (updateAddress) {
        var params = new URLSearchParams();
        if (words.value.trim()) params.set("words", words.value.trim());
        FACETS.forEach(function (f) { if (chosen[f.key].length) params.set(f.key, chosen[f.key].join(",")); });
        var query = params.toString().replace(/%2C/g, ",");
        history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
      }
    }

    function clearAll() {
      words.value = "";
      FACETS.forEach(function (f) { controls[f.key].boxes.forEach(function (b) { b.input.checked = false; }); });
      apply(true);
      words.focus();
    }

    // filters from the address: a shared link reproduces the filtered view (repeated or comma-separated values)
    var params = new URLSearchParams(location.search);
    words.value = params.get("words") || "";
    FACETS.forEach(function (f) {
      var wanted = [];
      params.getAll(f.key).forEach(function (v) { wanted = wanted.concat(v.split(",")); });
      controls[f.key].boxes.forEach(function (b) { if (wanted.indexOf(b.input.value) >= 0) b.input.checked = true; });
      if (wanted.length) controls[f.key].group.open = true;
    });
    form.addEventListener("change", function () { apply(true); });
    words.addEventListener("input", function () { apply(true); });
    clear.addEventListener("click", clearAll);
    apply(false);
    updateCompare();
    box.classList.add("reskb-finder--ready");
  }

  // --- a large catalogue: data/finder/ (finder_shards.py) --------------------------------------------------

  var shards = {};
  // each file of data/finder/ is a script that hands its data to this function (scripts load from file:// too)
  window.reskbFinderShard = function (name, data) { if (shards[name]) shards[name].resolve(data); };

  function loadShard(name) {
    if (!shards[name]) {
      var waiting = {};
      waiting.promise = new Promise(function (resolve, reject) { waiting.resolve = resolve; waiting.reject = reject; });
      shards[name] = waiting;
      var script = el("script", { src: new URL("data/finder/" + name + ".js", siteBase()).href });
      script.addEventListener("error", function () { delete shards[name]; waiting.reject(new Error(name + ".js did not load")); });
      document.head.append(script);
    }
    return shards[name].promise;
  }

  // a word's file key: its first two letters, or their code points when they are not a-z/0-9 (word_key in Python)
  function keyOf(start) {
    return /^[a-z0-9]{1,2}$/.test(start) ? start
      : "u" + Array.from(start).map(function (c) { return c.codePointAt(0).toString(16); }).join("-");
  }

  function firstLetterOf(key) {
    return key.length <= 2 ? key.charAt(0) : String.fromCodePoint(parseInt(key.slice(1).split("-")[0], 16));
  }

  function numbers(gaps) {
    var last = 0;
    return gaps.split(",").map(function (gap) { last += parseInt(gap, 36); return last; });
  }

  function sharded(box, table) {
    loadShard("table").then(function (data) {
      var practices = [];
      for (var i = 0; i < data.count; i += 1) {
        var p = { i: i };
        FACETS.forEach(function (f) {
          var values = data.facets[f.key][i].map(function (n) { return data.values[f.key][n]; });
          p[f.key] = values;
        });
        practices.push({
          i: i,
          countries: p.country.map(function (v) { return { code: v[0], name: v[1] }; }),
          phases: p.phase.map(function (v) { return { code: v[0], label: v[1] }; }),
          topics: p.topic.map(function (v) { return { id: v[0], title: v[1] }; }),
          challenges: p.challenge.map(function (v) { return { id: v[0], title: v[1] }; }),
          lead_actor: p.lead_actor.length ? { code: p.lead_actor[0][0], label: p.lead_actor[0][1] } : null,
          status: p.status.length ? { code: p.status[0][0], label: p.status[0][1] } : null,
          evidence: p.evidence.length ? { code: p.evidence[0][0], label: p.evidence[0][1] } : null,
          designs: p.design.map(function (v) { return { code: v[0], label: v[1] }; })
        });
      }
      var keys = data.words, found = {};
      function hits(word) {
        if (!found[word]) {
          var letters = Array.from(word);
          var wanted = letters.length > 1 ? [keyOf(letters.slice(0, 2).join(""))].filter(function (k) { return keys.indexOf(k) >= 0; })
            : keys.filter(function (k) { return firstLetterOf(k) === word; });
          found[word] = Promise.all(wanted.map(function (k) { return loadShard("words-" + k); })).then(function (files) {
            var set = new Set();
            files.forEach(function (file) {
              Object.keys(file).forEach(function (w) { if (w.indexOf(word) === 0) numbers(file[w]).forEach(function (n) { set.add(n); }); });
            });
            return set;
          });
          found[word].catch(function () { delete found[word]; });
        }
        return found[word];
      }
      var base = siteBase();
      function none() { return el("span", { class: "reskb-none" }, data.none); }
      function cell(texts) { var td = el("td", {}); if (texts.length) td.textContent = texts.join(", "); else td.append(none()); return td; }
      var source = {
        page: data.page,
        words: function (q) { return Promise.all(q.map(hits)); },
        rows: function (indices) {
          return Promise.all(indices.map(function (i) {
            return loadShard("rows-" + Math.floor(i / data.rowsPerShard)).then(function (rows) { return rows[i % data.rowsPerShard]; });
          }));
        },
        // the row the page itself lists (finder.py): title, countries, phases, lead actor, topics, challenges, status, evidence
        row: function (p, r, selectCell) {
          var tr = el("tr", {});
          var link = el("a", { href: new URL("practices/" + encodeURIComponent(r[0]) + (location.protocol === "file:" ? ".html" : "/"), base).href }, r[1]);
          var first = el("td", {});
          first.append(link);
          var pill = el("span", { class: "reskb-pill reskb-pill--evidence reskb-pill--" + r[3] }, r[4]);
          var last = el("td", {});
          last.append(pill);
          function names(list, key) { return list.map(function (v) { return v[key]; }); }
          tr.append(selectCell(r[0], r[1]), first, cell(names(p.countries, "name")), cell(names(p.phases, "label")),
            cell(p.lead_actor ? [p.lead_actor.label] : []), cell(names(p.topics, "title")), cell(names(p.challenges, "title")),
            cell(r[2] ? [r[2]] : []), last);
          return tr;
        }
      };
      init(box, table, practices, source);
    }).catch(function (error) {
      box.append(el("p", { class: "reskb-finder__status" }, "The filters could not be loaded (" + error.message + "); the first practices are listed below."));
    });
  }

  function start() {
    var nojs = document.getElementById("reskb-finder-nojs");
    if (nojs) nojs.remove();
    var box = document.getElementById("reskb-finder");
    var data = document.getElementById("reskb-finder-data");
    var article = box && box.closest("article, .md-content") || document;
    var table = box && Array.prototype.find.call(article.querySelectorAll("table"), function (t) {
      return box.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING;
    });
    if (!box || !table || !table.tHead || !table.tBodies.length) return;
    if (box.classList.contains("reskb-finder--sharded")) { sharded(box, table); return; }
    if (window.reskbFinderData) { init(box, table, window.reskbFinderData); return; }
    if (!data) return;
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
