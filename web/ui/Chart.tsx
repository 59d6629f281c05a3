/**
 * A small ECharts wrapper: one instance per mount (init on mount, dispose on unmount), the option
 * set again whenever it changes, resized with its container. Only bar charts with grid, tooltip and
 * legend are registered (echarts/core + the parts used), which keeps the bundle small; import this
 * from lazily loaded pages only, so the rest of the console never loads echarts.
 *
 * The canvas is not readable by a screen reader: the container is an image (role="img") whose
 * aria-label summarises the chart, and the page shows the same numbers in a table.
 */
import { useEffect, useRef, type CSSProperties } from 'react';
import { BarChart, type BarSeriesOption } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, type GridComponentOption, type LegendComponentOption, type TooltipComponentOption } from 'echarts/components';
import { init, use, type ComposeOption, type EChartsType } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = ComposeOption<BarSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;

export function Chart({ option, label, height = 300, style, testId }: { option: ChartOption; label: string; height?: number; style?: CSSProperties; testId?: string }) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const instance = init(el, undefined, { renderer: 'canvas' });
    chart.current = instance;
    // The window's size, but also the layout's (the menu collapsing at a breakpoint changes the
    // content's width after the window's resize event): follow the container itself.
    const resize = () => instance.resize();
    window.addEventListener('resize', resize);
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(resize);
    observer?.observe(el);
    return () => {
      window.removeEventListener('resize', resize);
      observer?.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  // Runs after the effect above (effects run in order), on mount and on every new option.
  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={container} role="img" aria-label={label} data-testid={testId} style={{ width: '100%', height, ...style }} />;
}
