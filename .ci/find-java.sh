# Sourced by ./stock-ingest and .ci/run: find_java prints a java binary of version 21 or newer, or explains and fails.
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1 | cut -d. -f1
}
find_java() {
  local candidate major
  for candidate in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java 2>/dev/null || true)" /usr/lib/jvm/*/bin/java; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    major="$(java_major "$candidate")"
    if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "stock-ingest: no JDK 21 or newer found (JAVA_HOME=${JAVA_HOME:-unset}; java on PATH is $(command -v java || echo none)). Install one (e.g. Temurin 21+) and set JAVA_HOME." >&2
  return 1
}
