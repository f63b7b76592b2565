// The "Print manifest" button: the strict Content-Security-Policy allows no inline handler.
document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest("[data-print]")) {
    window.print();
  }
});
