"""Q&A: participants post questions (or answers to an open question), as many as they like, and
upvote the ones they want answered; the most wanted first, after the ones the tutor pinned."""
from ...registry import Examples
from .. import charts
from .base import LiveKind, register


@register
class Questions(LiveKind):
    name = "questions"
    label = "Q&A / open question with upvotes"
    votes = "upvote"
    vote_words = ("upvote", "upvotes")
    mergeable = True
    to_discussion = True
    max_text = 280

    def examples(self):
        return Examples(valid={}, invalid={"upvotes": "yes"}, problem="unknown setting", field="upvotes",
                        right={"text": "Who owns the sensor data?"}, wrong={})

    def answer(self, activity, form):
        return self.text_of(form, self.max_text, label="your question or answer",
                            name="Your question or answer"), {}

    def results(self, activity, posts, votes):
        ranked = sorted(posts, key=lambda p: (not p.pinned, -votes.get(p.id, 0), p.created_at, p.id))
        return {"posts": ranked, "votes": votes, "answers": len(posts)}

    def charts(self, out, activity, results):
        if not out.projector:  # the projector lists them, most upvoted first
            out.add("questions", "The most upvoted", charts.questions_chart, results)
