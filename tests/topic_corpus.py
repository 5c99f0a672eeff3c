"""Seeded synthetic news corpora whose topic counts are known (the truth travels with the data).

``topic_records(seed, start, end, per_month, topic_share)`` writes articles of our own
sentences: background business news, and articles about a topic phrase at a share that
follows ``topic_share(month_index)``. Some topic articles report funding rounds or layoffs
of named companies in a sentence that names the topic; some name the topic only in passing
(one mention, not in the title or lead), which is what buzzword dilution counts.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

BACKGROUND = [
    "{co} Inc reported higher quarterly profit on {day}, helped by cost cuts.",
    "Shares of {co} Corp fell after the company cut its sales forecast.",
    "{co} Ltd said its chief executive would retire at the end of the year.",
    "Regulators fined {co} Inc for late filings, the agency said.",
]
NAMES = ["Alder", "Birch", "Cedar", "Dunmore", "Elmstead", "Fernhill", "Garrow", "Hollis", "Ivory", "Juniper",
         "Kestrel", "Larchmont", "Marlow", "Northgate", "Oakridge", "Pellham", "Quarry", "Redfern", "Sable",
         "Thornbury", "Upland", "Vantage", "Westbrook", "Yarrow", "Zephyr"]


def topic_records(seed: int, start: dt.date, months: int, per_month: int,
                  topic_share: Callable[[int], float], *, phrase: str = "cloud computing",
                  id_prefix: str = "syn") -> list[dict]:
    """Articles month by month; each record carries ``truth_topic`` (1 if written about the
    topic) and ``truth_events`` (the events it states), for tests."""
    rng = random.Random(seed)
    out = []
    k = 0
    for m in range(months):
        year, month = start.year + (start.month - 1 + m) // 12, (start.month - 1 + m) % 12 + 1
        share = topic_share(m)
        for i in range(per_month):
            k += 1
            day = dt.date(year, month, 1 + (i * 7 + m) % 28)
            # a distinct company per article (1,000 names), so that no two stories report one event
            co = (f"{NAMES[k % 25]}{['ar', 'el', 'on', 'is', 'um', 'ex', 'ia', 'or'][(k // 25) % 8]}"
                  f"{['soft', 'net', 'ware', 'data', 'tek'][(k // 200) % 5]}")
            rec = {"id": f"{id_prefix}-{k:05d}", "date": day.isoformat(), "truth_topic": 0, "truth_events": []}
            if rng.random() < share:
                rec["truth_topic"] = 1
                kind = rng.random()
                if kind < 0.25:
                    rec["title"] = f"{co} raises money for {phrase}"
                    rec["text"] = (f"SAN FRANCISCO - {co} Inc, a {phrase} start-up, raised $25 million in a "
                                   f"Series B round led by Kestrel Ventures. The company sells {phrase} "
                                   "services to banks.")
                    rec["truth_events"] = [{"type": "funding", "company": co}]
                elif kind < 0.35:
                    rec["title"] = f"{co} to cut jobs"
                    rec["text"] = (f"NEW YORK - {co} Corp said on Monday it would cut 300 jobs as demand for "
                                   f"its {phrase} products slowed. The cuts follow a weak quarter.")
                    rec["truth_events"] = [{"type": "layoff", "company": co}]
                elif kind < 0.7:
                    rec["title"] = f"{phrase.capitalize()} spending rises"
                    rec["text"] = (f"Companies spent more on {phrase} this quarter, analysts said. {co} Inc "
                                   f"expects {phrase} to grow. Demand for {phrase} was a gold rush, one said.")
                else:  # the topic only in passing: dilution
                    rec["title"] = f"{co} reports results"
                    rec["text"] = (f"{co} Inc reported quarterly results on {day:%A}. Revenue rose 4 percent. "
                                   f"The company also mentioned a small {phrase} pilot.")
            else:
                rec["title"] = f"{co} news"
                rec["text"] = rng.choice(BACKGROUND).format(co=co, day=day.strftime("%A"))
            rec["text"] += f" Item {k} of the wire."  # every story distinct, so none is a duplicate
            out.append(rec)
    return out
