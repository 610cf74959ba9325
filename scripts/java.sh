# Sourced by the launchers (run.sh, cluster.sh, bench.sh): which JDK a node runs on, and its options.
# HERALD_JAVA when set; else the newest JDK of 17 or later among JAVA_HOME and those under
# /usr/lib/jvm (Temurin 25 where there is one), else java on the PATH. Sets HERALD_JAVA (the java
# binary), HERALD_JAVA_MAJOR and HERALD_JVM_ARGS: @conf/jvm.options, and on 25 or later also
# @conf/jvm25.options (compact object headers: docs/benchmarks.md, "JDK").
herald_java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | awk '/java.specification.version/ {print $3}' | cut -d. -f1
}
if [ -z "${HERALD_JAVA:-}" ]; then
  best_major=0
  for candidate in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} /usr/lib/jvm/*/bin/java "$(command -v java 2>/dev/null || true)"; do
    [ -x "$candidate" ] || continue
    major=$(herald_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 17 ] && [ "$major" -gt "$best_major" ]; then
      best_major=$major
      HERALD_JAVA=$candidate
    fi
  done
  [ -n "${HERALD_JAVA:-}" ] || { echo "no JDK 17 or later found (JAVA_HOME, /usr/lib/jvm, PATH)" >&2; exit 1; }
fi
HERALD_JAVA_MAJOR=$(herald_java_major "$HERALD_JAVA")
HERALD_JVM_ARGS="@conf/jvm.options"
if [ "${HERALD_JAVA_MAJOR:-0}" -ge 25 ]; then
  HERALD_JVM_ARGS="$HERALD_JVM_ARGS @conf/jvm25.options"
fi
export HERALD_JAVA HERALD_JAVA_MAJOR HERALD_JVM_ARGS
