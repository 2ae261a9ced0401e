/* Calendar drag and drop (docs/scheduling.md): a progressive enhancement of click-to-move.
   A booked visit the user may move (its block carries data-move-action) can be dragged onto a
   free, non-past 15-minute cell (or one only it covers: a push later or earlier); the drop
   posts the same fields as that cell's "Move here"
   form (from=calendar, next, date, time, and provider when the column is a provider's), so
   the server answers as it does for a click: a redirect back to this screen with a message,
   or a refusal (e.g. the time is taken) with nothing changed. By room, a visit only moves
   within its own room's cells: a move keeps the visit's room, it changes only the time.
   Every drop asks to confirm (and a moved visit can be undone from the next page). A cell
   outside the provider's hours (data-closed) takes a drop only for roles that may book past
   hours (the table's data-outside-hours), after they give a reason.
   Keyboard and no-JS users keep the Move link and the "Move here" buttons. */
(function () {
  "use strict";
  if (window.medassistCalendarDrag) return;
  window.medassistCalendarDrag = true;

  var dragged = null; // the .cal-block being dragged

  function table() {
    return document.querySelector("table.schedule[data-drag-next]");
  }

  function draggedId() {
    var link = dragged && dragged.querySelector("[data-appointment]");
    return link ? link.getAttribute("data-appointment") : "";
  }

  // A busy cell takes the drop only when the dragged visit alone holds it (pushing a visit
  // 15 minutes later lands on its own time); never the cell it starts in (no move at all).
  function freeForDragged(cell) {
    if (!cell.classList.contains("busy")) return true;
    if (cell.contains(dragged)) return false;
    var held = (cell.getAttribute("data-held-by") || "").split(" ");
    var id = draggedId();
    return id !== "" && held.every(function (h) { return h === id; });
  }

  function accepts(cell) {
    if (!dragged || !cell || !cell.matches("td.slot")) return false;
    if (cell.hasAttribute("data-past") || !freeForDragged(cell)) return false;
    if (cell.hasAttribute("data-closed") && !table().hasAttribute("data-outside-hours")) {
      return false;
    }
    var room = cell.getAttribute("data-room");
    if (room && !cell.hasAttribute("data-provider") && room !== dragged.getAttribute("data-room")) {
      return false;
    }
    return true;
  }

  function targets() {
    var t = table();
    return t ? t.querySelectorAll("td.slot") : [];
  }

  function clearMarks() {
    Array.prototype.forEach.call(targets(), function (cell) {
      cell.classList.remove("drop-target", "drop-over");
    });
    var t = table();
    if (t) t.classList.remove("dragging");
  }

  function field(form, name, value) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }

  function post(block, cell, reason) {
    var t = table();
    var form = document.createElement("form");
    form.method = "post";
    form.action = block.getAttribute("data-move-action");
    form.hidden = true;
    field(form, "csrfmiddlewaretoken", t.getAttribute("data-csrf"));
    field(form, "from", "calendar");
    field(form, "next", t.getAttribute("data-drag-next"));
    field(form, "date", cell.getAttribute("data-day"));
    field(form, "time", cell.getAttribute("data-time"));
    var provider = cell.getAttribute("data-provider");
    if (provider) field(form, "provider", provider);
    if (reason) {
      field(form, "outside_hours", "on");
      field(form, "reason", reason);
    }
    document.body.appendChild(form);
    form.submit();
  }

  function init() {
    var t = table();
    if (!t) return;
    Array.prototype.forEach.call(t.querySelectorAll(".cal-block[data-move-action]"), function (b) {
      b.setAttribute("draggable", "true");
      b.classList.add("draggable");
      b.title = "Drag to a free time to move this visit";
    });

    t.addEventListener("dragstart", function (event) {
      var block = event.target.closest && event.target.closest(".cal-block[data-move-action]");
      if (!block) return;
      dragged = block;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", block.getAttribute("data-patient") || "visit");
      t.classList.add("dragging");
      Array.prototype.forEach.call(targets(), function (cell) {
        if (accepts(cell)) cell.classList.add("drop-target");
      });
    });

    t.addEventListener("dragend", function () {
      dragged = null;
      clearMarks();
    });

    t.addEventListener("dragover", function (event) {
      var cell = event.target.closest && event.target.closest("td.slot");
      if (!accepts(cell)) return;
      event.preventDefault(); // this cell takes the drop
      event.dataTransfer.dropEffect = "move";
    });

    t.addEventListener("dragenter", function (event) {
      var cell = event.target.closest && event.target.closest("td.slot");
      if (accepts(cell)) cell.classList.add("drop-over");
    });

    t.addEventListener("dragleave", function (event) {
      var cell = event.target.closest && event.target.closest("td.slot");
      if (cell && !cell.contains(event.relatedTarget)) cell.classList.remove("drop-over");
    });

    t.addEventListener("drop", function (event) {
      var cell = event.target.closest && event.target.closest("td.slot");
      if (!accepts(cell)) return;
      event.preventDefault();
      var block = dragged;
      dragged = null;
      clearMarks();
      var who = block.getAttribute("data-patient") || "this visit";
      var when = cell.getAttribute("data-day") + " at " + cell.getAttribute("data-time");
      var reason = "";
      if (cell.hasAttribute("data-closed")) {
        reason = window.prompt(
          "That is outside the provider's hours. Why move " + who + " to " + when + "?"
        );
        if (!reason || !reason.trim()) return;
      } else if (!window.confirm("Move " + who + " to " + when + "?")) {
        return;
      }
      cell.classList.add("drop-sent");
      post(block, cell, reason ? reason.trim() : "");
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
