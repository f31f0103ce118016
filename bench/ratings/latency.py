#!/usr/bin/env python3
"""SAT-2 latency: VIEWERS server-sent-event streams open on /api/v1/ratings/live while RATE ratings/s are posted;
the time from sending a rating's POST to its event on the watched streams, p50/p95/p99.
Usage: latency.py BASE_URL COOKIE TOKENS_FILE SECTIONS SECONDS [VIEWERS] [RATE] [WATCHED]
All viewers are read (drained); WATCHED of them are parsed for timing."""
import json, selectors, socket, sys, threading, time, http.client, urllib.parse

base, cookie, tokens_file, sections, seconds = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(','), float(sys.argv[5])
viewers = int(sys.argv[6]) if len(sys.argv) > 6 else 500
rate = int(sys.argv[7]) if len(sys.argv) > 7 else 1000
watched = int(sys.argv[8]) if len(sys.argv) > 8 else 5
u = urllib.parse.urlparse(base)
tokens = [l.strip() for l in open(tokens_file) if l.strip()]
sent = {}          # rating id -> send time
lock = threading.Lock()
latencies = []
stop = False

sel = selectors.DefaultSelector()
socks = []
for i in range(viewers):
    s = socket.create_connection((u.hostname, u.port))
    # HTTP/1.0: no chunked framing inside the event lines.
    s.sendall(f"GET /api/v1/ratings/live HTTP/1.0\r\nHost: {u.hostname}\r\nCookie: {cookie}\r\nAccept: text/event-stream\r\n\r\n".encode())
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ, {"i": i, "buf": b""})
    socks.append(s)

def reader():
    while not stop:
        for key, _ in sel.select(timeout=0.2):
            try:
                data = key.fileobj.recv(1 << 20)
            except BlockingIOError:
                continue
            if not data:
                sel.unregister(key.fileobj); continue
            if key.data["i"] >= watched:
                continue
            now = time.monotonic()
            buf = key.data["buf"] + data
            *lines, key.data["buf"] = buf.split(b"\n")
            for line in lines:
                if line.startswith(b"data: "):
                    try:
                        rid = json.loads(line[6:])["id"]
                    except ValueError:
                        continue
                    with lock:
                        t0 = sent.get(rid)
                    if t0 is not None:
                        latencies.append(now - t0)

def poster(n, share):
    c = http.client.HTTPConnection(u.hostname, u.port)
    interval = 1.0 / share
    nxt = time.monotonic()
    k = 0
    while not stop:
        k += 1
        body = json.dumps({"sectionId": sections[k % len(sections)], "caseNumber": f"LAT-{n}-{k}-{int(time.time())}", "level": 1 + k % 3})
        t0 = time.monotonic()
        c.request("POST", "/api/v1/ratings", body, {"Content-Type": "application/json", "Authorization": "Bearer " + tokens[(n * 7919 + k) % len(tokens)]})
        r = c.getresponse(); data = r.read()
        if r.status == 201:
            with lock:
                sent[json.loads(data)["id"]] = t0
        nxt += interval
        d = nxt - time.monotonic()
        if d > 0: time.sleep(d)

threading.Thread(target=reader, daemon=True).start()
time.sleep(2)
# Each POST waits for its durable commit (tens of ms), so the rate needs many connections in parallel.
posters = [threading.Thread(target=poster, args=(n, rate / 64), daemon=True) for n in range(64)]
for p in posters: p.start()
time.sleep(seconds)
stop = True
time.sleep(1)
lat = sorted(latencies)
def pct(p): return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float('nan')
print(f"viewers {viewers} (watched {watched}), posted {len(sent)} ratings in {seconds:.0f} s = {len(sent)/seconds:.0f}/s, "
      f"events timed {len(lat)}: p50 {pct(0.5):.1f} ms, p95 {pct(0.95):.1f} ms, p99 {pct(0.99):.1f} ms, max {lat[-1]*1000 if lat else 0:.1f} ms")
