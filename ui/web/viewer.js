// The source viewer: keeps the marked span in sight and copies its stable link.
// Scroll the document box (not the page) to the mark, then bring the viewer into sight
// where the columns are stacked (a narrow window).
const reveal = () => {
  const mark = element.querySelector('mark#cite-mark');
  const box = element.querySelector('.doc-text');
  if (!mark || !box) return;
  box.scrollTop = Math.max(0, mark.offsetTop - box.clientHeight / 2);
  element.scrollIntoView({block: 'nearest'});
};
watch('value', reveal);
reveal();
element.addEventListener('click', (event) => {
  const button = event.target.closest('button.copy-link');
  const permalink = element.querySelector('a.permalink');
  if (button && permalink) copyText(new URL(permalink.getAttribute('href'), location.href).href, button);
});
