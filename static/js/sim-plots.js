// BokehJS plots for simulation results: the zone map and grouped bar charts.
// Only bokeh.min.js is needed: plots are built from Bokeh.Models (no Bokeh.Plotting, no eval).
// Each plot is built once and then updated in place (source.data = ...), which keeps a
// slider-to-redraw fast. See docs/bokehjs-notes.md for what works under the site's CSP.

// Each at least 3:1 against white (WCAG 1.4.11) and told apart by hue as well as lightness.
const SERIES_COLOURS = ["#0f5c63", "#c25700", "#7b4fa0", "#1f6fb2", "#6b737e"];
const MAX_BARS = 25; // categories shown in a chart; the table under "Show the numbers" has all
const MAP_PADDING = 0.08; // of the zones' extent, on each side, for circles and labels at the edge
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";

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

const models = () => window.Bokeh.Models;

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
function setData(source, data) {
  const text = JSON.stringify(data);
  if (source.leadupDataText === text) return;
  source.leadupDataText = text;
  source.data = data;
}

async function show(plot, element) {
  const { Document } = window.Bokeh.require("document");
  const doc = new Document();
  doc.add_root(plot);
  element.replaceChildren();
  await window.Bokeh.embed.add_document_standalone(doc, element);
}

function basePlot(options) {
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

// The zones as circles (area in proportion to the value, coloured by class), desire lines for
// the largest flows, zone labels and optional boundary polygons, on an equirectangular
// projection (x = lon × cos(mean latitude), y = lat) with equal aspect. No tiles, no web map.
export class ZoneMap {
  constructor(element, legendElement) {
    this.element = element;
    this.legendElement = legendElement;
    this.plot = null;
  }

  async draw(result, boundaries) {
    const data = this.layers(result, boundaries);
    if (!this.plot) await this.build(data);
    else this.update(data);
    this.drawLegend(result.map);
  }

  layers(result, boundaries) {
    const zones = result.zones;
    const meanLat = zones.lat.reduce((a, b) => a + b, 0) / Math.max(1, zones.lat.length);
    const k = Math.cos((meanLat * Math.PI) / 180);
    const x = zones.lon.map((lon) => lon * k);
    const y = zones.lat;
    const where = new Map(zones.id.map((id, i) => [id, i]));
    const values = result.map.values;
    const top = Math.max(...values.map(Math.abs), 1e-9);
    const width = this.element.clientWidth || 600;
    const maxSize = zones.id.length > 60 ? 22 : Math.min(40, Math.max(26, width / 12));
    const unit = result.map.unit;
    const classes = result.map.classes.map(() => ({ x: [], y: [], size: [], name: [], label: [], value: [] }));
    // Larger circles first within a class, and classes drawn high to low, so small ones stay on top.
    const order = values.map((_, i) => i).sort((a, b) => values[b] - values[a]);
    for (const i of order) {
      const c = classes[result.map.class_index[i]];
      c.x.push(x[i]);
      c.y.push(y[i]);
      c.size.push(Math.max(4, maxSize * Math.sqrt(Math.abs(values[i]) / top)));
      c.name.push(zones.name[i]);
      c.value.push(values[i]);
      c.label.push(`${formatNumber(values[i])} ${unit}`);
    }
    const flows = result.flows || { origin: [], dest: [], value: [] };
    const fmax = Math.max(...flows.value, 1e-9);
    const lines = { x0: [], y0: [], x1: [], y1: [], width: [], label: [] };
    flows.origin.forEach((origin, n) => {
      const i = where.get(origin);
      const j = where.get(flows.dest[n]);
      if (i === undefined || j === undefined) return;
      lines.x0.push(x[i]);
      lines.y0.push(y[i]);
      lines.x1.push(x[j]);
      lines.y1.push(y[j]);
      lines.width.push(0.5 + 9 * (flows.value[n] / fmax));
      lines.label.push(`${zones.name[i]} → ${zones.name[j]}: ${formatNumber(flows.value[n])} ${flows.unit}`);
    });
    const height = width < 500 ? 340 : 460;
    const radius = values.map((v) => Math.max(4, maxSize * Math.sqrt(Math.abs(v) / top)) / 2);
    const labels = zones.id.length <= 40
      ? placeLabels(x, y, zones.name, radius, width, height)
      : { x: [], y: [], name: [], dx: [], dy: [], align: [], baseline: [] };
    return { classes, lines, shapes: this.shapesFor(boundaries, k, where, zones), labels, height };
  }

  // Boundary polygons change only with the dataset: project them once.
  shapesFor(boundaries, k, where, zones) {
    if (this.shapeCache && this.shapeCache.boundaries === boundaries && this.shapeCache.k === k) return this.shapeCache.shapes;
    const shapes = { xs: [], ys: [], name: [] };
    for (const feature of (boundaries && boundaries.features) || []) {
      const i = where.get(feature.zone_id);
      shapes.xs.push(feature.polygons.map((polygon) => polygon.map((ring) => ring.map((p) => p[0] * k))));
      shapes.ys.push(feature.polygons.map((polygon) => polygon.map((ring) => ring.map((p) => p[1]))));
      shapes.name.push(i === undefined ? feature.zone_id : zones.name[i]);
    }
    this.shapeCache = { boundaries, k, shapes };
    return shapes;
  }

  async build(data) {
    const M = models();
    const plot = basePlot({
      height: data.height,
      x_range: new M.DataRange1d({ range_padding: 2 * MAP_PADDING }),
      y_range: new M.DataRange1d({ range_padding: 2 * MAP_PADDING }),
      x_scale: new M.LinearScale(),
      y_scale: new M.LinearScale(),
      match_aspect: true,
      background_fill_color: "#f6f8fa",
    });
    this.shapes = new M.ColumnDataSource({ data: data.shapes });
    const shapeRenderer = new M.GlyphRenderer({
      data_source: this.shapes,
      glyph: new M.MultiPolygons({
        xs: { field: "xs" }, ys: { field: "ys" }, fill_color: "#e3e9ee", line_color: "#8a96a3", line_width: 1,
      }),
    });
    this.lines = new M.ColumnDataSource({ data: data.lines });
    const lineRenderer = new M.GlyphRenderer({
      data_source: this.lines,
      glyph: new M.Segment({
        x0: { field: "x0" }, y0: { field: "y0" }, x1: { field: "x1" }, y1: { field: "y1" },
        line_width: { field: "width" }, line_color: "#0f5c63", line_alpha: 0.45, line_cap: "round",
      }),
    });
    this.classSources = [];
    this.classRenderers = [];
    for (const c of data.classes) this.addClass(c);
    this.labels = new M.ColumnDataSource({ data: data.labels });
    const labelSet = new M.LabelSet({
      source: this.labels, x: { field: "x" }, y: { field: "y" }, text: { field: "name" },
      x_offset: { field: "dx" }, y_offset: { field: "dy" },
      text_align: { field: "align" }, text_baseline: { field: "baseline" },
      text_font: FONT, text_font_size: "12px", text_color: "#1b1f24",
      background_fill_color: "#ffffff", background_fill_alpha: 0.75,
    });
    plot.renderers = [shapeRenderer, lineRenderer, ...this.classRenderers.slice().reverse()];
    plot.add_layout(labelSet);
    this.zoneHover = new M.HoverTool({ renderers: this.classRenderers, tooltips: [["Zone", "@name"], ["Value", "@label"]] });
    const flowHover = new M.HoverTool({ renderers: [lineRenderer], tooltips: [["Flow", "@label"]], line_policy: "interp" });
    plot.add_tools(this.zoneHover, flowHover);
    this.plot = plot;
    await show(plot, this.element);
  }

  addClass(data) {
    const M = models();
    const source = new M.ColumnDataSource({ data });
    const renderer = new M.GlyphRenderer({
      data_source: source,
      glyph: new M.Scatter({
        x: { field: "x" }, y: { field: "y" }, size: { field: "size" }, marker: "circle",
        fill_color: "#cccccc", fill_alpha: 0.92, line_color: "#1b1f24", line_width: 1.2,
      }),
    });
    this.classSources.push(source);
    this.classRenderers.push(renderer);
  }

  update(data) {
    if (data.classes.length !== this.classSources.length) {
      // A different number of classes (another scenario's legend): rebuild once.
      this.plot = null;
      this.build(data);
      return;
    }
    if (this.shapes.data !== data.shapes) this.shapes.data = data.shapes;
    setData(this.lines, data.lines);
    data.classes.forEach((c, k) => setData(this.classSources[k], c));
    setData(this.labels, data.labels);
    if (this.plot.height !== data.height) this.plot.height = data.height;
  }

  // The colours are set per class after each run; the legend is HTML, so it wraps on a phone.
  drawLegend(layer) {
    layer.classes.forEach((cls, k) => {
      const glyph = this.classRenderers[k] && this.classRenderers[k].glyph;
      if (glyph && glyph.fill_color !== cls.color) glyph.fill_color = cls.color;
    });
    htmlLegend(this.legendElement, `${layer.unit}:`, layer.classes.map((c) => ({ label: c.label, color: c.color })), "round");
  }
}

// A legend in HTML rather than in the canvas: it wraps on a phone and screen readers read it.
function htmlLegend(element, title, entries, shape) {
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

// Zone names beside their circles without overlapping one another: the biggest zones choose
// first among eight places around the circle, preferring one clear of other circles too
// (screen positions estimated from the data extent).
function placeLabels(x, y, names, radius, width, height) {
  const pad = MAP_PADDING;
  const span = (values) => Math.max(...values) - Math.min(...values) || 1e-6;
  const scale = Math.min((width - 24) / (span(x) * (1 + 2 * pad)), (height - 16) / (span(y) * (1 + 2 * pad)));
  const px = x.map((v) => v * scale);
  const py = y.map((v) => -v * scale); // screen y grows downwards
  const middle = (values) => (Math.max(...values) + Math.min(...values)) / 2;
  const frame = [middle(px) - (width - 24) / 2 + 2, middle(py) - (height - 16) / 2 + 2,
    middle(px) + (width - 24) / 2 - 2, middle(py) + (height - 16) / 2 - 2];
  const inside = (b) => b[0] >= frame[0] && b[1] >= frame[1] && b[2] <= frame[2] && b[3] <= frame[3];
  const circles = px.map((cx, i) => [cx - radius[i], py[i] - radius[i], cx + radius[i], py[i] + radius[i]]);
  const overlaps = (a, b) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
  const placed = [];
  const out = { x: [], y: [], name: [], dx: [], dy: [], align: [], baseline: [] };
  const order = radius.map((_, i) => i).sort((a, b) => radius[b] - radius[a]);
  for (const i of order) {
    const w = names[i].length * 6.6 + 6;
    const h = 16;
    const r = radius[i] + 2;
    const d = r * 0.72; // diagonal positions just clear the circle
    const options = [
      { dx: 0, dy: -r, align: "center", baseline: "top", box: [px[i] - w / 2, py[i] + r, px[i] + w / 2, py[i] + r + h] },
      { dx: 0, dy: r, align: "center", baseline: "bottom", box: [px[i] - w / 2, py[i] - r - h, px[i] + w / 2, py[i] - r] },
      { dx: r, dy: 0, align: "left", baseline: "middle", box: [px[i] + r, py[i] - h / 2, px[i] + r + w, py[i] + h / 2] },
      { dx: -r, dy: 0, align: "right", baseline: "middle", box: [px[i] - r - w, py[i] - h / 2, px[i] - r, py[i] + h / 2] },
      { dx: d, dy: -d, align: "left", baseline: "top", box: [px[i] + d, py[i] + d, px[i] + d + w, py[i] + d + h] },
      { dx: d, dy: d, align: "left", baseline: "bottom", box: [px[i] + d, py[i] - d - h, px[i] + d + w, py[i] - d] },
      { dx: -d, dy: -d, align: "right", baseline: "top", box: [px[i] - d - w, py[i] + d, px[i] - d, py[i] + d + h] },
      { dx: -d, dy: d, align: "right", baseline: "bottom", box: [px[i] - d - w, py[i] - d - h, px[i] - d, py[i] - d] },
    ].filter((o) => inside(o.box) && !placed.some((b) => overlaps(o.box, b)));
    // Prefer a place clear of other circles too; a label that fits nowhere is left to the tooltip.
    const clear = options.find((o) => !circles.some((c, j) => j !== i && overlaps(o.box, c)));
    const free = clear || (width >= 500 ? options[0] : null); // a phone's map has no room to spare
    if (!free) continue;
    placed.push(free.box);
    out.x.push(x[i]);
    out.y.push(y[i]);
    out.name.push(names[i]);
    out.dx.push(free.dx);
    out.dy.push(free.dy);
    out.align.push(free.align);
    out.baseline.push(free.baseline);
  }
  return out;
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
