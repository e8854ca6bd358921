// The article editor's enhancements; the page works without them (「预览」 and 上传图片 post forms).
// - Live preview: as the editor types, the body is posted (debounced, with the page's CSRF token)
//   to the preview endpoint, which answers with the public renderer's sanitized HTML; it replaces
//   the preview's content. Only the latest answer is shown.
// - 「预览」 refreshes the preview in place instead of reloading the page.
// - Image upload: the file goes up with fetch; the answer's Markdown `![](url)` is inserted where
//   the cursor was in the body.
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
    void refresh();
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
