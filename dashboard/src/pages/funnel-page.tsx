/*
 * Funnel: stage volumes with skips, the cohort conversion matrix with
 * immature cohorts marked, flow conversion (labelled as the monthly-report
 * ratio), velocity per stage pair, the success / fast / detour path mix with
 * recycle rates, a breakdown by lead source, persona or industry, and the
 * buying group (which personas engaged before the deal win) with the
 * accounts in motion this week. The
 * lead / account grain switch applies to volumes, cohorts and breakdown.
 */
import { AccountsInMotionCard } from '../cards/accounts-in-motion-card';
import { BuyingGroupCard } from '../cards/buying-group-card';
import { CohortMatrixCard } from '../cards/cohort-matrix-card';
import { FlowConversionCard } from '../cards/flow-conversion-card';
import { FunnelBreakdownCard } from '../cards/funnel-breakdown-card';
import { PathMixCard } from '../cards/path-mix-card';
import { RecycleRateCard } from '../cards/recycle-rate-card';
import { StageVolumeCard } from '../cards/stage-volume-card';
import { VelocityCard } from '../cards/velocity-card';
import { CardRow, CardStack } from '../components/card-grid';
import { PageHeader, Segmented } from '../components/page-header';
import { useGrain } from '../hooks/use-page-options';
import { useI18n } from '../i18n/i18n-context';

export function FunnelPage() {
  const { t } = useI18n();
  const [grain, setGrain] = useGrain();
  return (
    <>
      <PageHeader page="funnel">
        <Segmented
          label={t('grain.label')}
          value={grain}
          onChange={setGrain}
          options={[
            { value: 'lead', label: t('grain.lead') },
            { value: 'account', label: t('grain.account') },
          ]}
        />
      </PageHeader>
      <CardStack>
        <CardRow spans={[2, 1]}>
          <StageVolumeCard />
          <PathMixCard />
        </CardRow>
        <CohortMatrixCard />
        <CardRow>
          <FlowConversionCard />
          <VelocityCard />
        </CardRow>
        <CardRow spans={[2, 1]}>
          <FunnelBreakdownCard />
          <RecycleRateCard />
        </CardRow>
        <CardRow>
          <BuyingGroupCard />
          <AccountsInMotionCard />
        </CardRow>
      </CardStack>
    </>
  );
}
