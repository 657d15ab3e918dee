/*
 * Routes: the pages inside the shared shell (header, navigation,
 * global filters). Unknown paths fall back to the board.
 */
import { Navigate, Route, Routes } from 'react-router-dom';
import { AppShell } from './components/app-shell';
import { BacklogPage } from './pages/backlog-page';
import { BoardPage } from './pages/board-page';
import { ChannelsPage } from './pages/channels-page';
import { DefinitionsPage } from './pages/definitions-page';
import { FunnelPage } from './pages/funnel-page';
import { JourneyPage } from './pages/journey-page';
import { PlanPage } from './pages/plan-page';
import { ReviewPage } from './pages/review-page';
import { DataPage } from './pages/data-page';

export function App() {
  return (
    <Routes>
      <Route element={<AppShell />}>
        <Route index element={<BoardPage />} />
        <Route path="funnel" element={<FunnelPage />} />
        <Route path="backlog" element={<BacklogPage />} />
        <Route path="channels" element={<ChannelsPage />} />
        <Route path="plan" element={<PlanPage />} />
        <Route path="review" element={<ReviewPage />} />
        <Route path="data" element={<DataPage />} />
        <Route path="definitions" element={<DefinitionsPage />} />
        <Route path="leads/:leadId" element={<JourneyPage />} />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Route>
    </Routes>
  );
}
