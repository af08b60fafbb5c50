"""A Flask app shipped by the integration tests to a FlaskUwsgiAppFleet, in place of the default one."""
