// The hardship file form says, as the figures are typed, the household's monthly income per
// head and the category it gives against the local subsistence line, asking the assess page
// (the rule the file is opened by). The server decides again when the form is saved.
(function () {
  var form = document.querySelector("[data-file-form]");
  if (!form) return;
  var box = form.querySelector("[data-testid=assessment]");
  var names = ["org", "household_size", "annual_income", "expense_illness", "expense_disability",
    "expense_schooling", "expense_other", "accident_reason"];
  var timer = null;

  function say(answer) {
    box.className = "gh-assessment";
    if (answer.refused) { box.textContent = answer.refused; box.classList.add("gh-assessment-no"); return; }
    if (answer.missing) { box.textContent = box.dataset.missing; return; }
    var text = box.dataset.text.replace("{pc}", answer.per_capita).replace("{line}", answer.line);
    box.replaceChildren(document.createTextNode(text + " "));
    var verdict = document.createElement("strong");
    verdict.textContent = answer.label || box.dataset.none;
    verdict.dataset.category = answer.category;
    box.appendChild(verdict);
    box.classList.add(answer.category ? "gh-assessment-yes" : "gh-assessment-no");
  }

  function assess() {
    var query = new URLSearchParams();
    names.forEach(function (name) {
      var field = form.querySelector("[name=" + name + "]");
      if (field) query.set(name, field.value);
    });
    fetch(form.dataset.assessUrl + "?" + query, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (answer) { if (answer) say(answer); })
      .catch(function () {});
  }

  names.forEach(function (name) {
    var field = form.querySelector("[name=" + name + "]");
    if (!field) return;
    field.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(assess, 300); });
    field.addEventListener("change", assess);
    // The union picker is a select2, whose changes only jQuery hears.
    if (window.django && window.django.jQuery) window.django.jQuery(field).on("change", assess);
  });
  assess();
})();
