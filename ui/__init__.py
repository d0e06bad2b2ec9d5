"""The app: the Gradio layout and its callbacks, the HTML it renders, the login gate, the
index service that opens or builds the index in the background, and the page's own CSS
and scripts (``web/``). Only this package and ``app.py`` import gradio."""
