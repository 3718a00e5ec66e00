"""markdown_render.render keeps what it rendered: a text is rendered again only when its links'
answers changed, and the resolvers are always asked (they record a course's problems)."""
from app.content import markdown_render

TEXT = "See [the next unit](next.md), [it again](next.md) and ![a map](map.png).\n"


class Resolvers:
    def __init__(self, unit_url):
        self.unit_url = unit_url
        self.asked = []

    def link(self, href):
        self.asked.append(href)
        return self.unit_url if href == "next.md" else href

    def asset(self, src):
        self.asked.append(src)
        return f"/assets/{src}"


def render(text, resolvers):
    return markdown_render.render(text, resolvers.link, resolvers.asset)


def test_the_same_text_with_the_same_answers_reuses_the_html_and_asks_again():
    text = TEXT + "\n(reused)\n"
    first, second = Resolvers("/units/next"), Resolvers("/units/next")
    html = render(text, first)
    assert 'href="/units/next"' in html and 'src="/assets/map.png"' in html
    assert render(text, second) == html
    assert second.asked == first.asked == ["next.md", "next.md", "map.png"]


def test_other_answers_render_again_asking_each_link_as_often_as_before():
    text = TEXT + "\n(moved)\n"
    render(text, Resolvers("/units/next"))
    moved = Resolvers("/units/elsewhere")
    html = render(text, moved)
    assert 'href="/units/elsewhere"' in html and "/units/next" not in html
    assert moved.asked == ["next.md", "next.md", "map.png"]


def test_only_so_many_texts_are_kept(monkeypatch):
    monkeypatch.setattr(markdown_render, "RENDERED_KEPT", 3)
    for n in range(5):
        markdown_render.render(f"text {n} of a few")
    assert len(markdown_render._RENDERED) <= 3
    assert "text 4 of a few" in markdown_render._RENDERED
