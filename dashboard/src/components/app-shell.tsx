/*
 * The frame around every page: product header with navigation, the data's
 * as-of day and the language switch; the global filter bar; and the page
 * itself. Presentation mode (?present=1, for PDCA meetings) hides the
 * navigation and filters, enlarges type and leaves a slim bar with the
 * period and an exit button (Esc also exits).
 */
import { useEffect, useId, useState } from 'react';
import { NavLink, Outlet, useLocation, useSearchParams } from 'react-router-dom';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/messages';
import { globalSearch } from '../lib/build-filters';
import { formatDate, formatPeriodKey } from '../lib/format';
import { useFilters } from '../hooks/use-filters';
import { useSettings } from '../state/settings';
import { useSemanticLayer } from '../state/semantic-layer';
import { FilterBar } from './filter-bar';
import { AlertIcon, LogoMark, MenuIcon } from './icons';

export const NAV: { to: string; key: MessageKey }[] = [
  { to: '/', key: 'nav.board' },
  { to: '/funnel', key: 'nav.funnel' },
  { to: '/backlog', key: 'nav.backlog' },
  { to: '/channels', key: 'nav.channels' },
  { to: '/plan', key: 'nav.plan' },
  { to: '/review', key: 'nav.review' },
  { to: '/data', key: 'nav.data' },
  { to: '/definitions', key: 'nav.definitions' },
];

export function usePresentation() {
  const [params, setParams] = useSearchParams();
  const presenting = params.get('present') === '1';
  const setPresenting = (on: boolean) =>
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      if (on) next.set('present', '1');
      else next.delete('present');
      return next;
    });
  return { presenting, setPresenting };
}

export function AppShell() {
  const { t, locale, setLocale } = useI18n();
  const settings = useSettings();
  const layer = useSemanticLayer();
  const { presenting, setPresenting } = usePresentation();
  const { periodKey } = useFilters();
  const [params] = useSearchParams();
  const location = useLocation();
  const search = globalSearch(params);

  useEffect(() => {
    document.documentElement.classList.toggle('presenting', presenting);
    if (!presenting) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setPresenting(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [presenting]);

  useEffect(() => {
    const page = NAV.find((n) => n.to === location.pathname);
    document.title = page ? `${t(page.key)} · revcycle` : 'revcycle';
  }, [location.pathname, t]);

  return (
    <div className="min-h-screen bg-tremor-background-muted text-tremor-content-emphasis">
      {presenting ? (
        <div
          className="sticky top-0 z-20 flex items-center justify-between border-b border-tremor-border bg-white/95 px-8 py-2 backdrop-blur"
          data-export-ignore="true"
        >
          <div className="flex items-center gap-3">
            <LogoMark className="text-2xl" />
            <span className="font-semibold text-tremor-content-strong">revcycle</span>
            <span className="text-tremor-content">{formatPeriodKey(periodKey, locale)}</span>
          </div>
          <button
            type="button"
            onClick={() => setPresenting(false)}
            className="rounded-tremor-small border border-tremor-border px-3 py-1 text-tremor-default hover:bg-tremor-background-subtle"
          >
            {t('present.exit')}
          </button>
        </div>
      ) : (
        <header className="relative z-20 border-b border-tremor-border bg-white lg:sticky lg:top-0 print:static">
          <div className="mx-auto flex max-w-[1400px] flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
            <a href={`/${search}`} className="mr-auto flex items-center gap-2.5 lg:mr-0">
              <LogoMark className="text-[28px]" />
              <span className="leading-tight">
                <span className="block text-[17px] font-bold tracking-tight text-tremor-content-strong">revcycle</span>
                <span className="block text-[11px] text-tremor-content">{t('app.tagline')}</span>
              </span>
            </a>
            <PageMenu search={search} />
            <div className="flex w-full items-center justify-between gap-4 sm:w-auto lg:order-last">
              {settings.status === 'loading' ? (
                // The data's as-of day is not known yet: no date rather than today's (docs/metrics.md, as_of).
                <span className="text-tremor-label text-tremor-content" aria-busy="true" data-as-of="pending">
                  {t('app.asOfPending')}
                </span>
              ) : (
                <span
                  className="text-tremor-label text-tremor-content"
                  title={t(`asof.source.${settings.source.asOf}` as MessageKey)}
                  data-as-of={settings.asOf}
                >
                  {t('app.asOf', { date: formatDate(settings.asOf, locale) })}
                </span>
              )}
              <div
                role="group"
                aria-label={t('lang.label')}
                className="flex overflow-hidden rounded-tremor-small border border-tremor-border text-tremor-label print:hidden"
              >
                {(['ja', 'en'] as const).map((l) => (
                  <button
                    key={l}
                    type="button"
                    lang={l}
                    aria-pressed={locale === l}
                    onClick={() => setLocale(l)}
                    className={`px-2.5 py-1 font-medium ${locale === l ? 'bg-tremor-content-strong text-white' : 'bg-white text-tremor-content-emphasis hover:bg-tremor-background-subtle'}`}
                  >
                    {l === 'ja' ? '日本語' : 'English'}
                  </button>
                ))}
              </div>
            </div>
          </div>
          <FilterBar />
        </header>
      )}
      {layer.status === 'error' ? (
        <div
          role="alert"
          className="mx-auto mt-4 flex max-w-[1400px] items-center gap-2 rounded-tremor-default border border-red-200 bg-red-50 px-4 py-3 text-red-800"
        >
          <AlertIcon />
          {t('app.metaError', { error: layer.error ?? '' })}
        </div>
      ) : null}
      <main className={`mx-auto max-w-[1400px] px-4 pb-12 pt-6 sm:px-6 ${presenting ? 'presenting-main' : ''}`} id="page">
        <Outlet />
      </main>
    </div>
  );
}

/**
 * The page list: inline from the `lg` breakpoint; below it a menu button
 * that opens the list as a panel under the header (a row of eight links
 * does not fit a phone or a tablet). Choosing a page or Esc closes it.
 */
function PageMenu({ search }: { search: string }) {
  const { t } = useI18n();
  const location = useLocation();
  const [open, setOpen] = useState(false);
  const listId = useId();

  useEffect(() => setOpen(false), [location.pathname]);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);

  return (
    <nav aria-label={t('nav.label')} className="lg:flex-1 print:hidden">
      <button
        type="button"
        className="inline-flex items-center gap-1.5 rounded-tremor-small border border-tremor-border px-2.5 py-1.5 text-tremor-default font-medium text-tremor-content-emphasis hover:bg-tremor-background-subtle lg:hidden"
        aria-expanded={open}
        aria-controls={listId}
        title={t(open ? 'nav.menuClose' : 'nav.menuOpen')}
        onClick={() => setOpen((o) => !o)}
      >
        <MenuIcon />
        {t('nav.menu')}
      </button>
      <ul
        id={listId}
        className={`${open ? 'absolute inset-x-0 top-full flex' : 'hidden'} flex-col gap-1 border-b border-tremor-border bg-white px-4 py-2 shadow-tremor-dropdown lg:static lg:flex lg:flex-row lg:items-center lg:border-0 lg:p-0 lg:shadow-none`}
      >
        {NAV.map((n) => (
          <li key={n.to}>
            <NavLink
              to={`${n.to}${search}`}
              end={n.to === '/'}
              className={({ isActive }) =>
                `block whitespace-nowrap rounded-tremor-small px-3 py-2 text-tremor-default font-medium transition-colors lg:py-1.5 ${
                  isActive
                    ? 'bg-tremor-brand-faint text-tremor-brand-emphasis'
                    : 'text-tremor-content-emphasis hover:bg-tremor-background-subtle hover:text-tremor-content-strong'
                }`
              }
            >
              {t(n.key)}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
