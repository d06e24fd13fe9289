# Writes server/env/fixtures/python_json_cases.json: what CPython 3.11's json.loads says about malformed
# texts (hand-picked ones and random mutations of valid bodies), the oracle of python_json_test.ts.
# Run: python3.11 scripts/python_json_cases.py 1 300 > server/env/fixtures/python_json_cases.json
import json, random, sys
random.seed(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
n = int(sys.argv[2]) if len(sys.argv) > 2 else 300
hand = ['', ' ', '{', '}', '[', ']', '{"a"', '{"a":', '{"a" 1}', '{"a":1', '{"a":1,', '{"a":1,}', '[1,]', '[1 2]', '{a:1}', "{'a':1}",
 'hello', 'nul', 'tru', '-', '-x', '01', '1.', '1.e5', '1e', '1e+', '"abc', '"a\\qb"', '"\\u12"', '"\\u12g4"', '"\\ud800\\udc0"', '"\\ud800\\u12x4"',
 '"a\nb"', '"tab\there"', '{"seed": 1} x', '{"seed": 1}\n\n  {', 'NaN', '[NaN, Infinity, -Infinity]', '-Inf', '\ufeff{}', '{"é": "😀", "b": ?}',
 '[1,\n 2,\n x]', '{"a": [1, {"b": }]}', '  \t\n', '"\\', '"\\u', '"\\u0041', '[', '[1', '[1,', '{"a":1 "b":2}', '{,}', '{"a"::1}', '1 2', 'true false', '{"x": tru}', '{"x": "\\ud83d\\ude00"', '0x10', '.5', '+1', '[-]', '[--1]']
valid = ['{"seed": 3, "episode_id": "e-1", "format": "react"}', '{"action": {"text": "hi \\"q\\" \\u00e9"}, "timeout_s": 2.5, "request_id": null}',
 '[1, -2.5e10, true, false, null, "s", {"k": [ ]}]', '{"a": {"b": {"c": [1, 2, {"d": "\\ud83d\\ude00"}]}}}']
alphabet = list('{}[]:,"\\ \n\tabcdefnrtu0123456789-+.eE') + ['é', '😀', '\x01']
def mutate(s):
    s = list(s)
    for _ in range(random.randint(1, 3)):
        op = random.random()
        i = random.randrange(len(s) + 1)
        if op < 0.4 and s: del s[min(i, len(s) - 1)]
        elif op < 0.8: s.insert(i, random.choice(alphabet))
        elif s: s[min(i, len(s) - 1)] = random.choice(alphabet)
    return ''.join(s)
texts = hand + [mutate(random.choice(valid)) for _ in range(n)]
out = []
for t in texts:
    try:
        json.loads(t); out.append({"text": t, "ok": True})
    except json.JSONDecodeError as e:
        out.append({"text": t, "msg": e.msg, "pos": e.pos, "str": str(e)})
json.dump(out, sys.stdout, ensure_ascii=False)
