"""Word cloud: participants send words or short phrases, as many as they like; the room's
phrases, folded together whatever their case, are shown sized by how often they were sent."""
from ...registry import Examples
from .. import charts
from .base import LiveKind, register

MAX_PHRASE = 40
TOP = 40
SIZES = 5


def normalise(text):
    """The form two phrases share when they are the same word: spaces squeezed, case folded."""
    return " ".join(str(text or "").split()).casefold()


def size_of(count, low, high):
    """A frequency bucket from 1 (sent least) to ``SIZES`` (sent most)."""
    if high <= low:
        return 3
    return 1 + round((SIZES - 1) * (count - low) / (high - low))


@register
class WordCloud(LiveKind):
    name = "wordcloud"
    label = "Word cloud"
    to_discussion = True
    max_text = MAX_PHRASE

    def examples(self):
        return Examples(valid={}, invalid={"words": 3}, problem="unknown setting", field="words",
                        right={"text": "Trust"}, wrong={"text": "x" * (MAX_PHRASE + 1)})

    def answer(self, activity, form):
        text = self.text_of(form, MAX_PHRASE, label="a word or a short phrase", name="A word or phrase")
        return text, {"word": normalise(text)}

    def results(self, activity, posts, votes):
        counts, spellings = {}, {}
        for post in posts:
            key = normalise(post.text)
            if not key:
                continue
            counts[key] = counts.get(key, 0) + 1
            spelt = spellings.setdefault(key, {})
            spelt[post.text] = spelt.get(post.text, 0) + 1
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        top = ranked[:TOP]
        low, high = (min(c for _, c in top), max(c for _, c in top)) if top else (0, 0)
        words = []
        for key, count in top:
            # shown as most people spelt it (the first of equally common spellings)
            shown = max(spellings[key].items(), key=lambda item: item[1])[0]
            words.append({"word": key, "text": shown, "count": count, "size": size_of(count, low, high)})
        return {"words": words, "answers": sum(counts.values()), "distinct": len(counts),
                "more": max(0, len(ranked) - TOP)}

    def charts(self, out, activity, results):
        if not out.projector:  # the projector has the cloud itself
            out.add("words", "The most sent words", charts.words_chart, results)
