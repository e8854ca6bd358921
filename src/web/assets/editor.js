// The article editor's enhancements; the page works without them (「预览」 and 上传图片 post forms).
// - Live preview: as the editor types, the body is posted (debounced, with the page's CSRF token)
//   to the preview endpoint, which answers with the public renderer's sanitized HTML; it replaces
//   the preview's content. Only the latest answer is shown.
// - 「预览」 refreshes the preview in place instead of reloading the page.
// - Image upload: the file goes up with fetch; the answer's Markdown `![](url)` is inserted where
//   the cursor was in the body.
// - Unsaved changes (a form with data-warn-unsaved): once a field holds other text than the page
//   came with, or the page came back holding unsaved text (data-unsaved), 「有修改还没保存」 shows
//   beside 保存 and leaving the page (a link, reload, closing) asks first with the browser's own
//   dialog. 保存 does not ask; another form (a publishing action, sending to WeChat, signing out)
//   posted while the text is unsaved asks first whether to go on without saving, since the action
//   runs on the saved text. The preview is not a save, so the line stays after it.
// - A form with data-busy (sending to WeChat, which takes a while) says so on its button once
//   submitted, and a second click does not post it again.
// - Typing a tag number in the 群发 form chooses 「某个标签的关注者」.
'use strict';
(() => {
  const form = document.getElementById('editor-form');
  const body = document.getElementById('f-body');
  const preview = document.getElementById('preview');
  if (!(form instanceof HTMLFormElement) || !(body instanceof window.HTMLTextAreaElement) || !preview) return;
  document.documentElement.classList.add('js');
  const token = () => {
    const field = form.querySelector('input[name="_csrf"]');
    return field instanceof window.HTMLInputElement ? field.value : '';
  };

  const DELAY_MS = 400;
  let timer = 0;
  let sent = 0;
  let shown = 0;
  async function refresh() {
    window.clearTimeout(timer);
    const seq = ++sent;
    preview.setAttribute('aria-busy', 'true');
    try {
      const res = await fetch(form.dataset.previewUrl || '/staff/articles/preview', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8', Accept: 'text/html' },
        body: new URLSearchParams({ _csrf: token(), body: body.value }),
      });
      if (!res.ok || res.redirected) throw new Error(String(res.status));
      const html = await res.text();
      if (seq < shown) return; // an older answer arriving late
      shown = seq;
      // Our renderer's output (src/articles/render.ts): raw HTML off, links and images checked.
      preview.innerHTML = html || '<p class="muted">（正文还是空的）</p>';
      preview.dataset.updated = String(seq);
    } catch {
      if (seq >= shown) preview.dataset.error = '1';
    } finally {
      if (seq === sent) preview.removeAttribute('aria-busy');
    }
  }
  const later = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, DELAY_MS);
  };
  body.addEventListener('input', later);

  form.addEventListener('submit', (event) => {
    if (event.submitter instanceof window.HTMLButtonElement && event.submitter.value === 'preview') {
      event.preventDefault();
      void refresh();
    }
  });
  if (body.value.trim() !== '' && !preview.querySelector(':not(p.muted)')) void refresh();

  const note = document.getElementById('unsaved-note');
  const tracked = form.hasAttribute('data-warn-unsaved');
  const cameUnsaved = form.hasAttribute('data-unsaved');
  // Set by a submit that goes ahead: the page is left on purpose.
  let submitting = false;
  // Every field that holds a choice: text and dates against their default value, tick boxes and
  // radio buttons against their default check, selects against their default option.
  const changed = (el) => {
    if (el instanceof window.HTMLSelectElement) return Array.from(el.options).some((o) => o.selected !== o.defaultSelected);
    if (el instanceof window.HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')) return el.checked !== el.defaultChecked;
    return el.value !== el.defaultValue;
  };
  const edited = () => Array.from(form.querySelectorAll('input:not([type="hidden"]):not([readonly]), textarea, select')).some(changed);
  const unsaved = () => tracked && (cameUnsaved || edited());
  function noteChange() {
    const text = unsaved() ? '有修改还没保存' : '';
    // Rewriting the same words would make a screen reader repeat them at every key.
    if (note && note.textContent !== text) note.textContent = text;
  }
  if (tracked) {
    form.addEventListener('input', noteChange);
    form.addEventListener('change', noteChange);
    window.addEventListener('beforeunload', (event) => {
      if (submitting || !unsaved()) return;
      event.preventDefault();
      event.returnValue = '';
    });
  }
  // On window, a submit arrives after every other listener (app.js's confirm, the preview's own):
  // defaultPrevented then means the form does not go.
  window.addEventListener('submit', (event) => {
    const sent = event.target;
    if (event.defaultPrevented || !(sent instanceof HTMLFormElement)) return;
    if (sent !== form && unsaved() && !window.confirm('有修改还没保存。这一步只对已保存的内容起作用，修改会丢掉。仍要继续吗？')) {
      event.preventDefault();
      return;
    }
    if (sent.dataset.busy !== undefined) {
      if (sent.dataset.sending) {
        event.preventDefault();
        return;
      }
      sent.dataset.sending = '1';
      const button = event.submitter;
      if (button instanceof window.HTMLButtonElement) {
        button.dataset.label = button.textContent;
        button.textContent = sent.dataset.busy;
        button.setAttribute('aria-disabled', 'true');
      }
    }
    submitting = true;
  });
  // Back to this page from the browser's cache: nothing is being sent any more.
  window.addEventListener('pageshow', () => {
    submitting = false;
    for (const sent of document.querySelectorAll('form[data-sending]')) {
      delete sent.dataset.sending;
      const button = sent.querySelector('button[aria-disabled="true"]');
      if (button && button.dataset.label) button.textContent = button.dataset.label;
      if (button) button.removeAttribute('aria-disabled');
    }
    noteChange();
  });

  // Where the cursor was when the body lost focus: an image goes there.
  let cursor = { start: body.value.length, end: body.value.length };
  const remember = () => { cursor = { start: body.selectionStart, end: body.selectionEnd }; };
  body.addEventListener('blur', remember);
  body.addEventListener('keyup', remember);
  body.addEventListener('click', remember);

  function insertAtCursor(text) {
    const before = body.value.slice(0, cursor.start);
    const after = body.value.slice(cursor.end);
    const lead = before === '' || before.endsWith('\n') ? '' : '\n';
    const trail = after.startsWith('\n') ? '' : '\n';
    body.value = before + lead + text + trail + after;
    const at = before.length + lead.length + text.length;
    body.focus();
    body.setSelectionRange(at, at);
    remember();
    noteChange();
    void refresh();
  }

  const tag = document.getElementById('wechat-tag');
  const tagChoice = document.getElementById('wechat-target-tag');
  if (tag instanceof window.HTMLInputElement && tagChoice instanceof window.HTMLInputElement) {
    tag.addEventListener('input', () => {
      if (tag.value.trim() !== '') tagChoice.checked = true;
    });
  }

  const upload = document.getElementById('image-form');
  const status = document.getElementById('image-status');
  if (!(upload instanceof HTMLFormElement)) return;
  upload.addEventListener('submit', async (event) => {
    event.preventDefault();
    const say = (text, error) => {
      if (!status) return;
      status.textContent = text;
      status.classList.toggle('error-text', Boolean(error));
    };
    say('正在上传……', false);
    try {
      const res = await fetch(upload.action, {
        method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/json' }, body: new window.FormData(upload),
      });
      const answer = await res.json().catch(() => ({}));
      if (!res.ok || typeof answer.markdown !== 'string') {
        say((answer.error && answer.error.message) || '上传失败，请稍后再试。', true);
        return;
      }
      insertAtCursor(answer.markdown);
      upload.reset();
      say('图片已上传，并已插入正文中光标所在的位置。记得保存。', false);
    } catch {
      say('上传失败，请检查网络后再试。', true);
    }
  });
})();
