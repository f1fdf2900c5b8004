#!/usr/bin/env python3
"""Writes publish-time traces for `outpost schedule simulate`.

A seeded mix of 50 sources over 8 days (the first day is the simulator's
warm-up, the other 7 are measured), one JSON object a line:

* 20 news wires that publish about hourly (0.5-2 items an hour) by day and little at
  night, each in its own time zone;
* 15 daily outlets that publish 1-4 items a day at habitual hours;
* 10 official pages that publish once or twice a week in office hours;
* 5 Telegram channels: a few posts a day, then an incident from day 4,
  14:00 UTC, for 30 hours, with posts coming in clusters.

Usage: python3 gen_traces.py [--seed N] [--days N] > trace.jsonl
"""

import argparse
import datetime as dt
import json
import math
import random

START = dt.datetime(2026, 11, 2, tzinfo=dt.timezone.utc)  # a Monday


def poisson_times(rng, start, end, rate_at):
    """Times of an inhomogeneous Poisson process (items per hour), by
    thinning against the highest rate."""
    peak = max(rate_at(start + dt.timedelta(minutes=10 * i))
               for i in range(int((end - start).total_seconds() // 600) + 1))
    out, t = [], start
    if peak <= 0:
        return out
    while True:
        t += dt.timedelta(hours=rng.expovariate(peak))
        if t >= end:
            return out
        if rng.random() < rate_at(t) / peak:
            out.append(t)


def wire(rng, days):
    day_rate = rng.uniform(0.5, 2.0)
    night = rng.uniform(0.05, 0.2)
    tz = rng.randint(0, 6)  # the wire's local time is UTC+tz
    wake, sleep = rng.randint(5, 7), rng.randint(21, 23)

    def rate(t):
        h = (t.hour + tz) % 24 + t.minute / 60
        return day_rate if wake <= h < sleep else day_rate * night

    return poisson_times(rng, START, START + dt.timedelta(days=days), rate)


def daily(rng, days):
    habits = sorted(rng.sample(range(6, 21), rng.randint(1, 4)))
    out = []
    for d in range(days):
        for h in habits:
            if rng.random() < 0.9:
                minute = rng.gauss(0, 25)
                out.append(START + dt.timedelta(days=d, hours=h, minutes=minute))
    return sorted(out)


def weekly(rng, days):
    out = []
    for week in range(math.ceil(days / 7)):
        for _ in range(rng.randint(1, 2)):
            d = week * 7 + rng.randint(0, 4)
            if d < days:
                out.append(START + dt.timedelta(days=d, hours=rng.uniform(9, 17)))
    return sorted(out)


def telegram(rng, days):
    calm = rng.uniform(3, 10) / 16  # posts per hour over 16 waking hours
    out = poisson_times(
        rng, START, START + dt.timedelta(days=days),
        lambda t: calm if 4 <= t.hour < 20 else 0.0)
    incident = START + dt.timedelta(days=4, hours=14)
    # Clusters (a post and its follow-ups within minutes) arrive at a rate
    # that starts high and decays over 30 hours.
    peak = rng.uniform(4, 8)
    clusters = poisson_times(
        rng, incident, incident + dt.timedelta(hours=30),
        lambda t: peak * math.exp(-(t - incident).total_seconds() / 3600 / 10))
    for c in clusters:
        t = c
        for _ in range(rng.randint(1, 6)):
            out.append(t)
            t += dt.timedelta(minutes=rng.expovariate(1 / 3))
    return sorted(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--days", type=int, default=8)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    mix = ([("wire", wire, "feed")] * 20 + [("daily", daily, "feed")] * 15
           + [("weekly", weekly, "feed")] * 10 + [("telegram", telegram, "telegram")] * 5)
    for i, (name, make, kind) in enumerate(mix):
        times = make(rng, a.days)
        line = {
            "source": f"{name}-{i:02}",
            "kind": kind,
            "published": [t.strftime("%Y-%m-%dT%H:%M:%SZ") for t in times],
        }
        print(json.dumps(line))


if __name__ == "__main__":
    main()
