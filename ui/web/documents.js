// The documents table: a click on a title shows the whole document.
element.addEventListener('click', (event) => {
  const doc = event.target.closest('a.doc');
  if (!doc || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  trigger('click', {doc: doc.dataset.doc});
});
