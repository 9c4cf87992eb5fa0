"""The writes of the appointments app."""
