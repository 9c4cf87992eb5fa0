"""Council-ready statistics of the Bürgerbüro (issue 14, item 9).

- `figures`: pure computations over plain rows (no database): lead time against the 14-day
  target, no-shows by service, lead time and weekday, capacity planned / booked / used, and
  same-day demand against supply.
- `charts`: server-rendered, accessible SVG (title, description; the page shows the same
  numbers as tables) and the CSV rows.
- `ports`: where the same-day draw registers its count of requests (optional).
- `selectors`: the reads that turn the database into rows (three queries and the counters'
  calendars).
- `services`: the simulated year (`manage.py appointments_simulate`).
"""
