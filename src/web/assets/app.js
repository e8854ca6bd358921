// Progressive enhancement only: every page works without this file.
// - form[data-confirm]: asks before posting (e.g. disabling an account).
// - [data-refresh]: re-fetches its own page every N seconds and swaps in the element with the same
//   id (the queue's table), so a page left open stays current without losing the filters.
'use strict';
document.addEventListener('submit', (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
});

for (const el of document.querySelectorAll('[data-refresh]')) {
  const seconds = Math.max(5, Number(el.getAttribute('data-refresh')) || 30);
  const refresh = async () => {
    if (document.hidden) return;
    try {
      const res = await fetch(window.location.href, { headers: { Accept: 'text/html' }, credentials: 'same-origin' });
      if (!res.ok || res.redirected) return;
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      const fresh = doc.getElementById(el.id);
      if (fresh) el.replaceChildren(...fresh.childNodes);
    } catch {
      // Offline for a moment: the next tick tries again.
    }
  };
  setInterval(refresh, seconds * 1000);
}
