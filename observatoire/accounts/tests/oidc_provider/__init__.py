"""A real OpenID provider for the tests: django-oauth-toolkit in its own small Django project.

`serve.py` runs it in a separate process (see `test_oidc.py`), the way the extranet runs apart
from the Observatoire: its own database, its own RSA signing key, its own users and sessions.
"""
