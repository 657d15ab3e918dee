// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { Action, ActionInput, ActionsClient } from '../api/actions-api';
import { ApiError } from '../api/revcycle-api';
import { I18nProvider } from '../i18n/i18n-context';
import { ActionLog } from './action-log';

afterEach(cleanup);

/** An in-memory stand-in for /api/actions with the server's required fields. */
function memoryClient(initial: Action[] = []): ActionsClient & { actions: Action[] } {
  const store = { actions: [...initial] };
  let n = 0;
  const check = (input: ActionInput, create: boolean) => {
    for (const f of ['hypothesis', 'action', 'owner'] as const) {
      if ((create || f in input) && !input[f]?.trim())
        throw new ApiError(400, `${f} is required`, [{ field: f, message: `${f} is required` }]);
    }
  };
  return Object.assign(store, {
    list: async () => [...store.actions],
    create: async (input: ActionInput) => {
      check(input, true);
      const now = `2026-11-2${n}T00:00:00Z`;
      const a: Action = {
        id: `a${++n}`,
        hypothesis: '',
        action: '',
        owner: '',
        dueDate: null,
        status: 'open',
        result: null,
        linkedMetric: null,
        kpiNode: null,
        startDate: null,
        period: null,
        createdAt: now,
        updatedAt: now,
        ...input,
      } as Action;
      store.actions.unshift(a);
      return a;
    },
    update: async (id: string, input: ActionInput) => {
      check(input, false);
      const i = store.actions.findIndex((a) => a.id === id);
      store.actions[i] = { ...store.actions[i]!, ...input } as Action;
      return store.actions[i]!;
    },
    remove: async () => undefined,
  });
}

/** Opens the empty log's new-action form, fills its fields by label and saves; returns the form. */
async function saveNewAction(fields: Record<string, string>): Promise<HTMLElement> {
  await screen.findByText(/No action yet/);
  fireEvent.click(screen.getByRole('button', { name: 'Add action' }));
  const form = screen.getByRole('form', { name: 'New action' });
  for (const [label, value] of Object.entries(fields))
    fireEvent.change(within(form).getByLabelText(label), { target: { value } });
  fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
  return form;
}

const existing: Action = {
  id: 'x1',
  hypothesis: 'MQL → SAL fell: follow-up is slow',
  action: 'Call new MQLs within 24h',
  owner: 'IS team',
  dueDate: '2026-11-01',
  status: 'in_progress',
  result: null,
  linkedMetric: null,
  kpiNode: 'conversion:mql->sal',
  startDate: '2026-09-01',
  period: 'FY2026',
  createdAt: '2026-10-01T00:00:00Z',
  updatedAt: '2026-10-01T00:00:00Z',
};

const renderLog = (client: ActionsClient) =>
  render(
    <I18nProvider initial="en">
      <ActionLog
        client={client}
        period="FY2026-Q3"
        today="2026-11-20"
        metrics={[
          { value: 'conversion:mql->sal', label: 'MQL → SAL flow conversion' },
          { value: 'wins', label: 'wins' },
        ]}
        renderEffect={(a) => (
          <span>
            effect of {a.kpiNode} from {a.startDate}
          </span>
        )}
      />
    </I18nProvider>,
  );

describe('ActionLog', () => {
  it('lists actions with status in words, overdue dates and the linked KPI’s name', async () => {
    renderLog(memoryClient([existing]));
    const row = await screen.findByText('MQL → SAL fell: follow-up is slow');
    const tr = row.closest('tr')!;
    expect(within(tr).getByText('In progress')).toBeTruthy();
    expect(within(tr).getByText('overdue')).toBeTruthy();
    expect(within(tr).getByText('MQL → SAL flow conversion')).toBeTruthy();
    expect(screen.getByRole('radio', { name: 'In progress 1' })).toBeTruthy();
  });

  it('creates an action for the current period', async () => {
    const client = memoryClient();
    renderLog(client);
    await saveNewAction({
      Hypothesis: 'Webinar leads convert better',
      Action: 'Double the webinar cadence',
      Owner: 'Marketing',
      'Due date': '2026-12-15',
    });
    await screen.findByText('Webinar leads convert better');
    expect(client.actions[0]).toMatchObject({
      owner: 'Marketing',
      dueDate: '2026-12-15',
      status: 'open',
      period: 'FY2026-Q3',
      kpiNode: null,
      startDate: null,
    });
    expect(screen.queryByRole('form')).toBeNull();
  });

  it('names the KPI node an action aims at and its start date, and shows its effect', async () => {
    const client = memoryClient();
    renderLog(client);
    await saveNewAction({
      Hypothesis: 'More webinars, more wins',
      Action: 'Monthly webinar',
      Owner: 'Marketing',
      'KPI it aims at': 'wins',
      'Start date': '2026-09-01',
    });
    await waitFor(() => expect(screen.queryByRole('form')).toBeNull());
    const tr = screen.getByText('More webinars, more wins').closest('tr')!;
    expect(client.actions[0]).toMatchObject({ kpiNode: 'wins', startDate: '2026-09-01' });
    expect(within(tr).getByText('wins')).toBeTruthy();
    expect(within(tr).getByText('effect of wins from 2026-09-01')).toBeTruthy();
  });

  it('shows a field error from the server under the field and keeps the form', async () => {
    renderLog(memoryClient());
    const form = await saveNewAction({ Hypothesis: 'H' });
    const alert = await within(form).findByRole('alert');
    expect(alert.textContent).toBe('action is required');
    expect(within(form).getByLabelText('Action').getAttribute('aria-invalid')).toBe('true');
  });

  it('closes an action with its result', async () => {
    const client = memoryClient([existing]);
    renderLog(client);
    fireEvent.click(await screen.findByRole('button', { name: `Close action: ${existing.hypothesis}` }));
    const form = screen.getByRole('form', { name: 'Edit action' });
    expect((within(form).getByLabelText('Status') as HTMLSelectElement).value).toBe('done');
    expect(document.activeElement).toBe(within(form).getByLabelText('Result'));
    fireEvent.change(within(form).getByLabelText('Result'), { target: { value: 'MQL → SAL back to 70%' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(client.actions[0]).toMatchObject({ status: 'done', result: 'MQL → SAL back to 70%' }));
    const tr = (await screen.findByText('MQL → SAL back to 70%')).closest('tr')!;
    expect(within(tr).getByText('Done')).toBeTruthy();
    expect(within(tr).queryByText('overdue')).toBeNull();
  });

  it('says when the log cannot be loaded', async () => {
    renderLog({
      ...memoryClient(),
      list: async () => {
        throw new Error('/api/actions 500: disk full');
      },
    });
    expect((await screen.findByRole('alert')).textContent).toContain('disk full');
  });
});
