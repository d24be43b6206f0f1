// Draws the Syscall Path diagram from the extension's state messages. No inline handlers, no eval:
// the Content-Security-Policy allows only this script (by nonce) and the stylesheet.
(function () {
  const vscode = acquireVsCodeApi();
  const root = document.getElementById('root');
  const note = document.getElementById('note');

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function render(stages, state) {
    root.textContent = '';
    const visited = new Set(state.visited || []);
    const counts = state.counts || {};
    let lastRing = null;
    const maxCount = Math.max(1, ...Object.values(counts).filter((n) => typeof n === 'number'));
    for (const st of stages) {
      if (lastRing !== null && st.ring !== lastRing) {
        root.appendChild(el('div', 'boundary', st.ring === 0 ? 'ring 3 → ring 0' : 'ring 0 → ring 3'));
      }
      lastRing = st.ring;
      const box = el('div', 'stage ring' + st.ring);
      box.setAttribute('role', 'listitem');
      box.dataset.stage = st.id;
      if (st.id === 'sysret' || st.id === 'iret') box.classList.add('alt');
      if (visited.has(st.id)) box.classList.add('visited');
      if (state.stage === st.id) {
        box.classList.add('current');
        box.setAttribute('aria-current', 'step');
      }
      const head = el('div', 'head');
      head.appendChild(el('span', 'title', st.title));
      if (counts[st.id] !== undefined) head.appendChild(el('span', 'count', counts[st.id] + ' insn'));
      box.appendChild(head);
      if (counts[st.id] !== undefined) {
        // bar length = share of the longest stage (CSSOM styles are allowed under the CSP)
        const bar = el('div', 'bar');
        bar.style.width = Math.max(2, Math.round((100 * counts[st.id]) / maxCount)) + '%';
        box.appendChild(bar);
      }
      const ul = el('ul', 'steps');
      for (const s of st.steps) ul.appendChild(el('li', '', s));
      box.appendChild(ul);
      root.appendChild(box);
      if (st.id !== 'back' && st.id !== 'sysret') root.appendChild(el('div', 'arrow', '↓'));
    }
    const parts = [];
    if (state.syscall && state.syscall.name) parts.push('syscall: ' + state.syscall.name + (state.syscall.nr !== undefined ? ' (' + state.syscall.nr + ')' : ''));
    if (state.ring !== undefined) parts.push('CPL ' + state.ring);
    if (state.note) parts.push(state.note);
    if (!state.stage) parts.push('Start a Ringstep debug session and stop on a syscall to see where you are.');
    note.textContent = parts.join(' · ');
    const cur = root.querySelector('.current');
    if (cur && cur.scrollIntoView) cur.scrollIntoView({ block: 'nearest' });
  }

  window.addEventListener('message', (ev) => {
    const m = ev.data;
    if (m && m.type === 'state') {
      render(m.stages, m.state);
      vscode.setState(m);
    }
  });
  const saved = vscode.getState();
  if (saved) render(saved.stages, saved.state);
  vscode.postMessage({ type: 'ready' });
})();
