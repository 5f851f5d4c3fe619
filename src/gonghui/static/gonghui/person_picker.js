// The person picker of the back office's forms: as the clerk types a name, a name with the
// last four ID characters or a full ID number, the form's lookup page (data-lookup-url, within
// the clerk's own subtree) answers with the members it finds; each shows with its masked
// number, union and a note, and a click picks it (the hidden "person" field: the full number
// never comes to the browser). Fields named in data-lookup-with go along with the question
// (the campaign). After each answer the form hears "gh-person-answer" with it; a form asks
// again with "gh-person-refresh".
(function () {
  document.querySelectorAll("[data-person-picker]").forEach(function (form) {
    var who = form.querySelector("[name=id_number_text]");
    var person = form.querySelector("[name=person]");
    var box = form.querySelector("[data-person-results]");
    var also = (form.dataset.lookupWith || "").split(" ").filter(Boolean);
    var timer = null;

    function el(tag, cls, text) {
      var node = document.createElement(tag);
      if (cls) node.className = cls;
      if (text) node.textContent = text;
      return node;
    }

    function card(p, chosen) {
      var node = el(chosen ? "div" : "button", "gh-person-card" + (chosen ? " gh-person-chosen" : ""));
      if (!chosen) node.type = "button";
      node.appendChild(el("strong", "", p.name));
      node.appendChild(el("span", "gh-mono", " " + p.id_number));
      var about = [p.org, p.note, p.member ? "" : box.dataset.notMember].filter(Boolean);
      node.appendChild(el("span", "", " · " + about.join(" · ")));
      if (!chosen) {
        node.addEventListener("click", function () {
          person.value = p.id;
          who.value = p.name;
          lookup();
        });
      }
      return node;
    }

    function show(answer) {
      box.replaceChildren();
      if (person.value && answer.people.length === 1) {
        box.appendChild(card(answer.people[0], true));
      } else {
        answer.people.forEach(function (p) { box.appendChild(card(p, false)); });
        if (!answer.people.length && who.value.trim().length >= 2) {
          box.appendChild(el("p", "gh-help", box.dataset.none));
        }
        if (answer.more) box.appendChild(el("p", "gh-help", box.dataset.more));
      }
      form.dispatchEvent(new CustomEvent("gh-person-answer", { detail: answer }));
    }

    function lookup() {
      var query = new URLSearchParams({ who: who.value, person: person.value });
      also.forEach(function (name) {
        var field = form.querySelector("[name=" + name + "]");
        if (field) query.set(name, field.value);
      });
      fetch(form.dataset.lookupUrl + "?" + query, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (answer) { if (answer) show(answer); })
        .catch(function () {});
    }

    who.addEventListener("input", function () {
      person.value = "";  // typing again means choosing again
      clearTimeout(timer);
      timer = setTimeout(lookup, 300);
    });
    form.addEventListener("gh-person-refresh", lookup);
    if (who.value || person.value) lookup();
  });
})();
