// @vitest-environment jsdom
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { I18nProvider } from '../i18n/i18n-context';
import type { PlanOverrides } from '../lib/build-plan-request';
import { PlanForm, type PlanBaseline } from './plan-form';

afterEach(cleanup);

const baseline: PlanBaseline = {
  revenueTarget: 1_200_000_000,
  averageDealSize: 5_000_000,
  conversionRates: { 'lead->mql': 0.36, 'mql->sal': 0.66, 'sal->sql': 0.51, 'sql->opportunity': 0.59, 'opportunity->won': 0.26 },
  velocityDays: { 'lead->mql': 8.5, 'mql->sal': 2.1, 'sal->sql': 1.9, 'sql->opportunity': 7.3, 'opportunity->won': 65 },
  channelMix: { seo: 0.6, webinar: 0.4 },
  channelCpl: { seo: 5000, webinar: 30000 },
  ltvCacTarget: 3,
};

function Harness({ onChange, errors }: { onChange?: (o: PlanOverrides) => void; errors?: { field: string; message: string }[] }) {
  const [overrides, setOverrides] = useState<PlanOverrides>({});
  return (
    <I18nProvider initial="en">
      <PlanForm
        baseline={baseline}
        overrides={overrides}
        errors={errors}
        onChange={(o) => {
          setOverrides(o);
          onChange?.(o);
        }}
        onReset={() => {
          setOverrides({});
          onChange?.({});
        }}
      />
    </I18nProvider>
  );
}

describe('PlanForm', () => {
  it('shows every assumption with its observed value', () => {
    render(<Harness />);
    expect((screen.getByLabelText('Average deal size') as HTMLInputElement).placeholder).toBe('5000000');
    expect((screen.getByLabelText('Conversion Lead → MQL') as HTMLInputElement).placeholder).toBe('36');
    expect((screen.getByLabelText('Velocity Opportunity → Won (days)') as HTMLInputElement).placeholder).toBe('65');
    expect((screen.getByLabelText('Share of Webinar') as HTMLInputElement).placeholder).toBe('40');
    expect((screen.getByLabelText('CPL of SEO') as HTMLInputElement).placeholder).toBe('5000');
    expect(screen.getByText('All assumptions as observed (trailing 12 months).')).toBeTruthy();
  });

  it('turns typed values into overrides in the API’s units (percent → ratio)', () => {
    const onChange = vi.fn();
    render(<Harness onChange={onChange} />);
    fireEvent.change(screen.getByLabelText('Conversion Lead → MQL'), { target: { value: '40' } });
    expect(onChange).toHaveBeenLastCalledWith({ conversionRates: { 'lead->mql': 0.4 } });
    fireEvent.change(screen.getByLabelText('Average deal size'), { target: { value: '6,000,000' } });
    expect(onChange).toHaveBeenLastCalledWith({ conversionRates: { 'lead->mql': 0.4 }, averageDealSize: 6_000_000 });
    expect(screen.getByText('Changed assumptions: 2')).toBeTruthy();
  });

  it('edits the channel mix as a whole and shows the normalised share', () => {
    const onChange = vi.fn();
    render(<Harness onChange={onChange} />);
    fireEvent.change(screen.getByLabelText('Share of SEO'), { target: { value: '20' } });
    expect(onChange).toHaveBeenLastCalledWith({ channelMix: { seo: 0.2, webinar: 0.4 } });
    expect(screen.getByText('→ 33.3%')).toBeTruthy();
  });

  it('returns a cleared field to the observed value, and resets everything', () => {
    const onChange = vi.fn();
    render(<Harness onChange={onChange} />);
    const input = screen.getByLabelText('Target LTV : CAC');
    fireEvent.change(input, { target: { value: '4' } });
    expect(onChange).toHaveBeenLastCalledWith({ ltvCacTarget: 4 });
    fireEvent.change(input, { target: { value: '' } });
    expect(onChange).toHaveBeenLastCalledWith({});
    fireEvent.change(screen.getByLabelText('Average deal size'), { target: { value: '1' } });
    fireEvent.click(screen.getByRole('button', { name: /Reset to observed/ }));
    expect(onChange).toHaveBeenLastCalledWith({});
    expect((screen.getByLabelText('Average deal size') as HTMLInputElement).value).toBe('');
  });

  it('shows the server’s field errors under the field', () => {
    render(<Harness errors={[{ field: 'conversionRates.mql->sal', message: 'rate must be in (0, 1]' }]} />);
    const input = screen.getByLabelText('Conversion MQL → SAL');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('alert').textContent).toBe('rate must be in (0, 1]');
  });
});
