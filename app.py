"""Start the chat in the browser: python app.py [--host H] [--port P]
(or ASSISTANT_HOST / ASSISTANT_PORT); python app.py --hash-password NAVN writes a line
for the login file. The app itself is the ``ui`` package (ui/app.py)."""

import sys

from ui.app import main

if __name__ == "__main__":
    sys.exit(main())
