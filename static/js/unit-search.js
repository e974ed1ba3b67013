// Progressive enhancement of the unit search on the filing form: as one types, the unit list keeps
// only the matching units (without diacritics: "xa an" finds "Xã An Bình"). Without JavaScript the
// search box is a plain GET form that narrows the list on the server.
(function () {
  const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  document.querySelectorAll("[data-unit-search]").forEach((input) => {
    const select = document.querySelector(input.dataset.unitSearch);
    if (!select) return;
    const options = Array.from(select.options).filter((o) => o.value);
    input.addEventListener("input", () => {
      const words = fold(input.value).split(/\s+/).filter(Boolean);
      let shown = 0;
      let last = null;
      options.forEach((option) => {
        const match = words.every((w) => fold(option.text).includes(w));
        option.hidden = !match;
        option.disabled = !match;
        if (match) { shown += 1; last = option; }
      });
      if (shown === 1 && last) select.value = last.value;
    });
  });
})();
