// A time-series chart (uPlot on a canvas): vitals over days in the chart, over minutes in the live
// view. Updates reuse the plot (setData), so a 1-second refresh does not rebuild it.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

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
  const shape = series.map((line) => `${line.label}|${line.unit}`).join(',');

  useEffect(() => {
    const element = holder.current;
    if (!element) return;
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
    plot.current = new uPlot(options, [times, ...series.map((line) => line.values)], element);
    const resize = new ResizeObserver(() => {
      plot.current?.setSize({ width: Math.max(element.clientWidth, 240), height });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [shape, height]);

  useEffect(() => {
    plot.current?.setData([times, ...series.map((line) => line.values)]);
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
