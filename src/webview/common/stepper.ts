// The stepping controls both panels share: first, previous, play/pause with a speed, next, last,
// jump to any step, "Present", a live/past badge, and the keyboard shortcuts.
import { PLAY_SPEEDS_MS, type PlaySpeedMs, type UiStrings } from '../../shared/protocol';
import { button, el, format } from './dom';
import type { HostPort } from './host';

export interface StepperCallbacks {
  goto(index: number): void;
  present(): void;
  speed(ms: PlaySpeedMs): void;
}

export class Stepper {
  readonly element: HTMLElement;
  private count = 0;
  private index = 0;
  private playing = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private speedMs: PlaySpeedMs = 1000;
  private readonly playButton: HTMLButtonElement;
  private readonly jumpInput: HTMLInputElement;
  private readonly position: HTMLElement;
  private readonly badge: HTMLElement;
  private readonly speedSelect: HTMLSelectElement;
  private readonly buttons: HTMLButtonElement[];

  constructor(private readonly strings: UiStrings, private readonly cb: StepperCallbacks) {
    const first = button('«', strings.first, () => this.go(0), { 'data-action': 'first' });
    const prev = button('‹', strings.previous, () => this.go(this.index - 1), { 'data-action': 'previous' });
    this.playButton = button('▶', strings.play, () => this.toggle(), { 'data-action': 'play', 'aria-pressed': 'false' });
    const next = button('›', strings.next, () => this.go(this.index + 1), { 'data-action': 'next' });
    const last = button('»', strings.last, () => this.go(this.count - 1), { 'data-action': 'last' });
    this.buttons = [first, prev, this.playButton, next, last];
    this.speedSelect = el('select', { 'aria-label': strings.speed, title: strings.speed, 'data-action': 'speed' });
    for (const ms of PLAY_SPEEDS_MS) this.speedSelect.appendChild(el('option', { value: ms }, `${(1000 / ms).toFixed(ms > 1000 ? 1 : 0)}/s`));
    this.speedSelect.addEventListener('change', () => {
      const ms = Number(this.speedSelect.value) as PlaySpeedMs;
      this.speedMs = ms;
      cb.speed(ms);
    });
    this.jumpInput = el('input', { type: 'number', min: 1, 'aria-label': strings.jump, title: strings.jump, class: 'jump', 'data-action': 'jump' });
    this.jumpInput.addEventListener('change', () => {
      const n = Number(this.jumpInput.value);
      if (Number.isInteger(n)) this.go(n - 1);
    });
    this.position = el('span', { class: 'position', 'aria-live': 'polite' });
    // A short label and a whole-sentence tooltip, each localized on its own (no cutting a sentence at
    // ' (', which the Chinese text writes as '（').
    const presentButton = button(strings.presentLabel, strings.present, () => { this.pause(); cb.present(); }, { 'data-action': 'present', class: 'present' });
    this.badge = el('span', { class: 'badge', role: 'status' });
    this.element = el('div', { class: 'stepper', role: 'toolbar', 'aria-label': strings.shortcuts },
      ...this.buttons, el('label', { class: 'speed' }, strings.speed, ' ', this.speedSelect),
      el('label', { class: 'jump-label' }, strings.jump, ' ', this.jumpInput), this.position, presentButton, this.badge);
    document.addEventListener('keydown', (e) => this.onKey(e));
  }

  /** Updates the step count, the position and the live/past badge (cursor null = present). */
  update(count: number, index: number, cursor: number | null, speedMs?: PlaySpeedMs): void {
    this.count = count;
    this.index = Math.max(0, Math.min(index, count - 1));
    if (speedMs !== undefined) { this.speedMs = speedMs; this.speedSelect.value = String(speedMs); }
    this.position.textContent = count > 0 ? format(this.strings.stepOfTotal, this.index + 1, count) : '';
    this.jumpInput.max = String(Math.max(1, count));
    // Never overwrite what the learner is typing into the jump box.
    if (document.activeElement !== this.jumpInput) this.jumpInput.value = count > 0 ? String(this.index + 1) : '';
    this.badge.textContent = cursor === null ? this.strings.live : format(this.strings.past, cursor);
    this.badge.classList.toggle('past', cursor !== null);
    const [first, prev, , next, last] = this.buttons;
    first!.disabled = prev!.disabled = this.index <= 0;
    next!.disabled = last!.disabled = this.index >= count - 1;
    this.playButton.disabled = count <= 1;
    if (this.playing && this.index >= count - 1) this.pause();
  }

  private go(index: number): void {
    if (this.count === 0) return;
    const i = Math.max(0, Math.min(index, this.count - 1));
    if (i === this.index && !this.playing) return;
    this.index = i;
    this.cb.goto(i);
  }

  toggle(): void {
    if (this.playing) this.pause(); else this.play();
  }

  private play(): void {
    if (this.count <= 1) return;
    if (this.index >= this.count - 1) this.go(0);
    this.playing = true;
    this.playButton.textContent = '❚❚';
    this.playButton.title = this.strings.pause;
    this.playButton.setAttribute('aria-label', this.strings.pause);
    this.playButton.setAttribute('aria-pressed', 'true');
    this.tick();
  }

  pause(): void {
    this.playing = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.playButton.textContent = '▶';
    this.playButton.title = this.strings.play;
    this.playButton.setAttribute('aria-label', this.strings.play);
    this.playButton.setAttribute('aria-pressed', 'false');
  }

  private tick(): void {
    this.timer = setTimeout(() => {
      if (!this.playing) return;
      if (this.index >= this.count - 1) { this.pause(); return; }
      this.go(this.index + 1);
      this.tick();
    }, this.speedMs);
  }

  private onKey(e: KeyboardEvent): void {
    const target = e.target as HTMLElement | null;
    if (target && (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA')) return;
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    switch (e.key) {
      case 'ArrowRight': case 'j': this.go(this.index + 1); break;
      case 'ArrowLeft': case 'k': this.go(this.index - 1); break;
      case 'Home': this.go(0); break;
      case 'End': this.go(this.count - 1); break;
      case ' ': if (target?.tagName === 'BUTTON' || target?.getAttribute('role') === 'button') return; this.toggle(); break;
      case 'p': case 'P': this.pause(); this.cb.present(); break;
      case 'g': case 'G': this.jumpInput.focus(); this.jumpInput.select(); break;
      default: return;
    }
    e.preventDefault();
  }
}

/** The stepper both panels show: a move goes to the panel's `go`, Present and a new speed to the host. */
export function panelStepper(strings: UiStrings, port: HostPort, go: (index: number) => void, speedChanged: (ms: PlaySpeedMs) => void): Stepper {
  return new Stepper(strings, {
    goto: go,
    present: () => port.post({ type: 'present' }),
    speed: (ms) => { speedChanged(ms); port.post({ type: 'setSpeed', speedMs: ms }); },
  });
}
