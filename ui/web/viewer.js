// The source viewer: keeps the marked span in sight and copies its stable link.
// On a wide screen it is the right-hand column. On a phone (app.css, max-width 768px) the
// column is a drawer over the chat: it opens when a quote is shown, and its "Luk" button
// or Escape closes it and gives the focus back to the quote it came from.
const NARROW = window.matchMedia('(max-width: 768px)');
const column = element.closest('#viewer-column');
let bar = column && column.querySelector(':scope > .viewer-bar');
if (column && !bar) {
  bar = document.createElement('div');
  bar.className = 'viewer-bar';
  bar.innerHTML = '<strong>Kilde</strong><button type="button" class="viewer-close">Luk</button>';
  column.prepend(bar);
}
const isOpen = () => Boolean(column && column.classList.contains('open'));
let returnTo = null;

// A dialog only while it covers the page: on a wide screen it is a plain column.
const describe = () => {
  if (!column) return;
  if (isOpen() && NARROW.matches) {
    column.setAttribute('role', 'dialog');
    column.setAttribute('aria-modal', 'true');
    column.setAttribute('aria-label', 'Kilde');
  } else {
    ['role', 'aria-modal', 'aria-label'].forEach((name) => column.removeAttribute(name));
  }
};

const openDrawer = () => {
  if (!column) return;
  if (!isOpen()) {
    returnTo = document.activeElement;
    column.classList.add('open');
    document.documentElement.classList.add('viewer-open');
  }
  describe();
  if (NARROW.matches) {
    const mark = element.querySelector('mark#cite-mark');
    column.scrollTop = 0;
    if (mark) mark.scrollIntoView({block: 'center'});
    bar.querySelector('button').focus({preventScroll: true});
  }
};

const closeDrawer = () => {
  if (!isOpen()) return;
  column.classList.remove('open');
  document.documentElement.classList.remove('viewer-open');
  describe();
  const back = (returnTo && returnTo.isConnected && returnTo !== document.body) ? returnTo
    : document.querySelector('#sources a.cite.active');
  returnTo = null;
  if (back && NARROW.matches) back.focus({preventScroll: false});
};

// Scroll the document box (not the page) to the mark, then bring the viewer into sight.
const reveal = () => {
  const shown = element.querySelector('.viewer:not(.empty)');
  if (!shown) { closeDrawer(); return; }
  const mark = element.querySelector('mark#cite-mark');
  const box = element.querySelector('.doc-text');
  if (mark && box) box.scrollTop = Math.max(0, mark.offsetTop - box.clientHeight / 2);
  if (NARROW.matches) { openDrawer(); return; }
  if (mark) element.scrollIntoView({block: 'nearest'});
};
watch('value', reveal);
// A page opened on a stable link (?doc=…) shows its span at once; the placeholder does not open the drawer.
reveal();

if (bar) bar.querySelector('button').addEventListener('click', closeDrawer);
NARROW.addEventListener('change', describe);
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && isOpen() && NARROW.matches) { event.preventDefault(); closeDrawer(); }
});
// The same quote tapped again: the viewer's value does not change, so open the drawer here.
document.addEventListener('click', (event) => {
  const cite = event.target.closest && event.target.closest('#sources a.cite');
  if (!cite || !NARROW.matches || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
  const permalink = element.querySelector('a.permalink');
  if (permalink && permalink.getAttribute('href') === cite.getAttribute('href')) openDrawer();
  else returnTo = cite;
});
element.addEventListener('click', (event) => {
  const button = event.target.closest('button.copy-link');
  const permalink = element.querySelector('a.permalink');
  if (button && permalink) copyText(new URL(permalink.getAttribute('href'), location.href).href, button);
});
