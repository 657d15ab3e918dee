// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import { CardRow } from './card-grid';

afterEach(cleanup);

const card = (name: string) => <section data-card={name} />;

describe('CardRow', () => {
  it('sets the cards side by side from xl, a wide card in a span wrapper and a narrow one as it is', () => {
    const { container } = render(
      <CardRow spans={[3, 2]}>
        {card('wide')}
        {card('narrow')}
      </CardRow>,
    );
    const row = container.firstElementChild!;
    expect(row.className).toBe('grid grid-cols-1 gap-5 xl:grid-cols-5');
    expect([...row.children].map((c) => c.className)).toEqual(['xl:col-span-3', 'xl:col-span-2']);
    cleanup();
    const { container: even } = render(
      <CardRow>
        {card('a')}
        {card('b')}
      </CardRow>,
    );
    expect(even.firstElementChild!.className).toBe('grid grid-cols-1 gap-5 xl:grid-cols-2');
    expect([...even.firstElementChild!.children].map((c) => c.getAttribute('data-card'))).toEqual(['a', 'b']);
  });

  it('keeps the width it is given when fewer cards fill it', () => {
    const { container } = render(<CardRow columns={2}>{card('only')}</CardRow>);
    expect(container.firstElementChild!.className).toBe('grid grid-cols-1 gap-5 xl:grid-cols-2');
  });
});
