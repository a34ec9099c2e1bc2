"""Run the test provider: ``python -m observatoire.accounts.tests.oidc_provider.serve CONFIG``.

CONFIG is a JSON file: ``client_id``, ``client_secret``, ``redirect_uris`` (list) and ``people``
(each with ``username``, ``password`` and the ``claims`` the extranet gives about them). The
server listens on a free port of 127.0.0.1 and prints its address on the first line of its
output once it answers; it runs until it is killed.
"""

import json
import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - wsgiref's signature
        pass


def main(config_path: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "observatoire.accounts.tests.oidc_provider.settings"
    os.environ["OIDC_PROVIDER_CONFIG"] = config_path
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from oauth2_provider.models import Application

    with open(config_path, encoding="utf-8") as config_file:
        config = json.load(config_file)
    call_command("migrate", verbosity=0, interactive=False)
    for person in config["people"]:
        User.objects.create_user(person["username"], password=person["password"])
    Application.objects.create(
        name="Observatoire (tests)",
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(config["redirect_uris"]),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    server = make_server(
        "127.0.0.1", 0, WSGIHandler(), server_class=ThreadingServer, handler_class=QuietHandler
    )
    print(f"http://127.0.0.1:{server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1])
