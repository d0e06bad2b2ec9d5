// The documents table: a click on a title shows the whole document below the table.
let opened = false;
element.addEventListener('click', (event) => {
  const doc = event.target.closest('a.doc');
  if (!doc || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  opened = true;
  trigger('click', {doc: doc.dataset.doc});
});
// A document asked for is brought into sight (on a phone it is far below the title); its
// text box is focusable from the template (the keyboard must reach a scrolling box).
// #document is mounted next to this table, maybe after it: watch the tab panel they share.
const panel = element.closest('[role="tabpanel"]') || document.body;
new MutationObserver(() => {
  const shown = document.getElementById('document');
  if (!shown) return;
  if (opened && shown.querySelector('.viewer')) {
    opened = false;
    shown.scrollIntoView({block: 'start'});
  }
}).observe(panel, {childList: true, subtree: true});
