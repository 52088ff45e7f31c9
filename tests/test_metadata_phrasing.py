"""Metadata orderings in the many ways people ask for them."""

import pytest

from assistant.metadata import parse
from assistant.questions import plan


@pytest.mark.parametrize(
    "question, order, topic",
    [
        ("Which diffusion paper got the most likes?", ("upvotes", True), "diffusion paper got the"),
        ("top-voted work on agents?", ("upvotes", True), "agents"),
        ("highest-voted paper about retrieval augmented generation", ("upvotes", True), "retrieval augmented generation"),
        ("which code generation paper came out last?", ("date", True), "code generation paper"),
        ("which grokking paper came out first?", ("date", False), "grokking paper"),
        ("which agent paper has the most contributors", ("authors", True), "agent paper"),
        ("rank the RL papers by upvotes", ("upvotes", True), "RL papers"),
        ("sort the diffusion papers by date", ("date", True), "diffusion papers"),
    ],
)
def test_orderings_in_other_words(question, order, topic):
    query = parse(question)
    assert (query.filter.order, query.topic) == (order, topic) and plan(question).kind == "meta"


def test_a_ranking_names_every_paper_and_a_superlative_one():
    assert parse("rank the RL papers by upvotes").limit is None
    assert parse("which grokking paper came out first?").limit == 1
    assert parse("which of these came out first?").previous
    # "the most recent of ...", "the oldest of them": a superlative over the papers that follow "of".
    for question, order in [("the most recent of the ones above?", ("date", True)), ("the oldest of them?", ("date", False)),
                            ("most popular of these?", ("upvotes", True))]:
        query = parse(question)
        assert query.filter.order == order and query.previous and query.limit == 1 and plan(question).kind == "meta"
    assert parse("the most recent advances in RL?") is None  # "recent" describing other things orders nothing


def test_papers_by_authors_is_not_an_ordering():
    query = parse("papers on agents by authors from Google")
    assert query is None or query.filter.order is None
