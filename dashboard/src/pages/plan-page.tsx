/*
 * Plan (受注から逆算): the reverse plan from the revenue targets as the
 * semantic layer computes it — required volume per stage and month next to
 * actuals, budget per channel and the LTV-based allowable CAC — and the
 * what-if plan, where every assumption can be edited and the plan is
 * recomputed by the server (POST /api/plan). The landing forecast sits
 * beside them with its backtest against the straight-line pace.
 */
import { LandingForecastCard } from '../cards/landing-forecast-card';
import { PlanAttainmentCard } from '../cards/plan-attainment-card';
import { PlanBudgetCard } from '../cards/plan-budget-card';
import { WhatIfPlanCard } from '../cards/what-if-plan-card';
import { CardRow, CardStack } from '../components/card-grid';
import { PageHeader } from '../components/page-header';

export function PlanPage() {
  return (
    <>
      <PageHeader page="plan" />
      <CardStack>
        <CardRow>
          <PlanAttainmentCard />
          <PlanBudgetCard />
        </CardRow>
        <LandingForecastCard />
        <WhatIfPlanCard />
      </CardStack>
    </>
  );
}
