/**
 * Progressive enhancement for the complaint form; the form works without it.
 * - the description shows a live character count (announced politely, debounced);
 * - the place list shows only the chosen station's places;
 * - once station, place and category are chosen, the open cases of that kind
 *   there are counted (GET /api/public/open-count: counts only) and, when there
 *   are any, the traveler may tick "I have the same problem" (decision=join);
 *   without this script the form's check button asks the server instead.
 */
export function enhanceReportForm(): void {
  const form = document.getElementById('report-form');
  if (!form) return;
  enhanceCounter(form);
  enhanceLocations(form);
  enhanceSameProblem(form);
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

function enhanceSameProblem(form: HTMLElement): void {
  const live = document.getElementById('same-live');
  const check = document.getElementById('same-check');
  const station = form.querySelector<HTMLSelectElement>('#station');
  const location = form.querySelector<HTMLSelectElement>('#location');
  const category = form.querySelector<HTMLSelectElement>('#category');
  if (!live || !station || !location || !category) return;
  const words = live.dataset;
  const statusNames = JSON.parse(words.statusNames ?? '{}') as Record<string, string>;
  const chosenText = (s: HTMLSelectElement) => s.selectedOptions[0]?.textContent?.trim() ?? '';
  let asked = 0;
  const clear = () => {
    live.hidden = true;
    live.replaceChildren();
  };
  const para = (text: string, id?: string) => {
    const p = document.createElement('p');
    p.textContent = text;
    if (id) p.id = id;
    return p;
  };
  const update = async () => {
    if (!station.value || !location.value || !category.value) return clear();
    const mine = ++asked;
    try {
      const query = new URLSearchParams({ station: station.value, location: location.value, category: category.value });
      const res = await fetch(`/api/public/open-count?${query}`, { headers: { accept: 'application/json' } });
      if (mine !== asked) return;
      if (!res.ok) return clear();
      const counts = (await res.json()) as { total: number; byStatus: Record<string, number> };
      if (counts.total === 0) return clear();
      const place = `${chosenText(station)} ${chosenText(location)}`.trim();
      const byStatus = Object.entries(counts.byStatus)
        .filter(([, n]) => n > 0)
        .map(([status, n]) => (words.status ?? '{status}: {n}').replace('{status}', statusNames[status] ?? status).replace('{n}', String(n)));
      const box = document.createElement('label');
      box.className = 'choice';
      const tick = document.createElement('input');
      tick.type = 'checkbox';
      tick.name = 'decision';
      tick.value = 'join';
      tick.id = 'same-join-inline';
      box.append(tick, ` ${words.join ?? ''}`);
      live.replaceChildren(
        para((words.count ?? '').replace('{place}', place).replace('{category}', chosenText(category)).replace('{n}', String(counts.total)), 'same-live-count'),
        para(byStatus.join(' · ')),
        para(words.explain ?? ''),
        box,
      );
      live.hidden = false;
    } catch {
      // Offline or refused: the report is filed as a new one, as without the script.
      clear();
    }
  };
  // The script asks by itself; the server's check is for pages without it.
  if (check) check.hidden = true;
  for (const s of [station, location, category]) s.addEventListener('change', () => void update());
  void update();
}
