// A time-series chart (uPlot on a canvas): vitals over days in the chart, over minutes in the live
// view. Updates reuse the plot (setData), so a 1-second refresh does not rebuild it. uPlot is
// loaded on demand, the first time a chart is shown: the screens without charts (and the first
// load) do without it.
import { useEffect, useRef } from 'preact/hooks';
import type uPlot from 'uplot';

let uplotModule: Promise<typeof uPlot> | undefined;
const loadUplot = () => {
  uplotModule ??= import('uplot').then((module) => module.default);
  return uplotModule;
};

export interface Series {
  label: string;
  unit: string;
  colour: string;
  /** Seconds since epoch, ascending; one array per series, aligned with `times`. */
  values: Array<number | null>;
}

export function TimeSeriesChart({
  title,
  times,
  series,
  height = 180,
}: {
  title: string;
  times: number[];
  series: Series[];
  height?: number;
}) {
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // What the plot shows when it is made (uPlot may arrive after newer data).
  const data = useRef<uPlot.AlignedData>([times]);
  data.current = [times, ...series.map((line) => line.values)];
  const shape = series.map((line) => `${line.label}|${line.unit}`).join(',');

  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    let gone = false;
    let resize: ResizeObserver | undefined;
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 240),
      height,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [
        { stroke: '#3d4b57', grid: { stroke: '#e3e8ec' } },
        { stroke: '#3d4b57', grid: { stroke: '#e3e8ec' } },
      ],
      series: [
        {},
        ...series.map((line) => ({
          label: `${line.label} (${line.unit})`,
          stroke: line.colour,
          width: 2,
          spanGaps: true,
        })),
      ],
    };
    void loadUplot().then((UPlot) => {
      if (gone) return;
      plot.current = new UPlot(options, data.current, element);
      resize = new ResizeObserver(() => {
        plot.current?.setSize({ width: Math.max(element.clientWidth, 240), height });
      });
      resize.observe(element);
    });
    return () => {
      gone = true;
      resize?.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [shape, height]);

  useEffect(() => {
    plot.current?.setData(data.current);
  }, [times, series]);

  const latest = series
    .map((line) => {
      const value = [...line.values].reverse().find((candidate) => candidate !== null);
      return value === undefined ? undefined : `${line.label} ${value} ${line.unit}`;
    })
    .filter(Boolean)
    .join(', ');
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div
        ref={holder}
        class="chart-canvas"
        role="img"
        aria-label={`${title}: ${times.length} readings${latest ? `; latest ${latest}` : ''}`}
      />
    </figure>
  );
}
