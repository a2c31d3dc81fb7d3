/**
 * Progressive enhancement for the complaint form; the form works without it.
 * - the description shows a live character count (announced politely, debounced);
 * - the place list shows only the chosen station's places.
 */
export function enhanceReportForm(): void {
  const form = document.getElementById('report-form');
  if (!form) return;
  enhanceCounter(form);
  enhanceLocations(form);
}

function enhanceCounter(form: HTMLElement): void {
  const area = form.querySelector<HTMLTextAreaElement>('textarea[data-counter]');
  if (!area) return;
  const visible = document.getElementById(area.dataset.counter ?? '');
  const live = document.getElementById(`${area.dataset.counter ?? ''}-live`);
  if (!visible) return;
  const max = Number(visible.dataset.max ?? area.maxLength);
  const template = area.dataset.counterTemplate ?? '{n} / {max}';
  const render = () => template.replace('{n}', String(area.value.length)).replace('{max}', String(max));
  let timer: number | undefined;
  const update = () => {
    visible.textContent = render();
    visible.classList.toggle('over', area.value.length > max);
    if (live) {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => (live.textContent = render()), 800);
    }
  };
  visible.hidden = false;
  visible.setAttribute('aria-hidden', 'true');
  area.addEventListener('input', update);
  update();
}

function enhanceLocations(form: HTMLElement): void {
  const select = form.querySelector<HTMLSelectElement>('select[data-filter-by]');
  const station = form.querySelector<HTMLSelectElement>(`#${select?.dataset.filterBy ?? ''}`);
  if (!select || !station) return;
  // Keep the server-rendered groups as the source; rebuild the list from them.
  const groups = Array.from(select.querySelectorAll('optgroup')).map((g) => ({
    station: g.dataset.station ?? '',
    options: Array.from(g.querySelectorAll('option')).map((o) => ({ value: o.value, label: o.textContent ?? '', selected: o.selected })),
  }));
  const none = select.querySelector<HTMLOptionElement>('option[value=""]');
  const noneLabel = none?.textContent ?? '';
  let chosen = select.value;
  const rebuild = () => {
    const group = groups.find((g) => g.station === station.value);
    select.replaceChildren(new Option(noneLabel, ''));
    for (const o of group?.options ?? []) select.add(new Option(o.label, o.value, false, o.value === chosen));
    if (!group?.options.some((o) => o.value === chosen)) select.value = '';
  };
  select.addEventListener('change', () => (chosen = select.value));
  station.addEventListener('change', rebuild);
  rebuild();
}
