// The trial register (the "Forsøg" tab): a click on a cell's link shows its quote marked in
// the tab's own viewer (#trial-viewer); the filters hide the rows that do not match.
// The table is re-rendered when the index is rebuilt: every listener is on `element`.
let opened = false;
element.addEventListener('click', (event) => {
  const cite = event.target.closest('a.tcite');
  if (!cite || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  element.querySelectorAll('a.tcite.active').forEach((a) => a.classList.remove('active'));
  cite.classList.add('active');
  opened = true;
  trigger('click', {doc: cite.dataset.doc, start: cite.dataset.start, end: cite.dataset.end});
});

const filter = () => {
  const status = element.querySelector('select.filter-status');
  const town = element.querySelector('select.filter-town');
  const count = element.querySelector('.trials-count');
  if (!status || !town || !count) return;
  let shown = 0;
  element.querySelectorAll('table.trials tbody tr').forEach((row) => {
    let towns = [];
    try { towns = JSON.parse(row.dataset.towns || '[]'); } catch (error) { towns = []; }
    const match = (status.value === '*' || row.dataset.status === status.value)
      && (town.value === '*' || towns.includes(town.value));
    row.hidden = !match;
    if (match) shown += 1;
  });
  const total = Number(count.dataset.total);
  count.textContent = shown === total ? `Viser alle ${total} forsøg`
    : shown === 0 ? 'Ingen forsøg passer til filtrene.' : `Viser ${shown} af ${total} forsøg`;
};
element.addEventListener('change', (event) => {
  if (event.target.matches('select.filter-status, select.filter-town')) filter();
});

// The quote asked for is brought into sight: the document box scrolls to the mark, and on a
// narrow screen (the viewer below the table) the page scrolls to the viewer. #trial-viewer
// is mounted next to this table, maybe after it: watch the tab panel they share.
const panel = element.closest('[role="tabpanel"]') || document.body;
new MutationObserver(() => {
  const viewer = document.getElementById('trial-viewer');
  if (!opened || !viewer) return;
  const mark = viewer.querySelector('mark#cite-mark');
  const message = viewer.querySelector('.viewer:not(.empty)');
  if (!mark && !message) return;
  opened = false;
  const box = viewer.querySelector('.doc-text');
  if (mark && box) box.scrollTop = Math.max(0, mark.offsetTop - box.clientHeight / 2);
  const r = viewer.getBoundingClientRect();
  if (r.top < 0 || r.top > innerHeight - 80) viewer.scrollIntoView({block: 'start'});
}).observe(panel, {childList: true, subtree: true});

// The viewer's "Kopiér link" button (copyText: copy.js, prepended to this script).
panel.addEventListener('click', (event) => {
  const button = event.target.closest && event.target.closest('#trial-viewer button.copy-link');
  const permalink = button && document.querySelector('#trial-viewer a.permalink');
  if (permalink) copyText(new URL(permalink.getAttribute('href'), location.href).href, button);
});
