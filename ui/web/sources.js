// The sources under an answer. A plain click on a quote opens it in the viewer; a
// ctrl/middle click follows the link (a new tab on the same span), because the link is
// the span's stable address.
element.addEventListener('click', (event) => {
  const copy = event.target.closest('button.copy-answer');
  if (copy) { copyText(element.querySelector('textarea.copy-text').value, copy); return; }
  const cite = event.target.closest('a.cite');
  if (!cite || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  element.querySelectorAll('a.cite.active').forEach((a) => a.classList.remove('active'));
  cite.classList.add('active');
  trigger('click', {doc: cite.dataset.doc, start: cite.dataset.start, end: cite.dataset.end});
});
