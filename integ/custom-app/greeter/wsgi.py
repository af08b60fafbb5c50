"""The WSGI entry point of the greeter app: `/` answers a JSON greeting naming its instance, and
`/config` shows what the app received in its environment: a plain value as it is, and for each
secret its SHA-256 only, so that a test can check the value without it ever being shown.

The instance id is read from the instance metadata service with the IMDSv2 session-token flow.
"""
import hashlib
import os
import urllib.request

from flask import Flask, jsonify

IMDS = "http://169.254.169.254/latest"
TIMEOUT_SECONDS = 2


def _imds(path):
    token_request = urllib.request.Request(
        f"{IMDS}/api/token",
        method="PUT",
        headers={"X-aws-ec2-metadata-token-ttl-seconds": "60"},
    )
    with urllib.request.urlopen(token_request, timeout=TIMEOUT_SECONDS) as response:
        token = response.read().decode()
    request = urllib.request.Request(f"{IMDS}/meta-data/{path}", headers={"X-aws-ec2-metadata-token": token})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        return response.read().decode()


def create_app():
    flask_app = Flask(__name__)

    @flask_app.route("/")
    def greet():
        return jsonify(app="nlb-tiers-greeter", greeting="Hello from a custom Flask app", instanceId=_imds("instance-id"))

    @flask_app.route("/config")
    def config():
        def sha256(name):
            value = os.environ.get(name)
            return None if value is None else hashlib.sha256(value.encode()).hexdigest()

        return jsonify(
            greeting=os.environ.get("GREETING"),
            apiKeySha256=sha256("GREETER_API_KEY"),
            tokenSha256=sha256("GREETER_TOKEN"),
            instanceId=_imds("instance-id"),
        )

    return flask_app


application = create_app()
