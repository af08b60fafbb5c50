"""The WSGI entry point of my Flask app: `/` greets, `/health` answers ok."""
from flask import Flask

application = Flask(__name__)


@application.route("/")
def index():
    return "Hello from my app"


@application.route("/health")
def health():
    return {"status": "ok"}
