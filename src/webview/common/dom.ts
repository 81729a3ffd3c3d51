// DOM building without innerHTML: every text goes through textContent, every attribute through
// setAttribute, so nothing the host sends can become markup.
import { RequestError } from './channel';

type Child = Node | string | number | null | undefined | false;

function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** An HTML element with attributes and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | number | boolean | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    e.setAttribute(k, v === true ? '' : String(v));
  }
  append(e, children);
  return e;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes and children. */
export function svg(tag: string, attrs: Record<string, string | number | undefined> = {}, ...children: Child[]): SVGElement {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) e.setAttribute(k, String(v));
  append(e, children);
  return e as SVGElement;
}

export function clear(node: Element): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}

/** Fills {0}, {1}... of a pre-localized template. */
export function format(template: string, ...args: Array<string | number>): string {
  return template.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m));
}

/** A button with a visible label or an icon-like label plus an accessible name. */
export function button(label: string, title: string, onClick: () => void, attrs: Record<string, string | number | boolean | undefined> = {}): HTMLButtonElement {
  const b = el('button', { type: 'button', title, 'aria-label': title, ...attrs }, label);
  b.addEventListener('click', onClick);
  return b;
}

/** Makes an element act as a button for mouse and keyboard (Enter/Space). */
export function activatable<E extends Element>(e: E, label: string, onActivate: () => void): E {
  e.setAttribute('role', 'button');
  e.setAttribute('tabindex', '0');
  e.setAttribute('aria-label', label);
  e.addEventListener('click', onActivate);
  e.addEventListener('keydown', (ev) => {
    const k = (ev as KeyboardEvent).key;
    if (k === 'Enter' || k === ' ') { ev.preventDefault(); ev.stopPropagation(); onActivate(); }
  });
  return e;
}

/** Shows the host's notice (info, warning or error) in its place, replacing the previous one. */
export function showNotice(host: Element, severity: string, message: string): void {
  clear(host);
  host.className = `notice ${severity}`;
  host.appendChild(el('p', {}, message));
}

/** Says in `host` that a request was refused (`failed`, with the host's message in {0}) or not answered (`timedOut`), instead of waiting forever. */
export function showRequestFailure(host: Element, strings: { requestFailed: string; requestTimedOut: string } | undefined, e: unknown): void {
  if (!strings) return;
  showNotice(host, 'error', e instanceof RequestError && e.timedOut ? strings.requestTimedOut : format(strings.requestFailed, e instanceof Error ? e.message : String(e)));
}

/** The two elements every panel page has: its root (#app) and the live region notices go to. */
export function pageParts(): { app: HTMLElement; notice: HTMLElement } {
  return { app: document.getElementById('app')!, notice: el('div', { class: 'notice', role: 'status' }) };
}

/** Compile-time proof that a switch over messages handled every kind (a new kind makes the call a type error). */
export function handledAll(_message: never): void { /* nothing left to handle */ }
