/*
 * The stage definitions document's change log (seeds/
 * stage_definition_changes.csv): date, stage (or the whole document), the
 * change and who agreed it, newest first. One query on
 * `stage_definition_changes`; not cut by the period (the log is the
 * document's history).
 */
import { STAGE_DEFINITION_CHANGES } from '../api/views';
import { DataTable } from '../components/data-table';
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
      <DataTable
        label={t('changes.title')}
        density="roomy"
        rows={q.rows}
        rowKey={(r) => str(r, STAGE_DEFINITION_CHANGES.changeNumber) ?? ''}
        rowProps={() => ({ className: 'align-top' })}
        columns={[
          {
            key: 'date',
            header: t('changes.col.date'),
            className: 'whitespace-nowrap tabular-nums',
            cell: (r) => formatDate(str(r, STAGE_DEFINITION_CHANGES.changedOn), locale),
          },
          {
            key: 'stage',
            header: t('changes.col.stage'),
            className: 'whitespace-nowrap',
            cell: (r) => {
              const stage = str(r, STAGE_DEFINITION_CHANGES.stage);
              return stage ? stageLabel(stage, locale) : t('changes.wholeDocument');
            },
          },
          {
            key: 'change',
            header: t('changes.col.change'),
            cell: (r) =>
              (locale === 'ja'
                ? (str(r, STAGE_DEFINITION_CHANGES.changeJa) ?? str(r, STAGE_DEFINITION_CHANGES.changeEn))
                : (str(r, STAGE_DEFINITION_CHANGES.changeEn) ?? str(r, STAGE_DEFINITION_CHANGES.changeJa))) ?? '–',
          },
          { key: 'agreedBy', header: t('changes.col.agreedBy'), cell: (r) => str(r, STAGE_DEFINITION_CHANGES.agreedBy) },
        ]}
      />
    </DocumentSection>
  );
}
