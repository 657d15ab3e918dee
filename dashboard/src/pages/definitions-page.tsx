/*
 * The stage definitions document (ステージ定義書): what each stage means and
 * when a lead is handed over, as the teams agreed it, beside this period's
 * figures — volume, conversion to the next stage and hand-off quality at
 * each team boundary — and the change log. Printed for the meeting with the
 * page header's PDF button (the print stylesheet keeps each stage whole).
 */
import { DefinitionChangesCard } from '../cards/definition-changes-card';
import { HandoffQualityCard } from '../cards/handoff-quality-card';
import { StageDefinitionsCard } from '../cards/stage-definitions-card';
import { CardStack } from '../components/card-grid';
import { PageHeader } from '../components/page-header';

export function DefinitionsPage() {
  return (
    <>
      <PageHeader page="definitions" />
      <CardStack>
        <StageDefinitionsCard />
        <HandoffQualityCard />
        <DefinitionChangesCard />
      </CardStack>
    </>
  );
}
