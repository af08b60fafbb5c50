"""The default app of an nlb-tiers FlaskUwsgiAppFleet: `/` answers with the instance's id.

The id is read from the instance metadata service with the IMDSv2 session-token flow, which
works whether or not the instance requires IMDSv2.
"""
import urllib.request

from flask import Flask

IMDS = "http://169.254.169.254/latest"
TIMEOUT_SECONDS = 2

app = Flask(__name__)


def imds_token():
    request = urllib.request.Request(
        f"{IMDS}/api/token",
        method="PUT",
        headers={"X-aws-ec2-metadata-token-ttl-seconds": "60"},
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        return response.read().decode()


def instance_id():
    request = urllib.request.Request(
        f"{IMDS}/meta-data/instance-id",
        headers={"X-aws-ec2-metadata-token": imds_token()},
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        return response.read().decode()


@app.route("/")
def index():
    return instance_id()
