/*
 * The state of the PDCA action log: the actions as the server keeps them
 * (/api/actions: they survive restarts and warehouse rebuilds, and every
 * participant of the review sees the same log), the action being edited
 * and the errors of its last save. Saving creates or updates on the server
 * and reads the list again, so the log shows what the server stored.
 */
import { useCallback, useEffect, useState } from 'react';
import type { Action, ActionInput, ActionsClient } from '../api/actions-api';
import { ApiError, type ApiFieldError } from '../api/revcycle-api';
import { EMPTY_DRAFT, actionInputOf, draftOf } from './action-form';

export interface Editing {
  /** null: a new action. */
  id: string | null;
  draft: ActionInput;
  focus?: 'result';
}

export function useActionLog(client: ActionsClient, period: string) {
  const [actions, setActions] = useState<Action[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [fieldErrors, setFieldErrors] = useState<ApiFieldError[]>([]);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const load = useCallback(
    async (opening = false) => {
      try {
        setActions(await client.list({ opening }));
        setLoadError(null);
      } catch (e) {
        setLoadError((e as Error).message);
      }
    },
    [client],
  );
  useEffect(() => {
    void load(true);
  }, [load]);

  const edit = (next: Editing | null) => {
    setFieldErrors([]);
    setSaveError(null);
    setEditing(next);
  };
  const startNew = () => edit({ id: null, draft: { ...EMPTY_DRAFT } });
  /** Close: status done, and the result field first. */
  const startEdit = (a: Action, close = false) =>
    edit({ id: a.id, draft: draftOf(a, close), focus: close ? 'result' : undefined });

  const save = async () => {
    if (!editing) return;
    setSaving(true);
    setFieldErrors([]);
    setSaveError(null);
    const body = actionInputOf(editing.draft);
    try {
      if (editing.id) await client.update(editing.id, body);
      else await client.create({ ...body, period });
      setEditing(null);
      await load();
    } catch (e) {
      if (e instanceof ApiError && e.fields.length > 0) setFieldErrors(e.fields);
      else setSaveError((e as Error).message);
    } finally {
      setSaving(false);
    }
  };

  return { actions, loadError, editing, setEditing, fieldErrors, saveError, saving, startNew, startEdit, save };
}
