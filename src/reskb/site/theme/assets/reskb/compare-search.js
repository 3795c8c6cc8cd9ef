/* The compare page of a large catalogue (compare_shards.py; loaded by that page only): each picker is a search
   box that finds practices by the words of their titles and countries, and only the files of data/compare/ that a
   search or a choice needs are fetched. compare.js adds these methods to its Comparison. Every text is set with
   textContent: nothing from the data is ever parsed as HTML. */
(function () {
  "use strict";

  window.reskbCompareSearch = function (el) {
    var methods = {};
    var shards = {};
    window.reskbCompareShard = function (name, data) { if (shards[name]) shards[name].resolve(data); };

    methods.loadShard = function (name) {
      if (!shards[name]) {
        var waiting = {};
        waiting.promise = new Promise(function (resolve, reject) { waiting.resolve = resolve; waiting.reject = reject; });
        shards[name] = waiting;
        var tag = el("script", { src: new URL("data/compare/" + name + ".js", this.siteRoot).href });
        tag.addEventListener("error", function () { delete shards[name]; waiting.reject(new Error(name + ".js did not load")); });
        document.head.appendChild(tag);
      }
      return shards[name].promise;
    };

    // practice number n (its place in title order), as the small catalogue's data list it
    methods.practice = function (n) {
      var per = this.data.perShard, self = this;
      return this.loadShard("values-" + Math.floor(n / per)).then(function (entries) {
        var e = entries[n % per];
        if (!self.byId[e[0]]) self.byId[e[0]] = { id: e[0], title: e[1], countries: e[2], values: e[3], url: "practices/" + e[0] + "/" };
        return self.byId[e[0]];
      });
    };

    // the practices the address names: each id is looked up in the ids file whose range holds it
    methods.resolve = function (requested) {
      var self = this, firsts = this.data.ids;
      return Promise.all(requested.map(function (id) {
        var file = -1;
        for (var i = 0; i < firsts.length && firsts[i] <= id; i++) file = i;
        if (file < 0) return null;
        return self.loadShard("ids-" + file).then(function (numbers) {
          return Object.prototype.hasOwnProperty.call(numbers, id) ? self.practice(numbers[id]) : null;
        });
      })).then(function () { self.choose(requested); });
    };

    function splitWords(text) {  // as the finder splits what is typed (finder.js)
      return text.toLowerCase().split(/[^\p{L}\p{N}'’-]+/u)
        .map(function (w) { return w.replace(/^['’-]+|['’-]+$/g, ""); }).filter(Boolean);
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

    // the numbers of the practices with a word beginning with `word`
    methods.hits = function (word) {
      var keys = this.data.words, self = this, letters = Array.from(word);
      var wanted = letters.length > 1 ? [keyOf(letters.slice(0, 2).join(""))].filter(function (k) { return keys.indexOf(k) >= 0; })
        : keys.filter(function (k) { return firstLetterOf(k) === word; });
      return Promise.all(wanted.map(function (k) { return self.loadShard("words-" + k); })).then(function (files) {
        var found = new Set();
        files.forEach(function (file) {
          Object.keys(file).forEach(function (w) { if (w.indexOf(word) === 0) numbers(file[w]).forEach(function (n) { found.add(n); }); });
        });
        return found;
      });
    };

    // every practice having all the words typed: {count, practices (the first data.shown, in title order)}
    methods.search = function (text) {
      var self = this, words = splitWords(text);
      return Promise.all(words.map(function (w) { return self.hits(w); })).then(function (sets) {
        var all = sets.length ? Array.from(sets[0]).filter(function (n) {
          return sets.every(function (set) { return set.has(n); });
        }).sort(function (a, b) { return a - b; }) : [];
        return Promise.all(all.slice(0, self.data.shown).map(function (n) { return self.practice(n); })).then(function (found) {
          return { count: all.length, practices: found };
        });
      });
    };

    function shownName(p) {  // the countries only where the title does not already name one of them
      var named = p.countries.some(function (c) { return p.title.indexOf(c) >= 0; });
      return named ? p.title : p.title + " (" + p.countries.join(", ") + ")";
    }

    // one slot of a large catalogue's picker: a search box, what it found as buttons, and the practice chosen
    methods.searchBox = function (i, id) {
      var self = this, chosen = this.byId[this.chosen[i]];
      var box = el("div", { "class": "reskb-compare__search" });
      var input = el("input", { type: "search", id: id, autocomplete: "off", spellcheck: "false",
        placeholder: "Type words of a title or a country", "aria-describedby": id + "-found", "aria-controls": id + "-matches" });
      if (chosen) input.value = shownName(chosen);
      var found = el("p", { id: id + "-found", "class": "reskb-compare__found", role: "status" },
        chosen ? "Chosen: " + shownName(chosen) + ". Type to choose another." : "");
      var list = el("ul", { id: id + "-matches", "class": "reskb-compare__matches", "aria-label": "Matching practices" });
      list.hidden = true;
      box.append(input);
      if (chosen) {
        var remove = el("button", { type: "button", id: id + "-remove", "class": "reskb-compare__remove",
          "aria-label": "Remove practice " + (i + 1) + ": " + chosen.title }, "Remove");
        remove.addEventListener("click", function () {
          var ids = self.chosen.slice();
          ids[i] = "";
          self.setChosen(ids);
          var again = document.getElementById(id);
          if (again) again.focus();
        });
        box.append(remove);
      }
      box.append(found, list);
      var asked = 0, timer = null;
      function run() {
        var text = input.value, ask = ++asked;
        if (chosen && text === shownName(chosen)) text = "";
        if (!splitWords(text).length) { list.replaceChildren(); list.hidden = true; found.textContent = ""; return; }
        found.textContent = "Searching…";
        self.search(text).then(function (result) {
          if (ask !== asked) return;  // a later keystroke has asked again
          list.replaceChildren();
          result.practices.forEach(function (p) {
            var button = el("button", { type: "button", "data-id": p.id }, shownName(p));
            button.addEventListener("click", function () {
              var ids = self.chosen.slice();
              while (ids.length < i) ids.push("");
              ids[i] = p.id;
              self.setChosen(ids);
              var inputs = document.querySelectorAll(".reskb-compare__search input");  // on to the next empty slot
              var empty = Array.prototype.filter.call(inputs, function (box) { return !box.value; })[0];
              (empty || document.getElementById(id) || input).focus();
            });
            list.appendChild(el("li")).appendChild(button);
          });
          list.hidden = !result.count;
          list.setAttribute("data-for", text);  // what the list answers (tests wait for it)
          found.textContent = !result.count ? "No practice has a title or country with these words."
            : result.count === 1 ? "1 practice matches."
            : result.count > result.practices.length ? result.count + " practices match; the first " + result.practices.length +
              " are listed. Type more words to narrow them." : result.count + " practices match.";
        }, function (error) {
          if (ask === asked) found.textContent = "The search could not be loaded (" + error.message + ").";
        });
      }
      input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 150); });
      input.addEventListener("keydown", function (event) {
        var first = list.querySelector("button");
        if ((event.key === "ArrowDown" || event.key === "Enter") && first && !list.hidden) { event.preventDefault(); first.focus(); }
        else if (event.key === "Escape") { list.hidden = true; }
      });
      list.addEventListener("keydown", function (event) {
        var buttons = Array.prototype.slice.call(list.querySelectorAll("button"));
        var at = buttons.indexOf(document.activeElement);
        if (event.key === "ArrowDown" && at < buttons.length - 1) { event.preventDefault(); buttons[at + 1].focus(); }
        else if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? buttons[at - 1] : input).focus(); }
        else if (event.key === "Escape") { event.preventDefault(); list.hidden = true; input.focus(); }
      });
      return box;
    };

    return methods;
  };
})();
