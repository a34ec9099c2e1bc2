// The header's « Menu » button on narrow screens (templates/base.html). The button ships hidden
// and the links in view, so that without JavaScript nothing is out of reach; this script shows
// the button and lets the stylesheet fold the links behind it. Escape folds them back.
"use strict";

(() => {
  const button = document.querySelector(".menu-button");
  const header = button && button.closest(".site-header");
  if (!header) return;

  const setOpen = (open) => {
    button.setAttribute("aria-expanded", String(open));
    header.classList.toggle("menu-open", open);
  };
  const isOpen = () => button.getAttribute("aria-expanded") === "true";

  button.hidden = false;
  header.classList.add("has-menu-button");
  button.addEventListener("click", () => setOpen(!isOpen()));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && isOpen()) {
      setOpen(false);
      button.focus();
    }
  });
})();
