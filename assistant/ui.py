"""The Gradio chat UI."""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def build(assistant):
    import gradio as gr

    def respond(message, history):
        return assistant.ask(message).text

    return gr.ChatInterface(respond, title="Paper assistant", api_name="ask")


def main() -> None:
    from .api import Assistant

    assistant = Assistant()
    assistant.ensure_index()
    build(assistant).launch(server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"))
