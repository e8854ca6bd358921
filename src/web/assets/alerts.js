// The alert page's enhancements; the page works without them (「刷新」 reloads the push section,
// the region is checked on the server).
// - Live push progress: while a push is being prepared or sent (#push[data-active]), the section's
//   JSON (data-poll-url, the same session) is fetched every 2 s and the numbers, the bar, the
//   state, the reasons, the mass sends and the buttons follow it. Polling stops once no push is
//   queued or running, or when the answer is not the JSON (signed out: the next reload says so).
// - Region: ticking a county chooses 「只发给下面勾选的县」; choosing 「全市」 clears the ticks.
'use strict';
(() => {
  const all = document.getElementById('scope-all');
  const some = document.getElementById('scope-counties');
  const list = document.getElementById('county-list');
  if (all instanceof window.HTMLInputElement && some instanceof window.HTMLInputElement && list) {
    const boxes = Array.from(list.querySelectorAll('input[type="checkbox"]'));
    list.addEventListener('change', (event) => {
      if (event.target instanceof window.HTMLInputElement && event.target.checked) some.checked = true;
    });
    all.addEventListener('change', () => {
      if (all.checked) for (const box of boxes) box.checked = false;
    });
  }

  const section = document.getElementById('push');
  if (!section || !section.hasAttribute('data-active') || !section.dataset.pollUrl) return;
  const url = section.dataset.pollUrl;
  const live = document.getElementById('push-live');
  const INTERVAL_MS = 2000;
  const say = (text) => { if (live && live.textContent !== text) live.textContent = text; };
  const setText = (el, text) => { if (el && el.textContent !== text) el.textContent = text; };

  function listOf(title, lines) {
    const frag = document.createDocumentFragment();
    if (lines.length === 0) return frag;
    const h = document.createElement('h4');
    h.textContent = title;
    const ul = document.createElement('ul');
    for (const parts of lines) {
      const li = document.createElement('li');
      for (const part of parts) li.append(part);
      ul.append(li);
    }
    frag.append(h, ul);
    return frag;
  }

  function chip(className, text) {
    const span = document.createElement('span');
    span.className = className;
    span.textContent = text;
    return span;
  }

  function update(item, p) {
    const field = (name) => item.querySelector(`[data-field="${name}"]`);
    item.className = `push-item push-${p.state}`;
    const state = field('state');
    if (state) {
      state.className = `chip push-state-${p.state}`;
      setText(state, p.stateLabel);
    }
    const bar = field('bar');
    if (bar instanceof window.HTMLProgressElement && bar.value !== p.percent) {
      bar.value = p.percent;
      bar.textContent = `${p.percent}%`;
    }
    for (const name of ['percent', 'sent', 'skipped', 'failed', 'queued', 'total']) setText(field(name), String(p[name]));
    const waiting = field('waiting');
    if (waiting) {
      setText(waiting, p.waiting || '');
      waiting.hidden = !p.waiting;
    }
    const reasons = field('reasons');
    const reasonKey = JSON.stringify(p.reasons);
    if (reasons && reasons.dataset.key !== reasonKey) {
      reasons.dataset.key = reasonKey;
      reasons.replaceChildren(listOf('没有发到的原因', p.reasons.map((r) => [`${r.state === 'skipped' ? '跳过' : '失败'} ${r.count} 人：${r.label}`])));
    }
    const mass = field('mass');
    const massKey = JSON.stringify(p.mass);
    if (mass && mass.dataset.key !== massKey) {
      mass.dataset.key = massKey;
      mass.replaceChildren(listOf('群发（按县标签）', p.mass.map((m) => [
        `${m.targetLabel}：`, chip(`chip mass-${m.state}`, m.stateLabel), m.reasonLabel ? `（${m.reasonLabel}）` : '',
      ])));
    }
    for (const form of item.querySelectorAll('form[data-step]')) form.hidden = !p.can[form.dataset.step];
  }

  let stopped = false;
  async function poll() {
    if (stopped) return;
    try {
      const res = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json', 'X-Staff-Background': '1' }, cache: 'no-store' });
      if (!res.ok || res.redirected || !(res.headers.get('content-type') || '').includes('json')) {
        stopped = true;
        say('自动更新停了，请点「刷新」。');
        return;
      }
      const data = await res.json();
      let unknown = false;
      for (const p of data.pushes) {
        const item = document.getElementById(`push-${p.jobId}`);
        if (item) update(item, p);
        else unknown = true;
      }
      if (unknown) say('有新的推送，请点「刷新」查看。');
      if (!data.active) {
        stopped = true;
        if (!unknown) say(data.pushes.some((p) => p.state === 'paused') ? '推送已暂停，自动更新停了。' : '推送已结束。');
        return;
      }
      if (!unknown) say('每2秒自动更新');
    } catch {
      // Offline for a moment: the next tick tries again.
    }
    window.setTimeout(poll, INTERVAL_MS);
  }
  say('每2秒自动更新');
  window.setTimeout(poll, INTERVAL_MS);
})();
