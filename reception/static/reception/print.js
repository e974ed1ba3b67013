// Print buttons on printable pages (inline handlers are not allowed by the content security policy).
document.querySelectorAll("[data-print]").forEach((button) => button.addEventListener("click", () => window.print()));
