# A small allocation-heavy Python workload: build, serialise, parse and sort records.
import json, random
random.seed(1)
recs = [{"id": i, "name": "user%d" % i, "tags": [str(random.random())[:6] for _ in range(5)], "score": random.random()} for i in range(60000)]
s = json.dumps(recs)
back = json.loads(s)
back.sort(key=lambda r: r["score"])
idx = {r["name"]: r for r in back}
words = " ".join(r["name"] for r in back).split()
print(len(s), len(idx), len(words))
