/*
 * A lead's journey as GET /api/leads/:leadId/journey answers it
 * (server/api/journey.ts) and the dashboard's journey page reads it. Times
 * are wall-clock times in the settings' zone, 'YYYY-MM-DDTHH:mm:ss'.
 * Browser-safe.
 */

export const JOURNEY_EVENT_TYPES = ['touch', 'transition', 'opportunity_created', 'opportunity_closed'] as const;
export type JourneyEventType = (typeof JOURNEY_EVENT_TYPES)[number];

export interface JourneyEvent {
  number: number;
  type: JourneyEventType;
  at: string;
  /** Touches: channel, campaign and touch type. */
  channel: string | null;
  campaignId: string | null;
  campaignName: string | null;
  touchType: string | null;
  /** Stage transitions: from (null on the first entry), to, reason, team. */
  fromStage: string | null;
  toStage: string | null;
  /** A transition's reason, or a lost opportunity's lost reason. */
  reason: string | null;
  /** The transition's team, or the opportunity's owner team. */
  team: string | null;
  /** Opportunities (the lead as primary contact). */
  opportunityId: string | null;
  amount: number | null;
  status: string | null;
  dealType: string | null;
}

export interface JourneyLead {
  leadId: string;
  email: string | null;
  accountId: string | null;
  accountName: string | null;
  industry: string | null;
  createdAt: string;
  leadSource: string | null;
  persona: string | null;
  ownerTeam: string | null;
  /** The stage of the lead's latest transition (null without one). */
  currentStage: string | null;
}

export interface LeadJourney {
  lead: JourneyLead;
  events: JourneyEvent[];
  /** The account's other leads (at most 50, oldest first). */
  accountLeads: Omit<JourneyLead, 'accountId' | 'accountName' | 'industry'>[];
}
