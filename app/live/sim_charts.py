"""The simulation round's charts on the tutor's screens: a map per table and the headline figures.

Every table's map has the same ranges, colour classes and largest circle, so they compare.
When the run's zones are the built-in Cambridge districts, the map draws their shapes (from
``sims``' data, looked up rather than stored with each run) filled by class, with white circles
in proportion to the value on top; the template shows the boundaries' attribution under the
maps (``"credit"``). Other zones keep circles coloured by class at their centroids.
"""
import math

from sims import dataset as sims_dataset

from .charts import GRID, INK, TABLE_COLOURS, _figure, _json, distinct, fmt, short

SYMBOL = "#ffffff"  # circles over shapes: the shapes carry the class colour
KM_PER_DEGREE = math.pi * 6371.0088 / 180  # positions in km, as static/js/sim-map.js draws them


def run_name(run):
    return run.table.name if run.table else run.participant.nickname


def mapped(runs):
    """The runs that kept what their map needs (runs sent before maps were kept have none)."""
    return [r for r in runs if isinstance(r.answer.get("map"), dict) and isinstance(r.answer.get("zones"), dict)
            and len(r.answer["map"].get("values") or []) == len(r.answer["zones"].get("lat") or [])]


def shared_classes(runs, breaks=None):
    """One set of colour classes for every table's map, so they compare: the model's fixed ones
    (``MAP_BREAKS``, such as the EV deck's legend) or else from all the tables' values."""
    from sims.results import classes_from_breaks, nice_breaks

    values = [v for r in runs for v in r.answer["map"]["values"]]
    return classes_from_breaks(breaks or nice_breaks(values), runs[0].answer["map"].get("unit", ""))


def boundaries_for(zones):
    """The built-in districts' boundaries when ``zones`` are those districts, else None."""
    built_in = sims_dataset.cambridge()
    if sorted(zones.get("id") or []) != sorted(built_in.index):
        return None
    return built_in.boundaries


def _shapes(boundaries, zones, k):
    """Per feature: projected polygons (as ``multi_polygons`` wants them) and the zone's index."""
    where = {zone: i for i, zone in enumerate(zones["id"])}
    xs, ys, index = [], [], []
    for feature in boundaries["features"]:
        xs.append([[[p[0] * k for p in ring] for ring in polygon] for polygon in feature["polygons"]])
        ys.append([[[p[1] * KM_PER_DEGREE for p in ring] for ring in polygon] for polygon in feature["polygons"]])
        index.append(where[feature["zone_id"]])
    return xs, ys, index


def sim_maps(prefix, runs, look, breaks=None):
    """One map per table: the districts' shapes by class (or circles by class at the centroids
    when there are none), circles' area by value, a scale bar and a north arrow. Same ranges,
    classes and largest circle on every map."""
    from bokeh.models import ColumnDataSource, HoverTool, Range1d

    from sims.results import classify

    classes = shared_classes(runs, breaks)
    zones = runs[0].answer["zones"]
    lat = [y * KM_PER_DEGREE for y in zones["lat"]]
    k = math.cos(math.radians(sum(zones["lat"]) / len(lat))) * KM_PER_DEGREE  # as static/js/sim-map.js does
    xs = [lon * k for lon in zones["lon"]]
    boundaries = boundaries_for(zones)
    shape_xs, shape_ys, shape_zone = _shapes(boundaries, zones, k) if boundaries else ([], [], [])
    edge_x = xs + [x for shape in shape_xs for polygon in shape for x in polygon[0]]
    edge_y = lat + [y for shape in shape_ys for polygon in shape for y in polygon[0]]
    x0, x1, y0, y1 = min(edge_x), max(edge_x), min(edge_y), max(edge_y)
    span = max(x1 - x0, y1 - y0, 1e-6)
    biggest = span * (0.06 if boundaries else 0.09)  # the radius of the largest value of all tables
    pad = biggest * (0.4 if boundaries else 1.1)
    x_range, y_range = (x0 - pad, x1 + pad), (y0 - pad, y1 + pad)
    width = 600
    height = round(width * (y_range[1] - y_range[0]) / (x_range[1] - x_range[0])) + (50 if look.projector else 34)
    top = max((abs(v) for r in runs for v in r.answer["map"]["values"]), default=0) or 1
    unit = runs[0].answer["map"].get("unit", "")
    names = zones.get("name", [])
    charts = []
    for index, run in enumerate(runs):
        values = run.answer["map"]["values"]
        order = sorted(range(len(values)), key=lambda i: -abs(values[i]))  # small circles drawn last, on top
        cls = classify(values, classes)
        circle_data = {
            "x": [xs[i] for i in order], "y": [lat[i] for i in order],
            "r": [max(biggest * math.sqrt(abs(values[i]) / top), biggest * 0.08) for i in order],
            "name": [names[i] if i < len(names) else "" for i in order],
            "value": [f"{fmt(values[i])} {unit}".strip() for i in order]}
        if not boundaries:  # else the shapes carry the classes' colours
            circle_data["colour"] = [classes[cls[i]]["color"] for i in order]
        source = ColumnDataSource(circle_data)
        plot = _figure(look, title=run_name(run), width=width, height=height, x_range=Range1d(*x_range),
                       y_range=Range1d(*y_range))
        plot.sizing_mode = "scale_width"
        plot.axis.visible = False
        plot.grid.grid_line_color = None
        plot.outline_line_color = GRID
        plot.background_fill_color = "#f4f6f8"
        hover = []
        if boundaries:
            shapes = ColumnDataSource({
                "xs": shape_xs, "ys": shape_ys, "fill": [classes[cls[i]]["color"] for i in shape_zone],
                "name": [names[i] if i < len(names) else "" for i in shape_zone],
                "value": [f"{fmt(values[i])} {unit}".strip() for i in shape_zone]})
            hover.append(plot.multi_polygons(xs="xs", ys="ys", source=shapes, fill_color="fill", line_color="#5b6470",
                                             line_width=1.5 if look.projector else 1))
        circles = plot.circle(x="x", y="y", radius="r", source=source, line_color=INK, line_width=1.2,
                              fill_color=SYMBOL if boundaries else "colour", fill_alpha=0.3 if boundaries else 0.92)
        hover.append(circles)
        _scale_and_north(plot, x_range, y_range, look)
        if not look.projector:
            plot.add_tools(HoverTool(renderers=hover, tooltips=[("", "@name"), ("", "@value")]))
        target = f"{prefix}-map-{index + 1}"
        charts.append({"id": target, "title": f"{run_name(run)}: {run.answer['map'].get('title', '')}",
                       "item": _json(plot, target), "group": "maps"})
    legend = [{"index": n % 5, "label": c["label"]} for n, c in enumerate(classes)]
    table_names = distinct([run_name(r) for r in runs])
    zones_table = {"title": runs[0].answer["map"].get("title", ""), "unit": unit, "columns": table_names,
                   "rows": [[names[i] if i < len(names) else zones["id"][i]]
                            + [r.answer["map"]["values"][i] for r in runs] for i in range(len(lat))]}
    credit = f"Boundaries: {boundaries['attribution']}" if boundaries else ""
    for chart in charts:
        chart.update(legend=legend, zones=zones_table, describedby=f"{prefix}-zones", shapes=bool(boundaries),
                     credit=credit)
    return charts


def _scale_and_north(plot, x_range, y_range, look):
    """A scale bar in km (bottom right) and a north arrow (top right): north is up in this projection."""
    from bokeh.models import Arrow, Label, Metric, ScaleBar, VeeHead

    size = "15px" if look.projector else "12px"
    plot.add_layout(ScaleBar(range=plot.x_range, unit="km", dimensional=Metric(base_unit="m"), location="bottom_right",
                             bar_length=0.25, bar_line_width=2, bar_line_color=INK, label_text_font_size=size,
                             label_text_color=INK, background_fill_color="#ffffff", background_fill_alpha=0.75,
                             border_line_color=None, padding=4, margin=6, label_standoff=3))
    span = y_range[1] - y_range[0]
    x = x_range[1] - 0.05 * (x_range[1] - x_range[0])
    top = y_range[1] - 0.1 * span
    plot.add_layout(Arrow(x_start=x, y_start=top - 0.08 * span, x_end=x, y_end=top, line_color=INK, line_width=2,
                          end=VeeHead(size=10, fill_color=INK, line_color=INK)))
    plot.add_layout(Label(x=x, y=top, y_offset=3, text="N", text_align="center", text_baseline="bottom",
                          text_font_size=size, text_font_style="bold", text_color=INK))


def sim_figures_chart(target_id, results, look):
    """The headline figures side by side: per figure, one bar per table, as a share of the
    largest table's figure, each bar labelled with its value."""
    from bokeh.models import ColumnDataSource, FactorRange, FixedTicker, LabelSet

    runs = results["runs"]
    names = distinct([run_name(r) for r in runs])
    factors, values, texts, colours = [], [], [], []
    for figure in results["figures"]:
        label = short(figure["label"], 30)
        raw = [value for value, _ in figure["cells"]]
        top = max((abs(v) for v in raw), default=0) or 1
        for n, (name, value) in enumerate(zip(names, raw)):
            factors.append((label, name))
            values.append(round(value / top * 100, 1))
            texts.append(f" {fmt(value)} {figure['unit']}".rstrip())
            colours.append(TABLE_COLOURS[n % len(TABLE_COLOURS)])
    if not factors:
        return None
    y_range = FactorRange(*reversed(factors), group_padding=0.8, subgroup_padding=0.1)
    source = ColumnDataSource({"y": factors, "value": values, "text": texts, "colour": colours})
    row = max(28, min(look.row * 0.62, 760 / len(factors))) if look.projector else look.row * 0.62
    plot = _figure(look, y_range=y_range, x_range=(min(0, min(values)) * 1.1, 175 if look.projector else 150),
                   height=round(look.pad + row * len(factors) + 20 * len(results["figures"])),
                   x_axis_label="% of the largest table's figure")
    plot.hbar(y="y", right="value", height=0.8, source=source, fill_color="colour", line_color="colour")
    plot.add_layout(LabelSet(x="value", y="y", text="text", source=source, text_baseline="middle",
                             text_font_size=look.axis, text_color=INK))
    plot.ygrid.grid_line_color = None
    plot.xaxis.ticker = FixedTicker(ticks=[-100, -50, 0, 25, 50, 75, 100])
    plot.yaxis.group_text_font_size = look.axis
    plot.yaxis.group_text_color = INK
    plot.yaxis.major_label_text_font_size = look.value
    plot.yaxis.group_label_orientation = "horizontal"
    return _json(plot, target_id)


