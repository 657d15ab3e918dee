/*
 * Backlog (滞留): inventory per stage over time, the aging distribution and
 * stuck leads per stage against SLA at the period's reference day, and the
 * list of stuck leads (paged, sortable, CSV) for inside sales.
 */
import { AgingCard } from '../cards/aging-card';
import { InventoryTrendCard } from '../cards/inventory-trend-card';
import { StuckLeadsCard } from '../cards/stuck-leads-card';
import { StuckSlaCard } from '../cards/stuck-sla-card';
import { CardRow, CardStack } from '../components/card-grid';
import { PageHeader } from '../components/page-header';

export function BacklogPage() {
  return (
    <>
      <PageHeader page="backlog" />
      <CardStack>
        <InventoryTrendCard />
        <CardRow>
          <AgingCard />
          <StuckSlaCard />
        </CardRow>
        <StuckLeadsCard />
      </CardStack>
    </>
  );
}
