/*
 * The PDCA action log: /api/actions, CRUD for actions a review meeting
 * decides (hypothesis → action → result), kept on the server so every
 * participant sees the same log.
 *
 *   GET    /api/actions            list (newest first); ?status=open|in_progress|done
 *   GET    /api/actions/:id        one action
 *   POST   /api/actions            create → 201
 *   PATCH  /api/actions/:id        change some fields (close = status "done" + result)
 *   DELETE /api/actions/:id        remove → 204
 *
 * An action: id, hypothesis, action, owner, dueDate ('YYYY-MM-DD' or null),
 * status (open | in_progress | done), result, linkedMetric (free reference
 * to a view member), kpiNode (the KPI tree node the action aims at) and
 * startDate ('YYYY-MM-DD', from when its effect is judged), period (the
 * fiscal period it was decided for), createdAt, updatedAt (ISO 8601, set by
 * the server). Actions written before kpiNode and startDate existed read
 * them as null.
 *
 * Auth: a Cube API token (the dashboard's short-lived session token or one
 * from `npm run token`), raw or as "Bearer …"; 401 without a valid one. A
 * token that lists scopes must include "data" (a meta-only token may not
 * write the log) — 403 otherwise. The route rule and the read-only rule
 * (the anonymous local session writes nothing) are checked before
 * (api/index.ts, security/policy.ts).
 * Owners: an action belongs to a team or to the company (`team`, set by the
 * server from the creator's token, never from the body). A team role lists,
 * reads and changes only its own team's actions (another's answer 404, as if
 * absent); executives and analysts list every action and change the
 * company's, not a team's (403 naming the team).
 * Validation: 400 with { error, field } naming the first offending field.
 * (A body that is not JSON at all never reaches this router: Cube's server
 * parses JSON for the whole app first, and its error handler answers 500.
 * The router's own parser and 400 handler apply when it is mounted on an
 * app without that.)
 *
 * Storage: one JSON file, `<stateDir>/actions.json`, outside the warehouse,
 * so it survives server restarts and warehouse rebuilds. Writes go to a
 * temporary file in the same directory, are flushed, then renamed over the
 * old file (atomic on POSIX) and the directory flushed, one at a time through
 * an in-process queue, before the request is answered; a crash (kill -9,
 * power loss) leaves either the old or the new log, never half of one, and
 * keeps every write that was acknowledged (test/faults/kill-server-actions). The file
 * is re-read on every request, so an edit by another process is seen.
 * A file that cannot be parsed is never overwritten: requests fail with 500
 * naming it, until someone repairs or moves it.
 *
 * Limits: one server process writing at a time (the queue is per process);
 * no history of edits beyond updatedAt.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import express from 'express';
import type { Config } from '../config.js';
import { bearerToken, verifyToken } from '../auth.js';
import type { Principal } from '../security/roles.js';

import { ACTION_STATUSES, type Action, type ActionStatus, parseActionInput } from '../contract/actions.js';

export { ACTION_STATUSES, type Action, type ActionStatus };

interface ActionFile {
  version: 1;
  actions: Action[];
}

export class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Checks a create (all required fields) or patch (any subset) body (server/contract/actions.ts); returns the cleaned fields. */
export function validateActionInput<M extends 'create' | 'patch'>(body: unknown, mode: M) {
  const r = parseActionInput(body, mode);
  if (!r.ok) throw new FieldError(r.field, r.message);
  return r.value;
}

export class ActionStore {
  readonly file: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(stateDir: string) {
    this.file = path.join(stateDir, 'actions.json');
  }

  async list(): Promise<Action[]> {
    return (await this.read()).actions;
  }

  /** Runs one read-modify-write at a time, then writes the result atomically. */
  mutate<T>(change: (actions: Action[]) => T): Promise<T> {
    const run = this.queue.then(async () => {
      const data = await this.read();
      const result = change(data.actions);
      await this.write(data);
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async read(): Promise<ActionFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, actions: [] };
      throw e;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new Error(`the action log ${this.file} is not valid JSON (${(e as Error).message}); repair or move it`, { cause: e });
    }
    const actions = (parsed as Partial<ActionFile>)?.actions;
    if (!Array.isArray(actions)) throw new Error(`the action log ${this.file} has no "actions" array; repair or move it`);
    // fields added after the first version of the file read as null
    return {
      version: 1,
      actions: actions.map((a: Action) => ({
        ...a,
        kpiNode: a.kpiNode ?? null,
        startDate: a.startDate ?? null,
        team: a.team ?? null,
      })),
    };
  }

  private async write(data: ActionFile): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.${randomUUID()}.tmp`;
    const handle = await open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(data, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(tmp, this.file);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    // The rename is only durable once the directory entry is flushed too; the caller acknowledges after this.
    const dir = await open(path.dirname(this.file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}

function authorize(config: Config, req: express.Request, res: express.Response): boolean {
  const token = bearerToken(req.get('authorization'));
  if (!token) {
    res.status(401).json({ error: 'A token is required (Authorization header).' });
    return false;
  }
  try {
    const claims = verifyToken(config.apiSecret, token);
    if (Array.isArray(claims.scopes) && !claims.scopes.includes('data')) {
      res.status(403).json({ error: 'This token may not use the action log (it needs the "data" scope).' });
      return false;
    }
    return true;
  } catch (e) {
    res.status(401).json({ error: `Invalid token: ${(e as Error).message}` });
    return false;
  }
}

/** The team whose actions a principal works on; null for the company's (executive, analyst). */
const teamOf = (p: Principal | undefined): string | null => (p?.role === 'team' ? (p.team ?? null) : null);

/** Whether the principal sees the action at all: a team only its own; executives and analysts every one. */
const sees = (p: Principal | undefined, a: Action) => p?.role !== 'team' || (a.team ?? null) === teamOf(p);

/** null when the principal may change the action, else why not. */
function changeRefusal(p: Principal | undefined, a: Action): string | null {
  const owner = a.team ?? null;
  if (owner === teamOf(p)) return null;
  return owner === null
    ? "this action is the company's; executives and analysts change it"
    : `this action belongs to team ${owner}; only that team changes it`;
}

export function actionsRouter(config: Config): express.Router {
  const store = new ActionStore(config.stateDir);
  const router = express.Router();
  router.use((req, res, next) => {
    res.set('Cache-Control', 'no-store');
    if (authorize(config, req, res)) next();
  });
  router.use(express.json({ limit: '64kb' }));

  const fail = (res: express.Response, e: unknown) => {
    if (e instanceof FieldError) res.status(400).json({ error: e.message, field: e.field });
    else if (e instanceof NotFound) res.status(404).json({ error: e.message });
    else if (e instanceof NotYours) res.status(403).json({ error: `Forbidden: ${e.message}` });
    else res.status(500).json({ error: (e as Error).message });
  };
  const principalOf = (res: express.Response) => res.locals.principal as Principal | undefined;
  /** The action of that id the principal may see, or NotFound; with `change`, NotYours when it may not change it. */
  const ownAction = (actions: Action[], id: string, p: Principal | undefined, change: boolean): number => {
    const i = actions.findIndex((a) => a.id === id && sees(p, a));
    if (i === -1) throw new NotFound(id);
    const refusal = change ? changeRefusal(p, actions[i]!) : null;
    if (refusal) throw new NotYours(refusal);
    return i;
  };

  router.get('/', async (req, res) => {
    try {
      const status = req.query.status;
      if (status !== undefined && !ACTION_STATUSES.includes(status as ActionStatus)) {
        throw new FieldError('status', `status must be one of ${ACTION_STATUSES.join(', ')}`);
      }
      const actions = (await store.list())
        .filter((a) => sees(principalOf(res), a))
        .filter((a) => status === undefined || a.status === status)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      res.json({ actions });
    } catch (e) {
      fail(res, e);
    }
  });

  router.get('/:id', async (req, res) => {
    try {
      const actions = await store.list();
      res.json({ action: actions[ownAction(actions, req.params.id, principalOf(res), false)] });
    } catch (e) {
      fail(res, e);
    }
  });

  router.post('/', async (req, res) => {
    try {
      const input = validateActionInput(req.body, 'create');
      const now = new Date().toISOString();
      const action: Action = {
        id: randomUUID(),
        hypothesis: input.hypothesis!,
        action: input.action!,
        owner: input.owner!,
        dueDate: input.dueDate ?? null,
        status: input.status ?? 'open',
        result: input.result ?? null,
        linkedMetric: input.linkedMetric ?? null,
        kpiNode: input.kpiNode ?? null,
        startDate: input.startDate ?? null,
        period: input.period ?? null,
        team: teamOf(principalOf(res)),
        createdAt: now,
        updatedAt: now,
      };
      await store.mutate((actions) => actions.push(action));
      res.status(201).json({ action });
    } catch (e) {
      fail(res, e);
    }
  });

  router.patch('/:id', async (req, res) => {
    try {
      const input = validateActionInput(req.body, 'patch');
      const action = await store.mutate((actions) => {
        const i = ownAction(actions, req.params.id, principalOf(res), true);
        const updated: Action = { ...actions[i]!, ...input, updatedAt: new Date().toISOString() };
        actions[i] = updated;
        return updated;
      });
      res.json({ action });
    } catch (e) {
      fail(res, e);
    }
  });

  router.delete('/:id', async (req, res) => {
    try {
      await store.mutate((actions) => {
        actions.splice(ownAction(actions, req.params.id, principalOf(res), true), 1);
      });
      res.status(204).end();
    } catch (e) {
      fail(res, e);
    }
  });

  // A body that is not JSON: 400 naming it, not Express's HTML page.
  router.use((err: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if ((err as { type?: string })?.type === 'entity.parse.failed')
      res.status(400).json({ error: 'the body is not valid JSON', field: 'body' });
    else if ((err as { type?: string })?.type === 'entity.too.large')
      res.status(413).json({ error: 'the body is larger than 64 kB', field: 'body' });
    else next(err);
  });

  return router;
}

class NotYours extends Error {}

class NotFound extends Error {
  constructor(id: string) {
    super(`no action with id ${id}`);
  }
}
