// The workbench's only script: a "select all" box for the queue's bulk assignment. Every page
// works without it; it only saves clicks.
document.addEventListener("DOMContentLoaded", function () {
  var all = document.getElementById("select-all");
  if (!all) return;
  all.addEventListener("change", function () {
    document.querySelectorAll('#bulk input[name="id"]').forEach(function (b) { b.checked = all.checked; });
  });
});
