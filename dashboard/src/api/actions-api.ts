/*
 * The PDCA action log on the server (/api/actions, server/api/actions.ts).
 * `ActionsClient` is the interface the action log component takes, so tests
 * can pass an in-memory one.
 */
import { apiRequest } from './revcycle-api';

import { ACTION_STATUSES, type Action, type ActionInput, type ActionStatus } from '../../../server/contract/actions';

export { ACTION_STATUSES, type Action, type ActionInput, type ActionStatus };

export interface ActionsClient {
  list(): Promise<Action[]>;
  create(input: ActionInput): Promise<Action>;
  update(id: string, input: ActionInput): Promise<Action>;
  remove(id: string): Promise<void>;
}

export const httpActionsClient: ActionsClient = {
  list: async () => (await apiRequest<{ actions: Action[] }>('/api/actions')).actions,
  create: async (input) => (await apiRequest<{ action: Action }>('/api/actions', { method: 'POST', body: input })).action,
  update: async (id, input) =>
    (await apiRequest<{ action: Action }>(`/api/actions/${encodeURIComponent(id)}`, { method: 'PATCH', body: input })).action,
  remove: async (id) => apiRequest<void>(`/api/actions/${encodeURIComponent(id)}`, { method: 'DELETE' }),
};
