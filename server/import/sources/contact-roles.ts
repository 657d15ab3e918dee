/*
 * Opportunity contact roles: the people a CRM names on a deal, beside the
 * primary contact, for the buying group (docs/metrics.md definition 19;
 * canonical table opportunity_contact_roles: opportunity_id, lead_id, role,
 * is_primary). Optional everywhere: an import without them leaves the
 * table empty and the buying group is read from engagement alone.
 *
 *   Salesforce  OpportunityContactRole (OpportunityId, ContactId, Role,
 *               IsPrimary), Data Loader or report export.
 *   HubSpot     the deal export's "Associated Contact IDs" (every id, ; or ,
 *               separated): associations carry no role in the export, so
 *               role is empty and the first id is marked primary, as the
 *               importer's primary contact is the first id.
 */
import type { FileKind } from './index.js';
import { eachRow, type ImportContext, type Row } from './common.js';

const TRUE = new Set(['true', '1', 'yes', 'y', 'はい', 'checked']);

export const SALESFORCE_CONTACT_ROLE: FileKind = {
  kind: 'OpportunityContactRole',
  requires: ['OpportunityId|Opportunity ID', 'ContactId|Contact ID', 'Role|Contact Role'],
};

export async function readSalesforceContactRoles(files: readonly string[], ctx: ImportContext, footer?: RegExp): Promise<void> {
  for (const file of files) {
    await eachRow(
      ctx,
      file,
      SALESFORCE_CONTACT_ROLE.kind,
      (r) => {
        const deal = r.key(['OpportunityId', 'Opportunity ID'], { required: true });
        const person = r.key(['ContactId', 'Contact ID'], { required: true });
        if (r.rejected || !deal || !person) return;
        addRole(
          ctx,
          r,
          deal,
          person,
          r.get('Role', 'Contact Role') || null,
          TRUE.has(r.get('IsPrimary', 'Primary').toLowerCase()),
        );
      },
      { footer },
    );
  }
}

/** Every contact associated with a HubSpot deal row (the export's id list). */
export function addHubSpotDealContacts(ctx: ImportContext, r: Row, dealKey: string): void {
  const ids = r
    .get('Associated Contact IDs', 'Associated Contact ID')
    .split(/[;,]/)
    .map((id) => id.trim())
    .filter(Boolean);
  ids.forEach((id, i) => addRole(ctx, r, dealKey, `${ctx.source}:${id}`, null, i === 0));
}

function addRole(ctx: ImportContext, r: Row, deal: string, person: string, role: string | null, primary: boolean): void {
  r.add('deal_contact_roles', { deal_key: deal, person_key: person, role, is_primary: primary ? 'true' : 'false' });
}
