"""Every write of the parking-permit module (docs/parking-permits.md)."""
