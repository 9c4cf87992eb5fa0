"""The waiting room: check-in, walk-in tickets, one queue per location, the clerk's call,
the call display with speech, waiting outside with the phone (issue 15)."""
