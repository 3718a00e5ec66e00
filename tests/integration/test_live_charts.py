"""Live results as Bokeh charts on the tutor's screens: each kind's chart holds the room's
numbers, the simulation round's maps share their ranges and colour classes, runs sent before
maps were kept still render, and only the projector, control page and report carry charts (with
the plot CSP); the phones' results stay plain HTML."""
import json
from types import SimpleNamespace

import pytest
from werkzeug.datastructures import MultiDict

from app.extensions import db as _db
from app.live import charts, service, sim_charts
from app.models import LivePost
from app.security import CSP, PLOT_CSP
from sims import dataset as sims_dataset
from sims import ev_charging
from tests.conftest import csrf_token
from tests.integration.live_rooms import guest, open_room

JSON = {"Accept": "application/json"}


@pytest.fixture
def room(app, make):
    return open_room(make, board=False)


def live(session, kind, title="Activity", **settings):
    activity = service.add_activity(session, kind, title, "", MultiDict(settings))
    service.go_live(session, activity)
    return activity


def send(client, session, data):
    response = client.post(f"/live/{session.code}/posts", data=dict(data, csrf_token=csrf_token(client, "/login")),
                           headers=JSON)
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    return response.json["id"]


def vote(client, session, post_id, count):
    response = client.post(f"/live/{session.code}/posts/{post_id}/vote",
                           data={"count": count, "csrf_token": csrf_token(client, "/login")}, headers=JSON)
    assert response.status_code == 200, response.get_data(as_text=True)


def objects(node, name):
    """Every Bokeh model called ``name`` in a json_item (or any part of one)."""
    if isinstance(node, dict):
        if node.get("type") == "object" and node.get("name") == name:
            yield node
        for value in node.values():
            yield from objects(value, name)
    elif isinstance(node, list):
        for value in node:
            yield from objects(value, name)


def sources(item):
    """The data of each ColumnDataSource of a json_item, as ``{column: list}``."""
    return [dict(source["attributes"]["data"].get("entries", []))  # an empty source (an arrow's) has none
            for source in objects(item["doc"], "ColumnDataSource")]


def bars(item):
    """The data source that has ``label`` and ``value`` columns: the bars."""
    return next(data for data in sources(item) if "value" in data and "label" in data)


def one_chart(activity, projector=True):
    found = charts.chart_for(activity, service.results(activity), projector=projector)
    assert len(found) == 1, [c["id"] for c in found]
    chart = found[0]
    assert chart["item"]["target_id"] == chart["id"] and chart["title"]
    json.dumps(chart["item"])  # plain JSON, for the page
    return chart


def read_for_the_back_of_the_room(item):
    plot = item["doc"]["roots"][0]["attributes"]
    assert plot["toolbar_location"] is None
    axes = [*objects(item["doc"], "LinearAxis"), *objects(item["doc"], "CategoricalAxis")]
    sizes = [axis["attributes"][key] for axis in axes
             for key in ("major_label_text_font_size", "axis_label_text_font_size") if key in axis["attributes"]]
    assert sizes and all(int(size.rstrip("px")) >= 18 for size in sizes), sizes


# -- each kind's chart --------------------------------------------------------------------------------

def test_a_poll_chart_has_a_bar_per_option_with_its_count(app, room):
    session = room["session"]
    poll = live(session, "poll", "How do you come in?", options="Bus\nBike\nCar")
    for n, choice in enumerate(["0", "0", "1", "0"]):
        send(guest(app, session, f"P{n}"), session, {"choice": choice, "key": f"p{n}"})
    chart = one_chart(poll)
    data = bars(chart["item"])
    assert data["label"] == ["Bus", "Bike", "Car"] and data["value"] == [3, 1, 0]
    assert data["text"] == [" 3 (75%)", " 1 (25%)", " 0 (0%)"]
    read_for_the_back_of_the_room(chart["item"])
    page = one_chart(poll, projector=False)["item"]
    assert "HoverTool" in json.dumps(page)  # a page gets tooltips; the projector does not
    assert "HoverTool" not in json.dumps(chart["item"])


def test_no_answers_no_chart(app, room):
    session = room["session"]
    for kind, settings in [("poll", {"options": "A\nB"}), ("scale", {"statements": "Fine"}),
                           ("ranking", {"items": "A\nB\nC"}), ("board", {}), ("questions", {}),
                           ("simulation", {"scenario": "ev_charging"})]:
        activity = live(session, kind, kind, **settings)
        assert charts.chart_for(activity, service.results(activity), projector=True) == [], kind


def test_a_scale_chart_splits_each_statement_into_its_five_points(app, room):
    session = room["session"]
    scale = live(session, "scale", "How sure?", statements="Buses matter\nData helps", scale="agree")
    for n, ratings in enumerate([(5, 1), (4, 1), (5, 2), (1, 1)]):
        send(guest(app, session, f"S{n}"), session, {"rating-0": ratings[0], "rating-1": ratings[1], "key": f"s{n}"})
    chart = one_chart(scale)
    data = next(d for d in sources(chart["item"]) if "p0" in d)
    assert data["label"] == ["Buses matter · mean 3.8", "Data helps · mean 1.2"]
    assert [data[f"p{k}"] for k in range(5)] == [[25, 75], [0, 25], [0, 0], [25, 0], [50, 0]]
    legend = [item["attributes"]["label"]["value"] for item in objects(chart["item"]["doc"], "LegendItem")]
    assert legend == ["1: Strongly disagree", "2: Disagree", "3: Neither agree nor disagree", "4: Agree",
                      "5: Strongly agree"]


def test_a_ranking_chart_shows_the_points_in_the_rooms_order(app, room):
    session = room["session"]
    ranking = live(session, "ranking", "What first?", items="Buses\nBikes\nTrains")
    order = lambda *places: {f"place-{n}": str(i) for n, i in enumerate(places, 1)}  # noqa: E731
    for n, places in enumerate([(0, 1, 2), (2, 0, 1), (2, 1, 0)]):
        send(guest(app, session, f"R{n}"), session, order(*places) | {"key": f"r{n}"})
    data = bars(one_chart(ranking)["item"])
    assert data["label"] == ["1. Trains", "2. Buses", "3. Bikes"] and data["value"] == [4, 3, 2]


def test_a_board_charts_the_most_dotted_notes_and_the_themes(app, room):
    session = room["session"]
    board = live(session, "board", "Ideas", dots="3")
    sam, kim = guest(app, session, "Sam", 0), guest(app, session, "Kim", 1)
    long = "Open every bus timetable as data that anyone can reuse, and say so on the stops"
    first = send(sam, session, {"text": long, "key": "n1"})
    second = send(kim, session, {"text": "Ask residents", "key": "n2"})
    third = send(kim, session, {"text": "</script><script>alert(1)</script>", "key": "n3"})
    assert charts.chart_for(board, service.results(board), projector=True) == []  # no dots, no themes yet
    vote(sam, session, second, 2)
    vote(kim, session, second, 1)
    vote(kim, session, first, 1)
    vote(sam, session, third, 1)
    found = charts.chart_for(board, service.results(board), projector=True)
    assert [c["id"] for c in found] == [f"live-chart-{board.id}-dots"]
    data = bars(found[0]["item"])
    assert data["value"] == [3, 1, 1]
    assert data["label"][0] == "Ask residents · Table 2"
    assert data["label"][1].startswith("Open every bus timetable as") and "…" in data["label"][1]
    assert all(len(label) <= charts.LABEL_CHARS for label in data["label"])
    service.set_theme(_db.session.get(LivePost, first), "Data")
    service.set_theme(_db.session.get(LivePost, third), "Data")
    service.set_theme(_db.session.get(LivePost, second), "People")
    service.moderate(_db.session.get(LivePost, third), hidden=True)  # hidden: off the charts
    found = charts.chart_for(board, service.results(board, include_hidden=True), projector=True)
    assert [c["id"].rsplit("-", 1)[-1] for c in found] == ["dots", "themes"]
    assert bars(found[0]["item"])["value"] == [3, 1]
    themes = bars(found[1]["item"])
    assert themes["label"] == ["Data", "People"] and themes["value"] == [1, 1]


def test_questions_and_words_are_charted_on_pages_not_on_the_projector(app, room):
    session = room["session"]
    qa = live(session, "questions", "Ask")
    sam, kim = guest(app, session, "Sam"), guest(app, session, "Kim")
    first = send(sam, session, {"text": "How is it funded?", "key": "q1"})
    second = send(kim, session, {"text": "Who decides?", "key": "q2"})
    send(kim, session, {"text": "Nobody upvotes this", "key": "q3"})
    for client in (sam, kim):
        vote(client, session, second, 1)
    vote(sam, session, first, 1)
    assert charts.chart_for(qa, service.results(qa), projector=True) == []  # the projector has the list
    data = bars(one_chart(qa, projector=False)["item"])
    assert data["label"] == ["Who decides?", "How is it funded?"] and data["value"] == [2, 1]
    cloud = live(session, "wordcloud", "One word")
    for n, word in enumerate(["Trust", "trust", "data"]):
        send(sam, session, {"text": word, "key": f"w{n}"})
    assert charts.chart_for(cloud, service.results(cloud), projector=True) == []  # the cloud itself stays
    data = bars(one_chart(cloud, projector=False)["item"])
    assert data["label"] == ["Trust", "data"] and data["value"] == [2, 1]


def test_a_deliberation_stage_charts_notes_per_table():
    tables = [SimpleNamespace(id=1, name="Table 1"), SimpleNamespace(id=2, name="Table 2")]
    activity = SimpleNamespace(id=7, kind="deliberation", session=SimpleNamespace(tables=tables))
    posts = [SimpleNamespace(table_id=t) for t in (1, 1, 2, None)]
    found = charts.chart_for(activity, {"posts": posts, "stage": object()})
    assert bars(found[0]["item"])["value"] == [2, 1, 1]
    assert bars(found[0]["item"])["label"] == ["Table 1", "Table 2", "No table"]
    assert charts.chart_for(activity, {"posts": posts}, projector=True) == []


# -- the simulation round ----------------------------------------------------------------------------

@pytest.fixture
def sim_round(app, room):
    session = room["session"]
    round_ = live(session, "simulation", "Charging in 2051", scenario="ev_charging", show="home_share ev_share")
    send(guest(app, session, "Sam", 0), session, {"home_share": "100", "ev_share": "80", "key": "r1"})
    send(guest(app, session, "Kim", 1), session, {"home_share": "0", "ev_share": "20", "key": "r2"})
    return round_


def test_a_run_keeps_its_map_values_and_zones(app, sim_round):
    from sims import api
    run = service.results(sim_round)["runs"][0]
    expected = api.run("ev_charging", run.answer["params"])
    assert run.answer["map"] == {key: expected["map"][key] for key in ("title", "unit", "values")}
    assert run.answer["zones"] == expected["zones"]
    assert len(run.value) < 2000  # small: 15 districts


def test_the_round_has_a_map_per_table_with_shared_ranges_and_classes(app, room, sim_round):
    from sims.results import classify
    results = service.results(sim_round)
    found = charts.chart_for(sim_round, results, projector=True)
    maps = [c for c in found if c.get("group") == "maps"]
    assert [c["title"].split(":")[0] for c in maps] == ["Table 1", "Table 2"]
    assert found[-1]["id"].endswith("-figures")
    ranges = [[(r["attributes"]["start"], r["attributes"]["end"]) for r in objects(c["item"]["doc"], "Range1d")]
              for c in maps]
    assert ranges[0] == ranges[1] and len(ranges[0]) == 2  # x and y: the same on every map
    values = [run.answer["map"]["values"] for run in results["runs"]]
    assert values[0] != values[1]
    classes = sim_charts.shared_classes(results["runs"], ev_charging.MAP_BREAKS)  # the deck's, on every map
    assert [c["label"] for c in classes] == ["0–10 MWh", "10–30 MWh", "30–50 MWh", "50–70 MWh", "> 70 MWh"]
    legend = maps[0]["legend"]
    assert legend == maps[1]["legend"] == [{"index": n, "label": c["label"]} for n, c in enumerate(classes)]
    top = max(max(v) for v in values)
    radii = []
    zone_ids = results["runs"][0].answer["zones"]["id"]
    for chart, table_values in zip(maps, values):
        # The 15 districts drawn as their shapes, each filled with its value's shared class.
        assert [len(list(objects(chart["item"]["doc"], name))) for name in ("ScaleBar", "Arrow")] == [1, 1]
        shapes = next(d for d in sources(chart["item"]) if "xs" in d)
        assert len(shapes["xs"]) == 15 and sorted(shapes["name"]) == sorted(results["runs"][0].answer["zones"]["name"])
        by_zone = dict(zip(zone_ids, table_values))
        features = sims_dataset.cambridge().boundaries["features"]
        assert shapes["fill"] == [classes[classify([by_zone[f["zone_id"]]], classes)[0]]["color"] for f in features]
        data = next(d for d in sources(chart["item"]) if "r" in d)
        by_value = sorted(table_values, key=lambda v: -abs(v))
        assert "colour" not in data  # the circles over the shapes are white: the shapes carry the colours
        assert data["value"][0] == f"{charts.fmt(by_value[0])} MWh"
        radii.append(max(data["r"]) / (max(table_values) / top) ** 0.5)
    assert all(chart["shapes"] and chart["credit"].startswith("Boundaries: Contains Ordnance Survey") for chart in maps)
    assert radii[0] == pytest.approx(radii[1])  # the same scale of circles on every map
    figures = next(d for d in sources(found[-1]["item"]) if "y" in d)
    first = results["figures"][0]
    assert [text.strip() for text in figures["text"][:2]] == [f"{charts.fmt(v)} {first['unit']}" for v, _ in
                                                              first["cells"]]
    assert max(abs(v) for v in figures["value"][:2]) == 100


def test_an_old_run_without_map_data_renders_with_its_table(app, auth, room, sim_round):
    old = service.results(sim_round)["runs"][0]
    old.value = {k: v for k, v in old.answer.items() if k not in ("map", "zones")}  # a new value, not a change in place
    _db.session.commit()
    results = service.results(sim_round)
    found = charts.chart_for(sim_round, results, projector=True)
    assert [c["title"].split(":")[0] for c in found if c.get("group") == "maps"] == ["Table 2"]
    for run in results["runs"]:
        run.value = {k: v for k, v in run.answer.items() if k not in ("map", "zones")}
    _db.session.commit()
    found = charts.chart_for(sim_round, service.results(sim_round), projector=True)
    assert [c["id"].rsplit("-", 1)[-1] for c in found] == ["figures"]  # no map, the figures still
    auth.login(room["tutor"])
    for path in ("projector", "control", "report", "results"):
        response = auth.client.get(f"/live/{room['session'].code}/{path}")
        html = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert "computed on the server" in html and "-map-" not in html and "data-bokeh-item" in html, path


# -- the pages ----------------------------------------------------------------------------------------

def test_the_tutors_screens_carry_charts_with_the_plot_csp_and_the_phones_do_not(app, auth, room):
    session = room["session"]
    poll = live(session, "poll", "How?", options="Bus\nBike")
    phone = guest(app, session, "Sam")
    send(phone, session, {"choice": "1", "key": "p1"})
    auth.login(room["tutor"])
    chart_id = f"live-chart-{poll.id}-poll"
    for path in ("projector", "control", "report", "results"):
        response = auth.client.get(f"/live/{session.code}/{path}")
        html = response.get_data(as_text=True)
        assert response.headers["Content-Security-Policy"] == PLOT_CSP, path
        assert f'data-bokeh-item="{chart_id}-data"' in html, path
        assert f'aria-describedby="live-{poll.id}-table"' in html and f'id="live-{poll.id}-table"' in html, path
        if path != "results":
            assert "bokeh.min.js" in html and "js/live-charts.js" in html, path
    # the projector's results fragment is drawn big; the control page's and the report's are not
    projector = auth.client.get(f"/live/{session.code}/results").get_data(as_text=True)
    assert '"major_label_text_font_size":"24px"' in projector.replace(" ", "")
    # a phone: the CSS table, no Bokeh, the site's usual CSP
    for path in (f"/live/{session.code}/results", f"/live/{session.code}"):
        response = phone.get(path)
        html = response.get_data(as_text=True)
        assert response.headers["Content-Security-Policy"] == CSP, path
        assert "bokeh" not in html.lower() and "live-bar" in html, path


def test_the_projector_allows_plot_styles_before_any_chart(app, auth, room):
    session = room["session"]
    live(session, "poll", "How?", options="Bus\nBike")
    auth.login(room["tutor"])
    response = auth.client.get(f"/live/{session.code}/projector")  # no answers yet: no chart...
    assert "data-bokeh-item" not in response.get_data(as_text=True)
    assert response.headers["Content-Security-Policy"] == PLOT_CSP  # ...but the fragment may bring one


def test_the_report_charts_every_activity_and_learner_text_stays_in_its_json(app, auth, room):
    session = room["session"]
    poll = live(session, "poll", "How?", options="Bus\nBike")
    sam = guest(app, session, "Sam")
    send(sam, session, {"choice": "0", "key": "p1"})
    board = live(session, "board", "Ideas")
    note = send(sam, session, {"text": "</script><script>alert(1)</script>", "key": "n1"})
    vote(sam, session, note, 1)
    live(session, "ranking", "Nobody ranked", items="A\nB\nC")
    auth.login(room["tutor"])
    html = auth.client.get(f"/live/{session.code}/report").get_data(as_text=True)
    for chart_id in (f"live-chart-{poll.id}-poll", f"live-chart-{board.id}-dots"):
        assert f'id="{chart_id}" data-bokeh-item="{chart_id}-data"' in html
    assert "<script>alert(1)" not in html  # escaped in the table, \u003c in the chart's JSON
    assert html.count("data-bokeh-item=") == 2


def test_maps_of_other_zones_keep_circles_coloured_by_class_and_no_attribution():
    zones = {"id": ["A", "B", "C"], "name": ["Ay", "Bee", "Cee"], "lat": [52.0, 52.1, 52.2], "lon": [0.1, 0.2, 0.3]}
    runs = [SimpleNamespace(table=SimpleNamespace(name=f"Table {n}"), participant=None,
                            answer={"map": {"title": "Jobs", "unit": "people", "values": values}, "zones": zones})
            for n, values in ((1, [10.0, 200.0, 900.0]), (2, [50.0, 400.0, 0.0]))]
    found = sim_charts.sim_maps("live-chart-9", runs, charts.Look(True))
    classes = sim_charts.shared_classes(runs)
    assert len(found) == 2 and not any(chart["shapes"] or chart["credit"] for chart in found)
    for chart in found:
        assert not list(objects(chart["item"]["doc"], "MultiPolygons"))
        assert not any("xs" in d for d in sources(chart["item"]))  # no shapes to draw
        circles = next(d for d in sources(chart["item"]) if "r" in d)
        assert set(circles["colour"]) <= {c["color"] for c in classes}
    assert sim_charts.boundaries_for(zones) is None
    assert len(sim_charts.boundaries_for(runs[0].answer["zones"] | {"id": list(sims_dataset.cambridge().index)})
               ["features"]) == 15
