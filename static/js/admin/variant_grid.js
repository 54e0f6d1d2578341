// The variant grid: a ticked cell looks sold at once, typing stock in an unticked cell ticks
// it, and the list of colours to add can be searched. The grid works without this script.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".variant-cell").forEach((cell) => {
    const sold = cell.querySelector('input[type="checkbox"]');
    const stock = cell.querySelector('input[type="number"]');
    if (!sold) return;
    const mark = () => cell.classList.toggle("variant-cell--sold", sold.checked);
    sold.addEventListener("change", mark);
    if (stock) {
      stock.addEventListener("input", () => {
        if (stock.value && Number(stock.value) > 0 && !sold.checked) {
          sold.checked = true;
          mark();
        }
      });
    }
  });
  const filter = document.querySelector("[data-colour-filter]");
  if (filter) {
    filter.closest("label").hidden = false;
    filter.addEventListener("input", () => {
      const wanted = filter.value.trim().toLowerCase();
      document.querySelectorAll("[data-colour-name]").forEach((item) => {
        item.hidden = Boolean(wanted) && !item.dataset.colourName.includes(wanted);
      });
    });
  }
});
