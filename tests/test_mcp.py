"""The MCP server, end to end: the real `assistant mcp` process on the shipped corpus, driven by
the mcp SDK's own client over stdio and over streamable HTTP."""

import asyncio
import json
import sys

import pytest
from mcp.client.session import ClientSession

from conftest import free_port, running_server, with_stdio_session

QUESTION = "Which papers study grokking?"


def call(index_dir, *calls):
    """Run tool calls in one stdio session; returns (tool names, results)."""
    async def work(session):
        tools = await session.list_tools()
        return [t.name for t in tools.tools], [await session.call_tool(name, args) for name, args in calls]

    return asyncio.run(with_stdio_session(index_dir, work))


@pytest.fixture(scope="module")
def session_results(shipped_index):
    ask = ("ask", {"question": QUESTION})
    search = ("search_papers", {"query": "reasoning with large language models", "k": 10, "year_from": 2024, "year_to": 2024})
    upvoted = ("search_papers", {"query": "reasoning with large language models", "k": 5, "min_upvotes": 2})
    return call(shipped_index.settings.index_dir, ask, search, upvoted)


def test_lists_the_three_tools(session_results):
    assert sorted(session_results[0]) == ["ask", "get_paper", "search_papers"]


def test_ask_returns_a_cited_answer(session_results):
    result = session_results[1][0]
    assert not result.is_error
    answer = result.structured_content
    assert "[1]" in answer["text"] and answer["refused"] is False
    assert any("grokking" in c["title"].lower() for c in answer["citations"])


def test_search_filters_by_year_and_upvotes(session_results):
    by_year, by_upvotes = (r.structured_content["result"] for r in session_results[1][1:])
    assert by_year and {p["year"] for p in by_year} == {2024}
    assert by_upvotes and all(p["upvotes"] >= 2 for p in by_upvotes)


def test_get_paper_returns_the_paper_a_citation_names(session_results, shipped_index):
    cited = session_results[1][0].structured_content["citations"][0]
    _, [result] = call(shipped_index.settings.index_dir, ("get_paper", {"paper_id": cited["paper_id"]}))
    paper = result.structured_content
    assert paper["title"] == cited["title"] and len(paper["abstract"]) > 100


def test_streamable_http_serves_the_same_tools(shipped_index, tmp_path):
    from mcp.client.streamable_http import streamable_http_client

    port = free_port()
    command = [sys.executable, "-m", "assistant", "mcp", "--http", "--port", port, "--index-dir", shipped_index.settings.index_dir]

    async def work():
        async with streamable_http_client(f"http://127.0.0.1:{port}/mcp") as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            tools = await session.list_tools()
            result = await session.call_tool("ask", {"question": QUESTION})
            return [t.name for t in tools.tools], result

    with running_server(command, f"http://127.0.0.1:{port}/mcp", tmp_path / "mcp.log", timeout=120):
        names, result = asyncio.run(work())
    assert sorted(names) == ["ask", "get_paper", "search_papers"]
    assert "[1]" in result.structured_content["text"]
    assert json.loads(result.content[0].text)["citations"]
