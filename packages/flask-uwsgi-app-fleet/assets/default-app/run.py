"""The default app of an nlb-tiers FlaskUwsgiAppFleet: `/` answers with the instance's id and the
app's version (`i-0123456789abcdef0 version 1`), so that a rollout shows which instance serves which.

The version is read from version.txt beside this file, which the fleet writes at synthesis.

The id is read from the instance metadata service once per worker, with the IMDSv2
session-token flow (which works whether or not the instance requires IMDSv2), and then served
from memory: an instance's id never changes, and a metadata round trip on every request would
cost more than the rest of the request and is throttled by IMDS under load.
"""
import os
import threading
import urllib.request

from flask import Flask

IMDS = "http://169.254.169.254/latest"
TIMEOUT_SECONDS = 2
# The token is used once, right away; a minute leaves room for a slow, busy instance.
TOKEN_TTL_SECONDS = "60"

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "version.txt")) as version_file:
    VERSION = version_file.read().strip()

app = Flask(__name__)
_instance_id = None
_lock = threading.Lock()


def read_instance_id():
    token_request = urllib.request.Request(
        f"{IMDS}/api/token",
        method="PUT",
        headers={"X-aws-ec2-metadata-token-ttl-seconds": TOKEN_TTL_SECONDS},
    )
    with urllib.request.urlopen(token_request, timeout=TIMEOUT_SECONDS) as response:
        token = response.read().decode()
    request = urllib.request.Request(
        f"{IMDS}/meta-data/instance-id",
        headers={"X-aws-ec2-metadata-token": token},
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        return response.read().decode()


def instance_id():
    # Read on first use, not at import: a metadata hiccup then fails one request (and the next
    # one tries again) instead of the whole app failing to load.
    global _instance_id
    if _instance_id is None:
        with _lock:
            if _instance_id is None:
                _instance_id = read_instance_id()
    return _instance_id


@app.route("/")
def index():
    return f"{instance_id()} version {VERSION}"
