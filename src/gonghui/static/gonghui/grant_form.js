// The application form follows the case: it shows the student and group fields only for the
// campaigns that ask for them, finds the recipient in the registry as the clerk types (name,
// name with the last four ID characters, or the full number), shows who it is, and offers the
// campaign's amount standard as the amount. Every answer comes from the lookup page, within
// the clerk's own subtree; nothing here decides what the server will accept.
(function () {
  var form = document.querySelector("[data-grant-form]");
  if (!form) return;
  var kinds = JSON.parse(document.getElementById("gh-campaigns").textContent);
  var campaign = form.querySelector("[name=campaign]");
  var who = form.querySelector("[name=id_number_text]");
  var person = form.querySelector("[name=person]");
  var level = form.querySelector("[name=school_level]");
  var cash = form.querySelector("[name=cash_amount]");
  var people = document.getElementById("gh-people");
  var hint = document.getElementById("gh-standard");
  var offered = "";
  var timer = null;

  function sections() {
    var kind = kinds[campaign.value] || {};
    form.querySelectorAll("[data-show]").forEach(function (box) {
      box.hidden = !kind[box.dataset.show];
    });
  }

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
    node.appendChild(el("span", "", " · " + p.org + " · " + p.file + (p.member ? "" : " · " + people.dataset.notMember)));
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
    people.replaceChildren();
    if (person.value && answer.people.length === 1) {
      people.appendChild(card(answer.people[0], true));
    } else {
      answer.people.forEach(function (p) { people.appendChild(card(p, false)); });
      if (!answer.people.length && who.value.trim().length >= 2) {
        people.appendChild(el("p", "gh-help", people.dataset.none));
      }
      if (answer.more) people.appendChild(el("p", "gh-help", people.dataset.more));
    }
    if (answer.standard && answer.people.length === 1) {
      hint.textContent = hint.dataset.text.replace("{amount}", answer.standard);
      // Offer the standard as the amount; what the clerk typed stays.
      if (!cash.value || cash.value === offered) {
        cash.value = answer.standard;
        offered = answer.standard;
      }
    } else {
      hint.textContent = "";
    }
  }

  function lookup() {
    var query = new URLSearchParams({
      campaign: campaign.value,
      who: who.value,
      person: person.value,
      school_level: level ? level.value : "",
    });
    fetch(form.dataset.lookupUrl + "?" + query, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (answer) { if (answer) show(answer); })
      .catch(function () {});
  }

  campaign.addEventListener("change", function () { sections(); lookup(); });
  if (level) level.addEventListener("change", lookup);
  who.addEventListener("input", function () {
    person.value = "";  // typing again means choosing again
    clearTimeout(timer);
    timer = setTimeout(lookup, 300);
  });
  sections();
  if (who.value || person.value) lookup();
})();
