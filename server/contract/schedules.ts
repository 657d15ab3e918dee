/*
 * GET /api/schedules (server/deliver/schedules-route.ts), for the Data page:
 * the schedules, their next due time, and the last runs with each delivery's
 * outcome. Browser-safe. Nothing secret: a channel shows its kind and host
 * only, never its webhook URL or key.
 */

export type DeliveryOutcome = 'sent' | 'pending' | 'failed';

export interface ScheduleDeliveryStatus {
  /** Team the message was for, when the schedule writes one per team. */
  team: string | null;
  /** Mail addresses, or the channel's name, kind and host. */
  target: string;
  outcome: DeliveryOutcome;
  attempts: number;
  lastAttemptAt: string | null;
  /** Why the last attempt failed (no secret in it). */
  lastError: string | null;
  /** When the next attempt is due, while pending. */
  nextAttemptAt: string | null;
}

export interface ScheduleRunStatus {
  /** The due time this run is for (ISO, UTC). */
  dueAt: string;
  /** When the runner recorded it. */
  recordedAt: string;
  /** 'nothing' when there was nothing to send (no new breach); 'error' when the content could not be made. */
  outcome: DeliveryOutcome | 'nothing' | 'error';
  error: string | null;
  deliveries: ScheduleDeliveryStatus[];
}

export interface ScheduleStatus {
  id: string;
  rule: string;
  zone: string;
  kind: string;
  target: string;
  language: string;
  audience: string;
  nextDueAt: string | null;
  runs: ScheduleRunStatus[];
}

export interface SchedulesStatus {
  /** The schedules file, as a name (not a path on the server). */
  file: string;
  /** Why the file could not be read (file, line, column, reason), else null. */
  error: string | null;
  schedules: ScheduleStatus[];
}
