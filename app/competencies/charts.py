"""Competency profiles as Bokeh charts (``json_item``): one bar per competency and round."""

COLOURS = {"start": "#9ecae1", "end": "#08519c"}  # light then dark blue: readable on white


def profile_chart(framework, values, target_id, title="Level (1 to 5)"):
    """``values``: ``{round: {competency key: level or mean}}``; bars grouped per competency."""
    from bokeh.embed import json_item  # bokeh takes a second to import: only pages with charts pay
    from bokeh.models import FactorRange, HoverTool
    from bokeh.plotting import figure
    from bokeh.transform import dodge

    from .service import ROUND_LABELS

    labels = [c.title for c in framework.competencies]
    rounds = [r for r in ROUND_LABELS if values.get(r)]
    plot = figure(y_range=FactorRange(*reversed(labels)), x_range=(0, len(framework.levels)),
                  height=90 + 30 * len(labels) * max(1, len(rounds)) // 1, sizing_mode="stretch_width",
                  toolbar_location=None, tools="", x_axis_label=title)
    width = 0.8 / max(1, len(rounds))
    renderers = []
    for n, r in enumerate(rounds):
        offset = (n - (len(rounds) - 1) / 2) * width
        data = {"label": labels, "level": [values[r].get(c.key) or 0 for c in framework.competencies],
                "round": [ROUND_LABELS[r]] * len(labels)}
        renderers.append(plot.hbar(y=dodge("label", -offset, range=plot.y_range), right="level", height=width * 0.9,
                                   source=data, fill_color=COLOURS[r], line_color=COLOURS[r],
                                   legend_label=ROUND_LABELS[r]))
    plot.add_tools(HoverTool(renderers=renderers, tooltips=[("Competency", "@label"), ("Round", "@round"),
                                                            ("Level", "@level")]))
    plot.xaxis.ticker = list(range(0, len(framework.levels) + 1))
    plot.ygrid.grid_line_color = None
    plot.yaxis.major_label_text_font_size = "13px"
    if renderers:
        plot.legend.orientation = "horizontal"
        plot.add_layout(plot.legend[0], "above")
    return json_item(plot, target_id)
