// jiandu: small enhancements only; every page works without this script.
(function () {
  "use strict";
  // Jump to a cited span: open its document and flash the mark.
  function showMark(id) {
    var mark = document.getElementById(id);
    if (!mark) { return; }
    var holder = mark.closest ? mark.closest("mark") || mark : mark;
    var details = holder.closest ? holder.closest("details") : null;
    if (details) { details.open = true; }
    holder.scrollIntoView({ block: "center" });
    holder.classList.add("flash");
    window.setTimeout(function () { holder.classList.remove("flash"); }, 1500);
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a") : null;
    if (!link) { return; }
    var href = link.getAttribute("href") || "";
    if (href.indexOf("#ev-") === 0) {
      event.preventDefault();
      showMark(href.slice(1));
      history.replaceState(null, "", href);
    } else if (link.hasAttribute("data-back") && history.length > 1) {
      event.preventDefault();
      history.back();
    }
  });
  // Irreversible steps ask first: the pressed button's data-confirm, the form's, or that of the
  // chosen <option>.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter || null;
    var option = form.querySelector ? form.querySelector("select option:checked[data-confirm]") : null;
    var message = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm") ||
      (option ? option.getAttribute("data-confirm") : null);
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
  // Show only the fields a chosen transition needs.
  document.addEventListener("DOMContentLoaded", function () {
    if (location.hash.indexOf("#ev-") === 0) { showMark(location.hash.slice(1)); }
    // The queue's "select all on this page" box.
    var all = document.getElementById("select-all");
    if (all) {
      all.addEventListener("change", function () {
        var boxes = document.querySelectorAll("#bulk input[name=clue]");
        for (var i = 0; i < boxes.length; i += 1) { boxes[i].checked = all.checked; }
      });
    }
    var form = document.getElementById("form-transition");
    if (!form) { return; }
    var select = form.querySelector("select[name=to]");
    function sync() {
      var to = select.value;
      var reject = form.querySelector("select[name=reject_reason]");
      var merged = form.querySelector("input[name=merged_into]");
      if (reject) { reject.closest("label").hidden = to !== "rejected"; }
      if (merged) { merged.closest("label").hidden = to !== "merged"; }
    }
    select.addEventListener("change", sync);
    sync();
  });
})();
