// The zone map of a result (BokehJS). With the dataset's boundaries the districts are drawn as
// their shapes, filled by the result's classes (a choropleth); open circles in proportion to the
// value sit on top, then the largest flows as desire lines; a scale bar and a north arrow.
// Without boundaries (a synthetic city, a tutor's city with no GeoJSON) the circles carry the
// classes' colours. Positions are an equirectangular projection in km (x = lon × cos(mean
// latitude), y = lat, times km per degree) with equal aspect: no tiles, no web map.
// The canvas has nothing a keyboard can reach, so the legend, the boundaries' attribution and the
// map as a table (district, value, class; the flows) are HTML beside it: screen readers read
// those, and a mouse gets the same read-outs as tooltips.
import { FONT, basePlot, formatNumber, htmlLegend, models, setData, show } from "./sim-plots.js";

const MAP_PADDING = 0.08; // of the zones' extent, on each side, for circles and labels at the edge
const KM_PER_DEGREE = (Math.PI * 6371.0088) / 180; // the Earth sims measures distances on
const INK = "#1b1f24";
const SYMBOL_FILL = "#ffffff"; // circles over a choropleth: the shapes carry the colour
const TABLE_ROWS = 60; // up to this many zones the table is kept drawn; more only when opened
const UPLOADED = "uploaded by a tutor (no attribution given)."; // an upload brings no attribution text

// The page's Python gives the built-in boundaries from the sims package it already has (one
// request per page, shared by every simulation on it); an uploaded city's come with its data.
// Without them (an older sims package) the map is drawn as for a city without boundaries.
let builtIn = null;
export function builtInBoundaries(runner) {
  builtIn = builtIn || runner.run("from sims import api\napi.boundaries_json()")
    .then((reply) => JSON.parse(reply.result), () => null);
  return builtIn;
}

export class ZoneMap {
  // parts: {legend, key, credit, details, table, flows}, the HTML around the canvas
  constructor(element, parts) {
    this.element = element;
    this.parts = parts;
    this.plot = null;
    this.result = null;
    if (parts.details) parts.details.addEventListener("toggle", () => this.result && this.drawTable(this.result));
  }

  async draw(result, boundaries) {
    const data = this.layers(result, boundaries);
    if (!this.plot) await this.build(data);
    else await this.update(data);
    this.element.dataset.shapes = String(data.shaded ? data.shapes.xs.length : 0);
    this.drawLegend(result.map, data.shaded);
    this.drawCredit(data.shaded ? boundaries : null);
    this.result = result;
    this.drawTable(result);
  }

  layers(result, boundaries) {
    const zones = result.zones;
    const meanLat = zones.lat.reduce((a, b) => a + b, 0) / Math.max(1, zones.lat.length);
    const k = Math.cos((meanLat * Math.PI) / 180) * KM_PER_DEGREE;
    const x = zones.lon.map((lon) => lon * k);
    const y = zones.lat.map((lat) => lat * KM_PER_DEGREE);
    const where = new Map(zones.id.map((id, i) => [id, i]));
    const layer = result.map;
    const values = layer.values;
    const top = Math.max(...values.map(Math.abs), 1e-9);
    const width = this.element.clientWidth || 600;
    const maxSize = zones.id.length > 60 ? 22 : Math.min(40, Math.max(26, width / 12));
    const unit = layer.unit;
    const text = (i) => `${formatNumber(values[i])} ${unit}`;
    const band = (i) => layer.classes[layer.class_index[i]];
    const classes = layer.classes.map(() => ({ x: [], y: [], size: [], name: [], label: [], value: [], cls: [] }));
    // Larger circles first within a class, and classes drawn high to low, so small ones stay on top.
    const order = values.map((_, i) => i).sort((a, b) => values[b] - values[a]);
    for (const i of order) {
      const c = classes[layer.class_index[i]];
      c.x.push(x[i]);
      c.y.push(y[i]);
      c.size.push(Math.max(4, maxSize * Math.sqrt(Math.abs(values[i]) / top)));
      c.name.push(zones.name[i]);
      c.value.push(values[i]);
      c.label.push(text(i));
      c.cls.push(band(i).label);
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
    const outline = this.shapesFor(boundaries, k, where, zones);
    const shaded = outline.xs.length > 0;
    const box = shaded ? outline.box : bounds(x, y);
    const labels = zones.id.length <= 40
      ? placeLabels(x, y, zones.name, radius, width, height, box)
      : { x: [], y: [], name: [], dx: [], dy: [], align: [], baseline: [] };
    const shapes = {
      xs: outline.xs, ys: outline.ys, name: outline.name,
      color: outline.zone.map((i) => (i === undefined ? "#ffffff" : band(i).color)),
      label: outline.zone.map((i) => (i === undefined ? "no figure" : text(i))),
      cls: outline.zone.map((i) => (i === undefined ? "" : band(i).label)),
    };
    return { classes, lines, shapes, shaded, labels, height, north: northArrow(box) };
  }

  // Boundary polygons change only with the dataset: project them once.
  shapesFor(boundaries, k, where, zones) {
    const cache = this.shapeCache;
    const ids = zones.id.join();
    if (cache && cache.boundaries === boundaries && cache.k === k && cache.zones === ids) return cache.shapes;
    const shapes = { xs: [], ys: [], name: [], zone: [], box: null };
    const allX = [];
    const allY = [];
    for (const feature of (boundaries && boundaries.features) || []) {
      const i = where.get(feature.zone_id);
      const xs = feature.polygons.map((polygon) => polygon.map((ring) => ring.map((p) => p[0] * k)));
      const ys = feature.polygons.map((polygon) => polygon.map((ring) => ring.map((p) => p[1] * KM_PER_DEGREE)));
      xs.forEach((polygon) => allX.push(...polygon[0]));
      ys.forEach((polygon) => allY.push(...polygon[0]));
      shapes.xs.push(xs);
      shapes.ys.push(ys);
      shapes.name.push(i === undefined ? feature.zone_id : zones.name[i]);
      shapes.zone.push(i);
    }
    if (allX.length) shapes.box = bounds(allX, allY);
    this.shapeCache = { boundaries, k, zones: ids, shapes };
    return shapes;
  }

  async build(data) {
    const M = models();
    const xRange = new M.DataRange1d({ range_padding: 2 * MAP_PADDING });
    const plot = basePlot({
      height: data.height,
      x_range: xRange,
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
        xs: { field: "xs" }, ys: { field: "ys" }, fill_color: { field: "color" }, fill_alpha: 1,
        line_color: "#5b6470", line_width: 1,
      }),
    });
    this.lines = new M.ColumnDataSource({ data: data.lines });
    const lineRenderer = new M.GlyphRenderer({
      data_source: this.lines,
      glyph: new M.Segment({
        x0: { field: "x0" }, y0: { field: "y0" }, x1: { field: "x1" }, y1: { field: "y1" },
        line_width: { field: "width" }, line_color: "#0f5c63", line_alpha: 0.55, line_cap: "round",
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
      text_font: FONT, text_font_size: "12px", text_color: INK,
      background_fill_color: "#ffffff", background_fill_alpha: 0.8,
    });
    // Shapes, then the circles (large to small), then the flows over them, as on paper maps.
    plot.renderers = [shapeRenderer, ...this.classRenderers.slice().reverse(), lineRenderer];
    plot.add_layout(labelSet);
    this.north = new M.ColumnDataSource({ data: data.north });
    plot.add_layout(new M.Arrow({
      source: this.north,
      x_start: { field: "x" }, y_start: { field: "y0" }, x_end: { field: "x" }, y_end: { field: "y1" },
      line_color: INK, line_width: 2, end: new M.VeeHead({ size: 12, fill_color: INK, line_color: INK }),
    }));
    plot.add_layout(new M.LabelSet({
      source: this.north, x: { field: "x" }, y: { field: "y1" }, text: { value: "N" }, y_offset: 3,
      text_align: "center", text_baseline: "bottom", text_font: FONT, text_font_size: "14px",
      text_font_style: "bold", text_color: INK,
    }));
    plot.add_layout(new M.ScaleBar({
      range: xRange, unit: "km", dimensional: new M.Metric({ base_unit: "m" }), location: "bottom_right",
      bar_length: 0.2, bar_line_width: 2, bar_line_color: INK, label_text_font: FONT, label_text_font_size: "12px",
      label_text_color: INK, background_fill_color: "#ffffff", background_fill_alpha: 0.75, border_line_color: null,
      padding: 4, margin: 6, label_standoff: 3,
    }));
    const tips = [["District", "@name"], ["Value", "@label"], ["Class", "@cls"]];
    this.shapeHover = new M.HoverTool({ renderers: [shapeRenderer], tooltips: tips });
    this.zoneHover = new M.HoverTool({ renderers: this.classRenderers, tooltips: tips });
    const flowHover = new M.HoverTool({
      renderers: [lineRenderer], tooltips: [["Flow", "@label"]], line_policy: "interp",
    });
    plot.add_tools(this.shapeHover, this.zoneHover, flowHover);
    this.plot = plot;
    this.shapeData = JSON.stringify([data.shapes.color, data.shapes.label]);
    await show(plot, this.element);
  }

  addClass(data) {
    const M = models();
    const source = new M.ColumnDataSource({ data });
    const renderer = new M.GlyphRenderer({
      data_source: source,
      glyph: new M.Scatter({
        x: { field: "x" }, y: { field: "y" }, size: { field: "size" }, marker: "circle",
        fill_color: "#cccccc", fill_alpha: 0.92, line_color: INK, line_width: 1.2,
      }),
    });
    this.classSources.push(source);
    this.classRenderers.push(renderer);
  }

  async update(data) {
    if (data.classes.length !== this.classSources.length) {
      // A different number of classes (another scenario's legend): rebuild once.
      this.plot = null;
      await this.build(data);
      return;
    }
    // The polygons are the same arrays until the dataset changes; otherwise only colours and labels.
    const shapeData = JSON.stringify([data.shapes.color, data.shapes.label]);
    if (this.shapes.data.xs !== data.shapes.xs || this.shapeData !== shapeData) {
      this.shapes.data = data.shapes;
      this.shapeData = shapeData;
    }
    setData(this.lines, data.lines);
    data.classes.forEach((c, k) => setData(this.classSources[k], c));
    setData(this.labels, data.labels);
    setData(this.north, data.north);
    if (this.plot.height !== data.height) this.plot.height = data.height;
  }

  // Circle colours follow the classes, unless the shapes carry them; the legend is HTML (it
  // wraps on a phone and screen readers read it), square swatches for shapes, round for circles.
  drawLegend(layer, shaded) {
    layer.classes.forEach((cls, k) => {
      const glyph = this.classRenderers[k] && this.classRenderers[k].glyph;
      const fill = shaded ? SYMBOL_FILL : cls.color;
      const alpha = shaded ? 0.3 : 0.92; // over a shape its colour shows through, even under a large circle
      if (glyph && glyph.fill_color !== fill) glyph.fill_color = fill;
      if (glyph && glyph.fill_alpha !== alpha) glyph.fill_alpha = alpha;
    });
    const entries = layer.classes.map((c) => ({ label: c.label, color: c.color }));
    htmlLegend(this.parts.legend, `${layer.unit}:`, entries, shaded ? "square" : "round");
    if (this.parts.key) {
      this.parts.key.textContent = shaded
        ? "Districts coloured by band; open circles: area in proportion to the value. Lines: the largest flows, "
          + "thicker for more. Point at a district for its figures, or open “The map as a table”."
        : "Circles: area in proportion to the value, coloured by band. Lines: the largest flows, thicker for more. "
          + "Point at a circle for its figures, or open “The map as a table”.";
    }
  }

  drawCredit(boundaries) {
    const credit = this.parts.credit;
    if (!credit) return;
    const text = boundaries ? `Boundaries: ${boundaries.attribution || UPLOADED}` : "";
    if (credit.textContent !== text) credit.textContent = text;
    credit.hidden = !text;
  }

  // The map as a table: one row per zone (district, value, class), then the flows drawn.
  drawTable(result) {
    const { details, table, flows } = this.parts;
    if (!table || (details && !details.open && result.zones.id.length > TABLE_ROWS)) return;
    const layer = result.map;
    const unit = layer.unit;
    table.caption.textContent = layer.title;
    const head = table.tHead.rows[0].cells;
    head[1].textContent = `Value (${unit})`;
    table.tBodies[0].replaceChildren(...result.zones.name.map((name, i) => row(
      name, formatNumber(layer.values[i]), layer.classes[layer.class_index[i]].label)));
    if (!flows) return;
    const lines = result.flows || { origin: [], dest: [], value: [] };
    const names = new Map(result.zones.id.map((id, i) => [id, result.zones.name[i]]));
    flows.hidden = lines.origin.length === 0;
    flows.caption.textContent = lines.title || "Flows";
    flows.tHead.rows[0].cells[2].textContent = `Value (${lines.unit || ""})`;
    flows.tBodies[0].replaceChildren(...lines.origin.map((origin, n) => row(
      names.get(origin) || origin, names.get(lines.dest[n]) || lines.dest[n], formatNumber(lines.value[n]))));
  }
}

function row(...cells) {
  const tr = document.createElement("tr");
  cells.forEach((value, n) => {
    const cell = document.createElement(n === 0 ? "th" : "td");
    if (n === 0) cell.scope = "row";
    cell.textContent = value;
    tr.append(cell);
  });
  return tr;
}

function bounds(x, y) {
  return { x0: Math.min(...x), x1: Math.max(...x), y0: Math.min(...y), y1: Math.max(...y) };
}

// A north arrow in the top right corner of the padding round the map (north is up: the
// projection keeps meridians vertical).
function northArrow(box) {
  const span = Math.max(box.x1 - box.x0, box.y1 - box.y0, 1e-6);
  const x = box.x1 + 0.03 * span;
  return { x: [x], y0: [box.y1 - 0.07 * span], y1: [box.y1 - 0.005 * span] };
}

// Zone names beside their circles without overlapping one another: the biggest zones choose
// first among eight places around the circle, preferring one clear of other circles too
// (screen positions estimated from the extent drawn, `box`: the shapes', or else the centroids').
function placeLabels(x, y, names, radius, width, height, box) {
  const pad = MAP_PADDING;
  const spanX = box.x1 - box.x0 || 1e-6;
  const spanY = box.y1 - box.y0 || 1e-6;
  const scale = Math.min((width - 24) / (spanX * (1 + 2 * pad)), (height - 16) / (spanY * (1 + 2 * pad)));
  const px = x.map((v) => v * scale);
  const py = y.map((v) => -v * scale); // screen y grows downwards
  const mx = ((box.x0 + box.x1) / 2) * scale;
  const my = (-(box.y0 + box.y1) / 2) * scale;
  const frame = [mx - (width - 24) / 2 + 2, my - (height - 16) / 2 + 2,
    mx + (width - 24) / 2 - 2, my + (height - 16) / 2 - 2];
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

