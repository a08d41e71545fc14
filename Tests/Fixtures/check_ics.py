"""Reads an iCalendar file with the `icalendar` package (independent of DeprivationMap) and prints
its events as JSON: summary, local start and end (Europe/London), weekday, UTC offset, UID."""
import json, sys
from icalendar import Calendar

with open(sys.argv[1], "rb") as f:
    cal = Calendar.from_ical(f.read())
events = []
for e in cal.walk("VEVENT"):
    start, end = e.decoded("DTSTART"), e.decoded("DTEND")
    events.append({
        "uid": str(e.get("UID")),
        "summary": str(e.get("SUMMARY")),
        "location": str(e.get("LOCATION")),
        "date": start.date().isoformat(),
        "weekday": start.isoweekday(),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
        "tz": str(start.tzinfo),
        "utc_offset_minutes": int(start.utcoffset().total_seconds() // 60),
    })
print(json.dumps({"name": str(cal.get("X-WR-CALNAME")), "timezones": [str(t.get("TZID")) for t in cal.walk("VTIMEZONE")], "events": events}))
