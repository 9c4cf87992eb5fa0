"""Writes of the same-day draw: the draws (`draws`), the requests (`requests`), the run that
draws and books (`draw_run`) and the e-mails (`notify`)."""
