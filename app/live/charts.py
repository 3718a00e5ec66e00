"""Live results as Bokeh charts, for the tutor's screens: the projector, the control page and
the report (participants' phones keep the light CSS tables).

Each function draws one chart from a kind's ``results`` and returns ``bokeh.embed.json_item``
(a dict) that ``static/js/live-charts.js`` embeds; the results template keeps a table with the
same numbers next to it. Each kind chooses its charts (``LiveKind.charts``, adding to a
``Charts``); ``chart_for(activity, results, projector)`` gives them as ``[{"id", "title", "item"}]``
(simulation maps, drawn by ``sim_charts``, add ``"legend"``, drawn in HTML).

On the projector the type is big (ticks and axis labels of at least 18px) for the back of a
room. Learner text reaches the charts only as labels drawn on a canvas, cut to ``LABEL_CHARS``.
"""

LABEL_CHARS = 40
TOP = 10  # notes, questions, words: the most voted or sent
INK = "#1b1f24"
BAR = "#0f5c63"  # the site's teal: 7.3:1 on white
GRID = "#d5dae0"
# Okabe-Ito, the darker ones first: told apart with colour blindness, each 3:1 or more on white.
TABLE_COLOURS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#6b737e", "#e69f00", "#56b4e9", "#000000"]
# Scale points 1..5, diverging brown to teal (BrBG) with a grey middle.
SCALE_COLOURS = ["#8c510a", "#d8b365", "#a0a0a0", "#5ab4ac", "#01665e"]
SCALE_TEXT = ["#ffffff", INK, INK, INK, "#ffffff"]


def short(text, limit=LABEL_CHARS):
    """One line of at most ``limit`` characters: the text's first words (whole ones if it can)."""
    text = " ".join(str(text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-–") + "…"


def distinct(labels):
    """The labels with ``(2)``, ``(3)``... added to repeats: a categorical axis needs unique ones."""
    seen, out = set(), []
    for label in labels:
        unique, copy = label, 2
        while unique in seen:
            unique, copy = f"{label} ({copy})", copy + 1
        seen.add(unique)
        out.append(unique)
    return out


def fmt(value):
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}" if isinstance(value, (int, float)) else str(value)


class Look:
    """Sizes for a screen: the projector's (big) or a page's."""

    def __init__(self, projector):
        self.projector = projector
        self.tick = "24px" if projector else "15px"
        self.axis = "22px" if projector else "15px"
        self.title = "26px" if projector else "16px"
        self.value = "24px" if projector else "14px"
        self.row = 64 if projector else 34  # px per bar
        self.pad = 110 if projector else 80


def _figure(look, **options):
    from bokeh.plotting import figure

    plot = figure(sizing_mode="stretch_width", toolbar_location=None, tools="", **options)
    plot.background_fill_color = "#ffffff"
    plot.border_fill_color = "#ffffff"
    plot.outline_line_color = None
    for axis in plot.axis:
        axis.major_label_text_font_size = look.tick
        axis.major_label_text_color = INK
        axis.axis_label_text_font_size = look.axis
        axis.axis_label_text_color = INK
        axis.axis_label_text_font_style = "normal"
        axis.axis_line_color = INK
        axis.major_tick_line_color = INK
        axis.minor_tick_line_color = None
    plot.grid.grid_line_color = GRID
    if plot.title is not None:
        plot.title.text_font_size = look.title
        plot.title.text_color = INK
    return plot


def _json(plot, target_id):
    from bokeh.embed import json_item  # bokeh takes a second to import: only pages with charts pay

    return json_item(plot, target_id)


def hbars(target_id, labels, values, look, axis_label, texts=None, colour=BAR, hover=None):
    """Horizontal bars, the first label on top, each with its value written at its end."""
    from bokeh.models import ColumnDataSource, HoverTool, LabelSet

    labels = distinct([short(label) for label in labels])
    texts = texts or [fmt(v) for v in values]
    top = max([v for v in values if v is not None] + [1])
    source = ColumnDataSource({"label": labels, "value": values, "text": [f" {t}" for t in texts],
                               "full": hover or labels})
    plot = _figure(look, y_range=list(reversed(labels)), height=look.pad + look.row * len(labels),
                   x_axis_label=axis_label, x_range=(0, top * 1.18))
    plot.hbar(y="label", right="value", height=0.7, source=source, fill_color=colour, line_color=colour)
    plot.add_layout(LabelSet(x="value", y="label", text="text", source=source, text_baseline="middle",
                             text_font_size=look.value, text_color=INK, text_font_style="bold"))
    if not look.projector:
        plot.add_tools(HoverTool(tooltips=[("", "@full"), (axis_label, "@text")]))
    plot.ygrid.grid_line_color = None
    plot.xaxis.ticker.min_interval = 1
    return _json(plot, target_id)


# -- one chart per kind --------------------------------------------------------------------------

def poll_chart(target_id, results, look):
    counts, total = results["counts"], results["answers"]
    texts = [f"{c} ({round(c / total * 100) if total else 0}%)" for c in counts]
    return hbars(target_id, results["options"], counts, look, "Answers", texts, hover=results["options"])


def ranking_chart(target_id, results, look):
    rows = results["rows"]
    return hbars(target_id, [f"{n}. {row['item']}" for n, row in enumerate(rows, 1)], [row["points"] for row in rows],
                 look, "Points (Borda count)", hover=[row["item"] for row in rows])


def scale_chart(target_id, results, look):
    """Per statement, a bar of 100% split into the five points, with the mean in its label."""
    from bokeh.models import ColumnDataSource, HoverTool, LabelSet

    rows, names = results["rows"], list(results["labels"])
    labels = distinct([short(row["statement"], 32) + (f" · mean {row['mean']:.1f}" if row["mean"] is not None else "")
                       for row in rows])
    plot = _figure(look, y_range=list(reversed(labels)), x_range=(0, 100), x_axis_label="Share of ratings (%)",
                   height=look.pad + 60 + (look.row + 16) * len(rows))
    keys = [f"p{k}" for k in range(len(names))]
    data = {"label": labels}
    for k, key in enumerate(keys):
        data[key] = [row["shares"][k] for row in rows]
    source = ColumnDataSource(data)
    renderers = plot.hbar_stack(keys, y="label", height=0.7, source=source, color=SCALE_COLOURS[: len(keys)],
                                line_color="#ffffff", legend_label=[f"{k + 1}: {name}" for k, name in enumerate(names)])
    # each share written in its segment when it is wide enough to hold it
    left = [0] * len(rows)
    for k in range(len(keys)):
        shares = data[keys[k]]
        text = ColumnDataSource({"x": [left[i] + shares[i] / 2 for i in range(len(rows))], "label": labels,
                                 "text": [f"{s}%" if s >= 9 else "" for s in shares]})
        plot.add_layout(LabelSet(x="x", y="label", text="text", source=text, text_align="center",
                                 text_baseline="middle", text_font_size=look.value, text_color=SCALE_TEXT[k]))
        left = [left[i] + shares[i] for i in range(len(rows))]
    if not look.projector:
        plot.add_tools(HoverTool(renderers=renderers, tooltips=[("", "@label"), ("Share", "$name")]))
    plot.ygrid.grid_line_color = None
    plot.legend.orientation = "horizontal"
    plot.legend.label_text_font_size = look.tick if look.projector else "13px"
    plot.legend.label_text_color = INK
    plot.legend.border_line_color = None
    plot.add_layout(plot.legend[0], "above")
    return _json(plot, target_id)


def board_chart(target_id, results, look):
    """The notes with the most dots, labelled with their first words and their table."""
    notes = [post for post in results["ranked"] if results["votes"].get(post.id, 0) > 0 and not post.hidden][:TOP]
    if not notes:
        return None
    labels = [short(post.text, 30) + (f" · {post.table.name}" if post.table else "") for post in notes]
    return hbars(target_id, labels, [results["votes"][post.id] for post in notes], look, "Dots",
                 hover=[post.text for post in notes])


def themes_chart(target_id, results, look):
    themes = sorted(((theme, len([p for p in posts if not p.hidden])) for theme, posts in results["themes"].items()
                     if theme), key=lambda item: (-item[1], item[0]))[:TOP]
    if not themes:
        return None
    return hbars(target_id, [t for t, _ in themes], [n for _, n in themes], look, "Notes", colour=TABLE_COLOURS[0])


def questions_chart(target_id, results, look):
    ranked = sorted((p for p in results["posts"] if not p.hidden and results["votes"].get(p.id, 0) > 0),
                    key=lambda p: (-results["votes"][p.id], p.created_at, p.id))[:TOP]
    if not ranked:
        return None
    return hbars(target_id, [p.text for p in ranked], [results["votes"][p.id] for p in ranked], look, "Upvotes",
                 hover=[p.text for p in ranked])


def words_chart(target_id, results, look):
    words = results["words"][:TOP]
    if not words:
        return None
    return hbars(target_id, [w["text"] for w in words], [w["count"] for w in words], look, "Times sent")


def notes_per_table_chart(target_id, results, session, look):
    posts = results.get("posts") or []
    if not posts:
        return None
    names = [t.name for t in session.tables]
    counts = [sum(1 for p in posts if p.table_id == t.id) for t in session.tables]
    loose = sum(1 for p in posts if p.table_id is None)
    if loose:
        names, counts = names + ["No table"], counts + [loose]
    return hbars(target_id, names, counts, look, "Notes")


# -- the entry point ----------------------------------------------------------------------------

class Charts:
    """The charts of one activity's results, as its kind adds them (``LiveKind.charts``)."""

    def __init__(self, activity, projector):
        self.projector = projector
        self.look = Look(projector)
        self.prefix = f"live-chart-{activity.id}"
        self.items = []

    def add(self, name, title, draw, *args):
        """Chart ``name``: ``draw(its element id, *args, look)``; a draw that gives None adds nothing."""
        target = f"{self.prefix}-{name}"
        item = draw(target, *args, self.look)
        if item is not None:
            self.items.append({"id": target, "title": title, "item": item})

    def extend(self, items):
        self.items.extend(items)


def chart_for(activity, results, projector=False):
    """``[{"id", "title", "item"}]``: the charts of ``activity``'s results (``[]`` if none fit)."""
    from . import kinds  # the kinds import this module for its charts

    kind = kinds.get(activity.kind)
    if not results or kind is None:
        return []
    out = Charts(activity, projector)
    kind.charts(out, activity, results)
    return out.items
