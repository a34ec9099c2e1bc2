// The practice form (templates/practices/practice_form.html). Without JavaScript nothing is
// out of reach: the error summary has « autofocus » and links to each field, and the server
// lists the themes of the chosen category first on every display. With it, a link of the
// summary puts the focus in its field (following a link only scrolls), and the themes of a
// category come first as soon as it is chosen, the other groups back in their usual order.
"use strict";

(() => {
  const summary = document.querySelector(".error-summary");
  if (summary) {
    if (document.activeElement !== summary) summary.focus();
    summary.addEventListener("click", (event) => {
      const link = event.target.closest("a[href^='#']");
      const field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      const label = document.querySelector(`label[for="${field.id}"]`) || field;
      label.scrollIntoView();
      field.focus({ preventScroll: true });
    });
  }

  const category = document.getElementById("id_category");
  const themes = document.querySelector(".theme-groups");
  if (!category || !themes) return;
  const groups = [...themes.querySelectorAll(".theme-group")].sort(
    (a, b) => Number(a.dataset.position) - Number(b.dataset.position),
  );
  category.addEventListener("change", () => {
    const chosen = groups.filter((group) => group.dataset.category === category.value);
    for (const group of [...chosen, ...groups.filter((group) => !chosen.includes(group))]) {
      themes.append(group);
    }
  });
})();
