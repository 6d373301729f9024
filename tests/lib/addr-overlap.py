#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# addr-overlap.py ADDRS NODE=MONITOR-FILE=INITIAL[=NSID] ...
#
# Reads the output of "ip -ts monitor address" and checks that no address of ADDRS (comma
# separated) was ever on two nodes at once. Each NODE names the monitor output with its
# events and the comma-separated ADDRS it held when the monitor started. With NSID, the file
# is the output of one "ip -ts monitor all-nsid address" in a namespace where the node's
# namespace has that id, and only the lines "[nsid NSID]" are the node's: one netlink socket
# receives the events of every namespace in the order the kernels made them, so the order is
# exact (separate monitor processes print in an order that scheduling may invert).
#
# Prints every hand-over ("ADDR: nA -> nB after N.NNN ms without an owner") and every
# overlap with its length; the last line is "moves=N overlaps=M". Exit status 1 when an
# address was on two nodes at once.
import re
import sys
from datetime import datetime

LINE = re.compile(r"^\[([0-9T:.-]+)\] (?:\[nsid (\d+)\])?(Deleted )?\d+: \S+\s+inet6? "
                  r"([0-9a-f.:]+)/\d+")


def main():
    addrs = set(sys.argv[1].split(","))
    events = []
    holders = {a: set() for a in addrs}
    for seq_base, spec in enumerate(sys.argv[2:]):
        parts = spec.split("=")
        node, path, initial = parts[0], parts[1], parts[2]
        nsid = parts[3] if len(parts) > 3 else None
        for a in filter(None, initial.split(",")):
            if a in addrs:
                holders[a].add(node)
        with open(path) as f:
            for lineno, line in enumerate(f):
                m = LINE.match(line)
                if not m or m.group(4) not in addrs or m.group(2) != nsid:
                    continue
                t = datetime.fromisoformat(m.group(1)).timestamp()
                # one file: its line order is the kernel's order
                key = (0, lineno) if nsid is not None else (t, 0 if m.group(3) else 1)
                events.append((key, t, not m.group(3), node, m.group(4)))
    events.sort(key=lambda e: e[0])
    moves = overlaps = 0
    released = {}
    open_overlaps = {}  # (addr, old holder) -> (new holder, time of the add)
    for _, t, add, node, a in events:
        if not add:
            holders[a].discard(node)
            released[a] = (node, t)
            if (a, node) in open_overlaps:
                new, t_add = open_overlaps.pop((a, node))
                overlaps += 1
                print(f"OVERLAP: {a} added on {new} while on {node}, for "
                      f"{(t - t_add) * 1000:.3f} ms")
            continue
        others = holders[a] - {node}
        for o in others:
            open_overlaps[(a, o)] = (node, t)
        if not others and a in released and released[a][0] != node:
            moves += 1
            print(f"{a}: {released[a][0]} -> {node} after "
                  f"{(t - released[a][1]) * 1000:.3f} ms without an owner")
        holders[a].add(node)
    for (a, old), (new, _) in open_overlaps.items():
        overlaps += 1
        print(f"OVERLAP: {a} added on {new} while on {old}, never deleted there")
    print(f"moves={moves} overlaps={overlaps}")
    return 1 if overlaps else 0


if __name__ == "__main__":
    sys.exit(main())
