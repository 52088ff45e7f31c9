"""Start the chat UI: `python app.py` (see `python app.py --help`); the same as `assistant serve`."""

from assistant.ui import main

if __name__ == "__main__":
    main()
