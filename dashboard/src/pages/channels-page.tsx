/*
 * Channels: the attribution model picker (all seven models, in the URL as
 * ?model=), attributed pipeline and revenue per channel, cost / CPL / CAC /
 * ROI per channel, the model comparison table, which channels drive each
 * stage conversion, and the content map (which campaigns and touch types
 * move leads between stages; a cell opens the campaign's figures).
 */
import { AttributedChannelsCard } from '../cards/attributed-channels-card';
import { ChannelEconomicsCard } from '../cards/channel-economics-card';
import { CampaignFiguresCard, ContentMapCard } from '../cards/content-map-card';
import { ModelComparisonCard } from '../cards/model-comparison-card';
import { StageDriversCard } from '../cards/stage-drivers-card';
import { CardRow, CardStack } from '../components/card-grid';
import { PageHeader } from '../components/page-header';
import { useModel } from '../hooks/use-page-options';
import { useI18n } from '../i18n/i18n-context';
import { MODELS, modelLabel } from '../i18n/labels';

export function ChannelsPage() {
  const { t, locale } = useI18n();
  const [model, setModel] = useModel();
  return (
    <>
      <PageHeader page="channels" />
      <div className="mb-5 flex flex-wrap items-center gap-3 rounded-tremor-default border border-tremor-border bg-white px-4 py-3 shadow-tremor-card">
        <label htmlFor="model-picker" className="text-tremor-default font-semibold text-tremor-content-strong">
          {t('channels.model.label')}
        </label>
        <select
          id="model-picker"
          value={model}
          onChange={(e) => setModel(e.target.value as typeof model)}
          className="h-8 rounded-tremor-small border border-tremor-border bg-white pl-2 pr-7 text-tremor-default text-tremor-content-strong shadow-tremor-input"
        >
          {MODELS.map((m) => (
            <option key={m} value={m}>
              {modelLabel(m, locale)}
            </option>
          ))}
        </select>
        <p className="text-tremor-label text-tremor-content">{t(`channels.model.help.${model}` as const)}</p>
      </div>
      <CardStack>
        <CardRow>
          <AttributedChannelsCard />
          <ChannelEconomicsCard />
        </CardRow>
        <CardRow spans={[3, 2]}>
          <ModelComparisonCard />
          <StageDriversCard />
        </CardRow>
        <ContentMapCard />
        <CampaignFiguresCard />
      </CardStack>
    </>
  );
}
