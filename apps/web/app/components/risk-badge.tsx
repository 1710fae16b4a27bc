// NEWS2 score with its risk band: colour and words together (WCAG: not colour alone).
import { type RiskBand, riskLabel } from '../monitoring/risk.ts';

export function RiskBadge({ band, total, red }: { band?: RiskBand; total?: number; red?: boolean }) {
  if (!band) return <span class="risk risk-unknown">No score</span>;
  return (
    <span class={`risk risk-${band}`}>
      <span class="risk-total">NEWS2 {total ?? '—'}</span> <span class="risk-band">{riskLabel(band)}</span>
      {red && <span class="risk-red"> · single parameter 3</span>}
    </span>
  );
}
