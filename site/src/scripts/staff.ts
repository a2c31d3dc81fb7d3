/**
 * Progressive enhancement for the console; every page works without it.
 * Deadline countdowns (`<span data-due="ISO">`) tick every minute.
 */
export function enhanceStaff(): void {
  const tick = () => {
    const now = Date.now();
    for (const el of document.querySelectorAll<HTMLElement>('[data-due]')) {
      const due = Date.parse(el.dataset.due ?? '');
      if (Number.isNaN(due)) continue;
      el.textContent = describe(Math.round((due - now) / 60_000));
      el.classList.toggle('overdue', due < now);
    }
  };
  tick();
  window.setInterval(tick, 60_000);
}

function describe(minutes: number): string {
  const m = Math.abs(minutes);
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const min = m % 60;
  const span = d > 0 ? `${d} 天 ${h} 小时` : h > 0 ? `${h} 小时 ${min} 分` : `${min} 分钟`;
  return minutes < 0 ? `超期 ${span}` : `剩余 ${span}`;
}
