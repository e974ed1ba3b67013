// A button that prints the page; without JavaScript the browser's own Print works the same.
document.querySelectorAll("[data-print]").forEach((button) => button.addEventListener("click", () => window.print()));
