// The Print button needs JavaScript, so it stays hidden without it (Ctrl+P still works).
document.querySelectorAll(".print-button").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
