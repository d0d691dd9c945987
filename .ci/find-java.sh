# Sourced by ./stock-ingest, ./stock-ingest-bench and .ci/run: find_java prints a java binary of version 21 or newer,
# or explains and fails. A JDK's version is read from its `release` file (JAVA_VERSION="25.0.3"), which costs no JVM
# start; only a java without one (an unusual layout) is asked, with java -XshowSettings:properties -version.

# The JDK home of a java binary (symlinks resolved: /usr/bin/java -> /usr/lib/jvm/X/bin/java gives /usr/lib/jvm/X).
java_home_of() {
  local bin
  bin="$(readlink -f "$1")" || return 1
  bin="${bin%/*}"
  echo "${bin%/*}"
}

# The full version of a java binary, e.g. 25.0.3 or 1.8.0_412.
java_version() {
  local home line version=""
  home="$(java_home_of "$1")" || return 1
  if [ -r "$home/release" ]; then
    while IFS= read -r line; do
      case "$line" in
        JAVA_VERSION=*) version="${line#JAVA_VERSION=}"; version="${version//\"/}"; break ;;
      esac
    done < "$home/release"
  fi
  if [ -z "$version" ]; then
    version="$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.version = //p' | head -n1)"
  fi
  echo "$version"
}

# The feature release of a java binary: 25 for 25.0.3, 8 for 1.8.0_412.
java_major() {
  local version
  version="$(java_version "$1")"
  version="${version#1.}"
  echo "${version%%[.+_-]*}"
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
