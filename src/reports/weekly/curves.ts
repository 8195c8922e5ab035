import type { TradeRecord } from '../../model/position.js';

/** A step curve of equity over market time (ms), starting at the week's opening balance. */
export interface EquityCurve {
  readonly name: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
}

/** A balance over the week: each trade's net PnL at its close (the paper account, or a shadow book), held flat until `until` when given. */
export function balanceCurve(name: string, trades: readonly TradeRecord[], opening: number, from: number, until?: number): EquityCurve {
  let balance = opening;
  const points: Array<[number, number]> = [[from, opening]];
  for (const t of trades) {
    balance += t.net_pnl;
    points.push([Date.parse(t.closed_at), balance]);
  }
  const last = points[points.length - 1]![0];
  if (trades.length > 0 && until !== undefined && until > last) points.push([until, balance]);
  return { name, points };
}

/** Drawdown in percent of the running peak (0 or negative), point by point. */
export function drawdownCurve(curve: EquityCurve): EquityCurve {
  let peak = -Infinity;
  return {
    name: curve.name,
    points: curve.points.map(([t, v]) => {
      peak = Math.max(peak, v);
      return [t, peak > 0 ? ((v - peak) / peak) * 100 : 0] as const;
    }),
  };
}

/** Largest fall from a running peak, percent of that peak, as a positive number; null for a curve of one point. */
export function maxDrawdownPct(curve: EquityCurve): number | null {
  if (curve.points.length < 2) return null;
  return drawdownCurve(curve).points.reduce((worst, [, dd]) => Math.max(worst, -dd), 0);
}
