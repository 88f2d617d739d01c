// Copy buttons next to feed addresses. Without scripts the buttons stay hidden and the
// read-only address fields can still be selected and copied by hand. Focus stays on the button,
// and a status line says what happened, for screen readers too.
const buttons = document.querySelectorAll("button[data-copy]");
if (buttons.length) {
  const status = document.createElement("p");
  status.className = "status";
  status.setAttribute("role", "status");
  document.body.append(status);
  for (const button of buttons) {
    button.hidden = false;
    button.addEventListener("click", async () => {
      const field = document.getElementById(button.dataset.copy);
      let copied = false;
      try {
        await navigator.clipboard.writeText(field.value);  // secure contexts only (https, localhost)
        copied = true;
      } catch {
        field.select();
        copied = document.execCommand("copy");
        button.focus();
      }
      if (copied) {
        button.textContent = "Copied";
        status.textContent = `Copied ${field.value}`;
        setTimeout(() => { button.textContent = "Copy"; }, 2000);
      } else {  // left selected, to copy by hand
        field.focus();
        status.textContent = "Not copied: the address is selected, to copy by hand";
      }
    });
  }
}
