"""An MCP server (the official `mcp` SDK) over the assistant, for agents: Claude Desktop, IDE
assistants and anything else that speaks the Model Context Protocol.

Tools: `search_papers` (hybrid search with year and upvote filters), `ask` (the cited answer,
with the numbered papers it rests on) and `get_paper` (a paper by the id the other two return).
A user's mistake (an empty question, an unknown id, a bad year range) comes back as a tool
error of one line, never as a crash.

    assistant mcp                   # stdio: the client starts the server
    assistant mcp --http            # streamable HTTP at http://127.0.0.1:8765/mcp
"""

from __future__ import annotations

import contextlib
from typing import Annotated, Any

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field, ValidationError

from .errors import AssistantError
from .retrieve import CANDIDATES, YearFilter

Year = Annotated[int | None, Field(ge=1900, le=2100, description="Only papers from this year on / up to this year.")]


@contextlib.contextmanager
def tool_errors():
    """A user-facing problem becomes the tool's error message; anything else stays a bug."""
    try:
        yield
    except AssistantError as exc:
        raise ToolError(str(exc)) from None


def years(year_from: int | None, year_to: int | None) -> YearFilter:
    if year_from and year_to and year_from > year_to:
        raise AssistantError(f"year_from {year_from} is after year_to {year_to}")
    return YearFilter(year_from, year_to)


def paper_record(paper) -> dict[str, Any]:
    return {key: value for key, value in paper.record().items() if key != "extra"}


class PaperServer(MCPServer):
    async def call_tool(self, name, arguments, context=None):
        """Arguments that fail validation are reported in one line, not pydantic's report of
        several lines with a link."""
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            if not isinstance(exc.__cause__, ValidationError):
                raise
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'arguments'}: {e['msg']}" for e in exc.__cause__.errors())
            raise ToolError(f"{name}: {problems}") from None


def build(assistant) -> MCPServer:
    server = PaperServer("paper-assistant", instructions=(
        "Research-paper abstracts (Hugging Face Daily Papers). Use `ask` for a cited answer, "
        "`search_papers` to find papers, `get_paper` for one paper's abstract and details."))

    @server.tool()
    def search_papers(query: Annotated[str, Field(description="What to look for, in words.")],
                      k: Annotated[int, Field(ge=1, le=50, description="How many papers to return.")] = 5,
                      year_from: Year = None, year_to: Year = None,
                      min_upvotes: Annotated[int | None, Field(ge=0, description="Only papers with at least this many upvotes.")] = None,
                      ) -> list[dict]:
        """Find papers about a topic, best match first: id, title, date, year, authors, upvotes,
        score and abstract of each."""
        with tool_errors():
            # The upvote filter applies after retrieval, so retrieve all candidates when it is set.
            hits = assistant.retrieve(query, CANDIDATES if min_upvotes else k, years(year_from, year_to))
            hits = [h for h in hits if not min_upvotes or (h.paper.upvotes or 0) >= min_upvotes][:k]
            return [paper_record(h.paper) | {"score": round(h.score, 4)} for h in hits]

    @server.tool()
    def ask(question: Annotated[str, Field(description="A question about the papers.")],
            k: Annotated[int | None, Field(ge=1, le=50, description="Papers to retrieve (default 5).")] = None,
            year_from: Year = None, year_to: Year = None) -> dict[str, Any]:
        """Answer a question from the papers. The answer's [n] markers refer to `citations`
        (number, paper_id, title, date, ...); `refused` is true when the papers do not answer it."""
        with tool_errors():
            answer = assistant.ask(question, k=k, years=years(year_from, year_to)).to_dict()
            return {key: answer[key] for key in ("text", "citations", "uncited", "refused", "note")}

    @server.tool()
    def get_paper(paper_id: Annotated[str, Field(description="A paper id from search_papers or ask.")]) -> dict[str, Any]:
        """One paper: title, abstract, date, year, authors, upvotes and the corpus files it came from."""
        with tool_errors():
            paper = assistant.index.papers.get(paper_id.strip())
            if paper is None:
                raise AssistantError(f"no paper has the id {paper_id!r}; ids come from search_papers or ask")
            return paper_record(paper)

    return server


def serve(assistant, transport: str, host: str, port: int) -> None:
    assistant.warm_up(progress=False)  # stdout is the protocol's: nothing else may write there
    server = build(assistant)
    if transport == "stdio":
        server.run("stdio")
    else:
        print(f"MCP server on http://{host}:{port}/mcp", flush=True)
        server.run("streamable-http", host=host, port=port)
