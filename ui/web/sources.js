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
// A new answer came: show its start, the question above it, in the chat box (which
// would otherwise sit at its end and hide how a long answer begins).
const showNewest = () => {
  const users = document.querySelectorAll('#chat [data-testid="user"]');
  const last = users[users.length - 1];
  if (!last) return;
  let box = last.parentElement;
  while (box && box !== document.body && !(box.scrollHeight > box.clientHeight + 1 && /(auto|scroll)/.test(getComputedStyle(box).overflowY))) {
    box = box.parentElement;
  }
  if (!box || box === document.body) return;
  box.scrollTop += last.getBoundingClientRect().top - box.getBoundingClientRect().top - 40;  // below the chat's floating label
};
// The chat may render its new messages after the sources: show the newest once more
// a moment later.
watch('value', () => { setTimeout(showNewest, 60); setTimeout(showNewest, 400); });
// A number [n] in an answer in the chat is a link to its span too: a plain click shows it
// in the viewer (the link stays the span's address for a new tab).
document.addEventListener('click', (event) => {
  const number = event.target.closest('#chat a[href^="?doc="]');
  if (!number || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  const params = new URLSearchParams(number.getAttribute('href').slice(1));
  trigger('click', {doc: params.get('doc'), start: params.get('start'), end: params.get('end')});
});
