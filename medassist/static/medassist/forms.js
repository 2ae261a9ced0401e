// Small behaviours of the forms, kept out of the pages so the Content-Security-Policy can
// forbid inline script: Enter in a search box marked data-enter-stays does not submit its form.
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.target.matches && event.target.matches("[data-enter-stays]")) {
    event.preventDefault();
  }
});
