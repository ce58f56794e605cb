#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Seeds tests/fuzz/corpus/audit from the records the unit tests already parse
# (tests/unit/test_audit.c): every netlink record text, kmsg line and journal MESSAGE, in the
# harness's input format (tests/fuzz/audit.c). Run from the tree's top; idempotent.
import hashlib, os, re

TYPES = [1300, 1326, 1331, 1400, 1423, 1424, 1107, 1327, 0, 65535]
LIT = r'"(?:[^"\\]|\\.)*"'


def cstr(group):
    out = b''
    for lit in re.findall(LIT, group):
        out += bytes(lit[1:-1], 'latin-1').decode('unicode_escape').encode('latin-1')
    return out


def put(d, data):
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


src = open('tests/unit/test_audit.c', encoding='latin-1').read()
d = 'tests/fuzz/corpus/audit'
for m in re.finditer(r'parse\((\d+),\s*((?:' + LIT + r'\s*)+)', src):
    t = int(m.group(1))
    sel = TYPES.index(t) if t in TYPES else 3
    put(d, bytes([0, sel]) + cstr(m.group(2)))
for m in re.finditer(r'=\s*((?:"\d+,\d+,\d+,-;' + r'(?:[^"\\]|\\.)*"\s*)(?:' + LIT + r'\s*)*);', src):
    put(d, bytes([1, 1]) + cstr(m.group(1)))
for m in re.finditer(r'message\s*=\s*((?:' + LIT + r'\s*)+)', src):
    msg = cstr(m.group(1))
    kernel = msg.startswith(b'Lockdown:')
    typ = b'1326'
    if msg.startswith(b'AVC'):
        typ = b'1400'
    elif msg.startswith(b'AUDIT1423'):
        typ = b'1423'
    fields = [b'kernel' if kernel else b'audit', typ, b'664', b'1700000000664000', b'4000000', msg]
    put(d, bytes([2, 0]) + b'\n'.join(fields))
