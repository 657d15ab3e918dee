/*
 * The head of a channel budget table (channel, share, leads, CPL, budget, CAC,
 * bound; the CAC is a channel's attributed program CAC, docs/metrics.md
 * definition 9): the same columns on the plan's budget card and in the what-if plan.
 */
import { useI18n } from '../i18n/i18n-context';

export function BudgetTableHead({ sticky = false }: { sticky?: boolean }) {
  const { t } = useI18n();
  const th = 'px-2 py-1.5 text-right font-medium';
  return (
    <thead className={`${sticky ? 'sticky top-0 bg-white ' : ''}text-tremor-label text-tremor-content`}>
      <tr className="border-b border-tremor-border">
        <th scope="col" className="py-1.5 text-left font-medium">
          {t('channels.col.channel')}
        </th>
        <th scope="col" className={th}>
          {t('plan.form.share')}
        </th>
        <th scope="col" className={th}>
          {t('plan.whatIf.leads')}
        </th>
        <th scope="col" className={th}>
          CPL
        </th>
        <th scope="col" className={th}>
          {t('plan.whatIf.budgetCol')}
        </th>
        <th scope="col" className={th}>
          {t('cac.channelProgram')}
        </th>
        <th scope="col" className="py-1.5 pl-2 text-left font-medium">
          {t('plan.whatIf.bound')}
        </th>
      </tr>
    </thead>
  );
}
