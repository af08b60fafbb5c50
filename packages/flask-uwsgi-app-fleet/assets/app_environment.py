"""Sets the app's environment variables in uWSGI's master before it loads the app.

uWSGI imports this file (`import =` in uwsgi.ini) before it loads the app, at every start and at
every graceful reload, in which the master executes itself again and reads uwsgi.ini anew: the
workers it forks inherit the variables. It reads the plain values the playbook deployed and the
secrets that app_secrets.py fetched, just before, into the unit's RuntimeDirectory= (a tmpfs).
A JSON file, not an EnvironmentFile=: systemd reads that only when it starts the service, while a
graceful reload must see rotated values; JSON also carries any value (newlines, quotes) as it is.
"""
import json
import os

for path in ('@@environmentFile@@', '@@secretsFile@@'):
    try:
        with open(path) as f:
            os.environ.update(json.load(f))
    except FileNotFoundError:
        pass
