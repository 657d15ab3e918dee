import { Card, Metric, Text, Title } from '@tremor/react';
import { useCubeQuery } from '@cubejs-client/react';

export function App() {
  const { resultSet, isLoading, error } = useCubeQuery({ measures: ['leads_overview.leads'] });
  const value = resultSet?.tablePivot()[0]?.['leads_overview.leads'];
  return (
    <main className="mx-auto max-w-5xl p-8">
      <Title>revcycle</Title>
      <Card className="mt-6 max-w-xs" aria-label="見込み客数">
        <Text>見込み客数 (Leads)</Text>
        {error ? <Text className="text-red-600">{error.message}</Text>
          : <Metric aria-busy={isLoading}>{isLoading || value === undefined ? '…' : Number(value).toLocaleString('ja-JP')}</Metric>}
      </Card>
    </main>
  );
}
