(() => {
    const vw = document.documentElement.clientWidth;
    const doc = { scrollWidth: document.documentElement.scrollWidth, bodyScroll: document.body.scrollWidth, vw };
    const over = [];
    const isScrollParent = (el) => {
      for (let e = el?.parentElement; e; e = e.parentElement) {
        const s = getComputedStyle(e);
        if ((s.overflowX === 'auto' || s.overflowX === 'scroll' || s.overflowX === 'hidden') && e !== document.body && e !== document.documentElement) return e;
      }
      return null;
    };
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const b = el.getBoundingClientRect();
      if (b.width === 0 || b.height === 0) continue;
      const s = getComputedStyle(el);
      if (s.visibility === 'hidden' || s.display === 'none') continue;
      if (b.right > vw + 1 || b.left < -1) {
        const sp = isScrollParent(el);
        const spb = sp?.getBoundingClientRect();
        const clipped = sp && spb && spb.right <= vw + 1 && spb.left >= -1;
        if (!clipped) over.push(`${el.tagName.toLowerCase()}.${(el.className && typeof el.className === 'string' ? el.className : '').split(' ').slice(0, 2).join('.')} [${Math.round(b.left)},${Math.round(b.right)}] "${(el.textContent ?? '').trim().slice(0, 40)}"`);
      }
    }
    // text truncated with ellipsis / clipped by overflow hidden
    const cut = [];
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const s = getComputedStyle(el);
      if ((s.overflow === 'hidden' || s.overflowX === 'hidden' || s.textOverflow === 'ellipsis') && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0 && (el.textContent ?? '').trim()) {
        cut.push(`${el.tagName.toLowerCase()}.${(typeof el.className === 'string' ? el.className : '').split(' ').slice(0, 2).join('.')} sw=${el.scrollWidth} cw=${el.clientWidth} "${(el.textContent ?? '').trim().slice(0, 50)}"`);
      }
    }
    const eng = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const txt = n.textContent ?? '';
      const p = n.parentElement;
      if (!p || !/[A-Za-z]{2,}/.test(txt)) continue;
      if (p.closest('script,style,svg')) continue;
      const b = p.getBoundingClientRect();
      if (b.width === 0) continue;
      eng.add(txt.trim().slice(0, 80));
    }
    // attributes that are user-visible
    for (const el of Array.from(document.querySelectorAll('[placeholder],[title],[aria-label],img[alt]'))) {
      for (const a of ['placeholder', 'title', 'aria-label', 'alt']) {
        const v = el.getAttribute(a);
        if (v && /[A-Za-z]{3,}/.test(v)) eng.add(`@${a}=${v.slice(0, 60)}`);
      }
    }
    return { doc, over: over.slice(0, 12), overCount: over.length, cut: cut.slice(0, 10), eng: [...eng] };
})()