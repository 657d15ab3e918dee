/*
 * PDCA review: pick a period (the global period filter) and a comparison;
 * this period against the previous one, the same period last year and the
 * plan; the gap decomposition into volume, conversion, velocity and deal
 * size; the biggest movers with the weakest link; the KPI tree; and the
 * action log (hypothesis → action → result) kept on the server, each
 * action with its KPI before and after its start. The page
 * header holds presentation mode, PNG / PDF export for the meeting and the
 * meeting pack's PDF (server/report: the same file as `npm run report`).
 */
import { GapDecompositionCard } from '../cards/gap-decomposition-card';
import { ComparisonPicker, KpiTreeCard, useKpiTreeNodes } from '../cards/kpi-tree-card';
import { MoversCard } from '../cards/movers-card';
import { PeriodComparisonCard } from '../cards/period-comparison-card';
import { ActionKpiEffect } from '../components/action-kpi-effect';
import { ActionLog } from '../components/action-log';
import { MeetingPackButton } from '../components/meeting-pack-button';
import { CardRow, CardStack } from '../components/card-grid';
import { PageHeader } from '../components/page-header';
import { useFilters } from '../hooks/use-filters';

export function ReviewPage() {
  const { periodKey } = useFilters();
  const tree = useKpiTreeNodes();
  // a node can sit under two parents in the tree: offer it once
  const metrics = [...new Map(tree.nodes.map((n) => [n.key, { value: n.key, label: n.label }])).values()];
  return (
    <>
      <PageHeader page="review">
        <ComparisonPicker />
        <MeetingPackButton />
      </PageHeader>
      <CardStack>
        <PeriodComparisonCard />
        <CardRow spans={[3, 2]}>
          <GapDecompositionCard />
          <MoversCard />
        </CardRow>
        <ActionLog
          period={periodKey}
          today={new Date().toISOString().slice(0, 10)}
          metrics={metrics}
          renderEffect={(a) => <ActionKpiEffect action={a} />}
        />
        <KpiTreeCard height={720} picker={false} />
      </CardStack>
    </>
  );
}
