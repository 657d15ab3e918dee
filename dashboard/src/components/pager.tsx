/*
 * Paging under a list the server pages (Cube limit/offset with the total
 * count): "page 2 of 9 (21–40 of 175)" and previous / next buttons, in a
 * named navigation landmark.
 */
import { useI18n } from '../i18n/i18n-context';
import { formatCount } from '../lib/format';

export function Pager(props: { label: string; page: number; pageSize: number; total: number; onPage(page: number): void }) {
  const { t, locale } = useI18n();
  const { page, pageSize, total, onPage } = props;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const button = 'rounded-tremor-small border border-tremor-border px-2 py-0.5 disabled:opacity-40';
  return (
    <nav aria-label={props.label} className="mt-2 flex items-center justify-between text-tremor-label text-tremor-content">
      <span>
        {t('backlog.list.pageOf', {
          page: page + 1,
          pages,
          from: formatCount(page * pageSize + 1, locale),
          to: formatCount(Math.min(total, (page + 1) * pageSize), locale),
          total: formatCount(total, locale),
        })}
      </span>
      <span className="flex gap-2">
        <button type="button" disabled={page === 0} onClick={() => onPage(Math.max(0, page - 1))} className={button}>
          {t('backlog.list.prev')}
        </button>
        <button type="button" disabled={page + 1 >= pages} onClick={() => onPage(page + 1)} className={button}>
          {t('backlog.list.next')}
        </button>
      </span>
    </nav>
  );
}
