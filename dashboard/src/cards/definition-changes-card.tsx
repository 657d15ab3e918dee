/*
 * The stage definitions document's change log (seeds/
 * stage_definition_changes.csv): date, stage (or the whole document), the
 * change and who agreed it, newest first. One query on
 * `stage_definition_changes`; not cut by the period (the log is the
 * document's history).
 */
import { STAGE_DEFINITION_CHANGES } from '../api/views';
import { DocumentSection } from '../components/document-section';
import { str, useViewQuery } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { stageLabel } from '../i18n/labels';
import { formatDate } from '../lib/format';

export function DefinitionChangesCard() {
  const { t, locale } = useI18n();
  const q = useViewQuery({
    dimensions: Object.values(STAGE_DEFINITION_CHANGES),
    order: [[STAGE_DEFINITION_CHANGES.changeNumber, 'desc']],
  });
  return (
    <DocumentSection title={t('changes.title')} subtitle={t('changes.subtitle')} state={q} emptyReason={t('changes.empty')}>
      <table className="w-full text-tremor-default" aria-label={t('changes.title')}>
        <thead className="text-left text-tremor-label text-tremor-content">
          <tr className="border-b border-tremor-border">
            <th scope="col" className="py-2 pr-4 font-medium">
              {t('changes.col.date')}
            </th>
            <th scope="col" className="py-2 pr-4 font-medium">
              {t('changes.col.stage')}
            </th>
            <th scope="col" className="py-2 pr-4 font-medium">
              {t('changes.col.change')}
            </th>
            <th scope="col" className="py-2 font-medium">
              {t('changes.col.agreedBy')}
            </th>
          </tr>
        </thead>
        <tbody>
          {q.rows.map((r) => {
            const stage = str(r, STAGE_DEFINITION_CHANGES.stage);
            const change =
              locale === 'ja'
                ? (str(r, STAGE_DEFINITION_CHANGES.changeJa) ?? str(r, STAGE_DEFINITION_CHANGES.changeEn))
                : (str(r, STAGE_DEFINITION_CHANGES.changeEn) ?? str(r, STAGE_DEFINITION_CHANGES.changeJa));
            return (
              <tr key={str(r, STAGE_DEFINITION_CHANGES.changeNumber)} className="border-b border-tremor-border/60 align-top">
                <td className="whitespace-nowrap py-2 pr-4 tabular-nums">
                  {formatDate(str(r, STAGE_DEFINITION_CHANGES.changedOn), locale)}
                </td>
                <td className="whitespace-nowrap py-2 pr-4">{stage ? stageLabel(stage, locale) : t('changes.wholeDocument')}</td>
                <td className="py-2 pr-4">{change ?? '–'}</td>
                <td className="py-2">{str(r, STAGE_DEFINITION_CHANGES.agreedBy)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </DocumentSection>
  );
}
