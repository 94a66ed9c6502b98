#!/bin/sh
# check-layout.sh: the layout rules the compiler does not check by itself (ctest test_layout).
# 1. A *_internal.h is included by its bare name (its folder is a PRIVATE include dir of its
#    stage library), never by a path through the public include root internal/.
# 2. Only files of its own stage (internal/<stage>/, any room of it) and the unit tests include
#    one; never cmd/, tools/ or bench/.
# 3. No file cycle inside the entities stage: no two of its source files call each other, directly
#    or around a loop (read with nm from the object files under BUILD_DIR).
# usage: check-layout.sh SOURCE_DIR BUILD_DIR; prints each violation, exits 1 when there is one.
set -u
src=${1:?usage: check-layout.sh SOURCE_DIR BUILD_DIR}
build=${2:?usage: check-layout.sh SOURCE_DIR BUILD_DIR}
cd "$src" || exit 2
bad=0

# 1 and 2: every include of an internal header.
for f in $(find internal cmd tools bench tests -name '*.[ch]' | sort); do
    for inc in $(sed -n 's/^#include "\([^"]*_internal\.h\)".*/\1/p' "$f"); do
        case $inc in
        */*) echo "$f: includes $inc by a path" && bad=1 && continue ;;
        esac
        case $f in
        internal/*)
            stage=$(echo "$f" | cut -d/ -f2)
            [ -n "$(find "internal/$stage" -name "$inc")" ] ||
                { echo "$f: includes $inc of another stage" && bad=1; }
            ;;
        tests/*) ;;
        *) echo "$f: includes $inc (commands, tools and benchmarks use public headers)" && bad=1 ;;
        esac
    done
done

# 3: the file graph of the entities stage from its objects' defined and undefined symbols.
objs=$(find "$build" -path '*/internal/entities/*' -name '*.c.o' | sort)
[ -n "$objs" ] || { echo "no entities objects under $build" && exit 2; }
for o in $objs; do
    name=$(echo "$o" | sed 's|.*/internal/||; s|\.o$||')
    nm --defined-only "$o" | awk -v f="$name" '$2 ~ /^[TDBR]$/ {print "D", $3, f}'
    nm -u "$o" | awk -v f="$name" '{print "U", $2, f}'
done | awk '
$1 == "D" { def[$2] = $3; next }
{ use[++n] = $2; by[n] = $3 }
END {
    for (i = 1; i <= n; i++) {
        d = def[use[i]]
        if (d != "" && d != by[i] && !seen[by[i], d]++) edges[by[i]] = edges[by[i]] " " d
        node[by[i]] = 1
    }
    for (u in node) if (!state[u]) dfs(u)
    exit bad
}
function dfs(u,    k, a, i, j, s) {
    state[u] = 1; stack[++sp] = u
    k = split(edges[u], a, " ")
    for (i = 1; i <= k; i++) {
        if (state[a[i]] == 1) {
            s = a[i]
            for (j = sp; j > 0 && stack[j] != a[i]; j--) s = stack[j] " -> " s
            print "file cycle: " a[i] " -> " s; bad = 1
        } else if (!state[a[i]]) dfs(a[i])
    }
    state[u] = 2; sp--
}' || bad=1
exit $bad
