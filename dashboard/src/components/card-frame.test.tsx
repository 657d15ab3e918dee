// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { I18nProvider } from '../i18n/i18n-context';
import { CardFrame, type CardState } from './card-frame';

afterEach(cleanup);

function frame(state: CardState, nothing?: boolean) {
  render(
    <MemoryRouter>
      <I18nProvider initial="en">
        <CardFrame
          title="Recycle rate"
          height={300}
          state={state}
          nothing={nothing}
          emptyReason="No lead was recycled in FY2025."
        >
          <p>figures</p>
        </CardFrame>
      </I18nProvider>
    </MemoryRouter>,
  );
  return screen.getByRole('region', { name: 'Recycle rate' }).getAttribute('data-card-state');
}

describe('CardFrame', () => {
  it('shows an answer with nothing for the card as empty, with the reason, and leaves other states as they are', () => {
    expect(frame({ status: 'ready' }, true)).toBe('empty');
    expect(screen.getByRole('status').textContent).toContain('No lead was recycled in FY2025.');
    expect(screen.queryByText('figures')).toBeNull();
    cleanup();
    expect(frame({ status: 'ready' }, false)).toBe('ready');
    expect(screen.getByText('figures')).toBeTruthy();
    cleanup();
    expect(frame({ status: 'error', error: 'paths: timeout' }, true)).toBe('error');
    expect(screen.getByRole('alert').textContent).toContain('paths: timeout');
    cleanup();
    expect(frame({ status: 'loading' }, true)).toBe('loading');
  });
});
