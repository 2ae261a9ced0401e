/* ICD-10-CM combobox (docs/coding.md). The input asks /coding/icd10/ through htmx and gets
   <li role="option"> items in its listbox; this script does the keyboard and the choosing:
   ArrowDown/ArrowUp move, Enter or a click chooses, Escape closes. Choosing a billable code
   fills the hidden input; choosing a header (not billable) searches its codes instead, unless
   the combobox has data-allow-headers. One script serves every combobox on the page. */
(function () {
  "use strict";
  if (window.medassistIcd10Combobox) return;
  window.medassistIcd10Combobox = true;

  function parts(box) {
    return {
      box: box,
      input: box.querySelector("[role=combobox]"),
      list: box.querySelector("[role=listbox]"),
      hidden: box.querySelector("input[type=hidden]"),
      chosen: box.querySelector(".icd10-chosen"),
    };
  }
  function fromEvent(event, selector) {
    var el = event.target && event.target.closest ? event.target.closest(selector) : null;
    if (!el) return null;
    var box = el.closest("[data-icd10-combobox]");
    return box ? { el: el, p: parts(box) } : null;
  }
  function options(p) {
    return Array.prototype.slice.call(p.list.querySelectorAll("[role=option]"));
  }
  function setActive(p, option) {
    options(p).forEach(function (o) {
      o.setAttribute("aria-selected", o === option ? "true" : "false");
    });
    if (option) {
      p.input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      p.input.removeAttribute("aria-activedescendant");
    }
  }
  function close(p) {
    p.list.innerHTML = "";
    p.input.setAttribute("aria-expanded", "false");
    setActive(p, null);
  }
  function choose(p, option) {
    var code = option.getAttribute("data-code");
    var description = option.getAttribute("data-description");
    if (option.getAttribute("data-billable") !== "1" && !p.box.hasAttribute("data-allow-headers")) {
      p.input.value = code;
      p.input.focus();
      if (window.htmx) window.htmx.trigger(p.input, "search");
      return;
    }
    p.hidden.value = code;
    p.input.value = code + " " + description;
    p.chosen.textContent = "";
    var strong = document.createElement("strong");
    strong.textContent = code;
    p.chosen.append("Chosen: ", strong, " " + description);
    close(p);
    p.hidden.dispatchEvent(new Event("change", { bubbles: true }));
    p.input.focus();
  }

  document.addEventListener("click", function (event) {
    var hit = fromEvent(event, "[role=option]");
    if (hit) choose(hit.p, hit.el);
  });
  document.addEventListener("keydown", function (event) {
    var hit = fromEvent(event, "[role=combobox]");
    if (!hit) return;
    var p = hit.p;
    var list = options(p);
    var current = list.findIndex(function (o) {
      return o.getAttribute("aria-selected") === "true";
    });
    if (event.key === "ArrowDown" && list.length) {
      event.preventDefault();
      setActive(p, list[Math.min(current + 1, list.length - 1)]);
    } else if (event.key === "ArrowUp" && list.length) {
      event.preventDefault();
      setActive(p, list[Math.max(current - 1, 0)]);
    } else if (event.key === "Enter") {
      event.preventDefault(); // never submits the surrounding form
      if (list.length) choose(p, list[current >= 0 ? current : 0]);
    } else if (event.key === "Escape") {
      close(p);
    }
  });
  document.addEventListener("input", function (event) {
    var hit = fromEvent(event, "[role=combobox]");
    if (hit && hit.p.hidden.value) {
      hit.p.hidden.value = "";
      hit.p.chosen.textContent = "";
      hit.p.hidden.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var box = event.target.closest && event.target.closest("[data-icd10-combobox]");
    if (!box) return;
    var p = parts(box);
    p.input.setAttribute("aria-expanded", options(p).length ? "true" : "false");
    p.input.removeAttribute("aria-activedescendant");
  });
})();
