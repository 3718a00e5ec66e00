"""Live activity kinds beyond the board and the poll: a word cloud, a ranking, a scale, and Q&A
with upvotes. Their settings name the field at fault, answers are checked with a reason, results
add up, one-answer kinds keep one answer each, and learner text is escaped in the results."""
import re

import pytest
from werkzeug.datastructures import MultiDict

from app.extensions import db as _db
from app.live import kinds, service
from app.live.errors import LiveError
from app.models import LivePost
from tests.conftest import csrf_token
from tests.integration.live_rooms import guest, open_room

JSON = {"Accept": "application/json"}


@pytest.fixture
def room(app, make):
    return open_room(make, board=False)


def form(**values):
    return MultiDict(values)


def live(session, kind, title="Activity", **settings):
    activity = service.add_activity(session, kind, title, "", form(**settings))
    service.go_live(session, activity)
    return activity


def send(client, session, data):
    data = dict(data, csrf_token=csrf_token(client, "/login"))
    return client.post(f"/live/{session.code}/posts", data=data, headers=JSON)


def vote(client, session, post_id, count, json=True):
    data = {"count": count, "csrf_token": csrf_token(client, "/login")}
    return client.post(f"/live/{session.code}/posts/{post_id}/vote", data=data, headers=JSON if json else {})


def fragment(client, session):
    response = client.get(f"/live/{session.code}/results")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_new_kinds_are_registered_with_their_labels():
    assert {"wordcloud": "Word cloud", "ranking": "Ranking", "scale": "Scale",
            "questions": "Q&A / open question with upvotes"}.items() <= kinds.choices().items()
    assert kinds.get("ranking").one_answer and kinds.get("scale").one_answer
    assert not kinds.get("wordcloud").one_answer and not kinds.get("questions").one_answer
    assert kinds.get("questions").votable and not kinds.get("wordcloud").votable


def test_each_kind_declares_what_the_room_can_do_with_its_posts():
    declared = {name: (kind.votes, kind.mergeable, kind.themes, kind.to_discussion, kind.results_on_control)
                for name, kind in ((k.name, k) for k in kinds.registered())}
    assert declared == {
        "board": ("dots", True, True, True, False),
        "questions": ("upvote", True, False, True, True),
        "wordcloud": (None, False, False, True, True),
        "deliberation": (None, False, False, True, True),
        "poll": (None, False, False, False, True),
        "ranking": (None, False, False, False, True),
        "scale": (None, False, False, False, True),
        "simulation": (None, False, False, False, True),
    }
    assert kinds.get("board").vote_words == ("dot", "dots")
    assert kinds.get("questions").vote_words == ("upvote", "upvotes")
    assert kinds.get("board").notes_heading == "Notes" and kinds.get("poll").notes_heading == "Everything sent"
    for kind in kinds.registered():
        for template in (kind.settings_template, kind.input_template, kind.results_template):
            assert template.startswith(f"live/kinds/{kind.name}_"), template


def test_the_core_never_tests_a_kind_by_name():
    """What differs between kinds is declared on the kind (``kinds.LiveKind``): the service,
    charts, export, discussions and the templates outside ``live/kinds/`` compare no kind's name.
    (A vote event's ``"board"`` field, stored with the event, is a field name, not a comparison.)"""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "app"
    names = [kind.name for kind in kinds.registered()]
    files = [root / "live" / f"{name}.py" for name in ("service", "sessions", "participants", "posts",
                                                         "charts", "export", "routes", "tutor_routes")]
    files += sorted((root / "discussions").glob("*.py")) + sorted((root / "templates" / "live").glob("*.html"))
    quoted = re.compile(r"""(?<!get\()["'](""" + "|".join(names) + r""")["'](?!\s*:)""")
    found = [f"{path.relative_to(root)}:{number}: {line.strip()}" for path in files
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if quoted.search(line)]
    assert found == []


def test_the_control_page_offers_each_kind_with_labelled_settings(app, auth, room):
    auth.login(room["tutor"])
    page = auth.client.get(f"/live/{room['session'].code}/control").get_data(as_text=True)
    for kind in ("wordcloud", "ranking", "scale", "questions"):
        assert f'name="kind" value="{kind}"' in page
    assert '<label for="ranking-items">' in page and 'id="ranking-items"' in page
    assert '<label for="scale-statements">' in page and "<legend>Scale</legend>" in page
    added = auth.post(f"/live/{room['session'].code}/activities",
                      {"kind": "ranking", "title": "Order these", "items": "Only\nTwo"})
    assert added.status_code == 302
    assert "at least 3 items" in auth.client.get(added.location).get_data(as_text=True)


# -- word cloud ----------------------------------------------------------------------------------------------

def test_a_word_cloud_counts_phrases_whatever_their_case_and_spaces(app, room):
    session = room["session"]
    cloud = live(session, "wordcloud", "One word for today")
    sam, kim, lee = guest(app, session, "Sam"), guest(app, session, "Kim"), guest(app, session, "Lee", 1)
    for client, text, key in [(sam, "Trust", "s1"), (sam, "  open   data ", "s2"), (kim, "trust", "k1"),
                              (kim, "Open Data", "k2"), (lee, "TRUST", "l1"), (lee, "agility", "l2")]:
        assert send(client, session, {"text": text, "key": key}).status_code == 201
    words = service.results(cloud)["words"]
    assert [(w["word"], w["count"]) for w in words] == [("trust", 3), ("open data", 2), ("agility", 1)]
    assert [w["size"] for w in words] == [5, 3, 1]
    assert words[0]["text"] == "Trust" and words[1]["text"] == "open data"  # as first spelt, among equals
    assert _db.session.query(LivePost).filter_by(participant_id=None).count() == 0
    html = fragment(kim, session)
    assert re.search(r'live-word-5"><span class="learner-text">Trust</span><span class="visually-hidden"> \(3\)', html)
    assert "6 words sent, 3 different" in html


@pytest.mark.parametrize("text, message", [("   ", "Write a word or a short phrase first."),
                                           ("x" * 41, "A word or phrase is too long: at most 40 characters (this "
                                                      "has 41). Nothing was cut; shorten it and send it again.")])
def test_a_bad_word_is_refused_with_a_reason(app, room, text, message):
    session = room["session"]
    live(session, "wordcloud")
    response = send(guest(app, session), session, {"text": text, "key": "w"})
    assert response.status_code == 400 and response.json == {
        "error": "Bad request", "message": message, "errors": {"text": message}, "field": "text"}


def test_a_word_cloud_shows_the_top_forty_ties_alphabetically(app, room):
    session = room["session"]
    cloud = live(session, "wordcloud")
    sam = guest(app, session)
    for number in range(45):
        send(sam, session, {"text": f"word{number:02d}", "key": f"n{number}"})
    send(sam, session, {"text": "word44", "key": "again"})
    results = service.results(cloud)
    assert len(results["words"]) == 40 and results["more"] == 5 and results["distinct"] == 45
    assert results["words"][0]["word"] == "word44"
    assert [w["word"] for w in results["words"][1:4]] == ["word00", "word01", "word02"]
    assert {w["size"] for w in results["words"][1:]} == {1}


# -- ranking --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("items, message", [
    ("A\nB", "Give at least 3 items to rank, one per line."),
    ("\n".join("ABCDEFGHI"), "Give at most 8 items to rank, one per line."),
    ("A\nB\na", "Each item to rank appears once: two lines are the same.")])
def test_a_ranking_needs_three_to_eight_different_items(room, items, message):
    with pytest.raises(LiveError) as raised:
        service.add_activity(room["session"], "ranking", "Rank", "", form(items=items))
    assert raised.value.message == message and raised.value.field == "items"


def test_a_ranking_is_scored_by_borda_count_with_average_places(app, room):
    session = room["session"]
    ranking = live(session, "ranking", "What first?", items="Buses\nBikes\nTrains\n\n")
    assert ranking.settings["items"] == ["Buses", "Bikes", "Trains"]
    sam, kim, lee = guest(app, session, "Sam"), guest(app, session, "Kim"), guest(app, session, "Lee")
    order = lambda *places: {f"place-{n}": str(i) for n, i in enumerate(places, 1)}  # noqa: E731
    assert send(sam, session, order(0, 1, 2) | {"key": "s1"}).status_code == 201
    assert send(kim, session, order(2, 0, 1) | {"key": "k1"}).status_code == 201
    assert send(lee, session, order(2, 1, 0) | {"key": "l1"}).status_code == 201
    rows = service.results(ranking)["rows"]
    # Trains 0+2+2 = 4, Buses 2+1+0 = 3, Bikes 1+0+1 = 2; places (3+1+1)/3, (1+2+3)/3, (2+3+2)/3
    assert [(r["item"], r["points"], r["average"]) for r in rows] == [
        ("Trains", 4, 1.67), ("Buses", 3, 2.0), ("Bikes", 2, 2.33)]
    assert send(lee, session, order(0, 1, 2) | {"key": "l2"}).status_code == 201  # a changed mind
    assert _db.session.query(LivePost).filter_by(activity_id=ranking.id).count() == 3
    rows = service.results(ranking)["rows"]
    # Bikes and Trains tie on points and average place (7/3): they keep the tutor's order
    assert [(r["item"], r["points"]) for r in rows] == [("Buses", 5), ("Bikes", 2), ("Trains", 2)]
    assert service.results(ranking)["answers"] == 3
    html = fragment(sam, session)
    assert "from 3 rankings: 2 points for a first place" in html
    assert re.search(r"<td>1</td><th scope=\"row\">Buses</th><td>5</td>\s*<td>1.3</td>", html)


@pytest.mark.parametrize("data, message, field", [
    ({"place-1": "0", "place-2": "1"}, "Choose an item for place 3.", "place-3"),
    ({"place-1": "0", "place-2": "0", "place-3": "1"}, "“Buses” is in two places: put each item in exactly one place.",
     "place-2"),
    ({"place-1": "0", "place-2": "1", "place-3": "9"}, "Choose an item for place 3.", "place-3"),
    ({"place-1": "x", "place-2": "1", "place-3": "2"}, "Choose an item for place 1.", "place-1")])
def test_a_ranking_puts_each_item_in_exactly_one_place(app, room, data, message, field):
    session = room["session"]
    live(session, "ranking", items="Buses\nBikes\nTrains")
    response = send(guest(app, session), session, data | {"key": "r"})
    assert response.status_code == 400 and response.json["message"] == message and response.json["field"] == field


def test_the_ranking_phone_has_a_labelled_select_per_place_showing_my_order(app, room):
    session = room["session"]
    live(session, "ranking", items="Buses\nBikes\nTrains")
    sam = guest(app, session)
    page = sam.get(f"/live/{session.code}").get_data(as_text=True)
    assert page.count("<select ") == 3 and '<label for="rank-place-1">Place 1 (first)</label>' in page
    assert 'name="place-3"' in page and "data-answer-form" in page and "data-post-status" in page
    send(sam, session, {"place-1": "2", "place-2": "0", "place-3": "1", "key": "s"})
    page = sam.get(f"/live/{session.code}").get_data(as_text=True)
    first = page.split('id="rank-place-1"')[1].split("</select>")[0]
    assert '<option value="2" selected>Trains</option>' in first and "Change my order" in page


# -- scale ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("settings, message, field", [
    ({"statements": " \n "}, "Give at least one statement to rate, one per line.", "statements"),
    ({"statements": "\n".join("ABCDEFG")}, "Give at most 6 statements, one per line.", "statements"),
    ({"statements": "A", "scale": "1-10"}, "Choose the scale: 1 to 5, or agreement.", "scale")])
def test_a_scale_needs_one_to_six_statements_and_a_known_scale(room, settings, message, field):
    with pytest.raises(LiveError) as raised:
        service.add_activity(room["session"], "scale", "Rate", "", form(**settings))
    assert raised.value.message == message and raised.value.field == field


def test_a_scale_gives_each_statement_its_mean_count_and_spread(app, room):
    session = room["session"]
    scale = live(session, "scale", "How do you feel?", statements="I feel ready\nI know my team", scale="agree")
    sam, kim, lee = guest(app, session, "Sam"), guest(app, session, "Kim"), guest(app, session, "Lee")
    assert send(sam, session, {"rating-0": "5", "rating-1": "2", "key": "s1"}).status_code == 201
    assert send(kim, session, {"rating-0": "4", "rating-1": "2", "key": "k1"}).status_code == 201
    assert send(lee, session, {"rating-0": "1", "rating-1": "1", "key": "l1"}).status_code == 201
    assert send(lee, session, {"rating-0": "4", "rating-1": "3", "key": "l2"}).status_code == 201  # replaced
    assert _db.session.query(LivePost).filter_by(activity_id=scale.id).count() == 3
    results = service.results(scale)
    ready, team = results["rows"]
    assert ready["counts"] == [0, 0, 0, 2, 1] and ready["count"] == 3 and ready["mean"] == 4.33
    assert team["counts"] == [0, 2, 1, 0, 0] and team["mean"] == 2.33
    assert ready["shares"] == [0, 0, 0, 67, 33]
    assert results["labels"][0] == "Strongly disagree" and results["labels"][-1] == "Strongly agree"
    html = fragment(kim, session)
    assert "Mean 4.3 from 3 ratings" in html and "Mean 2.3 from 3 ratings" in html
    assert re.search(r'<th scope="row">4: Agree</th><td>2</td>\s*<td class="live-bar-cell"><span class="live-bar '
                     r'live-bar-65" aria-hidden="true"></span> 67%</td>', html)
    mine = _db.session.query(LivePost).filter_by(activity_id=scale.id).order_by(LivePost.id.desc()).first()
    assert mine.text == "I feel ready: 4 (Agree); I know my team: 3 (Neither agree nor disagree)"


def test_a_scale_wants_every_statement_rated_on_five_points(app, room):
    session = room["session"]
    live(session, "scale", statements="Clear\nUseful")
    sam = guest(app, session)
    missing = send(sam, session, {"rating-0": "3", "key": "a"})
    assert missing.status_code == 400 and missing.json["field"] == "rating-1"
    assert missing.json["message"] == "Rate “Useful”: choose one of the 5 points."
    assert send(sam, session, {"rating-0": "6", "rating-1": "1", "key": "b"}).json["field"] == "rating-0"


def test_the_scale_phone_has_a_fieldset_per_statement(app, room):
    session = room["session"]
    live(session, "scale", statements="Clear\nUseful")
    sam = guest(app, session)
    page = sam.get(f"/live/{session.code}").get_data(as_text=True)
    assert "<legend>Clear</legend>" in page and "<legend>Useful</legend>" in page
    assert page.count('type="radio" name="rating-1"') == 5 and "1: Not at all" in page and "5: Very much" in page
    send(sam, session, {"rating-0": "2", "rating-1": "5", "key": "s"})
    page = sam.get(f"/live/{session.code}").get_data(as_text=True)
    assert 'name="rating-1" value="5" required checked' in page and 'name="rating-0" value="2" required checked' in page


# -- questions ------------------------------------------------------------------------------------------------

def test_questions_are_upvoted_taken_back_and_ordered(app, room, auth):
    session = room["session"]
    qa = live(session, "questions", "Ask us anything")
    sam, kim, lee = guest(app, session, "Sam"), guest(app, session, "Kim"), guest(app, session, "Lee", 1)
    first = send(sam, session, {"text": "How is it funded?", "key": "q1"}).json["id"]
    second = send(kim, session, {"text": "Who decides?", "key": "q2"}).json["id"]
    third = send(sam, session, {"text": "When does it start?", "key": "q3"}).json["id"]
    assert [p.id for p in service.results(qa)["posts"]] == [first, second, third]  # no votes: oldest first
    for client in (sam, kim, lee):
        assert vote(client, session, third, 1).status_code == 200
    assert vote(lee, session, second, 5).status_code == 200  # an upvote is one, however many are asked for
    assert service.votes_of(qa) == {third: 3, second: 1}
    assert [p.id for p in service.results(qa)["posts"]] == [third, second, first]
    html = fragment(lee, session)  # Lee sits at another table and still sees the room's questions
    assert html.index("When does it start?") < html.index("Who decides?") < html.index("How is it funded?")
    assert "3 upvotes" in html and "1 upvote<" in html and "0 upvotes" in html
    assert html.count("Remove upvote") == 2 and html.count(">Upvote<") == 1
    assert vote(lee, session, third, 0, json=False).location.endswith(f"/live/{session.code}")  # taken back
    assert service.votes_of(qa) == {third: 2, second: 1}
    assert fragment(lee, session).count("Remove upvote") == 1
    service.moderate(_db.session.get(LivePost, first), pinned=True)
    assert [p.id for p in service.results(qa)["posts"]] == [first, third, second]
    html = fragment(sam, session)
    assert "<strong>Pinned</strong>" in html and "Yours" in html
    auth.login(room["tutor"])
    tutor_view = fragment(auth.client, session)
    assert "How is it funded?" in tutor_view and "Upvote" not in tutor_view and "2 upvotes" in tutor_view


def test_a_question_is_checked_and_several_are_allowed(app, room):
    session = room["session"]
    qa = live(session, "questions")
    sam = guest(app, session)
    refused = send(sam, session, {"text": " ", "key": "a"})
    assert refused.status_code == 400 and refused.json["message"] == "Write your question or answer first."
    assert send(sam, session, {"text": "y" * 281, "key": "b"}).json["message"] == (
        "Your question or answer is too long: at most 280 characters (this has 281). Nothing was cut; shorten it "
        "and send it again.")
    assert send(sam, session, {"text": "One", "key": "c"}).status_code == 201
    assert send(sam, session, {"text": "Two", "key": "d"}).status_code == 201
    assert service.results(qa)["answers"] == 2


def test_hidden_results_show_a_participant_only_their_own_posts(app, room, auth):
    session = room["session"]
    qa = live(session, "questions")
    sam, kim = guest(app, session, "Sam"), guest(app, session, "Kim")
    send(sam, session, {"text": "A question from Sam", "key": "s"})
    send(kim, session, {"text": "A question from Kim", "key": "k"})
    service.set_results_hidden(qa, True)
    html = fragment(sam, session)
    assert "A question from Sam" in html and "A question from Kim" not in html and "Upvote" not in html


# -- escaping -------------------------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"


@pytest.mark.parametrize("kind, settings, answer", [
    ("wordcloud", {}, {"text": "<b>x</b>&"}),
    ("questions", {}, {"text": SCRIPT}),
    ("ranking", {"items": f"{SCRIPT}\nB\nC"}, {"place-1": "0", "place-2": "1", "place-3": "2"}),
    ("scale", {"statements": SCRIPT}, {"rating-0": "3"})])
def test_learner_and_tutor_text_is_escaped_in_the_results(app, room, auth, kind, settings, answer):
    session = room["session"]
    live(session, kind, **settings)
    sam = guest(app, session)
    assert send(sam, session, answer | {"key": "x"}).status_code == 201
    auth.login(room["tutor"])
    for html in (fragment(sam, session), fragment(auth.client, session),
                 sam.get(f"/live/{session.code}").get_data(as_text=True),
                 auth.client.get(f"/live/{session.code}/projector").get_data(as_text=True)):
        assert "<script>alert" not in html and "<b>x</b>" not in html
    shown = fragment(sam, session)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown or "&lt;b&gt;x&lt;/b&gt;&amp;" in shown
