package io.stockingest.sink.iceberg;

import java.util.Locale;

/**
 * A profiling aid: with the system property {@code stockingest.iceberg.timing=true} the sink prints the wall time of
 * each write-audit-publish phase (spills, refresh, stage, branch, overwrite commit, gate, fast-forward, the feature
 * read-back and computation, the quarantine and {@code ingest_runs}) to stderr; off by default, nothing printed.
 * See docs/performance.md, "Where the Iceberg run's time goes".
 */
final class Timing {
    static final boolean ON = Boolean.getBoolean("stockingest.iceberg.timing");
    private static final long ORIGIN = System.nanoTime();
    private Timing() {}

    static long start() {
        return System.nanoTime();
    }

    /** The current thread's CPU time in nanoseconds when timing is on (0 when off). */
    static long cpu() {
        return ON ? java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() : 0;
    }

    static void mark(String what, long start) {
        if (ON) {
            long now = System.nanoTime();
            System.err.printf(Locale.ROOT, "ICEBERG-TIMING %-50s %8.3f s (ends at %.3f) [%s]%n", what, (now - start) / 1e9, (now - ORIGIN) / 1e9, Thread.currentThread().getName());
        }
    }
}
