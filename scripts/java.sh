# Sourced by the launchers (run.sh, cluster.sh, bench.sh): which JDK a node runs on, and its options.
# HERALD_JAVA when set; else the newest JDK of 17 or later among JAVA_HOME and those under
# /usr/lib/jvm (Temurin 25 where there is one), else java on the PATH. Sets HERALD_JAVA (the java
# binary), HERALD_JAVA_MAJOR and HERALD_JVM_ARGS: @conf/jvm.options, and on 25 or later also
# @conf/jvm25.options (compact object headers: docs/benchmarks.md, "JDK") and, when
# scripts/aot-train.sh made one for the jar there is now, -XX:AOTCache=target/herald.aot
# (HERALD_AOT_CACHE names another file, or "none").
herald_java_major() { # JAVA: its feature version, or nothing when it does not run
  { "$1" -XshowSettings:properties -version 2>&1 || true; } | awk '/java.specification.version/ {print $3}' | cut -d. -f1
}
if [ -z "${HERALD_JAVA:-}" ]; then
  _herald_best=0
  for _herald_java in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} /usr/lib/jvm/*/bin/java "$(command -v java 2>/dev/null || true)"; do
    [ -x "$_herald_java" ] || continue
    _herald_major=$(herald_java_major "$_herald_java")
    if [ -n "$_herald_major" ] && [ "$_herald_major" -ge 17 ] && [ "$_herald_major" -gt "$_herald_best" ]; then
      _herald_best=$_herald_major
      HERALD_JAVA=$_herald_java
    fi
  done
  unset _herald_best _herald_java _herald_major
  [ -n "${HERALD_JAVA:-}" ] || { echo "no JDK 17 or later found (JAVA_HOME, /usr/lib/jvm, PATH)" >&2; exit 1; }
fi
HERALD_JAVA_MAJOR=$(herald_java_major "$HERALD_JAVA")
[ -n "$HERALD_JAVA_MAJOR" ] || { echo "HERALD_JAVA=$HERALD_JAVA does not run as a JDK" >&2; exit 1; }
HERALD_JVM_ARGS="@conf/jvm.options"
if [ "${HERALD_JAVA_MAJOR:-0}" -ge 25 ]; then
  HERALD_JVM_ARGS="$HERALD_JVM_ARGS @conf/jvm25.options"
  # the trained cache, while it is newer than the jar (a cache of an older jar would be refused)
  _herald_aot=${HERALD_AOT_CACHE:-target/herald.aot}
  if [ "$_herald_aot" != none ] && [ -s "$_herald_aot" ] && { [ ! -e target/herald.jar ] || [ "$_herald_aot" -nt target/herald.jar ]; }; then
    HERALD_JVM_ARGS="$HERALD_JVM_ARGS -XX:AOTCache=$_herald_aot"
  fi
  unset _herald_aot
fi
export HERALD_JAVA HERALD_JAVA_MAJOR HERALD_JVM_ARGS
