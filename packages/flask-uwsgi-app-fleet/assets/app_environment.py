"""Sets the app's environment variables in a uWSGI worker before it loads the app.

uWSGI imports this file (`import =` in uwsgi.ini) before it loads the app, in every worker it
starts: with `lazy-apps`, each worker loads the app after the fork, so a worker that a reload
starts (one at a time, or all after the master reloaded) imports it anew. It reads the plain values the playbook deployed and the
secrets that app_secrets.py fetched, just before, into the unit's RuntimeDirectory= (a tmpfs).
A JSON file, not an EnvironmentFile=: systemd reads that only when it starts the service, while a
reload must see rotated values; JSON also carries any value (newlines, quotes) as it is.
"""
import json
import os

for path in ('@@environmentFile@@', '@@secretsFile@@'):
    try:
        with open(path) as f:
            os.environ.update(json.load(f))
    except FileNotFoundError:
        pass
