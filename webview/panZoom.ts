/**
 * Zoom and pan of the diagram: a `transform` attribute on the viewport group (an SVG attribute,
 * allowed under the strict CSP). Wheel pans, Ctrl/Cmd+wheel zooms around the cursor, dragging the
 * background pans; `+`, `-`, `0` (fit) from the keyboard.
 */

/** Current transform: screen = k * diagram + (x, y). */
export interface View {
  x: number;
  y: number;
  k: number;
}

const MIN_K = 0.1;
const MAX_K = 4;

/** Pan/zoom controller for one SVG. */
export class PanZoom {
  view: View = { x: 0, y: 0, k: 1 };
  private content = { width: 1, height: 1 };
  private target: SVGGElement;
  /** True while the view is the automatic fit: resizes re-fit until the user pans or zooms. */
  private autoFit = false;
  private readonly resize: ResizeObserver;

  constructor(
    private readonly svg: SVGSVGElement,
    target: SVGGElement,
  ) {
    this.target = target;
    this.resize = new ResizeObserver(() => {
      if (this.autoFit) this.fit();
    });
    this.resize.observe(svg);
    svg.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    let drag: { x: number; y: number; vx: number; vy: number } | undefined;
    svg.addEventListener('pointerdown', (e) => {
      // Only the background drags: layers and headers keep their clicks.
      if ((e.target as Element).closest('[data-layer], [data-toggle], .block-header, .flow-header')) return;
      drag = { x: e.clientX, y: e.clientY, vx: this.view.x, vy: this.view.y };
      svg.setPointerCapture(e.pointerId);
      svg.classList.add('panning');
    });
    svg.addEventListener('pointermove', (e) => {
      if (!drag) return;
      this.autoFit = false;
      this.set({ x: drag.vx + e.clientX - drag.x, y: drag.vy + e.clientY - drag.y, k: this.view.k });
    });
    const end = (): void => {
      drag = undefined;
      svg.classList.remove('panning');
    };
    svg.addEventListener('pointerup', end);
    svg.addEventListener('pointercancel', end);
  }

  /** Points the controller at a new diagram group of the given size (after a re-layout). */
  setTarget(target: SVGGElement, width: number, height: number): void {
    this.target = target;
    this.content = { width, height };
    this.apply();
  }

  /** True while the view is the automatic fit (the user has not panned or zoomed since). */
  get fitted(): boolean {
    return this.autoFit;
  }

  /** Stops observing the SVG (before it is replaced). */
  dispose(): void {
    this.resize.disconnect();
  }

  /** Sets the transform. */
  set(v: View): void {
    this.view = { x: v.x, y: v.y, k: Math.max(MIN_K, Math.min(MAX_K, v.k)) };
    this.apply();
  }

  /** Zooms by a factor around a point in SVG client coordinates (default: the centre). */
  zoomBy(factor: number, cx?: number, cy?: number): void {
    const r = this.svg.getBoundingClientRect();
    const px = cx ?? r.width / 2;
    const py = cy ?? r.height / 2;
    this.autoFit = false;
    const k = Math.max(MIN_K, Math.min(MAX_K, this.view.k * factor));
    const f = k / this.view.k;
    this.set({ x: px - (px - this.view.x) * f, y: py - (py - this.view.y) * f, k });
  }

  /** Fits the whole diagram in the SVG's box (never zooming in beyond 100 %). */
  fit(): void {
    const r = this.svg.getBoundingClientRect();
    this.autoFit = true;
    if (r.width === 0 || r.height === 0) return;
    const k = Math.min(1, r.width / this.content.width, r.height / this.content.height);
    this.set({ x: (r.width - this.content.width * k) / 2, y: 0, k });
  }

  /** Pans (keeping the zoom) so that a diagram-space box is centred. */
  centerOn(x: number, y: number, w: number, h: number): void {
    this.autoFit = false;
    const r = this.svg.getBoundingClientRect();
    const k = Math.max(this.view.k, 0.6);
    this.set({ x: r.width / 2 - (x + w / 2) * k, y: r.height / 2 - (y + h / 2) * k, k });
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    const r = this.svg.getBoundingClientRect();
    if (e.ctrlKey || e.metaKey) {
      this.zoomBy(Math.exp(-e.deltaY * 0.002), e.clientX - r.left, e.clientY - r.top);
    } else {
      this.autoFit = false;
      this.set({ x: this.view.x - e.deltaX, y: this.view.y - e.deltaY, k: this.view.k });
    }
  }

  private apply(): void {
    const { x, y, k } = this.view;
    this.target.setAttribute('transform', `translate(${x.toFixed(1)},${y.toFixed(1)}) scale(${k.toFixed(4)})`);
  }
}
