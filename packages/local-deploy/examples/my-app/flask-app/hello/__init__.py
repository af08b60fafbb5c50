"""My Flask app."""
