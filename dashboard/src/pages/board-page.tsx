/*
 * KGI/KPI board (the default page): revenue against target for the fiscal
 * month, quarter and year to date with run-rate forecasts; the headline
 * KPIs of new business as the KPI tree and the review count them (wins,
 * win rate, average deal size, sales cycle), the open pipeline and
 * LTV:CAC, each linking to the page that explains it; and the KPI tree
 * with the weakest link.
 */
import { DEALS } from '../api/views';
import { DealKpiTiles, PipelineTile, type DealKpiTileProps } from '../cards/deal-kpi-tile';
import { KpiTreeCard } from '../cards/kpi-tree-card';
import { LtvCacTile } from '../cards/ltv-cac-tile';
import { RevenueTargetCard } from '../cards/revenue-target-card';
import { CardStack } from '../components/card-grid';
import { PageHeader } from '../components/page-header';

const DEAL_TILES: DealKpiTileProps[] = [
  { measure: DEALS.newWon, title: 'board.kpi.newWins', unit: 'count', link: '/funnel' },
  { measure: DEALS.newWinRate, title: 'board.kpi.winRate', unit: 'ratio', link: '/funnel' },
  { measure: DEALS.avgDealSize, title: 'board.kpi.avgDealSize', unit: 'JPY', link: '/review' },
  { measure: DEALS.newAvgSalesCycleDays, title: 'board.kpi.salesCycle', unit: 'days', link: '/funnel', higherIsBetter: false },
];

export function BoardPage() {
  return (
    <>
      <PageHeader page="board" />
      <CardStack>
        <RevenueTargetCard />
        <div className="grid grid-cols-2 gap-5 md:grid-cols-3 xl:grid-cols-6">
          <DealKpiTiles tiles={DEAL_TILES} />
          <PipelineTile />
          <LtvCacTile />
        </div>
        <KpiTreeCard link="/review" height={720} />
      </CardStack>
    </>
  );
}
