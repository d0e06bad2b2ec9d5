// Copy to the clipboard, with a fallback for pages served over plain http on another
// host (where navigator.clipboard is missing). Prepended to the components' scripts.
const copyText = async (text, button) => {
  try { await navigator.clipboard.writeText(text); }
  catch (error) {
    const area = document.createElement('textarea');
    area.value = text; area.style.position = 'fixed'; area.style.opacity = '0';
    document.body.appendChild(area); area.select(); document.execCommand('copy'); area.remove();
  }
  const label = button.textContent;
  button.textContent = 'Kopieret ✓';
  setTimeout(() => { button.textContent = label; }, 2000);
};
