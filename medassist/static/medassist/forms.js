// Small behaviours of the forms, kept out of the pages so the Content-Security-Policy can
// forbid inline script: Enter in a search box marked data-enter-stays does not submit its form.
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.target.matches && event.target.matches("[data-enter-stays]")) {
    event.preventDefault();
  }
});

// The main menu folds behind a "Menu" button on narrow screens (app.css); without script the
// menu simply stays open.
document.documentElement.classList.add("js");
document.addEventListener("click", (event) => {
  const toggle = event.target.closest && event.target.closest(".menu-toggle");
  if (!toggle) return;
  const open = toggle.getAttribute("aria-expanded") !== "true";
  toggle.setAttribute("aria-expanded", String(open));
  toggle.closest(".topbar").classList.toggle("menu-open", open);
});

// A menu group (<details>) closes when another opens or a click lands outside it.
document.addEventListener("click", (event) => {
  const inside = event.target.closest && event.target.closest(".nav-group");
  document.querySelectorAll(".nav-group[open]").forEach((group) => {
    if (group !== inside) group.removeAttribute("open");
  });
});
