// Server-side bar charts for the dashboard: this module lays the bars out (pure geometry and
// words), and the template `dashboard-charts.njk` draws them as SVG through Nunjucks, which
// escapes every label and link — a category name with `<` in it is text, never markup.
// Horizontal bars with the label above each bar: long Chinese labels need no truncation, and the
// chart stays readable when a phone scales it down.

/** One thing counted: its label, its number, and where the number leads (the filtered queue). */
export interface ChartItem {
  label: string;
  value: number;
  /** The filtered queue; undefined when the queue has no filter that lists exactly these tips. */
  href?: string | undefined;
  /** A fill colour (hex) for this bar; the chart's own colour otherwise. */
  colour?: string | undefined;
  /** A stable name of the number (e.g. `state:received`), for tests and scripts that read the page. */
  key?: string | undefined;
}

/** A series of the grouped chart (e.g. 新收 and 办结 per week). */
export interface ChartSeries {
  name: string;
  colour: string;
}

export interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
  colour: string;
  value: number;
  /** Where the number is written: after the bar's end. */
  valueX: number;
  valueY: number;
  /** The bar's <title>: label, series and number in words. */
  title: string;
  href: string | undefined;
  key: string | undefined;
}

export interface ChartRow {
  label: string;
  labelY: number;
  bars: Bar[];
}

export interface BarChart {
  id: string;
  /** The chart's accessible name (its <title>). */
  title: string;
  /** Every number in words: the chart's <desc>, for screen readers and as its text alternative. */
  description: string;
  width: number;
  height: number;
  rows: ChartRow[];
  series: ChartSeries[];
  /** y of the legend line (grouped charts), else undefined. */
  legendY: number | undefined;
  unit: string;
  empty: boolean;
}

/** Natural width of the drawing (viewBox units = CSS pixels when there is room). */
export const CHART_WIDTH = 420;
const LABEL_SIZE = 17;
const BAR_HEIGHT = 22;

const BAR_GAP = 4;
const ROW_GAP = 14;
/** Room kept right of the longest bar for its number. */
const VALUE_ROOM = 60;

export const BRAND = '#0b5cad';

/** A horizontal bar chart, one bar per item. */
export function barChart(id: string, title: string, items: readonly ChartItem[], opts: ChartOptions & { colour?: string } = {}): BarChart {
  return groupedBarChart(id, title, items.map((i) => ({ label: i.label, values: [{ value: i.value, href: i.href, colour: i.colour, key: i.key }] })),
    [{ name: '', colour: opts.colour ?? BRAND }], opts);
}

export interface ChartOptions {
  /** 件 unless said otherwise. */
  unit?: string;
  /**
   * Width kept left of the bars for the labels, which then sit beside their bars; without it
   * each label sits above its bars (for long labels such as category names).
   */
  labelWidth?: number;
}

export interface GroupedItem {
  label: string;
  values: Array<{ value: number; href?: string | undefined; colour?: string | undefined; key?: string | undefined }>;
}

/** Bars grouped per row, one per series (a legend names the series when there are several). */
export function groupedBarChart(
  id: string, title: string, items: readonly GroupedItem[], series: readonly ChartSeries[], opts: ChartOptions = {},
): BarChart {
  const unit = opts.unit ?? '件';
  const left = opts.labelWidth ?? 0;
  const max = Math.max(1, ...items.flatMap((i) => i.values.map((v) => v.value)));
  const scale = (CHART_WIDTH - left - VALUE_ROOM) / max;
  const legendY = series.length > 1 ? LABEL_SIZE : undefined;
  let y = legendY === undefined ? 0 : legendY + ROW_GAP;
  const rows: ChartRow[] = items.map((item) => {
    let labelY: number;
    if (left > 0) {
      // Beside the bars, on the middle of the group.
      const groupHeight = item.values.length * (BAR_HEIGHT + BAR_GAP) - BAR_GAP;
      labelY = y + groupHeight / 2 + LABEL_SIZE / 2 - 2;
    } else {
      labelY = y + LABEL_SIZE;
      y = labelY + 6;
    }
    const bars = item.values.map((v, si) => {
      const s = series[si] ?? series[0] ?? { name: '', colour: BRAND };
      // A zero still shows a sliver, so the row does not look like missing data.
      const width = Math.max(2, Math.round(v.value * scale));
      const bar: Bar = {
        x: left, y, width, height: BAR_HEIGHT, colour: v.colour ?? s.colour, value: v.value,
        valueX: left + width + 8, valueY: y + BAR_HEIGHT - 5,
        title: `${item.label}${s.name ? `，${s.name}` : ''}：${v.value}${unit}`,
        href: v.href,
        key: v.key,
      };
      y += BAR_HEIGHT + BAR_GAP;
      return bar;
    });
    y += ROW_GAP - BAR_GAP;
    return { label: item.label, labelY, bars };
  });
  const description = items.length === 0
    ? '暂无数据'
    : items.map((i) => i.values.map((v, si) => `${i.label}${series.length > 1 ? (series[si]?.name ?? '') : ''}${v.value}${unit}`).join('，')).join('；');
  return {
    id, title, description, width: CHART_WIDTH, height: Math.max(y, 40), rows, series: [...series], legendY, unit,
    empty: items.length === 0,
  };
}
