// Progressive enhancement only: every page works without this file.
// - form[data-confirm]: asks before posting (e.g. disabling an account).
// - [data-refresh]: re-fetches its own page every N seconds and swaps in the element with the same
//   id (the queue's table), so a page left open stays current without losing the filters.
// - body[data-signed-in]: once the session has ended (the server ends one left unused for
//   staff.idleMinutes), the page goes to sign-in, so what it showed does not stay on the screen.
// - a[data-listen]: plays a citizen's voice in the page (one fetch, logged on the tip, then played
//   from memory, so moving about in it fetches nothing more); without this file the link opens it.
// Fetches the page makes by itself say so (X-Staff-Background): they do not keep a session alive.
'use strict';
const BACKGROUND = { 'X-Staff-Background': '1' };
// Once: two checks that both find the session ended (the minute's check and a table's refresh,
// or a check still answering when the next starts) would start a second navigation, which aborts
// the first.
let leaving = false;
const toSignIn = () => {
  if (leaving) return;
  leaving = true;
  const next = window.location.pathname + window.location.search;
  window.location.assign(`/staff/login?expired=1&next=${encodeURIComponent(next)}`);
};
document.addEventListener('submit', (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
});

for (const el of document.querySelectorAll('[data-refresh]')) {
  const seconds = Math.max(5, Number(el.getAttribute('data-refresh')) || 30);
  const refresh = async () => {
    if (document.hidden) return;
    try {
      const res = await fetch(window.location.href, { headers: { Accept: 'text/html', ...BACKGROUND }, credentials: 'same-origin' });
      if (res.redirected && new URL(res.url).pathname === '/staff/login') return toSignIn();
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

if (document.body.hasAttribute('data-signed-in')) {
  // Asked once a minute: cheap, and the server alone decides when the session has ended.
  setInterval(async () => {
    try {
      const res = await fetch('/api/staff/me', { headers: { Accept: 'application/json', ...BACKGROUND }, credentials: 'same-origin', cache: 'no-store' });
      if (res.status === 401) toSignIn();
    } catch {
      // Offline for a moment: asked again in a minute.
    }
  }, 60_000);
}

/** What a failed listen says, by the answer's status (the page's errors come as HTML pages). */
const LISTEN_ERRORS = {
  403: '群众匿名反映，原声可能让人认出反映人，只有市级受理员可以打开。',
  404: '这段语音已无法从微信取得（微信临时素材只保存3天）。',
  415: '这段语音无法在网页上播放，请点「下载」后用电脑上的播放器打开。',
};

document.addEventListener('click', async (event) => {
  const link = event.target instanceof HTMLElement ? event.target.closest('a[data-listen]') : null;
  if (!link) return;
  event.preventDefault();
  const shown = link.parentElement.querySelector('audio, .listen-error');
  if (shown) shown.remove();
  try {
    const res = await fetch(link.href, { credentials: 'same-origin', cache: 'no-store' });
    if (res.redirected) return toSignIn();
    if (!res.ok) throw new Error(LISTEN_ERRORS[res.status] || '现在无法播放，请稍后再试，或点「下载」。');
    const audio = document.createElement('audio');
    audio.controls = true;
    audio.src = URL.createObjectURL(await res.blob());
    audio.setAttribute('aria-label', link.textContent);
    link.parentElement.append(audio);
    await audio.play().catch(() => undefined);
  } catch (err) {
    const note = document.createElement('p');
    note.className = 'listen-error flash flash-error';
    note.setAttribute('role', 'alert');
    note.textContent = err instanceof Error ? err.message : String(err);
    link.parentElement.append(note);
  }
});
