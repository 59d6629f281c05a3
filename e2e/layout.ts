/**
 * Layout checks the browser tests share, for what a screenshot shows and a `scrollWidth` does not:
 * a hint cut off inside its box, text running past the edge of its card (a card hides what
 * overflows it, so the page itself still fits the screen).
 */
import type { Locator, Page } from 'playwright-core';

/** The inputs on the page whose placeholder is wider than the room inside them: "placeholder (text px > room px)". */
export function cutPlaceholders(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const context = document.createElement('canvas').getContext('2d');
    if (!context) return ['no canvas'];
    return [...document.querySelectorAll<HTMLInputElement>('input[placeholder]')].flatMap((input) => {
      if (input.offsetParent === null || input.placeholder === '') return [];
      const s = getComputedStyle(input);
      context.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
      const text = context.measureText(input.placeholder).width;
      const room = input.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
      return text > room ? [`${input.placeholder} (${Math.ceil(text)} px > ${Math.floor(room)} px)`] : [];
    });
  });
}

/**
 * The texts inside `container` whose box ends past the right edge of its content (into its padding,
 * or beyond, where a card cuts it off); scrolled tables excepted.
 */
export function textPastEdge(container: Locator): Promise<string[]> {
  return container.evaluate((root) => {
    const edge = root.getBoundingClientRect().right - parseFloat(getComputedStyle(root).paddingRight) - parseFloat(getComputedStyle(root).borderRightWidth);
    const out: string[] = [];
    for (const el of root.querySelectorAll<HTMLElement>('*')) {
      const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '');
      if (!own || el.closest('.ant-table-content')) continue;
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.right > edge + 1) out.push(`${(el.textContent ?? '').trim().slice(0, 40)} (ends at ${Math.round(box.right)} px, the edge at ${Math.round(edge)} px)`);
    }
    return out;
  });
}

/** The dates (2027-12-01) inside `container` that are broken over two lines. */
export function brokenDates(container: Locator): Promise<string[]> {
  return container.evaluate((root) => {
    const out: string[] = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of (node.textContent ?? '').matchAll(/\d{4}-\d{2}-\d{2}/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (lines.size > 1) out.push(m[0]);
      }
    }
    return out;
  });
}
