// A filter box above a long list of checkboxes (a county's employers on the collective
// contract form): as the clerk types part of a name, only the matching rows stay shown; rows
// already ticked always stay, so a choice is never hidden. The script tag names the field
// (data-field) and the box's hint (data-placeholder).
(function () {
  var script = document.currentScript;
  var field = script.dataset.field;
  var boxes = Array.prototype.slice.call(
    document.querySelectorAll('input[type=checkbox][name="' + field + '"]')
  );
  if (boxes.length < 12) return; // a short list is read at a glance
  function rowOf(box) {
    return box.closest("label") || box.parentElement;
  }
  var first = rowOf(boxes[0]);
  var filter = document.createElement("input");
  filter.type = "search";
  filter.placeholder = script.dataset.placeholder || "";
  filter.className = "gh-input";
  filter.setAttribute("data-testid", "checklist-filter");
  filter.style.cssText = "margin-bottom:.5rem;text-align:left;width:20rem;max-width:100%";
  first.parentElement.insertBefore(filter, first);
  filter.addEventListener("input", function () {
    var words = filter.value.trim();
    boxes.forEach(function (box) {
      var row = rowOf(box);
      var shown = !words || box.checked || row.textContent.indexOf(words) !== -1;
      row.style.display = shown ? "" : "none";
    });
  });
})();
