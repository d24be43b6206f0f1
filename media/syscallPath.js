// Draws the Syscall Path diagram from the extension's state messages. No inline handlers, no eval:
// the Content-Security-Policy allows only this script (by nonce) and the stylesheet.
(function () {
  const vscode = acquireVsCodeApi();
  const summary = document.getElementById('summary');
  const root = document.getElementById('root');
  const note = document.getElementById('note');

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function pct(n, total) {
    const p = (100 * n) / Math.max(1, total);
    return p >= 10 ? Math.round(p) + '%' : p.toFixed(1) + '%';
  }

  /** The last syscall at a glance: name, total, exit path, and one bar split by stage. */
  function renderSummary(stages, profile) {
    summary.textContent = '';
    if (!profile) {
      summary.hidden = true;
      return;
    }
    summary.hidden = false;
    const head = el('div', 'sum-head');
    head.appendChild(el('span', 'sum-name', profile.name + '()'));
    head.appendChild(el('span', 'sum-total', profile.total.toLocaleString() + ' instructions in ring 0'));
    summary.appendChild(head);
    const sub = el('div', 'sum-sub');
    sub.appendChild(el('span', '', 'last syscall · nr ' + profile.nr + ' · back via '));
    sub.appendChild(el('span', 'exit-badge exit-' + profile.exit, profile.exit === 'iret' ? 'IRET' : 'SYSRET'));
    summary.appendChild(sub);
    const bar = el('div', 'stack');
    bar.setAttribute('role', 'img');
    const titles = new Map(stages.map((s) => [s.id, s.title]));
    const parts = profile.stages.map((s) => (titles.get(s.id) || s.id) + ' ' + s.instructions);
    bar.setAttribute('aria-label', 'Instructions per stage: ' + parts.join(', '));
    for (const s of profile.stages) {
      const seg = el('div', 'seg st-' + s.id);
      seg.style.width = (100 * s.instructions) / Math.max(1, profile.total) + '%';
      seg.title = (titles.get(s.id) || s.id) + ': ' + s.instructions + ' (' + pct(s.instructions, profile.total) + ')';
      bar.appendChild(seg);
    }
    summary.appendChild(bar);
  }

  function render(stages, state) {
    root.textContent = '';
    const visited = new Set(state.visited || []);
    const profile = state.profile;
    const counts = {};
    if (profile) for (const s of profile.stages) counts[s.id] = s.instructions;
    renderSummary(stages, profile);
    const maxCount = Math.max(1, ...Object.values(counts));
    let lastRing = null;
    for (const st of stages) {
      if (lastRing !== null && st.ring !== lastRing) {
        root.appendChild(el('div', 'boundary', st.ring === 0 ? 'ring 3 → ring 0' : 'ring 0 → ring 3'));
      }
      lastRing = st.ring;
      const box = el('div', 'stage ring' + st.ring + ' st-' + st.id);
      box.setAttribute('role', 'listitem');
      box.dataset.stage = st.id;
      if (st.id === 'sysret' || st.id === 'iret') {
        box.classList.add('alt');
        if (profile) box.classList.add(profile.exit === st.id ? 'taken' : 'not-taken');
      }
      if (visited.has(st.id)) box.classList.add('visited');
      if (state.stage === st.id) {
        box.classList.add('current');
        box.setAttribute('aria-current', 'step');
      }
      const head = el('div', 'head');
      head.appendChild(el('span', 'title', st.title));
      if (state.stage === st.id) head.appendChild(el('span', 'here', 'you are here'));
      box.appendChild(head);
      if (counts[st.id] !== undefined) {
        // bar length = share of the longest stage (CSSOM styles are allowed under the CSP)
        const row = el('div', 'meter');
        const track = el('div', 'track');
        const bar = el('div', 'bar');
        bar.style.width = Math.max(2, (100 * counts[st.id]) / maxCount) + '%';
        track.appendChild(bar);
        row.appendChild(track);
        const num = el('span', 'count', String(counts[st.id]));
        num.title = pct(counts[st.id], profile.total) + ' of ' + profile.total;
        row.appendChild(num);
        box.appendChild(row);
      } else if (profile && st.ring === 0 && !(st.id === 'sysret' || st.id === 'iret')) {
        box.appendChild(el('div', 'none', 'not reached by ' + profile.name));
      }
      const ul = el('ul', 'steps');
      for (const s of st.steps) ul.appendChild(el('li', '', s));
      box.appendChild(ul);
      root.appendChild(box);
      if (st.id !== 'back' && st.id !== 'sysret') root.appendChild(el('div', 'arrow', '↓'));
    }
    const parts = [];
    if (state.syscall && state.syscall.name) parts.push('now: ' + state.syscall.name + (state.syscall.nr !== undefined ? ' (' + state.syscall.nr + ')' : ''));
    if (state.ring !== undefined) parts.push('CPL ' + state.ring);
    if (state.note) parts.push(state.note);
    if (!state.stage) parts.push('Start a Ringstep debug session and stop on a syscall to see where you are.');
    note.textContent = parts.join(' · ');
    const cur = root.querySelector('.current');
    if (cur && cur.scrollIntoView) cur.scrollIntoView({ block: 'center' }); // clear of the sticky summary
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
