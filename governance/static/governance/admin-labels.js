/* A name for each autocomplete box (Select2) of the admin: the label of its field, or (in an inline's
   table, where a cell has no <label>) the aria-label its hidden <select> carries. Select2 names its box
   by the text of the chosen value, so an empty box has no name at all (axe: aria-input-field-name). */
(function () {
  "use strict";

  function nameOf(select) {
    var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    var text = label ? label.textContent : select.getAttribute("aria-label");
    return (text || "").replace(/:\s*$/, "").trim();
  }

  function nameBoxes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var box = select.nextElementSibling;
      var name = nameOf(select);
      if (!box || !box.classList.contains("select2") || !name) {
        return;
      }
      box.querySelectorAll('[role="combobox"], [role="textbox"]').forEach(function (element) {
        element.removeAttribute("aria-labelledby");
        element.setAttribute("aria-label", name);
      });
    });
  }

  // After the admin's own start-up (autocomplete.js binds Select2 in a jQuery ready handler registered first).
  if (window.django && window.django.jQuery) {
    window.django.jQuery(function () { nameBoxes(document); });
  } else {
    document.addEventListener("DOMContentLoaded", function () { nameBoxes(document); });
  }
  document.addEventListener("formset:added", function (event) { nameBoxes(event.target); });
})();
