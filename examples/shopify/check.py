#!/usr/bin/env python3
"""Independent check of the shopify example, run after each `sqlflow pipeline run`.

  check.py RUN   (RUN = 1 or 2)

1. The mock's request log of that run (requests.jsonl): only list endpoints were called, no answer was a 429,
   every first request of an orders read closes its window with updated_at_max, and on the second run asks
   for updated_at_min = the first run's watermark (the latest updated_at the shop had then).
2. The shop's data, read here with urllib (its own Link-header pagination), and the figures computed in plain
   Python: daily revenue, top products, customer cohorts, table sizes, changed orders, rows each incremental
   load read. Every figure is compared with the CSV that sqlflow exported.
"""
import csv
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from datetime import datetime, timezone
from decimal import Decimal

URL = os.environ["SHOPIFY_BASE_URL"]
TOKEN = os.environ["SHOPIFY_ACCESS_TOKEN"]
ORDERS = "/admin/api/2025-10/orders.json"
errors = []


def check(ok, message):
    if not ok:
        errors.append(message)


def fetch(resource, **params):
    url = f"{URL}/admin/api/2025-10/{resource}.json?" + urllib.parse.urlencode({"limit": 250, **params})
    records = []
    while url:
        request = urllib.request.Request(url, headers={"X-Shopify-Access-Token": TOKEN})
        try:
            with urllib.request.urlopen(request) as response:
                records += json.load(response)[resource]
                link = response.headers.get("Link", "")
        except urllib.error.HTTPError as error:
            if error.code != 429:
                raise
            time.sleep(float(error.headers.get("Retry-After", "2")))
            continue
        match = re.search(r'<([^>]+)>; rel="next"', link)
        url = match.group(1) if match else None
    return records


def utc(text):
    return datetime.fromisoformat(text).astimezone(timezone.utc)


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def compare(path, expected, columns):
    """expected: rows as dicts of Python values; the CSV's cells are parsed like them and compared in order."""
    actual = read_csv(path)
    check(len(actual) == len(expected), f"{path}: {len(actual)} rows, expected {len(expected)}")
    for n, (got, want) in enumerate(zip(actual, expected)):
        for column in columns:
            value = want[column]
            cell = got.get(column)
            parsed = Decimal(cell) if isinstance(value, (int, Decimal)) and cell not in (None, "") else cell
            check(parsed == value, f"{path} row {n + 1} {column}: got {cell!r}, expected {value!r}")


def check_log(run):
    requests = [json.loads(line) for line in open("requests.jsonl")]
    check(requests, "no request was logged")
    for r in requests:
        check(r.get("status") == 200, f"{r['path']}?{r['query']} was answered {r.get('status')}")
        check(re.fullmatch(r"/admin/api/2025-10/(orders|customers|products)\.json", r["path"]) is not None,
              f"unexpected request {r['path']} (a read calls only list endpoints)")
    firsts = [r for r in requests if r["path"] == ORDERS and "page_info" not in r["params"]]
    check(len(firsts) == 2, f"expected 2 orders reads (orders, order_line_items), got {len(firsts)}")
    for r in firsts:
        check("updated_at_max" in r["params"], f"no updated_at_max in {r['query']}")
        check(r["params"].get("status") == "any", f"status is not 'any' in {r['query']}")
        if run == 1:
            check("updated_at_min" not in r["params"], f"first run sent updated_at_min: {r['query']}")
        else:
            watermark = open("watermark.txt").read().strip()
            check(r["params"].get("updated_at_min") == watermark,
                  f"second run sent updated_at_min={r['params'].get('updated_at_min')}, expected {watermark}")


def check_figures(run):
    orders = fetch("orders", status="any")
    customers = fetch("customers")
    products = {p["id"]: p for p in fetch("products")}
    paid = [o for o in orders if o["cancelled_at"] is None]

    daily = defaultdict(lambda: [0, Decimal(0)])
    for o in paid:
        day = daily[utc(o["created_at"]).date().isoformat()]
        day[0] += 1
        day[1] += Decimal(o["total_price"])
    compare("output/daily_revenue.csv",
            [{"day": d, "orders": v[0], "revenue": v[1]} for d, v in sorted(daily.items())],
            ["day", "orders", "revenue"])

    sales = defaultdict(lambda: {"units": 0, "revenue": Decimal(0), "orders": set()})
    for o in paid:
        for item in o["line_items"]:
            s = sales[item["product_id"]]
            s["units"] += item["quantity"]
            s["revenue"] += item["quantity"] * Decimal(item["price"])
            s["orders"].add(o["id"])
    top = sorted(sales.items(), key=lambda kv: (-kv[1]["revenue"], kv[0]))[:5]
    compare("output/top_products.csv",
            [{"product_id": pid, "title": products[pid]["title"], "vendor": products[pid]["vendor"],
              "units": s["units"], "revenue": s["revenue"], "orders": len(s["orders"])} for pid, s in top],
            ["product_id", "title", "vendor", "units", "revenue", "orders"])

    spend = defaultdict(lambda: [0, Decimal(0)])
    for o in paid:
        spend[o["customer"]["id"]][0] += 1
        spend[o["customer"]["id"]][1] += Decimal(o["total_price"])
    cohorts = defaultdict(lambda: {"customers": 0, "buyers": 0, "repeat_buyers": 0, "orders": 0,
                                   "revenue": Decimal(0)})
    for c in customers:
        cohort = cohorts[utc(c["created_at"]).date().isoformat()]
        n, revenue = spend.get(c["id"], (0, Decimal(0)))
        cohort["customers"] += 1
        cohort["buyers"] += n > 0
        cohort["repeat_buyers"] += n >= 2
        cohort["orders"] += n
        cohort["revenue"] += revenue
    compare("output/customer_cohorts.csv", [{"cohort_day": d, **v} for d, v in sorted(cohorts.items())],
            ["cohort_day", "customers", "buyers", "repeat_buyers", "orders", "revenue"])

    items = sum(len(o["line_items"]) for o in orders)
    compare("output/loaded.csv",
            [{"table": "orders", "rows": len(orders), "ids": len(orders)},
             {"table": "order_line_items", "rows": items, "ids": items}], ["table", "rows", "ids"])
    compare("output/changed_orders.csv",
            [{"id": o["id"], "note": o["note"]} for o in sorted(orders, key=lambda o: o["id"]) if o["note"]],
            ["id", "note"])

    # Rows each incremental load read: everything on the first run; on the second the orders updated at or
    # after the watermark (UPSERT re-reads the order equal to it) and their line items.
    if run == 1:
        changed = orders
        open("watermark.txt", "w").write(iso(max(utc(o["updated_at"]) for o in orders)))
    else:
        watermark = datetime.fromisoformat(open("watermark.txt").read().strip())
        changed = [o for o in orders if utc(o["updated_at"]) >= watermark]
    state = {row["target"]: row for row in read_csv("output/state.csv")}
    for target, rows in (("orders", len(changed)), ("order_line_items", sum(len(o["line_items"]) for o in changed))):
        got = state.get(target, {}).get("rows_loaded")
        check(got == str(rows), f"state of {target}: rows_loaded {got}, expected {rows}")
    latest = iso(max(utc(o["updated_at"]) for o in orders)).replace("T", " ")[:19]
    check(state.get("orders", {}).get("watermark", "").startswith(latest),
          f"orders watermark {state.get('orders', {}).get('watermark')}, expected {latest}")
    return len(orders), len(changed), len(daily)


def main():
    run = int(sys.argv[1])
    check_log(run)  # before this script's own requests reach the log
    orders, changed, days = check_figures(run)
    if errors:
        print("\n".join(errors), file=sys.stderr)
        sys.exit(1)
    print(f"run {run}: {orders} orders in the shop, {changed} read by the incremental load, {days} days of revenue "
          f"match")


main()
