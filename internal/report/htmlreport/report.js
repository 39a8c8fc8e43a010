// Filters for the findings table. Rows carry their severity as a data
// attribute; phase, rule family, path and ATLAS IDs are read from their
// cells, which keeps a report of thousands of findings small.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("#ftable tbody tr"));
  var q = document.getElementById("q"), sev = document.getElementById("f-sev"),
      phase = document.getElementById("f-phase"), fam = document.getElementById("f-fam"),
      path = document.getElementById("f-path"), chip = document.getElementById("f-tech"),
      shown = document.getElementById("shown"), cells = document.querySelectorAll("button.cell"),
      chunks = document.querySelectorAll(".fchunk");
  var tech = "";
  // A technique cell stands for the technique and its sub-techniques.
  function hasTech(tr) {
    var ids = tr.cells[4].textContent.split(" ");
    for (var i = 0; i < ids.length; i++) {
      if (ids[i] === tech || ids[i].indexOf(tech + ".") === 0) return true;
    }
    return false;
  }
  function apply() {
    var text = q.value.trim().toLowerCase(), s = sev.value, p = phase.value, f = fam.value,
        pa = path.value.trim().toLowerCase(), n = 0;
    for (var i = 0; i < rows.length; i++) {
      var tr = rows[i], c = tr.cells, ok = (!s || tr.dataset.s === s) && (!p || c[3].textContent === p) &&
          (!f || c[1].textContent.split("/")[0] === f) &&
          (!pa || c[2].textContent.toLowerCase().indexOf(pa) >= 0) && (!tech || hasTech(tr)) &&
          (!text || tr.textContent.toLowerCase().indexOf(text) >= 0);
      tr.hidden = !ok;
      if (ok) n++;
    }
    // A block with no row left is hidden, so that it keeps no space (its
    // remembered size would otherwise stand in for it off screen).
    var first = true;
    for (var k = 0; k < chunks.length; k++) {
      chunks[k].hidden = !chunks[k].querySelector("tbody tr:not([hidden])");
      chunks[k].classList.toggle("first", first && !chunks[k].hidden);
      if (!chunks[k].hidden) first = false;
    }
    shown.textContent = n;
    chip.hidden = !tech;
    chip.textContent = tech ? "ATLAS " + tech : "";
    for (var j = 0; j < cells.length; j++) {
      cells[j].setAttribute("aria-pressed", cells[j].dataset.t === tech ? "true" : "false");
    }
  }
  var timer;
  function later() { clearTimeout(timer); timer = setTimeout(apply, 120); }
  q.addEventListener("input", later);
  path.addEventListener("input", later);
  [sev, phase, fam].forEach(function (el) { el.addEventListener("change", apply); });
  document.querySelector(".matrix").addEventListener("click", function (e) {
    var b = e.target.closest("button.cell");
    if (!b) return;
    tech = tech === b.dataset.t ? "" : b.dataset.t;
    apply();
    if (tech) document.getElementById("findings").scrollIntoView();
  });
  document.getElementById("f-clear").addEventListener("click", function () {
    q.value = ""; path.value = ""; sev.value = ""; phase.value = ""; fam.value = ""; tech = "";
    apply();
  });
})();
