"""Q&A: participants post questions (or answers to an open question), as many as they like, and
upvote the ones they want answered; the most wanted first, after the ones the tutor pinned."""
from .base import LiveKind, register


@register
class Questions(LiveKind):
    name = "questions"
    label = "Q&A / open question with upvotes"
    votable = True
    max_text = 280

    def answer(self, activity, form):
        return self.text_of(form, self.max_text, label="your question or answer",
                            name="Your question or answer"), {}

    def results(self, activity, posts, votes):
        ranked = sorted(posts, key=lambda p: (not p.pinned, -votes.get(p.id, 0), p.created_at, p.id))
        return {"posts": ranked, "votes": votes, "answers": len(posts)}
