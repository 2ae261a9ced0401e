// The patient's questionnaire pages (intake/fill.html), kept out of the page so the
// Content-Security-Policy can forbid inline script:
// 1. a question that depends on another on the same page (data-when-q / data-when-v) shows only
//    when that answer is given (the server checks again and explains a contradiction);
// 2. what is typed is kept in this tab's sessionStorage until the page is saved, so a network
//    hiccup or a reload loses nothing (the form carries data-draft: its storage key).
(function () {
  function valuesOf(form, name) {
    return Array.from(form.querySelectorAll("[name='" + CSS.escape(name) + "']"))
      .filter((el) => (el.type === "radio" || el.type === "checkbox" ? el.checked : el.value.trim() !== ""))
      .map((el) => el.value);
  }
  function refresh(form) {
    form.querySelectorAll("[data-when-q]").forEach((box) => {
      const got = valuesOf(form, "a:" + box.dataset.whenQ);
      const want = box.dataset.whenV;
      const on = want === "*" ? got.length > 0 : got.includes(want);
      box.hidden = !on;
      box.querySelectorAll("input, select, textarea").forEach((el) => { el.disabled = !on; });
    });
  }
  function save(form) {
    const data = {};
    new FormData(form).forEach((v, k) => {
      if (!k.startsWith("a:")) return;
      (data[k] = data[k] || []).push(v);
    });
    try { sessionStorage.setItem(form.dataset.draft, JSON.stringify(data)); } catch (e) { /* full */ }
  }
  function restore(form) {
    let data = null;
    try { data = JSON.parse(sessionStorage.getItem(form.dataset.draft) || "null"); } catch (e) { data = null; }
    if (!data || form.dataset.fresh === "0") return;
    Object.entries(data).forEach(([name, vals]) => {
      form.querySelectorAll("[name='" + CSS.escape(name) + "']").forEach((el) => {
        if (el.type === "radio" || el.type === "checkbox") el.checked = vals.includes(el.value);
        else if (!el.value) el.value = vals[0];
      });
    });
  }
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[data-draft]").forEach((form) => {
      if (form.dataset.saved) {
        try { sessionStorage.removeItem(form.dataset.saved); } catch (e) { /* none */ }
      }
      restore(form);
      refresh(form);
      form.addEventListener("input", () => { refresh(form); save(form); });
      form.addEventListener("change", () => { refresh(form); save(form); });
    });
    document.querySelectorAll("[data-clear-draft]").forEach((el) => {
      try { sessionStorage.removeItem(el.dataset.clearDraft); } catch (e) { /* none */ }
    });
  });
})();
