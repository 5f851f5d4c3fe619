// The application form follows the case: it shows the student and group fields only for the
// campaigns that ask for them, and once the recipient is settled (person_picker.js) offers the
// campaign's amount standard for them as the amount. Nothing here decides what the server
// will accept.
(function () {
  var form = document.querySelector("[data-grant-form]");
  if (!form) return;
  var kinds = JSON.parse(document.getElementById("gh-campaigns").textContent);
  var campaign = form.querySelector("[name=campaign]");
  var level = form.querySelector("[name=school_level]");
  var cash = form.querySelector("[name=cash_amount]");
  var hint = document.getElementById("gh-standard");
  var offered = "";

  function sections() {
    var kind = kinds[campaign.value] || {};
    form.querySelectorAll("[data-show]").forEach(function (box) {
      box.hidden = !kind[box.dataset.show];
    });
  }

  function refresh() { form.dispatchEvent(new CustomEvent("gh-person-refresh")); }

  form.addEventListener("gh-person-answer", function (event) {
    var answer = event.detail;
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
  });
  campaign.addEventListener("change", function () { sections(); refresh(); });
  if (level) level.addEventListener("change", refresh);
  sections();
})();
