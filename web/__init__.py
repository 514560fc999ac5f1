"""The web desk (`shouwen serve`): FastAPI app (app.py), pages (pages.py), JSON API (api.py), templates and
vendored static assets. Imports only the desk (pipelines/desk, accounts, access), the office and the
configuration. Importing this package loads nothing heavy (the CLI builds its parser from web.serve)."""
