#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# addr-overlap.py ADDRS NODE=MONITOR-FILE=INITIAL ...
#
# Reads the output of "ip -ts monitor address" of several nodes (each with the comma-separated
# list of ADDRS it held when the monitor started) and checks that no address of ADDRS (comma
# separated) was ever on two nodes at once. Prints every hand-over ("ADDR: nA -> nB after
# N.NNN ms without an owner") and every overlap; the last line is "moves=N overlaps=M".
# Exit status 1 when an address was on two nodes at once.
import re
import sys
from datetime import datetime

LINE = re.compile(r"^\[([0-9T:.-]+)\] (Deleted )?\d+: \S+\s+inet6? ([0-9a-f.:]+)/\d+")


def main():
    addrs = set(sys.argv[1].split(","))
    events = []
    holders = {a: set() for a in addrs}
    for spec in sys.argv[2:]:
        node, path, initial = spec.split("=", 2)
        for a in filter(None, initial.split(",")):
            if a in addrs:
                holders[a].add(node)
        with open(path) as f:
            for line in f:
                m = LINE.match(line)
                if not m or m.group(3) not in addrs:
                    continue
                t = datetime.fromisoformat(m.group(1)).timestamp()
                events.append((t, 0 if m.group(2) else 1, node, m.group(3)))
    # deletions first at equal times: the check is strict about additions only
    events.sort()
    moves = overlaps = 0
    released = {}
    for t, add, node, a in events:
        if not add:
            holders[a].discard(node)
            released[a] = (node, t)
            continue
        others = holders[a] - {node}
        if others:
            overlaps += 1
            print(f"OVERLAP: {a} added on {node} while on {', '.join(sorted(others))}")
        elif a in released and released[a][0] != node:
            moves += 1
            print(f"{a}: {released[a][0]} -> {node} after "
                  f"{(t - released[a][1]) * 1000:.3f} ms without an owner")
        holders[a].add(node)
    print(f"moves={moves} overlaps={overlaps}")
    return 1 if overlaps else 0


if __name__ == "__main__":
    sys.exit(main())
