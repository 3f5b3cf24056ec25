#!/bin/sh
# mergeml.sh - conversion benchmark: a 100,000-member fml4 list
#
# usage: sh bench/mergeml.sh [PREFIX]
#
# Builds and installs mlm into build/bench/prefix (or uses the mlm
# installed in PREFIX), writes an fml4 list directory with
# BENCH_MEMBERS (100000) members and as many actives lines, in the
# forms fml4 writes (a "#.FML HEADER" block, digest "m=3u" and skip
# "s=skip" entries, switched-off "#<TAB>" entries, "##BYE" lines,
# trailing comments, mixed-case duplicates), a config.ph with a subject
# tag, seq and 100 articles in spool/, and times "makefml mergeml" into
# a new list BENCH_RUNS (3) times. Prints each run's wall time and the
# median; the goal is under two seconds. Everything happens in a
# temporary directory that is removed at the end.

here=$(cd "$(dirname "$0")" && pwd -P)
top=$(cd "$here/.." && pwd -P)
cd "$top" || exit 1
members=${BENCH_MEMBERS:-100000}
runs=${BENCH_RUNS:-3}

if [ -n "${1:-}" ]; then
	PREFIX=$(cd "$1" && pwd -P) || exit 1
else
	echo "== building and installing into build/bench/prefix"
	PREFIX=$top/build/bench/prefix
	mkdir -p build/bench
	if ! make -s B=build/bench PREFIX="$PREFIX" install \
	    > build/bench/build.log 2>&1; then
		tail -n 30 build/bench/build.log
		echo "bench: the build failed (see build/bench/build.log)" >&2
		exit 1
	fi
fi
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || { echo "bench: needs python3" >&2
    exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/mlm-bench-mergeml.XXXXXX") || exit 1
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "$(id -u)" = 0 ] && ! id mlm >/dev/null 2>&1; then
	useradd -r -M -d /nonexistent -s /usr/sbin/nologin mlm || exit 1
fi
mkdir -p "$T/etc" "$T/ml" "$T/nopostfix"
chmod 755 "$T/ml"
cp -R "$PREFIX/etc/mlm/." "$T/etc/" 2>/dev/null
cat >> "$T/etc/main.cf" <<EOC
default_ml_home_prefix = $T/ml
default_domain = example.org
postfix_command_dir = $T/nopostfix
EOC
export MLM_CONFIG_DIR="$T/etc"

echo "== writing an fml4 list of $members members"
"$PY" - "$T/fml4/big" "$members" <<'EOF'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
os.makedirs(d + "/spool")
header = ("#.FML HEADER\n# e.g. taro@example r=relayserver m=3u s=skip\n"
          "#.endFML HEADER\n")
with open(d + "/config.ph", "w") as f:
    f.write('$MAIL_LIST = "big\\@example.org";\n'
            '$SUBJECT_TAG_TYPE = "[:]";\n$BRACKET = "Big";\n'
            '$START_HOOK = q#&Log("x");#;\n1;\n')
with open(d + "/members", "w") as m, open(d + "/actives", "w") as a:
    m.write(header)
    a.write(header)
    for i in range(n):
        addr = "user%06d@host%d.example.jp" % (i, i % 97)
        m.write(addr + "\n")
        if i % 50 == 0:
            a.write(addr + " m=3u\n")
        elif i % 70 == 0:
            a.write(addr + " s=skip\n")
        elif i % 90 == 0:
            a.write("#\t" + addr + "\n")
        elif i % 401 == 0:
            a.write("##BYE " + addr + "\n")
        elif i % 503 == 0:
            a.write(addr.upper() + "   # old spelling\n")
        else:
            a.write(addr + "\n")
with open(d + "/seq", "w") as f:
    f.write("12345\n")
for k in range(12246, 12346):
    with open("%s/spool/%d" % (d, k), "w") as f:
        f.write("From: a@example.org\nSubject: [Big:%05d] x\n\n%s\n"
                % (k, "body line\n" * 40))
EOF
for form in ' m=3u$' ' s=skip$' '^#	' '^##BYE ' '# old spelling$'; do
	if ! grep -q "$form" "$T/fml4/big/actives"; then
		echo "bench: actives has no line matching \"$form\"" >&2
		exit 1
	fi
done
chmod -R a+rX "$T/fml4"

times=
i=1
while [ $i -le "$runs" ]; do
	s=$(date +%s.%N)
	if ! "$PREFIX/bin/makefml" mergeml "big$i" "$T/fml4/big" \
	    > "$T/out.$i" 2>&1; then
		tail -n 5 "$T/out.$i"
		echo "bench: mergeml failed" >&2
		exit 1
	fi
	e=$(date +%s.%N)
	t=$(echo "$s $e" | awk '{ printf "%.3f", $2 - $1 }')
	n=$("$PREFIX/bin/makefml" list "big$i" member | wc -l)
	echo "run $i: ${t}s, $n members imported"
	times="$times $t"
	i=$((i + 1))
done
median=$(echo $times | tr ' ' '\n' | sort -n | awk '
    { v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
echo "mergeml of $members members: median ${median}s (goal: under 2s)"
echo "$median" | awk '{ exit !($1 < 2) }'
