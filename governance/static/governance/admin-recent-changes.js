// The recent-changes page shows another system as soon as one is chosen (the <noscript>
// button does it without JavaScript). A file, not an onchange attribute: the
// Content-Security-Policy allows no inline script.
document.addEventListener("DOMContentLoaded", () => {
  const system = document.getElementById("id_system");
  if (system) {
    system.addEventListener("change", () => system.form.submit());
  }
});
