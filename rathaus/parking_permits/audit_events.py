"""The parking-permit module's audit events (registered with `rathaus.audit.registry`)."""
