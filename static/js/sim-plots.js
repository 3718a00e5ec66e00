// BokehJS plots for simulation results: grouped bar charts, and what the zone map (sim-map.js)
// shares with them.
// Only bokeh.min.js is needed: plots are built from Bokeh.Models (no Bokeh.Plotting, no eval).
// Each plot is built once and then updated in place (source.data = ...), which keeps a
// slider-to-redraw fast. See docs/bokehjs-notes.md for what works under the site's CSP.

// Each at least 3:1 against white (WCAG 1.4.11) and told apart by hue as well as lightness.
const SERIES_COLOURS = ["#0f5c63", "#c25700", "#7b4fa0", "#1f6fb2", "#6b737e"];
const MAX_BARS = 25; // categories shown in a chart; the table under "Show the numbers" has all
export const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";

let loading = null;

// Load bokeh.min.js once per page (several simulations share it).
export function loadBokeh(url) {
  if (window.Bokeh) return Promise.resolve(window.Bokeh);
  loading = loading || new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.onload = () => (window.Bokeh ? resolve(window.Bokeh) : reject(new Error("BokehJS did not start")));
    script.onerror = () => reject(new Error("the plotting library could not be downloaded"));
    document.head.append(script);
  });
  return loading;
}

export const models = () => window.Bokeh.Models;

const formats = new Map(); // one Intl.NumberFormat per precision: making one per call is slow
export function formatNumber(value, digits = 4) {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  if (!formats.has(digits)) formats.set(digits, new Intl.NumberFormat("en-GB", { maximumFractionDigits: digits }));
  return formats.get(digits).format(value);
}

function sameArray(a, b) {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

// Replace a source's data unless it is unchanged (every assignment costs a repaint).
export function setData(source, data) {
  const text = JSON.stringify(data);
  if (source.leadupDataText === text) return;
  source.leadupDataText = text;
  source.data = data;
}

export async function show(plot, element) {
  const { Document } = window.Bokeh.require("document");
  const doc = new Document();
  doc.add_root(plot);
  element.replaceChildren();
  await window.Bokeh.embed.add_document_standalone(doc, element);
}

export function basePlot(options) {
  const M = models();
  return new M.Plot({
    sizing_mode: "stretch_width",
    toolbar_location: null,
    min_border_left: 8,
    min_border_right: 16,
    min_border_top: 8,
    min_border_bottom: 8,
    outline_line_color: null,
    border_fill_color: "#ffffff",
    ...options,
  });
}

function styleAxis(axis) {
  axis.major_label_text_font = FONT;
  axis.major_label_text_font_size = "12px";
  axis.major_label_text_color = "#1b1f24";
  axis.axis_label_text_font = FONT;
  axis.axis_label_text_font_size = "12px";
  axis.axis_label_text_font_style = "normal";
  axis.axis_label_text_color = "#4f5661";
  return axis;
}

// A legend in HTML rather than in the canvas: it wraps on a phone and screen readers read it.
export function htmlLegend(element, title, entries, shape) {
  if (!element) return;
  const key = JSON.stringify([title, entries, shape]);
  if (element.dataset.legend === key) return;
  element.dataset.legend = key;
  const items = entries.map((entry) => {
    const item = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.className = `sim-swatch sim-swatch-${shape}`;
    swatch.setAttribute("aria-hidden", "true");
    swatch.style.backgroundColor = entry.color; // CSSOM, allowed by the CSP (no style attribute)
    item.append(swatch, document.createTextNode(entry.label));
    return item;
  });
  const list = document.createElement("ul");
  list.append(...items);
  const parts = [list];
  if (title) {
    const heading = document.createElement("span");
    heading.className = "sim-legend-title";
    heading.textContent = title;
    parts.unshift(heading);
  }
  element.replaceChildren(...parts);
}

function largest(chart) {
  return Math.max(0, ...chart.series.flatMap((s) => s.values.filter(Number.isFinite)));
}

// A grouped horizontal bar chart: categories down the side, one bar per series.
export class BarChart {
  constructor(element, legendElement) {
    this.element = element;
    this.legendElement = legendElement;
    this.plot = null;
  }

  static rows(chart) {
    let index = chart.categories.map((_, i) => i);
    const last = chart.series[chart.series.length - 1];
    let note = "";
    if (index.length > MAX_BARS && last) {
      index = index.sort((a, b) => last.values[b] - last.values[a]).slice(0, MAX_BARS);
      note = `The ${MAX_BARS} largest of ${chart.categories.length} (by ${last.label}); all are in the table.`;
    }
    index.reverse(); // Bokeh puts the first factor at the bottom; the first category reads on top
    const data = { category: index.map((i) => chart.categories[i]) };
    chart.series.forEach((series, s) => {
      data[`v${s}`] = index.map((i) => series.values[i]);
      data[`t${s}`] = index.map((i) => `${formatNumber(series.values[i])} ${chart.unit}`);
      data[`n${s}`] = index.map(() => series.label);
    });
    return { data, factors: data.category, note };
  }

  async draw(chart) {
    const { data, factors, note } = BarChart.rows(chart);
    const n = chart.series.length;
    const height = Math.max(160, factors.length * (8 + 11 * n) + 70);
    this.noteText = note;
    htmlLegend(this.legendElement, "", chart.series.map((series, s) => ({
      label: series.label, color: SERIES_COLOURS[s % SERIES_COLOURS.length],
    })), "square");
    if (this.plot && this.seriesCount === n) {
      // Update in place: the data, and the factors and height only if they changed.
      setData(this.source, data);
      if (!sameArray(this.yRange.factors, factors)) this.yRange.factors = factors;
      if (this.plot.height !== height) this.plot.height = height;
      return;
    }
    const M = models();
    this.seriesCount = n;
    this.yRange = new M.FactorRange({ factors, range_padding: 0.04 });
    this.source = new M.ColumnDataSource({ data });
    const plot = basePlot({
      height,
      x_range: new M.DataRange1d({ start: 0, range_padding: 0.06 }),
      y_range: this.yRange,
      x_scale: new M.LinearScale(),
      y_scale: new M.CategoricalScale(),
    });
    plot.add_layout(styleAxis(new M.LinearAxis({
      axis_label: chart.unit,
      ticker: new M.BasicTicker({ desired_num_ticks: this.element.clientWidth < 500 ? 3 : 5 }),
      formatter: new M.NumeralTickFormatter({ format: largest(chart) >= 10000 ? "0.[0]a" : "0,0.[0]" }),
    })), "below");
    const yAxis = styleAxis(new M.CategoricalAxis({}));
    yAxis.major_tick_line_color = null;
    plot.add_layout(yAxis, "left");
    plot.add_layout(new M.Grid({ dimension: 0, ticker: plot.below[0].ticker, grid_line_color: "#e6e9ed" }));
    const thickness = 0.8 / n;
    chart.series.forEach((series, s) => {
      const renderer = new M.GlyphRenderer({
        data_source: this.source,
        glyph: new M.HBar({
          // The first series on top within each group, as in the legend.
          y: { field: "category", transform: new M.Dodge({ value: 0.4 - thickness * (s + 0.5), range: this.yRange }) },
          height: thickness * 0.92, left: 0, right: { field: `v${s}` },
          fill_color: SERIES_COLOURS[s % SERIES_COLOURS.length], line_color: null,
        }),
      });
      plot.renderers = [...plot.renderers, renderer];
      plot.add_tools(new M.HoverTool({ renderers: [renderer], tooltips: [["", `@n${s}`], ["", "@category"], ["", `@t${s}`]] }));
    });
    this.plot = plot;
    await show(plot, this.element);
  }
}
