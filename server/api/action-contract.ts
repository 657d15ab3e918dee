/*
 * The PDCA action log's wire contract, shared by the server route
 * (server/api/actions.ts) and the dashboard client (dashboard/src/api/actions-api.ts).
 * No Node imports: the dashboard bundle includes this file.
 */
export const ACTION_STATUSES = ['open', 'in_progress', 'done'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export interface Action {
  id: string;
  hypothesis: string;
  action: string;
  owner: string;
  dueDate: string | null;
  status: ActionStatus;
  result: string | null;
  linkedMetric: string | null;
  period: string | null;
  createdAt: string;
  updatedAt: string;
}
