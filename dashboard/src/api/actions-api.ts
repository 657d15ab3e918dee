/*
 * The PDCA action log on the server (/api/actions, server/api/actions.ts).
 * `ActionsClient` is the interface the action log component takes, so tests
 * can pass an in-memory one.
 */
import { apiRequest, batchedApiRequest } from './revcycle-api';

import { ACTION_STATUSES, type Action, type ActionInput, type ActionStatus } from '../../../server/contract/actions';

export { ACTION_STATUSES, type Action, type ActionInput, type ActionStatus };

export interface ActionsClient {
  /** `opening`: the page's first read, which may go with its Cube requests (one round trip fewer). */
  list(options?: { opening?: boolean }): Promise<Action[]>;
  create(input: ActionInput): Promise<Action>;
  update(id: string, input: ActionInput): Promise<Action>;
  remove(id: string): Promise<void>;
}

// Callers that ask for the list while a request for it is on the way share that request (one round trip).
let listing: Promise<Action[]> | null = null;

export const httpActionsClient: ActionsClient = {
  list: ({ opening = false } = {}) =>
    (listing ??= (
      opening ? batchedApiRequest<{ actions: Action[] }>({ route: 'actions' }) : apiRequest<{ actions: Action[] }>('/api/actions')
    )
      .then((r) => r.actions)
      .finally(() => {
        listing = null;
      })),
  create: async (input) => (await apiRequest<{ action: Action }>('/api/actions', { method: 'POST', body: input })).action,
  update: async (id, input) =>
    (await apiRequest<{ action: Action }>(`/api/actions/${encodeURIComponent(id)}`, { method: 'PATCH', body: input })).action,
  remove: async (id) => apiRequest<void>(`/api/actions/${encodeURIComponent(id)}`, { method: 'DELETE' }),
};
